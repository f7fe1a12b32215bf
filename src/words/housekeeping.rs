//! What housekeeping did, in the reader's words: the board's status line and `promptly
//! housekeep`.

use crate::desk::Housekeeping;
use crate::domain::policy::Policy;
use crate::t;

/// A line holds a few ids; the rest are in the log and `promptly callback list`.
fn ids(v: &[i64], lang: &str) -> String {
    let mut shown: Vec<String> = v.iter().take(5).map(|id| format!("#{id}")).collect();
    if v.len() > 5 {
        shown.push(format!("+{}", v.len() - 5));
    }
    super::list(&shown, lang)
}

/// Tickets closed and callbacks queued, or `None` when housekeeping changed nothing.
pub fn done(done: &Housekeeping, policy: &Policy, lang: &str) -> Option<String> {
    let mut parts = Vec::new();
    if !done.auto_closed.is_empty() {
        parts.push(t!(
            "msg.auto_closed",
            locale = lang,
            days = policy.settings.auto_close_days,
            ids = ids(&done.auto_closed, lang)
        ));
    }
    if let Some(s) = done.sampled.as_ref().filter(|s| !s.already && !s.picked.is_empty()) {
        parts.push(t!(
            "callback.sampled",
            locale = lang,
            month = s.month,
            count = s.picked.len(),
            closed = s.closed,
            ids = ids(&s.picked, lang)
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

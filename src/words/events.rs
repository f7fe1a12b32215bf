//! What a log entry's text says, in the reader's language. The log stores what a person wrote;
//! what the system did on its own is stored as typed values and worded here. Older builds
//! stored the auto-close as an English sentence: it is recognised and worded the same way.

use crate::domain::log::{Event, LogEntry, SystemAction};
use crate::t;
use std::borrow::Cow;

/// The text under a log entry: what the system did (worded), then what a person wrote.
/// Not sanitised: callers sanitise for their output, as they do with any body.
pub fn body<'a>(entry: &'a LogEntry, lang: &str) -> Cow<'a, str> {
    let action = match &entry.event {
        Event::System { why: Some(action) } => action.clone(),
        Event::System { why: None } => match legacy_system_body(&entry.body) {
            Some(action) => return Cow::Owned(system(&action, lang)),
            None => return Cow::Borrowed(&entry.body),
        },
        _ => return Cow::Borrowed(&entry.body),
    };
    let said = system(&action, lang);
    if entry.body.is_empty() {
        Cow::Owned(said)
    } else {
        Cow::Owned(format!("{said}\n{}", entry.body))
    }
}

/// What the system did, one sentence.
pub fn system(action: &SystemAction, lang: &str) -> String {
    match action {
        SystemAction::AutoClosed { days } => t!("system.auto_closed", locale = lang, days = days).to_string(),
        SystemAction::BreachKept { metric, cycle, due } => t!(
            "system.breach_kept",
            locale = lang,
            metric = crate::domain::text::sanitize_line(metric),
            cycle = cycle,
            due = due.format("%Y-%m-%d %H:%M UTC")
        )
        .to_string(),
    }
}

/// The English sentence builds before typed system events wrote for an auto-close.
fn legacy_system_body(body: &str) -> Option<SystemAction> {
    let rest = body.strip_prefix("Closed automatically: no reply from the customer in the ")?;
    let (days, rest) = rest.split_once(' ')?;
    let days: u32 = days.parse().ok()?;
    let tail = format!("days after the resolution (policy auto_close_days = {days})");
    (rest == tail).then_some(SystemAction::AutoClosed { days })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn entry(event: Event, body: &str) -> LogEntry {
        LogEntry {
            id: 1,
            ticket_id: 1,
            at: Utc.with_ymd_and_hms(2026, 11, 24, 6, 0, 0).unwrap(),
            author: "system".into(),
            event,
            body: body.into(),
        }
    }

    #[test]
    fn auto_close_reads_in_the_readers_language() {
        let e = entry(
            Event::System {
                why: Some(SystemAction::AutoClosed { days: 7 }),
            },
            "",
        );
        assert_eq!(
            body(&e, "en"),
            "Closed automatically: no reply from the customer in the 7 days after the resolution \
             (policy auto_close_days = 7)"
        );
        let zh = body(&e, "zh-CN");
        assert!(zh.starts_with("已自动关闭") && zh.contains("7 天"), "{zh}");
    }

    #[test]
    fn old_english_rows_still_read_and_are_worded_too() {
        let old = "Closed automatically: no reply from the customer in the 5 days after the resolution \
                   (policy auto_close_days = 5)";
        let e = entry(Event::System { why: None }, old);
        assert_eq!(body(&e, "en"), old);
        assert!(body(&e, "zh-CN").contains("5 天"), "{}", body(&e, "zh-CN"));
        let other = entry(Event::System { why: None }, "something else");
        assert_eq!(body(&other, "zh-CN"), "something else");
        let note = entry(Event::Note, "Closed automatically: no");
        assert_eq!(body(&note, "zh-CN"), "Closed automatically: no");
    }
}

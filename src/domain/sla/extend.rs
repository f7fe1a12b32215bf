//! Extensions: may the running cycle of a metric be given more time?

use super::engine::{read, replay};
use crate::domain::log::{Event, LogEntry};
use crate::domain::policy::Policy;
use crate::domain::target::Target;
use crate::domain::ticket::{Kind, Ticket};
use chrono::{DateTime, Utc};
use std::fmt;

/// Why an extension is refused: values only; the front ends put it into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionError {
    UnknownMetric(String),
    /// The policy sets no `max_extension` for it, for any kind.
    NotExtendable(String),
    /// The metric may be extended, but not for tickets of this kind (as it is at `now`).
    NotExtendableForKind {
        metric: String,
        kind: Kind,
        /// The kinds it may be extended for, in vocabulary order.
        kinds: Vec<Kind>,
    },
    /// No running cycle on this ticket.
    NotRunning(String),
    AlreadyMet(String),
    /// The deadline has passed: a breach stands and is judged, it is not extended away.
    AlreadyBreached {
        metric: String,
        due: DateTime<Utc>,
    },
    /// Asked in working days of a metric extended in business time, or the other way round.
    WrongUnit {
        metric: String,
        max: Target,
    },
    BeyondMaximum {
        metric: String,
        max: Target,
        /// Extensions of the current cycle already granted (in the unit of `max`).
        granted: Option<Target>,
        asked: Target,
    },
}

/// A terse developer form; people read `words::explain::extension_error`.
impl fmt::Display for ExtensionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "extension refused: {self:?}")
    }
}

impl std::error::Error for ExtensionError {}

/// Refuses an extension past the metric's maximum for the ticket's kind at `now` (all
/// extensions of the current cycle together), of a metric without one for that kind, of a
/// met, breached (at `now`) or unknown metric.
pub fn check_extension(
    policy: &Policy,
    ticket: &Ticket,
    log: &[LogEntry],
    metric: &str,
    by: &Target,
    now: DateTime<Utc>,
) -> Result<(), ExtensionError> {
    let m = policy
        .metric(metric)
        .ok_or_else(|| ExtensionError::UnknownMetric(metric.to_string()))?;
    let kind = kind_at(ticket, log, now);
    let max = match m.max_extension_for(kind) {
        Some(max) => max,
        None => {
            let kinds = m.extendable_kinds();
            return Err(if kinds.is_empty() {
                ExtensionError::NotExtendable(metric.to_string())
            } else {
                ExtensionError::NotExtendableForKind {
                    metric: metric.to_string(),
                    kind,
                    kinds,
                }
            });
        }
    };
    let cycles = replay(policy, ticket, log, Some(now));
    let current = cycles
        .iter()
        .rev()
        .find(|c| c.metric == metric)
        .ok_or_else(|| ExtensionError::NotRunning(metric.to_string()))?;
    if current.stopped.is_some() {
        return Err(ExtensionError::AlreadyMet(metric.to_string()));
    }
    if let Some((reading, _)) = read(policy, ticket.id, current, now)
        && let (true, Some(due)) = (reading.is_breached(), reading.due_at)
    {
        return Err(ExtensionError::AlreadyBreached {
            metric: metric.to_string(),
            due,
        });
    }
    if max.is_days() != by.is_days() {
        return Err(ExtensionError::WrongUnit {
            metric: metric.to_string(),
            max,
        });
    }
    let granted = current
        .extensions
        .iter()
        .filter(|(_, t)| t.is_days() == max.is_days())
        .fold(None, |sum: Option<Target>, (_, t)| {
            Some(sum.and_then(|s| s.checked_add(*t)).unwrap_or(*t))
        });
    let total = granted.map_or(Some(*by), |g| g.checked_add(*by));
    let over = match (total, max) {
        (Some(Target::WorkingDays(t)), Target::WorkingDays(m)) => t > m,
        (Some(Target::Business(t)), Target::Business(m)) => t > m,
        _ => true,
    };
    if over {
        return Err(ExtensionError::BeyondMaximum {
            metric: metric.to_string(),
            max,
            granted,
            asked: *by,
        });
    }
    Ok(())
}

/// The ticket's kind at `now`: the last kind change up to then, else the kind it was opened
/// with. A ticket row holds its latest kind, which a later change (after `now`) may have set.
fn kind_at(ticket: &Ticket, log: &[LogEntry], now: DateTime<Utc>) -> Kind {
    let mut entries: Vec<&LogEntry> = log.iter().collect();
    entries.sort_by_key(|e| (e.at, e.id));
    let mut kind = None;
    let mut opened = false;
    for e in &entries {
        match &e.event {
            Event::Opened { kind: k, .. } if !opened && e.at <= now => {
                opened = true;
                kind = Some(*k);
            }
            Event::Field { field, from, to, .. } if field == "kind" => {
                let value = if e.at <= now { to } else { from };
                if let Ok(k) = value.parse::<Kind>() {
                    kind = Some(k);
                }
                if e.at > now {
                    break;
                }
            }
            _ => {}
        }
    }
    kind.unwrap_or(ticket.kind)
}

//! The follow-up log (服务日志): an append-only timeline per ticket. SLA clocks are replayed
//! from it, so every event that moves a clock is recorded here with its data.

use crate::domain::review::{Amount, BreachClass, Remedy};
use crate::domain::ticket::{Complexity, Kind, Priority, Status, vocabulary};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// SLA targets fixed for a ticket, metric name -> target text ("30m", "7d"). Snapshotted when a
/// ticket opens and when a priority, kind or complexity change re-targets it (from the promise
/// table it opened under): a promise made is kept.
pub type Targets = BTreeMap<String, String>;

vocabulary!(
    /// How the desk reached the customer, or the customer reached the desk.
    ContactMethod, "contact" {
        Call => "call" | "phone" | "电话",
        Email => "email" | "mail" | "邮件" | "邮箱" | "电子邮件",
        Message => "message" | "msg" | "chat" | "消息" | "短信" | "在线",
        Visit => "visit" | "上门" | "到店" | "来访",
    }
);

vocabulary!(
    /// Who started the contact: the desk (outbound) or the customer (inbound).
    Direction, "direction" {
        Outbound => "outbound" | "我方联系" | "主动",
        Inbound => "inbound" | "客户联系" | "客户主动",
    }
);

/// What happened. The variant tag (`event` in stored data) is also the entry's `kind` in JSON output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// The ticket was opened (intake), with the targets promised at that moment.
    Opened {
        priority: Priority,
        kind: Kind,
        complexity: Complexity,
        #[serde(default)]
        targets: Targets,
        /// Metric -> calendar, for every metric of the promise table (not only those that
        /// apply now): the hours a cycle counts in were promised too.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        calendars: BTreeMap<String, String>,
        /// Digest of the promise table the ticket opened under (`domain::promise`): a later
        /// priority, kind or complexity change takes its targets from it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        table: Option<String>,
    },
    /// A free-text note by the desk.
    Note,
    /// A contact with the customer.
    Contact {
        method: ContactMethod,
        direction: Direction,
    },
    /// A solution plan told to the customer (方案), logged with `log --plan`.
    Plan,
    /// A move of the status machine; `Resolved -> Open` and `Closed -> Open` are reopens.
    Status { from: Status, to: Status },
    /// A field edit. A priority, kind or complexity change carries the new targets.
    Field {
        field: String,
        from: String,
        to: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        targets: Option<Targets>,
    },
    /// A deadline moved by the agent, within the metric's maximum extension.
    Extended { metric: String, by: String },
    /// Anything the system did on its own, and why (older builds stored the why as an English
    /// body and no `why`; those entries still read).
    System {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<SystemAction>,
    },
    /// The customer confirmed the problem is gone (反馈确认); the body says how. Closing needs it.
    Confirmed,
    /// A supervisor's judgement on a breached clock (违约认定); the body holds the reason.
    Judged {
        metric: String,
        cycle: u32,
        class: BreachClass,
        remedy: Remedy,
        /// In fen (hundredths of a yuan).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount_fen: Option<i64>,
    },
    /// A satisfaction callback (回访); the body holds the customer's comment.
    Callback {
        reached: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        score: Option<u8>,
    },
    /// The ticket was brought in by `promptly import` from `file` (its name, no folder), data
    /// row or line `row`; the entries before this one are its history as the file told it.
    Imported { file: String, row: u64 },
    /// The ticket passed from one owner to another (转派); the body holds the reason.
    Transferred { from: String, to: String },
}

impl Event {
    /// The stable short name used in JSON (`log[].kind`) and the `log.kind` column.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Event::Opened { .. } => "opened",
            Event::Note => "note",
            Event::Plan => "plan",
            Event::Contact { .. } => "contact",
            Event::Status { .. } => "status",
            Event::Field { .. } => "field",
            Event::Extended { .. } => "extended",
            Event::System { .. } => "system",
            Event::Confirmed => "confirmed",
            Event::Judged { .. } => "judged",
            Event::Callback { .. } => "callback",
            Event::Imported { .. } => "imported",
            Event::Transferred { .. } => "transferred",
        }
    }

    pub fn is_outbound_contact(&self) -> bool {
        matches!(
            self,
            Event::Contact {
                direction: Direction::Outbound,
                ..
            }
        )
    }
}

/// What the system did on its own, with the values that explain it (the front ends word it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SystemAction {
    /// Closed a resolved ticket: no reply from the customer in `days` days after the
    /// resolution (the policy's `auto_close_days`).
    AutoClosed { days: u32 },
    /// A breach that happened stands: a policy edit (other hours, a holiday added afterwards)
    /// would have moved this cycle's deadline past the instant it was missed. The replay
    /// keeps `due` as its deadline.
    BreachKept {
        metric: String,
        cycle: u32,
        due: DateTime<Utc>,
    },
}

/// One line of the follow-up log as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub id: i64,
    pub ticket_id: i64,
    pub at: DateTime<Utc>,
    pub author: String,
    pub event: Event,
    /// What a person wrote (empty for what the system did; old builds stored an English
    /// sentence here for auto-close).
    pub body: String,
}

/// A log entry about to be appended; the store assigns the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub at: DateTime<Utc>,
    pub author: String,
    pub event: Event,
    pub body: String,
}

/// A stored entry to be written again (a demo's or an import's replayed history).
impl From<LogEntry> for NewEntry {
    fn from(e: LogEntry) -> Self {
        NewEntry {
            at: e.at,
            author: e.author,
            event: e.event,
            body: e.body,
        }
    }
}

impl NewEntry {
    /// The entry as the log holds it once stored under `id`.
    pub fn stored(self, id: i64, ticket_id: i64) -> LogEntry {
        LogEntry {
            id,
            ticket_id,
            at: self.at,
            author: self.author,
            event: self.event,
            body: self.body,
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Opened {
                priority,
                kind,
                complexity,
                ..
            } => {
                write!(f, "opened ({priority}, {kind}, {complexity})")
            }
            Event::Note => f.write_str("note"),
            Event::Plan => f.write_str("solution plan"),
            Event::Contact { method, direction } => {
                let dir = match direction {
                    Direction::Outbound => "outbound",
                    Direction::Inbound => "inbound",
                };
                write!(f, "{dir} {}", method.slug())
            }
            Event::Status { from, to } => write!(f, "status {from} -> {to}"),
            Event::Field { field, from, to, .. } => write!(f, "{field}: {from} -> {to}"),
            Event::Extended { metric, by } => write!(f, "{metric} extended by {by}"),
            // What the system did is worded from `why` by the front ends (`words::events`).
            Event::System { .. } => f.write_str("system"),
            Event::Confirmed => f.write_str("customer confirmed"),
            Event::Judged {
                metric,
                cycle,
                class,
                remedy,
                amount_fen,
            } => {
                write!(f, "{metric} #{cycle} judged {class}, remedy {remedy}")?;
                match amount_fen {
                    Some(a) => write!(f, " {}", Amount(*a)),
                    None => Ok(()),
                }
            }
            Event::Callback { reached: true, score } => match score {
                Some(s) => write!(f, "callback: reached, satisfaction {s}/5"),
                None => f.write_str("callback: reached"),
            },
            Event::Callback { reached: false, .. } => f.write_str("callback: not reached"),
            Event::Imported { file, row } => write!(f, "imported from {file} row {row}"),
            Event::Transferred { from, to } => write!(f, "transferred from {from} to {to}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_through_json_with_their_kind_tag() {
        let e = Event::Contact {
            method: ContactMethod::Call,
            direction: Direction::Inbound,
        };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"event":"contact","method":"call","direction":"inbound"}"#);
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), e);
        assert_eq!(e.kind_name(), "contact");
    }

    #[test]
    fn system_entries_store_their_why_and_old_ones_still_read() {
        let old = r#"{"event":"system"}"#;
        assert_eq!(serde_json::from_str::<Event>(old).unwrap(), Event::System { why: None });
        let closed = Event::System {
            why: Some(SystemAction::AutoClosed { days: 7 }),
        };
        let json = serde_json::to_string(&closed).unwrap();
        assert_eq!(json, r#"{"event":"system","why":{"auto-closed":{"days":7}}}"#);
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), closed);
        assert_eq!(closed.kind_name(), "system");
    }

    #[test]
    fn stored_events_of_earlier_builds_still_read() {
        let old = r#"{"event":"status","from":"resolved","to":"closed"}"#;
        assert_eq!(
            serde_json::from_str::<Event>(old).unwrap(),
            Event::Status {
                from: Status::Resolved,
                to: Status::Closed
            }
        );
        let judged = Event::Judged {
            metric: "first-response".into(),
            cycle: 1,
            class: BreachClass::Minor,
            remedy: Remedy::Compensation,
            amount_fen: Some(2000),
        };
        let json = serde_json::to_string(&judged).unwrap();
        assert_eq!(
            json,
            r#"{"event":"judged","metric":"first-response","cycle":1,"class":"minor","remedy":"compensation","amount_fen":2000}"#
        );
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), judged);
        assert_eq!(
            judged.to_string(),
            "first-response #1 judged minor, remedy compensation 20.00"
        );
    }
}

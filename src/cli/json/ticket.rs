//! A ticket: `list --json`, `show --json`, `new --json`.

use super::{Instant, instant};
use crate::desk::TicketView;
use crate::domain::log::{Event, LogEntry};
use crate::domain::sla::ClockReading;
use crate::domain::ticket::Ticket;
use serde::Serialize;
use std::collections::BTreeMap;

/// `list --json`, `show --json`, `new --json`: one ticket.
#[derive(Debug, Serialize)]
pub struct TicketJson<'a> {
    /// How the customer reached the shop (slug: phone, email, ...).
    pub channel: &'static str,
    /// The SLA clocks as of now.
    pub clocks: Vec<ClockJson<'a>>,
    /// When the ticket was closed; null while not closed.
    pub closed_at: Option<Instant>,
    /// ordinary or complex.
    pub complexity: &'static str,
    /// Full contact details (JSON is for scripts the shop runs).
    pub customer: CustomerJson<'a>,
    /// The description, as entered.
    pub description: &'a str,
    /// The ticket number.
    pub id: i64,
    /// `export --format jsonl` only: the id it was imported under, else the ticket number
    /// (what a re-import matches on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<&'a str>,
    /// What the ticket is about (slug).
    pub kind: &'static str,
    /// The follow-up log, oldest first: `show` and `new` only (absent in `list`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<Vec<LogEntryJson<'a>>>,
    /// When the ticket was opened.
    pub opened_at: Instant,
    /// The order reference ("" when none).
    pub order: &'a str,
    /// The agent who owns it (首问负责制); "" when nobody does.
    pub owner: &'a str,
    /// urgent, important or normal.
    pub priority: &'static str,
    /// The purchase date (`YYYY-MM-DD`), null when unknown.
    pub purchased: Option<String>,
    /// When the ticket was resolved; null unless resolved or closed.
    pub resolved_at: Option<Instant>,
    /// open, waiting, resolved or closed.
    pub status: &'static str,
    /// The title, as entered.
    pub title: &'a str,
    /// The last change.
    pub updated_at: Instant,
    /// Bumped by every change (`--expect-version`).
    pub version: i64,
}

/// The customer of a ticket.
#[derive(Debug, Serialize)]
pub struct CustomerJson<'a> {
    /// "" when not given.
    pub email: &'a str,
    /// "" when not given.
    pub name: &'a str,
    /// "" when not given.
    pub phone: &'a str,
}

/// One SLA clock (one cycle of one metric) as of now.
#[derive(Debug, Serialize)]
pub struct ClockJson<'a> {
    /// Whether the deadline passed before the clock was met.
    pub breached: bool,
    /// When the deadline passed unmet; null when it did not.
    pub breached_at: Option<Instant>,
    /// 1 for the first run of the metric, 2.. for reopened cycles.
    pub cycle: u32,
    /// The deadline; null while paused (it moves while the pause lasts).
    pub due_at: Option<Instant>,
    /// When the clock was met; null while running, and for a withdrawn clock.
    pub met_at: Option<Instant>,
    /// The policy metric (first-response, plan, resolution, ...).
    pub metric: &'a str,
    /// Business seconds spent paused.
    pub paused_secs: i64,
    /// Business seconds left (negative when late).
    pub remaining_secs: i64,
    /// When the clock started.
    pub started_at: Instant,
    /// running, paused, warning, breached, met or withdrawn (the metric stopped applying
    /// before its deadline: no outcome, left out of compliance).
    pub state: &'static str,
    /// The target promised for this cycle (30m, 24h, 3d).
    pub target: &'a str,
    /// When the clock was withdrawn; null unless its state is withdrawn.
    pub withdrawn_at: Option<Instant>,
}

/// One entry of a ticket's follow-up log.
#[derive(Debug, Serialize)]
pub struct LogEntryJson<'a> {
    /// When it happened.
    pub at: Instant,
    /// Who recorded it (`system` for Promptly's own changes).
    pub author: &'a str,
    /// The text of the entry ("" when none); what Promptly did itself is worded in the
    /// command's language.
    pub body: std::borrow::Cow<'a, str>,
    /// The event as stored, machine-readable: `{"event": KIND, ...its values}` (what `import`
    /// of JSON Lines reads back; the English `event` line can be ambiguous).
    pub data: &'a Event,
    /// The event with its values, in English.
    pub event: String,
    /// opened, note, plan, contact, status, field, extended, system, confirmed, judged, callback or imported.
    pub kind: &'static str,
    /// An email contact taken in by `intake` or sent by `reply` (else null): the message.
    pub mail: Option<MailJson<'a>>,
    /// `opened` only (else null): the promise made at opening, metric -> its target and
    /// calendar, for every metric that applies to the ticket.
    pub promise: Option<BTreeMap<&'a str, PromisedJson<'a>>>,
    /// `field` entries of a priority, kind or complexity change (else null): the targets from
    /// then on, metric -> target (from the promise table the ticket opened under).
    pub targets: Option<&'a BTreeMap<String, String>>,
}

/// The message behind an email contact.
#[derive(Debug, Serialize)]
pub struct MailJson<'a> {
    /// Files that came with it: name, size in bytes, where it was saved under the data dir
    /// (null when not saved, then `reason`: too-large, unsafe-name, write-failed).
    pub attachments: &'a [crate::domain::mail::Attachment],
    /// in (taken in by intake) or out (sent by reply).
    pub direction: &'static str,
    pub from_addr: &'a str,
    pub from_name: &'a str,
    /// The Message-ID it answered, without <>; null when none.
    pub in_reply_to: Option<&'a str>,
    /// Without <>.
    pub message_id: &'a str,
    /// The thread before it, oldest first, without <>.
    pub references: &'a [String],
    pub subject: &'a str,
    pub to_addr: &'a str,
}

impl<'a> MailJson<'a> {
    pub fn new(m: &'a crate::desk::MailRow) -> Self {
        MailJson {
            attachments: &m.attachments,
            direction: m.direction.as_str(),
            from_addr: &m.from_addr,
            from_name: &m.from_name,
            in_reply_to: m.in_reply_to.as_deref(),
            message_id: &m.message_id,
            references: &m.refs,
            subject: &m.subject,
            to_addr: &m.to_addr,
        }
    }
}

/// One metric of the promise made at opening.
#[derive(Debug, Serialize)]
pub struct PromisedJson<'a> {
    /// The calendar whose hours the clock counts in.
    pub calendar: &'a str,
    /// The target (30m, 24h, 3d).
    pub target: &'a str,
}

impl<'a> TicketJson<'a> {
    pub fn new(t: &'a Ticket, clocks: &'a [ClockReading]) -> Self {
        TicketJson {
            channel: t.channel.slug(),
            clocks: clocks.iter().map(ClockJson::new).collect(),
            closed_at: instant(t.closed_at),
            complexity: t.complexity.slug(),
            customer: CustomerJson {
                email: &t.customer.email,
                name: &t.customer.name,
                phone: &t.customer.phone,
            },
            description: &t.description,
            id: t.id,
            external_id: None,
            kind: t.kind.slug(),
            log: None,
            opened_at: Instant(t.opened_at),
            order: &t.reference,
            owner: &t.owner,
            priority: t.priority.slug(),
            purchased: t.purchased_on.map(|d| d.to_string()),
            resolved_at: instant(t.resolved_at),
            status: t.status.slug(),
            title: &t.title,
            updated_at: Instant(t.updated_at),
            version: t.version,
        }
    }

    /// A ticket with its log (`show`, `new`).
    pub fn view(v: &'a TicketView) -> Self {
        TicketJson {
            log: Some(
                v.log
                    .iter()
                    .map(|e| {
                        let mut json = LogEntryJson::new(e);
                        json.mail = v.mail.iter().find(|m| m.log_id == e.id).map(MailJson::new);
                        json
                    })
                    .collect(),
            ),
            ..TicketJson::new(&v.ticket, &v.clocks)
        }
    }
}

impl<'a> ClockJson<'a> {
    pub fn new(c: &'a ClockReading) -> Self {
        ClockJson {
            breached: c.is_breached(),
            breached_at: instant(c.breached_at),
            cycle: c.cycle,
            due_at: instant(c.due_at),
            met_at: instant(c.met_at.filter(|_| !c.is_withdrawn())),
            metric: &c.metric,
            paused_secs: c.paused_secs,
            remaining_secs: c.remaining_secs,
            started_at: Instant(c.started_at),
            state: c.state.slug(),
            target: &c.target,
            withdrawn_at: instant(c.met_at.filter(|_| c.is_withdrawn())),
        }
    }
}

impl<'a> LogEntryJson<'a> {
    pub fn new(e: &'a LogEntry) -> Self {
        LogEntryJson {
            at: Instant(e.at),
            author: &e.author,
            body: crate::words::events::body(e, crate::words::catalogue::locale()),
            data: &e.event,
            event: e.event.to_string(),
            kind: e.event.kind_name(),
            mail: None,
            promise: match &e.event {
                Event::Opened { targets, calendars, .. } => Some(
                    targets
                        .iter()
                        .map(|(metric, target)| {
                            let calendar = calendars.get(metric).map_or("", String::as_str);
                            (metric.as_str(), PromisedJson { calendar, target })
                        })
                        .collect(),
                ),
                _ => None,
            },
            targets: match &e.event {
                Event::Field { targets, .. } => targets.as_ref(),
                _ => None,
            },
        }
    }
}

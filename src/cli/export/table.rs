//! The tables an export writes, as typed cells, once for every format: the flat tickets table
//! (the import contract's columns), and the folder's tickets, log, clocks and customers.
//! CSV writes cells as text, XLSX as numbers, real dates and text.

use crate::desk::Exported;
use crate::domain::log::Event;
use crate::domain::policy::{Policy, StopEvent};
use crate::domain::privacy::mask_contacts;
use crate::domain::privacy::{mask_email, mask_name, mask_phone};
use crate::domain::sla::ClockReading;
use crate::domain::ticket::Customer;
use chrono::{DateTime, NaiveDate, Utc};
use std::borrow::Cow;

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Text(Cow<'a, str>),
    Int(i64),
    /// An instant, shown in the shop's timezone; empty when `None`.
    Instant(Option<DateTime<Utc>>),
    /// A calendar date; empty when `None`.
    Date(Option<NaiveDate>),
    /// A log entry's event as its text (`status open -> waiting`): CSV writes it into its
    /// buffer without a string of its own per entry.
    Event(&'a Event),
}

fn text(s: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(s))
}

fn owned<'a>(s: String) -> Cell<'a> {
    Cell::Text(Cow::Owned(s))
}

/// Text a spreadsheet would run as a formula (= + - @, or a tab or carriage return before one)
/// gets a leading apostrophe, so it stays text (CSV injection); control characters and bidi
/// overrides become visible placeholders as on a terminal (a CSV is printed to one as often as
/// opened in a spreadsheet; JSON Lines keeps them, escaped).
pub fn inert(s: &str) -> Cow<'_, str> {
    let guarded = match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    };
    match crate::domain::text::text_safe(&guarded) {
        Cow::Borrowed(_) => guarded,
        Cow::Owned(safe) => Cow::Owned(safe),
    }
}

/// The tables of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Tickets,
    Log,
    Clocks,
    Customers,
}

impl Table {
    /// Its file (`.csv`) and sheet name.
    pub fn name(self) -> &'static str {
        match self {
            Table::Tickets => "tickets",
            Table::Log => "log",
            Table::Clocks => "clocks",
            Table::Customers => "customers",
        }
    }
}

/// The import contract's columns (issue 14), in this order; `id` first.
const FLAT: [&str; 18] = [
    "id",
    "external_id",
    "title",
    "customer",
    "phone",
    "email",
    "order",
    "kind",
    "priority",
    "complexity",
    "channel",
    "status",
    "opened_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "note",
    "owner",
];

/// What the folder's tickets table has beyond the flat columns.
const MORE: [&str; 4] = ["customer_id", "purchased", "updated_at", "version"];

const LOG: [&str; 7] = ["ticket_id", "entry_id", "at", "author", "kind", "event", "body"];

const CLOCKS: [&str; 14] = [
    "ticket_id",
    "metric",
    "cycle",
    "state",
    "target",
    "calendar",
    "started_at",
    "due_at",
    "met_at",
    "breached_at",
    "withdrawn_at",
    "paused_secs",
    "remaining_secs",
    "extended",
];

const CUSTOMERS: [&str; 4] = ["customer_id", "name", "phone", "email"];

/// How rows are made: which tickets columns, whether personal data is shown, the SLA metrics.
/// Owns what it takes from the policy, so the writing thread can have it.
pub struct Shape {
    pub flat: bool,
    pub personal: bool,
    /// The policy's metrics, in its order.
    metrics: Vec<String>,
    /// The metric the first outbound contact stops (the first response), if any.
    first_response: Option<String>,
}

impl Shape {
    pub fn new(policy: &Policy, flat: bool, personal: bool) -> Self {
        Shape {
            flat,
            personal,
            metrics: policy.metrics.iter().map(|m| m.name.clone()).collect(),
            first_response: policy
                .metrics
                .iter()
                .find(|m| m.stop == StopEvent::FirstOutboundContact)
                .map(|m| m.name.clone()),
        }
    }

    /// The tables written, in order: customers only with personal data, and only in a folder.
    pub fn tables(&self) -> Vec<Table> {
        match (self.flat, self.personal) {
            (true, _) => vec![Table::Tickets],
            (false, false) => vec![Table::Tickets, Table::Log, Table::Clocks],
            (false, true) => vec![Table::Tickets, Table::Log, Table::Clocks, Table::Customers],
        }
    }

    /// A table's column headers.
    pub fn headers(&self, table: Table) -> Vec<String> {
        let names: &[&str] = match table {
            Table::Tickets => &FLAT,
            Table::Log => &LOG,
            Table::Clocks => &CLOCKS,
            Table::Customers => &CUSTOMERS,
        };
        let mut out: Vec<String> = names.iter().map(|s| (*s).to_string()).collect();
        if table == Table::Tickets {
            // The SLA outcome per metric (import ignores these).
            out.extend(self.metrics.iter().map(|m| format!("{m}_sla")));
            if !self.flat {
                out.extend(MORE.iter().map(|s| (*s).to_string()));
            }
        }
        out
    }

    /// The customer's fields as exported: masked unless personal data was asked for.
    pub fn customer<'a>(&self, c: &'a Customer) -> [Cow<'a, str>; 3] {
        if self.personal {
            [c.name.as_str().into(), c.phone.as_str().into(), c.email.as_str().into()]
        } else {
            [
                mask_name(&c.name).into(),
                mask_phone(&c.phone).into(),
                mask_email(&c.email).into(),
            ]
        }
    }

    /// Free text a person typed (a title, a note, a log entry): phone numbers and e-mail
    /// addresses in it masked unless personal data was asked for.
    pub fn free_text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if self.personal {
            Cow::Borrowed(s)
        } else {
            mask_contacts(s)
        }
    }

    /// The ticket's row of the tickets table.
    pub fn ticket_row<'a>(&self, e: &'a Exported) -> Vec<Cell<'a>> {
        let t = &e.view.ticket;
        let [name, phone, email] = self.customer(&t.customer);
        let mut row = vec![
            Cell::Int(t.id),
            // The id it was imported under, else the ticket number: what a re-import matches on.
            match &e.external_id {
                Some(id) => text(id),
                None => owned(t.id.to_string()),
            },
            Cell::Text(self.free_text(&t.title)),
            Cell::Text(name),
            Cell::Text(phone),
            Cell::Text(email),
            text(&t.reference),
            text(t.kind.slug()),
            text(t.priority.slug()),
            text(t.complexity.slug()),
            text(t.channel.slug()),
            text(t.status.slug()),
            Cell::Instant(Some(t.opened_at)),
            Cell::Instant(self.first_response(&e.view.clocks)),
            Cell::Instant(t.resolved_at),
            Cell::Instant(t.closed_at),
            Cell::Text(self.free_text(&t.description)),
            text(&t.owner),
        ];
        for metric in &self.metrics {
            // The latest cycle's outcome.
            let last = e.view.clocks.iter().rev().find(|c| &c.clock.metric == metric);
            row.push(text(last.map_or("", |c| c.clock.state.slug())));
        }
        if !self.flat {
            row.push(if self.personal {
                Cell::Int(e.customer_id)
            } else {
                text("")
            });
            row.push(Cell::Date(t.purchased_on));
            row.push(Cell::Instant(Some(t.updated_at)));
            row.push(Cell::Int(t.version));
        }
        row
    }

    /// When the first response was made: when the first cycle of the metric that the first
    /// outbound contact stops was met.
    fn first_response(&self, clocks: &[ClockReading]) -> Option<DateTime<Utc>> {
        let metric = self.first_response.as_ref()?;
        clocks
            .iter()
            .find(|c| &c.clock.metric == metric && c.clock.cycle == 1 && !c.is_withdrawn())
            .and_then(|c| c.clock.met_at)
    }

    /// The ticket's rows of the log table, oldest first.
    pub fn log_rows<'a>(&self, e: &'a Exported) -> impl Iterator<Item = [Cell<'a>; LOG.len()]> {
        e.view.log.iter().map(|entry| {
            [
                Cell::Int(entry.ticket_id),
                Cell::Int(entry.id),
                Cell::Instant(Some(entry.at)),
                text(&entry.author),
                text(entry.event.kind_name()),
                Cell::Event(&entry.event),
                Cell::Text(
                    match crate::words::events::body(entry, crate::words::catalogue::locale()) {
                        Cow::Borrowed(body) => self.free_text(body),
                        Cow::Owned(body) => Cow::Owned(self.free_text(&body).into_owned()),
                    },
                ),
            ]
        })
    }

    /// The ticket's rows of the clocks table, by metric and cycle.
    pub fn clock_rows<'a>(&self, e: &'a Exported) -> impl Iterator<Item = [Cell<'a>; CLOCKS.len()]> {
        e.view.clocks.iter().map(|c| {
            let k = &c.clock;
            let withdrawn = c.is_withdrawn();
            [
                Cell::Int(e.view.ticket.id),
                text(&k.metric),
                Cell::Int(i64::from(k.cycle)),
                text(k.state.slug()),
                text(&k.target),
                text(&c.calendar),
                Cell::Instant(Some(k.started_at)),
                Cell::Instant(k.due_at),
                Cell::Instant(k.met_at.filter(|_| !withdrawn)),
                Cell::Instant(k.breached_at),
                Cell::Instant(k.met_at.filter(|_| withdrawn)),
                Cell::Int(k.paused_secs),
                Cell::Int(k.remaining_secs),
                text(&c.extended),
            ]
        })
    }

    /// A row of the customers table (only written with personal data).
    pub fn customer_row<'a>(&self, id: i64, c: &'a Customer) -> Vec<Cell<'a>> {
        let [name, phone, email] = self.customer(c);
        vec![Cell::Int(id), Cell::Text(name), Cell::Text(phone), Cell::Text(email)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_looking_text_is_made_inert() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("+86 138"), "'+86 138");
        assert_eq!(inert("-1"), "'-1");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("\t=1"), "'\t=1");
        assert_eq!(inert("plain = text"), "plain = text");
        assert_eq!(inert("kettle\u{1b}[2J\nline two"), "kettle␛[2J\nline two");
        assert_eq!(inert("=1\u{1b}"), "'=1␛");
        assert_eq!(inert(""), "");
    }
}

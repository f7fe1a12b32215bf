//! Listing tickets: what a list asks for and what each row holds. The store answers these;
//! the board and `promptly list` show them.

use crate::domain::sla::Clock;
use crate::domain::ticket::{Priority, Status, Ticket};
use chrono::{DateTime, Utc};

/// What `list` should return.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Only these statuses (empty: all).
    pub statuses: Vec<Status>,
    /// Only tickets with a running clock due before this instant (overdue: now; due within: now + d).
    pub due_before: Option<DateTime<Utc>>,
    /// Text that must appear in title, customer name or reference.
    pub text: Option<String>,
    /// Only tickets this agent owns; `Some("")`: those nobody owns (首问负责制).
    pub owner: Option<String>,
    pub limit: Option<usize>,
}

/// A ticket as the board and `list` show it: the ticket and its nearest unmet clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketSummary {
    pub ticket: Ticket,
    pub nearest: Option<Clock>,
}

/// A ticket as `list`'s table shows it: what is printed, read without the rest of the ticket
/// (a long list read whole tickets, descriptions and all, to print six columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub id: i64,
    pub priority: Priority,
    pub status: Status,
    pub title: String,
    pub customer_name: String,
    pub customer_phone: String,
    pub nearest: Option<Clock>,
}

impl From<TicketSummary> for ListRow {
    fn from(s: TicketSummary) -> ListRow {
        let t = s.ticket;
        ListRow {
            id: t.id,
            priority: t.priority,
            status: t.status,
            title: t.title,
            customer_name: t.customer.name,
            customer_phone: t.customer.phone,
            nearest: s.nearest,
        }
    }
}

/// What `export` should return: the list's filters plus a period of opening, read in id order.
#[derive(Debug, Clone, Default)]
pub struct ExportQuery {
    pub list: ListQuery,
    /// Only tickets opened at or after this instant.
    pub opened_since: Option<DateTime<Utc>>,
    /// Only tickets opened before this instant.
    pub opened_before: Option<DateTime<Utc>>,
}

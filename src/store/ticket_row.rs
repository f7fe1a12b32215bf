//! A ticket row read into a [`Ticket`]: the columns every ticket query selects, in one order
//! (moved out of `rows.rs`, which had grown past 650 lines).

use super::db::{self, Columns, Db};
use super::rows::{parse_opt_ts, parse_ts, parse_word};
use super::{Result, StoreError};
use crate::domain::ticket::{Customer, Ticket};
use chrono::NaiveDate;

pub(super) const TICKET_COLUMNS: &str = "t.id, t.title, t.description, t.channel, t.kind, t.priority, t.complexity, t.reference, \
     t.purchased_on, t.status, t.opened_at, t.updated_at, t.resolved_at, t.closed_at, t.version, \
     c.name, c.phone, c.email, t.owner";

/// How many columns [`TICKET_COLUMNS`] names: a query's own columns follow from here.
pub(super) const TICKET_WIDTH: usize = 19;

/// Raw text of a ticket row, as read; [`into_ticket`] parses it.
pub(super) struct RawTicket {
    id: i64,
    text: [String; 7],
    purchased_on: Option<String>,
    status: String,
    opened_at: i64,
    updated_at: i64,
    resolved_at: Option<i64>,
    closed_at: Option<i64>,
    version: i64,
    customer: Customer,
    owner: String,
}

/// The ticket columns of a row from `base`, in [`TICKET_COLUMNS`]' order, on either backend.
pub(super) fn raw_ticket(r: &impl Columns, base: usize) -> Result<RawTicket> {
    Ok(RawTicket {
        id: r.col(base)?,
        text: [
            r.col(base + 1)?,
            r.col(base + 2)?,
            r.col(base + 3)?,
            r.col(base + 4)?,
            r.col(base + 5)?,
            r.col(base + 6)?,
            r.col(base + 7)?,
        ],
        purchased_on: r.col(base + 8)?,
        status: r.col(base + 9)?,
        opened_at: r.col(base + 10)?,
        updated_at: r.col(base + 11)?,
        resolved_at: r.col(base + 12)?,
        closed_at: r.col(base + 13)?,
        version: r.col(base + 14)?,
        customer: Customer {
            name: r.col(base + 15)?,
            phone: r.col(base + 16)?,
            email: r.col(base + 17)?,
        },
        owner: r.col(base + 18)?,
    })
}

pub(super) fn into_ticket(raw: RawTicket) -> Result<Ticket> {
    let [title, description, channel, kind, priority, complexity, reference] = raw.text;
    Ok(Ticket {
        id: raw.id,
        title,
        description,
        customer: raw.customer,
        channel: parse_word(&channel)?,
        kind: parse_word(&kind)?,
        priority: parse_word(&priority)?,
        complexity: parse_word(&complexity)?,
        reference,
        purchased_on: raw
            .purchased_on
            .map(|d| {
                NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|e| StoreError::Corrupt(format!("date '{d}': {e}")))
            })
            .transpose()?,
        status: parse_word(&raw.status)?,
        opened_at: parse_ts(raw.opened_at)?,
        updated_at: parse_ts(raw.updated_at)?,
        resolved_at: parse_opt_ts(raw.resolved_at)?,
        closed_at: parse_opt_ts(raw.closed_at)?,
        version: raw.version,
        owner: raw.owner,
    })
}

/// The ticket `id`, on either backend.
pub fn ticket(db: Db, id: i64) -> Result<Option<Ticket>> {
    let sql =
        format!("SELECT {TICKET_COLUMNS} FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?1");
    db.query_opt(&sql, db::params![id], |r| into_ticket(raw_ticket(r, 0)?))
}

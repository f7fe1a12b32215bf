//! A ticket row read into a [`Ticket`]: the columns every ticket query selects, in one order
//! (moved out of `rows.rs`, which had grown past 650 lines).

use super::rows::{parse_opt_ts, parse_ts, parse_word};
use super::{Result, StoreError};
use crate::domain::ticket::{Customer, Ticket};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};

pub(super) const TICKET_COLUMNS: &str = "t.id, t.title, t.description, t.channel, t.kind, t.priority, t.complexity, t.reference, \
     t.purchased_on, t.status, t.opened_at, t.updated_at, t.resolved_at, t.closed_at, t.version, \
     c.name, c.phone, c.email, t.owner";

/// How many columns [`TICKET_COLUMNS`] names: a query's own columns follow from here.
pub(super) const TICKET_WIDTH: usize = 19;

/// Raw text of a ticket row; parsed outside rusqlite's closure so errors keep their meaning.
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

pub(super) fn raw_ticket(r: &Row<'_>, base: usize) -> rusqlite::Result<RawTicket> {
    Ok(RawTicket {
        id: r.get(base)?,
        text: [
            r.get(base + 1)?,
            r.get(base + 2)?,
            r.get(base + 3)?,
            r.get(base + 4)?,
            r.get(base + 5)?,
            r.get(base + 6)?,
            r.get(base + 7)?,
        ],
        purchased_on: r.get(base + 8)?,
        status: r.get(base + 9)?,
        opened_at: r.get(base + 10)?,
        updated_at: r.get(base + 11)?,
        resolved_at: r.get(base + 12)?,
        closed_at: r.get(base + 13)?,
        version: r.get(base + 14)?,
        customer: Customer {
            name: r.get(base + 15)?,
            phone: r.get(base + 16)?,
            email: r.get(base + 17)?,
        },
        owner: r.get(base + 18)?,
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

pub fn ticket(conn: &Connection, id: i64) -> Result<Option<Ticket>> {
    let sql =
        format!("SELECT {TICKET_COLUMNS} FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?1");
    let raw = conn
        .prepare_cached(&sql)?
        .query_row([id], |r| raw_ticket(r, 0))
        .optional()?;
    raw.map(into_ticket).transpose()
}

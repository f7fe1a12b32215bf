//! One change to a ticket inside a transaction: what every use case that writes shares.

use super::{DeskError, Result, StoreError, refresh_clocks, supervisor};
use crate::domain::log::{Event, LogEntry, NewEntry};
use crate::domain::policy::Policy;
use crate::domain::ticket::{InvalidField, Reason, Ticket};
use crate::store::Tx;
use chrono::{DateTime, Utc};

/// One change to ticket `id` inside the caller's transaction: close it first if it fell due,
/// apply, log the events at `now`, recompute its clocks. Several may share a transaction.
pub(super) fn change_tx(
    tx: &Tx,
    policy: &Policy,
    author: &str,
    now: DateTime<Utc>,
    id: i64,
    expected: Option<i64>,
    apply: impl FnOnce(&Tx, &mut Ticket, &[LogEntry], &Policy, DateTime<Utc>) -> Result<Vec<(Event, String)>>,
) -> Result<Ticket> {
    let mut ticket = tx.ticket(id)?.ok_or(DeskError::NotFound(id))?;
    if expected.is_some_and(|v| v != ticket.version) {
        return Err(StoreError::Stale { ticket: id }.into());
    }
    let last_change = ticket.updated_at;
    let mut log = tx.log(id)?;
    // A resolved ticket that fell due for closing is closed first, at that instant: this
    // change comes after it, whenever housekeeping would have noticed.
    supervisor::close_if_due(tx, policy, &mut ticket, &mut log, now)?;
    let events = apply(tx, &mut ticket, &log, policy, now)?;
    // The log is a timeline: an entry dated before the ticket's last change (a wrong --now)
    // would be replayed out of order.
    if now < last_change {
        return Err(InvalidField::new("now", Reason::BeforeLastChange { now, last: last_change }).into());
    }
    ticket.version += 1;
    ticket.updated_at = now;
    tx.update_ticket(&ticket)?;
    for (event, body) in events {
        let entry = NewEntry {
            at: now,
            author: author.to_string(),
            event,
            body,
        };
        let entry_id = tx.append(id, &entry)?;
        log.push(entry.stored(entry_id, id));
    }
    refresh_clocks(tx, policy, &ticket, &log, now)?;
    Ok(ticket)
}

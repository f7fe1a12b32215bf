//! The bulk writer on a PostgreSQL server (`demo`, `import`): each story written through the
//! rows a desk call writes, one statement a row: its customer found or made, the ticket in its
//! final state, its log appended to the chain entry by entry, its reviews and imported
//! breaches, then its clocks, whose `judged` flag `replace_clocks` reads back from those. The
//! file's writer (`bulk`) trades all that for speed with its own statements; a server's
//! triggers keep their tallies and nearest deadlines row by row, so one path serves both.

use super::Result;
use super::bulk::{Prepared, Written};
use super::db::{self, Db};
use super::rows::{chain_head, customer_id, data_ref, insert_entry, replace_clocks, set_log_head, ts};
use super::supervision::insert_review_row;
use crate::domain::ticket::Ticket;
use std::collections::HashMap;

/// Writes `stories` in the caller's transaction. The chain's head is read once and recorded
/// once, and each shared text looked up once: a round trip a row, not four.
pub(super) fn insert_each(db: Db, stories: &[Prepared]) -> Result<Written> {
    let mut written = Written::default();
    let (mut last_id, mut previous) = chain_head(db)?;
    let mut shared: HashMap<String, i64> = HashMap::new();
    let mut find_shared = |data: &str| match shared.get(data) {
        Some(id) => Ok(*id),
        None => {
            let id = data_ref(db, data)?;
            shared.insert(data.to_string(), id);
            Ok(id)
        }
    };
    for prepared in stories {
        let story = prepared.story();
        let ticket_id = insert_whole(db, &story.ticket, story.external_id.as_deref())?;
        for entry in &story.log {
            last_id += 1;
            previous = insert_entry(db, ticket_id, entry, last_id, &previous, &mut find_shared)?.to_vec();
        }
        for review in &story.reviews {
            insert_review_row(db, ticket_id, review)?;
        }
        for (metric, cycle) in &story.imported_breaches {
            db.execute(
                "INSERT INTO imported_breaches(ticket_id, metric, cycle) VALUES (?1, ?2, ?3)",
                db::params![ticket_id, metric.as_str(), i64::from(*cycle)],
            )?;
        }
        replace_clocks(db, ticket_id, &story.clocks)?;
        written.tickets += 1;
        written.entries += story.log.len();
    }
    if written.entries > 0 {
        set_log_head(db, last_id, &previous)?;
    }
    Ok(written)
}

/// The ticket row as the story ends it (status, times, version, owner); its new id.
fn insert_whole(db: Db, t: &Ticket, external_id: Option<&str>) -> Result<i64> {
    let customer = customer_id(db, &t.customer)?;
    let purchased_on = t.purchased_on.map(|d| d.to_string());
    db.query_row(
        "INSERT INTO tickets(title, description, customer_id, channel, kind, priority, complexity, reference,
                             purchased_on, status, opened_at, updated_at, resolved_at, closed_at, version,
                             external_id, owner)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
         RETURNING id",
        db::params![
            t.title.trim(),
            t.description.as_str(),
            customer,
            t.channel.slug(),
            t.kind.slug(),
            t.priority.slug(),
            t.complexity.slug(),
            t.reference.trim(),
            purchased_on.as_deref(),
            t.status.slug(),
            ts(t.opened_at),
            ts(t.updated_at),
            t.resolved_at.map(ts),
            t.closed_at.map(ts),
            t.version,
            external_id,
            t.owner.as_str(),
        ],
        |r| r.get(0),
    )
}

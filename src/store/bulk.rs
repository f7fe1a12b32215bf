//! The bulk writer (the demo; the coming `import`): many tickets with their whole stories, each
//! row written once with prepared statements. The caller bounds a batch to one transaction; the
//! chain head is read once per batch and recorded once, customers are found or made with one
//! statement each, and a clock's `judged` flag is written with the clock.

use super::rows::{CLOCK_COLUMNS, set_log_head, ts};
use super::{Result, StoreError, Tx};
use crate::domain::chain::{self, GENESIS, Link};
use crate::domain::log::NewEntry;
use crate::domain::review::Review;
use crate::domain::sla::Clock;
use crate::domain::ticket::Ticket;
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

/// One ticket as a bulk writer brings it in, in its final state. The ticket's id and the
/// `ticket_id` of its clocks and reviews are assigned here; the log is in the order it happened.
#[derive(Debug, Clone)]
pub struct Story {
    pub ticket: Ticket,
    pub log: Vec<NewEntry>,
    pub clocks: Vec<Clock>,
    /// Judgements on breached clocks; the clocks they name are stored judged.
    pub reviews: Vec<Review>,
}

/// What [`Tx::bulk_insert`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub tickets: usize,
    pub entries: usize,
}

impl Tx<'_> {
    /// Writes `stories`: every ticket row once, its log continuing the hash chain, its clocks
    /// and its reviews.
    pub fn bulk_insert(&self, stories: &[Story]) -> Result<Written> {
        let conn = &self.0;
        let (mut last_id, mut previous): (i64, Vec<u8>) = conn
            .prepare_cached("SELECT id, hash FROM log ORDER BY id DESC LIMIT 1")?
            .query_row([], |r| {
                Ok((r.get(0)?, r.get::<_, Option<Vec<u8>>>(1)?.unwrap_or_default()))
            })
            .optional()?
            .unwrap_or((0, GENESIS.to_vec()));
        // Upsert with RETURNING: one statement finds or makes the row (the no-op update makes
        // RETURNING answer for an existing customer too).
        let mut customer = conn.prepare_cached(
            "INSERT INTO customers(name, phone, email) VALUES (?1, ?2, ?3)
             ON CONFLICT(name, phone, email) DO UPDATE SET name = excluded.name RETURNING id",
        )?;
        let mut ticket_row = conn.prepare_cached(
            "INSERT INTO tickets(title, description, customer_id, channel, kind, priority, complexity, reference,
                                 purchased_on, status, opened_at, updated_at, resolved_at, closed_at, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?;
        let mut log_row = conn.prepare_cached(
            "INSERT INTO log(id, ticket_id, at, author, kind, data, body, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut clock_row = conn.prepare_cached(&format!(
            "INSERT INTO clocks(ticket_id, {CLOCK_COLUMNS}, judged) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ))?;
        let mut customers: HashMap<[&str; 3], i64> = HashMap::new();
        let mut written = Written::default();
        for story in stories {
            let t = &story.ticket;
            let who = [t.customer.name.trim(), t.customer.phone.trim(), t.customer.email.trim()];
            let customer_id = match customers.get(&who) {
                Some(id) => *id,
                None => {
                    let id: i64 = customer.query_row(params![who[0], who[1], who[2]], |r| r.get(0))?;
                    customers.insert(who, id);
                    id
                }
            };
            ticket_row.execute(params![
                t.title.trim(),
                t.description,
                customer_id,
                t.channel.slug(),
                t.kind.slug(),
                t.priority.slug(),
                t.complexity.slug(),
                t.reference.trim(),
                t.purchased_on.map(|d| d.to_string()),
                t.status.slug(),
                ts(t.opened_at),
                ts(t.updated_at),
                t.resolved_at.map(ts),
                t.closed_at.map(ts),
                t.version,
            ])?;
            let ticket_id = conn.last_insert_rowid();
            for e in &story.log {
                let data = serde_json::to_string(&e.event).map_err(|err| StoreError::Corrupt(err.to_string()))?;
                let at = ts(e.at);
                let link = Link {
                    id: last_id + 1,
                    ticket_id,
                    at: &at,
                    author: &e.author,
                    kind: e.event.kind_name(),
                    data: &data,
                    body: &e.body,
                };
                let hash = chain::hash(&previous, &link);
                log_row.execute(params![
                    link.id,
                    ticket_id,
                    at,
                    e.author,
                    link.kind,
                    data,
                    e.body,
                    &hash[..]
                ])?;
                last_id = link.id;
                previous = hash.to_vec();
            }
            for c in &story.clocks {
                let judged = story.reviews.iter().any(|r| r.metric == c.metric && r.cycle == c.cycle);
                clock_row.execute(params![
                    ticket_id,
                    c.metric,
                    c.cycle,
                    c.state.slug(),
                    c.target,
                    ts(c.started_at),
                    c.due_at.map(ts),
                    c.met_at.map(ts),
                    c.breached_at.map(ts),
                    c.paused_secs,
                    c.remaining_secs,
                    judged,
                ])?;
            }
            for r in &story.reviews {
                super::supervision::insert_review_row(conn, ticket_id, r)?;
            }
            written.tickets += 1;
            written.entries += story.log.len();
        }
        if written.entries > 0 {
            set_log_head(conn, last_id, &previous)?;
        }
        Ok(written)
    }
}

impl super::Store {
    /// A bulk run: `run` writes its batches with [`Store::bulk_write`] under a page cache big
    /// enough for the indexes a batch touches (whatever reading commands use); afterwards the
    /// cache is put back and the WAL emptied.
    pub fn bulk<T, E: From<StoreError>>(
        &mut self,
        run: impl FnOnce(&mut super::Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let cache: i64 = self
            .conn
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .map_err(StoreError::from)?;
        self.conn
            .execute_batch(&format!("PRAGMA cache_size = {BULK_CACHE_KIB}"))
            .map_err(StoreError::from)?;
        let out = run(self);
        self.conn
            .execute_batch(&format!("PRAGMA cache_size = {cache}"))
            .map_err(StoreError::from)?;
        let out = out?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(StoreError::from)?;
        Ok(out)
    }

    /// One batch of a bulk run: one transaction, then a passive checkpoint, so the WAL holds
    /// about one batch and not the whole run.
    pub fn bulk_write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Tx) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let out = self.write(f)?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .map_err(StoreError::from)?;
        Ok(out)
    }
}

/// The page cache of a bulk run, in KiB (negative: SQLite's unit for a size in KiB).
const BULK_CACHE_KIB: i64 = -65536;

//! The database's own checks behind `promptly verify`: SQLite's integrity and foreign keys, the
//! schema, the log's triggers and its hash chain. Read-only; findings, not repairs.

use super::Result;
use super::SqliteOnly;
use super::rows::{LINK_COLUMNS, LinkRow};
use super::schema::{self, LOG_HEAD, LOG_TRIGGERS, MAIL_TRIGGERS, PROMISE_TRIGGERS, UNJUDGED_BREACHES};
use crate::domain::chain::{self, GENESIS};
use crate::domain::promise;
use rusqlite::{Connection, OptionalExtension};

/// One thing wrong with a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// `PRAGMA integrity_check` said this.
    Integrity(String),
    /// A row points at a row that does not exist.
    ForeignKey { table: String, rowid: i64 },
    /// The schema version is not the one this build writes.
    Schema { found: i64, expected: i64 },
    /// A trigger that keeps the log append-only is gone.
    TriggerMissing(&'static str),
    /// The entry's content or its predecessor is not what its hash was made from: the entry
    /// was rewritten, or an entry before it was deleted or moved.
    LinkBroken { id: i64, ticket_id: i64 },
    /// The last entries of the log are gone (the head recorded at the last append is missing).
    HeadMissing { expected: String, found: String },
    /// A kept promise table is not the text its digest was taken over.
    PromiseAltered { digest: String },
    /// Stored clocks differ from a replay of the ticket's log.
    ClocksDiffer { ticket_id: i64, metric: String, cycle: u32 },
    /// A ticket's data could not be read.
    Unreadable { ticket_id: i64, reason: String },
    /// A count kept by triggers (`tallies`) differs from a count of the rows it stands for.
    TallyDiffers { name: String, kept: i64, counted: i64 },
    /// A ticket's row in `nearest_deadlines` (kept by triggers) is not its nearest running
    /// clock and listed fields: `list --overdue` and the board would show it wrongly, or miss it.
    DeadlineRowDiffers { ticket_id: i64 },
}

/// Runs every check on the database; an empty list means it is sound.
pub fn check(conn: &Connection) -> Result<(Vec<Finding>, u64)> {
    let mut findings = Vec::new();
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    for line in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let line = line?;
        if line != "ok" {
            findings.push(Finding::Integrity(line));
        }
    }
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?)))? {
        let (table, rowid) = row?;
        findings.push(Finding::ForeignKey {
            table,
            rowid: rowid.unwrap_or_default(),
        });
    }
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found != schema::latest_version() {
        findings.push(Finding::Schema {
            found,
            expected: schema::latest_version(),
        });
    }
    for name in LOG_TRIGGERS.into_iter().chain(PROMISE_TRIGGERS).chain(MAIL_TRIGGERS) {
        if !trigger_exists(conn, name)? {
            findings.push(Finding::TriggerMissing(name));
        }
    }
    check_promises(conn, &mut findings)?;
    check_tallies(conn, &mut findings)?;
    check_nearest_deadlines(conn, &mut findings)?;
    let entries = check_chain(conn, &mut findings)?;
    Ok((findings, entries))
}

/// Whether the named trigger exists.
pub fn trigger_exists(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
        [name],
        |r| r.get::<_, i64>(0),
    )? > 0)
}

/// Each kept promise table against its digest (a handful of rows: one per policy in use).
fn check_promises(conn: &Connection, findings: &mut Vec<Finding>) -> Result<()> {
    let mut stmt = conn.prepare("SELECT digest, body FROM promises ORDER BY digest")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (digest, body) = row?;
        if promise::digest(&body) != digest {
            findings.push(Finding::PromiseAltered { digest });
        }
    }
    Ok(())
}

/// The unjudged-breach tally (migration 6) against a real count: the board's header and the
/// review queue trust it, and a hand edit or a write that bypassed the triggers would skew it.
fn check_tallies(conn: &Connection, findings: &mut Vec<Finding>) -> Result<()> {
    let kept: i64 = conn
        .query_row("SELECT n FROM tallies WHERE name = ?1", [UNJUDGED_BREACHES], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or(0);
    let counted: i64 = conn.query_row(
        "SELECT count(*) FROM clocks WHERE breached_at IS NOT NULL AND judged = 0",
        [],
        |r| r.get(0),
    )?;
    if kept != counted {
        findings.push(Finding::TallyDiffers {
            name: UNJUDGED_BREACHES.to_string(),
            kept,
            counted,
        });
    }
    Ok(())
}

/// `nearest_deadlines` (migration 13) against the rows it is made of, both ways: a row that
/// should not be there, is missing, or differs in any column. Bounded by the running clocks.
fn check_nearest_deadlines(conn: &Connection, findings: &mut Vec<Finding>) -> Result<()> {
    let mut stmt = conn.prepare(&format!(
        "WITH made AS ({}), kept AS (SELECT * FROM nearest_deadlines)
         SELECT ticket_id FROM (SELECT * FROM kept EXCEPT SELECT * FROM made)
         UNION SELECT ticket_id FROM (SELECT * FROM made EXCEPT SELECT * FROM kept)
         ORDER BY ticket_id",
        schema::NEAREST_MADE
    ))?;
    for id in stmt.query_map([], |r| r.get::<_, i64>(0))? {
        findings.push(Finding::DeadlineRowDiffers { ticket_id: id? });
    }
    Ok(())
}

/// Walks the log in id order, checking each link against the stored hash before it, and the
/// last one against the recorded head. Returns how many entries were read.
fn check_chain(conn: &Connection, findings: &mut Vec<Finding>) -> Result<u64> {
    let mut stmt = conn.prepare(&format!("SELECT {LINK_COLUMNS} FROM log ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let mut previous = GENESIS.to_vec();
    let mut last = String::new();
    let mut count = 0;
    while let Some(row) = rows.next()? {
        let entry = LinkRow::read(row)?;
        let link = entry.link();
        let stored = entry.hash.clone();
        if !chain::proves(&previous, &link, &stored) {
            findings.push(Finding::LinkBroken {
                id: link.id,
                ticket_id: link.ticket_id,
            });
        }
        last = format!("{}:{}", link.id, chain::hex(&stored));
        previous = stored;
        count += 1;
    }
    let head: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [LOG_HEAD], |r| r.get(0))
        .ok();
    if let Some(head) = head
        && head != last
    {
        findings.push(Finding::HeadMissing {
            expected: head,
            found: last,
        });
    }
    Ok(count)
}

impl super::Store {
    /// The database checks of `promptly verify`, with how many log entries were read.
    pub fn verify(&self) -> Result<(Vec<Finding>, u64)> {
        check(self.sqlite(SqliteOnly::Verify)?)
    }

    /// The log's protecting triggers that are missing (the board says so on start).
    pub fn missing_log_triggers(&self) -> Result<Vec<&'static str>> {
        let mut missing = Vec::new();
        for name in LOG_TRIGGERS {
            if !trigger_exists(self.sqlite(SqliteOnly::Verify)?, name)? {
                missing.push(name);
            }
        }
        Ok(missing)
    }

    /// Up to `limit` ticket ids above `after`, in order: walks every ticket in bounded batches.
    pub fn ticket_ids_after(&self, after: i64, limit: usize) -> Result<Vec<i64>> {
        let mut stmt = self
            .sqlite(SqliteOnly::Verify)?
            .prepare_cached("SELECT id FROM tickets WHERE id > ?1 ORDER BY id LIMIT ?2")?;
        let ids = stmt.query_map(rusqlite::params![after, limit as i64], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<Vec<i64>>>()?)
    }
}

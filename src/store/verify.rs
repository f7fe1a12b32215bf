//! The database's own checks behind `promptly verify`: SQLite's integrity and foreign keys, the
//! schema, the log's triggers and its hash chain. Read-only; findings, not repairs. On
//! PostgreSQL, which keeps its own pages and keys, the schema's version, the triggers (enabled),
//! the kept counts, the promise tables and the chain.

use super::Result;
use super::db::{self, Db};
use super::rows::{LINK_COLUMNS, LinkRow};
use super::schema::{self, LOG_HEAD, LOG_TRIGGERS, MAIL_TRIGGERS, PROMISE_TRIGGERS, UNJUDGED_BREACHES};
use crate::domain::chain::{self, GENESIS};
use crate::domain::promise;
use rusqlite::Connection;

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
pub(crate) fn check(db: Db) -> Result<(Vec<Finding>, u64)> {
    let mut findings = Vec::new();
    let expected: Vec<&'static str> = match db {
        Db::Sqlite(conn) => {
            check_sqlite(conn, &mut findings)?;
            LOG_TRIGGERS
                .into_iter()
                .chain(PROMISE_TRIGGERS)
                .chain(MAIL_TRIGGERS)
                .collect()
        }
        Db::Postgres(_) => {
            let found: i64 = db.query_row("SELECT version FROM promptly_schema", &[], |r| r.get(0))?;
            if found != super::pg::latest_version() {
                findings.push(Finding::Schema {
                    found,
                    expected: super::pg::latest_version(),
                });
            }
            // SQLite's triggers by the same names, and the TRUNCATE and insert guards.
            let mut names: Vec<_> = LOG_TRIGGERS
                .into_iter()
                .chain(PROMISE_TRIGGERS)
                .chain(MAIL_TRIGGERS)
                .collect();
            names.extend(
                super::pg::schema::LOG_TRIGGERS
                    .into_iter()
                    .filter(|n| !LOG_TRIGGERS.contains(n)),
            );
            names
        }
    };
    let present = triggers(db)?;
    for name in expected {
        if !present.contains(name) {
            findings.push(Finding::TriggerMissing(name));
        }
    }
    check_promises(db, &mut findings)?;
    check_tallies(db, &mut findings)?;
    check_nearest_deadlines(db, &mut findings)?;
    let entries = check_chain(db, &mut findings)?;
    Ok((findings, entries))
}

/// SQLite's own checks: its pages, its foreign keys (not enforced on every connection), the
/// schema version in the header.
fn check_sqlite(conn: &Connection, findings: &mut Vec<Finding>) -> Result<()> {
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
    Ok(())
}

/// The names of the store's triggers (on PostgreSQL: those in its schema that fire in an
/// ordinary session, since its owner could switch one off or to replica-only). One query: the board asks on every start.
pub(crate) fn triggers(db: Db) -> Result<std::collections::HashSet<String>> {
    let sql = db.pick(
        "SELECT name FROM sqlite_schema WHERE type = 'trigger'",
        "SELECT t.tgname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE t.tgenabled IN ('O', 'A')
           AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
    );
    Ok(db.query_map(sql, &[], |r| r.get::<String>(0))?.into_iter().collect())
}

/// Each kept promise table against its digest (a handful of rows: one per policy in use).
fn check_promises(db: Db, findings: &mut Vec<Finding>) -> Result<()> {
    db.for_each_row("SELECT digest, body FROM promises ORDER BY digest", &[], |r| {
        let (digest, body): (String, String) = (r.get(0)?, r.get(1)?);
        if promise::digest(&body) != digest {
            findings.push(Finding::PromiseAltered { digest });
        }
        Ok(())
    })
}

/// The unjudged-breach tally (migration 6) against a real count: the board's header and the
/// review queue trust it, and a hand edit or a write that bypassed the triggers would skew it.
fn check_tallies(db: Db, findings: &mut Vec<Finding>) -> Result<()> {
    let kept: i64 = db
        .query_opt(
            "SELECT n FROM tallies WHERE name = ?1",
            db::params![UNJUDGED_BREACHES],
            |r| r.get(0),
        )?
        .unwrap_or(0);
    let counted: i64 = db.query_row(
        "SELECT count(*) FROM clocks WHERE breached_at IS NOT NULL AND judged = 0",
        &[],
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
fn check_nearest_deadlines(db: Db, findings: &mut Vec<Finding>) -> Result<()> {
    let sql = format!(
        "WITH made AS ({}), kept AS (SELECT * FROM nearest_deadlines)
         SELECT ticket_id FROM (SELECT * FROM kept EXCEPT SELECT * FROM made) AS extra
         UNION SELECT ticket_id FROM (SELECT * FROM made EXCEPT SELECT * FROM kept) AS missing
         ORDER BY ticket_id",
        schema::NEAREST_MADE
    );
    db.for_each_row(&sql, &[], |r| {
        findings.push(Finding::DeadlineRowDiffers { ticket_id: r.get(0)? });
        Ok(())
    })
}

/// Walks the log in id order, checking each link against the stored hash before it, and the
/// last one against the recorded head. Returns how many entries were read.
fn check_chain(db: Db, findings: &mut Vec<Finding>) -> Result<u64> {
    let mut walk = ChainWalk {
        previous: GENESIS.to_vec(),
        last: String::new(),
        count: 0,
    };
    match db {
        Db::Sqlite(conn) => {
            // One statement: SQLite streams it, and a row hand-edited to text still reads.
            let mut stmt = conn.prepare(&format!("SELECT {LINK_COLUMNS} FROM log ORDER BY id"))?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                walk.step(LinkRow::read(row)?, findings);
            }
        }
        Db::Postgres(_) => {
            // Pages by id: the server's rows are read whole before they are handed on.
            let sql = format!("SELECT {LINK_COLUMNS} FROM log WHERE id > ?1 ORDER BY id LIMIT {CHAIN_PAGE}");
            let mut after = i64::MIN;
            loop {
                let page = db.query_map(&sql, db::params![after], LinkRow::read_typed)?;
                let Some(last) = page.last() else { break };
                after = last.link().id;
                for entry in page {
                    walk.step(entry, findings);
                }
            }
        }
    }
    let head: Option<String> = db.query_opt("SELECT value FROM meta WHERE key = ?1", db::params![LOG_HEAD], |r| {
        r.get(0)
    })?;
    if let Some(head) = head
        && head != walk.last
    {
        findings.push(Finding::HeadMissing {
            expected: head,
            found: walk.last,
        });
    }
    Ok(walk.count)
}

/// Log entries a page of PostgreSQL's chain walk holds.
const CHAIN_PAGE: usize = 10_000;

/// Where a walk along the chain is: the hash to link to, the last link as `meta` records it.
struct ChainWalk {
    previous: Vec<u8>,
    last: String,
    count: u64,
}

impl ChainWalk {
    fn step(&mut self, entry: LinkRow, findings: &mut Vec<Finding>) {
        let link = entry.link();
        if !chain::proves(&self.previous, &link, &entry.hash) {
            findings.push(Finding::LinkBroken {
                id: link.id,
                ticket_id: link.ticket_id,
            });
        }
        self.last = format!("{}:{}", link.id, chain::hex(&entry.hash));
        self.count += 1;
        self.previous = entry.hash;
    }
}

impl super::Store {
    /// The database checks of `promptly verify`, with how many log entries were read.
    pub fn verify(&self) -> Result<(Vec<Finding>, u64)> {
        check(self.db())
    }

    /// The log's protecting triggers that are missing (the board says so on start).
    pub fn missing_log_triggers(&self) -> Result<Vec<&'static str>> {
        let present = triggers(self.db())?;
        Ok(LOG_TRIGGERS
            .into_iter()
            .filter(|name| !present.contains(*name))
            .collect())
    }

    /// Up to `limit` ticket ids above `after`, in order: walks every ticket in bounded batches.
    pub fn ticket_ids_after(&self, after: i64, limit: usize) -> Result<Vec<i64>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.db().query_map(
            "SELECT id FROM tickets WHERE id > ?1 ORDER BY id LIMIT ?2",
            db::params![after, limit],
            |r| r.get(0),
        )
    }
}

//! SQL of the supervisor's work: the breach review queue, judgements, and the period queries
//! reports are computed from. Every query goes through an index (schema 2); the review queue
//! itself is in `review.rs`, callbacks in `callbacks.rs`. On both backends (`store::db`) but
//! the plan of the facets' query, SQLite's `EXPLAIN QUERY PLAN`.

use super::SqliteOnly;
use super::db::{self, Columns, Db, Param};
use super::review::{
    QueueCursor, amend_review, breach, cycles, overdue, review_count, review_counts, review_counts_plan, review_queue,
    review_queue_plan,
};
use super::rows::{CLOCK_COLUMNS, into_clock, parse_ts, parse_word, raw_clock, ts};
use super::{Result, StoreError};
use crate::domain::kpi::{Facets, StatusChange};
use crate::domain::log::Event;
use crate::domain::review::{Amount, Breach, BreachClass, Judgement, QueueCounts, QueueOrder, Review, ReviewFilter};
use crate::domain::sla::Clock;
use crate::domain::ticket::Status;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use std::collections::BTreeMap;

pub fn insert_review(db: Db, r: &Review) -> Result<()> {
    insert_review_row(db, r.ticket_id, r)?;
    db.execute(
        "UPDATE clocks SET judged = 1 WHERE ticket_id = ?1 AND metric = ?2 AND cycle = ?3",
        db::params![r.ticket_id, &r.metric, i64::from(r.cycle)],
    )?;
    Ok(())
}

/// The `reviews` row alone, for `ticket_id` (the bulk writer stores the clock judged itself).
pub(super) fn insert_review_row(db: Db, ticket_id: i64, r: &Review) -> Result<()> {
    let j = &r.judgement;
    db.execute(
        "INSERT INTO reviews(ticket_id, metric, cycle, class, reason, remedy, amount_fen, note, due_at, late_secs,
                             judged_at, judged_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        db::params![
            ticket_id,
            &r.metric,
            i64::from(r.cycle),
            j.class.slug(),
            &j.reason,
            j.remedy.slug(),
            j.amount.map(|a| a.0),
            &j.note,
            ts(r.due_at),
            r.late_secs,
            ts(r.judged_at),
            &r.judged_by,
        ],
    )?;
    Ok(())
}

const REVIEW_COLUMNS: &str =
    "ticket_id, metric, cycle, class, reason, remedy, amount_fen, note, due_at, late_secs, judged_at, judged_by";

fn read_review(r: &impl Columns) -> Result<Review> {
    let class: String = r.col(3)?;
    let remedy: String = r.col(5)?;
    Ok(Review {
        ticket_id: r.col(0)?,
        metric: r.col(1)?,
        cycle: r.col(2)?,
        judgement: Judgement {
            class: parse_word(&class)?,
            reason: r.col(4)?,
            remedy: parse_word(&remedy)?,
            amount: r.col::<Option<i64>>(6)?.map(Amount),
            note: r.col(7)?,
        },
        due_at: parse_ts(r.col(8)?)?,
        late_secs: r.col(9)?,
        judged_at: parse_ts(r.col(10)?)?,
        judged_by: r.col(11)?,
    })
}

pub fn review(db: Db, ticket: i64, metric: &str, cycle: u32) -> Result<Option<Review>> {
    let sql = format!("SELECT {REVIEW_COLUMNS} FROM reviews WHERE ticket_id = ?1 AND metric = ?2 AND cycle = ?3");
    db.query_opt(&sql, db::params![ticket, metric, i64::from(cycle)], |r| read_review(r))
}

/// The judgements on one ticket's breaches, by metric and cycle (the ones that count).
pub fn reviews_of(db: Db, ticket: i64) -> Result<Vec<Review>> {
    let sql = format!("SELECT {REVIEW_COLUMNS} FROM reviews WHERE ticket_id = ?1 ORDER BY metric, cycle");
    db.query_map(&sql, db::params![ticket], |r| read_review(r))
}

/// Judgements made in `[from, to)`, oldest first.
pub fn reviews_judged_between(db: Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Review>> {
    let sql = format!(
        "SELECT {REVIEW_COLUMNS} FROM reviews WHERE judged_at >= ?1 AND judged_at < ?2 ORDER BY judged_at, ticket_id"
    );
    db.query_map(&sql, db::params![ts(from), ts(to)], |r| read_review(r))
}

/// The class a breach was judged, if it was.
pub fn class_of(db: Db, ticket: i64, metric: &str, cycle: u32) -> Result<Option<BreachClass>> {
    let class: Option<String> = db.query_opt(
        "SELECT class FROM reviews WHERE ticket_id = ?1 AND metric = ?2 AND cycle = ?3",
        db::params![ticket, metric, i64::from(cycle)],
        |r| r.get(0),
    )?;
    class.as_deref().map(parse_word).transpose()
}

/// A clock row with its ticket, read through the same mapping as a ticket's own clocks.
fn records(db: Db, sql: &str, args: &[Param]) -> Result<Vec<Clock>> {
    db.query_map(sql, args, |r| into_clock(r.get(0)?, raw_clock(r, 1)?))
}

/// Clocks whose deadline falls in `[from, to)` (a paused clock stores no due until it has
/// breached, and a breached deadline is always stored).
pub fn clocks_due_between(db: Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Clock>> {
    let sql = format!("SELECT c.ticket_id, {CLOCK_COLUMNS} FROM clocks c WHERE c.due_at >= ?1 AND c.due_at < ?2");
    records(db, &sql, db::params![ts(from), ts(to)])
}

/// Kind, priority, channel and owner of the tickets with a clock due in `[from, to)` (the period's
/// breakdowns): the deadline index's range, each ticket by key.
const FACETS_OF_DUE: &str = "SELECT DISTINCT t.id, t.kind, t.priority, t.channel, t.owner FROM clocks c
     JOIN tickets t ON t.id = c.ticket_id WHERE c.due_at >= ?1 AND c.due_at < ?2";

pub fn facets_of_due(db: Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<BTreeMap<i64, Facets>> {
    let rows = db.query_map(FACETS_OF_DUE, db::params![ts(from), ts(to)], |r| {
        let (kind, priority, channel): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
        Ok((
            r.get::<i64>(0)?,
            Facets {
                kind: parse_word(&kind)?,
                priority: parse_word(&priority)?,
                channel: parse_word(&channel)?,
                owner: r.get(4)?,
            },
        ))
    })?;
    Ok(rows.into_iter().collect())
}

/// SQLite's plan for [`facets_of_due`] (a test checks it reads the deadline range only).
pub fn facets_of_due_plan(conn: &Connection, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<String> {
    let lines = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {FACETS_OF_DUE}"))?
        .query_map(rusqlite::params![ts(from), ts(to)], |r| r.get::<_, String>(3))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lines.join("\n"))
}

/// The given cycle of `metric` on tickets opened in `[from, to)`.
pub fn clocks_of_opened(
    db: Db,
    metric: &str,
    cycle: u32,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Clock>> {
    let sql = format!(
        "SELECT c.ticket_id, {CLOCK_COLUMNS} FROM tickets t
         JOIN clocks c ON c.ticket_id = t.id AND c.metric = ?3 AND c.cycle = ?4
         WHERE t.opened_at >= ?1 AND t.opened_at < ?2 ORDER BY t.id"
    );
    records(db, &sql, db::params![ts(from), ts(to), metric, i64::from(cycle)])
}

/// Tickets opened in `[from, to)` with their status now.
pub fn opened_between(db: Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<(i64, Status)>> {
    db.query_map(
        "SELECT id, status FROM tickets WHERE opened_at >= ?1 AND opened_at < ?2 ORDER BY id",
        db::params![ts(from), ts(to)],
        |r| Ok((r.get::<i64>(0)?, parse_word(&r.get::<String>(1)?)?)),
    )
}

/// Status moves logged in `[from, to)`.
pub fn status_changes_between(db: Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<StatusChange>> {
    let sql = format!(
        "SELECT id, ticket_id, at, {} FROM log WHERE kind = {} AND at >= ?1 AND at < ?2 ORDER BY at, id",
        super::rows::DATA,
        super::rows::STATUS_KIND
    );
    let mut out = Vec::new();
    db.for_each_row(&sql, db::params![ts(from), ts(to)], |r| {
        let (id, ticket_id, at, data): (i64, i64, i64, String) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let event: Event =
            serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(format!("log entry {id}: {e}")))?;
        if let Event::Status { from, to } = event {
            out.push(StatusChange {
                ticket_id,
                at: parse_ts(at)?,
                from,
                to,
            });
        }
        Ok(())
    })?;
    Ok(out)
}

/// Resolved tickets resolved at or before `cutoff` (auto-close candidates).
pub fn resolved_before(db: Db, cutoff: DateTime<Utc>) -> Result<Vec<i64>> {
    db.query_map(
        "SELECT id FROM tickets WHERE status = 'resolved' AND resolved_at <= ?1 ORDER BY resolved_at, id",
        db::params![ts(cutoff)],
        |r| r.get(0),
    )
}

/// Tickets closed (and still closed) in `[from, to)`.
pub fn closed_between(db: Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<i64>> {
    let sql = db.pick(
        // `+status`: keep the planner on the closed_at range, not on the status index (nearly
        // every ticket is closed). PostgreSQL has no unary plus for text, and weighs the two
        // indexes by its statistics.
        "SELECT id FROM tickets WHERE closed_at >= ?1 AND closed_at < ?2 AND +status = 'closed' ORDER BY id",
        "SELECT id FROM tickets WHERE closed_at >= ?1 AND closed_at < ?2 AND status = 'closed' ORDER BY id",
    );
    db.query_map(sql, db::params![ts(from), ts(to)], |r| r.get(0))
}

/// Reads for the supervisor's screens and reports.
impl super::Store {
    /// A page of the review queue: at most `limit` breaches passing `filter` after `after`.
    pub fn review_queue(
        &self,
        now: DateTime<Utc>,
        filter: &ReviewFilter,
        order: QueueOrder,
        after: QueueCursor<'_>,
        limit: Option<usize>,
    ) -> Result<Vec<Breach>> {
        review_queue(self.db(), now, filter, order, after, limit)
    }

    /// The plan for a page of the queue: SQLite's `EXPLAIN QUERY PLAN`, PostgreSQL's `EXPLAIN`
    /// (tests check it reads indexes in queue order; `Store::plan` has it too).
    pub fn review_queue_plan(&self, now: DateTime<Utc>, filter: &ReviewFilter, order: QueueOrder) -> Result<String> {
        review_queue_plan(self.db(), now, filter, order)
    }

    /// The plan for the counts (the scale measurement prints it), on either backend.
    pub fn review_counts_plan(&self, now: DateTime<Utc>, filter: &ReviewFilter) -> Result<String> {
        review_counts_plan(self.db(), now, filter)
    }

    /// How many breaches pass `filter`, split by each filter's values.
    pub fn review_counts(&self, now: DateTime<Utc>, filter: &ReviewFilter) -> Result<QueueCounts> {
        review_counts(self.db(), now, filter)
    }

    /// How many breaches await judgement (the board's header).
    pub fn review_count(&self, now: DateTime<Utc>) -> Result<usize> {
        review_count(self.db(), now)
    }

    pub fn review(&self, ticket: i64, metric: &str, cycle: u32) -> Result<Option<Review>> {
        review(self.db(), ticket, metric, cycle)
    }

    pub fn reviews_judged_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Review>> {
        reviews_judged_between(self.db(), from, to)
    }

    /// The judgements on one ticket's breaches (the ticket screen lists them).
    pub fn reviews_of(&self, ticket: i64) -> Result<Vec<Review>> {
        reviews_of(self.db(), ticket)
    }

    pub fn class_of(&self, ticket: i64, metric: &str, cycle: u32) -> Result<Option<BreachClass>> {
        class_of(self.db(), ticket, metric, cycle)
    }

    pub fn overdue(&self, now: DateTime<Utc>, limit: Option<usize>) -> Result<Vec<Breach>> {
        overdue(self.db(), now, limit)
    }

    pub fn clocks_due_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Clock>> {
        clocks_due_between(self.db(), from, to)
    }

    pub fn facets_of_due(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<BTreeMap<i64, Facets>> {
        facets_of_due(self.db(), from, to)
    }

    pub fn facets_of_due_plan(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<String> {
        facets_of_due_plan(self.sqlite(SqliteOnly::Reviews)?, from, to)
    }

    pub fn clocks_of_opened(
        &self,
        metric: &str,
        cycle: u32,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Clock>> {
        clocks_of_opened(self.db(), metric, cycle, from, to)
    }

    pub fn opened_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<(i64, Status)>> {
        opened_between(self.db(), from, to)
    }

    pub fn status_changes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<StatusChange>> {
        status_changes_between(self.db(), from, to)
    }

    pub fn resolved_before(&self, cutoff: DateTime<Utc>) -> Result<Vec<i64>> {
        resolved_before(self.db(), cutoff)
    }
}

/// Writes of the supervisor's work, inside one transaction.
impl super::Tx<'_> {
    pub fn clocks(&self, ticket_id: i64) -> Result<Vec<Clock>> {
        super::rows::clocks(self.db(), ticket_id)
    }

    pub fn breach(&self, ticket: i64, metric: &str, cycle: u32, now: DateTime<Utc>) -> Result<Option<Breach>> {
        breach(self.db(), ticket, metric, cycle, now)
    }

    pub fn cycles(&self, ticket: i64, metric: &str) -> Result<Vec<u32>> {
        cycles(self.db(), ticket, metric)
    }

    pub fn review(&self, ticket: i64, metric: &str, cycle: u32) -> Result<Option<Review>> {
        review(self.db(), ticket, metric, cycle)
    }

    pub fn insert_review(&self, review: &Review) -> Result<()> {
        insert_review(self.db(), review)
    }

    pub fn amend_review(&self, review: &Review) -> Result<()> {
        amend_review(self.db(), review)
    }

    pub fn review_queue(
        &self,
        now: DateTime<Utc>,
        filter: &ReviewFilter,
        order: QueueOrder,
        after: QueueCursor<'_>,
        limit: Option<usize>,
    ) -> Result<Vec<Breach>> {
        review_queue(self.db(), now, filter, order, after, limit)
    }

    pub fn resolved_before(&self, cutoff: DateTime<Utc>) -> Result<Vec<i64>> {
        resolved_before(self.db(), cutoff)
    }

    pub fn closed_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<i64>> {
        closed_between(self.db(), from, to)
    }
}

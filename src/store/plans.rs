//! How the database reads what the board, `list` and the review queue show, one step a line:
//! SQLite's `EXPLAIN QUERY PLAN` details, PostgreSQL's `EXPLAIN` text. The SQL and values are
//! the reads' own (each module builds them; a walk in pages shows its first page), so a test
//! can check that the indexes meant for a read serve it on either backend
//! (`tests/scale_queries.rs`, `tests/review_queue.rs`, `tests/pg_plans.rs`).

use super::Result;
use super::db::{Db, Param};
use super::{listing, review, rows};
use crate::domain::listing::ListQuery;
use crate::domain::review::{QueueOrder, ReviewFilter};
use crate::domain::ticket::Status;
use chrono::{DateTime, Utc};

/// A read whose plan [`super::Store::plan`] shows.
#[derive(Debug, Clone, Copy)]
pub enum Read<'q> {
    /// `list`'s pass over the running deadlines (`nearest_deadlines`), as `list_plan`.
    Deadlines(&'q ListQuery),
    /// What follows it in a list without a deadline bound: the tickets with only paused
    /// clocks, then those without a running clock.
    WithoutDeadline(&'q ListQuery),
    /// A page's tickets by id (the board's first page, a list's rows): whole, then with their
    /// nearest unmet clock.
    Tickets(&'q [i64]),
    /// The logs of a page's tickets (the board's resolved rows), then one shared entry text.
    Logs(&'q [i64]),
    /// One status's count in the board's header.
    StatusCount(Status),
    /// The header's pass over the nearest running deadlines of tickets with these statuses.
    NearestDeadlines(&'q [Status]),
    /// The review count's running clocks gone late since the last write, at this instant.
    LateCount(DateTime<Utc>),
    /// The first page of the review queue at an instant.
    ReviewQueue(DateTime<Utc>, &'q ReviewFilter, QueueOrder),
    /// The review queue's counts at an instant.
    ReviewCounts(DateTime<Utc>, &'q ReviewFilter),
}

/// The plan of `read` on `db`.
pub(super) fn plan(db: Db, read: Read) -> Result<String> {
    match read {
        Read::Deadlines(q) => listing::due_plan(db, q, q.due_before),
        Read::WithoutDeadline(q) => listing::without_deadline_plan(db, q),
        Read::Tickets(ids) => listing::page_plan(db, ids),
        Read::Logs(ids) => rows::logs_plan(db, ids),
        Read::StatusCount(status) => listing::status_count_plan(db, status),
        Read::NearestDeadlines(statuses) => listing::nearest_deadlines_plan(db, statuses),
        Read::LateCount(now) => review::late_count_plan(db, now),
        Read::ReviewQueue(now, filter, order) => review::review_queue_plan(db, now, filter, order),
        Read::ReviewCounts(now, filter) => review::review_counts_plan(db, now, filter),
    }
}

/// The plan of `sql` with `args` bound, one step a line: SQLite's `EXPLAIN QUERY PLAN`
/// details, PostgreSQL's `EXPLAIN` (in the session's settings: a test may turn sequential
/// scans off in its URL's `options`, to see whether an index can serve the read at all).
pub(super) fn explain(db: Db, sql: &str, args: &[Param]) -> Result<String> {
    let lines = match db {
        Db::Sqlite(conn) => conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?
            .query_map(rusqlite::params_from_iter(args.iter()), |r| r.get::<_, String>(3))?
            .collect::<rusqlite::Result<Vec<String>>>()?,
        Db::Postgres(_) => db.query_map(&format!("EXPLAIN {sql}"), args, |r| r.get::<String>(0))?,
    };
    Ok(lines.join("\n"))
}

//! SQL of satisfaction callbacks: the monthly samples, the queue, and the calls. Every call is
//! a row of `callback_calls` with its instant (kept as written), so a report for a past period
//! reads what was recorded by that period's end; `callbacks` keeps the latest call per ticket
//! for the queue's display. On both backends (`store::db`) but [`callbacks_due_plan`].

use super::Result;
use super::SqliteOnly;
use super::StoreError;
use super::db::{self, Columns, Db};
use super::rows::{parse_opt_ts, parse_ts, ts};
use crate::domain::callback::{CallOutcome, Callback, Month};
use chrono::{DateTime, Utc};
use rusqlite::Connection;

pub fn sample_drawn(db: Db, month: Month) -> Result<bool> {
    Ok(db
        .query_opt(
            "SELECT 1 FROM callback_samples WHERE month = ?1",
            db::params![&month.to_string()],
            |_| Ok(()),
        )?
        .is_some())
}

pub fn insert_sample(db: Db, month: Month, at: DateTime<Utc>, closed: usize, share: f64, picked: &[i64]) -> Result<()> {
    let month = month.to_string();
    db.execute(
        "INSERT INTO callback_samples(month, drawn_at, closed, share) VALUES (?1, ?2, ?3, ?4)",
        db::params![&month, ts(at), i64::try_from(closed).unwrap_or(i64::MAX), share],
    )?;
    for &id in picked {
        db.execute(
            "INSERT INTO callbacks(ticket_id, month, queued_at) VALUES (?1, ?2, ?3)",
            db::params![id, &month, ts(at)],
        )?;
    }
    Ok(())
}

/// The queue row, its ticket's customer (the supervisor calls them: the full phone), the latest
/// call and how many calls did not reach the customer.
const CALLBACK_COLUMNS: &str = "b.ticket_id, t.title, cu.name, cu.phone, b.month, b.queued_at, b.done_at, b.done_by, \
     b.reached, b.score, b.comment, \
     (SELECT count(*) FROM callback_calls k WHERE k.ticket_id = b.ticket_id AND k.month = b.month AND k.reached = 0)";

/// A score as stored: 1 to 5 (the schema checks it), else a corrupt row.
fn score(stored: Option<i64>) -> Result<Option<u8>> {
    stored
        .map(|s| u8::try_from(s).map_err(|_| StoreError::Corrupt(format!("callback score {s}"))))
        .transpose()
}

fn read_callback(r: &impl Columns) -> Result<Callback> {
    let month: String = r.col(4)?;
    let done_at = parse_opt_ts(r.col(6)?)?;
    let reached: Option<bool> = r.col(8)?;
    let score = score(r.col(9)?)?;
    let comment: String = r.col(10)?;
    Ok(Callback {
        ticket_id: r.col(0)?,
        title: r.col(1)?,
        customer: r.col(2)?,
        phone: r.col(3)?,
        month: month
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("callback month {month:?}")))?,
        queued_at: parse_ts(r.col(5)?)?,
        done_at,
        done_by: r.col(7)?,
        outcome: done_at.map(|_| CallOutcome {
            reached: reached.unwrap_or(false),
            score,
            comment,
        }),
        attempts: r.col(11)?,
    })
}

fn callbacks_where(db: Db, filter: &str, args: &[db::Param]) -> Result<Vec<Callback>> {
    let sql = format!(
        "SELECT {CALLBACK_COLUMNS} FROM callbacks b JOIN tickets t ON t.id = b.ticket_id
         JOIN customers cu ON cu.id = t.customer_id WHERE {filter} ORDER BY b.month, b.ticket_id"
    );
    db.query_map(&sql, args, |r| read_callback(r))
}

/// The callback queue of the sample of `month`.
pub fn callbacks_of(db: Db, month: Month) -> Result<Vec<Callback>> {
    callbacks_where(db, "b.month = ?1", db::params![&month.to_string()])
}

/// Callbacks of a ticket, oldest sample first.
pub fn callbacks_of_ticket(db: Db, ticket: i64) -> Result<Vec<Callback>> {
    callbacks_where(db, "b.ticket_id = ?1", db::params![ticket])
}

/// Records a call: a new row of the calls (never changed), and the queue row shows it.
pub fn record_callback(
    db: Db,
    ticket: i64,
    month: Month,
    at: DateTime<Utc>,
    by: &str,
    outcome: &CallOutcome,
) -> Result<()> {
    let month = month.to_string();
    let args = db::params![
        ticket,
        &month,
        ts(at),
        by,
        outcome.reached,
        outcome.score.map(i64::from),
        &outcome.comment
    ];
    db.execute(
        "INSERT INTO callback_calls(ticket_id, month, at, by, reached, score, comment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        args,
    )?;
    db.execute(
        "UPDATE callbacks SET done_at = ?3, done_by = ?4, reached = ?5, score = ?6, comment = ?7
         WHERE ticket_id = ?1 AND month = ?2",
        args,
    )?;
    Ok(())
}

/// The queue of `month` as it stood at `at`: one entry per ticket queued before `at`, with
/// whether its latest call recorded before `at` reached the customer (`None`: not called).
pub fn callback_states_at(db: Db, month: Month, at: DateTime<Utc>) -> Result<Vec<Option<bool>>> {
    db.query_map(
        "SELECT (SELECT k.reached FROM callback_calls k
                 WHERE k.ticket_id = b.ticket_id AND k.month = b.month AND k.at < ?2
                 ORDER BY k.at DESC, k.id DESC LIMIT 1)
         FROM callbacks b WHERE b.month = ?1 AND b.queued_at < ?2 ORDER BY b.ticket_id",
        db::params![&month.to_string(), ts(at)],
        |r| r.get(0),
    )
}

/// Satisfaction scores of the calls recorded in `[from, to)`.
pub fn scores_between(db: Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<u8>> {
    db.query_map(
        "SELECT score FROM callback_calls WHERE at >= ?1 AND at < ?2 AND score IS NOT NULL ORDER BY at, id",
        db::params![ts(from), ts(to)],
        |r| Ok(score(r.get(0)?)?.unwrap_or_default()),
    )
}

/// The month's queued callbacks whose customer has not been reached yet (the board's header):
/// the month's range of `callbacks_month`, one sample's rows. PostgreSQL has no `IS NOT` for a
/// value: `IS DISTINCT FROM` (NULL, not called yet, counts as not reached on both).
const CALLBACKS_DUE: &str = "SELECT count(*) FROM callbacks WHERE month = ?1 AND reached IS NOT 1";
const CALLBACKS_DUE_PG: &str = "SELECT count(*) FROM callbacks WHERE month = ?1 AND reached IS DISTINCT FROM 1";

pub fn callbacks_due(db: Db, month: Month) -> Result<usize> {
    let n: i64 = db.query_row(
        db.pick(CALLBACKS_DUE, CALLBACKS_DUE_PG),
        db::params![&month.to_string()],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// SQLite's plan for [`callbacks_due`].
pub fn callbacks_due_plan(conn: &Connection, month: Month) -> Result<String> {
    let lines = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {CALLBACKS_DUE}"))?
        .query_map([month.to_string()], |r| r.get::<_, String>(3))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lines.join("\n"))
}

impl super::Store {
    pub fn callbacks_due(&self, month: Month) -> Result<usize> {
        callbacks_due(self.db(), month)
    }

    pub fn callbacks_due_plan(&self, month: Month) -> Result<String> {
        callbacks_due_plan(self.sqlite(SqliteOnly::Callbacks)?, month)
    }

    pub fn sample_drawn(&self, month: Month) -> Result<bool> {
        sample_drawn(self.db(), month)
    }

    pub fn callbacks_of(&self, month: Month) -> Result<Vec<Callback>> {
        callbacks_of(self.db(), month)
    }

    pub fn callback_states_at(&self, month: Month, at: DateTime<Utc>) -> Result<Vec<Option<bool>>> {
        callback_states_at(self.db(), month, at)
    }

    pub fn scores_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<u8>> {
        scores_between(self.db(), from, to)
    }
}

impl super::Tx<'_> {
    pub fn sample_drawn(&self, month: Month) -> Result<bool> {
        sample_drawn(self.db(), month)
    }

    pub fn insert_sample(
        &self,
        month: Month,
        at: DateTime<Utc>,
        closed: usize,
        share: f64,
        picked: &[i64],
    ) -> Result<()> {
        insert_sample(self.db(), month, at, closed, share, picked)
    }

    pub fn callbacks_of_ticket(&self, ticket: i64) -> Result<Vec<Callback>> {
        callbacks_of_ticket(self.db(), ticket)
    }

    pub fn record_callback(
        &self,
        ticket: i64,
        month: Month,
        at: DateTime<Utc>,
        by: &str,
        outcome: &CallOutcome,
    ) -> Result<()> {
        record_callback(self.db(), ticket, month, at, by, outcome)
    }
}

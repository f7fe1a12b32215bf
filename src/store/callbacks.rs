//! SQL of satisfaction callbacks: the monthly samples, the queue, and the calls. Every call is
//! a row of `callback_calls` with its instant (kept as written), so a report for a past period
//! reads what was recorded by that period's end; `callbacks` keeps the latest call per ticket
//! for the queue's display.

use super::Result;
use super::SqliteOnly;
use super::StoreError;
use super::rows::{parse_opt_ts, parse_ts, ts};
use crate::domain::callback::{CallOutcome, Callback, Month};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

pub fn sample_drawn(conn: &Connection, month: Month) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM callback_samples WHERE month = ?1")?
        .query_row([month.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn insert_sample(
    conn: &Connection,
    month: Month,
    at: DateTime<Utc>,
    closed: usize,
    share: f64,
    picked: &[i64],
) -> Result<()> {
    conn.prepare_cached("INSERT INTO callback_samples(month, drawn_at, closed, share) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![month.to_string(), ts(at), closed as i64, share])?;
    let mut insert = conn.prepare_cached("INSERT INTO callbacks(ticket_id, month, queued_at) VALUES (?1, ?2, ?3)")?;
    for id in picked {
        insert.execute(params![id, month.to_string(), ts(at)])?;
    }
    Ok(())
}

/// The queue row, its ticket's customer (the supervisor calls them: the full phone), the latest
/// call and how many calls did not reach the customer.
const CALLBACK_COLUMNS: &str = "b.ticket_id, t.title, cu.name, cu.phone, b.month, b.queued_at, b.done_at, b.done_by, \
     b.reached, b.score, b.comment, \
     (SELECT count(*) FROM callback_calls k WHERE k.ticket_id = b.ticket_id AND k.month = b.month AND k.reached = 0)";

type RawCallback = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    String,
    Option<bool>,
    Option<u8>,
    String,
    u32,
);

fn raw_callback(r: &Row<'_>) -> rusqlite::Result<RawCallback> {
    r.try_into()
}

fn into_callback(raw: RawCallback) -> Result<Callback> {
    let (ticket_id, title, customer, phone, month, queued_at, done_at, done_by, reached, score, comment, attempts) =
        raw;
    let done_at = parse_opt_ts(done_at)?;
    Ok(Callback {
        ticket_id,
        title,
        customer,
        phone,
        month: month
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("callback month {month:?}")))?,
        queued_at: parse_ts(queued_at)?,
        done_at,
        done_by,
        outcome: done_at.map(|_| CallOutcome {
            reached: reached.unwrap_or(false),
            score,
            comment,
        }),
        attempts,
    })
}

fn callbacks_where(conn: &Connection, filter: &str, args: impl rusqlite::Params) -> Result<Vec<Callback>> {
    let sql = format!(
        "SELECT {CALLBACK_COLUMNS} FROM callbacks b JOIN tickets t ON t.id = b.ticket_id
         JOIN customers cu ON cu.id = t.customer_id WHERE {filter} ORDER BY b.month, b.ticket_id"
    );
    let raw = conn
        .prepare_cached(&sql)?
        .query_map(args, raw_callback)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raw.into_iter().map(into_callback).collect()
}

/// The callback queue of the sample of `month`.
pub fn callbacks_of(conn: &Connection, month: Month) -> Result<Vec<Callback>> {
    callbacks_where(conn, "b.month = ?1", [month.to_string()])
}

/// Callbacks of a ticket, oldest sample first.
pub fn callbacks_of_ticket(conn: &Connection, ticket: i64) -> Result<Vec<Callback>> {
    callbacks_where(conn, "b.ticket_id = ?1", [ticket])
}

/// Records a call: a new row of the calls (never changed), and the queue row shows it.
pub fn record_callback(
    conn: &Connection,
    ticket: i64,
    month: Month,
    at: DateTime<Utc>,
    by: &str,
    outcome: &CallOutcome,
) -> Result<()> {
    let args = params![
        ticket,
        month.to_string(),
        ts(at),
        by,
        outcome.reached,
        outcome.score,
        outcome.comment
    ];
    conn.prepare_cached(
        "INSERT INTO callback_calls(ticket_id, month, at, by, reached, score, comment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(args)?;
    conn.prepare_cached(
        "UPDATE callbacks SET done_at = ?3, done_by = ?4, reached = ?5, score = ?6, comment = ?7
         WHERE ticket_id = ?1 AND month = ?2",
    )?
    .execute(args)?;
    Ok(())
}

/// The queue of `month` as it stood at `at`: one entry per ticket queued before `at`, with
/// whether its latest call recorded before `at` reached the customer (`None`: not called).
pub fn callback_states_at(conn: &Connection, month: Month, at: DateTime<Utc>) -> Result<Vec<Option<bool>>> {
    let states = conn
        .prepare_cached(
            "SELECT (SELECT k.reached FROM callback_calls k
                     WHERE k.ticket_id = b.ticket_id AND k.month = b.month AND k.at < ?2
                     ORDER BY k.at DESC, k.id DESC LIMIT 1)
             FROM callbacks b WHERE b.month = ?1 AND b.queued_at < ?2 ORDER BY b.ticket_id",
        )?
        .query_map(params![month.to_string(), ts(at)], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<Option<bool>>>>()?;
    Ok(states)
}

/// Satisfaction scores of the calls recorded in `[from, to)`.
pub fn scores_between(conn: &Connection, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<u8>> {
    let scores = conn
        .prepare_cached(
            "SELECT score FROM callback_calls WHERE at >= ?1 AND at < ?2 AND score IS NOT NULL ORDER BY at, id",
        )?
        .query_map(params![ts(from), ts(to)], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<u8>>>()?;
    Ok(scores)
}

/// The month's queued callbacks whose customer has not been reached yet (the board's header):
/// the month's range of `callbacks_month`, one sample's rows.
const CALLBACKS_DUE: &str = "SELECT count(*) FROM callbacks WHERE month = ?1 AND reached IS NOT 1";

pub fn callbacks_due(conn: &Connection, month: Month) -> Result<usize> {
    let n: i64 = conn
        .prepare_cached(CALLBACKS_DUE)?
        .query_row([month.to_string()], |r| r.get(0))?;
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
        callbacks_due(self.sqlite(SqliteOnly::Callbacks)?, month)
    }

    pub fn callbacks_due_plan(&self, month: Month) -> Result<String> {
        callbacks_due_plan(self.sqlite(SqliteOnly::Callbacks)?, month)
    }

    pub fn sample_drawn(&self, month: Month) -> Result<bool> {
        sample_drawn(self.sqlite(SqliteOnly::Callbacks)?, month)
    }

    pub fn callbacks_of(&self, month: Month) -> Result<Vec<Callback>> {
        callbacks_of(self.sqlite(SqliteOnly::Callbacks)?, month)
    }

    pub fn callback_states_at(&self, month: Month, at: DateTime<Utc>) -> Result<Vec<Option<bool>>> {
        callback_states_at(self.sqlite(SqliteOnly::Callbacks)?, month, at)
    }

    pub fn scores_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<u8>> {
        scores_between(self.sqlite(SqliteOnly::Callbacks)?, from, to)
    }
}

impl super::Tx<'_> {
    pub fn sample_drawn(&self, month: Month) -> Result<bool> {
        sample_drawn(self.sqlite(SqliteOnly::Callbacks)?, month)
    }

    pub fn insert_sample(
        &self,
        month: Month,
        at: DateTime<Utc>,
        closed: usize,
        share: f64,
        picked: &[i64],
    ) -> Result<()> {
        insert_sample(self.sqlite(SqliteOnly::Callbacks)?, month, at, closed, share, picked)
    }

    pub fn callbacks_of_ticket(&self, ticket: i64) -> Result<Vec<Callback>> {
        callbacks_of_ticket(self.sqlite(SqliteOnly::Callbacks)?, ticket)
    }

    pub fn record_callback(
        &self,
        ticket: i64,
        month: Month,
        at: DateTime<Utc>,
        by: &str,
        outcome: &CallOutcome,
    ) -> Result<()> {
        record_callback(self.sqlite(SqliteOnly::Callbacks)?, ticket, month, at, by, outcome)
    }
}

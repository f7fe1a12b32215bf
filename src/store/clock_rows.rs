//! Clock rows: a ticket's SLA clocks as stored, read into [`Clock`]s (bounded: a hand-written
//! row is corrupt, never a panic) and replaced whole when the engine recomputes them. On both
//! backends but [`read_clock_into`], `list`'s hot loop over SQLite's own rows.

use super::db::{self, Columns, Db};
use super::rows::{parse_opt_ts, parse_ts, ts};
use super::schema::JUDGED_IMPORTED;
use super::{Result, StoreError};
use crate::domain::sla::{Clock, ClockState};
use rusqlite::Row;

pub(super) const CLOCK_COLUMNS: &str =
    "metric, cycle, state, target, started_at, due_at, met_at, breached_at, paused_secs, remaining_secs";

pub(super) type RawClock = (
    String,
    u32,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
    Option<i64>,
);

/// The clock columns of a row from `base`, in [`CLOCK_COLUMNS`]' order, on either backend.
pub(super) fn raw_clock(r: &impl Columns, base: usize) -> Result<RawClock> {
    Ok((
        r.col(base)?,
        r.col(base + 1)?,
        r.col(base + 2)?,
        r.col(base + 3)?,
        r.col(base + 4)?,
        r.col(base + 5)?,
        r.col(base + 6)?,
        r.col(base + 7)?,
        r.col(base + 8)?,
        r.col(base + 9)?,
    ))
}

/// A clock row of `ticket_id`. A state that is not one of the five, or a missing remainder
/// (every write stores one), is a corrupt row.
pub(super) fn into_clock(ticket_id: i64, raw: RawClock) -> Result<Clock> {
    let (metric, cycle, state, target, started_at, due_at, met_at, breached_at, paused_secs, remaining_secs) = raw;
    let (state, remaining_secs) = checked_clock(ticket_id, &metric, &state, paused_secs, remaining_secs)?;
    Ok(Clock {
        ticket_id,
        metric,
        cycle,
        state,
        target,
        started_at: parse_ts(started_at)?,
        due_at: parse_opt_ts(due_at)?,
        met_at: parse_opt_ts(met_at)?,
        breached_at: parse_opt_ts(breached_at)?,
        paused_secs,
        remaining_secs,
    })
}

/// [`into_clock`] of the row's columns from `base` (in [`raw_clock`]'s order) into `clock`,
/// its texts' buffers reused: `list`'s table reads thousands of rows, and a new string for each
/// text of each row was a tenth of its time.
pub(super) fn read_clock_into(clock: &mut Clock, ticket_id: i64, r: &Row<'_>, base: usize) -> Result<()> {
    let text = |i: usize| -> Result<&str> { Ok(r.get_ref(base + i)?.as_str().map_err(rusqlite::Error::from)?) };
    let metric = text(0)?;
    let paused_secs: i64 = r.get(base + 8)?;
    let (state, remaining_secs) = checked_clock(ticket_id, metric, text(2)?, paused_secs, r.get(base + 9)?)?;
    clock.ticket_id = ticket_id;
    clock.metric.clear();
    clock.metric.push_str(metric);
    clock.cycle = r.get(base + 1)?;
    clock.state = state;
    clock.target.clear();
    clock.target.push_str(text(3)?);
    clock.started_at = parse_ts(r.get(base + 4)?)?;
    clock.due_at = parse_opt_ts(r.get(base + 5)?)?;
    clock.met_at = parse_opt_ts(r.get(base + 6)?)?;
    clock.breached_at = parse_opt_ts(r.get(base + 7)?)?;
    clock.paused_secs = paused_secs;
    clock.remaining_secs = remaining_secs;
    Ok(())
}

/// A stored clock's state read, and its durations bounded: the state must be one of the five,
/// the remainder present (every write stores one).
fn checked_clock(
    ticket_id: i64,
    metric: &str,
    state: &str,
    paused_secs: i64,
    remaining_secs: Option<i64>,
) -> Result<(ClockState, i64)> {
    let state: ClockState = state
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("clock state '{state}' of ticket {ticket_id} {metric}")))?;
    let remaining_secs = remaining_secs
        .ok_or_else(|| StoreError::Corrupt(format!("clock of ticket {ticket_id} {metric} without remaining_secs")))?;
    // Durations a clock can really have (a century either way); anything else was written by
    // hand and would overflow the arithmetic that reads it.
    const CENTURY: i64 = 100 * 366 * 86_400;
    if !(0..=CENTURY).contains(&paused_secs) || !(-CENTURY..=CENTURY).contains(&remaining_secs) {
        return Err(StoreError::Corrupt(format!(
            "clock of ticket {ticket_id} {metric}: paused {paused_secs} s, remaining {remaining_secs} s"
        )));
    }
    Ok((state, remaining_secs))
}

/// A ticket's clocks, by metric and cycle.
pub fn clocks(db: Db, ticket_id: i64) -> Result<Vec<Clock>> {
    let sql = format!("SELECT {CLOCK_COLUMNS} FROM clocks WHERE ticket_id = ?1 ORDER BY metric, cycle");
    db.query_map(&sql, db::params![ticket_id], |r| {
        into_clock(ticket_id, raw_clock(r, 0)?)
    })
}

/// Replaces the derived clock rows of a ticket with `clocks`.
pub fn replace_clocks(db: Db, ticket_id: i64, clocks: &[Clock]) -> Result<()> {
    db.execute("DELETE FROM clocks WHERE ticket_id = ?1", db::params![ticket_id])?;
    // A judgement outlives the recomputed row: `judged` is read back from `reviews`, and an
    // imported breach stays out of the queue (`imported_breaches`, migration 10).
    let insert = format!(
        "INSERT INTO clocks(ticket_id, {CLOCK_COLUMNS}, judged) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
             CASE WHEN EXISTS (SELECT 1 FROM reviews r WHERE r.ticket_id = ?1 AND r.metric = ?2 AND r.cycle = ?3) THEN 1
                  WHEN EXISTS (SELECT 1 FROM imported_breaches i WHERE i.ticket_id = ?1 AND i.metric = ?2 AND i.cycle = ?3)
                  THEN {JUDGED_IMPORTED} ELSE 0 END)"
    );
    for c in clocks {
        db.execute(
            &insert,
            db::params![
                ticket_id,
                c.metric.as_str(),
                i64::from(c.cycle),
                c.state.slug(),
                c.target.as_str(),
                ts(c.started_at),
                c.due_at.map(ts),
                c.met_at.map(ts),
                c.breached_at.map(ts),
                c.paused_secs,
                c.remaining_secs,
            ],
        )?;
    }
    Ok(())
}

/// Tickets whose clocks can still change: open or waiting, or with a clock still running
/// (a resolved ticket's clock that stops only at close).
pub fn ticket_ids_with_live_clocks(db: Db) -> Result<Vec<i64>> {
    db.query_map(
        "SELECT id FROM tickets WHERE status IN ('open', 'waiting')
         UNION SELECT ticket_id FROM clocks WHERE met_at IS NULL ORDER BY 1",
        &[],
        |r| r.get(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(state: &str, remaining: Option<i64>) -> RawClock {
        (
            "resolution".into(),
            1,
            state.into(),
            "3d".into(),
            1_772_442_000,
            Some(1_772_733_600),
            None,
            None,
            0,
            remaining,
        )
    }

    #[test]
    fn a_clock_row_reads_into_the_domain_clock() {
        let c = into_clock(7, raw("warning", Some(600))).unwrap();
        assert_eq!((c.ticket_id, c.state, c.remaining_secs), (7, ClockState::Warning, 600));
    }

    #[test]
    fn a_bad_stored_state_or_a_missing_remainder_is_corrupt_not_a_panic() {
        assert!(matches!(
            into_clock(7, raw("late", Some(0))),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            into_clock(7, raw("running", None)),
            Err(StoreError::Corrupt(_))
        ));
    }
}

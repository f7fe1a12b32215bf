//! The rows [`super::bulk`] writes many to a statement: the log's and the clocks'.

use super::Result;
use super::rendered::Stamp;
use crate::domain::chain::Hash;
use crate::domain::sla::Clock;

/// Log rows and clock rows per multi-row INSERT: a statement's start and end (its cursors
/// opened, the statement halted and reset) once for this many rows instead of once a row.
pub(super) const ROWS_PER_INSERT: usize = 32;

/// `(?, ?, ...)` for `rows` rows of `width` values.
pub(super) fn placeholders(width: usize, rows: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(", "));
    vec![row; rows].join(", ")
}

/// Inserts `rows` [`ROWS_PER_INSERT`] at a time through `many`, the rest one at a time through
/// `one`; `bind` binds a row's values from the parameter index it is given on.
pub(super) fn insert_rows<R>(
    one: &mut rusqlite::Statement,
    many: &mut rusqlite::Statement,
    rows: &[R],
    bind: impl Fn(&R, &mut rusqlite::Statement, usize) -> rusqlite::Result<()>,
) -> Result<()> {
    let width = many.parameter_count() / ROWS_PER_INSERT;
    let mut chunks = rows.chunks_exact(ROWS_PER_INSERT);
    for chunk in &mut chunks {
        for (n, row) in chunk.iter().enumerate() {
            bind(row, many, n * width)?;
        }
        many.raw_execute()?;
    }
    for row in chunks.remainder() {
        bind(row, one, 0)?;
        one.raw_execute()?;
    }
    Ok(())
}

/// Values of a log row: [`EntryRow::bind`] binds them in this order.
pub(super) const LOG_WIDTH: usize = 9;

/// A log row as [`super::Tx::bulk_insert`] writes it.
pub(super) struct EntryRow<'a> {
    pub(super) id: i64,
    pub(super) ticket_id: i64,
    pub(super) at: i64,
    pub(super) author: &'a str,
    pub(super) kind: i64,
    pub(super) data: &'a str,
    pub(super) body: &'a str,
    pub(super) hash: Hash,
    pub(super) data_ref: Option<i64>,
}

impl EntryRow<'_> {
    pub(super) fn bind(&self, s: &mut rusqlite::Statement, from: usize) -> rusqlite::Result<()> {
        s.raw_bind_parameter(from + 1, self.id)?;
        s.raw_bind_parameter(from + 2, self.ticket_id)?;
        s.raw_bind_parameter(from + 3, self.at)?;
        s.raw_bind_parameter(from + 4, self.author)?;
        s.raw_bind_parameter(from + 5, self.kind)?;
        s.raw_bind_parameter(from + 6, self.data)?;
        s.raw_bind_parameter(from + 7, self.body)?;
        s.raw_bind_parameter(from + 8, &self.hash[..])?;
        s.raw_bind_parameter(from + 9, self.data_ref)
    }
}

/// Values of a clock row: the ticket, [`super::rows::CLOCK_COLUMNS`] and `judged`.
pub(super) const CLOCK_WIDTH: usize = 12;

/// A clock row as [`super::Tx::bulk_insert`] writes it: its started, due, met and breached instants.
pub(super) struct ClockRow<'a> {
    pub(super) ticket_id: i64,
    pub(super) clock: &'a Clock,
    pub(super) times: &'a [Option<Stamp>; 4],
    pub(super) judged: i64,
}

impl ClockRow<'_> {
    pub(super) fn bind(&self, s: &mut rusqlite::Statement, from: usize) -> rusqlite::Result<()> {
        let c = self.clock;
        let secs = |n: usize| self.times[n].as_ref().map(Stamp::secs);
        s.raw_bind_parameter(from + 1, self.ticket_id)?;
        s.raw_bind_parameter(from + 2, &c.metric)?;
        s.raw_bind_parameter(from + 3, c.cycle)?;
        s.raw_bind_parameter(from + 4, c.state.slug())?;
        s.raw_bind_parameter(from + 5, &c.target)?;
        s.raw_bind_parameter(from + 6, secs(0))?;
        s.raw_bind_parameter(from + 7, secs(1))?;
        s.raw_bind_parameter(from + 8, secs(2))?;
        s.raw_bind_parameter(from + 9, secs(3))?;
        s.raw_bind_parameter(from + 10, c.paused_secs)?;
        s.raw_bind_parameter(from + 11, c.remaining_secs)?;
        s.raw_bind_parameter(from + 12, self.judged)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Store;
    use super::super::bulk::Story;
    use super::super::bulk::tests::{chain, story, write_all};
    use super::ROWS_PER_INSERT;
    use crate::domain::sla::Clock;

    #[test]
    fn rows_written_many_a_statement_land_as_one_at_a_time() {
        // 40 stories: 80 entries and 40 clocks, so both a full multi-row statement and the
        // rows after the last one are written.
        let count = ROWS_PER_INSERT + 8;
        let stories: Vec<Story> = (0..count).map(|n| story(&format!("kettle {n}"), n % 3 == 0)).collect();
        let mut store = Store::open_in_memory().unwrap();
        let written = write_all(&mut store, &stories);
        assert_eq!(written.entries, 2 * count);
        let (findings, entries) = store.verify().unwrap();
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(entries, 2 * count as u64);
        // Entry ids follow the tickets: ticket n holds entries 2n-1 and 2n.
        let rows = chain(&store);
        assert!(rows.iter().all(|(id, ticket, _)| (id + 1) / 2 == *ticket), "{rows:?}");
        for (n, s) in stories.iter().enumerate() {
            let id = n as i64 + 1;
            let log = store.log(id).unwrap();
            assert_eq!(log.len(), 2);
            assert_eq!(log[0].event, s.log[0].event);
            let clocks = store.clocks(id).unwrap();
            assert_eq!(
                clocks,
                vec![Clock {
                    ticket_id: id,
                    ..s.clocks[0].clone()
                }]
            );
        }
    }
}

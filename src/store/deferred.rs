//! Index builds deferred by a bulk run: on a database without tickets the full (not partial)
//! secondary indexes of the tables it fills are dropped, recorded, and built once, sorted, at
//! the end (or at the next open, when the run was cut short).

use super::SqliteOnly;
use super::{Result, StoreError};
use rusqlite::OptionalExtension;

impl super::Store {
    /// On a database without tickets, drops the secondary indexes (but the partial ones) of
    /// the tables a bulk run fills, to build each once, sorted, at the end ([`restore_indexes`]): maintained row by
    /// row, their random inserts were most of a 1M-ticket run. What was dropped is recorded in
    /// the same transaction, so a run cut short has them rebuilt at the next open.
    pub(super) fn defer_indexes(&mut self) -> Result<()> {
        self.write(|tx| {
            let conn = tx.sqlite(SqliteOnly::BulkWrites)?;
            let fresh: bool = conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM tickets)", [], |r| r.get(0))?;
            let pending: Option<String> = conn
                .query_row("SELECT value FROM meta WHERE key = ?1", [DEFERRED_INDEXES], |r| {
                    r.get(0)
                })
                .optional()?;
            if !fresh || pending.is_some() {
                return Ok(());
            }
            // Unique indexes stay (they refuse a duplicate as it is written), and so do the
            // partial ones that hold few rows of a history (running clocks, unjudged
            // breaches): building each at the end scanned its whole table again.
            let indexes: Vec<(String, String)> = conn
                .prepare(
                    "SELECT s.name, s.sql FROM sqlite_schema s JOIN pragma_index_list(s.tbl_name) i ON i.name = s.name
                     WHERE s.type = 'index' AND s.sql IS NOT NULL AND NOT i.\"unique\"
                     AND s.tbl_name IN ('customers', 'tickets', 'log', 'clocks', 'reviews') ORDER BY s.name",
                )?
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                .filter(|row| !matches!(row, Ok((name, _)) if KEPT_LIVE.contains(&name.as_str())))
                .collect::<rusqlite::Result<_>>()?;
            let record = serde_json::to_string(&indexes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2)",
                [DEFERRED_INDEXES, &record],
            )?;
            for (name, _) in &indexes {
                conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
            }
            Ok(())
        })
    }
}

/// Partial indexes a bulk run keeps: each holds few of the rows of a history.
const KEPT_LIVE: [&str; 7] = [
    "clocks_breached",
    "clocks_late_unrecorded",
    "clocks_late_unrecorded_metric",
    "clocks_running_by_ticket",
    "clocks_running_due",
    "clocks_unjudged_breach",
    "clocks_unjudged_breach_metric",
];

/// Meta key: the indexes a bulk run dropped to build at its end, as JSON `[[name, sql], ...]`.
const DEFERRED_INDEXES: &str = "bulk_deferred_indexes";

/// Builds the indexes a bulk run deferred, each in its own transaction (the WAL holds one
/// index, not all), and forgets the record once all are back. Nothing to do without a record.
pub(super) fn restore_indexes(conn: &rusqlite::Connection) -> Result<()> {
    let record: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [DEFERRED_INDEXES], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(record) = record else { return Ok(()) };
    let indexes: Vec<(String, String)> =
        serde_json::from_str(&record).map_err(|e| StoreError::Corrupt(format!("{DEFERRED_INDEXES}: {e}")))?;
    for (name, sql) in &indexes {
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?1)",
            [name],
            |r| r.get(0),
        )?;
        if !exists {
            conn.execute_batch(&format!("BEGIN IMMEDIATE; {sql}; COMMIT;"))?;
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        }
    }
    conn.execute("DELETE FROM meta WHERE key = ?1", [DEFERRED_INDEXES])?;
    Ok(())
}

impl super::Store {
    /// Drops the trigger that remakes a ticket's `nearest_deadlines` row at each running clock
    /// inserted (migration 13), for the length of the run: fired inside the run's inserts it
    /// cost a statement journal per row (an import's system time tripled). [`restore_nearest`]
    /// makes it again and the rows once. Recorded in the same transaction, like the indexes.
    pub(super) fn defer_nearest(&mut self) -> Result<()> {
        self.write(|tx| {
            let conn = tx.sqlite(SqliteOnly::BulkWrites)?;
            let sql: Option<String> = conn
                .query_row(
                    "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
                    [NEAREST_INSERT_TRIGGER],
                    |r| r.get(0),
                )
                .optional()?;
            // Gone already: a run cut short, its record kept until the next open remakes it.
            let Some(sql) = sql else { return Ok(()) };
            conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
                [DEFERRED_NEAREST, &sql],
            )?;
            conn.execute_batch(&format!("DROP TRIGGER {NEAREST_INSERT_TRIGGER}"))?;
            Ok(())
        })
    }
}

/// The trigger of migration 13 a bulk run drops ([`super::Store::defer_nearest`]).
pub(super) const NEAREST_INSERT_TRIGGER: &str = "nearest_after_clock_insert";

/// Meta key: the SQL of the trigger a bulk run dropped, to make again at its end.
const DEFERRED_NEAREST: &str = "bulk_deferred_nearest";

/// Makes the trigger a bulk run dropped again and every `nearest_deadlines` row from the clocks
/// (bounded by the running ones), in one transaction: rows written meanwhile, by the run or by
/// another writer, are all there once it is back. Nothing to do without a record.
pub(super) fn restore_nearest(conn: &rusqlite::Connection) -> Result<()> {
    let record = |conn: &rusqlite::Connection| -> Result<Option<String>> {
        Ok(conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [DEFERRED_NEAREST], |r| {
                r.get(0)
            })
            .optional()?)
    };
    // Looked at first without the write lock: most opens find nothing to do.
    if record(conn)?.is_none() {
        return Ok(());
    }
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let Some(sql) = record(&tx)? else { return Ok(()) };
    tx.execute_batch(&format!(
        "{sql}; DELETE FROM nearest_deadlines; INSERT INTO nearest_deadlines {};",
        super::schema::NEAREST_MADE
    ))?;
    tx.execute("DELETE FROM meta WHERE key = ?1", [DEFERRED_NEAREST])?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexes(conn: &rusqlite::Connection) -> Vec<(String, String)> {
        conn.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn indexes_a_run_cut_short_deferred_are_built_at_the_next_open() {
        use super::super::{Access, Store};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.db");
        let schema = indexes(
            Store::open(&path, Access::Create)
                .unwrap()
                .sqlite(super::SqliteOnly::Settings)
                .unwrap(),
        );
        {
            let mut store = Store::open(&path, Access::ReadWrite).unwrap();
            store.defer_indexes().unwrap();
            let left = indexes(store.sqlite(super::SqliteOnly::Settings).unwrap());
            assert!(
                left.len() < schema.len(),
                "the tickets', log's and clocks' indexes wait"
            );
            assert!(
                left.iter().any(|(name, _)| name == "customers_identity"),
                "the upsert's stays"
            );
            // The run dies here: nothing builds them back.
        }
        let store = Store::open(&path, Access::ReadWrite).unwrap();
        assert_eq!(indexes(store.sqlite(super::SqliteOnly::Settings).unwrap()), schema);
        let record: i64 = store
            .sqlite(super::SqliteOnly::Settings)
            .unwrap()
            .query_row("SELECT count(*) FROM meta WHERE key = ?1", [DEFERRED_INDEXES], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(record, 0);
    }
}

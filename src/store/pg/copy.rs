//! `promptly migrate --to`: a SQLite database copied whole into an empty Promptly schema on
//! PostgreSQL, table by table in one transaction of the target, every value as it is stored
//! (ids, instants, the log's hashes: the chain goes over unchanged). The source is read in one
//! read transaction and never written. The counts of each table are compared after the commit;
//! the caller then runs `verify` on the target.

use crate::store::db::{Db, Param};
use crate::store::{Result, SqliteOnly, Store, StoreError};

/// The tables copied, parents before children. `tallies` and `nearest_deadlines` are not:
/// the target's triggers make them from the rows as they arrive, and `verify` checks them.
pub const COPIED: [&str; 14] = [
    "customers",
    "log_data",
    "promises",
    "meta",
    "agents",
    "tickets",
    "imported_breaches",
    "log",
    "clocks",
    "reviews",
    "callback_samples",
    "callbacks",
    "callback_calls",
    "mail",
];

/// The tables whose ids PostgreSQL hands out (identity columns), moved on past the copied ones.
const IDENTITIES: [&str; 5] = ["customers", "tickets", "log_data", "callback_calls", "mail"];

/// Rows sent in one statement, at most: fewer for a wide table, since PostgreSQL takes at
/// most 65,535 parameters a statement.
const ROWS_PER_INSERT: usize = 500;

/// How a copy went: each table with the rows it holds on both sides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Copied {
    pub tables: Vec<(&'static str, u64)>,
}

impl Store {
    /// Copies this SQLite database into `target`, a Promptly schema on a server that holds no
    /// tickets, customers, log, agents, promises or `meta` yet ([`StoreError::ServerNotEmpty`]
    /// otherwise, before anything is written). `progress` hears each table's name and the rows copied so far.
    pub fn copy_to_server(&self, target: &mut Store, progress: &mut dyn FnMut(&str, u64)) -> Result<Copied> {
        let source = self.sqlite(SqliteOnly::Backup)?;
        if !target.on_server() {
            return Err(StoreError::Corrupt("the target of a copy is a PostgreSQL store".into()));
        }
        let holds_rows: bool = target.db().query_row(
            "SELECT EXISTS (SELECT 1 FROM tickets) OR EXISTS (SELECT 1 FROM customers) OR EXISTS (SELECT 1 FROM log)
                 OR EXISTS (SELECT 1 FROM meta) OR EXISTS (SELECT 1 FROM agents) OR EXISTS (SELECT 1 FROM promises)",
            &[],
            |r| r.get(0),
        )?;
        if holds_rows {
            return Err(StoreError::ServerNotEmpty(target.path().display().to_string()));
        }
        // One snapshot of the source for every table.
        source.execute_batch("BEGIN DEFERRED")?;
        let copied = target.write(|tx| {
            let db = tx.db();
            let mut tables = Vec::with_capacity(COPIED.len());
            for table in COPIED {
                tables.push((table, copy_table(source, db, table, progress)?));
            }
            for table in IDENTITIES {
                db.execute(
                    &format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table} HAVING max(id) IS NOT NULL"
                    ),
                    &[],
                )?;
            }
            Ok::<_, StoreError>(Copied { tables })
        });
        let ended = source.execute_batch("COMMIT");
        let copied = copied?;
        ended?;
        for &(table, rows) in &copied.tables {
            let there: i64 = target
                .db()
                .query_row(&format!("SELECT count(*) FROM {table}"), &[], |r| r.get(0))?;
            if u64::try_from(there).ok() != Some(rows) {
                return Err(StoreError::Corrupt(format!(
                    "{table}: {rows} rows copied, {there} on the server"
                )));
            }
        }
        Ok(copied)
    }
}

/// Copies one table's rows, `ROWS_PER_INSERT` a statement; how many there were. The columns
/// are the target's (the two schemas have the same, by name).
fn copy_table(
    source: &rusqlite::Connection,
    target: Db,
    table: &str,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<u64> {
    let columns: Vec<String> = target.query_map(
        "SELECT column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position",
        &[Param::from(table)],
        |r| r.get(0),
    )?;
    let names = columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut read = source.prepare(&format!("SELECT {names} FROM \"{table}\""))?;
    let mut rows = read.query([])?;
    let per_insert = ROWS_PER_INSERT.min(65_535 / columns.len().max(1));
    let mut batch: Vec<rusqlite::types::Value> = Vec::with_capacity(per_insert * columns.len());
    let mut count = 0u64;
    loop {
        let row = rows.next()?;
        if let Some(row) = row {
            for i in 0..columns.len() {
                batch.push(row.get(i)?);
            }
        }
        let full = batch.len() == per_insert * columns.len();
        if (full || row.is_none()) && !batch.is_empty() {
            let n = batch.len() / columns.len();
            target.execute(&insert_sql(table, &names, columns.len(), n), &params_of(&batch))?;
            count += n as u64;
            batch.clear();
            progress(table, count);
        }
        if row.is_none() {
            return Ok(count);
        }
    }
}

fn params_of(values: &[rusqlite::types::Value]) -> Vec<Param<'_>> {
    values.iter().map(Param::from).collect()
}

/// `INSERT INTO table (names) VALUES (?1, ...), (...)` for `rows` rows of `width` values.
fn insert_sql(table: &str, names: &str, width: usize, rows: usize) -> String {
    let mut sql = format!("INSERT INTO \"{table}\" ({names}) VALUES ");
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..width {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("?{}", r * width + c + 1));
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_insert_numbers_every_value_of_every_row() {
        assert_eq!(
            insert_sql("log", "\"a\", \"b\"", 2, 2),
            "INSERT INTO \"log\" (\"a\", \"b\") VALUES (?1, ?2), (?3, ?4)"
        );
    }

    #[test]
    fn every_kept_and_working_table_is_copied_or_made_by_triggers() {
        use crate::store::pg::schema::{KEPT_TABLES, WORKING_TABLES};
        let mut all: Vec<&str> = KEPT_TABLES.iter().chain(WORKING_TABLES.iter()).copied().collect();
        all.retain(|t| !["tallies", "nearest_deadlines"].contains(t));
        all.sort_unstable();
        let mut copied = COPIED.to_vec();
        copied.sort_unstable();
        assert_eq!(all, copied);
    }
}

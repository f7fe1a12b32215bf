//! Migration 15 (issue 11, 1.5 KB a ticket): every instant stored as integer seconds since 1970
//! UTC (4 or 5 bytes) instead of 20 bytes of RFC 3339 text, in every table and index that
//! holds one, and the log's entry kinds as small codes (`rows::LOG_KINDS`). SQLite cannot change a column's type, so each such table is made again beside
//! itself, filled, and put in the old one's place; its indexes, and every trigger and view (they
//! name these tables), are set aside and made again from their own SQL, as they were.
//!
//! Nothing is lost: a value that is not an instant stops the migration (the file stays as it
//! was), and a log entry's instant must be the exact text its chain link covers, which the
//! store makes again from the seconds (`rows::ts_text`), so every link still proves itself; a
//! kind this build has no code for stops it too.

use super::rows::{LOG_KINDS, STATUS_KIND};
use rusqlite::{OptionalExtension, Transaction};
use rusqlite_migration::{HookError, HookResult};

/// Each table holding an instant: its name, its columns as made again (instants `INTEGER`),
/// whether it is `WITHOUT ROWID`, and which columns are instants.
const TABLES: &[(&str, &str, bool, &[&str])] = &[
    (
        "tickets",
        "id INTEGER PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',
         customer_id INTEGER NOT NULL REFERENCES customers(id), channel TEXT NOT NULL, kind TEXT NOT NULL,
         priority TEXT NOT NULL, complexity TEXT NOT NULL, reference TEXT NOT NULL DEFAULT '', purchased_on TEXT,
         status TEXT NOT NULL, opened_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, resolved_at INTEGER,
         closed_at INTEGER, version INTEGER NOT NULL DEFAULT 1, external_id TEXT, owner TEXT NOT NULL DEFAULT ''",
        false,
        &["opened_at", "updated_at", "resolved_at", "closed_at"],
    ),
    (
        "log",
        "id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets(id), at INTEGER NOT NULL,
         author TEXT NOT NULL, kind INTEGER NOT NULL, data TEXT NOT NULL, body TEXT NOT NULL DEFAULT '', hash BLOB,
         data_ref INTEGER",
        false,
        &["at"],
    ),
    (
        "clocks",
        "ticket_id INTEGER NOT NULL REFERENCES tickets(id), metric TEXT NOT NULL, cycle INTEGER NOT NULL,
         state TEXT NOT NULL, target TEXT NOT NULL, started_at INTEGER NOT NULL, due_at INTEGER, met_at INTEGER,
         breached_at INTEGER, paused_secs INTEGER NOT NULL DEFAULT 0, remaining_secs INTEGER,
         judged INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (ticket_id, metric, cycle)",
        true,
        &["started_at", "due_at", "met_at", "breached_at"],
    ),
    (
        "reviews",
        "ticket_id INTEGER NOT NULL REFERENCES tickets(id), metric TEXT NOT NULL, cycle INTEGER NOT NULL,
         class TEXT NOT NULL CHECK (class IN ('minor', 'major')), reason TEXT NOT NULL, remedy TEXT NOT NULL,
         amount_fen INTEGER, note TEXT NOT NULL DEFAULT '', due_at INTEGER NOT NULL, late_secs INTEGER NOT NULL,
         judged_at INTEGER NOT NULL, judged_by TEXT NOT NULL, PRIMARY KEY (ticket_id, metric, cycle)",
        true,
        &["due_at", "judged_at"],
    ),
    (
        "callback_samples",
        "month TEXT PRIMARY KEY, drawn_at INTEGER NOT NULL, closed INTEGER NOT NULL, share REAL NOT NULL",
        false,
        &["drawn_at"],
    ),
    (
        "callbacks",
        "ticket_id INTEGER NOT NULL REFERENCES tickets(id), month TEXT NOT NULL REFERENCES callback_samples(month),
         queued_at INTEGER NOT NULL, done_at INTEGER, done_by TEXT NOT NULL DEFAULT '', reached INTEGER,
         score INTEGER CHECK (score BETWEEN 1 AND 5), comment TEXT NOT NULL DEFAULT '',
         PRIMARY KEY (ticket_id, month)",
        true,
        &["queued_at", "done_at"],
    ),
    (
        "callback_calls",
        "id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL, month TEXT NOT NULL, at INTEGER NOT NULL,
         by TEXT NOT NULL, reached INTEGER NOT NULL, score INTEGER CHECK (score BETWEEN 1 AND 5),
         comment TEXT NOT NULL DEFAULT '', FOREIGN KEY (ticket_id, month) REFERENCES callbacks(ticket_id, month)",
        false,
        &["at"],
    ),
    (
        "nearest_deadlines",
        "due_at INTEGER NOT NULL, rank INTEGER NOT NULL, opened_at INTEGER NOT NULL, ticket_id INTEGER NOT NULL UNIQUE,
         status TEXT NOT NULL, priority TEXT NOT NULL, title TEXT NOT NULL, customer_name TEXT NOT NULL,
         customer_phone TEXT NOT NULL, metric TEXT NOT NULL, cycle INTEGER NOT NULL, state TEXT NOT NULL,
         target TEXT NOT NULL, started_at INTEGER NOT NULL, breached_at INTEGER, paused_secs INTEGER NOT NULL,
         remaining_secs INTEGER, PRIMARY KEY (due_at, rank, opened_at, ticket_id)",
        true,
        &["due_at", "opened_at", "started_at", "breached_at"],
    ),
    (
        "mail",
        "id INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, ticket_id INTEGER NOT NULL REFERENCES tickets(id),
         log_id INTEGER NOT NULL REFERENCES log(id), direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
         at INTEGER NOT NULL, from_addr TEXT NOT NULL, from_name TEXT NOT NULL DEFAULT '',
         to_addr TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL DEFAULT '', in_reply_to TEXT, refs TEXT,
         attachments TEXT NOT NULL DEFAULT '[]', raw BLOB",
        false,
        &["at"],
    ),
    (
        "agents",
        "name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor')),
         added_at INTEGER NOT NULL",
        true,
        &["added_at"],
    ),
];

/// The log as its entries mean it, for reading by hand (migration 7's view, each kind by its
/// name again; the instant in seconds, as every table keeps it).
const LOG_ENTRIES: &str = "CREATE VIEW log_entries AS SELECT id, ticket_id, at, author, KIND AS kind,
    coalesce((SELECT d.data FROM log_data d WHERE d.id = log.data_ref), log.data) AS data, body, hash
    FROM log";

/// The migration's hook (its SQL is empty: the tables' own SQL is read here).
pub(super) fn compact_rows(tx: &Transaction) -> HookResult {
    for (table, _, _, instants) in TABLES {
        refuse_unconvertible(tx, table, instants)?;
    }
    refuse_unknown_kinds(tx)?;
    let names: Vec<String> = TABLES.iter().map(|(t, ..)| format!("'{t}'")).collect();
    // Views before triggers: the deadline triggers read the view of their rows.
    let dependents = schema_sql(tx, "type IN ('view', 'trigger') ORDER BY type = 'trigger', rowid")?;
    let indexes = schema_sql(
        tx,
        &format!("type = 'index' AND tbl_name IN ({}) ORDER BY rowid", names.join(", ")),
    )?;
    for (kind, name, _) in &dependents {
        tx.execute_batch(&format!("DROP {} \"{name}\"", kind.to_uppercase()))?;
    }
    for (table, columns, without_rowid, instants) in TABLES {
        let wanted: Vec<String> = column_names(tx, table)?;
        let copied: Vec<String> = wanted
            .iter()
            .map(|c| {
                if instants.contains(&c.as_str()) {
                    seconds(c)
                } else if *table == "log" && c == "kind" {
                    kind_code("kind")
                } else {
                    format!("\"{c}\"")
                }
            })
            .collect();
        let new = format!("seconds_{table}");
        let rowid = if *without_rowid { " WITHOUT ROWID" } else { "" };
        tx.execute_batch(&format!(
            "CREATE TABLE {new} ({columns}){rowid};
             INSERT INTO {new} ({}) SELECT {} FROM \"{table}\";
             DROP TABLE \"{table}\";
             ALTER TABLE {new} RENAME TO \"{table}\";",
            wanted.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "),
            copied.join(", "),
        ))?;
    }
    for (_, _, sql) in indexes.iter().chain(&dependents) {
        tx.execute_batch(sql)?;
    }
    // What named a kind by its text names it by its code now.
    tx.execute_batch(&format!(
        "DROP INDEX IF EXISTS log_status_at;
         CREATE INDEX log_status_at ON log(at) WHERE kind = {STATUS_KIND};
         DROP VIEW IF EXISTS log_entries;
         {};",
        LOG_ENTRIES.replace("KIND", &kind_name("kind"))
    ))?;
    Ok(())
}

/// `(type, name, sql)` of the schema's objects matching `filter` (those with SQL of their own).
fn schema_sql(tx: &Transaction, filter: &str) -> rusqlite::Result<Vec<(String, String, String)>> {
    tx.prepare(&format!(
        "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND {filter}"
    ))?
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
    .collect()
}

fn column_names(tx: &Transaction, table: &str) -> rusqlite::Result<Vec<String>> {
    tx.prepare(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))?
        .query_map([], |r| r.get(0))?
        .collect()
}

/// The SQL of `column`'s value as seconds: NULL when it is no instant. Seconds already (a file
/// a test took back to an older version holds them, as integers or digits) are kept; a leap
/// second (`:60`, which chrono parses and SQLite does not) is the second before, as `rows::ts`
/// stores it now. In the log it stays refused: its link covers the `:60` text.
fn seconds(column: &str) -> String {
    format!(
        "CASE WHEN typeof(\"{column}\") = 'integer' THEN \"{column}\"
              WHEN \"{column}\" GLOB '[0-9]*' AND \"{column}\" NOT GLOB '*[^0-9]*' THEN CAST(\"{column}\" AS INTEGER)
              WHEN \"{column}\" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:60*'
                  THEN unixepoch(substr(\"{column}\", 1, 17) || '59' || substr(\"{column}\", 20))
              WHEN \"{column}\" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*' THEN unixepoch(\"{column}\") END"
    )
}

/// The SQL of a kind's code: NULL for a name without one (a code already is kept).
fn kind_code(column: &str) -> String {
    let arms: String = LOG_KINDS
        .iter()
        .enumerate()
        .map(|(i, k)| format!(" WHEN '{k}' THEN {i}"))
        .collect();
    format!("CASE WHEN typeof({column}) = 'integer' THEN {column} ELSE CASE {column}{arms} END END")
}

/// The SQL of a code's kind name.
fn kind_name(column: &str) -> String {
    let arms: String = LOG_KINDS
        .iter()
        .enumerate()
        .map(|(i, k)| format!(" WHEN {i} THEN '{k}'"))
        .collect();
    format!("CASE {column}{arms} ELSE {column} END")
}

fn refuse_unknown_kinds(tx: &Transaction) -> HookResult {
    let found: Option<String> = tx
        .prepare(&format!(
            "SELECT quote(kind) FROM log WHERE ({}) IS NULL LIMIT 1",
            kind_code("kind")
        ))?
        .query_row([], |r| r.get(0))
        .optional()?;
    match found {
        Some(kind) => Err(HookError::Hook(format!(
            "log.kind holds {kind}, a kind of entry this version does not know; the database was left as it was"
        ))),
        None => Ok(()),
    }
}

/// Stops the migration at the first value of `instants` in `table` that is not an instant the
/// store wrote (or, in the log, not the exact text its chain covers), naming it.
fn refuse_unconvertible(tx: &Transaction, table: &str, instants: &[&str]) -> HookResult {
    for column in instants {
        let mut bad = format!("({}) IS NULL", seconds(column));
        if table == "log" {
            bad.push_str(&format!(
                " OR \"{column}\" GLOB '*-*' AND strftime('%Y-%m-%dT%H:%M:%SZ', \"{column}\") IS NOT \"{column}\""
            ));
        }
        let found: Option<String> = tx
            .prepare(&format!(
                "SELECT quote(\"{column}\") FROM \"{table}\" WHERE \"{column}\" IS NOT NULL AND ({bad}) LIMIT 1"
            ))?
            .query_row([], |r| r.get(0))
            .optional()?;
        if let Some(value) = found {
            return Err(HookError::Hook(format!(
                "{table}.{column} holds {value}, which is not an instant as Promptly stores it; \
                 the database was left as it was"
            )));
        }
    }
    Ok(())
}

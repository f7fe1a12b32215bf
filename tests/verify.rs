//! `promptly verify` and the log's hash chain: a sound database has no findings, and every way of
//! tampering with the log or the clocks behind Promptly's back is found.

pub mod common;

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::Output;

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

/// A database with demo tickets and histories.
fn demo() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let out = run(
        &path,
        &["--now", "2026-11-20 18:00", "demo", "--tickets", "40", "--seed", "3"],
    );
    assert!(out.status.success(), "{out:?}");
    Db { _dir: dir, path }
}

fn run(db: &Path, args: &[&str]) -> Output {
    common::promptly(db, "en").args(args).output().unwrap()
}

fn verify(db: &Db) -> (i32, String) {
    let out = run(&db.path, &["--now", "2026-11-20 18:00", "verify"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn raw(db: &Db) -> Connection {
    Connection::open(&db.path).unwrap()
}

/// (id, ticket) of a log entry in the middle of the log.
fn middle_entry(conn: &Connection) -> (i64, i64) {
    conn.query_row(
        "SELECT id, ticket_id FROM log ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM log)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

#[test]
fn a_sound_database_has_no_findings() {
    let db = demo();
    let (code, text) = verify(&db);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("No findings"), "{text}");
    assert!(text.contains("log entries"), "{text}");
}

#[test]
fn insert_or_replace_cannot_rewrite_an_entry() {
    if common::file_only(
        "insert_or_replace_cannot_rewrite_an_entry",
        "tampers through SQLite (on a server only a rewritten entry is tried, tests/desk_backends.rs; triggers and privileges: tests/pg_schema.rs)",
    ) {
        return;
    }
    let db = demo();
    let conn = raw(&db);
    let (id, ticket) = middle_entry(&conn);
    for verb in ["INSERT OR REPLACE INTO", "REPLACE INTO"] {
        let sql = format!(
            "{verb} log(id, ticket_id, at, author, kind, data, body, hash)
             SELECT id, ticket_id, at, author, kind, data, 'rewritten', hash FROM log WHERE id = ?1"
        );
        let err = conn.execute(&sql, [id]).expect_err("reusing an id must be refused");
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    let body: String = conn
        .query_row("SELECT body FROM log WHERE id = ?1", [id], |r| r.get(0))
        .unwrap();
    assert_ne!(body, "rewritten");
    let (code, text) = verify(&db);
    assert_eq!(code, 0, "ticket {ticket}: {text}");
}

#[test]
fn an_update_after_dropping_the_trigger_is_found() {
    if common::file_only(
        "an_update_after_dropping_the_trigger_is_found",
        "tampers through SQLite (on a server only a rewritten entry is tried, tests/desk_backends.rs; triggers and privileges: tests/pg_schema.rs)",
    ) {
        return;
    }
    let db = demo();
    let conn = raw(&db);
    let (id, ticket) = middle_entry(&conn);
    conn.execute_batch("DROP TRIGGER log_is_append_only_update").unwrap();
    conn.execute("UPDATE log SET body = 'rewritten' WHERE id = ?1", [id])
        .unwrap();
    let (code, text) = verify(&db);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("log_is_append_only_update"), "{text}");
    assert!(text.contains(&format!("log entry {id} (ticket #{ticket})")), "{text}");
}

#[test]
fn a_deleted_entry_is_found() {
    if common::file_only(
        "a_deleted_entry_is_found",
        "tampers through SQLite (on a server only a rewritten entry is tried, tests/desk_backends.rs; triggers and privileges: tests/pg_schema.rs)",
    ) {
        return;
    }
    let db = demo();
    let conn = raw(&db);
    let (id, _) = middle_entry(&conn);
    conn.execute_batch("DROP TRIGGER log_is_append_only_delete").unwrap();
    conn.execute("DELETE FROM log WHERE id = ?1", [id]).unwrap();
    let next: i64 = conn
        .query_row("SELECT min(id) FROM log WHERE id > ?1", [id], |r| r.get(0))
        .unwrap();
    let (code, text) = verify(&db);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains(&format!("log entry {next} ")), "{text}");
}

#[test]
fn a_deleted_last_entry_is_found() {
    if common::file_only(
        "a_deleted_last_entry_is_found",
        "tampers through SQLite (on a server only a rewritten entry is tried, tests/desk_backends.rs; triggers and privileges: tests/pg_schema.rs)",
    ) {
        return;
    }
    let db = demo();
    let conn = raw(&db);
    conn.execute_batch("DROP TRIGGER log_is_append_only_delete").unwrap();
    conn.execute("DELETE FROM log WHERE id = (SELECT max(id) FROM log)", [])
        .unwrap();
    let (code, text) = verify(&db);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("entries at the end were deleted"), "{text}");
}

#[test]
fn reordered_entries_are_found() {
    if common::file_only(
        "reordered_entries_are_found",
        "tampers through SQLite (on a server only a rewritten entry is tried, tests/desk_backends.rs; triggers and privileges: tests/pg_schema.rs)",
    ) {
        return;
    }
    let db = demo();
    let conn = raw(&db);
    let id: i64 = conn
        .query_row(
            "SELECT a.id FROM log a JOIN log b ON b.id = a.id + 1 WHERE a.at <> b.at ORDER BY a.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute_batch("DROP TRIGGER log_is_append_only_update").unwrap();
    // Swap the times of two neighbours: the same entries, in another order.
    conn.execute(
        "UPDATE log SET at = CASE id WHEN ?1 THEN (SELECT at FROM log WHERE id = ?1 + 1)
                                       ELSE (SELECT at FROM log WHERE id = ?1) END
         WHERE id IN (?1, ?1 + 1)",
        [id],
    )
    .unwrap();
    let (code, text) = verify(&db);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains(&format!("log entry {id} ")), "{text}");
}

#[test]
fn a_tampered_clock_row_is_found() {
    if common::file_only(
        "a_tampered_clock_row_is_found",
        "tampers through SQLite (on a server only a rewritten entry is tried, tests/desk_backends.rs; triggers and privileges: tests/pg_schema.rs)",
    ) {
        return;
    }
    let db = demo();
    let conn = raw(&db);
    let ticket: i64 = conn
        .query_row(
            "SELECT ticket_id FROM clocks WHERE met_at IS NOT NULL LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "UPDATE clocks SET met_at = unixepoch('2000-01-01T00:00:00Z') WHERE ticket_id = ?1 AND met_at IS NOT NULL",
        [ticket],
    )
    .unwrap();
    let (code, text) = verify(&db);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains(&format!("ticket #{ticket}: stored clock")), "{text}");
}

#[test]
fn a_missing_database_is_refused_not_created() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let path = dir.path().join("nope.db");
    let out = run(&path, &["verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!path.exists());
}

#[test]
fn an_older_database_is_chained_once_on_upgrade() {
    if common::file_only(
        "an_older_database_is_chained_once_on_upgrade",
        "tampers through SQLite (on a server only a rewritten entry is tried, tests/desk_backends.rs; triggers and privileges: tests/pg_schema.rs)",
    ) {
        return;
    }
    let db = demo();
    {
        // Back to schema 3, as an older Promptly left it: no hashes, no new triggers, every
        // entry's data inline, the old index by ticket.
        let conn = raw(&db);
        conn.execute_batch(
            "DROP TRIGGER nearest_after_clock_insert; DROP TRIGGER nearest_after_clock_delete;
             DROP TRIGGER nearest_after_clock_update; DROP TRIGGER nearest_after_ticket_update;
             DROP TRIGGER nearest_after_ticket_delete; DROP TRIGGER nearest_after_customer_update;
             DROP TABLE nearest_deadlines; DROP VIEW nearest_deadline_rows;
             DROP TRIGGER log_is_append_only_update;
             DROP VIEW log_entries;
             UPDATE log SET data = (SELECT d.data FROM log_data d WHERE d.id = log.data_ref)
                 WHERE data_ref IS NOT NULL;
             ALTER TABLE log DROP COLUMN data_ref;
             DROP TABLE log_data;
             DROP INDEX log_by_ticket;
             CREATE INDEX log_ticket ON log(ticket_id, at, id);
             CREATE TRIGGER log_is_append_only_update BEFORE UPDATE ON log
             BEGIN SELECT RAISE(ABORT, 'the follow-up log is append-only: entries cannot be changed'); END;
             DROP TRIGGER log_ids_are_never_reused;
             DROP TRIGGER log_entries_are_chained;
             ALTER TABLE log DROP COLUMN hash;
             DELETE FROM meta WHERE key = 'log_head';
             DROP TABLE promises;
             DROP TRIGGER tally_unjudged_insert;
             DROP TRIGGER tally_unjudged_delete;
             DROP TRIGGER tally_unjudged_update;
             DROP TABLE tallies;
             DROP INDEX clocks_late_unrecorded;
             DROP TABLE callback_calls;
             DROP INDEX clocks_unjudged_breach_metric;
             DROP INDEX clocks_late_unrecorded_metric;
             DROP INDEX tickets_external_id;
             ALTER TABLE tickets DROP COLUMN external_id;
             DROP TABLE imported_breaches;
             DROP TABLE mail;
             DROP INDEX customers_email;
             DROP INDEX tickets_owner;
             DROP TABLE agents;
             ALTER TABLE tickets DROP COLUMN owner;
             PRAGMA user_version = 3;",
        )
        .unwrap();
    }
    let (code, text) = verify(&db);
    assert_eq!(code, 0, "{text}");
    let conn = raw(&db);
    let unchained: i64 = conn
        .query_row("SELECT count(*) FROM log WHERE hash IS NULL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(unchained, 0);
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, promptly::store::schema::latest_version());
    // Entries written before migration 7 keep their data inline, and read as before.
    let inline: i64 = conn
        .query_row(
            "SELECT count(*) FROM log WHERE data_ref IS NULL AND data LIKE '{%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let all: i64 = conn.query_row("SELECT count(*) FROM log", [], |r| r.get(0)).unwrap();
    assert_eq!(inline, all);
    let out = run(&db.path, &["--now", "2026-11-20 18:00", "show", "1"]);
    assert!(out.status.success(), "{out:?}");
    // The breach tally starts from what the upgraded file holds.
    let (tally, counted): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT n FROM tallies WHERE name = 'unjudged_breaches'),
                    (SELECT count(*) FROM clocks WHERE breached_at IS NOT NULL AND judged = 0)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(tally, counted);
}

#[test]
fn shared_entry_data_is_kept_as_written_and_a_change_is_found() {
    if common::file_only(
        "shared_entry_data_is_kept_as_written_and_a_change_is_found",
        "tampers through SQLite (on a server only a rewritten entry is tried, tests/desk_backends.rs; triggers and privileges: tests/pg_schema.rs)",
    ) {
        return;
    }
    let db = demo();
    let conn = raw(&db);
    let (shared, entries): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM log_data), (SELECT count(*) FROM log WHERE data_ref IS NOT NULL)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(shared > 0 && shared < entries, "{shared} texts for {entries} entries");
    let err = conn
        .execute("UPDATE log_data SET data = '{\"event\":\"note\"}' WHERE id = 1", [])
        .expect_err("shared data is append-only");
    assert!(err.to_string().contains("append-only"), "{err}");
    conn.execute("DELETE FROM log_data WHERE id = 1", [])
        .expect_err("shared data is append-only");
    // Behind the trigger's back: every entry naming the text no longer matches its hash.
    conn.execute_batch(
        "DROP TRIGGER log_data_is_kept_update;
         UPDATE log_data SET data = data || ' ' WHERE id = (SELECT min(data_ref) FROM log);",
    )
    .unwrap();
    let (code, text) = verify(&db);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("log_data_is_kept_update"), "{text}");
    assert!(text.contains("log entry"), "{text}");
}

#[test]
fn a_skewed_unjudged_breach_tally_is_found() {
    if common::file_only(
        "a_skewed_unjudged_breach_tally_is_found",
        "tampers through SQLite (on a server only a rewritten entry is tried, tests/desk_backends.rs; triggers and privileges: tests/pg_schema.rs)",
    ) {
        return;
    }
    let db = demo();
    let (code, text) = verify(&db);
    assert_eq!(code, 0, "{text}");
    // A write that bypassed the triggers: the header would show a wrong count.
    raw(&db)
        .execute("UPDATE tallies SET n = n + 3 WHERE name = 'unjudged_breaches'", [])
        .unwrap();
    let (code, text) = verify(&db);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("the kept count unjudged_breaches says"), "{text}");
}

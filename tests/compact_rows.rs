//! Migration 15: instants as integer seconds, log entry kinds as codes, new log hashes 16 bytes. `tests/golden/v14` holds a
//! database as the last build before it left it (a 24-ticket demo, a judgement, an agent, a
//! mail, a callback call; made by commit cf4a789) and what that build printed for it, but one
//! change made on purpose since: `callback_list.txt`'s "Customer" heading, which that build cut
//! to "Cus…" (e4d19f0: a column is as wide as its heading at least).

pub mod common;

use common::promptly;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-24T02:00:00Z";

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/v14")
}

/// A copy of the version-14 database in a fresh folder (with an empty config beside it).
fn old_copy(dir: &Path) -> PathBuf {
    let db = dir.join("desk.db");
    std::fs::copy(golden().join("desk.db"), &db).unwrap();
    std::fs::write(dir.join("config.toml"), "").unwrap();
    db
}

fn run(db: &Path, args: &[&str]) -> (i32, String) {
    let out = promptly(db, "en").args(["--now", NOW]).args(args).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

fn one(db: &Path, sql: &str) -> String {
    Connection::open(db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn an_old_database_reads_as_before_and_its_log_still_proves_itself() {
    if common::file_only(
        "an_old_database_reads_as_before_and_its_log_still_proves_itself",
        "an old SQLite file's migration (a server's schema starts at this version)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = old_copy(dir.path());
    assert_eq!(one(&db, "SELECT typeof(at) FROM log LIMIT 1"), "text");
    for (args, file) in [
        (&["list", "--json"][..], "list___json.txt"),
        (&["list", "--overdue"], "list___overdue.txt"),
        (&["show", "19"], "show_19.txt"),
        (&["show", "25"], "show_25.txt"),
        (&["review", "list", "--json"], "review_list___json.txt"),
        (
            &["report", "monthly", "--format", "json"],
            "report_monthly___format_json.txt",
        ),
        (&["callback", "list"], "callback_list.txt"),
        (&["agent", "list"], "agent_list.txt"),
    ] {
        let (code, text) = run(&db, args);
        assert_eq!(code, 0, "{args:?}: {text}");
        let want = std::fs::read_to_string(golden().join(file)).unwrap();
        assert_eq!(text, want, "{args:?} printed otherwise than version 14 did");
    }
    let out = dir.path().join("export.jsonl");
    let (code, text) = run(
        &db,
        &["export", "--all", "--format", "jsonl", "--out", out.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        std::fs::read_to_string(golden().join("export.jsonl")).unwrap()
    );
    // Every instant of every table is seconds now.
    for (table, column) in [
        ("tickets", "opened_at"),
        ("tickets", "closed_at"),
        ("log", "at"),
        ("clocks", "due_at"),
        ("clocks", "breached_at"),
        ("reviews", "judged_at"),
        ("callback_samples", "drawn_at"),
        ("callbacks", "done_at"),
        ("callback_calls", "at"),
        ("nearest_deadlines", "due_at"),
        ("mail", "at"),
        ("agents", "added_at"),
    ] {
        let kinds = one(
            &db,
            &format!("SELECT group_concat(DISTINCT typeof({column})) FROM {table} WHERE {column} IS NOT NULL"),
        );
        assert_eq!(kinds, "integer", "{table}.{column}");
    }
    // Kinds are codes; the view for reading by hand names them.
    assert_eq!(
        one(&db, "SELECT group_concat(DISTINCT typeof(kind)) FROM log"),
        "integer"
    );
    assert_eq!(one(&db, "SELECT kind FROM log_entries WHERE id = 1"), "opened");
    // The old entries keep their 32-byte hashes, a new one takes 16, and the chain holds.
    let (code, text) = run(&db, &["log", "19", "called the customer back"]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        one(
            &db,
            "SELECT group_concat(DISTINCT length(hash)) FROM log WHERE id < (SELECT max(id) FROM log)"
        ),
        "32"
    );
    assert_eq!(
        one(&db, "SELECT length(hash) || '' FROM log ORDER BY id DESC LIMIT 1"),
        "16"
    );
    let (code, text) = run(&db, &["verify"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("No findings"), "{text}");
    // The indexes, triggers and views came back: the log still refuses a change.
    let conn = Connection::open(&db).unwrap();
    assert!(conn.execute("UPDATE log SET body = 'x' WHERE id = 1", []).is_err());
    assert!(conn.execute("DELETE FROM log WHERE id = 1", []).is_err());
    let plan: Vec<String> = conn
        .prepare("EXPLAIN QUERY PLAN SELECT ticket_id FROM clocks WHERE due_at < 5")
        .unwrap()
        .query_map([], |r| r.get(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let plan = plan.join("\n");
    assert!(plan.contains("INDEX clocks_due (due_at<?)"), "{plan}");
    // The reports' status moves still read their partial index, now named by the code.
    let status: Vec<String> = conn
        .prepare("EXPLAIN QUERY PLAN SELECT id FROM log WHERE kind = 4 AND at >= 0 AND at < 5")
        .unwrap()
        .query_map([], |r| r.get(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(status.join("\n").contains("INDEX log_status_at"), "{status:?}");
}

#[test]
fn a_value_that_is_no_instant_stops_the_migration_and_the_file_stays_as_it_was() {
    if common::file_only(
        "a_value_that_is_no_instant_stops_the_migration_and_the_file_stays_as_it_was",
        "an old SQLite file's migration (a server's schema starts at this version)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = old_copy(dir.path());
    Connection::open(&db)
        .unwrap()
        .execute("UPDATE tickets SET closed_at = 'last Tuesday' WHERE id = 3", [])
        .unwrap();
    // A leap second outside the log reads as the second before it.
    Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE tickets SET updated_at = '2026-11-24T01:30:60Z' WHERE id = 4",
            [],
        )
        .unwrap();
    let (code, text) = run(&db, &["list"]);
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("tickets.closed_at holds 'last Tuesday'"), "{text}");
    // Nothing was converted: the migration's one transaction was rolled back.
    assert_eq!(one(&db, "SELECT user_version || '' FROM pragma_user_version"), "14");
    assert_eq!(one(&db, "SELECT closed_at FROM tickets WHERE id = 3"), "last Tuesday");
    assert_eq!(one(&db, "SELECT typeof(at) FROM log LIMIT 1"), "text");
    // A log entry's instant must be the text its link covers, to the letter.
    let second = dir.path().join("second");
    std::fs::create_dir(&second).unwrap();
    let db = old_copy(&second);
    Connection::open(&db)
        .unwrap()
        .execute_batch(
            "DROP TRIGGER log_is_append_only_update;
             UPDATE log SET at = '2026-11-23T10:00:00+08:00' WHERE id = 2;",
        )
        .unwrap();
    let (code, text) = run(&db, &["verify"]);
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("log.at holds '2026-11-23T10:00:00+08:00'"), "{text}");
    // A kind of entry this version has no code for.
    let third = dir.path().join("third");
    std::fs::create_dir(&third).unwrap();
    let db = old_copy(&third);
    Connection::open(&db)
        .unwrap()
        .execute_batch("DROP TRIGGER log_is_append_only_update; UPDATE log SET kind = 'gossip' WHERE id = 3;")
        .unwrap();
    let (code, text) = run(&db, &["verify"]);
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("log.kind holds 'gossip'"), "{text}");
    assert_eq!(one(&db, "SELECT kind FROM log WHERE id = 3"), "gossip");
}

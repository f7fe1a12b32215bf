//! `promptly backup` and `promptly restore` through the real binary: a copy taken while another
//! process writes passes `verify`, holds what is still in the -wal, is private and rotated;
//! a restore checks the file, refuses a database another process has open, and keeps the
//! replaced one aside.

pub mod common;
#[path = "common/tmux.rs"]
mod tmux;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Exit code, stdout and stderr of `promptly --db DB ARGS` (stdin empty, no terminal).
fn run(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = common::promptly(db, "en")
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(db: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(db, args);
    assert_eq!(code, 0, "{args:?}: {out}{err}");
    out
}

/// A database with one ticket per title, and its config beside it.
fn desk(dir: &Path, name: &str, titles: &[&str]) -> PathBuf {
    let db = dir.join(name);
    std::fs::write(dir.join("config.toml"), "").unwrap();
    ok(&db, &["init"]);
    for title in titles {
        ok(&db, &["new", "--title", title]);
    }
    db
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn titles(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut stmt = conn.prepare("SELECT title FROM tickets ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[test]
fn a_backup_taken_during_a_write_storm_passes_verify() {
    if common::file_only(
        "a_backup_taken_during_a_write_storm_passes_verify",
        "backup and restore copy the SQLite file (a server is backed up with pg_dump)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    ok(&db, &["demo", "--tickets", "300"]);
    let created: serde_json::Value = serde_json::from_str(&ok(&db, &["new", "--title", "storm", "--json"])).unwrap();
    let id = created["id"].as_i64().unwrap().to_string();
    let before = count(&db, "SELECT count(*) FROM log");

    // Another process at a time logs follow-ups, one after another, until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let (started, first_write) = std::sync::mpsc::channel();
    let writer = std::thread::spawn({
        let (db, stop, id) = (db.clone(), stop.clone(), id.clone());
        move || {
            let mut failures = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let (code, out, err) = run(&db, &["log", &id, &format!("storm {n}")]);
                if code != 0 {
                    failures.push(format!("{out}{err}"));
                }
                n += 1;
                let _ = started.send(());
            }
            (n, failures)
        }
    });
    first_write.recv().unwrap();
    let copies: Vec<PathBuf> = (0..3).map(|i| dir.path().join(format!("copy-{i}.db"))).collect();
    for copy in &copies {
        let out = ok(&db, &["backup", copy.to_str().unwrap()]);
        assert!(out.contains("passed the checks"), "{out}");
    }
    stop.store(true, Ordering::SeqCst);
    let (writes, failures) = writer.join().unwrap();
    assert!(failures.is_empty(), "writes refused during the backups: {failures:?}");
    assert!(writes >= 1);

    for copy in &copies {
        let out = ok(copy, &["verify"]);
        assert!(out.contains("No findings"), "{out}");
        // Everything written before the backup began, the storm's first entry included.
        assert!(count(copy, "SELECT count(*) FROM log") > before);
        assert_eq!(count(copy, "SELECT count(*) FROM tickets"), 301);
        // One self-contained file, readable by its owner only.
        assert!(!with_suffix(copy, "-wal").exists());
        #[cfg(unix)]
        assert_eq!(mode(copy), 0o600, "{}", copy.display());
    }
}

#[test]
fn a_backup_holds_what_is_still_in_the_wal() {
    if common::file_only(
        "a_backup_holds_what_is_still_in_the_wal",
        "backup and restore copy the SQLite file (a server is backed up with pg_dump)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = desk(dir.path(), "desk.db", &[]);
    // While this connection is open, the writers' commits stay in the -wal: the last
    // connection to close is the one that moves them into the file.
    let holder = rusqlite::Connection::open(&db).unwrap();
    let _: i64 = holder
        .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
        .unwrap();
    for title in ["one", "two", "three", "four"] {
        ok(&db, &["new", "--title", title]);
    }
    // What copying the file alone gets (the 1 of 4 tickets).
    let raw = dir.path().join("raw.db");
    std::fs::copy(&db, &raw).unwrap();
    assert!(count(&raw, "SELECT count(*) FROM tickets") < 4);

    let copy = dir.path().join("copy.db");
    ok(&db, &["backup", copy.to_str().unwrap()]);
    drop(holder);
    assert_eq!(titles(&copy), ["one", "two", "three", "four"]);
}

#[test]
fn backups_are_private_named_by_time_never_overwritten_and_rotated() {
    if common::file_only(
        "backups_are_private_named_by_time_never_overwritten_and_rotated",
        "backup and restore copy the SQLite file (a server is backed up with pg_dump)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = desk(dir.path(), "desk.db", &["kettle"]);
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    // Not ours: rotation leaves them.
    for other in ["notes.txt", "promptly-manual.db"] {
        std::fs::write(backups.join(other), "keep me").unwrap();
    }
    for hour in ["10", "11", "12", "13"] {
        let now = format!("2026-12-03T{hour}:22:33Z");
        ok(&db, &["--now", &now, "backup", "--keep", "2"]);
    }
    let expected: BTreeSet<String> = [
        "notes.txt",
        "promptly-manual.db",
        "promptly-20261203T122233Z.db",
        "promptly-20261203T132233Z.db",
    ]
    .map(String::from)
    .into();
    assert_eq!(names(&backups), expected);
    let newest = backups.join("promptly-20261203T132233Z.db");
    assert_eq!(titles(&newest), ["kettle"]);
    #[cfg(unix)]
    assert_eq!(mode(&newest), 0o600);

    // The same name again: refused, the file untouched; --force replaces it.
    ok(&db, &["new", "--title", "toaster"]);
    let (code, _, err) = run(&db, &["--now", "2026-12-03T13:22:33Z", "backup"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(titles(&newest), ["kettle"]);
    ok(&db, &["--now", "2026-12-03T13:22:33Z", "backup", "--force"]);
    assert_eq!(titles(&newest), ["kettle", "toaster"]);
    // No copy over the database itself, even with --force.
    let (code, _, err) = run(&db, &["backup", db.to_str().unwrap(), "--force"]);
    assert_eq!(code, 1, "{err}");
    // Nor over what is not a regular file (run as root, a rename replaces /dev/null itself).
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&newest, dir.path().join("link.db")).unwrap();
    for target in ["folder", "link.db"] {
        let (code, _, err) = run(&db, &["backup", dir.path().join(target).to_str().unwrap(), "--force"]);
        assert_eq!(code, 1, "{target}: {err}");
        assert!(err.contains("not a regular file"), "{target}: {err}");
    }
    assert!(folder.is_dir());
    assert_eq!(titles(&newest), ["kettle", "toaster"]);
    assert!(names(&backups).iter().all(|n| !n.ends_with(".part")));
}

#[cfg(unix)]
#[test]
fn the_default_backups_folder_is_private() {
    if common::file_only(
        "the_default_backups_folder_is_private",
        "backup and restore copy the SQLite file (a server is backed up with pg_dump)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = desk(dir.path(), "desk.db", &["kettle"]);
    ok(&db, &["backup"]);
    assert_eq!(mode(&dir.path().join("backups")), 0o700);
}

#[test]
fn a_backup_of_a_missing_database_is_refused_and_creates_nothing() {
    if common::file_only(
        "a_backup_of_a_missing_database_is_refused_and_creates_nothing",
        "backup and restore copy the SQLite file (a server is backed up with pg_dump)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let before = names(dir.path());
    let db = dir.path().join("typo").join("desk.db");
    let out = common::promptly(&db, "en")
        .env("PROMPTLY_CONFIG", dir.path().join("config.toml"))
        .arg("backup")
        .output()
        .unwrap();
    let (code, err) = (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no database"), "{err}");
    let (code, _, _) = run(&dir.path().join("desk.db"), &["backup", "copy.db"]);
    assert_eq!(code, 1);
    assert_eq!(names(dir.path()), before);
}

#[test]
fn restore_keeps_the_replaced_database_aside_with_its_wal() {
    if common::file_only(
        "restore_keeps_the_replaced_database_aside_with_its_wal",
        "backup and restore copy the SQLite file (a server is backed up with pg_dump)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let source = desk(other.path(), "other.db", &["from the backup"]);
    let backup = dir.path().join("backup.db");
    ok(&source, &["backup", backup.to_str().unwrap()]);
    let db = desk(dir.path(), "desk.db", &["old one", "old two"]);
    // A last change left in the -wal (as after a crash): it must reach the copy kept aside.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        assert!(
            !conn
                .db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE)
                .unwrap()
        );
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .unwrap();
        conn.execute("INSERT INTO meta(key, value) VALUES ('wal-marker', 'x')", [])
            .unwrap();
    }
    assert!(with_suffix(&db, "-wal").metadata().unwrap().len() > 0);

    let out = ok(
        &db,
        &[
            "--now",
            "2026-12-03T11:22:33Z",
            "restore",
            backup.to_str().unwrap(),
            "--yes",
        ],
    );
    let aside = dir.path().join("desk.db.replaced-20261203T112233Z");
    assert!(out.contains("kept as"), "{out}");
    assert_eq!(titles(&db), ["from the backup"]);
    assert_eq!(count(&db, "SELECT count(*) FROM meta WHERE key = 'wal-marker'"), 0);
    assert_eq!(titles(&aside), ["old one", "old two"]);
    assert_eq!(count(&aside, "SELECT count(*) FROM meta WHERE key = 'wal-marker'"), 1);
    // No -wal of the old database is left to be read into the new one.
    assert!(!with_suffix(&db, "-wal").exists());
    ok(&db, &["verify"]);
    ok(&aside, &["verify"]);
    #[cfg(unix)]
    {
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&aside), 0o600);
    }
    // The backup itself was only read.
    assert_eq!(titles(&backup), ["from the backup"]);
    // Nothing else was left behind.
    let expected: BTreeSet<String> = [
        "backup.db",
        "config.toml",
        "desk.db",
        "desk.db.replaced-20261203T112233Z",
    ]
    .map(String::from)
    .into();
    assert_eq!(names(dir.path()), expected);
    // A restore into a database that does not exist yet creates it.
    let fresh = dir.path().join("fresh.db");
    ok(&fresh, &["restore", backup.to_str().unwrap(), "--yes"]);
    assert_eq!(titles(&fresh), ["from the backup"]);
}

#[test]
fn restore_refuses_a_database_another_process_holds_and_writes_nothing() {
    if common::file_only(
        "restore_refuses_a_database_another_process_holds_and_writes_nothing",
        "backup and restore copy the SQLite file (a server is backed up with pg_dump)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let source = desk(other.path(), "other.db", &["from the backup"]);
    let backup = dir.path().join("backup.db");
    ok(&source, &["backup", backup.to_str().unwrap()]);
    let db = desk(dir.path(), "desk.db", &["current"]);

    let bytes = std::fs::read(&db).unwrap();
    // This test process is the other process: it has the database open, as the board would.
    // (While it does, it must not open the file otherwise: closing any descriptor on it drops
    // all of this process's POSIX locks, SQLite's included.)
    let holder = rusqlite::Connection::open(&db).unwrap();
    let _: i64 = holder
        .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
        .unwrap();
    let before = names(dir.path());
    let (code, _, err) = run(&db, &["restore", backup.to_str().unwrap(), "--yes"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("open in another process"), "{err}");
    assert_eq!(names(dir.path()), before);
    drop(holder);
    assert_eq!(std::fs::read(&db).unwrap(), bytes);

    // Closed, it goes through.
    ok(&db, &["restore", backup.to_str().unwrap(), "--yes"]);
    assert_eq!(titles(&db), ["from the backup"]);
}

#[test]
fn restore_refuses_a_board_that_has_the_database_open() {
    if common::file_only(
        "restore_refuses_a_board_that_has_the_database_open",
        "backup and restore copy the SQLite file (a server is backed up with pg_dump)",
    ) {
        return;
    }
    if !tmux::installed() {
        eprintln!("tmux not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let source = desk(other.path(), "other.db", &["from the backup"]);
    let backup = dir.path().join("backup.db");
    ok(&source, &["backup", backup.to_str().unwrap()]);
    let db = desk(dir.path(), "desk.db", &["on the board"]);
    let board = tmux::Session::board("promptly-restore-held", &db, &dir.path().join("config.toml"), 80, 24);
    board.wait_for("on the board", 10);
    let bytes = std::fs::read(&db).unwrap();
    let (code, _, err) = run(&db, &["restore", backup.to_str().unwrap(), "--yes"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("open in another process"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
    assert!(names(dir.path()).iter().all(|n| !n.contains("replaced")));
    board.keys(&["q"]);
}

#[test]
fn restore_refuses_a_bad_file_and_asks_first() {
    if common::file_only(
        "restore_refuses_a_bad_file_and_asks_first",
        "backup and restore copy the SQLite file (a server is backed up with pg_dump)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = desk(dir.path(), "desk.db", &["current"]);
    let bytes = std::fs::read(&db).unwrap();
    let refused = |file: &Path, args: &[&str], says: &str| {
        let before = names(dir.path());
        let (code, _, err) = run(&db, &[&["restore", file.to_str().unwrap()][..], args].concat());
        assert_eq!(code, 1, "{}: {err}", file.display());
        assert!(err.contains(says), "{}: {err}", file.display());
        assert_eq!(std::fs::read(&db).unwrap(), bytes);
        assert_eq!(names(dir.path()), before);
    };
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database").unwrap();
    refused(&text, &["--yes"], "not a SQLite database");
    let stranger = dir.path().join("stranger.db");
    rusqlite::Connection::open(&stranger)
        .unwrap()
        .execute_batch("CREATE TABLE t(x)")
        .unwrap();
    refused(&stranger, &["--yes"], "not a Promptly database");
    refused(&dir.path().join("missing.db"), &["--yes"], "No such file");

    // A backup whose log was rewritten behind the triggers' back.
    let tampered = dir.path().join("tampered.db");
    ok(&db, &["backup", tampered.to_str().unwrap()]);
    {
        let conn = rusqlite::Connection::open(&tampered).unwrap();
        conn.execute_batch("DROP TRIGGER log_is_append_only_update").unwrap();
        conn.execute(
            "UPDATE log SET body = 'rewritten' WHERE id = (SELECT min(id) FROM log)",
            [],
        )
        .unwrap();
    }
    refused(&tampered, &["--yes"], "did not pass the checks");

    // A sound file, but no terminal to ask on and no --yes.
    let good = dir.path().join("good.db");
    ok(&db, &["backup", good.to_str().unwrap()]);
    refused(&good, &[], "--yes");
}

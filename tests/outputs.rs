//! Files `report --output` and `export --out` write: never the database or SQLite's files
//! beside it (not even with `--force`), an existing file only with `--force`, written whole.

mod common;

use std::path::Path;

fn run(db: &Path, args: &[&str]) -> std::process::Output {
    common::promptly(db, "en").args(args).output().unwrap()
}

fn demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    assert!(run(&db, &["demo", "--tickets", "30"]).status.success());
    (dir, db)
}

#[test]
fn an_output_never_replaces_the_database() {
    let (dir, db) = demo();
    let before = std::fs::read(&db).unwrap();
    let wal = dir.path().join("desk.db-wal");
    for args in [
        vec!["report", "daily", "--format", "html", "-o", db.to_str().unwrap()],
        vec![
            "report",
            "daily",
            "--format",
            "csv",
            "-o",
            db.to_str().unwrap(),
            "--force",
        ],
        vec!["report", "daily", "-o", wal.to_str().unwrap(), "--force"],
        vec!["export", "--all", "--flat", "--out", db.to_str().unwrap(), "--force"],
    ] {
        let out = run(&db, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("is the database"), "{args:?}: {err}");
        assert_eq!(std::fs::read(&db).unwrap(), before, "{args:?} changed the database");
    }
    assert!(run(&db, &["list"]).status.success(), "the database still opens");
}

#[test]
fn a_report_replaces_an_existing_file_only_with_force() {
    let (dir, db) = demo();
    let file = dir.path().join("daily.csv");
    std::fs::write(&file, "keep me").unwrap();
    let out = run(
        &db,
        &["report", "daily", "--format", "csv", "-o", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    let out = run(
        &db,
        &[
            "report",
            "daily",
            "--format",
            "csv",
            "-o",
            file.to_str().unwrap(),
            "--force",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_ne!(std::fs::read_to_string(&file).unwrap(), "keep me");
    let new = dir.path().join("monthly.md");
    assert!(
        run(
            &db,
            &["report", "monthly", "--format", "md", "-o", new.to_str().unwrap()]
        )
        .status
        .success()
    );
    assert!(std::fs::read_to_string(&new).unwrap().contains('#'));
}

/// `review list --limit 0` shows the queue's counts, not "no breaches await".
#[test]
fn an_empty_page_of_the_review_queue_still_counts_it() {
    let (_dir, db) = demo();
    let out = run(
        &db,
        &["--now", "2026-12-04T00:00:00Z", "review", "list", "--limit", "0"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("awaiting judgement") && !text.contains("No breaches"),
        "{text}"
    );
}

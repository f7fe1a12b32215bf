//! Files `report --output` and `export --out` write: never the database or SQLite's files
//! beside it (not even with `--force`), an existing file only with `--force`, written whole.

pub mod common;

use std::path::Path;

fn run(db: &Path, args: &[&str]) -> std::process::Output {
    common::promptly(db, "en").args(args).output().unwrap()
}

/// The instant the fixture's demo is made at and the tests read it at (a demo made at the real
/// time and read at a fixed one passed or failed with the hour of the day).
const NOW: &str = "2026-12-04T00:00:00Z";

fn demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    assert!(run(&db, &["--now", NOW, "demo", "--tickets", "30"]).status.success());
    (dir, db)
}

#[test]
fn an_output_never_replaces_the_database() {
    if common::file_only(
        "an_output_never_replaces_the_database",
        "about the database file an output might overwrite",
    ) {
        return;
    }
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
    let out = run(&db, &["--now", NOW, "review", "list", "--limit", "0"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("awaiting judgement") && !text.contains("No breaches"),
        "{text}"
    );
}

/// `show` calls a clock met after its deadline breached, as the board does (it said "met").
#[test]
fn show_calls_a_clock_met_late_breached() {
    let (_dir, db) = demo();
    let found = common::sql(
        &db,
        "SELECT ticket_id, metric FROM clocks WHERE state = 'met' AND breached_at IS NOT NULL
         AND metric = 'plan' ORDER BY ticket_id LIMIT 1",
    );
    let row = found.first().expect("the demo has a solution plan met late");
    let (ticket, metric) = (row[0].clone().unwrap(), row[1].clone().unwrap());
    assert_eq!(metric, "plan");
    let out = run(&db, &["show", &ticket.to_string()]);
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("Solution plan"))
        .unwrap();
    assert!(line.contains("breached") && line.contains("met 20"), "{line}");
}

/// `show`'s log lines keep an event's whole text (it was cut at 30 columns: "phone: 1790… ").
#[test]
fn show_never_cuts_an_events_values() {
    let (_dir, db) = demo();
    let title = "A title long enough to be cut in a thirty column event";
    assert!(run(&db, &["edit", "5", "--title", title]).status.success());
    let out = run(&db, &["show", "5"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("title: "))
        .expect("the edit is logged");
    assert!(line.contains(&format!("-> {title}")), "{line}");
}

/// `callback list` has column headings; a sample of a month without closed tickets says so
/// without a dangling colon.
#[test]
fn callback_list_has_headings_and_an_empty_sample_reads_whole() {
    let (_dir, db) = demo();
    let out = run(&db, &["callback", "sample", "--month", "1970-01"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("nothing queued.") && !text.trim_end().ends_with(':'),
        "{text}"
    );
    assert!(run(&db, &["--now", NOW, "callback", "sample"]).status.success());
    let out = run(&db, &["--now", NOW, "callback", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or_default();
    assert!(first.contains("Customer") && first.contains("Phone"), "{text}");
}

/// A command's help lists its own options first and the options every command takes under
/// their own heading, in both languages.
#[test]
fn help_keeps_global_options_apart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    for (lang, own, global) in [("en", "Options:", "Global options:"), ("zh-CN", "选项：", "全局选项：")] {
        let out = common::promptly(&db, lang).args(["new", "--help"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let own_at = text.find(own).expect("own options");
        let global_at = text.find(global).unwrap_or_else(|| panic!("{lang}: {text}"));
        let title_at = own_at + text[own_at..].find("--title").unwrap();
        let db_at = own_at + text[own_at..].find("--db").unwrap();
        assert!(
            own_at < title_at && title_at < global_at && global_at < db_at,
            "{lang}: {text}"
        );
    }
}

/// Numbers and dates typed with an input method's full-width digits are read as ASCII ones.
#[test]
fn full_width_digits_are_read_as_numbers() {
    let (_dir, db) = demo();
    let out = run(&db, &["show", "２９"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("#29 "));
    let out = run(&db, &["report", "daily", "--date", "２０２６-１１-２０"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("2026-11-20"));
}

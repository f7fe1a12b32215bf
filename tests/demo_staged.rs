//! `demo` into a file that does not exist yet: built beside it with no journal, then put in
//! place whole. The result is the database the in-place fill makes, and a build that fails or
//! is cut short leaves the target as it was.

pub mod common;

use chrono::{TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::desk::demo::DemoShape;
use promptly::domain::policy::Policy;
use promptly::store::{Access, Sharing, Store, partial_path};
use rusqlite::Connection;
use std::path::Path;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

const SHAPE: DemoShape = DemoShape {
    tickets: 400,
    open: Some(60),
    seed: 4,
};

fn desk(store: Store) -> Desk {
    Desk::new(store, Policy::builtin(), Clock::frozen(now()), "tester")
}

/// What must be the same whichever way a demo was written: the chain's last link (it covers
/// every entry), the tallies, the schema's indexes and triggers (type, name, SQL), the row
/// counts.
type Fingerprint = (Vec<u8>, Vec<(String, i64)>, Vec<(String, String, String)>, Vec<i64>);

fn fingerprint(path: &Path) -> Fingerprint {
    let conn = Connection::open(path).unwrap();
    let head = conn
        .query_row("SELECT hash FROM log ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let tallies = conn
        .prepare("SELECT name, n FROM tallies ORDER BY name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let schema = conn
        .prepare("SELECT type, name, sql FROM sqlite_schema WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let counts = ["tickets", "log", "clocks", "reviews", "customers", "log_data", "meta"]
        .iter()
        .map(|t| {
            conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        })
        .collect();
    (head, tallies, schema, counts)
}

#[test]
fn a_staged_demo_is_the_database_the_in_place_fill_makes() {
    let dir = tempfile::tempdir().unwrap();
    let in_place = dir.path().join("in-place.db");
    desk(Store::open(&in_place, Access::Create).unwrap())
        .fill_demo_shaped(SHAPE)
        .unwrap();

    let target = dir.path().join("staged.db");
    let mut staged = desk(Store::stage_new(&target, Sharing::Private).unwrap());
    staged.fill_demo_shaped(SHAPE).unwrap();
    assert!(!target.exists(), "nothing at the target until it is whole");
    assert!(partial_path(&target).exists());
    staged.into_store().put_in_place().unwrap();
    assert!(!partial_path(&target).exists(), "the partial name is gone");

    let placed = fingerprint(&target);
    assert!(placed.1.iter().any(|(name, n)| name == "unjudged_breaches" && *n > 0));
    assert_eq!(placed, fingerprint(&in_place));
    let conn = Connection::open(&target).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    drop(conn);
    let desk = desk(Store::open(&target, Access::ReadOnly).unwrap());
    let found = desk.verify().unwrap();
    assert!(found.findings.is_empty(), "{:?}", found.findings);
    assert_eq!(found.tickets, SHAPE.tickets as u64);
}

#[test]
fn a_staged_build_never_replaces_a_file_made_meanwhile_and_leaves_nothing_when_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("desk.db");
    let small = DemoShape {
        tickets: 20,
        open: None,
        seed: 1,
    };
    let mut staged = desk(Store::stage_new(&target, Sharing::Private).unwrap());
    staged.fill_demo_shaped(small).unwrap();
    std::fs::write(&target, b"").unwrap();
    assert!(staged.into_store().put_in_place().is_err());
    assert_eq!(
        std::fs::read(&target).unwrap(),
        b"",
        "the file made meanwhile is as it was"
    );
    assert!(!partial_path(&target).exists());

    // A run that fails (or returns early) drops its store: neither file is left.
    let other = dir.path().join("sub").join("other.db");
    let mut staged = desk(Store::stage_new(&other, Sharing::Private).unwrap());
    staged.fill_demo_shaped(small).unwrap();
    drop(staged);
    assert!(!other.exists() && !partial_path(&other).exists());
    assert!(!dir.path().join("sub").exists(), "the folder made for it goes too");
}

#[test]
fn a_partial_file_left_by_a_killed_run_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("desk.db");
    std::fs::write(partial_path(&target), b"half a database").unwrap();
    let store = Store::stage_new(&target, Sharing::Private).unwrap();
    store.put_in_place().unwrap();
    assert!(Store::open(&target, Access::ReadOnly).is_ok());
    assert!(!partial_path(&target).exists());
}

#[test]
fn demo_builds_a_new_file_whole_and_fills_an_empty_one_in_place() {
    if common::file_only(
        "demo_builds_a_new_file_whole_and_fills_an_empty_one_in_place",
        "a new file built staged beside its target",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "author = \"tester\"\n").unwrap();
    let run = |db: &Path, args: &[&str]| {
        let out = common::promptly(db, "en")
            .args(["--now", "2026-11-23T10:00:00+08:00"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let new = dir.path().join("new.db");
    run(&new, &["demo", "--tickets", "200", "--open", "30"]);
    assert!(!partial_path(&new).exists());
    // `init` made this one: it is filled where it is, as before.
    let init = dir.path().join("init.db");
    run(&init, &["init"]);
    run(&init, &["demo", "--tickets", "200", "--open", "30"]);
    assert!(!partial_path(&init).exists());
    for db in [&new, &init] {
        run(db, &["verify"]);
    }
    // Housekeeping ran on both after the fill, at the same instant: the same database.
    assert_eq!(fingerprint(&new), fingerprint(&init));
}

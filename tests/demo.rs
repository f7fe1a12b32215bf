//! The demo's bulk writer: the shape `--open` asks for, breaches judged as a supervisor leaves
//! them, tickets numbered in arrival order, and a database `verify` finds sound.

pub mod common;
use chrono::{TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::desk::demo::DemoShape;
use promptly::domain::listing::ListQuery;
use promptly::domain::policy::Policy;
use promptly::domain::sla::ClockState;
use promptly::domain::ticket::Status;
use promptly::store::Access;
use rusqlite::Connection;
use std::path::Path;
use std::path::PathBuf;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap() // Monday 10:00 in Shanghai
}

/// A demo database on a temp file, filled to `shape`.
fn filled(shape: DemoShape) -> (tempfile::TempDir, PathBuf, Desk) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let mut desk = Desk::new(
        common::store(&path, Access::Create).unwrap(),
        Policy::builtin(),
        Clock::frozen(now()),
        "tester",
    );
    let summary = desk.fill_demo_shaped(shape).unwrap();
    assert_eq!(summary.tickets, shape.tickets);
    (dir, path, desk)
}

fn count(db: &Path, sql: &str) -> i64 {
    common::number(db, sql)
}

#[test]
fn open_leaves_exactly_that_many_tickets_open_or_waiting_with_clocks_around_their_deadlines() {
    let (_dir, _path, desk) = filled(DemoShape {
        tickets: 1_200,
        open: Some(300),
        seed: 5,
    });
    let all = desk.list(&ListQuery::default()).unwrap();
    assert_eq!(all.len(), 1_200);
    let open: Vec<_> = all
        .iter()
        .filter(|r| matches!(r.ticket.status, Status::Open | Status::Waiting))
        .collect();
    assert_eq!(open.len(), 300);
    assert!(open.iter().any(|r| r.ticket.status == Status::Waiting));
    assert!(
        all.iter()
            .all(|r| matches!(r.ticket.status, Status::Open | Status::Waiting | Status::Closed)),
        "the rest is closed"
    );
    let states: Vec<ClockState> = open
        .iter()
        .filter_map(|r| r.nearest.as_ref())
        .map(|c| c.state)
        .collect();
    let share = |s: ClockState| states.iter().filter(|x| **x == s).count() as f64 / open.len() as f64;
    // Some overdue, some warning, some far: neither all late nor all fresh.
    assert!((0.2..0.8).contains(&share(ClockState::Breached)), "{states:?}");
    assert!(share(ClockState::Warning) > 0.0, "{states:?}");
    assert!(share(ClockState::Running) > 0.1, "{states:?}");
}

#[test]
fn older_breaches_are_judged_with_a_review_a_log_entry_and_the_judged_flag() {
    let (_dir, path, desk) = filled(DemoShape {
        tickets: 1_500,
        open: None,
        seed: 9,
    });
    let conn = path.as_path();
    let reviews = count(conn, "SELECT count(*) FROM reviews");
    assert!(reviews > 100, "{reviews} reviews");
    // Each review has its clock marked judged and its entry in the ticket's log, and back.
    assert_eq!(
        count(
            conn,
            "SELECT count(*) FROM reviews r JOIN clocks c USING (ticket_id, metric, cycle) WHERE c.judged = 1"
        ),
        reviews
    );
    assert_eq!(count(conn, "SELECT count(*) FROM clocks WHERE judged = 1"), reviews);
    assert_eq!(
        count(
            conn,
            match common::server(conn) {
                Some(_) => "SELECT count(*) FROM reviews r JOIN log_entries l ON l.ticket_id = r.ticket_id AND l.kind = 'judged'
                 AND l.data::json->>'metric' = r.metric AND (l.data::json->>'cycle')::bigint = r.cycle
                 AND l.at = r.judged_at",
                None => "SELECT count(*) FROM reviews r JOIN log_entries l ON l.ticket_id = r.ticket_id AND l.kind = 'judged'
                 AND json_extract(l.data, '$.metric') = r.metric AND json_extract(l.data, '$.cycle') = r.cycle
                 AND l.at = r.judged_at",
            }
        ),
        reviews
    );
    // Judged after the deadline passed, never in the future; nothing of the last two days.
    assert_eq!(
        count(
            conn,
            "SELECT count(*) FROM reviews WHERE judged_at <= due_at OR judged_at >= 1795399200 -- 2026-11-23T02:00:00Z
             OR due_at > 1795226400 -- 2026-11-21T02:00:00Z"
        ),
        0
    );
    // The queue holds what is left: fewer than were judged (most of two months), not nothing.
    let queue = desk.review_count().unwrap() as i64;
    assert!(queue > 0 && queue < reviews, "{queue} waiting, {reviews} judged");
}

#[test]
fn a_bulk_demo_is_sound_and_numbered_in_arrival_order() {
    let (_dir, path, desk) = filled(DemoShape {
        tickets: 700,
        open: Some(50),
        seed: 2,
    });
    let found = desk.verify().unwrap();
    assert!(found.findings.is_empty(), "{:?}", found.findings);
    assert_eq!(found.tickets, 700);
    // Entry data is kept once per distinct text, not once per entry (either writer).
    let texts = count(&path, "SELECT count(*) FROM log_data");
    assert!(texts * 10 < count(&path, "SELECT count(*) FROM log"), "{texts} texts");
    let conn = path.as_path();
    // Ticket ids in the order tickets arrived, and each ticket's entries in time order.
    assert_eq!(
        count(
            conn,
            "SELECT count(*) FROM tickets a JOIN tickets b ON b.id = a.id + 1 WHERE b.opened_at < a.opened_at"
        ),
        0
    );
    assert_eq!(
        count(
            conn,
            "SELECT count(*) FROM log a JOIN log b ON b.ticket_id = a.ticket_id AND b.id > a.id WHERE b.at < a.at"
        ),
        0
    );
    // Each ticket's version counts its changes; its last change is its last entry.
    assert_eq!(
        count(
            conn,
            "SELECT count(*) FROM tickets t WHERE t.version != (SELECT count(*) FROM log WHERE ticket_id = t.id)
             OR t.updated_at != (SELECT max(at) FROM log WHERE ticket_id = t.id)"
        ),
        0
    );
}

#[test]
fn the_same_seed_and_shape_give_the_same_database() {
    let rows = |shape| {
        let (_dir, path, _desk) = filled(shape);
        common::sql(&path, "SELECT hash FROM log ORDER BY id DESC LIMIT 1")
    };
    let shape = DemoShape {
        tickets: 300,
        open: Some(40),
        seed: 4,
    };
    // The last link of the chain covers every entry before it.
    assert_eq!(rows(shape), rows(shape));
    assert_ne!(rows(shape), rows(DemoShape { seed: 5, ..shape }));
}

/// Indexes as the schema makes them: (name, SQL).
fn indexes(conn: &Connection) -> Vec<(String, String)> {
    conn.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_fresh_demo_builds_its_indexes_once_and_stays_small() {
    if common::file_only(
        "a_fresh_demo_builds_its_indexes_once_and_stays_small",
        "SQLite's deferred indexes and file size",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let store = common::store(&path, Access::Create).unwrap();
    let schema = indexes(&Connection::open(&path).unwrap());
    let mut desk = Desk::new(store, Policy::builtin(), Clock::frozen(now()), "tester");
    let tickets = 3_000;
    desk.fill_demo_shaped(DemoShape {
        tickets,
        open: None,
        seed: 8,
    })
    .unwrap();
    let found = desk.verify().unwrap();
    assert!(found.findings.is_empty(), "{:?}", found.findings);
    drop(desk);
    let conn = path.as_path();
    // Dropped for the load, built once at its end: the same indexes as a fresh file's.
    assert_eq!(indexes(&Connection::open(&path).unwrap()), schema);
    assert_eq!(
        count(conn, "SELECT count(*) FROM meta WHERE key = 'bulk_deferred_indexes'"),
        0
    );
    // Entry data is kept once per distinct text, not once per entry.
    let (texts, entries) = (
        count(conn, "SELECT count(*) FROM log_data"),
        count(conn, "SELECT count(*) FROM log"),
    );
    assert!(texts * 10 < entries, "{texts} texts for {entries} entries");
    let bytes = count(
        conn,
        "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
    );
    assert!(
        bytes / tickets as i64 <= SIZE_PER_TICKET,
        "{} bytes a ticket",
        bytes / tickets as i64
    );
}

/// The most a demo ticket may take on disk, all rows and indexes counted (3.16 KB before
/// migration 7).
const SIZE_PER_TICKET: i64 = 2_400;

//! The store on real temp files: round trips, reopening, refusals that leave files untouched,
//! file permissions, the append-only log, optimistic concurrency.

pub mod common;
use chrono::{TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::{Desk, DeskError, Edit, FollowUp};
use promptly::domain::log::{ContactMethod, Direction, Event};
use promptly::domain::policy::Policy;
use promptly::domain::ticket::{Complexity, Customer, Kind, NewTicket, Priority, Status};
use promptly::store::{Access, StoreError};
use std::path::Path;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap() // Monday 10:00 in Shanghai
}

fn desk_at(path: &Path) -> Desk {
    Desk::new(
        common::store(path, Access::Create).unwrap(),
        Policy::builtin(),
        Clock::frozen(now()),
        "tester",
    )
}

fn sample() -> NewTicket {
    NewTicket {
        title: "电水壶不加热".into(),
        description: "Bought last week.\nStops after 2 minutes.".into(),
        customer: Customer {
            name: "王小明".into(),
            phone: "13812345678".into(),
            email: "wang@example.cn".into(),
        },
        channel: promptly::domain::ticket::Channel::Phone,
        kind: Kind::Quality,
        priority: Priority::Important,
        complexity: Complexity::Complex,
        reference: "SO-1001".into(),
        purchased_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 15),
    }
}

#[test]
fn tickets_and_log_round_trip_and_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let id = {
        let mut desk = desk_at(&path);
        let t = desk.open_ticket(&sample(), None).unwrap();
        desk.follow_up(
            t.id,
            Some(1),
            FollowUp::Contact {
                method: ContactMethod::Call,
                direction: Direction::Outbound,
            },
            "Called back",
        )
        .unwrap();
        t.id
    };
    let desk = desk_at(&path);
    let view = desk.view(id).unwrap();
    let t = &view.ticket;
    assert_eq!(t.title, "电水壶不加热");
    assert_eq!(t.customer.name, "王小明");
    assert_eq!(t.customer.phone, "13812345678");
    assert_eq!(t.kind, Kind::Quality);
    assert_eq!(t.complexity, Complexity::Complex);
    assert_eq!(t.purchased_on, chrono::NaiveDate::from_ymd_opt(2026, 11, 15));
    assert_eq!(t.opened_at, now());
    assert_eq!(t.version, 2);
    assert_eq!(view.log.len(), 2);
    assert!(matches!(
        view.log[0].event,
        Event::Opened {
            priority: Priority::Important,
            ..
        }
    ));
    assert_eq!(
        view.log[1].event,
        Event::Contact {
            method: ContactMethod::Call,
            direction: Direction::Outbound
        }
    );
    assert_eq!(view.log[1].author, "tester");
    assert_eq!(desk.store().clocks(id).unwrap().len(), view.clocks.len());
}

#[cfg(unix)]
#[test]
fn new_files_are_private() {
    if common::file_only("new_files_are_private", "the file's mode") {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/desk.db");
    desk_at(&path);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

fn assert_refused_untouched(path: &Path, expect: impl Fn(&StoreError) -> bool, message_part: &str) {
    let before = std::fs::read(path).unwrap();
    let err = common::store(path, Access::Create).err().expect("must be refused");
    assert!(expect(&err), "{err:?}");
    let message = promptly::words::errors::store(&err, "en");
    assert!(message.contains(message_part), "{message}");
    assert!(!message.contains('\n'), "one line: {message}");
    assert_eq!(std::fs::read(path).unwrap(), before, "file bytes changed");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_untouched() {
    if common::file_only(
        "a_file_that_is_not_sqlite_is_refused_and_left_untouched",
        "a file that is not Promptly's (a server's foreign and newer schemas: tests/pg_schema.rs)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "shopping list: milk, eggs\n".repeat(100)).unwrap();
    assert_refused_untouched(
        &path,
        |e| matches!(e, StoreError::NotSqlite(_)),
        "is not a SQLite database",
    );
}

#[test]
fn a_foreign_sqlite_file_is_refused_and_left_untouched() {
    if common::file_only(
        "a_foreign_sqlite_file_is_refused_and_left_untouched",
        "a file that is not Promptly's (a server's foreign and newer schemas: tests/pg_schema.rs)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE songs(title TEXT); INSERT INTO songs VALUES ('x');")
        .unwrap();
    drop(conn);
    assert_refused_untouched(
        &path,
        |e| matches!(e, StoreError::NotPromptly(_)),
        "not a Promptly database",
    );
}

#[test]
fn a_database_from_a_newer_promptly_is_refused_and_left_untouched() {
    if common::file_only(
        "a_database_from_a_newer_promptly_is_refused_and_left_untouched",
        "a file that is not Promptly's (a server's foreign and newer schemas: tests/pg_schema.rs)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    desk_at(&path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA user_version = 99;").unwrap();
    drop(conn);
    assert_refused_untouched(
        &path,
        |e| matches!(e, StoreError::TooNew { found: 99, .. }),
        "newer Promptly",
    );
}

#[test]
fn the_log_refuses_raw_update_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut desk = desk_at(&path);
    let t = desk.open_ticket(&sample(), None).unwrap();
    desk.follow_up(t.id, None, FollowUp::Note, "first note").unwrap();
    let update = common::try_sql(&path, "UPDATE log SET body = 'rewritten'").unwrap_err();
    assert!(update.contains("append-only"), "{update}");
    let delete = common::try_sql(&path, "DELETE FROM log").unwrap_err();
    assert!(delete.contains("append-only"), "{delete}");
    assert_eq!(desk.view(t.id).unwrap().log[1].body, "first note");
}

#[test]
fn a_change_against_a_stale_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut desk = desk_at(&path);
    let t = desk.open_ticket(&sample(), None).unwrap();
    let mut other = desk_at(&path);
    other
        .edit(t.id, Some(t.version), &[Edit::Title("Kettle: no heat".into())])
        .unwrap();
    let err = desk
        .change_status(t.id, Some(t.version), Status::Waiting, "")
        .unwrap_err();
    assert!(matches!(err, DeskError::Store(StoreError::Stale { .. })), "{err:?}");
    assert_eq!(words(&err), format!("ticket #{} was changed elsewhere; reload", t.id));
    let view = desk.view(t.id).unwrap();
    assert_eq!(view.ticket.status, Status::Open);
    assert_eq!(view.ticket.title, "Kettle: no heat");
    assert_eq!(view.log.len(), 2, "the refused change wrote nothing");
}

#[test]
fn illegal_moves_and_bad_fields_write_nothing() {
    let mut desk = Desk::new(common::fresh_store(), Policy::builtin(), Clock::frozen(now()), "t");
    let t = desk.open_ticket(&sample(), None).unwrap();
    let err = desk.change_status(t.id, None, Status::Closed, "").unwrap_err();
    assert_eq!(
        words(&err),
        "status: cannot move from open to closed; from open it can go to: waiting, resolved"
    );
    let err = desk
        .edit(t.id, None, &[Edit::Email("not-an-email".into())])
        .unwrap_err();
    assert!(words(&err).starts_with("email:"), "{err}");
    let err = desk.follow_up(999, None, FollowUp::Note, "x").unwrap_err();
    assert_eq!(words(&err), "ticket #999 does not exist");
    let view = desk.view(t.id).unwrap();
    assert_eq!((view.ticket.version, view.log.len()), (1, 1));
}

#[test]
fn edits_log_old_and_new_values_and_retarget_on_priority() {
    let mut desk = Desk::new(common::fresh_store(), Policy::builtin(), Clock::frozen(now()), "t");
    let t = desk.open_ticket(&sample(), None).unwrap();
    desk.edit(
        t.id,
        None,
        &[Edit::Priority(Priority::Urgent), Edit::Reference("SO-2".into())],
    )
    .unwrap();
    let log = desk.view(t.id).unwrap().log;
    match &log[1].event {
        Event::Field {
            field,
            from,
            to,
            targets,
        } => {
            assert_eq!(
                (field.as_str(), from.as_str(), to.as_str()),
                ("priority", "important", "urgent")
            );
            assert!(targets.is_some(), "a priority change carries the new targets");
        }
        other => panic!("{other:?}"),
    }
    match &log[2].event {
        Event::Field {
            field,
            from,
            to,
            targets,
        } => {
            assert_eq!(
                (field.as_str(), from.as_str(), to.as_str()),
                ("order", "SO-1001", "SO-2")
            );
            assert!(targets.is_none());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn demo_data_is_deterministic_for_a_seed() {
    let fill = || {
        let mut desk = Desk::new(common::fresh_store(), Policy::builtin(), Clock::frozen(now()), "t");
        desk.fill_demo(50, 7).unwrap();
        let rows = desk.list(&Default::default()).unwrap();
        rows.iter()
            .map(|r| (r.ticket.title.clone(), r.ticket.status, r.ticket.opened_at))
            .collect::<Vec<_>>()
    };
    let a = fill();
    assert_eq!(a.len(), 50);
    assert_eq!(a, fill());
    assert!(
        a.iter()
            .any(|(title, ..)| title.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
    );
    assert!(a.iter().any(|(title, ..)| title.is_ascii()));
}

#[test]
fn a_policy_edit_recomputes_the_stored_clocks_of_open_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut desk = desk_at(&path);
    desk.sync_policy().unwrap();
    let t = desk.open_ticket(&NewTicket::titled("enquiry"), None).unwrap();
    let due = |desk: &Desk| {
        let clocks = desk.store().clocks(t.id).unwrap();
        clocks
            .iter()
            .find(|c| c.metric == "resolution")
            .unwrap()
            .due_at
            .unwrap()
    };
    // 3 working days after Monday 2026-11-23: Thursday 18:00 local.
    assert_eq!(due(&desk), Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap());
    assert!(!desk.sync_policy().unwrap(), "same policy: nothing to do");
    drop(desk);

    let text = promptly::domain::policy::BUILTIN.replace("holidays = [", "holidays = [\n  \"2026-11-24\",");
    let holiday = Policy::parse(&text, "edited.toml").unwrap();
    let mut desk = Desk::new(
        common::store(&path, Access::Create).unwrap(),
        holiday,
        Clock::frozen(now()),
        "tester",
    );
    assert!(desk.sync_policy().unwrap());
    assert_eq!(
        due(&desk),
        Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap(),
        "the new holiday moves the deadline"
    );
}

#[test]
fn listing_open_tickets_reads_running_clocks_through_an_index() {
    if common::file_only(
        "listing_open_tickets_reads_running_clocks_through_an_index",
        "SQLite's query plan",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut desk = desk_at(&path);
    desk.fill_demo(300, 3).unwrap();
    drop(desk);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let plan: Vec<String> = conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT ticket_id, min(coalesce(due_at, '~')) FROM clocks
             WHERE met_at IS NULL GROUP BY ticket_id",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(plan.iter().any(|p| p.contains("clocks_running_by_ticket")), "{plan:?}");
}

#[test]
fn a_judged_breach_stays_judged_when_its_clocks_are_recomputed() {
    use promptly::domain::review::{BreachClass, Judgement, Remedy};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut desk = desk_at(&path);
    // Opened three hours ago: first response (30m) breached long since.
    let t = desk
        .open_ticket(&NewTicket::titled("late"), Some(now() - chrono::Duration::hours(3)))
        .unwrap();
    assert_eq!(desk.review_count().unwrap(), 1);
    let judgement = Judgement {
        class: BreachClass::Minor,
        reason: "Monday rush".into(),
        remedy: Remedy::Apology,
        amount: None,
        note: String::new(),
    };
    desk.judge(t.id, "first-response", None, &judgement).unwrap();
    assert_eq!(desk.review_count().unwrap(), 0);
    // Any later change rewrites the ticket's clock rows; the judgement must survive it.
    desk.follow_up(t.id, None, FollowUp::Note, "called back").unwrap();
    desk.recompute_active().unwrap();
    assert_eq!(
        desk.review_count().unwrap(),
        0,
        "{:?}",
        desk.review_queue(None).unwrap()
    );
}

/// A refusal as an English reader sees it.
fn words(err: &DeskError) -> String {
    promptly::words::errors::desk(err, "en")
}

//! Several writers on one file: a change that waits for another writer's lock reads the time
//! after it gets the lock, so it is never dated before the change it waited for.

pub mod common;
use chrono::{TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::{Desk, FollowUp};
use promptly::domain::policy::Policy;
use promptly::domain::ticket::NewTicket;
use promptly::store::Access;
use std::time::Duration;

#[test]
fn a_change_that_waited_for_the_lock_is_dated_after_the_change_it_waited_for() {
    if common::file_only(
        "a_change_that_waited_for_the_lock_is_dated_after_the_change_it_waited_for",
        "holds SQLite's write lock from a raw connection (the server's writers' turn: tests/desk_backends.rs)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
    let mut first = Desk::new(
        common::store(&path, Access::Create).unwrap(),
        Policy::builtin(),
        Clock::frozen(t0),
        "a",
    );
    let id = first.open_ticket(&NewTicket::titled("kettle"), None).unwrap().id;

    // Another writer holds the lock...
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    // ...while this desk, on a clock running from t0, starts a change and has to wait.
    let waiting = std::thread::spawn({
        let path = path.clone();
        move || {
            let mut desk = Desk::new(
                common::store(&path, Access::ReadWrite).unwrap(),
                Policy::builtin(),
                Clock::running_from(t0),
                "b",
            );
            desk.follow_up(id, None, FollowUp::Note, "waited for the lock")
        }
    });
    std::thread::sleep(Duration::from_millis(1500));
    // The other writer's change is dated one second after t0, then it lets go.
    let later = (t0 + chrono::Duration::seconds(1)).timestamp();
    other
        .execute(
            "UPDATE tickets SET updated_at = ?1 WHERE id = ?2",
            rusqlite::params![later, id],
        )
        .unwrap();
    other.execute_batch("COMMIT").unwrap();

    let done = waiting.join().unwrap();
    let ticket = done.unwrap_or_else(|e| panic!("refused though nobody asked for a version: {e:?}"));
    assert!(
        ticket.updated_at >= t0 + chrono::Duration::seconds(1),
        "{}",
        ticket.updated_at
    );
}

//! The board's live refresh on both backends: `Store::data_version` moves when a write
//! commits on another connection (SQLite's `data_version`; PostgreSQL's LISTEN/NOTIFY), and
//! not for a write that rolled back or, on PostgreSQL, one on another Promptly schema.
//! PostgreSQL tests run when `PROMPTLY_TEST_PG` names a server (else SKIPPED).

#[path = "common/pg.rs"]
mod pg;

use promptly::store::{Access, Store, StoreError};
use std::time::{Duration, Instant};

fn server_store(s: &pg::Scratch) -> Store {
    let url = std::env::var("PROMPTLY_TEST_PG").unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    Store::open_server(&format!("{url}{sep}options=-csearch_path%3D{}", s.schema))
        .unwrap_or_else(|e| panic!("{}, schema {}: {e}", s.shown, s.schema))
}

/// A committed write on `store`.
fn write(store: &mut Store, value: &str) {
    store.write(|tx| tx.set_meta("live_test", value)).unwrap();
}

/// A write that fails after changing something: rolled back.
fn failed_write(store: &mut Store) {
    let failed = store.write(|tx| {
        tx.set_meta("live_test", "never")?;
        Err::<(), _>(StoreError::Corrupt("stop".into()))
    });
    assert!(failed.is_err());
}

/// The board's number once it differs from `seen`. Notifications travel over the socket, so
/// this polls (as the board's one-second tick does) until the number moves; a number that
/// never moves fails after 30 s.
fn moved_from(board: &Store, seen: i64) -> i64 {
    let start = Instant::now();
    loop {
        let now = board.data_version().unwrap();
        if now != seen {
            return now;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no change heard");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn another_connections_commit_moves_the_number_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.db");
    let mut writer = Store::open(&path, Access::Create).unwrap();
    let board = Store::open(&path, Access::ReadOnly).unwrap();
    let seen = board.data_version().unwrap();
    failed_write(&mut writer);
    write(&mut writer, "a");
    let after = moved_from(&board, seen);
    assert_ne!(after, seen);
    // Nothing since: the number stands.
    assert_eq!(board.data_version().unwrap(), after);
}

#[test]
fn pg_a_commit_on_the_schema_is_heard_and_nothing_else() {
    let Some(s) = pg::scratch("pg_a_commit_on_the_schema_is_heard_and_nothing_else") else {
        return;
    };
    let Some(other) = pg::scratch("pg_a_commit_on_the_schema_is_heard_and_nothing_else (another shop)") else {
        return;
    };
    let board = server_store(&s);
    let mut writer = server_store(&s);
    let mut elsewhere = server_store(&other);
    let seen = board.data_version().unwrap();

    // A write that rolled back and a write on another schema come first; then one commit.
    // Notifications arrive in commit order, so once the commit is heard, anything the
    // others had sent would have been heard before it: the number moves by exactly one.
    failed_write(&mut writer);
    write(&mut elsewhere, "x");
    write(&mut writer, "a");
    assert_eq!(moved_from(&board, seen), seen + 1);

    // Two commits, two moves; the board's own commit counts too.
    write(&mut writer, "b");
    write(&mut writer, "c");
    let mut now = moved_from(&board, seen + 1);
    if now == seen + 2 {
        now = moved_from(&board, now);
    }
    assert_eq!(now, seen + 3);
    let mut board = board;
    write(&mut board, "d");
    assert_eq!(board.data_version().unwrap(), seen + 4, "delivered with the commit");
    assert_eq!(board.meta("live_test").unwrap().as_deref(), Some("d"));
}

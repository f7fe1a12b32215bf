//! The board's live refresh on both backends: `Store::data_version` moves when a write
//! commits on another connection (SQLite's `data_version`; PostgreSQL's LISTEN/NOTIFY), and
//! not for a write that rolled back or, on PostgreSQL, one on another Promptly schema.
//! PostgreSQL tests run when `PROMPTLY_TEST_PG` names a server (else SKIPPED).

#[path = "common/pg.rs"]
pub mod pg;

use promptly::store::{Access, Store, StoreError};
use std::time::{Duration, Instant};

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
    let board = pg::store(&s);
    let mut writer = pg::store(&s);
    let mut elsewhere = pg::store(&other);
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

/// A store on `s` whose session is named `application`, opened for `access`.
fn named_store(s: &pg::Scratch, application: &str, access: Access) -> Store {
    Store::open_server_for(&s.url_named(application), access)
        .unwrap_or_else(|e| panic!("{}, schema {}: {e}", s.shown, s.schema))
}

/// What `key` holds in the scratch schema's `meta`, read on the scratch client (not the
/// store under test).
fn stored(s: &mut pg::Scratch, key: &str) -> Option<String> {
    s.client
        .query_opt(&format!("SELECT value FROM {}.meta WHERE key = $1", s.schema), &[&key])
        .unwrap()
        .map(|r| r.get(0))
}

#[test]
fn a_file_never_goes_offline_and_has_nothing_to_reconnect() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("live.db"), Access::Create).unwrap();
    let seen = store.data_version().unwrap();
    assert!(!store.offline());
    store.reconnect().unwrap();
    assert_eq!(store.data_version().unwrap(), seen);
    write(&mut store, "still here");
}

#[test]
fn pg_a_lost_session_fails_every_call_until_reconnected_then_the_number_moves() {
    let name = "pg_a_lost_session_fails_every_call_until_reconnected_then_the_number_moves";
    let Some(mut s) = pg::scratch(name) else {
        return;
    };
    let app = format!("{}_board", s.schema);
    let mut board = named_store(&s, &app, Access::Create);
    let mut writer = pg::store(&s);
    write(&mut board, "before");
    let seen = board.data_version().unwrap();
    assert!(!board.offline());

    assert_eq!(s.terminate(&app), 1, "the board's session");
    // The next call finds out, and says so; then every call fails at once, by itself it
    // does not come back (the board decides when to try).
    let lost = board.meta("live_test").unwrap_err();
    assert!(matches!(lost, StoreError::Offline(_)), "{lost:?}");
    assert!(lost.connection_lost());
    assert!(board.offline());
    for _ in 0..3 {
        assert!(matches!(board.data_version(), Err(StoreError::Offline(_))));
    }
    // A write on the dead session: refused, nothing written.
    let refused = board.write(|tx| tx.set_meta("live_test", "while away")).unwrap_err();
    assert!(matches!(refused, StoreError::Offline(_)), "{refused:?}");
    assert_eq!(stored(&mut s, "live_test").as_deref(), Some("before"));

    // Meanwhile another desk writes: its notification is lost with the session.
    write(&mut writer, "written while away");
    board.reconnect().unwrap();
    assert!(!board.offline());
    let back = board.data_version().unwrap();
    assert_ne!(
        back, seen,
        "a reconnect moves the number: the board reads everything again"
    );
    assert_eq!(board.meta("live_test").unwrap().as_deref(), Some("written while away"));
    // Listening again: the next commit elsewhere is heard.
    write(&mut writer, "after");
    assert_eq!(moved_from(&board, back), back + 1);
    // Statements prepared on the old session are gone with it: the same reads and writes
    // prepare again on the new one.
    write(&mut board, "mine again");
    assert_eq!(stored(&mut s, "live_test").as_deref(), Some("mine again"));
}

#[test]
fn pg_a_write_cut_off_mid_way_wrote_nothing_and_one_cut_at_commit_says_it_cannot_tell() {
    let name = "pg_a_write_cut_off_mid_way_wrote_nothing_and_one_cut_at_commit_says_it_cannot_tell";
    let Some(mut s) = pg::scratch(name) else {
        return;
    };
    let app = format!("{}_desk", s.schema);
    let mut store = named_store(&s, &app, Access::Create);
    write(&mut store, "before");

    // Lost between two statements of one transaction: the server rolled it back.
    let cut = store.write(|tx| {
        tx.set_meta("live_test", "half")?;
        assert_eq!(s.terminate(&app), 1);
        tx.set_meta("live_other", "half")
    });
    assert!(matches!(cut, Err(StoreError::Offline(_))), "{cut:?}");
    assert_eq!(stored(&mut s, "live_test").as_deref(), Some("before"));
    assert_eq!(stored(&mut s, "live_other"), None);

    // Lost once every statement ran, before the COMMIT got its answer: the store cannot know
    // whether the server committed, and says exactly that rather than "nothing was written".
    store.reconnect().unwrap();
    let at_commit = store.write(|tx| {
        tx.set_meta("live_test", "at commit")?;
        assert_eq!(s.terminate(&app), 1);
        Ok::<_, StoreError>(())
    });
    assert!(matches!(at_commit, Err(StoreError::CommitUnknown(_))), "{at_commit:?}");
    // (Here the server had ended the session before the COMMIT arrived: rolled back.)
    assert_eq!(stored(&mut s, "live_test").as_deref(), Some("before"));

    store.reconnect().unwrap();
    write(&mut store, "after");
    assert_eq!(stored(&mut s, "live_test").as_deref(), Some("after"));
}

#[test]
fn pg_a_reading_store_comes_back_read_only_and_a_vanished_schema_keeps_it_offline() {
    let name = "pg_a_reading_store_comes_back_read_only_and_a_vanished_schema_keeps_it_offline";
    let Some(mut s) = pg::scratch(name) else {
        return;
    };
    let app = format!("{}_reader", s.schema);
    write(&mut pg::store(&s), "made");
    let mut reader = named_store(&s, &app, Access::ReadOnly);
    assert_eq!(s.terminate(&app), 1);
    assert!(reader.meta("live_test").unwrap_err().connection_lost());

    // The schema gone away too (renamed here): the try fails, the store stays offline.
    let schema = s.schema.clone();
    s.client
        .batch_execute(&format!("ALTER SCHEMA {schema} RENAME TO {schema}_away"))
        .unwrap();
    let refused = reader.reconnect().unwrap_err();
    s.client
        .batch_execute(&format!("ALTER SCHEMA {schema}_away RENAME TO {schema}"))
        .unwrap();
    assert!(matches!(refused, StoreError::NoSchema(_)), "{refused:?}");
    assert!(reader.offline());

    reader.reconnect().unwrap();
    assert_eq!(reader.meta("live_test").unwrap().as_deref(), Some("made"));
    // Read-only again: the server refuses the write itself.
    let refused = reader
        .write(|tx| tx.set_meta("live_test", "from a reader"))
        .unwrap_err();
    match &refused {
        StoreError::Postgres(e) => assert_eq!(
            e.code(),
            Some(&postgres::error::SqlState::READ_ONLY_SQL_TRANSACTION),
            "{refused:?}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(stored(&mut s, "live_test").as_deref(), Some("made"));
}

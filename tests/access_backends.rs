//! Access modes on a PostgreSQL schema, as on a file: only `Create` makes the tables, a
//! reading store writes nothing (its session is read-only, so the server refuses any write),
//! and an empty schema is missing to the others. Runs when `PROMPTLY_TEST_PG` names a server
//! (else SKIPPED).

#[path = "common/pg.rs"]
pub mod pg;

use promptly::store::{Access, Store, StoreError};

/// How many tables, views and sequences the scratch schema holds.
fn relations(s: &mut pg::Scratch) -> i64 {
    let schema = s.schema.clone();
    s.client
        .query_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1",
            &[&schema],
        )
        .unwrap()
        .get(0)
}

#[test]
fn pg_only_create_makes_the_schema_and_a_reader_writes_nothing() {
    let Some(mut s) = pg::scratch("pg_only_create_makes_the_schema_and_a_reader_writes_nothing") else {
        return;
    };
    let url = pg::url(&s);
    // A schema the search path names but nobody made: said so, for every mode, nothing made.
    let nowhere = url.replace(&s.schema, &format!("{}_never_made", s.schema));
    for access in [Access::ReadOnly, Access::ReadWrite, Access::Create] {
        let refused = Store::open_server_for(&nowhere, access);
        assert!(
            matches!(refused, Err(StoreError::NoSchema(_))),
            "{access:?}: {:?}",
            refused.err()
        );
    }
    for access in [Access::ReadOnly, Access::ReadWrite] {
        match Store::open_server_for(&url, access) {
            Err(StoreError::Missing(named)) => {
                let named = named.display().to_string();
                assert!(
                    named.starts_with("postgresql://") && named.contains("promptly"),
                    "{named}"
                );
            }
            Err(e) => panic!("{access:?}: {e}"),
            Ok(_) => panic!("{access:?} opened an empty schema"),
        }
        assert_eq!(relations(&mut s), 0, "{access:?} made nothing");
    }

    let mut made = Store::open_server_for(&url, Access::Create).unwrap_or_else(|e| panic!("{}: {e}", s.shown));
    made.write(|tx| tx.set_meta("who", "desk")).unwrap();
    assert!(relations(&mut s) > 0);

    let mut reader = Store::open_server_for(&url, Access::ReadOnly).unwrap();
    assert_eq!(reader.meta("who").unwrap().as_deref(), Some("desk"), "a reader reads");
    let refused = reader.write(|tx| tx.set_meta("who", "reader"));
    assert!(matches!(refused, Err(StoreError::Postgres(_))), "{refused:?}");
    assert_eq!(made.meta("who").unwrap().as_deref(), Some("desk"), "nothing written");

    let mut writer = Store::open_server_for(&url, Access::ReadWrite).unwrap();
    writer.write(|tx| tx.set_meta("who", "writer")).unwrap();
    assert_eq!(reader.meta("who").unwrap().as_deref(), Some("writer"));
}

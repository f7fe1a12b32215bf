//! `promptly migrate --to URL` as a user runs it: a demo database copied into an empty
//! schema on PostgreSQL (when `PROMPTLY_TEST_PG` names a server; else SKIPPED), the same
//! tickets, logs and clocks read back there, the chain verified, the file untouched; a
//! second copy into the now full schema refused with nothing written.

pub mod common;
#[path = "common/pg.rs"]
pub mod pg;

use promptly::store::{Access, Store};

const NOW: &str = "2026-12-04T10:00:00+08:00";

#[test]
fn pg_a_database_moves_up_whole_and_verified() {
    if common::file_only(
        "pg_a_database_moves_up_whole_and_verified",
        "copies a database file to a server (it runs on the file pass)",
    ) {
        return;
    }
    let Some(s) = pg::scratch("pg_a_database_moves_up_whole_and_verified") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let made = common::promptly(&db, "en")
        .args(["--now", NOW, "demo", "--tickets", "300", "--open", "40"])
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    let before = std::fs::read(&db).unwrap();

    let url = pg::url(&s);
    let moved = common::promptly(&db, "en")
        .args(["--now", NOW, "migrate", "--to", &url])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&moved.stdout);
    assert!(moved.status.success(), "{moved:?}");
    assert!(out.contains("tickets: 300 rows"), "{out}");
    assert!(out.contains("passed the checks"), "{out}");
    assert_eq!(std::fs::read(&db).unwrap(), before, "the file is only read");

    let file = Store::open(&db, Access::ReadOnly).unwrap();
    let server = Store::open_server(&url).unwrap_or_else(|e| panic!("{}: {e}", s.shown));
    for id in [1, 2, 150, 299, 300] {
        assert_eq!(server.ticket(id).unwrap(), file.ticket(id).unwrap(), "ticket {id}");
        assert_eq!(server.log(id).unwrap(), file.log(id).unwrap(), "log of {id}");
        assert_eq!(server.clocks(id).unwrap(), file.clocks(id).unwrap(), "clocks of {id}");
    }
    let (findings, entries) = server.verify().unwrap();
    assert_eq!(findings, vec![]);
    assert_eq!(
        (findings, entries),
        file.verify().unwrap(),
        "the same chain, entry for entry"
    );
    assert_eq!(server.meta("log_head").unwrap(), file.meta("log_head").unwrap());

    // New ids on the server follow the copied ones.
    let mut server = server;
    let next = server
        .write(|tx| {
            tx.insert_ticket(
                &promptly::domain::ticket::NewTicket::titled("after the move"),
                "li",
                chrono::Utc::now(),
            )
        })
        .unwrap();
    assert_eq!(next, 301);

    // Copying again into the schema that now holds it all: refused, nothing written.
    let again = common::promptly(&db, "zh-CN")
        .args(["--now", NOW, "migrate", "--to", &url])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1), "{again:?}");
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("只能复制到空数据库"), "{err}");
    assert!(!err.contains("password"), "{err}");
    assert_eq!(server.ticket(301).unwrap().unwrap().title, "after the move");
    assert!(server.ticket(302).unwrap().is_none());
}

#[test]
fn migrate_names_its_target_and_refuses_a_file_name() {
    if common::file_only(
        "migrate_names_its_target_and_refuses_a_file_name",
        "copies a database file to a server (it runs on the file pass)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    assert!(
        common::promptly(&db, "en")
            .args(["init"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let missing = common::promptly(&db, "en").args(["migrate"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(2), "{missing:?}");
    let file = common::promptly(&db, "en")
        .args(["migrate", "--to", "/tmp/other.db"])
        .output()
        .unwrap();
    assert_eq!(file.status.code(), Some(1), "{file:?}");
    assert!(String::from_utf8_lossy(&file.stderr).contains("postgres://"));
    assert!(!std::path::Path::new("/tmp/other.db").exists());
}

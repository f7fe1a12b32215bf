//! How a database is opened: each access mode does only what it says. A reading open never
//! writes, only `Create` makes a file, and a file name is always a file name.

mod common;

use promptly::store::{Access, Store, StoreError};
use std::path::Path;

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn only_create_makes_a_missing_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing/sub/desk.db");
    for access in [Access::ReadOnly, Access::ReadWrite] {
        let err = Store::open(&path, access).err().expect("a missing database is refused");
        assert!(matches!(err, StoreError::Missing(_)), "{err:?}");
        assert!(!dir.path().join("missing").exists(), "{access:?} created the folder");
    }
    Store::open(&path, Access::Create).unwrap();
    assert!(path.exists());
}

#[test]
fn an_empty_file_is_not_turned_into_a_database_by_a_read_or_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    for access in [Access::ReadOnly, Access::ReadWrite] {
        let err = Store::open(&path, access).err().expect("an empty file is refused");
        assert!(matches!(err, StoreError::NotPromptly(_)), "{err:?}");
        assert!(bytes(&path).is_empty(), "{access:?} wrote into the file");
    }
}

#[test]
fn a_read_only_open_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    drop(Store::open(&path, Access::Create).unwrap());
    let mut store = Store::open(&path, Access::ReadOnly).unwrap();
    let wrote = store.write(|tx| tx.set_meta("probe", "x"));
    assert!(wrote.is_err(), "a read-only store accepted a write");
    assert_eq!(store.meta("probe").unwrap(), None);
}

#[test]
fn a_uri_looking_name_is_a_file_not_an_in_memory_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("file:x?mode=memory");
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let created = common::promptly(&db, "en")
        .args(["new", "--title", "kept"])
        .output()
        .unwrap();
    assert!(created.status.success(), "{created:?}");
    let shown = common::promptly(&db, "en")
        .args(["show", "1", "--json"])
        .output()
        .unwrap();
    assert!(shown.status.success(), "{shown:?}");
    assert!(String::from_utf8_lossy(&shown.stdout).contains("\"kept\""));
    assert!(db.exists(), "the ticket must be in a file named as given");
}

#[test]
fn a_change_on_a_missing_database_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let db = dir.path().join("miss/a/b.db");
    for args in [
        vec!["log", "1", "x"],
        vec!["status", "1", "waiting"],
        vec!["edit", "1", "--title", "y"],
        vec!["show", "1"],
        vec!["list"],
        vec!["board", "--print"],
    ] {
        let out = common::promptly(&db, "en")
            .env("PROMPTLY_CONFIG", dir.path().join("config.toml"))
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("no database at"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!dir.path().join("miss").exists(), "{args:?} created the folder");
    }
}

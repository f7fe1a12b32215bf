//! Several people on one host: with `group` in the config, the database files and folders
//! Promptly makes are made for that group (0660, folders 2770 in it); without it, for their
//! owner only. A group the system does not know is refused before anything is made.
#![cfg(unix)]

pub mod common;

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Output;

/// A group the test may give files to: the one its own files get (root may give any other).
fn own_group(dir: &Path) -> u32 {
    let probe = dir.join("probe");
    std::fs::write(&probe, b"").unwrap();
    std::fs::metadata(&probe).unwrap().gid()
}

fn run(db: &Path, config: &Path, args: &[&str]) -> Output {
    common::promptly(db, "en")
        .env("PROMPTLY_CONFIG", config)
        .args(args)
        .output()
        .unwrap()
}

fn mode_and_group(path: &Path) -> (u32, u32) {
    let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (meta.mode() & 0o7777, meta.gid())
}

fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

#[test]
fn a_shared_database_and_its_new_folders_are_made_for_the_group() {
    if common::file_only(
        "a_shared_database_and_its_new_folders_are_made_for_the_group",
        "the file's mode and group (a server has roles and grants)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gid = own_group(dir.path());
    let config = dir.path().join("config.toml");
    std::fs::write(&config, format!("group = \"{gid}\"\n")).unwrap();

    // `new` opens (creating) the database; `demo` builds a new one beside its target.
    let typed = dir.path().join("shop/desk/desk.db");
    let out = run(
        &typed,
        &config,
        &["new", "--title", "Kettle", "--customer", "王小明", "--kind", "quality"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let built = dir.path().join("built/demo.db");
    let out = run(&built, &config, &["demo", "--tickets", "20"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    for db in [&typed, &built] {
        assert_eq!(mode_and_group(db), (0o660, gid), "{}", db.display());
        // SQLite makes these with the database file's mode, in the folder's group (setgid).
        for suffix in ["-wal", "-shm"] {
            let file = with_suffix(db, suffix);
            if file.exists() {
                assert_eq!(mode_and_group(&file), (0o660, gid), "{}", file.display());
            }
        }
    }
    for folder in ["shop", "shop/desk", "built"] {
        assert_eq!(mode_and_group(&dir.path().join(folder)), (0o2770, gid), "{folder}");
    }
    // Another member of the group reads what the first wrote (here: the same user again).
    let out = run(&typed, &config, &["list", "--json"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Kettle"));
}

#[test]
fn without_a_group_a_new_database_is_its_owners_only() {
    if common::file_only(
        "without_a_group_a_new_database_is_its_owners_only",
        "the file's mode and group (a server has roles and grants)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    let db = dir.path().join("own/desk.db");
    let out = run(
        &db,
        &config,
        &["new", "--title", "Kettle", "--customer", "王小明", "--kind", "quality"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(mode_and_group(&db).0, 0o600);
    assert_eq!(mode_and_group(&dir.path().join("own")).0, 0o700);
}

#[test]
fn an_unknown_group_is_refused_and_nothing_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "group = \"no-such-group-promptly\"\n").unwrap();
    let db = dir.path().join("shop/desk.db");
    let out = run(
        &db,
        &config,
        &["new", "--title", "Kettle", "--customer", "王小明", "--kind", "quality"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-group-promptly"), "{err}");
    assert!(!dir.path().join("shop").exists(), "a refused command made a folder");
}

#[test]
fn a_restored_database_is_made_for_the_group() {
    if common::file_only(
        "a_restored_database_is_made_for_the_group",
        "the file's mode and group (a server has roles and grants)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gid = own_group(dir.path());
    let private = dir.path().join("private.toml");
    std::fs::write(&private, "").unwrap();
    let shared = dir.path().join("shared.toml");
    std::fs::write(&shared, format!("group = \"{gid}\"\n")).unwrap();
    let source = dir.path().join("source.db");
    let out = run(
        &source,
        &private,
        &["new", "--title", "Kettle", "--customer", "王小明", "--kind", "quality"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let backup = dir.path().join("backup.db");
    assert!(
        run(&source, &private, &["backup", backup.to_str().unwrap()])
            .status
            .success()
    );
    let db = dir.path().join("restored/desk.db");
    let out = run(&db, &shared, &["restore", backup.to_str().unwrap(), "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(mode_and_group(&db), (0o660, gid));
}

/// A shared database's backups are shared the same way: any member may back up and restore.
#[test]
fn backups_of_a_shared_database_are_made_for_the_group() {
    if common::file_only(
        "backups_of_a_shared_database_are_made_for_the_group",
        "the file's mode and group (a server has roles and grants)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gid = own_group(dir.path());
    let config = dir.path().join("config.toml");
    std::fs::write(&config, format!("group = \"{gid}\"\n")).unwrap();
    let db = dir.path().join("shop/desk.db");
    let out = run(
        &db,
        &config,
        &["new", "--title", "Kettle", "--customer", "王小明", "--kind", "quality"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&db, &config, &["backup"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let folder = dir.path().join("shop/backups");
    assert_eq!(mode_and_group(&folder), (0o2770, gid));
    let copies: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert_eq!(mode_and_group(&copies[0]), (0o660, gid));
}

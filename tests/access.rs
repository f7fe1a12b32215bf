//! How a database is opened: each access mode does only what it says. A reading open never
//! writes, only `Create` makes a file, and a file name is always a file name.

pub mod common;

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
    if common::file_only(
        "a_uri_looking_name_is_a_file_not_an_in_memory_database",
        "about the file named by --db",
    ) {
        return;
    }
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

#[test]
#[cfg(unix)]
fn new_folders_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/promptly/desk.db");
    Store::open(&path, Access::Create).unwrap();
    for folder in [dir.path().join("data"), dir.path().join("data/promptly")] {
        let mode = std::fs::metadata(&folder).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", folder.display());
    }
}

/// A tiny filesystem, when this machine lets the test mount one (root, tmpfs); unmounted on drop.
struct Tiny(std::path::PathBuf);

impl Tiny {
    fn mount(dir: &Path) -> Option<Tiny> {
        let point = dir.join("tiny");
        std::fs::create_dir(&point).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(&point)
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then_some(Tiny(point))
    }
}

impl Drop for Tiny {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_says_so_and_leaves_no_file_behind() {
    if common::file_only(
        "a_full_disk_says_so_and_leaves_no_file_behind",
        "about the file named by --db",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let Some(tiny) = Tiny::mount(dir.path()) else {
        eprintln!("note: cannot mount a tmpfs here; skipping the full-disk test");
        return;
    };
    std::fs::write(tiny.0.join("filler"), vec![0u8; 60 * 1024]).unwrap_or_default();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let db = tiny.0.join("sub/desk.db");
    let out = common::promptly(&db, "en")
        .env("PROMPTLY_CONFIG", dir.path().join("config.toml"))
        .args(["new", "--title", "kept?"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("disk full"), "{stderr}");
    assert!(!db.exists(), "a 0-byte database was left behind");
    assert!(!tiny.0.join("sub").exists(), "the folder was left behind");
}

#[test]
fn reading_commands_never_write_even_far_in_the_future() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let at = |now: &str, args: &[&str]| {
        let out = common::promptly(&db, "en")
            .args(["--now", now])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
    };
    at("2026-03-02 09:00", &["new", "--title", "kettle"]);
    at("2026-03-02 10:00", &["status", "1", "resolved", "--note", "done"]);
    let files = || common::state(&db);
    let before = files();
    for args in [
        &["list"][..],
        &["list", "--all", "--json"],
        &["show", "1"],
        &["report", "monthly"],
        &["review", "list"],
        &["callback", "list"],
        &["board", "--print"],
        &["sla", "explain", "1"],
        &["verify"],
    ] {
        at("2030-01-01 10:30", args);
    }
    assert!(before == files(), "a reading command wrote to the database");
    // Nothing was closed in 2030, so the ticket can still be reopened in 2026.
    at("2026-03-03 10:00", &["status", "1", "open"]);
}

#[test]
fn the_board_without_a_terminal_says_so_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let db = dir.path().join("desk.db");
    for args in [&[][..], &["board"], &["--demo"]] {
        let out = common::promptly(&db, "en")
            .env("PROMPTLY_CONFIG", dir.path().join("config.toml"))
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("needs a terminal"), "{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(!common::exists(&db), "{args:?} created the database");
    }
}

/// A database server's URL is not a file name: it is opened as a server, and one that cannot
/// be reached is refused before anything is made (no folder `postgres:` in the working
/// directory), its password never printed.
#[test]
fn a_server_url_is_a_server_never_a_folder_and_its_password_is_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let config = tempfile::NamedTempFile::new().unwrap();
    let url = "postgres://li:s3cret@/promptly?host=/nonexistent-promptly-socket-dir";
    for (args, env) in [(vec!["--db", url], None), (vec![], Some(url))] {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_promptly"));
        command
            .current_dir(dir.path())
            .env_remove("PROMPTLY_DB")
            .env("PROMPTLY_CONFIG", config.path())
            .args(&args)
            .args([
                "--lang",
                "en",
                "new",
                "--title",
                "x",
                "--customer",
                "y",
                "--kind",
                "quality",
            ]);
        if let Some(url) = env {
            command.env("PROMPTLY_DB", url);
        }
        let out = command.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("postgres://li@/promptly") && err.contains("PostgreSQL"),
            "{err}"
        );
        assert!(!err.contains("s3cret"), "the password was printed: {err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "something was made");
    }
    // Nor by the help, which names the variable and not what it holds.
    for (lang, args) in [
        ("C.UTF-8", vec!["list", "--help"]),
        ("C.UTF-8", vec!["help", "list"]),
        ("zh_CN.UTF-8", vec!["list", "--help"]),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_promptly"))
            .current_dir(dir.path())
            .env("PROMPTLY_DB", url)
            .env("PROMPTLY_CONFIG", config.path())
            .env("LC_ALL", lang)
            .args(&args)
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("PROMPTLY_DB"), "{lang} {args:?}: {help}");
        assert!(
            !help.contains("s3cret"),
            "{lang} {args:?}: the password was printed: {help}"
        );
    }
}

/// A store kept open (the board) refuses to write once its file was moved away, deleted or
/// replaced: the write would land in a file nobody opens by that name again.
#[test]
#[cfg(unix)]
fn a_write_is_refused_once_the_file_was_moved_or_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let write = |store: &mut Store| {
        store.write(|tx| {
            tx.set_meta("moved-test", "x")?;
            Ok::<_, StoreError>(())
        })
    };
    let mut store = Store::open(&path, Access::Create).unwrap();
    write(&mut store).expect("in place, a write goes through");

    std::fs::rename(&path, dir.path().join("elsewhere.db")).unwrap();
    let err = write(&mut store).expect_err("moved away");
    assert!(matches!(err, StoreError::Moved(_)), "{err:?}");

    // Another database now at the path (a restore puts a new file there).
    let mut other = Store::open(&path, Access::Create).unwrap();
    write(&mut other).unwrap();
    let err = write(&mut store).expect_err("replaced");
    assert!(matches!(err, StoreError::Moved(_)), "{err:?}");
    drop(other);
    std::fs::remove_file(&path).unwrap();
    assert!(matches!(write(&mut store), Err(StoreError::Moved(_))), "deleted");
}

/// `backup` is a file's: on a server it names the server's own tools and writes nothing (the
/// file pass checks only the refusal's exit code, as a file is backed up there).
#[test]
fn backup_on_a_server_names_the_servers_tools_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let target = dir.path().join("copy.db");
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    assert!(common::promptly(&db, "en").arg("init").status().unwrap().success());
    let before = common::state(&db);
    let out = common::promptly(&db, "en")
        .args(["backup", target.to_str().unwrap()])
        .output()
        .unwrap();
    if common::server(&db).is_none() {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        return;
    }
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("pg_dump"), "{said}");
    assert!(!target.exists(), "a backup file was made");
    assert_eq!(common::state(&db), before);
}

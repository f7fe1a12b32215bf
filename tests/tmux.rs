//! The real binary in a detached tmux session: create a ticket through the form, log on it,
//! and see a ticket written by another process (`promptly new`) appear within seconds.
//! Skipped, with a note, where tmux is not installed.

#[path = "common/tmux.rs"]
mod tmux;

use std::process::Command;
use tmux::{BIN, Session, installed, promptly};

#[test]
fn board_in_tmux_creates_logs_and_sees_other_writers() {
    if !installed() {
        eprintln!("note: tmux is not installed; skipping the scripted board test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("board.db");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    // A database the user names must exist before the board opens on it.
    let out = promptly(&db, &config, &["init"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = Session::board("promptly-test", &db, &config, 120, 40);
    s.wait_for("Press n to add", 15);

    // A ticket through the form.
    s.keys(&["n"]);
    s.wait_for("New ticket", 5);
    s.text("Printer jams on every page");
    s.keys(&["Tab"]);
    s.text("Li Na");
    s.keys(&["Enter"]);
    s.wait_for("Created ticket #1", 5);

    // A log entry on it (the form opens on a note, the focus on the text).
    s.keys(&["l"]);
    s.wait_for("Log a follow-up on #1", 5);
    s.text("Called back, sending a technician");
    s.keys(&["C-s"]);
    s.wait_for("Logged on #1", 5);
    s.wait_for("Called back, sending a technician", 5);
    s.keys(&["Escape"]);
    s.wait_for("Printer jams", 5);

    // Another process writes; the board shows it within a few seconds.
    let out = promptly(
        &db,
        &config,
        &["new", "--title", "Written by the CLI", "--priority", "urgent"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    s.wait_for("Written by the CLI", 5);

    // The log entry is in the database.
    let out = promptly(&db, &config, &["show", "1"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Called back, sending a technician"));

    s.keys(&["q"]);
}

#[test]
fn the_board_asks_before_creating_a_database_the_user_named() {
    if !installed() {
        eprintln!("note: tmux is not installed; skipping the scripted board test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    for (answer, created) in [("n", false), ("y", true)] {
        let db = dir.path().join(format!("typo-{answer}.db"));
        let name = format!("promptly-ask-{}-{answer}", std::process::id());
        let command = format!(
            "env PROMPTLY_CONFIG='{}' '{}' --db '{}' --lang en; sleep 30",
            config.display(),
            BIN,
            db.display()
        );
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &name, "-x", "100", "-y", "30", &command])
            .status()
            .unwrap();
        assert!(status.success());
        let s = Session(name.clone());
        s.wait_for("Create it? [y/N]", 10);
        assert!(!db.exists(), "created before the answer");
        s.text(answer);
        s.keys(&["Enter"]);
        if created {
            s.wait_for("Press n to add", 10);
            s.keys(&["q"]);
        } else {
            s.wait_for("nothing created", 10);
        }
        assert_eq!(db.exists(), created, "answer {answer}");
    }

    // A log that lost its protection is told on start (it showed only after 3 s, and went).
    let db = dir.path().join("typo-y.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("DROP TRIGGER log_is_append_only_delete")
        .unwrap();
    // From the first frame on, at 80x24, until read under `!`.
    let s = Session::board("promptly-unprotected", &db, &config, 80, 24);
    let screen = s.wait_for("help", 10);
    assert!(screen.contains("lost its protection"), "{screen}");
    s.keys(&["!"]);
    s.wait_for("Notices, newest first", 5);
    s.keys(&["Escape"]);
    s.wait("the warning read", 5, |s| !s.contains("lost its protection"));
    s.keys(&["q"]);
}

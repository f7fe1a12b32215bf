//! The real binary's board in tmux at 80x24 when its PostgreSQL server goes away (issue 16):
//! its session ended as an administrator would, the schema renamed away for a while so that
//! tries fail. The board says it is offline, a note saved meanwhile is refused and kept as
//! typed, the board comes back by itself once the schema is back, and the note then saves.
//! Skipped, with a note, without tmux or without `PROMPTLY_TEST_PG`.

#[path = "common/pg.rs"]
pub mod pg;
#[path = "common/tmux.rs"]
mod tmux;

use std::process::Command;
use tmux::{BIN, Session, installed};

fn promptly(url: &str, config: &std::path::Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(BIN)
        .env("PROMPTLY_CONFIG", config)
        .args(["--db", url, "--lang", "en"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn rename(s: &mut pg::Scratch, from: &str, to: &str) {
    s.client
        .batch_execute(&format!("ALTER SCHEMA {from} RENAME TO {to}"))
        .unwrap();
}

#[test]
fn pg_board_in_tmux_goes_offline_keeps_the_note_and_comes_back() {
    if !installed() {
        eprintln!("note: tmux is not installed; skipping the offline board test");
        return;
    }
    let Some(mut s) = pg::scratch("pg_board_in_tmux_goes_offline_keeps_the_note_and_comes_back") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    let application = format!("{}_board", s.schema);
    let url = s.url_named(&application);
    promptly(
        &url,
        &config,
        &["new", "--title", "Kettle not heating", "--customer", "Li Na"],
    );

    let command = format!(
        "env PROMPTLY_CONFIG='{}' '{BIN}' --db '{url}' --lang en",
        config.display()
    );
    let board = Session(format!("promptly-offline-{}", std::process::id()));
    board.tmux(&["new-session", "-d", "-s", &board.0, "-x", "80", "-y", "24", &command]);
    board.wait_for("Kettle not heating", 15);
    board.keys(&["Enter"]);
    board.keys(&["l"]);
    board.wait_for("Log a follow-up on #1", 5);
    board.text("Called back, ");

    // The server ends the board's session; its schema is away for a while.
    assert_eq!(s.terminate(&application), 1, "the board's session on {}", s.shown);
    let (home, away) = (s.schema.clone(), format!("{}_away", s.schema));
    rename(&mut s, &home, &away);
    board.wait_for("retrying in", 10);
    board.text("part ordered");
    board.keys(&["C-s"]);
    let screen = board.wait_for("What you typed is kept", 5);
    assert!(screen.contains("Called back, part ordered"), "{screen}");

    // Back: the board reconnects by itself, the form still holds the note, and it saves.
    rename(&mut s, &away, &home);
    let screen = board.wait_for("Back online", 40);
    assert!(screen.contains("Called back, part ordered"), "{screen}");
    board.keys(&["C-s"]);
    board.wait_for("Logged on #1", 5);
    let out = promptly(&s.url_named("check"), &config, &["show", "1"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(shown.matches("Called back, part ordered").count(), 1, "{shown}");
    board.keys(&["q"]);
}

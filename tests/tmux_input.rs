//! The real binary in tmux, for what only a terminal shows (issue 12): a bracketed paste
//! (`tmux paste-buffer -p`) is typed as text, a 2,000-key burst shows at once, Esc on typed
//! text asks first, and Ctrl-L repaints over whatever scribbled on the screen. Skipped, with
//! a note, where tmux is not installed.

#[path = "common/tmux.rs"]
mod tmux;

use std::process::Command;
use tmux::{Session, installed, promptly};

#[test]
fn pastes_bursts_discard_and_redraw_in_tmux() {
    if !installed() {
        eprintln!("note: tmux is not installed; skipping the terminal input test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("board.db");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    let out = promptly(&db, &config, &["init"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = Session::board("promptly-input", &db, &config, 80, 24);
    s.wait_for("Press n to add", 15);

    // Item 1: a paste with line breaks into the title is text; nothing is saved by it.
    s.keys(&["n"]);
    s.wait_for("New ticket", 5);
    let buffer = format!("promptly-paste-{}", std::process::id());
    s.tmux(&[
        "set-buffer",
        "-b",
        &buffer,
        "Dear shop,\nmy order SO-2001 is late.\nRegards",
    ]);
    s.tmux(&["paste-buffer", "-p", "-d", "-b", &buffer, "-t", &s.0]);
    s.wait_for("Dear shop, my order SO-2001 is late. Regards", 5);
    assert!(s.screen().contains("New ticket"), "the form is still open");

    // Item 2: a 2,000-key burst shows at once, its end included.
    s.keys(&["Tab"]);
    let burst = format!("{}BCDE", "a".repeat(2000));
    s.keys(&["-l", &burst]);
    s.wait_for("aaaaBCDE", 5);

    // Item 4: Esc asks before the typed text goes; n keeps it.
    s.keys(&["Escape"]);
    s.wait_for("Discard what you typed? y/n", 5);
    s.keys(&["n"]);
    s.wait("the prompt gone", 5, |sc| !sc.contains("Discard what"));
    s.keys(&["C-s"]);
    s.wait_for("Created ticket #1", 5);
    let out = promptly(&db, &config, &["show", "1"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("Dear shop, my order SO-2001 is late. Regards"),
        "{shown}"
    );
    assert!(shown.contains(&format!("{}BCDE", "a".repeat(100))), "{shown}");

    // Ctrl-L repaints over text another program wrote on the terminal.
    let tty = Command::new("tmux")
        .args(["display", "-p", "-t", &s.0, "#{pane_tty}"])
        .output()
        .unwrap();
    let tty = String::from_utf8_lossy(&tty.stdout).trim().to_string();
    std::fs::write(&tty, "SCRIBBLE SCRIBBLE\n").unwrap();
    s.wait_for("SCRIBBLE", 5);
    s.keys(&["C-l"]);
    s.wait("the scribble gone", 5, |sc| {
        !sc.contains("SCRIBBLE") && sc.contains("#1")
    });
    s.keys(&["Escape", "q"]);
}

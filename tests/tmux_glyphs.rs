//! The real binary in tmux, for glyphs only a terminal draws wrongly: a flag (🇨🇳) leaves no
//! stray half when the screen changes under it (tmux keeps it as two cells), and a pasted
//! family emoji (👨‍👩‍👧) keeps its joiners. Skipped, with a note, where tmux is not installed.

#[path = "common/tmux.rs"]
mod tmux;

use tmux::{Session, installed, promptly};

/// Every 🇳 on screen is the second half of a 🇨🇳, never a half left behind.
fn no_stray_half(screen: &str) -> bool {
    screen.matches('🇳').count() == screen.matches("🇨🇳").count()
}

#[test]
fn flags_leave_no_stray_glyph_and_pasted_emoji_keep_their_joiners() {
    if !installed() {
        eprintln!("note: tmux is not installed; skipping the glyph test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("board.db");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    for title in ["Printer jams", "Blender noise", "Kettle leaks", "Flag 🇨🇳 test"] {
        let out = promptly(&db, &config, &["new", "--title", title]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let s = Session::board("promptly-glyphs", &db, &config, 80, 24);
    s.wait_for("Flag 🇨🇳 test", 15);

    // The ticket screen replaces the board: the flag's row turns blank or other text.
    s.keys(&[":4", "Enter"]);
    let screen = s.wait_for("Follow-up log", 5);
    assert!(no_stray_half(&screen), "{screen}");
    s.keys(&["Escape"]);
    let screen = s.wait_for("Printer jams", 5);
    assert!(no_stray_half(&screen), "{screen}");

    // A pasted family emoji is stored with its zero-width joiners and shown without escapes.
    let family = "👨\u{200d}👩\u{200d}👧";
    s.keys(&["n"]);
    s.wait_for("New ticket", 5);
    let buffer = format!("promptly-glyphs-{}", std::process::id());
    s.tmux(&["set-buffer", "-b", &buffer, &format!("Family {family} visit")]);
    s.tmux(&["paste-buffer", "-p", "-d", "-b", &buffer, "-t", &s.0]);
    s.keys(&["C-s"]);
    s.wait_for("Created ticket #5", 5);
    let out = promptly(&db, &config, &["list"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains(family) && !listed.contains("[U+200D]"), "{listed}");
    s.keys(&["Escape", "q"]);
}

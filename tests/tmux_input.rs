//! The real binary in tmux, for what only a terminal shows (issue 12): a bracketed paste
//! (`tmux paste-buffer -p`) is typed as text, a 2,000-key burst shows at once, Esc on typed
//! text asks first, and Ctrl-L repaints over whatever scribbled on the screen. Skipped, with
//! a note, where tmux is not installed.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_promptly");

struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.0]).status();
    }
}

impl Session {
    fn tmux(&self, args: &[&str]) {
        let status = Command::new("tmux").args(args).status().unwrap();
        assert!(status.success(), "tmux {args:?}");
    }

    fn keys(&self, keys: &[&str]) {
        self.tmux(&[&["send-keys", "-t", &self.0], keys].concat());
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.0])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the pane until `pred` holds (panics with the screen after `secs`).
    fn wait(&self, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(secs) {
                panic!("{what}: not within {secs} s; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_for(&self, needle: &str, secs: u64) -> String {
        self.wait(needle, secs, |s| s.contains(needle))
    }
}

fn promptly(db: &Path, config: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .env("PROMPTLY_CONFIG", config)
        .env_remove("NO_COLOR")
        .arg("--db")
        .arg(db)
        .args(["--lang", "en"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn pastes_bursts_discard_and_redraw_in_tmux() {
    if Command::new("tmux")
        .arg("-V")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        eprintln!("note: tmux is not installed; skipping the terminal input test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("board.db");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    let out = promptly(&db, &config, &["init"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let name = format!("promptly-input-{}", std::process::id());
    let command = format!(
        "env PROMPTLY_CONFIG='{}' '{}' --db '{}' --lang en",
        config.display(),
        BIN,
        db.display()
    );
    let s = Session(name.clone());
    s.tmux(&["new-session", "-d", "-s", &name, "-x", "80", "-y", "24", &command]);
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
    s.tmux(&["paste-buffer", "-p", "-d", "-b", &buffer, "-t", &name]);
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
        .args(["display", "-p", "-t", &name, "#{pane_tty}"])
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

//! A detached tmux session driving the real binary, shared by the terminal tests
//! (`#[path = "common/tmux.rs"] mod tmux;`). Each test uses part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_promptly");

/// Whether tmux can run here (the tests skip, with a note, where it cannot).
pub fn installed() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The binary on `db` with `config`, in English, as a script runs it.
pub fn promptly(db: &Path, config: &Path, args: &[&str]) -> std::process::Output {
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

/// A named tmux session, killed when dropped.
pub struct Session(pub String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.0]).status();
    }
}

impl Session {
    /// The board on `db` with `config`, in English, in a new `width` x `height` session named
    /// `name` (unique per test process).
    pub fn board(name: &str, db: &Path, config: &Path, width: u16, height: u16) -> Session {
        let command = format!(
            "env PROMPTLY_CONFIG='{}' '{}' --db '{}' --lang en",
            config.display(),
            BIN,
            db.display()
        );
        let (w, h) = (width.to_string(), height.to_string());
        let s = Session(format!("{name}-{}", std::process::id()));
        s.tmux(&["new-session", "-d", "-s", &s.0, "-x", &w, "-y", &h, &command]);
        s
    }

    pub fn tmux(&self, args: &[&str]) {
        let status = Command::new("tmux").args(args).status().unwrap();
        assert!(status.success(), "tmux {args:?}");
    }

    /// Keys by tmux's names ("Enter", "C-c") or as typed.
    pub fn keys(&self, keys: &[&str]) {
        self.tmux(&[&["send-keys", "-t", &self.0], keys].concat());
    }

    /// Text typed literally, key by key.
    pub fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", &self.0, "-l", text]);
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.0])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the pane until `pred` holds (panics with the screen after `secs`).
    pub fn wait(&self, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
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

    /// Polls the pane until it shows `needle`.
    pub fn wait_for(&self, needle: &str, secs: u64) -> String {
        self.wait(needle, secs, |s| s.contains(needle))
    }
}

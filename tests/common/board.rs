//! A desk and a board on the TestBackend at a fixed instant, and keys to press, shared by the
//! tester's findings tests (`common::board`). The desk is on the test's database: the file, or
//! on the server pass the schema that stands for it ([`super::store`]).

use chrono::{DateTime, Utc};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::domain::policy::Policy;
use promptly::store::Access;
use promptly::tui::app::App;
use promptly::tui::keymap::Keymap;
use promptly::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;

/// Tuesday 2026-11-24 10:00 in Shanghai: the shop is open.
pub fn now() -> DateTime<Utc> {
    "2026-11-24T02:00:00Z".parse().unwrap()
}

pub fn desk_at(path: &Path) -> Desk {
    Desk::new(
        super::store(path, Access::Create).unwrap(),
        Policy::builtin(),
        Clock::frozen(now()),
        "agent",
    )
}

pub fn app(desk: &Desk, w: u16, h: u16) -> App {
    app_in("en", desk, w, h)
}

pub fn app_in(lang: &'static str, desk: &Desk, w: u16, h: u16) -> App {
    let mut app = App::new(lang, Keymap::default(), Theme::default());
    app.resize(w, h);
    app.load(desk);
    app
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

pub fn press(app: &mut App, desk: &mut Desk, keys: &str) {
    for c in keys.chars() {
        app.handle_key(key(KeyCode::Char(c)), desk);
    }
}

//! Input that is not a bound key: pasted text, the mouse, the question before typed text is
//! thrown away, and the notices overlay.

use super::{App, Mode, Notice};
use crate::desk::Desk;
use crate::t;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the agent is asked to confirm before typed text is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discard {
    /// Esc (or another key bound to cancel) in a changed form.
    Close,
    /// Ctrl-C in a changed form.
    Quit,
}

/// How many notices the overlay keeps.
pub const NOTICES_KEPT: usize = 30;

/// Screen row of the board's first ticket: header, tabs and column titles come before.
pub const FIRST_ROW_Y: u16 = 3;

impl App {
    /// Pasted text (a bracketed paste): typed into the focused field or the filter as text.
    /// Anywhere else it is ignored: a paste is never a string of commands.
    pub fn paste(&mut self, text: &str, desk: &Desk) {
        if self.help.is_some() || self.discard.is_some() || self.notices_open {
            return;
        }
        match &mut self.mode {
            Mode::Form(form) => form.paste(text),
            Mode::Filter if self.filter.insert(&crate::domain::text::pasted(text, false)) => {
                self.selected = 0;
                self.offset = 0;
                self.recompute_shown(desk.now(), None);
            }
            Mode::Command => {
                self.command.insert(&crate::domain::text::pasted(text, false));
            }
            _ => {}
        }
    }

    /// Asks before a changed form is left; closes (or quits) at once when nothing was typed.
    pub(super) fn leave_form(&mut self, why: Discard, now: DateTime<Utc>) {
        let changed = matches!(&self.mode, Mode::Form(f) if f.changed());
        if changed {
            self.discard = Some(why);
            return;
        }
        match why {
            Discard::Quit => self.quit = true,
            Discard::Close => {
                self.close_form();
                self.tell(t!("msg.cancelled", locale = self.lang).to_string(), false, now);
            }
        }
    }

    /// The answer to "Discard what you typed? y/n": y (or a second Ctrl-C when quitting)
    /// goes ahead; any other key keeps the form as it was.
    pub(super) fn answer_discard(&mut self, why: Discard, key: KeyEvent, now: DateTime<Utc>) {
        self.discard = None;
        let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c' | 'C'));
        let yes = matches!(key.code, KeyCode::Char('y' | 'Y')) && !key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl_c {
            self.quit = true;
        } else if yes {
            match why {
                Discard::Quit => self.quit = true,
                Discard::Close => {
                    self.close_form();
                    self.tell(t!("msg.cancelled", locale = self.lang).to_string(), false, now);
                }
            }
        }
    }

    /// Keeps `notice` for the overlay (newest last, a bounded history).
    pub(super) fn remember(&mut self, notice: Notice) {
        if self.notices.len() >= NOTICES_KEPT {
            self.notices.remove(0);
        }
        self.notices.push(notice);
    }

    /// Notices that arrived while the current one shows (told after it, still fresh): the
    /// status line says how many wait behind it.
    pub fn notices_behind(&self, now: DateTime<Utc>) -> usize {
        let Some(current) = self.notice_at(now) else { return 0 };
        self.notices
            .iter()
            .filter(|n| *n != current && now - n.at < chrono::Duration::seconds(super::NOTICE_SECS))
            .count()
    }

    /// A left click on screen row `y` of the board: selects that ticket; a double click opens it.
    pub fn click_row(&mut self, y: u16, double: bool, desk: &Desk) {
        if !matches!(self.mode, Mode::Board) || self.help.is_some() || self.notices_open || y < FIRST_ROW_Y {
            return;
        }
        let row = self.offset + (y - FIRST_ROW_Y) as usize;
        if row >= self.shown.len() {
            return;
        }
        self.selected = row;
        if double && let Some(id) = self.selected_id() {
            self.open_ticket(id, desk);
        }
    }
}

//! The `:` command line: `:123` (or `:#123`) opens that ticket wherever it is, `:q` quits,
//! and any action bound on the board runs by its name (`:new`, `:review`, `:view-all`); Tab
//! completes those names from the keymap.

use super::{Action, App, LineInput, Mode, View};
use crate::desk::Desk;
use crate::domain::text::sanitize_line;
use crate::domain::ticket::Status;
use crate::t;
use crate::tui::keymap::Context;

impl App {
    pub(super) fn update_command(&mut self, action: Action, desk: &mut Desk) {
        if action != Action::Complete {
            self.completions.clear();
        }
        match action {
            Action::Cancel | Action::Back => self.mode = Mode::Board,
            Action::Complete => self.complete_command(desk),
            Action::Submit => {
                let text = self.command.value().trim().trim_start_matches(':').trim().to_string();
                // The server is away: the line stays as typed (quitting needs no server).
                if !matches!(text.as_str(), "q" | "q!" | "quit") && self.refuse_offline(desk.now()) {
                    return;
                }
                self.command = LineInput::default();
                self.mode = Mode::Board;
                self.run_command(&text, desk);
            }
            _ => {}
        }
    }

    /// The names `:` accepts: every action bound on the board, and `q`.
    pub fn command_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self
            .keymap
            .help(Context::Board)
            .into_iter()
            .map(|(_, a)| a.name())
            .filter(|n| *n != "command")
            .collect();
        names.push("q");
        names
    }

    fn run_command(&mut self, text: &str, desk: &mut Desk) {
        if text.is_empty() {
            return;
        }
        let number = text.strip_prefix('#').unwrap_or(text).trim();
        if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) {
            match number.parse::<i64>() {
                Ok(id) => self.jump_to(id, desk),
                Err(_) => self.tell(
                    t!("msg.not_found", locale = self.lang, id = sanitize_line(number)).to_string(),
                    true,
                    desk.now(),
                ),
            }
            return;
        }
        let action = match text {
            "q" | "q!" | "quit" => Some(Action::Quit),
            name => {
                Action::from_name(name).filter(|a| *a != Action::Command && self.command_names().contains(&a.name()))
            }
        };
        match action {
            Some(action) => self.update_board(action, desk, desk.now()),
            None => {
                let key = self.keymap.keys_for(Context::Command, Action::Complete);
                let text = t!(
                    "msg.unknown_command",
                    locale = self.lang,
                    command = sanitize_line(text),
                    key = key
                );
                self.tell(text.to_string(), true, desk.now());
            }
        }
    }

    /// Opens ticket `id`; the board behind it moves to the view that holds it (and drops a
    /// filter that hides it), so Back lands on its row.
    fn jump_to(&mut self, id: i64, desk: &mut Desk) {
        self.open_ticket(id, desk);
        let Some(status) = self
            .ticket
            .as_ref()
            .filter(|s| s.view.ticket.id == id)
            .map(|s| s.view.ticket.status)
        else {
            return;
        };
        let view = match status {
            Status::Open => View::Open,
            Status::Waiting => View::Waiting,
            Status::Resolved => View::Resolved,
            Status::Closed => View::All,
        };
        self.set_view(view, desk);
        let now = desk.now();
        if !self
            .source()
            .iter()
            .any(|r| r.id == id && r.matches(self.filter.value()))
        {
            self.filter = LineInput::default();
        }
        self.recompute_shown(now, Some(id));
    }

    /// Tab: completes the typed name to the longest prefix the candidates share; lists them
    /// when more than one is left.
    fn complete_command(&mut self, desk: &Desk) {
        let typed = self.command.value().trim().to_string();
        let candidates: Vec<&str> = self
            .command_names()
            .into_iter()
            .filter(|n| n.starts_with(typed.as_str()))
            .collect();
        let Some(first) = candidates.first() else {
            let text = t!("msg.no_command", locale = self.lang, command = sanitize_line(&typed));
            self.tell(text.to_string(), true, desk.now());
            return;
        };
        let mut common = first.len();
        for c in &candidates[1..] {
            common = first
                .bytes()
                .zip(c.bytes())
                .take(common)
                .take_while(|(a, b)| a == b)
                .count();
        }
        if candidates.len() == 1 {
            self.command = LineInput::new(first);
            self.completions.clear();
        } else {
            self.command = LineInput::new(&first[..common]);
            self.completions = candidates;
        }
    }
}

//! The callbacks screen (C): a month's sample of closed tickets to call back, with the
//! customer's name and full phone (calling them is the supervisor's job), and the calls
//! recorded from the keyboard through the callback form.

use super::{Action, App, Form, Mode, Purpose};
use crate::desk::{Desk, DeskError};
use crate::domain::callback::{Callback, Month};
use crate::t;
use chrono::{DateTime, Utc};

/// The sample of `month` (default: last month's, called this month) and the cursor.
#[derive(Debug, Clone, Default)]
pub struct CallbacksScreen {
    pub month: Option<Month>,
    pub rows: Vec<Callback>,
    pub selected: usize,
    pub offset: usize,
}

impl App {
    /// Opens the callbacks screen on last month's sample.
    pub fn open_callbacks(&mut self, desk: &Desk) {
        let now = desk.now();
        self.callbacks.month = Some(Month::of(desk.today()).previous());
        match self.load_callbacks(desk) {
            Ok(()) => {
                self.mode = Mode::Callbacks;
                self.dashboard = None;
            }
            Err(e) => self.tell_db_error(&e, now),
        }
    }

    pub(super) fn form_is_callback(&self) -> bool {
        matches!(&self.mode, Mode::Form(f) if matches!(f.purpose, Purpose::Callback { .. }))
    }

    /// Reads the screen's month again, keeping the cursor on the same ticket.
    pub(super) fn load_callbacks(&mut self, desk: &Desk) -> Result<(), DeskError> {
        let c = &mut self.callbacks;
        let keep = c.rows.get(c.selected).map(|r| r.ticket_id);
        c.rows = desk.callbacks(c.month)?;
        c.selected = keep
            .and_then(|id| c.rows.iter().position(|r| r.ticket_id == id))
            .unwrap_or(c.selected)
            .min(c.rows.len().saturating_sub(1));
        self.scroll_callbacks();
        Ok(())
    }

    /// After a reload: the screen's rows when it (or its form) is up.
    pub(super) fn reload_callbacks(&mut self, desk: &Desk) -> Result<(), DeskError> {
        if matches!(self.mode, Mode::Callbacks) || self.form_is_callback() {
            self.load_callbacks(desk)?;
        }
        Ok(())
    }

    fn scroll_callbacks(&mut self) {
        // Header, column titles and status line.
        let page = (self.size.1.saturating_sub(3) as usize).max(1);
        let c = &mut self.callbacks;
        if c.selected < c.offset {
            c.offset = c.selected;
        } else if c.selected >= c.offset + page {
            c.offset = c.selected + 1 - page;
        }
    }

    pub(super) fn update_callbacks(&mut self, action: Action, desk: &mut Desk, now: DateTime<Utc>) {
        let last = self.callbacks.rows.len().saturating_sub(1);
        let page = self.page();
        let c = &mut self.callbacks;
        match action {
            Action::Up => c.selected = c.selected.saturating_sub(1),
            Action::Down => c.selected = (c.selected + 1).min(last),
            Action::Top => c.selected = 0,
            Action::Bottom => c.selected = last,
            Action::PageUp => c.selected = c.selected.saturating_sub(page),
            Action::PageDown => c.selected = (c.selected + page).min(last),
            Action::Back | Action::Quit | Action::Cancel => self.mode = Mode::Board,
            Action::Dashboard => self.open_dashboard(desk),
            Action::Review => self.open_review(desk),
            Action::PrevMonth | Action::NextMonth => {
                let this = Month::of(desk.today());
                let shown = c.month.unwrap_or(this.previous());
                let month = if action == Action::PrevMonth {
                    shown.previous()
                } else {
                    // Nothing is sampled for a month still running.
                    shown.next().min(this.previous())
                };
                if month != shown {
                    c.month = Some(month);
                    c.selected = 0;
                    c.offset = 0;
                    if let Err(e) = self.load_callbacks(desk) {
                        self.tell_db_error(&e, now);
                    }
                }
            }
            Action::RecordCall => {
                if let Some(cb) = c.rows.get(c.selected) {
                    let title = t!(
                        "form.callback",
                        locale = self.lang,
                        id = cb.ticket_id,
                        customer = crate::domain::text::sanitize_line(&cb.customer),
                        phone = crate::domain::text::sanitize_line(&cb.phone)
                    )
                    .to_string();
                    self.mode = Mode::Form(Box::new(Form::callback(cb.ticket_id, title, self.lang)));
                }
            }
            _ => {}
        }
        self.scroll_callbacks();
    }
}

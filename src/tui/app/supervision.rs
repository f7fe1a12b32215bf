//! The supervisor's screens: the breach review queue (R) with its judgement form, and the
//! dashboard (D).

use super::{Action, App, Mode, Purpose, TREND_DAYS};
use crate::desk::{Desk, DeskError};
use chrono::{DateTime, Days, NaiveDate, Utc};

impl App {
    /// The supervisor's figures: the header's review count, and the review and dashboard
    /// screens when open.
    pub(super) fn reload_supervision(&mut self, desk: &Desk) -> Result<(), DeskError> {
        self.review_count = Some(desk.review_count()?);
        self.callbacks_due = Some(desk.callbacks_due()?);
        if matches!(self.mode, Mode::Review) || self.form_is_judgement() {
            self.load_review(desk)?;
        }
        self.reload_callbacks(desk)?;
        if let Some(d) = &self.dashboard {
            let date = d.period.last.min(desk.today());
            self.load_dashboard(desk, date)?;
        }
        Ok(())
    }

    pub(super) fn form_is_judgement(&self) -> bool {
        matches!(&self.mode, Mode::Form(f) if matches!(f.purpose, Purpose::Judge { .. }))
    }

    pub(super) fn refresh_review(&mut self, desk: &Desk) -> Result<(), DeskError> {
        self.review_count = Some(desk.review_count()?);
        self.load_review(desk)
    }

    /// The week holding `date`, and the trend of the 30 days ending with it (or today).
    pub(super) fn load_dashboard(&mut self, desk: &Desk, date: NaiveDate) -> Result<(), DeskError> {
        self.dashboard = Some(desk.dashboard(date, TREND_DAYS)?);
        Ok(())
    }

    pub(super) fn scroll_review(&mut self) {
        let page = self.page().saturating_sub(1).max(1); // the review screen has a filter line more
        let r = &mut self.review;
        if r.selected < r.offset {
            r.offset = r.selected;
        } else if r.selected >= r.offset + page {
            r.offset = r.selected + 1 - page;
        }
    }

    /// Opens the review screen on a fresh queue.
    pub fn open_review(&mut self, desk: &Desk) {
        let now = desk.now();
        self.mode = Mode::Review;
        self.dashboard = None;
        if let Err(e) = self.refresh_review(desk) {
            self.tell_db_error(&e, now);
        }
    }

    /// Opens the dashboard on the current week.
    pub fn open_dashboard(&mut self, desk: &Desk) {
        let now = desk.now();
        match self.load_dashboard(desk, desk.today()) {
            Ok(()) => self.mode = Mode::Dashboard,
            Err(e) => self.tell_db_error(&e, now),
        }
    }

    pub(super) fn update_dashboard(&mut self, action: Action, desk: &mut Desk, now: DateTime<Utc>) {
        let Some(d) = &self.dashboard else {
            self.mode = Mode::Board;
            return;
        };
        let date = match action {
            Action::Back | Action::Quit | Action::Cancel => {
                self.mode = Mode::Board;
                self.dashboard = None;
                return;
            }
            Action::Review => {
                self.open_review(desk);
                return;
            }
            Action::Callbacks => {
                self.open_callbacks(desk);
                return;
            }
            Action::Breakdown => {
                self.breakdown = crate::domain::kpi::Dimension::cycle(self.breakdown);
                return;
            }
            Action::PrevPeriod => d.period.first - Days::new(1),
            Action::NextPeriod if d.period.last < d.today => d.period.last + Days::new(1),
            _ => return,
        };
        if let Err(e) = self.load_dashboard(desk, date) {
            self.tell_db_error(&e, now);
        }
    }
}

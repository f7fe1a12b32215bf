//! The supervisor's screens: the breach review queue (R) with its judgement form, and the
//! dashboard (D).

use super::{Action, App, Form, Mode, Purpose, REVIEW_LIMIT, TREND_DAYS, metric_label};
use crate::desk::{Desk, DeskError};
use crate::domain::review::{Breach, BreachClass};
use crate::t;
use chrono::{DateTime, Days, NaiveDate, Utc};

impl App {
    /// The supervisor's figures: the header's review count, and the review and dashboard
    /// screens when open.
    pub(super) fn reload_supervision(&mut self, desk: &Desk) -> Result<(), DeskError> {
        self.review_count = Some(desk.review_count()?);
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

    pub(super) fn load_review(&mut self, desk: &Desk) -> Result<(), DeskError> {
        let keep = self
            .review
            .rows
            .get(self.review.selected)
            .map(|b| (b.ticket_id, b.metric.clone(), b.cycle));
        let rows = desk.review_queue(Some(REVIEW_LIMIT))?;
        let selected = keep
            .and_then(|k| {
                rows.iter()
                    .position(|b| (b.ticket_id, &b.metric, b.cycle) == (k.0, &k.1, k.2))
            })
            .unwrap_or(self.review.selected);
        self.review.selected = selected.min(rows.len().saturating_sub(1));
        self.review.rows = rows;
        self.scroll_review();
        Ok(())
    }

    /// The week holding `date`, and the trend of the 30 days ending with it (or today).
    /// The week holding `date`, and the trend of the 30 days ending with it (or today).
    pub(super) fn load_dashboard(&mut self, desk: &Desk, date: NaiveDate) -> Result<(), DeskError> {
        self.dashboard = Some(desk.dashboard(date, TREND_DAYS)?);
        Ok(())
    }

    pub(super) fn scroll_review(&mut self) {
        let page = self.page();
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

    pub(super) fn update_review(&mut self, action: Action, desk: &mut Desk, _now: DateTime<Utc>) {
        let last = self.review.rows.len().saturating_sub(1);
        let page = self.page();
        let r = &mut self.review;
        match action {
            Action::Up => r.selected = r.selected.saturating_sub(1),
            Action::Down => r.selected = (r.selected + 1).min(last),
            Action::Top => r.selected = 0,
            Action::Bottom => r.selected = last,
            Action::PageUp => r.selected = r.selected.saturating_sub(page),
            Action::PageDown => r.selected = (r.selected + page).min(last),
            Action::Back | Action::Quit | Action::Cancel => self.mode = Mode::Board,
            Action::Dashboard => self.open_dashboard(desk),
            Action::Judge | Action::JudgeMinor | Action::JudgeMajor => {
                let class = if action == Action::JudgeMajor {
                    BreachClass::Major
                } else {
                    BreachClass::Minor
                };
                if let Some(b) = r.rows.get(r.selected) {
                    let form = judge_form(b, class, desk, self.lang);
                    self.mode = Mode::Form(Box::new(form));
                }
            }
            _ => {}
        }
        self.scroll_review();
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
            Action::PrevPeriod => d.period.first - Days::new(1),
            Action::NextPeriod if d.period.last < d.today => d.period.last + Days::new(1),
            _ => return,
        };
        if let Err(e) = self.load_dashboard(desk, date) {
            self.tell_db_error(&e, now);
        }
    }
}

/// The judgement form on a breach, its title naming the ticket, clock, cycle and lateness.
fn judge_form(b: &Breach, class: BreachClass, desk: &Desk, lang: &'static str) -> Form {
    let title = t!(
        "form.judge",
        locale = lang,
        id = b.ticket_id,
        metric = metric_label(desk.policy(), &b.metric, lang),
        cycle = b.cycle,
        late = crate::words::duration::late(b.late_secs(desk.now()), lang)
    )
    .to_string();
    Form::judge(b.ticket_id, &b.metric, b.cycle, class, title, lang)
}

//! The breach review screen (R): the queue newest or oldest first, filtered, read a page at a
//! time as the cursor goes down; Enter opens the ticket, space marks, `m`/`M` judge the marked
//! breaches (or the selected one) through the judgement form.

use super::{Action, App, Form, Mode, metric_label};
use crate::desk::{Desk, DeskError, Judging};
use crate::domain::kpi::PeriodKind;
use crate::domain::review::{Breach, BreachClass, Judgement, Openness, QueueCounts, QueueOrder, Review, ReviewFilter};
use crate::domain::ticket::{Kind, Priority};
use crate::t;
use crate::tui::form::LineInput;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// Breaches read per page as the cursor nears the end of what is loaded.
pub const REVIEW_PAGE: usize = 200;

/// A breach's key: ticket, metric, cycle.
pub type BreachKey = (i64, String, u32);

pub fn key_of(b: &Breach) -> BreachKey {
    (b.ticket_id, b.metric.clone(), b.cycle)
}

/// The breach review screen's state.
#[derive(Default)]
pub struct ReviewScreen {
    /// The pages read so far, in queue order.
    pub rows: Vec<Breach>,
    pub selected: usize,
    pub offset: usize,
    pub order: QueueOrder,
    /// The deadline's period (today, this week, this month on the shop calendar), or all.
    pub period: Option<PeriodKind>,
    pub metric: Option<String>,
    pub priority: Option<Priority>,
    pub kind: Option<Kind>,
    pub status: Option<Openness>,
    pub text: LineInput,
    /// `/` was pressed: keys type into `text`.
    pub typing: bool,
    pub marked: BTreeSet<BreachKey>,
    /// How many match the filters, and how they split.
    pub counts: QueueCounts,
    /// Whether another page may follow the rows read.
    pub more: bool,
    /// The judgement form was opened from the ticket screen: it goes back there.
    pub from_ticket: bool,
}

/// How many of `want` more rows after `loaded` can match: all of them past the counts' cap,
/// else no more than the exact count leaves.
fn within(counts: &QueueCounts, loaded: usize, want: usize) -> usize {
    if counts.capped {
        want
    } else {
        want.min(counts.total.saturating_sub(loaded))
    }
}

/// The next value of a filter: none, each value in turn, none again.
fn cycle<T: Clone + PartialEq>(current: &Option<T>, all: &[T]) -> Option<T> {
    match current {
        None => all.first().cloned(),
        Some(v) => all.iter().position(|x| x == v).and_then(|i| all.get(i + 1)).cloned(),
    }
}

impl App {
    /// The filter the screen's choices describe, the period on the shop calendar today.
    pub fn review_filter(&self, desk: &Desk) -> ReviewFilter {
        let r = &self.review;
        let period = r.period.map(|kind| desk.period(kind, None));
        let text = r.text.value().trim();
        ReviewFilter {
            from: period.map(|p| p.from),
            to: period.map(|p| p.to),
            metric: r.metric.clone(),
            priority: r.priority,
            kind: r.kind,
            status: r.status,
            text: (!text.is_empty()).then(|| text.to_string()),
            ticket: None,
        }
    }

    /// Whether any filter narrows the queue.
    pub fn review_filter_is_set(&self) -> bool {
        let r = &self.review;
        r.period.is_some()
            || r.metric.is_some()
            || r.priority.is_some()
            || r.kind.is_some()
            || r.status.is_some()
            || !r.text.value().trim().is_empty()
    }

    /// Reads the queue again (as many rows as were loaded, at least a page), keeping the
    /// selected breach and the marks still in it.
    pub(super) fn load_review(&mut self, desk: &Desk) -> Result<(), DeskError> {
        let keep = self.review.rows.get(self.review.selected).map(key_of);
        let filter = self.review_filter(desk);
        // The counts first: below their cap they are exact, so the rows' read stops at the last
        // match instead of walking the rest of the backlog for a rare filter (each key typed
        // after `/` reads once, not twice), and does not start when nothing matches.
        let counts = desk.review_counts(&filter)?;
        let want = within(&counts, 0, self.review.rows.len().max(REVIEW_PAGE));
        let rows = if want == 0 {
            Vec::new()
        } else {
            desk.review_list(&filter, self.review.order, Some(want))?
        };
        let r = &mut self.review;
        r.more = rows.len() == want && (counts.capped || rows.len() < counts.total);
        r.selected = keep
            .and_then(|k| rows.iter().position(|b| key_of(b) == k))
            .unwrap_or(r.selected)
            .min(rows.len().saturating_sub(1));
        let present: BTreeSet<BreachKey> = rows.iter().map(key_of).collect();
        r.marked.retain(|k| present.contains(k));
        r.rows = rows;
        r.counts = counts;
        self.scroll_review();
        Ok(())
    }

    /// Reads the next page when the cursor is within a page of the end of what is loaded.
    fn read_on(&mut self, desk: &Desk) -> Result<(), DeskError> {
        let page = self.page();
        if !self.review.more || self.review.selected + page < self.review.rows.len() {
            return Ok(());
        }
        let filter = self.review_filter(desk);
        let r = &self.review;
        let want = within(&r.counts, r.rows.len(), REVIEW_PAGE);
        let next = if want == 0 {
            Vec::new()
        } else {
            desk.review_page(&filter, r.order, r.rows.last(), want)?
        };
        let r = &mut self.review;
        r.more = next.len() == want && want > 0 && (r.counts.capped || r.rows.len() + next.len() < r.counts.total);
        r.rows.extend(next);
        Ok(())
    }

    /// A filter or the order changed: from the top, marks cleared.
    fn refilter(&mut self, desk: &Desk, now: DateTime<Utc>) {
        self.review.rows.clear();
        self.review.selected = 0;
        self.review.offset = 0;
        self.review.marked.clear();
        if let Err(e) = self.load_review(desk) {
            self.tell_db_error(&e, now);
        }
    }

    /// A key typed into the `/` filter: the queue follows as it is typed.
    pub(super) fn type_review_text(&mut self, key: &ratatui::crossterm::event::KeyEvent, desk: &Desk) {
        if self.review.text.handle(key) == Some(true) {
            self.refilter(desk, desk.now());
        }
    }

    pub(super) fn update_review(&mut self, action: Action, desk: &mut Desk, now: DateTime<Utc>) {
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
            Action::Submit if r.typing => r.typing = false,
            Action::Cancel if r.typing => {
                r.typing = false;
                r.text = LineInput::default();
                self.refilter(desk, now);
            }
            Action::Back | Action::Quit | Action::Cancel => self.mode = Mode::Board,
            Action::Dashboard => self.open_dashboard(desk),
            Action::Filter => r.typing = true,
            Action::Mark => {
                if let Some(b) = r.rows.get(r.selected) {
                    let k = key_of(b);
                    if !r.marked.remove(&k) {
                        r.marked.insert(k);
                    }
                    r.selected = (r.selected + 1).min(last);
                }
            }
            Action::Open => {
                if let Some(id) = r.rows.get(r.selected).map(|b| b.ticket_id) {
                    self.open_ticket(id, desk);
                    self.back_to_review = matches!(self.mode, Mode::Ticket);
                }
                return;
            }
            Action::ToggleOrder
            | Action::FilterPeriod
            | Action::FilterMetric
            | Action::FilterPriority
            | Action::FilterKind
            | Action::FilterStatus
            | Action::ClearFilters => {
                match action {
                    Action::ToggleOrder => r.order = r.order.toggled(),
                    Action::FilterPeriod => {
                        r.period = cycle(&r.period, &[PeriodKind::Day, PeriodKind::Week, PeriodKind::Month])
                    }
                    Action::FilterMetric => {
                        let names: Vec<String> = desk.policy().metrics.iter().map(|m| m.name.clone()).collect();
                        r.metric = cycle(&r.metric, &names);
                    }
                    Action::FilterPriority => r.priority = cycle(&r.priority, Priority::ALL),
                    Action::FilterKind => r.kind = cycle(&r.kind, Kind::ALL),
                    Action::FilterStatus => r.status = cycle(&r.status, Openness::ALL),
                    _ => {
                        let order = r.order;
                        *r = ReviewScreen {
                            order,
                            ..ReviewScreen::default()
                        };
                    }
                }
                self.refilter(desk, now);
                return;
            }
            Action::Judge | Action::JudgeMinor | Action::JudgeMajor => {
                let class = if action == Action::JudgeMajor {
                    BreachClass::Major
                } else {
                    BreachClass::Minor
                };
                if r.rows.get(r.selected).is_none() || !self.may_judge(desk, now) {
                    return;
                }
                let r = &mut self.review;
                if let Some(b) = r.rows.get(r.selected) {
                    r.from_ticket = false;
                    let form = judge_form(b, class, r.marked.len(), desk, self.lang);
                    self.mode = Mode::Form(Box::new(form));
                }
            }
            _ => {}
        }
        if let Err(e) = self.read_on(desk) {
            self.tell_db_error(&e, now);
        }
        self.scroll_review();
    }

    /// Whether the agent may judge; when not, they are told so before any form is filled in.
    fn may_judge(&mut self, desk: &Desk, now: DateTime<Utc>) -> bool {
        match desk.check_supervisor() {
            Ok(()) => true,
            Err(e @ DeskError::NotSupervisor { .. }) => {
                let text = self.error_text(&e, 0);
                self.tell(text, true, now);
                false
            }
            Err(e) => {
                self.tell_db_error(&e, now);
                false
            }
        }
    }

    /// `m`/`M` on the ticket screen: the judgement form on the ticket's oldest unjudged breach.
    pub(super) fn judge_from_ticket(&mut self, id: i64, class: BreachClass, desk: &Desk) {
        if !self.may_judge(desk, desk.now()) {
            return;
        }
        let filter = ReviewFilter {
            ticket: Some(id),
            ..ReviewFilter::default()
        };
        match desk.review_list(&filter, QueueOrder::OldestFirst, Some(1)) {
            Ok(found) => match found.first() {
                Some(b) => {
                    self.review.from_ticket = true;
                    self.mode = Mode::Form(Box::new(judge_form(b, class, 0, desk, self.lang)));
                }
                None => {
                    // All judged already: say how to amend instead.
                    let judged = desk.reviews_of(id).is_ok_and(|r| !r.is_empty());
                    let key = if judged {
                        "tui.no_breach_here_amend"
                    } else {
                        "tui.no_breach_here"
                    };
                    let text = t!(key, locale = self.lang, id = id).to_string();
                    self.tell(text, true, desk.now());
                }
            },
            Err(e) => self.tell_db_error(&e, desk.now()),
        }
    }

    /// `a` on the ticket screen: the judgement form on the ticket's judged breaches, filled
    /// from the most recent judgement, marked as an amendment.
    pub(super) fn amend_from_ticket(&mut self, id: i64, desk: &Desk) {
        if !self.may_judge(desk, desk.now()) {
            return;
        }
        let lang = self.lang;
        let judged = match desk.reviews_of(id) {
            Ok(judged) => judged,
            Err(e) => return self.tell_db_error(&e, desk.now()),
        };
        // The latest judgement first in view: the one most likely given too fast.
        let Some(latest) = judged
            .iter()
            .enumerate()
            .max_by_key(|(_, r)| r.judged_at)
            .map(|(i, _)| i)
        else {
            let text = t!("tui.nothing_to_amend", locale = lang, id = id).to_string();
            return self.tell(text, true, desk.now());
        };
        let labelled: Vec<(Review, String)> = judged
            .into_iter()
            .map(|r| {
                let label = judgement_label(desk, &r, lang);
                (r, label)
            })
            .collect();
        let title = t!("form.amend", locale = lang, id = id).to_string();
        self.review.from_ticket = true;
        self.mode = Mode::Form(Box::new(Form::amend(id, &labelled, latest, title, lang)));
    }

    /// The marked breaches, when a judgement from the queue applies to them all.
    pub(super) fn marked_targets(&self) -> Option<Vec<(i64, String, Option<u32>)>> {
        let r = &self.review;
        (!r.from_ticket && !r.marked.is_empty())
            .then(|| r.marked.iter().map(|(id, m, c)| (*id, m.clone(), Some(*c))).collect())
    }
}

/// One judgement on every marked breach, in one transaction.
pub(super) fn judge_marked(
    desk: &mut Desk,
    targets: &[(i64, String, Option<u32>)],
    judgement: &Judgement,
    lang: &str,
) -> Result<(i64, String), DeskError> {
    let done = desk.judge_many(targets, judgement, Judging::New)?;
    let mut tickets: Vec<i64> = done.iter().map(|r| r.ticket_id).collect();
    tickets.dedup();
    let amount = judgement.amount.map(|a| format!(" {a}")).unwrap_or_default();
    let text = t!(
        "review.judged_many",
        locale = lang,
        n = done.len(),
        tickets = tickets.len(),
        class = crate::words::word("review.class", judgement.class.slug(), lang),
        remedy = format!(
            "{}{amount}",
            crate::words::word("review.remedy", judgement.remedy.slug(), lang)
        )
    );
    Ok((tickets.first().copied().unwrap_or_default(), text.to_string()))
}

/// "First response (cycle 1): minor breach, apology": a judged breach as an amendment offers it.
fn judgement_label(desk: &Desk, r: &Review, lang: &'static str) -> String {
    let j = &r.judgement;
    let amount = j.amount.map(|a| format!(" {a}")).unwrap_or_default();
    let judged = crate::words::list(
        &[
            crate::words::word("review.class", j.class.slug(), lang),
            format!("{}{amount}", crate::words::word("review.remedy", j.remedy.slug(), lang)),
        ],
        lang,
    );
    let breach = t!(
        "tui.cycle",
        locale = lang,
        metric = metric_label(desk.policy(), &r.metric, lang),
        n = r.cycle
    );
    format!("{breach}{}{judged}", t!("cli.label_sep", locale = lang))
}

/// The judgement form on a breach (or on the `marked` ones), its title naming what it judges.
fn judge_form(b: &Breach, class: BreachClass, marked: usize, desk: &Desk, lang: &'static str) -> Form {
    let title = if marked > 0 {
        t!("form.judge_marked", locale = lang, n = marked).to_string()
    } else {
        t!(
            "form.judge",
            locale = lang,
            id = b.ticket_id,
            metric = metric_label(desk.policy(), &b.metric, lang),
            cycle = b.cycle,
            late = crate::words::duration::late_both(desk.policy(), b, desk.now(), lang)
        )
        .to_string()
    };
    Form::judge(b.ticket_id, &b.metric, b.cycle, class, title, lang)
}

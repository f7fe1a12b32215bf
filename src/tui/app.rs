//! The board's state and its one entry for change: `update(action)`. It calls the desk with
//! the ticket version the agent saw and reloads what changed; drawing happens elsewhere, from
//! `&App` alone.

use super::form::{self, Form, Purpose};
pub use super::keymap::Action;
use super::keymap::{Context, Key, Keymap};
use super::theme::Theme;
use crate::desk::{Desk, DeskError, Edit, FollowUp, Housekeeping, TicketView};
use crate::domain::kpi::{Compliance, Kpis, Period, PeriodKind};
use crate::domain::listing::{ListQuery, TicketSummary};
use crate::domain::log::{ContactMethod, Direction};
use crate::domain::policy::Policy;
use crate::domain::review::{Amount, Breach, BreachClass, Judgement, Remedy};
use crate::domain::sla::ClockState;
use crate::domain::sla::StoredClock;
use crate::domain::target::Target;
use crate::domain::text::sanitize_line;
use crate::domain::ticket::{Channel, Complexity, Customer, Kind, NewTicket, Priority, Status, mask_phone};
use crate::store::StoreError;
use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rust_i18n::t;
use std::collections::HashMap;
use tui_input::Input;

/// How many tickets the "all" view loads (closed ones come last; the rest is a search away).
pub const ALL_LIMIT: usize = 20_000;

/// A clock's standing at a given instant, from least to most pressing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Live {
    None,
    Paused,
    Ok,
    Warning,
    Breached,
}

/// The nearest clock of a row, prepared for live countdowns.
#[derive(Debug, Clone, PartialEq)]
pub struct RowClock {
    pub label: String,
    pub due_at: Option<DateTime<Utc>>,
    /// When the clock enters warning (computed once at load from the metric's calendar).
    pub warn_from: Option<DateTime<Utc>>,
    pub paused: bool,
    /// Business seconds left, frozen while paused.
    pub frozen_remaining: Option<i64>,
}

impl RowClock {
    /// Computed from `due_at` and `now`, never from a stored state that may be stale.
    pub fn live(&self, now: DateTime<Utc>) -> Live {
        match self.due_at {
            _ if self.paused => Live::Paused,
            Some(due) if due <= now => Live::Breached,
            Some(_) if self.warn_from.is_some_and(|w| w <= now) => Live::Warning,
            Some(_) => Live::Ok,
            None => Live::Paused,
        }
    }

    /// Seconds to the deadline (negative when late), or the frozen remainder when paused.
    pub fn remaining(&self, now: DateTime<Utc>) -> Option<i64> {
        if self.paused {
            return self.frozen_remaining;
        }
        self.due_at.map(|d| (d - now).num_seconds())
    }
}

/// One line of the board, with its text sanitised once at load.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: i64,
    pub priority: Priority,
    pub status: Status,
    pub title: String,
    pub customer: String,
    /// Lower-cased title, customer name and reference, for the filter.
    pub haystack: String,
    pub clock: Option<RowClock>,
}

impl Row {
    pub fn from_summary(s: &TicketSummary, policy: &Policy, lang: &str) -> Row {
        let t = &s.ticket;
        Row {
            id: t.id,
            priority: t.priority,
            status: t.status,
            title: sanitize_line(&t.title),
            customer: sanitize_line(&customer_cell(&t.customer)),
            haystack: format!("{}\n{}\n{}", t.title, t.customer.name, t.reference).to_lowercase(),
            clock: s.nearest.as_ref().map(|c| row_clock(c, policy, lang)),
        }
    }

    pub fn live(&self, now: DateTime<Utc>) -> Live {
        self.clock.as_ref().map_or(Live::None, |c| c.live(now))
    }
}

/// Name and masked phone, as the board shows a customer.
pub fn customer_cell(c: &Customer) -> String {
    let phone = mask_phone(&c.phone);
    match (c.name.trim().is_empty(), phone.is_empty()) {
        (true, _) => c.label(),
        (false, true) => c.name.trim().to_string(),
        (false, false) => format!("{} {phone}", c.name.trim()),
    }
}

pub use crate::words::metric as metric_label;

fn row_clock(c: &StoredClock, policy: &Policy, lang: &str) -> RowClock {
    let paused = c.state == ClockState::Paused.slug() || c.due_at.is_none();
    let warn_from = match (c.state.as_str(), c.due_at) {
        (_, None) => None,
        ("warning" | "breached", _) => Some(c.started_at),
        (_, Some(due)) => warn_from(policy, &c.metric, c.started_at, due, c.paused_secs),
    };
    RowClock {
        label: metric_label(policy, &c.metric, lang),
        due_at: c.due_at,
        warn_from,
        paused,
        frozen_remaining: c.remaining_secs,
    }
}

/// The instant a running clock reaches its warning threshold: elapsed business time (pauses
/// excluded) >= warn_at x budget, the budget being the business time from start to due less
/// the pauses already taken.
pub fn warn_from(
    policy: &Policy,
    metric: &str,
    started: DateTime<Utc>,
    due: DateTime<Utc>,
    paused_secs: i64,
) -> Option<DateTime<Utc>> {
    let m = policy.metric(metric)?;
    let cal = policy.metric_calendar(m);
    let budget = cal.business_between(started, due).num_seconds() - paused_secs;
    let at = (m.warn_at * budget as f64).ceil() as i64 + paused_secs;
    cal.add_business(started, Duration::seconds(at))
        .ok()
        .map(|w| w.min(due))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Open,
    Waiting,
    Overdue,
    Resolved,
    All,
}

impl View {
    pub const ALL: [View; 5] = [View::Open, View::Waiting, View::Overdue, View::Resolved, View::All];

    pub fn label_key(self) -> &'static str {
        match self {
            View::Open => "tui.view_open",
            View::Waiting => "tui.view_waiting",
            View::Overdue => "tui.view_overdue",
            View::Resolved => "tui.view_resolved",
            View::All => "tui.view_all",
        }
    }

    pub fn action(self) -> Action {
        match self {
            View::Open => Action::ViewOpen,
            View::Waiting => Action::ViewWaiting,
            View::Overdue => Action::ViewOverdue,
            View::Resolved => Action::ViewResolved,
            View::All => Action::ViewAll,
        }
    }

    fn admits(self, row: &Row, now: DateTime<Utc>) -> bool {
        match self {
            View::Open => row.status == Status::Open,
            View::Waiting => row.status == Status::Waiting,
            View::Overdue => row.status.is_active() && row.live(now) == Live::Breached,
            View::Resolved => row.status == Status::Resolved,
            View::All => true,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub open: usize,
    pub warning: usize,
    pub breached: usize,
    pub waiting: usize,
    pub resolved: usize,
}

/// The open ticket screen.
pub struct TicketScreen {
    pub view: TicketView,
    /// Warning instants of the running clocks, by index into `view.clocks`.
    pub warn_from: Vec<Option<DateTime<Utc>>>,
    pub scroll: u16,
}

/// The breach review screen (R): the queue, oldest deadline first.
#[derive(Debug, Clone, Default)]
pub struct ReviewScreen {
    pub rows: Vec<Breach>,
    pub selected: usize,
    pub offset: usize,
}

/// The dashboard (D): one week's KPIs and the 30-day compliance trend ending with it.
#[derive(Debug, Clone)]
pub struct DashboardScreen {
    pub period: Period,
    pub kpis: Kpis,
    pub trend: Vec<(NaiveDate, Compliance)>,
    /// The shop's today when loaded (the trend never runs past it).
    pub today: NaiveDate,
}

/// How many breaches the review screen loads (the header gives the full count).
pub const REVIEW_LIMIT: usize = 1000;
/// Days in the dashboard's compliance trend.
pub const TREND_DAYS: u32 = 30;
/// How often housekeeping (auto-close, the month's callback sample) and the supervisor's
/// figures refresh when nothing else moves.
pub const HOUSEKEEPING_SECS: i64 = 60;

pub enum Mode {
    Board,
    Filter,
    Ticket,
    Form(Box<Form>),
    Review,
    Dashboard,
}

/// A line for the status bar, shown for a few seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
    pub at: DateTime<Utc>,
}

pub const NOTICE_SECS: i64 = 8;

pub struct App {
    pub lang: &'static str,
    /// The desk's policy (metric labels, the shop's time zone), copied at load for drawing.
    pub policy: Policy,
    pub keymap: Keymap,
    pub theme: Theme,
    pub mode: Mode,
    /// The help overlay and its scroll, over whatever is below.
    pub help: Option<u16>,
    pub view: View,
    /// Open, waiting and resolved tickets, most urgent first.
    pub rows: Vec<Row>,
    /// Every ticket (up to [`ALL_LIMIT`]), loaded only for the "all" view.
    pub all_rows: Vec<Row>,
    /// Indexes into the current view's source, after the view and the filter.
    pub shown: Vec<usize>,
    pub selected: usize,
    pub offset: usize,
    pub filter: Input,
    pub counts: Counts,
    pub ticket: Option<TicketScreen>,
    pub notice: Option<Notice>,
    /// Terminal size (columns, rows), for paging.
    pub size: (u16, u16),
    pub flash: HashMap<i64, DateTime<Utc>>,
    pub quit: bool,
    /// Breaches awaiting judgement (the header), refreshed on reload and once a minute.
    pub review_count: Option<usize>,
    pub review: ReviewScreen,
    pub dashboard: Option<DashboardScreen>,
    housekept_at: Option<DateTime<Utc>>,
    data_version: Option<i64>,
    last_live: HashMap<i64, Live>,
    bell: bool,
}

/// Rows of chrome around the board's table: header, tabs, column titles, status line.
pub const BOARD_CHROME: u16 = 4;

impl App {
    pub fn new(lang: &'static str, keymap: Keymap, theme: Theme) -> App {
        App {
            lang,
            policy: Policy::builtin(),
            keymap,
            theme,
            mode: Mode::Board,
            help: None,
            view: View::Open,
            rows: Vec::new(),
            all_rows: Vec::new(),
            shown: Vec::new(),
            selected: 0,
            offset: 0,
            filter: Input::default(),
            counts: Counts::default(),
            ticket: None,
            notice: None,
            size: (80, 24),
            flash: HashMap::new(),
            quit: false,
            review_count: None,
            review: ReviewScreen::default(),
            dashboard: None,
            housekept_at: None,
            data_version: None,
            last_live: HashMap::new(),
            bell: false,
        }
    }

    /// Loads the board from the desk (start-up, after a write, when another process wrote).
    pub fn load(&mut self, desk: &Desk) {
        let now = desk.now();
        self.policy = desk.policy().clone();
        if let Err(e) = self.reload(desk) {
            self.tell(
                t!(
                    "msg.db_error",
                    locale = self.lang,
                    error = crate::words::errors::desk(&e, self.lang)
                )
                .to_string(),
                true,
                now,
            );
        }
        self.data_version = desk.store().data_version().ok();
        self.refresh_live(now, false);
    }

    /// Start-up on a real terminal: housekeeping first (what fell due while the board was
    /// closed), then the load.
    pub fn start(&mut self, desk: &mut Desk) {
        let now = desk.now();
        let done = self.housekeep(desk, now);
        self.load(desk);
        if let Some(text) = done {
            self.tell(text, false, now);
        }
    }

    /// Runs the desk's housekeeping; returns what to tell when it did something, or the error.
    fn housekeep(&mut self, desk: &mut Desk, now: DateTime<Utc>) -> Option<String> {
        self.housekept_at = Some(now);
        match desk.housekeeping() {
            Ok(done) => self.housekeeping_text(&done, desk),
            Err(e) => {
                self.tell(
                    t!(
                        "msg.db_error",
                        locale = self.lang,
                        error = crate::words::errors::desk(&e, self.lang)
                    )
                    .to_string(),
                    true,
                    now,
                );
                None
            }
        }
    }

    fn housekeeping_text(&self, done: &Housekeeping, desk: &Desk) -> Option<String> {
        let lang = self.lang;
        // A status line holds a few ids; the rest are in the log and `promptly callback list`.
        let ids = |v: &[i64]| {
            let mut shown: Vec<String> = v.iter().take(5).map(|id| format!("#{id}")).collect();
            if v.len() > 5 {
                shown.push(format!("+{}", v.len() - 5));
            }
            shown.join(", ")
        };
        let mut parts = Vec::new();
        if !done.auto_closed.is_empty() {
            parts.push(
                t!(
                    "msg.auto_closed",
                    locale = lang,
                    days = desk.policy().settings.auto_close_days,
                    ids = ids(&done.auto_closed)
                )
                .to_string(),
            );
        }
        if let Some(s) = done.sampled.as_ref().filter(|s| !s.already && !s.picked.is_empty()) {
            parts.push(
                t!(
                    "callback.sampled",
                    locale = lang,
                    month = s.month.to_string(),
                    count = s.picked.len(),
                    closed = s.closed,
                    ids = ids(&s.picked)
                )
                .to_string(),
            );
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    /// The supervisor's figures: the header's review count, and the review and dashboard
    /// screens when open.
    fn reload_supervision(&mut self, desk: &Desk) -> Result<(), DeskError> {
        self.review_count = Some(desk.review_count()?);
        if matches!(self.mode, Mode::Review) || self.form_is_judgement() {
            self.load_review(desk)?;
        }
        if let Some(d) = &self.dashboard {
            let date = d.period.last.min(desk.today());
            self.load_dashboard(desk, date)?;
        }
        Ok(())
    }

    fn form_is_judgement(&self) -> bool {
        matches!(&self.mode, Mode::Form(f) if matches!(f.purpose, Purpose::Judge { .. }))
    }

    fn refresh_review(&mut self, desk: &Desk) -> Result<(), DeskError> {
        self.review_count = Some(desk.review_count()?);
        self.load_review(desk)
    }

    fn load_review(&mut self, desk: &Desk) -> Result<(), DeskError> {
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
    fn load_dashboard(&mut self, desk: &Desk, date: NaiveDate) -> Result<(), DeskError> {
        let today = desk.today();
        let period = desk.period(PeriodKind::Week, Some(date));
        let kpis = desk.kpis(period)?;
        let trend = desk.compliance_trend(period.last.min(today), TREND_DAYS)?;
        self.dashboard = Some(DashboardScreen {
            period,
            kpis,
            trend,
            today,
        });
        Ok(())
    }

    fn scroll_review(&mut self) {
        let page = self.page();
        let r = &mut self.review;
        if r.selected < r.offset {
            r.offset = r.selected;
        } else if r.selected >= r.offset + page {
            r.offset = r.selected + 1 - page;
        }
    }

    fn reload(&mut self, desk: &Desk) -> Result<(), DeskError> {
        self.reload_supervision(desk)?;
        let keep = self.selected_id();
        let query = ListQuery {
            statuses: vec![Status::Open, Status::Waiting, Status::Resolved],
            ..Default::default()
        };
        let policy = desk.policy();
        self.rows = desk
            .list(&query)?
            .iter()
            .map(|s| Row::from_summary(s, policy, self.lang))
            .collect();
        self.all_rows = if self.view == View::All {
            let query = ListQuery {
                limit: Some(ALL_LIMIT),
                ..Default::default()
            };
            desk.list(&query)?
                .iter()
                .map(|s| Row::from_summary(s, policy, self.lang))
                .collect()
        } else {
            Vec::new()
        };
        if let Some(screen) = &self.ticket {
            let id = screen.view.ticket.id;
            match desk.view(id) {
                Ok(view) => self.set_ticket(view, desk),
                Err(DeskError::NotFound(_)) => {
                    self.ticket = None;
                    if matches!(self.mode, Mode::Ticket) {
                        self.mode = Mode::Board;
                    }
                }
                Err(e) => return Err(e),
            }
        }
        self.recompute_shown(desk.now(), keep);
        Ok(())
    }

    fn set_ticket(&mut self, view: TicketView, desk: &Desk) {
        let warn = view
            .clocks
            .iter()
            .map(|c| match (c.state, c.due_at) {
                (ClockState::Running, Some(due)) => {
                    warn_from(desk.policy(), &c.metric, c.started_at, due, c.paused_secs)
                }
                (ClockState::Warning | ClockState::Breached, _) => Some(c.started_at),
                _ => None,
            })
            .collect();
        let scroll = self
            .ticket
            .as_ref()
            .filter(|s| s.view.ticket.id == view.ticket.id)
            .map_or(0, |s| s.scroll);
        self.ticket = Some(TicketScreen {
            view,
            warn_from: warn,
            scroll,
        });
    }

    /// The rows the current view draws from.
    pub fn source(&self) -> &[Row] {
        if self.view == View::All {
            &self.all_rows
        } else {
            &self.rows
        }
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.shown.get(self.selected).and_then(|i| self.source().get(*i))
    }

    fn selected_id(&self) -> Option<i64> {
        self.selected_row().map(|r| r.id)
    }

    fn recompute_shown(&mut self, now: DateTime<Utc>, keep: Option<i64>) {
        let needle = self.filter.value().trim().to_lowercase();
        let view = self.view;
        self.shown = self
            .source()
            .iter()
            .enumerate()
            .filter(|(_, r)| view.admits(r, now) && (needle.is_empty() || r.haystack.contains(&needle)))
            .map(|(i, _)| i)
            .collect();
        if let Some(id) = keep
            && let Some(pos) = self.shown.iter().position(|i| self.source()[*i].id == id)
        {
            self.selected = pos;
        }
        self.selected = self.selected.min(self.shown.len().saturating_sub(1));
        self.scroll_into_view();
    }

    /// Table rows that fit on screen.
    pub fn page(&self) -> usize {
        self.size.1.saturating_sub(BOARD_CHROME).max(1) as usize
    }

    fn scroll_into_view(&mut self) {
        let page = self.page();
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(self.shown.len().saturating_sub(1));
    }

    /// Recomputes counts and live states; flags rows that newly entered warning or breach.
    fn refresh_live(&mut self, now: DateTime<Utc>, announce: bool) {
        let mut counts = Counts::default();
        let mut live = HashMap::with_capacity(self.rows.len());
        let mut rang = false;
        for row in &self.rows {
            match row.status {
                Status::Open => counts.open += 1,
                Status::Waiting => counts.waiting += 1,
                Status::Resolved => counts.resolved += 1,
                Status::Closed => {}
            }
            if !row.status.is_active() {
                continue;
            }
            let state = row.live(now);
            match state {
                Live::Warning => counts.warning += 1,
                Live::Breached => counts.breached += 1,
                _ => {}
            }
            if announce && state >= Live::Warning && self.last_live.get(&row.id).is_some_and(|before| *before < state) {
                self.flash.insert(row.id, now + Duration::seconds(1));
                rang = true;
            }
            live.insert(row.id, state);
        }
        self.last_live = live;
        self.counts = counts;
        self.flash.retain(|_, until| *until > now);
        self.bell |= rang;
    }

    /// True once per ring: the terminal loop writes BEL.
    pub fn take_bell(&mut self) -> bool {
        std::mem::take(&mut self.bell)
    }

    /// The 1 s tick: when another process wrote, or once a minute, housekeeping (idempotent,
    /// cheap when nothing is due); reload if anything moved, then update live states.
    pub fn tick(&mut self, desk: &mut Desk) {
        let now = desk.now();
        let minute = self
            .housekept_at
            .is_none_or(|at| now - at >= Duration::seconds(HOUSEKEEPING_SECS) || now < at);
        match desk.store().data_version() {
            Ok(v) => {
                let moved = Some(v) != self.data_version;
                self.data_version = Some(v);
                let done = if moved || minute {
                    self.housekeep(desk, now)
                } else {
                    None
                };
                let result = if moved || done.is_some() {
                    self.reload(desk)
                } else if minute {
                    // Clocks go late without any write: the queue and the figures move anyway.
                    self.reload_supervision(desk)
                } else {
                    Ok(())
                };
                if let Err(e) = result {
                    self.tell(
                        t!(
                            "msg.db_error",
                            locale = self.lang,
                            error = crate::words::errors::desk(&e, self.lang)
                        )
                        .to_string(),
                        true,
                        now,
                    );
                } else if let Some(text) = done {
                    self.tell(text, false, now);
                }
            }
            Err(e) => self.tell(
                t!(
                    "msg.db_error",
                    locale = self.lang,
                    error = crate::words::errors::store(&e, self.lang)
                )
                .to_string(),
                true,
                now,
            ),
        }
        self.refresh_live(now, true);
        if self.view == View::Overdue {
            let keep = self.selected_id();
            self.recompute_shown(now, keep);
        }
    }

    /// A mouse click on table row `n` (0 = first visible row) of the board selects it.
    pub fn click(&mut self, n: u16) {
        if matches!(self.mode, Mode::Board) && self.help.is_none() {
            let row = self.offset + n as usize;
            if row < self.shown.len() {
                self.selected = row;
            }
        }
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = (width, height);
        self.scroll_into_view();
    }

    fn tell(&mut self, text: String, error: bool, now: DateTime<Utc>) {
        self.notice = Some(Notice { text, error, at: now });
    }

    /// Where keys are read now.
    pub fn context(&self) -> Context {
        if self.help.is_some() {
            return Context::Help;
        }
        match self.mode {
            Mode::Board => Context::Board,
            Mode::Filter => Context::Filter,
            Mode::Ticket => Context::Ticket,
            Mode::Form(_) => Context::Form,
            Mode::Review => Context::Review,
            Mode::Dashboard => Context::Dashboard,
        }
    }

    /// A key press: Ctrl-C quits anywhere; the keymap of the context picks the action; in a
    /// text field, unbound keys (and the editor's own keys) edit the text.
    pub fn handle_key(&mut self, key: KeyEvent, desk: &mut Desk) {
        if key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c' | 'C')) {
            self.quit = true;
            return;
        }
        let ctx = self.context();
        let bound = self.keymap.lookup(ctx, Key::from_event(&key));
        if let Mode::Form(form) = &mut self.mode
            && ctx == Context::Form
            && form.focused().is_some_and(|f| f.is_multiline())
            && !matches!(bound, Some(Action::Submit | Action::Cancel | Action::NextField | Action::PrevField | Action::Help) if !editor_key(&key))
        {
            form.type_key(key);
            return;
        }
        match bound {
            Some(action) => self.update(action, desk),
            None => match &mut self.mode {
                Mode::Form(form) if ctx == Context::Form => form.type_key(key),
                Mode::Filter if ctx == Context::Filter && form::edit_line(&mut self.filter, &key) => {
                    let now = desk.now();
                    self.selected = 0;
                    self.offset = 0;
                    self.recompute_shown(now, None);
                }
                _ => {}
            },
        }
    }

    /// The one place where state changes.
    pub fn update(&mut self, action: Action, desk: &mut Desk) {
        let now = desk.now();
        if let Some(scroll) = self.help.as_mut() {
            match action {
                Action::Back | Action::Help | Action::Quit | Action::Cancel => self.help = None,
                Action::Down => *scroll = scroll.saturating_add(1),
                Action::Up => *scroll = scroll.saturating_sub(1),
                Action::PageDown => *scroll = scroll.saturating_add(10),
                Action::PageUp => *scroll = scroll.saturating_sub(10),
                _ => {}
            }
            return;
        }
        if action == Action::Help {
            self.help = Some(0);
            return;
        }
        match &mut self.mode {
            Mode::Board | Mode::Filter => self.update_board(action, desk, now),
            Mode::Ticket => self.update_ticket(action, desk),
            Mode::Form(_) => self.update_form(action, desk, now),
            Mode::Review => self.update_review(action, desk, now),
            Mode::Dashboard => self.update_dashboard(action, desk, now),
        }
    }

    /// Opens the review screen on a fresh queue.
    pub fn open_review(&mut self, desk: &Desk) {
        let now = desk.now();
        self.mode = Mode::Review;
        self.dashboard = None;
        if let Err(e) = self.refresh_review(desk) {
            self.tell(
                t!(
                    "msg.db_error",
                    locale = self.lang,
                    error = crate::words::errors::desk(&e, self.lang)
                )
                .to_string(),
                true,
                now,
            );
        }
    }

    /// Opens the dashboard on the current week.
    pub fn open_dashboard(&mut self, desk: &Desk) {
        let now = desk.now();
        match self.load_dashboard(desk, desk.today()) {
            Ok(()) => self.mode = Mode::Dashboard,
            Err(e) => self.tell(
                t!(
                    "msg.db_error",
                    locale = self.lang,
                    error = crate::words::errors::desk(&e, self.lang)
                )
                .to_string(),
                true,
                now,
            ),
        }
    }

    fn update_review(&mut self, action: Action, desk: &mut Desk, _now: DateTime<Utc>) {
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

    fn update_dashboard(&mut self, action: Action, desk: &mut Desk, now: DateTime<Utc>) {
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
            Action::PrevPeriod => d.period.first - Days::new(1),
            Action::NextPeriod if d.period.last < d.today => d.period.last + Days::new(1),
            _ => return,
        };
        if let Err(e) = self.load_dashboard(desk, date) {
            self.tell(
                t!(
                    "msg.db_error",
                    locale = self.lang,
                    error = crate::words::errors::desk(&e, self.lang)
                )
                .to_string(),
                true,
                now,
            );
        }
    }

    fn update_board(&mut self, action: Action, desk: &mut Desk, now: DateTime<Utc>) {
        let last = self.shown.len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = last,
            Action::PageUp => self.selected = self.selected.saturating_sub(self.page()),
            Action::PageDown => self.selected = (self.selected + self.page()).min(last),
            Action::Quit => self.quit = true,
            Action::Filter => self.mode = Mode::Filter,
            Action::Submit => self.mode = Mode::Board,
            Action::Cancel | Action::Back => {
                self.mode = Mode::Board;
                if !self.filter.value().is_empty() {
                    let keep = self.selected_id();
                    self.filter = Input::default();
                    self.recompute_shown(now, keep);
                }
            }
            Action::NextView => {
                let i = View::ALL.iter().position(|v| *v == self.view).unwrap_or(0);
                self.set_view(View::ALL[(i + 1) % View::ALL.len()], desk);
            }
            Action::ViewOpen => self.set_view(View::Open, desk),
            Action::ViewWaiting => self.set_view(View::Waiting, desk),
            Action::ViewOverdue => self.set_view(View::Overdue, desk),
            Action::ViewResolved => self.set_view(View::Resolved, desk),
            Action::ViewAll => self.set_view(View::All, desk),
            Action::New => self.mode = Mode::Form(Box::new(Form::new_ticket(self.lang))),
            Action::Review => self.open_review(desk),
            Action::Dashboard => self.open_dashboard(desk),
            Action::Open => {
                if let Some(id) = self.selected_id() {
                    self.open_ticket(id, desk);
                }
            }
            Action::Log | Action::Status | Action::Priority | Action::Kind | Action::Extend | Action::Edit => {
                if let Some(id) = self.selected_id() {
                    self.open_ticket(id, desk);
                    if matches!(self.mode, Mode::Ticket) {
                        self.update_ticket(action, desk);
                    }
                }
            }
            _ => {}
        }
        self.scroll_into_view();
    }

    fn set_view(&mut self, view: View, desk: &Desk) {
        if self.view == view {
            return;
        }
        self.view = view;
        self.selected = 0;
        self.offset = 0;
        if view == View::All {
            let now = desk.now();
            if let Err(e) = self.reload(desk) {
                self.tell(
                    t!(
                        "msg.db_error",
                        locale = self.lang,
                        error = crate::words::errors::desk(&e, self.lang)
                    )
                    .to_string(),
                    true,
                    now,
                );
            }
        } else {
            self.all_rows = Vec::new();
            self.recompute_shown(desk.now(), None);
        }
    }

    /// Opens the ticket screen on `id`.
    pub fn open_ticket(&mut self, id: i64, desk: &Desk) {
        match desk.view(id) {
            Ok(view) => {
                self.ticket = None;
                self.set_ticket(view, desk);
                self.mode = Mode::Ticket;
            }
            Err(e) => {
                let text = self.error_text(&e, id);
                self.tell(text, true, desk.now());
            }
        }
    }

    fn update_ticket(&mut self, action: Action, desk: &mut Desk) {
        let Some(screen) = self.ticket.as_mut() else {
            self.mode = Mode::Board;
            return;
        };
        let lang = self.lang;
        let ticket = &screen.view.ticket;
        let form = match action {
            Action::Back | Action::Quit => {
                self.mode = Mode::Board;
                self.ticket = None;
                return;
            }
            // The log scrolls from its newest end: `scroll` counts lines back in time.
            Action::Up => {
                screen.scroll = screen.scroll.saturating_add(1);
                return;
            }
            Action::Down => {
                screen.scroll = screen.scroll.saturating_sub(1);
                return;
            }
            Action::PageUp => {
                screen.scroll = screen.scroll.saturating_add(10);
                return;
            }
            Action::PageDown => {
                screen.scroll = screen.scroll.saturating_sub(10);
                return;
            }
            Action::Top => {
                screen.scroll = u16::MAX / 2;
                return;
            }
            Action::Bottom => {
                screen.scroll = 0;
                return;
            }
            Action::New => Form::new_ticket(lang),
            Action::Log => Form::log(ticket, lang),
            Action::Status => Form::status(ticket, lang),
            Action::Priority => Form::priority(ticket, lang),
            Action::Kind => Form::kind(ticket, lang),
            Action::Extend => {
                let metrics = screen
                    .view
                    .clocks
                    .iter()
                    // Only clocks the policy lets the agent extend, and not once breached: a breach
                    // is judged, not extended away.
                    .filter(|c| c.met_at.is_none() && !c.breached)
                    .filter(|c| {
                        desk.policy()
                            .metric(&c.metric)
                            .is_some_and(|m| m.max_extension.is_some())
                    })
                    .map(|c| (c.metric.clone(), metric_label(desk.policy(), &c.metric, lang)))
                    .collect();
                Form::extend(ticket, metrics, lang)
            }
            Action::Edit => Form::edit(ticket, lang),
            _ => return,
        };
        self.mode = Mode::Form(Box::new(form));
    }

    fn update_form(&mut self, action: Action, desk: &mut Desk, now: DateTime<Utc>) {
        let Mode::Form(form) = &mut self.mode else { return };
        match action {
            Action::NextField => form.next(),
            Action::PrevField => form.prev(),
            Action::ChoicePrev => form.cycle(false, KeyEvent::from(KeyCode::Left)),
            Action::ChoiceNext => form.cycle(true, KeyEvent::from(KeyCode::Right)),
            Action::Cancel | Action::Back => {
                self.close_form();
                self.tell(t!("msg.cancelled", locale = self.lang).to_string(), false, now);
            }
            Action::Submit => {
                form.tried = true;
                if !form.validate() {
                    if let Some(i) = form.fields.iter().position(|f| f.error.is_some()) {
                        form.focus = i;
                    }
                    self.tell(t!("form.err_fix", locale = self.lang).to_string(), true, now);
                    return;
                }
                let Mode::Form(form) = std::mem::replace(&mut self.mode, Mode::Board) else {
                    return;
                };
                self.submit(*form, desk, now);
            }
            _ => {}
        }
    }

    /// Leaves a form for the screen it came from: the review queue, the ticket, or the board.
    fn close_form(&mut self) {
        self.mode = if self.form_is_judgement() {
            Mode::Review
        } else if self.ticket.is_some() {
            Mode::Ticket
        } else {
            Mode::Board
        };
    }

    fn submit(&mut self, form: Form, desk: &mut Desk, now: DateTime<Utc>) {
        let lang = self.lang;
        let outcome = run_form(&form, desk);
        match outcome {
            Ok((_, message)) if matches!(form.purpose, Purpose::Judge { .. }) => {
                self.mode = Mode::Review;
                let _ = self.reload(desk);
                self.data_version = desk.store().data_version().ok();
                self.refresh_live(now, false);
                self.tell(message, false, now);
            }
            Ok((id, message)) => {
                let _ = self.reload(desk);
                self.data_version = desk.store().data_version().ok();
                self.refresh_live(now, false);
                self.open_ticket(id, desk);
                if let Some(pos) = self.shown.iter().position(|i| self.source()[*i].id == id) {
                    self.selected = pos;
                    self.scroll_into_view();
                }
                self.tell(message, false, now);
            }
            Err(DeskError::Store(StoreError::Stale { ticket })) => {
                let _ = self.reload(desk);
                self.open_ticket(ticket, desk);
                // Keep what the agent typed: reopen the form against the reloaded version.
                let fresh = self.ticket.as_ref().map(|s| s.view.ticket.version);
                if let Some(purpose) = fresh.and_then(|v| form.purpose.rebased(v)) {
                    let mut form = form;
                    form.purpose = purpose;
                    self.mode = Mode::Form(Box::new(form));
                    self.tell(t!("msg.stale_kept", locale = lang, id = ticket).to_string(), true, now);
                } else {
                    self.tell(t!("msg.stale", locale = lang, id = ticket).to_string(), true, now);
                }
            }
            Err(DeskError::Invalid(bad)) if form.fields.iter().any(|f| field_matches(f.name, bad.field)) => {
                let mut form = form;
                if let Some(i) = form.fields.iter().position(|f| field_matches(f.name, bad.field)) {
                    form.fields[i].error = Some(sanitize_line(&crate::words::errors::reason(&bad.reason, lang)));
                    form.focus = i;
                }
                self.mode = Mode::Form(Box::new(form));
                self.tell(
                    t!(
                        "msg.refused",
                        locale = lang,
                        reason = sanitize_line(&crate::words::errors::invalid(&bad, lang))
                    )
                    .to_string(),
                    true,
                    now,
                );
            }
            Err(e) => {
                let id = form_ticket(&form.purpose).unwrap_or(0);
                let text = self.error_text(&e, id);
                self.mode = Mode::Form(Box::new(form));
                self.tell(text, true, now);
            }
        }
    }

    fn error_text(&self, e: &DeskError, id: i64) -> String {
        match e {
            DeskError::NotFound(id) => t!("msg.not_found", locale = self.lang, id = id).to_string(),
            DeskError::Store(StoreError::Stale { .. }) => t!("msg.stale", locale = self.lang, id = id).to_string(),
            other => t!(
                "msg.refused",
                locale = self.lang,
                reason = sanitize_line(&crate::words::errors::desk(other, self.lang))
            )
            .to_string(),
        }
    }

    /// Whether the notice is still worth showing at `now`.
    pub fn notice_at(&self, now: DateTime<Utc>) -> Option<&Notice> {
        self.notice
            .as_ref()
            .filter(|n| now - n.at < Duration::seconds(NOTICE_SECS) && now >= n.at - Duration::seconds(1))
    }
}

/// Keys a multi-line editor keeps for itself even when bound to a form action.
fn editor_key(key: &KeyEvent) -> bool {
    matches!(
        key.code,
        KeyCode::Enter | KeyCode::Up | KeyCode::Down | KeyCode::Left | KeyCode::Right
    ) && key.modifiers.is_empty()
}

fn field_matches(form_field: &str, desk_field: &str) -> bool {
    form_field == desk_field || (form_field == "order" && desk_field == "reference")
}

fn form_ticket(p: &Purpose) -> Option<i64> {
    match p {
        Purpose::NewTicket => None,
        Purpose::Log { id, .. }
        | Purpose::Status { id, .. }
        | Purpose::Priority { id, .. }
        | Purpose::Kind { id, .. }
        | Purpose::Extend { id, .. } => Some(*id),
        Purpose::Edit { ticket } => Some(ticket.id),
        Purpose::Judge { id, .. } => Some(*id),
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
        late = crate::domain::text::late(b.late_secs(desk.now()))
    )
    .to_string();
    Form::judge(b.ticket_id, &b.metric, b.cycle, class, title, lang)
}

fn parse<T: std::str::FromStr>(s: &str, fallback: T) -> T {
    s.parse().unwrap_or(fallback)
}

/// Sends a validated form to the desk; returns the ticket touched and what to tell the agent.
fn run_form(form: &Form, desk: &mut Desk) -> Result<(i64, String), DeskError> {
    let lang = form.lang;
    let get = |name: &str| form.get(name);
    match &form.purpose {
        Purpose::NewTicket => {
            let new = NewTicket {
                title: get("title"),
                description: get("description"),
                customer: Customer {
                    name: get("customer").trim().to_string(),
                    phone: get("phone").trim().to_string(),
                    email: get("email").trim().to_string(),
                },
                channel: parse(&get("channel"), Channel::Phone),
                kind: parse(&get("kind"), Kind::Enquiry),
                priority: parse(&get("priority"), Priority::Normal),
                complexity: parse(&get("complexity"), Complexity::Ordinary),
                reference: get("order").trim().to_string(),
                purchased_on: form::parse_date(&get("purchased")).ok().flatten(),
            };
            let ticket = desk.open_ticket(&new, None)?;
            Ok((ticket.id, t!("msg.created", locale = lang, id = ticket.id).to_string()))
        }
        Purpose::Log { id, version } => {
            let kind = match get("entry").as_str() {
                "contact" => FollowUp::Contact {
                    method: parse(&get("method"), ContactMethod::Call),
                    direction: if get("direction") == "inbound" {
                        Direction::Inbound
                    } else {
                        Direction::Outbound
                    },
                },
                "plan" => FollowUp::Plan,
                _ => FollowUp::Note,
            };
            let ticket = desk.follow_up(*id, Some(*version), kind, &get("text"))?;
            Ok((ticket.id, t!("msg.logged", locale = lang, id = ticket.id).to_string()))
        }
        Purpose::Status { id, version } => {
            let to: Status = get("to").parse().map_err(|e: crate::domain::ticket::UnknownValue| {
                DeskError::Invalid(crate::domain::ticket::InvalidField::new(
                    "to",
                    crate::domain::ticket::Reason::Unknown(e),
                ))
            })?;
            let ticket = if to == Status::Closed {
                desk.close(*id, Some(*version), &get("confirmation"), &get("note"))?
            } else {
                desk.change_status(*id, Some(*version), to, &get("note"))?
            };
            let status = t!(format!("status.{}", ticket.status.slug()), locale = lang).to_string();
            Ok((
                ticket.id,
                t!("msg.status", locale = lang, id = ticket.id, status = status).to_string(),
            ))
        }
        Purpose::Priority { id, version } => {
            let edit = Edit::Priority(parse(&get("priority"), Priority::Normal));
            edited(desk.edit(*id, Some(*version), &[edit]), *id, lang)
        }
        Purpose::Kind { id, version } => {
            // Unchanged values are skipped by the desk; nothing changed at all is refused there.
            let edits = [
                Edit::Kind(parse(&get("kind"), Kind::Other)),
                Edit::Complexity(parse(&get("complexity"), Complexity::Ordinary)),
            ];
            edited(desk.edit(*id, Some(*version), &edits), *id, lang)
        }
        Purpose::Extend { id, version } => {
            let metric = get("metric");
            let by: Target = get("by")
                .trim()
                .parse()
                .map_err(|e: crate::domain::target::TargetError| {
                    DeskError::Invalid(crate::domain::ticket::InvalidField::new(
                        "by",
                        crate::domain::ticket::Reason::BadTarget(e),
                    ))
                })?;
            let ticket = desk.extend(*id, Some(*version), &metric, &by, &get("reason"))?;
            let label = metric_label(desk.policy(), &metric, lang);
            Ok((
                ticket.id,
                t!(
                    "msg.extended",
                    locale = lang,
                    id = ticket.id,
                    metric = label,
                    by = by.to_string()
                )
                .to_string(),
            ))
        }
        Purpose::Judge { id, metric, cycle } => {
            let remedy = parse(&get("remedy"), Remedy::None);
            let amount = get("amount");
            let judgement = Judgement {
                class: parse(&get("class"), BreachClass::Minor),
                reason: get("reason"),
                remedy,
                amount: if amount.trim().is_empty() || !matches!(remedy, Remedy::Compensation | Remedy::Refund) {
                    None
                } else {
                    Some(Amount::parse(&amount)?)
                },
                note: get("note"),
            };
            let review = desk.judge(*id, metric, Some(*cycle), &judgement)?;
            let amount = review.judgement.amount.map(|a| format!(" {a}")).unwrap_or_default();
            let text = t!(
                "review.judged",
                locale = lang,
                metric = metric_label(desk.policy(), metric, lang),
                cycle = review.cycle,
                id = review.ticket_id,
                class = crate::words::word("review.class", review.judgement.class.slug(), lang),
                remedy = format!(
                    "{}{amount}",
                    crate::words::word("review.remedy", review.judgement.remedy.slug(), lang)
                )
            )
            .to_string();
            Ok((*id, text))
        }
        Purpose::Edit { ticket } => {
            let mut edits = Vec::new();
            let text = |name: &str, old: &str, make: fn(String) -> Edit, edits: &mut Vec<Edit>| {
                let new = get(name);
                // The form showed the sanitised text: unchanged means untouched.
                if new.trim() != old.trim() && new != crate::domain::text::sanitize(old) {
                    edits.push(make(new));
                }
            };
            text("title", &ticket.title, Edit::Title, &mut edits);
            text("customer", &ticket.customer.name, Edit::CustomerName, &mut edits);
            text("phone", &ticket.customer.phone, Edit::Phone, &mut edits);
            text("email", &ticket.customer.email, Edit::Email, &mut edits);
            text("order", &ticket.reference, Edit::Reference, &mut edits);
            text("description", &ticket.description, Edit::Description, &mut edits);
            let channel = parse(&get("channel"), ticket.channel);
            if channel != ticket.channel {
                edits.push(Edit::Channel(channel));
            }
            let purchased = form::parse_date(&get("purchased")).ok().flatten();
            if purchased != ticket.purchased_on {
                edits.push(Edit::Purchased(purchased));
            }
            if edits.is_empty() {
                return Ok((ticket.id, t!("msg.nothing_changed", locale = lang).to_string()));
            }
            edited(desk.edit(ticket.id, Some(ticket.version), &edits), ticket.id, lang)
        }
    }
}

fn edited(
    result: Result<crate::domain::ticket::Ticket, DeskError>,
    id: i64,
    lang: &str,
) -> Result<(i64, String), DeskError> {
    result.map(|_| (id, t!("msg.edited", locale = lang, id = id).to_string()))
}

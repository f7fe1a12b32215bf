//! The board's state and its one entry for change: `update(action)`. It calls the desk with
//! the ticket version the agent saw and reloads what changed; drawing happens elsewhere, from
//! `&App` alone. The update functions live by screen: `board`, `ticket`, `supervision`
//! (review and dashboard) and `submit` (forms).

mod board;
mod callbacks;
mod command;
mod input;
mod offline;
mod owners;
mod review;
mod submit;
mod supervision;
mod ticket;

use super::form::{Form, LineInput, Purpose};
pub use super::keymap::Action;
use super::keymap::{Context, Key, Keymap};
use super::theme::Theme;
pub use crate::desk::{BoardRow, Live, RowClock};
use crate::desk::{Desk, TicketView};
use crate::domain::listing::ListQuery;
use crate::domain::policy::Policy;
use crate::domain::ticket::Status;
use crate::t;
use chrono::{DateTime, Duration, Utc};
pub use input::{Discard, FIRST_ROW_Y};
pub use offline::{Offline, RETRY_FIRST, RETRY_MOST};
pub use owners::OwnerView;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;

/// How many tickets the "all" view loads (closed ones come last; the rest is a search away).
pub const ALL_LIMIT: usize = 20_000;

pub use crate::words::metric as metric_label;

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

    /// The statuses this view draws from (empty: all).
    fn statuses(self) -> Vec<Status> {
        match self {
            View::Open => vec![Status::Open],
            View::Waiting => vec![Status::Waiting],
            View::Overdue => vec![Status::Open, Status::Waiting],
            View::Resolved => vec![Status::Resolved],
            View::All => Vec::new(),
        }
    }

    fn admits(self, row: &BoardRow, now: DateTime<Utc>) -> bool {
        match self {
            View::Open => row.status == Status::Open,
            View::Waiting => row.status == Status::Waiting,
            View::Overdue => row.status.is_active() && row.live(now) == Live::Breached,
            View::Resolved => row.status == Status::Resolved,
            View::All => true,
        }
    }
}

/// The header's figures (the desk counts them without loading the rows for a first page).
pub use crate::desk::BoardCounts as Counts;

/// The open ticket screen: the desk's live ticket and how far the log is scrolled.
pub struct TicketScreen {
    pub view: TicketView,
    /// Warning instants of the running clocks, by index into `view.clocks`.
    pub warn_from: Vec<Option<DateTime<Utc>>>,
    /// The judgements on its breaches, by metric and cycle.
    pub reviews: Vec<crate::domain::review::Review>,
    /// Its breaches from before its import (not queued for judgement): (metric, cycle).
    pub imported: Vec<(String, u32)>,
    pub scroll: u16,
}

pub use review::{REVIEW_PAGE, ReviewScreen, key_of};

pub use callbacks::CallbacksScreen;

/// The dashboard (D): one week's KPIs and the 30-day compliance trend ending with it.
pub type DashboardScreen = crate::desk::Dashboard;

/// Days in the dashboard's compliance trend.
pub const TREND_DAYS: u32 = 30;
/// How often housekeeping (auto-close, the month's callback sample) and the supervisor's
/// figures refresh when nothing else moves.
pub const HOUSEKEEPING_SECS: i64 = 60;

pub enum Mode {
    Board,
    Filter,
    /// The `:` command line (its text is `App::command`).
    Command,
    Ticket,
    Form(Box<Form>),
    Review,
    Dashboard,
    Callbacks,
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
    pub rows: Vec<BoardRow>,
    /// Every ticket (up to [`ALL_LIMIT`]), loaded only for the "all" view.
    pub all_rows: Vec<BoardRow>,
    /// Indexes into the current view's source, after the view and the filter.
    pub shown: Vec<usize>,
    pub selected: usize,
    pub offset: usize,
    pub filter: LineInput,
    pub command: LineInput,
    /// The names a Tab in the command line left to choose from (shown there, not as a notice).
    pub completions: Vec<&'static str>,
    pub counts: Counts,
    pub ticket: Option<TicketScreen>,
    pub notice: Option<Notice>,
    /// Terminal size (columns, rows), for paging.
    pub size: (u16, u16),
    pub flash: HashMap<i64, DateTime<Utc>>,
    pub quit: bool,
    /// Breaches awaiting judgement (the header), refreshed on reload and once a minute.
    pub review_count: Option<usize>,
    /// This month's callbacks not reached yet (the header), refreshed with `review_count`.
    pub callbacks_due: Option<usize>,
    /// What the dashboard breaks compliance down by (`b` cycles it); `None`: per metric only.
    pub breakdown: Option<crate::domain::kpi::Dimension>,
    pub review: ReviewScreen,
    /// The ticket screen was opened from the review queue: Esc goes back there.
    pub back_to_review: bool,
    pub dashboard: Option<DashboardScreen>,
    pub callbacks: CallbacksScreen,
    /// `[mail]` from the config: replies (`r`) are composed and sent with it.
    pub mail: crate::app::config::MailConfig,
    /// Where `A` on the ticket screen saves attachments (the user's downloads folder).
    pub downloads: Option<std::path::PathBuf>,
    housekept_at: Option<DateTime<Utc>>,
    data_version: Option<i64>,
    last_live: HashMap<i64, Live>,
    bell: bool,
    /// From when until when the live states and counts stay as last computed (the rows as
    /// loaded, no warning or deadline instant in between); `None` after a load.
    live_span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Only the first page of rows is loaded (the first frame); the header's counts came from
    /// their own query, and [`App::load`] brings the rest.
    pub partial: bool,
    /// A changed form the agent asked to leave: "Discard what you typed? y/n" is up.
    pub discard: Option<Discard>,
    /// Recent notices, oldest first, for the overlay (`!`).
    pub notices: Vec<Notice>,
    pub notices_open: bool,
    /// A warning told at start (a log without its protection, a bad config) that stays on the
    /// status line, under fresher notices, until the agent opens the notices (`!`).
    pub pinned: Option<Notice>,
    /// All tickets, mine or nobody's (`w`), on top of the status view.
    pub owner_view: OwnerView,
    /// Who runs the board (the desk's author): whose tickets "mine" shows.
    pub me: String,
    /// The database server went away: since when, and when the board tries again.
    pub offline: Option<Offline>,
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
            filter: LineInput::default(),
            command: LineInput::default(),
            completions: Vec::new(),
            counts: Counts::default(),
            ticket: None,
            notice: None,
            size: (80, 24),
            flash: HashMap::new(),
            quit: false,
            review_count: None,
            callbacks_due: None,
            breakdown: None,
            review: ReviewScreen::default(),
            back_to_review: false,
            dashboard: None,
            callbacks: CallbacksScreen::default(),
            mail: Default::default(),
            downloads: None,
            housekept_at: None,
            data_version: None,
            last_live: HashMap::new(),
            bell: false,
            partial: false,
            live_span: None,
            discard: None,
            notices: Vec::new(),
            notices_open: false,
            pinned: None,
            owner_view: OwnerView::All,
            me: String::new(),
            offline: None,
        }
    }

    /// Loads the board from the desk (start-up, after a write, when another process wrote).
    pub fn load(&mut self, desk: &Desk) {
        let now = desk.now();
        self.partial = false;
        self.live_span = None;
        self.policy = desk.policy().clone();
        desk.author().clone_into(&mut self.me);
        if let Err(e) = self.reload(desk) {
            self.tell_db_error(&e, now);
        }
        self.data_version = desk.data_version().ok();
        self.refresh_live(now, false);
    }

    /// The first frame's worth: the rows one screen of the open view shows and the header's
    /// counts, each from its own query; [`App::load`] brings the rest once it is drawn.
    pub fn load_first_page(&mut self, desk: &Desk) {
        let now = desk.now();
        self.policy = desk.policy().clone();
        desk.author().clone_into(&mut self.me);
        let query = ListQuery {
            statuses: self.view.statuses(),
            ..Default::default()
        };
        let loaded = desk.review_count().and_then(|n| {
            self.review_count = Some(n);
            self.callbacks_due = Some(desk.callbacks_due()?);
            self.rows = desk.board_page(&query, self.page())?;
            self.counts = desk.board_counts()?;
            Ok(())
        });
        match loaded {
            Ok(()) => {
                self.partial = true;
                self.recompute_shown(now, None);
            }
            Err(e) => self.tell_db_error(&e, now),
        }
    }

    /// Start-up: housekeeping first (what fell due while the board was closed), then the load.
    pub fn start(&mut self, desk: &mut Desk) {
        self.start_first_page(desk);
        self.load(desk);
    }

    /// Start-up on a real terminal: housekeeping, then the first page only; the event loop
    /// loads the rest after drawing it.
    pub fn start_first_page(&mut self, desk: &mut Desk) {
        let now = desk.now();
        let done = self.housekeep(desk, now);
        self.load_first_page(desk);
        if let Some(text) = done {
            self.tell(text, false, now);
        }
    }

    /// Says in the status line that the database failed.
    pub(crate) fn tell_db_error(&mut self, e: &crate::desk::DeskError, now: DateTime<Utc>) {
        if self.went_offline(e, now) {
            return;
        }
        let text = t!(
            "msg.db_error",
            locale = self.lang,
            error = crate::words::errors::desk(e, self.lang)
        );
        self.tell(text, true, now);
    }

    /// Runs the desk's housekeeping; returns what to tell when it did something, or the error.
    fn housekeep(&mut self, desk: &mut Desk, now: DateTime<Utc>) -> Option<String> {
        self.housekept_at = Some(now);
        match desk.housekeeping() {
            Ok(done) => crate::words::housekeeping::done(&done, desk.policy(), self.lang),
            Err(e) => {
                self.tell_db_error(&e, now);
                None
            }
        }
    }

    /// Recomputes counts and live states; flags rows that newly entered warning or breach.
    /// States change only at a warning or deadline instant: until the next one (and while the
    /// rows stay those loaded) the tick does nothing here.
    fn refresh_live(&mut self, now: DateTime<Utc>, announce: bool) {
        self.flash.retain(|_, until| *until > now);
        if self.partial {
            return;
        }
        if self.live_span.is_some_and(|(from, until)| from <= now && now < until) {
            return;
        }
        let mut counts = Counts::default();
        let mut live = HashMap::with_capacity(self.rows.len());
        let mut rang = false;
        let mut next = DateTime::<Utc>::MAX_UTC;
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
            if let Some(c) = row.clock.as_ref().filter(|c| !c.paused) {
                for at in [c.warn_from, c.due_at].into_iter().flatten().filter(|at| *at > now) {
                    next = next.min(at);
                }
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
        self.live_span = Some((now, next));
        self.bell |= rang;
    }

    /// True once per ring: the terminal loop writes BEL.
    pub fn take_bell(&mut self) -> bool {
        std::mem::take(&mut self.bell)
    }

    /// The 1 s tick: when another process wrote, or once a minute, housekeeping (idempotent,
    /// cheap when nothing is due); reload if anything moved, then update live states. While
    /// the server is away, a countdown to the next try instead (`offline`).
    pub fn tick(&mut self, desk: &mut Desk) {
        let now = desk.now();
        let minute = self
            .housekept_at
            .is_none_or(|at| now - at >= Duration::seconds(HOUSEKEEPING_SECS) || now < at);
        // Offline, the desk is not asked until a try brings the server back.
        if self.retry(desk, now) {
            match desk.data_version() {
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
                        self.tell_db_error(&e, now);
                    } else if let Some(text) = done {
                        self.tell(text, false, now);
                    }
                }
                Err(e) => self.tell_db_error(&e, now),
            }
        }
        self.refresh_live(now, true);
        if self.view == View::Overdue {
            let keep = self.selected_id();
            self.recompute_shown(now, keep);
        }
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = (width, height);
        self.scroll_into_view();
    }

    fn tell(&mut self, text: String, error: bool, now: DateTime<Utc>) {
        self.notify(text, error, now);
    }

    /// Shows `text` in the status line from `at` on and keeps it for the notices overlay.
    pub fn notify(&mut self, text: String, error: bool, at: DateTime<Utc>) {
        let notice = Notice { text, error, at };
        self.remember(notice.clone());
        self.notice = Some(notice);
    }

    /// Tells `text` as an error that stays on the status line until the notices are opened.
    pub fn pin(&mut self, text: String, at: DateTime<Utc>) {
        self.notify(text, true, at);
        self.pinned = self.notice.clone();
    }

    /// Where keys are read now.
    pub fn context(&self) -> Context {
        if self.help.is_some() {
            return Context::Help;
        }
        match self.mode {
            Mode::Board if !self.filter.value().trim().is_empty() => Context::Found,
            Mode::Board => Context::Board,
            Mode::Filter => Context::Filter,
            Mode::Command => Context::Command,
            Mode::Ticket => Context::Ticket,
            Mode::Form(_) => Context::Form,
            Mode::Review if self.review.typing => Context::Filter,
            Mode::Review => Context::Review,
            Mode::Dashboard => Context::Dashboard,
            Mode::Callbacks => Context::Callbacks,
        }
    }

    /// A key press: Ctrl-C quits anywhere (in a changed form, after asking); the keymap of the context picks the action; in a
    /// text field, unbound keys (and the editor's own keys) edit the text.
    pub fn handle_key(&mut self, key: KeyEvent, desk: &mut Desk) {
        if self.notices_open {
            // Any key closes the overlay; it does nothing else.
            self.notices_open = false;
            return;
        }
        if let Some(why) = self.discard {
            self.answer_discard(why, key, desk.now());
            return;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c' | 'C')) {
            if matches!(self.mode, Mode::Form(_)) {
                self.leave_form(Discard::Quit, desk.now());
            } else {
                self.quit = true;
            }
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
                // On a choice, where it would pick nothing, q leaves as it does everywhere else.
                Mode::Form(form) if ctx == Context::Form && form.quits_on(&key) => {
                    self.leave_form(Discard::Close, desk.now())
                }
                Mode::Form(form) if ctx == Context::Form => form.type_key(key),
                Mode::Filter if ctx == Context::Filter && self.filter.handle(&key) == Some(true) => {
                    let now = desk.now();
                    self.selected = 0;
                    self.offset = 0;
                    self.recompute_shown(now, None);
                }
                Mode::Review if ctx == Context::Filter => self.type_review_text(&key, desk),
                Mode::Command if ctx == Context::Command && self.command.handle(&key) == Some(true) => {
                    self.completions.clear();
                }
                _ => {}
            },
        }
    }

    /// The one place where state changes.
    pub fn update(&mut self, action: Action, desk: &mut Desk) {
        let now = desk.now();
        if self.help.is_some() {
            // Kept within the text, so Up after End moves at once.
            let max = super::view::help::max_scroll(self);
            let page = super::view::help::page(self);
            if let Some(scroll) = self.help.as_mut() {
                match action {
                    Action::Back | Action::Help | Action::Quit | Action::Cancel => self.help = None,
                    Action::Down => *scroll = scroll.saturating_add(1).min(max),
                    Action::Up => *scroll = scroll.saturating_sub(1),
                    Action::PageDown => *scroll = scroll.saturating_add(page).min(max),
                    Action::PageUp => *scroll = scroll.saturating_sub(page),
                    Action::Top => *scroll = 0,
                    Action::Bottom => *scroll = max,
                    _ => {}
                }
            }
            return;
        }
        if action == Action::Help {
            self.help = Some(0);
            return;
        }
        if action == Action::Notices {
            self.notices_open = true;
            // Read now: the warning leaves the status line.
            if let Some(pinned) = self.pinned.take()
                && self.notice.as_ref() == Some(&pinned)
            {
                self.notice = None;
            }
            return;
        }
        match &mut self.mode {
            Mode::Board | Mode::Filter => self.update_board(action, desk, now),
            Mode::Command => self.update_command(action, desk),
            Mode::Ticket => self.update_ticket(action, desk),
            Mode::Form(_) => self.update_form(action, desk, now),
            Mode::Review => self.update_review(action, desk, now),
            Mode::Dashboard => self.update_dashboard(action, desk, now),
            Mode::Callbacks => self.update_callbacks(action, desk, now),
        }
    }

    /// Whether the notice is still worth showing at `now`; else the pinned warning, if any.
    pub fn notice_at(&self, now: DateTime<Utc>) -> Option<&Notice> {
        self.notice
            .as_ref()
            .filter(|n| now - n.at < Duration::seconds(NOTICE_SECS) && now >= n.at - Duration::seconds(1))
            .or(self.pinned.as_ref())
    }
}

/// Keys a multi-line editor keeps for itself even when bound to a form action.
fn editor_key(key: &KeyEvent) -> bool {
    matches!(
        key.code,
        KeyCode::Enter | KeyCode::Up | KeyCode::Down | KeyCode::Left | KeyCode::Right
    ) && key.modifiers.is_empty()
}

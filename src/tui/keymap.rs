//! Keys to actions, per context. The defaults live in one table; `[keys]` in the config file
//! rebinds actions by name; the help overlay and the footer hints are generated from it.

mod key;

pub use key::Key;

use crate::t;
use ratatui::crossterm::event::KeyCode;
use std::collections::BTreeMap;

/// Something the agent asks the board to do. Named actions can be rebound in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Open,
    Back,
    Filter,
    Help,
    New,
    Log,
    /// Reply to the customer by email (sent through `[mail] sendmail`, then logged).
    Reply,
    Status,
    Priority,
    Kind,
    Extend,
    Edit,
    /// Pass the ticket to another agent (转派), with a reason.
    Transfer,
    /// The board: all tickets, mine, or nobody's (首问负责制).
    OwnerView,
    NextView,
    ViewOpen,
    ViewWaiting,
    ViewOverdue,
    ViewResolved,
    ViewAll,
    NextField,
    PrevField,
    ChoicePrev,
    ChoiceNext,
    Submit,
    Cancel,
    Review,
    Dashboard,
    Judge,
    JudgeMinor,
    JudgeMajor,
    /// Ticket: amend a judgement given on one of its breaches (a newer one supersedes it).
    Amend,
    /// Ticket: save the attachments of its mail into the downloads folder.
    SaveAttachments,
    PrevPeriod,
    NextPeriod,
    /// Dashboard: break compliance down by kind, priority, channel, or not.
    Breakdown,
    Command,
    Complete,
    NextMatch,
    PrevMatch,
    /// The recent notices in full (the status line shows the newest, cut to fit).
    Notices,
    /// Review: mark or unmark a breach; one judgement then applies to all marked.
    Mark,
    /// Review: newest or oldest deadline first.
    ToggleOrder,
    /// Review filters, each cycling through its values and back to "all".
    FilterPeriod,
    FilterMetric,
    FilterPriority,
    FilterKind,
    FilterStatus,
    ClearFilters,
    /// The satisfaction callbacks of the month (回访).
    Callbacks,
    /// Callbacks: record a call to the selected customer.
    RecordCall,
    /// Callbacks: the sample of the previous / next month.
    PrevMonth,
    NextMonth,
}

impl Action {
    /// Every named action, in help order.
    pub const ALL: &'static [Action] = &[
        Action::Help,
        Action::Quit,
        Action::Up,
        Action::Down,
        Action::Top,
        Action::Bottom,
        Action::PageUp,
        Action::PageDown,
        Action::Open,
        Action::Back,
        Action::Filter,
        Action::NextMatch,
        Action::PrevMatch,
        Action::Command,
        Action::Complete,
        Action::New,
        Action::Log,
        Action::Reply,
        Action::Status,
        Action::Priority,
        Action::Kind,
        Action::Extend,
        Action::Edit,
        Action::Transfer,
        Action::OwnerView,
        Action::NextView,
        Action::ViewOpen,
        Action::ViewWaiting,
        Action::ViewOverdue,
        Action::ViewResolved,
        Action::ViewAll,
        Action::NextField,
        Action::PrevField,
        Action::ChoicePrev,
        Action::ChoiceNext,
        Action::Submit,
        Action::Cancel,
        Action::Review,
        Action::Dashboard,
        Action::Judge,
        Action::JudgeMinor,
        Action::JudgeMajor,
        Action::Amend,
        Action::SaveAttachments,
        Action::PrevPeriod,
        Action::NextPeriod,
        Action::Breakdown,
        Action::Notices,
        Action::Mark,
        Action::ToggleOrder,
        Action::FilterPeriod,
        Action::FilterMetric,
        Action::FilterPriority,
        Action::FilterKind,
        Action::FilterStatus,
        Action::ClearFilters,
        Action::Callbacks,
        Action::RecordCall,
        Action::PrevMonth,
        Action::NextMonth,
    ];

    /// The name used in `[keys]` and in the message catalogue (`action.<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Up => "up",
            Action::Down => "down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageUp => "page-up",
            Action::PageDown => "page-down",
            Action::Open => "open",
            Action::Back => "back",
            Action::Filter => "filter",
            Action::Help => "help",
            Action::New => "new",
            Action::Log => "log",
            Action::Reply => "reply",
            Action::Status => "status",
            Action::Priority => "priority",
            Action::Kind => "kind",
            Action::Extend => "extend",
            Action::Edit => "edit",
            Action::Transfer => "transfer",
            Action::OwnerView => "owner-view",
            Action::NextView => "next-view",
            Action::ViewOpen => "view-open",
            Action::ViewWaiting => "view-waiting",
            Action::ViewOverdue => "view-overdue",
            Action::ViewResolved => "view-resolved",
            Action::ViewAll => "view-all",
            Action::NextField => "next-field",
            Action::PrevField => "prev-field",
            Action::ChoicePrev => "choice-prev",
            Action::ChoiceNext => "choice-next",
            Action::Submit => "submit",
            Action::Cancel => "cancel",
            Action::Review => "review",
            Action::Dashboard => "dashboard",
            Action::Judge => "judge",
            Action::JudgeMinor => "judge-minor",
            Action::JudgeMajor => "judge-major",
            Action::Amend => "amend",
            Action::SaveAttachments => "save-attachments",
            Action::PrevPeriod => "prev-period",
            Action::NextPeriod => "next-period",
            Action::Breakdown => "breakdown",
            Action::Command => "command",
            Action::Complete => "complete",
            Action::NextMatch => "next-match",
            Action::PrevMatch => "prev-match",
            Action::Notices => "notices",
            Action::Mark => "mark",
            Action::ToggleOrder => "order",
            Action::FilterPeriod => "filter-period",
            Action::FilterMetric => "filter-metric",
            Action::FilterPriority => "filter-priority",
            Action::FilterKind => "filter-kind",
            Action::FilterStatus => "filter-status",
            Action::ClearFilters => "clear-filters",
            Action::Callbacks => "callbacks",
            Action::RecordCall => "record-call",
            Action::PrevMonth => "prev-month",
            Action::NextMonth => "next-month",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name.trim())
    }
}

/// Where the keys are read. Each screen has its own bindings: a new screen adds a context here
/// and rows to [`defaults`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Board,
    Ticket,
    Filter,
    Form,
    Help,
    Review,
    Dashboard,
    /// The board while a filter is applied: its own keys first, then the board's.
    Found,
    /// The `:` command line.
    Command,
    /// The satisfaction callbacks of a month.
    Callbacks,
}

impl Context {
    pub const ALL: &'static [Context] = &[
        Context::Board,
        Context::Found,
        Context::Ticket,
        Context::Filter,
        Context::Command,
        Context::Form,
        Context::Help,
        Context::Review,
        Context::Dashboard,
        Context::Callbacks,
    ];

    /// Message key of the context's name in help.
    pub fn label_key(self) -> &'static str {
        match self {
            Context::Board => "tui.ctx_board",
            Context::Ticket => "tui.ctx_ticket",
            Context::Filter => "tui.ctx_filter",
            Context::Form => "tui.ctx_form",
            Context::Help => "tui.ctx_help",
            Context::Review => "tui.ctx_review",
            Context::Dashboard => "tui.ctx_dashboard",
            Context::Found => "tui.ctx_found",
            Context::Command => "tui.ctx_command",
            Context::Callbacks => "tui.ctx_callbacks",
        }
    }

    /// Where a key not bound here is looked up next.
    pub fn parent(self) -> Option<Context> {
        match self {
            Context::Found => Some(Context::Board),
            _ => None,
        }
    }

    /// Contexts where typing goes to a text field: no plain letters are bound there.
    pub fn takes_text(self) -> bool {
        matches!(self, Context::Filter | Context::Form | Context::Command)
    }
}

/// The default bindings: (context, key, action). Order matters for display only.
fn defaults() -> Vec<(Context, Key, Action)> {
    use Action as A;
    use Context::*;
    use KeyCode as K;
    let nav = [
        (Key::ch('k'), A::Up),
        (Key::plain(K::Up), A::Up),
        (Key::ch('j'), A::Down),
        (Key::plain(K::Down), A::Down),
        (Key::ch('g'), A::Top),
        (Key::plain(K::Home), A::Top),
        (Key::ch('G'), A::Bottom),
        (Key::plain(K::End), A::Bottom),
        (Key::plain(K::PageUp), A::PageUp),
        (Key::plain(K::PageDown), A::PageDown),
        (Key::ch('?'), A::Help),
        (Key::plain(K::F(1)), A::Help),
    ];
    let actions = [
        (Key::ch('n'), A::New),
        (Key::ch('l'), A::Log),
        (Key::ch('r'), A::Reply),
        (Key::ch('s'), A::Status),
        (Key::ch('p'), A::Priority),
        (Key::ch('t'), A::Kind),
        (Key::ch('x'), A::Extend),
        (Key::ch('e'), A::Edit),
        (Key::ch('o'), A::Transfer),
    ];
    let mut out = Vec::new();
    for ctx in [Board, Ticket] {
        out.extend(nav.iter().map(|(k, a)| (ctx, *k, *a)));
        out.extend(actions.iter().map(|(k, a)| (ctx, *k, *a)));
    }
    out.extend(nav.iter().map(|(k, a)| (Review, *k, *a)));
    out.extend(nav.iter().map(|(k, a)| (Callbacks, *k, *a)));
    out.extend([
        (Board, Key::plain(K::Enter), A::Open),
        (Board, Key::ch('/'), A::Filter),
        (Board, Key::ch(':'), A::Command),
        (Found, Key::ch('n'), A::NextMatch),
        (Found, Key::ch('N'), A::PrevMatch),
        (Command, Key::plain(K::Enter), A::Submit),
        (Command, Key::plain(K::Esc), A::Cancel),
        (Command, Key::plain(K::Tab), A::Complete),
        (Command, Key::plain(K::F(1)), A::Help),
        (Board, Key::plain(K::Esc), A::Back),
        (Board, Key::ch('q'), A::Quit),
        (Board, Key::plain(K::Tab), A::NextView),
        (Board, Key::ch('1'), A::ViewOpen),
        (Board, Key::ch('2'), A::ViewWaiting),
        (Board, Key::ch('3'), A::ViewOverdue),
        (Board, Key::ch('4'), A::ViewResolved),
        (Board, Key::ch('5'), A::ViewAll),
        (Board, Key::ch('w'), A::OwnerView),
        (Board, Key::ch('R'), A::Review),
        (Board, Key::ch('D'), A::Dashboard),
        (Board, Key::ch('C'), A::Callbacks),
        (Dashboard, Key::ch('C'), A::Callbacks),
        (Callbacks, Key::plain(K::Enter), A::RecordCall),
        (Callbacks, Key::ch('h'), A::PrevMonth),
        (Callbacks, Key::plain(K::Left), A::PrevMonth),
        (Callbacks, Key::ch('l'), A::NextMonth),
        (Callbacks, Key::plain(K::Right), A::NextMonth),
        (Callbacks, Key::ch('D'), A::Dashboard),
        (Callbacks, Key::ch('R'), A::Review),
        (Callbacks, Key::plain(K::Esc), A::Back),
        (Callbacks, Key::ch('q'), A::Back),
        (Ticket, Key::plain(K::Esc), A::Back),
        (Ticket, Key::ch('q'), A::Back),
        (Ticket, Key::plain(K::Backspace), A::Back),
        (Filter, Key::plain(K::Enter), A::Submit),
        (Filter, Key::plain(K::Esc), A::Cancel),
        (Filter, Key::plain(K::Up), A::Up),
        (Filter, Key::plain(K::Down), A::Down),
        (Filter, Key::plain(K::F(1)), A::Help),
        (Form, Key::ctrl('s'), A::Submit),
        (Form, Key::plain(K::Enter), A::Submit),
        (Form, Key::plain(K::Esc), A::Cancel),
        (Form, Key::plain(K::Tab), A::NextField),
        (Form, Key::plain(K::Down), A::NextField),
        (Form, Key::plain(K::BackTab), A::PrevField),
        (Form, Key::plain(K::Up), A::PrevField),
        (Form, Key::plain(K::Left), A::ChoicePrev),
        (Form, Key::plain(K::Right), A::ChoiceNext),
        (Form, Key::plain(K::F(1)), A::Help),
        (Review, Key::plain(K::Enter), A::Open),
        (Review, Key::ch('J'), A::Judge),
        (Review, Key::ch(' '), A::Mark),
        (Review, Key::ch('o'), A::ToggleOrder),
        (Review, Key::ch('/'), A::Filter),
        (Review, Key::ch('d'), A::FilterPeriod),
        (Review, Key::ch('c'), A::FilterMetric),
        (Review, Key::ch('p'), A::FilterPriority),
        (Review, Key::ch('t'), A::FilterKind),
        (Review, Key::ch('s'), A::FilterStatus),
        (Review, Key::ch('x'), A::ClearFilters),
        (Ticket, Key::ch('m'), A::JudgeMinor),
        (Ticket, Key::ch('M'), A::JudgeMajor),
        (Ticket, Key::ch('a'), A::Amend),
        (Ticket, Key::ch('A'), A::SaveAttachments),
        (Review, Key::ch('m'), A::JudgeMinor),
        (Review, Key::ch('1'), A::JudgeMinor),
        (Review, Key::ch('M'), A::JudgeMajor),
        (Review, Key::ch('2'), A::JudgeMajor),
        (Review, Key::ch('D'), A::Dashboard),
        (Review, Key::plain(K::Esc), A::Back),
        (Review, Key::ch('q'), A::Back),
        (Dashboard, Key::ch('h'), A::PrevPeriod),
        (Dashboard, Key::plain(K::Left), A::PrevPeriod),
        (Dashboard, Key::ch('l'), A::NextPeriod),
        (Dashboard, Key::plain(K::Right), A::NextPeriod),
        (Dashboard, Key::ch('b'), A::Breakdown),
        (Dashboard, Key::ch('R'), A::Review),
        (Dashboard, Key::ch('?'), A::Help),
        (Dashboard, Key::plain(K::F(1)), A::Help),
        (Dashboard, Key::plain(K::Esc), A::Back),
        (Dashboard, Key::ch('q'), A::Back),
        (Help, Key::plain(K::Esc), A::Back),
        (Help, Key::ch('q'), A::Back),
        (Help, Key::ch('?'), A::Back),
        (Help, Key::plain(K::F(1)), A::Back),
        (Help, Key::ch('j'), A::Down),
        (Help, Key::plain(K::Down), A::Down),
        (Help, Key::ch('k'), A::Up),
        (Help, Key::plain(K::Up), A::Up),
        (Help, Key::plain(K::PageDown), A::PageDown),
        (Help, Key::plain(K::PageUp), A::PageUp),
        (Help, Key::ch('g'), A::Top),
        (Help, Key::plain(K::Home), A::Top),
        (Help, Key::ch('G'), A::Bottom),
        (Help, Key::plain(K::End), A::Bottom),
    ]);
    out.extend([Board, Ticket, Review, Dashboard, Callbacks].map(|ctx| (ctx, Key::ch('!'), A::Notices)));
    out
}

/// The bindings in force.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Context, Key, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap { bindings: defaults() }
    }
}

impl Keymap {
    /// The defaults with `[keys]` applied: `action = "key"` or `"key1, key2"` replaces that
    /// action's keys in every context where it is bound. Returns the problems found (unknown
    /// action, bad key, a plain letter for a text context) alongside the usable keymap.
    pub fn with_overrides(overrides: &BTreeMap<String, String>, lang: &str) -> (Keymap, Vec<String>) {
        let mut map = Keymap::default();
        let mut problems = Vec::new();
        for (name, keys) in overrides {
            let Some(action) = Action::from_name(name) else {
                let name = crate::domain::text::sanitize_line(name);
                problems.push(t!("tui.config.unknown_action", locale = lang, name = name).to_string());
                continue;
            };
            let parsed: Result<Vec<Key>, String> = keys.split(',').map(Key::parse).collect();
            let parsed = match parsed {
                Ok(p) if !p.is_empty() => p,
                Ok(_) => continue,
                Err(e) => {
                    problems.push(t!("tui.config.not_a_key", locale = lang, name = name, key = e).to_string());
                    continue;
                }
            };
            let contexts: Vec<Context> = Context::ALL
                .iter()
                .copied()
                .filter(|c| map.bindings.iter().any(|(bc, _, a)| bc == c && *a == action))
                .collect();
            map.bindings.retain(|(_, _, a)| *a != action);
            for ctx in contexts {
                for key in &parsed {
                    if ctx.takes_text() && key.is_text() {
                        // Said once, however many text contexts bind the action.
                        let problem = t!("tui.config.typed_key", locale = lang, name = name, key = key).to_string();
                        if !problems.contains(&problem) {
                            problems.push(problem);
                        }
                        continue;
                    }
                    // The new key wins over whatever else had it in this context.
                    map.bindings.retain(|(c, k, _)| !(*c == ctx && k == key));
                    map.bindings.push((ctx, *key, action));
                }
            }
        }
        (map, problems)
    }

    /// The action bound to `key` in `ctx`, else in the context it falls back to.
    pub fn lookup(&self, ctx: Context, key: Key) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(c, k, _)| *c == ctx && *k == key)
            .map(|(_, _, a)| *a)
            .or_else(|| ctx.parent().and_then(|p| self.lookup(p, key)))
    }

    /// Every binding in force, in table order: (context, key, action).
    pub fn bindings(&self) -> &[(Context, Key, Action)] {
        &self.bindings
    }

    /// The keys of `action` in `ctx` (else in the context it falls back to), as shown to
    /// people ("j/↓").
    pub fn keys_for(&self, ctx: Context, action: Action) -> String {
        match (self.own_keys(ctx, action), ctx.parent()) {
            (keys, Some(parent)) if keys.is_empty() => self.keys_for(parent, action),
            (keys, _) => keys,
        }
    }

    /// The keys bound to `action` in `ctx` itself.
    fn own_keys(&self, ctx: Context, action: Action) -> String {
        let keys: Vec<String> = self
            .bindings
            .iter()
            .filter(|(c, _, a)| *c == ctx && *a == action)
            .map(|(_, k, _)| k.to_string())
            .collect();
        keys.join("/")
    }

    /// The actions bound in `ctx`, in help order, each with its keys.
    pub fn help(&self, ctx: Context) -> Vec<(String, Action)> {
        Action::ALL
            .iter()
            .copied()
            .filter_map(|a| {
                let keys = self.own_keys(ctx, a);
                (!keys.is_empty()).then_some((keys, a))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> Key {
        Key::ch(c)
    }

    #[test]
    fn defaults_follow_the_conventions() {
        let map = Keymap::default();
        assert_eq!(map.lookup(Context::Board, key('j')), Some(Action::Down));
        assert_eq!(map.lookup(Context::Board, key('q')), Some(Action::Quit));
        assert_eq!(map.lookup(Context::Ticket, key('q')), Some(Action::Back));
        assert_eq!(
            map.lookup(Context::Board, Key::plain(KeyCode::F(1))),
            Some(Action::Help)
        );
        assert_eq!(map.keys_for(Context::Board, Action::Down), "j/↓");
    }

    #[test]
    fn text_contexts_bind_no_plain_characters() {
        let map = Keymap::default();
        for (ctx, k, _) in &map.bindings {
            assert!(!(ctx.takes_text() && k.is_text()), "{ctx:?} binds {k}");
        }
    }

    #[test]
    fn overrides_rebind_by_name_and_report_problems() {
        let mut o = BTreeMap::new();
        o.insert("new".to_string(), "a".to_string());
        o.insert("quit".to_string(), "ctrl-q, Q".to_string());
        o.insert("submit".to_string(), "ctrl-enter, z".to_string());
        o.insert("fly".to_string(), "f".to_string());
        o.insert("log".to_string(), "shift-ctrl-what".to_string());
        let (map, problems) = Keymap::with_overrides(&o, "en");
        assert_eq!(map.lookup(Context::Board, key('a')), Some(Action::New));
        assert_eq!(map.lookup(Context::Board, key('n')), None);
        assert_eq!(map.lookup(Context::Board, Key::ctrl('q')), Some(Action::Quit));
        assert_eq!(map.lookup(Context::Board, key('Q')), Some(Action::Quit));
        assert_eq!(map.lookup(Context::Form, key('z')), None);
        assert_eq!(problems.len(), 3, "each problem once: {problems:?}");
    }

    #[test]
    fn config_problems_are_said_in_the_readers_language() {
        let mut o = BTreeMap::new();
        o.insert("fly".to_string(), "f".to_string());
        o.insert("log".to_string(), "shift-ctrl-what".to_string());
        o.insert("submit".to_string(), "z".to_string());
        let (_, problems) = Keymap::with_overrides(&o, "zh-CN");
        assert_eq!(problems.len(), 3, "{problems:?}");
        for p in &problems {
            assert!(p.starts_with("配置 [keys]"), "{p}");
            assert!(
                !p.contains("action") && !p.contains("key ") && !p.contains("typed"),
                "{p}"
            );
        }
    }

    #[test]
    fn keys_parse_and_print() {
        assert_eq!(Key::parse("ctrl-s").unwrap(), Key::ctrl('s'));
        assert_eq!(Key::parse("F1").unwrap(), Key::plain(KeyCode::F(1)));
        assert_eq!(Key::parse("G").unwrap(), key('G'));
        assert_eq!(Key::ctrl('s').to_string(), "Ctrl-S");
        assert!(Key::parse("nope").is_err());
    }
}

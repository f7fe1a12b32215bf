//! The SLA policy (TOML): calendars, settings, and the metrics (clocks) that encode a shop's
//! service promises. `assets/policy.toml` is the shipped default and documents every key.
//!
//! Schema in short:
//!
//! ```toml
//! [settings]
//! calendar = "shop"        # the shop calendar: day boundaries and local display (default:
//!                          # the calendar named "shop", else the first one)
//! auto_close_days = 7      # close resolved tickets without customer reply after N days
//! callback_share = 0.1     # share of last month's closed tickets sampled for callbacks
//!
//! [calendars.shop]         # see `calendar` for the semantics
//! timezone = "Asia/Shanghai"
//! mon = ["09:00-12:00", "13:30-18:00"]
//! holidays = ["2026-10-01"]
//! [calendars.shop.overrides]
//! "2026-09-27" = ["09:00-18:00"]
//!
//! [metrics.first-response]
//! label = { en = "First response", zh = "首次响应" }
//! start = "opened"         # opened | first-contact
//! stop = "first-outbound-contact" # first-outbound-contact | outbound-contact | plan | resolved | closed
//! pause = ["waiting"]      # statuses that pause the clock (default ["waiting"])
//! calendar = "shop"        # default: the shop calendar
//! warn_at = 0.75           # share of the target after which the clock warns, in (0, 1]
//! recurring = false        # each stop event meets the cycle and starts the next one
//! max_extension = "3d"     # the most an agent may extend one cycle (none: no extensions)
//! target = "30m"           # or per priority: { urgent = "30m", important = "1h", normal = "2h" }
//! complex = "2h"           # target for complex tickets (same forms)
//! only_kinds = ["complaint"]   # applies to these kinds only
//! only_complex = true          # applies to complex tickets only
//! [metrics.first-response.kinds]
//! complaint = "24h"        # per-kind targets (same forms)
//! ```
//!
//! Precedence of targets: a kind's target wins over the complexity target, which wins over the
//! base `target`; within the chosen one the ticket's priority picks the value.

use crate::domain::calendar::{Calendar, OpenRange};
use crate::domain::log::Targets;
use crate::domain::target::Target;
use crate::domain::ticket::{Complexity, Kind, Priority, Status};
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The builtin default policy, embedded so the binary stands alone.
pub const BUILTIN: &str = include_str!("../../assets/policy.toml");

/// What starts a metric's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartEvent {
    /// The ticket was opened (intake).
    Opened,
    /// The first contact with the customer, either direction.
    FirstContact,
}

/// What stops (meets) a metric's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopEvent {
    /// The first outbound contact of the cycle.
    FirstOutboundContact,
    /// Any outbound contact; with `recurring`, each one meets a cycle and starts the next.
    OutboundContact,
    /// A solution plan told to the customer (`Event::Plan`).
    Plan,
    /// The ticket moved to resolved.
    Resolved,
    /// The ticket moved to closed.
    Closed,
}

impl StartEvent {
    pub const ALL: &'static [StartEvent] = &[StartEvent::Opened, StartEvent::FirstContact];

    pub fn slug(self) -> &'static str {
        match self {
            StartEvent::Opened => "opened",
            StartEvent::FirstContact => "first-contact",
        }
    }
}

impl StopEvent {
    pub const ALL: &'static [StopEvent] = &[
        StopEvent::FirstOutboundContact,
        StopEvent::OutboundContact,
        StopEvent::Plan,
        StopEvent::Resolved,
        StopEvent::Closed,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            StopEvent::FirstOutboundContact => "first-outbound-contact",
            StopEvent::OutboundContact => "outbound-contact",
            StopEvent::Plan => "plan",
            StopEvent::Resolved => "resolved",
            StopEvent::Closed => "closed",
        }
    }
}

/// One target per priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByPriority {
    pub urgent: Target,
    pub important: Target,
    pub normal: Target,
}

impl ByPriority {
    pub fn same(t: Target) -> ByPriority {
        ByPriority {
            urgent: t,
            important: t,
            normal: t,
        }
    }

    pub fn get(&self, p: Priority) -> Target {
        match p {
            Priority::Urgent => self.urgent,
            Priority::Important => self.important,
            Priority::Normal => self.normal,
        }
    }
}

/// A clock the policy runs on tickets.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub name: String,
    pub label_en: String,
    pub label_zh: String,
    pub start: StartEvent,
    pub stop: StopEvent,
    pub pause: Vec<Status>,
    pub calendar: String,
    pub warn_at: f64,
    pub recurring: bool,
    pub max_extension: Option<Target>,
    pub target: ByPriority,
    pub complex: Option<ByPriority>,
    pub kinds: BTreeMap<Kind, ByPriority>,
    pub only_kinds: Option<Vec<Kind>>,
    pub only_complex: bool,
}

impl Metric {
    /// The label in a language ("zh..." picks Chinese, anything else English).
    pub fn label(&self, lang: &str) -> &str {
        if lang.starts_with("zh") {
            &self.label_zh
        } else {
            &self.label_en
        }
    }

    pub fn applies_to(&self, kind: Kind, complexity: Complexity) -> bool {
        self.only_kinds.as_ref().is_none_or(|k| k.contains(&kind))
            && (!self.only_complex || complexity == Complexity::Complex)
    }

    /// The target for a ticket: kind over complexity over base; `None` when the metric does
    /// not apply.
    pub fn target_for(&self, priority: Priority, kind: Kind, complexity: Complexity) -> Option<Target> {
        if !self.applies_to(kind, complexity) {
            return None;
        }
        let table = self
            .kinds
            .get(&kind)
            .or(self.complex.as_ref().filter(|_| complexity == Complexity::Complex))
            .unwrap_or(&self.target);
        Some(table.get(priority))
    }

    pub fn pauses_on(&self, status: Status) -> bool {
        self.pause.contains(&status)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The shop calendar: day boundaries and local display.
    pub calendar: String,
    /// Resolved tickets without a customer reply close after this many days.
    pub auto_close_days: u32,
    /// Share of last month's closed tickets sampled for satisfaction callbacks (回访).
    pub callback_share: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// In file order.
    calendars: Vec<(String, Calendar)>,
    /// In file order.
    pub metrics: Vec<Metric>,
    pub settings: Settings,
}

/// One problem in a policy file, located by line and field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub origin: String,
    pub line: usize,
    /// Dotted path of the field ("calendars.shop.mon"); empty for syntax errors.
    pub path: String,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Paths and messages quote the file's text, which may hold control characters.
        use crate::domain::text::sanitize_line;
        write!(f, "{}:{}: ", sanitize_line(&self.origin), self.line)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", sanitize_line(&self.path))?;
        }
        f.write_str(&sanitize_line(&self.message))
    }
}

impl std::error::Error for PolicyError {}

impl Policy {
    /// Parses and checks a policy; `origin` names the file in errors. Every problem found is
    /// reported, not just the first, in line order.
    pub fn parse(text: &str, origin: &str) -> Result<Policy, Vec<PolicyError>> {
        let mut p = Parser {
            text,
            origin,
            errors: Vec::new(),
        };
        let policy = p.policy();
        p.errors.sort_by_key(|e| e.line);
        match policy {
            Some(policy) if p.errors.is_empty() => Ok(policy),
            _ => Err(p.errors),
        }
    }

    /// Tells two policies apart (stored clocks remember which one computed them).
    pub fn fingerprint(&self) -> String {
        format!("{:016x}", crate::domain::callback::stable_hash(&format!("{self:?}")))
    }

    /// The shipped default (`assets/policy.toml`).
    pub fn builtin() -> Policy {
        match Policy::parse(BUILTIN, "assets/policy.toml") {
            Ok(p) => p,
            // A test parses the asset, so this cannot ship broken.
            Err(errors) => panic!("the builtin policy is invalid: {}", errors[0]),
        }
    }

    pub fn calendar(&self, name: &str) -> Option<&Calendar> {
        self.calendars.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    /// Calendar names in file order.
    pub fn calendar_names(&self) -> impl Iterator<Item = &str> {
        self.calendars.iter().map(|(n, _)| n.as_str())
    }

    /// The calendar of `settings.calendar`: day boundaries and local display.
    pub fn shop_calendar(&self) -> &Calendar {
        self.calendar(&self.settings.calendar).unwrap_or(&self.calendars[0].1)
    }

    pub fn metric(&self, name: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.name == name)
    }

    /// The calendar a metric runs on.
    pub fn metric_calendar(&self, metric: &Metric) -> &Calendar {
        self.calendar(&metric.calendar).unwrap_or_else(|| self.shop_calendar())
    }

    /// The promise for a ticket with these fields, metric -> target text; metrics that do not
    /// apply are absent. The desk snapshots this into the log.
    pub fn targets_for(&self, priority: Priority, kind: Kind, complexity: Complexity) -> Targets {
        self.metrics
            .iter()
            .filter_map(|m| {
                m.target_for(priority, kind, complexity)
                    .map(|t| (m.name.clone(), t.to_string()))
            })
            .collect()
    }
}

type Value<'i> = Spanned<DeValue<'i>>;

/// Walks the spanned TOML tree, collecting every error with its line.
struct Parser<'a> {
    text: &'a str,
    origin: &'a str,
    errors: Vec<PolicyError>,
}

impl Parser<'_> {
    fn error(&mut self, span: Range<usize>, path: &str, message: impl Into<String>) {
        let line = self.text[..span.start.min(self.text.len())].matches('\n').count() + 1;
        self.errors.push(PolicyError {
            origin: self.origin.to_string(),
            line,
            path: path.to_string(),
            message: message.into(),
        });
    }

    fn policy(&mut self) -> Option<Policy> {
        let root = match DeTable::parse(self.text) {
            Ok(root) => root,
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                self.error(span, "", e.message().trim().to_string());
                return None;
            }
        };
        let root_span = root.span();
        let root = root.into_inner();
        self.unknown_keys(&root, "", &["settings", "calendars", "metrics"]);

        let mut calendars = Vec::new();
        if let Some(v) = root.get("calendars")
            && let Some(table) = self.table(v, "calendars")
        {
            for (name, value) in in_file_order(table) {
                let path = format!("calendars.{}", name.get_ref());
                if let Some(cal) = self.calendar(value, &path) {
                    calendars.push((name.get_ref().to_string(), cal));
                }
            }
        }
        let names: Vec<String> = calendars.iter().map(|(n, _)| n.clone()).collect();
        let has_calendars = root
            .get("calendars")
            .and_then(|v| v.get_ref().as_table())
            .is_some_and(|t| !t.is_empty());
        if !has_calendars {
            self.error(root_span.clone(), "calendars", "at least one calendar is needed");
        }

        let settings = self.settings(root.get("settings"), &names);

        let mut metrics = Vec::new();
        if let Some(v) = root.get("metrics")
            && let Some(table) = self.table(v, "metrics")
        {
            for (name, value) in in_file_order(table) {
                let path = format!("metrics.{}", name.get_ref());
                if let Some(m) = self.metric(name.get_ref(), value, &path, &names, &settings) {
                    metrics.push(m);
                }
            }
        }
        if calendars.is_empty() {
            return None;
        }
        Some(Policy {
            calendars,
            metrics,
            settings,
        })
    }

    fn settings(&mut self, value: Option<&Value>, calendars: &[String]) -> Settings {
        let default_calendar = if calendars.iter().any(|c| c == "shop") {
            "shop".to_string()
        } else {
            calendars.first().cloned().unwrap_or_default()
        };
        let mut s = Settings {
            calendar: default_calendar,
            auto_close_days: 7,
            callback_share: 0.1,
        };
        let Some(table) = value.and_then(|v| self.table(v, "settings")) else {
            return s;
        };
        self.unknown_keys(table, "settings", &["calendar", "auto_close_days", "callback_share"]);
        if let Some(v) = table.get("calendar")
            && let Some(name) = self.calendar_ref(v, "settings.calendar", calendars)
        {
            s.calendar = name;
        }
        if let Some(v) = table.get("auto_close_days") {
            match v.get_ref() {
                DeValue::Integer(i) => match u32::from_str_radix(i.as_str(), i.radix()) {
                    Ok(n) if n >= 1 => s.auto_close_days = n,
                    _ => self.error(
                        v.span(),
                        "settings.auto_close_days",
                        "must be a whole number of days, at least 1",
                    ),
                },
                other => self.error(
                    v.span(),
                    "settings.auto_close_days",
                    format!("expected an integer, found {}", other.type_str()),
                ),
            }
        }
        if let Some(v) = table.get("callback_share")
            && let Some(x) = self.number(v, "settings.callback_share")
        {
            if (0.0..=1.0).contains(&x) {
                s.callback_share = x;
            } else {
                self.error(
                    v.span(),
                    "settings.callback_share",
                    format!("{x} is outside 0..1 (0.1 = 10%)"),
                );
            }
        }
        s
    }

    fn calendar(&mut self, value: &Value, path: &str) -> Option<Calendar> {
        let table = self.table(value, path)?;
        let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let mut allowed: Vec<&str> = vec!["timezone", "holidays", "overrides"];
        allowed.extend(days);
        self.unknown_keys(table, path, &allowed);
        let before = self.errors.len();

        let tz = match table.get("timezone") {
            None => {
                self.error(
                    value.span(),
                    path,
                    "missing timezone (an IANA name such as Asia/Shanghai)",
                );
                None
            }
            Some(v) => {
                let tz_path = format!("{path}.timezone");
                let name = self.string(v, &tz_path)?;
                match name.parse::<Tz>() {
                    Ok(tz) => Some(tz),
                    Err(_) => {
                        self.error(
                            v.span(),
                            &tz_path,
                            format!("unknown timezone \"{name}\" (use an IANA name such as Asia/Shanghai)"),
                        );
                        None
                    }
                }
            }
        };
        let week: [Vec<OpenRange>; 7] = std::array::from_fn(|i| {
            table
                .get(days[i])
                .map(|v| self.ranges(v, &format!("{path}.{}", days[i])))
                .unwrap_or_default()
        });
        let mut holidays = BTreeSet::new();
        if let Some(v) = table.get("holidays") {
            let hpath = format!("{path}.holidays");
            for item in self.array(v, &hpath).unwrap_or(&[]) {
                let text = match item.get_ref() {
                    DeValue::Datetime(d) => Some(d.to_string()),
                    DeValue::String(s) => Some(s.to_string()),
                    other => {
                        self.error(
                            item.span(),
                            &hpath,
                            format!("expected a date, found {}", other.type_str()),
                        );
                        None
                    }
                };
                if let Some(date) = text.and_then(|t| self.date(&t, item.span(), &hpath)) {
                    holidays.insert(date);
                }
            }
        }
        let mut overrides = BTreeMap::new();
        if let Some(v) = table.get("overrides") {
            let opath = format!("{path}.overrides");
            if let Some(t) = self.table(v, &opath) {
                for (key, ranges) in in_file_order(t) {
                    let kpath = format!("{opath}.\"{}\"", key.get_ref());
                    let date = self.date(key.get_ref(), key.span(), &kpath);
                    let ranges = self.ranges(ranges, &kpath);
                    if let Some(date) = date {
                        overrides.insert(date, ranges);
                    }
                }
            }
        }
        if self.errors.len() > before {
            return None;
        }
        match Calendar::new(tz?, week, holidays, overrides) {
            Ok(c) => Some(c),
            Err(e) => {
                self.error(value.span(), path, e);
                None
            }
        }
    }

    /// A day's ranges; errors name the offending range.
    fn ranges(&mut self, value: &Value, path: &str) -> Vec<OpenRange> {
        let mut out: Vec<OpenRange> = Vec::new();
        for item in self.array(value, path).unwrap_or(&[]) {
            let Some(text) = self.string(item, path) else {
                continue;
            };
            match OpenRange::parse(text) {
                Ok(r) => {
                    if let Err(e) = crate::domain::calendar::check_ranges(
                        &[out.last().copied(), Some(r)].into_iter().flatten().collect::<Vec<_>>(),
                    ) {
                        self.error(item.span(), path, format!("range \"{text}\": {e}"));
                    } else {
                        out.push(r);
                    }
                }
                Err(e) => self.error(item.span(), path, format!("range \"{text}\": {e}")),
            }
        }
        out
    }

    fn date(&mut self, text: &str, span: Range<usize>, path: &str) -> Option<NaiveDate> {
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.error(span, path, format!("\"{text}\" is not a date (YYYY-MM-DD)"));
                None
            }
        }
    }

    fn metric(
        &mut self,
        name: &str,
        value: &Value,
        path: &str,
        calendars: &[String],
        settings: &Settings,
    ) -> Option<Metric> {
        let table = self.table(value, path)?;
        self.unknown_keys(
            table,
            path,
            &[
                "label",
                "start",
                "stop",
                "pause",
                "calendar",
                "warn_at",
                "recurring",
                "max_extension",
                "target",
                "complex",
                "kinds",
                "only_kinds",
                "only_complex",
            ],
        );
        let before = self.errors.len();
        let at = |key: &str| format!("{path}.{key}");

        let (mut label_en, mut label_zh) = (name.to_string(), name.to_string());
        if let Some(v) = table.get("label") {
            match v.get_ref() {
                DeValue::String(s) => {
                    label_en = s.to_string();
                    label_zh = s.to_string();
                }
                DeValue::Table(t) => {
                    self.unknown_keys(t, &at("label"), &["en", "zh"]);
                    if let Some(s) = t.get("en").and_then(|v| self.string(v, &at("label.en"))) {
                        label_en = s.to_string();
                        label_zh = s.to_string();
                    }
                    if let Some(s) = t.get("zh").and_then(|v| self.string(v, &at("label.zh"))) {
                        label_zh = s.to_string();
                    }
                }
                other => self.error(
                    v.span(),
                    &at("label"),
                    format!(
                        "expected a string or {{ en = ..., zh = ... }}, found {}",
                        other.type_str()
                    ),
                ),
            }
        }
        let start = match table.get("start") {
            None => Some(StartEvent::Opened),
            Some(v) => self.string(v, &at("start")).and_then(|s| {
                let found = StartEvent::ALL.iter().find(|e| e.slug() == s).copied();
                if found.is_none() {
                    let choices: Vec<&str> = StartEvent::ALL.iter().map(|e| e.slug()).collect();
                    self.error(
                        v.span(),
                        &at("start"),
                        format!("unknown start event \"{s}\" (expected one of: {})", choices.join(", ")),
                    );
                }
                found
            }),
        };
        let stop = match table.get("stop") {
            None => {
                self.error(value.span(), path, "missing stop (the event that meets the clock)");
                None
            }
            Some(v) => self.string(v, &at("stop")).and_then(|s| {
                let found = StopEvent::ALL.iter().find(|e| e.slug() == s).copied();
                if found.is_none() {
                    let choices: Vec<&str> = StopEvent::ALL.iter().map(|e| e.slug()).collect();
                    self.error(
                        v.span(),
                        &at("stop"),
                        format!("unknown stop event \"{s}\" (expected one of: {})", choices.join(", ")),
                    );
                }
                found
            }),
        };
        let mut pause = vec![Status::Waiting];
        if let Some(v) = table.get("pause") {
            pause.clear();
            for item in self.array(v, &at("pause")).unwrap_or(&[]) {
                if let Some(s) = self.string(item, &at("pause")) {
                    match s.parse::<Status>() {
                        Ok(st) => pause.push(st),
                        Err(_) => self.error(
                            item.span(),
                            &at("pause"),
                            format!("unknown status \"{s}\" (expected one of: {})", Status::choices()),
                        ),
                    }
                }
            }
        }
        let calendar = match table.get("calendar") {
            None => Some(settings.calendar.clone()),
            Some(v) => self.calendar_ref(v, &at("calendar"), calendars),
        };
        let mut warn_at = 0.75;
        if let Some(v) = table.get("warn_at")
            && let Some(x) = self.number(v, &at("warn_at"))
        {
            if x > 0.0 && x <= 1.0 {
                warn_at = x;
            } else {
                self.error(
                    v.span(),
                    &at("warn_at"),
                    format!("{x} is outside (0, 1]; 0.75 warns at three quarters of the target"),
                );
            }
        }
        let recurring = table
            .get("recurring")
            .and_then(|v| self.boolean(v, &at("recurring")))
            .unwrap_or(false);
        let only_complex = table
            .get("only_complex")
            .and_then(|v| self.boolean(v, &at("only_complex")))
            .unwrap_or(false);
        let max_extension = table
            .get("max_extension")
            .and_then(|v| self.target(v, &at("max_extension")));
        let target = match table.get("target") {
            None => {
                self.error(value.span(), path, "missing target (e.g. target = \"2h\")");
                None
            }
            Some(v) => self.by_priority(v, &at("target")),
        };
        let complex = table.get("complex").and_then(|v| self.by_priority(v, &at("complex")));
        let mut kinds = BTreeMap::new();
        if let Some(v) = table.get("kinds")
            && let Some(t) = self.table(v, &at("kinds"))
        {
            for (key, v) in in_file_order(t) {
                let kpath = format!("{path}.kinds.{}", key.get_ref());
                let kind = self.kind(key.get_ref(), key.span(), &kpath);
                let target = self.by_priority(v, &kpath);
                if let (Some(kind), Some(target)) = (kind, target) {
                    kinds.insert(kind, target);
                }
            }
        }
        let mut only_kinds = None;
        if let Some(v) = table.get("only_kinds") {
            let mut list = Vec::new();
            for item in self.array(v, &at("only_kinds")).unwrap_or(&[]) {
                if let Some(s) = self.string(item, &at("only_kinds"))
                    && let Some(k) = self.kind(s, item.span(), &at("only_kinds"))
                {
                    list.push(k);
                }
            }
            only_kinds = Some(list);
        }
        if let (Some(max), Some(t)) = (max_extension, target)
            && max.is_days() != t.normal.is_days()
            && kinds.values().all(|k: &ByPriority| max.is_days() != k.normal.is_days())
        {
            self.error(
                table.get("max_extension").map_or(value.span(), |v| v.span()),
                &at("max_extension"),
                "must use the same unit as the targets it extends (days or time)",
            );
        }
        if self.errors.len() > before {
            return None;
        }
        Some(Metric {
            name: name.to_string(),
            label_en,
            label_zh,
            start: start?,
            stop: stop?,
            pause,
            calendar: calendar?,
            warn_at,
            recurring,
            max_extension,
            target: target?,
            complex,
            kinds,
            only_kinds,
            only_complex,
        })
    }

    fn by_priority(&mut self, value: &Value, path: &str) -> Option<ByPriority> {
        if let DeValue::Table(t) = value.get_ref() {
            self.unknown_keys(t, path, &["urgent", "important", "normal"]);
            let mut get = |p: &str| match t.get(p) {
                Some(v) => self.target(v, &format!("{path}.{p}")),
                None => {
                    self.error(
                        value.span(),
                        path,
                        format!("missing {p} (give urgent, important and normal, or one target for all)"),
                    );
                    None
                }
            };
            let (u, i, n) = (get("urgent"), get("important"), get("normal"));
            return Some(ByPriority {
                urgent: u?,
                important: i?,
                normal: n?,
            });
        }
        self.target(value, path).map(ByPriority::same)
    }

    fn target(&mut self, value: &Value, path: &str) -> Option<Target> {
        let text = self.string(value, path)?;
        match text.parse::<Target>() {
            Ok(t) => Some(t),
            Err(e) => {
                self.error(value.span(), path, e.to_string());
                None
            }
        }
    }

    fn kind(&mut self, text: &str, span: Range<usize>, path: &str) -> Option<Kind> {
        match text.parse::<Kind>() {
            Ok(k) => Some(k),
            Err(_) => {
                self.error(
                    span,
                    path,
                    format!("unknown kind \"{text}\" (expected one of: {})", Kind::choices()),
                );
                None
            }
        }
    }

    fn calendar_ref(&mut self, value: &Value, path: &str, calendars: &[String]) -> Option<String> {
        let name = self.string(value, path)?;
        if calendars.iter().any(|c| c == name) {
            Some(name.to_string())
        } else {
            self.error(
                value.span(),
                path,
                format!("unknown calendar \"{name}\" (defined: {})", calendars.join(", ")),
            );
            None
        }
    }

    fn unknown_keys(&mut self, table: &DeTable, path: &str, allowed: &[&str]) {
        for (key, _) in in_file_order(table) {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let full = if path.is_empty() {
                    key.get_ref().to_string()
                } else {
                    format!("{path}.{}", key.get_ref())
                };
                self.error(
                    key.span(),
                    &full,
                    format!("unknown key (expected one of: {})", allowed.join(", ")),
                );
            }
        }
    }

    fn table<'v, 'i>(&mut self, value: &'v Value<'i>, path: &str) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.error(
                    value.span(),
                    path,
                    format!("expected a table, found {}", other.type_str()),
                );
                None
            }
        }
    }

    fn array<'v, 'i>(&mut self, value: &'v Value<'i>, path: &str) -> Option<&'v [Value<'i>]> {
        match value.get_ref() {
            DeValue::Array(a) => Some(a),
            other => {
                self.error(
                    value.span(),
                    path,
                    format!("expected an array, found {}", other.type_str()),
                );
                None
            }
        }
    }

    fn string<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v str> {
        match value.get_ref() {
            DeValue::String(s) => Some(s),
            other => {
                self.error(
                    value.span(),
                    path,
                    format!("expected a string, found {}", other.type_str()),
                );
                None
            }
        }
    }

    fn boolean(&mut self, value: &Value, path: &str) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.error(
                    value.span(),
                    path,
                    format!("expected true or false, found {}", other.type_str()),
                );
                None
            }
        }
    }

    fn number(&mut self, value: &Value, path: &str) -> Option<f64> {
        let parsed = match value.get_ref() {
            DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok().map(|n| n as f64),
            _ => None,
        };
        if parsed.is_none() {
            self.error(
                value.span(),
                path,
                format!("expected a number, found {}", value.get_ref().type_str()),
            );
        }
        parsed.filter(|x| x.is_finite())
    }
}

/// A table's entries in the order they appear in the file.
fn in_file_order<'t, 'i>(table: &'t DeTable<'i>) -> Vec<(&'t Spanned<std::borrow::Cow<'i, str>>, &'t Value<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries
}

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
//! shop = "..."             # the shop's name, heading reports (optional)
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
//! max_extension = "3d"     # the most an agent may extend one cycle, for every kind
//!                          # (absent or "none": no extensions)
//! target = "30m"           # or per priority: { urgent = "30m", important = "1h", normal = "2h" }
//! complex = "2h"           # target for complex tickets (same forms)
//! only_kinds = ["complaint"]   # applies to these kinds only
//! only_complex = true          # applies to complex tickets only
//! [metrics.first-response.kinds]
//! complaint = "24h"        # per-kind targets (same forms)
//! [metrics.first-response.max_extension_kinds]
//! repair = "3d"            # per-kind allowance, wins over max_extension
//! return = "none"          # "none": this kind may not be extended
//! ```
//!
//! Precedence of targets: a kind's target wins over the complexity target, which wins over the
//! base `target`; within the chosen one the ticket's priority picks the value. Likewise a
//! kind's `max_extension_kinds` entry wins over `max_extension`.
//!
//! Reading goes in two steps: `raw` deserialises the file with serde into spanned structs
//! (a wrong type or unknown key is recorded and the rest still read), then `validate` checks
//! the meaning in one pass. Every problem comes back typed (`PolicyError`: file, line, field
//! path, `Problem`), never as a sentence; `crate::words::policy` puts it into words.
//! `fingerprint` digests the meaning, for knowing when stored clocks need a recompute.

mod error;
mod fingerprint;
mod raw;
mod validate;

pub use error::{Expected, PolicyError, Problem, Required, ValueKind};

use crate::domain::calendar::Calendar;
use crate::domain::log::Targets;
use crate::domain::target::Target;
use crate::domain::ticket::{Complexity, Kind, Priority, Status};
use error::Problems;
use std::collections::BTreeMap;

/// How a policy writes "no extensions" for `max_extension` and its per-kind entries.
pub const NO_EXTENSION: &str = "none";

/// The builtin default policy, embedded so the binary stands alone.
pub const BUILTIN: &str = include_str!("../../../assets/policy.toml");

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// The most one cycle may be extended, for kinds without an entry below; `None`: no
    /// extensions.
    pub max_extension: Option<Target>,
    /// Per-kind allowances over `max_extension`; `None` refuses extensions for that kind.
    pub max_extension_kinds: BTreeMap<Kind, Option<Target>>,
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
        self.rules().applies_to(kind, complexity)
    }

    /// The target for a ticket: kind over complexity over base; `None` when the metric does
    /// not apply.
    pub fn target_for(&self, priority: Priority, kind: Kind, complexity: Complexity) -> Option<Target> {
        self.rules().pick(priority, kind, complexity)
    }

    fn rules(&self) -> TargetRules<'_> {
        TargetRules {
            target: &self.target,
            complex: self.complex.as_ref(),
            kinds: &self.kinds,
            only_kinds: self.only_kinds.as_deref(),
            only_complex: self.only_complex,
        }
    }

    /// The most one cycle of a ticket of this kind may be extended; `None`: not at all.
    pub fn max_extension_for(&self, kind: Kind) -> Option<Target> {
        match self.max_extension_kinds.get(&kind) {
            Some(over) => *over,
            None => self.max_extension,
        }
    }

    /// The kinds whose tickets may have this metric extended, in vocabulary order (only those
    /// the metric applies to).
    pub fn extendable_kinds(&self) -> Vec<Kind> {
        Kind::ALL
            .iter()
            .copied()
            .filter(|k| self.only_kinds.as_ref().is_none_or(|only| only.contains(k)))
            .filter(|k| self.max_extension_for(*k).is_some())
            .collect()
    }

    pub fn pauses_on(&self, status: Status) -> bool {
        self.pause.contains(&status)
    }
}

/// How a metric's target is chosen for a ticket (a policy's metric, or the promise table a
/// ticket opened under).
pub struct TargetRules<'a> {
    pub target: &'a ByPriority,
    pub complex: Option<&'a ByPriority>,
    pub kinds: &'a BTreeMap<Kind, ByPriority>,
    pub only_kinds: Option<&'a [Kind]>,
    pub only_complex: bool,
}

impl TargetRules<'_> {
    pub fn applies_to(&self, kind: Kind, complexity: Complexity) -> bool {
        self.only_kinds.is_none_or(|k| k.contains(&kind)) && (!self.only_complex || complexity == Complexity::Complex)
    }

    /// Kind over complexity over base, then the priority; `None` when it does not apply.
    pub fn pick(&self, priority: Priority, kind: Kind, complexity: Complexity) -> Option<Target> {
        if !self.applies_to(kind, complexity) {
            return None;
        }
        let table = self
            .kinds
            .get(&kind)
            .or(self.complex.filter(|_| complexity == Complexity::Complex))
            .unwrap_or(self.target);
        Some(table.get(priority))
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
    /// The shop's name, heading reports ("": none). Not part of the fingerprint: it changes
    /// no clock.
    pub shop: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// In file order.
    calendars: Vec<(String, Calendar)>,
    /// In file order.
    pub metrics: Vec<Metric>,
    pub settings: Settings,
}

impl Policy {
    /// Parses and checks a policy; `origin` names the file in errors. Every problem found is
    /// reported, not just the first, in line order.
    pub fn parse(text: &str, origin: &str) -> Result<Policy, Vec<PolicyError>> {
        let mut problems = Problems::new(text, origin);
        let policy = raw::read(text, &mut problems).and_then(|raw| validate::policy(raw, &mut problems));
        let mut errors = problems.list;
        errors.sort_by_key(|e| e.line);
        match policy {
            Some(policy) if errors.is_empty() => Ok(policy),
            _ => Err(errors),
        }
    }

    /// A digest of what the policy means (not of how it is written): stored clocks remember
    /// which policy computed them, and a new digest recomputes them. See `fingerprint.rs`.
    pub fn fingerprint(&self) -> String {
        fingerprint::of(self)
    }

    /// The shipped default (`assets/policy.toml`).
    pub fn builtin() -> Policy {
        match Policy::parse(BUILTIN, "assets/policy.toml") {
            Ok(p) => p,
            // A test parses the asset, so this cannot ship broken.
            Err(errors) => panic!("the builtin policy is invalid: {errors:?}"),
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

    /// The metric a person typed: its name, or its label in either language (首次响应) when
    /// exactly one metric carries it.
    pub fn metric_named(&self, typed: &str) -> Option<&Metric> {
        if let Some(m) = self.metric(typed.trim()) {
            return Some(m);
        }
        let typed = crate::domain::ticket::normalize_word(typed);
        let same = |text: &str| crate::domain::ticket::normalize_word(text) == typed;
        let mut found = self
            .metrics
            .iter()
            .filter(|m| same(&m.name) || same(&m.label_en) || same(&m.label_zh));
        match (found.next(), found.next()) {
            (Some(m), None) => Some(m),
            _ => None,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metric_is_found_by_its_name_or_either_label() {
        let policy = Policy::builtin();
        let name = |typed: &str| policy.metric_named(typed).map(|m| m.name.as_str());
        assert_eq!(name("resolution"), Some("resolution"));
        assert_eq!(name("解决时限"), Some("resolution"));
        assert_eq!(name(" first response "), Some("first-response"));
        assert_eq!(name("首次响应"), Some("first-response"));
        assert_eq!(name("响应"), None);
    }
}

//! SLA clocks: a pure replay of a ticket's log against the policy, read at `now`.
//!
//! Rules, in the order a reader needs them:
//!
//! - **Cycles.** A metric's clock starts at its start event and is met by its stop event (see
//!   `policy`). A recurring metric is met by each stop event, which starts the next cycle.
//!   Moving to `resolved` also ends every running clock except those stopped by `closed` (the
//!   customer has the result); `closed` ends all. Reopening (resolved/closed -> open) starts a
//!   new cycle of every metric whose last cycle resolving or closing ended; old cycles keep
//!   their outcome.
//! - **Targets.** A cycle takes its target from the latest snapshot in the log
//!   (`Opened.targets`, `Field.targets`): a promise made is kept. A metric missing from the
//!   snapshot falls back to the current policy's target for the ticket's fields. A priority,
//!   kind or complexity change re-targets running cycles (start, elapsed and paused time stay);
//!   a metric that no longer applies ends there, one that starts to apply starts there.
//!   Calendars and metric definitions always come from the current policy, so a new holiday
//!   moves running clocks.
//! - **Deadline.** A time target is business time: the due instant is where business time
//!   outside pauses reaches the target. A day target's base is `add_working_days(start, n)`;
//!   its budget is the business time from start to that base, and pauses push the due by the
//!   business time they cover. Only pauses before the due count: a pause cannot undo a
//!   breach. While a pause is open, the due moves with `now` and the remaining time is frozen.
//! - **Extensions** add to the target of the running cycle: working days to a day target's
//!   count, business time to its budget.
//! - **State**: `Met` once stopped (then `breached` says whether it was late), else `Breached`
//!   when the due has passed, else `Paused`, else `Warning` once elapsed >= `warn_at` x budget,
//!   else `Running`.

use crate::domain::calendar::{Calendar, DayRule};
use crate::domain::log::{Event, LogEntry, Targets};
use crate::domain::policy::{Metric, Policy, StartEvent, StopEvent};
use crate::domain::target::{Target, format_secs};
use crate::domain::ticket::{Complexity, Kind, Priority, Status, Ticket};
use chrono::{DateTime, Duration, Utc};
use rust_i18n::t;
use serde::Serialize;
use std::fmt;

/// Explanations list at most this many open spans per clock.
const MAX_SPAN_LINES: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClockState {
    Running,
    Paused,
    Warning,
    Breached,
    Met,
}

impl ClockState {
    pub fn slug(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Warning => "warning",
            ClockState::Breached => "breached",
            ClockState::Met => "met",
        }
    }
}

impl fmt::Display for ClockState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// One cycle of one metric, read at `now`. Serialises with these field names (JSON output).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockReading {
    pub metric: String,
    /// 1 for the first cycle; reopens and recurring metrics add cycles.
    pub cycle: u32,
    pub state: ClockState,
    /// Target text ("30m", "7d") in force for this cycle.
    pub target: String,
    pub calendar: String,
    pub started_at: DateTime<Utc>,
    /// `None` only when the calendar never opens.
    pub due_at: Option<DateTime<Utc>>,
    pub met_at: Option<DateTime<Utc>>,
    /// The due passed before the cycle was met, or before `now` while it runs.
    pub breached: bool,
    /// The due instant, when breached.
    pub breached_at: Option<DateTime<Utc>>,
    /// Paused right now (the ticket is in one of the metric's pause statuses).
    pub paused: bool,
    /// Business time counted against the target (pauses excluded).
    pub elapsed_secs: i64,
    /// Business time left; negative when late; frozen while paused.
    pub remaining_secs: i64,
    /// Business time spent paused.
    pub paused_secs: i64,
    /// Extensions granted, as target text ("3d", "2h"); empty when none.
    pub extended: String,
}

/// One SLA clock as persisted: derived from the log, rewritten with every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClock {
    pub metric: String,
    pub cycle: u32,
    /// running, paused, warning, breached, met
    pub state: String,
    pub target: String,
    pub started_at: DateTime<Utc>,
    /// None while paused: the deadline moves as long as the pause lasts.
    pub due_at: Option<DateTime<Utc>>,
    pub met_at: Option<DateTime<Utc>>,
    /// When the deadline passed unmet, if it had by the time of the write.
    pub breached_at: Option<DateTime<Utc>>,
    pub paused_secs: i64,
    /// Business seconds left at the time of the write (negative when late).
    pub remaining_secs: Option<i64>,
}

/// Why an extension is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionError {
    UnknownMetric(String),
    NotExtendable(String),
    NotRunning(String),
    AlreadyMet(String),
    /// The deadline has passed: a breach stands and is judged, it is not extended away.
    AlreadyBreached {
        metric: String,
        due: DateTime<Utc>,
    },
    WrongUnit {
        metric: String,
        max: Target,
    },
    BeyondMaximum {
        metric: String,
        max: Target,
        granted: String,
        asked: Target,
    },
}

impl fmt::Display for ExtensionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtensionError::UnknownMetric(m) => write!(f, "extend: unknown metric \"{m}\""),
            ExtensionError::NotExtendable(m) => {
                write!(f, "extend: {m} cannot be extended (the policy sets no max_extension)")
            }
            ExtensionError::NotRunning(m) => {
                write!(f, "extend: {m} has no running clock on this ticket")
            }
            ExtensionError::AlreadyMet(m) => write!(f, "extend: {m} is already met"),
            ExtensionError::AlreadyBreached { metric, due } => write!(
                f,
                "extend: {metric} was due {} and is already breached; a breach is judged (promptly review), not extended",
                due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            ExtensionError::WrongUnit { metric, max } => write!(
                f,
                "extend: {metric} extends in {} (at most {max})",
                if max.is_days() {
                    "working days, e.g. 1d"
                } else {
                    "business time, e.g. 2h"
                }
            ),
            ExtensionError::BeyondMaximum {
                metric,
                max,
                granted,
                asked,
            } => write!(
                f,
                "extend: {metric} may be extended by at most {max} per cycle; {granted} already granted, {asked} more would exceed it"
            ),
        }
    }
}

impl std::error::Error for ExtensionError {}

/// Every clock of the ticket at `now`, cycles in start order. Log entries after `now` are
/// not yet history and are ignored.
pub fn evaluate(policy: &Policy, ticket: &Ticket, log: &[LogEntry], now: DateTime<Utc>) -> Vec<ClockReading> {
    replay(policy, ticket, log, Some(now))
        .iter()
        .filter_map(|c| read(policy, c, now).map(|(reading, _)| reading))
        .collect()
}

/// Refuses an extension past the metric's maximum (all extensions of the current cycle
/// together), of a metric without one, of a met, breached (at `now`) or unknown metric.
pub fn check_extension(
    policy: &Policy,
    ticket: &Ticket,
    log: &[LogEntry],
    metric: &str,
    by: &Target,
    now: DateTime<Utc>,
) -> Result<(), ExtensionError> {
    let m = policy
        .metric(metric)
        .ok_or_else(|| ExtensionError::UnknownMetric(metric.to_string()))?;
    let max = m
        .max_extension
        .ok_or_else(|| ExtensionError::NotExtendable(metric.to_string()))?;
    let cycles = replay(policy, ticket, log, Some(now));
    let current = cycles
        .iter()
        .rev()
        .find(|c| c.metric == metric)
        .ok_or_else(|| ExtensionError::NotRunning(metric.to_string()))?;
    if current.stopped.is_some() {
        return Err(ExtensionError::AlreadyMet(metric.to_string()));
    }
    if let Some((reading, _)) = read(policy, current, now)
        && let (true, Some(due)) = (reading.breached, reading.due_at)
    {
        return Err(ExtensionError::AlreadyBreached {
            metric: metric.to_string(),
            due,
        });
    }
    if max.is_days() != by.is_days() {
        return Err(ExtensionError::WrongUnit {
            metric: metric.to_string(),
            max,
        });
    }
    let granted = current
        .extensions
        .iter()
        .filter(|(_, t)| t.is_days() == max.is_days())
        .fold(None, |sum: Option<Target>, (_, t)| {
            Some(sum.and_then(|s| s.checked_add(*t)).unwrap_or(*t))
        });
    let total = granted.map_or(Some(*by), |g| g.checked_add(*by));
    let over = match (total, max) {
        (Some(Target::WorkingDays(t)), Target::WorkingDays(m)) => t > m,
        (Some(Target::Business(t)), Target::Business(m)) => t > m,
        _ => true,
    };
    if over {
        return Err(ExtensionError::BeyondMaximum {
            metric: metric.to_string(),
            max,
            granted: granted.map_or("nothing".to_string(), |g| g.to_string()),
            asked: *by,
        });
    }
    Ok(())
}

/// How each clock got where it is: open spans walked (local times), holidays and overrides
/// met, DST shifts, pauses, extensions, re-targets, and the outcome.
pub fn explain(policy: &Policy, ticket: &Ticket, log: &[LogEntry], now: DateTime<Utc>) -> Vec<String> {
    let mut lines = Vec::new();
    for cycle in replay(policy, ticket, log, Some(now)) {
        let Some((r, due)) = read(policy, &cycle, now) else {
            continue;
        };
        let Some(metric) = policy.metric(&cycle.metric) else {
            continue;
        };
        let cal = policy.metric_calendar(metric);
        let at = |t: DateTime<Utc>| local_text(cal, t);
        let lang = rust_i18n::locale();
        lines.push(
            t!(
                "explain.header",
                metric = r.metric,
                cycle = r.cycle,
                label = metric.label(&lang),
                target = r.target,
                calendar = r.calendar,
                tz = cal.tz().name(),
                started = at(r.started_at)
            )
            .to_string(),
        );
        if let Some(Target::WorkingDays(n)) = cycle.target_value() {
            let start_day = cal.local(r.started_at).format("%Y-%m-%d").to_string();
            lines.push(t!("explain.working_days", n = n, day = start_day).to_string());
        }
        // Everything that happened to the clock, in time order.
        let mut steps: Vec<(DateTime<Utc>, String)> = Vec::new();
        for (t, from, to, why) in &cycle.retargets {
            let line = t!("explain.retargeted", at = at(*t), from = from, to = to, why = why);
            steps.push((*t, line.to_string()));
        }
        for (t, ext) in &cycle.extensions {
            steps.push((*t, t!("explain.extended", at = at(*t), by = ext).to_string()));
        }
        for p in &cycle.pauses {
            let end = p.to.unwrap_or(now).min(cycle.stopped.map_or(now, |s| s.0));
            let until = p.to.map_or_else(|| t!("explain.now").to_string(), |_| at(end));
            let length = format_secs(cal.business_between(p.from, end).num_seconds());
            let line = t!(
                "explain.paused",
                status = p.status,
                from = at(p.from),
                to = until,
                length = length
            );
            steps.push((p.from, line.to_string()));
        }
        let horizon = r
            .met_at
            .unwrap_or(now)
            .max(due.unwrap_or(r.started_at))
            .max(r.started_at);
        walk_steps(cal, r.started_at, horizon, &mut steps);
        steps.sort_by_key(|(t, _)| *t);
        lines.extend(steps.into_iter().map(|(_, line)| line));
        let due_text = r.due_at.map_or_else(|| t!("explain.never").to_string(), at);
        let outcome = match r.met_at {
            Some(m) => t!("explain.met", at = at(m), how = cycle.stopped.map_or("", |s| s.1)),
            None => t!("explain.not_met", at = at(now)),
        };
        let state = t!(format!("clock.{}", r.state.slug()));
        let breached = if r.breached {
            t!("explain.breached").to_string()
        } else {
            String::new()
        };
        lines.push(
            t!(
                "explain.due",
                due = due_text,
                outcome = outcome,
                state = format!("{state}{breached}"),
                elapsed = format_secs(r.elapsed_secs),
                remaining = format_secs(r.remaining_secs),
                paused = format_secs(r.paused_secs)
            )
            .to_string(),
        );
    }
    lines
}

/// A span's end as the calendar writes it: a span running to the next local midnight ends at
/// "24:00", not "00:00".
fn end_of_span(cal: &Calendar, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    let (s, e) = (cal.local(start), cal.local(end));
    if e.date_naive() > s.date_naive() && e.format("%H:%M:%S").to_string() == "00:00:00" {
        "24:00".to_string()
    } else {
        e.format("%H:%M").to_string()
    }
}

/// The calendar walk between two instants, for `explain`: open spans (the first
/// `MAX_SPAN_LINES`), holidays and overrides met, DST shifts.
fn walk_steps(cal: &Calendar, from: DateTime<Utc>, to: DateTime<Utc>, steps: &mut Vec<(DateTime<Utc>, String)>) {
    let spans = cal.open_spans(from, to);
    for span in spans.iter().take(MAX_SPAN_LINES) {
        let line = t!(
            "explain.open",
            day = cal.local(span.start).format("%Y-%m-%d %a").to_string(),
            from = cal.local(span.start).format("%H:%M").to_string(),
            to = end_of_span(cal, span.start, span.end),
            length = format_secs((span.end - span.start).num_seconds())
        );
        steps.push((span.start, line.to_string()));
    }
    if let Some(last) = spans.get(MAX_SPAN_LINES) {
        steps.push((
            last.start,
            t!("explain.more_spans", n = spans.len() - MAX_SPAN_LINES).to_string(),
        ));
    }
    let (d0, d1) = (cal.local(from).date_naive(), cal.local(to).date_naive());
    for date in d0.iter_days().take_while(|d| *d <= d1).take(400) {
        let line = match cal.day_rule(date) {
            DayRule::Holiday => t!("explain.holiday", date = date).to_string(),
            DayRule::Override => {
                let ranges: Vec<String> = cal.ranges_on(date).iter().map(|r| r.to_string()).collect();
                let ranges = if ranges.is_empty() {
                    t!("explain.closed").to_string()
                } else {
                    ranges.join(", ")
                };
                t!("explain.override", date = date, ranges = ranges).to_string()
            }
            DayRule::Weekday => continue,
        };
        steps.push((cal.start_of_day(date), line));
    }
    for change in cal.offset_changes(from, to) {
        let line = t!(
            "explain.dst",
            at = change.at.format("%Y-%m-%d %H:%M").to_string(),
            from = offset_text(change.before),
            to = offset_text(change.after)
        );
        steps.push((change.at, line.to_string()));
    }
}

fn offset_text(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
}

fn local_text(cal: &Calendar, t: DateTime<Utc>) -> String {
    cal.local(t).format("%Y-%m-%d %a %H:%M:%S %:z").to_string()
}

/// Why a cycle ended; resolving or closing ends are restarted by a reopen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EndedBy {
    StopEvent,
    ResolveOrClose,
    Withdrawn,
}

/// A stretch of time in a pause status; `to` is `None` while it lasts.
#[derive(Debug, Clone)]
struct Pause {
    from: DateTime<Utc>,
    to: Option<DateTime<Utc>>,
    status: &'static str,
}

/// One cycle as the replay leaves it.
#[derive(Debug, Clone)]
struct Cycle {
    metric: String,
    number: u32,
    started_at: DateTime<Utc>,
    target: String,
    pauses: Vec<Pause>,
    extensions: Vec<(DateTime<Utc>, Target)>,
    /// (instant, why, how) once met or ended.
    stopped: Option<(DateTime<Utc>, &'static str, EndedBy)>,
    retargets: Vec<(DateTime<Utc>, String, String, String)>,
}

impl Cycle {
    fn target_value(&self) -> Option<Target> {
        self.target.parse().ok()
    }

    fn running(&self) -> bool {
        self.stopped.is_none()
    }

    fn stop(&mut self, at: DateTime<Utc>, why: &'static str, how: EndedBy) {
        if let Some(p) = self.pauses.last_mut()
            && p.to.is_none()
        {
            p.to = Some(at);
        }
        self.stopped = Some((at, why, how));
    }
}

/// The replay's view of the ticket as it walks the log.
struct Replay<'p> {
    policy: &'p Policy,
    status: Status,
    priority: Priority,
    kind: Kind,
    complexity: Complexity,
    snapshot: Targets,
    opened: bool,
    contacted: bool,
    cycles: Vec<Cycle>,
}

/// Replays the log (sorted by (at, id); entries after `until` ignored) into cycles.
fn replay(policy: &Policy, ticket: &Ticket, log: &[LogEntry], until: Option<DateTime<Utc>>) -> Vec<Cycle> {
    let mut entries: Vec<&LogEntry> = log.iter().filter(|e| until.is_none_or(|u| e.at <= u)).collect();
    entries.sort_by_key(|e| (e.at, e.id));
    let mut r = Replay {
        policy,
        status: Status::Open,
        priority: ticket.priority,
        kind: ticket.kind,
        complexity: ticket.complexity,
        snapshot: Targets::new(),
        opened: false,
        contacted: false,
        cycles: Vec::new(),
    };
    let opened = entries.iter().position(|e| matches!(e.event, Event::Opened { .. }));
    match opened {
        Some(i) => entries.drain(..i).for_each(drop),
        // A ticket without an intake entry (imported): open it from the ticket row.
        None if until.is_none_or(|u| ticket.opened_at <= u) => r.open(ticket.opened_at),
        None => return Vec::new(),
    }
    for e in entries {
        r.apply(e);
    }
    r.cycles
}

impl Replay<'_> {
    fn apply(&mut self, e: &LogEntry) {
        let at = e.at;
        match &e.event {
            Event::Opened {
                priority,
                kind,
                complexity,
                targets,
            } => {
                if !self.opened {
                    (self.priority, self.kind, self.complexity) = (*priority, *kind, *complexity);
                    self.snapshot = targets.clone();
                    self.open(at);
                }
            }
            Event::Contact { .. } => {
                if e.event.is_outbound_contact() {
                    self.stop_matching(at, "outbound contact", |s| {
                        matches!(s, StopEvent::FirstOutboundContact | StopEvent::OutboundContact)
                    });
                }
                if !self.contacted {
                    self.contacted = true;
                    self.start_all(at, |m| m.start == StartEvent::FirstContact);
                }
            }
            Event::Plan => self.stop_matching(at, "solution plan", |s| s == StopEvent::Plan),
            Event::Status { to, .. } => self.change_status(at, *to),
            Event::Field { field, to, targets, .. } => self.change_field(at, field, to, targets.as_ref()),
            Event::Extended { metric, by } => {
                if let (Some(c), Ok(by)) = (self.running_mut(metric), by.parse::<Target>()) {
                    c.extensions.push((at, by));
                }
            }
            Event::Note | Event::System { .. } | Event::Confirmed | Event::Judged { .. } | Event::Callback { .. } => {}
        }
    }

    fn open(&mut self, at: DateTime<Utc>) {
        self.opened = true;
        self.status = Status::Open;
        self.start_all(at, |m| m.start == StartEvent::Opened);
    }

    /// The target a metric has for the ticket now: snapshot first, then the policy.
    fn target_of(&self, m: &Metric) -> Option<String> {
        if let Some(text) = self.snapshot.get(&m.name)
            && text.parse::<Target>().is_ok()
        {
            return Some(text.clone());
        }
        m.target_for(self.priority, self.kind, self.complexity)
            .map(|t| t.to_string())
    }

    fn start_all(&mut self, at: DateTime<Utc>, which: impl Fn(&Metric) -> bool) {
        let policy = self.policy;
        for m in policy.metrics.iter().filter(|m| which(m)) {
            self.start(at, m);
        }
    }

    fn start(&mut self, at: DateTime<Utc>, m: &Metric) {
        let Some(target) = self.target_of(m) else {
            return;
        };
        let number = self.cycles.iter().filter(|c| c.metric == m.name).count() as u32 + 1;
        let mut c = Cycle {
            metric: m.name.clone(),
            number,
            started_at: at,
            target,
            pauses: Vec::new(),
            extensions: Vec::new(),
            stopped: None,
            retargets: Vec::new(),
        };
        if m.pauses_on(self.status) {
            c.pauses.push(Pause {
                from: at,
                to: None,
                status: self.status.slug(),
            });
        }
        self.cycles.push(c);
    }

    fn running_mut(&mut self, metric: &str) -> Option<&mut Cycle> {
        self.cycles.iter_mut().rev().find(|c| c.metric == metric && c.running())
    }

    /// Meets the running cycles whose stop event matches; recurring ones start again.
    fn stop_matching(&mut self, at: DateTime<Utc>, why: &'static str, stop: impl Fn(StopEvent) -> bool) {
        let policy = self.policy;
        for m in policy.metrics.iter().filter(|m| stop(m.stop)) {
            if let Some(c) = self.running_mut(&m.name) {
                c.stop(at, why, EndedBy::StopEvent);
                if m.recurring {
                    self.start(at, m);
                }
            }
        }
    }

    fn change_status(&mut self, at: DateTime<Utc>, to: Status) {
        let from = self.status;
        self.status = to;
        let policy = self.policy;
        for m in &policy.metrics {
            if let Some(c) = self.running_mut(&m.name) {
                match (m.pauses_on(from), m.pauses_on(to)) {
                    (false, true) => c.pauses.push(Pause {
                        from: at,
                        to: None,
                        status: to.slug(),
                    }),
                    (true, false) => {
                        if let Some(p) = c.pauses.last_mut() {
                            p.to = Some(at);
                        }
                    }
                    _ => {}
                }
            }
        }
        match to {
            Status::Resolved => {
                self.stop_matching(at, "resolved", |s| s == StopEvent::Resolved);
                self.end_running(at, "ended by resolving", |s| s != StopEvent::Closed);
            }
            Status::Closed => {
                self.stop_matching(at, "closed", |s| s == StopEvent::Closed);
                self.end_running(at, "ended by closing", |_| true);
            }
            Status::Open if matches!(from, Status::Resolved | Status::Closed) => {
                for m in &policy.metrics {
                    let last = self.cycles.iter().rev().find(|c| c.metric == m.name);
                    let restart = last.is_some_and(|c| {
                        c.stopped.is_some_and(|s| {
                            s.2 == EndedBy::ResolveOrClose
                                || (s.2 == EndedBy::StopEvent
                                    && matches!(m.stop, StopEvent::Resolved | StopEvent::Closed))
                        })
                    });
                    if restart {
                        self.start(at, m);
                    }
                }
            }
            _ => {}
        }
    }

    /// Ends running cycles of the metrics whose stop event passes `which`.
    fn end_running(&mut self, at: DateTime<Utc>, why: &'static str, which: impl Fn(StopEvent) -> bool) {
        let policy = self.policy;
        for m in policy.metrics.iter().filter(|m| which(m.stop)) {
            if let Some(c) = self.running_mut(&m.name) {
                c.stop(at, why, EndedBy::ResolveOrClose);
            }
        }
    }

    fn change_field(&mut self, at: DateTime<Utc>, field: &str, to: &str, targets: Option<&Targets>) {
        let changed = match field {
            "priority" => to.parse().map(|p| self.priority = p).is_ok(),
            "kind" => to.parse().map(|k| self.kind = k).is_ok(),
            "complexity" => to.parse().map(|c| self.complexity = c).is_ok(),
            _ => false,
        };
        match targets {
            Some(t) => self.snapshot = t.clone(),
            // A change without a snapshot takes the current policy's promise.
            None if changed => self.snapshot = self.policy.targets_for(self.priority, self.kind, self.complexity),
            None => return,
        }
        let why = format!("{field} -> {to}");
        let active = self.status.is_active();
        let policy = self.policy;
        for m in &policy.metrics {
            let target = self.target_of(m);
            let last = self.cycles.iter().rev().find(|c| c.metric == m.name);
            let last_running = last.is_some_and(Cycle::running);
            let may_start = last.is_none_or(|c| c.stopped.is_some_and(|s| s.2 == EndedBy::Withdrawn));
            match (target, self.running_mut(&m.name)) {
                (Some(t), Some(c)) if t != c.target => {
                    c.retargets.push((at, c.target.clone(), t.clone(), why.clone()));
                    c.target = t;
                }
                (None, Some(c)) => c.stop(at, "withdrawn: no longer applies", EndedBy::Withdrawn),
                (Some(_), None) if !last_running && may_start && active => {
                    let started = match m.start {
                        StartEvent::Opened => true,
                        StartEvent::FirstContact => self.contacted,
                    };
                    if started {
                        self.start(at, m);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Reads a cycle at `now`; also returns the due used for the walk.
fn read(policy: &Policy, c: &Cycle, now: DateTime<Utc>) -> Option<(ClockReading, Option<DateTime<Utc>>)> {
    let metric = policy.metric(&c.metric)?;
    let cal = policy.metric_calendar(metric);
    let target = c.target_value()?;
    let end = c.stopped.map_or(now, |s| s.0).max(c.started_at);

    let (mut ext_days, mut ext_secs) = (0u32, 0i64);
    for (_, e) in &c.extensions {
        match e {
            Target::WorkingDays(d) => ext_days += d,
            Target::Business(s) => ext_secs += s,
        }
    }
    // Pauses clipped to the evaluation end, in order. A pause that begins at the very
    // instant of evaluation is kept (zero length): the budget may have run out before it, and
    // dropping it would let the pause hide that breach.
    let pauses: Vec<(DateTime<Utc>, DateTime<Utc>)> = c
        .pauses
        .iter()
        .map(|p| (p.from, p.to.unwrap_or(end).min(end)))
        .filter(|(p0, p1)| p1 >= p0)
        .collect();
    let paused_now = c.running() && c.pauses.last().is_some_and(|p| p.to.is_none());

    // The budget: business time the target allows, pauses excluded.
    let budget = match target {
        Target::Business(s) => Some(s + ext_secs),
        Target::WorkingDays(n) => cal
            .add_working_days(c.started_at, n + ext_days)
            .ok()
            .map(|base| cal.business_between(c.started_at, base).num_seconds() + ext_secs),
    };
    let mut due = budget.and_then(|b| due_after_pauses(cal, c.started_at, b, &pauses, paused_now.then_some(end)));
    if let (Target::Business(_), true, Some(d)) = (target, ext_days > 0, due) {
        due = cal.add_working_days(d, ext_days).ok();
    }

    let paused_secs: i64 = pauses
        .iter()
        .map(|(a, b)| cal.business_between(*a, *b).num_seconds())
        .sum();
    let elapsed = cal.business_between(c.started_at, end).num_seconds() - paused_secs;
    let budget_secs = match (target, due) {
        // Working days added to a time target: measure what they allow.
        (Target::Business(_), Some(d)) if ext_days > 0 => {
            cal.business_between(c.started_at, d).num_seconds()
                - pauses
                    .iter()
                    .map(|(a, b)| cal.business_between(*a, (*b).min(d)).num_seconds())
                    .sum::<i64>()
        }
        _ => budget.unwrap_or(elapsed),
    };
    let breached = due.is_some_and(|d| d < end);
    let met_at = c.stopped.map(|s| s.0);
    let state = if met_at.is_some() {
        ClockState::Met
    } else if breached {
        ClockState::Breached
    } else if paused_now {
        ClockState::Paused
    } else if elapsed as f64 >= metric.warn_at * budget_secs as f64 {
        ClockState::Warning
    } else {
        ClockState::Running
    };
    let extended = [
        (ext_days > 0).then(|| format!("{ext_days}d")),
        (ext_secs > 0).then(|| format_secs(ext_secs)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" + ");
    let reading = ClockReading {
        metric: c.metric.clone(),
        cycle: c.number,
        state,
        target: c.target.clone(),
        calendar: metric.calendar.clone(),
        started_at: c.started_at,
        due_at: due,
        met_at,
        breached,
        breached_at: due.filter(|_| breached),
        paused: paused_now,
        elapsed_secs: elapsed,
        remaining_secs: budget_secs - elapsed,
        paused_secs,
        extended,
    };
    Some((reading, due))
}

/// The instant where business time outside `pauses` reaches `budget` seconds from `start`.
/// Pauses after that instant do not count; an open pause (`open_until`) holds the clock, so
/// the due is counted from its end.
fn due_after_pauses(
    cal: &Calendar,
    start: DateTime<Utc>,
    budget: i64,
    pauses: &[(DateTime<Utc>, DateTime<Utc>)],
    open_until: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let mut cursor = start;
    let mut need = budget;
    for &(p0, p1) in pauses {
        let p0 = p0.max(cursor);
        let avail = cal.business_between(cursor, p0).num_seconds();
        if avail >= need {
            return cal.add_business(cursor, Duration::seconds(need)).ok();
        }
        need -= avail;
        cursor = cursor.max(p1);
    }
    if let Some(end) = open_until {
        cursor = cursor.max(end);
    }
    cal.add_business(cursor, Duration::seconds(need)).ok()
}

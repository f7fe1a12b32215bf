//! The engine: replays a ticket's log into cycles and reads each at `now`.

use super::{Clock, ClockReading, ClockState, warn_threshold};
use crate::domain::calendar::Calendar;
use crate::domain::log::{Event, LogEntry, SystemAction, Targets};
use crate::domain::policy::{Metric, Policy, StartEvent, StopEvent};
use crate::domain::target::{Target, format_secs};
use crate::domain::ticket::{Complexity, Kind, Priority, Status, Ticket};
use chrono::{DateTime, Duration, Utc};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Every clock of the ticket at `now`, cycles in start order. Log entries after `now` are
/// not yet history and are ignored.
pub fn evaluate(policy: &Policy, ticket: &Ticket, log: &[LogEntry], now: DateTime<Utc>) -> Vec<ClockReading> {
    replay(policy, ticket, log, Some(now))
        .iter()
        .filter_map(|c| read(policy, ticket.id, c, now).map(|(reading, _)| reading))
        .collect()
}

/// Why a cycle ended; resolving or closing ends are restarted by a reopen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EndedBy {
    StopEvent,
    ResolveOrClose,
    Withdrawn,
}

/// A stretch of time in a pause status; `to` is `None` while it lasts.
#[derive(Debug, Clone)]
pub(super) struct Pause {
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
    pub status: Status,
}

/// One cycle as the replay leaves it.
#[derive(Debug, Clone)]
pub(super) struct Cycle {
    pub metric: String,
    pub number: u32,
    pub started_at: DateTime<Utc>,
    pub target: String,
    /// The calendar promised at opening (if the policy still has it), else the metric's.
    pub calendar: String,
    pub pauses: Vec<Pause>,
    pub extensions: Vec<(DateTime<Utc>, Target)>,
    /// (instant, why, how) once met or ended.
    pub stopped: Option<(DateTime<Utc>, Ending, EndedBy)>,
    pub retargets: Vec<Retarget>,
    /// A deadline missed under an earlier policy, kept by the log (`SystemAction::BreachKept`).
    pub kept_breach: Option<DateTime<Utc>>,
}

/// Why a cycle stopped, as `explain` tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    OutboundContact,
    Plan,
    Resolved,
    Closed,
    EndedByResolving,
    EndedByClosing,
    /// The metric no longer applies to the ticket (a field change).
    Withdrawn,
}

/// A running cycle given another target by a field change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retarget {
    pub at: DateTime<Utc>,
    pub from: String,
    pub to: String,
    /// The field changed ("priority", "kind", "complexity") and its new value (a slug).
    pub field: String,
    pub value: String,
    /// False when the cycle was already past its deadline: it keeps its target and its breach,
    /// and `to` is for the next cycle.
    pub applied: bool,
}

impl Cycle {
    pub fn target_value(&self) -> Option<Target> {
        self.target.parse().ok()
    }

    fn running(&self) -> bool {
        self.stopped.is_none()
    }

    fn stop(&mut self, at: DateTime<Utc>, why: Ending, how: EndedBy) {
        if let Some(p) = self.pauses.last_mut()
            && p.to.is_none()
        {
            p.to = Some(at);
        }
        self.stopped = Some((at, why, how));
    }
}

/// The replay's view of the ticket as it walks the log (`'l`: the promise is read from the
/// log in place, not copied, as long as no field change computes a new one).
struct Replay<'p, 'l> {
    policy: &'p Policy,
    status: Status,
    priority: Priority,
    kind: Kind,
    complexity: Complexity,
    snapshot: Cow<'l, Targets>,
    /// Metric -> calendar, as promised at opening (empty for tickets opened before promises
    /// named calendars).
    calendars: Cow<'l, BTreeMap<String, String>>,
    /// The opening recorded the whole promise: a metric missing from the snapshot does not
    /// apply (older tickets fall back to the current policy).
    promised: bool,
    opened: bool,
    contacted: bool,
    cycles: Vec<Cycle>,
}

/// Replays the log (sorted by (at, id); entries after `until` ignored) into cycles.
pub(super) fn replay(policy: &Policy, ticket: &Ticket, log: &[LogEntry], until: Option<DateTime<Utc>>) -> Vec<Cycle> {
    let mut entries: Vec<&LogEntry> = log.iter().filter(|e| until.is_none_or(|u| e.at <= u)).collect();
    entries.sort_by_key(|e| (e.at, e.id));
    let mut r = Replay {
        policy,
        status: Status::Open,
        priority: ticket.priority,
        kind: ticket.kind,
        complexity: ticket.complexity,
        snapshot: Cow::Owned(Targets::new()),
        calendars: Cow::Owned(BTreeMap::new()),
        promised: false,
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

impl<'l> Replay<'_, 'l> {
    fn apply(&mut self, e: &'l LogEntry) {
        let at = e.at;
        match &e.event {
            Event::Opened {
                priority,
                kind,
                complexity,
                targets,
                calendars,
                ..
            } => {
                if !self.opened {
                    (self.priority, self.kind, self.complexity) = (*priority, *kind, *complexity);
                    self.snapshot = Cow::Borrowed(targets);
                    self.calendars = Cow::Borrowed(calendars);
                    self.promised = !calendars.is_empty();
                    self.open(at);
                }
            }
            Event::Contact { .. } => {
                if e.event.is_outbound_contact() {
                    self.stop_matching(at, Ending::OutboundContact, |s| {
                        matches!(s, StopEvent::FirstOutboundContact | StopEvent::OutboundContact)
                    });
                }
                // On a resolved or closed ticket the first contact starts nothing: reopening does.
                if !self.contacted {
                    self.contacted = true;
                    self.start_all(at, |m| m.start == StartEvent::FirstContact);
                }
            }
            Event::Plan => self.stop_matching(at, Ending::Plan, |s| s == StopEvent::Plan),
            Event::Status { to, .. } => self.change_status(at, *to),
            Event::Field { field, to, targets, .. } => self.change_field(at, field, to, targets.as_ref()),
            Event::Extended { metric, by } => {
                let policy = self.policy;
                // An extension never reaches a cycle already late (the desk refuses one; this
                // keeps a hand-written log from undoing a breach).
                if let (Some(c), Ok(by)) = (self.running_mut(metric), by.parse::<Target>())
                    && !breached_at_instant(policy, c, at)
                {
                    c.extensions.push((at, by));
                }
            }
            Event::System {
                why: Some(SystemAction::BreachKept { metric, cycle, due }),
            } => {
                if let Some(c) = self
                    .cycles
                    .iter_mut()
                    .find(|c| &c.metric == metric && c.number == *cycle)
                {
                    c.kept_breach = Some(*due);
                }
            }
            Event::Note
            | Event::System { .. }
            | Event::Confirmed
            | Event::Judged { .. }
            | Event::Callback { .. }
            | Event::Imported { .. }
            | Event::Transferred { .. } => {}
        }
    }

    fn open(&mut self, at: DateTime<Utc>) {
        self.opened = true;
        self.status = Status::Open;
        self.start_all(at, |m| m.start == StartEvent::Opened);
    }

    /// The target a metric has for the ticket now: the promise (the latest snapshot), or for
    /// tickets opened before promises were complete, the current policy.
    fn target_of(&self, m: &Metric) -> Option<String> {
        if let Some(text) = self.snapshot.get(&m.name)
            && text.parse::<Target>().is_ok()
        {
            return Some(text.clone());
        }
        if self.promised {
            return None;
        }
        m.target_for(self.priority, self.kind, self.complexity)
            .map(|t| t.to_string())
    }

    /// The calendar a metric's cycles run on: the promised one while the policy has it.
    fn calendar_of(&self, m: &Metric) -> String {
        self.calendars
            .get(&m.name)
            .filter(|name| self.policy.calendar(name).is_some())
            .unwrap_or(&m.calendar)
            .clone()
    }

    /// Whether the metric's clock has started for this ticket by now (its start event happened).
    fn start_happened(&self, m: &Metric) -> bool {
        match m.start {
            StartEvent::Opened => true,
            StartEvent::FirstContact => self.contacted,
        }
    }

    fn start_all(&mut self, at: DateTime<Utc>, which: impl Fn(&Metric) -> bool) {
        let policy = self.policy;
        for m in policy.metrics.iter().filter(|m| which(m)) {
            self.start(at, m);
        }
    }

    /// Starts a cycle, if the metric applies and the ticket is open or waiting: clocks run
    /// only then.
    fn start(&mut self, at: DateTime<Utc>, m: &Metric) {
        if !self.status.is_active() {
            return;
        }
        let Some(target) = self.target_of(m) else {
            return;
        };
        let number = self.cycles.iter().filter(|c| c.metric == m.name).count() as u32 + 1;
        let mut c = Cycle {
            metric: m.name.clone(),
            number,
            started_at: at,
            target,
            calendar: self.calendar_of(m),
            pauses: Vec::new(),
            extensions: Vec::new(),
            stopped: None,
            retargets: Vec::new(),
            kept_breach: None,
        };
        if holds(m, self.status) {
            c.pauses.push(Pause {
                from: at,
                to: None,
                status: self.status,
            });
        }
        self.cycles.push(c);
    }

    fn running_mut(&mut self, metric: &str) -> Option<&mut Cycle> {
        self.cycles.iter_mut().rev().find(|c| c.metric == metric && c.running())
    }

    /// Meets the running cycles whose stop event matches; recurring ones start again.
    fn stop_matching(&mut self, at: DateTime<Utc>, why: Ending, stop: impl Fn(StopEvent) -> bool) {
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
                match (holds(m, from), holds(m, to)) {
                    (false, true) => c.pauses.push(Pause {
                        from: at,
                        to: None,
                        status: to,
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
                self.stop_matching(at, Ending::Resolved, |s| s == StopEvent::Resolved);
                self.end_running(at, Ending::EndedByResolving, |s| s != StopEvent::Closed);
            }
            Status::Closed => {
                self.stop_matching(at, Ending::Closed, |s| s == StopEvent::Closed);
                self.end_running(at, Ending::EndedByClosing, |_| true);
            }
            // Reopening: a new cycle of every clock resolving or closing ended, and the first
            // cycle of every clock that applies now and never ran (or was withdrawn).
            Status::Open if matches!(from, Status::Resolved | Status::Closed) => {
                for m in &policy.metrics {
                    let last = self.cycles.iter().rev().find(|c| c.metric == m.name);
                    let start = match last.and_then(|c| c.stopped.map(|s| s.2)) {
                        Some(EndedBy::ResolveOrClose) => true,
                        Some(EndedBy::StopEvent) => matches!(m.stop, StopEvent::Resolved | StopEvent::Closed),
                        Some(EndedBy::Withdrawn) => self.start_happened(m),
                        // Still running: a clock stopped only by closing, held while resolved.
                        None if last.is_some() => false,
                        None => self.start_happened(m),
                    };
                    if start {
                        self.start(at, m);
                    }
                }
            }
            _ => {}
        }
    }

    /// Ends running cycles of the metrics whose stop event passes `which`.
    fn end_running(&mut self, at: DateTime<Utc>, why: Ending, which: impl Fn(StopEvent) -> bool) {
        let policy = self.policy;
        for m in policy.metrics.iter().filter(|m| which(m.stop)) {
            if let Some(c) = self.running_mut(&m.name) {
                c.stop(at, why, EndedBy::ResolveOrClose);
            }
        }
    }

    fn change_field(&mut self, at: DateTime<Utc>, field: &str, to: &str, targets: Option<&'l Targets>) {
        let changed = match field {
            "priority" => to.parse().map(|p| self.priority = p).is_ok(),
            "kind" => to.parse().map(|k| self.kind = k).is_ok(),
            "complexity" => to.parse().map(|c| self.complexity = c).is_ok(),
            _ => false,
        };
        match targets {
            Some(t) => self.snapshot = Cow::Borrowed(t),
            // A change without a snapshot takes the current policy's promise.
            None if changed => {
                self.snapshot = Cow::Owned(self.policy.targets_for(self.priority, self.kind, self.complexity))
            }
            None => return,
        }
        let policy = self.policy;
        for m in &policy.metrics {
            let target = self.target_of(m);
            let last = self.cycles.iter().rev().find(|c| c.metric == m.name);
            let last_running = last.is_some_and(Cycle::running);
            let may_start = last.is_none_or(|c| c.stopped.is_some_and(|s| s.2 == EndedBy::Withdrawn));
            let start_happened = self.start_happened(m);
            match (target, self.running_mut(&m.name)) {
                (Some(t), Some(c)) if t != c.target => {
                    // A cycle already late keeps its target and its breach: the new target is
                    // for the next cycle.
                    let applied = !breached_at_instant(policy, c, at);
                    c.retargets.push(Retarget {
                        at,
                        from: c.target.clone(),
                        to: t.clone(),
                        field: field.to_string(),
                        value: to.to_string(),
                        applied,
                    });
                    if applied {
                        c.target = t;
                    }
                }
                // Withdrawn; one already late ends there as a late cycle (see `read`).
                (None, Some(c)) => c.stop(at, Ending::Withdrawn, EndedBy::Withdrawn),
                (Some(_), None) if !last_running && may_start && start_happened => self.start(at, m),
                _ => {}
            }
        }
    }
}

/// Whether a running cycle's deadline passed strictly before `at`: at the deadline itself an
/// event is still in time.
fn breached_at_instant(policy: &Policy, c: &Cycle, at: DateTime<Utc>) -> bool {
    read(policy, 0, c, at).is_some_and(|(r, _)| r.is_breached())
}

/// Whether the metric's clock is held (paused) while the ticket is in `status`: its pause
/// statuses, and resolved for a clock only closing stops (clocks run only while the ticket is
/// open or waiting).
fn holds(m: &Metric, status: Status) -> bool {
    m.pauses_on(status) || (status == Status::Resolved && m.stop == StopEvent::Closed)
}

/// Reads a cycle at `now`; also returns the due used for the walk.
pub(super) fn read(
    policy: &Policy,
    ticket_id: i64,
    c: &Cycle,
    now: DateTime<Utc>,
) -> Option<(ClockReading, Option<DateTime<Utc>>)> {
    let metric = policy.metric(&c.metric)?;
    let cal = policy
        .calendar(&c.calendar)
        .unwrap_or_else(|| policy.metric_calendar(metric));
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
    // A breach the log keeps stands, whatever the calendar says now.
    if let Some(kept) = c.kept_breach {
        due = Some(due.map_or(kept, |d| d.min(kept)));
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
    let withdrawn = c.stopped.is_some_and(|s| s.2 == EndedBy::Withdrawn);
    let state = if withdrawn && !breached {
        ClockState::Withdrawn
    } else if met_at.is_some() {
        ClockState::Met
    } else if breached {
        ClockState::Breached
    } else if paused_now {
        ClockState::Paused
    } else if elapsed >= warn_threshold(budget_secs, metric.warn_at) {
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
    let clock = Clock {
        ticket_id,
        metric: c.metric.clone(),
        cycle: c.number,
        state,
        target: c.target.clone(),
        started_at: c.started_at,
        // A withdrawn cycle has no deadline left to meet.
        due_at: due.filter(|_| state != ClockState::Withdrawn),
        met_at,
        breached_at: due.filter(|_| breached),
        paused_secs,
        remaining_secs: budget_secs - elapsed,
    };
    let reading = ClockReading {
        clock,
        calendar: policy
            .calendar(&c.calendar)
            .map_or_else(|| metric.calendar.clone(), |_| c.calendar.clone()),
        paused: paused_now,
        elapsed_secs: elapsed,
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
            // Due before the pause began: the pause cannot undo the breach. A pause that
            // begins at the very deadline is in time and holds the clock.
            let due = cal.add_business(cursor, Duration::seconds(need)).ok()?;
            if due < p0 {
                return Some(due);
            }
        }
        need -= avail.min(need);
        cursor = cursor.max(p1);
    }
    if let Some(end) = open_until {
        cursor = cursor.max(end);
    }
    cal.add_business(cursor, Duration::seconds(need)).ok()
}

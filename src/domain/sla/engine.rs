//! The engine: replays a ticket's log into cycles and reads each at `now`.

use super::{Clock, ClockReading, ClockState, warn_threshold};
use crate::domain::calendar::Calendar;
use crate::domain::log::{Event, LogEntry, Targets};
use crate::domain::policy::{Metric, Policy, StartEvent, StopEvent};
use crate::domain::target::{Target, format_secs};
use crate::domain::ticket::{Complexity, Kind, Priority, Status, Ticket};
use chrono::{DateTime, Duration, Utc};

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
    pub pauses: Vec<Pause>,
    pub extensions: Vec<(DateTime<Utc>, Target)>,
    /// (instant, why, how) once met or ended.
    pub stopped: Option<(DateTime<Utc>, Ending, EndedBy)>,
    pub retargets: Vec<Retarget>,
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
pub(super) fn replay(policy: &Policy, ticket: &Ticket, log: &[LogEntry], until: Option<DateTime<Utc>>) -> Vec<Cycle> {
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
                    self.stop_matching(at, Ending::OutboundContact, |s| {
                        matches!(s, StopEvent::FirstOutboundContact | StopEvent::OutboundContact)
                    });
                }
                if !self.contacted {
                    self.contacted = true;
                    self.start_all(at, |m| m.start == StartEvent::FirstContact);
                }
            }
            Event::Plan => self.stop_matching(at, Ending::Plan, |s| s == StopEvent::Plan),
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
                match (m.pauses_on(from), m.pauses_on(to)) {
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
    fn end_running(&mut self, at: DateTime<Utc>, why: Ending, which: impl Fn(StopEvent) -> bool) {
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
        let active = self.status.is_active();
        let policy = self.policy;
        for m in &policy.metrics {
            let target = self.target_of(m);
            let last = self.cycles.iter().rev().find(|c| c.metric == m.name);
            let last_running = last.is_some_and(Cycle::running);
            let may_start = last.is_none_or(|c| c.stopped.is_some_and(|s| s.2 == EndedBy::Withdrawn));
            match (target, self.running_mut(&m.name)) {
                (Some(t), Some(c)) if t != c.target => {
                    c.retargets.push(Retarget {
                        at,
                        from: c.target.clone(),
                        to: t.clone(),
                        field: field.to_string(),
                        value: to.to_string(),
                    });
                    c.target = t;
                }
                (None, Some(c)) => c.stop(at, Ending::Withdrawn, EndedBy::Withdrawn),
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
pub(super) fn read(
    policy: &Policy,
    ticket_id: i64,
    c: &Cycle,
    now: DateTime<Utc>,
) -> Option<(ClockReading, Option<DateTime<Utc>>)> {
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
        due_at: due,
        met_at,
        breached_at: due.filter(|_| breached),
        paused_secs,
        remaining_secs: budget_secs - elapsed,
    };
    let reading = ClockReading {
        clock,
        calendar: metric.calendar.clone(),
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

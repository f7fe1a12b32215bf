//! How each clock got where it is, as typed steps: open spans walked (local times), holidays
//! and overrides met, DST shifts, pauses, extensions, re-targets, and the outcome. The front
//! ends put the steps into words (`words::explain`).

use super::engine::{Ending, Retarget, read, replay};
use super::{ClockReading, ClockState};
use crate::domain::calendar::{Calendar, DayRule, OpenRange};
use crate::domain::log::LogEntry;
use crate::domain::policy::Policy;
use crate::domain::target::Target;
use crate::domain::ticket::{Status, Ticket};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Explanations list at most this many open spans per clock.
pub const MAX_SPAN_LINES: usize = 40;
/// Spans past those are counted up to this many; beyond it the count says "over".
const MAX_SPANS_COUNTED: usize = 10_000;

/// One line of an explanation. Instants are in the metric calendar's zone.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The clock: metric and cycle, target, calendar and zone, start.
    Header {
        metric: String,
        cycle: u32,
        target: String,
        calendar: String,
        started: DateTime<Tz>,
    },
    /// A day target: `n` working days counted from the day after `start_day`.
    WorkingDays {
        n: u32,
        start_day: NaiveDate,
    },
    Retargeted {
        at: DateTime<Tz>,
        retarget: Retarget,
    },
    Extended {
        at: DateTime<Tz>,
        by: Target,
    },
    /// A pause in `status`; `to` is `None` while it lasts (until now); `business_secs` is the
    /// business time it covered.
    Paused {
        status: Status,
        from: DateTime<Tz>,
        to: Option<DateTime<Tz>>,
        business_secs: i64,
    },
    /// An open span of the calendar walked; `end` may be the next local midnight ("24:00").
    Open {
        start: DateTime<Tz>,
        end: DateTime<Tz>,
        secs: i64,
    },
    /// Spans beyond the first `MAX_SPAN_LINES`.
    MoreSpans {
        /// True when there are more than `n` (the walk stopped counting).
        at_least: bool,
        n: usize,
    },
    Holiday {
        date: NaiveDate,
    },
    /// A date whose ranges the calendar overrides; empty: closed.
    Override {
        date: NaiveDate,
        ranges: Vec<OpenRange>,
    },
    /// The zone's UTC offset changes at `at` (seconds east of UTC before and after).
    Dst {
        at: DateTime<Utc>,
        before: i32,
        after: i32,
    },
    /// Where the clock stands.
    Due {
        due: Option<DateTime<Tz>>,
        outcome: Outcome,
        state: ClockState,
        breached: bool,
        elapsed_secs: i64,
        remaining_secs: i64,
        paused_secs: i64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Met {
        at: DateTime<Tz>,
        how: Option<Ending>,
    },
    NotMet {
        at: DateTime<Tz>,
    },
    /// The metric stopped applying before the deadline: no outcome.
    Withdrawn {
        at: DateTime<Tz>,
    },
}

/// Every clock of the ticket at `now`, explained step by step, clocks in start order.
pub fn explain(policy: &Policy, ticket: &Ticket, log: &[LogEntry], now: DateTime<Utc>) -> Vec<Step> {
    let mut lines = Vec::new();
    for cycle in replay(policy, ticket, log, Some(now)) {
        let Some((r, due)) = read(policy, ticket.id, &cycle, now) else {
            continue;
        };
        let Some(metric) = policy.metric(&cycle.metric) else {
            continue;
        };
        let cal = policy
            .calendar(&r.calendar)
            .unwrap_or_else(|| policy.metric_calendar(metric));
        let at = |t: DateTime<Utc>| cal.local(t);
        lines.push(Step::Header {
            metric: r.metric.clone(),
            cycle: r.cycle,
            target: r.target.clone(),
            calendar: r.calendar.clone(),
            started: at(r.started_at),
        });
        if let Some(Target::WorkingDays(n)) = cycle.target_value() {
            let start_day = cal.local(r.started_at).date_naive();
            lines.push(Step::WorkingDays { n, start_day });
        }
        // Everything that happened to the clock, in time order.
        let mut steps: Vec<(DateTime<Utc>, Step)> = Vec::new();
        for rt in &cycle.retargets {
            steps.push((
                rt.at,
                Step::Retargeted {
                    at: at(rt.at),
                    retarget: rt.clone(),
                },
            ));
        }
        for (t, ext) in &cycle.extensions {
            steps.push((*t, Step::Extended { at: at(*t), by: *ext }));
        }
        for p in &cycle.pauses {
            let end = p.to.unwrap_or(now).min(cycle.stopped.map_or(now, |s| s.0));
            let step = Step::Paused {
                status: p.status,
                from: at(p.from),
                to: p.to.map(|_| at(end)),
                business_secs: cal.business_between(p.from, end).num_seconds(),
            };
            steps.push((p.from, step));
        }
        let horizon = r
            .met_at
            .unwrap_or(now)
            .max(due.unwrap_or(r.started_at))
            .max(r.started_at);
        walk_steps(cal, r.started_at, horizon, &mut steps);
        steps.sort_by_key(|(t, _)| *t);
        lines.extend(steps.into_iter().map(|(_, step)| step));
        lines.push(due_step(cal, &r, due, cycle.stopped.map(|s| s.1), now));
    }
    lines
}

/// Where the clock stands; `due` is the deadline the walk used (a withdrawn cycle keeps none,
/// but says which it had).
fn due_step(
    cal: &Calendar,
    r: &ClockReading,
    due: Option<DateTime<Utc>>,
    how: Option<Ending>,
    now: DateTime<Utc>,
) -> Step {
    let outcome = match r.met_at {
        Some(m) if r.is_withdrawn() => Outcome::Withdrawn { at: cal.local(m) },
        Some(m) => Outcome::Met { at: cal.local(m), how },
        None => Outcome::NotMet { at: cal.local(now) },
    };
    Step::Due {
        due: due.or(r.due_at).map(|d| cal.local(d)),
        outcome,
        state: r.state,
        breached: r.is_breached(),
        elapsed_secs: r.elapsed_secs,
        remaining_secs: r.remaining_secs,
        paused_secs: r.paused_secs,
    }
}

/// The calendar walk between two instants: open spans (the first `MAX_SPAN_LINES`), holidays
/// and overrides met, DST shifts.
fn walk_steps(cal: &Calendar, from: DateTime<Utc>, to: DateTime<Utc>, steps: &mut Vec<(DateTime<Utc>, Step)>) {
    let spans = cal.open_spans(from, to, MAX_SPAN_LINES + MAX_SPANS_COUNTED);
    for span in spans.iter().take(MAX_SPAN_LINES) {
        let step = Step::Open {
            start: cal.local(span.start),
            end: cal.local(span.end),
            secs: (span.end - span.start).num_seconds(),
        };
        steps.push((span.start, step));
    }
    if let Some(last) = spans.get(MAX_SPAN_LINES) {
        let n = spans.len() - MAX_SPAN_LINES;
        let at_least = n >= MAX_SPANS_COUNTED;
        steps.push((last.start, Step::MoreSpans { n, at_least }));
    }
    let (d0, d1) = (cal.local(from).date_naive(), cal.local(to).date_naive());
    for date in d0.iter_days().take_while(|d| *d <= d1).take(400) {
        let step = match cal.day_rule(date) {
            DayRule::Holiday => Step::Holiday { date },
            DayRule::Override => Step::Override {
                date,
                ranges: cal.ranges_on(date).to_vec(),
            },
            DayRule::Weekday => continue,
        };
        steps.push((cal.start_of_day(date), step));
    }
    // Like holidays and overrides, DST shifts are listed for the first 400 days of the walk.
    let horizon = to.min(from + chrono::Duration::days(400));
    for change in cal.offset_changes(from, horizon) {
        let step = Step::Dst {
            at: change.at,
            before: change.before,
            after: change.after,
        };
        steps.push((change.at, step));
    }
}

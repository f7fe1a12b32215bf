//! Service KPIs for a day, a week or a month (服务报告): a pure function over records the store
//! fetches by index. Definitions (README "Supervisor" repeats them for users):
//!
//! - **Period**: local days of the shop calendar; a week starts on Monday; `[from, to)` are the
//!   instants where the first day starts and the day after the last starts.
//! - **opened**: tickets opened in the period. **resolved / closed / reopened**: tickets with at
//!   least one move to resolved / to closed / back to open from resolved or closed in the period
//!   (a ticket counts once per figure).
//! - **resolution rate** (问题解决率): of the tickets opened in the period, the share that is
//!   resolved or closed at the time of the report.
//! - **first response**: business time from opening to the first outbound contact (the first
//!   cycle of the first-response metric, pauses excluded) of tickets opened in the period that
//!   have had one; median and 90th percentile by the nearest-rank method (always an observed
//!   value). Tickets still waiting count as `pending`.
//! - **compliance** per metric: clocks whose deadline falls in the period and whose outcome is
//!   known (met, or the deadline has passed); `met` = met by the deadline; percent = met / due.
//!   At or above 80% is acceptable, from 50% minor, below 50% major (the letters' lines).
//! - **breaches**: the due clocks not met in time, by the supervisor's class; `unjudged` awaits
//!   review.
//! - **satisfaction**: callback scores recorded in the period. **callbacks**: the queue of the
//!   month holding the period's last day (the previous month's sample) as it stood at the
//!   period's end: done (the latest call reached the customer) and attempts (the latest call
//!   did not) of planned. A call recorded later does not change a past period's figures.
//! - **breakdowns**: compliance and breaches per metric and kind, priority or channel of the
//!   ticket (`breakdown`). **trend**: per day, compliance and the breaches whose deadline
//!   passed that day (due minus met).

mod breakdown;

pub use breakdown::{BreakdownCell, Breakdowns, Classes, Dimension, Facet, Facets, breakdown, breakdowns};

use crate::domain::calendar::Calendar;
use crate::domain::callback::{CallState, Month};
use crate::domain::policy::{Policy, StartEvent, StopEvent};
use crate::domain::review::BreachClass;
use crate::domain::sla::Clock;
use crate::domain::ticket::{Status, vocabulary};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The compliance lines the commitment letters draw.
pub const ACCEPTABLE_PERCENT: f64 = 80.0;
pub const MINOR_PERCENT: f64 = 50.0;

vocabulary!(
    /// A report's period: `daily`, `weekly`, `monthly` (日报/周报/月报).
    PeriodKind, "period" {
        Day => "daily" | "day" | "日报" | "服务日报" | "每日",
        Week => "weekly" | "week" | "周报" | "服务周报" | "每周",
        Month => "monthly" | "month" | "月报" | "服务月报" | "每月",
    }
);

/// A day, a Monday-to-Sunday week or a month of the shop calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub kind: PeriodKind,
    pub first: NaiveDate,
    /// Inclusive.
    pub last: NaiveDate,
    pub from: DateTime<Utc>,
    /// Exclusive: where the day after `last` starts.
    pub to: DateTime<Utc>,
}

impl Period {
    /// The period of `kind` holding the local date `date`.
    pub fn containing(kind: PeriodKind, date: NaiveDate, cal: &Calendar) -> Period {
        let (first, last) = match kind {
            PeriodKind::Day => (date, date),
            PeriodKind::Week => {
                let first = date - Days::new(u64::from(date.weekday().num_days_from_monday()));
                (first, first + Days::new(6))
            }
            PeriodKind::Month => {
                let m = Month::of(date);
                (m.first_day(), m.end() - Days::new(1))
            }
        };
        Period {
            kind,
            first,
            last,
            from: cal.start_of_day(first),
            to: cal.start_of_day(last + Days::new(1)),
        }
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t < self.to
    }

    /// Each local day of the period.
    pub fn days(&self, cal: &Calendar) -> Vec<Period> {
        self.first
            .iter_days()
            .take_while(|d| *d <= self.last)
            .map(|d| Period::containing(PeriodKind::Day, d, cal))
            .collect()
    }
}

/// A move of the status machine, from the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    pub ticket_id: i64,
    pub at: DateTime<Utc>,
    pub from: Status,
    pub to: Status,
}

/// Everything the KPIs of one period are computed from; the store fills it by index.
#[derive(Debug, Clone)]
pub struct KpiInput {
    pub period: Period,
    pub now: DateTime<Utc>,
    /// Tickets opened in the period with their status now.
    pub opened: Vec<(i64, Status)>,
    /// Status moves logged in the period.
    pub status_changes: Vec<StatusChange>,
    /// First cycle of the first-response metric of the tickets opened in the period.
    pub first_responses: Vec<Clock>,
    /// Clocks whose deadline falls in the period.
    pub due: Vec<Clock>,
    /// Judgements on any of `due`: (ticket, metric, cycle) -> class.
    pub classes: BTreeMap<(i64, String, u32), BreachClass>,
    /// The callback queue of the month holding the period's last day as it stood at the
    /// period's end: each queued ticket's latest call then.
    pub callbacks: Vec<CallState>,
    /// Satisfaction scores recorded in the period.
    pub scores: Vec<u8>,
    /// Kind, priority and channel of the tickets of `due`, for the breakdowns.
    pub facets: BTreeMap<i64, Facets>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Acceptable,
    Minor,
    Major,
}

impl Level {
    pub fn of(percent: f64) -> Level {
        if percent >= ACCEPTABLE_PERCENT {
            Level::Acceptable
        } else if percent >= MINOR_PERCENT {
            Level::Minor
        } else {
            Level::Major
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Level::Acceptable => "acceptable",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// Met on time of due, for one metric (or all) over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Compliance {
    pub metric: String,
    pub due: usize,
    pub met: usize,
}

impl Compliance {
    /// Percent to one decimal; `None` when nothing was due.
    pub fn percent(&self) -> Option<f64> {
        percent(self.met, self.due)
    }

    /// Due and not met in time: the breaches whose deadline fell in the period.
    pub fn missed(&self) -> usize {
        self.due.saturating_sub(self.met)
    }

    /// The level from the exact share, not the rounded percent (79.96% is not acceptable).
    pub fn level(&self) -> Option<Level> {
        (self.due > 0).then(|| Level::of(self.met as f64 * 100.0 / self.due as f64))
    }
}

fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

#[derive(Debug, Clone, PartialEq)]
pub struct FirstResponse {
    /// Tickets opened in the period that have had their first response.
    pub count: usize,
    /// Still waiting for it.
    pub pending: usize,
    pub median_secs: Option<i64>,
    pub p90_secs: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BreachCounts {
    pub total: usize,
    pub minor: usize,
    pub major: usize,
    pub unjudged: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Kpis {
    pub period: Period,
    pub opened: usize,
    pub resolved: usize,
    pub closed: usize,
    pub reopened: usize,
    /// Of the tickets opened in the period, how many are resolved or closed now.
    pub opened_now_resolved: usize,
    pub first_response: FirstResponse,
    /// One entry per policy metric (policy order), then metrics no longer in the policy.
    pub compliance: Vec<Compliance>,
    pub breaches: BreachCounts,
    pub satisfaction_count: usize,
    /// Average score to two decimals.
    pub satisfaction_average: Option<f64>,
    pub callbacks_planned: usize,
    /// Reached.
    pub callbacks_done: usize,
    /// Called but not reached (yet).
    pub callbacks_attempted: usize,
    pub breakdowns: Breakdowns,
}

impl Kpis {
    /// 问题解决率, percent to one decimal.
    pub fn resolution_rate(&self) -> Option<f64> {
        percent(self.opened_now_resolved, self.opened)
    }

    /// All metrics together.
    pub fn overall(&self) -> Compliance {
        Compliance {
            metric: String::new(),
            due: self.compliance.iter().map(|c| c.due).sum(),
            met: self.compliance.iter().map(|c| c.met).sum(),
        }
    }
}

/// The metric whose first cycle is "first response": named `first-response`, else the first
/// metric that runs from opening to the first outbound contact.
pub fn first_response_metric(policy: &Policy) -> Option<&str> {
    policy
        .metric("first-response")
        .or_else(|| {
            policy.metrics.iter().find(|m| {
                m.start == StartEvent::Opened && m.stop == StopEvent::FirstOutboundContact && m.only_kinds.is_none()
            })
        })
        .map(|m| m.name.as_str())
}

/// The value at rank ceil(q * n) of the sorted values (nearest-rank percentile).
pub fn nearest_rank(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// Business seconds from the start of a met clock to its stop, pauses excluded.
pub fn business_secs(policy: &Policy, c: &Clock) -> Option<i64> {
    let met = c.met_at?;
    let cal = policy
        .metric(&c.metric)
        .map_or_else(|| policy.shop_calendar(), |m| policy.metric_calendar(m));
    Some((cal.business_between(c.started_at, met).num_seconds() - c.paused_secs).max(0))
}

/// Compliance per metric over `clocks` (whose deadlines the caller chose), policy order first.
pub fn compliance(policy: &Policy, clocks: &[Clock], now: DateTime<Utc>) -> Vec<Compliance> {
    let mut by_metric: Vec<Compliance> = policy
        .metrics
        .iter()
        .map(|m| Compliance {
            metric: m.name.clone(),
            due: 0,
            met: 0,
        })
        .collect();
    for c in clocks.iter().filter(|c| c.decided(now)) {
        let i = match by_metric.iter().position(|m| m.metric == c.metric) {
            Some(i) => i,
            None => {
                by_metric.push(Compliance {
                    metric: c.metric.clone(),
                    due: 0,
                    met: 0,
                });
                by_metric.len() - 1
            }
        };
        by_metric[i].due += 1;
        if c.on_time() {
            by_metric[i].met += 1;
        }
    }
    by_metric
}

/// The KPIs of `input.period`.
pub fn compute(policy: &Policy, input: &KpiInput) -> Kpis {
    let p = &input.period;
    let tickets_with = |pred: &dyn Fn(&StatusChange) -> bool| {
        input
            .status_changes
            .iter()
            .filter(|c| p.contains(c.at) && pred(c))
            .map(|c| c.ticket_id)
            .collect::<BTreeSet<_>>()
            .len()
    };
    let resolved = tickets_with(&|c| c.to == Status::Resolved);
    let closed = tickets_with(&|c| c.to == Status::Closed);
    let reopened = tickets_with(&|c| c.to == Status::Open && matches!(c.from, Status::Resolved | Status::Closed));

    let mut response: Vec<i64> = input
        .first_responses
        .iter()
        .filter(|c| !c.is_withdrawn() && c.met_at.is_some_and(|m| m <= input.now))
        .filter_map(|c| business_secs(policy, c))
        .collect();
    response.sort_unstable();
    let first_response = FirstResponse {
        count: response.len(),
        pending: input.first_responses.iter().filter(|c| !c.is_withdrawn()).count() - response.len(),
        median_secs: nearest_rank(&response, 0.5),
        p90_secs: nearest_rank(&response, 0.9),
    };

    let due: Vec<Clock> = input
        .due
        .iter()
        .filter(|c| c.deadline().is_some_and(|d| p.contains(d)))
        .cloned()
        .collect();
    let mut breaches = BreachCounts::default();
    for c in due.iter().filter(|c| c.breached(input.now)) {
        breaches.total += 1;
        match input.classes.get(&(c.ticket_id, c.metric.clone(), c.cycle)) {
            Some(BreachClass::Minor) => breaches.minor += 1,
            Some(BreachClass::Major) => breaches.major += 1,
            None => breaches.unjudged += 1,
        }
    }

    let scores: Vec<u8> = input.scores.iter().copied().filter(|s| (1..=5).contains(s)).collect();
    let satisfaction_average = (!scores.is_empty()).then(|| {
        let sum: u32 = scores.iter().map(|s| u32::from(*s)).sum();
        (f64::from(sum) * 100.0 / scores.len() as f64).round() / 100.0
    });

    Kpis {
        period: *p,
        opened: input.opened.len(),
        resolved,
        closed,
        reopened,
        opened_now_resolved: input
            .opened
            .iter()
            .filter(|(_, s)| matches!(s, Status::Resolved | Status::Closed))
            .count(),
        first_response,
        compliance: compliance(policy, &due, input.now),
        breakdowns: breakdowns(policy, &due, &input.facets, &input.classes, input.now),
        breaches,
        satisfaction_count: scores.len(),
        satisfaction_average,
        callbacks_planned: input.callbacks.len(),
        callbacks_done: input.callbacks.iter().filter(|s| **s == CallState::Done).count(),
        callbacks_attempted: input.callbacks.iter().filter(|s| **s == CallState::Attempted).count(),
    }
}

/// Overall compliance of each day of `days`, from clocks whose deadlines fall in them.
pub fn daily_compliance(days: &[Period], clocks: &[Clock], now: DateTime<Utc>) -> Vec<(NaiveDate, Compliance)> {
    days.iter()
        .map(|d| {
            let decided = clocks
                .iter()
                .filter(|c| c.deadline().is_some_and(|t| d.contains(t)) && c.decided(now));
            let (mut due, mut met) = (0, 0);
            for c in decided {
                due += 1;
                met += usize::from(c.on_time());
            }
            (
                d.first,
                Compliance {
                    metric: String::new(),
                    due,
                    met,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn shanghai() -> Policy {
        Policy::builtin()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_follow_local_days_and_monday_weeks() {
        let policy = shanghai();
        let cal = policy.shop_calendar();
        let day = Period::containing(PeriodKind::Day, d(2026, 11, 25), cal);
        assert_eq!(day.from, Utc.with_ymd_and_hms(2026, 11, 24, 16, 0, 0).unwrap());
        assert_eq!(day.to, Utc.with_ymd_and_hms(2026, 11, 25, 16, 0, 0).unwrap());
        let week = Period::containing(PeriodKind::Week, d(2026, 11, 25), cal);
        assert_eq!((week.first, week.last), (d(2026, 11, 23), d(2026, 11, 29)));
        let month = Period::containing(PeriodKind::Month, d(2026, 2, 10), cal);
        assert_eq!((month.first, month.last), (d(2026, 2, 1), d(2026, 2, 28)));
        assert_eq!(month.days(cal).len(), 28);
    }

    #[test]
    fn the_trend_counts_each_days_breaches_apart_from_days_with_nothing_due() {
        use crate::domain::sla::ClockState;
        let policy = shanghai();
        let cal = policy.shop_calendar();
        let span = Period::containing(PeriodKind::Week, d(2026, 11, 25), cal);
        let days = span.days(cal);
        // Local noon of day `i` of the week (Shanghai is UTC+8).
        let noon = |i: u64| cal.start_of_day(d(2026, 11, 23) + Days::new(i)) + chrono::Duration::hours(12);
        let clock = |ticket: i64, day: u64, on_time: bool| Clock {
            ticket_id: ticket,
            metric: "first-response".into(),
            cycle: 1,
            state: ClockState::Met,
            target: "30m".into(),
            started_at: noon(day) - chrono::Duration::hours(1),
            due_at: Some(noon(day)),
            met_at: Some(noon(day) + chrono::Duration::minutes(if on_time { -10 } else { 10 })),
            breached_at: (!on_time).then(|| noon(day)),
            paused_secs: 0,
            remaining_secs: 0,
        };
        // Monday: 2 met, 1 late; Tuesday: nothing; Wednesday: 1 late (0%); Thursday: 1 met.
        let clocks = [
            clock(1, 0, true),
            clock(2, 0, true),
            clock(3, 0, false),
            clock(4, 2, false),
            clock(5, 3, true),
        ];
        let trend = daily_compliance(&days, &clocks, noon(6));
        let seen: Vec<(u32, usize, usize, usize)> = trend
            .iter()
            .take(4)
            .map(|(day, c)| (day.day(), c.due, c.met, c.missed()))
            .collect();
        assert_eq!(seen, vec![(23, 3, 2, 1), (24, 0, 0, 0), (25, 1, 0, 1), (26, 1, 1, 0)]);
        assert_eq!(trend[1].1.percent(), None, "nothing due is no percent");
        assert_eq!(trend[2].1.percent(), Some(0.0), "a 0% day has one");
    }

    #[test]
    fn nearest_rank_percentiles() {
        assert_eq!(nearest_rank(&[], 0.5), None);
        assert_eq!(nearest_rank(&[5], 0.9), Some(5));
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(&v, 0.5), Some(5));
        assert_eq!(nearest_rank(&v, 0.9), Some(9));
        assert_eq!(nearest_rank(&[1, 2, 3], 0.5), Some(2));
        assert_eq!(nearest_rank(&[1, 2, 3], 0.9), Some(3));
    }

    #[test]
    fn levels_follow_the_letters_lines() {
        assert_eq!(Level::of(80.0), Level::Acceptable);
        assert_eq!(Level::of(79.9), Level::Minor);
        assert_eq!(Level::of(50.0), Level::Minor);
        assert_eq!(Level::of(49.9), Level::Major);
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(0, 0), None);
        let nearly = Compliance {
            metric: "m".into(),
            due: 10_000,
            met: 7_996,
        };
        assert_eq!(nearly.percent(), Some(80.0));
        assert_eq!(
            nearly.level(),
            Some(Level::Minor),
            "79.96% rounds to 80.0 but is not acceptable"
        );
    }
}

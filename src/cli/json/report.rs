//! The service report: `report --format json`.

use super::{BreachJson, ClassedBreachJson, Instant};
use crate::desk::Report;
use crate::domain::kpi::{BreachCounts, BreakdownCell, Compliance};
use crate::domain::review::{Breach, BreachClass, Review};
use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::BTreeMap;

/// `report --format json`: the service report.
#[derive(Debug, Serialize)]
pub struct ReportJson<'a> {
    /// Breaches awaiting judgement: the first ones and how many there are.
    pub awaiting_review: AwaitingJson<'a>,
    /// Clocks whose deadline in the period passed unmet, with their class.
    pub breached: Vec<ClassedBreachJson<'a>>,
    /// The due clocks not met in time, by judged class.
    pub breaches: BreachCountsJson,
    /// Compliance and breaches per metric and kind, priority or channel.
    pub breakdown: BreakdownJson<'a>,
    /// The callback queue of the month holding the period's last day.
    pub callbacks: CallbacksJson,
    /// Tickets moved to closed in the period.
    pub closed: usize,
    /// Per policy metric.
    pub compliance: BTreeMap<&'a str, ComplianceJson>,
    /// All metrics together.
    pub compliance_overall: ComplianceJson,
    /// First response of the tickets opened in the period.
    pub first_response: FirstResponseJson,
    /// When the report was made (UTC).
    pub generated_at: Instant,
    /// Judgements made in the period.
    pub judged: Vec<JudgedJson<'a>>,
    /// Tickets opened in the period.
    pub opened: usize,
    /// Running clocks past their deadline now.
    pub overdue: Vec<BreachJson<'a>>,
    /// The period covered.
    pub period: PeriodJson,
    /// Tickets moved from resolved or closed back to open in the period.
    pub reopened: usize,
    /// daily, weekly or monthly.
    pub report: &'static str,
    /// Of the tickets opened in the period, those resolved or closed now.
    pub resolution_rate: ResolutionRateJson,
    /// Tickets moved to resolved in the period.
    pub resolved: usize,
    /// Callback scores recorded in the period.
    pub satisfaction: SatisfactionJson,
    /// Overall compliance and breaches of each of the 30 days ending with the period's last
    /// day (or today).
    pub trend: Vec<TrendDayJson>,
}

/// The period's breakdowns: cells with something due, metrics in policy order.
#[derive(Debug, Serialize)]
pub struct BreakdownJson<'a> {
    pub channel: Vec<BreakdownCellJson<'a>>,
    pub kind: Vec<BreakdownCellJson<'a>>,
    /// By the agent who owns each ticket (issue 16).
    pub owner: Vec<BreakdownCellJson<'a>>,
    pub priority: Vec<BreakdownCellJson<'a>>,
}

/// Compliance and breaches of one metric for one kind, priority or channel.
#[derive(Debug, Serialize)]
pub struct BreakdownCellJson<'a> {
    /// Due and not met in time, by judged class.
    pub breaches: BreachCountsJson,
    pub due: usize,
    /// acceptable, minor or major.
    pub level: Option<&'static str>,
    pub met: usize,
    pub metric: &'a str,
    /// To 0.1.
    pub percent: Option<f64>,
    /// The kind, priority or channel (its English slug), or the owner's name ("": nobody).
    pub value: &'a str,
}

impl<'a> From<&'a BreakdownCell> for BreakdownCellJson<'a> {
    fn from(c: &'a BreakdownCell) -> Self {
        BreakdownCellJson {
            breaches: (&c.breaches).into(),
            due: c.compliance.due,
            level: c.compliance.level().map(|l| l.slug()),
            met: c.compliance.met,
            metric: &c.compliance.metric,
            percent: c.compliance.percent(),
            value: c.facet.slug(),
        }
    }
}

impl From<&BreachCounts> for BreachCountsJson {
    fn from(b: &BreachCounts) -> Self {
        BreachCountsJson {
            major: b.major,
            minor: b.minor,
            total: b.total,
            unjudged: b.unjudged,
        }
    }
}

/// The period of a report.
#[derive(Debug, Serialize)]
pub struct PeriodJson {
    /// The first local day (`YYYY-MM-DD`).
    pub first_day: String,
    /// The start, RFC3339 in the shop's offset.
    pub from: String,
    /// The last local day (`YYYY-MM-DD`).
    pub last_day: String,
    /// The shop calendar's timezone (IANA name).
    pub timezone: &'static str,
    /// The end (exclusive), RFC3339 in the shop's offset.
    pub to: String,
}

/// Of the tickets opened in the period, the share resolved or closed now.
#[derive(Debug, Serialize)]
pub struct ResolutionRateJson {
    /// Tickets opened in the period.
    pub opened: usize,
    /// To 0.1; null when nothing was opened.
    pub percent: Option<f64>,
    /// Of those, resolved or closed now.
    pub resolved: usize,
}

/// Business time from opening to the first outbound contact.
#[derive(Debug, Serialize)]
pub struct FirstResponseJson {
    /// Tickets answered.
    pub count: usize,
    /// Median business seconds; null when none.
    pub median_secs: Option<i64>,
    /// 90th percentile (nearest rank) business seconds; null when none.
    pub p90_secs: Option<i64>,
    /// Tickets not answered yet.
    pub pending: usize,
}

/// Compliance of one metric (or of all): clocks due in the period with a known outcome.
#[derive(Debug, Serialize)]
pub struct ComplianceJson {
    /// Clocks due.
    pub due: usize,
    /// acceptable, minor or major; null when nothing was due.
    pub level: Option<&'static str>,
    /// Of those, met on time.
    pub met: usize,
    /// To 0.1; null when nothing was due.
    pub percent: Option<f64>,
}

impl From<&Compliance> for ComplianceJson {
    fn from(c: &Compliance) -> Self {
        ComplianceJson {
            due: c.due,
            level: c.level().map(|l| l.slug()),
            met: c.met,
            percent: c.percent(),
        }
    }
}

/// Breaches counted by judged class.
#[derive(Debug, Serialize)]
pub struct BreachCountsJson {
    pub major: usize,
    pub minor: usize,
    pub total: usize,
    /// Not judged yet.
    pub unjudged: usize,
}

/// Callback scores recorded in the period.
#[derive(Debug, Serialize)]
pub struct SatisfactionJson {
    /// To 0.01; null without scores.
    pub average: Option<f64>,
    pub count: usize,
}

/// The month's callback queue as it stood at the period's end.
#[derive(Debug, Serialize)]
pub struct CallbacksJson {
    /// Called and not reached (yet).
    pub attempted: usize,
    /// Reached.
    pub done: usize,
    pub planned: usize,
}

/// The period's breaches awaiting judgement.
#[derive(Debug, Serialize)]
pub struct AwaitingJson<'a> {
    /// Breaches awaiting judgement in all, whatever their period.
    pub backlog: usize,
    /// The period's first ones, newest deadline first.
    pub items: Vec<BreachJson<'a>>,
    /// How many of the period's breaches await judgement.
    pub total: usize,
}

/// A judgement made in the period.
#[derive(Debug, Serialize)]
pub struct JudgedJson<'a> {
    /// The amount in yuan; null without one.
    pub amount: Option<String>,
    /// minor or major.
    pub class: &'static str,
    pub cycle: u32,
    /// When it was judged (UTC).
    pub judged_at: Instant,
    /// Who judged it.
    pub judged_by: &'a str,
    /// Wall-clock seconds late.
    pub late_secs: i64,
    pub metric: &'a str,
    /// "" when none.
    pub note: &'a str,
    pub reason: &'a str,
    /// apology, compensation, refund, replacement or none.
    pub remedy: &'static str,
    /// The ticket number.
    pub ticket: i64,
}

/// Overall compliance of one day, and its breaches.
#[derive(Debug, Serialize)]
pub struct TrendDayJson {
    /// Clocks due that day not met in time.
    pub breaches: usize,
    /// The local day (`YYYY-MM-DD`).
    pub date: String,
    pub due: usize,
    pub met: usize,
    /// To 0.1; null when nothing was due.
    pub percent: Option<f64>,
}

impl<'a> ReportJson<'a> {
    /// `tz` is the shop calendar's timezone; `now` is what `late_secs` counts to.
    pub fn new(r: &'a Report, tz: Tz, now: DateTime<Utc>) -> Self {
        let k = &r.kpis;
        let p = &k.period;
        let local = |t: DateTime<Utc>| t.with_timezone(&tz).to_rfc3339_opts(SecondsFormat::Secs, true);
        let classed = |(b, class): &'a (Breach, Option<BreachClass>)| ClassedBreachJson {
            class: class.map(|c| c.slug()),
            breach: BreachJson::new(b, now),
        };
        ReportJson {
            awaiting_review: AwaitingJson {
                backlog: r.backlog,
                items: r.awaiting.iter().map(|b| BreachJson::new(b, now)).collect(),
                total: r.awaiting_total,
            },
            breached: r.breached.iter().map(classed).collect(),
            breaches: (&k.breaches).into(),
            breakdown: BreakdownJson {
                channel: k.breakdowns.channel.iter().map(Into::into).collect(),
                kind: k.breakdowns.kind.iter().map(Into::into).collect(),
                owner: k.breakdowns.owner.iter().map(Into::into).collect(),
                priority: k.breakdowns.priority.iter().map(Into::into).collect(),
            },
            callbacks: CallbacksJson {
                attempted: k.callbacks_attempted,
                done: k.callbacks_done,
                planned: k.callbacks_planned,
            },
            closed: k.closed,
            compliance: k.compliance.iter().map(|c| (c.metric.as_str(), c.into())).collect(),
            compliance_overall: (&k.overall()).into(),
            first_response: FirstResponseJson {
                count: k.first_response.count,
                median_secs: k.first_response.median_secs,
                p90_secs: k.first_response.p90_secs,
                pending: k.first_response.pending,
            },
            generated_at: Instant(r.generated_at),
            judged: r.judged.iter().map(JudgedJson::new).collect(),
            opened: k.opened,
            overdue: r.overdue.iter().map(|b| BreachJson::new(b, now)).collect(),
            period: PeriodJson {
                first_day: p.first.to_string(),
                from: local(p.from),
                last_day: p.last.to_string(),
                timezone: tz.name(),
                to: local(p.to),
            },
            reopened: k.reopened,
            report: p.kind.slug(),
            resolution_rate: ResolutionRateJson {
                opened: k.opened,
                percent: k.resolution_rate(),
                resolved: k.opened_now_resolved,
            },
            resolved: k.resolved,
            satisfaction: SatisfactionJson {
                average: k.satisfaction_average,
                count: k.satisfaction_count,
            },
            trend: r
                .trend
                .iter()
                .map(|(d, c)| TrendDayJson {
                    breaches: c.missed(),
                    date: d.to_string(),
                    due: c.due,
                    met: c.met,
                    percent: c.percent(),
                })
                .collect(),
        }
    }
}

impl<'a> JudgedJson<'a> {
    pub fn new(v: &'a Review) -> Self {
        JudgedJson {
            amount: v.judgement.amount.map(|a| a.to_string()),
            class: v.judgement.class.slug(),
            cycle: v.cycle,
            judged_at: Instant(v.judged_at),
            judged_by: &v.judged_by,
            late_secs: v.late_secs,
            metric: &v.metric,
            note: &v.judgement.note,
            reason: &v.judgement.reason,
            remedy: v.judgement.remedy.slug(),
            ticket: v.ticket_id,
        }
    }
}

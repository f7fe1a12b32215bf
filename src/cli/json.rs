//! The JSON schema scripts rely on: one struct per documented object (README "JSON output",
//! "Breach review", "Callbacks", "Reports and KPIs"). These structs ARE the stable keys: a
//! renamed or removed field is a breaking change, and `tests/cli.rs` checks every key the
//! README lists against real output.
//!
//! Fields are declared in alphabetical order because that is the order Promptly has always
//! printed them in (serde_json sorts object keys), so output stays byte for byte the same.
//! Values: instants are RFC3339 to the second (`Z` for UTC), enums their English slugs,
//! dates `YYYY-MM-DD`; `null` marks a value that is not there yet (never an absent key, except
//! `log`, which only a single ticket carries).

use crate::desk::{Report, TicketView};
use crate::domain::callback::Callback;
use crate::domain::kpi::Compliance;
use crate::domain::log::LogEntry;
use crate::domain::review::{Breach, BreachClass, Review};
use crate::domain::sla::ClockReading;
use crate::domain::ticket::Ticket;
use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// An instant as RFC3339 to the second, in UTC (`2026-11-24T02:30:00Z`).
#[derive(Debug, Clone, Copy)]
pub struct Instant(pub DateTime<Utc>);

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.to_rfc3339_opts(SecondsFormat::Secs, true))
    }
}

fn instant(t: Option<DateTime<Utc>>) -> Option<Instant> {
    t.map(Instant)
}

/// `list --json`, `show --json`, `new --json`: one ticket.
#[derive(Debug, Serialize)]
pub struct TicketJson<'a> {
    /// How the customer reached the shop (slug: phone, email, ...).
    pub channel: &'static str,
    /// The SLA clocks as of now.
    pub clocks: Vec<ClockJson<'a>>,
    /// When the ticket was closed; null while not closed.
    pub closed_at: Option<Instant>,
    /// ordinary or complex.
    pub complexity: &'static str,
    /// Full contact details (JSON is for scripts the shop runs).
    pub customer: CustomerJson<'a>,
    /// The description, as entered.
    pub description: &'a str,
    /// The ticket number.
    pub id: i64,
    /// What the ticket is about (slug).
    pub kind: &'static str,
    /// The follow-up log, oldest first: `show` and `new` only (absent in `list`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<Vec<LogEntryJson<'a>>>,
    /// When the ticket was opened.
    pub opened_at: Instant,
    /// The order reference ("" when none).
    pub order: &'a str,
    /// urgent, important or normal.
    pub priority: &'static str,
    /// The purchase date (`YYYY-MM-DD`), null when unknown.
    pub purchased: Option<String>,
    /// When the ticket was resolved; null unless resolved or closed.
    pub resolved_at: Option<Instant>,
    /// open, waiting, resolved or closed.
    pub status: &'static str,
    /// The title, as entered.
    pub title: &'a str,
    /// The last change.
    pub updated_at: Instant,
    /// Bumped by every change (`--expect-version`).
    pub version: i64,
}

/// The customer of a ticket.
#[derive(Debug, Serialize)]
pub struct CustomerJson<'a> {
    /// "" when not given.
    pub email: &'a str,
    /// "" when not given.
    pub name: &'a str,
    /// "" when not given.
    pub phone: &'a str,
}

/// One SLA clock (one cycle of one metric) as of now.
#[derive(Debug, Serialize)]
pub struct ClockJson<'a> {
    /// Whether the deadline passed before the clock was met.
    pub breached: bool,
    /// When the deadline passed unmet; null when it did not.
    pub breached_at: Option<Instant>,
    /// 1 for the first run of the metric, 2.. for reopened cycles.
    pub cycle: u32,
    /// The deadline; null while paused (it moves while the pause lasts).
    pub due_at: Option<Instant>,
    /// When the clock was met; null while running.
    pub met_at: Option<Instant>,
    /// The policy metric (first-response, plan, resolution, ...).
    pub metric: &'a str,
    /// Business seconds spent paused.
    pub paused_secs: i64,
    /// Business seconds left (negative when late).
    pub remaining_secs: i64,
    /// When the clock started.
    pub started_at: Instant,
    /// running, paused, warning, breached or met.
    pub state: &'static str,
    /// The target as written in the policy (30m, 24h, 3d).
    pub target: &'a str,
}

/// One entry of a ticket's follow-up log.
#[derive(Debug, Serialize)]
pub struct LogEntryJson<'a> {
    /// When it happened.
    pub at: Instant,
    /// Who recorded it (`system` for Promptly's own changes).
    pub author: &'a str,
    /// The text of the entry ("" when none).
    pub body: &'a str,
    /// The event with its values, in English.
    pub event: String,
    /// opened, note, plan, contact, status, field, extended, system, confirmed, judged or callback.
    pub kind: &'static str,
}

impl<'a> TicketJson<'a> {
    pub fn new(t: &'a Ticket, clocks: &'a [ClockReading]) -> Self {
        TicketJson {
            channel: t.channel.slug(),
            clocks: clocks.iter().map(ClockJson::new).collect(),
            closed_at: instant(t.closed_at),
            complexity: t.complexity.slug(),
            customer: CustomerJson {
                email: &t.customer.email,
                name: &t.customer.name,
                phone: &t.customer.phone,
            },
            description: &t.description,
            id: t.id,
            kind: t.kind.slug(),
            log: None,
            opened_at: Instant(t.opened_at),
            order: &t.reference,
            priority: t.priority.slug(),
            purchased: t.purchased_on.map(|d| d.to_string()),
            resolved_at: instant(t.resolved_at),
            status: t.status.slug(),
            title: &t.title,
            updated_at: Instant(t.updated_at),
            version: t.version,
        }
    }

    /// A ticket with its log (`show`, `new`).
    pub fn view(v: &'a TicketView) -> Self {
        TicketJson {
            log: Some(v.log.iter().map(LogEntryJson::new).collect()),
            ..TicketJson::new(&v.ticket, &v.clocks)
        }
    }
}

impl<'a> ClockJson<'a> {
    pub fn new(c: &'a ClockReading) -> Self {
        ClockJson {
            breached: c.breached,
            breached_at: instant(c.breached_at),
            cycle: c.cycle,
            due_at: instant(c.due_at),
            met_at: instant(c.met_at),
            metric: &c.metric,
            paused_secs: c.paused_secs,
            remaining_secs: c.remaining_secs,
            started_at: Instant(c.started_at),
            state: c.state.slug(),
            target: &c.target,
        }
    }
}

impl<'a> LogEntryJson<'a> {
    pub fn new(e: &'a LogEntry) -> Self {
        LogEntryJson {
            at: Instant(e.at),
            author: &e.author,
            body: &e.body,
            event: e.event.to_string(),
            kind: e.event.kind_name(),
        }
    }
}

/// `review list --json`: one breached clock awaiting judgement (also the items of the
/// report's `overdue`, `breached` and `awaiting_review`).
#[derive(Debug, Serialize)]
pub struct BreachJson<'a> {
    /// The clock's cycle.
    pub cycle: u32,
    /// The deadline that passed.
    pub due_at: Instant,
    /// Wall-clock seconds from the deadline to when it was met, or to now.
    pub late_secs: i64,
    /// When the clock was met; null while it is still running late.
    pub met_at: Option<Instant>,
    /// The policy metric.
    pub metric: &'a str,
    /// When the clock started.
    pub started_at: Instant,
    /// The ticket's status.
    pub status: &'static str,
    /// The target as written in the policy.
    pub target: &'a str,
    /// The ticket number.
    pub ticket: i64,
    /// The ticket's title.
    pub title: &'a str,
}

impl<'a> BreachJson<'a> {
    pub fn new(b: &'a Breach, now: DateTime<Utc>) -> Self {
        BreachJson {
            cycle: b.cycle,
            due_at: Instant(b.due_at),
            late_secs: b.late_secs(now),
            met_at: instant(b.met_at),
            metric: &b.metric,
            started_at: Instant(b.started_at),
            status: b.status.slug(),
            target: &b.target,
            ticket: b.ticket_id,
            title: &b.title,
        }
    }
}

/// An item of the report's `breached`: a breach with its judged class.
#[derive(Debug, Serialize)]
pub struct ClassedBreachJson<'a> {
    /// minor or major; null while unjudged.
    pub class: Option<&'static str>,
    #[serde(flatten)]
    pub breach: BreachJson<'a>,
}

/// `callback list --json`: one ticket of a month's callback sample.
#[derive(Debug, Serialize)]
pub struct CallbackJson<'a> {
    /// The customer's comment; null until the call is recorded.
    pub comment: Option<&'a str>,
    /// When the call was recorded; null until then.
    pub done_at: Option<Instant>,
    /// Who recorded the call ("" until then).
    pub done_by: &'a str,
    /// The sampled month (`YYYY-MM`).
    pub month: String,
    /// When the ticket was sampled.
    pub queued_at: Instant,
    /// Whether the customer was reached; null until the call is recorded.
    pub reached: Option<bool>,
    /// Satisfaction 1-5; null when not scored.
    pub score: Option<u8>,
    /// The ticket number.
    pub ticket: i64,
    /// The ticket's title.
    pub title: &'a str,
}

impl<'a> CallbackJson<'a> {
    pub fn new(c: &'a Callback) -> Self {
        CallbackJson {
            comment: c.outcome.as_ref().map(|o| o.comment.as_str()),
            done_at: instant(c.done_at),
            done_by: &c.done_by,
            month: c.month.to_string(),
            queued_at: Instant(c.queued_at),
            reached: c.outcome.as_ref().map(|o| o.reached),
            score: c.outcome.as_ref().and_then(|o| o.score),
            ticket: c.ticket_id,
            title: &c.title,
        }
    }
}

/// `callback sample --json`: the outcome of drawing a month's sample.
#[derive(Debug, Serialize)]
pub struct SampleJson {
    /// Whether the month had been drawn before (`picked` is then that earlier sample).
    pub already: bool,
    /// Tickets closed in the month (and still closed) the sample was drawn from.
    pub closed: usize,
    /// The month (`YYYY-MM`).
    pub month: String,
    /// The sampled ticket numbers.
    pub picked: Vec<i64>,
    /// The policy's `callback_share`.
    pub share: f64,
}

/// `report --format json`: the service report.
#[derive(Debug, Serialize)]
pub struct ReportJson<'a> {
    /// Breaches awaiting judgement: the first ones and how many there are.
    pub awaiting_review: AwaitingJson<'a>,
    /// Clocks whose deadline in the period passed unmet, with their class.
    pub breached: Vec<ClassedBreachJson<'a>>,
    /// The due clocks not met in time, by judged class.
    pub breaches: BreachCountsJson,
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
    /// Overall compliance of each of the 30 days ending with the period's last day (or today).
    pub trend: Vec<TrendDayJson>,
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

/// The month's callback queue: done of planned.
#[derive(Debug, Serialize)]
pub struct CallbacksJson {
    pub done: usize,
    pub planned: usize,
}

/// Breaches awaiting judgement.
#[derive(Debug, Serialize)]
pub struct AwaitingJson<'a> {
    /// The first ones, oldest deadline first (as in `review list --json`).
    pub items: Vec<BreachJson<'a>>,
    /// How many there are.
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

/// Overall compliance of one day.
#[derive(Debug, Serialize)]
pub struct TrendDayJson {
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
                items: r.awaiting.iter().map(|b| BreachJson::new(b, now)).collect(),
                total: r.awaiting_total,
            },
            breached: r.breached.iter().map(classed).collect(),
            breaches: BreachCountsJson {
                major: k.breaches.major,
                minor: k.breaches.minor,
                total: k.breaches.total,
                unjudged: k.breaches.unjudged,
            },
            callbacks: CallbacksJson {
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

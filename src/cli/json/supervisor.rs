//! The supervisor's queues: `review list --json`, `callback list --json`, `callback sample --json`.

use super::{Instant, instant};
use crate::domain::callback::Callback;
use crate::domain::review::{Breach, QueueCounts};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

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
    /// The ticket's priority: urgent, important, normal.
    pub priority: &'static str,
    /// The ticket's kind of problem.
    pub kind: &'static str,
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
            priority: b.priority.slug(),
            kind: b.kind.slug(),
            started_at: Instant(b.started_at),
            status: b.status.slug(),
            target: &b.target,
            ticket: b.ticket_id,
            title: &b.title,
        }
    }
}

/// `review list --json`'s `counts`: how many unjudged breaches pass the filters (however many
/// rows `--limit` lets through), split by each filter's values; at most 1,000 (`store::review::COUNTS_CAP`) are counted.
#[derive(Debug, Serialize)]
pub struct QueueCountsJson {
    /// By the ticket's kind.
    pub by_kind: BTreeMap<&'static str, usize>,
    /// By the policy metric.
    pub by_metric: BTreeMap<String, usize>,
    /// By the ticket's priority.
    pub by_priority: BTreeMap<&'static str, usize>,
    /// open (open or waiting) and closed (resolved or closed), as `--status` takes them.
    pub by_status: BTreeMap<&'static str, usize>,
    /// More match than were counted: `total` is the cap and the splits are of those counted.
    pub capped: bool,
    /// Breaches counted.
    pub total: usize,
}

impl QueueCountsJson {
    pub fn new(c: &QueueCounts) -> Self {
        QueueCountsJson {
            by_kind: c.by_kind.iter().map(|(k, n)| (k.slug(), *n)).collect(),
            by_metric: c.by_metric.iter().cloned().collect(),
            by_priority: c.by_priority.iter().map(|(p, n)| (p.slug(), *n)).collect(),
            by_status: c.by_status.iter().map(|(s, n)| (s.slug(), *n)).collect(),
            capped: c.capped,
            total: c.total,
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
    /// Calls recorded that did not reach the customer.
    pub attempts: u32,
    /// The customer's comment; null until the call is recorded.
    pub comment: Option<&'a str>,
    /// The customer's name.
    pub customer: &'a str,
    /// When the call was recorded; null until then.
    pub done_at: Option<Instant>,
    /// Who recorded the call ("" until then).
    pub done_by: &'a str,
    /// The sampled month (`YYYY-MM`).
    pub month: String,
    /// The customer's phone, in full (the supervisor calls it).
    pub phone: &'a str,
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
            attempts: c.attempts,
            customer: &c.customer,
            phone: &c.phone,
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

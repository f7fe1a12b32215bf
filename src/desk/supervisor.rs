//! The supervisor's use cases: the closed loop's automatic close, breach review, callbacks,
//! KPIs and reports. Screens (the board's R and D) and the CLI call these; each write is one
//! transaction with its log entry.

use super::{Desk, DeskError, Result, apply_status, refresh_clocks};
use crate::domain::callback::{self, CallOutcome, Callback, Month};
use crate::domain::kpi::{self, Compliance, KpiInput, Kpis, Period, PeriodKind};
use crate::domain::log::{Direction, Event, LogEntry, NewEntry, SystemAction};
use crate::domain::policy::Policy;
use crate::domain::review::{Breach, Review};
use crate::domain::ticket::{IllegalMove, Status, Ticket};
use crate::store::Tx;
use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use std::collections::BTreeMap;

/// The author of what Promptly does on its own (auto-close).
pub const SYSTEM_AUTHOR: &str = "system";

/// What [`Desk::housekeeping`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Housekeeping {
    /// Tickets closed automatically.
    pub auto_closed: Vec<i64>,
    /// The callback sample drawn because a new month started.
    pub sampled: Option<SampleOutcome>,
}

/// The result of drawing a month's callback sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleOutcome {
    pub month: Month,
    /// Tickets closed in the month (and still closed).
    pub closed: usize,
    /// Tickets queued for a callback, by id.
    pub picked: Vec<i64>,
    /// The month had been sampled before: nothing was written.
    pub already: bool,
}

/// Everything a daily, weekly or monthly report shows.
#[derive(Debug, Clone)]
pub struct Report {
    pub generated_at: DateTime<Utc>,
    pub kpis: Kpis,
    /// Running clocks past their deadline now, oldest first.
    pub overdue: Vec<Breach>,
    /// Clocks whose deadline in the period passed unmet, oldest first, with their class.
    pub breached: Vec<(Breach, Option<crate::domain::review::BreachClass>)>,
    /// The period's own breaches awaiting judgement, newest first (the first
    /// `AWAITING_SHOWN`), and how many there are.
    pub awaiting: Vec<Breach>,
    pub awaiting_total: usize,
    /// Breaches awaiting judgement in all, whatever their period (the review queue's count).
    pub backlog: usize,
    /// Judgements made in the period.
    pub judged: Vec<Review>,
    /// Overall compliance of each of the 30 days ending with the period's last day (or today,
    /// if the period is still running).
    pub trend: Vec<(NaiveDate, Compliance)>,
}

/// Reports list at most this many of the period's breaches awaiting judgement (the total is
/// always given).
pub const AWAITING_SHOWN: usize = 50;

impl Desk {
    /// The local date of now on the shop calendar.
    pub fn today(&self) -> NaiveDate {
        self.policy.shop_calendar().local(self.now()).date_naive()
    }

    /// The day, week or month holding `date` (default today), on the shop calendar.
    pub fn period(&self, kind: PeriodKind, date: Option<NaiveDate>) -> Period {
        Period::containing(kind, date.unwrap_or_else(|| self.today()), self.policy.shop_calendar())
    }

    /// What Promptly does on its own, run at the start of every CLI command that writes and on
    /// the board's tick: closes resolved tickets nobody answered for `auto_close_days`, and at
    /// the first start of a month draws the previous month's callback sample. Writes nothing
    /// (and takes no write lock) when there is nothing to do.
    pub fn housekeeping(&mut self) -> Result<Housekeeping> {
        let auto_closed = self.auto_close_due()?;
        let previous = Month::of(self.today()).previous();
        let sampled = if self.store.sample_drawn(previous)? {
            None
        } else {
            Some(self.sample_callbacks(previous)?)
        };
        Ok(Housekeeping { auto_closed, sampled })
    }

    /// Closes every resolved ticket whose customer has not replied (no inbound contact) for
    /// `policy.settings.auto_close_days` days since the resolution or their last reply. The
    /// close is logged, by `system`, at the instant it fell due, however late it is noticed,
    /// with a System entry saying why; the clocks read it at that instant. Idempotent; an
    /// index lookup when nothing is due. `auto_close_days = 0` turns it off. Returns the ids
    /// closed.
    pub fn auto_close_due(&mut self) -> Result<Vec<i64>> {
        let days = self.policy.settings.auto_close_days;
        if days == 0 {
            return Ok(Vec::new());
        }
        let now = self.now();
        let wait = Duration::days(i64::from(days));
        let candidates = self.store.resolved_before(now - wait)?;
        let mut due = Vec::new();
        for id in candidates {
            if let (Some(t), log) = (self.store.ticket(id)?, self.store.log(id)?)
                && auto_close_at(&t, &log, wait, now).is_some()
            {
                due.push(id);
            }
        }
        if due.is_empty() {
            return Ok(due);
        }
        let policy = &self.policy;
        self.store.write(|tx| {
            let mut closed = Vec::new();
            for id in due {
                let Some(mut ticket) = tx.ticket(id)? else { continue };
                let mut log = tx.log(id)?;
                if close_if_due(tx, policy, &mut ticket, &mut log, now)? {
                    refresh_clocks(tx, policy, &ticket, &log, now)?;
                    closed.push(id);
                }
            }
            Ok::<_, DeskError>(closed)
        })
    }

    /// Draws the callback sample of `month` (a month that has ended): a reproducible share
    /// (`policy.settings.callback_share`, at least one) of the tickets closed in it. A month is
    /// drawn once; drawing it again changes nothing.
    pub fn sample_callbacks(&mut self, month: Month) -> Result<SampleOutcome> {
        if month.end() > self.today() {
            return Err(DeskError::MonthNotEnded(month));
        }
        let now = self.now();
        let cal = self.policy.shop_calendar().clone();
        let share = self.policy.settings.callback_share;
        self.store.write(|tx| {
            let (from, to) = (cal.start_of_day(month.first_day()), cal.start_of_day(month.end()));
            let closed = tx.closed_between(from, to)?;
            if tx.sample_drawn(month)? {
                return Ok(SampleOutcome {
                    month,
                    closed: closed.len(),
                    picked: Vec::new(),
                    already: true,
                });
            }
            let picked = callback::sample(month, &closed, share);
            tx.insert_sample(month, now, closed.len(), share, &picked)?;
            Ok::<_, DeskError>(SampleOutcome {
                month,
                closed: closed.len(),
                picked,
                already: false,
            })
        })
    }

    /// The callback queue of a sample month (default: the previous month, called this month).
    pub fn callbacks(&self, month: Option<Month>) -> Result<Vec<Callback>> {
        let month = month.unwrap_or_else(|| Month::of(self.today()).previous());
        Ok(self.store.callbacks_of(month)?)
    }

    /// Callbacks of this month's queue (the previous month's sample) whose customer has not
    /// been reached yet: the board's header, one indexed count.
    pub fn callbacks_due(&self) -> Result<usize> {
        Ok(self.store.callbacks_due(Month::of(self.today()).previous())?)
    }

    /// Records a callback made to the customer of ticket `id`: the latest of its queued
    /// callbacks still to do (or not reached last time). Logged on the ticket too.
    pub fn record_callback(&mut self, id: i64, outcome: &CallOutcome) -> Result<Callback> {
        outcome.validate()?;
        let author = self.author.clone();
        let outcome = CallOutcome {
            comment: outcome.comment.trim().to_string(),
            ..outcome.clone()
        };
        let mut recorded = None;
        self.change_in(id, None, |tx, _ticket, _log, _policy, now| {
            let queued = tx.callbacks_of_ticket(id)?;
            let Some(last) = queued.last() else {
                return Err(DeskError::NotInCallbackQueue(id));
            };
            if last.outcome.as_ref().is_some_and(|o| o.reached) {
                return Err(DeskError::CallbackAlreadyRecorded {
                    ticket: id,
                    month: last.month,
                    by: last.done_by.clone(),
                });
            }
            tx.record_callback(id, last.month, now, &author, &outcome)?;
            recorded = Some(Callback {
                done_at: Some(now),
                done_by: author.clone(),
                outcome: Some(outcome.clone()),
                ..last.clone()
            });
            Ok(vec![(
                Event::Callback {
                    reached: outcome.reached,
                    score: outcome.score,
                },
                outcome.comment.clone(),
            )])
        })?;
        Ok(recorded.expect("set by a successful change"))
    }

    /// The KPIs of a period (see `domain::kpi` for the definitions).
    pub fn kpis(&self, period: Period) -> Result<Kpis> {
        let now = self.now();
        let store = &self.store;
        let (from, to) = (period.from, period.to);
        let first_responses = match kpi::first_response_metric(&self.policy) {
            Some(m) => store.clocks_of_opened(m, 1, from, to)?,
            None => Vec::new(),
        };
        let due = store.clocks_due_between(from, to)?;
        let mut classes = BTreeMap::new();
        for c in due.iter().filter(|c| c.breached(now)) {
            if let Some(class) = store.class_of(c.ticket_id, &c.metric, c.cycle)? {
                classes.insert((c.ticket_id, c.metric.clone(), c.cycle), class);
            }
        }
        // The queue called during the month that holds the period's last day.
        let queue_month = Month::of(period.last).previous();
        let callbacks = store
            .callback_states_at(queue_month, to)?
            .into_iter()
            .map(callback::CallState::of)
            .collect();
        let input = KpiInput {
            period,
            now,
            opened: store.opened_between(from, to)?,
            status_changes: store.status_changes_between(from, to)?,
            first_responses,
            due,
            classes,
            callbacks,
            scores: store.scores_between(from, to)?,
            facets: store.facets_of_due(from, to)?,
        };
        Ok(kpi::compute(&self.policy, &input))
    }

    /// Overall compliance of each of the `days` days ending with `last` (the dashboard's trend).
    pub fn compliance_trend(&self, last: NaiveDate, days: u32) -> Result<Vec<(NaiveDate, Compliance)>> {
        let cal = self.policy.shop_calendar();
        let first = last - Days::new(u64::from(days.max(1) - 1));
        let span = Period {
            kind: PeriodKind::Day,
            first,
            last,
            from: cal.start_of_day(first),
            to: cal.start_of_day(last + Days::new(1)),
        };
        let clocks = self.store.clocks_due_between(span.from, span.to)?;
        Ok(kpi::daily_compliance(&span.days(cal), &clocks, self.now()))
    }

    /// Running clocks past their deadline now, oldest first.
    pub fn overdue_now(&self) -> Result<Vec<Breach>> {
        Ok(self.store.overdue(self.now(), None)?)
    }

    /// Everything the report of the period of `kind` holding `date` shows.
    pub fn report(&self, kind: PeriodKind, date: Option<NaiveDate>) -> Result<Report> {
        let now = self.now();
        let period = self.period(kind, date);
        let kpis = self.kpis(period)?;
        let mut breached = Vec::new();
        let mut due = self.store.clocks_due_between(period.from, period.to)?;
        due.sort_by(|a, b| {
            (a.deadline(), a.ticket_id, &a.metric, a.cycle).cmp(&(b.deadline(), b.ticket_id, &b.metric, b.cycle))
        });
        let mut titles: BTreeMap<i64, Ticket> = BTreeMap::new();
        for c in due.iter().filter(|c| c.breached(now)) {
            let Some(deadline) = c.deadline() else { continue };
            if !titles.contains_key(&c.ticket_id)
                && let Some(t) = self.store.ticket(c.ticket_id)?
            {
                titles.insert(t.id, t);
            }
            let Some(t) = titles.get(&c.ticket_id) else { continue };
            let breach = Breach {
                ticket_id: c.ticket_id,
                title: t.title.clone(),
                status: t.status,
                metric: c.metric.clone(),
                cycle: c.cycle,
                target: c.target.clone(),
                started_at: c.started_at,
                due_at: deadline,
                met_at: c.met_at,
                priority: t.priority,
                kind: t.kind,
                customer: t.customer.clone(),
            };
            let class = self.store.class_of(c.ticket_id, &c.metric, c.cycle)?;
            breached.push((breach, class));
        }
        // The period's own unjudged breaches, newest first; the all-time backlog is a count.
        let unjudged: Vec<&Breach> = breached.iter().filter(|(_, c)| c.is_none()).map(|(b, _)| b).collect();
        let awaiting = unjudged
            .iter()
            .rev()
            .take(AWAITING_SHOWN)
            .map(|b| (*b).clone())
            .collect();
        Ok(Report {
            generated_at: now,
            overdue: self.overdue_now()?,
            awaiting,
            awaiting_total: unjudged.len(),
            backlog: self.review_count()?,
            breached,
            judged: self.store.reviews_judged_between(period.from, period.to)?,
            trend: self.compliance_trend(period.last.min(self.today()), 30)?,
            kpis,
        })
    }
}

/// Closes `ticket` by `system` if it fell due for closing by `now` (see
/// [`Desk::auto_close_due`]): the status move and the why, logged at the instant it fell due.
/// The caller recomputes the clocks. Returns whether it closed the ticket.
pub(super) fn close_if_due(
    tx: &Tx,
    policy: &Policy,
    ticket: &mut Ticket,
    log: &mut Vec<LogEntry>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let days = policy.settings.auto_close_days;
    let Some(at) = closes_by(policy, ticket, log, now) else {
        return Ok(false);
    };
    apply_status(ticket, Status::Closed, at);
    ticket.version += 1;
    // The change is dated when it fell due; the ticket's last change never goes back.
    ticket.updated_at = ticket.updated_at.max(at);
    tx.update_ticket(ticket)?;
    let entries = [
        Event::Status {
            from: Status::Resolved,
            to: Status::Closed,
        },
        Event::System {
            why: Some(SystemAction::AutoClosed { days }),
        },
    ];
    for event in entries {
        let entry = NewEntry {
            at,
            author: SYSTEM_AUTHOR.to_string(),
            event,
            body: String::new(),
        };
        let entry_id = tx.append(ticket.id, &entry)?;
        log.push(entry.stored(entry_id, ticket.id));
    }
    Ok(true)
}

/// A refused status move; when the ticket stands closed by auto-close, that is the reason.
pub(super) fn refused_move(e: IllegalMove, ticket: i64, log: &[LogEntry]) -> DeskError {
    if e.from != Status::Closed {
        return DeskError::Move(e);
    }
    // The closing entry is the last status change; auto-close logs its why right after it.
    let auto_closed = log
        .iter()
        .rev()
        .take_while(|entry| !matches!(entry.event, Event::Status { to, .. } if to != Status::Closed))
        .find_map(|entry| match entry.event {
            Event::System {
                why: Some(SystemAction::AutoClosed { days }),
            } => Some((entry.at, days)),
            _ => None,
        });
    match auto_closed {
        Some((at, days)) => DeskError::AutoClosed { ticket, at, days },
        None => DeskError::Move(e),
    }
}

/// When a resolved ticket falls due for closing: `wait` after the later of its resolution and
/// the customer's last reply (inbound contact) since; `None` if not resolved or not yet due.
/// When a resolved ticket that fell due closed by itself, if it did by `now` (the policy's
/// `auto_close_days`; 0 turns it off).
pub(super) fn closes_by(
    policy: &Policy,
    ticket: &Ticket,
    log: &[LogEntry],
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let days = policy.settings.auto_close_days;
    (days > 0)
        .then(|| auto_close_at(ticket, log, Duration::days(i64::from(days)), now))
        .flatten()
}

fn auto_close_at(t: &Ticket, log: &[LogEntry], wait: Duration, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    auto_close_instant(t, log, wait).filter(|due| *due <= now)
}

/// When a resolved ticket closes by itself: `wait` after its resolution or the customer's last
/// reply since (the board counts down to it).
pub(super) fn auto_close_instant(t: &Ticket, log: &[LogEntry], wait: Duration) -> Option<DateTime<Utc>> {
    if t.status != Status::Resolved {
        return None;
    }
    closes_after(t.resolved_at?, log, wait)
}

/// [`auto_close_instant`] of a resolved ticket known by when it was resolved (the board keeps
/// no more of the ticket).
pub(super) fn closes_after(resolved: DateTime<Utc>, log: &[LogEntry], wait: Duration) -> Option<DateTime<Utc>> {
    let last_reply = log
        .iter()
        .filter(|e| {
            e.at >= resolved
                && matches!(
                    e.event,
                    Event::Contact {
                        direction: Direction::Inbound,
                        ..
                    }
                )
        })
        .map(|e| e.at)
        .max();
    last_reply.unwrap_or(resolved).max(resolved).checked_add_signed(wait)
}

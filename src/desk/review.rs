//! Breach review (违约认定) use cases: the queue read a page at a time, newest or oldest first
//! and filtered; judging one breach, many at once (one transaction), or amending a judgement
//! with a newer one (the log keeps both; the `reviews` row holds the one that counts).

use super::{Desk, DeskError, Result, change_tx};
use crate::domain::log::Event;
use crate::domain::review::{Breach, Judgement, QueueCounts, QueueOrder, Review, ReviewFilter};
use crate::store::Tx;
use chrono::{DateTime, SubsecRound, Utc};
use std::collections::BTreeMap;

/// How many breaches one read of the review queue fetches.
pub const REVIEW_PAGE: usize = 500;

/// Whether a judgement is the first on its breach or supersedes the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judging {
    /// The breach must not be judged yet.
    New,
    /// The breach must be judged already; the newer judgement counts from now on.
    Amend,
}

impl Desk {
    /// Unjudged breaches, oldest deadline first, unfiltered (reports' "awaiting judgement").
    pub fn review_queue(&self, limit: Option<usize>) -> Result<Vec<Breach>> {
        self.review_list(&ReviewFilter::default(), QueueOrder::OldestFirst, limit)
    }

    /// The unjudged breaches passing `filter`, in `order` (at most `limit`).
    pub fn review_list(&self, filter: &ReviewFilter, order: QueueOrder, limit: Option<usize>) -> Result<Vec<Breach>> {
        let mut all = Vec::new();
        self.visit_review(filter, order, limit, |b| {
            all.push(b.clone());
            Ok::<_, DeskError>(())
        })?;
        Ok(all)
    }

    /// One page of the queue after `after` (the board reads on as the cursor moves down).
    pub fn review_page(
        &self,
        filter: &ReviewFilter,
        order: QueueOrder,
        after: Option<&Breach>,
        limit: usize,
    ) -> Result<Vec<Breach>> {
        Ok(self.store.review_queue(self.now(), filter, order, after, Some(limit))?)
    }

    /// The review queue (at most `limit`) handed to `visit` in queue order, read
    /// [`REVIEW_PAGE`] breaches at a time after the last one seen (keyset paging): memory
    /// stays bounded however many breaches history holds.
    pub fn visit_review<E: From<DeskError>>(
        &self,
        filter: &ReviewFilter,
        order: QueueOrder,
        limit: Option<usize>,
        mut visit: impl FnMut(&Breach) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let now = self.now();
        let mut left = limit.unwrap_or(usize::MAX);
        let mut last: Option<Breach> = None;
        while left > 0 {
            let want = left.min(REVIEW_PAGE);
            let page = self
                .store
                .review_queue(now, filter, order, last.as_ref(), Some(want))
                .map_err(DeskError::from)?;
            for b in &page {
                visit(b)?;
            }
            left -= page.len();
            if page.len() < want {
                break;
            }
            last = page.into_iter().last();
        }
        Ok(())
    }

    /// How many breaches await judgement (the board's header).
    pub fn review_count(&self) -> Result<usize> {
        Ok(self.store.review_count(self.now())?)
    }

    /// How many breaches pass `filter`, split by metric, priority, kind and status.
    pub fn review_counts(&self, filter: &ReviewFilter) -> Result<QueueCounts> {
        Ok(self.store.review_counts(self.now(), filter)?)
    }

    /// The judgements that count on a ticket's breaches, by metric and cycle.
    pub fn reviews_of(&self, id: i64) -> Result<Vec<Review>> {
        Ok(self.store.reviews_of(id)?)
    }

    /// Judges a breached clock: stored in `reviews` and appended to the ticket's log. Without
    /// `cycle`, the oldest unjudged breached cycle of the metric.
    pub fn judge(&mut self, id: i64, metric: &str, cycle: Option<u32>, judgement: &Judgement) -> Result<Review> {
        let mut done = self.judge_many(&[(id, metric.to_string(), cycle)], judgement, Judging::New)?;
        Ok(done.remove(0))
    }

    /// Replaces the judgement of a judged breach with a newer one: both stay in the log, the
    /// newer counts in KPIs and reports. Without `cycle`, the metric's latest judged cycle.
    pub fn amend(&mut self, id: i64, metric: &str, cycle: Option<u32>, judgement: &Judgement) -> Result<Review> {
        let mut done = self.judge_many(&[(id, metric.to_string(), cycle)], judgement, Judging::Amend)?;
        Ok(done.remove(0))
    }

    /// Applies one judgement to every breach named (ticket, metric, cycle) in one transaction:
    /// all are judged or none. One change per ticket, one log entry per breach on its ticket.
    pub fn judge_many(
        &mut self,
        breaches: &[(i64, String, Option<u32>)],
        judgement: &Judgement,
        how: Judging,
    ) -> Result<Vec<Review>> {
        judgement.validate()?;
        let judgement = Judgement {
            reason: judgement.reason.trim().to_string(),
            note: judgement.note.trim().to_string(),
            ..judgement.clone()
        };
        let mut by_ticket: BTreeMap<i64, Vec<(String, Option<u32>)>> = BTreeMap::new();
        for (id, metric, cycle) in breaches {
            by_ticket
                .entry(*id)
                .or_default()
                .push((metric.trim().to_string(), *cycle));
        }
        let author = self.author.clone();
        let (policy, clock) = (&self.policy, &self.clock);
        self.store.write(|tx| {
            // Judging and amending are a supervisor's, once `agents` names one.
            super::owner::require_supervisor(tx, &author)?;
            let now = clock.now().trunc_subsecs(0);
            let mut stored = Vec::new();
            for (id, wanted) in &by_ticket {
                change_tx(
                    tx,
                    policy,
                    &author,
                    now,
                    *id,
                    None,
                    |tx, _ticket, _log, _policy, now| {
                        let j = Judge {
                            judgement: &judgement,
                            author: &author,
                            now,
                            how,
                        };
                        let mut events = Vec::new();
                        for (metric, cycle) in wanted {
                            let review = judge_in(tx, *id, metric, *cycle, &j)?;
                            events.push(judged_entry(&review));
                            stored.push(review);
                        }
                        Ok(events)
                    },
                )?;
            }
            Ok::<_, DeskError>(stored)
        })
    }
}

/// The log entry of a judgement: its values, the reason and note as the body.
fn judged_entry(review: &Review) -> (Event, String) {
    let j = &review.judgement;
    let mut body = j.reason.clone();
    if !j.note.is_empty() {
        body.push('\n');
        body.push_str(&j.note);
    }
    let event = Event::Judged {
        metric: review.metric.clone(),
        cycle: review.cycle,
        class: j.class,
        remedy: j.remedy,
        amount_fen: j.amount.map(|a| a.0),
    };
    (event, body)
}

/// What every breach of one judging shares.
struct Judge<'a> {
    judgement: &'a Judgement,
    author: &'a str,
    now: DateTime<Utc>,
    how: Judging,
}

/// Judges (or amends) one breach inside the caller's transaction.
fn judge_in(tx: &Tx, id: i64, metric: &str, cycle: Option<u32>, j: &Judge<'_>) -> Result<Review> {
    let Judge {
        judgement,
        author,
        now,
        how,
    } = *j;
    let cycles = tx.cycles(id, metric)?;
    if cycles.is_empty() {
        let mut known: Vec<String> = tx.clocks(id)?.into_iter().map(|c| c.metric).collect();
        known.dedup();
        return Err(DeskError::NoSuchClock {
            ticket: id,
            metric: metric.to_string(),
            known,
        });
    }
    let breach = match cycle {
        Some(n) => tx.breach(id, metric, n, now)?.ok_or_else(|| DeskError::NotBreached {
            ticket: id,
            metric: metric.to_string(),
            cycle: n,
            cycles: cycles.clone(),
        })?,
        None => {
            // A new judgement goes to the oldest unjudged cycle, an amendment to the latest
            // judged one.
            let mut found = None;
            let order: Vec<u32> = match how {
                Judging::New => cycles.clone(),
                Judging::Amend => cycles.iter().rev().copied().collect(),
            };
            for n in order {
                let judged = tx.review(id, metric, n)?.is_some();
                if judged == (how == Judging::Amend)
                    && let Some(b) = tx.breach(id, metric, n, now)?
                {
                    found = Some(b);
                    break;
                }
            }
            found.ok_or_else(|| DeskError::NoUnjudgedBreach {
                ticket: id,
                metric: metric.to_string(),
            })?
        }
    };
    let before = tx.review(id, metric, breach.cycle)?;
    match (&before, how) {
        (Some(r), Judging::New) => {
            return Err(DeskError::AlreadyJudged {
                ticket: id,
                metric: metric.to_string(),
                cycle: breach.cycle,
                class: r.judgement.class,
                by: r.judged_by.clone(),
                at: r.judged_at,
            });
        }
        (None, Judging::Amend) => {
            return Err(DeskError::NotJudged {
                ticket: id,
                metric: metric.to_string(),
                cycle: breach.cycle,
            });
        }
        _ => {}
    }
    let review = Review {
        ticket_id: id,
        metric: metric.to_string(),
        cycle: breach.cycle,
        judgement: judgement.clone(),
        // An amendment judges the same lateness as the judgement it replaces.
        due_at: before.as_ref().map_or(breach.due_at, |r| r.due_at),
        late_secs: before.as_ref().map_or_else(|| breach.late_secs(now), |r| r.late_secs),
        judged_at: now,
        judged_by: author.to_string(),
    };
    match before {
        None => tx.insert_review(&review)?,
        Some(_) => tx.amend_review(&review)?,
    }
    Ok(review)
}

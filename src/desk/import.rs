//! `promptly import`: tickets from another system, each with its history replayed through the
//! SLA engine at its own instants, so clocks come out as they would have. One logical import
//! is one transaction, written in bounded batches of prepared rows through the bulk writer:
//! a failure anywhere leaves the database as it was (the log is append-only, so undoing means
//! never committing). Breaches that lay before the import are recorded but kept out of the
//! review queue unless asked (`imported_breaches`, migration 10).

use super::{Desk, DeskError, Result, apply_status, opened_entry};
use crate::domain::import::{Incoming, Problem, Trouble};
use crate::domain::log::{Event, LogEntry, NewEntry};
use crate::domain::review::{Amount, Judgement, Review};
use crate::domain::sla::{self, Clock, ClockReading};
use crate::store::bulk::{Prepared, Story};
use chrono::{DateTime, SubsecRound, Utc};
use std::collections::HashMap;

/// Rows prepared and written at a time: memory stays about three batches of stories (made,
/// being written, being freed). 5,000 held 85 MiB more at the peak than 1,000 for no speed.
const IMPORT_BATCH: usize = 1_000;

/// How an import runs.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The source file's name, recorded in each `imported` entry.
    pub file: String,
    /// The external id column as the file names it, for refusals.
    pub id_column: String,
    /// Rows whose external id is in the database already are left out (else: refused).
    pub skip_existing: bool,
    /// Breaches before the import go to the review queue like any other.
    pub queue_breaches: bool,
}

/// What an import wrote (or, for a check, would write).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub imported: usize,
    pub skipped: usize,
    pub entries: usize,
    /// Breaches before the import, recorded and kept out of the queue.
    pub breaches_imported: usize,
    /// Breaches before the import sent to the queue (`--queue-breaches`).
    pub breaches_queued: usize,
}

/// A row as the importer hands it over: a ticket, or the problems that stop the import.
pub type ImportRow = std::result::Result<Incoming, Vec<Problem>>;

impl Desk {
    /// Whether the database has any ticket (an empty one holds no external id).
    pub fn holds_tickets(&self) -> Result<bool> {
        Ok(self.store.holds_tickets()?)
    }

    /// The ticket holding `external_id` already, if one does. Reads only: a dry run calls it
    /// on a read-only file.
    pub fn imported_as(&self, external_id: &str) -> Result<Option<i64>> {
        let held = self.store.tickets_by_external_id(std::iter::once(external_id))?;
        Ok(held.into_values().next())
    }

    /// Writes `rows`, all or nothing: the first row that is problems, or (without
    /// `skip_existing`) any external id the database holds already, and nothing is written.
    /// Rows are read, replayed and prepared on a thread of their own while the previous batch
    /// is written. `progress` hears how many rows are done after each batch.
    pub fn import(
        &mut self,
        rows: impl Iterator<Item = ImportRow> + Send,
        options: &ImportOptions,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportSummary> {
        // The maker thread's own copy: the policy's calendars memoise days in a RefCell.
        let maker_policy = self.policy.clone();
        let (promise, clock, author) = (&self.promise, &self.clock, &self.author);
        self.store.bulk(|store| {
            store.import_cache()?;
            store.bulk_write(|tx| {
                // Read once the write lock is held, like every change: the import's instant.
                let now = clock.now().trunc_subsecs(0);
                promise.keep(tx)?;
                // A database without tickets holds no external id: nothing to look up (a bulk
                // run on it has deferred the index such a look-up would use).
                let look_up = tx.holds_tickets()?;
                let mut summary = ImportSummary::default();
                let mut refused = Vec::new();
                std::thread::scope(|scope| {
                    // One batch in flight: the maker replays the next batch while this one is
                    // written, all inside the one transaction. Written batches go back to it to
                    // be freed there, off the writer's path.
                    let (send, batches) = std::sync::mpsc::sync_channel::<Batch>(1);
                    let (spend, spent) = std::sync::mpsc::channel::<Vec<Prepared>>();
                    scope.spawn(move || {
                        let mut rows = rows;
                        loop {
                            let mut batch = Made::default();
                            let mut stop = None;
                            for row in rows.by_ref() {
                                match row {
                                    Ok(r) => {
                                        let id = look_up.then(|| r.external_id.clone()).flatten();
                                        batch.rows.push((r.row, id));
                                        let story = story(&maker_policy, promise, author, r, now, options);
                                        batch
                                            .breaches
                                            .push(story.clocks.iter().filter(|c| c.breached(now)).count());
                                        batch.prepared.push(story.prepare());
                                    }
                                    Err(problems) => stop = Some(problems),
                                }
                                if stop.is_some() || batch.rows.len() == IMPORT_BATCH {
                                    break;
                                }
                            }
                            let last = stop.is_some() || batch.rows.len() < IMPORT_BATCH;
                            let batch = match stop {
                                Some(problems) => Err(problems),
                                None => Ok(batch),
                            };
                            // The writer hung up: it failed, and says why.
                            if send.send(batch).is_err() || last {
                                break;
                            }
                            drop(spent.try_iter().collect::<Vec<_>>());
                        }
                    });
                    let mut done = 0;
                    for batch in batches {
                        let batch = batch.map_err(DeskError::Import)?;
                        done += batch.rows.len();
                        let held = match look_up {
                            true => tx.tickets_by_external_id(batch.rows.iter().filter_map(|(_, id)| id.as_deref()))?,
                            false => HashMap::new(),
                        };
                        let mut prepared = batch.prepared.into_iter().collect::<crate::store::Result<Vec<_>>>()?;
                        let mut breaches = 0;
                        if held.is_empty() {
                            breaches = batch.breaches.iter().sum();
                        } else {
                            let mut kept = Vec::with_capacity(prepared.len());
                            for (((row, id), p), b) in batch.rows.iter().zip(prepared).zip(&batch.breaches) {
                                match id.as_deref().and_then(|id| held.get(id)) {
                                    Some(_) if options.skip_existing => summary.skipped += 1,
                                    Some(ticket) => refused.push(Problem {
                                        row: *row,
                                        column: Some(options.id_column.clone()),
                                        trouble: Trouble::AlreadyImported { ticket: *ticket },
                                    }),
                                    None => {
                                        kept.push(p);
                                        breaches += b;
                                    }
                                }
                            }
                            prepared = kept;
                        }
                        // Once refused, the rest is only read for its refusals.
                        if refused.is_empty() {
                            let written = tx.bulk_insert(&prepared)?;
                            summary.imported += written.tickets;
                            summary.entries += written.entries;
                            if options.queue_breaches {
                                summary.breaches_queued += breaches;
                            } else {
                                summary.breaches_imported += breaches;
                            }
                        }
                        if let Err(unsent) = spend.send(prepared) {
                            drop(unsent);
                        }
                        progress(done);
                    }
                    if refused.is_empty() {
                        Ok::<_, DeskError>(summary)
                    } else {
                        Err(DeskError::Import(std::mem::take(&mut refused)))
                    }
                })
            })
        })
    }
}

/// A batch from the maker: each row's number and (when the database may hold it) external
/// id, its breaches before the import, and its prepared story.
#[derive(Default)]
struct Made {
    rows: Vec<(u64, Option<String>)>,
    breaches: Vec<usize>,
    prepared: Vec<crate::store::Result<Prepared>>,
}

type Batch = std::result::Result<Made, Vec<Problem>>;

/// One row's whole story: the ticket, its opening, its history and the `imported` entry, the
/// clocks of a replay at `now`, and which breaches lay before the import. The row's texts are
/// moved, not copied: the entries go into the replay and come out again as the story's log.
fn story(
    policy: &crate::domain::policy::Policy,
    promise: &super::Promise,
    author: &str,
    r: Incoming,
    now: DateTime<Utc>,
    options: &ImportOptions,
) -> Story {
    let mut ticket = r.ticket.opened(0, r.opened_at);
    ticket.owner = r.owner.unwrap_or_else(|| author.to_string());
    let opened = r
        .opened
        .unwrap_or_else(|| opened_entry(promise, &r.ticket, r.opened_at, author));
    let imported = NewEntry {
        at: now,
        author: author.to_string(),
        event: Event::Imported {
            file: options.file.clone(),
            row: r.row,
        },
        body: String::new(),
    };
    let mut stored: Vec<LogEntry> = Vec::with_capacity(r.history.len() + 2);
    for (n, e) in std::iter::once(opened)
        .chain(r.history)
        .chain(std::iter::once(imported))
        .enumerate()
    {
        if let Event::Status { to, .. } = e.event {
            apply_status(&mut ticket, to, e.at);
        }
        stored.push(e.stored(n as i64 + 1, 0));
    }
    ticket.updated_at = now;
    ticket.version = stored.len() as i64;
    let clocks: Vec<Clock> = sla::evaluate(policy, &ticket, &stored, now)
        .iter()
        .map(ClockReading::to_stored)
        .collect();
    let reviews = reviews_of(&stored, &clocks, now);
    // Judged in the history: stored judged with their review rows, not counted as imported.
    let judged = |c: &Clock| reviews.iter().any(|r| r.metric == c.metric && r.cycle == c.cycle);
    let imported_breaches = if options.queue_breaches {
        Vec::new()
    } else {
        clocks
            .iter()
            .filter(|c| c.breached(now) && !judged(c))
            .map(|c| (c.metric.clone(), c.cycle))
            .collect()
    };
    let log = stored.into_iter().map(NewEntry::from).collect();
    Story {
        ticket,
        log,
        clocks,
        reviews,
        external_id: r.external_id,
        imported_breaches,
    }
}

/// The judgements an imported history holds (its `judged` entries; an amendment replaces the
/// judgement before it and keeps its lateness, as at the desk), as review rows on the breaches
/// the replay finds: a desk moved by JSON Lines keeps its breach classes in the figures, and its
/// judged breaches out of the review queue. A judgement on a clock the replay finds met is left
/// in the log alone.
fn reviews_of(log: &[LogEntry], clocks: &[Clock], now: DateTime<Utc>) -> Vec<Review> {
    let mut out: Vec<Review> = Vec::new();
    for e in log {
        let Event::Judged {
            metric,
            cycle,
            class,
            remedy,
            amount_fen,
        } = &e.event
        else {
            continue;
        };
        let Some(clock) = clocks
            .iter()
            .find(|c| &c.metric == metric && c.cycle == *cycle && c.breached(now))
        else {
            continue;
        };
        let Some(due_at) = clock.breached_at.or(clock.due_at) else {
            continue;
        };
        let (reason, note) = e.body.split_once('\n').unwrap_or((&e.body, ""));
        let before = out.iter().position(|r| &r.metric == metric && r.cycle == *cycle);
        let (due_at, late_secs) = match before {
            Some(i) => {
                let r = out.remove(i);
                (r.due_at, r.late_secs)
            }
            None => {
                let end = clock.met_at.filter(|m| *m <= e.at).unwrap_or(e.at);
                (due_at, (end - due_at).num_seconds().max(0))
            }
        };
        out.push(Review {
            ticket_id: 0,
            metric: metric.clone(),
            cycle: *cycle,
            judgement: Judgement {
                class: *class,
                reason: reason.to_string(),
                remedy: *remedy,
                amount: amount_fen.map(Amount),
                note: note.to_string(),
            },
            due_at,
            late_secs,
            judged_at: e.at,
            judged_by: e.author.clone(),
        });
    }
    out
}

//! `promptly import`: tickets from another system, each with its history replayed through the
//! SLA engine at its own instants, so clocks come out as they would have. One logical import
//! is one transaction, written in bounded batches of prepared rows through the bulk writer:
//! a failure anywhere leaves the database as it was (the log is append-only, so undoing means
//! never committing). Breaches that lay before the import are recorded but kept out of the
//! review queue unless asked (`imported_breaches`, migration 10).

use super::{Desk, DeskError, Result, apply_status, opened_entry};
use crate::domain::import::{Incoming, Problem, Trouble};
use crate::domain::log::{Event, NewEntry};
use crate::domain::sla::{self, Clock, ClockReading};
use crate::store::bulk::{Prepared, Story};
use chrono::{DateTime, SubsecRound, Utc};
use std::collections::HashMap;

/// Rows prepared and written at a time: memory stays about one batch of stories.
const IMPORT_BATCH: usize = 5_000;

/// How an import runs.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The source file's name, recorded in each `imported` entry.
    pub file: String,
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

impl Desk {
    /// The rows whose external id the database holds already, as problems (refused) or, with
    /// `skip_existing`, the rows left out. Reads only: a dry run calls it on a read-only file.
    pub fn import_conflicts(&self, rows: &[Incoming]) -> Result<HashMap<u64, i64>> {
        let ids = rows.iter().filter_map(|r| r.external_id.as_deref());
        let held = self.store.tickets_by_external_id(ids)?;
        Ok(conflicting(rows, &held))
    }

    /// Writes `rows`, all or nothing. `progress` hears how many rows are done after each batch.
    pub fn import(
        &mut self,
        rows: Vec<Incoming>,
        options: &ImportOptions,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportSummary> {
        // The maker thread's own copy: the policy's calendars memoise days in a RefCell.
        let maker_policy = self.policy.clone();
        let (promise, clock, author) = (&self.promise, &self.clock, &self.author);
        self.store.bulk(|store| {
            store.bulk_write(|tx| {
                // Read once the write lock is held, like every change: the import's instant.
                let now = clock.now().trunc_subsecs(0);
                promise.keep(tx)?;
                let ids = rows.iter().filter_map(|r| r.external_id.as_deref());
                let held = tx.tickets_by_external_id(ids)?;
                let conflicts = conflicting(&rows, &held);
                if !conflicts.is_empty() && !options.skip_existing {
                    let column = crate::domain::import::Field::ExternalId.name();
                    return Err(DeskError::Import(refusals(&rows, &conflicts, column)));
                }
                let mut summary = ImportSummary {
                    skipped: conflicts.len(),
                    ..ImportSummary::default()
                };
                std::thread::scope(|scope| {
                    // One batch in flight: the maker replays the next batch while this one is
                    // written, all inside the one transaction.
                    let (send, batches) = std::sync::mpsc::sync_channel::<Batch>(1);
                    let (rows, conflicts) = (&rows, &conflicts);
                    scope.spawn(move || {
                        for batch in rows.chunks(IMPORT_BATCH) {
                            let mut breaches = 0;
                            let prepared = batch
                                .iter()
                                .filter(|r| !conflicts.contains_key(&r.row))
                                .map(|r| {
                                    let story = story(&maker_policy, promise, author, r, now, options);
                                    breaches += story.clocks.iter().filter(|c| c.breached(now)).count();
                                    story.prepare()
                                })
                                .collect();
                            // The writer hung up: it failed, and says why.
                            if send.send((batch.len(), prepared, breaches)).is_err() {
                                break;
                            }
                        }
                    });
                    let mut done = 0;
                    for (n, prepared, breaches) in batches {
                        let written = tx.bulk_insert(&prepared?)?;
                        summary.imported += written.tickets;
                        summary.entries += written.entries;
                        if options.queue_breaches {
                            summary.breaches_queued += breaches;
                        } else {
                            summary.breaches_imported += breaches;
                        }
                        done += n;
                        progress(done);
                    }
                    Ok::<_, DeskError>(summary)
                })
            })
        })
    }
}

/// A batch from the maker: rows it covers, their prepared stories, their breaches.
type Batch = (usize, crate::store::Result<Vec<Prepared>>, usize);

/// Row -> the ticket already holding its external id.
fn conflicting(rows: &[Incoming], held: &HashMap<String, i64>) -> HashMap<u64, i64> {
    rows.iter()
        .filter_map(|r| {
            let id = r.external_id.as_deref()?;
            held.get(id).map(|ticket| (r.row, *ticket))
        })
        .collect()
}

/// The conflicts as problems of their rows, in row order (`column`: the external id column
/// as the file names it).
pub fn refusals(rows: &[Incoming], conflicts: &HashMap<u64, i64>, column: &str) -> Vec<Problem> {
    rows.iter()
        .filter_map(|r| {
            let ticket = conflicts.get(&r.row)?;
            Some(Problem {
                row: r.row,
                column: Some(column.to_string()),
                trouble: Trouble::AlreadyImported { ticket: *ticket },
            })
        })
        .collect()
}

/// One row's whole story: the ticket, its opening, its history and the `imported` entry, the
/// clocks of a replay at `now`, and which breaches lay before the import.
fn story(
    policy: &crate::domain::policy::Policy,
    promise: &super::Promise,
    author: &str,
    r: &Incoming,
    now: DateTime<Utc>,
    options: &ImportOptions,
) -> Story {
    let mut ticket = r.ticket.opened(0, r.opened_at);
    let opened = r
        .opened
        .clone()
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
    let log: Vec<NewEntry> = std::iter::once(opened)
        .chain(r.history.iter().cloned())
        .chain(std::iter::once(imported))
        .collect();
    for e in &log {
        if let Event::Status { to, .. } = e.event {
            apply_status(&mut ticket, to, e.at);
        }
    }
    ticket.updated_at = now;
    ticket.version = log.len() as i64;
    let stored: Vec<_> = log
        .iter()
        .enumerate()
        .map(|(n, e)| e.clone().stored(n as i64 + 1, 0))
        .collect();
    let clocks: Vec<Clock> = sla::evaluate(policy, &ticket, &stored, now)
        .iter()
        .map(ClockReading::to_stored)
        .collect();
    let imported_breaches = if options.queue_breaches {
        Vec::new()
    } else {
        clocks
            .iter()
            .filter(|c| c.breached(now))
            .map(|c| (c.metric.clone(), c.cycle))
            .collect()
    };
    Story {
        ticket,
        log,
        clocks,
        reviews: Vec::new(),
        external_id: r.external_id.clone(),
        imported_breaches,
    }
}

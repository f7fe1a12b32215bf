//! Reading for `promptly export`: the tickets a query matches in id order, a page at a time,
//! each with its log and its clocks as of now (as `show` has them). Memory holds one page,
//! however many tickets match.

use super::{Desk, DeskError, TicketView};
use crate::domain::listing::ExportQuery;
use crate::domain::policy::Policy;
use crate::domain::sla;
use crate::domain::ticket::Customer;
use crate::store::EventCache;
use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many tickets one page of an export reads (with their logs in one query).
pub const EXPORT_PAGE: usize = 500;

/// How many read pages may wait for the writer.
pub const PAGES_AHEAD: usize = 2;

/// One exported ticket: what `show` reads, and the key of its customer (customers.csv).
#[derive(Debug, Clone)]
pub struct Exported {
    pub view: TicketView,
    pub customer_id: i64,
    /// The id it was imported under; none for a ticket made here.
    pub external_id: Option<String>,
}

/// A page on its way to the writer; `replayed` when its clocks are read already.
struct Page {
    tickets: Vec<Exported>,
    replayed: bool,
}

/// Each ticket's clocks as of `now` (as `show` has them).
fn replay(policy: &Policy, tickets: &mut [Exported], now: DateTime<Utc>) {
    for e in tickets {
        e.view.clocks = sla::evaluate(policy, &e.view.ticket, &e.view.log, now);
    }
}

impl Desk {
    /// How many tickets `q` matches, for the progress bar (the list's limit counts).
    pub fn export_count(&self, q: &ExportQuery) -> Result<u64, DeskError> {
        let n = self.store.export_count(q)?;
        Ok(q.list.limit.map_or(n, |l| n.min(u64::try_from(l).unwrap_or(u64::MAX))))
    }

    /// Hands each ticket `q` matches to `visit` in id order with its log and clocks, read
    /// [`EXPORT_PAGE`] tickets at a time; stops at the first error `visit` returns. `visit`
    /// runs on a second thread while this one reads the next pages (at most [`PAGES_AHEAD`]
    /// wait), so reading and writing share two cores in constant memory. The replay goes to
    /// whichever thread has room: a page is replayed here while the writer has one waiting,
    /// else the writer replays it before writing (same policy, same `now`, same clocks).
    pub fn visit_export<E>(
        &self,
        q: &ExportQuery,
        visit: impl FnMut(&Exported) -> Result<(), E> + Send,
    ) -> Result<(), E>
    where
        E: From<DeskError> + Send,
    {
        let now = self.now();
        // The writer's own copy: a policy's calendars remember dates as they go (not shared).
        let policy = self.policy.clone();
        let waiting = AtomicUsize::new(0);
        std::thread::scope(|s| {
            let (pages, inbox) = std::sync::mpsc::sync_channel::<Page>(PAGES_AHEAD);
            let waiting = &waiting;
            let writer = s.spawn(move || {
                let mut visit = visit;
                for mut page in inbox {
                    waiting.fetch_sub(1, Ordering::Relaxed);
                    if !page.replayed {
                        replay(&policy, &mut page.tickets, now);
                    }
                    page.tickets.iter().try_for_each(&mut visit)?;
                }
                Ok(())
            });
            // A writer that stopped (its error is returned below) hangs up: reading stops too.
            let read = self.read_export(q, |mut tickets| {
                let replayed = waiting.load(Ordering::Relaxed) > 0;
                if replayed {
                    replay(&self.policy, &mut tickets, now);
                }
                waiting.fetch_add(1, Ordering::Relaxed);
                pages.send(Page { tickets, replayed }).is_ok()
            });
            drop(pages);
            let written: Result<(), E> = writer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            written?;
            read.map_err(E::from)
        })
    }

    /// Reads the tickets of `q` a page at a time, each with its log (clocks not yet
    /// replayed), and hands each page to `page` until it returns false.
    fn read_export(&self, q: &ExportQuery, mut page: impl FnMut(Vec<Exported>) -> bool) -> Result<(), DeskError> {
        let mut cache = EventCache::default();
        let mut left = q.list.limit.unwrap_or(usize::MAX);
        let mut after = 0;
        while left > 0 {
            let tickets = self.store.export_page(q, after, EXPORT_PAGE.min(left))?;
            let Some((last, _, _)) = tickets.last() else { break };
            after = last.id;
            left -= tickets.len();
            let ids: Vec<i64> = tickets.iter().map(|(t, _, _)| t.id).collect();
            let mut logs = self.store.export_logs(&ids, &mut cache)?;
            let done = tickets
                .into_iter()
                .map(|(ticket, customer_id, external_id)| {
                    let log = logs.remove(&ticket.id).unwrap_or_default();
                    // Mail rows are not exported (their raw messages stay in the database).
                    Exported {
                        view: TicketView {
                            ticket,
                            log,
                            clocks: Vec::new(),
                            mail: Vec::new(),
                        },
                        customer_id,
                        external_id,
                    }
                })
                .collect();
            if !page(done) {
                break;
            }
        }
        Ok(())
    }

    /// Hands each customer of the tickets `q` matches to `visit` in id order, a page at a time.
    pub fn visit_export_customers<E: From<DeskError>>(
        &self,
        q: &ExportQuery,
        mut visit: impl FnMut(i64, &Customer) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut after = 0;
        loop {
            let page = self
                .store
                .export_customers(q, after, EXPORT_PAGE)
                .map_err(DeskError::from)?;
            let Some((last, _)) = page.last() else { break };
            after = *last;
            for (id, customer) in &page {
                visit(*id, customer)?;
            }
        }
        Ok(())
    }
}

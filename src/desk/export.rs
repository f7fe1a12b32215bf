//! Reading for `promptly export`: the tickets a query matches in id order, a page at a time,
//! each with its log and its clocks as of now (as `show` has them). Memory holds one page,
//! however many tickets match.

use super::paged::{self, Paged};
use super::{Desk, DeskError, TicketView};
use crate::domain::listing::ExportQuery;
use crate::domain::ticket::Customer;
use crate::store::EventCache;

/// How many tickets one page of an export reads (with their logs in one query).
pub const EXPORT_PAGE: usize = 250;

/// One exported ticket: what `show` reads, and the key of its customer (customers.csv).
#[derive(Debug, Clone)]
pub struct Exported {
    pub view: TicketView,
    pub customer_id: i64,
    /// The id it was imported under; none for a ticket made here.
    pub external_id: Option<String>,
}

impl Paged for Exported {
    fn view_mut(&mut self) -> &mut TicketView {
        &mut self.view
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
    /// runs on a second thread while this one reads the next pages (at most
    /// [`paged::PAGES_AHEAD`] wait), so reading and writing share two cores in constant memory. The replay goes to
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
        self.visit_export_split(q, visit, |waiting| waiting > 0)
    }

    /// [`Desk::visit_export`], a page replayed on the reading thread when `here` says so for
    /// the number of pages waiting for the writer, else on the writing thread.
    fn visit_export_split<E>(
        &self,
        q: &ExportQuery,
        visit: impl FnMut(&Exported) -> Result<(), E> + Send,
        here: impl Fn(usize) -> bool,
    ) -> Result<(), E>
    where
        E: From<DeskError> + Send,
    {
        paged::run(&self.policy, self.now(), |page| self.read_export(q, page), visit, here)
    }

    /// Reads the tickets of `q` a page at a time, each with its log (clocks not yet
    /// replayed), and hands each page to `page` until it returns false.
    fn read_export(&self, q: &ExportQuery, page: &mut dyn FnMut(Vec<Exported>) -> bool) -> Result<(), DeskError> {
        let mut cache = EventCache::default();
        let mut left = q.list.limit.unwrap_or(usize::MAX);
        let mut after = 0;
        while left > 0 {
            let tickets = self.store.export_page(q, after, EXPORT_PAGE.min(left))?;
            let Some((last, _, _)) = tickets.last() else { break };
            after = last.id;
            left -= tickets.len();
            let ids: Vec<i64> = tickets.iter().map(|(t, _, _)| t.id).collect();
            let mut logs = self.store.logs_cached(&ids, &mut cache)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::desk::demo::DemoShape;
    use crate::domain::policy::Policy;
    use crate::domain::sla;
    use crate::store::{Access, Store};
    use chrono::{TimeZone, Utc};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Each ticket's id and clocks as the export hands them over, `here` choosing the thread
    /// that replays each page.
    fn exported(desk: &Desk, here: impl Fn(usize) -> bool) -> Vec<(i64, Vec<sla::ClockReading>)> {
        let mut out = Vec::new();
        desk.visit_export_split(
            &ExportQuery::default(),
            |e| {
                out.push((e.view.ticket.id, e.view.clocks.clone()));
                Ok::<(), DeskError>(())
            },
            here,
        )
        .unwrap();
        out
    }

    #[test]
    fn clocks_are_the_same_whichever_thread_replays_a_page() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
        let store = Store::open(&dir.path().join("desk.db"), Access::Create).unwrap();
        let mut desk = Desk::new(store, Policy::builtin(), Clock::frozen(now), "tester");
        let tickets = EXPORT_PAGE * 2 + 7;
        let shape = DemoShape {
            tickets,
            open: Some(60),
            seed: 3,
        };
        desk.fill_demo_shaped(shape).unwrap();
        let reader = exported(&desk, |_| true);
        let writer = exported(&desk, |_| false);
        let turns = AtomicUsize::new(0);
        let both = exported(&desk, |_| turns.fetch_add(1, Ordering::Relaxed).is_multiple_of(2));
        assert_eq!(reader.len(), tickets);
        assert!(turns.load(Ordering::Relaxed) >= 3, "every page asked");
        // What `show` reads for each ticket as of the same now.
        for (id, clocks) in &reader {
            assert!(!clocks.is_empty(), "ticket {id} has clocks");
            assert_eq!(clocks, &desk.view(*id).unwrap().clocks, "ticket {id}");
        }
        assert_eq!(writer, reader);
        assert_eq!(both, reader);
    }
}

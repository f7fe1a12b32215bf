//! Reading for `promptly export`: the tickets a query matches in id order, a page at a time,
//! each with its log and its clocks as of now (as `show` has them). Memory holds one page,
//! however many tickets match.

use super::{Desk, DeskError, TicketView};
use crate::domain::listing::ExportQuery;
use crate::domain::sla;
use crate::domain::ticket::Customer;

/// How many tickets one page of an export reads (with their logs in one query).
pub const EXPORT_PAGE: usize = 500;

/// One exported ticket: what `show` reads, and the key of its customer (customers.csv).
#[derive(Debug, Clone)]
pub struct Exported {
    pub view: TicketView,
    pub customer_id: i64,
    /// The id it was imported under; none for a ticket made here.
    pub external_id: Option<String>,
}

impl Desk {
    /// How many tickets `q` matches, for the progress bar (the list's limit counts).
    pub fn export_count(&self, q: &ExportQuery) -> Result<u64, DeskError> {
        let n = self.store.export_count(q)?;
        Ok(q.list.limit.map_or(n, |l| n.min(u64::try_from(l).unwrap_or(u64::MAX))))
    }

    /// Hands each ticket `q` matches to `visit` in id order with its log and clocks, read
    /// [`EXPORT_PAGE`] tickets at a time; stops at the first error `visit` returns.
    pub fn visit_export<E: From<DeskError>>(
        &self,
        q: &ExportQuery,
        mut visit: impl FnMut(&Exported) -> Result<(), E>,
    ) -> Result<(), E> {
        let now = self.now();
        let mut left = q.list.limit.unwrap_or(usize::MAX);
        let mut after = 0;
        while left > 0 {
            let page = self
                .store
                .export_page(q, after, EXPORT_PAGE.min(left))
                .map_err(DeskError::from)?;
            let Some((last, _, _)) = page.last() else { break };
            after = last.id;
            left -= page.len();
            let ids: Vec<i64> = page.iter().map(|(t, _, _)| t.id).collect();
            let mut logs = self.store.logs(&ids).map_err(DeskError::from)?;
            for (ticket, customer_id, external_id) in page {
                let log = logs.remove(&ticket.id).unwrap_or_default();
                let clocks = sla::evaluate(&self.policy, &ticket, &log, now);
                // Mail rows are not exported (their raw messages stay in the database).
                let view = TicketView {
                    ticket,
                    log,
                    clocks,
                    mail: Vec::new(),
                };
                visit(&Exported {
                    view,
                    customer_id,
                    external_id,
                })?;
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

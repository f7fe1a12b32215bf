//! The read models the board shows, built by the desk from the store and the policy: board
//! rows (a ticket and its nearest clock, ready for live countdowns), a ticket with the warning
//! instants of its clocks, and the dashboard's figures. They carry values (ids, enums, metric
//! names, instants), never words: the front end labels them. Change detection lives here too,
//! so a front end never touches the store.

use super::{Desk, DeskError, LIST_BATCH, Result, TicketView};
use crate::domain::kpi::{Compliance, Kpis, Period, PeriodKind};
use crate::domain::listing::{ListQuery, TicketSummary};
use crate::domain::policy::Policy;
use crate::domain::sla::{self, Clock, ClockReading};
use crate::domain::text::sanitize_line;
use crate::domain::ticket::{Customer, Priority, Status, Ticket, mask_phone};
use crate::store::StoreError;
use chrono::{DateTime, NaiveDate, Utc};

/// A clock's standing at a given instant, from least to most pressing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Live {
    None,
    Paused,
    Ok,
    Warning,
    Breached,
}

/// The nearest clock of a row, prepared for live countdowns.
#[derive(Debug, Clone, PartialEq)]
pub struct RowClock {
    /// The policy's metric name (the front end labels it).
    pub metric: String,
    pub due_at: Option<DateTime<Utc>>,
    /// When the clock enters warning (computed once at load from the metric's calendar).
    pub warn_from: Option<DateTime<Utc>>,
    pub paused: bool,
    /// Business seconds left, frozen while paused.
    pub frozen_remaining: Option<i64>,
}

impl RowClock {
    /// Computed from `due_at` and `now`, never from a stored state that may be stale.
    pub fn live(&self, now: DateTime<Utc>) -> Live {
        match self.due_at {
            _ if self.paused => Live::Paused,
            Some(due) if due <= now => Live::Breached,
            Some(_) if self.warn_from.is_some_and(|w| w <= now) => Live::Warning,
            Some(_) => Live::Ok,
            None => Live::Paused,
        }
    }

    /// Seconds to the deadline (negative when late), or the frozen remainder when paused.
    pub fn remaining(&self, now: DateTime<Utc>) -> Option<i64> {
        if self.paused {
            return self.frozen_remaining;
        }
        self.due_at.map(|d| (d - now).num_seconds())
    }

    /// The board's view of a stored clock; its warning instant comes from the domain's one
    /// warning rule (`Clock::warning_from`), the same the engine reads states by.
    fn from_stored(c: &Clock, policy: &Policy) -> RowClock {
        RowClock {
            metric: c.metric.clone(),
            due_at: c.due_at,
            warn_from: c.warning_from(policy),
            paused: c.is_paused(),
            frozen_remaining: Some(c.remaining_secs),
        }
    }
}

/// One line of the board, with its text sanitised once at load.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardRow {
    pub id: i64,
    pub priority: Priority,
    pub status: Status,
    pub title: String,
    /// Name and masked phone, as the board shows a customer.
    pub customer: String,
    /// Lower-cased title, customer name and reference, for the filter.
    pub haystack: String,
    pub clock: Option<RowClock>,
}

impl BoardRow {
    pub fn from_summary(s: &TicketSummary, policy: &Policy) -> BoardRow {
        let t = &s.ticket;
        BoardRow {
            id: t.id,
            priority: t.priority,
            status: t.status,
            title: sanitize_line(&t.title),
            customer: sanitize_line(&customer_cell(&t.customer)),
            haystack: format!("{}\n{}\n{}", t.title, t.customer.name, t.reference).to_lowercase(),
            clock: s.nearest.as_ref().map(|c| RowClock::from_stored(c, policy)),
        }
    }

    pub fn live(&self, now: DateTime<Utc>) -> Live {
        self.clock.as_ref().map_or(Live::None, |c| c.live(now))
    }
}

/// Name and masked phone, as the board shows a customer.
pub fn customer_cell(c: &Customer) -> String {
    let phone = mask_phone(&c.phone);
    match (c.name.trim().is_empty(), phone.is_empty()) {
        (true, _) => c.label(),
        (false, true) => c.name.trim().to_string(),
        (false, false) => format!("{} {phone}", c.name.trim()),
    }
}

/// A ticket as the ticket screen shows it: its view, and when each running clock warns.
#[derive(Debug, Clone)]
pub struct LiveTicket {
    pub view: TicketView,
    /// Warning instants of the clocks, by index into `view.clocks`.
    pub warn_from: Vec<Option<DateTime<Utc>>>,
}

/// One week's KPIs and the compliance trend ending with it.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub period: Period,
    pub kpis: Kpis,
    pub trend: Vec<(NaiveDate, Compliance)>,
    /// The shop's today when loaded (the trend never runs past it).
    pub today: NaiveDate,
}

impl Desk {
    /// The board's rows for `query`, most urgent first.
    pub fn board_rows(&self, query: &ListQuery) -> Result<Vec<BoardRow>> {
        let policy = self.policy();
        Ok(self
            .list(query)?
            .iter()
            .map(|s| BoardRow::from_summary(s, policy))
            .collect())
    }

    /// The tickets `query` lists, in list order, handed to `visit` one at a time: the ids are
    /// read first, then [`LIST_BATCH`] tickets per query, so memory stays bounded however many
    /// match.
    pub fn visit_list<E: From<DeskError>>(
        &self,
        query: &ListQuery,
        mut visit: impl FnMut(&TicketSummary) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let ids = self.store.list_ids(query).map_err(DeskError::from)?;
        for batch in ids.chunks(LIST_BATCH) {
            for row in &self.store.summaries(batch).map_err(DeskError::from)? {
                visit(row)?;
            }
        }
        Ok(())
    }

    /// The tickets `query` lists, in list order, each with its clocks evaluated as of now (as
    /// [`Desk::view`] has them), handed to `visit` one at a time. Tickets and their logs are
    /// read [`LIST_BATCH`] tickets per query, never the whole list at once.
    pub fn visit_listed<E: From<DeskError>>(
        &self,
        query: &ListQuery,
        mut visit: impl FnMut(&Ticket, &[ClockReading]) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let ids = self.store.list_ids(query).map_err(DeskError::from)?;
        let now = self.now();
        for batch in ids.chunks(LIST_BATCH) {
            let rows = self.store.summaries(batch).map_err(DeskError::from)?;
            let mut logs = self.store.logs(batch).map_err(DeskError::from)?;
            for row in &rows {
                let log = logs.remove(&row.ticket.id).unwrap_or_default();
                let clocks = sla::evaluate(&self.policy, &row.ticket, &log, now);
                visit(&row.ticket, &clocks)?;
            }
        }
        Ok(())
    }

    /// A ticket with its log, its clocks as of now and when they warn.
    pub fn live_ticket(&self, id: i64) -> Result<LiveTicket> {
        let view = self.view(id)?;
        let warn_from = view.clocks.iter().map(|c| c.warning_from(self.policy())).collect();
        Ok(LiveTicket { view, warn_from })
    }

    /// The week holding `date`, and the trend of `days` days ending with it (or today).
    pub fn dashboard(&self, date: NaiveDate, days: u32) -> Result<Dashboard> {
        let today = self.today();
        let period = self.period(PeriodKind::Week, Some(date));
        let kpis = self.kpis(period)?;
        let trend = self.compliance_trend(period.last.min(today), days)?;
        Ok(Dashboard {
            period,
            kpis,
            trend,
            today,
        })
    }

    /// A number that moves whenever any process committed a write to the database (SQLite's
    /// `data_version`): poll it and reload when it differs from the last one seen.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.store.data_version()?)
    }
}

impl DeskError {
    /// The ticket a write was refused on because it changed since it was read.
    pub fn stale_ticket(&self) -> Option<i64> {
        match self {
            DeskError::Store(StoreError::Stale { ticket }) => Some(*ticket),
            _ => None,
        }
    }
}

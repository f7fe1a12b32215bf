//! The read models the board shows, built by the desk from the store and the policy: board
//! rows (a ticket and its nearest clock, ready for live countdowns), a ticket with the warning
//! instants of its clocks, and the dashboard's figures. They carry values (ids, enums, metric
//! names, instants), never words: the front end labels them. Change detection lives here too,
//! so a front end never touches the store.

use super::{Desk, DeskError, LIST_BATCH, Result, TicketView, paged};
use crate::domain::kpi::{Compliance, Kpis, Period, PeriodKind};
use crate::domain::listing::{ListQuery, ListRow, TicketSummary};
use crate::domain::policy::Policy;
use crate::domain::privacy::mask_phone;
use crate::domain::review::Review;
use crate::domain::sla::{Clock, ClockReading};
use crate::domain::text::sanitize_line;
use crate::domain::ticket::{Customer, Priority, Status, Ticket};
use crate::store::{EventCache, StoreError};
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

/// The board's header: tickets per status, and active ones warning or breached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BoardCounts {
    pub open: usize,
    pub warning: usize,
    pub breached: usize,
    pub waiting: usize,
    pub resolved: usize,
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
    /// The stored phone's digits (the board shows it masked; the filter matches these).
    pub phone_digits: String,
    pub clock: Option<RowClock>,
    /// A resolved ticket's automatic close, unless the customer answers first.
    pub closes_at: Option<DateTime<Utc>>,
    /// Who owns it (the board's "mine" and "unassigned" views).
    pub owner: String,
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
            phone_digits: t.customer.phone.chars().filter(char::is_ascii_digit).collect(),
            clock: s.nearest.as_ref().map(|c| RowClock::from_stored(c, policy)),
            closes_at: None,
            owner: t.owner.clone(),
        }
    }

    pub fn live(&self, now: DateTime<Utc>) -> Live {
        self.clock.as_ref().map_or(Live::None, |c| c.live(now))
    }

    /// Whether the board's filter `needle` finds this row: `#123` is the ticket's id; text is
    /// looked for in the title, customer name and order reference (case-insensitive); a needle
    /// of digits (separators and the mask's `*` allowed: `139 0000-1111`, `139****1111`) also
    /// matches the stored phone's digits.
    pub fn matches(&self, needle: &str) -> bool {
        let needle = needle.trim().to_lowercase();
        if needle.is_empty() {
            return true;
        }
        if let Some(id) = needle.strip_prefix('#').map(str::trim)
            && !id.is_empty()
            && id.chars().all(|c| c.is_ascii_digit())
        {
            return id.trim_start_matches('0') == self.id.to_string() || self.haystack.contains(&needle);
        }
        self.haystack.contains(&needle) || phone_matches(&self.phone_digits, &needle)
    }
}

/// A needle made of digits, phone separators and the mask's `*`, against a phone's digits: the
/// digit groups between the stars appear in order.
fn phone_matches(phone_digits: &str, needle: &str) -> bool {
    let phoneish = needle
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')' | '.' | '*'));
    if !phoneish || phone_digits.is_empty() || !needle.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let digits: String = needle.chars().filter(|c| c.is_ascii_digit() || *c == '*').collect();
    let mut rest = phone_digits;
    for group in digits.split('*').filter(|g| !g.is_empty()) {
        match rest.find(group) {
            Some(at) => rest = &rest[at + group.len()..],
            None => return false,
        }
    }
    true
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
    /// The judgements on its breaches (the screen lists each breach with its judgement).
    pub reviews: Vec<Review>,
    /// Its breaches that lay before its import, kept out of the review queue: (metric, cycle).
    pub imported: Vec<(String, u32)>,
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
    /// The board's rows for `query`, most urgent first. Each row is made as the store hands
    /// its ticket over: the whole tickets (descriptions and all) of a 20k-row board held at
    /// once beside their rows were most of the board's peak memory.
    pub fn board_rows(&self, query: &ListQuery) -> Result<Vec<BoardRow>> {
        let policy = self.policy();
        let mut rows: Vec<BoardRow> = Vec::new();
        // Resolved rows, by index, with when they were resolved: all the close needs.
        let mut resolved: Vec<(usize, DateTime<Utc>)> = Vec::new();
        self.visit_list(query, |s: &TicketSummary| {
            if s.ticket.status == Status::Resolved
                && let Some(at) = s.ticket.resolved_at
            {
                resolved.push((rows.len(), at));
            }
            rows.push(BoardRow::from_summary(s, policy));
            Ok::<(), DeskError>(())
        })?;
        // Resolved tickets count down to their automatic close; that needs their logs (the
        // customer's last reply), read only for them.
        let days = policy.settings.auto_close_days;
        if days > 0 {
            let wait = chrono::Duration::days(i64::from(days));
            for batch in resolved.chunks(LIST_BATCH) {
                let ids: Vec<i64> = batch.iter().map(|(i, _)| rows[*i].id).collect();
                let logs = self.store.logs(&ids)?;
                for (i, at) in batch {
                    let log = logs.get(&rows[*i].id).map_or(&[][..], Vec::as_slice);
                    rows[*i].closes_at = super::supervisor::closes_after(*at, log, wait);
                }
            }
        }
        Ok(rows)
    }

    /// The first `n` rows of the board for `query`: the list stops reading after them, so the
    /// first frame costs one screen of rows, not the board.
    pub fn board_page(&self, query: &ListQuery, n: usize) -> Result<Vec<BoardRow>> {
        self.board_rows(&ListQuery {
            limit: Some(n),
            ..query.clone()
        })
    }

    /// The board's header figures for the active and resolved tickets, without loading them:
    /// counts per status from the status index, and warning and breached from one pass over
    /// the running deadlines (each active ticket's nearest clock, read as the board reads it).
    pub fn board_counts(&self) -> Result<BoardCounts> {
        let now = self.now();
        let policy = self.policy();
        let [open, waiting, resolved] = [Status::Open, Status::Waiting, Status::Resolved];
        let by_status = self.store.status_counts(&[open, waiting, resolved])?;
        let mut counts = BoardCounts {
            open: by_status[0],
            waiting: by_status[1],
            resolved: by_status[2],
            ..BoardCounts::default()
        };
        // Late or paused needs no calendar: only a clock still ahead is read for its warning.
        self.store
            .visit_nearest_deadlines(&[open, waiting], |c| match c.due_at {
                _ if c.is_paused() => {}
                Some(due) if due <= now => counts.breached += 1,
                Some(_) if c.warning_from(policy).is_some_and(|w| w <= now) => counts.warning += 1,
                _ => {}
            })?;
        Ok(counts)
    }

    /// The tickets `query` lists, in list order, handed to `visit` one at a time as the store
    /// reads them (see `store::Store::visit_list`), so memory stays bounded however many match.
    pub fn visit_list<E: From<DeskError>>(
        &self,
        query: &ListQuery,
        visit: impl FnMut(&TicketSummary) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        until_failed(|f| self.store.visit_list(query, |row| f(&row)), visit)
    }

    /// [`Desk::visit_list`] as `list`'s table shows it: only what it prints is read.
    pub fn visit_rows<E: From<DeskError>>(
        &self,
        query: &ListQuery,
        visit: impl FnMut(&ListRow) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        until_failed(|f| self.store.visit_rows(query, f), visit)
    }

    /// The tickets `query` lists, in list order, each with its clocks evaluated as of now (as
    /// [`Desk::view`] has them), handed to `visit` one at a time on a second thread while this
    /// one reads the next [`LIST_BATCH`] tickets and their logs (one query a batch; see
    /// `paged::run`: a batch is replayed by whichever thread has room, memory stays bounded).
    pub fn visit_listed<E: From<DeskError> + Send>(
        &self,
        query: &ListQuery,
        mut visit: impl FnMut(&Ticket, &[ClockReading]) -> std::result::Result<(), E> + Send,
    ) -> std::result::Result<(), E> {
        self.visit_listed_split(query, |l| visit(&l.0.ticket, &l.0.clocks), |waiting| waiting > 0)
    }

    /// [`Desk::visit_listed`], a batch replayed on the reading thread when `here` says so for
    /// the number of batches waiting for the visitor, else on the visitor's thread.
    fn visit_listed_split<E: From<DeskError> + Send>(
        &self,
        query: &ListQuery,
        visit: impl FnMut(&Listed) -> std::result::Result<(), E> + Send,
        here: impl Fn(usize) -> bool,
    ) -> std::result::Result<(), E> {
        paged::run(
            &self.policy,
            self.now(),
            |send| self.read_listed(query, send),
            visit,
            here,
        )
    }

    /// Reads the tickets `query` lists in list order, [`LIST_BATCH`] at a time with their logs
    /// (clocks not yet replayed), and hands each batch to `send` until it returns false.
    fn read_listed(&self, query: &ListQuery, send: &mut dyn FnMut(Vec<Listed>) -> bool) -> Result<()> {
        // One cache for the whole list: the batches share their entries' texts.
        let mut cache = EventCache::default();
        let mut batch = Vec::with_capacity(LIST_BATCH);
        let mut failed = None;
        let mut going = true;
        let mut flush = |batch: &mut Vec<Ticket>| -> Result<bool> {
            let ids: Vec<i64> = batch.iter().map(|t| t.id).collect();
            // Only replayed, never shown: read without the entries' authors and bodies.
            let mut logs = self.store.replay_logs_cached(&ids, &mut cache)?;
            let views = batch
                .drain(..)
                .map(|ticket| {
                    Listed(TicketView {
                        log: logs.remove(&ticket.id).unwrap_or_default(),
                        ticket,
                        clocks: Vec::new(),
                        mail: Vec::new(),
                    })
                })
                .collect();
            Ok(send(views))
        };
        self.store.visit_list(query, |row| {
            batch.push(row.ticket);
            if batch.len() < LIST_BATCH {
                return true;
            }
            match flush(&mut batch) {
                Ok(more) => going = more,
                Err(e) => failed = Some(e),
            }
            going && failed.is_none()
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
        if going && !batch.is_empty() {
            flush(&mut batch)?;
        }
        Ok(())
    }

    /// A ticket with its log, its clocks as of now and when they warn.
    pub fn live_ticket(&self, id: i64) -> Result<LiveTicket> {
        let view = self.view(id)?;
        let warn_from = view.clocks.iter().map(|c| c.warning_from(self.policy())).collect();
        let reviews = self.reviews_of(id)?;
        let imported = self.store.imported_breaches_of(id)?;
        Ok(LiveTicket {
            view,
            warn_from,
            reviews,
            imported,
        })
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
    /// `data_version`): poll it and reload when it differs from the last one seen. An error
    /// once the file was moved or replaced under the board (its writes are refused then too).
    pub fn data_version(&self) -> Result<i64> {
        self.store.check_in_place()?;
        Ok(self.store.data_version()?)
    }

    /// After the server went away ([`DeskError::connection_lost`]): a new session on it, and
    /// [`Desk::data_version`] moved so that a board reads everything again. Nothing is
    /// retried. Nothing to do on a file.
    pub fn reconnect(&mut self) -> Result<()> {
        Ok(self.store.reconnect()?)
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

/// A ticket of `list --json` on its way to the visitor: its log is only replayed (read
/// without authors and bodies), never shown.
struct Listed(TicketView);

impl paged::Paged for Listed {
    fn view_mut(&mut self) -> &mut TicketView {
        &mut self.0
    }

    fn replayed(&mut self) {
        self.0.log = Vec::new();
    }
}

/// Runs a store's visiting `read` with `visit`, stopped at `visit`'s first error, which is
/// returned (after the store's own, if it failed first).
fn until_failed<T: ?Sized, E: From<DeskError>>(
    read: impl FnOnce(&mut dyn FnMut(&T) -> bool) -> crate::store::Result<()>,
    mut visit: impl FnMut(&T) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut failed = None;
    read(&mut |item| match visit(item) {
        Ok(()) => true,
        Err(e) => {
            failed = Some(e);
            false
        }
    })
    .map_err(DeskError::from)?;
    failed.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::demo::DemoShape;
    use crate::store::{Access, Store};
    use chrono::TimeZone;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Each listed ticket with its clocks as `visit_listed` hands them over, `here` choosing
    /// the thread that replays each batch.
    fn listed(desk: &Desk, query: &ListQuery, here: impl Fn(usize) -> bool) -> Vec<(Ticket, Vec<ClockReading>)> {
        let mut out = Vec::new();
        desk.visit_listed_split(
            query,
            |l| {
                out.push((l.0.ticket.clone(), l.0.clocks.clone()));
                Ok::<(), DeskError>(())
            },
            here,
        )
        .unwrap();
        out
    }

    #[test]
    fn listed_tickets_come_in_list_order_with_shows_clocks_whichever_thread_replays() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
        let store = Store::open(&dir.path().join("desk.db"), Access::Create).unwrap();
        let mut desk = Desk::new(store, Policy::builtin(), crate::clock::Clock::frozen(now), "tester");
        let open = LIST_BATCH * 2 + 13;
        let shape = DemoShape {
            tickets: open + 150,
            open: Some(open),
            seed: 5,
        };
        desk.fill_demo_shaped(shape).unwrap();
        let queries = [
            ListQuery {
                statuses: vec![Status::Open, Status::Waiting],
                ..ListQuery::default()
            },
            ListQuery {
                limit: Some(LIST_BATCH + 1),
                ..ListQuery::default()
            },
            ListQuery {
                due_before: Some(now),
                ..ListQuery::default()
            },
        ];
        for query in &queries {
            // The plain list: its order, and each ticket as `show` reads it.
            let mut order = Vec::new();
            desk.visit_list(query, |row| {
                order.push(row.ticket.id);
                Ok::<(), DeskError>(())
            })
            .unwrap();
            assert!(order.len() > 3, "{query:?} lists tickets");
            let reader = listed(&desk, query, |_| true);
            let ids: Vec<i64> = reader.iter().map(|(t, _)| t.id).collect();
            assert_eq!(ids, order, "{query:?}");
            for (ticket, clocks) in &reader {
                let view = desk.view(ticket.id).unwrap();
                assert_eq!(ticket, &view.ticket);
                assert_eq!(clocks, &view.clocks, "ticket {}", ticket.id);
            }
            assert_eq!(listed(&desk, query, |_| false), reader, "{query:?}");
            let turns = AtomicUsize::new(0);
            let both = listed(&desk, query, |_| {
                turns.fetch_add(1, Ordering::Relaxed).is_multiple_of(2)
            });
            assert_eq!(both, reader, "{query:?}");
        }
        assert!(
            queries[0].statuses.len() == 2 && listed(&desk, &queries[0], |_| true).len() == open,
            "every open ticket listed, over several batches"
        );
        // A visitor that fails stops the list and its error comes back.
        let mut seen = 0;
        let stopped = desk.visit_listed(&queries[0], |_, _| {
            seen += 1;
            if seen == 5 { Err(DeskError::NotFound(0)) } else { Ok(()) }
        });
        assert!(matches!(stopped, Err(DeskError::NotFound(0))), "{stopped:?}");
        assert_eq!(seen, 5);
    }
}

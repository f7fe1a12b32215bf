//! `promptly verify`: the store's checks (integrity, schema, triggers, the log's hash chain)
//! plus the clocks: every ticket's stored clocks against a replay of its log.

use super::{Desk, Result};
use crate::domain::sla::{self, Clock, ClockState};
pub use crate::store::verify::Finding;

/// What `verify` found, and how much it read.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    pub findings: Vec<Finding>,
    /// Log entries whose chain links were checked.
    pub entries: u64,
    /// Tickets whose clocks were replayed.
    pub tickets: u64,
    /// Checked on a PostgreSQL server (which keeps its own pages and keys) rather than a
    /// SQLite file (whose integrity and foreign keys `verify` checks itself).
    pub on_server: bool,
}

/// Tickets are replayed this many at a time, so memory stays flat on any history.
const BATCH: usize = 500;

impl Desk {
    /// Checks the whole database. Reads only.
    pub fn verify(&self) -> Result<Verification> {
        let (findings, entries) = self.store.verify()?;
        let mut done = Verification {
            findings,
            entries,
            tickets: 0,
            on_server: self.store.on_server(),
        };
        let mut after = 0;
        loop {
            let ids = self.store.ticket_ids_after(after, BATCH)?;
            let Some(&last) = ids.last() else { break };
            done.tickets += ids.len() as u64;
            for id in ids {
                self.check_clocks(id, &mut done.findings);
            }
            after = last;
        }
        Ok(done)
    }

    /// The log's protecting triggers that are missing.
    pub fn missing_log_triggers(&self) -> Result<Vec<&'static str>> {
        Ok(self.store.missing_log_triggers()?)
    }

    /// Replays one ticket's log and compares the outcome with its stored clocks.
    fn check_clocks(&self, id: i64, findings: &mut Vec<Finding>) {
        let unreadable = |e: super::StoreError| Finding::Unreadable {
            ticket_id: id,
            reason: format!("{e:?}"),
        };
        let read = || -> std::result::Result<_, super::StoreError> {
            Ok((self.store.ticket(id)?, self.store.log(id)?, self.store.clocks(id)?))
        };
        let (ticket, log, stored) = match read() {
            Ok((Some(ticket), log, stored)) => (ticket, log, stored),
            Ok((None, _, _)) => return,
            Err(e) => return findings.push(unreadable(e)),
        };
        let at = self.now().max(ticket.updated_at);
        let replayed: Vec<Clock> = sla::evaluate(&self.policy, &ticket, &log, at)
            .iter()
            .map(sla::ClockReading::to_stored)
            .collect();
        let differs = |metric: &str, cycle: u32| Finding::ClocksDiffer {
            ticket_id: id,
            metric: metric.to_string(),
            cycle,
        };
        for s in &stored {
            match replayed.iter().find(|r| r.metric == s.metric && r.cycle == s.cycle) {
                Some(r) if same_outcome(s, r) => {}
                _ => findings.push(differs(&s.metric, s.cycle)),
            }
        }
        for r in &replayed {
            if !stored.iter().any(|s| s.metric == r.metric && s.cycle == r.cycle) {
                findings.push(differs(&r.metric, r.cycle));
            }
        }
    }
}

/// Whether a stored clock agrees with its replay on everything that does not depend on when
/// it was last written: a running clock's state, remaining time and breach flag move with time.
fn same_outcome(stored: &Clock, replay: &Clock) -> bool {
    let fixed = stored.target == replay.target
        && stored.started_at == replay.started_at
        && stored.met_at == replay.met_at
        && stored.due_at == replay.due_at;
    // Time spent paused only grows while a pause lasts.
    let paused = if stored.met_at.is_some() || stored.state != ClockState::Paused {
        stored.paused_secs == replay.paused_secs
    } else {
        stored.paused_secs <= replay.paused_secs
    };
    let breach = if stored.met_at.is_some() {
        stored.breached_at == replay.breached_at
    } else {
        stored.breached_at.is_none() || stored.breached_at == replay.breached_at
    };
    fixed && paused && breach
}

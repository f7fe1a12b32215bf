//! SLA clocks: a pure replay of a ticket's log against the policy, read at `now`.
//!
//! Rules, in the order a reader needs them:
//!
//! - **Cycles.** A metric's clock starts at its start event and is met by its stop event (see
//!   `policy`). A recurring metric is met by each stop event, which starts the next cycle.
//!   Clocks run only while the ticket is open or waiting: nothing starts on a resolved or
//!   closed ticket. Moving to `resolved` ends every running clock except those stopped by
//!   `closed`, which are held (paused) while resolved; `closed` ends all. Reopening starts a new
//!   cycle of every metric whose last cycle resolving or closing ended, and the first cycle of
//!   every metric that applies and never ran (or was withdrawn); old cycles keep their outcome.
//! - **Targets.** A cycle takes its target from the latest snapshot in the log
//!   (`Opened.targets`, then `Field.targets`, which the desk computes from the promise table
//!   the ticket opened under). An opening that recorded the whole promise (its `calendars`) says
//!   what applies; for older tickets a metric missing from the snapshot falls back to the
//!   current policy. A priority, kind or complexity change re-targets running cycles (start,
//!   elapsed and paused time stay) unless the cycle is already past its deadline at that
//!   instant (then it keeps its target and its breach); a metric that no longer applies is
//!   withdrawn there (a late one ends as a breach), one that starts to apply starts there.
//!   A cycle counts on the calendar promised at opening (while the policy has it); calendars'
//!   hours and holidays and metric definitions come from the current policy.
//! - **Deadline.** A time target is business time: the due instant is where business time
//!   outside pauses reaches the target. A day target's base is `add_working_days(start, n)`;
//!   its budget is the business time from start to that base, and pauses push the due by the
//!   business time they cover. Only pauses that begin at or before the due count: a pause
//!   cannot undo a breach, and one at the very deadline is in time. While a pause is open, the
//!   due moves with `now` and the remaining time is frozen. A `BreachKept` system entry pins a
//!   deadline missed under an earlier policy.
//! - **Extensions** add to the target of the running cycle, never to one already late: working
//!   days to a day target's count, business time to its budget.
//! - **State**: `Withdrawn` once ended by withdrawal in time, `Met` once stopped otherwise
//!   (then `breached_at` says whether it was late), else `Breached` when the due has passed
//!   (strictly before the reading), else `Paused`, else `Warning` once elapsed reaches the
//!   warning threshold (`warn_threshold`: `warn_at` x budget), else `Running`.
//!
//! One struct, [`Clock`], is what the engine produces, the store persists and reads back, and
//! the board, KPIs and reports judge. The engine's [`ClockReading`] wraps it with what only a
//! fresh replay knows (calendar, elapsed time, extensions, paused right now).
//!
//! Files: `engine` (replay and evaluation), `extend` (may an extension be granted),
//! `explain` (how a clock got where it is, as typed steps the front ends put into words).

mod engine;
mod explain;
mod extend;

pub use engine::{Ending, Retarget, evaluate};
pub use explain::{MAX_SPAN_LINES, Outcome, Step, explain};
pub use extend::{ExtensionError, check_extension};

use crate::domain::policy::Policy;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClockState {
    Running,
    Paused,
    Warning,
    Breached,
    Met,
    /// Ended because the metric stopped applying (a kind or complexity change) before its
    /// deadline: neither met nor breached, and left out of compliance.
    Withdrawn,
}

impl ClockState {
    pub const ALL: [ClockState; 6] = [
        ClockState::Running,
        ClockState::Paused,
        ClockState::Warning,
        ClockState::Breached,
        ClockState::Met,
        ClockState::Withdrawn,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Warning => "warning",
            ClockState::Breached => "breached",
            ClockState::Met => "met",
            ClockState::Withdrawn => "withdrawn",
        }
    }
}

impl fmt::Display for ClockState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// A state slug that is none of the six.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownState(pub String);

impl FromStr for ClockState {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ClockState::ALL
            .into_iter()
            .find(|c| c.slug() == s)
            .ok_or_else(|| UnknownState(s.to_string()))
    }
}

/// One cycle of one metric of one ticket: what the engine reads, the store keeps (derived from
/// the log, rewritten with every change) and the board, KPIs and reports judge. (The JSON a
/// script reads is its own documented struct in the CLI, not this one.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub ticket_id: i64,
    pub metric: String,
    /// 1 for the first cycle; reopens and recurring metrics add cycles.
    pub cycle: u32,
    /// The state when it was read (or written); live judgements use the instants below.
    pub state: ClockState,
    /// Target text ("30m", "7d") in force for this cycle.
    pub target: String,
    pub started_at: DateTime<Utc>,
    /// `None` when the calendar never opens, and in the store while paused (the deadline
    /// moves as long as the pause lasts) unless it had already passed.
    pub due_at: Option<DateTime<Utc>>,
    /// When the cycle stopped: met, or (state `Withdrawn`) withdrawn.
    pub met_at: Option<DateTime<Utc>>,
    /// The due instant, when it passed before the cycle was met (or before the reading).
    pub breached_at: Option<DateTime<Utc>>,
    /// Business time spent paused.
    pub paused_secs: i64,
    /// Business time left when read; negative when late; frozen while paused.
    pub remaining_secs: i64,
}

/// Business seconds counted against the target at which a clock with `budget_secs` enters
/// warning: THE warning rule (elapsed >= `warn_at` x budget), for the engine and the board.
pub fn warn_threshold(budget_secs: i64, warn_at: f64) -> i64 {
    (warn_at * budget_secs as f64).ceil() as i64
}

impl Clock {
    /// The deadline that counts: the due, or (paused after a breach) the breach instant.
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        self.due_at.or(self.breached_at)
    }

    /// Outcome known at `now`: met, or its deadline has passed. A withdrawn cycle has no
    /// outcome: compliance leaves it out.
    pub fn decided(&self, now: DateTime<Utc>) -> bool {
        !self.is_withdrawn() && (self.met_at.is_some() || self.deadline().is_some_and(|d| d < now))
    }

    pub fn is_withdrawn(&self) -> bool {
        self.state == ClockState::Withdrawn
    }

    /// Met by its deadline.
    pub fn on_time(&self) -> bool {
        match (self.met_at, self.deadline()) {
            (Some(m), Some(d)) => m <= d && self.breached_at.is_none(),
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// Late: met after its deadline, or still running past it at `now`.
    pub fn breached(&self, now: DateTime<Utc>) -> bool {
        self.decided(now) && !self.on_time()
    }

    /// Stopped: the cycle has its outcome (or, withdrawn, none).
    pub fn is_met(&self) -> bool {
        matches!(self.state, ClockState::Met | ClockState::Withdrawn)
    }

    /// Counting down no more until the pause ends (a paused clock keeps no due in the store).
    pub fn is_paused(&self) -> bool {
        self.state == ClockState::Paused || (self.due_at.is_none() && !self.is_met())
    }

    /// The instant the clock is (or was) in warning from, by the one warning rule: `None` for
    /// a met or paused clock, or one without a deadline; the start for one read in warning or
    /// breached. A running clock's budget is the business time from start to due less its
    /// pauses (all taken before the reading, so before the due).
    pub fn warning_from(&self, policy: &Policy) -> Option<DateTime<Utc>> {
        match self.state {
            ClockState::Met | ClockState::Paused | ClockState::Withdrawn => None,
            _ if self.due_at.is_none() => None,
            ClockState::Warning | ClockState::Breached => Some(self.started_at),
            ClockState::Running => {
                let due = self.due_at?;
                let m = policy.metric(&self.metric)?;
                let cal = policy.metric_calendar(m);
                let budget = cal
                    .business_between(self.started_at, due)
                    .num_seconds()
                    .checked_sub(self.paused_secs)?;
                let at = warn_threshold(budget, m.warn_at).checked_add(self.paused_secs)?;
                cal.add_business(self.started_at, Duration::try_seconds(at)?)
                    .ok()
                    .map(|w| w.min(due))
            }
        }
    }
}

/// One cycle of one metric read by the engine at `now`: the clock and what only a replay knows.
/// Derefs to its [`Clock`], so `reading.due_at` reads the clock's field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockReading {
    pub clock: Clock,
    pub calendar: String,
    /// Paused right now (the ticket is in one of the metric's pause statuses).
    pub paused: bool,
    /// Business time counted against the target (pauses excluded).
    pub elapsed_secs: i64,
    /// Extensions granted, as target text ("3d", "2h"); empty when none.
    pub extended: String,
}

impl ClockReading {
    /// The due passed before the cycle was met, or before `now` while it runs.
    pub fn is_breached(&self) -> bool {
        self.clock.breached_at.is_some()
    }

    /// What the store keeps: a paused clock keeps no deadline (it moves while the pause
    /// lasts), unless it had already passed: a breached deadline is fixed and stays overdue.
    pub fn to_stored(&self) -> Clock {
        let mut c = self.clock.clone();
        if self.paused && !self.is_breached() {
            c.due_at = None;
        }
        c
    }
}

impl std::ops::Deref for ClockReading {
    type Target = Clock;
    fn deref(&self) -> &Clock {
        &self.clock
    }
}

//! The one place that reads the real time. `--now` / `PROMPTLY_NOW` fix it, so commands,
//! tests and demos are reproducible; the TUI starts a fixed clock there and lets it run.

use chrono::{DateTime, Utc};
use std::time::Instant;

#[derive(Debug, Clone)]
pub enum Clock {
    /// The machine's clock.
    System,
    /// Starts at a fixed instant and then runs with real time (the board) or stands still.
    Fixed {
        start: DateTime<Utc>,
        since: Option<Instant>,
    },
}

impl Clock {
    /// A clock that always says `at`.
    pub fn frozen(at: DateTime<Utc>) -> Self {
        Clock::Fixed { start: at, since: None }
    }

    /// A clock that starts at `at` and ticks with real time.
    pub fn running_from(at: DateTime<Utc>) -> Self {
        Clock::Fixed {
            start: at,
            since: Some(Instant::now()),
        }
    }

    /// The same clock, but running: a fixed start ticks on with real time from here (the
    /// board), the system clock stays the system clock.
    pub fn running(&self) -> Self {
        match self {
            Clock::Fixed { start, since: None } => Clock::running_from(*start),
            other => other.clone(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed { start, since: None } => *start,
            Clock::Fixed { start, since: Some(t0) } => {
                *start + chrono::Duration::from_std(t0.elapsed()).unwrap_or_default()
            }
        }
    }
}

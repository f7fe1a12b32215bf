//! The JSON schema scripts rely on: one struct per documented object (README "JSON output",
//! "Breach review", "Callbacks", "Reports and KPIs"). These structs ARE the stable keys: a
//! renamed or removed field is a breaking change, and `tests/cli.rs` checks every key the
//! README lists against real output.
//!
//! Fields are declared in alphabetical order: Promptly has always printed keys sorted (they
//! were serde_json maps), and scripts diffing output keep seeing the same bytes.
//! Values: instants are RFC3339 to the second (`Z` for UTC), enums their English slugs,
//! dates `YYYY-MM-DD`; `null` marks a value that is not there yet (never an absent key, except
//! `log`, which only a single ticket carries).

mod import;
mod report;
mod supervisor;
mod ticket;

pub use import::*;
pub use report::*;
pub use supervisor::*;
pub use ticket::*;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

/// An instant as RFC3339 to the second, in UTC (`2026-11-24T02:30:00Z`).
#[derive(Debug, Clone, Copy)]
pub struct Instant(pub DateTime<Utc>);

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.to_rfc3339_opts(SecondsFormat::Secs, true))
    }
}

fn instant(t: Option<DateTime<Utc>>) -> Option<Instant> {
    t.map(Instant)
}

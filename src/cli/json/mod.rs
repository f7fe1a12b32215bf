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

use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use serde::{Serialize, Serializer};

/// An instant as RFC3339 to the second, in UTC (`2026-11-24T02:30:00Z`).
#[derive(Debug, Clone, Copy)]
pub struct Instant(pub DateTime<Utc>);

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (date, time) = (self.0.date_naive(), self.0.time());
        // The years chrono writes in four digits are written here on the stack, the same
        // text (chrono's formatter and a String per instant were a tenth of `list --json`).
        let year = u32::try_from(date.year()).unwrap_or(u32::MAX);
        if year > 9999 || time.nanosecond() >= 1_000_000_000 {
            return s.collect_str(&self.0.to_rfc3339_opts(SecondsFormat::Secs, true));
        }
        let mut text = *b"0000-00-00T00:00:00Z";
        let parts = [
            (0, year / 100),
            (2, year % 100),
            (5, date.month()),
            (8, date.day()),
            (11, time.hour()),
            (14, time.minute()),
            (17, time.second()),
        ];
        for (at, n) in parts {
            // Every part is below 100: two digits, each below 10.
            text[at] = b'0' + (n / 10) as u8;
            text[at + 1] = b'0' + (n % 10) as u8;
        }
        s.serialize_str(std::str::from_utf8(&text).map_err(serde::ser::Error::custom)?)
    }
}

fn instant(t: Option<DateTime<Utc>>) -> Option<Instant> {
    t.map(Instant)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn chrono_text(t: DateTime<Utc>) -> String {
        serde_json::to_string(&t.to_rfc3339_opts(SecondsFormat::Secs, true)).unwrap()
    }

    #[test]
    fn an_instant_is_chronos_text_at_the_edges() {
        let edges = [
            Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(-1, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 24, 2, 0, 0).unwrap() + chrono::Duration::milliseconds(999),
            // A leap second: chrono writes :60.
            chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
                .and_then(|d| d.and_hms_milli_opt(23, 59, 59, 1_500))
                .unwrap()
                .and_utc(),
        ];
        for t in edges {
            assert_eq!(serde_json::to_string(&Instant(t)).unwrap(), chrono_text(t), "{t:?}");
        }
    }

    proptest! {
        #[test]
        fn an_instant_is_chronos_text(secs in -70_000_000_000i64..260_000_000_000, nanos in 0u32..1_000_000_000) {
            let t = DateTime::from_timestamp(secs, nanos).unwrap();
            prop_assert_eq!(serde_json::to_string(&Instant(t)).unwrap(), chrono_text(t));
        }
    }
}

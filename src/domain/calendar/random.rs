//! Random calendars for the proptests that check the calendar's shortcuts (counted weeks,
//! wall-clock counting) against the plain walk over every open interval.

use super::{Calendar, OpenRange};
use chrono::{Duration, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

/// Zones with and without DST, a half-hour DST (Lord Howe) and a southern one (Santiago).
pub const ZONES: [chrono_tz::Tz; 6] = [
    chrono_tz::Asia::Shanghai,
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::America::Santiago,
    chrono_tz::UTC,
];

/// A day's open ranges: closed, plain, a lunch break, all day to 24:00, over a DST change's
/// hours, to midnight, and slivers at both ends of the day.
pub const RANGES: [&[&str]; 7] = [
    &[],
    &["09:00-18:00"],
    &["09:00-12:00", "13:30-18:00"],
    &["00:00-24:00"],
    &["01:30-03:30"],
    &["22:00-24:00"],
    &["00:00-00:30", "23:59-24:00"],
];

/// 2026-01-01T00:00:00Z: day 0 of [`calendar`]'s holidays and overrides.
pub const BASE: i64 = 1_767_225_600;

/// A calendar in `ZONES[zone]` with each weekday's ranges from `week`, holidays and overrides
/// as day numbers from [`BASE`].
pub fn calendar(zone: usize, week: &[usize], holidays: &[i64], overrides: &[(i64, usize)]) -> Calendar {
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let day = |n: i64| base + Duration::days(n);
    let ranges = |i: usize| OpenRange::parse_list(RANGES[i % RANGES.len()]).unwrap_or_default();
    Calendar::new(
        ZONES[zone % ZONES.len()],
        std::array::from_fn(|i| ranges(week[i % week.len()])),
        holidays.iter().map(|n| day(*n)).collect::<BTreeSet<_>>(),
        overrides
            .iter()
            .map(|(n, r)| (day(*n), ranges(*r)))
            .collect::<BTreeMap<_, _>>(),
    )
    .expect("ranges from the list are valid")
}

/// The plain walk's deadline `dur` business seconds after `a`, on a copy that remembers nothing.
pub fn walked_deadline(cal: &Calendar, a: i64, dur: i64) -> Option<i64> {
    let fresh = cal.clone();
    let mut left = dur;
    for iv in fresh.intervals_from(a) {
        let (lo, hi) = iv.ok()?;
        if hi - lo >= left {
            return Some(lo + left);
        }
        left -= hi - lo;
    }
    None
}

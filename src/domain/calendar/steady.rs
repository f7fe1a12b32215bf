//! Business time where one UTC offset holds throughout (most spans of most zones). There an
//! instant is open iff its wall-clock time, the instant shifted by the offset, falls in a range
//! of its local date, so business time is open wall-clock time: counted from the dates' ranges
//! (whole weeks, then the holidays and overrides among them) and found date by date, with no
//! interval walk, then checked by sampling the offset over the span as `offset_pieces` does.
//! Anything else (an offset change inside, a span too long) is left to the week counting and the
//! walk.

use super::{Calendar, DAY, OpenRange};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// Spans longer than this are left to the week counting and the walk: the steady check samples
/// the offset every four days across the whole span.
const MAX_SPAN: i64 = 62 * DAY;
/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const UNIX_EPOCH_CE: i64 = 719_163;

/// A calendar's days as wall-clock counting reads them: each weekday's open seconds, and the
/// holidays and overrides by day number (days since 1970-01-01), sorted, so no date is built.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct WallDays {
    week_secs: [i64; 7],
    weekly: i64,
    /// (day, its ranges: none on a holiday, open seconds less its weekday's).
    special: Vec<(i64, Vec<OpenRange>, i64)>,
}

impl WallDays {
    pub(super) fn new(
        week: &[Vec<OpenRange>; 7],
        holidays: &BTreeSet<NaiveDate>,
        overrides: &BTreeMap<NaiveDate, Vec<OpenRange>>,
    ) -> WallDays {
        let week_secs: [i64; 7] = std::array::from_fn(|i| day_secs(&week[i]));
        let entry = |d: NaiveDate, ranges: Vec<OpenRange>| {
            let n = days(d);
            let delta = day_secs(&ranges) - week_secs[weekday(n)];
            (n, ranges, delta)
        };
        // An override wins over a holiday on the same date.
        let mut special: Vec<_> = holidays
            .iter()
            .filter(|d| !overrides.contains_key(d))
            .map(|d| entry(*d, Vec::new()))
            .chain(overrides.iter().map(|(d, r)| entry(*d, r.clone())))
            .collect();
        special.sort_unstable_by_key(|s| s.0);
        WallDays {
            week_secs,
            weekly: week_secs.iter().sum(),
            special,
        }
    }

    /// The index of the first special day at or after day `n`.
    fn first_from(&self, n: i64) -> usize {
        self.special.partition_point(|s| s.0 < n)
    }
}

impl Calendar {
    /// Business seconds in `[a, b)` when one offset holds over `[a, b]` and the span is not
    /// long; `None` otherwise.
    pub(super) fn steady_business_secs(&self, a: i64, b: i64) -> Option<i64> {
        if b <= a || b - a > MAX_SPAN {
            return None;
        }
        let off = self.steady_over(a, b, None)?;
        Some(self.open_wall_secs(a.checked_add(off)?, b.checked_add(off)?))
    }

    /// The earliest instant at which business time from `a` reaches `left` (> 0), when one
    /// offset holds from `a` to it and it is near; `None` otherwise.
    pub(super) fn steady_add(&self, a: i64, left: i64) -> Option<i64> {
        if left <= 0 || left > MAX_SPAN {
            return None;
        }
        let off = self.offset_at(a);
        let wall = a.checked_add(off)?;
        let end = self.wall_add(wall, left, wall.checked_add(MAX_SPAN)?)? - off;
        (self.steady_over(a, end, Some(off))? == off).then_some(end)
    }

    /// The one offset in force over `[a, b]`, sampled [`super::OFFSET_SAMPLE`] apart (no zone
    /// changes twice within a sample) and remembered as the steady stretch; `None` when it
    /// changes. `at_a`: the offset at `a`, when already known.
    fn steady_over(&self, a: i64, b: i64, at_a: Option<i64>) -> Option<i64> {
        if let Some(off) = self.steady_offset(a, b) {
            return Some(off);
        }
        let off = at_a.unwrap_or_else(|| self.offset_at(a));
        if !self.steady_until(a, off, b) {
            return None;
        }
        self.remember_steady(a, b, off);
        Some(off)
    }

    /// Open wall-clock seconds in `[la, lb)` (local times read as UTC seconds).
    fn open_wall_secs(&self, la: i64, lb: i64) -> i64 {
        let (n0, n1) = (la.div_euclid(DAY), lb.div_euclid(DAY));
        if n0 == n1 {
            return clipped(self.wall_ranges(n0), la - n0 * DAY, lb - n1 * DAY);
        }
        let first = clipped(self.wall_ranges(n0), la - n0 * DAY, DAY);
        let last = clipped(self.wall_ranges(n1), 0, lb - n1 * DAY);
        first + self.whole_days_secs(n0 + 1, n1) + last
    }

    /// The ranges of day `n` (days since 1970-01-01).
    fn wall_ranges(&self, n: i64) -> &[OpenRange] {
        let w = &self.wall;
        match w.special.binary_search_by_key(&n, |s| s.0) {
            Ok(i) => &w.special[i].1,
            Err(_) => &self.week[weekday(n)],
        }
    }

    /// Open wall-clock seconds of the whole days `n0..n1`: whole weeks, the days left by
    /// weekday, then each holiday and override among them for its weekday.
    fn whole_days_secs(&self, n0: i64, n1: i64) -> i64 {
        let w = &self.wall;
        if n1 <= n0 {
            return 0;
        }
        let weeks = (n1 - n0) / 7;
        let rest: i64 = (n0 + weeks * 7..n1).map(|n| w.week_secs[weekday(n)]).sum();
        let special: i64 = w.special[w.first_from(n0)..]
            .iter()
            .take_while(|s| s.0 < n1)
            .map(|s| s.2)
            .sum();
        weeks * w.weekly + rest + special
    }

    /// The wall-clock time at which `left` (> 0) open seconds from `la` have passed; `None`
    /// past `limit`.
    fn wall_add(&self, la: i64, mut left: i64, limit: i64) -> Option<i64> {
        let w = &self.wall;
        let mut n = la.div_euclid(DAY);
        let mut from = la - n * DAY;
        // The next special day at or after `n`.
        let mut next = w.first_from(n);
        while n.checked_mul(DAY)? <= limit {
            if from == 0 && left > w.weekly {
                // A whole week that cannot hold the deadline is counted, not walked.
                let week = self.whole_days_secs(n, n + 7);
                if week < left {
                    left -= week;
                    n += 7;
                    next = w.first_from(n);
                    continue;
                }
            }
            let ranges = match w.special.get(next) {
                Some((day, ranges, _)) if *day == n => {
                    next += 1;
                    ranges
                }
                _ => &self.week[weekday(n)],
            };
            for r in ranges {
                let (lo, hi) = ((i64::from(r.start) * 60).max(from), i64::from(r.end) * 60);
                if lo < hi {
                    if hi - lo >= left {
                        return Some(n * DAY + lo + left);
                    }
                    left -= hi - lo;
                }
            }
            n += 1;
            from = 0;
        }
        None
    }
}

/// Days since 1970-01-01 of `d`.
fn days(d: NaiveDate) -> i64 {
    i64::from(chrono::Datelike::num_days_from_ce(&d)) - UNIX_EPOCH_CE
}

/// Monday = 0 (1970-01-01 was a Thursday).
fn weekday(n: i64) -> usize {
    (n + 3).rem_euclid(7) as usize
}

fn day_secs(ranges: &[OpenRange]) -> i64 {
    ranges.iter().map(OpenRange::secs).sum()
}

/// Open seconds of a date's ranges within `[lo, hi)` seconds after its midnight.
fn clipped(ranges: &[OpenRange], lo: i64, hi: i64) -> i64 {
    ranges
        .iter()
        .map(|r| (i64::from(r.end) * 60).min(hi) - (i64::from(r.start) * 60).max(lo))
        .filter(|s| *s > 0)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::super::random::{BASE, RANGES, ZONES, calendar, walked_deadline};
    use chrono::{DateTime, Duration, Utc};
    use proptest::prelude::*;

    fn instant(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(s, 0).unwrap_or_default()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
        ))]

        /// Wall-clock counting where one offset holds (whole weeks with their holidays and
        /// overrides, partial first and last dates) gives exactly the walk's business time,
        /// whatever an earlier reading left in the memo; near a DST change it declines.
        #[test]
        fn steady_count_equals_the_walk(
            zone in 0..ZONES.len(),
            week in prop::collection::vec(0..RANGES.len(), 7),
            holidays in prop::collection::vec(0i64..200, 0..12),
            overrides in prop::collection::vec((0i64..200, 0..RANGES.len()), 0..6),
            earlier in (0i64..200 * 86_400, 0i64..70 * 86_400),
            start in 0i64..120 * 86_400,
            len in 0i64..70 * 86_400,
        ) {
            let cal = calendar(zone, &week, &holidays, &overrides);
            let _ = cal.business_secs(BASE + earlier.0, BASE + earlier.0 + earlier.1);
            let (a, b) = (BASE + start, BASE + start + len);
            let walked = cal.clone().walked_secs(a, b);
            if let Some(counted) = cal.steady_business_secs(a, b) {
                prop_assert_eq!(counted, walked);
            }
            prop_assert_eq!(cal.business_secs(a, b), walked);
        }

        /// Deadlines found in wall-clock time are exactly the walk's, whatever an earlier
        /// reading left in the memo.
        #[test]
        fn steady_deadline_equals_the_walk(
            zone in 0..ZONES.len(),
            week in prop::collection::vec(0..RANGES.len(), 7),
            holidays in prop::collection::vec(0i64..200, 0..12),
            overrides in prop::collection::vec((0i64..200, 0..RANGES.len()), 0..6),
            earlier in (0i64..200 * 86_400, 1i64..500 * 3600),
            start in 0i64..120 * 86_400,
            dur in 1i64..600 * 3600,
        ) {
            let cal = calendar(zone, &week, &holidays, &overrides);
            let _ = cal.add_business(instant(BASE + earlier.0), Duration::seconds(earlier.1));
            let a = BASE + start;
            let walked = walked_deadline(&cal, a, dur);
            if let Some(found) = cal.steady_add(a, dur) {
                prop_assert_eq!(Some(found), walked);
            }
            let found = cal.add_business(instant(a), Duration::seconds(dur)).ok().map(|t| t.timestamp());
            prop_assert_eq!(found, walked);
        }
    }

    /// The bench's case takes the wall-clock path: a 112h target from the Mid-Autumn holiday
    /// across National Day and its make-up Saturday, and the business time to a reading inside
    /// the holiday, on the built-in shop calendar.
    #[test]
    fn national_day_is_counted_in_wall_clock_time() {
        let text = include_str!("../../../assets/policy.toml");
        let policy = crate::domain::policy::Policy::parse(text, "policy.toml").expect("the built-in policy parses");
        let cal = policy.calendar("shop").expect("the shop calendar");
        let start: i64 = 1_790_301_600; // 2026-09-25T02:00:00Z, Friday 10:00 in Shanghai
        let due = cal.steady_add(start, 112 * 3600);
        // 22.5h before the holiday, 15h + 7.5h (make-up Saturday) after it, a 40.5h week, then
        // Saturday 3h, three days and 4h of Thursday: 2026-10-22 14:30 local.
        assert_eq!(due, Some(1_792_650_600));
        assert_eq!(due, walked_deadline(cal, start, 112 * 3600));
        let now = start + 9 * 86_400;
        assert_eq!(cal.steady_business_secs(start, now), Some(22 * 3600 + 1800));
        assert_eq!(
            cal.steady_business_secs(start, now),
            Some(cal.clone().walked_secs(start, now))
        );
    }
}

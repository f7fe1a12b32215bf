//! Business time over long spans (a clock read days or years late, a 112h target). A week
//! with one UTC offset throughout holds exactly its dates' open ranges (the weekly open time
//! when it has no holiday or override), so runs of such weeks are counted, not walked;
//! everything else is walked interval by interval as before.

use super::{Calendar, DAY, MAX_OFFSET, OpenRange, local_secs};
use chrono::{Days, NaiveDate};

/// Spans up to this long are simply walked (a week's count costs about what walking two
/// dates does).
const SHORT: i64 = 8 * DAY;
const WEEK: i64 = 7 * DAY;

impl Calendar {
    /// Business seconds in `[a, b)`.
    pub(super) fn business_secs(&self, a: i64, b: i64) -> i64 {
        if b > a && self.open_throughout(a, b) {
            return b - a;
        }
        if let Some(total) = self.steady_business_secs(a, b) {
            return total;
        }
        let mut total = 0;
        let mut x = a;
        while b - x > SHORT {
            // Start counting weeks at a local midnight a day or two ahead (walked up to it).
            let off = self.offset_at(x + DAY);
            let Some(date) = chrono::DateTime::from_timestamp(x + DAY + off, 0).map(|t| t.date_naive()) else {
                break;
            };
            let y = local_secs(date) - off;
            total += self.walked_secs(x, y);
            let (weeks, counted) = self.steady_weeks(date, y, off, (b - y) / WEEK, i64::MAX);
            total += counted;
            x = y + weeks * WEEK;
            if weeks == 0 {
                // An offset change this week: walk it.
                let next = (y + WEEK).min(b);
                total += self.walked_secs(y, next);
                x = next;
            }
        }
        total + self.walked_secs(x, b)
    }

    /// Where a walk for `left` business seconds from `x` may start instead, and what is left
    /// then: past whole steady weeks (each holds its dates' open time) that cannot hold the
    /// deadline, so it stays strictly after the new start. A week with an offset change ends
    /// the counting: the walk takes it from there.
    pub(super) fn skip_weeks(&self, x: i64, left: i64) -> (i64, i64) {
        let weekly = self.weekly_secs();
        if weekly == 0 || left <= 2 * weekly {
            return (x, left);
        }
        // Count from a local midnight a day or two ahead, as `business_secs` does.
        let off = self.offset_at(x + DAY);
        let Some(date) = chrono::DateTime::from_timestamp(x + DAY + off, 0).map(|t| t.date_naive()) else {
            return (x, left);
        };
        let y = local_secs(date) - off;
        let rest = left - self.walked_secs(x, y);
        if rest <= weekly {
            return (x, left);
        }
        match self.steady_weeks(date, y, off, i64::MAX, rest) {
            (0, _) => (x, left),
            (weeks, counted) => (y + weeks * WEEK, rest - counted),
        }
    }

    /// How many whole weeks from local date `date` (whose midnight is the instant `start`, at
    /// offset `off`), at most `max` and together holding less open time than `below`, keep the
    /// offset `off`, and their open time. Each such week's open intervals are exactly its dates'
    /// wall-clock ranges shifted by `off`, all inside the week: the weekly open time, or with a
    /// holiday or an override its dates' ranges summed.
    fn steady_weeks(&self, date: NaiveDate, start: i64, off: i64, max: i64, below: i64) -> (i64, i64) {
        let (mut weeks, mut total) = (0, 0);
        let mut d0 = date;
        while weeks < max {
            let Some(d7) = d0.checked_add_days(Days::new(7)) else {
                break;
            };
            if !self.steady_week(start + weeks * WEEK, off) {
                break;
            }
            let special = self.holidays.range(d0..d7).next().is_some() || self.overrides.range(d0..d7).next().is_some();
            let week = if special {
                d0.iter_days()
                    .take(7)
                    .map(|d| self.ranges_on(d).iter().map(OpenRange::secs).sum::<i64>())
                    .sum()
            } else {
                self.weekly_secs()
            };
            if total + week >= below {
                break;
            }
            total += week;
            weeks += 1;
            d0 = d7;
        }
        (weeks, total)
    }

    /// Does the offset stay `off` from a day before `first` to a week after it? The memo's
    /// steady stretch answers when it reaches this far (stretched by its own sampling, so the
    /// next reading finds it there); else daily samples do: real zones never change and
    /// change back within a day.
    fn steady_week(&self, first: i64, off: i64) -> bool {
        match self.steady_offset(first - DAY, first + WEEK) {
            Some(known) => known == off,
            None => (-1..=7).all(|j| self.offset_at(first + j * DAY) == off),
        }
    }

    /// Is every instant of `[a, b]` open? So when every local date those instants can have
    /// (each within [`MAX_OFFSET`] of its instant read as UTC) is open all day: business time
    /// is then real time, whatever the offset does, and no offset need be looked up (a 7x24
    /// calendar).
    pub(super) fn open_throughout(&self, a: i64, b: i64) -> bool {
        let all_day = |r: &[OpenRange]| matches!(r, [OpenRange { start: 0, end: 1440 }]);
        if !self.week.iter().all(|d| all_day(d)) {
            return false;
        }
        let date = |t: i64| chrono::DateTime::from_timestamp(t, 0).map(|t| t.date_naive());
        let (Some(d0), Some(d1)) = (date(a.saturating_sub(MAX_OFFSET)), date(b.saturating_add(MAX_OFFSET))) else {
            return false;
        };
        d0 <= d1
            && self.holidays.range(d0..=d1).next().is_none()
            && self.overrides.range(d0..=d1).all(|(_, r)| all_day(r))
    }

    /// Open time of one ordinary week.
    fn weekly_secs(&self) -> i64 {
        self.week.iter().flatten().map(|r| r.secs()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::super::random::{BASE, RANGES, ZONES, calendar, walked_deadline};
    use chrono::{DateTime, Utc};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
        ))]

        /// Counting steady weeks gives exactly what walking every interval gives, across DST
        /// changes, holidays and overrides, on spans of weeks to years.
        #[test]
        fn counted_weeks_equal_the_walk(
            zone in 0..ZONES.len(),
            week in prop::collection::vec(0..RANGES.len(), 7),
            holidays in prop::collection::vec(0i64..900, 0..6),
            overrides in prop::collection::vec((0i64..900, 0..RANGES.len()), 0..4),
            start in 0i64..400 * 86_400,
            len in 0i64..1_000 * 86_400,
        ) {
            let cal = calendar(zone, &week, &holidays, &overrides);
            let a = BASE + start;
            let b = a + len;
            prop_assert_eq!(cal.business_secs(a, b), cal.walked_secs(a, b));
        }

        /// Deadlines found past counted weeks are exactly those of the plain walk.
        #[test]
        fn skipped_weeks_give_the_walked_deadline(
            zone in 0..ZONES.len(),
            week in prop::collection::vec(0..RANGES.len(), 7),
            holidays in prop::collection::vec(0i64..900, 0..6),
            overrides in prop::collection::vec((0i64..900, 0..RANGES.len()), 0..4),
            start in 0i64..400 * 86_400,
            hours in 0i64..2_000,
        ) {
            let cal = calendar(zone, &week, &holidays, &overrides);
            let a = BASE + start;
            let dur = hours * 3600 + start % 3600;
            let walked = walked_deadline(&cal, a, dur);
            let found = cal
                .add_business(DateTime::<Utc>::from_timestamp(a, 0).unwrap_or_default(), chrono::Duration::seconds(dur))
                .ok()
                .map(|t| t.timestamp());
            prop_assert_eq!(found, if dur == 0 { Some(a) } else { walked });
        }
    }
}

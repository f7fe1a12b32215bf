//! A business calendar: when the desk is open, in the shop's own wall-clock time.
//!
//! A calendar is an IANA timezone, open ranges per weekday in local wall-clock time
//! (`09:00-12:00`, sorted, non-overlapping, `24:00` may end a range), holidays (closed all day)
//! and per-date overrides (exact ranges for that date; they win over the weekday and over
//! holidays, `[]` = closed). The semantics, exactly:
//!
//! - An instant `t` is **open** iff the local wall-clock time of `t` (in the calendar's timezone)
//!   falls in `[start, end)` of an open range of `t`'s local date (`24:00` = up to local
//!   midnight).
//! - **Business time** between `a` and `b` is the real elapsed time of the open instants in
//!   `[a, b)`.
//!
//! DST follows from the definition, with no special cases: a range crossing a spring-forward gap
//! is shorter in real time (its nonexistent wall-clock times are simply never shown by the
//! clock), and a range covering a fall-back repeated hour is open during both passes of that
//! hour, so it counts twice. Minute-stepping brute force computes exactly the same numbers;
//! the code here instead turns each local range into UTC intervals and walks those.
//!
//! Instants are handled at whole-second precision (sub-second parts are dropped).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A search for open time gives up after this many consecutive days without any (a calendar
/// that never opens must not hang the board).
const MAX_CLOSED_DAYS: i64 = 3 * 366;
/// No timezone offset (LMT included) exceeds this, so an instant whose local date is D lies
/// within this distance of D's local midnight read as UTC.
const MAX_OFFSET: i64 = 16 * 3600;
/// Offsets are sampled this far apart to find transitions: no zone changes its offset twice
/// within four days (in the compiled database the closest two changes of one zone are a week
/// apart, Brazil in 2000 and Gaza's rules from 2040; a test checks 1970-2050). Each sample is
/// a timezone lookup, most of what a cold reading of a month costs.
const OFFSET_SAMPLE: i64 = 4 * DAY;
const DAY: i64 = 86_400;

/// One open range of a day in local wall-clock minutes since midnight, `[start, end)`;
/// `end` may be 1440 (24:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpenRange {
    pub start: u32,
    pub end: u32,
}

impl OpenRange {
    /// Parses "09:00-12:00". The error says what is wrong with the text, not where it is.
    pub fn parse(text: &str) -> Result<OpenRange, String> {
        let (a, b) = text
            .split_once('-')
            .ok_or_else(|| "expected HH:MM-HH:MM, e.g. 09:00-12:00".to_string())?;
        let start = parse_clock(a.trim())?;
        let end = parse_clock(b.trim())?;
        if start == 1440 {
            return Err("24:00 may only end a range".into());
        }
        if end <= start {
            return Err("the end must be after the start".into());
        }
        Ok(OpenRange { start, end })
    }

    /// Parses a day's list and checks it is sorted and non-overlapping.
    pub fn parse_list(texts: &[&str]) -> Result<Vec<OpenRange>, String> {
        let ranges = texts
            .iter()
            .map(|t| OpenRange::parse(t).map_err(|e| format!("range \"{t}\": {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        check_ranges(&ranges)?;
        Ok(ranges)
    }

    /// Length in wall-clock seconds (real time may differ on a DST day).
    pub fn secs(&self) -> i64 {
        i64::from(self.end - self.start) * 60
    }
}

impl fmt::Display for OpenRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        write!(f, "{}-{}", hm(self.start), hm(self.end))
    }
}

fn parse_clock(s: &str) -> Result<u32, String> {
    let (h, m) = s.split_once(':').ok_or_else(|| format!("\"{s}\" is not HH:MM"))?;
    let digits = |x: &str| x.len() == 2 && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return Err(format!("\"{s}\" is not HH:MM"));
    }
    let (h, m): (u32, u32) = (h.parse().unwrap_or(99), m.parse().unwrap_or(99));
    if h > 24 {
        return Err("hour must be 00-24".into());
    }
    if m > 59 {
        return Err("minute must be 00-59".into());
    }
    if h == 24 && m != 0 {
        return Err("24:00 is the latest time".into());
    }
    Ok(h * 60 + m)
}

/// Checks a day's ranges are sorted and do not overlap (touching ranges are fine).
pub fn check_ranges(ranges: &[OpenRange]) -> Result<(), String> {
    for pair in ranges.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if b.start < a.start {
            return Err(format!("ranges not sorted: {b} comes after {a}"));
        }
        if b.start < a.end {
            return Err(format!("ranges overlap: {a} and {b}"));
        }
    }
    Ok(())
}

/// What decides a date's ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayRule {
    Weekday,
    Holiday,
    Override,
}

/// An open interval in UTC, with the local date whose range it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenSpan {
    pub date: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// A change of the calendar timezone's UTC offset (DST), for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetChange {
    pub at: DateTime<Utc>,
    /// Seconds east of UTC before and after.
    pub before: i32,
    pub after: i32,
}

/// The calendar could never open (no open time within three years of the search start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeverOpen;

impl fmt::Display for NeverOpen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the calendar has no open time within three years")
    }
}

impl std::error::Error for NeverOpen {}

#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    tz: Tz,
    /// Monday first.
    week: [Vec<OpenRange>; 7],
    holidays: BTreeSet<NaiveDate>,
    overrides: BTreeMap<NaiveDate, Vec<OpenRange>>,
    /// The same days by day number, for counting in wall-clock time.
    wall: steady::WallDays,
    memo: memo::DayMemo,
}

impl Calendar {
    /// A calendar from checked parts; each day's ranges must be sorted and non-overlapping.
    pub fn new(
        tz: Tz,
        week: [Vec<OpenRange>; 7],
        holidays: BTreeSet<NaiveDate>,
        overrides: BTreeMap<NaiveDate, Vec<OpenRange>>,
    ) -> Result<Calendar, String> {
        for (i, day) in week.iter().enumerate() {
            check_ranges(day).map_err(|e| format!("{}: {e}", weekday_name(i)))?;
        }
        for (date, day) in &overrides {
            check_ranges(day).map_err(|e| format!("override {date}: {e}"))?;
        }
        Ok(Calendar {
            wall: steady::WallDays::new(&week, &holidays, &overrides),
            tz,
            week,
            holidays,
            overrides,
            memo: memo::DayMemo::default(),
        })
    }

    /// Open round the clock (7x24).
    pub fn always_open(tz: Tz) -> Calendar {
        let all = vec![OpenRange { start: 0, end: 1440 }];
        let week = std::array::from_fn(|_| all.clone());
        Calendar {
            wall: steady::WallDays::new(&week, &BTreeSet::new(), &BTreeMap::new()),
            tz,
            week,
            holidays: BTreeSet::new(),
            overrides: BTreeMap::new(),
            memo: memo::DayMemo::default(),
        }
    }

    /// Open every minute of every day, no holiday or override closing any (7x24): its business
    /// time is wall-clock time.
    pub fn is_round_the_clock(&self) -> bool {
        let all = |ranges: &[OpenRange]| ranges.iter().any(|r| r.start == 0 && r.end == 1440);
        self.week.iter().all(|d| all(d)) && self.holidays.is_empty() && self.overrides.values().all(|d| all(d))
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    pub fn weekday_ranges(&self, day: Weekday) -> &[OpenRange] {
        &self.week[day.num_days_from_monday() as usize]
    }

    pub fn holidays(&self) -> &BTreeSet<NaiveDate> {
        &self.holidays
    }

    pub fn overrides(&self) -> &BTreeMap<NaiveDate, Vec<OpenRange>> {
        &self.overrides
    }

    /// The open ranges of a local date: its override, else nothing on a holiday, else its
    /// weekday's.
    pub fn ranges_on(&self, date: NaiveDate) -> &[OpenRange] {
        if let Some(r) = self.overrides.get(&date) {
            r
        } else if self.holidays.contains(&date) {
            &[]
        } else {
            &self.week[date.weekday().num_days_from_monday() as usize]
        }
    }

    pub fn day_rule(&self, date: NaiveDate) -> DayRule {
        if self.overrides.contains_key(&date) {
            DayRule::Override
        } else if self.holidays.contains(&date) {
            DayRule::Holiday
        } else {
            DayRule::Weekday
        }
    }

    /// A working day has at least one open range after overrides and holidays.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !self.ranges_on(date).is_empty()
    }

    /// `t` in the calendar's local time.
    pub fn local(&self, t: DateTime<Utc>) -> DateTime<Tz> {
        t.with_timezone(&self.tz)
    }

    /// The first instant of a local date (its midnight, or when the clock jumps past it).
    pub fn start_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        instant(self.first_instant_at_or_after(local_secs(date)))
    }

    /// The definition itself: is the wall clock at `t` inside a range of its local date?
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        let local = self.local(t).naive_local();
        let minute = local.time().num_seconds_from_midnight() / 60;
        self.ranges_on(local.date())
            .iter()
            .any(|r| r.start <= minute && minute < r.end)
    }

    /// The earliest instant at which business time since `start` reaches `dur` (`start` itself
    /// for a zero duration). Where one offset holds, counted in wall-clock time (`steady`);
    /// else counts whole steady weeks of a long target, then walks open intervals.
    pub fn add_business(&self, start: DateTime<Utc>, dur: Duration) -> Result<DateTime<Utc>, NeverOpen> {
        if dur.num_seconds() <= 0 {
            return Ok(start);
        }
        if let Some(end) = secs(start).checked_add(dur.num_seconds())
            && self.open_throughout(secs(start), end)
        {
            return Ok(instant(end));
        }
        if let Some(end) = self.steady_add(secs(start), dur.num_seconds()) {
            return Ok(instant(end));
        }
        let (from, mut left) = self.skip_weeks(secs(start), dur.num_seconds());
        for iv in self.intervals_from(from) {
            let (lo, hi) = iv?;
            if hi - lo >= left {
                return Ok(instant(lo + left));
            }
            left -= hi - lo;
        }
        Err(NeverOpen)
    }

    /// Business time in `[a, b)`; zero when `b <= a`.
    pub fn business_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
        let (a, b) = (secs(a), secs(b));
        // The clocks of one ticket mostly start together and are read at the same instant.
        if let Some((x, y, total)) = self.memo.between.get()
            && (x, y) == (a, b)
        {
            return Duration::seconds(total);
        }
        let total = self.business_secs(a, b);
        self.memo.between.set(Some((a, b, total)));
        Duration::seconds(total)
    }

    /// Business seconds in `[a, b)`, interval by interval.
    fn walked_secs(&self, a: i64, b: i64) -> i64 {
        let mut total = 0;
        if b > a {
            for iv in self.intervals_from(a) {
                let Ok((lo, hi)) = iv else { break };
                if lo >= b {
                    break;
                }
                total += hi.min(b) - lo;
            }
        }
        total
    }

    /// PRC Civil Code art. 201-203: the local date of `start` is not counted; the deadline is
    /// the close (end of the last open interval) of the `n`-th working day after it. `n = 0`
    /// gives `start`.
    pub fn add_working_days(&self, start: DateTime<Utc>, n: u32) -> Result<DateTime<Utc>, NeverOpen> {
        if n == 0 {
            return Ok(start);
        }
        let mut date = self.local(start).date_naive();
        let mut counted = 0;
        let mut closed_run = 0;
        loop {
            date = date.succ_opt().ok_or(NeverOpen)?;
            if self.is_working_day(date) {
                closed_run = 0;
                counted += 1;
                if counted == n {
                    return Ok(instant(self.close_of(date)));
                }
            } else {
                closed_run += 1;
                if closed_run > MAX_CLOSED_DAYS || self.never_opens_after(date) {
                    return Err(NeverOpen);
                }
            }
        }
    }

    /// The deadline `target` sets from `start`.
    pub fn deadline(
        &self,
        start: DateTime<Utc>,
        target: &crate::domain::target::Target,
    ) -> Result<DateTime<Utc>, NeverOpen> {
        use crate::domain::target::Target;
        match *target {
            Target::Business(s) => self.add_business(start, Duration::seconds(s)),
            Target::WorkingDays(n) => self.add_working_days(start, n),
        }
    }

    /// The open intervals touching `[a, b)`, clipped to it, in time order (for explanations);
    /// at most `limit` of them, so a span of centuries is not walked to the end.
    pub fn open_spans(&self, a: DateTime<Utc>, b: DateTime<Utc>, limit: usize) -> Vec<OpenSpan> {
        let (a, b) = (secs(a), secs(b));
        let mut out = Vec::new();
        if b <= a {
            return out;
        }
        let mut it = self.intervals_from(a);
        while let Some(Ok((lo, hi))) = it.next() {
            if lo >= b || out.len() >= limit {
                break;
            }
            let date = self.local(instant(lo)).date_naive();
            out.push(OpenSpan {
                date,
                start: instant(lo),
                end: instant(hi.min(b)),
            });
        }
        out
    }

    /// The offset changes (DST transitions) within `[a, b)`.
    pub fn offset_changes(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Vec<OffsetChange> {
        let (a, b) = (secs(a), secs(b));
        if b <= a {
            return Vec::new();
        }
        let pieces = self.offset_pieces(a, b);
        pieces
            .windows(2)
            .map(|w| OffsetChange {
                at: instant(w[1].0),
                before: w[0].1 as i32,
                after: w[1].1 as i32,
            })
            .collect()
    }

    /// The first holiday or override after `date` (`NaiveDate::MAX` when none).
    fn next_special_after(&self, date: NaiveDate) -> NaiveDate {
        use std::ops::Bound::{Excluded, Unbounded};
        let holiday = self.holidays.range((Excluded(date), Unbounded)).next().copied();
        let other = self
            .overrides
            .range((Excluded(date), Unbounded))
            .next()
            .map(|(d, _)| *d);
        holiday.into_iter().chain(other).min().unwrap_or(NaiveDate::MAX)
    }

    /// Past `date`, is every date closed? True when no weekday has ranges and no later
    /// override opens: then searching on is pointless.
    fn never_opens_after(&self, date: NaiveDate) -> bool {
        self.week.iter().all(Vec::is_empty) && self.overrides.range(date..).all(|(_, ranges)| ranges.is_empty())
    }

    /// The end of the last open interval of `date`; if its ranges all fall into a DST gap, the
    /// instant the wall clock first reads the last range's end.
    fn close_of(&self, date: NaiveDate) -> i64 {
        let intervals = self.day_intervals(date);
        if let Some(end) = intervals.iter().map(|iv| iv.1).max() {
            return end;
        }
        let end = self.ranges_on(date).last().map_or(0, |r| r.end);
        self.first_instant_at_or_after(local_secs(date) + i64::from(end) * 60)
    }

    /// Open intervals from `from` on, in time order, clipped to start at `from`. Yields
    /// `Err(NeverOpen)` once when three years pass without an open interval.
    fn intervals_from(&self, from: i64) -> Intervals<'_> {
        // Start a day early: where the clock falls back over midnight, instants after `from`
        // may still belong to the previous local date.
        let date = instant(from.saturating_add(self.offset_at(from)))
            .date_naive()
            .pred_opt()
            .unwrap_or(NaiveDate::MIN);
        Intervals {
            cal: self,
            from,
            next_date: Some(date),
            pending: self.memo.pending.take(),
            ordinary_until: NaiveDate::MIN,
            closed_run: 0,
            done: false,
        }
    }
}

/// Walks a calendar's open intervals date by date. Intervals of neighbouring dates can
/// interleave in UTC (a fall-back over midnight), so they wait in `pending` until no later
/// date can produce an earlier one.
struct Intervals<'a> {
    cal: &'a Calendar,
    from: i64,
    next_date: Option<NaiveDate>,
    /// Sorted by start, descending, so the next interval pops off the end.
    pending: Vec<(i64, i64)>,
    /// Dates before this are neither holidays nor overrides (see `Intervals::ranges`).
    ordinary_until: NaiveDate,
    closed_run: i64,
    done: bool,
}

impl Iterator for Intervals<'_> {
    type Item = Result<(i64, i64), NeverOpen>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            let Some(date) = self.next_date else {
                self.done = true;
                return Some(Err(NeverOpen));
            };
            // Every interval of `date` or later starts at or after this.
            let horizon = local_secs(date) - MAX_OFFSET;
            if let Some(&(lo, hi)) = self.pending.last()
                && lo < horizon
            {
                self.pending.pop();
                return Some(Ok((lo, hi)));
            }
            let (cal, from, waiting) = (self.cal, self.from, self.pending.len());
            let ranges = self.ranges(date);
            let pending = &mut self.pending;
            cal.with_ranges_intervals(date, ranges, |ivs| {
                pending.extend(ivs.iter().filter(|iv| iv.1 > from).map(|&(lo, hi)| (lo.max(from), hi)));
            });
            let found = self.pending.len() - waiting;
            if found == 0 && waiting == 0 {
                self.closed_run += 1;
                if self.closed_run > MAX_CLOSED_DAYS || self.cal.never_opens_after(date) {
                    self.next_date = None;
                    continue;
                }
            } else {
                self.closed_run = 0;
            }
            self.pending.sort_unstable_by(|a, b| b.cmp(a));
            self.next_date = date.succ_opt();
        }
    }
}

impl<'a> Intervals<'a> {
    /// [`Calendar::ranges_on`] for the walk's dates, which only go forward: up to the next
    /// holiday or override every date is an ordinary weekday, so no lookup is needed.
    fn ranges(&mut self, date: NaiveDate) -> &'a [OpenRange] {
        let cal = self.cal;
        if date < self.ordinary_until {
            return &cal.week[date.weekday().num_days_from_monday() as usize];
        }
        self.ordinary_until = cal.next_special_after(date);
        cal.ranges_on(date)
    }
}

impl Drop for Intervals<'_> {
    fn drop(&mut self) {
        let mut pending = std::mem::take(&mut self.pending);
        pending.clear();
        self.cal.memo.pending.set(pending);
    }
}

fn weekday_name(i: usize) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][i]
}

/// Local midnight of `date` read as if it were UTC, in seconds.
fn local_secs(date: NaiveDate) -> i64 {
    date.and_time(NaiveTime::MIN).and_utc().timestamp()
}

fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn instant(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The weekday key used in policy files ("mon".."sun").
pub fn weekday_key(day: Weekday) -> &'static str {
    weekday_name(day.num_days_from_monday() as usize)
}

mod memo;
#[cfg(test)]
mod random;
mod span;
mod steady;

#[cfg(test)]
mod tests;

//! A date's open ranges as UTC intervals, and the memo that keeps them: the UTC offset in
//! force (sampled, with the stretch known to keep one offset), each date's intervals, a walk's
//! waiting buffer.

use super::{Calendar, DAY, MAX_OFFSET, OFFSET_SAMPLE, OpenRange, instant, local_secs};
use chrono::{NaiveDate, Offset, TimeZone};
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

/// Remembers the longest stretch known to keep one UTC offset (`steady`: from, to, offset), so
/// a walk over consecutive dates samples the offset (a timezone lookup) only where it has not
/// looked yet; a date inside it is its ranges shifted by the offset. The open intervals in UTC
/// of dates near an offset change, which cost a dozen lookups, are kept in `days`. A cache,
/// not part of what the calendar is: a clone starts empty and equality and Debug ignore it.
#[derive(Default)]
pub(super) struct DayMemo {
    days: std::cell::RefCell<DayIntervals>,
    steady: std::cell::Cell<Option<(i64, i64, i64)>>,
    /// The last business time asked for: (from, to, seconds).
    pub(super) between: std::cell::Cell<Option<(i64, i64, i64)>>,
    /// A walk's waiting intervals, lent to one walk at a time so walks do not allocate.
    pub(super) pending: std::cell::Cell<Vec<(i64, i64)>>,
}

/// Open intervals in UTC of the dates near an offset change.
type DayIntervals = HashMap<NaiveDate, Vec<(i64, i64)>, BuildHasherDefault<DateHash>>;

/// Hashes a date (one `i32`) with one multiply: SipHash cost more than the rest of a memo hit.
#[derive(Default)]
struct DateHash(u64);

impl DateHash {
    const K: u64 = 0x517c_c1b7_2722_0a95;
}

impl Hasher for DateHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(Self::K);
        }
    }

    fn write_i32(&mut self, n: i32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(n as u32)).wrapping_mul(Self::K);
    }
}

/// Enough for years of dates; past it the memo starts over rather than grow without bound.
const MEMO_DATES: usize = 8192;
/// The steady stretch is sampled across a gap up to this long to reach a new span (a closed
/// holiday week); a farther span starts a stretch of its own.
const BRIDGE: i64 = 31 * DAY;
/// A steady day with at most this many ranges is shifted on the stack.
const STACK_RANGES: usize = 8;

impl Clone for DayMemo {
    fn clone(&self) -> Self {
        DayMemo::default()
    }
}

impl PartialEq for DayMemo {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for DayMemo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DayMemo")
    }
}

impl Calendar {
    /// The earliest instant whose wall clock reads `local` or later (a nonexistent time maps to
    /// the instant the clock jumps past it).
    pub(super) fn first_instant_at_or_after(&self, local: i64) -> i64 {
        let pieces = self.offset_pieces(local - MAX_OFFSET, local + MAX_OFFSET);
        let end = local + MAX_OFFSET;
        let mut best = end;
        for (i, (from, off)) in pieces.iter().enumerate() {
            let to = pieces.get(i + 1).map_or(end, |p| p.0);
            let t = (local - off).max(*from);
            if t < to {
                best = best.min(t);
            }
        }
        best
    }

    /// The UTC offset in force at each part of `[from, to)`: (piece start, offset seconds),
    /// first piece starting at `from`.
    pub(super) fn offset_pieces(&self, from: i64, to: i64) -> Vec<(i64, i64)> {
        if let Some(off) = self.steady_offset(from, to) {
            return vec![(from, off)];
        }
        let mut pieces = vec![(from, self.offset_at(from))];
        let mut lo = from;
        while lo < to {
            let hi = (lo + OFFSET_SAMPLE).min(to);
            let mut cur = pieces.last().map_or(0, |p| p.1);
            let mut probe = lo;
            while self.offset_at(hi) != cur {
                // Binary search for the first second after `probe` with another offset.
                let (mut a, mut b) = (probe, hi);
                while b - a > 1 {
                    let mid = a + (b - a) / 2;
                    if self.offset_at(mid) == cur {
                        a = mid;
                    } else {
                        b = mid;
                    }
                }
                cur = self.offset_at(b);
                pieces.push((b, cur));
                probe = b;
            }
            lo = hi;
        }
        if let [(_, off)] = pieces[..] {
            self.remember_steady(from, to.max(from), off);
        }
        pieces
    }

    /// Remembers `[from, to]` as keeping offset `off`, joined to the known stretch when they
    /// overlap with the same offset.
    pub(super) fn remember_steady(&self, from: i64, to: i64, off: i64) {
        let known = self
            .memo
            .steady
            .get()
            .filter(|&(a, b, o)| o == off && a <= to && from <= b);
        let (a, b) = known.map_or((from, to), |(a, b, _)| (a.min(from), b.max(to)));
        self.memo.steady.set(Some((a, b, off)));
    }

    /// The one offset in force over `[from, to]` when the memo's steady stretch overlaps it,
    /// or lies within [`BRIDGE`] of it, and, sampled on either side, can be stretched over it.
    /// Walks go back a day or two now and then, and skip closed holidays; stretching (not
    /// replacing) keeps the memo from swinging between two spans and sampling them again.
    pub(super) fn steady_offset(&self, from: i64, to: i64) -> Option<i64> {
        let (a, b, off) = self.memo.steady.get()?;
        if from <= b.saturating_add(BRIDGE)
            && a.saturating_sub(BRIDGE) <= to
            && self.steady_until(b, off, to)
            && self.steady_since(a, off, from)
        {
            self.memo.steady.set(Some((a.min(from), b.max(to), off)));
            return Some(off);
        }
        None
    }

    /// [`Calendar::steady_until`] backwards: does the offset, `off` at `known`, hold back to
    /// `from`?
    pub(super) fn steady_since(&self, known: i64, off: i64, from: i64) -> bool {
        let mut t = known;
        while t > from {
            t = (t - OFFSET_SAMPLE).max(from);
            if self.zone_offset(t) != off {
                return false;
            }
        }
        true
    }

    /// Does the offset, `off` at `known`, stay `off` up to `to`? Sampled as
    /// [`Calendar::offset_pieces`] samples: [`OFFSET_SAMPLE`] apart, each one new.
    pub(super) fn steady_until(&self, known: i64, off: i64, to: i64) -> bool {
        let mut t = known;
        while t < to {
            t = (t + OFFSET_SAMPLE).min(to);
            if self.zone_offset(t) != off {
                return false;
            }
        }
        true
    }

    pub(super) fn offset_at(&self, t: i64) -> i64 {
        match self.memo.steady.get() {
            Some((a, b, off)) if a <= t && t <= b => off,
            _ => self.zone_offset(t),
        }
    }

    /// The timezone's own answer, without the memo.
    pub(super) fn zone_offset(&self, t: i64) -> i64 {
        let utc = instant(t).naive_utc();
        i64::from(self.tz.offset_from_utc_datetime(&utc).fix().local_minus_utc())
    }

    /// The UTC intervals of `date`'s open instants, sorted, touching ones merged.
    pub(super) fn day_intervals(&self, date: NaiveDate) -> Vec<(i64, i64)> {
        self.with_day_intervals(date, <[(i64, i64)]>::to_vec)
    }

    /// Calls `f` with [`Calendar::day_intervals`] of `date`. A day inside the steady stretch
    /// is its ranges shifted by the offset, cheaper to shift again than to look up, so only
    /// days near an offset change are kept in the memo (no allocation on the usual walk).
    pub(super) fn with_day_intervals<R>(&self, date: NaiveDate, f: impl FnOnce(&[(i64, i64)]) -> R) -> R {
        self.with_ranges_intervals(date, self.ranges_on(date), f)
    }

    /// [`Calendar::with_day_intervals`] with the date's ranges already looked up.
    pub(super) fn with_ranges_intervals<R>(
        &self,
        date: NaiveDate,
        ranges: &[OpenRange],
        f: impl FnOnce(&[(i64, i64)]) -> R,
    ) -> R {
        if ranges.is_empty() {
            return f(&[]);
        }
        {
            let memo = self.memo.days.borrow();
            if let Some(known) = memo.get(&date) {
                return f(known);
            }
        }
        let midnight = local_secs(date);
        if ranges.len() <= STACK_RANGES
            && let Some(off) = self.steady_offset(midnight - MAX_OFFSET, midnight + DAY + MAX_OFFSET)
        {
            // One offset all day (most days): each range is its wall-clock times shifted, in
            // order, all inside the window.
            let mut out = [(0i64, 0i64); STACK_RANGES];
            let mut n = 0;
            for r in ranges {
                let (lo, hi) = (
                    midnight + i64::from(r.start) * 60 - off,
                    midnight + i64::from(r.end) * 60 - off,
                );
                match out[..n].last_mut() {
                    Some(last) if last.1 >= lo => last.1 = last.1.max(hi),
                    _ => {
                        out[n] = (lo, hi);
                        n += 1;
                    }
                }
            }
            return f(&out[..n]);
        }
        let intervals = self.compute_day_intervals(date, ranges);
        let result = f(&intervals);
        let mut memo = self.memo.days.borrow_mut();
        if memo.len() >= MEMO_DATES {
            memo.clear();
        }
        memo.insert(date, intervals);
        result
    }

    /// A date's intervals the long way: the offset pieces of its window, each range cut by
    /// them (a day with an offset change, or more ranges than fit on the stack).
    fn compute_day_intervals(&self, date: NaiveDate, ranges: &[OpenRange]) -> Vec<(i64, i64)> {
        let midnight = local_secs(date);
        let (w0, w1) = (midnight - MAX_OFFSET, midnight + DAY + MAX_OFFSET);
        let pieces = self.offset_pieces(w0, w1);
        let mut out: Vec<(i64, i64)> = Vec::with_capacity(ranges.len());
        for r in ranges {
            let (a, b) = (midnight + i64::from(r.start) * 60, midnight + i64::from(r.end) * 60);
            // Within a piece the wall clock is t + offset, so [a, b) maps to [a-off, b-off).
            for (i, (from, off)) in pieces.iter().enumerate() {
                let to = pieces.get(i + 1).map_or(w1, |p| p.0);
                let (lo, hi) = ((a - off).max(*from), (b - off).min(to));
                if lo < hi {
                    out.push((lo, hi));
                }
            }
        }
        out.sort_unstable();
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(out.len());
        for (lo, hi) in out {
            match merged.last_mut() {
                Some(last) if last.1 >= lo => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        merged
    }
}

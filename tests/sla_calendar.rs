//! Calendar arithmetic against a brute-force reference that applies the definition literally:
//! step through time minute by minute in UTC, convert each minute to the calendar's local
//! wall-clock time, and test membership in that local date's open ranges.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use promptly::domain::calendar::{Calendar, OpenRange};
use promptly::domain::target::Target;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// `PROPTEST_CASES` raises the number of cases for a longer run.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// A calendar as plain data, read by the reference independently of `Calendar`.
#[derive(Debug, Clone)]
struct Spec {
    tz: Tz,
    week: [Vec<(u32, u32)>; 7],
    holidays: BTreeSet<NaiveDate>,
    overrides: BTreeMap<NaiveDate, Vec<(u32, u32)>>,
}

impl Spec {
    fn ranges_on(&self, date: NaiveDate) -> &[(u32, u32)] {
        if let Some(r) = self.overrides.get(&date) {
            r
        } else if self.holidays.contains(&date) {
            &[]
        } else {
            &self.week[date.weekday().num_days_from_monday() as usize]
        }
    }

    fn calendar(&self) -> Calendar {
        let conv = |v: &Vec<(u32, u32)>| {
            v.iter()
                .map(|&(start, end)| OpenRange { start, end })
                .collect::<Vec<_>>()
        };
        Calendar::new(
            self.tz,
            std::array::from_fn(|i| conv(&self.week[i])),
            self.holidays.clone(),
            self.overrides.iter().map(|(d, r)| (*d, conv(r))).collect(),
        )
        .unwrap()
    }

    /// The definition: the wall clock at `t` is inside a range of its local date.
    fn open(&self, t: DateTime<Utc>) -> bool {
        let local = t.with_timezone(&self.tz).naive_local();
        let m = local.hour() * 60 + local.minute();
        self.ranges_on(local.date()).iter().any(|&(s, e)| s <= m && m < e)
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }
}

const MIN: Duration = Duration::minutes(1);
/// The reference gives up after this many minutes (the fast code must then be later too).
const CAP_MINUTES: i64 = 80 * 24 * 60;

fn brute_add(spec: &Spec, start: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
    if minutes == 0 {
        return Some(start);
    }
    let mut left = minutes;
    let mut t = start;
    for _ in 0..CAP_MINUTES {
        if spec.open(t) {
            left -= 1;
            if left == 0 {
                return Some(t + MIN);
            }
        }
        t += MIN;
    }
    None
}

fn brute_between(spec: &Spec, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
    let mut n = 0;
    let mut t = a;
    while t < b {
        if spec.open(t) {
            n += 1;
        }
        t += MIN;
    }
    Duration::minutes(n)
}

/// Close of a working day: one past the last open minute whose local date is `date`.
fn brute_close(spec: &Spec, date: NaiveDate) -> Option<DateTime<Utc>> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap().and_utc();
    let mut t = midnight - Duration::hours(16);
    let mut last = None;
    while t < midnight + Duration::hours(40) {
        if spec.local_date(t) == date && spec.open(t) {
            last = Some(t + MIN);
        }
        t += MIN;
    }
    last
}

fn brute_working_days(spec: &Spec, start: DateTime<Utc>, n: u32) -> Option<DateTime<Utc>> {
    if n == 0 {
        return Some(start);
    }
    let mut date = spec.local_date(start);
    let mut counted = 0;
    for _ in 0..400 {
        date = date.succ_opt().unwrap();
        if !spec.ranges_on(date).is_empty() {
            counted += 1;
            if counted == n {
                return brute_close(spec, date);
            }
        }
    }
    None
}

const ZONES: &[Tz] = &[
    chrono_tz::Asia::Shanghai,
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::UTC,
    chrono_tz::Australia::Lord_Howe,
    // Falls back from 24:00 to 23:00, so local dates interleave in UTC.
    chrono_tz::America::Santiago,
];

/// DST transitions of the zones above in 2026, where trouble lives.
const HOT_DATES: &[(i32, u32, u32)] = &[
    (2026, 3, 8),
    (2026, 3, 29),
    (2026, 4, 5),
    (2026, 9, 6),
    (2026, 10, 4),
    (2026, 10, 25),
    (2026, 11, 1),
];

/// A day's ranges: sorted distinct cut points on a 30-minute grid (some 15), paired up, so
/// lunch breaks, 24:00 ends, midnight starts and ranges across DST hours all occur.
fn day_ranges() -> impl Strategy<Value = Vec<(u32, u32)>> {
    prop_oneof![
        1 => Just(vec![]),
        1 => Just(vec![(0, 1440)]),
        1 => Just(vec![(540, 720), (810, 1080)]),
        4 => (prop::collection::btree_set(0u32..=96, 2..=6), any::<bool>()).prop_map(|(cuts, fine)| {
            let step = if fine { 15 } else { 30 };
            let cuts: Vec<u32> = cuts.into_iter().map(|c| (c * step).min(1440)).collect::<BTreeSet<_>>().into_iter().collect();
            cuts.chunks(2).filter(|c| c.len() == 2).map(|c| (c[0], c[1])).collect()
        }),
    ]
}

fn base_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        2 => (0..HOT_DATES.len(), -3i64..=1).prop_map(|(i, shift)| {
            let (y, m, d) = HOT_DATES[i];
            NaiveDate::from_ymd_opt(y, m, d).unwrap() + Duration::days(shift)
        }),
        1 => (0i64..365).prop_map(|d| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(d)),
    ]
}

fn spec() -> impl Strategy<Value = (Spec, NaiveDate)> {
    (
        0..ZONES.len(),
        prop::collection::vec(day_ranges(), 7),
        base_date(),
        prop::collection::btree_set(-2i64..20, 0..4),
        prop::collection::btree_map(-2i64..20, day_ranges(), 0..4),
    )
        .prop_map(|(z, week, base, holidays, overrides)| {
            let spec = Spec {
                tz: ZONES[z],
                week: std::array::from_fn(|i| week[i].clone()),
                holidays: holidays.iter().map(|d| base + Duration::days(*d)).collect(),
                overrides: overrides
                    .into_iter()
                    .map(|(d, r)| (base + Duration::days(d), r))
                    .collect(),
            };
            (spec, base)
        })
}

/// A start instant near `base`: any minute, or exactly a local range boundary.
fn start_near(spec: &Spec, base: NaiveDate, pick: (bool, i64, usize)) -> DateTime<Utc> {
    let (on_boundary, minute, which) = pick;
    let midnight = spec
        .tz
        .from_local_datetime(&base.and_hms_opt(0, 0, 0).unwrap())
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| base.and_hms_opt(1, 0, 0).unwrap().and_utc());
    let any_minute = midnight + Duration::minutes(minute);
    if !on_boundary {
        return any_minute;
    }
    let date = spec.local_date(any_minute);
    let bounds: Vec<u32> = spec.ranges_on(date).iter().flat_map(|&(s, e)| [s, e]).collect();
    let Some(&b) = bounds.get(which % bounds.len().max(1)) else {
        return any_minute;
    };
    let local = date.and_hms_opt(0, 0, 0).unwrap() + Duration::minutes(i64::from(b));
    match spec.tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(a, b) => {
            if which % 2 == 0 {
                a.with_timezone(&Utc)
            } else {
                b.with_timezone(&Utc)
            }
        }
        chrono::LocalResult::None => any_minute,
    }
}

fn start_pick() -> impl Strategy<Value = (bool, i64, usize)> {
    (any::<bool>(), 0i64..3 * 24 * 60, any::<usize>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(200)))]

    #[test]
    fn add_business_matches_the_definition(
        (spec, base) in spec(),
        pick in start_pick(),
        minutes in prop_oneof![Just(0i64), 1i64..=60, 1i64..=24 * 60, 1i64..=3 * 8 * 60],
    ) {
        let cal = spec.calendar();
        let start = start_near(&spec, base, pick);
        let fast = cal.add_business(start, Duration::minutes(minutes)).ok();
        match brute_add(&spec, start, minutes) {
            Some(expected) => prop_assert_eq!(fast, Some(expected), "start {}", start),
            None => prop_assert!(fast.is_none_or(|t| t >= start + Duration::minutes(CAP_MINUTES)), "start {} fast {:?}", start, fast),
        }
        if let Some(due) = fast.filter(|due| *due - start < Duration::days(30)) {
            // The two operations agree with each other too.
            prop_assert_eq!(cal.business_between(start, due), Duration::minutes(minutes));
        }
    }

    #[test]
    fn business_between_matches_the_definition(
        (spec, base) in spec(),
        pick in start_pick(),
        len in 0i64..5 * 24 * 60,
    ) {
        let cal = spec.calendar();
        let a = start_near(&spec, base, pick);
        let b = a + Duration::minutes(len);
        prop_assert_eq!(cal.business_between(a, b), brute_between(&spec, a, b));
        prop_assert_eq!(cal.business_between(b, a), Duration::zero());
        // `is_open` is the definition itself.
        for t in [a, b, a + Duration::minutes(len / 2)] {
            prop_assert_eq!(cal.is_open(t), spec.open(t), "at {}", t);
        }
    }

    #[test]
    fn add_working_days_matches_the_civil_code_count(
        (spec, base) in spec(),
        pick in start_pick(),
        n in 0u32..=3,
    ) {
        let cal = spec.calendar();
        let start = start_near(&spec, base, pick);
        let expected = brute_working_days(&spec, start, n);
        let fast = cal.add_working_days(start, n).ok();
        if expected.is_some() {
            prop_assert_eq!(fast, expected, "start {}", start);
        }
        prop_assert_eq!(cal.deadline(start, &Target::WorkingDays(n)).ok(), fast);
    }
}

// ---- Named cases: each pins one rule to an instant a person can check by hand. ----

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn cal(tz: Tz, days: &[(Weekday, &[&str])]) -> Calendar {
    let mut week: [Vec<OpenRange>; 7] = std::array::from_fn(|_| vec![]);
    for (day, ranges) in days {
        week[day.num_days_from_monday() as usize] = OpenRange::parse_list(ranges).unwrap();
    }
    Calendar::new(tz, week, BTreeSet::new(), BTreeMap::new()).unwrap()
}

fn every_day(tz: Tz, ranges: &[&str]) -> Calendar {
    use Weekday::*;
    cal(tz, &[Mon, Tue, Wed, Thu, Fri, Sat, Sun].map(|d| (d, ranges)))
}

fn weekdays(tz: Tz, ranges: &[&str]) -> Calendar {
    use Weekday::*;
    cal(tz, &[Mon, Tue, Wed, Thu, Fri].map(|d| (d, ranges)))
}

#[test]
fn nine_hours_from_monday_nine_is_monday_six_pm_not_tuesday() {
    let c = weekdays(chrono_tz::Asia::Shanghai, &["09:00-18:00"]);
    // 2026-03-02 is a Monday; 09:00 Shanghai = 01:00 UTC.
    let due = c.add_business(utc("2026-03-02T01:00:00Z"), Duration::hours(9)).unwrap();
    assert_eq!(due, utc("2026-03-02T10:00:00Z"));
    assert_eq!(
        c.add_business(utc("2026-03-02T01:00:00Z"), Duration::zero()),
        Ok(utc("2026-03-02T01:00:00Z"))
    );
}

#[test]
fn lunch_break_is_skipped() {
    let c = weekdays(chrono_tz::Asia::Shanghai, &["09:00-12:00", "13:30-18:00"]);
    // Mon 11:30 local + 1h = 30 min before lunch, 30 min after: 14:00 local = 06:00 UTC.
    let due = c.add_business(utc("2026-03-02T03:30:00Z"), Duration::hours(1)).unwrap();
    assert_eq!(due, utc("2026-03-02T06:00:00Z"));
    // Starting inside lunch counts from 13:30.
    let due = c
        .add_business(utc("2026-03-02T04:15:00Z"), Duration::minutes(30))
        .unwrap();
    assert_eq!(due, utc("2026-03-02T06:00:00Z"));
    assert_eq!(
        c.business_between(utc("2026-03-02T00:00:00Z"), utc("2026-03-03T00:00:00Z")),
        Duration::minutes(450)
    );
}

#[test]
fn range_ending_at_midnight_runs_to_the_next_local_day() {
    let c = every_day(chrono_tz::Asia::Shanghai, &["20:00-24:00"]);
    // 23:00 local on 2026-03-02 (15:00 UTC) + 2h: one hour to midnight, then the next
    // evening's 20:00-21:00 (13:00 UTC on 03-03).
    let due = c.add_business(utc("2026-03-02T15:00:00Z"), Duration::hours(2)).unwrap();
    assert_eq!(due, utc("2026-03-03T13:00:00Z"));
    // A deadline that lands exactly on the 24:00 end is that midnight, not the next opening.
    let due = c.add_business(utc("2026-03-02T15:00:00Z"), Duration::hours(1)).unwrap();
    assert_eq!(due, utc("2026-03-02T16:00:00Z"));
    assert!(c.is_open(utc("2026-03-02T15:59:59Z")));
    assert!(!c.is_open(utc("2026-03-02T16:00:00Z")));
    // Working-day close of a 24:00 day is local midnight.
    assert_eq!(
        c.add_working_days(utc("2026-03-02T15:00:00Z"), 1),
        Ok(utc("2026-03-03T16:00:00Z"))
    );
}

#[test]
fn berlin_spring_forward_shortens_the_morning() {
    // 2026-03-29 (Sunday) 02:00 CET jumps to 03:00 CEST. Open 00:00-06:00 that day is 5h.
    let c = every_day(chrono_tz::Europe::Berlin, &["00:00-06:00"]);
    let day_start = utc("2026-03-28T23:00:00Z");
    assert_eq!(
        c.business_between(day_start, utc("2026-03-29T12:00:00Z")),
        Duration::hours(5)
    );
    // 4h from local midnight: 00:00-02:00 CET, then 03:00-05:00 CEST = 03:00 UTC.
    assert_eq!(
        c.add_business(day_start, Duration::hours(4)),
        Ok(utc("2026-03-29T03:00:00Z"))
    );
    // A range starting inside the gap opens when the clock jumps to 03:00.
    let gap = every_day(chrono_tz::Europe::Berlin, &["02:30-04:00"]);
    assert_eq!(
        gap.add_business(day_start, Duration::minutes(30)),
        Ok(utc("2026-03-29T01:30:00Z"))
    );
}

#[test]
fn berlin_fall_back_counts_the_repeated_hour_twice() {
    // 2026-10-25 (Sunday) 03:00 CEST falls back to 02:00 CET: 02:00-03:00 happens twice.
    let c = every_day(chrono_tz::Europe::Berlin, &["01:00-04:00"]);
    let from = utc("2026-10-24T22:00:00Z"); // local midnight CEST
    assert_eq!(
        c.business_between(from, utc("2026-10-25T12:00:00Z")),
        Duration::hours(4)
    );
    // 01:00 CEST = 23:00 UTC; 4h later is 04:00 CET = 03:00 UTC.
    assert_eq!(
        c.add_business(utc("2026-10-24T23:00:00Z"), Duration::hours(4)),
        Ok(utc("2026-10-25T03:00:00Z"))
    );
    // A range ending inside the repeated hour is open in both passes of it.
    let c = every_day(chrono_tz::Europe::Berlin, &["01:00-02:30"]);
    assert_eq!(
        c.business_between(from, utc("2026-10-25T12:00:00Z")),
        Duration::minutes(120)
    );
    assert!(c.is_open(utc("2026-10-25T01:15:00Z"))); // 02:15 CET, second pass
    assert!(!c.is_open(utc("2026-10-25T00:45:00Z"))); // 02:45 CEST
    // Close of that day is the end of the second pass, 02:30 CET = 01:30 UTC.
    assert_eq!(
        c.add_working_days(utc("2026-10-24T10:00:00Z"), 1),
        Ok(utc("2026-10-25T01:30:00Z"))
    );
}

#[test]
fn new_york_dst_transitions() {
    let c = every_day(chrono_tz::America::New_York, &["00:00-12:00"]);
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT. Midnight EST = 05:00 UTC; noon EDT = 16:00 UTC.
    assert_eq!(
        c.business_between(utc("2026-03-08T05:00:00Z"), utc("2026-03-09T04:00:00Z")),
        Duration::hours(11)
    );
    assert_eq!(
        c.add_business(utc("2026-03-08T05:00:00Z"), Duration::hours(3)),
        Ok(utc("2026-03-08T08:00:00Z")) // 04:00 EDT
    );
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST. Midnight EDT = 04:00 UTC; noon EST = 17:00 UTC.
    assert_eq!(
        c.business_between(utc("2026-11-01T04:00:00Z"), utc("2026-11-02T04:00:00Z")),
        Duration::hours(13)
    );
    // Working-day close on the fall-back day is noon EST.
    assert_eq!(
        c.add_working_days(utc("2026-10-31T12:00:00Z"), 1),
        Ok(utc("2026-11-01T17:00:00Z"))
    );
}

#[test]
fn make_up_working_day_on_a_sunday_counts() {
    // 调休: Sunday 2026-09-27 is an override working day; Thursday 2026-10-01 a holiday.
    let mut week: [Vec<OpenRange>; 7] = std::array::from_fn(|_| vec![]);
    for d in week.iter_mut().take(5) {
        *d = OpenRange::parse_list(&["09:00-18:00"]).unwrap();
    }
    let date = |s: &str| s.parse::<NaiveDate>().unwrap();
    let c = Calendar::new(
        chrono_tz::Asia::Shanghai,
        week,
        [date("2026-10-01"), date("2026-10-02")].into(),
        [(date("2026-09-27"), OpenRange::parse_list(&["09:00-18:00"]).unwrap())].into(),
    )
    .unwrap();
    // Friday 2026-09-25 17:00 local (09:00 UTC) + 2h: 1h Friday, 1h Sunday the 27th.
    assert_eq!(
        c.add_business(utc("2026-09-25T09:00:00Z"), Duration::hours(2)),
        Ok(utc("2026-09-27T02:00:00Z"))
    );
    // 1 working day after Saturday the 26th is the make-up Sunday.
    assert_eq!(
        c.add_working_days(utc("2026-09-26T03:00:00Z"), 1),
        Ok(utc("2026-09-27T10:00:00Z"))
    );
    // From Wednesday 09-30: Oct 1-2 are holidays, then the weekend; day 1 is Monday Oct 5.
    assert_eq!(
        c.add_working_days(utc("2026-09-30T03:00:00Z"), 1),
        Ok(utc("2026-10-05T10:00:00Z"))
    );
}

#[test]
fn day_target_started_on_a_saturday_counts_from_monday() {
    let c = weekdays(chrono_tz::Asia::Shanghai, &["09:00-12:00", "13:30-18:00"]);
    // Saturday 2026-03-07 10:00 local. Day 1 = Monday 03-09, day 3 = Wednesday 03-11, closing
    // 18:00 local = 10:00 UTC.
    assert_eq!(
        c.add_working_days(utc("2026-03-07T02:00:00Z"), 3),
        Ok(utc("2026-03-11T10:00:00Z"))
    );
    // The starting day is not counted even when it is a working day started before opening.
    assert_eq!(
        c.add_working_days(utc("2026-03-09T00:00:00Z"), 1),
        Ok(utc("2026-03-10T10:00:00Z"))
    );
}

#[test]
fn open_spans_list_local_ranges_clipped_to_the_window() {
    let c = weekdays(chrono_tz::Asia::Shanghai, &["09:00-12:00", "13:30-18:00"]);
    let spans = c.open_spans(utc("2026-03-02T02:00:00Z"), utc("2026-03-03T02:00:00Z"), 100);
    let shown: Vec<String> = spans
        .iter()
        .map(|s| {
            format!(
                "{} {}-{}",
                s.date,
                c.local(s.start).format("%H:%M"),
                c.local(s.end).format("%H:%M")
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            "2026-03-02 10:00-12:00",
            "2026-03-02 13:30-18:00",
            "2026-03-03 09:00-10:00"
        ]
    );
}

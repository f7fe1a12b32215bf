//! Time targets of weeks (a 112h resolution, a 15-working-day budget) against the definition,
//! minute by minute. A long target counts whole steady weeks instead of walking them, so these
//! cases put what could make a week unsteady inside, at the edge of and just past the counted
//! span: DST changes (London, New York, Santiago's change at midnight, Lord Howe's half hour),
//! holidays, make-up working days, lunch breaks, 24:00 ends, targets of exactly N weeks, starts
//! at the close of a working day, and weeks with no working time at all.
//!
//! `PROPTEST_CASES` raises the number of cases (default 200).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use promptly::domain::calendar::{Calendar, NeverOpen, OpenRange};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// A calendar as plain data, read by the reference without `Calendar`.
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
        .expect("generated ranges are sorted and apart")
    }

    /// The definition: the wall clock at `t` is inside a range of its local date.
    fn open(&self, t: DateTime<Utc>) -> bool {
        let local = t.with_timezone(&self.tz).naive_local();
        let m = local.hour() * 60 + local.minute();
        self.ranges_on(local.date()).iter().any(|&(s, e)| s <= m && m < e)
    }

    /// Open minutes of an ordinary week, by the wall clock.
    fn weekly_minutes(&self) -> i64 {
        self.week.iter().flatten().map(|&(s, e)| i64::from(e - s)).sum()
    }
}

const MIN: Duration = Duration::minutes(1);
/// The reference gives up after this many minutes (the calendar must then be later too).
const CAP_MINUTES: i64 = 120 * 24 * 60;

/// Steps minute by minute from `start` until `minutes` open minutes have passed.
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

const ZONES: &[Tz] = &[
    chrono_tz::Europe::London,
    chrono_tz::America::New_York,
    chrono_tz::America::Santiago,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Asia::Shanghai,
];

/// 2026's DST changes of the zones above.
const CHANGES: &[(u32, u32)] = &[(3, 8), (3, 29), (4, 5), (9, 6), (10, 4), (10, 25), (11, 1)];

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
}

/// A day's ranges: the shop's day with its lunch break, round the clock, an evening to 24:00,
/// a range across the DST hours, or random cuts on a 15-minute grid.
fn day_ranges() -> impl Strategy<Value = Vec<(u32, u32)>> {
    prop_oneof![
        2 => Just(vec![]),
        3 => Just(vec![(540, 720), (810, 1080)]),
        1 => Just(vec![(0, 1440)]),
        1 => Just(vec![(1200, 1440)]),
        1 => Just(vec![(60, 240)]),
        2 => prop::collection::btree_set(0u32..=96, 2..=6).prop_map(|cuts| {
            let cuts: Vec<u32> = cuts.into_iter().map(|c| c * 15).collect();
            cuts.chunks(2).filter(|c| c.len() == 2).map(|c| (c[0], c[1])).collect()
        }),
    ]
}

/// A week: an office week (Saturday morning, Sunday closed), any seven days, or no working
/// time at all (only make-up days open).
fn week() -> impl Strategy<Value = [Vec<(u32, u32)>; 7]> {
    let office = vec![(540, 720), (810, 1080)];
    prop_oneof![
        2 => Just(std::array::from_fn(|i| match i {
            0..=4 => office.clone(),
            5 => vec![(540, 720)],
            _ => vec![],
        })),
        3 => prop::collection::vec(day_ranges(), 7).prop_map(|w| std::array::from_fn(|i| w[i].clone())),
        1 => Just(std::array::from_fn(|_| vec![])),
    ]
}

/// A calendar and a start date a few days to four weeks before a DST change (so the change
/// falls in a counted week, at its edge, or after it), or any date of the year.
fn spec() -> impl Strategy<Value = (Spec, NaiveDate)> {
    let base = prop_oneof![
        3 => (0..CHANGES.len(), -30i64..=2).prop_map(|(i, shift)| date(CHANGES[i].0, CHANGES[i].1) + Duration::days(shift)),
        1 => (0i64..365).prop_map(|d| date(1, 1) + Duration::days(d)),
    ];
    (
        0..ZONES.len(),
        week(),
        base,
        // Days off and make-up days over the whole span a target of six weeks can cover.
        prop::collection::btree_set(-2i64..60, 0..6),
        prop::collection::btree_map(-2i64..60, day_ranges(), 0..5),
    )
        .prop_map(|(z, week, base, holidays, overrides)| {
            let spec = Spec {
                tz: ZONES[z],
                week,
                holidays: holidays.iter().map(|d| base + Duration::days(*d)).collect(),
                overrides: overrides
                    .into_iter()
                    .map(|(d, r)| (base + Duration::days(d), r))
                    .collect(),
            };
            (spec, base)
        })
}

/// A start on `base` or the two days after: any minute, or exactly where a range of that day
/// ends (the close of a working day, a lunch break's start).
fn start(spec: &Spec, base: NaiveDate, at_close: bool, minute: i64, which: usize) -> DateTime<Utc> {
    let day = base + Duration::days(minute / (24 * 60));
    let local = |m: i64| day.and_time(NaiveTime::MIN) + Duration::minutes(m);
    let ends: Vec<u32> = spec.ranges_on(day).iter().map(|r| r.1).collect();
    let wall = match ends.get(which % ends.len().max(1)) {
        Some(&end) if at_close => local(i64::from(end)),
        _ => local(minute % (24 * 60)),
    };
    spec.tz
        .from_local_datetime(&wall)
        .earliest()
        .or_else(|| spec.tz.from_local_datetime(&(wall + Duration::hours(1))).earliest())
        .map_or_else(|| wall.and_utc(), |t| t.with_timezone(&Utc))
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// A target of weeks lands where the definition does; exactly N weeks of open time (and a
    /// minute either side) too. The calendar's own count back to that deadline agrees.
    #[test]
    fn week_long_targets_match_the_definition(
        (spec, base) in spec(),
        (at_close, minute, which) in (any::<bool>(), 0i64..3 * 24 * 60, any::<usize>()),
        (exact, weeks, delta, share) in (any::<bool>(), 1i64..=5, -1i64..=1, 0u32..=6000),
    ) {
        let cal = spec.calendar();
        let from = start(&spec, base, at_close, minute, which);
        let weekly = spec.weekly_minutes();
        let minutes = match (exact, weekly) {
            (_, 0) => i64::from(share) / 2,
            (true, w) => (weeks * w + delta).max(0),
            // Up to six weeks of open time.
            (false, w) => (w * 6 * i64::from(share) / 6000).max(1),
        };
        let found = cal.add_business(from, Duration::minutes(minutes));
        match brute_add(&spec, from, minutes) {
            Some(due) => {
                prop_assert_eq!(found, Ok(due), "from {} + {} min", from, minutes);
                prop_assert_eq!(cal.business_between(from, due), Duration::minutes(minutes));
                if minutes > 0 {
                    // Not a minute earlier: the last open minute before the deadline is needed.
                    prop_assert_eq!(cal.business_between(from, due - MIN), Duration::minutes(minutes - 1));
                }
            }
            None => prop_assert!(
                found.is_err() || found.is_ok_and(|t| t >= from + Duration::minutes(CAP_MINUTES)),
                "from {} + {} min: {:?}", from, minutes, found
            ),
        }
    }
}

fn shop_week(tz: Tz, holidays: &[NaiveDate], overrides: &[NaiveDate]) -> Calendar {
    let office = OpenRange::parse_list(&["09:00-12:00", "13:30-18:00"]).unwrap_or_default();
    let saturday = OpenRange::parse_list(&["09:00-12:00"]).unwrap_or_default();
    let week = std::array::from_fn(|i| match i {
        0..=4 => office.clone(),
        5 => saturday.clone(),
        _ => vec![],
    });
    let overrides = overrides.iter().map(|d| (*d, office.clone())).collect();
    Calendar::new(tz, week, holidays.iter().copied().collect(), overrides).expect("the shop's week is valid")
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap_or_default()
}

#[test]
fn a_112h_target_across_national_day_counts_the_make_up_days() {
    // Friday 2026-09-25 10:00 Shanghai, Mid-Autumn (25-27) and National Day (Oct 1-7) off,
    // Sunday 09-20 and Saturday 10-10 made up. 40.5h a week; 112h is: 09-28..09-30 (22.5h),
    // week of 10-05 (Thu-Fri 15h after the holiday ends, Sat 10-10 a full 7.5h day), then
    // 10-12 onwards: 112 - 22.5 - 22.5 = 67h = 40.5h (week of 10-12) + 26.5h (Mon-Wed 22.5h,
    // Thu 4h: 09:00-12:00 and 13:30-14:30 on 10-22).
    let holidays: Vec<NaiveDate> = [(9, 25), (9, 26), (9, 27)]
        .into_iter()
        .chain((1..=7).map(|d| (10, d)))
        .map(|(m, d)| date(m, d))
        .collect();
    let cal = shop_week(chrono_tz::Asia::Shanghai, &holidays, &[date(9, 20), date(10, 10)]);
    let due = cal.add_business(utc("2026-09-25T02:00:00Z"), Duration::hours(112));
    assert_eq!(due, Ok(utc("2026-10-22T06:30:00Z")));
    assert_eq!(
        cal.business_between(utc("2026-09-25T02:00:00Z"), utc("2026-10-22T06:30:00Z")),
        Duration::hours(112)
    );
}

#[test]
fn exactly_three_weeks_ends_at_the_third_saturday_noon_across_london_fall_back() {
    // Monday 2026-10-12 00:00 BST; the clocks go back on Sunday 10-25, inside the second week.
    let cal = shop_week(chrono_tz::Europe::London, &[], &[]);
    let due = cal.add_business(utc("2026-10-11T23:00:00Z"), Duration::minutes(3 * 2430));
    // Saturday 10-31 12:00 GMT.
    assert_eq!(due, Ok(utc("2026-10-31T12:00:00Z")));
    // A minute more is Monday 11-02 09:01 GMT.
    let due = cal.add_business(utc("2026-10-11T23:00:00Z"), Duration::minutes(3 * 2430 + 1));
    assert_eq!(due, Ok(utc("2026-11-02T09:01:00Z")));
}

#[test]
fn a_week_without_working_time_gives_up_or_finds_the_make_up_day() {
    let closed = |overrides: &[NaiveDate]| {
        let office = OpenRange::parse_list(&["09:00-18:00"]).unwrap_or_default();
        let overrides = overrides.iter().map(|d| (*d, office.clone())).collect();
        Calendar::new(
            chrono_tz::America::New_York,
            Default::default(),
            BTreeSet::new(),
            overrides,
        )
        .expect("a closed week is valid")
    };
    let from = utc("2026-03-02T14:00:00Z");
    // Years of target on a calendar that never opens: an answer, not a hang.
    assert_eq!(closed(&[]).add_business(from, Duration::hours(10_000)), Err(NeverOpen));
    // Two make-up days hold 18h: 12h ends on the second, 19h never comes.
    let cal = closed(&[date(3, 10), date(4, 20)]);
    assert_eq!(
        cal.add_business(from, Duration::hours(12)),
        Ok(utc("2026-04-20T16:00:00Z"))
    );
    assert_eq!(cal.add_business(from, Duration::hours(19)), Err(NeverOpen));
    assert_eq!(
        cal.business_between(from, utc("2030-01-01T00:00:00Z")),
        Duration::hours(18)
    );
}

//! The calendar's unit tests: open ranges, deadlines, DST.

use super::*;

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn weekdays(tz: Tz, ranges: &[&str]) -> Calendar {
    let r = OpenRange::parse_list(ranges).unwrap();
    let week = std::array::from_fn(|i| if i < 5 { r.clone() } else { vec![] });
    Calendar::new(tz, week, BTreeSet::new(), BTreeMap::new()).unwrap()
}

#[test]
fn nine_hours_from_monday_nine_ends_monday_evening() {
    let cal = weekdays(chrono_tz::UTC, &["09:00-18:00"]);
    let due = cal
        .add_business(utc("2026-03-02T09:00:00Z"), Duration::hours(9))
        .unwrap();
    assert_eq!(due, utc("2026-03-02T18:00:00Z"));
    let due = cal
        .add_business(utc("2026-03-02T09:00:00Z"), Duration::hours(10))
        .unwrap();
    assert_eq!(due, utc("2026-03-03T10:00:00Z"));
}

#[test]
fn range_parsing_names_the_problem() {
    assert_eq!(OpenRange::parse("25:00-26:00").unwrap_err(), "hour must be 00-24");
    assert!(OpenRange::parse("09:00-24:00").is_ok());
    assert!(OpenRange::parse("24:00-24:00").is_err());
    assert!(OpenRange::parse("12:00-09:00").is_err());
    assert!(OpenRange::parse("9:00-12:00").is_err());
    let err = OpenRange::parse_list(&["13:00-18:00", "09:00-12:00"]).unwrap_err();
    assert!(err.contains("not sorted"), "{err}");
    let err = OpenRange::parse_list(&["09:00-12:00", "11:00-13:00"]).unwrap_err();
    assert!(err.contains("overlap"), "{err}");
    assert!(OpenRange::parse_list(&["09:00-12:00", "12:00-13:00"]).is_ok());
}

#[test]
fn spring_forward_gap_shortens_a_range() {
    // Berlin 2026-03-29: 02:00 local jumps to 03:00.
    let cal = Calendar::always_open(chrono_tz::Europe::Berlin);
    let mut week: [Vec<OpenRange>; 7] = std::array::from_fn(|_| vec![]);
    week[6] = OpenRange::parse_list(&["01:00-04:00"]).unwrap();
    let cal2 = Calendar::new(cal.tz(), week, BTreeSet::new(), BTreeMap::new()).unwrap();
    let a = utc("2026-03-28T00:00:00Z");
    let b = utc("2026-03-30T00:00:00Z");
    assert_eq!(cal2.business_between(a, b), Duration::hours(2));
    // Round the clock is all real time, whatever the wall clock does.
    assert_eq!(cal.business_between(a, b), Duration::hours(48));
}

#[test]
fn never_open_calendar_is_an_error_not_a_hang() {
    let cal = Calendar::new(
        chrono_tz::UTC,
        std::array::from_fn(|_| vec![]),
        BTreeSet::new(),
        BTreeMap::new(),
    )
    .unwrap();
    let t = utc("2026-01-01T00:00:00Z");
    assert_eq!(cal.add_business(t, Duration::hours(1)), Err(NeverOpen));
    assert_eq!(cal.add_working_days(t, 1), Err(NeverOpen));
    assert_eq!(cal.business_between(t, utc("2027-01-01T00:00:00Z")), Duration::zero());
}

/// The sampling assumption (`OFFSET_SAMPLE`) checked against the compiled timezone database:
/// sampled every six hours, no zone's offset changes twice within one sample step (and six
/// hours), 1970-2050.
#[test]
fn no_zone_changes_twice_within_a_sample() {
    use chrono::{Offset, TimeZone};
    let offset = |tz: Tz, t: i64| {
        let utc = instant(t).naive_utc();
        tz.offset_from_utc_datetime(&utc).fix().local_minus_utc()
    };
    let (from, to, step) = (0, 2_524_608_000, DAY / 4);
    let mut closest = i64::MAX;
    for tz in chrono_tz::TZ_VARIANTS {
        let (mut last_change, mut cur) = (None::<i64>, offset(tz, from));
        let mut t = from;
        while t < to {
            t += step;
            let now = offset(tz, t);
            if now != cur {
                if let Some(prev) = last_change {
                    closest = closest.min(t - prev);
                }
                (last_change, cur) = (Some(t), now);
            }
        }
    }
    assert!(
        closest > OFFSET_SAMPLE + step,
        "two offset changes of one zone {closest} s apart"
    );
}

#[test]
fn only_a_calendar_open_every_minute_is_round_the_clock() {
    assert!(Calendar::always_open(chrono_tz::UTC).is_round_the_clock());
    assert!(!weekdays(chrono_tz::UTC, &["09:00-18:00"]).is_round_the_clock());
    let all = OpenRange::parse_list(&["00:00-24:00"]).unwrap();
    let week = std::array::from_fn(|_| all.clone());
    let holiday = BTreeSet::from([NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()]);
    assert!(
        !Calendar::new(chrono_tz::UTC, week, holiday, BTreeMap::new())
            .unwrap()
            .is_round_the_clock()
    );
}

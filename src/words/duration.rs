//! Spans of time in the reader's words: the board's countdowns (`3h12m` / `3小时12分`), how
//! late (`9m` / `9分钟`), and SLA targets (`3d` / `3个工作日`, `2h` / `2个工作小时` on a
//! calendar with business hours, `2小时` round the clock).

use crate::domain::policy::Policy;
use crate::domain::target::Target;
use crate::t;
use chrono::Weekday;

/// A countdown as the board and `list` show it: `42:17` under an hour (a stopwatch reads the
/// same in both languages), then hours and minutes, then days and hours; `-` once late.
pub fn countdown(secs: i64, lang: &str) -> String {
    if !is_chinese(lang) {
        return crate::domain::text::countdown(secs);
    }
    let sign = if secs < 0 { "-" } else { "" };
    let s = secs.unsigned_abs();
    if s < 3600 {
        crate::domain::text::countdown(secs)
    } else if s < 86_400 {
        format!(
            "{sign}{}{}",
            t!("duration.hours", locale = lang, n = s / 3600),
            t!(
                "duration.minutes_short",
                locale = lang,
                n = format!("{:02}", s % 3600 / 60)
            )
        )
    } else {
        format!(
            "{sign}{}{}",
            t!("duration.days", locale = lang, n = s / 86_400),
            t!("duration.hours", locale = lang, n = s % 86_400 / 3600)
        )
    }
}

/// A countdown for a table column: in Chinese minutes are "分" ("23小时05分",
/// "-26天5小时"), so it takes at most `countdown_width` columns below 100 days; in English
/// as `countdown`. It parses back as a duration.
pub fn compact(secs: i64, lang: &str) -> String {
    let s = secs.unsigned_abs();
    if !is_chinese(lang) || !(3600..86_400).contains(&s) {
        return countdown(secs, lang);
    }
    let sign = if secs < 0 { "-" } else { "" };
    format!(
        "{sign}{}{}",
        t!("duration.hours", locale = lang, n = s / 3600),
        t!(
            "duration.minutes_compact",
            locale = lang,
            n = format!("{:02}", s % 3600 / 60)
        )
    )
}

/// [`compact`] appended to `out` (a long list writes one per row).
pub fn push_compact(out: &mut String, secs: i64, lang: &str) {
    if is_chinese(lang) {
        out.push_str(&compact(secs, lang));
    } else {
        crate::domain::text::push_countdown(out, secs);
    }
}

/// How late, for a table column (`late` with `compact`'s units).
pub fn late_compact(secs: i64, lang: &str) -> String {
    if secs >= 3600 {
        compact(secs, lang)
    } else {
        late(secs, lang)
    }
}

/// Display columns a compact countdown takes below 100 days ("-10d23h", "-23小时59分",
/// "-99天23小时"): table columns size by it and pad by display width.
pub fn countdown_width(lang: &str) -> usize {
    if is_chinese(lang) { 11 } else { 7 }
}

/// How late, in words that cannot be read as a time of day: `45s`, `9m`, else as the
/// countdown writes it.
pub fn late(secs: i64, lang: &str) -> String {
    if !is_chinese(lang) {
        return crate::domain::text::late(secs);
    }
    match secs {
        s if s < 60 => t!("duration.seconds", locale = lang, n = s),
        s if s < 3600 => t!("duration.minutes", locale = lang, n = s / 60),
        s => countdown(s, lang),
    }
}

/// A metric's target in words: working days, business hours on a calendar with closing
/// times, plain hours on a round-the-clock one. Unreadable text is shown as stored.
pub fn metric_target(policy: &Policy, metric: &str, target: &str, lang: &str) -> String {
    let Ok(parsed) = target.parse::<Target>() else {
        return crate::domain::text::sanitize_line(target);
    };
    if !is_chinese(lang) {
        return parsed.to_string();
    }
    match parsed {
        Target::WorkingDays(n) => t!("duration.working_days", locale = lang, n = n),
        Target::Business(secs) if !round_the_clock(policy, metric) => business(secs, lang),
        Target::Business(secs) => super::explain::duration(secs, lang),
    }
}

/// Business seconds in Chinese: `2个工作小时`, `1个工作小时30分钟`, `30分钟`.
fn business(secs: i64, lang: &str) -> String {
    let (h, m) = (secs / 3600, secs % 3600 / 60);
    let mut out = String::new();
    if h > 0 {
        out += &t!("duration.business_hours", locale = lang, n = h);
    }
    if m > 0 || h == 0 {
        out += &t!("duration.minutes", locale = lang, n = m);
    }
    out
}

/// Whether the metric's calendar is open every hour of every day (a 7×24 promise).
fn round_the_clock(policy: &Policy, metric: &str) -> bool {
    let Some(calendar) = policy.metric(metric).and_then(|m| policy.calendar(&m.calendar)) else {
        return false;
    };
    let days = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    calendar.holidays().is_empty()
        && calendar.overrides().is_empty()
        && days
            .iter()
            .all(|d| calendar.weekday_ranges(*d).iter().map(|r| r.secs()).sum::<i64>() >= 86_400)
}

fn is_chinese(lang: &str) -> bool {
    crate::words::catalogue::language_of(lang) == "zh-CN"
}

/// How late a breach is for the shop and on the wall clock: "35 business min late (15h35m)".
/// Business time is floored to the minute like the wall time, except that a breach is never
/// read as "0 min late": under a minute reads "<1 business min", and none at all (the deadline
/// was the close of business and the clock is read, or was met, before the next opening:
/// overnight, a weekend, a holiday) reads "late after hours (13h59m)".
pub fn late_both(
    policy: &Policy,
    b: &crate::domain::review::Breach,
    now: chrono::DateTime<chrono::Utc>,
    lang: &str,
) -> String {
    let business = b.late_business_secs(policy, now);
    // Compact ("实际23小时0分") so the review list's column holds both in Chinese.
    let wall = late_compact(b.late_secs(now), lang);
    // A metric on a 7x24 calendar: its business time is the wall clock's, one figure.
    let round_the_clock = policy
        .metric(&b.metric)
        .and_then(|m| policy.calendar(&m.calendar))
        .is_some_and(|c| c.is_round_the_clock());
    if round_the_clock && business > 0 {
        return t!("review.late_plain", locale = lang, wall = wall).to_string();
    }
    if business == 0 {
        return t!("review.late_after_hours", locale = lang, wall = wall).to_string();
    }
    let (h, m) = (business / 3600, business % 3600 / 60);
    let business = match (h, m) {
        (0, 0) => t!("review.business_under_min", locale = lang),
        (0, m) => t!("review.business_min", locale = lang, n = m),
        (h, m) => t!("review.business_hm", locale = lang, h = h, m = format!("{m:02}")),
    };
    t!("review.late_both", locale = lang, business = business, wall = wall).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A first-response breach on the built-in shop calendar (09:00-12:00, 13:30-18:00 Monday
    /// to Friday, Asia/Shanghai), its deadline and when it was met given in UTC.
    fn breach(due: &str, met: &str) -> crate::domain::review::Breach {
        use crate::domain::ticket::{Customer, Kind, Priority, Status};
        let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
        crate::domain::review::Breach {
            ticket_id: 1,
            title: "Kettle".into(),
            status: Status::Closed,
            metric: "first-response".into(),
            cycle: 1,
            target: "30m".into(),
            started_at: at(due) - chrono::Duration::minutes(30),
            due_at: at(due),
            met_at: Some(at(met)),
            priority: Priority::Normal,
            kind: Kind::Repair,
            customer: Customer {
                name: "Li".into(),
                phone: String::new(),
                email: String::new(),
            },
        }
    }

    #[test]
    fn a_breach_is_never_read_as_zero_business_minutes_late() {
        let policy = Policy::builtin();
        let now = "2026-11-23T02:00:00Z".parse().unwrap();
        // Due at Friday's close (18:00), answered Saturday 07:59 before the 09:00 opening: no
        // business time was lost, the wall clock says 13h59m ("0 business min late" before).
        let overnight = breach("2026-11-20T10:00:00Z", "2026-11-20T23:59:00Z");
        assert_eq!(overnight.late_business_secs(&policy, now), 0);
        assert_eq!(late_both(&policy, &overnight, now, "en"), "late after hours (13h59m)");
        assert_eq!(
            late_both(&policy, &overnight, now, "zh-CN"),
            "非工作时间超时（实际13小时59分）"
        );
        // On a 7x24 calendar business time is wall time: one figure.
        let mut round = breach("2026-11-20T10:00:00Z", "2026-11-20T23:59:00Z");
        round.metric = "plan".into();
        assert_eq!(policy.metric("plan").map(|m| m.calendar.as_str()), Some("7x24"));
        assert_eq!(late_both(&policy, &round, now, "en"), "13h59m late");
        assert_eq!(late_both(&policy, &round, now, "zh-CN"), "晚13小时59分");
        // Due 30 s before the close: half a business minute.
        let half = breach("2026-11-20T09:59:30Z", "2026-11-20T23:59:00Z");
        assert_eq!(half.late_business_secs(&policy, now), 30);
        assert_eq!(late_both(&policy, &half, now, "en"), "<1 business min late (13h59m)");
        assert_eq!(
            late_both(&policy, &half, now, "zh-CN"),
            "晚不到1分钟工时（实际13小时59分）"
        );
        // Due 17:30, answered Saturday 09:10: 30 minutes on Friday and 10 on Saturday.
        let forty = breach("2026-11-20T09:30:00Z", "2026-11-21T01:10:00Z");
        assert_eq!(late_both(&policy, &forty, now, "en"), "40 business min late (15h40m)");
        assert_eq!(
            late_both(&policy, &forty, now, "zh-CN"),
            "晚40分钟工时（实际15小时40分）"
        );
    }

    #[test]
    fn countdowns_in_chinese_use_chinese_units() {
        assert_eq!(countdown(3 * 3600 + 5 * 60, "zh-CN"), "3小时05分钟");
        assert_eq!(countdown(-(25 * 86_400 + 10 * 3600), "zh-CN"), "-25天10小时");
        assert_eq!(countdown(42 * 60 + 17, "zh-CN"), "42:17");
        assert_eq!(countdown(3 * 3600 + 5 * 60, "en"), "3h05m");
        assert_eq!(late(9 * 60, "zh-CN"), "9分钟");
        assert_eq!(late(9 * 60, "en"), "9m");
    }

    #[test]
    fn compact_countdowns_fit_their_column_and_parse_back() {
        use unicode_width::UnicodeWidthStr;
        assert_eq!(compact(-(23 * 3600 + 52 * 60), "zh-CN"), "-23小时52分");
        assert_eq!(compact(26 * 86_400 + 5 * 3600, "zh-CN"), "26天5小时");
        assert_eq!(compact(42 * 60, "zh-CN"), "42:00");
        assert_eq!(compact(-(11 * 86_400 + 14 * 3600), "en"), "-11d14h");
        assert_eq!(late_compact(26 * 86_400 + 5 * 3600, "zh-CN"), "26天5小时");
        for lang in ["en", "zh-CN"] {
            for secs in [3600, 23 * 3600 + 59 * 60, 99 * 86_400 + 23 * 3600] {
                for s in [secs, -secs] {
                    let shown = compact(s, lang);
                    assert!(shown.width() <= countdown_width(lang), "{shown}");
                }
                // Hours and minutes read back as a target; days with hours only as a wall
                // duration (`list --due-within`, tested in `cli::args`).
                if secs < 86_400 {
                    let shown = compact(secs, lang);
                    assert_eq!(shown.parse::<Target>(), Ok(Target::Business(secs)), "{shown}");
                }
            }
        }
    }

    #[test]
    fn targets_say_working_days_and_business_hours() {
        let policy = Policy::builtin();
        assert_eq!(metric_target(&policy, "resolution", "3d", "zh-CN"), "3个工作日");
        assert_eq!(metric_target(&policy, "first-response", "2h", "zh-CN"), "2个工作小时");
        assert_eq!(metric_target(&policy, "first-response", "30m", "zh-CN"), "30分钟");
        assert_eq!(metric_target(&policy, "plan", "24h", "zh-CN"), "24小时");
        assert_eq!(metric_target(&policy, "plan", "24h", "en"), "24h");
    }
}

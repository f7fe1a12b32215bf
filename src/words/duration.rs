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

/// Display columns a countdown may take ("-10d23h", "-10天23小时"): table columns size by it.
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
pub fn late_both(
    policy: &Policy,
    b: &crate::domain::review::Breach,
    now: chrono::DateTime<chrono::Utc>,
    lang: &str,
) -> String {
    let business = b.late_business_secs(policy, now);
    let (h, m) = (business / 3600, business % 3600 / 60);
    let business = if h == 0 {
        t!("review.business_min", locale = lang, n = m)
    } else {
        t!("review.business_hm", locale = lang, h = h, m = format!("{m:02}"))
    };
    t!(
        "review.late_both",
        locale = lang,
        business = business,
        wall = late(b.late_secs(now), lang)
    )
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn targets_say_working_days_and_business_hours() {
        let policy = Policy::builtin();
        assert_eq!(metric_target(&policy, "resolution", "3d", "zh-CN"), "3个工作日");
        assert_eq!(metric_target(&policy, "first-response", "2h", "zh-CN"), "2个工作小时");
        assert_eq!(metric_target(&policy, "first-response", "30m", "zh-CN"), "30分钟");
        assert_eq!(metric_target(&policy, "plan", "24h", "zh-CN"), "24小时");
        assert_eq!(metric_target(&policy, "plan", "24h", "en"), "24h");
    }
}

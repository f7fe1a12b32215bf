//! The fingerprint of a policy's meaning. Stored clocks remember the fingerprint of the policy
//! that computed them; when it changes, every running clock is recomputed. So it must change
//! when the meaning does (a holiday, a target, a range) and only then: not with key order,
//! comments, spelling ("90m" or "1h30m"), or a new version of a dependency's `Debug` output.
//!
//! The policy is written out in a canonical text of its own (below; names sorted, targets in
//! seconds or days, ranges in minutes, numbers as their IEEE bits) and hashed with FNV-1a.
//! Changing this text changes every fingerprint once: a test pins the builtin policy's.

use super::{ByPriority, Metric, Policy, Settings};
use crate::domain::calendar::Calendar;
use crate::domain::calendar::OpenRange;
use crate::domain::callback::stable_hash;
use crate::domain::target::Target;
use chrono::Weekday;
use std::fmt::Write;

/// Bump when the canonical text changes shape.
const FORM: &str = "promptly-policy 1";

pub(super) fn of(policy: &Policy) -> String {
    format!("{:016x}", stable_hash(&canonical(policy)))
}

/// One line per fact, every name quoted, every list in a fixed order.
pub(super) fn canonical(policy: &Policy) -> String {
    let mut out = String::new();
    line(&mut out, FORM);
    settings(&mut out, &policy.settings);
    let mut calendars: Vec<&(String, Calendar)> = policy.calendars.iter().collect();
    calendars.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, cal) in calendars {
        calendar(&mut out, name, cal);
    }
    let mut metrics: Vec<&Metric> = policy.metrics.iter().collect();
    metrics.sort_by(|a, b| a.name.cmp(&b.name));
    for m in metrics {
        metric(&mut out, m);
    }
    out
}

fn line(out: &mut String, text: &str) {
    out.push_str(text);
    out.push('\n');
}

/// A string quoted with only `\` and `"` escaped (and line breaks, so a line stays a line).
fn quoted(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '\\' => q.push_str("\\\\"),
            '"' => q.push_str("\\\""),
            '\n' => q.push_str("\\n"),
            '\r' => q.push_str("\\r"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

fn number(x: f64) -> String {
    format!("{:016x}", x.to_bits())
}

fn target(t: Target) -> String {
    match t {
        Target::Business(secs) => format!("{secs}s"),
        Target::WorkingDays(days) => format!("{days}d"),
    }
}

fn by_priority(b: &ByPriority) -> String {
    format!("{} {} {}", target(b.urgent), target(b.important), target(b.normal))
}

fn ranges(list: &[OpenRange]) -> String {
    let parts: Vec<String> = list.iter().map(|r| format!("{}-{}", r.start, r.end)).collect();
    format!("[{}]", parts.join(" "))
}

fn settings(out: &mut String, s: &Settings) {
    line(
        out,
        &format!(
            "settings calendar={} auto_close_days={} callback_share={}",
            quoted(&s.calendar),
            s.auto_close_days,
            number(s.callback_share)
        ),
    );
}

fn calendar(out: &mut String, name: &str, cal: &Calendar) {
    line(
        out,
        &format!("calendar {} timezone={}", quoted(name), quoted(cal.tz().name())),
    );
    let days = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    for day in days {
        line(out, &format!(" {day} {}", ranges(cal.weekday_ranges(day))));
    }
    for date in cal.holidays() {
        line(out, &format!(" holiday {date}"));
    }
    for (date, list) in cal.overrides() {
        line(out, &format!(" override {date} {}", ranges(list)));
    }
}

fn metric(out: &mut String, m: &Metric) {
    let mut pause: Vec<&str> = m.pause.iter().map(|s| s.slug()).collect();
    pause.sort_unstable();
    pause.dedup();
    let only_kinds = match &m.only_kinds {
        None => "all".to_string(),
        Some(kinds) => {
            let mut slugs: Vec<&str> = kinds.iter().map(|k| k.slug()).collect();
            slugs.sort_unstable();
            slugs.dedup();
            format!("[{}]", slugs.join(" "))
        }
    };
    let mut text = format!("metric {}", quoted(&m.name));
    let _ = write!(
        text,
        " label_en={} label_zh={} start={} stop={} pause=[{}] calendar={} warn_at={} recurring={}",
        quoted(&m.label_en),
        quoted(&m.label_zh),
        m.start.slug(),
        m.stop.slug(),
        pause.join(" "),
        quoted(&m.calendar),
        number(m.warn_at),
        m.recurring
    );
    let _ = write!(
        text,
        " max_extension={} only_kinds={only_kinds} only_complex={}",
        m.max_extension.map_or("none".to_string(), target),
        m.only_complex
    );
    line(out, &text);
    line(out, &format!(" target {}", by_priority(&m.target)));
    if let Some(complex) = &m.complex {
        line(out, &format!(" complex {}", by_priority(complex)));
    }
    let mut kinds: Vec<(&str, &ByPriority)> = m.kinds.iter().map(|(k, b)| (k.slug(), b)).collect();
    kinds.sort_by_key(|(slug, _)| *slug);
    for (slug, b) in kinds {
        line(out, &format!(" kind {slug} {}", by_priority(b)));
    }
    // Only written when present, so policies without the table keep their fingerprint.
    let mut allowances: Vec<(&str, Option<Target>)> =
        m.max_extension_kinds.iter().map(|(k, t)| (k.slug(), *t)).collect();
    allowances.sort_by_key(|(slug, _)| *slug);
    for (slug, max) in allowances {
        line(
            out,
            &format!(" max_extension_kind {slug} {}", max.map_or("none".to_string(), target)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
[settings]
auto_close_days = 5

[calendars.shop]
timezone = "Asia/Shanghai"
mon = ["09:00-12:00", "13:30-18:00"]
holidays = ["2026-10-01", "2026-10-02"]
[calendars.shop.overrides]
"2026-09-27" = ["09:00-18:00"]

[metrics.first-response]
label = { en = "First response", zh = "首次响应" }
stop = "first-outbound-contact"
target = { urgent = "30m", important = "1h", normal = "1h30m" }
pause = ["waiting", "resolved"]
"#;

    fn fp(text: &str) -> String {
        Policy::parse(text, "t.toml").expect("valid").fingerprint()
    }

    #[test]
    fn the_same_meaning_written_differently_has_the_same_fingerprint() {
        // Keys reordered, comments and blank lines, "90m" for "1h30m", a default spelled out,
        // a date as a TOML date, the pause list reordered, the label table reordered.
        let other = r#"
# the shop
[calendars.shop]
holidays = [2026-10-02, "2026-10-01"]   # National Day
mon = [ "09:00-12:00","13:30-18:00" ]
timezone = "Asia/Shanghai"

[calendars.shop.overrides]
"2026-09-27" = ["09:00-18:00"]

[metrics.first-response]
target = { normal = "90m", important = "60m", urgent = "30m" }
pause = ["resolved", "waiting"]
start = "opened"
stop = "first-outbound-contact"
label = { zh = "首次响应", en = "First response" }

[settings]
calendar = "shop"
auto_close_days = 5
callback_share = 0.10
"#;
        assert_eq!(fp(BASE), fp(other));
    }

    #[test]
    fn a_change_of_meaning_changes_the_fingerprint() {
        let base = fp(BASE);
        for (from, to) in [
            ("\"2026-10-02\"]", "\"2026-10-03\"]"),
            ("normal = \"1h30m\"", "normal = \"1h31m\""),
            ("13:30-18:00", "13:30-17:00"),
            (
                "\"2026-09-27\" = [\"09:00-18:00\"]",
                "\"2026-09-26\" = [\"09:00-18:00\"]",
            ),
            ("auto_close_days = 5", "auto_close_days = 6"),
            ("pause = [\"waiting\", \"resolved\"]", "pause = [\"waiting\"]"),
            ("timezone = \"Asia/Shanghai\"", "timezone = \"Asia/Hong_Kong\""),
        ] {
            let edited = BASE.replace(from, to);
            assert_ne!(edited, BASE, "{from} is in the base text");
            assert_ne!(fp(&edited), base, "{from} -> {to}");
        }
    }

    #[test]
    fn the_builtin_fingerprint_is_pinned() {
        // A change here recomputes every running clock of every user once. If the builtin
        // policy or the canonical form changed on purpose, pin the new value.
        assert_eq!(Policy::builtin().fingerprint(), "2bdaecceb90112fe");
    }

    #[test]
    fn the_canonical_form_reads_as_one_fact_per_line() {
        let text = canonical(&Policy::parse(BASE, "t.toml").unwrap());
        assert!(text.starts_with("promptly-policy 1\nsettings calendar=\"shop\" auto_close_days=5 "));
        assert!(text.contains("\n Mon [540-720 810-1080]\n"), "{text}");
        assert!(text.contains("\n holiday 2026-10-01\n holiday 2026-10-02\n"), "{text}");
        assert!(text.contains("\n target 1800s 3600s 5400s\n"), "{text}");
        assert!(text.contains("pause=[resolved waiting]"), "{text}");
    }
}

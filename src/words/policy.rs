//! A policy file's problems in the reader's words: `file:line: field: what is wrong`.
//! The file's own text (names, values, the origin) is sanitised: it may hold anything.

use crate::domain::policy::{Expected, PolicyError, Problem, Required, StartEvent, StopEvent, ValueKind};
use crate::domain::text::sanitize_line;
use crate::domain::ticket::{Kind, Status};
use crate::t;

/// Every problem, one per line, in the order given (the parser gives line order).
pub fn errors(errors: &[PolicyError], lang: &str) -> String {
    errors.iter().map(|e| error(e, lang)).collect::<Vec<_>>().join("\n")
}

/// One problem with its place: `policy.toml:4: calendars.shop.tue: ...`.
pub fn error(e: &PolicyError, lang: &str) -> String {
    let origin = sanitize_line(&e.origin);
    let problem = problem(&e.problem, lang);
    if e.path.is_empty() {
        t!(
            "policy.located_nowhere",
            locale = lang,
            origin = origin,
            line = e.line,
            problem = problem
        )
        .to_string()
    } else {
        t!(
            "policy.located",
            locale = lang,
            origin = origin,
            line = e.line,
            path = sanitize_line(&e.path),
            problem = problem
        )
        .to_string()
    }
}

/// What is wrong, without the place.
pub fn problem(p: &Problem, lang: &str) -> String {
    let q = |s: &str| sanitize_line(s);
    match p {
        Problem::Syntax(message) => t!("policy.syntax", locale = lang, message = q(message)).to_string(),
        Problem::UnknownKey { allowed } => {
            t!("policy.unknown_key", locale = lang, allowed = allowed.join(", ")).to_string()
        }
        Problem::WrongType {
            expected: Some(expected),
            found,
        } => t!(
            "policy.wrong_type",
            locale = lang,
            expected = expected_words(*expected, lang),
            found = found_words(*found, lang)
        )
        .to_string(),
        Problem::WrongType { expected: None, found } => t!(
            "policy.unexpected_type",
            locale = lang,
            found = found_words(*found, lang)
        )
        .to_string(),
        Problem::Missing(Required::Timezone) => t!("policy.missing_timezone", locale = lang).to_string(),
        Problem::Missing(Required::Stop) => t!("policy.missing_stop", locale = lang).to_string(),
        Problem::Missing(Required::Target) => t!("policy.missing_target", locale = lang).to_string(),
        Problem::Missing(Required::Priority(p)) => {
            t!("policy.missing_priority", locale = lang, priority = p.slug()).to_string()
        }
        Problem::NoCalendar => t!("policy.no_calendar", locale = lang).to_string(),
        Problem::UnknownTimezone(name) => t!("policy.unknown_timezone", locale = lang, name = q(name)).to_string(),
        Problem::BadRange { text, why } => {
            t!("policy.bad_range", locale = lang, text = q(text), why = q(why)).to_string()
        }
        Problem::RangesOverlap { text, before, range } => t!(
            "policy.overlap",
            locale = lang,
            text = q(text),
            before = before.to_string(),
            range = range.to_string()
        )
        .to_string(),
        Problem::RangesUnsorted { text, before, range } => t!(
            "policy.unsorted",
            locale = lang,
            text = q(text),
            before = before.to_string(),
            range = range.to_string()
        )
        .to_string(),
        Problem::BadDate(text) => t!("policy.bad_date", locale = lang, text = q(text)).to_string(),
        // The target's own reason (it quotes the text).
        Problem::BadTarget(e) => crate::words::errors::target(e, lang),
        Problem::BadExtension(e) => t!(
            "policy.bad_extension",
            locale = lang,
            target = crate::words::errors::target(e, lang),
            none = crate::domain::policy::NO_EXTENSION
        )
        .to_string(),
        Problem::UnknownStart(text) => {
            let choices: Vec<&str> = StartEvent::ALL.iter().map(|e| e.slug()).collect();
            t!(
                "policy.unknown_start",
                locale = lang,
                text = q(text),
                choices = choices.join(", ")
            )
            .to_string()
        }
        Problem::UnknownStop(text) => {
            let choices: Vec<&str> = StopEvent::ALL.iter().map(|e| e.slug()).collect();
            t!(
                "policy.unknown_stop",
                locale = lang,
                text = q(text),
                choices = choices.join(", ")
            )
            .to_string()
        }
        Problem::UnknownStatus(text) => t!(
            "policy.unknown_status",
            locale = lang,
            text = q(text),
            choices = Status::choices()
        )
        .to_string(),
        Problem::UnknownKind(text) => t!(
            "policy.unknown_kind",
            locale = lang,
            text = q(text),
            choices = Kind::choices()
        )
        .to_string(),
        Problem::UnknownCalendar { name, defined } => {
            let defined: Vec<String> = defined.iter().map(|d| q(d)).collect();
            t!(
                "policy.unknown_calendar",
                locale = lang,
                name = q(name),
                defined = defined.join(", ")
            )
            .to_string()
        }
        Problem::AutoCloseDays(n) => t!("policy.auto_close_days", locale = lang, value = n).to_string(),
        Problem::CallbackShare(x) => t!("policy.callback_share", locale = lang, value = x).to_string(),
        Problem::WarnAt(x) => t!("policy.warn_at", locale = lang, value = x).to_string(),
        Problem::ExtensionUnit => t!("policy.extension_unit", locale = lang).to_string(),
        Problem::Calendar(why) => t!("policy.calendar", locale = lang, why = q(why)).to_string(),
    }
}

fn expected_words(e: Expected, lang: &str) -> String {
    match e {
        Expected::String => t!("policy.expected.string", locale = lang),
        Expected::Integer => t!("policy.expected.integer", locale = lang),
        Expected::Number => t!("policy.expected.number", locale = lang),
        Expected::Boolean => t!("policy.expected.boolean", locale = lang),
        Expected::Table => t!("policy.expected.table", locale = lang),
        Expected::Array => t!("policy.expected.array", locale = lang),
        Expected::Date => t!("policy.expected.date", locale = lang),
        Expected::Target => t!("policy.expected.target", locale = lang),
        Expected::Label => t!("policy.expected.label", locale = lang),
        Expected::Extension => t!(
            "policy.expected.extension",
            locale = lang,
            none = crate::domain::policy::NO_EXTENSION
        ),
    }
    .to_string()
}

fn found_words(k: ValueKind, lang: &str) -> String {
    match k {
        ValueKind::String => t!("policy.found.string", locale = lang),
        ValueKind::Integer => t!("policy.found.integer", locale = lang),
        ValueKind::Float => t!("policy.found.float", locale = lang),
        ValueKind::Boolean => t!("policy.found.boolean", locale = lang),
        ValueKind::Datetime => t!("policy.found.datetime", locale = lang),
        ValueKind::Array => t!("policy.found.array", locale = lang),
        ValueKind::Table => t!("policy.found.table", locale = lang),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::Policy;

    #[test]
    fn problems_read_in_both_languages_with_their_place() {
        let text = "[calendars.shop]\ntimezone = \"Asia/Shanghai\"\nmon = [\"09:00-12:00\", \"11:00-13:00\"]\n\
                    [metrics.m]\nstop = \"resolved\"\ntarget = 5\n";
        let all = Policy::parse(text, "p.toml").unwrap_err();
        assert_eq!(
            errors(&all, "en"),
            "p.toml:3: calendars.shop.mon: range \"11:00-13:00\": ranges overlap: 09:00-12:00 and 11:00-13:00\n\
             p.toml:6: metrics.m.target: expected a target (\"30m\", \"2h\", \"1h30m\", \"3d\") or \
             { urgent = ..., important = ..., normal = ... }, found an integer"
        );
        let zh = errors(&all, "zh-CN");
        assert!(
            zh.starts_with("p.toml:3: calendars.shop.mon:时段“11:00-13:00”：时段重叠"),
            "{zh}"
        );
        assert!(zh.contains("p.toml:6: metrics.m.target:应为目标"), "{zh}");
        assert!(zh.ends_with("实为整数"), "{zh}");
    }

    #[test]
    fn the_file_text_is_sanitised() {
        let text = "[calendars.shop]\ntimezone = \"Mars\u{1b}[31m\"\n";
        let all = Policy::parse(text, "p\u{7}.toml").unwrap_err();
        let shown = errors(&all, "en");
        assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'), "{shown:?}");
    }
}

//! SLA words: an explanation's typed steps, extension refusals and business durations, in the
//! reader's language. The domain hands over values; only this file turns them into sentences.

use crate::domain::policy::Policy;
use crate::domain::sla::{ClockState, Ending, ExtensionError, Outcome, Step};
use crate::domain::target::Target;
use crate::domain::text::sanitize_line;
use crate::t;
use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Timelike, Weekday};
use chrono_tz::Tz;

/// Every step of `sla::explain`, one line each.
pub fn lines(steps: &[Step], policy: &Policy, lang: &str) -> Vec<String> {
    steps.iter().map(|s| step(s, policy, lang)).collect()
}

/// One line of an explanation.
pub fn step(step: &Step, policy: &Policy, lang: &str) -> String {
    let at = |t: &DateTime<Tz>| local(t, lang);
    match step {
        Step::Header {
            metric,
            cycle,
            target,
            calendar,
            started,
        } => t!(
            "explain.header",
            locale = lang,
            metric = sanitize_line(metric),
            cycle = cycle,
            label = super::metric(policy, metric, lang),
            target = target_text(target, lang),
            calendar = sanitize_line(calendar),
            tz = started.timezone().name(),
            started = at(started)
        )
        .to_string(),
        Step::WorkingDays { n, start_day } => t!(
            super::counted("explain.working_days", *n as usize),
            locale = lang,
            n = n,
            day = start_day
        )
        .to_string(),
        Step::Retargeted { at: when, retarget } => {
            let field = retarget.field.as_str();
            let value = match field {
                "priority" | "kind" | "complexity" => super::word(field, &retarget.value, lang),
                _ => sanitize_line(&retarget.value),
            };
            let why = format!("{} -> {value}", super::word("field", field, lang));
            let key = if retarget.applied {
                "explain.retargeted"
            } else {
                "explain.retarget_kept"
            };
            t!(
                key,
                locale = lang,
                at = at(when),
                from = target_text(&retarget.from, lang),
                to = target_text(&retarget.to, lang),
                why = why
            )
            .to_string()
        }
        Step::Extended { at: when, by } => {
            t!("explain.extended", locale = lang, at = at(when), by = target(by, lang)).to_string()
        }
        Step::Paused {
            status,
            from,
            to,
            business_secs,
        } => t!(
            "explain.paused",
            locale = lang,
            status = super::word("status", status.slug(), lang),
            from = at(from),
            to = to
                .as_ref()
                .map_or_else(|| t!("explain.now", locale = lang).to_string(), at),
            length = duration(*business_secs, lang)
        )
        .to_string(),
        Step::Open { start, end, secs } => t!(
            "explain.open",
            locale = lang,
            day = day(start.date_naive(), lang),
            from = start.format("%H:%M").to_string(),
            to = end_of_span(start, end),
            length = duration(*secs, lang)
        )
        .to_string(),
        Step::MoreSpans { n, at_least: false } => t!("explain.more_spans", locale = lang, n = n).to_string(),
        Step::MoreSpans { n, at_least: true } => t!("explain.more_spans_over", locale = lang, n = n).to_string(),
        Step::Holiday { date } => t!("explain.holiday", locale = lang, date = date).to_string(),
        Step::Override { date, ranges } => {
            let ranges = if ranges.is_empty() {
                t!("explain.closed", locale = lang).to_string()
            } else {
                let separator = t!("explain.separator", locale = lang).to_string();
                ranges
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
                    .join(&separator)
            };
            t!("explain.override", locale = lang, date = date, ranges = ranges).to_string()
        }
        Step::Dst {
            at: when,
            before,
            after,
        } => t!(
            "explain.dst",
            locale = lang,
            at = when.format("%Y-%m-%d %H:%M").to_string(),
            from = offset(*before),
            to = offset(*after)
        )
        .to_string(),
        Step::Due {
            due,
            outcome,
            state,
            breached,
            elapsed_secs,
            remaining_secs,
            paused_secs,
        } => {
            let due = due
                .as_ref()
                .map_or_else(|| t!("explain.never", locale = lang).to_string(), at);
            let outcome = match outcome {
                // Withdrawn is no success: it says when the clock stopped applying.
                Outcome::Met {
                    at: when,
                    how: Some(Ending::Withdrawn),
                } => t!("explain.withdrawn", locale = lang, at = at(when)),
                Outcome::Met {
                    at: when,
                    how: Some(how),
                } => t!("explain.met", locale = lang, at = at(when), how = ending(*how, lang)),
                Outcome::Met { at: when, how: None } => t!("explain.met_plain", locale = lang, at = at(when)),
                Outcome::NotMet { at: when } => t!("explain.not_met", locale = lang, at = at(when)),
                Outcome::Withdrawn { at: when } => t!("explain.withdrawn_at", locale = lang, at = at(when)),
            };
            // A clock met late still says it breached; a breached one says it once.
            let suffix = *breached && *state != ClockState::Breached;
            let mut state = super::word("clock", state.slug(), lang);
            if suffix {
                state.push_str(&t!("explain.breached", locale = lang));
            }
            t!(
                "explain.due",
                locale = lang,
                due = due,
                outcome = outcome,
                state = state,
                elapsed = duration(*elapsed_secs, lang),
                remaining = duration(*remaining_secs, lang),
                paused = duration(*paused_secs, lang)
            )
            .to_string()
        }
    }
}

/// Why a clock stopped.
pub fn ending(e: Ending, lang: &str) -> String {
    let key = match e {
        Ending::OutboundContact => "outbound_contact",
        Ending::Plan => "plan",
        Ending::Resolved => "resolved",
        Ending::Closed => "closed",
        Ending::EndedByResolving => "ended_by_resolving",
        Ending::EndedByClosing => "ended_by_closing",
        Ending::Withdrawn => "withdrawn",
    };
    t!(format!("explain.ending.{key}"), locale = lang).to_string()
}

/// Business seconds in words: `1h30m`, `1小时30分钟` ("0m" for zero, '-' when negative).
pub fn duration(secs: i64, lang: &str) -> String {
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a % 3600 / 60, a % 60);
    let mut out = String::from(if secs < 0 { "-" } else { "" });
    if h > 0 {
        out += &t!("duration.hours", locale = lang, n = h);
    }
    if m > 0 || a == 0 {
        out += &t!("duration.minutes", locale = lang, n = m);
    }
    if s > 0 {
        out += &t!("duration.seconds", locale = lang, n = s);
    }
    out
}

/// A target in words: working days, or business time as `duration` writes it.
pub fn target(t: &Target, lang: &str) -> String {
    match t {
        Target::WorkingDays(n) => t!("duration.working_days", locale = lang, n = n).to_string(),
        Target::Business(secs) => duration(*secs, lang),
    }
}

/// Target text as stored ("2d", "1h30m"), in words; unreadable text is shown as it is.
pub fn target_text(text: &str, lang: &str) -> String {
    text.parse::<Target>()
        .map_or_else(|_| sanitize_line(text), |t| target(&t, lang))
}

/// Why an extension was refused, in the reader's language.
pub fn extension_error(e: &ExtensionError, lang: &str) -> String {
    match e {
        ExtensionError::UnknownMetric(m) => {
            t!("extend.unknown_metric", locale = lang, metric = sanitize_line(m)).to_string()
        }
        ExtensionError::NotExtendable(m) => {
            t!("extend.not_extendable", locale = lang, metric = sanitize_line(m)).to_string()
        }
        ExtensionError::NotExtendableForKind { metric, kind, kinds } => {
            let kind_word = |k: &crate::domain::ticket::Kind| super::word("kind", k.slug(), lang);
            let kinds: Vec<String> = kinds.iter().map(kind_word).collect();
            t!(
                "extend.not_extendable_for_kind",
                locale = lang,
                metric = sanitize_line(metric),
                kind = kind_word(kind),
                kinds = kinds.join(&t!("refusal.separator", locale = lang))
            )
            .to_string()
        }
        ExtensionError::NotRunning(m) => t!("extend.not_running", locale = lang, metric = sanitize_line(m)).to_string(),
        ExtensionError::AlreadyMet(m) => t!("extend.already_met", locale = lang, metric = sanitize_line(m)).to_string(),
        ExtensionError::AlreadyBreached { metric, due } => t!(
            "extend.already_breached",
            locale = lang,
            metric = sanitize_line(metric),
            due = due.to_rfc3339_opts(SecondsFormat::Secs, true)
        )
        .to_string(),
        ExtensionError::WrongUnit { metric, max } => {
            let key = if max.is_days() {
                "extend.wrong_unit_days"
            } else {
                "extend.wrong_unit_time"
            };
            t!(
                key,
                locale = lang,
                metric = sanitize_line(metric),
                max = target(max, lang)
            )
            .to_string()
        }
        ExtensionError::BeyondMaximum {
            metric,
            max,
            granted,
            asked,
        } => t!(
            "extend.beyond_maximum",
            locale = lang,
            metric = sanitize_line(metric),
            max = target(max, lang),
            granted = granted.map_or_else(|| t!("extend.nothing", locale = lang).to_string(), |g| target(&g, lang)),
            asked = target(asked, lang)
        )
        .to_string(),
    }
}

/// A local instant with its weekday and UTC offset: `2026-03-27 Fri 11:00:00 +01:00`.
fn local(t: &DateTime<Tz>, lang: &str) -> String {
    format!("{} {}", day(t.date_naive(), lang), t.format("%H:%M:%S %:z"))
}

/// A date with its weekday: `2026-03-27 Fri`, `2026-03-27 周五`.
fn day(date: NaiveDate, lang: &str) -> String {
    let wd = match date.weekday() {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    };
    format!(
        "{} {}",
        date.format("%Y-%m-%d"),
        t!(format!("weekday.{wd}"), locale = lang)
    )
}

/// A span's end as the calendar writes it: a span running to the next local midnight ends at
/// "24:00", not "00:00".
fn end_of_span(start: &DateTime<Tz>, end: &DateTime<Tz>) -> String {
    let midnight = end.hour() == 0 && end.minute() == 0 && end.second() == 0;
    if end.date_naive() > start.date_naive() && midnight {
        "24:00".to_string()
    } else {
        end.format("%H:%M").to_string()
    }
}

fn offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
}

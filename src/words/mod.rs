//! Words: what the front ends call things, in the reader's language: the CLI and the board share
//! these so a log entry or a clock reads the same in both. Untrusted parts are sanitised.

pub mod errors;
pub mod events;

pub mod app;
pub mod catalogue;
pub mod duration;
pub mod explain;
pub mod housekeeping;
pub mod import;
pub mod mail;
pub mod policy;
pub mod review;
pub mod verify;

use crate::domain::log::{Direction, Event};
use crate::domain::policy::Policy;
use crate::domain::text::sanitize_line;
use crate::t;

/// `text` as an aside: " (R)" in English, "（R）" in Chinese (full-width, no space).
pub fn aside(text: &str, lang: &str) -> String {
    t!("punct.aside", locale = lang, text = text).to_string()
}

/// Items as a list: "#1, #2" in English, "#1、#2" in Chinese.
pub fn list(items: &[String], lang: &str) -> String {
    items.join(&t!("refusal.separator", locale = lang))
}

/// A vocabulary word ("priority", "urgent") from the catalogue.
pub fn word(group: &str, slug: &str, lang: &str) -> String {
    t!(format!("{group}.{slug}"), locale = lang).to_string()
}

/// A metric's label from the policy, or its name when the policy no longer has it.
pub fn metric(policy: &Policy, metric: &str, lang: &str) -> String {
    sanitize_line(policy.metric(metric).map_or(metric, |m| m.label(lang)))
}

/// Where a callback stands: to call, not reached (with the number of tries), reached (with
/// the score).
pub fn callback_state(c: &crate::domain::callback::Callback, lang: &str) -> String {
    match &c.outcome {
        None => t!("callback.pending", locale = lang).to_string(),
        Some(o) if !o.reached => t!("callback.not_reached_n", locale = lang, n = c.attempts).to_string(),
        Some(o) => match o.score {
            Some(s) => t!("callback.scored", locale = lang, score = s).to_string(),
            None => t!("callback.reached", locale = lang).to_string(),
        },
    }
}

/// Who wrote a log entry: a person's name as given, Promptly itself in the reader's words.
pub fn author(name: &str, lang: &str) -> String {
    if name == crate::desk::SYSTEM_AUTHOR {
        t!("event.system", locale = lang)
    } else {
        sanitize_line(name)
    }
}

/// One value of a breakdown as a reader sees it: the vocabulary's word, an owner's name
/// (sanitised; "nobody" for tickets nobody owns).
pub fn facet(f: &crate::domain::kpi::Facet, lang: &str) -> String {
    match f {
        crate::domain::kpi::Facet::Owner(name) if name.is_empty() => t!("owner.nobody", locale = lang).to_string(),
        crate::domain::kpi::Facet::Owner(name) => sanitize_line(name),
        other => word(other.dimension().slug(), other.slug(), lang),
    }
}

/// One line saying what a log entry records ("outbound call", "status open -> waiting").
pub fn event(event: &Event, policy: &Policy, lang: &str) -> String {
    match event {
        Event::Opened {
            priority,
            kind,
            complexity,
            ..
        } => t!(
            "event.opened",
            locale = lang,
            priority = word("priority", priority.slug(), lang),
            kind = word("kind", kind.slug(), lang),
            complexity = word("complexity", complexity.slug(), lang)
        )
        .to_string(),
        Event::Note => t!("event.note", locale = lang).to_string(),
        Event::Plan => t!("event.plan", locale = lang).to_string(),
        Event::Contact { method, direction } => {
            let key = match direction {
                Direction::Outbound => "event.outbound",
                Direction::Inbound => "event.inbound",
            };
            t!(key, locale = lang, method = word("contact", method.slug(), lang)).to_string()
        }
        Event::Status { from, to } => t!(
            "event.status",
            locale = lang,
            from = word("status", from.slug(), lang),
            to = word("status", to.slug(), lang)
        )
        .to_string(),
        Event::Field { field, from, to, .. } => {
            // Vocabulary fields hold slugs ("urgent"): show them in the reader's words.
            let value = |v: &str| match field.as_str() {
                "priority" | "kind" | "complexity" | "channel" if !v.is_empty() => word(field, v, lang),
                _ => sanitize_line(v),
            };
            t!(
                "event.field",
                locale = lang,
                field = word("field", field, lang),
                from = value(from),
                to = value(to)
            )
            .to_string()
        }
        Event::Extended { metric: name, by } => t!(
            "event.extended",
            locale = lang,
            metric = metric(policy, name, lang),
            by = sanitize_line(by)
        )
        .to_string(),
        Event::System { .. } => t!("event.system", locale = lang).to_string(),
        Event::Confirmed => t!("event.confirmed", locale = lang).to_string(),
        Event::Judged {
            metric: name,
            cycle,
            class,
            remedy,
            amount_fen,
        } => {
            let amount = amount_fen
                .map(|a| format!(" {}", crate::domain::review::Amount(a)))
                .unwrap_or_default();
            t!(
                "event.judged",
                locale = lang,
                metric = metric(policy, name, lang),
                cycle = cycle,
                class = word("review.class", class.slug(), lang),
                remedy = format!("{}{amount}", word("review.remedy", remedy.slug(), lang))
            )
            .to_string()
        }
        Event::Callback { reached, score } => match (reached, score) {
            (true, Some(score)) => t!("callback.scored", locale = lang, score = score).to_string(),
            (true, None) => t!("callback.reached", locale = lang).to_string(),
            (false, _) => t!("callback.not_reached", locale = lang).to_string(),
        },
        Event::Imported { file, row } => {
            t!("event.imported", locale = lang, file = sanitize_line(file), row = row).to_string()
        }
        Event::Transferred { from, to } => {
            let nobody = || t!("owner.nobody", locale = lang).to_string();
            let name = |n: &str| if n.is_empty() { nobody() } else { sanitize_line(n) };
            t!("event.transferred", locale = lang, from = name(from), to = name(to)).to_string()
        }
    }
}

/// The key for a count: English says "1 ticket" but "2 tickets" (`KEY_one`); Chinese has the
/// same words for both.
pub fn counted(key: &str, n: usize) -> String {
    if n == 1 { format!("{key}_one") } else { key.to_string() }
}

/// A count with its noun (`count.NOUN`: "1 log entry", "3 tickets"), for a message that holds
/// two counts, each needing its own singular.
pub fn count_of(noun: &str, n: u64, lang: &str) -> String {
    t!(
        counted(&format!("count.{noun}"), usize::try_from(n).unwrap_or(usize::MAX)),
        locale = lang,
        n = n
    )
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::log::ContactMethod;

    #[test]
    fn a_count_of_one_is_singular_in_english() {
        assert_eq!(count_of("entries", 1, "en"), "1 log entry");
        assert_eq!(count_of("entries", 2, "en"), "2 log entries");
        assert_eq!(count_of("tickets", 1, "en"), "1 ticket");
        assert_eq!(count_of("tickets", 0, "en"), "0 tickets");
        assert_eq!(count_of("tickets", 1, "zh-CN"), "1 个工单");
    }

    #[test]
    fn events_read_in_both_languages() {
        let policy = Policy::builtin();
        let call = Event::Contact {
            method: ContactMethod::Call,
            direction: Direction::Outbound,
        };
        assert_eq!(event(&call, &policy, "en"), "outbound call");
        assert_eq!(event(&call, &policy, "zh-CN"), "主动电话");
        let ext = Event::Extended {
            metric: "resolution".into(),
            by: "3d".into(),
        };
        assert_eq!(event(&ext, &policy, "zh-CN"), "解决时限 延长 3d");
        let field = Event::Field {
            field: "title".into(),
            from: "a\u{1b}".into(),
            to: "b".into(),
            targets: None,
        };
        assert_eq!(event(&field, &policy, "en"), "title: a␛ -> b");
        let priority = Event::Field {
            field: "priority".into(),
            from: "urgent".into(),
            to: "normal".into(),
            targets: None,
        };
        assert_eq!(event(&priority, &policy, "zh-CN"), "优先级：紧急 -> 一般");
    }
}

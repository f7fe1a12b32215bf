//! `promptly verify`'s report in the reader's words.

use crate::desk::{Finding, Verification};
use crate::domain::text::sanitize_line;
use crate::t;

/// Findings listed one per line; the rest are counted.
const MAX_LISTED: usize = 50;

/// The whole report: what was checked, then each finding (or that there are none).
pub fn report(v: &Verification, lang: &str) -> String {
    let mut out = t!(
        if v.on_server {
            "verify.checked_server"
        } else {
            "verify.checked"
        },
        locale = lang,
        entries = super::count_of("entries", v.entries, lang),
        tickets = super::count_of("tickets", v.tickets, lang)
    );
    out.push('\n');
    if v.findings.is_empty() {
        out.push_str(&t!("verify.sound", locale = lang));
        out.push('\n');
        return out;
    }
    for f in v.findings.iter().take(MAX_LISTED) {
        out.push_str("  ");
        out.push_str(&finding(f, lang));
        out.push('\n');
    }
    if v.findings.len() > MAX_LISTED {
        out.push_str(&t!("verify.more", locale = lang, n = v.findings.len() - MAX_LISTED));
        out.push('\n');
    }
    out
}

/// The one-line summary a failed `verify` exits with.
pub fn summary(v: &Verification, lang: &str) -> String {
    t!(
        super::counted("verify.findings", v.findings.len()),
        locale = lang,
        n = v.findings.len()
    )
}

/// One finding.
pub fn finding(f: &Finding, lang: &str) -> String {
    match f {
        Finding::Integrity(text) => t!("verify.integrity", locale = lang, text = sanitize_line(text)),
        Finding::ForeignKey { table, rowid } => {
            t!(
                "verify.foreign_key",
                locale = lang,
                table = sanitize_line(table),
                rowid = rowid
            )
        }
        Finding::Schema { found, expected } => {
            t!("verify.schema", locale = lang, found = found, expected = expected)
        }
        Finding::TriggerMissing(name) => t!("verify.trigger", locale = lang, name = name),
        Finding::PromiseAltered { digest } => t!("verify.promise", locale = lang, digest = sanitize_line(digest)),
        Finding::LinkBroken { id, ticket_id } => t!("verify.link", locale = lang, id = id, ticket = ticket_id),
        Finding::HeadMissing { expected, found } => t!(
            "verify.head",
            locale = lang,
            expected = sanitize_line(expected),
            found = sanitize_line(found)
        ),
        Finding::ClocksDiffer {
            ticket_id,
            metric,
            cycle,
        } => t!(
            "verify.clock",
            locale = lang,
            ticket = ticket_id,
            metric = sanitize_line(metric),
            cycle = cycle
        ),
        Finding::TallyDiffers { name, kept, counted } => t!(
            "verify.tally",
            locale = lang,
            name = sanitize_line(name),
            kept = kept,
            counted = counted
        ),
        Finding::DeadlineRowDiffers { ticket_id } => t!("verify.deadline_row", locale = lang, ticket = ticket_id),
        Finding::Unreadable { ticket_id, reason } => t!(
            "verify.unreadable",
            locale = lang,
            ticket = ticket_id,
            reason = sanitize_line(reason)
        ),
    }
}

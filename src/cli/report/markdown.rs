//! The report as Markdown: tables, with untrusted text escaped.

use super::{compliance_rows, level_label, pct, sections, summary, title};
use crate::desk::{Desk, Report};
use crate::domain::text::sanitize_line;
use crate::t;
use std::fmt::Write as _;

/// Untrusted text for a Markdown table cell: sanitised, with Markdown's active characters
/// escaped so a title cannot add links, images, HTML or table columns.
pub(super) fn md(s: &str) -> String {
    let mut out = String::new();
    for c in sanitize_line(s).chars() {
        if "\\`*_[]<>#!|~&".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(super) fn markdown(desk: &Desk, r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", md(&title(desk, r)));
    let _ = writeln!(
        o,
        "{}\n",
        md(&t!(
            "report.generated",
            at = crate::cli::output::local(desk, r.generated_at)
        ))
    );
    let _ = writeln!(o, "| {} | |\n|---|---|", t!("report.figure"));
    for (label, value) in summary(r) {
        let _ = writeln!(o, "| {} | {} |", md(&label), md(&value));
    }
    let _ = writeln!(o, "\n## {}\n", t!("report.compliance"));
    let _ = writeln!(
        o,
        "| {} | {} | {} | {} | {} |\n|---|---:|---:|---:|---|",
        t!("report.metric"),
        t!("report.due"),
        t!("report.met"),
        t!("report.percent"),
        t!("report.level")
    );
    for (label, c) in compliance_rows(desk, r) {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            md(&label),
            c.due,
            c.met,
            pct(c.percent()),
            level_label(c.level())
        );
    }
    super::breakdown::trend_markdown(r, &mut o);
    super::breakdown::markdown(desk, r, &mut o);
    for sec in sections(desk, r) {
        let _ = writeln!(
            o,
            "\n## {}{}\n",
            md(&sec.heading),
            crate::words::aside(&sec.total.to_string(), crate::words::catalogue::locale())
        );
        if sec.lines.is_empty() {
            let _ = writeln!(o, "{}", t!("report.none"));
        } else {
            let _ = writeln!(
                o,
                "| # | {} | {} | {} | {} | {} |\n|---|---|---|---|---|---|",
                t!("report.metric"),
                t!("review.col.due"),
                t!("review.col.late"),
                md(&sec.extra),
                md(&sec.last)
            );
        }
        for l in &sec.lines {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} |",
                md(&l.ticket),
                md(&l.metric),
                md(&l.due),
                md(&l.late),
                md(&l.extra),
                md(&l.title)
            );
        }
        if sec.total > sec.lines.len() {
            let _ = writeln!(o, "\n{}", t!("report.more", count = sec.total - sec.lines.len()));
        }
        if let Some(note) = &sec.note {
            let _ = writeln!(o, "\n{}", md(note));
        }
    }
    o
}

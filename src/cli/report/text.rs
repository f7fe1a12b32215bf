//! The report as plain text: aligned columns for a terminal or an e-mail.

use super::{compliance_rows, level_label, pct, sections, summary, title};
use crate::desk::{Desk, Report};
use crate::domain::text::{fit, sanitize_line, width_of};
use crate::t;
use std::fmt::Write as _;

pub(super) fn text(desk: &Desk, r: &Report) -> String {
    let mut o = String::new();
    let head = title(desk, r);
    let _ = writeln!(o, "{head}");
    let _ = writeln!(
        o,
        "{}",
        "=".repeat(unicode_width::UnicodeWidthStr::width(head.as_str()))
    );
    let _ = writeln!(
        o,
        "{}\n",
        t!("report.generated", at = crate::cli::output::local(desk, r.generated_at))
    );
    let figures = summary(r);
    let figure_w = figures.iter().map(|(l, _)| width_of(l)).max().unwrap_or(0) + 1;
    for (label, value) in figures {
        let _ = writeln!(o, "{} {value}", fit(&label, figure_w));
    }
    let _ = writeln!(o, "\n{}", t!("report.compliance"));
    let rows = compliance_rows(desk, r);
    // The metric column as wide as its longest label (policy labels can be long).
    let label_w = rows
        .iter()
        .map(|(l, _)| width_of(l))
        .chain([width_of(&t!("report.metric"))])
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        o,
        "  {} {} {} {} {}",
        fit(&t!("report.metric"), label_w),
        fit(&t!("report.due"), 5),
        fit(&t!("report.met"), 5),
        fit(&t!("report.percent"), 7),
        t!("report.level")
    );
    for (label, c) in rows {
        let _ = writeln!(
            o,
            "  {} {} {} {} {}",
            fit(&label, label_w),
            fit(&c.due.to_string(), 5),
            fit(&c.met.to_string(), 5),
            fit(&pct(c.percent()), 7),
            level_label(c.level())
        );
    }
    super::breakdown::trend_text(r, &mut o);
    super::breakdown::text(desk, r, &mut o);
    for sec in sections(desk, r) {
        let _ = writeln!(
            o,
            "\n{}{}",
            sec.heading,
            crate::words::aside(&sec.total.to_string(), crate::words::catalogue::locale())
        );
        if sec.lines.is_empty() {
            let _ = writeln!(o, "  {}", t!("report.none"));
        }
        // The class, remedy and amount column is as wide as its widest entry: never cut.
        let extra_w = sec
            .lines
            .iter()
            .map(|l| width_of(&sanitize_line(&l.extra)))
            .max()
            .unwrap_or(0);
        // As wide as the longest lateness (display width: "26天5小时" takes nine columns).
        let late_w = sec.lines.iter().map(|l| width_of(&l.late)).max().unwrap_or(0).max(8);
        // The metric (with its cycle) as wide as the longest: never cut at a fixed width.
        let metric_w = sec.lines.iter().map(|l| width_of(&l.metric)).max().unwrap_or(0);
        let ticket_w = sec.lines.iter().map(|l| width_of(&l.ticket)).max().unwrap_or(0).max(6);
        for l in &sec.lines {
            let _ = writeln!(
                o,
                "  {} {} {} {} {} {}",
                fit(&l.ticket, ticket_w),
                fit(&l.metric, metric_w),
                fit(&l.due, 17),
                fit(&l.late, late_w),
                fit(&sanitize_line(&l.extra), extra_w),
                sanitize_line(&l.title)
            );
        }
        if sec.total > sec.lines.len() {
            let _ = writeln!(o, "  {}", t!("report.more", count = sec.total - sec.lines.len()));
        }
        if let Some(note) = &sec.note {
            let _ = writeln!(o, "  {note}");
        }
    }
    o
}

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
    for (label, value) in summary(r) {
        let _ = writeln!(o, "{} {value}", fit(&label, 22));
    }
    let _ = writeln!(o, "\n{}", t!("report.compliance"));
    let _ = writeln!(
        o,
        "  {} {} {} {} {}",
        fit(&t!("report.metric"), 24),
        fit(&t!("report.due"), 5),
        fit(&t!("report.met"), 5),
        fit(&t!("report.percent"), 7),
        t!("report.level")
    );
    for (label, c) in compliance_rows(desk, r) {
        let _ = writeln!(
            o,
            "  {} {} {} {} {}",
            fit(&label, 24),
            fit(&c.due.to_string(), 5),
            fit(&c.met.to_string(), 5),
            fit(&pct(c.percent()), 7),
            level_label(c.level())
        );
    }
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
        for l in &sec.lines {
            let _ = writeln!(
                o,
                "  {} {} {} {} {} {}",
                fit(&l.ticket, 6),
                fit(&l.metric, 22),
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

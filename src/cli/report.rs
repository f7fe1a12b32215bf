//! `promptly report daily|weekly|monthly`: the supervisor's service report as text, Markdown,
//! one self-contained HTML file (inline CSS and SVG, no scripts, no network) or JSON.

use super::args::{ReportArgs, ReportFormat};
use super::output::{metric_label, rfc3339};
use super::supervisor::{breach_json, remedy_label};
use super::{CliError, Result, Setup};
use crate::desk::{Desk, Report};
use crate::domain::kpi::{ACCEPTABLE_PERCENT, Compliance, Level, MINOR_PERCENT, PeriodKind};
use crate::domain::review::{Breach, BreachClass};
use crate::domain::target::format_secs;
use crate::domain::text::{fit, late, sanitize_line};
use crate::t;
use chrono::SecondsFormat;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

pub fn run(setup: &Setup, args: ReportArgs) -> Result<()> {
    let desk = setup.desk()?;
    let report = desk.report(args.period, args.date)?;
    let out = match args.format {
        ReportFormat::Json => {
            let mut s = super::output::json_text(&json_report(&desk, &report));
            s.push('\n');
            s
        }
        ReportFormat::Text => text(&desk, &report),
        ReportFormat::Md => markdown(&desk, &report),
        ReportFormat::Html => html(&desk, &report),
    };
    match args.output {
        Some(path) => {
            std::fs::write(&path, out).map_err(|e| CliError::failed(format!("{}: {e}", path.display())))?;
            eprintln!("{}", t!("report.written", path = path.display()));
        }
        None => print!("{out}"),
    }
    Ok(())
}

// ---------------------------------------------------------------- the figures, once

fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_string(), |p| format!("{p:.1}%"))
}

fn secs(s: Option<i64>) -> String {
    s.map_or_else(|| "—".to_string(), format_secs)
}

fn level_label(l: Option<Level>) -> String {
    l.map_or_else(String::new, |l| t!(format!("report.levels.{}", l.slug())).to_string())
}

fn class_label(c: Option<BreachClass>) -> String {
    match c {
        Some(c) => t!(format!("review.class.{}", c.slug())).to_string(),
        None => t!("report.unjudged").to_string(),
    }
}

fn title(desk: &Desk, r: &Report) -> String {
    let p = &r.kpis.period;
    let when = match p.kind {
        PeriodKind::Day => p.first.format("%Y-%m-%d").to_string(),
        PeriodKind::Week => format!("{} – {}", p.first.format("%Y-%m-%d"), p.last.format("%Y-%m-%d")),
        PeriodKind::Month => p.first.format("%Y-%m").to_string(),
    };
    format!(
        "{} {when} ({})",
        t!(format!("report.title.{}", p.kind.slug())),
        desk.policy().shop_calendar().tz().name()
    )
}

/// (label, value) rows of the summary.
fn summary(r: &Report) -> Vec<(String, String)> {
    let k = &r.kpis;
    let fr = &k.first_response;
    let b = &k.breaches;
    vec![
        (t!("report.opened").to_string(), k.opened.to_string()),
        (t!("report.resolved").to_string(), k.resolved.to_string()),
        (t!("report.closed").to_string(), k.closed.to_string()),
        (t!("report.reopened").to_string(), k.reopened.to_string()),
        (
            t!("report.resolution_rate").to_string(),
            format!("{} ({}/{})", pct(k.resolution_rate()), k.opened_now_resolved, k.opened),
        ),
        (
            t!("report.first_response").to_string(),
            t!(
                "report.first_response_value",
                median = secs(fr.median_secs),
                p90 = secs(fr.p90_secs),
                count = fr.count,
                pending = fr.pending
            )
            .to_string(),
        ),
        (
            t!("report.breaches").to_string(),
            t!(
                "report.breaches_value",
                total = b.total,
                minor = b.minor,
                major = b.major,
                unjudged = b.unjudged
            )
            .to_string(),
        ),
        (
            t!("report.satisfaction").to_string(),
            match k.satisfaction_average {
                Some(a) => t!(
                    "report.satisfaction_value",
                    average = format!("{a:.2}"),
                    count = k.satisfaction_count
                )
                .to_string(),
                None => "—".to_string(),
            },
        ),
        (
            t!("report.callbacks").to_string(),
            t!(
                "report.callbacks_value",
                done = k.callbacks_done,
                planned = k.callbacks_planned
            )
            .to_string(),
        ),
    ]
}

/// Compliance rows: (label, due, met, percent, level), metrics then the overall line.
fn compliance_rows(desk: &Desk, r: &Report) -> Vec<(String, Compliance)> {
    let mut rows: Vec<(String, Compliance)> = r
        .kpis
        .compliance
        .iter()
        .map(|c| (metric_label(desk, &c.metric), c.clone()))
        .collect();
    rows.push((t!("report.overall").to_string(), r.kpis.overall()));
    rows
}

struct Line {
    ticket: String,
    metric: String,
    due: String,
    late: String,
    extra: String,
    title: String,
}

fn breach_lines(desk: &Desk, list: &[Breach], extra: impl Fn(usize) -> String) -> Vec<Line> {
    let now = desk.now();
    list.iter()
        .enumerate()
        .map(|(i, b)| Line {
            ticket: format!("#{}", b.ticket_id),
            metric: if b.cycle > 1 {
                format!("{} ({})", metric_label(desk, &b.metric), b.cycle)
            } else {
                metric_label(desk, &b.metric)
            },
            due: super::output::local(desk, b.due_at),
            late: late(b.late_secs(now)),
            extra: extra(i),
            title: b.title.clone(),
        })
        .collect()
}

/// The report's lists: (heading, extra column heading, lines, total).
fn sections(desk: &Desk, r: &Report) -> Vec<(String, String, Vec<Line>, usize)> {
    let breached: Vec<Breach> = r.breached.iter().map(|(b, _)| b.clone()).collect();
    let judged: Vec<Line> = r
        .judged
        .iter()
        .map(|v| {
            let remedy = match v.judgement.amount {
                Some(a) => format!("{} {a}", remedy_label(v.judgement.remedy)),
                None => remedy_label(v.judgement.remedy),
            };
            Line {
                ticket: format!("#{}", v.ticket_id),
                metric: metric_label(desk, &v.metric),
                due: super::output::local(desk, v.due_at),
                late: late(v.late_secs),
                extra: format!("{}, {remedy}", class_label(Some(v.judgement.class))),
                title: v.judgement.reason.clone(),
            }
        })
        .collect();
    vec![
        (
            t!("report.overdue").to_string(),
            t!("col.status").to_string(),
            breach_lines(desk, &r.overdue, |i| super::output::status_label(r.overdue[i].status)),
            r.overdue.len(),
        ),
        (
            t!("report.breached").to_string(),
            t!("report.class").to_string(),
            breach_lines(desk, &breached, |i| class_label(r.breached[i].1)),
            breached.len(),
        ),
        (
            t!("report.awaiting").to_string(),
            t!("col.status").to_string(),
            breach_lines(desk, &r.awaiting, |i| super::output::status_label(r.awaiting[i].status)),
            r.awaiting_total,
        ),
        (
            t!("report.judged").to_string(),
            t!("report.judgement").to_string(),
            judged,
            r.judged.len(),
        ),
    ]
}

// ---------------------------------------------------------------- text

fn text(desk: &Desk, r: &Report) -> String {
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
        t!("report.generated", at = super::output::local(desk, r.generated_at))
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
    for (heading, _extra, lines, total) in sections(desk, r) {
        let _ = writeln!(o, "\n{heading} ({total})");
        if lines.is_empty() {
            let _ = writeln!(o, "  {}", t!("report.none"));
        }
        for l in &lines {
            let _ = writeln!(
                o,
                "  {} {} {} {} {} {}",
                fit(&l.ticket, 6),
                fit(&l.metric, 22),
                fit(&l.due, 17),
                fit(&l.late, 8),
                fit(&sanitize_line(&l.extra), 16),
                sanitize_line(&l.title)
            );
        }
        if total > lines.len() {
            let _ = writeln!(o, "  {}", t!("report.more", count = total - lines.len()));
        }
    }
    o
}

// ---------------------------------------------------------------- Markdown

/// Untrusted text for a Markdown table cell: sanitised, with Markdown's active characters
/// escaped so a title cannot add links, images, HTML or table columns.
fn md(s: &str) -> String {
    let mut out = String::new();
    for c in sanitize_line(s).chars() {
        if "\\`*_[]<>#!|~&".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn markdown(desk: &Desk, r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", md(&title(desk, r)));
    let _ = writeln!(
        o,
        "{}\n",
        md(&t!("report.generated", at = super::output::local(desk, r.generated_at)))
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
    for (heading, extra, lines, total) in sections(desk, r) {
        let _ = writeln!(o, "\n## {} ({total})\n", md(&heading));
        if lines.is_empty() {
            let _ = writeln!(o, "{}", t!("report.none"));
            continue;
        }
        let _ = writeln!(
            o,
            "| # | {} | {} | {} | {} | {} |\n|---|---|---|---|---|---|",
            t!("report.metric"),
            t!("review.col.due"),
            t!("review.col.late"),
            md(&extra),
            t!("col.title")
        );
        for l in &lines {
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
        if total > lines.len() {
            let _ = writeln!(o, "\n{}", t!("report.more", count = total - lines.len()));
        }
    }
    o
}

// ---------------------------------------------------------------- HTML

/// Untrusted text for HTML: sanitised (controls and bidi overrides made visible), then escaped.
fn h(s: &str) -> String {
    let mut out = String::new();
    for c in sanitize_line(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "
:root { --ok: #2e7d32; --minor: #ef6c00; --major: #c62828; --muted: #757575; --line: #ddd; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'PingFang SC', sans-serif;
       color: #212121; margin: 2em auto; max-width: 60em; padding: 0 1em; }
h1 { font-size: 1.5em; margin: 0 0 .2em; }
h2 { font-size: 1.15em; margin: 1.6em 0 .5em; border-bottom: 1px solid var(--line); padding-bottom: .2em; }
p.meta { color: var(--muted); margin: 0 0 1em; }
table { border-collapse: collapse; width: 100%; margin: .3em 0; }
th, td { text-align: left; padding: .25em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f5f5f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.list td:not(:last-child), table.list th { white-space: nowrap; }
table.summary td:first-child { width: 14em; color: #424242; }
.acceptable { color: var(--ok); } .minor { color: var(--minor); } .major { color: var(--major); }
.muted { color: var(--muted); }
svg { display: block; max-width: 100%; height: auto; margin: .5em 0; }
svg text { font: 11px system-ui, sans-serif; fill: #424242; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  table, svg { break-inside: avoid; }
  th { background: none; }
}
";

fn level_class(l: Option<Level>) -> &'static str {
    l.map_or("muted", |l| l.slug())
}

fn level_colour(l: Option<Level>) -> &'static str {
    match l {
        Some(Level::Acceptable) => "#2e7d32",
        Some(Level::Minor) => "#ef6c00",
        Some(Level::Major) => "#c62828",
        None => "#bdbdbd",
    }
}

/// Horizontal bars: compliance per metric, with the 80% and 50% lines.
fn compliance_svg(rows: &[(String, Compliance)]) -> String {
    let (label_w, bar_w, row_h, top) = (190.0, 420.0, 26.0, 22.0);
    let width = label_w + bar_w + 120.0;
    let height = top + row_h * rows.len() as f64 + 8.0;
    let x_at = |p: f64| label_w + bar_w * p / 100.0;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart compliance" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{}">"#,
        h(&t!("report.compliance"))
    );
    let _ = write!(s, "<title>{}</title>", h(&t!("report.compliance")));
    for (p, colour) in [(MINOR_PERCENT, "#ef6c00"), (ACCEPTABLE_PERCENT, "#2e7d32")] {
        let _ = write!(
            s,
            r#"<line x1="{x}" y1="{y0}" x2="{x}" y2="{y1}" stroke="{colour}" stroke-dasharray="4 3"/><text x="{x}" y="12" text-anchor="middle">{p:.0}%</text>"#,
            x = x_at(p),
            y0 = top - 6.0,
            y1 = height - 4.0
        );
    }
    for (i, (label, c)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            label_w - 8.0,
            y + 15.0,
            h(label)
        );
        let _ = write!(
            s,
            r##"<rect class="track" x="{label_w}" y="{}" width="{bar_w}" height="16" fill="#f0f0f0"/>"##,
            y + 3.0
        );
        if let Some(p) = c.percent() {
            let _ = write!(
                s,
                r#"<rect class="bar {}" x="{label_w}" y="{}" width="{:.1}" height="16" fill="{}"><title>{} {}/{} {p:.1}%</title></rect>"#,
                level_class(c.level()),
                y + 3.0,
                bar_w * p / 100.0,
                level_colour(c.level()),
                h(label),
                c.met,
                c.due
            );
        }
        let _ = write!(
            s,
            r#"<text x="{}" y="{}">{} ({}/{})</text>"#,
            label_w + bar_w + 6.0,
            y + 15.0,
            pct(c.percent()),
            c.met,
            c.due
        );
    }
    s.push_str("</svg>");
    s
}

/// Vertical bars: overall compliance of each of the last 30 days, with the 80% and 50% lines.
fn trend_svg(trend: &[(chrono::NaiveDate, Compliance)]) -> String {
    let (left, top, plot_h, bar_step) = (36.0, 10.0, 150.0, 20.0);
    let width = left + bar_step * trend.len() as f64 + 10.0;
    let height = top + plot_h + 34.0;
    let y_at = |p: f64| top + plot_h * (1.0 - p / 100.0);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart trend" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{}">"#,
        h(&t!("report.trend"))
    );
    let _ = write!(s, "<title>{}</title>", h(&t!("report.trend")));
    for p in [0.0, 50.0, 80.0, 100.0] {
        let colour = match p as i32 {
            50 => "#ef6c00",
            80 => "#2e7d32",
            _ => "#ccc",
        };
        let dash = if p == 50.0 || p == 80.0 {
            r#" stroke-dasharray="4 3""#
        } else {
            ""
        };
        let _ = write!(
            s,
            r#"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="{colour}"{dash}/><text x="{}" y="{}" text-anchor="end">{p:.0}%</text>"#,
            width - 6.0,
            left - 4.0,
            y_at(p) + 4.0,
            y = y_at(p)
        );
    }
    for (i, (date, c)) in trend.iter().enumerate() {
        let x = left + bar_step * i as f64 + 3.0;
        match c.percent() {
            Some(p) => {
                let _ = write!(
                    s,
                    r#"<rect class="day {}" x="{x}" y="{:.1}" width="{}" height="{:.1}" fill="{}"><title>{date}: {}/{} {p:.1}%</title></rect>"#,
                    level_class(c.level()),
                    y_at(p),
                    bar_step - 6.0,
                    (plot_h * p / 100.0).max(1.0),
                    level_colour(c.level()),
                    c.met,
                    c.due
                );
            }
            None => {
                let _ = write!(
                    s,
                    r##"<rect class="day none" x="{x}" y="{}" width="{}" height="2" fill="#bdbdbd"><title>{date}: —</title></rect>"##,
                    top + plot_h - 2.0,
                    bar_step - 6.0
                );
            }
        }
        if i % 5 == 0 || i + 1 == trend.len() {
            let _ = write!(
                s,
                r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
                x + (bar_step - 6.0) / 2.0,
                top + plot_h + 16.0,
                date.format("%m-%d")
            );
        }
    }
    s.push_str("</svg>");
    s
}

fn html(desk: &Desk, r: &Report) -> String {
    let lang = if crate::words::catalogue::locale().starts_with("zh") {
        "zh-CN"
    } else {
        "en"
    };
    let head = title(desk, r);
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        h(&head)
    );
    let _ = writeln!(o, "<h1>{}</h1>", h(&head));
    let _ = writeln!(
        o,
        "<p class=\"meta\">{}</p>",
        h(&t!("report.generated", at = super::output::local(desk, r.generated_at)))
    );
    let _ = writeln!(
        o,
        "<h2>{}</h2>\n<table class=\"summary\"><tbody>",
        h(&t!("report.figures"))
    );
    for (label, value) in summary(r) {
        let _ = writeln!(o, "<tr><td>{}</td><td>{}</td></tr>", h(&label), h(&value));
    }
    let _ = writeln!(o, "</tbody></table>");

    let rows = compliance_rows(desk, r);
    let _ = writeln!(o, "<h2>{}</h2>", h(&t!("report.compliance")));
    o.push_str(&compliance_svg(&rows));
    let _ = writeln!(
        o,
        "\n<table class=\"compliance\"><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>",
        h(&t!("report.metric")),
        h(&t!("report.due")),
        h(&t!("report.met")),
        h(&t!("report.percent")),
        h(&t!("report.level"))
    );
    for (label, c) in &rows {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"{}\">{}</td></tr>",
            h(label),
            c.due,
            c.met,
            pct(c.percent()),
            level_class(c.level()),
            h(&level_label(c.level()))
        );
    }
    let _ = writeln!(o, "</tbody></table>");
    let _ = writeln!(o, "<h2>{}</h2>", h(&t!("report.trend")));
    o.push_str(&trend_svg(&r.trend));
    o.push('\n');

    for (heading, extra, lines, total) in sections(desk, r) {
        let _ = writeln!(o, "<h2>{} ({total})</h2>", h(&heading));
        if lines.is_empty() {
            let _ = writeln!(o, "<p class=\"muted\">{}</p>", h(&t!("report.none")));
            continue;
        }
        let _ = writeln!(
            o,
            "<table class=\"list\"><thead><tr><th>#</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th>\
             <th>{}</th></tr></thead><tbody>",
            h(&t!("report.metric")),
            h(&t!("review.col.due")),
            h(&t!("review.col.late")),
            h(&extra),
            h(&t!("col.title"))
        );
        for l in &lines {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                h(&l.ticket),
                h(&l.metric),
                h(&l.due),
                h(&l.late),
                h(&l.extra),
                h(&l.title)
            );
        }
        let _ = writeln!(o, "</tbody></table>");
        if total > lines.len() {
            let _ = writeln!(
                o,
                "<p class=\"muted\">{}</p>",
                h(&t!("report.more", count = total - lines.len()))
            );
        }
    }
    o.push_str("</body>\n</html>\n");
    o
}

// ---------------------------------------------------------------- JSON

/// The stable keys of `report --format json` (README "Supervisor").
fn json_report(desk: &Desk, r: &Report) -> Value {
    let k = &r.kpis;
    let p = &k.period;
    let tz = desk.policy().shop_calendar().tz();
    let local = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&tz).to_rfc3339_opts(SecondsFormat::Secs, true);
    let compliance_json = |c: &Compliance| {
        json!({
            "due": c.due,
            "met": c.met,
            "percent": c.percent(),
            "level": c.level().map(|l| l.slug()),
        })
    };
    let mut compliance = Map::new();
    for c in &k.compliance {
        compliance.insert(c.metric.clone(), compliance_json(c));
    }
    let now = desk.now();
    json!({
        "report": p.kind.slug(),
        "period": {
            "from": local(p.from),
            "to": local(p.to),
            "first_day": p.first.to_string(),
            "last_day": p.last.to_string(),
            "timezone": tz.name(),
        },
        "generated_at": rfc3339(r.generated_at),
        "opened": k.opened,
        "resolved": k.resolved,
        "closed": k.closed,
        "reopened": k.reopened,
        "resolution_rate": {
            "resolved": k.opened_now_resolved,
            "opened": k.opened,
            "percent": k.resolution_rate(),
        },
        "first_response": {
            "median_secs": k.first_response.median_secs,
            "p90_secs": k.first_response.p90_secs,
            "count": k.first_response.count,
            "pending": k.first_response.pending,
        },
        "compliance": compliance,
        "compliance_overall": compliance_json(&k.overall()),
        "breaches": {
            "total": k.breaches.total,
            "minor": k.breaches.minor,
            "major": k.breaches.major,
            "unjudged": k.breaches.unjudged,
        },
        "satisfaction": {
            "average": k.satisfaction_average,
            "count": k.satisfaction_count,
        },
        "callbacks": {
            "planned": k.callbacks_planned,
            "done": k.callbacks_done,
        },
        "overdue": r.overdue.iter().map(|b| breach_json(b, now)).collect::<Vec<_>>(),
        "breached": r.breached.iter().map(|(b, class)| {
            let mut v = breach_json(b, now);
            v["class"] = json!(class.map(|c| c.slug()));
            v
        }).collect::<Vec<_>>(),
        "awaiting_review": {
            "total": r.awaiting_total,
            "items": r.awaiting.iter().map(|b| breach_json(b, now)).collect::<Vec<_>>(),
        },
        "judged": r.judged.iter().map(|v| json!({
            "ticket": v.ticket_id,
            "metric": v.metric,
            "cycle": v.cycle,
            "class": v.judgement.class.slug(),
            "reason": v.judgement.reason,
            "remedy": v.judgement.remedy.slug(),
            "amount": v.judgement.amount.map(|a| a.to_string()),
            "note": v.judgement.note,
            "late_secs": v.late_secs,
            "judged_at": rfc3339(v.judged_at),
            "judged_by": v.judged_by,
        })).collect::<Vec<_>>(),
        "trend": r.trend.iter().map(|(d, c)| json!({
            "date": d.to_string(),
            "due": c.due,
            "met": c.met,
            "percent": c.percent(),
        })).collect::<Vec<_>>(),
    })
}

//! The report as one self-contained HTML file: inline CSS and SVG, no scripts, no network.

use super::svg::{breach_svg, compliance_svg, trend_svg};
use super::{compliance_rows, level_label, pct, sections, summary, title};
use crate::desk::{Desk, Report};
use crate::domain::kpi::Level;
use crate::domain::text::sanitize_line;
use crate::t;
use std::fmt::Write as _;

/// Untrusted text for HTML: sanitised (controls and bidi overrides made visible), then escaped.
pub(super) fn h(s: &str) -> String {
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

/// Fonts: a CJK stack for the common platforms (Linux servers: fonts-noto-cjk), so Chinese
/// labels never print as boxes where one of them is installed. Print: A4, the running header
/// is the first row of the page table (`thead` repeats on every printed page); page numbers
/// come from the `@page` margin box where the browser supports it (Chromium 131+).
const CSS: &str = "
:root { --ok: #2e7d32; --minor: #ef6c00; --major: #c62828; --muted: #757575; --line: #ddd;
        --cjk: 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC',
       'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif;
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
table.page, table.page > * > tr > td { border: 0; padding: 0; margin: 0; }
table.page > thead { display: none; }
.running { color: var(--muted); font-size: 9pt; border-bottom: 1px solid var(--line); padding-bottom: 2mm; margin-bottom: 4mm; }
.acceptable { color: var(--ok); } .minor { color: var(--minor); } .major { color: var(--major); }
.muted { color: var(--muted); }
svg { display: block; max-width: 100%; height: auto; margin: .5em 0; }
svg text { font: 11px system-ui, var(--cjk); fill: #424242; }
svg text.small { font-size: 9px; fill: #616161; }
@page { size: A4; margin: 14mm 12mm 16mm;
        @bottom-right { content: counter(page) ' / ' counter(pages); font: 9pt sans-serif; color: #757575; } }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; padding: 0; }
  table.page > thead { display: table-header-group; }
  h2 { break-after: avoid; }
  tr, svg { break-inside: avoid; }
  th { background: none; }
}
";

/// Shop, period and when it was generated, for the top of every printed page.
fn running_header(desk: &Desk, title: &str) -> String {
    let shop = &desk.policy().settings.shop;
    if shop.is_empty() {
        title.to_string()
    } else {
        format!("{shop} · {title}")
    }
}

pub(super) fn level_class(l: Option<Level>) -> &'static str {
    l.map_or("muted", |l| l.slug())
}

pub(super) fn html(desk: &Desk, r: &Report) -> String {
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
    // The page table: its head is the running header of every printed page (hidden on screen).
    let _ = writeln!(
        o,
        "<table class=\"page\"><thead><tr><td><div class=\"running\">{}</div></td></tr></thead><tbody><tr><td>",
        h(&running_header(desk, &head))
    );
    let _ = writeln!(o, "<h1>{}</h1>", h(&head));
    let _ = writeln!(
        o,
        "<p class=\"meta\">{}</p>",
        h(&t!(
            "report.generated",
            at = crate::cli::output::local(desk, r.generated_at)
        ))
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
    // The breaches per day beside the compliance trend (under it when the page is narrow).
    let _ = writeln!(
        o,
        "<div class=\"trends\" style=\"display: flex; flex-wrap: wrap; gap: 0 2em\">\
         <div><h2>{}</h2>{}</div><div><h2>{}</h2>{}</div></div>",
        h(&t!("report.trend")),
        trend_svg(&r.trend),
        h(&t!("report.breach_trend")),
        breach_svg(&r.trend)
    );
    super::breakdown::html(desk, r, &mut o);

    for sec in sections(desk, r) {
        let _ = writeln!(
            o,
            "<h2>{}{}</h2>",
            h(&sec.heading),
            crate::words::aside(&sec.total.to_string(), crate::words::catalogue::locale())
        );
        if sec.lines.is_empty() {
            let _ = writeln!(o, "<p class=\"muted\">{}</p>", h(&t!("report.none")));
        } else {
            let _ = writeln!(
                o,
                "<table class=\"list\"><thead><tr><th>#</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th>\
                 <th>{}</th></tr></thead><tbody>",
                h(&t!("report.metric")),
                h(&t!("review.col.due")),
                h(&t!("review.col.late")),
                h(&sec.extra),
                h(&sec.last)
            );
            for l in &sec.lines {
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
        }
        if sec.total > sec.lines.len() {
            let _ = writeln!(
                o,
                "<p class=\"muted\">{}</p>",
                h(&t!("report.more", count = sec.total - sec.lines.len()))
            );
        }
        if let Some(note) = &sec.note {
            let _ = writeln!(o, "<p class=\"muted\">{}</p>", h(note));
        }
    }
    o.push_str("</td></tr></tbody></table>\n");
    o.push_str("</body>\n</html>\n");
    o
}

//! The report's breakdowns (compliance and breaches per metric and kind, priority or channel)
//! and the daily trend of compliance and breaches, in text, Markdown and HTML.

use super::html::{h, level_class};
use super::markdown::md;
use super::{level_label, pct};
use crate::cli::output::metric_label;
use crate::desk::{Desk, Report};
use crate::domain::kpi::{BreachCounts, Compliance, Dimension};
use crate::domain::text::width_of;
use crate::t;
use std::fmt::Write as _;

/// One line of a breakdown, in the reader's words.
pub(super) struct Row {
    pub metric: String,
    pub value: String,
    pub compliance: Compliance,
    pub breaches: String,
}

/// The breaches with their classes; a plain 0 when there are none.
fn breaches(b: &BreachCounts) -> String {
    if b.total == 0 {
        return "0".to_string();
    }
    t!(
        "report.breaches_value",
        total = b.total,
        minor = b.minor,
        major = b.major,
        unjudged = b.unjudged
    )
    .to_string()
}

pub(super) fn dim_label(dim: Dimension) -> String {
    t!(format!("report.dim.{}", dim.slug())).to_string()
}

pub(super) fn rows(desk: &Desk, r: &Report, dim: Dimension) -> Vec<Row> {
    let lang = crate::words::catalogue::locale();
    r.kpis
        .breakdowns
        .by(dim)
        .iter()
        .map(|c| Row {
            metric: metric_label(desk, &c.compliance.metric),
            value: crate::words::facet(&c.facet, lang),
            compliance: c.compliance.clone(),
            breaches: breaches(&c.breaches),
        })
        .collect()
}

/// The column headings of a breakdown of `dim`.
fn heads(dim: Dimension) -> [String; 7] {
    [
        t!("report.metric").to_string(),
        dim_label(dim),
        t!("report.due").to_string(),
        t!("report.met").to_string(),
        t!("report.percent").to_string(),
        t!("report.level").to_string(),
        t!("report.breaches").to_string(),
    ]
}

fn cells(row: &Row) -> [String; 7] {
    let c = &row.compliance;
    [
        row.metric.clone(),
        row.value.clone(),
        c.due.to_string(),
        c.met.to_string(),
        pct(c.percent()),
        level_label(c.level()),
        row.breaches.clone(),
    ]
}

/// Text columns as wide as their widest cell, numbers (`right`) flush right; the last column
/// is not padded.
fn text_table(o: &mut String, indent: &str, right: &[bool], table: &[Vec<String>]) {
    let cols = table.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..cols)
        .map(|i| table.iter().map(|r| width_of(&r[i])).max().unwrap_or(0))
        .collect();
    for row in table {
        let mut line = indent.to_string();
        for (i, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[i].saturating_sub(width_of(cell)));
            if right.get(i).copied().unwrap_or(false) {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if i + 1 < cols {
                    line.push_str(&pad);
                }
            }
            if i + 1 < cols {
                line.push(' ');
            }
        }
        let _ = writeln!(o, "{}", line.trim_end());
    }
}

pub(super) fn text(desk: &Desk, r: &Report, o: &mut String) {
    let _ = writeln!(o, "\n{}", t!("report.breakdown"));
    for dim in Dimension::ALL {
        let _ = writeln!(o, "  {}", t!("report.breakdown_by", dim = dim_label(dim)));
        let rows = rows(desk, r, dim);
        if rows.is_empty() {
            let _ = writeln!(o, "    {}", t!("report.none"));
            continue;
        }
        let mut table = vec![heads(dim).to_vec()];
        table.extend(rows.iter().map(|row| cells(row).to_vec()));
        text_table(o, "    ", &[false, false, true, true, true, false, false], &table);
    }
}

/// A trend day's figures: day, due, met, percent ("—" when nothing was due), breaches.
fn trend_cells(day: chrono::NaiveDate, c: &Compliance) -> Vec<String> {
    vec![
        day.to_string(),
        c.due.to_string(),
        c.met.to_string(),
        if c.due == 0 {
            t!("report.nothing_due").to_string()
        } else {
            pct(c.percent())
        },
        c.missed().to_string(),
    ]
}

fn trend_heads() -> Vec<String> {
    vec![
        t!("report.day").to_string(),
        t!("report.due").to_string(),
        t!("report.met").to_string(),
        t!("report.percent").to_string(),
        t!("report.breaches").to_string(),
    ]
}

pub(super) fn trend_text(r: &Report, o: &mut String) {
    let _ = writeln!(o, "\n{}", t!("report.trend_table"));
    let mut table = vec![trend_heads()];
    table.extend(r.trend.iter().map(|(d, c)| trend_cells(*d, c)));
    text_table(o, "  ", &[false, true, true, true, true], &table);
}

fn md_row(o: &mut String, cells: &[String]) {
    let cells: Vec<String> = cells.iter().map(|c| md(c)).collect();
    let _ = writeln!(o, "| {} |", cells.join(" | "));
}

pub(super) fn markdown(desk: &Desk, r: &Report, o: &mut String) {
    let _ = writeln!(o, "\n## {}", md(&t!("report.breakdown")));
    for dim in Dimension::ALL {
        let _ = writeln!(o, "\n### {}\n", md(&t!("report.breakdown_by", dim = dim_label(dim))));
        let rows = rows(desk, r, dim);
        if rows.is_empty() {
            let _ = writeln!(o, "{}", t!("report.none"));
            continue;
        }
        md_row(o, &heads(dim));
        let _ = writeln!(o, "|---|---|---:|---:|---:|---|---|");
        for row in &rows {
            md_row(o, &cells(row));
        }
    }
}

pub(super) fn trend_markdown(r: &Report, o: &mut String) {
    let _ = writeln!(o, "\n## {}\n", md(&t!("report.trend_table")));
    md_row(o, &trend_heads());
    let _ = writeln!(o, "|---|---:|---:|---:|---:|");
    for (d, c) in &r.trend {
        md_row(o, &trend_cells(*d, c));
    }
}

pub(super) fn html(desk: &Desk, r: &Report, o: &mut String) {
    let _ = writeln!(o, "<h2>{}</h2>", h(&t!("report.breakdown")));
    for dim in Dimension::ALL {
        let _ = writeln!(o, "<h3>{}</h3>", h(&t!("report.breakdown_by", dim = dim_label(dim))));
        let rows = rows(desk, r, dim);
        if rows.is_empty() {
            let _ = writeln!(o, "<p class=\"muted\">{}</p>", h(&t!("report.none")));
            continue;
        }
        let heads = heads(dim);
        let _ = write!(o, "<table class=\"breakdown {}\"><thead><tr>", dim.slug());
        for (i, head) in heads.iter().enumerate() {
            let num = if (2..5).contains(&i) { " class=\"num\"" } else { "" };
            let _ = write!(o, "<th{num}>{}</th>", h(head));
        }
        let _ = writeln!(o, "</tr></thead><tbody>");
        for row in &rows {
            let c = &row.compliance;
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"{}\">{}</td><td>{}</td></tr>",
                h(&row.metric),
                h(&row.value),
                c.due,
                c.met,
                pct(c.percent()),
                level_class(c.level()),
                h(&level_label(c.level())),
                h(&row.breaches)
            );
        }
        let _ = writeln!(o, "</tbody></table>");
    }
}

/// The daily trend as a table for CSV and XLSX.
pub(super) fn trend_table(r: &Report) -> super::Table {
    super::Table {
        title: t!("report.trend_table").to_string(),
        headers: trend_heads(),
        rows: r.trend.iter().map(|(d, c)| trend_cells(*d, c)).collect(),
    }
}

/// Each breakdown as a table for CSV and XLSX (titled by its dimension: Kind, 按类型).
pub(super) fn tables(desk: &Desk, r: &Report) -> Vec<super::Table> {
    Dimension::ALL
        .into_iter()
        .map(|dim| super::Table {
            title: t!("report.breakdown_by", dim = dim_label(dim)).to_string(),
            headers: heads(dim).to_vec(),
            rows: rows(desk, r, dim).iter().map(|row| cells(row).to_vec()).collect(),
        })
        .collect()
}

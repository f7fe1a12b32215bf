//! The report's two charts as inline SVG: compliance per metric and the 30-day trend.

use super::html::{h, level_class};
use super::pct;
use crate::domain::kpi::{ACCEPTABLE_PERCENT, Compliance, Level, MINOR_PERCENT};
use crate::t;
use std::fmt::Write as _;

fn level_colour(l: Option<Level>) -> &'static str {
    match l {
        Some(Level::Acceptable) => "#2e7d32",
        Some(Level::Minor) => "#ef6c00",
        Some(Level::Major) => "#c62828",
        None => "#bdbdbd",
    }
}

/// Horizontal bars: compliance per metric, with the 80% and 50% lines.
pub(super) fn compliance_svg(rows: &[(String, Compliance)]) -> String {
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
/// Each day says met of due under its bar; a day with nothing due is an empty dashed box, not
/// a 0% bar. The axis gives the day of the month and, below, the month where it starts.
pub(super) fn trend_svg(trend: &[(chrono::NaiveDate, Compliance)]) -> String {
    use chrono::Datelike;
    let (left, top, plot_h, bar_step) = (36.0, 10.0, 150.0, 26.0);
    let width = left + bar_step * trend.len() as f64 + 10.0;
    // Under the plot: the met/due counts (turned upright, so 35/37 fits a bar's width), the
    // day of the month, and the month.
    let (count_at, day_at, month_at) = (top + plot_h + 4.0, top + plot_h + 42.0, top + plot_h + 56.0);
    let height = top + plot_h + 62.0;
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
    let bar_w = bar_step - 6.0;
    for (i, (date, c)) in trend.iter().enumerate() {
        let x = left + bar_step * i as f64 + 3.0;
        let mid = x + bar_w / 2.0;
        match c.percent() {
            Some(p) => {
                let _ = write!(
                    s,
                    r#"<rect class="day {}" x="{x}" y="{:.1}" width="{bar_w}" height="{:.1}" fill="{}"><title>{date}: {}/{} {p:.1}%</title></rect>"#,
                    level_class(c.level()),
                    y_at(p).min(top + plot_h - 2.0),
                    (plot_h * p / 100.0).max(2.0),
                    level_colour(c.level()),
                    c.met,
                    c.due
                );
            }
            None => {
                let _ = write!(
                    s,
                    r##"<rect class="day none" x="{x}" y="{top}" width="{bar_w}" height="{plot_h}" fill="none" stroke="#bdbdbd" stroke-dasharray="2 3"><title>{date}: {}</title></rect>"##,
                    h(&t!("report.nothing_due"))
                );
            }
        }
        // met/due under every bar: 1/1 and 10/10 differ, and "—" where nothing was due.
        let count = if c.due == 0 {
            "—".to_string()
        } else {
            format!("{}/{}", c.met, c.due)
        };
        let _ = write!(
            s,
            r#"<text class="small count" x="{x}" y="{y}" text-anchor="end" transform="rotate(-90 {x} {y})">{count}</text>"#,
            x = mid + 3.0,
            y = count_at
        );
        if i % 5 == 0 || i + 1 == trend.len() {
            let _ = write!(
                s,
                r#"<text x="{mid}" y="{day_at}" text-anchor="middle">{}</text>"#,
                date.day()
            );
        }
        // The month where the axis starts (unless a new one starts a few bars on) and where
        // each new one starts.
        let starts_soon = trend.iter().take(4).skip(1).any(|(d, _)| d.day() == 1);
        if (i == 0 && !starts_soon) || date.day() == 1 {
            let _ = write!(
                s,
                r#"<text class="month" x="{x}" y="{month_at}">{}</text>"#,
                date.format("%Y-%m")
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Vertical bars: the breaches of each of the last 30 days (due that day, not met in time),
/// on the same day axis as the compliance trend; a day with nothing due is an empty dashed box.
pub(super) fn breach_svg(trend: &[(chrono::NaiveDate, Compliance)]) -> String {
    use chrono::Datelike;
    let (left, top, plot_h, bar_step) = (36.0, 10.0, 150.0, 26.0);
    let width = left + bar_step * trend.len() as f64 + 10.0;
    let (count_at, day_at) = (top + plot_h + 14.0, top + plot_h + 42.0);
    let height = top + plot_h + 62.0;
    let most = trend.iter().map(|(_, c)| c.missed()).max().unwrap_or(0).max(1);
    let y_at = |n: f64| top + plot_h * (1.0 - n / most as f64);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart breaches" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{}">"#,
        h(&t!("report.breach_trend"))
    );
    let _ = write!(s, "<title>{}</title>", h(&t!("report.breach_trend")));
    for n in [0, most] {
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="#ccc"/><text x="{}" y="{}" text-anchor="end">{n}</text>"##,
            width - 6.0,
            left - 4.0,
            y_at(n as f64) + 4.0,
            y = y_at(n as f64)
        );
    }
    let bar_w = bar_step - 6.0;
    for (i, (date, c)) in trend.iter().enumerate() {
        let x = left + bar_step * i as f64 + 3.0;
        let mid = x + bar_w / 2.0;
        let n = c.missed();
        if c.due == 0 {
            let _ = write!(
                s,
                r##"<rect class="day none" x="{x}" y="{top}" width="{bar_w}" height="{plot_h}" fill="none" stroke="#bdbdbd" stroke-dasharray="2 3"><title>{date}: {}</title></rect>"##,
                h(&t!("report.nothing_due"))
            );
        } else if n > 0 {
            let _ = write!(
                s,
                r##"<rect class="day breached" x="{x}" y="{:.1}" width="{bar_w}" height="{:.1}" fill="#c62828"><title>{date}: {n}</title></rect>"##,
                y_at(n as f64),
                plot_h * n as f64 / most as f64
            );
        }
        let count = if c.due == 0 { "—".to_string() } else { n.to_string() };
        let _ = write!(
            s,
            r#"<text class="small count" x="{mid}" y="{count_at}" text-anchor="middle">{count}</text>"#
        );
        if i % 5 == 0 || i + 1 == trend.len() {
            let _ = write!(
                s,
                r#"<text x="{mid}" y="{day_at}" text-anchor="middle">{}</text>"#,
                date.day()
            );
        }
    }
    s.push_str("</svg>");
    s
}

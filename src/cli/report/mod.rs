//! `promptly report daily|weekly|monthly`: the supervisor's service report as text, Markdown,
//! one self-contained HTML file (inline CSS and SVG, no scripts, no network), JSON, CSV or
//! XLSX.
//!
//! This module gathers the figures once (labels in the reader's language); each format has its
//! own file (`text`, `markdown`, `html` with its charts in `svg`, `csv`, `xlsx`); CSV and XLSX
//! write the same [`tables`]. The JSON schema is
//! `cli::json::ReportJson`, beside the other documented JSON objects.

mod breakdown;
mod csv;
mod html;
mod markdown;
mod svg;
mod text;
mod xlsx;

use super::args::{ReportArgs, ReportFormat};
use super::json::ReportJson;
use super::output::metric_label;
use super::supervisor::remedy_label;
use super::{CliError, Result, Setup};
use crate::desk::{Desk, Report};
use crate::domain::kpi::{Compliance, Level, PeriodKind};
use crate::domain::review::{Breach, BreachClass};
use crate::t;

pub fn run(setup: &Setup, args: ReportArgs) -> Result<()> {
    let desk = setup.desk()?;
    let report = desk.report(args.period, args.date)?;
    if args.format == ReportFormat::Xlsx && args.output.is_none() {
        return Err(CliError::usage(t!("report.xlsx_needs_output").to_string()));
    }
    if let Some(path) = &args.output {
        check_output(setup, path, args.force)?;
    }
    let out = match args.format {
        ReportFormat::Json => {
            let tz = desk.policy().shop_calendar().tz();
            let mut s = super::output::json_text(&ReportJson::new(&report, tz, desk.now()));
            s.push('\n');
            s.into_bytes()
        }
        ReportFormat::Text => text::text(&desk, &report).into_bytes(),
        ReportFormat::Md => markdown::markdown(&desk, &report).into_bytes(),
        ReportFormat::Html => html::html(&desk, &report).into_bytes(),
        ReportFormat::Csv => csv::csv(&tables(&desk, &report), args.output.is_some())?,
        ReportFormat::Xlsx => xlsx::xlsx(&tables(&desk, &report))?,
    };
    match args.output {
        Some(path) => {
            // Written beside it and renamed into place: a failed write leaves the old file whole.
            let mut staged = super::export::stage_file(&path)?;
            std::io::Write::write_all(&mut staged, &out).map_err(|e| CliError::Io(path.clone(), e))?;
            super::export::commit_file(staged, &path, args.force)?;
            eprintln!("{}", t!("report.written", path = path.display()));
        }
        None => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&out)
                .and_then(|()| stdout.flush())
                .map_err(|e| CliError::Io("stdout".into(), e))?;
        }
    }
    Ok(())
}

/// Refuses an output file that is the database (or SQLite's files beside it), a file that
/// exists unless `force`, and anything but a regular file (a device, a folder, a link).
fn check_output(setup: &Setup, path: &std::path::Path, force: bool) -> Result<()> {
    if setup.is_database_file(path) {
        return Err(CliError::failed(
            t!("cli.output_is_database", path = path.display()).to_string(),
        ));
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.is_file() => Err(CliError::failed(
            t!("export.not_replaceable", path = path.display()).to_string(),
        )),
        Ok(_) if !force => Err(CliError::failed(t!("report.exists", path = path.display()).to_string())),
        _ => Ok(()),
    }
}

/// One table of the report for CSV and XLSX: a title, column headings, rows of text.
pub(super) struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The report as tables, in the text format's order: the summary, compliance, the daily trend,
/// the breakdowns, then each list of [`sections`]. One more section is one more table here.
pub(super) fn tables(desk: &Desk, r: &Report) -> Vec<Table> {
    let mut out = vec![
        Table {
            title: t!("report.summary").to_string(),
            headers: vec![t!("report.item").to_string(), t!("report.value").to_string()],
            rows: summary(r).into_iter().map(|(l, v)| vec![l, v]).collect(),
        },
        Table {
            title: t!("report.compliance").to_string(),
            headers: [
                "report.metric",
                "report.due",
                "report.met",
                "report.percent",
                "report.level",
            ]
            .iter()
            .map(|k| t!(*k).to_string())
            .collect(),
            rows: compliance_rows(desk, r)
                .into_iter()
                .map(|(label, c)| {
                    vec![
                        label,
                        c.due.to_string(),
                        c.met.to_string(),
                        pct(c.percent()),
                        level_label(c.level()),
                    ]
                })
                .collect(),
        },
    ];
    out.push(breakdown::trend_table(r));
    out.extend(breakdown::tables(desk, r));
    out.extend(sections(desk, r).into_iter().map(Section::into_table));
    out
}

// ---------------------------------------------------------------- the figures, once

pub(super) fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_string(), |p| format!("{p:.1}%"))
}

fn secs(s: Option<i64>) -> String {
    s.map_or_else(
        || "—".to_string(),
        |s| crate::words::explain::duration(s, crate::words::catalogue::locale()),
    )
}

pub(super) fn level_label(l: Option<Level>) -> String {
    l.map_or_else(String::new, |l| t!(format!("report.levels.{}", l.slug())).to_string())
}

fn class_label(c: Option<BreachClass>) -> String {
    match c {
        Some(c) => t!(format!("review.class.{}", c.slug())).to_string(),
        None => t!("report.unjudged").to_string(),
    }
}

pub(super) fn title(desk: &Desk, r: &Report) -> String {
    let p = &r.kpis.period;
    let when = match p.kind {
        PeriodKind::Day => p.first.format("%Y-%m-%d").to_string(),
        PeriodKind::Week => format!("{} – {}", p.first.format("%Y-%m-%d"), p.last.format("%Y-%m-%d")),
        PeriodKind::Month => p.first.format("%Y-%m").to_string(),
    };
    let tz = desk.policy().shop_calendar().tz().name();
    format!(
        "{} {when}{}",
        t!(format!("report.title.{}", p.kind.slug())),
        crate::words::aside(tz, crate::words::catalogue::locale())
    )
}

/// (label, value) rows of the summary.
pub(super) fn summary(r: &Report) -> Vec<(String, String)> {
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
            format!(
                "{}{}",
                pct(k.resolution_rate()),
                crate::words::aside(
                    &format!("{}/{}", k.opened_now_resolved, k.opened),
                    crate::words::catalogue::locale()
                )
            ),
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
                    crate::words::counted("report.satisfaction_value", k.satisfaction_count),
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
                planned = k.callbacks_planned,
                attempted = k.callbacks_attempted
            )
            .to_string(),
        ),
    ]
}

/// Compliance rows: (label, due, met, percent, level), metrics then the overall line.
pub(super) fn compliance_rows(desk: &Desk, r: &Report) -> Vec<(String, Compliance)> {
    let mut rows: Vec<(String, Compliance)> = r
        .kpis
        .compliance
        .iter()
        .map(|c| (metric_label(desk, &c.metric), c.clone()))
        .collect();
    rows.push((t!("report.overall").to_string(), r.kpis.overall()));
    rows
}

pub(super) struct Line {
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
                format!(
                    "{}{}",
                    metric_label(desk, &b.metric),
                    crate::words::aside(&b.cycle.to_string(), crate::words::catalogue::locale())
                )
            } else {
                metric_label(desk, &b.metric)
            },
            due: super::output::local(desk, b.due_at),
            late: crate::words::duration::late_compact(b.late_secs(now), crate::words::catalogue::locale()),
            extra: extra(i),
            title: b.title.clone(),
        })
        .collect()
}

/// One of the report's lists.
pub(super) struct Section {
    pub heading: String,
    /// The headings of the fifth and last columns.
    pub extra: String,
    pub last: String,
    pub lines: Vec<Line>,
    /// How many there are (lines may show the first ones).
    pub total: usize,
    /// A line said after the list.
    pub note: Option<String>,
}

impl Section {
    /// The section as a table: the columns the text format shows.
    fn into_table(self) -> Table {
        let headers = [
            "#".to_string(),
            t!("report.metric").to_string(),
            t!("review.col.due").to_string(),
            t!("review.col.late").to_string(),
            self.extra,
            self.last,
        ];
        Table {
            title: self.heading,
            headers: headers.to_vec(),
            rows: self
                .lines
                .into_iter()
                .map(|l| vec![l.ticket, l.metric, l.due, l.late, l.extra, l.title])
                .collect(),
        }
    }

    fn new(heading: String, extra: String, lines: Vec<Line>, total: usize) -> Section {
        Section {
            heading,
            extra,
            last: t!("col.title").to_string(),
            lines,
            total,
            note: None,
        }
    }
}

/// The report's lists: overdue now, breached in the period, the period's breaches awaiting
/// judgement (the all-time backlog as a count), judged in the period.
pub(super) fn sections(desk: &Desk, r: &Report) -> Vec<Section> {
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
                late: crate::words::duration::late_compact(v.late_secs, crate::words::catalogue::locale()),
                extra: t!(
                    "report.judgement_value",
                    class = class_label(Some(v.judgement.class)),
                    remedy = remedy
                )
                .to_string(),
                title: v.judgement.reason.clone(),
            }
        })
        .collect();
    vec![
        Section::new(
            t!("report.overdue").to_string(),
            t!("col.status").to_string(),
            breach_lines(desk, &r.overdue, |i| super::output::status_label(r.overdue[i].status)),
            r.overdue.len(),
        ),
        Section::new(
            t!("report.breached").to_string(),
            t!("report.class").to_string(),
            breach_lines(desk, &breached, |i| class_label(r.breached[i].1)),
            breached.len(),
        ),
        Section {
            note: Some(t!("report.backlog", count = r.backlog).to_string()),
            ..Section::new(
                t!("report.awaiting").to_string(),
                t!("col.status").to_string(),
                breach_lines(desk, &r.awaiting, |i| super::output::status_label(r.awaiting[i].status)),
                r.awaiting_total,
            )
        },
        Section {
            last: t!("report.reason").to_string(),
            ..Section::new(
                t!("report.judged").to_string(),
                t!("report.judgement").to_string(),
                judged,
                r.judged.len(),
            )
        },
    ]
}

//! `promptly import FILE`: reads a CSV, XLSX or JSON Lines file, checks every row, then (unless
//! `--dry-run`) hands the tickets to the desk, which writes them all or nothing.

mod jsonl;
mod read;

use super::args::ImportArgs;
use super::json::{ImportProblemJson, ImportReportJson};
use super::output;
use super::{CliError, Result};
use crate::app::Setup;
use crate::desk::import::{ImportOptions, refusals};
use crate::domain::import::{ColumnChoices, Columns, Field, Incoming, Problem, Shop, Trouble, duplicate_ids};
use crate::t;
use chrono::SubsecRound;
use std::io::IsTerminal;
use std::path::Path;

/// What reading and checking a file gave.
struct Checked {
    rows: Vec<Incoming>,
    problems: Vec<Problem>,
    /// Data rows read.
    read: usize,
    /// The external id column as the file names it; `None`: re-import cannot be detected.
    external_id: Option<String>,
}

pub fn run(setup: &Setup, a: ImportArgs) -> Result<()> {
    let encoding = match a.encoding.as_deref() {
        Some(name) => Some(
            read::Encoding::named(name)
                .ok_or_else(|| CliError::usage(t!("import.encoding", value = name).to_string()))?,
        ),
        None => None,
    };
    let mut choices = ColumnChoices {
        ignore: a.ignore.clone(),
        ..ColumnChoices::default()
    };
    for m in &a.map {
        let (column, field) = m
            .split_once('=')
            .ok_or_else(|| CliError::usage(t!("import.map", value = m).to_string()))?;
        choices.map.push((column.trim().to_string(), field.trim().to_string()));
    }
    let shop = Shop {
        tz: setup.policy.shop_calendar().tz(),
        now: setup.clock.now().trunc_subsecs(0),
        author: setup.author(),
    };
    // The file is read and every row checked before the database is opened.
    let mut checked = check_file(setup, &a.file, encoding, &choices, &shop)?;
    let file = a
        .file
        .file_name()
        .map_or_else(|| a.file.display().to_string(), |n| n.to_string_lossy().into_owned());
    if checked.external_id.is_none() {
        eprintln!("{}", t!("import.no_external_id"));
    }
    if !a.dry_run && !checked.problems.is_empty() {
        return refuse(&checked.problems, &file, setup.lang);
    }
    let mut desk = if a.dry_run {
        setup.desk()?
    } else {
        setup.desk_for_write()?
    };
    let conflicts = desk.import_conflicts(&checked.rows)?;
    let skipped = if a.skip_existing { conflicts.len() } else { 0 };
    if !a.skip_existing {
        let column = checked.external_id.as_deref().unwrap_or_default();
        checked.problems.extend(refusals(&checked.rows, &conflicts, column));
        checked.problems.sort_by_key(|p| p.row);
    }
    if a.dry_run {
        return report(&checked, skipped, a.json, setup.lang);
    }
    if !checked.problems.is_empty() {
        return refuse(&checked.problems, &file, setup.lang);
    }
    let options = ImportOptions {
        file: file.clone(),
        skip_existing: a.skip_existing,
        queue_breaches: a.queue_breaches,
    };
    let bar = progress(checked.rows.len());
    let summary = desk.import(checked.rows, &options, &mut |n| bar.set_position(n as u64))?;
    bar.finish_and_clear();
    println!("{}", crate::words::import::done(&summary, &file, setup.lang));
    Ok(())
}

/// Rows done, rate and time left on stderr when it is a terminal; nothing when piped.
fn progress(len: usize) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{wide_bar} {pos}/{len} {per_sec} {eta}") {
        bar.set_style(style);
    }
    bar
}

fn check_file(
    setup: &Setup,
    path: &Path,
    encoding: Option<read::Encoding>,
    choices: &ColumnChoices,
    shop: &Shop,
) -> Result<Checked> {
    let unreadable = |e: String| CliError::failed(t!("import.read", file = path.display(), error = e).to_string());
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let read_rows;
    let external_id;
    if matches!(extension.as_str(), "jsonl" | "ndjson" | "json") {
        let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
        let mut n = 0;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            n += 1;
            match jsonl::read(i as u64 + 1, line, shop.tz, shop.now) {
                Ok(r) => rows.push(r),
                Err(p) => problems.extend(p),
            }
        }
        read_rows = n;
        external_id = rows
            .iter()
            .any(|r: &Incoming| r.external_id.is_some())
            .then(|| Field::ExternalId.name().to_string());
    } else {
        let table = if extension == "xlsx" {
            read::xlsx(path).map_err(unreadable)?
        } else {
            let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
            read::csv(&read::decode(&bytes, encoding))
        };
        if table.headers.iter().all(|h| h.trim().is_empty()) {
            return Err(CliError::failed(t!("import.empty", file = path.display()).to_string()));
        }
        let metrics: Vec<&str> = setup.policy.metrics.iter().map(|m| m.name.as_str()).collect();
        problems.extend(table.problems);
        read_rows = table.rows.len();
        let (columns, header_problems) = Columns::plan(&table.headers, choices, &metrics);
        external_id = columns.external_id().map(str::to_string);
        // Without a required column every row would say so: the header's problem is enough.
        let readable = !header_problems
            .iter()
            .any(|p| matches!(p.trouble, Trouble::MissingColumn(_)));
        problems.extend(header_problems);
        if readable {
            for (row, cells) in &table.rows {
                match columns.read(*row, cells, shop) {
                    Ok(r) => rows.push(r),
                    Err(p) => problems.extend(p),
                }
            }
        }
    }
    problems.extend(duplicate_ids(&rows, external_id.as_deref().unwrap_or_default()));
    problems.sort_by_key(|p| p.row);
    Ok(Checked {
        rows,
        problems,
        read: read_rows,
        external_id,
    })
}

/// Every problem, one a line, then a refusal: nothing was written.
fn refuse(problems: &[Problem], file: &str, lang: &str) -> Result<()> {
    for p in problems {
        println!("{}", crate::words::import::line(p, lang));
    }
    Err(CliError::failed(
        t!("import.nothing_written", problems = problems.len(), file = file).to_string(),
    ))
}

/// The dry run's report; fails (exit 1) when a real run would be refused.
fn report(c: &Checked, skipped: usize, json: bool, lang: &str) -> Result<()> {
    let importable = if c.problems.is_empty() {
        c.rows.len() - skipped
    } else {
        0
    };
    if json {
        output::print_json(&ImportReportJson {
            external_id: c.external_id.is_some(),
            importable,
            problems: c
                .problems
                .iter()
                .map(|p| ImportProblemJson {
                    column: p.column.clone(),
                    problem: crate::words::import::trouble(&p.trouble, lang),
                    row: p.row,
                })
                .collect(),
            rows: c.read,
            skipped,
        })?;
    } else {
        for p in &c.problems {
            println!("{}", crate::words::import::line(p, lang));
        }
        println!(
            "{}",
            t!(
                "import.checked",
                rows = c.read,
                ok = importable,
                skipped = skipped,
                problems = c.problems.len()
            )
        );
    }
    if c.problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::failed(
            t!("import.would_refuse", problems = c.problems.len()).to_string(),
        ))
    }
}

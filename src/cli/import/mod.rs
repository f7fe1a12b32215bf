//! `promptly import FILE`: reads a CSV, XLSX or JSON Lines file and checks every row, then
//! (unless `--dry-run`) reads it again inside the desk's write, which takes all or nothing.
//! Memory holds a batch of rows, not the file: between the passes only a digest of each
//! external id is kept (duplicates, and a file changed in between, are told by it).

mod ids;
mod jsonl;
mod read;
mod rows;

use super::args::ImportArgs;
use super::json::{ImportProblemJson, ImportReportJson};
use super::output;
use super::{CliError, Result};
use crate::app::Setup;
use crate::desk::import::ImportOptions;
use crate::desk::{Desk, DeskError};
use crate::domain::import::{ColumnChoices, Field, Incoming, Problem, Shop, Trouble};
use crate::t;
use chrono::SubsecRound;
use ids::Ids;
use rows::{OpenError, Plan, Raw, Source};
use std::io::IsTerminal;
use std::path::Path;

/// What the first pass over a file found.
struct Checked {
    problems: Vec<Problem>,
    /// Rows whose external id the database holds already.
    conflicts: Vec<Problem>,
    /// Data rows read, and those read into a ticket.
    read: usize,
    ok: usize,
    /// The external id column as the file names it; `None`: re-import cannot be detected.
    external_id: Option<String>,
    ids: Ids,
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
    // Each external id is looked up (read-only) as the rows are checked, so a re-import is
    // refused before anything is written; the write looks them up again (another process
    // may have imported since). An empty database holds none: no look-ups. The desk also
    // says who imports (on a server, the role logged in).
    let desk = setup.desk()?;
    let shop = Shop {
        tz: setup.policy.shop_calendar().tz(),
        now: setup.clock.now().trunc_subsecs(0),
        author: desk.author().to_string(),
    };
    let metrics: Vec<&str> = setup.policy.metrics.iter().map(|m| m.name.as_str()).collect();
    let source = Source::open(&a.file, encoding).map_err(|e| open_error(e, &a.file))?;
    let file = a
        .file
        .file_name()
        .map_or_else(|| a.file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let held = desk.holds_tickets()?.then_some(&desk);
    let mut checked = check(&source, &choices, &metrics, &shop, held, &a.file)?;
    drop(desk);
    if checked.external_id.is_none() {
        eprintln!("{}", t!("import.no_external_id"));
    }
    if a.dry_run {
        return report(checked, a.skip_existing, a.json, setup.lang);
    }
    if !a.skip_existing {
        checked.problems.append(&mut checked.conflicts);
        checked.problems.sort_by_key(|p| p.row);
    }
    if !checked.problems.is_empty() {
        return refuse(&checked.problems, &file, setup.lang);
    }
    let mut desk = setup.desk_for_write()?;
    let options = ImportOptions {
        file: file.clone(),
        id_column: checked.external_id.clone().unwrap_or_default(),
        skip_existing: a.skip_existing,
        queue_breaches: a.queue_breaches,
    };
    let bar = progress(checked.ok);
    crate::app::memory::keep_for_reuse();
    let written = std::thread::scope(|scope| {
        let (plan, records) = source.records(&choices, &metrics).map_err(|e| open_error(e, &a.file))?;
        let rows = Again {
            records: rows::on_thread(scope, records),
            plan: &plan,
            shop: &shop,
            ids: &checked.ids,
            expected: checked.read,
            read: 0,
            last_row: 1,
            ended: false,
        };
        Ok::<_, CliError>(desk.import(rows, &options, &mut |n| bar.set_position(n as u64)))
    })?;
    bar.finish_and_clear();
    let summary = match written {
        Ok(summary) => summary,
        Err(DeskError::Import(problems)) => return refuse(&problems, &file, setup.lang),
        Err(e) => return Err(e.into()),
    };
    println!("{}", crate::words::import::done(&summary, &file, setup.lang));
    Ok(())
}

fn open_error(e: OpenError, path: &Path) -> CliError {
    CliError::failed(match e {
        OpenError::Unreadable(error) => t!("import.read", file = path.display(), error = error).to_string(),
        OpenError::NoHeader => t!("import.empty", file = path.display()).to_string(),
    })
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

/// The first pass: every row read and checked, in-file duplicate ids found, and with `held`
/// the ids the database holds already. Reading and checking run on two threads.
fn check(
    source: &Source,
    choices: &ColumnChoices,
    metrics: &[&str],
    shop: &Shop,
    held: Option<&Desk>,
    path: &Path,
) -> Result<Checked> {
    let (plan, records) = source.records(choices, metrics).map_err(|e| open_error(e, path))?;
    let column = plan.id_column().to_string();
    let mut checked = Checked {
        problems: plan.header.clone(),
        conflicts: Vec::new(),
        read: 0,
        ok: 0,
        external_id: plan.external_id.clone(),
        ids: Ids::default(),
    };
    let mut any_id = false;
    std::thread::scope(|scope| {
        for (row, raw) in rows::on_thread(scope, records) {
            checked.read += 1;
            let r = match plan.read(row, raw, shop) {
                Ok(r) => r,
                Err(p) => {
                    checked.problems.extend(p);
                    continue;
                }
            };
            checked.ok += 1;
            let Some(id) = r.external_id.as_deref() else { continue };
            any_id = true;
            if let Some(first_row) = checked.ids.first(id, row) {
                checked.problems.push(Problem {
                    row,
                    column: Some(column.clone()),
                    trouble: Trouble::DuplicateId { first_row },
                });
            }
            if let Some(ticket) = held.map(|desk| desk.imported_as(id)).transpose()?.flatten() {
                checked.conflicts.push(Problem {
                    row,
                    column: Some(column.clone()),
                    trouble: Trouble::AlreadyImported { ticket },
                });
            }
        }
        Ok::<_, CliError>(())
    })?;
    if any_id && checked.external_id.is_none() {
        checked.external_id = Some(Field::ExternalId.name().to_string());
    }
    checked.problems.sort_by_key(|p| p.row);
    Ok(checked)
}

/// The second pass: the rows read again for the write, each checked against the first pass
/// (same external id on the same row, as many rows): a file changed in between is refused.
struct Again<'a, I> {
    records: I,
    plan: &'a Plan,
    shop: &'a Shop,
    ids: &'a Ids,
    expected: usize,
    read: usize,
    last_row: u64,
    ended: bool,
}

impl<I: Iterator<Item = (u64, Raw)>> Iterator for Again<'_, I> {
    type Item = std::result::Result<Incoming, Vec<Problem>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ended {
            return None;
        }
        if !self.plan.header.is_empty() {
            self.ended = true;
            return Some(Err(changed(self.plan.header.clone(), 1)));
        }
        let Some((row, raw)) = self.records.next() else {
            self.ended = true;
            return (self.read != self.expected).then(|| Err(changed(Vec::new(), self.last_row + 1)));
        };
        self.read += 1;
        self.last_row = row;
        Some(match self.plan.read(row, raw, self.shop) {
            Ok(r) if r.external_id.as_deref().is_some_and(|id| !self.ids.is_first(id, row)) => {
                Err(changed(Vec::new(), row))
            }
            Ok(r) => Ok(r),
            Err(p) => Err(changed(p, row)),
        })
    }
}

/// `problems` and the note that the file changed after it was checked, at `row`.
fn changed(mut problems: Vec<Problem>, row: u64) -> Vec<Problem> {
    problems.push(Problem {
        row,
        column: None,
        trouble: Trouble::Changed,
    });
    problems
}

/// Every problem, one a line, then a refusal: nothing was written.
fn refuse(problems: &[Problem], file: &str, lang: &str) -> Result<()> {
    for p in problems {
        println!("{}", crate::words::import::line(p, lang));
    }
    Err(CliError::failed(
        t!(
            crate::words::counted("import.nothing_written", problems.len()),
            problems = problems.len(),
            file = file
        )
        .to_string(),
    ))
}

/// The dry run's report; fails (exit 1) when a real run would be refused.
fn report(c: Checked, skip_existing: bool, json: bool, lang: &str) -> Result<()> {
    let mut problems = c.problems;
    let skipped = if skip_existing {
        c.conflicts.len()
    } else {
        problems.extend(c.conflicts);
        problems.sort_by_key(|p| p.row);
        0
    };
    let importable = if problems.is_empty() { c.ok - skipped } else { 0 };
    if json {
        output::print_json(&ImportReportJson {
            external_id: c.external_id.is_some(),
            importable,
            problems: problems
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
        for p in &problems {
            println!("{}", crate::words::import::line(p, lang));
        }
        println!(
            "{}",
            t!(
                crate::words::counted("import.checked", problems.len()),
                rows = c.read,
                ok = importable,
                skipped = skipped,
                problems = problems.len()
            )
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::failed(
            t!(
                crate::words::counted("import.would_refuse", problems.len()),
                problems = problems.len()
            )
            .to_string(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn shop() -> Shop {
        Shop {
            tz: "Asia/Shanghai".parse().unwrap(),
            now: chrono::Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
            author: "importer".into(),
        }
    }

    /// What the second pass hands the desk after the first checked `before` and the file
    /// then says `after`.
    fn again(before: &str, after: &str) -> Vec<std::result::Result<Incoming, Vec<Problem>>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, before).unwrap();
        let source = Source::open(&path, None).ok().unwrap();
        let choices = ColumnChoices::default();
        let checked = check(&source, &choices, &[], &shop(), None, &path).unwrap();
        assert_eq!(checked.problems, []);
        std::fs::write(&path, after).unwrap();
        let (plan, records) = source.records(&choices, &[]).ok().unwrap();
        Again {
            records,
            plan: &plan,
            shop: &shop(),
            ids: &checked.ids,
            expected: checked.read,
            read: 0,
            last_row: 1,
            ended: false,
        }
        .collect()
    }

    fn changed_at(rows: &[std::result::Result<Incoming, Vec<Problem>>]) -> Vec<u64> {
        rows.iter()
            .filter_map(|r| r.as_ref().err())
            .flatten()
            .filter(|p| p.trouble == Trouble::Changed)
            .map(|p| p.row)
            .collect()
    }

    const FILE: &str = "external_id,title,opened_at\nA,a,2026-11-02 09:00\nB,b,2026-11-02 09:00\n";

    #[test]
    fn the_second_pass_reads_what_the_first_checked() {
        let rows = again(FILE, FILE);
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(std::result::Result::is_ok));
    }

    #[test]
    fn a_file_changed_between_the_passes_is_refused() {
        // The ids swapped rows: each is now where the first pass did not see it.
        let swapped = "external_id,title,opened_at\nB,b,2026-11-02 09:00\nA,a,2026-11-02 09:00\n";
        assert_eq!(changed_at(&again(FILE, swapped)), [2, 3]);
        // A row more, and a row now wrong.
        let longer = format!("{FILE}C,c,2026-11-02 09:00\n");
        assert_eq!(
            changed_at(&again(FILE, &longer)),
            [4, 5],
            "a new id, then one row too many"
        );
        let wrong = "external_id,title,opened_at\nA,a,2026-11-02 09:00\nB,b,someday\n";
        let rows = again(FILE, wrong);
        assert_eq!(changed_at(&rows), [3]);
        assert!(
            rows[1]
                .as_ref()
                .err()
                .unwrap()
                .iter()
                .any(|p| matches!(p.trouble, Trouble::Timestamp(_)))
        );
        // A row fewer.
        let shorter = "external_id,title,opened_at\nA,a,2026-11-02 09:00\n";
        assert_eq!(changed_at(&again(FILE, shorter)), [3]);
    }
}

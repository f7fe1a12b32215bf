//! `promptly export`: the tickets `list` would show (or `--all`), with their logs and clocks,
//! as CSV (a folder with a file per table, or one flat tickets file), XLSX (a sheet per table)
//! or JSON Lines (`show --json` per line). Read-only; streamed in id order a page at a time,
//! so memory stays the same however many tickets match. Personal data is masked unless
//! `--include-personal`. Files are written under a temporary name beside the target (mode
//! 0600) and renamed into place only when complete; an existing target needs `--force`.

mod csv;
mod jsonl;
pub mod table;
mod xlsx;

use super::args::{ExportArgs, ExportFormat};
use super::output::TerminalSafe;
use super::{CliError, Result, Setup};
use crate::desk::Exported;
use crate::domain::listing::ExportQuery;
use crate::t;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use table::{Cell, Shape, Table};

pub use csv::BOM;
pub use xlsx::xlsx_failed;

/// Where rows go, table by table.
pub(super) trait Sink {
    fn row(&mut self, table: Table, cells: &[Cell<'_>]) -> Result<()>;
    /// Flushes (and for XLSX, writes the workbook).
    fn finish(self: Box<Self>) -> Result<()>;
}

pub(super) fn io_failed(e: std::io::Error) -> CliError {
    CliError::failed(e.to_string())
}

fn io_at(path: &Path) -> impl Fn(std::io::Error) -> CliError + '_ {
    move |e| CliError::Io(path.to_path_buf(), e)
}

pub fn run(setup: &Setup, a: ExportArgs) -> Result<()> {
    if a.flat && a.format == ExportFormat::Jsonl {
        return Err(CliError::usage(t!("export.flat_not_jsonl").to_string()));
    }
    if let (Some(since), Some(until)) = (a.opened_since, a.opened_until)
        && until < since
    {
        return Err(CliError::usage(t!("export.period_backwards").to_string()));
    }
    let streamable = a.format == ExportFormat::Jsonl || (a.format == ExportFormat::Csv && a.flat);
    if a.out.as_deref().is_some_and(|p| p.as_os_str() == "-") && !streamable {
        return Err(CliError::usage(t!("export.stdout_flat_or_jsonl").to_string()));
    }
    let desk = setup.desk()?;
    let tz = desk.policy().shop_calendar().tz();
    let query = ExportQuery {
        list: a.filter.query(desk.now(), desk.author()),
        opened_since: a.opened_since.map(|d| day_start(d, tz)),
        opened_before: a.opened_until.and_then(|d| d.succ_opt()).map(|d| day_start(d, tz)),
    };
    let shape = Shape::new(desk.policy(), a.flat, a.include_personal);
    let today = desk.now().with_timezone(&tz).date_naive();
    let target = Target::plan(a.format, a.flat, a.out, today);
    if let Some(path) = target.path()
        && setup.is_database_file(path)
    {
        return Err(CliError::failed(
            t!("cli.output_is_database", path = path.display()).to_string(),
        ));
    }
    if let Some(path) = target.path()
        && !a.force
        && std::fs::symlink_metadata(path).is_ok()
    {
        return Err(CliError::failed(t!("export.exists", path = path.display()).to_string()));
    }
    // `--force` replaces a file (or a CSV folder's tables), never a device, a link or an entry
    // of the other kind: renaming over /dev/null would replace the device itself.
    let folder = a.format == ExportFormat::Csv && !a.flat;
    if let Some(path) = target.path()
        && let Ok(meta) = std::fs::symlink_metadata(path)
        && !(if folder { meta.is_dir() } else { meta.is_file() })
    {
        return Err(CliError::failed(
            t!("export.not_replaceable", path = path.display()).to_string(),
        ));
    }
    let progress = progress(desk.export_count(&query)?);
    let mut count = 0u64;
    let mut each = |e: &Exported, write: &mut dyn FnMut(&Exported) -> Result<()>| -> Result<()> {
        write(e)?;
        count += 1;
        progress.inc(1);
        Ok(())
    };
    match target {
        Target::Stdout if a.format == ExportFormat::Jsonl => {
            // Terminal-safe, as `show --json` is: the JSON means the same.
            let mut out = TerminalSafe::new(BufWriter::new(std::io::stdout()));
            desk.visit_export(&query, |e| each(e, &mut |e| jsonl::line(&mut out, &shape, e)))?;
            out.flush().map_err(io_failed)?;
        }
        Target::Stdout => {
            let out = Box::new(BufWriter::new(std::io::stdout()));
            let outputs = vec![(
                Table::Tickets,
                shape.headers(Table::Tickets),
                out as Box<dyn Write + Send>,
            )];
            let mut sink = Box::new(csv::CsvSink::new(tz, outputs)?);
            desk.visit_export(&query, |e| each(e, &mut |e| rows(sink.as_mut(), &shape, e)))?;
            sink.finish()?;
        }
        Target::File(ref path) => {
            let staged = stage_file(path)?;
            let file = staged.as_file().try_clone().map_err(io_at(path))?;
            match a.format {
                ExportFormat::Jsonl => {
                    let mut out = BufWriter::new(file);
                    desk.visit_export(&query, |e| each(e, &mut |e| jsonl::line(&mut out, &shape, e)))?;
                    out.flush().map_err(io_at(path))?;
                }
                ExportFormat::Csv => {
                    let mut out = BufWriter::new(file);
                    out.write_all(csv::BOM).map_err(io_at(path))?;
                    let outputs = vec![(
                        Table::Tickets,
                        shape.headers(Table::Tickets),
                        Box::new(out) as Box<dyn Write + Send>,
                    )];
                    let mut sink = Box::new(csv::CsvSink::new(tz, outputs)?);
                    desk.visit_export(&query, |e| each(e, &mut |e| rows(sink.as_mut(), &shape, e)))?;
                    sink.finish()?;
                }
                ExportFormat::Xlsx => {
                    let tables = shape.tables().into_iter().map(|t| (t, shape.headers(t))).collect();
                    let mut sink = Box::new(xlsx::XlsxSink::new(tz, tables, file)?);
                    desk.visit_export(&query, |e| each(e, &mut |e| rows(sink.as_mut(), &shape, e)))?;
                    customers(&desk, &query, &shape, sink.as_mut())?;
                    sink.finish()?;
                }
            }
            commit_file(staged, path, a.force)?;
        }
        Target::Folder(ref path) => {
            let staged = stage_folder(path)?;
            let mut outputs = Vec::new();
            for t in shape.tables() {
                let file_path = staged.path().join(format!("{}.csv", t.name()));
                let mut out = BufWriter::new(create_private(&file_path)?);
                out.write_all(csv::BOM).map_err(io_at(&file_path))?;
                outputs.push((t, shape.headers(t), Box::new(out) as Box<dyn Write + Send>));
            }
            let mut sink = Box::new(csv::CsvSink::new(tz, outputs)?);
            desk.visit_export(&query, |e| each(e, &mut |e| rows(sink.as_mut(), &shape, e)))?;
            customers(&desk, &query, &shape, sink.as_mut())?;
            sink.finish()?;
            commit_folder(staged, path, &shape, a.force)?;
        }
    }
    progress.finish_and_clear();
    if let Some(path) = target.path() {
        eprintln!("{}", t!("export.written", count = count, path = path.display()));
    }
    Ok(())
}

/// Writes one ticket's rows: its tickets row, and in a folder or workbook its log and clocks.
fn rows(sink: &mut dyn Sink, shape: &Shape, e: &Exported) -> Result<()> {
    sink.row(Table::Tickets, &shape.ticket_row(e))?;
    if !shape.flat {
        for row in shape.log_rows(e) {
            sink.row(Table::Log, &row)?;
        }
        for row in shape.clock_rows(e) {
            sink.row(Table::Clocks, &row)?;
        }
    }
    Ok(())
}

/// The customers table, when the shape has one.
fn customers(desk: &crate::desk::Desk, q: &ExportQuery, shape: &Shape, sink: &mut dyn Sink) -> Result<()> {
    if !shape.tables().contains(&Table::Customers) {
        return Ok(());
    }
    desk.visit_export_customers(q, |id, c| sink.row(Table::Customers, &shape.customer_row(id, c)))
}

/// The first instant of `date` in the shop's timezone (a midnight that a DST change skips:
/// the first instant after it).
fn day_start(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    (0..=3)
        .find_map(|h| {
            tz.from_local_datetime(&(midnight + chrono::Duration::hours(h)))
                .earliest()
        })
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// A progress bar on stderr when it is a terminal: tickets done, rate, time left; hidden
/// when stderr is piped or redirected.
fn progress(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let template = format!(
        "{{bar:30}} {{human_pos}}/{{human_len}} {} · {{rate}} · {} {{eta}}",
        t!("export.tickets"),
        t!("export.left")
    );
    if let Ok(style) = ProgressStyle::with_template(&template) {
        // Whole tickets a second: indicatif's own {per_sec} shows four decimals.
        bar.set_style(
            style.with_key("rate", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", s.per_sec());
            }),
        );
    }
    bar
}

/// Where an export goes.
enum Target {
    Stdout,
    File(PathBuf),
    Folder(PathBuf),
}

impl Target {
    /// `--out`, or the default: JSON Lines to stdout, the rest to a dated name in the current
    /// folder. `-` is stdout (JSON Lines and a flat CSV only).
    fn plan(format: ExportFormat, flat: bool, out: Option<PathBuf>, today: NaiveDate) -> Target {
        let stem = format!("promptly-export-{}", today.format("%Y-%m-%d"));
        match (out, format) {
            // `run` refused `-` for a folder or a workbook.
            (Some(p), _) if p.as_os_str() == "-" => Target::Stdout,
            (None, ExportFormat::Jsonl) => Target::Stdout,
            (Some(p), ExportFormat::Csv) if !flat => Target::Folder(p),
            (Some(p), _) => Target::File(p),
            (None, ExportFormat::Csv) if !flat => Target::Folder(PathBuf::from(stem)),
            (None, ExportFormat::Csv) => Target::File(PathBuf::from(format!("{stem}.csv"))),
            (None, ExportFormat::Xlsx) => Target::File(PathBuf::from(format!("{stem}.xlsx"))),
        }
    }

    fn path(&self) -> Option<&Path> {
        match self {
            Target::Stdout => None,
            Target::File(p) | Target::Folder(p) => Some(p),
        }
    }
}

/// The folder a target is created in ("." for a bare name).
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A temporary file beside `path` (mode 0600), renamed into place by [`commit_file`].
pub(super) fn stage_file(path: &Path) -> Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".promptly-export-")
        .tempfile_in(parent(path))
        .map_err(|e| CliError::Io(path.to_path_buf(), crate::app::error::without_temp_path(e)))
}

pub(super) fn commit_file(staged: tempfile::NamedTempFile, path: &Path, force: bool) -> Result<()> {
    let done = if force {
        staged.persist(path).map(|_| ())
    } else {
        staged.persist_noclobber(path).map(|_| ())
    };
    done.map_err(|e| CliError::Io(path.to_path_buf(), e.error))
}

/// A temporary folder beside `path` (mode 0700), its files moved into place by
/// [`commit_folder`].
fn stage_folder(path: &Path) -> Result<tempfile::TempDir> {
    let staged = tempfile::Builder::new()
        .prefix(".promptly-export-")
        .tempdir_in(parent(path))
        .map_err(|e| CliError::Io(path.to_path_buf(), crate::app::error::without_temp_path(e)))?;
    // The customers' data inside: the folder is its owner's only, whatever the umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(staged.path(), std::fs::Permissions::from_mode(0o700)).map_err(io_at(path))?;
    }
    Ok(staged)
}

/// Renames the staged folder to `path`; with `--force` over an existing folder, moves each
/// table's file into it instead (other files there stay).
fn commit_folder(staged: tempfile::TempDir, path: &Path, shape: &Shape, force: bool) -> Result<()> {
    if !path.exists() {
        let staged = staged.keep();
        return std::fs::rename(&staged, path).map_err(io_at(path));
    }
    if !force || !path.is_dir() {
        return Err(CliError::failed(t!("export.exists", path = path.display()).to_string()));
    }
    for t in shape.tables() {
        let name = format!("{}.csv", t.name());
        std::fs::rename(staged.path().join(&name), path.join(&name)).map_err(io_at(path))?;
    }
    Ok(())
}

/// A new file readable by its owner only.
fn create_private(path: &Path) -> Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(io_at(path))
}

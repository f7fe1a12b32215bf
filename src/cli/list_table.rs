//! `list`'s ticket table: one row per ticket as the desk hands them over, cut and padded to
//! aligned columns by display width.

use super::Result;
use super::output::{metric_label, status_label, stdout_error};
use crate::desk::Desk;
use crate::domain::listing::ListRow;
use crate::domain::privacy::push_masked_phone;
use crate::domain::text::{fit, line_safe, push_fit};
use crate::domain::ticket::{Priority, Status};
use crate::t;
use crate::words::duration::push_compact;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

/// The ticket table of `list`, written row by row as the desk hands them over (one buffered
/// stdout; only the current row in memory).
pub struct ListPrinter<'a> {
    desk: &'a Desk,
    now: DateTime<Utc>,
    out: BufWriter<io::StdoutLock<'static>>,
    rows: usize,
    /// Metric labels already looked up (a handful), so a long list costs one catalogue lookup
    /// per distinct word, not per row; priorities and statuses are looked up once, below.
    metrics: HashMap<String, String>,
    priorities: [String; 3],
    statuses: [String; 4],
    /// The row being written, reused: a row is cut and padded into it without a string per cell.
    line: String,
    /// The cell being made, reused.
    cell: String,
}

impl<'a> ListPrinter<'a> {
    pub fn stdout(desk: &'a Desk) -> Self {
        ListPrinter {
            desk,
            now: desk.now(),
            out: BufWriter::new(io::stdout().lock()),
            rows: 0,
            metrics: HashMap::new(),
            priorities: [Priority::Urgent, Priority::Important, Priority::Normal]
                .map(|p| t!(format!("priority.{}", p.slug()))),
            statuses: [Status::Open, Status::Waiting, Status::Resolved, Status::Closed].map(status_label),
            line: String::new(),
            cell: String::new(),
        }
    }

    pub fn row(&mut self, row: &ListRow) -> Result<()> {
        if self.rows == 0 {
            writeln!(
                self.out,
                "{} {} {} {} {} {}",
                fit("#", 6),
                fit(&t!("col.priority"), 9),
                fit(&t!("col.status"), 9),
                fit(&t!("col.due"), 24),
                fit(&t!("col.customer"), 18),
                t!("col.title")
            )
            .map_err(stdout_error)?;
        }
        self.rows += 1;
        let lang = crate::words::catalogue::locale();
        let ListPrinter {
            desk,
            now,
            metrics,
            priorities,
            statuses,
            line,
            cell,
            ..
        } = self;
        line.clear();
        // Each cell is made in one reused string, then cut and padded into the line.
        cell.clear();
        let _ = write!(cell, "#{}", row.id);
        push_fit(line, cell, 6);
        line.push(' ');
        push_fit(line, &priorities[priority_index(row.priority)], 9);
        line.push(' ');
        push_fit(line, &statuses[status_index(row.status)], 9);
        line.push(' ');
        cell.clear();
        if let Some(c) = &row.nearest {
            if !metrics.contains_key(&c.metric) {
                metrics.insert(c.metric.clone(), metric_label(desk, &c.metric));
            }
            cell.push_str(&metrics[&c.metric]);
            cell.push(' ');
            match c.due_at {
                Some(due) => push_compact(cell, (due - *now).num_seconds(), lang),
                None => {
                    cell.push('‖');
                    push_compact(cell, c.remaining_secs, lang);
                }
            }
        }
        push_fit(line, cell, 24);
        line.push(' ');
        cell.clear();
        cell.push_str(&line_safe(&row.customer_name));
        cell.push(' ');
        push_masked_phone(cell, &row.customer_phone);
        push_fit(line, cell.trim(), 18);
        line.push(' ');
        line.push_str(&line_safe(&row.title));
        line.push('\n');
        self.out.write_all(line.as_bytes()).map_err(stdout_error)
    }

    /// Says so when nothing was listed, and flushes.
    pub fn finish(mut self) -> Result<()> {
        if self.rows == 0 {
            writeln!(self.out, "{}", t!("cli.list_empty")).map_err(stdout_error)?;
        }
        self.out.flush().map_err(stdout_error)
    }
}

/// Where a priority's label sits in [`ListPrinter`]'s table.
fn priority_index(p: Priority) -> usize {
    match p {
        Priority::Urgent => 0,
        Priority::Important => 1,
        Priority::Normal => 2,
    }
}

/// Where a status's label sits in [`ListPrinter`]'s table.
fn status_index(s: Status) -> usize {
    match s {
        Status::Open => 0,
        Status::Waiting => 1,
        Status::Resolved => 2,
        Status::Closed => 3,
    }
}

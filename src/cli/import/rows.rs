//! The rows of an import file, one at a time. `import` reads a file twice: a first pass checks
//! every row, a second (inside the write) reads them again, so memory holds a batch of rows and
//! never the file. An XLSX sheet is the exception: calamine reads the sheet whole.

use super::jsonl;
use super::read::{self, Encoding, Records, Table};
use crate::domain::import::{ColumnChoices, Columns, Field, Incoming, Problem, Shop, Trouble};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// An import file and how to read it.
pub enum Source {
    Csv {
        path: PathBuf,
        encoding: Encoding,
    },
    /// The first sheet of a workbook, read whole.
    Xlsx(Table),
    Jsonl(PathBuf),
}

/// Why a file cannot be read at all.
pub enum OpenError {
    Unreadable(String),
    /// No header row (an empty file, or a blank first row).
    NoHeader,
}

/// A record as read, before it is checked.
pub enum Raw {
    Cells(Vec<String>),
    Line(String),
    Unreadable(Problem),
}

/// A file's records with their row numbers (a spreadsheet's, or the line of JSON Lines).
pub type RecordIter<'a> = Box<dyn Iterator<Item = (u64, Raw)> + Send + 'a>;

/// How a file's records become tickets.
pub struct Plan {
    reading: Reading,
    /// Problems of the header (row 1).
    pub header: Vec<Problem>,
    /// The external id column as the file names it; `None` for JSON Lines, whose tickets
    /// may carry one each (`external_id`).
    pub external_id: Option<String>,
}

enum Reading {
    Columns(Columns),
    Jsonl,
    /// A required column is missing: every row would say so, the header's problem is enough.
    /// Rows are counted, not read.
    Counted,
}

impl Source {
    /// Opens `path` by its extension (CSV unless .xlsx or .jsonl/.ndjson/.json); a CSV's
    /// encoding is `forced` or read from the whole file.
    pub fn open(path: &Path, forced: Option<Encoding>) -> Result<Source, OpenError> {
        let unreadable = |e: std::io::Error| OpenError::Unreadable(e.to_string());
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        Ok(match extension.as_str() {
            "jsonl" | "ndjson" | "json" => {
                File::open(path).map_err(unreadable)?;
                Source::Jsonl(path.to_path_buf())
            }
            "xlsx" => Source::Xlsx(read::xlsx(path).map_err(OpenError::Unreadable)?),
            _ => {
                let encoding = match forced {
                    Some(e) => e,
                    None => read::detect(File::open(path).map_err(unreadable)?).map_err(unreadable)?,
                };
                Source::Csv {
                    path: path.to_path_buf(),
                    encoding,
                }
            }
        })
    }

    /// The file's records from the start, and the plan to read them by (`metrics`: the
    /// policy's metric names, whose export columns are left out).
    pub fn records(&self, choices: &ColumnChoices, metrics: &[&str]) -> Result<(Plan, RecordIter<'_>), OpenError> {
        let unreadable = |e: std::io::Error| OpenError::Unreadable(e.to_string());
        match self {
            Source::Jsonl(path) => {
                let file = BufReader::with_capacity(1 << 16, File::open(path).map_err(unreadable)?);
                let plan = Plan {
                    reading: Reading::Jsonl,
                    header: Vec::new(),
                    external_id: None,
                };
                Ok((
                    plan,
                    Box::new(Lines {
                        file,
                        row: 0,
                        failed: false,
                    }),
                ))
            }
            Source::Xlsx(table) => {
                let plan = plan(&table.headers, choices, metrics)?;
                let rows = table.rows.iter().map(|(row, cells)| (*row, Raw::Cells(cells.clone())));
                Ok((plan, Box::new(rows)))
            }
            Source::Csv { path, encoding } => {
                let text = read::text(File::open(path).map_err(unreadable)?, *encoding).map_err(unreadable)?;
                let mut records = Records::new(text);
                let headers = match records.next() {
                    None => Vec::new(),
                    Some((_, Ok(cells))) => cells,
                    Some((_, Err(p))) => return Err(OpenError::Unreadable(trouble_text(p))),
                };
                let plan = plan(&headers, choices, metrics)?;
                let rows = records.filter_map(|(row, cells)| match cells {
                    Ok(cells) if cells.iter().all(|c| c.trim().is_empty()) => None,
                    Ok(cells) => Some((row, Raw::Cells(cells))),
                    Err(p) => Some((row, Raw::Unreadable(p))),
                });
                Ok((plan, Box::new(rows)))
            }
        }
    }
}

/// What a record that cannot be read says (`Records` only fails reading the file).
fn trouble_text(p: Problem) -> String {
    match p.trouble {
        Trouble::Unreadable(e) => e,
        _ => String::new(),
    }
}

/// The plan for a header row.
fn plan(headers: &[String], choices: &ColumnChoices, metrics: &[&str]) -> Result<Plan, OpenError> {
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(OpenError::NoHeader);
    }
    let (columns, header) = Columns::plan(headers, choices, metrics);
    let external_id = columns.external_id().map(str::to_string);
    let readable = !header.iter().any(|p| matches!(p.trouble, Trouble::MissingColumn(_)));
    Ok(Plan {
        reading: if readable {
            Reading::Columns(columns)
        } else {
            Reading::Counted
        },
        header,
        external_id,
    })
}

impl Plan {
    /// Reads record `row` into a ticket, or says what is wrong with it (nothing when the
    /// rows are only counted).
    pub fn read(&self, row: u64, raw: Raw, shop: &Shop) -> Result<Incoming, Vec<Problem>> {
        match (&self.reading, raw) {
            (_, Raw::Unreadable(p)) => Err(vec![p]),
            (Reading::Columns(columns), Raw::Cells(cells)) => columns.read(row, &cells, shop),
            (Reading::Jsonl, Raw::Line(line)) => jsonl::read(row, &line, shop.tz, shop.now),
            _ => Err(Vec::new()),
        }
    }

    /// The column duplicate external ids are reported in.
    pub fn id_column(&self) -> &str {
        self.external_id.as_deref().unwrap_or(Field::ExternalId.name())
    }
}

/// The non-blank lines of a JSON Lines file; a line that is not UTF-8 is a problem of its own.
struct Lines {
    file: BufReader<File>,
    row: u64,
    failed: bool,
}

impl Iterator for Lines {
    type Item = (u64, Raw);

    fn next(&mut self) -> Option<(u64, Raw)> {
        let mut line = Vec::new();
        while !self.failed {
            line.clear();
            self.row += 1;
            match self.file.read_until(b'\n', &mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    self.failed = true;
                    return Some((self.row, unreadable(self.row, e.to_string())));
                }
            }
            let text = line.strip_suffix(b"\n").unwrap_or(&line);
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            return Some(match std::str::from_utf8(text) {
                Ok(t) if t.trim().is_empty() => continue,
                Ok(t) => (self.row, Raw::Line(t.to_string())),
                Err(e) => (self.row, unreadable(self.row, e.to_string())),
            });
        }
        None
    }
}

fn unreadable(row: u64, error: String) -> Raw {
    Raw::Unreadable(Problem {
        row,
        column: None,
        trouble: Trouble::Unreadable(error),
    })
}

/// Rows in a batch handed between threads.
const BATCH: usize = 1_000;

/// `items` produced on a thread of their own in `scope`, a batch at a time, so reading a file
/// and checking its rows overlap. The thread stops when the consumer drops the iterator.
pub fn on_thread<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    items: impl Iterator<Item = T> + Send + 'scope,
) -> impl Iterator<Item = T> + Send + 'scope {
    let (send, batches) = std::sync::mpsc::sync_channel::<Vec<T>>(4);
    scope.spawn(move || {
        let mut items = items;
        loop {
            let batch: Vec<T> = items.by_ref().take(BATCH).collect();
            if batch.is_empty() || send.send(batch).is_err() {
                break;
            }
        }
    });
    batches.into_iter().flatten()
}

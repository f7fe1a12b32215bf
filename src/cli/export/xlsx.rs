//! An export as XLSX: a sheet per table, written in rust_xlsxwriter's constant-memory mode
//! (each sheet's rows go to a temporary file as they come). Instants are real Excel dates in
//! the shop's timezone; columns are as wide as their content (CJK counts two); a table past
//! Excel's 1,048,576 rows goes on in a second sheet ("log (2)").

use super::table::{Cell, Table};
use super::{Result, Sink};
use crate::cli::CliError;
use crate::domain::text::width_of;
use chrono_tz::Tz;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// Excel's rows per sheet.
const ROW_LIMIT: u32 = 1_048_576;
/// Excel's longest text in a cell, in characters.
const CELL_CHARS: usize = 32_767;
/// The widest a fitted column gets, in character widths.
const MAX_WIDTH: usize = 60;

pub fn xlsx_failed(e: XlsxError) -> CliError {
    CliError::failed(e.to_string())
}

struct Sheet {
    table: Table,
    headers: Vec<String>,
    /// The workbook's indexes of this table's sheets, the one written last.
    indexes: Vec<usize>,
    /// The next row to write.
    row: u32,
    widths: Vec<usize>,
}

pub struct XlsxSink {
    workbook: Workbook,
    out: std::fs::File,
    tz: Tz,
    sheets: Vec<Sheet>,
    bold: Format,
    instant: Format,
    date: Format,
}

impl XlsxSink {
    pub fn new(tz: Tz, tables: Vec<(Table, Vec<String>)>, out: std::fs::File) -> Result<XlsxSink> {
        let mut sink = XlsxSink {
            workbook: Workbook::new(),
            out,
            tz,
            sheets: Vec::new(),
            bold: Format::new().set_bold(),
            instant: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
        };
        for (table, headers) in tables {
            let index = sink.sheets.len();
            sink.sheets.push(Sheet {
                table,
                widths: headers.iter().map(|h| width_of(h)).collect(),
                headers,
                indexes: Vec::new(),
                row: 0,
            });
            sink.start_sheet(index)?;
        }
        Ok(sink)
    }

    /// Adds a sheet for `sheets[at]` (its first, or the next once one is full), headers first.
    fn start_sheet(&mut self, at: usize) -> Result<()> {
        let s = &mut self.sheets[at];
        let name = match s.indexes.len() + 1 {
            1 => s.table.name().to_string(),
            n => format!("{} ({n})", s.table.name()),
        };
        let ws = self
            .workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_failed)?;
        ws.set_name(&name).map_err(xlsx_failed)?;
        for (col, h) in s.headers.iter().enumerate() {
            ws.write_string_with_format(0, col_num(col), h, &self.bold)
                .map_err(xlsx_failed)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_failed)?;
        s.indexes.push(self.workbook.worksheets().len() - 1);
        s.row = 1;
        Ok(())
    }

    /// Sets each sheet's column widths to its widest entry.
    fn fit_columns(&mut self) -> Result<()> {
        for s in &self.sheets {
            for index in &s.indexes {
                let ws = self.workbook.worksheet_from_index(*index).map_err(xlsx_failed)?;
                for (col, w) in s.widths.iter().enumerate() {
                    let w = u32::try_from((*w).clamp(4, MAX_WIDTH) + 2).unwrap_or(10);
                    ws.set_column_width(col_num(col), w).map_err(xlsx_failed)?;
                }
            }
        }
        Ok(())
    }
}

fn col_num(col: usize) -> u16 {
    u16::try_from(col).unwrap_or(u16::MAX)
}

/// At most Excel's longest cell text, cut at a character boundary.
fn cell_text(s: &str) -> &str {
    match s.char_indices().nth(CELL_CHARS) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

/// Writes a text cell (none for empty text); returns its width.
fn text_cell(ws: &mut rust_xlsxwriter::Worksheet, row: u32, col: u16, text: &str) -> Result<usize> {
    let text = cell_text(text);
    if !text.is_empty() {
        ws.write_string(row, col, text).map_err(xlsx_failed)?;
    }
    // Only the first line shows in a row of one line's height.
    Ok(width_of(text.lines().next().unwrap_or("")))
}

impl Sink for XlsxSink {
    fn row(&mut self, table: Table, cells: &[Cell<'_>]) -> Result<()> {
        let Some(at) = self.sheets.iter().position(|s| s.table == table) else {
            return Ok(());
        };
        if self.sheets[at].row == ROW_LIMIT {
            self.start_sheet(at)?;
        }
        let tz = self.tz;
        let s = &mut self.sheets[at];
        let index = s.indexes.last().copied().unwrap_or(0);
        let ws = self.workbook.worksheet_from_index(index).map_err(xlsx_failed)?;
        let row = s.row;
        for (col, cell) in cells.iter().enumerate() {
            let c = col_num(col);
            let width = match cell {
                Cell::Text(text) => text_cell(ws, row, c, text)?,
                Cell::Event(e) => text_cell(ws, row, c, &e.to_string())?,
                Cell::Int(n) => {
                    // Ticket numbers and seconds are far below 2^53: exact as f64.
                    ws.write_number(row, c, *n as f64).map_err(xlsx_failed)?;
                    n.to_string().len()
                }
                Cell::Instant(Some(t)) => {
                    let local = t.with_timezone(&tz).naive_local();
                    ws.write_datetime_with_format(row, c, local, &self.instant)
                        .map_err(xlsx_failed)?;
                    19
                }
                Cell::Date(Some(d)) => {
                    ws.write_datetime_with_format(row, c, *d, &self.date)
                        .map_err(xlsx_failed)?;
                    10
                }
                Cell::Instant(None) | Cell::Date(None) => 0,
            };
            if let Some(w) = s.widths.get_mut(col) {
                *w = (*w).max(width);
            }
        }
        s.row += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.fit_columns()?;
        self.workbook.save_to_writer(&mut self.out).map_err(xlsx_failed)
    }
}

//! An export as CSV: a writer per table (a folder of files, or one flat tickets file). Text
//! that looks like a formula is made inert; instants are RFC3339 in the shop's timezone.

use super::table::{Cell, Table, inert};
use super::{Result, Sink, io_failed};
use chrono_tz::Tz;
use std::io::Write;

/// Makes Excel read a file as UTF-8 (without it, Excel in China reads GBK and garbles Chinese).
pub const BOM: &[u8] = "\u{feff}".as_bytes();

pub struct CsvSink {
    tz: Tz,
    writers: Vec<(Table, csv::Writer<Box<dyn Write>>)>,
    /// Reused for each row's text.
    fields: Vec<String>,
}

impl CsvSink {
    /// A sink writing each table to its writer, headers first.
    pub fn new(tz: Tz, outputs: Vec<(Table, Vec<String>, Box<dyn Write>)>) -> Result<CsvSink> {
        let mut writers = Vec::with_capacity(outputs.len());
        for (table, headers, out) in outputs {
            let mut w = csv::WriterBuilder::new().from_writer(out);
            w.write_record(&headers).map_err(csv_failed)?;
            writers.push((table, w));
        }
        Ok(CsvSink {
            tz,
            writers,
            fields: Vec::new(),
        })
    }
}

fn csv_failed(e: csv::Error) -> super::CliError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => io_failed(e),
        other => super::CliError::failed(format!("{other:?}")),
    }
}

/// A cell as CSV text.
pub fn field(cell: &Cell<'_>, tz: Tz) -> String {
    match cell {
        Cell::Text(s) => inert(s).into_owned(),
        Cell::Int(n) => n.to_string(),
        Cell::Instant(t) => t.map_or_else(String::new, |t| {
            t.with_timezone(&tz).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
        }),
        Cell::Date(d) => d.map_or_else(String::new, |d| d.format("%Y-%m-%d").to_string()),
    }
}

impl Sink for CsvSink {
    fn row(&mut self, table: Table, cells: &[Cell<'_>]) -> Result<()> {
        let tz = self.tz;
        self.fields.clear();
        self.fields.extend(cells.iter().map(|c| field(c, tz)));
        if let Some((_, w)) = self.writers.iter_mut().find(|(t, _)| *t == table) {
            w.write_record(&self.fields).map_err(csv_failed)?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        for (_, mut w) in self.writers {
            w.flush().map_err(io_failed)?;
        }
        Ok(())
    }
}

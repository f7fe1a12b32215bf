//! An export as CSV: a writer per table (a folder of files, or one flat tickets file). Text
//! that looks like a formula is made inert; instants are RFC3339 in the shop's timezone.

use super::table::{Cell, Table, inert};
use super::{Result, Sink, io_failed};
use chrono::{Datelike, Timelike};
use chrono_tz::Tz;
use std::io::Write;

/// Makes Excel read a file as UTF-8 (without it, Excel in China reads GBK and garbles Chinese).
pub const BOM: &[u8] = "\u{feff}".as_bytes();

pub struct CsvSink {
    tz: Tz,
    writers: Vec<(Table, csv::Writer<Box<dyn Write>>)>,
    /// Reused for each field's text.
    field: String,
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
            field: String::new(),
        })
    }
}

fn csv_failed(e: csv::Error) -> super::CliError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => io_failed(e),
        other => super::CliError::failed(format!("{other:?}")),
    }
}

/// Writes a cell as CSV text into `out` (cleared first).
pub fn field(cell: &Cell<'_>, tz: Tz, out: &mut String) {
    use std::fmt::Write as _;
    out.clear();
    match cell {
        Cell::Text(s) => out.push_str(&inert(s)),
        Cell::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Cell::Instant(Some(t)) => local_rfc3339(*t, tz, out),
        Cell::Date(Some(d)) => {
            let _ = write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
        }
        Cell::Instant(None) | Cell::Date(None) => {}
    }
}

/// `2026-11-02T09:00:00+08:00`: RFC3339 in the shop's offset, written field by field (a
/// million tickets have tens of millions of instants; chrono's `format` parses its pattern
/// each time).
fn local_rfc3339(t: chrono::DateTime<chrono::Utc>, tz: Tz, out: &mut String) {
    use chrono::Offset as _;
    use std::fmt::Write as _;
    let local = t.with_timezone(&tz);
    let offset = local.offset().fix().local_minus_utc();
    let n = local.naive_local();
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.unsigned_abs();
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        n.year(),
        n.month(),
        n.day(),
        n.hour(),
        n.minute(),
        n.second(),
        offset / 3600,
        offset % 3600 / 60
    );
}

impl Sink for CsvSink {
    fn row(&mut self, table: Table, cells: &[Cell<'_>]) -> Result<()> {
        let CsvSink {
            tz,
            writers,
            field: buf,
        } = self;
        let Some((_, w)) = writers.iter_mut().find(|(t, _)| *t == table) else {
            return Ok(());
        };
        for cell in cells {
            field(cell, *tz, buf);
            w.write_field(buf.as_bytes()).map_err(csv_failed)?;
        }
        // An empty record after the fields ends the row.
        w.write_record(None::<&[u8]>).map_err(csv_failed)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        for (_, mut w) in self.writers {
            w.flush().map_err(io_failed)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn instants_are_rfc3339_in_the_shops_offset() {
        let mut out = String::new();
        let t = chrono::Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
        field(&Cell::Instant(Some(t)), chrono_tz::Asia::Shanghai, &mut out);
        assert_eq!(out, "2026-11-02T09:00:00+08:00");
        field(&Cell::Instant(Some(t)), chrono_tz::America::St_Johns, &mut out);
        assert_eq!(out, t.with_timezone(&chrono_tz::America::St_Johns).to_rfc3339());
        field(&Cell::Text("=1".into()), chrono_tz::UTC, &mut out);
        assert_eq!(out, "'=1");
    }
}

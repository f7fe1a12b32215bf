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
    writers: Vec<(Table, csv::Writer<Box<dyn Write + Send>>)>,
    /// Reused for each field's text.
    field: String,
}

impl CsvSink {
    /// A sink writing each table to its writer, headers first.
    pub fn new(tz: Tz, outputs: Vec<(Table, Vec<String>, Box<dyn Write + Send>)>) -> Result<CsvSink> {
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
    out.clear();
    match cell {
        Cell::Text(s) => out.push_str(&inert(s)),
        Cell::Int(n) => push_int(out, *n),
        Cell::Instant(Some(t)) => local_rfc3339(*t, tz, out),
        Cell::Date(Some(d)) => {
            if !push_date(out, d.year(), d.month(), d.day()) {
                use std::fmt::Write as _;
                let _ = write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
            }
        }
        Cell::Event(e) => {
            use std::fmt::Write as _;
            let _ = write!(out, "{e}");
            // Text, as any other: made inert if it looks like a formula.
            if let std::borrow::Cow::Owned(inert) = inert(out) {
                *out = inert;
            }
        }
        Cell::Instant(None) | Cell::Date(None) => {}
    }
}

/// `n` in decimal, written digit by digit (the formatting machinery costs more than the
/// digits on tens of millions of cells).
fn push_int(out: &mut String, n: i64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
}

/// `n` as `width` digits with leading zeros (`n` has at most that many).
fn push_padded(out: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        out.push(char::from(b'0' + (n / 10u32.pow(place) % 10) as u8));
    }
}

/// `2026-11-02`; false (nothing written) for a year outside 0..=9999.
fn push_date(out: &mut String, year: i32, month: u32, day: u32) -> bool {
    let Ok(year) = u32::try_from(year) else { return false };
    if year > 9999 {
        return false;
    }
    push_padded(out, year, 4);
    out.push('-');
    push_padded(out, month, 2);
    out.push('-');
    push_padded(out, day, 2);
    true
}

/// `2026-11-02T09:00:00+08:00`: RFC3339 in the shop's offset, written digit by digit (a
/// million tickets have tens of millions of instants; chrono's `format` parses its pattern
/// each time).
fn local_rfc3339(t: chrono::DateTime<chrono::Utc>, tz: Tz, out: &mut String) {
    use chrono::Offset as _;
    let local = t.with_timezone(&tz);
    let offset = local.offset().fix().local_minus_utc();
    let n = local.naive_local();
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.unsigned_abs();
    if !push_date(out, n.year(), n.month(), n.day()) {
        use std::fmt::Write as _;
        let _ = write!(out, "{:04}-{:02}-{:02}", n.year(), n.month(), n.day());
    }
    out.push('T');
    push_padded(out, n.hour(), 2);
    out.push(':');
    push_padded(out, n.minute(), 2);
    out.push(':');
    push_padded(out, n.second(), 2);
    out.push(sign);
    push_padded(out, (offset / 3600).min(99), 2);
    out.push(':');
    push_padded(out, offset % 3600 / 60, 2);
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
            // Text goes as it is (no copy) unless it must be made inert.
            if let Cell::Text(s) = cell {
                w.write_field(inert(s).as_bytes()).map_err(csv_failed)?;
            } else {
                field(cell, *tz, buf);
                w.write_field(buf.as_bytes()).map_err(csv_failed)?;
            }
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

    #[test]
    fn numbers_dates_and_instants_read_as_the_formatter_writes_them() {
        let mut out = String::new();
        for n in [0, 7, -7, 10, 1_000_000, i64::MAX, i64::MIN] {
            field(&Cell::Int(n), chrono_tz::UTC, &mut out);
            assert_eq!(out, n.to_string());
        }
        for (y, m, d) in [(2026, 1, 2), (1, 12, 31), (9999, 6, 30), (-5, 3, 4), (12345, 1, 1)] {
            let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
            field(&Cell::Date(Some(date)), chrono_tz::UTC, &mut out);
            assert_eq!(out, format!("{y:04}-{m:02}-{d:02}"));
        }
        // An offset with seconds (Shanghai's local mean time before 1901, +08:05:43) shows its
        // whole minutes, as it always did.
        let lmt = chrono::Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0).unwrap();
        field(&Cell::Instant(Some(lmt)), chrono_tz::Asia::Shanghai, &mut out);
        assert_eq!(out, "1900-01-01T08:05:43+08:05");
        for (t, tz) in [
            (
                chrono::Utc.with_ymd_and_hms(2026, 3, 8, 7, 30, 5).unwrap(),
                chrono_tz::America::New_York,
            ),
            (
                chrono::Utc.with_ymd_and_hms(2026, 11, 24, 2, 0, 0).unwrap(),
                chrono_tz::Asia::Kolkata,
            ),
        ] {
            field(&Cell::Instant(Some(t)), tz, &mut out);
            assert_eq!(out, t.with_timezone(&tz).format("%Y-%m-%dT%H:%M:%S%:z").to_string());
        }
    }
}

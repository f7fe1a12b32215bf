//! Reading an import file into rows of text: CSV in UTF-8 (with or without a BOM) or GBK/GB18030
//! as Excel in China saves it, streamed a record at a time, or the first sheet of an XLSX
//! workbook, which calamine reads whole.

use crate::domain::import::{Problem, Trouble};
use chrono::NaiveDateTime;
use std::io::{self, BufRead, Read};
use std::path::Path;

/// A file's header and rows; each row with its number as a spreadsheet shows it.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(u64, Vec<String>)>,
}

/// The text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gb18030,
}

impl Encoding {
    /// `--encoding`: GBK is read as GB18030, which contains it.
    pub fn named(name: &str) -> Option<Encoding> {
        match crate::domain::ticket::normalize_word(name).as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "gbk" | "gb18030" | "gb2312" | "cp936" => Some(Encoding::Gb18030),
            _ => None,
        }
    }
}

/// The encoding of a CSV file: valid UTF-8 (a BOM is UTF-8 too) is UTF-8, else GB18030 (what
/// Excel in China writes). Read through once, a chunk at a time: the whole file decides.
pub fn detect(mut file: impl Read) -> io::Result<Encoding> {
    let mut buf = vec![0u8; 1 << 16];
    // Bytes of a character cut at the end of a chunk, carried to the next.
    let mut carry = 0;
    loop {
        let n = match file.read(&mut buf[carry..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(if carry == 0 { Encoding::Utf8 } else { Encoding::Gb18030 });
        }
        let len = carry + n;
        match std::str::from_utf8(&buf[..len]) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() => {
                buf.copy_within(e.valid_up_to()..len, 0);
                carry = len - e.valid_up_to();
            }
            Err(_) => return Ok(Encoding::Gb18030),
        }
    }
}

/// A CSV file's text as UTF-8 bytes, read as it is needed: a UTF-8 BOM is left out, GB18030
/// is decoded (what cannot be decoded becomes U+FFFD, as a whole-file decode would make it).
pub fn text(file: impl Read + Send + 'static, encoding: Encoding) -> io::Result<Box<dyn Read + Send>> {
    let mut file = io::BufReader::with_capacity(1 << 16, file);
    if file.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        file.consume(3);
    }
    Ok(match encoding {
        Encoding::Utf8 => Box::new(file),
        Encoding::Gb18030 => Box::new(Decoded {
            file,
            decoder: encoding_rs::GB18030.new_decoder_without_bom_handling(),
            raw: vec![0; 1 << 16],
            out: Vec::new(),
            at: 0,
            ended: false,
        }),
    })
}

/// GB18030 bytes read as UTF-8, a chunk at a time.
struct Decoded<R> {
    file: R,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    /// Decoded text not yet handed out, from `at`.
    out: Vec<u8>,
    at: usize,
    ended: bool,
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.out.len() {
            if self.ended {
                return Ok(0);
            }
            let n = match self.file.read(&mut self.raw) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            self.ended = n == 0;
            // Room for all of it: one call decodes the whole chunk.
            let room = self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 4 + 16);
            self.out.resize(room, 0);
            let (_, _, written, _) = self.decoder.decode_to_utf8(&self.raw[..n], &mut self.out, self.ended);
            self.out.truncate(written);
            self.at = 0;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The records of CSV text, one at a time; rows are numbered from 1 (the header).
pub struct Records {
    reader: csv::Reader<Box<dyn Read + Send>>,
    record: csv::ByteRecord,
    row: u64,
    failed: bool,
}

impl Records {
    pub fn new(text: Box<dyn Read + Send>) -> Records {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        Records {
            reader,
            record: csv::ByteRecord::new(),
            row: 0,
            failed: false,
        }
    }
}

impl Iterator for Records {
    /// A record's number and cells, or why it cannot be read.
    type Item = (u64, Result<Vec<String>, Problem>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        self.row += 1;
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let cells = self
                    .record
                    .iter()
                    .map(|c| unguarded(&String::from_utf8_lossy(c)).to_string())
                    .collect();
                Some((self.row, Ok(cells)))
            }
            Err(e) => {
                // Only reading the file fails here (bytes are not checked as UTF-8): say so
                // once and stop, rather than fail again on every call.
                self.failed = true;
                let problem = Problem {
                    row: self.row,
                    column: None,
                    trouble: Trouble::Unreadable(e.to_string()),
                };
                Some((self.row, Err(problem)))
            }
        }
    }
}

/// A cell as it was before `export` guarded it: the `'` it puts before text a spreadsheet
/// would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return) is taken off again.
fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// The first sheet of an XLSX workbook. Dates are read as the local date and time Excel shows;
/// whole numbers (a phone number typed as a number) without a decimal point.
pub fn xlsx(path: &Path) -> Result<Table, String> {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(path).map_err(|e: calamine::XlsxError| e.to_string())?;
    let range = match book.worksheet_range_at(0) {
        Some(r) => r.map_err(|e| e.to_string())?,
        None => {
            return Ok(Table {
                headers: Vec::new(),
                rows: Vec::new(),
            });
        }
    };
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let text = |cell: &Data| -> String {
        match cell {
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::DateTime(d) => d
                .as_datetime()
                .map(|t: NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_else(|| d.to_string()),
            other => other.to_string(),
        }
    };
    let mut headers = None;
    let mut rows = Vec::new();
    for (i, r) in range.rows().enumerate() {
        let cells: Vec<String> = r.iter().map(text).collect();
        if headers.is_none() {
            headers = Some(cells);
        } else if cells.iter().any(|c| !c.trim().is_empty()) {
            rows.push((first_row + i as u64 + 1, cells));
        }
    }
    Ok(Table {
        headers: headers.unwrap_or_default(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records of `bytes` read as a file would be, after detecting their encoding.
    fn records(bytes: &[u8]) -> Vec<(u64, Vec<String>)> {
        let encoding = detect(bytes).unwrap();
        let text = text(io::Cursor::new(bytes.to_vec()), encoding).unwrap();
        Records::new(text).map(|(row, cells)| (row, cells.unwrap())).collect()
    }

    #[test]
    fn the_formula_guard_of_export_is_taken_off() {
        let rows = records(b"title,phone,note\n'=SUM(A1),'+86 138 1234 5678,'it's fine\n");
        assert_eq!(rows[1].1, ["=SUM(A1)", "+86 138 1234 5678", "'it's fine"]);
    }

    #[test]
    fn encodings_are_told_apart() {
        let text = "标题,创建时间\n屏幕碎了,2026-11-02 09:00\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(detect(&gbk[..]).unwrap(), Encoding::Gb18030);
        assert_eq!(detect(&bom[..]).unwrap(), Encoding::Utf8);
        for bytes in [&gbk[..], &bom[..], text.as_bytes()] {
            let rows = records(bytes);
            assert_eq!(rows[0], (1, vec!["标题".to_string(), "创建时间".to_string()]));
            assert_eq!(
                rows[1],
                (2, vec!["屏幕碎了".to_string(), "2026-11-02 09:00".to_string()])
            );
        }
    }

    #[test]
    fn a_character_cut_between_chunks_is_still_utf8_and_gb18030_decodes_across_them() {
        // 中 is three bytes in UTF-8 and two in GB18030: across a 64 KiB boundary either way.
        let line = format!("{}中\n", "a".repeat((1 << 16) - 1));
        assert_eq!(detect(line.as_bytes()).unwrap(), Encoding::Utf8);
        let (gbk, _, _) = encoding_rs::GBK.encode(&line);
        assert_eq!(detect(&gbk[..]).unwrap(), Encoding::Gb18030);
        let mut decoded = String::new();
        text(io::Cursor::new(gbk.to_vec()), Encoding::Gb18030)
            .unwrap()
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, line);
    }
}

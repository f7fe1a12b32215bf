//! Reading an import file into a header and rows of text: CSV in UTF-8 (with or without a BOM)
//! or GBK/GB18030 as Excel in China saves it, or the first sheet of an XLSX workbook.

use crate::domain::import::{Problem, Trouble};
use chrono::NaiveDateTime;
use std::borrow::Cow;
use std::path::Path;

/// A file's header and rows; each row with its number as a spreadsheet shows it.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(u64, Vec<String>)>,
    /// Records that could not be read at all.
    pub problems: Vec<Problem>,
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

/// The text of a CSV file: a UTF-8 BOM means UTF-8, then valid UTF-8 is UTF-8, else GB18030
/// (what Excel in China writes), unless `forced`.
pub fn decode(bytes: &[u8], forced: Option<Encoding>) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let encoding = forced.unwrap_or(match std::str::from_utf8(bytes) {
        Ok(_) => Encoding::Utf8,
        Err(_) => Encoding::Gb18030,
    });
    match encoding {
        Encoding::Utf8 => String::from_utf8_lossy(bytes),
        Encoding::Gb18030 => encoding_rs::GB18030.decode_without_bom_handling(bytes).0,
    }
}

/// The rows of CSV `text`: the first record is the header, data rows are numbered from 2.
pub fn csv(text: &str) -> Table {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut headers = None;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i as u64 + 1;
        match record {
            Ok(r) => {
                let cells: Vec<String> = r.iter().map(str::to_string).collect();
                if headers.is_none() {
                    headers = Some(cells);
                } else if cells.iter().any(|c| !c.trim().is_empty()) {
                    rows.push((row, cells));
                }
            }
            Err(e) => problems.push(Problem {
                row,
                column: None,
                trouble: Trouble::Unreadable(e.to_string()),
            }),
        }
    }
    Table {
        headers: headers.unwrap_or_default(),
        rows,
        problems,
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
                problems: Vec::new(),
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
        problems: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_told_apart() {
        let text = "标题,创建时间\n屏幕碎了,2026-11-02 09:00\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(decode(&gbk, None), text);
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&bom, None), text);
        assert_eq!(decode(text.as_bytes(), None), text);
        let table = csv(text);
        assert_eq!(table.headers, ["标题", "创建时间"]);
        assert_eq!(table.rows[0].0, 2);
    }
}

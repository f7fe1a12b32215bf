//! The report as an XLSX workbook: a sheet per table (named by its title), headings bold,
//! columns as wide as their content (CJK counts two).

use super::Table;
use crate::cli::Result;
use crate::cli::export::xlsx_failed;
use crate::domain::text::width_of;
use rust_xlsxwriter::{Format, Workbook};

/// Characters Excel refuses in a sheet name, and its longest name.
const NOT_IN_NAMES: &[char] = &['[', ']', ':', '*', '?', '/', '\\'];
const NAME_CHARS: usize = 31;

pub(super) fn xlsx(tables: &[Table]) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let mut used: Vec<String> = Vec::new();
    for table in tables {
        let ws = book.add_worksheet();
        let name = sheet_name(&table.title, &used);
        ws.set_name(&name).map_err(xlsx_failed)?;
        used.push(name);
        let mut widths: Vec<usize> = table.headers.iter().map(|h| width_of(h)).collect();
        for (c, h) in table.headers.iter().enumerate() {
            ws.write_string_with_format(0, col(c), h, &bold).map_err(xlsx_failed)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                ws.write_string(r, col(c), cell).map_err(xlsx_failed)?;
                if let Some(w) = widths.get_mut(c) {
                    *w = (*w).max(width_of(cell));
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            let w = u32::try_from((*w).clamp(4, 80) + 2).unwrap_or(10);
            ws.set_column_width(col(c), w).map_err(xlsx_failed)?;
        }
    }
    book.save_to_buffer().map_err(xlsx_failed)
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// A sheet name from a title: without the characters Excel refuses, at most 31 characters,
/// and unlike those already used (names differ ignoring case).
fn sheet_name(title: &str, used: &[String]) -> String {
    // A refused character becomes a space, and runs of spaces one ("met on time / due").
    let spaced: String = title
        .chars()
        .map(|c| {
            if NOT_IN_NAMES.contains(&c) || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let base: String = spaced
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(NAME_CHARS)
        .collect();
    let base = base.trim_matches('\'').trim().to_string();
    let base = if base.is_empty() { "Sheet".to_string() } else { base };
    let taken = |n: &str| used.iter().any(|u| u.to_lowercase() == n.to_lowercase());
    let mut name = base.clone();
    let mut n = 2;
    while taken(&name) {
        let suffix = format!(" ({n})");
        let keep = NAME_CHARS.saturating_sub(suffix.chars().count());
        name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
        n += 1;
    }
    name
}

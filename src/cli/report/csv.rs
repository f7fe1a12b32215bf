//! The report as one CSV file: every row starts with its table's title (the `section`
//! column), and each table's first row holds its column headings. Split by the first column
//! to get the tables back. Formula-looking text is made inert, as in `export`.

use super::Table;
use crate::cli::export::table::inert;
use crate::cli::{CliError, Result};

pub(super) fn csv(tables: &[Table], bom: bool) -> Result<Vec<u8>> {
    let mut start = Vec::new();
    if bom {
        start.extend_from_slice(crate::cli::export::BOM);
    }
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(start);
    for table in tables {
        for row in std::iter::once(&table.headers).chain(&table.rows) {
            let mut record = Vec::with_capacity(row.len() + 1);
            record.push(inert(&table.title));
            record.extend(row.iter().map(|c| inert(c)));
            w.write_record(record.iter().map(|c| c.as_bytes()))
                .map_err(|e| CliError::failed(e.to_string()))?;
        }
    }
    w.into_inner().map_err(|e| CliError::failed(e.to_string()))
}

//! `import --dry-run --json`: what a run would do, and every problem with its place.

use serde::Serialize;

/// The dry run's report.
#[derive(Debug, Serialize)]
pub struct ImportReportJson {
    /// Whether the file has an external id column (without one, re-import cannot be detected).
    pub external_id: bool,
    /// Rows a real run would write (0 while there are problems: nothing is written then).
    pub importable: usize,
    /// Every problem, in row order.
    pub problems: Vec<ImportProblemJson>,
    /// Data rows read (or lines of a JSON Lines file).
    pub rows: usize,
    /// Rows left out because their external id is in the database already (`--skip-existing`).
    pub skipped: usize,
}

/// One problem of an import file.
#[derive(Debug, Serialize)]
pub struct ImportProblemJson {
    /// The column as the file names it; null for the whole row.
    pub column: Option<String>,
    /// What is wrong, in the command's language.
    pub problem: String,
    /// The row as a spreadsheet numbers it (the header is row 1), or the line of a JSON Lines file.
    pub row: u64,
}

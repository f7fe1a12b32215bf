//! What `promptly import` says: each problem with its row and column, the report's summary and
//! what was written, in the reader's language.

use crate::desk::import::ImportSummary;
use crate::domain::import::{Field, Problem, Trouble};
use crate::domain::text::sanitize_line;
use crate::t;

/// A field as a Chinese reader knows the column ("title (标题)" / "标题").
pub fn field(f: Field, lang: &str) -> String {
    t!(format!("import.field.{}", f.name()), locale = lang).to_string()
}

/// Why the row or header was refused, without where.
pub fn trouble(tr: &Trouble, lang: &str) -> String {
    match tr {
        Trouble::UnknownColumn => t!("import.unknown_column", locale = lang).to_string(),
        Trouble::DuplicateColumn(f) => {
            t!("import.duplicate_column", locale = lang, field = field(*f, lang)).to_string()
        }
        Trouble::MissingColumn(f) => t!("import.missing_column", locale = lang, field = field(*f, lang)).to_string(),
        Trouble::Invalid(reason) => super::errors::reason(reason, lang),
        Trouble::Timestamp(e) => super::app::timestamp_error(e, lang),
        Trouble::Missing(f) => t!("import.missing", locale = lang, field = field(*f, lang)).to_string(),
        Trouble::Before { earlier } => t!("import.before", locale = lang, field = field(*earlier, lang)).to_string(),
        Trouble::StatusNeeds(s) => t!(
            "import.status_needs",
            locale = lang,
            status = super::word("status", s.slug(), lang)
        )
        .to_string(),
        Trouble::StatusForbids(s) => t!(
            "import.status_forbids",
            locale = lang,
            status = super::word("status", s.slug(), lang)
        )
        .to_string(),
        Trouble::DuplicateId { first_row } => t!("import.duplicate_id", locale = lang, row = first_row).to_string(),
        Trouble::AlreadyImported { ticket } => t!("import.already_imported", locale = lang, id = ticket).to_string(),
        Trouble::Unreadable(e) => t!("import.unreadable", locale = lang, error = sanitize_line(e)).to_string(),
        Trouble::Changed => t!("import.changed", locale = lang).to_string(),
    }
}

/// Where a problem is: "row 7, phone" / "第 7 行，电话".
pub fn place(p: &Problem, lang: &str) -> String {
    match &p.column {
        Some(c) => t!(
            "import.place_column",
            locale = lang,
            row = p.row,
            column = sanitize_line(c)
        )
        .to_string(),
        None => t!("import.place", locale = lang, row = p.row).to_string(),
    }
}

/// One line of the report: where, then what.
pub fn line(p: &Problem, lang: &str) -> String {
    t!(
        "import.line",
        locale = lang,
        place = place(p, lang),
        what = trouble(&p.trouble, lang)
    )
    .to_string()
}

/// An import refused as a whole: how many problems, and the first.
pub fn refused(problems: &[Problem], lang: &str) -> String {
    let first = problems.first().map(|p| line(p, lang)).unwrap_or_default();
    t!(
        super::counted("import.refused", problems.len()),
        locale = lang,
        n = problems.len(),
        first = first
    )
    .to_string()
}

/// What a run wrote.
pub fn done(s: &ImportSummary, file: &str, lang: &str) -> String {
    let mut text = t!(
        super::counted("import.done", s.imported),
        locale = lang,
        n = s.imported,
        entries = s.entries,
        file = sanitize_line(file)
    )
    .to_string();
    for (key, n) in [
        ("skipped", s.skipped),
        ("breaches_imported", s.breaches_imported),
        ("breaches_queued", s.breaches_queued),
    ] {
        if n > 0 {
            text.push('\n');
            text.push_str(&t!(super::counted(&format!("import.{key}"), n), locale = lang, n = n));
        }
    }
    text
}

//! `promptly migrate --to URL`: progress on stderr when it is a terminal, then each table's
//! rows and `verify`'s report on the copy, in the reader's words.

use super::backup::ProgressLine;
use super::{CliError, Result};
use crate::app::Setup;
use crate::cli::args::MigrateArgs;
use crate::domain::text::sanitize_line;
use crate::t;

pub fn run(setup: &Setup, args: MigrateArgs) -> Result<()> {
    let lang = setup.lang;
    let mut line = ProgressLine::stderr(lang);
    let done = setup.migrate_to(&args.to, &mut |table, rows| {
        line.say(t!("migrate.copying", locale = lang, table = table, rows = rows).to_string());
    });
    if done.is_ok() {
        line.say(t!("backup.checking", locale = lang).to_string());
    }
    line.clear();
    let done = done?;
    for (table, rows) in &done.copied.tables {
        println!("{}", t!("migrate.table", locale = lang, table = table, rows = rows));
    }
    print!("{}", crate::words::verify::report(&done.verification, lang));
    if !done.verification.findings.is_empty() {
        return Err(CliError::failed(t!(
            "migrate.unsound",
            locale = lang,
            url = sanitize_line(&done.url),
            summary = crate::words::verify::summary(&done.verification, lang)
        )));
    }
    println!("{}", t!("migrate.done", locale = lang, url = sanitize_line(&done.url)));
    Ok(())
}

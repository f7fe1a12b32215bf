//! `promptly backup [FILE]` and `promptly restore FILE`: progress on stderr when it is a
//! terminal, the question before a restore, and what was done in the reader's words.

use super::Result;
use crate::app::backup::{BackupRequest, Stage};
use crate::app::{Error, Setup};
use crate::cli::args::{BackupArgs, RestoreArgs};
use crate::domain::text::sanitize_line;
use crate::t;
use std::io::{IsTerminal, Write};
use std::path::Path;

pub fn backup(setup: &Setup, args: BackupArgs) -> Result<()> {
    let request = BackupRequest {
        file: args.file,
        force: args.force,
        keep: args.keep.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
    };
    let mut line = ProgressLine::stderr(setup.lang);
    let done = setup.backup(&request, &mut |stage| line.show(stage));
    line.clear();
    let done = done?;
    let v = &done.verification;
    println!(
        "{}",
        t!(
            "backup.done",
            locale = setup.lang,
            path = shown(&done.path),
            entries = crate::words::count_of("entries", v.entries, setup.lang),
            tickets = crate::words::count_of("tickets", v.tickets, setup.lang)
        )
    );
    if !done.removed.is_empty() {
        println!(
            "{}",
            t!(
                crate::words::counted("backup.removed", done.removed.len()),
                locale = setup.lang,
                n = done.removed.len(),
                keep = request.keep.unwrap_or_default()
            )
        );
    }
    Ok(())
}

pub fn restore(setup: &Setup, args: RestoreArgs) -> Result<()> {
    let lang = setup.lang;
    setup.require_file(crate::app::SqliteOnly::Backup)?;
    let db = shown(&setup.db_path());
    let file = shown(&args.file);
    // Asked on a terminal only; a script says --yes (a cron job cannot answer).
    let can_ask = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !args.yes && !can_ask {
        return Err(Error::failed(t!("backup.no_terminal", locale = lang, db = db)));
    }
    let mut line = ProgressLine::stderr(lang);
    let prepared = setup.prepare_restore(&args.file, &mut |stage| line.show(stage));
    line.clear();
    let prepared = prepared?;
    let v = &prepared.verification;
    eprintln!(
        "{}",
        t!(
            "backup.file_sound",
            locale = lang,
            file = file,
            entries = crate::words::count_of("entries", v.entries, lang),
            tickets = crate::words::count_of("tickets", v.tickets, lang)
        )
    );
    if !args.yes {
        let question = match prepared.aside() {
            Some(aside) => t!("backup.ask", locale = lang, db = db, file = file, aside = shown(aside)),
            None => t!("backup.ask_new", locale = lang, db = db, file = file),
        };
        if !confirm(&question)? {
            return Err(Error::failed(t!("backup.declined", locale = lang)));
        }
    }
    let aside = prepared.commit(&mut |stage| line.show(stage));
    line.clear();
    let aside = aside?;
    println!("{}", t!("backup.restored", locale = lang, file = file, db = db));
    if let Some(aside) = aside {
        println!("{}", t!("backup.kept_aside", locale = lang, aside = shown(&aside)));
    }
    Ok(())
}

/// A path as the terminal may show it.
fn shown(path: &Path) -> String {
    sanitize_line(&path.display().to_string())
}

/// `question [y/N]` on stderr, the answer from stdin.
fn confirm(question: &str) -> Result<bool> {
    eprint!("{question} ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Error::failed(e.to_string()))?;
    Ok(matches!(
        answer.trim().to_lowercase().as_str(),
        "y" | "yes" | "是" | "好"
    ))
}

/// One line on stderr, rewritten in place, when stderr is a terminal; nothing when piped.
pub(super) struct ProgressLine {
    lang: &'static str,
    on: bool,
    shown: Option<String>,
}

impl ProgressLine {
    pub(super) fn stderr(lang: &'static str) -> Self {
        ProgressLine {
            lang,
            on: std::io::stderr().is_terminal(),
            shown: None,
        }
    }

    fn show(&mut self, stage: Stage) {
        if !self.on {
            return;
        }
        let text = match stage {
            Stage::Copying(c) => {
                let percent = (c.done * 100).checked_div(c.total).unwrap_or(0).min(100);
                t!("backup.copying", locale = self.lang, percent = percent)
            }
            Stage::Checking => t!("backup.checking", locale = self.lang),
        };
        self.say(text.to_string());
    }

    /// Shows `text` in place of the line before, if it differs.
    pub(super) fn say(&mut self, text: String) {
        if !self.on {
            return;
        }
        if self.shown.as_ref() != Some(&text) {
            eprint!("\r\x1b[2K{text}");
            let _ = std::io::stderr().flush();
            self.shown = Some(text);
        }
    }

    pub(super) fn clear(&mut self) {
        if self.shown.take().is_some() {
            eprint!("\r\x1b[2K");
            let _ = std::io::stderr().flush();
        }
    }
}

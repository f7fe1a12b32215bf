//! `promptly intake --maildir DIR`: every regular file of `DIR/new`, in name order (arrival
//! order for maildir names), taken in transactions of up to [`BATCH`](super::BATCH) messages;
//! each file moves to `DIR/cur` (flag `S`, seen) only after its transaction committed.
//! Quarantined files are copied into the quarantine maildir first, then removed from `new/`.

use super::parse::{self, Parsed};
use super::{
    BATCH, BATCH_BYTES, Error, Filed, IntakeError, Outcome, Reason, Settings, data_dir, desk, files, later, stamp,
};
use crate::app::{Access, Setup};
use crate::desk::mail::Taken;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Takes every message in `dir/new`; `report` hears of each as it is filed.
pub fn from_maildir(
    setup: &Setup,
    settings: &Settings,
    dir: &Path,
    dry_run: bool,
    report: &mut dyn FnMut(&Outcome),
) -> std::result::Result<(), IntakeError> {
    let new = dir.join("new");
    let cur = dir.join("cur");
    let unreadable = |p: &Path, e| IntakeError::Maildir(p.to_path_buf(), e);
    let meta = std::fs::metadata(&new).map_err(|e| unreadable(&new, e))?;
    if !meta.is_dir() {
        return Err(unreadable(&new, std::io::Error::other("not a folder")));
    }
    if !dry_run {
        files::private_dir(&cur).map_err(|e| unreadable(&cur, e))?;
    }
    let mut names: Vec<String> = std::fs::read_dir(&new)
        .map_err(|e| unreadable(&new, e))?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    let mut run = Run {
        setup,
        settings,
        data: data_dir(setup),
        new,
        cur,
        dry_run,
        desk: None,
        looked: false,
        foreseen: std::collections::HashSet::new(),
        batch: Vec::new(),
        bytes: 0,
    };
    for name in names {
        if let Some(outcome) = run.read(&name)? {
            report(&outcome);
        }
        if run.batch.len() >= BATCH || run.bytes >= BATCH_BYTES {
            run.flush(report)?;
        }
    }
    run.flush(report)
}

struct Run<'a> {
    setup: &'a Setup,
    settings: &'a Settings,
    data: PathBuf,
    new: PathBuf,
    cur: PathBuf,
    dry_run: bool,
    desk: Option<crate::desk::Desk>,
    /// A dry run looked for the database (it may not exist: then `desk` stays `None`).
    looked: bool,
    /// A dry run's Message-IDs so far, as if taken (a later reply to one finds its ticket).
    foreseen: std::collections::HashSet<String>,
    /// Parsed messages waiting for their transaction, with their file names.
    batch: Vec<(String, Parsed)>,
    bytes: usize,
}

impl Run<'_> {
    /// Reads one file of `new/`: queued for the next transaction, or filed now (quarantined,
    /// skipped, or reported by a dry run).
    fn read(&mut self, name: &str) -> std::result::Result<Option<Outcome>, IntakeError> {
        let path = self.new.join(name);
        let outcome = |filed| {
            Some(Outcome {
                source: name.to_string(),
                filed,
            })
        };
        // Never through a symlink, never a pipe or device (a read could block for ever).
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&path);
        let Ok(file) = file else {
            return Ok(outcome(Filed::Skipped));
        };
        match file.metadata() {
            Ok(m) if m.is_file() => {}
            _ => return Ok(outcome(Filed::Skipped)),
        }
        let limit = self.settings.max_message.saturating_add(1);
        let mut raw = Vec::new();
        file.take(limit)
            .read_to_end(&mut raw)
            .map_err(|e| IntakeError::Maildir(path.clone(), e))?;
        if raw.len() as u64 >= limit {
            return self.quarantine(name, Reason::TooLarge, &[], Some(&path)).map(outcome);
        }
        // Kept for the quarantine: the file itself is not opened again (it was checked as read).
        match parse::parse(raw.clone(), self.settings.max_attachment) {
            Err(reason) => self.quarantine(name, reason, &raw, None).map(outcome),
            Ok(parsed) if self.dry_run => {
                if !self.looked {
                    self.looked = true;
                    self.desk = super::dry_desk(self.setup, self.settings)?;
                }
                super::foreseen(self.desk.as_ref(), self.settings, &parsed.mail, &mut self.foreseen).map(outcome)
            }
            Ok(parsed) => {
                self.bytes += parsed.mail.raw.len();
                self.batch.push((name.to_string(), parsed));
                Ok(None)
            }
        }
    }

    /// Quarantines file `name` (its bytes `raw`, or streamed from `whole`), then removes it
    /// from `new/`.
    fn quarantine(
        &mut self,
        name: &str,
        reason: Reason,
        raw: &[u8],
        whole: Option<&Path>,
    ) -> std::result::Result<Filed, IntakeError> {
        if self.dry_run {
            return Ok(Filed::WouldQuarantine(reason));
        }
        let src = self.new.join(name);
        let stamp = stamp(self.setup);
        let kept = match whole {
            Some(p) => File::open(p).and_then(|mut f| {
                files::quarantine(&self.data, reason.slug(), stamp, &[], Some(&mut f as &mut dyn Read))
            }),
            None => files::quarantine(&self.data, reason.slug(), stamp, raw, None),
        };
        let path = kept.map_err(|e| later(Error::Io(self.data.join("quarantine"), e)))?;
        std::fs::remove_file(&src).map_err(|e| IntakeError::Maildir(src.clone(), e))?;
        Ok(Filed::Quarantined { reason, path })
    }

    /// Takes the waiting messages in one transaction, then moves each to `cur/`.
    fn flush(&mut self, report: &mut dyn FnMut(&Outcome)) -> std::result::Result<(), IntakeError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        if self.desk.is_none() {
            self.desk = Some(desk(self.setup, self.settings, Access::ReadWrite)?);
        }
        let batch = std::mem::take(&mut self.batch);
        self.bytes = 0;
        let (names, parsed): (Vec<String>, Vec<Parsed>) = batch.into_iter().unzip();
        let (mails, parts): (Vec<_>, Vec<_>) = parsed.into_iter().map(|p| (p.mail, p.parts)).unzip();
        let Some(desk) = self.desk.as_mut() else { return Ok(()) };
        let taken = super::take_batch(desk, self.settings, &self.data, &mails, &parts)?;
        for ((name, mail), taken) in names.iter().zip(&mails).zip(taken) {
            let filed = match taken {
                None => self.quarantine(name, Reason::Refused, &mail.raw, None)?,
                Some(Taken::StrayBounce) => self.quarantine(name, Reason::Bounce, &mail.raw, None)?,
                Some(taken) => {
                    let to = self.cur.join(seen(name));
                    std::fs::rename(self.new.join(name), &to).map_err(|e| IntakeError::Maildir(to.clone(), e))?;
                    Filed::Taken(taken)
                }
            };
            report(&Outcome {
                source: name.clone(),
                filed,
            });
        }
        Ok(())
    }
}

/// A maildir name in `cur/` with the seen flag: `NAME:2,S` (flags kept sorted, once each).
fn seen(name: &str) -> String {
    match name.split_once(":2,") {
        Some((base, flags)) if flags.contains('S') => format!("{base}:2,{flags}"),
        Some((base, flags)) => {
            let mut f: Vec<char> = flags.chars().chain(['S']).collect();
            f.sort_unstable();
            format!("{base}:2,{}", f.into_iter().collect::<String>())
        }
        None => format!("{name}:2,S"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn seen_flags() {
        assert_eq!(super::seen("123.abc"), "123.abc:2,S");
        assert_eq!(super::seen("123.abc:2,F"), "123.abc:2,FS");
        assert_eq!(super::seen("123.abc:2,S"), "123.abc:2,S");
    }
}

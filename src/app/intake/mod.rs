//! `promptly intake`: mail in (issue 15). One message on stdin (for an MDA pipe), or every
//! file of a maildir's `new/`, moved to `cur/` only after the transaction holding it
//! committed (batches of up to [`BATCH`] messages). A message that cannot be taken goes to the
//! quarantine maildir; nothing is ever lost. Exit codes follow sysexits (see [`IntakeError`]).

pub(crate) mod files;
pub mod parse;

use crate::app::config::IntakeConfig;
use crate::app::{Access, Error, Setup};
use crate::desk::mail::{Foreseen, InMail, IntakeRules, Taken};
use crate::desk::{Desk, DeskError};
use crate::domain::mail::{Rule, parse_size};
use crate::store::StoreError;
use parse::Part;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Messages per transaction in a maildir run.
pub const BATCH: usize = 200;
/// Bytes of messages per transaction: a batch of big messages commits sooner.
const BATCH_BYTES: usize = 64 << 20;
const DEFAULT_MAX_ATTACHMENT: u64 = 10 << 20;
// 50 MB: base64 makes a message a third bigger than its attachments, so 25 MB would turn away a
// 20 MB attachment (listed, not saved) whole; 50 MB is what big mail hosts accept.
const DEFAULT_MAX_MESSAGE: u64 = 50 << 20;

/// Why a message was quarantined (the slug is written in its quarantine header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Nothing but whitespace.
    Empty,
    /// Over `[intake] max_message`.
    TooLarge,
    /// Not a message mail-parser can read.
    Unparseable,
    /// No From address.
    NoFrom,
    /// A From that is not an address.
    BadFrom,
    /// A delivery report that threads to no ticket.
    Bounce,
    /// The desk refused it (a ticket that cannot be written as the message says).
    Refused,
}

impl Reason {
    pub fn slug(self) -> &'static str {
        match self {
            Reason::Empty => "empty",
            Reason::TooLarge => "too-large",
            Reason::Unparseable => "unparseable",
            Reason::NoFrom => "no-from",
            Reason::BadFrom => "bad-from",
            Reason::Bounce => "bounce",
            Reason::Refused => "refused",
        }
    }
}

/// Why `intake` did not take everything, with its sysexits code.
#[derive(Debug)]
pub enum IntakeError {
    /// 65 EX_DATAERR: messages were quarantined (`count`; the last one's reason and file).
    Quarantined {
        count: usize,
        reason: Reason,
        path: PathBuf,
    },
    /// 66 EX_NOINPUT: nothing on stdin (nothing to keep, so nothing quarantined).
    NoInput,
    /// 74 EX_IOERR: the maildir cannot be read.
    Maildir(PathBuf, std::io::Error),
    /// 75 EX_TEMPFAIL: try again later (the database is busy, locked, read-only or missing, the
    /// disk is full): nothing of the message was kept, so the MTA must retry.
    TryLater(Box<Error>),
}

impl IntakeError {
    pub fn exit_code(&self) -> u8 {
        match self {
            IntakeError::Quarantined { .. } => 65,
            IntakeError::NoInput => 66,
            IntakeError::Maildir(..) => 74,
            IntakeError::TryLater(_) => 75,
        }
    }
}

/// `[intake]` read and checked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub rules: IntakeRules,
    pub author: String,
    pub max_attachment: u64,
    pub max_message: u64,
}

/// A config value intake cannot use: which key, what was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadSetting {
    pub key: &'static str,
    pub value: String,
}

impl Settings {
    /// `untitled` is the title of a message without a subject, in the reader's words.
    pub fn from_config(c: &IntakeConfig, untitled: String) -> std::result::Result<Settings, BadSetting> {
        let size = |key: &'static str, v: &Option<String>, default| match v {
            None => Ok(default),
            Some(text) => parse_size(text).ok_or(BadSetting {
                key,
                value: text.clone(),
            }),
        };
        let mut rules = Vec::new();
        for r in &c.rules {
            let bad = |key, value: &str| BadSetting {
                key,
                value: value.to_string(),
            };
            if r.keyword.trim().is_empty() {
                return Err(bad("rules.match", &r.keyword));
            }
            let kind = r
                .kind
                .as_deref()
                .map(|k| k.parse().map_err(|_| bad("rules.kind", k)))
                .transpose()?;
            let priority = r
                .priority
                .as_deref()
                .map(|p| p.parse().map_err(|_| bad("rules.priority", p)))
                .transpose()?;
            rules.push(Rule {
                keyword: r.keyword.clone(),
                kind,
                priority,
            });
        }
        Ok(Settings {
            rules: IntakeRules {
                rules,
                reopen_on_reply: c.reopen_on_reply.unwrap_or(true),
                untitled,
            },
            author: c
                .author
                .clone()
                .filter(|a| !a.trim().is_empty())
                .unwrap_or_else(|| "mail".to_string()),
            max_attachment: size("max_attachment", &c.max_attachment, DEFAULT_MAX_ATTACHMENT)?,
            max_message: size("max_message", &c.max_message, DEFAULT_MAX_MESSAGE)?,
        })
    }
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filed {
    Taken(Taken),
    Quarantined {
        reason: Reason,
        path: PathBuf,
    },
    /// `--dry-run`: it would be taken, and how (read from what is stored now).
    WouldTake {
        message_id: String,
        foreseen: Foreseen,
    },
    /// `--dry-run`: it would be quarantined.
    WouldQuarantine(Reason),
    /// A maildir entry that is not a regular file (a symlink, a folder, a pipe): left alone.
    Skipped,
}

/// One message's outcome: where it came from (`-` for stdin, else its file name).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub source: String,
    pub filed: Filed,
}

/// The folder beside the database holding attachments and the quarantine.
pub fn data_dir(setup: &Setup) -> PathBuf {
    let db = setup.db_path();
    match db.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn desk(setup: &Setup, settings: &Settings, access: Access) -> std::result::Result<Desk, IntakeError> {
    let store = setup.store_for(access).map_err(later)?;
    store.temp_in_memory().map_err(|e| later(Error::Store(e)))?;
    // On a server the mail is taken in under the role logged in, as every change there is.
    let author = store.login().map_or_else(|| settings.author.clone(), str::to_string);
    Ok(Desk::new(store, setup.policy.clone(), setup.clock.clone(), author))
}

/// A dry run's desk, read-only: `None` when the database does not exist yet (every message
/// would open a ticket then).
fn dry_desk(setup: &Setup, settings: &Settings) -> std::result::Result<Option<Desk>, IntakeError> {
    match desk(setup, settings, Access::ReadOnly) {
        Ok(desk) => Ok(Some(desk)),
        Err(IntakeError::TryLater(e)) if matches!(*e, Error::Store(StoreError::Missing(_))) => Ok(None),
        Err(e) => Err(e),
    }
}

/// What a dry run reports for a message that parsed: what taking it would do now, after the
/// run's messages `earlier` (this one's Message-ID is added when it would be taken).
fn foreseen(
    desk: Option<&Desk>,
    settings: &Settings,
    mail: &InMail,
    earlier: &mut HashSet<String>,
) -> std::result::Result<Filed, IntakeError> {
    let foreseen = match desk {
        Some(desk) => desk
            .foresee_mail(mail, &settings.rules, earlier)
            .map_err(|e| later(Error::Desk(e)))?,
        None => crate::desk::mail::foresee_new(mail, earlier),
    };
    if !matches!(foreseen, Foreseen::StrayBounce | Foreseen::Duplicate { .. }) {
        earlier.insert(mail.message_id.clone());
    }
    Ok(match foreseen {
        Foreseen::StrayBounce => Filed::WouldQuarantine(Reason::Bounce),
        foreseen => Filed::WouldTake {
            message_id: mail.message_id.clone(),
            foreseen,
        },
    })
}

fn later(e: Error) -> IntakeError {
    IntakeError::TryLater(Box::new(e))
}

/// The instant written in a quarantine header.
fn stamp(setup: &Setup) -> chrono::DateTime<chrono::Utc> {
    setup.clock.now()
}

/// Takes the one message on `input` (stdin). Over `max_message`, the whole message is
/// streamed into quarantine unread.
pub fn from_reader(
    setup: &Setup,
    settings: &Settings,
    input: &mut dyn Read,
    dry_run: bool,
) -> std::result::Result<Outcome, IntakeError> {
    let mut raw = Vec::new();
    let limit = settings.max_message.saturating_add(1);
    input
        .take(limit)
        .read_to_end(&mut raw)
        .map_err(|e| later(Error::Io(PathBuf::from("-"), e)))?;
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(IntakeError::NoInput);
    }
    let source = "-".to_string();
    let dir = data_dir(setup);
    let filed = if raw.len() as u64 >= limit {
        if dry_run {
            Filed::WouldQuarantine(Reason::TooLarge)
        } else {
            let path = files::quarantine(&dir, Reason::TooLarge.slug(), stamp(setup), &raw, Some(input))
                .map_err(|e| later(Error::Io(dir.join("quarantine"), e)))?;
            Filed::Quarantined {
                reason: Reason::TooLarge,
                path,
            }
        }
    } else {
        take_one(setup, settings, raw, dry_run)?
    };
    Ok(Outcome { source, filed })
}

fn take_one(
    setup: &Setup,
    settings: &Settings,
    raw: Vec<u8>,
    dry_run: bool,
) -> std::result::Result<Filed, IntakeError> {
    let dir = data_dir(setup);
    let parsed = match parse::parse(raw.clone(), settings.max_attachment) {
        Ok(p) => p,
        Err(reason) if dry_run => return Ok(Filed::WouldQuarantine(reason)),
        Err(reason) => return quarantined(setup, &dir, reason, &raw),
    };
    if dry_run {
        return foreseen(
            dry_desk(setup, settings)?.as_ref(),
            settings,
            &parsed.mail,
            &mut HashSet::new(),
        );
    }
    let mut desk = desk(setup, settings, Access::ReadWrite)?;
    let mut taken = take_batch(&mut desk, settings, &dir, &[parsed.mail], &[parsed.parts])?;
    match taken.pop().flatten() {
        Some(Taken::StrayBounce) => quarantined(setup, &dir, Reason::Bounce, &raw),
        Some(t) => Ok(Filed::Taken(t)),
        None => quarantined(setup, &dir, Reason::Refused, &raw),
    }
}

fn quarantined(setup: &Setup, dir: &Path, reason: Reason, raw: &[u8]) -> std::result::Result<Filed, IntakeError> {
    let path = files::quarantine(dir, reason.slug(), stamp(setup), raw, None)
        .map_err(|e| later(Error::Io(dir.join("quarantine"), e)))?;
    Ok(Filed::Quarantined { reason, path })
}

/// One transaction for `mails`; attachments written for a batch that does not commit are
/// removed again. A message the desk refuses (not the store: that is for later) does not hold
/// the others up: the batch is taken again one message at a time, and the refused one is
/// `None` (the caller quarantines it).
fn take_batch(
    desk: &mut Desk,
    settings: &Settings,
    dir: &Path,
    mails: &[InMail],
    parts: &[Vec<Part>],
) -> std::result::Result<Vec<Option<Taken>>, IntakeError> {
    let mut written = Vec::new();
    let done = desk.take_mail(mails, &settings.rules, &mut |i, ticket| {
        files::save_parts(dir, ticket, &parts[i], &mut written)
    });
    let refused = match done {
        Ok(taken) => return Ok(taken.into_iter().map(Some).collect()),
        Err(e) => {
            for path in &written {
                let _ = std::fs::remove_file(path);
            }
            match e {
                DeskError::Store(s) => return Err(later(Error::Store(s))),
                other => other,
            }
        }
    };
    if mails.len() == 1 {
        let _ = refused;
        return Ok(vec![None]);
    }
    let mut out = Vec::with_capacity(mails.len());
    for i in 0..mails.len() {
        out.extend(take_batch(desk, settings, dir, &mails[i..=i], &parts[i..=i])?);
    }
    Ok(out)
}

pub mod maildir;
pub use maildir::from_maildir;

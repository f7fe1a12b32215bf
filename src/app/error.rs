//! Why a command did not complete, typed, with the exit code it maps to. The front ends put
//! it into words (`crate::words::app`); nothing here is a sentence except what a front end
//! already worded itself (`Usage`, `Failed`).

use crate::app::backup::BackupError;
use crate::app::config::ConfigError;
use crate::desk::DeskError;
use crate::domain::policy::PolicyError;
use crate::domain::timestamp::TimestampError;
use crate::store::StoreError;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    /// The command line itself is wrong (a bad flag or value), in the reader's words: exit 2.
    Usage(String),
    /// Understood but refused or failed, in the reader's words: exit 1.
    Failed(String),
    /// `--now` cannot be read: exit 2.
    Now(TimestampError),
    /// The config file cannot be read.
    Config(ConfigError),
    /// The policy file has errors (every one of them).
    Policy(Vec<PolicyError>),
    /// A file could not be read or written.
    Io(PathBuf, std::io::Error),
    /// The desk refused (nothing was written).
    Desk(DeskError),
    /// The database could not be opened or used.
    Store(StoreError),
    /// A backup or restore was refused or its copy failed the checks.
    Backup(BackupError),
    /// A reply by email was not composed, not sent, or sent and not recorded.
    Mail(crate::app::reply::MailError),
    /// `intake` did not take every message: its own exit codes (sysexits, for MDAs).
    Intake(crate::app::intake::IntakeError),
}

impl Error {
    /// The database named is not there: a schema on a server without Promptly's tables.
    pub fn is_missing_database(&self) -> bool {
        matches!(self, Error::Store(StoreError::Missing(_)))
    }

    /// Exit 2: the command line itself is wrong.
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }

    /// Exit 1: understood, but refused or failed.
    pub fn failed(message: impl Into<String>) -> Self {
        Error::Failed(message.into())
    }

    /// 2 for usage errors, `intake`'s sysexits (65, 74, 75), 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Now(_) => 2,
            Error::Intake(e) => e.exit_code(),
            _ => 1,
        }
    }
}

impl From<DeskError> for Error {
    fn from(e: DeskError) -> Self {
        Error::Desk(e)
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Store(e)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// An I/O error without the temporary file's name that `tempfile` adds ("... at path
/// .promptly-backup-Od0hZt.part"): the message names the folder the user gave instead.
pub fn without_temp_path(e: std::io::Error) -> std::io::Error {
    if e.raw_os_error().is_some() {
        return e;
    }
    let text = e.to_string();
    match text.split_once(" at path ") {
        Some((why, _)) => std::io::Error::new(e.kind(), why.to_string()),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_temporary_files_name_is_left_out() {
        let dir = std::path::Path::new("/nonexistent/promptly-test");
        let e = tempfile::Builder::new()
            .prefix(".promptly-backup-")
            .tempfile_in(dir)
            .unwrap_err();
        assert!(e.to_string().contains(".promptly-backup-"), "{e}");
        let plain = super::without_temp_path(e);
        assert!(!plain.to_string().contains(".promptly-backup-"), "{plain}");
        assert_eq!(plain.kind(), std::io::ErrorKind::NotFound);
    }
}

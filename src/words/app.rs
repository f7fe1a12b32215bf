//! The application's errors in the reader's words, for both front ends.

use crate::app::Error;
use crate::app::backup::BackupError;
use crate::domain::text::sanitize_line;
use crate::domain::timestamp::TimestampError;
use crate::t;

/// One message for a command that did not complete (several lines for a policy's errors).
pub fn error(e: &Error, lang: &str) -> String {
    match e {
        Error::Usage(text) | Error::Failed(text) => text.clone(),
        Error::Now(e) => format!("--now: {}", timestamp_error(e, lang)),
        Error::Config(e) => e.to_string(),
        Error::Policy(errors) => super::policy::errors(errors, lang),
        Error::Io(path, e) => format!("{}: {e}", path.display()),
        Error::Desk(e) => crate::words::errors::desk(e, lang),
        Error::Store(e) => crate::words::errors::store(e, lang),
        Error::Backup(e) => backup(e, lang),
        Error::Mail(e) => super::mail::error(e, lang),
        Error::Intake(e) => intake(e, lang),
    }
}

/// Why `intake` did not take every message.
fn intake(e: &crate::app::intake::IntakeError, lang: &str) -> String {
    use crate::app::intake::IntakeError;
    match e {
        IntakeError::Quarantined { count, reason, path } => t!(
            super::counted("intake.quarantined_exit", *count),
            locale = lang,
            n = count,
            reason = intake_reason(*reason, lang),
            path = path.display()
        ),
        IntakeError::NoInput => t!("intake.no_input", locale = lang),
        IntakeError::Maildir(path, err) => t!(
            "intake.maildir_unreadable",
            locale = lang,
            path = path.display(),
            error = err
        ),
        IntakeError::TryLater(inner) => t!("intake.try_later", locale = lang, why = error(inner, lang)),
    }
}

/// A quarantine reason in the reader's words.
pub fn intake_reason(r: crate::app::intake::Reason, lang: &str) -> String {
    t!(&format!("intake.reason.{}", r.slug()), locale = lang)
}

/// Why a backup or restore did not complete; a failed check names its first finding.
fn backup(e: &BackupError, lang: &str) -> String {
    let first = |v: &crate::desk::Verification| {
        v.findings
            .first()
            .map(|f| super::verify::finding(f, lang))
            .unwrap_or_default()
    };
    match e {
        BackupError::Exists(p) => t!("backup.exists", locale = lang, path = p.display()),
        BackupError::SameFile(p) => t!("backup.same_file", locale = lang, path = p.display()),
        BackupError::CopyUnsound(v) => t!(
            super::counted("backup.copy_unsound", v.findings.len()),
            locale = lang,
            n = v.findings.len(),
            first = first(v)
        ),
        BackupError::FileUnsound(p, v) => t!(
            super::counted("backup.file_unsound", v.findings.len()),
            locale = lang,
            path = p.display(),
            n = v.findings.len(),
            first = first(v)
        ),
        BackupError::Held(p) => t!("backup.held", locale = lang, path = p.display()),
        BackupError::NotAFile(p) => t!("backup.not_a_file", locale = lang, path = p.display()),
    }
}

/// [`error`] with the desk's refusals naming metrics by the policy's labels.
pub fn error_labelled(e: &Error, policy: &crate::domain::policy::Policy, lang: &str) -> String {
    match e {
        Error::Desk(e) => crate::words::errors::desk_labelled(e, policy, lang),
        other => error(other, lang),
    }
}

/// Why a typed instant was not taken.
pub fn timestamp_error(e: &TimestampError, lang: &str) -> String {
    match e {
        TimestampError::Unreadable(text) => {
            t!("input.not_a_timestamp", locale = lang, text = sanitize_line(text)).to_string()
        }
        TimestampError::OutOfRange(text) => {
            t!("input.year_out_of_range", locale = lang, text = sanitize_line(text)).to_string()
        }
        TimestampError::Skipped { text, tz } => {
            t!("input.skipped_time", locale = lang, text = sanitize_line(text), tz = tz).to_string()
        }
    }
}

//! The application's errors in the reader's words, for both front ends.

use crate::app::Error;
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

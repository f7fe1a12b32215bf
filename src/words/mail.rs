//! Mail in the reader's words: the lines under an email entry (who, subject, attachments),
//! shared by the board's ticket screen and `show`, and why a reply did not go out.

use crate::app::reply::MailError;
use crate::app::sendmail::SendError;
use crate::desk::MailRow;
use crate::domain::mail::MailDirection;
use crate::domain::text::sanitize_line;
use crate::t;

/// The lines shown under the email entry a mail row names: `From: name <addr> · Subject: ...`
/// (`To:` for a reply we sent), then the attachments when there are any. Sanitised.
pub fn lines(row: &MailRow, lang: &str) -> Vec<String> {
    let who = match row.direction {
        MailDirection::In => {
            let addr = sanitize_line(&row.from_addr);
            let name = sanitize_line(row.from_name.trim());
            let who = if name.is_empty() {
                addr
            } else {
                format!("{name} <{addr}>")
            };
            t!("maillog.from", locale = lang, who = who)
        }
        MailDirection::Out => t!("maillog.to", locale = lang, who = sanitize_line(&row.to_addr)),
    };
    let mut out = vec![format!(
        "{who} · {}",
        t!("maillog.subject", locale = lang, subject = sanitize_line(&row.subject))
    )];
    if !row.attachments.is_empty() {
        let list: Vec<String> = row
            .attachments
            .iter()
            .map(|a| {
                let name = sanitize_line(&a.name);
                let size = size(a.size);
                match (&a.saved, a.reason.as_deref()) {
                    (Some(_), _) => format!("{name} ({size})"),
                    (None, Some("too-large")) => {
                        t!("maillog.too_large", locale = lang, name = name, size = size).to_string()
                    }
                    (None, _) => t!("maillog.not_saved", locale = lang, name = name, size = size).to_string(),
                }
            })
            .collect();
        let sep = t!("maillog.list_sep", locale = lang).to_string();
        out.push(t!("maillog.attachments", locale = lang, list = list.join(&sep)).to_string());
    }
    out
}

/// A file size as people say it: 900 B, 120 KB, 20.5 MB.
pub fn size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes < KB {
        format!("{bytes} B")
    } else if bytes < MB {
        format!("{} KB", bytes.div_ceil(KB))
    } else {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    }
}

/// Why a reply was not sent (or sent and not logged).
pub fn error(e: &MailError, lang: &str) -> String {
    match e {
        MailError::NoFrom => t!("reply.no_from", locale = lang).to_string(),
        MailError::NoSendmail => t!("reply.no_sendmail", locale = lang).to_string(),
        MailError::NoEmail { ticket } => t!("reply.no_email", locale = lang, id = ticket).to_string(),
        MailError::BadEmail { ticket, email } => t!(
            "reply.bad_email",
            locale = lang,
            id = ticket,
            email = sanitize_line(email)
        )
        .to_string(),
        MailError::Send(SendError::Start { program, error }) => t!(
            "reply.cannot_start",
            locale = lang,
            program = sanitize_line(program),
            why = sanitize_line(&error.to_string())
        )
        .to_string(),
        MailError::Send(SendError::Failed { code, stderr }) => {
            let code = code.map_or_else(|| "-".to_string(), |c| c.to_string());
            let said = crate::domain::text::sanitize(stderr);
            if said.trim().is_empty() {
                t!("reply.failed_quiet", locale = lang, code = code).to_string()
            } else {
                t!("reply.failed", locale = lang, code = code, said = said).to_string()
            }
        }
        MailError::Send(SendError::TimedOut { secs }) => t!("reply.timed_out", locale = lang, secs = secs).to_string(),
        MailError::NotRecorded {
            ticket,
            message_id,
            why,
        } => t!(
            "reply.not_recorded",
            locale = lang,
            id = ticket,
            message_id = sanitize_line(message_id),
            why = crate::words::app::error(why, lang)
        )
        .to_string(),
    }
}

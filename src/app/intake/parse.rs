//! One raw message read into what the desk takes (`desk::mail::InMail`) with its attachments,
//! or the reason it must be quarantined. mail-parser does MIME, transfer encodings, charsets
//! (GBK, GB18030, Big5 with `full_encoding`), encoded words and HTML to text; every header
//! and size is bounded here.

use super::Reason;
use crate::desk::mail::InMail;
use crate::domain::mail;
use crate::domain::ticket::validate_email;
use chrono::{DateTime, Utc};
use mail_parser::{MessageParser, MimeHeaders};

/// Longest subject kept, in characters (RFC 5322's line length).
const SUBJECT_MAX: usize = 998;
/// Longest name kept (From display name, attachment name), in characters.
const NAME_MAX: usize = 255;
/// Longest body logged, in characters: the raw message keeps the rest.
const BODY_MAX: usize = 64 * 1024;
/// Most attachments listed per message.
const ATTACHMENTS_MAX: usize = 100;
/// Most ids read from a bounce's returned headers.
const RETURNED_MAX: usize = 20;

/// An attachment read from a message: saved later if within the limit.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub size: u64,
    /// `None` when over the attachment limit (listed, not saved).
    pub data: Option<Vec<u8>>,
}

/// A message ready for the desk.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub mail: InMail,
    pub parts: Vec<Part>,
}

/// Reads `raw`; quarantine reasons as [`Reason`].
pub fn parse(raw: Vec<u8>, max_attachment: u64) -> Result<Parsed, Reason> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(Reason::Empty);
    }
    let message = MessageParser::default().parse(&raw).ok_or(Reason::Unparseable)?;
    let from = message.from().and_then(|a| a.first());
    let from_addr = from.and_then(|a| a.address()).unwrap_or("").trim().to_lowercase();
    let from_name = bounded(from.and_then(|a| a.name()).unwrap_or(""), NAME_MAX);
    let root = message.root_part();
    let (ctype, subtype) = root
        .content_type()
        .map(|c| (c.ctype().to_string(), c.subtype().unwrap_or("").to_string()))
        .unwrap_or_default();
    let bounce = mail::is_bounce(&from_addr, &ctype, &subtype);
    if from_addr.is_empty() && !bounce {
        return Err(Reason::NoFrom);
    }
    if !bounce && validate_email(&from_addr).is_err() {
        return Err(Reason::BadFrom);
    }
    let message_id = message
        .message_id()
        .and_then(mail::clean_id)
        .unwrap_or_else(|| mail::synthetic_id(&raw));
    let subject = bounded(message.subject().unwrap_or(""), SUBJECT_MAX);
    let to_addr = message
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(|a| bounded(a, NAME_MAX))
        .unwrap_or_default();
    let in_reply_to = message
        .header_raw("In-Reply-To")
        .and_then(|h| mail::id_list(h).into_iter().last());
    let refs = message.header_raw("References").map(mail::id_list).unwrap_or_default();
    let body = message.body_text(0).map(|b| b.into_owned()).unwrap_or_default();
    let body = bounded(&mail::trim_quoted(&body.replace("\r\n", "\n")), BODY_MAX);
    let date = message
        .date()
        .and_then(|d| DateTime::<Utc>::from_timestamp(d.to_timestamp(), 0))
        .filter(|d| (1970..=9999).contains(&chrono::Datelike::year(d)));
    let returned_ids = if bounce { returned_ids(&raw) } else { Vec::new() };
    let parts = if bounce {
        Vec::new()
    } else {
        parts_of(&message, max_attachment)
    };
    drop(message);
    Ok(Parsed {
        mail: InMail {
            message_id,
            from_addr,
            from_name,
            to_addr,
            subject,
            date,
            in_reply_to,
            refs,
            body,
            bounce,
            returned_ids,
            raw,
        },
        parts,
    })
}

/// A message's attachments as intake lists them (at most [`ATTACHMENTS_MAX`], names bounded),
/// with their contents when within `max_attachment` bytes.
fn parts_of(message: &mail_parser::Message, max_attachment: u64) -> Vec<Part> {
    message
        .attachments()
        .take(ATTACHMENTS_MAX)
        .map(|p| {
            let data = p.contents();
            let size = data.len() as u64;
            Part {
                name: bounded(p.attachment_name().unwrap_or(""), NAME_MAX),
                size,
                data: (size <= max_attachment).then(|| data.to_vec()),
            }
        })
        .collect()
}

/// The attachments of a message the database kept (`mail.raw`), contents and all, in the
/// order and with the names intake listed them: `promptly attachments --save` reads them back
/// on any machine. None when it cannot be read as a message.
pub fn attachments(raw: &[u8]) -> Vec<Part> {
    MessageParser::default()
        .parse(raw)
        .map(|m| parts_of(&m, u64::MAX))
        .unwrap_or_default()
}

/// The first `max` characters of `s`, trimmed.
fn bounded(s: &str, max: usize) -> String {
    s.trim().chars().take(max).collect()
}

/// The Message-IDs a bounce quotes from the message that could not be delivered (its
/// returned headers), for threading the bounce to the ticket that sent it.
fn returned_ids(raw: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(raw)
        .lines()
        .skip(1)
        .filter_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("message-id")
                .then(|| mail::id_list(value))
        })
        .flatten()
        .take(RETURNED_MAX)
        .collect()
}

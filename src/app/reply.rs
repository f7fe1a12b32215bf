//! `promptly reply` and `r` on the board: compose a reply from the ticket and `[mail]`, pipe
//! it to the sending command, and only when that exits 0 have the desk record it.

use super::config::MailConfig;
use super::sendmail::{self, SendError};
use crate::desk::Desk;
use crate::domain::compose::{Mailbox, Reply, message_id, reply_subject};
use crate::domain::ticket::{InvalidField, Reason, Ticket};

/// Why a reply was not composed or not sent. Nothing was logged.
#[derive(Debug)]
pub enum MailError {
    /// `[mail] from` is not set.
    NoFrom,
    /// `[mail] sendmail` is not set (and `--print` not asked for).
    NoSendmail,
    /// The customer has no email address on the ticket.
    NoEmail { ticket: i64 },
    /// The customer's address cannot go in a header.
    BadEmail { ticket: i64, email: String },
    /// The command did not take the message.
    Send(SendError),
    /// The command took the message but the desk could not record it: the customer has it,
    /// the log does not.
    NotRecorded {
        ticket: i64,
        message_id: String,
        why: Box<super::Error>,
    },
}

/// A composed reply: the message and what the desk records of it once sent.
#[derive(Debug, Clone)]
pub struct Draft {
    pub ticket: Ticket,
    pub reply: Reply,
    pub bytes: Vec<u8>,
}

/// Who a reply goes to and how it threads, before anything is typed: the board shows it, and
/// a reply that could not be sent is refused here, not after the agent wrote it.
#[derive(Debug, Clone)]
pub struct Heading {
    pub ticket: Ticket,
    pub from: Mailbox,
    pub to: Mailbox,
    pub subject: String,
    /// The customer message answered, without `<>`.
    pub in_reply_to: Option<String>,
    /// Its references and it, oldest first.
    pub references: Vec<String>,
}

/// The heading of a reply on ticket `id`: From from `[mail]`, To the customer, the subject
/// tagged `[#ID]`, threaded under the customer's latest message.
pub fn heading(desk: &Desk, mail: &MailConfig, id: i64, expected: Option<i64>) -> super::Result<Heading> {
    let from = mail.from_mailbox().ok_or(super::Error::Mail(MailError::NoFrom))?;
    let context = desk.reply_context(id, expected)?;
    let ticket = context.ticket;
    let email = ticket.customer.email.trim();
    if email.is_empty() {
        return Err(super::Error::Mail(MailError::NoEmail { ticket: id }));
    }
    let to = Mailbox::new(&ticket.customer.name, email).map_err(|_| {
        super::Error::Mail(MailError::BadEmail {
            ticket: id,
            email: email.to_string(),
        })
    })?;
    let parent = context.parent.as_ref();
    let mut references: Vec<String> = parent.map(|p| p.refs.clone()).unwrap_or_default();
    if let Some(p) = parent {
        references.retain(|r| *r != p.message_id);
        references.push(p.message_id.clone());
    }
    let subject = reply_subject(parent.map(|p| p.subject.as_str()), &ticket.title, id);
    Ok(Heading {
        from,
        to,
        subject,
        in_reply_to: parent.map(|p| p.message_id.clone()),
        references,
        ticket,
    })
}

/// Composes the reply to ticket `id` with `text` under its [`heading`], the signature from
/// `[mail]`, dated now with a fresh Message-ID.
pub fn compose(desk: &Desk, mail: &MailConfig, id: i64, expected: Option<i64>, text: &str) -> super::Result<Draft> {
    if text.trim().is_empty() {
        return Err(crate::desk::DeskError::from(InvalidField::new("text", Reason::ContactEmpty)).into());
    }
    let h = heading(desk, mail, id, expected)?;
    let now = desk.now();
    let reply = Reply {
        from: h.from,
        to: h.to,
        subject: h.subject,
        date: now,
        message_id: message_id(id, now, rand::random::<u32>(), &mail.message_domain()),
        in_reply_to: h.in_reply_to,
        references: h.references,
        text: text.trim_end().to_string(),
        signature: mail.signature.clone(),
    };
    let bytes = reply.to_bytes();
    Ok(Draft {
        ticket: h.ticket,
        reply,
        bytes,
    })
}

/// Pipes the draft to `[mail] sendmail`; when it exits 0, records the reply. Returns the
/// ticket as changed.
pub fn send(desk: &mut Desk, mail: &MailConfig, draft: &Draft) -> super::Result<Ticket> {
    let command = mail.command().ok_or(super::Error::Mail(MailError::NoSendmail))?;
    sendmail::send(&command, &draft.bytes).map_err(|e| super::Error::Mail(MailError::Send(e)))?;
    let r = &draft.reply;
    let sent = crate::desk::SentReply {
        message_id: &r.message_id,
        from_addr: &r.from.addr,
        from_name: &r.from.name,
        to_addr: &r.to.addr,
        subject: &r.subject,
        in_reply_to: r.in_reply_to.as_deref(),
        refs: &r.references,
        text: &r.text,
        raw: &draft.bytes,
    };
    desk.record_reply(draft.ticket.id, &sent).map_err(|e| {
        super::Error::Mail(MailError::NotRecorded {
            ticket: draft.ticket.id,
            message_id: r.message_id.clone(),
            why: Box::new(e.into()),
        })
    })
}

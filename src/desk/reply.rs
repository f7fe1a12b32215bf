//! Replies by email: what a reply threads on, and recording one the sending command took.
//! Sending is the app's (`app::reply`); the desk records a reply only after it went out, in
//! one transaction: the outbound email contact and its `mail` row naming it.

use super::{Desk, DeskError, Result, change::change_tx};
use crate::domain::log::{ContactMethod, Direction, Event};
use crate::domain::mail::MailDirection;
use crate::domain::ticket::{InvalidField, Reason, Ticket};
use crate::store::mail::NewMail;
use chrono::SubsecRound;

pub use crate::store::mail::MailRow;

/// What a reply on a ticket answers: its ticket and the customer's latest message, if any.
#[derive(Debug, Clone)]
pub struct ReplyContext {
    pub ticket: Ticket,
    /// The latest inbound mail row of the ticket.
    pub parent: Option<MailRow>,
}

/// A reply the sending command took (exit 0), to be recorded.
#[derive(Debug, Clone)]
pub struct SentReply<'a> {
    /// Without `<>`.
    pub message_id: &'a str,
    pub from_addr: &'a str,
    pub from_name: &'a str,
    pub to_addr: &'a str,
    pub subject: &'a str,
    pub in_reply_to: Option<&'a str>,
    pub refs: &'a [String],
    /// What the agent wrote: the contact entry's text.
    pub text: &'a str,
    /// The message as it was piped to the command.
    pub raw: &'a [u8],
}

impl Desk {
    /// The ticket a reply goes to, with the customer message it answers (one query over the
    /// ticket's mail rows). `expected`: refuse a ticket changed since the agent read it.
    pub fn reply_context(&self, id: i64, expected: Option<i64>) -> Result<ReplyContext> {
        let ticket = self.store.ticket(id)?.ok_or(DeskError::NotFound(id))?;
        if expected.is_some_and(|v| v != ticket.version) {
            return Err(crate::store::StoreError::Stale { ticket: id }.into());
        }
        let parent = self
            .store
            .mail_of_ticket(id)?
            .into_iter()
            .rev()
            .find(|m| m.direction == MailDirection::In);
        Ok(ReplyContext { ticket, parent })
    }

    /// Records a reply that went out: an outbound email contact (its text the reply's) and the
    /// `mail` row naming it, in one transaction, so the first-response clock is met by a send.
    /// Never refused for the ticket's version: the message is gone, so it is logged.
    pub fn record_reply(&mut self, id: i64, sent: &SentReply<'_>) -> Result<Ticket> {
        if crate::domain::text::is_blank(sent.text) {
            return Err(InvalidField::new("text", Reason::ContactEmpty).into());
        }
        let author = self.author.clone();
        let (policy, clock) = (&self.policy, &self.clock);
        let body = sent.text.trim_end().to_string();
        self.store.write(|tx| {
            let now = clock.now().trunc_subsecs(0);
            let event = Event::Contact {
                method: ContactMethod::Email,
                direction: Direction::Outbound,
            };
            let ticket = change_tx(tx, policy, &author, now, id, None, |_, _, _, _, _| {
                Ok(vec![(event, body)])
            })?;
            // The entry just appended is the ticket's last.
            let log_id = tx.log(id)?.last().map(|e| e.id).ok_or(DeskError::NotFound(id))?;
            tx.insert_mail(&NewMail {
                message_id: sent.message_id,
                ticket_id: id,
                log_id,
                direction: MailDirection::Out,
                at: now,
                from_addr: sent.from_addr,
                from_name: sent.from_name,
                to_addr: sent.to_addr,
                subject: sent.subject,
                in_reply_to: sent.in_reply_to,
                refs: sent.refs,
                attachments: &[],
                raw: sent.raw,
            })?;
            Ok(ticket)
        })
    }

    /// The mail rows of a ticket, oldest first (one query, by the `mail_ticket` index).
    pub fn mail_of(&self, id: i64) -> Result<Vec<MailRow>> {
        Ok(self.store.mail_of_ticket(id)?)
    }

    /// The mail rows of ticket `id`, which must exist (`NotFound` otherwise).
    pub fn mail_of_ticket(&self, id: i64) -> Result<Vec<MailRow>> {
        self.store.ticket(id)?.ok_or(DeskError::NotFound(id))?;
        self.mail_of(id)
    }

    /// The message mail row `id` was kept as, whole: its attachments are read back from it on
    /// whichever machine asks (`promptly attachments --save`).
    pub fn mail_raw(&self, id: i64) -> Result<Option<Vec<u8>>> {
        Ok(self.store.mail_raw(id)?)
    }
}

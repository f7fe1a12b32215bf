//! Mail in (issue 15): a message opens a ticket, or is logged on the ticket it answers, in the
//! same transaction as its `mail` row. Threading, in order: the In-Reply-To and References
//! ids against `mail.message_id`, then our own outbound id pattern, then a `[#123]` subject
//! tag naming a ticket that exists. Parsing and files are the app's (`app::intake`).

use super::change::change_tx;
use super::supervisor::{close_if_due, closes_by};
use super::{Desk, DeskError, Result, apply_status, opened_entry, refresh_clocks};
use crate::domain::log::{ContactMethod, Direction, Event};
use crate::domain::mail::{self, Attachment, MailDirection, Rule};
use crate::domain::ticket::{Channel, Complexity, Customer, Kind, NewTicket, Priority, Status, TITLE_MAX};
use crate::store::mail::NewMail;
use crate::store::{Store, Tx};
use chrono::{DateTime, SubsecRound, Utc};
use std::collections::HashSet;

/// A message read and checked by the app, ready to be taken.
#[derive(Debug, Clone, Default)]
pub struct InMail {
    /// Without `<>` (a synthetic one when the message had none).
    pub message_id: String,
    pub from_addr: String,
    pub from_name: String,
    pub to_addr: String,
    pub subject: String,
    /// The Date header; kept in the mail row only (the SLA starts when we took it in).
    pub date: Option<DateTime<Utc>>,
    pub in_reply_to: Option<String>,
    pub refs: Vec<String>,
    /// Plain text, quoted history trimmed.
    pub body: String,
    /// A delivery report (DSN, MAILER-DAEMON): never opens a ticket.
    pub bounce: bool,
    /// Message-IDs quoted in a bounce's returned headers: threading only.
    pub returned_ids: Vec<String>,
    pub raw: Vec<u8>,
}

/// How intake files mail (`[intake]` in the config).
#[derive(Debug, Clone, Default)]
pub struct IntakeRules {
    pub rules: Vec<Rule>,
    /// A reply to a resolved ticket reopens it.
    pub reopen_on_reply: bool,
    /// The title of a message without a subject, in the reader's words.
    pub untitled: String,
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// A new ticket.
    Opened { ticket: i64 },
    /// A new ticket, because the ticket it answers (`closed`) is closed.
    FollowUp { ticket: i64, closed: i64 },
    /// An inbound email contact on the ticket it answers.
    /// `reopened`: it was resolved and is open again; `resumed`: it was waiting for the
    /// customer, who has answered, so it is open again.
    Reply { ticket: i64, reopened: bool, resumed: bool },
    /// A bounce, noted on the ticket it threads to.
    Bounce { ticket: i64 },
    /// A bounce that threads to no ticket: not taken (the app quarantines it).
    StrayBounce,
    /// Taken before (same Message-ID): nothing written.
    Duplicate { ticket: i64 },
}

/// What a dry run expects to become of a message, from what is stored now and the messages
/// foreseen before it in the same run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Foreseen {
    /// A new ticket.
    Open,
    /// A new ticket naming `closed`, which it answers.
    FollowUp { closed: i64 },
    /// Logged on the ticket that the message `answers`, earlier in the same run, would open.
    ReplyInRun { answers: String },
    /// Logged on `ticket`, reopening it (resolved) or ending its wait for the customer.
    Reply { ticket: i64, reopen: bool, resume: bool },
    /// A bounce noted on `ticket`.
    Bounce { ticket: i64 },
    /// A bounce that threads to no ticket: quarantined.
    StrayBounce,
    /// Taken before, on `ticket`: nothing written.
    Duplicate { ticket: i64 },
}

impl Taken {
    /// The ticket it was filed on, if any.
    pub fn ticket(&self) -> Option<i64> {
        match self {
            Taken::Opened { ticket }
            | Taken::FollowUp { ticket, .. }
            | Taken::Reply { ticket, .. }
            | Taken::Bounce { ticket }
            | Taken::Duplicate { ticket } => Some(*ticket),
            Taken::StrayBounce => None,
        }
    }
}

/// Saves message `index`'s attachments for ticket `ticket` and lists them (called inside the
/// transaction once the ticket is known; a file that could not be written is listed with why).
pub type SaveAttachments<'a> = dyn FnMut(usize, i64) -> Vec<Attachment> + 'a;

impl Desk {
    /// Takes `mails` in one transaction (all or none): each opens a ticket or is logged on
    /// the ticket it answers, with its mail row. Returns what became of each, in order.
    pub fn take_mail(
        &mut self,
        mails: &[InMail],
        rules: &IntakeRules,
        save: &mut SaveAttachments<'_>,
    ) -> Result<Vec<Taken>> {
        let (policy, promise, clock, author) = (&self.policy, &self.promise, &self.clock, &self.author);
        self.store.write(|tx| {
            // Read after the write lock is held (see `change_in`).
            let now = clock.now().trunc_subsecs(0);
            let mut out = Vec::with_capacity(mails.len());
            for (i, m) in mails.iter().enumerate() {
                let ctx = Ctx {
                    tx,
                    policy,
                    promise,
                    author,
                    now,
                    rules,
                };
                out.push(ctx.take(m, &mut |ticket| save(i, ticket))?);
            }
            Ok(out)
        })
    }

    /// Whether a message with this id was taken before, and on which ticket (dry runs).
    pub fn mail_taken(&self, message_id: &str) -> Result<Option<i64>> {
        Ok(self.store.mail_by_message_id(message_id)?.map(|m| m.ticket_id))
    }

    /// What taking `m` would do now, read without writing (`intake --dry-run`): routed as
    /// [`Desk::take_mail`] routes it, a resolved ticket that fell due counted as closed.
    /// `earlier`: the Message-IDs of the run's messages before it, as if taken (a reply to one
    /// of them is logged on the ticket it opens).
    pub fn foresee_mail(&self, m: &InMail, rules: &IntakeRules, earlier: &HashSet<String>) -> Result<Foreseen> {
        let ticket = match route(&self.store, m)? {
            Route::Duplicate(ticket) => return Ok(Foreseen::Duplicate { ticket }),
            Route::Stray | Route::New => return Ok(foresee_new(m, earlier)),
            Route::On(ticket) if m.bounce => return Ok(Foreseen::Bounce { ticket }),
            Route::On(ticket) => ticket,
        };
        let current = self.store.ticket(ticket)?.ok_or(DeskError::NotFound(ticket))?;
        let closes = current.status == Status::Resolved
            && closes_by(&self.policy, &current, &self.store.log(ticket)?, self.now()).is_some();
        Ok(if current.status == Status::Closed || closes {
            Foreseen::FollowUp { closed: ticket }
        } else {
            Foreseen::Reply {
                ticket,
                reopen: rules.reopen_on_reply && current.status == Status::Resolved,
                resume: current.status == Status::Waiting,
            }
        })
    }
}

/// What a dry run foresees for a message that answers no stored ticket: logged on the ticket an
/// earlier message of the run would open, a new ticket, or (a bounce) quarantined.
pub fn foresee_new(m: &InMail, earlier: &HashSet<String>) -> Foreseen {
    let answers = m
        .in_reply_to
        .iter()
        .chain(m.refs.iter().rev())
        .find(|id| earlier.contains(*id));
    match answers {
        Some(answers) if !m.bounce => Foreseen::ReplyInRun {
            answers: answers.clone(),
        },
        _ if m.bounce => Foreseen::StrayBounce,
        _ => Foreseen::Open,
    }
}

/// Where a message goes, from what is stored: the first step of taking it and of a dry run.
enum Route {
    /// Taken before, on this ticket.
    Duplicate(i64),
    /// A bounce that threads to no ticket.
    Stray,
    /// A new ticket.
    New,
    /// The ticket it answers.
    On(i64),
}

/// The reads routing needs: through the write transaction when a message is taken, through the
/// read-only store for a dry run.
trait MailReads {
    fn taken_on(&self, message_id: &str) -> crate::store::Result<Option<i64>>;
    fn ticket_of_mail(&self, ids: &[String]) -> crate::store::Result<Option<i64>>;
    fn exists(&self, ticket: i64) -> crate::store::Result<bool>;
}

/// The same three reads on both: the write transaction and the store have them by these names.
macro_rules! mail_reads {
    ($($t:ty),*) => {$(
        impl MailReads for $t {
            fn taken_on(&self, message_id: &str) -> crate::store::Result<Option<i64>> {
                Ok(self.mail_by_message_id(message_id)?.map(|m| m.ticket_id))
            }
            fn ticket_of_mail(&self, ids: &[String]) -> crate::store::Result<Option<i64>> {
                self.mail_ticket_of(ids)
            }
            fn exists(&self, ticket: i64) -> crate::store::Result<bool> {
                Ok(self.ticket(ticket)?.is_some())
            }
        }
    )*};
}
mail_reads!(Tx<'_>, Store);

fn route(db: &impl MailReads, m: &InMail) -> Result<Route> {
    if let Some(ticket) = db.taken_on(&m.message_id)? {
        return Ok(Route::Duplicate(ticket));
    }
    Ok(match thread(db, m)? {
        Some(ticket) => Route::On(ticket),
        None if m.bounce => Route::Stray,
        None => Route::New,
    })
}

/// The ticket a message answers (see the module comment), if any.
fn thread(db: &impl MailReads, m: &InMail) -> Result<Option<i64>> {
    let mut ids: Vec<String> = m.in_reply_to.iter().cloned().collect();
    ids.extend(m.refs.iter().rev().cloned());
    ids.extend(m.returned_ids.iter().cloned());
    if let Some(t) = db.ticket_of_mail(&ids)? {
        return Ok(Some(t));
    }
    for id in &ids {
        if let Some(t) = mail::ticket_of_our_id(id)
            && db.exists(t)?
        {
            return Ok(Some(t));
        }
    }
    // The newest ticket tagged: a follow-up ticket's title carries its closed one's tag too.
    let mut tags = mail::subject_tags(&m.subject);
    tags.sort_unstable_by(|a, b| b.cmp(a));
    for t in tags {
        if db.exists(t)? {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

struct Ctx<'a> {
    tx: &'a Tx<'a>,
    policy: &'a crate::domain::policy::Policy,
    promise: &'a super::Promise,
    author: &'a str,
    now: DateTime<Utc>,
    rules: &'a IntakeRules,
}

impl Ctx<'_> {
    fn take(&self, m: &InMail, save: &mut dyn FnMut(i64) -> Vec<Attachment>) -> Result<Taken> {
        let tx = self.tx;
        let ticket = match route(tx, m)? {
            Route::Duplicate(ticket) => return Ok(Taken::Duplicate { ticket }),
            Route::Stray => return Ok(Taken::StrayBounce),
            Route::New => {
                let ticket = self.open(m, None)?;
                self.record(m, ticket, save)?;
                return Ok(Taken::Opened { ticket });
            }
            Route::On(ticket) => ticket,
        };
        let mut current = tx.ticket(ticket)?.ok_or(DeskError::NotFound(ticket))?;
        // A resolved ticket that fell due is closed first, at that instant (as every change does).
        let mut log = tx.log(ticket)?;
        if close_if_due(tx, self.policy, &mut current, &mut log, self.now)? {
            refresh_clocks(tx, self.policy, &current, &log, self.now)?;
        }
        let text = self.entry_text(m);
        if m.bounce {
            change_tx(tx, self.policy, self.author, self.now, ticket, None, |_, _, _, _, _| {
                Ok(vec![(Event::Note, text)])
            })?;
            self.record_as(m, ticket, last_entry(tx, ticket)?, save)?;
            return Ok(Taken::Bounce { ticket });
        }
        // A closed ticket stays closed (its customer confirmed; its month's callbacks and
        // reports counted it): the reply opens a new ticket that names it, as RT and Zammad
        // can be set to do.
        if current.status == Status::Closed {
            let new = self.open(m, Some(ticket))?;
            self.record(m, new, save)?;
            return Ok(Taken::FollowUp {
                ticket: new,
                closed: ticket,
            });
        }
        let reopen = self.rules.reopen_on_reply && current.status == Status::Resolved;
        // Waiting means waiting for the customer: their answer ends the wait (the pause too).
        let resume = current.status == Status::Waiting;
        let from = current.status;
        change_tx(
            tx,
            self.policy,
            self.author,
            self.now,
            ticket,
            None,
            |_, t, _, _, now| {
                let contact = Event::Contact {
                    method: ContactMethod::Email,
                    direction: Direction::Inbound,
                };
                let mut events = vec![(contact, text)];
                if reopen || resume {
                    apply_status(t, Status::Open, now);
                    events.push((Event::Status { from, to: Status::Open }, String::new()));
                }
                Ok(events)
            },
        )?;
        let log_id = tx.last_contact_id(ticket)?.ok_or(DeskError::NotFound(ticket))?;
        self.record_as(m, ticket, log_id, save)?;
        Ok(Taken::Reply {
            ticket,
            reopened: reopen,
            resumed: resume,
        })
    }

    /// Opens a ticket for `m` (a follow-up of `closed` when it answers a closed ticket).
    fn open(&self, m: &InMail, closed: Option<i64>) -> Result<i64> {
        let tx = self.tx;
        let rule = mail::first_rule(&self.rules.rules, &m.subject, &m.body);
        // An existing customer is matched by address: their name and phone as recorded.
        let customer = match tx.customer_by_email(&m.from_addr)? {
            Some(c) => c,
            None => Customer {
                // No display name: the address is how the desk knows them.
                name: match m.from_name.trim() {
                    "" => m.from_addr.clone(),
                    name => name.chars().take(100).collect(),
                },
                phone: String::new(),
                email: m.from_addr.clone(),
            },
        };
        let tag = closed.map(|c| format!(" [#{c}]")).unwrap_or_default();
        let room = TITLE_MAX.saturating_sub(tag.chars().count());
        let mut title = mail::title_from_subject(&m.subject, room);
        if title.trim().is_empty() {
            title = self.rules.untitled.chars().take(room).collect();
        }
        if closed.is_some() && !mail::subject_tags(&title).contains(&closed.unwrap_or(0)) {
            title.push_str(&tag);
        }
        let new = NewTicket {
            title,
            description: m.body.clone(),
            customer,
            channel: Channel::Email,
            kind: rule.and_then(|r| r.kind).unwrap_or(Kind::Enquiry),
            priority: rule.and_then(|r| r.priority).unwrap_or(Priority::Normal),
            complexity: Complexity::Ordinary,
            reference: String::new(),
            purchased_on: None,
        };
        new.validate()?;
        self.promise.keep(tx)?;
        let id = tx.insert_ticket(&new, self.author, self.now)?;
        tx.append(id, &opened_entry(self.promise, &new, self.now, self.author))?;
        // The message itself is the customer's first contact, logged as every later one is.
        let contact = crate::domain::log::NewEntry {
            at: self.now,
            author: self.author.to_string(),
            event: Event::Contact {
                method: ContactMethod::Email,
                direction: Direction::Inbound,
            },
            body: self.entry_text(m),
        };
        tx.append(id, &contact)?;
        let ticket = tx.ticket(id)?.ok_or(DeskError::NotFound(id))?;
        refresh_clocks(tx, self.policy, &ticket, &tx.log(id)?, self.now)?;
        Ok(id)
    }

    /// What the log entry says: the trimmed body, else the subject, else the placeholder.
    fn entry_text(&self, m: &InMail) -> String {
        [m.body.trim(), m.subject.trim(), self.rules.untitled.trim()]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or("-")
            .to_string()
    }

    fn record(&self, m: &InMail, ticket: i64, save: &mut dyn FnMut(i64) -> Vec<Attachment>) -> Result<()> {
        let log_id = self.tx.last_contact_id(ticket)?.ok_or(DeskError::NotFound(ticket))?;
        self.record_as(m, ticket, log_id, save)
    }

    fn record_as(
        &self,
        m: &InMail,
        ticket: i64,
        log_id: i64,
        save: &mut dyn FnMut(i64) -> Vec<Attachment>,
    ) -> Result<()> {
        let attachments = save(ticket);
        self.tx.insert_mail(&NewMail {
            message_id: &m.message_id,
            ticket_id: ticket,
            log_id,
            direction: MailDirection::In,
            at: m.date.unwrap_or(self.now),
            from_addr: &m.from_addr,
            from_name: &m.from_name,
            to_addr: &m.to_addr,
            subject: &m.subject,
            in_reply_to: m.in_reply_to.as_deref(),
            refs: &m.refs,
            attachments: &attachments,
            raw: &m.raw,
        })?;
        Ok(())
    }
}

/// The id of the entry just appended to `ticket`.
fn last_entry(tx: &Tx, ticket: i64) -> Result<i64> {
    let log = tx.log(ticket)?;
    log.iter().map(|e| e.id).max().ok_or(DeskError::NotFound(ticket))
}

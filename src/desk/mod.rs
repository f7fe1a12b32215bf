//! The use cases of the desk, shared by the CLI and the board. One call = one transaction =
//! the change + its log entry + the recomputed SLA clocks. A change made against a stale
//! version of a ticket is refused rather than overwriting someone else's work.

mod board;
mod change;
pub mod demo;
mod error;
mod export;
pub mod import;
pub mod mail;
mod owner;
mod paged;
mod reply;
mod review;
mod supervisor;
mod verify;

/// Why the store failed, as [`DeskError::Store`] carries it (front ends and words name it here).
pub use crate::store::{StoreError, postgres_message};
pub use board::{BoardCounts, BoardRow, Dashboard, Live, LiveTicket, RowClock, customer_cell};
use change::change_tx;
pub use error::DeskError;
pub use export::{EXPORT_PAGE, Exported};
pub use reply::{MailRow, ReplyContext, SentReply};
pub use review::{Judging, REVIEW_PAGE};
pub use supervisor::{Housekeeping, Report, SYSTEM_AUTHOR, SampleOutcome};
pub use verify::{Finding, Verification};

use crate::clock::Clock;
use crate::domain::listing::{ListQuery, TicketSummary};
use crate::domain::log::{ContactMethod, Direction, Event, LogEntry, NewEntry};
use crate::domain::policy::Policy;
use crate::domain::promise::{self, PromiseTable};
use crate::domain::sla::{self, ClockReading};
use crate::domain::target::Target;
use crate::domain::ticket::{
    Channel, Complexity, InvalidField, Kind, NewTicket, Priority, Reason, Status, Ticket, validate_email,
    validate_phone, validate_purchased, validate_title,
};
use crate::store::{Store, Tx};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};

pub type Result<T> = std::result::Result<T, DeskError>;

/// How many listed tickets' logs [`Desk::visit_listed`] reads in one query.
pub const LIST_BATCH: usize = 200;

/// Meta key: fingerprint of the policy the stored clocks were computed with.
const POLICY_FINGERPRINT: &str = "policy_fingerprint";

/// A follow-up the agent logs on a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUp {
    Note,
    Contact {
        method: ContactMethod,
        direction: Direction,
    },
    Plan,
}

/// One field edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Title(String),
    Description(String),
    CustomerName(String),
    Phone(String),
    Email(String),
    Channel(Channel),
    Kind(Kind),
    Priority(Priority),
    Complexity(Complexity),
    Reference(String),
    Purchased(Option<NaiveDate>),
}

/// A ticket with everything the ticket view shows.
#[derive(Debug, Clone)]
pub struct TicketView {
    pub ticket: Ticket,
    pub log: Vec<LogEntry>,
    /// Evaluated at the time of reading, so countdowns are exact.
    pub clocks: Vec<ClockReading>,
    /// The mail rows of its email contacts, oldest first (each names its entry by `log_id`).
    pub mail: Vec<MailRow>,
}

pub struct Desk {
    store: Store,
    policy: Policy,
    /// What the policy promises a ticket opened now.
    promise: Promise,
    clock: Clock,
    author: String,
}

/// A promise table with its stored text and digest, computed once per desk.
struct Promise {
    table: PromiseTable,
    text: String,
    digest: String,
}

impl Promise {
    fn of(policy: &Policy) -> Promise {
        let table = PromiseTable::of(policy);
        let text = table.to_text();
        let digest = promise::digest(&text);
        Promise { table, text, digest }
    }

    /// Keeps the table in the store (once) for tickets opened under it.
    fn keep(&self, tx: &Tx) -> Result<()> {
        Ok(tx.keep_promise(&self.digest, &self.text)?)
    }
}

impl Desk {
    pub fn new(store: Store, policy: Policy, clock: Clock, author: impl Into<String>) -> Desk {
        Desk {
            store,
            promise: Promise::of(&policy),
            policy,
            clock,
            author: author.into(),
        }
    }

    /// Now, to the second: the log and the clocks store whole seconds.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now().trunc_subsecs(0)
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store back, to put a staged one in place ([`Store::put_in_place`]).
    pub fn into_store(self) -> Store {
        self.store
    }

    pub fn author(&self) -> &str {
        &self.author
    }

    /// Intake: records a new ticket, opened now or (migrating old records) at `opened_at`.
    pub fn open_ticket(&mut self, new: &NewTicket, opened_at: Option<DateTime<Utc>>) -> Result<Ticket> {
        new.validate()?;
        validate_purchased(new.purchased_on, self.today())?;
        let (policy, promise, clock, author) = (&self.policy, &self.promise, &self.clock, &self.author);
        self.store.write(|tx| {
            // Read after the write lock is held (see `change_in`).
            let now = clock.now().trunc_subsecs(0);
            let at = opened_at.map(|t| t.trunc_subsecs(0)).unwrap_or(now);
            if at > now {
                return Err(InvalidField::new("opened-at", Reason::InFuture { at }).into());
            }
            promise.keep(tx)?;
            let entry = opened_entry(promise, new, at, author);
            let id = tx.insert_ticket(new, author, at)?;
            tx.append(id, &entry)?;
            let ticket = tx.ticket(id)?.ok_or(DeskError::NotFound(id))?;
            refresh_clocks(tx, policy, &ticket, &tx.log(id)?, now)?;
            Ok(ticket)
        })
    }

    /// Appends a note, a customer contact or a solution plan.
    pub fn follow_up(&mut self, id: i64, expected: Option<i64>, kind: FollowUp, text: &str) -> Result<Ticket> {
        let event = match kind {
            FollowUp::Note => {
                if crate::domain::text::is_blank(text) {
                    return Err(InvalidField::new("text", Reason::NoteEmpty).into());
                }
                Event::Note
            }
            // A contact says what was said: an empty one would meet a response clock on no evidence.
            FollowUp::Contact { method, direction } => {
                if crate::domain::text::is_blank(text) {
                    return Err(InvalidField::new("text", Reason::ContactEmpty).into());
                }
                Event::Contact { method, direction }
            }
            FollowUp::Plan => {
                if crate::domain::text::is_blank(text) {
                    return Err(InvalidField::new("text", Reason::PlanEmpty).into());
                }
                Event::Plan
            }
        };
        let body = text.trim_end().to_string();
        self.change(id, expected, |_ticket, _log, _policy, _now| Ok(vec![(event, body)]))
    }

    /// Moves the ticket through the status machine, with an optional note in the same entry.
    /// Closed loop: resolving needs a resolution summary (the note); closing needs the
    /// customer's confirmation and goes through [`Desk::close`]; reopening is always possible.
    pub fn change_status(&mut self, id: i64, expected: Option<i64>, to: Status, note: &str) -> Result<Ticket> {
        let note = note.trim_end().to_string();
        if to == Status::Resolved && crate::domain::text::is_blank(&note) {
            return Err(InvalidField::new("note", Reason::ResolveSummaryNeeded).into());
        }
        self.change(id, expected, move |ticket, log, _policy, now| {
            let from = ticket.status;
            from.check_move(to)
                .map_err(|e| supervisor::refused_move(e, ticket.id, log))?;
            if to == Status::Closed {
                return Err(closing_needs_confirmation());
            }
            apply_status(ticket, to, now);
            Ok(vec![(Event::Status { from, to }, note)])
        })
    }

    /// Closes a resolved ticket with the customer's confirmation (反馈确认), e.g. "customer
    /// says it works now": logged as a `confirmed` entry, then the status move (with `note`).
    pub fn close(&mut self, id: i64, expected: Option<i64>, confirmation: &str, note: &str) -> Result<Ticket> {
        let confirmation = confirmation.trim().to_string();
        let note = note.trim_end().to_string();
        self.change(id, expected, move |ticket, log, _policy, now| {
            let from = ticket.status;
            from.check_move(Status::Closed)
                .map_err(|e| supervisor::refused_move(e, ticket.id, log))?;
            if confirmation.is_empty() {
                return Err(closing_needs_confirmation());
            }
            apply_status(ticket, Status::Closed, now);
            Ok(vec![
                (Event::Confirmed, confirmation),
                (
                    Event::Status {
                        from,
                        to: Status::Closed,
                    },
                    note,
                ),
            ])
        })
    }

    /// Applies field edits; each changed field is its own log entry. Priority, kind and
    /// complexity changes re-target the clocks from the new values.
    pub fn edit(&mut self, id: i64, expected: Option<i64>, edits: &[Edit]) -> Result<Ticket> {
        for edit in edits {
            match edit {
                Edit::Title(t) => validate_title(t)?,
                Edit::Email(e) => validate_email(e)?,
                Edit::Phone(p) => validate_phone(p)?,
                Edit::Purchased(d) => validate_purchased(*d, self.today())?,
                _ => {}
            }
        }
        self.change_in(id, expected, |tx, ticket, log, policy, _now| {
            let mut events = Vec::new();
            let promised = promised_table(tx, log)?;
            for edit in edits {
                let (field, from, to) = apply_edit(ticket, edit);
                if from == to {
                    continue;
                }
                let targets = retargets(edit).then(|| match &promised {
                    Some(table) => table.targets_for(ticket.priority, ticket.kind, ticket.complexity),
                    None => policy.targets_for(ticket.priority, ticket.kind, ticket.complexity),
                });
                events.push((
                    Event::Field {
                        field: field.to_string(),
                        from,
                        to,
                        targets,
                    },
                    String::new(),
                ));
            }
            if events.is_empty() {
                return Err(InvalidField::new("edit", Reason::NothingChanges).into());
            }
            Ok(events)
        })
    }

    /// Moves a deadline by `by`, within the metric's maximum extension, with the reason logged.
    pub fn extend(
        &mut self,
        id: i64,
        expected: Option<i64>,
        metric: &str,
        by: &Target,
        reason: &str,
    ) -> Result<Ticket> {
        if crate::domain::text::is_blank(reason) {
            return Err(InvalidField::new("reason", Reason::ExtendReasonNeeded).into());
        }
        let metric = metric.to_string();
        let reason = reason.trim().to_string();
        self.change(id, expected, move |ticket, log, policy, now| {
            sla::check_extension(policy, ticket, log, &metric, by, now).map_err(DeskError::Extension)?;
            Ok(vec![(
                Event::Extended {
                    metric,
                    by: by.to_string(),
                },
                reason,
            )])
        })
    }

    /// A ticket with its log and clocks as of now.
    pub fn view(&self, id: i64) -> Result<TicketView> {
        let ticket = self.store.ticket(id)?.ok_or(DeskError::NotFound(id))?;
        let log = self.store.log(id)?;
        let clocks = sla::evaluate(&self.policy, &ticket, &log, self.now());
        let mail = self.store.mail_of_ticket(id)?;
        Ok(TicketView {
            ticket,
            log,
            clocks,
            mail,
        })
    }

    pub fn list(&self, query: &ListQuery) -> Result<Vec<TicketSummary>> {
        Ok(self.store.list(query)?)
    }

    /// Recomputes the stored clocks of every ticket whose clocks can still change (after a
    /// policy edit: calendar changes apply to running clocks). Returns how many were refreshed.
    /// A supervisor's, once `agents` names one (the automatic sync after a policy edit is not).
    pub fn recompute_active(&mut self) -> Result<usize> {
        self.recompute_and_mark(None)
    }

    /// Calendar and metric edits apply to running clocks: when the policy differs from the one
    /// the stored clocks were computed with, recompute the open tickets' clocks (an index
    /// lookup plus one evaluation per open ticket; closed history keeps its recorded outcome).
    /// Returns whether anything was recomputed.
    pub fn sync_policy(&mut self) -> Result<bool> {
        let fingerprint = self.policy.fingerprint();
        if self.store.meta(POLICY_FINGERPRINT)?.as_deref() == Some(fingerprint.as_str()) {
            return Ok(false);
        }
        self.recompute_and_mark(Some(&fingerprint))?;
        Ok(true)
    }

    /// One transaction: every active ticket's clocks, and the policy they now follow (without
    /// one, asked for by hand: a supervisor's).
    fn recompute_and_mark(&mut self, fingerprint: Option<&str>) -> Result<usize> {
        let (policy, clock, author) = (&self.policy, &self.clock, &self.author);
        self.store.write(|tx| {
            if fingerprint.is_none() {
                owner::require_supervisor(tx, author)?;
            }
            let now = clock.now().trunc_subsecs(0);
            let ids = tx.ticket_ids_with_live_clocks()?;
            for id in &ids {
                if let Some(ticket) = tx.ticket(*id)? {
                    let mut log = tx.log(*id)?;
                    keep_breaches(tx, policy, &ticket, &mut log, now)?;
                    refresh_clocks(tx, policy, &ticket, &log, now)?;
                }
            }
            if let Some(fingerprint) = fingerprint {
                tx.set_meta(POLICY_FINGERPRINT, fingerprint)?;
            }
            Ok::<_, DeskError>(ids.len())
        })
    }

    /// The common shape of every change: load, check the version, apply, bump, log, re-clock.
    fn change(
        &mut self,
        id: i64,
        expected: Option<i64>,
        apply: impl FnOnce(&mut Ticket, &[LogEntry], &Policy, DateTime<Utc>) -> Result<Vec<(Event, String)>>,
    ) -> Result<Ticket> {
        self.change_in(id, expected, |_tx, ticket, log, policy, now| {
            apply(ticket, log, policy, now)
        })
    }

    /// [`Desk::change`] for changes that also write other tables in the same transaction.
    fn change_in(
        &mut self,
        id: i64,
        expected: Option<i64>,
        apply: impl FnOnce(&Tx, &mut Ticket, &[LogEntry], &Policy, DateTime<Utc>) -> Result<Vec<(Event, String)>>,
    ) -> Result<Ticket> {
        let author = self.author.clone();
        let (policy, clock) = (&self.policy, &self.clock);
        self.store.write(|tx| {
            // Read after the write lock is held: a change that waited for another writer is
            // dated after it, never before the ticket's last change.
            let now = clock.now().trunc_subsecs(0);
            change_tx(tx, policy, &author, now, id, expected, apply)
        })
    }
}

/// The first log entry of a ticket: intake, with the promise made at that moment (the targets
/// that apply, every metric's calendar, the table later changes take their targets from).
fn opened_entry(promise: &Promise, new: &NewTicket, at: DateTime<Utc>, author: &str) -> NewEntry {
    NewEntry {
        at,
        author: author.to_string(),
        event: Event::Opened {
            priority: new.priority,
            kind: new.kind,
            complexity: new.complexity,
            targets: promise.table.targets_for(new.priority, new.kind, new.complexity),
            calendars: promise.table.calendars(),
            table: Some(promise.digest.clone()),
        },
        body: new.title.trim().to_string(),
    }
}

/// The promise table the ticket opened under; `None` for tickets opened before tables were
/// kept (their changes take the current policy's targets).
fn promised_table(tx: &Tx, log: &[LogEntry]) -> Result<Option<PromiseTable>> {
    let digest = log.iter().find_map(|e| match &e.event {
        Event::Opened { table, .. } => table.clone(),
        _ => None,
    });
    let Some(digest) = digest else { return Ok(None) };
    let text = tx.promise(&digest)?;
    Ok(text.as_deref().and_then(PromiseTable::from_text))
}

/// Sets the status and the resolved/closed instants of a move the machine allowed.
fn apply_status(ticket: &mut Ticket, to: Status, at: DateTime<Utc>) {
    let from = ticket.status;
    ticket.status = to;
    match to {
        Status::Resolved => ticket.resolved_at = Some(at),
        Status::Closed => ticket.closed_at = Some(at),
        Status::Open if matches!(from, Status::Resolved | Status::Closed) => {
            ticket.resolved_at = None;
            ticket.closed_at = None;
        }
        _ => {}
    }
}

fn closing_needs_confirmation() -> DeskError {
    InvalidField::new("confirmed", Reason::CloseNeedsConfirmation).into()
}

/// Applies one edit; returns (field, old, new) as the log shows them.
fn apply_edit(t: &mut Ticket, edit: &Edit) -> (&'static str, String, String) {
    fn swap<T: ToString>(slot: &mut T, new: T) -> (String, String) {
        let old = std::mem::replace(slot, new);
        (old.to_string(), slot.to_string())
    }
    let (field, (from, to)) = match edit {
        Edit::Title(v) => ("title", swap(&mut t.title, v.trim().to_string())),
        Edit::Description(v) => ("description", swap(&mut t.description, v.clone())),
        Edit::CustomerName(v) => ("customer", swap(&mut t.customer.name, v.trim().to_string())),
        Edit::Phone(v) => ("phone", swap(&mut t.customer.phone, v.trim().to_string())),
        Edit::Email(v) => ("email", swap(&mut t.customer.email, v.trim().to_string())),
        Edit::Channel(v) => ("channel", swap(&mut t.channel, *v)),
        Edit::Reference(v) => ("order", swap(&mut t.reference, v.trim().to_string())),
        Edit::Kind(v) => ("kind", swap(&mut t.kind, *v)),
        Edit::Priority(v) => ("priority", swap(&mut t.priority, *v)),
        Edit::Complexity(v) => ("complexity", swap(&mut t.complexity, *v)),
        Edit::Purchased(v) => {
            let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            (
                "purchased",
                (date(std::mem::replace(&mut t.purchased_on, *v)), date(*v)),
            )
        }
    };
    (field, from, to)
}

/// Edits that change which SLA targets the ticket is promised.
fn retargets(edit: &Edit) -> bool {
    matches!(edit, Edit::Kind(_) | Edit::Priority(_) | Edit::Complexity(_))
}

/// Before clocks are recomputed under another policy: every cycle the stored clocks show
/// breached by `now` that the new policy would read as not breached (other hours, a holiday
/// added afterwards) gets a system entry keeping its missed deadline. A breach that happened
/// stands, and the log says so.
fn keep_breaches(tx: &Tx, policy: &Policy, ticket: &Ticket, log: &mut Vec<LogEntry>, now: DateTime<Utc>) -> Result<()> {
    let stored = tx.clocks(ticket.id)?;
    let fresh = sla::evaluate(policy, ticket, log, now);
    for old in stored.iter().filter(|c| c.breached(now)) {
        let Some(due) = old.deadline() else { continue };
        let erased = fresh
            .iter()
            .find(|c| c.metric == old.metric && c.cycle == old.cycle)
            .is_some_and(|c| !c.breached(now));
        if erased {
            let entry = NewEntry {
                at: now,
                author: supervisor::SYSTEM_AUTHOR.to_string(),
                event: Event::System {
                    why: Some(crate::domain::log::SystemAction::BreachKept {
                        metric: old.metric.clone(),
                        cycle: old.cycle,
                        due,
                    }),
                },
                body: String::new(),
            };
            let id = tx.append(ticket.id, &entry)?;
            log.push(entry.stored(id, ticket.id));
        }
    }
    Ok(())
}

/// Re-evaluates the ticket's clocks from its log and stores them (same transaction as the change).
fn refresh_clocks(tx: &Tx, policy: &Policy, ticket: &Ticket, log: &[LogEntry], now: DateTime<Utc>) -> Result<()> {
    let readings = sla::evaluate(policy, ticket, log, now);
    let stored: Vec<sla::Clock> = readings.iter().map(ClockReading::to_stored).collect();
    tx.replace_clocks(ticket.id, &stored)?;
    Ok(())
}

/// The name recorded as author: the config's, else the OS user's.
pub fn default_author(configured: Option<&str>) -> String {
    configured
        .map(str::to_string)
        .filter(|s| !s.trim().is_empty())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "agent".to_string())
}

//! Why a desk action was refused: the values a front end needs to say so in the reader's
//! language (`crate::words::errors`).

use crate::domain::sla::ExtensionError;
use crate::domain::ticket::{IllegalMove, InvalidField};
use crate::store::StoreError;
use chrono::{DateTime, Utc};

/// Why a desk action was refused, with the values a front end needs to say so in the reader's
/// language (`crate::words::errors`). Nothing was written.
#[derive(Debug)]
pub enum DeskError {
    /// No ticket with this id.
    NotFound(i64),
    /// A field value that cannot be stored.
    Invalid(InvalidField),
    /// A status move the machine refuses.
    Move(IllegalMove),
    /// A deadline extension the policy refuses.
    Extension(ExtensionError),
    /// Judging a metric the ticket has no clock for.
    NoSuchClock {
        ticket: i64,
        metric: String,
        /// The metrics the ticket does have clocks for.
        known: Vec<String>,
    },
    /// Judging a cycle that is not breached.
    NotBreached {
        ticket: i64,
        metric: String,
        cycle: u32,
        cycles: Vec<u32>,
    },
    /// Judging a metric with no breach left unjudged.
    NoUnjudgedBreach { ticket: i64, metric: String },
    /// Judging a breach judged before.
    AlreadyJudged {
        ticket: i64,
        metric: String,
        cycle: u32,
        class: crate::domain::review::BreachClass,
        by: String,
        at: DateTime<Utc>,
    },
    /// Amending a breach nobody has judged yet.
    NotJudged { ticket: i64, metric: String, cycle: u32 },
    /// Drawing the callback sample of a month still running.
    MonthNotEnded(crate::domain::callback::Month),
    /// Recording a callback for a ticket nobody has to call.
    NotInCallbackQueue(i64),
    /// Recording a callback that was recorded before.
    CallbackAlreadyRecorded {
        ticket: i64,
        month: crate::domain::callback::Month,
        by: String,
    },
    /// A status move refused because Promptly closed the ticket itself at `at`: resolved with
    /// no reply for `days` days (`auto_close_days`). Said apart from [`DeskError::Move`] so the
    /// agent learns why a ticket they saw resolved is closed.
    AutoClosed { ticket: i64, at: DateTime<Utc>, days: u32 },
    /// Rows of an import refused at the write (their external ids arrived since the check).
    Import(Vec<crate::domain::import::Problem>),
    /// A transfer to the ticket's owner.
    AlreadyOwner { ticket: i64, owner: String },
    /// A name `agents` does not hold (a transfer to them while it names anyone; a removal).
    UnknownAgent { name: String },
    /// What only a supervisor may do, asked by `who`, who is not one.
    NotSupervisor { who: String },
    /// The store failed, or the ticket changed since it was read ([`StoreError::Stale`]).
    Store(StoreError),
}

impl DeskError {
    /// The database server could not be reached or the connection to it went away (see
    /// `StoreError::connection_lost`): a board waits and reconnects.
    pub fn connection_lost(&self) -> bool {
        matches!(self, DeskError::Store(e) if e.connection_lost())
    }

    /// The input field the refusal is about, when there is one (forms focus it).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            DeskError::Invalid(e) => Some(e.field),
            DeskError::Move(_) | DeskError::AutoClosed { .. } => Some("to"),
            DeskError::Extension(_) => Some("by"),
            DeskError::NoSuchClock { .. } | DeskError::NoUnjudgedBreach { .. } => Some("metric"),
            DeskError::NotBreached { .. } | DeskError::AlreadyJudged { .. } | DeskError::NotJudged { .. } => {
                Some("cycle")
            }
            DeskError::MonthNotEnded(_) => Some("month"),
            DeskError::NotInCallbackQueue(_) | DeskError::CallbackAlreadyRecorded { .. } => Some("id"),
            DeskError::AlreadyOwner { .. } | DeskError::UnknownAgent { .. } => Some("to"),
            DeskError::NotFound(_) | DeskError::Import(_) | DeskError::Store(_) | DeskError::NotSupervisor { .. } => {
                None
            }
        }
    }
}

/// A terse developer's line (logs, panics). Users read `crate::words::errors::desk`.
impl std::fmt::Display for DeskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeskError::Store(e) => e.fmt(f),
            other => write!(f, "{other:?}"),
        }
    }
}

impl std::error::Error for DeskError {}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> Self {
        DeskError::Store(e)
    }
}

impl From<InvalidField> for DeskError {
    fn from(e: InvalidField) -> Self {
        DeskError::Invalid(e)
    }
}

//! The database server went away (PostgreSQL): the board keeps the rows it had, says it is
//! offline and since when, tries to connect again after 1, 2, 4 ... up to 30 seconds, and
//! reads everything again once it is back. The tries are counted in the loop's one-second
//! ticks, so waiting costs nothing (the loop sleeps in `poll`) and tests can drive them.
//! Nothing typed is lost: a form or a command line submitted meanwhile stays open as typed.
//! A file never goes offline.

use super::{App, Form, Mode};
use crate::desk::{Desk, DeskError};
use crate::t;
use chrono::{DateTime, Utc};

/// Seconds before the first try after the connection was lost.
pub const RETRY_FIRST: u32 = 1;
/// The longest wait between two tries.
pub const RETRY_MOST: u32 = 30;

/// The board while its database server cannot be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offline {
    /// When the board lost the server: the rows it shows are as of then.
    pub since: DateTime<Utc>,
    /// Seconds from the last try to the next: doubled after each failed one, up to [`RETRY_MOST`].
    pub wait: u32,
    /// Ticks (seconds) left until the next try.
    pub left: u32,
    /// Why the last try was refused by a server that answered (its schema gone, say), as
    /// told: told again only when it changes.
    pub refused: Option<String>,
}

impl App {
    /// When `e` says the server went away, the board goes offline (the first try comes a
    /// second later) and the agent is told when it tries again; true then.
    pub(crate) fn went_offline(&mut self, e: &DeskError, now: DateTime<Utc>) -> bool {
        if !e.connection_lost() {
            return false;
        }
        // The header counts the seconds down; a number here would be stale a second later.
        self.go_offline(now);
        self.tell(t!("msg.offline", locale = self.lang), true, now);
        true
    }

    /// Offline from `now`, unless it already was.
    fn go_offline(&mut self, now: DateTime<Utc>) {
        self.offline.get_or_insert(Offline {
            since: now,
            wait: RETRY_FIRST,
            left: RETRY_FIRST,
            refused: None,
        });
    }

    /// The tick while offline: a second less to wait and, when none is left, a try. Back, the
    /// board reads everything again (what others wrote meanwhile was never announced); still
    /// away, the next try waits twice as long. True once the board is back.
    pub(super) fn retry(&mut self, desk: &mut Desk, now: DateTime<Utc>) -> bool {
        let Some(offline) = self.offline.as_mut() else {
            return true;
        };
        offline.left = offline.left.saturating_sub(1);
        if offline.left > 0 {
            return false;
        }
        match desk.reconnect() {
            Ok(()) => {
                self.offline = None;
                self.load(desk);
                // A load that lost the server again left the board offline, and said so.
                if self.offline.is_none() {
                    self.tell(t!("msg.online", locale = self.lang), false, now);
                }
                self.offline.is_none()
            }
            Err(e) => {
                offline.wait = (offline.wait * 2).min(RETRY_MOST);
                offline.left = offline.wait;
                // Reachable but refusing (the schema gone, a newer Promptly): worth reading,
                // once, not at every try.
                let why = (!e.connection_lost()).then(|| crate::words::errors::desk(&e, self.lang));
                if why.is_some() && why != offline.refused {
                    offline.refused = why;
                    self.tell_db_error(&e, now);
                }
                false
            }
        }
    }

    /// A submit while offline: refused before the desk is asked, the form or the command
    /// line left open with its text. True when it was refused.
    pub(super) fn refuse_offline(&mut self, now: DateTime<Utc>) -> bool {
        if self.offline.is_none() {
            return false;
        }
        self.tell(t!("msg.offline_kept", locale = self.lang), true, now);
        true
    }

    /// A submit the desk could not carry out because the server went away meanwhile: the
    /// form comes back as typed and the board goes offline. Nothing was written, or (lost
    /// during the commit) nobody can tell: the words say which.
    pub(super) fn keep_offline(&mut self, form: Form, e: &DeskError, now: DateTime<Utc>) {
        self.mode = Mode::Form(Box::new(form));
        self.go_offline(now);
        let text = if matches!(e, DeskError::Store(crate::desk::StoreError::CommitUnknown(_))) {
            t!(
                "msg.db_error",
                locale = self.lang,
                error = crate::words::errors::desk(e, self.lang)
            )
        } else {
            t!("msg.offline_kept", locale = self.lang)
        };
        self.tell(text, true, now);
    }
}

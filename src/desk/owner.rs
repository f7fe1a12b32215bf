//! First-contact responsibility (首问负责制): a ticket's owner, transfers with a reason, and
//! the agents and supervisors who may act. While `agents` is empty everyone may do
//! everything (a one-person desk); once it names a supervisor, judging and recomputing
//! need one.

use super::{Desk, DeskError, Result};
use crate::domain::agent::{Agent, Role, agent_name, transfer_reason};
use crate::domain::log::Event;
use crate::domain::ticket::Ticket;
use crate::store::Tx;
use chrono::SubsecRound;

/// Whether `who` may do what only a supervisor may; a refusal names them.
pub(super) fn require_supervisor(tx: &Tx, who: &str) -> Result<()> {
    if tx.may_supervise(who)? {
        return Ok(());
    }
    Err(DeskError::NotSupervisor { who: who.to_string() })
}

impl Desk {
    /// Passes the ticket to `to` (转派), logged with the reason in the same transaction as the
    /// owner change. Refused when `to` owns it already, or is not among a non-empty `agents`.
    pub fn transfer(&mut self, id: i64, expected: Option<i64>, to: &str, reason: &str) -> Result<Ticket> {
        let to = agent_name(to, "to")?;
        let reason = transfer_reason(reason)?;
        self.change_in(id, expected, |tx, ticket, _log, _policy, _now| {
            if ticket.owner == to {
                return Err(DeskError::AlreadyOwner { ticket: id, owner: to });
            }
            if let (true, None) = tx.role_of(&to)? {
                return Err(DeskError::UnknownAgent { name: to });
            }
            let from = std::mem::replace(&mut ticket.owner, to.clone());
            Ok(vec![(Event::Transferred { from, to }, reason)])
        })
    }

    /// Refuses, as the desk call itself would, when the acting agent may not do what only a
    /// supervisor may: the board asks before it opens a judgement form, so nobody fills one
    /// in to be refused at the end. A read; the call still checks in its transaction.
    pub fn check_supervisor(&self) -> Result<()> {
        if self.store.may_supervise(&self.author)? {
            return Ok(());
        }
        Err(DeskError::NotSupervisor {
            who: self.author.clone(),
        })
    }

    /// Every agent, by name.
    pub fn agents(&self) -> Result<Vec<Agent>> {
        Ok(self.store.agents()?)
    }

    /// Adds an agent or changes their role; returns whether they were new. Once a supervisor
    /// is named, only a supervisor may change the table (the first may be named by anyone).
    pub fn add_agent(&mut self, name: &str, role: Role) -> Result<bool> {
        let name = agent_name(name, "name")?;
        let (author, clock) = (&self.author, &self.clock);
        self.store.write(|tx| {
            require_supervisor(tx, author)?;
            Ok(tx.put_agent(&name, role, clock.now().trunc_subsecs(0))?)
        })
    }

    /// On a PostgreSQL server: lets `role` work this desk as the application does
    /// (`Store::grant_app_role`): only the schema's owner may, and it is refused for others.
    pub fn grant_app_role(&mut self, role: &str) -> Result<()> {
        Ok(self.store.grant_app_role(role)?)
    }

    /// Removes an agent; their tickets keep them as owner.
    pub fn remove_agent(&mut self, name: &str) -> Result<()> {
        let name = agent_name(name, "name")?;
        let author = &self.author;
        self.store.write(|tx| {
            require_supervisor(tx, author)?;
            if tx.remove_agent(&name)? {
                Ok(())
            } else {
                Err(DeskError::UnknownAgent { name })
            }
        })
    }
}

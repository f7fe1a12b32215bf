//! The `agents` table (migration 14): who works the desk and in which role. Written once for
//! both backends through `store::db`.

use super::Result;
use super::db::{Db, params};
use super::rows::{parse_ts, parse_word, ts};
use crate::domain::agent::{Agent, Role};
use chrono::{DateTime, Utc};

fn agents(db: Db) -> Result<Vec<Agent>> {
    db.query_map("SELECT name, role, added_at FROM agents ORDER BY name", &[], |r| {
        Ok(Agent {
            name: r.get(0)?,
            role: parse_word(&r.get::<String>(1)?)?,
            added_at: parse_ts(r.get(2)?)?,
        })
    })
}

/// Whether anyone is named (an empty table: everyone may do everything) and `name`'s role.
fn role_of(db: Db, name: &str) -> Result<(bool, Option<Role>)> {
    let any: bool = db.query_row("SELECT EXISTS (SELECT 1 FROM agents)", &[], |r| r.get(0))?;
    let role: Option<String> = db.query_opt("SELECT role FROM agents WHERE name = ?1", params![name], |r| r.get(0))?;
    Ok((any, role.as_deref().map(parse_word).transpose()?))
}

/// Whether `name` may do what only a supervisor may: anyone while the table names no
/// supervisor (a one-person desk), else a supervisor only.
fn may_supervise(db: Db, name: &str) -> Result<bool> {
    let named: bool = db.query_row(
        "SELECT EXISTS (SELECT 1 FROM agents WHERE role = 'supervisor')",
        &[],
        |r| r.get(0),
    )?;
    Ok(!named || role_of(db, name)?.1 == Some(Role::Supervisor))
}

impl super::Store {
    /// Every agent, by name.
    pub fn agents(&self) -> Result<Vec<Agent>> {
        agents(self.db())
    }

    /// Whether `name` may do what only a supervisor may (see [`may_supervise`]): a read, for
    /// asking before a form is filled in; the write checks again in its transaction.
    pub fn may_supervise(&self, name: &str) -> Result<bool> {
        may_supervise(self.db(), name)
    }
}

impl super::Tx<'_> {
    /// Whether the table names anyone, and `name`'s role if it names them.
    pub fn role_of(&self, name: &str) -> Result<(bool, Option<Role>)> {
        role_of(self.db(), name)
    }

    /// Whether `name` may do what only a supervisor may (see [`may_supervise`]).
    pub fn may_supervise(&self, name: &str) -> Result<bool> {
        may_supervise(self.db(), name)
    }

    /// Adds `name` or changes their role; returns whether they were new.
    pub fn put_agent(&self, name: &str, role: Role, at: DateTime<Utc>) -> Result<bool> {
        let db = self.db();
        if db.execute(
            "UPDATE agents SET role = ?2 WHERE name = ?1",
            params![name, role.slug()],
        )? > 0
        {
            return Ok(false);
        }
        db.execute(
            "INSERT INTO agents(name, role, added_at) VALUES (?1, ?2, ?3)",
            params![name, role.slug(), ts(at)],
        )?;
        Ok(true)
    }

    /// Removes `name`; false if nobody had that name. Their tickets keep them as owner.
    pub fn remove_agent(&self, name: &str) -> Result<bool> {
        Ok(self.db().execute("DELETE FROM agents WHERE name = ?1", params![name])? > 0)
    }
}

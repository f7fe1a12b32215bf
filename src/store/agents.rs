//! The `agents` table (migration 14): who works the desk and in which role.

use super::Result;
use super::rows::{parse_ts, parse_word, ts};
use crate::domain::agent::{Agent, Role};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

fn agents(conn: &Connection) -> Result<Vec<Agent>> {
    let mut stmt = conn.prepare_cached("SELECT name, role, added_at FROM agents ORDER BY name")?;
    let raw = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raw.into_iter()
        .map(|(name, role, at)| {
            Ok(Agent {
                name,
                role: parse_word(&role)?,
                added_at: parse_ts(at)?,
            })
        })
        .collect()
}

/// Whether anyone is named (an empty table: everyone may do everything) and `name`'s role.
fn role_of(conn: &Connection, name: &str) -> Result<(bool, Option<Role>)> {
    let any: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM agents)")?
        .query_row([], |r| r.get(0))?;
    let role: Option<String> = conn
        .prepare_cached("SELECT role FROM agents WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?;
    Ok((any, role.as_deref().map(parse_word).transpose()?))
}

impl super::Store {
    /// Every agent, by name.
    pub fn agents(&self) -> Result<Vec<Agent>> {
        agents(&self.conn)
    }
}

impl super::Tx<'_> {
    /// Whether the table names anyone, and `name`'s role if it names them.
    pub fn role_of(&self, name: &str) -> Result<(bool, Option<Role>)> {
        role_of(&self.0, name)
    }

    /// Whether the table names a supervisor (then judging needs one).
    pub fn has_supervisor(&self) -> Result<bool> {
        Ok(self
            .0
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM agents WHERE role = 'supervisor')")?
            .query_row([], |r| r.get(0))?)
    }

    /// Adds `name` or changes their role; returns whether they were new.
    pub fn put_agent(&self, name: &str, role: Role, at: DateTime<Utc>) -> Result<bool> {
        let changed = self
            .0
            .prepare_cached("UPDATE agents SET role = ?2 WHERE name = ?1")?
            .execute(params![name, role.slug()])?;
        if changed > 0 {
            return Ok(false);
        }
        self.0
            .prepare_cached("INSERT INTO agents(name, role, added_at) VALUES (?1, ?2, ?3)")?
            .execute(params![name, role.slug(), ts(at)])?;
        Ok(true)
    }

    /// Removes `name`; false if nobody had that name. Their tickets keep them as owner.
    pub fn remove_agent(&self, name: &str) -> Result<bool> {
        Ok(self
            .0
            .prepare_cached("DELETE FROM agents WHERE name = ?1")?
            .execute([name])?
            > 0)
    }
}

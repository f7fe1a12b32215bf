//! SQL of `import`: which external ids a database holds already (migration 10). The rows
//! themselves go in through the bulk writer (`bulk.rs`).

use super::{Result, Store, Tx};
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;

/// The tickets holding any of `ids` as their external id: id -> ticket. One indexed lookup each.
fn tickets_by_external_id<'a>(conn: &Connection, ids: impl Iterator<Item = &'a str>) -> Result<HashMap<String, i64>> {
    let mut find = conn.prepare_cached("SELECT id FROM tickets WHERE external_id = ?1")?;
    let mut found = HashMap::new();
    for id in ids {
        if let Some(ticket) = find.query_row([id], |r| r.get::<_, i64>(0)).optional()? {
            found.insert(id.to_string(), ticket);
        }
    }
    Ok(found)
}

/// The breaches of `ticket` that lay before its import and were kept out of the queue.
fn imported_breaches_of(conn: &Connection, ticket: i64) -> Result<Vec<(String, u32)>> {
    let mut stmt =
        conn.prepare_cached("SELECT metric, cycle FROM imported_breaches WHERE ticket_id = ?1 ORDER BY metric, cycle")?;
    let rows = stmt.query_map([ticket], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    pub fn holds_tickets(&self) -> Result<bool> {
        holds_tickets(&self.conn)
    }

    pub fn imported_breaches_of(&self, ticket: i64) -> Result<Vec<(String, u32)>> {
        imported_breaches_of(&self.conn, ticket)
    }

    pub fn tickets_by_external_id<'a>(&self, ids: impl Iterator<Item = &'a str>) -> Result<HashMap<String, i64>> {
        tickets_by_external_id(&self.conn, ids)
    }
}

/// Whether the database has any ticket (one without holds no external id).
fn holds_tickets(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM tickets)", [], |r| r.get(0))?)
}

impl Tx<'_> {
    pub fn holds_tickets(&self) -> Result<bool> {
        holds_tickets(&self.0)
    }

    pub fn tickets_by_external_id<'a>(&self, ids: impl Iterator<Item = &'a str>) -> Result<HashMap<String, i64>> {
        tickets_by_external_id(&self.0, ids)
    }
}

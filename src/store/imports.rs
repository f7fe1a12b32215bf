//! SQL of `import`: which external ids a database holds already (migration 10). The rows
//! themselves go in through the bulk writer (`bulk.rs`).

use super::SqliteOnly;
use super::db::{self, Db};
use super::{Result, Store, Tx};
use std::collections::HashMap;

/// The tickets holding any of `ids` as their external id: id -> ticket. One indexed lookup
/// each (PostgreSQL's through its text-key index).
fn tickets_by_external_id<'a>(db: Db, ids: impl Iterator<Item = &'a str>) -> Result<HashMap<String, i64>> {
    let find = db.pick(
        "SELECT id FROM tickets WHERE external_id = ?1",
        "SELECT id FROM tickets WHERE promptly_text_key(external_id) = promptly_text_key(?1) AND external_id = ?1",
    );
    let mut found = HashMap::new();
    for id in ids {
        if let Some(ticket) = db.query_opt(find, db::params![id], |r| r.get(0))? {
            found.insert(id.to_string(), ticket);
        }
    }
    Ok(found)
}

/// The breaches of `ticket` that lay before its import and were kept out of the queue.
fn imported_breaches_of(db: Db, ticket: i64) -> Result<Vec<(String, u32)>> {
    db.query_map(
        "SELECT metric, cycle FROM imported_breaches WHERE ticket_id = ?1 ORDER BY metric, cycle",
        db::params![ticket],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

impl Store {
    /// For the rest of a bulk run ([`Store::bulk`]), the page cache every connection has
    /// instead of the bulk writer's 64 MiB. An import into a new file appends (its indexes wait
    /// for the end), so a big cache only held dirty pages that go to the WAL anyway; and SQLite
    /// sorts the deferred index builds in memory up to the cache's size: with the big cache the
    /// peak grew with the file until 64 MiB more. `bulk` puts the connection's own size back.
    pub fn import_cache(&self) -> Result<()> {
        if self.on_server() {
            return Ok(()); // the server sizes its own buffers
        }
        Ok(self.sqlite(SqliteOnly::Settings)?.execute_batch(super::CACHE_SIZE)?)
    }

    pub fn holds_tickets(&self) -> Result<bool> {
        holds_tickets(self.db())
    }

    pub fn imported_breaches_of(&self, ticket: i64) -> Result<Vec<(String, u32)>> {
        imported_breaches_of(self.db(), ticket)
    }

    pub fn tickets_by_external_id<'a>(&self, ids: impl Iterator<Item = &'a str>) -> Result<HashMap<String, i64>> {
        tickets_by_external_id(self.db(), ids)
    }
}

/// Whether the database has any ticket (one without holds no external id).
fn holds_tickets(db: Db) -> Result<bool> {
    db.query_row("SELECT EXISTS (SELECT 1 FROM tickets)", &[], |r| r.get(0))
}

impl Tx<'_> {
    pub fn holds_tickets(&self) -> Result<bool> {
        holds_tickets(self.db())
    }

    pub fn tickets_by_external_id<'a>(&self, ids: impl Iterator<Item = &'a str>) -> Result<HashMap<String, i64>> {
        tickets_by_external_id(self.db(), ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache_size(store: &Store) -> i64 {
        store
            .sqlite(super::SqliteOnly::Settings)
            .unwrap()
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn an_import_runs_under_the_ordinary_page_cache() {
        let mut store = Store::open_in_memory().unwrap();
        let ordinary = cache_size(&store);
        let (bulk, import) = store
            .bulk(|s| {
                let bulk = cache_size(s);
                s.import_cache()?;
                Ok::<_, super::super::StoreError>((bulk, cache_size(s)))
            })
            .unwrap();
        assert!(
            bulk < ordinary,
            "a bulk run's own cache is bigger ({bulk} vs {ordinary} KiB)"
        );
        assert_eq!(import, ordinary);
        assert_eq!(cache_size(&store), ordinary, "put back after the run");
    }
}

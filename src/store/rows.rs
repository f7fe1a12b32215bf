//! Row mapping: SQL in, domain types out. Instants are stored as integer seconds since 1970 UTC
//! (migration 15: 4 or 5 bytes instead of 20 of text), so indexes serve range queries; the
//! log's chain still covers each entry's instant as its RFC 3339 text ([`ts_text`]).

use super::db::{self, Db};
use super::schema::LOG_HEAD;
use super::{Result, StoreError};
use crate::domain::chain::{self, Link};
use crate::domain::log::{Event, LogEntry, NewEntry};
use crate::domain::ticket::{Customer, NewTicket, Ticket};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Row;
use std::collections::HashMap;
use std::str::FromStr;

/// An instant as stored: whole seconds since 1970 UTC (a leap second counts as the one before).
pub fn ts(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

/// The text of a stored instant, as the log's chain covers it (`2026-11-23T06:00:00Z`).
pub fn ts_text(secs: i64) -> String {
    match DateTime::from_timestamp(secs, 0) {
        Some(at) => at.to_rfc3339_opts(SecondsFormat::Secs, true),
        None => secs.to_string(),
    }
}

/// A stored instant; `Corrupt` outside the years chrono can hold.
pub(super) fn parse_ts(secs: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0).ok_or_else(|| StoreError::Corrupt(format!("instant {secs} out of range")))
}

pub(super) fn parse_opt_ts(secs: Option<i64>) -> Result<Option<DateTime<Utc>>> {
    secs.map(parse_ts).transpose()
}

pub(super) fn parse_word<T: FromStr>(s: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e: T::Err| StoreError::Corrupt(e.to_string()))
}

pub(super) use super::clock_rows::{
    CLOCK_COLUMNS, clocks, into_clock, raw_clock, read_clock_into, replace_clocks, ticket_ids_with_live_clocks,
};
pub(super) use super::ticket_row::{TICKET_COLUMNS, TICKET_WIDTH, into_ticket, raw_ticket, ticket};

/// The customer row for `c`, added if new. Written once for both backends (`store::db`).
/// Looked up first, then added: an `INSERT ... ON CONFLICT DO NOTHING` that finds the row
/// still takes a number from PostgreSQL's identity, leaving gaps (the writers' lock keeps
/// another writer from adding the same customer in between).
pub fn customer_id(db: Db, c: &Customer) -> Result<i64> {
    let (name, phone, email) = (c.name.trim(), c.phone.trim(), c.email.trim());
    let find = db.pick(
        "SELECT id FROM customers WHERE name = ?1 AND phone = ?2 AND email = ?3",
        "SELECT id FROM customers WHERE promptly_text_key(name) = promptly_text_key(?1)
            AND promptly_text_key(phone) = promptly_text_key(?2) AND promptly_text_key(email) = promptly_text_key(?3)
            AND name = ?1 AND phone = ?2 AND email = ?3",
    );
    if let Some(id) = db.query_opt(find, db::params![name, phone, email], |r| r.get(0))? {
        return Ok(id);
    }
    db.query_row(
        "INSERT INTO customers(name, phone, email) VALUES (?1, ?2, ?3) RETURNING id",
        db::params![name, phone, email],
        |r| r.get(0),
    )
}

/// Adds a ticket; its id. Both backends (`RETURNING`: SQLite has no sequence to ask).
pub fn insert_ticket(db: Db, new: &NewTicket, owner: &str, customer: i64, at: DateTime<Utc>) -> Result<i64> {
    let purchased_on = new.purchased_on.map(|d| d.to_string());
    db.query_row(
        "INSERT INTO tickets(title, description, customer_id, channel, kind, priority, complexity, reference,
                             purchased_on, status, opened_at, updated_at, version, owner)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'open', ?10, ?10, 1, ?11)
         RETURNING id",
        db::params![
            new.title.trim(),
            new.description.as_str(),
            customer,
            new.channel.slug(),
            new.kind.slug(),
            new.priority.slug(),
            new.complexity.slug(),
            new.reference.trim(),
            purchased_on.as_deref(),
            ts(at),
            owner,
        ],
        |r| r.get(0),
    )
}

/// Writes every field; matches only the version before this change (optimistic versions, on
/// both backends). Returns rows changed.
pub fn update_ticket(db: Db, t: &Ticket, customer: i64) -> Result<usize> {
    let purchased_on = t.purchased_on.map(|d| d.to_string());
    db.execute(
        "UPDATE tickets SET title = ?2, description = ?3, customer_id = ?4, channel = ?5, kind = ?6,
            priority = ?7, complexity = ?8, reference = ?9, purchased_on = ?10, status = ?11,
            updated_at = ?12, resolved_at = ?13, closed_at = ?14, version = ?15, owner = ?16
         WHERE id = ?1 AND version = ?15 - 1",
        db::params![
            t.id,
            t.title.trim(),
            t.description.as_str(),
            customer,
            t.channel.slug(),
            t.kind.slug(),
            t.priority.slug(),
            t.complexity.slug(),
            t.reference.trim(),
            purchased_on.as_deref(),
            t.status.slug(),
            ts(t.updated_at),
            t.resolved_at.map(ts),
            t.closed_at.map(ts),
            t.version,
            t.owner.as_str(),
        ],
    )
}

/// The columns a log entry's chain link is made of, in `LinkRow::read`'s order; the data as
/// the entry means it, whether stored inline or in `log_data` (see [`DATA`]).
pub(super) const LINK_COLUMNS: &str = "id, ticket_id, at, author, kind, \
     coalesce((SELECT d.data FROM log_data d WHERE d.id = log.data_ref), log.data), body, hash";

/// [`LINK_COLUMNS`] before migration 7 (the chain's own migration reads with it).
pub(super) const LINK_COLUMNS_INLINE: &str = "id, ticket_id, at, author, kind, data, body, hash";

/// An entry's data text (migration 7): most entries' data is one of a few texts (`{"event":
/// "note"}`, a contact's method and direction, the opened entry's promise), kept once in
/// `log_data` and named by `data_ref`; older rows and free-text edits keep it inline. The hash
/// covers this text, not the reference, so the chain means what it always meant.
pub(super) const DATA: &str = "coalesce((SELECT d.data FROM log_data d WHERE d.id = log.data_ref), log.data)";

/// The log's entry kinds as stored (migration 15): each its index here, for ever (append new
/// kinds at the end). A code is one byte where the name took six; the chain covers the name.
pub(super) const LOG_KINDS: [&str; 13] = [
    "opened",
    "note",
    "plan",
    "contact",
    "status",
    "field",
    "extended",
    "system",
    "confirmed",
    "judged",
    "callback",
    "imported",
    "transferred",
];

/// The stored code of an entry kind; `Corrupt` for a kind this build does not know.
pub(super) fn kind_code(kind: &str) -> Result<i64> {
    LOG_KINDS
        .iter()
        .position(|k| *k == kind)
        .map(|i| i as i64)
        .ok_or_else(|| StoreError::Corrupt(format!("log entry kind {kind:?}")))
}

/// The code of `status` entries, which a partial index and the reports' status moves name.
pub(super) const STATUS_KIND: i64 = 4;

/// Whether an entry of `kind` keeps its data in `log_data`: every kind but field edits, whose
/// old and new values are free text seldom seen twice, and imports, whose rows are all apart.
pub(super) fn shares_data(kind: &str) -> bool {
    kind != "field" && kind != "imported"
}

/// The `log_data` row holding `data`, made if new (rows there are never changed or deleted).
/// PostgreSQL finds the text through its key index (`promptly_text_key`, see `pg::schema`).
pub(super) fn data_ref(db: Db, data: &str) -> Result<i64> {
    let find = db.pick(
        "SELECT id FROM log_data WHERE data = ?1",
        "SELECT id FROM log_data WHERE promptly_text_key(data) = promptly_text_key(?1) AND data = ?1",
    );
    if let Some(id) = db.query_opt(find, db::params![data], |r| r.get(0))? {
        return Ok(id);
    }
    db.query_row(
        "INSERT INTO log_data(data) VALUES (?1) RETURNING id",
        db::params![data],
        |r| r.get(0),
    )
}

/// A log row as the chain sees it: the stored texts and the stored hash.
pub(super) struct LinkRow {
    id: i64,
    ticket_id: i64,
    texts: [String; 5],
    /// Empty when the row has none (before migration 4, or written by hand).
    pub hash: Vec<u8>,
}

impl LinkRow {
    /// Reads a row selected with [`LINK_COLUMNS`].
    pub fn read(r: &Row<'_>) -> rusqlite::Result<LinkRow> {
        Ok(LinkRow {
            id: r.get(0)?,
            ticket_id: r.get(1)?,
            texts: [link_at(r, 2)?, r.get(3)?, link_kind(r, 4)?, r.get(5)?, r.get(6)?],
            hash: r.get::<_, Option<Vec<u8>>>(7)?.unwrap_or_default(),
        })
    }

    /// Reads a row selected with [`LINK_COLUMNS`] on PostgreSQL, whose columns have one type
    /// each: instants and kinds are integers there from its first migration.
    pub fn read_typed(r: &db::Row) -> Result<LinkRow> {
        Ok(LinkRow {
            id: r.get(0)?,
            ticket_id: r.get(1)?,
            texts: [
                ts_text(r.get(2)?),
                r.get(3)?,
                kind_name(r.get(4)?),
                r.get(5)?,
                r.get(6)?,
            ],
            hash: r.get::<Option<Vec<u8>>>(7)?.unwrap_or_default(),
        })
    }

    pub fn link(&self) -> Link<'_> {
        let [at, author, kind, data, body] = &self.texts;
        Link {
            id: self.id,
            ticket_id: self.ticket_id,
            at,
            author,
            kind,
            data,
            body,
        }
    }
}

/// An entry's instant as its link covers it: the text of the stored seconds, or the text
/// itself in a log from before migration 15 (the chain's own migration reads such rows).
fn link_at(r: &Row<'_>, i: usize) -> rusqlite::Result<String> {
    match r.get_ref(i)? {
        rusqlite::types::ValueRef::Integer(secs) => Ok(ts_text(secs)),
        _ => r.get(i),
    }
}

/// An entry's kind as its link covers it: the name of the stored code, or the name itself in a
/// log from before migration 15. A code no kind has reads as itself (its link then fails).
fn link_kind(r: &Row<'_>, i: usize) -> rusqlite::Result<String> {
    match r.get_ref(i)? {
        rusqlite::types::ValueRef::Integer(code) => Ok(kind_name(code)),
        _ => r.get(i),
    }
}

/// The name of a stored kind code; a code no kind has reads as itself.
fn kind_name(code: i64) -> String {
    usize::try_from(code)
        .ok()
        .and_then(|c| LOG_KINDS.get(c))
        .map_or_else(|| code.to_string(), |k| (*k).to_string())
}

/// Records the last link of the chain, so that a deleted last entry is noticed.
pub(super) fn set_log_head(db: Db, id: i64, hash: &[u8]) -> Result<()> {
    db.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        db::params![LOG_HEAD, &format!("{id}:{}", chain::hex(hash))],
    )?;
    Ok(())
}

/// The last entry's id and hash (0 and the genesis hash for an empty log; empty for a row from
/// before the chain).
pub(super) fn chain_head(db: Db) -> Result<(i64, Vec<u8>)> {
    Ok(db
        .query_opt("SELECT id, hash FROM log ORDER BY id DESC LIMIT 1", &[], |r| {
            Ok((r.get(0)?, r.get::<Option<Vec<u8>>>(1)?.unwrap_or_default()))
        })?
        .unwrap_or((0, chain::GENESIS.to_vec())))
}

/// Adds `e` to the log, chained to the last entry; its id.
pub fn append(db: Db, ticket_id: i64, e: &NewEntry) -> Result<i64> {
    // The entry continues the chain from the last one (the write transaction holds the
    // writers' lock, SQLite's or PostgreSQL's advisory one, so nobody appends in between).
    let (last_id, previous) = chain_head(db)?;
    let hash = insert_entry(db, ticket_id, e, last_id + 1, &previous, &mut |data| data_ref(db, data))?;
    set_log_head(db, last_id + 1, &hash)?;
    Ok(last_id + 1)
}

/// Writes `e` as entry `id`, chained to `previous`; its hash. The caller records the head;
/// `shared` finds or makes the `log_data` row of a shared text.
pub(super) fn insert_entry(
    db: Db,
    ticket_id: i64,
    e: &NewEntry,
    id: i64,
    previous: &[u8],
    shared: &mut dyn FnMut(&str) -> Result<i64>,
) -> Result<chain::Hash> {
    let data = serde_json::to_string(&e.event).map_err(|err| StoreError::Corrupt(err.to_string()))?;
    let at = ts(e.at);
    let at_text = ts_text(at);
    let link = Link {
        id,
        ticket_id,
        at: &at_text,
        author: &e.author,
        kind: e.event.kind_name(),
        data: &data,
        body: &e.body,
    };
    let hash = chain::hash(previous, &link);
    let shared = if shares_data(link.kind) {
        Some(shared(&data)?)
    } else {
        None
    };
    db.execute(
        "INSERT INTO log(id, ticket_id, at, author, kind, data, body, hash, data_ref)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        db::params![
            link.id,
            ticket_id,
            at,
            e.author.as_str(),
            kind_code(link.kind)?,
            if shared.is_some() { "" } else { data.as_str() },
            e.body.as_str(),
            &hash[..],
            shared
        ],
    )?;
    Ok(hash)
}

pub fn log(db: Db, ticket_id: i64) -> Result<Vec<LogEntry>> {
    Ok(logs(db, &[ticket_id])?.remove(&ticket_id).unwrap_or_default())
}

/// [`logs_with`] with a cache of its own.
pub fn logs(db: Db, ticket_ids: &[i64]) -> Result<HashMap<i64, Vec<LogEntry>>> {
    logs_with(db, ticket_ids, &mut EventCache::default())
}

/// Entry data already parsed, by `log_data` id: a million tickets share a few thousand texts
/// (`log_data` never changes), so a read of many entries, or an export's run of pages, parses
/// each once instead of once an entry. Bounded: emptied when full.
#[derive(Debug, Default)]
pub struct EventCache {
    events: HashMap<i64, Event>,
}

/// The most texts an [`EventCache`] keeps.
const CACHE_MAX: usize = 4096;

impl EventCache {
    /// The event of `data_ref`'s text; `None` when there is no such text (the entry's own
    /// data counts then, as with `rows::DATA`).
    fn event(&mut self, db: Db, entry_id: i64, data_ref: i64) -> Result<Option<Event>> {
        if let Some(e) = self.events.get(&data_ref) {
            return Ok(Some(e.clone()));
        }
        let data: Option<String> = db.query_opt(DATA_BY_ID, db::params![data_ref], |r| r.get(0))?;
        let Some(data) = data else { return Ok(None) };
        let event = parse_event(entry_id, &data)?;
        if self.events.len() >= CACHE_MAX {
            self.events.clear();
        }
        self.events.insert(data_ref, event.clone());
        Ok(Some(event))
    }
}

fn parse_event(entry_id: i64, data: &str) -> Result<Event> {
    serde_json::from_str(data).map_err(|e| StoreError::Corrupt(format!("log entry {entry_id}: {e}")))
}

/// The logs of several tickets in one query, each oldest first (tickets without entries are
/// absent from the map); shared entry data is parsed through `cache`. Rows come in index order (ticket, then
/// id) and each ticket's few entries are sorted here, which spares SQLite a sort of the page.
pub fn logs_with(db: Db, ticket_ids: &[i64], cache: &mut EventCache) -> Result<HashMap<i64, Vec<LogEntry>>> {
    logs_read(db, ticket_ids, cache, true)
}

/// The log entries of `n` tickets (`?1`...), in index order.
fn logs_sql(n: usize, texts: bool) -> String {
    let marks = (1..=n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    let (author, body) = if texts { ("author", "body") } else { ("''", "''") };
    format!(
        "SELECT id, ticket_id, at, {author}, data_ref, data, {body}
         FROM log WHERE ticket_id IN ({marks}) ORDER BY ticket_id"
    )
}

/// The plans of reading the logs of `ticket_ids` ([`logs_with`]) and one shared entry text.
pub(super) fn logs_plan(db: Db, ticket_ids: &[i64]) -> Result<String> {
    let ids: Vec<db::Param> = ticket_ids.iter().map(|&id| db::Param::from(id)).collect();
    let logs = super::plans::explain(db, &logs_sql(ticket_ids.len(), true), &ids)?;
    let data = super::plans::explain(db, DATA_BY_ID, db::params![1i64])?;
    Ok(format!("{logs}\n{data}"))
}

/// One shared entry text by its id.
const DATA_BY_ID: &str = "SELECT data FROM log_data WHERE id = ?1";

/// [`logs_with`], each entry's author and body left empty unless `texts` (the SLA replay
/// reads neither: a list that only replays spares a copy of each).
pub fn logs_read(
    db: Db,
    ticket_ids: &[i64],
    cache: &mut EventCache,
    texts: bool,
) -> Result<HashMap<i64, Vec<LogEntry>>> {
    let mut out: HashMap<i64, Vec<LogEntry>> = HashMap::with_capacity(ticket_ids.len());
    if ticket_ids.is_empty() {
        return Ok(out);
    }
    let sql = logs_sql(ticket_ids.len(), texts);
    let ids: Vec<db::Param> = ticket_ids.iter().map(|&id| db::Param::from(id)).collect();
    // Cached: callers read in batches of one size, so the statement is prepared once.
    db.for_each_row(&sql, &ids, |r| {
        let (id, ticket_id): (i64, i64) = (r.get(0)?, r.get(1)?);
        let at = parse_ts(r.get(2)?)?;
        let data_ref: Option<i64> = r.get(4)?;
        let shared = match data_ref {
            Some(data_ref) => cache.event(db, id, data_ref)?,
            None => None,
        };
        let event = match shared {
            Some(event) => event,
            None => parse_event(id, &r.get::<String>(5)?)?,
        };
        let (author, body): (String, String) = (r.get(3)?, r.get(6)?);
        // A ticket has a dozen entries or so: one allocation for most.
        out.entry(ticket_id)
            .or_insert_with(|| Vec::with_capacity(16))
            .push(LogEntry {
                id,
                ticket_id,
                at,
                author,
                event,
                body,
            });
        Ok(())
    })?;
    for log in out.values_mut() {
        log.sort_by_key(|e| (e.at, e.id));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_entry_has_its_code_and_status_is_the_indexed_one() {
        assert_eq!(kind_code("status").unwrap(), STATUS_KIND);
        assert_eq!(kind_code("opened").unwrap(), 0);
        assert_eq!(kind_code("transferred").unwrap(), 12);
        assert!(matches!(kind_code("gossip"), Err(StoreError::Corrupt(_))));
        let unique: std::collections::HashSet<_> = LOG_KINDS.iter().collect();
        assert_eq!(unique.len(), LOG_KINDS.len());
    }

    #[test]
    fn stored_instants_are_seconds_and_their_text_is_the_chains_form() {
        for text in [
            "2026-11-23T06:00:00Z",
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59Z",
            "9999-12-31T23:59:59Z",
        ] {
            let at = DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc);
            assert_eq!(ts_text(ts(at)), text);
            assert_eq!(parse_ts(ts(at)).unwrap(), at);
        }
        assert_eq!(
            ts(DateTime::parse_from_rfc3339("2026-11-23T14:00:00+08:00")
                .unwrap()
                .into()),
            1795413600
        );
        // Seconds no calendar holds are corrupt, not a panic.
        assert!(matches!(parse_ts(i64::MAX), Err(StoreError::Corrupt(_))));
        assert!(matches!(parse_ts(i64::MIN), Err(StoreError::Corrupt(_))));
    }
}

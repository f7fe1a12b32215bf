//! Row mapping: SQL in, domain types out. Instants are stored as integer seconds since 1970 UTC
//! (migration 15: 4 or 5 bytes instead of 20 of text), so indexes serve range queries; the
//! log's chain still covers each entry's instant as its RFC 3339 text ([`ts_text`]).

use super::db::{self, Db};
use super::schema::{JUDGED_IMPORTED, LOG_HEAD};
use super::{Result, StoreError};
use crate::domain::chain::{self, Link};
use crate::domain::log::{Event, LogEntry, NewEntry};
use crate::domain::sla::{Clock, ClockState};
use crate::domain::ticket::{Customer, NewTicket, Ticket};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
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

pub(super) use super::ticket_row::{TICKET_COLUMNS, TICKET_WIDTH, into_ticket, raw_ticket, ticket};

/// The customer row for `c`, added if new. Written once for both backends (`store::db`).
pub fn customer_id(db: Db, c: &Customer) -> Result<i64> {
    let (name, phone, email) = (c.name.trim(), c.phone.trim(), c.email.trim());
    db.execute(
        "INSERT INTO customers(name, phone, email) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        db::params![name, phone, email],
    )?;
    let find = db.pick(
        "SELECT id FROM customers WHERE name = ?1 AND phone = ?2 AND email = ?3",
        "SELECT id FROM customers WHERE promptly_text_key(name) = promptly_text_key(?1)
            AND promptly_text_key(phone) = promptly_text_key(?2) AND promptly_text_key(email) = promptly_text_key(?3)
            AND name = ?1 AND phone = ?2 AND email = ?3",
    );
    db.query_row(find, db::params![name, phone, email], |r| r.get(0))
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
pub(super) fn data_ref(conn: &Connection, data: &str) -> Result<i64> {
    let found: Option<i64> = conn
        .prepare_cached("SELECT id FROM log_data WHERE data = ?1")?
        .query_row([data], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO log_data(data) VALUES (?1)")?
        .execute([data])?;
    Ok(conn.last_insert_rowid())
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
        rusqlite::types::ValueRef::Integer(code) => Ok(usize::try_from(code)
            .ok()
            .and_then(|c| LOG_KINDS.get(c))
            .map_or_else(|| code.to_string(), |k| (*k).to_string())),
        _ => r.get(i),
    }
}

/// Records the last link of the chain, so that a deleted last entry is noticed.
pub(super) fn set_log_head(conn: &Connection, id: i64, hash: &[u8]) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![LOG_HEAD, format!("{id}:{}", chain::hex(hash))])?;
    Ok(())
}

pub fn append(conn: &Connection, ticket_id: i64, e: &NewEntry) -> Result<i64> {
    let data = serde_json::to_string(&e.event).map_err(|err| StoreError::Corrupt(err.to_string()))?;
    // The entry continues the chain from the last one (the write transaction holds the lock,
    // so nobody appends in between).
    let (last_id, previous): (i64, Vec<u8>) = conn
        .prepare_cached("SELECT id, hash FROM log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| {
            Ok((r.get(0)?, r.get::<_, Option<Vec<u8>>>(1)?.unwrap_or_default()))
        })
        .optional()?
        .unwrap_or((0, chain::GENESIS.to_vec()));
    let at = ts(e.at);
    let at_text = ts_text(at);
    let link = Link {
        id: last_id + 1,
        ticket_id,
        at: &at_text,
        author: &e.author,
        kind: e.event.kind_name(),
        data: &data,
        body: &e.body,
    };
    let hash = chain::hash(&previous, &link);
    let shared = if shares_data(link.kind) {
        Some(data_ref(conn, &data)?)
    } else {
        None
    };
    conn.prepare_cached(
        "INSERT INTO log(id, ticket_id, at, author, kind, data, body, hash, data_ref)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        link.id,
        ticket_id,
        at,
        e.author,
        kind_code(link.kind)?,
        if shared.is_some() { "" } else { data.as_str() },
        e.body,
        &hash[..],
        shared
    ])?;
    set_log_head(conn, link.id, &hash)?;
    Ok(link.id)
}

pub fn log(conn: &Connection, ticket_id: i64) -> Result<Vec<LogEntry>> {
    Ok(logs(conn, &[ticket_id])?.remove(&ticket_id).unwrap_or_default())
}

/// [`logs_with`] with a cache of its own.
pub fn logs(conn: &Connection, ticket_ids: &[i64]) -> Result<HashMap<i64, Vec<LogEntry>>> {
    logs_with(conn, ticket_ids, &mut EventCache::default())
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
    fn event(&mut self, conn: &Connection, entry_id: i64, data_ref: i64) -> Result<Option<Event>> {
        if let Some(e) = self.events.get(&data_ref) {
            return Ok(Some(e.clone()));
        }
        let data: Option<String> = conn
            .prepare_cached("SELECT data FROM log_data WHERE id = ?1")?
            .query_row([data_ref], |r| r.get(0))
            .optional()?;
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

/// A text column borrowed from its row (no copy for what is parsed at once).
fn text_at<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> Result<&'r str> {
    r.get_ref(i)?
        .as_str()
        .map_err(|e| StoreError::Corrupt(format!("log column {i}: {e}")))
}

/// The logs of several tickets in one query, each oldest first (tickets without entries are
/// absent from the map); shared entry data is parsed through `cache`. Rows come in index order (ticket, then
/// id) and each ticket's few entries are sorted here, which spares SQLite a sort of the page.
pub fn logs_with(conn: &Connection, ticket_ids: &[i64], cache: &mut EventCache) -> Result<HashMap<i64, Vec<LogEntry>>> {
    logs_read(conn, ticket_ids, cache, true)
}

/// [`logs_with`], each entry's author and body left empty unless `texts` (the SLA replay
/// reads neither: a list that only replays spares a copy of each).
pub fn logs_read(
    conn: &Connection,
    ticket_ids: &[i64],
    cache: &mut EventCache,
    texts: bool,
) -> Result<HashMap<i64, Vec<LogEntry>>> {
    let mut out: HashMap<i64, Vec<LogEntry>> = HashMap::with_capacity(ticket_ids.len());
    if ticket_ids.is_empty() {
        return Ok(out);
    }
    let marks = vec!["?"; ticket_ids.len()].join(", ");
    let (author, body) = if texts { ("author", "body") } else { ("''", "''") };
    let sql = format!(
        "SELECT id, ticket_id, at, {author}, data_ref, data, {body}
         FROM log WHERE ticket_id IN ({marks}) ORDER BY ticket_id"
    );
    // Cached: callers read in batches of one size, so the statement is prepared once.
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(ticket_ids))?;
    while let Some(r) = rows.next()? {
        let (id, ticket_id): (i64, i64) = (r.get(0)?, r.get(1)?);
        // The instant and the inline data are parsed in place; only kept texts are copied.
        let at = parse_ts(r.get(2)?)?;
        let data_ref: Option<i64> = r.get(4)?;
        let shared = match data_ref {
            Some(data_ref) => cache.event(conn, id, data_ref)?,
            None => None,
        };
        let event = match shared {
            Some(event) => event,
            None => parse_event(id, text_at(r, 5)?)?,
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
    }
    for log in out.values_mut() {
        log.sort_by_key(|e| (e.at, e.id));
    }
    Ok(out)
}

pub(super) const CLOCK_COLUMNS: &str =
    "metric, cycle, state, target, started_at, due_at, met_at, breached_at, paused_secs, remaining_secs";

pub(super) type RawClock = (
    String,
    u32,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
    Option<i64>,
);

pub(super) fn raw_clock(r: &Row<'_>, base: usize) -> rusqlite::Result<RawClock> {
    Ok((
        r.get(base)?,
        r.get(base + 1)?,
        r.get(base + 2)?,
        r.get(base + 3)?,
        r.get(base + 4)?,
        r.get(base + 5)?,
        r.get(base + 6)?,
        r.get(base + 7)?,
        r.get(base + 8)?,
        r.get(base + 9)?,
    ))
}

/// A clock row of `ticket_id`. A state that is not one of the five, or a missing remainder
/// (every write stores one), is a corrupt row.
pub(super) fn into_clock(ticket_id: i64, raw: RawClock) -> Result<Clock> {
    let (metric, cycle, state, target, started_at, due_at, met_at, breached_at, paused_secs, remaining_secs) = raw;
    let (state, remaining_secs) = checked_clock(ticket_id, &metric, &state, paused_secs, remaining_secs)?;
    Ok(Clock {
        ticket_id,
        metric,
        cycle,
        state,
        target,
        started_at: parse_ts(started_at)?,
        due_at: parse_opt_ts(due_at)?,
        met_at: parse_opt_ts(met_at)?,
        breached_at: parse_opt_ts(breached_at)?,
        paused_secs,
        remaining_secs,
    })
}

/// [`into_clock`] of the row's columns from `base` (in [`raw_clock`]'s order) into `clock`,
/// its texts' buffers reused: `list`'s table reads thousands of rows, and a new string for each
/// text of each row was a tenth of its time.
pub(super) fn read_clock_into(clock: &mut Clock, ticket_id: i64, r: &Row<'_>, base: usize) -> Result<()> {
    let text = |i: usize| -> Result<&str> { Ok(r.get_ref(base + i)?.as_str().map_err(rusqlite::Error::from)?) };
    let metric = text(0)?;
    let paused_secs: i64 = r.get(base + 8)?;
    let (state, remaining_secs) = checked_clock(ticket_id, metric, text(2)?, paused_secs, r.get(base + 9)?)?;
    clock.ticket_id = ticket_id;
    clock.metric.clear();
    clock.metric.push_str(metric);
    clock.cycle = r.get(base + 1)?;
    clock.state = state;
    clock.target.clear();
    clock.target.push_str(text(3)?);
    clock.started_at = parse_ts(r.get(base + 4)?)?;
    clock.due_at = parse_opt_ts(r.get(base + 5)?)?;
    clock.met_at = parse_opt_ts(r.get(base + 6)?)?;
    clock.breached_at = parse_opt_ts(r.get(base + 7)?)?;
    clock.paused_secs = paused_secs;
    clock.remaining_secs = remaining_secs;
    Ok(())
}

/// A stored clock's state read, and its durations bounded: the state must be one of the five,
/// the remainder present (every write stores one).
fn checked_clock(
    ticket_id: i64,
    metric: &str,
    state: &str,
    paused_secs: i64,
    remaining_secs: Option<i64>,
) -> Result<(ClockState, i64)> {
    let state: ClockState = state
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("clock state '{state}' of ticket {ticket_id} {metric}")))?;
    let remaining_secs = remaining_secs
        .ok_or_else(|| StoreError::Corrupt(format!("clock of ticket {ticket_id} {metric} without remaining_secs")))?;
    // Durations a clock can really have (a century either way); anything else was written by
    // hand and would overflow the arithmetic that reads it.
    const CENTURY: i64 = 100 * 366 * 86_400;
    if !(0..=CENTURY).contains(&paused_secs) || !(-CENTURY..=CENTURY).contains(&remaining_secs) {
        return Err(StoreError::Corrupt(format!(
            "clock of ticket {ticket_id} {metric}: paused {paused_secs} s, remaining {remaining_secs} s"
        )));
    }
    Ok((state, remaining_secs))
}

pub fn clocks(conn: &Connection, ticket_id: i64) -> Result<Vec<Clock>> {
    let sql = format!("SELECT {CLOCK_COLUMNS} FROM clocks WHERE ticket_id = ?1 ORDER BY metric, cycle");
    let raw = conn
        .prepare_cached(&sql)?
        .query_map([ticket_id], |r| raw_clock(r, 0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raw.into_iter().map(|c| into_clock(ticket_id, c)).collect()
}

pub fn replace_clocks(conn: &Connection, ticket_id: i64, clocks: &[Clock]) -> Result<()> {
    conn.prepare_cached("DELETE FROM clocks WHERE ticket_id = ?1")?
        .execute([ticket_id])?;
    // A judgement outlives the recomputed row: `judged` is read back from `reviews`, and an
    // imported breach stays out of the queue (`imported_breaches`, migration 10).
    let mut insert = conn.prepare_cached(&format!(
        "INSERT INTO clocks(ticket_id, {CLOCK_COLUMNS}, judged) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
             CASE WHEN EXISTS (SELECT 1 FROM reviews r WHERE r.ticket_id = ?1 AND r.metric = ?2 AND r.cycle = ?3) THEN 1
                  WHEN EXISTS (SELECT 1 FROM imported_breaches i WHERE i.ticket_id = ?1 AND i.metric = ?2 AND i.cycle = ?3)
                  THEN {JUDGED_IMPORTED} ELSE 0 END)"
    ))?;
    for c in clocks {
        insert.execute(params![
            ticket_id,
            c.metric,
            c.cycle,
            c.state.slug(),
            c.target,
            ts(c.started_at),
            c.due_at.map(ts),
            c.met_at.map(ts),
            c.breached_at.map(ts),
            c.paused_secs,
            c.remaining_secs,
        ])?;
    }
    Ok(())
}

/// Tickets whose clocks can still change: open or waiting, or with a clock still running
/// (a resolved ticket's clock that stops only at close).
pub fn ticket_ids_with_live_clocks(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM tickets WHERE status IN ('open', 'waiting')
         UNION SELECT ticket_id FROM clocks WHERE met_at IS NULL ORDER BY 1",
    )?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

#[cfg(test)]
mod clock_rows {
    use super::*;

    fn raw(state: &str, remaining: Option<i64>) -> RawClock {
        (
            "resolution".into(),
            1,
            state.into(),
            "3d".into(),
            1_772_442_000,
            Some(1_772_733_600),
            None,
            None,
            0,
            remaining,
        )
    }

    #[test]
    fn a_clock_row_reads_into_the_domain_clock() {
        let c = into_clock(7, raw("warning", Some(600))).unwrap();
        assert_eq!((c.ticket_id, c.state, c.remaining_secs), (7, ClockState::Warning, 600));
    }

    #[test]
    fn a_bad_stored_state_or_a_missing_remainder_is_corrupt_not_a_panic() {
        assert!(matches!(
            into_clock(7, raw("late", Some(0))),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            into_clock(7, raw("running", None)),
            Err(StoreError::Corrupt(_))
        ));
    }
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

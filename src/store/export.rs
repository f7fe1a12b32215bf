//! The reads behind `promptly export`: the tickets a query matches in id order, a page at a
//! time after the last id seen (keyset paging: each page is one index range, however far in),
//! and the customers of those tickets in id order.

use super::rows::{TICKET_COLUMNS, into_ticket, parse_ts, raw_ticket, ts};
use super::{Result, StoreError};
use crate::domain::listing::ExportQuery;
use crate::domain::log::{Event, LogEntry};
use crate::domain::ticket::{Customer, Status, Ticket};
use rusqlite::{Connection, OptionalExtension, params_from_iter, types::Value};
use std::collections::HashMap;

/// The conditions of `q` on tickets `t` joined to customers `c`, as " AND ..." clauses with
/// their arguments.
fn filters(q: &ExportQuery) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut args = Vec::new();
    let l = &q.list;
    if !l.statuses.is_empty() {
        let marks = vec!["?"; l.statuses.len()].join(", ");
        sql.push_str(&format!(" AND t.status IN ({marks})"));
        args.extend(l.statuses.iter().map(|s: &Status| Value::Text(s.slug().to_string())));
    }
    if let Some(before) = l.due_before {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM clocks d WHERE d.ticket_id = t.id AND d.met_at IS NULL AND d.due_at <= ?)",
        );
        args.push(Value::Text(ts(before)));
    }
    if let Some(text) = l.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        sql.push_str(" AND (instr(lower(t.title), lower(?)) OR instr(lower(c.name), lower(?)) OR instr(lower(t.reference), lower(?)))");
        for _ in 0..3 {
            args.push(Value::Text(text.to_string()));
        }
    }
    if let Some(since) = q.opened_since {
        sql.push_str(" AND t.opened_at >= ?");
        args.push(Value::Text(ts(since)));
    }
    if let Some(before) = q.opened_before {
        sql.push_str(" AND t.opened_at < ?");
        args.push(Value::Text(ts(before)));
    }
    (sql, args)
}

/// Up to `limit` tickets of `q` with ids above `after`, in id order, each with its customer's
/// key and the external id it was imported under (none for a ticket made here).
pub fn page(
    conn: &Connection,
    q: &ExportQuery,
    after: i64,
    limit: usize,
) -> Result<Vec<(Ticket, i64, Option<String>)>> {
    let (conditions, mut args) = filters(q);
    let sql = format!(
        "SELECT {TICKET_COLUMNS}, t.customer_id, t.external_id FROM tickets t JOIN customers c ON c.id = t.customer_id
         WHERE t.id > ?{conditions} ORDER BY t.id LIMIT {limit}"
    );
    args.insert(0, Value::Integer(after));
    let raw = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(args), |r| {
            Ok((raw_ticket(r, 0)?, r.get::<_, i64>(18)?, r.get::<_, Option<String>>(19)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raw.into_iter()
        .map(|(t, customer, external)| Ok((into_ticket(t)?, customer, external)))
        .collect()
}

/// How many tickets `q` matches (for a progress bar).
pub fn count(conn: &Connection, q: &ExportQuery) -> Result<u64> {
    let (conditions, args) = filters(q);
    let sql = format!("SELECT count(*) FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE 1{conditions}");
    let n: i64 = conn
        .prepare_cached(&sql)?
        .query_row(params_from_iter(args), |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Up to `limit` customers with ids above `after` who have a ticket `q` matches, in id order.
pub fn customers(conn: &Connection, q: &ExportQuery, after: i64, limit: usize) -> Result<Vec<(i64, Customer)>> {
    let (conditions, mut args) = filters(q);
    let sql = format!(
        "SELECT c.id, c.name, c.phone, c.email FROM customers c WHERE c.id > ? AND EXISTS
           (SELECT 1 FROM tickets t WHERE t.customer_id = c.id{conditions})
         ORDER BY c.id LIMIT {limit}"
    );
    args.insert(0, Value::Integer(after));
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(args), |r| {
            Ok((
                r.get(0)?,
                Customer {
                    name: r.get(1)?,
                    phone: r.get(2)?,
                    email: r.get(3)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The entry data an export has parsed, by `log_data` id: a million tickets share a few
/// thousand texts, so each is parsed once instead of once an entry. Bounded: emptied when full.
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

/// One log row as read: the reference to shared data, if any, and the inline data.
type RawEntry = (i64, i64, String, String, Option<i64>, String, String);

/// The logs of `ticket_ids` (the tickets of one page), each oldest first as `rows::logs` has
/// them; shared entry data is parsed through `cache`. Rows come in index order (ticket, then
/// id) and each ticket's few entries are sorted here, which spares SQLite a sort of the page.
pub fn logs(conn: &Connection, ticket_ids: &[i64], cache: &mut EventCache) -> Result<HashMap<i64, Vec<LogEntry>>> {
    let mut out: HashMap<i64, Vec<LogEntry>> = HashMap::with_capacity(ticket_ids.len());
    if ticket_ids.is_empty() {
        return Ok(out);
    }
    let marks = vec!["?"; ticket_ids.len()].join(", ");
    let sql = format!(
        "SELECT id, ticket_id, at, author, data_ref, data, body
         FROM log WHERE ticket_id IN ({marks}) ORDER BY ticket_id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(ticket_ids))?;
    while let Some(r) = rows.next()? {
        let raw: RawEntry = (
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
        );
        let (id, ticket_id, at, author, data_ref, data, body) = raw;
        let shared = match data_ref {
            Some(data_ref) => cache.event(conn, id, data_ref)?,
            None => None,
        };
        let event = match shared {
            Some(event) => event,
            None => parse_event(id, &data)?,
        };
        // A ticket has a dozen entries or so: one allocation for most.
        out.entry(ticket_id)
            .or_insert_with(|| Vec::with_capacity(16))
            .push(LogEntry {
                id,
                ticket_id,
                at: parse_ts(&at)?,
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

//! The reads behind `promptly export`: the tickets a query matches in id order, a page at a
//! time after the last id seen (keyset paging: each page is one index range, however far in),
//! and the customers of those tickets in id order.

use super::Result;
use super::rows::{TICKET_COLUMNS, TICKET_WIDTH, into_ticket, raw_ticket, ts};
use crate::domain::listing::ExportQuery;
use crate::domain::ticket::{Customer, Status, Ticket};
use rusqlite::{Connection, params_from_iter, types::Value};

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
        args.push(Value::Integer(ts(before)));
    }
    if let Some(text) = l.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        sql.push_str(" AND (instr(lower(t.title), lower(?)) OR instr(lower(c.name), lower(?)) OR instr(lower(t.reference), lower(?)))");
        for _ in 0..3 {
            args.push(Value::Text(text.to_string()));
        }
    }
    if let Some(owner) = &l.owner {
        sql.push_str(" AND t.owner = ?");
        args.push(Value::Text(owner.clone()));
    }
    if let Some(since) = q.opened_since {
        sql.push_str(" AND t.opened_at >= ?");
        args.push(Value::Integer(ts(since)));
    }
    if let Some(before) = q.opened_before {
        sql.push_str(" AND t.opened_at < ?");
        args.push(Value::Integer(ts(before)));
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
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    let mut page = Vec::with_capacity(limit);
    while let Some(r) = rows.next()? {
        page.push((
            into_ticket(raw_ticket(r, 0)?)?,
            r.get::<_, i64>(TICKET_WIDTH)?,
            r.get::<_, Option<String>>(TICKET_WIDTH + 1)?,
        ));
    }
    Ok(page)
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

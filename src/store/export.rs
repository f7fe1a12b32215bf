//! The reads behind `promptly export`: the tickets a query matches in id order, a page at a
//! time after the last id seen (keyset paging: each page is one index range, however far in),
//! and the customers of those tickets in id order. On both backends: the same SQL but where
//! the dialects part (text search, `listing::filters`; an always-true condition).

use super::Result;
use super::db::Db;
use super::listing::{Built, TICKET_SEARCHED, filter_owner, filter_statuses, filter_text};
use super::rows::{TICKET_COLUMNS, TICKET_WIDTH, into_ticket, raw_ticket, ts};
use crate::domain::listing::ExportQuery;
use crate::domain::ticket::{Customer, Ticket};

/// The conditions of `q` on tickets `t` joined to customers `c`, as " AND ..." clauses with
/// their arguments, added to `b`.
fn filters<'q>(db: Db, b: &mut Built<'q>, q: &'q ExportQuery) {
    let l = &q.list;
    filter_statuses(b, &l.statuses, "t.status");
    if let Some(before) = l.due_before {
        b.push(" AND EXISTS (SELECT 1 FROM clocks d WHERE d.ticket_id = t.id AND d.met_at IS NULL AND d.due_at <= ")
            .bind(ts(before))
            .push(")");
    }
    filter_text(db, b, l, TICKET_SEARCHED);
    filter_owner(b, l);
    if let Some(since) = q.opened_since {
        b.push(" AND t.opened_at >= ").bind(ts(since));
    }
    if let Some(before) = q.opened_before {
        b.push(" AND t.opened_at < ").bind(ts(before));
    }
}

/// Up to `limit` tickets of `q` with ids above `after`, in id order, each with its customer's
/// key and the external id it was imported under (none for a ticket made here).
pub fn page(db: Db, q: &ExportQuery, after: i64, limit: usize) -> Result<Vec<(Ticket, i64, Option<String>)>> {
    let mut b = Built::new(format!(
        "SELECT {TICKET_COLUMNS}, t.customer_id, t.external_id FROM tickets t JOIN customers c ON c.id = t.customer_id
         WHERE t.id > "
    ));
    b.bind(after);
    filters(db, &mut b, q);
    b.push(&format!(" ORDER BY t.id LIMIT {limit}"));
    let mut page = Vec::with_capacity(limit);
    db.for_each_row(&b.sql, &b.args, |r| {
        page.push((
            into_ticket(raw_ticket(r, 0)?)?,
            r.get::<i64>(TICKET_WIDTH)?,
            r.get::<Option<String>>(TICKET_WIDTH + 1)?,
        ));
        Ok(())
    })?;
    Ok(page)
}

/// How many tickets `q` matches (for a progress bar).
pub fn count(db: Db, q: &ExportQuery) -> Result<u64> {
    // PostgreSQL's WHERE takes a boolean, not 1.
    let mut b = Built::new(format!(
        "SELECT count(*) FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE {}",
        db.pick("1", "TRUE")
    ));
    filters(db, &mut b, q);
    let n: i64 = db.query_row(&b.sql, &b.args, |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Up to `limit` customers with ids above `after` who have a ticket `q` matches, in id order.
pub fn customers(db: Db, q: &ExportQuery, after: i64, limit: usize) -> Result<Vec<(i64, Customer)>> {
    let mut b = Built::new("SELECT c.id, c.name, c.phone, c.email FROM customers c WHERE c.id > ");
    b.bind(after)
        .push(" AND EXISTS\n           (SELECT 1 FROM tickets t WHERE t.customer_id = c.id");
    filters(db, &mut b, q);
    b.push(&format!(")\n         ORDER BY c.id LIMIT {limit}"));
    db.query_map(&b.sql, &b.args, |r| {
        Ok((
            r.get(0)?,
            Customer {
                name: r.get(1)?,
                phone: r.get(2)?,
                email: r.get(3)?,
            },
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_query_is_numbered_placeholders_with_its_values_in_order() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let q = ExportQuery {
            list: crate::domain::listing::ListQuery {
                statuses: vec![crate::domain::ticket::Status::Open],
                text: Some(" kettle ".into()),
                owner: Some("li".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let mut b = Built::new("WHERE t.id > ");
        b.bind(0i64);
        filters(Db::Sqlite(&conn), &mut b, &q);
        assert_eq!(
            b.sql,
            "WHERE t.id > ?1 AND t.status IN (?2) AND (instr(lower(t.title), lower(?3)) \
             OR instr(lower(c.name), lower(?3)) OR instr(lower(t.reference), lower(?3))) AND t.owner = ?4"
        );
        assert_eq!(b.args.len(), 4);
    }
}

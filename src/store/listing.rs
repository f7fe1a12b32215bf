//! The reads behind `list` and the board: tickets in list order (most urgent first) with
//! their nearest unmet clock, and the header's counts. Each reads only what is shown.

use super::Result;
use super::rows::{
    TICKET_COLUMNS, TICKET_WIDTH, into_clock, into_ticket, parse_word, raw_clock, raw_ticket, read_clock_into, ts,
};
use crate::domain::listing::{ListQuery, ListRow, TicketSummary};
use crate::domain::sla::{Clock, ClockState};
use crate::domain::ticket::{Priority, Status};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params_from_iter, types::Value};
use std::collections::{HashMap, HashSet};

/// The nearest unmet clock of ticket `t` as `n` (earliest deadline; paused clocks after running
/// ones), looked up per ticket through the running clocks' index by ticket.
const NEAREST_JOIN: &str = "LEFT JOIN clocks n ON n.ticket_id = t.id AND n.met_at IS NULL
     AND (n.metric, n.cycle) = (SELECT metric, cycle FROM clocks WHERE ticket_id = t.id AND met_at IS NULL
                                ORDER BY due_at IS NULL, due_at, metric, cycle LIMIT 1)";

/// The sort key of a ticket's priority: urgent first (on the same deadline, issue 12 item 6).
const PRIORITY_RANK: &str = "CASE t.priority WHEN 'urgent' THEN 0 WHEN 'important' THEN 1 ELSE 2 END";

/// The ids `q` lists that have no running deadline (only paused clocks, or none), in list
/// order (those with a paused clock first, by priority then older first; then those without a
/// clock, newest first), up to `limit`: what follows
/// [`visit_due`]'s pass in a list without a deadline filter.
pub fn list_ids_without_deadline(conn: &Connection, q: &ListQuery, limit: Option<usize>) -> Result<Vec<i64>> {
    let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let customers = if text.is_some() {
        "JOIN customers c ON c.id = t.customer_id"
    } else {
        ""
    };
    let mut sql = format!(
        "SELECT t.id, NOT EXISTS (SELECT 1 FROM clocks r WHERE r.ticket_id = t.id AND r.met_at IS NULL) AS idle
         FROM tickets t {customers} WHERE NOT EXISTS
             (SELECT 1 FROM clocks d WHERE d.ticket_id = t.id AND d.met_at IS NULL AND d.due_at IS NOT NULL)"
    );
    let mut args: Vec<Value> = Vec::new();
    if !q.statuses.is_empty() {
        let marks = vec!["?"; q.statuses.len()].join(", ");
        sql.push_str(&format!(" AND t.status IN ({marks})"));
        args.extend(q.statuses.iter().map(|s: &Status| Value::Text(s.slug().to_string())));
    }
    if let Some(owner) = &q.owner {
        sql.push_str(" AND t.owner = ?");
        args.push(Value::Text(owner.clone()));
    }
    if let Some(text) = text {
        sql.push_str(" AND (instr(lower(t.title), lower(?)) OR instr(lower(c.name), lower(?)) OR instr(lower(t.reference), lower(?)))");
        for _ in 0..3 {
            args.push(Value::Text(text.to_string()));
        }
    }
    // Paused tickets first (by priority, then older first, as ties of a deadline go), then
    // those without a clock newest first (a limited "all" list drops the oldest history).
    sql.push_str(&format!(
        " ORDER BY idle, CASE WHEN idle THEN NULL ELSE {PRIORITY_RANK} END,
                   CASE WHEN idle THEN NULL ELSE t.opened_at END, CASE WHEN idle THEN -t.id ELSE t.id END"
    ));
    if let Some(limit) = limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    let ids = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(args), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// The tickets `q` lists, most urgent first, handed to `visit` as they are read until it
/// returns false: those with a running deadline from `nearest_deadlines` ([`visit_due`]);
/// then, without a deadline filter, the rest (paused or without clocks) read [`LIST_PAGE`] at
/// a time. Nothing is sorted but ids without a deadline.
pub fn visit_list(conn: &Connection, q: &ListQuery, mut visit: impl FnMut(TicketSummary) -> bool) -> Result<()> {
    let mut count = 0;
    let mut going = true;
    visit_due(conn, q, q.due_before, |row| {
        count += 1;
        going = visit(row);
        going
    })?;
    if going && q.due_before.is_none() {
        visit_without_deadline(conn, q, count, visit)?;
    }
    Ok(())
}

/// [`visit_list`] as `list`'s table shows it: the rows with a deadline are read from
/// `nearest_deadlines` alone (no ticket or customer row), the rest from their tickets.
pub fn visit_rows(conn: &Connection, q: &ListQuery, mut visit: impl FnMut(&ListRow) -> bool) -> Result<()> {
    let mut count = 0;
    let mut going = true;
    visit_due_rows(conn, q, q.due_before, |row| {
        count += 1;
        going = visit(row);
        going
    })?;
    if going && q.due_before.is_none() {
        visit_without_deadline(conn, q, count, |s| visit(&s.into()))?;
    }
    Ok(())
}

/// What follows the deadlines in a list without a deadline filter, after `count` rows were
/// listed: the tickets without a running deadline, [`LIST_PAGE`] at a time.
fn visit_without_deadline(
    conn: &Connection,
    q: &ListQuery,
    count: usize,
    mut visit: impl FnMut(TicketSummary) -> bool,
) -> Result<()> {
    let limit = q.limit.map(|l| l.saturating_sub(count));
    if limit == Some(0) {
        return Ok(());
    }
    let ids = list_ids_without_deadline(conn, q, limit)?;
    for page in ids.chunks(LIST_PAGE) {
        for row in summaries(conn, page)? {
            if !visit(row) {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// The tickets `ids` with their nearest unmet clock, in the order given (ids not found are
/// left out).
pub fn summaries(conn: &Connection, ids: &[i64]) -> Result<Vec<TicketSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {TICKET_COLUMNS}, n.metric, n.cycle, n.state, n.target, n.started_at, n.due_at, n.met_at,
                n.breached_at, n.paused_secs, n.remaining_secs
         FROM tickets t JOIN customers c ON c.id = t.customer_id {NEAREST_JOIN} WHERE t.id IN {ID_LIST}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([id_list(ids)])?;
    let mut found = HashMap::with_capacity(ids.len());
    while let Some(r) = rows.next()? {
        let ticket = into_ticket(raw_ticket(r, 0)?)?;
        let nearest = match r.get::<_, Option<String>>(TICKET_WIDTH)? {
            Some(_) => Some(into_clock(ticket.id, raw_clock(r, TICKET_WIDTH)?)?),
            None => None,
        };
        found.insert(ticket.id, TicketSummary { ticket, nearest });
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The tickets `q` lists with a running deadline due by `before` (`None`: every one, which is
/// how the full list starts), most urgent first, handed to `visit` as they are read; `visit`
/// returns false to stop. The rows of [`visit_due_rows`], each with its whole ticket read by
/// key [`LIST_PAGE`] at a time (a short list, the board's first page, reads no more).
pub fn visit_due(
    conn: &Connection,
    q: &ListQuery,
    before: Option<DateTime<Utc>>,
    mut visit: impl FnMut(TicketSummary) -> bool,
) -> Result<()> {
    let page_size = LIST_PAGE.min(q.limit.unwrap_or(LIST_PAGE)).max(1);
    let mut page: Vec<ListRow> = Vec::with_capacity(page_size);
    let mut going = true;
    let mut failed = None;
    visit_due_rows(conn, q, before, |row| {
        page.push(row.clone());
        if page.len() == page_size {
            match visit_page(conn, &mut page, &mut visit) {
                Ok(more) => going = more,
                Err(e) => failed = Some(e),
            }
        }
        going && failed.is_none()
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    if going {
        visit_page(conn, &mut page, &mut visit)?;
    }
    Ok(())
}

/// Hands the rows of `page` to `visit` with their whole tickets, in order; empties `page`.
/// False once `visit` said stop.
fn visit_page(
    conn: &Connection,
    page: &mut Vec<ListRow>,
    visit: &mut impl FnMut(TicketSummary) -> bool,
) -> Result<bool> {
    if page.is_empty() {
        return Ok(true);
    }
    let ids: Vec<i64> = page.iter().map(|r| r.id).collect();
    let sql = format!(
        "SELECT {TICKET_COLUMNS} FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id IN {ID_LIST}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([id_list(&ids)])?;
    // Sized once: a map grown from an iterator of results rehashed several times per page.
    let mut tickets = HashMap::with_capacity(ids.len());
    while let Some(r) = rows.next()? {
        let ticket = into_ticket(raw_ticket(r, 0)?)?;
        tickets.insert(ticket.id, ticket);
    }
    for row in page.drain(..) {
        if let Some(ticket) = tickets.remove(&row.id)
            && !visit(TicketSummary {
                ticket,
                nearest: row.nearest,
            })
        {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The list's rows with a running deadline due by `before` that `q` lists, most urgent first,
/// handed to `visit` until it returns false: one pass over `nearest_deadlines` (migration 13)
/// in its key's order (deadline, then urgent before important before normal, then the older
/// ticket, then the id), stopping at the bound; nothing is sorted and no other row is read
/// unless `q` searches text (the order reference is only in the ticket).
pub fn visit_due_rows(
    conn: &Connection,
    q: &ListQuery,
    before: Option<DateTime<Utc>>,
    mut visit: impl FnMut(&ListRow) -> bool,
) -> Result<()> {
    let (sql, args) = due_sql(q, before);
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    let mut left = q.limit.unwrap_or(usize::MAX);
    // One row filled again for each: its texts' buffers are reused (see `read_clock_into`).
    let mut row = blank_row();
    while left > 0
        && let Some(r) = rows.next()?
    {
        let id: i64 = r.get(0)?;
        let text = |i: usize| -> Result<&str> { Ok(r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)?) };
        row.id = id;
        row.priority = parse_word(text(1)?)?;
        row.status = parse_word(text(2)?)?;
        for (cell, i) in [
            (&mut row.title, 3),
            (&mut row.customer_name, 4),
            (&mut row.customer_phone, 5),
        ] {
            cell.clear();
            cell.push_str(text(i)?);
        }
        let clock = row.nearest.get_or_insert_with(blank_clock);
        read_clock_into(clock, id, r, 6)?;
        left -= 1;
        if !visit(&row) {
            break;
        }
    }
    Ok(())
}

/// The row [`visit_due_rows`] fills in place, before its first fill.
fn blank_row() -> ListRow {
    ListRow {
        id: 0,
        priority: Priority::Normal,
        status: Status::Open,
        title: String::new(),
        customer_name: String::new(),
        customer_phone: String::new(),
        nearest: Some(blank_clock()),
    }
}

fn blank_clock() -> Clock {
    Clock {
        ticket_id: 0,
        metric: String::new(),
        cycle: 0,
        state: ClockState::Running,
        target: String::new(),
        started_at: DateTime::UNIX_EPOCH,
        due_at: None,
        met_at: None,
        breached_at: None,
        paused_secs: 0,
        remaining_secs: 0,
    }
}

/// SQLite's plan for [`visit_due_rows`]'s pass over the deadlines (its "detail" lines), so a
/// test can see the indexes.
pub fn due_plan(conn: &Connection, q: &ListQuery, before: Option<DateTime<Utc>>) -> Result<String> {
    let (sql, args) = due_sql(q, before);
    let lines = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?
        .query_map(params_from_iter(args), |r| r.get::<_, String>(3))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(lines.join("\n"))
}

/// The rows of `nearest_deadlines` due by `before` that `q` lists, in its key's order. The
/// clock's columns come in [`raw_clock`]'s order from column 6 (`met_at` is NULL: the clock runs).
fn due_sql(q: &ListQuery, before: Option<DateTime<Utc>>) -> (String, Vec<Value>) {
    let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    // CROSS: the deadlines lead, each ticket is read by its key (only to search the order
    // reference or to check the owner: the plain list reads no ticket row).
    let tickets = if text.is_some() || q.owner.is_some() {
        "CROSS JOIN tickets t ON t.id = d.ticket_id"
    } else {
        ""
    };
    let mut sql = format!(
        "SELECT d.ticket_id, d.priority, d.status, d.title, d.customer_name, d.customer_phone,
                d.metric, d.cycle, d.state, d.target, d.started_at, d.due_at, NULL, d.breached_at,
                d.paused_secs, d.remaining_secs
         FROM nearest_deadlines d {tickets} WHERE d.due_at <= ?"
    );
    // No bound: every running deadline.
    let mut args = vec![Value::Integer(before.map_or(i64::MAX, ts))];
    if !q.statuses.is_empty() {
        let marks = vec!["?"; q.statuses.len()].join(", ");
        sql.push_str(&format!(" AND d.status IN ({marks})"));
        args.extend(q.statuses.iter().map(|s: &Status| Value::Text(s.slug().to_string())));
    }
    if let Some(owner) = &q.owner {
        sql.push_str(" AND t.owner = ?");
        args.push(Value::Text(owner.clone()));
    }
    if let Some(text) = text {
        sql.push_str(
            " AND (instr(lower(d.title), lower(?)) OR instr(lower(d.customer_name), lower(?))
                   OR instr(lower(t.reference), lower(?)))",
        );
        for _ in 0..3 {
            args.push(Value::Text(text.to_string()));
        }
    }
    sql.push_str(" ORDER BY d.due_at, d.rank, d.opened_at, d.ticket_id");
    (sql, args)
}

/// The nearest running deadline of each ticket with one of `statuses`, most urgent first,
/// handed to `visit`, for the board's header: the ids with those statuses from the status
/// index, then one pass over the running clocks' covering index (no ticket, customer or clock
/// row is read; a join checked the status index twice per clock, most of the board's start).
pub fn visit_nearest_deadlines(conn: &Connection, statuses: &[Status], mut visit: impl FnMut(Clock)) -> Result<()> {
    let marks = vec!["?"; statuses.len().max(1)].join(", ");
    let active = conn
        .prepare_cached(&format!(
            "SELECT id FROM tickets INDEXED BY tickets_status WHERE status IN ({marks})"
        ))?
        .query_map(params_from_iter(statuses.iter().map(|s| s.slug())), |r| {
            r.get::<_, i64>(0)
        })?
        .collect::<rusqlite::Result<HashSet<i64>>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT n.ticket_id, n.metric, n.cycle, n.state, n.target, n.started_at, n.due_at, n.met_at, n.breached_at,
                n.paused_secs, n.remaining_secs
         FROM clocks n INDEXED BY clocks_running_due
         WHERE n.met_at IS NULL AND n.due_at IS NOT NULL
         ORDER BY n.due_at, n.ticket_id DESC, n.metric, n.cycle",
    )?;
    let mut rows = stmt.query([])?;
    let mut seen = HashSet::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if active.contains(&id) && seen.insert(id) {
            visit(into_clock(id, raw_clock(r, 1)?)?);
        }
    }
    Ok(())
}

/// How many tickets have each of `statuses`, in that order: one range of the status index each.
pub fn status_counts(conn: &Connection, statuses: &[Status]) -> Result<Vec<usize>> {
    let mut stmt = conn.prepare_cached("SELECT count(*) FROM tickets WHERE status = ?1")?;
    statuses
        .iter()
        .map(|s| {
            let n: i64 = stmt.query_row([s.slug()], |r| r.get(0))?;
            Ok(usize::try_from(n).unwrap_or(0))
        })
        .collect()
}

/// Tickets `q` lists with their nearest unmet clock, most urgent first.
pub fn list(conn: &Connection, q: &ListQuery) -> Result<Vec<TicketSummary>> {
    let mut out = Vec::new();
    visit_list(conn, q, |row| {
        out.push(row);
        true
    })?;
    Ok(out)
}

/// How many listed tickets one read of [`summaries`] fetches (well under SQLite's limit on
/// bound parameters).
pub const LIST_PAGE: usize = 500;

/// `IN` over the ids of [`id_list`]: one statement text whatever the number of ids, so it is
/// prepared once per command (a list of marks was parsed again for every page).
const ID_LIST: &str = "(SELECT value FROM json_each(?1))";

/// Ticket ids as the JSON array [`ID_LIST`] reads.
fn id_list(ids: &[i64]) -> String {
    let mut out = String::with_capacity(ids.len() * 8 + 2);
    out.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push(']');
    out
}

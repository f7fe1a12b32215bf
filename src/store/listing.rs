//! The reads behind `list` and the board: tickets in list order (most urgent first) with
//! their nearest unmet clock, and the header's counts. Each reads only what is shown.

use super::Result;
use super::rows::{TICKET_COLUMNS, into_clock, into_ticket, raw_clock, raw_ticket, ts};
use crate::domain::listing::{ListQuery, TicketSummary};
use crate::domain::sla::Clock;
use crate::domain::ticket::{Priority, Status, Ticket};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params_from_iter, types::Value};
use std::collections::{HashMap, HashSet};

/// The nearest unmet clock of ticket `t` as `n` (earliest deadline; paused clocks after running
/// ones), looked up per ticket through the running clocks' index by ticket.
const NEAREST_JOIN: &str = "LEFT JOIN clocks n ON n.ticket_id = t.id AND n.met_at IS NULL
     AND (n.metric, n.cycle) = (SELECT metric, cycle FROM clocks WHERE ticket_id = t.id AND met_at IS NULL
                                ORDER BY coalesce(due_at, '~'), metric, cycle LIMIT 1)";

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
/// returns false: those with a running deadline in one pass over the deadlines
/// ([`visit_due`]); then, without a deadline filter, the rest (paused or without clocks) read
/// [`LIST_PAGE`] at a time. Nothing is sorted but ids without a deadline.
pub fn visit_list(conn: &Connection, q: &ListQuery, mut visit: impl FnMut(TicketSummary) -> bool) -> Result<()> {
    let mut count = 0;
    let mut going = true;
    visit_due(conn, q, q.due_before, |row| {
        count += 1;
        going = visit(row);
        going
    })?;
    if !going || q.due_before.is_some() {
        return Ok(());
    }
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
    let raw = stmt
        .query_map([id_list(ids)], |r| {
            let ticket = raw_ticket(r, 0)?;
            let clock = match r.get::<_, Option<String>>(18)? {
                Some(_) => Some(raw_clock(r, 18)?),
                None => None,
            };
            Ok((ticket, clock))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut found = HashMap::with_capacity(raw.len());
    for (t, c) in raw {
        let ticket = into_ticket(t)?;
        let nearest = c.map(|c| into_clock(ticket.id, c)).transpose()?;
        found.insert(ticket.id, TicketSummary { ticket, nearest });
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The tickets `q` lists when it has a deadline filter (`--overdue`, `--due-within`; `None`:
/// every ticket with a running deadline, which is how the full list starts), most urgent
/// first, handed to `visit` as they are read; `visit` returns false to stop. One pass over the
/// running clocks' covering index in deadline order (only the clocks due before the bound)
/// keeps each ticket's first clock, its nearest; then the tickets and customers of those
/// clocks are read by key [`LIST_PAGE`] at a time (never the same ticket twice: a ticket late
/// on two clocks was read twice), and each deadline's ties ordered by priority and age.
pub fn visit_due(
    conn: &Connection,
    q: &ListQuery,
    before: Option<DateTime<Utc>>,
    mut visit: impl FnMut(TicketSummary) -> bool,
) -> Result<()> {
    let (sql, args) = due_sql(before);
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    let mut seen = HashSet::with_capacity(LIST_PAGE * 8);
    let mut page: Vec<Clock> = Vec::with_capacity(LIST_PAGE);
    let mut left = q.limit.unwrap_or(usize::MAX);
    while left > 0
        && let Some(r) = rows.next()?
    {
        let id: i64 = r.get(0)?;
        if !seen.insert(id) {
            continue;
        }
        let clock = into_clock(id, raw_clock(r, 1)?)?;
        // A page ends with a whole deadline, so its ties are ordered together.
        // A short list (the board's first page) asks for no more tickets than it shows.
        if page.len() >= LIST_PAGE.min(left)
            && page.last().is_some_and(|c| c.due_at != clock.due_at)
            && !visit_page(conn, q, &mut page, &mut left, &mut visit)?
        {
            return Ok(());
        }
        page.push(clock);
    }
    visit_page(conn, q, &mut page, &mut left, &mut visit)?;
    Ok(())
}

/// Hands the tickets of `page` (nearest clocks in deadline order) that `q` lists to `visit`,
/// each deadline's ties urgent before important before normal, then the older ticket first,
/// at most `left` of them; empties `page`. False once `visit` said stop.
fn visit_page(
    conn: &Connection,
    q: &ListQuery,
    page: &mut Vec<Clock>,
    left: &mut usize,
    visit: &mut impl FnMut(TicketSummary) -> bool,
) -> Result<bool> {
    if page.is_empty() || *left == 0 {
        return Ok(true);
    }
    let mut tickets = tickets_by_id(conn, q, page)?;
    let mut listed: Vec<TicketSummary> = page
        .drain(..)
        .filter_map(|c| {
            tickets.remove(&c.ticket_id).map(|ticket| TicketSummary {
                ticket,
                nearest: Some(c),
            })
        })
        .collect();
    // Stable, and the page is in deadline order: only ties of one deadline move.
    listed.sort_by_key(|s| {
        (
            s.nearest.as_ref().and_then(|c| c.due_at),
            priority_rank(s.ticket.priority),
            s.ticket.opened_at,
            s.ticket.id,
        )
    });
    for row in listed {
        if *left == 0 {
            break;
        }
        *left -= 1;
        if !visit(row) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The tickets of `clocks` that `q` lists (its statuses and text), by id.
fn tickets_by_id(conn: &Connection, q: &ListQuery, clocks: &[Clock]) -> Result<HashMap<i64, Ticket>> {
    let ids: Vec<i64> = clocks.iter().map(|c| c.ticket_id).collect();
    let mut sql = format!(
        "SELECT {TICKET_COLUMNS} FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id IN {ID_LIST}"
    );
    let mut args: Vec<Value> = vec![Value::Text(id_list(&ids))];
    if !q.statuses.is_empty() {
        let marks = vec!["?"; q.statuses.len()].join(", ");
        // `+`: each ticket by its key, not through the status index and then its key.
        sql.push_str(&format!(" AND +t.status IN ({marks})"));
        args.extend(q.statuses.iter().map(|s: &Status| Value::Text(s.slug().to_string())));
    }
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        sql.push_str(" AND (instr(lower(t.title), lower(?)) OR instr(lower(c.name), lower(?)) OR instr(lower(t.reference), lower(?)))");
        for _ in 0..3 {
            args.push(Value::Text(text.to_string()));
        }
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    // Sized once: a map grown from an iterator of results rehashed several times per page.
    let mut tickets = HashMap::with_capacity(clocks.len());
    while let Some(r) = rows.next()? {
        let ticket = into_ticket(raw_ticket(r, 0)?)?;
        tickets.insert(ticket.id, ticket);
    }
    Ok(tickets)
}

/// The sort key of a ticket's priority, as [`PRIORITY_RANK`] has it in SQL.
fn priority_rank(p: Priority) -> u8 {
    match p {
        Priority::Urgent => 0,
        Priority::Important => 1,
        Priority::Normal => 2,
    }
}

/// SQLite's plan for [`visit_due`]'s pass over the deadlines (its "detail" lines), so a test
/// can see the indexes.
pub fn due_plan(conn: &Connection, _q: &ListQuery, before: Option<DateTime<Utc>>) -> Result<String> {
    let (sql, args) = due_sql(before);
    let lines = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?
        .query_map(params_from_iter(args), |r| r.get::<_, String>(3))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(lines.join("\n"))
}

/// The running clocks due before `before`, in the covering index's order: deadline, then
/// ticket, metric and cycle, so a ticket's first clock is its nearest (as `NEAREST_JOIN` has it).
fn due_sql(before: Option<DateTime<Utc>>) -> (String, Vec<Value>) {
    let sql = "SELECT n.ticket_id, n.metric, n.cycle, n.state, n.target, n.started_at, n.due_at, n.met_at,
                n.breached_at, n.paused_secs, n.remaining_secs
         FROM clocks n INDEXED BY clocks_running_due
         WHERE n.met_at IS NULL AND n.due_at <= ?
         ORDER BY n.due_at, n.ticket_id, n.metric, n.cycle"
        .to_string();
    // No bound: every running clock with a deadline (text order puts '~' after any instant).
    (sql, vec![Value::Text(before.map_or_else(|| "~".to_string(), ts))])
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
         WHERE n.met_at IS NULL AND n.due_at <= '~'
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

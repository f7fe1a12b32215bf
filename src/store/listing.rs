//! The reads behind `list` and the board: tickets in list order (most urgent first) with
//! their nearest unmet clock, and the header's counts. Each reads only what is shown.
//!
//! On both backends. SQLite keeps its own loops where they are hot (the deadlines' pass over
//! rusqlite's rows with its buffers reused, the ids without a deadline read at once, the
//! header's pass with its `INDEXED BY` hints); PostgreSQL's rows are read whole per query, so
//! its walks go a keyset page at a time (`listing_pg`). The SQL is built here once for both
//! ([`Built`]: numbered placeholders), the dialects parting only where they must.

use super::Result;
use super::db::{self, Db, Param};
use super::listing_pg;
use super::plans;
use super::rows::{
    TICKET_COLUMNS, TICKET_WIDTH, into_clock, into_ticket, parse_word, raw_clock, raw_ticket, read_clock_into, ts,
};
use crate::domain::listing::{ListQuery, ListRow, TicketSummary};
use crate::domain::sla::{Clock, ClockState};
use crate::domain::ticket::{Priority, Status};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params_from_iter};
use std::collections::{HashMap, HashSet};

/// SQL with numbered placeholders (`?1`, `?2`...) and the values bound to them, built a clause
/// at a time (never a bare `?`: PostgreSQL numbers its own).
pub(super) struct Built<'q> {
    pub sql: String,
    pub args: Vec<Param<'q>>,
}

impl<'q> Built<'q> {
    pub fn new(sql: impl Into<String>) -> Self {
        Built {
            sql: sql.into(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Binds `value` to the next placeholder, written at the end of the SQL.
    pub fn bind(&mut self, value: impl Into<Param<'q>>) -> &mut Self {
        let mark = self.mark(value);
        self.sql.push_str(&mark);
        self
    }

    /// Binds `value` to the next placeholder and returns it, to be written by the caller.
    pub fn mark(&mut self, value: impl Into<Param<'q>>) -> String {
        self.args.push(value.into());
        format!("?{}", self.args.len())
    }
}

/// The text a list searches for, if any.
pub(super) fn search_text(q: &ListQuery) -> Option<&str> {
    q.text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// The columns a ticket's text is searched in: title, customer name, order reference.
pub(super) const TICKET_SEARCHED: [&str; 3] = ["t.title", "c.name", "t.reference"];

/// `q`'s conditions as " AND ..." clauses: its statuses (in column `status`), owner (tickets
/// `t`) and text (in `searched`, ASCII letters folded: SQLite's `lower` folds no more, nor
/// does PostgreSQL's under the C locale; under another, it folds more).
pub(super) fn filters<'q>(db: Db, b: &mut Built<'q>, q: &'q ListQuery, status: &str, searched: [&str; 3]) {
    filter_statuses(b, &q.statuses, status);
    filter_owner(b, q);
    filter_text(db, b, q, searched);
}

/// " AND `status` IN (...)" unless `statuses` is empty.
pub(super) fn filter_statuses(b: &mut Built, statuses: &[Status], status: &str) {
    if !statuses.is_empty() {
        b.push(&format!(" AND {status} IN ("));
        for (i, s) in statuses.iter().enumerate() {
            if i > 0 {
                b.push(", ");
            }
            b.bind(s.slug());
        }
        b.push(")");
    }
}

/// " AND t.owner = ..." when `q` names an owner (`""`: nobody's).
pub(super) fn filter_owner<'q>(b: &mut Built<'q>, q: &'q ListQuery) {
    if let Some(owner) = &q.owner {
        b.push(" AND t.owner = ").bind(owner);
    }
}

/// " AND (...)": `q`'s text in any of `searched`, when it has one.
pub(super) fn filter_text<'q>(db: Db, b: &mut Built<'q>, q: &'q ListQuery, searched: [&str; 3]) {
    if let Some(text) = search_text(q) {
        let mark = b.mark(text);
        // SQLite's `instr` answers a position, true when not 0; PostgreSQL's is `strpos`, and
        // a condition there must be a boolean.
        let found: Vec<String> = searched
            .iter()
            .map(|column| match db {
                Db::Sqlite(_) => format!("instr(lower({column}), lower({mark}))"),
                Db::Postgres(_) => format!("strpos(lower({column}), lower({mark})) > 0"),
            })
            .collect();
        b.push(&format!(" AND ({})", found.join(" OR ")));
    }
}

/// The nearest unmet clock of ticket `t` as `n` (earliest deadline; paused clocks after running
/// ones), looked up per ticket through the running clocks' index by ticket.
const NEAREST_JOIN: &str = "LEFT JOIN clocks n ON n.ticket_id = t.id AND n.met_at IS NULL
     AND (n.metric, n.cycle) = (SELECT metric, cycle FROM clocks WHERE ticket_id = t.id AND met_at IS NULL
                                ORDER BY due_at IS NULL, due_at, metric, cycle LIMIT 1)";

/// The sort key of a ticket's priority: urgent first (on the same deadline, issue 12 item 6).
pub(super) const PRIORITY_RANK: &str = "CASE t.priority WHEN 'urgent' THEN 0 WHEN 'important' THEN 1 ELSE 2 END";

/// The ids `q` lists that have no running deadline (only paused clocks, or none), on SQLite,
/// in list order (those with a paused clock first, by priority then older first; then those without a
/// clock, newest first), up to `limit`: what follows
/// [`visit_due`]'s pass in a list without a deadline filter.
pub fn list_ids_without_deadline(conn: &Connection, q: &ListQuery, limit: Option<usize>) -> Result<Vec<i64>> {
    let b = without_deadline_sql(conn, q, limit);
    let ids = conn
        .prepare_cached(&b.sql)?
        .query_map(params_from_iter(&b.args), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// [`list_ids_without_deadline`]'s SQL (SQLite's: one sorted statement).
fn without_deadline_sql<'q>(conn: &Connection, q: &'q ListQuery, limit: Option<usize>) -> Built<'q> {
    let customers = if search_text(q).is_some() {
        "JOIN customers c ON c.id = t.customer_id"
    } else {
        ""
    };
    let mut b = Built::new(format!(
        "SELECT t.id, NOT EXISTS (SELECT 1 FROM clocks r WHERE r.ticket_id = t.id AND r.met_at IS NULL) AS idle
         FROM tickets t {customers} WHERE NOT EXISTS
             (SELECT 1 FROM clocks d WHERE d.ticket_id = t.id AND d.met_at IS NULL AND d.due_at IS NOT NULL)"
    ));
    filters(Db::Sqlite(conn), &mut b, q, "t.status", TICKET_SEARCHED);
    // Paused tickets first (by priority, then older first, as ties of a deadline go), then
    // those without a clock newest first (a limited "all" list drops the oldest history).
    b.push(&format!(
        " ORDER BY idle, CASE WHEN idle THEN NULL ELSE {PRIORITY_RANK} END,
                   CASE WHEN idle THEN NULL ELSE t.opened_at END, CASE WHEN idle THEN -t.id ELSE t.id END"
    ));
    if let Some(limit) = limit {
        b.push(&format!(" LIMIT {limit}"));
    }
    b
}

/// The tickets `q` lists, most urgent first, handed to `visit` as they are read until it
/// returns false: those with a running deadline from `nearest_deadlines` ([`visit_due`]);
/// then, without a deadline filter, the rest (paused or without clocks) read [`LIST_PAGE`] at
/// a time. Nothing is sorted but ids without a deadline (on SQLite; PostgreSQL reads them in
/// keyset pages, `listing_pg`).
pub fn visit_list(db: Db, q: &ListQuery, mut visit: impl FnMut(TicketSummary) -> bool) -> Result<()> {
    let mut count = 0;
    let mut going = true;
    visit_due(db, q, q.due_before, |row| {
        count += 1;
        going = visit(row);
        going
    })?;
    if going && q.due_before.is_none() {
        visit_without_deadline(db, q, count, visit)?;
    }
    Ok(())
}

/// [`visit_list`] as `list`'s table shows it: the rows with a deadline are read from
/// `nearest_deadlines` alone (no ticket or customer row), the rest from their tickets.
pub fn visit_rows(db: Db, q: &ListQuery, mut visit: impl FnMut(&ListRow) -> bool) -> Result<()> {
    let mut count = 0;
    let mut going = true;
    visit_due_rows(db, q, q.due_before, |row| {
        count += 1;
        going = visit(row);
        going
    })?;
    if going && q.due_before.is_none() {
        visit_without_deadline(db, q, count, |s| visit(&s.into()))?;
    }
    Ok(())
}

/// What follows the deadlines in a list without a deadline filter, after `count` rows were
/// listed: the tickets without a running deadline, [`LIST_PAGE`] at a time.
fn visit_without_deadline(
    db: Db,
    q: &ListQuery,
    count: usize,
    mut visit: impl FnMut(TicketSummary) -> bool,
) -> Result<()> {
    let limit = q.limit.map(|l| l.saturating_sub(count));
    if limit == Some(0) {
        return Ok(());
    }
    let Db::Sqlite(conn) = db else {
        return listing_pg::visit_without_deadline(db, q, limit, visit);
    };
    let ids = list_ids_without_deadline(conn, q, limit)?;
    for page in ids.chunks(LIST_PAGE) {
        for row in summaries(db, page)? {
            if !visit(row) {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// The columns [`summaries`] reads: a ticket, then its nearest unmet clock (NULLs without one).
fn summary_sql(condition: &str) -> String {
    format!(
        "SELECT {TICKET_COLUMNS}, n.metric, n.cycle, n.state, n.target, n.started_at, n.due_at, n.met_at,
                n.breached_at, n.paused_secs, n.remaining_secs
         FROM tickets t JOIN customers c ON c.id = t.customer_id {NEAREST_JOIN} WHERE {condition}"
    )
}

/// A row of [`summary_sql`] read.
fn summary(r: &db::Row) -> Result<TicketSummary> {
    let ticket = into_ticket(raw_ticket(r, 0)?)?;
    let nearest = match r.get::<Option<String>>(TICKET_WIDTH)? {
        Some(_) => Some(into_clock(ticket.id, raw_clock(r, TICKET_WIDTH)?)?),
        None => None,
    };
    Ok(TicketSummary { ticket, nearest })
}

/// The tickets `ids` with their nearest unmet clock, in the order given (ids not found are
/// left out).
pub fn summaries(db: Db, ids: &[i64]) -> Result<Vec<TicketSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = summary_sql(&format!("t.id IN {}", id_list_sql(db)));
    let mut found = HashMap::with_capacity(ids.len());
    db.for_each_row(&sql, db::params![&id_list(ids)], |r| {
        let s = summary(r)?;
        found.insert(s.ticket.id, s);
        Ok(())
    })?;
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The tickets `q` lists with a running deadline due by `before` (`None`: every one, which is
/// how the full list starts), most urgent first, handed to `visit` as they are read; `visit`
/// returns false to stop. The rows of [`visit_due_rows`], each with its whole ticket read by
/// key [`LIST_PAGE`] at a time (a short list, the board's first page, reads no more).
pub fn visit_due(
    db: Db,
    q: &ListQuery,
    before: Option<DateTime<Utc>>,
    mut visit: impl FnMut(TicketSummary) -> bool,
) -> Result<()> {
    let page_size = LIST_PAGE.min(q.limit.unwrap_or(LIST_PAGE)).max(1);
    let mut page: Vec<ListRow> = Vec::with_capacity(page_size);
    let mut going = true;
    let mut failed = None;
    visit_due_rows(db, q, before, |row| {
        page.push(row.clone());
        if page.len() == page_size {
            match visit_page(db, &mut page, &mut visit) {
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
        visit_page(db, &mut page, &mut visit)?;
    }
    Ok(())
}

/// Hands the rows of `page` to `visit` with their whole tickets, in order; empties `page`.
/// False once `visit` said stop.
fn visit_page(db: Db, page: &mut Vec<ListRow>, visit: &mut impl FnMut(TicketSummary) -> bool) -> Result<bool> {
    if page.is_empty() {
        return Ok(true);
    }
    let ids: Vec<i64> = page.iter().map(|r| r.id).collect();
    let sql = page_tickets_sql(db);
    // Sized once: a map grown from an iterator of results rehashed several times per page.
    let mut tickets = HashMap::with_capacity(ids.len());
    db.for_each_row(&sql, db::params![&id_list(&ids)], |r| {
        let ticket = into_ticket(raw_ticket(r, 0)?)?;
        tickets.insert(ticket.id, ticket);
        Ok(())
    })?;
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

/// The whole tickets of a page of the list's rows, by id ([`id_list`]).
fn page_tickets_sql(db: Db) -> String {
    format!(
        "SELECT {TICKET_COLUMNS} FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id IN {}",
        id_list_sql(db)
    )
}

/// The list's rows with a running deadline due by `before` that `q` lists, most urgent first,
/// handed to `visit` until it returns false: one pass over `nearest_deadlines` (migration 13)
/// in its key's order (deadline, then urgent before important before normal, then the older
/// ticket, then the id), stopping at the bound; nothing is sorted and no other row is read
/// unless `q` searches text (the order reference is only in the ticket). On PostgreSQL the
/// same pass a keyset page at a time (`listing_pg::visit_due_rows`).
pub fn visit_due_rows(
    db: Db,
    q: &ListQuery,
    before: Option<DateTime<Utc>>,
    mut visit: impl FnMut(&ListRow) -> bool,
) -> Result<()> {
    let Db::Sqlite(conn) = db else {
        return listing_pg::visit_due_rows(db, q, before, visit);
    };
    let b = due_sql(db, q, before);
    let mut stmt = conn.prepare_cached(&b.sql)?;
    let mut rows = stmt.query(params_from_iter(&b.args))?;
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

/// The plan of [`visit_due_rows`]'s pass over the deadlines, one step a line, so a test can
/// see the indexes: SQLite's EXPLAIN QUERY PLAN "detail" lines; PostgreSQL's `EXPLAIN` text
/// of the pass's first page.
pub fn due_plan(db: Db, q: &ListQuery, before: Option<DateTime<Utc>>) -> Result<String> {
    let Db::Sqlite(_) = db else {
        return listing_pg::due_plan(db, q, before);
    };
    let b = due_sql(db, q, before);
    plans::explain(db, &b.sql, &b.args)
}

/// The plan of what follows the deadlines in a list without a deadline bound (SQLite's one
/// sorted statement; PostgreSQL's first pages of paused tickets and of those without a clock).
pub(super) fn without_deadline_plan(db: Db, q: &ListQuery) -> Result<String> {
    let Db::Sqlite(conn) = db else {
        return listing_pg::without_deadline_plan(db, q);
    };
    let b = without_deadline_sql(conn, q, Some(LIST_PAGE));
    plans::explain(db, &b.sql, &b.args)
}

/// The plans of a page's tickets read by id: whole ([`visit_due`], the board's first page),
/// then with their nearest unmet clock ([`summaries`]).
pub(super) fn page_plan(db: Db, ids: &[i64]) -> Result<String> {
    let list = id_list(ids);
    let whole = plans::explain(db, &page_tickets_sql(db), db::params![&list])?;
    let with_clock = summary_sql(&format!("t.id IN {}", id_list_sql(db)));
    let nearest = plans::explain(db, &with_clock, db::params![&list])?;
    Ok(format!("{whole}\n{nearest}"))
}

/// The plan of one status's count in the header.
pub(super) fn status_count_plan(db: Db, status: Status) -> Result<String> {
    plans::explain(db, STATUS_COUNT, db::params![status.slug()])
}

/// The plans of [`visit_nearest_deadlines`]'s reads (SQLite: the ids by status, then the
/// running clocks; PostgreSQL: its first page).
pub(super) fn nearest_deadlines_plan(db: Db, statuses: &[Status]) -> Result<String> {
    let Db::Sqlite(_) = db else {
        return listing_pg::nearest_deadlines_plan(db, statuses);
    };
    let slugs: Vec<Param> = statuses.iter().map(|s| Param::from(s.slug())).collect();
    let ids = plans::explain(db, &header_ids_sql(statuses.len()), &slugs)?;
    let clocks = plans::explain(db, HEADER_CLOCKS, &[])?;
    Ok(format!("{ids}\n{clocks}"))
}

/// The rows of `nearest_deadlines` due by `before` that `q` lists, in its key's order. The
/// clock's columns come in [`raw_clock`]'s order from column 6 (`met_at` is NULL: the clock runs).
fn due_sql<'q>(db: Db, q: &'q ListQuery, before: Option<DateTime<Utc>>) -> Built<'q> {
    let mut b = due_rows(db, q, before, "");
    b.push(" ORDER BY d.due_at, d.rank, d.opened_at, d.ticket_id");
    b
}

/// [`due_sql`] without its order: PostgreSQL's pages add theirs after their key.
/// `extra` columns follow the clock's.
pub(super) fn due_rows<'q>(db: Db, q: &'q ListQuery, before: Option<DateTime<Utc>>, extra: &str) -> Built<'q> {
    // CROSS: the deadlines lead, each ticket is read by its key (only to search the order
    // reference or to check the owner: the plain list reads no ticket row). PostgreSQL's
    // CROSS JOIN takes no condition, and its planner needs no such hint.
    let tickets = if search_text(q).is_some() || q.owner.is_some() {
        db.pick(
            "CROSS JOIN tickets t ON t.id = d.ticket_id",
            "JOIN tickets t ON t.id = d.ticket_id",
        )
    } else {
        ""
    };
    // PostgreSQL types a bare NULL in a select list as text.
    let met_at = db.pick("NULL", "CAST(NULL AS BIGINT)");
    let mut b = Built::new(format!(
        "SELECT d.ticket_id, d.priority, d.status, d.title, d.customer_name, d.customer_phone,
                d.metric, d.cycle, d.state, d.target, d.started_at, d.due_at, {met_at}, d.breached_at,
                d.paused_secs, d.remaining_secs{extra}
         FROM nearest_deadlines d {tickets} WHERE d.due_at <= "
    ));
    // No bound: every running deadline.
    b.bind(before.map_or(i64::MAX, ts));
    filters(db, &mut b, q, "d.status", ["d.title", "d.customer_name", "t.reference"]);
    b
}

/// The nearest running deadline of each ticket with one of `statuses` (on SQLite most urgent
/// first; the header only counts them), handed to `visit`, for the board's header: the ids with those statuses from the status
/// index, then one pass over the running clocks' covering index (no ticket, customer or clock
/// row is read; a join checked the status index twice per clock, most of the board's start).
/// On PostgreSQL each ticket's row of `nearest_deadlines`, a keyset page at a time (in the
/// board's order there, deadline then rank: the header only counts).
pub fn visit_nearest_deadlines(db: Db, statuses: &[Status], mut visit: impl FnMut(Clock)) -> Result<()> {
    let Db::Sqlite(conn) = db else {
        return listing_pg::visit_nearest_deadlines(db, statuses, visit);
    };
    let active = conn
        .prepare_cached(&header_ids_sql(statuses.len()))?
        .query_map(params_from_iter(statuses.iter().map(|s| s.slug())), |r| {
            r.get::<_, i64>(0)
        })?
        .collect::<rusqlite::Result<HashSet<i64>>>()?;
    let mut stmt = conn.prepare_cached(HEADER_CLOCKS)?;
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

/// The ids of the tickets with one of `n` statuses (`?1`...), on SQLite.
fn header_ids_sql(n: usize) -> String {
    let marks: Vec<String> = (1..=n.max(1)).map(|i| format!("?{i}")).collect();
    format!(
        "SELECT id FROM tickets INDEXED BY tickets_status WHERE status IN ({})",
        marks.join(", ")
    )
}

/// Every running clock with a deadline in the header's order, from their covering index (SQLite).
const HEADER_CLOCKS: &str =
    "SELECT n.ticket_id, n.metric, n.cycle, n.state, n.target, n.started_at, n.due_at, n.met_at, n.breached_at,
            n.paused_secs, n.remaining_secs
     FROM clocks n INDEXED BY clocks_running_due
     WHERE n.met_at IS NULL AND n.due_at IS NOT NULL
     ORDER BY n.due_at, n.ticket_id DESC, n.metric, n.cycle";

/// One status's count: a range of the status index.
const STATUS_COUNT: &str = "SELECT count(*) FROM tickets WHERE status = ?1";

/// How many tickets have each of `statuses`, in that order: one range of the status index each.
pub fn status_counts(db: Db, statuses: &[Status]) -> Result<Vec<usize>> {
    statuses
        .iter()
        .map(|s| {
            let n: i64 = db.query_row(STATUS_COUNT, db::params![s.slug()], |r| r.get(0))?;
            Ok(usize::try_from(n).unwrap_or(0))
        })
        .collect()
}

/// Tickets `q` lists with their nearest unmet clock, most urgent first.
pub fn list(db: Db, q: &ListQuery) -> Result<Vec<TicketSummary>> {
    let mut out = Vec::new();
    visit_list(db, q, |row| {
        out.push(row);
        true
    })?;
    Ok(out)
}

/// How many listed tickets one read of [`summaries`] fetches (well under SQLite's limit on
/// bound parameters), and one page of PostgreSQL's walks.
pub const LIST_PAGE: usize = 500;

/// `IN` over the ids of [`id_list`]: one statement text whatever the number of ids, so it is
/// prepared once per command (a list of marks was parsed again for every page). PostgreSQL's
/// reads the same JSON array; its placeholder is text (the `postgres` crate sends a `&str` as
/// text, never as json), cast to json there.
fn id_list_sql(db: Db) -> &'static str {
    db.pick(
        "(SELECT value FROM json_each(?1))",
        "(SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(CAST(?1 AS TEXT) AS json)))",
    )
}

/// Ticket ids as the JSON array [`id_list_sql`] reads.
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

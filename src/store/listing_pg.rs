//! PostgreSQL's walks of `list`, the board and its header (`listing`'s SQL, in pages).
//! PostgreSQL's rows are read whole per query (`db`: no portal streaming yet), so a walk
//! that SQLite makes in one statement, stopping when its visitor says so, goes here a keyset
//! page of [`LIST_PAGE`] rows at a time after the last key seen: each page one index range,
//! however far in, and a list stopped early reads no page past the one it stopped in. The
//! order is SQLite's, row for row; the store reads a walk's pages in one snapshot
//! (`Store::read_at_once`), so they show one state of the database, as SQLite's statement does.

use super::Result;
use super::db::{Db, Param};
use super::listing::{
    Built, LIST_PAGE, PRIORITY_RANK, TICKET_SEARCHED, due_rows, filter_owner, filter_statuses, filter_text, filters,
    search_text, summaries,
};
use super::plans;
use super::rows::{TICKET_COLUMNS, into_clock, into_ticket, parse_word, raw_clock, raw_ticket};
use crate::domain::listing::{ListQuery, ListRow, TicketSummary};
use crate::domain::sla::Clock;
use crate::domain::ticket::Status;
use chrono::{DateTime, Utc};

/// A page's size as bound to `LIMIT`: at most [`LIST_PAGE`], at most what is `left`.
fn page_size(left: usize) -> i64 {
    i64::try_from(left.min(LIST_PAGE)).unwrap_or(0)
}

/// `listing::visit_due_rows` on PostgreSQL: `nearest_deadlines` in its primary key's order
/// (deadline, rank, opened, ticket), each page the rows after the last page's last key.
pub(super) fn visit_due_rows(
    db: Db,
    q: &ListQuery,
    before: Option<DateTime<Utc>>,
    mut visit: impl FnMut(&ListRow) -> bool,
) -> Result<()> {
    let (mut b, key) = due_pages(db, q, before);
    let mut left = q.limit.unwrap_or(usize::MAX);
    while left > 0 {
        let size = page_size(left);
        b.args[key + 4] = Param::from(size);
        let (mut read, mut going, mut last) = (0, true, None);
        db.for_each_row(&b.sql, &b.args, |r| {
            read += 1;
            if going {
                let id: i64 = r.get(0)?;
                let row = ListRow {
                    id,
                    priority: parse_word(&r.get::<String>(1)?)?,
                    status: parse_word(&r.get::<String>(2)?)?,
                    title: r.get(3)?,
                    customer_name: r.get(4)?,
                    customer_phone: r.get(5)?,
                    nearest: Some(into_clock(id, raw_clock(r, 6)?)?),
                };
                last = Some([r.get::<i64>(11)?, r.get(16)?, r.get(17)?, id]);
                going = visit(&row);
            }
            Ok(())
        })?;
        left = left.saturating_sub(read);
        match last {
            Some(key_seen) if going && read == usize::try_from(size).unwrap_or(0) => {
                for (i, v) in key_seen.into_iter().enumerate() {
                    b.args[key + i] = Param::from(v);
                }
            }
            _ => break,
        }
    }
    Ok(())
}

/// The deadlines' pass as PostgreSQL pages it: the rank and opening of each row after its
/// clock (columns 16 and 17), then the key to start after (placeholders from `key`, the first
/// page's before every row) and the page's size (at `key + 4`).
fn due_pages<'q>(db: Db, q: &'q ListQuery, before: Option<DateTime<Utc>>) -> (Built<'q>, usize) {
    let mut b = due_rows(db, q, before, ", d.rank, d.opened_at");
    let key = b.args.len();
    b.push(" AND (d.due_at, d.rank, d.opened_at, d.ticket_id) > (")
        .bind(i64::MIN)
        .push(", ")
        .bind(i64::MIN)
        .push(", ")
        .bind(i64::MIN)
        .push(", ")
        .bind(i64::MIN)
        .push(") ORDER BY d.due_at, d.rank, d.opened_at, d.ticket_id LIMIT ")
        .bind(page_size(LIST_PAGE));
    (b, key)
}

/// PostgreSQL's `EXPLAIN` of the deadlines' pass (its first page), one line a step.
pub(super) fn due_plan(db: Db, q: &ListQuery, before: Option<DateTime<Utc>>) -> Result<String> {
    let (b, _) = due_pages(db, q, before);
    plans::explain(db, &b.sql, &b.args)
}

/// PostgreSQL's `EXPLAIN` of the first pages of [`visit_without_deadline`]: paused tickets,
/// then those without a running clock.
pub(super) fn without_deadline_plan(db: Db, q: &ListQuery) -> Result<String> {
    let (mut paused, key) = paused_pages(db, q);
    paused.args[key + 3] = Param::from(page_size(LIST_PAGE));
    let (mut idle, key) = idle_pages(db, q);
    idle.args[key + 1] = Param::from(page_size(LIST_PAGE));
    Ok(format!(
        "{}\n{}",
        plans::explain(db, &paused.sql, &paused.args)?,
        plans::explain(db, &idle.sql, &idle.args)?
    ))
}

/// `listing::visit_without_deadline` on PostgreSQL, up to `limit` tickets: those with only
/// paused clocks by priority, then older first, then the id (keyset pages, each read whole
/// through `summaries`); then those without a running clock, newest first ([`idle_pages`],
/// no clock to read). SQLite's one sorted statement, in two.
pub(super) fn visit_without_deadline(
    db: Db,
    q: &ListQuery,
    limit: Option<usize>,
    mut visit: impl FnMut(TicketSummary) -> bool,
) -> Result<()> {
    let mut left = limit.unwrap_or(usize::MAX);
    let (mut paused, key) = paused_pages(db, q);
    while left > 0 {
        let size = page_size(left);
        paused.args[key + 3] = Param::from(size);
        let keys = db.query_map(&paused.sql, &paused.args, |r| {
            Ok([r.get::<i64>(0)?, r.get(1)?, r.get(2)?])
        })?;
        let ids: Vec<i64> = keys.iter().map(|k| k[0]).collect();
        for row in summaries(db, &ids)? {
            if !visit(row) {
                return Ok(());
            }
        }
        left -= ids.len();
        match keys.last() {
            Some(&[id, rank, opened]) if keys.len() == usize::try_from(size).unwrap_or(0) => {
                paused.args[key] = Param::from(rank);
                paused.args[key + 1] = Param::from(opened);
                paused.args[key + 2] = Param::from(id);
            }
            _ => break,
        }
    }

    let (mut idle, key) = idle_pages(db, q);
    while left > 0 {
        let size = page_size(left);
        idle.args[key + 1] = Param::from(size);
        let tickets = db.query_map(&idle.sql, &idle.args, |r| into_ticket(raw_ticket(r, 0)?))?;
        let read = tickets.len();
        let last = tickets.last().map(|t| t.id);
        for ticket in tickets {
            if !visit(TicketSummary { ticket, nearest: None }) {
                return Ok(());
            }
        }
        left -= read;
        match last {
            Some(id) if read == usize::try_from(size).unwrap_or(0) => idle.args[key] = Param::from(id),
            _ => break,
        }
    }
    Ok(())
}

/// The tickets `q` lists with only paused clocks, a page's ids with their sort keys (rank,
/// opening) after the key at `key` (rank, opening, id; the first page's before them all),
/// the page's size at `key + 3` (0 until set).
fn paused_pages<'q>(db: Db, q: &'q ListQuery) -> (Built<'q>, usize) {
    let customers = if search_text(q).is_some() {
        "JOIN customers c ON c.id = t.customer_id"
    } else {
        ""
    };
    let mut paused = Built::new(format!(
        "SELECT t.id, {PRIORITY_RANK}, t.opened_at FROM tickets t {customers}
         WHERE EXISTS (SELECT 1 FROM clocks r WHERE r.ticket_id = t.id AND r.met_at IS NULL)
           AND NOT EXISTS
             (SELECT 1 FROM clocks d WHERE d.ticket_id = t.id AND d.met_at IS NULL AND d.due_at IS NOT NULL)"
    ));
    filters(db, &mut paused, q, "t.status", TICKET_SEARCHED);
    let key = paused.args.len();
    // Ranks are 0 to 2: the first page starts before them all.
    paused
        .push(&format!(" AND ({PRIORITY_RANK}, t.opened_at, t.id) > ("))
        .bind(-1i64)
        .push(", ")
        .bind(i64::MIN)
        .push(", ")
        .bind(i64::MIN)
        .push(&format!(") ORDER BY {PRIORITY_RANK}, t.opened_at, t.id LIMIT "))
        .bind(0i64);
    (paused, key)
}

/// The tickets `q` lists without a running clock, whole, newest first: below the id at `key`
/// (the first page's above every id), the page's size at `key + 1` (0 until set). A branch
/// for each status named, each one range of `tickets_status` (status, id) downwards, merged
/// by id: over `status IN (...)` PostgreSQL walked the primary key down through every closed
/// ticket to find none left (0.3 s at 1M tickets / 20k open, on every `list` and board load).
fn idle_pages<'q>(db: Db, q: &'q ListQuery) -> (Built<'q>, usize) {
    let mut b = Built::new("SELECT * FROM (");
    let key = b.args.len();
    let (below, size) = (b.mark(i64::MAX), b.mark(0i64));
    // A status named twice (`--status open --status open`) is one branch: each ticket once.
    let mut statuses: Vec<&[Status]> = Vec::new();
    for status in &q.statuses {
        if !statuses.contains(&std::slice::from_ref(status)) {
            statuses.push(std::slice::from_ref(status));
        }
    }
    if statuses.is_empty() {
        statuses.push(&[]);
    }
    for (i, status) in statuses.into_iter().enumerate() {
        if i > 0 {
            b.push(" UNION ALL ");
        }
        b.push(&format!(
            "(SELECT {TICKET_COLUMNS} FROM tickets t JOIN customers c ON c.id = t.customer_id
              WHERE NOT EXISTS (SELECT 1 FROM clocks r WHERE r.ticket_id = t.id AND r.met_at IS NULL)"
        ));
        filter_statuses(&mut b, status, "t.status");
        filter_owner(&mut b, q);
        filter_text(db, &mut b, q, TICKET_SEARCHED);
        b.push(&format!(" AND t.id < {below} ORDER BY t.id DESC LIMIT {size})"));
    }
    b.push(&format!(") page ORDER BY 1 DESC LIMIT {size}"));
    (b, key)
}

/// `listing::visit_nearest_deadlines` on PostgreSQL: each ticket's row of `nearest_deadlines`
/// (its nearest running clock, kept by triggers, the same one: deadline, then metric and
/// cycle) in the table's key order, a keyset page at a time, the statuses checked in it. No
/// clock or ticket row is read and nothing is sorted: the running clocks joined to their
/// tickets and sorted page by page made most of the board's start at 1M tickets / 20k open.
pub(super) fn visit_nearest_deadlines(db: Db, statuses: &[Status], mut visit: impl FnMut(Clock)) -> Result<()> {
    if statuses.is_empty() {
        return Ok(());
    }
    // The pages are statements of their own, read in one snapshot (`Store::read_at_once`).
    let (mut b, key) = header_pages(statuses);
    loop {
        let (mut read, mut last) = (0, None);
        db.for_each_row(&b.sql, &b.args, |r| {
            read += 1;
            let id: i64 = r.get(0)?;
            let raw = raw_clock(r, 1)?;
            last = Some([raw.5.unwrap_or(i64::MIN), r.get(11)?, r.get(12)?, id]);
            visit(into_clock(id, raw)?);
            Ok(())
        })?;
        match last {
            Some(seen) if read == HEADER_PAGE => {
                for (i, v) in seen.into_iter().enumerate() {
                    b.args[key + i] = Param::from(v);
                }
            }
            _ => return Ok(()),
        }
    }
}

/// The header's pass: a page of `nearest_deadlines` rows of tickets with one of `statuses`
/// after the key at `key` (due, rank, opening, ticket; the first page's before every row).
fn header_pages(statuses: &[Status]) -> (Built<'_>, usize) {
    let mut b = Built::new(
        "SELECT d.ticket_id, d.metric, d.cycle, d.state, d.target, d.started_at, d.due_at, NULL::bigint,
                d.breached_at, d.paused_secs, d.remaining_secs, d.rank, d.opened_at
         FROM nearest_deadlines d WHERE TRUE",
    );
    filter_statuses(&mut b, statuses, "d.status");
    let key = b.args.len();
    let after = [b.mark(i64::MIN), b.mark(i64::MIN), b.mark(i64::MIN), b.mark(i64::MIN)];
    b.push(&format!(
        " AND (d.due_at, d.rank, d.opened_at, d.ticket_id) > ({}, {}, {}, {})
         ORDER BY d.due_at, d.rank, d.opened_at, d.ticket_id LIMIT {HEADER_PAGE}",
        after[0], after[1], after[2], after[3]
    ));
    (b, key)
}

/// PostgreSQL's `EXPLAIN` of the header pass's first page.
pub(super) fn nearest_deadlines_plan(db: Db, statuses: &[Status]) -> Result<String> {
    let (b, _) = header_pages(statuses);
    plans::explain(db, &b.sql, &b.args)
}

/// Rows a page of the header's pass holds (about 2 MB read at once): 20k open tickets make
/// two pages.
const HEADER_PAGE: usize = 10_000;

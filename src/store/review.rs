//! SQL of the breach review queue: unjudged breaches read a page at a time (keyset paging, each
//! arm through its own index, newest or oldest first, filtered), their counts, and amending a
//! judgement.

use super::Result;
use super::rows::{parse_opt_ts, parse_ts, parse_word, ts};
use super::schema::UNJUDGED_BREACHES;
use crate::domain::review::{Breach, Openness, QueueCounts, QueueOrder, Review, ReviewFilter};
use crate::domain::ticket::Customer;
use chrono::{DateTime, Utc};
use rusqlite::types::ToSql;
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::BTreeMap;

/// A breach row: clock, ticket and customer columns, the deadline first so both arms sort alike.
pub(super) const BREACH_COLUMNS: &str = "coalesce(c.breached_at, c.due_at) AS deadline, c.ticket_id, t.title, \
     t.status, c.metric, c.cycle, c.target, c.started_at, c.met_at, t.priority, t.kind, cu.name, cu.phone, cu.email";

/// Clocks, then their ticket and customer by key: CROSS JOIN keeps SQLite on the clocks' index
/// order (a ticket filter must not make it start from `tickets_status` and sort).
const BREACH_FROM: &str =
    "clocks c CROSS JOIN tickets t ON t.id = c.ticket_id CROSS JOIN customers cu ON cu.id = t.customer_id";

type RawBreach = (
    i64,
    i64,
    String,
    String,
    String,
    u32,
    String,
    i64,
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
);

fn raw_breach(r: &Row<'_>) -> rusqlite::Result<RawBreach> {
    r.try_into()
}

fn into_breach(raw: RawBreach) -> Result<Breach> {
    let (
        deadline,
        ticket_id,
        title,
        status,
        metric,
        cycle,
        target,
        started_at,
        met_at,
        priority,
        kind,
        name,
        phone,
        email,
    ) = raw;
    Ok(Breach {
        ticket_id,
        title,
        status: parse_word(&status)?,
        metric,
        cycle,
        target,
        started_at: parse_ts(started_at)?,
        due_at: parse_ts(deadline)?,
        met_at: parse_opt_ts(met_at)?,
        priority: parse_word(&priority)?,
        kind: parse_word(&kind)?,
        customer: Customer { name, phone, email },
    })
}

pub(super) fn breaches(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<Breach>> {
    let raw = conn
        .prepare_cached(sql)?
        .query_map(args, raw_breach)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raw.into_iter().map(into_breach).collect()
}

/// The two kinds of breach, each through its index: clocks whose breach was recorded at a
/// write (`clocks_breached`), and running clocks that went late since (`clocks_running_due`:
/// `breached_at` still NULL, `due_at` passed).
fn breach_arms(filter: &str) -> String {
    format!(
        "SELECT {BREACH_COLUMNS} FROM {BREACH_FROM}
         WHERE c.breached_at IS NOT NULL AND {filter}
         UNION ALL
         SELECT {BREACH_COLUMNS} FROM {BREACH_FROM}
         WHERE c.met_at IS NULL AND c.breached_at IS NULL AND c.due_at < ?1 AND {filter}"
    )
}

/// One clock cycle, if it is breached at `now` (judged or not).
pub fn breach(conn: &Connection, ticket: i64, metric: &str, cycle: u32, now: DateTime<Utc>) -> Result<Option<Breach>> {
    let filter = "c.ticket_id = ?2 AND c.metric = ?3 AND c.cycle = ?4";
    let sql = breach_arms(filter);
    Ok(breaches(conn, &sql, params![ts(now), ticket, metric, cycle])?
        .into_iter()
        .next())
}

/// Cycles of a metric on a ticket (for "which cycle?" messages).
pub fn cycles(conn: &Connection, ticket: i64, metric: &str) -> Result<Vec<u32>> {
    let mut stmt =
        conn.prepare_cached("SELECT cycle FROM clocks WHERE ticket_id = ?1 AND metric = ?2 ORDER BY cycle")?;
    let rows = stmt
        .query_map(params![ticket, metric], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<u32>>>()?;
    Ok(rows)
}

/// Running clocks past their deadline now, oldest first.
pub fn overdue(conn: &Connection, now: DateTime<Utc>, limit: Option<usize>) -> Result<Vec<Breach>> {
    let sql = format!(
        "SELECT {BREACH_COLUMNS} FROM {BREACH_FROM}
         WHERE c.met_at IS NULL AND c.due_at < ?1
         ORDER BY deadline, c.ticket_id, c.metric, c.cycle LIMIT ?2"
    );
    let limit = limit.map_or(-1, |l| l as i64);
    breaches(conn, &sql, params![ts(now), limit])
}

/// Where a page of the review queue starts: after this breach in queue order.
pub type QueueCursor<'a> = Option<&'a Breach>;

/// The filter as SQL over one arm whose deadline column is `deadline`, with its arguments
/// (named, so both arms share them).
struct Where {
    sql: String,
    args: Vec<(&'static str, Box<dyn ToSql>)>,
}

fn filter_sql(f: &ReviewFilter, now: DateTime<Utc>) -> Where {
    let mut w = Where {
        sql: String::new(),
        args: vec![(":now", Box::new(ts(now)))],
    };
    if let Some(from) = f.from {
        w.sql.push_str(" AND {d} >= :from");
        w.args.push((":from", Box::new(ts(from))));
    }
    if let Some(to) = f.to {
        w.sql.push_str(" AND {d} < :to");
        w.args.push((":to", Box::new(ts(to))));
    }
    if let Some(id) = f.ticket {
        w.sql.push_str(" AND c.ticket_id = :ticket");
        w.args.push((":ticket", Box::new(id)));
    }
    if let Some(m) = &f.metric {
        w.sql.push_str(" AND c.metric = :metric");
        w.args.push((":metric", Box::new(m.clone())));
    }
    if let Some(p) = f.priority {
        w.sql.push_str(" AND t.priority = :priority");
        w.args.push((":priority", Box::new(p.slug())));
    }
    if let Some(k) = f.kind {
        w.sql.push_str(" AND t.kind = :kind");
        w.args.push((":kind", Box::new(k.slug())));
    }
    if let Some(s) = f.status {
        let [a, b] = s.statuses();
        w.sql.push_str(" AND t.status IN (:status_a, :status_b)");
        w.args.push((":status_a", Box::new(a.slug())));
        w.args.push((":status_b", Box::new(b.slug())));
    }
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        w.sql
            .push_str(" AND (t.title LIKE :text ESCAPE '\\' OR cu.name LIKE :text ESCAPE '\\')");
        w.args.push((":text", Box::new(format!("%{escaped}%"))));
    }
    w
}

/// Recorded breaches (`clocks_unjudged_breach`, or by metric `clocks_unjudged_breach_metric`).
const RECORDED: &str = "c.breached_at IS NOT NULL AND c.judged = 0";
/// Running clocks gone late since the last write (`clocks_late_unrecorded`, or by metric).
const LATE: &str = "c.met_at IS NULL AND c.breached_at IS NULL AND c.judged = 0 AND c.due_at < :now";

/// Unjudged breaches passing `filter`, in `order`, after `after` (keyset paging). Each arm
/// reads its own index in queue order (an index on a WITHOUT ROWID table ends with the key:
/// ticket, metric, cycle), forwards or backwards, and stops at `limit`, so a page sorts at most
/// twice its length, never the whole history of breaches; the newest are as near as the oldest.
pub fn review_queue(
    conn: &Connection,
    now: DateTime<Utc>,
    filter: &ReviewFilter,
    order: QueueOrder,
    after: QueueCursor<'_>,
    limit: Option<usize>,
) -> Result<Vec<Breach>> {
    let (sql, w) = queue_sql(filter, order, now);
    // The cursor before every stored instant and every ticket, in the direction of reading
    // (no metric name sorts after '~').
    let start = match order {
        QueueOrder::OldestFirst => (i64::MIN, i64::MIN, String::new(), 0),
        QueueOrder::NewestFirst => (i64::MAX, i64::MAX, "~".to_string(), u32::MAX),
    };
    let (at, ticket, metric, cycle) = after.map_or(start, |b| (ts(b.due_at), b.ticket_id, b.metric.clone(), b.cycle));
    let limit = limit.map_or(-1, |l| l as i64);
    let mut args: Vec<(&str, &dyn ToSql)> = w.args.iter().map(|(k, v)| (*k, v.as_ref())).collect();
    args.extend([
        (":k_at", &at as &dyn ToSql),
        (":k_ticket", &ticket),
        (":k_metric", &metric),
        (":k_cycle", &cycle),
        (":limit", &limit),
    ]);
    breaches(conn, &sql, args.as_slice())
}

/// The query of a page of the queue and its filter's arguments (the cursor and limit are
/// bound by the caller).
fn queue_sql(filter: &ReviewFilter, order: QueueOrder, now: DateTime<Utc>) -> (String, Where) {
    let (cmp, dir) = match order {
        QueueOrder::OldestFirst => (">", ""),
        QueueOrder::NewestFirst => ("<", " DESC"),
    };
    let w = filter_sql(filter, now);
    let arm = |cond: &str, d: &str| {
        format!(
            "SELECT * FROM (SELECT {BREACH_COLUMNS} FROM {BREACH_FROM} WHERE {cond}{filter}
               AND ({d}, c.ticket_id, c.metric, c.cycle) {cmp} (:k_at, :k_ticket, :k_metric, :k_cycle)
             ORDER BY {d}{dir}, c.ticket_id{dir}, c.metric{dir}, c.cycle{dir} LIMIT :limit)",
            filter = w.sql.replace("{d}", d)
        )
    };
    let sql = format!(
        "{} UNION ALL {} ORDER BY deadline{dir}, ticket_id{dir}, metric{dir}, cycle{dir} LIMIT :limit",
        arm(RECORDED, "c.breached_at"),
        arm(LATE, "c.due_at")
    );
    (sql, w)
}

/// SQLite's plan for a page of the queue, one step a line (tests check every arm reads an
/// index in queue order: no "USE TEMP B-TREE" before the final merge of two pages).
pub fn review_queue_plan(
    conn: &Connection,
    now: DateTime<Utc>,
    filter: &ReviewFilter,
    order: QueueOrder,
) -> Result<String> {
    let (sql, w) = queue_sql(filter, order, now);
    let (at, ticket, metric, cycle, limit) = (0i64, 0i64, String::new(), 0u32, 50i64);
    let mut args: Vec<(&str, &dyn ToSql)> = w.args.iter().map(|(k, v)| (*k, v.as_ref())).collect();
    args.extend([
        (":k_at", &at as &dyn ToSql),
        (":k_ticket", &ticket),
        (":k_metric", &metric),
        (":k_cycle", &cycle),
        (":limit", &limit),
    ]);
    let lines = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?
        .query_map(args.as_slice(), |r| r.get::<_, String>(3))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lines.join("\n"))
}

/// How many breaches await judgement: the tally of those recorded at a write (kept by the
/// triggers of migration 6) and the running clocks gone late since (an index range bounded by
/// the open tickets). Neither reads history.
pub fn review_count(conn: &Connection, now: DateTime<Utc>) -> Result<usize> {
    let recorded: i64 = conn
        .prepare_cached("SELECT n FROM tallies WHERE name = ?1")?
        .query_row([UNJUDGED_BREACHES], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let late: i64 = conn
        // Left to itself SQLite reads every running deadline passed (19k rows, each looked
        // up for its breach) instead of this index of the few not yet recorded.
        .prepare_cached(&format!(
            "SELECT count(*) FROM clocks c INDEXED BY clocks_late_unrecorded WHERE {}",
            LATE.replace(":now", "?1")
        ))?
        .query_row([ts(now)], |r| r.get(0))?;
    Ok(usize::try_from(recorded.max(0) + late).unwrap_or(0))
}

/// Counts stop here: beyond it the figures are of the first breaches read ("1000+"). Each
/// breach counted is a ticket looked up, scattered over the history: 10,000 were about 8,000
/// page reads, 40 ms on the 1M demo (the first page of the queue itself: 30 ms at most).
pub const COUNTS_CAP: usize = 1_000;

/// How many unjudged breaches pass `filter`, split by metric, priority, kind and status: one
/// pass over the matching backlog (the unjudged breaches only, through their indexes).
pub fn review_counts(conn: &Connection, now: DateTime<Utc>, filter: &ReviewFilter) -> Result<QueueCounts> {
    let (sql, w) = counts_sql(filter, now);
    let cap = COUNTS_CAP as i64 + 1;
    let mut args: Vec<(&str, &dyn ToSql)> = w.args.iter().map(|(k, v)| (*k, v.as_ref())).collect();
    args.push((":cap", &cap));
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(args.as_slice(), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (mut metric, mut priority, mut kind, mut status) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut total = 0;
    for (m, p, k, s, n) in rows {
        let n = usize::try_from(n).unwrap_or(0);
        total += n;
        *metric.entry(m).or_insert(0) += n;
        *priority.entry(parse_word(&p)?).or_insert(0) += n;
        *kind.entry(parse_word(&k)?).or_insert(0) += n;
        let s = parse_word(&s)?;
        let open = if Openness::Open.statuses().contains(&s) {
            Openness::Open
        } else {
            Openness::Closed
        };
        *status.entry(open).or_insert(0) += n;
    }
    Ok(QueueCounts {
        capped: total > COUNTS_CAP,
        total: total.min(COUNTS_CAP),
        by_metric: metric.into_iter().collect(),
        by_priority: priority.into_iter().collect(),
        by_kind: kind.into_iter().collect(),
        by_status: status.into_iter().collect(),
    })
}

/// The query of the counts and its filter's arguments (the cap is bound by the caller).
fn counts_sql(filter: &ReviewFilter, now: DateTime<Utc>) -> (String, Where) {
    let w = filter_sql(filter, now);
    // The customer is read only for the text filter: a lookup less per breach counted.
    let from = if w.sql.contains("cu.") {
        BREACH_FROM
    } else {
        "clocks c CROSS JOIN tickets t ON t.id = c.ticket_id"
    };
    let arm = |cond: &str, d: &str| {
        format!(
            "SELECT c.metric AS metric, t.priority AS priority, t.kind AS kind, t.status AS status
             FROM {from} WHERE {cond}{}",
            w.sql.replace("{d}", d)
        )
    };
    // At most COUNTS_CAP + 1 rows are read: a million-ticket history may hold 400k unjudged
    // breaches, and the board counts on every filter change.
    let sql = format!(
        "SELECT metric, priority, kind, status, count(*)
         FROM (SELECT * FROM ({} UNION ALL {}) LIMIT :cap) GROUP BY 1, 2, 3, 4",
        arm(RECORDED, "c.breached_at"),
        arm(LATE, "c.due_at")
    );
    (sql, w)
}

/// SQLite's plan for the counts, one step a line (each arm through its index, no sort).
pub fn review_counts_plan(conn: &Connection, now: DateTime<Utc>, filter: &ReviewFilter) -> Result<String> {
    let (sql, w) = counts_sql(filter, now);
    let cap = COUNTS_CAP as i64 + 1;
    let mut args: Vec<(&str, &dyn ToSql)> = w.args.iter().map(|(k, v)| (*k, v.as_ref())).collect();
    args.push((":cap", &cap));
    let lines = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?
        .query_map(args.as_slice(), |r| r.get::<_, String>(3))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lines.join("\n"))
}

/// Replaces the judgement of a breach with a newer one (an amendment): the `reviews` row holds
/// the judgement that counts; the log keeps both.
pub fn amend_review(conn: &Connection, r: &Review) -> Result<()> {
    let j = &r.judgement;
    conn.prepare_cached(
        "UPDATE reviews SET class = ?4, reason = ?5, remedy = ?6, amount_fen = ?7, note = ?8, judged_at = ?9,
                judged_by = ?10
         WHERE ticket_id = ?1 AND metric = ?2 AND cycle = ?3",
    )?
    .execute(params![
        r.ticket_id,
        r.metric,
        r.cycle,
        j.class.slug(),
        j.reason,
        j.remedy.slug(),
        j.amount.map(|a| a.0),
        j.note,
        ts(r.judged_at),
        r.judged_by,
    ])?;
    Ok(())
}

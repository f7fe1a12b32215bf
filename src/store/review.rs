//! SQL of the breach review queue: unjudged breaches read a page at a time (keyset paging, each
//! arm through its own index, newest or oldest first, filtered), their counts, and amending a
//! judgement. On both backends (`store::db`), their plans too (`store::plans`: SQLite's
//! `EXPLAIN QUERY PLAN`, PostgreSQL's `EXPLAIN`). SQLite's SQL keeps its hints, PostgreSQL's text differs only where
//! the dialects do (plain joins for `CROSS JOIN ... ON`, subqueries in FROM named, `ILIKE` for
//! SQLite's ASCII-caseless `LIKE`, no `INDEXED BY`, NULL for "no limit").

use super::Result;
use super::db::{self, Columns, Db, Param};
use super::plans;
use super::rows::{parse_opt_ts, parse_ts, parse_word, ts};
use super::schema::UNJUDGED_BREACHES;
use crate::domain::review::{Breach, Openness, QueueCounts, QueueOrder, Review, ReviewFilter};
use crate::domain::ticket::Customer;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// A breach row: clock, ticket and customer columns, the deadline first so both arms sort alike.
pub(super) const BREACH_COLUMNS: &str = "coalesce(c.breached_at, c.due_at) AS deadline, c.ticket_id, t.title, \
     t.status, c.metric, c.cycle, c.target, c.started_at, c.met_at, t.priority, t.kind, cu.name, cu.phone, cu.email";

/// Clocks, then their ticket and customer by key: CROSS JOIN keeps SQLite on the clocks' index
/// order (a ticket filter must not make it start from `tickets_status` and sort). PostgreSQL
/// has no `CROSS JOIN ... ON`, and orders joins by its own estimates: plain joins.
fn breach_from(db: Db) -> &'static str {
    db.pick(
        "clocks c CROSS JOIN tickets t ON t.id = c.ticket_id CROSS JOIN customers cu ON cu.id = t.customer_id",
        "clocks c JOIN tickets t ON t.id = c.ticket_id JOIN customers cu ON cu.id = t.customer_id",
    )
}

/// [`breach_from`] for a read of every overdue clock (the report's list): on PostgreSQL each
/// clock's ticket and customer by key, in subqueries the planner keeps (`OFFSET 0`). Left to
/// its estimates it hash-joined 19k clocks to a read of all 1M tickets (0.2-0.3 s; by key
/// 0.1 s).
fn breach_by_key_from(db: Db) -> &'static str {
    db.pick(
        "clocks c CROSS JOIN tickets t ON t.id = c.ticket_id CROSS JOIN customers cu ON cu.id = t.customer_id",
        "clocks c CROSS JOIN LATERAL (SELECT * FROM tickets t WHERE t.id = c.ticket_id OFFSET 0) t
         CROSS JOIN LATERAL (SELECT * FROM customers cu WHERE cu.id = t.customer_id OFFSET 0) cu",
    )
}

/// [`breach_from`] without the customer (the counts read it only for the text filter).
fn clock_ticket_from(db: Db) -> &'static str {
    db.pick(
        "clocks c CROSS JOIN tickets t ON t.id = c.ticket_id",
        "clocks c JOIN tickets t ON t.id = c.ticket_id",
    )
}

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

fn raw_breach(r: &impl Columns) -> Result<RawBreach> {
    Ok((
        r.col(0)?,
        r.col(1)?,
        r.col(2)?,
        r.col(3)?,
        r.col(4)?,
        r.col(5)?,
        r.col(6)?,
        r.col(7)?,
        r.col(8)?,
        r.col(9)?,
        r.col(10)?,
        r.col(11)?,
        r.col(12)?,
        r.col(13)?,
    ))
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

pub(super) fn breaches(db: Db, sql: &str, args: &[Param]) -> Result<Vec<Breach>> {
    db.query_map(sql, args, |r| into_breach(raw_breach(r)?))
}

/// `LIMIT`'s value for `limit`, or for none: SQLite's -1, PostgreSQL's NULL (it refuses a
/// negative limit).
fn limit_value(db: Db, limit: Option<usize>) -> Option<i64> {
    match (limit, db) {
        (Some(l), _) => Some(i64::try_from(l).unwrap_or(i64::MAX)),
        (None, Db::Sqlite(_)) => Some(-1),
        (None, Db::Postgres(_)) => None,
    }
}

/// The two kinds of breach, each through its index: clocks whose breach was recorded at a
/// write (`clocks_breached`), and running clocks that went late since (`clocks_running_due`:
/// `breached_at` still NULL, `due_at` passed).
fn breach_arms(db: Db, filter: &str) -> String {
    let from = breach_from(db);
    format!(
        "SELECT {BREACH_COLUMNS} FROM {from}
         WHERE c.breached_at IS NOT NULL AND {filter}
         UNION ALL
         SELECT {BREACH_COLUMNS} FROM {from}
         WHERE c.met_at IS NULL AND c.breached_at IS NULL AND c.due_at < ?1 AND {filter}"
    )
}

/// One clock cycle, if it is breached at `now` (judged or not).
pub fn breach(db: Db, ticket: i64, metric: &str, cycle: u32, now: DateTime<Utc>) -> Result<Option<Breach>> {
    let filter = "c.ticket_id = ?2 AND c.metric = ?3 AND c.cycle = ?4";
    let sql = breach_arms(db, filter);
    Ok(
        breaches(db, &sql, db::params![ts(now), ticket, metric, i64::from(cycle)])?
            .into_iter()
            .next(),
    )
}

/// Cycles of a metric on a ticket (for "which cycle?" messages).
pub fn cycles(db: Db, ticket: i64, metric: &str) -> Result<Vec<u32>> {
    db.query_map(
        "SELECT cycle FROM clocks WHERE ticket_id = ?1 AND metric = ?2 ORDER BY cycle",
        db::params![ticket, metric],
        |r| r.get(0),
    )
}

/// Running clocks past their deadline now, oldest first.
pub fn overdue(db: Db, now: DateTime<Utc>, limit: Option<usize>) -> Result<Vec<Breach>> {
    let from = breach_by_key_from(db);
    let sql = format!(
        "SELECT {BREACH_COLUMNS} FROM {from}
         WHERE c.met_at IS NULL AND c.due_at < ?1
         ORDER BY deadline, c.ticket_id, c.metric, c.cycle LIMIT ?2"
    );
    breaches(db, &sql, db::params![ts(now), limit_value(db, limit)])
}

/// Where a page of the review queue starts: after this breach in queue order.
pub type QueueCursor<'a> = Option<&'a Breach>;

/// A filter's value, bound to its numbered placeholder.
enum Arg {
    Int(i64),
    Text(String),
}

impl Arg {
    fn param(&self) -> Param<'_> {
        match self {
            Arg::Int(v) => Param::from(*v),
            Arg::Text(s) => Param::from(s),
        }
    }
}

/// The filter as SQL over one arm whose deadline column is `{d}`, with its arguments: the
/// placeholders numbered from `first` in the order of `args` (both arms share them; the
/// query's own placeholders come before).
struct Where {
    sql: String,
    first: usize,
    args: Vec<Arg>,
}

impl Where {
    /// Adds `sql`, its `?#` the placeholder of `arg`.
    fn push(&mut self, sql: &str, arg: Arg) {
        let n = self.first + self.args.len();
        self.sql.push_str(&sql.replace("?#", &format!("?{n}")));
        self.args.push(arg);
    }

    /// The query's own values (`fixed`, numbered from 1), then the filter's.
    fn params<'a>(&'a self, fixed: &[Param<'a>]) -> Vec<Param<'a>> {
        debug_assert_eq!(fixed.len() + 1, self.first);
        fixed.iter().copied().chain(self.args.iter().map(Arg::param)).collect()
    }
}

fn filter_sql(db: Db, f: &ReviewFilter, first: usize) -> Where {
    let mut w = Where {
        sql: String::new(),
        first,
        args: Vec::new(),
    };
    if let Some(from) = f.from {
        w.push(" AND {d} >= ?#", Arg::Int(ts(from)));
    }
    if let Some(to) = f.to {
        w.push(" AND {d} < ?#", Arg::Int(ts(to)));
    }
    if let Some(id) = f.ticket {
        w.push(" AND c.ticket_id = ?#", Arg::Int(id));
    }
    if let Some(m) = &f.metric {
        w.push(" AND c.metric = ?#", Arg::Text(m.clone()));
    }
    if let Some(p) = f.priority {
        w.push(" AND t.priority = ?#", Arg::Text(p.slug().to_string()));
    }
    if let Some(k) = f.kind {
        w.push(" AND t.kind = ?#", Arg::Text(k.slug().to_string()));
    }
    if let Some(s) = f.status {
        let [a, b] = s.statuses();
        w.push(" AND t.status IN (?#", Arg::Text(a.slug().to_string()));
        w.push(", ?#)", Arg::Text(b.slug().to_string()));
    }
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        // SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's ILIKE does (of every
        // letter its collation's ctype knows: ASCII only in the C locale).
        let like = db.pick("LIKE", "ILIKE");
        w.push(
            &format!(" AND (t.title {like} ?# ESCAPE '\\' OR cu.name {like} ?# ESCAPE '\\')"),
            Arg::Text(format!("%{escaped}%")),
        );
    }
    w
}

/// Recorded breaches (`clocks_unjudged_breach`, or by metric `clocks_unjudged_breach_metric`).
const RECORDED: &str = "c.breached_at IS NOT NULL AND c.judged = 0";
/// Running clocks gone late since the last write (`clocks_late_unrecorded`, or by metric);
/// `?1` is now in every query that uses it.
const LATE: &str = "c.met_at IS NULL AND c.breached_at IS NULL AND c.judged = 0 AND c.due_at < ?1";

/// A name for a subquery in FROM: PostgreSQL (before 16) requires one, SQLite's SQL stays as
/// it was tuned.
fn alias(db: Db, name: &'static str) -> &'static str {
    match db {
        Db::Sqlite(_) => "",
        Db::Postgres(_) => name,
    }
}

/// Unjudged breaches passing `filter`, in `order`, after `after` (keyset paging). Each arm
/// reads its own index in queue order (an index on a WITHOUT ROWID table ends with the key:
/// ticket, metric, cycle), forwards or backwards, and stops at `limit`, so a page sorts at most
/// twice its length, never the whole history of breaches; the newest are as near as the oldest.
pub fn review_queue(
    db: Db,
    now: DateTime<Utc>,
    filter: &ReviewFilter,
    order: QueueOrder,
    after: QueueCursor<'_>,
    limit: Option<usize>,
) -> Result<Vec<Breach>> {
    let (sql, w) = queue_sql(db, filter, order);
    let (at, ticket, metric, cycle) =
        after.map_or(start(order), |b| (ts(b.due_at), b.ticket_id, b.metric.clone(), b.cycle));
    let fixed = db::params![ts(now), at, ticket, &metric, i64::from(cycle), limit_value(db, limit)];
    breaches(db, &sql, &w.params(fixed))
}

/// The cursor before every stored instant and every ticket, in the direction of reading
/// (no metric name sorts after '~'): where the first page starts.
fn start(order: QueueOrder) -> (i64, i64, String, u32) {
    match order {
        QueueOrder::OldestFirst => (i64::MIN, i64::MIN, String::new(), 0),
        QueueOrder::NewestFirst => (i64::MAX, i64::MAX, "~".to_string(), u32::MAX),
    }
}

/// The query of a page of the queue and its filter's arguments: `?1` now, `?2`..`?5` the
/// cursor, `?6` the limit, bound by the caller before the filter's.
fn queue_sql(db: Db, filter: &ReviewFilter, order: QueueOrder) -> (String, Where) {
    let (cmp, dir) = match order {
        QueueOrder::OldestFirst => (">", ""),
        QueueOrder::NewestFirst => ("<", " DESC"),
    };
    let w = filter_sql(db, filter, 7);
    let from = breach_from(db);
    // PostgreSQL's partial indexes hold the deadline alone, and it does not narrow an index
    // range from a row comparison: the deadline's bound said on its own starts the range there.
    let bound = match db {
        Db::Sqlite(_) => "",
        Db::Postgres(_) => match order {
            QueueOrder::OldestFirst => " AND {d} >= ?2",
            QueueOrder::NewestFirst => " AND {d} <= ?2",
        },
    };
    let arm = |cond: &str, d: &str, name: &'static str| {
        format!(
            "SELECT * FROM (SELECT {BREACH_COLUMNS} FROM {from} WHERE {cond}{filter}{bound}
               AND ({d}, c.ticket_id, c.metric, c.cycle) {cmp} (?2, ?3, ?4, ?5)
             ORDER BY {d}{dir}, c.ticket_id{dir}, c.metric{dir}, c.cycle{dir} LIMIT ?6){}",
            alias(db, name),
            filter = w.sql.replace("{d}", d),
            bound = bound.replace("{d}", d),
        )
    };
    let sql = format!(
        "{} UNION ALL {} ORDER BY deadline{dir}, ticket_id{dir}, metric{dir}, cycle{dir} LIMIT ?6",
        arm(RECORDED, "c.breached_at", " AS recorded"),
        arm(LATE, "c.due_at", " AS late")
    );
    (sql, w)
}

/// The plan for the first page of the queue (50 breaches), one step a line (tests check every
/// arm reads an index in queue order: SQLite's "USE TEMP B-TREE", PostgreSQL's Sort, only for
/// the final merge of two pages).
pub fn review_queue_plan(db: Db, now: DateTime<Utc>, filter: &ReviewFilter, order: QueueOrder) -> Result<String> {
    let (sql, w) = queue_sql(db, filter, order);
    let (at, ticket, metric, cycle) = start(order);
    let fixed = db::params![ts(now), at, ticket, &metric, i64::from(cycle), 50i64];
    plans::explain(db, &sql, &w.params(fixed))
}

/// How many breaches await judgement: the tally of those recorded at a write (kept by the
/// triggers of migration 6) and the running clocks gone late since (an index range bounded by
/// the open tickets). Neither reads history.
pub fn review_count(db: Db, now: DateTime<Utc>) -> Result<usize> {
    let recorded: i64 = db
        .query_opt(
            "SELECT n FROM tallies WHERE name = ?1",
            db::params![UNJUDGED_BREACHES],
            |r| r.get(0),
        )?
        .unwrap_or(0);
    let late: i64 = db.query_row(&late_count_sql(db), db::params![ts(now)], |r| r.get(0))?;
    Ok(usize::try_from(recorded.max(0) + late).unwrap_or(0))
}

/// The count of running clocks gone late since the last write (`?1` now).
fn late_count_sql(db: Db) -> String {
    // Left to itself SQLite reads every running deadline passed (19k rows, each looked up for
    // its breach) instead of this index of the few not yet recorded.
    let from = db.pick("clocks c INDEXED BY clocks_late_unrecorded", "clocks c");
    format!("SELECT count(*) FROM {from} WHERE {LATE}")
}

/// The plan of [`review_count`]'s count of late running clocks at `now`.
pub fn late_count_plan(db: Db, now: DateTime<Utc>) -> Result<String> {
    plans::explain(db, &late_count_sql(db), db::params![ts(now)])
}

/// Counts stop here: beyond it the figures are of the first breaches read ("1000+"). Each
/// breach counted is a ticket looked up, scattered over the history: 10,000 were about 8,000
/// page reads, 40 ms on the 1M demo (the first page of the queue itself: 30 ms at most).
pub const COUNTS_CAP: usize = 1_000;

/// How many unjudged breaches pass `filter`, split by metric, priority, kind and status: one
/// pass over the matching backlog (the unjudged breaches only, through their indexes).
pub fn review_counts(db: Db, now: DateTime<Utc>, filter: &ReviewFilter) -> Result<QueueCounts> {
    let (sql, w) = counts_sql(db, filter);
    let cap = COUNTS_CAP as i64 + 1;
    let rows = db.query_map(&sql, &w.params(db::params![ts(now), cap]), |r| {
        Ok((
            r.get::<String>(0)?,
            r.get::<String>(1)?,
            r.get::<String>(2)?,
            r.get::<String>(3)?,
            r.get::<i64>(4)?,
        ))
    })?;
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

/// The query of the counts and its filter's arguments: `?1` now, `?2` the cap, bound by the
/// caller before the filter's.
fn counts_sql(db: Db, filter: &ReviewFilter) -> (String, Where) {
    let w = filter_sql(db, filter, 3);
    // The customer is read only for the text filter: a lookup less per breach counted.
    let from = if w.sql.contains("cu.") {
        breach_from(db)
    } else {
        clock_ticket_from(db)
    };
    // Each arm stops at the cap too: over the union alone PostgreSQL joined every unjudged
    // breach to a whole read of the tickets before the outer limit (0.3-0.7 s at 1M tickets).
    let arm = |cond: &str, d: &str, name: &'static str| {
        format!(
            "SELECT * FROM (SELECT c.metric AS metric, t.priority AS priority, t.kind AS kind, t.status AS status
             FROM {from} WHERE {cond}{} LIMIT ?2){}",
            w.sql.replace("{d}", d),
            alias(db, name)
        )
    };
    // At most COUNTS_CAP + 1 rows are read: a million-ticket history may hold 400k unjudged
    // breaches, and the board counts on every filter change.
    let sql = format!(
        "SELECT metric, priority, kind, status, count(*)
         FROM (SELECT * FROM ({} UNION ALL {}){} LIMIT ?2){} GROUP BY 1, 2, 3, 4",
        arm(RECORDED, "c.breached_at", " AS recorded"),
        arm(LATE, "c.due_at", " AS late"),
        alias(db, " AS arms"),
        alias(db, " AS counted"),
    );
    (sql, w)
}

/// The plan for the counts, one step a line (each arm through its index, no sort).
pub fn review_counts_plan(db: Db, now: DateTime<Utc>, filter: &ReviewFilter) -> Result<String> {
    let (sql, w) = counts_sql(db, filter);
    let cap = COUNTS_CAP as i64 + 1;
    plans::explain(db, &sql, &w.params(db::params![ts(now), cap]))
}

/// Replaces the judgement of a breach with a newer one (an amendment): the `reviews` row holds
/// the judgement that counts; the log keeps both.
pub fn amend_review(db: Db, r: &Review) -> Result<()> {
    let j = &r.judgement;
    db.execute(
        "UPDATE reviews SET class = ?4, reason = ?5, remedy = ?6, amount_fen = ?7, note = ?8, judged_at = ?9,
                judged_by = ?10
         WHERE ticket_id = ?1 AND metric = ?2 AND cycle = ?3",
        db::params![
            r.ticket_id,
            &r.metric,
            i64::from(r.cycle),
            j.class.slug(),
            &j.reason,
            j.remedy.slug(),
            j.amount.map(|a| a.0),
            &j.note,
            ts(r.judged_at),
            &r.judged_by,
        ],
    )?;
    Ok(())
}

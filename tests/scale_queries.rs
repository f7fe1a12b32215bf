//! Issue 11: the reads that touch only what is shown give the same answers as the plain
//! queries they replaced (kept here as references over every row), and go through the
//! indexes meant for them. The answers are checked on both backends (`common`: with
//! `PROMPTLY_TEST_BACKEND=postgres` each test's database is a schema of its own); SQLite's
//! plans here, PostgreSQL's in `tests/pg_plans.rs`; the list's rows the triggers keep in
//! `tests/scale_nearest.rs`.

pub mod common;
use chrono::{Duration, TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::{Desk, FollowUp};
use promptly::domain::listing::{ListQuery, ListRow};
use promptly::domain::policy::Policy;
use promptly::domain::review::{BreachClass, Judgement, QueueOrder, Remedy, ReviewFilter};
use promptly::domain::ticket::{NewTicket, Priority, Status};
use promptly::store::{Access, Store};
use rusqlite::Connection;
use std::path::Path;

/// Why the plans below are checked on SQLite only.
const SQLITE_PLANS: &str = "SQLite's EXPLAIN QUERY PLAN; PostgreSQL's plans of the same reads are tests/pg_plans.rs";

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap() // Monday 10:00 in Shanghai
}

/// An instant as the store keeps it: seconds (migration 15).
fn ts(at: chrono::DateTime<Utc>) -> i64 {
    at.timestamp()
}

fn desk_at(path: &Path) -> Desk {
    Desk::new(
        common::store(path, Access::Create).unwrap(),
        Policy::builtin(),
        Clock::frozen(now()),
        "tester",
    )
}

/// A demo history, plus open tickets opened over the last days (some late, some not yet).
fn busy_desk(path: &Path) -> Desk {
    let mut desk = desk_at(path);
    desk.fill_demo(400, 11).unwrap();
    for h in 0..40 {
        desk.open_ticket(
            &NewTicket::titled(format!("open {h}")),
            Some(now() - Duration::hours(h * 3)),
        )
        .unwrap();
    }
    desk
}

/// The review queue as it was read before issue 11: both arms over every row, sorted whole.
fn queue_reference(path: &Path) -> Vec<(i64, String, u32)> {
    let sql = format!(
        "SELECT coalesce(c.breached_at, c.due_at) AS deadline, c.ticket_id, c.metric, c.cycle
         FROM clocks c JOIN tickets t ON t.id = c.ticket_id WHERE c.breached_at IS NOT NULL AND c.judged = 0
         UNION ALL
         SELECT coalesce(c.breached_at, c.due_at), c.ticket_id, c.metric, c.cycle
         FROM clocks c JOIN tickets t ON t.id = c.ticket_id
         WHERE c.met_at IS NULL AND c.breached_at IS NULL AND c.due_at < {} AND c.judged = 0
         ORDER BY deadline, ticket_id, metric, cycle",
        ts(now())
    );
    common::sql(path, &sql)
        .into_iter()
        .map(|r| (number(&r[1]), text(&r[2]), number(&r[3]) as u32))
        .collect()
}

/// A value `common::sql` read, as a number.
fn number(value: &Option<String>) -> i64 {
    value
        .as_deref()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{value:?}"))
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| panic!("NULL"))
}

/// `list` as it was read before issue 11: the nearest clock of every ticket, then the filter.
/// (SQLite's reference took the deadline of the row holding the minimum, which PostgreSQL
/// does not: it is the minimum itself, NULL when every unmet clock is paused.)
fn list_reference(path: &Path, statuses: &[&str], due_before: Option<i64>, limit: Option<usize>) -> Vec<i64> {
    let mut sql = String::from(
        "WITH nearest AS (SELECT ticket_id, min(coalesce(due_at, 9223372036854775807)) AS sort_key
             FROM clocks WHERE met_at IS NULL GROUP BY ticket_id)
         SELECT t.id FROM tickets t LEFT JOIN nearest n ON n.ticket_id = t.id WHERE 1 = 1",
    );
    if !statuses.is_empty() {
        let list: Vec<String> = statuses.iter().map(|s| format!("'{s}'")).collect();
        sql.push_str(&format!(" AND t.status IN ({})", list.join(", ")));
    }
    if let Some(before) = due_before {
        sql.push_str(&format!(
            " AND n.sort_key < 9223372036854775807 AND n.sort_key <= {before}"
        ));
    }
    sql.push_str(
        " ORDER BY n.sort_key IS NULL, n.sort_key,
           CASE WHEN n.sort_key IS NULL THEN NULL
                ELSE CASE t.priority WHEN 'urgent' THEN 0 WHEN 'important' THEN 1 ELSE 2 END END,
           CASE WHEN n.sort_key IS NULL THEN NULL ELSE t.opened_at END,
           CASE WHEN n.sort_key IS NULL THEN -t.id ELSE t.id END",
    );
    if let Some(limit) = limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    common::sql(path, &sql).iter().map(|r| number(&r[0])).collect()
}

fn tally(path: &Path) -> i64 {
    common::number(path, "SELECT n FROM tallies WHERE name = 'unjudged_breaches'")
}

fn recorded_unjudged(path: &Path) -> i64 {
    common::number(
        path,
        "SELECT count(*) FROM clocks WHERE breached_at IS NOT NULL AND judged = 0",
    )
}

#[test]
fn the_breach_tally_follows_every_write_and_the_count_matches_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut desk = busy_desk(&path);
    assert!(recorded_unjudged(&path) > 0, "the demo records breaches");
    assert_eq!(tally(&path), recorded_unjudged(&path));
    assert_eq!(desk.review_count().unwrap(), queue_reference(&path).len());

    // Judging, following up (clock rows rewritten) and recomputing all move the tally.
    let judgement = Judgement {
        class: BreachClass::Minor,
        reason: "Monday rush".into(),
        remedy: Remedy::Apology,
        amount: None,
        note: String::new(),
    };
    for b in desk.review_queue(Some(5)).unwrap() {
        desk.judge(b.ticket_id, &b.metric, Some(b.cycle), &judgement).unwrap();
        desk.follow_up(b.ticket_id, None, FollowUp::Note, "called back")
            .unwrap();
    }
    desk.recompute_active().unwrap();
    assert_eq!(tally(&path), recorded_unjudged(&path));
    let reference = queue_reference(&path);
    assert_eq!(desk.review_count().unwrap(), reference.len());
    let queue: Vec<_> = desk
        .review_queue(None)
        .unwrap()
        .into_iter()
        .map(|b| (b.ticket_id, b.metric, b.cycle))
        .collect();
    assert_eq!(queue, reference);
}

#[test]
fn the_review_queue_read_in_small_pages_is_the_whole_queue_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    drop(busy_desk(&path));
    let reference = queue_reference(&path);
    assert!(reference.len() > 20, "{}", reference.len());
    let store = common::store(&path, Access::ReadOnly).unwrap();
    let mut paged = Vec::new();
    let mut last = None;
    loop {
        let page = store
            .review_queue(
                now(),
                &ReviewFilter::default(),
                QueueOrder::OldestFirst,
                last.as_ref(),
                Some(7),
            )
            .unwrap();
        paged.extend(page.iter().map(|b| (b.ticket_id, b.metric.clone(), b.cycle)));
        if page.len() < 7 {
            break;
        }
        last = page.into_iter().last();
    }
    assert_eq!(paged, reference);
}

#[test]
fn list_gives_the_tickets_and_order_of_the_full_scan_it_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let desk = busy_desk(&path);
    let active = [Status::Open, Status::Waiting];
    let cases = [
        (vec![], None, Some(60)),
        (active.to_vec(), None, None),
        (active.to_vec(), Some(now()), None),
        (active.to_vec(), Some(now() + Duration::hours(4)), None),
        (vec![Status::Open, Status::Waiting, Status::Resolved], None, None),
    ];
    for (statuses, due_before, limit) in cases {
        let query = ListQuery {
            statuses: statuses.clone(),
            due_before,
            text: None,
            owner: None,
            limit,
        };
        let ids: Vec<i64> = desk.list(&query).unwrap().iter().map(|s| s.ticket.id).collect();
        let slugs: Vec<&str> = statuses.iter().map(|s| s.slug()).collect();
        let reference = list_reference(&path, &slugs, due_before.map(ts), limit);
        assert!(!reference.is_empty(), "{query:?}");
        assert_eq!(ids, reference, "{query:?}");
        let mut streamed = Vec::new();
        desk.visit_list(&query, |s| {
            streamed.push(s.clone());
            Ok::<_, promptly::desk::DeskError>(())
        })
        .unwrap();
        let streamed_ids: Vec<i64> = streamed.iter().map(|s| s.ticket.id).collect();
        assert_eq!(streamed_ids, reference, "{query:?}");
        // `list`'s table reads its rows apart from the tickets: the same rows, the same fields.
        let mut rows = Vec::new();
        desk.visit_rows(&query, |r| {
            rows.push(r.clone());
            Ok::<_, promptly::desk::DeskError>(())
        })
        .unwrap();
        let expected: Vec<ListRow> = streamed.into_iter().map(ListRow::from).collect();
        assert_eq!(rows, expected, "{query:?}");
    }
}

fn plan(conn: &Connection, sql: &str) -> String {
    let rows: Vec<String> = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.join("\n")
}

#[test]
fn the_header_count_reads_the_tally_and_the_late_running_clocks_only() {
    if common::file_only(
        "the_header_count_reads_the_tally_and_the_late_running_clocks_only",
        SQLITE_PLANS,
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    drop(desk_at(&path));
    let conn = Connection::open(&path).unwrap();
    let late = plan(
        &conn,
        "SELECT count(*) FROM clocks c WHERE c.met_at IS NULL AND c.breached_at IS NULL AND c.judged = 0
         AND c.due_at < unixepoch('2026-11-23T02:00:00Z')",
    );
    assert!(late.contains("clocks_late_unrecorded"), "{late}");
    let page = plan(
        &conn,
        "SELECT c.ticket_id FROM clocks c WHERE c.breached_at IS NOT NULL AND c.judged = 0
         AND (c.breached_at, c.ticket_id, c.metric, c.cycle) > (-9223372036854775808, 0, '', 0)
         ORDER BY c.breached_at, c.ticket_id, c.metric, c.cycle LIMIT 50",
    );
    assert!(
        page.contains("clocks_unjudged_breach") && !page.contains("TEMP B-TREE"),
        "{page}"
    );
}

/// Issue 12 item 6: on the same deadline urgent sorts first, then important, then normal, and
/// within a priority the older ticket first; the list still searches tickets by status and clocks by ticket.
#[test]
fn same_deadline_sorts_by_priority_then_age_through_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut desk = desk_at(&path);
    let mut ids = Vec::new();
    for (h, priority) in [
        (5, Priority::Normal),
        (4, Priority::Urgent),
        (3, Priority::Important),
        (2, Priority::Urgent),
        (1, Priority::Normal),
    ] {
        let mut new = NewTicket::titled(format!("{priority:?} opened {h}h ago"));
        new.priority = priority;
        ids.push(desk.open_ticket(&new, Some(now() - Duration::hours(h))).unwrap().id);
    }
    // One deadline for every running clock: only priority and age can order them.
    common::sql(
        &path,
        &format!(
            "UPDATE clocks SET due_at = {} WHERE met_at IS NULL",
            ts(now() + Duration::hours(2))
        ),
    );
    let query = ListQuery {
        statuses: vec![Status::Open],
        ..Default::default()
    };
    let listed: Vec<i64> = desk.list(&query).unwrap().iter().map(|s| s.ticket.id).collect();
    assert_eq!(listed, vec![ids[1], ids[3], ids[2], ids[0], ids[4]]);
    if common::file_only(
        "same_deadline_sorts_by_priority_then_age_through_the_index (its plan)",
        SQLITE_PLANS,
    ) {
        return;
    }
    let plan = Store::open(&path, Access::ReadOnly).unwrap().list_plan(&query).unwrap();
    // The list's rows are kept in list order (deadline, priority, age): nothing is sorted.
    assert!(plan.starts_with("SEARCH d USING PRIMARY KEY"), "{plan}");
    assert!(plan.lines().all(|l| !l.starts_with("SCAN")), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
}

#[test]
fn the_first_page_and_the_header_counts_are_those_of_the_full_board() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let desk = busy_desk(&path);
    let query = ListQuery {
        statuses: vec![Status::Open, Status::Waiting, Status::Resolved],
        ..Default::default()
    };
    let full = desk.board_rows(&query).unwrap();
    for n in [1, 7, 20, full.len() + 5] {
        let page = desk.board_page(&query, n).unwrap();
        assert_eq!(page, full[..n.min(full.len())], "first {n}");
    }
    let mut expected = promptly::desk::BoardCounts::default();
    for row in &full {
        match row.status {
            Status::Open => expected.open += 1,
            Status::Waiting => expected.waiting += 1,
            Status::Resolved => expected.resolved += 1,
            Status::Closed => {}
        }
        if row.status.is_active() {
            match row.live(now()) {
                promptly::desk::Live::Warning => expected.warning += 1,
                promptly::desk::Live::Breached => expected.breached += 1,
                _ => {}
            }
        }
    }
    assert!(expected.warning > 0 && expected.breached > 0, "{expected:?}");
    assert_eq!(desk.board_counts().unwrap(), expected);
}

#[test]
fn a_deadline_list_walks_the_running_deadlines_in_order_without_sorting_them() {
    if common::file_only(
        "a_deadline_list_walks_the_running_deadlines_in_order_without_sorting_them",
        SQLITE_PLANS,
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    drop(desk_at(&path));
    let conn = Connection::open(&path).unwrap();
    // `store::listing::visit_due`, as `list --overdue` asks it.
    let query = ListQuery {
        statuses: vec![Status::Open, Status::Waiting],
        due_before: Some(now()),
        ..Default::default()
    };
    let due = Store::open(&path, Access::ReadOnly).unwrap().list_plan(&query).unwrap();
    // One range of the list's rows (migration 13), keyed by deadline: no clock, ticket or
    // customer row is read, nothing is sorted.
    assert_eq!(due, "SEARCH d USING PRIMARY KEY (due_at<?)", "{due}");
    let searched = ListQuery {
        text: Some("kettle".into()),
        ..query.clone()
    };
    let due = Store::open(&path, Access::ReadOnly)
        .unwrap()
        .list_plan(&searched)
        .unwrap();
    assert!(due.starts_with("SEARCH d USING PRIMARY KEY (due_at<?)"), "{due}");
    assert!(due.contains("SEARCH t USING INTEGER PRIMARY KEY (rowid=?)"), "{due}");
    assert!(!due.contains("TEMP B-TREE"), "{due}");
    // An owner (`list --mine --overdue`, issue 16): the same range, each row's ticket by key;
    // the plain list above still reads no ticket row.
    let mine = ListQuery {
        owner: Some("tester".into()),
        ..query.clone()
    };
    let due = Store::open(&path, Access::ReadOnly).unwrap().list_plan(&mine).unwrap();
    assert!(due.starts_with("SEARCH d USING PRIMARY KEY (due_at<?)"), "{due}");
    assert!(due.contains("SEARCH t USING") && due.contains("rowid=?)"), "{due}");
    assert!(!due.contains("TEMP B-TREE"), "{due}");
    // The header's pass (`store::listing::visit_nearest_deadlines`): no ticket row is read.
    let header = plan(
        &conn,
        "SELECT n.ticket_id FROM clocks n INDEXED BY clocks_running_due CROSS JOIN tickets t INDEXED BY tickets_status
           ON t.id = n.ticket_id AND t.status IN ('open', 'waiting')
         WHERE n.met_at IS NULL AND n.due_at IS NOT NULL ORDER BY n.due_at, t.id DESC, n.metric, n.cycle",
    );
    assert!(header.contains("COVERING INDEX tickets_status"), "{header}");
    let counts = plan(&conn, "SELECT count(*) FROM tickets WHERE status = 'open'");
    assert!(counts.contains("COVERING INDEX tickets_status"), "{counts}");
    // The list's rows remade after a bulk run (and checked by `verify`): running clocks only.
    let remade = plan(
        &conn,
        "SELECT * FROM nearest_deadline_rows n WHERE (n.metric, n.cycle) = (SELECT metric, cycle FROM clocks
         WHERE ticket_id = n.ticket_id AND met_at IS NULL AND due_at IS NOT NULL ORDER BY due_at, metric, cycle LIMIT 1)",
    );
    assert!(
        remade.contains("clocks_running_due") && !remade.contains("SCAN"),
        "{remade}"
    );
    // One ticket's row as its triggers remake it: its running clocks, its ticket and customer by key.
    let one = plan(
        &conn,
        "SELECT * FROM nearest_deadline_rows WHERE ticket_id = 5 ORDER BY due_at, metric, cycle LIMIT 1",
    );
    assert!(
        one.contains("clocks_running_by_ticket") && !one.contains("SCAN"),
        "{one}"
    );
}

/// Issue 16: a list by owner is the whole list's order with other owners' tickets left out,
/// with and without a deadline bound, on a demo's history (four owners) and tickets opened here.
#[test]
fn a_list_by_owner_is_the_full_list_filtered_by_owner() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut desk = busy_desk(&path);
    // A few transfers, and one ticket nobody owns (from before owners were kept).
    for id in [3, 50, 401] {
        let to = if desk.view(id).unwrap().ticket.owner == "li.na" {
            "tester"
        } else {
            "li.na"
        };
        desk.transfer(id, None, to, "covering").unwrap();
    }
    common::sql(&path, "UPDATE tickets SET owner = '' WHERE id = 402");
    let owners: std::collections::HashMap<i64, String> = common::sql(&path, "SELECT id, owner FROM tickets")
        .iter()
        .map(|r| (number(&r[0]), text(&r[1])))
        .collect();
    let owner_of = |id: i64| -> &str { &owners[&id] };
    let mut seen_owners = std::collections::BTreeSet::new();
    for due_before in [None, Some(now())] {
        for statuses in [vec![Status::Open, Status::Waiting], vec![]] {
            let all = ListQuery {
                statuses: statuses.clone(),
                due_before,
                ..Default::default()
            };
            let every: Vec<i64> = desk.list(&all).unwrap().iter().map(|s| s.ticket.id).collect();
            for owner in ["tester", "li.na", "wang.fang", "zhang.wei", ""] {
                let mine = ListQuery {
                    owner: Some(owner.to_string()),
                    ..all.clone()
                };
                let got: Vec<i64> = desk.list(&mine).unwrap().iter().map(|s| s.ticket.id).collect();
                let want: Vec<i64> = every.iter().copied().filter(|id| owner_of(*id) == owner).collect();
                assert_eq!(got, want, "{mine:?}");
                if !got.is_empty() {
                    seen_owners.insert(owner);
                }
            }
        }
    }
    assert_eq!(seen_owners.len(), 5, "every owner has tickets: {seen_owners:?}");
}

//! Issue 11: the reads that touch only what is shown give the same answers as the plain
//! queries they replaced (kept here as references over every row), and go through the
//! indexes meant for them.

use chrono::{Duration, TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::{Desk, FollowUp};
use promptly::domain::listing::ListQuery;
use promptly::domain::policy::Policy;
use promptly::domain::review::{BreachClass, Judgement, QueueOrder, Remedy, ReviewFilter};
use promptly::domain::ticket::{NewTicket, Priority, Status};
use promptly::store::{Access, Store};
use rusqlite::Connection;
use std::path::Path;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap() // Monday 10:00 in Shanghai
}

fn ts(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn desk_at(path: &Path) -> Desk {
    Desk::new(
        Store::open(path, Access::Create).unwrap(),
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
fn queue_reference(conn: &Connection) -> Vec<(i64, String, u32)> {
    let sql = "SELECT coalesce(c.breached_at, c.due_at) AS deadline, c.ticket_id, c.metric, c.cycle
         FROM clocks c JOIN tickets t ON t.id = c.ticket_id WHERE c.breached_at IS NOT NULL AND c.judged = 0
         UNION ALL
         SELECT coalesce(c.breached_at, c.due_at), c.ticket_id, c.metric, c.cycle
         FROM clocks c JOIN tickets t ON t.id = c.ticket_id
         WHERE c.met_at IS NULL AND c.breached_at IS NULL AND c.due_at < ?1 AND c.judged = 0
         ORDER BY deadline, ticket_id, metric, cycle";
    conn.prepare(sql)
        .unwrap()
        .query_map([ts(now())], |r| Ok((r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// `list` as it was read before issue 11: the nearest clock of every ticket, then the filter.
fn list_reference(conn: &Connection, statuses: &[&str], due_before: Option<String>, limit: Option<usize>) -> Vec<i64> {
    let mut sql = String::from(
        "WITH nearest AS (SELECT ticket_id, due_at, min(coalesce(due_at, '~')) AS sort_key
             FROM clocks WHERE met_at IS NULL GROUP BY ticket_id)
         SELECT t.id FROM tickets t LEFT JOIN nearest n ON n.ticket_id = t.id WHERE 1 = 1",
    );
    if !statuses.is_empty() {
        let list: Vec<String> = statuses.iter().map(|s| format!("'{s}'")).collect();
        sql.push_str(&format!(" AND t.status IN ({})", list.join(", ")));
    }
    if let Some(before) = due_before {
        sql.push_str(&format!(" AND n.due_at IS NOT NULL AND n.due_at <= '{before}'"));
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
    conn.prepare(&sql)
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn tally(conn: &Connection) -> i64 {
    conn.query_row("SELECT n FROM tallies WHERE name = 'unjudged_breaches'", [], |r| {
        r.get(0)
    })
    .unwrap()
}

fn recorded_unjudged(conn: &Connection) -> i64 {
    conn.query_row(
        "SELECT count(*) FROM clocks WHERE breached_at IS NOT NULL AND judged = 0",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn the_breach_tally_follows_every_write_and_the_count_matches_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut desk = busy_desk(&path);
    let conn = Connection::open(&path).unwrap();
    assert!(recorded_unjudged(&conn) > 0, "the demo records breaches");
    assert_eq!(tally(&conn), recorded_unjudged(&conn));
    assert_eq!(desk.review_count().unwrap(), queue_reference(&conn).len());

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
    assert_eq!(tally(&conn), recorded_unjudged(&conn));
    let reference = queue_reference(&conn);
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
    let reference = queue_reference(&Connection::open(&path).unwrap());
    assert!(reference.len() > 20, "{}", reference.len());
    let store = Store::open(&path, Access::ReadOnly).unwrap();
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
    let conn = Connection::open(&path).unwrap();
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
            limit,
        };
        let ids: Vec<i64> = desk.list(&query).unwrap().iter().map(|s| s.ticket.id).collect();
        let slugs: Vec<&str> = statuses.iter().map(|s| s.slug()).collect();
        let reference = list_reference(&conn, &slugs, due_before.map(ts), limit);
        assert!(!reference.is_empty(), "{query:?}");
        assert_eq!(ids, reference, "{query:?}");
        let mut streamed = Vec::new();
        desk.visit_list(&query, |s| {
            streamed.push(s.ticket.id);
            Ok::<_, promptly::desk::DeskError>(())
        })
        .unwrap();
        assert_eq!(streamed, reference, "{query:?}");
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
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    drop(desk_at(&path));
    let conn = Connection::open(&path).unwrap();
    let late = plan(
        &conn,
        "SELECT count(*) FROM clocks c WHERE c.met_at IS NULL AND c.breached_at IS NULL AND c.judged = 0
         AND c.due_at < '2026-11-23T02:00:00Z'",
    );
    assert!(late.contains("clocks_late_unrecorded"), "{late}");
    let page = plan(
        &conn,
        "SELECT c.ticket_id FROM clocks c WHERE c.breached_at IS NOT NULL AND c.judged = 0
         AND (c.breached_at, c.ticket_id, c.metric, c.cycle) > ('', 0, '', 0)
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
    let conn = Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE clocks SET due_at = ?1 WHERE met_at IS NULL",
        [ts(now() + Duration::hours(2))],
    )
    .unwrap();
    let query = ListQuery {
        statuses: vec![Status::Open],
        ..Default::default()
    };
    let listed: Vec<i64> = desk.list(&query).unwrap().iter().map(|s| s.ticket.id).collect();
    assert_eq!(listed, vec![ids[1], ids[3], ids[2], ids[0], ids[4]]);
    let plan = Store::open(&path, Access::ReadOnly).unwrap().list_plan(&query).unwrap();
    // Clocks by deadline, tickets by key: the extra sort keys only order one deadline's ties.
    assert!(plan.contains("clocks_running_due"), "{plan}");
    assert!(plan.lines().all(|l| !l.starts_with("SCAN")), "{plan}");
    assert!(!plan.contains("TEMP B-TREE FOR ORDER BY"), "{plan}");
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
    assert!(due.contains("clocks_running_due (due_at<?)"), "{due}");
    // Every column of a running clock is in its index (migration 11): no clock row is read.
    assert!(due.contains("COVERING INDEX clocks_running_due"), "{due}");
    // Only ties of one deadline are sorted ("RIGHT PART" / "LAST 3 TERMS"), never the whole.
    assert!(!due.contains("TEMP B-TREE FOR ORDER BY"), "{due}");
    // The header's pass (`store::listing::visit_nearest_deadlines`): no ticket row is read.
    let header = plan(
        &conn,
        "SELECT n.ticket_id FROM clocks n INDEXED BY clocks_running_due CROSS JOIN tickets t INDEXED BY tickets_status
           ON t.id = n.ticket_id AND t.status IN ('open', 'waiting')
         WHERE n.met_at IS NULL AND n.due_at <= '~' ORDER BY n.due_at, t.id DESC, n.metric, n.cycle",
    );
    assert!(header.contains("COVERING INDEX tickets_status"), "{header}");
    let counts = plan(&conn, "SELECT count(*) FROM tickets WHERE status = 'open'");
    assert!(counts.contains("COVERING INDEX tickets_status"), "{counts}");
}

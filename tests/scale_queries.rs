//! Issue 11: the reads that touch only what is shown give the same answers as the plain
//! queries they replaced (kept here as references over every row), and go through the
//! indexes meant for them.

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

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap() // Monday 10:00 in Shanghai
}

/// An instant as the store keeps it: seconds (migration 15).
fn ts(at: chrono::DateTime<Utc>) -> i64 {
    at.timestamp()
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
fn list_reference(conn: &Connection, statuses: &[&str], due_before: Option<i64>, limit: Option<usize>) -> Vec<i64> {
    let mut sql = String::from(
        "WITH nearest AS (SELECT ticket_id, due_at, min(coalesce(due_at, 9223372036854775807)) AS sort_key
             FROM clocks WHERE met_at IS NULL GROUP BY ticket_id)
         SELECT t.id FROM tickets t LEFT JOIN nearest n ON n.ticket_id = t.id WHERE 1 = 1",
    );
    if !statuses.is_empty() {
        let list: Vec<String> = statuses.iter().map(|s| format!("'{s}'")).collect();
        sql.push_str(&format!(" AND t.status IN ({})", list.join(", ")));
    }
    if let Some(before) = due_before {
        sql.push_str(&format!(" AND n.due_at IS NOT NULL AND n.due_at <= {before}"));
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
            owner: None,
            limit,
        };
        let ids: Vec<i64> = desk.list(&query).unwrap().iter().map(|s| s.ticket.id).collect();
        let slugs: Vec<&str> = statuses.iter().map(|s| s.slug()).collect();
        let reference = list_reference(&conn, &slugs, due_before.map(ts), limit);
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

/// `nearest_deadlines` as it should be, worked out here from the clock, ticket and customer
/// rows (not through the migration's view): per ticket, the running clock with a deadline that
/// comes first by deadline, metric and cycle, beside the ticket's listed fields.
fn nearest_reference(conn: &Connection) -> Vec<Vec<rusqlite::types::Value>> {
    use std::collections::BTreeMap;
    type Clock = (i64, String, i64, Vec<rusqlite::types::Value>);
    let mut nearest: BTreeMap<i64, Clock> = BTreeMap::new();
    let mut clocks = conn
        .prepare(
            "SELECT ticket_id, due_at, metric, cycle, state, target, started_at, breached_at, paused_secs,
                    remaining_secs, met_at FROM clocks",
        )
        .unwrap();
    let mut rows = clocks.query([]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        let met: Option<i64> = r.get(10).unwrap();
        let Some(due) = r.get::<_, Option<i64>>(1).unwrap() else {
            continue;
        };
        if met.is_some() {
            continue;
        }
        let key = (due, r.get::<_, String>(2).unwrap(), r.get::<_, i64>(3).unwrap());
        let rest: Vec<rusqlite::types::Value> = (4..10).map(|i| r.get(i).unwrap()).collect();
        let id: i64 = r.get(0).unwrap();
        if nearest
            .get(&id)
            .is_none_or(|c| (&key.0, &key.1, key.2) < (&c.0, &c.1, c.2))
        {
            nearest.insert(id, (key.0, key.1, key.2, rest));
        }
    }
    let mut ticket = conn
        .prepare(
            "SELECT t.priority, t.opened_at, t.status, t.title, c.name, c.phone
             FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?1",
        )
        .unwrap();
    let mut out: Vec<Vec<rusqlite::types::Value>> = nearest
        .into_iter()
        .map(|(id, (due, metric, cycle, rest))| {
            let (priority, opened, status, title, name, phone): (String, i64, String, String, String, String) = ticket
                .query_row([id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
                })
                .unwrap();
            let rank = ["urgent", "important"].iter().position(|p| *p == priority).unwrap_or(2) as i64;
            let mut row: Vec<rusqlite::types::Value> = vec![
                due.into(),
                rank.into(),
                opened.into(),
                id.into(),
                status.into(),
                priority.into(),
                title.into(),
                name.into(),
                phone.into(),
                metric.into(),
                cycle.into(),
            ];
            row.extend(rest);
            row
        })
        .collect();
    out.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    out
}

fn nearest_kept(conn: &Connection) -> Vec<Vec<rusqlite::types::Value>> {
    let mut stmt = conn.prepare("SELECT * FROM nearest_deadlines").unwrap();
    let width = stmt.column_count();
    let mut out: Vec<Vec<rusqlite::types::Value>> = stmt
        .query_map([], |r| (0..width).map(|i| r.get(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    out.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    out
}

/// Migration 13: the list's row of each ticket with a running deadline follows every kind of
/// write (follow-ups meeting clocks, waiting and back, resolving and reopening, closing, edits
/// of what the list shows, judging, recomputing, new tickets), and `verify` notices a row
/// changed behind the triggers' back.
#[test]
fn the_nearest_deadlines_follow_every_write_and_verify_checks_them() {
    use promptly::desk::Edit;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut desk = busy_desk(&path);
    let conn = Connection::open(&path).unwrap();
    assert!(nearest_kept(&conn).len() > 20, "the busy desk has running deadlines");
    assert_eq!(nearest_kept(&conn), nearest_reference(&conn));
    let judgement = Judgement {
        class: BreachClass::Major,
        reason: "no answer".into(),
        remedy: Remedy::Apology,
        amount: None,
        note: String::new(),
    };
    let active = ListQuery {
        statuses: vec![Status::Open, Status::Waiting, Status::Resolved],
        ..Default::default()
    };
    let mut seed: u64 = 11;
    let mut taken = 0;
    for step in 0..120 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let ids: Vec<i64> = desk.list(&active).unwrap().iter().map(|s| s.ticket.id).collect();
        let id = ids[(seed >> 33) as usize % ids.len()];
        let done = match (seed >> 20) % 11 {
            0 => desk.follow_up(id, None, FollowUp::Note, "still looking").map(drop),
            1 => desk
                .follow_up(
                    id,
                    None,
                    FollowUp::Contact {
                        method: promptly::domain::log::ContactMethod::Call,
                        direction: promptly::domain::log::Direction::Outbound,
                    },
                    "called",
                )
                .map(drop),
            2 => desk.follow_up(id, None, FollowUp::Plan, "part ordered").map(drop),
            3 => desk.change_status(id, None, Status::Waiting, "").map(drop),
            4 => desk.change_status(id, None, Status::Open, "").map(drop),
            5 => desk.change_status(id, None, Status::Resolved, "fixed").map(drop),
            6 => desk.edit(id, None, &[Edit::Title(format!("renamed {step}"))]).map(drop),
            7 => desk.edit(id, None, &[Edit::Priority(Priority::Urgent)]).map(drop),
            8 => desk
                .edit(
                    id,
                    None,
                    &[
                        Edit::CustomerName(format!("Customer {step}")),
                        Edit::Phone("13800138000".into()),
                    ],
                )
                .map(drop),
            9 => desk.close(id, None, "customer confirmed", "").map(drop),
            _ => match desk.review_queue(Some(1)).unwrap().pop() {
                Some(b) => desk.judge(b.ticket_id, &b.metric, Some(b.cycle), &judgement).map(drop),
                None => Ok(()),
            },
        };
        // Some moves are refused (closing an open ticket, say): a refusal writes nothing.
        taken += usize::from(done.is_ok());
        if step % 40 == 39 {
            desk.recompute_active().unwrap();
            desk.open_ticket(
                &NewTicket::titled(format!("new {step}")),
                Some(now() - Duration::hours(30)),
            )
            .unwrap();
        }
        assert_eq!(nearest_kept(&conn), nearest_reference(&conn), "after step {step}");
    }
    assert!(taken > 60, "{taken} of 120 writes taken");
    // Writes of the ticket or customer row alone (the desk rewrites a ticket's clocks with
    // every change, so only these show that the ticket and customer triggers work).
    conn.execute(
        "UPDATE tickets SET title = 'retitled elsewhere' WHERE id = (SELECT max(ticket_id) FROM nearest_deadlines)",
        [],
    )
    .unwrap();
    conn.execute(
        "UPDATE customers SET name = 'Renamed Elsewhere' WHERE id =
             (SELECT customer_id FROM tickets WHERE id = (SELECT min(ticket_id) FROM nearest_deadlines))",
        [],
    )
    .unwrap();
    let kept = nearest_kept(&conn);
    assert!(
        kept.iter()
            .any(|r| r[6] == rusqlite::types::Value::Text("retitled elsewhere".into()))
    );
    assert!(
        kept.iter()
            .any(|r| r[7] == rusqlite::types::Value::Text("Renamed Elsewhere".into()))
    );
    assert_eq!(kept, nearest_reference(&conn));
    assert!(desk.verify().unwrap().findings.is_empty());

    // A row changed behind the triggers' back is found, named by its ticket.
    let (victim, other): (i64, i64) = conn
        .query_row(
            "SELECT min(ticket_id), max(ticket_id) FROM nearest_deadlines",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    conn.execute("DELETE FROM nearest_deadlines WHERE ticket_id = ?1", [victim])
        .unwrap();
    conn.execute(
        "UPDATE nearest_deadlines SET title = 'not the title' WHERE ticket_id = ?1",
        [other],
    )
    .unwrap();
    let findings = desk.verify().unwrap().findings;
    assert_eq!(
        findings,
        vec![
            promptly::store::verify::Finding::DeadlineRowDiffers { ticket_id: victim },
            promptly::store::verify::Finding::DeadlineRowDiffers { ticket_id: other },
        ]
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
    let conn = Connection::open(&path).unwrap();
    conn.execute("UPDATE tickets SET owner = '' WHERE id = 402", [])
        .unwrap();
    let owner_of = |id: i64| -> String {
        conn.query_row("SELECT owner FROM tickets WHERE id = ?1", [id], |r| r.get(0))
            .unwrap()
    };
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

//! PostgreSQL's counterparts of the plan checks in `tests/scale_queries.rs` and
//! `tests/review_queue.rs` (`PROMPTLY_TEST_PG`; see `common/pg.rs`): the reads the board,
//! `list` and the review queue make, their SQL and values the store's own (`Store::plan`),
//! explained on a small demo schema (2,000 tickets, 400 open) by sessions that say whether
//! an index CAN serve each read, whatever the planner would pick on so few rows:
//! - [`LOOKUPS`]: no sequential scan, hash or merge join. A read no index can serve still
//!   shows a Seq Scan (at a prohibitive cost), or an index read whole for want of a condition.
//! - [`ORDERED`]: besides, no sort. A read no index gives in order still shows a Sort.
//!
//! Each test is named `pg_...` and prints a SKIPPED line without a server. What the planner
//! picks at scale (1M tickets) is a measurement, not a test: see the README.

#[path = "common/pg.rs"]
pub mod pg;

use chrono::{DateTime, Duration, TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::desk::demo::DemoShape;
use promptly::domain::listing::ListQuery;
use promptly::domain::policy::Policy;
use promptly::domain::review::{Openness, QueueOrder, ReviewFilter};
use promptly::domain::ticket::{Kind, NewTicket, Priority, Status};
use promptly::store::{Read, Store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap() // Monday 10:00 in Shanghai
}

/// Planner settings (the URL's `options`) under which the plan shows whether indexes can
/// serve a read row by row: no table read whole, no hash or merge join of whole inputs.
/// (JIT off: the prohibitive costs would otherwise add its lines to every plan.)
const LOOKUPS: &str = "-cenable_seqscan%3Doff%20-cenable_hashjoin%3Doff%20-cenable_mergejoin%3Doff%20-cjit%3Doff";

/// [`LOOKUPS`], and no sort: the plan shows whether an index gives a read's order.
const ORDERED: &str = "-cenable_seqscan%3Doff%20-cenable_hashjoin%3Doff%20-cenable_mergejoin%3Doff%20-cjit%3Doff\
                       %20-cenable_sort%3Doff%20-cenable_incremental_sort%3Doff";

/// Partial indexes of the working set (running clocks, unjudged breaches): read whole, they
/// hold what is open now, never the history (the header walks every running deadline; a
/// page of the queue reads one of them until its limit).
const WORKING_SET: [&str; 6] = [
    "clocks_running_due",
    "clocks_running_by_ticket",
    "clocks_unjudged_breach",
    "clocks_unjudged_breach_metric",
    "clocks_late_unrecorded",
    "clocks_late_unrecorded_metric",
];

/// The demo's history with 400 tickets open or waiting, and open tickets opened over the last
/// days (some late, some not yet), on the scratch schema, its tables' statistics gathered;
/// then stores on it whose sessions plan under [`LOOKUPS`] and [`ORDERED`].
fn planned(s: &mut pg::Scratch) -> (Store, Store) {
    let mut desk = Desk::new(pg::store(s), Policy::builtin(), Clock::frozen(now()), "tester");
    desk.fill_demo_shaped(DemoShape {
        tickets: 2_000,
        open: Some(400),
        seed: 11,
    })
    .unwrap();
    for h in 0..30 {
        desk.open_ticket(
            &NewTicket::titled(format!("open {h}")),
            Some(now() - Duration::hours(h * 3)),
        )
        .unwrap();
    }
    drop(desk);
    // As autovacuum leaves a table: its statistics gathered, its pages marked all-visible (so
    // an index that holds every column a read needs can serve it alone). The schema's own
    // tables only: a bare VACUUM would take every schema of the database.
    let tables: Vec<String> = s
        .client
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    s.client
        .batch_execute(&format!("VACUUM ANALYZE {}", tables.join(", ")))
        .unwrap();
    let open = |settings: &str| {
        let url = format!("{}%20{settings}", pg::url(s));
        Store::open_server(&url).unwrap_or_else(|e| panic!("{}: {e}", s.shown))
    };
    (open(LOOKUPS), open(ORDERED))
}

/// The plan of `sql` under [`LOOKUPS`] on the scratch schema, for SQL the store does not send
/// itself (a trigger function's, `verify`'s).
fn explain(s: &mut pg::Scratch, sql: &str) -> String {
    let mut tx = s.client.transaction().unwrap();
    tx.batch_execute(
        "SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off",
    )
    .unwrap();
    let lines: Vec<String> = tx
        .query(&format!("EXPLAIN (FORMAT TEXT) {sql}"), &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    lines.join("\n")
}

/// A plan's nodes, each its line and the property lines under it (keys, conditions, filters).
/// A plan of several statements is their plans one after another, each from its top node.
fn nodes(plan: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in plan.lines() {
        let trimmed = line.trim_start();
        match trimmed.strip_prefix("->") {
            Some(node) => out.push((node.trim_start().to_string(), Vec::new())),
            None if trimmed.len() == line.len() => out.push((line.to_string(), Vec::new())),
            None => {
                if let Some(last) = out.last_mut() {
                    last.1.push(trimmed.to_string());
                }
            }
        }
    }
    out
}

/// The index a scan node reads, if it is one.
fn index_of(node: &str) -> Option<&str> {
    let after = node
        .split_once(" using ")
        .or_else(|| node.split_once("Bitmap Index Scan on "))?
        .1;
    after.split([' ', '(']).next()
}

/// The reads of `plan` that take a whole table: sequential scans, and index scans with no
/// condition of an index that is not of the working set ([`WORKING_SET`]).
fn whole_reads(plan: &str) -> Vec<String> {
    nodes(plan)
        .into_iter()
        .filter(|(node, props)| {
            if node.starts_with("Seq Scan") {
                return true;
            }
            let scan = node.starts_with("Index Scan")
                || node.starts_with("Index Only Scan")
                || node.starts_with("Bitmap Index Scan");
            scan && !props.iter().any(|p| p.starts_with("Index Cond:"))
                && index_of(node).is_some_and(|i| !WORKING_SET.contains(&i))
        })
        .map(|(node, _)| node)
        .collect()
}

/// Fails when `plan` reads a table whole.
fn no_whole_read(plan: &str) {
    assert_eq!(whole_reads(plan), Vec::<String>::new(), "a table read whole:\n{plan}");
}

/// The sort nodes of `plan` (Sort, Incremental Sort), each with its key.
fn sorts(plan: &str) -> Vec<String> {
    nodes(plan)
        .into_iter()
        .filter(|(node, _)| node.starts_with("Sort ") || node.starts_with("Incremental Sort "))
        .map(|(node, props)| format!("{node} {}", props.first().map_or("", String::as_str)))
        .collect()
}

/// Whether `plan` reads `index` (any scan of it).
fn uses(plan: &str, index: &str) -> bool {
    nodes(plan).iter().any(|(node, _)| index_of(node) == Some(index))
}

/// Whether `plan` reads a range of `index`: a scan of it with a condition on its key.
fn ranges(plan: &str, index: &str) -> bool {
    nodes(plan)
        .iter()
        .any(|(node, props)| index_of(node) == Some(index) && props.iter().any(|p| p.starts_with("Index Cond:")))
}

/// The index conditions of the scans of `plan` reading an index named `prefix`...
fn conditions(plan: &str, prefix: &str) -> Vec<String> {
    nodes(plan)
        .into_iter()
        .filter(|(node, _)| index_of(node).is_some_and(|i| i.starts_with(prefix)))
        .filter_map(|(_, props)| props.into_iter().find(|p| p.starts_with("Index Cond:")))
        .collect()
}

/// `scale_queries::the_header_count_reads_the_tally_and_the_late_running_clocks_only`: the
/// late running clocks are counted from their index; and `review_queue`'s plan test: a page
/// of the queue reads each arm from its index in queue order (only the merge of the two
/// pages may sort), its counts from the same indexes.
#[test]
fn pg_the_late_count_and_the_queue_read_their_indexes_in_queue_order() {
    let Some(mut s) = pg::scratch("pg_the_late_count_and_the_queue_read_their_indexes_in_queue_order") else {
        return;
    };
    let (lookups, ordered) = planned(&mut s);
    let late = lookups.plan(Read::LateCount(now())).unwrap();
    no_whole_read(&late);
    // Either index of the late unrecorded clocks (SQLite's test takes either too).
    assert!(late.contains(" clocks_late_unrecorded"), "{late}");
    assert!(
        !late.contains(" on tickets") && !late.contains("clocks_breached"),
        "{late}"
    );
    let filters = [
        ReviewFilter::default(),
        ReviewFilter {
            metric: Some("resolution".into()),
            ..Default::default()
        },
        ReviewFilter {
            from: Some(now() - Duration::days(7)),
            to: Some(now()),
            priority: Some(Priority::Urgent),
            kind: Some(Kind::Quality),
            status: Some(Openness::Open),
            text: Some("kettle".into()),
            ..Default::default()
        },
    ];
    for filter in filters {
        for order in [QueueOrder::NewestFirst, QueueOrder::OldestFirst] {
            let plan = ordered.plan(Read::ReviewQueue(now(), &filter, order)).unwrap();
            no_whole_read(&plan);
            // Each arm a range of an index of its own rows (the unjudged breaches; the late
            // running clocks, or every running clock as SQLite's test allows), from the cursor.
            let recorded = conditions(&plan, "clocks_unjudged_breach");
            let late = conditions(&plan, "clocks_late_unrecorded");
            assert!(!recorded.is_empty(), "{filter:?} {order:?}\n{plan}");
            assert!(
                !late.is_empty() || ranges(&plan, "clocks_running_due"),
                "{filter:?} {order:?}\n{plan}"
            );
            // A metric is found in the index: its own (SQLite's), or the metric column every
            // index of the unjudged breaches holds since migration 2 (PostgreSQL's choice).
            if filter.metric.is_some() {
                assert!(recorded.iter().all(|c| c.contains("metric = ")), "{recorded:?}\n{plan}");
            }
            // Only the merge of the two pages (each at most a page long) may sort, never an arm.
            for sort in sorts(&plan) {
                assert!(sort.contains("Sort Key: recorded.deadline"), "{sort}\n{plan}");
            }
        }
        // The counts: the unjudged breaches and the late running clocks from an index of each
        // (by metric or not: either holds every column the count reads).
        let counts = lookups.plan(Read::ReviewCounts(now(), &filter)).unwrap();
        no_whole_read(&counts);
        let from = |prefix: &str| {
            nodes(&counts)
                .iter()
                .any(|(n, _)| index_of(n).is_some_and(|i| i.starts_with(prefix)))
        };
        // Or, for a filter on the ticket narrow enough, from the tickets of that status (a
        // range of `tickets_status`, each arm capped): PostgreSQL's choice on a fresh cluster.
        let by_ticket = ranges(&counts, "tickets_status");
        assert!(
            by_ticket || (from("clocks_unjudged_breach") && from("clocks_late_unrecorded")),
            "{filter:?}\n{counts}"
        );
    }
}

/// `scale_queries::same_deadline_sorts_by_priority_then_age_through_the_index`: the list's
/// rows with a deadline are read in list order (deadline, priority, age) from their key, no
/// ticket or clock row read, nothing sorted; the rest of a list (paused tickets, then those
/// without a running clock) from the status index and the running clocks' index by ticket.
#[test]
fn pg_a_list_by_status_reads_the_deadlines_in_list_order() {
    let Some(mut s) = pg::scratch("pg_a_list_by_status_reads_the_deadlines_in_list_order") else {
        return;
    };
    let (lookups, ordered) = planned(&mut s);
    for statuses in [vec![Status::Open], vec![Status::Open, Status::Waiting], vec![]] {
        let query = ListQuery {
            statuses: statuses.clone(),
            ..Default::default()
        };
        let plan = ordered.plan(Read::Deadlines(&query)).unwrap();
        no_whole_read(&plan);
        assert!(ranges(&plan, "nearest_deadlines_pkey"), "{plan}");
        assert_eq!(sorts(&plan), Vec::<String>::new(), "{plan}");
        assert!(!plan.contains(" on tickets") && !plan.contains(" on clocks"), "{plan}");
        // A list of every status goes on through every ticket (those without a running clock,
        // newest first, are most of the history), on SQLite too: only lists by status here.
        if !statuses.is_empty() {
            let rest = lookups.plan(Read::WithoutDeadline(&query)).unwrap();
            no_whole_read(&rest);
            assert!(
                ranges(&rest, "tickets_status") && ranges(&rest, "clocks_running_by_ticket"),
                "{rest}"
            );
        }
    }
}

/// `scale_queries::a_deadline_list_walks_the_running_deadlines_in_order_without_sorting_them`:
/// `list --overdue` is one range of the list's rows by deadline (searched or by owner, each
/// row's ticket by key), nothing sorted; the header counts each status from its index and
/// walks `nearest_deadlines` by its key; the list's rows remade (by
/// `verify`, by the triggers) read the running clocks' indexes.
#[test]
fn pg_a_deadline_list_walks_the_running_deadlines_in_order_without_sorting_them() {
    let Some(mut s) = pg::scratch("pg_a_deadline_list_walks_the_running_deadlines_in_order_without_sorting_them")
    else {
        return;
    };
    let (lookups, ordered) = planned(&mut s);
    let query = ListQuery {
        statuses: vec![Status::Open, Status::Waiting],
        due_before: Some(now()),
        ..Default::default()
    };
    let due = ordered.plan(Read::Deadlines(&query)).unwrap();
    no_whole_read(&due);
    assert!(
        ranges(&due, "nearest_deadlines_pkey") && due.contains("Index Cond: ((due_at <="),
        "{due}"
    );
    assert_eq!(sorts(&due), Vec::<String>::new(), "{due}");
    assert!(!due.contains(" on tickets") && !due.contains(" on clocks"), "{due}");
    let searched = ListQuery {
        text: Some("kettle".into()),
        ..query.clone()
    };
    let mine = ListQuery {
        owner: Some("tester".into()),
        ..query.clone()
    };
    for q in [searched, mine] {
        let due = ordered.plan(Read::Deadlines(&q)).unwrap();
        no_whole_read(&due);
        assert!(
            ranges(&due, "nearest_deadlines_pkey") && ranges(&due, "tickets_pkey"),
            "{q:?}\n{due}"
        );
        assert_eq!(sorts(&due), Vec::<String>::new(), "{q:?}\n{due}");
    }
    // The header: each status counted from its index; each ticket's nearest deadline from
    // `nearest_deadlines` by its key (no clock or ticket row, nothing sorted).
    let count = lookups.plan(Read::StatusCount(Status::Open)).unwrap();
    // An index-only scan, or a bitmap of the same range where the visibility map is not yet
    // set (a fresh cluster, before VACUUM): either reads the status's range only.
    assert!(ranges(&count, "tickets_status"), "{count}");
    let header = lookups
        .plan(Read::NearestDeadlines(&[Status::Open, Status::Waiting]))
        .unwrap();
    no_whole_read(&header);
    assert!(ranges(&header, "nearest_deadlines_pkey"), "{header}");
    assert_eq!(sorts(&header), Vec::<String>::new(), "{header}");
    assert!(
        !header.contains(" on tickets") && !header.contains(" on clocks"),
        "{header}"
    );
    // The list's rows remade after a bulk run and checked by `verify`: running clocks only.
    let remade = explain(&mut s, promptly::store::schema::NEAREST_MADE);
    no_whole_read(&remade);
    assert!(
        uses(&remade, "clocks_running_by_ticket") || uses(&remade, "clocks_running_due"),
        "{remade}"
    );
    // One ticket's row as its triggers remake it (`nearest_deadline_remake`).
    let one = explain(
        &mut s,
        "SELECT * FROM nearest_deadline_rows WHERE ticket_id = 5 ORDER BY due_at, metric, cycle LIMIT 1",
    );
    no_whole_read(&one);
    assert!(
        ranges(&one, "clocks_running_by_ticket") && ranges(&one, "tickets_pkey"),
        "{one}"
    );
}

/// `scale_queries::the_first_page_and_the_header_counts_are_those_of_the_full_board`: the
/// board's first page reads its rows' tickets by key, with their nearest clock by ticket, and
/// the logs of its resolved rows by ticket, each shared entry text by key.
#[test]
fn pg_the_boards_first_page_reads_its_tickets_and_logs_by_key() {
    let Some(mut s) = pg::scratch("pg_the_boards_first_page_reads_its_tickets_and_logs_by_key") else {
        return;
    };
    let (lookups, _) = planned(&mut s);
    let query = ListQuery {
        statuses: vec![Status::Open, Status::Waiting, Status::Resolved],
        limit: Some(40),
        ..Default::default()
    };
    let ids: Vec<i64> = lookups.list(&query).unwrap().iter().map(|t| t.ticket.id).collect();
    assert_eq!(ids.len(), 40);
    let tickets = lookups.plan(Read::Tickets(&ids)).unwrap();
    no_whole_read(&tickets);
    assert!(
        ranges(&tickets, "tickets_pkey") && ranges(&tickets, "customers_pkey"),
        "{tickets}"
    );
    assert!(ranges(&tickets, "clocks_running_by_ticket"), "{tickets}");
    let logs = lookups.plan(Read::Logs(&ids[..20])).unwrap();
    no_whole_read(&logs);
    assert!(
        ranges(&logs, "log_by_ticket") && ranges(&logs, "log_data_pkey"),
        "{logs}"
    );
}

/// The checks above fail where they should: a read of a table whole, a sort, an index read
/// without a condition are found in plans PostgreSQL gives for them.
#[test]
fn pg_the_plan_checks_find_what_they_look_for() {
    let Some(mut s) = pg::scratch("pg_the_plan_checks_find_what_they_look_for") else {
        return;
    };
    drop(pg::store(&s));
    // No index on the title: read whole, even with sequential scans off.
    let title = explain(&mut s, "SELECT id FROM tickets WHERE title = 'x'");
    assert_eq!(whole_reads(&title).len(), 1, "{title}");
    // Ordered by the title: the primary key read whole, then sorted.
    let sorted = explain(&mut s, "SELECT id FROM tickets WHERE id > 5 ORDER BY title LIMIT 3");
    assert_eq!(sorts(&sorted).len(), 1, "{sorted}");
    assert!(
        ranges(&sorted, "tickets_pkey") && !ranges(&sorted, "tickets_status"),
        "{sorted}"
    );
    let by_status = explain(&mut s, "SELECT id FROM tickets WHERE status = 'open'");
    assert!(
        ranges(&by_status, "tickets_status") && whole_reads(&by_status).is_empty(),
        "{by_status}"
    );
}

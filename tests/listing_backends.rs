//! `list`, the board's rows and header, and `export`'s pages on SQLite and on PostgreSQL
//! (when `PROMPTLY_TEST_PG` names a server; without one the PostgreSQL tests print SKIPPED
//! and check nothing): the same tickets, made through the desk on each, list, count and
//! export the same, row for row and in the same order. The SQLite test checks the values
//! themselves, so it means something without a server.

#[path = "common/pg.rs"]
pub mod pg;

use chrono::{DateTime, Duration, TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::{BoardCounts, Desk};
use promptly::domain::listing::{ExportQuery, ListQuery, ListRow, TicketSummary};
use promptly::domain::policy::Policy;
use promptly::domain::sla::Clock as SlaClock;
use promptly::domain::ticket::{Customer, NewTicket, Priority, Status, Ticket};
use promptly::store::{Access, Store};

/// Monday 2026-11-23 09:00 in Shanghai.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

/// When the lists are read: two days on, some deadlines passed, others not yet.
fn now() -> DateTime<Utc> {
    t0() + Duration::days(2)
}

fn desk_at(store: Store, at: DateTime<Utc>, author: &str) -> Desk {
    Desk::new(store, Policy::builtin(), Clock::frozen(at), author)
}

fn ticket(title: &str, priority: Priority, customer: &str, reference: &str) -> NewTicket {
    let mut new = NewTicket::titled(title);
    new.priority = priority;
    new.reference = reference.into();
    new.customer = Customer {
        name: customer.into(),
        phone: format!("138{:08}", title.len()),
        email: String::new(),
    };
    new
}

/// The desk's tickets: opened over a day by two agents with every priority, one waiting
/// (its clocks paused), one resolved, one closed; `extra` more plain ones and `closed` more
/// closed ones (PostgreSQL's pages).
fn build(store: Store, extra: usize, closed: usize) -> Store {
    let hours = |h: i64| t0() + Duration::hours(h);
    let mut desk = desk_at(store, t0(), "li");
    desk.open_ticket(
        &ticket("Kettle does not heat", Priority::Urgent, "王小明", "SO-1"),
        None,
    )
    .unwrap();
    desk.open_ticket(&ticket("Blender lid cracked", Priority::Normal, "Anna", "SO-2"), None)
        .unwrap();
    let mut desk = desk_at(desk.into_store(), hours(3), "chen");
    let toaster = desk
        .open_ticket(&ticket("Toaster sparks", Priority::Important, "Bob", "SO-3"), None)
        .unwrap()
        .id;
    let fan = desk
        .open_ticket(&ticket("Fan rattles", Priority::Normal, "anna", "KETTLE-9"), None)
        .unwrap()
        .id;
    let iron = desk
        .open_ticket(&ticket("Iron leaks", Priority::Urgent, "Chen Li", ""), None)
        .unwrap()
        .id;
    let mut desk = desk_at(desk.into_store(), hours(5), "chen");
    desk.change_status(fan, None, Status::Waiting, "waiting for a photo")
        .unwrap();
    desk.change_status(toaster, None, Status::Resolved, "replaced").unwrap();
    desk.change_status(iron, None, Status::Resolved, "fixed").unwrap();
    desk.close(iron, None, "customer confirmed", "").unwrap();
    let mut desk = desk_at(desk.into_store(), hours(30), "li");
    for i in 0..extra {
        desk.open_ticket(&ticket(&format!("Extra {i}"), Priority::Normal, "Extra", ""), None)
            .unwrap();
    }
    for i in 0..closed {
        let id = desk
            .open_ticket(&ticket(&format!("Done {i}"), Priority::Normal, "Done", ""), None)
            .unwrap()
            .id;
        desk.change_status(id, None, Status::Resolved, "done").unwrap();
        desk.close(id, None, "confirmed", "").unwrap();
    }
    // Opened an hour before the lists are read: its deadline is still ahead.
    let mut desk = desk_at(desk.into_store(), now() - Duration::hours(1), "li");
    desk.open_ticket(&ticket("Microwave hums", Priority::Important, "Dora", "SO-6"), None)
        .unwrap();
    desk.into_store()
}

/// The lists compared, each named.
fn queries() -> Vec<(&'static str, ListQuery)> {
    let q = ListQuery::default;
    vec![
        ("all", q()),
        (
            "active",
            ListQuery {
                statuses: vec![Status::Open, Status::Waiting],
                ..q()
            },
        ),
        (
            "resolved",
            ListQuery {
                statuses: vec![Status::Resolved],
                ..q()
            },
        ),
        (
            "closed",
            ListQuery {
                statuses: vec![Status::Closed],
                ..q()
            },
        ),
        // A status named twice lists each ticket once (`--status closed --status closed`).
        (
            "closed twice",
            ListQuery {
                statuses: vec![Status::Closed, Status::Closed, Status::Open],
                ..q()
            },
        ),
        (
            "overdue",
            ListQuery {
                due_before: Some(now()),
                ..q()
            },
        ),
        (
            "due within a day",
            ListQuery {
                due_before: Some(now() + Duration::days(1)),
                ..q()
            },
        ),
        (
            "text in a title or reference",
            ListQuery {
                text: Some(" kettle ".into()),
                ..q()
            },
        ),
        (
            "text in a name",
            ListQuery {
                text: Some("ANNA".into()),
                ..q()
            },
        ),
        (
            "text in Chinese",
            ListQuery {
                text: Some("小明".into()),
                ..q()
            },
        ),
        (
            "mine",
            ListQuery {
                owner: Some("li".into()),
                ..q()
            },
        ),
        (
            "chen's",
            ListQuery {
                owner: Some("chen".into()),
                ..q()
            },
        ),
        (
            "li's overdue",
            ListQuery {
                owner: Some("li".into()),
                due_before: Some(now()),
                ..q()
            },
        ),
        (
            "unassigned",
            ListQuery {
                owner: Some(String::new()),
                ..q()
            },
        ),
        ("first three", ListQuery { limit: Some(3), ..q() }),
        (
            "first 520",
            ListQuery {
                limit: Some(520),
                ..q()
            },
        ),
        (
            "first 1030",
            ListQuery {
                limit: Some(1030),
                ..q()
            },
        ),
        (
            "first one overdue",
            ListQuery {
                due_before: Some(now()),
                limit: Some(1),
                ..q()
            },
        ),
        (
            "open, searched, limited",
            ListQuery {
                statuses: vec![Status::Open],
                text: Some("e".into()),
                limit: Some(2),
                ..q()
            },
        ),
    ]
}

/// A list's name, `list`, `visit_rows` and `visit_due` of it.
type Listed = (&'static str, Vec<TicketSummary>, Vec<ListRow>, Vec<TicketSummary>);

/// An export's name, count, tickets (with customer key and external id) and customers.
type Export = (
    &'static str,
    u64,
    Vec<(Ticket, i64, Option<String>)>,
    Vec<(i64, Customer)>,
);

/// Everything read back from a store, as the desk and the CLI ask for it.
#[derive(Debug, PartialEq)]
struct Read {
    lists: Vec<Listed>,
    summaries: Vec<TicketSummary>,
    status_counts: Vec<usize>,
    nearest: Vec<SlaClock>,
    board: BoardCounts,
    exports: Vec<Export>,
}

fn read(store: Store) -> Read {
    let mut lists = Vec::new();
    for (name, q) in queries() {
        let list = store.list(&q).unwrap();
        let mut rows = Vec::new();
        store
            .visit_rows(&q, |r| {
                rows.push(r.clone());
                true
            })
            .unwrap();
        let mut due = Vec::new();
        store
            .visit_due(&q, q.due_before, |s| {
                due.push(s);
                true
            })
            .unwrap();
        lists.push((name, list, rows, due));
    }
    // A stop midway reads no more.
    let mut seen = 0;
    store
        .visit_list(&ListQuery::default(), |_| {
            seen += 1;
            seen < 2
        })
        .unwrap();
    assert_eq!(seen, 2);
    let summaries = store.summaries(&[4, 1, 99, 3]).unwrap();
    let statuses = [Status::Open, Status::Waiting, Status::Resolved, Status::Closed];
    let status_counts = store.status_counts(&statuses).unwrap();
    let mut nearest = Vec::new();
    store
        .visit_nearest_deadlines(&[Status::Open, Status::Waiting], |c| nearest.push(c))
        .unwrap();
    // The header only counts them: their order is each backend's own (SQLite's index, or
    // PostgreSQL's `nearest_deadlines` key), so they are compared by ticket.
    nearest.sort_by_key(|c| c.ticket_id);
    let desk = desk_at(store, now(), "li");
    let board = desk.board_counts().unwrap();
    let store = desk.into_store();
    let mut exports = Vec::new();
    for (name, list) in [
        ("everything", ListQuery::default()),
        (
            "overdue",
            ListQuery {
                due_before: Some(now()),
                ..Default::default()
            },
        ),
        (
            "searched",
            ListQuery {
                text: Some("anna".into()),
                ..Default::default()
            },
        ),
        (
            "chen's",
            ListQuery {
                owner: Some("chen".into()),
                statuses: vec![Status::Resolved, Status::Closed],
                ..Default::default()
            },
        ),
    ] {
        let q = ExportQuery {
            list,
            opened_since: Some(t0()),
            opened_before: Some(t0() + Duration::days(3)),
        };
        let count = store.export_count(&q).unwrap();
        // Keyset pages of two, as `desk::export` walks them.
        let (mut tickets, mut after) = (Vec::new(), 0);
        loop {
            let page = store.export_page(&q, after, 2).unwrap();
            let Some(last) = page.last() else { break };
            after = last.0.id;
            tickets.extend(page);
        }
        let (mut customers, mut after) = (Vec::new(), 0);
        loop {
            let page = store.export_customers(&q, after, 2).unwrap();
            let Some(last) = page.last() else { break };
            after = last.0;
            customers.extend(page);
        }
        exports.push(renumbered((name, count, tickets, customers)));
    }
    Read {
        lists,
        summaries,
        status_counts,
        nearest,
        board,
        exports,
    }
}

/// `a` and `b` equal, part by part (a whole `Read` printed is thousands of lines).
fn same(a: &Read, b: &Read) {
    for (p, q) in a.lists.iter().zip(&b.lists) {
        assert!(p == q, "list {}: {:?} against {:?}", q.0, ids(&p.1), ids(&q.1));
    }
    assert!(a.summaries == b.summaries, "summaries");
    assert_eq!(a.status_counts, b.status_counts);
    let tickets = |r: &Read| r.nearest.iter().map(|c| c.ticket_id).collect::<Vec<_>>();
    assert!(
        a.nearest == b.nearest,
        "nearest: {:?} against {:?}",
        tickets(a),
        tickets(b)
    );
    assert_eq!(a.board, b.board);
    for (p, q) in a.exports.iter().zip(&b.exports) {
        let brief = |e: &Export| {
            let ids: Vec<i64> = e.2.iter().map(|t| t.0.id).collect();
            (
                e.1,
                ids.len(),
                ids.last().copied(),
                e.3.iter().map(|c| c.0).collect::<Vec<_>>(),
            )
        };
        assert!(p == q, "export {}: {:?} against {:?}", q.0, brief(p), brief(q));
    }
    assert!(a == b);
}

/// `e` with its customers' keys numbered 1, 2... in their order: PostgreSQL's identity
/// spends a number on each insert that finds its customer already there (`ON CONFLICT DO
/// NOTHING`), SQLite's key does not, so the same customers can have other keys in the same order.
fn renumbered(mut e: Export) -> Export {
    let mut keys: Vec<i64> = e.2.iter().map(|t| t.1).chain(e.3.iter().map(|c| c.0)).collect();
    keys.sort_unstable();
    keys.dedup();
    let number = |k: i64| keys.binary_search(&k).unwrap() as i64 + 1;
    e.2.iter_mut().for_each(|t| t.1 = number(t.1));
    e.3.iter_mut().for_each(|c| c.0 = number(c.0));
    e
}

fn sqlite_store(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("desk.db"), Access::Create).unwrap()
}

fn ids(list: &[TicketSummary]) -> Vec<i64> {
    list.iter().map(|s| s.ticket.id).collect()
}

#[test]
fn lists_counts_and_exports_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let read = read(build(sqlite_store(&dir), 0, 0));
    let list = |name: &str| {
        let (_, list, rows, due) = read.lists.iter().find(|l| l.0 == name).unwrap();
        // `list`'s table shows the same tickets as the board, in the same order.
        assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), ids(list), "{name}");
        (ids(list), ids(due))
    };
    // Kettle 1 (urgent), blender 2, toaster 3 (resolved), fan 4 (waiting), iron 5 (closed),
    // microwave 6 (due in half an hour). The running deadlines first, by deadline then
    // urgency (1 and 2 are due at the same time); then the paused fan; then those without a
    // clock running, newest first.
    assert_eq!(list("all"), (vec![1, 2, 6, 4, 5, 3], vec![1, 2, 6]));
    assert_eq!(list("active"), (vec![1, 2, 6, 4], vec![1, 2, 6]));
    assert_eq!(list("resolved"), (vec![3], vec![]));
    assert_eq!(list("closed"), (vec![5], vec![]));
    assert_eq!(list("overdue"), (vec![1, 2], vec![1, 2]));
    assert_eq!(list("due within a day"), (vec![1, 2, 6], vec![1, 2, 6]));
    // Title or order reference, name: ASCII letters in any case; Chinese as it is.
    assert_eq!(list("text in a title or reference"), (vec![1, 4], vec![1]));
    assert_eq!(list("text in a name"), (vec![2, 4], vec![2]));
    assert_eq!(list("text in Chinese"), (vec![1], vec![1]));
    assert_eq!(list("mine").0, [1, 2, 6]);
    assert_eq!(list("chen's"), (vec![4, 5, 3], vec![]));
    assert_eq!(list("li's overdue").0, [1, 2]);
    assert_eq!(list("unassigned").0, Vec::<i64>::new());
    assert_eq!(list("first three").0, [1, 2, 6]);
    assert_eq!(list("first 520").0, [1, 2, 6, 4, 5, 3]);
    assert_eq!(list("first one overdue").0, [1]);
    assert_eq!(list("open, searched, limited").0, [1, 2]);

    assert_eq!(ids(&read.summaries), [4, 1, 3]);
    assert!(read.summaries[0].nearest.as_ref().is_some_and(SlaClock::is_paused));
    assert_eq!(read.status_counts, [3, 1, 1, 1]);
    let nearest: Vec<_> = read
        .nearest
        .iter()
        .map(|c| (c.ticket_id, c.metric.as_str(), c.due_at))
        .collect();
    // The header's pass: each active ticket's nearest clock (by ticket); the paused fan has none.
    let due = |day, h, m| Some(Utc.with_ymd_and_hms(2026, 11, day, h, m, 0).unwrap());
    assert_eq!(
        nearest,
        [
            (1, "first-response", due(23, 1, 30)),
            (2, "first-response", due(23, 1, 30)),
            (6, "first-response", due(25, 1, 30)),
        ]
    );
    let board = BoardCounts {
        open: 3,
        warning: 0,
        breached: 2,
        waiting: 1,
        resolved: 1,
    };
    assert_eq!(read.board, board);

    let export = |name: &str| read.exports.iter().find(|e| e.0 == name).unwrap();
    let (_, count, tickets, customers) = export("everything");
    assert_eq!(*count, 6);
    assert_eq!(tickets.iter().map(|t| t.0.id).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
    assert_eq!(customers.len(), 6);
    assert!(customers.windows(2).all(|w| w[0].0 < w[1].0));
    let (_, count, tickets, _) = export("searched");
    assert_eq!(
        (*count, tickets.iter().map(|t| t.0.id).collect::<Vec<_>>()),
        (2, vec![2, 4])
    );
    let (_, count, _, customers) = export("chen's");
    assert_eq!(*count, 2);
    assert_eq!(
        customers.iter().map(|c| c.1.name.as_str()).collect::<Vec<_>>(),
        ["Bob", "Chen Li"]
    );
}

#[test]
fn pg_lists_counts_and_exports_are_the_same_on_postgres() {
    let Some(s) = pg::scratch("pg_lists_counts_and_exports_are_the_same_on_postgres") else {
        return;
    };
    let on_postgres = read(build(pg::store(&s), 0, 0));
    let dir = tempfile::tempdir().unwrap();
    let on_sqlite = read(build(sqlite_store(&dir), 0, 0));
    same(&on_postgres, &on_sqlite);
    // The plan is PostgreSQL's own, one step a line.
    let store = pg::store(&s);
    let plan = store
        .list_plan(&ListQuery {
            due_before: Some(now()),
            text: Some("kettle".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(plan.contains("nearest_deadlines"), "{plan}");
}

#[test]
fn pg_long_lists_read_in_pages_are_the_same_on_postgres() {
    let Some(s) = pg::scratch("pg_long_lists_read_in_pages_are_the_same_on_postgres") else {
        return;
    };
    // Past one page of 500 rows: of deadlines, of the header's clocks, of closed tickets.
    const EXTRA: usize = 520;
    const CLOSED: usize = 510;
    let on_postgres = read(build(pg::store(&s), EXTRA, CLOSED));
    let dir = tempfile::tempdir().unwrap();
    let on_sqlite = read(build(sqlite_store(&dir), EXTRA, CLOSED));
    assert_eq!(on_postgres.lists[0].1.len(), 6 + EXTRA + CLOSED);
    same(&on_postgres, &on_sqlite);
}

#[test]
fn pg_a_list_read_in_pages_shows_one_state_while_another_agent_changes_it() {
    let Some(mut s) = pg::scratch("pg_a_list_read_in_pages_shows_one_state_while_another_agent_changes_it") else {
        return;
    };
    // Past one page of 500 rows, read a page at a time.
    const EXTRA: usize = 520;
    let store = build(pg::store(&s), EXTRA, 0);
    let query = ListQuery::default();
    let before = ids(&store.list(&query).unwrap());
    let mut listed = Vec::new();
    store
        .visit_list(&query, |t| {
            if listed.is_empty() {
                // Another agent's change once the first page is read: the first ticket's
                // nearest deadline is now the last of all.
                s.client
                    .execute(
                        "UPDATE nearest_deadlines SET due_at = due_at + 100000000000 WHERE ticket_id = $1",
                        &[&t.ticket.id],
                    )
                    .unwrap();
            }
            listed.push(t.ticket.id);
            true
        })
        .unwrap();
    // As of the list's start: every ticket once, in the order then.
    assert_eq!(listed, before);
    assert_ne!(ids(&store.list(&query).unwrap()), before, "the change did not land");
}

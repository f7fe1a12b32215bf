//! Issue 11, migration 13: the list's rows kept by triggers (`nearest_deadlines`) follow every
//! kind of write, against a reference worked out from the clock, ticket and customer rows; on
//! both backends (`common`: with `PROMPTLY_TEST_BACKEND=postgres` the database is a schema of
//! its own). The reads over them are `tests/scale_queries.rs`'.

pub mod common;
use chrono::{Duration, TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::{Desk, FollowUp};
use promptly::domain::listing::ListQuery;
use promptly::domain::policy::Policy;
use promptly::domain::review::{BreachClass, Judgement, Remedy};
use promptly::domain::ticket::{NewTicket, Priority, Status};
use promptly::store::Access;
use std::path::Path;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap() // Monday 10:00 in Shanghai
}

/// A demo history, plus open tickets opened over the last days (some late, some not yet).
fn busy_desk(path: &Path) -> Desk {
    let mut desk = Desk::new(
        common::store(path, Access::Create).unwrap(),
        Policy::builtin(),
        Clock::frozen(now()),
        "tester",
    );
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

/// `nearest_deadlines` as it should be, worked out here from the clock, ticket and customer
/// rows (not through the migration's view): per ticket, the running clock with a deadline that
/// comes first by deadline, metric and cycle, beside the ticket's listed fields. Values as
/// `common::sql` reads them (text), so either backend's rows compare.
fn nearest_reference(path: &Path) -> Vec<Vec<Option<String>>> {
    use std::collections::BTreeMap;
    type Clock = (i64, String, i64, Vec<Option<String>>);
    let mut nearest: BTreeMap<i64, Clock> = BTreeMap::new();
    let clocks = common::sql(
        path,
        "SELECT ticket_id, due_at, metric, cycle, state, target, started_at, breached_at, paused_secs,
                remaining_secs, met_at FROM clocks",
    );
    for r in clocks {
        if r[10].is_some() || r[1].is_none() {
            continue;
        }
        let key = (number(&r[1]), text(&r[2]), number(&r[3]));
        let rest = r[4..10].to_vec();
        let id = number(&r[0]);
        if nearest
            .get(&id)
            .is_none_or(|c| (&key.0, &key.1, key.2) < (&c.0, &c.1, c.2))
        {
            nearest.insert(id, (key.0, key.1, key.2, rest));
        }
    }
    let tickets: BTreeMap<i64, Vec<Option<String>>> = common::sql(
        path,
        "SELECT t.id, t.priority, t.opened_at, t.status, t.title, c.name, c.phone
         FROM tickets t JOIN customers c ON c.id = t.customer_id",
    )
    .into_iter()
    .map(|r| (number(&r[0]), r))
    .collect();
    let mut out: Vec<Vec<Option<String>>> = nearest
        .into_iter()
        .map(|(id, (due, metric, cycle, rest))| {
            let t = &tickets[&id];
            let priority = text(&t[1]);
            let rank = ["urgent", "important"].iter().position(|p| *p == priority).unwrap_or(2);
            let mut row = vec![
                Some(due.to_string()),
                Some(rank.to_string()),
                t[2].clone(),
                Some(id.to_string()),
                t[3].clone(),
                Some(priority),
                t[4].clone(),
                t[5].clone(),
                t[6].clone(),
                Some(metric),
                Some(cycle.to_string()),
            ];
            row.extend(rest);
            row
        })
        .collect();
    out.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    out
}

fn nearest_kept(path: &Path) -> Vec<Vec<Option<String>>> {
    let mut out = common::sql(path, "SELECT * FROM nearest_deadlines");
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
    assert!(nearest_kept(&path).len() > 20, "the busy desk has running deadlines");
    assert_eq!(nearest_kept(&path), nearest_reference(&path));
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
        assert_eq!(nearest_kept(&path), nearest_reference(&path), "after step {step}");
    }
    assert!(taken > 60, "{taken} of 120 writes taken");
    // Writes of the ticket or customer row alone (the desk rewrites a ticket's clocks with
    // every change, so only these show that the ticket and customer triggers work).
    common::sql(
        &path,
        "UPDATE tickets SET title = 'retitled elsewhere' WHERE id = (SELECT max(ticket_id) FROM nearest_deadlines)",
    );
    common::sql(
        &path,
        "UPDATE customers SET name = 'Renamed Elsewhere' WHERE id =
             (SELECT customer_id FROM tickets WHERE id = (SELECT min(ticket_id) FROM nearest_deadlines))",
    );
    let kept = nearest_kept(&path);
    assert!(kept.iter().any(|r| r[6].as_deref() == Some("retitled elsewhere")));
    assert!(kept.iter().any(|r| r[7].as_deref() == Some("Renamed Elsewhere")));
    assert_eq!(kept, nearest_reference(&path));
    assert!(desk.verify().unwrap().findings.is_empty());

    // A row changed behind the triggers' back is found, named by its ticket.
    let ends = &common::sql(&path, "SELECT min(ticket_id), max(ticket_id) FROM nearest_deadlines")[0];
    let (victim, other) = (number(&ends[0]), number(&ends[1]));
    common::sql(
        &path,
        &format!("DELETE FROM nearest_deadlines WHERE ticket_id = {victim}"),
    );
    common::sql(
        &path,
        &format!("UPDATE nearest_deadlines SET title = 'not the title' WHERE ticket_id = {other}"),
    );
    let findings = desk.verify().unwrap().findings;
    assert_eq!(
        findings,
        vec![
            promptly::store::verify::Finding::DeadlineRowDiffers { ticket_id: victim },
            promptly::store::verify::Finding::DeadlineRowDiffers { ticket_id: other },
        ]
    );
}

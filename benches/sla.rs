//! A full SLA evaluation of one ticket: every metric of the built-in policy, with resolution
//! as a 112h business-time target (the longest walk a time target makes: three weeks of the
//! shop calendar). Run: cargo bench --bench sla -- --warm-up-time 1 --measurement-time 3
//!
//! "cold" evaluates against a fresh copy of the policy each time (its calendars remember no
//! date yet: the first clock a command reads); "warm" reuses one (the board, a report).

use chrono::{DateTime, Duration, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use promptly::clock::Clock;
use promptly::desk::{Desk, FollowUp};
use promptly::domain::log::{ContactMethod, Direction};
use promptly::domain::policy::Policy;
use promptly::domain::sla::evaluate;
use promptly::domain::ticket::{Customer, NewTicket, Priority};
use promptly::store::Store;
use std::hint::black_box;

const POLICY: &str = include_str!("../assets/policy.toml");

fn evaluation(c: &mut Criterion) {
    let text = POLICY.replacen("target = \"3d\"", "target = \"112h\"", 1);
    assert_ne!(text, POLICY, "the built-in resolution target is no longer 3d");
    let policy = Policy::parse(&text, "bench.toml").expect("the edited policy is valid");
    // Two starts: an ordinary fortnight (Monday 2026-11-09 10:00 local), and one across
    // Mid-Autumn, National Day and both make-up days (Friday 2026-09-25 10:00 local).
    for (label, start) in [
        ("ordinary weeks", "2026-11-09T02:00:00Z"),
        ("across National Day", "2026-09-25T02:00:00Z"),
    ] {
        let opened: DateTime<Utc> = start.parse().expect("a valid instant");
        let now = opened + Duration::days(9);
        let mut desk = Desk::new(
            Store::open_in_memory().unwrap(),
            policy.clone(),
            Clock::frozen(now),
            "bench",
        );
        let new = NewTicket {
            customer: Customer {
                name: "王芳".into(),
                phone: "13800000000".into(),
                email: String::new(),
            },
            priority: Priority::Important,
            ..NewTicket::titled("洗衣机滚筒不转")
        };
        let ticket = desk.open_ticket(&new, Some(opened)).unwrap();
        let contact = FollowUp::Contact {
            method: ContactMethod::Call,
            direction: Direction::Outbound,
        };
        desk.follow_up(ticket.id, None, contact, "已回电").unwrap();
        let ticket = desk.store().ticket(ticket.id).unwrap().expect("the ticket was stored");
        let log = desk.store().log(ticket.id).unwrap();
        let readings = evaluate(&policy, &ticket, &log, now);
        assert!(
            readings
                .iter()
                .any(|r| r.clock.metric == "resolution" && r.clock.target == "112h" && r.clock.due_at.is_some()),
            "the 112h resolution clock is read: {readings:?}"
        );
        c.bench_function(&format!("evaluate ticket, 112h target, {label}, cold"), |b| {
            b.iter_batched(
                || policy.clone(),
                // The policy goes back out, so its drop is not timed.
                |p| {
                    let readings = evaluate(&p, black_box(&ticket), black_box(&log), black_box(now));
                    (p, readings)
                },
                BatchSize::SmallInput,
            )
        });
        c.bench_function(&format!("evaluate ticket, 112h target, {label}, warm"), |b| {
            b.iter(|| evaluate(&policy, black_box(&ticket), black_box(&log), black_box(now)))
        });
    }
}

criterion_group!(benches, evaluation);
criterion_main!(benches);

//! Deadline arithmetic on the builtin shop calendar (Asia/Shanghai, lunch break, Saturday
//! mornings, 2026 holidays and make-up days): the cost of the walk over open ranges.
//! Run: cargo bench --bench deadline -- --warm-up-time 1 --measurement-time 3
//!
//! A calendar remembers the dates it has walked. "cold" measures a fresh calendar each time
//! (the first clock of a command); "warm" one that has walked those dates before (the board,
//! the demo generator, a report).

use chrono::{DateTime, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use promptly::domain::policy::Policy;
use promptly::domain::target::Target;
use std::hint::black_box;

fn deadlines(c: &mut Criterion) {
    let policy = Policy::builtin();
    let shop = policy.shop_calendar();
    // Friday 2026-09-25 10:00 local: the 15d walk crosses Mid-Autumn, National Day and both
    // make-up days.
    let start: DateTime<Utc> = "2026-09-25T02:00:00Z".parse().unwrap();
    // 112h: a time target as long as 15 working days of business time, to compare the walks.
    for text in ["2h", "3d", "15d", "112h"] {
        let target: Target = text.parse().unwrap();
        c.bench_function(&format!("deadline {text} cold"), |b| {
            b.iter_batched(
                || shop.clone(),
                |cal| cal.deadline(black_box(start), black_box(&target)),
                BatchSize::SmallInput,
            )
        });
        c.bench_function(&format!("deadline {text} warm"), |b| {
            b.iter(|| shop.deadline(black_box(start), black_box(&target)))
        });
    }
}

criterion_group!(benches, deadlines);
criterion_main!(benches);

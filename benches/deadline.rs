//! Deadline arithmetic on the builtin shop calendar (Asia/Shanghai, lunch break, Saturday
//! mornings, 2026 holidays and make-up days): the cost of the walk over open ranges.
//! Run: cargo bench --bench deadline -- --warm-up-time 1 --measurement-time 3

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use promptly::domain::policy::Policy;
use promptly::domain::target::Target;
use std::hint::black_box;

fn deadlines(c: &mut Criterion) {
    let policy = Policy::builtin();
    let shop = policy.shop_calendar();
    // Friday 2026-09-25 10:00 local: the 15d walk crosses Mid-Autumn, National Day and both
    // make-up days.
    let start: DateTime<Utc> = "2026-09-25T02:00:00Z".parse().unwrap();
    for text in ["2h", "3d", "15d"] {
        let target: Target = text.parse().unwrap();
        c.bench_function(&format!("deadline {text}"), |b| {
            b.iter(|| shop.deadline(black_box(start), black_box(&target)))
        });
    }
    // A time target as long as 15 working days of business time, to compare the two walks.
    let long: Target = "112h".parse().unwrap();
    c.bench_function("deadline 112h", |b| {
        b.iter(|| shop.deadline(black_box(start), black_box(&long)))
    });
}

criterion_group!(benches, deadlines);
criterion_main!(benches);

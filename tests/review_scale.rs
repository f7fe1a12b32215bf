//! Issue 13, item 4: the review queue's filters on a big database, as SQLite plans them with
//! the bundled SQLite (the system `sqlite3` is older and plans differently). Ignored: it needs
//! a copy of a large demo database (opening migrates it):
//!
//! `PROMPTLY_SCALE_DB=/work/data/review2/1m.db cargo test --test review_scale -- --ignored --nocapture`
//!
//! It prints each filter's page and counts plans with what matches, and checks every arm reads
//! the clocks through an index (no scan of the clocks, no sort but the merge). CPU time is
//! measured on the CLI with `/usr/bin/time -v` (README, Performance).

use chrono::Utc;
use promptly::domain::review::{Openness, QueueOrder, ReviewFilter};
use promptly::domain::ticket::Priority;
use promptly::store::{Access, Store};

#[test]
#[ignore]
fn the_queue_filters_read_indexes_at_scale() {
    let Some(path) = std::env::var_os("PROMPTLY_SCALE_DB") else {
        eprintln!("PROMPTLY_SCALE_DB is not set: nothing to measure");
        return;
    };
    let store = Store::open(std::path::Path::new(&path), Access::ReadOnly).unwrap();
    let now = Utc::now();
    let filters = [
        ("all", ReviewFilter::default()),
        (
            "--text zzqx",
            ReviewFilter {
                text: Some("zzqx".into()),
                ..Default::default()
            },
        ),
        (
            "--priority urgent",
            ReviewFilter {
                priority: Some(Priority::Urgent),
                ..Default::default()
            },
        ),
        (
            "--metric first-response --status closed",
            ReviewFilter {
                metric: Some("first-response".into()),
                status: Some(Openness::Closed),
                ..Default::default()
            },
        ),
    ];
    for (name, filter) in &filters {
        let page = store.review_queue_plan(now, filter, QueueOrder::NewestFirst).unwrap();
        let counts_plan = store.review_counts_plan(now, filter).unwrap();
        let counts = store.review_counts(now, filter).unwrap();
        println!(
            "== {name}: {} match{}\n-- page (newest first):\n{page}\n-- counts:\n{counts_plan}\n",
            counts.total,
            if counts.capped { "+ (capped)" } else { "" }
        );
        for plan in [&page, &counts_plan] {
            assert!(plan.contains("USING INDEX clocks_"), "{name}\n{plan}");
            assert!(
                !plan.contains("SCAN c ") && !plan.contains("SCAN clocks"),
                "{name}\n{plan}"
            );
        }
    }
}

//! Demo data: realistic tickets and follow-up histories over past weeks, in English and
//! Chinese, from `assets/demo.toml`. Deterministic for a seed and a `now`. Written in one
//! transaction so 100,000 tickets take seconds, not an fsync each.

use super::{Desk, DeskError, Result, apply_status, opened_entry, refresh_clocks};
use crate::domain::log::{ContactMethod, Direction, Event, NewEntry};
use crate::domain::ticket::{Channel, Complexity, Customer, Kind, NewTicket, Priority, Status, Ticket};
use chrono::{DateTime, Duration, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use std::collections::BTreeMap;

const DEMO_TOML: &str = include_str!("../../assets/demo.toml");

#[derive(Deserialize)]
struct Pools {
    names_en: Vec<String>,
    names_zh: Vec<String>,
    email_domains: Vec<String>,
    titles: BTreeMap<String, Bilingual>,
    notes: Bilingual,
    plans: Bilingual,
    contacts: Bilingual,
    resolutions: Bilingual,
}

#[derive(Deserialize)]
struct Bilingual {
    en: Vec<String>,
    zh: Vec<String>,
}

impl Bilingual {
    fn pick<'a>(&'a self, rng: &mut ChaCha8Rng, chinese: bool) -> &'a str {
        let pool = if chinese { &self.zh } else { &self.en };
        pool.choose(rng).map(String::as_str).unwrap_or("")
    }
}

/// What a demo run wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    pub tickets: usize,
    pub entries: usize,
}

/// Demo tickets written per transaction.
const DEMO_BATCH: usize = 10_000;

impl Desk {
    /// Fills the database with `count` demo tickets, reproducible for (`seed`, now).
    pub fn fill_demo(&mut self, count: usize, seed: u64) -> Result<DemoSummary> {
        let pools: Pools = toml::from_str(DEMO_TOML).expect("assets/demo.toml is valid (tested)");
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let now = self.now();
        // About 25 new tickets a day, at least six weeks of history.
        let span_days = (count as i64 / 25).max(42);
        let author = self.author.clone();
        let (policy, promise) = (&self.policy, &self.promise);
        // Bounded transactions: a big demo never holds one huge write (nor a WAL that grows
        // with it); the random stream runs on across batches, so the data is the same.
        let mut entries = 0;
        let mut written = 0;
        while written < count {
            let batch = DEMO_BATCH.min(count - written);
            entries += self.store.write(|tx| {
                let mut entries = 0;
                promise.keep(tx)?;
                for _ in 0..batch {
                    let (new, chinese) = demo_ticket(&pools, &mut rng);
                    let age = Duration::minutes(age_minutes(&mut rng, span_days));
                    let opened = now - age;
                    let id = tx.insert_ticket(&new, opened)?;
                    let mut ticket = new.opened(id, opened);
                    let history = demo_history(&pools, &mut rng, &ticket, chinese, now);
                    let mut log = Vec::with_capacity(history.len() + 1);
                    let intake = opened_entry(promise, &new, opened, &author);
                    for entry in std::iter::once(intake).chain(history) {
                        if let Event::Status { to, .. } = entry.event {
                            apply_status(&mut ticket, to, entry.at);
                        }
                        ticket.updated_at = entry.at;
                        let entry_id = tx.append(id, &entry)?;
                        log.push(entry.stored(entry_id, id));
                    }
                    entries += log.len();
                    if log.len() > 1 {
                        ticket.version += 1;
                        tx.update_ticket(&ticket)?;
                    }
                    refresh_clocks(tx, policy, &ticket, &log, now)?;
                }
                Ok::<_, DeskError>(entries)
            })?;
            written += batch;
        }
        Ok(DemoSummary {
            tickets: count,
            entries,
        })
    }
}

/// Tickets arrive evenly over the span (about 25 a day), so the board holds the last few
/// days' work whatever the count.
fn age_minutes(rng: &mut ChaCha8Rng, span_days: i64) -> i64 {
    rng.random_range(5..span_days * 24 * 60)
}

fn demo_ticket(pools: &Pools, rng: &mut ChaCha8Rng) -> (NewTicket, bool) {
    let chinese = rng.random_bool(0.6);
    let kind = *Kind::ALL.choose(rng).unwrap_or(&Kind::Enquiry);
    let titles = pools.titles.get(kind.slug()).unwrap_or(&pools.notes);
    let name = if chinese {
        pools.names_zh.choose(rng)
    } else {
        pools.names_en.choose(rng)
    };
    let name = name.cloned().unwrap_or_default();
    let phone = format!(
        "1{}{:09}",
        rng.random_range(3..=9),
        rng.random_range(0..1_000_000_000u32)
    );
    let email = if rng.random_bool(0.5) {
        let domain = pools.email_domains.choose(rng).cloned().unwrap_or_default();
        format!("c{}@{domain}", rng.random_range(1000..99999))
    } else {
        String::new()
    };
    let priority = match rng.random_range(0..10) {
        0 => Priority::Urgent,
        1..=3 => Priority::Important,
        _ => Priority::Normal,
    };
    let ticket = NewTicket {
        title: titles.pick(rng, chinese).to_string(),
        description: String::new(),
        customer: Customer { name, phone, email },
        channel: *Channel::ALL.choose(rng).unwrap_or(&Channel::Phone),
        kind,
        priority,
        complexity: if rng.random_bool(0.25) {
            Complexity::Complex
        } else {
            Complexity::Ordinary
        },
        reference: format!("SO-{}", rng.random_range(100_000..999_999)),
        purchased_on: None,
    };
    (ticket, chinese)
}

/// A ticket's history being written: time moves on by random steps and stops at `now`.
struct Timeline {
    entries: Vec<NewEntry>,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    status: Status,
}

impl Timeline {
    /// Moves time on by 3 to `max_minutes` minutes; `None` once that passes `now` (the rest of
    /// the story has not happened yet).
    fn wait(&mut self, rng: &mut ChaCha8Rng, max_minutes: i64) -> Option<()> {
        self.at += Duration::minutes(rng.random_range(3..max_minutes));
        (self.at < self.now).then_some(())
    }

    fn record(&mut self, event: Event, body: &str) {
        self.entries.push(NewEntry {
            at: self.at,
            author: "demo".into(),
            event,
            body: body.to_string(),
        });
    }

    fn contact(&mut self, method: ContactMethod, direction: Direction, body: &str) {
        self.record(Event::Contact { method, direction }, body);
    }

    fn move_to(&mut self, to: Status, body: &str) {
        self.record(Event::Status { from: self.status, to }, body);
        self.status = to;
    }
}

/// A plausible follow-up history after opening; every entry before `now`, in order.
fn demo_history(pools: &Pools, rng: &mut ChaCha8Rng, t: &Ticket, zh: bool, now: DateTime<Utc>) -> Vec<NewEntry> {
    let mut timeline = Timeline {
        entries: Vec::new(),
        at: t.opened_at,
        now,
        status: Status::Open,
    };
    play(pools, rng, &mut timeline, zh);
    timeline.entries
}

fn play(pools: &Pools, rng: &mut ChaCha8Rng, tl: &mut Timeline, zh: bool) -> Option<()> {
    let age_hours = (tl.now - tl.at).num_hours();
    // Older tickets have got further: most of last week's are closed, between two weeks and
    // two months a rare straggler is still open, and nothing older (a desk does not keep
    // cases open for years).
    let progress = (age_hours as f64 / 72.0).min(1.0);
    let settle = match age_hours {
        h if h > 60 * 24 => 1.0,
        h if h > 14 * 24 => 0.995,
        _ => progress * 0.9,
    };
    // First response: usually quick, sometimes late, sometimes still missing on fresh tickets.
    if rng.random_bool(0.3 * (1.0 - progress)) {
        return None;
    }
    let max = if rng.random_bool(0.8) { 45 } else { 300 };
    tl.wait(rng, max)?;
    let method = *ContactMethod::ALL.choose(rng).unwrap_or(&ContactMethod::Call);
    tl.contact(method, Direction::Outbound, pools.contacts.pick(rng, zh));
    for _ in 0..rng.random_range(0..3) {
        tl.wait(rng, 600)?;
        tl.record(Event::Note, pools.notes.pick(rng, zh));
    }
    if rng.random_bool(0.7 * progress + 0.1) {
        tl.wait(rng, 1200)?;
        tl.record(Event::Plan, pools.plans.pick(rng, zh));
    }
    if rng.random_bool(0.2) {
        tl.wait(rng, 240)?;
        tl.move_to(Status::Waiting, pools.notes.pick(rng, zh));
        tl.wait(rng, 2000)?;
        tl.contact(ContactMethod::Call, Direction::Inbound, pools.contacts.pick(rng, zh));
        tl.move_to(Status::Open, "");
    }
    if !rng.random_bool(settle) {
        return None;
    }
    tl.wait(rng, 2880)?;
    tl.move_to(Status::Resolved, pools.resolutions.pick(rng, zh));
    if rng.random_bool(settle) {
        tl.wait(rng, 1440)?;
        tl.contact(ContactMethod::Call, Direction::Outbound, pools.contacts.pick(rng, zh));
        // The closed loop: the customer's confirmation comes before the close.
        tl.record(
            Event::Confirmed,
            if zh {
                "客户确认问题已解决"
            } else {
                "Customer confirms it works"
            },
        );
        tl.move_to(Status::Closed, "");
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_pools_parse_and_cover_every_kind() {
        let pools: Pools = toml::from_str(DEMO_TOML).unwrap();
        for kind in Kind::ALL {
            let titles = pools
                .titles
                .get(kind.slug())
                .unwrap_or_else(|| panic!("no titles for {kind}"));
            assert!(!titles.en.is_empty() && !titles.zh.is_empty(), "{kind}");
        }
    }
}

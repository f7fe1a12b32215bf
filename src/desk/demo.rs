//! Demo data: realistic tickets and follow-up histories, in English and Chinese, from
//! `assets/demo.toml`. Deterministic for a seed and a `now`. Tickets are numbered in the order
//! they arrived, as a desk's are. One thread makes each batch's stories (histories, clocks,
//! judgements) while this one writes the one before through the bulk writer, each row once.

use super::{Desk, DeskError, Promise, Result, apply_status, opened_entry};
use crate::domain::log::{ContactMethod, Direction, Event, LogEntry, NewEntry};
use crate::domain::policy::Policy;
use crate::domain::review::{Amount, BreachClass, Judgement, Remedy, Review};
use crate::domain::sla::{self, Clock, ClockReading};
use crate::domain::ticket::{Channel, Complexity, Customer, Kind, NewTicket, Priority, Status, Ticket};
use crate::store::bulk::{Prepared, Story};
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
    judgements: Bilingual,
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

/// What a demo run makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoShape {
    pub tickets: usize,
    /// Exactly this many tickets left open or waiting, opened over the last week so their
    /// clocks fall around their deadlines (some overdue, some warning, some far); every other
    /// ticket is closed. `None`: as a desk leaves them (the last few days' work is open).
    pub open: Option<usize>,
    pub seed: u64,
}

/// Demo tickets written per transaction: the WAL and the memory held stay about one batch.
const DEMO_BATCH: usize = 5_000;

/// Who judges the demo's breaches.
const SUPERVISOR: &str = "supervisor";

impl Desk {
    /// Fills the database with `count` demo tickets, reproducible for (`seed`, now).
    pub fn fill_demo(&mut self, count: usize, seed: u64) -> Result<DemoSummary> {
        self.fill_demo_shaped(DemoShape {
            tickets: count,
            open: None,
            seed,
        })
    }

    /// Fills the database with demo tickets of `shape`, reproducible for (shape, now).
    pub fn fill_demo_shaped(&mut self, shape: DemoShape) -> Result<DemoSummary> {
        let pools: Pools = toml::from_str(DEMO_TOML).expect("assets/demo.toml is valid (tested)");
        let maker = Maker {
            pools,
            // The maker thread's own copy: the policy's calendars memoise days in a RefCell.
            policy: self.policy.clone(),
            promise: &self.promise,
            author: self.author.clone(),
            arrivals: Arrivals::new(shape, self.now()),
            now: self.now(),
        };
        let promise = &self.promise;
        self.store.bulk(|store| {
            // The maker hashes the chain too, from where the writer will start (the writer
            // checks each story landed there).
            let mut cursor = store.chain_cursor()?;
            std::thread::scope(|scope| {
                // One batch in flight: the maker stays a batch ahead of the writer.
                let (send, batches) = std::sync::mpsc::sync_channel::<crate::store::Result<Vec<Prepared>>>(1);
                // Written batches come back to be freed here: the writer is the busier thread.
                let (give_back, written) = std::sync::mpsc::channel::<Vec<Prepared>>();
                scope.spawn(move || {
                    let mut rng = ChaCha8Rng::seed_from_u64(shape.seed);
                    let mut made = 0;
                    while made < shape.tickets {
                        written.try_iter().for_each(drop);
                        let n = DEMO_BATCH.min(shape.tickets - made);
                        // Sized up front: a growing batch moved its stories at every doubling.
                        let mut batch = Vec::with_capacity(n);
                        let batch = (made..made + n)
                            .try_for_each(|i| {
                                let mut prepared = maker.story(&mut rng, i).prepare()?;
                                prepared.link(&mut cursor);
                                batch.push(prepared);
                                Ok(())
                            })
                            .map(|()| batch);
                        // The writer hung up: it failed, and says why.
                        if send.send(batch).is_err() {
                            break;
                        }
                        made += n;
                    }
                });
                let mut summary = DemoSummary { tickets: 0, entries: 0 };
                for batch in batches {
                    let batch = batch?;
                    let written = store.bulk_write(|tx| {
                        promise.keep(tx)?;
                        Ok::<_, DeskError>(tx.bulk_insert(&batch)?)
                    })?;
                    summary.tickets += written.tickets;
                    summary.entries += written.entries;
                    // The maker has finished when this fails: the batch is freed here.
                    let _ = give_back.send(batch);
                }
                Ok(summary)
            })
        })
    }
}

/// When each ticket arrived, in ticket order. Without `open`: evenly over the span (about 25
/// a day, at least six weeks, at most five years). With `open`: the others over the span up to a week ago, the
/// open ones over the last week.
struct Arrivals {
    now: DateTime<Utc>,
    start: DateTime<Utc>,
    /// Tickets before the last week (all of them without `open`).
    history: usize,
    backlog: usize,
    /// `open` was given: the history is closed, the backlog open.
    shaped: bool,
}

/// The longest history a demo makes.
const MAX_SPAN_DAYS: i64 = 5 * 365 + 1;

/// How far back the open tickets of `--open` arrived: long enough for their longest story
/// before it (a closed history) to have ended, short enough for many clocks still running.
const BACKLOG_DAYS: i64 = 7;

/// The newest ticket arrived this long ago.
const NEWEST_MINUTES: i64 = 5;

/// How a ticket's story goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// As far as its age lets it: old tickets closed, recent ones still being worked.
    Natural,
    /// Closed (a history ticket of `--open`: old enough to have ended).
    Closed,
    /// Open or waiting now.
    Open,
}

impl Arrivals {
    fn new(shape: DemoShape, now: DateTime<Utc>) -> Arrivals {
        // About 25 a day up to five years of history; more tickets than that make a busier
        // desk, not an older one (1M: about 550 a day since five years ago).
        let span_days = (shape.tickets as i64 / 25).clamp(42, MAX_SPAN_DAYS);
        let backlog = shape.open.unwrap_or(0).min(shape.tickets);
        Arrivals {
            now,
            start: now - Duration::days(span_days),
            history: shape.tickets - backlog,
            backlog,
            shaped: shape.open.is_some(),
        }
    }

    /// Ticket `i` (from 0): when it arrived and how its story goes. Arrivals are spread
    /// evenly with a random offset inside each one's slot, so they come in ticket order.
    fn ticket(&self, rng: &mut ChaCha8Rng, i: usize) -> (DateTime<Utc>, Fate) {
        let newest = self.now - Duration::minutes(NEWEST_MINUTES);
        let backlog_start = self.now - Duration::days(BACKLOG_DAYS);
        let (from, to, slot, slots, fate) = if i < self.history {
            let to = if self.shaped { backlog_start } else { newest };
            let fate = if self.shaped { Fate::Closed } else { Fate::Natural };
            (self.start, to, i, self.history, fate)
        } else {
            (backlog_start, newest, i - self.history, self.backlog, Fate::Open)
        };
        let minutes = (to - from).num_minutes().max(1) as f64;
        let at = (slot as f64 + rng.random::<f64>()) * minutes / slots.max(1) as f64;
        (from + Duration::minutes(at as i64), fate)
    }
}

/// The demo's other agents (index 0 stands for whoever runs the demo).
pub const DEMO_AGENTS: [&str; 4] = ["", "wang.fang", "li.na", "zhang.wei"];

/// Makes stories: everything the maker thread needs, borrowed from the desk.
struct Maker<'d> {
    pools: Pools,
    policy: Policy,
    promise: &'d Promise,
    author: String,
    arrivals: Arrivals,
    now: DateTime<Utc>,
}

impl Maker<'_> {
    /// Ticket `i`'s whole story: its final row, its log, its clocks and the judgements on
    /// its older breaches.
    fn story(&self, rng: &mut ChaCha8Rng, i: usize) -> Story {
        let (pools, now) = (&self.pools, self.now);
        let (new, chinese) = demo_ticket(pools, rng);
        let (opened, fate) = self.arrivals.ticket(rng, i);
        let mut ticket = new.opened(0, opened);
        // Every fourth ticket is owned by whoever runs the demo, the rest by demo agents, so
        // "mine" and the other owners' views have tickets. No random draw and the same log
        // (entered by whoever runs the demo): the stories are those of before owners.
        ticket.owner = match i % DEMO_AGENTS.len() {
            0 => self.author.clone(),
            n => DEMO_AGENTS[n].to_string(),
        };
        let intake = opened_entry(self.promise, &new, opened, &self.author);
        let history = demo_history(pools, rng, &ticket, chinese, now, fate);
        // Ids in the order written, so that entries at the same second replay in order.
        let mut log: Vec<LogEntry> = std::iter::once(intake)
            .chain(history)
            .enumerate()
            .map(|(n, e)| e.stored(n as i64 + 1, 0))
            .collect();
        for e in &log {
            if let Event::Status { to, .. } = e.event {
                apply_status(&mut ticket, to, e.at);
            }
            ticket.updated_at = e.at;
        }
        let clocks: Vec<Clock> = sla::evaluate(&self.policy, &ticket, &log, now)
            .iter()
            .map(ClockReading::to_stored)
            .collect();
        let mut reviews = Vec::new();
        for c in &clocks {
            if let Some((review, entry)) = judge(pools, rng, c, chinese, now) {
                reviews.push(review);
                log.push(entry.stored(log.len() as i64 + 1, 0));
            }
        }
        // Judgements come later than the history they judge, in time order with it.
        log.sort_by_key(|e| e.at);
        ticket.updated_at = log.iter().map(|e| e.at).max().unwrap_or(opened);
        ticket.version = log.len() as i64;
        Story {
            ticket,
            log: log.into_iter().map(NewEntry::from).collect(),
            clocks,
            reviews,
            external_id: None,
            imported_breaches: Vec::new(),
        }
    }
}

/// A supervisor's judgement on `clock` if it is breached and they have got to it: almost every
/// breach older than a month, some of last month's, none of the last two days'.
fn judge(
    pools: &Pools,
    rng: &mut ChaCha8Rng,
    clock: &Clock,
    zh: bool,
    now: DateTime<Utc>,
) -> Option<(Review, NewEntry)> {
    if !clock.breached(now) {
        return None;
    }
    // The deadline the review queue shows (the store's `coalesce(breached_at, due_at)`).
    let deadline = clock.breached_at.or(clock.due_at)?;
    let days = (now - deadline).num_days();
    let share = match days {
        d if d > 30 => 0.97,
        d if d > 7 => 0.6,
        d if d > 2 => 0.2,
        _ => return None,
    };
    if !rng.random_bool(share) {
        return None;
    }
    let judged_at = deadline + Duration::minutes(rng.random_range(60..7 * 24 * 60));
    if judged_at >= now {
        return None;
    }
    let (class, remedy, amount) = match rng.random_range(0..20) {
        0 => (
            BreachClass::Major,
            Remedy::Refund,
            Some(Amount(rng.random_range(50..500) * 100)),
        ),
        1..=3 => (
            BreachClass::Minor,
            Remedy::Compensation,
            Some(Amount(rng.random_range(10..100) * 100)),
        ),
        4..=5 => (BreachClass::Minor, Remedy::None, None),
        _ => (BreachClass::Minor, Remedy::Apology, None),
    };
    let reason = pools.judgements.pick(rng, zh).to_string();
    let late = clock.met_at.filter(|m| *m <= judged_at).unwrap_or(judged_at) - deadline;
    let review = Review {
        ticket_id: 0,
        metric: clock.metric.clone(),
        cycle: clock.cycle,
        judgement: Judgement {
            class,
            reason: reason.clone(),
            remedy,
            amount,
            note: String::new(),
        },
        due_at: deadline,
        late_secs: late.num_seconds().max(0),
        judged_at,
        judged_by: SUPERVISOR.to_string(),
    };
    let entry = NewEntry {
        at: judged_at,
        author: SUPERVISOR.to_string(),
        event: Event::Judged {
            metric: clock.metric.clone(),
            cycle: clock.cycle,
            class,
            remedy,
            amount_fen: amount.map(|a| a.0),
        },
        body: reason,
    };
    Some((review, entry))
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
fn demo_history(
    pools: &Pools,
    rng: &mut ChaCha8Rng,
    t: &Ticket,
    zh: bool,
    now: DateTime<Utc>,
    fate: Fate,
) -> Vec<NewEntry> {
    let mut timeline = Timeline {
        entries: Vec::new(),
        at: t.opened_at,
        now,
        status: Status::Open,
    };
    match fate {
        Fate::Open => play_open(pools, rng, &mut timeline, zh),
        Fate::Natural | Fate::Closed => play(pools, rng, &mut timeline, zh, fate == Fate::Closed),
    };
    timeline.entries
}

/// A ticket still being worked on: usually answered, with notes and often a plan; some wait
/// for the customer. Never resolved.
fn play_open(pools: &Pools, rng: &mut ChaCha8Rng, tl: &mut Timeline, zh: bool) -> Option<()> {
    if rng.random_bool(0.15) {
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
    if rng.random_bool(0.5) {
        tl.wait(rng, 1200)?;
        tl.record(Event::Plan, pools.plans.pick(rng, zh));
    }
    if rng.random_bool(0.2) {
        tl.wait(rng, 240)?;
        tl.move_to(Status::Waiting, pools.notes.pick(rng, zh));
    }
    Some(())
}

/// A ticket's story as far as its age lets it go; `closed`: to the end (it is old enough).
fn play(pools: &Pools, rng: &mut ChaCha8Rng, tl: &mut Timeline, zh: bool, closed: bool) -> Option<()> {
    let age_hours = (tl.now - tl.at).num_hours();
    // Older tickets have got further: most of last week's are closed, between two weeks and
    // two months a rare straggler is still open, and nothing older (a desk does not keep
    // cases open for years).
    let progress = (age_hours as f64 / 72.0).min(1.0);
    let settle = match age_hours {
        _ if closed => 1.0,
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

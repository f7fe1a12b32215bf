//! A ticket's working life through the desk, the same calls on SQLite and on PostgreSQL
//! (when `PROMPTLY_TEST_PG` names a server; without one the PostgreSQL tests print SKIPPED and
//! check nothing): the same tickets, logs, clocks and hash chain come out of both, a change
//! against an old version is refused as changed elsewhere on both, and on PostgreSQL several
//! desks writing at once lose nothing and keep one sound chain.

#[path = "common/pg.rs"]
pub mod pg;

use chrono::{DateTime, Duration, TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::{Desk, DeskError, Edit, FollowUp};
use promptly::domain::chain::{self, Link};
use promptly::domain::log::{ContactMethod, Direction, LogEntry};
use promptly::domain::policy::Policy;
use promptly::domain::sla::Clock as SlaClock;
use promptly::domain::ticket::{Customer, Kind, NewTicket, Priority, Status, Ticket};
use promptly::store::verify::Finding;
use promptly::store::{Store, StoreError};

/// Monday 2026-11-23 09:00 in Shanghai.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

fn server_store(s: &pg::Scratch) -> Store {
    schema_store(&s.schema, &s.shown)
}

/// A store on the test server's `schema` (first in the search path); `shown` names the
/// server in a failure.
fn schema_store(schema: &str, shown: &str) -> Store {
    Store::open_server(&pg::url_for(schema)).unwrap_or_else(|e| panic!("{shown}, schema {schema}: {e}"))
}

/// The desk on `store` at `at`, as `author`.
fn desk_at(store: Store, at: DateTime<Utc>, author: &str) -> Desk {
    Desk::new(store, Policy::builtin(), Clock::frozen(at), author)
}

/// What the story leaves: each ticket with its log and stored clocks.
type Outcome = Vec<(Ticket, Vec<LogEntry>, Vec<SlaClock>)>;

/// Two tickets through intake, contacts, notes, a plan, waiting, an edit that re-targets,
/// a deadline extended, resolution and closing; the store handed back with what it holds.
fn story(store: Store) -> (Store, Outcome) {
    let minutes = |m: i64| t0() + Duration::minutes(m);
    let mut desk = desk_at(store, t0(), "li");
    let mut kettle = NewTicket::titled("电水壶不加热");
    kettle.customer = Customer {
        name: "王小明".into(),
        phone: "13812345678".into(),
        email: "wang@example.cn".into(),
    };
    kettle.kind = Kind::Quality;
    kettle.priority = Priority::Urgent;
    let a = desk.open_ticket(&kettle, None).unwrap().id;
    let b = desk
        .open_ticket(&NewTicket::titled("Blender lid cracked"), None)
        .unwrap()
        .id;

    let mut desk = desk_at(desk.into_store(), minutes(20), "li");
    let phone = FollowUp::Contact {
        method: ContactMethod::Call,
        direction: Direction::Outbound,
    };
    desk.follow_up(a, Some(1), phone, "called back, element suspected")
        .unwrap();
    desk.follow_up(a, None, FollowUp::Plan, "replace the heating element")
        .unwrap();
    desk.follow_up(b, None, FollowUp::Note, "photo asked for").unwrap();
    desk.change_status(b, None, Status::Waiting, "waiting for the photo")
        .unwrap();

    let mut desk = desk_at(desk.into_store(), minutes(200), "chen");
    desk.edit(
        b,
        None,
        &[Edit::Priority(Priority::Important), Edit::Reference("SO-88".into())],
    )
    .unwrap();
    desk.change_status(b, None, Status::Open, "photo came").unwrap();
    let by = "1d".parse().unwrap();
    desk.extend(a, None, "resolution", &by, "part on order").unwrap();

    let mut desk = desk_at(desk.into_store(), minutes(24 * 60), "li");
    desk.change_status(a, None, Status::Resolved, "element replaced")
        .unwrap();
    desk.close(a, None, "customer says it heats now", "").unwrap();

    let store = desk.into_store();
    let outcome = [a, b]
        .iter()
        .map(|&id| {
            (
                store.ticket(id).unwrap().unwrap(),
                store.log(id).unwrap(),
                store.clocks(id).unwrap(),
            )
        })
        .collect();
    (store, outcome)
}

/// A change made against a version another desk has moved past: refused as changed
/// elsewhere, nothing of it written.
fn stale_refused(store: Store, id: i64) -> Store {
    let mut desk = desk_at(store, t0() + Duration::days(2), "chen");
    let before = desk.store().log(id).unwrap().len();
    let stale = desk.follow_up(id, Some(1), FollowUp::Note, "seen at version 1");
    assert!(
        matches!(stale, Err(DeskError::Store(StoreError::Stale { ticket })) if ticket == id),
        "{stale:?}"
    );
    assert_eq!(desk.store().log(id).unwrap().len(), before);
    desk.into_store()
}

/// A log row as [`CHAIN_ROWS`] reads it: id, ticket, instant, author, kind, data, body, hash.
type ChainRow = (i64, i64, i64, String, String, String, String, Vec<u8>);

/// The log's rows as the chain covers them, from the database's own view of the log
/// (`log_entries`: kinds by name, data inline), checked link by link here, independently of
/// the store: each hash is the one its entry and its predecessor make.
fn check_chain(rows: &[ChainRow]) -> Vec<Vec<u8>> {
    let mut previous = chain::GENESIS.to_vec();
    let mut hashes = Vec::new();
    for (id, ticket_id, at, author, kind, data, body, hash) in rows {
        let at = DateTime::from_timestamp(*at, 0)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let link = Link {
            id: *id,
            ticket_id: *ticket_id,
            at: &at,
            author,
            kind,
            data,
            body,
        };
        assert_eq!(chain::hash(&previous, &link).to_vec(), *hash, "entry {id}");
        previous = hash.clone();
        hashes.push(hash.clone());
    }
    hashes
}

const CHAIN_ROWS: &str = "SELECT id, ticket_id, at, author, kind, data, body, hash FROM log_entries ORDER BY id";

fn sqlite_chain(path: &std::path::Path) -> Vec<Vec<u8>> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare(CHAIN_ROWS).unwrap();
    let rows: Vec<_> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    check_chain(&rows)
}

fn pg_chain(client: &mut postgres::Client) -> Vec<Vec<u8>> {
    let rows: Vec<_> = client
        .query(CHAIN_ROWS, &[])
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get(0),
                r.get(1),
                r.get(2),
                r.get(3),
                r.get(4),
                r.get(5),
                r.get(6),
                r.get(7),
            )
        })
        .collect();
    check_chain(&rows)
}

fn sqlite_story() -> (tempfile::TempDir, std::path::PathBuf, Outcome) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let store = Store::open(&path, promptly::store::Access::Create).unwrap();
    let (store, outcome) = story(store);
    drop(stale_refused(store, outcome[1].0.id));
    (dir, path, outcome)
}

#[test]
fn a_tickets_life_on_sqlite() {
    let (_dir, path, outcome) = sqlite_story();
    let store = Store::open(&path, promptly::store::Access::ReadOnly).unwrap();
    assert_eq!(store.verify().unwrap(), (vec![], 13));
    let (a, log, clocks) = &outcome[0];
    assert_eq!(a.status, Status::Closed);
    assert_eq!(log.len(), 7, "{log:#?}");
    assert!(!clocks.is_empty());
    let (b, _, _) = &outcome[1];
    assert_eq!(
        (b.priority, b.reference.as_str(), b.owner.as_str()),
        (Priority::Important, "SO-88", "li")
    );
    assert_eq!(sqlite_chain(&path).len(), 7 + 6, "every entry of both tickets, chained");
}

#[test]
fn pg_a_tickets_life_is_the_same_on_postgres() {
    let Some(mut s) = pg::scratch("pg_a_tickets_life_is_the_same_on_postgres") else {
        return;
    };
    let (store, outcome) = story(server_store(&s));
    let store = stale_refused(store, outcome[1].0.id);
    drop(store);
    let (_dir, path, on_sqlite) = sqlite_story();
    assert_eq!(
        outcome, on_sqlite,
        "the same calls leave the same tickets, logs and clocks"
    );
    // The same entries make the same chain, hash for hash.
    assert_eq!(pg_chain(&mut s.client), sqlite_chain(&path));
    // Opened again, it reads back the same, and `verify` finds it sound.
    let store = server_store(&s);
    assert_eq!(store.ticket(outcome[0].0.id).unwrap().as_ref(), Some(&outcome[0].0));
    assert_eq!(store.verify().unwrap(), (vec![], 13));
    // The ticket view (the board's and `show`'s): ticket, log and mail, on PostgreSQL too.
    let desk = desk_at(store, t0() + Duration::days(3), "li");
    let view = desk.view(outcome[0].0.id).unwrap();
    assert_eq!((&view.ticket, &view.log), (&outcome[0].0, &outcome[0].1));
    assert!(view.mail.is_empty());
    let store = desk.into_store();

    // The schema's owner can switch a trigger off and rewrite an entry: verify says both.
    s.client
        .batch_execute(
            "ALTER TABLE log DISABLE TRIGGER log_is_append_only_update;
             UPDATE log SET body = 'never called' WHERE id = 2;",
        )
        .unwrap();
    let (findings, entries) = store.verify().unwrap();
    assert_eq!(entries, 13);
    assert!(
        findings.contains(&Finding::TriggerMissing("log_is_append_only_update")),
        "{findings:?}"
    );
    assert!(
        findings.contains(&Finding::LinkBroken { id: 2, ticket_id: 2 }),
        "{findings:?}"
    );
    assert_eq!(findings.len(), 2, "{findings:?}");
}

#[test]
fn pg_desks_writing_at_once_lose_nothing_and_keep_one_chain() {
    let Some(mut s) = pg::scratch("pg_desks_writing_at_once_lose_nothing_and_keep_one_chain") else {
        return;
    };
    let mut desk = desk_at(server_store(&s), t0(), "li");
    let ids: Vec<i64> = (0..3)
        .map(|i| {
            desk.open_ticket(&NewTicket::titled(format!("ticket {i}")), None)
                .unwrap()
                .id
        })
        .collect();
    drop(desk);
    let (schema, shown) = (s.schema.clone(), s.shown.clone());
    const DESKS: usize = 4;
    const CHANGES: usize = 30;
    // Each desk notes on the three tickets in turn; half of its changes carry the version it
    // last saw, and may be refused as changed elsewhere; the rest carry none and must land.
    let results: Vec<(usize, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..DESKS)
            .map(|d| {
                let (schema, shown, ids) = (&schema, &shown, &ids);
                scope.spawn(move || {
                    let mut desk = Desk::new(
                        schema_store(schema, shown),
                        Policy::builtin(),
                        Clock::running_from(t0() + Duration::minutes(5)),
                        format!("desk{d}"),
                    );
                    let (mut landed, mut stale) = (0, 0);
                    for n in 0..CHANGES {
                        let id = ids[(n + d) % ids.len()];
                        let expected = (n % 2 == 1).then(|| desk.store().ticket(id).unwrap().unwrap().version);
                        match desk.follow_up(id, expected, FollowUp::Note, &format!("desk{d} note {n}")) {
                            Ok(_) => landed += 1,
                            Err(DeskError::Store(StoreError::Stale { .. })) if expected.is_some() => stale += 1,
                            Err(e) => panic!("desk{d} change {n}: {e:?}"),
                        }
                    }
                    (landed, stale)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let landed: usize = results.iter().map(|r| r.0).sum();
    let stale: usize = results.iter().map(|r| r.1).sum();
    assert_eq!(landed + stale, DESKS * CHANGES);
    assert!(landed >= DESKS * CHANGES / 2, "every unversioned change lands");
    let store = server_store(&s);
    let mut notes = 0;
    for &id in &ids {
        let ticket = store.ticket(id).unwrap().unwrap();
        let log = store.log(id).unwrap();
        // Every change that landed is in the log, and bumped the version once: none lost.
        assert_eq!(ticket.version as usize, log.len(), "ticket {id}");
        notes += log.len() - 1;
    }
    assert_eq!(notes, landed);
    let chain = pg_chain(&mut s.client);
    assert_eq!(chain.len(), ids.len() + landed, "one chain holds every entry");
    // `promptly verify`'s checks: the store's, and every ticket's clocks against a replay.
    let verified = desk_at(store, t0() + Duration::minutes(5), "li").verify().unwrap();
    assert_eq!(verified.findings, vec![]);
    assert_eq!((verified.entries, verified.tickets), (chain.len() as u64, 3));
}

//! The bulk writer (the demo; the coming `import`): many tickets with their whole stories, each
//! row written once with prepared statements. The caller bounds a batch to one transaction; the
//! chain head is read once per batch and recorded once, customers are found or made with one
//! statement each, and a clock's `judged` flag is written with the clock.

use super::SqliteOnly;
use super::bulk_rows::{CLOCK_WIDTH, ClockRow, EntryRow, LOG_WIDTH, ROWS_PER_INSERT, insert_rows, placeholders};
use super::db::Db;
use super::rendered::{Stamp, TextHasher};
use super::rows::{CLOCK_COLUMNS, chain_head, data_ref, kind_code, set_log_head, shares_data};
use super::schema::JUDGED_IMPORTED;
use super::{Result, StoreError, Tx};
use crate::domain::chain::{self, Hash, Link, Previous};
use crate::domain::log::NewEntry;
use crate::domain::review::Review;
use crate::domain::sla::Clock;
use crate::domain::ticket::Ticket;
use rusqlite::params;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// One ticket as a bulk writer brings it in, in its final state. The ticket's id and the
/// `ticket_id` of its clocks and reviews are assigned here; the log is in the order it happened.
#[derive(Debug, Clone)]
pub struct Story {
    pub ticket: Ticket,
    pub log: Vec<NewEntry>,
    pub clocks: Vec<Clock>,
    /// Judgements on breached clocks; the clocks they name are stored judged.
    pub reviews: Vec<Review>,
    /// The other system's id of an imported ticket.
    pub external_id: Option<String>,
    /// Breached cycles (metric, cycle) that lay before the import: recorded, not queued.
    pub imported_breaches: Vec<(String, u32)>,
}

/// A story with the texts its rows store, rendered before the write transaction (on the
/// caller's thread: a bulk writer can render the next batch while this one is written).
#[derive(Debug, Clone)]
pub struct Prepared {
    story: Story,
    /// Opened, updated, resolved, closed.
    ticket_times: [Option<Stamp>; 4],
    /// Each entry's `at` and `data`.
    entries: Vec<(Stamp, String)>,
    /// Each clock's started, due, met and breached instants, and its `judged` value.
    clocks: Vec<([Option<Stamp>; 4], i64)>,
    /// The entries' hashes worked out ahead by [`Prepared::link`] on the caller's thread, and
    /// where they assumed the story lands (its ticket id, its first entry's id, the hash
    /// before it); the writer uses them only if it lands there.
    linked: Option<(ChainCursor, Vec<Hash>)>,
}

/// Where the next story of a bulk run is expected to land: its ticket's id, its first entry's
/// id and the chain's last hash before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainCursor {
    pub ticket_id: i64,
    pub entry_id: i64,
    pub previous: Previous,
}

impl Prepared {
    /// The story as it will be written.
    pub(super) fn story(&self) -> &Story {
        &self.story
    }

    /// Hashes the story's entries as if it landed at `at` and moves `at` past it, so that the
    /// chain is worked out on the thread that makes the stories instead of the writer's.
    pub fn link(&mut self, at: &mut ChainCursor) {
        let start = *at;
        let hashes = self
            .story
            .log
            .iter()
            .zip(&self.entries)
            .map(|(e, (when, data))| {
                let link = Link {
                    id: at.entry_id,
                    ticket_id: start.ticket_id,
                    at: when.as_str(),
                    author: &e.author,
                    kind: e.event.kind_name(),
                    data,
                    body: &e.body,
                };
                let hash = chain::hash(at.previous.as_slice(), &link);
                at.previous = Previous::from(hash);
                at.entry_id += 1;
                hash
            })
            .collect();
        at.ticket_id += 1;
        self.linked = Some((start, hashes));
    }
}

impl Story {
    /// Renders the stored texts; `Corrupt` if an event cannot be written as JSON.
    pub fn prepare(self) -> Result<Prepared> {
        let t = &self.ticket;
        let ticket_times = [
            Some(Stamp::of(t.opened_at)),
            Some(Stamp::of(t.updated_at)),
            t.resolved_at.map(Stamp::of),
            t.closed_at.map(Stamp::of),
        ];
        let entries = self
            .log
            .iter()
            .map(|e| {
                let data = serde_json::to_string(&e.event).map_err(|err| StoreError::Corrupt(err.to_string()))?;
                Ok((Stamp::of(e.at), data))
            })
            .collect::<Result<Vec<_>>>()?;
        let clocks = self
            .clocks
            .iter()
            .map(|c| {
                let same = |metric: &str, cycle: u32| metric == c.metric && cycle == c.cycle;
                let judged = if self.reviews.iter().any(|r| same(&r.metric, r.cycle)) {
                    1
                } else if self.imported_breaches.iter().any(|(m, n)| same(m, *n)) {
                    JUDGED_IMPORTED
                } else {
                    0
                };
                let times = [
                    Some(Stamp::of(c.started_at)),
                    c.due_at.map(Stamp::of),
                    c.met_at.map(Stamp::of),
                    c.breached_at.map(Stamp::of),
                ];
                (times, judged)
            })
            .collect();
        Ok(Prepared {
            story: self,
            ticket_times,
            entries,
            clocks,
            linked: None,
        })
    }
}

/// What [`Tx::bulk_insert`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub tickets: usize,
    pub entries: usize,
}

impl Tx<'_> {
    /// Writes `stories`: every ticket row once, its log continuing the hash chain, its clocks
    /// and its reviews.
    pub fn bulk_insert(&self, stories: &[Prepared]) -> Result<Written> {
        let Ok(conn) = self.sqlite(SqliteOnly::BulkWrites) else {
            return super::bulk_server::insert_each(self.db(), stories);
        };
        let (mut last_id, head) = chain_head(Db::Sqlite(conn))?;
        // The chain follows the head as stored, even one that is no hash (a row from before
        // the chain): `odd` until the first entry written here.
        let mut previous = Previous::of(&head).unwrap_or(Previous::GENESIS);
        let mut odd = Previous::of(&head).is_none().then_some(head);
        // Most customers of a bulk run are new: insert, and look the row up only when it was
        // there already (an upsert with RETURNING paid a statement journal for every one).
        let mut new_customer = conn
            .prepare_cached("INSERT INTO customers(name, phone, email) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")?;
        let mut known_customer =
            conn.prepare_cached("SELECT id FROM customers WHERE name = ?1 AND phone = ?2 AND email = ?3")?;
        let mut ticket_row = conn.prepare_cached(
            "INSERT INTO tickets(title, description, customer_id, channel, kind, priority, complexity, reference,
                                 purchased_on, status, opened_at, updated_at, resolved_at, closed_at, version,
                                 external_id, owner)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )?;
        let mut imported_breach =
            conn.prepare_cached("INSERT INTO imported_breaches(ticket_id, metric, cycle) VALUES (?1, ?2, ?3)")?;
        let log_columns = "INSERT INTO log(id, ticket_id, at, author, kind, data, body, hash, data_ref) VALUES ";
        let mut log_row = conn.prepare_cached(&format!("{log_columns}{}", placeholders(LOG_WIDTH, 1)))?;
        let mut log_rows =
            conn.prepare_cached(&format!("{log_columns}{}", placeholders(LOG_WIDTH, ROWS_PER_INSERT)))?;
        // The shared data texts met in this batch (a few hundred at most), looked up for
        // almost every entry: a cheap hash (SipHash over each text was 1% of the run).
        let mut shared: HashMap<&str, i64, BuildHasherDefault<TextHasher>> = HashMap::default();
        let clock_columns = format!("INSERT INTO clocks(ticket_id, {CLOCK_COLUMNS}, judged) VALUES ");
        let mut clock_row = conn.prepare_cached(&format!("{clock_columns}{}", placeholders(CLOCK_WIDTH, 1)))?;
        let mut clock_rows = conn.prepare_cached(&format!(
            "{clock_columns}{}",
            placeholders(CLOCK_WIDTH, ROWS_PER_INSERT)
        ))?;
        let mut customers: HashMap<[&str; 3], i64, BuildHasherDefault<TextHasher>> = HashMap::default();
        let mut written = Written::default();
        // The tickets first, one by one (each one's id is its log's and clocks'), then the log
        // and the clocks many rows a statement.
        let mut entries = Vec::new();
        let mut clocks = Vec::new();
        for prepared in stories {
            let story = &prepared.story;
            let t = &story.ticket;
            let who = [t.customer.name.trim(), t.customer.phone.trim(), t.customer.email.trim()];
            let customer_id = match customers.get(&who) {
                Some(id) => *id,
                None => {
                    let id: i64 = if new_customer.execute(params![who[0], who[1], who[2]])? == 1 {
                        conn.last_insert_rowid()
                    } else {
                        known_customer.query_row(params![who[0], who[1], who[2]], |r| r.get(0))?
                    };
                    customers.insert(who, id);
                    id
                }
            };
            ticket_row.execute(params![
                t.title.trim(),
                t.description,
                customer_id,
                t.channel.slug(),
                t.kind.slug(),
                t.priority.slug(),
                t.complexity.slug(),
                t.reference.trim(),
                t.purchased_on.map(|d| d.to_string()),
                t.status.slug(),
                prepared.ticket_times[0].as_ref().map(Stamp::secs),
                prepared.ticket_times[1].as_ref().map(Stamp::secs),
                prepared.ticket_times[2].as_ref().map(Stamp::secs),
                prepared.ticket_times[3].as_ref().map(Stamp::secs),
                t.version,
                story.external_id,
                t.owner,
            ])?;
            let ticket_id = conn.last_insert_rowid();
            // The hashes made ahead hold if the story landed where they assumed.
            let here = ChainCursor {
                ticket_id,
                entry_id: last_id + 1,
                previous,
            };
            let ahead = match &prepared.linked {
                Some((at, hashes)) if *at == here && odd.is_none() => Some(hashes),
                _ => None,
            };
            for (n, (e, (at, data))) in story.log.iter().zip(&prepared.entries).enumerate() {
                let link = Link {
                    id: last_id + 1,
                    ticket_id,
                    at: at.as_str(),
                    author: &e.author,
                    kind: e.event.kind_name(),
                    data,
                    body: &e.body,
                };
                let hash = match ahead.and_then(|h| h.get(n)) {
                    Some(hash) => *hash,
                    None => chain::hash(odd.as_deref().unwrap_or(previous.as_slice()), &link),
                };
                let shared_ref = if shares_data(link.kind) {
                    Some(match shared.get(data.as_str()) {
                        Some(id) => *id,
                        None => {
                            let id = data_ref(Db::Sqlite(conn), data)?;
                            shared.insert(data, id);
                            id
                        }
                    })
                } else {
                    None
                };
                entries.push(EntryRow {
                    id: link.id,
                    ticket_id,
                    at: at.secs(),
                    author: &e.author,
                    kind: kind_code(link.kind)?,
                    data: if shared_ref.is_some() { "" } else { data.as_str() },
                    body: &e.body,
                    hash,
                    data_ref: shared_ref,
                });
                last_id = link.id;
                previous = Previous::from(hash);
                odd = None;
            }
            clocks.extend(
                story
                    .clocks
                    .iter()
                    .zip(&prepared.clocks)
                    .map(|(clock, (times, judged))| ClockRow {
                        ticket_id,
                        clock,
                        times,
                        judged: *judged,
                    }),
            );
            for r in &story.reviews {
                super::supervision::insert_review_row(Db::Sqlite(conn), ticket_id, r)?;
            }
            for (metric, cycle) in &story.imported_breaches {
                imported_breach.execute(params![ticket_id, metric, cycle])?;
            }
            written.tickets += 1;
            written.entries += story.log.len();
        }
        insert_rows(&mut log_row, &mut log_rows, &entries, EntryRow::bind)?;
        insert_rows(&mut clock_row, &mut clock_rows, &clocks, ClockRow::bind)?;
        if written.entries > 0 {
            set_log_head(Db::Sqlite(conn), last_id, previous.as_slice())?;
        }
        Ok(written)
    }
}

impl super::Store {
    /// Where the next ticket and entry written go: for [`Prepared::link`] (the chain's head as
    /// [`Tx::bulk_insert`] will reads it).
    pub fn chain_cursor(&self) -> Result<ChainCursor> {
        let db = self.db();
        let (entry, head) = chain_head(db)?;
        let ticket: i64 = db.query_row("SELECT coalesce(max(id), 0) FROM tickets", &[], |r| r.get(0))?;
        Ok(ChainCursor {
            ticket_id: ticket + 1,
            entry_id: entry + 1,
            // A head that is no hash (written before the chain) is never matched: the writer
            // hashes such a run itself.
            previous: Previous::of(&head).unwrap_or(Previous::GENESIS),
        })
    }

    /// A bulk run: `run` writes its batches with [`Store::bulk_write`] under a page cache big
    /// enough for the indexes a batch touches (whatever reading commands use); afterwards the
    /// cache is put back and the WAL emptied.
    pub fn bulk<T, E: From<StoreError>>(
        &mut self,
        run: impl FnOnce(&mut super::Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        // A server's writer has nothing to put aside: its rows go through the desk's own.
        let Ok(conn) = self.sqlite(SqliteOnly::BulkWrites) else {
            return run(self);
        };
        let pragma = |name: &str| conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0));
        let (cache, sync) = (pragma("cache_size"), pragma("synchronous"));
        let (cache, sync) = (cache.map_err(StoreError::from)?, sync.map_err(StoreError::from)?);
        // NORMAL: a commit waits for no fsync, checkpoints still do; a crash loses at most the
        // last batches, never the database (a staged store stays OFF: it is synced once, at the
        // end). No foreign-key lookups: the writer gives every row the ids it has just made.
        conn.execute_batch(&format!(
            "PRAGMA cache_size = {BULK_CACHE_KIB}; PRAGMA synchronous = {}; PRAGMA foreign_keys = OFF;",
            sync.min(1)
        ))
        .map_err(StoreError::from)?;
        self.defer_indexes()?;
        self.defer_nearest()?;
        let out = run(self);
        // The indexes and the trigger come back whether the run went well or not.
        let conn = self.sqlite(SqliteOnly::BulkWrites)?;
        let restored = super::deferred::restore_indexes(conn).and_then(|()| super::deferred::restore_nearest(conn));
        conn.execute_batch(&format!(
            "PRAGMA cache_size = {cache}; PRAGMA synchronous = {sync}; PRAGMA foreign_keys = ON;"
        ))
        .map_err(StoreError::from)?;
        let out = out?;
        restored?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(StoreError::from)?;
        Ok(out)
    }

    /// One batch of a bulk run: one transaction, then a passive checkpoint, so the WAL holds
    /// about one batch and not the whole run.
    pub fn bulk_write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Tx) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let out = self.write(f)?;
        let Ok(conn) = self.sqlite(SqliteOnly::BulkWrites) else {
            return Ok(out);
        };
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .map_err(StoreError::from)?;
        Ok(out)
    }
}

/// The page cache of a bulk run, in KiB (negative: SQLite's unit for a size in KiB).
const BULK_CACHE_KIB: i64 = -65536;

#[cfg(test)]
pub(super) mod tests {
    use super::super::deferred::NEAREST_INSERT_TRIGGER;
    use super::*;
    use crate::domain::log::Event;
    use crate::domain::review::{BreachClass, Judgement, Remedy};
    use crate::domain::sla::ClockState;
    use crate::domain::ticket::{Complexity, Kind, NewTicket, Priority, Status};
    use chrono::{DateTime, TimeZone, Utc};
    use rusqlite::OptionalExtension;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, hour, 0, 0).unwrap()
    }

    pub(in crate::store) fn story(title: &str, judged: bool) -> Story {
        let mut ticket = NewTicket::titled(title).opened(0, at(1));
        ticket.customer.name = "王小明".into();
        ticket.status = Status::Waiting;
        ticket.updated_at = at(3);
        ticket.version = 2;
        let entry = |hour, event| NewEntry {
            at: at(hour),
            author: "demo".into(),
            event,
            body: String::new(),
        };
        let opened = Event::Opened {
            priority: Priority::Normal,
            kind: Kind::Enquiry,
            complexity: Complexity::Ordinary,
            targets: Default::default(),
            calendars: Default::default(),
            table: None,
        };
        let waiting = Event::Status {
            from: Status::Open,
            to: Status::Waiting,
        };
        let clock = Clock {
            ticket_id: 0,
            metric: "first-response".into(),
            cycle: 1,
            state: ClockState::Breached,
            target: "30m".into(),
            started_at: at(1),
            due_at: Some(at(2)),
            met_at: None,
            breached_at: Some(at(2)),
            paused_secs: 0,
            remaining_secs: -3600,
        };
        let review = Review {
            ticket_id: 0,
            metric: "first-response".into(),
            cycle: 1,
            judgement: Judgement {
                class: BreachClass::Minor,
                reason: "rush".into(),
                remedy: Remedy::Apology,
                amount: None,
                note: String::new(),
            },
            due_at: at(2),
            late_secs: 3600,
            judged_at: at(3),
            judged_by: "supervisor".into(),
        };
        Story {
            ticket,
            log: vec![entry(1, opened), entry(3, waiting)],
            clocks: vec![clock],
            reviews: if judged { vec![review] } else { Vec::new() },
            external_id: None,
            imported_breaches: Vec::new(),
        }
    }

    /// Writes `stories` as one batch of one bulk run.
    pub(in crate::store) fn write_all(store: &mut super::super::Store, stories: &[Story]) -> Written {
        store
            .bulk(|s| {
                let prepared = stories
                    .iter()
                    .map(|s| s.clone().prepare())
                    .collect::<Result<Vec<_>>>()?;
                s.bulk_write(|tx| tx.bulk_insert(&prepared))
            })
            .unwrap()
    }

    #[test]
    fn every_row_is_written_once_and_reads_back_sound() {
        let mut store = super::super::Store::open_in_memory().unwrap();
        let before = store.sqlite(super::SqliteOnly::Settings).unwrap().total_changes();
        let stories = [story("kettle", true), story("jacket", false)];
        let written = write_all(&mut store, &stories);
        assert_eq!(written, Written { tickets: 2, entries: 4 });
        // One customer (the same person twice), 2 tickets, 4 entries, 2 clocks, 1 review, the
        // chain head, the unjudged-breach tally (its trigger counts the one unjudged
        // breach), the two shared data texts (opened, the status move) and the record of the
        // deferred indexes and of the deferred list-row trigger, each made and removed, and
        // the list's row of each ticket (both clocks run), made once at the end: nothing
        // inserted and then updated.
        assert_eq!(
            store.sqlite(super::SqliteOnly::Settings).unwrap().total_changes() - before,
            1 + 2 + 4 + 2 + 1 + 1 + 1 + 2 + 2 + 2 + 2
        );
        let (findings, entries) = store.verify().unwrap();
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(entries, 4);
        for (id, s) in [(1, &stories[0]), (2, &stories[1])] {
            let t = store.ticket(id).unwrap().unwrap();
            assert_eq!(t, crate::domain::ticket::Ticket { id, ..s.ticket.clone() });
            assert_eq!(store.log(id).unwrap().len(), 2);
            assert_eq!(store.clocks(id).unwrap()[0].ticket_id, id);
        }
        let judged: Vec<i64> = store
            .sqlite(super::SqliteOnly::Settings)
            .unwrap()
            .prepare("SELECT ticket_id FROM clocks WHERE judged = 1")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(judged, vec![1]);
        assert_eq!(store.review_count(at(4)).unwrap(), 1, "the unjudged breach waits");
    }

    /// The log's (id, ticket, hash) rows.
    pub(in crate::store) fn chain(store: &super::super::Store) -> Vec<(i64, i64, Vec<u8>)> {
        store
            .sqlite(super::SqliteOnly::Settings)
            .unwrap()
            .prepare("SELECT id, ticket_id, hash FROM log ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// Writes two stories in two batches, hashed ahead from `cursor` when one is given (or
    /// from where the store says they go).
    fn written(cursor: Option<Option<ChainCursor>>) -> super::super::Store {
        let mut store = super::super::Store::open_in_memory().unwrap();
        let mut at = cursor.map(|c| c.unwrap_or_else(|| store.chain_cursor().unwrap()));
        store
            .bulk(|s| {
                for story in [story("kettle", true), story("jacket", false)] {
                    let mut prepared = story.prepare()?;
                    if let Some(at) = at.as_mut() {
                        prepared.link(at);
                    }
                    s.bulk_write(|tx| tx.bulk_insert(&[prepared]))?;
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
        store
    }

    #[test]
    fn hashes_made_ahead_are_the_writers_and_used_only_where_they_assumed() {
        let by_writer = chain(&written(None));
        assert_eq!(by_writer.len(), 4);
        let ahead = written(Some(None));
        assert_eq!(chain(&ahead), by_writer);
        assert_eq!(
            ahead.chain_cursor().unwrap(),
            ChainCursor {
                ticket_id: 3,
                entry_id: 5,
                previous: Previous::of(&by_writer[3].2).unwrap(),
            }
        );
        // Made for another place (a ticket or an entry written meanwhile, another head): the
        // writer hashes them itself and the chain holds.
        for wrong in [
            ChainCursor {
                ticket_id: 2,
                entry_id: 1,
                previous: Previous::GENESIS,
            },
            ChainCursor {
                ticket_id: 1,
                entry_id: 2,
                previous: Previous::GENESIS,
            },
            ChainCursor {
                ticket_id: 1,
                entry_id: 1,
                previous: Previous::of(&[7; 32]).unwrap(),
            },
        ] {
            let store = written(Some(Some(wrong)));
            assert_eq!(chain(&store), by_writer, "{wrong:?}");
            let (findings, entries) = store.verify().unwrap();
            assert!(findings.is_empty() && entries == 4, "{findings:?}");
        }
    }

    #[test]
    fn the_list_rows_trigger_a_run_cut_short_dropped_is_made_again_with_the_rows() {
        use super::super::{Access, Store};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.db");
        let trigger = |conn: &rusqlite::Connection| -> Option<String> {
            conn.query_row(
                "SELECT sql FROM sqlite_schema WHERE name = ?1",
                [NEAREST_INSERT_TRIGGER],
                |r| r.get(0),
            )
            .optional()
            .unwrap()
        };
        let rows = |conn: &rusqlite::Connection| -> i64 {
            conn.query_row("SELECT count(*) FROM nearest_deadlines", [], |r| r.get(0))
                .unwrap()
        };
        let made = trigger(
            Store::open(&path, Access::Create)
                .unwrap()
                .sqlite(super::SqliteOnly::Settings)
                .unwrap(),
        );
        assert!(made.is_some());
        {
            let mut store = Store::open(&path, Access::ReadWrite).unwrap();
            store.defer_nearest().unwrap();
            assert_eq!(trigger(store.sqlite(super::SqliteOnly::Settings).unwrap()), None);
            // Written while it is gone (the run, or another writer): no list row yet.
            let prepared = story("kettle", false).prepare().unwrap();
            store.write(|tx| tx.bulk_insert(&[prepared])).unwrap();
            assert_eq!(rows(store.sqlite(super::SqliteOnly::Settings).unwrap()), 0);
            // The run dies here.
        }
        let store = Store::open(&path, Access::ReadWrite).unwrap();
        assert_eq!(trigger(store.sqlite(super::SqliteOnly::Settings).unwrap()), made);
        assert_eq!(
            rows(store.sqlite(super::SqliteOnly::Settings).unwrap()),
            1,
            "the running clock's ticket is listed"
        );
        let (findings, _) = store.verify().unwrap();
        assert!(findings.is_empty(), "{findings:?}");
    }
}

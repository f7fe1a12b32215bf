//! The schema as numbered migrations. Append new ones; never edit a released one.

use super::rows::{LINK_COLUMNS_INLINE, LinkRow, set_log_head};
use crate::domain::chain::{self, GENESIS};
use rusqlite::{Transaction, params};
use rusqlite_migration::{HookResult, M, Migrations};

/// `PRAGMA application_id` of a Promptly database ("PRMT"): tells our files from other SQLite
/// files before anything is written to them.
pub const APPLICATION_ID: i64 = 0x5052_4D54;

pub fn migrations() -> Migrations<'static> {
    let mut all: Vec<M> = MIGRATIONS.iter().map(|sql| M::up(sql)).collect();
    all.push(M::up_with_hook(CHAIN_LOG, chain_existing_log));
    all.extend(AFTER_CHAIN.iter().map(|sql| M::up(sql)));
    all.push(M::up_with_hook("", super::compact::compact_rows));
    Migrations::new(all)
}

/// How many migrations this build knows; a file at a higher `user_version` is from a newer Promptly.
pub fn latest_version() -> i64 {
    (MIGRATIONS.len() + 1 + AFTER_CHAIN.len() + 1) as i64
}

/// The triggers that keep promise tables as they were written.
pub const PROMISE_TRIGGERS: [&str; 2] = ["promises_are_kept_update", "promises_are_kept_delete"];

/// The triggers that keep mail rows as received (migration 12); `verify` checks they are there.
pub const MAIL_TRIGGERS: [&str; 2] = ["mail_is_kept_update", "mail_is_kept_delete"];

/// Migrations after the chain (4), numbered on from 5.
const AFTER_CHAIN: &[&str] = &[
    // 5: the promise tables tickets open under (`domain::promise`), once per distinct content,
    // keyed by the SHA-256 of the text the opened entry names. Never changed or deleted.
    r#"
    CREATE TABLE promises (digest TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
    CREATE TRIGGER promises_are_kept_update BEFORE UPDATE ON promises
    BEGIN SELECT RAISE(ABORT, 'a promise table is kept as written: it cannot be changed'); END;
    CREATE TRIGGER promises_are_kept_delete BEFORE DELETE ON promises
    BEGIN SELECT RAISE(ABORT, 'a promise table is kept as written: it cannot be deleted'); END;
    "#,
    // 6: reads that touch only what is shown (issue 11). The board's header, `report` and
    // `review list` counted every unjudged breach in history with a ticket lookup per row;
    // the count of recorded ones is now kept by triggers in the same transaction as the clock
    // rows, and running clocks gone late since the last write (bounded by the open tickets)
    // have a covering index of their own.
    r#"
    CREATE TABLE tallies (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
    INSERT INTO tallies(name, n)
        SELECT 'unjudged_breaches', count(*) FROM clocks WHERE breached_at IS NOT NULL AND judged = 0;
    CREATE TRIGGER tally_unjudged_insert AFTER INSERT ON clocks
    WHEN NEW.breached_at IS NOT NULL AND NEW.judged = 0
    BEGIN UPDATE tallies SET n = n + 1 WHERE name = 'unjudged_breaches'; END;
    CREATE TRIGGER tally_unjudged_delete AFTER DELETE ON clocks
    WHEN OLD.breached_at IS NOT NULL AND OLD.judged = 0
    BEGIN UPDATE tallies SET n = n - 1 WHERE name = 'unjudged_breaches'; END;
    CREATE TRIGGER tally_unjudged_update AFTER UPDATE OF breached_at, judged ON clocks
    WHEN (OLD.breached_at IS NOT NULL AND OLD.judged = 0) <> (NEW.breached_at IS NOT NULL AND NEW.judged = 0)
    BEGIN UPDATE tallies SET n = n + (NEW.breached_at IS NOT NULL AND NEW.judged = 0)
        - (OLD.breached_at IS NOT NULL AND OLD.judged = 0) WHERE name = 'unjudged_breaches'; END;
    CREATE INDEX clocks_late_unrecorded ON clocks(due_at)
        WHERE met_at IS NULL AND breached_at IS NULL AND judged = 0;
    "#,
    // 7 (bulk2: shared entry data, a slimmer by-ticket index): an entry's data is mostly one of
    // a few texts; keep each once in `log_data`, named by the entry's `data_ref` (new rows
    // only: the hash covers the text, so old rows verify as they are, and moving them would
    // rewrite an append-only log for a few bytes). Kept as written, like promises. Entries of
    // a ticket are read whole and sorted in memory-sized sets, so the index by ticket need not
    // carry `at` (20 bytes an entry).
    r#"
    CREATE TABLE log_data (id INTEGER PRIMARY KEY, data TEXT NOT NULL UNIQUE);
    CREATE TRIGGER log_data_is_kept_update BEFORE UPDATE ON log_data
    BEGIN SELECT RAISE(ABORT, 'the follow-up log is append-only: entry data cannot be changed'); END;
    CREATE TRIGGER log_data_is_kept_delete BEFORE DELETE ON log_data
    BEGIN SELECT RAISE(ABORT, 'the follow-up log is append-only: entry data cannot be deleted'); END;
    ALTER TABLE log ADD COLUMN data_ref INTEGER;
    DROP INDEX log_ticket;
    CREATE INDEX log_by_ticket ON log(ticket_id);
    -- The log as its entries mean it, data inline wherever it is kept (for reading by hand).
    CREATE VIEW log_entries AS SELECT id, ticket_id, at, author, kind,
        coalesce((SELECT d.data FROM log_data d WHERE d.id = log.data_ref), log.data) AS data, body, hash
        FROM log;
    "#,
    // 8: the review queue filtered by metric (issue 13) reads only that metric's unjudged
    // breaches, in deadline order either way, for both arms of the queue.
    r#"
    CREATE INDEX clocks_unjudged_breach_metric ON clocks(metric, breached_at)
        WHERE breached_at IS NOT NULL AND judged = 0;
    CREATE INDEX clocks_late_unrecorded_metric ON clocks(metric, due_at)
        WHERE met_at IS NULL AND breached_at IS NULL AND judged = 0;
    "#,
    // 9: a callback recorded again (not reached, then reached) overwrote the earlier call, so
    // a past period's report changed after the fact (issue 13). Each call is now a row with
    // its instant, kept as written; `callbacks` keeps showing the latest.
    r#"
    CREATE TABLE callback_calls (
        id        INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL,
        month     TEXT NOT NULL,
        at        TEXT NOT NULL,
        by        TEXT NOT NULL,
        reached   INTEGER NOT NULL,
        score     INTEGER CHECK (score BETWEEN 1 AND 5),
        comment   TEXT NOT NULL DEFAULT '',
        FOREIGN KEY (ticket_id, month) REFERENCES callbacks(ticket_id, month)
    );
    CREATE INDEX callback_calls_by_callback ON callback_calls(ticket_id, month, at);
    CREATE INDEX callback_calls_at ON callback_calls(at);
    INSERT INTO callback_calls(ticket_id, month, at, by, reached, score, comment)
        SELECT ticket_id, month, done_at, done_by, coalesce(reached, 0), score, comment
        FROM callbacks WHERE done_at IS NOT NULL;
    CREATE TRIGGER callback_calls_are_kept_update BEFORE UPDATE ON callback_calls
    BEGIN SELECT RAISE(ABORT, 'a recorded callback is kept as written: record the call again instead'); END;
    CREATE TRIGGER callback_calls_are_kept_delete BEFORE DELETE ON callback_calls
    BEGIN SELECT RAISE(ABORT, 'a recorded callback is kept as written: it cannot be deleted'); END;
    "#,
    // 10 (issue 14, `import`): a ticket brought in from another system keeps that system's id,
    // once (re-importing a file is refused or skipped row by row). Breaches that lay before
    // the import are recorded but not queued for judgement: listed in `imported_breaches`
    // and stored with `judged = 2` (0 unjudged, 1 judged by a review), so the queue's indexes,
    // its counts and the `tallies` triggers (all `judged = 0`) leave them out as they are.
    r#"
    ALTER TABLE tickets ADD COLUMN external_id TEXT;
    CREATE UNIQUE INDEX tickets_external_id ON tickets(external_id) WHERE external_id IS NOT NULL;
    CREATE TABLE imported_breaches (
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        metric    TEXT NOT NULL,
        cycle     INTEGER NOT NULL,
        PRIMARY KEY (ticket_id, metric, cycle)
    ) WITHOUT ROWID;
    "#,
    // 11 (issue 11): the running clocks' index by deadline holds every column of a clock, so
    // `list --overdue` and the board's header read no clock row (each was a seek into the
    // clocks' key: a third of `list --overdue`). Running clocks only, bounded by open tickets.
    r#"
    DROP INDEX clocks_running_due;
    CREATE INDEX clocks_running_due ON clocks(due_at, ticket_id, metric, cycle, state, target, started_at,
        met_at, breached_at, paused_secs, remaining_secs) WHERE met_at IS NULL;
    "#,
    // 12 (issue 15, mail as a channel): every message taken in or sent, naming the contact
    // entry it was logged as. Kept as received: no UPDATE, no DELETE. `raw` is gzip.
    r#"
    CREATE TABLE mail (
        id          INTEGER PRIMARY KEY,
        message_id  TEXT NOT NULL UNIQUE,
        ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
        log_id      INTEGER NOT NULL REFERENCES log(id),
        direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        at          TEXT NOT NULL,
        from_addr   TEXT NOT NULL,
        from_name   TEXT NOT NULL DEFAULT '',
        to_addr     TEXT NOT NULL DEFAULT '',
        subject     TEXT NOT NULL DEFAULT '',
        in_reply_to TEXT,
        refs        TEXT,
        attachments TEXT NOT NULL DEFAULT '[]',
        raw         BLOB
    );
    CREATE INDEX mail_ticket ON mail(ticket_id, id);
    -- Intake matches a sender to an existing customer by address, whatever its case.
    CREATE INDEX customers_email ON customers(email COLLATE NOCASE) WHERE email <> '';
    CREATE TRIGGER mail_is_kept_update BEFORE UPDATE ON mail
    BEGIN SELECT RAISE(ABORT, 'mail is kept as received: it cannot be changed'); END;
    CREATE TRIGGER mail_is_kept_delete BEFORE DELETE ON mail
    BEGIN SELECT RAISE(ABORT, 'mail is kept as received: it cannot be deleted'); END;
    "#,
    NEAREST_DEADLINES,
    OWNERS_AND_AGENTS,
];

/// 14 (issue 16): first-contact responsibility (首问负责制). Each ticket names its owner, the
/// agent who took it: existing tickets take their opening entry's author, as intake records
/// it. `agents` names who works the desk and who supervises; while it is empty everyone may
/// do everything (a one-person desk). Owners are not keyed to `agents`: a removed agent's
/// tickets keep their owner.
const OWNERS_AND_AGENTS: &str = r#"
    ALTER TABLE tickets ADD COLUMN owner TEXT NOT NULL DEFAULT '';
    UPDATE tickets SET owner = coalesce((SELECT l.author FROM log l
        WHERE l.ticket_id = tickets.id AND l.kind = 'opened' ORDER BY l.id LIMIT 1), '');
    -- `list --mine`, `--owner`, `--unassigned` and the board's views.
    CREATE INDEX tickets_owner ON tickets(owner);
    CREATE TABLE agents (
        name     TEXT PRIMARY KEY,
        role     TEXT NOT NULL CHECK (role IN ('agent', 'supervisor')),
        added_at TEXT NOT NULL
    ) WITHOUT ROWID;
"#;

/// 13 (issue 11): `list --overdue`, `--due-within` and the list's first part read one row per
/// ticket with a running deadline, kept in list order: its nearest running clock beside what
/// the list shows of the ticket. It took a pass over every running clock (a ticket late on two
/// read twice), then a ticket and a customer seek per row, then a sort of each deadline's ties.
/// Triggers keep it in the same transaction as the clock and ticket rows it is made from
/// (`verify` compares it with them); bounded by the open tickets.
const NEAREST_DEADLINES: &str = r#"
    -- The rows it is made of: every running clock with a deadline beside its ticket's listed
    -- fields, in the table's column order (a view, so the triggers, this migration and
    -- `verify` say it once). A ticket's row is the first of its own in deadline order.
    CREATE VIEW nearest_deadline_rows AS
    SELECT n.due_at AS due_at, CASE t.priority WHEN 'urgent' THEN 0 WHEN 'important' THEN 1 ELSE 2 END AS rank,
           t.opened_at AS opened_at, n.ticket_id AS ticket_id, t.status AS status, t.priority AS priority,
           t.title AS title, c.name AS customer_name, c.phone AS customer_phone, n.metric AS metric,
           n.cycle AS cycle, n.state AS state, n.target AS target, n.started_at AS started_at,
           n.breached_at AS breached_at, n.paused_secs AS paused_secs, n.remaining_secs AS remaining_secs
    FROM clocks n JOIN tickets t ON t.id = n.ticket_id JOIN customers c ON c.id = t.customer_id
    WHERE n.met_at IS NULL AND n.due_at IS NOT NULL;
    CREATE TABLE nearest_deadlines (
        due_at         TEXT NOT NULL,
        rank           INTEGER NOT NULL,
        opened_at      TEXT NOT NULL,
        ticket_id      INTEGER NOT NULL UNIQUE,
        status         TEXT NOT NULL,
        priority       TEXT NOT NULL,
        title          TEXT NOT NULL,
        customer_name  TEXT NOT NULL,
        customer_phone TEXT NOT NULL,
        metric         TEXT NOT NULL,
        cycle          INTEGER NOT NULL,
        state          TEXT NOT NULL,
        target         TEXT NOT NULL,
        started_at     TEXT NOT NULL,
        breached_at    TEXT,
        paused_secs    INTEGER NOT NULL,
        remaining_secs INTEGER,
        PRIMARY KEY (due_at, rank, opened_at, ticket_id)
    ) WITHOUT ROWID;
    INSERT INTO nearest_deadlines SELECT * FROM nearest_deadline_rows n
        WHERE (n.metric, n.cycle) = (SELECT metric, cycle FROM clocks WHERE ticket_id = n.ticket_id
            AND met_at IS NULL AND due_at IS NOT NULL ORDER BY due_at, metric, cycle LIMIT 1);
    CREATE TRIGGER nearest_after_clock_insert AFTER INSERT ON clocks
    WHEN NEW.met_at IS NULL AND NEW.due_at IS NOT NULL
    BEGIN
        DELETE FROM nearest_deadlines WHERE ticket_id = NEW.ticket_id;
        INSERT INTO nearest_deadlines SELECT * FROM nearest_deadline_rows WHERE ticket_id = NEW.ticket_id
            ORDER BY due_at, metric, cycle LIMIT 1;
    END;
    CREATE TRIGGER nearest_after_clock_delete AFTER DELETE ON clocks
    WHEN OLD.met_at IS NULL AND OLD.due_at IS NOT NULL
    BEGIN
        DELETE FROM nearest_deadlines WHERE ticket_id = OLD.ticket_id;
        INSERT INTO nearest_deadlines SELECT * FROM nearest_deadline_rows WHERE ticket_id = OLD.ticket_id
            ORDER BY due_at, metric, cycle LIMIT 1;
    END;
    CREATE TRIGGER nearest_after_clock_update AFTER UPDATE OF ticket_id, metric, cycle, state, target,
        started_at, due_at, met_at, breached_at, paused_secs, remaining_secs ON clocks
    BEGIN
        DELETE FROM nearest_deadlines WHERE ticket_id IN (OLD.ticket_id, NEW.ticket_id);
        INSERT INTO nearest_deadlines SELECT * FROM nearest_deadline_rows WHERE ticket_id = OLD.ticket_id
            ORDER BY due_at, metric, cycle LIMIT 1;
        INSERT INTO nearest_deadlines SELECT * FROM nearest_deadline_rows
            WHERE ticket_id = NEW.ticket_id AND NEW.ticket_id <> OLD.ticket_id
            ORDER BY due_at, metric, cycle LIMIT 1;
    END;
    CREATE TRIGGER nearest_after_ticket_update AFTER UPDATE OF id, title, priority, status, opened_at, customer_id
        ON tickets
    WHEN OLD.id IS NOT NEW.id OR OLD.title IS NOT NEW.title OR OLD.priority IS NOT NEW.priority
        OR OLD.status IS NOT NEW.status OR OLD.opened_at IS NOT NEW.opened_at OR OLD.customer_id IS NOT NEW.customer_id
    BEGIN
        DELETE FROM nearest_deadlines WHERE ticket_id IN (OLD.id, NEW.id);
        INSERT INTO nearest_deadlines SELECT * FROM nearest_deadline_rows WHERE ticket_id = NEW.id
            ORDER BY due_at, metric, cycle LIMIT 1;
    END;
    CREATE TRIGGER nearest_after_ticket_delete AFTER DELETE ON tickets
    BEGIN DELETE FROM nearest_deadlines WHERE ticket_id = OLD.id; END;
    CREATE TRIGGER nearest_after_customer_update AFTER UPDATE OF name, phone ON customers
    WHEN OLD.name IS NOT NEW.name OR OLD.phone IS NOT NEW.phone
    BEGIN
        UPDATE nearest_deadlines SET customer_name = NEW.name, customer_phone = NEW.phone
            WHERE ticket_id IN (SELECT id FROM tickets WHERE customer_id = NEW.id);
    END;
"#;

/// `nearest_deadlines` as its rows are made (migration 13): each ticket's first running clock
/// with a deadline, by deadline, metric and cycle, beside its listed fields. `verify` compares
/// the table with it; a bulk run remakes the table from it.
pub const NEAREST_MADE: &str = "SELECT * FROM nearest_deadline_rows n WHERE (n.metric, n.cycle) =
    (SELECT metric, cycle FROM clocks WHERE ticket_id = n.ticket_id AND met_at IS NULL AND due_at IS NOT NULL
     ORDER BY due_at, metric, cycle LIMIT 1)";

/// `clocks.judged` of a breach that lay before its ticket was imported (migration 10).
pub const JUDGED_IMPORTED: i64 = 2;

/// The tally of clocks breached at a write and not judged yet (migration 6 keeps it).
pub const UNJUDGED_BREACHES: &str = "unjudged_breaches";

/// The triggers that keep the log append-only; `verify` and the board check they are there.
pub const LOG_TRIGGERS: [&str; 6] = [
    "log_is_append_only_update",
    "log_is_append_only_delete",
    "log_ids_are_never_reused",
    "log_entries_are_chained",
    "log_data_is_kept_update",
    "log_data_is_kept_delete",
];

/// Meta key: `ID:HASH` of the last log entry, so a deleted last entry is noticed.
pub const LOG_HEAD: &str = "log_head";

/// 4: the log proves itself. Every entry gets a hash chained to the one before (see
/// `domain::chain`); inserts that reuse an id (INSERT OR REPLACE, REPLACE INTO) or come without
/// a hash are refused. Existing entries are chained once, here, with the update trigger lifted
/// for the length of this transaction.
const CHAIN_LOG: &str = "
    ALTER TABLE log ADD COLUMN hash BLOB;
    DROP TRIGGER log_is_append_only_update;
";

const CHAIN_TRIGGERS: &str = "
    CREATE TRIGGER log_is_append_only_update BEFORE UPDATE ON log
    BEGIN SELECT RAISE(ABORT, 'the follow-up log is append-only: entries cannot be changed'); END;
    CREATE TRIGGER log_ids_are_never_reused BEFORE INSERT ON log
    WHEN EXISTS (SELECT 1 FROM log WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'the follow-up log is append-only: an entry id cannot be reused'); END;
    CREATE TRIGGER log_entries_are_chained BEFORE INSERT ON log
    WHEN NEW.hash IS NULL
    BEGIN SELECT RAISE(ABORT, 'the follow-up log is hash-chained: an entry needs its hash'); END;
";

/// Chains the entries already in the log, in id order, then puts the triggers back.
fn chain_existing_log(tx: &Transaction) -> HookResult {
    let mut previous = GENESIS.to_vec();
    let mut last_id = 0;
    {
        let mut read = tx.prepare(&format!("SELECT {LINK_COLUMNS_INLINE} FROM log ORDER BY id"))?;
        let mut write = tx.prepare("UPDATE log SET hash = ?1 WHERE id = ?2")?;
        let mut rows = read.query([])?;
        while let Some(row) = rows.next()? {
            let entry = LinkRow::read(row)?;
            let link = entry.link();
            let hash = chain::hash_v1(&previous, &link);
            write.execute(params![&hash[..], link.id])?;
            previous = hash.to_vec();
            last_id = link.id;
        }
    }
    tx.execute_batch(CHAIN_TRIGGERS)?;
    if last_id > 0 {
        set_log_head(super::db::Db::Sqlite(tx), last_id, &previous)
            .map_err(|e| rusqlite_migration::HookError::Hook(format!("{e:?}")))?;
    }
    Ok(())
}

const MIGRATIONS: &[&str] = &[
    // 1: tickets, customers, the append-only log, derived SLA clocks.
    r#"
    PRAGMA application_id = 1347571028;

    CREATE TABLE customers (
        id    INTEGER PRIMARY KEY,
        name  TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT ''
    );
    CREATE UNIQUE INDEX customers_identity ON customers(name, phone, email);

    CREATE TABLE tickets (
        id           INTEGER PRIMARY KEY,
        title        TEXT NOT NULL,
        description  TEXT NOT NULL DEFAULT '',
        customer_id  INTEGER NOT NULL REFERENCES customers(id),
        channel      TEXT NOT NULL,
        kind         TEXT NOT NULL,
        priority     TEXT NOT NULL,
        complexity   TEXT NOT NULL,
        reference    TEXT NOT NULL DEFAULT '',
        purchased_on TEXT,
        status       TEXT NOT NULL,
        opened_at    TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        resolved_at  TEXT,
        closed_at    TEXT,
        version      INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX tickets_status ON tickets(status, id);
    CREATE INDEX tickets_opened ON tickets(opened_at);
    CREATE INDEX tickets_customer ON tickets(customer_id);

    CREATE TABLE log (
        id        INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        at        TEXT NOT NULL,
        author    TEXT NOT NULL,
        kind      TEXT NOT NULL,
        data      TEXT NOT NULL,
        body      TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX log_ticket ON log(ticket_id, at, id);
    CREATE INDEX log_at ON log(at);
    CREATE TRIGGER log_is_append_only_update BEFORE UPDATE ON log
    BEGIN SELECT RAISE(ABORT, 'the follow-up log is append-only: entries cannot be changed'); END;
    CREATE TRIGGER log_is_append_only_delete BEFORE DELETE ON log
    BEGIN SELECT RAISE(ABORT, 'the follow-up log is append-only: entries cannot be deleted'); END;

    CREATE TABLE clocks (
        ticket_id      INTEGER NOT NULL REFERENCES tickets(id),
        metric         TEXT NOT NULL,
        cycle          INTEGER NOT NULL,
        state          TEXT NOT NULL,
        target         TEXT NOT NULL,
        started_at     TEXT NOT NULL,
        due_at         TEXT,
        met_at         TEXT,
        breached_at    TEXT,
        paused_secs    INTEGER NOT NULL DEFAULT 0,
        remaining_secs INTEGER,
        PRIMARY KEY (ticket_id, metric, cycle)
    ) WITHOUT ROWID;
    -- "what is overdue now / due soon": running clocks by deadline.
    CREATE INDEX clocks_running_due ON clocks(due_at) WHERE met_at IS NULL;
    -- "what was breached last month": by the instant the deadline passed.
    CREATE INDEX clocks_breached ON clocks(breached_at) WHERE breached_at IS NOT NULL;

    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    "#,
    // 2: supervision: breach judgements, callbacks, and the indexes reports and the closed
    // loop read through.
    r#"
    CREATE TABLE reviews (
        ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
        metric      TEXT NOT NULL,
        cycle       INTEGER NOT NULL,
        class       TEXT NOT NULL CHECK (class IN ('minor', 'major')),
        reason      TEXT NOT NULL,
        remedy      TEXT NOT NULL,
        amount_fen  INTEGER,
        note        TEXT NOT NULL DEFAULT '',
        due_at      TEXT NOT NULL,
        late_secs   INTEGER NOT NULL,
        judged_at   TEXT NOT NULL,
        judged_by   TEXT NOT NULL,
        PRIMARY KEY (ticket_id, metric, cycle)
    ) WITHOUT ROWID;
    CREATE INDEX reviews_judged ON reviews(judged_at);

    -- One row per month whose closed tickets were sampled, even when none were closed.
    CREATE TABLE callback_samples (
        month     TEXT PRIMARY KEY,
        drawn_at  TEXT NOT NULL,
        closed    INTEGER NOT NULL,
        share     REAL NOT NULL
    );
    CREATE TABLE callbacks (
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        month     TEXT NOT NULL REFERENCES callback_samples(month),
        queued_at TEXT NOT NULL,
        done_at   TEXT,
        done_by   TEXT NOT NULL DEFAULT '',
        reached   INTEGER,
        score     INTEGER CHECK (score BETWEEN 1 AND 5),
        comment   TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (ticket_id, month)
    ) WITHOUT ROWID;
    CREATE INDEX callbacks_month ON callbacks(month);
    CREATE INDEX callbacks_done ON callbacks(done_at) WHERE done_at IS NOT NULL;

    -- Auto-close: resolved tickets by resolution time.
    CREATE INDEX tickets_resolved_waiting ON tickets(resolved_at) WHERE status = 'resolved';
    -- Callback sampling: tickets closed in a month.
    CREATE INDEX tickets_closed_at ON tickets(closed_at) WHERE closed_at IS NOT NULL;
    -- Reports: status moves in a period.
    CREATE INDEX log_kind_at ON log(kind, at);
    -- Compliance: every clock by deadline (met or not); paused-after-breach ones by breach.
    CREATE INDEX clocks_due ON clocks(due_at);
    "#,
    // 3: the board's and `list`'s nearest running clock per ticket read every clock (a full
    // scan: 0.95 s on 100k tickets); index the running ones by ticket. Status moves in a
    // period (reopen counts) need only status entries indexed by time, not every entry by
    // kind. Drop what no query uses (auto-close reads tickets_status). Judged clocks are
    // marked so the review queue reads only unjudged breaches.
    r#"
    CREATE INDEX clocks_running_by_ticket ON clocks(ticket_id, due_at) WHERE met_at IS NULL;
    CREATE INDEX log_status_at ON log(at) WHERE kind = 'status';
    DROP INDEX log_kind_at;
    DROP INDEX log_at;
    DROP INDEX tickets_resolved_waiting;

    -- The review queue read every breach ever recorded and looked each up in `reviews`; mark
    -- judged clocks so the queue is an index over the unjudged ones only.
    ALTER TABLE clocks ADD COLUMN judged INTEGER NOT NULL DEFAULT 0;
    UPDATE clocks SET judged = 1 WHERE EXISTS (SELECT 1 FROM reviews r
        WHERE r.ticket_id = clocks.ticket_id AND r.metric = clocks.metric AND r.cycle = clocks.cycle);
    CREATE INDEX clocks_unjudged_breach ON clocks(breached_at) WHERE breached_at IS NOT NULL AND judged = 0;
    "#,
];

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
        assert_eq!(super::APPLICATION_ID, 1347571028);
    }
}

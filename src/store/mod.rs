//! The only code that speaks SQL. Opens the file safely, migrates it, and maps rows to domain
//! types. Every write goes through [`Store::write`]: one `BEGIN IMMEDIATE` transaction.

mod agents;
pub mod backup;
pub mod bulk;
mod bulk_rows;
mod bulk_server;
pub(crate) mod db;
mod error;
mod file;
pub use error::{GrantRefusal, SqliteOnly, StoreError, postgres_message};
use file::{check_header, create_new, file_id};
mod callbacks;
mod clock_rows;
mod compact;
mod deferred;
mod export;
mod imports;
mod listing;
mod listing_pg;
pub mod mail;
pub mod pg;
mod plans;
pub use plans::Read;
mod rendered;
mod review;
mod rows;
pub mod schema;
mod sharing;
pub use sharing::{Sharing, group_id};
mod staged;
mod ticket_row;
pub use staged::partial_path;
mod supervision;
pub mod verify;

use crate::domain::log::{LogEntry, NewEntry};
use crate::domain::ticket::{Customer, NewTicket, Ticket};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::domain::listing::{ListQuery, ListRow, TicketSummary};
use crate::domain::sla::Clock;
pub use rows::EventCache;

pub type Result<T> = std::result::Result<T, StoreError>;

/// How a command may use the database file (as taskchampion's storage `AccessMode`, plus
/// creation): a reading command opens read-only, a change needs an existing database, and only
/// commands that bring data in (new, demo, the board on the default file) create one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only. The file must exist; nothing is written to it.
    ReadOnly,
    /// Reads and writes a database that must already exist.
    ReadWrite,
    /// Reads and writes, creating the file (mode 0600) and its folder when missing.
    Create,
}

/// What [`check_identity`] found in a file it accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// No schema yet: a new or empty file.
    Empty,
    /// Ours, at an older schema version.
    Older,
    /// Ours, up to date.
    Current,
}

/// A Promptly database: a SQLite file or a PostgreSQL schema (issue 16).
pub struct Store {
    backend: Backend,
    /// The file, or the server's URL without its password.
    path: PathBuf,
    /// The device and inode opened (`None` in memory): see [`Store::check_in_place`].
    file: Option<(u64, u64)>,
    /// Built beside its target, until [`Store::put_in_place`] (`store::staged`).
    staged: Option<staged::Staged>,
}

/// SQLite's page cache per connection: 8 MiB. Every read goes through an index to what it
/// shows, so a bigger cache only held history a query had walked past (64 MiB was most of the
/// board's memory); the OS file cache keeps the rest warm.
const CACHE_SIZE: &str = "PRAGMA cache_size = -8192;";

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Where the rows live.
enum Backend {
    Sqlite(Connection),
    Postgres(Box<pg::Server>),
}

impl Store {
    /// Opens the database at `path` for `access`. A file that is not ours, or is from a newer
    /// Promptly, is refused before anything is written; only [`Access::Create`] makes a file.
    pub fn open(path: &Path, access: Access) -> Result<Store> {
        Store::open_shared(path, access, Sharing::Private)
    }

    /// [`Store::open`], a file it creates made for `sharing` (an existing file is left as it is).
    pub fn open_shared(path: &Path, access: Access, sharing: Sharing) -> Result<Store> {
        let io = |e| StoreError::Io(path.to_path_buf(), e);
        let created = match std::fs::metadata(path) {
            Ok(_) => {
                check_header(path)?;
                None
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && access == Access::Create => {
                Some(create_new(path, sharing).map_err(io)?)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StoreError::Missing(path.to_path_buf())),
            Err(e) => return Err(io(e)),
        };
        let opened = Store::open_file(path, access);
        // A database that could not be set up (a full disk, say) leaves nothing behind.
        if let (Err(_), Some(created)) = (&opened, created) {
            created.undo();
        }
        opened
    }

    /// [`Store::open`] once the file exists.
    fn open_file(path: &Path, access: Access) -> Result<Store> {
        // No SQLITE_OPEN_URI: a `file:...?mode=memory` name must be a file name, never an
        // in-memory database that silently loses what is written to it.
        let read_only = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let read_write = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let flags = if access == Access::ReadOnly {
            read_only
        } else {
            read_write
        };
        let conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let found = check_identity(&conn, path)?;
        if access != Access::Create && found == Found::Empty {
            return Err(StoreError::NotPromptly(path.to_path_buf()));
        }
        let mut store = Store {
            backend: Backend::Sqlite(conn),
            path: path.to_path_buf(),
            file: file_id(path),
            staged: None,
        };
        if access != Access::ReadOnly {
            store.prepare()?;
        } else if found == Found::Older {
            // A schema upgrade is the one write a reading command may cause: without it an old
            // database could not be read at all. It runs on its own connection, then reads go on
            // read-only.
            drop(store);
            Store::open(path, Access::ReadWrite)?;
            return Store::open(path, Access::ReadOnly);
        } else {
            store.sqlite(SqliteOnly::Settings)?.execute_batch(CACHE_SIZE)?;
        }
        Ok(store)
    }

    /// Holds this connection's page cache to `kib` KiB instead of [`CACHE_SIZE`].
    pub fn limit_cache(&self, kib: u32) -> Result<()> {
        self.sqlite(SqliteOnly::Settings)?
            .execute_batch(&format!("PRAGMA cache_size = -{kib};"))?;
        Ok(())
    }

    /// A private database in memory (tests, benches).
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            backend: Backend::Sqlite(conn),
            path: PathBuf::from(":memory:"),
            file: None,
            staged: None,
        };
        store.prepare()?;
        Ok(store)
    }

    fn prepare(&mut self) -> Result<()> {
        let conn = self.sqlite(SqliteOnly::Settings)?;
        // journal_mode returns a row, so it is queried rather than executed.
        let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
        conn.execute_batch(CACHE_SIZE)?;
        self.migrate()
    }

    /// Builds what a bulk run deferred, then brings the schema up to date.
    fn migrate(&mut self) -> Result<()> {
        // A bulk run cut short left its deferred indexes unbuilt: build them before anything
        // (a migration included) relies on them.
        let Backend::Sqlite(conn) = &mut self.backend else {
            return Err(StoreError::NotOnServer(SqliteOnly::Schema));
        };
        let has_meta: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta')",
            [],
            |r| r.get(0),
        )?;
        if has_meta {
            deferred::restore_indexes(conn)?;
            deferred::restore_nearest(conn)?;
        }
        // Migration 15 remakes tables others refer to, which SQLite's procedure for changing a
        // table does with foreign keys off (the rows are copied as they are).
        let keys: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        let migrated = schema::migrations().to_latest(conn).map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => StoreError::from(err),
            e => StoreError::Migration(e.to_string()),
        });
        conn.execute_batch(&format!("PRAGMA foreign_keys = {keys}"))?;
        migrated
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction; commits only if it returns `Ok`.
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Tx) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.check_in_place()?;
        let tx = match &mut self.backend {
            Backend::Sqlite(conn) => Tx(TxOn::Sqlite(
                conn.transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(StoreError::from)?,
            )),
            Backend::Postgres(server) => Tx(TxOn::Postgres(server.begin()?)),
        };
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// The SQLite connection, or [`StoreError::NotOnServer`] naming `what` was asked.
    fn sqlite(&self, what: SqliteOnly) -> Result<&Connection> {
        match &self.backend {
            Backend::Sqlite(conn) => Ok(conn),
            Backend::Postgres(_) => Err(StoreError::NotOnServer(what)),
        }
    }

    /// Store SQL's connection (`store::db`), whichever the backend.
    fn db(&self) -> db::Db<'_> {
        match &self.backend {
            Backend::Sqlite(conn) => db::Db::Sqlite(conn),
            Backend::Postgres(server) => server.db(),
        }
    }

    /// `f` on store SQL's connection, its reads one state of the database: on a server, in
    /// one read-only snapshot ([`pg::Server::snapshot`]); a file's walks are one statement each.
    fn read_at_once<T>(&self, f: impl FnOnce(db::Db<'_>) -> Result<T>) -> Result<T> {
        match &self.backend {
            Backend::Sqlite(conn) => f(db::Db::Sqlite(conn)),
            Backend::Postgres(server) => server.snapshot(f),
        }
    }

    /// Refuses when the file this store opened is no longer the one at its path: the board
    /// keeps its connection for hours, and a note saved into a file moved away or replaced
    /// (`mv`, a restore) would be lost to everyone who opens the path.
    pub fn check_in_place(&self) -> Result<()> {
        match self.file {
            Some(opened) if file_id(&self.path) != Some(opened) => Err(StoreError::Moved(self.path.clone())),
            _ => Ok(()),
        }
    }

    /// Changes whenever another connection commits (the board's live refresh): SQLite's
    /// `data_version`; on PostgreSQL, the commits heard through LISTEN/NOTIFY (this
    /// connection's own too, which a board reads again after its own write anyway).
    pub fn data_version(&self) -> Result<i64> {
        match &self.backend {
            Backend::Sqlite(conn) => Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?),
            Backend::Postgres(server) => server.data_version(),
        }
    }

    pub fn ticket(&self, id: i64) -> Result<Option<Ticket>> {
        rows::ticket(self.db(), id)
    }

    pub fn log(&self, ticket_id: i64) -> Result<Vec<LogEntry>> {
        rows::log(self.db(), ticket_id)
    }

    /// Up to `limit` tickets of an export after id `after`, in id order, each with its
    /// customer's key (see [`export::page`]).
    pub fn export_page(
        &self,
        q: &crate::domain::listing::ExportQuery,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(crate::domain::ticket::Ticket, i64, Option<String>)>> {
        export::page(self.db(), q, after, limit)
    }

    /// How many tickets an export matches.
    pub fn export_count(&self, q: &crate::domain::listing::ExportQuery) -> Result<u64> {
        export::count(self.db(), q)
    }

    /// Up to `limit` customers of an export's tickets after id `after`, in id order.
    pub fn export_customers(
        &self,
        q: &crate::domain::listing::ExportQuery,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, crate::domain::ticket::Customer)>> {
        export::customers(self.db(), q, after, limit)
    }

    /// The logs of several tickets, entry data parsed once per shared text for as long as
    /// `cache` lives (an export's pages, `list --json`'s batches; see [`rows::logs_with`]).
    pub fn logs_cached(
        &self,
        ticket_ids: &[i64],
        cache: &mut EventCache,
    ) -> Result<std::collections::HashMap<i64, Vec<LogEntry>>> {
        rows::logs_with(self.db(), ticket_ids, cache)
    }

    /// [`Store::logs_cached`] as the SLA replay reads them: each entry's author and body left
    /// empty (see [`rows::logs_read`]).
    pub fn replay_logs_cached(
        &self,
        ticket_ids: &[i64],
        cache: &mut EventCache,
    ) -> Result<std::collections::HashMap<i64, Vec<LogEntry>>> {
        rows::logs_read(self.db(), ticket_ids, cache, false)
    }

    /// The logs of several tickets in one query (see [`rows::logs`]).
    pub fn logs(&self, ticket_ids: &[i64]) -> Result<std::collections::HashMap<i64, Vec<LogEntry>>> {
        rows::logs(self.db(), ticket_ids)
    }

    pub fn clocks(&self, ticket_id: i64) -> Result<Vec<Clock>> {
        rows::clocks(self.db(), ticket_id)
    }

    /// Tickets matching `query`, with their nearest running clock.
    pub fn list(&self, query: &ListQuery) -> Result<Vec<TicketSummary>> {
        self.read_at_once(|db| listing::list(db, query))
    }

    /// The tickets a deadline-filtered `query` lists, streamed to `visit` until it returns
    /// false (see [`listing::visit_due`]).
    pub fn visit_due(
        &self,
        query: &ListQuery,
        before: Option<DateTime<Utc>>,
        visit: impl FnMut(TicketSummary) -> bool,
    ) -> Result<()> {
        self.read_at_once(|db| listing::visit_due(db, query, before, visit))
    }

    /// How the database reads the running deadlines of `query`, one step a line: SQLite's
    /// EXPLAIN QUERY PLAN of [`listing::visit_due_rows`], PostgreSQL's `EXPLAIN` of its first page.
    pub fn list_plan(&self, query: &ListQuery) -> Result<String> {
        listing::due_plan(self.db(), query, query.due_before)
    }

    /// How the database reads `read`, one step a line (see [`plans`]).
    pub fn plan(&self, read: Read) -> Result<String> {
        plans::plan(self.db(), read)
    }

    /// The nearest running deadline of each ticket with one of `statuses`, in no promised
    /// order: the header counts them (see [`listing::visit_nearest_deadlines`]).
    pub fn visit_nearest_deadlines(
        &self,
        statuses: &[crate::domain::ticket::Status],
        visit: impl FnMut(Clock),
    ) -> Result<()> {
        self.read_at_once(|db| listing::visit_nearest_deadlines(db, statuses, visit))
    }

    /// How many tickets have each of `statuses` (the board's header; the status index only).
    pub fn status_counts(&self, statuses: &[crate::domain::ticket::Status]) -> Result<Vec<usize>> {
        listing::status_counts(self.db(), statuses)
    }

    /// The tickets `query` lists, most urgent first, streamed to `visit` until it returns
    /// false (see [`listing::visit_list`]).
    pub fn visit_list(&self, query: &ListQuery, visit: impl FnMut(TicketSummary) -> bool) -> Result<()> {
        self.read_at_once(|db| listing::visit_list(db, query, visit))
    }

    /// [`Store::visit_list`] as `list`'s table shows it (see [`listing::visit_rows`]).
    pub fn visit_rows(&self, query: &ListQuery, visit: impl FnMut(&ListRow) -> bool) -> Result<()> {
        self.read_at_once(|db| listing::visit_rows(db, query, visit))
    }

    /// The listed tickets `ids` with their nearest clock, in that order (see [`listing::summaries`]).
    pub fn summaries(&self, ids: &[i64]) -> Result<Vec<TicketSummary>> {
        listing::summaries(self.db(), ids)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        meta(self.db(), key)
    }
}

fn meta(db: db::Db, key: &str) -> Result<Option<String>> {
    db.query_opt("SELECT value FROM meta WHERE key = ?1", db::params![key], |r| r.get(0))
}

/// An open write transaction. Dropped without [`Store::write`] returning `Ok`, it rolls back.
pub struct Tx<'a>(TxOn<'a>);

enum TxOn<'a> {
    Sqlite(rusqlite::Transaction<'a>),
    Postgres(pg::Begun<'a>),
}

impl<'a> Tx<'a> {
    /// The SQLite transaction, or [`StoreError::NotOnServer`] naming `what` was asked.
    fn sqlite(&self, what: SqliteOnly) -> Result<&rusqlite::Transaction<'a>> {
        match &self.0 {
            TxOn::Sqlite(tx) => Ok(tx),
            TxOn::Postgres(_) => Err(StoreError::NotOnServer(what)),
        }
    }

    /// Store SQL's connection (`store::db`) inside this transaction.
    fn db(&self) -> db::Db<'_> {
        match &self.0 {
            TxOn::Sqlite(tx) => db::Db::Sqlite(tx),
            TxOn::Postgres(tx) => tx.db(),
        }
    }

    /// The value kept under `key` in `meta`.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        meta(self.db(), key)
    }

    pub fn ticket(&self, id: i64) -> Result<Option<Ticket>> {
        rows::ticket(self.db(), id)
    }

    pub fn log(&self, ticket_id: i64) -> Result<Vec<LogEntry>> {
        rows::log(self.db(), ticket_id)
    }

    /// Inserts a ticket opened at `at`, owned by `owner`; returns its id.
    pub fn insert_ticket(&self, new: &NewTicket, owner: &str, at: DateTime<Utc>) -> Result<i64> {
        let customer = self.customer_id(&new.customer)?;
        rows::insert_ticket(self.db(), new, owner, customer, at)
    }

    /// Saves `ticket` if its stored version is still `ticket.version - 1`, else [`StoreError::Stale`].
    pub fn update_ticket(&self, ticket: &Ticket) -> Result<()> {
        let customer = self.customer_id(&ticket.customer)?;
        if rows::update_ticket(self.db(), ticket, customer)? == 0 {
            return Err(StoreError::Stale { ticket: ticket.id });
        }
        Ok(())
    }

    /// Tickets whose clocks can still change (see [`Desk::sync_policy`](crate::desk::Desk)).
    pub fn ticket_ids_with_live_clocks(&self) -> Result<Vec<i64>> {
        rows::ticket_ids_with_live_clocks(self.db())
    }

    pub fn append(&self, ticket_id: i64, entry: &NewEntry) -> Result<i64> {
        rows::append(self.db(), ticket_id, entry)
    }

    /// Replaces the derived clock rows of a ticket.
    pub fn replace_clocks(&self, ticket_id: i64, clocks: &[Clock]) -> Result<()> {
        rows::replace_clocks(self.db(), ticket_id, clocks)
    }

    /// Keeps a promise table under its digest (once: the same content is the same row).
    pub fn keep_promise(&self, digest: &str, body: &str) -> Result<()> {
        self.db().execute(
            "INSERT INTO promises(digest, body) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            db::params![digest, body],
        )?;
        Ok(())
    }

    /// The promise table text kept under `digest`.
    pub fn promise(&self, digest: &str) -> Result<Option<String>> {
        self.db().query_opt(
            "SELECT body FROM promises WHERE digest = ?1",
            db::params![digest],
            |r| r.get(0),
        )
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.db().execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            db::params![key, value],
        )?;
        Ok(())
    }

    /// The same person asking again reuses their customer row.
    fn customer_id(&self, c: &Customer) -> Result<i64> {
        rows::customer_id(self.db(), c)
    }

    fn commit(self) -> Result<()> {
        match self.0 {
            TxOn::Sqlite(tx) => Ok(tx.commit()?),
            TxOn::Postgres(tx) => tx.commit(),
        }
    }
}

/// Reads application_id and user_version (no writes) and refuses strangers and newer schemas.
fn check_identity(conn: &Connection, path: &Path) -> Result<Found> {
    let app: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                StoreError::NotSqlite(path.to_path_buf())
            }
            e => StoreError::Sql(e),
        })?;
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if app != schema::APPLICATION_ID && (app != 0 || tables > 0) {
        return Err(StoreError::NotPromptly(path.to_path_buf()));
    }
    if version > schema::latest_version() {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            known: schema::latest_version(),
        });
    }
    Ok(if tables == 0 {
        Found::Empty
    } else if version < schema::latest_version() {
        Found::Older
    } else {
        Found::Current
    })
}

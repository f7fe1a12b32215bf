//! Why the store could not do what was asked.

use std::fmt;
use std::path::PathBuf;

/// Why the store could not do what was asked.
#[derive(Debug)]
pub enum StoreError {
    /// The disk (or the user's quota) is full; nothing was written.
    DiskFull,
    /// There is no database at this path (and the command may not create one).
    Missing(PathBuf),
    /// The file is not SQLite at all.
    NotSqlite(PathBuf),
    /// A SQLite file, but not one of ours.
    NotPromptly(PathBuf),
    /// Written by a newer Promptly with a schema this build does not know.
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// A change was made against an old version of the ticket.
    Stale {
        ticket: i64,
    },
    Io(PathBuf, std::io::Error),
    Sql(rusqlite::Error),
    Migration(String),
    /// A stored value this build cannot read (a hand-edited row, say).
    Corrupt(String),
    /// The file this store opened is no longer at its path (moved, deleted or replaced, by a
    /// restore say): a write would go to a file nobody reads; nothing was written.
    Moved(PathBuf),
    /// A PostgreSQL server named by `url` (printed without its password, `pg::printable_url`)
    /// could not be reached or refused the login.
    Connect {
        url: String,
        error: String,
    },
    /// A PostgreSQL schema with tables that is not a Promptly database (the URL, no password).
    NotPromptlyServer(String),
    /// A PostgreSQL schema made by a newer Promptly (PostgreSQL's own numbering, `pg::schema`).
    TooNewServer {
        url: String,
        found: i64,
        known: i64,
    },
    /// `migrate --to` names a Promptly schema that already holds rows (tickets, customers,
    /// log entries, agents; the URL, no password): a copy goes into an empty one only.
    ServerNotEmpty(String),
    /// The connection's search path names no schema that exists (the URL, no password).
    NoSchema(String),
    /// The login may not read the Promptly schema (not granted, or not in the agents' role),
    /// or, `making`, may not make or upgrade its tables (only the schema's owner may).
    NoPrivilege {
        url: String,
        making: bool,
    },
    /// PostgreSQL refused a statement.
    Postgres(postgres::Error),
    /// The connection to the PostgreSQL server is gone (closed, reset, or the session ended by
    /// the server): what was asked did not happen, and a write transaction was rolled back by
    /// the server. `Store::reconnect` makes a new session.
    Offline(postgres::Error),
    /// The connection went while a write's COMMIT was on its way: the server may have
    /// committed it or not, and nothing on this side can tell which.
    CommitUnknown(postgres::Error),
    /// An operation this build does only on a SQLite file, asked of a PostgreSQL store.
    NotOnServer(SqliteOnly),
    /// Roles and grants, asked of a database file (its path): a file's access is its mode.
    ServerOnly(PathBuf),
    /// `role` cannot be given the application's privileges (`pg::grant_app_role`).
    NotGranted {
        role: String,
        why: GrantRefusal,
    },
}

/// Why a role is not given the application's privileges: each would get round them, or is
/// not there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantRefusal {
    /// Whoever asks does not own the schema: their grants would not take.
    NotOwner,
    NoSuchRole,
    /// Privileges do not bind a superuser.
    Superuser,
    /// The role asking (the schema's owner, whose rights are the owner's).
    Runner,
    /// A member of the owner's role inherits the owner's rights.
    InheritsOwner,
}

impl GrantRefusal {
    pub fn slug(self) -> &'static str {
        match self {
            GrantRefusal::NotOwner => "not_owner",
            GrantRefusal::NoSuchRole => "no_such_role",
            GrantRefusal::Superuser => "superuser",
            GrantRefusal::Runner => "runner",
            GrantRefusal::InheritsOwner => "inherits_owner",
        }
    }
}

/// A terse developer's line (logs, panics). Users read `crate::words::errors::store`.
impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::DiskFull => f.write_str("disk full"),
            StoreError::Missing(p) => write!(f, "no database at {}", p.display()),
            StoreError::NotSqlite(p) => write!(f, "not SQLite: {}", p.display()),
            StoreError::NotPromptly(p) => write!(f, "not a Promptly database: {}", p.display()),
            StoreError::TooNew { path, found, known } => {
                write!(f, "schema {found} > {known}: {}", path.display())
            }
            StoreError::Stale { ticket } => write!(f, "stale: ticket {ticket}"),
            StoreError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            StoreError::Sql(e) => write!(f, "sql: {e}"),
            StoreError::Migration(e) => write!(f, "migration: {e}"),
            StoreError::Moved(p) => write!(f, "moved or replaced: {}", p.display()),
            StoreError::Corrupt(e) => write!(f, "corrupt: {e}"),
            StoreError::Connect { url, error } => write!(f, "connecting to {url}: {error}"),
            StoreError::NotPromptlyServer(url) => write!(f, "not a Promptly database: {url}"),
            StoreError::TooNewServer { url, found, known } => write!(f, "schema {found} > {known}: {url}"),
            StoreError::ServerNotEmpty(url) => write!(f, "not empty: {url}"),
            StoreError::NoSchema(url) => write!(f, "no schema in the search path: {url}"),
            StoreError::NoPrivilege { url, making } => write!(f, "permission denied (making: {making}): {url}"),
            StoreError::NotGranted { role, why } => write!(f, "role {role} not granted: {why:?}"),
            StoreError::ServerOnly(path) => write!(f, "{}: roles and grants are PostgreSQL's", path.display()),
            StoreError::Postgres(e) => write!(f, "postgresql: {}", postgres_message(e)),
            StoreError::Offline(e) => write!(f, "connection lost: {}", postgres_message(e)),
            StoreError::CommitUnknown(e) => write!(f, "connection lost during COMMIT: {}", postgres_message(e)),
            StoreError::NotOnServer(what) => write!(f, "{}: SQLite only, not on PostgreSQL", what.slug()),
        }
    }
}

impl std::error::Error for StoreError {}

impl StoreError {
    /// Whether the server could not be reached or the connection to it went away: a board
    /// waits and reconnects rather than treating it as a refusal.
    pub fn connection_lost(&self) -> bool {
        matches!(
            self,
            StoreError::Offline(_) | StoreError::CommitUnknown(_) | StoreError::Connect { .. }
        )
    }
}

/// Whether the server refused `e` for want of a privilege (SQLSTATE 42501).
pub(crate) fn denied(e: &postgres::Error) -> bool {
    e.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE)
}

/// Whether `e` means the session is over: the client found the connection closed, the socket
/// failed, or the server ended the session (a connection failure, shut down or terminated by
/// an administrator: any FATAL). Not a statement the server refused.
pub(crate) fn session_gone(e: &postgres::Error) -> bool {
    use postgres::error::Severity;
    use std::io::ErrorKind;
    if e.is_closed() {
        return true;
    }
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        return code.starts_with("08")
            || code.starts_with("57P")
            || matches!(db.parsed_severity(), Some(Severity::Fatal | Severity::Panic));
    }
    std::error::Error::source(e)
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .is_some_and(|io| {
            matches!(
                io.kind(),
                ErrorKind::BrokenPipe
                    | ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::NotConnected
                    | ErrorKind::UnexpectedEof
                    | ErrorKind::TimedOut
            )
        })
}

/// What a PostgreSQL error says: the server's own message and detail, not the client's bare
/// "db error"; a client-side failure (a closed socket) as the client puts it.
pub fn postgres_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_string(),
        },
        None => e.to_string(),
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::DiskFull,
            _ => StoreError::Sql(e),
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        if session_gone(&e) {
            StoreError::Offline(e)
        } else {
            StoreError::Postgres(e)
        }
    }
}

/// What a PostgreSQL store refuses ([`StoreError::NotOnServer`]). Some are SQLite's own and
/// stay so (its settings, file backups, the bulk writer's tricks, `PRAGMA integrity_check`);
/// the rest is store code not yet written through `store::db`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqliteOnly {
    /// PRAGMAs: the page cache, journal mode, synchronous, foreign keys.
    Settings,
    /// SQLite's own migrations (PostgreSQL has `store::pg::migrate`).
    Schema,
    /// Whole-file copies through SQLite's backup API.
    Backup,
    /// `migrate --to`: what it copies to a server is a database file.
    CopySource,
    /// Bulk runs: deferred indexes, staged builds, batched inserts.
    BulkWrites,
    /// The callback queue's query plan (SQLite's `EXPLAIN QUERY PLAN`).
    Callbacks,
    /// The reports' query plan (SQLite's `EXPLAIN QUERY PLAN`; the review queue's plans are
    /// on both backends, `store::plans`).
    Reviews,
}

impl SqliteOnly {
    pub const ALL: [SqliteOnly; 7] = [
        SqliteOnly::Settings,
        SqliteOnly::Schema,
        SqliteOnly::Backup,
        SqliteOnly::CopySource,
        SqliteOnly::BulkWrites,
        SqliteOnly::Callbacks,
        SqliteOnly::Reviews,
    ];

    /// Its name in the catalogues (`store_op.<slug>`) and in developers' lines.
    pub fn slug(self) -> &'static str {
        match self {
            SqliteOnly::Settings => "settings",
            SqliteOnly::Schema => "schema",
            SqliteOnly::Backup => "backup",
            SqliteOnly::CopySource => "copy_source",
            SqliteOnly::BulkWrites => "bulk_writes",
            SqliteOnly::Callbacks => "callbacks",
            SqliteOnly::Reviews => "reviews",
        }
    }
}

//! The application under both front ends: everything a command or the board needs before it
//! can work — where things live, the user's config, the language, the SLA policy, the clock —
//! and how the database is opened (an explicit [`Access`] mode). The front ends (`cli`, `tui`)
//! start from a [`Setup`]; neither knows the other, and neither opens the store itself.

pub mod attachments;
pub mod backup;
pub mod config;
pub mod error;
pub mod intake;
pub mod memory;
pub mod migrate;
pub mod reply;
pub mod sendmail;

pub use crate::store::{Access, SqliteOnly};
pub use error::{Error, Result};

use crate::clock::Clock;
use crate::desk::{Desk, Housekeeping};
use crate::domain::policy::Policy;
use crate::domain::timestamp::parse_timestamp;
use crate::store::Store;
use config::Config;
use std::cell::Cell;
use std::path::{Path, PathBuf};

/// What the user chose on the command line or in the environment, before anything is read.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--db` / `PROMPTLY_DB`.
    pub db: Option<PathBuf>,
    /// `--config` / `PROMPTLY_CONFIG`.
    pub config: Option<PathBuf>,
    /// `--policy` / `PROMPTLY_POLICY`.
    pub policy: Option<PathBuf>,
    /// `--now` / `PROMPTLY_NOW`, as typed.
    pub now: Option<String>,
    /// `--lang`.
    pub lang: Option<String>,
}

/// Everything a command needs, resolved from options, environment and config. No database is
/// opened until a command asks for the desk, in the access mode it needs.
pub struct Setup {
    pub config: Config,
    pub policy: Policy,
    pub clock: Clock,
    pub lang: &'static str,
    /// The database file named by `--db`, `PROMPTLY_DB` or the config (none: the default).
    db: Option<PathBuf>,
    /// Or the PostgreSQL server they named, as typed (its password, if any, is never shown:
    /// [`Setup::db_shown`]).
    server: Option<String>,
    /// A writing command ran: tidy up once it has succeeded.
    tidy_after: Cell<bool>,
}

impl Setup {
    /// Resolves config, language, policy and clock. Sets the process language, so even a bad
    /// policy is reported in the reader's words.
    pub fn new(options: Options) -> Result<Setup> {
        let config_path = options.config.clone().unwrap_or_else(config::default_config_path);
        let config = Config::load(&config_path, options.config.is_some()).map_err(Error::Config)?;
        let lang = config::pick_language(options.lang.as_deref(), config.lang.as_deref());
        crate::words::catalogue::set_locale(lang);
        let policy_path = options
            .policy
            .clone()
            .or_else(|| config.policy.clone())
            .or_else(config::default_policy_path);
        let policy = load_policy(policy_path.as_deref())?;
        let clock = match options.now.as_deref() {
            Some(text) => Clock::frozen(parse_timestamp(text, policy.shop_calendar().tz()).map_err(Error::Now)?),
            None => Clock::System,
        };
        let named = options.db.or_else(|| config.db.clone());
        let server = named
            .as_deref()
            .filter(|db| config::server_url(db).is_some())
            .map(|db| db.to_string_lossy().into_owned());
        Ok(Setup {
            config,
            policy,
            clock,
            lang,
            db: named.filter(|_| server.is_none()),
            server,
            tidy_after: Cell::default(),
        })
    }

    /// The database file: `--db`, else the platform data dir. On a server, the file a command
    /// working on files only (`backup`, `restore`, `migrate`) must refuse: see [`Setup::server`].
    pub fn db_path(&self) -> PathBuf {
        self.db.clone().unwrap_or_else(config::default_db_path)
    }

    /// The PostgreSQL server the database is on, as named (password and all): for opening it.
    pub fn server(&self) -> Option<&str> {
        self.server.as_deref()
    }

    /// The database as messages name it: the file, or the server's URL without its password.
    pub fn db_shown(&self) -> String {
        match self.server.as_deref() {
            Some(url) => crate::store::pg::printable_url(url).unwrap_or_default(),
            None => self.db_path().display().to_string(),
        }
    }

    /// Refuses what works on a database file only, when the database is on a server.
    pub fn require_file(&self, what: crate::store::SqliteOnly) -> Result<()> {
        match self.server {
            Some(_) => Err(crate::store::StoreError::NotOnServer(what).into()),
            None => Ok(()),
        }
    }

    /// Refuses what only a server has (roles and grants), before anything is opened.
    pub fn require_server(&self) -> Result<()> {
        match self.server {
            Some(_) => Ok(()),
            None => Err(crate::store::StoreError::ServerOnly(self.db_path()).into()),
        }
    }

    /// Opens the database, the file or the server's schema, for `access`.
    pub fn store_for(&self, access: Access) -> Result<Store> {
        Ok(match &self.server {
            Some(url) => Store::open_server_for(url, access)?,
            None => Store::open_shared(&self.db_path(), access, self.config.sharing)?,
        })
    }

    /// Whether `path` is the database file or one of SQLite's files beside it (`-wal`, `-shm`,
    /// `-journal`): an output written there would destroy the database.
    pub fn is_database_file(&self, path: &Path) -> bool {
        self.server.is_none() && backup::same_file(path, &self.db_path())
    }

    /// Whether the user named the database (a mistyped name must not become a new file).
    pub fn db_named(&self) -> bool {
        self.db.is_some() || self.server.is_some()
    }

    /// A database file the user named that is not there yet: the board asks before creating
    /// it. A server's schema is looked at when the board connects ([`Setup::board_desk`]).
    pub fn named_db_missing(&self) -> bool {
        self.server.is_none() && self.db_named() && !self.db_path().exists()
    }

    /// The name recorded as author of log entries.
    pub fn author(&self) -> String {
        crate::desk::default_author(self.config.author.as_deref())
    }

    /// Opens the database in `access` mode and the desk on it.
    pub fn open(&self, access: Access) -> Result<Desk> {
        Ok(self.desk_on(self.store_for(access)?))
    }

    /// The desk for a command that only reads (`show`, `list`, reports, queues, `board
    /// --print`, `verify`): opened read-only, so it writes nothing, not even housekeeping.
    pub fn desk(&self) -> Result<Desk> {
        self.open(Access::ReadOnly)
    }

    /// Opens an existing database for a command that changes it. The tidying up runs after
    /// the command has succeeded, so a refused command writes nothing at all.
    pub fn desk_for_write(&self) -> Result<Desk> {
        let desk = self.open(Access::ReadWrite)?;
        self.tidy_after.set(true);
        Ok(desk)
    }

    /// Opens the database for a command that brings data in (`new`, `demo`), creating the
    /// file when it does not exist yet.
    pub fn desk_to_create(&self) -> Result<Desk> {
        let desk = self.open(Access::Create)?;
        self.tidy_after.set(true);
        Ok(desk)
    }

    /// `demo`'s desk when the database does not exist yet: on a new file built beside it, put
    /// in place by [`crate::store::Store::put_in_place`] once whole. `None` when it exists.
    pub fn desk_staged(&self) -> Result<Option<Desk>> {
        if self.server.is_some() {
            return Ok(None);
        }
        let path = self.db_path();
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let desk = self.desk_on(Store::stage_new(&path, self.config.sharing)?);
                self.tidy_after.set(true);
                Ok(Some(desk))
            }
            _ => Ok(None),
        }
    }

    /// Whether a writing command ran, so [`Setup::tidy`] is due once it succeeded.
    pub fn wrote(&self) -> bool {
        self.tidy_after.get()
    }

    /// What Promptly does on its own: recompute stored clocks after a policy edit, close
    /// resolved tickets the customer never answered, draw the monthly callback sample. Each
    /// is the system's own change, committed on its own, and writes nothing when there is
    /// nothing to do.
    pub fn tidy(&self) -> Result<()> {
        self.housekeep()?;
        Ok(())
    }

    /// [`Setup::tidy`], saying what was done: `promptly housekeep` (cron) and the tidying up
    /// after a change. Returns whether the policy changed and what housekeeping did.
    pub fn housekeep(&self) -> Result<(bool, Housekeeping)> {
        let mut desk = self.open(Access::ReadWrite)?;
        let recomputed = desk.sync_policy()?;
        let done = desk.housekeeping()?;
        Ok((recomputed, done))
    }

    /// A desk over `store` with this setup's policy, clock and author.
    pub fn desk_on(&self, store: Store) -> Desk {
        let author = self.author_on(&store);
        Desk::new(store, self.policy.clone(), self.clock.clone(), author)
    }

    /// Who acts on `store`: on a server the role logged in (`Store::login`), on a file the
    /// configured author or the OS user ([`Setup::author`]).
    pub fn author_on(&self, store: &Store) -> String {
        store.login().map_or_else(|| self.author(), str::to_string)
    }

    /// The board's desk: on `path` (a demo's throwaway file) or the configured database, with a
    /// clock that runs. The default database is created on first use; a database the user
    /// named must exist (a mistyped `--db` is not a new, empty desk).
    /// `create` says the user agreed to create a database they named that does not exist yet.
    pub fn board_desk(&self, path: Option<&Path>, create: bool) -> Result<Desk> {
        let access = if path.is_some() || !self.db_named() || create {
            Access::Create
        } else {
            Access::ReadWrite
        };
        let store = match path {
            Some(path) => Store::open_shared(path, access, self.config.sharing)?,
            None => self.store_for(access)?,
        };
        if !store.on_server() {
            store.limit_cache(BOARD_CACHE_KIB)?;
        }
        let author = self.author_on(&store);
        Ok(Desk::new(store, self.policy.clone(), self.clock.running(), author))
    }
}

/// SQLite's page cache of the board's connection, in KiB: a quarter of the commands' cache.
/// The board holds its rows itself and reads by key; with 1M tickets its full load and idle
/// CPU were the same as with 8 MiB, and it stays resident 6 MiB smaller for as long as it runs.
const BOARD_CACHE_KIB: u32 = 2048;

/// The built-in policy, or the user's file when one is named or present.
fn load_policy(path: Option<&Path>) -> Result<Policy> {
    let Some(path) = path else { return Ok(Policy::builtin()) };
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io(path.to_path_buf(), e))?;
    Policy::parse(&text, &path.display().to_string()).map_err(Error::Policy)
}

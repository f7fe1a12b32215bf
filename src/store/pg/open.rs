//! A [`Store`] on a PostgreSQL schema: connected, its identity checked, migrated, and
//! connected again after the server went away ([`Store::reconnect`]). Only what `store::db`
//! has been taught runs on it; the rest answers [`StoreError::NotOnServer`].

use super::{Found, check_identity, connect, latest_version, migrate, printable_url, regrant};
use crate::store::db::{Db, Pg, Statements};
use crate::store::error::{denied, session_gone};
use crate::store::{Access, Backend, Result, Store, StoreError};
use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;
use std::cell::{Cell, RefCell};
use std::path::PathBuf;

impl Store {
    /// Opens the Promptly schema `url` names (`pg::connect`), migrating it first: a schema
    /// that is not Promptly's or is newer is refused before anything is written. Not reachable
    /// from the command line yet (`--db postgres://` is refused); tests use it.
    pub fn open_server(url: &str) -> Result<Store> {
        Store::open_server_for(url, Access::Create)
    }

    /// [`Store::open_server`] for `access`, as [`Store::open`] is for a file: only
    /// [`Access::Create`] makes the schema's tables, [`Access::ReadWrite`] migrates one that is
    /// Promptly's already, and [`Access::ReadOnly`] writes nothing at all: it needs a schema
    /// at this build's version and its session is read-only, so the server itself refuses any
    /// write.
    pub fn open_server_for(url: &str, access: Access) -> Result<Store> {
        let shown = shown(url)?;
        let (client, schema, login) = session(url, access, &shown)?;
        Ok(Store {
            backend: Backend::Postgres(Box::new(Server {
                client: RefCell::new(client),
                statements: RefCell::new(Statements::new()),
                again: Again {
                    url: url.to_string(),
                    access,
                },
                schema,
                login,
                listening: Cell::new(false),
                heard: Cell::new(0),
                in_snapshot: Cell::new(false),
            })),
            path: PathBuf::from(shown),
            file: None,
            staged: None,
        })
    }

    /// A new session on the server in place of one that went away ([`StoreError::Offline`]):
    /// connected again with the URL and access mode the store was opened with (a reading
    /// store's session is read-only again), on the same schema, with nothing prepared on it
    /// yet and listening again if it was. Notifications sent while it was away are lost, so
    /// [`Store::data_version`] moves: a board that polls it reads everything again. Nothing
    /// is retried: a write that failed stays failed. On a file there is nothing to do.
    pub fn reconnect(&mut self) -> Result<()> {
        let shown = self.path.to_string_lossy().into_owned();
        match &mut self.backend {
            Backend::Postgres(server) => server.reconnect(&shown),
            Backend::Sqlite(_) => Ok(()),
        }
    }

    /// Whether this store's connection to its server is known to be gone (a call failed with
    /// [`StoreError::Offline`] and [`Store::reconnect`] has not brought it back). Never on a file.
    pub fn offline(&self) -> bool {
        match &self.backend {
            Backend::Postgres(server) => server.offline(),
            Backend::Sqlite(_) => false,
        }
    }

    /// Lets `role` (the group role agents log in through) do on this schema what the
    /// application does, now and after every upgrade (`pg::grant_app_role`, `pg::regrant`).
    /// Only the schema's owner can; a file has no roles ([`StoreError::ServerOnly`]).
    pub fn grant_app_role(&mut self, role: &str) -> Result<()> {
        match &self.backend {
            Backend::Postgres(server) => server.grant_app_role(role, &self.path.to_string_lossy()),
            Backend::Sqlite(_) => Err(StoreError::ServerOnly(self.path.clone())),
        }
    }

    /// Whether this store is on a PostgreSQL server.
    pub fn on_server(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    /// On a server, the role the connection logged in as (`session_user`): who acts there.
    /// A name in a config file anyone can edit is no identity once several agents share a
    /// database; the server has checked this one. `None` on a file.
    pub fn login(&self) -> Option<&str> {
        match &self.backend {
            Backend::Postgres(server) => Some(&server.login),
            Backend::Sqlite(_) => None,
        }
    }
}

/// `BEGIN`, then the writers' lock, held until the transaction ends: an advisory lock of the
/// whole database (any number will do, the same in every Promptly: "PROMPTLY" in ASCII).
/// Then the news for boards: a notification on [`CHANGES`] naming the schema, which
/// PostgreSQL delivers when the transaction commits and drops when it rolls back.
const WRITE_TURN: &str = "BEGIN; SELECT pg_advisory_xact_lock(5787775664603286617);
    SELECT pg_notify('promptly_changes', current_schema())";

/// The channel every write transaction notifies on (see [`WRITE_TURN`]).
const CHANGES: &str = "LISTEN promptly_changes";

/// `url` as it may be printed (no password), or the refusal of what is not a server's URL.
fn shown(url: &str) -> Result<String> {
    printable_url(url).ok_or_else(|| StoreError::Connect {
        url: String::from("(not a postgres:// URL)"),
        error: String::from("a PostgreSQL database is named by a postgres:// or postgresql:// URL"),
    })
}

/// A session on the schema `url` names, for `access`: connected, its identity checked (and
/// migrated, for a store that writes), read-only for a reading store; with the schema it is
/// on and the role it logged in as.
fn session(url: &str, access: Access, shown: &str) -> Result<(Client, String, String)> {
    let mut client = connect(url)?;
    let missing = || StoreError::Missing(PathBuf::from(shown));
    match (access, check_identity(&mut client, shown)?) {
        (Access::Create, _) | (Access::ReadWrite, Found::At(_)) => {
            let migrated = migrate(&mut client, shown).map_err(|e| match e {
                StoreError::Postgres(e) if denied(&e) => StoreError::NoPrivilege {
                    url: shown.to_string(),
                    making: true,
                },
                e => e,
            })?;
            regrant(&mut client, &migrated, shown)?;
        }
        (_, Found::Empty) => return Err(missing()),
        (Access::ReadOnly, Found::At(version)) if version < latest_version() => {
            return Err(StoreError::Migration(format!(
                "{shown}: schema {version} is older than {}: a command that writes brings it up to date",
                latest_version()
            )));
        }
        (Access::ReadOnly, Found::At(_)) => {
            client.batch_execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")?;
        }
    }
    let found = client.query_one("SELECT current_schema(), session_user::text", &[])?;
    let (schema, login): (String, String) = (found.try_get(0)?, found.try_get(1)?);
    Ok((client, schema, login))
}

/// What a store needs to connect again. The URL as given, its password included: kept in
/// memory for [`Store::reconnect`] only, never printed or put into an error (those use the
/// store's path, `printable_url`). No `Debug`, so no stray `{:?}` shows it.
struct Again {
    url: String,
    access: Access,
}

/// A store's connection to its server, and the statements prepared on it (`store::db`).
pub(crate) struct Server {
    client: RefCell<Client>,
    statements: RefCell<Statements>,
    again: Again,
    /// The schema the store is on: the notifications a board counts are this one's.
    schema: String,
    /// The role the connection logged in as (see [`Store::login`]).
    login: String,
    /// Whether this connection has asked for the notifications yet (a board, once it polls).
    listening: Cell<bool>,
    /// Commits on this schema heard since then.
    heard: Cell<i64>,
    /// Whether a [`Server::snapshot`] is open: one inside it reads in it (a second BEGIN
    /// would only warn, and its COMMIT would end the first).
    in_snapshot: Cell<bool>,
}

impl Server {
    fn grant_app_role(&self, role: &str, shown: &str) -> Result<()> {
        super::grant_app_role(&mut self.client.borrow_mut(), role, shown)
    }

    pub(crate) fn db(&self) -> Db<'_> {
        Db::Postgres(Pg {
            session: &self.client,
            statements: &self.statements,
        })
    }

    /// The live-refresh number on a server, as SQLite's `data_version` on a file: it moves
    /// when a write on this schema commits, whichever connection made it (this one's too).
    /// The first call starts listening; then each call takes the notifications that arrived,
    /// without waiting for any. An empty query first: the client reads the socket only while
    /// it waits for an answer (its non-blocking iterator alone returned none that had come).
    pub(crate) fn data_version(&self) -> Result<i64> {
        let mut client = self.client.borrow_mut();
        if !self.listening.get() {
            client.batch_execute(CHANGES)?;
            self.listening.set(true);
        }
        client.batch_execute("")?;
        let mut heard = 0;
        let mut notifications = client.notifications();
        let mut arrived = notifications.iter();
        while let Some(n) = arrived.next()? {
            if n.payload() == self.schema {
                heard += 1;
            }
        }
        self.heard.set(self.heard.get() + heard);
        Ok(self.heard.get())
    }

    /// See [`Store::reconnect`]. The old client is dropped only once the new one is ready, so
    /// a failed try leaves the store as it was: offline, every call failing at once.
    fn reconnect(&mut self, shown: &str) -> Result<()> {
        // The tables exist by now: a schema found empty is missing, never made again.
        let access = match self.again.access {
            Access::Create => Access::ReadWrite,
            other => other,
        };
        let (mut client, schema, login) = session(&self.again.url, access, shown)?;
        // The search path now finds another schema (its own was dropped): not this store's.
        if schema != self.schema {
            return Err(StoreError::NoSchema(shown.to_string()));
        }
        if self.listening.get() {
            client.batch_execute(CHANGES)?;
        }
        *self.client.get_mut() = client;
        // Statements belong to the session that prepared them.
        self.statements.get_mut().clear();
        self.login = login;
        self.heard.set(self.heard.get() + 1);
        Ok(())
    }

    fn offline(&self) -> bool {
        self.client.try_borrow().is_ok_and(|c| c.is_closed())
    }

    /// Runs `f`'s reads in one read-only REPEATABLE READ transaction: a walk read a keyset
    /// page at a time (a list, the header's pass) sees one state of the database, as SQLite's
    /// one statement does, so a ticket another agent changes meanwhile is neither listed twice
    /// nor missed.
    pub(crate) fn snapshot<T>(&self, f: impl FnOnce(Db<'_>) -> Result<T>) -> Result<T> {
        if self.in_snapshot.get() {
            return f(self.db());
        }
        self.client
            .borrow_mut()
            .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
        self.in_snapshot.set(true);
        let out = f(self.db());
        self.in_snapshot.set(false);
        let end = if out.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = self.client.borrow_mut().batch_execute(end);
        let out = out?;
        ended?;
        Ok(out)
    }

    /// A write transaction, begun once no other writer on the database holds one: writers
    /// take turns as on SQLite (`BEGIN IMMEDIATE`), so a desk call reads the ticket, the
    /// log's head and the time after the last writer committed, and the chain has one head.
    pub(crate) fn begin(&self) -> Result<Begun<'_>> {
        self.client.borrow_mut().batch_execute(WRITE_TURN)?;
        Ok(Begun {
            client: &self.client,
            statements: &self.statements,
            open: Cell::new(true),
        })
    }
}

/// A transaction begun on a store's client. Not `postgres::Transaction`: that borrows the
/// client mutably, and a `Tx` must stay covariant in its lifetime as SQLite's is (a
/// `RefCell` of it would not be). Dropped uncommitted, it rolls back.
pub(crate) struct Begun<'a> {
    client: &'a RefCell<Client>,
    statements: &'a RefCell<Statements>,
    open: Cell<bool>,
}

impl<'a> Begun<'a> {
    pub(crate) fn db(&self) -> Db<'_> {
        Db::Postgres(Pg {
            session: self.client,
            statements: self.statements,
        })
    }

    /// Commits. A connection known closed before COMMIT went out was rolled back by the
    /// server ([`StoreError::Offline`]); one lost after it went out leaves the outcome unknown
    /// ([`StoreError::CommitUnknown`]), and that is what is said.
    pub(crate) fn commit(self) -> Result<()> {
        self.open.set(false);
        let mut client = self.client.borrow_mut();
        let sent = !client.is_closed();
        match client.batch_execute("COMMIT") {
            Ok(()) => Ok(()),
            Err(e) if sent && session_gone(&e) => Err(StoreError::CommitUnknown(e)),
            Err(e) => Err(e.into()),
        }
    }
}

impl Drop for Begun<'_> {
    fn drop(&mut self) {
        if self.open.get() {
            // A connection that cannot roll back is broken; its next statement reports it.
            if let Ok(mut client) = self.client.try_borrow_mut() {
                let _ = client.batch_execute("ROLLBACK");
            }
        }
    }
}

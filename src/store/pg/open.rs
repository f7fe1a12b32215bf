//! A [`Store`] on a PostgreSQL schema: connected, its identity checked, migrated. Only what
//! `store::db` has been taught runs on it; the rest answers [`StoreError::NotOnServer`].

use super::{connect, migrate, printable_url};
use crate::store::db::{Db, Pg, Statements};
use crate::store::{Backend, Result, Store, StoreError};
use postgres::Client;
use std::cell::{Cell, RefCell};
use std::path::PathBuf;

impl Store {
    /// Opens the Promptly schema `url` names (`pg::connect`), migrating it first: a schema
    /// that is not Promptly's or is newer is refused before anything is written. Not reachable
    /// from the command line yet (`--db postgres://` is refused); tests use it.
    pub fn open_server(url: &str) -> Result<Store> {
        let shown = printable_url(url).ok_or_else(|| StoreError::Connect {
            url: String::from("(not a postgres:// URL)"),
            error: String::from("a PostgreSQL database is named by a postgres:// or postgresql:// URL"),
        })?;
        let mut client = connect(url)?;
        migrate(&mut client, &shown)?;
        Ok(Store {
            backend: Backend::Postgres(Box::new(Server {
                client: RefCell::new(client),
                statements: RefCell::new(Statements::new()),
            })),
            path: PathBuf::from(shown),
            file: None,
            staged: None,
        })
    }

    /// Whether this store is on a PostgreSQL server.
    pub fn on_server(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }
}

/// `BEGIN`, then the writers' lock, held until the transaction ends: an advisory lock of the
/// whole database (any number will do, the same in every Promptly: "PROMPTLY" in ASCII).
const WRITE_TURN: &str = "BEGIN; SELECT pg_advisory_xact_lock(5787775664603286617)";

/// A store's connection to its server, and the statements prepared on it (`store::db`).
pub(crate) struct Server {
    client: RefCell<Client>,
    statements: RefCell<Statements>,
}

impl Server {
    pub(crate) fn db(&self) -> Db<'_> {
        Db::Postgres(Pg {
            session: &self.client,
            statements: &self.statements,
        })
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

    pub(crate) fn commit(self) -> Result<()> {
        self.open.set(false);
        self.client.borrow_mut().batch_execute("COMMIT")?;
        Ok(())
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

//! `promptly migrate --to URL`: the database copied into an empty Promptly schema on a
//! PostgreSQL server (`store::pg::copy`), then `promptly verify`'s checks run on the copy
//! there: the chain, the counts the triggers keep, every ticket's clocks replayed. The
//! SQLite file is opened read-only and never written.

use super::{Access, Result, Setup};
use crate::desk::Verification;
use crate::store::Store;
use crate::store::pg::{Copied, printable_url};

/// What a migration did: the rows of each table, and `verify` on the server.
#[derive(Debug)]
pub struct Migrated {
    /// The server, without its password.
    pub url: String,
    pub copied: Copied,
    pub verification: Verification,
}

impl Setup {
    /// Copies the database to the Promptly schema `url` names (made there if missing; refused
    /// when it holds rows already), then verifies the copy. `progress` hears each table and
    /// its rows so far.
    pub fn migrate_to(&self, url: &str, progress: &mut dyn FnMut(&str, u64)) -> Result<Migrated> {
        self.require_file(crate::store::SqliteOnly::CopySource)?;
        let source = Store::open(&self.db_path(), Access::ReadOnly)?;
        let mut target = Store::open_server(url)?;
        let copied = source.copy_to_server(&mut target, progress)?;
        drop(source);
        let verification = self.desk_on(target).verify()?;
        Ok(Migrated {
            url: printable_url(url).unwrap_or_default(),
            copied,
            verification,
        })
    }
}

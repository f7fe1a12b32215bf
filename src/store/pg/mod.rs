//! PostgreSQL (issue 16): the second store, for several agents. The only code that
//! speaks PostgreSQL's SQL; like the rest of `store`, it prints nothing.
//!
//! What exists:
//! - [`connect`]: a `postgres::Client` from a `postgres://` URL, the password from the URL or
//!   libpq's password file ([`pgpass`]), errors naming the URL without its password
//!   ([`printable_url`], which `app::config` uses for the `--db` refusal too). TLS as libpq
//!   (`sslmode`, `sslrootcert`: `tls.rs`, rustls).
//! - [`schema`]: PostgreSQL's numbered migrations (1 = SQLite's schema 15; 2 keys the review
//!   queue's indexes as SQLite's are), the log and the
//!   other tables kept as written refusing UPDATE, DELETE and TRUNCATE by triggers with
//!   SQLite's messages; [`migrate`] and [`check_identity`] (a schema with tables but no
//!   marker, or from a newer Promptly, is refused before anything is written);
//!   [`grants_sql`] and [`grant_app_role`]: the application role may add to the log but
//!   not change or delete it.
//!
//! - `Store::open_server` (`open.rs`): a store on a server, its transactions ([`Begun`]).
//!   What runs on it is what `store::db` has been taught (agents, `meta`, a ticket's insert
//!   and version check); the rest answers `StoreError::NotOnServer`.
//!
//! What does not: the rest of the store interface the desk runs on (tickets read back, the
//! log and its chain, clocks, listings, reviews, callbacks, mail, `verify`), LISTEN/NOTIFY,
//! `promptly migrate --to`. `--db postgres://...` is still refused by every command.

mod connect;
mod copy;
mod migrate;
mod open;
pub mod pgpass;
pub mod schema;
mod tls;
mod url;

pub use connect::connect;
pub use copy::Copied;
pub use migrate::{
    Found, Migrated, check_identity, current_schema, grant_app_role, grants_sql, latest_version, migrate, quote_ident,
    regrant,
};
pub(crate) use open::{Begun, Server};
pub use url::printable_url;

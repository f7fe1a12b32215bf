//! SQL of mail (issue 15, migration 12): one row per message taken in or sent, naming the log
//! entry it was logged as. Rows are kept as written (triggers refuse UPDATE and DELETE); the
//! raw message is stored gzip-compressed.

use super::SqliteOnly;
use super::db::{self, Columns, Db};
use super::rows::ts;
use super::{Result, Store, StoreError, Tx};
use crate::domain::mail::{Attachment, MailDirection};
use chrono::{DateTime, Utc};
use std::io::{Read, Write};

/// A message to record, with the ticket and log entry it was taken as.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    /// Without `<>`, trimmed.
    pub message_id: &'a str,
    pub ticket_id: i64,
    pub log_id: i64,
    pub direction: MailDirection,
    /// The message's Date (or when it was sent), not when it was taken in.
    pub at: DateTime<Utc>,
    pub from_addr: &'a str,
    pub from_name: &'a str,
    pub to_addr: &'a str,
    pub subject: &'a str,
    pub in_reply_to: Option<&'a str>,
    /// Ids without `<>`.
    pub refs: &'a [String],
    pub attachments: &'a [Attachment],
    /// The whole message as received or sent; stored compressed.
    pub raw: &'a [u8],
}

/// A stored mail row (without the raw message: see [`Store::mail_raw`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRow {
    pub id: i64,
    pub message_id: String,
    pub ticket_id: i64,
    pub log_id: i64,
    pub direction: MailDirection,
    pub at: DateTime<Utc>,
    pub from_addr: String,
    pub from_name: String,
    pub to_addr: String,
    pub subject: String,
    pub in_reply_to: Option<String>,
    pub refs: Vec<String>,
    pub attachments: Vec<Attachment>,
}

const COLUMNS: &str = "id, message_id, ticket_id, log_id, direction, at, from_addr, from_name, to_addr, subject, in_reply_to, refs, attachments";

fn read_row(r: &impl Columns) -> Result<MailRow> {
    let direction: String = r.col(4)?;
    let refs: Option<String> = r.col(11)?;
    let attachments: String = r.col(12)?;
    Ok(MailRow {
        id: r.col(0)?,
        message_id: r.col(1)?,
        ticket_id: r.col(2)?,
        log_id: r.col(3)?,
        // The CHECK constraint admits only these two; anything else reads as inbound.
        direction: MailDirection::parse(&direction).unwrap_or(MailDirection::In),
        at: DateTime::from_timestamp(r.col(5)?, 0).unwrap_or(DateTime::UNIX_EPOCH),
        from_addr: r.col(6)?,
        from_name: r.col(7)?,
        to_addr: r.col(8)?,
        subject: r.col(9)?,
        in_reply_to: r.col(10)?,
        refs: refs
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default(),
        // A hand-edited list that does not parse shows no attachments rather than failing the read.
        attachments: serde_json::from_str(&attachments).unwrap_or_default(),
    })
}

/// Gzip of `raw` (flate2, default level: mail text compresses 3-5x).
pub fn gzip(raw: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(raw.len() / 3 + 64), flate2::Compression::default());
    enc.write_all(raw)
        .and_then(|_| enc.finish())
        .map_err(|e| StoreError::Corrupt(format!("gzip: {e}")))
}

/// The most a kept message may unpack to: intake bounds what it keeps, but the row may have
/// been written by other hands, and a small gzip can unpack to more memory than the machine has.
const MAX_UNPACKED: u64 = 1 << 30;

fn gunzip(gz: &[u8]) -> Result<Vec<u8>> {
    gunzip_at_most(gz, MAX_UNPACKED)
}

fn gunzip_at_most(gz: &[u8], max: u64) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .take(max.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| StoreError::Corrupt(format!("gunzip: {e}")))?;
    if out.len() as u64 > max {
        return Err(StoreError::Corrupt(format!(
            "a kept message unpacks to over {max} bytes"
        )));
    }
    Ok(out)
}

fn insert(db: Db, m: &NewMail<'_>) -> Result<i64> {
    let attachments = serde_json::to_string(m.attachments).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let refs = (!m.refs.is_empty()).then(|| m.refs.join(" "));
    let raw = gzip(m.raw)?;
    db.query_row(
        "INSERT INTO mail(message_id, ticket_id, log_id, direction, at, from_addr, from_name, to_addr,
             subject, in_reply_to, refs, attachments, raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         RETURNING id",
        db::params![
            m.message_id,
            m.ticket_id,
            m.log_id,
            m.direction.as_str(),
            ts(m.at),
            m.from_addr,
            m.from_name,
            m.to_addr,
            m.subject,
            m.in_reply_to,
            refs.as_deref(),
            attachments.as_str(),
            &raw[..]
        ],
        |r| r.get(0),
    )
}

fn of_ticket(db: Db, ticket: i64) -> Result<Vec<MailRow>> {
    let sql = format!("SELECT {COLUMNS} FROM mail WHERE ticket_id = ?1 ORDER BY id");
    db.query_map(&sql, db::params![ticket], |r| read_row(r))
}

/// The ticket of the first of `ids` (Message-IDs without `<>`) that a mail row holds, in the
/// order given (a reply's In-Reply-To first, then its References newest first).
fn ticket_of(db: Db, ids: &[String]) -> Result<Option<i64>> {
    for id in ids {
        let found = db.query_opt(
            "SELECT ticket_id FROM mail WHERE message_id = ?1",
            db::params![id],
            |r| r.get(0),
        )?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

fn by_message_id(db: Db, id: &str) -> Result<Option<MailRow>> {
    let sql = format!("SELECT {COLUMNS} FROM mail WHERE message_id = ?1");
    db.query_opt(&sql, db::params![id], |r| read_row(r))
}

fn raw(db: Db, id: i64) -> Result<Option<Vec<u8>>> {
    let gz: Option<Option<Vec<u8>>> =
        db.query_opt("SELECT raw FROM mail WHERE id = ?1", db::params![id], |r| r.get(0))?;
    gz.flatten().map(|g| gunzip(&g)).transpose()
}

impl Store {
    /// The mail rows of `ticket`, oldest first.
    pub fn mail_of_ticket(&self, ticket: i64) -> Result<Vec<MailRow>> {
        of_ticket(self.db(), ticket)
    }

    /// The ticket a message with one of `ids` belongs to (see [`ticket_of`]).
    pub fn mail_ticket_of(&self, ids: &[String]) -> Result<Option<i64>> {
        ticket_of(self.db(), ids)
    }

    pub fn mail_by_message_id(&self, id: &str) -> Result<Option<MailRow>> {
        by_message_id(self.db(), id)
    }

    /// The raw message of mail row `id`, decompressed.
    pub fn mail_raw(&self, id: i64) -> Result<Option<Vec<u8>>> {
        raw(self.db(), id)
    }
}

impl Tx<'_> {
    /// Records a message; its Message-ID must be new (UNIQUE). Returns the row id.
    pub fn insert_mail(&self, m: &NewMail<'_>) -> Result<i64> {
        insert(self.db(), m)
    }

    pub fn mail_of_ticket(&self, ticket: i64) -> Result<Vec<MailRow>> {
        of_ticket(self.db(), ticket)
    }

    pub fn mail_ticket_of(&self, ids: &[String]) -> Result<Option<i64>> {
        ticket_of(self.db(), ids)
    }

    pub fn mail_by_message_id(&self, id: &str) -> Result<Option<MailRow>> {
        by_message_id(self.db(), id)
    }
}

/// The customer most recently recorded with this address (case-insensitive), if any: found
/// through `customers_email`, SQLite's index `COLLATE NOCASE`, PostgreSQL's of `lower(email)`.
fn customer_by_email(db: Db, email: &str) -> Result<Option<crate::domain::ticket::Customer>> {
    let sql = db.pick(
        "SELECT name, phone, email FROM customers WHERE email = ?1 COLLATE NOCASE AND email <> ''
         ORDER BY id DESC LIMIT 1",
        "SELECT name, phone, email FROM customers WHERE lower(email) = lower(?1) AND email <> ''
         ORDER BY id DESC LIMIT 1",
    );
    db.query_opt(sql, db::params![email], |r| {
        Ok(crate::domain::ticket::Customer {
            name: r.get(0)?,
            phone: r.get(1)?,
            email: r.get(2)?,
        })
    })
}

/// The id of the last contact entry of `ticket` (the one a change just logged).
fn last_contact_id(db: Db, ticket: i64) -> Result<Option<i64>> {
    db.query_row(
        "SELECT max(id) FROM log WHERE ticket_id = ?1 AND kind = ?2",
        db::params![ticket, super::rows::kind_code("contact")?],
        |r| r.get(0),
    )
}

impl Tx<'_> {
    pub fn customer_by_email(&self, email: &str) -> Result<Option<crate::domain::ticket::Customer>> {
        customer_by_email(self.db(), email)
    }

    pub fn last_contact_id(&self, ticket: i64) -> Result<Option<i64>> {
        last_contact_id(self.db(), ticket)
    }
}

impl Store {
    /// Keeps SQLite's temporary files (the statement journals each insert into the log, with
    /// its triggers, writes) in memory for this connection: intake's transactions are small,
    /// and on disk those journals were most of its system time (38 writes a message).
    /// PostgreSQL keeps no such journals: nothing to set there.
    pub fn temp_in_memory(&self) -> Result<()> {
        if self.on_server() {
            return Ok(());
        }
        self.sqlite(SqliteOnly::Settings)?
            .execute_batch("PRAGMA temp_store = MEMORY;")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_message_unpacks_up_to_its_bound_and_no_further() {
        let gz = gzip(&[b'a'; 100]).unwrap();
        assert_eq!(gunzip_at_most(&gz, 100).unwrap().len(), 100);
        assert!(matches!(gunzip_at_most(&gz, 99), Err(StoreError::Corrupt(_))));
    }
}

//! SQL written once for both backends. A store function takes a [`Db`] (SQLite's connection or
//! a PostgreSQL session) and speaks the common subset of the two dialects through it:
//! `?1 ?2` placeholders (rewritten to `$1 $2` for PostgreSQL, outside quotes and comments),
//! typed [`Param`]s in, typed [`Column`]s out. SQLite goes straight to rusqlite
//! (`prepare_cached`, its own rows); PostgreSQL prepares each SQL text once per connection.
//!
//! The two differ where a value's type is loose: SQLite answers `EXISTS` and comparisons with
//! 0 or 1, PostgreSQL with a boolean, and a PostgreSQL literal such as `1` is a 4-byte integer.
//! The getters take either for `bool` and any integer width for `i64`; a parameter is sent in
//! the type the server inferred for it. PostgreSQL's `sum` of `BIGINT` is `numeric`, which no
//! getter reads: cast it (`CAST(sum(x) AS BIGINT)`, which SQLite reads as well).

use super::{Result, StoreError};
use postgres::types::{ToSql, Type};
use postgres::{Client, Statement};
use std::cell::RefCell;
use std::collections::HashMap;

/// PostgreSQL's statements prepared on one connection, by the SQL text as the store wrote it.
pub(crate) type Statements = HashMap<String, Statement>;

/// The PostgreSQL side of a [`Db`]: the store's client (inside a transaction or not) and its
/// statements. Each call borrows the client only for the round trip, never while a caller's
/// closure runs.
#[derive(Clone, Copy)]
pub(crate) struct Pg<'c> {
    pub session: &'c RefCell<Client>,
    pub statements: &'c RefCell<Statements>,
}

/// A connection to run store SQL on, whichever the backend.
#[derive(Clone, Copy)]
pub(crate) enum Db<'c> {
    Sqlite(&'c rusqlite::Connection),
    Postgres(Pg<'c>),
}

/// A value bound to a placeholder; `None` is NULL of that type.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Int(Option<i64>),
    Bool(Option<bool>),
    Real(Option<f64>),
    Text(Option<&'a str>),
    Blob(Option<&'a [u8]>),
}

macro_rules! param_from {
    ($($t:ty => $v:ident),* $(,)?) => {$(
        impl<'a> From<$t> for Param<'a> {
            fn from(v: $t) -> Self {
                Param::$v(Some(v.into()))
            }
        }
        impl<'a> From<Option<$t>> for Param<'a> {
            fn from(v: Option<$t>) -> Self {
                Param::$v(v.map(Into::into))
            }
        }
    )*};
}
param_from!(i64 => Int, bool => Bool, f64 => Real, &'a str => Text, &'a [u8] => Blob);

impl<'a> From<&'a String> for Param<'a> {
    fn from(v: &'a String) -> Self {
        Param::Text(Some(v))
    }
}

/// `[Param]` from a list of values: `params![name, role.slug(), ts(at)]`.
macro_rules! params {
    ($($v:expr),* $(,)?) => {
        &[$($crate::store::db::Param::from($v)),*] as &[$crate::store::db::Param<'_>]
    };
}
pub(crate) use params;

impl Param<'_> {
    fn is_null(&self) -> bool {
        matches!(
            self,
            Param::Int(None) | Param::Bool(None) | Param::Real(None) | Param::Text(None) | Param::Blob(None)
        )
    }
}

impl<'a> From<&'a rusqlite::types::Value> for Param<'a> {
    /// A value as SQLite holds it, whatever the column says (a copy takes it as it is).
    fn from(v: &'a rusqlite::types::Value) -> Self {
        use rusqlite::types::Value;
        match v {
            Value::Null => Param::Int(None),
            Value::Integer(i) => Param::Int(Some(*i)),
            Value::Real(f) => Param::Real(Some(*f)),
            Value::Text(t) => Param::Text(Some(t)),
            Value::Blob(b) => Param::Blob(Some(b)),
        }
    }
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value, ValueRef};
        Ok(match *self {
            Param::Int(Some(v)) => ToSqlOutput::Owned(Value::Integer(v)),
            Param::Bool(Some(v)) => ToSqlOutput::Owned(Value::Integer(v.into())),
            Param::Real(Some(v)) => ToSqlOutput::Owned(Value::Real(v)),
            Param::Text(Some(v)) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Param::Blob(Some(v)) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
            _ => ToSqlOutput::Owned(Value::Null),
        })
    }
}

/// `param` as the type PostgreSQL inferred for its placeholder: an integer narrowed (refused
/// when it does not fit) or widened to a float, a boolean sent as 0/1 to an integer column.
fn pg_value<'a>(param: &Param<'a>, ty: &Type) -> Result<Box<dyn ToSql + Sync + 'a>> {
    let narrow = |v: i64| StoreError::Corrupt(format!("{v} does not fit PostgreSQL's {ty}"));
    if param.is_null() {
        return Ok(pg_null(ty));
    }
    Ok(match (*param, ty) {
        (Param::Int(v), &Type::INT4) => Box::new(v.map(i32::try_from).transpose().map_err(|_| narrow(v.unwrap_or(0)))?),
        (Param::Int(v), &Type::INT2) => Box::new(v.map(i16::try_from).transpose().map_err(|_| narrow(v.unwrap_or(0)))?),
        (Param::Int(v), &Type::FLOAT8) => Box::new(v.map(|v| v as f64)),
        (Param::Int(v), _) => Box::new(v),
        (Param::Bool(v), &Type::INT8) => Box::new(v.map(i64::from)),
        (Param::Bool(v), &Type::INT4) => Box::new(v.map(i32::from)),
        (Param::Bool(v), _) => Box::new(v),
        (Param::Real(v), _) => Box::new(v),
        (Param::Text(v), _) => Box::new(v),
        (Param::Blob(v), _) => Box::new(v),
    })
}

/// NULL as the type PostgreSQL inferred for its placeholder, whatever the `Param`'s own type
/// (a value copied from SQLite, whose NULL has none, goes to a column of any type).
fn pg_null(ty: &Type) -> Box<dyn ToSql + Sync> {
    match *ty {
        Type::INT8 => Box::new(None::<i64>),
        Type::INT4 => Box::new(None::<i32>),
        Type::INT2 => Box::new(None::<i16>),
        Type::FLOAT8 => Box::new(None::<f64>),
        Type::FLOAT4 => Box::new(None::<f32>),
        Type::BOOL => Box::new(None::<bool>),
        Type::BYTEA => Box::new(None::<Vec<u8>>),
        _ => Box::new(None::<String>),
    }
}

/// `sql` with SQLite's `?N` placeholders as PostgreSQL's `$N`. Text in quotes (`'...'`,
/// `"..."`) and comments is left as it is; a bare `?` too (the store numbers every placeholder).
pub fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        match c {
            '\'' | '"' => {
                // A doubled quote inside ends and restarts the quoted text: the same result.
                for q in chars.by_ref() {
                    out.push(q);
                    if q == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                for q in chars.by_ref() {
                    out.push(q);
                    if q == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut last = ' ';
                for q in chars.by_ref() {
                    out.push(q);
                    if last == '*' && q == '/' {
                        break;
                    }
                    last = q;
                }
            }
            '?' if chars.peek().is_some_and(char::is_ascii_digit) => {
                out.pop();
                out.push('$');
            }
            _ => {}
        }
    }
    out
}

/// One row of a result, from either backend.
pub(crate) enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r postgres::Row),
}

impl Row<'_> {
    /// Column `i` (from 0) as `T`.
    pub fn get<T: Column>(&self, i: usize) -> Result<T> {
        match self {
            Row::Sqlite(r) => Ok(T::from_sqlite(r, i)?),
            Row::Postgres(r) => T::from_postgres(r, i),
        }
    }
}

/// A row of either backend's own kind, read by column number: the readers of a ticket, a
/// clock or a link take this, so SQLite's hot loops keep their rusqlite rows.
pub(crate) trait Columns {
    fn col<T: Column>(&self, i: usize) -> Result<T>;
}

impl Columns for rusqlite::Row<'_> {
    fn col<T: Column>(&self, i: usize) -> Result<T> {
        Ok(T::from_sqlite(self, i)?)
    }
}

impl Columns for Row<'_> {
    fn col<T: Column>(&self, i: usize) -> Result<T> {
        self.get(i)
    }
}

/// A type a column is read as.
pub(crate) trait Column: Sized {
    fn from_sqlite(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Self>;
    fn from_postgres(row: &postgres::Row, i: usize) -> Result<Self>;
}

/// An integer (or boolean) column of any width, NULL as `None`.
fn pg_int(row: &postgres::Row, i: usize) -> Result<Option<i64>> {
    let ty = row.columns().get(i).map(|c| c.type_().clone());
    Ok(match ty {
        Some(Type::INT4) => row.try_get::<_, Option<i32>>(i)?.map(i64::from),
        Some(Type::INT2) => row.try_get::<_, Option<i16>>(i)?.map(i64::from),
        Some(Type::BOOL) => row.try_get::<_, Option<bool>>(i)?.map(i64::from),
        _ => row.try_get::<_, Option<i64>>(i)?,
    })
}

fn not_null<T>(v: Option<T>, i: usize) -> Result<T> {
    v.ok_or_else(|| StoreError::Corrupt(format!("column {i} is NULL")))
}

macro_rules! column {
    ($t:ty, |$row:ident, $i:ident| $pg:expr) => {
        impl Column for Option<$t> {
            fn from_sqlite(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Self> {
                row.get(i)
            }
            fn from_postgres($row: &postgres::Row, $i: usize) -> Result<Self> {
                $pg
            }
        }
        impl Column for $t {
            fn from_sqlite(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Self> {
                row.get(i)
            }
            fn from_postgres(row: &postgres::Row, i: usize) -> Result<Self> {
                not_null(Option::<$t>::from_postgres(row, i)?, i)
            }
        }
    };
}
column!(i64, |row, i| pg_int(row, i));
column!(bool, |row, i| Ok(pg_int(row, i)?.map(|v| v != 0)));
column!(String, |row, i| Ok(row.try_get(i)?));
column!(u32, |row, i| {
    pg_int(row, i)?
        .map(|v| u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("column {i}: {v} is not a count"))))
        .transpose()
});
column!(Vec<u8>, |row, i| Ok(row.try_get(i)?));
column!(f64, |row, i| {
    match row.columns().get(i).map(|c| c.type_().clone()) {
        Some(Type::FLOAT8) | None => Ok(row.try_get(i)?),
        Some(Type::FLOAT4) => Ok(row.try_get::<_, Option<f32>>(i)?.map(f64::from)),
        Some(_) => Ok(pg_int(row, i)?.map(|v| v as f64)),
    }
});

impl<'c> Db<'c> {
    /// `sqlite`'s SQL or `postgres`'s, by the backend: where the dialects part (PostgreSQL
    /// finds long free text through its `promptly_text_key` indexes, see `pg::schema`).
    pub fn pick(self, sqlite: &'static str, postgres: &'static str) -> &'static str {
        match self {
            Db::Sqlite(_) => sqlite,
            Db::Postgres(_) => postgres,
        }
    }

    /// PostgreSQL's statement for `sql`, prepared once per connection.
    fn statement(pg: &Pg<'c>, sql: &str) -> Result<Statement> {
        if let Some(st) = pg.statements.borrow().get(sql) {
            return Ok(st.clone());
        }
        let st = pg.session.borrow_mut().prepare(&numbered_placeholders(sql))?;
        pg.statements.borrow_mut().insert(sql.to_string(), st.clone());
        Ok(st)
    }

    /// PostgreSQL's rows for `sql`, read whole before any is handed on.
    fn pg_rows(pg: &Pg<'c>, sql: &str, params: &[Param]) -> Result<Vec<postgres::Row>> {
        let st = Db::statement(pg, sql)?;
        let values = pg_values(&st, params)?;
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| &**v as _).collect();
        Ok(pg.session.borrow_mut().query(&st, &refs)?)
    }

    /// Runs a statement; how many rows it changed.
    pub fn execute(self, sql: &str, params: &[Param]) -> Result<usize> {
        match self {
            Db::Sqlite(c) => Ok(c.prepare_cached(sql)?.execute(params_sqlite(params))?),
            Db::Postgres(pg) => {
                let st = Db::statement(&pg, sql)?;
                let values = pg_values(&st, params)?;
                let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| &**v as _).collect();
                let n = pg.session.borrow_mut().execute(&st, &refs)?;
                Ok(usize::try_from(n).unwrap_or(usize::MAX))
            }
        }
    }

    /// The first row read by `f`, or `None` when there is none.
    pub fn query_opt<T>(self, sql: &str, params: &[Param], f: impl FnOnce(&Row) -> Result<T>) -> Result<Option<T>> {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(params_sqlite(params))?;
                match rows.next()? {
                    Some(r) => Ok(Some(f(&Row::Sqlite(r))?)),
                    None => Ok(None),
                }
            }
            Db::Postgres(pg) => match Db::pg_rows(&pg, sql, params)?.first() {
                Some(r) => Ok(Some(f(&Row::Postgres(r))?)),
                None => Ok(None),
            },
        }
    }

    /// The first row read by `f`; no row is an error (the query always returns one).
    pub fn query_row<T>(self, sql: &str, params: &[Param], f: impl FnOnce(&Row) -> Result<T>) -> Result<T> {
        self.query_opt(sql, params, f)?
            .ok_or_else(|| StoreError::Corrupt(format!("no row from {sql}")))
    }

    /// Hands every row to `f` in order, until it fails. PostgreSQL's rows are read whole
    /// first, so `f` may run other statements on this connection.
    pub fn for_each_row(self, sql: &str, params: &[Param], mut f: impl FnMut(&Row) -> Result<()>) -> Result<()> {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(params_sqlite(params))?;
                while let Some(r) = rows.next()? {
                    f(&Row::Sqlite(r))?;
                }
                Ok(())
            }
            Db::Postgres(pg) => Db::pg_rows(&pg, sql, params)?
                .iter()
                .try_for_each(|r| f(&Row::Postgres(r))),
        }
    }

    /// Every row, each read by `f`.
    pub fn query_map<T>(self, sql: &str, params: &[Param], mut f: impl FnMut(&Row) -> Result<T>) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.for_each_row(sql, params, |r| {
            out.push(f(r)?);
            Ok(())
        })?;
        Ok(out)
    }
}

fn params_sqlite<'p>(params: &'p [Param<'p>]) -> rusqlite::ParamsFromIter<std::slice::Iter<'p, Param<'p>>> {
    rusqlite::params_from_iter(params.iter())
}

fn pg_values<'a>(st: &Statement, params: &[Param<'a>]) -> Result<Vec<Box<dyn ToSql + Sync + 'a>>> {
    if st.params().len() != params.len() {
        return Err(StoreError::Corrupt(format!(
            "{} values for {} placeholders",
            params.len(),
            st.params().len()
        )));
    }
    params.iter().zip(st.params()).map(|(p, ty)| pg_value(p, ty)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres_outside_quotes_and_comments() {
        assert_eq!(
            numbered_placeholders("SELECT a FROM t WHERE a = ?1 AND b = ?10 AND c = ?2"),
            "SELECT a FROM t WHERE a = $1 AND b = $10 AND c = $2"
        );
        assert_eq!(
            numbered_placeholders("SELECT '?1 it''s ?2', \"q?3\" FROM t WHERE x = ?3 -- ?4\n AND y = ?4 /* ?5 */"),
            "SELECT '?1 it''s ?2', \"q?3\" FROM t WHERE x = $3 -- ?4\n AND y = $4 /* ?5 */"
        );
        assert_eq!(
            numbered_placeholders("SELECT '是?1' || ?1, ?"),
            "SELECT '是?1' || $1, ?"
        );
    }

    #[test]
    fn params_bind_on_sqlite_with_their_nulls() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let db = Db::Sqlite(&conn);
        db.execute("CREATE TABLE t(i INTEGER, b INTEGER, s TEXT, x BLOB, f REAL)", &[])
            .unwrap();
        let none: Option<&str> = None;
        db.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)",
            params![7i64, true, none, &b"\x01"[..], 0.5f64],
        )
        .unwrap();
        let read = db
            .query_row("SELECT i, b, s, x, f, EXISTS (SELECT 1 FROM t) FROM t", &[], |r| {
                Ok((
                    r.get::<i64>(0)?,
                    r.get::<bool>(1)?,
                    r.get::<Option<String>>(2)?,
                    r.get::<Vec<u8>>(3)?,
                    r.get::<f64>(4)?,
                    r.get::<bool>(5)?,
                ))
            })
            .unwrap();
        assert_eq!(read, (7, true, None, vec![1], 0.5, true));
        assert!(
            db.query_opt("SELECT i FROM t WHERE i = ?1", params![8i64], |r| r.get::<i64>(0))
                .unwrap()
                .is_none()
        );
        assert!(matches!(
            db.query_row("SELECT s FROM t", &[], |r| r.get::<String>(0)),
            Err(StoreError::Sql(_))
        ));
    }
}

//! What the end-to-end tests share: the real binary, run against one database with its own
//! config, and nothing from the caller's environment (PROMPTLY_DB, _NOW, _POLICY).
//!
//! The database is a file, or, with `PROMPTLY_TEST_BACKEND=postgres` and `PROMPTLY_TEST_PG`
//! naming a server, a schema of its own on that server (the same tests on the other backend:
//! `.ci/run` runs them both ways). A test that is about the file itself asks [`server`] and
//! says SKIPPED there.

pub mod board;

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

/// `promptly --db DB --lang LANG` with the config next to the database.
pub fn promptly(db: &Path, lang: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_promptly"));
    let named = server(db).unwrap_or_else(|| db.to_str().unwrap().to_string());
    // On a server, attachments and the quarantine go to the user's data folder: the test's.
    if named != db.to_str().unwrap() {
        command.env("XDG_DATA_HOME", db.parent().unwrap());
    }
    command
        .args(["--db", &named, "--lang", lang])
        .env_remove("PROMPTLY_DB")
        .env_remove("PROMPTLY_NOW")
        .env_remove("PROMPTLY_POLICY")
        .env("PROMPTLY_CONFIG", db.with_file_name("config.toml"));
    command
}

/// On the server pass, the URL that stands for the file `db`: a schema named after its path,
/// made (empty) the first time, first in the connection's search path. `None` on files.
pub fn server(db: &Path) -> Option<String> {
    if std::env::var("PROMPTLY_TEST_BACKEND").ok()?.as_str() != "postgres" {
        return None;
    }
    let url = std::env::var("PROMPTLY_TEST_PG")
        .ok()
        .filter(|u| !u.is_empty())
        .expect("PROMPTLY_TEST_BACKEND=postgres needs PROMPTLY_TEST_PG (a server's URL)");
    // FNV-1a of the path: temporary folders are unique, so their schemas are.
    let hash = db
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
        });
    let schema = format!("f_{hash:016x}");
    static MADE: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let mut made = MADE.lock().unwrap_or_else(|e| e.into_inner());
    if made.get_or_insert_with(HashSet::new).insert(schema.clone()) {
        let mut client = promptly::store::pg::connect(&url).unwrap_or_else(|e| panic!("{url}: {e}"));
        client
            .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    Some(format!("{url}{sep}options=-csearch_path%3D{schema}"))
}

/// Makes the database not be there any more: the file removed, or the schema emptied.
pub fn remove(db: &Path) {
    match server(db) {
        Some(_) => {
            let schema = sql(db, "SELECT current_schema()")[0][0].clone().unwrap();
            sql(db, &format!("DROP SCHEMA {schema} CASCADE; CREATE SCHEMA {schema}"));
        }
        None => std::fs::remove_file(db).unwrap(),
    }
}

/// Where attachments and the quarantine are kept: beside the database file, or on a server
/// in the data folder (under the test's folder, see [`promptly`]).
pub fn data_dir(db: &Path) -> std::path::PathBuf {
    let beside = db.parent().unwrap().to_path_buf();
    match server(db) {
        Some(_) => beside.join("promptly"),
        None => beside,
    }
}

/// Whether a test about the database file itself (its bytes, WAL, mode, SQLite's own
/// structures, backups) does not apply: on the server pass it says SKIPPED and why.
pub fn file_only(test: &str, why: &str) -> bool {
    let on_server = std::env::var("PROMPTLY_TEST_BACKEND").is_ok_and(|b| b == "postgres");
    if on_server {
        eprintln!("SKIPPED {test} on PostgreSQL: {why}");
    }
    on_server
}

/// The rows `query` returns on the test's database, every value as text (`None` for NULL;
/// SQLite's blobs in hex), so one assertion reads either backend. A statement that changes
/// rows (a test's hand-made damage) returns none. Never creates the file.
pub fn sql(db: &Path, query: &str) -> Vec<Vec<Option<String>>> {
    try_sql(db, query).unwrap_or_else(|e| panic!("{query}: {e}"))
}

/// [`sql`], or the database's refusal in its own words (a trigger's message).
pub fn try_sql(db: &Path, query: &str) -> Result<Vec<Vec<Option<String>>>, String> {
    match server(db) {
        Some(url) => {
            let mut client = promptly::store::pg::connect(&url).unwrap_or_else(|e| panic!("{url}: {e}"));
            let messages = client
                .simple_query(query)
                .map_err(|e| promptly::store::postgres_message(&e))?;
            Ok(messages
                .into_iter()
                .filter_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(row) => {
                        Some((0..row.len()).map(|i| row.get(i).map(str::to_string)).collect())
                    }
                    _ => None,
                })
                .collect())
        }
        None => {
            let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)
                .unwrap_or_else(|e| panic!("{}: {e}", db.display()));
            let mut statement = conn.prepare(query).map_err(|e| e.to_string())?;
            let width = statement.column_count();
            let rows = statement
                .query_map([], |r| {
                    (0..width)
                        .map(|i| {
                            Ok(match r.get_ref(i)? {
                                rusqlite::types::ValueRef::Null => None,
                                rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
                                rusqlite::types::ValueRef::Real(x) => Some(x.to_string()),
                                rusqlite::types::ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                                rusqlite::types::ValueRef::Blob(b) => {
                                    Some(b.iter().map(|x| format!("{x:02x}")).collect())
                                }
                            })
                        })
                        .collect()
                })
                .map_err(|e| e.to_string())?;
            rows.collect::<rusqlite::Result<_>>().map_err(|e| e.to_string())
        }
    }
}

/// The one number `query` returns (a count).
pub fn number(db: &Path, query: &str) -> i64 {
    let rows = sql(db, query);
    let value = rows.first().and_then(|r| r.first().cloned().flatten());
    value
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{query}: no number in {rows:?}"))
}

/// Everything the database holds, to compare before and after a command that must write
/// nothing: the file and its WAL byte for byte (an empty WAL, which any reader may leave
/// behind, is no WAL), or on a server every table's rows, every sequence's position, and the
/// schema's triggers, functions and privileges.
pub fn state(db: &Path) -> Vec<u8> {
    if server(db).is_none() {
        let wal = db.with_file_name(format!("{}-wal", db.file_name().unwrap().to_str().unwrap()));
        let mut bytes = std::fs::read(db).unwrap_or_default();
        bytes.extend(std::fs::read(wal).unwrap_or_default());
        return bytes;
    }
    let tables = sql(
        db,
        "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'S') ORDER BY c.relname",
    );
    let mut out = Vec::new();
    for t in tables {
        let (name, kind) = (t[0].clone().unwrap(), t[1].clone().unwrap());
        let query = if kind == "S" {
            format!("SELECT last_value::text || is_called::text FROM {name}")
        } else {
            format!("SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {name} x")
        };
        out.extend(format!("{name}:{:?};", sql(db, &query)).into_bytes());
    }
    // And what guards them: triggers (and whether they fire), functions, who may do what.
    for query in [
        "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND NOT t.tgisinternal
          ORDER BY 1, 2",
        "SELECT p.proname, md5(p.prosrc) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = current_schema() ORDER BY 1, 2",
        "SELECT c.relname, c.relacl::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() ORDER BY 1",
        "SELECT n.nspacl::text FROM pg_namespace n WHERE n.nspname = current_schema()",
    ] {
        out.extend(format!("{:?};", sql(db, query)).into_bytes());
    }
    out
}

/// The store a test's desk works on: the file `db`, or on the server pass the schema that
/// stands for it ([`server`]), opened for `access` as the binary would.
pub fn store(db: &Path, access: promptly::store::Access) -> promptly::store::Result<promptly::store::Store> {
    match server(db) {
        Some(url) => promptly::store::Store::open_server_for(&url, access),
        None => promptly::store::Store::open(db, access),
    }
}

/// A new, empty store of the test's own: in memory on the file pass, a schema of its own on
/// the server pass.
pub fn fresh_store() -> promptly::store::Store {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let named = std::env::temp_dir().join(format!("promptly-fresh-{}-{n}-{nanos}", std::process::id()));
    match server(&named) {
        Some(_) => store(&named, promptly::store::Access::Create).unwrap(),
        None => promptly::store::Store::open_in_memory().unwrap(),
    }
}

/// Whether the database is there: the file, or on a server any table in its schema.
pub fn exists(db: &Path) -> bool {
    match server(db) {
        Some(_) => number(db, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") > 0,
        None => db.exists(),
    }
}

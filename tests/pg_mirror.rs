//! PostgreSQL's migrations hold what SQLite's schema 15 holds (`PROMPTLY_TEST_PG`; see
//! `common/pg.rs`): the same tables and views; each table's columns by name and order, type
//! (INTEGER as bigint, TEXT text, BLOB bytea, REAL double precision), NOT NULL and default;
//! its foreign keys, CHECK constraints and unique keys; every named index by name, columns
//! and predicate (migration 2's four with the columns SQLite's carry implicitly); every
//! trigger by name (PostgreSQL adds only TRUNCATE ones). SQLite's side is a database the
//! store makes.

#[path = "common/pg.rs"]
pub mod pg;

use postgres::Client;
use promptly::store::{Access, Store};
use rusqlite::Connection;
use std::collections::{BTreeMap, BTreeSet};

/// Identifiers in `text` that are columns of the table, in order.
fn columns_named(text: &str, columns: &[String]) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| columns.iter().any(|c| c == w))
        .map(str::to_string)
        .collect()
}

/// An index's key part and its predicate, from its SQL: what lies between the first `(`
/// after the table's name and the last `)` before ` WHERE `, and what follows ` WHERE `
/// without brackets, casts, case or spacing differences.
fn key_and_predicate(sql: &str) -> (String, Option<String>) {
    let (head, predicate) = match sql.find(" WHERE ") {
        Some(at) => (&sql[..at], Some(&sql[at + 7..])),
        None => (sql, None),
    };
    let open = head
        .find(" ON ")
        .and_then(|on| head[on..].find('(').map(|p| on + p))
        .unwrap();
    let key = head[open + 1..head.rfind(')').unwrap()].to_string();
    let predicate = predicate.map(|p| {
        p.replace(['(', ')'], "")
            .replace("::text", "")
            .replace("::bigint", "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    });
    (key, predicate)
}

#[derive(Debug, Default, PartialEq)]
struct Table {
    /// (name, type, not null, default)
    columns: Vec<(String, String, bool, Option<String>)>,
    /// (columns, references table, referenced columns)
    foreign: BTreeSet<(Vec<String>, String, Vec<String>)>,
    checks: usize,
    /// Sets of columns that are unique (keys included), with whether only some rows count.
    unique: BTreeSet<(BTreeSet<String>, bool)>,
}

#[derive(Debug, Default, PartialEq)]
struct Schema {
    tables: BTreeMap<String, Table>,
    /// name -> (table, key columns, predicate)
    indexes: BTreeMap<String, (String, Vec<String>, Option<String>)>,
    views: BTreeSet<String>,
    triggers: BTreeSet<String>,
}

fn default_text(d: Option<String>) -> Option<String> {
    d.map(|d| d.replace("::text", "").replace("::bigint", ""))
}

fn sqlite_schema(conn: &Connection) -> Schema {
    let strings = |sql: &str| -> Vec<(String, String)> {
        conn.prepare(sql)
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default()))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let mut schema = Schema::default();
    for (name, sql) in strings("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'") {
        let mut table = Table {
            checks: sql.matches("CHECK (").count(),
            ..Table::default()
        };
        let mut keys = Vec::new();
        let info = strings(&format!(
            "SELECT name, type || '|' || \"notnull\" || '|' || pk || '|' || coalesce(dflt_value, '\u{1}')
             FROM pragma_table_info('{name}') ORDER BY cid"
        ));
        for (column, rest) in info {
            let parts: Vec<&str> = rest.splitn(4, '|').collect();
            let kind = match parts[0] {
                "INTEGER" => "bigint",
                "TEXT" => "text",
                "BLOB" => "bytea",
                "REAL" => "double precision",
                other => panic!("{name}.{column}: type {other}"),
            };
            let pk = parts[2] != "0";
            if pk {
                keys.push((column.clone(), parts[0] == "INTEGER"));
            }
            let default = Some(parts[3].to_string()).filter(|d| d != "\u{1}");
            table
                .columns
                .push((column, kind.to_string(), parts[1] == "1" || pk, default));
        }
        let fks = strings(&format!(
            "SELECT CAST(id AS TEXT), \"table\" || '|' || \"from\" || '|' || \"to\" FROM pragma_foreign_key_list('{name}') ORDER BY id, seq"
        ));
        let mut grouped: BTreeMap<String, (Vec<String>, String, Vec<String>)> = BTreeMap::new();
        for (id, rest) in fks {
            let parts: Vec<&str> = rest.split('|').collect();
            let entry = grouped
                .entry(id)
                .or_insert_with(|| (vec![], parts[0].to_string(), vec![]));
            entry.0.push(parts[1].to_string());
            entry.2.push(parts[2].to_string());
        }
        table.foreign = grouped.into_values().collect();
        for (index, partial) in strings(&format!(
            "SELECT name, CAST(\"partial\" AS TEXT) FROM pragma_index_list('{name}') WHERE \"unique\""
        )) {
            let columns: BTreeSet<String> = strings(&format!("SELECT name, '' FROM pragma_index_info('{index}')"))
                .into_iter()
                .map(|(c, _)| c)
                .collect();
            table.unique.insert((columns, partial == "1"));
        }
        // A rowid table's one INTEGER key is the rowid itself, with no index of its own.
        if let [(key, true)] = &keys[..]
            && !sql.contains("WITHOUT ROWID")
        {
            table.unique.insert((BTreeSet::from([key.clone()]), false));
        }
        schema.tables.insert(name, table);
    }
    for (name, sql) in strings("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL") {
        let table = strings(&format!("SELECT tbl_name, '' FROM sqlite_schema WHERE name = '{name}'"))[0]
            .0
            .clone();
        let columns: Vec<String> = schema.tables[&table].columns.iter().map(|c| c.0.clone()).collect();
        let (key, predicate) = key_and_predicate(&sql);
        schema
            .indexes
            .insert(name, (table, columns_named(&key, &columns), predicate));
    }
    schema.views = strings("SELECT name, '' FROM sqlite_schema WHERE type = 'view'")
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    schema.triggers = strings("SELECT name, '' FROM sqlite_schema WHERE type = 'trigger'")
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    schema
}

/// SQL for the names of a constraint's columns (`keys` of the relation `rel`), comma-separated.
fn key_names(keys: &str, rel: &str) -> String {
    format!(
        "(SELECT string_agg(a.attname::text, ',' ORDER BY k.n) FROM unnest({keys}) WITH ORDINALITY k(col, n)
          JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.col)"
    )
}

/// Every row of `sql`, each column as text.
fn text(c: &mut Client, sql: &str) -> Vec<Vec<Option<String>>> {
    c.query(sql, &[])
        .unwrap()
        .iter()
        .map(|r| (0..r.len()).map(|i| r.get::<_, Option<String>>(i)).collect())
        .collect()
}

fn postgres_schema(c: &mut Client) -> Schema {
    let here = "current_schema()::regnamespace";
    let mut schema = Schema::default();
    let tables = text(
        c,
        &format!(
            "SELECT relname::text FROM pg_class WHERE relnamespace = {here} AND relkind = 'r' AND relname <> 'promptly_schema'"
        ),
    );
    for name in tables.into_iter().map(|r| r[0].clone().unwrap()) {
        let mut table = Table::default();
        for row in text(
            c,
            &format!(
                "SELECT column_name::text, data_type::text, is_nullable::text, column_default::text
                 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{name}'
                 ORDER BY ordinal_position"
            ),
        ) {
            let [column, kind, nullable, default] = &row[..] else {
                unreachable!()
            };
            table.columns.push((
                column.clone().unwrap(),
                kind.clone().unwrap(),
                nullable.as_deref() == Some("NO"),
                default_text(default.clone()),
            ));
        }
        let sql = format!(
            "SELECT {}, co.confrelid::regclass::text, {} FROM pg_constraint co
             WHERE co.conrelid = '{name}'::regclass AND co.contype = 'f'",
            key_names("co.conkey", "co.conrelid"),
            key_names("co.confkey", "co.confrelid")
        );
        for row in text(c, &sql) {
            let split = |s: &Option<String>| s.clone().unwrap().split(',').map(str::to_string).collect::<Vec<_>>();
            table
                .foreign
                .insert((split(&row[0]), row[1].clone().unwrap(), split(&row[2])));
        }
        let checks = text(
            c,
            &format!("SELECT count(*)::text FROM pg_constraint WHERE conrelid = '{name}'::regclass AND contype = 'c'"),
        );
        table.checks = checks[0][0].clone().unwrap().parse().unwrap();
        let columns: Vec<String> = table.columns.iter().map(|c| c.0.clone()).collect();
        for row in text(
            c,
            &format!(
                "SELECT pg_get_indexdef(indexrelid), (indpred IS NOT NULL)::text FROM pg_index
                 WHERE indrelid = '{name}'::regclass AND indisunique"
            ),
        ) {
            let (key, _) = key_and_predicate(row[0].as_deref().unwrap());
            let set: BTreeSet<String> = columns_named(&key, &columns).into_iter().collect();
            table.unique.insert((set, row[1].as_deref() == Some("true")));
        }
        schema.tables.insert(name, table);
    }
    for row in text(
        c,
        &format!(
            "SELECT i.relname::text, t.relname::text, pg_get_indexdef(i.oid) FROM pg_index x
             JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
             WHERE i.relnamespace = {here} AND t.relname <> 'promptly_schema'
             AND i.relname !~ '_(pkey|key)$'"
        ),
    ) {
        let [name, table, sql] = &row[..] else { unreachable!() };
        let (table, sql) = (table.clone().unwrap(), sql.clone().unwrap());
        let columns: Vec<String> = schema.tables[&table].columns.iter().map(|c| c.0.clone()).collect();
        let (key, predicate) = key_and_predicate(&sql);
        schema
            .indexes
            .insert(name.clone().unwrap(), (table, columns_named(&key, &columns), predicate));
    }
    let set = |rows: Vec<Vec<Option<String>>>| -> BTreeSet<String> {
        rows.into_iter().filter_map(|r| r[0].clone()).collect()
    };
    schema.views = set(text(
        c,
        &format!("SELECT relname::text FROM pg_class WHERE relnamespace = {here} AND relkind = 'v'"),
    ));
    schema.triggers = set(text(
        c,
        &format!(
            "SELECT t.tgname::text FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid
             WHERE r.relnamespace = {here} AND NOT t.tgisinternal"
        ),
    ));
    schema
}

#[test]
fn pg_the_migrations_mirror_every_table_column_constraint_index_view_and_trigger_of_sqlite_15() {
    let Some(mut s) =
        pg::scratch("pg_the_migrations_mirror_every_table_column_constraint_index_view_and_trigger_of_sqlite_15")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v15.db");
    drop(Store::open(&path, Access::Create).unwrap());
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 15);
    let mut lite = sqlite_schema(&conn);
    // PostgreSQL's migration 2 keys these as SQLite's are: the declared columns, then those of
    // the clocks' key a WITHOUT ROWID table's index ends with implicitly.
    for name in promptly::store::pg::schema::KEYED_AS_SQLITE {
        let carried: Vec<String> = conn
            .prepare(&format!(
                "SELECT name FROM pragma_index_xinfo('{name}') WHERE cid >= 0 ORDER BY seqno"
            ))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let index = lite.indexes.get_mut(name).unwrap();
        assert!(
            carried.len() > index.1.len() && carried.starts_with(&index.1),
            "{name}: {carried:?}"
        );
        index.1 = carried;
    }

    promptly::store::pg::migrate(&mut s.client, &s.shown).unwrap();
    let mut post = postgres_schema(&mut s.client);

    // PostgreSQL only: TRUNCATE is refused on the tables kept as written.
    let truncates: BTreeSet<String> = post
        .triggers
        .iter()
        .filter(|t| t.ends_with("_truncate"))
        .cloned()
        .collect();
    assert_eq!(
        truncates,
        [
            "callback_calls_are_kept_truncate",
            "log_data_is_kept_truncate",
            "log_is_append_only_truncate",
            "mail_is_kept_truncate",
            "promises_are_kept_truncate"
        ]
        .map(String::from)
        .into()
    );
    post.triggers.retain(|t| !truncates.contains(t));

    assert_eq!(
        post.tables.keys().collect::<Vec<_>>(),
        lite.tables.keys().collect::<Vec<_>>()
    );
    for (name, table) in &lite.tables {
        assert_eq!(&post.tables[name], table, "table {name}");
    }
    assert_eq!(post.indexes, lite.indexes);
    assert_eq!(post.views, lite.views);
    assert_eq!(post.triggers, lite.triggers);
    eprintln!(
        "mirrored: {} tables, {} columns, {} named indexes, {} views, {} triggers",
        lite.tables.len(),
        lite.tables.values().map(|t| t.columns.len()).sum::<usize>(),
        lite.indexes.len(),
        lite.views.len(),
        lite.triggers.len()
    );
}

//! Opening a PostgreSQL schema as Promptly's: its identity checked before anything is written
//! (as SQLite's `check_identity`: a schema with tables but no marker is not a Promptly
//! database, a version above [`latest_version`] was made by a newer Promptly), its migrations
//! run one transaction each, and the application role given what it needs and no more.
//!
//! Promptly works in the connection's current schema (the first of the search path that
//! exists): `public` by default, or a schema of its own (`?options=-csearch_path%3Dpromptly`).

use super::schema::{IDENTITY, IDENTITY_TABLE, KEPT_TABLES, MIGRATIONS, VIEWS, WORKING_TABLES};
use crate::store::error::{GrantRefusal, denied};
use crate::store::schema::APPLICATION_ID;
use crate::store::{Result, StoreError};
use postgres::{Client, GenericClient};

/// What [`check_identity`] found in a schema it accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// No tables, views or sequences: a new database (or schema).
    Empty,
    /// Promptly's, at this version of PostgreSQL's numbering.
    At(i64),
}

/// What [`migrate`] did: the version it found and the one it left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migrated {
    pub from: i64,
    pub to: i64,
}

/// How many migrations this build knows; a schema at a higher version is from a newer Promptly.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// The oldest PostgreSQL the schema is written for (`EXECUTE FUNCTION`, `sha256`: 11).
const OLDEST_SERVER: i64 = 110_000;

/// The first key of the advisory lock a migration holds ("PRMT", as `APPLICATION_ID`); the
/// second is the schema's name hashed, so schemas migrate side by side.
const LOCK_CLASS: i32 = 0x5052_4D54;

/// `name` as an SQL identifier, quoted.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The connection's current schema; an error naming `name` (the printable URL) when the search
/// path names none that exists.
pub fn current_schema(client: &mut impl GenericClient, name: &str) -> Result<String> {
    let schema: Option<String> = client.query_one("SELECT current_schema()", &[])?.get(0);
    if let Some(schema) = schema {
        return Ok(schema);
    }
    // A schema this login may not use is left out of its search path as if it were not there:
    // say which it is.
    // The path's names as PostgreSQL reads them: quoted kept as written ("" for "), others
    // lower-cased, `$user` the current user.
    let hidden: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n
             WHERE n.nspname IN (
                 SELECT CASE WHEN name = '$user' THEN current_user::text ELSE name END
                 FROM (SELECT CASE WHEN q LIKE '\"%\"' AND length(q) >= 2
                                   THEN replace(substr(q, 2, length(q) - 2), '\"\"', '\"')
                                   ELSE lower(q) END AS name
                       FROM (SELECT btrim(p) AS q
                             FROM unnest(string_to_array(current_setting('search_path'), ',')) p) quoted) names)
               AND NOT has_schema_privilege(n.oid, 'USAGE'))",
            &[],
        )?
        .get(0);
    Err(if hidden {
        StoreError::NoPrivilege {
            url: name.to_string(),
            making: false,
        }
    } else {
        StoreError::NoSchema(name.to_string())
    })
}

/// Reads the current schema's identity (no writes) and refuses strangers and newer schemas,
/// naming the server by `name` (the URL without its password).
pub fn check_identity(client: &mut impl GenericClient, name: &str) -> Result<Found> {
    let schema = current_schema(client, name)?;
    let not_ours = || StoreError::NotPromptlyServer(name.to_string());
    // The mark by name (the catalog's index on name and schema); the schema's relations are
    // looked at only when it is not there, since a server shared by many schemas has a large
    // catalog and this runs whenever a connection opens.
    let marked: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
             WHERE c.relname = $2 AND c.relkind = 'r'
               AND c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1))",
            &[&schema, &IDENTITY_TABLE],
        )?
        .get(0);
    if !marked {
        let occupied: bool = client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                   AND c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1))",
                &[&schema],
            )?
            .get(0);
        return if occupied { Err(not_ours()) } else { Ok(Found::Empty) };
    }
    // A table of that name made by someone else (other columns, other types) is not ours
    // either: reading it as ours fails, and the failure is the answer. The query runs in a
    // savepoint so that a caller's transaction stays usable after it.
    let mut probe = client.transaction()?;
    let read = probe.query(
        &format!(
            "SELECT application_id, version FROM {}.{IDENTITY_TABLE}",
            quote_ident(&schema)
        ),
        &[],
    );
    let marks: Vec<(i64, i64)> = match read {
        Ok(rows) => rows
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<std::result::Result<_, postgres::Error>>()
            .map_err(|_| not_ours())?,
        // Not granted (or not in the agents' role): the table is there, this login may not
        // read it. Saying "not a Promptly database" would send them looking in the wrong place.
        Err(e) if denied(&e) => {
            return Err(StoreError::NoPrivilege {
                url: name.to_string(),
                making: false,
            });
        }
        Err(_) => return Err(not_ours()),
    };
    probe.commit()?;
    match marks[..] {
        [(app, version)] if app == APPLICATION_ID && version >= 1 => {
            if version > latest_version() {
                Err(StoreError::TooNewServer {
                    url: name.to_string(),
                    found: version,
                    known: latest_version(),
                })
            } else {
                Ok(Found::At(version))
            }
        }
        _ => Err(not_ours()),
    }
}

/// Brings the current schema up to date: refuses one that is not Promptly's or is newer,
/// makes the identity on an empty one, then runs each missing migration in a transaction of
/// its own, the version moved on in the same transaction. Two processes migrating at once
/// take turns (an advisory lock per schema); nothing is written to a refused schema.
pub fn migrate(client: &mut Client, name: &str) -> Result<Migrated> {
    check_server(client, name)?;
    let mut from = None;
    loop {
        let mut tx = client.transaction()?;
        tx.execute(
            "SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')))",
            &[&LOCK_CLASS],
        )?;
        let schema = current_schema(&mut tx, name)?;
        // Functions that read tables keep this path (`SET search_path FROM CURRENT`).
        tx.batch_execute(&format!("SET LOCAL search_path TO {}, pg_temp", quote_ident(&schema)))?;
        let version = match check_identity(&mut tx, name)? {
            Found::Empty => {
                tx.batch_execute(IDENTITY)?;
                tx.execute(
                    &format!("INSERT INTO {IDENTITY_TABLE}(application_id, version) VALUES ($1, 0)"),
                    &[&APPLICATION_ID],
                )?;
                0
            }
            Found::At(version) => version,
        };
        let from = *from.get_or_insert(version);
        if version >= latest_version() {
            // Nothing written: the transaction ends without a change.
            return Ok(Migrated { from, to: version });
        }
        let next = version + 1;
        let failed = |e: postgres::Error| {
            if denied(&e) {
                // An agent running a newer Promptly first: upgrades are the owner's.
                StoreError::NoPrivilege {
                    url: name.to_string(),
                    making: true,
                }
            } else {
                StoreError::Migration(format!("{name}: PostgreSQL migration {next}: {e}"))
            }
        };
        // Readers hold the tables' share locks for a whole walk (a list piped into a pager, until
        // it drains): an upgrade waits that long at most, then fails and is tried again by the
        // next command, rather than queueing every other session behind its ALTER.
        tx.batch_execute("SET LOCAL lock_timeout = '10s'").map_err(failed)?;
        tx.batch_execute(MIGRATIONS[version as usize]).map_err(failed)?;
        tx.execute(&format!("UPDATE {IDENTITY_TABLE} SET version = $1"), &[&next])
            .map_err(failed)?;
        tx.commit()?;
    }
}

/// Refuses a server too old for the schema, or a database whose text is not UTF-8 (SQLite's
/// always is; Chinese names would not survive another encoding).
fn check_server(client: &mut Client, name: &str) -> Result<()> {
    let version: String = client.query_one("SHOW server_version_num", &[])?.get(0);
    if version.trim().parse::<i64>().unwrap_or(0) < OLDEST_SERVER {
        return Err(StoreError::Migration(format!(
            "{name}: PostgreSQL {version} is too old; Promptly needs PostgreSQL 11 or newer"
        )));
    }
    let encoding: String = client.query_one("SHOW server_encoding", &[])?.get(0);
    if !encoding.eq_ignore_ascii_case("UTF8") {
        return Err(StoreError::Migration(format!(
            "{name}: the database's encoding is {encoding}; Promptly keeps text as UTF-8 \
             (createdb --encoding=UTF8 --template=template0)"
        )));
    }
    Ok(())
}

/// The SQL that gives the application role `role` what the desk needs in `schema`, and no
/// more: it may use the schema but create nothing in it; read, add, change and delete the
/// rows of [`WORKING_TABLES`]; only read and add those of [`KEPT_TABLES`] (the log, its data,
/// promises, recorded callbacks, mail: no UPDATE, DELETE or TRUNCATE); only read the views
/// and the identity. Run by the schema's owner (who owns the tables and their triggers, which
/// only an owner may drop or disable), after every migration; what the role had before is
/// revoked first, so running it again narrows as well as widens.
pub fn grants_sql(schema: &str, role: &str) -> String {
    let s = quote_ident(schema);
    let r = quote_ident(role);
    let list = |names: &[&str]| -> String {
        names
            .iter()
            .map(|t| format!("{s}.{}", quote_ident(t)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r};\n\
         REVOKE CREATE ON SCHEMA {s} FROM PUBLIC;\n\
         REVOKE CREATE ON SCHEMA {s} FROM {r};\n\
         GRANT USAGE ON SCHEMA {s} TO {r};\n\
         GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {r};\n\
         GRANT SELECT, INSERT ON {} TO {r};\n\
         GRANT SELECT ON {}, {s}.{} TO {r};\n",
        list(&WORKING_TABLES),
        list(&KEPT_TABLES),
        list(&VIEWS),
        quote_ident(IDENTITY_TABLE),
    )
}

/// Runs [`grants_sql`] for the current schema in one transaction. Refuses a role that would
/// get round them: a superuser, the owner running this, or a role that inherits the owner's
/// rights.
pub fn grant_app_role(client: &mut Client, role: &str, name: &str) -> Result<()> {
    let mut tx = client.transaction()?;
    let schema = current_schema(&mut tx, name)?;
    // Only the owner's grants take: anyone else's are warnings PostgreSQL lets pass.
    let owns: bool = tx
        .query_one(
            "SELECT pg_has_role(current_user, n.nspowner, 'MEMBER') FROM pg_catalog.pg_namespace n WHERE n.nspname = $1",
            &[&schema],
        )?
        .try_get(0)?;
    if !owns {
        return Err(StoreError::NotGranted {
            role: role.to_string(),
            why: GrantRefusal::NotOwner,
        });
    }
    let row = tx.query_opt(
        "SELECT r.rolsuper, r.rolname = current_user, pg_has_role(r.rolname, current_user, 'MEMBER')
         FROM pg_catalog.pg_roles r WHERE r.rolname = $1",
        &[&role],
    )?;
    let refuse = |why| {
        Err(StoreError::NotGranted {
            role: role.to_string(),
            why,
        })
    };
    match row.map(|r| (r.get::<_, bool>(0), r.get::<_, bool>(1), r.get::<_, bool>(2))) {
        None => return refuse(GrantRefusal::NoSuchRole),
        Some((true, _, _)) => return refuse(GrantRefusal::Superuser),
        Some((_, true, _)) => return refuse(GrantRefusal::Runner),
        Some((_, _, true)) => return refuse(GrantRefusal::InheritsOwner),
        Some(_) => {}
    }
    tx.batch_execute(&grants_sql(&schema, role))?;
    tx.commit()?;
    Ok(())
}

/// After `migrated` brought a schema up from an older version: the application's privileges
/// given again to every role that had them (read from the server's own grants: whoever may
/// add to the log and is not its owner), tables the migration made included. A role that may
/// no longer have them (made a superuser since, say) is left as it is.
pub fn regrant(client: &mut Client, migrated: &Migrated, name: &str) -> Result<()> {
    if migrated.from == 0 || migrated.from == migrated.to {
        return Ok(());
    }
    let roles = client.query(
        "SELECT DISTINCT grantee::text FROM information_schema.role_table_grants
          WHERE table_schema = current_schema() AND table_name = 'log' AND privilege_type = 'INSERT'
            AND grantee::text <> (SELECT r.rolname FROM pg_catalog.pg_roles r JOIN pg_catalog.pg_namespace n
                                   ON n.nspowner = r.oid WHERE n.nspname = current_schema())",
        &[],
    )?;
    for row in roles {
        let role: String = row.try_get(0)?;
        match grant_app_role(client, &role, name) {
            Ok(()) | Err(StoreError::NotGranted { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::schema::{LOG_TRIGGERS, MIGRATION_1};
    use super::*;

    /// `(name, message)` of every `CREATE TRIGGER` in `sql` (the message: the first quoted
    /// text in it, if any).
    fn triggers(sql: &str) -> Vec<(String, Option<String>)> {
        sql.split("CREATE TRIGGER ")
            .skip(1)
            .map(|chunk| {
                let statement = chunk.split(';').next().unwrap_or("");
                let name = statement.split_whitespace().next().unwrap_or("").to_string();
                let message = statement.split('\'').nth(1).map(str::to_string);
                (name, message)
            })
            .collect()
    }

    fn sqlite_triggers() -> Vec<(String, String)> {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::store::schema::migrations().to_latest(&mut conn).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(
            version, 15,
            "PostgreSQL's migration 1 mirrors SQLite 15: a new SQLite migration needs one here"
        );
        let mut read = conn
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'")
            .unwrap();
        read.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn every_sqlite_trigger_is_here_by_name_refusing_in_the_same_words() {
        let ours = triggers(MIGRATION_1);
        for (name, sql) in sqlite_triggers() {
            let (_, message) = ours
                .iter()
                .find(|(n, _)| *n == name)
                .unwrap_or_else(|| panic!("SQLite's trigger {name} has no PostgreSQL counterpart"));
            if sql.contains("RAISE(ABORT") {
                let message = message
                    .as_deref()
                    .unwrap_or_else(|| panic!("{name} refuses without a message"));
                assert!(
                    sql.contains(&format!("'{message}'")),
                    "{name}: {message:?} is not SQLite's {sql}"
                );
            }
        }
        // TRUNCATE, which SQLite lacks, refuses as its table's DELETE does.
        for (name, message) in ours.iter().filter(|(n, _)| n.ends_with("_truncate")) {
            let delete = name.replace("_truncate", "_delete");
            let (_, same) = ours.iter().find(|(n, _)| *n == delete).unwrap();
            assert_eq!(message, same, "{name}");
        }
        for name in LOG_TRIGGERS {
            assert!(ours.iter().any(|(n, _)| n == name), "{name}");
        }
    }

    #[test]
    fn log_kinds_and_the_status_code_are_the_stores() {
        use crate::store::rows::{LOG_KINDS, STATUS_KIND};
        for (code, kind) in LOG_KINDS.iter().enumerate() {
            assert!(MIGRATION_1.contains(&format!("WHEN {code} THEN '{kind}'")), "{kind}");
        }
        assert!(!MIGRATION_1.contains(&format!("WHEN {} THEN", LOG_KINDS.len())));
        assert!(MIGRATION_1.contains(&format!("log (at) WHERE kind = {STATUS_KIND};")));
    }

    #[test]
    fn every_table_and_view_has_its_privileges() {
        let made = |what: &str| -> Vec<String> {
            MIGRATION_1
                .split(what)
                .skip(1)
                .map(|c| c.split_whitespace().next().unwrap_or("").to_string())
                .collect()
        };
        let mut tables = made("CREATE TABLE ");
        tables.sort();
        let mut listed: Vec<String> = KEPT_TABLES
            .iter()
            .chain(&WORKING_TABLES)
            .map(|t| t.to_string())
            .collect();
        listed.sort();
        assert_eq!(tables, listed);
        let mut views = made("CREATE VIEW ");
        views.sort();
        let mut listed: Vec<String> = VIEWS.iter().map(|v| v.to_string()).collect();
        listed.sort();
        assert_eq!(views, listed);
    }

    #[test]
    fn grants_quote_names_and_never_give_the_log_update_or_delete() {
        let sql = grants_sql("desk", "app\"x");
        assert!(sql.contains("TO \"app\"\"x\";"), "{sql}");
        let kept_line = sql.lines().find(|l| l.starts_with("GRANT SELECT, INSERT ON")).unwrap();
        assert!(kept_line.contains("\"desk\".\"log\"") && kept_line.contains("\"desk\".\"log_data\""));
        for line in sql.lines().filter(|l| l.contains("UPDATE") || l.contains("DELETE")) {
            assert!(!line.contains("\"log\"") && !line.contains("\"log_data\""), "{line}");
        }
        assert_eq!(latest_version(), 2);
    }
}

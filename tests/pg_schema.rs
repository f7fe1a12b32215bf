//! PostgreSQL's schema on a real server (`PROMPTLY_TEST_PG`; see `common/pg.rs`): migrations,
//! identity refusals, the log kept append-only by triggers and by privileges. Each test is
//! named `pg_...` and prints a SKIPPED line when there is no server. The application role is
//! `PROMPTLY_TEST_PG_APP_ROLE` (default `promptly_app`): a role the connecting one may
//! `SET ROLE` to, which `.ci/run` creates.

#[path = "common/pg.rs"]
pub mod pg;

use postgres::Client;
use promptly::store::pg::{Found, Migrated, check_identity, grant_app_role, latest_version, migrate};
use promptly::store::{GrantRefusal, StoreError};

/// The SQLSTATE and message of a statement the server refused.
fn refused<T: std::fmt::Debug>(result: Result<T, postgres::Error>) -> (String, String) {
    let e = result.expect_err("the statement should have been refused");
    let db = e.as_db_error().unwrap_or_else(|| panic!("not a server's refusal: {e}"));
    (db.code().code().to_string(), db.message().to_string())
}

/// A customer, a ticket and its first log entry; the ticket's id.
fn seed(client: &mut Client) -> i64 {
    let customer: i64 = client
        .query_one(
            "INSERT INTO customers(name, phone) VALUES ('李雷', '13812345678') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    let ticket: i64 = client
        .query_one(
            "INSERT INTO tickets(title, customer_id, channel, kind, priority, complexity, status, opened_at, updated_at)
             VALUES ('屏幕碎了', $1, 'phone', 'repair', 'urgent', 'ordinary', 'open', 1764806400, 1764806400)
             RETURNING id",
            &[&customer],
        )
        .unwrap()
        .get(0);
    let next: i64 = client
        .query_one("SELECT coalesce(max(id), 0) + 1 FROM log", &[])
        .unwrap()
        .get(0);
    client
        .execute(
            "INSERT INTO log(id, ticket_id, at, author, kind, data, hash) VALUES ($1, $2, 1764806400, 'li', 0, '{}', '\\x01')",
            &[&next, &ticket],
        )
        .unwrap();
    ticket
}

const APPEND_ONLY: &str = "the follow-up log is append-only: entries cannot be changed";
const NOT_DELETED: &str = "the follow-up log is append-only: entries cannot be deleted";
const RESTRICT: &str = "23001";

/// Runs `sql` and expects a trigger to refuse it with `message`.
fn expect(sql: &str, message: &str, c: &mut Client) {
    assert_eq!(
        refused(c.batch_execute(sql)),
        (RESTRICT.to_string(), message.to_string()),
        "{sql}"
    );
}

fn tally(c: &mut Client) -> i64 {
    c.query_one("SELECT n FROM tallies WHERE name = 'unjudged_breaches'", &[])
        .unwrap()
        .get(0)
}

fn nearest(c: &mut Client) -> Vec<(String, i64, String)> {
    c.query("SELECT metric, due_at, customer_name FROM nearest_deadlines", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

#[test]
fn pg_migrations_apply_on_an_empty_schema_and_a_second_run_changes_nothing() {
    let Some(mut s) = pg::scratch("pg_migrations_apply_on_an_empty_schema_and_a_second_run_changes_nothing") else {
        return;
    };
    assert_eq!(check_identity(&mut s.client, &s.shown).unwrap(), Found::Empty);
    let done = migrate(&mut s.client, &s.shown).unwrap();
    assert_eq!(
        done,
        Migrated {
            from: 0,
            to: latest_version()
        }
    );
    assert_eq!(
        check_identity(&mut s.client, &s.shown).unwrap(),
        Found::At(latest_version())
    );
    let catalogue = |c: &mut Client| -> Vec<String> {
        c.query(
            "SELECT relkind::text || ' ' || relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace
             UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid
                 WHERE r.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal
             UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace
             ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
    };
    let before = catalogue(&mut s.client);
    assert!(
        before.contains(&"r log".to_string()) && before.contains(&"trigger log_is_append_only_truncate".to_string())
    );
    let again = migrate(&mut s.client, &s.shown).unwrap();
    assert_eq!(
        again,
        Migrated {
            from: latest_version(),
            to: latest_version()
        }
    );
    assert_eq!(catalogue(&mut s.client), before);
    let tally: i64 = s
        .client
        .query_one("SELECT n FROM tallies WHERE name = 'unjudged_breaches'", &[])
        .unwrap()
        .get(0);
    assert_eq!(tally, 0);
}

#[test]
fn pg_a_foreign_schema_is_refused_and_left_untouched() {
    let Some(mut s) = pg::scratch("pg_a_foreign_schema_is_refused_and_left_untouched") else {
        return;
    };
    s.client
        .batch_execute("CREATE TABLE orders (id int PRIMARY KEY, total numeric); INSERT INTO orders VALUES (1, 9.5)")
        .unwrap();
    for e in [
        check_identity(&mut s.client, &s.shown).unwrap_err(),
        migrate(&mut s.client, &s.shown).unwrap_err(),
    ] {
        assert!(
            matches!(&e, StoreError::NotPromptlyServer(url) if *url == s.shown),
            "{e}"
        );
    }
    let tables: Vec<String> = s
        .client
        .query(
            "SELECT relname::text FROM pg_class WHERE relnamespace = current_schema()::regnamespace ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(tables, ["orders", "orders_pkey"], "nothing was added");
    let rows: i64 = s.client.query_one("SELECT count(*) FROM orders", &[]).unwrap().get(0);
    assert_eq!(rows, 1);

    // A table named as our marker but not ours, and our marker with another application's id.
    s.client
        .batch_execute("DROP TABLE orders; CREATE TABLE promptly_schema (name text)")
        .unwrap();
    assert!(matches!(
        migrate(&mut s.client, &s.shown),
        Err(StoreError::NotPromptlyServer(_))
    ));
    s.client
        .batch_execute(
            "DROP TABLE promptly_schema; CREATE TABLE promptly_schema (one boolean, application_id bigint, version bigint);
             INSERT INTO promptly_schema VALUES (true, 42, 1)",
        )
        .unwrap();
    assert!(matches!(
        migrate(&mut s.client, &s.shown),
        Err(StoreError::NotPromptlyServer(_))
    ));
    let version: i64 = s
        .client
        .query_one("SELECT version FROM promptly_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 1);
}

#[test]
fn pg_a_schema_from_a_newer_promptly_is_refused() {
    let Some(mut s) = pg::scratch("pg_a_schema_from_a_newer_promptly_is_refused") else {
        return;
    };
    migrate(&mut s.client, &s.shown).unwrap();
    let newer = latest_version() + 1;
    s.client
        .execute("UPDATE promptly_schema SET version = $1", &[&newer])
        .unwrap();
    for e in [
        check_identity(&mut s.client, &s.shown).unwrap_err(),
        migrate(&mut s.client, &s.shown).unwrap_err(),
    ] {
        assert!(
            matches!(&e, StoreError::TooNewServer { url, found, known }
                if *url == s.shown && *found == newer && *known == latest_version()),
            "{e}"
        );
    }
    let version: i64 = s
        .client
        .query_one("SELECT version FROM promptly_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, newer, "left as it was");
}

#[test]
fn pg_triggers_refuse_changing_deleting_and_truncating_the_log_in_sqlites_words() {
    let Some(mut s) = pg::scratch("pg_triggers_refuse_changing_deleting_and_truncating_the_log_in_sqlites_words")
    else {
        return;
    };
    migrate(&mut s.client, &s.shown).unwrap();
    let ticket = seed(&mut s.client);
    let c = &mut s.client;
    expect("UPDATE log SET body = 'edited'", APPEND_ONLY, c);
    expect("DELETE FROM log", NOT_DELETED, c);
    // A table others refer to cannot be truncated alone; with CASCADE the trigger refuses.
    let (code, _) = refused(c.batch_execute("TRUNCATE log"));
    assert_eq!(code, "0A000", "feature_not_supported: mail refers to the log");
    expect("TRUNCATE log CASCADE", NOT_DELETED, c);
    // Truncating the tickets would truncate the tables that refer to them: refused by the
    // first kept one PostgreSQL comes to.
    let (code, message) = refused(c.batch_execute("TRUNCATE tickets CASCADE"));
    assert_eq!(code, RESTRICT);
    assert!(message.ends_with("cannot be deleted"), "{message}");
    expect(
        "INSERT INTO log(id, ticket_id, at, author, kind, data, hash) SELECT id, ticket_id, at, author, kind, data, hash
         FROM log ON CONFLICT (id) DO UPDATE SET body = 'replaced'",
        "the follow-up log is append-only: an entry id cannot be reused",
        c,
    );
    expect(
        &format!(
            "INSERT INTO log(id, ticket_id, at, author, kind, data, hash) VALUES (1, {ticket}, 0, 'x', 1, '{{}}', '\\x02')"
        ),
        "the follow-up log is append-only: an entry id cannot be reused",
        c,
    );
    expect(
        &format!("INSERT INTO log(id, ticket_id, at, author, kind, data) VALUES (2, {ticket}, 0, 'x', 1, '{{}}')"),
        "the follow-up log is hash-chained: an entry needs its hash",
        c,
    );
    c.batch_execute("INSERT INTO log_data(data) VALUES ('{\"text\":\"shared\"}')")
        .unwrap();
    expect(
        "UPDATE log_data SET data = 'x'",
        "the follow-up log is append-only: entry data cannot be changed",
        c,
    );
    for sql in ["DELETE FROM log_data", "TRUNCATE log_data"] {
        expect(sql, "the follow-up log is append-only: entry data cannot be deleted", c);
    }
    expect(
        "TRUNCATE promises",
        "a promise table is kept as written: it cannot be deleted",
        c,
    );
    expect("TRUNCATE mail", "mail is kept as received: it cannot be deleted", c);
    let (entries, body): (i64, String) = c
        .query_one("SELECT count(*), min(body) FROM log", &[])
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!((entries, body.as_str()), (1, ""), "the entry is as it was written");
    // A long entry text (B-tree keys stop near 2.7 KB) is kept once, by its digest.
    let long = "长".repeat(40_000);
    c.execute("INSERT INTO log_data(data) VALUES ($1)", &[&long]).unwrap();
    let (code, _) = refused(c.execute("INSERT INTO log_data(data) VALUES ($1)", &[&long]));
    assert_eq!(code, "23505", "a second copy is a unique violation");
}

#[test]
fn pg_the_application_role_may_add_to_the_log_but_not_change_delete_or_truncate_it() {
    let Some(mut s) = pg::scratch("pg_the_application_role_may_add_to_the_log_but_not_change_delete_or_truncate_it")
    else {
        return;
    };
    let app = std::env::var("PROMPTLY_TEST_PG_APP_ROLE").unwrap_or_else(|_| "promptly_app".to_string());
    migrate(&mut s.client, &s.shown).unwrap();
    let owner: String = s.client.query_one("SELECT current_user::text", &[]).unwrap().get(0);
    for (who, why) in [
        (owner.as_str(), GrantRefusal::Runner),
        ("no_such_role_promptly", GrantRefusal::NoSuchRole),
    ] {
        let e = grant_app_role(&mut s.client, who, &s.shown).unwrap_err();
        assert!(
            matches!(e, StoreError::NotGranted { why: w, .. } if w == why),
            "{who}: {e}"
        );
    }
    grant_app_role(&mut s.client, &app, &s.shown).unwrap();
    grant_app_role(&mut s.client, &app, &s.shown).unwrap();
    let c = &mut s.client;
    c.batch_execute(&format!("SET ROLE {}", promptly::store::pg::quote_ident(&app)))
        .unwrap();
    // What the desk does works: new rows everywhere, the log appended to, tickets changed.
    let ticket = seed(c);
    c.execute(
        "UPDATE tickets SET status = 'waiting', version = version + 1 WHERE id = $1",
        &[&ticket],
    )
    .unwrap();
    c.batch_execute("INSERT INTO log_data(data) VALUES ('{}'); INSERT INTO meta VALUES ('k', 'v'); DELETE FROM meta")
        .unwrap();
    // What it must not do is refused by privileges, before any trigger.
    for sql in [
        "UPDATE log SET body = 'edited'",
        "DELETE FROM log",
        "TRUNCATE log",
        "UPDATE log_data SET data = 'x'",
        "DELETE FROM log_data",
        "TRUNCATE log_data",
        "UPDATE log_entries SET body = 'edited'",
        "UPDATE promptly_schema SET version = 99",
        "DELETE FROM mail",
        "UPDATE callback_calls SET comment = 'x'",
        "DELETE FROM promises",
    ] {
        let (code, message) = refused(c.batch_execute(sql));
        assert_eq!(code, "42501", "{sql}: {message}");
        assert!(message.starts_with("permission denied"), "{sql}: {message}");
    }
    // Nor can it take the triggers away or make objects of its own.
    for sql in [
        "ALTER TABLE log DISABLE TRIGGER log_is_append_only_update",
        "DROP TRIGGER log_is_append_only_delete ON log",
        "ALTER TABLE log_data DISABLE TRIGGER ALL",
        "CREATE TABLE mine (id int)",
        "DROP TABLE log",
    ] {
        let (code, message) = refused(c.batch_execute(sql));
        assert_eq!(code, "42501", "{sql}: {message}");
    }
    c.batch_execute("RESET ROLE").unwrap();
    let entries: i64 = c.query_one("SELECT count(*) FROM log", &[]).unwrap().get(0);
    assert_eq!(entries, 1);
}

#[test]
fn pg_the_tally_and_nearest_deadline_triggers_keep_their_rows() {
    let Some(mut s) = pg::scratch("pg_the_tally_and_nearest_deadline_triggers_keep_their_rows") else {
        return;
    };
    migrate(&mut s.client, &s.shown).unwrap();
    let ticket = seed(&mut s.client);
    let c = &mut s.client;
    c.execute(
        "INSERT INTO clocks(ticket_id, metric, cycle, state, target, started_at, due_at, breached_at)
         VALUES ($1, 'response', 1, 'breached', '30m', 100, 1900, 1900),
                ($1, 'resolution', 1, 'running', '3d', 100, 9000, NULL)",
        &[&ticket],
    )
    .unwrap();
    assert_eq!(tally(c), 1);
    assert_eq!(nearest(c), [("response".to_string(), 1900, "李雷".to_string())]);
    c.execute("UPDATE clocks SET judged = 1 WHERE metric = 'response'", &[])
        .unwrap();
    assert_eq!(tally(c), 0);
    c.execute("UPDATE clocks SET met_at = 2000 WHERE metric = 'response'", &[])
        .unwrap();
    assert_eq!(nearest(c), [("resolution".to_string(), 9000, "李雷".to_string())]);
    c.execute("UPDATE customers SET name = '韩梅梅'", &[]).unwrap();
    assert_eq!(nearest(c), [("resolution".to_string(), 9000, "韩梅梅".to_string())]);
    c.execute("UPDATE tickets SET priority = 'normal' WHERE id = $1", &[&ticket])
        .unwrap();
    let rank: i64 = c.query_one("SELECT rank FROM nearest_deadlines", &[]).unwrap().get(0);
    assert_eq!(rank, 2);
    c.execute("DELETE FROM clocks", &[]).unwrap();
    assert!(nearest(c).is_empty());
    assert_eq!(tally(c), 0);
}

/// After a migration (`regrant`) every role that had the application's privileges gets them
/// again, on every table (a later migration's new ones included): the roles are read from
/// the server's own grants, so nobody but the owner decides who they are.
#[test]
fn pg_the_application_role_is_granted_again_after_a_migration() {
    let Some(mut s) = pg::scratch("pg_the_application_role_is_granted_again_after_a_migration") else {
        return;
    };
    let app = std::env::var("PROMPTLY_TEST_PG_APP_ROLE").unwrap_or_else(|_| "promptly_app".to_string());
    let to = latest_version();
    migrate(&mut s.client, &s.shown).unwrap();
    // As a later build's migration would report it (one past the last this build knows).
    let upgrade = Migrated { from: to, to: to + 1 };
    let can_read = |c: &mut postgres::Client| -> bool {
        c.query_one("SELECT has_table_privilege($1, 'tickets', 'SELECT')", &[&app])
            .unwrap()
            .get(0)
    };
    // Nobody granted yet: nobody given anything.
    promptly::store::pg::regrant(&mut s.client, &upgrade, &s.shown).unwrap();
    assert!(!can_read(&mut s.client));
    grant_app_role(&mut s.client, &app, &s.shown).unwrap();
    assert!(can_read(&mut s.client));
    // A table the role lacks, as one a migration made would be.
    s.client
        .batch_execute(&format!("REVOKE ALL ON tickets FROM {app}"))
        .unwrap();
    assert!(!can_read(&mut s.client));
    // A fresh schema (from 0) or no migration at all gives nothing; an upgrade gives again.
    for unchanged in [Migrated { from: 0, to }, Migrated { from: to, to }] {
        promptly::store::pg::regrant(&mut s.client, &unchanged, &s.shown).unwrap();
        assert!(!can_read(&mut s.client));
    }
    promptly::store::pg::regrant(&mut s.client, &upgrade, &s.shown).unwrap();
    assert!(can_read(&mut s.client));
}

/// A schema made by a build that knew only migration 1 (the bench's and any deployment's of
/// then) is brought to the latest when opened: its rows kept, the review queue's indexes keyed
/// as SQLite's are (migration 2).
#[test]
fn pg_a_schema_at_version_1_is_brought_up_to_date_with_its_rows() {
    let Some(mut s) = pg::scratch("pg_a_schema_at_version_1_is_brought_up_to_date_with_its_rows") else {
        return;
    };
    use promptly::store::pg::schema::{IDENTITY, MIGRATIONS};
    let mut tx = s.client.transaction().unwrap();
    tx.batch_execute(IDENTITY).unwrap();
    tx.execute(
        "INSERT INTO promptly_schema(application_id, version) VALUES ($1, 1)",
        &[&promptly::store::schema::APPLICATION_ID],
    )
    .unwrap();
    tx.batch_execute(MIGRATIONS[0]).unwrap();
    tx.commit().unwrap();
    let ticket = seed(&mut s.client);
    let key = |c: &mut Client| -> String {
        c.query_one(
            "SELECT pg_get_indexdef(i.oid) FROM pg_class i WHERE i.relname = 'clocks_unjudged_breach'
                AND i.relnamespace = current_schema()::regnamespace",
            &[],
        )
        .unwrap()
        .get(0)
    };
    assert!(key(&mut s.client).ends_with("(breached_at) WHERE ((breached_at IS NOT NULL) AND (judged = 0))"));
    assert_eq!(
        migrate(&mut s.client, &s.shown).unwrap(),
        Migrated {
            from: 1,
            to: latest_version()
        }
    );
    assert!(
        key(&mut s.client).contains("(breached_at, ticket_id, metric, cycle) WHERE"),
        "{}",
        key(&mut s.client)
    );
    let kept: i64 = s
        .client
        .query_one("SELECT count(*) FROM log WHERE ticket_id = $1", &[&ticket])
        .unwrap()
        .get(0);
    assert_eq!(kept, 1);
}

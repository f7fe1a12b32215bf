//! Issue 16, part 1: a ticket's owner (首问负责制), transfers with a reason, the views by
//! owner, agents and supervisors, and KPIs by owner. Through the desk and the CLI, on either
//! backend (`common`); who acts on a server is the role logged in, whatever the config says.

pub mod common;

use chrono::{Duration, TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::{Desk, DeskError};
use promptly::domain::agent::Role;
use promptly::domain::kpi::{Facet, PeriodKind};
use promptly::domain::listing::ListQuery;
use promptly::domain::log::Event;
use promptly::domain::policy::Policy;
use promptly::domain::review::{BreachClass, Judgement, Remedy};
use promptly::domain::ticket::{NewTicket, Reason};
use promptly::store::Access;
use rusqlite::Connection;
use std::path::Path;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap() // Monday 10:00 in Shanghai
}

fn desk_as(path: &Path, author: &str) -> Desk {
    Desk::new(
        common::store(path, Access::Create).unwrap(),
        Policy::builtin(),
        Clock::frozen(now()),
        author,
    )
}

fn open(desk: &mut Desk, title: &str, hours_ago: i64) -> i64 {
    desk.open_ticket(&NewTicket::titled(title), Some(now() - Duration::hours(hours_ago)))
        .unwrap()
        .id
}

fn count(path: &Path, sql: &str) -> i64 {
    common::number(path, sql)
}

fn ids(desk: &Desk, owner: Option<&str>) -> Vec<i64> {
    let query = ListQuery {
        owner: owner.map(str::to_string),
        ..Default::default()
    };
    let mut ids: Vec<i64> = desk.list(&query).unwrap().iter().map(|s| s.ticket.id).collect();
    ids.sort();
    ids
}

fn judgement() -> Judgement {
    Judgement {
        class: BreachClass::Minor,
        reason: "Monday rush".into(),
        remedy: Remedy::Apology,
        amount: None,
        note: String::new(),
    }
}

#[test]
fn intake_records_the_owner_and_a_transfer_moves_it_with_its_reason_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut li = desk_as(&path, "li");
    let id = open(&mut li, "Kettle leaks", 1);
    assert_eq!(li.view(id).unwrap().ticket.owner, "li");

    let moved = li.transfer(id, Some(1), " wang ", "li is on leave\nthis week").unwrap();
    assert_eq!(moved.owner, "wang");
    assert_eq!(moved.version, 2);
    let view = li.view(id).unwrap();
    let last = view.log.last().unwrap();
    assert_eq!(
        last.event,
        Event::Transferred {
            from: "li".into(),
            to: "wang".into()
        }
    );
    // One line, as the log shows it.
    assert_eq!(last.body, "li is on leave this week");
    assert_eq!(last.author, "li");
    assert!(
        li.verify().unwrap().findings.is_empty(),
        "the chain and clocks stay valid"
    );
}

#[test]
fn a_refused_transfer_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut li = desk_as(&path, "li");
    let id = open(&mut li, "Kettle leaks", 1);
    let entries = count(&path, "SELECT count(*) FROM log");

    match li.transfer(id, None, "li", "why not") {
        Err(DeskError::AlreadyOwner { ticket, owner }) => assert_eq!((ticket, owner.as_str()), (id, "li")),
        other => panic!("{other:?}"),
    }
    match li.transfer(id, None, "wang", "  \n ") {
        Err(DeskError::Invalid(e)) => assert_eq!(e.reason, Reason::TransferReasonNeeded),
        other => panic!("{other:?}"),
    }
    match li.transfer(id, None, "wa\u{1b}[2Jng", "x") {
        Err(DeskError::Invalid(e)) => assert_eq!(e.reason, Reason::ControlCharacters),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        li.transfer(id, None, "wang", &"x".repeat(501)),
        Err(DeskError::Invalid(_))
    ));
    assert!(matches!(
        li.transfer(id, Some(7), "wang", "stale"),
        Err(DeskError::Store(_))
    ));
    // Once agents are named, only to one of them.
    li.add_agent("wang", Role::Agent).unwrap();
    match li.transfer(id, None, "zhao", "no such agent") {
        Err(DeskError::UnknownAgent { name }) => assert_eq!(name, "zhao"),
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&path, "SELECT count(*) FROM log"), entries);
    let ticket = li.view(id).unwrap().ticket;
    assert_eq!((ticket.owner.as_str(), ticket.version), ("li", 1));
    li.transfer(id, None, "wang", "wang knows kettles").unwrap();
}

#[test]
fn the_owner_views_list_the_right_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut li = desk_as(&path, "li");
    let mut wang = desk_as(&path, "wang");
    let a = open(&mut li, "a", 1);
    let b = open(&mut wang, "b", 2);
    let c = open(&mut li, "c", 300); // long overdue: read through the deadlines' table
    let d = open(&mut wang, "d", 3);
    wang.transfer(d, None, "li", "li took the call").unwrap();
    assert_eq!(ids(&li, Some("li")), vec![a, c, d]);
    assert_eq!(ids(&li, Some("wang")), vec![b]);
    assert_eq!(ids(&li, Some("")), Vec::<i64>::new());
    assert_eq!(ids(&li, None), vec![a, b, c, d]);
    // A ticket nobody owns (opened before owners were kept).
    common::sql(&path, &format!("UPDATE tickets SET owner = '' WHERE id = {b}"));
    assert_eq!(ids(&li, Some("")), vec![b]);
    // The overdue list with an owner, and without one.
    let overdue = |owner: Option<&str>| {
        let query = ListQuery {
            due_before: Some(now()),
            owner: owner.map(str::to_string),
            ..Default::default()
        };
        li.list(&query).unwrap().iter().map(|s| s.ticket.id).collect::<Vec<_>>()
    };
    let all = overdue(None);
    assert!(all.contains(&b) && all.contains(&c), "{all:?}");
    // Each owner's list is the whole list's order with the others' tickets left out.
    let lis: Vec<i64> = all.iter().copied().filter(|id| *id != b).collect();
    assert_eq!(overdue(Some("li")), lis);
    assert_eq!(overdue(Some("")), vec![b]);
    assert_eq!(overdue(Some("wang")), Vec::<i64>::new());
}

#[test]
fn once_a_supervisor_is_named_only_a_supervisor_judges_amends_and_recomputes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut li = desk_as(&path, "li");
    for h in [200, 300] {
        open(&mut li, &format!("late {h}"), h);
    }
    let queue = li.review_queue(None).unwrap();
    assert!(queue.len() >= 2, "old tickets are breached");
    // An empty table: everyone may do everything.
    let first = &queue[0];
    li.judge(first.ticket_id, &first.metric, Some(first.cycle), &judgement())
        .unwrap();
    li.recompute_active().unwrap();

    li.add_agent("boss", Role::Supervisor).unwrap();
    li.add_agent("li", Role::Agent).unwrap_err(); // li is no supervisor: the table is the boss's now
    let mut boss = desk_as(&path, "boss");
    boss.add_agent("li", Role::Agent).unwrap();
    let (entries, reviews) = (
        count(&path, "SELECT count(*) FROM log"),
        count(&path, "SELECT count(*) FROM reviews"),
    );
    let second = &queue[1];
    let refused = li.judge(second.ticket_id, &second.metric, Some(second.cycle), &judgement());
    assert!(
        matches!(refused, Err(DeskError::NotSupervisor { ref who }) if who == "li"),
        "{refused:?}"
    );
    let amend = li.amend(first.ticket_id, &first.metric, Some(first.cycle), &judgement());
    assert!(matches!(amend, Err(DeskError::NotSupervisor { .. })), "{amend:?}");
    assert!(matches!(li.recompute_active(), Err(DeskError::NotSupervisor { .. })));
    assert!(matches!(li.remove_agent("boss"), Err(DeskError::NotSupervisor { .. })));
    assert_eq!(count(&path, "SELECT count(*) FROM log"), entries);
    assert_eq!(count(&path, "SELECT count(*) FROM reviews"), reviews);
    // Agents still work tickets.
    li.transfer(second.ticket_id, None, "boss", "needs a supervisor")
        .unwrap();

    boss.judge(second.ticket_id, &second.metric, Some(second.cycle), &judgement())
        .unwrap();
    boss.amend(first.ticket_id, &first.metric, Some(first.cycle), &judgement())
        .unwrap();
    boss.recompute_active().unwrap();
    // A removed agent's tickets keep their owner.
    boss.remove_agent("boss").unwrap();
    assert_eq!(boss.view(second.ticket_id).unwrap().ticket.owner, "boss");
    assert!(matches!(boss.remove_agent("boss"), Err(DeskError::UnknownAgent { .. })));
    // No supervisor left: everyone may judge again.
    assert_eq!(boss.agents().unwrap().len(), 1);
    assert!(boss.verify().unwrap().findings.is_empty());
}

#[test]
fn the_migration_gives_existing_tickets_their_opening_entrys_author() {
    if common::file_only(
        "the_migration_gives_existing_tickets_their_opening_entrys_author",
        "an old SQLite file's migration",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let (a, b) = {
        let mut li = desk_as(&path, "li");
        let mut wang = desk_as(&path, "wang");
        (open(&mut li, "a", 1), open(&mut wang, "b", 2))
    };
    // The file as a build before migration 14 left it.
    // (Its entry kinds by name, as before migration 15, which makes them codes again.)
    let conn = Connection::open(&path).unwrap();
    let keep: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'log_is_append_only_update'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute_batch(&format!(
        "DROP INDEX tickets_owner; DROP TABLE agents; ALTER TABLE tickets DROP COLUMN owner;
         DROP TRIGGER log_is_append_only_update; DROP INDEX log_status_at;
         UPDATE log SET kind = (SELECT kind FROM log_entries e WHERE e.id = log.id);
         {keep}; CREATE INDEX log_status_at ON log(at) WHERE kind = 'status';
         PRAGMA user_version = 13;"
    ))
    .unwrap();
    drop(conn);
    let desk = desk_as(&path, "zhao");
    assert_eq!(desk.view(a).unwrap().ticket.owner, "li");
    assert_eq!(desk.view(b).unwrap().ticket.owner, "wang");
    assert!(desk.agents().unwrap().is_empty());
    assert!(desk.verify().unwrap().findings.is_empty());
}

#[test]
fn the_report_breaks_kpis_down_by_owner() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut li = desk_as(&path, "li");
    let mut wang = desk_as(&path, "wang");
    open(&mut li, "a", 30);
    open(&mut wang, "b", 40);
    let report = li.report(PeriodKind::Month, None).unwrap();
    let owners: Vec<&Facet> = report.kpis.breakdowns.owner.iter().map(|c| &c.facet).collect();
    assert!(owners.contains(&&Facet::Owner("li".into())), "{owners:?}");
    assert!(owners.contains(&&Facet::Owner("wang".into())), "{owners:?}");
    let due: usize = report.kpis.breakdowns.owner.iter().map(|c| c.compliance.due).sum();
    let by_kind: usize = report.kpis.breakdowns.kind.iter().map(|c| c.compliance.due).sum();
    assert_eq!(due, by_kind, "every clock counted once per dimension");
}

#[test]
fn the_cli_transfers_lists_by_owner_and_manages_agents_in_both_languages() {
    if common::file_only(
        "the_cli_transfers_lists_by_owner_and_manages_agents_in_both_languages",
        "names agents by the config's author; on a server who acts is the role logged in (the test after it)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    std::fs::write(dir.path().join("config.toml"), "author = \"li\"\n").unwrap();
    let run = |lang: &str, args: &[&str]| {
        let out = common::promptly(&db, lang).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(run("en", &["new", "--title", "Kettle leaks"]).0, Some(0));
    let (code, out, _) = run("en", &["show", "1"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("Owner: li"), "{out}");
    let (code, out, _) = run("en", &["list", "--mine", "--json"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("\"owner\": \"li\""), "{out}");

    let (code, _, err) = run("zh-CN", &["transfer", "1", "--to", "li", "--reason", "x"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("已经是工单 #1 的负责人"), "{err}");
    let (code, out, _) = run("zh-CN", &["transfer", "1", "--to", "wang", "--reason", "休假"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("已转派给 wang"), "{out}");
    let (_, out, _) = run("en", &["list", "--mine"]);
    assert!(!out.contains("Kettle"), "{out}");
    let (_, out, _) = run("en", &["list", "--owner", "wang"]);
    assert!(out.contains("Kettle"), "{out}");
    let (_, out, _) = run("zh-CN", &["show", "1"]);
    assert!(out.contains("负责人：wang"), "{out}");
    assert!(out.contains("转派：li → wang"), "{out}");

    assert_eq!(run("en", &["agent", "add", "boss", "--role", "主管"]).0, Some(0));
    let (_, out, _) = run("en", &["agent", "list"]);
    assert!(out.contains("boss  supervisor"), "{out}");
    let (code, _, err) = run("en", &["sla", "recompute"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("only a supervisor may do this and li is not one"), "{err}");
    let (code, _, err) = run("zh-CN", &["agent", "remove", "boss"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("只有主管可以执行此操作"), "{err}");
    let (code, _, err) = run("en", &["transfer", "1", "--to", "zhao", "--reason", "x"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("zhao is not an agent of this desk"), "{err}");
    assert_eq!(run("en", &["verify"]).0, Some(0));

    for lang in ["en", "zh-CN"] {
        for cmd in [
            &["transfer", "--help"][..],
            &["agent", "add", "--help"],
            &["list", "--help"],
        ] {
            let (code, out, _) = run(lang, cmd);
            assert_eq!(code, Some(0));
            assert!(!out.contains("help."), "untranslated key in {cmd:?} {lang}: {out}");
        }
    }
    let (_, out, _) = run("zh-CN", &["transfer", "--help"]);
    assert!(out.contains("转派原因"), "{out}");
}

/// On a server the author is the role the connection logged in as: the config's `author`
/// names nobody there, so it can neither take tickets in another's name nor lend a
/// supervisor's rights.
#[test]
fn on_a_server_who_acts_is_the_role_logged_in_not_the_configs_author() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    if common::server(&db).is_none() {
        eprintln!("SKIPPED on_a_server_who_acts_is_the_role_logged_in_not_the_configs_author: runs on the server pass");
        return;
    }
    let login = common::sql(&db, "SELECT session_user")[0][0].clone().unwrap();
    assert_ne!(login, "boss");
    std::fs::write(dir.path().join("config.toml"), "author = \"boss\"\n").unwrap();
    let run = |args: &[&str]| common::promptly(&db, "en").args(args).output().unwrap();
    assert!(run(&["new", "--title", "Kettle leaks"]).status.success());
    let shown: serde_json::Value = serde_json::from_slice(&run(&["show", "1", "--json"]).stdout).unwrap();
    assert_eq!(shown["owner"], login.as_str());
    assert_eq!(shown["log"][0]["author"], login.as_str());
    // An import is brought in by the login too.
    let csv = dir.path().join("in.csv");
    std::fs::write(&csv, "title,opened_at\nFrom the old system,2026-11-20 09:00\n").unwrap();
    let imported = run(&["--now", "2026-11-23 10:00", "import", csv.to_str().unwrap()]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let shown: serde_json::Value = serde_json::from_slice(&run(&["show", "2", "--json"]).stdout).unwrap();
    assert_eq!(shown["owner"], login.as_str(), "{shown}");
    assert_eq!(shown["log"][0]["author"], login.as_str(), "{shown}");
    // Anyone may name the first supervisor; the config's name does not make the login one.
    assert!(run(&["agent", "add", "boss", "--role", "supervisor"]).status.success());
    let refused = run(&["agent", "add", "li.na"]);
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains(&format!("{login} is not one")), "{err}");
    assert_eq!(
        common::number(&db, "SELECT count(*) FROM agents"),
        1,
        "nothing was written"
    );
}

/// On a server, `agent grant ROLE` lets the agents' group role work the desk as the
/// application: a login in it opens tickets under its own name and cannot rewrite the log;
/// a file has no roles to grant. (`PROMPTLY_TEST_PG_APP_ROLE`, default `promptly_app`: a
/// login role the test's owner may grant to, as `.ci/run` makes it.)
#[test]
fn agent_grant_lets_a_login_role_work_the_desk_and_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let run = |db: &Path, args: &[&str]| common::promptly(db, "en").args(args).output().unwrap();
    let Some(url) = common::server(&db) else {
        let refused = run(&db, &["agent", "grant", "promptly_app"]);
        assert_eq!(refused.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&refused.stderr).contains("roles and grants are PostgreSQL's"));
        assert!(!db.exists(), "refused before anything was opened or made");
        return;
    };
    let app = std::env::var("PROMPTLY_TEST_PG_APP_ROLE").unwrap_or_else(|_| "promptly_app".to_string());
    let login = common::sql(&db, "SELECT session_user")[0][0].clone().unwrap();
    // The same schema, logged in as the application role.
    let as_app = url.replacen(&format!("{login}@"), &format!("{app}@"), 1);
    assert_ne!(as_app, url);
    let agent = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_promptly"))
            .args(["--db", &as_app, "--lang", "en"])
            .args(args)
            .env_remove("PROMPTLY_DB")
            .env("PROMPTLY_CONFIG", dir.path().join("config.toml"))
            .output()
            .unwrap()
    };
    // Before the grant an agent may not use the schema at all (PostgreSQL leaves it out of
    // the search path): told it is privileges, not that there is no schema.
    let empty = common::state(&db);
    let init = agent(&["init"]);
    assert_eq!(init.status.code(), Some(1));
    let said = String::from_utf8_lossy(&init.stderr);
    assert!(said.contains("may not read") && said.contains("agent grant"), "{said}");
    assert_eq!(common::state(&db), empty, "a refused init wrote");
    // Allowed to use it but not to make tables there: told the owner makes them.
    let schema = common::sql(&db, "SELECT current_schema()")[0][0].clone().unwrap();
    common::sql(&db, &format!("GRANT USAGE ON SCHEMA \"{schema}\" TO \"{app}\""));
    let empty = common::state(&db);
    let init = agent(&["init"]);
    assert_eq!(init.status.code(), Some(1));
    let said = String::from_utf8_lossy(&init.stderr);
    assert!(
        said.contains("may not make or upgrade") && said.contains("owner"),
        "{said}"
    );
    assert_eq!(common::state(&db), empty, "a refused init wrote");
    assert!(run(&db, &["init"]).status.success());
    let list = agent(&["list"]);
    assert_eq!(list.status.code(), Some(1));
    let said = String::from_utf8_lossy(&list.stderr);
    assert!(said.contains("may not read") && said.contains("agent grant"), "{said}");
    // A role that is not there: the advice names the role asked for.
    let missing = run(&db, &["agent", "grant", "shop_desk_nobody"]);
    assert_eq!(missing.status.code(), Some(1));
    let said = String::from_utf8_lossy(&missing.stderr);
    assert!(said.contains("CREATE ROLE \"shop_desk_nobody\" NOLOGIN"), "{said}");
    let granted = run(&db, &["agent", "grant", &app]);
    assert!(granted.status.success(), "{}", String::from_utf8_lossy(&granted.stderr));
    let made = agent(&["new", "--title", "Kettle leaks"]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&agent(&["show", "1", "--json"]).stdout).unwrap();
    assert_eq!(shown["owner"], app.as_str());
    // An agent's grant is refused (only the owner's take), and nothing changed.
    let before = common::state(&db);
    let again = agent(&["agent", "grant", &app]);
    assert_eq!(again.status.code(), Some(1));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("was not granted: only the schema's owner"), "{err}");
    assert_eq!(common::state(&db), before);
    // The log, kept as written, is beyond it even by hand.
    let mut raw = promptly::store::pg::connect(&as_app).unwrap();
    let e = raw.batch_execute("UPDATE log SET body = 'rewritten'").unwrap_err();
    assert!(
        promptly::store::postgres_message(&e).contains("permission denied"),
        "{e}"
    );
    assert_eq!(common::number(&db, "SELECT count(*) FROM log"), 1);
}

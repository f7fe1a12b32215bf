//! Words at the edge: the layers below the front ends return values, the front ends word them
//! in the reader's language. Refusals under zh-CN are Chinese through and through, and the log
//! stores what the system did as typed values (old English rows still read).

pub mod common;

use chrono::{Duration, TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::domain::log::{Event, SystemAction};
use promptly::domain::policy::Policy;
use promptly::domain::ticket::{Complexity, Customer, Kind, NewTicket, Priority, Status};
use promptly::store::Access;
use std::path::Path;

const NOW: &str = "2026-11-23T10:00:00+08:00";

/// Runs the binary in `lang`; returns (exit code, stdout, stderr).
fn run(db: &Path, lang: &str, args: &[&str]) -> (i32, String, String) {
    let out = common::promptly(db, lang)
        .args(["--now", NOW])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    std::fs::write(dir.path().join("config.toml"), "author = \"tester\"\n").unwrap();
    let (code, out, err) = run(&db, "en", &["new", "--title", "Kettle stops heating", "--json"]);
    assert_eq!(code, 0, "{err}");
    let id = serde_json::from_str::<serde_json::Value>(&out).unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    (dir, db, id)
}

/// Words that must not appear in a Chinese sentence: the English status slugs and field names.
fn assert_no_english_words(text: &str) {
    for slug in [
        "open", "waiting", "resolved", "closed", "status", "text", "ticket", "cannot",
    ] {
        assert!(
            !text.to_lowercase().contains(slug),
            "'{slug}' in a Chinese refusal: {text}"
        );
    }
}

#[test]
fn refusals_under_zh_cn_are_chinese_through_and_through() {
    let (_dir, db, id) = setup();
    let (code, _, err) = run(&db, "zh-CN", &["status", &id, "closed"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("处理中") && err.contains("已关闭") && err.contains("等待客户、已解决"),
        "{err}"
    );
    assert_no_english_words(&err);

    let (code, _, err) = run(&db, "zh-CN", &["status", &id, "open"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("已经是“处理中”"), "{err}");
    assert_no_english_words(&err);

    let (code, _, err) = run(&db, "zh-CN", &["log", &id, " ", "--contact", "call"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("内容：请写明联系的内容"), "{err}");
    assert_no_english_words(&err);

    let (code, _, err) = run(&db, "zh-CN", &["show", "4242"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("工单 #4242 不存在"), "{err}");
    assert_no_english_words(&err);

    let (code, _, err) = run(&db, "zh-CN", &["callback", "record", &id, "--reached", "yes"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("回访队列"), "{err}");
    assert_no_english_words(&err);

    // The same refusal in English keeps its wording.
    let (_, _, err) = run(&db, "en", &["status", &id, "closed"]);
    assert!(
        err.contains("status: cannot move from open to closed; from open it can go to: waiting, resolved"),
        "{err}"
    );
}

fn kettle() -> NewTicket {
    NewTicket {
        title: "Kettle stops heating".into(),
        description: String::new(),
        customer: Customer::default(),
        channel: promptly::domain::ticket::Channel::Phone,
        kind: Kind::Quality,
        priority: Priority::Important,
        complexity: Complexity::Ordinary,
        reference: String::new(),
        purchased_on: None,
    }
}

#[test]
fn auto_close_is_logged_as_a_typed_event_and_read_in_each_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    std::fs::write(dir.path().join("config.toml"), "author = \"tester\"\n").unwrap();
    let opened = Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap();
    let id = {
        let store = common::store(&db, Access::Create).unwrap();
        let mut desk = Desk::new(store, Policy::builtin(), Clock::frozen(opened), "tester");
        let t = desk.open_ticket(&kettle(), None).unwrap();
        desk.change_status(t.id, None, Status::Resolved, "descaled it").unwrap();
        t.id
    };
    let later = opened + Duration::days(10);
    let store = common::store(&db, Access::ReadWrite).unwrap();
    let mut desk = Desk::new(store, Policy::builtin(), Clock::frozen(later), "tester");
    assert_eq!(desk.housekeeping().unwrap().auto_closed, vec![id]);
    let last = desk.view(id).unwrap().log.pop().unwrap();
    let days = Policy::builtin().settings.auto_close_days;
    assert_eq!(
        last.event,
        Event::System {
            why: Some(SystemAction::AutoClosed { days })
        }
    );
    assert_eq!(last.body, "", "no sentence is stored");
    drop(desk);

    let (code, out, err) = run(&db, "zh-CN", &["show", &id.to_string()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("已自动关闭"), "{out}");
    assert!(!out.contains("Closed automatically"), "{out}");
    let (_, out, _) = run(&db, "en", &["show", &id.to_string(), "--json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let body = json["log"].as_array().unwrap().last().unwrap()["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(body.starts_with("Closed automatically"), "{body}");
}

#[test]
fn old_english_auto_close_rows_still_read_in_both_languages() {
    if common::file_only(
        "old_english_auto_close_rows_still_read_in_both_languages",
        "an old build's row written by hand with SQLite's functions",
    ) {
        return;
    }
    let (_dir, db, id) = setup();
    // An entry as builds before typed system events wrote it: no `why`, an English body.
    let old = "Closed automatically: no reply from the customer in the 7 days after the resolution \
               (policy auto_close_days = 7)";
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            // (A placeholder hash: the row only has to read back; `verify` would flag it.)
            "INSERT INTO log(ticket_id, at, author, kind, data, body, hash) \
             VALUES (?1, unixepoch('2026-11-23T02:00:00Z'), 'system', 'system', '{\"event\":\"system\"}', ?2, zeroblob(32))",
            rusqlite::params![id.parse::<i64>().unwrap(), old],
        )
        .unwrap();
    }
    let (code, out, err) = run(&db, "en", &["show", &id, "--json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let last = json["log"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "system");
    assert_eq!(last["body"], old);
    let (code, out, err) = run(&db, "zh-CN", &["show", &id]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("已自动关闭") && out.contains("7 天"), "{out}");
}

//! Issue 13 from a script: `review list` filters and order, `review judge --all-matching`
//! (a dry run writes nothing; the real one judges exactly what the dry run listed) and
//! `--amend`.

pub mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

const NOW: &str = "2026-11-23T10:00:00+08:00";

struct Env {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Env {
    /// A demo desk: history with breaches judged and not.
    fn demo() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        std::fs::write(dir.path().join("config.toml"), "author = \"tester\"\n").unwrap();
        let env = Env { _dir: dir, db };
        env.ok("en", &["demo", "--tickets", "800", "--seed", "3"]);
        env
    }

    fn run(&self, lang: &str, args: &[&str]) -> Output {
        common::promptly(&self.db, lang)
            .args(["--now", NOW])
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, lang: &str, args: &[&str]) -> String {
        let out = self.run(lang, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn list(&self, args: &[&str]) -> Vec<Value> {
        let mut all = vec!["review", "list", "--json"];
        all.extend_from_slice(args);
        serde_json::from_str::<Value>(&self.ok("en", &all)).unwrap()["breaches"]
            .as_array()
            .unwrap()
            .clone()
    }
}

/// What a write would change: log entries, judgements, ticket versions.
fn written(db: &Path) -> (i64, i64, i64) {
    let one = |sql: &str| common::number(db, sql);
    (
        one("SELECT count(*) FROM log"),
        one("SELECT count(*) FROM reviews"),
        one("SELECT sum(version) FROM tickets"),
    )
}

fn key(b: &Value) -> (i64, String, i64) {
    (
        b["ticket"].as_i64().unwrap(),
        b["metric"].as_str().unwrap().to_string(),
        b["cycle"].as_i64().unwrap(),
    )
}

#[test]
fn review_list_is_newest_first_and_filters_as_asked() {
    let env = Env::demo();
    let newest = env.list(&[]);
    assert!(newest.len() > 20, "{}", newest.len());
    let due = |b: &Value| b["due_at"].as_str().unwrap().to_string();
    assert!(
        newest.windows(2).all(|w| due(&w[0]) >= due(&w[1])),
        "newest deadline first"
    );
    let mut oldest = env.list(&["--oldest"]);
    oldest.reverse();
    assert_eq!(oldest, newest);
    let urgent = env.list(&["--priority", "urgent"]);
    assert!(!urgent.is_empty() && urgent.len() < newest.len());
    assert!(urgent.iter().all(|b| b["priority"] == "urgent"));
    assert_eq!(
        urgent.len(),
        newest.iter().filter(|b| b["priority"] == "urgent").count()
    );
    // By label and in Chinese: 首次响应 is first-response.
    let first = env.list(&["--metric", "首次响应"]);
    assert!(!first.is_empty());
    assert!(first.iter().all(|b| b["metric"] == "first-response"));
    let week = env.list(&["--period", "weekly", "--date", "2026-11-16"]);
    assert!(week.iter().all(|b| {
        let d = due(b);
        d.as_str() >= "2026-11-15T16:00:00Z" && d.as_str() < "2026-11-22T16:00:00Z"
    }));
    assert!(!week.is_empty() && week.len() < newest.len());
    let closed = env.list(&["--status", "closed", "--kind", "delivery"]);
    assert!(
        closed
            .iter()
            .all(|b| b["kind"] == "delivery" && ["resolved", "closed"].contains(&b["status"].as_str().unwrap()))
    );
    // The text table shows both latenesses, and the filters' Chinese words.
    let text = env.ok("zh-CN", &["review", "list", "--metric", "首次响应", "--limit", "3"]);
    assert!(text.contains("工时（实际"), "{text}");
}

#[test]
fn a_dry_run_writes_nothing_and_the_real_run_judges_what_it_listed() {
    let env = Env::demo();
    let filter = [
        "--period",
        "monthly",
        "--date",
        "2026-11-01",
        "--metric",
        "first-response",
    ];
    let matching = env.list(&filter);
    assert!(matching.len() >= 2, "{}", matching.len());
    let judge = |extra: &[&str]| {
        let mut args = vec![
            "review",
            "judge",
            "--all-matching",
            "--class",
            "minor",
            "--reason",
            "system outage",
            "--remedy",
            "apology",
        ];
        args.extend_from_slice(&filter);
        args.extend_from_slice(extra);
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let before = written(&env.db);
    let dry = judge(&["--dry-run"]);
    let out = env.ok("en", &dry.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.contains(&format!("would judge {} breaches", matching.len())),
        "{out}"
    );
    assert_eq!(written(&env.db), before, "a dry run writes nothing");
    assert_eq!(env.list(&filter), matching);

    let real = judge(&[]);
    let out = env.ok("en", &real.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.contains(&format!("Judged {} breaches", matching.len())), "{out}");
    let after = written(&env.db);
    assert_eq!(after.1, before.1 + matching.len() as i64, "one judgement each");
    assert!(
        after.0 >= before.0 + matching.len() as i64,
        "one log entry each at least"
    );
    assert!(env.list(&filter).is_empty());
    let left: Vec<_> = env.list(&[]).iter().map(key).collect();
    assert!(matching.iter().all(|b| !left.contains(&key(b))));

    // Filters choose breaches only for --all-matching: anything else is a usage error.
    let out = env.run(
        "en",
        &[
            "review",
            "judge",
            "5",
            "first-response",
            "--priority",
            "urgent",
            "--class",
            "minor",
            "--reason",
            "x",
            "--remedy",
            "apology",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let out = env.run(
        "en",
        &[
            "review",
            "judge",
            "--dry-run",
            "5",
            "first-response",
            "--class",
            "minor",
            "--reason",
            "x",
            "--remedy",
            "apology",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(written(&env.db), after);
}

#[test]
fn amend_replaces_the_judgement_that_counts_and_keeps_both_in_the_log() {
    let env = Env::demo();
    let b = env.list(&["--limit", "1"]).remove(0);
    let (id, metric, cycle) = key(&b);
    let (id, cycle) = (id.to_string(), cycle.to_string());
    let base = ["review", "judge", &id, &metric, "--cycle", &cycle];
    let with = |extra: &[&'static str]| {
        let mut v: Vec<&str> = base.to_vec();
        v.extend_from_slice(extra);
        v
    };
    env.ok(
        "en",
        &with(&["--class", "minor", "--reason", "late", "--remedy", "apology"]),
    );
    let again = env.run(
        "en",
        &with(&["--class", "major", "--reason", "worse", "--remedy", "none"]),
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--amend"));
    let out = env.ok(
        "zh-CN",
        &with(&["--amend", "--class", "major", "--reason", "worse", "--remedy", "none"]),
    );
    assert!(out.contains("已改判"), "{out}");
    let (id, cycle): (i64, i64) = (id.parse().unwrap(), cycle.parse().unwrap());
    let class = common::sql(
        &env.db,
        &format!("SELECT class FROM reviews WHERE ticket_id = {id} AND metric = '{metric}' AND cycle = {cycle}"),
    );
    assert_eq!(class, vec![vec![Some("major".to_string())]]);
    let entries = common::number(
        &env.db,
        &format!("SELECT count(*) FROM log_entries WHERE ticket_id = {id} AND kind = 'judged'"),
    );
    assert!(entries >= 2, "{entries}");
    let verify = env.run("en", &["verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}

#[test]
fn review_list_counts_what_matches_above_the_rows_and_beside_them_in_json() {
    let env = Env::demo();
    let all = env.list(&[]);
    let json: Value = serde_json::from_str(&env.ok("en", &["review", "list", "--json", "--limit", "3"])).unwrap();
    assert_eq!(json["breaches"].as_array().unwrap().len(), 3, "--limit cuts the rows");
    let counts = &json["counts"];
    assert_eq!(counts["total"], all.len(), "the counts are of every match");
    assert_eq!(counts["capped"], false);
    for split in ["by_metric", "by_priority", "by_kind", "by_status"] {
        let sum: u64 = counts[split]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum();
        assert_eq!(sum as usize, all.len(), "{split}: {counts}");
    }
    let urgent = all.iter().filter(|b| b["priority"] == "urgent").count();
    assert_eq!(counts["by_priority"]["urgent"], urgent);
    let closed = all
        .iter()
        .filter(|b| b["status"] == "resolved" || b["status"] == "closed")
        .count();
    assert_eq!(counts["by_status"]["closed"], closed);

    // Text: the line above the rows, in both languages; a filter narrows the counts.
    let text = env.ok("en", &["review", "list", "--limit", "3", "--priority", "urgent"]);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("{urgent} awaiting judgement: ")) && first.contains(&format!("urgent {urgent}")),
        "{text}"
    );
    assert!(!first.contains("normal "), "only urgent ones counted: {first}");
    assert_eq!(text.lines().count(), 5, "counts, header, three rows:\n{text}");
    let zh = env.ok("zh-CN", &["review", "list", "--limit", "3", "--priority", "urgent"]);
    assert!(
        zh.lines().next().unwrap().starts_with(&format!("待认定 {urgent} 条：")),
        "{zh}"
    );
    // Nothing matches: the message, no counts line; JSON still has both members.
    let none = env.ok("en", &["review", "list", "--text", "no such customer anywhere"]);
    assert_eq!(none.trim(), "No unjudged breach matches these filters.");
    let empty: Value = serde_json::from_str(&env.ok(
        "en",
        &["review", "list", "--json", "--text", "no such customer anywhere"],
    ))
    .unwrap();
    assert_eq!(empty["breaches"], Value::Array(vec![]));
    assert_eq!(empty["counts"]["total"], 0);
}

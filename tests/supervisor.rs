//! The supervisor's day, end to end through the binary: a dataset built at fixed instants
//! (shop calendar Asia/Shanghai, Mon-Fri 09:00-12:00 + 13:30-18:00, Sat 09:00-12:00), with
//! every KPI and report figure computed by hand in the comments.
//!
//! Tickets are enquiries, normal, ordinary: first response 30m (shop hours), plan 24h
//! (round the clock), resolution 3 working days (shop calendar).

pub mod common;

use promptly::domain::callback::{Month, sample};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

struct Env {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        std::fs::write(dir.path().join("config.toml"), "author = \"supervisor\"\n").unwrap();
        Env { _dir: dir, db }
    }

    /// Runs at local time `now` (Asia/Shanghai) in English.
    fn run(&self, now: &str, args: &[&str]) -> Output {
        common::promptly(&self.db, "en")
            .args(["--now", now])
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert!(
            out.status.success(),
            "{now} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, now: &str, args: &[&str]) -> Value {
        let out = self.ok(now, args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}\n{out}"))
    }

    /// A command that must fail with `code` and leave the database file as it was.
    fn fails(&self, now: &str, args: &[&str], code: i32) -> String {
        let before = snapshot(&self.db);
        let out = self.run(now, args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(snapshot(&self.db), before, "{args:?} wrote to the database");
        String::from_utf8(out.stderr).unwrap()
    }

    /// A ticket opened at local `at` (the command runs then too).
    fn open(&self, at: &str, title: &str) -> String {
        let t = self.json(at, &["new", "--title", title, "--opened-at", at, "--json"]);
        t["id"].as_i64().unwrap().to_string()
    }

    fn contact(&self, at: &str, id: &str) {
        self.ok(at, &["log", id, "called the customer", "--contact", "call"]);
    }

    fn plan(&self, at: &str, id: &str) {
        self.ok(at, &["log", id, "send a replacement", "--plan"]);
    }

    fn resolve(&self, at: &str, id: &str) {
        self.ok(at, &["status", id, "resolved", "--note", "replacement delivered"]);
    }
}

fn snapshot(db: &Path) -> Vec<u8> {
    std::fs::read(db).unwrap_or_default()
}

const REPORT_NOW: &str = "2026-11-25 08:00";

/// The dataset, in time order. D = Tuesday 2026-11-24.
struct Data {
    env: Env,
    october: Vec<i64>,
    t10: String,
    t11: String,
    t9: String,
    t8: String,
    t5: String,
    t7: String,
    t1: String,
    t2: String,
    t3: String,
    t4: String,
    t6: String,
}

fn build() -> Data {
    let env = Env::new();
    // October: four tickets opened, resolved and closed with the customer's confirmation.
    let mut october = Vec::new();
    for i in 0..4 {
        let id = env.open("2026-10-12 10:00", &format!("October case {i}"));
        env.contact("2026-10-12 10:05", &id);
        env.plan("2026-10-12 10:10", &id);
        env.resolve("2026-10-13 10:00", &id);
        env.ok(
            "2026-10-14 10:00",
            &["status", &id, "closed", "--confirmed", "customer: works now"],
        );
        october.push(id.parse().unwrap());
    }
    // The first command in November draws October's callback sample (10% of 4 -> 1).
    let t10 = env.open("2026-11-16 10:00", "T10 resolved, nobody answers");
    let t11 = env.open("2026-11-16 10:00", "T11 resolved, customer writes back");
    for id in [&t10, &t11] {
        env.contact("2026-11-16 10:05", id);
        env.plan("2026-11-16 10:10", id);
    }
    env.resolve("2026-11-17 09:00", &t11);
    env.resolve("2026-11-17 14:00", &t10); // auto-close due Tue 24 14:00
    let t9 = env.open("2026-11-19 10:00", "T9 to be reopened");
    env.contact("2026-11-19 10:10", &t9);
    env.plan("2026-11-19 10:20", &t9);
    // T11's customer replies: the auto-close window restarts (due Fri 27 10:00).
    env.ok(
        "2026-11-20 10:00",
        &["log", &t11, "still checking", "--contact", "email", "--inbound"],
    );
    let t8 = env.open("2026-11-20 10:00", "T8 closed on D");
    env.contact("2026-11-20 10:05", &t8);
    env.plan("2026-11-20 10:30", &t8);
    env.resolve("2026-11-20 11:00", &t9);
    // Monday 23.
    env.resolve("2026-11-23 10:00", &t8); // resolution due Tue 24 18:00 (Sat 21, Mon 23, Tue 24)
    let t5 = env.open("2026-11-23 17:00", "T5 plan goes late \u{1b}[31m red \u{202e}");
    env.contact("2026-11-23 17:20", &t5); // first response 20m; plan due Tue 24 17:00, never logged
    // Tuesday 24 = D.
    let t7 = env.open("2026-11-24 07:30", "T7 before hours"); // 2026-11-23T23:30Z, still D locally
    let t1 = env.open("2026-11-24 09:00", "T1 quick");
    let t2 = env.open(
        "2026-11-24 09:00",
        "<script>alert(1)</script> | *late* [x](http://e.vil)",
    );
    env.contact("2026-11-24 09:10", &t1); // 10m
    env.contact("2026-11-24 09:20", &t7); // 20m of business time (opens 09:00)
    env.contact("2026-11-24 10:00", &t2); // 60m: due 09:30, breached
    env.plan("2026-11-24 10:00", &t1);
    env.ok(
        "2026-11-24 10:00",
        &["status", &t9, "open", "--note", "customer: broken again"],
    );
    env.plan("2026-11-24 10:05", &t2);
    env.resolve("2026-11-24 11:00", &t1);
    let t3 = env.open("2026-11-24 11:50", "T3 over lunch");
    env.contact("2026-11-24 13:40", &t3); // 10m before lunch + 10m after = 20m, due 13:50
    // The first write after 14:00 auto-closes T10 (logged at 14:00), then closes T8.
    env.ok(
        "2026-11-24 15:00",
        &[
            "status",
            &t8,
            "closed",
            "--confirmed",
            "customer says the new one works",
        ],
    );
    let called = env.json("2026-11-24 15:30", &["callback", "list", "--json"]);
    assert_eq!(called.as_array().unwrap().len(), 1, "{called}");
    let picked = called[0]["ticket"].as_i64().unwrap().to_string();
    env.ok(
        "2026-11-24 16:00",
        &[
            "callback",
            "record",
            &picked,
            "--reached",
            "yes",
            "--score",
            "4",
            "--comment",
            "quick help",
        ],
    );
    let t4 = env.open("2026-11-24 23:30", "T4 late at night"); // 15:30Z on D: counts for D
    let t6 = env.open("2026-11-25 00:30", "T6 just after midnight"); // 2026-11-24T16:30Z: counts for D+1
    // The supervisor judges T2's late first response the next morning.
    env.ok(
        "2026-11-25 07:50",
        &[
            "review",
            "judge",
            &t2,
            "first-response",
            "--class",
            "轻微违约",
            "--reason",
            "half an hour late, no loss",
            "--remedy",
            "compensation",
            "--amount",
            "20",
        ],
    );
    Data {
        env,
        october,
        t10,
        t11,
        t9,
        t8,
        t5,
        t7,
        t1,
        t2,
        t3,
        t4,
        t6,
    }
}

fn num(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn the_daily_weekly_and_monthly_figures_are_exact() {
    let d = build();
    let env = &d.env;

    // ---- Daily report for D (Tuesday 2026-11-24), read the next morning at 08:00.
    let r = env.json(
        REPORT_NOW,
        &["report", "daily", "--date", "2026-11-24", "--format", "json"],
    );
    assert_eq!(r["report"], "daily");
    assert_eq!(r["period"]["from"], "2026-11-24T00:00:00+08:00");
    assert_eq!(r["period"]["to"], "2026-11-25T00:00:00+08:00");
    // Opened on D: T7 (07:30, the previous day in UTC), T1, T2, T3, T4 (23:30). Not T6 (00:30 on D+1,
    // which is still D in UTC).
    assert_eq!(num(&r["opened"]), 5);
    assert_eq!(num(&r["resolved"]), 1, "T1");
    assert_eq!(num(&r["closed"]), 2, "T8 confirmed, T10 closed automatically at 14:00");
    assert_eq!(num(&r["reopened"]), 1, "T9");
    // Of the five opened, T1 is resolved: 1/5.
    assert_eq!(r["resolution_rate"]["percent"], 20.0);
    // First responses of D's tickets: T1 600 s, T7 1200 s, T3 1200 s, T2 3600 s; T4 pending.
    // Nearest rank: median = 2nd of 4 = 1200; p90 = 4th of 4 = 3600.
    assert_eq!(num(&r["first_response"]["median_secs"]), 1200);
    assert_eq!(num(&r["first_response"]["p90_secs"]), 3600);
    assert_eq!(num(&r["first_response"]["count"]), 4);
    assert_eq!(num(&r["first_response"]["pending"]), 1);
    // Deadlines on D: first response of T1, T7 (09:30), T2 (09:30, met 10:00), T3 (13:50): 3 of 4;
    // plan of T5 (17:00, never): 0 of 1; resolution of T8 (18:00, met Monday): 1 of 1.
    let c = &r["compliance"];
    assert_eq!(
        (num(&c["first-response"]["due"]), num(&c["first-response"]["met"])),
        (4, 3)
    );
    assert_eq!(c["first-response"]["percent"], 75.0);
    assert_eq!(c["first-response"]["level"], "minor");
    assert_eq!((num(&c["plan"]["due"]), num(&c["plan"]["met"])), (1, 0));
    assert_eq!(c["plan"]["percent"], 0.0);
    assert_eq!(c["plan"]["level"], "major");
    assert_eq!((num(&c["resolution"]["due"]), num(&c["resolution"]["met"])), (1, 1));
    assert_eq!(c["resolution"]["level"], "acceptable");
    assert_eq!(num(&c["acknowledge"]["due"]), 0);
    assert!(c["acknowledge"]["percent"].is_null());
    assert_eq!(r["compliance_overall"]["percent"], 66.7, "4 of 6");
    // Breaches on D: T2's first response (judged minor) and T5's plan (unjudged).
    assert_eq!(num(&r["breaches"]["total"]), 2);
    assert_eq!(num(&r["breaches"]["minor"]), 1);
    assert_eq!(num(&r["breaches"]["major"]), 0);
    assert_eq!(num(&r["breaches"]["unjudged"]), 1);
    let breached: Vec<(String, String)> = r["breached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["ticket"].to_string(), b["metric"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        breached,
        [(d.t2.clone(), "first-response".into()), (d.t5.clone(), "plan".into())]
    );
    assert_eq!(r["breached"][0]["class"], "minor");
    assert!(r["breached"][1]["class"].is_null());
    assert_eq!(r["satisfaction"]["average"], 4.0);
    assert_eq!(num(&r["satisfaction"]["count"]), 1);
    assert_eq!((num(&r["callbacks"]["planned"]), num(&r["callbacks"]["done"])), (1, 1));
    // Overdue at 08:00 on D+1: T5's plan (due D 17:00, 15 h late) and T7's plan (due 07:30, 30 min).
    let overdue = r["overdue"].as_array().unwrap();
    assert_eq!(overdue.len(), 2, "{overdue:?}");
    assert_eq!(overdue[0]["ticket"].to_string(), d.t5);
    assert_eq!(overdue[0]["due_at"], "2026-11-24T09:00:00Z");
    assert_eq!(num(&overdue[0]["late_secs"]), 15 * 3600);
    assert_eq!(overdue[1]["ticket"].to_string(), d.t7);
    assert_eq!(num(&overdue[1]["late_secs"]), 1800);
    // Awaiting judgement in D: T5's plan (T2's is judged; T7's plan is due on D+1); the
    // backlog of every period holds both plans.
    assert_eq!(num(&r["awaiting_review"]["total"]), 1);
    assert_eq!(r["awaiting_review"]["items"][0]["ticket"].to_string(), d.t5);
    assert_eq!(num(&r["awaiting_review"]["backlog"]), 2);
    // The 30-day trend ends with D: 4 of 6.
    let trend = r["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 30);
    assert_eq!(trend[29]["date"], "2026-11-24");
    assert_eq!((num(&trend[29]["due"]), num(&trend[29]["met"])), (6, 4));

    // ---- D+1 (Wednesday 25): only T6 opened (00:30 local = 16:30Z on the 24th).
    let r = env.json(
        REPORT_NOW,
        &["report", "daily", "--date", "2026-11-25", "--format", "json"],
    );
    assert_eq!(num(&r["opened"]), 1);
    assert_eq!(num(&r["first_response"]["pending"]), 1);

    // ---- The week Monday 23 - Sunday 29.
    let w = env.json(
        REPORT_NOW,
        &["report", "weekly", "--date", "2026-11-26", "--format", "json"],
    );
    assert_eq!(w["period"]["from"], "2026-11-23T00:00:00+08:00");
    assert_eq!(w["period"]["to"], "2026-11-30T00:00:00+08:00");
    assert_eq!(num(&w["opened"]), 7, "T5, T7, T1, T2, T3, T4, T6");
    assert_eq!(num(&w["resolved"]), 2, "T8 (Mon), T1");
    assert_eq!((num(&w["closed"]), num(&w["reopened"])), (2, 1));
    assert_eq!(w["resolution_rate"]["percent"], 14.3, "1 of 7");
    // T5 1200, T7 1200, T1 600, T2 3600, T3 1200 -> sorted 600, 1200, 1200, 1200, 3600.
    assert_eq!(num(&w["first_response"]["median_secs"]), 1200);
    assert_eq!(num(&w["first_response"]["p90_secs"]), 3600);
    assert_eq!(num(&w["first_response"]["pending"]), 2, "T4, T6");
    // First response decided by now: T5, T1, T2, T7, T3 (T4, T6 due 09:30 Wednesday): 4 of 5.
    let c = &w["compliance"];
    assert_eq!(
        (num(&c["first-response"]["due"]), num(&c["first-response"]["met"])),
        (5, 4)
    );
    assert_eq!(c["first-response"]["level"], "acceptable");
    // Plans: T1, T2 met early (due Wed 09:00); T5, T7 late; T3, T4, T6 still running: 2 of 4.
    assert_eq!((num(&c["plan"]["due"]), num(&c["plan"]["met"])), (4, 2));
    assert_eq!(c["plan"]["level"], "minor");
    // Resolution: T9 cycle 1 (Mon 18:00), T8 (Tue 18:00), T1 (Fri 18:00, met Tue): 3 of 3.
    assert_eq!((num(&c["resolution"]["due"]), num(&c["resolution"]["met"])), (3, 3));
    assert_eq!(w["compliance_overall"]["percent"], 75.0, "9 of 12");
    assert_eq!(
        (
            num(&w["breaches"]["total"]),
            num(&w["breaches"]["minor"]),
            num(&w["breaches"]["unjudged"])
        ),
        (3, 1, 2)
    );

    // ---- Months: October's four closed; November's eleven opened.
    let oct = env.json(
        REPORT_NOW,
        &["report", "monthly", "--date", "2026-10-01", "--format", "json"],
    );
    assert_eq!((num(&oct["opened"]), num(&oct["closed"])), (4, 4));
    let nov = env.json(REPORT_NOW, &["report", "monthly", "--format", "json"]);
    assert_eq!(nov["period"]["from"], "2026-11-01T00:00:00+08:00");
    assert_eq!(num(&nov["opened"]), 11);
}

#[test]
fn closed_loop_review_and_callbacks_through_the_cli() {
    let d = build();
    let env = &d.env;

    // Auto-close: T10 closed by the system at 14:00 on D, with a System entry saying why.
    let t10 = env.json(REPORT_NOW, &["show", &d.t10, "--json"]);
    assert_eq!(t10["status"], "closed");
    assert_eq!(t10["closed_at"], "2026-11-24T06:00:00Z");
    let log = t10["log"].as_array().unwrap();
    let tail: Vec<(&str, &str)> = log[log.len() - 2..]
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["author"].as_str().unwrap()))
        .collect();
    assert_eq!(tail, [("status", "system"), ("system", "system")]);
    assert!(
        log[log.len() - 1]["body"]
            .as_str()
            .unwrap()
            .contains("Closed automatically")
    );
    // T11's customer replied on the 20th: still resolved, and housekeeping is idempotent.
    env.ok(REPORT_NOW, &["log", &d.t1, "a note"]);
    assert_eq!(env.json(REPORT_NOW, &["show", &d.t11, "--json"])["status"], "resolved");
    assert_eq!(
        env.json(REPORT_NOW, &["show", &d.t10, "--json"])["log"]
            .as_array()
            .unwrap()
            .len(),
        log.len()
    );
    // ... until seven days after that reply (Fri 27 10:00).
    env.ok("2026-11-27 10:00", &["log", &d.t1, "another note"]);
    assert_eq!(
        env.json("2026-11-27 10:00", &["show", &d.t11, "--json"])["status"],
        "closed"
    );

    // Resolving needs a summary; closing needs the customer's confirmation.
    let err = env.fails(REPORT_NOW, &["status", &d.t2, "resolved"], 1);
    assert!(err.contains("note") && err.contains("resolution summary"), "{err}");
    let err = env.fails(REPORT_NOW, &["status", &d.t2, "resolved", "--note", "  "], 1);
    assert!(err.contains("note"), "{err}");
    env.resolve(REPORT_NOW, &d.t2);
    let err = env.fails(REPORT_NOW, &["status", &d.t2, "closed"], 1);
    assert!(err.contains("confirmed") && err.contains("customer"), "{err}");
    let err = env.fails(REPORT_NOW, &["status", &d.t2, "open", "--confirmed", "x"], 2);
    assert!(err.contains("--confirmed"), "{err}");
    env.ok(
        REPORT_NOW,
        &["status", &d.t2, "closed", "--confirmed", "customer happy"],
    );
    env.ok(
        REPORT_NOW,
        &["status", &d.t2, "open", "--note", "reopening is always possible"],
    );
    let kinds: Vec<String> = env.json(REPORT_NOW, &["show", &d.t2, "--json"])["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(kinds.ends_with(&["status".into(), "confirmed".into(), "status".into(), "status".into()]));
    assert!(kinds.contains(&"judged".to_string()), "{kinds:?}");

    // Review queue, newest deadline first: T7's plan, then T5's (went late without a write),
    // with how late.
    let queue = env.json(REPORT_NOW, &["review", "list", "--json"]);
    let q: Vec<(String, &str, i64)> = queue["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["ticket"].to_string(),
                b["metric"].as_str().unwrap(),
                num(&b["late_secs"]),
            )
        })
        .collect();
    assert_eq!(q, [(d.t7.clone(), "plan", 1800), (d.t5.clone(), "plan", 54_000)]);
    // Judging: usage errors exit 2, refusals 1, nothing written either way.
    let judge = |id: &str, extra: &[&str]| {
        let mut args = vec!["review", "judge", id, "plan", "--reason", "late plan"];
        args.extend_from_slice(extra);
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>, code| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        env.fails(REPORT_NOW, &args, code)
    };
    let err = run(judge(&d.t5, &["--class", "major", "--remedy", "compensation"]), 2);
    assert!(err.contains("amount"), "{err}");
    let err = run(judge(&d.t5, &["--class", "huge", "--remedy", "none"]), 2);
    assert!(err.contains("minor, major"), "{err}");
    let err = run(judge(&d.t1, &["--class", "minor", "--remedy", "none"]), 1);
    assert!(err.contains("no unjudged plan breach"), "{err}");
    let err = run(
        judge(&d.t5, &["--class", "minor", "--remedy", "none", "--cycle", "2"]),
        1,
    );
    assert!(err.contains("cycle"), "{err}");
    let err = env.fails(
        REPORT_NOW,
        &[
            "review",
            "judge",
            &d.t2,
            "first-response",
            "--class",
            "major",
            "--reason",
            "x",
            "--remedy",
            "none",
        ],
        1,
    );
    assert!(err.contains("no unjudged first-response breach"), "{err}");
    env.ok(
        REPORT_NOW,
        &[
            "review",
            "judge",
            &d.t5,
            "plan",
            "--class",
            "重大违约",
            "--reason",
            "no plan for a day",
            "--remedy",
            "退款",
            "--amount",
            "99.5",
            "--note",
            "refunded the shipping",
        ],
    );
    let queue = env.json(REPORT_NOW, &["review", "list", "--json"]);
    assert_eq!(queue["breaches"].as_array().unwrap().len(), 1);
    assert_eq!(queue["counts"]["total"], 1);
    let r = env.json(
        REPORT_NOW,
        &["report", "daily", "--date", "2026-11-24", "--format", "json"],
    );
    assert_eq!(
        (
            num(&r["breaches"]["minor"]),
            num(&r["breaches"]["major"]),
            num(&r["breaches"]["unjudged"])
        ),
        (1, 1, 0)
    );
    let today = env.json(REPORT_NOW, &["report", "daily", "--format", "json"]);
    let judged = today["judged"].as_array().unwrap();
    assert_eq!(judged.len(), 2, "both judgements were made on the 25th");
    assert_eq!(judged[1]["amount"], "99.50");
    assert_eq!(judged[1]["remedy"], "refund");

    // Callbacks: October's sample is reproducible from the month and the closed tickets.
    let expected = sample("2026-10".parse::<Month>().unwrap(), &d.october, 0.1);
    let list = env.json(REPORT_NOW, &["callback", "list", "--month", "2026-10", "--json"]);
    let ids: Vec<i64> = list.as_array().unwrap().iter().map(|c| num(&c["ticket"])).collect();
    assert_eq!(ids, expected);
    assert_eq!(list[0]["score"], 4);
    assert_eq!(list[0]["reached"], true);
    let again = env.json(REPORT_NOW, &["callback", "sample", "--month", "2026-10", "--json"]);
    assert_eq!(again["already"], true);
    assert_eq!(again["picked"], serde_json::json!(expected));
    let picked = expected[0].to_string();
    let err = env.fails(REPORT_NOW, &["callback", "record", &picked, "--reached", "yes"], 1);
    assert!(err.contains("already recorded"), "{err}");
    let err = env.fails(
        REPORT_NOW,
        &["callback", "record", &picked, "--reached", "no", "--score", "3"],
        2,
    );
    assert!(err.contains("score"), "{err}");
    let err = env.fails(
        REPORT_NOW,
        &["callback", "record", &picked, "--reached", "yes", "--score", "6"],
        2,
    );
    assert!(err.contains("6"), "{err}");
    let err = env.fails(REPORT_NOW, &["callback", "record", &d.t1, "--reached", "yes"], 1);
    assert!(err.contains("not in the callback queue"), "{err}");
    let err = env.fails(REPORT_NOW, &["callback", "sample", "--month", "2026-11"], 1);
    assert!(err.contains("not ended"), "{err}");
    let shown = env.json(REPORT_NOW, &["show", &picked, "--json"]);
    let last = shown["log"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["body"].as_str()),
        (Some("callback"), Some("quick help"))
    );
    // November's sample is drawn by the first housekeeping in December (cron's `promptly
    // housekeep`, the board, or a change), never by a read: T8, T10, T11 closed (T2 was reopened) -> 1.
    let before = env.json("2026-12-01 09:00", &["callback", "list", "--json"]);
    assert_eq!(before.as_array().unwrap().len(), 0, "a read drew the sample: {before}");
    let done = env.ok("2026-12-01 09:00", &["housekeep"]);
    assert!(done.contains("Callback sample of 2026-11"), "{done}");
    let dec = env.json("2026-12-01 09:00", &["callback", "list", "--json"]);
    assert_eq!(dec.as_array().unwrap().len(), 1, "{dec}");
    let _ = (&d.t3, &d.t4, &d.t6, &d.t8, &d.t9);
}

#[test]
fn reports_render_in_every_format_and_language_with_untrusted_text_made_safe() {
    let d = build();
    let env = &d.env;
    let args = ["report", "daily", "--date", "2026-11-24", "--format"];
    let text = env.ok(REPORT_NOW, &[&args[..], &["text"]].concat());
    assert!(
        text.starts_with("Daily service report 2026-11-24 (Asia/Shanghai)"),
        "{text}"
    );
    assert!(text.contains("Tickets opened") && text.contains("75.0%"), "{text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'), "{text:?}");
    assert!(text.contains("␛[31m red [U+202E]"), "{text}");
    let md = env.ok(REPORT_NOW, &[&args[..], &["md"]].concat());
    assert!(
        md.contains("\\<script\\>") && md.contains("\\| \\*late\\* \\[x\\]"),
        "{md}"
    );
    assert!(!md.contains("<script>"), "{md}");
    let html = env.ok(REPORT_NOW, &[&args[..], &["html"]].concat());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "escaped title");
    assert!(
        !html.contains("<script") && !html.contains("http://e.vil\""),
        "no script, no link"
    );
    assert!(!html.contains("src=") && !html.contains("href="), "self-contained");
    assert_eq!(
        html.matches("<svg").count(),
        3,
        "compliance bars, the 30-day trend and the breaches per day"
    );
    assert!(html.contains(r#"class="bar minor""#));
    let zh = common::promptly(&env.db, "zh-CN")
        .args(["--now", REPORT_NOW, "report", "daily", "--date", "2026-11-24"])
        .output()
        .unwrap();
    let zh = String::from_utf8(zh.stdout).unwrap();
    assert!(zh.starts_with("服务日报 2026-11-24"), "{zh}");
    assert!(zh.contains("轻微违约") && zh.contains("问题解决率"), "{zh}");
    let out = env.db.with_file_name("report.html");
    env.ok(
        REPORT_NOW,
        &[
            "report",
            "weekly",
            "--format",
            "html",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read_to_string(&out).unwrap().contains("Weekly service report"));
}

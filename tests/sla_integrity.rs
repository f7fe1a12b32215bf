//! The SLA contract's nasty cases (README "SLA clocks", issue 10), one test per finding,
//! through the binary: deadline instants, breaches that must stay, withdrawn clocks, clocks
//! that start only while the ticket is open, the promise made at opening, auto-close timing.
//! All times are the shop's (+08:00); 2026-03-02 is a Monday, the shop opens 09:00-12:00 and
//! 13:30-18:00.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Output;

pub mod common;

/// One database in a temporary folder, with an empty config and optionally a policy file.
struct Desk {
    dir: tempfile::TempDir,
    policy: Option<PathBuf>,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), "").unwrap();
        Desk { dir, policy: None }
    }

    /// A desk whose commands all read the policy file `text` (rewritten by `set_policy`).
    fn with_policy(text: &str) -> Desk {
        let mut desk = Desk::new();
        let path = desk.dir.path().join("policy.toml");
        std::fs::write(&path, text).unwrap();
        desk.policy = Some(path);
        desk
    }

    fn set_policy(&self, text: &str) {
        std::fs::write(self.policy.as_ref().unwrap(), text).unwrap();
    }

    fn run(&self, now: &str, args: &[&str]) -> Output {
        let mut command = common::promptly(&self.dir.path().join("desk.db"), "en");
        command.args(["--now", now]);
        if let Some(p) = &self.policy {
            command.arg("--policy").arg(p);
        }
        command.args(args).output().unwrap()
    }

    /// Runs a command that must succeed; returns its stdout.
    fn ok(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert!(
            out.status.success(),
            "{args:?} at {now}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, now: &str, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(now, args)).unwrap()
    }

    fn show(&self, now: &str, id: &str) -> Value {
        self.json(now, &["show", id, "--json"])
    }
}

/// A shop-local `YYYY-MM-DD HH:MM[:SS]` as an instant.
fn local(text: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
        .unwrap();
    let shop = FixedOffset::east_opt(8 * 3600).unwrap();
    shop.from_local_datetime(&naive).unwrap().with_timezone(&Utc)
}

/// An instant field of the JSON output (`null` -> `None`).
fn instant(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str()
        .map(|s| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc))
}

/// The clock of `metric`, cycle `cycle`, of a shown ticket.
fn clock<'a>(ticket: &'a Value, metric: &str, cycle: u64) -> Option<&'a Value> {
    ticket["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == metric && c["cycle"] == cycle)
}

fn cycles_of(ticket: &Value, metric: &str) -> usize {
    ticket["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["metric"] == metric)
        .count()
}

fn target(text: &Value) -> promptly::domain::target::Target {
    text.as_str().unwrap().parse().unwrap()
}

/// (1) A resolved ticket nobody answered closes exactly `auto_close_days` after the
/// resolution, however late the next command runs.
#[test]
fn auto_close_is_dated_when_it_fell_due_not_when_the_next_command_ran() {
    let desk = Desk::new();
    desk.ok("2026-03-02 09:00", &["new", "--title", "kettle"]);
    desk.ok("2026-03-02 10:00", &["status", "1", "resolved", "--note", "done"]);
    desk.ok("2026-03-20 10:00", &["log", "1", "x"]);
    let t = desk.show("2026-03-20 10:00", "1");
    let due = local("2026-03-09 10:00");
    assert_eq!(t["status"], "closed", "{t:#}");
    assert_eq!(instant(&t["closed_at"]), Some(due), "{t:#}");
    let system: Vec<&Value> = t["log"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["author"] == "system")
        .collect();
    assert!(!system.is_empty(), "no system entry: {t:#}");
    for e in system {
        assert_eq!(instant(&e["at"]), Some(due), "{e:#}");
    }
}

/// (4) A breach is permanent: re-targeting a breached cycle by a complexity edit (either way)
/// leaves it breached with its old target and its old deadline.
#[test]
fn a_breached_clock_stays_breached_with_its_old_target_after_a_re_target() {
    let desk = Desk::new();
    // #1 ordinary: first response 30m, due 09:30; complex would give it 2h (due 11:00).
    desk.ok("2026-03-02 09:00", &["new", "--title", "ordinary"]);
    // #2 complex: 2h, due 11:00; ordinary would give it 30m.
    desk.ok(
        "2026-03-02 09:00",
        &["new", "--title", "complex", "--complexity", "complex"],
    );
    // Each read breached before its edit: #1 at 10:00 (due 09:30), #2 at 11:30 (due 11:00).
    for (now, id) in [("2026-03-02 10:00", "1"), ("2026-03-02 11:30", "2")] {
        let before = desk.show(now, id);
        assert_eq!(clock(&before, "first-response", 1).unwrap()["breached"], true, "#{id}");
    }
    desk.ok("2026-03-02 10:00", &["edit", "1", "--complexity", "complex"]);
    desk.ok("2026-03-02 11:30", &["edit", "2", "--complexity", "ordinary"]);
    let after = [
        ("2026-03-02 10:00", "1"),
        ("2026-03-02 11:30", "1"),
        ("2026-03-02 11:30", "2"),
        ("2026-03-02 16:00", "1"),
        ("2026-03-02 16:00", "2"),
    ];
    for (now, id) in after {
        let (old, due) = if id == "1" {
            ("30m", "2026-03-02 09:30")
        } else {
            ("2h", "2026-03-02 11:00")
        };
        let t = desk.show(now, id);
        let c = clock(&t, "first-response", 1).unwrap();
        assert_eq!(c["breached"], true, "#{id} at {now}: {c:#}");
        assert_eq!(target(&c["target"]), old.parse().unwrap(), "#{id} at {now}: {c:#}");
        assert_eq!(instant(&c["breached_at"]), Some(local(due)), "#{id} at {now}: {c:#}");
    }
}

/// (6) A kind change away from complaint withdraws `acknowledge`: neither met nor breached,
/// no deadline, and left out of compliance.
#[test]
fn a_kind_change_away_from_complaint_withdraws_acknowledge() {
    let desk = Desk::new();
    desk.ok("2026-03-02 09:00", &["new", "--title", "angry", "--kind", "complaint"]);
    // acknowledge: 24h round the clock, due 2026-03-03 09:00.
    desk.ok("2026-03-02 10:00", &["edit", "1", "--kind", "quality"]);
    let t = desk.show("2026-03-04 10:00", "1");
    let c = clock(&t, "acknowledge", 1).unwrap();
    assert_eq!(c["state"], "withdrawn", "{c:#}");
    assert_eq!(c["breached"], false, "{c:#}");
    assert_eq!(c["due_at"], Value::Null, "{c:#}");
    assert_eq!(cycles_of(&t, "acknowledge"), 1, "{t:#}");

    // The day the promise would have fallen due: nothing was due for acknowledge.
    let report = desk.json(
        "2026-03-04 10:00",
        &["report", "daily", "--date", "2026-03-03", "--format", "json"],
    );
    assert_eq!(report["compliance"]["acknowledge"]["due"], 0, "{report:#}");
}

/// (7a) An event at exactly the deadline is in time: a pause (waiting on the customer) and an
/// outbound contact.
#[test]
fn a_pause_or_a_contact_at_the_exact_deadline_is_in_time() {
    let desk = Desk::new();
    desk.ok("2026-03-02 09:00", &["new", "--title", "waits"]);
    desk.ok("2026-03-02 09:00", &["new", "--title", "called"]);
    // first-response 30m: due 09:30 for both.
    desk.ok("2026-03-02 09:30", &["status", "1", "waiting", "--note", "photos?"]);
    desk.ok("2026-03-02 09:30", &["log", "2", "called back", "--contact", "call"]);
    for now in ["2026-03-02 09:30", "2026-03-02 10:00", "2026-03-03 10:00"] {
        let waiting = desk.show(now, "1");
        let c = clock(&waiting, "first-response", 1).unwrap();
        assert_eq!(c["breached"], false, "#1 at {now}: {c:#}");
        assert_eq!(c["state"], "paused", "#1 at {now}: {c:#}");
        let called = desk.show(now, "2");
        let c = clock(&called, "first-response", 1).unwrap();
        assert_eq!(c["state"], "met", "#2 at {now}: {c:#}");
        assert_eq!(c["breached"], false, "#2 at {now}: {c:#}");
        assert_eq!(instant(&c["met_at"]), Some(local("2026-03-02 09:30")), "{c:#}");
    }
}

/// The built-in policy with one more metric that starts at the first contact (either way).
fn policy_with_first_contact_metric() -> String {
    format!(
        "{}\n[metrics.reply]\nlabel = {{ en = \"Reply\", zh = \"回复\" }}\nstart = \"first-contact\"\n\
         stop = \"first-outbound-contact\"\ncalendar = \"shop\"\ntarget = \"2h\"\n",
        include_str!("../assets/policy.toml")
    )
}

/// (7b) Clocks run only while the ticket is open or waiting: the customer's first contact on a
/// resolved ticket starts its clock at the reopen.
#[test]
fn a_first_contact_while_resolved_starts_its_clock_only_at_reopen() {
    let desk = Desk::with_policy(&policy_with_first_contact_metric());
    desk.ok("2026-03-02 09:00", &["new", "--title", "kettle"]);
    desk.ok("2026-03-02 10:00", &["status", "1", "resolved", "--note", "done"]);
    desk.ok(
        "2026-03-02 11:00",
        &["log", "1", "still broken", "--contact", "call", "--inbound"],
    );
    let resolved = desk.show("2026-03-02 11:00", "1");
    assert_eq!(cycles_of(&resolved, "reply"), 0, "{resolved:#}");
    desk.ok("2026-03-02 14:00", &["status", "1", "open"]);
    let t = desk.show("2026-03-02 14:00", "1");
    assert_eq!(cycles_of(&t, "reply"), 1, "{t:#}");
    let c = clock(&t, "reply", 1).unwrap();
    assert_eq!(instant(&c["started_at"]), Some(local("2026-03-02 14:00")), "{c:#}");
    assert_eq!(c["breached"], false, "{c:#}");
}

/// (7c) A clock that starts to apply while the ticket is resolved (complexity set to complex:
/// daily progress) starts at the reopen.
#[test]
fn a_clock_that_applies_from_an_edit_while_resolved_starts_at_reopen() {
    let desk = Desk::new();
    desk.ok("2026-03-02 09:00", &["new", "--title", "kettle"]);
    desk.ok("2026-03-02 10:00", &["status", "1", "resolved", "--note", "done"]);
    desk.ok("2026-03-02 11:00", &["edit", "1", "--complexity", "complex"]);
    let resolved = desk.show("2026-03-02 11:00", "1");
    assert_eq!(cycles_of(&resolved, "progress"), 0, "{resolved:#}");
    desk.ok("2026-03-02 14:00", &["status", "1", "open"]);
    let t = desk.show("2026-03-02 14:00", "1");
    let c = clock(&t, "progress", 1).unwrap_or_else(|| panic!("no progress clock: {t:#}"));
    assert_eq!(instant(&c["started_at"]), Some(local("2026-03-02 14:00")), "{c:#}");
    assert_eq!(c["state"], "running", "{c:#}");
}

/// (3) The opened entry carries the promise: every metric that applies, with its target and
/// calendar.
#[test]
fn the_opened_entry_lists_the_promise_of_every_applicable_metric() {
    let desk = Desk::new();
    desk.ok(
        "2026-03-02 09:00",
        &[
            "new",
            "--title",
            "angry",
            "--kind",
            "complaint",
            "--complexity",
            "complex",
        ],
    );
    let t = desk.show("2026-03-02 09:00", "1");
    let opened = t["log"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "opened")
        .unwrap();
    let promise = opened["promise"]
        .as_object()
        .unwrap_or_else(|| panic!("no promise: {opened:#}"));
    let expected = [
        ("first-response", "2h", "shop"),
        ("acknowledge", "24h", "7x24"),
        ("plan", "48h", "7x24"),
        ("resolution", "15d", "shop"),
        ("progress", "1d", "shop"),
    ];
    assert_eq!(promise.len(), expected.len(), "{promise:#?}");
    for (metric, tgt, calendar) in expected {
        let p = &promise[metric];
        assert_eq!(target(&p["target"]), tgt.parse().unwrap(), "{metric}: {p:#}");
        assert_eq!(p["calendar"], calendar, "{metric}: {p:#}");
        let c = clock(&t, metric, 1).unwrap();
        assert_eq!(target(&c["target"]), tgt.parse().unwrap(), "{metric}: {c:#}");
    }
}

/// The built-in policy with first-response targets per priority.
fn policy_with_first_response(urgent: &str, normal: &str) -> String {
    include_str!("../assets/policy.toml").replacen(
        "target = \"30m\"           # 一般性问题响应时间不超过30分钟",
        &format!("target = {{ urgent = \"{urgent}\", important = \"{normal}\", normal = \"{normal}\" }}"),
        1,
    )
}

/// (5) A promise made is kept: after the policy file changes, a priority edit re-targets from
/// the table promised at opening, not from the new file.
#[test]
fn a_priority_edit_after_a_policy_edit_re_targets_from_the_promise() {
    let opening = policy_with_first_response("15m", "1h");
    assert_ne!(opening, include_str!("../assets/policy.toml"), "the policy text moved");
    let desk = Desk::with_policy(&opening);
    desk.ok("2026-03-02 09:00", &["new", "--title", "kettle"]);
    let t = desk.show("2026-03-02 09:00", "1");
    assert_eq!(
        target(&clock(&t, "first-response", 1).unwrap()["target"]),
        "1h".parse().unwrap()
    );

    desk.set_policy(&policy_with_first_response("45m", "2h"));
    desk.ok("2026-03-02 09:05", &["edit", "1", "--priority", "urgent"]);
    let t = desk.show("2026-03-02 09:05", "1");
    let c = clock(&t, "first-response", 1).unwrap();
    assert_eq!(target(&c["target"]), "15m".parse().unwrap(), "{c:#}");
    assert_eq!(instant(&c["due_at"]), Some(local("2026-03-02 09:15")), "{c:#}");
}

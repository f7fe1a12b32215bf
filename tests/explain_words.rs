//! `sla explain` (and the extension refusals) read entirely in Chinese under zh-CN: every step,
//! state, ending and refusal is worded from the catalogue. Only the names below may stay in
//! Latin letters.

pub mod common;

use chrono::{TimeZone, Utc};
use promptly::domain::calendar::OpenRange;
use promptly::domain::policy::Policy;
use promptly::domain::sla::{ClockState, Ending, ExtensionError, Outcome, Retarget, Step};
use promptly::domain::target::Target;
use promptly::domain::ticket::{Kind, Status};
use promptly::words::explain;
use std::path::Path;

/// What may stay in Latin letters in Chinese text: the policy's metric and calendar names (the
/// user's own identifiers), IANA timezone names, `UTC`, a policy key and a command the reader
/// types. Besides these, target texts as typed (`1d`, `1h30m`) and RFC3339 instants.
const ALLOWED: &[&str] = &[
    "first-response",
    "acknowledge",
    "plan",
    "resolution",
    "progress",
    "shop",
    "7x24",
    "Asia/Shanghai",
    "Europe/Berlin",
    "UTC",
    "max_extension",
];
const ALLOWED_PHRASES: &[&str] = &["promptly review"];

fn is_target_text(w: &str) -> bool {
    let mut digits = false;
    for c in w.chars() {
        match c {
            '0'..='9' => digits = true,
            'd' | 'h' | 'm' | 's' if digits => digits = false,
            _ => return false,
        }
    }
    !w.is_empty() && !digits
}

fn is_rfc3339(w: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(w).is_ok()
}

/// The runs of Latin letters in `line` that are not allowed, with the line.
fn english_in(line: &str) -> Vec<String> {
    let mut text = line.to_string();
    for phrase in ALLOWED_PHRASES {
        text = text.replace(phrase, " ");
    }
    text.split(|c: char| !(c.is_ascii_alphanumeric() || "-_/:.+".contains(c)))
        .map(|w| w.trim_matches(['.', ':', '-', '/', '+']))
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .filter(|w| !ALLOWED.contains(w) && !is_target_text(w) && !is_rfc3339(w))
        .map(|w| format!("{w:?} in {line:?}"))
        .collect()
}

/// Chinese text keeps to full-width punctuation: no ASCII comma, semicolon or parentheses.
fn half_width_in(line: &str) -> Vec<String> {
    line.chars()
        .filter(|c| ",;()".contains(*c))
        .map(|c| format!("{c:?} in {line:?}"))
        .collect()
}

fn assert_chinese(lines: &[String]) {
    let bad: Vec<String> = lines
        .iter()
        .flat_map(|l| english_in(l).into_iter().chain(half_width_in(l)))
        .collect();
    assert!(bad.is_empty(), "not Chinese:\n{}", bad.join("\n"));
}

#[test]
fn the_allow_list_catches_english() {
    assert!(english_in("  截止 2026-11-24 周二 11:00:00 +08:00；已于 2026-11-23 达成（外呼联系）").is_empty());
    assert!(english_in("resolution 第1周期：日历 shop（Asia/Shanghai），如 1d；2026-10-09T10:00:00Z").is_empty());
    assert_eq!(english_in("已于 某时 达成（ended by resolving）").len(), 3);
    assert_eq!(english_in("first-response 周期 breached").len(), 1);
    assert_eq!(half_width_in("09:00-12:00, 13:30-18:00").len(), 1);
}

/// Every variant the words know, listed through exhaustive matches: a new variant does not
/// compile here until it is added (and worded in both catalogues).
fn every_ending() -> Vec<Ending> {
    let all = [
        Ending::OutboundContact,
        Ending::Plan,
        Ending::Resolved,
        Ending::Closed,
        Ending::EndedByResolving,
        Ending::EndedByClosing,
        Ending::Withdrawn,
    ];
    for e in all {
        match e {
            Ending::OutboundContact
            | Ending::Plan
            | Ending::Resolved
            | Ending::Closed
            | Ending::EndedByResolving
            | Ending::EndedByClosing
            | Ending::Withdrawn => {}
        }
    }
    all.to_vec()
}

fn every_step() -> Vec<Step> {
    let sh: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap();
    let at = sh.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    let later = sh.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap();
    let date = at.date_naive();
    let retarget = |field: &str, value: &str| Step::Retargeted {
        at,
        retarget: Retarget {
            at: at.with_timezone(&Utc),
            from: "30m".into(),
            to: "2h".into(),
            field: field.into(),
            value: value.into(),
            applied: field != "kind",
        },
    };
    let mut steps = vec![
        Step::Header {
            metric: "first-response".into(),
            cycle: 2,
            target: "1h30m".into(),
            calendar: "shop".into(),
            started: at,
        },
        Step::WorkingDays { n: 3, start_day: date },
        retarget("priority", "urgent"),
        retarget("kind", "wrong-item"),
        retarget("complexity", "complex"),
        Step::Extended {
            at,
            by: Target::WorkingDays(1),
        },
        Step::Extended {
            at,
            by: Target::Business(5400),
        },
        Step::Open {
            start: at,
            end: later,
            secs: 3600,
        },
        Step::MoreSpans { n: 12, at_least: false },
        Step::MoreSpans {
            n: 10_000,
            at_least: true,
        },
        Step::Holiday { date },
        Step::Override { date, ranges: vec![] },
        Step::Override {
            date,
            ranges: OpenRange::parse_list(&["09:00-12:00", "13:30-18:00"]).unwrap(),
        },
        Step::Dst {
            at: Utc.with_ymd_and_hms(2027, 3, 28, 1, 0, 0).unwrap(),
            before: 3600,
            after: 7200,
        },
    ];
    for status in Status::ALL {
        for to in [None, Some(later)] {
            steps.push(Step::Paused {
                status: *status,
                from: at,
                to,
                business_secs: 1800,
            });
        }
    }
    let mut outcomes: Vec<Outcome> = every_ending()
        .into_iter()
        .map(|how| Outcome::Met {
            at: later,
            how: Some(how),
        })
        .collect();
    outcomes.push(Outcome::Met { at: later, how: None });
    outcomes.push(Outcome::NotMet { at: later });
    outcomes.push(Outcome::Withdrawn { at: later });
    for o in &outcomes {
        // A new outcome does not compile here until it is pushed above.
        match o {
            Outcome::Met { .. } | Outcome::NotMet { .. } | Outcome::Withdrawn { .. } => {}
        }
    }
    for outcome in outcomes {
        for state in ClockState::ALL {
            for (due, breached) in [(Some(later), false), (Some(later), true), (None, false)] {
                steps.push(Step::Due {
                    due,
                    outcome: outcome.clone(),
                    state,
                    breached,
                    elapsed_secs: 5400,
                    remaining_secs: -60,
                    paused_secs: 0,
                });
            }
        }
    }
    steps
}

#[test]
fn every_step_state_and_ending_is_worded_in_chinese() {
    let policy = Policy::builtin();
    let lines = explain::lines(&every_step(), &policy, "zh-CN");
    assert_chinese(&lines);
    // The English words differ from the Chinese ones (no key fell back to English).
    let en = explain::lines(&every_step(), &policy, "en");
    for (zh, en) in lines.iter().zip(&en) {
        assert_ne!(zh, en);
    }
    // A breached clock says so once, in either language.
    let breached = Step::Due {
        due: None,
        outcome: Outcome::NotMet {
            at: chrono_tz::Asia::Shanghai
                .with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
                .unwrap(),
        },
        state: ClockState::Breached,
        breached: true,
        elapsed_secs: 1,
        remaining_secs: -1,
        paused_secs: 0,
    };
    assert_eq!(explain::step(&breached, &policy, "zh-CN").matches("已超时").count(), 1);
    assert_eq!(explain::step(&breached, &policy, "en").matches("breached").count(), 1);
}

#[test]
fn every_extension_refusal_is_worded_in_chinese() {
    let metric = || "resolution".to_string();
    let due = Utc.with_ymd_and_hms(2026, 10, 9, 10, 0, 0).unwrap();
    let refusals = [
        ExtensionError::UnknownMetric("foo".into()),
        ExtensionError::NotExtendable(metric()),
        ExtensionError::NotExtendableForKind {
            metric: metric(),
            kind: Kind::Return,
            kinds: vec![Kind::Quality, Kind::Repair],
        },
        ExtensionError::NotRunning(metric()),
        ExtensionError::AlreadyMet(metric()),
        ExtensionError::AlreadyBreached { metric: metric(), due },
        ExtensionError::WrongUnit {
            metric: metric(),
            max: Target::WorkingDays(3),
        },
        ExtensionError::WrongUnit {
            metric: metric(),
            max: Target::Business(7200),
        },
        ExtensionError::BeyondMaximum {
            metric: metric(),
            max: Target::WorkingDays(3),
            granted: None,
            asked: Target::WorkingDays(5),
        },
        ExtensionError::BeyondMaximum {
            metric: metric(),
            max: Target::WorkingDays(3),
            granted: Some(Target::WorkingDays(2)),
            asked: Target::WorkingDays(2),
        },
    ];
    for r in &refusals {
        // A match, so a new refusal does not compile here until it is listed above.
        match r {
            ExtensionError::UnknownMetric(_)
            | ExtensionError::NotExtendable(_)
            | ExtensionError::NotExtendableForKind { .. }
            | ExtensionError::NotRunning(_)
            | ExtensionError::AlreadyMet(_)
            | ExtensionError::AlreadyBreached { .. }
            | ExtensionError::WrongUnit { .. }
            | ExtensionError::BeyondMaximum { .. } => {}
        }
    }
    // "foo" is what the user typed; it is quoted back as it was.
    let lines: Vec<String> = refusals
        .iter()
        .map(|r| explain::extension_error(r, "zh-CN").replace("“foo”", "“”"))
        .collect();
    assert_chinese(&lines);
}

/// `sla explain` of every ticket in `db` under zh-CN, run as a user runs it, at `now`.
fn explain_all(db: &Path, now: &str, extra: &[&str]) -> Vec<String> {
    let list = common::promptly(db, "en")
        .args(["--now", now, "list", "--all", "--json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(list.status.success(), "{}", String::from_utf8_lossy(&list.stderr));
    let tickets: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let mut lines = Vec::new();
    for t in tickets.as_array().unwrap() {
        let id = t["id"].to_string();
        let out = common::promptly(db, "zh-CN")
            .args(["--now", now, "sla", "explain", &id])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "explain {id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        lines.extend(String::from_utf8(out.stdout).unwrap().lines().map(str::to_string));
    }
    lines
}

fn run(db: &Path, now: &str, args: &[&str]) {
    let out = common::promptly(db, "en")
        .args(["--now", now])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sla_explain_of_demo_and_eventful_tickets_reads_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let db = dir.path().join("desk.db");
    let now = "2026-11-26T12:00:00+08:00";
    run(&db, now, &["demo", "--tickets", "60", "--seed", "3"]);
    // A complex complaint that waits, is re-targeted (acknowledge withdrawn by the kind change),
    // extended, answered, planned, resolved and reopened; and one untouched since before the
    // National Day holidays (holidays, a make-up day, many spans, breaches).
    let id = "61";
    let steps: &[(&str, &[&str])] = &[
        (
            "2026-11-20T10:00:00+08:00",
            &["new", "--title", "a", "--kind", "投诉", "--complexity", "一般"],
        ),
        ("2026-11-20T10:10:00+08:00", &["edit", id, "--complexity", "复杂"]),
        ("2026-11-20T11:00:00+08:00", &["status", id, "等待客户"]),
        ("2026-11-23T10:00:00+08:00", &["status", id, "处理中"]),
        (
            "2026-11-23T10:30:00+08:00",
            &["edit", id, "--kind", "维修", "--priority", "紧急"],
        ),
        (
            "2026-11-23T10:40:00+08:00",
            &["sla", "extend", id, "resolution", "--by", "1d", "--reason", "parts"],
        ),
        ("2026-11-23T11:00:00+08:00", &["log", id, "called", "--contact", "电话"]),
        ("2026-11-23T12:00:00+08:00", &["log", id, "plan", "--plan"]),
        ("2026-11-24T12:00:00+08:00", &["status", id, "已解决", "--note", "done"]),
        ("2026-11-25T12:00:00+08:00", &["status", id, "重新打开"]),
        (
            "2026-11-25T13:00:00+08:00",
            &["new", "--title", "b", "--opened-at", "2026-09-29 10:00"],
        ),
    ];
    for (at, args) in steps {
        run(&db, at, args);
    }
    let lines = explain_all(&db, now, &[]);
    let all = lines.join("\n");
    for seen in [
        "重新设定目标",
        "延期",
        "暂停（等待客户）",
        "已撤销",
        "节假日",
        "特殊安排",
        "另有",
        "已超时",
        "第2周期",
    ] {
        assert!(all.contains(seen), "no {seen} in the explanations:\n{all}");
    }
    assert_chinese(&lines);

    // A zone with daylight saving time (the shop moved to Berlin).
    let berlin = dir.path().join("berlin.toml");
    let policy = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/policy.toml")).unwrap();
    std::fs::write(&berlin, policy.replacen("Asia/Shanghai", "Europe/Berlin", 1)).unwrap();
    let p = ["--policy", berlin.to_str().unwrap()];
    let db = dir.path().join("berlin.db");
    run(
        &db,
        "2027-03-25T10:00:00+01:00",
        &[p[0], p[1], "new", "--title", "c", "--kind", "repair"],
    );
    let lines = explain_all(&db, "2027-03-31T10:00:00+02:00", &p);
    assert!(lines.iter().any(|l| l.contains("夏令时")), "{lines:?}");
    assert_chinese(&lines);
}

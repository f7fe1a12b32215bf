//! Chinese terms everywhere a value is typed, through the real binary: every Chinese word the
//! README, `--help`, the catalogues and domain.md use for a value is accepted by its flag and
//! stored as the English slug; and every term `--help` shows in parentheses parses for the flag
//! it documents, so the help and the parsers cannot drift apart again.

pub mod common;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Output;

const NOW: &str = "2026-11-24T10:00:00+08:00";

struct Desk {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        std::fs::write(dir.path().join("config.toml"), "author = \"tester\"\n").unwrap();
        Desk { dir, db }
    }

    fn run_at(&self, now: &str, args: &[&str]) -> Output {
        common::promptly(&self.db, "en")
            .args(["--now", now])
            .args(args)
            .output()
            .unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_at(NOW, args)
    }

    fn ok_at(&self, now: &str, args: &[&str]) -> String {
        let out = self.run_at(now, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        self.ok_at(NOW, args)
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    fn new_ticket(&self, extra: &[&str]) -> Value {
        let mut args = vec!["new", "--title", "Kettle", "--json"];
        args.extend_from_slice(extra);
        self.json(&args)
    }

    fn show(&self, id: i64) -> Value {
        self.json(&["show", &id.to_string(), "--json"])
    }

    /// What the newest log entry of ticket `id` records, in English (`show --json`).
    fn last_event(&self, id: i64) -> String {
        let t = self.show(id);
        let log = t["log"].as_array().unwrap();
        log.last().unwrap()["event"].as_str().unwrap().to_string()
    }
}

fn id(ticket: &Value) -> i64 {
    ticket["id"].as_i64().unwrap()
}

/// (term, slug): the ticket fields' Chinese words, with full-width spaces and punctuation as a
/// Chinese input method types them.
const PRIORITY: &[(&str, &str)] = &[
    ("紧急", "urgent"),
    ("重要", "important"),
    ("一般", "normal"),
    ("普通", "normal"),
    ("\u{3000}紧急\u{3000}", "urgent"),
    ("ＵＲＧＥＮＴ", "urgent"),
];
const COMPLEXITY: &[(&str, &str)] = &[
    ("一般", "ordinary"),
    ("一般性问题", "ordinary"),
    ("一般问题", "ordinary"),
    ("普通", "ordinary"),
    ("复杂", "complex"),
    ("复杂问题", "complex"),
];
const CHANNEL: &[(&str, &str)] = &[
    ("电话", "phone"),
    ("邮件", "email"),
    ("邮箱", "email"),
    ("在线", "chat"),
    ("到店", "walk-in"),
    ("来访", "walk-in"),
    ("其他", "other"),
];
const KIND: &[(&str, &str)] = &[
    ("质量问题", "quality"),
    ("质量", "quality"),
    ("商品破损", "damage"),
    ("破损", "damage"),
    ("配送延误", "delivery"),
    ("商品错发", "wrong-item"),
    ("维修", "repair"),
    ("退换货", "return"),
    ("退货", "return"),
    ("换货", "return"),
    ("咨询", "enquiry"),
    ("投诉", "complaint"),
    ("订单修改/取消", "order-change"),
    ("订单修改／取消", "order-change"),
    ("订单修改", "order-change"),
    ("订单取消", "order-change"),
    ("其他", "other"),
];
const FIELDS: &[(&str, &[(&str, &str)])] = &[
    ("priority", PRIORITY),
    ("complexity", COMPLEXITY),
    ("channel", CHANNEL),
    ("kind", KIND),
];

#[test]
fn new_and_edit_take_the_chinese_terms_of_each_field() {
    let desk = Desk::new();
    let edited = id(&desk.new_ticket(&[]));
    for (field, terms) in FIELDS {
        let flag = format!("--{field}");
        for (term, slug) in *terms {
            let t = desk.new_ticket(&[&flag, term]);
            assert_eq!(t[field], *slug, "new {flag} {term}");
            // `edit` to the value it already has is refused (exit 1), never a usage error.
            let out = desk.run(&["edit", &edited.to_string(), &flag, term]);
            assert_ne!(
                out.status.code(),
                Some(2),
                "edit {flag} {term}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(desk.show(edited)[field], *slug, "edit {flag} {term}");
        }
    }
}

#[test]
fn status_and_list_take_the_chinese_statuses() {
    let desk = Desk::new();
    let t = id(&desk.new_ticket(&[]));
    let n = t.to_string();
    let moves: &[(&[&str], &str)] = &[
        (&["等待客户"], "waiting"),
        (&["处理中"], "open"),
        (&["等待"], "waiting"),
        (&["打开"], "open"),
        (&["已解决", "--note", "done"], "resolved"),
        (&["已关闭", "--confirmed", "works"], "closed"),
        (&["重新打开"], "open"),
        (&["解决", "--note", "done"], "resolved"),
        (&["关闭", "--confirmed", "works"], "closed"),
        (&["重开"], "open"),
    ];
    for (args, slug) in moves {
        let mut all = vec!["status", n.as_str()];
        all.extend_from_slice(args);
        desk.ok(&all);
        assert_eq!(desk.show(t)["status"], *slug, "status {args:?}");
    }
    // One ticket in each status, then each Chinese status filters the list to its own.
    desk.ok(&["status", &id(&desk.new_ticket(&[])).to_string(), "waiting"]);
    let r = id(&desk.new_ticket(&[])).to_string();
    desk.ok(&["status", &r, "resolved", "--note", "done"]);
    let c = id(&desk.new_ticket(&[])).to_string();
    desk.ok(&["status", &c, "resolved", "--note", "done"]);
    desk.ok(&["status", &c, "closed", "--confirmed", "works"]);
    let filters = [
        ("处理中", "open"),
        ("等待客户", "waiting"),
        ("已解决", "resolved"),
        ("已关闭", "closed"),
    ];
    for (term, slug) in filters {
        let listed = desk.json(&["list", "--status", term, "--json"]);
        let statuses: Vec<&str> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["status"].as_str().unwrap())
            .collect();
        assert!(
            !statuses.is_empty() && statuses.iter().all(|s| *s == slug),
            "list --status {term}: {statuses:?}"
        );
    }
}

#[test]
fn log_contact_takes_the_chinese_methods() {
    let desk = Desk::new();
    let t = id(&desk.new_ticket(&[]));
    let terms = [
        ("电话", "call"),
        ("邮件", "email"),
        ("邮箱", "email"),
        ("消息", "message"),
        ("短信", "message"),
        ("在线", "message"),
        ("上门", "visit"),
        ("到店", "visit"),
    ];
    for (term, slug) in terms {
        desk.ok(&["log", &t.to_string(), "spoke", "--contact", term]);
        assert_eq!(desk.last_event(t), format!("outbound {slug}"), "--contact {term}");
    }
}

#[test]
fn review_judge_takes_chinese_classes_remedies_and_metric_labels() {
    let desk = Desk::new();
    // Opened three weeks ago and never answered: every clock is breached.
    let tickets: Vec<String> = (0..3)
        .map(|_| id(&desk.new_ticket(&["--opened-at", "2026-11-02 09:00"])).to_string())
        .collect();
    let metrics = ["首次响应", "解决方案", "解决时限"];
    let judgements = [
        ("轻微违约", "minor", "道歉", "apology", None),
        ("重大违约", "major", "赔偿", "compensation", Some("20")),
        ("轻微", "minor", "退款", "refund", None),
        ("重大", "major", "换货", "replacement", None),
        ("轻微违约", "minor", "无", "none", None),
        ("轻微违约", "minor", "无补救", "none", None),
        ("轻微违约", "minor", "致歉", "apology", None),
        ("轻微违约", "minor", "补偿", "compensation", Some("5")),
        ("轻微违约", "minor", "更换", "replacement", None),
    ];
    let slots = tickets.iter().flat_map(|t| metrics.iter().map(move |m| (t, *m)));
    for ((ticket, metric), (class, class_slug, remedy, remedy_slug, amount)) in slots.zip(judgements) {
        let mut args = vec![
            "review", "judge", ticket, metric, "--class", class, "--reason", "late", "--remedy", remedy,
        ];
        if let Some(a) = amount {
            args.extend(["--amount", a]);
        }
        desk.ok(&args);
        let event = desk.last_event(ticket.parse().unwrap());
        assert!(
            event.contains(&format!("judged {class_slug}, remedy {remedy_slug}")),
            "{args:?}: {event}"
        );
    }
}

#[test]
fn sla_extend_takes_a_metric_label() {
    let desk = Desk::new();
    let t = id(&desk.new_ticket(&["--kind", "维修"])).to_string();
    desk.ok(&["sla", "extend", &t, "解决时限", "--by", "1d", "--reason", "parts"]);
    assert_eq!(desk.last_event(t.parse().unwrap()), "resolution extended by 1d");
}

#[test]
fn report_takes_the_chinese_period_names() {
    let desk = Desk::new();
    desk.new_ticket(&[]);
    let terms = [
        ("日报", "daily"),
        ("服务日报", "daily"),
        ("周报", "weekly"),
        ("服务周报", "weekly"),
        ("月报", "monthly"),
        ("服务月报", "monthly"),
    ];
    for (term, slug) in terms {
        let r = desk.json(&["report", term, "--format", "json"]);
        assert_eq!(r["report"], slug, "report {term}");
    }
}

#[test]
fn callback_record_takes_chinese_yes_and_no() {
    let desk = Desk::new();
    // Every closed ticket sampled, so each "yes" has a call of its own to record.
    let policy = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/policy.toml"))
        .unwrap()
        .replace("callback_share = 0.1", "callback_share = 1.0");
    assert!(policy.contains("callback_share = 1.0"));
    let policy_path = desk.dir.path().join("policy.toml");
    std::fs::write(&policy_path, policy).unwrap();
    let p = policy_path.to_str().unwrap();
    let october = "2026-10-05T10:00:00+08:00";
    let ids: Vec<String> = (0..3)
        .map(|_| {
            let t: Value =
                serde_json::from_str(&desk.ok_at(october, &["--policy", p, "new", "--title", "K", "--json"])).unwrap();
            let n = id(&t).to_string();
            desk.ok_at(october, &["--policy", p, "status", &n, "resolved", "--note", "done"]);
            desk.ok_at(
                october,
                &["--policy", p, "status", &n, "closed", "--confirmed", "works"],
            );
            n
        })
        .collect();
    desk.ok(&["--policy", p, "callback", "sample", "--month", "2026-10"]);
    for (n, answers) in ids.iter().zip([["否", "是"], ["未接通", "接通"], ["否", "已接通"]]) {
        for (answer, reached) in answers.into_iter().zip([false, true]) {
            let mut args = vec!["--policy", p, "callback", "record", n, "--reached", answer];
            if reached {
                args.extend(["--score", "5"]);
            }
            desk.ok(&args);
            let queue = desk.json(&["--policy", p, "callback", "list", "--month", "2026-10", "--json"]);
            let row = queue
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["ticket"].as_i64().map(|t| t.to_string()).as_deref() == Some(n.as_str()))
                .unwrap()
                .clone();
            assert_eq!(row["reached"], reached, "--reached {answer}: {row}");
        }
    }
}

/// `promptly <path> --help`, in `lang`.
fn help(desk: &Desk, path: &[&str], lang: &str) -> String {
    let out = common::promptly(&desk.db, lang)
        .args(path)
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success(), "{path:?} --help");
    String::from_utf8(out.stdout).unwrap()
}

/// The subcommands a help page lists under "Commands:" (without `help`).
fn subcommands(page: &str) -> Vec<String> {
    let mut in_commands = false;
    let mut names = Vec::new();
    for line in page.lines() {
        if !line.starts_with(' ') {
            in_commands = line.trim_end() == "Commands:";
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if in_commands && indent == 2 {
            let name = line.split_whitespace().next().unwrap_or_default();
            if name != "help" {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// Each argument of a help page with its help text: ("--priority", "urgent, ... (紧急/重要/一般)").
fn arguments(page: &str) -> Vec<(String, String)> {
    let mut args: Vec<(String, String)> = Vec::new();
    let mut in_args = false;
    for line in page.lines() {
        if !line.starts_with(' ') {
            in_args = matches!(line.trim_end(), "Arguments:" | "Options:");
            continue;
        }
        if !in_args {
            continue;
        }
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let head = (indent <= 6 && trimmed.starts_with('-')) || (indent == 2 && trimmed.starts_with(['<', '[']));
        if head {
            let mut cells = trimmed.splitn(2, "  ");
            let names = cells.next().unwrap_or_default();
            let name = names
                .split([' ', ','])
                .find(|w| w.starts_with("--") || w.starts_with(['<', '[']))
                .unwrap_or(names);
            args.push((name.to_string(), cells.next().unwrap_or_default().trim().to_string()));
        } else if let Some((_, text)) = args.last_mut() {
            text.push(' ');
            text.push_str(trimmed);
        }
    }
    args
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// The Chinese terms in the parentheses of a help text: "(紧急/重要/一般)" -> 紧急, 重要, 一般.
fn chinese_terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for group in text.split(['(', '（']).skip(1) {
        let inside = group.split([')', '）']).next().unwrap_or_default();
        for piece in inside.split(['/', ',', '，', '、', ';', '；']) {
            let piece = piece.trim();
            if piece.chars().any(is_han) {
                terms.push(piece.to_string());
            }
        }
    }
    terms
}

/// A run that uses `term` for the argument `arg` of the command `path`, against a desk holding
/// ticket 1. None: no run is known, and the test says so.
fn runs_for(path: &[&str], arg: &str, term: &str) -> Option<Vec<Vec<String>>> {
    let v = |args: &[&str]| args.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let runs = match (path, arg) {
        (["new"], flag) => vec![v(&["new", "--title", "t", flag, term])],
        (["edit"], flag) => vec![v(&["edit", "1", flag, term])],
        (["status"], "<STATE>") => vec![
            v(&["status", "1", term, "--note", "n", "--confirmed", "c"]),
            v(&["status", "1", term]),
        ],
        (["list"], "--status") => vec![v(&["list", "--status", term])],
        (["agent", "add"], "--role") => vec![v(&["agent", "add", "x", "--role", term])],
        (["export"], flag) => vec![v(&["export", flag, term, "--format", "jsonl", "--out", "-"])],
        (["log"], "--contact") => vec![v(&["log", "1", "x", "--contact", term])],
        (["sla", "extend"], "<METRIC>") => vec![v(&["sla", "extend", "1", term, "--by", "1h", "--reason", "r"])],
        (["review", "list"], flag @ ("--metric" | "--priority")) => vec![v(&["review", "list", flag, term])],
        (["review", "judge"], flag @ ("--metric" | "--priority")) => vec![v(&[
            "review",
            "judge",
            "--all-matching",
            flag,
            term,
            "--class",
            "minor",
            "--reason",
            "r",
            "--remedy",
            "none",
            "--dry-run",
        ])],
        (["review", "judge"], "<METRIC>" | "[METRIC]") => {
            vec![v(&[
                "review", "judge", "1", term, "--class", "minor", "--reason", "r", "--remedy", "none",
            ])]
        }
        (["review", "judge"], "--class") => {
            vec![v(&[
                "review",
                "judge",
                "1",
                "first-response",
                "--class",
                term,
                "--reason",
                "r",
                "--remedy",
                "none",
            ])]
        }
        // Compensation needs an amount and the others refuse one: one of the two runs fits.
        (["review", "judge"], "--remedy") => {
            let base = [
                "review",
                "judge",
                "1",
                "first-response",
                "--class",
                "minor",
                "--reason",
                "r",
                "--remedy",
                term,
            ];
            let mut with_amount = v(&base);
            with_amount.extend(["--amount".to_string(), "20".to_string()]);
            vec![v(&base), with_amount]
        }
        (["callback", "record"], "--reached") => vec![v(&["callback", "record", "1", "--reached", term])],
        (["report"], "<PERIOD>") => vec![v(&["report", term, "--format", "json"])],
        _ => return None,
    };
    Some(runs)
}

#[test]
fn every_chinese_term_in_help_parses_for_its_flag() {
    let desk = Desk::new();
    desk.new_ticket(&[]);
    // The Chinese help is translated (tests/zh_complete.rs checks it); the English help lists
    // the same Chinese terms in parentheses, so walking it covers both.
    assert_ne!(help(&desk, &[], "en"), help(&desk, &[], "zh-CN"));
    let mut pages = vec![Vec::<String>::new()];
    let mut found = BTreeSet::new();
    while let Some(path) = pages.pop() {
        let path_refs: Vec<&str> = path.iter().map(String::as_str).collect();
        let page = help(&desk, &path_refs, "en");
        for sub in subcommands(&page) {
            let mut deeper = path.clone();
            deeper.push(sub);
            pages.push(deeper);
        }
        for (arg, text) in arguments(&page) {
            for term in chinese_terms(&text) {
                found.insert(format!("{} {arg}", path.join(" ")));
                let runs = runs_for(&path_refs, &arg, &term)
                    .unwrap_or_else(|| panic!("`{} {arg}` shows Chinese terms: add a run for it here", path.join(" ")));
                // Accepted: some run is no usage error, and no refusal quotes the term back.
                let accepted = runs.iter().any(|args| {
                    let out = desk.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
                    out.status.code() != Some(2) && !String::from_utf8_lossy(&out.stderr).contains(term.as_str())
                });
                assert!(
                    accepted,
                    "`{} {arg} {term}` is refused though --help shows it",
                    path.join(" ")
                );
            }
        }
    }
    // The extraction itself must keep seeing the flags it exists for.
    for expected in [
        "new --priority",
        "new --complexity",
        "new --kind",
        "new --channel",
        "edit --complexity",
        "status <STATE>",
        "list --status",
        "log --contact",
        "review judge --class",
        "review judge --remedy",
        "review judge [METRIC]",
        "review judge --metric",
        "review list --priority",
        "sla extend <METRIC>",
        "callback record --reached",
        "report <PERIOD>",
    ] {
        assert!(
            found.contains(expected),
            "no Chinese terms found for `{expected}` in --help: {found:?}"
        );
    }
}

#[test]
fn every_board_label_of_a_value_parses_as_that_value() {
    use promptly::domain::kpi::PeriodKind;
    use promptly::domain::log::{ContactMethod, Direction};
    use promptly::domain::review::{BreachClass, Remedy};
    use promptly::domain::ticket::{Channel, Complexity, Kind, Priority, Status};
    fn check<T: std::str::FromStr + std::fmt::Display>(zh: &toml::Table, section: &str) {
        let table = section.split('.').fold(zh, |t, key| t[key].as_table().unwrap());
        for (slug, label) in table {
            let label = label.as_str().unwrap();
            let parsed = label.parse::<T>().ok().map(|v| v.to_string());
            assert_eq!(parsed.as_deref(), Some(slug.as_str()), "[{section}] {label}");
        }
    }
    let zh: toml::Table = include_str!("../assets/locales/zh-CN.toml").parse().unwrap();
    check::<Priority>(&zh, "priority");
    check::<Complexity>(&zh, "complexity");
    check::<Channel>(&zh, "channel");
    check::<Kind>(&zh, "kind");
    check::<Status>(&zh, "status");
    check::<ContactMethod>(&zh, "contact");
    check::<Direction>(&zh, "direction");
    check::<BreachClass>(&zh, "review.class");
    check::<Remedy>(&zh, "review.remedy");
    check::<PeriodKind>(&zh, "report.title");
}

#[test]
fn every_chinese_term_in_the_readme_table_parses_for_its_flag() {
    use promptly::domain::kpi::PeriodKind;
    use promptly::domain::log::ContactMethod;
    use promptly::domain::review::{BreachClass, Remedy};
    use promptly::domain::ticket::{Channel, Complexity, Kind, Priority, Status};
    fn parses<T: std::str::FromStr>(term: &str) -> bool {
        term.parse::<T>().is_ok()
    }
    let policy = promptly::domain::policy::Policy::builtin();
    let readme = include_str!("../README.md");
    let table = readme
        .split("| flag | English | Chinese |")
        .nth(1)
        .expect("README's CLI tour has the table of values");
    let mut rows = 0;
    for row in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (flag, chinese) = (cells[1], cells[3]);
        let parse: &dyn Fn(&str) -> bool = match flag {
            "`--priority`" => &parses::<Priority>,
            "`--complexity`" => &parses::<Complexity>,
            "`--channel`" => &parses::<Channel>,
            "`--kind`" => &parses::<Kind>,
            "`status ID STATE`, `list --status`" => &parses::<Status>,
            "`log --contact`" => &parses::<ContactMethod>,
            "`review judge --class`" => &parses::<BreachClass>,
            "`review judge --remedy`" => &parses::<Remedy>,
            "`report PERIOD`" => &parses::<PeriodKind>,
            "`callback record --reached`" => &|t| promptly::domain::callback::parse_reached(t).is_some(),
            "`METRIC` of `sla extend`, `review judge`" => &|t| policy.metric_named(t).is_some(),
            other => panic!("README table row {other}: add its parser here"),
        };
        let terms: Vec<&str> = chinese
            .split(['(', ')', ',', '/', ':'])
            .map(str::trim)
            .filter(|t| t.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)))
            .collect();
        assert!(!terms.is_empty(), "{row}");
        for term in terms {
            assert!(parse(term), "README: `{flag} {term}` does not parse");
        }
        rows += 1;
    }
    assert_eq!(rows, 11, "README table rows");
}

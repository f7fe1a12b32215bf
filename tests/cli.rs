//! The CLI end to end through the real binary: what scripts see (JSON keys, exit codes) and
//! that a failed command writes nothing.

pub mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-11-23T10:00:00+08:00";

struct Env {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        std::fs::write(dir.path().join("config.toml"), "author = \"tester\"\n").unwrap();
        Env { _dir: dir, db }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_at(NOW, args)
    }

    fn run_at(&self, now: &str, args: &[&str]) -> Output {
        common::promptly(&self.db, "en")
            .args(["--now", now])
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// Runs a command that must fail with `code`, and checks the database did not change.
    fn fails(&self, args: &[&str], code: i32) -> String {
        let before = snapshot(&self.db);
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(snapshot(&self.db), before, "{args:?} wrote to the database");
        String::from_utf8(out.stderr).unwrap()
    }
}

/// What the database holds (`common::state`): nothing at all while it does not exist.
fn snapshot(db: &Path) -> Option<Vec<u8>> {
    common::exists(db).then(|| common::state(db))
}

fn new_ticket(env: &Env) -> i64 {
    let t = env.json(&[
        "new",
        "--title",
        "Kettle stops heating",
        "--customer",
        "王小明",
        "--phone",
        "13812345678",
        "--kind",
        "quality",
        "--priority",
        "important",
        "--json",
    ]);
    t["id"].as_i64().unwrap()
}

#[test]
fn new_list_show_with_stable_json_keys() {
    let env = Env::new();
    let id = new_ticket(&env);
    let list = env.json(&["list", "--json"]);
    let row = &list[0];
    for key in [
        "id",
        "title",
        "status",
        "priority",
        "kind",
        "channel",
        "complexity",
        "customer",
        "opened_at",
        "updated_at",
        "clocks",
    ] {
        assert!(row.get(key).is_some(), "list --json lacks {key}: {row}");
    }
    assert_eq!(row["customer"]["name"], "王小明");
    assert_eq!(row["customer"]["phone"], "13812345678");
    assert_eq!(row["opened_at"], "2026-11-23T02:00:00Z");
    assert_eq!(row["priority"], "important");
    let clock = &row["clocks"][0];
    for key in ["metric", "state", "due_at", "met_at", "remaining_secs", "breached"] {
        assert!(clock.get(key).is_some(), "clock lacks {key}: {clock}");
    }
    env.ok(&["log", &id.to_string(), "Called, will send photos", "--contact", "call"]);
    let show = env.json(&["show", &id.to_string(), "--json"]);
    let log = show["log"].as_array().unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1]["kind"], "contact");
    assert_eq!(log[1]["body"], "Called, will send photos");
    assert!(log[1]["author"].is_string() && log[1]["at"] == "2026-11-23T02:00:00Z");
}

#[test]
fn status_flow_and_edit_through_the_binary() {
    let env = Env::new();
    let id = new_ticket(&env).to_string();
    env.ok(&["status", &id, "waiting", "--note", "asked for photos"]);
    env.ok(&["status", &id, "open"]);
    env.ok(&["status", &id, "resolved", "--note", "replaced"]);
    env.ok(&["status", &id, "closed", "--confirmed", "customer says it heats again"]);
    env.ok(&["status", &id, "open"]);
    env.ok(&["edit", &id, "--priority", "紧急", "--order", "SO-9"]);
    let show = env.json(&["show", &id, "--json"]);
    assert_eq!(show["status"], "open");
    assert_eq!(show["priority"], "urgent");
    let kinds: Vec<&str> = show["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "opened",
            "status",
            "status",
            "status",
            "confirmed",
            "status",
            "status",
            "field",
            "field"
        ]
    );
}

#[test]
fn bad_input_exits_with_the_right_code_and_writes_nothing() {
    let env = Env::new();
    let id = new_ticket(&env).to_string();
    let err = env.fails(&["new", "--title", "x", "--priority", "asap"], 2);
    assert!(
        err.contains("priority") && err.contains("urgent, important, normal"),
        "{err}"
    );
    let err = env.fails(&["show", "4242"], 1);
    assert!(err.contains("ticket #4242 does not exist"), "{err}");
    let err = env.fails(&["status", &id, "closed"], 1);
    assert!(
        err.contains("cannot move from open to closed") && err.contains("waiting, resolved"),
        "{err}"
    );
    let err = env.fails(&["new", "--title", "x", "--opened-at", "yesterday-ish"], 2);
    assert!(err.contains("--opened-at") && err.contains("not a timestamp"), "{err}");
    let err = env.fails(&["new", "--title", "  "], 2);
    assert!(err.contains("title"), "{err}");
    let err = env.fails(&["new", "--title", "x", "--email", "nope"], 2);
    assert!(err.contains("email"), "{err}");
    let err = env.fails(&["log", &id, "hello", "--contact", "pigeon"], 2);
    assert!(err.contains("contact"), "{err}");
    let err = env.fails(&["log", &id, " ", "--contact", "call"], 1);
    assert!(
        err.contains("text"),
        "an empty contact would meet the first-response clock: {err}"
    );
    let err = env.fails(&["edit", &id, "--phone", "call me maybe"], 2);
    assert!(err.contains("--phone"), "{err}");
    let err = env.fails(&["edit", &id], 2);
    assert!(err.contains("edit"), "{err}");
    let err = env.fails(&["status", &id, "waiting", "--expect-version", "7"], 1);
    assert!(err.contains("changed elsewhere"), "{err}");
}

#[test]
fn a_bad_now_is_a_usage_error_before_any_file_is_created() {
    let env = Env::new();
    let out = env.run(&["--now", "noon", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!common::exists(&env.db));
}

#[test]
fn untrusted_text_is_sanitised_in_text_output() {
    let env = Env::new();
    let id = env.json(&["new", "--title", "evil \u{1b}[2J title \u{202e}", "--json"])["id"]
        .as_i64()
        .unwrap();
    let text = env.ok(&["show", &id.to_string()]);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'), "{text:?}");
    assert!(text.contains("␛[2J"), "{text}");
    let list = env.ok(&["list"]);
    assert!(!list.contains('\u{1b}'), "{list:?}");
    let json = env.ok(&["show", &id.to_string(), "--json"]);
    assert!(
        !json.chars().any(|c| c.is_control() && c != '\n' || c == '\u{202e}'),
        "{json:?}"
    );
    let value: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["title"], "evil \u{1b}[2J title \u{202e}",
        "the JSON still means the same"
    );
}

#[test]
fn opened_at_records_earlier_tickets_and_rejects_the_future() {
    let env = Env::new();
    let t = env.json(&["new", "--title", "old", "--opened-at", "2026-11-20 09:00", "--json"]);
    assert_eq!(t["opened_at"], "2026-11-20T01:00:00Z");
    let err = env.fails(&["new", "--title", "later", "--opened-at", "2026-12-01 09:00"], 1);
    assert!(err.contains("future"), "{err}");
}

#[test]
fn help_lists_every_command() {
    let out = Command::new(env!("CARGO_BIN_EXE_promptly"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for command in ["new", "list", "show", "log", "status", "edit", "sla", "demo", "board"] {
        assert!(help.contains(command), "--help lacks {command}");
    }
}

#[test]
fn help_of_help_prints_the_help_it_names_in_both_languages() {
    let help = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_promptly"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // `help --help` and `help -h` print the top page, `help list --help` the page of list.
    let top = help(&["--lang", "en", "--help"]);
    assert_eq!(help(&["--lang", "en", "help", "--help"]), top);
    assert_eq!(help(&["--lang", "en", "help", "-h"]), top);
    let list = help(&["--lang", "en", "list", "--help"]);
    assert!(list.contains("--overdue"), "{list}");
    assert_eq!(help(&["--lang", "en", "help", "list", "--help"]), list);
    let zh = help(&["--lang", "zh-CN", "help", "sla", "-h"]);
    assert_eq!(zh, help(&["--lang", "zh-CN", "sla", "--help"]));
    assert!(zh.contains("用法"), "{zh}");
}

#[test]
fn a_refused_command_writes_nothing_even_when_auto_close_is_due() {
    let env = Env::new();
    let id = new_ticket(&env).to_string();
    env.ok(&["status", &id, "resolved", "--note", "replaced the kettle"]);
    // Two weeks later the resolved ticket is past auto_close_days (7) without a reply.
    let later = "2026-12-07T10:00:00+08:00";
    let before = snapshot(&env.db);
    let out = env.run_at(later, &["status", "4242", "open"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        snapshot(&env.db),
        before,
        "the refused command (or its housekeeping) wrote"
    );
    // A command that succeeds lets the housekeeping run after it.
    let out = env.run_at(later, &["log", &id, "customer happy"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let show: Value = serde_json::from_slice(&env.run_at(later, &["show", &id, "--json"]).stdout).unwrap();
    assert_eq!(show["status"], "closed", "auto-closed after the successful command");
}

#[test]
fn closing_after_the_auto_close_instant_is_refused_with_the_reason_in_both_languages() {
    let env = Env::new();
    let id = new_ticket(&env).to_string();
    env.ok(&["status", &id, "resolved", "--note", "replaced the kettle"]);
    // Two weeks later it closed by itself (auto_close_days = 7): closing it by hand says so.
    let later = "2026-12-07T10:00:00+08:00";
    let close = ["status", &id, "closed", "--confirmed", "works now"];
    let out = env.run_at(later, &close);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("ticket #{id} closed by itself at")) && err.contains("auto_close_days"),
        "{err}"
    );
    assert!(err.contains(&format!("status {id} open")), "says how to go on: {err}");
    let zh = common::promptly(&env.db, "zh-CN")
        .args(["--now", later])
        .args(close)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&zh.stderr);
    assert!(err.contains("自动关闭") && err.contains("天未回复"), "{err}");
    // Resolving it again is refused for the same reason; reopening works.
    let out = env.run_at(later, &["status", &id, "resolved", "--note", "again"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("closed by itself"));
    assert!(env.run_at(later, &["status", &id, "open"]).status.success());
}

#[test]
fn reading_a_database_that_does_not_exist_is_refused_not_created() {
    let env = Env::new();
    let out = env.run(&["list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database at"));
    assert!(!common::exists(&env.db), "a read must not create the database");
}

// ------------------------------------------------------------ the documented JSON keys

/// One step of a documented key path: an object key, any key of a map (`METRIC:`), or every
/// item of an array.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    AnyKey,
    Each,
    /// `[..]`: items as in `review list --json` (replaced once those are known).
    AsReview,
}

type KeyPath = Vec<Seg>;

/// Parses a README key list such as `customer {name, phone}`, `clocks [{metric, cycle}]`,
/// `compliance {METRIC: {due, met}}`, `overdue [..]` or `[{ticket, title}]` into key paths.
fn key_paths(spec: &str) -> Vec<KeyPath> {
    let chars: Vec<char> = spec.chars().collect();
    let mut at = 0;
    let mut out = Vec::new();
    parse_items(&chars, &mut at, &[], &mut out);
    assert_eq!(at, chars.len(), "README key list not understood: `{spec}`");
    out
}

fn skip_ws(c: &[char], at: &mut usize) {
    while *at < c.len() && c[*at].is_whitespace() {
        *at += 1;
    }
}

fn parse_items(c: &[char], at: &mut usize, prefix: &[Seg], out: &mut Vec<KeyPath>) {
    loop {
        skip_ws(c, at);
        if *at >= c.len() || c[*at] == '}' || c[*at] == ']' {
            return;
        }
        parse_item(c, at, prefix, out);
        skip_ws(c, at);
        if *at < c.len() && c[*at] == ',' {
            *at += 1;
        }
    }
}

fn parse_item(c: &[char], at: &mut usize, prefix: &[Seg], out: &mut Vec<KeyPath>) {
    let start = *at;
    while *at < c.len() && (c[*at].is_alphanumeric() || c[*at] == '_') {
        *at += 1;
    }
    let name: String = c[start..*at].iter().collect();
    let mut path = prefix.to_vec();
    if !name.is_empty() {
        let any = name.chars().all(|ch| ch.is_ascii_uppercase());
        path.push(if any { Seg::AnyKey } else { Seg::Key(name) });
        out.push(path.clone());
    }
    skip_ws(c, at);
    if *at < c.len() && c[*at] == ':' {
        *at += 1;
        skip_ws(c, at);
    }
    let rest: String = c[*at..].iter().collect();
    let expect = |at: &mut usize, ch: char| {
        skip_ws(c, at);
        assert_eq!(c.get(*at), Some(&ch), "README key list: expected {ch} in {rest}");
        *at += 1;
    };
    if rest.starts_with("[..]") {
        *at += 4;
        path.push(Seg::AsReview);
        out.push(path);
    } else if rest.starts_with("{...}") {
        *at += 5; // the same shape as its neighbour: only the key itself is checked
    } else if rest.starts_with("[{") {
        *at += 2;
        path.push(Seg::Each);
        parse_items(c, at, &path, out);
        expect(at, '}');
        expect(at, ']');
    } else if rest.starts_with('{') {
        *at += 1;
        parse_items(c, at, &path, out);
        expect(at, '}');
    }
}

/// The backticked spans of `text` with the text before each.
fn spans(text: &str) -> Vec<(String, String)> {
    let parts: Vec<&str> = text.split('`').collect();
    parts
        .chunks(2)
        .filter(|p| p.len() == 2)
        .map(|p| (p[0].to_string(), p[1].replace('\n', " ")))
        .collect()
}

/// Key paths of the first column of the table that follows `heading` in the README. A span
/// after `(+` adds keys to the items of the span before it (`breached [..]` (+ `class`)).
fn table_paths(readme: &str, heading: &str) -> Vec<KeyPath> {
    let from = readme.find(heading).unwrap_or_else(|| panic!("README lacks {heading}"));
    let mut out = Vec::new();
    let rows = readme[from..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2);
    for row in rows {
        let first = row.split('|').nth(1).unwrap();
        let mut previous: Option<String> = None;
        for (before, span) in spans(first) {
            let paths = key_paths(&span);
            match previous.as_ref().filter(|_| before.contains("(+")) {
                Some(p) => out.extend(paths.into_iter().map(|mut k| {
                    k.splice(0..0, [Seg::Key(p.clone()), Seg::Each]);
                    k
                })),
                None => {
                    previous = span.split([' ', '{', '[']).next().map(str::to_string);
                    out.extend(paths);
                }
            }
        }
    }
    out
}

/// Key paths of the span right after `marker` in the README.
fn inline_paths(readme: &str, marker: &str) -> Vec<KeyPath> {
    let from = readme.find(marker).unwrap_or_else(|| panic!("README lacks {marker}")) + marker.len();
    let (_, span) = spans(&readme[from..]).into_iter().next().unwrap();
    key_paths(&span)
}

/// `[..]` stands for the items of `review list --json`.
fn with_review_items(paths: Vec<KeyPath>, review: &[KeyPath]) -> Vec<KeyPath> {
    let mut out = Vec::new();
    for p in paths {
        match p.split_last() {
            Some((Seg::AsReview, head)) => {
                out.push(head.to_vec());
                out.extend(review.iter().map(|r| [head, r].concat()));
            }
            _ => out.push(p),
        }
    }
    out
}

/// Checks `path` in `value`; counts how often its end was reached (an array may be empty).
fn check_path(value: &Value, path: &[Seg], reached: &mut usize) -> Result<(), String> {
    match path.split_first() {
        None => {
            *reached += 1;
            Ok(())
        }
        Some((Seg::Key(k), rest)) => match value.get(k) {
            Some(v) => check_path(v, rest, reached),
            None => Err(format!("no key `{k}` in {value}")),
        },
        Some((Seg::AnyKey, rest)) => {
            let map = value.as_object().ok_or(format!("not an object: {value}"))?;
            map.values().try_for_each(|v| check_path(v, rest, reached))
        }
        Some((Seg::Each, rest)) => {
            let items = value.as_array().ok_or(format!("not an array: {value}"))?;
            items.iter().try_for_each(|v| check_path(v, rest, reached))
        }
        Some((Seg::AsReview, _)) => unreachable!("replaced by the review keys"),
    }
}

/// Every documented path is present in every value and reached at least once.
fn assert_documented(what: &str, paths: &[KeyPath], values: &[Value]) {
    assert!(!paths.is_empty(), "no keys documented for {what}");
    for path in paths {
        let mut reached = 0;
        for v in values {
            if let Err(e) = check_path(v, path, &mut reached) {
                panic!("{what}: README documents {path:?}, output lacks it: {e}");
            }
        }
        assert!(reached > 0, "{what}: {path:?} never checked (empty arrays)");
    }
    for v in values {
        if let Err(e) = check_documented(v, &[], paths) {
            panic!("{what}: {e} is in the output but not in the README");
        }
    }
}

/// The other way round: every key in `value` (below `prefix`) is documented. A documented key
/// whose inner keys are not listed (`compliance_overall {...}`) is not looked into.
fn check_documented(value: &Value, prefix: &[Seg], paths: &[KeyPath]) -> Result<(), String> {
    let documented = |p: &[Seg]| paths.iter().any(|d| d.as_slice() == p);
    let has_children = |p: &[Seg]| paths.iter().any(|d| d.len() > p.len() && d.starts_with(p));
    if !prefix.is_empty() && !has_children(prefix) {
        return Ok(());
    }
    match value {
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            let key = [prefix, &[Seg::Key(k.clone())]].concat();
            let any = [prefix, &[Seg::AnyKey]].concat();
            match (documented(&key), documented(&any)) {
                (true, _) => check_documented(v, &key, paths),
                (false, true) => check_documented(v, &any, paths),
                (false, false) => Err(format!("{key:?}")),
            }
        }),
        Value::Array(items) => {
            let each = [prefix, &[Seg::Each]].concat();
            items.iter().try_for_each(|v| check_documented(v, &each, paths))
        }
        _ => Ok(()),
    }
}

#[test]
fn the_json_keys_the_readme_documents_are_exactly_those_in_real_output() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let ticket = table_paths(&readme, "print tickets with these stable keys");
    let review = inline_paths(&readme, "`review list --json`: ");
    let queue_paths = with_review_items(inline_paths(&readme, "`review list --json` prints "), &review);
    let callback = inline_paths(&readme, "`--json` keys: ");
    let sample = inline_paths(&readme, "`sample --json`: ");
    let report = with_review_items(table_paths(&readme, "`report --format json` keys"), &review);
    // The parse itself: a README edit that the parser misreads must not pass quietly.
    assert_eq!(ticket.len(), 43, "{ticket:?}");
    assert_eq!((review.len(), callback.len(), sample.len()), (12, 12, 5));
    assert!(report.len() > 90, "{report:?}");
    assert!(report.contains(&vec![Seg::Key("breached".into()), Seg::Each, Seg::Key("class".into())]));

    let env = Env::new();
    // A hundred open over the last week: today's report has breaches to show.
    env.ok(&["demo", "--tickets", "300", "--open", "100"]);
    let queue = env.json(&["review", "list", "--json"]);
    let first = &queue["breaches"][0];
    env.ok(&[
        "review",
        "judge",
        &first["ticket"].to_string(),
        first["metric"].as_str().unwrap(),
        "--cycle",
        &first["cycle"].to_string(),
        "--class",
        "minor",
        "--reason",
        "late",
        "--remedy",
        "compensation",
        "--amount",
        "20",
    ]);

    let list = env.json(&["list", "--all", "--json"]);
    let not_log: Vec<KeyPath> = ticket
        .iter()
        .filter(|p| p[0] != Seg::Key("log".into()))
        .cloned()
        .collect();
    assert_documented("list --json", &not_log, list.as_array().unwrap());
    // Either side of the desk's batch boundary (200 tickets per log query).
    let picked: Vec<&Value> = [0, 1, 2, 199, 200, 201, 299].iter().map(|&i| &list[i]).collect();
    let shown: Vec<Value> = picked
        .iter()
        .map(|t| env.json(&["show", &t["id"].to_string(), "--json"]))
        .collect();
    assert_documented("show --json", &ticket, &shown);
    // The batched clocks of the list are those of a single ticket's view.
    for (listed, mut one) in picked.into_iter().zip(shown.clone()) {
        one.as_object_mut().unwrap().remove("log");
        assert_eq!(listed, &one);
    }
    assert_documented(
        "review list --json",
        &queue_paths,
        &[env.json(&["review", "list", "--json"])],
    );
    let month = ["--month", "2026-10"];
    assert_documented(
        "callback list --json",
        &callback,
        &[env.json(&["callback", "list", month[0], month[1], "--json"])],
    );
    assert_documented(
        "callback sample --json",
        &sample,
        &[env.json(&["callback", "sample", month[0], month[1], "--json"])],
    );
    assert_documented(
        "report --format json",
        &report,
        &[env.json(&["report", "daily", "--format", "json"])],
    );
    // An empty list is still an array.
    assert_eq!(env.ok(&["list", "--search", "no such ticket", "--json"]), "[]\n");
}

#[test]
fn a_purchase_date_after_today_or_decades_back_is_refused_in_both_languages() {
    let env = Env::new();
    let id = new_ticket(&env).to_string();
    // 1900 is not even a date the flag takes (1970 onwards).
    let err = env.fails(&["new", "--title", "Kettle", "--purchased", "1900-01-01"], 2);
    assert!(err.contains("'1900-01-01' is not a date"), "{err}");
    // NOW is 2026-11-23 in the shop: 2099 or 20 years back are typos, refused at the desk.
    for date in ["2099-01-01", "2026-11-24", "2006-11-23"] {
        let err = env.fails(&["new", "--title", "Kettle", "--purchased", date], 1);
        assert!(
            err.contains(&format!(
                "purchase date {date} is not between 2006-11-24 and 2026-11-23"
            )),
            "{err}"
        );
        let err = env.fails(&["edit", &id, "--purchased", date], 1);
        assert!(err.contains("purchase date"), "{err}");
    }
    // A day that does not exist says so (not the format again), in either command.
    for args in [
        &["new", "--title", "Kettle"][..],
        &["edit", id.as_str(), "--title", "Kettle 2"],
    ] {
        let err = env.fails(&[args, &["--purchased", "2026-02-30"]].concat(), 2);
        assert!(err.contains("'2026-02-30' is no day in the calendar"), "{err}");
    }
    env.ok(&["edit", &id, "--purchased", "2006-11-24"]);
    env.ok(&["new", "--title", "Kettle", "--purchased", "2026-11-23"]);
    let before = snapshot(&env.db);
    let zh = common::promptly(&env.db, "zh-CN")
        .args(["--now", NOW, "new", "--title", "水壶", "--purchased", "2099-01-01"])
        .output()
        .unwrap();
    assert_eq!(zh.status.code(), Some(1));
    assert_eq!(snapshot(&env.db), before);
    let err = String::from_utf8_lossy(&zh.stderr);
    assert!(err.contains("购买日期 2099-01-01 不在"), "{err}");
}

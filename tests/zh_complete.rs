//! zh-CN complete (issue 12, item 5): a Chinese screen or Chinese CLI output holds no English
//! word from the English catalogue, no half-width punctuation between Chinese characters and
//! no English duration units; `--help` of every command and flag comes from the catalogues in
//! both languages.

pub mod common;

use chrono::{DateTime, Duration, Utc};
use clap::CommandFactory;
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::domain::policy::Policy;
use promptly::domain::ticket::{Customer, Kind, NewTicket, Priority, Status};
use promptly::store::Access;
use promptly::tui::app::App;
use promptly::tui::frame_text;
use promptly::tui::keymap::Keymap;
use promptly::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeSet;
use std::path::Path;

/// Words that read the same in a Chinese UI, with why:
const ALLOWED: &[&str] = &[
    // Names and standards a Chinese reader sees in Latin letters too.
    "promptly",
    "sla",
    "kpi",
    "kpis",
    "csv",
    "json",
    "html",
    "md",
    "markdown",
    "sqlite",
    "toml",
    "rfc",
    "iana",
    "utf",
    "utc",
    "readme",
    "cron",
    "roff",
    "asia",
    "shanghai",
    // The database server and its connection syntax (`migrate --to URL`): a URL, its `host`
    // parameter and libpq's password file are typed as they are spelled.
    "postgresql",
    "postgres",
    "url",
    "host",
    "pgpassfile",
    "pgpass",
    // PostgreSQL's own backup tools, named for backup and restore on a server (pg_dump).
    "pg",
    "dump",
    // A file type, as attachments are named (invoice.pdf), like csv.
    "pdf",
    // The Unix mail command `reply` pipes to, named as the config key it is set by.
    "sendmail",
    // Keys as printed on the keyboard.
    "esc",
    "enter",
    "tab",
    "ctrl",
    "shift",
    "alt",
    "space",
    "home",
    "end",
    "pgup",
    "pgdn",
    "backspace",
    "del",
    // Date and time placeholders (YYYY-MM-DD HH:MM).
    "yyyy",
    "mm",
    "dd",
    "hh",
    // Shells named by `completions`.
    "bash",
    "elvish",
    "fish",
    "powershell",
    "zsh",
];

fn catalogue_values(text: &str, out: &mut Vec<String>) {
    fn walk(v: &toml::Value, out: &mut Vec<String>) {
        match v {
            toml::Value::String(s) => out.push(s.clone()),
            toml::Value::Table(t) => t.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(&toml::Value::Table(text.parse().unwrap()), out);
}

fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
        .map(str::to_lowercase)
}

/// Every word of the English catalogue (messages and help), minus [`ALLOWED`].
fn english_words() -> BTreeSet<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut values = Vec::new();
    for file in ["assets/locales/en.toml", "assets/locales/help/en.toml"] {
        catalogue_values(&std::fs::read_to_string(format!("{root}/{file}")).unwrap(), &mut values);
    }
    let mut words: BTreeSet<String> = values.iter().flat_map(|v| tokens(v).collect::<Vec<_>>()).collect();
    for allowed in ALLOWED {
        words.remove(*allowed);
    }
    // Calendar names ("shop") are the policy file's identifiers, shown as the file spells
    // them, like a ticket's title: the policy gives them no label in either language.
    for name in Policy::builtin().calendar_names() {
        for w in tokens(name).collect::<Vec<_>>() {
            words.remove(&w);
        }
    }
    assert!(words.len() > 300, "too few English words: {}", words.len());
    words
}

/// What is typed on the command line: command names, flags, value words, the built-in policy's
/// metric and calendar names. Allowed where the text documents or quotes the command line
/// (`--help`, usage errors), nowhere else: a status shown as "open" is English.
fn command_line_words() -> BTreeSet<String> {
    fn walk(cmd: &clap::Command, out: &mut BTreeSet<String>) {
        out.extend(tokens(cmd.get_name()));
        for arg in cmd.get_arguments() {
            out.extend(arg.get_long().into_iter().flat_map(tokens));
            out.extend(arg.get_id().as_str().split('_').flat_map(tokens));
            for v in arg.get_possible_values() {
                out.extend(tokens(v.get_name()));
            }
            for d in arg.get_default_values() {
                out.extend(tokens(&d.to_string_lossy()).collect::<Vec<_>>());
            }
        }
        cmd.get_subcommands().for_each(|s| walk(s, out));
    }
    let mut out = BTreeSet::new();
    walk(&promptly::cli::args::Cli::command(), &mut out);
    use promptly::domain::log::ContactMethod;
    use promptly::domain::review::{BreachClass, Remedy};
    use promptly::domain::ticket::{Channel, Complexity};
    let slugs = Priority::ALL
        .iter()
        .map(|v| v.slug())
        .chain(Status::ALL.iter().map(|v| v.slug()))
        .chain(Kind::ALL.iter().map(|v| v.slug()))
        .chain(Channel::ALL.iter().map(|v| v.slug()))
        .chain(Complexity::ALL.iter().map(|v| v.slug()))
        .chain(ContactMethod::ALL.iter().map(|v| v.slug()))
        .chain(BreachClass::ALL.iter().map(|v| v.slug()))
        .chain(Remedy::ALL.iter().map(|v| v.slug()))
        .chain(promptly::domain::agent::Role::ALL.iter().map(|v| v.slug()));
    out.extend(slugs.flat_map(tokens));
    let policy = Policy::builtin();
    out.extend(policy.metrics.iter().flat_map(|m| tokens(&m.name).collect::<Vec<_>>()));
    // Settings, variables and language tags as typed ("auto_close_days", "LC_ALL", "zh-CN"),
    // the report periods, and the help flag clap adds at build time.
    let typed = [
        "auto",
        "close",
        "days",
        "max",
        "extension",
        "yes",
        "no",
        "lc",
        "all",
        "lang",
        "en",
        "zh",
        "cn",
        "daily",
        "weekly",
        "monthly",
        "help",
        "version",
        // `import`'s file kinds and encodings, as typed (`.xlsx`, `--encoding gbk`).
        "xlsx",
        "jsonl",
        "csv",
        "utf",
        "gbk",
        "gb",
    ];
    out.extend(typed.map(String::from));
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}' | '“' | '”')
}

/// The problems of a Chinese text: English words, half-width punctuation between Chinese
/// characters, English duration units ("30m", "-25d10h") unless `syntax` (help and forms
/// show what to type).
fn problems(text: &str, english: &BTreeSet<String>, allowed: &BTreeSet<String>, syntax: bool) -> Vec<String> {
    let mut out: Vec<String> = tokens(text)
        .filter(|w| english.contains(w) && !allowed.contains(w))
        .map(|w| format!("English word {w:?}"))
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let neighbour = |i: usize, step: isize| {
        let mut j = i as isize + step;
        while j >= 0 && (j as usize) < chars.len() && chars[j as usize] == ' ' {
            j += step;
        }
        (j >= 0 && (j as usize) < chars.len()).then(|| chars[j as usize])
    };
    // Lines with Chinese in them: ASCII parentheses and list commas there read as English
    // ("待认定 51 (R)", "0.0% (0/4)", "#170, #172"), even with no ideograph right beside them.
    let mut chinese_line = Vec::with_capacity(chars.len());
    for line in text.split('\n') {
        let cjk = line.chars().any(is_cjk);
        chinese_line.extend(line.chars().map(|_| cjk));
        chinese_line.push(cjk);
    }
    for (i, c) in chars.iter().enumerate() {
        let beside_cjk = neighbour(i, -1).is_some_and(is_cjk) || neighbour(i, 1).is_some_and(is_cjk);
        let list_comma = *c == ',' && chars.get(i + 1) == Some(&' ');
        let in_chinese = chinese_line[i] && ("()".contains(*c) || list_comma);
        let between_cjk = neighbour(i, -1).is_some_and(is_cjk) && neighbour(i, 1).is_some_and(is_cjk);
        // The board's breach marks ("处理中   !!") are signs, not punctuation.
        if ",:;()!?".contains(*c) && between_cjk || ",;()".contains(*c) && (beside_cjk || !syntax && in_chinese) {
            let around: String = chars[i.saturating_sub(6)..(i + 6).min(chars.len())].iter().collect();
            out.push(format!("half-width {c:?} in {around:?}"));
        }
        // A number with an English unit: "30m", "6h46m", "-25d10h".
        let unit = chars.get(i + 1).is_some_and(|u| "dhms".contains(*u))
            && !chars.get(i + 2).is_some_and(|n| n.is_ascii_alphabetic());
        let starts_number = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        if !syntax && c.is_ascii_digit() && unit {
            let mut k = i;
            while k > 0 && chars[k - 1].is_ascii_digit() {
                k -= 1;
            }
            if k == 0 || !chars[k - 1].is_ascii_alphabetic() || starts_number {
                let around: String = chars[k.saturating_sub(4)..(i + 4).min(chars.len())].iter().collect();
                out.push(format!("English unit in {around:?}"));
            }
        }
    }
    out
}

fn check(what: &str, text: &str, syntax: bool, failures: &mut Vec<String>) {
    let english = english_words();
    let allowed = if syntax { command_line_words() } else { BTreeSet::new() };
    for p in problems(text, &english, &allowed, syntax) {
        failures.push(format!("{what}: {p}"));
    }
}

#[test]
fn the_checks_catch_what_the_issue_saw() {
    let english = english_words();
    let none = BTreeSet::new();
    for seen in [
        "未执行：extend: resolution may be extended by at most 3d",
        "不能从 open 变为 closed",
        "剩余 30m",
        "-25d10h",
        "状态: 已关闭",
        "登记(一般,投诉,复杂)",
        // The tester's report of 2026-12-03 (item 9).
        "待认定 51 (R)",
        "请先修正标出的字段。 (+1)",
        "已自动关闭：#170, #172。",
        "服务日报 2026-12-03 (Asia/Shanghai)",
        "问题解决率  0.0% (0/4)",
        "当前超时 (22)",
    ] {
        assert!(!problems(seen, &english, &none, false).is_empty(), "{seen}");
    }
    let fine = "状态：已关闭 剩余 6小时46分钟（SLA），#12 2026-12-01 10:00 +08:00";
    assert_eq!(problems(fine, &english, &none, false), Vec::<String>::new());
}

fn now() -> DateTime<Utc> {
    "2026-11-24T02:00:00Z".parse().unwrap()
}

fn ticket(title: &str, name: &str, priority: Priority, kind: Kind) -> NewTicket {
    NewTicket {
        customer: Customer {
            name: name.into(),
            phone: "13812345678".into(),
            email: String::new(),
        },
        priority,
        kind,
        reference: "1001".into(),
        description: "客户说收到的颜色不对。".into(),
        ..NewTicket::titled(title)
    }
}

/// A desk in Chinese: a breached complaint, a fresh repair, a waiting and a resolved ticket.
fn desk(path: &Path) -> Desk {
    let mut desk = Desk::new(
        common::store(path, Access::Create).unwrap(),
        Policy::builtin(),
        Clock::frozen(now()),
        "小王",
    );
    let t0 = now();
    desk.open_ticket(
        &ticket("搅拌机有异响", "李娜", Priority::Urgent, Kind::Complaint),
        Some(t0 - Duration::days(3)),
    )
    .unwrap();
    desk.open_ticket(
        &ticket("洗衣机滚筒不转", "王小明", Priority::Normal, Kind::Repair),
        Some(t0 - Duration::minutes(20)),
    )
    .unwrap();
    let w = desk
        .open_ticket(
            &ticket("发错颜色", "陈静", Priority::Important, Kind::WrongItem),
            Some(t0 - Duration::hours(5)),
        )
        .unwrap();
    desk.change_status(w.id, Some(w.version), Status::Waiting, "请客户拍照")
        .unwrap();
    let r = desk
        .open_ticket(
            &ticket("要发票", "张伟", Priority::Normal, Kind::Enquiry),
            Some(t0 - Duration::hours(30)),
        )
        .unwrap();
    desk.change_status(r.id, Some(r.version), Status::Resolved, "已寄出")
        .unwrap();
    desk
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn chinese_screens_hold_no_english() {
    let dir = tempfile::tempdir().unwrap();
    let mut desk = desk(&dir.path().join("t.db"));
    let mut failures = Vec::new();
    let fresh = |desk: &Desk| {
        let mut app = App::new("zh-CN", Keymap::default(), Theme::default());
        app.resize(120, 35);
        app.load(desk);
        app
    };
    let screen = |app: &App| frame_text(app, now(), 120, 35);
    let app = fresh(&desk);
    check("board", &screen(&app), false, &mut failures);
    for view in ['2', '3', '4', '5'] {
        let mut app = fresh(&desk);
        app.handle_key(key(KeyCode::Char(view)), &mut desk);
        check(&format!("board view {view}"), &screen(&app), false, &mut failures);
    }
    let mut app = fresh(&desk);
    app.handle_key(key(KeyCode::Enter), &mut desk);
    check("ticket view", &screen(&app), false, &mut failures);
    // Forms show what to type ("30m、2h"): units are syntax there, words are not.
    for form in ['n', 'l', 's', 'p', 't', 'x', 'e'] {
        let mut app = fresh(&desk);
        app.handle_key(key(KeyCode::Char(form)), &mut desk);
        check(&format!("form {form}"), &screen(&app), true, &mut failures);
    }
    let mut app = fresh(&desk);
    app.handle_key(key(KeyCode::F(1)), &mut desk);
    check("help", &screen(&app), true, &mut failures);
    for (name, keys) in [("review", "R"), ("dashboard", "D")] {
        let mut app = fresh(&desk);
        for k in keys.chars() {
            app.handle_key(key(KeyCode::Char(k)), &mut desk);
        }
        check(name, &screen(&app), false, &mut failures);
        if name == "review" {
            app.handle_key(key(KeyCode::Enter), &mut desk);
            check("judge form", &screen(&app), true, &mut failures);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `--help` of `promptly` and of every subcommand, in `lang`.
fn all_help(db: &Path, lang: &str) -> Vec<(String, String)> {
    fn paths(cmd: &clap::Command, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(prefix.clone());
        for sub in cmd.get_subcommands() {
            let mut path = prefix.clone();
            path.push(sub.get_name().to_string());
            paths(sub, path, out);
        }
    }
    let mut all = Vec::new();
    paths(&promptly::cli::args::Cli::command(), Vec::new(), &mut all);
    all.into_iter()
        .map(|path| {
            let out = common::promptly(db, lang).args(&path).arg("--help").output().unwrap();
            assert!(out.status.success(), "{path:?} --help");
            (path.join(" "), String::from_utf8(out.stdout).unwrap())
        })
        .collect()
}

#[test]
fn every_command_and_flag_has_help_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let mut failures = Vec::new();
    for lang in ["en", "zh-CN"] {
        let command = promptly::cli::help::command(lang);
        fn walk(cmd: &clap::Command, lang: &str, failures: &mut Vec<String>) {
            if cmd.get_about().is_none_or(|a| a.to_string().trim().is_empty()) {
                failures.push(format!("{lang}: {} has no about", cmd.get_name()));
            }
            for arg in cmd.get_arguments() {
                if arg.get_help().is_none_or(|h| h.to_string().trim().is_empty()) {
                    failures.push(format!("{lang}: {} {} has no help", cmd.get_name(), arg.get_id()));
                }
            }
            cmd.get_subcommands().for_each(|s| walk(s, lang, failures));
        }
        walk(&command, lang, &mut failures);
    }
    let en = all_help(&db, "en");
    let zh = all_help(&db, "zh-CN");
    for ((path, en), (_, zh)) in en.iter().zip(&zh) {
        assert_ne!(en, zh, "{path}: the same help in both languages");
        check(&format!("promptly {path} --help"), zh, true, &mut failures);
    }
    // `promptly --help` lists every command with its text from the catalogue.
    let (_, top_zh) = &zh[0];
    for sub in promptly::cli::args::Cli::command().get_subcommands() {
        let about = promptly::words::catalogue::translate("zh-CN", &format!("help.{}.about", sub.get_name()), &[]);
        let first = about.chars().take(8).collect::<String>();
        assert!(
            top_zh.contains(&first),
            "promptly --help lacks {} ({first})",
            sub.get_name()
        );
    }
    assert!(
        top_zh.contains("用法：") && top_zh.contains("选项：") && top_zh.contains("命令："),
        "{top_zh}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn chinese_cli_output_and_errors_hold_no_english() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    std::fs::write(dir.path().join("config.toml"), "author = \"小王\"\n").unwrap();
    drop(desk(&db));
    let now = ["--now", "2026-11-24T10:00:00+08:00"];
    let run = |args: &[&str]| {
        let out = common::promptly(&db, "zh-CN").args(now).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap(),
        )
    };
    let mut failures = Vec::new();
    for args in [
        &["list", "--all"][..],
        &["show", "1"],
        &["show", "4"],
        &["sla", "explain", "1"],
        &["report", "daily"],
        &["report", "weekly"],
        &["report", "monthly"],
        &["review", "list"],
    ] {
        let (code, text) = run(args);
        assert_eq!(code, Some(0), "{args:?}: {text}");
        check(&args.join(" "), &text, false, &mut failures);
    }
    // The policy summary names metrics as the policy file does (what `sla extend` takes).
    let (code, text) = run(&["sla", "check"]);
    assert_eq!(code, Some(0), "{text}");
    check("sla check", &text, true, &mut failures);
    // Refusals from the desk: words only (what they quote is checked as syntax).
    for args in [
        &["status", "1", "closed", "--confirmed", "好了"][..],
        &["status", "2", "open"],
        &["sla", "extend", "3", "resolution", "--by", "9d", "--reason", "等配件"],
        &["sla", "extend", "1", "plan", "--by", "2h", "--reason", "等配件"],
    ] {
        let (code, text) = run(args);
        assert_eq!(code, Some(1), "{args:?}: {text}");
        check(&args.join(" "), &text, true, &mut failures);
    }
    // clap's usage errors, rendered in Chinese.
    for args in [
        &["new", "--titl", "x"][..],
        &["new"],
        &["new", "--title", "x", "--priority", "asap"],
        &["list", "--limit", "十个"],
        &["list", "--all", "--status", "open"],
        &["demo", "--tickets", "0"],
        &["report", "--format", "pdf", "daily"],
        &["sla"],
        &["bogus"],
        &["callback", "record", "1", "--reached", "maybe"],
    ] {
        let (code, text) = run(args);
        assert_eq!(code, Some(2), "{args:?}: {text}");
        assert!(
            text.starts_with("错误：") && text.contains("--help"),
            "{args:?}: {text}"
        );
        check(&args.join(" "), &text, true, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The tester's report of 2026-12-03: durations typed in Chinese, the names in usage errors
/// and `--help`, help wrapped to the terminal, the man page, spacing in messages, unknown
/// languages.
#[test]
fn chinese_typed_durations_help_man_and_languages() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    std::fs::write(dir.path().join("config.toml"), "author = \"小王\"\n").unwrap();
    drop(desk(&db));
    let now = ["--now", "2026-11-24T10:00:00+08:00"];
    let run = |lang: &str, args: &[&str]| {
        let out = common::promptly(&db, lang)
            .env("COLUMNS", "80")
            .args(now)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    // Durations as the zh screens write them parse: working days for a day metric, business
    // time for an hour one; and `list --due-within` reads a countdown ("26天5小时").
    for (args, shown) in [
        (
            &["sla", "extend", "2", "resolution", "--by", "1天", "--reason", "等配件"][..],
            "1个工作日",
        ),
        (
            &[
                "sla",
                "extend",
                "2",
                "resolution",
                "--by",
                "1个工作日",
                "--reason",
                "等配件",
            ],
            "1个工作日",
        ),
        (&["list", "--due-within", "26天5小时"], ""),
    ] {
        let (code, out, err) = run("zh-CN", args);
        assert_eq!(code, Some(0), "{args:?}: {out}{err}");
        assert!(out.contains(shown), "{args:?}: {out}");
    }
    let due = |target: &str| {
        run(
            "zh-CN",
            &["sla", "due", "--from", "2026-11-24 10:00", "--target", target],
        )
    };
    let (code, ascii, err) = due("1h30m");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(due("1小时30分钟").1, ascii);
    assert_eq!(due("2天").1, due("2d").1);
    let (code, _, err) = run("zh-CN", &["sla", "extend", "2", "plan", "--by", "2周", "--reason", "x"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("未知单位“周”") && err.contains("30分钟、2小时"), "{err}");
    // No space inside a Chinese sentence around a status or an amount.
    let (code, out, _) = run("zh-CN", &["status", "1", "waiting", "--note", "等回复"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("状态为“等待客户”"), "{out}");
    let (code, _, err) = run(
        "zh-CN",
        &["sla", "extend", "2", "resolution", "--by", "3天", "--reason", "x"],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("已延期2个工作日，再延期3个工作日将超出"), "{err}");
    // Lateness is never cut in the review list or the daily report ("26天5小…").
    for args in [&["review", "list"][..], &["report", "daily"]] {
        let (code, out, _) = run("zh-CN", args);
        assert_eq!(code, Some(0));
        let chars: Vec<char> = out.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            let cut_unit = *c == '…' && i > 0 && "分钟时天".contains(chars[i - 1]);
            assert!(!cut_unit, "{args:?}: lateness cut in {out}");
        }
    }
    // A usage error names the argument in Chinese, not by its field name.
    let (code, _, err) = run("zh-CN", &["report", "yearly"]);
    assert_eq!(code, Some(2));
    assert!(!err.contains("period") && err.contains("期间"), "{err}");
    // `--help`: placeholders in Chinese, lines within the terminal (CJK counted as two).
    for path in [&["list"][..], &["demo"], &["completions"], &["new"], &["edit"], &[]] {
        let (_, help, _) = run("zh-CN", &[path, &["--help"]].concat());
        for line in help.lines() {
            assert!(promptly::domain::text::width_of(line) <= 80, "{path:?}: {line:?}");
            assert!(
                !line.starts_with(|c: char| "，。、；：）］".contains(c)),
                "{path:?}: {line:?}"
            );
        }
        assert!(
            !help.contains("<STATUS>") && !help.contains("<OPEN>") && !help.contains("<SHELL>"),
            "{help}"
        );
    }
    // The man page's headings and clap's own `help` line are Chinese.
    let (code, man, _) = run("zh-CN", &["man"]);
    assert_eq!(code, Some(0));
    for english in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        "subcommands",
        "Print this message",
    ] {
        assert!(!man.contains(english), "{english} in the zh man page");
    }
    assert!(man.contains(".SH 名称") && man.contains(".SH 选项"), "{man}");
    // A language Promptly lacks: a warning in both languages, then English.
    for tag in ["fr", "zh-TW"] {
        let (code, out, err) = run(tag, &["list"]);
        assert_eq!(code, Some(0), "{err}");
        assert!(
            err.contains("en (English)") && err.contains("以下用英文"),
            "{tag}: {err}"
        );
        assert!(out.contains("Title") || out.contains("No tickets"), "{tag}: {out}");
    }
    let (_, _, err) = run("zh-CN", &["list"]);
    assert!(err.is_empty(), "{err}");
}

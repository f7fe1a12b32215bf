//! No input crashes Promptly: random argument vectors built from the clap definition (every
//! subcommand and flag, valid and invalid values, extreme dates and numbers, hostile text) run
//! in-process against a temporary database. Each must end with exit code 0, 1 or 2 and never
//! panic. `PROPTEST_CASES` raises the count for a longer run (the README says how).
//!
//! On either backend (`common`): on the server pass `--db` is the URL of the file's schema,
//! and the 5,000 cases take four or five times as long as on the file (each command opens its
//! own connection).

pub mod common;

use clap::CommandFactory;
use promptly::cli::args::Cli;
use proptest::prelude::*;
use std::path::Path;
use std::sync::Mutex;

/// Values tried for any option or positional: right and wrong for every kind of argument.
const VALUES: &[&str] = &[
    "1",
    "2",
    "3",
    "0",
    "-1",
    "7",
    "42",
    "999999",
    "18446744073709551616",
    "99999999999999999999",
    "2026-11-23",
    "2026-02-29",
    "1970-01-01",
    "9999-12-31",
    "+262142-12-31",
    "1969-12-31",
    "2026-13-01",
    "2026-11",
    "9999-12",
    "+262142-12",
    "2026-11-23 10:00",
    "2026-11-23T10:00:00+08:00",
    "2026-03-29 02:30",
    "30m",
    "2h",
    "1h30m",
    "3d",
    "0m",
    "-3h",
    "99999999999d",
    "2900000d",
    "10y",
    "open",
    "waiting",
    "resolved",
    "closed",
    "已解决",
    "urgent",
    "紧急",
    "complaint",
    "投诉",
    "一般",
    "复杂",
    "call",
    "email",
    "minor",
    "major",
    "refund",
    "yes",
    "no",
    "是",
    "text",
    "md",
    "html",
    "json",
    "first-response",
    "resolution",
    "plan",
    "progress",
    "acknowledge",
    "shop",
    "nope",
    "",
    " ",
    "\u{1b}]0;PWNED\u{7}",
    "\u{9b}2J",
    "a\u{202e}b",
    "\u{2028}",
    "🙂‍🙂",
    "王小明",
    "13812345678",
    "li@example.com",
    "not-an-email",
    "%{id}",
    "'; DROP TABLE log; --",
    "-",
    "--",
    "x\ny",
];

/// Values that fit an argument of this kind (by its value name), tried three times in four.
fn fitting(arg: &clap::Arg) -> &'static [&'static str] {
    let name = arg
        .get_value_names()
        .and_then(|v| v.first())
        .map(|n| n.as_str().to_string())
        .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
    match arg.get_id().as_str() {
        "kind" => return &["quality", "repair", "return", "complaint", "enquiry", "投诉", "other"],
        "priority" => return &["urgent", "important", "normal", "紧急"],
        "channel" => return &["phone", "email", "online", "store", "电话"],
        "contact" => return &["call", "email", "sms", "visit", "电话"],
        "complexity" => return &["ordinary", "complex", "复杂"],
        "state" | "status" => return &["open", "waiting", "resolved", "closed", "已解决"],
        "class" => return &["minor", "major", "excused", "一般"],
        "remedy" => return &["none", "refund", "apology", "compensation"],
        "format" => return &["text", "md", "html", "json"],
        "reached" => return &["yes", "no"],
        "score" => return &["1", "3", "5"],
        "kind_of_report" | "period" => return &["daily", "weekly", "monthly"],
        _ => {}
    }
    match name.as_str() {
        "DATE" => &["2026-11-23", "2026-11-01", "2026-10-31", "9999-12-31", "1970-01-01"],
        "TIMESTAMP" => &["2026-11-20 09:00", "2026-11-23T10:00:00+08:00", "1970-01-01 00:00"],
        "DURATION" => &["30m", "2h", "1h30m", "1d", "3d", "3650d"],
        "YYYY-MM" => &["2026-10", "2026-11", "9999-12", "1970-01"],
        "N" | "ID" | "LIMIT" | "TICKETS" | "SEED" | "CYCLE" | "WIDTH" | "HEIGHT" | "SCORE" => {
            &["1", "2", "5", "30", "3", "0", "65535"]
        }
        "METRIC" => &["first-response", "resolution", "plan", "progress", "acknowledge"],
        "FILE" | "PATH" | "DIR" => &["/nonexistent/promptly-fuzz", "/dev/null"],
        _ => &[
            "kettle stops",
            "王小明",
            "13812345678",
            "li@example.com",
            "called back",
            "SO-1001",
        ],
    }
}

/// Subcommand paths that are leaves, with their arguments; `board` only as `--print`.
fn leaves() -> Vec<(Vec<String>, Vec<clap::Arg>)> {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, Vec<clap::Arg>)>) {
        let subs: Vec<&clap::Command> = cmd.get_subcommands().collect();
        if subs.is_empty() {
            let args = cmd
                .get_arguments()
                .filter(|a| !a.is_global_set() && !["help", "version"].contains(&a.get_id().as_str()))
                .cloned()
                .collect();
            out.push((path, args));
            return;
        }
        for sub in subs {
            // Interactive or printing pages of generated text: not what this test is about.
            if ["completions", "man", "help"].contains(&sub.get_name()) {
                continue;
            }
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            walk(sub, p, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), Vec::new(), &mut out);
    out
}

/// One argument on the command line: a positional value, a flag, or `--name value`.
fn push_arg(argv: &mut Vec<String>, arg: &clap::Arg, pick: usize) {
    let possible: Vec<String> = arg
        .get_possible_values()
        .iter()
        .map(|v| v.get_name().to_string())
        .collect();
    let fits = fitting(arg);
    let value = match pick % 4 {
        0 => VALUES[(pick / 4) % VALUES.len()].to_string(),
        _ if !possible.is_empty() => possible[(pick / 4) % possible.len()].clone(),
        _ => fits[(pick / 4) % fits.len()].to_string(),
    };
    let takes_value = arg.get_num_args().is_none_or(|n| n.takes_values());
    match arg.get_long() {
        None => argv.push(value),
        Some(long) if !takes_value || matches!(arg.get_action(), clap::ArgAction::SetTrue) => {
            argv.push(format!("--{long}"))
        }
        Some(long) if pick.is_multiple_of(5) => argv.push(format!("--{long}={value}")),
        Some(long) => {
            argv.push(format!("--{long}"));
            argv.push(value);
        }
    }
}

/// How many cases ended with each exit code (0, 1, 2).
static CODES: Mutex<[usize; 3]> = Mutex::new([0; 3]);

/// What a panic said, caught instead of printed.
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// stdout and stderr go to /dev/null while the cases run (thousands of listings), and come
/// back before any assertion. stdin reads /dev/null: `intake` reads a message there, and
/// whatever the harness's stdin is (a terminal, a pipe left open) must not hold a case up.
struct Quiet {
    saved: [i32; 3],
}

impl Quiet {
    fn start() -> Quiet {
        // SAFETY: plain descriptor calls on this process's own stdout/stderr.
        unsafe {
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            let saved = [libc::dup(1), libc::dup(2), libc::dup(0)];
            libc::dup2(null, 1);
            libc::dup2(null, 2);
            libc::dup2(null, 0);
            libc::close(null);
            Quiet { saved }
        }
    }
}

impl Drop for Quiet {
    fn drop(&mut self) {
        // SAFETY: restores the descriptors saved in `start`.
        unsafe {
            libc::dup2(self.saved[0], 1);
            libc::dup2(self.saved[1], 2);
            libc::dup2(self.saved[2], 0);
            for fd in self.saved {
                libc::close(fd);
            }
        }
    }
}

/// `promptly --db DB --config CONFIG REST`, in-process; `db` is the file's path or, on the
/// server pass, the URL of its schema.
fn promptly(db: &str, config: &Path, rest: &[String]) -> u8 {
    let mut argv = vec![
        "promptly".to_string(),
        "--db".into(),
        db.to_string(),
        "--config".into(),
        config.display().to_string(),
    ];
    argv.extend(rest.iter().cloned());
    promptly::run::run(argv)
}

#[test]
fn random_command_lines_never_panic_and_exit_0_1_or_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fuzz.db");
    let db = common::server(&file).unwrap_or_else(|| file.display().to_string());
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    // `report --output NAME` and the like write where they are told: here, not in the repository.
    std::env::set_current_dir(dir.path()).unwrap();
    // And what a command keeps in the user's data folder (on a server, attachments and the
    // quarantine) goes here too.
    // SAFETY: the only test in this binary sets it before any case runs.
    unsafe { std::env::set_var("XDG_DATA_HOME", dir.path()) };
    let leaves = leaves();
    assert!(leaves.len() >= 20, "{} subcommands found", leaves.len());
    std::panic::set_hook(Box::new(|info| {
        PANICS.lock().unwrap_or_else(|e| e.into_inner()).push(info.to_string())
    }));
    let outcome = {
        let _quiet = Quiet::start();
        let filled = promptly(
            &db,
            &config,
            &[
                "--now".into(),
                "2026-11-20 18:00".into(),
                "demo".into(),
                "--tickets".into(),
                "30".into(),
            ],
        );
        // Asked here, before the cases open more; read (and any failure shown) after.
        let demo = (filled == 0).then(|| common::try_sql(&file, "SELECT count(*) FROM tickets"));
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(5_000);
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        });
        let nows = [
            "2026-11-24 10:00",
            "1970-01-01 00:00",
            "2027-06-30 23:59",
            "2026-11-20T18:00:00Z",
            "+262142-01-01T00:00:00Z",
            "soon",
        ];
        let strategy = (
            0..leaves.len(),
            prop::collection::vec(any::<(usize, usize)>(), 0..4),
            0..nows.len(),
            any::<bool>(),
        );
        let result = runner.run(&strategy, |(leaf, picks, now, zh)| {
            let (path, args) = &leaves[leaf];
            let mut argv = vec![
                "--now".to_string(),
                nows[now].to_string(),
                "--lang".into(),
                if zh { "zh-CN" } else { "en" }.into(),
            ];
            argv.extend(path.iter().cloned());
            if path.first().is_some_and(|p| p == "board") {
                argv.push("--print".into());
            }
            // Positional arguments first, in order, then the required options, then a random
            // choice of the rest.
            let seed = |i: usize| picks.get(i).map_or(i * 7 + 1, |p| p.1.wrapping_add(i));
            for (i, arg) in args.iter().filter(|a| a.is_positional()).enumerate() {
                push_arg(&mut argv, arg, seed(i));
            }
            for (i, arg) in args
                .iter()
                .filter(|a| !a.is_positional() && a.is_required_set())
                .enumerate()
            {
                push_arg(&mut argv, arg, seed(i + 3));
            }
            let options: Vec<&clap::Arg> = args.iter().filter(|a| !a.is_positional()).collect();
            let mut used = std::collections::BTreeSet::new();
            for (which, pick) in &picks {
                if let Some(arg) = options.get(which % options.len().max(1))
                    && !arg.is_required_set()
                    && used.insert(arg.get_id().as_str())
                {
                    push_arg(&mut argv, arg, *pick);
                }
            }
            let code = std::panic::catch_unwind(|| promptly(&db, &config, &argv));
            prop_assert!(code.is_ok(), "panicked on {argv:?}");
            let code = code.unwrap_or(101);
            // `intake` exits with sysexits for MDAs: 66 on the empty stdin, 74 for a maildir
            // that is not there; they count as refusals.
            let intake = path.first().is_some_and(|p| p == "intake");
            let sysexit = intake && [65, 66, 74, 75].contains(&code);
            prop_assert!(code <= 2 || sysexit, "exit {code} on {argv:?}");
            CODES.lock().unwrap_or_else(|e| e.into_inner())[usize::from(if sysexit { 1 } else { code })] += 1;
            if let Ok(path) = std::env::var("FUZZ_LOG") {
                use std::io::Write;
                let mut f = std::fs::OpenOptions::new()
                    .append(true)
                    .create(true)
                    .open(path)
                    .unwrap();
                let _ = writeln!(f, "{code} {argv:?}");
            }
            Ok(())
        });
        (filled, demo, result)
    };
    let _ = std::panic::take_hook();
    let (filled, demo, result) = outcome;
    assert_eq!(filled, 0, "the demo database could not be filled");
    assert_eq!(demo, Some(Ok(vec![vec![Some("30".to_string())]])), "the demo's tickets");
    let panics = PANICS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(result.is_ok() && panics.is_empty(), "{result:?}\npanics: {panics:#?}");
    // The cases reach the commands, not only the argument parser.
    let codes = *CODES.lock().unwrap_or_else(|e| e.into_inner());
    let total: usize = codes.iter().sum();
    eprintln!("exit codes 0/1/2: {codes:?}");
    assert!(
        codes[0] * 10 >= total && codes[1] * 20 >= total,
        "exit codes 0/1/2: {codes:?}"
    );
}

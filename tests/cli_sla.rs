//! `promptly sla ...` and the SLA-aware list filters, through the binary.

use std::path::PathBuf;
use std::process::Output;

pub mod common;

fn promptly(dir: &std::path::Path, args: &[&str]) -> Output {
    common::promptly(&dir.join("desk.db"), "en")
        .args(args)
        .output()
        .unwrap()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    dir
}

fn stdout_ok(out: Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn due(dir: &std::path::Path, from: &str, target: &str, extra: &[&str]) -> String {
    let mut args = vec!["sla", "due", "--from", from, "--target", target];
    args.extend_from_slice(extra);
    stdout_ok(promptly(dir, &args)).trim().to_string()
}

#[test]
fn sla_due_prints_the_deadline_with_the_calendar_offset() {
    let dir = setup();
    let d = dir.path();
    // Shop: Mon-Fri 09:00-12:00, 13:30-18:00 in Asia/Shanghai.
    assert_eq!(
        due(d, "2026-11-23T09:00:00+08:00", "9h", &[]),
        "2026-11-24T10:30:00+08:00"
    );
    assert_eq!(due(d, "2026-11-23 17:00", "2h", &[]), "2026-11-24T10:00:00+08:00");
    assert_eq!(due(d, "2026-11-23 11:30", "30m", &[]), "2026-11-23T12:00:00+08:00");
    assert_eq!(due(d, "2026-11-23 12:30", "30m", &[]), "2026-11-23T14:00:00+08:00");
    // Working days: Monday not counted, close of the third working day after it.
    assert_eq!(due(d, "2026-11-23 10:00", "3d", &[]), "2026-11-26T18:00:00+08:00");
    // Round the clock calendar, from a UTC instant.
    assert_eq!(
        due(d, "2026-11-23T23:00:00Z", "24h", &["--calendar", "7x24"]),
        "2026-11-25T07:00:00+08:00"
    );
}

#[test]
fn sla_due_works_with_a_policy_of_calendars_only_and_names_unknown_calendars() {
    let dir = setup();
    let policy: PathBuf = dir.path().join("berlin.toml");
    std::fs::write(
        &policy,
        "[calendars.berlin]\ntimezone = \"Europe/Berlin\"\nsat = [\"10:00-24:00\"]\nsun = [\"01:00-04:00\"]\n",
    )
    .unwrap();
    let p = policy.to_str().unwrap();
    // 2026-03-29 is the spring-forward Sunday in Berlin: 02:00-03:00 does not exist, so
    // 01:00-04:00 is two real hours. 1h on Saturday to 24:00, then 1h30m from 01:00 CET
    // reaches the wall clock's 02:30, which is skipped: 03:30 CEST.
    assert_eq!(
        due(
            dir.path(),
            "2026-03-28 23:00",
            "2h30m",
            &["--policy", p, "--calendar", "berlin"]
        ),
        "2026-03-29T03:30:00+02:00"
    );
    assert_eq!(
        due(
            dir.path(),
            "2026-03-28 23:00",
            "3h",
            &["--policy", p, "--calendar", "berlin"]
        ),
        "2026-03-29T04:00:00+02:00"
    );
    let out = promptly(
        dir.path(),
        &[
            "sla",
            "due",
            "--policy",
            p,
            "--calendar",
            "shop",
            "--from",
            "2026-03-28 10:00",
            "--target",
            "1h",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown calendar 'shop'") && err.contains("known: berlin"),
        "{err}"
    );
    let out = promptly(
        dir.path(),
        &["sla", "due", "--from", "2026-03-28 10:00", "--target", "soon"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sla_check_summarises_the_builtin_policy_and_locates_errors() {
    let dir = setup();
    let text = stdout_ok(promptly(dir.path(), &["sla", "check"]));
    assert!(text.contains("Policy OK"), "{text}");
    for metric in ["first-response", "plan", "resolution", "progress"] {
        assert!(text.contains(metric), "{metric} missing from {text}");
    }
    let broken = dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        "[calendars.shop]\ntimezone = \"Mars/Olympus\"\nmon = [\"09:00-25:00\"]\n\n[metrics.x]\nlabel = { en = \"X\", zh = \"X\" }\nstart = \"opened\"\nstop = \"resolved\"\ncalendar = \"shop\"\ntarget = \"soon\"\npause = [\"sleeping\"]\n",
    )
    .unwrap();
    let out = promptly(dir.path(), &["sla", "check", "--policy", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let name = broken.display().to_string();
    for expected in [
        format!("{name}:2: calendars.shop.timezone"),
        format!("{name}:3: calendars.shop.mon"),
        format!("{name}:10:"),
        format!("{name}:11:"),
    ] {
        assert!(err.contains(&expected), "missing {expected} in {err}");
    }
}

#[test]
fn overdue_and_due_within_filter_and_sort_by_time_to_breach() {
    let dir = setup();
    let d = dir.path();
    let now = ["--now", "2026-11-23 10:00"];
    let new = |title: &str, at: &str, priority: &str| {
        let out = promptly(
            d,
            &[
                "new",
                "--title",
                title,
                "--opened-at",
                at,
                "--priority",
                priority,
                "--now",
                "2026-11-23 10:00",
            ],
        );
        stdout_ok(out);
    };
    new("late since nine", "2026-11-23 09:00", "normal"); // first response due 09:30: late
    new("due at ten thirty five", "2026-11-23 09:40", "normal"); // due 10:10
    new("fresh", "2026-11-23 10:00", "normal"); // due 10:30
    let overdue = stdout_ok(promptly(d, &["list", "--overdue", now[0], now[1]]));
    assert!(overdue.contains("late since nine"), "{overdue}");
    assert!(
        !overdue.contains("fresh") && !overdue.contains("ten thirty"),
        "{overdue}"
    );
    let soon = stdout_ok(promptly(d, &["list", "--due-within", "15m", now[0], now[1]]));
    let lines: Vec<&str> = soon.lines().skip(1).collect();
    assert_eq!(lines.len(), 2, "{soon}");
    assert!(
        lines[0].contains("late since nine") && lines[1].contains("ten thirty"),
        "{soon}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout_ok(promptly(
        d,
        &["list", "--overdue", "--json", now[0], now[1]],
    )))
    .unwrap();
    let clock = &json[0]["clocks"][0];
    assert_eq!(clock["metric"], "first-response");
    assert_eq!(clock["state"], "breached");
    assert_eq!(clock["breached"], true);
    assert_eq!(clock["due_at"], "2026-11-23T01:30:00Z");
    assert_eq!(clock["remaining_secs"], -1800);
}

#[test]
fn extensions_are_capped_logged_and_explained() {
    let dir = setup();
    let d = dir.path();
    let at = ["--now", "2026-11-23 10:00"];
    stdout_ok(promptly(
        d,
        &["new", "--title", "Washer drum", "--kind", "repair", at[0], at[1]],
    ));
    let ok = promptly(
        d,
        &[
            "sla",
            "extend",
            "1",
            "resolution",
            "--by",
            "2d",
            "--reason",
            "special part ordered",
            at[0],
            at[1],
        ],
    );
    stdout_ok(ok);
    let before = common::state(&d.join("desk.db"));
    let refused = promptly(
        d,
        &[
            "sla",
            "extend",
            "1",
            "resolution",
            "--by",
            "2d",
            "--reason",
            "again",
            at[0],
            at[1],
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("3d"), "names the maximum: {err}");
    assert_eq!(common::state(&d.join("desk.db")), before);
    let no_reason = promptly(
        d,
        &[
            "sla",
            "extend",
            "1",
            "resolution",
            "--by",
            "1d",
            "--reason",
            " ",
            at[0],
            at[1],
        ],
    );
    assert_eq!(no_reason.status.code(), Some(1));
    let show: serde_json::Value =
        serde_json::from_str(&stdout_ok(promptly(d, &["show", "1", "--json", at[0], at[1]]))).unwrap();
    let last = show["log"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "extended");
    assert_eq!(last["body"], "special part ordered");
    let resolution = show["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == "resolution")
        .unwrap()
        .clone();
    // 7 working days after Monday 2026-11-23 (Saturdays count: the shop opens Saturday
    // mornings) end Tuesday 12-01; +2 working days -> Thursday 12-03, 18:00 local.
    assert_eq!(resolution["due_at"], "2026-12-03T10:00:00Z");
    let explain = stdout_ok(promptly(d, &["sla", "explain", "1", at[0], at[1]]));
    assert!(explain.contains("resolution") && explain.contains("2d"), "{explain}");
}

#[test]
fn a_ticket_set_waiting_after_its_deadline_stays_overdue_and_awaits_review() {
    let dir = setup();
    let d = dir.path();
    stdout_ok(promptly(
        d,
        &["new", "--title", "late then waiting", "--now", "2026-11-23 09:00"],
    ));
    // First response was due 09:30; the agent sets it waiting at 10:00.
    stdout_ok(promptly(
        d,
        &[
            "status",
            "1",
            "waiting",
            "--note",
            "asked for photos",
            "--now",
            "2026-11-23 10:00",
        ],
    ));
    let overdue = stdout_ok(promptly(d, &["list", "--overdue", "--now", "2026-11-23 10:00"]));
    assert!(overdue.contains("late then waiting"), "{overdue}");
    let queue = stdout_ok(promptly(d, &["review", "list", "--now", "2026-11-23 10:00"]));
    assert!(queue.contains("late then waiting") && queue.contains("30m"), "{queue}");
}

#[test]
fn an_extension_cannot_erase_a_breach() {
    let dir = setup();
    let d = dir.path();
    stdout_ok(promptly(
        d,
        &[
            "new",
            "--title",
            "repair",
            "--kind",
            "repair",
            "--now",
            "2026-11-23 10:00",
        ],
    ));
    // 7 working days end Tuesday 2026-12-01 18:00; on Wednesday it is breached.
    let out = promptly(
        d,
        &[
            "sla",
            "extend",
            "1",
            "resolution",
            "--by",
            "1d",
            "--reason",
            "late",
            "--now",
            "2026-12-02 10:00",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already breached"), "{err}");
}

#[test]
fn a_return_cannot_have_its_resolution_extended_under_the_default_policy() {
    let dir = setup();
    let d = dir.path();
    let at = ["--now", "2026-11-23 10:00"];
    stdout_ok(promptly(
        d,
        &["new", "--title", "Refund", "--kind", "return", at[0], at[1]],
    ));
    let before = common::state(&d.join("desk.db"));
    let args = [
        "sla",
        "extend",
        "1",
        "resolution",
        "--by",
        "1d",
        "--reason",
        "refund delayed",
        at[0],
        at[1],
    ];
    let refused = promptly(d, &args);
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("cannot be extended for a return ticket") && err.contains("quality, repair"),
        "{err}"
    );
    assert_eq!(common::state(&d.join("desk.db")), before);
    let zh = common::promptly(&d.join("desk.db"), "zh-CN")
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&zh.stderr);
    assert!(
        err.contains("退换货工单的“解决时限”不能延期") && err.contains("质量问题、维修"),
        "{err}"
    );

    // `sla check` shows the allowances per kind, of the builtin policy and of a user's.
    let text = stdout_ok(promptly(d, &["sla", "check"]));
    assert!(
        text.contains("may be extended by at most: quality 3d; repair 3d; other kinds not extendable"),
        "{text}"
    );
    let policy = d.join("mine.toml");
    std::fs::write(
        &policy,
        "[calendars.shop]\ntimezone = \"Asia/Shanghai\"\nmon = [\"09:00-18:00\"]\n\n[metrics.resolution]\nstop = \"resolved\"\ntarget = \"3d\"\nmax_extension = \"2d\"\n[metrics.resolution.max_extension_kinds]\nreturn = \"none\"\n",
    )
    .unwrap();
    let text = stdout_ok(promptly(d, &["sla", "check", "--policy", policy.to_str().unwrap()]));
    assert!(
        text.contains("may be extended by at most: 2d; return not extendable"),
        "{text}"
    );
}

//! Policy files: the builtin one parses and encodes the promises; every kind of mistake is
//! reported with file, line and field path, all of them at once.

use chrono::{DateTime, Utc};
use promptly::domain::policy::{Expected, Policy, Problem, StopEvent, ValueKind};
use promptly::domain::target::{Target, TargetError, TargetProblem};
use promptly::domain::ticket::{Complexity, Kind, Priority};

const CAL: &str = r#"[calendars.shop]
timezone = "Asia/Shanghai"
mon = ["09:00-12:00", "13:30-18:00"]
"#;

/// The errors of a policy text, rendered in English as the front ends show them.
fn errors(text: &str) -> Vec<String> {
    Policy::parse(text, "policy.toml")
        .expect_err("the policy should be refused")
        .iter()
        .map(|e| promptly::words::policy::error(e, "en"))
        .collect()
}

fn one_error(text: &str) -> String {
    let all = errors(text);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.into_iter().next().unwrap()
}

#[test]
fn builtin_policy_parses_with_its_calendars_and_metrics() {
    let p = Policy::builtin();
    assert_eq!(p.settings.calendar, "shop");
    assert_eq!(p.settings.auto_close_days, 7);
    assert!((p.settings.callback_share - 0.1).abs() < 1e-9);
    assert_eq!(p.shop_calendar().tz(), chrono_tz::Asia::Shanghai);
    assert!(p.calendar("7x24").is_some());
    let names: Vec<&str> = p.metrics.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["first-response", "acknowledge", "plan", "resolution", "progress"]
    );
    let res = p.metric("resolution").unwrap();
    assert_eq!(res.label("zh"), "解决时限");
    assert_eq!(res.label("en"), "Resolution");
    // 最长10个工作日 is for repairs: no base allowance, 3d for repair and quality only.
    assert_eq!(res.max_extension, None);
    assert_eq!(res.max_extension_for(Kind::Repair), Some(Target::WorkingDays(3)));
    assert_eq!(res.max_extension_for(Kind::Quality), Some(Target::WorkingDays(3)));
    assert_eq!(res.max_extension_for(Kind::Return), None);
    assert_eq!(res.max_extension_for(Kind::Enquiry), None);
    assert_eq!(res.extendable_kinds(), [Kind::Quality, Kind::Repair]);
    assert_eq!(res.stop, StopEvent::Resolved);
    assert!(p.metric("progress").unwrap().recurring);
}

#[test]
fn builtin_targets_encode_the_promises() {
    let p = Policy::builtin();
    let t = p.targets_for(Priority::Normal, Kind::Enquiry, Complexity::Ordinary);
    assert_eq!(t.get("first-response").map(String::as_str), Some("30m"));
    assert_eq!(t.get("plan").map(String::as_str), Some("24h"));
    assert_eq!(t.get("resolution").map(String::as_str), Some("3d"));
    assert!(!t.contains_key("progress"), "progress is for complex tickets");
    assert!(!t.contains_key("acknowledge"), "acknowledge is for complaints");

    let t = p.targets_for(Priority::Urgent, Kind::Repair, Complexity::Complex);
    assert_eq!(t.get("first-response").map(String::as_str), Some("2h"));
    assert_eq!(t.get("plan").map(String::as_str), Some("48h"));
    // Kind wins over complexity.
    assert_eq!(t.get("resolution").map(String::as_str), Some("7d"));
    assert_eq!(t.get("progress").map(String::as_str), Some("1d"));

    let t = p.targets_for(Priority::Important, Kind::Complaint, Complexity::Ordinary);
    assert_eq!(t.get("acknowledge").map(String::as_str), Some("24h"));
    assert_eq!(t.get("resolution").map(String::as_str), Some("15d"));
    let t = p.targets_for(Priority::Normal, Kind::Return, Complexity::Ordinary);
    assert_eq!(t.get("resolution").map(String::as_str), Some("3d"));
}

#[test]
fn builtin_calendar_knows_national_day_and_make_up_days() {
    let p = Policy::builtin();
    let shop = p.shop_calendar();
    let date = |s: &str| s.parse().unwrap();
    assert!(!shop.is_working_day(date("2026-10-01")));
    assert!(!shop.is_working_day(date("2026-10-07")));
    assert!(shop.is_working_day(date("2026-09-20")), "make-up Sunday");
    assert!(shop.is_working_day(date("2026-10-10")), "make-up Saturday");
    // Wednesday 2026-09-30 10:00 local + 1 working day = Thursday 10-08 18:00 local.
    let start: DateTime<Utc> = "2026-09-30T02:00:00Z".parse().unwrap();
    assert_eq!(
        shop.add_working_days(start, 1),
        Ok("2026-10-08T10:00:00Z".parse().unwrap())
    );
}

#[test]
fn a_policy_may_hold_only_calendars() {
    let p = Policy::parse(CAL, "policy.toml").unwrap();
    assert!(p.metrics.is_empty());
    assert_eq!(p.settings.calendar, "shop");
    assert!(
        p.targets_for(Priority::Normal, Kind::Other, Complexity::Ordinary)
            .is_empty()
    );
}

#[test]
fn hour_out_of_range_is_located() {
    let text = format!("{CAL}tue = [\"25:00-26:00\"]\n");
    assert_eq!(
        one_error(&text),
        "policy.toml:4: calendars.shop.tue: range \"25:00-26:00\": hour must be 00-24"
    );
}

#[test]
fn overlapping_and_unsorted_ranges_are_refused() {
    let text = format!("{CAL}tue = [\"09:00-12:00\", \"11:00-13:00\"]\nwed = [\"13:00-18:00\",\n  \"09:00-12:00\"]\n");
    let all = errors(&text);
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(
        all[0].starts_with("policy.toml:4: calendars.shop.tue: range \"11:00-13:00\": ranges overlap"),
        "{}",
        all[0]
    );
    assert!(
        all[1].starts_with("policy.toml:6: calendars.shop.wed: range \"09:00-12:00\": ranges not sorted"),
        "{}",
        all[1]
    );
}

#[test]
fn unknown_timezone_is_refused() {
    let text = "[calendars.shop]\ntimezone = \"Asia/Shanghia\"\n";
    let e = one_error(text);
    assert!(
        e.starts_with("policy.toml:2: calendars.shop.timezone: unknown timezone \"Asia/Shanghia\""),
        "{e}"
    );
}

#[test]
fn bad_dates_in_holidays_and_overrides_are_refused() {
    let text = format!("{CAL}holidays = [\"2026-13-01\"]\n[calendars.shop.overrides]\n\"2026-02-30\" = []\n");
    let all = errors(&text);
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(
        all[0].starts_with("policy.toml:4: calendars.shop.holidays:"),
        "{}",
        all[0]
    );
    assert!(
        all[1].starts_with("policy.toml:6: calendars.shop.overrides."),
        "{}",
        all[1]
    );
}

const METRIC: &str =
    "\n[metrics.first-response]\nstart = \"opened\"\nstop = \"first-outbound-contact\"\ntarget = \"30m\"\n";

#[test]
fn unknown_status_in_a_pause_list_is_refused() {
    let text = format!("{CAL}{METRIC}pause = [\"waiting\", \"sleeping\"]\n");
    let e = one_error(&text);
    assert!(
        e.starts_with("policy.toml:9: metrics.first-response.pause: unknown status \"sleeping\""),
        "{e}"
    );
}

#[test]
fn unparsable_target_is_refused_with_the_target_message() {
    let text = format!("{CAL}{METRIC}complex = \"1d2h\"\n");
    let e = one_error(&text);
    assert!(
        e.starts_with("policy.toml:9: metrics.first-response.complex: target \"1d2h\""),
        "{e}"
    );
    let text = format!(
        "{CAL}{METRIC}[metrics.first-response.kinds]\nrepair = {{ urgent = \"1h\", important = \"soon\", normal = \"2h\" }}\n"
    );
    let e = one_error(&text);
    assert!(
        e.starts_with("policy.toml:10: metrics.first-response.kinds.repair.important: target \"soon\""),
        "{e}"
    );
}

#[test]
fn metric_on_an_unknown_calendar_is_refused() {
    let text = format!("{CAL}{METRIC}calendar = \"office\"\n");
    assert_eq!(
        one_error(&text),
        "policy.toml:9: metrics.first-response.calendar: unknown calendar \"office\" (defined: shop)"
    );
}

#[test]
fn unknown_start_and_stop_events_are_refused() {
    let text = format!("{CAL}\n[metrics.x]\nstart = \"created\"\nstop = \"replied\"\ntarget = \"1h\"\n");
    let all = errors(&text);
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(
        all[0].starts_with(
            "policy.toml:6: metrics.x.start: unknown start event \"created\" (expected one of: opened, first-contact)"
        ),
        "{}",
        all[0]
    );
    assert!(
        all[1].starts_with("policy.toml:7: metrics.x.stop: unknown stop event \"replied\""),
        "{}",
        all[1]
    );
}

#[test]
fn warn_threshold_outside_zero_to_one_is_refused() {
    for bad in ["0", "1.5", "-0.2"] {
        let text = format!("{CAL}{METRIC}warn_at = {bad}\n");
        let e = one_error(&text);
        assert!(
            e.starts_with("policy.toml:9: metrics.first-response.warn_at:") && e.contains("outside (0, 1]"),
            "{e}"
        );
    }
    let text = format!("{CAL}{METRIC}warn_at = 1\n");
    assert!(Policy::parse(&text, "policy.toml").is_ok());
}

#[test]
fn all_errors_are_reported_at_once_in_file_order() {
    let text = "[calendars.shop]\ntimezone = \"Mars/Olympus\"\nmon = [\"09:00-25:00\"]\n\n[metrics.m]\nstop = \"resolved\"\ntarget = \"abc\"\nwarn_at = 2\ncolour = \"red\"\n";
    let all = errors(text);
    let lines: Vec<&str> = all.iter().map(|e| e.split(": ").next().unwrap()).collect();
    assert_eq!(
        lines,
        [
            "policy.toml:2",
            "policy.toml:3",
            "policy.toml:7",
            "policy.toml:8",
            "policy.toml:9"
        ],
        "{all:#?}"
    );
    assert!(all[3].contains("warn_at"));
    assert!(all[4].contains("metrics.m.colour: unknown key"), "{}", all[4]);
}

#[test]
fn syntax_errors_have_a_line() {
    let text = format!("{CAL}tue = [\"09:00-12:00\"\n");
    let all = errors(&text);
    assert!(
        all[0].starts_with("policy.toml:4:") || all[0].starts_with("policy.toml:5:"),
        "{all:#?}"
    );
}

#[test]
fn a_policy_without_calendars_is_refused() {
    let e = one_error("[settings]\nauto_close_days = 3\n");
    assert!(e.contains("calendars: at least one calendar is needed"), "{e}");
}

#[test]
fn settings_are_checked() {
    let text = format!("[settings]\ncalendar = \"office\"\ncallback_share = 1.5\n{CAL}");
    let all = errors(&text);
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(all[0].starts_with("policy.toml:2: settings.calendar: unknown calendar"));
    assert!(all[1].starts_with("policy.toml:3: settings.callback_share:"));
}

#[test]
fn per_priority_targets_and_filters() {
    let text = format!(
        "{CAL}\n[metrics.fix]\nstop = \"resolved\"\ntarget = {{ urgent = \"1h\", important = \"2h\", normal = \"4h\" }}\ncomplex = \"8h\"\nonly_kinds = [\"repair\", \"维修\", \"quality\"]\n[metrics.fix.kinds]\nquality = \"2d\"\n"
    );
    let p = Policy::parse(&text, "policy.toml").unwrap();
    let get = |pr, k, c| p.targets_for(pr, k, c).get("fix").cloned();
    assert_eq!(
        get(Priority::Urgent, Kind::Repair, Complexity::Ordinary).as_deref(),
        Some("1h")
    );
    assert_eq!(
        get(Priority::Normal, Kind::Repair, Complexity::Ordinary).as_deref(),
        Some("4h")
    );
    assert_eq!(
        get(Priority::Urgent, Kind::Repair, Complexity::Complex).as_deref(),
        Some("8h")
    );
    assert_eq!(
        get(Priority::Urgent, Kind::Quality, Complexity::Complex).as_deref(),
        Some("2d")
    );
    assert_eq!(get(Priority::Urgent, Kind::Enquiry, Complexity::Ordinary), None);
}

#[test]
fn several_errors_are_all_reported_typed_with_file_line_and_field() {
    let text = "[calendars.shop]\ntimezone = \"Asia/Shanghai\"\nmon = \"09:00-18:00\"\nholidays = [\"2026-10-01\", 7]\n\
                [settings]\nauto_close_days = 0\nsound = true\n\
                [metrics.m]\nstop = \"resolved\"\ntarget = { urgent = \"1h\", normal = \"2h\" }\nwarn_at = \"half\"\n\
                [metrics.m.kinds]\nrepair = \"1d\"\nbroken = \"2d\"\n";
    let all = Policy::parse(text, "shop.toml").unwrap_err();
    let found: Vec<(&str, usize, &str, &Problem)> = all
        .iter()
        .map(|e| (e.origin.as_str(), e.line, e.path.as_str(), &e.problem))
        .collect();
    assert_eq!(
        found,
        [
            (
                "shop.toml",
                3,
                "calendars.shop.mon",
                &Problem::WrongType {
                    expected: Some(Expected::Array),
                    found: ValueKind::String
                }
            ),
            (
                "shop.toml",
                4,
                "calendars.shop.holidays",
                &Problem::WrongType {
                    expected: Some(Expected::Date),
                    found: ValueKind::Integer
                }
            ),
            ("shop.toml", 6, "settings.auto_close_days", &Problem::AutoCloseDays(0)),
            (
                "shop.toml",
                7,
                "settings.sound",
                &Problem::UnknownKey {
                    allowed: vec!["calendar", "auto_close_days", "callback_share", "shop"]
                }
            ),
            (
                "shop.toml",
                10,
                "metrics.m.target",
                &Problem::Missing(promptly::domain::policy::Required::Priority(Priority::Important))
            ),
            (
                "shop.toml",
                11,
                "metrics.m.warn_at",
                &Problem::WrongType {
                    expected: Some(Expected::Number),
                    found: ValueKind::String
                }
            ),
            (
                "shop.toml",
                14,
                "metrics.m.kinds.broken",
                &Problem::UnknownKind("broken".into())
            ),
        ],
        "{all:#?}"
    );
    // Rendered, each names its file, line and field.
    for (e, shown) in all.iter().zip(errors(text)) {
        assert!(
            shown.starts_with(&format!("shop.toml:{}: {}: ", e.line, e.path).replace("shop.toml", "policy.toml")),
            "{shown}"
        );
    }
}

/// (line, path, problem) of every error.
fn located(text: &str) -> Vec<(usize, String, Problem)> {
    Policy::parse(text, "p.toml")
        .unwrap_err()
        .into_iter()
        .map(|e| (e.line, e.path, e.problem))
        .collect()
}

fn wrong(expected: Option<Expected>, found: ValueKind) -> Problem {
    Problem::WrongType { expected, found }
}

#[test]
fn problems_inside_values_are_located_at_the_inner_field() {
    let text = "[calendars.shop]\ntimezone = \"Asia/Shanghai\"\nmon = [\"09:00-12:00\", 9]\n[calendars.shop.overrides]\n\"2026-01-04\" = \"09:00-18:00\"\n\
         [metrics.m]\nlabel = { en = \"M\", fr = \"N\" }\nstop = \"resolved\"\n\
         target = { urgent = 5, important = \"1h\", normal = \"2h\" }\n[metrics.m.kinds]\nrepair = 5\n";
    let s = |x: &str| x.to_string();
    assert_eq!(
        located(text),
        [
            (
                3,
                s("calendars.shop.mon"),
                wrong(Some(Expected::String), ValueKind::Integer)
            ),
            (
                5,
                s("calendars.shop.overrides.\"2026-01-04\""),
                wrong(Some(Expected::Array), ValueKind::String)
            ),
            (
                7,
                s("metrics.m.label.fr"),
                Problem::UnknownKey {
                    allowed: vec!["en", "zh"]
                }
            ),
            (
                9,
                s("metrics.m.target.urgent"),
                wrong(Some(Expected::String), ValueKind::Integer)
            ),
            (
                11,
                s("metrics.m.kinds.repair"),
                wrong(Some(Expected::Target), ValueKind::Integer)
            ),
        ]
    );
}

#[test]
fn a_section_of_the_wrong_type_and_an_unknown_section_are_refused() {
    let text = "metrics = 3\nsla = {}\n[calendars.shop]\ntimezone = \"Asia/Shanghai\"\n";
    assert_eq!(
        located(text),
        [
            (
                1,
                "metrics".to_string(),
                wrong(Some(Expected::Table), ValueKind::Integer)
            ),
            (
                2,
                "sla".to_string(),
                Problem::UnknownKey {
                    allowed: vec!["settings", "calendars", "metrics"]
                }
            ),
        ]
    );
}

const EXTENDED: &str = "\n[metrics.fix]\nstop = \"resolved\"\ntarget = \"5d\"\nmax_extension = \"2d\"\n[metrics.fix.kinds]\nenquiry = \"4h\"\n[metrics.fix.max_extension_kinds]\n";

#[test]
fn per_kind_allowances_override_the_base_and_none_refuses() {
    let text = format!("{CAL}{EXTENDED}return = \"none\"\n\"维修\" = \"3d\"\nenquiry = \"1h\"\n");
    let p = Policy::parse(&text, "policy.toml").unwrap();
    let fix = p.metric("fix").unwrap();
    assert_eq!(fix.max_extension_for(Kind::Other), Some(Target::WorkingDays(2)));
    assert_eq!(fix.max_extension_for(Kind::Repair), Some(Target::WorkingDays(3)));
    assert_eq!(fix.max_extension_for(Kind::Enquiry), Some(Target::hours(1)));
    assert_eq!(fix.max_extension_for(Kind::Return), None);
    assert!(!fix.extendable_kinds().contains(&Kind::Return));
    assert_eq!(fix.extendable_kinds().len(), Kind::ALL.len() - 1);
    // "none" also reads for the base: nothing is extendable then but the kinds named.
    let text = text.replace("max_extension = \"2d\"", "max_extension = \"none\"");
    let fix = Policy::parse(&text, "policy.toml")
        .unwrap()
        .metric("fix")
        .unwrap()
        .clone();
    assert_eq!(fix.max_extension, None);
    assert_eq!(fix.extendable_kinds(), [Kind::Repair, Kind::Enquiry]);
}

#[test]
fn bad_per_kind_allowances_are_located_by_file_line_and_field() {
    let text = format!("{CAL}{EXTENDED}broken = \"1d\"\nrepair = \"soon\"\nquality = \"2h\"\nenquiry = \"1d\"\n");
    assert_eq!(
        located(&text),
        [
            (
                12,
                "metrics.fix.max_extension_kinds.broken".to_string(),
                Problem::UnknownKind("broken".into())
            ),
            (
                13,
                "metrics.fix.max_extension_kinds.repair".to_string(),
                Problem::BadExtension(TargetError {
                    text: "soon".into(),
                    problem: TargetProblem::NotATarget
                })
            ),
            // Hours for a kind on a day target, days for the kind on an hour target.
            (
                14,
                "metrics.fix.max_extension_kinds.quality".to_string(),
                Problem::ExtensionUnit
            ),
            (
                15,
                "metrics.fix.max_extension_kinds.enquiry".to_string(),
                Problem::ExtensionUnit
            ),
        ]
    );
    let shown = errors(&text);
    assert!(
        shown[0].starts_with("policy.toml:12: metrics.fix.max_extension_kinds.broken: unknown kind \"broken\""),
        "{}",
        shown[0]
    );
    assert!(
        shown[1].starts_with("policy.toml:13: metrics.fix.max_extension_kinds.repair: target \"soon\"")
            && shown[1].ends_with("; or \"none\" for no extensions"),
        "{}",
        shown[1]
    );
    let zh = promptly::words::policy::problem(&Policy::parse(&text, "p.toml").unwrap_err()[1].problem, "zh-CN");
    assert!(zh.ends_with("；或写“none”表示不可延期"), "{zh}");

    let text = format!("{CAL}{EXTENDED}return = 3\n");
    assert_eq!(
        located(&text),
        [(
            12,
            "metrics.fix.max_extension_kinds.return".to_string(),
            wrong(Some(Expected::Extension), ValueKind::Integer)
        )]
    );
    assert_eq!(
        one_error(&text),
        "policy.toml:12: metrics.fix.max_extension_kinds.return: expected a target (\"3d\", \"2h\") or \"none\", found an integer"
    );
    let text = format!("{CAL}{EXTENDED}")
        .replace("[metrics.fix.max_extension_kinds]\n", "")
        .replace(
            "max_extension = \"2d\"\n",
            "max_extension = \"2d\"\nmax_extension_kinds = \"3d\"\n",
        );
    assert_eq!(
        located(&text),
        [(
            9,
            "metrics.fix.max_extension_kinds".to_string(),
            wrong(Some(Expected::Table), ValueKind::String)
        )]
    );
}

#[test]
fn the_fingerprint_follows_the_per_kind_allowances() {
    let fp = |text: &str| Policy::parse(text, "policy.toml").unwrap().fingerprint();
    let base = format!("{CAL}{EXTENDED}repair = \"3d\"\n");
    let fingerprint = fp(&base);
    for edited in [
        base.replace("repair = \"3d\"", "repair = \"4d\""),
        base.replace("repair = \"3d\"", "repair = \"none\""),
        base.replace("repair = \"3d\"", "quality = \"3d\""),
        format!("{base}return = \"none\"\n"),
    ] {
        assert_ne!(fp(&edited), fingerprint, "{edited}");
    }
    // The same meaning written differently: a Chinese kind, "none" in capitals.
    assert_eq!(fp(&base.replace("repair = ", "\"维修\" = ")), fingerprint);
    let none = format!("{base}return = \"none\"\n");
    assert_eq!(fp(&none.replace("\"none\"", "\"NONE\"")), fp(&none));
    // An empty table means what no table means.
    let empty = format!("{CAL}{EXTENDED}");
    assert_eq!(
        fp(&empty),
        fp(&empty.replace("[metrics.fix.max_extension_kinds]\n", ""))
    );
}

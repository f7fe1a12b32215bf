//! Breakdowns and the breach-count trend (issue 13 item 4), on a constructed week whose figures
//! are computed by hand below: the desk's figures, each report format's rendered "Breakdown"
//! section and trend, the store's plan (the period's deadline range, no scan), the dashboard's
//! `b` cycling kind -> priority -> channel -> none, and the header's "callbacks due".

pub mod common;

use chrono::{DateTime, Duration, Utc};
use promptly::clock::Clock;
use promptly::desk::{Desk, FollowUp};
use promptly::domain::callback::{CallOutcome, Month};
use promptly::domain::kpi::{Dimension, Facet, PeriodKind};
use promptly::domain::log::{ContactMethod, Direction};
use promptly::domain::policy::Policy;
use promptly::domain::review::{BreachClass, Judgement, Remedy};
use promptly::domain::ticket::{Channel, Kind, NewTicket, Priority, Status};
use promptly::store::Access;
use promptly::tui::app::{App, Mode};
use promptly::tui::frame_text;
use promptly::tui::keymap::Keymap;
use promptly::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Monday 2026-11-23 10:00 in Shanghai: every ticket opens then; first response is due 10:30.
const OPENED: &str = "2026-11-23T02:00:00Z";
/// Tuesday 09:00 local, before any other clock's deadline (the plan's 24 h is due at 10:00).
const READ: &str = "2026-11-24T01:00:00Z";
const READ_LOCAL: &str = "2026-11-24 09:00";

fn desk_at(path: &Path, now: DateTime<Utc>) -> Desk {
    let mut policy = Policy::builtin();
    policy.settings.callback_share = 1.0;
    Desk::new(
        common::store(path, Access::Create).unwrap(),
        policy,
        Clock::frozen(now),
        "supervisor",
    )
}

/// The week, by ticket: kind, priority, channel, first response (minutes after opening; none:
/// never), and its judgement.
///
/// | # | kind | priority | channel | answered | first response |
/// |---|---|---|---|---|---|
/// | 1 | quality | urgent | phone | 10 min | met |
/// | 2 | quality | normal | email | never | breach, judged minor |
/// | 3 | repair | normal | phone | 45 min | breach |
/// | 4 | delivery | urgent | chat | 5 min | met |
/// | 5 | delivery | important | chat | never | breach |
///
/// By kind: quality 1/2 (50.0%, minor 1), repair 0/1 (0.0%, unjudged 1), delivery 1/2
/// (50.0%, unjudged 1). By priority: urgent 2/2 (100.0%), important 0/1, normal 0/2 (minor 1,
/// unjudged 1). By channel: phone 1/2, email 0/1 (minor 1), chat 1/2. Monday's trend: 2 of 5
/// met (40.0%), 3 breaches; every other day nothing due.
fn week(dir: &Path) -> PathBuf {
    let path = dir.join("week.db");
    std::fs::write(dir.join("config.toml"), "author = \"supervisor\"\n").unwrap();
    let rows: [(Kind, Priority, Channel, Option<i64>); 5] = [
        (Kind::Quality, Priority::Urgent, Channel::Phone, Some(10)),
        (Kind::Quality, Priority::Normal, Channel::Email, None),
        (Kind::Repair, Priority::Normal, Channel::Phone, Some(45)),
        (Kind::Delivery, Priority::Urgent, Channel::Chat, Some(5)),
        (Kind::Delivery, Priority::Important, Channel::Chat, None),
    ];
    let mut ids = vec![];
    for (i, (kind, priority, channel, answered)) in rows.into_iter().enumerate() {
        let mut desk = desk_at(&path, at(OPENED));
        let new = NewTicket {
            kind,
            priority,
            channel,
            ..NewTicket::titled(format!("Ticket {i}"))
        };
        let t = desk.open_ticket(&new, Some(at(OPENED))).unwrap();
        if let Some(minutes) = answered {
            let mut then = desk_at(&path, at(OPENED) + Duration::minutes(minutes));
            let contact = FollowUp::Contact {
                method: ContactMethod::Call,
                direction: Direction::Outbound,
            };
            then.follow_up(t.id, None, contact, "called").unwrap();
        }
        ids.push(t.id);
    }
    let judgement = Judgement {
        class: BreachClass::Minor,
        reason: "no answer".into(),
        remedy: Remedy::Apology,
        amount: None,
        note: String::new(),
    };
    desk_at(&path, at(READ))
        .judge(ids[1], "first-response", Some(1), &judgement)
        .unwrap();
    path
}

fn report(db: &Path, lang: &str, format: &str) -> String {
    let out = common::promptly(db, lang)
        .args(["--now", READ_LOCAL, "report", "weekly", "--format", format])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// (value, due, met, [total, minor, major, unjudged]) of the first-response cells of `dim`.
fn first_response(desk: &Desk, dim: Dimension) -> Vec<(&'static str, usize, usize, [usize; 4])> {
    let kpis = desk.kpis(desk.period(PeriodKind::Week, None)).unwrap();
    kpis.breakdowns
        .by(dim)
        .iter()
        .filter(|c| c.compliance.metric == "first-response")
        .map(|c| {
            let b = c.breaches;
            let value = match &c.facet {
                Facet::Kind(k) => k.slug(),
                Facet::Priority(p) => p.slug(),
                Facet::Channel(ch) => ch.slug(),
                Facet::Owner(_) => "(owner)",
            };
            (
                value,
                c.compliance.due,
                c.compliance.met,
                [b.total, b.minor, b.major, b.unjudged],
            )
        })
        .collect()
}

#[test]
fn the_desk_breaks_the_week_down_as_computed_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let desk = desk_at(&week(dir.path()), at(READ));
    assert_eq!(
        first_response(&desk, Dimension::Kind),
        vec![
            ("quality", 2, 1, [1, 1, 0, 0]),
            ("delivery", 2, 1, [1, 0, 0, 1]),
            ("repair", 1, 0, [1, 0, 0, 1]),
        ]
    );
    assert_eq!(
        first_response(&desk, Dimension::Priority),
        vec![
            ("urgent", 2, 2, [0, 0, 0, 0]),
            ("important", 1, 0, [1, 0, 0, 1]),
            ("normal", 2, 0, [2, 1, 0, 1]),
        ]
    );
    assert_eq!(
        first_response(&desk, Dimension::Channel),
        vec![
            ("phone", 2, 1, [1, 0, 0, 1]),
            ("email", 1, 0, [1, 1, 0, 0]),
            ("chat", 2, 1, [1, 0, 0, 1]),
        ]
    );
    // Nothing else was due by Tuesday 09:00.
    let kpis = desk.kpis(desk.period(PeriodKind::Week, None)).unwrap();
    assert!(
        kpis.breakdowns
            .kind
            .iter()
            .all(|c| c.compliance.metric == "first-response")
    );
    let report = desk.report(PeriodKind::Week, None).unwrap();
    let monday = report
        .trend
        .iter()
        .find(|(d, _)| d.to_string() == "2026-11-23")
        .unwrap();
    assert_eq!((monday.1.due, monday.1.met, monday.1.missed()), (5, 2, 3));
    let sunday = report
        .trend
        .iter()
        .find(|(d, _)| d.to_string() == "2026-11-22")
        .unwrap();
    assert_eq!((sunday.1.due, sunday.1.percent()), (0, None));
}

#[test]
fn the_breakdown_reads_the_periods_deadline_range_only() {
    if common::file_only(
        "the_breakdown_reads_the_periods_deadline_range_only",
        "SQLite's query plan (EXPLAIN QUERY PLAN)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = week(dir.path());
    let store = common::store(&path, Access::ReadOnly).unwrap();
    let desk = desk_at(&path, at(READ));
    let p = desk.period(PeriodKind::Week, None);
    let plan = store.facets_of_due_plan(p.from, p.to).unwrap();
    assert!(plan.contains("clocks_due"), "{plan}");
    assert!(plan.lines().all(|l| !l.starts_with("SCAN")), "{plan}");
    let plan = store.callbacks_due_plan("2026-10".parse().unwrap()).unwrap();
    assert!(plan.contains("callbacks_month"), "{plan}");
    assert!(plan.lines().all(|l| !l.starts_with("SCAN")), "{plan}");
}

#[test]
fn every_report_format_has_the_breakdown_and_the_breach_trend() {
    let dir = tempfile::tempdir().unwrap();
    let db = week(dir.path());

    let text = report(&db, "en", "text");
    // The trend table, then the breakdown, both after the compliance per metric.
    let trend = text.find("Compliance and breaches, last 30 days").expect(&text);
    let breakdown = text.find("Breakdown (met on time / due, breaches)").expect(&text);
    assert!(text.find("Compliance (met on time / due)").unwrap() < trend && trend < breakdown);
    let lines: Vec<&str> = text[trend..].lines().map(str::trim).collect();
    let row = |needle: &str| lines.iter().find(|l| l.starts_with(needle)).copied().unwrap_or("");
    let words = |l: &str| l.split_whitespace().map(String::from).collect::<Vec<_>>().join(" ");
    assert_eq!(
        words(row("First response quality")),
        "First response quality 2 1 50.0% minor failure (50-80%) 1 (minor 1, major 0, unjudged 0)"
    );
    assert_eq!(
        words(row("First response urgent")),
        "First response urgent 2 2 100.0% acceptable (≥ 80%) 0"
    );
    assert_eq!(
        words(row("First response email")),
        "First response email 1 0 0.0% major failure (< 50%) 1 (minor 1, major 0, unjudged 0)"
    );
    // The trend table: Monday 2 of 5 and 3 breaches; Sunday nothing due, not 0%.
    assert_eq!(words(row("2026-11-23")), "2026-11-23 5 2 40.0% 3");
    assert_eq!(words(row("2026-11-22")), "2026-11-22 0 0 nothing due 0");

    let md = report(&db, "en", "md");
    assert!(md.contains("## Breakdown (met on time / due, breaches)"), "{md}");
    assert!(md.contains("### Channel"), "{md}");
    assert!(
        md.contains(
            "| First response | chat | 2 | 1 | 50.0% | minor failure (50-80%) | 1 (minor 0, major 0, unjudged 1) |"
        ),
        "{md}"
    );
    assert!(md.contains("| 2026-11-23 | 5 | 2 | 40.0% | 3 |"), "{md}");

    let html = report(&db, "en", "html");
    assert!(
        html.contains("<h2>Breakdown (met on time / due, breaches)</h2>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<tr><td>First response</td><td>repair</td><td class=\"num\">1</td><td class=\"num\">0</td>\
             <td class=\"num\">0.0%</td><td class=\"major\">major failure (&lt; 50%)</td>\
             <td>1 (minor 0, major 0, unjudged 1)</td></tr>"
        ),
        "{html}"
    );
    // The breach trend's SVG beside the compliance trend's: Monday's bar of 3.
    let breaches = &html[html.find("class=\"chart breaches\"").expect("breach chart")..];
    assert!(breaches.contains("<title>2026-11-23: 3</title>"), "{breaches}");
    assert!(
        breaches.contains("class=\"day none\""),
        "days with nothing due are boxes"
    );

    let json: Value = serde_json::from_str(&report(&db, "en", "json")).unwrap();
    let normal = json["breakdown"]["priority"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["value"] == "normal" && c["metric"] == "first-response")
        .unwrap();
    assert_eq!(normal["due"], 2);
    assert_eq!(normal["met"], 0);
    assert_eq!(normal["percent"], 0.0);
    assert_eq!(normal["level"], "major");
    assert_eq!(normal["breaches"]["minor"], 1);
    assert_eq!(normal["breaches"]["unjudged"], 1);
    let monday = json["trend"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-11-23")
        .unwrap();
    assert_eq!(
        (monday["due"].as_u64(), monday["breaches"].as_u64()),
        (Some(5), Some(3))
    );

    // Chinese: the dimension words of domain.md, full-width punctuation.
    let zh = report(&db, "zh-CN", "text");
    assert!(zh.contains("分项统计（按时完成 / 到期，违约数）"), "{zh}");
    for word in ["按类型", "按优先级", "按渠道", "近 30 天达标率与违约数"] {
        assert!(zh.contains(word), "{word}: {zh}");
    }
    let zh_html = report(&db, "zh-CN", "html");
    assert!(zh_html.contains("近 30 天每日违约数"), "{zh_html}");
}

#[test]
fn the_text_report_sizes_the_metric_column_to_its_longest_label() {
    let dir = tempfile::tempdir().unwrap();
    let db = week(dir.path());
    let policy = dir.path().join("policy.toml");
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/policy.toml")).unwrap();
    let long = "First response to the customer's request";
    let text = text.replace(
        "label = { en = \"First response\", zh = \"首次响应\" }",
        &format!("label = {{ en = \"{long}\", zh = \"首次响应\" }}"),
    );
    assert!(text.contains(long));
    std::fs::write(&policy, text).unwrap();
    let out = common::promptly(&db, "en")
        .arg("--policy")
        .arg(&policy)
        .args(["--now", READ_LOCAL, "report", "weekly", "--format", "text"])
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    let breached = &out[out.find("Breached in the period").expect(&out)..];
    assert!(breached.lines().nth(1).unwrap().contains(long), "{breached}");
    let compliance = &out[out.find("Compliance (met on time").unwrap()..];
    assert!(compliance.lines().any(|l| l.contains(long)), "{compliance}");
}

fn app(desk: &Desk, lang: &'static str, w: u16, h: u16) -> App {
    let mut app = App::new(lang, Keymap::default(), Theme::default());
    app.resize(w, h);
    app.load(desk);
    app
}

fn press(app: &mut App, desk: &mut Desk, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), desk);
}

#[test]
fn b_cycles_the_dashboards_breakdown_kind_priority_channel_owner_none() {
    let dir = tempfile::tempdir().unwrap();
    let mut desk = desk_at(&week(dir.path()), at(READ));
    for (lang, heads) in [
        ("en", ["Kind:", "Priority:", "Channel:", "Owner:"]),
        ("zh-CN", ["按类型：", "按优先级：", "按渠道：", "按负责人："]),
    ] {
        let mut a = app(&desk, lang, 120, 35);
        press(&mut a, &mut desk, 'D');
        assert!(matches!(a.mode, Mode::Dashboard));
        let plain = frame_text(&a, at(READ), 120, 35);
        assert!(heads.iter().all(|h| !plain.contains(h)), "{plain}");
        for (i, dim) in [
            Dimension::Kind,
            Dimension::Priority,
            Dimension::Channel,
            Dimension::Owner,
        ]
        .into_iter()
        .enumerate()
        {
            press(&mut a, &mut desk, 'b');
            assert_eq!(a.breakdown, Some(dim));
            let screen = frame_text(&a, at(READ), 120, 35);
            assert!(screen.contains(heads[i]), "{lang} {dim:?}: {screen}");
            if (lang, dim) == ("en", Dimension::Priority) {
                // urgent 2/2 met, no breach; normal 0/2 met, two breaches.
                // The table is right of the figures: read from the value's word on.
                let row = |v: &str| {
                    let l = screen.lines().find_map(|l| l.find(&format!(" {v} ")).map(|i| &l[i..]));
                    l.unwrap_or_default()
                        .split_whitespace()
                        .take(3)
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                assert_eq!(row("urgent"), "urgent 100% 0", "{screen}");
                assert_eq!(row("normal"), "normal 0% 2", "{screen}");
            }
        }
        press(&mut a, &mut desk, 'b');
        assert_eq!(a.breakdown, None);
        assert_eq!(frame_text(&a, at(READ), 120, 35), plain, "back to per metric");
        // The breach-count trend is beside the compliance trend.
        let breach_head = if lang == "en" {
            "Breaches per day (most 3)"
        } else {
            "每日违约数（最多 3）"
        };
        assert!(plain.contains(breach_head), "{plain}");
    }
    // Small terminals still draw (the breakdown takes the trend's room).
    let mut a = app(&desk, "en", 80, 24);
    press(&mut a, &mut desk, 'D');
    press(&mut a, &mut desk, 'b');
    assert!(frame_text(&a, at(READ), 80, 24).contains("Kind:"));
}

#[test]
fn the_header_counts_the_months_callbacks_not_reached() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cb.db");
    let mut desk = desk_at(&path, at("2026-10-05T06:00:00Z"));
    let mut ids = vec![];
    for i in 0..3 {
        let t = desk
            .open_ticket(
                &NewTicket::titled(format!("Kettle {i}")),
                Some(at("2026-10-05T02:00:00Z")),
            )
            .unwrap();
        let t = desk
            .change_status(t.id, Some(t.version), Status::Resolved, "replaced")
            .unwrap();
        desk.close(t.id, Some(t.version), "confirmed", "").unwrap();
        ids.push(t.id);
    }
    let mut desk = desk_at(&path, at("2026-11-02T01:00:00Z"));
    let month: Month = "2026-10".parse().unwrap();
    assert_eq!(desk.sample_callbacks(month).unwrap().picked.len(), 3);
    assert_eq!(desk.callbacks_due().unwrap(), 3);
    let call = |reached| CallOutcome {
        reached,
        score: reached.then_some(5),
        comment: String::new(),
    };
    desk.record_callback(ids[0], &call(true)).unwrap();
    desk.record_callback(ids[1], &call(false)).unwrap();
    // Reached: done; not reached: still due.
    assert_eq!(desk.callbacks_due().unwrap(), 2);
    for (lang, words) in [("en", "Callbacks due 2 (C)"), ("zh-CN", "待回访 2（C）")] {
        let a = app(&desk, lang, 120, 30);
        let top = frame_text(&a, at("2026-11-02T01:00:00Z"), 120, 30);
        assert!(top.lines().next().unwrap().contains(words), "{top}");
    }
    // At 80 columns the count keeps its words (open, waiting and resolved give way first).
    let a = app(&desk, "en", 80, 24);
    let top = frame_text(&a, at("2026-11-02T01:00:00Z"), 80, 24);
    let header = top.lines().next().unwrap();
    assert!(
        header.contains("Callbacks due 2 (C)") && header.contains("To judge"),
        "{header}"
    );
    // In December the queue is November's sample (none drawn): nothing due.
    let desk = desk_at(&path, at("2026-12-02T01:00:00Z"));
    assert_eq!(desk.callbacks_due().unwrap(), 0);
}

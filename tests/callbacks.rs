//! Satisfaction callbacks (回访) end to end: "done" means the customer was reached and
//! attempts are counted apart; a past period's figures are what was recorded by its end (a
//! call recorded again later changes nothing there); the board's callbacks screen (C) shows
//! the customer's name and full phone and records calls from the keyboard; `callback list`
//! shows name and phone.

pub mod common;

use chrono::{DateTime, NaiveDate, Utc};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::domain::callback::{CallOutcome, Month};
use promptly::domain::kpi::PeriodKind;
use promptly::domain::policy::Policy;
use promptly::domain::ticket::{Customer, NewTicket, Status};
use promptly::store::Access;
use promptly::tui::app::{App, Mode};
use promptly::tui::frame_text;
use promptly::tui::keymap::Keymap;
use promptly::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// A desk at `now` whose policy samples every closed ticket.
fn desk_at(path: &Path, now: &str) -> Desk {
    let mut policy = Policy::builtin();
    policy.settings.callback_share = 1.0;
    Desk::new(
        common::store(path, Access::Create).unwrap(),
        policy,
        Clock::frozen(at(now)),
        "supervisor",
    )
}

const CUSTOMERS: [(&str, &str); 3] = [
    ("Alice Turner", "13812345678"),
    ("王小明", "13987654321"),
    ("Bob", "021-5555-1234"),
];

/// Three tickets closed on 2026-10-05, October's sample drawn on 2 November: ids A, B, C.
fn october(dir: &Path) -> (PathBuf, [i64; 3]) {
    let path = dir.join("cb.db");
    std::fs::write(dir.join("config.toml"), "author = \"supervisor\"\n").unwrap();
    let mut desk = desk_at(&path, "2026-10-05T06:00:00Z");
    let mut ids = [0; 3];
    for (i, (name, phone)) in CUSTOMERS.iter().enumerate() {
        let new = NewTicket {
            customer: Customer {
                name: name.to_string(),
                phone: phone.to_string(),
                email: String::new(),
            },
            ..NewTicket::titled(format!("Kettle {i} leaks"))
        };
        let t = desk.open_ticket(&new, Some(at("2026-10-05T02:00:00Z"))).unwrap();
        let t = desk
            .change_status(t.id, Some(t.version), Status::Resolved, "replaced")
            .unwrap();
        desk.close(t.id, Some(t.version), "customer confirmed by phone", "")
            .unwrap();
        ids[i] = t.id;
    }
    let mut desk = desk_at(&path, "2026-11-02T01:00:00Z");
    let drawn = desk.sample_callbacks("2026-10".parse().unwrap()).unwrap();
    assert_eq!(drawn.picked, ids.to_vec(), "every closed ticket at share 1.0");
    (path, ids)
}

fn call(reached: bool, score: Option<u8>, comment: &str) -> CallOutcome {
    CallOutcome {
        reached,
        score,
        comment: comment.into(),
    }
}

fn day(s: &str) -> Option<NaiveDate> {
    Some(s.parse().unwrap())
}

/// (planned, done, attempted, scores, average) of a report.
fn figures(desk: &Desk, kind: PeriodKind, date: &str) -> (usize, usize, usize, usize, Option<f64>) {
    let k = desk.report(kind, day(date)).unwrap().kpis;
    (
        k.callbacks_planned,
        k.callbacks_done,
        k.callbacks_attempted,
        k.satisfaction_count,
        k.satisfaction_average,
    )
}

#[test]
fn done_means_reached_and_a_past_day_keeps_what_was_recorded_by_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [a, b, _c]) = october(dir.path());
    // Tuesday 24 November (local, UTC+8): A not reached at 11:00, B reached at 11:30 (5/5).
    let mut desk = desk_at(&path, "2026-11-24T03:00:00Z");
    desk.record_callback(a, &call(false, None, "no answer")).unwrap();
    let mut desk = desk_at(&path, "2026-11-24T03:30:00Z");
    desk.record_callback(b, &call(true, Some(5), "very happy")).unwrap();

    // Read the next morning: 3 planned, 1 reached, 1 attempt (not "2 of 3 done").
    let desk = desk_at(&path, "2026-11-25T00:00:00Z");
    let tuesday = figures(&desk, PeriodKind::Day, "2026-11-24");
    assert_eq!(tuesday, (3, 1, 1, 1, Some(5.0)));
    // The week so far says the same: an unreached call is not done.
    assert_eq!(figures(&desk, PeriodKind::Week, "2026-11-24"), (3, 1, 1, 1, Some(5.0)));

    // Thursday 26th, A is called again and reached (4/5).
    let mut desk = desk_at(&path, "2026-11-26T02:00:00Z");
    let cb = desk.record_callback(a, &call(true, Some(4), "fine now")).unwrap();
    assert_eq!(
        (cb.attempts, cb.state()),
        (1, promptly::domain::callback::CallState::Done)
    );

    let desk = desk_at(&path, "2026-11-30T00:00:00Z");
    assert_eq!(
        figures(&desk, PeriodKind::Day, "2026-11-24"),
        tuesday,
        "a call recorded later does not change a past day's report"
    );
    assert_eq!(figures(&desk, PeriodKind::Day, "2026-11-26"), (3, 2, 0, 1, Some(4.0)));
    assert_eq!(figures(&desk, PeriodKind::Week, "2026-11-24"), (3, 2, 0, 2, Some(4.5)));
    // A day before the sample was drawn had nothing planned (it was not known yet).
    assert_eq!(figures(&desk, PeriodKind::Day, "2026-11-01").0, 0);

    // The queue keeps every call: A was tried once before it was reached.
    let queue = desk.callbacks(Some("2026-10".parse::<Month>().unwrap())).unwrap();
    let a_row = queue.iter().find(|c| c.ticket_id == a).unwrap();
    assert_eq!(a_row.attempts, 1);
    assert_eq!(a_row.outcome.as_ref().unwrap().score, Some(4));
    assert_eq!((a_row.customer.as_str(), a_row.phone.as_str()), CUSTOMERS[0]);

    // The report's JSON says it too, and `callback list` names the customer with the full phone.
    let out = common::promptly(&path, "en")
        .args([
            "--now",
            "2026-11-30 08:00",
            "report",
            "daily",
            "--date",
            "2026-11-24",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["callbacks"],
        serde_json::json!({"attempted": 1, "done": 1, "planned": 3})
    );
    let text = common::promptly(&path, "en")
        .args(["--now", "2026-11-30 08:00", "report", "daily", "--date", "2026-11-24"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("1 of 3 done (reached); 1 called, not reached"), "{text}");
    let list = common::promptly(&path, "en")
        .args(["--now", "2026-11-30 08:00", "callback", "list", "--month", "2026-10"])
        .output()
        .unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    for (name, phone) in CUSTOMERS {
        assert!(list.contains(name) && list.contains(phone), "{name} {phone} in\n{list}");
    }
    assert!(list.contains("reached, 4/5") && list.contains("to call"), "{list}");
    let json = common::promptly(&path, "zh-CN")
        .args([
            "--now",
            "2026-11-30 08:00",
            "callback",
            "list",
            "--month",
            "2026-10",
            "--json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json[0]["phone"], CUSTOMERS[0].1);
    assert_eq!(json[0]["customer"], CUSTOMERS[0].0);
    assert_eq!(json[0]["attempts"], 1);
    let zh = common::promptly(&path, "zh-CN")
        .args(["--now", "2026-11-30 08:00", "report", "daily", "--date", "2026-11-24"])
        .output()
        .unwrap();
    let zh = String::from_utf8(zh.stdout).unwrap();
    assert!(zh.contains("已完成（已接通）1 / 计划 3；已拨打未接通 1"), "{zh}");
}

#[test]
fn a_recorded_call_cannot_be_changed_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [a, ..]) = october(dir.path());
    let mut desk = desk_at(&path, "2026-11-24T03:00:00Z");
    desk.record_callback(a, &call(false, None, "")).unwrap();
    drop(desk);
    let err = common::try_sql(&path, "UPDATE callback_calls SET reached = 1").unwrap_err();
    assert!(err.contains("kept as written"), "{err}");
    let err = common::try_sql(&path, "DELETE FROM callback_calls").unwrap_err();
    assert!(err.contains("kept as written"), "{err}");
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn press(app: &mut App, desk: &mut Desk, keys: &str) {
    for c in keys.chars() {
        app.handle_key(key(KeyCode::Char(c)), desk);
    }
}

#[test]
fn the_callbacks_screen_shows_whom_to_call_and_records_calls_from_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [a, _b, c]) = october(dir.path());
    let mut desk = desk_at(&path, "2026-11-24T03:00:00Z");
    desk.record_callback(a, &call(false, None, "")).unwrap();
    let now = desk.now();
    for lang in ["en", "zh-CN"] {
        let mut app = App::new(lang, Keymap::default(), Theme::default());
        app.resize(120, 30);
        app.load(&desk);
        press(&mut app, &mut desk, "C");
        assert!(matches!(app.mode, Mode::Callbacks), "C opens the callbacks screen");
        assert_eq!(
            app.callbacks.month,
            Some("2026-10".parse().unwrap()),
            "last month's sample"
        );
        let screen = frame_text(&app, now, 120, 30);
        for (name, phone) in CUSTOMERS {
            assert!(
                screen.contains(name) && screen.contains(phone),
                "{name} {phone}:\n{screen}"
            );
        }
        let (attempt, counts) = if lang == "en" {
            ("not reached (1×)", "3 planned, 0 reached, 1 not reached, 2 not called")
        } else {
            ("未接通（1 次）", "计划 3，已接通 0，未接通 1，未拨打 2")
        };
        assert!(screen.contains(attempt) && screen.contains(counts), "{screen}");
        // h: September had no sample; l comes back (never past last month).
        press(&mut app, &mut desk, "h");
        assert_eq!(app.callbacks.month, Some("2026-09".parse().unwrap()));
        assert!(app.callbacks.rows.is_empty());
        press(&mut app, &mut desk, "ll");
        assert_eq!(app.callbacks.month, Some("2026-10".parse().unwrap()));
        app.handle_key(key(KeyCode::Esc), &mut desk);
        assert!(matches!(app.mode, Mode::Board));
    }

    // On C's row (the third): Enter, → to "not reached", save: an attempt.
    let mut app = App::new("en", Keymap::default(), Theme::default());
    app.resize(120, 30);
    app.load(&desk);
    press(&mut app, &mut desk, "Cjj");
    app.handle_key(key(KeyCode::Enter), &mut desk);
    assert!(matches!(app.mode, Mode::Form(_)), "Enter opens the callback form");
    assert!(frame_text(&app, now, 120, 30).contains("Callback #3: Bob 021-5555-1234"));
    app.handle_key(key(KeyCode::Right), &mut desk);
    app.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL), &mut desk);
    assert!(matches!(app.mode, Mode::Callbacks), "back on the screen");
    let row = |desk: &Desk| {
        desk.callbacks(None)
            .unwrap()
            .into_iter()
            .find(|r| r.ticket_id == c)
            .unwrap()
    };
    assert_eq!(
        (row(&desk).attempts, row(&desk).outcome.map(|o| o.reached)),
        (1, Some(false))
    );
    // Again, reached: the score (none by default, → 5/5, → again 4/5) and a comment.
    app.handle_key(key(KeyCode::Enter), &mut desk);
    app.handle_key(key(KeyCode::Tab), &mut desk);
    app.handle_key(key(KeyCode::Right), &mut desk);
    app.handle_key(key(KeyCode::Right), &mut desk);
    app.handle_key(key(KeyCode::Tab), &mut desk);
    press(&mut app, &mut desk, "polite and quick");
    app.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL), &mut desk);
    assert!(matches!(app.mode, Mode::Callbacks), "{:?}", app.notice);
    let r = row(&desk);
    assert_eq!(r.outcome, Some(call(true, Some(4), "polite and quick")));
    assert_eq!(r.attempts, 1);
    let screen = frame_text(&app, now, 120, 30);
    assert!(
        screen.contains("reached, 4/5") && screen.contains("“polite and quick”"),
        "{screen}"
    );
    // A reached callback is done: recording it again is refused and the form stays.
    app.handle_key(key(KeyCode::Enter), &mut desk);
    app.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL), &mut desk);
    assert!(frame_text(&app, now, 120, 30).contains("already recorded"));
}

#[test]
fn calls_recorded_before_the_upgrade_are_kept_as_the_first_rows_of_the_calls() {
    if common::file_only(
        "calls_recorded_before_the_upgrade_are_kept_as_the_first_rows_of_the_calls",
        "an old SQLite file's migration",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (path, [a, b, _]) = october(dir.path());
    let mut desk = desk_at(&path, "2026-11-24T03:00:00Z");
    desk.record_callback(a, &call(false, None, "")).unwrap();
    desk.record_callback(b, &call(true, Some(3), "slow")).unwrap();
    drop(desk);
    {
        // Back to before the calls (migration 9; 10 is import's, 11 the covering index of
        // running clocks, 12 mail, 13 the list's rows, 14 owners), as the last Promptly without them left it: the queue rows only.
        let conn = rusqlite::Connection::open(&path).unwrap();
        let before = 8;
        conn.execute_batch(&format!(
            "DROP TRIGGER nearest_after_clock_insert; DROP TRIGGER nearest_after_clock_delete;
             DROP TRIGGER nearest_after_clock_update; DROP TRIGGER nearest_after_ticket_update;
             DROP TRIGGER nearest_after_ticket_delete; DROP TRIGGER nearest_after_customer_update;
             DROP TABLE nearest_deadlines; DROP VIEW nearest_deadline_rows;
             DROP TABLE callback_calls; DROP INDEX tickets_external_id; ALTER TABLE tickets DROP COLUMN external_id;
             DROP TABLE imported_breaches; DROP TABLE mail; DROP INDEX customers_email;
             DROP INDEX tickets_owner; DROP TABLE agents; ALTER TABLE tickets DROP COLUMN owner;
             PRAGMA user_version = {before};"
        ))
        .unwrap();
    }
    let desk = desk_at(&path, "2026-11-25T00:00:00Z");
    assert_eq!(figures(&desk, PeriodKind::Day, "2026-11-24"), (3, 1, 1, 1, Some(3.0)));
    let queue = desk.callbacks(None).unwrap();
    assert_eq!(queue.iter().map(|c| c.attempts).collect::<Vec<_>>(), [1, 0, 0]);
}

/// Tester's findings (2026-12-03) on the callbacks screen at 80x24: Enter, Enter records no
/// score (it recorded "reached, 5/5"); the notice keeps the ticket's number; the header says
/// planned / reached / not reached / not called and fits; the dashboard says "1 score".
#[test]
fn enter_through_the_callback_form_records_no_score_and_the_words_fit_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [a, b, _]) = october(dir.path());
    let mut desk = desk_at(&path, "2026-11-24T03:00:00Z");
    let now = desk.now();
    let mut app = App::new("en", Keymap::default(), Theme::default());
    app.resize(80, 24);
    app.load(&desk);
    press(&mut app, &mut desk, "C");
    let screen = frame_text(&app, now, 80, 24);
    let header = screen.lines().next().unwrap();
    assert!(
        header.contains("3 planned, 0 reached, 0 not reached, 3 not called"),
        "{header}"
    );
    app.handle_key(key(KeyCode::Enter), &mut desk);
    assert!(
        frame_text(&app, now, 80, 24).contains("no score"),
        "the score starts empty"
    );
    app.handle_key(key(KeyCode::Enter), &mut desk);
    assert!(matches!(app.mode, Mode::Callbacks), "{:?}", app.notice);
    let calls = desk.callbacks(None).unwrap();
    let row = calls.iter().find(|r| r.ticket_id == a).unwrap();
    assert_eq!(row.outcome, Some(call(true, None, "")), "reached, no score");
    let screen = frame_text(&app, now, 80, 24);
    assert!(!screen.contains("5/5"), "{screen}");
    let status = screen.lines().nth(23).unwrap();
    assert!(status.contains(&format!("ticket #{a} ")), "{status}");

    // A score picked on purpose counts once: "1 score", not "1 scores".
    desk.record_callback(b, &call(true, Some(4), "")).unwrap();
    app.load(&desk);
    press(&mut app, &mut desk, "D");
    let screen = frame_text(&app, now, 80, 24);
    assert!(screen.contains("4.00 / 5 (1 score)"), "{screen}");
}

//! The board's findings from the tester on 2026-12-03 (night), each pinned on the TestBackend:
//! the log form defaults to a note that meets no clock (2), a warning told at start stays on
//! the status line until the notices are opened (3), an error over a form clears the hint
//! under it (4) and long words are wrapped or cut between words (5), the dashboard's day axis
//! and title at 80x24 (6), and `x` on a clock that runs but may not be extended (8). On either
//! backend (`common::board`).

pub mod common;

use chrono::Duration;
use common::board::{app, ctrl, desk_at, key, now, press};
use promptly::desk::{Desk, FollowUp};
use promptly::domain::log::Event;
use promptly::domain::target::Target;
use promptly::domain::ticket::{Kind, NewTicket, Status};
use promptly::tui::app::{App, Mode};
use promptly::tui::frame_text;
use ratatui::crossterm::event::KeyCode;

fn open(desk: &mut Desk, title: &str, kind: Kind) -> i64 {
    let new = NewTicket {
        kind,
        ..NewTicket::titled(title)
    };
    desk.open_ticket(&new, None).unwrap().id
}

/// The screen's text with the form's borders gone and every run of blanks one space, so a
/// message wrapped over two lines reads as one.
fn flat(screen: &str) -> String {
    screen
        .replace(['│', '─', '┌', '┐', '└', '┘'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn text_typed_in_the_log_form_and_saved_is_a_note_that_meets_no_clock() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("t.db"));
    let id = open(&mut d, "Kettle leaks", Kind::Repair);
    let mut a = app(&d, 80, 24);
    a.handle_key(key(KeyCode::Enter), &mut d);
    press(&mut a, &mut d, "l");
    press(&mut a, &mut d, "asked the warehouse about spare lids");
    a.handle_key(ctrl('s'), &mut d);
    assert!(matches!(a.mode, Mode::Ticket), "{:?}", a.notice);
    let view = d.view(id).unwrap();
    let last = view.log.last().unwrap();
    assert!(matches!(last.event, Event::Note), "{:?}", last.event);
    assert!(
        view.clocks.iter().all(|c| c.met_at.is_none()),
        "a note meets no clock: {:?}",
        view.clocks
    );
}

#[test]
fn a_warning_told_at_start_stays_on_the_status_line_until_the_notices_are_opened() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("t.db"));
    open(&mut d, "Kettle leaks", Kind::Repair);
    let mut a = app(&d, 80, 24);
    let text = "The log has lost its protection: run `promptly verify` (missing triggers: \
                log_is_append_only_update).";
    a.pin(text.into(), now());
    for later in [0, 5, 60, 3600] {
        let screen = frame_text(&a, now() + Duration::seconds(later), 80, 24);
        let status = screen.lines().nth(23).unwrap();
        assert!(status.contains("lost its protection"), "{later} s: {status}");
        assert!(status.contains("! full text") && status.contains("? help"), "{status}");
    }
    // A fresher notice shows over it for its seconds; the warning comes back after.
    a.notify("Logged on #1.".into(), false, now() + Duration::seconds(100));
    let status = |a: &App, at: i64| {
        frame_text(a, now() + Duration::seconds(at), 80, 24)
            .lines()
            .nth(23)
            .unwrap()
            .to_string()
    };
    assert!(status(&a, 101).contains("Logged on #1."));
    assert!(status(&a, 200).contains("lost its protection"));
    // Read under `!`: dismissed.
    press(&mut a, &mut d, "!");
    press(&mut a, &mut d, "q");
    assert!(!a.quit);
    assert!(!status(&a, 300).contains("lost its protection"), "{}", status(&a, 300));
}

#[test]
fn an_error_over_a_form_clears_the_hints_under_it_and_wraps_at_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut d = desk_at(&path);
    let id = open(&mut d, "Kettle leaks", Kind::Repair);
    for (w, h) in [(120, 40), (80, 24)] {
        let mut a = app(&d, w, h);
        a.handle_key(key(KeyCode::Enter), &mut d);
        press(&mut a, &mut d, "l");
        press(&mut a, &mut d, "mine");
        desk_at(&path).follow_up(id, None, FollowUp::Note, "theirs").unwrap();
        a.handle_key(ctrl('s'), &mut d);
        assert!(matches!(a.mode, Mode::Form(_)));
        let screen = frame_text(&a, now(), w, h);
        let last = screen.lines().last().unwrap();
        assert!(last.trim_end().ends_with("save again"), "{w}x{h}: {last:?}");
        assert!(
            !last.contains("contact/plan") && !last.contains("Esc"),
            "{w}x{h}: {last:?}"
        );
        assert!(
            flat(&screen).contains("#1 changed elsewhere and reloaded; your text is kept: check it, save again"),
            "{w}x{h}:\n{screen}"
        );
        a.handle_key(key(KeyCode::Esc), &mut d);
        press(&mut a, &mut d, "y");
    }
}

#[test]
fn long_words_at_80x24_are_wrapped_or_cut_between_words() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut d = desk_at(&path);
    let id = open(&mut d, "Kettle leaks", Kind::Repair);
    let t = d.view(id).unwrap().ticket;
    d.extend(
        id,
        Some(t.version),
        "resolution",
        &"2d".parse::<Target>().unwrap(),
        "parts",
    )
    .unwrap();
    let mut a = app(&d, 80, 24);
    a.handle_key(key(KeyCode::Enter), &mut d);
    // The clock's state with its extension, whole.
    let screen = frame_text(&a, now(), 80, 24);
    assert!(screen.contains("running (extended 2d)"), "{screen}");

    // A refusal over the extend form: whole, on two lines.
    press(&mut a, &mut d, "x");
    a.handle_key(key(KeyCode::Tab), &mut d);
    press(&mut a, &mut d, "2d");
    a.handle_key(key(KeyCode::Tab), &mut d);
    press(&mut a, &mut d, "still no parts");
    a.handle_key(ctrl('s'), &mut d);
    assert!(matches!(a.mode, Mode::Form(_)), "{:?}", a.notice);
    let screen = frame_text(&a, now(), 80, 24);
    assert!(
        flat(&screen).contains("2d already granted, 2d more would exceed it"),
        "{screen}"
    );
    a.handle_key(key(KeyCode::Esc), &mut d);
    press(&mut a, &mut d, "y");

    // Closing without the customer's confirmation: the error in full under the fields.
    let t = d.view(id).unwrap().ticket;
    d.change_status(id, Some(t.version), Status::Resolved, "new lid sent")
        .unwrap();
    let mut a = app(&d, 80, 24);
    press(&mut a, &mut d, "4");
    a.handle_key(key(KeyCode::Enter), &mut d);
    press(&mut a, &mut d, "s");
    a.handle_key(ctrl('s'), &mut d);
    let screen = frame_text(&a, now(), 80, 24);
    assert!(
        flat(&screen).contains("closing needs the customer's confirmation (what they said, when, how)"),
        "{screen}"
    );
    assert!(
        !screen.contains("confirma\n") && !screen.contains("confirma "),
        "{screen}"
    );

    // A paused clock's state, whole.
    let waiting = open(&mut d, "Wrong colour sent", Kind::WrongItem);
    let t = d.view(waiting).unwrap().ticket;
    d.change_status(waiting, Some(t.version), Status::Waiting, "asked for photos")
        .unwrap();
    let mut a = app(&d, 80, 24);
    press(&mut a, &mut d, &format!(":{waiting}"));
    a.handle_key(key(KeyCode::Enter), &mut d);
    let screen = frame_text(&a, now(), 80, 24);
    assert!(screen.contains("paused: business time left"), "{screen}");
}

#[test]
fn the_dashboard_day_axis_and_title_fit_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("t.db"));
    open(&mut d, "Kettle leaks", Kind::Repair);
    // 80 columns; rows enough for the trend under the tables.
    let mut a = app(&d, 80, 40);
    press(&mut a, &mut d, "D");
    assert!(matches!(a.mode, Mode::Dashboard));
    let screen = frame_text(&a, now(), 80, 40);
    assert!(screen.contains("red < 50"), "the legend is whole:\n{screen}");
    let axis = screen
        .lines()
        .find(|l| {
            let t = l.split_whitespace().collect::<Vec<_>>();
            t.len() >= 4 && t.iter().all(|w| w.parse::<u32>().is_ok())
        })
        .unwrap_or_else(|| panic!("no day axis:\n{screen}"));
    let days: Vec<u32> = axis.split_whitespace().map(|w| w.parse().unwrap()).collect();
    assert!(days.iter().all(|d| (1..=31).contains(d)), "{axis}");
    assert!(days.contains(&1), "the month's 1st is marked: {axis}");
}

#[test]
fn extending_a_clock_that_runs_but_may_not_be_extended_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("t.db"));
    let id = open(&mut d, "Where is my invoice", Kind::Enquiry);
    let mut a = app(&d, 120, 30);
    a.handle_key(key(KeyCode::Enter), &mut d);
    press(&mut a, &mut d, "x");
    assert!(matches!(a.mode, Mode::Ticket), "no form");
    let notice = a.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains(&format!("#{id}")), "{notice}");
    assert!(
        notice.contains("First response") && notice.contains("may not be extended"),
        "{notice}"
    );
    assert!(!notice.contains("no running clock"), "{notice}");
}

#[test]
fn an_amount_too_long_is_refused_as_such_and_shown_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("t.db"));
    let new = NewTicket {
        kind: Kind::Complaint,
        ..NewTicket::titled("Blender grinds")
    };
    let id = d.open_ticket(&new, Some(now() - Duration::days(3))).unwrap().id;
    let mut a = app(&d, 80, 24);
    press(&mut a, &mut d, &format!(":{id}"));
    a.handle_key(key(KeyCode::Enter), &mut d);
    press(&mut a, &mut d, "M");
    assert!(matches!(a.mode, Mode::Form(_)), "{:?}", a.notice);
    press(&mut a, &mut d, "late parts");
    a.handle_key(key(KeyCode::Tab), &mut d);
    a.handle_key(key(KeyCode::Tab), &mut d);
    let typed = "9".repeat(24);
    press(&mut a, &mut d, &typed);
    a.handle_key(ctrl('s'), &mut d);
    assert!(matches!(a.mode, Mode::Form(_)), "refused");
    let screen = frame_text(&a, now(), 80, 24);
    assert!(screen.contains(&typed), "the value is not cut:\n{screen}");
    assert!(
        flat(&screen).contains("too large for an amount: at most 16 digits before the point"),
        "{screen}"
    );
    assert!(!screen.contains("an amount like 50"), "{screen}");
}

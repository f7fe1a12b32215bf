//! Defects a tester found on the board (2026-12-03), each pinned on the TestBackend: the edit
//! form keeps typed text after "changed elsewhere" (1), an emoji's joiners are kept (3), the
//! extend form with nothing to extend (11), help (12), a ticket that never existed (14), the
//! notices overlay keeps `#189` whole (17), and the prompts show their own hint (19); later, a
//! refused transfer puts the cursor back on the name it refused, and a met clock's time is
//! whole in Chinese at 80 columns. On either backend (`common::board`).

pub mod common;

use common::board::{app, app_in, ctrl, desk_at, key, now, press};
use promptly::desk::{Desk, Edit};
use promptly::domain::ticket::{Kind, NewTicket, Priority};
use promptly::tui::app::{App, Mode};
use promptly::tui::form::FieldId;
use promptly::tui::frame_text;
use promptly::tui::keymap::Context;
use ratatui::crossterm::event::KeyCode;

fn command(app: &mut App, desk: &mut Desk, text: &str) {
    press(app, desk, ":");
    press(app, desk, text);
    app.handle_key(key(KeyCode::Enter), desk);
}

fn notice(app: &App) -> String {
    app.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default()
}

#[test]
fn the_edit_form_keeps_typed_text_when_the_ticket_changed_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut d = desk_at(&path);
    let new = NewTicket {
        kind: Kind::Repair,
        ..NewTicket::titled("Repair me")
    };
    let id = d.open_ticket(&new, None).unwrap().id;
    let mut a = app(&d, 80, 24);
    command(&mut a, &mut d, &id.to_string());
    press(&mut a, &mut d, "e");
    a.handle_key(ctrl('u'), &mut d);
    press(&mut a, &mut d, "Repair me NEW TITLE typed");
    // Someone else raises the priority meanwhile.
    let mut other = desk_at(&path);
    other.edit(id, None, &[Edit::Priority(Priority::Urgent)]).unwrap();
    a.handle_key(key(KeyCode::Enter), &mut d);
    assert!(notice(&a).contains("your text is kept"), "{}", notice(&a));
    match &a.mode {
        Mode::Form(form) => assert_eq!(form.get(FieldId::Title), "Repair me NEW TITLE typed"),
        _ => panic!("the edit form should stay open with the text"),
    }
    // Saving again lands the title and keeps the other change.
    a.handle_key(key(KeyCode::Enter), &mut d);
    let ticket = d.view(id).unwrap().ticket;
    assert_eq!(ticket.title, "Repair me NEW TITLE typed");
    assert_eq!(ticket.priority, Priority::Urgent);
}

#[test]
fn an_emoji_joined_with_zwj_is_kept_and_drawn_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("t.db"));
    let family = "👨\u{200d}👩\u{200d}👧";
    let mut a = app(&d, 80, 24);
    press(&mut a, &mut d, "n");
    a.paste(&format!("Family {family} order"), &d);
    a.handle_key(ctrl('s'), &mut d);
    let all = d.list(&Default::default()).unwrap();
    assert_eq!(all[0].ticket.title, format!("Family {family} order"));
    a.handle_key(key(KeyCode::Esc), &mut d);
    let screen = frame_text(&a, now(), 80, 24);
    assert!(!screen.contains("[U+200D]"), "{screen}");
}

#[test]
fn extend_with_nothing_to_extend_says_so_and_opens_no_form() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("t.db"));
    let new = NewTicket {
        kind: Kind::Delivery,
        ..NewTicket::titled("Where is my parcel")
    };
    let id = d.open_ticket(&new, None).unwrap().id;
    let mut a = app(&d, 80, 24);
    command(&mut a, &mut d, &id.to_string());
    assert!(matches!(a.mode, Mode::Ticket));
    press(&mut a, &mut d, "x");
    assert!(matches!(a.mode, Mode::Ticket), "no form with an empty choice");
    let n = a.notice.clone().unwrap();
    // Its clocks run; a delivery's may not be extended (not "no running clock").
    assert!(n.error && n.text.contains("may not be extended"), "{n:?}");
}

#[test]
fn help_lists_every_review_key_and_says_what_ctrl_c_does() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk_at(&dir.path().join("t.db"));
    let a = app(&d, 80, 24);
    let text: Vec<String> = promptly::tui::view::help::lines(&a)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    let start = text
        .iter()
        .position(|l| l == "Breach review")
        .expect("a review section");
    let end = text[start..]
        .iter()
        .position(String::is_empty)
        .map_or(text.len(), |e| start + e);
    let section = text[start..end].join("\n");
    for (keys, _) in a.keymap.help(Context::Review) {
        assert!(section.contains(&keys), "{keys} missing from\n{section}");
    }
    for keys in ["k/↑", "j/↓", "D", "!", "?/F1"] {
        assert!(section.contains(keys), "{keys} missing from\n{section}");
    }
    let all = text.join("\n");
    assert!(!all.contains("always quits"), "{all}");
    let ctrl_c = text.iter().find(|l| l.contains("Ctrl-C")).unwrap();
    assert!(ctrl_c.contains("asks first"), "{all}");
    // Help lines are not wrapped: the sentence fits the overlay's 62 columns.
    assert!(ctrl_c.chars().count() <= 62, "{ctrl_c}");
}

#[test]
fn a_ticket_that_never_existed_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("t.db"));
    let mut a = app(&d, 80, 24);
    command(&mut a, &mut d, "99999");
    let text = notice(&a);
    assert!(text.contains("Ticket #99999 does not exist"), "{text}");
    assert!(!text.contains("no longer"), "{text}");
}

#[test]
fn the_notices_overlay_keeps_a_ticket_number_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk_at(&dir.path().join("t.db"));
    let mut a = app(&d, 80, 24);
    a.notify(
        "Closed automatically after 7 days without a reply: #170, #172, #183, #189, #191, +2.".into(),
        false,
        now(),
    );
    a.notices_open = true;
    let screen = frame_text(&a, now(), 80, 24);
    assert!(screen.contains("#189"), "{screen}");
    assert!(
        !screen.lines().any(|l| l.trim_end_matches([' ', '│']).ends_with('#')),
        "{screen}"
    );
}

#[test]
fn the_command_line_and_filter_show_their_own_hint() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("t.db"));
    d.open_ticket(&NewTicket::titled("Printer jams"), None).unwrap();
    let mut a = app(&d, 80, 24);
    command(&mut a, &mut d, "lorem ipsum");
    assert!(notice(&a).contains("Unknown command"), "{}", notice(&a));
    press(&mut a, &mut d, ":");
    let screen = frame_text(&a, now(), 80, 24);
    let last = screen.lines().last().unwrap_or_default().to_string();
    assert!(!last.contains("Unknown command"), "{last}");
    assert!(last.contains("Tab"), "the command line's hint: {last}");
    a.handle_key(key(KeyCode::Esc), &mut d);
    // A form left without saving leaves "Cancelled"; the filter shows its hint instead.
    press(&mut a, &mut d, "n");
    press(&mut a, &mut d, "x");
    a.handle_key(key(KeyCode::Esc), &mut d);
    press(&mut a, &mut d, "y");
    assert!(notice(&a).contains("Cancelled"), "{}", notice(&a));
    press(&mut a, &mut d, "/");
    let screen = frame_text(&a, now(), 80, 24);
    let last = screen.lines().last().unwrap_or_default().to_string();
    assert!(!last.contains("ancel") && !last.contains("(+"), "{last}");
}

#[test]
fn a_transfer_to_someone_unknown_goes_back_to_the_name_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("t.db"));
    d.add_agent("wang", promptly::domain::agent::Role::Agent).unwrap();
    let id = d.open_ticket(&NewTicket::titled("Kettle leaks"), None).unwrap().id;
    let before = d.view(id).unwrap().ticket;
    let mut a = app(&d, 80, 24);
    command(&mut a, &mut d, &id.to_string());
    press(&mut a, &mut d, "o");
    press(&mut a, &mut d, "zhao");
    a.handle_key(key(KeyCode::Tab), &mut d);
    press(&mut a, &mut d, "on leave");
    a.handle_key(key(KeyCode::Enter), &mut d);
    match &a.mode {
        Mode::Form(form) => {
            let field = form.focused().unwrap();
            assert_eq!(field.id, FieldId::To, "the cursor stayed on {:?}", field.id);
            assert!(
                field.error.as_deref().is_some_and(|e| e.contains("zhao")),
                "{:?}",
                field.error
            );
            assert_eq!(form.get(FieldId::Reason), "on leave", "the reason is kept");
        }
        _ => panic!("the transfer form should stay open"),
    }
    let after = d.view(id).unwrap().ticket;
    assert_eq!(
        (after.owner, after.version),
        (before.owner, before.version),
        "nothing written"
    );
}

#[test]
fn a_met_clock_shows_its_time_whole_in_chinese_at_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("t.db"));
    let id = d.open_ticket(&NewTicket::titled("Kettle leaks"), None).unwrap().id;
    let call = promptly::desk::FollowUp::Contact {
        method: promptly::domain::log::ContactMethod::Call,
        direction: promptly::domain::log::Direction::Outbound,
    };
    d.follow_up(id, None, call, "called back").unwrap();
    for (lang, met) in [("zh-CN", "首次响应"), ("en", "First response")] {
        let mut a = app_in(lang, &d, 80, 24);
        command(&mut a, &mut d, &id.to_string());
        let screen = frame_text(&a, now(), 80, 24);
        let row = screen
            .lines()
            .find(|l| l.contains(met))
            .unwrap_or_else(|| panic!("{screen}"));
        assert!(!row.contains('…'), "{lang}: cut: {row}");
        assert!(row.contains("2026-11-24 10:00"), "{lang}: the met time whole: {row}");
    }
}

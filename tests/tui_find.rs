//! Issue 12, finding and ordering on the board (items 3, 6 and the smaller ones of 9 the find
//! helper owns), on ratatui's TestBackend with a fixed clock: the filter by phone digits and
//! `#id`, the `:` command line, n/N, empty lists, resolved and paused rows, clock cycles, help.

pub mod common;
use chrono::{DateTime, Duration, Utc};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::domain::policy::Policy;
use promptly::domain::ticket::{Customer, Kind, NewTicket, Priority, Status};
use promptly::store::Access;
use promptly::tui::app::{App, Mode, View};
use promptly::tui::frame_text;
use promptly::tui::keymap::Keymap;
use promptly::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn now() -> DateTime<Utc> {
    "2026-11-24T02:00:00Z".parse().unwrap()
}

fn ticket(title: &str, name: &str, phone: &str, priority: Priority) -> NewTicket {
    NewTicket {
        customer: Customer {
            name: name.into(),
            phone: phone.into(),
            email: String::new(),
        },
        priority,
        kind: Kind::Enquiry,
        reference: "SO-1001".into(),
        ..NewTicket::titled(title)
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    desk: Desk,
}

/// #1 and #2 open, #3 waiting, #4 resolved.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = common::store(&dir.path().join("t.db"), Access::Create).unwrap();
    let mut desk = Desk::new(store, Policy::builtin(), Clock::frozen(now()), "agent");
    let open =
        |desk: &mut Desk, t: NewTicket, ago: i64| desk.open_ticket(&t, Some(now() - Duration::hours(ago))).unwrap();
    open(
        &mut desk,
        ticket("Blender is loud", "Alice", "13812345678", Priority::Urgent),
        30,
    );
    open(
        &mut desk,
        ticket("洗衣机不转", "王小明", "139 8765-4321", Priority::Normal),
        2,
    );
    let w = open(&mut desk, ticket("Wrong colour", "陈静", "", Priority::Important), 0);
    desk.change_status(w.id, Some(w.version), Status::Waiting, "asked for photos")
        .unwrap();
    let r = open(
        &mut desk,
        ticket("Invoice please", "Bob", "021-5555-1234", Priority::Normal),
        6,
    );
    desk.change_status(r.id, Some(r.version), Status::Resolved, "sent by mail")
        .unwrap();
    Fixture { _dir: dir, desk }
}

fn app(desk: &Desk, lang: &'static str) -> App {
    let mut app = App::new(lang, Keymap::default(), Theme::default());
    app.resize(120, 24);
    app.load(desk);
    app
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn press(app: &mut App, desk: &mut Desk, keys: &str) {
    for c in keys.chars() {
        app.handle_key(key(KeyCode::Char(c)), desk);
    }
}

fn shown_ids(a: &App) -> Vec<i64> {
    a.shown.iter().map(|i| a.source()[*i].id).collect()
}

fn filter(a: &mut App, desk: &mut Desk, text: &str) -> Vec<i64> {
    a.handle_key(key(KeyCode::Esc), desk);
    press(a, desk, "/");
    press(a, desk, text);
    a.handle_key(key(KeyCode::Enter), desk);
    shown_ids(a)
}

#[test]
fn the_filter_finds_a_caller_by_the_phone_digits_behind_the_mask() {
    let mut f = fixture();
    let mut a = app(&f.desk, "en");
    let board = frame_text(&a, now(), 120, 24);
    assert!(
        board.contains("139****4321") && !board.contains("13987654321"),
        "{board}"
    );
    for needle in [
        "13987654321",
        "139 8765 4321",
        "8765-4321",
        "139****4321",
        "+139(8765)4321",
    ] {
        assert_eq!(filter(&mut a, &mut f.desk, needle), vec![2], "{needle}");
    }
    // Digits that are in no phone find nothing, and say so under the column titles.
    assert!(filter(&mut a, &mut f.desk, "13900001111").is_empty());
    let text = frame_text(&a, now(), 120, 24);
    assert!(text.contains("No tickets match \"13900001111\""), "{text}");
    assert!(text.contains("Title") && text.contains("Next deadline"), "{text}");
    assert!(text.contains("Esc clears the filter"), "{text}");
}

#[test]
fn the_filter_finds_a_ticket_by_its_number() {
    let mut f = fixture();
    let mut a = app(&f.desk, "en");
    assert_eq!(filter(&mut a, &mut f.desk, "#2"), vec![2]);
    assert_eq!(filter(&mut a, &mut f.desk, "# 1"), vec![1]);
    assert!(filter(&mut a, &mut f.desk, "#5").is_empty());
    let text = frame_text(&a, now(), 120, 24);
    assert!(text.contains("No tickets match \"#5\""), "{text}");
    // The resolved #4 is found in its own view.
    press(&mut a, &mut f.desk, "4");
    assert!(shown_ids(&a).is_empty(), "the #5 filter still stands");
    assert_eq!(filter(&mut a, &mut f.desk, "#4"), vec![4]);
}

#[test]
fn n_and_shift_n_move_between_matches_and_wrap() {
    let mut f = fixture();
    let mut a = app(&f.desk, "en");
    press(&mut a, &mut f.desk, "5");
    assert_eq!(filter(&mut a, &mut f.desk, "SO-1001").len(), 4);
    let at = |a: &App| a.selected_row().map(|r| r.id);
    let first = at(&a);
    press(&mut a, &mut f.desk, "n");
    assert!(
        matches!(a.mode, Mode::Board),
        "n moves, it opens no form while filtering"
    );
    assert_eq!(a.selected, 1);
    press(&mut a, &mut f.desk, "N");
    assert_eq!(at(&a), first);
    press(&mut a, &mut f.desk, "N");
    assert_eq!(a.selected, 3, "wraps to the last match");
    press(&mut a, &mut f.desk, "n");
    assert_eq!(at(&a), first, "and back round to the first");
    let text = frame_text(&a, now(), 120, 24);
    assert!(text.contains("n next match"), "{text}");
    // Without a filter, n is a new ticket again.
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    press(&mut a, &mut f.desk, "n");
    assert!(matches!(a.mode, Mode::Form(_)));
}

#[test]
fn colon_number_opens_a_ticket_outside_the_view_and_filter() {
    let mut f = fixture();
    let mut a = app(&f.desk, "en");
    assert_eq!(filter(&mut a, &mut f.desk, "Blender"), vec![1]);
    press(&mut a, &mut f.desk, ":4");
    let text = frame_text(&a, now(), 120, 24);
    assert!(text.contains(":4"), "the command line shows what is typed: {text}");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert!(matches!(a.mode, Mode::Ticket));
    assert_eq!(a.ticket.as_ref().map(|t| t.view.ticket.id), Some(4));
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    assert_eq!(a.view, View::Resolved);
    assert_eq!(a.filter.value(), "", "the filter that hid #4 is dropped");
    assert_eq!(a.selected_row().map(|r| r.id), Some(4));
    // `:#2` works too; a number that is no ticket says so.
    press(&mut a, &mut f.desk, ":#2");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert_eq!(a.ticket.as_ref().map(|t| t.view.ticket.id), Some(2));
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    press(&mut a, &mut f.desk, ":99");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert!(matches!(a.mode, Mode::Board));
    let text = frame_text(&a, now(), 120, 24);
    assert!(text.contains("#99"), "{text}");
}

#[test]
fn colon_commands_run_actions_complete_names_and_refuse_unknown_ones() {
    let mut f = fixture();
    let mut a = app(&f.desk, "en");
    press(&mut a, &mut f.desk, ":frob");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    let text = frame_text(&a, now(), 120, 24);
    assert!(text.contains("Unknown command \":frob\""), "{text}");
    press(&mut a, &mut f.desk, ":rev");
    a.handle_key(key(KeyCode::Tab), &mut f.desk);
    assert_eq!(a.command.value(), "review");
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    assert!(
        matches!(a.mode, Mode::Board),
        "Esc leaves the command line, nothing run"
    );
    press(&mut a, &mut f.desk, ":vi");
    a.handle_key(key(KeyCode::Tab), &mut f.desk);
    assert_eq!(a.command.value(), "view-", "the longest shared prefix");
    let text = frame_text(&a, now(), 120, 24);
    assert!(text.contains("view-waiting") && text.contains("view-all"), "{text}");
    assert!(
        a.notice.as_ref().is_none_or(|n| !n.text.contains("view-all")),
        "the candidates are no notice: {:?}",
        a.notice
    );
    press(&mut a, &mut f.desk, "all");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert_eq!(a.view, View::All);
    press(&mut a, &mut f.desk, ":new");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert!(matches!(a.mode, Mode::Form(_)));
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    press(&mut a, &mut f.desk, ":q");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert!(a.quit);
}

#[test]
fn an_empty_view_keeps_its_titles_and_says_where_to_go() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::store(&dir.path().join("t.db"), Access::Create).unwrap();
    let mut desk = Desk::new(store, Policy::builtin(), Clock::frozen(now()), "agent");
    desk.open_ticket(&ticket("Only one", "Ann", "", Priority::Normal), None)
        .unwrap();
    for lang in ["en", "zh-CN"] {
        let mut a = app(&desk, lang);
        press(&mut a, &mut desk, "2");
        let text = frame_text(&a, now(), 80, 24);
        let (title, empty, hint) = if lang == "en" {
            ("Title", "No tickets in this view.", "Tab or 1-5")
        } else {
            ("标题", "此视图没有工单", "Tab 或 1-5")
        };
        assert!(
            text.contains(title) && text.contains(empty) && text.contains(hint),
            "{text}"
        );
    }
}

#[test]
fn resolved_rows_count_down_to_the_auto_close_and_paused_rows_say_business_time() {
    let mut f = fixture();
    let mut a = app(&f.desk, "en");
    press(&mut a, &mut f.desk, "4");
    let text = frame_text(&a, now(), 120, 24);
    let row = text.lines().find(|l| l.contains("#4")).unwrap();
    assert!(row.contains("7d") && row.contains("to auto-close"), "{row}");
    assert!(!row.contains('—'), "{row}");
    press(&mut a, &mut f.desk, "2");
    let text = frame_text(&a, now(), 120, 24);
    let row = text.lines().find(|l| l.contains("#3")).unwrap();
    assert!(row.contains('‖') && row.contains("business time"), "{row}");
    // The ticket screen says it in words.
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    let text = frame_text(&a, now(), 120, 30);
    assert!(text.contains("paused: business time left"), "{text}");
}

#[test]
fn a_reopened_ticket_labels_its_clock_cycles() {
    let mut f = fixture();
    let t = f.desk.view(4).unwrap().ticket;
    f.desk
        .change_status(4, Some(t.version), Status::Open, "still broken")
        .unwrap();
    let mut a = app(&f.desk, "en");
    press(&mut a, &mut f.desk, ":4");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    let text = frame_text(&a, now(), 120, 30);
    assert!(
        text.contains("Resolution (cycle 1)") && text.contains("Resolution (cycle 2)"),
        "{text}"
    );
}

#[test]
fn help_scrolls_to_its_ends_and_says_where_it_is() {
    let mut f = fixture();
    let mut a = app(&f.desk, "en");
    a.resize(80, 20);
    press(&mut a, &mut f.desk, "?");
    let top = frame_text(&a, now(), 80, 20);
    assert!(
        top.contains("1-18 of") && !top.contains("Ctrl-C quits; in a form you typed in, it asks first."),
        "{top}"
    );
    a.handle_key(key(KeyCode::End), &mut f.desk);
    let bottom = frame_text(&a, now(), 80, 20);
    assert!(
        bottom.contains("Ctrl-C quits; in a form you typed in, it asks first."),
        "{bottom}"
    );
    press(&mut a, &mut f.desk, "k");
    let up = frame_text(&a, now(), 80, 20);
    assert!(
        !up.contains("Ctrl-C quits; in a form you typed in, it asks first."),
        "k moves at once after End: {up}"
    );
    press(&mut a, &mut f.desk, "G");
    assert_eq!(frame_text(&a, now(), 80, 20), bottom);
    press(&mut a, &mut f.desk, "g");
    assert_eq!(frame_text(&a, now(), 80, 20), top);
}

fn form(a: &App) -> &promptly::tui::form::Form {
    match &a.mode {
        Mode::Form(f) => f,
        _ => panic!("a form is open"),
    }
}

#[test]
fn the_log_form_starts_on_a_note_and_shows_contact_fields_only_for_a_contact() {
    use promptly::tui::form::FieldId;
    let mut f = fixture();
    let mut a = app(&f.desk, "en");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    press(&mut a, &mut f.desk, "l");
    assert_eq!(form(&a).focused().map(|x| x.id), Some(FieldId::Text));
    let hidden = |a: &App, id| form(a).field(id).is_some_and(|x| x.hidden);
    // A note by default (it meets no clock): no method, no direction.
    assert_eq!(form(&a).get(FieldId::Entry), "note");
    assert!(hidden(&a, FieldId::Method) && hidden(&a, FieldId::Direction));
    // Up to the entry kind: a contact shows them, a plan not.
    a.handle_key(key(KeyCode::BackTab), &mut f.desk);
    assert_eq!(form(&a).focused().map(|x| x.id), Some(FieldId::Entry));
    a.handle_key(key(KeyCode::Right), &mut f.desk);
    assert_eq!(form(&a).get(FieldId::Entry), "contact");
    assert!(!hidden(&a, FieldId::Method) && !hidden(&a, FieldId::Direction));
    a.handle_key(key(KeyCode::Right), &mut f.desk);
    assert_eq!(form(&a).get(FieldId::Entry), "plan");
    assert!(hidden(&a, FieldId::Method) && hidden(&a, FieldId::Direction));
    let text = frame_text(&a, now(), 120, 30);
    assert!(!text.contains("Contact by") && !text.contains("Direction"), "{text}");
}

#[test]
fn the_status_form_offers_the_step_forward() {
    use promptly::tui::form::FieldId;
    let mut f = fixture();
    let mut a = app(&f.desk, "en");
    press(&mut a, &mut f.desk, "s");
    assert_eq!(
        form(&a).get(FieldId::To),
        "resolved",
        "open moves on to resolved, not waiting"
    );
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    assert!(matches!(a.mode, Mode::Board));
    press(&mut a, &mut f.desk, "4s");
    assert_eq!(form(&a).get(FieldId::To), "closed");
}

#[test]
fn purchase_dates_must_exist_and_be_neither_future_nor_ancient() {
    use promptly::tui::form::FieldId;
    let mut f = fixture();
    let cases = [
        ("2026-02-30", Some("no such day in the calendar")),
        ("2026-13-01", Some("no such day in the calendar")),
        ("30/02/2026", Some("use YYYY-MM-DD")),
        ("2099-01-01", Some("cannot be after today")),
        ("1900-01-01", Some("more than 20 years ago")),
        ("2026-11-24", None),
        ("2007-01-01", None),
    ];
    for (date, problem) in cases {
        let mut a = app(&f.desk, "en");
        press(&mut a, &mut f.desk, "n");
        press(&mut a, &mut f.desk, "Kettle leaks");
        while form(&a).focused().map(|x| x.id) != Some(FieldId::Purchased) {
            a.handle_key(key(KeyCode::Tab), &mut f.desk);
        }
        press(&mut a, &mut f.desk, date);
        let result = form(&a).command();
        match problem {
            Some(text) => {
                let problems = result.expect_err(date);
                assert_eq!(problems.len(), 1, "{date}");
                assert_eq!(problems[0].0, FieldId::Purchased);
                assert!(problems[0].1.text("en").contains(text), "{date}: {:?}", problems[0].1);
                let zh = problems[0].1.text("zh-CN");
                assert!(!zh.is_empty() && zh != problems[0].1.text("en"), "{zh}");
            }
            None => assert!(result.is_ok(), "{date}: {result:?}"),
        }
    }
}

#[test]
fn the_filtered_board_hints_its_own_keys_and_the_boards() {
    let mut f = fixture();
    let mut a = app(&f.desk, "en");
    filter(&mut a, &mut f.desk, "SO-1001");
    let text = frame_text(&a, now(), 120, 24);
    let status = text.lines().last().unwrap();
    assert!(
        status.contains("n next match") && status.contains("Esc back"),
        "{status}"
    );
    // Help lists the filtered board's own keys only, not the board's again.
    let help = a.keymap.help(promptly::tui::keymap::Context::Found);
    assert_eq!(help.len(), 2, "{help:?}");
}

#[test]
fn a_ticket_number_pasted_into_the_command_line_is_text() {
    let mut f = fixture();
    let mut a = app(&f.desk, "en");
    press(&mut a, &mut f.desk, ":");
    a.paste("4\n", &f.desk);
    assert!(matches!(a.mode, Mode::Command), "the newline ran nothing");
    assert_eq!(a.command.value().trim(), "4");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert_eq!(a.ticket.as_ref().map(|t| t.view.ticket.id), Some(4));
}

//! Issue 12 on the board's TestBackend: a paste is text, never keys (item 1); typed text is not
//! lost without asking (item 4); text wraps at words and the whole description shows (item 7);
//! 80x24 keeps the counts that matter, the key hints and every form field in reach (item 8);
//! the mouse; a flag emoji is never cut in half.

pub mod common;
use chrono::{DateTime, Duration, Utc};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::desk::FollowUp;
use promptly::domain::policy::Policy;
use promptly::domain::ticket::{Customer, NewTicket, Priority};
use promptly::tui::app::{App, Discard, FIRST_ROW_Y, Mode};
use promptly::tui::form::FieldId;
use promptly::tui::frame_text;
use promptly::tui::keymap::Keymap;
use promptly::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn now() -> DateTime<Utc> {
    "2026-11-24T02:00:00Z".parse().unwrap()
}

fn desk() -> Desk {
    Desk::new(common::fresh_store(), Policy::builtin(), Clock::frozen(now()), "agent")
}

fn open(desk: &mut Desk, title: &str, description: &str, hours_ago: i64) -> i64 {
    let new = NewTicket {
        customer: Customer {
            name: "王小明".into(),
            phone: "13900001111".into(),
            email: String::new(),
        },
        priority: Priority::Urgent,
        description: description.into(),
        ..NewTicket::titled(title)
    };
    desk.open_ticket(&new, Some(now() - Duration::hours(hours_ago)))
        .unwrap()
        .id
}

fn app(lang: &'static str, desk: &Desk, w: u16, h: u16) -> App {
    let mut app = App::new(lang, Keymap::default(), Theme::default());
    app.resize(w, h);
    app.load(desk);
    app
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn press(app: &mut App, desk: &mut Desk, keys: &str) {
    for c in keys.chars() {
        app.handle_key(key(KeyCode::Char(c)), desk);
    }
}

fn field(app: &App, id: FieldId) -> String {
    match &app.mode {
        Mode::Form(form) => form.get(id),
        _ => panic!("no form open"),
    }
}

fn focus(app: &mut App, desk: &mut Desk, id: FieldId) {
    for _ in 0..20 {
        if matches!(&app.mode, Mode::Form(f) if f.focused().is_some_and(|f| f.id == id)) {
            return;
        }
        app.handle_key(key(KeyCode::Tab), desk);
    }
    panic!("{id:?} is not in the form");
}

fn tickets(desk: &Desk) -> usize {
    desk.list(&Default::default()).unwrap().len()
}

#[test]
fn a_paste_is_text_never_keys() {
    let mut d = desk();
    let mut a = app("en", &d, 80, 24);
    press(&mut a, &mut d, "n");
    // Issue 12 item 1: as keys, the first newline saved the form and `e` opened the edit form.
    a.paste("Dear shop,\r\nmy order SO-2001 is late.\nRegards", &d);
    assert!(matches!(a.mode, Mode::Form(_)));
    assert_eq!(
        field(&a, FieldId::Title),
        "Dear shop, my order SO-2001 is late. Regards"
    );
    // A phone number copied with its line break does not save the ticket.
    focus(&mut a, &mut d, FieldId::Phone);
    a.paste("139 0000 1111\n", &d);
    assert_eq!(field(&a, FieldId::Phone), "139 0000 1111");
    // In the description the lines stay lines; control characters are dropped.
    focus(&mut a, &mut d, FieldId::Description);
    a.paste("line one\nline \u{1b}[31mtwo\tend", &d);
    assert_eq!(field(&a, FieldId::Description), "line one\nline [31mtwo end");
    assert!(matches!(a.mode, Mode::Form(_)));
    assert_eq!(tickets(&d), 0);
    a.handle_key(ctrl('s'), &mut d);
    let all = d.list(&Default::default()).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].ticket.title, "Dear shop, my order SO-2001 is late. Regards");
    assert_eq!(all[0].ticket.description, "line one\nline [31mtwo end");

    // On the board a paste does nothing at all (it would be a string of commands).
    a.handle_key(key(KeyCode::Esc), &mut d);
    assert!(matches!(a.mode, Mode::Board));
    a.paste("q\nnDear", &d);
    assert!(matches!(a.mode, Mode::Board) && !a.quit);
    // The filter takes it as one line.
    press(&mut a, &mut d, "/");
    a.paste("SO-2001\n", &d);
    assert_eq!(a.filter.value(), "SO-2001");
}

#[test]
fn leaving_a_changed_form_asks_first() {
    let mut d = desk();
    let mut a = app("en", &d, 80, 24);
    // Unchanged: Esc closes at once.
    press(&mut a, &mut d, "n");
    a.handle_key(key(KeyCode::Esc), &mut d);
    assert!(matches!(a.mode, Mode::Board));

    press(&mut a, &mut d, "n");
    press(&mut a, &mut d, "Printer jams");
    a.handle_key(key(KeyCode::Esc), &mut d);
    assert_eq!(a.discard, Some(Discard::Close));
    let screen = frame_text(&a, now(), 80, 24);
    assert!(screen.contains("Discard what you typed? y/n"), "{screen}");
    // n keeps everything, and is not typed.
    press(&mut a, &mut d, "n");
    assert_eq!(a.discard, None);
    assert_eq!(field(&a, FieldId::Title), "Printer jams");
    // Ctrl-C asks too; any key but y keeps editing.
    a.handle_key(ctrl('c'), &mut d);
    assert_eq!(a.discard, Some(Discard::Quit));
    assert!(!a.quit);
    a.handle_key(key(KeyCode::Esc), &mut d);
    assert!(!a.quit && matches!(a.mode, Mode::Form(_)));
    // Typing it back to how it opened counts as unchanged.
    for _ in 0.."Printer jams".len() {
        a.handle_key(key(KeyCode::Backspace), &mut d);
    }
    a.handle_key(key(KeyCode::Esc), &mut d);
    assert!(matches!(a.mode, Mode::Board));

    press(&mut a, &mut d, "n");
    press(&mut a, &mut d, "x");
    a.handle_key(key(KeyCode::Esc), &mut d);
    press(&mut a, &mut d, "y");
    assert!(matches!(a.mode, Mode::Board));
    assert_eq!(tickets(&d), 0);

    // q on a choice (where it picks nothing) leaves too, asking first when something changed.
    press(&mut a, &mut d, "n");
    focus(&mut a, &mut d, FieldId::Priority);
    press(&mut a, &mut d, "q");
    assert!(matches!(a.mode, Mode::Board));
    press(&mut a, &mut d, "n");
    press(&mut a, &mut d, "Toaster");
    focus(&mut a, &mut d, FieldId::Priority);
    press(&mut a, &mut d, "q");
    assert_eq!(a.discard, Some(Discard::Close));
    press(&mut a, &mut d, "y");
    assert!(matches!(a.mode, Mode::Board));
    // In a text field q is a letter like any other.
    press(&mut a, &mut d, "nq");
    assert_eq!(field(&a, FieldId::Title), "q");
    a.handle_key(key(KeyCode::Esc), &mut d);
    press(&mut a, &mut d, "y");

    // In Chinese, and y on Ctrl-C quits.
    let mut a = app("zh-CN", &d, 80, 24);
    press(&mut a, &mut d, "n");
    press(&mut a, &mut d, "x");
    a.handle_key(ctrl('c'), &mut d);
    let screen = frame_text(&a, now(), 80, 24);
    assert!(screen.contains("退出并放弃已输入的内容？y/n"), "{screen}");
    press(&mut a, &mut d, "y");
    assert!(a.quit);
}

#[test]
fn the_header_at_80x24_keeps_breached_warning_and_to_judge() {
    let mut d = desk();
    for i in 0..12 {
        open(&mut d, &format!("Ticket {i}"), "", 30 + i);
    }
    for lang in ["en", "zh-CN"] {
        let mut a = app(lang, &d, 80, 24);
        a.review_count = Some(1234);
        let screen = frame_text(&a, now(), 80, 24);
        let header = screen.lines().next().unwrap();
        let want: &[&str] = if lang == "en" {
            &["Breached 12", "Warning 0", "To judge 1234 (R)", "Open 12"]
        } else {
            &["超时 12", "预警 0", "待认定 1234（R）", "处理中 12"]
        };
        for w in want {
            assert!(header.contains(w), "{lang}: {w:?} missing from {header:?}");
        }
        // Narrower still, what needs acting on stays.
        let narrow = frame_text(&a, now(), 50, 24);
        let header = narrow.lines().next().unwrap();
        assert!(
            header.contains(want[0]) && header.contains(want[1]) && header.contains(want[2]),
            "{header}"
        );
        // The key hints are there too.
        assert!(screen.lines().nth(23).unwrap().contains("? "), "{screen}");
    }
}

#[test]
fn notices_leave_the_key_hints_and_show_whole_on_a_key() {
    let mut d = desk();
    open(&mut d, "Blender", "", 1);
    let mut a = app("en", &d, 80, 24);
    let long = "Housekeeping: closed 14 resolved tickets nobody answered within 3 days; drew 25 tickets for callbacks";
    a.notify("Config: [keys] fly: unknown action".into(), true, now());
    a.notify(long.into(), false, now());
    let screen = frame_text(&a, now(), 80, 24);
    let status = screen.lines().nth(23).unwrap();
    assert!(status.contains("Housekeeping: closed"), "{status}");
    assert!(status.contains("! full text"), "{status}");
    assert!(status.contains("? help"), "{status}");
    assert!(!status.contains("callbacks"), "{status}");
    press(&mut a, &mut d, "!");
    assert!(a.notices_open);
    let screen = frame_text(&a, now(), 80, 24);
    assert!(screen.contains("drew 25 tickets for"), "{screen}");
    assert!(screen.contains("callbacks"), "{screen}");
    assert!(screen.contains("[keys] fly: unknown action"), "{screen}");
    // Any key closes the overlay and does nothing else.
    press(&mut a, &mut d, "q");
    assert!(!a.notices_open && !a.quit);
}

#[test]
fn forms_scroll_to_the_focused_field() {
    let mut d = desk();
    for (w, h) in [(80, 24), (80, 12), (60, 10)] {
        let mut a = app("en", &d, w, h);
        press(&mut a, &mut d, "n");
        focus(&mut a, &mut d, FieldId::Description);
        press(&mut a, &mut d, "Grinds");
        let screen = frame_text(&a, now(), w, h);
        assert!(screen.contains("Grinds"), "{w}x{h}:\n{screen}");
        if h < 24 {
            assert!(screen.contains("↑ more"), "{w}x{h}:\n{screen}");
            assert!(!screen.contains("Title"), "{w}x{h}:\n{screen}");
        }
        focus(&mut a, &mut d, FieldId::Title);
        let screen = frame_text(&a, now(), w, h);
        assert!(screen.contains("Title"), "{w}x{h}:\n{screen}");
    }
}

#[test]
fn text_wraps_at_words_and_the_whole_description_shows() {
    let mut d = desk();
    let description = "The blender makes a grinding noise whenever the jug is locked in place.\n\
        Second line: 洗衣机滚筒不转，要求上门维修，客户下午三点以后在家。\nThird line ends here.";
    let id = open(&mut d, "Blender", description, 2);
    let t = d.view(id).unwrap().ticket;
    d.follow_up(
        id,
        Some(t.version),
        FollowUp::Note,
        "Called the customer about the replacement jug; she prefers a courier delivery tomorrow morning",
    )
    .unwrap();
    let mut a = app("en", &d, 80, 24);
    a.handle_key(key(KeyCode::Enter), &mut d);
    assert!(matches!(a.mode, Mode::Ticket));
    a.handle_key(key(KeyCode::Char('g')), &mut d);
    let screen = frame_text(&a, now(), 80, 24);
    for whole in [
        "Third line ends here.",
        "客户下午三点以后在家",
        "grinding",
        "courier",
        "replacement",
    ] {
        let joined: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(joined.contains(whole), "{whole:?} not whole on:\n{screen}");
    }
    // No English word is split across lines: every word on screen is a word of the texts.
    let words: Vec<&str> = description
        .split_whitespace()
        .chain(["Blender"])
        .chain(
            "Called the customer about the replacement jug; she prefers a courier delivery tomorrow morning"
                .split_whitespace(),
        )
        .collect();
    for line in screen.lines().filter(|l| l.contains('│')) {
        let body = line.split('│').nth(1).unwrap_or("");
        for w in body.split_whitespace().filter(|w| w.is_ascii()) {
            assert!(words.contains(&w), "{w:?} is a piece of a word:\n{screen}");
        }
    }

    // The focused description editor wraps too, at words.
    a.handle_key(key(KeyCode::Esc), &mut d);
    press(&mut a, &mut d, "n");
    focus(&mut a, &mut d, FieldId::Description);
    a.paste(
        "Dear shop, my order SO-2001 is late and nobody answers the phone at the service centre",
        &d,
    );
    let screen = frame_text(&a, now(), 80, 24);
    for word in ["Dear", "SO-2001", "nobody", "answers", "service", "centre"] {
        assert!(
            screen.split_whitespace().any(|w| w.trim_start_matches('│') == word),
            "{word}:\n{screen}"
        );
    }
}

#[test]
fn the_mouse_selects_and_a_double_click_opens() {
    let mut d = desk();
    for i in 0..3 {
        open(&mut d, &format!("Ticket {i}"), "", 5 + i);
    }
    let mut a = app("en", &d, 80, 24);
    a.click_row(FIRST_ROW_Y + 2, false, &d);
    assert_eq!(a.selected, 2);
    // Clicks on the header or below the last row change nothing.
    a.click_row(0, false, &d);
    a.click_row(FIRST_ROW_Y + 10, true, &d);
    assert_eq!(a.selected, 2);
    assert!(matches!(a.mode, Mode::Board));
    a.click_row(FIRST_ROW_Y + 1, true, &d);
    assert!(matches!(a.mode, Mode::Ticket));
    let id = a.ticket.as_ref().unwrap().view.ticket.id;
    assert_eq!(Some(id), a.source().get(a.shown[1]).map(|r| r.id));
}

#[test]
fn a_flag_emoji_is_never_cut_in_half() {
    let mut d = desk();
    open(&mut d, "🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳 order", "", 1);
    let mut a = app("en", &d, 80, 24);
    // Backspace takes a flag whole, in one-line fields and in the description.
    press(&mut a, &mut d, "n");
    a.paste("a🇨🇳", &d);
    a.handle_key(key(KeyCode::Backspace), &mut d);
    assert_eq!(field(&a, FieldId::Title), "a");
    focus(&mut a, &mut d, FieldId::Description);
    a.paste("x🇨🇳\n🇨🇳", &d);
    a.handle_key(key(KeyCode::Left), &mut d);
    a.handle_key(key(KeyCode::Backspace), &mut d);
    assert_eq!(field(&a, FieldId::Description), "x🇨🇳🇨🇳");
    a.handle_key(key(KeyCode::Backspace), &mut d);
    assert_eq!(field(&a, FieldId::Description), "x🇨🇳");
    a.handle_key(ctrl('c'), &mut d);
    press(&mut a, &mut d, "y");
    let a = app("en", &d, 80, 24);
    for w in 60..=90 {
        let backend = ratatui::backend::TestBackend::new(w, 10);
        let mut terminal = ratatui::Terminal::new(backend).unwrap();
        let done = terminal.draw(|f| promptly::tui::render(&a, now(), f)).unwrap();
        for cell in done.buffer.content() {
            let s = cell.symbol();
            let lone = s.chars().count() == 1 && s.chars().all(|c| ('\u{1f1e6}'..='\u{1f1ff}').contains(&c));
            assert!(!lone, "a lone regional indicator at width {w}");
        }
    }
}

#[test]
fn the_new_screens_render_at_every_size() {
    let mut d = desk();
    open(
        &mut d,
        "🇨🇳 洗衣机滚筒不转",
        "a long description that wraps\nand 中文 too",
        1,
    );
    let mut form = app("zh-CN", &d, 120, 40);
    press(&mut form, &mut d, "n");
    focus(&mut form, &mut d, FieldId::Description);
    form.paste("Dear shop,\nmy order 🇨🇳 SO-2001 is late", &d);
    form.handle_key(key(KeyCode::Esc), &mut d);
    assert!(form.discard.is_some());
    let mut notices = app("en", &d, 120, 40);
    notices.notify("x ".repeat(300), true, now());
    press(&mut notices, &mut d, "!");
    let mut ticket = app("en", &d, 120, 40);
    ticket.handle_key(key(KeyCode::Enter), &mut d);
    for a in [&mut form, &mut notices, &mut ticket] {
        for w in (1..=120).step_by(7) {
            for h in 1..=40 {
                a.resize(w, h);
                let _ = frame_text(a, now(), w, h);
            }
        }
    }
    assert!(matches!(ticket.mode, Mode::Ticket));
}

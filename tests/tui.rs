//! The board on ratatui's TestBackend with a fixed clock: snapshots in both languages, SLA
//! colours on buffer cells, key sequences through `update` checked against the database,
//! live refresh from another connection, and every size from 1x1 to 120x40.

pub mod common;
use chrono::{DateTime, Duration, Utc};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::domain::log::Event;
use promptly::domain::policy::Policy;
use promptly::domain::review::{QueueOrder, ReviewFilter};
use promptly::domain::ticket::{Customer, Kind, NewTicket, Priority, Status};
use promptly::store::Access;
use promptly::tui::app::{App, Mode, View};
use promptly::tui::form::FieldId;
use promptly::tui::keymap::Keymap;
use promptly::tui::theme::Theme;
use promptly::tui::{frame_text, render};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;

fn now() -> DateTime<Utc> {
    "2026-11-24T02:00:00Z".parse().unwrap()
}

fn desk_at(path: &Path, at: DateTime<Utc>) -> Desk {
    Desk::new(
        common::store(path, Access::Create).unwrap(),
        Policy::builtin(),
        Clock::frozen(at),
        "agent",
    )
}

fn ticket(title: &str, name: &str, phone: &str, priority: Priority, kind: Kind) -> NewTicket {
    NewTicket {
        customer: Customer {
            name: name.into(),
            phone: phone.into(),
            email: String::new(),
        },
        priority,
        kind,
        reference: "SO-1001".into(),
        ..NewTicket::titled(title)
    }
}

/// A small desk: a breached urgent complaint, a fresh CJK repair, a waiting ticket, a resolved one.
fn fill(desk: &mut Desk) {
    let t0 = now();
    desk.open_ticket(
        &ticket(
            "Blender makes a grinding noise",
            "Alice Turner",
            "13812345678",
            Priority::Urgent,
            Kind::Complaint,
        ),
        Some(t0 - Duration::days(3)),
    )
    .unwrap();
    desk.open_ticket(
        &ticket(
            "洗衣机滚筒不转,要求上门维修",
            "王小明",
            "13987654321",
            Priority::Normal,
            Kind::Repair,
        ),
        Some(t0 - Duration::minutes(20)),
    )
    .unwrap();
    let w = desk
        .open_ticket(
            &ticket("Wrong colour sent", "陈静", "", Priority::Important, Kind::WrongItem),
            Some(t0 - Duration::hours(5)),
        )
        .unwrap();
    desk.change_status(w.id, Some(w.version), Status::Waiting, "asked for photos")
        .unwrap();
    let r = desk
        .open_ticket(
            &ticket(
                "Invoice for order \u{1b}[31mSO-7",
                "Bob",
                "021-5555-1234",
                Priority::Normal,
                Kind::Enquiry,
            ),
            Some(t0 - Duration::hours(30)),
        )
        .unwrap();
    desk.change_status(r.id, Some(r.version), Status::Resolved, "sent by mail")
        .unwrap();
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    desk: Desk,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut desk = desk_at(&path, now());
    fill(&mut desk);
    Fixture { _dir: dir, path, desk }
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

fn press(app: &mut App, desk: &mut Desk, keys: &str) {
    for c in keys.chars() {
        app.handle_key(key(KeyCode::Char(c)), desk);
    }
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

#[test]
fn board_snapshots_in_both_languages() {
    let f = fixture();
    for lang in ["en", "zh-CN"] {
        let a = app(lang, &f.desk, 110, 12);
        let text = frame_text(&a, now(), 110, 12);
        insta::assert_snapshot!(format!("board_{lang}"), text);
    }
}

#[test]
fn ticket_view_snapshots_in_both_languages() {
    let mut f = fixture();
    for lang in ["en", "zh-CN"] {
        let mut a = app(lang, &f.desk, 110, 30);
        a.handle_key(key(KeyCode::Enter), &mut f.desk);
        assert!(matches!(a.mode, Mode::Ticket));
        insta::assert_snapshot!(format!("ticket_{lang}"), frame_text(&a, now(), 110, 30));
    }
}

#[test]
fn new_ticket_form_snapshots_in_both_languages() {
    let mut f = fixture();
    for lang in ["en", "zh-CN"] {
        let mut a = app(lang, &f.desk, 100, 24);
        press(&mut a, &mut f.desk, "n");
        // Inline validation: a bad email shows its error while typing.
        for _ in 0..3 {
            a.handle_key(key(KeyCode::Tab), &mut f.desk);
        }
        press(&mut a, &mut f.desk, "not-mail");
        insta::assert_snapshot!(format!("form_{lang}"), frame_text(&a, now(), 100, 24));
    }
}

#[test]
fn help_snapshots_in_both_languages() {
    let mut f = fixture();
    for lang in ["en", "zh-CN"] {
        let mut a = app(lang, &f.desk, 80, 60);
        a.handle_key(key(KeyCode::F(1)), &mut f.desk);
        insta::assert_snapshot!(format!("help_{lang}"), frame_text(&a, now(), 80, 60));
        a.handle_key(key(KeyCode::Esc), &mut f.desk);
        assert!(a.help.is_none());
    }
}

#[test]
fn sla_colours_are_on_the_cells() {
    let f = fixture();
    let a = app("en", &f.desk, 110, 12);
    let mut terminal = Terminal::new(TestBackend::new(110, 12)).unwrap();
    let frame = terminal.draw(|fr| render(&a, now(), fr)).unwrap();
    let buf = frame.buffer;
    let row_of = |needle: &str| {
        (0..buf.area.height)
            .find(|y| {
                let line: String = (0..buf.area.width).map(|x| buf[(x, *y)].symbol()).collect();
                line.contains(needle)
            })
            .unwrap_or_else(|| panic!("no row with {needle}"))
    };
    let cell_colour = |y: u16, needle: &str| {
        let line: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        let joined: String = line.concat();
        let byte = joined.find(needle).unwrap();
        let x = joined[..byte].chars().count() as u16;
        buf[(x, y)].fg
    };
    let theme = Theme::default();
    let breached = row_of("Blender");
    assert_eq!(cell_colour(breached, "!!"), theme.breached, "breached countdown colour");
    let fresh = row_of("洗");
    // 20 of its 30 minutes gone: past the warning threshold, computed live.
    let warn_text: String = (0..buf.area.width)
        .filter(|x| buf[(*x, fresh)].fg == theme.warning)
        .map(|x| buf[(x, fresh)].symbol())
        .collect();
    assert!(warn_text.contains("10:00"), "warning-coloured countdown: {warn_text:?}");
    assert!(!warn_text.contains("!!"));
    // In the ticket view, the running resolution clock is ok-coloured, the late ones breached.
    let mut a = a;
    let mut desk = desk_at(&f.path, now());
    a.handle_key(key(KeyCode::Enter), &mut desk);
    let frame = terminal.draw(|fr| render(&a, now(), fr)).unwrap();
    let coloured = |colour| -> String {
        let b = &frame.buffer;
        (0..b.area.height)
            .flat_map(|y| (0..b.area.width).map(move |x| (x, y)))
            .filter(|p| b[*p].fg == colour)
            .map(|p| b[p].symbol())
            .collect()
    };
    assert!(coloured(theme.ok).contains("15d8h"), "{:?}", coloured(theme.ok));
    assert!(coloured(theme.breached).contains("-2d23h"));
}

#[test]
fn monochrome_theme_marks_the_selection() {
    let f = fixture();
    let mut a = App::new("en", Keymap::default(), Theme::monochrome());
    a.resize(100, 10);
    a.load(&f.desk);
    let text = frame_text(&a, now(), 100, 10);
    assert!(text.lines().any(|l| l.starts_with("> #")), "{text}");
}

#[test]
fn escape_sequences_never_reach_the_screen() {
    let mut f = fixture();
    let mut a = app("en", &f.desk, 110, 30);
    press(&mut a, &mut f.desk, "4");
    assert_eq!(a.view, View::Resolved);
    let board = frame_text(&a, now(), 110, 30);
    assert!(board.contains("␛[31m"), "{board}");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    let view = frame_text(&a, now(), 110, 30);
    assert!(view.contains("␛[31m") && !view.contains('\u{1b}'), "{view}");
}

#[test]
fn open_log_a_contact_and_resolve_through_keys() {
    let mut f = fixture();
    let mut a = app("en", &f.desk, 110, 30);
    let id = a.selected_row().unwrap().id;
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    // l: the log form opens on a note, the focus on the text; a contact is chosen up there
    // (call, outbound by default).
    press(&mut a, &mut f.desk, "l");
    a.handle_key(key(KeyCode::BackTab), &mut f.desk);
    a.handle_key(key(KeyCode::Right), &mut f.desk);
    for _ in 0..3 {
        a.handle_key(key(KeyCode::Tab), &mut f.desk);
    }
    press(&mut a, &mut f.desk, "Called back;");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    press(&mut a, &mut f.desk, "will replace it");
    a.handle_key(ctrl('s'), &mut f.desk);
    assert!(matches!(a.mode, Mode::Ticket), "form closed after saving");
    // s: the status form offers the step forward from open: resolved.
    press(&mut a, &mut f.desk, "s");
    a.handle_key(key(KeyCode::Tab), &mut f.desk);
    press(&mut a, &mut f.desk, "replacement sent");
    a.handle_key(ctrl('s'), &mut f.desk);

    let view = f.desk.view(id).unwrap();
    assert_eq!(view.ticket.status, Status::Resolved);
    let contact = view
        .log
        .iter()
        .find(|e| matches!(e.event, Event::Contact { .. }))
        .expect("a contact was logged");
    assert_eq!(contact.body, "Called back;\nwill replace it");
    assert!(view.log.last().unwrap().body.contains("replacement sent"));
    assert!(a.notice.as_ref().unwrap().text.contains("resolved"));
}

#[test]
fn new_ticket_form_creates_and_esc_cancels_without_writing() {
    let mut f = fixture();
    let mut a = app("en", &f.desk, 110, 30);
    let before = f.desk.list(&Default::default()).unwrap().len();
    press(&mut a, &mut f.desk, "n");
    press(&mut a, &mut f.desk, "Never saved");
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    // Typed text is not thrown away without a yes.
    assert!(matches!(a.mode, Mode::Form(_)));
    press(&mut a, &mut f.desk, "y");
    assert!(matches!(a.mode, Mode::Board));
    assert_eq!(f.desk.list(&Default::default()).unwrap().len(), before);

    press(&mut a, &mut f.desk, "n");
    // Saving an empty title is refused inline.
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert!(matches!(a.mode, Mode::Form(_)));
    press(&mut a, &mut f.desk, "打印机卡纸");
    a.handle_key(key(KeyCode::Tab), &mut f.desk);
    press(&mut a, &mut f.desk, "李娜");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert!(matches!(a.mode, Mode::Ticket));
    let all = f.desk.list(&Default::default()).unwrap();
    assert_eq!(all.len(), before + 1);
    assert!(
        all.iter()
            .any(|s| s.ticket.title == "打印机卡纸" && s.ticket.customer.name == "李娜")
    );
}

#[test]
fn a_stale_edit_is_refused_and_the_ticket_reloads() {
    let mut f = fixture();
    let mut a = app("en", &f.desk, 110, 30);
    let id = a.selected_row().unwrap().id;
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    press(&mut a, &mut f.desk, "l");
    press(&mut a, &mut f.desk, "mine");
    // Someone else changes the ticket meanwhile.
    let mut other = desk_at(&f.path, now());
    other
        .follow_up(id, None, promptly::desk::FollowUp::Note, "theirs")
        .unwrap();
    a.handle_key(ctrl('s'), &mut f.desk);
    let notice = a.notice.clone().unwrap();
    assert!(notice.error && notice.text.contains("changed elsewhere"), "{notice:?}");
    let view = f.desk.view(id).unwrap();
    assert!(view.log.iter().all(|e| e.body != "mine"));
    let shown = a.ticket.as_ref().unwrap();
    assert_eq!(shown.view.ticket.version, view.ticket.version, "reloaded");
    // What the agent typed is kept: the form is open again against the new version, and
    // saving it now lands.
    match &a.mode {
        Mode::Form(form) => assert!(
            form.get(FieldId::Text).contains("mine"),
            "{:?}",
            form.get(FieldId::Text)
        ),
        _ => panic!("the form should stay open with the text"),
    }
    a.handle_key(ctrl('s'), &mut f.desk);
    let view = f.desk.view(id).unwrap();
    assert!(
        view.log.iter().any(|e| e.body.contains("mine")),
        "saved on the second try"
    );
}

#[test]
fn leaving_a_ticket_returns_new_ticket_forms_to_the_board() {
    let mut f = fixture();
    let mut a = app("en", &f.desk, 110, 30);
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert!(matches!(a.mode, Mode::Ticket));
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    press(&mut a, &mut f.desk, "n");
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    assert!(
        matches!(a.mode, Mode::Board),
        "Esc from the new-ticket form goes back to the board"
    );
}

#[test]
fn another_process_write_shows_on_the_next_tick_and_breaches_flash_and_ring() {
    let mut f = fixture();
    let mut a = app("en", &f.desk, 110, 30);
    let open_before = a.counts.open;
    let mut other = desk_at(&f.path, now());
    other
        .open_ticket(
            &ticket("Late delivery", "Zoe", "", Priority::Urgent, Kind::Delivery),
            None,
        )
        .unwrap();
    a.tick(&mut f.desk);
    assert_eq!(a.counts.open, open_before + 1);
    assert!(frame_text(&a, now(), 110, 30).contains("Late delivery"));
    assert!(!a.take_bell(), "nothing newly late yet");

    // Two hours later the fresh tickets' first clocks have run out.
    let mut later = desk_at(&f.path, now() + Duration::hours(2));
    a.tick(&mut later);
    assert!(a.take_bell(), "a newly breached clock rings");
    assert!(!a.flash.is_empty());
    assert!(!a.take_bell(), "once");
}

#[test]
fn filter_and_views() {
    let mut f = fixture();
    let mut a = app("en", &f.desk, 110, 30);
    press(&mut a, &mut f.desk, "/");
    press(&mut a, &mut f.desk, "王小");
    assert_eq!(a.shown.len(), 1);
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert!(matches!(a.mode, Mode::Board));
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    assert_eq!(a.shown.len(), 2, "open view: two open tickets");
    press(&mut a, &mut f.desk, "2");
    assert_eq!(a.shown.len(), 1);
    press(&mut a, &mut f.desk, "3");
    // The complaint, and the waiting ticket: its first response was late before it was set
    // waiting, and a pause does not hide a breach.
    assert_eq!(a.shown.len(), 2, "two overdue");
    press(&mut a, &mut f.desk, "5");
    assert_eq!(a.shown.len(), 4);
    press(&mut a, &mut f.desk, "q");
    assert!(a.quit);
}

#[test]
fn empty_database_says_how_to_add_a_ticket() {
    let desk = Desk::new(common::fresh_store(), Policy::builtin(), Clock::frozen(now()), "agent");
    let a = app("en", &desk, 80, 12);
    let text = frame_text(&a, now(), 80, 12);
    assert!(text.contains("Press n to add"), "{text}");
}

#[test]
fn every_size_renders_without_panic() {
    let mut f = fixture();
    let mut apps = Vec::new();
    let board = app("zh-CN", &f.desk, 120, 40);
    apps.push(board);
    let mut t = app("en", &f.desk, 120, 40);
    t.handle_key(key(KeyCode::Enter), &mut f.desk);
    apps.push(t);
    let mut form = app("en", &f.desk, 120, 40);
    press(&mut form, &mut f.desk, "n");
    apps.push(form);
    let mut help = app("en", &f.desk, 120, 40);
    press(&mut help, &mut f.desk, "?");
    apps.push(help);
    for a in &mut apps {
        for w in 1..=120 {
            for h in 1..=40 {
                a.resize(w, h);
                let _ = frame_text(a, now(), w, h);
            }
        }
    }
    let tiny = frame_text(&apps[0], now(), 10, 1);
    assert!(tiny.starts_with("终端"), "{tiny}");
}

#[test]
fn review_screen_snapshots_in_both_languages() {
    let mut f = fixture();
    for lang in ["en", "zh-CN"] {
        let mut a = app(lang, &f.desk, 110, 12);
        assert!(
            a.review_count.unwrap() > 0,
            "the header counts breaches awaiting judgement"
        );
        insta::assert_snapshot!(
            format!("board_review_count_{lang}"),
            frame_text(&a, now(), 110, 12).lines().next().unwrap()
        );
        press(&mut a, &mut f.desk, "R");
        assert!(matches!(a.mode, Mode::Review));
        insta::assert_snapshot!(format!("review_{lang}"), frame_text(&a, now(), 110, 12));
        // The judgement form over the queue.
        press(&mut a, &mut f.desk, "M");
        insta::assert_snapshot!(format!("judge_form_{lang}"), frame_text(&a, now(), 110, 24));
        a.handle_key(key(KeyCode::Esc), &mut f.desk);
        assert!(matches!(a.mode, Mode::Review), "Esc leaves the form for the queue");
        a.handle_key(key(KeyCode::Esc), &mut f.desk);
        assert!(matches!(a.mode, Mode::Board), "Esc leaves the queue for the board");
    }
}

#[test]
fn judging_a_breach_through_keys_is_stored_and_leaves_the_queue() {
    let mut f = fixture();
    let mut a = app("en", &f.desk, 110, 30);
    press(&mut a, &mut f.desk, "R");
    let newest_first = |desk: &Desk| {
        desk.review_list(&ReviewFilter::default(), QueueOrder::NewestFirst, None)
            .unwrap()
    };
    let queue = newest_first(&f.desk);
    assert_eq!(a.review.rows, queue, "newest deadline first, as the desk gives it");
    let first = queue[0].clone();
    let before = a.review_count.unwrap();
    // m: minor, the form opens on the reason; saving without one is refused inline.
    press(&mut a, &mut f.desk, "m");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert!(matches!(a.mode, Mode::Form(_)), "a reason is required");
    assert!(frame_text(&a, now(), 110, 30).contains("say why the breach is minor or major"));
    press(&mut a, &mut f.desk, "Weekend backlog, customer informed");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert!(matches!(a.mode, Mode::Review), "back on the queue");

    let review = f
        .desk
        .store()
        .review(first.ticket_id, &first.metric, first.cycle)
        .unwrap()
        .expect("stored in reviews");
    assert_eq!(review.judgement.class, promptly::domain::review::BreachClass::Minor);
    assert_eq!(review.judgement.remedy, promptly::domain::review::Remedy::Apology);
    assert_eq!(review.judgement.reason, "Weekend backlog, customer informed");
    let after = newest_first(&f.desk);
    assert!(!after.contains(&first), "judged breaches leave the queue");
    assert_eq!(a.review.rows, after);
    assert_eq!(a.review_count, Some(before - 1));
    assert!(
        a.notice.as_ref().unwrap().text.contains("minor breach"),
        "{:?}",
        a.notice
    );
    let log = f.desk.view(first.ticket_id).unwrap().log;
    assert!(log.iter().any(|e| matches!(e.event, Event::Judged { .. })));

    // 2: major; compensation (the default for major) needs an amount.
    let second = a.review.rows[a.review.selected].clone();
    press(&mut a, &mut f.desk, "2");
    press(&mut a, &mut f.desk, "Lost a sale");
    a.handle_key(ctrl('s'), &mut f.desk);
    assert!(
        matches!(a.mode, Mode::Form(_)),
        "compensation without an amount is refused"
    );
    // The focus went to the amount.
    press(&mut a, &mut f.desk, "50");
    a.handle_key(ctrl('s'), &mut f.desk);
    assert!(matches!(a.mode, Mode::Review));
    let review = f
        .desk
        .store()
        .review(second.ticket_id, &second.metric, second.cycle)
        .unwrap()
        .expect("stored");
    assert_eq!(review.judgement.class, promptly::domain::review::BreachClass::Major);
    assert_eq!(review.judgement.amount, Some(promptly::domain::review::Amount(5000)));
}

#[test]
fn dashboard_snapshots_in_both_languages() {
    let mut f = fixture();
    // One judged breach, so the figures show a class.
    let b = f.desk.review_queue(Some(1)).unwrap().remove(0);
    let judgement = promptly::domain::review::Judgement {
        class: promptly::domain::review::BreachClass::Minor,
        reason: "late".into(),
        remedy: promptly::domain::review::Remedy::Apology,
        amount: None,
        note: String::new(),
    };
    f.desk.judge(b.ticket_id, &b.metric, Some(b.cycle), &judgement).unwrap();
    // A history for the trend: a ticket opened each morning of the last fortnight, answered
    // within 10 minutes on even days and after 3 hours on odd ones.
    for back in 2..=15 {
        let opened = now() - Duration::days(back);
        let answer = Duration::minutes(if back % 2 == 0 { 10 } else { 180 });
        let mut then = desk_at(&f.path, opened + answer);
        let t = then
            .open_ticket(
                &ticket("Order status", "Lin", "", Priority::Normal, Kind::Enquiry),
                Some(opened),
            )
            .unwrap();
        let contact = promptly::desk::FollowUp::Contact {
            method: promptly::domain::log::ContactMethod::Call,
            direction: promptly::domain::log::Direction::Outbound,
        };
        then.follow_up(t.id, None, contact, "called").unwrap();
    }
    for lang in ["en", "zh-CN"] {
        let mut a = app(lang, &f.desk, 120, 32);
        press(&mut a, &mut f.desk, "D");
        assert!(matches!(a.mode, Mode::Dashboard));
        let d = a.dashboard.as_ref().unwrap();
        assert_eq!(d.kpis, f.desk.kpis(d.period).unwrap());
        assert_eq!(d.trend.len(), 30);
        insta::assert_snapshot!(format!("dashboard_{lang}"), frame_text(&a, now(), 120, 32));
        // The previous week, and back; not past the current one.
        let week = d.period;
        a.handle_key(key(KeyCode::Left), &mut f.desk);
        assert!(a.dashboard.as_ref().unwrap().period.last < week.first);
        a.handle_key(key(KeyCode::Right), &mut f.desk);
        a.handle_key(key(KeyCode::Right), &mut f.desk);
        assert_eq!(a.dashboard.as_ref().unwrap().period, week);
        a.handle_key(key(KeyCode::Esc), &mut f.desk);
        assert!(matches!(a.mode, Mode::Board));
    }
    // Narrow: stacked, no panic.
    let mut a = app("en", &f.desk, 60, 30);
    press(&mut a, &mut f.desk, "D");
    assert!(frame_text(&a, now(), 60, 30).contains("Resolution rate"));
}

#[test]
fn closing_from_the_board_needs_the_customers_confirmation() {
    let mut f = fixture();
    let mut a = app("en", &f.desk, 110, 30);
    press(&mut a, &mut f.desk, "4");
    let id = a.selected_row().unwrap().id;
    // s on a resolved ticket: the first move offered is "closed", which asks for the confirmation.
    press(&mut a, &mut f.desk, "s");
    let Mode::Form(form) = &a.mode else {
        panic!("status form")
    };
    assert_eq!(form.get(FieldId::To), "closed");
    a.handle_key(ctrl('s'), &mut f.desk);
    assert!(matches!(a.mode, Mode::Form(_)), "refused without the confirmation");
    assert_eq!(f.desk.view(id).unwrap().ticket.status, Status::Resolved);
    assert!(frame_text(&a, now(), 110, 30).contains("closing needs the customer's confirmation"));
    // The focus went to the confirmation.
    press(&mut a, &mut f.desk, "Customer called: invoice received");
    a.handle_key(ctrl('s'), &mut f.desk);
    let view = f.desk.view(id).unwrap();
    assert_eq!(view.ticket.status, Status::Closed);
    let confirmed = view.log.iter().find(|e| e.event == Event::Confirmed).expect("logged");
    assert_eq!(confirmed.body, "Customer called: invoice received");

    // Resolving needs the summary, checked inline.
    press(&mut a, &mut f.desk, "1");
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    press(&mut a, &mut f.desk, "1");
    let open = a.selected_row().unwrap().id;
    press(&mut a, &mut f.desk, "s");
    a.handle_key(ctrl('s'), &mut f.desk);
    assert!(frame_text(&a, now(), 110, 30).contains("say what was done"));
    assert_ne!(f.desk.view(open).unwrap().ticket.status, Status::Resolved);
}

#[test]
fn housekeeping_closes_resolved_tickets_on_start_and_tells() {
    let f = fixture();
    let resolved = f
        .desk
        .list(&Default::default())
        .unwrap()
        .into_iter()
        .find(|s| s.ticket.status == Status::Resolved)
        .unwrap()
        .ticket
        .id;
    // Eight days later nobody answered: the board's start closes it and says so.
    let mut later = desk_at(&f.path, now() + Duration::days(8));
    let mut a = App::new("en", Keymap::default(), Theme::default());
    a.resize(110, 30);
    a.start(&mut later);
    assert_eq!(later.view(resolved).unwrap().ticket.status, Status::Closed);
    let notice = a.notice.clone().unwrap();
    assert!(notice.text.contains(&format!("#{resolved}")), "{notice:?}");
    // Idempotent on the tick.
    a.tick(&mut later);
    assert_eq!(
        later.view(resolved).unwrap().log.len(),
        f.desk.view(resolved).unwrap().log.len()
    );
}

/// Forces a choice field to hold `slug`, as a renamed or removed option would.
fn force_choice(a: &mut App, id: FieldId, slug: &str) {
    let Mode::Form(form) = &mut a.mode else {
        panic!("a form is open")
    };
    let field = form.field_mut(id).expect("the form has the field");
    field.value = promptly::tui::form::Value::Choice {
        options: vec![(slug.to_string(), slug.to_string())],
        index: 0,
    };
}

#[test]
fn a_form_with_an_unreadable_field_is_refused_not_defaulted() {
    let mut f = fixture();
    let mut a = app("en", &f.desk, 110, 30);
    let before = f.desk.list(&Default::default()).unwrap().len();
    press(&mut a, &mut f.desk, "n");
    press(&mut a, &mut f.desk, "Kettle leaks");
    force_choice(&mut a, FieldId::Kind, "gadget");
    a.handle_key(ctrl('s'), &mut f.desk);
    let Mode::Form(form) = &a.mode else {
        panic!("the form stays open")
    };
    let kind = form.field(FieldId::Kind).unwrap();
    assert_eq!(kind.error.as_deref(), Some("not one of the choices"));
    assert_eq!(
        form.focused().map(|f| f.id),
        Some(FieldId::Kind),
        "the focus goes to the bad field"
    );
    assert!(frame_text(&a, now(), 110, 30).contains("not one of the choices"));
    // The desk received nothing.
    assert_eq!(f.desk.list(&Default::default()).unwrap().len(), before);

    // The same on a ticket action: an unknown kind on the kind form leaves the ticket as it was.
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    press(&mut a, &mut f.desk, "y");
    assert!(matches!(a.mode, Mode::Board));
    let id = a.selected_row().unwrap().id;
    let version = f.desk.view(id).unwrap().ticket.version;
    press(&mut a, &mut f.desk, "t");
    assert!(matches!(a.mode, Mode::Form(_)), "kind form");
    force_choice(&mut a, FieldId::Kind, "gadget");
    a.handle_key(ctrl('s'), &mut f.desk);
    let Mode::Form(form) = &a.mode else {
        panic!("the form stays open")
    };
    assert!(form.field(FieldId::Kind).unwrap().error.is_some());
    assert_eq!(f.desk.view(id).unwrap().ticket.version, version);

    // A bad date is refused too, never read as "no date".
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    press(&mut a, &mut f.desk, "y");
    assert!(matches!(a.mode, Mode::Ticket));
    press(&mut a, &mut f.desk, "n");
    press(&mut a, &mut f.desk, "Toaster");
    let Mode::Form(form) = &mut a.mode else { panic!() };
    form.focus = form.fields.iter().position(|f| f.id == FieldId::Purchased).unwrap();
    press(&mut a, &mut f.desk, "2026-13-45");
    a.handle_key(ctrl('s'), &mut f.desk);
    let Mode::Form(form) = &a.mode else {
        panic!("the form stays open")
    };
    assert_eq!(
        form.field(FieldId::Purchased).unwrap().error.as_deref(),
        Some("no such day in the calendar (YYYY-MM-DD)")
    );
    assert_eq!(f.desk.list(&Default::default()).unwrap().len(), before);
}

#[test]
fn a_view_that_fails_to_load_shows_the_error_instead_of_crashing() {
    let mut f = fixture();
    let mut a = app("en", &f.desk, 110, 12);
    press(&mut a, &mut f.desk, "G");
    // Someone writes a status no build knows into the database behind the board's back.
    common::sql(&f.path, "UPDATE tickets SET status = 'bogus' WHERE id = 1");
    press(&mut a, &mut f.desk, "5");
    let text = frame_text(&a, now(), 110, 12);
    assert!(text.contains("Database error"), "{text}");
    press(&mut a, &mut f.desk, "jk1G5");
    let _ = frame_text(&a, now(), 110, 12);
}

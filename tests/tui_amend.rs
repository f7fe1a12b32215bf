//! Issue 13, amending from the board: the ticket screen lists its breaches with their
//! judgement, `a` opens the judgement form filled with the one that counts and marked as an
//! amendment, and saving writes a newer judgement that supersedes it (the log keeps both).

pub mod common;
use chrono::{DateTime, TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::domain::log::Event;
use promptly::domain::policy::Policy;
use promptly::domain::review::{Amount, BreachClass, Judgement, QueueOrder, Remedy, ReviewFilter};
use promptly::store::Access;
use promptly::tui::app::{App, Mode};
use promptly::tui::form::FieldId;
use promptly::tui::frame_text;
use promptly::tui::keymap::Keymap;
use promptly::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

struct Fixture {
    _dir: tempfile::TempDir,
    desk: Desk,
    /// A ticket with two breaches, both judged: (metric, cycle) of each, the later judged last.
    id: i64,
    judged: Vec<(String, u32)>,
}

/// A demo desk and a ticket with two unjudged breaches, judged minor then major.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut desk = Desk::new(
        common::store(&dir.path().join("a.db"), Access::Create).unwrap(),
        Policy::builtin(),
        Clock::frozen(now()),
        "lead",
    );
    desk.fill_demo(1_500, 5).unwrap();
    let queue = desk
        .review_list(&ReviewFilter::default(), QueueOrder::OldestFirst, None)
        .unwrap();
    let id = queue
        .iter()
        .map(|b| b.ticket_id)
        .find(|id| queue.iter().filter(|b| b.ticket_id == *id).count() >= 2)
        .expect("a ticket with two breaches to judge");
    let two: Vec<(String, u32)> = queue
        .iter()
        .filter(|b| b.ticket_id == id)
        .take(2)
        .map(|b| (b.metric.clone(), b.cycle))
        .collect();
    let judgements = [
        judgement(BreachClass::Minor, "courier late", Remedy::Apology, None),
        judgement(BreachClass::Major, "lost a sale", Remedy::Compensation, Some(2000)),
    ];
    for ((metric, cycle), j) in two.iter().zip(&judgements) {
        desk.judge(id, metric, Some(*cycle), j).unwrap();
    }
    Fixture {
        _dir: dir,
        desk,
        id,
        judged: two,
    }
}

fn judgement(class: BreachClass, reason: &str, remedy: Remedy, fen: Option<i64>) -> Judgement {
    Judgement {
        class,
        reason: reason.into(),
        remedy,
        amount: fen.map(Amount),
        note: String::new(),
    }
}

fn app(lang: &'static str, desk: &Desk) -> App {
    let mut app = App::new(lang, Keymap::default(), Theme::default());
    app.resize(100, 30);
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

fn save(app: &mut App, desk: &mut Desk) {
    app.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL), desk);
}

/// The form's value of a field, while a form is open.
fn field(app: &App, id: FieldId) -> String {
    let Mode::Form(form) = &app.mode else {
        panic!("no form open")
    };
    form.get(id)
}

/// How many `judged` entries the ticket's log holds for one breach.
fn judged_entries(desk: &Desk, id: i64, (metric, cycle): &(String, u32)) -> usize {
    desk.store()
        .log(id)
        .unwrap()
        .iter()
        .filter(|e| matches!(&e.event, Event::Judged { metric: m, cycle: c, .. } if m == metric && c == cycle))
        .count()
}

#[test]
fn a_amends_the_latest_judgement_from_the_ticket_screen_and_the_log_keeps_both() {
    let mut f = fixture();
    let mut a = app("en", &f.desk);
    a.open_ticket(f.id, &f.desk);
    let screen = frame_text(&a, now(), 100, 30);
    assert!(screen.contains("└ judged: minor breach, apology (lead"), "{screen}");
    assert!(
        screen.contains("└ judged: major breach, compensation 20.00 (lead"),
        "{screen}"
    );
    assert!(screen.contains("a amend"), "the hint names the key:\n{screen}");
    assert!(!screen.contains("amended"), "{screen}");

    press(&mut a, &mut f.desk, "a");
    let screen = frame_text(&a, now(), 100, 30);
    assert!(screen.contains(&format!("Amend a judgement on #{}", f.id)), "{screen}");
    // Filled from the judgement given last (major, compensation 20), on the reason.
    let latest = &f.judged[1];
    let (metric, cycle) = latest;
    assert_eq!(field(&a, FieldId::Breach), format!("{cycle}:{metric}"));
    assert_eq!(field(&a, FieldId::Class), "major");
    assert_eq!(field(&a, FieldId::Reason), "lost a sale");
    assert_eq!(field(&a, FieldId::Amount), "20.00");
    press(&mut a, &mut f.desk, ", then came back");
    save(&mut a, &mut f.desk);

    assert!(matches!(a.mode, Mode::Ticket), "back on the ticket: {:?}", a.notice);
    let stored = f.desk.store().review(f.id, metric, *cycle).unwrap().unwrap();
    assert_eq!(stored.judgement.reason, "lost a sale, then came back");
    assert_eq!(stored.judgement.amount, Some(Amount(2000)));
    assert_eq!(judged_entries(&f.desk, f.id, latest), 2, "both judgements in the log");
    assert_eq!(
        judged_entries(&f.desk, f.id, &f.judged[0]),
        1,
        "the other one untouched"
    );
    assert!(a.notice.as_ref().unwrap().text.starts_with("Amended"), "{:?}", a.notice);
    let screen = frame_text(&a, now(), 100, 30);
    assert!(
        screen.contains("compensation 20.00 (lead") && screen.contains(", amended"),
        "{screen}"
    );
}

#[test]
fn the_breach_choice_refills_the_form_and_an_unchanged_amendment_writes_nothing() {
    let mut f = fixture();
    let mut a = app("en", &f.desk);
    a.open_ticket(f.id, &f.desk);
    press(&mut a, &mut f.desk, "a");
    // Up twice: from the reason to the class, to the breach; Right picks the other breach.
    a.handle_key(key(KeyCode::Up), &mut f.desk);
    a.handle_key(key(KeyCode::Up), &mut f.desk);
    a.handle_key(key(KeyCode::Right), &mut f.desk);
    let (metric, cycle) = &f.judged[0];
    assert_eq!(field(&a, FieldId::Breach), format!("{cycle}:{metric}"));
    assert_eq!(field(&a, FieldId::Class), "minor");
    assert_eq!(field(&a, FieldId::Reason), "courier late");
    assert_eq!(field(&a, FieldId::Remedy), "apology");
    let entries = f.desk.store().log(f.id).unwrap().len();
    save(&mut a, &mut f.desk);
    assert_eq!(f.desk.store().log(f.id).unwrap().len(), entries, "nothing written");
    assert_eq!(a.notice.as_ref().unwrap().text, "Nothing changed.");

    // Minor to major on that one: the class changes, the remedy as it was.
    press(&mut a, &mut f.desk, "a");
    a.handle_key(key(KeyCode::Up), &mut f.desk);
    a.handle_key(key(KeyCode::Up), &mut f.desk);
    a.handle_key(key(KeyCode::Right), &mut f.desk);
    a.handle_key(key(KeyCode::Down), &mut f.desk);
    a.handle_key(key(KeyCode::Right), &mut f.desk);
    assert_eq!(field(&a, FieldId::Class), "major");
    save(&mut a, &mut f.desk);
    let stored = f.desk.store().review(f.id, metric, *cycle).unwrap().unwrap();
    assert_eq!(stored.judgement.class, BreachClass::Major);
    assert_eq!(stored.judgement.reason, "courier late");
    assert_eq!(judged_entries(&f.desk, f.id, &f.judged[0]), 2);
}

#[test]
fn in_chinese_and_on_a_ticket_without_judgements() {
    let mut f = fixture();
    let mut a = app("zh-CN", &f.desk);
    a.open_ticket(f.id, &f.desk);
    let screen = frame_text(&a, now(), 100, 30);
    assert!(screen.contains("└ 已认定：轻微违约，道歉（lead"), "{screen}");
    press(&mut a, &mut f.desk, "a");
    let screen = frame_text(&a, now(), 100, 30);
    assert!(screen.contains(&format!("改判 #{} 的违约认定", f.id)), "{screen}");
    press(&mut a, &mut f.desk, "，后来退货");
    save(&mut a, &mut f.desk);
    assert!(a.notice.as_ref().unwrap().text.starts_with("已改判"), "{:?}", a.notice);
    assert!(frame_text(&a, now(), 100, 30).contains("，已改判"));

    // A ticket whose breaches await judgement: listed so, and `a` says there is nothing to amend.
    let queue = f
        .desk
        .review_list(&ReviewFilter::default(), QueueOrder::NewestFirst, Some(50))
        .unwrap();
    let other = queue
        .iter()
        .map(|b| b.ticket_id)
        .find(|id| f.desk.reviews_of(*id).unwrap().is_empty())
        .unwrap();
    a.open_ticket(other, &f.desk);
    assert!(frame_text(&a, now(), 100, 30).contains("└ 待认定"));
    press(&mut a, &mut f.desk, "a");
    assert!(matches!(a.mode, Mode::Ticket));
    assert_eq!(
        a.notice.as_ref().unwrap().text,
        format!("工单 #{other} 没有可修改的认定。")
    );
}

//! Issue 13 on the board: the review queue newest first with a key for oldest first, filters
//! with counts, marks judged together, Enter to the ticket and judging from there.

pub mod common;
use chrono::{DateTime, TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::domain::agent::Role;
use promptly::domain::policy::Policy;
use promptly::domain::review::{QueueOrder, ReviewFilter};
use promptly::domain::ticket::Priority;
use promptly::store::Access;
use promptly::tui::app::{App, Mode};
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
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut desk = Desk::new(
        common::store(&dir.path().join("r.db"), Access::Create).unwrap(),
        Policy::builtin(),
        Clock::frozen(now()),
        "supervisor",
    );
    desk.fill_demo(1_500, 5).unwrap();
    Fixture { _dir: dir, desk }
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

fn queue(desk: &Desk, filter: &ReviewFilter, order: QueueOrder, n: usize) -> Vec<promptly::domain::review::Breach> {
    desk.review_list(filter, order, Some(n)).unwrap()
}

#[test]
fn the_queue_opens_newest_first_and_o_turns_it_round() {
    let mut f = fixture();
    let mut a = app("en", &f.desk, 120, 35);
    press(&mut a, &mut f.desk, "R");
    assert!(matches!(a.mode, Mode::Review));
    let n = a.review.rows.len();
    assert!(n > 10, "{n}");
    assert_eq!(
        a.review.rows,
        queue(&f.desk, &ReviewFilter::default(), QueueOrder::NewestFirst, n)
    );
    let screen = frame_text(&a, now(), 120, 35);
    assert!(screen.contains("newest deadline first"), "{screen}");
    assert!(
        !screen.contains("list --all"),
        "the old header's pointer is gone:\n{screen}"
    );
    assert!(
        screen.contains("business min late") || screen.contains("business late"),
        "{screen}"
    );
    press(&mut a, &mut f.desk, "o");
    assert_eq!(
        a.review.rows,
        queue(
            &f.desk,
            &ReviewFilter::default(),
            QueueOrder::OldestFirst,
            a.review.rows.len()
        )
    );
    assert!(frame_text(&a, now(), 120, 35).contains("oldest deadline first"));
    // Going down reads on past the first page: every breach is reachable.
    let total = f.desk.review_count().unwrap();
    for _ in 0..total + 5 {
        a.handle_key(key(KeyCode::Down), &mut f.desk);
    }
    assert_eq!(a.review.rows.len(), total);
    assert_eq!(a.review.selected, total - 1);
}

#[test]
fn filters_narrow_the_queue_and_count_what_matches() {
    let mut f = fixture();
    let mut a = app("en", &f.desk, 120, 35);
    press(&mut a, &mut f.desk, "R");
    let all = a.review.counts.total;
    // p: urgent first.
    press(&mut a, &mut f.desk, "p");
    let urgent = ReviewFilter {
        priority: Some(Priority::Urgent),
        ..Default::default()
    };
    let want = f.desk.review_list(&urgent, QueueOrder::NewestFirst, None).unwrap();
    assert!(!want.is_empty() && want.len() < all);
    assert_eq!(a.review.counts.total, want.len());
    assert!(a.review.rows.iter().all(|b| b.priority == Priority::Urgent));
    let screen = frame_text(&a, now(), 120, 35);
    assert!(screen.contains(&format!("{} match", want.len())), "{screen}");
    assert!(screen.contains("Priority: urgent"), "{screen}");
    // c: the first clock of the policy, on top of the priority.
    press(&mut a, &mut f.desk, "c");
    let metric = f.desk.policy().metrics[0].name.clone();
    assert!(
        a.review
            .rows
            .iter()
            .all(|b| b.metric == metric && b.priority == Priority::Urgent)
    );
    // x clears every filter.
    press(&mut a, &mut f.desk, "x");
    assert_eq!(a.review.counts.total, all);
    // /: text, as typed; Esc clears it.
    let word = a.review.rows[0].title.split_whitespace().next().unwrap().to_string();
    press(&mut a, &mut f.desk, "/");
    press(&mut a, &mut f.desk, &word);
    let filter = a.review_filter(&f.desk);
    assert_eq!(filter.text.as_deref(), Some(word.as_str()));
    assert!(!a.review.rows.is_empty());
    assert!(a.review.rows.iter().all(|b| filter.admits(b)));
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert!(!a.review.typing, "Enter keeps the text and gives the keys back");
    press(&mut a, &mut f.desk, "/");
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    assert_eq!(a.review.counts.total, all);
    assert!(matches!(a.mode, Mode::Review));
}

#[test]
fn marked_breaches_take_one_judgement_each_logged() {
    let mut f = fixture();
    let mut a = app("en", &f.desk, 120, 35);
    press(&mut a, &mut f.desk, "R");
    let before = f.desk.review_count().unwrap();
    let marked: Vec<_> = a.review.rows[..3].to_vec();
    press(&mut a, &mut f.desk, "   ");
    assert_eq!(a.review.marked.len(), 3);
    assert!(frame_text(&a, now(), 120, 35).contains("3 marked"));
    press(&mut a, &mut f.desk, "m");
    assert!(frame_text(&a, now(), 120, 35).contains("Judge 3 marked breaches"));
    press(&mut a, &mut f.desk, "Monday rush");
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert!(matches!(a.mode, Mode::Review), "back on the queue");
    assert!(a.review.marked.is_empty());
    assert_eq!(f.desk.review_count().unwrap(), before - 3);
    for b in &marked {
        let r = f.desk.store().review(b.ticket_id, &b.metric, b.cycle).unwrap().unwrap();
        assert_eq!(r.judgement.reason, "Monday rush");
        assert!(!a.review.rows.contains(b));
    }
    assert!(
        a.notice.as_ref().unwrap().text.contains("Judged 3 breaches"),
        "{:?}",
        a.notice
    );
}

#[test]
fn enter_opens_the_ticket_and_m_judges_from_there() {
    let mut f = fixture();
    let mut a = app("zh-CN", &f.desk, 120, 35);
    press(&mut a, &mut f.desk, "R");
    let b = a.review.rows[0].clone();
    let of_ticket = ReviewFilter {
        ticket: Some(b.ticket_id),
        ..Default::default()
    };
    let waiting = f.desk.review_list(&of_ticket, QueueOrder::OldestFirst, None).unwrap();
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert!(matches!(a.mode, Mode::Ticket));
    assert_eq!(a.ticket.as_ref().unwrap().view.ticket.id, b.ticket_id);
    press(&mut a, &mut f.desk, "M");
    assert!(matches!(a.mode, Mode::Form(_)));
    press(&mut a, &mut f.desk, "客户损失");
    // Major defaults to compensation: it needs an amount.
    a.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL), &mut f.desk);
    press(&mut a, &mut f.desk, "20");
    a.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL), &mut f.desk);
    assert!(matches!(a.mode, Mode::Ticket), "back on the ticket");
    let oldest = &waiting[0];
    let stored = f
        .desk
        .store()
        .review(oldest.ticket_id, &oldest.metric, oldest.cycle)
        .unwrap();
    assert!(stored.is_some(), "the ticket's oldest unjudged breach was judged");
    let left = f.desk.review_list(&of_ticket, QueueOrder::OldestFirst, None).unwrap();
    assert_eq!(left.len(), waiting.len() - 1);
    a.handle_key(key(KeyCode::Esc), &mut f.desk);
    assert!(matches!(a.mode, Mode::Review), "Esc returns to the queue it came from");
    assert!(!a.review.rows.contains(oldest));
}

#[test]
fn the_review_screen_fits_80x24_in_both_languages() {
    let mut f = fixture();
    for lang in ["en", "zh-CN"] {
        let mut a = app(lang, &f.desk, 80, 24);
        press(&mut a, &mut f.desk, "R");
        let screen = frame_text(&a, now(), 80, 24);
        let lines: Vec<&str> = screen.lines().collect();
        assert_eq!(lines.len(), 24, "{screen}");
        let first = &a.review.rows[0];
        assert!(lines[4].contains(&format!("#{}", first.ticket_id)), "{screen}");
        insta::assert_snapshot!(format!("review_80x24_{lang}"), screen);
    }
}

#[test]
fn an_agent_who_may_not_judge_is_told_before_any_form_opens() {
    let mut f = fixture();
    // A supervisor named, and it is not the desk's author.
    f.desk.add_agent("boss", Role::Supervisor).unwrap();
    let before = f.desk.review_count().unwrap();
    let mut a = app("en", &f.desk, 80, 24);
    press(&mut a, &mut f.desk, "R");
    assert!(!a.review.rows.is_empty());
    for keys in ["m", "M"] {
        press(&mut a, &mut f.desk, keys);
        assert!(matches!(a.mode, Mode::Review), "{keys} opened a form");
        let told = &a.notice.as_ref().unwrap().text;
        assert!(told.contains("only a supervisor"), "{told}");
    }
    a.handle_key(key(KeyCode::Enter), &mut f.desk);
    assert!(matches!(a.mode, Mode::Ticket));
    for keys in ["m", "M", "a"] {
        a.notice = None;
        press(&mut a, &mut f.desk, keys);
        assert!(matches!(a.mode, Mode::Ticket), "{keys} opened a form on the ticket");
        assert!(a.notice.as_ref().is_some_and(|n| n.text.contains("only a supervisor")));
    }
    assert_eq!(f.desk.review_count().unwrap(), before);
}

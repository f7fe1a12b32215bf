//! The board when its PostgreSQL server goes away (issue 16), on the TestBackend: the header
//! says it is offline, since when and when it tries again, the rows stay (as of then); a note
//! submitted meanwhile is refused and kept as typed, and so is a command line; tries back off;
//! once the server is back the board reloads by itself and the note saves once. The server's
//! session is ended as an administrator would (`pg_terminate_backend`), and the schema renamed
//! away for a while so that tries fail. Runs when `PROMPTLY_TEST_PG` names a server (else
//! SKIPPED); the board's helpers are `common::board`, so the server pass runs it again as it is.

pub mod common;
#[path = "common/pg.rs"]
pub mod pg;

use chrono::Duration;
use common::board::{self, ctrl, key, now, press};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::domain::log::Event;
use promptly::domain::policy::Policy;
use promptly::domain::ticket::{Customer, NewTicket};
use promptly::store::{Access, Store};
use promptly::tui::app::{App, Mode, RETRY_MOST};
use promptly::tui::form::FieldId;
use promptly::tui::frame_text;
use ratatui::crossterm::event::KeyCode;

fn desk_on(s: &pg::Scratch, application: &str) -> Desk {
    let store = Store::open_server_for(&s.url_named(application), Access::Create)
        .unwrap_or_else(|e| panic!("{}, schema {}: {e}", s.shown, s.schema));
    Desk::new(store, Policy::builtin(), Clock::frozen(now()), "agent")
}

fn kettle(desk: &mut Desk) -> i64 {
    let new = NewTicket {
        customer: Customer {
            name: "王小明".into(),
            phone: "13900001111".into(),
            email: String::new(),
        },
        ..NewTicket::titled("Kettle not heating")
    };
    desk.open_ticket(&new, None).unwrap().id
}

fn typed(app: &App) -> String {
    match &app.mode {
        Mode::Form(form) => form.get(FieldId::Text),
        _ => panic!("the form is gone"),
    }
}

fn notes(desk: &Desk, id: i64) -> Vec<String> {
    let view = desk.view(id).unwrap();
    view.log
        .iter()
        .filter(|e| matches!(e.event, Event::Note))
        .map(|e| e.body.clone())
        .collect()
}

/// Moves the scratch schema away (`away`) or back: while away, a try to reconnect finds no
/// schema and the board stays offline.
fn schema_away(s: &mut pg::Scratch, away: bool) {
    let (from, to) = if away {
        (s.schema.clone(), format!("{}_away", s.schema))
    } else {
        (format!("{}_away", s.schema), s.schema.clone())
    };
    s.client
        .batch_execute(&format!("ALTER SCHEMA {from} RENAME TO {to}"))
        .unwrap();
}

#[test]
fn pg_offline_the_board_says_so_keeps_a_note_refused_meanwhile_and_comes_back() {
    let name = "pg_offline_the_board_says_so_keeps_a_note_refused_meanwhile_and_comes_back";
    let Some(mut s) = pg::scratch(name) else {
        return;
    };
    let application = format!("{}_board", s.schema);
    let mut desk = desk_on(&s, &application);
    let id = kettle(&mut desk);
    let mut app = board::app(&desk, 80, 24);
    app.tick(&mut desk);
    assert!(app.offline.is_none());

    // Writing a note on the ticket when the server goes away.
    app.handle_key(key(KeyCode::Enter), &mut desk);
    press(&mut app, &mut desk, "l");
    press(&mut app, &mut desk, "Called back, ");
    assert_eq!(s.terminate(&application), 1);
    press(&mut app, &mut desk, "part ordered");
    // Saved before the board noticed: the desk's write fails, nothing is written, the form
    // stays as typed and the board is offline from now.
    app.handle_key(ctrl('s'), &mut desk);
    assert_eq!(typed(&app), "Called back, part ordered");
    let told = app.notice.as_ref().unwrap().text.clone();
    assert!(told.contains("offline") && told.contains("kept"), "{told}");
    let offline = app.offline.clone().expect("offline");
    assert_eq!((offline.since, offline.left), (now(), 1));

    // The schema away too: the first try fails, the next one waits twice as long.
    schema_away(&mut s, true);
    app.tick(&mut desk);
    assert_eq!(app.offline.as_ref().map(|o| (o.wait, o.left)), Some((2, 2)));
    // Saved again while offline: refused before the desk is asked, still as typed.
    app.handle_key(ctrl('s'), &mut desk);
    assert_eq!(typed(&app), "Called back, part ordered");
    // Once the notice is old, the form's bottom line says the board is offline.
    let screen = frame_text(&app, now() + Duration::seconds(9), 80, 24);
    assert!(screen.contains("Offline, retrying in 2 s"), "{screen}");

    // Esc asks before the text goes; no keeps it.
    app.handle_key(key(KeyCode::Esc), &mut desk);
    press(&mut app, &mut desk, "n");
    assert!(matches!(app.mode, Mode::Form(_)), "the note stays open");
    let screen = frame_text(&app, now(), 80, 24);
    assert!(screen.contains("Called back, part ordered"), "{screen}");

    // Tries back off (2, 4, 8, ...) to at most RETRY_MOST seconds, one tick a second.
    let mut waits = Vec::new();
    for _ in 0..200 {
        let before = app.offline.as_ref().unwrap().wait;
        app.tick(&mut desk);
        let after = app.offline.as_ref().unwrap().wait;
        if after != before {
            waits.push(after);
        }
    }
    assert_eq!(waits, [4, 8, 16, RETRY_MOST], "{waits:?}");
    // Why the tries fail (the schema is gone) is told once, not at every try.
    let told = app
        .notices
        .iter()
        .filter(|n| n.text.contains("names no schema"))
        .count();
    assert_eq!(told, 1);

    // Meanwhile another agent wrote on the ticket.
    schema_away(&mut s, false);
    let mut other = desk_on(&s, &format!("{}_other", s.schema));
    other
        .follow_up(id, None, promptly::desk::FollowUp::Note, "Customer called again")
        .unwrap();

    // Back within RETRY_MOST ticks, by itself: reloaded, the other agent's note is there.
    for _ in 0..RETRY_MOST {
        if app.offline.is_none() {
            break;
        }
        app.tick(&mut desk);
    }
    assert!(app.offline.is_none(), "still offline");
    assert!(app.notice.as_ref().unwrap().text.contains("Back online"));
    let screen = frame_text(&app, now() + Duration::seconds(9), 80, 24);
    assert!(!screen.contains("Offline"), "{screen}");
    let shown = app.ticket.as_ref().unwrap().view.log.len();
    assert_eq!(
        shown,
        desk.view(id).unwrap().log.len(),
        "the ticket behind the form reloaded"
    );

    // Saved again: the ticket changed meanwhile, so the form is kept against the new
    // version (as for any change elsewhere); saved once more, the note lands once.
    assert_eq!(typed(&app), "Called back, part ordered");
    app.handle_key(ctrl('s'), &mut desk);
    assert!(app.notice.as_ref().unwrap().text.contains("changed elsewhere"));
    assert_eq!(typed(&app), "Called back, part ordered");
    app.handle_key(ctrl('s'), &mut desk);
    assert!(matches!(app.mode, Mode::Ticket), "saved: {:?}", app.notice);
    assert_eq!(notes(&desk, id), ["Customer called again", "Called back, part ordered"]);
}

#[test]
fn pg_offline_the_header_says_it_in_both_languages_and_a_command_line_is_kept() {
    let name = "pg_offline_the_header_says_it_in_both_languages_and_a_command_line_is_kept";
    let Some(mut s) = pg::scratch(name) else {
        return;
    };
    let application = format!("{}_board", s.schema);
    let mut desk = desk_on(&s, &application);
    let id = kettle(&mut desk).to_string();
    for lang in ["en", "zh-CN"] {
        let mut app = board::app_in(lang, &desk, 80, 24);
        assert_eq!(s.terminate(&application), 1);
        // The tick notices: the header says so instead of the counts; the rows stay.
        app.tick(&mut desk);
        let screen = frame_text(&app, now(), 80, 24);
        let header = screen.lines().next().unwrap();
        let (offline, since) = match lang {
            "en" => ("Offline, retrying in 1 s", "since 10:00:00"),
            _ => ("离线，正在重试：1 秒后", "自 10:00:00 起"),
        };
        assert!(header.contains(offline) && header.contains(since), "{screen}");
        assert!(screen.contains("Kettle not heating"), "{screen}");

        // A command typed meanwhile is refused and stays on the line.
        press(&mut app, &mut desk, ":");
        press(&mut app, &mut desk, &id);
        app.handle_key(key(KeyCode::Enter), &mut desk);
        assert!(matches!(app.mode, Mode::Command));
        assert_eq!(app.command.value(), id);

        // The server is there: the next tick's try brings the board back.
        app.tick(&mut desk);
        assert!(app.offline.is_none());
        let screen = frame_text(&app, now() + Duration::seconds(9), 80, 24);
        assert!(!screen.lines().next().unwrap().contains(offline), "{screen}");
        app.handle_key(key(KeyCode::Enter), &mut desk);
        assert!(matches!(app.mode, Mode::Ticket), "{:?}", app.notice);
    }
}

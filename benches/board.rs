//! The board: one frame with 20,000 open tickets in a 160x50 TestBackend (only the visible
//! rows are built, so a frame should stay well under 2 ms), and one reload on the 1 s tick
//! after another process wrote (the `data_version` path), on a file holding a history.
//! Run: cargo bench --bench board -- --warm-up-time 1 --measurement-time 3

use chrono::{DateTime, Duration, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use promptly::clock::Clock;
use promptly::desk::{Desk, FollowUp};
use promptly::domain::policy::Policy;
use promptly::domain::ticket::{Customer, NewTicket, Priority};
use promptly::store::{Access, Store};
use promptly::tui::app::App;
use promptly::tui::keymap::Keymap;
use promptly::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn board(c: &mut Criterion) {
    let now: DateTime<Utc> = "2026-11-24T02:00:00Z".parse().unwrap();
    let mut desk = Desk::new(
        Store::open_in_memory().unwrap(),
        Policy::builtin(),
        Clock::frozen(now),
        "bench",
    );
    let titles = [
        "洗衣机滚筒不转",
        "Blender makes a grinding noise",
        "发错颜色了",
        "Order not delivered",
    ];
    for i in 0..20_000i64 {
        let new = NewTicket {
            customer: Customer {
                name: format!("客户{i}"),
                phone: format!("138{:08}", i),
                email: String::new(),
            },
            priority: [Priority::Urgent, Priority::Important, Priority::Normal][(i % 3) as usize],
            ..NewTicket::titled(titles[(i % 4) as usize])
        };
        desk.open_ticket(&new, Some(now - Duration::minutes(i % 5000))).unwrap();
    }
    let mut app = App::new("en", Keymap::default(), Theme::default());
    app.resize(160, 50);
    app.load(&desk);
    assert_eq!(app.shown.len(), 20_000);
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).unwrap();
    c.bench_function("render board, 20k open tickets, 160x50", |b| {
        b.iter(|| {
            terminal.draw(|f| promptly::tui::render(&app, now, f)).unwrap();
        })
    });
}

/// Another process (a second connection) writes a note; the board's tick sees the new
/// `data_version` and reloads: housekeeping, the supervision figures and the rows.
fn reload(c: &mut Criterion) {
    let now: DateTime<Utc> = "2026-11-24T02:00:00Z".parse().unwrap();
    let path = std::env::temp_dir().join(format!("promptly-bench-reload-{}.db", std::process::id()));
    let open = |access| Store::open(&path, access).unwrap();
    let mut writer = Desk::new(open(Access::Create), Policy::builtin(), Clock::frozen(now), "bench");
    // Four months of history (about 25 tickets a day) and 1,000 open tickets of the last days.
    writer.fill_demo(3_000, 7).unwrap();
    let mut last = 0;
    for i in 0..1_000i64 {
        let new = NewTicket {
            priority: [Priority::Urgent, Priority::Important, Priority::Normal][(i % 3) as usize],
            ..NewTicket::titled("Order not delivered")
        };
        last = writer
            .open_ticket(&new, Some(now - Duration::minutes(i * 7 % 7200)))
            .unwrap()
            .id;
    }
    let mut board = Desk::new(open(Access::ReadWrite), Policy::builtin(), Clock::frozen(now), "bench");
    let mut app = App::new("en", Keymap::default(), Theme::default());
    app.resize(160, 50);
    app.start(&mut board);
    let before = app.rows.len();
    writer
        .open_ticket(&NewTicket::titled("Blender makes a grinding noise"), None)
        .unwrap();
    app.tick(&mut board);
    assert_eq!(
        app.rows.len(),
        before + 1,
        "the tick after another writer reloads the rows"
    );
    c.bench_function("board reload after another writer, 3k history, 1k open", |b| {
        b.iter_batched(
            || {
                writer
                    .follow_up(last, None, FollowUp::Note, "still waiting for the courier")
                    .unwrap()
            },
            |_| app.tick(&mut board),
            BatchSize::PerIteration,
        )
    });
    drop((board, writer));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

criterion_group!(benches, board, reload);
criterion_main!(benches);

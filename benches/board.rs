//! Renders the board with 20,000 open tickets into a 160x50 TestBackend. Only the visible
//! rows are built, so a frame should stay well under 2 ms.

use chrono::{DateTime, Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::domain::policy::Policy;
use promptly::domain::ticket::{Customer, NewTicket, Priority};
use promptly::store::Store;
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

criterion_group!(benches, board);
criterion_main!(benches);

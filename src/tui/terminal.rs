//! The event loop on a real terminal: color-eyre first (a panic restores the terminal), then
//! `ratatui::init()`; a 1 s tick for countdowns and live refresh; only key presses count.

use super::app::{Action, App, BOARD_CHROME};
use crate::desk::Desk;
use chrono::Duration as ChronoDuration;
use ratatui::crossterm::event::{self, Event, KeyEventKind, MouseButton, MouseEventKind};
use ratatui::crossterm::execute;
use std::io::Write;
use std::time::{Duration, Instant};

const TICK: Duration = Duration::from_secs(1);

pub fn run(mut app: App, mut desk: Desk, notices: &[String], bell: bool, mouse: bool) -> color_eyre::Result<()> {
    // Installing twice (tests, a second board in one process) is harmless.
    let _ = color_eyre::install();
    let mut terminal = ratatui::init();
    if mouse {
        let _ = execute!(std::io::stdout(), event::EnableMouseCapture);
    }
    let result = event_loop(&mut terminal, &mut app, &mut desk, notices, bell);
    if mouse {
        let _ = execute!(std::io::stdout(), event::DisableMouseCapture);
    }
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    desk: &mut Desk,
    notices: &[String],
    bell: bool,
) -> color_eyre::Result<()> {
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    app.start_first_page(desk);
    // Config problems and a log that lost its protection are told at start-up.
    if !notices.is_empty() {
        let text = notices.join("  ");
        app.notice = Some(super::app::Notice {
            text,
            error: true,
            // Long enough to be read at start-up.
            at: desk.now() + ChronoDuration::seconds(4),
        });
    }
    let mut last_tick = Instant::now();
    loop {
        let now = desk.now();
        terminal.draw(|f| super::render(app, now, f))?;
        if app.partial {
            // The first page is on screen: now the rest of the rows.
            app.load(desk);
            continue;
        }
        if app.take_bell() && bell {
            let mut out = std::io::stdout();
            let _ = out.write_all(b"\x07");
            let _ = out.flush();
        }
        if app.quit {
            return Ok(());
        }
        let wait = TICK.saturating_sub(last_tick.elapsed());
        if event::poll(wait)? {
            match event::read()? {
                Event::Key(key) if key.kind == KeyEventKind::Press => app.handle_key(key, desk),
                Event::Resize(w, h) => app.resize(w, h),
                Event::Mouse(m) => match m.kind {
                    MouseEventKind::ScrollDown => app.update(Action::Down, desk),
                    MouseEventKind::ScrollUp => app.update(Action::Up, desk),
                    MouseEventKind::Down(MouseButton::Left) => app.click(m.row.saturating_sub(BOARD_CHROME - 1)),
                    _ => {}
                },
                _ => {}
            }
        }
        if last_tick.elapsed() >= TICK {
            app.tick(desk);
            last_tick = Instant::now();
        }
    }
}

//! The event loop on a real terminal: color-eyre first (a panic restores the terminal), then
//! `ratatui::init()`; a 1 s tick for countdowns and live refresh; only key presses count.
//! Bracketed paste is on, so a paste arrives as one text event, never as keys. Every event
//! already waiting is handled before the next frame is drawn, so a burst shows at once.

use super::app::{Action, App};
use crate::desk::Desk;
use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::crossterm::event::{
    self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::crossterm::execute;
use std::io::Write;
use std::time::{Duration, Instant};

const TICK: Duration = Duration::from_secs(1);
/// Two clicks on one row within this are a double click (the usual desktop default).
const DOUBLE_CLICK: Duration = Duration::from_millis(400);
/// Longest stretch of handling events without drawing: an endless stream still shows.
const DRAIN_FOR: Duration = Duration::from_millis(50);
/// How long to look for one more waiting event. Not zero: crossterm's /dev/tty source answers
/// a zero timeout from nothing, not even the events it has already parsed.
const MORE: Duration = Duration::from_millis(1);

pub fn run(mut app: App, mut desk: Desk, notices: &[String], bell: bool, mouse: bool) -> color_eyre::Result<()> {
    // Installing twice (tests, a second board in one process) is harmless.
    let _ = color_eyre::install();
    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), event::EnableBracketedPaste);
    if mouse {
        let _ = execute!(std::io::stdout(), event::EnableMouseCapture);
    }
    let result = event_loop(&mut terminal, &mut app, &mut desk, notices, bell);
    if mouse {
        let _ = execute!(std::io::stdout(), event::DisableMouseCapture);
    }
    let _ = execute!(std::io::stdout(), event::DisableBracketedPaste);
    ratatui::restore();
    result
}

/// The last left click, to tell a double click.
struct Clicks {
    last: Option<(Instant, u16)>,
}

impl Clicks {
    fn double(&mut self, row: u16) -> bool {
        let double = self
            .last
            .is_some_and(|(at, r)| r == row && at.elapsed() <= DOUBLE_CLICK);
        // A third click starts over rather than opening twice.
        self.last = if double { None } else { Some((Instant::now(), row)) };
        double
    }
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
    // Config problems and a log that lost its protection are told at start-up, from the
    // first frame, and stay on the status line until the agent opens the notices.
    for text in notices {
        app.pin(text.clone(), desk.now());
    }
    let mut clicks = Clicks { last: None };
    let mut last_tick = Instant::now();
    let mut flags = Vec::new();
    loop {
        let now = desk.now();
        let done = terminal.draw(|f| {
            super::render(app, now, f);
            clear_after_flags(f.buffer_mut(), &flags);
        })?;
        flags = flag_cells(done.buffer);
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
            let started = Instant::now();
            let mut redraw = false;
            loop {
                match event::read()? {
                    Event::Key(key) if key.kind == KeyEventKind::Press && is_redraw(&key) => redraw = true,
                    Event::Key(key) if key.kind == KeyEventKind::Press => app.handle_key(key, desk),
                    Event::Paste(text) => app.paste(&text, desk),
                    Event::Resize(w, h) => app.resize(w, h),
                    Event::Mouse(m) => mouse(app, desk, m, &mut clicks),
                    _ => {}
                }
                if app.quit || started.elapsed() >= DRAIN_FOR || !event::poll(MORE)? {
                    break;
                }
            }
            if redraw {
                // Whatever scribbled on the screen is gone after a full repaint.
                terminal.clear()?;
            }
        }
        if last_tick.elapsed() >= TICK {
            app.tick(desk);
            last_tick = Instant::now();
        }
    }
}

/// Where the frame drew a flag (two regional indicators, one 2-wide grapheme).
fn flag_cells(buffer: &Buffer) -> Vec<(u16, u16)> {
    let area = buffer.area;
    area.positions()
        .filter(|p| is_flag(buffer[*p].symbol()))
        .map(|p| (p.x, p.y))
        .collect()
}

fn is_flag(symbol: &str) -> bool {
    symbol.chars().count() == 2 && symbol.chars().all(|c| ('\u{1f1e6}'..='\u{1f1ff}').contains(&c))
}

/// Some terminals (tmux 3.3) keep a flag as two one-column cells, so drawing over its first
/// column leaves the second indicator on screen (a stray 🇳), and ratatui does not rewrite a
/// column that was blank behind the flag and is blank again. Where the last frame had a flag
/// that this one does not, the column after it is written anyway.
fn clear_after_flags(buffer: &mut Buffer, flags: &[(u16, u16)]) {
    for &(x, y) in flags {
        let gone = buffer.cell((x, y)).is_some_and(|c| !is_flag(c.symbol()));
        if let Some(next) = buffer.cell_mut((x.saturating_add(1), y)).filter(|_| gone) {
            next.set_diff_option(CellDiffOption::AlwaysUpdate);
        }
    }
}

/// Ctrl-L, as in every full-screen program.
fn is_redraw(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('l' | 'L'))
}

/// The wheel scrolls what Up/Down scroll; a click selects a board row, a double click opens it.
fn mouse(app: &mut App, desk: &mut Desk, m: MouseEvent, clicks: &mut Clicks) {
    match m.kind {
        MouseEventKind::ScrollDown => app.update(Action::Down, desk),
        MouseEventKind::ScrollUp => app.update(Action::Up, desk),
        MouseEventKind::Down(MouseButton::Left) => {
            let double = clicks.double(m.row);
            app.click_row(m.row, double, desk);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    #[test]
    fn the_column_after_a_vanished_flag_is_written_again() {
        let area = Rect::new(0, 0, 6, 1);
        let mut before = Buffer::empty(area);
        before.set_string(1, 0, "a🇨🇳b", ratatui::style::Style::default());
        let mut after = Buffer::empty(area);
        after.set_string(1, 0, "a", ratatui::style::Style::default());
        after.set_string(4, 0, "b", ratatui::style::Style::default());
        let written = |b: &Buffer| before.diff(b).iter().map(|(x, _, _)| *x).collect::<Vec<_>>();
        // Without the fix ratatui writes only column 2 (the flag's first half).
        assert_eq!(written(&after), [2]);
        clear_after_flags(&mut after, &flag_cells(&before));
        assert_eq!(written(&after), [2, 3]);
        // A flag still there needs nothing.
        let mut same = before.clone();
        clear_after_flags(&mut same, &flag_cells(&before));
        assert!(written(&same).is_empty());
    }
}

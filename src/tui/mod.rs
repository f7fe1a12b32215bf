//! The agent's board (issue 4): a live, keyboard-first view over the desk. Elm-shaped: `App`
//! state, keys -> `Action`s through the keymap, `App::update` calls the desk, and [`render`]
//! draws from `&App` and a `now` alone. ratatui and crossterm are used only inside this module.

pub mod app;
pub mod form;
pub mod keymap;
pub mod terminal;
pub mod theme;
pub mod view;

use crate::app::{Error, Result, Setup};
use crate::t;
use app::{App, Mode};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use view::{board, callbacks, dashboard, help, notices, review, ticket};

/// Below this the board cannot be laid out: a one-line notice instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 8;

/// Draws the whole screen. Pure: reads `app` and `now`, nothing else.
pub fn render(app: &App, now: DateTime<Utc>, frame: &mut Frame) {
    let policy = &app.policy;
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let notice = t!(
            "tui.too_small",
            locale = app.lang,
            width = area.width,
            height = area.height
        )
        .to_string();
        frame.render_widget(Paragraph::new(Line::raw(notice)), Rect { height: 1, ..area });
        return;
    }
    match (&app.mode, &app.ticket) {
        (Mode::Review, _) => review::render(app, now, area, frame),
        (Mode::Form(f), _) if matches!(f.purpose, form::Purpose::Judge { .. }) && !app.review.from_ticket => {
            review::render(app, now, area, frame)
        }
        (Mode::Dashboard, _) => dashboard::render(app, now, area, frame),
        (Mode::Callbacks, _) => callbacks::render(app, now, area, frame),
        (Mode::Form(f), _) if matches!(f.purpose, form::Purpose::Callback { .. }) => {
            callbacks::render(app, now, area, frame)
        }
        (Mode::Ticket, Some(screen)) => ticket::render(app, screen, policy, now, area, frame),
        (Mode::Form(_), Some(screen)) => ticket::render(app, screen, policy, now, area, frame),
        _ => board::render(app, now, area, frame),
    }
    if let Mode::Form(form) = &app.mode {
        form::render(form, &app.theme, area, frame);
        let bottom = Rect::new(area.x, area.y + area.height - 1, area.width, 1);
        if let Some(why) = app.discard {
            let key = match why {
                app::Discard::Close => "form.discard",
                app::Discard::Quit => "form.discard_quit",
            };
            let line = Line::styled(
                format!(" {}", t!(key, locale = app.lang)),
                app.theme.error().add_modifier(ratatui::style::Modifier::BOLD),
            );
            frame.render_widget(ratatui::widgets::Clear, bottom);
            frame.render_widget(Paragraph::new(line), bottom);
        } else if let Some(n) = app.notice_at(now).filter(|n| n.error) {
            form_notice(&n.text, form, area, app, frame);
        } else if let Some(text) = view::status::offline_text(app, usize::from(area.width)) {
            // What is typed stays; the agent sees why saving waits.
            form_notice(&text, form, area, app, frame);
        }
    }
    if let Some(scroll) = app.help {
        help::render(app, scroll, area, frame);
    }
    if app.notices_open {
        notices::render(app, area, frame);
    }
}

/// An error told over a form, on the bottom line(s) of the screen, cleared first (the hints
/// under it must not show through): wrapped onto the two lines below the form when they are
/// free, else cut where a word ends and marked.
fn form_notice(text: &str, form: &form::Form, area: Rect, app: &App, frame: &mut Frame) {
    let width = usize::from(area.width.saturating_sub(1)).max(1);
    let mut lines = crate::domain::text::wrap(text, width);
    let free_below = (area.height - form::height(form, area)) / 2;
    let rows = if lines.len() > 1 && free_below >= 2 { 2 } else { 1 };
    if lines.len() > rows {
        let (last, _) = crate::domain::text::cut_at_word(&lines[rows - 1], width - 1);
        lines.truncate(rows - 1);
        lines.push(format!("{last}…"));
    }
    let rect = Rect::new(area.x, area.y + area.height - rows as u16, area.width, rows as u16);
    let lines: Vec<Line> = lines
        .into_iter()
        .map(|l| Line::styled(format!(" {l}"), app.theme.error()))
        .collect();
    frame.render_widget(ratatui::widgets::Clear, rect);
    frame.render_widget(Paragraph::new(lines), rect);
}

/// A buffer as plain text: one line per row, trailing blanks trimmed, no escape codes.
pub fn buffer_text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut skip = 0;
        for x in area.left()..area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            line.push_str(symbol);
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The app as `setup` configures it: language, keymap and theme overrides, NO_COLOR.
pub fn app_for(setup: &Setup) -> (App, Vec<String>) {
    let (keymap, mut problems) = keymap::Keymap::with_overrides(&setup.config.keys, setup.lang);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (theme, theme_problems) = theme::Theme::from_config(&setup.config.theme, no_color, setup.lang);
    problems.extend(theme_problems);
    let mut app = App::new(setup.lang, keymap, theme);
    app.mail = setup.config.mail.clone();
    app.downloads = directories::UserDirs::new().map(|d| {
        d.download_dir()
            .map_or_else(|| d.home_dir().join("Downloads"), std::path::Path::to_path_buf)
    });
    (app, problems)
}

/// `promptly` and `promptly board`: the live board, on the configured database or (demo) on a
/// throwaway one filled with demo tickets.
pub fn run_board(setup: &Setup, demo: bool) -> Result<()> {
    use std::io::IsTerminal;
    // Under cron or with redirected streams there is nobody to show a board to.
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Error::failed(t!("tui.no_terminal", locale = setup.lang)));
    }
    let create = !demo && setup.named_db_missing() && confirm_create(setup)?;
    // Kept alive while the board runs; removed on exit.
    let demo_dir = demo
        .then(tempfile::tempdir)
        .transpose()
        .map_err(|e| Error::failed(e.to_string()))?;
    let demo_db = demo_dir.as_ref().map(|d| d.path().join("demo.db"));
    let mut desk = match setup.board_desk(demo_db.as_deref(), create) {
        // An empty schema on a server is found on connecting (no connection of its own to
        // look first): asked then, as for a file.
        Err(e) if e.is_missing_database() && setup.server().is_some() => {
            confirm_create(setup)?;
            setup.board_desk(None, true)?
        }
        opened => opened?,
    };
    if demo {
        desk.fill_demo(300, 42)?;
    }
    desk.sync_policy()?;
    let (app, problems) = app_for(setup);
    let mut notices: Vec<String> = problems
        .iter()
        .map(|p| t!("msg.config", locale = setup.lang, error = p))
        .collect();
    let missing = desk.missing_log_triggers()?;
    if !missing.is_empty() {
        notices.push(t!(
            "msg.log_unprotected",
            locale = setup.lang,
            triggers = missing.join(", ")
        ));
    }
    terminal::run(
        app,
        desk,
        &notices,
        setup.config.bell != Some(false),
        setup.config.mouse == Some(true),
    )
    .map_err(|e| Error::failed(e.to_string()))
}

/// Asks on the terminal before the board creates a database the user named: a mistyped
/// `--db` should not quietly become an empty desk.
fn confirm_create(setup: &Setup) -> Result<bool> {
    use std::io::Write;
    let path = crate::domain::text::sanitize_line(&setup.db_shown());
    eprint!("{} ", t!("tui.create_database", locale = setup.lang, path = path));
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Error::failed(e.to_string()))?;
    let yes = matches!(answer.trim().to_lowercase().as_str(), "y" | "yes" | "是" | "好");
    if yes {
        Ok(true)
    } else {
        Err(Error::failed(t!("tui.not_created", locale = setup.lang, path = path)))
    }
}

/// `promptly board --print`: one frame of the board as plain text.
pub fn print_board(setup: &Setup, width: u16, height: u16) -> Result<()> {
    let desk = setup.desk()?;
    let (mut app, _) = app_for(setup);
    app.resize(width, height);
    // One frame: the rows it shows and the header's counts, not the whole board.
    app.load_first_page(&desk);
    print!("{}", frame_text(&app, desk.now(), width, height));
    Ok(())
}

/// Renders one frame into an off-screen buffer and returns it as text.
pub fn frame_text(app: &App, now: DateTime<Utc>, width: u16, height: u16) -> String {
    let backend = ratatui::backend::TestBackend::new(width, height);
    let Ok(mut terminal) = ratatui::Terminal::new(backend);
    let Ok(done) = terminal.draw(|f| render(app, now, f));
    buffer_text(done.buffer)
}

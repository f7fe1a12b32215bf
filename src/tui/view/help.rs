//! The help overlay, generated from the keymap so it never drifts from the keys.

use crate::t;
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context, Keymap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

/// Every context's bindings as lines: a heading, then "keys  what they do".
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut out = Vec::new();
    for ctx in [
        Context::Board,
        Context::Found,
        Context::Ticket,
        Context::Review,
        Context::Dashboard,
        Context::Filter,
        Context::Command,
        Context::Form,
        Context::Help,
    ] {
        let entries = app.keymap.help(ctx);
        if entries.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::from(Span::styled(
            t!(ctx.label_key(), locale = app.lang).to_string(),
            theme.header(),
        )));
        let key_w = entries.iter().map(|(k, _)| k.width()).max().unwrap_or(0).min(24) + 2;
        for (keys, action) in entries {
            out.push(Line::from(vec![
                Span::styled(
                    format!("  {}", crate::domain::text::fit(&keys, key_w)),
                    Style::default().fg(theme.accent).add_modifier(Modifier::BOLD),
                ),
                Span::raw(t!(format!("action.{}", action.name()), locale = app.lang).to_string()),
            ]));
        }
    }
    out.push(Line::raw(""));
    out.push(Line::from(Span::styled(
        t!("tui.always", locale = app.lang).to_string(),
        theme.muted(),
    )));
    out
}

/// Rows of text the overlay shows at once (the terminal's height less the border).
pub fn page(app: &App) -> u16 {
    app.size.1.saturating_sub(2).max(1)
}

/// The furthest the overlay scrolls: its last line at the bottom.
pub fn max_scroll(app: &App) -> u16 {
    (lines(app).len() as u16).saturating_sub(page(app))
}

pub fn render(app: &App, scroll: u16, area: Rect, frame: &mut Frame) {
    let width = area.width.min(64);
    let height = area.height;
    let rect = Rect::new(area.x + (area.width - width) / 2, area.y, width, height);
    super::board::clear_popup(frame, rect);
    let lines = lines(app);
    let total = lines.len() as u16;
    let inner_h = height.saturating_sub(2);
    let max = total.saturating_sub(inner_h);
    let scroll = scroll.min(max);
    let mut block = Block::default().borders(Borders::ALL).title(Span::styled(
        format!(" {} ", t!("tui.help_title", locale = app.lang)),
        app.theme.header(),
    ));
    if max > 0 {
        // Where the window is, and which way there is more: "↓ 1-22/58".
        let arrows = match (scroll > 0, scroll < max) {
            (true, true) => "↑↓",
            (true, false) => "↑",
            _ => "↓",
        };
        let at = t!(
            "tui.help_position",
            locale = app.lang,
            from = scroll + 1,
            to = (scroll + inner_h).min(total),
            n = total
        );
        block =
            block.title_bottom(Line::from(Span::styled(format!(" {arrows} {at} "), app.theme.muted())).right_aligned());
    }
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}

/// The README's key table, generated from the bindings in force: one row per action and set
/// of keys, naming the contexts where those keys do it (context and action names from the
/// `lang` catalogue). `tests/readme_keys.rs` keeps the README's copy equal to it.
pub fn key_table(map: &Keymap, lang: &str) -> String {
    let mut out = String::from("| keys | where | what |\n|---|---|---|\n");
    for action in Action::ALL {
        // Contexts grouped by the keys they give the action, in context order.
        let mut rows: Vec<(String, Vec<Context>)> = Vec::new();
        for ctx in Context::ALL {
            let keys: Vec<String> = map
                .bindings()
                .iter()
                .filter(|(c, _, a)| c == ctx && a == action)
                .map(|(_, k, _)| format!("`{k}`"))
                .collect();
            if keys.is_empty() {
                continue;
            }
            let keys = keys.join(" ");
            match rows.iter_mut().find(|(k, _)| *k == keys) {
                Some((_, ctxs)) => ctxs.push(*ctx),
                None => rows.push((keys, vec![*ctx])),
            }
        }
        for (keys, ctxs) in rows {
            let wher: Vec<String> = ctxs
                .iter()
                .map(|c| t!(c.label_key(), locale = lang).to_string())
                .collect();
            let what = t!(format!("action.{}", action.name()), locale = lang);
            out.push_str(&format!("| {keys} | {} | {what} |\n", wher.join(", ")));
        }
    }
    out
}

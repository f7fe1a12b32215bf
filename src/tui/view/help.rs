//! The help overlay, generated from the keymap so it never drifts from the keys.

use crate::t;
use crate::tui::app::App;
use crate::tui::keymap::Context;
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
        Context::Ticket,
        Context::Review,
        Context::Dashboard,
        Context::Filter,
        Context::Form,
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

pub fn render(app: &App, scroll: u16, area: Rect, frame: &mut Frame) {
    let width = area.width.min(64);
    let height = area.height;
    let rect = Rect::new(area.x + (area.width - width) / 2, area.y, width, height);
    super::board::clear_popup(frame, rect);
    let block = Block::default().borders(Borders::ALL).title(Span::styled(
        format!(" {} ", t!("tui.help_title", locale = app.lang)),
        app.theme.header(),
    ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let lines = lines(app);
    let max = (lines.len() as u16).saturating_sub(inner.height);
    frame.render_widget(Paragraph::new(lines).scroll((scroll.min(max), 0)), inner);
}

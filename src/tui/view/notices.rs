//! The notices overlay (`!`): the recent notices in full, newest first, wrapped to the width.
//! The status line shows only the newest, cut to leave the key hints room.

use crate::domain::text::{sanitize_line, wrap};
use crate::t;
use crate::tui::app::App;
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn render(app: &App, area: Rect, frame: &mut Frame) {
    let theme = &app.theme;
    let width = area.width.min(90);
    let rect = Rect::new(area.x + (area.width - width) / 2, area.y, width, area.height);
    super::board::clear_popup(frame, rect);
    let block = Block::default().borders(Borders::ALL).title(Span::styled(
        format!(" {} ", t!("tui.notices_title", locale = app.lang)),
        theme.header(),
    ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let tz: Tz = app.policy.shop_calendar().tz();
    let mut lines = Vec::new();
    if app.notices.is_empty() {
        lines.push(Line::styled(
            format!(" {}", t!("tui.notices_none", locale = app.lang)),
            theme.muted(),
        ));
    }
    let text_w = (inner.width as usize).saturating_sub(8).max(1);
    for n in app.notices.iter().rev() {
        let style = if n.error {
            theme.error()
        } else {
            Style::default().fg(theme.ok)
        };
        let time = n.at.with_timezone(&tz).format("%H:%M").to_string();
        for (i, piece) in wrap(&sanitize_line(&n.text), text_w).into_iter().enumerate() {
            let lead = if i == 0 { format!(" {time} ") } else { " ".repeat(7) };
            lines.push(Line::from(vec![
                Span::styled(lead, theme.muted()),
                Span::styled(piece, style),
            ]));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

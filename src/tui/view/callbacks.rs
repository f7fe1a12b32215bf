//! The callbacks screen (C): a month's sample to call back, with the customer's name and full
//! phone, where each call stands (to call, not reached and how often, reached and the score)
//! and the comment. Enter records a call.

use super::board::{cell, hints, status_line};
use crate::domain::callback::CallState;
use crate::domain::text::sanitize_line;
use crate::t;
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub fn render(app: &App, now: DateTime<Utc>, area: Rect, frame: &mut Frame) {
    let theme = &app.theme;
    let lang = app.lang;
    let w = area.width;
    let line = |y: u16| Rect::new(area.x, area.y + y, w, 1);
    let c = &app.callbacks;
    let count = |s: CallState| c.rows.iter().filter(|r| r.state() == s).count();
    let month = c.month.map(|m| m.to_string()).unwrap_or_default();
    let head = vec![
        Span::styled(
            format!(" {} ", t!("tui.callbacks_title", locale = lang)),
            theme.header(),
        ),
        Span::raw(" "),
        Span::raw(
            t!(
                "tui.callbacks_count",
                locale = lang,
                month = month,
                planned = c.rows.len(),
                done = count(CallState::Done),
                attempted = count(CallState::Attempted),
                pending = count(CallState::Pending)
            )
            .to_string(),
        ),
    ];
    frame.render_widget(Paragraph::new(Line::from(head)), line(0));

    let table = Rect::new(area.x, area.y + 1, w, area.height.saturating_sub(2));
    if c.rows.is_empty() {
        let y = table.y + table.height / 3;
        frame.render_widget(
            Paragraph::new(Line::from(t!("callback.empty", locale = lang).to_string()).centered())
                .style(Style::default().add_modifier(Modifier::BOLD)),
            Rect::new(area.x, y.min(table.y + table.height.saturating_sub(1)), w, 1),
        );
    } else if table.height > 0 {
        let body = table.height.saturating_sub(1) as usize;
        let mut offset = c.offset.min(c.selected);
        if body > 0 && c.selected >= offset + body {
            offset = c.selected + 1 - body;
        }
        let end = (offset + body).min(c.rows.len());
        let visible = c.rows.get(offset..end).unwrap_or_default();
        let widest = |f: &dyn Fn(&crate::domain::callback::Callback) -> String, min: usize, max: usize| {
            visible.iter().map(|r| f(r).width()).max().unwrap_or(0).clamp(min, max) + 1
        };
        let id_w = 7;
        let name_w = widest(
            &|r| sanitize_line(&r.customer),
            t!("col.customer", locale = lang).width(),
            14,
        );
        // The full phone: the supervisor dials it.
        let phone_w = widest(
            &|r| sanitize_line(&r.phone),
            t!("form.phone", locale = lang).width(),
            20,
        );
        let state_w = widest(&|r| crate::words::callback_state(r, lang), 8, 18);
        let rest = (w as usize).saturating_sub(2 + id_w + name_w + phone_w + state_w);
        let head = Line::from(vec![
            Span::raw("  "),
            Span::raw(cell(&t!("tui.col_id", locale = lang), id_w)),
            Span::raw(cell(&t!("col.customer", locale = lang), name_w)),
            Span::raw(cell(&t!("form.phone", locale = lang), phone_w)),
            Span::raw(cell(&t!("tui.callbacks_col_state", locale = lang), state_w)),
            Span::raw(cell(&t!("tui.callbacks_col_rest", locale = lang), rest)),
        ])
        .style(theme.header());
        frame.render_widget(Paragraph::new(head), Rect::new(area.x, table.y, w, 1));
        for (n, r) in visible.iter().enumerate() {
            let selected = offset + n == c.selected;
            let colour = match r.state() {
                CallState::Done => theme.ok,
                CallState::Attempted => theme.warning,
                CallState::Pending => theme.accent,
            };
            // The comment once recorded, else the ticket's title (what the call is about).
            let about = match r.outcome.as_ref().filter(|o| !o.comment.trim().is_empty()) {
                Some(o) => format!("“{}”", sanitize_line(&o.comment)),
                None => sanitize_line(&r.title),
            };
            let row = Line::from(vec![
                Span::styled(if selected { "> " } else { "  " }, Style::default().fg(theme.accent)),
                Span::raw(cell(&format!("#{}", r.ticket_id), id_w)),
                Span::raw(cell(&sanitize_line(&r.customer), name_w)),
                Span::raw(cell(&sanitize_line(&r.phone), phone_w)),
                Span::styled(
                    cell(&crate::words::callback_state(r, lang), state_w),
                    Style::default().fg(colour).add_modifier(Modifier::BOLD),
                ),
                Span::raw(cell(&about, rest)),
            ]);
            let row = if selected {
                row.patch_style(theme.selected())
            } else {
                row
            };
            frame.buffer_mut().set_line(area.x, table.y + 1 + n as u16, &row, w);
        }
    }

    let keys = hints(
        app,
        Context::Callbacks,
        &[
            Action::RecordCall,
            Action::PrevMonth,
            Action::NextMonth,
            Action::Back,
            Action::Help,
        ],
        w.saturating_sub(12),
    );
    let position = (!c.rows.is_empty()).then(|| (c.selected + 1, c.rows.len()));
    status_line(app, now, keys, position, line(area.height - 1), frame);
}

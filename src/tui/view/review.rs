//! The breach review screen (R): every breached clock awaiting judgement, oldest deadline
//! first, with how late it was; judged in a few keys through the judgement form.

use super::board::{cell, hints, status_line};
use crate::domain::text::sanitize_line;
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};

use crate::t;
use crate::words::metric as metric_label;
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
    let r = &app.review;
    let total = app.review_count.unwrap_or(r.rows.len()).max(r.rows.len());

    let mut head = vec![
        Span::styled(format!(" {} ", t!("tui.review_title", locale = lang)), theme.header()),
        Span::raw(" "),
        Span::raw(t!("tui.review_count", locale = lang, n = total).to_string()),
    ];
    if r.rows.len() < total {
        head.push(Span::styled(
            crate::words::aside(&t!("tui.limited", locale = lang, n = r.rows.len()), lang),
            theme.muted(),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(head)), line(0));

    let table = Rect::new(area.x, area.y + 1, w, area.height.saturating_sub(2));
    if r.rows.is_empty() {
        let y = table.y + table.height / 3;
        frame.render_widget(
            Paragraph::new(Line::from(t!("review.empty", locale = lang).to_string()).centered())
                .style(Style::default().add_modifier(Modifier::BOLD)),
            Rect::new(area.x, y.min(table.y + table.height.saturating_sub(1)), w, 1),
        );
    } else if table.height > 0 {
        let policy = &app.policy;
        let tz = policy.shop_calendar().tz();
        let body = table.height.saturating_sub(1) as usize;
        let mut offset = r.offset.min(r.selected);
        if body > 0 && r.selected >= offset + body {
            offset = r.selected + 1 - body;
        }
        let end = (offset + body).min(r.rows.len());
        let visible = r.rows.get(offset..end).unwrap_or_default();
        let label = |m: &str| metric_label(policy, m, lang);
        let clock_w = visible
            .iter()
            .map(|b| label(&b.metric).width())
            .max()
            .unwrap_or(0)
            .max(t!("review.col.metric", locale = lang).width())
            .min(18)
            + 1;
        let status_w = crate::domain::ticket::Status::ALL
            .iter()
            .map(|s| t!(format!("status.{}", s.slug()), locale = lang).width())
            .max()
            .unwrap_or(0)
            .max(t!("col.status", locale = lang).width())
            + 1;
        // Lateness reads like a countdown ("-10天23小时" in Chinese).
        let (id_w, due_w, late_w) = (7, 17, crate::words::duration::countdown_width(lang) + 2);
        let title_w = (w as usize).saturating_sub(2 + id_w + clock_w + due_w + late_w + status_w);
        let head = Line::from(vec![
            Span::raw("  "),
            Span::raw(cell(&t!("tui.col_id", locale = lang), id_w)),
            Span::raw(cell(&t!("review.col.metric", locale = lang), clock_w)),
            Span::raw(cell(&t!("review.col.due", locale = lang), due_w)),
            Span::raw(cell(&t!("review.col.late", locale = lang), late_w)),
            Span::raw(cell(&t!("col.status", locale = lang), status_w)),
            Span::raw(cell(&t!("col.title", locale = lang), title_w)),
        ])
        .style(theme.header());
        frame.render_widget(Paragraph::new(head), Rect::new(area.x, table.y, w, 1));
        for (n, b) in visible.iter().enumerate() {
            let selected = offset + n == r.selected;
            // Still running late: the breach grows; met late: it is what it is.
            let late_colour = if b.met_at.is_none() {
                theme.breached
            } else {
                theme.warning
            };
            let row = Line::from(vec![
                Span::styled(if selected { "> " } else { "  " }, Style::default().fg(theme.accent)),
                Span::raw(cell(&format!("#{}", b.ticket_id), id_w)),
                Span::raw(cell(&label(&b.metric), clock_w)),
                Span::raw(cell(&super::ticket::local(b.due_at, tz), due_w)),
                Span::styled(
                    cell(&crate::words::duration::late_compact(b.late_secs(now), lang), late_w),
                    Style::default().fg(late_colour).add_modifier(Modifier::BOLD),
                ),
                Span::raw(cell(
                    &t!(format!("status.{}", b.status.slug()), locale = lang),
                    status_w,
                )),
                Span::raw(cell(&sanitize_line(&b.title), title_w)),
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
        Context::Review,
        &[
            Action::JudgeMinor,
            Action::JudgeMajor,
            Action::Judge,
            Action::Back,
            Action::Dashboard,
            Action::Help,
        ],
        w.saturating_sub(12),
    );
    let position = (!r.rows.is_empty()).then(|| (r.selected + 1, r.rows.len()));
    status_line(app, now, keys, position, line(area.height - 1), frame);
}

//! The breach review screen (R): the unjudged breaches, newest deadline first by default, with
//! the filters and how many match each value, priority, kind, customer and how late in
//! business and wall-clock time; marked rows carry a `*`.

use super::board::{cell, hints, status_line};
use crate::domain::review::QueueOrder;
use crate::domain::text::{fit, sanitize_line};
use crate::tui::app::{App, key_of};
use crate::tui::keymap::{Action, Context};

use crate::t;
use crate::words::{metric as metric_label, word};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// Rows above the table: title, filters, counts.
const HEAD: u16 = 3;
/// The title keeps this many columns before kind and customer are shown.
const TITLE_MIN: usize = 24;

pub fn render(app: &App, now: DateTime<Utc>, area: Rect, frame: &mut Frame) {
    let theme = &app.theme;
    let lang = app.lang;
    let w = area.width;
    let line = |y: u16| Rect::new(area.x, area.y + y, w, 1);
    let r = &app.review;
    let total = app.review_count.unwrap_or(r.counts.total).max(r.counts.total);
    let order = match r.order {
        QueueOrder::NewestFirst => t!("tui.review_newest", locale = lang),
        QueueOrder::OldestFirst => t!("tui.review_oldest", locale = lang),
    };
    let mut head = vec![
        Span::styled(format!(" {} ", t!("tui.review_title", locale = lang)), theme.header()),
        Span::raw(" "),
        Span::raw(t!("tui.review_count", locale = lang, n = total).to_string()),
        Span::styled(format!(" · {order}"), theme.muted()),
    ];
    if app.review_filter_is_set() {
        let n = if r.counts.capped {
            format!("{}+", r.counts.total)
        } else {
            r.counts.total.to_string()
        };
        head.push(Span::raw(format!(
            " · {}",
            t!("tui.review_matching", locale = lang, n = n)
        )));
    }
    if !r.marked.is_empty() {
        head.push(Span::styled(
            format!(" · {}", t!("tui.review_marked", locale = lang, n = r.marked.len())),
            Style::default().fg(theme.accent).add_modifier(Modifier::BOLD),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(head)), line(0));
    filters_line(app, line(1), frame);
    counts_line(app, line(2), frame);

    let table = Rect::new(area.x, area.y + HEAD, w, area.height.saturating_sub(HEAD + 1));
    if r.rows.is_empty() {
        let y = table.y + table.height / 3;
        let key = if app.review_filter_is_set() {
            "review.none_match"
        } else {
            "review.empty"
        };
        frame.render_widget(
            Paragraph::new(Line::from(t!(key, locale = lang).to_string()).centered())
                .style(Style::default().add_modifier(Modifier::BOLD)),
            Rect::new(area.x, y.min(table.y + table.height.saturating_sub(1)), w, 1),
        );
    } else if table.height > 0 {
        rows(app, now, table, frame);
    }

    let keys = if r.typing {
        Line::from(Span::styled(
            format!(" {}", t!("tui.review_typing", locale = lang)),
            theme.muted(),
        ))
    } else {
        hints(
            app,
            Context::Review,
            &[
                Action::JudgeMinor,
                Action::JudgeMajor,
                Action::Mark,
                Action::Open,
                Action::Filter,
                Action::ToggleOrder,
                Action::Help,
                Action::Back,
            ],
            w.saturating_sub(12),
        )
    };
    let position = (!r.rows.is_empty()).then(|| (r.selected + 1, r.counts.total.max(r.rows.len())));
    status_line(app, now, keys, position, line(area.height - 1), frame);
}

/// "Period: this week · Clock: all · ... · Text: /refund", the active ones bold.
fn filters_line(app: &App, area: Rect, frame: &mut Frame) {
    let (r, lang) = (&app.review, app.lang);
    let all = t!("tui.review_all", locale = lang).to_string();
    let period = r.period.map(|p| {
        let key = match p {
            crate::domain::kpi::PeriodKind::Day => "tui.review_day",
            crate::domain::kpi::PeriodKind::Week => "tui.review_week",
            crate::domain::kpi::PeriodKind::Month => "tui.review_month",
        };
        t!(key, locale = lang).to_string()
    });
    let status = r
        .status
        .map(|s| t!(format!("tui.review_{}", s.slug()), locale = lang).to_string());
    let text = sanitize_line(r.text.value());
    let parts = [
        (Action::FilterPeriod, "tui.review_period", period),
        (
            Action::FilterMetric,
            "tui.review_clock",
            r.metric.as_ref().map(|m| metric_label(&app.policy, m, lang)),
        ),
        (
            Action::FilterPriority,
            "tui.review_priority",
            r.priority.map(|p| word("priority", p.slug(), lang)),
        ),
        (
            Action::FilterKind,
            "tui.review_kind",
            r.kind.map(|k| word("kind", k.slug(), lang)),
        ),
        (Action::FilterStatus, "tui.review_status", status),
        (
            Action::Filter,
            "tui.review_text",
            (r.typing || !text.is_empty()).then(|| text.clone()),
        ),
    ];
    // The text filter shows once there is one; when the line does not fit, only the filters
    // in force stay (the others are in help).
    let items: Vec<(String, String, bool, Action)> = parts
        .iter()
        .filter(|(action, _, value)| *action != Action::Filter || value.is_some())
        .map(|(action, label, value)| {
            let keys = app.keymap.keys_for(Context::Review, *action);
            // Keys are listed "a/b": the key `/` itself is the one that starts with it.
            let key = if keys.starts_with('/') {
                "/".to_string()
            } else {
                keys.split('/').next().unwrap_or_default().to_string()
            };
            let label = format!(
                "{key} {}{}",
                t!(label, locale = lang),
                t!("cli.label_sep", locale = lang)
            );
            (
                label,
                value.clone().unwrap_or_else(|| all.clone()),
                value.is_some(),
                *action,
            )
        })
        .collect();
    let width: usize = items.iter().map(|(l, v, ..)| l.width() + v.width() + 3).sum();
    let items: Vec<_> = if width > area.width as usize {
        items.into_iter().filter(|i| i.2).collect()
    } else {
        items
    };
    let mut spans = vec![Span::raw(" ")];
    let mut x = 1usize;
    let mut cursor = None;
    for (n, (label, shown, active, action)) in items.into_iter().enumerate() {
        let label = if n == 0 { label } else { format!(" · {label}") };
        let style = if active {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            app.theme.muted()
        };
        x += label.width() + shown.width();
        if action == Action::Filter && r.typing {
            cursor = Some(x);
        }
        spans.push(Span::styled(label, app.theme.muted()));
        spans.push(Span::styled(shown, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if let Some(x) = cursor.filter(|x| *x < area.width as usize) {
        frame.set_cursor_position(Position::new(area.x + x as u16, area.y));
    }
}

/// How the matching breaches split: by clock, priority, kind and status, cut to the width.
fn counts_line(app: &App, area: Rect, frame: &mut Frame) {
    let (c, lang) = (&app.review.counts, app.lang);
    let lead = if c.capped {
        format!(" {}", t!("tui.review_counted", locale = lang, n = c.total))
    } else {
        String::new()
    };
    let parts = crate::words::review::queue_split(&app.policy, c, lang);
    let text = fit(&format!("{lead} {}", parts.join(" · ")), area.width as usize);
    frame.render_widget(Paragraph::new(Line::styled(text, app.theme.muted())), area);
}

fn rows(app: &App, now: DateTime<Utc>, table: Rect, frame: &mut Frame) {
    let (theme, lang, r) = (&app.theme, app.lang, &app.review);
    let policy = &app.policy;
    let tz = policy.shop_calendar().tz();
    let w = table.width;
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
        .min(14)
        + 1;
    let lates: Vec<String> = visible
        .iter()
        .map(|b| crate::words::duration::late_both(policy, b, now, lang))
        .collect();
    let late_w = lates.iter().map(|l| l.width()).max().unwrap_or(0).min(34) + 1;
    let prio_w = crate::domain::ticket::Priority::ALL
        .iter()
        .map(|p| word("priority", p.slug(), lang).width())
        .max()
        .unwrap_or(0)
        .max(t!("review.col.priority", locale = lang).width())
        + 1;
    let (id_w, due_w) = (7, 12);
    // Narrow screens drop the deadline, the customer and the kind before the title gets
    // shorter than a few words.
    let due_w = if w >= 90 { due_w } else { 0 };
    let mut title_w = (w as usize).saturating_sub(3 + id_w + clock_w + due_w + late_w + prio_w);
    let mut take = |want: usize| {
        let fits = title_w >= want + TITLE_MIN;
        if fits {
            title_w -= want;
        }
        if fits { want } else { 0 }
    };
    let kind_w = take(12);
    let cust_w = take(16);
    let head = Line::from(vec![
        Span::raw("   "),
        Span::raw(cell(&t!("tui.col_id", locale = lang), id_w)),
        Span::raw(cell(&t!("review.col.metric", locale = lang), clock_w)),
        Span::raw(cell(&t!("review.col.due", locale = lang), due_w)),
        Span::raw(cell(&t!("review.col.late", locale = lang), late_w)),
        Span::raw(cell(&t!("review.col.priority", locale = lang), prio_w)),
        Span::raw(cell(&t!("review.col.kind", locale = lang), kind_w)),
        Span::raw(cell(&t!("review.col.customer", locale = lang), cust_w)),
        Span::raw(cell(&t!("col.title", locale = lang), title_w)),
    ])
    .style(theme.header());
    frame.render_widget(Paragraph::new(head), Rect::new(table.x, table.y, w, 1));
    for (n, (b, late)) in visible.iter().zip(&lates).enumerate() {
        let selected = offset + n == r.selected;
        let marked = r.marked.contains(&key_of(b));
        // Still running late: the breach grows; met late: it is what it is.
        let late_colour = if b.met_at.is_none() {
            theme.breached
        } else {
            theme.warning
        };
        let due = super::ticket::local(b.due_at, tz);
        let row = Line::from(vec![
            Span::styled(if selected { ">" } else { " " }, Style::default().fg(theme.accent)),
            Span::styled(if marked { "* " } else { "  " }, Style::default().fg(theme.accent)),
            Span::raw(cell(&format!("#{}", b.ticket_id), id_w)),
            Span::raw(cell(&label(&b.metric), clock_w)),
            // "11-23 14:05": the year is this year's nearly always; the column stays narrow.
            Span::raw(cell(due.get(5..).unwrap_or(&due), due_w)),
            Span::styled(
                cell(late, late_w),
                Style::default().fg(late_colour).add_modifier(Modifier::BOLD),
            ),
            Span::raw(cell(&word("priority", b.priority.slug(), lang), prio_w)),
            Span::raw(cell(&word("kind", b.kind.slug(), lang), kind_w)),
            Span::raw(cell(&sanitize_line(&crate::desk::customer_cell(&b.customer)), cust_w)),
            Span::raw(cell(&sanitize_line(&b.title), title_w)),
        ]);
        let row = if selected {
            row.patch_style(theme.selected())
        } else if marked {
            row.patch_style(Style::default().add_modifier(Modifier::BOLD))
        } else {
            row
        };
        frame.buffer_mut().set_line(table.x, table.y + 1 + n as u16, &row, w);
    }
}

//! The board: header with counts, view tabs, the ticket table (only the visible rows are
//! built), and the status line.

use crate::domain::text::fit;
use crate::tui::app::{App, BoardRow, Live, Mode, View};
use crate::tui::keymap::{Action, Context};
use crate::words::metric as metric_label;

use crate::domain::ticket::{Priority, Status};
use crate::t;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub use super::status::{hints, status_line};

pub fn render(app: &App, now: DateTime<Utc>, area: Rect, frame: &mut Frame) {
    let theme = &app.theme;
    let lang = app.lang;
    let w = area.width;
    let line = |y: u16| Rect::new(area.x, area.y + y, w, 1);

    // Header: counts, or that the server is away and the rows below are as of then.
    let top = super::status::offline_banner(app, w).unwrap_or_else(|| header(app, w));
    frame.render_widget(Paragraph::new(top), line(0));

    // Tabs and the filter.
    let mut tabs = vec![Span::raw(" ")];
    for view in View::ALL {
        let keys = app.keymap.keys_for(Context::Board, view.action());
        let label = format!("{keys} {}", t!(view.label_key(), locale = lang));
        if view == app.view {
            let style = if theme.monochrome {
                Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            } else {
                Style::default()
                    .fg(theme.accent)
                    .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            };
            tabs.push(Span::styled(format!("[{label}]"), style));
        } else {
            tabs.push(Span::styled(format!(" {label} "), theme.muted()));
        }
        tabs.push(Span::raw(" "));
    }
    if app.view == View::All && app.all_rows.len() >= crate::tui::app::ALL_LIMIT {
        tabs.push(Span::styled(
            format!("{} ", t!("tui.limited", locale = lang, n = crate::tui::app::ALL_LIMIT)),
            theme.muted(),
        ));
    }
    // The owner view, only when it narrows (all tickets say nothing, as before owners).
    if app.owner_view != crate::tui::app::OwnerView::All {
        let keys = app.keymap.keys_for(Context::Board, Action::OwnerView);
        let label = format!("{keys} {}", t!(app.owner_view.label_key(), locale = lang));
        tabs.push(Span::styled(
            format!("[{label}] "),
            Style::default().fg(theme.accent).add_modifier(Modifier::BOLD),
        ));
    }
    let filtering = matches!(app.mode, Mode::Filter);
    let filter_text = crate::domain::text::sanitize_line(app.filter.value());
    if filtering || !filter_text.is_empty() {
        tabs.push(Span::styled(
            format!(
                " {}{}/",
                t!("tui.filter", locale = lang),
                t!("cli.label_sep", locale = lang)
            ),
            Style::default().fg(theme.accent),
        ));
        tabs.push(Span::styled(
            filter_text.clone(),
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    let tabs_line = Line::from(tabs);
    let tabs_width = tabs_line.width() as u16;
    frame.render_widget(Paragraph::new(tabs_line), line(1));
    if filtering {
        let x = area.x + tabs_width.saturating_sub(filter_text.width() as u16) + app.filter.visual_cursor() as u16;
        if x < area.x + w {
            frame.set_cursor_position(Position::new(x, area.y + 1));
        }
    }

    // The table.
    let table = Rect::new(area.x, area.y + 2, w, area.height.saturating_sub(3));
    render_table(app, now, table, frame);

    // Status line: a notice, the filter hint, or key hints from the keymap.
    let status = line(area.height - 1);
    if matches!(app.mode, Mode::Command) {
        command_line(app, now, status, frame);
        return;
    }
    let text = if filtering {
        Line::from(Span::styled(
            format!(" {}", t!("tui.filter_hint", locale = lang)),
            theme.muted(),
        ))
    } else if !filter_text.trim().is_empty() {
        hints(
            app,
            Context::Found,
            &[
                Action::NextMatch,
                Action::PrevMatch,
                Action::Back,
                Action::Open,
                Action::Command,
                Action::Help,
            ],
            w.saturating_sub(12),
        )
    } else {
        hints(
            app,
            Context::Board,
            &[
                Action::Help,
                Action::New,
                Action::Open,
                Action::Filter,
                Action::Quit,
                Action::Log,
                Action::Status,
                Action::NextView,
                Action::Review,
                Action::Dashboard,
            ],
            w.saturating_sub(12),
        )
    };
    let position = (!app.shown.is_empty()).then(|| (app.selected + 1, app.shown_total()));
    super::status::bottom_line(app, now, text, position, status, frame, false);
}

/// `:` and what is typed, with the cursor; the candidates of a completion (or a refusal) after it.
fn command_line(app: &App, now: DateTime<Utc>, area: Rect, frame: &mut Frame) {
    let typed = crate::domain::text::sanitize_line(app.command.value());
    let mut spans = vec![
        Span::styled(":", Style::default().fg(app.theme.accent).add_modifier(Modifier::BOLD)),
        Span::raw(typed.clone()),
    ];
    let notice = app.notice_at(now);
    let aside = match notice {
        _ if !app.completions.is_empty() => app.completions.join("  "),
        Some(n) => n.text.clone(),
        None => t!("tui.command_hint", locale = app.lang).to_string(),
    };
    let style = if notice.is_some_and(|n| n.error) {
        app.theme.error()
    } else {
        app.theme.muted()
    };
    spans.push(Span::styled(format!("   {aside}"), style));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let x = area.x + 1 + app.command.visual_cursor() as u16;
    if x < area.x + area.width {
        frame.set_cursor_position(Position::new(x, area.y));
    }
}

/// The header's counts in the widest form that fits `width`: breached, warning, to-judge and
/// callbacks due keep their words; open, waiting and resolved are shortened, then the name
/// goes, then no callbacks due (a zero) goes, then open, waiting and resolved go too.
pub fn header(app: &App, width: u16) -> Line<'static> {
    let (theme, lang, c) = (&app.theme, app.lang, app.counts);
    let review = app.review_count.map(|n| {
        let key = app.keymap.keys_for(Context::Board, Action::Review);
        let style = if n > 0 {
            Style::default().fg(theme.warning).add_modifier(Modifier::BOLD)
        } else {
            theme.muted()
        };
        let mut spans = vec![Span::styled(
            t!("tui.count_review", locale = lang, n = n).to_string(),
            style,
        )];
        if !key.is_empty() {
            spans.push(Span::styled(crate::words::aside(&key, lang), theme.muted()));
        }
        spans
    });
    // The month's callbacks not reached yet, beside "to judge": the supervisor's other list.
    let callbacks = app.callbacks_due.map(|n| {
        let key = app.keymap.keys_for(Context::Board, Action::Callbacks);
        let style = if n > 0 {
            Style::default().fg(theme.warning)
        } else {
            theme.muted()
        };
        let mut spans = vec![Span::styled(
            t!("tui.count_callbacks", locale = lang, n = n).to_string(),
            style,
        )];
        if !key.is_empty() {
            spans.push(Span::styled(crate::words::aside(&key, lang), theme.muted()));
        }
        spans
    });
    let word = |key: &str, n: usize| t!(key, locale = lang, n = n).to_string();
    let build = |brand: bool, short: bool, all: bool, calls: bool| {
        let mut spans = vec![if brand {
            Span::styled(" Promptly ", theme.header())
        } else {
            Span::raw(" ")
        }];
        let (waiting, resolved) = if short {
            ("tui.count_waiting_short", "tui.count_resolved_short")
        } else {
            ("tui.count_waiting", "tui.count_resolved")
        };
        let mut parts = vec![
            vec![Span::raw(word("tui.count_open", c.open))],
            vec![Span::styled(
                word("tui.count_warning", c.warning),
                Style::default().fg(theme.warning),
            )],
            vec![Span::styled(
                word("tui.count_breached", c.breached),
                Style::default().fg(theme.breached).add_modifier(Modifier::BOLD),
            )],
            vec![Span::raw(word(waiting, c.waiting))],
            vec![Span::raw(word(resolved, c.resolved))],
        ];
        if !all {
            // The narrowest: only what needs acting on.
            parts = parts.drain(1..3).collect();
        }
        for (i, part) in parts
            .into_iter()
            .chain(review.clone())
            .chain(callbacks.clone().filter(|_| calls))
            .enumerate()
        {
            if i > 0 {
                spans.push(Span::styled(" · ", theme.muted()));
            }
            spans.extend(part);
        }
        Line::from(spans)
    };
    let no_calls_due = app.callbacks_due.is_none_or(|n| n == 0);
    [
        (true, false, true, true),
        (true, true, true, true),
        (false, true, true, true),
        (false, true, true, !no_calls_due),
        (false, true, false, true),
    ]
    .into_iter()
    .map(|(brand, short, all, calls)| build(brand, short, all, calls))
    .find(|l| l.width() <= width as usize)
    .unwrap_or_else(|| build(false, true, false, false))
}

/// Column widths for a table `w` columns wide: (id, priority, title, customer, status, clock).
struct Columns {
    id: usize,
    priority: usize,
    title: usize,
    customer: usize,
    status: usize,
    clock: usize,
}

const MARKER: usize = 2;

fn columns(w: usize, lang: &str, clock_label: usize) -> Columns {
    let label_width = |key: &str, slugs: &[&str]| {
        slugs
            .iter()
            .map(|s| t!(format!("{key}.{s}"), locale = lang).width())
            .max()
            .unwrap_or(0)
    };
    let priorities: Vec<&str> = Priority::ALL.iter().map(|p| p.slug()).collect();
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.slug()).collect();
    let id = 7;
    let priority = label_width("priority", &priorities).max(t!("col.priority", locale = lang).width()) + 1;
    let mut status = label_width("status", &statuses).max(t!("col.status", locale = lang).width()) + 1;
    // Mark, a space, countdown ("-10d23h"), a space and the metric label.
    let mut clock = 2 + 1 + crate::words::duration::countdown_width(lang) + 1 + clock_label.min(32) + 1;
    let mut customer = 24;
    let fixed = |c: usize, s: usize, k: usize| MARKER + id + priority + c + s + k;
    if w < fixed(customer, status, clock) + 20 {
        customer = 16;
    }
    if w < fixed(customer, status, clock) + 16 {
        customer = 0;
    }
    if w < fixed(customer, status, clock) + 12 {
        status = 0;
    }
    if w < fixed(customer, status, clock) + 10 {
        clock = 10;
    }
    let title = w.saturating_sub(fixed(customer, status, clock));
    Columns {
        id,
        priority,
        title,
        customer,
        status,
        clock,
    }
}

fn render_table(app: &App, now: DateTime<Utc>, area: Rect, frame: &mut Frame) {
    let theme = &app.theme;
    let lang = app.lang;
    if area.height == 0 || area.width == 0 {
        return;
    }
    let rows = app.source();
    let body_h = area.height.saturating_sub(1) as usize;
    let page = body_h.max(1);
    // The offset kept by the app, clamped so the selection is always on screen.
    let mut offset = app.offset.min(app.selected);
    if app.selected >= offset + page {
        offset = app.selected + 1 - page;
    }
    let end = (offset + body_h).min(app.shown.len());
    // After a failed load the list can be shorter than the selection: show nothing rather
    // than index past it.
    let visible = app.shown.get(offset..end).unwrap_or_default();
    let label_w = visible
        .iter()
        .filter_map(|i| clock_label(app, rows.get(*i)?).map(|l| l.width()))
        .max()
        .unwrap_or(0)
        .max(t!("tui.col_clock", locale = lang).width().saturating_sub(10));
    let cols = columns(area.width as usize, lang, label_w);

    let head = Line::from(vec![
        Span::raw(" ".repeat(MARKER)),
        Span::raw(cell(&t!("tui.col_id", locale = lang), cols.id)),
        Span::raw(cell(&t!("col.priority", locale = lang), cols.priority)),
        Span::raw(cell(&t!("col.title", locale = lang), cols.title)),
        Span::raw(cell(&t!("col.customer", locale = lang), cols.customer)),
        Span::raw(cell(&t!("col.status", locale = lang), cols.status)),
        Span::raw(cell(&t!("tui.col_clock", locale = lang), cols.clock)),
    ])
    .style(theme.header());
    frame.render_widget(Paragraph::new(head), Rect::new(area.x, area.y, area.width, 1));
    if app.shown.is_empty() {
        render_empty(app, Rect::new(area.x, area.y + 1, area.width, area.height - 1), frame);
        return;
    }

    for (n, index) in visible.iter().enumerate() {
        let Some(row) = rows.get(*index) else { continue };
        let selected = offset + n == app.selected;
        let flashing = app.flash.get(&row.id).is_some_and(|until| *until > now);
        let y = area.y + 1 + n as u16;
        let mut line = row_line(app, row, &cols, selected, flashing, now);
        if app.offline.is_some() {
            // As of when the server went away: dimmed, as the header says.
            line = line.patch_style(Modifier::DIM);
        }
        frame.buffer_mut().set_line(area.x, y, &line, area.width);
    }
}

/// Under the column titles of an empty list: why it is empty and what to press.
fn render_empty(app: &App, area: Rect, frame: &mut Frame) {
    let lang = app.lang;
    if area.height == 0 {
        return;
    }
    let keys = |a: Action| app.keymap.keys_for(Context::Board, a);
    let filter = crate::domain::text::sanitize_line(app.filter.value().trim());
    let (text, hint) = if app.rows.is_empty() && app.view != View::All && filter.is_empty() {
        (t!("tui.empty", locale = lang, key = keys(Action::New)), None)
    } else if !filter.is_empty() {
        let hint = t!(
            "tui.no_match_hint",
            locale = lang,
            back = keys(Action::Back),
            command = keys(Action::Command)
        );
        (t!("tui.no_match", locale = lang, text = filter), Some(hint))
    } else {
        let hint = t!(
            "tui.empty_view_hint",
            locale = lang,
            next = keys(Action::NextView),
            all = keys(Action::ViewAll)
        );
        (t!("tui.empty_view", locale = lang), Some(hint))
    };
    let y = area.y + (area.height / 3).min(area.height - 1);
    frame.render_widget(
        Paragraph::new(Line::from(text.to_string()).centered()).style(Style::default().add_modifier(Modifier::BOLD)),
        Rect::new(area.x, y, area.width, 1),
    );
    if let Some(hint) = hint
        && y + 1 < area.y + area.height
    {
        frame.render_widget(
            Paragraph::new(Line::from(hint.to_string()).centered()).style(app.theme.muted()),
            Rect::new(area.x, y + 1, area.width, 1),
        );
    }
}

/// What the clock cell names: the nearest clock's metric (a paused one says its time is
/// business time, frozen), or for a resolved ticket its automatic close.
fn clock_label(app: &App, row: &BoardRow) -> Option<String> {
    let lang = app.lang;
    match (&row.clock, row.closes_at) {
        (Some(c), _) if c.paused => {
            let metric = metric_label(&app.policy, &c.metric, lang);
            Some(t!("tui.row_paused", locale = lang, metric = metric).to_string())
        }
        (Some(c), _) => Some(metric_label(&app.policy, &c.metric, lang).to_string()),
        (None, Some(_)) if row.status == Status::Resolved => Some(t!("tui.auto_close", locale = lang).to_string()),
        (None, _) => None,
    }
}

fn row_line(
    app: &App,
    row: &BoardRow,
    cols: &Columns,
    selected: bool,
    flashing: bool,
    now: DateTime<Utc>,
) -> Line<'static> {
    let (theme, lang) = (&app.theme, app.lang);
    let live = row.live(now);
    let (mark, colour) = match live {
        Live::None => ("  ", theme.muted),
        Live::Paused => ("‖ ", theme.paused),
        Live::Ok => ("  ", theme.ok),
        Live::Warning => ("! ", theme.warning),
        Live::Breached => ("!!", theme.breached),
    };
    let countdown = |s: i64| crate::words::duration::compact(s, lang);
    let left = match (&row.clock, row.closes_at) {
        (Some(c), _) => c.remaining(now).map(countdown),
        (None, Some(at)) => Some(countdown((at - now).num_seconds())),
        (None, None) => None,
    }
    .unwrap_or_default();
    // Right-aligned by display width: Chinese units take two columns each.
    let pad = " ".repeat(crate::words::duration::countdown_width(lang).saturating_sub(left.width()));
    let clock = match clock_label(app, row) {
        // A space after the mark however wide the countdown: "!! -11d14h", "!!  -8d23h".
        Some(label) => format!("{mark} {pad}{left} {label}"),
        None => "  —".to_string(),
    };
    let priority_style = match row.priority {
        Priority::Urgent => Style::default().fg(theme.breached).add_modifier(Modifier::BOLD),
        Priority::Important => Style::default().fg(theme.warning),
        Priority::Normal => Style::default(),
    };
    let mut clock_style = Style::default().fg(colour);
    if live == Live::Breached {
        clock_style = clock_style.add_modifier(Modifier::BOLD);
    }
    let line = Line::from(vec![
        Span::styled(if selected { "> " } else { "  " }, Style::default().fg(theme.accent)),
        Span::raw(cell(&format!("#{}", row.id), cols.id)),
        Span::styled(
            cell(
                &t!(format!("priority.{}", row.priority.slug()), locale = lang),
                cols.priority,
            ),
            priority_style,
        ),
        Span::raw(cell(&row.title, cols.title)),
        Span::raw(cell(&row.customer, cols.customer)),
        Span::raw(cell(
            &t!(format!("status.{}", row.status.slug()), locale = lang),
            cols.status,
        )),
        Span::styled(cell(&clock, cols.clock), clock_style),
    ]);
    if flashing {
        line.patch_style(theme.flash())
    } else if selected {
        line.patch_style(theme.selected())
    } else {
        line
    }
}

/// `s` in a column `w` wide: cut to `w - 1` display columns, then one space before the next.
pub fn cell(s: &str, w: usize) -> String {
    if w == 0 {
        return String::new();
    }
    let mut out = fit(s, w - 1);
    out.push(' ');
    out
}

/// Clears the area of a popup, and the column to its left: a double-width character (Chinese)
/// straddling the popup's left edge would otherwise paint over its border.
pub fn clear_popup(frame: &mut ratatui::Frame, rect: ratatui::layout::Rect) {
    let widened = ratatui::layout::Rect {
        x: rect.x.saturating_sub(1),
        width: rect.width + u16::from(rect.x > 0),
        ..rect
    };
    frame.render_widget(ratatui::widgets::Clear, widened.intersection(frame.area()));
}

//! The bottom line every screen shares (a notice, else key hints, the row position), and
//! what the board says while its database server is away: its header on the board, the
//! bottom line on every other screen and under a form.

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

/// "Offline, retrying in 4 s · since 10:02:11; ..." in the widest form that fits `width`
/// columns; `None` while the server is there.
pub fn offline_text(app: &App, width: usize) -> Option<String> {
    let offline = app.offline.as_ref()?;
    let since = offline
        .since
        .with_timezone(&app.policy.shop_calendar().tz())
        .format("%H:%M:%S")
        .to_string();
    let long = t!("tui.offline", locale = app.lang, secs = offline.left, since = since);
    Some(if long.width() < width {
        long
    } else {
        t!("tui.offline_short", locale = app.lang, secs = offline.left)
    })
}

/// The board's header while offline, in place of its counts (they are as stale as the rows).
pub fn offline_banner(app: &App, width: u16) -> Option<Line<'static>> {
    let text = offline_text(app, usize::from(width))?;
    Some(Line::styled(
        format!(" {text}"),
        app.theme.error().add_modifier(Modifier::REVERSED),
    ))
}

/// The bottom line of a screen: the current notice (cut to leave room, with the key that shows
/// it whole) followed by as many of the key hints in `fallback` as still fit; the row position
/// ("3/17") at the right when it fits.
pub fn status_line(
    app: &App,
    now: DateTime<Utc>,
    fallback: Line<'static>,
    position: Option<(usize, usize)>,
    area: Rect,
    frame: &mut Frame,
) {
    bottom_line(app, now, fallback, position, area, frame, true);
}

/// [`status_line`]; while offline with no fresher notice, the offline state in its place
/// when `offline_here` (the board's header says it instead).
pub(super) fn bottom_line(
    app: &App,
    now: DateTime<Utc>,
    fallback: Line<'static>,
    position: Option<(usize, usize)>,
    area: Rect,
    frame: &mut Frame,
    offline_here: bool,
) {
    let theme = &app.theme;
    let pos = position.map(|(at, n)| t!("tui.rows", locale = app.lang, at = at, n = n).to_string());
    let room = (area.width as usize).saturating_sub(pos.as_ref().map_or(0, |p| p.width() + 1));
    let offline = offline_here
        .then(|| offline_text(app, room))
        .flatten()
        .map(|text| crate::tui::app::Notice {
            text,
            error: true,
            at: now,
        });
    let mut spans = match app.notice_at(now).or(offline.as_ref()) {
        Some(n) => {
            let style = if n.error {
                theme.error()
            } else {
                Style::default().fg(theme.ok)
            };
            let behind = app.notices_behind(now);
            let key = app.keymap.keys_for(app.context(), Action::Notices);
            let key = key.split('/').next().unwrap_or("");
            let text = format!(" {}", n.text);
            let hints: Vec<Span<'static>> = fallback.spans.into_iter().skip(1).collect();
            // The notice may take the line but the first hint (help), or three fifths of it
            // when that hint is long: it is gone in seconds.
            let first_hint: usize = hints.iter().take(2).map(|s| s.content.width()).sum();
            let most = room.saturating_sub(first_hint + 3).max(room * 3 / 5).max(room.min(24));
            let mut spans = Vec::new();
            if text.width() + usize::from(behind > 0) * 5 <= most || key.is_empty() {
                // Without a key to show it whole, a cut is marked where a word ends.
                let shown = if text.width() <= most {
                    text.clone()
                } else {
                    format!("{}…", crate::domain::text::cut_at_word(&text, most.saturating_sub(1)).0)
                };
                spans.push(Span::styled(shown, style));
                if behind > 0 {
                    spans.push(Span::styled(
                        crate::words::aside(&format!("+{behind}"), app.lang),
                        theme.muted(),
                    ));
                }
            } else {
                let more = crate::words::aside(&t!("tui.notice_more", locale = app.lang, key = key), app.lang);
                let keep = most.saturating_sub(more.width());
                spans.push(Span::styled(crate::domain::text::cut_at_word(&text, keep).0, style));
                spans.push(Span::styled(more, theme.muted()));
            }
            let used: usize = spans.iter().map(|s| s.content.width()).sum();
            let mut budget = room.saturating_sub(used + 3);
            let mut kept = Vec::new();
            // Hints come as key, words, separator: keep whole pairs while they fit.
            for chunk in hints.chunks(3) {
                let need: usize = chunk.iter().take(2).map(|s| s.content.width()).sum();
                if need > budget {
                    break;
                }
                budget = budget.saturating_sub(chunk.iter().map(|s| s.content.width()).sum());
                kept.extend(chunk.iter().cloned());
            }
            while kept.last().is_some_and(|s| s.content.trim() == "·") {
                kept.pop();
            }
            if !kept.is_empty() {
                spans.push(Span::styled(" │ ", theme.muted()));
                spans.extend(kept);
            }
            spans
        }
        None => fallback.spans,
    };
    if let Some(pos) = pos {
        let used: usize = spans.iter().map(|s| s.content.width()).sum();
        let pad = (area.width as usize).saturating_sub(used + pos.width() + 1);
        if pad > 0 {
            spans.push(Span::raw(" ".repeat(pad)));
            spans.push(Span::styled(pos, theme.muted()));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// "? help · n new ticket · ..." for the given actions, from the keymap, as many as fit in
/// `width` columns.
pub fn hints(app: &App, ctx: Context, actions: &[Action], width: u16) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for action in actions {
        let keys = app.keymap.keys_for(ctx, *action);
        let Some(key) = keys.split('/').next().filter(|k| !k.is_empty()) else {
            continue;
        };
        let what = format!(" {}", t!(format!("action.{}", action.name()), locale = app.lang));
        let need = if spans.len() > 1 { 3 } else { 0 } + key.width() + what.width();
        if used + need > width as usize {
            break;
        }
        used += need;
        if spans.len() > 1 {
            spans.push(Span::styled(" · ", app.theme.muted()));
        }
        spans.push(Span::styled(
            key.to_string(),
            Style::default().fg(app.theme.accent).add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(what));
    }
    Line::from(spans)
}

//! Drawing a form: centred over the screen, a label column, each field's value and error.

use super::{Form, Value};
use crate::t;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// The rows the form takes on `area`.
pub fn height(form: &Form, area: Rect) -> u16 {
    area.height.min(form.fields.len() as u16 + 10)
}

/// Draws the form centred over `area`.
pub fn render(form: &Form, theme: &Theme, area: Rect, frame: &mut Frame) {
    let width = area.width.min(90);
    let height = height(form, area);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    crate::tui::view::board::clear_popup(frame, rect);
    let title = crate::domain::text::sanitize_line(&form.title);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {title} "), theme.header()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let label_w = form
        .fields
        .iter()
        .map(|f| f.label.width())
        .max()
        .unwrap_or(0)
        .min(inner.width as usize / 3) as u16
        + 2;
    let hint_h = if inner.height > form.fields.len() as u16 + 2 {
        2
    } else {
        0
    };
    // Every field gets its row; text boxes share what is left, at least `MIN_TEXT` rows each.
    // When that does not fit, the column scrolls so the focused field is whole on screen.
    let avail = inner.height.saturating_sub(hint_h);
    let fixed: u16 = form.fields.iter().filter(|f| !f.hidden && !f.is_multiline()).count() as u16;
    let multi = form.fields.iter().filter(|f| !f.hidden && f.is_multiline()).count() as u16;
    let text_h = avail
        .saturating_sub(fixed)
        .checked_div(multi)
        .map_or(0, |h| h.max(MIN_TEXT.min(avail)));
    let heights: Vec<(usize, u16)> = form
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.hidden)
        .map(|(i, f)| (i, if f.is_multiline() { text_h } else { 1 }))
        .collect();
    let first = first_shown(&heights, form.focus, avail);
    let mut y = inner.y;
    let bottom = inner.y + avail;
    let mut cut_below = false;
    // The focused field's error when it does not fit beside the field: shown whole below.
    let mut overflow = None;
    for &(i, h) in &heights[first..] {
        let field = &form.fields[i];
        if y >= bottom {
            cut_below = true;
            break;
        }
        if y + h > bottom {
            cut_below = true;
        }
        let focused = i == form.focus;
        let h = if field.is_multiline() {
            text_h.min(bottom - y)
        } else {
            1
        };
        let marker = if focused { ">" } else { " " };
        let label_style = if focused {
            Style::default().fg(theme.accent).add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        let label = Line::from(vec![
            Span::raw(marker),
            Span::styled(
                crate::domain::text::fit(&field.label, label_w as usize - 2),
                label_style,
            ),
            Span::raw(" "),
        ]);
        frame.render_widget(
            Paragraph::new(label),
            Rect::new(inner.x, y, label_w.min(inner.width), 1),
        );
        let value_area = Rect::new(
            inner.x + label_w.min(inner.width),
            y,
            inner.width.saturating_sub(label_w),
            h,
        );
        let error = field.error.as_deref().map(|e| format!("  ✗ {e}"));
        match &field.value {
            Value::Line(input) => {
                let err_w = error.as_deref().map_or(0, |e| e.width() as u16);
                // At least half the width stays the value's: a long error is cut, not the value.
                let box_w = value_area
                    .width
                    .saturating_sub(err_w)
                    .max(value_area.width.min(12))
                    .max(value_area.width / 2);
                let error = error.map(|e| beside(e, value_area.width.saturating_sub(box_w), focused, &mut overflow));
                let scroll = input.visual_scroll(box_w.saturating_sub(1) as usize);
                let shown = skip_width(input.value(), scroll);
                let text = crate::domain::text::sanitize_line(shown);
                let style = if focused {
                    Style::default().add_modifier(Modifier::UNDERLINED)
                } else {
                    Style::default()
                };
                let mut spans = vec![Span::styled(crate::domain::text::fit(&text, box_w as usize), style)];
                if let Some(e) = error {
                    spans.push(Span::styled(e, theme.error()));
                }
                frame.render_widget(Paragraph::new(Line::from(spans)), value_area);
                if focused {
                    let x = value_area.x + (input.visual_cursor() - scroll) as u16;
                    if x < value_area.x + value_area.width {
                        frame.set_cursor_position(Position::new(x, y));
                    }
                }
            }
            Value::Choice { options, index } => {
                let label = options.get(*index).map(|o| o.1.as_str()).unwrap_or("");
                let count = format!(" ›  {}/{}", index + 1, options.len());
                let used = 2 + label.width() + count.width();
                let error =
                    error.map(|e| beside(e, value_area.width.saturating_sub(used as u16), focused, &mut overflow));
                let mut spans = vec![
                    Span::styled("‹ ", theme.muted()),
                    Span::styled(
                        label.to_string(),
                        if focused {
                            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
                        } else {
                            Style::default()
                        },
                    ),
                    Span::styled(count, theme.muted()),
                ];
                if let Some(e) = error {
                    spans.push(Span::styled(e, theme.error()));
                }
                frame.render_widget(Paragraph::new(Line::from(spans)), value_area);
            }
            Value::Fixed(text) => {
                let text = crate::domain::text::sanitize_line(text);
                let line = Span::styled(
                    crate::domain::text::fit(&text, value_area.width as usize),
                    theme.muted(),
                );
                frame.render_widget(Paragraph::new(Line::from(line)), value_area);
            }
            Value::Text(area) => {
                let (area_rect, err_rect) = if error.is_some() && h > 1 {
                    (
                        Rect {
                            height: h - 1,
                            ..value_area
                        },
                        Some(Rect::new(value_area.x, y + h - 1, value_area.width, 1)),
                    )
                } else {
                    (value_area, None)
                };
                let block = Block::default().borders(Borders::LEFT).border_style(if focused {
                    Style::default().fg(theme.accent)
                } else {
                    theme.muted()
                });
                let inner_text = block.inner(area_rect);
                frame.render_widget(block, area_rect);
                if focused {
                    frame.render_widget(area.as_ref(), inner_text);
                } else {
                    let text = crate::domain::text::sanitize(&area.lines().join("\n"));
                    let lines: Vec<Line> = crate::domain::text::wrap(&text, inner_text.width as usize)
                        .into_iter()
                        .map(Line::raw)
                        .collect();
                    frame.render_widget(Paragraph::new(lines), inner_text);
                }
                if let (Some(r), Some(e)) = (err_rect, error) {
                    let e = beside(e, r.width, focused, &mut overflow);
                    frame.render_widget(Paragraph::new(Span::styled(e, theme.error())), r);
                }
            }
        }
        y += h;
    }
    let mut mark = |key: &str, y: u16| {
        let text = format!(" {} ", t!(key, locale = form.lang));
        let w = (text.width() as u16).min(rect.width.saturating_sub(2));
        let x = rect.x + rect.width.saturating_sub(w + 1);
        frame.render_widget(Paragraph::new(Span::styled(text, theme.muted())), Rect::new(x, y, w, 1));
    };
    if first > 0 {
        mark("tui.more_above", rect.y);
    }
    if cut_below {
        mark("tui.more_below", rect.y + rect.height - 1);
    }
    if hint_h > 0 {
        let (hint, style) = match overflow {
            Some(e) => (format!("✗ {e}"), theme.error()),
            None => (t!("form.hint", locale = form.lang).to_string(), theme.muted()),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(hint, style)).wrap(Wrap { trim: true }),
            Rect::new(inner.x, bottom, inner.width, hint_h),
        );
    }
}

/// An error (`"  ✗ text"`) in the `room` columns beside its field: whole when it fits, else cut
/// where a word ends and marked, the whole text kept for the hint rows when the field is focused.
fn beside(error: String, room: u16, focused: bool, overflow: &mut Option<String>) -> String {
    let room = usize::from(room);
    if error.width() <= room {
        return error;
    }
    if focused {
        *overflow = Some(error.trim_start().trim_start_matches('✗').trim().to_string());
    }
    let (cut, _) = crate::domain::text::cut_at_word(&error, room.saturating_sub(1));
    format!("{cut}…")
}

/// Rows a text box gets at least, when the form has to scroll for it.
const MIN_TEXT: u16 = 3;

/// The first field to draw so that the focused one ends on screen: from the top when all fit,
/// else as many fields above the focus as the rows allow.
fn first_shown(heights: &[(usize, u16)], focus: usize, avail: u16) -> usize {
    let total: u16 = heights.iter().map(|(_, h)| *h).sum();
    if total <= avail {
        return 0;
    }
    let Some(at) = heights.iter().position(|(i, _)| *i == focus) else {
        return 0;
    };
    let mut first = at;
    let mut used = heights[at].1;
    while first > 0 && used + heights[first - 1].1 <= avail {
        first -= 1;
        used += heights[first].1;
    }
    first
}

/// `s` without its first `cols` display columns, cut between graphemes.
fn skip_width(s: &str, cols: usize) -> &str {
    use unicode_segmentation::UnicodeSegmentation;
    let mut used = 0;
    for (i, g) in s.grapheme_indices(true) {
        if used >= cols {
            return &s[i..];
        }
        used += g.width();
    }
    ""
}

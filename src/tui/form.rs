//! Forms: the new-ticket form and the ticket actions (log, status, priority, kind, extend,
//! edit) are one widget: a column of fields (one-line inputs, a multi-line editor, choices)
//! with inline validation. Submitting is the app's job; this file holds the state and drawing.

use super::theme::Theme;
use crate::domain::log::ContactMethod;
use crate::domain::review::{Amount, BreachClass, Remedy};
use crate::domain::target::Target;
use crate::domain::ticket::{
    Channel, Complexity, Kind, Priority, Status, Ticket, validate_email, validate_phone, validate_title,
};
use crate::t;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui_textarea::TextArea;
use tui_input::{Input, InputRequest};
use unicode_width::UnicodeWidthStr;

/// What a form is for, with the ticket version the agent saw.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    NewTicket,
    Log {
        id: i64,
        version: i64,
    },
    Status {
        id: i64,
        version: i64,
    },
    Priority {
        id: i64,
        version: i64,
    },
    Kind {
        id: i64,
        version: i64,
    },
    Extend {
        id: i64,
        version: i64,
    },
    Edit {
        ticket: Box<Ticket>,
    },
    /// A judgement on one breached clock cycle (from the review screen).
    Judge {
        id: i64,
        metric: String,
        cycle: u32,
    },
}

pub enum Value {
    Line(Input),
    Text(Box<TextArea<'static>>),
    Choice {
        options: Vec<(String, String)>,
        index: usize,
    },
}

pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub value: Value,
    pub error: Option<String>,
    pub touched: bool,
    /// Not asked for the current choices (e.g. the confirmation unless closing): not drawn,
    /// skipped by Tab, not checked.
    pub hidden: bool,
}

impl Field {
    fn line(name: &'static str, label: String, value: &str) -> Field {
        Field {
            name,
            label,
            value: Value::Line(Input::new(value.to_string())),
            error: None,
            touched: false,
            hidden: false,
        }
    }

    fn text(name: &'static str, label: String, value: &str) -> Field {
        let lines: Vec<String> = value.lines().map(str::to_string).collect();
        let mut area = TextArea::new(lines);
        area.set_cursor_line_style(Style::default());
        Field {
            name,
            label,
            value: Value::Text(Box::new(area)),
            error: None,
            touched: false,
            hidden: false,
        }
    }

    fn choice(name: &'static str, label: String, options: Vec<(String, String)>, selected: &str) -> Field {
        let index = options.iter().position(|(slug, _)| slug == selected).unwrap_or(0);
        Field {
            name,
            label,
            value: Value::Choice { options, index },
            error: None,
            touched: false,
            hidden: false,
        }
    }

    /// The field's text, or the slug of the chosen option.
    pub fn get(&self) -> String {
        match &self.value {
            Value::Line(i) => i.value().to_string(),
            Value::Text(a) => a.lines().join("\n"),
            Value::Choice { options, index } => options.get(*index).map(|o| o.0.clone()).unwrap_or_default(),
        }
    }

    pub fn is_multiline(&self) -> bool {
        matches!(self.value, Value::Text(_))
    }
}

pub struct Form {
    pub purpose: Purpose,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Set once the agent tried to submit: every error shows from then on.
    pub tried: bool,
    pub lang: &'static str,
}

fn options<T: Copy>(all: &[T], slug: impl Fn(T) -> &'static str, key: &str, lang: &str) -> Vec<(String, String)> {
    all.iter()
        .map(|v| {
            let s = slug(*v);
            (s.to_string(), t!(format!("{key}.{s}"), locale = lang).to_string())
        })
        .collect()
}

impl Form {
    fn new(purpose: Purpose, title: String, fields: Vec<Field>, lang: &'static str) -> Form {
        Form {
            purpose,
            title,
            fields,
            focus: 0,
            tried: false,
            lang,
        }
    }

    pub fn new_ticket(lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let fields = vec![
            Field::line("title", l("title"), ""),
            Field::line("customer", l("customer"), ""),
            Field::line("phone", l("phone"), ""),
            Field::line("email", l("email"), ""),
            Field::choice(
                "channel",
                l("channel"),
                options(Channel::ALL, Channel::slug, "channel", lang),
                "phone",
            ),
            Field::choice(
                "kind",
                l("kind_field"),
                options(Kind::ALL, Kind::slug, "kind", lang),
                "enquiry",
            ),
            Field::choice(
                "priority",
                l("priority_field"),
                options(Priority::ALL, Priority::slug, "priority", lang),
                "normal",
            ),
            Field::choice(
                "complexity",
                l("complexity"),
                options(Complexity::ALL, Complexity::slug, "complexity", lang),
                "ordinary",
            ),
            Field::line("order", l("order"), ""),
            Field::line("purchased", l("purchased"), ""),
            Field::text("description", l("description"), ""),
        ];
        Form::new(Purpose::NewTicket, l("new"), fields, lang)
    }

    pub fn log(ticket: &Ticket, lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let entries = ["note", "contact", "plan"]
            .iter()
            .map(|s| (s.to_string(), t!(format!("entry.{s}"), locale = lang).to_string()))
            .collect();
        let directions = ["outbound", "inbound"]
            .iter()
            .map(|s| (s.to_string(), t!(format!("direction.{s}"), locale = lang).to_string()))
            .collect();
        let fields = vec![
            Field::choice("entry", l("entry"), entries, "contact"),
            Field::choice(
                "method",
                l("method"),
                options(ContactMethod::ALL, ContactMethod::slug, "contact", lang),
                "call",
            ),
            Field::choice("direction", l("direction"), directions, "outbound"),
            Field::text("text", l("text"), ""),
        ];
        let title = t!("form.log", locale = lang, id = ticket.id).to_string();
        Form::new(
            Purpose::Log {
                id: ticket.id,
                version: ticket.version,
            },
            title,
            fields,
            lang,
        )
    }

    /// The status move; closing asks for the customer's confirmation, resolving for a summary.
    pub fn status(ticket: &Ticket, lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let moves = options(ticket.status.allowed_moves(), Status::slug, "status", lang);
        let first = moves.first().map(|m| m.0.clone()).unwrap_or_default();
        let fields = vec![
            Field::choice("to", l("to"), moves, &first),
            Field::line("confirmation", l("confirmation"), ""),
            Field::text("note", l("note"), ""),
        ];
        let title = t!("form.status", locale = lang, id = ticket.id).to_string();
        let mut form = Form::new(
            Purpose::Status {
                id: ticket.id,
                version: ticket.version,
            },
            title,
            fields,
            lang,
        );
        form.validate();
        form
    }

    /// A judgement on a breach: class (preset), reason, remedy with its amount, note. The
    /// focus starts on the reason, the one thing the supervisor must write.
    pub fn judge(id: i64, metric: &str, cycle: u32, class: BreachClass, title: String, lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let classes = options(BreachClass::ALL, BreachClass::slug, "review.class", lang);
        let remedies = options(Remedy::ALL, Remedy::slug, "review.remedy", lang);
        let remedy = match class {
            BreachClass::Minor => Remedy::Apology,
            BreachClass::Major => Remedy::Compensation,
        };
        let fields = vec![
            Field::choice("class", l("class"), classes, class.slug()),
            Field::line("reason", l("judge_reason"), ""),
            Field::choice("remedy", l("remedy"), remedies, remedy.slug()),
            Field::line("amount", l("amount"), ""),
            Field::text("note", l("note"), ""),
        ];
        let purpose = Purpose::Judge {
            id,
            metric: metric.to_string(),
            cycle,
        };
        let mut form = Form::new(purpose, title, fields, lang);
        form.focus = 1;
        form.validate();
        form
    }

    pub fn priority(ticket: &Ticket, lang: &'static str) -> Form {
        let fields = vec![Field::choice(
            "priority",
            t!("form.priority_field", locale = lang).to_string(),
            options(Priority::ALL, Priority::slug, "priority", lang),
            ticket.priority.slug(),
        )];
        let title = t!("form.priority", locale = lang, id = ticket.id).to_string();
        let purpose = Purpose::Priority {
            id: ticket.id,
            version: ticket.version,
        };
        Form::new(purpose, title, fields, lang)
    }

    pub fn kind(ticket: &Ticket, lang: &'static str) -> Form {
        let fields = vec![
            Field::choice(
                "kind",
                t!("form.kind_field", locale = lang).to_string(),
                options(Kind::ALL, Kind::slug, "kind", lang),
                ticket.kind.slug(),
            ),
            Field::choice(
                "complexity",
                t!("form.complexity", locale = lang).to_string(),
                options(Complexity::ALL, Complexity::slug, "complexity", lang),
                ticket.complexity.slug(),
            ),
        ];
        let title = t!("form.kind", locale = lang, id = ticket.id).to_string();
        let purpose = Purpose::Kind {
            id: ticket.id,
            version: ticket.version,
        };
        Form::new(purpose, title, fields, lang)
    }

    /// `metrics`: (metric name, label) of the clocks that still run.
    pub fn extend(ticket: &Ticket, metrics: Vec<(String, String)>, lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let first = metrics.first().map(|m| m.0.clone()).unwrap_or_default();
        let fields = vec![
            Field::choice("metric", l("metric"), metrics, &first),
            Field::line("by", l("by"), ""),
            Field::line("reason", l("reason"), ""),
        ];
        let title = t!("form.extend", locale = lang, id = ticket.id).to_string();
        let purpose = Purpose::Extend {
            id: ticket.id,
            version: ticket.version,
        };
        Form::new(purpose, title, fields, lang)
    }

    pub fn edit(ticket: &Ticket, lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let purchased = ticket.purchased_on.map(|d| d.to_string()).unwrap_or_default();
        let fields = vec![
            Field::line("title", l("title"), &ticket.title),
            Field::line("customer", l("customer"), &ticket.customer.name),
            Field::line("phone", l("phone"), &ticket.customer.phone),
            Field::line("email", l("email"), &ticket.customer.email),
            Field::choice(
                "channel",
                l("channel"),
                options(Channel::ALL, Channel::slug, "channel", lang),
                ticket.channel.slug(),
            ),
            Field::line("order", l("order"), &ticket.reference),
            Field::line("purchased", l("purchased"), &purchased),
            Field::text(
                "description",
                l("description"),
                &crate::domain::text::sanitize(&ticket.description),
            ),
        ];
        let title = t!("form.edit", locale = lang, id = ticket.id).to_string();
        let purpose = Purpose::Edit {
            ticket: Box::new(ticket.clone()),
        };
        Form::new(purpose, title, fields, lang)
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The text or chosen slug of a field ("" when the form has no such field).
    pub fn get(&self, name: &str) -> String {
        self.field(name).map(Field::get).unwrap_or_default()
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn next(&mut self) {
        self.step(1);
    }

    pub fn prev(&mut self) {
        self.step(self.fields.len().saturating_sub(1));
    }

    /// Moves the focus `by` fields forward (modulo the count), skipping hidden ones.
    fn step(&mut self, by: usize) {
        let n = self.fields.len();
        for _ in 0..n {
            self.focus = (self.focus + by) % n.max(1);
            if !self.fields.get(self.focus).is_some_and(|f| f.hidden) {
                return;
            }
        }
    }

    /// Shows the fields the current choices ask for and names the note after its role.
    fn arrange(&mut self) {
        let lang = self.lang;
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        match self.purpose {
            Purpose::Status { .. } => {
                let to = self.get("to");
                for f in &mut self.fields {
                    match f.name {
                        "confirmation" => f.hidden = to != Status::Closed.slug(),
                        "note" if to == Status::Resolved.slug() => f.label = l("summary"),
                        "note" => f.label = l("note"),
                        _ => {}
                    }
                }
            }
            Purpose::Judge { .. } => {
                let remedy = self.get("remedy");
                for f in &mut self.fields {
                    if f.name == "amount" {
                        f.hidden = remedy != Remedy::Compensation.slug() && remedy != Remedy::Refund.slug();
                    }
                }
            }
            _ => {}
        }
    }

    /// Left/right on a choice; on a text field they move the cursor instead.
    pub fn cycle(&mut self, forward: bool, key: KeyEvent) {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        match &mut field.value {
            Value::Choice { options, index } if !options.is_empty() => {
                let n = options.len();
                *index = if forward {
                    (*index + 1) % n
                } else {
                    (*index + n - 1) % n
                };
                field.touched = true;
                self.validate();
            }
            Value::Choice { .. } => {}
            _ => self.type_key(key),
        }
    }

    /// A key for the focused text field (typing, deleting, moving the cursor).
    pub fn type_key(&mut self, key: KeyEvent) {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        match &mut field.value {
            Value::Line(input) => {
                if let Some(request) = input_request(&key) {
                    input.handle(request);
                    field.touched = true;
                }
            }
            Value::Text(area) => {
                if area.input(key) {
                    field.touched = true;
                }
            }
            Value::Choice { options, index } => {
                // A letter picks the next option starting with it.
                if let KeyCode::Char(c) = key.code {
                    let c = c.to_lowercase().to_string();
                    let n = options.len();
                    if let Some(i) = (1..=n)
                        .map(|d| (*index + d) % n)
                        .find(|i| options[*i].1.to_lowercase().starts_with(&c) || options[*i].0.starts_with(&c))
                    {
                        *index = i;
                        field.touched = true;
                    }
                }
            }
        }
        self.validate();
    }

    /// Checks every field; errors show for touched fields, or all once the agent tried to save.
    /// Returns true when the form can be submitted.
    pub fn validate(&mut self) -> bool {
        self.arrange();
        let lang = self.lang;
        let msg = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let to = self.get("to");
        let remedy = self.get("remedy");
        let mut ok = true;
        for field in &mut self.fields {
            if field.hidden {
                field.error = None;
                continue;
            }
            let v = field.get();
            let error = match (&self.purpose, field.name) {
                (Purpose::Status { .. }, "confirmation") if v.trim().is_empty() => Some(msg("err_confirmation")),
                (Purpose::Status { .. }, "note") if to == Status::Resolved.slug() && v.trim().is_empty() => {
                    Some(msg("err_summary"))
                }
                (Purpose::Judge { .. }, "reason") if v.trim().is_empty() => Some(msg("err_judge_reason")),
                (Purpose::Judge { .. }, "amount") => match Amount::parse(&v) {
                    _ if v.trim().is_empty() && remedy == Remedy::Refund.slug() => None,
                    Ok(a) if a.0 > 0 => None,
                    _ => Some(msg("err_amount")),
                },
                (Purpose::NewTicket | Purpose::Edit { .. }, "title") => validate_title(&v).err().map(|_| {
                    if v.trim().is_empty() {
                        msg("err_title_empty")
                    } else {
                        msg("err_title_long")
                    }
                }),
                (_, "email") => validate_email(&v).err().map(|_| msg("err_email")),
                (_, "phone") => validate_phone(&v).err().map(|_| msg("err_phone")),
                (_, "purchased") => parse_date(&v).err().map(|_| msg("err_date")),
                (_, "by") => v.trim().parse::<Target>().err().map(|_| msg("err_duration")),
                (_, "reason") if v.trim().is_empty() => Some(msg("err_reason")),
                (_, "metric") if v.is_empty() => Some(msg("err_no_clock")),
                (Purpose::Log { .. }, "text") if v.trim().is_empty() => Some(msg("err_text")),
                _ => None,
            };
            ok &= error.is_none();
            field.error = error.filter(|_| field.touched || self.tried);
        }
        ok
    }
}

/// An optional date field: empty is none.
pub fn parse_date(s: &str) -> Result<Option<NaiveDate>, chrono::ParseError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some)
}

/// Editing keys of a one-line field.
fn input_request(key: &KeyEvent) -> Option<InputRequest> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    Some(match key.code {
        KeyCode::Char('a') if ctrl => InputRequest::GoToStart,
        KeyCode::Char('e') if ctrl => InputRequest::GoToEnd,
        KeyCode::Char('w') if ctrl => InputRequest::DeletePrevWord,
        KeyCode::Char('u') if ctrl => InputRequest::DeleteFromStart,
        KeyCode::Char('k') if ctrl => InputRequest::DeleteTillEnd,
        KeyCode::Char('b') if alt => InputRequest::GoToPrevWord,
        KeyCode::Char('f') if alt => InputRequest::GoToNextWord,
        KeyCode::Char(c) if !ctrl && !alt => InputRequest::InsertChar(c),
        KeyCode::Backspace => InputRequest::DeletePrevChar,
        KeyCode::Delete => InputRequest::DeleteNextChar,
        KeyCode::Left => InputRequest::GoToPrevChar,
        KeyCode::Right => InputRequest::GoToNextChar,
        KeyCode::Home => InputRequest::GoToStart,
        KeyCode::End => InputRequest::GoToEnd,
        _ => return None,
    })
}

/// A one-line input field as typed so far, for the filter line.
pub fn edit_line(input: &mut Input, key: &KeyEvent) -> bool {
    match input_request(key) {
        Some(r) => input.handle(r).is_some_and(|c| c.value),
        None => false,
    }
}

/// Draws the form centred over `area`.
pub fn render(form: &Form, theme: &Theme, area: Rect, frame: &mut Frame) {
    let width = area.width.min(90);
    let height = area.height.min(form.fields.len() as u16 + 10);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    super::board::clear_popup(frame, rect);
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
    let fixed: u16 = form.fields.iter().filter(|f| !f.hidden && !f.is_multiline()).count() as u16;
    let multi = form.fields.iter().filter(|f| !f.hidden && f.is_multiline()).count() as u16;
    let text_h = inner
        .height
        .saturating_sub(fixed + hint_h)
        .checked_div(multi)
        .map_or(0, |h| h.max(1));
    let mut y = inner.y;
    let bottom = inner.y + inner.height - hint_h;
    for (i, field) in form.fields.iter().enumerate().filter(|(_, f)| !f.hidden) {
        if y >= bottom {
            break;
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
                let box_w = value_area.width.saturating_sub(err_w).max(value_area.width.min(12));
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
                    Span::styled(format!(" ›  {}/{}", index + 1, options.len()), theme.muted()),
                ];
                if let Some(e) = error {
                    spans.push(Span::styled(e, theme.error()));
                }
                frame.render_widget(Paragraph::new(Line::from(spans)), value_area);
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
                    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner_text);
                }
                if let (Some(r), Some(e)) = (err_rect, error) {
                    frame.render_widget(Paragraph::new(Span::styled(e, theme.error())), r);
                }
            }
        }
        y += h;
    }
    if hint_h > 0 {
        let hint = t!("form.hint", locale = form.lang).to_string();
        frame.render_widget(
            Paragraph::new(Span::styled(hint, theme.muted())).wrap(Wrap { trim: true }),
            Rect::new(inner.x, bottom, inner.width, hint_h),
        );
    }
}

/// `s` without its first `cols` display columns.
fn skip_width(s: &str, cols: usize) -> &str {
    use unicode_width::UnicodeWidthChar;
    let mut used = 0;
    for (i, c) in s.char_indices() {
        if used >= cols {
            return &s[i..];
        }
        used += c.width().unwrap_or(0);
    }
    ""
}

impl Purpose {
    /// The same action against a newer version of its ticket, after "changed elsewhere": the
    /// agent looks at the reloaded ticket and saves what they typed again. Not for the edit
    /// form, whose untouched fields would silently undo the other change.
    pub fn rebased(&self, new_version: i64) -> Option<Purpose> {
        let mut p = self.clone();
        match &mut p {
            Purpose::Log { version, .. }
            | Purpose::Status { version, .. }
            | Purpose::Priority { version, .. }
            | Purpose::Kind { version, .. }
            | Purpose::Extend { version, .. } => *version = new_version,
            _ => return None,
        }
        Some(p)
    }
}

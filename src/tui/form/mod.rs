//! Forms: the new-ticket form, the ticket actions (log, status, priority, kind, extend, edit)
//! and the judgement on a breach are one widget: a column of typed fields (one-line inputs, a
//! multi-line editor, choices). Each form reads back into ONE typed command ([`Command`], the
//! same values the CLI hands the desk); a field that cannot be read is an error on that field,
//! never a fallback. Submitting the command is the app's job.

mod build;
mod command;
pub mod line;
mod reader;
mod render;

pub use command::{Command, Problem};
pub use line::LineInput;
pub use render::{height, render};

use crate::domain::review::{Remedy, Review};
use crate::domain::ticket::{Status, Ticket};
use crate::t;
use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::Style;
use ratatui_textarea::{TextArea, WrapMode};

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
    /// A judgement on one breached clock cycle (from the review or the ticket screen).
    Judge {
        id: i64,
        metric: String,
        cycle: u32,
        /// An amendment: the judgements on the ticket's breaches that it may supersede (the
        /// `Breach` field picks one and the fields refill from it); empty for a first judgement.
        amending: Vec<Review>,
    },
    /// A satisfaction call made to the customer of a ticket (from the callbacks screen).
    Callback {
        id: i64,
    },
    /// A reply to the customer by email (`r`): sent, then logged.
    Reply {
        id: i64,
        version: i64,
    },
    /// Passing the ticket to another agent (`o`), with the reason.
    Transfer {
        id: i64,
        version: i64,
    },
}

impl Purpose {
    /// The ticket the form acts on (none for a new ticket).
    pub fn ticket(&self) -> Option<i64> {
        match self {
            Purpose::NewTicket => None,
            Purpose::Log { id, .. }
            | Purpose::Status { id, .. }
            | Purpose::Priority { id, .. }
            | Purpose::Kind { id, .. }
            | Purpose::Extend { id, .. }
            | Purpose::Reply { id, .. }
            | Purpose::Transfer { id, .. }
            | Purpose::Judge { id, .. }
            | Purpose::Callback { id } => Some(*id),
            Purpose::Edit { ticket } => Some(ticket.id),
        }
    }

    /// The same action against a newer version of its ticket, after "changed elsewhere": the
    /// agent looks at the reloaded ticket and saves what they typed again. Not for the edit
    /// form, whose untouched fields would silently undo the other change: see `rebase_edit`.
    pub fn rebased(&self, new_version: i64) -> Option<Purpose> {
        let mut p = self.clone();
        match &mut p {
            Purpose::Log { version, .. }
            | Purpose::Status { version, .. }
            | Purpose::Priority { version, .. }
            | Purpose::Kind { version, .. }
            | Purpose::Extend { version, .. }
            | Purpose::Reply { version, .. }
            | Purpose::Transfer { version, .. } => *version = new_version,
            _ => return None,
        }
        Some(p)
    }
}

/// Which field of a form: the identity the command is read back by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldId {
    Title,
    Customer,
    Phone,
    Email,
    Channel,
    Kind,
    Priority,
    Complexity,
    /// The order or invoice number (the desk's `reference`).
    Order,
    Purchased,
    Description,
    /// The kind of follow-up: note, customer contact or solution plan.
    Entry,
    Method,
    Direction,
    Text,
    /// The status to move to.
    To,
    Confirmation,
    Note,
    Class,
    Reason,
    Remedy,
    Amount,
    Metric,
    /// How much longer an extension gives.
    By,
    /// Whether the call reached the customer; the satisfaction score 1-5.
    Reached,
    Score,
    /// Which judged breach an amendment supersedes (`cycle:metric`).
    Breach,
    /// A reply's recipient and subject (shown, not typed).
    MailTo,
    MailSubject,
}

/// A breach as a choice's slug: `cycle:metric` (a metric name may hold a colon, a cycle not).
pub fn breach_slug(metric: &str, cycle: u32) -> String {
    format!("{cycle}:{metric}")
}

/// The metric and cycle of a [`breach_slug`].
pub fn parse_breach_slug(slug: &str) -> Option<(String, u32)> {
    let (cycle, metric) = slug.split_once(':')?;
    Some((metric.to_string(), cycle.parse().ok()?))
}

impl FieldId {
    /// The form field a desk refusal names (the desk names fields as the CLI does).
    pub fn from_desk(field: &str) -> Option<FieldId> {
        Some(match field {
            "title" => FieldId::Title,
            "customer" | "name" => FieldId::Customer,
            "phone" => FieldId::Phone,
            "email" => FieldId::Email,
            "channel" => FieldId::Channel,
            "kind" => FieldId::Kind,
            "priority" => FieldId::Priority,
            "complexity" => FieldId::Complexity,
            "order" | "reference" => FieldId::Order,
            "purchased" => FieldId::Purchased,
            "description" => FieldId::Description,
            "text" => FieldId::Text,
            "to" => FieldId::To,
            "confirmation" => FieldId::Confirmation,
            "note" => FieldId::Note,
            "class" => FieldId::Class,
            "reason" => FieldId::Reason,
            "remedy" => FieldId::Remedy,
            "amount" => FieldId::Amount,
            "metric" => FieldId::Metric,
            "by" => FieldId::By,
            "reached" => FieldId::Reached,
            "score" => FieldId::Score,
            "comment" => FieldId::Note,
            _ => return None,
        })
    }
}

pub enum Value {
    Line(LineInput),
    Text(Box<TextArea<'static>>),
    /// (slug, label) options; the command parses the chosen slug.
    Choice {
        options: Vec<(String, String)>,
        index: usize,
    },
    /// Shown, not typed into (a reply's To and Subject); Tab passes over it.
    Fixed(String),
}

pub struct Field {
    pub id: FieldId,
    pub label: String,
    pub value: Value,
    pub error: Option<String>,
    pub touched: bool,
    /// Not asked for the current choices (e.g. the confirmation unless closing): not drawn,
    /// skipped by Tab, not checked.
    pub hidden: bool,
}

impl Field {
    fn new(id: FieldId, label: String, value: Value) -> Field {
        Field {
            id,
            label,
            value,
            error: None,
            touched: false,
            hidden: false,
        }
    }

    fn line(id: FieldId, label: String, value: &str) -> Field {
        Field::new(id, label, Value::Line(LineInput::new(value)))
    }

    fn text(id: FieldId, label: String, value: &str) -> Field {
        let lines: Vec<String> = value.lines().map(str::to_string).collect();
        let mut area = TextArea::new(lines);
        area.set_cursor_line_style(Style::default());
        // Wraps by display width at word boundaries; CJK (each ideograph a word) anywhere.
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        Field::new(id, label, Value::Text(Box::new(area)))
    }

    fn fixed(id: FieldId, label: String, value: &str) -> Field {
        Field::new(id, label, Value::Fixed(value.to_string()))
    }

    fn choice(id: FieldId, label: String, options: Vec<(String, String)>, selected: &str) -> Field {
        let index = options.iter().position(|(slug, _)| slug == selected).unwrap_or(0);
        Field::new(id, label, Value::Choice { options, index })
    }

    /// The field's text, or the slug of the chosen option.
    pub fn get(&self) -> String {
        match &self.value {
            Value::Line(i) => i.value().to_string(),
            Value::Text(a) => a.lines().join("\n"),
            Value::Choice { options, index } => options.get(*index).map(|o| o.0.clone()).unwrap_or_default(),
            Value::Fixed(text) => text.clone(),
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
    /// The shop's today, when known: a purchase date may not be after it, nor many years before.
    pub today: Option<NaiveDate>,
    /// Every field's value when the form opened: leaving asks first only if one differs.
    initial: Vec<String>,
}

impl Form {
    fn new(purpose: Purpose, title: String, fields: Vec<Field>, lang: &'static str) -> Form {
        let initial = fields.iter().map(Field::get).collect();
        Form {
            purpose,
            title,
            fields,
            focus: 0,
            tried: false,
            lang,
            today: None,
            initial,
        }
    }

    /// Whether anything differs from what the form opened with (typing it back counts as not).
    pub fn changed(&self) -> bool {
        self.fields.iter().zip(&self.initial).any(|(f, was)| f.get() != *was)
    }

    /// Pasted text goes into the focused field as text, never as keys: its newlines are new
    /// lines in a multi-line field and spaces in a one-line one. Nothing to paste into on a
    /// choice.
    pub fn paste(&mut self, text: &str) {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        let clean = crate::domain::text::pasted(text, field.is_multiline());
        let changed = match &mut field.value {
            Value::Line(input) => input.insert(&clean),
            Value::Text(area) => area.insert_str(&clean),
            Value::Choice { .. } | Value::Fixed(_) => false,
        };
        if changed {
            field.touched = true;
            self.validate();
        }
    }

    /// The edit form against a newer version of its ticket, after "changed elsewhere": what the
    /// agent changed is kept, and the fields they left alone take the new values, so saving
    /// again does not undo the other change. False for any other form.
    pub fn rebase_edit(&mut self, fresh: &Ticket) -> bool {
        if !matches!(self.purpose, Purpose::Edit { .. }) {
            return false;
        }
        let new = Form::edit(fresh, self.lang);
        for ((mine, was), theirs) in self.fields.iter_mut().zip(&self.initial).zip(new.fields) {
            if mine.get() == *was {
                mine.value = theirs.value;
            }
        }
        self.initial = new.initial;
        self.purpose = new.purpose;
        true
    }

    pub fn field(&self, id: FieldId) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    pub fn field_mut(&mut self, id: FieldId) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.id == id)
    }

    /// The text or chosen slug of a field ("" when the form has no such field).
    pub fn get(&self, id: FieldId) -> String {
        self.field(id).map(Field::get).unwrap_or_default()
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
            if !self
                .fields
                .get(self.focus)
                .is_some_and(|f| f.hidden || matches!(f.value, Value::Fixed(_)))
            {
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
                let to = self.get(FieldId::To);
                for f in &mut self.fields {
                    match f.id {
                        FieldId::Confirmation => f.hidden = to != Status::Closed.slug(),
                        FieldId::Note if to == Status::Resolved.slug() => f.label = l("summary"),
                        FieldId::Note => f.label = l("note"),
                        _ => {}
                    }
                }
            }
            Purpose::Log { .. } => {
                // Method and direction belong to a contact only.
                let contact = self.get(FieldId::Entry) == "contact";
                for f in &mut self.fields {
                    if matches!(f.id, FieldId::Method | FieldId::Direction) {
                        f.hidden = !contact;
                    }
                }
            }
            Purpose::Callback { .. } => {
                // A score only for a call that reached the customer.
                let reached = self.get(FieldId::Reached) == "yes";
                if let Some(f) = self.field_mut(FieldId::Score) {
                    f.hidden = !reached;
                }
            }
            Purpose::Judge { .. } => {
                let remedy = self.get(FieldId::Remedy);
                if let Some(f) = self.field_mut(FieldId::Amount) {
                    f.hidden = remedy != Remedy::Compensation.slug() && remedy != Remedy::Refund.slug();
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
                if field.id == FieldId::Breach {
                    self.refill_judgement();
                }
                self.validate();
            }
            Value::Choice { .. } | Value::Fixed(_) => {}
            _ => self.type_key(key),
        }
    }

    /// Whether `key` is a plain `q` on a choice none of whose options it would pick.
    pub fn quits_on(&self, key: &KeyEvent) -> bool {
        let Some(Value::Choice { options, .. }) = self.focused().map(|f| &f.value) else {
            return false;
        };
        key.code == KeyCode::Char('q')
            && key.modifiers.is_empty()
            && !options
                .iter()
                .any(|(slug, label)| slug.starts_with('q') || label.to_lowercase().starts_with('q'))
    }

    /// A key for the focused text field (typing, deleting, moving the cursor).
    pub fn type_key(&mut self, key: KeyEvent) {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        match &mut field.value {
            Value::Line(input) => {
                if input.handle(&key).is_some() {
                    field.touched = true;
                }
            }
            Value::Text(area) => {
                // As in one-line fields, a flag or emoji sequence is deleted and stepped over whole.
                let ratatui_textarea::DataCursor(row, col) = area.cursor();
                let line = area.lines().get(row).map_or("", String::as_str);
                let (before, after) = line::graphemes_around(line, col);
                let times = match key.code {
                    KeyCode::Backspace | KeyCode::Left if key.modifiers.is_empty() => before.max(1),
                    KeyCode::Delete | KeyCode::Right if key.modifiers.is_empty() => after.max(1),
                    _ => 1,
                };
                for _ in 0..times {
                    if area.input(key) {
                        field.touched = true;
                    }
                }
            }
            Value::Fixed(_) => {}
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

    /// Reads the form into its command; errors show for touched fields, or on every field once
    /// the agent tried to save. Returns true when the form can be submitted.
    pub fn validate(&mut self) -> bool {
        self.arrange();
        let problems = match self.command() {
            Ok(_) => Vec::new(),
            Err(problems) => problems,
        };
        let lang = self.lang;
        let tried = self.tried;
        for field in &mut self.fields {
            let problem = problems.iter().find(|(id, _)| *id == field.id).map(|(_, p)| *p);
            field.error = problem
                .filter(|_| !field.hidden && (field.touched || tried))
                .map(|p| p.text(lang));
        }
        problems.is_empty()
    }

    /// Marks the form as tried and reads it; on failure the focus moves to the first field in
    /// error and every error shows.
    pub fn submit(&mut self) -> Result<Command, Vec<(FieldId, Problem)>> {
        self.tried = true;
        self.validate();
        let read = self.command();
        if read.is_err()
            && let Some(i) = self.fields.iter().position(|f| f.error.is_some())
        {
            self.focus = i;
        }
        read
    }

    /// Shows `text` on field `id` (a refusal from the desk) and focuses it.
    pub fn refuse(&mut self, id: FieldId, text: String) -> bool {
        match self.fields.iter().position(|f| f.id == id) {
            Some(i) => {
                self.fields[i].error = Some(text);
                self.focus = i;
                true
            }
            None => false,
        }
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

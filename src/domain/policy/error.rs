//! What can be wrong with a policy file: typed and located, never a sentence. The front ends
//! put it into words (`crate::words::policy`).

use crate::domain::calendar::OpenRange;
use crate::domain::target::TargetError;
use crate::domain::ticket::Priority;

/// One problem in a policy file, located by line and field path.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyError {
    /// The file as the user named it.
    pub origin: String,
    /// 1-based line of the offending key or value.
    pub line: usize,
    /// Dotted path of the field ("calendars.shop.mon"); empty for syntax errors.
    pub path: String,
    pub problem: Problem,
}

/// Why a field is refused, with the values needed to say so.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The text is not TOML; the parser's own description of what it met.
    Syntax(String),
    /// A key the table does not have.
    UnknownKey {
        allowed: Vec<&'static str>,
    },
    /// A value of the wrong type; `expected` is `None` deep inside a value (an item of an
    /// item) where the kind is clear from the field's documentation only.
    WrongType {
        expected: Option<Expected>,
        found: ValueKind,
    },
    /// A required key is absent.
    Missing(Required),
    /// The file defines no calendar.
    NoCalendar,
    /// Not an IANA timezone name.
    UnknownTimezone(String),
    /// An open range that cannot be read; `why` is the calendar's own reason.
    BadRange {
        text: String,
        why: String,
    },
    /// `range` (written as `text`) starts before the end of the one before it.
    RangesOverlap {
        text: String,
        before: OpenRange,
        range: OpenRange,
    },
    /// `range` (written as `text`) starts before the one before it.
    RangesUnsorted {
        text: String,
        before: OpenRange,
        range: OpenRange,
    },
    /// Not a date written YYYY-MM-DD.
    BadDate(String),
    /// A target text that cannot be read.
    BadTarget(TargetError),
    /// A `max_extension` (or one of its kinds) that is neither a target nor `"none"`.
    BadExtension(TargetError),
    UnknownStart(String),
    UnknownStop(String),
    UnknownStatus(String),
    UnknownKind(String),
    /// A calendar name the file does not define.
    UnknownCalendar {
        name: String,
        defined: Vec<String>,
    },
    /// `auto_close_days` below 1 or too large.
    AutoCloseDays(i64),
    /// `callback_share` outside 0..=1.
    CallbackShare(f64),
    /// `warn_at` outside (0, 1].
    WarnAt(f64),
    /// `max_extension` in days for targets in time, or the other way round.
    ExtensionUnit,
    /// The calendar refused its parts (its own reason; the checks above make this rare).
    Calendar(String),
}

/// A key that must be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    Timezone,
    Stop,
    Target,
    /// One priority of a per-priority target table.
    Priority(Priority),
}

/// What a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    String,
    Integer,
    Number,
    Boolean,
    Table,
    Array,
    /// A date, as a string or a TOML date.
    Date,
    /// A target text or `{ urgent = .., important = .., normal = .. }`.
    Target,
    /// A label text or `{ en = .., zh = .. }`.
    Label,
    /// A target text or `"none"` (a `max_extension`).
    Extension,
}

/// The TOML type of a value as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    String,
    Integer,
    Float,
    Boolean,
    Datetime,
    Array,
    Table,
}

impl ValueKind {
    pub(super) fn of(value: &toml::de::DeValue<'_>) -> ValueKind {
        use toml::de::DeValue;
        match value {
            DeValue::String(_) => ValueKind::String,
            DeValue::Integer(_) => ValueKind::Integer,
            DeValue::Float(_) => ValueKind::Float,
            DeValue::Boolean(_) => ValueKind::Boolean,
            DeValue::Datetime(_) => ValueKind::Datetime,
            DeValue::Array(_) => ValueKind::Array,
            DeValue::Table(_) => ValueKind::Table,
        }
    }
}

/// Collects located problems: byte spans become lines here, once.
pub(super) struct Problems<'a> {
    text: &'a str,
    origin: &'a str,
    pub list: Vec<PolicyError>,
}

impl<'a> Problems<'a> {
    pub fn new(text: &'a str, origin: &'a str) -> Self {
        Problems {
            text,
            origin,
            list: Vec::new(),
        }
    }

    pub fn add(&mut self, at: usize, path: &str, problem: Problem) {
        let line = self.text.as_bytes()[..at.min(self.text.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        self.list.push(PolicyError {
            origin: self.origin.to_string(),
            line,
            path: path.to_string(),
            problem,
        });
    }

    /// Whether a problem was already recorded at `path` or inside it (a key dropped for its
    /// type is not also reported missing).
    pub fn reported(&self, path: &str) -> bool {
        self.list.iter().any(|e| {
            e.path
                .strip_prefix(path)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }
}

//! The policy file as written: serde structs with spans, before any check of meaning.
//!
//! Each table (`[settings]`, one calendar, one metric) is deserialised on its own and never
//! gives up at the first problem: a key of the wrong type or a key the table does not have is
//! recorded with its line, dropped, and the table read again, so one mistake hides no other.

use super::error::{Expected, Problem, Problems, ValueKind};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

pub(super) type Value<'i> = Spanned<DeValue<'i>>;
/// A day's open ranges as written ("09:00-12:00").
pub(super) type Ranges = Spanned<Vec<Spanned<String>>>;

/// The whole file: its three sections, calendars and metrics in file order.
pub(super) struct RawPolicy {
    /// Where the file starts (for "no calendar" and other whole-file problems).
    pub start: usize,
    pub settings: Option<RawSettings>,
    pub calendars: Vec<(Spanned<String>, Spanned<RawCalendar>)>,
    pub metrics: Vec<(Spanned<String>, Spanned<RawMetric>)>,
    /// Every calendar name the file declares, readable or not (references are checked
    /// against these, so a broken calendar does not also break every metric on it).
    pub calendar_names: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSettings {
    pub calendar: Option<Spanned<String>>,
    pub auto_close_days: Option<Spanned<i64>>,
    pub callback_share: Option<Spanned<f64>>,
    pub shop: Option<Spanned<String>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCalendar {
    pub timezone: Option<Spanned<String>>,
    pub mon: Option<Ranges>,
    pub tue: Option<Ranges>,
    pub wed: Option<Ranges>,
    pub thu: Option<Ranges>,
    pub fri: Option<Ranges>,
    pub sat: Option<Ranges>,
    pub sun: Option<Ranges>,
    pub holidays: Option<Spanned<Vec<Spanned<RawDate>>>>,
    pub overrides: Option<Spanned<BTreeMap<Spanned<String>, Ranges>>>,
}

impl RawCalendar {
    /// The weekdays' ranges, Monday first, with their keys.
    pub fn week(&self) -> [(&'static str, Option<&Ranges>); 7] {
        [
            ("mon", self.mon.as_ref()),
            ("tue", self.tue.as_ref()),
            ("wed", self.wed.as_ref()),
            ("thu", self.thu.as_ref()),
            ("fri", self.fri.as_ref()),
            ("sat", self.sat.as_ref()),
            ("sun", self.sun.as_ref()),
        ]
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMetric {
    pub label: Option<Spanned<RawLabel>>,
    pub start: Option<Spanned<String>>,
    pub stop: Option<Spanned<String>>,
    pub pause: Option<Spanned<Vec<Spanned<String>>>>,
    pub calendar: Option<Spanned<String>>,
    pub warn_at: Option<Spanned<f64>>,
    pub recurring: Option<Spanned<bool>>,
    pub max_extension: Option<Spanned<String>>,
    pub max_extension_kinds: Option<Spanned<BTreeMap<Spanned<String>, Spanned<String>>>>,
    pub target: Option<Spanned<RawTargets>>,
    pub complex: Option<Spanned<RawTargets>>,
    pub kinds: Option<Spanned<BTreeMap<Spanned<String>, Spanned<RawTargets>>>>,
    pub only_kinds: Option<Spanned<Vec<Spanned<String>>>>,
    pub only_complex: Option<Spanned<bool>>,
}

/// `label = "Text"` or `label = { en = "...", zh = "..." }`.
pub(super) enum RawLabel {
    One(String),
    Each(RawLabels),
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLabels {
    pub en: Option<Spanned<String>>,
    pub zh: Option<Spanned<String>>,
}

/// `target = "2h"` or `target = { urgent = "30m", important = "1h", normal = "2h" }`.
pub(super) enum RawTargets {
    One(String),
    Each(RawByPriority),
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawByPriority {
    pub urgent: Option<Spanned<String>>,
    pub important: Option<Spanned<String>>,
    pub normal: Option<Spanned<String>>,
}

/// A holiday: `"2026-10-01"` or a bare TOML date `2026-10-01`, as text.
pub(super) struct RawDate(pub String);

/// Deserialises "a string or a table" into `One` or `Each`.
macro_rules! string_or_table {
    ($name:ident, $table:ty, $what:literal) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_str<E: de::Error>(self, s: &str) -> Result<$name, E> {
                        Ok($name::One(s.to_string()))
                    }
                    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<$name, M::Error> {
                        <$table>::deserialize(de::value::MapAccessDeserializer::new(map)).map($name::Each)
                    }
                }
                deserializer.deserialize_any(V)
            }
        }
    };
}

string_or_table!(RawLabel, RawLabels, "a string or { en = ..., zh = ... }");
string_or_table!(
    RawTargets,
    RawByPriority,
    "a target or { urgent = ..., important = ..., normal = ... }"
);

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawDate, E> {
                Ok(RawDate(s.to_string()))
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<RawDate, M::Error> {
                toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|d| RawDate(d.to_string()))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Reads the file into its raw sections; syntax errors stop here (nothing else is read).
pub(super) fn read(text: &str, problems: &mut Problems) -> Option<RawPolicy> {
    let (root, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        for e in syntax {
            let at = e.span().map_or(0, |s| s.start);
            problems.add(at, "", Problem::Syntax(e.message().trim().to_string()));
        }
        return None;
    }
    let start = root.span().start;
    let root = root.into_inner();
    let mut raw = RawPolicy {
        start,
        settings: None,
        calendars: Vec::new(),
        metrics: Vec::new(),
        calendar_names: Vec::new(),
    };
    for (key, value) in in_file_order(&root) {
        match key.get_ref().as_ref() {
            "settings" => raw.settings = table(value, "settings", problems),
            "calendars" => {
                for (name, value) in entries(value, "calendars", problems) {
                    raw.calendar_names.push(name.get_ref().clone());
                    let path = format!("calendars.{}", name.get_ref());
                    if let Some(cal) = table(value, &path, problems) {
                        raw.calendars.push((name, Spanned::new(value.span(), cal)));
                    }
                }
            }
            "metrics" => {
                for (name, value) in entries(value, "metrics", problems) {
                    let path = format!("metrics.{}", name.get_ref());
                    if let Some(metric) = table(value, &path, problems) {
                        raw.metrics.push((name, Spanned::new(value.span(), metric)));
                    }
                }
            }
            other => problems.add(
                key.span().start,
                other,
                Problem::UnknownKey {
                    allowed: vec!["settings", "calendars", "metrics"],
                },
            ),
        }
    }
    Some(raw)
}

/// The entries of a table of named tables (`[calendars.NAME]`), names with their spans.
fn entries<'v, 'i>(value: &'v Value<'i>, path: &str, problems: &mut Problems) -> Vec<(Spanned<String>, &'v Value<'i>)> {
    match value.get_ref() {
        DeValue::Table(t) => in_file_order(t)
            .into_iter()
            .map(|(k, v)| (Spanned::new(k.span(), k.get_ref().to_string()), v))
            .collect(),
        other => {
            problems.add(
                value.span().start,
                path,
                Problem::WrongType {
                    expected: Some(Expected::Table),
                    found: ValueKind::of(other),
                },
            );
            Vec::new()
        }
    }
}

/// Deserialises one table into `T`. A key that cannot be read is recorded and dropped, and
/// the rest read again: every such key is reported, and the keys that can be read are kept.
fn table<'i, T: Deserialize<'i>>(value: &Value<'i>, path: &str, problems: &mut Problems) -> Option<T> {
    let DeValue::Table(t) = value.get_ref() else {
        problems.add(
            value.span().start,
            path,
            Problem::WrongType {
                expected: Some(Expected::Table),
                found: ValueKind::of(value.get_ref()),
            },
        );
        return None;
    };
    let allowed = fields_of::<T>();
    let mut t = t.clone();
    loop {
        let whole = Spanned::new(value.span(), DeValue::Table(t.clone()));
        let e = match T::deserialize(ValueDeserializer::from(whole)) {
            Ok(read) => return Some(read),
            Err(e) => e,
        };
        let at = e.span().map(|s| s.start);
        let culprit = at.and_then(|at| {
            t.iter()
                .find(|(k, v)| k.span().contains(&at) || within(v, at))
                .map(|(k, _)| k.clone())
        });
        let Some(key) = culprit else {
            // Not a key of this table: nothing to drop, so report and give up on it.
            problems.add(
                at.unwrap_or(value.span().start),
                path,
                Problem::Syntax(e.message().to_string()),
            );
            return None;
        };
        let name: &str = key.get_ref();
        let full = format!("{path}.{name}");
        match t.get(&key).filter(|_| allowed.contains(&name)) {
            Some(v) => {
                let at = at.unwrap_or(v.span().start);
                match locate(v, at, name, Some(expected(name)), full) {
                    Located::Value { found, expected, path } => problems.add(
                        at,
                        &path,
                        Problem::WrongType {
                            expected,
                            found: ValueKind::of(found.get_ref()),
                        },
                    ),
                    Located::Key { path, allowed } => problems.add(at, &path, Problem::UnknownKey { allowed }),
                }
            }
            None => problems.add(
                key.span().start,
                &full,
                Problem::UnknownKey {
                    allowed: allowed.to_vec(),
                },
            ),
        }
        t.remove(&key);
    }
}

/// Where under a key's value a problem lies.
enum Located<'v, 'i> {
    /// A value of the wrong type, with what was expected there.
    Value {
        found: &'v Value<'i>,
        expected: Option<Expected>,
        path: String,
    },
    /// A key an inner table does not have.
    Key { path: String, allowed: Vec<&'static str> },
}

/// Walks down from `v` (the value of `key`, expected to be `expect`) to the deepest value or
/// key that holds byte `at`, naming its path.
fn locate<'v, 'i>(v: &'v Value<'i>, at: usize, key: &str, expect: Option<Expected>, path: String) -> Located<'v, 'i> {
    match v.get_ref() {
        DeValue::Array(a) => {
            if let Some(item) = a.iter().find(|item| within(item, at)) {
                return locate(item, at, key, item_expected(key), path);
            }
        }
        DeValue::Table(t) => {
            for (k, child) in t.iter() {
                let k: &str = k.get_ref();
                let (child_key, child_path) = match key {
                    "overrides" => ("override", format!("{path}.\"{k}\"")),
                    "kinds" => ("target", format!("{path}.{k}")),
                    "max_extension_kinds" => ("max_extension", format!("{path}.{k}")),
                    _ => (k, format!("{path}.{k}")),
                };
                if within(child, at) {
                    return locate(child, at, child_key, Some(expected(child_key)), child_path);
                }
            }
            if t.keys().any(|k| k.span().contains(&at)) {
                let allowed = match key {
                    "label" => fields_of::<RawLabels>(),
                    "target" | "complex" => fields_of::<RawByPriority>(),
                    _ => &[],
                };
                let name = t
                    .keys()
                    .find(|k| k.span().contains(&at))
                    .map(|k| k.get_ref().to_string());
                let path = name.map_or(path.clone(), |n| format!("{path}.{n}"));
                return Located::Key {
                    path,
                    allowed: allowed.to_vec(),
                };
            }
        }
        _ => {}
    }
    Located::Value {
        found: v,
        expected: expect,
        path,
    }
}

/// What each key of the policy's tables takes.
fn expected(key: &str) -> Expected {
    match key {
        "timezone" | "calendar" | "shop" | "start" | "stop" | "en" | "zh" | "urgent" | "important" | "normal" => {
            Expected::String
        }
        "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun" | "holidays" | "pause" | "only_kinds" | "override" => {
            Expected::Array
        }
        "overrides" | "kinds" | "max_extension_kinds" => Expected::Table,
        "auto_close_days" => Expected::Integer,
        "callback_share" | "warn_at" => Expected::Number,
        "recurring" | "only_complex" => Expected::Boolean,
        "label" => Expected::Label,
        "max_extension" => Expected::Extension,
        _ => Expected::Target,
    }
}

/// What the items of a key's list take.
fn item_expected(key: &str) -> Option<Expected> {
    match key {
        "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun" | "pause" | "only_kinds" | "override" => {
            Some(Expected::String)
        }
        "holidays" => Some(Expected::Date),
        _ => None,
    }
}

fn within(v: &Value, at: usize) -> bool {
    v.span().contains(&at)
        || match v.get_ref() {
            DeValue::Array(a) => a.iter().any(|v| within(v, at)),
            DeValue::Table(t) => t.iter().any(|(k, v)| k.span().contains(&at) || within(v, at)),
            _ => false,
        }
}

/// A table's entries in the order they appear in the file.
fn in_file_order<'t, 'i>(table: &'t DeTable<'i>) -> Vec<(&'t Spanned<std::borrow::Cow<'i, str>>, &'t Value<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries
}

/// The field names a derived struct accepts, asked of serde itself so they never drift.
fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("probed"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

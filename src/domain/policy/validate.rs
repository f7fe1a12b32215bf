//! The one pass from the file as written (`raw`) to a `Policy`: every rule of meaning is
//! checked here and every problem collected, each with its line and field path.

use super::error::{Problem, Problems, Required};
use super::raw::{Ranges, RawByPriority, RawCalendar, RawLabel, RawMetric, RawPolicy, RawSettings, RawTargets};
use super::{ByPriority, Metric, NO_EXTENSION, Policy, Settings, StartEvent, StopEvent};
use crate::domain::calendar::{Calendar, OpenRange};
use crate::domain::target::Target;
use crate::domain::ticket::{Kind, Priority, Status};
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet};
use toml::Spanned;

/// The longest wait before a resolved ticket closes by itself: ten years.
pub const MAX_AUTO_CLOSE_DAYS: u32 = 3660;

/// Checks the raw file; `None` when anything is wrong (the problems say what).
pub(super) fn policy(raw: RawPolicy, problems: &mut Problems) -> Option<Policy> {
    let before = problems.len();
    let names = &raw.calendar_names;
    if names.is_empty() {
        problems.add(raw.start, "calendars", Problem::NoCalendar);
    }
    let settings = settings(raw.settings.as_ref(), names, problems);
    let calendars: Vec<(String, Calendar)> = raw
        .calendars
        .iter()
        .filter_map(|(name, cal)| {
            let path = format!("calendars.{}", name.get_ref());
            calendar(cal, &path, problems).map(|c| (name.get_ref().clone(), c))
        })
        .collect();
    let metrics: Vec<Metric> = raw
        .metrics
        .iter()
        .filter_map(|(name, m)| metric(name.get_ref(), m, names, &settings, problems))
        .collect();
    if problems.len() > before || calendars.is_empty() {
        return None;
    }
    Some(Policy {
        calendars,
        metrics,
        settings,
    })
}

fn settings(raw: Option<&RawSettings>, calendars: &[String], problems: &mut Problems) -> Settings {
    let default_calendar = if calendars.iter().any(|c| c == "shop") {
        "shop".to_string()
    } else {
        calendars.first().cloned().unwrap_or_default()
    };
    let mut s = Settings {
        calendar: default_calendar,
        auto_close_days: 7,
        callback_share: 0.1,
        shop: String::new(),
    };
    let Some(raw) = raw else { return s };
    if let Some(name) = &raw.calendar
        && let Some(name) = calendar_ref(name, "settings.calendar", calendars, problems)
    {
        s.calendar = name;
    }
    if let Some(days) = &raw.auto_close_days {
        match u32::try_from(*days.get_ref()) {
            // Ten years is far beyond any promise; larger values overflow date arithmetic.
            Ok(n) if (1..=MAX_AUTO_CLOSE_DAYS).contains(&n) => s.auto_close_days = n,
            _ => problems.add(
                days.span().start,
                "settings.auto_close_days",
                Problem::AutoCloseDays(*days.get_ref()),
            ),
        }
    }
    if let Some(shop) = &raw.shop {
        s.shop = crate::domain::text::sanitize_line(shop.get_ref()).trim().to_string();
    }
    if let Some(share) = &raw.callback_share {
        let x = *share.get_ref();
        if (0.0..=1.0).contains(&x) {
            s.callback_share = x;
        } else {
            problems.add(share.span().start, "settings.callback_share", Problem::CallbackShare(x));
        }
    }
    s
}

fn calendar(raw: &Spanned<RawCalendar>, path: &str, problems: &mut Problems) -> Option<Calendar> {
    let before = problems.len();
    let tz = match &raw.get_ref().timezone {
        None => {
            if !problems.reported(&format!("{path}.timezone")) {
                problems.add(raw.span().start, path, Problem::Missing(Required::Timezone));
            }
            None
        }
        Some(name) => match name.get_ref().parse::<Tz>() {
            Ok(tz) => Some(tz),
            Err(_) => {
                problems.add(
                    name.span().start,
                    &format!("{path}.timezone"),
                    Problem::UnknownTimezone(name.get_ref().clone()),
                );
                None
            }
        },
    };
    let days = raw.get_ref().week();
    let week: [Vec<OpenRange>; 7] = std::array::from_fn(|i| {
        let (key, value) = days[i];
        value
            .map(|v| ranges(v, &format!("{path}.{key}"), problems))
            .unwrap_or_default()
    });
    let mut holidays = BTreeSet::new();
    if let Some(list) = &raw.get_ref().holidays {
        let hpath = format!("{path}.holidays");
        for item in list.get_ref() {
            if let Some(d) = date(&item.get_ref().0, item.span().start, &hpath, problems) {
                holidays.insert(d);
            }
        }
    }
    let mut overrides = BTreeMap::new();
    if let Some(table) = &raw.get_ref().overrides {
        for (key, value) in table.get_ref() {
            let kpath = format!("{path}.overrides.\"{}\"", key.get_ref());
            let date = date(key.get_ref(), key.span().start, &kpath, problems);
            let ranges = ranges(value, &kpath, problems);
            if let Some(date) = date {
                overrides.insert(date, ranges);
            }
        }
    }
    if problems.len() > before {
        return None;
    }
    match Calendar::new(tz?, week, holidays, overrides) {
        Ok(c) => Some(c),
        Err(e) => {
            problems.add(raw.span().start, path, Problem::Calendar(e));
            None
        }
    }
}

/// A day's ranges, sorted and apart; problems name the offending range.
fn ranges(value: &Ranges, path: &str, problems: &mut Problems) -> Vec<OpenRange> {
    let mut out: Vec<OpenRange> = Vec::new();
    for item in value.get_ref() {
        let text = item.get_ref();
        let at = item.span().start;
        match OpenRange::parse(text) {
            Err(why) => problems.add(
                at,
                path,
                Problem::BadRange {
                    text: text.clone(),
                    why,
                },
            ),
            Ok(range) => match out.last().copied() {
                Some(before) if range.start < before.start => problems.add(
                    at,
                    path,
                    Problem::RangesUnsorted {
                        text: text.clone(),
                        before,
                        range,
                    },
                ),
                Some(before) if range.start < before.end => problems.add(
                    at,
                    path,
                    Problem::RangesOverlap {
                        text: text.clone(),
                        before,
                        range,
                    },
                ),
                _ => out.push(range),
            },
        }
    }
    out
}

fn date(text: &str, at: usize, path: &str, problems: &mut Problems) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    if parsed.is_none() {
        problems.add(at, path, Problem::BadDate(text.to_string()));
    }
    parsed
}

fn metric(
    name: &str,
    raw: &Spanned<RawMetric>,
    calendars: &[String],
    settings: &Settings,
    problems: &mut Problems,
) -> Option<Metric> {
    let before = problems.len();
    let path = format!("metrics.{name}");
    let at_key = |key: &str| format!("{path}.{key}");
    let whole = raw.span().start;
    let m = raw.get_ref();

    let (mut label_en, mut label_zh) = (name.to_string(), name.to_string());
    match m.label.as_ref().map(Spanned::get_ref) {
        None => {}
        Some(RawLabel::One(s)) => (label_en, label_zh) = (s.clone(), s.clone()),
        Some(RawLabel::Each(each)) => {
            if let Some(en) = &each.en {
                (label_en, label_zh) = (en.get_ref().clone(), en.get_ref().clone());
            }
            if let Some(zh) = &each.zh {
                label_zh = zh.get_ref().clone();
            }
        }
    }
    let start = match &m.start {
        None => Some(StartEvent::Opened),
        Some(s) => {
            let found = StartEvent::ALL.iter().find(|e| e.slug() == s.get_ref()).copied();
            if found.is_none() {
                problems.add(
                    s.span().start,
                    &at_key("start"),
                    Problem::UnknownStart(s.get_ref().clone()),
                );
            }
            found
        }
    };
    let stop = match &m.stop {
        None => {
            if !problems.reported(&at_key("stop")) {
                problems.add(whole, &path, Problem::Missing(Required::Stop));
            }
            None
        }
        Some(s) => {
            let found = StopEvent::ALL.iter().find(|e| e.slug() == s.get_ref()).copied();
            if found.is_none() {
                problems.add(
                    s.span().start,
                    &at_key("stop"),
                    Problem::UnknownStop(s.get_ref().clone()),
                );
            }
            found
        }
    };
    let mut pause = vec![Status::Waiting];
    if let Some(list) = &m.pause {
        pause.clear();
        for item in list.get_ref() {
            match item.get_ref().parse::<Status>() {
                Ok(st) => pause.push(st),
                Err(_) => problems.add(
                    item.span().start,
                    &at_key("pause"),
                    Problem::UnknownStatus(item.get_ref().clone()),
                ),
            }
        }
    }
    let calendar = match &m.calendar {
        None => Some(settings.calendar.clone()),
        Some(name) => calendar_ref(name, &at_key("calendar"), calendars, problems),
    };
    let mut warn_at = 0.75;
    if let Some(w) = &m.warn_at {
        let x = *w.get_ref();
        if x > 0.0 && x <= 1.0 {
            warn_at = x;
        } else {
            problems.add(w.span().start, &at_key("warn_at"), Problem::WarnAt(x));
        }
    }
    let recurring = m.recurring.as_ref().is_some_and(|b| *b.get_ref());
    let only_complex = m.only_complex.as_ref().is_some_and(|b| *b.get_ref());
    let max_extension = m
        .max_extension
        .as_ref()
        .and_then(|t| extension(t, &at_key("max_extension"), problems))
        .flatten();
    let base = match &m.target {
        None => {
            if !problems.reported(&at_key("target")) {
                problems.add(whole, &path, Problem::Missing(Required::Target));
            }
            None
        }
        Some(t) => by_priority(t, &at_key("target"), problems),
    };
    let complex = m
        .complex
        .as_ref()
        .and_then(|t| by_priority(t, &at_key("complex"), problems));
    let kinds = per_kind(
        m.kinds.as_ref(),
        &at_key("kinds"),
        problems,
        |_, value, kpath, problems| by_priority(value, kpath, problems),
    );
    // A kind's allowance extends that kind's target, so it takes that target's unit.
    let fits = |kind: Option<Kind>, max: Target| {
        let same = |b: &ByPriority| b.normal.is_days() == max.is_days();
        match kind.and_then(|k| kinds.get(&k)) {
            Some(b) => same(b),
            None => base.as_ref().is_none_or(same) || complex.as_ref().is_some_and(same),
        }
    };
    let max_extension_kinds = per_kind(
        m.max_extension_kinds.as_ref(),
        &at_key("max_extension_kinds"),
        problems,
        |kind, value, kpath, problems| {
            let max = extension(value, kpath, problems)?;
            if let Some(max) = max
                && !fits(kind, max)
            {
                problems.add(value.span().start, kpath, Problem::ExtensionUnit);
            }
            Some(max)
        },
    );
    let only_kinds = m.only_kinds.as_ref().map(|list| {
        list.get_ref()
            .iter()
            .filter_map(|k| kind(k.get_ref(), k.span().start, &at_key("only_kinds"), problems))
            .collect::<Vec<_>>()
    });
    if let (Some(max), Some(t)) = (max_extension, base)
        && max.is_days() != t.normal.is_days()
        && kinds.values().all(|k: &ByPriority| max.is_days() != k.normal.is_days())
    {
        let at = m.max_extension.as_ref().map_or(whole, |v| v.span().start);
        problems.add(at, &at_key("max_extension"), Problem::ExtensionUnit);
    }
    if problems.len() > before {
        return None;
    }
    Some(Metric {
        name: name.to_string(),
        label_en,
        label_zh,
        start: start?,
        stop: stop?,
        pause,
        calendar: calendar?,
        warn_at,
        recurring,
        max_extension,
        max_extension_kinds,
        target: base?,
        complex,
        kinds,
        only_kinds,
        only_complex,
    })
}

fn by_priority(raw: &Spanned<RawTargets>, path: &str, problems: &mut Problems) -> Option<ByPriority> {
    let each: &RawByPriority = match raw.get_ref() {
        RawTargets::One(text) => return target(text, raw.span().start, path, problems).map(ByPriority::same),
        RawTargets::Each(each) => each,
    };
    let mut get = |p: Priority, value: &Option<Spanned<String>>| {
        let at = format!("{path}.{}", p.slug());
        match value {
            Some(t) => target(t.get_ref(), t.span().start, &at, problems),
            None => {
                if !problems.reported(&at) {
                    problems.add(raw.span().start, path, Problem::Missing(Required::Priority(p)));
                }
                None
            }
        }
    };
    let urgent = get(Priority::Urgent, &each.urgent);
    let important = get(Priority::Important, &each.important);
    let normal = get(Priority::Normal, &each.normal);
    Some(ByPriority {
        urgent: urgent?,
        important: important?,
        normal: normal?,
    })
}

/// A per-kind table (`kinds`, `max_extension_kinds`) at `path`: every key a kind (its slug or
/// Chinese word), every value read by `value` (given the kind when the key is one).
fn per_kind<V, T>(
    table: Option<&Spanned<BTreeMap<Spanned<String>, V>>>,
    path: &str,
    problems: &mut Problems,
    mut value: impl FnMut(Option<Kind>, &V, &str, &mut Problems) -> Option<T>,
) -> BTreeMap<Kind, T> {
    let mut out = BTreeMap::new();
    for (key, v) in table.map(Spanned::get_ref).into_iter().flatten() {
        let kpath = format!("{path}.{}", key.get_ref());
        let kind = kind(key.get_ref(), key.span().start, &kpath, problems);
        if let (Some(read), Some(kind)) = (value(kind, v, &kpath, problems), kind) {
            out.insert(kind, read);
        }
    }
    out
}

/// A `max_extension` value: a target, or `"none"` for no extensions (`Some(None)`).
fn extension(raw: &Spanned<String>, path: &str, problems: &mut Problems) -> Option<Option<Target>> {
    let text = raw.get_ref();
    if text.trim().eq_ignore_ascii_case(NO_EXTENSION) {
        return Some(None);
    }
    text.parse::<Target>()
        .map(Some)
        .map_err(|e| problems.add(raw.span().start, path, Problem::BadExtension(e)))
        .ok()
}

fn target(text: &str, at: usize, path: &str, problems: &mut Problems) -> Option<Target> {
    text.parse::<Target>()
        .map_err(|e| problems.add(at, path, Problem::BadTarget(e)))
        .ok()
}

fn kind(text: &str, at: usize, path: &str, problems: &mut Problems) -> Option<Kind> {
    text.parse::<Kind>()
        .map_err(|_| problems.add(at, path, Problem::UnknownKind(text.to_string())))
        .ok()
}

fn calendar_ref(name: &Spanned<String>, path: &str, calendars: &[String], problems: &mut Problems) -> Option<String> {
    if calendars.iter().any(|c| c == name.get_ref()) {
        return Some(name.get_ref().clone());
    }
    problems.add(
        name.span().start,
        path,
        Problem::UnknownCalendar {
            name: name.get_ref().clone(),
            defined: calendars.to_vec(),
        },
    );
    None
}

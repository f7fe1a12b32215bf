//! A service target: an amount of business time ("30m", "2h", "1h30m") or a number of working
//! days ("3d", counted by PRC Civil Code art. 201-203, see `calendar::add_working_days`).
//! Both units may not be mixed in one target: "1d2h" has no agreed meaning.
//! Chinese units are read as their ASCII twins (`unit_at`): 天, 日, 工作日 and 个工作日 are
//! working days like `d` (a target counts days on the business calendar), 小时, 时 and 工作小时
//! are `h`, 分钟 and 分 are `m`, 秒 is `s`; so "1小时30分钟" and "2个工作日" parse, and every
//! duration the zh screens show ("24小时", "2个工作小时") parses back.

use std::fmt;
use std::str::FromStr;

/// Longest target accepted, so that arithmetic never overflows and typos ("7000d") stand out.
const MAX_DAYS: u32 = 3660;
const MAX_SECS: i64 = 10 * 366 * 86_400;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Seconds of business time (time inside the calendar's open ranges).
    Business(i64),
    /// Working days, the starting day not counted.
    WorkingDays(u32),
}

impl Target {
    pub fn minutes(m: i64) -> Target {
        Target::Business(m * 60)
    }

    pub fn hours(h: i64) -> Target {
        Target::Business(h * 3600)
    }

    pub fn days(d: u32) -> Target {
        Target::WorkingDays(d)
    }

    pub fn is_days(&self) -> bool {
        matches!(self, Target::WorkingDays(_))
    }

    /// Adds two targets of the same unit; `None` when the units differ.
    pub fn checked_add(self, other: Target) -> Option<Target> {
        match (self, other) {
            (Target::Business(a), Target::Business(b)) => Some(Target::Business(a + b)),
            (Target::WorkingDays(a), Target::WorkingDays(b)) => Some(Target::WorkingDays(a + b)),
            _ => None,
        }
    }
}

/// Why a target text was refused: the text and what is wrong with it. The front ends word it
/// (`crate::words::errors::target`); `Display` is the English line policy errors quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetError {
    pub text: String,
    pub problem: TargetProblem,
}

/// What is wrong with a target text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetProblem {
    Empty,
    /// Not a number and a unit.
    NotATarget,
    NumberTooLarge,
    NoUnit,
    UnknownUnit(char),
    UnitTwice(char),
    /// Units not from largest to smallest ("30m1h").
    UnitOrder,
    /// Working days mixed with hours or minutes.
    MixedDays,
    Zero,
    /// More than `MAX_DAYS` working days.
    TooManyDays(u32),
    /// Longer than ten years of business time.
    TooLong,
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = crate::domain::text::sanitize_line(&self.text);
        write!(f, "target \"{shown}\": ")?;
        match self.problem {
            TargetProblem::Empty => write!(f, "empty; {FORMS}"),
            TargetProblem::NotATarget => f.write_str(FORMS),
            TargetProblem::NumberTooLarge => f.write_str("number too large"),
            TargetProblem::NoUnit => write!(f, "number without a unit (d, h, m or s); {FORMS}"),
            TargetProblem::UnknownUnit(unit) => write!(f, "unknown unit '{unit}'; {FORMS}"),
            TargetProblem::UnitTwice(unit) => write!(f, "unit '{unit}' given twice"),
            TargetProblem::UnitOrder => f.write_str("units must go from largest to smallest (1h30m)"),
            TargetProblem::MixedDays => {
                f.write_str("working days (d) cannot be mixed with hours or minutes; use one unit")
            }
            TargetProblem::Zero => f.write_str("must be greater than zero"),
            TargetProblem::TooManyDays(max) => write!(f, "more than {max}d"),
            TargetProblem::TooLong => f.write_str("longer than ten years"),
        }
    }
}

impl std::error::Error for TargetError {}

const FORMS: &str = "expected e.g. 30m, 2h, 1h30m (business time) or 3d (working days)";

impl FromStr for Target {
    type Err = TargetError;

    fn from_str(text: &str) -> Result<Target, TargetError> {
        let bad = |problem| TargetError {
            text: text.to_string(),
            problem,
        };
        // Targets are parsed on every clock reading: no copy unless there is a capital.
        let lowered;
        let s = if text.bytes().any(|b| b.is_ascii_uppercase()) {
            lowered = text.trim().to_ascii_lowercase();
            lowered.as_str()
        } else {
            text.trim()
        };
        if s.is_empty() {
            return Err(bad(TargetProblem::Empty));
        }
        // Parts like "1h", "30m" in descending unit order, each unit at most once.
        let units = ['d', 'h', 'm', 's'];
        // Ranks of the units seen so far (a bit each) and of the last one.
        let (mut seen, mut last, mut parts) = (0u8, None, 0);
        let mut days: Option<u64> = None;
        let mut secs: u64 = 0;
        let mut rest = s;
        while !rest.is_empty() {
            rest = rest.trim_start();
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if digits == 0 {
                return Err(bad(TargetProblem::NotATarget));
            }
            let number: u64 = rest[..digits].parse().map_err(|_| bad(TargetProblem::NumberTooLarge))?;
            let after = &rest[digits..];
            let first = after.chars().next().ok_or_else(|| bad(TargetProblem::NoUnit))?;
            let (unit, unit_len) = unit_at(after).unwrap_or((first, first.len_utf8()));
            let Some(rank) = units.iter().position(|u| *u == unit) else {
                return Err(bad(TargetProblem::UnknownUnit(unit)));
            };
            if seen & (1 << rank) != 0 {
                return Err(bad(TargetProblem::UnitTwice(unit)));
            }
            if last > Some(rank) {
                return Err(bad(TargetProblem::UnitOrder));
            }
            (seen, last, parts) = (seen | 1 << rank, Some(rank), parts + 1);
            match unit {
                'd' => days = Some(number),
                'h' => secs = secs.saturating_add(number.saturating_mul(3600)),
                'm' => secs = secs.saturating_add(number.saturating_mul(60)),
                _ => secs = secs.saturating_add(number),
            }
            rest = &rest[digits + unit_len..];
        }
        match days {
            Some(_) if parts > 1 => Err(bad(TargetProblem::MixedDays)),
            Some(0) => Err(bad(TargetProblem::Zero)),
            Some(d) if d > u64::from(MAX_DAYS) => Err(bad(TargetProblem::TooManyDays(MAX_DAYS))),
            Some(d) => Ok(Target::WorkingDays(d as u32)),
            None if secs == 0 => Err(bad(TargetProblem::Zero)),
            None if secs > MAX_SECS as u64 => Err(bad(TargetProblem::TooLong)),
            None => Ok(Target::Business(secs as i64)),
        }
    }
}

impl fmt::Display for Target {
    /// The canonical text: "1h30m", "3d", "45s"; parses back to the same target.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Target::WorkingDays(d) => write!(f, "{d}d"),
            Target::Business(secs) => write!(f, "{}", format_secs(secs)),
        }
    }
}

/// Stored and exchanged as its canonical text ("30m", "3d").
impl serde::Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Target, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Unit words in both languages; the longest match wins ("个工作日" over "日", "分钟" over "分").
const UNITS: [(&str, char); 17] = [
    ("个工作小时", 'h'),
    ("个工作日", 'd'),
    ("工作小时", 'h'),
    ("工作日", 'd'),
    ("个小时", 'h'),
    ("小时", 'h'),
    ("分钟", 'm'),
    ("天", 'd'),
    ("日", 'd'),
    ("时", 'h'),
    ("分", 'm'),
    ("秒", 's'),
    ("d", 'd'),
    ("h", 'h'),
    ("m", 'm'),
    ("s", 's'),
    ("秒钟", 's'),
];

/// The unit at the start of `text` as its ASCII letter (d, h, m, s) and its length in bytes.
/// `d` stands for days in both parsers: working days in a target, 24 hours in a wall duration.
pub fn unit_at(text: &str) -> Option<(char, usize)> {
    UNITS
        .iter()
        .filter(|(word, _)| text.starts_with(word))
        .max_by_key(|(word, _)| word.len())
        .map(|(word, unit)| (*unit, word.len()))
}

/// Seconds as "1h30m" ("0m" for zero, a leading '-' when negative).
pub fn format_secs(secs: i64) -> String {
    let sign = if secs < 0 { "-" } else { "" };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a % 3600 / 60, a % 60);
    let mut out = String::from(sign);
    if h > 0 {
        out += &format!("{h}h");
    }
    if m > 0 {
        out += &format!("{m}m");
    }
    if s > 0 {
        out += &format!("{s}s");
    }
    if a == 0 {
        out += "0m";
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_time_and_day_targets() {
        assert_eq!("30m".parse(), Ok(Target::Business(1800)));
        assert_eq!("2h".parse(), Ok(Target::Business(7200)));
        assert_eq!("1h30m".parse(), Ok(Target::Business(5400)));
        assert_eq!(" 1h 30m ".parse(), Ok(Target::Business(5400)));
        assert_eq!("90s".parse(), Ok(Target::Business(90)));
        assert_eq!("3d".parse(), Ok(Target::WorkingDays(3)));
        assert_eq!("72H".parse(), Ok(Target::Business(72 * 3600)));
    }

    #[test]
    fn parses_chinese_units_as_their_ascii_twins() {
        let p = |s: &str| s.parse::<Target>();
        assert_eq!(p("30分钟"), Ok(Target::Business(1800)));
        assert_eq!(p("30分"), Ok(Target::Business(1800)));
        assert_eq!(p("2小时"), Ok(Target::Business(7200)));
        assert_eq!(p("2个小时"), Ok(Target::Business(7200)));
        assert_eq!(p("2时"), Ok(Target::Business(7200)));
        assert_eq!(p("1小时30分钟"), Ok(Target::Business(5400)));
        assert_eq!(p("3小时05分钟"), Ok(Target::Business(3 * 3600 + 300)));
        assert_eq!(p("2工作小时"), Ok(Target::Business(7200)));
        assert_eq!(p("1个工作小时30分钟"), Ok(Target::Business(5400)));
        assert_eq!(p("90秒"), Ok(Target::Business(90)));
        // Days in a target are working days, as `d` is.
        for days in ["1天", "1日", "1工作日", "1个工作日", "1d"] {
            assert_eq!(p(days), Ok(Target::WorkingDays(1)), "{days}");
        }
        assert_eq!(p("2个工作日"), Ok(Target::WorkingDays(2)));
        assert_eq!(p("1h30分钟"), Ok(Target::Business(5400)));
        let err = |s: &str| p(s).unwrap_err().problem;
        assert_eq!(err("1天2小时"), TargetProblem::MixedDays);
        assert_eq!(err("30分钟1小时"), TargetProblem::UnitOrder);
        assert_eq!(err("1小时1时"), TargetProblem::UnitTwice('h'));
        assert_eq!(err("2周"), TargetProblem::UnknownUnit('周'));
        assert_eq!(err("2"), TargetProblem::NoUnit);
    }

    #[test]
    fn refuses_garbage_with_the_reason() {
        let err = |s: &str| s.parse::<Target>().unwrap_err().to_string();
        assert!(err("1d2h").contains("cannot be mixed"), "{}", err("1d2h"));
        assert!(err("abc").contains("expected e.g. 30m"));
        assert!(err("30").contains("without a unit"));
        assert!(err("3w").contains("unknown unit 'w'"));
        assert!(err("30m1h").contains("largest to smallest"));
        assert!(err("1h1h").contains("twice"));
        assert!(err("0m").contains("greater than zero"));
        assert!(err("").contains("empty"));
        assert!(err("-3h").starts_with("target \"-3h\""));
        assert!(err("99999999999999999999h").contains("too large"));
    }

    #[test]
    fn displays_canonically_and_round_trips() {
        for text in ["30m", "2h", "1h30m", "3d", "1m30s", "72h"] {
            let t: Target = text.parse().unwrap();
            assert_eq!(t.to_string(), text);
            assert_eq!(t.to_string().parse::<Target>().unwrap(), t);
        }
        assert_eq!("90m".parse::<Target>().unwrap().to_string(), "1h30m");
        assert_eq!(format_secs(-5400), "-1h30m");
        assert_eq!(format_secs(0), "0m");
    }
}

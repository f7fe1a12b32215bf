//! A service target: an amount of business time ("30m", "2h", "1h30m") or a number of working
//! days ("3d", counted by PRC Civil Code art. 201-203, see `calendar::add_working_days`).
//! Both units may not be mixed in one target: "1d2h" has no agreed meaning.

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
            let unit = rest[digits..]
                .chars()
                .next()
                .ok_or_else(|| bad(TargetProblem::NoUnit))?;
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
            rest = &rest[digits + unit.len_utf8()..];
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

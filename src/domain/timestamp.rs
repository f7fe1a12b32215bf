//! Instants typed by a person: RFC3339 with an offset, or a local `YYYY-MM-DD HH:MM[:SS]` in the
//! shop's timezone.

use chrono::{DateTime, Datelike, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The years Promptly takes in typed dates and instants: date arithmetic (deadlines, periods,
/// ten-year windows) stays far inside chrono's range.
pub const YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;

/// Why a typed instant was not taken; the front ends word it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimestampError {
    /// Neither RFC3339 nor a local date and time (the text as typed).
    Unreadable(String),
    /// Before 1970 or after 9999.
    OutOfRange(String),
    /// A local time that a daylight-saving change skips in `tz`.
    Skipped { text: String, tz: Tz },
}

/// Reads an instant typed by a person (a time skipped by a DST change is refused; a repeated
/// one means its first occurrence).
pub fn parse_timestamp(text: &str, tz: Tz) -> Result<DateTime<Utc>, TimestampError> {
    let t = parse_any(text, tz)?;
    if YEARS.contains(&t.year()) {
        Ok(t)
    } else {
        Err(TimestampError::OutOfRange(text.trim().to_string()))
    }
}

fn parse_any(text: &str, tz: Tz) -> Result<DateTime<Utc>, TimestampError> {
    let s = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .ok_or_else(|| TimestampError::Unreadable(s.to_string()))?;
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.with_timezone(&Utc)),
        LocalResult::None => Err(TimestampError::Skipped {
            text: s.to_string(),
            tz,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_in_the_shop_timezone() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        let t = parse_timestamp("2026-11-24 10:30", tz).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-24T02:30:00+00:00");
        let t = parse_timestamp("2026-11-24T10:30:00+08:00", tz).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-24T02:30:00+00:00");
        assert_eq!(
            parse_timestamp("tomorrow", tz),
            Err(TimestampError::Unreadable("tomorrow".into()))
        );
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert!(matches!(
            parse_timestamp("2026-03-29 02:30", berlin),
            Err(TimestampError::Skipped { .. })
        ));
    }
}

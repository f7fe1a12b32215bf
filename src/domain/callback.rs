//! Satisfaction callbacks (回访): each month a reproducible random share of the previous
//! month's closed tickets is called back; the call's outcome is recorded.

use crate::domain::ticket::{InvalidField, Reason};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use std::fmt;
use std::str::FromStr;

/// Whether the customer was reached, as a person types it: yes/no, 是/否, 已接通/未接通.
pub fn parse_reached(typed: &str) -> Option<bool> {
    match crate::domain::ticket::normalize_word(typed).as_str() {
        "yes" | "y" | "true" | "是" | "接通" | "已接通" => Some(true),
        "no" | "n" | "false" | "否" | "未接通" => Some(false),
        _ => None,
    }
}

/// A calendar month of the shop calendar, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a Month is always valid")
    }

    /// The first day of the next month (exclusive end).
    pub fn end(self) -> NaiveDate {
        self.first_day() + Months::new(1)
    }

    pub fn previous(self) -> Month {
        Month::of(self.first_day() - Months::new(1))
    }

    pub fn next(self) -> Month {
        Month::of(self.end())
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = InvalidField;
    fn from_str(s: &str) -> Result<Month, InvalidField> {
        NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
            .ok()
            .filter(|d| crate::domain::timestamp::YEARS.contains(&d.year()))
            .map(Month::of)
            .ok_or_else(|| InvalidField::new("month", Reason::BadMonth { value: s.to_string() }))
    }
}

/// FNV-1a: a hash that never changes between builds or platforms (std's does not promise that).
pub fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// How many of `closed` tickets to call: `share` of them rounded up, at least one when any.
pub fn sample_size(closed: usize, share: f64) -> usize {
    if closed == 0 {
        return 0;
    }
    let n = (closed as f64 * share.clamp(0.0, 1.0)).ceil() as usize;
    n.clamp(1, closed)
}

/// The tickets to call back for `month`: the same ids in, the same sample out, on any
/// machine (the seed is a hash of the month's text, e.g. "2026-10"). Sorted by id.
pub fn sample(month: Month, closed_ids: &[i64], share: f64) -> Vec<i64> {
    let mut ids = closed_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let n = sample_size(ids.len(), share);
    let mut rng = ChaCha8Rng::seed_from_u64(stable_hash(&month.to_string()));
    let (picked, _) = ids.partial_shuffle(&mut rng, n);
    let mut picked = picked.to_vec();
    picked.sort_unstable();
    picked
}

/// What the supervisor learnt on the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOutcome {
    pub reached: bool,
    /// Satisfaction 1-5; only when reached.
    pub score: Option<u8>,
    pub comment: String,
}

impl CallOutcome {
    pub fn validate(&self) -> Result<(), InvalidField> {
        match self.score {
            Some(s) if !(1..=5).contains(&s) => Err(InvalidField::new("score", Reason::BadScore { value: s })),
            Some(_) if !self.reached => Err(InvalidField::new("score", Reason::ScoreUnreached)),
            _ => Ok(()),
        }
    }
}

/// One entry of the callback queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    pub ticket_id: i64,
    pub title: String,
    /// The customer to call: name and full phone (calling is the supervisor's job).
    pub customer: String,
    pub phone: String,
    /// The month whose closed tickets were sampled.
    pub month: Month,
    pub queued_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: String,
    /// The latest call; `None` until one is recorded.
    pub outcome: Option<CallOutcome>,
    /// Calls that did not reach the customer.
    pub attempts: u32,
}

/// Where one callback stands: done means the customer was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    Pending,
    /// Called, not reached (yet).
    Attempted,
    Done,
}

impl CallState {
    /// From the latest call's `reached` (`None`: not called).
    pub fn of(latest_reached: Option<bool>) -> CallState {
        match latest_reached {
            None => CallState::Pending,
            Some(false) => CallState::Attempted,
            Some(true) => CallState::Done,
        }
    }
}

impl Callback {
    pub fn state(&self) -> CallState {
        CallState::of(self.outcome.as_ref().map(|o| o.reached))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_step() {
        let m: Month = "2026-01".parse().unwrap();
        assert_eq!(m.previous().to_string(), "2025-12");
        assert_eq!(m.next().to_string(), "2026-02");
        assert_eq!(m.end(), NaiveDate::from_ymd_opt(2026, 2, 1).unwrap());
        assert_eq!("2026-13".parse::<Month>().unwrap_err().field, "month");
    }

    #[test]
    fn samples_are_reproducible_and_sized_by_share() {
        let ids: Vec<i64> = (1..=25).collect();
        let oct: Month = "2026-10".parse().unwrap();
        let a = sample(oct, &ids, 0.1);
        assert_eq!(a.len(), 3, "10% of 25, rounded up");
        let mut shuffled = ids.clone();
        shuffled.reverse();
        assert_eq!(sample(oct, &shuffled, 0.1), a, "input order does not matter");
        assert_ne!(sample("2026-11".parse().unwrap(), &ids, 0.5), sample(oct, &ids, 0.5));
        assert_eq!(sample(oct, &[7], 0.01), vec![7], "at least one when any");
        assert!(sample(oct, &[], 0.5).is_empty());
        assert_eq!(stable_hash("2026-10"), stable_hash("2026-10"));
    }

    #[test]
    fn outcomes_check_the_score() {
        let mut o = CallOutcome {
            reached: true,
            score: Some(6),
            comment: String::new(),
        };
        assert_eq!(o.validate().unwrap_err().field, "score");
        o.score = Some(5);
        assert!(o.validate().is_ok());
        o.reached = false;
        assert_eq!(o.validate().unwrap_err().field, "score");
    }
}

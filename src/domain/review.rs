//! Breach review (违约认定): every breached SLA clock waits in a queue until a supervisor
//! judges it minor or major, with a reason and the remedy offered.

use crate::domain::policy::Policy;
use crate::domain::ticket::{Customer, InvalidField, Kind, Priority, Reason, Status, vocabulary};
use chrono::{DateTime, Utc};
use std::fmt;

vocabulary!(
    /// How bad a breach was (违约认定): minor = late or below standard without major loss to
    /// the customer; major = serious harm or major loss.
    BreachClass, "class" {
        Minor => "minor" | "轻微违约" | "轻微",
        Major => "major" | "重大违约" | "重大",
    }
);

vocabulary!(
    /// What the shop did to make up for a breach.
    Remedy, "remedy" {
        Apology => "apology" | "道歉" | "致歉",
        Compensation => "compensation" | "赔偿" | "补偿",
        Refund => "refund" | "退款",
        Replacement => "replacement" | "换货" | "更换",
        None => "none" | "无" | "无补救",
    }
);

/// Money in fen (分, hundredths of a yuan), so amounts add up exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(pub i64);

impl Amount {
    /// Reads `50`, `50.5` or `50.05` (yuan, at most two decimals, not negative).
    pub fn parse(text: &str) -> Result<Amount, InvalidField> {
        let bad = || {
            InvalidField::new(
                "amount",
                Reason::BadAmount {
                    value: text.to_string(),
                },
            )
        };
        let t = text.trim().trim_start_matches(['¥', '￥']);
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        if whole.is_empty() || frac.len() > 2 || !(whole.chars().chain(frac.chars())).all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let frac: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<2}").parse().map_err(|_| bad())?
        };
        whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(frac))
            .map(Amount)
            .ok_or_else(bad)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// What a supervisor decides about one breach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub class: BreachClass,
    pub reason: String,
    pub remedy: Remedy,
    /// Required with compensation; allowed with a refund.
    pub amount: Option<Amount>,
    pub note: String,
}

impl Judgement {
    /// Names the field a person got wrong.
    pub fn validate(&self) -> Result<(), InvalidField> {
        if crate::domain::text::is_blank(&self.reason) {
            return Err(InvalidField::new("reason", Reason::JudgeReasonNeeded));
        }
        match (self.remedy, self.amount) {
            (Remedy::Compensation, None) => Err(InvalidField::new("amount", Reason::AmountNeeded)),
            (Remedy::Compensation | Remedy::Refund, Some(a)) if a.0 <= 0 => {
                Err(InvalidField::new("amount", Reason::AmountNotPositive))
            }
            (Remedy::Apology | Remedy::Replacement | Remedy::None, Some(_)) => Err(InvalidField::new(
                "amount",
                Reason::AmountWithRemedy { remedy: self.remedy },
            )),
            _ => Ok(()),
        }
    }
}

/// A breached clock as the review queue shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub ticket_id: i64,
    pub title: String,
    pub status: Status,
    pub metric: String,
    pub cycle: u32,
    pub target: String,
    pub started_at: DateTime<Utc>,
    /// The deadline that passed.
    pub due_at: DateTime<Utc>,
    /// When the clock was finally met; `None` while it is still running late.
    pub met_at: Option<DateTime<Utc>>,
    pub priority: Priority,
    pub kind: Kind,
    pub customer: Customer,
}

impl Breach {
    /// How late, in wall-clock seconds: from the deadline to when it was met, or to `now`.
    pub fn late_secs(&self, now: DateTime<Utc>) -> i64 {
        (self.met_at.unwrap_or(now) - self.due_at).num_seconds().max(0)
    }

    /// How late in business time on the metric's calendar: an overnight first-response breach
    /// is minutes late for the shop, hours on the wall clock.
    pub fn late_business_secs(&self, policy: &Policy, now: DateTime<Utc>) -> i64 {
        let end = self.met_at.unwrap_or(now);
        if end <= self.due_at {
            return 0;
        }
        let cal = policy
            .metric(&self.metric)
            .map_or_else(|| policy.shop_calendar(), |m| policy.metric_calendar(m));
        cal.business_between(self.due_at, end).num_seconds().max(0)
    }
}

vocabulary!(
    /// The review queue's status filter: the ticket still being worked (open, waiting) or
    /// done with (resolved, closed).
    Openness, "status" {
        Open => "open" | "未结" | "处理中",
        Closed => "closed" | "已结" | "已关闭",
    }
);

impl Openness {
    /// The ticket statuses the filter admits.
    pub fn statuses(self) -> [Status; 2] {
        match self {
            Openness::Open => [Status::Open, Status::Waiting],
            Openness::Closed => [Status::Resolved, Status::Closed],
        }
    }
}

/// Which end of the review queue comes first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QueueOrder {
    /// Last week's breaches before July's: the default, so the newest are never out of reach.
    #[default]
    NewestFirst,
    OldestFirst,
}

impl QueueOrder {
    pub fn toggled(self) -> QueueOrder {
        match self {
            QueueOrder::NewestFirst => QueueOrder::OldestFirst,
            QueueOrder::OldestFirst => QueueOrder::NewestFirst,
        }
    }
}

/// Which unjudged breaches the review queue shows. Every field narrows; the default shows all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewFilter {
    /// Deadlines in `[from, to)`.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// The metric's name in the policy.
    pub metric: Option<String>,
    pub priority: Option<Priority>,
    pub kind: Option<Kind>,
    pub status: Option<Openness>,
    /// Words in the ticket's title or the customer's name (case-insensitive).
    pub text: Option<String>,
    /// One ticket's breaches (judging from the ticket screen).
    pub ticket: Option<i64>,
}

impl ReviewFilter {
    pub fn is_empty(&self) -> bool {
        *self == ReviewFilter::default()
    }

    /// Whether a breach passes the filter (the store's query says the same in SQL).
    pub fn admits(&self, b: &Breach) -> bool {
        let text = self.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        self.ticket.is_none_or(|t| t == b.ticket_id)
            && self.from.is_none_or(|f| b.due_at >= f)
            && self.to.is_none_or(|t| b.due_at < t)
            && self.metric.as_ref().is_none_or(|m| *m == b.metric)
            && self.priority.is_none_or(|p| p == b.priority)
            && self.kind.is_none_or(|k| k == b.kind)
            && self.status.is_none_or(|s| s.statuses().contains(&b.status))
            && text.is_none_or(|t| {
                let t = t.to_lowercase();
                b.title.to_lowercase().contains(&t) || b.customer.name.to_lowercase().contains(&t)
            })
    }
}

/// How many breaches match a filter, and how they split by each filter's values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueCounts {
    pub total: usize,
    /// More match than were counted: `total` is a floor and the splits are of those read.
    pub capped: bool,
    pub by_metric: Vec<(String, usize)>,
    pub by_priority: Vec<(Priority, usize)>,
    pub by_kind: Vec<(Kind, usize)>,
    pub by_status: Vec<(Openness, usize)>,
}

/// A judgement as stored, keyed by (ticket, metric, cycle).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub ticket_id: i64,
    pub metric: String,
    pub cycle: u32,
    pub judgement: Judgement,
    pub due_at: DateTime<Utc>,
    pub late_secs: i64,
    pub judged_at: DateTime<Utc>,
    pub judged_by: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_and_remedies_accept_chinese() {
        assert_eq!("轻微违约".parse::<BreachClass>().unwrap(), BreachClass::Minor);
        assert_eq!("重大违约".parse::<BreachClass>().unwrap(), BreachClass::Major);
        assert_eq!("退款".parse::<Remedy>().unwrap(), Remedy::Refund);
        let err = "huge".parse::<BreachClass>().unwrap_err().to_string();
        assert_eq!(err, "class: unknown value 'huge' (expected one of: minor, major)");
    }

    #[test]
    fn amounts_are_exact() {
        assert_eq!(Amount::parse("50").unwrap(), Amount(5000));
        assert_eq!(Amount::parse("12.5").unwrap(), Amount(1250));
        assert_eq!(Amount::parse("¥0.05").unwrap().to_string(), "0.05");
        for bad in ["", "-3", "1.234", "abc", "1e3"] {
            assert_eq!(Amount::parse(bad).unwrap_err().field, "amount", "{bad}");
        }
    }

    #[test]
    fn judgements_name_the_missing_field() {
        let mut j = Judgement {
            class: BreachClass::Minor,
            reason: " ".into(),
            remedy: Remedy::Compensation,
            amount: None,
            note: String::new(),
        };
        assert_eq!(j.validate().unwrap_err().field, "reason");
        j.reason = "late by an hour".into();
        assert_eq!(j.validate().unwrap_err().field, "amount");
        j.amount = Some(Amount(2000));
        assert!(j.validate().is_ok());
        j.remedy = Remedy::Apology;
        assert_eq!(j.validate().unwrap_err().field, "amount");
    }
}

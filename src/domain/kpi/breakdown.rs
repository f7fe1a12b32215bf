//! Breakdowns (issue 13): compliance and breaches per metric and per kind, priority, channel
//! or owner (issue 16: KPIs by agent) of the ticket, over the clocks due in a period. Same definitions as [`super::compliance`]:
//! a clock counts once its outcome is known; a breach is a due clock not met in time.

use super::{BreachCounts, Compliance};
use crate::domain::policy::Policy;
use crate::domain::review::BreachClass;
use crate::domain::sla::Clock;
use crate::domain::ticket::{Channel, Kind, Priority};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// What a breakdown splits the clocks by: a field of their ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Kind,
    Priority,
    Channel,
    /// The agent who owns the ticket (首问负责制).
    Owner,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [
        Dimension::Kind,
        Dimension::Priority,
        Dimension::Channel,
        Dimension::Owner,
    ];

    /// The JSON key and the catalogue's word group (`kind.quality`, `priority.urgent`...).
    pub fn slug(self) -> &'static str {
        match self {
            Dimension::Kind => "kind",
            Dimension::Priority => "priority",
            Dimension::Channel => "channel",
            Dimension::Owner => "owner",
        }
    }

    /// The dashboard's cycle: kind, priority, channel, owner, then none.
    pub fn cycle(current: Option<Dimension>) -> Option<Dimension> {
        match current {
            None => Some(Dimension::Kind),
            Some(Dimension::Kind) => Some(Dimension::Priority),
            Some(Dimension::Priority) => Some(Dimension::Channel),
            Some(Dimension::Channel) => Some(Dimension::Owner),
            Some(Dimension::Owner) => None,
        }
    }
}

/// The fields of a ticket a breakdown reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facets {
    pub kind: Kind,
    pub priority: Priority,
    pub channel: Channel,
    /// "" when nobody owns it.
    pub owner: String,
}

/// One value of a dimension.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Facet {
    Kind(Kind),
    Priority(Priority),
    Channel(Channel),
    Owner(String),
}

impl Facet {
    pub fn dimension(&self) -> Dimension {
        match self {
            Facet::Kind(_) => Dimension::Kind,
            Facet::Priority(_) => Dimension::Priority,
            Facet::Channel(_) => Dimension::Channel,
            Facet::Owner(_) => Dimension::Owner,
        }
    }

    /// The value as JSON and the catalogue name it: a vocabulary's slug, an owner's name.
    pub fn slug(&self) -> &str {
        match self {
            Facet::Kind(k) => k.slug(),
            Facet::Priority(p) => p.slug(),
            Facet::Channel(c) => c.slug(),
            Facet::Owner(name) => name,
        }
    }
}

impl Facets {
    pub fn get(&self, dim: Dimension) -> Facet {
        match dim {
            Dimension::Kind => Facet::Kind(self.kind),
            Dimension::Priority => Facet::Priority(self.priority),
            Dimension::Channel => Facet::Channel(self.channel),
            Dimension::Owner => Facet::Owner(self.owner.clone()),
        }
    }
}

/// Compliance and breaches of one metric for one value of a dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakdownCell {
    pub facet: Facet,
    /// `compliance.metric` names the metric.
    pub compliance: Compliance,
    /// `total` equals due minus met; by class as judged.
    pub breaches: BreachCounts,
}

/// The four breakdowns of a period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Breakdowns {
    pub kind: Vec<BreakdownCell>,
    pub priority: Vec<BreakdownCell>,
    pub channel: Vec<BreakdownCell>,
    pub owner: Vec<BreakdownCell>,
}

impl Breakdowns {
    pub fn by(&self, dim: Dimension) -> &[BreakdownCell] {
        match dim {
            Dimension::Kind => &self.kind,
            Dimension::Priority => &self.priority,
            Dimension::Channel => &self.channel,
            Dimension::Owner => &self.owner,
        }
    }
}

/// Judgements by (ticket, metric, cycle), as in [`super::KpiInput::classes`].
pub type Classes = BTreeMap<(i64, String, u32), BreachClass>;

/// Compliance and breaches of `clocks` (whose deadlines the caller chose) per metric and value
/// of `dim`: only cells with something due, metrics in policy order (then others by name),
/// values in vocabulary order. A clock whose ticket has no facets is left out.
pub fn breakdown(
    policy: &Policy,
    clocks: &[Clock],
    facets: &BTreeMap<i64, Facets>,
    classes: &Classes,
    dim: Dimension,
    now: DateTime<Utc>,
) -> Vec<BreakdownCell> {
    let rank = |metric: &str| {
        policy
            .metrics
            .iter()
            .position(|m| m.name == metric)
            .unwrap_or(usize::MAX)
    };
    let mut cells: BTreeMap<(usize, String, Facet), BreakdownCell> = BTreeMap::new();
    for c in clocks.iter().filter(|c| c.decided(now)) {
        let Some(f) = facets.get(&c.ticket_id) else { continue };
        let facet = f.get(dim);
        let cell = cells
            .entry((rank(&c.metric), c.metric.clone(), facet.clone()))
            .or_insert_with(|| BreakdownCell {
                facet,
                compliance: Compliance {
                    metric: c.metric.clone(),
                    due: 0,
                    met: 0,
                },
                breaches: BreachCounts::default(),
            });
        cell.compliance.due += 1;
        if c.on_time() {
            cell.compliance.met += 1;
            continue;
        }
        cell.breaches.total += 1;
        match classes.get(&(c.ticket_id, c.metric.clone(), c.cycle)) {
            Some(BreachClass::Minor) => cell.breaches.minor += 1,
            Some(BreachClass::Major) => cell.breaches.major += 1,
            None => cell.breaches.unjudged += 1,
        }
    }
    cells.into_values().collect()
}

/// The four breakdowns of `clocks`.
pub fn breakdowns(
    policy: &Policy,
    clocks: &[Clock],
    facets: &BTreeMap<i64, Facets>,
    classes: &Classes,
    now: DateTime<Utc>,
) -> Breakdowns {
    let by = |dim| breakdown(policy, clocks, facets, classes, dim, now);
    Breakdowns {
        kind: by(Dimension::Kind),
        priority: by(Dimension::Priority),
        channel: by(Dimension::Channel),
        owner: by(Dimension::Owner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sla::ClockState;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, h, 0, 0).unwrap()
    }

    /// A clock of `ticket` due at `due` hours, met at `met` hours (or not met).
    fn clock(ticket: i64, metric: &str, cycle: u32, due: u32, met: Option<u32>) -> Clock {
        let late = met.is_none_or(|m| m > due);
        Clock {
            ticket_id: ticket,
            metric: metric.into(),
            cycle,
            state: if met.is_some() {
                ClockState::Met
            } else {
                ClockState::Breached
            },
            target: "2h".into(),
            started_at: at(1),
            due_at: Some(at(due)),
            met_at: met.map(at),
            breached_at: late.then(|| at(due)),
            paused_secs: 0,
            remaining_secs: 0,
        }
    }

    fn facets(kind: Kind, priority: Priority, channel: Channel) -> Facets {
        Facets {
            kind,
            priority,
            channel,
            owner: if priority == Priority::Urgent {
                "li".into()
            } else {
                String::new()
            },
        }
    }

    /// Four tickets, seven clocks; read at 20:00 (every deadline has passed but #4's running
    /// resolution, due at 22:00).
    ///
    /// | ticket | kind | priority | channel | first-response | resolution |
    /// |---|---|---|---|---|---|
    /// | 1 | quality | urgent | phone | met 3 (due 4) | met 12 (due 10): breach, minor |
    /// | 2 | quality | normal | email | late, not met (due 4): breach, unjudged | met 9 (due 10) |
    /// | 3 | repair | normal | phone | met 6 (due 5): breach, major | withdrawn |
    /// | 4 | complaint | urgent | chat | met 2 (due 4) | running, due 22: not decided |
    ///
    /// A clock of ticket 9 (facets unknown) is left out.
    fn week() -> (Vec<Clock>, BTreeMap<i64, Facets>, Classes) {
        let mut withdrawn = clock(3, "resolution", 1, 10, Some(8));
        withdrawn.state = ClockState::Withdrawn;
        let mut running = clock(4, "resolution", 1, 22, None);
        running.state = ClockState::Running;
        running.breached_at = None;
        let clocks = vec![
            clock(1, "first-response", 1, 4, Some(3)),
            clock(1, "resolution", 1, 10, Some(12)),
            clock(2, "first-response", 1, 4, None),
            clock(2, "resolution", 1, 10, Some(9)),
            clock(3, "first-response", 1, 5, Some(6)),
            withdrawn,
            clock(4, "first-response", 1, 4, Some(2)),
            running,
            clock(9, "first-response", 1, 4, None),
        ];
        let facets = BTreeMap::from([
            (1, facets(Kind::Quality, Priority::Urgent, Channel::Phone)),
            (2, facets(Kind::Quality, Priority::Normal, Channel::Email)),
            (3, facets(Kind::Repair, Priority::Normal, Channel::Phone)),
            (4, facets(Kind::Complaint, Priority::Urgent, Channel::Chat)),
        ]);
        let classes = BTreeMap::from([
            ((1, "resolution".to_string(), 1), BreachClass::Minor),
            ((3, "first-response".to_string(), 1), BreachClass::Major),
        ]);
        (clocks, facets, classes)
    }

    /// (metric, value, due, met, breaches total, minor, major, unjudged) of each cell.
    fn cells(v: &[BreakdownCell]) -> Vec<(&str, &str, usize, usize, [usize; 4])> {
        v.iter()
            .map(|c| {
                let b = c.breaches;
                (
                    c.compliance.metric.as_str(),
                    c.facet.slug(),
                    c.compliance.due,
                    c.compliance.met,
                    [b.total, b.minor, b.major, b.unjudged],
                )
            })
            .collect()
    }

    #[test]
    fn breakdowns_match_the_hand_computed_week() {
        let policy = Policy::builtin();
        let (clocks, facets, classes) = week();
        let b = breakdowns(&policy, &clocks, &facets, &classes, at(20));
        assert_eq!(
            cells(&b.kind),
            vec![
                ("first-response", "quality", 2, 1, [1, 0, 0, 1]),
                ("first-response", "repair", 1, 0, [1, 0, 1, 0]),
                ("first-response", "complaint", 1, 1, [0, 0, 0, 0]),
                ("resolution", "quality", 2, 1, [1, 1, 0, 0]),
            ]
        );
        assert_eq!(
            cells(&b.priority),
            vec![
                ("first-response", "urgent", 2, 2, [0, 0, 0, 0]),
                ("first-response", "normal", 2, 0, [2, 0, 1, 1]),
                ("resolution", "urgent", 1, 0, [1, 1, 0, 0]),
                ("resolution", "normal", 1, 1, [0, 0, 0, 0]),
            ]
        );
        assert_eq!(
            cells(&b.channel),
            vec![
                ("first-response", "phone", 2, 1, [1, 0, 1, 0]),
                ("first-response", "email", 1, 0, [1, 0, 0, 1]),
                ("first-response", "chat", 1, 1, [0, 0, 0, 0]),
                ("resolution", "phone", 1, 0, [1, 1, 0, 0]),
                ("resolution", "email", 1, 1, [0, 0, 0, 0]),
            ]
        );
        let fr_normal = &b.priority[1].compliance;
        assert_eq!(
            (fr_normal.percent(), fr_normal.level()),
            (Some(0.0), Some(super::super::Level::Major))
        );
        let fr_phone = &b.channel[0].compliance;
        assert_eq!(
            (fr_phone.percent(), fr_phone.level()),
            (Some(50.0), Some(super::super::Level::Minor))
        );
    }

    #[test]
    fn a_running_clock_counts_once_its_deadline_passes() {
        let policy = Policy::builtin();
        let (clocks, facets, classes) = week();
        let later = breakdown(&policy, &clocks, &facets, &classes, Dimension::Kind, at(23));
        let complaint_resolution = later
            .iter()
            .find(|c| c.compliance.metric == "resolution" && c.facet == Facet::Kind(Kind::Complaint))
            .expect("due by 23:00");
        assert_eq!(
            (
                complaint_resolution.compliance.due,
                complaint_resolution.breaches.unjudged
            ),
            (1, 1)
        );
    }

    #[test]
    fn every_breakdown_adds_up_to_the_compliance_per_metric() {
        let policy = Policy::builtin();
        let (clocks, facets, classes) = week();
        let known: Vec<Clock> = clocks
            .iter()
            .filter(|c| facets.contains_key(&c.ticket_id))
            .cloned()
            .collect();
        let per_metric = super::super::compliance(&policy, &known, at(20));
        let b = breakdowns(&policy, &clocks, &facets, &classes, at(20));
        for dim in Dimension::ALL {
            for m in &per_metric {
                let cells = b.by(dim).iter().filter(|c| c.compliance.metric == m.metric);
                let (due, met) = cells.fold((0, 0), |(d, t), c| (d + c.compliance.due, t + c.compliance.met));
                assert_eq!((due, met), (m.due, m.met), "{dim:?} {}", m.metric);
            }
        }
    }

    #[test]
    fn the_dashboard_cycles_kind_priority_channel_owner_none() {
        let mut seen = vec![];
        let mut d = None;
        for _ in 0..5 {
            d = Dimension::cycle(d);
            seen.push(d);
        }
        assert_eq!(
            seen,
            [
                Some(Dimension::Kind),
                Some(Dimension::Priority),
                Some(Dimension::Channel),
                Some(Dimension::Owner),
                None
            ]
        );
    }

    #[test]
    fn the_owner_breakdown_counts_each_ticket_for_its_owner() {
        let (clocks, facets, classes) = week();
        let b = breakdown(&Policy::builtin(), &clocks, &facets, &classes, Dimension::Owner, at(20));
        let first: Vec<(&str, usize, usize)> = b
            .iter()
            .filter(|c| c.compliance.metric == "first-response")
            .map(|c| (c.facet.slug(), c.compliance.due, c.compliance.met))
            .collect();
        // Urgent tickets 1 and 4 are li's (both met); 2 and 3 nobody's (both late).
        assert_eq!(first, vec![("", 2, 0), ("li", 2, 2)]);
    }
}

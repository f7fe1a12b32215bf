//! The promise a ticket opens under: every metric of the policy with its calendar and its
//! whole target table (by priority, kind and complexity, and to which tickets it applies).
//! The table is kept once per distinct content (the store's `promises`, keyed by its digest);
//! the opened entry records the digest, the targets that apply and the calendars. A later
//! priority, kind or complexity change takes its new targets from this table, not from a
//! policy edited since: a promise made is kept. Calendars' hours and holidays stay live.

use crate::domain::log::Targets;
use crate::domain::policy::{ByPriority, Policy, TargetRules};
use crate::domain::ticket::{Complexity, Kind, Priority};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The targets of every metric, as a policy states them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseTable {
    pub metrics: Vec<Terms>,
}

/// One metric's part of the promise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    pub metric: String,
    pub calendar: String,
    pub target: ByPriority,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complex: Option<ByPriority>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kinds: BTreeMap<Kind, ByPriority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_kinds: Option<Vec<Kind>>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub only_complex: bool,
}

impl Terms {
    fn rules(&self) -> TargetRules<'_> {
        TargetRules {
            target: &self.target,
            complex: self.complex.as_ref(),
            kinds: &self.kinds,
            only_kinds: self.only_kinds.as_deref(),
            only_complex: self.only_complex,
        }
    }
}

impl PromiseTable {
    /// The promise `policy` makes today.
    pub fn of(policy: &Policy) -> PromiseTable {
        let metrics = policy
            .metrics
            .iter()
            .map(|m| Terms {
                metric: m.name.clone(),
                calendar: policy
                    .calendar(&m.calendar)
                    .map_or_else(|| policy.settings.calendar.clone(), |_| m.calendar.clone()),
                target: m.target,
                complex: m.complex,
                kinds: m.kinds.clone(),
                only_kinds: m.only_kinds.clone(),
                only_complex: m.only_complex,
            })
            .collect();
        PromiseTable { metrics }
    }

    /// The stored text: what the digest is taken over.
    pub fn to_text(&self) -> String {
        // Plain data with string keys: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored text read back; `None` when it is not a promise table.
    pub fn from_text(text: &str) -> Option<PromiseTable> {
        serde_json::from_str(text).ok()
    }

    /// The metric -> target text of the metrics that apply to a ticket with these fields.
    pub fn targets_for(&self, priority: Priority, kind: Kind, complexity: Complexity) -> Targets {
        self.metrics
            .iter()
            .filter_map(|t| {
                t.rules()
                    .pick(priority, kind, complexity)
                    .map(|target| (t.metric.clone(), target.to_string()))
            })
            .collect()
    }

    /// Metric -> calendar name, for every metric.
    pub fn calendars(&self) -> BTreeMap<String, String> {
        self.metrics
            .iter()
            .map(|t| (t.metric.clone(), t.calendar.clone()))
            .collect()
    }
}

/// SHA-256 of a stored table text, in hex: the key the opened entry records.
pub fn digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_gives_the_policys_targets_and_reads_back() {
        let policy = Policy::builtin();
        let table = PromiseTable::of(&policy);
        for p in [Priority::Urgent, Priority::Normal] {
            for k in [Kind::Repair, Kind::Complaint, Kind::Return] {
                for c in [Complexity::Ordinary, Complexity::Complex] {
                    assert_eq!(table.targets_for(p, k, c), policy.targets_for(p, k, c));
                }
            }
        }
        let text = table.to_text();
        assert_eq!(PromiseTable::from_text(&text), Some(table.clone()));
        assert_eq!(digest(&text).len(), 64);
        assert_eq!(table.calendars()["acknowledge"], "7x24");
        assert_eq!(PromiseTable::from_text("{}"), None);
    }
}

//! What `show --json` said after a step, read into typed values for the checks.

use super::{Instant, Key};
use chrono::{DateTime, Utc};
use promptly::domain::policy::Metric;
use promptly::domain::target::Target;
use promptly::domain::ticket::{Complexity, Kind, Priority};
use serde_json::Value;
use std::collections::BTreeMap;

/// A ticket's fields, as the policy reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields(pub Priority, pub Kind, pub Complexity);

impl Fields {
    pub fn promised(self, m: &Metric) -> Option<Target> {
        m.target_for(self.0, self.1, self.2)
    }
}

/// One clock as `show --json` printed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Clock {
    pub state: String,
    pub target: Target,
    pub started_at: Instant,
    pub due_at: Option<Instant>,
    pub met_at: Option<Instant>,
    pub breached: bool,
    pub breached_at: Option<Instant>,
    pub paused_secs: i64,
}

impl Clock {
    /// Still counting (or paused): not met, not withdrawn.
    pub fn live(&self) -> bool {
        self.met_at.is_none() && self.state != "withdrawn"
    }

    /// Counting down right now, with a deadline.
    pub fn counting(&self) -> Option<Instant> {
        self.due_at.filter(|_| self.live() && self.state != "paused")
    }
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub at: Instant,
    pub kind: String,
    pub event: String,
    pub author: String,
    pub promise: Value,
}

impl Entry {
    /// (from, to) of a status entry ("status resolved -> closed").
    pub fn status_move(&self) -> Option<(&str, &str)> {
        let rest = self.event.strip_prefix("status ")?;
        rest.split_once(" -> ").filter(|_| self.kind == "status")
    }
}

/// What `show --json` said after a step.
#[derive(Debug, Clone)]
pub struct Seen {
    pub status: String,
    pub fields: Fields,
    pub closed_at: Option<Instant>,
    pub clocks: BTreeMap<Key, Clock>,
    /// Sorted by `at`, log order kept among equals.
    pub log: Vec<Entry>,
    pub raw_clocks: Value,
}

fn instant(v: &Value) -> Result<Option<Instant>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|e| format!("{s}: {e}")),
        other => Err(format!("not an instant: {other}")),
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

pub fn parse_seen(v: &Value) -> Result<Seen, String> {
    let bad = |key: &str| format!("{key}: {}", v[key]);
    let fields = Fields(
        text(&v["priority"]).parse().map_err(|_| bad("priority"))?,
        text(&v["kind"]).parse().map_err(|_| bad("kind"))?,
        text(&v["complexity"]).parse().map_err(|_| bad("complexity"))?,
    );
    let mut clocks = BTreeMap::new();
    for c in v["clocks"].as_array().ok_or("no clocks")? {
        let key = (text(&c["metric"]), c["cycle"].as_u64().ok_or("no cycle")? as u32);
        let clock = Clock {
            state: text(&c["state"]),
            target: text(&c["target"]).parse().map_err(|e| format!("target: {e:?}"))?,
            started_at: instant(&c["started_at"])?.ok_or("no start")?,
            due_at: instant(&c["due_at"])?,
            met_at: instant(&c["met_at"])?,
            breached: c["breached"].as_bool().ok_or("no breached")?,
            breached_at: instant(&c["breached_at"])?,
            paused_secs: c["paused_secs"].as_i64().ok_or("no paused_secs")?,
        };
        clocks.insert(key, clock);
    }
    let mut log = Vec::new();
    for e in v["log"].as_array().ok_or("no log")? {
        log.push(Entry {
            at: instant(&e["at"])?.ok_or("no at")?,
            kind: text(&e["kind"]),
            event: text(&e["event"]),
            author: text(&e["author"]),
            promise: e["promise"].clone(),
        });
    }
    log.sort_by_key(|e| e.at);
    Ok(Seen {
        status: text(&v["status"]),
        fields,
        closed_at: instant(&v["closed_at"])?,
        clocks,
        log,
        raw_clocks: v["clocks"].clone(),
    })
}

//! The checks run after every step of a history, one per rule of the contract. Each names
//! itself first (`SLA_HISTORY_SKIP` leaves it out); `at` is the step's instant, `done` whether
//! its command succeeded, `self.prev` the reading before it.

use super::{Act, Check, Entry, MAX_EXTENSION_DAYS, Play, Seen, args, auto_close_due, reached};
use chrono::{DateTime, Utc};
use promptly::domain::policy::{StartEvent, StopEvent};
use promptly::domain::target::Target;
use serde_json::Value;
use std::collections::BTreeSet;

type Instant = DateTime<Utc>;

impl Play {
    /// A legal status move exits 0 unless auto-close may have closed the ticket first; every
    /// other command exits 0 or 1 (a refusal).
    pub(super) fn check_exit(&self, act: &Act, done: bool) -> Check {
        if matches!(act, Act::Move(_)) && !done && self.prev.status != "resolved" {
            return self.fail("exit", format!("a move allowed from {} was refused", self.prev.status));
        }
        Ok(())
    }

    /// (8) The opened entry carries the promise of every metric that applies at opening.
    pub(super) fn check_promise(&self, seen: &Seen) -> Check {
        let Some(opened) = seen.log.iter().find(|e| e.kind == "opened") else {
            return self.fail("promise", "no opened entry".into());
        };
        let Some(promise) = opened.promise.as_object() else {
            return self.fail("promise", format!("the opened entry has no promise: {opened:?}"));
        };
        let fields = self.fields[0].1;
        let applies: BTreeSet<&str> = self
            .policy
            .metrics
            .iter()
            .filter(|m| fields.promised(m).is_some())
            .map(|m| m.name.as_str())
            .collect();
        let listed: BTreeSet<&str> = promise.keys().map(String::as_str).collect();
        if applies != listed {
            return self.fail("promise", format!("promise lists {listed:?}, applicable {applies:?}"));
        }
        for m in self.policy.metrics.iter() {
            let (Some(want), Some(p)) = (fields.promised(m), promise.get(&m.name)) else {
                continue;
            };
            let target = p["target"].as_str().and_then(|t| t.parse::<Target>().ok());
            if target != Some(want) || p["calendar"] != m.calendar.as_str() {
                return self.fail(
                    "promise",
                    format!("{}: promised {p}, policy {want} on {}", m.name, m.calendar),
                );
            }
        }
        Ok(())
    }

    /// (1) Breached means the deadline passed strictly before the stop or the reading.
    pub(super) fn check_instants(&self, at: Instant, seen: &Seen) -> Check {
        for (key, c) in &seen.clocks {
            let late = match (c.met_at, c.due_at) {
                _ if c.state == "withdrawn" || (c.met_at.is_none() && c.state == "paused") => continue,
                (_, None) => continue,
                (Some(met), Some(due)) => due < met,
                (None, Some(due)) => due < at,
            };
            if c.breached != late || c.breached != c.breached_at.is_some() {
                return self.fail("instant", format!("{key:?} read at {at}: {c:?}"));
            }
        }
        Ok(())
    }

    /// (4) A breach is permanent, with its deadline and target; a clock counting down to a
    /// deadline the step came after is breached; one the step did not pass is not.
    pub(super) fn check_breaches_kept(&self, at: Instant, act: &Act, done: bool, seen: &Seen) -> Check {
        for (key, first) in &self.breached {
            let kept = seen
                .clocks
                .get(key)
                .is_some_and(|c| c.breached && c.breached_at == first.breached_at && c.target == first.target);
            if !kept {
                let now = seen.clocks.get(key);
                return self.fail("breach-kept", format!("{key:?} was {first:?}, now {now:?}"));
            }
        }
        let retargeted = done && act.edits_fields();
        for (key, p) in self.prev.clocks.iter().filter(|(_, p)| p.live() && !p.breached) {
            let Some(c) = seen.clocks.get(key) else {
                return self.fail("breach-kept", format!("{key:?} vanished"));
            };
            if p.counting() == Some(at) {
                reached("a step at the very deadline");
            }
            match p.counting() {
                Some(due) if due < at && !(c.breached && c.breached_at == Some(due) && c.target == p.target) => {
                    return self.fail("breach-kept", format!("{key:?} due {due}, step at {at}: {c:?}"));
                }
                // Paused, or the deadline not passed: only a shorter target can breach it now.
                Some(due) if due < at => reached("a step after the deadline"),
                _ if c.breached && !retargeted => {
                    return self.fail(
                        "instant",
                        format!("{key:?} breached by a step in time: was {p:?}, now {c:?}"),
                    );
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// (3) Old cycles keep their outcome.
    pub(super) fn check_outcomes_kept(&self, seen: &Seen) -> Check {
        for (key, p) in self.prev.clocks.iter().filter(|(_, p)| !p.live()) {
            if seen.clocks.get(key) != Some(p) {
                let now = seen.clocks.get(key);
                return self.fail("outcome-kept", format!("{key:?} was {p:?}, now {now:?}"));
            }
        }
        Ok(())
    }

    /// (5) A deadline moves earlier only by a re-target before it.
    pub(super) fn check_deadlines(&self, at: Instant, act: &Act, done: bool, seen: &Seen) -> Check {
        for (key, c) in &seen.clocks {
            let (Some(due), Some(last)) = (c.due_at, self.last_due.get(key)) else {
                continue;
            };
            // A paused clock's due moves with the reading, so any re-target of it counts.
            let prev = self.prev.clocks.get(key);
            let in_time = prev.is_some_and(|p| p.state == "paused" || at <= *last);
            let retarget = done && act.edits_fields() && in_time;
            let changed = prev.is_some_and(|p| p.target != c.target);
            if due < *last && !(retarget && changed) {
                return self.fail("earlier", format!("{key:?} due {last} moved to {due}: {c:?}"));
            }
        }
        Ok(())
    }

    /// (5, 8) Each cycle has the target promised for the fields when it started; a re-target
    /// before its deadline gives it the new fields' target, one after keeps the old.
    pub(super) fn check_targets(&self, at: Instant, act: &Act, done: bool, seen: &Seen) -> Check {
        let edit = done && act.edits_fields();
        for (key, c) in seen.clocks.iter().filter(|(_, c)| c.state != "withdrawn") {
            let m = self.metric(&key.0)?;
            let want = match self.prev.clocks.get(key) {
                Some(p) if edit && p.live() => {
                    if p.counting() == Some(at) {
                        continue; // at the very deadline: either reading holds
                    }
                    let before = !p.breached && p.counting().is_none_or(|d| at < d);
                    if seen.fields.promised(m).is_some_and(|t| t != p.target) {
                        reached(if before {
                            "re-target"
                        } else {
                            "re-target after the deadline"
                        });
                    }
                    match before {
                        true => match seen.fields.promised(m) {
                            Some(t) => t,
                            None => continue, // withdrawn, checked there
                        },
                        false => p.target,
                    }
                }
                Some(p) => p.target,
                None => match self.fields_at(c.started_at, at, seen).promised(m) {
                    Some(t) => t,
                    None => return self.fail("target", format!("{key:?} started for fields it does not apply to")),
                },
            };
            if c.target != want {
                return self.fail("target", format!("{key:?} has {}, expected {want}: {c:?}", c.target));
            }
        }
        Ok(())
    }

    /// (5) A metric that stops applying withdraws its running cycle unless it breached.
    pub(super) fn check_withdrawn(&self, at: Instant, act: &Act, done: bool, seen: &Seen) -> Check {
        for (key, c) in &seen.clocks {
            // A breached cycle stays breached, whatever it is called once its metric is gone.
            if c.state == "withdrawn" && !c.breached && c.due_at.is_some() {
                return self.fail("withdrawn", format!("{key:?} withdrawn with {c:?}"));
            }
            let applies = seen.fields.promised(self.metric(&key.0)?).is_some();
            if !applies && c.live() && !c.breached {
                return self.fail(
                    "withdrawn",
                    format!("{key:?} runs for fields it does not apply to: {c:?}"),
                );
            }
        }
        if !(done && act.edits_fields()) {
            return Ok(());
        }
        for (key, p) in self.prev.clocks.iter().filter(|(_, p)| p.live() && !p.breached) {
            let passed = p.counting().is_some_and(|d| d <= at);
            let applies = seen.fields.promised(self.metric(&key.0)?).is_some();
            let c = seen.clocks.get(key);
            if !passed && !applies {
                reached("withdrawal");
                if c.is_none_or(|c| c.state != "withdrawn") {
                    return self.fail("withdrawn", format!("{key:?} stopped applying at {at}: {c:?}"));
                }
            }
        }
        Ok(())
    }

    /// (2) Clocks run only while the ticket is open or waiting, and start only then.
    pub(super) fn check_inactive(&self, at: Instant, seen: &Seen) -> Check {
        // A clock stopped only by closing is held while resolved, not ended.
        let held = |metric: &str| {
            seen.status == "resolved" && self.policy.metric(metric).is_some_and(|m| m.stop == StopEvent::Closed)
        };
        if matches!(seen.status.as_str(), "resolved" | "closed")
            && let Some((key, c)) = seen.clocks.iter().find(|(k, c)| c.live() && !held(&k.0))
        {
            return self.fail("inactive", format!("{key:?} runs while {}: {c:?}", seen.status));
        }
        for (key, c) in seen.clocks.iter().filter(|(k, _)| !self.prev.clocks.contains_key(*k)) {
            let status = status_at(&seen.log, c.started_at);
            if c.started_at > at || !matches!(status, "open" | "waiting") {
                return self.fail("inactive", format!("{key:?} started while {status}: {c:?}"));
            }
        }
        Ok(())
    }

    /// (3) Reopening starts a new cycle of every clock resolving or closing ended and the first
    /// of any that applies and never ran; none of a clock its own stop event met.
    pub(super) fn check_reopen(&self, at: Instant, act: &Act, done: bool, seen: &Seen) -> Check {
        let reopened = done
            && matches!(act, Act::Move(_))
            && matches!(self.prev.status.as_str(), "resolved" | "closed")
            && seen.status == "open";
        if !reopened {
            return Ok(());
        }
        reached("reopen");
        // Every instant the ticket was resolved or closed: a cycle that ended at one of them
        // was ended by it (steps never share an instant), however many reopens ago.
        let ended: BTreeSet<Instant> = seen
            .log
            .iter()
            .filter(|e| e.at < at && e.status_move().is_some_and(|m| matches!(m.1, "resolved" | "closed")))
            .map(|e| e.at)
            .collect();
        let contacted = seen.log.iter().any(|e| e.kind == "contact" && e.at <= at);
        for m in &self.policy.metrics {
            let last = self
                .prev
                .clocks
                .iter()
                .rev()
                .find(|(k, _)| k.0 == m.name)
                .map(|(_, c)| c);
            // A clock started by the first contact applies once there was one.
            let started_by = m.start == StartEvent::Opened || contacted;
            let applies = started_by && seen.fields.promised(m).is_some();
            let should = match last {
                None => applies,
                // Withdrawn, or ended late when its metric stopped applying: the contract does
                // not say whether a metric that applies again restarts at reopening.
                Some(c) if c.state == "withdrawn" => continue,
                Some(c)
                    if c.met_at
                        .is_some_and(|t| self.fields_at(t, at, seen).promised(m).is_none()) =>
                {
                    continue;
                }
                Some(c) => applies && c.met_at.is_some_and(|t| ended.contains(&t)),
            };
            let started = seen
                .clocks
                .iter()
                .any(|(k, c)| k.0 == m.name && c.started_at == at && !self.prev.clocks.contains_key(k));
            if should != started {
                let what = if should { "no new cycle" } else { "a new cycle" };
                return self.fail("reopen", format!("{}: {what} at the reopen; last was {last:?}", m.name));
            }
        }
        Ok(())
    }

    /// (6) An extension only moves a running, unbreached deadline later, within the maximum.
    pub(super) fn check_extension(&self, at: Instant, act: &Act, done: bool, seen: &Seen) -> Check {
        let Act::Extend(n) = act else { return Ok(()) };
        if !done {
            reached("extension refused");
            return Ok(());
        }
        reached("extension granted");
        let running = self
            .prev
            .clocks
            .iter()
            .rev()
            .find(|(k, c)| k.0 == "resolution" && c.live());
        let Some((key, p)) = running else {
            return self.fail("extend", "granted without a running resolution cycle".into());
        };
        if p.breached || p.counting().is_some_and(|d| d < at) {
            return self.fail("extend", format!("granted on a breached cycle: {p:?}"));
        }
        let granted = self.granted.get(key).copied().unwrap_or(0) + n;
        if granted > MAX_EXTENSION_DAYS {
            return self.fail("extend", format!("{granted}d granted in all, over the maximum"));
        }
        let c = seen.clocks.get(key);
        if let (Some(before), Some(after)) = (p.due_at, c.and_then(|c| c.due_at))
            && after <= before
        {
            return self.fail("extend", format!("due {before} became {after}"));
        }
        Ok(())
    }

    /// (7) For a time target counting or met in time: business time from start to due is the
    /// target plus the business time paused.
    pub(super) fn check_pauses(&self, seen: &Seen) -> Check {
        for (key, c) in &seen.clocks {
            let Target::Business(secs) = c.target else { continue };
            let eligible = matches!(c.state.as_str(), "running" | "warning" | "met") && !c.breached;
            let Some(due) = c.due_at.filter(|_| eligible) else {
                continue;
            };
            let m = self.metric(&key.0)?;
            let have = self.policy.metric_calendar(m).business_between(c.started_at, due);
            if c.paused_secs > 0 {
                reached("paused time counted");
            }
            if have.num_seconds() != secs + c.paused_secs {
                let what = format!(
                    "{key:?}: {}s of business time to the due, target {secs}s + paused",
                    have.num_seconds()
                );
                return self.fail("pause", format!("{what} {}s: {c:?}", c.paused_secs));
            }
        }
        Ok(())
    }

    /// (9) Auto-close comes exactly `auto_close_days` after the resolution or the last reply,
    /// however late the next writing command ran.
    pub(super) fn check_auto_close(&self, at: Instant, act: &Act, done: bool, seen: &Seen) -> Check {
        let mut resolved = None;
        for e in &seen.log {
            match e.status_move() {
                Some((_, "resolved")) => resolved = Some(e.at),
                Some((_, "closed")) if e.author == "system" => {
                    let Some(r) = resolved else {
                        return self.fail("auto-close", format!("closed by the system, never resolved: {e:?}"));
                    };
                    let Some(due) = auto_close_due(r, &seen.log) else {
                        continue;
                    };
                    if e.at != due {
                        return self.fail("auto-close", format!("closed at {} instead of {due}", e.at));
                    }
                }
                _ => {}
            }
        }
        let last_close = seen
            .log
            .iter()
            .rev()
            .find(|e| e.status_move().is_some_and(|m| m.1 == "closed"));
        if seen.status == "closed"
            && let Some(e) = last_close.filter(|e| e.author == "system")
            && seen.closed_at != Some(e.at)
        {
            return self.fail(
                "auto-close",
                format!("closed_at {:?}, system close at {}", seen.closed_at, e.at),
            );
        }
        // A writing command on a ticket resolved long enough finds it closed at its due.
        if !done || matches!(act, Act::Read) || self.prev.status != "resolved" {
            return Ok(());
        }
        let Some(r) = resolved_before(&seen.log, at) else {
            return Ok(());
        };
        let Some(due) = auto_close_due(r, &seen.log) else {
            return Ok(());
        };
        let closed = seen
            .log
            .iter()
            .any(|e| e.at == due && e.author == "system" && e.status_move().is_some_and(|m| m.1 == "closed"));
        if due < at {
            reached("auto-close");
            if !closed {
                return self.fail(
                    "auto-close",
                    format!("resolved at {r}, not closed at {due} by a command at {at}"),
                );
            }
        }
        Ok(())
    }

    /// (10) `list --json` shows the same clocks as `show --json` at the same instant.
    pub(super) fn check_list(&self, at: Instant, seen: &Seen) -> Check {
        let (code, out, err) = self.desk.run(at, &args(&["list", "--all", "--json"]));
        if code != 0 {
            return self.fail("list", format!("list exited {code}: {err}"));
        }
        let list: Value = serde_json::from_str(&out).map_err(|e| format!("list --json: {e}"))?;
        let listed = list.as_array().and_then(|l| l.iter().find(|t| t["id"] == 1));
        match listed {
            Some(t) if t["clocks"] == seen.raw_clocks => Ok(()),
            other => self.fail(
                "list",
                format!("list shows {:?}, show {}", other.map(|t| &t["clocks"]), seen.raw_clocks),
            ),
        }
    }
}

/// The ticket's status right after the entries at `t`.
fn status_at(log: &[Entry], t: Instant) -> &str {
    let mut moves = log.iter().filter(|e| e.at <= t).filter_map(Entry::status_move);
    moves.next_back().map_or("open", |(_, to)| to)
}

/// The last resolution at or before `t`.
fn resolved_before(log: &[Entry], t: Instant) -> Option<Instant> {
    let mut resolves = log
        .iter()
        .filter(|e| e.at <= t && e.status_move().is_some_and(|m| m.1 == "resolved"));
    resolves.next_back().map(|e| e.at)
}

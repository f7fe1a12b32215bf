//! JSON Lines: one ticket per line in the `show --json` schema (`cli::json::ticket`), read with
//! structs of its own that mirror it. The log's events are read back from `data` (the event as
//! stored); a file without it (an older export) from their kind and their English line
//! (`event`), the promise from `promise` and re-targets from `targets`.

use crate::domain::import::{Incoming, Problem, Trouble};
use crate::domain::log::{Event, NewEntry};
use crate::domain::review::Amount;
use crate::domain::ticket::{
    Customer, InvalidField, NewTicket, Reason, validate_email, validate_phone, validate_title,
};
use crate::domain::timestamp::parse_timestamp;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct TicketLine {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    customer: CustomerLine,
    channel: String,
    kind: String,
    priority: String,
    complexity: String,
    opened_at: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    purchased: Option<String>,
    /// Not in `show --json`; an export may carry the other system's id.
    #[serde(default)]
    external_id: Option<String>,
    /// Absent in files from before owners were kept: whoever imports it owns it.
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    log: Vec<EntryLine>,
}

#[derive(Deserialize, Default)]
struct CustomerLine {
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
}

#[derive(Deserialize)]
struct EntryLine {
    at: String,
    author: String,
    #[serde(default)]
    body: String,
    /// The event as stored; absent in files from before it was exported.
    #[serde(default)]
    data: Option<Event>,
    event: String,
    kind: String,
    #[serde(default)]
    promise: Option<BTreeMap<String, PromisedLine>>,
    #[serde(default)]
    targets: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
struct PromisedLine {
    calendar: String,
    target: String,
}

/// Reads line `row` (from 1) of a JSON Lines file.
pub fn read(row: u64, line: &str, tz: Tz, now: DateTime<Utc>) -> Result<Incoming, Vec<Problem>> {
    let problem = |column: &str, trouble| Problem {
        row,
        column: Some(column.to_string()),
        trouble,
    };
    let t: TicketLine =
        serde_json::from_str(line).map_err(|e| vec![problem("", Trouble::Unreadable(e.to_string()))])?;
    let mut problems = Vec::new();
    let instant = |column: &str, text: &str, problems: &mut Vec<Problem>| match parse_timestamp(text, tz) {
        Ok(at) if at > now => {
            problems.push(problem(column, Trouble::Invalid(Reason::InFuture { at })));
            None
        }
        Ok(at) => Some(at),
        Err(e) => {
            problems.push(problem(column, Trouble::Timestamp(e)));
            None
        }
    };
    macro_rules! word {
        ($column:literal, $text:expr) => {
            $text
                .parse()
                .map_err(|e| problems.push(problem($column, Trouble::Invalid(Reason::Unknown(e)))))
                .ok()
        };
    }
    let channel = word!("channel", t.channel);
    let kind = word!("kind", t.kind);
    let priority = word!("priority", t.priority);
    let complexity = word!("complexity", t.complexity);
    let opened_at = instant("opened_at", &t.opened_at, &mut problems);
    let purchased_on = t
        .purchased
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    for (column, check) in [
        ("title", validate_title(&t.title)),
        ("email", validate_email(&t.customer.email)),
        ("phone", validate_phone(&t.customer.phone)),
    ] {
        if let Err(InvalidField { reason, .. }) = check {
            problems.push(problem(column, Trouble::Invalid(reason)));
        }
    }
    let mut opened = None;
    let mut history = Vec::new();
    for (i, e) in t.log.iter().enumerate() {
        let column = format!("log[{i}]");
        let at = instant(&column, &e.at, &mut problems);
        let Some(event) = event(e) else {
            problems.push(problem(&column, Trouble::Unreadable(e.event.clone())));
            continue;
        };
        let Some(at) = at else { continue };
        let entry = NewEntry {
            at,
            author: e.author.clone(),
            event,
            body: e.body.clone(),
        };
        match entry.event {
            Event::Opened { .. } if opened.is_none() => opened = Some(entry),
            _ => history.push(entry),
        }
    }
    let (Some(channel), Some(kind), Some(priority), Some(complexity), Some(opened_at), true) =
        (channel, kind, priority, complexity, opened_at, problems.is_empty())
    else {
        return Err(problems);
    };
    Ok(Incoming {
        row,
        external_id: t.external_id.filter(|s| !s.trim().is_empty()),
        ticket: NewTicket {
            title: t.title,
            description: t.description,
            customer: Customer {
                name: t.customer.name,
                phone: t.customer.phone,
                email: t.customer.email,
            },
            channel,
            kind,
            priority,
            complexity,
            reference: t.order,
            purchased_on,
        },
        opened_at: opened.as_ref().map_or(opened_at, |o: &NewEntry| o.at),
        opened,
        history,
        owner: t.owner.and_then(|o| crate::domain::agent::agent_name(&o, "owner").ok()),
    })
}

/// The event an entry records: its `data`, else read from its kind and its English line
/// (`Event`'s `Display`). The promise table's digest names a table of the exporting database,
/// not this one: it is left out, as for a line without `data`.
fn event(e: &EntryLine) -> Option<Event> {
    if let Some(data) = &e.data {
        let mut event = data.clone();
        if let Event::Opened { table, .. } = &mut event {
            *table = None;
        }
        return Some(event);
    }
    let line = e.event.as_str();
    Some(match e.kind.as_str() {
        "opened" => {
            let inner = line.strip_prefix("opened (")?.strip_suffix(')')?;
            let mut parts = inner.split(", ");
            let (priority, kind, complexity) = (parts.next()?, parts.next()?, parts.next()?);
            let promise = e.promise.as_ref();
            Event::Opened {
                priority: priority.parse().ok()?,
                kind: kind.parse().ok()?,
                complexity: complexity.parse().ok()?,
                targets: promise
                    .map(|p| p.iter().map(|(m, v)| (m.clone(), v.target.clone())).collect())
                    .unwrap_or_default(),
                calendars: promise
                    .map(|p| p.iter().map(|(m, v)| (m.clone(), v.calendar.clone())).collect())
                    .unwrap_or_default(),
                table: None,
            }
        }
        "note" => Event::Note,
        "plan" => Event::Plan,
        "confirmed" => Event::Confirmed,
        "system" => Event::System { why: None },
        "contact" => {
            let (direction, method) = line.split_once(' ')?;
            Event::Contact {
                method: method.parse().ok()?,
                direction: direction.parse().ok()?,
            }
        }
        "status" => {
            let (from, to) = line.strip_prefix("status ")?.split_once(" -> ")?;
            Event::Status {
                from: from.parse().ok()?,
                to: to.parse().ok()?,
            }
        }
        "field" => {
            let (field, change) = line.split_once(": ")?;
            let (from, to) = change.split_once(" -> ")?;
            Event::Field {
                field: field.to_string(),
                from: from.to_string(),
                to: to.to_string(),
                targets: e.targets.clone(),
            }
        }
        "extended" => {
            let (metric, by) = line.rsplit_once(" extended by ")?;
            Event::Extended {
                metric: metric.to_string(),
                by: by.to_string(),
            }
        }
        "judged" => {
            let (metric, rest) = line.rsplit_once(" #")?;
            let (cycle, rest) = rest.split_once(" judged ")?;
            let (class, rest) = rest.split_once(", remedy ")?;
            let (remedy, amount) = rest.split_once(' ').map_or((rest, None), |(r, a)| (r, Some(a)));
            Event::Judged {
                metric: metric.to_string(),
                cycle: cycle.parse().ok()?,
                class: class.parse().ok()?,
                remedy: remedy.parse().ok()?,
                amount_fen: match amount {
                    Some(a) => Some(Amount::parse(a).ok()?.0),
                    None => None,
                },
            }
        }
        "callback" => match line {
            "callback: reached" => Event::Callback {
                reached: true,
                score: None,
            },
            "callback: not reached" => Event::Callback {
                reached: false,
                score: None,
            },
            _ => {
                let score = line
                    .strip_prefix("callback: reached, satisfaction ")?
                    .strip_suffix("/5")?;
                Event::Callback {
                    reached: true,
                    score: Some(score.parse().ok()?),
                }
            }
        },
        "imported" => {
            let (file, row) = line.strip_prefix("imported from ")?.rsplit_once(" row ")?;
            Event::Imported {
                file: file.to_string(),
                row: row.parse().ok()?,
            }
        }
        _ => return None,
    })
}

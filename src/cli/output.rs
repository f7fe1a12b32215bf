//! What the CLI prints: aligned text for people, JSON with stable keys for scripts. All
//! untrusted text goes through the one sanitiser.

use crate::desk::{Desk, TicketView};
use crate::domain::listing::TicketSummary;
use crate::domain::sla::{ClockReading, ClockState};
use crate::domain::text::{countdown, fit, sanitize, sanitize_line};
use crate::domain::ticket::{Status, Ticket, mask_phone};
use chrono::{DateTime, SecondsFormat, Utc};
use rust_i18n::t;
use serde_json::{Value, json};

pub fn print_json(value: &Value) {
    println!("{}", json_text(value));
}

/// Pretty JSON that is also safe on a terminal: serde_json escapes C0 controls but leaves C1
/// controls (U+009B is a CSI) and bidi overrides raw, so those are written as `\uXXXX` too.
/// The JSON means exactly the same.
pub fn json_text(value: &Value) -> String {
    let raw = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c != '\n' && crate::domain::text::is_unsafe(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn clocks_json(clocks: &[ClockReading]) -> Value {
    Value::Array(
        clocks
            .iter()
            .map(|c| {
                json!({
                    "metric": c.metric,
                    "cycle": c.cycle,
                    "state": c.state.slug(),
                    "target": c.target,
                    "started_at": rfc3339(c.started_at),
                    "due_at": c.due_at.map(rfc3339),
                    "met_at": c.met_at.map(rfc3339),
                    "remaining_secs": c.remaining_secs,
                    "paused_secs": c.paused_secs,
                    "breached": c.is_breached(),
                    "breached_at": c.breached_at.map(rfc3339),
                })
            })
            .collect(),
    )
}

/// The stable keys scripts rely on (README "JSON output").
pub fn ticket_json(t: &Ticket, clocks: &[ClockReading], _desk: &Desk) -> Value {
    json!({
        "id": t.id,
        "title": t.title,
        "status": t.status.slug(),
        "priority": t.priority.slug(),
        "kind": t.kind.slug(),
        "channel": t.channel.slug(),
        "complexity": t.complexity.slug(),
        "customer": { "name": t.customer.name, "phone": t.customer.phone, "email": t.customer.email },
        "description": t.description,
        "order": t.reference,
        "purchased": t.purchased_on.map(|d| d.to_string()),
        "opened_at": rfc3339(t.opened_at),
        "updated_at": rfc3339(t.updated_at),
        "resolved_at": t.resolved_at.map(rfc3339),
        "closed_at": t.closed_at.map(rfc3339),
        "version": t.version,
        "clocks": clocks_json(clocks),
    })
}

pub fn view_json(v: &TicketView, desk: &Desk) -> Value {
    let mut value = ticket_json(&v.ticket, &v.clocks, desk);
    value["log"] = Value::Array(
        v.log
            .iter()
            .map(|e| {
                json!({
                    "at": rfc3339(e.at),
                    "kind": e.event.kind_name(),
                    "event": e.event.to_string(),
                    "body": crate::words::events::body(e, &rust_i18n::locale()),
                    "author": e.author,
                })
            })
            .collect(),
    );
    value
}

pub fn status_label(s: Status) -> String {
    t!(format!("status.{}", s.slug())).to_string()
}

pub fn state_label(s: ClockState) -> String {
    t!(format!("clock.{}", s.slug())).to_string()
}

/// Local time of the shop, as people there read it.
pub fn local(desk: &Desk, t: DateTime<Utc>) -> String {
    t.with_timezone(&desk.policy().shop_calendar().tz())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub fn metric_label(desk: &Desk, metric: &str) -> String {
    let lang = rust_i18n::locale();
    desk.policy()
        .metric(metric)
        .map_or_else(|| metric.to_string(), |m| m.label(&lang).to_string())
}

pub fn print_list(rows: &[TicketSummary], desk: &Desk) {
    if rows.is_empty() {
        println!("{}", t!("cli.list_empty"));
        return;
    }
    let now = desk.now();
    println!(
        "{} {} {} {} {} {}",
        fit("#", 6),
        fit(&t!("col.priority"), 9),
        fit(&t!("col.status"), 9),
        fit(&t!("col.due"), 24),
        fit(&t!("col.customer"), 18),
        t!("col.title")
    );
    for row in rows {
        let tk = &row.ticket;
        let due = match &row.nearest {
            Some(c) => {
                let left = match c.due_at {
                    Some(due) => countdown((due - now).num_seconds()),
                    None => format!("‖{}", countdown(c.remaining_secs)),
                };
                format!("{} {}", metric_label(desk, &c.metric), left)
            }
            None => String::new(),
        };
        let customer = format!(
            "{} {}",
            sanitize_line(&tk.customer.name),
            mask_phone(&tk.customer.phone)
        );
        println!(
            "{} {} {} {} {} {}",
            fit(&format!("#{}", tk.id), 6),
            fit(&t!(format!("priority.{}", tk.priority.slug())), 9),
            fit(&status_label(tk.status), 9),
            fit(&due, 24),
            fit(customer.trim(), 18),
            sanitize_line(&tk.title)
        );
    }
}

pub fn print_view(v: &TicketView, desk: &Desk) {
    let tk = &v.ticket;
    println!("#{}  {}", tk.id, sanitize_line(&tk.title));
    println!(
        "{}: {}   {}: {}   {}: {}   {}: {}   {}: {}   v{}",
        t!("col.status"),
        status_label(tk.status),
        t!("col.priority"),
        t!(format!("priority.{}", tk.priority.slug())),
        t!("col.kind"),
        t!(format!("kind.{}", tk.kind.slug())),
        t!("col.complexity"),
        t!(format!("complexity.{}", tk.complexity.slug())),
        t!("col.channel"),
        t!(format!("channel.{}", tk.channel.slug())),
        tk.version
    );
    let c = &tk.customer;
    if !(c.name.is_empty() && c.phone.is_empty() && c.email.is_empty()) {
        println!(
            "{}: {}  {}  {}",
            t!("col.customer"),
            sanitize_line(&c.name),
            sanitize_line(&c.phone),
            sanitize_line(&c.email)
        );
    }
    if !tk.reference.is_empty() || tk.purchased_on.is_some() {
        println!(
            "{}: {}   {}: {}",
            t!("col.order"),
            sanitize_line(&tk.reference),
            t!("col.purchased"),
            tk.purchased_on.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    println!(
        "{}: {}   {}: {}",
        t!("col.opened"),
        local(desk, tk.opened_at),
        t!("col.updated"),
        local(desk, tk.updated_at)
    );
    if !tk.description.trim().is_empty() {
        println!();
        println!("{}", sanitize(&tk.description));
    }
    println!();
    println!("{}", t!("cli.clocks"));
    let now = desk.now();
    if v.clocks.is_empty() {
        println!("  {}", t!("cli.no_clocks"));
    }
    for c in &v.clocks {
        let due = c.due_at.map(|d| local(desk, d)).unwrap_or_default();
        // Running clocks count down to the deadline instant, as on the board; a paused one
        // shows the business time it has left when it resumes.
        let detail = match (c.state, c.met_at, c.due_at) {
            (ClockState::Met, Some(met), _) => t!("cli.met_at", at = local(desk, met)).to_string(),
            (ClockState::Paused, ..) => t!("cli.paused_left", left = countdown(c.remaining_secs)).to_string(),
            (_, _, Some(due)) if due < now => {
                t!("cli.late", late = crate::domain::text::late((now - due).num_seconds())).to_string()
            }
            (_, _, Some(due)) => t!("cli.left", left = countdown((due - now).num_seconds())).to_string(),
            _ => String::new(),
        };
        let cycle = if c.cycle > 1 {
            format!(" ({})", c.cycle)
        } else {
            String::new()
        };
        println!(
            "  {} {} {} {}  {}",
            fit(&format!("{}{cycle}", metric_label(desk, &c.metric)), 22),
            fit(&state_label(c.state), 10),
            fit(&format!("{} {due}", t!("cli.due")), 22),
            fit(&c.target, 6),
            detail
        );
    }
    println!();
    println!("{}", t!("cli.log"));
    for e in &v.log {
        let body = sanitize(&crate::words::events::body(e, &rust_i18n::locale()))
            .replace('\n', "\n                                        ");
        println!(
            "  {}  {} {}  {}",
            local(desk, e.at),
            fit(&crate::words::event(&e.event, desk.policy(), &rust_i18n::locale()), 30),
            fit(&sanitize_line(&e.author), 10),
            body
        );
    }
}

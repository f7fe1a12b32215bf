//! `promptly sla ...`: deadlines, policy checks, explanations, extensions.

use super::args::SlaCommand;
use super::{CliError, Result, Setup, timestamp_arg};
use crate::domain::sla;
use crate::domain::target::Target;
use crate::t;
use chrono::SecondsFormat;

pub fn run(setup: &Setup, command: SlaCommand) -> Result<()> {
    match command {
        SlaCommand::Due { from, target, calendar } => due(setup, &from, &target, calendar.as_deref()),
        SlaCommand::Check => {
            print_summary(&setup.policy);
            Ok(())
        }
        SlaCommand::Explain { id } => {
            let desk = setup.desk()?;
            let view = desk.view(id)?;
            let steps = sla::explain(&setup.policy, &view.ticket, &view.log, desk.now());
            for line in crate::words::explain::lines(&steps, &setup.policy, crate::words::catalogue::locale()) {
                println!("{}", crate::domain::text::sanitize(&line));
            }
            Ok(())
        }
        SlaCommand::Extend { id, metric, by, reason } => {
            let by: Target = by.parse().map_err(|e: crate::domain::target::TargetError| {
                let why = crate::words::errors::target(&e, setup.lang);
                CliError::usage(crate::words::errors::flagged("by", &why, setup.lang))
            })?;
            let metric = setup.policy.metric_named(&metric).map_or(metric, |m| m.name.clone());
            let mut desk = setup.desk_for_write()?;
            desk.extend(id, None, &metric, &by, &reason)?;
            println!("{}", t!("cli.extended", id = id, metric = metric, by = by.to_string()));
            Ok(())
        }
        SlaCommand::Recompute => {
            let mut desk = setup.desk_for_write()?;
            let count = desk.recompute_active()?;
            println!("{}", t!("cli.recomputed", count = count));
            Ok(())
        }
    }
}

/// One line: the deadline in RFC3339 with the calendar's UTC offset.
fn due(setup: &Setup, from: &str, target: &str, calendar: Option<&str>) -> Result<()> {
    let policy = &setup.policy;
    let cal = match calendar {
        Some(name) => policy.calendar(name).ok_or_else(|| {
            CliError::usage(format!(
                "--calendar: unknown calendar '{}' (known: {})",
                crate::domain::text::sanitize(name),
                policy.calendar_names().collect::<Vec<_>>().join(", ")
            ))
        })?,
        None => policy.shop_calendar(),
    };
    let start = timestamp_arg(setup, "from", from, cal.tz())?;
    let target: Target = target.parse().map_err(|e: crate::domain::target::TargetError| {
        let why = crate::words::errors::target(&e, setup.lang);
        CliError::usage(crate::words::errors::flagged("target", &why, setup.lang))
    })?;
    let due = cal
        .deadline(start, &target)
        .map_err(|e| CliError::failed(crate::words::errors::never_open(&e, setup.lang)))?;
    println!(
        "{}",
        due.with_timezone(&cal.tz()).to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    Ok(())
}

/// `sla check`: the policy parsed; one block per metric saying what it promises.
fn print_summary(policy: &crate::domain::policy::Policy) {
    use crate::domain::ticket::Priority;
    let lang = crate::words::catalogue::locale();
    use crate::domain::text::sanitize_line;
    let names: Vec<String> = policy.calendar_names().map(sanitize_line).collect();
    println!(
        "{}",
        t!(
            "sla.check_ok",
            calendars = names.join(", "),
            metrics = policy.metrics.len()
        )
    );
    for m in &policy.metrics {
        let by = |b: &crate::domain::policy::ByPriority| {
            if b.urgent == b.important && b.important == b.normal {
                b.urgent.to_string()
            } else {
                Priority::ALL
                    .iter()
                    .map(|p| format!("{p} {}", b.get(*p)))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        println!();
        println!("{} ({})", sanitize_line(&m.name), sanitize_line(m.label(lang)));
        println!(
            "  {}: {} -> {}   {}: {}",
            t!("sla.runs"),
            m.start.slug(),
            m.stop.slug(),
            t!("sla.calendar"),
            sanitize_line(&m.calendar)
        );
        let mut target = by(&m.target);
        if let Some(complex) = &m.complex {
            target.push_str(&format!("; {} {}", t!("complexity.complex"), by(complex)));
        }
        for (kind, b) in &m.kinds {
            target.push_str(&format!("; {kind} {}", by(b)));
        }
        println!("  {}: {target}", t!("sla.target"));
        let pauses: Vec<&str> = m.pause.iter().map(|s| s.slug()).collect();
        println!(
            "  {}: {}   {}: {:.0}%",
            t!("sla.pauses"),
            pauses.join(", "),
            t!("sla.warn_at"),
            m.warn_at * 100.0
        );
        if m.max_extension.is_some() || !m.max_extension_kinds.is_empty() {
            println!("  {}: {}", t!("sla.max_extension"), allowances(m));
        }
        if m.recurring {
            println!("  {}", t!("sla.recurring"));
        }
        if let Some(kinds) = &m.only_kinds {
            let kinds: Vec<&str> = kinds.iter().map(|k| k.slug()).collect();
            println!("  {}: {}", t!("sla.only_kinds"), kinds.join(", "));
        }
        if m.only_complex {
            println!("  {}", t!("sla.only_complex"));
        }
    }
}

/// A metric's extension allowances for `sla check`: "3d; return not extendable", or without a
/// base allowance "quality 3d; repair 3d; other kinds not extendable".
fn allowances(m: &crate::domain::policy::Metric) -> String {
    let none = t!("sla.max_extension_none").to_string();
    let mut parts: Vec<String> = m.max_extension.iter().map(Target::to_string).collect();
    for (kind, max) in &m.max_extension_kinds {
        parts.push(format!(
            "{kind} {}",
            max.map_or_else(|| none.clone(), |t| t.to_string())
        ));
    }
    if m.max_extension.is_none() {
        parts.push(format!("{} {none}", t!("sla.max_extension_other")));
    }
    parts.join("; ")
}

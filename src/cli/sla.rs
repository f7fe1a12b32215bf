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
            let lang = setup.lang;
            let label = crate::words::metric(&setup.policy, &metric, lang);
            let by = crate::words::explain::target(&by, lang);
            println!("{}", t!("cli.extended", id = id, metric = label, by = by));
            Ok(())
        }
        SlaCommand::Recompute => {
            let mut desk = setup.desk_for_write()?;
            let count = desk.recompute_active()?;
            println!("{}", t!(crate::words::counted("cli.recomputed", count), count = count));
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
            calendars = names.join(&t!("refusal.separator")),
            metrics = policy.metrics.len()
        )
    );
    let sep = t!("refusal.separator");
    // "Target: 2h" / "目标：2个工作小时".
    let ls = t!("cli.label_sep");
    let word = |group: &str, slug: &str| crate::words::word(group, slug, lang);
    for m in &policy.metrics {
        let target = |t: &Target| crate::words::duration::metric_target(policy, &m.name, &t.to_string(), lang);
        let by = |b: &crate::domain::policy::ByPriority| {
            if b.urgent == b.important && b.important == b.normal {
                target(&b.urgent)
            } else {
                Priority::ALL
                    .iter()
                    .map(|p| format!("{} {}", word("priority", p.slug()), target(&b.get(*p))))
                    .collect::<Vec<_>>()
                    .join(&sep)
            }
        };
        println!();
        println!(
            "{}",
            t!(
                "sla.metric_heading",
                name = sanitize_line(&m.name),
                label = sanitize_line(m.label(lang))
            )
        );
        println!(
            "  {}{ls}{} -> {}   {}{ls}{}",
            t!("sla.runs"),
            word("sla.event", m.start.slug()),
            word("sla.event", m.stop.slug()),
            t!("sla.calendar"),
            sanitize_line(&m.calendar)
        );
        let mut target = by(&m.target);
        if let Some(complex) = &m.complex {
            target.push_str(&format!(
                "{}{} {}",
                t!("sla.clause_sep"),
                t!("complexity.complex"),
                by(complex)
            ));
        }
        for (kind, b) in &m.kinds {
            target.push_str(&format!(
                "{}{} {}",
                t!("sla.clause_sep"),
                word("kind", kind.slug()),
                by(b)
            ));
        }
        println!("  {}{ls}{target}", t!("sla.target"));
        let pauses: Vec<String> = m.pause.iter().map(|s| word("status", s.slug())).collect();
        println!(
            "  {}{ls}{}   {}{ls}{:.0}%",
            t!("sla.pauses"),
            pauses.join(&sep),
            t!("sla.warn_at"),
            m.warn_at * 100.0
        );
        if m.max_extension.is_some() || !m.max_extension_kinds.is_empty() {
            println!("  {}{ls}{}", t!("sla.max_extension"), allowances(policy, m));
        }
        if m.recurring {
            println!("  {}", t!("sla.recurring"));
        }
        if let Some(kinds) = &m.only_kinds {
            let kinds: Vec<String> = kinds.iter().map(|k| word("kind", k.slug())).collect();
            println!("  {}{ls}{}", t!("sla.only_kinds"), kinds.join(&sep));
        }
        if m.only_complex {
            println!("  {}", t!("sla.only_complex"));
        }
    }
}

/// A metric's extension allowances for `sla check`: "3d; return not extendable", or without a
/// base allowance "quality 3d; repair 3d; other kinds not extendable".
fn allowances(policy: &crate::domain::policy::Policy, m: &crate::domain::policy::Metric) -> String {
    let lang = crate::words::catalogue::locale();
    let none = t!("sla.max_extension_none").to_string();
    let target = |t: &Target| crate::words::duration::metric_target(policy, &m.name, &t.to_string(), lang);
    let mut parts: Vec<String> = m.max_extension.iter().map(target).collect();
    for (kind, max) in &m.max_extension_kinds {
        parts.push(format!(
            "{} {}",
            crate::words::word("kind", kind.slug(), lang),
            max.map_or_else(|| none.clone(), |t| target(&t))
        ));
    }
    if m.max_extension.is_none() {
        parts.push(format!("{} {none}", t!("sla.max_extension_other")));
    }
    parts.join(&t!("sla.clause_sep"))
}

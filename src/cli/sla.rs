//! `promptly sla ...`: deadlines, policy checks, explanations, extensions.

use super::args::SlaCommand;
use super::{CliError, Result, Setup, parse_timestamp};
use crate::domain::sla;
use crate::domain::target::Target;
use chrono::SecondsFormat;
use rust_i18n::t;

pub fn run(setup: &Setup, command: SlaCommand) -> Result<()> {
    match command {
        SlaCommand::Due { from, target, calendar } => due(setup, &from, &target, calendar.as_deref()),
        SlaCommand::Check => {
            print!("{}", setup.policy.summary(&rust_i18n::locale()));
            Ok(())
        }
        SlaCommand::Explain { id } => {
            let desk = setup.desk()?;
            let view = desk.view(id)?;
            for line in sla::explain(&setup.policy, &view.ticket, &view.log, desk.now()) {
                println!("{}", crate::domain::text::sanitize(&line));
            }
            Ok(())
        }
        SlaCommand::Extend { id, metric, by, reason } => {
            let by: Target = by.parse().map_err(|e: crate::domain::target::TargetError| CliError::usage(format!("--by: {e}")))?;
            let mut desk = setup.desk()?;
            desk.extend(id, None, &metric, &by, &reason)?;
            println!("{}", t!("cli.extended", id = id, metric = metric, by = by.to_string()));
            Ok(())
        }
        SlaCommand::Recompute => {
            let mut desk = setup.desk()?;
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
                policy.calendar_names().join(", ")
            ))
        })?,
        None => policy.shop_calendar(),
    };
    let start = parse_timestamp(from, cal.tz()).map_err(|e| CliError::usage(format!("--from: {e}")))?;
    let target: Target = target.parse().map_err(|e: crate::domain::target::TargetError| CliError::usage(format!("--target: {e}")))?;
    let due = cal.deadline(start, &target).map_err(|e| CliError::failed(e.to_string()))?;
    println!("{}", due.with_timezone(&cal.tz()).to_rfc3339_opts(SecondsFormat::Secs, true));
    Ok(())
}

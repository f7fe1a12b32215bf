//! `promptly transfer` (转派) and `promptly agent` (who works the desk, who supervises it).

use super::args::{AgentCommand, TransferArgs};
use super::{Result, output};
use crate::app::Setup;
use crate::domain::text::sanitize_line;
use crate::t;
use serde::Serialize;

pub fn transfer(setup: &Setup, a: TransferArgs) -> Result<()> {
    let mut desk = setup.desk_for_write()?;
    let ticket = desk.transfer(a.id, a.expect_version, &a.to, &a.reason)?;
    println!(
        "{}",
        t!("cli.transferred", id = ticket.id, owner = sanitize_line(&ticket.owner))
    );
    Ok(())
}

/// One agent in `agent list --json`.
#[derive(Serialize)]
struct AgentJson<'a> {
    added_at: super::json::Instant,
    name: &'a str,
    role: &'static str,
}

pub fn agent(setup: &Setup, command: AgentCommand) -> Result<()> {
    match command {
        AgentCommand::Add { name, role } => {
            let mut desk = setup.desk_for_write()?;
            let new = desk.add_agent(&name, role)?;
            let key = if new { "cli.agent_added" } else { "cli.agent_changed" };
            let role = t!(format!("role.{}", role.slug()));
            println!("{}", t!(key, name = sanitize_line(name.trim()), role = role));
        }
        AgentCommand::List { json } => {
            let desk = setup.desk()?;
            let agents = desk.agents()?;
            if json {
                let rows: Vec<AgentJson> = agents
                    .iter()
                    .map(|a| AgentJson {
                        added_at: super::json::Instant(a.added_at),
                        name: &a.name,
                        role: a.role.slug(),
                    })
                    .collect();
                return output::print_json(&rows);
            }
            if agents.is_empty() {
                println!("{}", t!("cli.no_agents"));
            }
            for a in &agents {
                let role = t!(format!("role.{}", a.role.slug()));
                println!("{}  {}", sanitize_line(&a.name), role);
            }
        }
        AgentCommand::Remove { name } => {
            let mut desk = setup.desk_for_write()?;
            desk.remove_agent(&name)?;
            println!("{}", t!("cli.agent_removed", name = sanitize_line(name.trim())));
        }
        AgentCommand::Grant { role } => {
            // Not `desk_for_write`: a file is refused before it is opened (or upgraded), and
            // no housekeeping runs as the schema's owner after it.
            setup.require_server()?;
            let mut desk = setup.open(crate::app::Access::ReadWrite)?;
            desk.grant_app_role(role.trim())?;
            let (role, url) = (sanitize_line(role.trim()), sanitize_line(&setup.db_shown()));
            println!("{}", t!("cli.agent_granted", role = role, url = url));
        }
    }
    Ok(())
}

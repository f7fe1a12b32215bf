//! The command line: parses flags, opens the desk, runs one command, prints text or JSON.
//! Exit codes: 0 done, 1 refused or failed, 2 usage error (`intake`: sysexits, for MTAs). A
//! failed command writes nothing.

mod agents;
pub mod args;
mod attachments;
mod backup;
mod export;
pub mod help;
mod import;
mod intake;
pub mod json;
mod list_table;
mod migrate;
mod output;
mod reply;
mod report;
mod sla;
mod supervisor;

use crate::app::Setup;
use crate::desk::demo::DemoShape;
use crate::desk::{Edit, FollowUp};
use crate::domain::listing::ListQuery;
use crate::domain::log::Direction;
use crate::domain::ticket::{Customer, NewTicket};
use crate::domain::timestamp::parse_timestamp;
use crate::t;
use args::{Command, EditArgs, ListArgs, LogArgs, NewArgs};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

// The front ends share the app's error type; the CLI's name for it reads as what it is here.
pub use crate::app::{Error as CliError, Result};

/// Runs one command (not the board: `main` hands that to the TUI), then tidies up after a
/// command that wrote.
pub fn run(setup: &Setup, command: Command) -> Result<()> {
    dispatch(setup, command)?;
    if setup.wrote() {
        setup.tidy()?;
    }
    Ok(())
}

fn dispatch(setup: &Setup, command: Command) -> Result<()> {
    match command {
        Command::New(args) => new(setup, args),
        Command::List(args) => list(setup, args),
        Command::Export(args) => export::run(setup, args),
        Command::Show { id, json } => {
            let desk = setup.desk()?;
            let view = desk.view(id)?;
            if json {
                output::print_json(&json::TicketJson::view(&view))?;
            } else {
                output::print_view(&view, &desk);
            }
            Ok(())
        }
        Command::Log(args) => log(setup, args),
        Command::Reply(args) => reply::run(setup, args),
        Command::Attachments { id, name, save } => attachments::run(setup, id, name.as_deref(), save.as_deref()),
        Command::Status {
            id,
            state,
            note,
            confirmed,
            expect_version,
        } => {
            let closing = state == crate::domain::ticket::Status::Closed;
            if confirmed.is_some() && !closing {
                return Err(CliError::usage(t!("cli.confirmed_only_closing").to_string()));
            }
            let mut desk = setup.desk_for_write()?;
            let ticket = if closing {
                desk.close(id, expect_version, confirmed.as_deref().unwrap_or(""), &note)?
            } else {
                desk.change_status(id, expect_version, state, &note)?
            };
            println!(
                "{}",
                t!(
                    "cli.status_changed",
                    id = ticket.id,
                    status = output::status_label(ticket.status)
                )
            );
            Ok(())
        }
        Command::Edit(args) => edit(setup, args),
        Command::Transfer(args) => agents::transfer(setup, args),
        Command::Agent(command) => agents::agent(setup, command),
        Command::Sla(command) => sla::run(setup, command),
        Command::Review(command) => supervisor::review(setup, command),
        Command::Callback(command) => supervisor::callback(setup, command),
        Command::Report(args) => report::run(setup, args),
        Command::Init => {
            setup.desk_to_create()?;
            println!("{}", t!("cli.initialised", path = setup.db_shown()));
            Ok(())
        }
        Command::Housekeep => {
            let (recomputed, done) = setup.housekeep()?;
            if recomputed {
                println!("{}", t!("cli.recomputed_policy"));
            }
            match crate::words::housekeeping::done(&done, &setup.policy, setup.lang) {
                Some(text) => println!("{text}"),
                None if !recomputed => println!("{}", t!("cli.housekeep_nothing")),
                None => {}
            }
            Ok(())
        }
        Command::Verify => {
            let done = setup.desk()?.verify()?;
            print!("{}", crate::words::verify::report(&done, setup.lang));
            if done.findings.is_empty() {
                Ok(())
            } else {
                Err(CliError::failed(crate::words::verify::summary(&done, setup.lang)))
            }
        }
        Command::Backup(args) => backup::backup(setup, args),
        Command::Restore(args) => backup::restore(setup, args),
        Command::Migrate(args) => migrate::run(setup, args),
        Command::Demo { tickets, seed, open } => demo(setup, tickets, seed, open),
        Command::Import(args) => import::run(setup, args),
        Command::Intake(args) => intake::run(setup, args),
        // `main` hands the board to the TUI before it gets here.
        Command::Board(_) => Ok(()),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut help::command(setup.lang),
                "promptly",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        Command::Man => {
            let page = help::man(setup.lang).map_err(|e| CliError::failed(e.to_string()))?;
            print!("{page}");
            Ok(())
        }
    }
}

fn new(setup: &Setup, a: NewArgs) -> Result<()> {
    let opened_at = a
        .opened_at
        .as_deref()
        .map(|s| timestamp_arg(setup, "opened-at", s, setup.policy.shop_calendar().tz()))
        .transpose()?;
    let new = NewTicket {
        title: a.title,
        description: a.description,
        customer: Customer {
            name: a.customer,
            phone: a.phone,
            email: a.email,
        },
        channel: a.channel,
        kind: a.kind,
        priority: a.priority,
        complexity: a.complexity,
        reference: a.order,
        purchased_on: a.purchased,
    };
    // Refuse bad input before the database file is even created.
    new.validate()
        .map_err(|e| CliError::usage(crate::words::errors::flag(&e, setup.lang)))?;
    let mut desk = setup.desk_to_create()?;
    let ticket = desk.open_ticket(&new, opened_at)?;
    if a.json {
        let view = desk.view(ticket.id)?;
        output::print_json(&json::TicketJson::view(&view))?;
    } else {
        println!(
            "{}",
            t!(
                "cli.created",
                id = ticket.id,
                title = crate::domain::text::sanitize_line(&ticket.title)
            )
        );
    }
    Ok(())
}

fn list(setup: &Setup, a: ListArgs) -> Result<()> {
    let desk = setup.desk()?;
    let query = a.filter.query(desk.now(), desk.author());
    if a.json {
        // Row by row as the desk hands them over, never the whole array in memory; written on
        // the desk's second thread (so stdout unlocked), in large writes.
        let mut out = output::JsonArray::new(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()));
        desk.visit_listed(&query, |ticket, clocks| {
            out.push(&json::TicketJson::new(ticket, clocks))
        })?;
        out.finish()?;
    } else {
        let mut out = list_table::ListPrinter::stdout(&desk);
        desk.visit_rows(&query, |row| out.row(row))?;
        out.finish()?;
    }
    Ok(())
}

fn log(setup: &Setup, a: LogArgs) -> Result<()> {
    let kind = match (a.contact, a.plan) {
        (Some(method), _) => FollowUp::Contact {
            method,
            direction: if a.inbound {
                Direction::Inbound
            } else {
                Direction::Outbound
            },
        },
        (None, true) => FollowUp::Plan,
        (None, false) => FollowUp::Note,
    };
    let mut desk = setup.desk_for_write()?;
    let ticket = desk.follow_up(a.id, a.expect_version, kind, &a.text)?;
    println!("{}", t!("cli.logged", id = ticket.id));
    Ok(())
}

fn edit(setup: &Setup, a: EditArgs) -> Result<()> {
    let mut edits = Vec::new();
    let text_edits = [
        (a.title, Edit::Title as fn(String) -> Edit),
        (a.description, Edit::Description),
        (a.customer, Edit::CustomerName),
        (a.phone, Edit::Phone),
        (a.email, Edit::Email),
        (a.order, Edit::Reference),
    ];
    for (value, edit) in text_edits {
        edits.extend(value.map(edit));
    }
    edits.extend(a.channel.map(Edit::Channel));
    edits.extend(a.kind.map(Edit::Kind));
    edits.extend(a.priority.map(Edit::Priority));
    edits.extend(a.complexity.map(Edit::Complexity));
    edits.extend(a.purchased.map(|p| Edit::Purchased(p.0)));
    if edits.is_empty() {
        return Err(CliError::usage(t!("cli.edit_nothing").to_string()));
    }
    // A bad value is a usage error, refused before the database is opened.
    for edit in &edits {
        let check = match edit {
            Edit::Title(v) => crate::domain::ticket::validate_title(v),
            Edit::Email(v) => crate::domain::ticket::validate_email(v),
            Edit::Phone(v) => crate::domain::ticket::validate_phone(v),
            _ => Ok(()),
        };
        check.map_err(|e| CliError::usage(crate::words::errors::flag(&e, setup.lang)))?;
    }
    let mut desk = setup.desk_for_write()?;
    let ticket = desk.edit(a.id, a.expect_version, &edits)?;
    println!("{}", t!("cli.edited", id = ticket.id, version = ticket.version));
    Ok(())
}

fn demo(setup: &Setup, tickets: u64, seed: u64, open: Option<u64>) -> Result<()> {
    if let Some(open) = open.filter(|o| *o > tickets) {
        return Err(CliError::usage(
            t!("cli.demo_open_over_tickets", open = open, tickets = tickets).to_string(),
        ));
    }
    // clap bounds both to ten million, which fits any usize Promptly runs on.
    let tickets = usize::try_from(tickets).unwrap_or(usize::MAX);
    let open = open.map(|o| usize::try_from(o).unwrap_or(usize::MAX));
    let started = std::time::Instant::now();
    crate::app::memory::keep_for_reuse();
    let shape = DemoShape { tickets, open, seed };
    // A new database is built beside its place and put there whole; one that exists (made by
    // `init`, perhaps open on a board) is filled where it is, if it has no tickets.
    let summary = if let Some(mut desk) = setup.desk_staged()? {
        let summary = desk.fill_demo_shaped(shape)?;
        desk.into_store().put_in_place()?;
        summary
    } else {
        let mut desk = setup.desk_to_create()?;
        let existing = desk.list(&ListQuery {
            limit: Some(1),
            ..Default::default()
        })?;
        if !existing.is_empty() {
            return Err(CliError::failed(
                t!("cli.demo_not_empty", path = setup.db_shown()).to_string(),
            ));
        }
        desk.fill_demo_shaped(shape)?
    };
    println!(
        "{}",
        t!(
            "cli.demo_done",
            tickets = summary.tickets,
            entries = summary.entries,
            path = setup.db_shown(),
            secs = format!("{:.1}", started.elapsed().as_secs_f64())
        )
    );
    Ok(())
}

/// A timestamp flag's value, or a usage error naming the flag.
pub fn timestamp_arg(setup: &Setup, flag: &str, text: &str, tz: Tz) -> Result<DateTime<Utc>> {
    parse_timestamp(text, tz).map_err(|e| {
        CliError::usage(format!(
            "--{flag}: {}",
            crate::words::app::timestamp_error(&e, setup.lang)
        ))
    })
}

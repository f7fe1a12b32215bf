//! The command line: parses flags, opens the desk, runs one command, prints text or JSON.
//! Exit codes: 0 done, 1 refused or failed, 2 usage error. A failed command writes nothing.

pub mod args;
mod output;
mod report;
mod sla;
mod supervisor;

use crate::clock::Clock;
use crate::config::{self, Config};
use crate::desk::{Desk, DeskError, Edit, FollowUp};
use crate::domain::listing::ListQuery;
use crate::domain::log::Direction;
use crate::domain::policy::Policy;
use crate::domain::ticket::{Customer, NewTicket};
use crate::store::{Store, StoreError};
use args::{Cli, Command, EditArgs, ListArgs, LogArgs, NewArgs};
use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use clap::{CommandFactory, Parser};
use rust_i18n::t;
use std::path::PathBuf;
use std::process::ExitCode;

/// A command that did not complete, with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    /// Exit 2: the command line itself is wrong (a bad flag or value).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: 2,
            message: message.into(),
        }
    }

    /// Exit 1: understood, but refused or failed.
    pub fn failed(message: impl Into<String>) -> Self {
        CliError {
            code: 1,
            message: message.into(),
        }
    }
}

impl From<DeskError> for CliError {
    fn from(e: DeskError) -> Self {
        match e {
            DeskError::Extension(x) => {
                CliError::failed(crate::words::explain::extension_error(&x, &rust_i18n::locale()))
            }
            e => CliError::failed(e.to_string()),
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        CliError::failed(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, CliError>;

/// Everything a command needs, resolved from flags, environment and config.
pub struct Setup {
    pub cli: Cli,
    pub config: Config,
    pub policy: Policy,
    pub clock: Clock,
    pub lang: &'static str,
    /// A writing command ran: tidy up once it has succeeded.
    tidy_after: std::cell::Cell<bool>,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("promptly: {}", crate::domain::text::sanitize(&e.message));
            ExitCode::from(e.code)
        }
    }
}

/// Resolves config, language, policy and clock (no database yet: some commands need none).
pub fn setup(cli: Cli) -> Result<Setup> {
    let config_path = cli.config.clone().unwrap_or_else(config::default_config_path);
    let config = Config::load(&config_path, cli.config.is_some()).map_err(|e| CliError::failed(e.to_string()))?;
    let lang = config::pick_language(cli.lang.as_deref(), config.lang.as_deref());
    rust_i18n::set_locale(lang);
    let policy_path = cli
        .policy
        .clone()
        .or_else(|| config.policy.clone())
        .or_else(config::default_policy_path);
    let policy = load_policy(policy_path.as_deref())?;
    let clock = match cli.now.as_deref() {
        Some(text) => Clock::frozen(
            parse_timestamp(text, policy.shop_calendar().tz()).map_err(|e| CliError::usage(format!("--now: {e}")))?,
        ),
        None => Clock::System,
    };
    Ok(Setup {
        cli,
        config,
        policy,
        clock,
        lang,
        tidy_after: Default::default(),
    })
}

fn load_policy(path: Option<&std::path::Path>) -> Result<Policy> {
    let Some(path) = path else { return Ok(Policy::builtin()) };
    let text = std::fs::read_to_string(path).map_err(|e| CliError::failed(format!("{}: {e}", path.display())))?;
    Policy::parse(&text, &path.display().to_string()).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        CliError::failed(lines.join("\n"))
    })
}

impl Setup {
    pub fn db_path(&self) -> PathBuf {
        self.cli.db.clone().unwrap_or_else(config::default_db_path)
    }

    /// Opens the database and the desk on it, writing nothing. A missing file is an error
    /// (a mistyped --db should not quietly show an empty desk).
    pub fn desk(&self) -> Result<Desk> {
        let path = self.db_path();
        if !path.exists() {
            return Err(CliError::failed(
                t!("cli.no_database", path = path.display()).to_string(),
            ));
        }
        Ok(self.desk_on(Store::open(&path)?))
    }

    /// Opens the desk for a command that shows the current state (list, reports, queues):
    /// first brings it up to date, as [`Setup::tidy`] does.
    pub fn desk_current(&self) -> Result<Desk> {
        let mut desk = self.desk()?;
        desk.sync_policy()?;
        desk.housekeeping()?;
        Ok(desk)
    }

    /// Opens the desk for a command that writes. The tidying up runs after the command has
    /// succeeded, so a refused command writes nothing at all.
    pub fn desk_for_write(&self) -> Result<Desk> {
        self.tidy_after.set(true);
        Ok(self.desk_on(Store::open(&self.db_path())?))
    }

    /// What Promptly does on its own: recompute stored clocks after a policy edit, close
    /// resolved tickets the customer never answered, draw the monthly callback sample. Each
    /// is the system's own change, committed on its own, and writes nothing when there is
    /// nothing to do.
    pub fn tidy(&self) -> Result<()> {
        let mut desk = self.desk()?;
        desk.sync_policy()?;
        desk.housekeeping()?;
        Ok(())
    }

    pub fn desk_on(&self, store: Store) -> Desk {
        let author = crate::desk::default_author(self.config.author.as_deref());
        Desk::new(store, self.policy.clone(), self.clock.clone(), author)
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let mut setup = setup(cli)?;
    let command = setup.cli.command.take();
    dispatch(&setup, command)?;
    if setup.tidy_after.get() {
        setup.tidy()?;
    }
    Ok(())
}

fn dispatch(setup: &Setup, command: Option<Command>) -> Result<()> {
    match command {
        None => crate::tui::run_board(setup, setup.cli.demo),
        Some(Command::New(args)) => new(setup, args),
        Some(Command::List(args)) => list(setup, args),
        Some(Command::Show { id, json }) => {
            let desk = setup.desk()?;
            let view = desk.view(id)?;
            if json {
                output::print_json(&output::view_json(&view, &desk));
            } else {
                output::print_view(&view, &desk);
            }
            Ok(())
        }
        Some(Command::Log(args)) => log(setup, args),
        Some(Command::Status {
            id,
            state,
            note,
            confirmed,
            expect_version,
        }) => {
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
        Some(Command::Edit(args)) => edit(setup, args),
        Some(Command::Sla(command)) => sla::run(setup, command),
        Some(Command::Review(command)) => supervisor::review(setup, command),
        Some(Command::Callback(command)) => supervisor::callback(setup, command),
        Some(Command::Report(args)) => report::run(setup, args),
        Some(Command::Demo { tickets, seed }) => demo(setup, tickets, seed),
        Some(Command::Board(args)) => {
            if args.print {
                crate::tui::print_board(setup, args.width, args.height)
            } else {
                crate::tui::run_board(setup, false)
            }
        }
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), "promptly", &mut std::io::stdout());
            Ok(())
        }
        Some(Command::Man) => clap_mangen::Man::new(Cli::command())
            .render(&mut std::io::stdout())
            .map_err(|e| CliError::failed(e.to_string())),
    }
}

fn new(setup: &Setup, a: NewArgs) -> Result<()> {
    let opened_at = a
        .opened_at
        .as_deref()
        .map(|s| parse_timestamp(s, setup.policy.shop_calendar().tz()))
        .transpose()
        .map_err(|e| CliError::usage(format!("--opened-at: {e}")))?;
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
    new.validate().map_err(|e| CliError::usage(format!("--{e}")))?;
    let mut desk = setup.desk_for_write()?;
    let ticket = desk.open_ticket(&new, opened_at)?;
    if a.json {
        let view = desk.view(ticket.id)?;
        output::print_json(&output::view_json(&view, &desk));
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
    let desk = setup.desk_current()?;
    let now = desk.now();
    let statuses = if a.all {
        Vec::new()
    } else if a.status.is_empty() {
        vec![
            crate::domain::ticket::Status::Open,
            crate::domain::ticket::Status::Waiting,
        ]
    } else {
        a.status
    };
    let due_before = if a.overdue {
        Some(now)
    } else {
        a.due_within.map(|d| now + d)
    };
    let query = ListQuery {
        statuses,
        due_before,
        text: a.search,
        limit: a.limit,
    };
    let rows = desk.list(&query)?;
    if a.json {
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            let view = desk.view(row.ticket.id)?;
            items.push(output::ticket_json(&view.ticket, &view.clocks, &desk));
        }
        output::print_json(&serde_json::Value::Array(items));
    } else {
        output::print_list(&rows, &desk);
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
    edits.extend(a.purchased.map(Edit::Purchased));
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
        check.map_err(|e| CliError::usage(format!("--{e}")))?;
    }
    let mut desk = setup.desk_for_write()?;
    let ticket = desk.edit(a.id, a.expect_version, &edits)?;
    println!("{}", t!("cli.edited", id = ticket.id, version = ticket.version));
    Ok(())
}

fn demo(setup: &Setup, tickets: usize, seed: u64) -> Result<()> {
    let mut desk = setup.desk_for_write()?;
    let existing = desk.list(&ListQuery {
        limit: Some(1),
        ..Default::default()
    })?;
    if !existing.is_empty() {
        return Err(CliError::failed(
            t!("cli.demo_not_empty", path = setup.db_path().display()).to_string(),
        ));
    }
    let started = std::time::Instant::now();
    let summary = desk.fill_demo(tickets, seed)?;
    println!(
        "{}",
        t!(
            "cli.demo_done",
            tickets = summary.tickets,
            entries = summary.entries,
            path = setup.db_path().display(),
            secs = format!("{:.1}", started.elapsed().as_secs_f64())
        )
    );
    Ok(())
}

/// Reads an instant typed by a person: RFC3339 with an offset, or a local
/// `YYYY-MM-DD HH:MM[:SS]` in `tz` (a time skipped by a DST change is refused; a repeated one
/// means its first occurrence).
pub fn parse_timestamp(text: &str, tz: Tz) -> std::result::Result<DateTime<Utc>, String> {
    let s = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .ok_or_else(|| {
        format!(
            "'{}' is not a timestamp (use RFC3339 like 2026-11-24T10:30:00+08:00, or 'YYYY-MM-DD HH:MM')",
            crate::domain::text::sanitize(s)
        )
    })?;
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.with_timezone(&Utc)),
        LocalResult::None => Err(format!(
            "{s} does not exist in {tz} (skipped by a daylight-saving change)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_in_the_shop_timezone() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        let t = parse_timestamp("2026-11-24 10:30", tz).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-24T02:30:00+00:00");
        let t = parse_timestamp("2026-11-24T10:30:00+08:00", tz).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-24T02:30:00+00:00");
        assert!(parse_timestamp("tomorrow", tz).unwrap_err().contains("not a timestamp"));
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert!(
            parse_timestamp("2026-03-29 02:30", berlin)
                .unwrap_err()
                .contains("does not exist")
        );
    }
}

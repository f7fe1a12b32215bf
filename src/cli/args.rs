//! The command line, declared once: clap builds parsing, `--help`, completions and the man page.
//! The about and help texts are in the catalogues (`assets/locales/help/*.toml`), put in at
//! run time in the reader's language by `cli::help`: a flag added here needs its text there.

use crate::domain::callback::Month;
use crate::domain::kpi::PeriodKind;
use crate::domain::log::ContactMethod;
use crate::domain::review::{Amount, BreachClass, Openness, Remedy};
use crate::domain::ticket::{Channel, Complexity, Kind, Priority, Status};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The heading of the options every command takes, apart from each command's own
/// (`cli::help` puts it in Chinese with clap's other headings).
pub const GLOBAL: &str = "Global options";

#[derive(Debug, Parser)]
#[command(name = "promptly", version, about, max_term_width = 100)]
pub struct Cli {
    #[arg(long, global = true, env = "PROMPTLY_DB", hide_env_values = true, value_name = "PATH", help_heading = GLOBAL)]
    pub db: Option<PathBuf>,

    #[arg(long, global = true, env = "PROMPTLY_CONFIG", hide_env_values = true, value_name = "PATH", help_heading = GLOBAL)]
    pub config: Option<PathBuf>,

    #[arg(long, global = true, env = "PROMPTLY_POLICY", hide_env_values = true, value_name = "FILE", help_heading = GLOBAL)]
    pub policy: Option<PathBuf>,

    #[arg(long, global = true, env = "PROMPTLY_NOW", hide_env_values = true, value_name = "TIMESTAMP", help_heading = GLOBAL)]
    pub now: Option<String>,

    #[arg(long, global = true, value_name = "LANG", help_heading = GLOBAL)]
    pub lang: Option<String>,

    #[arg(long)]
    pub demo: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The global choices, for the app's setup.
    pub fn options(&self) -> crate::app::Options {
        crate::app::Options {
            db: self.db.clone(),
            config: self.config.clone(),
            policy: self.policy.clone(),
            now: self.now.clone(),
            lang: self.lang.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    New(NewArgs),
    List(ListArgs),
    Export(ExportArgs),
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    Log(LogArgs),
    Reply(ReplyArgs),
    Attachments {
        id: i64,
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        #[arg(long, value_name = "DIR")]
        save: Option<PathBuf>,
    },
    Status {
        id: i64,
        state: Status,
        #[arg(long, value_name = "TEXT", default_value = "")]
        note: String,
        #[arg(long, value_name = "TEXT")]
        confirmed: Option<String>,
        #[arg(long, value_name = "N")]
        expect_version: Option<i64>,
    },
    Edit(EditArgs),
    Transfer(TransferArgs),
    #[command(subcommand)]
    Agent(AgentCommand),
    #[command(subcommand)]
    Sla(SlaCommand),
    #[command(subcommand)]
    Review(ReviewCommand),
    #[command(subcommand)]
    Callback(CallbackCommand),
    Report(ReportArgs),
    Init,
    Housekeep,
    Verify,
    Backup(BackupArgs),
    Restore(RestoreArgs),
    Migrate(MigrateArgs),
    Demo {
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        tickets: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
        open: Option<u64>,
    },
    Import(ImportArgs),
    Intake(IntakeArgs),
    Board(BoardArgs),
    Completions {
        shell: clap_complete::Shell,
    },
    Man,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    pub file: PathBuf,
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long)]
    pub json: bool,
    #[arg(long, value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,
    #[arg(long, value_name = "COLUMN")]
    pub ignore: Vec<String>,
    #[arg(long)]
    pub skip_existing: bool,
    #[arg(long)]
    pub queue_breaches: bool,
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
}

#[derive(Debug, Args)]
pub struct IntakeArgs {
    #[arg(long, value_name = "DIR")]
    pub maildir: Option<PathBuf>,
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    #[arg(long)]
    pub title: String,
    #[arg(long, default_value = "")]
    pub customer: String,
    #[arg(long, default_value = "")]
    pub phone: String,
    #[arg(long, default_value = "")]
    pub email: String,
    #[arg(long, default_value = "phone")]
    pub channel: Channel,
    #[arg(long, default_value = "enquiry")]
    pub kind: Kind,
    #[arg(long, default_value = "normal")]
    pub priority: Priority,
    #[arg(long, default_value = "ordinary")]
    pub complexity: Complexity,
    #[arg(long, default_value = "")]
    pub description: String,
    #[arg(long, default_value = "")]
    pub order: String,
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub purchased: Option<chrono::NaiveDate>,
    #[arg(long, value_name = "TIMESTAMP")]
    pub opened_at: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: ListFilterArgs,
    #[arg(long)]
    pub json: bool,
}

/// Which tickets: `list`'s filters, shared with `export`.
#[derive(Debug, Args, Default)]
pub struct ListFilterArgs {
    #[arg(long)]
    pub status: Vec<Status>,
    #[arg(long, conflicts_with = "status")]
    pub all: bool,
    #[arg(long)]
    pub overdue: bool,
    #[arg(long, value_name = "DURATION", conflicts_with = "overdue", value_parser = parse_wall_duration)]
    pub due_within: Option<chrono::Duration>,
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    #[arg(long, conflicts_with_all = ["owner", "unassigned"])]
    pub mine: bool,
    #[arg(long, value_name = "NAME", conflicts_with = "unassigned")]
    pub owner: Option<String>,
    #[arg(long)]
    pub unassigned: bool,
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

impl ListFilterArgs {
    /// The query these flags ask for at `now` by `me` (`--mine`): open and waiting tickets
    /// unless `--status` or `--all` says otherwise.
    pub fn query(self, now: chrono::DateTime<chrono::Utc>, me: &str) -> crate::domain::listing::ListQuery {
        let owner = if self.mine {
            Some(me.to_string())
        } else if self.unassigned {
            Some(String::new())
        } else {
            self.owner.map(|o| o.trim().to_string())
        };
        let statuses = if self.all {
            Vec::new()
        } else if self.status.is_empty() {
            vec![Status::Open, Status::Waiting]
        } else {
            self.status
        };
        let due_before = if self.overdue {
            Some(now)
        } else {
            self.due_within.map(|d| now + d)
        };
        crate::domain::listing::ListQuery {
            statuses,
            due_before,
            text: self.search,
            owner,
            limit: self.limit,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Jsonl,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    #[arg(long)]
    pub flat: bool,
    #[arg(long)]
    pub include_personal: bool,
    #[arg(long)]
    pub force: bool,
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub opened_since: Option<chrono::NaiveDate>,
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub opened_until: Option<chrono::NaiveDate>,
    #[command(flatten)]
    pub filter: ListFilterArgs,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    pub id: i64,
    pub text: String,
    #[arg(long, value_name = "METHOD")]
    pub contact: Option<ContactMethod>,
    #[arg(long, requires = "contact")]
    pub inbound: bool,
    #[arg(long, conflicts_with = "contact")]
    pub plan: bool,
    #[arg(long, value_name = "N")]
    pub expect_version: Option<i64>,
}

#[derive(Debug, Args)]
pub struct ReplyArgs {
    pub id: i64,
    /// The reply; `-` reads it from stdin.
    #[arg(conflicts_with = "file")]
    pub text: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[arg(long)]
    pub print: bool,
    #[arg(long, value_name = "N")]
    pub expect_version: Option<i64>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    pub id: i64,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
    #[arg(long)]
    pub customer: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub channel: Option<Channel>,
    #[arg(long)]
    pub kind: Option<Kind>,
    #[arg(long)]
    pub priority: Option<Priority>,
    #[arg(long)]
    pub complexity: Option<Complexity>,
    #[arg(long)]
    pub order: Option<String>,
    #[arg(long, value_name = "DATE", value_parser = parse_optional_date)]
    pub purchased: Option<PurchaseDate>,
    #[arg(long, value_name = "N")]
    pub expect_version: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum SlaCommand {
    Due {
        #[arg(long, value_name = "TIMESTAMP")]
        from: String,
        #[arg(long, value_name = "DURATION")]
        target: String,
        #[arg(long, value_name = "NAME")]
        calendar: Option<String>,
    },
    Check,
    Explain {
        id: i64,
    },
    Extend {
        id: i64,
        metric: String,
        #[arg(long, value_name = "DURATION")]
        by: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    Recompute,
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    List {
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        oldest: bool,
        #[command(flatten)]
        filter: QueueFilterArgs,
    },
    Judge {
        #[arg(required_unless_present = "all_matching")]
        id: Option<i64>,
        #[arg(required_unless_present = "all_matching")]
        metric: Option<String>,
        #[arg(long, value_name = "N")]
        cycle: Option<u32>,
        #[arg(long)]
        class: BreachClass,
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[arg(long)]
        remedy: Remedy,
        #[arg(long, value_name = "N", value_parser = parse_amount)]
        amount: Option<Amount>,
        #[arg(long, value_name = "TEXT", default_value = "")]
        note: String,
        #[arg(long, conflicts_with = "all_matching")]
        amend: bool,
        #[arg(long, conflicts_with_all = ["id", "metric", "cycle"])]
        all_matching: bool,
        #[arg(long, requires = "all_matching")]
        dry_run: bool,
        #[command(flatten)]
        filter: QueueFilterArgs,
    },
}

/// The review queue's filters, shared by `review list` and `review judge --all-matching`.
#[derive(Debug, Args, Default)]
pub struct QueueFilterArgs {
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<PeriodKind>,
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "period")]
    pub date: Option<chrono::NaiveDate>,
    /// `--metric`; its id differs from `review judge`'s METRIC.
    #[arg(long = "metric", id = "only-metric", value_name = "METRIC")]
    pub metric: Option<String>,
    #[arg(long)]
    pub priority: Option<Priority>,
    #[arg(long)]
    pub kind: Option<Kind>,
    #[arg(long, value_name = "STATUS")]
    pub status: Option<Openness>,
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
}

impl QueueFilterArgs {
    pub fn is_empty(&self) -> bool {
        self.period.is_none()
            && self.metric.is_none()
            && self.priority.is_none()
            && self.kind.is_none()
            && self.status.is_none()
            && self.text.is_none()
    }
}

/// `promptly transfer`: pass a ticket to another agent (转派).
#[derive(Debug, Args)]
pub struct TransferArgs {
    pub id: i64,
    #[arg(long, value_name = "NAME")]
    pub to: String,
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    #[arg(long, value_name = "N")]
    pub expect_version: Option<i64>,
}

/// `promptly agent`: who works the desk, and who supervises it.
#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    Add {
        name: String,
        #[arg(long, default_value = "agent")]
        role: crate::domain::agent::Role,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    Remove {
        name: String,
    },
    Grant {
        role: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CallbackCommand {
    List {
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Option<Month>,
        #[arg(long)]
        json: bool,
    },
    Sample {
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Option<Month>,
        #[arg(long)]
        json: bool,
    },
    Record {
        id: i64,
        #[arg(long, value_name = "yes|no", value_parser = parse_yes_no, action = clap::ArgAction::Set)]
        reached: bool,
        #[arg(long, value_name = "1-5", value_parser = clap::value_parser!(u8).range(1..=5))]
        score: Option<u8>,
        #[arg(long, value_name = "TEXT", default_value = "")]
        comment: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Md,
    Html,
    Json,
    Csv,
    Xlsx,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    pub period: PeriodKind,
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<chrono::NaiveDate>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[arg(long)]
    pub force: bool,
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub keep: Option<u64>,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[arg(long, value_name = "URL")]
    pub to: String,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct BoardArgs {
    #[arg(long)]
    pub print: bool,
    #[arg(long, default_value_t = 120, requires = "print", value_parser = clap::value_parser!(u16).range(20..=1000))]
    pub width: u16,
    #[arg(long, default_value_t = 40, requires = "print", value_parser = clap::value_parser!(u16).range(5..=1000))]
    pub height: u16,
}

/// A calendar date, years 1970 to 9999: date arithmetic beyond stays in range.
fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| crate::domain::timestamp::YEARS.contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| {
            let text = crate::domain::text::sanitize_line(s);
            // Shaped like a date in range but not one (2026-02-30, 2026-13-01): say so, as the
            // board's form does, rather than repeat the format.
            let parts: Vec<Option<i32>> = s.trim().split('-').map(|p| p.parse().ok()).collect();
            match parts[..] {
                [Some(y), Some(_), Some(_)] if crate::domain::timestamp::YEARS.contains(&y) => {
                    crate::t!("input.no_such_day", text = text).to_string()
                }
                _ => crate::t!("input.not_a_date", text = text).to_string(),
            }
        })
}

fn parse_amount(s: &str) -> Result<Amount, String> {
    Amount::parse(s).map_err(|e| crate::words::errors::reason(&e.reason, crate::words::catalogue::locale()))
}

fn parse_month(s: &str) -> Result<Month, String> {
    s.parse().map_err(|e: crate::domain::ticket::InvalidField| {
        crate::words::errors::reason(&e.reason, crate::words::catalogue::locale())
    })
}

fn parse_yes_no(s: &str) -> Result<bool, String> {
    crate::domain::callback::parse_reached(s)
        .ok_or_else(|| crate::t!("input.not_yes_no", text = crate::domain::text::sanitize_line(s)))
}

/// `edit --purchased`: a date, or "" to clear it. (A plain `Option<Option<_>>` field would make
/// clap expect a flag with an optional value, not this.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurchaseDate(pub Option<chrono::NaiveDate>);

fn parse_optional_date(s: &str) -> Result<PurchaseDate, String> {
    if s.trim().is_empty() {
        Ok(PurchaseDate(None))
    } else {
        parse_date(s).map(|d| PurchaseDate(Some(d)))
    }
}

/// A wall-clock duration for list filters: 45m, 2h, 1h30m, 2d. Unlike an SLA target, `d` here
/// is 24 real hours ("due within 2 days"), not working days. At most ten years.
fn parse_wall_duration(s: &str) -> Result<chrono::Duration, String> {
    const MAX_SECS: i64 = 10 * 366 * 86_400;
    let bad = || {
        crate::t!(
            "input.not_a_wall_duration",
            text = crate::domain::text::sanitize_line(s)
        )
    };
    let mut total = 0i64;
    let mut number = String::new();
    let mut rest = s.trim();
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() {
            number.push(c);
            rest = &rest[1..];
            continue;
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        number.clear();
        // Chinese units too ("2天", "1小时30分钟"), as the zh board writes countdowns.
        let (letter, len) = crate::domain::target::unit_at(rest).ok_or_else(bad)?;
        rest = &rest[len..];
        let unit = match letter {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            _ => 1,
        };
        total = n
            .checked_mul(unit)
            .and_then(|secs| total.checked_add(secs))
            .ok_or_else(bad)?;
    }
    if !number.is_empty() || total <= 0 || total > MAX_SECS {
        return Err(bad());
    }
    Ok(chrono::Duration::seconds(total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn wall_durations_parse() {
        assert_eq!(parse_wall_duration("1h30m").unwrap(), chrono::Duration::minutes(90));
        assert!(parse_wall_duration("soon").is_err());
        assert_eq!(parse_wall_duration("2天").unwrap(), chrono::Duration::days(2));
        assert_eq!(
            parse_wall_duration("26天5小时").unwrap(),
            chrono::Duration::hours(26 * 24 + 5)
        );
        assert_eq!(
            parse_wall_duration("1小时30分钟").unwrap(),
            chrono::Duration::minutes(90)
        );
        assert!(parse_wall_duration("5").is_err());
        assert!(parse_wall_duration("99999999999d").is_err());
        assert!(parse_wall_duration("99999999999999999999d").is_err());
    }
}

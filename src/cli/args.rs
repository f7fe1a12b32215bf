//! The command line, declared once: clap builds parsing, `--help`, completions and the man page.

use crate::domain::callback::Month;
use crate::domain::kpi::PeriodKind;
use crate::domain::log::ContactMethod;
use crate::domain::review::{Amount, BreachClass, Remedy};
use crate::domain::ticket::{Channel, Complexity, Kind, Priority, Status};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Timestamps: RFC3339 with an offset (2026-11-24T10:30:00+08:00) or local 'YYYY-MM-DD HH:MM' in the shop's timezone.
Durations: 30m, 2h, 1h30m (business time) or 3d (working days).
Exit codes: 0 done; 1 refused or failed (nothing written); 2 usage error (bad flag or value, nothing written).
Run `promptly` with no command to open the board.";

/// Promptly: a keyboard-first helpdesk with SLA countdowns, over a local SQLite file.
#[derive(Debug, Parser)]
#[command(name = "promptly", version, about, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// Database file [default: the platform data dir]
    #[arg(long, global = true, env = "PROMPTLY_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Config file [default: the platform config dir]
    #[arg(long, global = true, env = "PROMPTLY_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// SLA policy file replacing the built-in one [default: policy.toml next to the config]
    #[arg(long, global = true, env = "PROMPTLY_POLICY", value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Fix "now" for every command (tests, demos, replaying a day)
    #[arg(long, global = true, env = "PROMPTLY_NOW", value_name = "TIMESTAMP")]
    pub now: Option<String>,

    /// Language of messages: en or zh-CN [default: config, then LC_ALL/LANG]
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,

    /// Open the board on a fresh throwaway database filled with demo tickets
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
    /// Record a new ticket (intake)
    New(NewArgs),
    /// List tickets, most urgent first (open and waiting unless told otherwise)
    List(ListArgs),
    /// Show one ticket: details, SLA clocks and the follow-up log
    Show {
        id: i64,
        /// Print JSON (stable keys, see README)
        #[arg(long)]
        json: bool,
    },
    /// Add a note, a customer contact or a solution plan to a ticket's log
    Log(LogArgs),
    /// Move a ticket: open, waiting, resolved, closed (reopen = open)
    #[command(
        after_help = "Closed loop: `resolved` needs --note with the resolution summary; `closed` needs \
--confirmed with the customer's confirmation (resolved tickets without a reply close by themselves after the \
policy's auto_close_days); reopening is always possible."
    )]
    Status {
        id: i64,
        /// New status: open, waiting, resolved, closed (处理中/等待客户/已解决/已关闭)
        state: Status,
        /// A note recorded with the change; with `resolved`, the resolution summary (required)
        #[arg(long, value_name = "TEXT", default_value = "")]
        note: String,
        /// With `closed`: how the customer confirmed the problem is gone (required to close)
        #[arg(long, value_name = "TEXT")]
        confirmed: Option<String>,
        /// Refuse the change if the ticket is no longer at this version
        #[arg(long, value_name = "N")]
        expect_version: Option<i64>,
    },
    /// Change fields of a ticket; each change is logged (old -> new)
    Edit(EditArgs),
    /// SLA policy and deadlines
    #[command(subcommand)]
    Sla(SlaCommand),
    /// Breach review (违约认定): the queue of breached clocks, and judging them
    #[command(subcommand)]
    Review(ReviewCommand),
    /// Satisfaction callbacks (回访): the monthly sample and the calls made
    #[command(subcommand)]
    Callback(CallbackCommand),
    /// Daily, weekly or monthly service report: overdue, breaches, KPIs
    Report(ReportArgs),
    /// Create an empty database (the board and `new` create the default one on first use)
    Init,
    /// Do what Promptly does on its own, now: recompute clocks after a policy edit, close
    /// resolved tickets nobody answered, draw last month's callback sample (for cron; the board
    /// and every change do it too; reading commands never do)
    Housekeep,
    /// Check the database: integrity, schema, the log's triggers and hash chain, stored clocks
    /// against a replay of each log. Reads only; exits 1 on any finding
    Verify,
    /// Fill a database with realistic demo tickets and histories
    Demo {
        /// How many tickets
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        tickets: u64,
        /// Random seed: the same seed and --now give the same data
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Leave exactly this many tickets open or waiting, opened over the last week (their
        /// clocks around their deadlines: some overdue, some warning, some far); close the rest.
        /// Without it, tickets are left as a desk leaves them
        #[arg(long, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
        open: Option<u64>,
    },
    /// The board, or one frame of it printed as text
    Board(BoardArgs),
    /// Print shell completions
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff)
    Man,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// One line saying what is wrong
    #[arg(long)]
    pub title: String,
    /// Customer name
    #[arg(long, default_value = "")]
    pub customer: String,
    #[arg(long, default_value = "")]
    pub phone: String,
    #[arg(long, default_value = "")]
    pub email: String,
    /// phone, email, chat, walk-in, other (电话/邮件/在线/到店/其他)
    #[arg(long, default_value = "phone")]
    pub channel: Channel,
    /// quality (质量问题), damage (商品破损), delivery (配送延误), wrong-item (商品错发), repair (维修),
    /// return (退换货), enquiry (咨询), complaint (投诉), order-change (订单修改/取消), other (其他)
    #[arg(long, default_value = "enquiry")]
    pub kind: Kind,
    /// urgent, important, normal (紧急/重要/一般)
    #[arg(long, default_value = "normal")]
    pub priority: Priority,
    /// ordinary or complex (一般/复杂)
    #[arg(long, default_value = "ordinary")]
    pub complexity: Complexity,
    #[arg(long, default_value = "")]
    pub description: String,
    /// Order or product reference
    #[arg(long, default_value = "")]
    pub order: String,
    /// Purchase date, YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub purchased: Option<chrono::NaiveDate>,
    /// When the request came in, if earlier than now (migrating old records)
    #[arg(long, value_name = "TIMESTAMP")]
    pub opened_at: Option<String>,
    /// Print the created ticket as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this status (repeatable): open, waiting, resolved, closed (处理中/等待客户/已解决/已关闭)
    #[arg(long)]
    pub status: Vec<Status>,
    /// Every ticket, whatever its status
    #[arg(long, conflicts_with = "status")]
    pub all: bool,
    /// Only tickets with a clock past its deadline
    #[arg(long)]
    pub overdue: bool,
    /// Only tickets with a clock due within this real time (e.g. 45m, 2h, 2d = 48 hours)
    #[arg(long, value_name = "DURATION", conflicts_with = "overdue", value_parser = parse_wall_duration)]
    pub due_within: Option<chrono::Duration>,
    /// Text in the title, customer name or order reference
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// At most this many tickets
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Print JSON (stable keys, see README)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    pub id: i64,
    /// What happened; use quotes
    pub text: String,
    /// Record a customer contact (outbound unless --inbound): call, email, message, visit
    /// (电话/邮件/消息/上门)
    #[arg(long, value_name = "METHOD")]
    pub contact: Option<ContactMethod>,
    /// The customer contacted us
    #[arg(long, requires = "contact")]
    pub inbound: bool,
    /// The text is the solution plan told to the customer
    #[arg(long, conflicts_with = "contact")]
    pub plan: bool,
    /// Refuse if the ticket is no longer at this version
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
    /// phone, email, chat, walk-in, other (电话/邮件/在线/到店/其他)
    #[arg(long)]
    pub channel: Option<Channel>,
    /// Re-targets the SLA clocks (logged): quality (质量问题), damage (商品破损), delivery (配送延误),
    /// wrong-item (商品错发), repair (维修), return (退换货), enquiry (咨询), complaint (投诉),
    /// order-change (订单修改/取消), other (其他)
    #[arg(long)]
    pub kind: Option<Kind>,
    /// Re-targets the SLA clocks (logged): urgent, important, normal (紧急/重要/一般)
    #[arg(long)]
    pub priority: Option<Priority>,
    /// Re-targets the SLA clocks (logged): ordinary or complex (一般/复杂)
    #[arg(long)]
    pub complexity: Option<Complexity>,
    #[arg(long)]
    pub order: Option<String>,
    /// Purchase date YYYY-MM-DD ("" clears it)
    #[arg(long, value_name = "DATE", value_parser = parse_optional_date)]
    pub purchased: Option<PurchaseDate>,
    /// Refuse if the ticket is no longer at this version
    #[arg(long, value_name = "N")]
    pub expect_version: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum SlaCommand {
    /// Print the deadline for a target from a start instant
    Due {
        /// Start: RFC3339 with offset, or local 'YYYY-MM-DD HH:MM' in the calendar's timezone
        #[arg(long, value_name = "TIMESTAMP")]
        from: String,
        /// 30m, 2h, 1h30m (business time) or 3d (working days)
        #[arg(long, value_name = "DURATION")]
        target: String,
        /// Calendar name [default: the policy's shop calendar]
        #[arg(long, value_name = "NAME")]
        calendar: Option<String>,
    },
    /// Validate a policy and summarise its metrics
    Check,
    /// Explain how each deadline of a ticket was reached
    Explain { id: i64 },
    /// Move a deadline, within the metric's maximum extension
    Extend {
        id: i64,
        /// Metric, by name or label: first-response, plan, resolution, ...
        /// (首次响应/投诉受理/解决方案/解决时限/每日进度)
        metric: String,
        /// 3d (working days) or 4h (business time)
        #[arg(long, value_name = "DURATION")]
        by: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Recompute the stored clocks of open tickets (after editing the policy)
    Recompute,
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Breaches awaiting judgement, oldest first, with how late each was
    List {
        /// At most this many
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Print JSON (stable keys, see README)
        #[arg(long)]
        json: bool,
    },
    /// Judge a breached clock: class, reason, remedy (stored and logged on the ticket)
    Judge {
        /// Ticket id
        id: i64,
        /// Metric of the breached clock, by name or label: first-response, resolution, ...
        /// (首次响应/投诉受理/解决方案/解决时限/每日进度)
        metric: String,
        /// Which cycle [default: the oldest unjudged breached one]
        #[arg(long, value_name = "N")]
        cycle: Option<u32>,
        /// minor or major (轻微违约/重大违约)
        #[arg(long)]
        class: BreachClass,
        /// Why this class
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// apology, compensation, refund, replacement, none (道歉/赔偿/退款/换货/无)
        #[arg(long)]
        remedy: Remedy,
        /// Amount in yuan (required with compensation, allowed with refund), e.g. 50 or 12.50
        #[arg(long, value_name = "N", value_parser = parse_amount)]
        amount: Option<Amount>,
        /// Free text
        #[arg(long, value_name = "TEXT", default_value = "")]
        note: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CallbackCommand {
    /// The callback queue of a sample month (default: last month's sample, called this month)
    List {
        /// The sampled month, YYYY-MM
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Option<Month>,
        /// Print JSON (stable keys, see README)
        #[arg(long)]
        json: bool,
    },
    /// Draw a month's reproducible sample of closed tickets (default: last month)
    Sample {
        /// The month whose closed tickets are sampled, YYYY-MM
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Option<Month>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Record a callback: reached or not, satisfaction 1-5, comment (logged on the ticket)
    Record {
        /// Ticket id
        id: i64,
        /// yes or no (是/否, 已接通/未接通)
        #[arg(long, value_name = "yes|no", value_parser = parse_yes_no, action = clap::ArgAction::Set)]
        reached: bool,
        /// Satisfaction 1-5 (only when reached)
        #[arg(long, value_name = "1-5", value_parser = clap::value_parser!(u8).range(1..=5))]
        score: Option<u8>,
        /// What the customer said
        #[arg(long, value_name = "TEXT", default_value = "")]
        comment: String,
    },
}

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Md,
    Html,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// daily, weekly (Monday to Sunday) or monthly (日报/周报/月报)
    pub period: PeriodKind,
    /// A day in the period, YYYY-MM-DD [default: today in the shop's timezone]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<chrono::NaiveDate>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write to this file instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BoardArgs {
    /// Render one frame as plain text to stdout and exit
    #[arg(long)]
    pub print: bool,
    /// Columns of the printed frame (20-1000: a frame is held in memory whole)
    #[arg(long, default_value_t = 120, requires = "print", value_parser = clap::value_parser!(u16).range(20..=1000))]
    pub width: u16,
    /// Rows of the printed frame (5-1000)
    #[arg(long, default_value_t = 40, requires = "print", value_parser = clap::value_parser!(u16).range(5..=1000))]
    pub height: u16,
}

/// A calendar date, years 1970 to 9999: date arithmetic beyond stays in range.
fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| crate::domain::timestamp::YEARS.contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| format!("'{s}' is not a date from 1970-01-01 to 9999-12-31 (YYYY-MM-DD)"))
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
    crate::domain::callback::parse_reached(s).ok_or_else(|| format!("'{s}' is not yes or no"))
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
    let bad = || format!("'{s}' is not a duration (e.g. 45m, 2h, 1h30m, 2d; at most ten years)");
    let mut total = 0i64;
    let mut number = String::new();
    for c in s.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        number.clear();
        let unit = match c {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
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
        assert!(parse_wall_duration("5").is_err());
        assert!(parse_wall_duration("99999999999d").is_err());
        assert!(parse_wall_duration("99999999999999999999d").is_err());
    }
}

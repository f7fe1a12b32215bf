//! Refusals and failures of the layers below the front ends, in the reader's language. The
//! domain, store and desk return values (ids, fields, statuses, numbers); this is where they
//! become a sentence. Untrusted parts (what someone typed) are sanitised.

use crate::desk::{DeskError, StoreError};
use crate::domain::calendar::NeverOpen;
use crate::domain::sla::ExtensionError;
use crate::domain::target::{TargetError, TargetProblem};
use crate::domain::text::sanitize_line;
use crate::domain::ticket::{IllegalMove, InvalidField, Reason, UnknownValue};
use crate::t;
use crate::words::word;
use chrono::{DateTime, SecondsFormat, Utc};

/// Why the desk refused (or the store failed), one line.
pub fn desk(e: &DeskError, lang: &str) -> String {
    match e {
        DeskError::NotFound(id) => t!("err.not_found", locale = lang, id = id).to_string(),
        DeskError::Invalid(e) => invalid(e, lang),
        DeskError::Move(e) => illegal_move(e, lang),
        DeskError::Extension(e) => extension(e, lang),
        DeskError::NoSuchClock { ticket, metric, known } => t!(
            "refusal.no_such_clock",
            locale = lang,
            id = ticket,
            metric = sanitize_line(metric),
            known = list(known.iter().map(|m| sanitize_line(m)), lang)
        )
        .to_string(),
        DeskError::NotBreached {
            ticket,
            metric,
            cycle,
            cycles,
        } => t!(
            "refusal.not_breached",
            locale = lang,
            id = ticket,
            metric = sanitize_line(metric),
            cycle = cycle,
            cycles = list(cycles.iter().map(u32::to_string), lang)
        )
        .to_string(),
        DeskError::NoUnjudgedBreach { ticket, metric } => t!(
            "refusal.no_unjudged_breach",
            locale = lang,
            id = ticket,
            metric = sanitize_line(metric)
        )
        .to_string(),
        DeskError::AlreadyJudged {
            ticket,
            metric,
            cycle,
            class,
            by,
            at,
        } => t!(
            "refusal.already_judged",
            locale = lang,
            id = ticket,
            metric = sanitize_line(metric),
            cycle = cycle,
            class = word("review.class", class.slug(), lang),
            by = sanitize_line(by),
            at = instant(*at)
        )
        .to_string(),
        DeskError::NotJudged { ticket, metric, cycle } => t!(
            "refusal.not_judged",
            locale = lang,
            id = ticket,
            metric = sanitize_line(metric),
            cycle = cycle
        )
        .to_string(),
        DeskError::MonthNotEnded(month) => {
            t!("refusal.month_not_ended", locale = lang, month = month.to_string()).to_string()
        }
        DeskError::NotInCallbackQueue(id) => t!("refusal.not_in_callback_queue", locale = lang, id = id).to_string(),
        DeskError::CallbackAlreadyRecorded { ticket, month, by } => t!(
            "refusal.callback_recorded",
            locale = lang,
            id = ticket,
            month = month.to_string(),
            by = sanitize_line(by)
        )
        .to_string(),
        DeskError::AutoClosed { ticket, at, days } => t!(
            "refusal.auto_closed",
            locale = lang,
            id = ticket,
            at = instant(*at),
            days = days
        ),
        DeskError::Import(problems) => crate::words::import::refused(problems, lang),
        DeskError::AlreadyOwner { ticket, owner } => t!(
            "refusal.already_owner",
            locale = lang,
            id = ticket,
            owner = sanitize_line(owner)
        )
        .to_string(),
        DeskError::UnknownAgent { name } => {
            t!("refusal.unknown_agent", locale = lang, name = sanitize_line(name)).to_string()
        }
        DeskError::NotSupervisor { who } => {
            t!("refusal.not_supervisor", locale = lang, who = sanitize_line(who)).to_string()
        }
        DeskError::Store(e) => store(e, lang),
    }
}

/// [`desk`] naming metrics by the policy's labels in Chinese ("解决时限", not "resolution");
/// English keeps the names, which are also what the commands take.
pub fn desk_labelled(e: &DeskError, policy: &crate::domain::policy::Policy, lang: &str) -> String {
    if crate::words::catalogue::language_of(lang) != "zh-CN" {
        return desk(e, lang);
    }
    let label = |m: &String| super::metric(policy, m, lang);
    let relabelled = match e {
        DeskError::Extension(x) => {
            let mut x = x.clone();
            match &mut x {
                ExtensionError::NotExtendable(m) | ExtensionError::NotRunning(m) | ExtensionError::AlreadyMet(m) => {
                    *m = label(m)
                }
                ExtensionError::NotExtendableForKind { metric, .. }
                | ExtensionError::AlreadyBreached { metric, .. }
                | ExtensionError::WrongUnit { metric, .. }
                | ExtensionError::BeyondMaximum { metric, .. } => *metric = label(metric),
                // What the agent typed, which matched no metric.
                ExtensionError::UnknownMetric(_) => {}
            }
            DeskError::Extension(x)
        }
        DeskError::NoSuchClock { ticket, metric, known } => DeskError::NoSuchClock {
            ticket: *ticket,
            metric: metric.clone(),
            known: known.iter().map(label).collect(),
        },
        DeskError::NotBreached {
            ticket,
            metric,
            cycle,
            cycles,
        } => DeskError::NotBreached {
            ticket: *ticket,
            metric: label(metric),
            cycle: *cycle,
            cycles: cycles.clone(),
        },
        DeskError::NoUnjudgedBreach { ticket, metric } => DeskError::NoUnjudgedBreach {
            ticket: *ticket,
            metric: label(metric),
        },
        _ => return desk(e, lang),
    };
    desk(&relabelled, lang)
}

/// Why the database could not be opened or used, one line.
pub fn store(e: &StoreError, lang: &str) -> String {
    match e {
        StoreError::DiskFull => t!("err.disk_full", locale = lang).to_string(),
        StoreError::Missing(p) => t!("cli.no_database", locale = lang, path = p.display()).to_string(),
        StoreError::NotSqlite(p) => t!("err.not_sqlite", locale = lang, path = p.display()).to_string(),
        StoreError::NotPromptly(p) => t!("err.not_promptly", locale = lang, path = p.display()).to_string(),
        StoreError::TooNew { path, found, known } => t!(
            "err.too_new",
            locale = lang,
            path = path.display(),
            found = found,
            known = known
        )
        .to_string(),
        StoreError::Stale { ticket } => t!("err.stale", locale = lang, id = ticket).to_string(),
        StoreError::Io(p, e) => format!("{}: {e}", p.display()),
        StoreError::Sql(e) => t!("err.sql", locale = lang, error = e).to_string(),
        StoreError::Migration(e) => t!("err.migration", locale = lang, error = e).to_string(),
        StoreError::Corrupt(e) => t!("err.corrupt", locale = lang, error = e).to_string(),
        StoreError::Moved(p) => t!("err.moved", locale = lang, path = p.display()).to_string(),
        StoreError::Connect { url, error } => t!(
            "err.pg_connect",
            locale = lang,
            url = sanitize_line(url),
            error = sanitize_line(error)
        )
        .to_string(),
        StoreError::NotPromptlyServer(url) => {
            t!("err.pg_not_promptly", locale = lang, url = sanitize_line(url)).to_string()
        }
        StoreError::TooNewServer { url, found, known } => t!(
            "err.too_new",
            locale = lang,
            path = sanitize_line(url),
            found = found,
            known = known
        )
        .to_string(),
        StoreError::NoSchema(url) => t!("err.pg_no_schema", locale = lang, url = sanitize_line(url)).to_string(),
        StoreError::NoPrivilege { url, making } => t!(
            if *making {
                "err.pg_may_not_make"
            } else {
                "err.pg_may_not_read"
            },
            locale = lang,
            url = sanitize_line(url)
        )
        .to_string(),
        StoreError::NotGranted { role, why } => t!(
            "err.pg_not_granted",
            locale = lang,
            role = sanitize_line(role),
            why = t!(
                format!("err.grant_{}", why.slug()),
                locale = lang,
                // As SQL: the role is looked up by its exact name (`Shop_Desk`, `desk-2`).
                role = sanitize_line(&crate::store::pg::quote_ident(role))
            )
        )
        .to_string(),
        StoreError::ServerOnly(path) => t!(
            "err.pg_server_only",
            locale = lang,
            url = sanitize_line(&path.display().to_string())
        )
        .to_string(),
        StoreError::ServerNotEmpty(url) => t!("err.pg_not_empty", locale = lang, url = sanitize_line(url)).to_string(),
        StoreError::Postgres(e) => t!(
            "err.sql",
            locale = lang,
            error = sanitize_line(&crate::desk::postgres_message(e))
        )
        .to_string(),
        StoreError::Offline(e) => t!(
            "err.pg_offline",
            locale = lang,
            error = sanitize_line(&crate::desk::postgres_message(e))
        )
        .to_string(),
        StoreError::CommitUnknown(e) => t!(
            "err.pg_commit_unknown",
            locale = lang,
            error = sanitize_line(&crate::desk::postgres_message(e))
        )
        .to_string(),
        StoreError::NotOnServer(crate::store::SqliteOnly::Backup) => {
            t!("err.backup_on_server", locale = lang).to_string()
        }
        StoreError::NotOnServer(what) => t!(
            "err.not_on_server",
            locale = lang,
            what = t!(format!("store_op.{}", what.slug()), locale = lang)
        )
        .to_string(),
    }
}

/// "title: must not be empty" / "标题：不能为空".
pub fn invalid(e: &InvalidField, lang: &str) -> String {
    t!(
        "refusal.field",
        locale = lang,
        field = field(e.field, lang),
        reason = reason(&e.reason, lang)
    )
    .to_string()
}

/// A field refused on the command line, named by its flag: "--phone: '12' is not a phone number".
pub fn flag(e: &InvalidField, lang: &str) -> String {
    flagged(e.field, &reason(&e.reason, lang), lang)
}

/// Any refusal of a command-line flag's value, named by its flag ("--by").
pub fn flagged(flag: &str, why: &str, lang: &str) -> String {
    t!("refusal.flag", locale = lang, flag = flag, reason = why).to_string()
}

/// What an input field is called ("opened-at" -> "登记时间").
pub fn field(name: &str, lang: &str) -> String {
    let key = format!("field.{}", name.replace('-', "_"));
    let text = t!(&key, locale = lang).to_string();
    // A field with no word of its own keeps its name (never the raw key).
    if text == key { name.to_string() } else { text }
}

/// Why a field value was refused, without the field's name (a form shows it under the field).
pub fn reason(r: &Reason, lang: &str) -> String {
    let value = |v: &str| crate::domain::text::sanitize(v);
    match r {
        Reason::Empty => t!("err.title_empty", locale = lang).to_string(),
        Reason::TooLong { max } => t!("refusal.too_long", locale = lang, max = max).to_string(),
        Reason::BadEmail { value: v } => t!("err.email", locale = lang, value = value(v)).to_string(),
        // A masked number (`138****5678`) comes from an export made without --include-personal.
        Reason::BadPhone { value: v } if v.contains("**") => {
            t!("err.phone_masked", locale = lang, value = value(v)).to_string()
        }
        Reason::BadPhone { value: v } => t!("err.phone", locale = lang, value = value(v)).to_string(),
        Reason::BadMonth { value: v } => t!("err.month", locale = lang, value = value(v)).to_string(),
        Reason::BadScore { value: v } => t!("err.score", locale = lang, value = v).to_string(),
        Reason::ScoreUnreached => t!("err.score_unreached", locale = lang).to_string(),
        Reason::BadAmount { value: v } => t!("err.amount", locale = lang, value = value(v)).to_string(),
        Reason::AmountNeeded => t!("err.amount_needed", locale = lang).to_string(),
        Reason::AmountNotPositive => t!("err.amount_positive", locale = lang).to_string(),
        Reason::AmountWithRemedy { remedy } => t!(
            "err.amount_remedy",
            locale = lang,
            remedy = word("review.remedy", remedy.slug(), lang)
        )
        .to_string(),
        Reason::JudgeReasonNeeded => t!("err.judge_reason", locale = lang).to_string(),
        Reason::PurchaseOutOfRange { date, earliest, latest } => t!(
            "err.purchase_out_of_range",
            locale = lang,
            date = date,
            earliest = earliest,
            latest = latest,
            years = crate::domain::ticket::PURCHASE_YEARS
        )
        .to_string(),
        Reason::InFuture { at } => t!("err.in_future", locale = lang, at = instant(*at)).to_string(),
        Reason::NoteEmpty => t!("err.note_empty", locale = lang).to_string(),
        Reason::ContactEmpty => t!("err.contact_empty", locale = lang).to_string(),
        Reason::PlanEmpty => t!("err.plan_empty", locale = lang).to_string(),
        Reason::ResolveSummaryNeeded => t!("err.resolve_summary", locale = lang).to_string(),
        Reason::NothingChanges => t!("err.nothing_changes", locale = lang).to_string(),
        Reason::ExtendReasonNeeded => t!("err.extend_reason", locale = lang).to_string(),
        Reason::TransferReasonNeeded => t!("err.transfer_reason", locale = lang).to_string(),
        Reason::ControlCharacters => t!("err.control_characters", locale = lang).to_string(),
        Reason::BeforeLastChange { now, last } => t!(
            "err.before_last_change",
            locale = lang,
            now = instant(*now),
            last = instant(*last)
        )
        .to_string(),
        Reason::CloseNeedsConfirmation => t!("err.close_confirmation", locale = lang).to_string(),
        Reason::Unknown(e) => unknown_value_reason(e, lang),
        Reason::BadTarget(e) => target(e, lang),
    }
}

/// "priority: unknown value 'x' (expected one of: urgent, important, normal)".
pub fn unknown_value(e: &UnknownValue, lang: &str) -> String {
    t!(
        "refusal.field",
        locale = lang,
        field = field(e.field, lang),
        reason = unknown_value_reason(e, lang)
    )
    .to_string()
}

fn unknown_value_reason(e: &UnknownValue, lang: &str) -> String {
    // The choices in the reader's words where the catalogue has them (配送延误, not delivery):
    // every word listed is one the parser takes.
    let choices: Vec<String> = e
        .choices
        .split(", ")
        .map(|slug| {
            let key = format!("{}.{slug}", e.field);
            if crate::words::catalogue::has(lang, &key) {
                word(e.field, slug, lang)
            } else {
                slug.to_string()
            }
        })
        .collect();
    t!(
        "refusal.unknown_value",
        locale = lang,
        value = crate::domain::text::sanitize(&e.value),
        choices = choices.join(&t!("refusal.separator", locale = lang))
    )
    .to_string()
}

/// A status move the machine refuses, with the moves it allows, all in the reader's words.
pub fn illegal_move(e: &IllegalMove, lang: &str) -> String {
    let status = |s: crate::domain::ticket::Status| word("status", s.slug(), lang);
    let allowed = list(e.from.allowed_moves().iter().map(|s| status(*s)), lang);
    let what = if e.from == e.to {
        t!("refusal.already_status", locale = lang, status = status(e.from))
    } else {
        t!(
            "refusal.illegal_move",
            locale = lang,
            from = status(e.from),
            to = status(e.to)
        )
    };
    let allowed = t!(
        "refusal.allowed_moves",
        locale = lang,
        from = status(e.from),
        allowed = allowed
    );
    format!("{what}{allowed}")
}

/// A target text ("30m", "3d") that cannot be read, and why.
pub fn target(e: &TargetError, lang: &str) -> String {
    let forms = t!("refusal.target_forms", locale = lang);
    let problem = match e.problem {
        TargetProblem::Empty => t!("refusal.target_empty", locale = lang, forms = forms),
        TargetProblem::NotATarget => forms.clone(),
        TargetProblem::NumberTooLarge => t!("refusal.target_too_large", locale = lang),
        TargetProblem::NoUnit => t!("refusal.target_no_unit", locale = lang, forms = forms),
        TargetProblem::UnknownUnit(unit) => t!(
            "refusal.target_unknown_unit",
            locale = lang,
            unit = sanitize_line(&unit.to_string()),
            forms = forms
        ),
        TargetProblem::UnitTwice(unit) => t!("refusal.target_unit_twice", locale = lang, unit = unit),
        TargetProblem::UnitOrder => t!("refusal.target_unit_order", locale = lang),
        TargetProblem::MixedDays => t!("refusal.target_mixed_days", locale = lang),
        TargetProblem::Zero => t!("refusal.target_zero", locale = lang),
        TargetProblem::TooManyDays(max) => t!("refusal.target_too_many_days", locale = lang, max = max),
        TargetProblem::TooLong => t!("refusal.target_too_long", locale = lang),
    };
    t!(
        "refusal.target",
        locale = lang,
        text = sanitize_line(&e.text),
        problem = problem
    )
    .to_string()
}

/// A calendar that never opens, so no deadline can be reached.
pub fn never_open(_: &NeverOpen, lang: &str) -> String {
    t!("refusal.never_open", locale = lang).to_string()
}

/// A deadline extension the policy refuses. The clock's words are the SLA helper's (wt/clock);
/// until they land this is the engine's own line.
pub fn extension(e: &ExtensionError, lang: &str) -> String {
    super::explain::extension_error(e, lang)
}

/// Items joined the reader's way ("a, b" / "a、b").
fn list(items: impl Iterator<Item = String>, lang: &str) -> String {
    let items: Vec<String> = items.collect();
    items.join(&t!("refusal.separator", locale = lang))
}

/// An instant as the refusals quote it (UTC, to the second).
fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ticket::{Priority, Status};

    #[test]
    fn illegal_move_says_which_moves_are_allowed() {
        let err = Status::Waiting.check_move(Status::Closed).unwrap_err();
        assert_eq!(
            illegal_move(&err, "en"),
            "status: cannot move from waiting to closed; from waiting it can go to: open"
        );
        let zh = illegal_move(&Status::Open.check_move(Status::Closed).unwrap_err(), "zh-CN");
        assert_eq!(
            zh,
            "状态：不能从“处理中”变为“已关闭”；“处理中”可以变为：等待客户、已解决"
        );
    }

    #[test]
    fn unknown_values_name_the_field_and_the_choices() {
        let err = "asap".parse::<Priority>().unwrap_err();
        assert_eq!(
            unknown_value(&err, "en"),
            "priority: unknown value 'asap' (expected one of: urgent, important, normal)"
        );
        assert_eq!(
            unknown_value(&err, "zh-CN"),
            "优先级：未知的值“asap”（可选：紧急、重要、一般）"
        );
        let err = "物流".parse::<crate::domain::ticket::Kind>().unwrap_err();
        assert!(unknown_value(&err, "zh-CN").contains("（可选：质量问题、商品破损、配送延误、"));
    }

    #[test]
    fn field_refusals_read_in_both_languages() {
        let e = InvalidField::new("title", Reason::TooLong { max: 200 });
        assert_eq!(invalid(&e, "en"), "title: longer than 200 characters");
        assert_eq!(invalid(&e, "zh-CN"), "标题：超过 200 个字符");
        let e = InvalidField::new("opened-at", Reason::Empty);
        assert_eq!(field(e.field, "zh-CN"), "登记时间");
        assert_eq!(
            flag(
                &InvalidField::new("phone", Reason::BadPhone { value: "x".into() }),
                "en"
            )
            .split(':')
            .next(),
            Some("--phone")
        );
        assert_eq!(field("no-such-field", "zh-CN"), "no-such-field");
        let masked = InvalidField::new(
            "phone",
            Reason::BadPhone {
                value: "138****5678".into(),
            },
        );
        assert!(invalid(&masked, "en").contains("--include-personal"));
        assert!(invalid(&masked, "zh-CN").contains("--include-personal"));
    }

    #[test]
    fn target_refusals_read_like_the_engine_and_in_chinese() {
        for text in [
            "1d2h",
            "abc",
            "30",
            "3w",
            "30m1h",
            "1h1h",
            "0m",
            "",
            "-3h",
            "99999999999999999999h",
            "9999d",
        ] {
            let e = text.parse::<crate::domain::target::Target>().unwrap_err();
            assert_eq!(target(&e, "en"), e.to_string(), "{text}");
            let zh = target(&e, "zh-CN");
            assert!(zh.starts_with("时限“"), "{zh}");
        }
    }

    #[test]
    fn desk_refusals_carry_values_and_read_in_chinese() {
        let e = DeskError::NotInCallbackQueue(7);
        assert!(desk(&e, "en").contains("ticket #7 is not in the callback queue"));
        let zh = desk(&e, "zh-CN");
        assert!(zh.contains("#7") && zh.contains("回访队列"), "{zh}");
        let e = DeskError::MonthNotEnded("2026-11".parse().unwrap());
        assert!(desk(&e, "en").contains("2026-11 has not ended"));
        assert!(desk(&e, "zh-CN").contains("尚未结束"));
    }

    #[test]
    fn what_a_postgres_store_refuses_is_named_in_both_languages() {
        use crate::store::SqliteOnly;
        for what in SqliteOnly::ALL {
            let key = format!("store_op.{}", what.slug());
            for lang in ["en", "zh-CN"] {
                let line = store(&StoreError::NotOnServer(what), lang);
                assert!(!line.contains(&key) && !line.contains("%{"), "{lang}: {line}");
            }
        }
        // Backups name the server's own tools instead.
        let e = StoreError::NotOnServer(SqliteOnly::Backup);
        assert!(store(&e, "en").contains("on a SQLite database file only; a PostgreSQL database is backed up"));
        assert!(store(&e, "en").contains("pg_dump"));
        assert!(store(&e, "zh-CN").contains("备份和恢复仅适用于 SQLite 数据库文件"));
        let e = StoreError::NotOnServer(SqliteOnly::Settings);
        assert!(store(&e, "en").contains("on a SQLite database file only so far"));
    }
}

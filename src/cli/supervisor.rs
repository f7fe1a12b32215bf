//! `promptly review ...` and `promptly callback ...`: the supervisor's queues from a script.

use super::args::{CallbackCommand, QueueFilterArgs, ReviewCommand};
use super::json::{BreachJson, CallbackJson, QueueCountsJson, SampleJson};
use super::output::{JsonArray, local, metric_label, print_json, status_label};
use super::{CliError, Result, Setup};
use crate::desk::{Desk, Judging, customer_cell};
use crate::domain::callback::{CallOutcome, Callback};
use crate::domain::review::{Breach, Judgement, QueueOrder, Remedy, ReviewFilter};
use crate::domain::text::{fit, sanitize_line, width_of};
use crate::t;
use crate::words::duration::late_both;
use chrono::{DateTime, Utc};

pub fn review(setup: &Setup, command: ReviewCommand) -> Result<()> {
    match command {
        ReviewCommand::List {
            limit,
            json,
            oldest,
            filter,
        } => {
            let desk = setup.desk()?;
            let filter = queue_filter(&desk, &filter);
            let order = if oldest {
                QueueOrder::OldestFirst
            } else {
                QueueOrder::NewestFirst
            };
            // How many match, split by each filter's values: one pass that stops at the cap.
            // Below the cap it is exact, so the rows' walk stops at the last match (SQLite's
            // LIMIT) instead of reading on to the end of the backlog for a rare filter, and
            // does not start when nothing matches.
            let counts = desk.review_counts(&filter)?;
            let limit = if counts.capped {
                limit
            } else {
                Some(limit.map_or(counts.total, |l| l.min(counts.total)))
            };
            if json {
                // Page by page as the desk reads them, never the whole queue in memory.
                let now = desk.now();
                let mut out = JsonArray::stdout_member("breaches")?;
                desk.visit_review(&filter, order, limit, |b| out.push(&BreachJson::new(b, now)))?;
                out.finish_member("counts", &QueueCountsJson::new(&counts))?;
            } else {
                // Page by page too: the queue of a long history does not fit in memory.
                let (now, mut shown) = (desk.now(), 0);
                desk.visit_review(&filter, order, limit, |b| {
                    if shown == 0 {
                        let lang = crate::words::catalogue::locale();
                        println!("{}", crate::words::review::queue_counts(desk.policy(), &counts, lang));
                        print_breach_header();
                    }
                    shown += 1;
                    print_breach(&desk, b, now);
                    Ok::<_, CliError>(())
                })?;
                if shown == 0 && counts.total > 0 {
                    // `--limit 0`: the counts alone, not "nothing awaits".
                    let lang = crate::words::catalogue::locale();
                    println!("{}", crate::words::review::queue_counts(desk.policy(), &counts, lang));
                } else if shown == 0 {
                    let key = if filter.is_empty() {
                        "review.empty"
                    } else {
                        "review.none_match"
                    };
                    println!("{}", t!(key));
                }
            }
            Ok(())
        }
        ReviewCommand::Judge {
            id,
            metric,
            cycle,
            class,
            reason,
            remedy,
            amount,
            note,
            amend,
            all_matching,
            dry_run,
            filter,
        } => {
            let judgement = Judgement {
                class,
                reason,
                remedy,
                amount,
                note,
            };
            // Flag combinations are usage errors (exit 2); an empty reason is refused (exit 1).
            if let Err(e) = judgement.validate()
                && e.field == "amount"
            {
                return Err(CliError::usage(crate::words::errors::flag(&e, setup.lang)));
            }
            if all_matching {
                return judge_all_matching(setup, &filter, &judgement, dry_run);
            }
            if !filter.is_empty() || dry_run {
                return Err(CliError::usage(t!("review.filters_without_all").to_string()));
            }
            let (Some(id), Some(metric)) = (id, metric) else {
                return Err(CliError::usage(t!("review.filters_without_all").to_string()));
            };
            let metric = setup.policy.metric_named(&metric).map_or(metric, |m| m.name.clone());
            let mut desk = setup.desk_for_write()?;
            let (review, key) = if amend {
                (desk.amend(id, &metric, cycle, &judgement)?, "review.amended")
            } else {
                (desk.judge(id, &metric, cycle, &judgement)?, "review.judged")
            };
            println!(
                "{}",
                t!(
                    key,
                    id = id,
                    metric = metric_label(&desk, &review.metric),
                    cycle = review.cycle,
                    class = t!(format!("review.class.{}", review.judgement.class.slug())),
                    remedy = remedy_text(&review.judgement)
                )
            );
            Ok(())
        }
    }
}

/// `review judge --all-matching`: the matching breaches, listed; judged in one transaction
/// unless it is a dry run (read-only: nothing is written, not even housekeeping).
fn judge_all_matching(setup: &Setup, args: &QueueFilterArgs, judgement: &Judgement, dry_run: bool) -> Result<()> {
    let class = t!(format!("review.class.{}", judgement.class.slug()));
    let remedy = remedy_text(judgement);
    let list = |desk: &Desk| -> Result<Vec<Breach>> {
        let filter = queue_filter(desk, args);
        Ok(desk.review_list(&filter, QueueOrder::OldestFirst, None)?)
    };
    if dry_run {
        let desk = setup.desk()?;
        let matching = list(&desk)?;
        if matching.is_empty() {
            println!("{}", t!("review.none_match"));
            return Ok(());
        }
        let now = desk.now();
        print_breach_header();
        for b in &matching {
            print_breach(&desk, b, now);
        }
        println!(
            "{}",
            t!("review.would_judge", n = matching.len(), class = class, remedy = remedy)
        );
        return Ok(());
    }
    let mut desk = setup.desk_for_write()?;
    let matching = list(&desk)?;
    if matching.is_empty() {
        println!("{}", t!("review.none_match"));
        return Ok(());
    }
    let targets: Vec<(i64, String, Option<u32>)> = matching
        .iter()
        .map(|b| (b.ticket_id, b.metric.clone(), Some(b.cycle)))
        .collect();
    let done = desk.judge_many(&targets, judgement, Judging::New)?;
    let mut tickets: Vec<i64> = done.iter().map(|r| r.ticket_id).collect();
    tickets.dedup();
    println!(
        "{}",
        t!(
            "review.judged_many",
            n = done.len(),
            tickets = tickets.len(),
            class = class,
            remedy = remedy
        )
    );
    Ok(())
}

/// The queue filter the flags describe: the period on the shop calendar, the metric by name or
/// label.
fn queue_filter(desk: &Desk, a: &QueueFilterArgs) -> ReviewFilter {
    let period = a.period.map(|kind| desk.period(kind, a.date));
    ReviewFilter {
        from: period.map(|p| p.from),
        to: period.map(|p| p.to),
        metric: a.metric.as_ref().map(|m| {
            desk.policy()
                .metric_named(m)
                .map_or_else(|| m.clone(), |x| x.name.clone())
        }),
        priority: a.priority,
        kind: a.kind,
        status: a.status,
        text: a.text.clone(),
        ticket: None,
    }
}

fn remedy_text(j: &Judgement) -> String {
    match (j.remedy, j.amount) {
        (r @ (Remedy::Compensation | Remedy::Refund), Some(a)) => format!("{} {a}", remedy_label(r)),
        (r, _) => remedy_label(r),
    }
}

pub fn callback(setup: &Setup, command: CallbackCommand) -> Result<()> {
    match command {
        CallbackCommand::List { month, json } => {
            let desk = setup.desk()?;
            let list = desk.callbacks(month)?;
            if json {
                let mut out = JsonArray::stdout();
                for c in &list {
                    out.push(&CallbackJson::new(c))?;
                }
                out.finish()?;
            } else {
                print_callbacks(&desk, &list);
            }
            Ok(())
        }
        CallbackCommand::Sample { month, json } => {
            let mut desk = setup.desk_for_write()?;
            let month = month.unwrap_or_else(|| crate::domain::callback::Month::of(desk.today()).previous());
            let outcome = desk.sample_callbacks(month)?;
            let picked = if outcome.already {
                desk.callbacks(Some(month))?.iter().map(|c| c.ticket_id).collect()
            } else {
                outcome.picked.clone()
            };
            if json {
                print_json(&SampleJson {
                    already: outcome.already,
                    closed: outcome.closed,
                    month: month.to_string(),
                    picked,
                    share: desk.policy().settings.callback_share,
                })?;
            } else {
                let ids: Vec<String> = picked.iter().map(|id| format!("#{id}")).collect();
                let key = if outcome.already {
                    "callback.already"
                } else if picked.is_empty() {
                    "callback.sampled_none"
                } else {
                    "callback.sampled"
                };
                println!(
                    "{}",
                    t!(
                        key,
                        month = month.to_string(),
                        count = picked.len(),
                        closed = outcome.closed,
                        ids = ids.join(" ")
                    )
                );
            }
            Ok(())
        }
        CallbackCommand::Record {
            id,
            reached,
            score,
            comment,
        } => {
            let outcome = CallOutcome {
                reached,
                score,
                comment,
            };
            outcome
                .validate()
                .map_err(|e| CliError::usage(crate::words::errors::flag(&e, setup.lang)))?;
            let mut desk = setup.desk_for_write()?;
            let cb = desk.record_callback(id, &outcome)?;
            println!("{}", t!("callback.recorded", id = id, month = cb.month.to_string()));
            Ok(())
        }
    }
}

pub fn remedy_label(r: Remedy) -> String {
    t!(format!("review.remedy.{}", r.slug())).to_string()
}

/// The column titles over the review queue's lines.
fn print_breach_header() {
    println!(
        "{} {} {} {} {} {} {} {} {}",
        fit("#", ID_W),
        fit(&t!("review.col.metric"), 22),
        fit(&t!("review.col.due"), 17),
        fit(&t!("review.col.late"), LATE_W),
        fit(&t!("review.col.priority"), 9),
        fit(&t!("review.col.kind"), 14),
        fit(&t!("col.status"), 9),
        fit(&t!("review.col.customer"), 18),
        t!("col.title")
    );
}

/// "#1000000": ticket numbers of a million-ticket desk are not cut ("#9999…").
const ID_W: usize = 8;

/// "35 business min late (15h35m)" and its Chinese fit here.
const LATE_W: usize = 34;

/// One aligned line per breach: ticket, metric and cycle, deadline, how late, title.
fn print_breach(desk: &Desk, b: &Breach, now: DateTime<Utc>) {
    let lang = crate::words::catalogue::locale();
    let cycle = if b.cycle > 1 {
        crate::words::aside(&b.cycle.to_string(), crate::words::catalogue::locale())
    } else {
        String::new()
    };
    println!(
        "{} {} {} {} {} {} {} {} {}",
        fit(&format!("#{}", b.ticket_id), ID_W),
        fit(&format!("{}{cycle}", metric_label(desk, &b.metric)), 22),
        fit(&local(desk, b.due_at), 17),
        fit(&late_both(desk.policy(), b, now, lang), LATE_W),
        fit(&crate::words::word("priority", b.priority.slug(), lang), 9),
        fit(&crate::words::word("kind", b.kind.slug(), lang), 14),
        fit(&status_label(b.status), 9),
        fit(&sanitize_line(&customer_cell(&b.customer)), 18),
        sanitize_line(&b.title)
    );
}

fn print_callbacks(desk: &Desk, list: &[Callback]) {
    if list.is_empty() {
        println!("{}", t!("callback.empty"));
        return;
    }
    let lang = crate::words::catalogue::locale();
    // The supervisor calls these customers: the name and the full phone are the work. Each
    // column is as wide as its heading at least (a sample of short Chinese names cut
    // "Customer" to "Custo…").
    let (customer, phone) = (t!("col.customer"), t!("col.phone"));
    let name_w = list
        .iter()
        .map(|c| width_of(&sanitize_line(&c.customer)))
        .fold(width_of(&customer), usize::max)
        .clamp(4, 16);
    let phone_w = list
        .iter()
        .map(|c| width_of(&sanitize_line(&c.phone)))
        .fold(width_of(&phone), usize::max)
        .clamp(5, 20);
    println!(
        "{} {} {} {} {} {} {}",
        fit("#", 6),
        fit(&t!("col.month"), 8),
        fit(&customer, name_w),
        fit(&phone, phone_w),
        fit(&t!("col.callback"), 16),
        fit(&t!("col.called"), 17),
        t!("col.title")
    );
    for c in list {
        let state = crate::words::callback_state(c, lang);
        let done = c.done_at.map(|d| local(desk, d)).unwrap_or_default();
        println!(
            "{} {} {} {} {} {} {}",
            fit(&format!("#{}", c.ticket_id), 6),
            fit(&c.month.to_string(), 8),
            fit(&sanitize_line(&c.customer), name_w),
            fit(&sanitize_line(&c.phone), phone_w),
            fit(&state, 16),
            fit(&done, 17),
            sanitize_line(&c.title)
        );
        if let Some(o) = c.outcome.as_ref().filter(|o| !o.comment.is_empty()) {
            println!("       {}", sanitize_line(&o.comment));
        }
    }
}

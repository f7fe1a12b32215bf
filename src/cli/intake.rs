//! `promptly intake`: one message on stdin, or a maildir's `new/`; a line per message, then a
//! summary. Exit codes are sysexits, for MDAs (`app::intake::IntakeError`).

use super::Result;
use super::args::IntakeArgs;
use crate::app::intake::{self, Filed, IntakeError, Outcome, Settings};
use crate::app::{Error, Setup};
use crate::desk::mail::{Foreseen, Taken};
use crate::domain::text::sanitize_line;
use crate::t;
use std::io::IsTerminal;

pub fn run(setup: &Setup, args: IntakeArgs) -> Result<()> {
    let untitled = t!("intake.untitled").to_string();
    let settings = Settings::from_config(&setup.config.intake, untitled).map_err(|bad| {
        Error::Failed(t!("intake.bad_setting", key = bad.key, value = sanitize_line(&bad.value)).to_string())
    })?;
    let mut tally = Tally::default();
    let mut report = |o: &Outcome| {
        println!("{}", line(o));
        tally.add(o);
    };
    let done = match &args.maildir {
        Some(dir) => intake::from_maildir(setup, &settings, dir, args.dry_run, &mut report),
        None => {
            // A person at a terminal would wait for ever: intake reads what an MTA pipes in.
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                return Err(Error::usage(t!("intake.stdin_terminal").to_string()));
            }
            intake::from_reader(setup, &settings, &mut stdin.lock(), args.dry_run).map(|o| report(&o))
        }
    };
    if args.maildir.is_some() || args.dry_run {
        println!("{}", tally.summary(args.dry_run));
    }
    done.map_err(Error::Intake)?;
    match tally.last_quarantined {
        Some((reason, path)) if !args.dry_run => Err(Error::Intake(IntakeError::Quarantined {
            count: tally.quarantined,
            reason,
            path,
        })),
        _ => Ok(()),
    }
}

#[derive(Default)]
struct Tally {
    opened: usize,
    replies: usize,
    duplicates: usize,
    quarantined: usize,
    skipped: usize,
    would_take: usize,
    last_quarantined: Option<(intake::Reason, std::path::PathBuf)>,
}

impl Tally {
    fn add(&mut self, o: &Outcome) {
        match &o.filed {
            Filed::Taken(Taken::Opened { .. } | Taken::FollowUp { .. }) => self.opened += 1,
            Filed::Taken(Taken::Reply { .. } | Taken::Bounce { .. }) => self.replies += 1,
            Filed::Taken(Taken::Duplicate { .. }) => self.duplicates += 1,
            Filed::Taken(Taken::StrayBounce) => {}
            Filed::Quarantined { reason, path } => {
                self.quarantined += 1;
                // A bounce nobody sent is kept, not a data error: the MTA must not bounce it again.
                if *reason != intake::Reason::Bounce {
                    self.last_quarantined = Some((*reason, path.clone()));
                }
            }
            Filed::WouldQuarantine(_) => self.quarantined += 1,
            Filed::WouldTake { .. } => self.would_take += 1,
            Filed::Skipped => self.skipped += 1,
        }
    }

    fn summary(&self, dry_run: bool) -> String {
        if dry_run {
            return t!(
                "intake.summary_dry",
                take = self.would_take,
                quarantine = self.quarantined,
                skipped = self.skipped
            )
            .to_string();
        }
        let count = |key: &str, n: usize| t!(crate::words::counted(key, n), n = n);
        t!(
            "intake.summary",
            opened = count("intake.count.opened", self.opened),
            replies = count("intake.count.replies", self.replies),
            duplicates = count("intake.count.duplicates", self.duplicates),
            quarantined = self.quarantined,
            skipped = self.skipped
        )
        .to_string()
    }
}

/// What a dry run says taking a message would do.
fn would_take(id: &str, foreseen: &Foreseen) -> String {
    match foreseen {
        Foreseen::Open => t!("intake.would_open", id = id),
        Foreseen::FollowUp { closed } => t!("intake.would_follow_up", closed = closed, id = id),
        Foreseen::ReplyInRun { answers } => t!("intake.would_reply_in_run", answers = sanitize_line(answers), id = id),
        Foreseen::Reply {
            ticket, reopen: true, ..
        } => t!("intake.would_reply_reopened", ticket = ticket, id = id),
        Foreseen::Reply {
            ticket, resume: true, ..
        } => t!("intake.would_reply_resumed", ticket = ticket, id = id),
        Foreseen::Reply { ticket, .. } => t!("intake.would_reply", ticket = ticket, id = id),
        Foreseen::Bounce { ticket } => t!("intake.would_bounce", ticket = ticket, id = id),
        Foreseen::StrayBounce => t!("intake.reason.bounce"),
        Foreseen::Duplicate { ticket } => t!("intake.would_duplicate", ticket = ticket),
    }
}

/// One message's line: its source and what became of it.
fn line(o: &Outcome) -> String {
    let what = match &o.filed {
        Filed::Taken(Taken::Opened { ticket }) => t!("intake.opened", id = ticket),
        Filed::Taken(Taken::FollowUp { ticket, closed }) => t!("intake.follow_up", id = ticket, closed = closed),
        Filed::Taken(Taken::Reply { ticket, reopened, .. }) if *reopened => t!("intake.reply_reopened", id = ticket),
        Filed::Taken(Taken::Reply { ticket, resumed, .. }) if *resumed => t!("intake.reply_resumed", id = ticket),
        Filed::Taken(Taken::Reply { ticket, .. }) => t!("intake.reply", id = ticket),
        Filed::Taken(Taken::Bounce { ticket }) => t!("intake.bounce", id = ticket),
        Filed::Taken(Taken::Duplicate { ticket }) => t!("intake.duplicate", id = ticket),
        Filed::Taken(Taken::StrayBounce) => t!("intake.reason.bounce"),
        Filed::Quarantined { reason, path } => t!(
            "intake.quarantined",
            reason = crate::words::app::intake_reason(*reason, crate::words::catalogue::locale()),
            path = path.display()
        ),
        Filed::WouldTake { message_id, foreseen } => would_take(&sanitize_line(message_id), foreseen),
        Filed::WouldQuarantine(reason) => t!(
            "intake.would_quarantine",
            reason = crate::words::app::intake_reason(*reason, crate::words::catalogue::locale())
        ),
        Filed::Skipped => t!("intake.skipped"),
    };
    if o.source == "-" {
        return what.to_string();
    }
    format!("{}: {what}", sanitize_line(&o.source))
}

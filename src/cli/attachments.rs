//! `promptly attachments ID [--name NAME] [--save DIR]`: a ticket's mail attachments listed,
//! or saved from the messages the database keeps (see `app::attachments`).

use super::output::local;
use super::{CliError, Result};
use crate::app::Setup;
use crate::app::attachments::{self, Saved};
use crate::domain::mail::MailDirection;
use crate::domain::text::sanitize_line;
use crate::t;
use crate::words::mail::size;
use std::path::Path;

pub fn run(setup: &Setup, id: i64, name: Option<&str>, save: Option<&Path>) -> Result<()> {
    let desk = setup.desk()?;
    let none = || match name {
        Some(n) => t!("attachments.none_named", id = id, name = sanitize_line(n)),
        None => t!("attachments.none", id = id),
    };
    let Some(dir) = save else {
        let rows = attachments::list(&desk, id, name)?;
        if rows.is_empty() {
            println!("{}", none());
        }
        for row in &rows {
            let who = match row.direction {
                MailDirection::In => sanitize_line(&row.from_addr),
                MailDirection::Out => sanitize_line(&row.to_addr),
            };
            for listed in &row.attachments {
                let place = match (&listed.saved, listed.reason.as_deref()) {
                    (Some(path), _) if crate::app::intake::data_dir(setup).join(path).is_file() => {
                        t!("attachments.kept_here", path = sanitize_line(path))
                    }
                    (None, Some("too-large")) => t!("attachments.too_large"),
                    _ => t!("attachments.kept_elsewhere"),
                };
                let line = t!(
                    "attachments.line",
                    at = local(&desk, row.at),
                    who = who,
                    name = sanitize_line(&listed.name),
                    size = size(listed.size),
                    place = place
                );
                println!("{line}");
            }
        }
        return Ok(());
    };
    let done = attachments::save(&desk, id, name, dir)?;
    if done.is_empty() {
        println!("{}", none());
    }
    let mut failed = false;
    for outcome in done {
        match outcome {
            Saved::File { name, path } => println!(
                "{}",
                t!(
                    "attachments.saved",
                    name = sanitize_line(&name),
                    path = sanitize_line(&path.display().to_string())
                )
            ),
            Saved::Missing { name } => {
                failed = true;
                eprintln!("{}", t!("attachments.missing", name = sanitize_line(&name)));
            }
            Saved::Failed { name, error } => {
                failed = true;
                eprintln!(
                    "{}",
                    t!(
                        "attachments.failed",
                        name = sanitize_line(&name),
                        error = sanitize_line(&error)
                    )
                );
            }
        }
    }
    if failed {
        return Err(CliError::failed(t!("attachments.not_all").to_string()));
    }
    Ok(())
}

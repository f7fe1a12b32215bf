//! `promptly reply ID TEXT`: a reply to the customer by email through `[mail] sendmail`,
//! logged as an outbound email contact only once the command took it (exit 0). `--print`
//! writes the message to stdout and logs nothing.

use super::args::ReplyArgs;
use super::{CliError, Result};
use crate::app::Setup;
use crate::app::reply::{self, MailError};
use crate::t;
use std::io::{Read, Write};

/// At most this much reply text is read (a reply is a letter, not an attachment).
const TEXT_LIMIT: u64 = 1024 * 1024;

pub fn run(setup: &Setup, a: ReplyArgs) -> Result<()> {
    let mail = &setup.config.mail;
    // Refused before anything is read or opened: nothing could be sent.
    if !a.print && mail.command().is_none() {
        return Err(CliError::Mail(MailError::NoSendmail));
    }
    if mail.from_mailbox().is_none() {
        return Err(CliError::Mail(MailError::NoFrom));
    }
    let text = text(&a)?;
    if a.print {
        let desk = setup.desk()?;
        let draft = reply::compose(&desk, mail, a.id, a.expect_version, &text)?;
        let mut out = std::io::stdout().lock();
        out.write_all(&draft.bytes)
            .and_then(|()| out.flush())
            .map_err(|e| CliError::Io("stdout".into(), e))?;
        return Ok(());
    }
    let mut desk = setup.desk_for_write()?;
    let draft = reply::compose(&desk, mail, a.id, a.expect_version, &text)?;
    let ticket = reply::send(&mut desk, mail, &draft)?;
    println!(
        "{}",
        t!(
            "reply.sent",
            id = ticket.id,
            to = crate::domain::text::sanitize_line(&draft.reply.to.addr)
        )
    );
    Ok(())
}

/// The reply's text: the argument, `-` for stdin, or `--file`. Stdin is read only when asked.
fn text(a: &ReplyArgs) -> Result<String> {
    let read = |from: &mut dyn Read, name: &std::path::Path| {
        let mut bytes = Vec::new();
        from.take(TEXT_LIMIT)
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::Io(name.to_path_buf(), e))?;
        Ok::<_, CliError>(String::from_utf8_lossy(&bytes).into_owned())
    };
    match (&a.text, &a.file) {
        (Some(t), None) if t == "-" => read(&mut std::io::stdin().lock(), std::path::Path::new("stdin")),
        (Some(t), None) => Ok(t.clone()),
        (None, Some(path)) => {
            let meta = std::fs::metadata(path).map_err(|e| CliError::Io(path.clone(), e))?;
            // A FIFO or a device could block or never end: a reply comes from a file.
            if !meta.is_file() {
                return Err(CliError::Io(
                    path.clone(),
                    std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"),
                ));
            }
            let mut file = std::fs::File::open(path).map_err(|e| CliError::Io(path.clone(), e))?;
            read(&mut file, path)
        }
        _ => Err(CliError::usage(t!("reply.text_needed").to_string())),
    }
}

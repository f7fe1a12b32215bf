//! `promptly attachments`: the attachments of a ticket's mail. Listed from the mail rows;
//! saved by reading them back out of the messages the database keeps whole (`mail.raw`), so
//! any agent saves them on their own machine, whichever machine ran `intake` (the files intake
//! wrote are in that machine's data folder only) and even those intake found too large.

use super::intake::files::write_numbered;
use super::intake::parse;
use super::{Error, Result};
use crate::desk::{Desk, MailRow};
use crate::domain::mail::safe_file_name;
use std::path::{Path, PathBuf};

/// What [`save`] did with one attachment.
#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    /// Written to this new file.
    File { name: String, path: PathBuf },
    /// Listed on the mail but not in the message kept (nothing to write).
    Missing { name: String },
    /// Could not be written: why.
    Failed { name: String, error: String },
}

/// The mail of ticket `id` that has attachments (named `name`, when given), oldest first.
pub fn list(desk: &Desk, id: i64, name: Option<&str>) -> Result<Vec<MailRow>> {
    let mut rows = desk.mail_of_ticket(id)?;
    for row in &mut rows {
        row.attachments.retain(|a| name.is_none_or(|n| a.name == n));
    }
    rows.retain(|r| !r.attachments.is_empty());
    Ok(rows)
}

/// Writes the attachments of ticket `id`'s mail (named `name`, when given) into `dir` (made,
/// 0700, when missing), each a new file, 0600, its name made safe and numbered when taken
/// (`invoice-2.pdf`): an existing file is never written over.
pub fn save(desk: &Desk, id: i64, name: Option<&str>, dir: &Path) -> Result<Vec<Saved>> {
    let rows = list(desk, id, name)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    chosen_dir(dir).map_err(|e| Error::Io(dir.to_path_buf(), e))?;
    let mut done = Vec::new();
    for row in rows {
        let raw = desk.mail_raw(row.id)?.unwrap_or_default();
        let mut parts = parse::attachments(&raw);
        for listed in row.attachments {
            // The parts come in the order intake listed them; a name may be listed twice.
            let found = parts
                .iter()
                .position(|p| p.name == listed.name)
                .map(|i| parts.remove(i));
            let Some(data) = found.and_then(|p| p.data) else {
                done.push(Saved::Missing { name: listed.name });
                continue;
            };
            done.push(match write_numbered(dir, &safe_file_name(&listed.name), &data) {
                Ok(file) => Saved::File {
                    name: listed.name,
                    path: dir.join(file),
                },
                Err(e) => Saved::Failed {
                    name: listed.name,
                    error: e.to_string(),
                },
            });
        }
    }
    Ok(done)
}

/// The folder the user chose (`--save`, the downloads folder): made 0700 with its parents when
/// missing; a symlink to a folder is followed, as a user's `~/Downloads` may be one (each file
/// is still made new, never through a symlink).
fn chosen_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    // Asked first: making over a file (`--save /dev/null`) says only "File exists".
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => return Ok(()),
        Ok(_) => {
            return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "not a folder"));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

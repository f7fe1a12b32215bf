//! What intake writes outside the database: attachments under `<data dir>/attachments/<ticket>/`
//! and quarantined messages in the `<data dir>/quarantine/` maildir. Folders 0700, files 0600,
//! created new (never through a symlink, never onto an existing file or a non-regular one).

use super::parse::Part;
use crate::domain::mail::{self, Attachment};
use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// A folder of ours: made 0700 when missing; an existing one must be a real folder.
pub fn private_dir(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} is not a folder", path.display()),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                private_dir(parent)?;
            }
            match DirBuilder::new().mode(0o700).create(path) {
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => private_dir(path),
                other => other,
            }
        }
        Err(e) => Err(e),
    }
}

/// A new file, 0600, not following a symlink: fails if the name is taken.
pub fn create_new(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// Saves a message's attachments for `ticket`, listing each: saved (path relative to the
/// data dir), or why not. Every file written is added to `written` (removed again if the
/// transaction does not commit).
pub fn save_parts(data_dir: &Path, ticket: i64, parts: &[Part], written: &mut Vec<PathBuf>) -> Vec<Attachment> {
    if parts.is_empty() {
        return Vec::new();
    }
    let folder = data_dir.join("attachments").join(ticket.to_string());
    let ready = private_dir(&folder);
    parts
        .iter()
        .map(|p| {
            let name = mail::safe_file_name(&p.name);
            let mut listed = Attachment {
                name: p.name.clone(),
                size: p.size,
                saved: None,
                reason: None,
            };
            let Some(data) = &p.data else {
                listed.reason = Some("too-large".into());
                return listed;
            };
            if ready.is_err() {
                listed.reason = Some("write-failed".into());
                return listed;
            }
            match write_numbered(&folder, &name, data) {
                Ok(file) => {
                    listed.saved = Some(format!("attachments/{ticket}/{file}"));
                    written.push(folder.join(file));
                }
                Err(_) => listed.reason = Some("write-failed".into()),
            }
            listed
        })
        .collect()
}

/// Writes `data` as `name` in `folder`, or `name-2`, `name-3`... when taken; returns the name.
pub fn write_numbered(folder: &Path, name: &str, data: &[u8]) -> io::Result<String> {
    for n in 1..=1000 {
        let candidate = mail::numbered(name, n);
        let path = folder.join(&candidate);
        match create_new(&path) {
            Ok(mut f) => {
                let done = f.write_all(data).and_then(|_| f.sync_all());
                if let Err(e) = done {
                    let _ = std::fs::remove_file(&path);
                    return Err(e);
                }
                return Ok(candidate);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, "no free name"))
}

/// Puts a message in the quarantine maildir with the reason in a header put before it
/// (`X-Promptly-Quarantine: REASON; AT`): written to `tmp/`, synced, then moved to `new/`.
/// `rest` is what is still unread of it (stdin past the size limit), copied after `head`.
pub fn quarantine(
    data_dir: &Path,
    reason: &str,
    at: chrono::DateTime<chrono::Utc>,
    head: &[u8],
    rest: Option<&mut dyn Read>,
) -> io::Result<PathBuf> {
    let root = data_dir.join("quarantine");
    for sub in ["tmp", "new", "cur"] {
        private_dir(&root.join(sub))?;
    }
    let name = unique_name(at.timestamp());
    let tmp = root.join("tmp").join(&name);
    let mut f = create_new(&tmp)?;
    let written = (|| {
        write!(
            f,
            "X-Promptly-Quarantine: {reason}; {}\r\n",
            at.format("%Y-%m-%dT%H:%M:%SZ")
        )?;
        f.write_all(head)?;
        if let Some(rest) = rest {
            io::copy(rest, &mut f)?;
        }
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let new = root.join("new").join(&name);
    std::fs::rename(&tmp, &new)?;
    Ok(new)
}

/// A maildir file name: time (the app's clock, as every instant Promptly writes), process, a
/// random part, and a host part.
fn unique_name(secs: i64) -> String {
    format!(
        "{}.P{}R{:016x}.promptly",
        secs,
        std::process::id(),
        rand::random::<u64>()
    )
}

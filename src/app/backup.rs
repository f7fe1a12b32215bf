//! `promptly backup` and `promptly restore`: where copies go, what is checked before a copy is
//! kept or put in place, and rotation. The copying itself is `store::backup` (SQLite's online
//! backup API); the checks are `promptly verify`'s (`store::verify` and `desk::verify`).

use super::{Access, Error, Result, Setup};
use crate::desk::Verification;
use crate::store::Store;
use crate::store::backup::{self as copy, Copied, Replaced};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// Why a backup or restore did not complete, beyond the store's own refusals.
#[derive(Debug)]
pub enum BackupError {
    /// The file is already there and `--force` was not given.
    Exists(PathBuf),
    /// The copy would be written over the database itself (or restored from it).
    SameFile(PathBuf),
    /// The copy did not pass the checks; it was removed.
    CopyUnsound(Verification),
    /// The file to restore did not pass the checks; nothing was replaced.
    FileUnsound(PathBuf, Verification),
    /// Another process has the database open; nothing was replaced.
    Held(PathBuf),
    /// Not a regular file (a device, a folder, a link): never replaced, even with `--force`
    /// (run as root, a rename over /dev/null would replace the device).
    NotAFile(PathBuf),
}

impl From<BackupError> for Error {
    fn from(e: BackupError) -> Self {
        Error::Backup(e)
    }
}

/// What a backup or restore is doing, for a progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Copying(Copied),
    /// Running `verify` on the copy.
    Checking,
}

/// `promptly backup [FILE] [--force] [--keep N]`.
#[derive(Debug, Clone, Default)]
pub struct BackupRequest {
    /// Where to write; by default `backups/promptly-<UTC timestamp>.db` beside the database.
    pub file: Option<PathBuf>,
    /// Replace `file` if it exists.
    pub force: bool,
    /// Keep only this many backups (our names only) in the copy's folder.
    pub keep: Option<usize>,
}

/// A backup that was checked and kept.
#[derive(Debug)]
pub struct BackupDone {
    pub path: PathBuf,
    pub verification: Verification,
    /// Older backups removed by `--keep`.
    pub removed: Vec<PathBuf>,
}

/// A file checked and ready to go in place of the database ([`Setup::prepare_restore`]).
#[derive(Debug)]
pub struct Restore {
    target: PathBuf,
    /// How the target is made readable: for its owner, or for the configured group.
    sharing: crate::store::Sharing,
    aside: Option<PathBuf>,
    copy: Scratch,
    pub verification: Verification,
}

impl Setup {
    /// Copies the database while others write, checks the copy and keeps it (mode 0600): a
    /// missing database is refused before anything is created, and a copy that fails the
    /// checks is removed.
    pub fn backup(&self, request: &BackupRequest, progress: &mut dyn FnMut(Stage)) -> Result<BackupDone> {
        // A server keeps its own backups (pg_dump); this copies a file.
        self.require_file(crate::store::SqliteOnly::Backup)?;
        let db = self.db_path();
        let source = Store::open(&db, Access::ReadOnly)?;
        let (dest, default) = match &request.file {
            Some(file) => (file.clone(), false),
            None => (backups_dir(&db).join(backup_name(self.clock.now())), true),
        };
        if same_file(&dest, &db) {
            return Err(BackupError::SameFile(dest).into());
        }
        match dest.symlink_metadata() {
            Ok(meta) if !meta.file_type().is_file() => return Err(BackupError::NotAFile(dest).into()),
            Ok(_) if !request.force => return Err(BackupError::Exists(dest).into()),
            _ => {}
        }
        let folder = folder_of(&dest);
        if default {
            backups_folder(&folder, self.config.sharing)?;
        }
        let scratch = Scratch::new(&folder, ".promptly-backup-")?;
        source.backup_into(scratch.path(), &mut |c| progress(Stage::Copying(c)))?;
        drop(source);
        progress(Stage::Checking);
        let verification = self.check(scratch.path())?;
        if !verification.findings.is_empty() {
            return Err(BackupError::CopyUnsound(verification).into());
        }
        scratch.keep_as(&dest, request.force)?;
        // Shared with the database's group, as the database is: any of them may restore it.
        if self.config.sharing != crate::store::Sharing::Private {
            self.config
                .sharing
                .apply_to_file(&dest)
                .map_err(|e| Error::Io(dest.clone(), e))?;
        }
        let removed = match request.keep {
            Some(keep) => rotate(&folder, keep)?,
            None => Vec::new(),
        };
        Ok(BackupDone {
            path: dest,
            verification,
            removed,
        })
    }

    /// Checks `file` for a restore: a Promptly database at a schema this build reads (copied
    /// and brought up to date, never written to), sound by `verify`, and the database not open
    /// in another process. Writes nothing but a scratch copy, removed when the [`Restore`] is.
    pub fn prepare_restore(&self, file: &Path, progress: &mut dyn FnMut(Stage)) -> Result<Restore> {
        self.require_file(crate::store::SqliteOnly::Backup)?;
        let target = self.db_path();
        if same_file(file, &target) {
            return Err(BackupError::SameFile(file.to_path_buf()).into());
        }
        std::fs::metadata(file).map_err(|e| Error::Io(file.to_path_buf(), e))?;
        if target.symlink_metadata().is_ok_and(|m| !m.file_type().is_file()) {
            return Err(BackupError::NotAFile(target).into());
        }
        // Beside the database when its folder exists (the same disk); else nothing is made there.
        let folder = Some(folder_of(&target))
            .filter(|f| f.is_dir())
            .unwrap_or_else(std::env::temp_dir);
        let scratch = Scratch::new(&folder, ".promptly-restore-")?;
        copy::copy_file(file, scratch.path(), &mut |c| progress(Stage::Copying(c)))?;
        copy::bring_up_to_date(scratch.path())?;
        progress(Stage::Checking);
        let verification = self.check(scratch.path())?;
        if !verification.findings.is_empty() {
            return Err(BackupError::FileUnsound(file.to_path_buf(), verification).into());
        }
        if copy::held_elsewhere(&target)? {
            return Err(BackupError::Held(target).into());
        }
        let aside = target
            .symlink_metadata()
            .is_ok()
            .then(|| aside_name(&target, self.clock.now()));
        Ok(Restore {
            target,
            sharing: self.config.sharing,
            aside,
            copy: scratch,
            verification,
        })
    }

    /// `verify` on a copy.
    fn check(&self, path: &Path) -> Result<Verification> {
        Ok(self.desk_on(Store::open(path, Access::ReadOnly)?).verify()?)
    }
}

impl Restore {
    /// The database that will be replaced.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Where the replaced database will be kept (none when there is no database yet).
    pub fn aside(&self) -> Option<&Path> {
        self.aside.as_deref()
    }

    /// Puts the checked copy in place, the old database kept aside first; refused, with nothing
    /// changed, if another process has the database open by now.
    pub fn commit(self, progress: &mut dyn FnMut(Stage)) -> Result<Option<PathBuf>> {
        let replaced = copy::replace(
            &self.target,
            self.copy.path(),
            self.aside.as_deref(),
            self.sharing,
            &mut |c| progress(Stage::Copying(c)),
        )?;
        match replaced {
            Replaced::Done => Ok(self.aside),
            Replaced::Held => Err(BackupError::Held(self.target).into()),
        }
    }
}

/// `promptly-20261203T112233Z.db`: sorts by time, and only such names are rotated.
pub fn backup_name(at: DateTime<Utc>) -> String {
    format!("promptly-{}.db", at.format("%Y%m%dT%H%M%SZ"))
}

/// Whether `name` is one [`backup_name`] makes.
pub fn is_backup_name(name: &str) -> bool {
    let Some(stamp) = name.strip_prefix("promptly-").and_then(|n| n.strip_suffix(".db")) else {
        return false;
    };
    let b = stamp.as_bytes();
    b.len() == 16
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'T'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && b[15] == b'Z'
}

/// `backups/` in the database's folder (the data dir, unless `--db` says otherwise).
pub fn backups_dir(db: &Path) -> PathBuf {
    folder_of(db).join("backups")
}

/// `promptly.db.replaced-20261203T112233Z`.
fn aside_name(db: &Path, at: DateTime<Utc>) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(format!(".replaced-{}", at.format("%Y%m%dT%H%M%SZ")));
    PathBuf::from(name)
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether `a` names the database `db` or one of its companion files.
pub(crate) fn same_file(a: &Path, db: &Path) -> bool {
    let resolve = |p: &Path| match (p.canonicalize(), p.file_name()) {
        (Ok(full), _) => Some(full),
        (Err(_), Some(name)) => folder_of(p).canonicalize().ok().map(|d| d.join(name)),
        (Err(_), None) => None,
    };
    let (Some(a), Some(db)) = (resolve(a), resolve(db)) else {
        return false;
    };
    ["", "-wal", "-shm", "-journal"].iter().any(|suffix| {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        a.as_os_str() == name
    })
}

/// Creates the backups folder `dir` (and missing parents) only its owner can enter, or, for a
/// database shared with a group, that group too (an existing folder is left as it is).
fn backups_folder(dir: &Path, sharing: crate::store::Sharing) -> Result<()> {
    let existed = dir.exists();
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| Error::Io(dir.to_path_buf(), e))?;
    if !existed && sharing != crate::store::Sharing::Private {
        sharing
            .apply_to_folder(dir)
            .map_err(|e| Error::Io(dir.to_path_buf(), e))?;
    }
    Ok(())
}

/// Removes the backups in `dir` beyond the `keep` newest (by the time in their names).
fn rotate(dir: &Path, keep: usize) -> Result<Vec<PathBuf>> {
    let io = |e| Error::Io(dir.to_path_buf(), e);
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if let Some(name) = entry.file_name().to_str().filter(|n| is_file && is_backup_name(n)) {
            names.push(name.to_string());
        }
    }
    names.sort_unstable_by(|a, b| b.cmp(a));
    let mut removed = Vec::new();
    for name in names.into_iter().skip(keep) {
        let path = dir.join(name);
        std::fs::remove_file(&path).map_err(|e| Error::Io(path.clone(), e))?;
        removed.push(path);
    }
    Ok(removed)
}

/// A new file, mode 0600, in a folder, removed with its SQLite companions unless kept.
#[derive(Debug)]
struct Scratch {
    path: Option<tempfile::TempPath>,
    name: PathBuf,
}

impl Scratch {
    fn new(dir: &Path, prefix: &str) -> Result<Scratch> {
        let file = tempfile::Builder::new()
            .prefix(prefix)
            .suffix(".part")
            .tempfile_in(dir)
            .map_err(|e| Error::Io(dir.to_path_buf(), crate::app::error::without_temp_path(e)))?;
        // The descriptor is closed before SQLite opens the file: closing one later would drop
        // SQLite's locks on it.
        let path = file.into_temp_path();
        Ok(Scratch {
            name: path.to_path_buf(),
            path: Some(path),
        })
    }

    fn path(&self) -> &Path {
        &self.name
    }

    /// Renames the copy to `dest` (never over an existing file unless `force`) and makes the
    /// new name durable.
    fn keep_as(mut self, dest: &Path, force: bool) -> Result<()> {
        let Some(path) = self.path.take() else { return Ok(()) };
        let kept = if force {
            path.persist(dest)
        } else {
            path.persist_noclobber(dest)
        };
        if let Err(e) = kept {
            self.path = Some(e.path);
            return Err(match e.error.kind() {
                std::io::ErrorKind::AlreadyExists => BackupError::Exists(dest.to_path_buf()).into(),
                _ => Error::Io(dest.to_path_buf(), e.error),
            });
        }
        // The rename is in the folder's entries: synced too, or a crash could lose it.
        let folder = folder_of(dest);
        std::fs::File::open(&folder)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::Io(folder, e))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        for suffix in ["-journal", "-wal", "-shm"] {
            let mut name = self.name.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn backup_names_carry_the_time_and_only_they_are_rotated() {
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 11, 22, 33).unwrap();
        assert_eq!(backup_name(at), "promptly-20261203T112233Z.db");
        assert!(is_backup_name(&backup_name(at)));
        for other in [
            "promptly.db",
            "promptly-20261203T112233Z.db-wal",
            "promptly-20261203T1122Z.db",
            "promptly-2026120xT112233Z.db",
            "mine-20261203T112233Z.db",
            "promptly-20261203T112233Z.db.replaced-20261203T112233Z",
        ] {
            assert!(!is_backup_name(other), "{other}");
        }
        assert_eq!(
            aside_name(Path::new("/d/promptly.db"), at),
            PathBuf::from("/d/promptly.db.replaced-20261203T112233Z")
        );
        assert_eq!(backups_dir(Path::new("x.db")), PathBuf::from("./backups"));
    }

    #[test]
    fn the_database_and_its_companions_are_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("p.db");
        std::fs::write(&db, "").unwrap();
        assert!(same_file(&db, &db));
        assert!(same_file(&dir.path().join("./p.db-wal"), &db));
        assert!(!same_file(&dir.path().join("q.db"), &db));
    }
}

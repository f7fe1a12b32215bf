//! Whole-database copies through SQLite's online backup API: taking one while others write
//! (`promptly backup`) and putting one in place of the database (`promptly restore`). The use
//! cases (names, checks, rotation) are `app::backup`; this is the part that speaks SQLite.

use super::SqliteOnly;
use super::{Result, Sharing, Store, StoreError, check_header, check_identity, create_new};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// Pages copied between two progress reports: 4 MiB at SQLite's default page size.
const PAGES_PER_STEP: i32 = 1024;

/// How long a step waits for a lock before it is tried again, and how often.
const BUSY_PAUSE: Duration = Duration::from_millis(50);
const BUSY_TRIES: u32 = 200;

/// How far a copy has come, in pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    pub done: u64,
    pub total: u64,
}

/// What [`replace`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaced {
    /// The copy is in place; the old database (if there was one) is kept aside.
    Done,
    /// Another connection has the database open: nothing was changed.
    Held,
}

impl Store {
    /// Copies the whole database into `dest`, an empty file the caller made (with the mode it
    /// wants), as one snapshot, while other processes go on writing. The copy is a single file
    /// in rollback-journal mode: no `-wal` beside it, readable read-only anywhere.
    pub fn backup_into(&self, dest: &Path, progress: &mut dyn FnMut(Copied)) -> Result<()> {
        // A read transaction held across the steps: the copy is one snapshot, and a writer in
        // another process (WAL) neither waits for it nor makes it start over.
        self.sqlite(SqliteOnly::Backup)?.execute_batch("BEGIN DEFERRED")?;
        let copied = self
            .sqlite(SqliteOnly::Backup)?
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))
            .map_err(StoreError::from)
            .and_then(|_| copy_into(self.sqlite(SqliteOnly::Backup)?, dest, progress));
        let ended = self.sqlite(SqliteOnly::Backup)?.execute_batch("COMMIT");
        copied?;
        Ok(ended?)
    }
}

/// Copies the Promptly database at `from` into the empty file `dest` without writing to `from`:
/// a file that is not SQLite, not ours, or from a newer Promptly is refused first.
pub fn copy_file(from: &Path, dest: &Path, progress: &mut dyn FnMut(Copied)) -> Result<()> {
    check_header(from)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(from, flags)?;
    if check_identity(&conn, from)? == super::Found::Empty {
        return Err(StoreError::NotPromptly(from.to_path_buf()));
    }
    // One snapshot, should another program be writing to FILE.
    conn.execute_batch("BEGIN DEFERRED")?;
    let _: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    copy_into(&conn, dest, progress)
}

/// Brings a copy to this build's schema (as any open does) and back to one self-contained file.
pub fn bring_up_to_date(path: &Path) -> Result<()> {
    let store = Store::open(path, super::Access::ReadWrite)?;
    let _: String = store
        .sqlite(SqliteOnly::Backup)?
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    Ok(())
}

/// Whether another process has the database at `path` open. In WAL mode every connection that
/// has read keeps a shared lock on the file's lock range and on the `-shm` file's "dead man
/// switch" byte for as long as it is open (SQLite's wal.c); `F_GETLK` asks about them without
/// taking a lock. Call it while this process has no connection on `path`: closing the probe's
/// descriptor drops every POSIX lock this process holds on the file.
#[cfg(unix)]
pub fn held_elsewhere(path: &Path) -> Result<bool> {
    // os_unix.c: PENDING_BYTE is 0x40000000; SHARED takes the 510 bytes after PENDING and
    // RESERVED; the -shm file's DMS byte is 128 (after the 8 WAL lock bytes at 120).
    const PENDING_BYTE: i64 = 0x4000_0000;
    const DMS_BYTE: i64 = 128;
    let mut shm = path.as_os_str().to_owned();
    shm.push("-shm");
    Ok(locked(path, PENDING_BYTE, 512)? || locked(Path::new(&shm), DMS_BYTE, 1)?)
}

/// Elsewhere, [`replace`]'s exclusive lock is the only test.
#[cfg(not(unix))]
pub fn held_elsewhere(_path: &Path) -> Result<bool> {
    Ok(false)
}

/// Whether another process holds any lock on `len` bytes of `path` from `start`.
#[cfg(unix)]
fn locked(path: &Path, start: i64, len: i64) -> Result<bool> {
    use std::os::fd::AsRawFd;
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(StoreError::Io(path.to_path_buf(), e)),
    };
    // SAFETY: `flock` is plain integers, for which all zeroes is a valid value.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as _;
    lock.l_whence = libc::SEEK_SET as _;
    lock.l_start = start as _;
    lock.l_len = len as _;
    // SAFETY: F_GETLK reads and fills `lock`, which outlives the call; the descriptor is open.
    let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETLK, &mut lock) };
    if rc == -1 {
        return Err(StoreError::Io(path.to_path_buf(), std::io::Error::last_os_error()));
    }
    Ok(i32::from(lock.l_type) != libc::F_UNLCK)
}

/// Puts the database at `from` (a checked copy) in place of the one at `target`, first keeping
/// the old one, with its `-wal` content, as `aside` (a new file, mode 0600). All under an
/// exclusive lock: a process that has the database open is found (the lock cannot be had),
/// and none can read or write it half-replaced. A missing `target` is created (0600, its new
/// folders 0700, unless `sharing` says a group shares it). On failure the target is as it was.
pub fn replace(
    target: &Path,
    from: &Path,
    aside: Option<&Path>,
    sharing: Sharing,
    progress: &mut dyn FnMut(Copied),
) -> Result<Replaced> {
    let io = |e| StoreError::Io(target.to_path_buf(), e);
    let created = match std::fs::symlink_metadata(target) {
        // Never a device or a link: its mode is set below.
        Ok(meta) if !meta.file_type().is_file() => {
            return Err(io(std::io::Error::other("not a regular file")));
        }
        Ok(_) => {
            check_header(target)?;
            None
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(create_new(target, sharing).map_err(io)?),
        Err(e) => return Err(io(e)),
    };
    let done = replace_locked(target, from, aside, progress);
    if !matches!(done, Ok(Replaced::Done))
        && let Some(created) = created
    {
        created.undo();
    }
    if matches!(done, Ok(Replaced::Done)) {
        sharing
            .apply_to_file(target)
            .map_err(|e| StoreError::Io(target.to_path_buf(), e))?;
    }
    done
}

fn replace_locked(
    target: &Path,
    from: &Path,
    aside: Option<&Path>,
    progress: &mut dyn FnMut(Copied),
) -> Result<Replaced> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(target, flags)?;
    conn.busy_timeout(Duration::from_millis(500))?;
    // Exclusive before the first read: that read then takes the file's exclusive lock (in WAL
    // mode too, the WAL index kept in this process), which another open connection prevents.
    let _: String = conn.query_row("PRAGMA locking_mode = EXCLUSIVE", [], |r| r.get(0))?;
    match check_identity(&conn, target) {
        // A newer Promptly's database may be replaced by an older copy: it is kept aside.
        Ok(_) | Err(StoreError::TooNew { .. }) => {}
        Err(StoreError::Sql(e)) if is_busy(&e) => return Ok(Replaced::Held),
        Err(e) => return Err(e),
    }
    // Out of WAL: its content goes into the file (the copy kept aside is whole) and the
    // -wal and -shm files go. SQLite allows it only to the one connection left.
    match conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0)) {
        Ok(mode) if mode.eq_ignore_ascii_case("delete") => {}
        Ok(_) => return Ok(Replaced::Held),
        Err(e) if is_busy(&e) => return Ok(Replaced::Held),
        Err(e) => return Err(e.into()),
    }
    // In exclusive locking mode the lock outlives the transaction, until the connection closes.
    if let Err(e) = conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;") {
        return if is_busy(&e) { Ok(Replaced::Held) } else { Err(e.into()) };
    }
    // A -shm left by a process that ended without closing: nobody has it open (the lock above
    // says so), and the new database does not use it.
    let mut shm = target.as_os_str().to_owned();
    shm.push("-shm");
    match std::fs::remove_file(&shm) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(StoreError::Io(shm.into(), e));
        }
        _ => {}
    }
    let kept = match aside {
        Some(aside) => {
            let made = create_new(aside, Sharing::Private).map_err(|e| StoreError::Io(aside.to_path_buf(), e))?;
            match copy_into(&conn, aside, &mut |_| {}) {
                Ok(()) => Some(made),
                Err(e) => {
                    made.undo();
                    return Err(e);
                }
            }
        }
        None => None,
    };
    let copied = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(StoreError::from)
        .and_then(|source| copy_pages(&source, &mut conn, progress))
        .and_then(|()| conn.close().map_err(|(_, e)| StoreError::from(e)));
    match (copied, kept) {
        (Ok(()), _) => Ok(Replaced::Done),
        // The copy's own transaction rolled back: the target is as it was, and so nothing
        // needs keeping aside.
        (Err(e), kept) => {
            if let Some(kept) = kept {
                kept.undo();
            }
            Err(e)
        }
    }
}

/// Copies the main database of `from` into the file `dest`, left in rollback-journal mode.
fn copy_into(from: &Connection, dest: &Path, progress: &mut dyn FnMut(Copied)) -> Result<()> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut to = Connection::open_with_flags(dest, flags)?;
    copy_pages(from, &mut to, progress)?;
    // The pages say WAL when the source is: one file is what a backup should be.
    let _: String = to.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    to.close().map_err(|(_, e)| StoreError::from(e))?;
    Ok(())
}

/// The backup API's steps, reporting after each; a step that finds a lock taken waits and
/// tries again, a bounded number of times.
fn copy_pages(from: &Connection, to: &mut Connection, progress: &mut dyn FnMut(Copied)) -> Result<()> {
    let backup = Backup::new(from, to)?;
    let mut waits = 0;
    loop {
        let step = backup.step(PAGES_PER_STEP)?;
        let p = backup.progress();
        let total = u64::try_from(p.pagecount).unwrap_or(0);
        let remaining = u64::try_from(p.remaining).unwrap_or(0);
        progress(Copied {
            done: total.saturating_sub(remaining),
            total,
        });
        match step {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            _ if waits < BUSY_TRIES => {
                waits += 1;
                std::thread::sleep(BUSY_PAUSE);
            }
            _ => {
                return Err(StoreError::Sql(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    None,
                )));
            }
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

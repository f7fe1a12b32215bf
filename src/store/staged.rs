//! A new database built beside the place it is for and put there whole (`demo` into a file
//! that does not exist yet). Built with no journal and no fsync until the end, each page is
//! written once (in WAL mode every page went to the WAL and again to the file); a run cut
//! short leaves no half-filled database, only the partial file, removed when the run fails
//! and by the next run when it was killed.

use super::SqliteOnly;
use super::file::{Created, create_new};
use super::{Backend, Result, Sharing, Store, StoreError};
use std::path::{Path, PathBuf};

/// What a staged store is for: where it goes once it is whole.
pub(super) struct Staged {
    target: PathBuf,
    /// Insert triggers dropped while it is built (name, SQL): made again before it is put in
    /// place. Nobody else can write the file meanwhile, and the bulk writer gives every entry
    /// a new id and its hash; each trigger was a lookup and a statement journal per row.
    triggers: Vec<(String, String)>,
    /// The partial file (and any folders made for it), removed unless it was put in place.
    created: Option<Created>,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(created) = self.created.take() {
            created.undo();
        }
    }
}

/// The insert triggers a staged store leaves out until it is whole: the log's (ids never
/// reused, every entry hashed) and the unjudged-breach tally's.
const DEFERRED_TRIGGERS: &str = "'log_ids_are_never_reused', 'log_entries_are_chained', 'tally_unjudged_insert'";

/// The file a database for `target` is built in.
pub fn partial_path(target: &Path) -> PathBuf {
    let mut name = target.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// `path` with SQLite's `suffix` (`-wal`, `-shm`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

impl Store {
    /// A new, empty database for `target`, which must not exist, built in
    /// [`partial_path`]`(target)` (made for `sharing`: mode 0600 unless shared) until
    /// [`Store::put_in_place`]. A partial file left by a run that was killed is replaced,
    /// unless a process still has it open.
    pub fn stage_new(target: &Path, sharing: Sharing) -> Result<Store> {
        let partial = partial_path(target);
        let io = |e| StoreError::Io(partial.clone(), e);
        match std::fs::symlink_metadata(&partial) {
            Ok(meta) if !meta.file_type().is_file() => {
                return Err(io(std::io::Error::other("not a regular file")));
            }
            Ok(_) if super::backup::held_elsewhere(&partial)? => {
                return Err(io(std::io::ErrorKind::ResourceBusy.into()));
            }
            Ok(_) => std::fs::remove_file(&partial).map_err(io)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        let staged = Staged {
            target: target.to_path_buf(),
            triggers: Vec::new(),
            created: Some(create_new(&partial, sharing).map_err(io)?),
        };
        let conn = rusqlite::Connection::open_with_flags(
            &partial,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // Nobody else may open it (exclusive lock); nothing to roll back to but an empty file
        // (no journal); durable once, at the end (no fsync).
        let _: String = conn.query_row("PRAGMA locking_mode = EXCLUSIVE", [], |r| r.get(0))?;
        let _: String = conn.query_row("PRAGMA journal_mode = OFF", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON; PRAGMA threads = 2;")?;
        let mut store = Store {
            backend: Backend::Sqlite(conn),
            file: super::file_id(&partial),
            path: partial,
            staged: Some(staged),
        };
        store.migrate()?;
        let triggers: Vec<(String, String)> = store
            .sqlite(SqliteOnly::BulkWrites)?
            .prepare(&format!(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name IN ({DEFERRED_TRIGGERS}) ORDER BY name"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, _) in &triggers {
            store
                .sqlite(SqliteOnly::BulkWrites)?
                .execute_batch(&format!("DROP TRIGGER \"{name}\""))?;
        }
        if let Some(staged) = store.staged.as_mut() {
            staged.triggers = triggers;
        }
        Ok(store)
    }

    /// Puts a store made by [`Store::stage_new`] in place: in WAL mode like every database,
    /// on disk (fsync), then linked to its target, which must still not exist. Stale `-wal`
    /// and `-shm` files of a database once at the target (nobody has them open) are removed
    /// first, so SQLite cannot read them as the new one's. Nothing to do for any other store.
    pub fn put_in_place(mut self) -> Result<()> {
        let Some(mut staged) = self.staged.take() else {
            return Ok(());
        };
        let partial = self.path.clone();
        // The tally its trigger kept, counted once (a covering partial index), then the
        // triggers back as they were.
        self.sqlite(SqliteOnly::BulkWrites)?.execute(
            "UPDATE tallies SET n = (SELECT count(*) FROM clocks WHERE breached_at IS NOT NULL AND judged = 0)
             WHERE name = 'unjudged_breaches'",
            [],
        )?;
        for (_, sql) in &staged.triggers {
            self.sqlite(SqliteOnly::BulkWrites)?.execute_batch(sql)?;
        }
        let _: String = self
            .sqlite(SqliteOnly::BulkWrites)?
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        let Backend::Sqlite(conn) = self.backend else {
            return Err(StoreError::NotOnServer(SqliteOnly::BulkWrites));
        };
        conn.close().map_err(|(_, e)| StoreError::from(e))?;
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |e| StoreError::Io(path, e)
        };
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(io(&partial))?;
        let target = staged.target.clone();
        // Made meanwhile: never replaced, and its -wal is its own.
        if std::fs::symlink_metadata(&target).is_ok() {
            return Err(io(&target)(std::io::ErrorKind::AlreadyExists.into()));
        }
        if super::backup::held_elsewhere(&target)? {
            return Err(io(&target)(std::io::ErrorKind::ResourceBusy.into()));
        }
        for suffix in ["-wal", "-shm"] {
            let stale = with_suffix(&target, suffix);
            match std::fs::remove_file(&stale) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&stale)(e)),
                _ => {}
            }
        }
        // A link fails if the target was made meanwhile (a rename would replace it).
        match std::fs::hard_link(&partial, &target) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(io(&target)(e)),
            // A file system without hard links: a rename, after the check above.
            Err(_) if !target.exists() => std::fs::rename(&partial, &target).map_err(io(&target))?,
            Err(e) => return Err(io(&target)(e)),
        }
        // In place: from here nothing is undone (the partial name goes, its folders stay).
        if let Some(created) = staged.created.take() {
            let _ = std::fs::remove_file(&created.file);
        }
        #[cfg(unix)]
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))?;
        }
        Ok(())
    }
}

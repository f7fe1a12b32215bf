//! The database file itself: created private (or for a group), its header checked, which
//! file a path names.

use super::{Result, SQLITE_MAGIC, Sharing, StoreError};
use std::path::{Path, PathBuf};

/// A file's device and inode: which file a path names right now.
pub(super) fn file_id(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// What [`create_new`] made, so that a failed open can take it back.
pub(super) struct Created {
    pub(super) file: PathBuf,
    /// Folders it made, innermost first.
    dirs: Vec<PathBuf>,
}

impl Created {
    pub(super) fn undo(self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = self.file.clone().into_os_string();
            name.push(suffix);
            let _ = std::fs::remove_file(name);
        }
        for dir in self.dirs {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Creates the database file for `sharing` (readable by its owner only unless shared with a
/// group), in folders made the same way.
pub(super) fn create_new(path: &Path, sharing: Sharing) -> std::io::Result<Created> {
    let mut dirs = Vec::new();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        dirs = dir
            .ancestors()
            .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
            .map(Path::to_path_buf)
            .collect();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let created = Created {
        file: path.to_path_buf(),
        dirs,
    };
    let shared = |created: &Created| -> std::io::Result<()> {
        if sharing == Sharing::Private {
            return Ok(());
        }
        // Outermost first, so no folder is ever open to the group before its parent.
        for dir in created.dirs.iter().rev() {
            sharing.apply_to_folder(dir)?;
        }
        sharing.apply_to_file(&created.file)
    };
    match options.open(path).and_then(|_| shared(&created)) {
        Ok(()) => Ok(created),
        Err(e) => {
            created.undo();
            Err(e)
        }
    }
}

/// Refuses a non-empty file that does not start with SQLite's magic header.
pub(super) fn check_header(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut head = Vec::with_capacity(16);
    std::fs::File::open(path)
        .and_then(|f| f.take(16).read_to_end(&mut head))
        .map_err(|e| StoreError::Io(path.to_path_buf(), e))?;
    if head.is_empty() || head == SQLITE_MAGIC {
        Ok(())
    } else {
        Err(StoreError::NotSqlite(path.to_path_buf()))
    }
}

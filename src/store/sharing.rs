//! Who may open the database files Promptly makes: their owner only (the default), or the
//! members of one Unix group (`group` in the config: several people on one host, issue 16).
//! SQLite makes the `-wal` and `-shm` files with the database file's mode; their group is the
//! folder's when the folder has the setgid bit, as the folders made here do.

use std::path::Path;

/// Who may open a database file Promptly creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sharing {
    /// Readable and writable by its owner only (0600, folders 0700).
    #[default]
    Private,
    /// Also by the members of this group (0660, folders 2770 in that group).
    Group(u32),
}

impl Sharing {
    fn file_mode(self) -> u32 {
        match self {
            Sharing::Private => 0o600,
            Sharing::Group(_) => 0o660,
        }
    }

    fn folder_mode(self) -> u32 {
        match self {
            Sharing::Private => 0o700,
            // setgid: what is made inside (the -wal and -shm files) takes the folder's group.
            Sharing::Group(_) => 0o2770,
        }
    }

    /// Gives the file at `path` this sharing's mode and group (the mode exactly: the umask
    /// does not narrow it).
    pub fn apply_to_file(self, path: &Path) -> std::io::Result<()> {
        self.apply(path, self.file_mode())
    }

    /// Gives a folder Promptly made this sharing's mode and group.
    pub fn apply_to_folder(self, path: &Path) -> std::io::Result<()> {
        self.apply(path, self.folder_mode())
    }

    #[cfg(unix)]
    fn apply(self, path: &Path, mode: u32) -> std::io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        // The group first: a chown by someone not root clears the setgid bit.
        if let Sharing::Group(gid) = self {
            std::os::unix::fs::chown(path, None, Some(gid))?;
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }

    #[cfg(not(unix))]
    fn apply(self, _path: &Path, _mode: u32) -> std::io::Result<()> {
        Ok(())
    }
}

/// The id of the Unix group `name` (or a number given as is), through the system's group
/// database (so groups from LDAP count too); `None` when there is no such group.
#[cfg(unix)]
pub fn group_id(name: &str) -> Option<u32> {
    let name = name.trim();
    if let Ok(gid) = name.parse::<u32>() {
        return Some(gid);
    }
    let c_name = std::ffi::CString::new(name).ok()?;
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    loop {
        // SAFETY: every pointer is to a live local of the right type; `buf` outlives the call and
        // its length is passed; the result is read only when getgrnam_r set it to `group`.
        let mut group: libc::group = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::group = std::ptr::null_mut();
        let rc = unsafe { libc::getgrnam_r(c_name.as_ptr(), &mut group, buf.as_mut_ptr(), buf.len(), &mut found) };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 4, 0);
            continue;
        }
        return (rc == 0 && !found.is_null()).then_some(group.gr_gid);
    }
}

#[cfg(not(unix))]
pub fn group_id(_name: &str) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_group_zero_and_a_number_is_taken_as_is() {
        assert_eq!(group_id("root"), Some(0));
        assert_eq!(group_id("4242"), Some(4242));
        assert_eq!(group_id("no-such-group-promptly"), None);
        assert_eq!(group_id("bad\0name"), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_shared_file_is_0660_in_its_group_whatever_the_umask() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("desk.db");
        std::fs::write(&file, b"").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let gid = std::fs::metadata(&file).unwrap().gid();
        Sharing::Group(gid).apply_to_file(&file).unwrap();
        assert_eq!(std::fs::metadata(&file).unwrap().mode() & 0o7777, 0o660);
        Sharing::Group(gid).apply_to_folder(dir.path()).unwrap();
        assert_eq!(std::fs::metadata(dir.path()).unwrap().mode() & 0o7777, 0o2770);
        Sharing::Private.apply_to_file(&file).unwrap();
        assert_eq!(std::fs::metadata(&file).unwrap().mode() & 0o7777, 0o600);
    }
}

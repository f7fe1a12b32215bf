//! libpq's password file (`PGPASSFILE`, else `~/.pgpass`), read as libpq reads it: one
//! `host:port:database:user:password` a line, `*` alone matching anything in the first four
//! fields, `\:` and `\\` escapes, `#` comments; the first line that matches is used. A file
//! that its group or others may read, write or run, or that is not a regular file, is ignored
//! (libpq warns there; the store prints nothing, so it skips it quietly). The password is
//! returned to the caller only: nothing here prints, logs or formats it.

use std::path::{Path, PathBuf};

/// What a connection is for, as a password file line is matched against it.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The host name, or the socket folder of a Unix-socket connection.
    pub host: &'a str,
    pub port: u16,
    pub dbname: &'a str,
    pub user: &'a str,
}

/// Socket folders libpq may be built with as its default; a connection through one matches
/// the host `localhost`, as libpq's does through its own (Debian's is `/var/run/postgresql`).
const DEFAULT_SOCKET_DIRS: [&str; 3] = ["/var/run/postgresql", "/run/postgresql", "/tmp"];

/// The password of the first line of `text` that matches `target`.
pub fn lookup(text: &str, target: &Target) -> Option<String> {
    if target.dbname.is_empty() || target.user.is_empty() {
        return None;
    }
    let host = if target.host.is_empty() || DEFAULT_SOCKET_DIRS.contains(&target.host) {
        "localhost"
    } else {
        target.host
    };
    let port = target.port.to_string();
    text.lines()
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .find_map(|line| {
            let rest = field_matches(line, host)?;
            let rest = field_matches(rest, &port)?;
            let rest = field_matches(rest, target.dbname)?;
            let rest = field_matches(rest, target.user)?;
            Some(unescape_password(rest))
        })
}

/// The password file libpq would read: `PGPASSFILE` when set, else `.pgpass` in the home folder.
pub fn default_path() -> Option<PathBuf> {
    match std::env::var_os("PGPASSFILE") {
        Some(path) if !path.is_empty() => Some(PathBuf::from(path)),
        _ => std::env::var_os("HOME")
            .filter(|home| !home.is_empty())
            .map(|home| Path::new(&home).join(".pgpass")),
    }
}

/// The password the file at `path` holds for `target`; `None` when there is no such file, it
/// cannot be read, it is not a regular file, its mode lets its group or others in, or no line
/// matches.
pub fn password_from_file(path: &Path, target: &Target) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || !private_mode(&meta) {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    lookup(&text, target)
}

/// Whether the file at `path` is there but passed over for its mode (libpq warns of it: a
/// login that then fails for want of a password says why the file was not read).
pub fn passed_over(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| meta.is_file() && !private_mode(&meta))
}

#[cfg(unix)]
fn private_mode(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o077 == 0
}

#[cfg(not(unix))]
fn private_mode(_meta: &std::fs::Metadata) -> bool {
    true
}

/// The rest of `line` after its first field when that field matches `value`: `*` alone
/// matches anything, a backslash makes the next character literal (libpq's
/// `pwdfMatchesString`). A line that ends inside the field matches nothing.
fn field_matches<'a>(line: &'a str, value: &str) -> Option<&'a str> {
    if let Some(rest) = line.strip_prefix("*:") {
        return Some(rest);
    }
    let mut chars = line.char_indices();
    let mut wanted = value.chars();
    loop {
        let (at, c) = chars.next()?;
        let (c, escaped) = match c {
            '\\' => (chars.next()?.1, true),
            c => (c, false),
        };
        if c == ':' && !escaped {
            return wanted.next().is_none().then(|| &line[at + 1..]);
        }
        if wanted.next() != Some(c) {
            return None;
        }
    }
}

/// The password field: up to the first unescaped `:` or the end, escapes undone (a
/// backslash at the very end is kept, as libpq keeps it).
fn unescape_password(field: &str) -> String {
    let mut out = String::new();
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        match c {
            ':' => break,
            '\\' => out.push(chars.next().unwrap_or('\\')),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Target = Target {
        host: "db.shop",
        port: 5432,
        dbname: "promptly",
        user: "li",
    };

    fn with<'a>(host: &'a str, port: u16, dbname: &'a str, user: &'a str) -> Target<'a> {
        Target {
            host,
            port,
            dbname,
            user,
        }
    }

    #[test]
    fn an_exact_line_matches_and_others_do_not() {
        let file = "db.shop:5432:promptly:li:s3cret\n";
        assert_eq!(lookup(file, &T).as_deref(), Some("s3cret"));
        assert_eq!(lookup(file, &with("db.shop", 5433, "promptly", "li")), None);
        assert_eq!(lookup(file, &with("db.shop", 5432, "promptly", "wang")), None);
        assert_eq!(lookup(file, &with("db.shop", 5432, "other", "li")), None);
        assert_eq!(lookup(file, &with("db.shopx", 5432, "promptly", "li")), None);
        assert_eq!(lookup(file, &with("db.sho", 5432, "promptly", "li")), None);
    }

    #[test]
    fn a_star_alone_matches_anything_and_an_escaped_one_only_a_star() {
        assert_eq!(lookup("*:*:*:*:any", &T).as_deref(), Some("any"));
        assert_eq!(lookup("db.shop:*:promptly:*:pw", &T).as_deref(), Some("pw"));
        assert_eq!(lookup("\\*:*:*:*:star", &T), None);
        assert_eq!(
            lookup("\\*:*:*:*:star", &with("*", 5432, "d", "u")).as_deref(),
            Some("star")
        );
        // `*` is a wildcard only as a whole field.
        assert_eq!(lookup("db.*:*:*:*:x", &T), None);
    }

    #[test]
    fn escapes_in_fields_and_in_the_password() {
        // An IPv6 address's colons are escaped in the host field.
        let v6 = with("::1", 5432, "promptly", "li");
        assert_eq!(lookup("\\:\\:1:5432:promptly:li:pw", &v6).as_deref(), Some("pw"));
        assert_eq!(lookup(r"*:*:*:li:a\:b\\c", &T).as_deref(), Some(r"a:b\c"));
        // The password ends at an unescaped colon; a trailing backslash is kept.
        assert_eq!(lookup("*:*:*:li:first:ignored", &T).as_deref(), Some("first"));
        assert_eq!(lookup("*:*:*:li:end\\", &T).as_deref(), Some("end\\"));
        assert_eq!(lookup(r"*:*:*:l\i:pw", &T).as_deref(), Some("pw"));
        assert_eq!(lookup("*:*:*:li:", &T).as_deref(), Some(""));
    }

    #[test]
    fn the_first_matching_line_wins_and_comments_blank_lines_and_short_lines_are_skipped() {
        let file = "# a comment:*:*:*:no\n\n*:*:other:*:wrong\ndb.shop:5432:promptly\n\
                    db.shop:5432:promptly:li:first\r\n*:*:*:*:second\n";
        assert_eq!(lookup(file, &T).as_deref(), Some("first"));
    }

    #[test]
    fn a_socket_connection_matches_localhost_through_the_default_folder_only() {
        let file = "localhost:5432:promptly:li:local\n/srv/pg:5432:promptly:li:srv\n";
        assert_eq!(
            lookup(file, &with("/var/run/postgresql", 5432, "promptly", "li")).as_deref(),
            Some("local")
        );
        assert_eq!(
            lookup(file, &with("", 5432, "promptly", "li")).as_deref(),
            Some("local")
        );
        assert_eq!(
            lookup(file, &with("/srv/pg", 5432, "promptly", "li")).as_deref(),
            Some("srv")
        );
        assert_eq!(lookup(file, &with("/elsewhere", 5432, "promptly", "li")), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_may_read_is_ignored_and_a_private_one_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pgpass");
        std::fs::write(&path, "*:*:*:*:from-file\n").unwrap();
        for (mode, found) in [
            (0o600, true),
            (0o400, true),
            (0o640, false),
            (0o604, false),
            (0o610, false),
        ] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(password_from_file(&path, &T).is_some(), found, "mode {mode:o}");
            assert_eq!(passed_over(&path), !found, "mode {mode:o}");
        }
        assert_eq!(password_from_file(&dir.path().join("missing"), &T), None);
        assert!(!passed_over(&dir.path().join("missing")));
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(
            password_from_file(dir.path(), &T),
            None,
            "a folder is not a password file"
        );
    }
}

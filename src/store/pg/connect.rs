//! A `postgres::Client` from a `postgres://` or `postgresql://` URL (libpq's URI form, as the
//! `postgres` crate reads it: `postgresql://user@host:port/db`, a Unix socket folder as
//! `?host=/run/postgresql` or `%2Frun%2Fpostgresql` in the host part). The password comes
//! from the URL or, when it has none, from the password file (`super::pgpass`). Errors name
//! the server by its URL without the password ([`super::printable_url`]); the password itself
//! is never put into an error, a log line or anything printed.
//!
//! No TLS: the connection is made with `postgres::NoTls` (the crate's TLS needs a second crate,
//! `postgres-openssl` or `postgres-native-tls`, and a certificate policy: not trivially
//! available, so not done yet). `sslmode=prefer`, the default, then talks in the clear;
//! `sslmode=require` fails to connect rather than talk in the clear. Use a local socket or a
//! trusted network until TLS is added.

use super::pgpass::{self, Target};
use super::printable_url;
use crate::store::{Result, StoreError};
use postgres::config::Host;
use postgres::{Client, Config, NoTls};
use std::time::Duration;

/// How long a connection may take to be made, unless the URL says (`connect_timeout`): a
/// board reconnecting to a server that is gone must not hang for the system's minutes.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long what was sent may go unacknowledged before the socket fails, unless the URL says
/// (`tcp_user_timeout`): a server gone from the network is noticed at the board's next poll,
/// not after the system's quarter of an hour of retransmissions. TCP only.
const UNANSWERED: Duration = Duration::from_secs(30);

/// Connects to the server `url` names. `StoreError::Connect` when the URL cannot be read or
/// the server cannot be reached or refuses the login.
pub fn connect(url: &str) -> Result<Client> {
    let (config, shown) = settings(url, pgpass::default_path().as_deref())?;
    config.connect(NoTls).map_err(|e| StoreError::Connect {
        url: shown,
        error: scrub(&crate::store::postgres_message(&e), url),
    })
}

/// The connection settings `url` names, the password taken from `passfile` when the URL has
/// none, and the URL as it may be printed.
pub fn settings(url: &str, passfile: Option<&std::path::Path>) -> Result<(Config, String)> {
    let Some(shown) = printable_url(url) else {
        return Err(StoreError::Connect {
            url: String::from("(not a postgres:// URL)"),
            error: String::from("a PostgreSQL database is named by a postgres:// or postgresql:// URL"),
        });
    };
    let fail = |error: String| StoreError::Connect {
        url: shown.clone(),
        error,
    };
    // The crate knows the scheme in lower case only; `printable_url` accepts any case.
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let mut config: Config = format!("{}://{rest}", scheme.to_ascii_lowercase())
        .parse()
        .map_err(|e: postgres::Error| fail(scrub(&e.to_string(), url)))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_tcp_user_timeout().is_none() {
        config.tcp_user_timeout(UNANSWERED);
    }
    // The user the crate would log in as (the process's), set here so that the password
    // file is matched against the same name.
    if config.get_user().is_none() {
        match os_user() {
            Some(user) => config.user(&user),
            None => {
                return Err(fail(String::from(
                    "no user in the URL and no name for this process's user",
                )));
            }
        };
    }
    if config.get_password().is_none()
        && let Some(passfile) = passfile
    {
        let user = config.get_user().unwrap_or_default().to_string();
        let dbname = config.get_dbname().map_or_else(|| user.clone(), str::to_string);
        let host = match config.get_hosts().first() {
            Some(Host::Tcp(host)) => host.clone(),
            #[cfg(unix)]
            Some(Host::Unix(dir)) => dir.to_string_lossy().into_owned(),
            None => String::new(),
        };
        let target = Target {
            host: &host,
            port: config.get_ports().first().copied().unwrap_or(5432),
            dbname: &dbname,
            user: &user,
        };
        if let Some(password) = pgpass::password_from_file(passfile, &target).filter(|p| !p.is_empty()) {
            config.password(password);
        }
    }
    Ok((config, shown))
}

/// `text` with any password `url` holds (as written or percent-decoded) blotted out. The
/// client's messages do not quote the password; this keeps it so should one ever do.
fn scrub(text: &str, url: &str) -> String {
    let mut out = text.to_string();
    for secret in url_secrets(url) {
        if secret.len() >= 3 {
            out = out.replace(&secret, "***");
        }
    }
    out
}

/// The passwords written into `url`: the user part's and any password parameter's, each as
/// written and percent-decoded.
fn url_secrets(url: &str) -> Vec<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut raw: Vec<&str> = Vec::new();
    if let Some((userinfo, _)) = before_query.rsplit_once('@')
        && let Some((_, password)) = userinfo.split_once(':')
    {
        raw.push(password);
    }
    for param in query.split('&') {
        if let Some((key, value)) = param.split_once('=')
            && super::url::percent_decode(key)
                .to_ascii_lowercase()
                .contains("password")
        {
            raw.push(value);
        }
    }
    raw.iter()
        .flat_map(|s| [s.to_string(), super::url::percent_decode(s)])
        .collect()
}

/// The name of the user this process runs as, from the system's user database.
#[cfg(unix)]
fn os_user() -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    loop {
        // SAFETY: every pointer is to a live local of the right type; `buf` outlives the call
        // and its length is passed; `pw_name` is read only when getpwuid_r set `found`, and
        // points into `buf`, still alive while it is copied.
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        let uid = unsafe { libc::geteuid() };
        let rc = unsafe { libc::getpwuid_r(uid, &mut entry, buf.as_mut_ptr(), buf.len(), &mut found) };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 4, 0);
            continue;
        }
        if rc != 0 || found.is_null() || entry.pw_name.is_null() {
            return None;
        }
        let name = unsafe { std::ffi::CStr::from_ptr(entry.pw_name) };
        return name.to_str().ok().map(str::to_string);
    }
}

#[cfg(not(unix))]
fn os_user() -> Option<String> {
    std::env::var("USERNAME").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passfile(text: &str) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        file
    }

    #[test]
    fn the_urls_password_wins_over_the_password_file() {
        let file = passfile("*:*:*:*:from-file\n");
        let (config, shown) = settings("postgres://li:from-url@db.shop/promptly", Some(file.path())).unwrap();
        assert_eq!(config.get_password(), Some(&b"from-url"[..]));
        assert_eq!(shown, "postgres://li@db.shop/promptly");
        let (config, _) = settings("postgres://li@db.shop/promptly", Some(file.path())).unwrap();
        assert_eq!(config.get_password(), Some(&b"from-file"[..]));
        let (config, _) = settings("postgres://li@db.shop/promptly", None).unwrap();
        assert_eq!(config.get_password(), None);
    }

    #[test]
    fn the_password_file_is_matched_on_the_socket_folder_port_database_and_user() {
        let file = passfile("/tmp/pg:5433:promptly:li:socket\n*:*:*:*:other\n");
        let url = "postgresql://li@/promptly?host=/tmp/pg&port=5433";
        assert_eq!(
            settings(url, Some(file.path())).unwrap().0.get_password(),
            Some(&b"socket"[..])
        );
        // No database named: the user's name, as the server takes it.
        let file = passfile("db.shop:5432:li:li:dbname-is-user\n");
        let (config, _) = settings("POSTGRES://li@db.shop", Some(file.path())).unwrap();
        assert_eq!(config.get_password(), Some(&b"dbname-is-user"[..]));
    }

    #[test]
    fn a_server_gone_is_waited_for_a_bounded_time_unless_the_url_says() {
        let (config, _) = settings("postgres://li@db.shop/promptly", None).unwrap();
        assert_eq!(config.get_connect_timeout(), Some(&CONNECT_TIMEOUT));
        assert_eq!(config.get_tcp_user_timeout(), Some(&UNANSWERED));
        let url = "postgres://li@db.shop/promptly?connect_timeout=3&tcp_user_timeout=5";
        let (config, _) = settings(url, None).unwrap();
        assert_eq!(config.get_connect_timeout(), Some(&Duration::from_secs(3)));
        assert_eq!(config.get_tcp_user_timeout(), Some(&Duration::from_secs(5)));
    }

    #[test]
    fn without_a_user_the_processs_user_is_named() {
        let (config, _) = settings("postgres://db.shop/promptly", None).unwrap();
        assert_eq!(config.get_user(), os_user().as_deref());
    }

    #[test]
    fn errors_name_the_url_without_the_password() {
        let file = passfile("*:*:*:*:file-pass-9c2\n");
        for url in [
            "postgres://li:hunter2-77@/promptly?host=/nonexistent-promptly-socket-dir",
            "postgres://li@/promptly?host=/nonexistent-promptly-socket-dir",
            "postgres://li:hunter2-77@db.shop:notaport/promptly",
            "postgres://li:hunter2-77@db.shop/promptly?bogus=1",
            "postgres://li@db.shop/promptly?password=hunter2-77&bogus=1",
            "postgres://li:hunter%32-77@/promptly?host=/nonexistent-promptly-socket-dir",
        ] {
            let err = settings(url, Some(file.path()))
                .and_then(|(config, shown)| {
                    config.connect(NoTls).map_err(|e| StoreError::Connect {
                        url: shown,
                        error: scrub(&e.to_string(), url),
                    })
                })
                .err()
                .unwrap_or_else(|| panic!("{url} connected"));
            let text = format!("{err} {err:?}");
            assert!(matches!(err, StoreError::Connect { .. }), "{text}");
            for secret in ["hunter2-77", "file-pass-9c2"] {
                assert!(!text.contains(secret), "{url}: {text}");
            }
            assert!(text.contains("postgres://li@"), "{text}");
        }
    }

    #[test]
    fn a_file_name_is_not_a_server() {
        assert!(matches!(
            settings("/srv/desk.db", None),
            Err(StoreError::Connect { .. })
        ));
    }

    #[test]
    fn scrub_blots_out_written_and_decoded_passwords() {
        let url = "postgres://u:p%40ss-word@h/d?sslpassword=key-pass";
        let text = scrub("p@ss-word p%40ss-word key-pass", url);
        assert_eq!(text, "*** *** ***");
    }
}

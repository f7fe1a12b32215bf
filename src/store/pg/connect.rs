//! A `postgres::Client` from a `postgres://` or `postgresql://` URL (libpq's URI form, as the
//! `postgres` crate reads it: `postgresql://user@host:port/db`, a Unix socket folder as
//! `?host=/run/postgresql` or `%2Frun%2Fpostgresql` in the host part). The password comes
//! from the URL or, when it has none, from the password file (`super::pgpass`). Errors name
//! the server by its URL without the password ([`super::printable_url`]); the password itself
//! is never put into an error, a log line or anything printed.
//!
//! TLS as libpq does it (`super::tls`): `sslmode` (`disable`, `allow`, `prefer` the default,
//! `require`, `verify-ca`, `verify-full`) and `sslrootcert` (a PEM file, `system`, or
//! `~/.postgresql/root.crt` when it exists) are read from the URL's query here and taken out
//! of it before the rest goes to `postgres::Config`. A Unix socket never uses TLS.

use super::pgpass::{self, Target};
use super::printable_url;
use super::tls::{self, Failure, Wanted};
use crate::store::{Result, StoreError};
use postgres::config::Host;
use postgres::{Client, Config};
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
    let passfile = pgpass::default_path();
    let (config, wanted, shown) = settings(url, passfile.as_deref(), &|name| std::env::var(name).ok())?;
    let no_password = config.get_password().is_none();
    tls::connect(config, &wanted, tls::default_root_file().as_deref()).map_err(|e| {
        let mut error = match e {
            Failure::Setup(text) => text,
            Failure::Connect(e) => with_causes(&e),
        };
        // Only a login refused for its password: a host or certificate failure has other causes.
        let about_password = error.contains("password");
        if let Some(file) = passfile.filter(|f| no_password && about_password && pgpass::passed_over(f)) {
            error = format!(
                "{error} ({} was not read: its group or others may read it; `chmod 600` it, as libpq asks)",
                file.display()
            );
        }
        StoreError::Connect {
            url: shown,
            error: scrub(&error, url),
        }
    })
}

/// The client's message and, when it is not the server's, what caused it (the crate prints
/// only "error performing TLS handshake" or "error connecting to server" by itself).
fn with_causes(e: &postgres::Error) -> String {
    let mut text = crate::store::postgres_message(e);
    if e.as_db_error().is_none() {
        let mut cause = std::error::Error::source(e);
        while let Some(next) = cause {
            text = format!("{text}: {next}");
            cause = next.source();
        }
    }
    text
}

/// The connection settings `url` names, the password taken from `passfile` when the URL has
/// none; the TLS it asks for (`sslmode`, `sslrootcert`, taken out of the URL the `postgres`
/// crate reads; `env` gives `PGSSLMODE`, `PGSSLROOTCERT`); and the URL as it may be printed.
fn settings(
    url: &str,
    passfile: Option<&std::path::Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(Config, Wanted, String)> {
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
    let (url_rest, wanted) = tls::split_with(url, env).map_err(|e| fail(scrub(&e, url)))?;
    // The crate knows the scheme in lower case only; `printable_url` accepts any case.
    let (scheme, rest) = url_rest.split_once("://").unwrap_or(("", &url_rest));
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
    Ok((config, wanted, shown))
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

    /// [`super::settings`] with no `PGSSL*` variables, whatever the shell running the tests sets.
    fn settings(url: &str, passfile: Option<&std::path::Path>) -> Result<(Config, Wanted, String)> {
        super::settings(url, passfile, &|_| None)
    }

    /// [`tls::split_with`] likewise.
    fn split(url: &str) -> std::result::Result<(String, Wanted), String> {
        tls::split_with(url, |_| None)
    }

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
        let (config, _, shown) = settings("postgres://li:from-url@db.shop/promptly", Some(file.path())).unwrap();
        assert_eq!(config.get_password(), Some(&b"from-url"[..]));
        assert_eq!(shown, "postgres://li@db.shop/promptly");
        let (config, ..) = settings("postgres://li@db.shop/promptly", Some(file.path())).unwrap();
        assert_eq!(config.get_password(), Some(&b"from-file"[..]));
        let (config, ..) = settings("postgres://li@db.shop/promptly", None).unwrap();
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
        let (config, ..) = settings("POSTGRES://li@db.shop", Some(file.path())).unwrap();
        assert_eq!(config.get_password(), Some(&b"dbname-is-user"[..]));
    }

    #[test]
    fn a_server_gone_is_waited_for_a_bounded_time_unless_the_url_says() {
        let (config, ..) = settings("postgres://li@db.shop/promptly", None).unwrap();
        assert_eq!(config.get_connect_timeout(), Some(&CONNECT_TIMEOUT));
        assert_eq!(config.get_tcp_user_timeout(), Some(&UNANSWERED));
        let url = "postgres://li@db.shop/promptly?connect_timeout=3&tcp_user_timeout=5";
        let (config, ..) = settings(url, None).unwrap();
        assert_eq!(config.get_connect_timeout(), Some(&Duration::from_secs(3)));
        assert_eq!(config.get_tcp_user_timeout(), Some(&Duration::from_secs(5)));
    }

    #[test]
    fn without_a_user_the_processs_user_is_named() {
        let (config, ..) = settings("postgres://db.shop/promptly", None).unwrap();
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
                .and_then(|(config, wanted, shown)| {
                    tls::connect(config, &wanted, None).map_err(|e| StoreError::Connect {
                        url: shown,
                        error: scrub(
                            &match e {
                                Failure::Setup(text) => text,
                                Failure::Connect(e) => e.to_string(),
                            },
                            url,
                        ),
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

    #[test]
    fn every_sslmode_is_read_and_taken_out_of_the_url() {
        use tls::Mode::*;
        for (query, mode) in [
            ("", Prefer),
            ("?sslmode=disable", Disable),
            ("?sslmode=allow", Prefer),
            ("?sslmode=prefer", Prefer),
            ("?sslmode=require", Require),
            ("?sslmode=verify-ca", VerifyCa),
            ("?application_name=x&sslmode=verify-full", VerifyFull),
            ("?ssl%6dode=verify-full", VerifyFull),
        ] {
            // The crate refuses verify-ca and verify-full: parsed at all, the URL lost them.
            let (_, wanted, _) = settings(&format!("postgres://li@db.shop/promptly{query}"), None)
                .unwrap_or_else(|e| panic!("{query}: {e}"));
            assert_eq!(wanted.mode, mode, "{query}");
            assert_eq!(wanted.rootcert, tls::RootCert::Default, "{query}");
        }
        let (rest, wanted) =
            split("postgres://u:pw@h/d?sslmode=require&application_name=x&sslrootcert=%2Fetc%2Fca.pem").unwrap();
        assert_eq!(rest, "postgres://u:pw@h/d?application_name=x");
        assert_eq!(wanted.rootcert, tls::RootCert::File("/etc/ca.pem".into()));
        let (rest, _) = split("postgres://h/d?sslmode=verify-full&sslrootcert=x.pem").unwrap();
        assert_eq!(rest, "postgres://h/d");
    }

    #[test]
    fn pgsslmode_and_pgsslrootcert_stand_for_what_the_url_does_not_say() {
        use tls::{Mode, RootCert};
        let env = |name: &str| match name {
            "PGSSLMODE" => Some("verify-ca".to_string()),
            "PGSSLROOTCERT" => Some("/etc/shop-ca.pem".to_string()),
            _ => None,
        };
        let (_, wanted) = tls::split_with("postgres://h/d", env).unwrap();
        assert_eq!(
            (wanted.mode, wanted.rootcert),
            (Mode::VerifyCa, RootCert::File("/etc/shop-ca.pem".into()))
        );
        // The URL's own parameters win, as in libpq.
        let (_, wanted) = tls::split_with("postgres://h/d?sslmode=require&sslrootcert=/a.pem", env).unwrap();
        assert_eq!(
            (wanted.mode, wanted.rootcert),
            (Mode::Require, RootCert::File("/a.pem".into()))
        );
        let (_, wanted) = tls::split_with("postgres://h/d", |_| Some(String::new())).unwrap();
        assert_eq!((wanted.mode, wanted.rootcert), (Mode::Prefer, RootCert::Default));
        let bogus = |name: &str| (name == "PGSSLMODE").then(|| "verify_full".to_string());
        let err = tls::split_with("postgres://h/d", bogus).unwrap_err();
        assert!(err.contains("verify_full"), "{err}");
    }

    #[test]
    fn an_unknown_sslmode_is_refused_by_name_without_the_password() {
        for url in [
            "postgres://li:hunter2-77@db.shop/promptly?sslmode=verify_full",
            "postgres://li:hunter2-77@db.shop/promptly?sslmode=",
        ] {
            let err = settings(url, None).err().unwrap_or_else(|| panic!("{url} was read"));
            let text = err.to_string();
            assert!(matches!(err, StoreError::Connect { .. }), "{text}");
            assert!(
                text.contains("unknown sslmode") && text.contains("verify-full"),
                "{text}"
            );
            assert!(
                !text.contains("hunter2-77") && text.contains("postgres://li@db.shop"),
                "{text}"
            );
        }
    }

    #[test]
    fn the_printable_url_keeps_sslmode_and_sslrootcert() {
        let url = "postgres://li:hunter2-77@db.shop/promptly?sslmode=verify-full&sslrootcert=/etc/ca.pem";
        let (_, _, shown) = settings(url, None).unwrap();
        assert_eq!(
            shown,
            "postgres://li@db.shop/promptly?sslmode=verify-full&sslrootcert=/etc/ca.pem"
        );
    }

    #[test]
    fn root_certificates_come_from_the_named_file_the_default_file_or_the_system() {
        use tls::{Mode, RootCert, Roots, Wanted};
        let dir = tempfile::tempdir().unwrap();
        let there = dir.path().join("root.crt");
        std::fs::write(&there, "").unwrap();
        let missing = dir.path().join("missing.crt");
        let wanted = |mode, rootcert| Wanted { mode, rootcert };
        // A named file, there or not.
        let named = RootCert::File(there.clone());
        assert_eq!(
            wanted(Mode::Require, named.clone()).roots(None),
            Ok(Roots::File(there.clone()))
        );
        assert_eq!(
            wanted(Mode::VerifyCa, named).roots(Some(&missing)),
            Ok(Roots::File(there.clone()))
        );
        let gone = RootCert::File(missing.clone());
        assert_eq!(wanted(Mode::Require, gone.clone()).roots(Some(&there)), Ok(Roots::None));
        let err = wanted(Mode::VerifyFull, gone).roots(Some(&there)).unwrap_err();
        assert!(
            err.contains(&format!("\"{}\" does not exist", missing.display())),
            "{err}"
        );
        // libpq's default file: used when it exists, else nothing or an error naming it.
        assert_eq!(
            wanted(Mode::Prefer, RootCert::Default).roots(Some(&there)),
            Ok(Roots::File(there.clone()))
        );
        assert_eq!(
            wanted(Mode::Prefer, RootCert::Default).roots(Some(&missing)),
            Ok(Roots::None)
        );
        assert_eq!(wanted(Mode::Require, RootCert::Default).roots(None), Ok(Roots::None));
        let err = wanted(Mode::VerifyCa, RootCert::Default)
            .roots(Some(&missing))
            .unwrap_err();
        assert!(err.contains(&missing.display().to_string()), "{err}");
        let err = wanted(Mode::VerifyFull, RootCert::Default).roots(None).unwrap_err();
        assert!(err.contains("~/.postgresql/root.crt"), "{err}");
        // The system's store: verify-full, as in libpq, and only that.
        assert_eq!(
            wanted(Mode::VerifyFull, RootCert::System).roots(None),
            Ok(Roots::System)
        );
        let (_, wanted) = split("postgres://h/d?sslrootcert=system").unwrap();
        assert_eq!((wanted.mode, wanted.rootcert), (Mode::VerifyFull, RootCert::System));
        let err = split("postgres://h/d?sslrootcert=system&sslmode=require").unwrap_err();
        assert!(err.contains("verify-full"), "{err}");
    }

    #[test]
    fn verifying_without_a_root_file_fails_before_the_server_is_asked_naming_the_file() {
        let file = passfile("*:*:*:*:file-pass-9c2\n");
        // db.invalid cannot be reached: an error about the file means none was tried.
        let url = "postgres://li:hunter2-77@db.invalid/promptly?sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem";
        let (config, wanted, _) = settings(url, Some(file.path())).unwrap();
        let Err(Failure::Setup(text)) = tls::connect(config, &wanted, None) else {
            panic!("{url}: not refused before connecting");
        };
        assert!(text.contains("\"/nonexistent/ca.pem\" does not exist"), "{text}");
        // A root file that holds no certificate is an error too, not an unverified connection.
        let empty = passfile("not a certificate\n");
        let roots = tls::Roots::File(empty.path().to_path_buf());
        let err = tls::client_config(tls::Mode::Require, &roots).unwrap_err();
        assert!(err.contains("no certificate"), "{err}");
    }

    #[test]
    fn a_unix_socket_never_uses_tls() {
        // verify-full without any root certificate: on a socket nothing about TLS is asked, so
        // the error is the socket's (no server there), not the missing root file.
        let url = "postgresql://li@/promptly?host=/nonexistent-promptly-socket-dir&sslmode=verify-full";
        let (config, wanted, _) = settings(url, None).unwrap();
        assert!(tls::sockets_only(&config));
        match tls::connect(config, &wanted, None) {
            Err(Failure::Connect(e)) => assert!(!e.to_string().contains("root certificate"), "{e}"),
            Err(Failure::Setup(text)) => panic!("TLS set up for a socket: {text}"),
            Ok(_) => panic!("connected to a socket that is not there"),
        }
        let (config, ..) = settings("postgres://li@db.shop/promptly", None).unwrap();
        assert!(!tls::sockets_only(&config));
    }
}

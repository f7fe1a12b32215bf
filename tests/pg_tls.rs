//! TLS to PostgreSQL over TCP, each `sslmode` against a real server: `PROMPTLY_TEST_PG_TLS`
//! (a `postgresql://user:password@localhost:port/db` URL, no `sslmode`) names a server with
//! ssl on whose certificate is for `localhost`, signed by the CA in the PEM file
//! `PROMPTLY_TEST_PG_TLS_ROOT`. `.ci/run` makes both (its throwaway cluster); without them
//! each test prints a SKIPPED line and checks nothing.

use promptly::store::StoreError;
use std::process::Command;

/// A CA that signed nothing the server holds (made once with the openssl command).
const OTHER_CA: &str = "-----BEGIN CERTIFICATE-----
MIIBrjCCAVOgAwIBAgIUR0Jkv4gvk8oJDnRmK8qDkkM5r0gwCgYIKoZIzj0EAwIw
IzEhMB8GA1UEAwwYTm90IHRoZSBQcm9tcHRseSB0ZXN0IENBMCAXDTI2MTIwNDE5
NDczOFoYDzIxMjYxMTEwMTk0NzM4WjAjMSEwHwYDVQQDDBhOb3QgdGhlIFByb21w
dGx5IHRlc3QgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASRqC1uWSdPkxNy
vP94Cah1iQAVflY/vcFZTTruZJPesgxygl2BNqHJUtRF6O9XOmC0T79i+L0JBol7
I8akbXhuo2MwYTAdBgNVHQ4EFgQU8BgV8ZBhuxy3+x+YG7mxjNsy1PUwHwYDVR0j
BBgwFoAU8BgV8ZBhuxy3+x+YG7mxjNsy1PUwDwYDVR0TAQH/BAUwAwEB/zAOBgNV
HQ8BAf8EBAMCAQYwCgYIKoZIzj0EAwIDSQAwRgIhAO0ago71+KNGq2pOBu54LgUI
5+jQKADtrXsxEGnlyRfKAiEA120nLIfEdt91EzcWjvPo8oQ0xC7e8ZR7bn+6bHyC
xjY=
-----END CERTIFICATE-----
";

struct Server {
    /// The URL without `sslmode`, host `localhost`.
    url: String,
    /// The CA's certificate file.
    root: String,
    /// The password in the URL, which no error may show.
    password: String,
}

fn server(test: &str) -> Option<Server> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(url), Some(root)) = (var("PROMPTLY_TEST_PG_TLS"), var("PROMPTLY_TEST_PG_TLS_ROOT")) else {
        eprintln!(
            "SKIPPED {test}: PROMPTLY_TEST_PG_TLS and PROMPTLY_TEST_PG_TLS_ROOT are not set, so nothing was checked over TLS"
        );
        return None;
    };
    assert!(
        url.contains("@localhost:"),
        "PROMPTLY_TEST_PG_TLS names localhost: {url}"
    );
    let userinfo = url.split_once("://").unwrap().1.rsplit_once('@').unwrap().0;
    let password = userinfo.split_once(':').map(|(_, p)| p.to_string()).unwrap_or_default();
    assert!(password.len() >= 8, "PROMPTLY_TEST_PG_TLS holds a password");
    Some(Server { url, root, password })
}

impl Server {
    fn with(&self, query: &str) -> String {
        format!("{}?{query}", self.url)
    }

    /// The same server by its address, which the certificate does not name.
    fn by_address(&self, query: &str) -> String {
        self.with(query).replace("@localhost:", "@127.0.0.1:")
    }

    /// Whether the session `url` opens is encrypted, as the server sees it.
    fn encrypted(&self, url: &str) -> bool {
        let mut client = promptly::store::pg::connect(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        client
            .query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
            .unwrap()
            .get(0)
    }

    /// The error connecting to `url` gives, checked to name the server without the password.
    fn refusal(&self, url: &str) -> String {
        let err = match promptly::store::pg::connect(url) {
            Ok(_) => panic!("{url} connected"),
            Err(err) => err,
        };
        let text = format!("{err} {err:?}");
        assert!(matches!(err, StoreError::Connect { .. }), "{text}");
        assert!(!text.contains(&self.password), "the password shows: {text}");
        assert!(text.contains("promptly_owner@"), "{text}");
        text
    }
}

#[test]
fn verify_full_with_the_right_root_is_encrypted() {
    let Some(s) = server("verify_full_with_the_right_root_is_encrypted") else {
        return;
    };
    assert!(s.encrypted(&s.with(&format!("sslmode=verify-full&sslrootcert={}", s.root))));
}

#[test]
fn verify_full_refuses_a_host_the_certificate_does_not_name_verify_ca_does_not_check_it() {
    let Some(s) = server("verify_full_refuses_a_host_the_certificate_does_not_name_verify_ca_does_not_check_it") else {
        return;
    };
    let text = s.refusal(&s.by_address(&format!("sslmode=verify-full&sslrootcert={}", s.root)));
    assert!(text.contains("not valid for name"), "{text}");
    assert!(s.encrypted(&s.by_address(&format!("sslmode=verify-ca&sslrootcert={}", s.root))));
}

#[test]
fn a_root_that_did_not_sign_the_servers_certificate_is_refused() {
    let Some(s) = server("a_root_that_did_not_sign_the_servers_certificate_is_refused") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other-ca.pem");
    std::fs::write(&other, OTHER_CA).unwrap();
    // verify-ca, and require with a root file: the chain is checked (libpq's rule), and fails.
    for mode in ["verify-ca", "verify-full", "require"] {
        let text = s.refusal(&s.with(&format!("sslmode={mode}&sslrootcert={}", other.display())));
        assert!(
            text.contains("UnknownIssuer") || text.contains("unknown issuer"),
            "{mode}: {text}"
        );
    }
}

#[test]
fn require_and_prefer_without_a_root_file_are_encrypted_unverified() {
    let Some(s) = server("require_and_prefer_without_a_root_file_are_encrypted_unverified") else {
        return;
    };
    // A named file that is not there: no verification (the default file is not looked at).
    let none = "sslrootcert=/nonexistent/promptly-root.crt";
    assert!(s.encrypted(&s.with(&format!("sslmode=require&{none}"))));
    assert!(s.encrypted(&s.with(&format!("sslmode=prefer&{none}"))));
    assert!(s.encrypted(&s.by_address(&format!("sslmode=allow&{none}"))));
    // Nothing to verify against is an error for the verifying modes, naming the file.
    let text = s.refusal(&s.with(&format!("sslmode=verify-ca&{none}")));
    assert!(text.contains("/nonexistent/promptly-root.crt"), "{text}");
}

#[test]
fn disable_talks_in_the_clear() {
    let Some(s) = server("disable_talks_in_the_clear") else {
        return;
    };
    assert!(!s.encrypted(&s.with("sslmode=disable")));
}

#[test]
fn promptly_lists_over_verify_full() {
    let Some(s) = server("promptly_lists_over_verify_full") else {
        return;
    };
    let secure = s.with(&format!("sslmode=verify-full&sslrootcert={}", s.root));
    let schema = format!("tls_{}", std::process::id());
    let mut client = promptly::store::pg::connect(&secure).unwrap();
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .unwrap();
    let on_schema = format!("{secure}&options=-csearch_path%3D{schema}");
    let mut store = promptly::store::Store::open_server(&on_schema).unwrap_or_else(|e| panic!("{e}"));
    store
        .write(|tx| {
            tx.insert_ticket(
                &promptly::domain::ticket::NewTicket::titled("Kettle over TLS"),
                "li",
                chrono::Utc::now(),
            )
        })
        .unwrap();
    drop(store);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let run = |url: &str| {
        Command::new(env!("CARGO_BIN_EXE_promptly"))
            .args(["--db", url, "--lang", "en", "list"])
            .env_remove("PROMPTLY_DB")
            .env_remove("PROMPTLY_NOW")
            .env_remove("PROMPTLY_POLICY")
            .env("PROMPTLY_CONFIG", dir.path().join("config.toml"))
            .env("XDG_DATA_HOME", dir.path())
            .output()
            .unwrap()
    };
    let listed = run(&on_schema);
    let out = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.status.success(), "{listed:?}");
    assert!(out.contains("Kettle over TLS"), "{out}");
    // The same command by address: refused (the certificate names localhost), no password.
    let refused = run(&on_schema.replace("@localhost:", "@127.0.0.1:"));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{refused:?}");
    assert!(err.contains("not valid for name"), "{err}");
    assert!(!err.contains(&s.password), "{err}");
    client.batch_execute(&format!("DROP SCHEMA {schema} CASCADE")).unwrap();
}

/// A password file others may read is passed over, as libpq does, and a login that then has
/// no password says why; made private, it is read.
#[test]
#[cfg(unix)]
fn a_password_file_others_may_read_is_passed_over_and_the_failure_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let Some(s) = server("a_password_file_others_may_read_is_passed_over_and_the_failure_says_so") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let passfile = dir.path().join("pgpass");
    std::fs::write(&passfile, format!("*:*:*:*:{}\n", s.password)).unwrap();
    std::fs::set_permissions(&passfile, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let no_password =
        s.with(&format!("sslmode=verify-full&sslrootcert={}", s.root))
            .replacen(&format!(":{}@", s.password), "@", 1);
    assert!(!no_password.contains(&s.password));
    // A schema of its own, for `init` to make its tables in once the file is read.
    let schema = format!("tls_pass_{}", std::process::id());
    let mut client =
        promptly::store::pg::connect(&s.with(&format!("sslmode=verify-full&sslrootcert={}", s.root))).unwrap();
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .unwrap();
    let on_schema = format!("{no_password}&options=-csearch_path%3D{schema}");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_promptly"))
            .args(["--db", &on_schema, "--lang", "en", "init"])
            .env_remove("PROMPTLY_DB")
            .env("PGPASSFILE", &passfile)
            .env("PROMPTLY_CONFIG", dir.path().join("config.toml"))
            .output()
            .unwrap()
    };
    let refused = run();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{err}");
    assert!(err.contains("was not read") && err.contains("chmod 600"), "{err}");
    std::fs::set_permissions(&passfile, std::fs::Permissions::from_mode(0o600)).unwrap();
    let made = run();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    client.batch_execute(&format!("DROP SCHEMA {schema} CASCADE")).unwrap();
}

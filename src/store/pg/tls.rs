//! TLS for [`super::connect`], with libpq's `sslmode` and `sslrootcert` (read from the URL's
//! query by Promptly and taken out of it, else from `PGSSLMODE`/`PGSSLROOTCERT`: the
//! `postgres` crate knows only disable, prefer and require). rustls with the `ring` provider: pure Rust, no system OpenSSL.
//!
//! - `disable`: no TLS. `allow` and `prefer` (the default): TLS when the server offers it,
//!   else in the clear (`allow` is taken as `prefer`: the client cannot retry with TLS after a
//!   refusal in the clear). `require`: TLS or no connection. `verify-ca`: TLS, the server's
//!   certificate chain checked against the root certificates. `verify-full`: that, and the
//!   host name in the URL matched against the certificate.
//! - Root certificates: `sslrootcert=FILE` (PEM), else `~/.postgresql/root.crt` when it
//!   exists (libpq's default; `%APPDATA%\postgresql\root.crt` on Windows), or
//!   `sslrootcert=system` for the system's store (which, as in libpq, means `verify-full` unless
//!   the URL names that mode; a weaker mode with it is refused).
//! - As libpq: with `prefer` or `require` the chain is checked only when the root file exists;
//!   without one the connection is encrypted but the server is not authenticated (the
//!   handshake's signatures are still checked, against the certificate the server sent).
//!   `verify-ca` or `verify-full` without root certificates is an error naming the file
//!   looked for.
//! - A Unix socket never uses TLS (PostgreSQL offers none there; libpq never asks), whatever
//!   the mode.

use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// libpq's `sslmode`, `allow` read as `prefer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// Where the root certificates come from, as the URL says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootCert {
    /// No `sslrootcert`: libpq's default file, if it exists.
    Default,
    /// `sslrootcert=system`.
    System,
    /// `sslrootcert=FILE`.
    File(PathBuf),
}

/// What the URL asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wanted {
    pub mode: Mode,
    pub rootcert: RootCert,
}

/// The root certificates to check the server's chain against, and where they came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Roots {
    /// None (no file): the chain is not checked.
    None,
    System,
    File(PathBuf),
}

/// `url` without its `sslmode` and `sslrootcert` parameters, and what they ask for; as in
/// libpq, `PGSSLMODE` and `PGSSLROOTCERT` (read through `env`) stand for a parameter the URL
/// does not give. An
/// unknown mode, or `sslrootcert=system` with a mode weaker than `verify-full`, is an error.
pub fn split_with(url: &str, env: impl Fn(&str) -> Option<String>) -> Result<(String, Wanted), String> {
    let (before, query) = url.split_once('?').unwrap_or((url, ""));
    let mut mode = None;
    let mut rootcert = None;
    let mut kept = Vec::new();
    for param in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = param.split_once('=').unwrap_or((param, ""));
        let value = super::url::percent_decode(value);
        match super::url::percent_decode(key).as_str() {
            "sslmode" => mode = Some(value),
            "sslrootcert" => rootcert = Some(value),
            _ => kept.push(param),
        }
    }
    let mode = mode.or_else(|| env("PGSSLMODE").filter(|v| !v.is_empty()));
    let rootcert = match rootcert.or_else(|| env("PGSSLROOTCERT")).as_deref() {
        None | Some("") => RootCert::Default,
        Some("system") => RootCert::System,
        Some(file) => RootCert::File(PathBuf::from(file)),
    };
    let mode = match mode.as_deref() {
        None if rootcert == RootCert::System => Mode::VerifyFull,
        None | Some("prefer" | "allow") => Mode::Prefer,
        Some("disable") => Mode::Disable,
        Some("require") => Mode::Require,
        Some("verify-ca") => Mode::VerifyCa,
        Some("verify-full") => Mode::VerifyFull,
        Some(other) => {
            return Err(format!(
                "unknown sslmode \"{other}\": use disable, allow, prefer, require, verify-ca or verify-full"
            ));
        }
    };
    if rootcert == RootCert::System && mode != Mode::VerifyFull {
        return Err(format!(
            "sslrootcert=system needs sslmode=verify-full (the system's roots vouch for host names), not {}",
            mode.name()
        ));
    }
    let rest = if kept.is_empty() {
        before.to_string()
    } else {
        format!("{before}?{}", kept.join("&"))
    };
    Ok((rest, Wanted { mode, rootcert }))
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Disable => "disable",
            Mode::Prefer => "prefer",
            Mode::Require => "require",
            Mode::VerifyCa => "verify-ca",
            Mode::VerifyFull => "verify-full",
        }
    }
}

/// libpq's default root certificate file: `~/.postgresql/root.crt`.
pub fn default_root_file() -> Option<PathBuf> {
    #[cfg(windows)]
    let base = std::env::var_os("APPDATA").map(|d| Path::new(&d).join("postgresql"));
    #[cfg(not(windows))]
    let base = std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(|home| Path::new(&home).join(".postgresql"));
    base.map(|dir| dir.join("root.crt"))
}

impl Wanted {
    /// The root certificates to use, `default_file` standing for libpq's default: a named or
    /// default file is used when it exists; with `verify-ca` or `verify-full` none is an error
    /// naming the file looked for.
    pub fn roots(&self, default_file: Option<&Path>) -> Result<Roots, String> {
        let file = match &self.rootcert {
            RootCert::System => return Ok(Roots::System),
            RootCert::File(path) => Some(path.as_path()),
            RootCert::Default => default_file,
        };
        match file {
            Some(path) if path.exists() => Ok(Roots::File(path.to_path_buf())),
            _ if !matches!(self.mode, Mode::VerifyCa | Mode::VerifyFull) => Ok(Roots::None),
            Some(path) => Err(format!(
                "root certificate file \"{}\" does not exist: name the server's root certificate with \
                 sslrootcert=FILE, use the system's with sslrootcert=system, or use sslmode=require \
                 (encrypted, the server not verified)",
                path.display()
            )),
            None => Err(String::from(
                "no root certificate file (no home folder to find ~/.postgresql/root.crt): name the \
                 server's root certificate with sslrootcert=FILE, use the system's with \
                 sslrootcert=system, or use sslmode=require (encrypted, the server not verified)",
            )),
        }
    }
}

/// Whether every host `config` names is a Unix socket (then no TLS, as libpq).
pub fn sockets_only(config: &Config) -> bool {
    let hosts = config.get_hosts();
    !hosts.is_empty() && hosts.iter().all(|h| !matches!(h, Host::Tcp(_)))
}

/// Why a connection could not be made: before the server was asked (the TLS settings), or
/// the client's own error.
pub enum Failure {
    Setup(String),
    Connect(postgres::Error),
}

/// Connects with `config` as `wanted` says, `default_root` standing for libpq's default root
/// certificate file.
pub fn connect(mut config: Config, wanted: &Wanted, default_root: Option<&Path>) -> Result<Client, Failure> {
    if wanted.mode == Mode::Disable || sockets_only(&config) {
        config.ssl_mode(SslMode::Disable);
        return config.connect(NoTls).map_err(Failure::Connect);
    }
    let roots = wanted.roots(default_root).map_err(Failure::Setup)?;
    let tls = client_config(wanted.mode, &roots).map_err(Failure::Setup)?;
    config.ssl_mode(match wanted.mode {
        Mode::Prefer => SslMode::Prefer,
        _ => SslMode::Require,
    });
    config
        .connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
        .map_err(Failure::Connect)
}

/// rustls's settings for `mode` with `roots`.
pub fn client_config(mode: Mode, roots: &Roots) -> Result<ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let verifier: Arc<dyn ServerCertVerifier> = match load_roots(roots)? {
        None => Arc::new(Unverified {
            algorithms: provider.signature_verification_algorithms,
        }),
        Some(store) => {
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider)
                .build()
                .map_err(|e| e.to_string())?;
            if mode == Mode::VerifyFull {
                webpki
            } else {
                Arc::new(ChainOnly(webpki))
            }
        }
    };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// The certificates `roots` names, `None` for none.
fn load_roots(roots: &Roots) -> Result<Option<RootCertStore>, String> {
    let mut store = RootCertStore::empty();
    match roots {
        Roots::None => return Ok(None),
        Roots::File(path) => {
            let shown = path.display();
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("could not read root certificate file \"{shown}\": {e}"))?;
            if certs.is_empty() {
                return Err(format!("no certificate (PEM) in root certificate file \"{shown}\""));
            }
            for cert in certs {
                store
                    .add(cert)
                    .map_err(|e| format!("root certificate file \"{shown}\": {e}"))?;
            }
        }
        Roots::System => {
            let found = rustls_native_certs::load_native_certs();
            store.add_parsable_certificates(found.certs);
            if store.is_empty() {
                let why: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
                return Err(format!(
                    "sslrootcert=system: no root certificates found in the system's store {}",
                    why.join("; ")
                ));
            }
        }
    }
    Ok(Some(store))
}

/// `verify-ca` (and `prefer`/`require` with a root file): the chain is checked, the host name
/// is not. rustls checks the chain first and the name after, so a name error means the chain
/// passed.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `prefer` or `require` without a root file, as libpq: any certificate is accepted (the
/// server is not authenticated), but the handshake's signatures are checked with the
/// provider's algorithms, so the session keys are the certificate holder's.
#[derive(Debug)]
struct Unverified {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

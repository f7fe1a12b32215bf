//! A database server's URL as it may be printed: the password left out, wherever the URL
//! carries one. `app::config::server_url` (whether `--db` names a server) and this store's errors both
//! print URLs through [`printable_url`], so no message ever holds a password.

/// The URL `text` names when it is a PostgreSQL server's (`postgres://` or `postgresql://`,
/// any case), without its password; `None` for anything else (a file name).
///
/// The password is left out of the user part (`user:secret@host` -> `user@host`, the user
/// part ending at the last `@` before the query, so an unencoded `@` or `/` in a password
/// never shows) and of the query (`password=`, `sslpassword=`, any parameter whose decoded
/// name holds "password"); other parameters (`host=/run/...`, `sslmode=`) are kept as written.
pub fn printable_url(text: &str) -> Option<String> {
    let (scheme, rest) = text.split_once("://")?;
    if !["postgres", "postgresql"].contains(&scheme.to_ascii_lowercase().as_str()) {
        return None;
    }
    let (before_query, query) = rest.split_once('?').map_or((rest, None), |(b, q)| (b, Some(q)));
    let (user, place) = match before_query.rsplit_once('@') {
        Some((userinfo, place)) => (Some(userinfo.split(':').next().unwrap_or("")), place),
        None => (None, before_query),
    };
    let (host, path) = place.split_once('/').unwrap_or((place, ""));
    let mut out = format!("{scheme}://");
    if let Some(user) = user {
        out.push_str(user);
        out.push('@');
    }
    out.push_str(host);
    out.push('/');
    out.push_str(path);
    let kept: Vec<&str> = query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !names_a_password(p))
        .collect();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    Some(out)
}

/// Whether a `key=value` query parameter's key, percent-decoded, names a password.
fn names_a_password(param: &str) -> bool {
    let key = param.split('=').next().unwrap_or("");
    percent_decode(key).to_ascii_lowercase().contains("password")
}

/// `%XX` decoded (an invalid escape kept as written), as libpq reads a URI's keys.
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::printable_url as url;

    #[test]
    fn the_password_is_left_out_of_the_user_part() {
        assert_eq!(
            url("postgres://li:s3cret@db.shop:5432/promptly").as_deref(),
            Some("postgres://li@db.shop:5432/promptly")
        );
        // Unencoded `@` and `/` in a password: the user part ends at the last `@`.
        assert_eq!(
            url("postgres://li:a@b/c@db.shop/promptly").as_deref(),
            Some("postgres://li@db.shop/promptly")
        );
        assert_eq!(url("POSTGRES://li@h").as_deref(), Some("POSTGRES://li@h/"));
        assert_eq!(url("postgresql://:pw@h/d").as_deref(), Some("postgresql://@h/d"));
    }

    #[test]
    fn password_parameters_are_left_out_and_the_rest_kept() {
        assert_eq!(
            url("postgresql://db.shop/promptly?password=x").as_deref(),
            Some("postgresql://db.shop/promptly")
        );
        assert_eq!(
            url("postgresql://u@/promptly?host=/tmp/pg&password=x&sslpassword=y&pass%77ord=z&sslmode=disable")
                .as_deref(),
            Some("postgresql://u@/promptly?host=/tmp/pg&sslmode=disable")
        );
        for text in [
            "postgres://u:hunter2@h/d?password=hunter2",
            "postgres://u@h/d?PASSWORD=hunter2",
            "postgres://u:hun@ter2@h/d",
        ] {
            let shown = url(text).unwrap();
            assert!(!shown.contains("hunter2") && !shown.contains("ter2"), "{shown}");
        }
    }

    #[test]
    fn only_postgresql_urls_are_server_urls() {
        assert_eq!(url("/srv/promptly/desk.db"), None);
        assert_eq!(url("file:x?mode=memory"), None);
        assert_eq!(url("mysql://h/db"), None);
    }
}

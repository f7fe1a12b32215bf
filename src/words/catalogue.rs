//! The message catalogues (`assets/locales/*.toml`, embedded in the binary) and [`t!`]: a key
//! looked up in the reader's language, English when the key is missing there, with its
//! `%{name}` placeholders filled in. A few dozen lines instead of a 30-crate i18n framework:
//! the catalogues are plain TOML tables, read with the `toml` crate Promptly already uses.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::{LazyLock, RwLock};

/// The languages Promptly speaks; the first is the fallback.
pub const LANGUAGES: [&str; 2] = ["en", "zh-CN"];

/// Per language: the messages, then the `--help` texts (kept apart: they are long).
const SOURCES: [[&str; 2]; 2] = [
    [
        include_str!("../../assets/locales/en.toml"),
        include_str!("../../assets/locales/help/en.toml"),
    ],
    [
        include_str!("../../assets/locales/zh-CN.toml"),
        include_str!("../../assets/locales/help/zh-CN.toml"),
    ],
];

/// Dotted key -> text, per language and part (messages, then `help.*`), each parsed the first
/// time a key of it is asked: a command reads one language's messages, not all 110 KB of TOML
/// (parsing every catalogue was a third of a short command's start).
static CATALOGUES: [[LazyLock<HashMap<String, String>>; 2]; 2] = [
    [
        LazyLock::new(|| flatten(SOURCES[0][0])),
        LazyLock::new(|| flatten(SOURCES[0][1])),
    ],
    [
        LazyLock::new(|| flatten(SOURCES[1][0])),
        LazyLock::new(|| flatten(SOURCES[1][1])),
    ],
];

/// The catalogue of language `i` that holds `key`: the help texts are a part of their own.
fn catalogue(i: usize, key: &str) -> &'static HashMap<String, String> {
    &CATALOGUES[i][usize::from(key.starts_with("help."))]
}

/// The process language: what `t!` uses when no `locale = ...` is given.
static LOCALE: RwLock<&str> = RwLock::new("en");

/// A catalogue's tables flattened to dotted keys (`cli.created`). A catalogue that does not
/// parse is empty (keys then show as themselves); `tests/locales.rs` keeps them parsing.
fn flatten(source: &str) -> HashMap<String, String> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::Table(inner) => walk(&path, inner, out),
                toml::Value::String(text) => {
                    out.insert(path, text.clone());
                }
                other => {
                    out.insert(path, other.to_string());
                }
            }
        }
    }
    let mut out = HashMap::new();
    if let Ok(table) = source.parse::<toml::Table>() {
        walk("", &table, &mut out);
    }
    out
}

/// `en` or `zh-CN` for a language tag (`zh`, `zh_CN.UTF-8`, `en-GB`...).
pub fn language_of(tag: &str) -> &'static str {
    if tag.to_lowercase().starts_with("zh") {
        "zh-CN"
    } else {
        "en"
    }
}

/// Sets the process language (the CLI's, chosen once at setup).
pub fn set_locale(tag: &str) {
    if let Ok(mut locale) = LOCALE.write() {
        *locale = language_of(tag);
    }
}

/// The process language.
pub fn locale() -> &'static str {
    LOCALE.read().map(|l| *l).unwrap_or("en")
}

/// Whether `key` exists in `lang`'s own catalogue (no fallback).
pub fn has(lang: &str, key: &str) -> bool {
    index(lang).is_some_and(|i| catalogue(i, key).contains_key(key))
}

fn index(lang: &str) -> Option<usize> {
    LANGUAGES.iter().position(|l| *l == language_of(lang))
}

/// The text of `key` in `lang` (else English, else the key itself) with `args` filled in.
pub fn translate(lang: &str, key: &str, args: &[(&str, &dyn Display)]) -> String {
    let text = index(lang)
        .and_then(|i| catalogue(i, key).get(key))
        .or_else(|| catalogue(0, key).get(key))
        .map_or(key, String::as_str);
    fill(text, args)
}

/// Replaces each `%{name}` with its argument; an unknown name stays as written.
fn fill(text: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("%{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(&value.to_string()),
                    None => out.push_str(&rest[start..start + 2 + end + 1]),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `t!(KEY)`, `t!(KEY, locale = lang)`, `t!(KEY, name = value, ...)`: the message in
/// the reader's language (the process language unless `locale` is given), as a `String`.
#[macro_export]
macro_rules! t {
    ($key:expr, locale = $locale:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::words::catalogue::translate(
            ::std::convert::AsRef::<str>::as_ref(&$locale),
            ::std::convert::AsRef::<str>::as_ref(&$key),
            &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),*],
        )
    };
    ($key:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::words::catalogue::translate(
            $crate::words::catalogue::locale(),
            ::std::convert::AsRef::<str>::as_ref(&$key),
            &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),*],
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        let id = 7;
        assert_eq!(fill("ticket #%{id}: %{title}", &[("id", &id)]), "ticket #7: %{title}");
        assert_eq!(fill("100%{", &[]), "100%{");
        assert_eq!(fill("%{a}%{a}", &[("a", &"x")]), "xx");
    }

    #[test]
    fn missing_keys_fall_back_to_english_then_to_the_key() {
        assert_eq!(translate("zh-CN", "no.such.key", &[]), "no.such.key");
        let en = translate("en", "cli.logged", &[("id", &3)]);
        assert!(en.contains('3'), "{en}");
        assert_ne!(translate("zh-CN", "cli.logged", &[("id", &3)]), en);
    }

    #[test]
    fn tags_pick_a_language() {
        assert_eq!(language_of("zh_CN.UTF-8"), "zh-CN");
        assert_eq!(language_of("en_GB"), "en");
        assert_eq!(language_of(""), "en");
    }
}

//! Every message the code asks for exists in both catalogues (a missing key would show its
//! raw name, like `method.call`, to the user).

use promptly::domain::log::ContactMethod;
use promptly::domain::review::{BreachClass, Remedy};
use promptly::domain::ticket::{Channel, Complexity, Kind, Priority, Status};
use std::path::Path;

const LANGS: [&str; 2] = ["en", "zh-CN"];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The literal keys of `t!("...")` calls in the source.
fn literal_keys() -> Vec<String> {
    let mut files = Vec::new();
    rust_files(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &mut files);
    let mut keys = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, _) in text.match_indices("t!(") {
            // `format!(` and `print!(` end in `t!(` too.
            if text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                continue;
            }
            let rest = text[i + 3..].trim_start();
            if let Some(quoted) = rest.strip_prefix('"')
                && let Some(end) = quoted.find('"')
            {
                keys.push(quoted[..end].to_string());
            }
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Whether a catalogue has the key, through the same lookup the program uses.
fn has(lang: &str, key: &str) -> bool {
    promptly::words::catalogue::has(lang, key)
}

fn missing(key: &str, lang: &str) -> bool {
    !has(lang, key)
}

/// The catalogues parse (a broken one would make every message show its key) and have the
/// same keys.
#[test]
fn both_catalogues_parse_and_have_the_same_keys() {
    let keys = |lang: &str| -> std::collections::BTreeSet<String> {
        // The messages and the `--help` texts.
        let mut stack = Vec::new();
        for dir in ["", "help/"] {
            let path = format!("{}/assets/locales/{dir}{lang}.toml", env!("CARGO_MANIFEST_DIR"));
            let table: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
            stack.push((String::new(), table));
        }
        let mut out = std::collections::BTreeSet::new();
        while let Some((prefix, table)) = stack.pop() {
            for (k, v) in table {
                let path = if prefix.is_empty() { k } else { format!("{prefix}.{k}") };
                match v {
                    toml::Value::Table(t) => stack.push((path, t)),
                    _ => {
                        out.insert(path);
                    }
                }
            }
        }
        out
    };
    let (en, zh) = (keys("en"), keys("zh-CN"));
    assert!(en.len() > 100, "{}", en.len());
    let only_en: Vec<_> = en.difference(&zh).collect();
    let only_zh: Vec<_> = zh.difference(&en).collect();
    assert!(
        only_en.is_empty() && only_zh.is_empty(),
        "en only: {only_en:?}; zh-CN only: {only_zh:?}"
    );
}

#[test]
fn every_literal_key_is_in_both_catalogues() {
    let keys = literal_keys();
    assert!(keys.len() > 50, "the scan found too few keys: {keys:?}");
    let gaps: Vec<String> = keys
        .iter()
        .flat_map(|k| LANGS.iter().filter(|l| missing(k, l)).map(move |l| format!("{l}: {k}")))
        .collect();
    assert!(gaps.is_empty(), "missing messages:\n{}", gaps.join("\n"));
}

#[test]
fn every_vocabulary_word_is_in_both_catalogues() {
    let mut words: Vec<(&str, &str)> = Vec::new();
    words.extend(Priority::ALL.iter().map(|v| ("priority", v.slug())));
    words.extend(Status::ALL.iter().map(|v| ("status", v.slug())));
    words.extend(Kind::ALL.iter().map(|v| ("kind", v.slug())));
    words.extend(Channel::ALL.iter().map(|v| ("channel", v.slug())));
    words.extend(Complexity::ALL.iter().map(|v| ("complexity", v.slug())));
    words.extend(ContactMethod::ALL.iter().map(|v| ("contact", v.slug())));
    words.extend(BreachClass::ALL.iter().map(|v| ("review.class", v.slug())));
    words.extend(Remedy::ALL.iter().map(|v| ("review.remedy", v.slug())));
    for field in [
        "title",
        "description",
        "customer",
        "phone",
        "email",
        "channel",
        "kind",
        "priority",
        "complexity",
        "order",
        "purchased",
        // Fields named in refusals (`InvalidField::field`, `DeskError::field`).
        "text",
        "note",
        "confirmed",
        "confirmation",
        "edit",
        "reason",
        "now",
        "month",
        "score",
        "amount",
        "metric",
        "cycle",
        "id",
        "opened_at",
        "to",
        "by",
        "contact",
        "class",
        "remedy",
        "status",
    ] {
        words.push(("field", field));
    }
    for state in ["running", "paused", "warning", "breached", "met"] {
        words.push(("clock", state));
    }
    let gaps: Vec<String> = words
        .iter()
        .flat_map(|(g, s)| {
            LANGS
                .iter()
                .filter(move |l| missing(&format!("{g}.{s}"), l))
                .map(move |l| format!("{l}: {g}.{s}"))
        })
        .collect();
    assert!(gaps.is_empty(), "missing words:\n{}", gaps.join("\n"));
}

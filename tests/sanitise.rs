//! Every byte that reaches a terminal goes through the one sanitiser: text from a policy file
//! and values echoed by the argument parser included.

pub mod common;

use std::path::Path;

const HOSTILE: [&str; 5] = ["\u{1b}", "\u{7}", "\u{9b}", "\u{202e}", "\u{2028}"];

fn clean(text: &str) -> bool {
    !HOSTILE.iter().any(|h| text.contains(h))
}

#[test]
fn policy_labels_are_sanitised_in_every_listing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let builtin = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/policy.toml")).unwrap();
    let hostile = builtin.replace(
        r#"label = { en = "First response", zh = "首次响应" }"#,
        r#"label = { en = "First\u001b]0;PWNED\u0007 \u009b2J resp\u202eonse\u2028x", zh = "首次\u001b[31m响应" }"#,
    );
    assert_ne!(hostile, builtin, "the label line moved in assets/policy.toml");
    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, hostile).unwrap();
    let db = dir.path().join("desk.db");
    let run = |lang: &str, args: &[&str]| {
        let out = common::promptly(&db, lang)
            .arg("--policy")
            .arg(&policy)
            .args(["--now", "2026-11-24 18:00"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
    };
    let run_at = |now: &str, args: &[&str]| {
        let out = common::promptly(&db, "en")
            .arg("--policy")
            .arg(&policy)
            .args(["--now", now])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
    };
    run_at("2026-11-23 09:00", &["new", "--title", "late one"]);
    for lang in ["en", "zh-CN"] {
        for args in [
            &["list"][..],
            &["show", "1"],
            &["review", "list"],
            &["report", "daily", "--date", "2026-11-23"],
            &["report", "daily", "--date", "2026-11-23", "--format", "md"],
            &["sla", "check"],
            &["sla", "explain", "1"],
            &["board", "--print"],
        ] {
            let out = run(lang, args);
            assert!(clean(&out), "{lang} {args:?} let a control through:\n{out:?}");
        }
    }
}

#[test]
fn values_echoed_by_the_argument_parser_are_sanitised() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let db = dir.path().join("desk.db");
    for args in [
        &["status", "1", "\u{1b}]0;PWNED\u{7}"][..],
        &["list", "--status", "\u{9b}2J"],
        &["--nope\u{202e}x"],
        &["new", "--priority", "\u{2028}urgent"],
    ] {
        let out = common::promptly(Path::new(&db), "en").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let text = String::from_utf8_lossy(&out.stderr);
        assert!(clean(&text), "{args:?}: {text:?}");
        assert!(!text.trim().is_empty());
    }
}

//! `list --json` is read on one thread and written on another since issue 11's last pass (and
//! serialized with its own layout): it still prints the same bytes. The digests are of what
//! the binary of commit 7109a75, before that change, printed for the same demo, command and
//! now (each ticket's `owner` line, issue 16, left out); if the demo comes to make other tickets, they are taken again with a binary from before
//! the change under test, never with the code under test.

pub mod common;

use sha2::{Digest, Sha256};
use std::path::PathBuf;

const NOW: &str = "2026-11-24 10:00";

fn run(db: &std::path::Path, lang: &str, args: &[&str]) -> Vec<u8> {
    let out = common::promptly(db, lang)
        .args(["--now", NOW])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn list_json_prints_what_it_printed_before_the_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let db: PathBuf = dir.path().join("desk.db");
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    // 450 open tickets: three batches of the list, the last one short.
    run(
        &db,
        "en",
        &["demo", "--tickets", "600", "--open", "450", "--seed", "14"],
    );
    let cases: [(&str, &[&str], usize, &str); 6] = [
        (
            "en",
            &["list", "--json"],
            450,
            "e3a1fb5974a5d7f6eec6a10d19a8187efabde58b86502e551e09983c3f586609",
        ),
        (
            "zh-CN",
            &["list", "--json"],
            450,
            "e3a1fb5974a5d7f6eec6a10d19a8187efabde58b86502e551e09983c3f586609",
        ),
        (
            "en",
            &["list", "--json", "--all"],
            600,
            "76016c82331951413979bf7ddd280d72da8d61958d867de2d55467fd53a239fa",
        ),
        (
            "en",
            &["list", "--json", "--search", "王"],
            18,
            "40353381c377ce567bc830ce8fae9114f9d2f4aa7459714005c86ad29832ff2d",
        ),
        (
            "en",
            &["list", "--json", "--overdue"],
            262,
            "cc09454ac9ec34f69644ad85664251ff57dd2ac6fa4d4976bba913d13170cc0e",
        ),
        (
            "en",
            &["list", "--json", "--limit", "201"],
            201,
            "4942930df8a91b7408c002b028c88ab4e513a9d523ac174bc1edd7ef29fe11f2",
        ),
    ];
    for (lang, args, count, digest) in cases {
        let out = run(&db, lang, args);
        let items: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
        assert_eq!(items.len(), count, "{lang} {args:?}");
        // Issue 16 added each ticket's owner (one line of its own): the rest is as before.
        assert!(items.iter().all(|i| i["owner"].is_string()), "{lang} {args:?}");
        let text = String::from_utf8(out).unwrap();
        let before: String = text
            .split_inclusive('\n')
            .filter(|l| !l.starts_with("    \"owner\": "))
            .collect();
        let out = before.into_bytes();
        let got: String = Sha256::digest(&out).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, digest, "{lang} {args:?}: other bytes than before");
    }
}

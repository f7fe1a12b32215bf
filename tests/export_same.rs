//! `promptly export` reads faster than it did (issue 14) and says the same: a demo's export is
//! byte for byte the one the export wrote before the speed work (tests/golden/export-demo,
//! made by commit 4ea65f9 from `demo --tickets 60 --seed 14`), and every exported ticket is
//! what `show --json` reads for it (log entries and clocks as of the same now).
//! If the demo comes to make other tickets, the golden files are made again with the export of
//! a commit before the change under test, never with the code under test.

pub mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-24 10:00";

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/export-demo")
        .join(name)
}

struct Demo {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Demo {
    fn new() -> Demo {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        std::fs::write(dir.path().join("config.toml"), "").unwrap();
        let demo = Demo { dir, db };
        demo.ok("en", &["demo", "--tickets", "60", "--seed", "14"]);
        demo
    }

    fn ok(&self, lang: &str, args: &[&str]) -> Vec<u8> {
        let out = common::promptly(&self.db, lang)
            .current_dir(self.dir.path())
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

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// The first line where `got` and `want` part, for a readable failure.
fn first_difference(got: &[u8], want: &[u8]) -> String {
    let (got, want) = (String::from_utf8_lossy(got), String::from_utf8_lossy(want));
    got.lines()
        .zip(want.lines())
        .enumerate()
        .find(|(_, (g, w))| g != w)
        .map_or_else(
            || format!("{} lines against {}", got.lines().count(), want.lines().count()),
            |(i, (g, w))| format!("line {}:\n  got  {g}\n  want {w}", i + 1),
        )
}

/// A CSV without its `owner` column (issue 16 added it after the goldens were made), each
/// other field's bytes as written. Panics if it has none.
fn without_owner(csv: &[u8]) -> Vec<u8> {
    // Records of raw fields (quotes kept), split at commas and line ends outside quotes.
    let text = String::from_utf8(csv.to_vec()).unwrap();
    let mut records: Vec<(Vec<String>, String)> = Vec::new();
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                field.push(c);
            }
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            '\n' if !quoted => {
                let end = if field.ends_with('\r') { "\r\n" } else { "\n" };
                field.truncate(field.trim_end_matches('\r').len());
                fields.push(std::mem::take(&mut field));
                records.push((std::mem::take(&mut fields), end.to_string()));
            }
            c => field.push(c),
        }
    }
    assert!(field.is_empty() && fields.is_empty(), "the file ends with a line end");
    let at = records[0]
        .0
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}') == "owner")
        .expect("an owner column");
    let mut out = String::new();
    for (mut fields, end) in records {
        let owner = fields.remove(at);
        assert!(!owner.contains('"'), "{owner}");
        if at == 0 {
            // The BOM stays at the start of the file.
            fields[0].insert(0, '\u{feff}');
        }
        out.push_str(&fields.join(","));
        out.push_str(&end);
    }
    out.into_bytes()
}

/// The log as a file's demo writes it: on a server whoever runs the demo is the role logged
/// in, where the golden files were made by the default author, `agent`.
fn as_on_a_file(db: &Path, log: Vec<u8>) -> Vec<u8> {
    if common::server(db).is_none() {
        return log;
    }
    let login = common::sql(db, "SELECT session_user")[0][0].clone().unwrap();
    String::from_utf8(log)
        .unwrap()
        .replace(&format!(",{login},"), ",agent,")
        .into_bytes()
}

#[test]
fn a_demos_export_is_byte_for_byte_the_one_before_the_speed_work() {
    let demo = Demo::new();
    demo.ok("en", &["export", "--all", "--out", "folder"]);
    for table in ["tickets.csv", "log.csv", "clocks.csv"] {
        let got = std::fs::read(demo.path("folder").join(table)).unwrap();
        let got = if table == "tickets.csv" {
            without_owner(&got)
        } else {
            as_on_a_file(&demo.db, got)
        };
        let want = std::fs::read(golden(table)).unwrap();
        assert!(got == want, "{table}: {}", first_difference(&got, &want));
    }
    // Chinese words and personal data, one flat file.
    demo.ok(
        "zh-CN",
        &["export", "--all", "--flat", "--include-personal", "--out", "flat.csv"],
    );
    let got = without_owner(&std::fs::read(demo.path("flat.csv")).unwrap());
    let want = std::fs::read(golden("flat-zh.csv")).unwrap();
    assert!(got == want, "flat-zh.csv: {}", first_difference(&got, &want));
}

#[test]
fn every_exported_ticket_is_what_show_json_reads() {
    let demo = Demo::new();
    let lines = demo.ok("en", &["export", "--all", "--include-personal", "--format", "jsonl"]);
    let exported: Vec<Value> = String::from_utf8(lines)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(exported.len(), 60);
    let mut entries = 0;
    for mut line in exported {
        let id = line["id"].as_i64().unwrap();
        let mut shown: Value = serde_json::from_slice(&demo.ok("en", &["show", &id.to_string(), "--json"])).unwrap();
        // What only an export adds: the id a re-import matches on.
        assert_eq!(line["external_id"], Value::String(id.to_string()));
        for v in [&mut line, &mut shown] {
            v.as_object_mut().unwrap().remove("external_id");
        }
        entries += line["log"].as_array().unwrap().len();
        assert!(!line["clocks"].as_array().unwrap().is_empty(), "#{id} has clocks");
        assert_eq!(line, shown, "ticket #{id}");
    }
    assert!(entries > 60, "the demo's tickets have logs ({entries} entries)");
}

#[test]
fn phones_and_emails_typed_into_text_are_masked_unless_personal_data_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    std::fs::write(dir.path().join("config.toml"), "author = \"agent\"\n").unwrap();
    let run = |args: &[&str]| {
        let out = common::promptly(&db, "en")
            .current_dir(dir.path())
            .args(["--now", "2026-11-03 10:00"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(&[
        "new",
        "--opened-at",
        "2026-11-02 09:00",
        "--title",
        "Kettle, call 13812345678",
        "--customer",
        "张三",
        "--description",
        "客户电话13812345678,到货 2026-11-02",
    ]);
    run(&[
        "log",
        "1",
        "mail zhang.san@example.cn or +86 139-0000-2222; order SO-99093312",
    ]);
    run(&["export", "--all", "--out", "masked"]);
    run(&["export", "--all", "--include-personal", "--out", "full"]);
    let masked = std::fs::read_to_string(dir.path().join("masked/log.csv")).unwrap();
    assert!(
        masked.contains("mail z***@example.cn or 139****2222; order SO-99093312"),
        "{masked}"
    );
    assert!(
        !masked.contains("13900002222") && !masked.contains("zhang.san"),
        "{masked}"
    );
    let tickets = std::fs::read_to_string(dir.path().join("masked/tickets.csv")).unwrap();
    assert!(
        tickets.contains("Kettle, call 138****5678") && tickets.contains("客户电话138****5678,到货 2026-11-02"),
        "{tickets}"
    );
    assert!(!tickets.contains("13812345678"), "{tickets}");
    let full = std::fs::read_to_string(dir.path().join("full/log.csv")).unwrap();
    assert!(
        full.contains("mail zhang.san@example.cn or +86 139-0000-2222"),
        "{full}"
    );
    // JSON Lines too.
    let json = run(&["export", "--all", "--format", "jsonl"]);
    assert!(
        json.contains("139****2222") && json.contains("客户电话138****5678"),
        "{json}"
    );
    assert!(!json.contains("13900002222") && !json.contains("13812345678"), "{json}");
}

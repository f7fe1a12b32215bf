//! `promptly export` and `report --format csv|xlsx`, end to end through the binary on a small
//! known set (shop calendar Asia/Shanghai): each format's content read back (the csv crate,
//! calamine), masking, filters, formula-looking text made inert, no overwrite, mode 0600.

pub mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

const NOW: &str = "2026-11-25 12:00";

struct Env {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Env {
    /// Three tickets: #1 closed (answered by phone), #2 open, #3 waiting.
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        std::fs::write(dir.path().join("config.toml"), "author = \"agent\"\n").unwrap();
        let env = Env { dir, db };
        let new = |at: &str, args: &[&str]| {
            env.ok(at, &[&["new", "--opened-at", at][..], args].concat());
        };
        new(
            "2026-11-02 09:00",
            &[
                "--title",
                "=HYPERLINK(\"http://x.example\")",
                "--customer",
                "张三",
                "--phone",
                "13812345678",
                "--email",
                "zhang.san@example.cn",
                "--description",
                "@SUM(A1) 坏了",
            ],
        );
        env.ok("2026-11-02 09:10", &["log", "1", "Called back", "--contact", "call"]);
        env.ok("2026-11-03 10:00", &["status", "1", "resolved", "--note", "Replaced"]);
        env.ok(
            "2026-11-04 10:00",
            &["status", "1", "closed", "--confirmed", "OK by phone"],
        );
        new(
            "2026-11-10 10:00",
            &[
                "--title",
                "Broken kettle",
                "--customer",
                "Jane Doe",
                "--phone",
                "+44 20 7946 0958",
            ],
        );
        new("2026-11-20 10:00", &["--title=-5 refund", "--order", "A-77"]);
        env.ok(
            "2026-11-20 10:05",
            &["status", "3", "waiting", "--note", "Asked for photo"],
        );
        env
    }

    fn run(&self, now: &str, args: &[&str]) -> Output {
        common::promptly(&self.db, "en")
            .current_dir(self.dir.path())
            .args(["--now", now])
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn export(&self, args: &[&str]) -> String {
        self.ok(NOW, &[&["export"][..], args].concat())
    }
}

/// A CSV file's records, header first (the BOM Excel needs is checked and dropped).
fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let text = bytes.strip_prefix("\u{feff}".as_bytes()).expect("a UTF-8 BOM");
    parse_csv(text)
}

fn parse_csv(text: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The value in column `name` of each data row.
fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let at = rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", rows[0]));
    rows[1..].iter().map(|r| r[at].clone()).collect()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn csv_folder_holds_tickets_log_and_clocks_with_personal_data_masked() {
    let env = Env::new();
    let out = env.path("out");
    env.export(&["--all", "--out", out.to_str().unwrap()]);
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(files, ["clocks.csv", "log.csv", "tickets.csv"]);

    let tickets = read_csv(&out.join("tickets.csv"));
    assert_eq!(column(&tickets, "id"), ["1", "2", "3"]);
    assert_eq!(column(&tickets, "customer"), ["张*", "J*", ""]);
    assert_eq!(column(&tickets, "phone"), ["138****5678", "442****0958", ""]);
    assert_eq!(column(&tickets, "email"), ["z***@example.cn", "", ""]);
    assert_eq!(column(&tickets, "status"), ["closed", "open", "waiting"]);
    assert_eq!(column(&tickets, "opened_at")[0], "2026-11-02T09:00:00+08:00");
    assert_eq!(column(&tickets, "first_response_at")[0], "2026-11-02T09:10:00+08:00");
    assert_eq!(column(&tickets, "resolved_at")[0], "2026-11-03T10:00:00+08:00");
    assert_eq!(column(&tickets, "closed_at")[0], "2026-11-04T10:00:00+08:00");
    assert_eq!(column(&tickets, "order")[2], "A-77");
    // Formula-looking text gets a leading apostrophe; other text is as entered.
    assert_eq!(
        column(&tickets, "title"),
        ["'=HYPERLINK(\"http://x.example\")", "Broken kettle", "'-5 refund"]
    );
    assert_eq!(column(&tickets, "note")[0], "'@SUM(A1) 坏了");
    assert_eq!(column(&tickets, "first-response_sla")[0], "met");
    assert_eq!(column(&tickets, "customer_id"), ["", "", ""]);

    let log = read_csv(&out.join("log.csv"));
    let kinds: Vec<String> = log[1..].iter().filter(|r| r[0] == "1").map(|r| r[4].clone()).collect();
    assert_eq!(kinds, ["opened", "contact", "status", "confirmed", "status"]);
    assert!(log[1..].iter().any(|r| r[0] == "3" && r[6] == "Asked for photo"));

    let clocks = read_csv(&out.join("clocks.csv"));
    let first: Vec<&Vec<String>> = clocks[1..]
        .iter()
        .filter(|r| r[0] == "1" && r[1] == "first-response")
        .collect();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0][3], "met");
    assert_eq!(first[0][8], "2026-11-02T09:10:00+08:00");

    #[cfg(unix)]
    assert_eq!(mode(&out), 0o700);
    #[cfg(unix)]
    for f in ["tickets.csv", "log.csv", "clocks.csv"] {
        assert_eq!(mode(&out.join(f)), 0o600, "{f}");
    }
}

#[test]
fn include_personal_writes_contacts_as_they_are_and_the_customers_table() {
    let env = Env::new();
    let out = env.path("personal");
    env.export(&["--all", "--include-personal", "--out", out.to_str().unwrap()]);
    let tickets = read_csv(&out.join("tickets.csv"));
    assert_eq!(column(&tickets, "customer")[..2], ["张三", "Jane Doe"]);
    assert_eq!(column(&tickets, "phone")[0], "13812345678");
    assert_eq!(column(&tickets, "email")[0], "zhang.san@example.cn");
    let customers = read_csv(&out.join("customers.csv"));
    assert_eq!(customers[0], ["customer_id", "name", "phone", "email"]);
    let names = column(&customers, "name");
    assert!(
        names.contains(&"张三".to_string()) && names.contains(&"Jane Doe".to_string()),
        "{names:?}"
    );
    // A customer's key in tickets.csv names its row in customers.csv.
    let key = &column(&tickets, "customer_id")[0];
    assert!(customers[1..].iter().any(|r| &r[0] == key && r[1] == "张三"));
    #[cfg(unix)]
    assert_eq!(mode(&out.join("customers.csv")), 0o600);
}

#[test]
fn flat_csv_has_exactly_the_import_columns() {
    let env = Env::new();
    let text = env.export(&["--flat", "--all", "--out", "-"]);
    let rows = parse_csv(text.as_bytes());
    let contract = [
        "id",
        "external_id",
        "title",
        "customer",
        "phone",
        "email",
        "order",
        "kind",
        "priority",
        "complexity",
        "channel",
        "status",
        "opened_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "note",
        "owner",
    ];
    assert_eq!(rows[0][..contract.len()], contract);
    assert!(
        rows[0][contract.len()..].iter().all(|h| h.ends_with("_sla")),
        "{:?}",
        rows[0]
    );
    assert_eq!(rows.len(), 4);
    assert_eq!(column(&rows, "kind")[0], "enquiry");
}

#[test]
fn filters_are_the_lists_plus_a_period_of_opening() {
    let env = Env::new();
    let ids = |args: &[&str]| {
        let text = env.export(&[&["--flat", "--out", "-"][..], args].concat());
        column(&parse_csv(text.as_bytes()), "id")
    };
    // As `list`: open and waiting unless told otherwise.
    assert_eq!(ids(&[]), ["2", "3"]);
    assert_eq!(ids(&["--status", "closed"]), ["1"]);
    assert_eq!(ids(&["--all", "--search", "KETTLE"]), ["2"]);
    assert_eq!(
        ids(&["--all", "--opened-since", "2026-11-10", "--opened-until", "2026-11-10"]),
        ["2"]
    );
    assert_eq!(ids(&["--all", "--opened-until", "2026-11-09"]), ["1"]);
    assert_eq!(ids(&["--all", "--limit", "2"]), ["1", "2"]);
    // #2's first response (30 business minutes from 2026-11-10 10:00) is long overdue; #3
    // waits (its clocks pause).
    assert_eq!(ids(&["--overdue"]), ["2"]);
    let out = env.run(
        NOW,
        &["export", "--opened-since", "2026-11-10", "--opened-until", "2026-11-01"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn jsonl_is_one_show_json_object_per_line_masked() {
    let env = Env::new();
    let text = env.export(&["--format", "jsonl", "--all"]);
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    let shown: Value = serde_json::from_str(&env.ok(NOW, &["show", "2", "--json"])).unwrap();
    let mut keys: Vec<&String> = lines[1].as_object().unwrap().keys().collect();
    let mut show_keys: Vec<&String> = shown.as_object().unwrap().keys().collect();
    // The schema of `show --json`, plus the id a re-import matches on.
    let external = "external_id".to_string();
    show_keys.push(&external);
    keys.sort();
    show_keys.sort();
    assert_eq!(keys, show_keys);
    assert_eq!(lines[1]["log"], shown["log"]);
    assert_eq!(lines[1]["clocks"], shown["clocks"]);
    assert_eq!(lines[0]["customer"]["name"], "张*");
    assert_eq!(lines[0]["customer"]["phone"], "138****5678");
    assert_eq!(lines[0]["log"].as_array().unwrap().len(), 5);
    let personal = env.export(&["--format", "jsonl", "--all", "--include-personal"]);
    let first: Value = serde_json::from_str(personal.lines().next().unwrap()).unwrap();
    assert_eq!(first["customer"]["email"], "zhang.san@example.cn");
}

#[test]
fn xlsx_has_a_sheet_per_table_with_real_dates() {
    let env = Env::new();
    let path = env.path("desk.xlsx");
    env.export(&["--format", "xlsx", "--all", "--out", path.to_str().unwrap()]);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["tickets", "log", "clocks"]);
    let tickets = book.worksheet_range("tickets").unwrap();
    let header: Vec<String> = tickets.rows().next().unwrap().iter().map(ToString::to_string).collect();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let first = tickets.rows().nth(1).unwrap();
    assert_eq!(first[at("id")], Data::Float(1.0));
    // Text stays text: a cell of a workbook is never run as a formula.
    assert_eq!(
        first[at("title")],
        Data::String("=HYPERLINK(\"http://x.example\")".into())
    );
    assert_eq!(first[at("customer")], Data::String("张*".into()));
    match &first[at("opened_at")] {
        Data::DateTime(d) => assert_eq!(d.as_datetime().unwrap().to_string(), "2026-11-02 09:00:00", "shop time"),
        other => panic!("opened_at is {other:?}"),
    }
    assert_eq!(tickets.rows().count(), 4);
    let formulas = book.worksheet_formula("tickets").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    let log = book.worksheet_range("log").unwrap();
    // The header, #1 (opened, contact, resolved, confirmed, closed), #2, #3.
    assert_eq!(log.rows().count(), 1 + 5 + 1 + 2);
}

#[test]
fn an_existing_out_is_never_replaced_without_force() {
    let env = Env::new();
    let file = env.path("taken.xlsx");
    std::fs::write(&file, "keep me").unwrap();
    let out = env.run(NOW, &["export", "--format", "xlsx", "--out", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
    let folder = env.path("taken");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("tickets.csv"), "keep me").unwrap();
    let out = env.run(NOW, &["export", "--out", folder.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(folder.join("tickets.csv")).unwrap(), b"keep me");

    env.export(&["--format", "xlsx", "--force", "--out", file.to_str().unwrap()]);
    assert!(std::fs::read(&file).unwrap().starts_with(b"PK"));
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);
    env.export(&["--force", "--out", folder.to_str().unwrap()]);
    assert_eq!(read_csv(&folder.join("tickets.csv")).len(), 3);
    // Nothing staged is left beside the targets.
    let left: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".promptly-export")
        })
        .collect();
    assert!(left.is_empty());
}

#[test]
fn report_csv_is_one_file_of_tables_and_xlsx_a_sheet_per_table() {
    let env = Env::new();
    let text = env.ok(NOW, &["report", "monthly", "--date", "2026-11-15", "--format", "csv"]);
    let rows = parse_csv(text.as_bytes());
    assert_eq!(rows[0], ["Summary", "Item", "Value"]);
    assert!(
        rows.iter()
            .any(|r| r[0] == "Summary" && r[1] == "Tickets opened" && r[2] == "3")
    );
    let sections: Vec<&str> = rows.iter().map(|r| r[0].as_str()).fold(Vec::new(), |mut v, s| {
        if v.last() != Some(&s) {
            v.push(s);
        }
        v
    });
    assert_eq!(
        sections,
        [
            "Summary",
            "Compliance (met on time / due)",
            "Compliance and breaches, last 30 days",
            "Kind",
            "Priority",
            "Channel",
            "Owner",
            "Overdue now",
            "Breached in the period",
            "Awaiting judgement, this period (newest first)",
            "Judged in the period"
        ]
    );
    // The breakdown by kind: enquiries' first response.
    assert!(
        rows.iter()
            .any(|r| r[0] == "Kind" && r[2].eq_ignore_ascii_case("enquiry"))
    );
    // #2 is overdue now.
    assert!(rows.iter().any(|r| r[0] == "Overdue now" && r[1] == "#2"));

    let out = env.run(NOW, &["report", "monthly", "--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    let path = env.path("report.xlsx");
    env.ok(
        NOW,
        &[
            "report",
            "monthly",
            "--date",
            "2026-11-15",
            "--format",
            "xlsx",
            "-o",
            path.to_str().unwrap(),
        ],
    );
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), sections.len());
    assert_eq!(names[0], "Summary");
    // Excel refuses "/" in a sheet name and more than 31 characters.
    assert!(
        names.iter().all(|n| !n.contains('/') && n.chars().count() <= 31),
        "{names:?}"
    );
    let summary = book.worksheet_range("Summary").unwrap();
    assert_eq!(summary.get((1, 0)), Some(&Data::String("Tickets opened".into())));
}

#[test]
fn flat_json_lines_and_a_workbook_to_stdout_are_usage_errors() {
    let env = Env::new();
    let out = env.run(NOW, &["export", "--format", "jsonl", "--flat"]);
    assert_eq!(out.status.code(), Some(2));
    let out = env.run(NOW, &["export", "--format", "xlsx", "--out", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(!env.path("-").exists());
}

/// An imported ticket is exported under the id it was imported with, so exporting and
/// importing again elsewhere matches the same rows; a ticket made here under its number.
#[test]
fn imported_tickets_keep_their_external_id_in_every_export() {
    let env = Env::new();
    std::fs::write(
        env.path("old.csv"),
        "外部编号,标题,创建时间\nOLD-7,Imported kettle,2026-11-21 09:00\n",
    )
    .unwrap();
    env.ok(NOW, &["import", env.path("old.csv").to_str().unwrap()]);
    let rows = parse_csv(env.export(&["--flat", "--all", "--out", "-"]).as_bytes());
    assert_eq!(column(&rows, "external_id"), ["1", "2", "3", "OLD-7"]);
    let lines = env.export(&["--format", "jsonl", "--all"]);
    let ids: Vec<String> = lines
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["external_id"].to_string())
        .collect();
    assert_eq!(ids, ["\"1\"", "\"2\"", "\"3\"", "\"OLD-7\""]);
}

/// `--force` replaces a file, never a link (nor a device: renaming over /dev/null would
/// replace the device) or a file where a CSV folder goes.
#[cfg(unix)]
#[test]
fn force_never_replaces_a_link_or_an_entry_of_the_other_kind() {
    let env = Env::new();
    let real = env.path("real.csv");
    std::fs::write(&real, "keep me").unwrap();
    let link = env.path("link.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = env.run(NOW, &["export", "--flat", "--force", "--out", link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never replaced"));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&real).unwrap(), b"keep me");
    // A file where the CSV tables' folder would go.
    let out = env.run(NOW, &["export", "--force", "--out", real.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&real).unwrap(), b"keep me");
}

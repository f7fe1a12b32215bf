//! `promptly intake` end to end through the real binary, on a corpus of real-shaped messages
//! (tests/mail/): new tickets, threading, idempotence, attachments, quarantine, sysexits.

pub mod common;

use serde_json::Value;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const NOW: &str = "2026-12-02T10:00:00+08:00";

struct Env {
    dir: tempfile::TempDir,
    db: PathBuf,
}

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mail").join(name)).unwrap()
}

impl Env {
    fn new(config: &str) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        std::fs::write(dir.path().join("config.toml"), format!("author = \"tester\"\n{config}")).unwrap();
        let env = Env { dir, db };
        assert!(env.cmd(&["init"]).output().unwrap().status.success());
        env
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = common::promptly(&self.db, "en");
        c.args(["--now", NOW]).args(args);
        c
    }

    /// `intake` with `message` on stdin.
    fn intake(&self, message: &[u8]) -> Output {
        self.intake_args(message, &[])
    }

    fn intake_args(&self, message: &[u8], args: &[&str]) -> Output {
        let mut child = self
            .cmd(&[&["intake"], args].concat())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // A broken pipe is fine: intake may stop reading at its size limit.
        let _ = stdin.write_all(message);
        drop(stdin);
        child.wait_with_output().unwrap()
    }

    fn taken(&self, name: &str) -> String {
        let out = self.intake(&corpus(name));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn show(&self, id: i64) -> Value {
        let out = self.cmd(&["show", &id.to_string(), "--json"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn sql<T: std::str::FromStr>(&self, q: &str) -> T {
        let found = common::sql(&self.db, q);
        let value = found
            .first()
            .and_then(|r| r[0].clone())
            .unwrap_or_else(|| panic!("{q}: {found:?}"));
        value.parse().unwrap_or_else(|_| panic!("{q}: {value}"))
    }

    fn quarantine(&self) -> Vec<PathBuf> {
        let dir = common::data_dir(&self.db).join("quarantine/new");
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        files
    }
}

fn log_kinds(t: &Value) -> Vec<String> {
    t["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_new_message_opens_a_ticket_from_its_sender_subject_and_body() {
    let env = Env::new("[[intake.rules]]\nmatch = \"投诉\"\nkind = \"complaint\"\npriority = \"important\"\n");
    let out = env.taken("plain.eml");
    assert!(out.contains("opened ticket #1"), "{out}");
    let t = env.show(1);
    assert_eq!(t["title"], "我要投诉：水壶漏水");
    assert_eq!(t["channel"], "email");
    assert_eq!(t["kind"], "complaint", "the 投诉 rule");
    assert_eq!(t["priority"], "important");
    assert_eq!(t["customer"]["name"], "李雷");
    assert_eq!(t["customer"]["email"], "li.lei@example.cn");
    assert!(t["description"].as_str().unwrap().contains("SO-2031"));
    // Opened when intake ran (the SLA starts when we received it), not at the Date header.
    assert_eq!(t["opened_at"], "2026-12-02T02:00:00Z");
    assert_eq!(log_kinds(&t), ["opened", "contact"]);
    assert_eq!(
        env.sql::<i64>("SELECT at FROM mail"),
        1_796_001_300,
        "2026-11-30 01:15:00 UTC"
    );
    assert_eq!(env.sql::<String>("SELECT message_id FROM mail"), "plain-1@example.cn");
    let log_id: i64 = env.sql("SELECT log_id FROM mail");
    let kind: String = env.sql(&format!("SELECT kind FROM log_entries WHERE id = {log_id}"));
    assert_eq!(kind, "contact");
}

#[test]
fn html_gbk_and_big5_messages_read_as_text() {
    let env = Env::new("");
    env.taken("html-only.eml");
    env.taken("gbk.eml");
    env.taken("big5.eml");
    let html = env.show(1);
    assert_eq!(html["title"], "Broken kettle");
    let body = html["description"].as_str().unwrap();
    assert!(body.contains("arrived broken") && !body.contains("<b>"), "{body}");
    assert_eq!(html["kind"], "enquiry", "no rule: the defaults");
    let gbk = env.show(2);
    assert_eq!(gbk["title"], "配送延误，三天没到");
    assert_eq!(gbk["customer"]["name"], "王小明");
    assert!(gbk["description"].as_str().unwrap().contains("还没有收到"));
    let big5 = env.show(3);
    assert_eq!(big5["title"], "商品錯發");
    assert_eq!(big5["customer"]["name"], "陳大文");
    assert!(big5["description"].as_str().unwrap().contains("顏色不對"));
}

#[test]
fn replies_thread_by_references_then_subject_tag_and_quotes_are_trimmed() {
    let env = Env::new("");
    env.taken("plain.eml");
    env.taken("html-only.eml");
    let out = env.taken("reply-references.eml");
    assert!(out.contains("logged on ticket #1"), "{out}");
    let t = env.show(1);
    assert_eq!(log_kinds(&t), ["opened", "contact", "contact"]);
    let last = t["log"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["body"], "还是漏水，换一个吧。", "quoted history trimmed: {last}");
    // The raw message keeps it all.
    // In hex as `common::sql` reads a blob (PostgreSQL's bytea text starts with \x).
    let hex: String = env.sql("SELECT raw FROM mail WHERE message_id = 'reply-refs-1@example.cn'");
    let hex = hex.trim_start_matches("\\x");
    let raw: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&raw[..]), &mut text).unwrap();
    assert!(text.contains("请问现在还漏水吗"));

    let out = env.taken("reply-tag.eml");
    assert!(out.contains("logged on ticket #2"), "{out}");
    let t = env.show(2);
    let last = t["log"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["body"], "Any news?");
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM tickets"), 2);
}

#[test]
fn a_reply_reopens_a_resolved_ticket_and_a_closed_one_gets_a_new_ticket() {
    let env = Env::new("");
    env.taken("plain.eml");
    let status = |args: &[&str]| assert!(env.cmd(args).output().unwrap().status.success());
    status(&["status", "1", "resolved", "--note", "replaced the kettle"]);
    let out = env.taken("reply-references.eml");
    assert!(out.contains("reopened"), "{out}");
    assert_eq!(env.show(1)["status"], "open");

    // Closed: the reply opens a new ticket naming the old one.
    status(&["status", "1", "resolved", "--note", "again"]);
    status(&["status", "1", "closed", "--confirmed", "customer says fine"]);
    let reply = String::from_utf8(corpus("reply-tag.eml"))
        .unwrap()
        .replace("[#2]", "[#1]")
        .replace("reply-tag-1", "reply-tag-closed");
    let out = env.intake(reply.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("opened ticket #2"));
    let t = env.show(2);
    assert!(t["title"].as_str().unwrap().contains("[#1]"), "{}", t["title"]);
    assert_eq!(env.show(1)["status"], "closed");
}

#[test]
fn a_reply_to_a_ticket_waiting_for_the_customer_ends_the_wait() {
    let env = Env::new("");
    env.taken("plain.eml");
    assert!(
        env.cmd(&["status", "1", "waiting", "--note", "asked for a photo"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let out = env.taken("reply-references.eml");
    assert!(out.contains("waiting for the customer: open again"), "{out}");
    let t = env.show(1);
    assert_eq!(t["status"], "open");
    let last = t["log"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["data"]["from"], "waiting", "{last}");
    assert_eq!(last["data"]["to"], "open", "{last}");
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM tickets"), 1);
}

#[test]
fn reopen_on_reply_false_keeps_a_resolved_ticket_resolved() {
    let env = Env::new("[intake]\nreopen_on_reply = false\n");
    env.taken("plain.eml");
    assert!(
        env.cmd(&["status", "1", "resolved", "--note", "done"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let out = env.taken("reply-references.eml");
    assert!(!out.contains("reopened"), "{out}");
    let t = env.show(1);
    assert_eq!(t["status"], "resolved");
    assert_eq!(log_kinds(&t).last().unwrap(), "contact");
}

#[test]
fn the_same_message_twice_is_taken_once() {
    let env = Env::new("");
    env.taken("plain.eml");
    let out = env.taken("plain.eml");
    assert!(out.contains("taken before (ticket #1)"), "{out}");
    // Without a Message-ID, the SHA-256 of the bytes stands in.
    env.taken("no-message-id.eml");
    let out = env.taken("no-message-id.eml");
    assert!(out.contains("taken before (ticket #2)"), "{out}");
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM tickets"), 2);
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM mail"), 2);
    assert_eq!(env.show(2)["title"], "(no subject)");
}

#[test]
fn attachments_are_saved_private_with_safe_names_and_big_ones_listed() {
    let env = Env::new("");
    env.taken("multipart-attachments.eml");
    let folder = common::data_dir(&env.db).join("attachments/1");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["authorized_keys", "invoice-2.pdf", "invoice.pdf"]);
    for n in &names {
        assert_eq!(mode(&folder.join(n)), 0o600, "{n}");
    }
    assert!(!env.dir.path().join(".ssh").exists());
    let listed: String = env.sql("SELECT attachments FROM mail");
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed[0]["saved"], "attachments/1/invoice.pdf");
    assert_eq!(listed[1]["name"], "../../.ssh/authorized_keys");

    // 20 MB over the 10 MB default: listed with the reason, not saved; the raw keeps it.
    let big = big_message("big-1@example.cn", 20 << 20);
    let out = env.intake(&big);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let listed: String = env.sql("SELECT attachments FROM mail WHERE message_id = 'big-1@example.cn'");
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed[0]["saved"], Value::Null);
    assert_eq!(listed[0]["reason"], "too-large");
    assert!(listed[0]["size"].as_u64().unwrap() >= 20 << 20);
    assert!(!common::data_dir(&env.db).join("attachments/2").join("big.bin").exists());
    let raw_len: i64 = env.sql("SELECT length(raw) FROM mail WHERE message_id = 'big-1@example.cn'");
    assert!(raw_len > 0);
}

/// A message with one attachment of `size` bytes (base64).
fn big_message(id: &str, size: usize) -> Vec<u8> {
    let mut m = format!(
        "From: Big <big@example.cn>\r\nTo: s@shop.example\r\nSubject: big\r\nMessage-ID: <{id}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"Q\"\r\n\r\n--Q\r\n\
         Content-Type: text/plain\r\n\r\nsee attached\r\n--Q\r\nContent-Type: application/octet-stream\r\n\
         Content-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    .into_bytes();
    // base64 of zero bytes is 'A's: 76 per line, 57 bytes each.
    let line = "A".repeat(76) + "\r\n";
    for _ in 0..size.div_ceil(57) {
        m.extend_from_slice(line.as_bytes());
    }
    m.extend_from_slice(b"--Q--\r\n");
    m
}

#[test]
fn what_cannot_be_taken_is_quarantined_with_exit_65() {
    let env = Env::new("[intake]\nmax_message = \"1MB\"\n");
    let out = env.intake(&corpus("malformed.eml"));
    assert_eq!(out.status.code(), Some(65), "{}", String::from_utf8_lossy(&out.stderr));
    let q = env.quarantine();
    assert_eq!(q.len(), 1);
    let kept = std::fs::read(&q[0]).unwrap();
    assert!(kept.starts_with(b"X-Promptly-Quarantine: no-from;"));
    assert!(
        kept.ends_with(&corpus("malformed.eml")),
        "the message is kept byte for byte"
    );
    assert_eq!(std::fs::metadata(&q[0]).unwrap().permissions().mode() & 0o777, 0o600);
    // Over max_message: quarantined whole, streamed.
    let big = big_message("big-2@example.cn", 2 << 20);
    let out = env.intake(&big);
    assert_eq!(out.status.code(), Some(65));
    let q = env.quarantine();
    assert_eq!(q.len(), 2);
    let sizes: Vec<u64> = q.iter().map(|p| std::fs::metadata(p).unwrap().len()).collect();
    assert!(sizes.iter().any(|s| *s > big.len() as u64), "{sizes:?}");
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM tickets"), 0);
}

#[test]
fn a_bounce_never_opens_a_ticket() {
    let env = Env::new("");
    env.taken("plain.eml");
    // Quotes our outbound id for ticket 1 in its returned headers: noted there.
    let out = env.taken("bounce.eml");
    assert!(out.contains("delivery failure noted on ticket #1"), "{out}");
    let t = env.show(1);
    assert_eq!(log_kinds(&t), ["opened", "contact", "note"]);
    // Threads nowhere: quarantined as a bounce, exit 0 (the MTA must not bounce it again).
    let out = env.intake(&corpus("bounce-stray.eml"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let q = env.quarantine();
    assert_eq!(q.len(), 1);
    assert!(
        std::fs::read(&q[0])
            .unwrap()
            .starts_with(b"X-Promptly-Quarantine: bounce;")
    );
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM tickets"), 1);
}

fn maildir(env: &Env, names: &[&str]) -> PathBuf {
    let md = env.dir.path().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
    }
    for (i, name) in names.iter().enumerate() {
        std::fs::write(md.join("new").join(format!("17647{i:05}.M1P1.host")), corpus(name)).unwrap();
    }
    md
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn a_maildir_is_taken_and_each_file_moves_to_cur_after_commit() {
    let env = Env::new("");
    let md = maildir(&env, &["plain.eml", "gbk.eml", "reply-references.eml", "malformed.eml"]);
    std::os::unix::fs::symlink("/etc/passwd", md.join("new/1764799999.link")).unwrap();
    // Dry run: reads and reports, writes nothing.
    let out = env
        .cmd(&["intake", "--maildir", md.to_str().unwrap(), "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("3 would be taken, 1 would be quarantined, 1 left alone"));
    assert_eq!(listing(&md.join("new")).len(), 5);
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM tickets"), 0);

    let out = env
        .cmd(&["intake", "--maildir", md.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(65), "one quarantined: {stdout}");
    assert!(
        stdout.contains("2 new tickets, 1 reply, 0 duplicates, 1 quarantined, 1 left alone"),
        "{stdout}"
    );
    assert_eq!(
        listing(&md.join("new")),
        ["1764799999.link"],
        "the symlink is left alone"
    );
    let cur = listing(&md.join("cur"));
    assert_eq!(cur.len(), 3);
    assert!(cur.iter().all(|n| n.ends_with(":2,S")), "{cur:?}");
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM tickets"), 2);
    assert_eq!(env.quarantine().len(), 1);
}

#[test]
fn a_big_maildir_is_taken_in_batches_and_replies_find_tickets_of_the_same_batch() {
    let env = Env::new("");
    let md = maildir(&env, &[]);
    for i in 0..450 {
        let thread = if i % 2 == 1 {
            format!(
                "In-Reply-To: <m{}@example.cn>\r\nSubject: Re: kettle {}\r\n",
                i - 1,
                i - 1
            )
        } else {
            format!("Subject: kettle {i}\r\n")
        };
        let m = format!(
            "From: c{i}@example.cn\r\nTo: s@shop.example\r\nMessage-ID: <m{i}@example.cn>\r\n{thread}\r\nmessage {i}\r\n"
        );
        std::fs::write(md.join("new").join(format!("1764{i:06}.M{i}.host")), m).unwrap();
    }
    let out = env
        .cmd(&["intake", "--maildir", md.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains("225 new tickets, 225 replies"),
        "{}",
        stdout.lines().last().unwrap_or("")
    );
    assert!(listing(&md.join("new")).is_empty());
    assert_eq!(listing(&md.join("cur")).len(), 450);
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM mail"), 450);
    assert_eq!(env.sql::<i64>("SELECT count(DISTINCT ticket_id) FROM mail"), 225);
    // Messages 198 and 199 are in the same (first) transaction: the reply found its ticket there.
    assert_eq!(
        env.sql::<i64>("SELECT count(*) FROM mail a JOIN mail b ON a.ticket_id = b.ticket_id WHERE a.message_id = 'm199@example.cn' AND b.message_id = 'm198@example.cn'"),
        1
    );
}

#[test]
fn a_busy_database_moves_nothing_and_exits_75() {
    if common::file_only(
        "a_busy_database_moves_nothing_and_exits_75",
        "holds SQLite's write lock (on a server writers wait their turn: tests/desk_backends.rs)",
    ) {
        return;
    }
    let env = Env::new("");
    let md = maildir(&env, &["plain.eml", "gbk.eml"]);
    // Another writer holds the database past intake's busy timeout.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = env
        .cmd(&["intake", "--maildir", md.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(75), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(listing(&md.join("new")).len(), 2, "nothing moved");
    assert!(listing(&md.join("cur")).is_empty());
    conn.execute_batch("ROLLBACK").unwrap();
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM tickets"), 0);
    assert!(!common::data_dir(&env.db).join("attachments").exists());
    // stdin too: nothing kept, the MTA retries.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = env.intake(&corpus("plain.eml"));
    assert_eq!(out.status.code(), Some(75));
    assert!(env.quarantine().is_empty());
}

#[test]
fn a_message_the_desk_refuses_is_quarantined_and_holds_no_batch_up() {
    let env = Env::new("");
    env.taken("plain.eml");
    // A clock set before the ticket's last change: the reply cannot be logged in order.
    let md = maildir(&env, &["reply-references.eml", "gbk.eml"]);
    let out = common::promptly(&env.db, "en")
        .args([
            "--now",
            "2026-12-01T10:00:00+08:00",
            "intake",
            "--maildir",
            md.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(65), "{stdout}");
    assert!(stdout.contains("quarantined (refused by the desk)"), "{stdout}");
    assert!(
        stdout.contains("opened ticket #2"),
        "the other message is taken: {stdout}"
    );
    assert!(listing(&md.join("new")).is_empty());
    assert_eq!(env.quarantine().len(), 1);
}

#[test]
fn an_empty_stdin_is_no_input_and_keeps_nothing() {
    let env = Env::new("");
    let out = env.intake(b"");
    assert_eq!(out.status.code(), Some(66));
    assert!(env.quarantine().is_empty());
}

#[test]
fn an_unreadable_maildir_exits_74() {
    let env = Env::new("");
    let out = env
        .cmd(&["intake", "--maildir", "/nonexistent/promptly-maildir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(74));
    let out = env.cmd(&["intake", "--maildir", "/dev/null"]).output().unwrap();
    assert_eq!(out.status.code(), Some(74));
}

#[test]
fn intake_help_speaks_both_languages() {
    let env = Env::new("");
    let en = env.cmd(&["intake", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&en.stdout).contains("maildir"));
    let zh = common::promptly(&env.db, "zh-CN")
        .args(["intake", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&zh.stdout).contains("收取邮件"));
}

mod random_bytes {
    use promptly::app::intake::parse::parse;
    use proptest::prelude::*;

    /// Header-ish fragments that steer random input into the parser's deeper paths.
    const PIECES: &[&str] = &[
        "From: a@b.cn\r\n",
        "Subject: =?GBK?B?xePDxw==?=\r\n",
        "Subject: =?utf-8?Q?=E4=BD=A0?=\r\n",
        "Content-Type: multipart/mixed; boundary=\"x\"\r\n",
        "Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n",
        "Content-Transfer-Encoding: base64\r\n",
        "Content-Transfer-Encoding: quoted-printable\r\n",
        "Content-Disposition: attachment; filename=\"../../x\"\r\n",
        "References: <a@b> <\r\n",
        "In-Reply-To: <promptly.1.2.0a1b2c3d@x>\r\n",
        "Date: Mon, 99 Foo 99999 99:99:99 +9999\r\n",
        "\r\n",
        "--x\r\n",
        "--x--\r\n",
        "=?\r\n",
        "<html><b>x</b>",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn no_input_makes_the_parser_panic(
            pieces in prop::collection::vec((0..PIECES.len(), prop::collection::vec(any::<u8>(), 0..40)), 0..12)
        ) {
            let mut raw = Vec::new();
            for (i, noise) in pieces {
                raw.extend_from_slice(PIECES[i].as_bytes());
                raw.extend_from_slice(&noise);
            }
            if let Ok(parsed) = parse(raw, 16) {
                // Whatever is read is bounded and addressed.
                prop_assert!(!parsed.mail.message_id.is_empty());
                prop_assert!(parsed.mail.subject.chars().count() <= 998);
                prop_assert!(parsed.parts.iter().all(|p| p.data.as_ref().is_none_or(|d| d.len() <= 16)));
            }
        }
    }
}

/// `intake --dry-run` says what taking each message would do, from what is stored now (and the
/// run's earlier messages), and writes nothing: no ticket, no mail row, no quarantine file.
#[test]
fn a_dry_run_foresees_where_each_message_goes_and_writes_nothing() {
    let env = Env::new("");
    let stored = || {
        (
            env.sql::<i64>("SELECT count(*) FROM tickets"),
            env.sql::<i64>("SELECT count(*) FROM log"),
            env.sql::<i64>("SELECT count(*) FROM mail"),
            env.sql::<i64>("SELECT coalesce(sum(version), 0) FROM tickets"),
        )
    };
    let dry = |message: &[u8]| {
        let before = stored();
        let out = env.intake_args(message, &["--dry-run"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(stored(), before, "a dry run wrote");
        assert!(env.quarantine().is_empty(), "a dry run quarantined");
        String::from_utf8(out.stdout).unwrap()
    };
    let status = |args: &[&str]| {
        let out = env.cmd(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let out = dry(&corpus("plain.eml"));
    assert!(
        out.contains("would open a new ticket (Message-ID plain-1@example.cn)"),
        "{out}"
    );
    env.taken("plain.eml");

    let out = dry(&corpus("plain.eml"));
    assert!(out.contains("taken before (ticket #1): would be skipped"), "{out}");
    let out = dry(&corpus("reply-references.eml"));
    assert!(out.contains("would be logged on ticket #1 (Message-ID"), "{out}");
    let out = dry(&corpus("bounce.eml"));
    assert!(out.contains("would be noted on ticket #1"), "{out}");
    let out = dry(&corpus("bounce-stray.eml"));
    assert!(out.contains("would be quarantined"), "{out}");
    status(&["status", "1", "waiting", "--note", "asked for a photo"]);
    let out = dry(&corpus("reply-references.eml"));
    assert!(out.contains("waits for the customer: open again"), "{out}");
    status(&["status", "1", "open", "--note", "photo came"]);
    status(&["status", "1", "resolved", "--note", "replaced"]);
    let out = dry(&corpus("reply-references.eml"));
    assert!(out.contains("which is resolved: it would reopen"), "{out}");
    status(&["status", "1", "closed", "--confirmed", "customer says fine"]);
    let out = dry(&corpus("reply-references.eml"));
    assert!(out.contains("ticket #1 it answers is closed"), "{out}");
}

/// In a maildir's dry run, a reply to a message of the same run is foreseen on the ticket that
/// message would open (as the real run takes them); a database not made yet is no error.
#[test]
fn a_maildir_dry_run_threads_replies_to_the_runs_own_messages() {
    let env = Env::new("");
    common::remove(&env.db);
    let md = maildir(&env, &["plain.eml", "reply-references.eml"]);
    let out = env
        .cmd(&["intake", "--maildir", md.to_str().unwrap(), "--dry-run"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("would open a new ticket"), "{stdout}");
    assert!(
        stdout.contains("would be logged on the ticket that message plain-1@example.cn of this run opens"),
        "{stdout}"
    );
    assert!(!common::exists(&env.db), "a dry run made the database");
}

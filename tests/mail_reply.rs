//! Replies by email (issue 15): `promptly reply` through a fake sendmail script that records
//! what it was given, one that fails (nothing logged, the clock still running), `--print`, the
//! board's `r`, and mail rows shown by `show`, `show --json` and the ticket screen.

pub mod common;

use chrono::{DateTime, Utc};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::domain::mail::{Attachment, MailDirection};
use promptly::domain::policy::Policy;
use promptly::store::Access;
use promptly::store::mail::NewMail;
use promptly::tui::app::{App, Mode};
use promptly::tui::frame_text;
use promptly::tui::keymap::Keymap;
use promptly::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const NOW: &str = "2026-11-23T10:00:00+08:00";

struct Env {
    dir: tempfile::TempDir,
    db: PathBuf,
}

/// A fake sendmail: records its stdin in `sent.eml` and its arguments in `args`.
const RECORDER: &str =
    "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args\"\ncat > \"$(dirname \"$0\")/sent.eml\"\n";
/// A sendmail that cannot reach its server.
const FAILING: &str =
    "#!/bin/sh\ncat > /dev/null\necho 'msmtp: cannot connect to smtp.shop.example: Connection refused' >&2\nexit 1\n";

impl Env {
    /// A database with `[mail]` configured; `script` (if any) is the sending command.
    fn new(script: Option<&str>) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        let mut config = String::from(
            "author = \"tester\"\n[mail]\nfrom = \"Shop Support <support@shop.example>\"\nsignature = \"\"\"\nShop Support\n400-800-1234\"\"\"\n",
        );
        if let Some(body) = script {
            let path = dir.path().join("sendmail");
            std::fs::write(&path, body).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            config.push_str(&format!("sendmail = \"'{}' -t -i\"\n", path.display()));
        }
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Env { dir, db }
    }

    fn command(&self, lang: &str) -> Command {
        let mut c = common::promptly(&self.db, lang);
        c.args(["--now", NOW]);
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command("en").args(args).stdin(Stdio::null()).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    fn sent(&self) -> Option<String> {
        std::fs::read_to_string(self.dir.path().join("sent.eml")).ok()
    }

    /// Ticket 1: 王小明's kettle, with an email address, opened by phone.
    fn ticket(&self) {
        self.ok(&[
            "new",
            "--title",
            "Kettle stops heating",
            "--customer",
            "王小明",
            "--email",
            "wang@example.cn",
            "--channel",
            "email",
        ]);
    }

    /// The customer's email logged as an inbound contact with its mail row (as intake would).
    fn inbound(&self, message_id: &str, refs: &[&str], subject: &str, attachments: &[Attachment]) {
        self.ok(&[
            "log",
            "1",
            "水壶还是不加热，怎么办？",
            "--contact",
            "email",
            "--inbound",
        ]);
        let mut store = common::store(&self.db, Access::ReadWrite).unwrap();
        let refs: Vec<String> = refs.iter().map(|r| r.to_string()).collect();
        store
            .write(|tx| {
                let log_id = tx.log(1)?.last().unwrap().id;
                tx.insert_mail(&NewMail {
                    message_id,
                    ticket_id: 1,
                    log_id,
                    direction: MailDirection::In,
                    at: "2026-11-23T01:30:00Z".parse().unwrap(),
                    from_addr: "wang@example.cn",
                    from_name: "王小明",
                    to_addr: "support@shop.example",
                    subject,
                    in_reply_to: refs.last().map(String::as_str),
                    refs: &refs,
                    attachments,
                    raw: b"From: wang@example.cn\n\nhi\n",
                })
                .map(|_| ())
            })
            .unwrap();
    }

    fn log_len(&self) -> usize {
        self.json(&["show", "1", "--json"])["log"].as_array().unwrap().len()
    }
}

/// Standard base64 back to bytes (the test reads what the composer wrote).
fn unbase64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, c)| n | (u32::from(value(*c)) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// A header's value with its folded lines joined and encoded words decoded.
fn header(message: &str, name: &str) -> Option<String> {
    let head = message.split("\n\n").next().unwrap();
    let mut value: Option<String> = None;
    for line in head.lines() {
        if let Some(v) = value.as_mut()
            && line.starts_with(' ')
        {
            v.push_str(line);
            continue;
        }
        if value.is_some() {
            break;
        }
        if let Some(rest) = line.strip_prefix(&format!("{name}: ")) {
            value = Some(rest.to_string());
        }
    }
    value.map(|v| {
        v.split(' ')
            .filter(|w| !w.is_empty())
            .map(
                |w| match w.strip_prefix("=?UTF-8?B?").and_then(|w| w.strip_suffix("?=")) {
                    Some(b64) => String::from_utf8(unbase64(b64)).unwrap(),
                    None => format!(" {w} "),
                },
            )
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    })
}

fn body(message: &str) -> String {
    let (_, body) = message.split_once("\n\n").unwrap();
    String::from_utf8(unbase64(body)).unwrap()
}

fn clock_state(env: &Env, metric: &str) -> String {
    let v = env.json(&["show", "1", "--json"]);
    let clock = v["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == metric)
        .unwrap();
    clock["state"].as_str().unwrap().to_string()
}

#[test]
fn a_reply_goes_through_the_command_threaded_and_is_logged_once_sent() {
    let env = Env::new(Some(RECORDER));
    env.ticket();
    env.inbound("c2@example.cn", &["c1@example.cn"], "Re: 水壶不加热 [#1]", &[]);
    assert_ne!(clock_state(&env, "first-response"), "met");
    let out = env.ok(&["reply", "1", "您好，已安排换货，今天发出。"]);
    assert!(out.contains("#1"), "{out}");
    let sent = env.sent().expect("the command got the message");
    assert_eq!(
        std::fs::read_to_string(env.dir.path().join("args")).unwrap(),
        "-t\n-i\n"
    );
    assert_eq!(header(&sent, "From").unwrap(), "Shop Support <support@shop.example>");
    assert_eq!(header(&sent, "To").unwrap(), "王小明 <wang@example.cn>");
    assert!(
        sent.contains("To: =?UTF-8?B?546L5bCP5piO?= <wang@example.cn>\n"),
        "{sent}"
    );
    let subject = header(&sent, "Subject").unwrap();
    assert_eq!(subject, "Re: 水壶不加热 [#1]");
    assert_eq!(subject.matches("[#1]").count(), 1);
    assert_eq!(header(&sent, "In-Reply-To").unwrap(), "<c2@example.cn>");
    assert_eq!(header(&sent, "References").unwrap(), "<c1@example.cn> <c2@example.cn>");
    assert_eq!(header(&sent, "MIME-Version").unwrap(), "1.0");
    assert_eq!(header(&sent, "Content-Type").unwrap(), "text/plain; charset=utf-8");
    assert_eq!(header(&sent, "Date").unwrap(), "Mon, 23 Nov 2026 02:00:00 +0000");
    let id = header(&sent, "Message-ID").unwrap();
    let id = id.trim_start_matches('<').trim_end_matches('>').to_string();
    let parts: Vec<&str> = id.split(['.', '@']).collect();
    assert_eq!(parts[..3], ["promptly", "1", "1795399200"], "{id}");
    assert!(
        parts[3].len() == 8 && parts[3].chars().all(|c| c.is_ascii_hexdigit()),
        "{id}"
    );
    assert!(id.ends_with("@shop.example"), "{id}");
    assert_eq!(
        body(&sent),
        "您好，已安排换货，今天发出。\n\n-- \nShop Support\n400-800-1234\n"
    );
    // Logged: an outbound email contact whose text is the reply, with its mail row.
    let v = env.json(&["show", "1", "--json"]);
    let last = v["log"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "contact");
    assert_eq!(last["event"], "outbound email");
    assert_eq!(last["body"], "您好，已安排换货，今天发出。");
    assert_eq!(last["mail"]["direction"], "out");
    assert_eq!(last["mail"]["message_id"], id.as_str());
    assert_eq!(last["mail"]["in_reply_to"], "c2@example.cn");
    assert_eq!(
        last["mail"]["references"],
        serde_json::json!(["c1@example.cn", "c2@example.cn"])
    );
    assert_eq!(last["mail"]["to_addr"], "wang@example.cn");
    assert_eq!(clock_state(&env, "first-response"), "met");
    // The raw message kept is exactly what the command was given.
    let store = common::store(&env.db, Access::ReadOnly).unwrap();
    let rows = store.mail_of_ticket(1).unwrap();
    let out_row = rows.iter().find(|r| r.direction == MailDirection::Out).unwrap();
    assert_eq!(store.mail_raw(out_row.id).unwrap().unwrap(), sent.as_bytes());
}

#[test]
fn a_failing_command_logs_nothing_and_the_clock_keeps_running() {
    let env = Env::new(Some(FAILING));
    env.ticket();
    let before = env.log_len();
    let out = env.run(&["reply", "1", "We are on it."]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("exit 1") && err.contains("Connection refused"), "{err}");
    assert!(err.contains("nothing was logged"), "{err}");
    assert_eq!(env.log_len(), before);
    assert_ne!(clock_state(&env, "first-response"), "met");
    let store = common::store(&env.db, Access::ReadOnly).unwrap();
    assert!(store.mail_of_ticket(1).unwrap().is_empty());
    // A command that is not there is the same: refused, nothing logged.
    let missing = Env::new(None);
    std::fs::write(
        missing.dir.path().join("config.toml"),
        "[mail]\nfrom = \"s@shop.example\"\nsendmail = \"/nonexistent/promptly-sendmail -t\"\n",
    )
    .unwrap();
    missing.ticket();
    let out = missing.run(&["reply", "1", "hello"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/promptly-sendmail"));
    assert_eq!(missing.log_len(), 1);
}

#[test]
fn print_writes_the_message_and_logs_nothing_and_without_a_command_reply_is_refused() {
    let env = Env::new(None);
    env.ticket();
    let out = env.ok(&["reply", "1", "--print", "The replacement ships today."]);
    assert_eq!(header(&out, "Subject").unwrap(), "Re: Kettle stops heating [#1]");
    assert!(
        out.contains("Content-Transfer-Encoding: 7bit\n\nThe replacement ships today.\n\n-- \nShop Support\n"),
        "{out}"
    );
    assert!(header(&out, "In-Reply-To").is_none());
    assert_eq!(env.log_len(), 1);
    let refused = env.run(&["reply", "1", "Hello"]);
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("sendmail") && err.contains("--print"), "{err}");
    assert_eq!(env.log_len(), 1);
    // zh-CN says the same in Chinese.
    let zh = env
        .command("zh-CN")
        .args(["reply", "1", "你好"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&zh.stderr).contains("没有配置发信命令"));
}

#[test]
fn the_text_comes_from_an_argument_stdin_or_a_file_and_empty_is_refused() {
    let env = Env::new(Some(RECORDER));
    env.ticket();
    let mut child = env
        .command("en")
        .args(["reply", "1", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"From stdin.\n").unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    assert!(env.sent().unwrap().contains("\n\nFrom stdin.\n"), "{:?}", env.sent());
    let file = env.dir.path().join("answer.txt");
    std::fs::write(&file, "From a file.").unwrap();
    env.ok(&["reply", "1", "--file", file.to_str().unwrap()]);
    assert!(env.sent().unwrap().contains("\n\nFrom a file.\n"));
    assert_eq!(env.log_len(), 3);
    for args in [
        &["reply", "1", "   "][..],
        &["reply", "1", "--file", "/dev/null"],
        &["reply", "1"],
    ] {
        let out = env.run(args);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
    }
    assert_eq!(env.run(&["reply", "1"]).status.code(), Some(2));
    assert_eq!(env.log_len(), 3);
}

#[test]
fn no_customer_email_is_refused_in_the_readers_words() {
    let env = Env::new(Some(RECORDER));
    env.ok(&["new", "--title", "No mail", "--phone", "13812345678"]);
    let out = env.run(&["reply", "1", "Hello"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no customer email"));
    let zh = env
        .command("zh-CN")
        .args(["reply", "1", "你好"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&zh.stderr).contains("没有客户邮箱"));
    assert!(env.sent().is_none());
}

#[test]
fn a_bad_from_is_refused_at_load_with_the_file_and_key() {
    let env = Env::new(None);
    let config = env.dir.path().join("config.toml");
    std::fs::write(&config, "[mail]\nfrom = \"Support <support at shop>\"\n").unwrap();
    let out = env.run(&["list"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&config.display().to_string()) && err.contains("[mail] from"),
        "{err}"
    );
}

#[test]
fn show_lists_who_wrote_the_subject_and_the_attachments() {
    let env = Env::new(Some(RECORDER));
    env.ticket();
    let attachments = [
        Attachment {
            name: "manual.pdf".into(),
            size: 120 * 1024,
            saved: Some("attachments/1/manual.pdf".into()),
            reason: None,
        },
        Attachment {
            name: "video\u{1b}[31m.mp4".into(),
            size: 20 * 1024 * 1024,
            saved: None,
            reason: Some("too-large".into()),
        },
    ];
    env.inbound("c1@example.cn", &[], "水壶不加热", &attachments);
    let text = env.ok(&["show", "1"]);
    assert!(
        text.contains("From: 王小明 <wang@example.cn> · Subject: 水壶不加热"),
        "{text}"
    );
    assert!(
        text.contains("Attachments: manual.pdf (120 KB), video␛[31m.mp4 (not saved: too large, 20.0 MB)"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "{text}");
    let zh = env.command("zh-CN").args(["show", "1"]).output().unwrap();
    let zh = String::from_utf8(zh.stdout).unwrap();
    assert!(
        zh.contains("发件人：王小明 <wang@example.cn> · 主题：水壶不加热"),
        "{zh}"
    );
    let v = env.json(&["show", "1", "--json"]);
    let entry = v["log"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(entry["mail"]["direction"], "in");
    assert_eq!(entry["mail"]["from_name"], "王小明");
    assert_eq!(entry["mail"]["attachments"][0]["saved"], "attachments/1/manual.pdf");
    assert_eq!(entry["mail"]["attachments"][1]["reason"], "too-large");
    assert!(v["log"][0]["mail"].is_null(), "only email entries carry mail");
}

// The board: `r` opens the reply form (To and Subject shown), Ctrl-S sends and logs; a failing
// command is a notice and the form keeps what was typed.

fn board_now() -> DateTime<Utc> {
    "2026-11-23T02:00:00Z".parse().unwrap()
}

fn board(env: &Env, lang: &'static str) -> (App, Desk) {
    env.ticket();
    env.inbound("c2@example.cn", &["c1@example.cn"], "Re: 水壶不加热 [#1]", &[]);
    let desk = Desk::new(
        common::store(&env.db, Access::ReadWrite).unwrap(),
        Policy::builtin(),
        Clock::frozen(board_now()),
        "agent",
    );
    let mut app = App::new(lang, Keymap::default(), Theme::default());
    let config = promptly::app::config::Config::load(&env.dir.path().join("config.toml"), true).unwrap();
    app.mail = config.mail;
    app.resize(100, 30);
    app.load(&desk);
    (app, desk)
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn type_text(app: &mut App, desk: &mut Desk, text: &str) {
    for c in text.chars() {
        app.handle_key(key(KeyCode::Char(c)), desk);
    }
}

#[test]
fn r_on_the_board_opens_the_reply_form_and_sends() {
    let env = Env::new(Some(RECORDER));
    let (mut app, mut desk) = board(&env, "en");
    app.handle_key(key(KeyCode::Char('r')), &mut desk);
    assert!(matches!(app.mode, Mode::Form(_)));
    insta::assert_snapshot!("reply_form_en", frame_text(&app, board_now(), 100, 30));
    type_text(&mut app, &mut desk, "Ships today.");
    app.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL), &mut desk);
    assert!(matches!(app.mode, Mode::Ticket), "sent, back on the ticket");
    let sent = env.sent().unwrap();
    assert_eq!(header(&sent, "Subject").unwrap(), "Re: 水壶不加热 [#1]");
    assert!(sent.contains("\n\nShips today.\n\n-- \n"), "{sent}");
    let screen = frame_text(&app, board_now(), 100, 30);
    assert!(
        screen.contains("To: wang@example.cn · Subject: Re: 水壶不加热 [#1]"),
        "{screen}"
    );
    assert!(screen.contains("From: 王小明 <wang@example.cn>"), "{screen}");
    // Opened, the customer's email, the reply.
    assert_eq!(env.log_len(), 3);
}

#[test]
fn a_failing_send_on_the_board_keeps_the_typed_text() {
    let env = Env::new(Some(FAILING));
    let (mut app, mut desk) = board(&env, "zh-CN");
    app.handle_key(key(KeyCode::Enter), &mut desk);
    app.handle_key(key(KeyCode::Char('r')), &mut desk);
    type_text(&mut app, &mut desk, "马上处理");
    app.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL), &mut desk);
    let Mode::Form(form) = &app.mode else {
        panic!("the form stays open")
    };
    assert_eq!(form.get(promptly::tui::form::FieldId::Text), "马上处理");
    let screen = frame_text(&app, board_now(), 100, 30);
    assert!(screen.contains("发信命令失败"), "{screen}");
    insta::assert_snapshot!("reply_failed_zh", screen);
    assert_eq!(env.log_len(), 2, "nothing logged");
}

#[test]
fn r_without_a_customer_email_says_why_and_opens_nothing() {
    let env = Env::new(Some(RECORDER));
    env.ok(&["new", "--title", "No mail", "--phone", "13812345678"]);
    let mut desk = Desk::new(
        common::store(&env.db, Access::ReadWrite).unwrap(),
        Policy::builtin(),
        Clock::frozen(board_now()),
        "agent",
    );
    let mut app = App::new("en", Keymap::default(), Theme::default());
    app.mail = promptly::app::config::Config::load(&env.dir.path().join("config.toml"), true)
        .unwrap()
        .mail;
    app.resize(80, 24);
    app.load(&desk);
    app.handle_key(key(KeyCode::Char('r')), &mut desk);
    assert!(matches!(app.mode, Mode::Ticket));
    let screen = frame_text(&app, board_now(), 80, 24);
    assert!(screen.contains("Cannot reply on #1"), "{screen}");
}

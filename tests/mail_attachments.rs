//! `promptly attachments`: a ticket's mail attachments listed, and saved from the message the
//! database keeps, on a machine that does not have intake's files (another agent's PC, with
//! the database on PostgreSQL) and for an attachment intake found too large.

pub mod common;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const NOW: &str = "2026-12-02T10:00:00+08:00";

struct Env {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Env {
    fn new(config: &str) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        std::fs::write(dir.path().join("config.toml"), format!("author = \"tester\"\n{config}")).unwrap();
        let env = Env { dir, db };
        assert!(env.run(&["init"]).status.success());
        env
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = common::promptly(&self.db, "en");
        c.args(["--now", NOW]).args(args);
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn intake(&self, message: &[u8]) {
        let mut child = self
            .cmd(&["intake"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(message).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mail").join(name)).unwrap()
}

/// The files in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn attachments_are_listed_and_saved_from_the_kept_message_on_another_machine() {
    let env = Env::new("");
    env.intake(&corpus("multipart-attachments.eml"));
    let listed = env.ok(&["attachments", "1"]);
    assert_eq!(listed.lines().count(), 3, "{listed}");
    assert!(listed.contains("saved here: attachments/1/invoice.pdf"), "{listed}");
    // Untrusted names are shown as written, sanitised, never as a path taken.
    assert!(listed.contains("../../.ssh/authorized_keys"), "{listed}");

    // Another machine: intake's files are not there. The kept message still has them.
    let intake_dir = common::data_dir(&env.db).join("attachments/1");
    let by_intake: Vec<Vec<u8>> = ["invoice.pdf", "invoice-2.pdf", "authorized_keys"]
        .iter()
        .map(|n| std::fs::read(intake_dir.join(n)).unwrap())
        .collect();
    std::fs::remove_dir_all(&intake_dir).unwrap();
    let listed = env.ok(&["attachments", "1"]);
    assert_eq!(listed.matches("in the kept message").count(), 3, "{listed}");

    let before = common::state(&env.db);
    let out = env.dir.path().join("downloads");
    let saved = env.ok(&["attachments", "1", "--save", out.to_str().unwrap()]);
    assert_eq!(saved.lines().count(), 3, "{saved}");
    assert_eq!(names(&out), ["authorized_keys", "invoice-2.pdf", "invoice.pdf"]);
    assert!(!env.dir.path().join(".ssh").exists());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&out), 0o700);
    for (name, bytes) in ["invoice.pdf", "invoice-2.pdf", "authorized_keys"]
        .iter()
        .zip(&by_intake)
    {
        assert_eq!(&std::fs::read(out.join(name)).unwrap(), bytes, "{name}");
        assert_eq!(mode(&out.join(name)), 0o600, "{name}");
    }
    // A read: the database is as it was.
    assert!(
        common::state(&env.db) == before,
        "attachments --save wrote to the database"
    );

    // A downloads folder that is a symlink to a folder is followed (its files still made new).
    let linked = env.dir.path().join("linked");
    std::os::unix::fs::symlink(&out, &linked).unwrap();
    env.ok(&[
        "attachments",
        "1",
        "--name",
        "../../.ssh/authorized_keys",
        "--save",
        linked.to_str().unwrap(),
    ]);
    assert!(out.join("authorized_keys-2").exists(), "{:?}", names(&out));
    std::fs::remove_file(out.join("authorized_keys-2")).unwrap();

    // Saved again by name: new files beside, the first ones never written over.
    let first = std::fs::read(out.join("invoice.pdf")).unwrap();
    env.ok(&[
        "attachments",
        "1",
        "--name",
        "invoice.pdf",
        "--save",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        names(&out),
        [
            "authorized_keys",
            "invoice-2.pdf",
            "invoice-3.pdf",
            "invoice-4.pdf",
            "invoice.pdf"
        ]
    );
    assert_eq!(std::fs::read(out.join("invoice.pdf")).unwrap(), first);
}

#[test]
fn an_attachment_too_large_for_intake_is_saved_from_the_kept_message() {
    let env = Env::new("[intake]\nmax_attachment = \"1KB\"\n");
    let body = "A".repeat(76 * 60);
    let message = format!(
        "From: Big <big@example.cn>\r\nTo: s@shop.example\r\nSubject: photos\r\nMessage-ID: <big-2@example.cn>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"Q\"\r\n\r\n--Q\r\n\
         Content-Type: text/plain\r\n\r\nsee attached\r\n--Q\r\nContent-Type: application/octet-stream\r\n\
         Content-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}\r\n--Q--\r\n"
    );
    env.intake(message.as_bytes());
    let listed = env.ok(&["attachments", "1"]);
    assert!(listed.contains("too large"), "{listed}");
    let out = env.dir.path().join("out");
    env.ok(&["attachments", "1", "--save", out.to_str().unwrap()]);
    let saved = std::fs::read(out.join("big.bin")).unwrap();
    assert_eq!(saved.len(), 76 * 60 / 4 * 3);
    assert!(saved.iter().all(|b| *b == 0));
}

#[test]
fn attachments_of_a_ticket_that_does_not_exist_are_refused_and_create_nothing() {
    let env = Env::new("");
    let out = env.dir.path().join("never");
    let done = env.run(&["attachments", "7", "--save", out.to_str().unwrap()]);
    assert_eq!(done.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&done.stderr).contains("#7"), "{done:?}");
    assert!(!out.exists());
    env.intake(&corpus("plain.eml"));
    let none = env.ok(&["attachments", "1", "--save", out.to_str().unwrap()]);
    assert!(none.contains("No attachments"), "{none}");
    assert!(!out.exists(), "a folder made for nothing");
}

#[test]
fn saving_into_a_file_is_refused_as_not_a_folder_and_the_file_kept() {
    let env = Env::new("");
    env.intake(&corpus("multipart-attachments.eml"));
    let file = env.dir.path().join("notes.txt");
    std::fs::write(&file, "mine").unwrap();
    let done = env.run(&["attachments", "1", "--save", file.to_str().unwrap()]);
    assert_eq!(done.status.code(), Some(1));
    let said = String::from_utf8_lossy(&done.stderr);
    assert!(said.contains("not a folder"), "{said}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}

#[test]
fn a_on_the_ticket_screen_saves_the_attachments_into_the_downloads_folder() {
    use common::board::{app, desk_at, press};
    let env = Env::new("");
    env.intake(&corpus("multipart-attachments.eml"));
    // The agent's machine has none of intake's files.
    std::fs::remove_dir_all(common::data_dir(&env.db).join("attachments/1")).unwrap();
    let mut desk = desk_at(&env.db);
    let mut board = app(&desk, 120, 30);
    let downloads = env.dir.path().join("Downloads");
    board.downloads = Some(downloads.clone());
    board.open_ticket(1, &desk);
    let screen = promptly::tui::frame_text(&board, desk.now(), 120, 30);
    assert!(screen.contains("save attachments"), "{screen}");
    press(&mut board, &mut desk, "A");
    assert_eq!(names(&downloads), ["authorized_keys", "invoice-2.pdf", "invoice.pdf"]);
    let told = board.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(told.contains("Saved the attachments of #1"), "{told}");
    assert!(told.contains("invoice-2.pdf"), "{told}");
    // Again: beside them, never over them.
    press(&mut board, &mut desk, "A");
    assert_eq!(names(&downloads).len(), 6);
}

//! The real binary's board in tmux starting on a PostgreSQL schema (issue 16): on an empty
//! schema it asks before making Promptly's tables there, as it asks before creating a file
//! the user named ("n" leaves the schema empty, "y" makes it); and a log trigger the owner
//! switched off is told from the first frame. Skipped, with a note, without tmux or without
//! `PROMPTLY_TEST_PG`.

#[path = "common/pg.rs"]
pub mod pg;
#[path = "common/tmux.rs"]
mod tmux;

use std::path::Path;
use tmux::{BIN, Session, installed};

/// How many tables the scratch schema holds.
fn tables(s: &mut pg::Scratch) -> i64 {
    s.client
        .query_one("SELECT count(*) FROM pg_tables WHERE schemaname = $1", &[&s.schema])
        .unwrap()
        .get(0)
}

#[test]
fn pg_board_asks_before_making_a_schema_and_tells_a_switched_off_trigger() {
    if !installed() {
        eprintln!("note: tmux is not installed; skipping the board's start on a server");
        return;
    }
    let Some(mut s) = pg::scratch("pg_board_asks_before_making_a_schema_and_tells_a_switched_off_trigger") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    let url = pg::url(&s);
    for (answer, created) in [("n", false), ("y", true)] {
        let command = format!(
            "env PROMPTLY_CONFIG='{}' '{BIN}' --db '{url}' --lang en; sleep 30",
            config.display()
        );
        let board = Session(format!("promptly-pg-ask-{}-{answer}", std::process::id()));
        board.tmux(&["new-session", "-d", "-s", &board.0, "-x", "100", "-y", "30", &command]);
        board.wait_for("Create it? [y/N]", 15);
        assert_eq!(tables(&mut s), 0, "tables made before the answer");
        board.text(answer);
        board.keys(&["Enter"]);
        if created {
            board.wait_for("Press n to add", 15);
            board.keys(&["q"]);
        } else {
            board.wait_for("nothing created", 10);
        }
        assert_eq!(tables(&mut s) > 0, created, "answer {answer}");
    }

    // The owner switches a log trigger off: the board says so from its first frame.
    s.client
        .batch_execute("ALTER TABLE log DISABLE TRIGGER log_is_append_only_delete")
        .unwrap();
    let board = Session::board("promptly-pg-unprotected", Path::new(&url), &config, 80, 24);
    let screen = board.wait_for("help", 15);
    assert!(screen.contains("lost its protection"), "{screen}");
    board.keys(&["q"]);
}

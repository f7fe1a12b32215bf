//! Several agents on one PostgreSQL database at once (issue 16): ten CLI writers (the real
//! binary, each command its own process and connection) work on five shared tickets while
//! five boards (desks on their own connections, reloading when `data_version` moves, as the
//! board's tick does) watch. No update is lost, the only refusals are "changed elsewhere" on
//! writes made against a version another writer had moved past, the chain stays whole, and
//! every board ends showing what the database holds. Runs when `PROMPTLY_TEST_PG` names a
//! server (else SKIPPED). 5,000 commands; about two minutes on 2 cores.

#[path = "common/pg.rs"]
pub mod pg;

use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::domain::policy::Policy;
use promptly::store::{Access, Store};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const TICKETS: i64 = 5;
const WRITERS: usize = 10;
/// Each writer's commands: every other one a note carrying the version its writer read just
/// before (which another writer may move first), the rest notes without one.
const COMMANDS: usize = 500;
const BOARDS: usize = 5;

/// `promptly --db URL ARGS` with the empty config in `dir`.
fn promptly(dir: &std::path::Path, url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_promptly"))
        .args(["--db", url, "--lang", "en"])
        .args(args)
        .env_remove("PROMPTLY_DB")
        .env_remove("PROMPTLY_NOW")
        .env_remove("PROMPTLY_POLICY")
        .env("PROMPTLY_CONFIG", dir.join("config.toml"))
        .output()
        .unwrap()
}

/// Each ticket's version and log length, as a board shows them.
type Shown = BTreeMap<i64, (i64, usize)>;

fn shown(desk: &Desk) -> Shown {
    (1..=TICKETS)
        .map(|id| {
            let view = desk.view(id).unwrap();
            (id, (view.ticket.version, view.log.len()))
        })
        .collect()
}

#[test]
fn pg_ten_writers_and_five_boards_lose_nothing_and_agree() {
    let Some(s) = pg::scratch("pg_ten_writers_and_five_boards_lose_nothing_and_agree") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let url = pg::url(&s);
    for i in 1..=TICKETS {
        let title = format!("shared ticket {i}");
        let made = promptly(
            dir.path(),
            &url,
            &["new", "--title", &title, "--customer", "王芳", "--kind", "repair"],
        );
        assert!(made.status.success(), "{}: {made:?}", s.shown);
    }
    let writing = AtomicBool::new(true);
    let (written, boards) = std::thread::scope(|scope| {
        let boards: Vec<_> = (0..BOARDS)
            .map(|_| {
                let (url, writing) = (&url, &writing);
                scope.spawn(move || {
                    let store = Store::open_server_for(url, Access::ReadOnly).unwrap();
                    let desk = Desk::new(store, Policy::builtin(), Clock::System, "board");
                    let mut seen = desk.data_version().unwrap();
                    let mut state = shown(&desk);
                    let mut reloads = 0;
                    // Until the writers are done and one more second has passed quietly.
                    let mut quiet_since: Option<Instant> = None;
                    loop {
                        let now = desk.data_version().unwrap();
                        if now != seen {
                            seen = now;
                            state = shown(&desk);
                            reloads += 1;
                            quiet_since = None;
                        } else if !writing.load(Ordering::SeqCst) {
                            let since = *quiet_since.get_or_insert_with(Instant::now);
                            if since.elapsed() > Duration::from_secs(1) {
                                return (state, reloads);
                            }
                        }
                        std::thread::sleep(Duration::from_millis(20));
                    }
                })
            })
            .collect();
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (url, dir) = (&url, dir.path());
                scope.spawn(move || {
                    let (mut landed, mut refused) = (0usize, 0usize);
                    for n in 0..COMMANDS {
                        let id = ((w + n) as i64 % TICKETS + 1).to_string();
                        let text = format!("writer {w} note {n}");
                        let out = if n % 2 == 1 {
                            let show = promptly(dir, url, &["show", &id, "--json"]);
                            assert!(show.status.success(), "{show:?}");
                            let json: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
                            let version = json["version"].as_i64().unwrap().to_string();
                            promptly(dir, url, &["log", &id, &text, "--expect-version", &version])
                        } else {
                            promptly(dir, url, &["log", &id, &text])
                        };
                        let err = String::from_utf8_lossy(&out.stderr);
                        match out.status.code() {
                            Some(0) => landed += 1,
                            Some(1) if n % 2 == 1 && err.contains("changed elsewhere") => refused += 1,
                            _ => panic!("writer {w} command {n}: {out:?}"),
                        }
                    }
                    (landed, refused)
                })
            })
            .collect();
        let written: Vec<(usize, usize)> = writers.into_iter().map(|h| h.join().unwrap()).collect();
        writing.store(false, Ordering::SeqCst);
        let boards: Vec<(Shown, usize)> = boards.into_iter().map(|h| h.join().unwrap()).collect();
        (written, boards)
    });
    let landed: usize = written.iter().map(|w| w.0).sum();
    let refused: usize = written.iter().map(|w| w.1).sum();
    eprintln!("{landed} landed, {refused} refused as changed elsewhere");
    assert_eq!(landed + refused, WRITERS * COMMANDS);
    assert!(landed >= WRITERS * COMMANDS / 2, "every unversioned note lands");

    // What the database holds: every note that landed, each once, each a version.
    let store = Store::open_server_for(&url, Access::ReadOnly).unwrap();
    let desk = Desk::new(store, Policy::builtin(), Clock::System, "check");
    let truth = shown(&desk);
    let entries: usize = truth.values().map(|(_, log)| log).sum();
    assert_eq!(entries, TICKETS as usize + landed, "{truth:?}");
    for (id, (version, log)) in &truth {
        assert_eq!(*version as usize, *log, "ticket {id}: one version a change");
    }
    let verified = desk.verify().unwrap();
    assert_eq!(verified.findings, vec![]);
    assert_eq!(verified.entries as usize, entries);

    // Every board, reloading only when it heard of a commit, shows the same.
    eprintln!("board reloads: {:?}", boards.iter().map(|b| b.1).collect::<Vec<_>>());
    for (i, (state, reloads)) in boards.iter().enumerate() {
        assert!(*reloads > 0, "board {i} never heard a change");
        assert_eq!(state, &truth, "board {i}");
    }
}

//! Every number and date is bounded where it is parsed: the inputs that once made Promptly
//! panic now exit 0, 1 or 2 with a message.

pub mod common;

use std::process::Output;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), "").unwrap();
        let env = Env { dir };
        env.expect(0, &["--now", "2026-11-23 10:00", "new", "--title", "kettle"]);
        env
    }

    fn run(&self, args: &[&str]) -> Output {
        common::promptly(&self.dir.path().join("desk.db"), "en")
            .args(args)
            .output()
            .unwrap()
    }

    fn expect(&self, code: i32, args: &[&str]) -> String {
        let out = self.run(args);
        let text = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {text}");
        assert!(!text.contains("panicked"), "{args:?}: {text}");
        text
    }
}

#[test]
fn edit_purchased_sets_and_clears_the_date() {
    let env = Env::new();
    env.expect(
        0,
        &["--now", "2026-11-23 11:00", "edit", "1", "--purchased", "2026-01-02"],
    );
    let shown = String::from_utf8_lossy(&env.run(&["show", "1", "--json"]).stdout).into_owned();
    assert!(shown.contains("\"purchased\": \"2026-01-02\""), "{shown}");
    env.expect(0, &["--now", "2026-11-23 11:01", "edit", "1", "--purchased="]);
    let shown = String::from_utf8_lossy(&env.run(&["show", "1", "--json"]).stdout).into_owned();
    assert!(shown.contains("\"purchased\": null"), "{shown}");
}

#[test]
fn extreme_dates_and_numbers_are_usage_errors() {
    let env = Env::new();
    for args in [
        &["report", "daily", "--date=+262142-12-31"][..],
        &["report", "daily", "--date=1969-12-31"],
        &["callback", "sample", "--month=+262142-12"],
        &["callback", "list", "--month=0001-01"],
        &["--now", "+262142-01-01T00:00:00Z", "list"],
        &["--now", "10000-01-01 00:00", "list"],
        &["list", "--due-within", "99999999999999d"],
        &["demo", "--tickets", "99999999999"],
        &["demo", "--tickets", "0"],
        &["new", "--title", "x", "--purchased", "99999-01-01"],
        // A frame is held whole: 65535 x 65535 cells would ask for 200 GB and abort.
        &["board", "--print", "--width", "65535", "--height", "65535"],
        &["board", "--print", "--width", "1001"],
        &["board", "--print", "--height", "4"],
    ] {
        env.expect(2, args);
    }
    // The largest values taken still work.
    env.expect(0, &["--now", "9999-12-31T23:59:59Z", "list", "--due-within", "3650d"]);
    env.expect(0, &["board", "--print", "--width", "1000", "--height", "1000"]);
    // Clocks read eight thousand years late: counted by the week, not walked day by day; an
    // explanation lists the first spans and stops counting the rest.
    env.expect(0, &["--now", "9999-12-31T23:59:59Z", "show", "1"]);
    let out = env.run(&["--now", "9999-12-31T23:59:59Z", "sla", "explain", "1"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("over 10000 more open spans"));
}

#[test]
fn a_policy_value_beyond_its_bound_is_refused_by_sla_check() {
    let env = Env::new();
    let policy = env.dir.path().join("policy.toml");
    let builtin = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/policy.toml")).unwrap();
    let line = builtin
        .lines()
        .find(|l| l.starts_with("auto_close_days"))
        .expect("assets/policy.toml sets auto_close_days");
    std::fs::write(&policy, builtin.replace(line, "auto_close_days = 4294967295")).unwrap();
    let err = env.expect(1, &["--policy", policy.to_str().unwrap(), "sla", "check"]);
    assert!(err.contains("auto_close_days") && err.contains("3660"), "{err}");
    env.expect(1, &["--policy", policy.to_str().unwrap(), "list"]);
}

#[test]
fn a_hand_written_clock_row_is_reported_not_a_panic() {
    let env = Env::new();
    let db = env.dir.path().join("desk.db");
    common::sql(&db, "UPDATE clocks SET paused_secs = -9223372036854775808");
    for args in [&["list"][..], &["report", "daily"]] {
        let err = env.expect(1, args);
        assert!(err.contains("ticket 1"), "{args:?}: {err}");
    }
    env.expect(0, &["board", "--print"]);
    env.expect(1, &["verify"]);
}

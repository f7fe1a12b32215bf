//! What the end-to-end tests share: the real binary, run against one database with its own
//! config, and nothing from the caller's environment (PROMPTLY_DB, _NOW, _POLICY).

use std::path::Path;
use std::process::Command;

/// `promptly --db DB --lang LANG` with the config next to the database.
pub fn promptly(db: &Path, lang: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_promptly"));
    command
        .args(["--db", db.to_str().unwrap(), "--lang", lang])
        .env_remove("PROMPTLY_DB")
        .env_remove("PROMPTLY_NOW")
        .env_remove("PROMPTLY_POLICY")
        .env("PROMPTLY_CONFIG", db.with_file_name("config.toml"));
    command
}

//! The binary: parses the command line, builds the setup, and hands it to the board (`tui`)
//! or to a command (`cli`).

use clap::Parser;
use promptly::app::{Error, Setup};
use promptly::cli::args::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`promptly list | head`) would
    // panic; a command-line tool should just stop, as `ls` does.
    #[cfg(unix)]
    // SAFETY: setting a signal disposition to its default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap echoes the bad value: it goes through the sanitiser like any untrusted text.
            let text = promptly::domain::text::sanitize(&e.render().to_string());
            if e.use_stderr() {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let options = cli.options();
    let lang = promptly::app::config::pick_language(cli.lang.as_deref(), None);
    let setup = match Setup::new(options) {
        Ok(setup) => setup,
        Err(e) => return fail(&e, lang),
    };
    let outcome = match cli.command {
        None => promptly::tui::run_board(&setup, cli.demo),
        Some(Command::Board(args)) if args.print => promptly::tui::print_board(&setup, args.width, args.height),
        Some(Command::Board(_)) => promptly::tui::run_board(&setup, false),
        Some(command) => promptly::cli::run(&setup, command),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e, setup.lang),
    }
}

/// Prints why the command did not complete and exits with its code.
fn fail(e: &Error, lang: &str) -> ExitCode {
    eprintln!(
        "promptly: {}",
        promptly::domain::text::sanitize(&promptly::words::app::error(e, lang))
    );
    ExitCode::from(e.exit_code())
}

//! One run of `promptly`: parse the arguments, build the setup, hand it to the board (`tui`) or
//! to a command (`cli`), and say why it failed. The binary calls it with the process's
//! arguments; tests call it in-process with theirs.

use crate::app::{Error, Setup};
use crate::cli::args::Command;
use crate::domain::text::sanitize;
use std::ffi::OsString;

/// Runs `promptly` with `args` (the program name first) and returns the exit code: 0 done,
/// 1 refused or failed, 2 usage error.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> u8 {
    // A number, date or duration typed with an input method's full-width digits (２９, ３ｄ,
    // ２０２６-１２-０１) is read as typed in ASCII; any other argument is left as it is.
    let args: Vec<OsString> = args
        .into_iter()
        .map(|a| {
            let a: OsString = a.into();
            match a.to_str().and_then(crate::domain::text::halfwidth_value) {
                Some(ascii) => OsString::from(ascii),
                None => a,
            }
        })
        .collect();
    // Help and usage errors speak the reader's language, so it is chosen before parsing.
    let early = crate::app::config::language_before_parsing(&args);
    crate::words::catalogue::set_locale(early);
    let cli = match crate::cli::help::parse(args, early) {
        Ok(cli) => cli,
        Err(e) => {
            // clap echoes the bad value: it goes through the sanitiser like any untrusted text.
            let text = sanitize(&crate::cli::help::render(&e, early));
            if e.use_stderr() {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
            return u8::try_from(e.exit_code()).unwrap_or(2);
        }
    };
    let lang = crate::app::config::pick_language(cli.lang.as_deref(), None);
    // A language Promptly lacks goes on in English, said once in both languages.
    if let Some(tag) = cli.lang.as_deref()
        && crate::app::config::supported_language(tag).is_none()
    {
        let tag = sanitize(tag);
        for locale in crate::words::catalogue::LANGUAGES {
            eprintln!("{}", crate::t!("input.unknown_lang", locale = locale, tag = tag));
        }
    }
    let setup = match Setup::new(cli.options()) {
        Ok(setup) => setup,
        Err(e) => return fail(&e, lang),
    };
    let outcome = match cli.command {
        None => crate::tui::run_board(&setup, cli.demo),
        Some(Command::Board(args)) if args.print => crate::tui::print_board(&setup, args.width, args.height),
        Some(Command::Board(_)) => crate::tui::run_board(&setup, false),
        Some(command) => crate::cli::run(&setup, command),
    };
    match outcome {
        Ok(()) => 0,
        Err(e) => {
            eprintln!(
                "promptly: {}",
                sanitize(&crate::words::app::error_labelled(&e, &setup.policy, setup.lang))
            );
            e.exit_code()
        }
    }
}

/// Prints why the command did not complete and returns its exit code.
fn fail(e: &Error, lang: &str) -> u8 {
    eprintln!("promptly: {}", sanitize(&crate::words::app::error(e, lang)));
    e.exit_code()
}

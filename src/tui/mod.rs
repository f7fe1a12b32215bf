//! The board (issue 4). Until it lands, `promptly` alone prints a short orientation.

use crate::cli::{Result, Setup};
use clap::CommandFactory;
use rust_i18n::t;

pub fn run_board(_setup: &Setup, _demo: bool) -> Result<()> {
    println!("{}\n", t!("cli.orientation"));
    let mut command = crate::cli::args::Cli::command();
    println!("{}", command.render_help());
    Ok(())
}

pub fn print_board(setup: &Setup, _width: u16, _height: u16) -> Result<()> {
    run_board(setup, false)
}

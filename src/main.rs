//! The binary: `promptly::run` with the process's arguments.

fn main() -> std::process::ExitCode {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`promptly list | head`) would
    // panic; a command-line tool should just stop, as `ls` does.
    #[cfg(unix)]
    // SAFETY: setting a signal disposition to its default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::ExitCode::from(promptly::run::run(std::env::args_os()))
}

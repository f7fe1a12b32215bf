//! The binary: `promptly::run` with the process's arguments.

/// mimalloc instead of the system allocator: the bulk writers (demo, import) make and free
/// millions of small strings, and glibc's free and fastbin consolidation were a fifth of the
/// demo's story-making thread. How soon it gives freed memory back: `app::memory`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`promptly list | head`) would
    // panic; a command-line tool should just stop, as `ls` does.
    #[cfg(unix)]
    // SAFETY: setting a signal disposition to its default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    promptly::app::memory::give_back_soon();
    std::process::ExitCode::from(promptly::run::run(std::env::args_os()))
}

fn main() -> std::process::ExitCode {
    promptly::cli::main()
}

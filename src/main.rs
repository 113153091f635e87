//! The `bargain` command: everything is in `bargain::cli`.

fn main() -> std::process::ExitCode {
    bargain::cli::main()
}

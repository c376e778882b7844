//! `secondlook`: the binary is glue; the library does the work.
fn main() -> std::process::ExitCode {
    secondlook::cli::main()
}

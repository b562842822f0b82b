use std::process::ExitCode;

fn main() -> ExitCode {
    baraza_server::cli::main()
}

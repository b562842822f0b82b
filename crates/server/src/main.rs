use std::process::ExitCode;

use baraza_server::cli::Cli;
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    baraza_server::logging::init(cli.log_format());
    cli.run()
}

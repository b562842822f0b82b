use std::process::ExitCode;

use baraza_server::cli::Cli;
use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr so that stdout carries only what the command prints
    // for people and scripts (`published …`, the address served on).
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "baraza_server=info".into()))
        .with_writer(std::io::stderr)
        .init();
    cli.run()
}

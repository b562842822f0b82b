//! The `baraza` command line (DESIGN §9).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use baraza_core::validate::{parse_definition, Checked};
use clap::{Parser, Subcommand};
use time::OffsetDateTime;

use crate::{consultations, db, http};

/// The `baraza` command line. Exit codes: 0 done, 1 a definition has errors,
/// 2 the command could not run (database, address, …).
#[derive(Parser)]
#[command(name = "baraza", version, about = "Citizen consultations that work on any phone, online or not.")]
pub struct Cli {
    /// A SQLite file path (created if missing). PostgreSQL URLs are not supported yet.
    #[arg(long, global = true, env = "BARAZA_DATABASE", default_value = "baraza.db")]
    database: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the built app.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// The built app: trunk's output folder.
        #[arg(long, env = "BARAZA_DIST", default_value = "dist")]
        dist: PathBuf,
    },
    /// Check consultation definitions; print every problem with its JSON path.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Check and publish consultation definitions: all of them, or none if any has an error.
    Publish {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

impl Cli {
    pub fn run(self) -> ExitCode {
        match self.command {
            Command::Validate { files } => {
                if check_all(&files).is_some() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                }
            }
            Command::Publish { files } => block_on(publish(&self.database, &files)),
            Command::Serve { addr, dist } => block_on(serve(&self.database, addr, dist)),
        }
    }
}

fn block_on(command: impl std::future::Future<Output = ExitCode>) -> ExitCode {
    match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(command),
        Err(error) => fail(format!("cannot start the async runtime: {error}")),
    }
}

/// Reads and checks every file, printing every problem as `FILE: path: message`.
/// `None` if any file has an error.
fn check_all(files: &[PathBuf]) -> Option<Vec<Checked>> {
    let mut checked: Vec<(&Path, Checked)> = Vec::new();
    let mut failed = false;
    for file in files {
        match check_file(file) {
            Ok(definition) => {
                for warning in &definition.warnings {
                    println!("{}: {warning}", file.display());
                }
                // Two files with one id would silently publish only the last.
                let id = &definition.consultation.id;
                if let Some((earlier, _)) = checked.iter().find(|(_, c)| c.consultation.id == *id) {
                    failed = true;
                    println!("{}: id: \"{id}\" is also the id of {}", file.display(), earlier.display());
                }
                checked.push((file, definition));
            }
            Err(lines) => {
                failed = true;
                for line in lines {
                    println!("{}: {line}", file.display());
                }
            }
        }
    }
    (!failed).then(|| checked.into_iter().map(|(_, definition)| definition).collect())
}

fn check_file(file: &Path) -> Result<Checked, Vec<String>> {
    let json = std::fs::read_to_string(file).map_err(|error| vec![format!("cannot read the file: {error}")])?;
    parse_definition(&json).map_err(|problems| problems.iter().map(ToString::to_string).collect())
}

async fn publish(database: &str, files: &[PathBuf]) -> ExitCode {
    let Some(definitions) = check_all(files) else {
        eprintln!("nothing was published");
        return ExitCode::from(1);
    };
    let pool = match db::open(database).await {
        Ok(pool) => pool,
        Err(error) => return fail(error),
    };
    // All or nothing: a failure halfway leaves the database as it was.
    let published = async {
        let mut tx = db::begin_write(&pool).await?;
        let now = OffsetDateTime::now_utc();
        for Checked { consultation, .. } in &definitions {
            consultations::publish(&mut *tx, consultation, now).await?;
        }
        tx.commit().await
    };
    if let Err(error) = published.await {
        return fail(format!("nothing was published: {error}"));
    }
    for Checked { consultation, .. } in &definitions {
        println!("published {}", consultation.id);
    }
    ExitCode::SUCCESS
}

async fn serve(database: &str, addr: SocketAddr, dist: PathBuf) -> ExitCode {
    if !dist.join("index.html").is_file() {
        tracing::warn!(dist = %dist.display(), "no built app here (no index.html); serving the API only");
    }
    let pool = match db::open(database).await {
        Ok(pool) => pool,
        Err(error) => return fail(error),
    };
    let state = match http::AppState::new(pool, dist).await {
        Ok(state) => state,
        Err(error) => return fail(error),
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(error) => return fail(format!("cannot listen on {addr}: {error}")),
    };
    let local = listener.local_addr().unwrap_or(addr);
    println!("Baraza is serving on http://{local}");
    match axum::serve(listener, http::router(state)).with_graceful_shutdown(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(error),
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // No Ctrl-C handling on this system: wait for SIGTERM alone.
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

fn fail(error: impl std::fmt::Display) -> ExitCode {
    eprintln!("baraza: {error}");
    ExitCode::from(2)
}

//! The `baraza` command line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use axum::http::HeaderName;
use baraza_core::validate::{parse_definition, Checked};
use clap::{Parser, Subcommand};
use time::OffsetDateTime;

use baraza_core::admin::MAX_CODES_PER_REQUEST;
use baraza_core::staff::Role;

use crate::http;
use crate::http::limits::WriteLimit;
use crate::http::transport::{self, Transport};
use crate::key_file;
use crate::logging::LogFormat;
use crate::receipts::ReceiptKey;
use crate::storage::changes::Author;
use crate::storage::consultations::Publication;
use crate::storage::{self, backup, codes, consultations, schema, tokens, writer, Store, StoreError};

/// The `baraza` command line. Exit codes: 0 done, 1 a definition has errors,
/// 2 the command could not run (database, address, …).
#[derive(Parser)]
#[command(name = "baraza", version, about = "Citizen consultations that work on any phone, online or not.")]
pub struct Cli {
    /// A SQLite file path (created if missing), or a PostgreSQL URL
    /// (`postgres://user:password@host/database`) that several servers share.
    #[arg(long, global = true, env = "BARAZA_DATABASE", default_value = "baraza.db")]
    database: String,
    /// The server's key, kept apart from the database in this file (see
    /// `baraza key export`): then required by every command that opens the
    /// database. Without it, the key the database holds is used.
    #[arg(long, global = true, env = "BARAZA_KEY_FILE", value_name = "PATH")]
    key_file: Option<PathBuf>,
    /// How log lines are written to standard error: `text` for people,
    /// `json` (one object a line) for log collectors.
    #[arg(long, global = true, env = "BARAZA_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
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
        /// Writes (sync batches, staff changes) one client address may send
        /// per minute before it is answered 429; 0 for no limit.
        #[arg(long, default_value_t = http::limits::DEFAULT_WRITES_PER_MINUTE)]
        writes_per_minute: u32,
        /// Behind a reverse proxy: the header in which the proxy writes the
        /// client's address (e.g. X-Forwarded-For; its last entry is used).
        #[arg(long)]
        client_address_header: Option<HeaderName>,
        /// Sync actions that may wait to be written; past them a sync request
        /// is answered 503 with Retry-After.
        #[arg(long, default_value_t = writer::DEFAULT_QUEUE_ACTIONS)]
        write_queue: usize,
        /// Also serve Prometheus metrics at http://ADDR/metrics.
        #[arg(long)]
        metrics_addr: Option<SocketAddr>,
        /// Seconds a client may take to send a request's headers before its
        /// connection is closed.
        #[arg(long, value_name = "SECONDS", default_value_t = http::transport::DEFAULT_HEADER_TIMEOUT.as_secs())]
        header_timeout: u64,
        /// Seconds a request's body may take to arrive in full before it is
        /// answered 408.
        #[arg(long, value_name = "SECONDS", default_value_t = http::extract::DEFAULT_BODY_TIMEOUT.as_secs())]
        body_timeout: u64,
        /// Connections served at once; more wait in the system's queue.
        #[arg(long, default_value_t = http::transport::DEFAULT_MAX_CONNECTIONS)]
        max_connections: usize,
        /// Tell browsers to reach this server over HTTPS only
        /// (Strict-Transport-Security): for a server behind TLS.
        #[arg(long)]
        hsts: bool,
        /// The address citizens reach the server at (https://baraza.example.org),
        /// for links that leave the browser: posters' QR codes, the open-data
        /// catalogue. Without it they are made from each request's Host, on http.
        #[arg(long, env = "BARAZA_PUBLIC_URL", value_parser = public_url)]
        public_url: Option<String>,
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
    /// Create, list and revoke staff tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Print the JSON Schema of consultation definitions, for editors.
    Schema,
    /// Participation codes for consultations whose eligibility is `codes`.
    #[command(subcommand)]
    Codes(CodesCommand),
    /// Bring the database's schema up to date (servers also do it when they
    /// start); exits 2 if a newer Baraza has migrated it.
    Migrate {
        /// List what would be applied, changing nothing; exit 1 if anything is pending.
        #[arg(long)]
        check: bool,
    },
    /// Copy a SQLite database into FILE, consistent, while servers go on
    /// writing to it (PostgreSQL: use its own tools).
    Backup {
        /// Where the copy goes; it must not exist.
        file: PathBuf,
    },
    /// Archive a consultation: off the public list, taking no more actions.
    Archive {
        /// The consultation's id.
        id: String,
        /// Also drop what links its input to phones and codes (device and
        /// participant ids, code bindings), keeping its ballots, comments,
        /// results and receipts. Cannot be undone.
        #[arg(long)]
        anonymise: bool,
    },
    /// The server's key, which receipts, pseudonyms and code hashes are made with.
    #[command(subcommand)]
    Key(KeyCommand),
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Make a new key into a new file, readable by its owner only, for a
    /// new database whose servers are given it from their first start
    /// (--key-file): the database then never holds it.
    New {
        /// The new file; an existing one is never overwritten.
        #[arg(long, value_name = "PATH")]
        to: PathBuf,
    },
    /// Move the key out of the database into a new file, readable by its
    /// owner only; the database keeps only a value to check it against.
    /// From then on every server and command on this database must be
    /// given the file (--key-file or BARAZA_KEY_FILE).
    Export {
        /// The new file; an existing one is never overwritten.
        #[arg(long, value_name = "PATH")]
        to: PathBuf,
    },
}

#[derive(Subcommand)]
enum CodesCommand {
    /// Make new codes and print them as CSV (a `code` column): they are
    /// stored only as keyed hashes and never shown again.
    Issue {
        /// The consultation's id.
        id: String,
        #[arg(long)]
        count: u32,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Make a token and print it once: it is stored only as a hash.
    Create {
        #[arg(long)]
        role: Role,
        /// Who the token is for, as the change log will name them.
        #[arg(long)]
        name: String,
    },
    /// Every token's id, role, name, and when it was made or revoked.
    List,
    /// Stop a token from working, by the id `token list` shows.
    Revoke { id: String },
}

impl Cli {
    pub fn run(self) -> ExitCode {
        let database = Database { url: self.database, key_file: self.key_file };
        match self.command {
            Command::Validate { files } => {
                if check_all(&files).is_some() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                }
            }
            Command::Publish { files } => block_on(publish(&database, &files)),
            Command::Serve {
                addr,
                dist,
                writes_per_minute,
                client_address_header,
                write_queue,
                metrics_addr,
                header_timeout,
                body_timeout,
                max_connections,
                hsts,
                public_url,
            } => {
                let write_limit = WriteLimit::new(writes_per_minute, client_address_header);
                let transport = Transport { header_timeout: Duration::from_secs(header_timeout), max_connections };
                let options = ServeOptions {
                    addr,
                    dist,
                    write_limit,
                    write_queue,
                    metrics_addr,
                    transport,
                    body_timeout: Duration::from_secs(body_timeout),
                    hsts,
                    public_url,
                };
                block_on(serve(&database, options))
            }
            Command::Token(command) => block_on(token(&database, command)),
            Command::Schema => {
                let schema = serde_json::to_string_pretty(&baraza_core::schema::consultation_schema())
                    .expect("a schema always serializes");
                println!("{schema}");
                ExitCode::SUCCESS
            }
            Command::Codes(CodesCommand::Issue { id, count }) => block_on(issue_codes(&database, &id, count)),
            Command::Key(KeyCommand::Export { to }) => block_on(export_key(&database, &to)),
            Command::Key(KeyCommand::New { to }) => match key_file::create(&to, &ReceiptKey::fresh()) {
                Ok(()) => {
                    println!("made a new key into {}", to.display());
                    ExitCode::SUCCESS
                }
                Err(error) => fail(error),
            },
            Command::Migrate { check } => block_on(migrate(&database.url, check)),
            Command::Backup { file } => block_on(backup(&database.url, &file)),
            Command::Archive { id, anonymise } => block_on(archive(&database, &id, anonymise)),
        }
    }

    /// How logs are to be written: set up before [`Cli::run`].
    pub fn log_format(&self) -> LogFormat {
        self.log_format
    }
}

/// The database `--database` names, with the key `--key-file` gives.
struct Database {
    url: String,
    key_file: Option<PathBuf>,
}

impl Database {
    /// Opens the store, refusing a key file that cannot be used before
    /// touching the database.
    async fn open(&self) -> Result<Store, String> {
        let key = match &self.key_file {
            Some(path) => Some(key_file::read(path).map_err(|error| error.to_string())?),
            None => None,
        };
        Store::open_with_key(&self.url, key).await.map_err(|error| error.to_string())
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

async fn publish(database: &Database, files: &[PathBuf]) -> ExitCode {
    let Some(definitions) = check_all(files) else {
        eprintln!("nothing was published");
        return ExitCode::from(1);
    };
    let store = match database.open().await {
        Ok(store) => store,
        Err(error) => return fail(error),
    };
    // All or nothing: a failure or a refused update halfway leaves the
    // database as it was.
    let consultations: Vec<_> = definitions.into_iter().map(|checked| checked.consultation).collect();
    match consultations::publish(&store, &consultations, &Author::CommandLine, OffsetDateTime::now_utc()).await {
        Ok(publications) => {
            for (consultation, publication) in consultations.iter().zip(publications) {
                let done = match publication {
                    Publication::Created => "published",
                    Publication::Updated => "updated",
                    Publication::Unchanged => "unchanged",
                };
                println!("{done} {}", consultation.id);
            }
            ExitCode::SUCCESS
        }
        Err(StoreError::DefinitionLocked(locked)) => {
            for (id, problems) in locked {
                for problem in problems {
                    println!("{id}: {problem}");
                }
            }
            eprintln!("nothing was published");
            ExitCode::from(1)
        }
        Err(error) => fail(format!("nothing was published: {error}")),
    }
}

async fn issue_codes(database: &Database, id: &str, count: u32) -> ExitCode {
    let store = match database.open().await {
        Ok(store) => store,
        Err(error) => return fail(error),
    };
    match codes::issue(&store, id, count, &Author::CommandLine, OffsetDateTime::now_utc()).await {
        Ok(issued) => {
            println!("code");
            for code in issued {
                println!("{code}");
            }
            eprintln!("These {count} codes are shown only now; each lets one person vote once.");
            ExitCode::SUCCESS
        }
        Err(StoreError::CodesNotUsed) => {
            fail(format!("{id} does not use participation codes (its eligibility is not \"codes\")"))
        }
        Err(StoreError::InvalidCodeCount) => fail(format!("--count must be from 1 to {MAX_CODES_PER_REQUEST}")),
        Err(error) => fail(error),
    }
}

async fn token(database: &Database, command: TokenCommand) -> ExitCode {
    let store = match database.open().await {
        Ok(store) => store,
        Err(error) => return fail(error),
    };
    let now = OffsetDateTime::now_utc();
    match command {
        TokenCommand::Create { role, name } => {
            let name = name.trim();
            if name.is_empty() {
                return fail("--name must not be blank: the change log names staff by it");
            }
            match tokens::create(&store, name, role, now).await {
                Ok(token) => {
                    println!("{token}");
                    eprintln!("This {role} token for {name} is shown only now; keep it somewhere safe.");
                    ExitCode::SUCCESS
                }
                Err(error) => fail(error),
            }
        }
        TokenCommand::List => match tokens::list(&store).await {
            Ok(list) => {
                println!("id\trole\tname\tcreated\trevoked");
                for token in list {
                    let revoked = token.revoked_at.map(storage::timestamp).unwrap_or_else(|| "-".to_owned());
                    println!(
                        "{}\t{}\t{}\t{}\t{revoked}",
                        token.id,
                        token.role,
                        token.name,
                        storage::timestamp(token.created_at)
                    );
                }
                ExitCode::SUCCESS
            }
            Err(error) => fail(error),
        },
        TokenCommand::Revoke { id } => match tokens::revoke(&store, &id, now).await {
            Ok(true) => {
                println!("revoked {id}");
                ExitCode::SUCCESS
            }
            Ok(false) => fail(format!("no valid token has the id {id}; see `baraza token list`")),
            Err(error) => fail(error),
        },
    }
}

/// `baraza key export`: the key goes into a new file first, and only once
/// that file is on disk is it removed from the database.
async fn export_key(database: &Database, to: &Path) -> ExitCode {
    let store = match database.open().await {
        Ok(store) => store,
        Err(error) => return fail(error),
    };
    match store.holds_key().await {
        Ok(true) => {}
        Ok(false) => {
            return fail(
                "this database no longer holds its key: it was moved into a file before; give that file \
                 to every server with --key-file PATH (or BARAZA_KEY_FILE=PATH)",
            )
        }
        Err(error) => return fail(error),
    }
    if let Err(error) = key_file::create(to, store.key()) {
        return fail(format!("the key stays in the database: {error}"));
    }
    match store.remove_stored_key().await {
        Ok(true) => {
            // Servers may start from another folder: name the file absolutely.
            let path = std::fs::canonicalize(to).unwrap_or_else(|_| to.to_owned());
            let path = path.display();
            println!("moved the key out of the database into {path}");
            eprintln!(
                "From now on give this file to every server and command on this database: \
                 `baraza serve --key-file {path}` (or BARAZA_KEY_FILE={path}); with several servers on one \
                 PostgreSQL database, each needs a copy of it, readable by its owner only. Keep a copy apart from \
                 the database's backups: without the file no receipt can be checked and no participation code works."
            );
            ExitCode::SUCCESS
        }
        Ok(false) => fail(format!(
            "another `baraza key export` moved the key out meanwhile; {} holds the same key as the file it wrote",
            to.display()
        )),
        Err(error) => {
            fail(format!("{} holds the key, but it could not be removed from the database: {error}", to.display()))
        }
    }
}

/// `baraza migrate`: prints each migration applied, or with `check` each
/// pending (exit 1 if any), or that there is none.
async fn migrate(database: &str, check: bool) -> ExitCode {
    let (migrations, done) =
        if check { (schema::check(database).await, "pending") } else { (schema::apply(database).await, "applied") };
    match migrations {
        Ok(migrations) if migrations.is_empty() => {
            println!("the schema is up to date");
            ExitCode::SUCCESS
        }
        Ok(migrations) => {
            for migration in migrations {
                println!("{done} {migration}");
            }
            if check {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(error) => fail(error),
    }
}

async fn backup(database: &str, file: &Path) -> ExitCode {
    match backup::backup(database, file).await {
        Ok(copy) => {
            println!(
                "backed up {} consultations and {} actions into {} ({} bytes)",
                copy.consultations,
                copy.actions,
                file.display(),
                copy.bytes
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

async fn archive(database: &Database, id: &str, anonymise: bool) -> ExitCode {
    let store = match database.open().await {
        Ok(store) => store,
        Err(error) => return fail(error),
    };
    match consultations::archive(&store, id, anonymise, &Author::CommandLine, OffsetDateTime::now_utc()).await {
        Ok(archived) => {
            let anonymised = if archived.anonymised_at.is_some() { " and anonymised" } else { "" };
            println!("archived{anonymised} {id}");
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

struct ServeOptions {
    addr: SocketAddr,
    dist: PathBuf,
    write_limit: Option<WriteLimit>,
    write_queue: usize,
    metrics_addr: Option<SocketAddr>,
    transport: Transport,
    body_timeout: Duration,
    hsts: bool,
    public_url: Option<String>,
}

/// An `http` or `https` address with a host and no path: where the app is.
fn public_url(text: &str) -> Result<String, String> {
    let uri: axum::http::Uri = text.parse().map_err(|error| format!("{error}"))?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    if !scheme_ok || uri.authority().is_none() || !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err("write it as https://host[:port], with no path".to_owned());
    }
    Ok(text.trim_end_matches('/').to_owned())
}

async fn serve(database: &Database, options: ServeOptions) -> ExitCode {
    let ServeOptions { addr, dist, write_limit, write_queue, metrics_addr, transport, body_timeout, hsts, public_url } =
        options;
    if !dist.join("index.html").is_file() {
        tracing::warn!(dist = %dist.display(), "no built app here (no index.html); serving the API only");
    }
    let store = match database.open().await {
        Ok(store) => store,
        Err(error) => return fail(error),
    };
    let state = http::AppState::new(store, dist)
        .with_write_limit(write_limit)
        .with_write_queue(write_queue)
        .with_body_timeout(body_timeout)
        .with_hsts(hsts)
        .with_public_url(public_url);
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(error) => return fail(format!("cannot listen on {addr}: {error}")),
    };
    if let Some(metrics_addr) = metrics_addr {
        let metrics = match tokio::net::TcpListener::bind(metrics_addr).await {
            Ok(listener) => listener,
            Err(error) => return fail(format!("cannot listen on {metrics_addr}: {error}")),
        };
        let router = http::metrics::router(&state);
        tokio::spawn(async move {
            if let Err(error) = axum::serve(metrics, router).await {
                tracing::error!(%error, "the metrics listener stopped");
            }
        });
    }
    let local = listener.local_addr().unwrap_or(addr);
    println!("Baraza is serving on http://{local}");
    match transport::serve(listener, http::router(state), transport, shutdown_signal()).await {
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

//! Storage: opening the database named by `--database`, bringing its schema
//! up to date, and every read and write of it. The HTTP handlers and the
//! command line parse, call these modules and answer; no SQL lives outside
//! them.
//!
//! Two databases are first-class: SQLite, a file on one machine (the
//! default), and PostgreSQL, which many servers share. Each has its own
//! migrations (`migrations/sqlite/`, `migrations/postgres/`) and its own typed
//! pool; the SQL of a query is written once, in the dialect both speak
//! (`$1` parameters, `ON CONFLICT`, `RETURNING`), and [`on!`] compiles it
//! for each. Where the two differ, the code says so next to the query.
//!
//! Every store has two pools: reads, which never wait for writes, and
//! writes. With SQLite the writes pool holds one connection, the one writer
//! the file allows; the sync writer ([`crate::storage::sync`]) and staff
//! changes take turns on it.

pub mod anonymise;
pub mod backup;
pub mod breakdowns;
pub mod changes;
pub mod codes;
pub mod comments;
pub mod consultations;
pub mod drafts;
pub mod exports;
pub mod key;
pub mod open_data;
pub mod receipts;
pub mod results;
pub mod schema;
pub mod sync;
pub mod tokens;
pub mod writer;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use baraza_core::validate::Problem;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};
use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

use crate::receipts::ReceiptKey;

/// Runs `$body` with `$db` bound to the SQLite or the PostgreSQL connection
/// of `$on` (anything [`Connection`]): the body is written once and compiled
/// for each database, so both stay first-class without a second copy of the
/// SQL. Bodies answer types both sides share (rows read into named structs,
/// counts), not driver-specific results.
#[macro_export]
macro_rules! on {
    ($on:expr, |$db:ident| $body:expr) => {
        match $crate::storage::Connection::side($on) {
            $crate::storage::Side::Sqlite($db) => $body,
            $crate::storage::Side::Postgres($db) => $body,
        }
    };
}
pub use crate::on;

/// A connection to one of the two databases.
pub enum Side<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// What queries run on: a connection taken from a pool ([`Conn`]), or a
/// transaction ([`Tx`]).
pub trait Connection: Send {
    fn side(&mut self) -> Side<'_>;

    fn is_postgres(&mut self) -> bool {
        matches!(self.side(), Side::Postgres(_))
    }
}

/// Connections to one database.
#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Pool {
    async fn acquire(&self) -> Result<Conn, StoreError> {
        Ok(match self {
            Pool::Sqlite(pool) => Conn::Sqlite(pool.acquire().await?),
            Pool::Postgres(pool) => Conn::Postgres(pool.acquire().await?),
        })
    }

    async fn close(&self) {
        match self {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// A connection taken from a pool, for reads that need no transaction.
pub enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Connection for Conn {
    fn side(&mut self) -> Side<'_> {
        match self {
            Conn::Sqlite(conn) => Side::Sqlite(conn),
            Conn::Postgres(conn) => Side::Postgres(conn),
        }
    }
}

/// A transaction on either database.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Connection for Tx {
    fn side(&mut self) -> Side<'_> {
        match self {
            Tx::Sqlite(tx) => Side::Sqlite(tx),
            Tx::Postgres(tx) => Side::Postgres(tx),
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open the database {0}: {1}")]
    Open(String, sqlx::Error),
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "the database is at schema version {newest}, newer than this version of Baraza knows (up to {known}): \
         a newer Baraza upgraded it. Run that version (or newer), or restore a backup made before the upgrade"
    )]
    Newer { newest: i64, known: i64 },
    #[error(transparent)]
    Key(#[from] key::KeyError),
}

/// Everything storage answers instead of what was asked: a fault of the
/// database, stored data that no longer reads, or one of the refusals the
/// rules make (each named, so callers say it in their own words).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Stored data this server wrote no longer reads: a fault, reported
    /// rather than hidden.
    #[error("unreadable stored data: {0}")]
    Unreadable(String),
    /// Counting an item's ballots stopped halfway (a fault of the counting code).
    #[error("counting {0} failed: {1}")]
    CountFailed(String, String),
    /// The sync writer has as many actions waiting as it takes: try again
    /// in this many seconds.
    #[error("the server is busy; try again in {0} s")]
    Busy(u64),
    /// The sync writer stopped (the server is shutting down).
    #[error("the sync writer has stopped")]
    WriterStopped,
    /// Writing a transaction panicked (a fault of the server's code); it
    /// was rolled back.
    #[error("writing panicked: {0}")]
    Panicked(String),
    #[error("there is no consultation \"{0}\"")]
    ConsultationNotFound(String),
    #[error("there is no comment \"{0}\"")]
    CommentNotFound(String),
    #[error("no action has this receipt")]
    ReceiptNotFound,
    /// Updates that change what may not change once a consultation opened:
    /// each refused consultation's id, with every change at its path.
    #[error("a consultation that has opened may change only its texts and closing date")]
    DefinitionLocked(Vec<(String, Vec<Problem>)>),
    /// An outcome that breaks core's rules: each problem at its path.
    #[error("the outcome breaks the definition rules")]
    InvalidOutcome(Vec<Problem>),
    #[error("this consultation has not opened yet")]
    NotOpenYet,
    #[error("this consultation is already closed")]
    AlreadyClosed,
    #[error("this consultation does not use participation codes")]
    CodesNotUsed,
    #[error("there is no draft \"{0}\"")]
    DraftNotFound(uuid::Uuid),
    /// The draft was saved by someone else since the edit's revision: it is
    /// at this revision now.
    #[error("the draft is at revision {0} now")]
    DraftChanged(u32),
    /// A definition that breaks core's rules: every problem at its path.
    #[error("the definition breaks the definition rules")]
    InvalidDefinition(Vec<Problem>),
    #[error("the number of codes is out of range")]
    InvalidCodeCount,
}

impl StoreError {
    pub(crate) fn unreadable(what: impl std::fmt::Display) -> Self {
        StoreError::Unreadable(what.to_string())
    }

    /// Whether trying the same transaction again may succeed: PostgreSQL
    /// broke a deadlock between two servers' writers, or one of them wrote
    /// first what both meant to.
    pub(crate) fn is_transient(&self) -> bool {
        let StoreError::Database(sqlx::Error::Database(error)) = self else { return false };
        // deadlock_detected, serialization_failure, unique_violation.
        matches!(error.code().as_deref(), Some("40P01" | "40001" | "23505"))
    }
}

/// One database: its pools, its receipt key, and what the server keeps in
/// memory of it (definitions, counts).
#[derive(Clone)]
pub struct Store {
    reads: Pool,
    writes: Pool,
    key: ReceiptKey,
    /// The SQLite file as it was when opened, to tell when it is gone.
    file: Option<Arc<schema::File>>,
    definitions: Arc<consultations::Definitions>,
    counts: Arc<results::CountCache>,
}

/// How many connections serve reads at once.
const READ_CONNECTIONS: u32 = 8;

/// What `--database` names: a `postgres://` (or `postgresql://`) URL, or a
/// SQLite file path (a `sqlite:` URL works too), with how to connect to it.
#[derive(Clone)]
pub(crate) struct Target {
    database: String,
    options: Options,
}

#[derive(Clone)]
enum Options {
    Sqlite(SqliteConnectOptions),
    Postgres(PgConnectOptions),
}

impl Target {
    pub(crate) fn parse(database: &str) -> Result<Target, OpenError> {
        let open_error = |error| OpenError::Open(database.to_owned(), error);
        let options = if database.starts_with("postgres://") || database.starts_with("postgresql://") {
            Options::Postgres(PgConnectOptions::from_str(database).map_err(open_error)?)
        } else {
            let options = if database.starts_with("sqlite:") {
                SqliteConnectOptions::from_str(database).map_err(open_error)?
            } else {
                SqliteConnectOptions::new().filename(database)
            };
            Options::Sqlite(
                options
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // An acknowledged ballot must survive a power cut.
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10)),
            )
        };
        Ok(Target { database: database.to_owned(), options })
    }

    /// A SQLite database opened with exactly these options.
    pub(crate) fn sqlite(database: &str, options: SqliteConnectOptions) -> Target {
        Target { database: database.to_owned(), options: Options::Sqlite(options) }
    }

    /// The SQLite file it names, if it names one.
    pub(crate) fn sqlite_file(&self) -> Option<&std::path::Path> {
        match &self.options {
            Options::Sqlite(options) => Some(options.get_filename()),
            Options::Postgres(_) => None,
        }
    }

    /// The same database, which must exist already (SQLite would make a new file).
    pub(crate) fn existing(self) -> Target {
        let options = match self.options {
            Options::Sqlite(options) => Options::Sqlite(options.create_if_missing(false)),
            postgres => postgres,
        };
        Target { options, ..self }
    }

    /// A pool of at most `connections` connections.
    async fn pool(&self, connections: u32) -> Result<Pool, OpenError> {
        let open_error = |error| OpenError::Open(self.database.clone(), error);
        Ok(match &self.options {
            Options::Sqlite(options) => Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(connections)
                    .connect_with(options.clone())
                    .await
                    .map_err(open_error)?,
            ),
            Options::Postgres(options) => Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(connections)
                    .connect_with(options.clone())
                    .await
                    .map_err(open_error)?,
            ),
        })
    }
}

impl Store {
    /// Opens the database `--database` names ([`Target`]; a SQLite file is
    /// created if missing) and brings its schema up to date, unless a newer
    /// Baraza migrated it ([`OpenError::Newer`]). Its key is the one it holds.
    pub async fn open(database: &str) -> Result<Store, OpenError> {
        Store::open_with_key(database, None).await
    }

    /// [`Store::open`], with the key given at start (`--key-file`) when
    /// there is one, which must be the database's own ([`key::server_key`]).
    pub async fn open_with_key(database: &str, given: Option<ReceiptKey>) -> Result<Store, OpenError> {
        let target = Target::parse(database)?;
        // SQLite writes one transaction at a time: one connection, which
        // writers take in turn instead of waiting on the file's lock. With
        // PostgreSQL: the sync writer, staff changes and migrations.
        let writes = target.pool(if target.sqlite_file().is_some() { 1 } else { 4 }).await?;
        schema::migrate(&writes).await?;
        let reads = target.pool(READ_CONNECTIONS).await?;
        let file = target.sqlite_file().map(|path| Arc::new(schema::File::opened(path)));
        let key = key::server_key(&mut writes.acquire().await.map_err(key::KeyError::from)?, given).await?;
        Ok(Store { reads, writes, key, file, definitions: Arc::default(), counts: Arc::default() })
    }

    /// A connection for reads, which never wait for writes.
    pub async fn read(&self) -> Result<Conn, StoreError> {
        self.reads.acquire().await
    }

    /// The key receipts, pseudonyms and code voters are made with.
    pub fn key(&self) -> &ReceiptKey {
        &self.key
    }

    /// The counts of ranking and budget items this server keeps, and their
    /// metrics.
    pub fn counts(&self) -> &results::CountCache {
        &self.counts
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.reads, Pool::Postgres(_))
    }

    /// Starts a transaction that will write. SQLite's default (deferred)
    /// `BEGIN` would read first and then fail at once with "database is
    /// locked" when another process committed in between, whatever the busy
    /// timeout; `BEGIN IMMEDIATE` takes the write lock up front and waits its
    /// turn instead. PostgreSQL writes at its default isolation, read
    /// committed: concurrent writers lock the rows they share.
    pub async fn begin_write(&self) -> Result<Tx, StoreError> {
        Ok(match &self.writes {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Starts a transaction that only reads, from one snapshot of the
    /// database. PostgreSQL's default isolation would give each statement a
    /// snapshot of its own.
    pub async fn begin_read(&self) -> Result<Tx, StoreError> {
        Ok(match &self.reads {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Pool::Postgres(pool) => {
                Tx::Postgres(pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").await?)
            }
        })
    }

    /// The bytes the database takes: a SQLite file's pages and its
    /// write-ahead log, or PostgreSQL's size of the database.
    pub async fn size(&self) -> Result<i64, StoreError> {
        let mut db = self.read().await?;
        Ok(match db.side() {
            Side::Sqlite(c) => {
                let pages: i64 =
                    sqlx::query_scalar("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
                        .fetch_one(c)
                        .await?;
                let log = self.file.as_ref().map(|file| file.log_bytes()).unwrap_or(0);
                pages + log
            }
            Side::Postgres(c) => sqlx::query_scalar("SELECT pg_database_size(current_database())").fetch_one(c).await?,
        })
    }

    /// Closes every connection, waiting for those in use.
    pub async fn close(&self) {
        self.reads.close().await;
        self.writes.close().await;
    }
}

/// Times are stored as milliseconds since 1970 UTC.
pub fn millis(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A stored time, or [`StoreError::Unreadable`] naming what it belongs to.
pub(crate) fn stored_time(millis: i64, of: impl FnOnce() -> String) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .map_err(|_| StoreError::Unreadable(format!("the time {millis} of {}", of())))
}

/// `at` to the millisecond, as it is stored; `None` for a time outside
/// what can be stored (core keeps the times it takes far inside it).
pub fn to_millisecond(at: OffsetDateTime) -> Option<OffsetDateTime> {
    stored_time(millis(at), String::new).ok()
}

/// A time as people and logs read it: fixed-width UTC text.
const TEXT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

pub fn timestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC).format(TEXT).expect("every UTC time formats")
}

/// The UTC day of `at`, `YYYY-MM-DD`.
pub fn day(at: OffsetDateTime) -> String {
    let date = at.to_offset(time::UtcOffset::UTC).date();
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

pub fn parse_timestamp(text: &str) -> Option<OffsetDateTime> {
    time::PrimitiveDateTime::parse(text, TEXT).ok().map(|at| at.assume_utc())
}

/// Whom actions and ballots are stored under: a device, or the voter of a
/// participation code. As bytes: a device's UUID (16), or the 8 bytes of a
/// code's voter. Ballots cast with a code before voters were kept apart from
/// codes stood under `code:` and the code's hash (see [`codes::redeem`]);
/// they keep that text, as bytes, until the code's next use moves them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Participant {
    Device(uuid::Uuid),
    Voter([u8; 8]),
    CodeHash(String),
}

impl Participant {
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Participant::Device(uuid) => uuid.as_bytes().to_vec(),
            Participant::Voter(bytes) => bytes.to_vec(),
            Participant::CodeHash(text) => text.as_bytes().to_vec(),
        }
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Participant, StoreError> {
        if let Ok(uuid) = uuid::Uuid::from_slice(bytes) {
            return Ok(Participant::Device(uuid));
        }
        if let Ok(voter) = <[u8; 8]>::try_from(bytes) {
            return Ok(Participant::Voter(voter));
        }
        match std::str::from_utf8(bytes) {
            Ok(text) if text.starts_with("code:") => Ok(Participant::CodeHash(text.to_owned())),
            _ => Err(StoreError::unreadable(format!("a participant of {} bytes", bytes.len()))),
        }
    }
}

/// As the participant was written before it was stored as bytes: the
/// device's UUID, `voter:` and 16 hex digits, or `code:` and the code's hash.
/// Pseudonyms in the open data are made from this text, so they stay the same.
impl std::fmt::Display for Participant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Participant::Device(uuid) => write!(f, "{uuid}"),
            Participant::Voter(bytes) => write!(f, "voter:{}", crate::receipts::hex(bytes)),
            Participant::CodeHash(text) => f.write_str(text),
        }
    }
}

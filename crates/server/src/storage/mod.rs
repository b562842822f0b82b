//! Storage: opening the database named by `--database`, bringing its schema
//! up to date, and every read and write of it. The HTTP handlers and the
//! command line parse, call these modules and answer; no SQL lives outside
//! them.

pub mod changes;
pub mod codes;
pub mod comments;
pub mod consultations;
pub mod exports;
pub mod receipts;
pub mod results;
pub mod sync;
pub mod tokens;

use std::str::FromStr;
use std::time::Duration;

use baraza_core::validate::Problem;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

use crate::receipts::ReceiptKey;

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("PostgreSQL is not supported yet; use a SQLite file path for --database")]
    PostgresNotSupported,
    #[error("cannot open the database {0}: {1}")]
    Open(String, sqlx::Error),
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
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
    #[error("the number of codes is out of range")]
    InvalidCodeCount,
}

impl StoreError {
    pub(crate) fn unreadable(what: impl std::fmt::Display) -> Self {
        StoreError::Unreadable(what.to_string())
    }
}

/// Opens (creating if needed) the SQLite file at `database` and migrates it.
pub async fn open(database: &str) -> Result<SqlitePool, OpenError> {
    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        return Err(OpenError::PostgresNotSupported);
    }
    let options = if database.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(database).map_err(|error| OpenError::Open(database.to_owned(), error))?
    } else {
        SqliteConnectOptions::new().filename(database)
    };
    let options = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // An acknowledged ballot must survive a power cut.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .connect_with(options)
        .await
        .map_err(|error| OpenError::Open(database.to_owned(), error))?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// The database's receipt key, made on first use. Two servers starting at
/// once on a new database agree: the first insert wins.
pub async fn receipt_key(pool: &SqlitePool) -> Result<ReceiptKey, StoreError> {
    // Two v4 UUIDs are 244 bits from the operating system's secure random
    // source (uuid uses getrandom), without another dependency.
    let fresh = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    sqlx::query("INSERT INTO settings (key, value) VALUES ('receipt_key', ?1) ON CONFLICT (key) DO NOTHING")
        .bind(fresh)
        .execute(pool)
        .await?;
    let key: String =
        sqlx::query_scalar("SELECT value FROM settings WHERE key = 'receipt_key'").fetch_one(pool).await?;
    Ok(ReceiptKey::new(key.into_bytes()))
}

/// Starts a transaction that will write. SQLite's default (deferred) `BEGIN`
/// would read first and then fail at once with "database is locked" when
/// another batch committed in between, whatever the busy timeout; `BEGIN
/// IMMEDIATE` takes the write lock up front and waits its turn instead.
pub async fn begin_write(pool: &SqlitePool) -> sqlx::Result<Transaction<'static, Sqlite>> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// Timestamps are stored as fixed-width UTC text so that comparing the text
/// compares the times.
const STORED: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

pub fn timestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC).format(STORED).expect("every UTC time formats")
}

/// The UTC day of `at`, `YYYY-MM-DD`.
pub fn day(at: OffsetDateTime) -> String {
    timestamp(at)[..10].to_owned()
}

pub fn parse_timestamp(text: &str) -> Option<OffsetDateTime> {
    time::PrimitiveDateTime::parse(text, STORED).ok().map(|at| at.assume_utc())
}

/// A stored time, or [`StoreError::Unreadable`] naming what it belongs to.
pub(crate) fn stored_time(text: &str, of: impl FnOnce() -> String) -> Result<OffsetDateTime, StoreError> {
    parse_timestamp(text).ok_or_else(|| StoreError::Unreadable(format!("the time {text:?} of {}", of())))
}

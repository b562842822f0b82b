//! Opening the database named by `--database` and bringing its schema up to date.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("PostgreSQL is not supported yet; use a SQLite file path for --database")]
    PostgresNotSupported,
    #[error("cannot open the database {0}: {1}")]
    Open(String, sqlx::Error),
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
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

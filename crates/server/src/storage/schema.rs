//! The schema's version. Each database has its own migrations
//! (`migrations/sqlite/`, `migrations/postgres/`), applied in order and
//! recorded in the database (`_sqlx_migrations`). A server brings the
//! schema up to date when it opens the database, and refuses one that a
//! newer Baraza has migrated: its queries would not know the tables.
//! `baraza migrate` does the same alone, `baraza migrate --check` lists what
//! it would apply without changing anything, and readiness
//! ([`Store::ready`]) says when the schema stopped being the one this
//! server knows (a newer server migrated it, or an older backup was put
//! back underneath).

use std::path::{Path, PathBuf};

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::SqliteConnectOptions;

use super::{on, OpenError, Pool, Store, StoreError, Target};

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// A migration, as `baraza migrate` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub version: i64,
    pub description: String,
}

impl std::fmt::Display for Migration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04} {}", self.version, self.description)
    }
}

fn migrator(pool: &Pool) -> &'static Migrator {
    match pool {
        Pool::Sqlite(_) => &SQLITE,
        Pool::Postgres(_) => &POSTGRES,
    }
}

/// The migrations this server knows for the database `pool` is on.
fn known(migrator: &Migrator) -> impl Iterator<Item = Migration> + '_ {
    migrator.iter().map(|m| Migration { version: m.version, description: m.description.to_string() })
}

/// The versions recorded as applied in the database, in order (none when
/// nothing was ever applied), each with whether it completed.
async fn applied(pool: &Pool) -> Result<Vec<(i64, bool)>, sqlx::Error> {
    let recorded: bool = match pool {
        Pool::Sqlite(pool) => {
            sqlx::query_scalar(
                "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            )
            .fetch_one(pool)
            .await?
        }
        Pool::Postgres(pool) => {
            sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL").fetch_one(pool).await?
        }
    };
    if !recorded {
        return Ok(Vec::new());
    }
    let sql = "SELECT version, success FROM _sqlx_migrations ORDER BY version";
    match pool {
        Pool::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await,
        Pool::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await,
    }
}

/// The migrations the database lacks, in order; [`OpenError::Newer`] when
/// it has one this server does not know.
async fn pending(pool: &Pool) -> Result<Vec<Migration>, OpenError> {
    let migrator = migrator(pool);
    let applied = applied(pool).await.map_err(MigrateError::Execute)?;
    let known_latest = known(migrator).map(|m| m.version).max().unwrap_or(0);
    if applied.iter().any(|(version, _)| !migrator.iter().any(|m| m.version == *version)) {
        let newest = applied.iter().map(|(version, _)| *version).max().unwrap_or(0);
        return Err(OpenError::Newer { newest, known: known_latest });
    }
    Ok(known(migrator).filter(|m| !applied.iter().any(|(version, done)| *version == m.version && *done)).collect())
}

/// Applies the migrations the database lacks; answers them.
pub(super) async fn migrate(pool: &Pool) -> Result<Vec<Migration>, OpenError> {
    let pending = pending(pool).await?;
    match pool {
        Pool::Sqlite(pool) => SQLITE.run(pool).await?,
        Pool::Postgres(pool) => POSTGRES.run(pool).await?,
    }
    Ok(pending)
}

/// `baraza migrate`: brings the schema of the database `database` names up
/// to date (a SQLite file is made if missing) and answers what was applied.
pub async fn apply(database: &str) -> Result<Vec<Migration>, OpenError> {
    let pool = Target::parse(database)?.pool(1).await?;
    let applied = migrate(&pool).await;
    pool.close().await;
    applied
}

/// `baraza migrate --check`: what [`apply`] would apply, changing nothing:
/// a SQLite file is read through a read-only connection, and one that does
/// not exist yet is not made (it would get every migration).
pub async fn check(database: &str) -> Result<Vec<Migration>, OpenError> {
    let target = Target::parse(database)?;
    let target = match target.sqlite_file() {
        Some(file) if !file.exists() => return Ok(known(&SQLITE).collect()),
        Some(file) => Target::sqlite(
            database,
            SqliteConnectOptions::new().filename(file).read_only(true).create_if_missing(false),
        ),
        None => target,
    };
    let pool = target.pool(1).await?;
    let pending = pending(&pool).await;
    pool.close().await;
    pending
}

/// A SQLite file as the server opened it. Readiness fails once its path no
/// longer leads to it: removed (the server would go on writing into a file
/// nobody sees, lost at the next start), or another file put in its place.
pub(crate) struct File {
    path: PathBuf,
    identity: Option<(u64, u64)>,
}

impl File {
    pub(crate) fn opened(path: &Path) -> File {
        File { path: path.to_owned(), identity: identity(path) }
    }

    /// The size of its write-ahead log (`<file>-wal`), 0 when there is none.
    pub(crate) fn log_bytes(&self) -> i64 {
        let mut log = self.path.clone().into_os_string();
        log.push("-wal");
        std::fs::metadata(log).map_or(0, |metadata| metadata.len().try_into().unwrap_or(i64::MAX))
    }

    fn is_there(&self) -> bool {
        let now = identity(&self.path);
        now.is_some() && now == self.identity
    }
}

/// The device and inode of a file; elsewhere than on Unix, only whether it exists.
fn identity(path: &Path) -> Option<(u64, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        metadata.is_file().then_some((0, 0))
    }
}

/// Why a server is not ready to take requests.
#[derive(Debug, thiserror::Error)]
pub enum NotReady {
    #[error("the database does not answer: {0}")]
    NoAnswer(#[from] StoreError),
    #[error("the database file {0} is gone or another file is in its place")]
    FileGone(String),
    #[error(
        "the database's schema is not the one this server knows: {applied} migrations applied, up to \
         version {latest} ({failed} unfinished); this server has {known} up to {known_latest}"
    )]
    Schema { applied: i64, latest: i64, failed: i64, known: i64, known_latest: i64 },
}

/// The migrations a database records, in one row.
#[derive(sqlx::FromRow)]
struct Recorded {
    applied: i64,
    latest: i64,
    failed: i64,
}

impl Store {
    /// Whether the server can take requests: the database answers (its
    /// SQLite file still where it was), and its schema is exactly the one
    /// this server knows. One read of a small table.
    pub async fn ready(&self) -> Result<(), NotReady> {
        if let Some(file) = &self.file {
            if !file.is_there() {
                return Err(NotReady::FileGone(file.path.display().to_string()));
            }
        }
        let mut db = self.read().await?;
        let recorded: Recorded = on!(&mut db, |c| sqlx::query_as(
            "SELECT COUNT(*) AS applied, COALESCE(MAX(version), 0) AS latest,
                    COALESCE(SUM(CASE WHEN success THEN 0 ELSE 1 END), 0) AS failed
             FROM _sqlx_migrations"
        )
        .fetch_one(c)
        .await
        .map_err(StoreError::from))?;
        let migrator = migrator(&self.reads);
        let known = migrator.iter().count() as i64;
        let known_latest = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        let Recorded { applied, latest, failed } = recorded;
        if (applied, latest, failed) == (known, known_latest, 0) {
            Ok(())
        } else {
            Err(NotReady::Schema { applied, latest, failed, known, known_latest })
        }
    }
}

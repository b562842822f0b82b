//! `baraza backup FILE`: a consistent copy of a SQLite database, made while
//! servers go on writing to it.
//!
//! SQLite's `VACUUM INTO` writes the database as one read transaction sees
//! it: every transaction committed before it began, none after, whatever
//! commits meanwhile (with the write-ahead log, readers never wait for the
//! writer, nor the writer for them). The sync writer answers a phone only
//! once its transaction is committed, so every action acknowledged before a
//! backup began is in it. The copy is written beside `FILE` under another
//! name, checked (`PRAGMA integrity_check`), flushed to disk and only then
//! renamed to `FILE`: a `FILE` that exists is a whole, checked backup.
//!
//! A PostgreSQL database is backed up with PostgreSQL's own tools (the
//! README says how).

use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;

use super::{OpenError, Pool, Target};

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub bytes: u64,
    pub consultations: i64,
    pub actions: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "{0} is a PostgreSQL database: back it up with PostgreSQL's own tools (pg_dump, or base backups with \
         WAL archiving); see the README"
    )]
    Postgres(String),
    #[error("{0} already exists: name a new file, so that no backup is overwritten")]
    Exists(PathBuf),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("copying the database failed: {0}")]
    Copy(#[from] sqlx::Error),
    #[error("cannot write {0}: {1}")]
    Write(PathBuf, std::io::Error),
    #[error("the copy does not check ({0}); nothing was kept")]
    Check(String),
}

/// Copies the SQLite database `database` names to `to`, which must not exist.
pub async fn backup(database: &str, to: &Path) -> Result<Backup, BackupError> {
    let target = Target::parse(database)?.existing();
    if target.sqlite_file().is_none() {
        return Err(BackupError::Postgres(database.to_owned()));
    }
    if to.exists() {
        return Err(BackupError::Exists(to.to_owned()));
    }
    let name = to.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = to.with_file_name(format!(".{name}.partial"));
    // Left by a backup that stopped halfway: never a backup.
    remove_if_there(&partial)?;
    let copied = copy(&target, &partial).await;
    let backup = match copied {
        Ok(backup) => backup,
        Err(error) => {
            remove_if_there(&partial)?;
            return Err(error);
        }
    };
    let write_error = |error| BackupError::Write(to.to_owned(), error);
    std::fs::File::open(&partial).and_then(|file| file.sync_all()).map_err(write_error)?;
    std::fs::rename(&partial, to).map_err(write_error)?;
    sync_folder(to).map_err(write_error)?;
    Ok(backup)
}

/// `VACUUM INTO` `partial`, then reads the copy back: its integrity, and
/// what it holds.
async fn copy(source: &Target, partial: &Path) -> Result<Backup, BackupError> {
    let Pool::Sqlite(pool) = source.pool(1).await? else { unreachable!("a SQLite target makes a SQLite pool") };
    let vacuumed = sqlx::query("VACUUM INTO $1").bind(partial.to_string_lossy().as_ref()).execute(&pool).await;
    pool.close().await;
    vacuumed?;
    let options = SqliteConnectOptions::new().filename(partial).read_only(true).create_if_missing(false);
    let Pool::Sqlite(copy) = Target::sqlite(&partial.display().to_string(), options).pool(1).await? else {
        unreachable!("a SQLite target makes a SQLite pool")
    };
    let checked: Result<Backup, BackupError> = async {
        let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&copy).await?;
        if integrity != ["ok"] {
            return Err(BackupError::Check(integrity.join("; ")));
        }
        let (consultations, actions): (i64, i64) =
            sqlx::query_as("SELECT (SELECT COUNT(*) FROM consultations), (SELECT COUNT(*) FROM actions)")
                .fetch_one(&copy)
                .await?;
        let bytes = std::fs::metadata(partial).map_err(|error| BackupError::Write(partial.to_owned(), error))?.len();
        Ok(Backup { bytes, consultations, actions })
    }
    .await;
    copy.close().await;
    checked
}

fn remove_if_there(path: &Path) -> Result<(), BackupError> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(BackupError::Write(path.to_owned(), error)),
        _ => Ok(()),
    }
}

/// Flushes the folder holding `file`, so that its new name survives a power cut.
fn sync_folder(file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let folder = match file.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        std::fs::File::open(folder)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(())
    }
}

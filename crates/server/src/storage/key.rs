//! The server's key in the database. By default the database holds the key
//! itself, made when it is first opened. An operator may move it out into a
//! file (`baraza key export`) given to every server at start: the database
//! then holds only the key's check value ([`ReceiptKey::check_value`]), so a
//! copy of it cannot make receipts nor test guesses of codes, and a server
//! given another key refuses to start instead of making every earlier
//! receipt fail to check and every code stop working.

use crate::receipts::ReceiptKey;
use crate::storage::{on, Conn, Store, StoreError};

/// Why a server cannot have its key.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the database's key: {0}")]
    Database(#[from] StoreError),
    #[error(
        "this database no longer holds its key: it was moved into a file (`baraza key export`). Give that file \
         with --key-file PATH (or BARAZA_KEY_FILE=PATH)"
    )]
    NotGiven,
    #[error(
        "the key file given is not this database's key: every receipt made so far would fail to check and no \
         participation code would work. Give the file `baraza key export` wrote for this database; every server \
         on one database needs the same file"
    )]
    Wrong,
    #[error(
        "the key this database holds does not match its check value: it was changed by hand or copied from \
         another database. Restore the settings from a backup, or give the right key with --key-file"
    )]
    StoredChanged,
}

/// The key this server makes receipts with: `given` at start, which must be
/// the database's key, or else the one the database holds, made now for a
/// new database. Servers starting at once on a new database agree: the
/// first insert wins, and a server given another key then refuses.
pub(crate) async fn server_key(conn: &mut Conn, given: Option<ReceiptKey>) -> Result<ReceiptKey, KeyError> {
    let was_given = given.is_some();
    let key = match given {
        Some(key) => {
            if stored_key(conn).await?.is_some_and(|stored| stored.text() != key.text()) {
                return Err(KeyError::Wrong);
            }
            key
        }
        None => {
            // A database whose key was moved out has a check value, and gets
            // no new key: that would silently break every earlier receipt.
            let fresh = ReceiptKey::fresh();
            on!(conn, |db| sqlx::query(
                "INSERT INTO settings (key, value) SELECT 'receipt_key', $1 \
                 WHERE NOT EXISTS (SELECT 1 FROM key_check) ON CONFLICT (key) DO NOTHING"
            )
            .bind(fresh.text())
            .execute(db)
            .await
            .map(drop)
            .map_err(StoreError::from))?;
            stored_key(conn).await?.ok_or(KeyError::NotGiven)?
        }
    };
    // Databases made before keys could be kept apart get their check value
    // from the key they hold.
    on!(conn, |db| sqlx::query("INSERT INTO key_check (id, value) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
        .bind(key.check_value())
        .execute(db)
        .await
        .map(drop)
        .map_err(StoreError::from))?;
    let check: String = on!(conn, |db| sqlx::query_scalar("SELECT value FROM key_check")
        .fetch_one(db)
        .await
        .map_err(StoreError::from))?;
    match (check == key.check_value(), was_given) {
        (true, _) => Ok(key),
        (false, true) => Err(KeyError::Wrong),
        (false, false) => Err(KeyError::StoredChanged),
    }
}

async fn stored_key(conn: &mut Conn) -> Result<Option<ReceiptKey>, StoreError> {
    let text: Option<String> =
        on!(conn, |db| sqlx::query_scalar("SELECT value FROM settings WHERE key = 'receipt_key'")
            .fetch_optional(db)
            .await)?;
    text.map(|text| ReceiptKey::parse(&text).ok_or_else(|| StoreError::unreadable("the stored key"))).transpose()
}

impl Store {
    /// Whether the database holds this server's key, rather than only its
    /// check value.
    pub async fn holds_key(&self) -> Result<bool, StoreError> {
        let stored = stored_key(&mut self.read().await?).await?;
        Ok(stored.is_some_and(|stored| stored.text() == self.key().text()))
    }

    /// Removes the key from the database, which keeps its check value: from
    /// then on every server must be given the key. False if the database
    /// did not hold this server's key.
    pub async fn remove_stored_key(&self) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let removed = on!(&mut tx, |db| sqlx::query("DELETE FROM settings WHERE key = 'receipt_key' AND value = $1")
            .bind(self.key().text())
            .execute(db)
            .await
            .map(|done| done.rows_affected() == 1))?;
        tx.commit().await?;
        Ok(removed)
    }
}

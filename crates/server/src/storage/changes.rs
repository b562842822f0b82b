//! The change log of each consultation: every change staff make, with who
//! made it and when, as staff read it in `GET …/{id}/changes`.

use baraza_core::admin::{Change, ChangeAction};
use baraza_core::staff::{Role, StaffMember};
use time::OffsetDateTime;

use super::{millis, on, stored_time, Store, StoreError, Tx};

/// Who made a change: a staff member through the API, or whoever runs the
/// `baraza` command on the server.
#[derive(Debug, Clone)]
pub enum Author {
    Staff(StaffMember),
    CommandLine,
}

impl Author {
    pub(super) fn name(&self) -> &str {
        match self {
            Author::Staff(member) => &member.name,
            Author::CommandLine => "command line",
        }
    }

    pub(super) fn role(&self) -> Option<Role> {
        match self {
            Author::Staff(member) => Some(member.role),
            Author::CommandLine => None,
        }
    }
}

/// Records a change in the transaction that makes it, so the log never
/// misses a change nor holds one that was rolled back.
pub async fn record(
    tx: &mut Tx,
    consultation: &str,
    by: &Author,
    action: ChangeAction,
    detail: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on!(tx, |c| sqlx::query(
        "INSERT INTO changes (consultation, at, by_name, role, action, detail)
         SELECT n, $2, $3, $4, $5, $6 FROM consultations WHERE id = $1"
    )
    .bind(consultation)
    .bind(millis(now))
    .bind(by.name())
    .bind(by.role().map(Role::as_str))
    .bind(action.as_str())
    .bind(detail)
    .execute(c)
    .await
    .map(drop))?;
    Ok(())
}

/// A row of a change log: a consultation's and a draft's are alike.
#[derive(sqlx::FromRow)]
pub(super) struct ChangeRow {
    at: i64,
    by_name: String,
    role: Option<String>,
    action: String,
    detail: String,
}

/// A change log row as read: the action `A` is a consultation's or a draft's.
pub(super) struct Logged<A> {
    pub at: OffsetDateTime,
    pub by: String,
    pub role: Option<Role>,
    pub action: A,
    pub detail: String,
}

impl ChangeRow {
    /// The row read, its action by `action`; a row that no longer reads is
    /// a fault of the server, reported as such.
    pub(super) fn read<A>(self, action: fn(&str) -> Option<A>) -> Result<Logged<A>, StoreError> {
        let broken = || StoreError::unreadable(format!("the change log row {} at {}", self.action, self.at));
        Ok(Logged {
            at: stored_time(self.at, || format!("the change log row {}", self.action))?,
            role: self.role.as_deref().map(str::parse).transpose().map_err(|_| broken())?,
            action: action(&self.action).ok_or_else(broken)?,
            by: self.by_name,
            detail: self.detail,
        })
    }
}

/// Every change of a consultation, newest first.
pub async fn list(store: &Store, consultation: &str) -> Result<Vec<Change>, StoreError> {
    let mut db = store.read().await?;
    let rows: Vec<ChangeRow> = on!(&mut db, |c| sqlx::query_as(
        "SELECT h.at, h.by_name, h.role, h.action, h.detail
         FROM changes h JOIN consultations c ON c.n = h.consultation
         WHERE c.id = $1 ORDER BY h.id DESC",
    )
    .bind(consultation)
    .fetch_all(c)
    .await)?;
    rows.into_iter()
        .map(|row| {
            let Logged { at, by, role, action, detail } = row.read(ChangeAction::parse)?;
            Ok(Change { at, by, role, action, detail })
        })
        .collect()
}

//! The change log of each consultation: every change staff make, with who
//! made it and when, as staff read it in `GET …/{id}/changes`.

use baraza_core::admin::{Change, ChangeAction};
use baraza_core::staff::{Role, StaffMember};
use sqlx::{Sqlite, SqlitePool, Transaction};
use time::OffsetDateTime;

use crate::db::{parse_timestamp, timestamp};

/// Who made a change: a staff member through the API, or whoever runs the
/// `baraza` command on the server.
#[derive(Debug, Clone)]
pub enum Author {
    Staff(StaffMember),
    CommandLine,
}

impl Author {
    fn name(&self) -> &str {
        match self {
            Author::Staff(member) => &member.name,
            Author::CommandLine => "command line",
        }
    }

    fn role(&self) -> Option<Role> {
        match self {
            Author::Staff(member) => Some(member.role),
            Author::CommandLine => None,
        }
    }
}

/// Records a change in the transaction that makes it, so the log never
/// misses a change nor holds one that was rolled back.
pub async fn record(
    tx: &mut Transaction<'_, Sqlite>,
    consultation: &str,
    by: &Author,
    action: ChangeAction,
    detail: &str,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO changes (consultation, at, by_name, role, action, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(consultation)
        .bind(timestamp(now))
        .bind(by.name())
        .bind(by.role().map(Role::as_str))
        .bind(action.as_str())
        .bind(detail)
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// Every change of a consultation, newest first.
pub async fn list(pool: &SqlitePool, consultation: &str) -> sqlx::Result<Vec<Change>> {
    let rows: Vec<(String, String, Option<String>, String, String)> = sqlx::query_as(
        "SELECT at, by_name, role, action, detail FROM changes WHERE consultation = ?1 ORDER BY id DESC",
    )
    .bind(consultation)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(at, by, role, action, detail)| {
            let broken = || sqlx::Error::Decode(format!("unreadable change log row: {action} at {at}").into());
            Ok(Change {
                at: parse_timestamp(&at).ok_or_else(broken)?,
                by,
                role: role.map(|role| role.parse()).transpose().map_err(|_| broken())?,
                action: ChangeAction::parse(&action).ok_or_else(broken)?,
                detail,
            })
        })
        .collect()
}

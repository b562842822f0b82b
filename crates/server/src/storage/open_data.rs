//! What the open-data catalogue reads besides the definitions: the day each
//! consultation's data last changed.

use std::collections::HashMap;

use time::Date;

use super::{on, stored_time, Store, StoreError};

#[derive(sqlx::FromRow)]
struct ChangedRow {
    id: String,
    updated_at: i64,
    last_day: Option<String>,
}

/// By consultation id, the UTC day its data last changed: the later of its
/// definition's last change and the last day anyone took part (as
/// `daily_stats` keeps it, so the catalogue never reads the ballots).
pub async fn changed_on(store: &Store) -> Result<HashMap<String, Date>, StoreError> {
    let mut db = store.read().await?;
    let rows: Vec<ChangedRow> = on!(&mut db, |c| sqlx::query_as(
        "SELECT c.id, c.updated_at, (SELECT MAX(d.day) FROM daily_stats d WHERE d.consultation = c.n) AS last_day
         FROM consultations c"
    )
    .fetch_all(c)
    .await)?;
    let day_format = time::macros::format_description!("[year]-[month]-[day]");
    rows.into_iter()
        .map(|row| {
            let of = || format!("consultation {}", row.id);
            let updated = stored_time(row.updated_at, of)?.date();
            let last_day = match &row.last_day {
                Some(day) => Some(
                    Date::parse(day, day_format)
                        .map_err(|_| StoreError::unreadable(format!("the day {day} of consultation {}", row.id)))?,
                ),
                None => None,
            };
            Ok((row.id, last_day.map_or(updated, |day| day.max(updated))))
        })
        .collect()
}

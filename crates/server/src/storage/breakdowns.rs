//! What breakdowns by profile group read: each participant's standing
//! ballots, useful-marks and profile answers, in one read transaction.
//! The counting and the hiding of small groups are core's
//! (`breakdown::breakdowns`); this only gathers what participants told.

use std::collections::BTreeMap;

use baraza_core::breakdown::{self, Breakdowns};
use baraza_core::sync::ProfileAnswers;

use super::consultations::Definition;
use super::sync::Kind;
use super::{on, Store, StoreError};
use crate::receipts::hex;

/// A standing row: a ballot or useful-mark (with its item's id) or a set
/// of profile answers.
#[derive(sqlx::FromRow)]
struct StandingRow {
    participant: Vec<u8>,
    id: Vec<u8>,
    kind: i16,
    item: Option<String>,
    content: Option<String>,
}

/// The breakdowns of `definition`'s consultation. A participant is one
/// with a standing ballot or useful-mark, as the results count them;
/// answers alone are no participation.
pub async fn read(store: &Store, definition: &Definition) -> Result<Breakdowns, StoreError> {
    let mut tx = store.begin_read().await?;
    let rows: Vec<StandingRow> = on!(&mut tx, |c| {
        sqlx::query_as(
        "SELECT a.participant, a.id, a.kind, i.id AS item, a.content FROM actions a LEFT JOIN items i ON i.n = a.item
         WHERE a.consultation = $1 AND a.standing",
    )
    .bind(definition.n)
    .fetch_all(c)
    .await
    })?;
    let mut participants: BTreeMap<Vec<u8>, (bool, breakdown::Participant)> = BTreeMap::new();
    for row in rows {
        let unreadable = || StoreError::unreadable(format!("the content of action {}", hex(&row.id)));
        let (takes_part, participant) = participants.entry(row.participant.clone()).or_default();
        let content = row.content.as_deref().ok_or_else(unreadable)?;
        match Kind::from_stored(row.kind)? {
            Kind::Ballot => {
                let item = row.item.clone().ok_or_else(unreadable)?;
                participant.ballots.insert(item, serde_json::from_str(content).map_err(|_| unreadable())?);
                *takes_part = true;
            }
            Kind::Feedback => *takes_part = true,
            Kind::Profile => {
                participant.profile = serde_json::from_str::<ProfileAnswers>(content).map_err(|_| unreadable())?;
            }
            Kind::Comment | Kind::Reaction => {}
        }
    }
    let taking_part: Vec<breakdown::Participant> =
        participants.into_values().filter(|(takes_part, _)| *takes_part).map(|(_, participant)| participant).collect();
    Ok(breakdown::breakdowns(&definition.consultation, &taking_part))
}

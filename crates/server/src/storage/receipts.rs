//! Receipts checked by staff: the stored action a citizen's receipt stands
//! for, and whether the receipt is still the server's signature of it (see
//! [`crate::receipts`]).
//!
//! An action's signed text is not stored: it is core's serialization of the
//! action, which its row holds field by field (a comment's in `comments`),
//! so the check makes it again. Actions received before rows were lean keep
//! the exact text they were signed as (`signed`).
//!
//! Receipts have no index: looking one up reads every action, which at a
//! million ballots takes a fraction of a second (the benchmark prints it),
//! where an index would cost every ballot a second B-tree.

use baraza_core::admin::{typed_receipt, ReceiptCheck};
use baraza_core::sync::{Action, ActionKind, ReactionValue};
use uuid::Uuid;

use super::sync::Kind;
use super::{on, stored_time, Store, StoreError};
use crate::receipts::unhex;

/// An action as the receipt check reads it.
#[derive(sqlx::FromRow)]
struct StoredAction {
    consultation: String,
    id: Vec<u8>,
    kind: i16,
    item: Option<String>,
    standing: Option<bool>,
    content: Option<String>,
    cast_at: Option<i64>,
    received_at: i64,
    signed: Option<String>,
    comment_item: Option<String>,
    reply_to: Option<Vec<u8>>,
    body: Option<String>,
    language: Option<String>,
}

/// A reaction's stored content.
#[derive(serde::Deserialize)]
struct Reaction {
    comment: Uuid,
    value: ReactionValue,
}

impl StoredAction {
    /// The action as it was received, if its row still reads as one.
    fn action(&self, id: Uuid, kind: Kind) -> Option<Action> {
        let content = self.content.as_deref();
        let kind = match kind {
            Kind::Ballot => ActionKind::Ballot {
                item: self.item.clone()?,
                ballot: serde_json::from_str(content?).ok()?,
                cast_at: self.cast_at.map(|at| stored_time(at, String::new)).transpose().ok()?,
            },
            Kind::Feedback => ActionKind::Feedback { item: self.item.clone()?, useful: content?.parse().ok()? },
            Kind::Profile => ActionKind::Profile { answers: serde_json::from_str(content?).ok()? },
            Kind::Reaction => {
                let Reaction { comment, value } = serde_json::from_str(content?).ok()?;
                ActionKind::Reaction { comment, value }
            }
            Kind::Comment => ActionKind::Comment {
                item: self.comment_item.clone(),
                reply_to: self.reply_to.as_deref().map(Uuid::from_slice).transpose().ok()?,
                body: self.body.clone()?,
                language: self.language.clone()?,
            },
        };
        Some(Action { id, consultation: self.consultation.clone(), kind })
    }
}

/// The action with `receipt` (as a person may type it: core's
/// `admin::typed_receipt`), or [`StoreError::ReceiptNotFound`].
pub async fn check(store: &Store, receipt: &str) -> Result<ReceiptCheck, StoreError> {
    let Some((receipt, bytes)) = typed_receipt(receipt).and_then(|receipt| Some((receipt.clone(), unhex(&receipt)?)))
    else {
        return Err(StoreError::ReceiptNotFound);
    };
    let mut db = store.read().await?;
    let stored: StoredAction = on!(&mut db, |c| sqlx::query_as(
        "SELECT c.id AS consultation, a.id, a.kind, i.id AS item, a.standing, a.content, a.cast_at,
                a.received_at, a.signed, m.item AS comment_item, m.reply_to, m.body, m.language
         FROM actions a
         JOIN consultations c ON c.n = a.consultation
         LEFT JOIN items i ON i.n = a.item
         LEFT JOIN comments m ON a.kind = 2 AND m.id = a.id
         WHERE a.receipt = $1 LIMIT 1",
    )
    .bind(bytes)
    .fetch_optional(c)
    .await)?
    .ok_or(StoreError::ReceiptNotFound)?;
    let id = Uuid::from_slice(&stored.id).map_err(|_| StoreError::unreadable("the id of an action"))?;
    let kind = Kind::from_stored(stored.kind)?;
    let action_id = id.to_string();
    let signed = match &stored.signed {
        Some(signed) => Some(signed.clone()),
        None => stored.action(id, kind).map(|action| serde_json::to_string(&action).expect("actions serialize")),
    };
    Ok(ReceiptCheck {
        authentic: signed.is_some_and(|signed| store.key().sign(&action_id, &signed) == receipt),
        received_at: stored_time(stored.received_at, || format!("action {action_id}"))?,
        receipt,
        action_id,
        consultation: stored.consultation,
        kind: kind.name().to_owned(),
        item: stored.item.or(stored.comment_item),
        standing: stored.standing,
    })
}

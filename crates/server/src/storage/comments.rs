//! Reading and moderating stored comments: the public list and the
//! moderators' list are one query, which differ only in what they include.

use baraza_core::admin::{ChangeAction, ModerationDetail};
use baraza_core::analysis::{CommentOrder, ModeratedComment};
use baraza_core::api::Comment;
use baraza_core::staff::StaffMember;
use time::OffsetDateTime;
use uuid::Uuid;

use super::changes::{self, Author};
use super::{millis, on, parse_timestamp, stored_time, timestamp, Store, StoreError, Tx};

/// Which comments a page lists.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub order: CommentOrder,
    pub thread: Thread,
    pub item: Option<String>,
    pub language: Option<String>,
    /// Moderators see hidden comments; the public never does.
    pub include_hidden: bool,
}

/// Where in the conversation the listed comments stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Thread {
    /// Comments and replies alike (moderators read them all).
    #[default]
    Any,
    /// Comments that answer no other: the public list, each with its count
    /// of replies.
    TopLevel,
    /// The replies to one comment.
    RepliesTo(Uuid),
}

/// Where a page starts: just after the last comment of the page before.
/// Keyed by what the list is sorted on, so comments posted meanwhile never
/// shift a page. Written `<created_at>_<id>` for newest and oldest first
/// and `<agree>_<created_at>_<id>` for most agreed first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    agree: Option<i64>,
    created_at: i64,
    id: Uuid,
}

impl Cursor {
    /// Reads a cursor this server gave for a list in `order`.
    pub fn parse(order: CommentOrder, text: &str) -> Option<Cursor> {
        let (agree, rest) = match order {
            CommentOrder::Newest | CommentOrder::Oldest => (None, text),
            CommentOrder::Agreed => {
                let (agree, rest) = text.split_once('_')?;
                (Some(agree.parse::<i64>().ok().filter(|a| *a >= 0)?), rest)
            }
        };
        let (at, id) = rest.split_once('_')?;
        Some(Cursor { agree, created_at: millis(parse_timestamp(at)?), id: Uuid::parse_str(id).ok()? })
    }

    fn after(order: CommentOrder, last: &ModeratedComment) -> String {
        let at_id = format!("{}_{}", timestamp(last.comment.created_at), last.comment.id);
        match order {
            CommentOrder::Newest | CommentOrder::Oldest => at_id,
            CommentOrder::Agreed => format!("{}_{at_id}", last.comment.agree),
        }
    }
}

#[derive(sqlx::FromRow)]
struct CommentRow {
    id: Vec<u8>,
    item: Option<String>,
    reply_to: Option<Vec<u8>>,
    body: String,
    language: String,
    created_at: i64,
    agree: i64,
    disagree: i64,
    replies: i64,
    hidden: bool,
    hidden_reason: Option<String>,
    hidden_by: Option<String>,
    hidden_at: Option<i64>,
}

impl CommentRow {
    /// Stored rows were written by sync from parsed actions; one that no
    /// longer reads is a server fault, reported rather than skipped.
    fn into_comment(self) -> Result<ModeratedComment, StoreError> {
        let uuid = |bytes: &[u8]| {
            Uuid::from_slice(bytes)
                .map_err(|_| StoreError::unreadable(format!("a comment id of {} bytes", bytes.len())))
        };
        let id = uuid(&self.id)?;
        let of = || format!("comment {id}");
        Ok(ModeratedComment {
            comment: Comment {
                id,
                item: self.item,
                reply_to: self.reply_to.as_deref().map(uuid).transpose()?,
                body: self.body,
                language: self.language,
                created_at: stored_time(self.created_at, of)?,
                agree: self.agree.max(0) as u64,
                disagree: self.disagree.max(0) as u64,
                replies: self.replies.max(0) as u64,
            },
            hidden: self.hidden,
            hidden_reason: self.hidden_reason,
            hidden_by: self.hidden_by,
            hidden_at: self.hidden_at.map(|at| stored_time(at, of)).transpose()?,
        })
    }
}

const SELECT: &str = "SELECT c.id, c.item, c.reply_to, c.body, c.language, c.created_at,
        (SELECT COUNT(*) FROM reactions r WHERE r.comment = c.id AND r.value = 'agree') AS agree,
        (SELECT COUNT(*) FROM reactions r WHERE r.comment = c.id AND r.value = 'disagree') AS disagree,
        (SELECT COUNT(*) FROM comments r WHERE r.reply_to = c.id AND NOT r.hidden) AS replies,
        c.hidden, c.hidden_reason, c.hidden_by, c.hidden_at
    FROM comments c";

/// One page of a consultation's comments, and the cursor of the next page if
/// there is one.
pub async fn page(
    store: &Store,
    consultation: &str,
    filter: &Filter,
    before: Option<&Cursor>,
    limit: u32,
) -> Result<(Vec<ModeratedComment>, Option<String>), StoreError> {
    let (after_cursor, order_by) = match filter.order {
        CommentOrder::Newest => ("created_at < $6 OR (created_at = $6 AND id < $7)", "created_at DESC, id DESC"),
        CommentOrder::Agreed => (
            "agree < $5 OR (agree = $5 AND (created_at < $6 OR (created_at = $6 AND id < $7)))",
            "agree DESC, created_at DESC, id DESC",
        ),
        CommentOrder::Oldest => ("created_at > $6 OR (created_at = $6 AND id > $7)", "created_at ASC, id ASC"),
    };
    let (top_level_only, reply_to) = match filter.thread {
        Thread::Any => (false, None),
        Thread::TopLevel => (true, None),
        Thread::RepliesTo(comment) => (false, Some(comment.as_bytes().to_vec())),
    };
    let sql = format!(
        "WITH listed AS ({SELECT} JOIN consultations k ON k.n = c.consultation
             WHERE k.id = $1 AND ($2 OR NOT c.hidden)
               AND ($3 IS NULL OR c.item = $3) AND ($4 IS NULL OR c.language = $4)
               AND (NOT $9 OR c.reply_to IS NULL) AND ($10 IS NULL OR c.reply_to = $10))
         SELECT * FROM listed WHERE $6 IS NULL OR {after_cursor}
         ORDER BY {order_by} LIMIT $8"
    );
    let mut db = store.read().await?;
    let rows: Vec<CommentRow> = on!(&mut db, |c| sqlx::query_as(&sql)
        .bind(consultation)
        .bind(filter.include_hidden)
        .bind(&filter.item)
        .bind(&filter.language)
        .bind(before.and_then(|c| c.agree))
        .bind(before.map(|c| c.created_at))
        .bind(before.map(|c| c.id.as_bytes().to_vec()))
        .bind(i64::from(limit) + 1)
        .bind(top_level_only)
        .bind(reply_to.as_deref())
        .fetch_all(c)
        .await)?;
    let has_more = rows.len() > limit as usize;
    let comments =
        rows.into_iter().take(limit as usize).map(CommentRow::into_comment).collect::<Result<Vec<_>, _>>()?;
    let next = has_more.then(|| comments.last().map(|last| Cursor::after(filter.order, last))).flatten();
    Ok((comments, next))
}

/// Hides a comment from the public, recording why, by whom and when, on the
/// comment and in its consultation's change log; a hidden comment hidden
/// again keeps the newer reason.
pub async fn hide(
    store: &Store,
    id: Uuid,
    reason: &str,
    by: &StaffMember,
    now: OffsetDateTime,
) -> Result<ModeratedComment, StoreError> {
    moderate(store, id, Some(reason), by, now).await
}

/// Shows a hidden comment again, recorded in the change log; restoring a
/// comment that is shown changes nothing and records nothing.
pub async fn restore(
    store: &Store,
    id: Uuid,
    by: &StaffMember,
    now: OffsetDateTime,
) -> Result<ModeratedComment, StoreError> {
    moderate(store, id, None, by, now).await
}

/// Hides the comment `id` for `reason` or shows it again (`None`), records
/// the change in the same transaction, and answers the comment as it then is.
async fn moderate(
    store: &Store,
    id: Uuid,
    reason: Option<&str>,
    by: &StaffMember,
    now: OffsetDateTime,
) -> Result<ModeratedComment, StoreError> {
    let mut tx = store.begin_write().await?;
    let (consultation, was_hidden): (String, bool) = on!(&mut tx, |c| sqlx::query_as(
        "SELECT k.id, c.hidden FROM comments c JOIN consultations k ON k.n = c.consultation WHERE c.id = $1"
    )
    .bind(id.as_bytes().as_slice())
    .fetch_optional(c)
    .await)?
    .ok_or_else(|| StoreError::CommentNotFound(id.to_string()))?;
    on!(&mut tx, |c| sqlx::query(
        "UPDATE comments SET hidden = $2, hidden_reason = $3, hidden_by = $4, hidden_at = $5 WHERE id = $1"
    )
    .bind(id.as_bytes().as_slice())
    .bind(reason.is_some())
    .bind(reason)
    .bind(reason.map(|_| by.name.as_str()))
    .bind(reason.map(|_| millis(now)))
    .execute(c)
    .await
    .map(drop))?;
    if reason.is_some() || was_hidden {
        let comment = id.to_string();
        let action = if reason.is_some() { ChangeAction::CommentHidden } else { ChangeAction::CommentRestored };
        let detail = ModerationDetail { comment: &comment, reason }.write();
        changes::record(&mut tx, &consultation, &Author::Staff(by.clone()), action, &detail, now).await?;
    }
    let comment = one(&mut tx, id).await?;
    tx.commit().await?;
    Ok(comment)
}

async fn one(tx: &mut Tx, id: Uuid) -> Result<ModeratedComment, StoreError> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    let row: Option<CommentRow> =
        on!(tx, |c| sqlx::query_as(&sql).bind(id.as_bytes().as_slice()).fetch_optional(c).await)?;
    row.ok_or_else(|| StoreError::CommentNotFound(id.to_string()))?.into_comment()
}

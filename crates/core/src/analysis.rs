//! What staff read about a consultation: full results with
//! participation over time, comments with their moderation, and the rows of
//! the open-data exports. Shared so the staff screens read exactly what the
//! server writes.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::api::{Comment, ResultsResponse};
use crate::ballot::Ballot;
use crate::definition::Level;
use crate::paper::Channel;

/// `GET /api/v1/admin/consultations/{id}/results`: the public results
/// (whatever the definition's `results` rule), participation per day and how
/// many comments there are.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminResults {
    #[serde(flatten)]
    pub results: ResultsResponse,
    /// Every UTC day on which an action arrived, oldest first.
    pub participation: Vec<DayParticipation>,
    pub comments: CommentTotals,
    /// How much of the results came on paper: the rest came online.
    #[serde(default)]
    pub paper: PaperShare,
}

/// The part of a consultation's results that clerks entered from paper
/// ballots ([`crate::paper`]), counted exactly as the online part.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperShare {
    /// Participants (paper ballots) of the results' `participants`.
    pub participants: u64,
    /// Per item id, paper ballots among the item's standing `ballots`;
    /// items without any are left out.
    pub items: std::collections::BTreeMap<String, u64>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayParticipation {
    /// The UTC day, `YYYY-MM-DD`.
    pub date: String,
    /// Participants whose first ballot or useful-mark arrived that day: the
    /// days add up to the results' `participants`.
    pub participants: u64,
    /// Actions of every kind (ballots, useful-marks, comments, reactions)
    /// accepted that day, replaced ballots included.
    pub actions: u64,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentTotals {
    pub total: u64,
    pub hidden: u64,
}

/// A comment as moderators see it: hidden ones included.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModeratedComment {
    #[serde(flatten)]
    pub comment: Comment,
    pub hidden: bool,
    /// Why, who (the staff token's name) and when, while it is hidden.
    pub hidden_reason: Option<String>,
    pub hidden_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::DateTime>"))]
    pub hidden_at: Option<OffsetDateTime>,
}

/// `GET /api/v1/admin/consultations/{id}/comments`. `next` is the cursor to
/// pass as `?before=` (with the same `order`) for the following page.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModerationPage {
    pub comments: Vec<ModeratedComment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The order of a comment list: newest first, or most agreed first (ties:
/// newest first).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentOrder {
    #[default]
    Newest,
    /// Most agreed first, newest first among equals.
    Agreed,
    /// Oldest first: the replies to a comment, read as a conversation.
    Oldest,
}

impl CommentOrder {
    /// Its name in a query string (`?order=`).
    pub fn as_str(self) -> &'static str {
        match self {
            CommentOrder::Newest => "newest",
            CommentOrder::Agreed => "agreed",
            CommentOrder::Oldest => "oldest",
        }
    }
}

/// `POST /api/v1/admin/comments/{id}/hide`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HideRequest {
    /// Missing is refused like blank (`reason_required`), with the API's
    /// message rather than a parse error; the schema tells clients it must
    /// show something and how long it may be.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(required, length(min = 1, max = HIDE_REASON_MAX_CHARS), pattern(r"\S")))]
    pub reason: String,
}

/// The longest reason a moderator may give for hiding a comment.
pub const HIDE_REASON_MAX_CHARS: usize = 500;

/// Why a reason for hiding a comment is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonError {
    Missing,
    TooLong,
}

impl std::fmt::Display for ReasonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReasonError::Missing => write!(f, "give the reason for hiding this comment"),
            ReasonError::TooLong => write!(f, "the reason is longer than {HIDE_REASON_MAX_CHARS} characters"),
        }
    }
}

impl HideRequest {
    /// The reason as it is kept (trimmed), if it is one: a comment is never
    /// hidden without a reason its author could be told.
    pub fn checked_reason(&self) -> Result<&str, ReasonError> {
        let reason = self.reason.trim();
        if crate::bounds::is_blank(reason) {
            Err(ReasonError::Missing)
        } else if reason.chars().count() > HIDE_REASON_MAX_CHARS {
            Err(ReasonError::TooLong)
        } else {
            Ok(reason)
        }
    }
}

/// Whether an export may link ballots to a participant (by pseudonym, ballot
/// id or the time it was cast). Never for `decide`: those ballots are secret,
/// and a ballot id or a time a voter can show would let them prove their
/// vote to someone buying or forcing it.
pub fn exports_identify_ballots(level: Level) -> bool {
    level != Level::Decide
}

/// One standing ballot of an export. For `decide` consultations (see
/// [`exports_identify_ballots`]) `ballot_id`, `participant`, `cast_at`,
/// `received_at` and `channel` are `null`: where a few people voted on
/// paper, the channel of a secret ballot would tell how they voted (the
/// results' paper share says how many, per item).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedBallot {
    pub item: String,
    pub item_type: String,
    /// The id of the action that cast it: what a citizen's receipt names.
    pub ballot_id: Option<Uuid>,
    /// A pseudonym of the participant, the same for all their ballots in this
    /// consultation and unrelated to it in any other; never the device's id.
    pub participant: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::DateTime>"))]
    pub cast_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::DateTime>"))]
    pub received_at: Option<OffsetDateTime>,
    /// Online, or on paper entered by a clerk.
    #[serde(default)]
    pub channel: Option<Channel>,
    pub ballot: Cast,
}

/// What was cast on an item: a ballot, or a useful-mark on an information
/// section.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cast {
    Ballot(Ballot),
    Useful { useful: bool },
}

/// The columns of the ballots CSV, in order. Lists (`choices`, `ranking`,
/// `projects`) are option ids joined by `;` (ids are slugs, which never hold
/// one); a ranking is most preferred first. Each row fills the column of its
/// ballot's shape and leaves the others empty.
/// `channel` is `online` or `paper` (empty where ballots are secret, as for
/// the ballot id); it comes last, so that the columns before keep their
/// places.
pub const BALLOT_CSV_COLUMNS: [&str; 16] = [
    "consultation",
    "item",
    "item_type",
    "ballot_id",
    "participant",
    "cast_at",
    "received_at",
    "choice",
    "choices",
    "answer",
    "value",
    "ranking",
    "projects",
    "useful",
    "text",
    "channel",
];

impl ExportedBallot {
    /// The fields of this ballot's CSV row, in [`BALLOT_CSV_COLUMNS`] order.
    pub fn csv_fields(&self, consultation: &str) -> [String; 16] {
        let time = |at: Option<OffsetDateTime>| {
            at.and_then(|at| at.format(&time::format_description::well_known::Rfc3339).ok()).unwrap_or_default()
        };
        let mut row: [String; 16] = Default::default();
        row[0] = consultation.to_owned();
        row[1] = self.item.clone();
        row[2] = self.item_type.clone();
        row[3] = self.ballot_id.map(|id| id.to_string()).unwrap_or_default();
        row[4] = self.participant.clone().unwrap_or_default();
        row[5] = time(self.cast_at);
        row[6] = time(self.received_at);
        match &self.ballot {
            Cast::Ballot(Ballot::Choice { choice }) => row[7] = choice.clone(),
            Cast::Ballot(Ballot::Choices { choices }) => row[8] = choices.join(";"),
            Cast::Ballot(Ballot::Answer { answer }) => row[9] = answer.as_str().to_owned(),
            Cast::Ballot(Ballot::Value { value }) => row[10] = value.to_string(),
            Cast::Ballot(Ballot::Ranking { ranking }) => row[11] = ranking.join(";"),
            Cast::Ballot(Ballot::Projects { projects }) => row[12] = projects.join(";"),
            Cast::Useful { useful } => row[13] = if *useful { "yes" } else { "no" }.to_owned(),
            Cast::Ballot(Ballot::Text { text }) => row[14] = text.clone(),
        }
        row[15] = self.channel.map(|channel| channel.as_str().to_owned()).unwrap_or_default();
        row
    }
}

/// The columns of the tallies CSV: one row per counted key of each item (an
/// option, answer, scale value, project, or `yes`/`no` for useful-marks; a
/// single row with an empty key for `text`). `count` is the item's `counts`
/// (first preferences for rankings, approvals for budgets); `score` is the
/// Borda score; `selected` (budgets) and `winner` (rankings) are `true` or
/// `false` for the key; `mean` and `median` repeat the scale's on each of its
/// rows. Instant-runoff rounds are in the results and the JSON export.
pub const TALLY_CSV_COLUMNS: [&str; 12] = [
    "consultation",
    "item",
    "item_type",
    "method",
    "ballots",
    "key",
    "count",
    "score",
    "selected",
    "winner",
    "mean",
    "median",
];

/// The rows of the tallies CSV for these results, in [`TALLY_CSV_COLUMNS`]
/// order.
pub fn tally_csv_rows(results: &ResultsResponse) -> Vec<[String; 12]> {
    let mut rows = Vec::new();
    for item in &results.items {
        let number = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
        let keyed: Vec<(String, u64)> = match (&item.counts, &item.useful) {
            (Some(counts), _) => counts.iter().map(|(key, count)| (key.clone(), *count)).collect(),
            (None, Some(useful)) => vec![("yes".to_owned(), useful.yes), ("no".to_owned(), useful.no)],
            (None, None) => vec![(String::new(), 0)],
        };
        for (key, count) in keyed {
            let flag = |set: bool| if set { "true" } else { "false" }.to_owned();
            rows.push([
                results.consultation.clone(),
                item.id.clone(),
                item.item_type.clone(),
                item.method.clone().unwrap_or_default(),
                item.ballots.map(|b| b.to_string()).unwrap_or_default(),
                key.clone(),
                if item.counts.is_some() || item.useful.is_some() { count.to_string() } else { String::new() },
                item.scores.as_ref().and_then(|s| s.get(&key)).map(|s| s.to_string()).unwrap_or_default(),
                item.selected.as_ref().map(|s| flag(s.contains(&key))).unwrap_or_default(),
                item.winner.as_ref().map(|winner| flag(*winner == key)).unwrap_or_default(),
                number(item.mean),
                number(item.median),
            ]);
        }
    }
    rows
}

/// The JSON Schema (draft 2020-12) of `GET …/export.json`, served at
/// `/api/v1/schema/export.json`.
pub const EXPORT_SCHEMA: &str = include_str!("../schema/export.schema.json");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hide_reason_is_trimmed_and_required() {
        let request = |reason: &str| HideRequest { reason: reason.to_owned() };
        assert_eq!(request("  spam ").checked_reason(), Ok("spam"));
        assert_eq!(request(" \n\t").checked_reason(), Err(ReasonError::Missing));
        assert_eq!(request("\u{200B}\u{2060}").checked_reason(), Err(ReasonError::Missing));
        assert_eq!(request(&"x".repeat(HIDE_REASON_MAX_CHARS + 1)).checked_reason(), Err(ReasonError::TooLong));
        assert!(request(&"é".repeat(HIDE_REASON_MAX_CHARS)).checked_reason().is_ok());
    }

    #[test]
    fn useful_marks_and_ballots_are_told_apart() {
        let useful: Cast = serde_json::from_str(r#"{"useful": true}"#).unwrap();
        assert_eq!(useful, Cast::Useful { useful: true });
        let choice: Cast = serde_json::from_str(r#"{"choice": "a"}"#).unwrap();
        assert_eq!(choice, Cast::Ballot(Ballot::Choice { choice: "a".into() }));
    }

    #[test]
    fn only_decide_keeps_ballots_unlinkable() {
        assert!(exports_identify_ballots(Level::Consult) && exports_identify_ballots(Level::Inform));
        assert!(!exports_identify_ballots(Level::Decide));
    }
}

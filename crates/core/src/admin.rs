//! Shapes of the staff API's answers, shared so the staff screens
//! read exactly what the server writes.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::api::ConsultationSummary;
use crate::definition::{Eligibility, ResultsVisibility};
use crate::localized::Localized;
use crate::staff::Role;
use crate::validate::Problem;

/// `GET /api/v1/admin/consultations`: every consultation, archived ones too.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminConsultationList {
    pub consultations: Vec<AdminConsultation>,
}

/// A consultation as staff see it in their list.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminConsultation {
    #[serde(flatten)]
    pub summary: ConsultationSummary,
    pub archived: bool,
    /// Participants with at least one counted action.
    pub participants: u64,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateTime"))]
    pub published_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateTime"))]
    pub updated_at: OffsetDateTime,
    #[serde(default)]
    pub outcome: Option<Localized>,
    pub eligibility: Eligibility,
    pub results: ResultsVisibility,
    /// When a publisher anonymised it (see [`ArchiveRequest`]); absent while
    /// its participants' identifiers are kept.
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::DateTime>"))]
    pub anonymised_at: Option<OffsetDateTime>,
}

/// `POST /api/v1/admin/consultations`: what was stored, with the warnings
/// the definition still carries.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Published {
    pub id: String,
    /// `true` for a new consultation, `false` for an update.
    pub created: bool,
    #[serde(default)]
    pub warnings: Vec<Problem>,
}

/// `PUT /api/v1/admin/consultations/{id}/outcome`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeRequest {
    pub outcome: Localized,
}

/// `POST /api/v1/admin/consultations/{id}/codes`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodesRequest {
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = MAX_CODES_PER_REQUEST)))]
    #[serde(deserialize_with = "whole_number")]
    pub count: u32,
}

/// A count as JSON may write it: `12`, or `12.0`, which JSON (and its
/// schema) reads as the same integer.
fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let number = f64::deserialize(deserializer)?;
    if number.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&number) {
        // Whole and in range: the conversion is exact.
        Ok(number as u32)
    } else {
        Err(serde::de::Error::custom(format!("{number} is not a whole number of codes")))
    }
}

/// `POST /api/v1/admin/consultations/{id}/archive`, whose body may be left
/// out (archiving alone). `anonymise`: also drop what links its input to
/// phones and participation codes — the ids of devices and participants,
/// the codes and the voters made from them — keeping every ballot,
/// comment, count and receipt, so that its results and open data stay
/// exactly as they were. It cannot be undone.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveRequest {
    #[serde(default)]
    pub anonymise: bool,
}

/// `GET /api/v1/admin/consultations/{id}/changes`: newest first.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeLog {
    pub changes: Vec<Change>,
}

/// One recorded change: who, when, what.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateTime"))]
    pub at: OffsetDateTime,
    pub by: String,
    #[serde(default)]
    pub role: Option<Role>,
    pub action: ChangeAction,
    /// What changed, as data for the screens to put in words: the fields of
    /// an update, the closing date a close replaced, the outcome's languages,
    /// the number of codes issued, the comment hidden or restored (and why
    /// it was hidden, see [`ModerationDetail`]), the number of paper
    /// ballots a clerk's batch counted; empty for publishing,
    /// archiving and anonymising.
    pub detail: String,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Published,
    Updated,
    Closed,
    Archived,
    Outcome,
    CodesIssued,
    /// The identifiers of its participants were dropped ([`ArchiveRequest`]).
    Anonymised,
    /// A comment was hidden from the public, for a reason.
    CommentHidden,
    /// A hidden comment was shown again.
    CommentRestored,
    /// A clerk entered a batch of paper ballots; the detail is how many
    /// were counted.
    PaperBallots,
}

impl ChangeAction {
    pub const ALL: [ChangeAction; 10] = [
        ChangeAction::Published,
        ChangeAction::Updated,
        ChangeAction::Closed,
        ChangeAction::Archived,
        ChangeAction::Outcome,
        ChangeAction::CodesIssued,
        ChangeAction::Anonymised,
        ChangeAction::CommentHidden,
        ChangeAction::CommentRestored,
        ChangeAction::PaperBallots,
    ];

    /// The name as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Published => "published",
            ChangeAction::Updated => "updated",
            ChangeAction::Closed => "closed",
            ChangeAction::Archived => "archived",
            ChangeAction::Outcome => "outcome",
            ChangeAction::CodesIssued => "codes_issued",
            ChangeAction::Anonymised => "anonymised",
            ChangeAction::CommentHidden => "comment_hidden",
            ChangeAction::CommentRestored => "comment_restored",
            ChangeAction::PaperBallots => "paper_ballots",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == name)
    }
}

/// The detail of a comment's moderation in the change log: the comment's id,
/// then, for a hide, a space and the reason (`<id> <reason>`). An id never
/// holds a space, so the reason is read back whatever it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModerationDetail<'a> {
    pub comment: &'a str,
    pub reason: Option<&'a str>,
}

impl<'a> ModerationDetail<'a> {
    pub fn write(&self) -> String {
        match self.reason {
            Some(reason) => format!("{} {reason}", self.comment),
            None => self.comment.to_owned(),
        }
    }

    pub fn read(detail: &'a str) -> Self {
        match detail.split_once(' ') {
            Some((comment, reason)) => ModerationDetail { comment, reason: Some(reason) },
            None => ModerationDetail { comment: detail, reason: None },
        }
    }
}

/// How many participation codes one request may issue: enough for a
/// village, small enough that the CSV downloads in seconds on a slow line.
pub const MAX_CODES_PER_REQUEST: u32 = 10_000;

/// How many hexadecimal digits a receipt has: the first 64 bits of the
/// server's signature of the action.
pub const RECEIPT_DIGITS: usize = 16;

/// A receipt as a person typed or read it out — in capitals, with spaces or
/// dashes between groups — written as the server gives receipts (lower
/// case, digits only); `None` when it cannot be a receipt.
pub fn typed_receipt(text: &str) -> Option<String> {
    let receipt: String =
        text.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_lowercase()).collect();
    (receipt.len() == RECEIPT_DIGITS && receipt.bytes().all(|b| b.is_ascii_hexdigit())).then_some(receipt)
}

/// `GET /api/v1/admin/receipts/{receipt}`: the action a citizen's receipt
/// stands for, so staff can show them their input was counted.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptCheck {
    pub receipt: String,
    pub action_id: String,
    pub consultation: String,
    /// `ballot`, `feedback`, `comment` or `reaction`.
    pub kind: String,
    /// The item it was about: a ballot's or useful-mark's, or a comment's
    /// when it was on one; absent for a comment on the whole consultation
    /// and for a reaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateTime"))]
    pub received_at: OffsetDateTime,
    /// Whether the receipt is the server's signature of the action as stored:
    /// `false` means the stored action was altered after it was received.
    pub authentic: bool,
    /// For ballots and useful-marks: whether it still stands, or was
    /// replaced by a newer one from the same voter. `None` for other kinds.
    #[serde(default)]
    pub standing: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::{typed_receipt, ChangeAction, CodesRequest, ModerationDetail};

    #[test]
    fn a_receipt_is_read_however_a_person_types_it() {
        let receipt = Some("0123456789abcdef".to_owned());
        assert_eq!(typed_receipt("0123456789abcdef"), receipt);
        assert_eq!(typed_receipt(" 0123 4567-89AB-CDEF\n"), receipt);
        assert_eq!(typed_receipt("0123456789abcde"), None);
        assert_eq!(typed_receipt("0123456789abcdefa"), None);
        assert_eq!(typed_receipt("0123456789abcdeg"), None);
        assert_eq!(typed_receipt("٠١٢٣٤٥٦٧٨٩abcdef"), None);
        assert_eq!(typed_receipt(""), None);
    }

    #[test]
    fn change_actions_read_back_what_they_write() {
        for action in ChangeAction::ALL {
            assert_eq!(ChangeAction::parse(action.as_str()), Some(action));
            assert_eq!(serde_json::to_string(&action).unwrap(), format!("\"{}\"", action.as_str()));
        }
    }

    #[test]
    fn a_moderation_detail_keeps_a_reason_with_spaces() {
        let hidden = ModerationDetail { comment: "7c9e", reason: Some("insults, twice over") };
        assert_eq!(hidden.write(), "7c9e insults, twice over");
        assert_eq!(ModerationDetail::read(&hidden.write()), hidden);
        let restored = ModerationDetail { comment: "7c9e", reason: None };
        assert_eq!(ModerationDetail::read(&restored.write()), restored);
    }

    #[test]
    fn a_count_of_codes_is_a_whole_number_however_json_writes_it() {
        let read = |json: &str| serde_json::from_str::<CodesRequest>(json).map(|request| request.count);
        assert_eq!(read(r#"{"count": 12}"#).unwrap(), 12);
        assert_eq!(read(r#"{"count": 12.0}"#).unwrap(), 12);
        assert!(read(r#"{"count": 1.5}"#).is_err());
        assert!(read(r#"{"count": -1}"#).is_err());
        assert!(read(r#"{"count": 4294967296}"#).is_err());
        assert!(read(r#"{"count": "12"}"#).is_err());
    }
}

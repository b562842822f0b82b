//! The sync contract: the actions a citizen's device sends,
//! the per-action answers, and the rules that admit or reject an action.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::ballot::{check_ballot, Ballot};
use crate::bounds::{self, check_text, TextFault};
use crate::definition::{Consultation, Eligibility, Item, Status, PREFER_NOT_TO_SAY};
use crate::validate::is_language_tag;

/// The longest comment accepted, in characters.
pub const COMMENT_MAX_CHARS: usize = 2000;
/// The most actions one `POST /api/v1/sync` may carry.
pub const MAX_ACTIONS_PER_BATCH: usize = 500;

/// `POST /api/v1/sync`. Actions stay raw JSON here so that one malformed
/// action is rejected on its own while the rest of the batch is still counted.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncRequest {
    pub participant: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Each one an `Action` (see its schema). Any JSON value is taken here:
    /// each is read on its own, and one that is not an action is answered
    /// `rejected` with `invalid_action` while the others are counted.
    #[cfg_attr(feature = "schema", schemars(length(max = MAX_ACTIONS_PER_BATCH)))]
    pub actions: Vec<serde_json::Value>,
}

impl SyncRequest {
    pub fn new(participant: Uuid, code: Option<String>, actions: &[Action]) -> Self {
        let actions =
            actions.iter().map(|action| serde_json::to_value(action).expect("an action always serializes")).collect();
        SyncRequest { participant, code, actions }
    }
}

/// One citizen action, identified by a UUID the device made, so that sending
/// it twice counts once.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub id: Uuid,
    pub consultation: String,
    #[serde(flatten)]
    pub kind: ActionKind,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ActionKind {
    Ballot {
        item: String,
        ballot: Ballot,
        /// When the citizen cast it, by the device's clock.
        #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::DateTime>"))]
        cast_at: Option<OffsetDateTime>,
    },
    Comment {
        #[serde(default)]
        item: Option<String>,
        #[serde(default)]
        reply_to: Option<Uuid>,
        body: String,
        language: String,
    },
    Reaction {
        comment: Uuid,
        value: ReactionValue,
    },
    Feedback {
        item: String,
        useful: bool,
    },
    /// The participant's answers to the consultation's "about you"
    /// questions, replacing any given before; none erases them.
    Profile {
        answers: ProfileAnswers,
    },
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReactionValue {
    Agree,
    Disagree,
    Pass,
}

impl ReactionValue {
    pub fn as_str(self) -> &'static str {
        match self {
            ReactionValue::Agree => "agree",
            ReactionValue::Disagree => "disagree",
            ReactionValue::Pass => "pass",
        }
    }
}

impl Action {
    /// Reads one action of a batch received at `received_at`, and checks the
    /// one value it carries that no definition bounds: the device's clock.
    /// A `cast_at` outside the calendar window ([`crate::bounds`]) is
    /// refused; one later than the arrival is read as the arrival, since a
    /// cheap phone's clock may run ahead and its owner must not lose their
    /// vote for it. The time is kept in UTC. On failure, answers the
    /// action's id (when it has one) with the reason, so the device can
    /// show it.
    pub fn parse(value: &serde_json::Value, received_at: OffsetDateTime) -> Result<Action, (String, Rejection)> {
        let id = || value.get("id").and_then(|id| id.as_str()).unwrap_or_default().to_owned();
        let mut action: Action = serde_json::from_value(value.clone())
            .map_err(|error| (id(), Rejection::new(RejectCode::InvalidAction, error.to_string())))?;
        if let ActionKind::Ballot { cast_at: Some(cast_at), .. } = &mut action.kind {
            if !bounds::in_calendar(*cast_at) {
                let (earliest, latest) = (bounds::EARLIEST.date(), bounds::LATEST.date());
                let message = format!("cast_at must be from {earliest} to before {latest} (UTC)");
                return Err((id(), Rejection::new(RejectCode::InvalidAction, message)));
            }
            *cast_at = (*cast_at).min(received_at).to_offset(time::UtcOffset::UTC);
        }
        Ok(action)
    }
}

/// Why an action was not counted. The code is stable; the app shows its own
/// translation of it, the message is for people reading the API.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    InvalidAction,
    UnknownConsultation,
    UnknownItem,
    UnknownComment,
    ConsultationNotOpen,
    ConsultationClosed,
    CodeRequired,
    InvalidCode,
    /// The code was already used by another participant.
    CodeUsed,
    InvalidBallot,
    UnknownOption,
    CommentsDisabled,
    InvalidComment,
    /// The action's id is already that of another action: another
    /// participant's, or one of this participant's with other content.
    /// Nothing was changed.
    ActionIdTaken,
    /// Profile answers name a question the consultation does not ask.
    UnknownProfileQuestion,
    /// A profile answer is neither one of its question's options nor
    /// `prefer-not-to-say`.
    UnknownProfileAnswer,
}

impl RejectCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::InvalidAction => "invalid_action",
            RejectCode::UnknownConsultation => "unknown_consultation",
            RejectCode::UnknownItem => "unknown_item",
            RejectCode::UnknownComment => "unknown_comment",
            RejectCode::ConsultationNotOpen => "consultation_not_open",
            RejectCode::ConsultationClosed => "consultation_closed",
            RejectCode::CodeRequired => "code_required",
            RejectCode::InvalidCode => "invalid_code",
            RejectCode::CodeUsed => "code_used",
            RejectCode::InvalidBallot => "invalid_ballot",
            RejectCode::UnknownOption => "unknown_option",
            RejectCode::CommentsDisabled => "comments_disabled",
            RejectCode::InvalidComment => "invalid_comment",
            RejectCode::ActionIdTaken => "action_id_taken",
            RejectCode::UnknownProfileQuestion => "unknown_profile_question",
            RejectCode::UnknownProfileAnswer => "unknown_profile_answer",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub code: RejectCode,
    pub message: String,
}

impl Rejection {
    pub fn new(code: RejectCode, message: impl Into<String>) -> Self {
        Rejection { code, message: message.into() }
    }
}

/// A participant's answers to a consultation's "about you" questions:
/// question id to option id or `prefer-not-to-say`. A question left out is
/// unanswered; an empty set erases every answer given before.
pub type ProfileAnswers = std::collections::BTreeMap<String, String>;

/// Whether `answers` may be kept for `consultation`: each names one of its
/// profile questions and an answer that question takes.
pub fn check_profile_answers(consultation: &Consultation, answers: &ProfileAnswers) -> Result<(), Rejection> {
    for (question_id, answer) in answers {
        let Some(question) = consultation.profile_question(question_id) else {
            let message = format!("the consultation asks no profile question \"{question_id}\"");
            return Err(Rejection::new(RejectCode::UnknownProfileQuestion, message));
        };
        if !question.takes(answer) {
            let message = format!(
                "\"{answer}\" is not an answer to the profile question \"{question_id}\": \
                 one of its options or \"{PREFER_NOT_TO_SAY}\""
            );
            return Err(Rejection::new(RejectCode::UnknownProfileAnswer, message));
        }
    }
    Ok(())
}

/// The deadline rule: whether an action received at
/// `received_at` still counts.
///
/// Before `closes_at` everything counts. After it, only a ballot cast (by the
/// device's clock) before the close counts, and only within the definition's
/// `offline_grace_hours`.
pub fn within_deadline(
    consultation: &Consultation,
    kind: &ActionKind,
    received_at: OffsetDateTime,
) -> Result<(), Rejection> {
    match consultation.status_at(received_at) {
        Status::Upcoming => Err(Rejection::new(RejectCode::ConsultationNotOpen, "this consultation is not open yet")),
        Status::Open => Ok(()),
        Status::Archived => Err(Rejection::new(RejectCode::ConsultationClosed, "this consultation is archived")),
        Status::Closed => {
            let cast_before_close = matches!(
                kind,
                ActionKind::Ballot { cast_at: Some(cast_at), .. }
                    if *cast_at < consultation.closes_at && *cast_at >= consultation.opens_at
            );
            if cast_before_close && received_at < deliver_by(consultation) {
                Ok(())
            } else {
                Err(Rejection::new(RejectCode::ConsultationClosed, "this consultation is closed"))
            }
        }
    }
}

/// The end of the offline grace: the close plus `offline_grace_hours`.
/// Saturating: a definition stored before the grace was bounded may grant
/// more hours than the calendar holds.
fn deliver_by(consultation: &Consultation) -> OffsetDateTime {
    let grace = Duration::hours(i64::from(consultation.offline_grace_hours.unwrap_or(0)));
    consultation.closes_at.saturating_add(grace)
}

/// How long before the close the app warns a citizen about the deadline
/// rule, since an answer saved offline now may only reach the server later.
pub const DEADLINE_NOTICE_HOURS: i64 = 48;

/// The deadline rule as it applies to an answer cast now, for the app to
/// state before a citizen votes near the close: cast before `closes_at`, it
/// counts if it reaches the server before `deliver_by` (the close plus
/// `offline_grace_hours`). The same rule [`within_deadline`] enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineNotice {
    pub closes_at: OffsetDateTime,
    pub deliver_by: OffsetDateTime,
    pub grace_hours: u32,
}

/// `Some` while the consultation is open and closes within
/// [`DEADLINE_NOTICE_HOURS`] of `now`.
pub fn deadline_notice(consultation: &Consultation, now: OffsetDateTime) -> Option<DeadlineNotice> {
    let open = consultation.status_at(now) == Status::Open;
    let near = consultation.closes_at - now <= Duration::hours(DEADLINE_NOTICE_HOURS);
    (open && near).then(|| DeadlineNotice {
        closes_at: consultation.closes_at,
        deliver_by: deliver_by(consultation),
        grace_hours: consultation.offline_grace_hours.unwrap_or(0),
    })
}

/// Every rule an action must meet that can be judged from the definition
/// alone. The server adds what needs its storage: that a participation code
/// is valid and unused, that a comment being replied to exists.
pub fn admit(
    consultation: &Consultation,
    action: &Action,
    has_code: bool,
    received_at: OffsetDateTime,
) -> Result<(), Rejection> {
    within_deadline(consultation, &action.kind, received_at)?;
    match &action.kind {
        ActionKind::Ballot { item, ballot, .. } => {
            if consultation.eligibility == Eligibility::Codes && !has_code {
                return Err(Rejection::new(RejectCode::CodeRequired, "this consultation needs a participation code"));
            }
            check_ballot(find_item(consultation, item)?, ballot)
        }
        ActionKind::Comment { item, body, language, .. } => {
            comments_enabled(consultation)?;
            if let Some(item) = item {
                find_item(consultation, item)?;
            }
            check_comment(body, language)
        }
        ActionKind::Reaction { .. } => comments_enabled(consultation),
        ActionKind::Feedback { item, .. } => match find_item(consultation, item)? {
            Item::Info { .. } => Ok(()),
            _ => Err(Rejection::new(RejectCode::InvalidAction, "useful-marks are for information sections only")),
        },
        ActionKind::Profile { answers } => {
            // Kept with the ballots, under the code's voter, never the device.
            if consultation.eligibility == Eligibility::Codes && !has_code {
                return Err(Rejection::new(RejectCode::CodeRequired, "this consultation needs a participation code"));
            }
            check_profile_answers(consultation, answers)
        }
    }
}

/// A comment's own rules, also used by the app before it accepts the text.
pub fn check_comment(body: &str, language: &str) -> Result<(), Rejection> {
    let refused = |message: String| Err(Rejection::new(RejectCode::InvalidComment, message));
    match check_text(body, COMMENT_MAX_CHARS) {
        Err(TextFault::Blank) => refused("the comment is empty".to_owned()),
        Err(TextFault::TooLong { max }) => refused(format!("the comment is longer than {max} characters")),
        Err(TextFault::ControlCharacter) => {
            refused("the comment holds a control character; only line breaks and tabs may be used".to_owned())
        }
        Ok(()) if !is_language_tag(language) => refused("the comment's language is not a language code".to_owned()),
        Ok(()) => Ok(()),
    }
}

fn comments_enabled(consultation: &Consultation) -> Result<(), Rejection> {
    if consultation.comments {
        Ok(())
    } else {
        Err(Rejection::new(RejectCode::CommentsDisabled, "this consultation does not take comments"))
    }
}

fn find_item<'a>(consultation: &'a Consultation, item: &str) -> Result<&'a Item, Rejection> {
    consultation
        .item(item)
        .ok_or_else(|| Rejection::new(RejectCode::UnknownItem, format!("this consultation has no item \"{item}\"")))
}

/// The server's answer to a sync: one result per action, in order.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncResponse {
    pub results: Vec<ActionResult>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Stored and counted now.
    Accepted,
    /// Stored earlier under the same id; counted once.
    Duplicate,
    /// Not counted, for the reason given.
    Rejected,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionResult {
    pub id: String,
    pub status: ActionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ActionError>,
}

/// The reason an action was rejected, as sent to the device.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionError {
    pub code: RejectCode,
    pub message: String,
}

impl ActionResult {
    pub fn counted(id: Uuid, status: ActionStatus, receipt: String) -> Self {
        ActionResult { id: id.to_string(), status, receipt: Some(receipt), error: None }
    }

    pub fn rejected(id: String, rejection: Rejection) -> Self {
        ActionResult {
            id,
            status: ActionStatus::Rejected,
            receipt: None,
            error: Some(ActionError { code: rejection.code, message: rejection.message }),
        }
    }
}

//! Paper ballots: ballots cast on paper (or by a show of hands at a
//! meeting) and entered by a clerk, for people without a phone.
//!
//! Each paper ballot is a participant of its own, made on the clerk's device
//! (a random id, as a phone makes one), with the participation code printed
//! on the paper for `codes` consultations. Its answers are ballot actions as
//! a phone sends them, checked by the same rules ([`crate::sync::admit`]) and
//! counted alike; they differ only in the channel they are stored with
//! ([`Channel`]), which results and exports report.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::sync::{ActionKind, ActionResult, ActionStatus, RejectCode, Rejection};

/// How a ballot reached the server.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Sent by a citizen's own device.
    #[default]
    Online,
    /// Entered by a clerk from a paper ballot.
    Paper,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Online, Channel::Paper];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Paper => "paper",
        }
    }

    /// Whether an action may come by this channel: a paper ballot holds
    /// ballots only, never comments, reactions or useful-marks.
    pub fn admits(self, kind: &ActionKind) -> Result<(), Rejection> {
        match (self, kind) {
            (Channel::Paper, ActionKind::Ballot { .. }) | (Channel::Online, _) => Ok(()),
            (Channel::Paper, _) => Err(Rejection::new(RejectCode::InvalidAction, "a paper ballot holds ballots only")),
        }
    }
}

/// The most paper ballots one `POST /api/v1/admin/paper-ballots` may carry:
/// a meeting's worth, small enough to send on a weak connection.
pub const MAX_PAPER_BALLOTS_PER_BATCH: usize = 100;

/// `POST /api/v1/admin/paper-ballots`: paper ballots a clerk entered.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaperBatch {
    #[cfg_attr(feature = "schema", schemars(length(max = MAX_PAPER_BALLOTS_PER_BATCH)))]
    pub ballots: Vec<PaperBallot>,
}

/// One paper ballot: the participant the clerk's device made for it, the
/// participation code printed on it (for `codes` consultations) and its
/// answers, each a ballot action as a phone sends it (see `Action`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaperBallot {
    pub participant: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Each one read on its own, as in `SyncRequest`.
    #[cfg_attr(feature = "schema", schemars(length(max = crate::sync::MAX_ACTIONS_PER_BATCH)))]
    pub actions: Vec<serde_json::Value>,
}

/// The answer to a [`PaperBatch`]: one entry per paper ballot, in order.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaperBatchResponse {
    pub ballots: Vec<PaperResult>,
}

/// What became of one paper ballot: the result of each of its answers, and
/// the receipt the clerk writes on the paper.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaperResult {
    pub participant: Uuid,
    /// The receipt of its first counted answer: staff can check it as any
    /// receipt. Absent when no answer was counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    pub results: Vec<ActionResult>,
}

impl PaperResult {
    pub fn new(participant: Uuid, results: Vec<ActionResult>) -> Self {
        let receipt = results.iter().find_map(|result| result.receipt.clone());
        PaperResult { participant, receipt, results }
    }

    /// Whether this sending counted the paper ballot for the first time:
    /// one of its answers was accepted now (not before, as a duplicate).
    pub fn newly_counted(&self) -> bool {
        self.results.iter().any(|result| result.status == ActionStatus::Accepted)
    }

    /// Why the paper ballot was refused: the first refusal among its answers.
    pub fn refusal(&self) -> Option<RejectCode> {
        self.results.iter().find_map(|result| result.error.as_ref().map(|error| error.code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::ActionKind;

    #[test]
    fn a_paper_ballot_holds_ballots_only() {
        let ballot = ActionKind::Ballot {
            item: "q".into(),
            ballot: crate::ballot::Ballot::Choice { choice: "a".into() },
            cast_at: None,
        };
        let feedback = ActionKind::Feedback { item: "q".into(), useful: true };
        assert!(Channel::Paper.admits(&ballot).is_ok());
        assert_eq!(Channel::Paper.admits(&feedback).unwrap_err().code, RejectCode::InvalidAction);
        assert!(Channel::Online.admits(&feedback).is_ok());
        for channel in Channel::ALL {
            assert_eq!(serde_json::to_string(&channel).unwrap(), format!("\"{}\"", channel.as_str()));
        }
    }

    #[test]
    fn a_paper_ballots_receipt_is_its_first_counted_answer() {
        let id = Uuid::nil();
        let refused =
            ActionResult::rejected(id.to_string(), Rejection::new(RejectCode::CodeUsed, "this code was used"));
        let counted = ActionResult::counted(id, ActionStatus::Accepted, "0123456789abcdef".into());
        let again = ActionResult::counted(id, ActionStatus::Duplicate, "fedcba9876543210".into());
        let result = PaperResult::new(id, vec![refused.clone(), counted.clone()]);
        assert_eq!(result.receipt.as_deref(), Some("0123456789abcdef"));
        assert!(result.newly_counted());
        assert_eq!(result.refusal(), Some(RejectCode::CodeUsed));
        let sent_before = PaperResult::new(id, vec![again]);
        assert!(!sent_before.newly_counted());
        assert_eq!(sent_before.refusal(), None);
        let none = PaperResult::new(id, vec![refused]);
        assert_eq!(none.receipt, None);
    }
}

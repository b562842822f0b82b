//! Shapes of the HTTP API's answers, shared so the app reads
//! exactly what the server writes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::count::{self, Candidate, Round};
use crate::definition::{BudgetMethod, Consultation, Item, Level, RankingMethod, Status};
use crate::localized::Localized;
use crate::validate::Problem;

/// `GET /api/v1/consultations`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsultationList {
    pub consultations: Vec<ConsultationSummary>,
}

/// What the home screen needs of a consultation, without its items.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsultationSummary {
    pub id: String,
    pub level: Level,
    pub status: Status,
    pub default_language: String,
    pub title: Localized,
    pub summary: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Localized>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateTime"))]
    pub opens_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateTime"))]
    pub closes_at: OffsetDateTime,
}

impl ConsultationSummary {
    pub fn of(consultation: &Consultation, now: OffsetDateTime) -> Self {
        ConsultationSummary {
            id: consultation.id.clone(),
            level: consultation.level,
            status: consultation.status_at(now),
            default_language: consultation.default_language.clone(),
            title: consultation.title.clone(),
            summary: consultation.summary.clone(),
            organization: consultation.organization.clone(),
            topics: consultation.topics.clone(),
            region: consultation.region.clone(),
            opens_at: consultation.opens_at,
            closes_at: consultation.closes_at,
        }
    }
}

impl ConsultationList {
    /// The consultations of one level, open ones first, then upcoming, then
    /// closed; within each, the soonest deadline first.
    pub fn of_level(&self, level: Level) -> Vec<&ConsultationSummary> {
        let mut of_level: Vec<_> = self.consultations.iter().filter(|c| c.level == level).collect();
        of_level.sort_by_key(|c| (status_rank(c.status), c.closes_at, c.id.clone()));
        of_level
    }
}

fn status_rank(status: Status) -> u8 {
    match status {
        Status::Open => 0,
        Status::Upcoming => 1,
        Status::Closed => 2,
        Status::Archived => 3,
    }
}

/// `GET /api/v1/consultations/{id}/results`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultsResponse {
    pub consultation: String,
    pub participants: u64,
    pub items: Vec<ItemResult>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    pub id: String,
    #[serde(rename = "type")]
    pub item_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ballots: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<BTreeMap<String, u64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub useful: Option<Useful>,
    /// Rankings and budgets: the counting method the item declares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Instant-runoff: every round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<Vec<Round>>,
    /// Borda: the points of every option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scores: Option<BTreeMap<String, u64>>,
    /// Rankings: the winning option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub winner: Option<String>,
    /// Budgets: the funded projects in the order they were funded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<Vec<String>>,
    /// Budgets: the money the selected projects cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spent: Option<u64>,
    /// Equal shares: the budget per voter the count used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_per_voter: Option<f64>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Useful {
    pub yes: u64,
    pub no: u64,
}

impl ItemResult {
    /// Builds an item's result from its stored counters: `ballots` ballots,
    /// and `counters` as moved by [`crate::ballot::tally_keys`] (or, for info
    /// items, by [`crate::ballot::useful_key`]).
    pub fn from_counters(item: &Item, ballots: u64, counters: &BTreeMap<String, u64>) -> Self {
        let mut result = ItemResult {
            id: item.id().to_owned(),
            item_type: item.type_name().to_owned(),
            ballots: Some(ballots),
            ..ItemResult::default()
        };
        let zeroed = |keys: Vec<String>| -> BTreeMap<String, u64> {
            keys.into_iter()
                .map(|key| {
                    let count = counters.get(&key).copied().unwrap_or(0);
                    (key, count)
                })
                .collect()
        };
        match item {
            Item::Info { .. } => {
                result.ballots = None;
                let count = |key: &str| counters.get(key).copied().unwrap_or(0);
                result.useful = Some(Useful { yes: count("yes"), no: count("no") });
            }
            Item::SingleChoice { options, .. }
            | Item::MultipleChoice { options, .. }
            | Item::Ranking { options, .. } => {
                result.counts = Some(zeroed(options.iter().map(|o| o.id.clone()).collect()));
            }
            Item::Budget { projects, .. } => {
                result.counts = Some(zeroed(projects.iter().map(|p| p.id.clone()).collect()));
            }
            Item::YesNo { .. } => {
                result.counts = Some(zeroed(vec!["yes".into(), "no".into(), "abstain".into()]));
            }
            Item::Scale { min, max, .. } => {
                let counts = zeroed((*min..=*max).map(|v| v.to_string()).collect());
                let distribution: Vec<(i64, u64)> =
                    (*min..=*max).map(|v| (i64::from(v), counts.get(&v.to_string()).copied().unwrap_or(0))).collect();
                result.mean = mean(&distribution);
                result.median = median(&distribution);
                result.counts = Some(counts);
            }
            Item::Text { .. } => {}
        }
        result
    }

    /// Whether [`ItemResult::count_profile`] needs this item's ballots: the
    /// methods of rankings and budgets read every ballot, not counters.
    pub fn needs_ballots(item: &Item) -> bool {
        matches!(item, Item::Ranking { .. } | Item::Budget { .. })
    }

    /// Adds the outcome of a ranking's or budget's declared counting method,
    /// counted from the item's profile: each distinct ballot as
    /// [`count::counted_as`] writes it, with how many voters cast it.
    pub fn count_profile(&mut self, item: &Item, profile: &[(Vec<String>, u64)]) {
        match item {
            Item::Ranking { options, method, .. } => {
                let candidates: Vec<String> = options.iter().map(|o| o.id.clone()).collect();
                self.method = Some(method.as_str().to_owned());
                match method {
                    RankingMethod::InstantRunoff => {
                        let counted = count::instant_runoff_of(&candidates, profile);
                        self.rounds = Some(counted.rounds);
                        self.winner = counted.winner;
                    }
                    RankingMethod::Borda => {
                        let counted = count::borda_of(&candidates, profile);
                        self.scores = Some(counted.scores);
                        self.winner = counted.winner;
                    }
                }
            }
            Item::Budget { projects, method, completion_step, total, .. } => {
                let candidates: Vec<Candidate> =
                    projects.iter().map(|p| Candidate { id: p.id.clone(), cost: p.cost }).collect();
                let counted = match method {
                    BudgetMethod::Greedy => count::greedy_of(&candidates, *total, profile),
                    BudgetMethod::EqualShares => {
                        count::equal_shares_of(&candidates, *total, profile, completion_step.unwrap_or_default())
                    }
                };
                self.method = Some(method.as_str().to_owned());
                self.selected = Some(counted.selected);
                self.spent = Some(counted.spent);
                self.share_per_voter = counted.share_per_voter;
            }
            _ => {}
        }
    }
}

/// The mean of a distribution given as (value, count) pairs, rounded to two
/// decimals; `None` when it is empty.
fn mean(distribution: &[(i64, u64)]) -> Option<f64> {
    let total: u64 = distribution.iter().map(|(_, count)| count).sum();
    if total == 0 {
        return None;
    }
    let sum: f64 = distribution.iter().map(|(value, count)| *value as f64 * *count as f64).sum();
    Some((sum / total as f64 * 100.0).round() / 100.0)
}

/// The median of a sorted distribution: the middle value, or the mean of the
/// two middle values when the count is even.
fn median(distribution: &[(i64, u64)]) -> Option<f64> {
    let total: u64 = distribution.iter().map(|(_, count)| count).sum();
    if total == 0 {
        return None;
    }
    let value_at = |rank: u64| {
        let mut seen = 0;
        for (value, count) in distribution {
            seen += count;
            if seen > rank {
                return *value as f64;
            }
        }
        unreachable!("rank is below the total")
    };
    let middle = value_at(total / 2);
    Some(if total.is_multiple_of(2) { (value_at(total / 2 - 1) + middle) / 2.0 } else { middle })
}

/// One public comment.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Uuid>,
    pub body: String,
    pub language: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateTime"))]
    pub created_at: OffsetDateTime,
    pub agree: u64,
    pub disagree: u64,
    /// How many visible replies it has (a reply has none: one level only).
    #[serde(default)]
    pub replies: u64,
}

/// `GET /api/v1/consultations/{id}/comments`: newest first. `next` is the
/// cursor to pass as `?before=` for the following page, absent on the last.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentsPage {
    pub comments: Vec<Comment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Every API error: `{"error": {"code": "…", "message": "…"}}`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: ErrorBody,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    /// Every problem of a definition refused as `invalid_definition` or
    /// `definition_locked`, each at its JSON path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_an_odd_and_an_even_count() {
        assert_eq!(median(&[(1, 1), (2, 1), (3, 1)]), Some(2.0));
        assert_eq!(median(&[(1, 1), (2, 0), (3, 1)]), Some(2.0));
        assert_eq!(median(&[(1, 2), (4, 2)]), Some(2.5));
        assert_eq!(median(&[(1, 0)]), None);
    }

    #[test]
    fn mean_is_rounded_to_two_decimals() {
        assert_eq!(mean(&[(1, 1), (2, 1), (4, 1)]), Some(2.33));
    }
}

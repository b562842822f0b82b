//! Ballots: their shapes by item type, the rules a ballot must
//! meet, and which tally counters a ballot moves.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::bounds::{check_text, TextFault};
use crate::definition::{selection_bounds, Item};
use crate::sync::{RejectCode, Rejection};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    Abstain,
}

impl Answer {
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::Abstain => "abstain",
        }
    }
}

/// A citizen's answer to one item. The JSON shape tells the variant apart:
/// `{"choice": "id"}`, `{"choices": […]}`, `{"answer": "yes"}`, `{"value": 4}`,
/// `{"ranking": […]}`, `{"projects": […]}`, `{"text": "…"}`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Ballot {
    Choice { choice: String },
    Choices { choices: Vec<String> },
    Answer { answer: Answer },
    Value { value: i64 },
    Ranking { ranking: Vec<String> },
    Projects { projects: Vec<String> },
    Text { text: String },
}

/// The longest text answer accepted when an item sets no `max_length`.
pub const DEFAULT_TEXT_MAX_CHARS: u32 = 5000;

/// Checks that `ballot` is a valid answer to `item`.
pub fn check_ballot(item: &Item, ballot: &Ballot) -> Result<(), Rejection> {
    match (item, ballot) {
        (Item::SingleChoice { options, .. }, Ballot::Choice { choice }) => {
            known_option(options.iter().map(|o| o.id.as_str()), choice)
        }
        (Item::MultipleChoice { options, min, max, .. }, Ballot::Choices { choices }) => {
            at_most_all(choices, options.len())?;
            no_repeats(choices)?;
            for choice in choices {
                known_option(options.iter().map(|o| o.id.as_str()), choice)?;
            }
            let count = choices.len();
            let (min, max) = selection_bounds(*min, *max, options.len());
            if count < min || count > max {
                return Err(Rejection::new(
                    RejectCode::InvalidBallot,
                    format!("choose between {min} and {max} options; {count} were chosen"),
                ));
            }
            Ok(())
        }
        (Item::YesNo { .. }, Ballot::Answer { .. }) => Ok(()),
        (Item::Scale { min, max, .. }, Ballot::Value { value }) => {
            if (i64::from(*min)..=i64::from(*max)).contains(value) {
                Ok(())
            } else {
                Err(Rejection::new(
                    RejectCode::InvalidBallot,
                    format!("the value {value} is outside the scale {min} to {max}"),
                ))
            }
        }
        (Item::Ranking { options, .. }, Ballot::Ranking { ranking }) => {
            if ranking.is_empty() {
                return Err(Rejection::new(RejectCode::InvalidBallot, "a ranking needs at least one option"));
            }
            at_most_all(ranking, options.len())?;
            no_repeats(ranking)?;
            for choice in ranking {
                known_option(options.iter().map(|o| o.id.as_str()), choice)?;
            }
            Ok(())
        }
        (Item::Budget { projects, total, .. }, Ballot::Projects { projects: chosen }) => {
            at_most_all(chosen, projects.len())?;
            no_repeats(chosen)?;
            // Checked: a sum past u64 is over any budget, never wrapped to fit.
            let mut cost = Some(0u64);
            for id in chosen {
                known_option(projects.iter().map(|p| p.id.as_str()), id)?;
                let project_cost = projects.iter().find(|p| &p.id == id).map_or(0, |p| p.cost);
                cost = cost.and_then(|cost| cost.checked_add(project_cost));
            }
            match cost {
                Some(cost) if cost <= *total => Ok(()),
                Some(cost) => Err(Rejection::new(
                    RejectCode::InvalidBallot,
                    format!("the chosen projects cost {cost}, more than the budget of {total}"),
                )),
                None => Err(Rejection::new(
                    RejectCode::InvalidBallot,
                    format!("the chosen projects cost more than the budget of {total}"),
                )),
            }
        }
        (Item::Text { max_length, .. }, Ballot::Text { text }) => {
            let limit = usize::try_from(max_length.unwrap_or(DEFAULT_TEXT_MAX_CHARS)).unwrap_or(usize::MAX);
            check_text(text, limit).map_err(|fault| {
                let message = match fault {
                    TextFault::Blank => "the answer is empty".to_owned(),
                    TextFault::TooLong { max } => format!("the answer is longer than {max} characters"),
                    TextFault::ControlCharacter => {
                        "the answer holds a control character; only line breaks and tabs may be used".to_owned()
                    }
                };
                Rejection::new(RejectCode::InvalidBallot, message)
            })
        }
        (Item::Info { .. }, _) => {
            Err(Rejection::new(RejectCode::InvalidBallot, "an information section takes useful-marks, not ballots"))
        }
        (item, _) => Err(Rejection::new(
            RejectCode::InvalidBallot,
            format!("this is not the shape of a ballot for a {} item", item.type_name()),
        )),
    }
}

/// Refuses a list longer than the options it picks from before reading
/// it: such a list must repeat or invent an option.
fn at_most_all(chosen: &[String], options: usize) -> Result<(), Rejection> {
    if chosen.len() > options {
        Err(Rejection::new(
            RejectCode::InvalidBallot,
            format!("{} options are chosen, but this item has only {options}", chosen.len()),
        ))
    } else {
        Ok(())
    }
}

fn known_option<'a>(mut ids: impl Iterator<Item = &'a str>, id: &str) -> Result<(), Rejection> {
    if ids.any(|known| known == id) {
        Ok(())
    } else {
        Err(Rejection::new(RejectCode::UnknownOption, format!("\"{id}\" is not an option of this item")))
    }
}

fn no_repeats(ids: &[String]) -> Result<(), Rejection> {
    let mut seen = HashSet::new();
    match ids.iter().find(|id| !seen.insert(id.as_str())) {
        Some(id) => Err(Rejection::new(RejectCode::InvalidBallot, format!("\"{id}\" is chosen more than once"))),
        None => Ok(()),
    }
}

/// The tally counters a valid ballot adds one to: the option for a single
/// choice, each approval for a multiple choice or budget, the answer for yes/no,
/// the value for a scale, the first preference for a ranking, none for text.
pub fn tally_keys(ballot: &Ballot) -> Vec<String> {
    match ballot {
        Ballot::Choice { choice } => vec![choice.clone()],
        Ballot::Choices { choices } => choices.clone(),
        Ballot::Projects { projects } => projects.clone(),
        Ballot::Answer { answer } => vec![answer.as_str().to_owned()],
        Ballot::Value { value } => vec![value.to_string()],
        Ballot::Ranking { ranking } => ranking.first().cloned().into_iter().collect(),
        Ballot::Text { .. } => Vec::new(),
    }
}

/// The tally counter a useful-mark on an info item adds one to.
pub fn useful_key(useful: bool) -> &'static str {
    if useful {
        "yes"
    } else {
        "no"
    }
}

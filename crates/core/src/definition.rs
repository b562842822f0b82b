//! The consultation definition a publisher writes as a JSON file (DESIGN §4).
//!
//! Unknown fields are refused so that a typo in a definition cannot pass
//! silently; [`crate::validate::parse_definition`] reports them with their path.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::localized::Localized;

/// The UN e-participation level a consultation belongs to.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Inform,
    Consult,
    Decide,
}

impl Level {
    /// The order the app lists the levels in.
    pub const ALL: [Level; 3] = [Level::Inform, Level::Consult, Level::Decide];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Inform => "inform",
            Level::Consult => "consult",
            Level::Decide => "decide",
        }
    }
}

/// Where a consultation stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Upcoming,
    Open,
    Closed,
    Archived,
}

/// Who may take part.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Eligibility {
    /// One ballot set per participant (device); for inform and consult.
    Open,
    /// One-time participation codes issued by staff; for decide.
    Codes,
}

/// Who sees the tallies, and when.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultsVisibility {
    Live,
    AfterClose,
    StaffOnly,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consultation {
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG_PATTERN), length(min = 1, max = 64)))]
    pub id: String,
    pub level: Level,
    pub default_language: String,
    pub title: Localized,
    pub summary: Localized,
    pub body: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Localized>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateTime"))]
    pub opens_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateTime"))]
    pub closes_at: OffsetDateTime,
    #[serde(default)]
    pub archived: bool,
    pub eligibility: Eligibility,
    pub results: ResultsVisibility,
    #[serde(default)]
    pub comments: bool,
    /// Hours after `closes_at` during which a ballot cast (by the device's
    /// clock) before the close is still counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_grace_hours: Option<u32>,
    pub items: Vec<Item>,
    #[serde(default)]
    pub outcome: Option<Localized>,
}

impl Consultation {
    pub fn status_at(&self, now: OffsetDateTime) -> Status {
        if self.archived {
            Status::Archived
        } else if now < self.opens_at {
            Status::Upcoming
        } else if now < self.closes_at {
            Status::Open
        } else {
            Status::Closed
        }
    }

    /// Whether the public may see tallies now (staff always may).
    pub fn results_are_public(&self, now: OffsetDateTime) -> bool {
        match self.results {
            ResultsVisibility::Live => true,
            ResultsVisibility::AfterClose => {
                matches!(self.status_at(now), Status::Closed | Status::Archived)
            }
            ResultsVisibility::StaffOnly => false,
        }
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|item| item.id() == id)
    }

    /// The text in `language`, falling back to the definition's default.
    pub fn text<'a>(&'a self, text: &'a Localized, language: &str) -> &'a str {
        text.get(language, &self.default_language)
    }
}

/// One option of a choice or ranking item.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG_PATTERN), length(min = 1, max = 64)))]
    pub id: String,
    pub label: Localized,
}

/// One project of a participatory budget.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG_PATTERN), length(min = 1, max = 64)))]
    pub id: String,
    pub cost: u64,
    pub label: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Localized>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankingMethod {
    InstantRunoff,
    Borda,
}

impl RankingMethod {
    /// The name as written in definitions and results.
    pub fn as_str(self) -> &'static str {
        match self {
            RankingMethod::InstantRunoff => "instant_runoff",
            RankingMethod::Borda => "borda",
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetMethod {
    Greedy,
    EqualShares,
}

impl BudgetMethod {
    /// The name as written in definitions and results.
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetMethod::Greedy => "greedy",
            BudgetMethod::EqualShares => "equal_shares",
        }
    }
}

/// An item of a consultation, by type. Every variant has an `id` and a
/// `title`; the accessors below read them without matching.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Item {
    Info {
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG_PATTERN), length(min = 1, max = 64)))]
        id: String,
        title: Localized,
        body: Localized,
    },
    SingleChoice {
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG_PATTERN), length(min = 1, max = 64)))]
        id: String,
        title: Localized,
        options: Vec<Choice>,
    },
    MultipleChoice {
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG_PATTERN), length(min = 1, max = 64)))]
        id: String,
        title: Localized,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u32>,
        options: Vec<Choice>,
    },
    YesNo {
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG_PATTERN), length(min = 1, max = 64)))]
        id: String,
        title: Localized,
    },
    Scale {
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG_PATTERN), length(min = 1, max = 64)))]
        id: String,
        title: Localized,
        min: i32,
        max: i32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_label: Option<Localized>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_label: Option<Localized>,
    },
    Ranking {
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG_PATTERN), length(min = 1, max = 64)))]
        id: String,
        title: Localized,
        method: RankingMethod,
        options: Vec<Choice>,
    },
    Budget {
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG_PATTERN), length(min = 1, max = 64)))]
        id: String,
        title: Localized,
        method: BudgetMethod,
        total: u64,
        currency: String,
        projects: Vec<Project>,
    },
    Text {
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG_PATTERN), length(min = 1, max = 64)))]
        id: String,
        title: Localized,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
}

impl Item {
    pub fn id(&self) -> &str {
        match self {
            Item::Info { id, .. }
            | Item::SingleChoice { id, .. }
            | Item::MultipleChoice { id, .. }
            | Item::YesNo { id, .. }
            | Item::Scale { id, .. }
            | Item::Ranking { id, .. }
            | Item::Budget { id, .. }
            | Item::Text { id, .. } => id,
        }
    }

    pub fn title(&self) -> &Localized {
        match self {
            Item::Info { title, .. }
            | Item::SingleChoice { title, .. }
            | Item::MultipleChoice { title, .. }
            | Item::YesNo { title, .. }
            | Item::Scale { title, .. }
            | Item::Ranking { title, .. }
            | Item::Budget { title, .. }
            | Item::Text { title, .. } => title,
        }
    }

    /// The `type` tag as written in definitions and results.
    pub fn type_name(&self) -> &'static str {
        match self {
            Item::Info { .. } => "info",
            Item::SingleChoice { .. } => "single_choice",
            Item::MultipleChoice { .. } => "multiple_choice",
            Item::YesNo { .. } => "yes_no",
            Item::Scale { .. } => "scale",
            Item::Ranking { .. } => "ranking",
            Item::Budget { .. } => "budget",
            Item::Text { .. } => "text",
        }
    }

    /// The options of a choice or ranking item; empty for other types.
    pub fn options(&self) -> &[Choice] {
        match self {
            Item::SingleChoice { options, .. }
            | Item::MultipleChoice { options, .. }
            | Item::Ranking { options, .. } => options,
            _ => &[],
        }
    }

    /// How many options a multiple choice ballot picks, `(min, max)`: by
    /// default at least one and at most all. `None` for other item types.
    /// [`crate::ballot::check_ballot`] enforces it; the app shows it.
    pub fn selection_bounds(&self) -> Option<(u32, u32)> {
        match self {
            Item::MultipleChoice { options, min, max, .. } => {
                Some((min.unwrap_or(1), max.unwrap_or(options.len() as u32)))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn multiple_choice(min: Option<u32>, max: Option<u32>) -> Item {
        let option = |id: &str| Choice { id: id.to_owned(), label: Localized::default() };
        Item::MultipleChoice {
            id: "q".to_owned(),
            title: Localized::default(),
            min,
            max,
            options: vec![option("a"), option("b"), option("c")],
        }
    }

    #[test]
    fn selection_bounds_default_to_one_and_all_options() {
        assert_eq!(multiple_choice(None, None).selection_bounds(), Some((1, 3)));
        assert_eq!(multiple_choice(Some(2), Some(2)).selection_bounds(), Some((2, 2)));
        let yes_no = Item::YesNo { id: "q".to_owned(), title: Localized::default() };
        assert_eq!(yes_no.selection_bounds(), None);
    }

    #[test]
    fn method_names_are_their_serialized_names() {
        for method in [RankingMethod::InstantRunoff, RankingMethod::Borda] {
            assert_eq!(serde_json::to_value(method).unwrap(), method.as_str());
        }
        for method in [BudgetMethod::Greedy, BudgetMethod::EqualShares] {
            assert_eq!(serde_json::to_value(method).unwrap(), method.as_str());
        }
    }
}

//! The consultation definition a publisher writes as a JSON file.
//!
//! Unknown fields are refused so that a typo in a definition cannot pass
//! silently; [`crate::validate::parse_definition`] reports them with their path.

use std::fmt;

use serde::de::{self, value::StringDeserializer, DeserializeSeed, Deserializer, MapAccess, Unexpected, Visitor};
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Upcoming,
    Open,
    Closed,
    Archived,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Upcoming, Status::Open, Status::Closed, Status::Archived];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Upcoming => "upcoming",
            Status::Open => "open",
            Status::Closed => "closed",
            Status::Archived => "archived",
        }
    }
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

/// Why the public may not see a consultation's tallies now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultsWithheld {
    /// `staff_only`: never.
    StaffOnly,
    /// `after_close`: from the close, at this time.
    UntilClose(OffsetDateTime),
}

/// The licence of a consultation's open data: an SPDX licence id such as
/// `CC-BY-4.0` (the default) or `CC0-1.0`, or a `LicenseRef-` of the
/// publisher's own. Only its form is checked, as SPDX writes ids: letters and
/// digits in parts joined by `.` or `-`, perhaps ending in `+`, at most
/// [`Licence::MAX_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Licence(String);

impl Licence {
    pub const DEFAULT: &'static str = "CC-BY-4.0";
    pub const MAX_CHARS: usize = 64;

    /// The licence `id`, if it is written as an SPDX id.
    pub fn new(id: &str) -> Option<Licence> {
        let parts = id.strip_suffix('+').unwrap_or(id);
        let well_formed = id.len() <= Licence::MAX_CHARS
            && parts.split(['.', '-']).all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()));
        well_formed.then(|| Licence(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_default(&self) -> bool {
        self.0 == Licence::DEFAULT
    }

    /// The licence's page on spdx.org, where a reader or an open-data portal
    /// finds its text; `None` for a licence of the publisher's own.
    pub fn url(&self) -> Option<String> {
        (!self.0.starts_with("LicenseRef-")).then(|| format!("https://spdx.org/licenses/{}.html", self.0))
    }
}

impl Default for Licence {
    fn default() -> Self {
        Licence(Licence::DEFAULT.to_owned())
    }
}

impl<'de> Deserialize<'de> for Licence {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        Licence::new(&id).ok_or_else(|| {
            de::Error::invalid_value(
                Unexpected::Str(&id),
                &"an SPDX licence id of at most 64 characters, such as \"CC-BY-4.0\" or \"CC0-1.0\"",
            )
        })
    }
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
    #[cfg_attr(feature = "schema", schemars(length(max = crate::bounds::MAX_TOPICS)))]
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
    /// The licence of the consultation's open data (its public tallies).
    /// Left out of the JSON when it is the default, so that definitions
    /// written before it read back, and are answered, as they were.
    #[serde(default, skip_serializing_if = "Licence::is_default")]
    pub licence: Licence,
    /// Where participants get a participation code (`codes` eligibility),
    /// as the consultation's poster says it: "at the ward office, Monday to
    /// Friday".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codes_from: Option<Localized>,
    #[serde(default)]
    pub comments: bool,
    /// Hours after `closes_at` during which a ballot cast (by the device's
    /// clock) before the close is still counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(range(max = crate::bounds::MAX_OFFLINE_GRACE_HOURS)))]
    pub offline_grace_hours: Option<u32>,
    #[cfg_attr(feature = "schema", schemars(length(max = crate::bounds::MAX_ITEMS)))]
    pub items: Vec<Item>,
    #[serde(default)]
    pub outcome: Option<Localized>,
    /// Optional "about you" questions, each answered (or skipped) once per
    /// participant, so that staff can see who took part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(length(max = crate::bounds::MAX_PROFILE_QUESTIONS)))]
    pub profile: Vec<ProfileQuestion>,
    /// Breakdowns by profile group show any count below this as "fewer
    /// than" it, never the number.
    #[serde(default = "default_small_group_threshold", skip_serializing_if = "is_default_small_group_threshold")]
    #[cfg_attr(
        feature = "schema",
        schemars(range(min = crate::bounds::MIN_SMALL_GROUP_THRESHOLD, max = crate::bounds::MAX_SMALL_GROUP_THRESHOLD))
    )]
    pub small_group_threshold: u32,
}

/// The threshold below which breakdowns show no number, unless the
/// definition sets its own.
pub const DEFAULT_SMALL_GROUP_THRESHOLD: u32 = 10;

fn default_small_group_threshold() -> u32 {
    DEFAULT_SMALL_GROUP_THRESHOLD
}

fn is_default_small_group_threshold(threshold: &u32) -> bool {
    *threshold == DEFAULT_SMALL_GROUP_THRESHOLD
}

/// An "about you" question: single choice, and always answerable with
/// [`PREFER_NOT_TO_SAY`], which the definition does not list.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileQuestion {
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG_PATTERN), length(min = 1, max = 64)))]
    pub id: String,
    pub title: Localized,
    #[cfg_attr(feature = "schema", schemars(length(min = 2, max = crate::bounds::MAX_OPTIONS)))]
    pub options: Vec<ProfileOption>,
}

/// One answer to a profile question, with the share of the population it
/// is expected to have (from a census): the shares of a question's
/// options add up to 1.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileOption {
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG_PATTERN), length(min = 1, max = 64)))]
    pub id: String,
    pub label: Localized,
    #[cfg_attr(feature = "schema", schemars(range(min = 0.0, max = 1.0)))]
    pub expected_share: f64,
}

/// The answer every profile question offers besides its options; no option
/// may take its id.
pub const PREFER_NOT_TO_SAY: &str = "prefer-not-to-say";
/// The group, in breakdowns, of participants who gave no answer at all to a
/// profile question; no option may take its id either.
pub const NO_ANSWER: &str = "no-answer";
/// Ids a profile option may not have.
pub const RESERVED_PROFILE_OPTION_IDS: [&str; 2] = [PREFER_NOT_TO_SAY, NO_ANSWER];
/// How far the expected shares of a question's options may add up away
/// from 1, for census figures rounded to a few decimals.
pub const SHARES_SUM_TOLERANCE: f64 = 0.01;

impl ProfileQuestion {
    /// Whether `answer` is one this question takes: one of its options, or
    /// [`PREFER_NOT_TO_SAY`].
    pub fn takes(&self, answer: &str) -> bool {
        answer == PREFER_NOT_TO_SAY || self.options.iter().any(|option| option.id == answer)
    }
}

impl Consultation {
    pub fn profile_question(&self, id: &str) -> Option<&ProfileQuestion> {
        self.profile.iter().find(|question| question.id == id)
    }

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
        self.results_withheld(now).is_none()
    }

    /// Why the public may not see the tallies now; `None` when it may.
    pub fn results_withheld(&self, now: OffsetDateTime) -> Option<ResultsWithheld> {
        match self.results {
            ResultsVisibility::Live => None,
            ResultsVisibility::AfterClose => match self.status_at(now) {
                Status::Closed | Status::Archived => None,
                Status::Upcoming | Status::Open => Some(ResultsWithheld::UntilClose(self.closes_at)),
            },
            ResultsVisibility::StaffOnly => Some(ResultsWithheld::StaffOnly),
        }
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|item| item.id() == id)
    }

    /// The text in `language`, falling back to the definition's default.
    pub fn text<'a>(&'a self, text: &'a Localized, language: &str) -> &'a str {
        text.get(language, &self.default_language)
    }

    /// Every text a publisher writes in the consultation's languages, with
    /// its JSON path, in the order of the file.
    pub fn localized_texts(&self) -> Vec<(String, &Localized)> {
        let mut texts = vec![("title".to_owned(), &self.title), ("summary".to_owned(), &self.summary)];
        texts.push(("body".to_owned(), &self.body));
        texts.extend(self.organization.iter().map(|text| ("organization".to_owned(), text)));
        texts.extend(self.codes_from.iter().map(|text| ("codes_from".to_owned(), text)));
        texts.extend(self.outcome.iter().map(|text| ("outcome".to_owned(), text)));
        for (index, question) in self.profile.iter().enumerate() {
            texts.push((format!("profile[{index}].title"), &question.title));
            for (option_index, option) in question.options.iter().enumerate() {
                texts.push((format!("profile[{index}].options[{option_index}].label"), &option.label));
            }
        }
        for (index, item) in self.items.iter().enumerate() {
            let path = format!("items[{index}]");
            texts.push((format!("{path}.title"), item.title()));
            match item {
                Item::Info { body, .. } => texts.push((format!("{path}.body"), body)),
                Item::SingleChoice { options, .. }
                | Item::MultipleChoice { options, .. }
                | Item::Ranking { options, .. } => {
                    for (index, option) in options.iter().enumerate() {
                        texts.push((format!("{path}.options[{index}].label"), &option.label));
                    }
                }
                Item::Scale { min_label, max_label, .. } => {
                    texts.extend(min_label.iter().map(|text| (format!("{path}.min_label"), text)));
                    texts.extend(max_label.iter().map(|text| (format!("{path}.max_label"), text)));
                }
                Item::Budget { projects, .. } => {
                    for (index, project) in projects.iter().enumerate() {
                        let project_path = format!("{path}.projects[{index}]");
                        texts.push((format!("{project_path}.label"), &project.label));
                        if let Some(description) = &project.description {
                            texts.push((format!("{project_path}.description"), description));
                        }
                    }
                }
                Item::YesNo { .. } | Item::Text { .. } => {}
            }
        }
        texts
    }

    /// The languages the consultation is written in, wholly or in part: its
    /// default language first, then the others by tag.
    pub fn languages(&self) -> Vec<&str> {
        let mut others: Vec<&str> = self
            .localized_texts()
            .into_iter()
            .flat_map(|(_, text)| text.languages())
            .filter(|language| *language != self.default_language)
            .collect();
        others.sort_unstable();
        others.dedup();
        std::iter::once(self.default_language.as_str()).chain(others).collect()
    }

    /// Whether any text lacks `language` (and shows in the default instead).
    pub fn partly_in(&self, language: &str) -> bool {
        self.localized_texts().iter().any(|(_, text)| !text.has(language))
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
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = crate::bounds::MAX_BUDGET_TOTAL)))]
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

/// How completion raises every voter's budget between two runs of the
/// Method of Equal Shares (see `count::equal_shares_with`). The two steps give
/// other outcomes in some elections.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompletionStep {
    /// 1% of the equal share each time, whatever the currency: the default.
    #[default]
    SharePercent,
    /// One unit of the budget's currency each time, as the method's
    /// authors compute it; slow where a share is many thousand units.
    CurrencyUnit,
}

/// An item of a consultation, by type. Every variant has an `id` and a
/// `title`; the accessors below read them without matching. It is read by
/// hand ([`ItemVisitor`]) and written by the derive.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
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
        /// Equal shares only: how completion raises budgets; 1% of the
        /// share when left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        completion_step: Option<CompletionStep>,
        #[cfg_attr(feature = "schema", schemars(range(min = 1, max = crate::bounds::MAX_BUDGET_TOTAL)))]
        total: u64,
        currency: String,
        #[cfg_attr(feature = "schema", schemars(length(min = 1, max = crate::bounds::MAX_OPTIONS)))]
        projects: Vec<Project>,
    },
    Text {
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG_PATTERN), length(min = 1, max = 64)))]
        id: String,
        title: Localized,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schema", schemars(range(min = 1, max = crate::bounds::MAX_TEXT_ANSWER_CHARS)))]
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
    pub fn selection_bounds(&self) -> Option<(usize, usize)> {
        match self {
            Item::MultipleChoice { options, min, max, .. } => Some(selection_bounds(*min, *max, options.len())),
            _ => None,
        }
    }
}

/// A multiple choice's `(min, max)` selections: by default at least one and
/// at most all of its `options`.
pub(crate) fn selection_bounds(min: Option<u32>, max: Option<u32>, options: usize) -> (usize, usize) {
    // A u32 always fits a usize on the platforms Baraza runs on (32 and 64 bits).
    let count = |bound: u32| usize::try_from(bound).unwrap_or(usize::MAX);
    (min.map_or(1, count), max.map_or(options, count))
}

/// The `type` tag of an item.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ItemType {
    Info,
    SingleChoice,
    MultipleChoice,
    YesNo,
    Scale,
    Ranking,
    Budget,
    Text,
}

/// The fields of every item type, besides `type`.
const ITEM_FIELDS: &[&str] = &[
    "id",
    "title",
    "body",
    "options",
    "min",
    "max",
    "min_label",
    "max_label",
    "method",
    "completion_step",
    "total",
    "currency",
    "projects",
    "max_length",
];

impl ItemType {
    /// The fields an item of this type may have, besides `type`.
    fn fields(self) -> &'static [&'static str] {
        match self {
            ItemType::Info => &["id", "title", "body"],
            ItemType::SingleChoice => &["id", "title", "options"],
            ItemType::MultipleChoice => &["id", "title", "min", "max", "options"],
            ItemType::YesNo => &["id", "title"],
            ItemType::Scale => &["id", "title", "min", "max", "min_label", "max_label"],
            ItemType::Ranking => &["id", "title", "method", "options"],
            ItemType::Budget => &["id", "title", "method", "completion_step", "total", "currency", "projects"],
            ItemType::Text => &["id", "title", "max_length"],
        }
    }
}

/// Every field any item type has, as read before the type is known: the
/// `type` may come last in the object.
#[derive(Default)]
struct ItemFields {
    kind: Option<ItemType>,
    id: Option<String>,
    title: Option<Localized>,
    body: Option<Localized>,
    options: Option<Vec<Choice>>,
    min: Option<i64>,
    max: Option<i64>,
    min_label: Option<Localized>,
    max_label: Option<Localized>,
    method: Option<String>,
    completion_step: Option<CompletionStep>,
    total: Option<u64>,
    currency: Option<String>,
    projects: Option<Vec<Project>>,
    max_length: Option<u32>,
}

impl ItemFields {
    /// The first field read before the `type` that this type does not have.
    fn foreign_field(&self, kind: ItemType) -> Option<&'static str> {
        let present = [
            ("body", self.body.is_some()),
            ("options", self.options.is_some()),
            ("min", self.min.is_some()),
            ("max", self.max.is_some()),
            ("min_label", self.min_label.is_some()),
            ("max_label", self.max_label.is_some()),
            ("method", self.method.is_some()),
            ("completion_step", self.completion_step.is_some()),
            ("total", self.total.is_some()),
            ("currency", self.currency.is_some()),
            ("projects", self.projects.is_some()),
            ("max_length", self.max_length.is_some()),
        ];
        present
            .into_iter()
            .find(|(name, is_present)| *is_present && !kind.fields().contains(name))
            .map(|(name, _)| name)
    }
}

/// Refuses a field from inside its value, so that `serde_path_to_error`
/// puts the field's name in the error's path.
struct UnknownField<'a> {
    name: &'a str,
    expected: &'static [&'static str],
}

impl<'de> DeserializeSeed<'de> for UnknownField<'_> {
    type Value = std::convert::Infallible;

    fn deserialize<D: Deserializer<'de>>(self, _: D) -> Result<Self::Value, D::Error> {
        Err(de::Error::unknown_field(self.name, self.expected))
    }
}

/// Reads an item in one pass over its fields, straight from the JSON.
///
/// The derive for an internally tagged enum first copies each item into a
/// generic buffer and reads every field type again from there: that copy was
/// the largest single piece of code in the citizen app (12 KB compressed).
/// Reading by hand keeps the derive's contract — the tag anywhere in the
/// object, unknown fields and other types' fields refused, the same error
/// messages — and lets `serde_path_to_error` follow errors into an item's
/// fields.
struct ItemVisitor;

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Item, D::Error> {
        deserializer.deserialize_map(ItemVisitor)
    }
}

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = Item;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an item object with a `type`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
        fn set<T, E: de::Error>(slot: &mut Option<T>, name: &'static str, value: T) -> Result<(), E> {
            match slot.replace(value) {
                Some(_) => Err(E::duplicate_field(name)),
                None => Ok(()),
            }
        }
        let mut f = ItemFields::default();
        while let Some(key) = map.next_key::<String>()? {
            let expected = f.kind.map_or(ITEM_FIELDS, ItemType::fields);
            if key != "type" && !expected.contains(&key.as_str()) {
                match map.next_value_seed(UnknownField { name: &key, expected })? {}
            }
            match key.as_str() {
                "type" => set(&mut f.kind, "type", map.next_value()?)?,
                "id" => set(&mut f.id, "id", map.next_value()?)?,
                "title" => set(&mut f.title, "title", map.next_value()?)?,
                "body" => set(&mut f.body, "body", map.next_value()?)?,
                "options" => set(&mut f.options, "options", map.next_value()?)?,
                "min" => set(&mut f.min, "min", map.next_value()?)?,
                "max" => set(&mut f.max, "max", map.next_value()?)?,
                "min_label" => set(&mut f.min_label, "min_label", map.next_value()?)?,
                "max_label" => set(&mut f.max_label, "max_label", map.next_value()?)?,
                "method" => set(&mut f.method, "method", map.next_value()?)?,
                "completion_step" => set(&mut f.completion_step, "completion_step", map.next_value()?)?,
                "total" => set(&mut f.total, "total", map.next_value()?)?,
                "currency" => set(&mut f.currency, "currency", map.next_value()?)?,
                "projects" => set(&mut f.projects, "projects", map.next_value()?)?,
                "max_length" => set(&mut f.max_length, "max_length", map.next_value()?)?,
                // Every other name was refused above.
                _ => {}
            }
        }
        let kind = f.kind.ok_or_else(|| de::Error::missing_field("type"))?;
        if let Some(name) = f.foreign_field(kind) {
            return Err(de::Error::unknown_field(name, kind.fields()));
        }
        fn required<T, E: de::Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
            value.ok_or_else(|| E::missing_field(name))
        }
        fn whole<T: TryFrom<i64>, E: de::Error>(value: i64, expected: &'static str) -> Result<T, E> {
            T::try_from(value).map_err(|_| E::invalid_value(Unexpected::Signed(value), &expected))
        }
        fn method<'de, M: Deserialize<'de>, E: de::Error>(name: Option<String>) -> Result<M, E> {
            M::deserialize(StringDeserializer::<E>::new(required(name, "method")?))
        }
        let id = required(f.id, "id")?;
        let title = required(f.title, "title")?;
        Ok(match kind {
            ItemType::Info => Item::Info { id, title, body: required(f.body, "body")? },
            ItemType::SingleChoice => Item::SingleChoice { id, title, options: required(f.options, "options")? },
            ItemType::MultipleChoice => Item::MultipleChoice {
                id,
                title,
                min: f.min.map(|min| whole(min, "u32")).transpose()?,
                max: f.max.map(|max| whole(max, "u32")).transpose()?,
                options: required(f.options, "options")?,
            },
            ItemType::YesNo => Item::YesNo { id, title },
            ItemType::Scale => Item::Scale {
                id,
                title,
                min: whole(required(f.min, "min")?, "i32")?,
                max: whole(required(f.max, "max")?, "i32")?,
                min_label: f.min_label,
                max_label: f.max_label,
            },
            ItemType::Ranking => {
                Item::Ranking { id, title, method: method(f.method)?, options: required(f.options, "options")? }
            }
            ItemType::Budget => Item::Budget {
                id,
                title,
                method: method(f.method)?,
                completion_step: f.completion_step,
                total: required(f.total, "total")?,
                currency: required(f.currency, "currency")?,
                projects: required(f.projects, "projects")?,
            },
            ItemType::Text => Item::Text { id, title, max_length: f.max_length },
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

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
    fn licences_are_spdx_ids() {
        for id in ["CC-BY-4.0", "CC0-1.0", "ODbL-1.0", "GPL-2.0+", "LicenseRef-county-open-1"] {
            assert_eq!(Licence::new(id).map(|licence| licence.as_str().to_owned()), Some(id.to_owned()));
        }
        for id in ["", "CC BY 4.0", "CC--BY", "-CC", "CC-BY-4.0-", "CC-BY/4.0", "+", &"A".repeat(65)] {
            assert_eq!(Licence::new(id), None, "{id}");
        }
        let refused = serde_json::from_value::<Licence>(json!("CC BY")).unwrap_err().to_string();
        assert!(refused.contains("SPDX licence id"), "{refused}");
    }

    #[test]
    fn selection_bounds_default_to_one_and_all_options() {
        assert_eq!(multiple_choice(None, None).selection_bounds(), Some((1, 3)));
        assert_eq!(multiple_choice(None, Some(u32::MAX)).selection_bounds(), Some((1, u32::MAX as usize)));
        assert_eq!(multiple_choice(Some(2), Some(2)).selection_bounds(), Some((2, 2)));
        let yes_no = Item::YesNo { id: "q".to_owned(), title: Localized::default() };
        assert_eq!(yes_no.selection_bounds(), None);
    }

    fn read(json: serde_json::Value) -> Result<Item, String> {
        serde_json::from_value(json).map_err(|error| error.to_string())
    }

    #[test]
    fn every_item_type_reads_back_what_it_wrote_with_the_tag_anywhere() {
        let label = || Localized([("en".to_owned(), "Label".to_owned())].into());
        let choice = |id: &str| Choice { id: id.to_owned(), label: label() };
        let items = [
            Item::Info { id: "a".into(), title: label(), body: label() },
            Item::SingleChoice { id: "b".into(), title: label(), options: vec![choice("x"), choice("y")] },
            multiple_choice(Some(1), Some(2)),
            multiple_choice(None, None),
            Item::YesNo { id: "c".into(), title: label() },
            Item::Scale { id: "d".into(), title: label(), min: -2, max: 2, min_label: Some(label()), max_label: None },
            Item::Ranking { id: "e".into(), title: label(), method: RankingMethod::Borda, options: vec![choice("x")] },
            Item::Budget {
                id: "f".into(),
                title: label(),
                method: BudgetMethod::EqualShares,
                completion_step: Some(CompletionStep::CurrencyUnit),
                total: 1000,
                currency: "KES".into(),
                projects: vec![Project { id: "p".into(), cost: 400, label: label(), description: Some(label()) }],
            },
            Item::Text { id: "g".into(), title: label(), max_length: Some(280) },
        ];
        for item in items {
            let written = serde_json::to_value(&item).unwrap();
            assert_eq!(read(written.clone()), Ok(item.clone()));
            // The same object with `type` as its last field.
            let mut fields = written.as_object().unwrap().clone();
            let tag = fields.remove("type").unwrap();
            fields.insert("type".into(), tag);
            let text = serde_json::to_string(&fields).unwrap();
            assert!(text.ends_with(&format!("\"type\":\"{}\"}}", item.type_name())), "{text}");
            assert_eq!(serde_json::from_str::<Item>(&text).map_err(|e| e.to_string()), Ok(item));
        }
    }

    #[test]
    fn the_fields_of_any_item_are_those_of_every_type() {
        let types = [
            ItemType::Info,
            ItemType::SingleChoice,
            ItemType::MultipleChoice,
            ItemType::YesNo,
            ItemType::Scale,
            ItemType::Ranking,
            ItemType::Budget,
            ItemType::Text,
        ];
        let mut of_every_type: Vec<&str> = types.iter().flat_map(|kind| kind.fields().iter().copied()).collect();
        of_every_type.sort_unstable();
        of_every_type.dedup();
        let mut listed = ITEM_FIELDS.to_vec();
        listed.sort_unstable();
        assert_eq!(listed, of_every_type);
    }

    #[test]
    fn fields_of_another_type_or_no_type_are_refused_wherever_they_come() {
        // Written as text: the order of the fields is the point.
        let read_text = |text: &str| serde_json::from_str::<Item>(text).map_err(|e| e.to_string());
        let expected = "unknown field `options`, expected `id` or `title`";
        let tag_first = read_text(r#"{"type": "yes_no", "id": "q", "title": {}, "options": []}"#).unwrap_err();
        assert!(tag_first.starts_with(expected), "{tag_first}");
        let tag_last = read_text(r#"{"id": "q", "title": {}, "options": [], "type": "yes_no"}"#).unwrap_err();
        assert!(tag_last.starts_with(expected), "{tag_last}");

        let typo = read_text(r#"{"type": "text", "id": "q", "title": {}, "max_lenght": 3}"#).unwrap_err();
        assert!(typo.starts_with("unknown field `max_lenght`, expected one of `id`, `title`, `max_length`"), "{typo}");
        let typo_before_tag = read_text(r#"{"colour": "blue", "type": "text"}"#).unwrap_err();
        assert!(
            typo_before_tag.starts_with("unknown field `colour`, expected one of `id`, `title`, `body`"),
            "{typo_before_tag}"
        );
    }

    #[test]
    fn missing_duplicate_and_out_of_range_fields_are_named() {
        let title = json!({"en": "Q"});
        assert_eq!(read(json!({"id": "q", "title": title})).unwrap_err(), "missing field `type`");
        assert_eq!(
            read(json!({"type": "single_choice", "id": "q", "title": title})).unwrap_err(),
            "missing field `options`"
        );
        assert_eq!(read(json!({"type": "yes_no", "title": title})).unwrap_err(), "missing field `id`");
        assert_eq!(
            read(json!({"type": "scale", "id": "q", "title": title, "max": 5})).unwrap_err(),
            "missing field `min`"
        );
        let duplicate = serde_json::from_str::<Item>(r#"{"type": "yes_no", "id": "q", "id": "r", "title": {}}"#);
        assert!(duplicate.unwrap_err().to_string().starts_with("duplicate field `id`"));
        assert_eq!(
            read(json!({"type": "poll", "id": "q", "title": title})).unwrap_err(),
            "unknown variant `poll`, expected one of `info`, `single_choice`, `multiple_choice`, `yes_no`, `scale`, `ranking`, `budget`, `text`"
        );
        assert_eq!(
            read(json!({"type": "ranking", "id": "q", "title": title, "method": "condorcet", "options": []}))
                .unwrap_err(),
            "unknown variant `condorcet`, expected `instant_runoff` or `borda`"
        );
        let negative = read(json!({"type": "multiple_choice", "id": "q", "title": title, "min": -1, "options": []}));
        assert_eq!(negative.unwrap_err(), "invalid value: integer `-1`, expected u32");
        let huge = read(json!({"type": "scale", "id": "q", "title": title, "min": 0, "max": 3_000_000_000_i64}));
        assert_eq!(huge.unwrap_err(), "invalid value: integer `3000000000`, expected i32");
        assert_eq!(
            read(json!(["yes_no"])).unwrap_err(),
            "invalid type: sequence, expected an item object with a `type`"
        );
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

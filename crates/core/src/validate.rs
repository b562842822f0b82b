//! Reading and checking consultation definitions.
//!
//! [`parse_definition`] reports *every* problem it can find, each with the JSON
//! path of the value at fault and a message a clerk can act on, so a publisher
//! fixes a file in one pass instead of one error at a time. Each problem
//! also names the [`Rule`] it breaks as a stable code with its values, so
//! that the staff screens can say it in the staff member's language.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::bounds::{self, TextFault};
use crate::definition::{
    BudgetMethod, Consultation, Eligibility, Item, Level, ProfileQuestion, PREFER_NOT_TO_SAY,
    RESERVED_PROFILE_OPTION_IDS, SHARES_SUM_TOLERANCE,
};
use crate::localized::Localized;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The definition cannot be published.
    Error,
    /// Publishable, but probably not what the publisher meant.
    Warning,
}

/// One thing wrong with a definition, at a JSON path such as `items[2].options`.
/// Its `code` names the rule broken and `values` the values its message
/// names, so a client can say it in its own language; codes may be added,
/// and a client shows `message` for one it does not know.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub severity: Severity,
    pub path: String,
    /// In English, for the command line and for clients that do not know `code`.
    pub message: String,
    /// The rule broken, such as `min_over_max`: see [`Rule`]. Empty when an
    /// older server sent the problem.
    #[serde(default)]
    pub code: String,
    /// The values `message` names, by placeholder name: `{"min": "3", "max": "2"}`.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
}

impl Problem {
    pub fn new(severity: Severity, path: impl Into<String>, rule: Rule) -> Self {
        let Described { code, values, message } = rule.describe();
        let values = values.into_iter().map(|(name, value)| (name.to_owned(), value)).collect();
        Problem { severity, path: path.into(), message, code: code.to_owned(), values }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "(document)" } else { &self.path };
        match self.severity {
            Severity::Error => write!(f, "{path}: {}", self.message),
            Severity::Warning => write!(f, "{path}: warning: {}", self.message),
        }
    }
}

/// A rule of the definition format (or of changing a published one) that a
/// definition breaks, with the values that say how. Each rule's code, values
/// and English message are written together in `Rule::describe`, so they
/// cannot drift apart; the staff screens translate the code and fill in the
/// values, and keep the English message for a code they do not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// The file is not a definition: not JSON, an unknown field, a value of
    /// the wrong type, a missing field. `detail` is the reader's explanation,
    /// which cannot be translated piece by piece.
    Format {
        detail: String,
    },
    Slug,
    DefaultLanguageTag,
    /// A localized text has a key that is not a language code.
    LanguageTag {
        language: String,
    },
    DefaultTextMissing {
        language: String,
    },
    TopicBlank,
    ClosesNotAfterOpens,
    /// A warning: open eligibility cannot hold a decision to one person, one ballot.
    DecideWithoutCodes,
    DuplicateItemId {
        id: String,
    },
    DuplicateOptionId {
        id: String,
    },
    TooFewOptions {
        item: ChoiceItem,
    },
    MinOverMax {
        min: u32,
        max: u32,
    },
    MinOverOptions {
        min: u32,
        options: u32,
    },
    MaxZero,
    MaxOverOptions {
        max: u32,
        options: u32,
    },
    ScaleMaxNotOverMin {
        min: i32,
        max: i32,
    },
    ScaleTooManyPoints,
    BudgetTotalZero,
    CurrencyMissing,
    BudgetWithoutProjects,
    /// A completion step on a budget whose method has no completion.
    CompletionStepWithoutEqualShares,
    ProjectCostZero,
    ProjectCostOverTotal {
        cost: u64,
        total: u64,
    },
    MaxLengthZero,
    /// A date outside the calendar window ([`bounds::EARLIEST`] to [`bounds::LATEST`]).
    TimeOutOfRange,
    /// A number over its bound (see [`crate::bounds`]).
    TooLarge {
        max: u64,
    },
    /// A list with more entries than its bound (see [`crate::bounds`]).
    TooMany {
        max: usize,
    },
    /// A text longer than its bound, in characters.
    TextTooLong {
        max: usize,
    },
    /// A text, or a translation of one, that shows nothing: empty, or only
    /// spaces and invisible characters.
    TextBlank,
    /// A text with a control character other than a line break or a tab.
    ControlCharacter,
    /// An update changes what ballots already refer to (see `lifecycle`).
    ChangedAfterOpening {
        opened_on: time::Date,
    },
    DuplicateProfileQuestionId {
        id: String,
    },
    /// A profile option takes an id every profile question keeps for itself.
    ReservedProfileOptionId {
        id: String,
    },
    /// An expected share that is not a fraction from 0 to 1.
    ShareOutOfRange,
    /// The expected shares of a profile question's options do not add up to 1.
    SharesNotOne {
        sum: String,
    },
    SmallGroupThresholdOutOfRange {
        min: u32,
        max: u32,
    },
}

/// The item types whose answers are picked from their options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceItem {
    SingleChoice,
    MultipleChoice,
    Ranking,
    /// An "about you" question.
    Profile,
}

/// A rule as a problem carries it.
struct Described {
    code: &'static str,
    values: Vec<(&'static str, String)>,
    message: String,
}

/// The most points a scale may have, so that it still fits on a phone.
const MAX_SCALE_POINTS: i64 = 101;

const SLUG_RULE: &str = "must be 1 to 64 lowercase letters, digits and single hyphens, such as \"water-2027\"";

impl Rule {
    fn describe(&self) -> Described {
        let plain = |code, message: &str| Described { code, values: Vec::new(), message: message.to_owned() };
        match self {
            Rule::Format { detail } => {
                Described { code: "format", values: vec![("detail", detail.clone())], message: detail.clone() }
            }
            Rule::Slug => plain("slug", SLUG_RULE),
            Rule::DefaultLanguageTag => {
                plain("default_language_tag", "must be a language code such as \"en\" or \"pt-BR\"")
            }
            Rule::LanguageTag { language } => Described {
                code: "language_tag",
                values: vec![("language", language.clone())],
                message: "is not a language code such as \"en\" or \"pt-BR\"".to_owned(),
            },
            Rule::DefaultTextMissing { language } => Described {
                code: "default_text_missing",
                values: vec![("language", language.clone())],
                message: format!("the text in the default language \"{language}\" is missing"),
            },
            Rule::TopicBlank => plain("topic_blank", "a topic cannot be blank"),
            Rule::ClosesNotAfterOpens => plain("closes_not_after_opens", "must be later than opens_at"),
            Rule::DecideWithoutCodes => plain(
                "decide_without_codes",
                "a decide consultation with open eligibility cannot enforce one person, one ballot; use \"codes\"",
            ),
            Rule::DuplicateItemId { id } => Described {
                code: "duplicate_item_id",
                values: vec![("id", id.clone())],
                message: format!("another item already has the id \"{id}\""),
            },
            Rule::DuplicateOptionId { id } => Described {
                code: "duplicate_option_id",
                values: vec![("id", id.clone())],
                message: format!("another option of this item already has the id \"{id}\""),
            },
            Rule::TooFewOptions { item } => {
                let (item_type, english) = match item {
                    ChoiceItem::SingleChoice => ("single_choice", "a single choice"),
                    ChoiceItem::MultipleChoice => ("multiple_choice", "a multiple choice"),
                    ChoiceItem::Ranking => ("ranking", "a ranking"),
                    ChoiceItem::Profile => ("profile", "a profile question"),
                };
                Described {
                    code: "too_few_options",
                    values: vec![("type", item_type.to_owned())],
                    message: format!("{english} needs at least 2 options"),
                }
            }
            Rule::MinOverMax { min, max } => Described {
                code: "min_over_max",
                values: vec![("min", min.to_string()), ("max", max.to_string())],
                message: format!("min ({min}) must not be more than max ({max})"),
            },
            Rule::MinOverOptions { min, options } => Described {
                code: "min_over_options",
                values: vec![("min", min.to_string()), ("options", options.to_string())],
                message: format!("min ({min}) is more than the {options} options"),
            },
            Rule::MaxZero => plain("max_zero", "max must be at least 1"),
            Rule::MaxOverOptions { max, options } => Described {
                code: "max_over_options",
                values: vec![("max", max.to_string()), ("options", options.to_string())],
                message: format!("max ({max}) is more than the {options} options"),
            },
            Rule::ScaleMaxNotOverMin { min, max } => Described {
                code: "scale_max_not_over_min",
                values: vec![("min", min.to_string()), ("max", max.to_string())],
                message: format!("max ({max}) must be more than min ({min})"),
            },
            Rule::ScaleTooManyPoints => Described {
                code: "scale_too_many_points",
                values: vec![("points", MAX_SCALE_POINTS.to_string())],
                message: format!("a scale can have at most {MAX_SCALE_POINTS} points"),
            },
            Rule::BudgetTotalZero => plain("budget_total_zero", "the budget total must be more than 0"),
            Rule::CurrencyMissing => plain("currency_missing", "a currency code such as \"TZS\" is required"),
            Rule::BudgetWithoutProjects => plain("budget_without_projects", "a budget needs at least 1 project"),
            Rule::CompletionStepWithoutEqualShares => {
                plain("completion_step_without_equal_shares", "completion_step applies only to the equal_shares method")
            }
            Rule::ProjectCostZero => plain("project_cost_zero", "a project's cost must be more than 0"),
            Rule::ProjectCostOverTotal { cost, total } => Described {
                code: "project_cost_over_total",
                values: vec![("cost", cost.to_string()), ("total", total.to_string())],
                message: format!("the cost ({cost}) is more than the whole budget ({total})"),
            },
            Rule::MaxLengthZero => plain("max_length_zero", "max_length must be at least 1"),
            Rule::TimeOutOfRange => {
                let (earliest, latest) = (bounds::EARLIEST.date().to_string(), bounds::LATEST.date().to_string());
                Described {
                    code: "time_out_of_range",
                    message: format!("must be from {earliest} to before {latest} (UTC)"),
                    values: vec![("earliest", earliest), ("latest", latest)],
                }
            }
            Rule::TooLarge { max } => Described {
                code: "too_large",
                values: vec![("max", max.to_string())],
                message: format!("must be at most {max}"),
            },
            Rule::TooMany { max } => Described {
                code: "too_many",
                values: vec![("max", max.to_string())],
                message: format!("there can be at most {max} here"),
            },
            Rule::TextTooLong { max } => Described {
                code: "text_too_long",
                values: vec![("max", max.to_string())],
                message: format!("is longer than {max} characters"),
            },
            Rule::TextBlank => plain("text_blank", "shows nothing: write the text or leave it out"),
            Rule::ControlCharacter => {
                plain("control_character", "holds a control character; only line breaks and tabs may be used")
            }
            Rule::ChangedAfterOpening { opened_on } => Described {
                code: "changed_after_opening",
                values: vec![("opened_on", opened_on.to_string())],
                message: format!(
                    "this cannot change: the consultation opened on {opened_on} and ballots already refer to it; \
                     only texts and the closing date may still change"
                ),
            },
            Rule::DuplicateProfileQuestionId { id } => Described {
                code: "duplicate_profile_question_id",
                values: vec![("id", id.clone())],
                message: format!("another profile question already has the id \"{id}\""),
            },
            Rule::ReservedProfileOptionId { id } => Described {
                code: "reserved_profile_option_id",
                values: vec![("id", id.clone())],
                message: format!("the id \"{id}\" is kept for the answer every profile question offers itself"),
            },
            Rule::ShareOutOfRange => plain("share_out_of_range", "must be a fraction from 0 to 1, such as 0.25"),
            Rule::SharesNotOne { sum } => Described {
                code: "shares_not_one",
                values: vec![("sum", sum.clone())],
                message: format!("the expected shares of the options add up to {sum}; they must add up to 1"),
            },
            Rule::SmallGroupThresholdOutOfRange { min, max } => Described {
                code: "small_group_threshold_out_of_range",
                values: vec![("min", min.to_string()), ("max", max.to_string())],
                message: format!("must be from {min} to {max}"),
            },
        }
    }

    /// One rule of every kind, with made-up values, for checking that
    /// whoever shows problems has a text for every code and its values.
    pub fn one_of_each() -> Vec<Rule> {
        vec![
            Rule::Format { detail: "unknown field `optoins` at line 12 column 14".to_owned() },
            Rule::Slug,
            Rule::DefaultLanguageTag,
            Rule::LanguageTag { language: "english".to_owned() },
            Rule::DefaultTextMissing { language: "sw".to_owned() },
            Rule::TopicBlank,
            Rule::ClosesNotAfterOpens,
            Rule::DecideWithoutCodes,
            Rule::DuplicateItemId { id: "tariff".to_owned() },
            Rule::DuplicateOptionId { id: "flat".to_owned() },
            Rule::TooFewOptions { item: ChoiceItem::Ranking },
            Rule::MinOverMax { min: 3, max: 2 },
            Rule::MinOverOptions { min: 5, options: 4 },
            Rule::MaxZero,
            Rule::MaxOverOptions { max: 9, options: 4 },
            Rule::ScaleMaxNotOverMin { min: 5, max: 1 },
            Rule::ScaleTooManyPoints,
            Rule::BudgetTotalZero,
            Rule::CurrencyMissing,
            Rule::BudgetWithoutProjects,
            Rule::CompletionStepWithoutEqualShares,
            Rule::ProjectCostZero,
            Rule::ProjectCostOverTotal { cost: 6_000_000, total: 5_000_000 },
            Rule::MaxLengthZero,
            Rule::TimeOutOfRange,
            Rule::TooLarge { max: 720 },
            Rule::TooMany { max: 100 },
            Rule::TextTooLong { max: 300 },
            Rule::TextBlank,
            Rule::ControlCharacter,
            Rule::ChangedAfterOpening { opened_on: time::macros::date!(2026 - 12 - 01) },
            Rule::DuplicateProfileQuestionId { id: "age".to_owned() },
            Rule::ReservedProfileOptionId { id: PREFER_NOT_TO_SAY.to_owned() },
            Rule::ShareOutOfRange,
            Rule::SharesNotOne { sum: "0.9".to_owned() },
            Rule::SmallGroupThresholdOutOfRange {
                min: bounds::MIN_SMALL_GROUP_THRESHOLD,
                max: bounds::MAX_SMALL_GROUP_THRESHOLD,
            },
        ]
    }
}

/// A definition that can be published, with the warnings it still carries.
#[derive(Debug, Clone)]
pub struct Checked {
    pub consultation: Consultation,
    pub warnings: Vec<Problem>,
}

/// Reads a definition from JSON and checks every rule.
///
/// `Err` holds every problem found (errors first, then warnings); `Ok` holds
/// the definition and any warnings.
pub fn parse_definition(json: &str) -> Result<Checked, Vec<Problem>> {
    let deserializer = &mut serde_json::Deserializer::from_str(json);
    let consultation: Consultation = match serde_path_to_error::deserialize(deserializer) {
        Ok(consultation) => consultation,
        Err(error) => {
            let path = json_path(error.path());
            let detail = error.into_inner().to_string();
            return Err(vec![Problem::new(Severity::Error, path, Rule::Format { detail })]);
        }
    };
    let mut problems = check(&consultation);
    if problems.iter().any(|p| p.severity == Severity::Error) {
        problems.sort_by_key(|p| p.severity != Severity::Error);
        return Err(problems);
    }
    Ok(Checked { consultation, warnings: problems })
}

/// `items[2].options` rather than serde_path_to_error's `items.2.options`.
fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// Every rule a well-formed definition must also satisfy.
pub fn check(consultation: &Consultation) -> Vec<Problem> {
    let mut report = Report { problems: Vec::new(), default_language: &consultation.default_language };
    let c = consultation;

    if !is_slug(&c.id) {
        report.error("id", Rule::Slug);
    }
    if !is_language_tag(&c.default_language) {
        report.error("default_language", Rule::DefaultLanguageTag);
    }
    for (path, text) in c.localized_texts() {
        report.localized(&path, text, text_bound(&path));
    }
    if c.topics.len() > bounds::MAX_TOPICS {
        report.error("topics", Rule::TooMany { max: bounds::MAX_TOPICS });
    }
    for (index, topic) in c.topics.iter().enumerate() {
        report.text(format!("topics[{index}]"), topic, bounds::LABEL_MAX_CHARS, Rule::TopicBlank);
    }
    if let Some(region) = &c.region {
        report.text("region".to_owned(), region, bounds::LABEL_MAX_CHARS, Rule::TextBlank);
    }
    if let Some(contact) = &c.contact {
        report.text("contact".to_owned(), contact, bounds::LABEL_MAX_CHARS, Rule::TextBlank);
    }
    for (path, at) in [("opens_at", c.opens_at), ("closes_at", c.closes_at)] {
        if !bounds::in_calendar(at) {
            report.error(path, Rule::TimeOutOfRange);
        }
    }
    if c.closes_at <= c.opens_at {
        report.error("closes_at", Rule::ClosesNotAfterOpens);
    }
    if c.offline_grace_hours.is_some_and(|hours| hours > bounds::MAX_OFFLINE_GRACE_HOURS) {
        report.error("offline_grace_hours", Rule::TooLarge { max: u64::from(bounds::MAX_OFFLINE_GRACE_HOURS) });
    }
    if c.level == Level::Decide && c.eligibility == Eligibility::Open {
        report.warning("eligibility", Rule::DecideWithoutCodes);
    }

    if c.items.len() > bounds::MAX_ITEMS {
        report.error("items", Rule::TooMany { max: bounds::MAX_ITEMS });
    }
    let mut item_ids = HashSet::new();
    for (index, item) in c.items.iter().enumerate() {
        let path = format!("items[{index}]");
        if !is_slug(item.id()) {
            report.error(format!("{path}.id"), Rule::Slug);
        } else if !item_ids.insert(item.id()) {
            report.error(format!("{path}.id"), Rule::DuplicateItemId { id: item.id().to_owned() });
        }
        check_item(&mut report, &path, item);
    }

    let threshold_range = bounds::MIN_SMALL_GROUP_THRESHOLD..=bounds::MAX_SMALL_GROUP_THRESHOLD;
    if !threshold_range.contains(&c.small_group_threshold) {
        let (min, max) = threshold_range.into_inner();
        report.error("small_group_threshold", Rule::SmallGroupThresholdOutOfRange { min, max });
    }
    if c.profile.len() > bounds::MAX_PROFILE_QUESTIONS {
        report.error("profile", Rule::TooMany { max: bounds::MAX_PROFILE_QUESTIONS });
    }
    let mut question_ids = HashSet::new();
    for (index, question) in c.profile.iter().enumerate() {
        let path = format!("profile[{index}]");
        if !is_slug(&question.id) {
            report.error(format!("{path}.id"), Rule::Slug);
        } else if !question_ids.insert(question.id.as_str()) {
            report.error(format!("{path}.id"), Rule::DuplicateProfileQuestionId { id: question.id.clone() });
        }
        check_profile_question(&mut report, &path, question);
    }
    report.problems
}

/// A profile question: its options as any choice's, none taking a reserved
/// id, and their expected shares fractions that add up to 1.
fn check_profile_question(report: &mut Report<'_>, path: &str, question: &ProfileQuestion) {
    let mut ids = HashSet::new();
    let mut sum = 0.0;
    let mut shares_in_range = true;
    if question.options.len() < 2 {
        report.error(format!("{path}.options"), Rule::TooFewOptions { item: ChoiceItem::Profile });
    } else if question.options.len() > bounds::MAX_OPTIONS {
        report.error(format!("{path}.options"), Rule::TooMany { max: bounds::MAX_OPTIONS });
    }
    for (index, option) in question.options.iter().enumerate() {
        let option_path = format!("{path}.options[{index}]");
        if RESERVED_PROFILE_OPTION_IDS.contains(&option.id.as_str()) {
            report.error(format!("{option_path}.id"), Rule::ReservedProfileOptionId { id: option.id.clone() });
        } else {
            report.option_id(&option_path, &option.id, &mut ids);
        }
        if (0.0..=1.0).contains(&option.expected_share) {
            sum += option.expected_share;
        } else {
            shares_in_range = false;
            report.error(format!("{option_path}.expected_share"), Rule::ShareOutOfRange);
        }
    }
    if shares_in_range && (sum - 1.0).abs() > SHARES_SUM_TOLERANCE {
        // Rounded as census tables are, so the message shows no float noise.
        let sum = format!("{}", (sum * 1000.0).round() / 1000.0);
        report.error(format!("{path}.options"), Rule::SharesNotOne { sum });
    }
}

/// The longest a localized text may be, by the field that holds it (the
/// last part of its path, as [`Consultation::localized_texts`] writes it).
fn text_bound(path: &str) -> usize {
    match path.rsplit('.').next().unwrap_or(path) {
        "summary" => bounds::SUMMARY_MAX_CHARS,
        "body" | "description" | "outcome" => bounds::BODY_MAX_CHARS,
        _ => bounds::LABEL_MAX_CHARS,
    }
}

fn check_item(report: &mut Report<'_>, path: &str, item: &Item) {
    match item {
        Item::Info { .. } | Item::YesNo { .. } => {}
        Item::SingleChoice { options, .. } => report.choices(path, options, ChoiceItem::SingleChoice),
        Item::Ranking { options, .. } => report.choices(path, options, ChoiceItem::Ranking),
        Item::MultipleChoice { options, min, max, .. } => {
            report.choices(path, options, ChoiceItem::MultipleChoice);
            let count = u32::try_from(options.len()).unwrap_or(u32::MAX);
            if let (Some(min), Some(max)) = (min, max) {
                if min > max {
                    report.error(format!("{path}.min"), Rule::MinOverMax { min: *min, max: *max });
                }
            }
            if let Some(min) = min.filter(|min| *min > count) {
                report.error(format!("{path}.min"), Rule::MinOverOptions { min, options: count });
            }
            if let Some(max) = max {
                if *max == 0 {
                    report.error(format!("{path}.max"), Rule::MaxZero);
                } else if *max > count {
                    report.error(format!("{path}.max"), Rule::MaxOverOptions { max: *max, options: count });
                }
            }
        }
        Item::Scale { min, max, .. } => {
            if min >= max {
                report.error(format!("{path}.max"), Rule::ScaleMaxNotOverMin { min: *min, max: *max });
            } else if i64::from(*max) - i64::from(*min) + 1 > MAX_SCALE_POINTS {
                // In i64: the ends may be as far apart as i32 allows.
                report.error(format!("{path}.max"), Rule::ScaleTooManyPoints);
            }
        }
        Item::Budget { total, projects, currency, method, completion_step, .. } => {
            if completion_step.is_some() && *method != BudgetMethod::EqualShares {
                report.error(format!("{path}.completion_step"), Rule::CompletionStepWithoutEqualShares);
            }
            if *total == 0 {
                report.error(format!("{path}.total"), Rule::BudgetTotalZero);
            } else if *total > bounds::MAX_BUDGET_TOTAL {
                report.error(format!("{path}.total"), Rule::TooLarge { max: bounds::MAX_BUDGET_TOTAL });
            }
            report.text(format!("{path}.currency"), currency, bounds::CURRENCY_MAX_CHARS, Rule::CurrencyMissing);
            if projects.is_empty() {
                report.error(format!("{path}.projects"), Rule::BudgetWithoutProjects);
            } else if projects.len() > bounds::MAX_OPTIONS {
                report.error(format!("{path}.projects"), Rule::TooMany { max: bounds::MAX_OPTIONS });
            }
            let mut ids = HashSet::new();
            for (index, project) in projects.iter().enumerate() {
                let project_path = format!("{path}.projects[{index}]");
                report.option_id(&project_path, &project.id, &mut ids);
                if project.cost == 0 {
                    report.error(format!("{project_path}.cost"), Rule::ProjectCostZero);
                } else if project.cost > bounds::MAX_BUDGET_TOTAL {
                    report.error(format!("{project_path}.cost"), Rule::TooLarge { max: bounds::MAX_BUDGET_TOTAL });
                } else if project.cost > *total && *total > 0 {
                    report.error(
                        format!("{project_path}.cost"),
                        Rule::ProjectCostOverTotal { cost: project.cost, total: *total },
                    );
                }
            }
        }
        Item::Text { max_length, .. } => match *max_length {
            Some(0) => report.error(format!("{path}.max_length"), Rule::MaxLengthZero),
            Some(length) if length > bounds::MAX_TEXT_ANSWER_CHARS => report
                .error(format!("{path}.max_length"), Rule::TooLarge { max: u64::from(bounds::MAX_TEXT_ANSWER_CHARS) }),
            _ => {}
        },
    }
}

struct Report<'a> {
    problems: Vec<Problem>,
    default_language: &'a str,
}

impl Report<'_> {
    fn error(&mut self, path: impl Into<String>, rule: Rule) {
        self.problems.push(Problem::new(Severity::Error, path, rule));
    }

    fn warning(&mut self, path: impl Into<String>, rule: Rule) {
        self.problems.push(Problem::new(Severity::Warning, path, rule));
    }

    /// A localized text: written in the default language, keyed by
    /// language codes, and each translation a text of at most `max_chars`.
    fn localized(&mut self, path: &str, text: &Localized, max_chars: usize) {
        if !text.has(self.default_language) {
            self.error(path, Rule::DefaultTextMissing { language: self.default_language.to_owned() });
        }
        for (language, translation) in &text.0 {
            let language_path = format!("{path}.{language}");
            if !is_language_tag(language) {
                self.error(language_path.clone(), Rule::LanguageTag { language: language.to_owned() });
            }
            // A blank text in the default language is reported as missing above.
            if language != self.default_language || !bounds::is_blank(translation) {
                self.text(language_path, translation, max_chars, Rule::TextBlank);
            }
        }
    }

    /// A text of at most `max_chars`, without control characters, refused
    /// by `blank` when it shows nothing.
    fn text(&mut self, path: String, text: &str, max_chars: usize, blank: Rule) {
        match bounds::check_text(text, max_chars) {
            Ok(()) => {}
            Err(TextFault::TooLong { max }) => self.error(path, Rule::TextTooLong { max }),
            Err(TextFault::ControlCharacter) => self.error(path, Rule::ControlCharacter),
            Err(TextFault::Blank) => self.error(path, blank),
        }
    }

    fn choices(&mut self, path: &str, options: &[crate::definition::Choice], item: ChoiceItem) {
        if options.len() < 2 {
            self.error(format!("{path}.options"), Rule::TooFewOptions { item });
        } else if options.len() > bounds::MAX_OPTIONS {
            self.error(format!("{path}.options"), Rule::TooMany { max: bounds::MAX_OPTIONS });
        }
        let mut ids = HashSet::new();
        for (index, option) in options.iter().enumerate() {
            self.option_id(&format!("{path}.options[{index}]"), &option.id, &mut ids);
        }
    }

    fn option_id<'a>(&mut self, path: &str, id: &'a str, seen: &mut HashSet<&'a str>) {
        if !is_slug(id) {
            self.error(format!("{path}.id"), Rule::Slug);
        } else if !seen.insert(id) {
            self.error(format!("{path}.id"), Rule::DuplicateOptionId { id: id.to_owned() });
        }
    }
}

/// Ids appear in URLs and CSV headers: lowercase ASCII, digits, single hyphens.
pub fn is_slug(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

/// A loose BCP 47 check: subtags of 1 to 8 ASCII letters or digits, the first
/// one 2 or 3 letters, at most 35 characters in all (what BCP 47 asks every
/// implementation to take).
pub fn is_language_tag(tag: &str) -> bool {
    if tag.len() > 35 {
        return false;
    }
    let mut subtags = tag.split('-');
    let primary_ok =
        subtags.next().is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    primary_ok && subtags.all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new rule breaks this match until it is given the next number here;
    /// the test below then fails until `one_of_each` lists it too, so the
    /// staff screens' check for a text of every code sees it.
    fn number(rule: &Rule) -> usize {
        match rule {
            Rule::Format { .. } => 0,
            Rule::Slug => 1,
            Rule::DefaultLanguageTag => 2,
            Rule::LanguageTag { .. } => 3,
            Rule::DefaultTextMissing { .. } => 4,
            Rule::TopicBlank => 5,
            Rule::ClosesNotAfterOpens => 6,
            Rule::DecideWithoutCodes => 7,
            Rule::DuplicateItemId { .. } => 8,
            Rule::DuplicateOptionId { .. } => 9,
            Rule::TooFewOptions { .. } => 10,
            Rule::MinOverMax { .. } => 11,
            Rule::MinOverOptions { .. } => 12,
            Rule::MaxZero => 13,
            Rule::MaxOverOptions { .. } => 14,
            Rule::ScaleMaxNotOverMin { .. } => 15,
            Rule::ScaleTooManyPoints => 16,
            Rule::BudgetTotalZero => 17,
            Rule::CurrencyMissing => 18,
            Rule::BudgetWithoutProjects => 19,
            Rule::ProjectCostZero => 20,
            Rule::ProjectCostOverTotal { .. } => 21,
            Rule::MaxLengthZero => 22,
            Rule::ChangedAfterOpening { .. } => 23,
            Rule::CompletionStepWithoutEqualShares => 24,
            Rule::TimeOutOfRange => 25,
            Rule::TooLarge { .. } => 26,
            Rule::TooMany { .. } => 27,
            Rule::TextTooLong { .. } => 28,
            Rule::TextBlank => 29,
            Rule::ControlCharacter => 30,
            Rule::DuplicateProfileQuestionId { .. } => 31,
            Rule::ReservedProfileOptionId { .. } => 32,
            Rule::ShareOutOfRange => 33,
            Rule::SharesNotOne { .. } => 34,
            Rule::SmallGroupThresholdOutOfRange { .. } => 35,
        }
    }

    #[test]
    fn one_of_each_lists_every_rule_once_each_with_its_own_code() {
        let rules = Rule::one_of_each();
        let mut numbers: Vec<usize> = rules.iter().map(number).collect();
        numbers.sort();
        assert_eq!(numbers, (0..36).collect::<Vec<_>>());
        let mut codes: Vec<&str> = rules.iter().map(|rule| rule.describe().code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), rules.len(), "two rules share a code");
    }

    #[test]
    fn codes_and_value_names_are_snake_case() {
        let snake_case = |name: &str| name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        for rule in Rule::one_of_each() {
            let Described { code, values, .. } = rule.describe();
            assert!(snake_case(code), "{code}");
            for (name, _) in values {
                assert!(snake_case(name), "{code}: {name}");
            }
        }
    }
}

//! Reading and checking consultation definitions.
//!
//! [`parse_definition`] reports *every* problem it can find, each with the JSON
//! path of the value at fault and a message a clerk can act on, so a publisher
//! fixes a file in one pass instead of one error at a time.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::definition::{Consultation, Eligibility, Item, Level};
use crate::localized::Localized;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The definition cannot be published.
    Error,
    /// Publishable, but probably not what the publisher meant.
    Warning,
}

/// One thing wrong with a definition, at a JSON path such as `items[2].options`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub severity: Severity,
    pub path: String,
    pub message: String,
}

impl Problem {
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
            return Err(vec![Problem { severity: Severity::Error, path, message: error.into_inner().to_string() }]);
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
        report.error("id", SLUG_RULE);
    }
    if !is_language_tag(&c.default_language) {
        report.error("default_language", "must be a language code such as \"en\" or \"pt-BR\"");
    }
    report.localized("title", &c.title);
    report.localized("summary", &c.summary);
    report.localized("body", &c.body);
    if let Some(organization) = &c.organization {
        report.localized("organization", organization);
    }
    if let Some(outcome) = &c.outcome {
        report.localized("outcome", outcome);
    }
    for (index, topic) in c.topics.iter().enumerate() {
        if topic.trim().is_empty() {
            report.error(format!("topics[{index}]"), "a topic cannot be blank");
        }
    }
    if c.closes_at <= c.opens_at {
        report.error("closes_at", "must be later than opens_at");
    }
    if c.level == Level::Decide && c.eligibility == Eligibility::Open {
        report.warning(
            "eligibility",
            "a decide consultation with open eligibility cannot enforce one person, one ballot; use \"codes\"",
        );
    }

    let mut item_ids = HashSet::new();
    for (index, item) in c.items.iter().enumerate() {
        let path = format!("items[{index}]");
        if !is_slug(item.id()) {
            report.error(format!("{path}.id"), SLUG_RULE);
        } else if !item_ids.insert(item.id()) {
            report.error(format!("{path}.id"), format!("another item already has the id \"{}\"", item.id()));
        }
        report.localized(&format!("{path}.title"), item.title());
        check_item(&mut report, &path, item);
    }
    report.problems
}

const SLUG_RULE: &str = "must be 1 to 64 lowercase letters, digits and single hyphens, such as \"water-2027\"";

fn check_item(report: &mut Report<'_>, path: &str, item: &Item) {
    match item {
        Item::Info { body, .. } => report.localized(&format!("{path}.body"), body),
        Item::SingleChoice { options, .. } => report.choices(path, options, "a single choice"),
        Item::Ranking { options, .. } => report.choices(path, options, "a ranking"),
        Item::MultipleChoice { options, min, max, .. } => {
            report.choices(path, options, "a multiple choice");
            let count = options.len() as u32;
            if let (Some(min), Some(max)) = (min, max) {
                if min > max {
                    report.error(format!("{path}.min"), format!("min ({min}) must not be more than max ({max})"));
                }
            }
            if let Some(min) = min.filter(|min| *min > count) {
                report.error(format!("{path}.min"), format!("min ({min}) is more than the {count} options"));
            }
            if let Some(max) = max {
                if *max == 0 {
                    report.error(format!("{path}.max"), "max must be at least 1");
                } else if *max > count {
                    report.error(format!("{path}.max"), format!("max ({max}) is more than the {count} options"));
                }
            }
        }
        Item::Scale { min, max, min_label, max_label, .. } => {
            if min >= max {
                report.error(format!("{path}.max"), format!("max ({max}) must be more than min ({min})"));
            } else if max - min > 100 {
                report.error(format!("{path}.max"), "a scale can have at most 101 points");
            }
            if let Some(label) = min_label {
                report.localized(&format!("{path}.min_label"), label);
            }
            if let Some(label) = max_label {
                report.localized(&format!("{path}.max_label"), label);
            }
        }
        Item::Budget { total, projects, currency, .. } => {
            if *total == 0 {
                report.error(format!("{path}.total"), "the budget total must be more than 0");
            }
            if currency.trim().is_empty() {
                report.error(format!("{path}.currency"), "a currency code such as \"TZS\" is required");
            }
            if projects.is_empty() {
                report.error(format!("{path}.projects"), "a budget needs at least 1 project");
            }
            let mut ids = HashSet::new();
            for (index, project) in projects.iter().enumerate() {
                let project_path = format!("{path}.projects[{index}]");
                report.option_id(&project_path, &project.id, &mut ids);
                report.localized(&format!("{project_path}.label"), &project.label);
                if let Some(description) = &project.description {
                    report.localized(&format!("{project_path}.description"), description);
                }
                if project.cost == 0 {
                    report.error(format!("{project_path}.cost"), "a project's cost must be more than 0");
                } else if project.cost > *total && *total > 0 {
                    report.error(
                        format!("{project_path}.cost"),
                        format!("the cost ({}) is more than the whole budget ({total})", project.cost),
                    );
                }
            }
        }
        Item::Text { max_length, .. } => {
            if *max_length == Some(0) {
                report.error(format!("{path}.max_length"), "max_length must be at least 1");
            }
        }
        Item::YesNo { .. } => {}
    }
}

struct Report<'a> {
    problems: Vec<Problem>,
    default_language: &'a str,
}

impl Report<'_> {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem { severity: Severity::Error, path: path.into(), message: message.into() });
    }

    fn warning(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem { severity: Severity::Warning, path: path.into(), message: message.into() });
    }

    fn localized(&mut self, path: &str, text: &Localized) {
        if !text.has(self.default_language) {
            self.error(path, format!("the text in the default language \"{}\" is missing", self.default_language));
        }
        for language in text.languages() {
            if !is_language_tag(language) {
                self.error(format!("{path}.{language}"), "is not a language code such as \"en\" or \"pt-BR\"");
            }
        }
    }

    fn choices(&mut self, path: &str, options: &[crate::definition::Choice], what: &str) {
        if options.len() < 2 {
            self.error(format!("{path}.options"), format!("{what} needs at least 2 options"));
        }
        let mut ids = HashSet::new();
        for (index, option) in options.iter().enumerate() {
            let option_path = format!("{path}.options[{index}]");
            self.option_id(&option_path, &option.id, &mut ids);
            self.localized(&format!("{option_path}.label"), &option.label);
        }
    }

    fn option_id<'a>(&mut self, path: &str, id: &'a str, seen: &mut HashSet<&'a str>) {
        if !is_slug(id) {
            self.error(format!("{path}.id"), SLUG_RULE);
        } else if !seen.insert(id) {
            self.error(format!("{path}.id"), format!("another option of this item already has the id \"{id}\""));
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
/// one 2 or 3 letters.
pub fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let primary_ok =
        subtags.next().is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    primary_ok && subtags.all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

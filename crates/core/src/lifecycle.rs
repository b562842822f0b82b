//! What a publisher may change in a consultation that is already published.
//!
//! Before it opens, anything. Once it has opened, ballots refer to its items,
//! options and projects by id and were cast under its rules, so only the texts
//! (corrections, new translations, the outcome) and the closing date may
//! change; every other difference is refused at its JSON path.

use serde_json::Value;
use time::OffsetDateTime;

use crate::definition::{Consultation, Item};
use crate::localized::Localized;
use crate::validate::{Problem, Rule, Severity};

/// The problems that stop `proposed` from replacing `current` at `now`;
/// empty when the update may go ahead.
pub fn check_update(current: &Consultation, proposed: &Consultation, now: OffsetDateTime) -> Vec<Problem> {
    if now < current.opens_at {
        return Vec::new();
    }
    let mut paths = Vec::new();
    let before = serde_json::to_value(frozen_part(current)).expect("a definition always serializes");
    let after = serde_json::to_value(frozen_part(proposed)).expect("a definition always serializes");
    differences(&before, &after, String::new(), &mut paths);
    let opened_on = current.opens_at.date();
    paths.into_iter().map(|path| Problem::new(Severity::Error, path, Rule::ChangedAfterOpening { opened_on })).collect()
}

/// The fields that may still change once a consultation has opened, as
/// paths without their indices (`items[].title` for `items[3].title`): the
/// texts and the closing date. [`frozen_part`] blanks exactly these.
const EDITABLE_AFTER_OPENING: [&str; 17] = [
    "title",
    "summary",
    "body",
    "organization",
    "contact",
    "codes_from",
    "outcome",
    "closes_at",
    "items[].title",
    "items[].body",
    "items[].options[].label",
    "items[].min_label",
    "items[].max_label",
    "items[].projects[].label",
    "items[].projects[].description",
    "profile[].title",
    "profile[].options[].label",
];

/// Whether the field at `path` (`items[2].options[0].label.fr`, as problems
/// name paths) may change once the consultation has opened: the editor
/// shows every other field read-only then, as [`check_update`] would refuse
/// its change.
pub fn editable_after_opening(path: &str) -> bool {
    let mut pattern = String::with_capacity(path.len());
    let mut in_index = false;
    for character in path.chars() {
        match character {
            '[' => {
                in_index = true;
                pattern.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            other => pattern.push(other),
        }
    }
    EDITABLE_AFTER_OPENING.iter().any(|editable| {
        pattern == *editable || pattern.strip_prefix(editable).is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The consultation with everything that may change after opening (or that
/// the file does not decide) blanked:
/// what is left must stay exactly as it was.
fn frozen_part(consultation: &Consultation) -> Consultation {
    let blank = Localized::default;
    let mut frozen = consultation.clone();
    frozen.title = blank();
    frozen.summary = blank();
    frozen.body = blank();
    frozen.organization = None;
    frozen.contact = None;
    frozen.codes_from = None;
    frozen.outcome = None;
    frozen.closes_at = OffsetDateTime::UNIX_EPOCH;
    // Archiving is done by staff, not by the file; the server keeps it.
    frozen.archived = false;
    for question in &mut frozen.profile {
        question.title = blank();
        question.options.iter_mut().for_each(|option| option.label = blank());
    }
    for item in &mut frozen.items {
        match item {
            Item::Info { title, body, .. } => {
                *title = blank();
                *body = blank();
            }
            Item::SingleChoice { title, options, .. }
            | Item::MultipleChoice { title, options, .. }
            | Item::Ranking { title, options, .. } => {
                *title = blank();
                options.iter_mut().for_each(|option| option.label = blank());
            }
            Item::YesNo { title, .. } | Item::Text { title, .. } => *title = blank(),
            Item::Scale { title, min_label, max_label, .. } => {
                *title = blank();
                *min_label = None;
                *max_label = None;
            }
            Item::Budget { title, projects, .. } => {
                *title = blank();
                for project in projects {
                    project.label = blank();
                    project.description = None;
                }
            }
        }
    }
    frozen
}

/// Collects the JSON paths (`items[1].options`) where `a` and `b` differ,
/// as deep as both still have the same shape.
fn differences(a: &Value, b: &Value, path: String, found: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(a_fields), Value::Object(b_fields)) => {
            let mut keys: Vec<&String> = a_fields.keys().chain(b_fields.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                match (a_fields.get(key), b_fields.get(key)) {
                    (Some(a), Some(b)) => differences(a, b, child, found),
                    _ => found.push(child),
                }
            }
        }
        (Value::Array(a_items), Value::Array(b_items)) if a_items.len() == b_items.len() => {
            for (index, (a, b)) in a_items.iter().zip(b_items).enumerate() {
                differences(a, b, format!("{path}[{index}]"), found);
            }
        }
        _ if a != b => found.push(path),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::parse_definition;
    use time::macros::datetime;

    const WATER: &str = include_str!("../../../demo/consultations/consult-water-services.json");

    fn water() -> Consultation {
        parse_definition(WATER).expect("the demo definition is valid").consultation
    }

    fn after_opening(c: &Consultation) -> OffsetDateTime {
        c.opens_at + time::Duration::hours(1)
    }

    #[test]
    fn the_editor_locks_what_an_update_may_not_change() {
        for editable in ["title", "title.fr", "closes_at", "items[3].title.ar", "items[0].options[2].label.en"] {
            assert!(editable_after_opening(editable), "{editable}");
        }
        for locked in ["id", "opens_at", "items", "items[1].id", "items[0].options", "items[0].options[1].id", "titles"]
        {
            assert!(!editable_after_opening(locked), "{locked}");
        }
        // Each editable field, changed after opening, is taken; each other, refused.
        let current = water();
        let now = after_opening(&current);
        let mut texts = current.clone();
        texts.title.0.insert("sw".to_owned(), "Huduma za maji".to_owned());
        texts.closes_at += time::Duration::days(7);
        assert!(check_update(&current, &texts, now).is_empty());
        let mut restructured = current.clone();
        restructured.items.pop();
        let refused = check_update(&current, &restructured, now);
        assert!(refused.iter().all(|problem| !editable_after_opening(&problem.path)), "{refused:?}");
    }

    fn paths(problems: &[Problem]) -> Vec<&str> {
        problems.iter().map(|p| p.path.as_str()).collect()
    }

    #[test]
    fn anything_may_change_before_opening() {
        let current = water();
        let mut proposed = current.clone();
        proposed.items.pop();
        proposed.opens_at = datetime!(2040-01-01 0:00 UTC);
        proposed.closes_at = datetime!(2040-02-01 0:00 UTC);
        let before_opening = current.opens_at - time::Duration::seconds(1);
        assert!(check_update(&current, &proposed, before_opening).is_empty());
    }

    #[test]
    fn texts_and_closing_date_may_change_after_opening() {
        let current = water();
        let mut proposed = current.clone();
        proposed.title.0.insert("sw".to_owned(), "Maji".to_owned());
        proposed.summary.0.values_mut().for_each(|text| text.push_str(" (corrected)"));
        proposed.closes_at += time::Duration::days(7);
        proposed.outcome = Some(Localized([("en".to_owned(), "We listened.".to_owned())].into()));
        for item in &mut proposed.items {
            if let Item::SingleChoice { options, .. } = item {
                options[0].label.0.insert("fr".to_owned(), "Corrigé".to_owned());
            }
        }
        assert_eq!(check_update(&current, &proposed, after_opening(&current)), vec![]);
    }

    #[test]
    fn items_are_locked_after_opening_with_their_paths() {
        let current = water();
        let at = after_opening(&current);

        let mut removed = current.clone();
        removed.items.pop();
        assert_eq!(paths(&check_update(&current, &removed, at)), ["items"]);

        let mut renamed = current.clone();
        let index = renamed.items.iter().position(|item| !item.options().is_empty()).expect("a choice item");
        match &mut renamed.items[index] {
            Item::SingleChoice { options, .. }
            | Item::MultipleChoice { options, .. }
            | Item::Ranking { options, .. } => options[1].id = "renamed".to_owned(),
            _ => unreachable!(),
        }
        let problems = check_update(&current, &renamed, at);
        assert_eq!(paths(&problems), [format!("items[{index}].options[1].id")]);
        assert!(problems[0].message.contains("only texts and the closing date"), "{}", problems[0].message);
        assert_eq!(problems[0].severity, Severity::Error);
        assert_eq!(problems[0].code, "changed_after_opening");
        let opened_on = current.opens_at.date().to_string();
        assert_eq!(problems[0].values, [("opened_on".to_owned(), opened_on.clone())].into());
        assert!(problems[0].message.contains(&format!("opened on {opened_on} and")), "{}", problems[0].message);
    }

    #[test]
    fn rules_and_opening_date_are_locked_after_opening() {
        let current = water();
        let mut proposed = current.clone();
        proposed.opens_at -= time::Duration::days(1);
        proposed.comments = !current.comments;
        proposed.results = crate::definition::ResultsVisibility::StaffOnly;
        let problems = check_update(&current, &proposed, after_opening(&current));
        let mut found = paths(&problems);
        found.sort();
        let mut expected = vec!["comments", "opens_at"];
        if current.results != proposed.results {
            expected.push("results");
        }
        expected.sort();
        assert_eq!(found, expected);
    }
}

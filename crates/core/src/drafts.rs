//! Drafts: consultation definitions a publisher is still writing, kept on
//! the server for staff only. A draft may break any rule while it is being
//! written; it becomes a consultation only when it is published, through the
//! same validation as any definition file ([`crate::validate::parse_definition`]).
//! These are the shapes of the staff API's draft routes, shared so the
//! editor reads exactly what the server writes.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::localized::Localized;
use crate::staff::Role;
use crate::validate::{parse_definition, Problem};

/// `POST /api/v1/admin/drafts`: the definition as written so far,
/// whatever it holds.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftRequest {
    /// A definition in the format of definition files, complete or not.
    pub definition: Map<String, Value>,
}

/// `PUT /api/v1/admin/drafts/{draft}`: the definition as it is now.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftEdit {
    pub definition: Map<String, Value>,
    /// The revision this edit was made from. If the draft has moved on
    /// since (another publisher saved it), nothing is saved and the answer
    /// is 409 `draft_changed`. Left out: saved regardless.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = u32::MAX)))]
    pub revision: Option<u32>,
}

/// A draft as the editor reads it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub id: Uuid,
    /// 1 when created, one more with each saved edit.
    pub revision: u32,
    pub definition: Map<String, Value>,
    /// Every problem core's validation finds in the definition as it is
    /// now, errors first: publishing is refused while any is an error.
    pub problems: Vec<Problem>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateTime"))]
    pub created_at: OffsetDateTime,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateTime"))]
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
    /// The id of the consultation it was last published as; absent while
    /// it has never been published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_as: Option<String>,
}

/// `GET /api/v1/admin/drafts`: every draft, the most recently edited first.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftList {
    pub drafts: Vec<DraftSummary>,
}

/// A draft as the list shows it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftSummary {
    pub id: Uuid,
    /// The definition's `id`, once it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consultation: Option<String>,
    /// The definition's `title`, once it has one that reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Localized>,
    /// How many errors keep it from being published.
    pub errors: u32,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateTime"))]
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_as: Option<String>,
}

impl DraftSummary {
    /// The summary of `draft`.
    pub fn of(draft: &Draft) -> Self {
        DraftSummary {
            id: draft.id,
            consultation: draft.definition.get("id").and_then(Value::as_str).map(str::to_owned),
            title: draft.definition.get("title").and_then(|title| serde_json::from_value(title.clone()).ok()),
            errors: draft.problems.iter().filter(|problem| problem.is_error()).count() as u32,
            updated_at: draft.updated_at,
            updated_by: draft.updated_by.clone(),
            published_as: draft.published_as.clone(),
        }
    }
}

/// Every problem core's validation finds in `definition`, errors first;
/// none when it would publish without a warning.
pub fn problems(definition: &Map<String, Value>) -> Vec<Problem> {
    let text = Value::Object(definition.clone()).to_string();
    match parse_definition(&text) {
        Ok(checked) => checked.warnings,
        Err(problems) => problems,
    }
}

/// The top-level fields that differ between two versions of a definition,
/// sorted: what the change log says an edit changed.
pub fn changed_fields(before: &Map<String, Value>, after: &Map<String, Value>) -> Vec<String> {
    let mut fields: Vec<String> =
        before.keys().chain(after.keys()).filter(|key| before.get(*key) != after.get(*key)).cloned().collect();
    fields.sort();
    fields.dedup();
    fields
}

/// How long a consultation started from scratch stays open: four weeks.
const BLANK_OPEN_DAYS: i64 = 28;

/// A definition to start from scratch: every field a definition needs, its
/// texts still empty in `default_language`, open for four weeks from
/// `opens_at`. It reads as a definition, so validation names every field
/// still to write rather than the first one missing.
pub fn blank_definition(default_language: &str, opens_at: OffsetDateTime) -> Map<String, Value> {
    let empty = || serde_json::json!({ default_language: "" });
    let at = |at: OffsetDateTime| {
        at.replace_nanosecond(0)
            .unwrap_or(at)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let blank = serde_json::json!({
        "id": "",
        "level": "consult",
        "default_language": default_language,
        "title": empty(),
        "summary": empty(),
        "body": empty(),
        "topics": [],
        "opens_at": at(opens_at),
        "closes_at": at(opens_at + time::Duration::days(BLANK_OPEN_DAYS)),
        "eligibility": "open",
        "results": "live",
        "comments": true,
        "items": [],
    });
    match blank {
        Value::Object(fields) => fields,
        _ => unreachable!("a JSON object literal is an object"),
    }
}

/// `GET /api/v1/admin/drafts/{draft}/changes`: newest first.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftChangeLog {
    pub changes: Vec<DraftChange>,
}

/// One recorded change of a draft: who, when, what.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftChange {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::DateTime"))]
    pub at: OffsetDateTime,
    pub by: String,
    #[serde(default)]
    pub role: Option<Role>,
    pub action: DraftAction,
    /// For an edit, the top-level fields it changed ([`changed_fields`]),
    /// comma-separated; for publishing, the consultation's id; empty when
    /// it was created.
    pub detail: String,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftAction {
    Created,
    Edited,
    Published,
}

impl DraftAction {
    pub const ALL: [DraftAction; 3] = [DraftAction::Created, DraftAction::Edited, DraftAction::Published];

    /// The name as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            DraftAction::Created => "created",
            DraftAction::Edited => "edited",
            DraftAction::Published => "published",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(fields) => fields,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn an_unfinished_draft_has_the_problems_validate_reports() {
        let found = problems(&object(json!({"id": "Not A Slug"})));
        assert!(!found.is_empty());
        assert!(found.iter().all(Problem::is_error), "{found:?}");
        let demo = include_str!("../../../demo/consultations/consult-water-services.json");
        let demo = object(serde_json::from_str(demo).unwrap());
        assert!(problems(&demo).iter().all(|problem| !problem.is_error()));
    }

    #[test]
    fn a_blank_definition_reads_and_names_every_text_still_to_write() {
        let at = time::macros::datetime!(2027-03-01 09:30:15.5 UTC);
        let blank = blank_definition("fr", at);
        assert_eq!(blank["opens_at"], "2027-03-01T09:30:15Z");
        assert_eq!(blank["closes_at"], "2027-03-29T09:30:15Z");
        let found = problems(&blank);
        let paths: Vec<&str> = found.iter().map(|problem| problem.path.as_str()).collect();
        assert!(found.iter().all(|problem| problem.code != "format"), "{found:?}");
        for path in ["id", "title", "summary", "body"] {
            assert!(paths.contains(&path), "{path} in {paths:?}");
        }
    }

    #[test]
    fn an_edit_names_the_fields_it_changed() {
        let before = object(json!({"id": "a", "title": {"en": "A"}, "region": "Coast"}));
        let after = object(json!({"id": "a", "title": {"en": "B"}, "topics": ["water"]}));
        assert_eq!(changed_fields(&before, &after), ["region", "title", "topics"]);
        assert!(changed_fields(&before, &before).is_empty());
    }

    #[test]
    fn the_summary_reads_what_the_definition_has_so_far() {
        let definition = object(json!({"id": "roads", "title": {"en": "Roads"}, "level": 7}));
        let draft = Draft {
            id: Uuid::nil(),
            revision: 1,
            problems: problems(&definition),
            definition,
            created_at: OffsetDateTime::UNIX_EPOCH,
            created_by: "Amina".to_owned(),
            updated_at: OffsetDateTime::UNIX_EPOCH,
            updated_by: "Amina".to_owned(),
            published_as: None,
        };
        let summary = DraftSummary::of(&draft);
        assert_eq!(summary.consultation.as_deref(), Some("roads"));
        assert_eq!(summary.title.unwrap().0["en"], "Roads");
        assert!(summary.errors >= 1);
        for action in DraftAction::ALL {
            assert_eq!(DraftAction::parse(action.as_str()), Some(action));
        }
    }
}

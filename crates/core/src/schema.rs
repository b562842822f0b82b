//! The JSON Schema of the definition format, derived from the
//! definition types themselves so it can never drift from what the server
//! accepts. Publishers point their editor at it (`baraza schema`, or
//! `/api/v1/schema/consultation.json`) to get completion and early errors.
//!
//! The schema checks shape: fields, types, enums, id slugs, no unknown
//! fields. Rules across fields (unique ids, `min ≤ max`, budgets, dates,
//! default-language texts) need [`crate::validate`], which the server runs.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value};

use crate::definition::{Consultation, Licence};
use crate::{admin, analysis, api, breakdown, drafts, open_data, paper, staff, sync};

/// What [`crate::validate::is_slug`] accepts, for editors.
pub const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// An RFC 3339 date and time, as definitions write `opens_at` and `closes_at`.
pub struct DateTime;

impl JsonSchema for DateTime {
    fn schema_name() -> Cow<'static, str> {
        "DateTime".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "A date and time with its offset (RFC 3339), e.g. 2027-01-31T23:59:59Z"
        })
    }
}

/// What [`Licence::new`] accepts, for editors.
pub const LICENCE_PATTERN: &str = "^[A-Za-z0-9]+([.-][A-Za-z0-9]+)*\\+?$";

impl JsonSchema for Licence {
    fn schema_name() -> Cow<'static, str> {
        "Licence".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": LICENCE_PATTERN,
            "maxLength": Licence::MAX_CHARS,
            "description": "The licence of the open data, as an SPDX id (https://spdx.org/licenses/), e.g. CC-BY-4.0 or CC0-1.0"
        })
    }
}

/// The schema of a consultation definition file.
pub fn consultation_schema() -> Schema {
    let mut schema = schemars::schema_for!(Consultation);
    schema.insert("title".to_owned(), "Baraza consultation definition".into());
    schema
}

/// Where [`api_schemas`] puts each schema, as a JSON pointer.
pub const API_SCHEMAS_PATH: &str = "/components/schemas";

/// The JSON Schema (draft 2020-12, as OpenAPI 3.1 takes it) of every body
/// the HTTP API reads or writes, by the name of its type, for an OpenAPI
/// document's `components.schemas`: each refers to the others at
/// `#/components/schemas/<name>`. Derived from the types the server and the
/// app read and write, so the document cannot drift from them.
pub fn api_schemas() -> Map<String, Value> {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = API_SCHEMAS_PATH.into();
    settings.meta_schema = None;
    let mut generator = settings.into_generator();
    macro_rules! named {
        ($($type:ty),* $(,)?) => { $( generator.subschema_for::<$type>(); )* };
    }
    named!(
        Consultation,
        api::ConsultationList,
        api::CommentsPage,
        api::ResultsResponse,
        api::ApiError,
        sync::SyncRequest,
        sync::Action,
        sync::SyncResponse,
        staff::StaffMember,
        admin::AdminConsultationList,
        admin::AdminConsultation,
        admin::Published,
        admin::OutcomeRequest,
        admin::CodesRequest,
        admin::ArchiveRequest,
        admin::ChangeLog,
        admin::ReceiptCheck,
        drafts::DraftRequest,
        drafts::DraftEdit,
        drafts::Draft,
        drafts::DraftList,
        drafts::DraftChangeLog,
        paper::PaperBatch,
        paper::PaperBatchResponse,
        analysis::ModerationPage,
        analysis::ModeratedComment,
        analysis::HideRequest,
        analysis::AdminResults,
        breakdown::Breakdowns,
        open_data::PublicTallies,
        open_data::Catalogue,
    );
    generator.take_definitions(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_refuses_unknown_fields_and_names_every_item_type() {
        let schema = serde_json::to_value(consultation_schema()).unwrap();
        assert_eq!(schema["additionalProperties"], false);
        let text = schema.to_string();
        for item_type in ["info", "single_choice", "multiple_choice", "yes_no", "scale", "ranking", "budget", "text"] {
            assert!(text.contains(&format!("\"{item_type}\"")), "{item_type} is missing");
        }
    }

    /// The bodies the API reads and writes are there by their types' names,
    /// with the types they are made of (the server's tests check that every
    /// reference of its document resolves).
    #[test]
    fn the_api_schemas_are_named_after_their_types() {
        let schemas = api_schemas();
        for name in [
            "SyncRequest",
            "Action",
            "Ballot",
            "ApiError",
            "Problem",
            "ReceiptCheck",
            "Consultation",
            "ResultsResponse",
            "AdminResults",
        ] {
            assert!(schemas.contains_key(name), "{name} is missing");
        }
    }

    #[test]
    fn the_schema_offers_both_completion_steps_of_equal_shares() {
        let schema = serde_json::to_value(consultation_schema()).unwrap();
        let step = &schema["$defs"]["CompletionStep"];
        let names: Vec<&str> = step["oneOf"].as_array().unwrap().iter().map(|v| v["const"].as_str().unwrap()).collect();
        assert_eq!(names, ["share_percent", "currency_unit"], "{step}");
    }
}

//! The JSON Schema of the definition format, derived from the
//! definition types themselves so it can never drift from what the server
//! accepts. Publishers point their editor at it (`baraza schema`, or
//! `/api/v1/schema/consultation.json`) to get completion and early errors.
//!
//! The schema checks shape: fields, types, enums, id slugs, no unknown
//! fields. Rules across fields (unique ids, `min ≤ max`, budgets, dates,
//! default-language texts) need [`crate::validate`], which the server runs.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::definition::Consultation;

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

/// The schema of a consultation definition file.
pub fn consultation_schema() -> Schema {
    let mut schema = schemars::schema_for!(Consultation);
    schema.insert("title".to_owned(), "Baraza consultation definition".into());
    schema
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

    #[test]
    fn the_schema_offers_both_completion_steps_of_equal_shares() {
        let schema = serde_json::to_value(consultation_schema()).unwrap();
        let step = &schema["$defs"]["CompletionStep"];
        let names: Vec<&str> = step["oneOf"].as_array().unwrap().iter().map(|v| v["const"].as_str().unwrap()).collect();
        assert_eq!(names, ["share_percent", "currency_unit"], "{step}");
    }
}

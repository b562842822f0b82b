//! `GET /api/v1/openapi.json`: the API described for client generators,
//! readers and contract tests. The routes, parameters and answers are
//! written by hand in `openapi.json` next to the routes; the schema of every
//! body they name comes from core's types (`schema::api_schemas`), so the
//! document cannot drift from what the server reads and writes — but for the
//! JSON export, which the server writes as it reads the ballots, and whose
//! schema is core's `analysis::EXPORT_SCHEMA` (its tests check the export
//! against it). A test calls
//! every operation it lists, so a route cannot vanish from under it.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use baraza_core::analysis::EXPORT_SCHEMA;
use serde_json::{Map, Value};

use super::AppState;

const ROUTES: &str = include_str!("openapi.json");

/// The document, made once: the routes with core's schemas in `components`.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    let mut document: Value = serde_json::from_str(ROUTES).expect("openapi.json, built in, is JSON");
    let mut schemas = baraza_core::schema::api_schemas();
    schemas.extend(export_schemas());
    document["components"]["schemas"] = Value::Object(schemas);
    document.to_string()
});

/// The JSON export's schema as components of the document: `Export`, and
/// each of its definitions beside it as `Export` and its name in camel case
/// (`Export` + `ItemResult` for `item_result`), every reference rewritten
/// to match.
fn export_schemas() -> Map<String, Value> {
    let mut export: Map<String, Value> =
        serde_json::from_str(EXPORT_SCHEMA).expect("core's export schema, built in, is a JSON object");
    export.remove("$schema");
    let definitions = match export.remove("$defs") {
        Some(Value::Object(definitions)) => definitions,
        _ => Map::new(),
    };
    let mut schemas: Map<String, Value> =
        definitions.into_iter().map(|(name, schema)| (component_name(&name), schema)).collect();
    schemas.insert("Export".to_owned(), Value::Object(export));
    for schema in schemas.values_mut() {
        rewrite_references(schema);
    }
    schemas
}

fn component_name(definition: &str) -> String {
    let camel: String = definition
        .split('_')
        .map(|word| {
            let mut letters = word.chars();
            letters.next().map(|first| first.to_uppercase().chain(letters).collect::<String>()).unwrap_or_default()
        })
        .collect();
    format!("Export{camel}")
}

fn rewrite_references(schema: &mut Value) {
    match schema {
        Value::Object(fields) => {
            for (key, value) in fields.iter_mut() {
                match (key.as_str(), &*value) {
                    ("$ref", Value::String(reference)) => {
                        if let Some(name) = reference.strip_prefix("#/$defs/") {
                            *value = Value::String(format!("#/components/schemas/{}", component_name(name)));
                        }
                    }
                    _ => rewrite_references(value),
                }
            }
        }
        Value::Array(values) => values.iter_mut().for_each(rewrite_references),
        _ => {}
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/openapi.json", get(document))
}

async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}

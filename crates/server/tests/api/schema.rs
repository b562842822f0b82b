//! The JSON Schema of definitions (`/api/v1/schema/consultation.json`,
//! `baraza schema`): the demo definitions pass it, broken ones do not.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::http::{header, StatusCode};
use serde_json::{json, Value};

use crate::common::*;

async fn validator(server: &TestServer) -> jsonschema::Validator {
    let answer = server.get("/api/v1/schema/consultation.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers[header::CONTENT_TYPE], "application/schema+json");
    jsonschema::draft202012::options().should_validate_formats(true).build(&answer.json()).unwrap()
}

fn demo(file: &str) -> Value {
    let path = format!("{}/../../demo/consultations/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[apply(databases)]
#[tokio::test]
async fn the_demo_definitions_follow_the_schema(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let validator = validator(&server).await;
    for file in ["consult-water-services.json", "inform-coastal-road.json", "decide-village-budget.json"] {
        let errors: Vec<String> = validator.iter_errors(&demo(file)).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }
}

#[apply(databases)]
#[tokio::test]
async fn broken_definitions_do_not_follow_the_schema(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let validator = validator(&server).await;
    let water = demo("consult-water-services.json");
    type Breakage = fn(&mut Value);
    let breakages: [(&str, Breakage); 7] = [
        ("a typo in a field name", |d| d["comments_enabled"] = json!(true)),
        ("an id that is not a slug", |d| d["id"] = json!("Water Services")),
        ("an unknown item type", |d| d["items"][0]["type"] = json!("dropdown")),
        ("an unknown field in an item", |d| d["items"][0]["colour"] = json!("blue")),
        ("a missing title", |d| drop(d.as_object_mut().unwrap().remove("title"))),
        ("a date that is not a date", |d| d["closes_at"] = json!("end of January")),
        ("an unknown level", |d| d["level"] = json!("involve")),
    ];
    for (what, break_it) in breakages {
        let mut broken = water.clone();
        break_it(&mut broken);
        assert!(!validator.is_valid(&broken), "{what} passed the schema");
    }
}

#[test]
fn baraza_schema_prints_the_served_schema() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_baraza")).arg("schema").output().unwrap();
    assert!(output.status.success());
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed, serde_json::to_value(baraza_core::schema::consultation_schema()).unwrap());
    assert_eq!(printed["title"], "Baraza consultation definition");
}

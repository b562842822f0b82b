//! `/api/v1/openapi.json` describes routes that exist: every operation it
//! lists is called and must reach a handler; and the problems of a refused
//! definition as core writes them.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::http::StatusCode;
use baraza_core::staff::Role;
use baraza_core::validate::{Problem, Rule, Severity};
use serde_json::Value;

use crate::common::*;

#[apply(databases)]
#[tokio::test]
async fn every_documented_operation_reaches_a_route(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let answer = server.get("/api/v1/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    let document = answer.json();
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.len() >= 20, "{} paths", paths.len());
    let token = server.token(Role::Analyst).await;
    let mut operations = 0;
    for (template, methods) in paths {
        let path = template
            .replace("{id}", WATER)
            .replace("{comment}", "5f0c6a2e-8d0b-4c43-9d7e-2b1f4b0a9e11")
            .replace("{receipt}", "0123456789abcdef");
        for method in methods.as_object().unwrap().keys() {
            operations += 1;
            let answer = server.send_as(&method.to_uppercase(), &path, Some(&token), Some(Value::Null)).await;
            let code = serde_json::from_slice::<Value>(&answer.body).ok().map(|body| body["error"]["code"].clone());
            let unrouted = matches!(code.as_ref().and_then(Value::as_str), Some("not_found" | "method_not_allowed"));
            assert!(!unrouted, "{method} {template} is documented but has no route");
        }
    }
    assert!(operations >= 22, "{operations} operations");
}

#[apply(databases)]
#[tokio::test]
async fn the_problem_schema_has_every_field_core_writes(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let document = server.get("/api/v1/openapi.json").await.json();
    let schema = &document["components"]["schemas"]["Problem"];
    let problem = Problem::new(Severity::Error, "items[1].min", Rule::MinOverMax { min: 3, max: 2 });
    let written = serde_json::to_value(&problem).unwrap();
    let mut fields: Vec<&String> = written.as_object().unwrap().keys().collect();
    fields.sort();
    let mut documented: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    documented.sort();
    assert_eq!(fields, documented);
    let mut required: Vec<&str> = schema["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    required.sort();
    assert_eq!(required, fields.iter().map(|f| f.as_str()).collect::<Vec<_>>());
    let error_problems = &document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["problems"];
    assert_eq!(error_problems["items"]["$ref"], "#/components/schemas/Problem");
}

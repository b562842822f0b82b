//! `/api/v1/openapi.json` describes routes that exist: every operation it
//! lists is called and must reach a handler.

use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::Value;

use crate::common::*;

#[tokio::test]
async fn every_documented_operation_reaches_a_route() {
    let server = TestServer::start().await;
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

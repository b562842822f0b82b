//! `/api/v1/openapi.json` describes routes that exist: every operation it
//! lists is called and must reach a handler; every reference in it
//! resolves; and the server's answers match the schemas it gives them.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::{json, Value};

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
            .replace("{receipt}", "0123456789abcdef")
            .replace("{draft}", "0b7c3e55-1f2a-4d6b-9c8e-3a4f5b6c7d80");
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

/// The schema the document gives the answer of `method template` with
/// `status`, as one schema with the document's components beside it, so
/// that its references resolve.
fn answer_schema(document: &Value, method: &str, template: &str, status: u16) -> Value {
    let answer = &document["paths"][template][method]["responses"][status.to_string()];
    let answer = match answer["$ref"].as_str() {
        Some(reference) => &document["components"]["responses"][reference.rsplit('/').next().unwrap()],
        None => answer,
    };
    let content = &answer["content"];
    let json = if content["application/ld+json"].is_object() { "application/ld+json" } else { "application/json" };
    let schema = content[json]["schema"].clone();
    assert!(schema.is_object(), "{method} {template} {status} documents no JSON schema");
    json!({ "$ref": "#/$defs/answer", "$defs": { "answer": schema }, "components": document["components"] })
}

fn assert_conforms(document: &Value, method: &str, template: &str, answer: &Answer) {
    let schema = answer_schema(document, method, template, answer.status.as_u16());
    let validator = jsonschema::draft202012::new(&schema).unwrap_or_else(|error| panic!("{template}: {error}"));
    let body = answer.json();
    let errors: Vec<String> =
        validator.iter_errors(&body).map(|error| format!("{error} at {}", error.instance_path())).collect();
    assert!(errors.is_empty(), "{method} {template} {}: {errors:?}\n{body}", answer.status);
}

/// Every reference in the document names a schema or answer it has.
#[apply(databases)]
#[tokio::test]
async fn every_reference_of_the_document_resolves(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let document = server.get("/api/v1/openapi.json").await.json();
    fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(fields) => {
                found.extend(fields.get("$ref").and_then(Value::as_str));
                fields.values().for_each(|field| references(field, found));
            }
            Value::Array(values) => values.iter().for_each(|value| references(value, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    references(&document, &mut found);
    assert!(found.len() > 40, "{} references", found.len());
    for reference in found {
        let pointer = reference.strip_prefix('#').unwrap_or_else(|| panic!("{reference} leaves the document"));
        assert!(document.pointer(pointer).is_some(), "{reference} resolves to nothing");
    }
}

/// What the server answers is what the document says, for answers of each
/// kind of body: public reads, a sync, staff reads and changes, errors.
#[apply(databases)]
#[tokio::test]
async fn answers_match_their_documented_schemas(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let document = server.get("/api/v1/openapi.json").await.json();
    let synced = server
        .post(
            "/api/v1/sync",
            "application/json",
            json!({ "participant": PARTICIPANT, "actions": [
                comment(&new_id(), WATER, "Kiosks close too early."),
                ballot(&new_id(), WATER, "tariff", json!({"choice": "none"})),
                ballot(&new_id(), WATER, "kiosk-sites", json!({"ranking": ["school", "market"]})),
                ballot(&new_id(), WATER, "satisfaction", json!({"value": 4})),
                {"id": "not an action"},
            ]})
            .to_string(),
        )
        .await;
    assert_conforms(&document, "post", "/api/v1/sync", &synced);
    let comment_id = synced.json()["results"][0]["id"].as_str().unwrap().to_owned();
    let receipt = synced.json()["results"][0]["receipt"].as_str().unwrap().to_owned();
    // The schemas hold answers to something: a list of empty objects is no list of consultations.
    let list = answer_schema(&document, "get", "/api/v1/consultations", 200);
    assert!(!jsonschema::draft202012::is_valid(&list, &json!({"consultations": [{}]})));
    for (path, template) in [
        ("/api/v1/consultations".to_owned(), "/api/v1/consultations"),
        (format!("/api/v1/consultations/{WATER}"), "/api/v1/consultations/{id}"),
        (format!("/api/v1/consultations/{VILLAGE}"), "/api/v1/consultations/{id}"),
        (format!("/api/v1/consultations/{WATER}/comments"), "/api/v1/consultations/{id}/comments"),
        ("/api/v1/consultations/nowhere".to_owned(), "/api/v1/consultations/{id}"),
        (format!("/api/v1/consultations/{WATER}/comments?limit=0"), "/api/v1/consultations/{id}/comments"),
        (format!("/api/v1/consultations/{WATER}/results"), "/api/v1/consultations/{id}/results"),
        (format!("/api/v1/consultations/{VILLAGE}/results"), "/api/v1/consultations/{id}/results"),
        (format!("/api/v1/consultations/{WATER}/tallies.json"), "/api/v1/consultations/{id}/tallies.json"),
        (format!("/api/v1/consultations/{VILLAGE}/tallies.json"), "/api/v1/consultations/{id}/tallies.json"),
        (format!("/api/v1/consultations/{VILLAGE}/tallies.csv"), "/api/v1/consultations/{id}/tallies.csv"),
    ] {
        assert_conforms(&document, "get", template, &server.get(&path).await);
    }
    let catalogue = server.get_with("/api/v1/catalogue", (axum::http::header::HOST, "baraza.example.org")).await;
    assert_eq!(catalogue.status, StatusCode::OK);
    assert_conforms(&document, "get", "/api/v1/catalogue", &catalogue);
    let analyst = server.token(Role::Analyst).await;
    let publisher = server.token(Role::Publisher).await;
    let as_staff = [
        (&analyst, "GET", "/api/v1/admin/me".to_owned(), "/api/v1/admin/me", None),
        (&analyst, "GET", "/api/v1/admin/consultations".to_owned(), "/api/v1/admin/consultations", None),
        (&analyst, "GET", format!("/api/v1/admin/receipts/{receipt}"), "/api/v1/admin/receipts/{receipt}", None),
        (
            &analyst,
            "GET",
            format!("/api/v1/admin/consultations/{WATER}/comments"),
            "/api/v1/admin/consultations/{id}/comments",
            None,
        ),
        (
            &analyst,
            "POST",
            format!("/api/v1/admin/comments/{comment_id}/hide"),
            "/api/v1/admin/comments/{comment}/hide",
            Some(json!({"reason": "off topic"})),
        ),
        (
            &analyst,
            "POST",
            format!("/api/v1/admin/comments/{comment_id}/hide"),
            "/api/v1/admin/comments/{comment}/hide",
            Some(json!({"reason": " "})),
        ),
        (
            &analyst,
            "GET",
            format!("/api/v1/admin/consultations/{WATER}/results"),
            "/api/v1/admin/consultations/{id}/results",
            None,
        ),
        (
            &analyst,
            "GET",
            format!("/api/v1/admin/consultations/{WATER}/export.json"),
            "/api/v1/admin/consultations/{id}/export.json",
            None,
        ),
        (&analyst, "POST", "/api/v1/admin/consultations".to_owned(), "/api/v1/admin/consultations", Some(json!({}))),
        (
            &publisher,
            "POST",
            "/api/v1/admin/consultations".to_owned(),
            "/api/v1/admin/consultations",
            Some(json!({"id": "Not A Slug"})),
        ),
        (
            &publisher,
            "PUT",
            format!("/api/v1/admin/consultations/{WATER}/outcome"),
            "/api/v1/admin/consultations/{id}/outcome",
            Some(json!({"outcome": {"en": "We heard you."}})),
        ),
        (
            &publisher,
            "GET",
            format!("/api/v1/admin/consultations/{WATER}/changes"),
            "/api/v1/admin/consultations/{id}/changes",
            None,
        ),
    ];
    for (token, method, path, template, body) in as_staff {
        let answer = server.send_as(method, &path, Some(token), body).await;
        assert_conforms(&document, &method.to_lowercase(), template, &answer);
    }
    let drafts = "/api/v1/admin/drafts";
    let created = server.send_as("POST", drafts, Some(&publisher), Some(json!({"definition": {"id": "roads"}}))).await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_conforms(&document, "post", drafts, &created);
    let draft = format!("{drafts}/{}", created.json()["id"].as_str().unwrap());
    let template = "/api/v1/admin/drafts/{draft}";
    let stale = json!({"definition": {}, "revision": 7});
    for (method, path, template, body) in [
        ("GET", drafts.to_owned(), drafts, None),
        ("GET", draft.clone(), template, None),
        ("PUT", draft.clone(), template, Some(json!({"definition": definition(ROAD), "revision": 1}))),
        ("PUT", draft.clone(), template, Some(stale)),
        ("GET", format!("{draft}/changes"), "/api/v1/admin/drafts/{draft}/changes", None),
        ("POST", format!("{draft}/publish"), "/api/v1/admin/drafts/{draft}/publish", None),
        ("PUT", draft.clone(), template, Some(json!({"definition": {"id": "Not A Slug"}}))),
        ("POST", format!("{draft}/publish"), "/api/v1/admin/drafts/{draft}/publish", None),
        ("DELETE", draft.clone(), template, None),
        ("GET", draft.clone(), template, None),
    ] {
        let answer = server.send_as(method, &path, Some(&publisher), body).await;
        if answer.status != StatusCode::NO_CONTENT {
            assert_conforms(&document, &method.to_lowercase(), template, &answer);
        }
    }
    let without_token = server.get("/api/v1/admin/me").await;
    assert_eq!(without_token.status, StatusCode::UNAUTHORIZED);
    assert_conforms(&document, "get", "/api/v1/admin/me", &without_token);
}

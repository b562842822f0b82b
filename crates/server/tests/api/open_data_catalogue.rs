//! `GET /api/v1/catalogue`: every consultation whose tallies are public, as
//! a DCAT catalogue in JSON-LD.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

use crate::common::*;

const HOST: &str = "baraza.example.org";

async fn catalogue(server: &TestServer) -> Value {
    let answer = server.get_with("/api/v1/catalogue", (header::HOST, HOST)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.headers[header::CONTENT_TYPE], "application/ld+json");
    answer.json()
}

fn dataset<'a>(catalogue: &'a Value, id: &str) -> &'a Value {
    catalogue["dcat:dataset"]
        .as_array()
        .unwrap()
        .iter()
        .find(|dataset| dataset["dct:identifier"] == id)
        .unwrap_or_else(|| panic!("{id} is not in the catalogue"))
}

fn identifiers(catalogue: &Value) -> Vec<&str> {
    let mut ids: Vec<&str> =
        catalogue["dcat:dataset"].as_array().unwrap().iter().map(|d| d["dct:identifier"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids
}

#[apply(databases)]
#[tokio::test]
async fn the_catalogue_lists_exactly_the_consultations_whose_tallies_are_public(#[case] database: Database) {
    let server = TestServer::start(database).await;
    // Water and the road are live; the village is after_close and open.
    assert_eq!(identifiers(&catalogue(&server).await), [ROAD, WATER]);

    let mut water = definition(WATER);
    water["results"] = json!("staff_only");
    water["closes_at"] = json!("2021-01-01T00:00:00Z");
    server.publish(water).await;
    let mut village = definition(VILLAGE);
    village["closes_at"] = json!("2021-01-01T00:00:00Z");
    village["licence"] = json!("CC0-1.0");
    server.publish(village).await;
    let listed = catalogue(&server).await;
    assert_eq!(identifiers(&listed), [ROAD, VILLAGE]);

    assert_eq!(listed["@type"], "dcat:Catalog");
    assert_eq!(listed["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
    assert_eq!(listed["@context"]["dct"], "http://purl.org/dc/terms/");
    let village = dataset(&listed, VILLAGE);
    assert_eq!(village["@type"], "dcat:Dataset");
    assert_eq!(
        village["dct:license"],
        json!({"@id": "https://spdx.org/licenses/CC0-1.0.html", "dct:identifier": "CC0-1.0"})
    );
    assert_eq!(village["dct:title"]["sw"], "Bajeti shirikishi ya kijiji 2027");
    assert_eq!(village["dcat:landingPage"]["@id"], format!("http://{HOST}/c/{VILLAGE}"));
    let distributions = village["dcat:distribution"].as_array().unwrap();
    let files: Vec<(&str, &str, &str)> = distributions
        .iter()
        .map(|d| {
            assert_eq!(d["@type"], "dcat:Distribution");
            assert_eq!(d["dct:license"]["dct:identifier"], "CC0-1.0");
            (
                d["dcat:downloadURL"]["@id"].as_str().unwrap(),
                d["dcat:mediaType"]["@id"].as_str().unwrap(),
                d["dct:format"].as_str().unwrap(),
            )
        })
        .collect();
    let csv = format!("http://{HOST}/api/v1/consultations/{VILLAGE}/tallies.csv");
    let json_file = format!("http://{HOST}/api/v1/consultations/{VILLAGE}/tallies.json");
    assert_eq!(
        files,
        [
            (csv.as_str(), "https://www.iana.org/assignments/media-types/text/csv", "CSV"),
            (json_file.as_str(), "https://www.iana.org/assignments/media-types/application/json", "JSON"),
        ]
    );
    // Each file the catalogue lists downloads without a token.
    for (url, _, _) in &files {
        let path = url.strip_prefix(&format!("http://{HOST}")).unwrap();
        assert_eq!(server.get(path).await.status, StatusCode::OK, "{path}");
    }
    assert_eq!(dataset(&listed, ROAD)["dct:license"]["dct:identifier"], "CC-BY-4.0", "the default licence");
}

#[apply(databases)]
#[tokio::test]
async fn any_site_may_read_the_open_data_from_a_browser(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let from_another_site = |path: &str| {
        Request::get(path)
            .header(header::HOST, HOST)
            .header(header::ORIGIN, "https://data.example.org")
            .body(Body::empty())
            .unwrap()
    };
    for path in [
        "/api/v1/catalogue".to_owned(),
        format!("/api/v1/consultations/{WATER}/tallies.csv"),
        format!("/api/v1/consultations/{WATER}/tallies.json"),
    ] {
        let answer = server.send(from_another_site(&path)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*", "{path}");
    }
    // Staff routes stay closed to other sites' pages.
    let staff = server.send(from_another_site(&format!("/api/v1/admin/consultations/{WATER}/export.csv"))).await;
    assert!(staff.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}

#[apply(databases)]
#[tokio::test]
async fn a_dataset_was_modified_on_the_last_day_anyone_took_part_or_its_definition_changed(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let water = catalogue(&server).await;
    assert_eq!(dataset(&water, WATER)["dct:modified"], json!({"@value": today, "@type": "xsd:date"}));

    server
        .execute(&format!(
            "UPDATE consultations SET updated_at = 1577836800000 WHERE id = '{WATER}'" // 2020-01-01
        ))
        .await;
    let published_long_ago = catalogue(&server).await;
    assert_eq!(dataset(&published_long_ago, WATER)["dct:modified"]["@value"], "2020-01-01");
    server.sync(PARTICIPANT, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}))]).await;
    let answered = catalogue(&server).await;
    assert_eq!(dataset(&answered, WATER)["dct:modified"]["@value"], today);
}

#[apply(databases)]
#[tokio::test]
async fn links_use_the_public_url_when_the_server_has_one(#[case] database: Database) {
    let server = TestServer::start(database).await.with_public_url("https://consult.example.go.tz");
    let listed = catalogue(&server).await;
    assert_eq!(listed["@id"], "https://consult.example.go.tz/api/v1/catalogue");
    assert_eq!(
        dataset(&listed, WATER)["dcat:distribution"][0]["dcat:downloadURL"]["@id"],
        format!("https://consult.example.go.tz/api/v1/consultations/{WATER}/tallies.csv")
    );
}

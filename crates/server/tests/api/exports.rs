//! Open-data exports: the ballots CSV, the tallies CSV and the JSON export
//! with its schema.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use axum::http::{header, StatusCode};
use baraza_core::staff::Role;
use serde_json::{json, Value};

const BOM: &str = "\u{feff}";

async fn download(server: &TestServer, consultation: &str, file: &str) -> Answer {
    let analyst = server.token(Role::Analyst).await;
    let path = format!("/api/v1/admin/consultations/{consultation}/{file}");
    let answer = server.send_as("GET", &path, Some(&analyst), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    let disposition = answer.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\""), "{disposition}");
    assert_eq!(answer.headers[header::CACHE_CONTROL], "no-store");
    answer
}

/// The rows of a CSV download, read by a CSV library, header first.
fn csv_rows(answer: &Answer) -> Vec<Vec<String>> {
    assert_eq!(answer.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let text = std::str::from_utf8(&answer.body).unwrap();
    let text = text.strip_prefix(BOM).expect("a UTF-8 byte-order mark first");
    assert!(text.ends_with("\r\n"));
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0].iter().position(|c| c == name).unwrap_or_else(|| panic!("no column {name}"))
}

/// The rows of one item, as maps from column name to value.
fn rows_of(rows: &[Vec<String>], item: &str) -> Vec<std::collections::HashMap<String, String>> {
    let item_column = column(rows, "item");
    rows[1..]
        .iter()
        .filter(|row| row[item_column] == item)
        .map(|row| rows[0].iter().cloned().zip(row.iter().cloned()).collect())
        .collect()
}

const TRICKY: &str = "=HYPERLINK(\"http://evil\", \"click\")\nsecond line, with a comma";

async fn cast_water(server: &TestServer) {
    server
        .sync(
            PARTICIPANT,
            &[
                ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"})),
                ballot(&new_id(), WATER, "priorities", json!({"choices": ["leaks", "hours"]})),
                ballot(&new_id(), WATER, "satisfaction", json!({"value": 2})),
                ballot(&new_id(), WATER, "kiosk-sites", json!({"ranking": ["school", "market"]})),
                ballot(&new_id(), WATER, "ideas", json!({"text": "first thought"})),
            ],
        )
        .await;
    // A replaced answer: only the newer one is exported.
    server.sync(PARTICIPANT, &[ballot(&new_id(), WATER, "ideas", json!({"text": TRICKY}))]).await;
    server.sync(OTHER_PARTICIPANT, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}))]).await;
}

#[apply(databases)]
#[tokio::test]
async fn the_ballots_csv_has_one_row_per_standing_ballot(#[case] database: Database) {
    let server = TestServer::start(database).await;
    cast_water(&server).await;
    let answer = download(&server, WATER, "export.csv").await;
    let rows = csv_rows(&answer);
    assert_eq!(
        rows[0],
        [
            "consultation",
            "item",
            "item_type",
            "ballot_id",
            "participant",
            "cast_at",
            "received_at",
            "choice",
            "choices",
            "answer",
            "value",
            "ranking",
            "projects",
            "useful",
            "text",
            "channel"
        ]
    );
    assert_eq!(rows.len(), 1 + 6);
    let tariff = rows_of(&rows, "tariff");
    assert_eq!(tariff.len(), 2);
    assert_eq!(tariff.iter().map(|r| r["choice"].as_str()).collect::<Vec<_>>(), ["blocks", "flat"], "by cast time");
    assert_eq!(rows_of(&rows, "priorities")[0]["choices"], "leaks;hours");
    assert_eq!(rows_of(&rows, "satisfaction")[0]["value"], "2");
    assert_eq!(rows_of(&rows, "kiosk-sites")[0]["ranking"], "school;market");
    let ideas = rows_of(&rows, "ideas");
    assert_eq!(ideas.len(), 1);
    // Quotes, the line break and the comma survive; the formula is defused.
    assert_eq!(ideas[0]["text"], format!("'{TRICKY}"));
    assert_eq!(ideas[0]["item_type"], "text");

    // Participants appear as pseudonyms: the same for one person's ballots,
    // different between people, never the device's id.
    let body = String::from_utf8(answer.body.clone()).unwrap();
    assert!(!body.contains(PARTICIPANT) && !body.contains(OTHER_PARTICIPANT));
    let mine = &rows_of(&rows, "satisfaction")[0]["participant"];
    assert_eq!(mine.len(), 16);
    assert_eq!(&tariff[0]["participant"], mine);
    assert_ne!(&tariff[1]["participant"], mine);
    assert!(uuid::Uuid::parse_str(&tariff[0]["ballot_id"]).is_ok());
    assert!(tariff[0]["cast_at"].ends_with('Z') && tariff[0]["received_at"].ends_with('Z'));
}

#[apply(databases)]
#[tokio::test]
async fn decide_ballots_are_exported_without_anything_that_links_them(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let mut village = definition(VILLAGE);
    village["eligibility"] = json!("open");
    server.publish(village).await;
    let mut ids = Vec::new();
    for (participant, projects) in [(PARTICIPANT, json!(["well", "classroom"])), (OTHER_PARTICIPANT, json!(["road"]))] {
        let id = new_id();
        server.sync(participant, &[ballot(&id, VILLAGE, "projects", json!({ "projects": projects }))]).await;
        ids.push(id);
    }
    server.sync(PARTICIPANT, &[ballot(&new_id(), VILLAGE, "market-day", json!({"answer": "yes"}))]).await;

    let answer = download(&server, VILLAGE, "export.csv").await;
    let rows = csv_rows(&answer);
    assert_eq!(rows.len(), 1 + 3);
    for row in &rows[1..] {
        for name in ["ballot_id", "participant", "cast_at", "received_at"] {
            assert_eq!(row[column(&rows, name)], "", "{name} is empty for decide");
        }
    }
    // Listed by content, not by arrival.
    let projects: Vec<String> = rows_of(&rows, "projects").iter().map(|r| r["projects"].clone()).collect();
    assert_eq!(projects, ["road", "well;classroom"]);
    let json_export = download(&server, VILLAGE, "export.json").await;
    for body in [&answer.body, &json_export.body] {
        let body = String::from_utf8(body.clone()).unwrap();
        for secret in [PARTICIPANT, OTHER_PARTICIPANT, &ids[0], &ids[1]] {
            assert!(!body.contains(secret), "{secret} is in a decide export");
        }
    }
}

#[apply(databases)]
#[tokio::test]
async fn the_tallies_csv_has_a_row_per_counted_key(#[case] database: Database) {
    let server = TestServer::start(database).await;
    cast_water(&server).await;
    let rows = csv_rows(&download(&server, WATER, "tallies.csv").await);
    assert_eq!(
        rows[0],
        [
            "consultation",
            "item",
            "item_type",
            "method",
            "ballots",
            "key",
            "count",
            "score",
            "selected",
            "winner",
            "mean",
            "median"
        ]
    );
    let tariff = rows_of(&rows, "tariff");
    let counts: Vec<(&str, &str)> = tariff.iter().map(|r| (r["key"].as_str(), r["count"].as_str())).collect();
    assert_eq!(counts, [("blocks", "1"), ("flat", "1"), ("per-litre", "0")]);
    assert!(tariff.iter().all(|r| r["ballots"] == "2" && r["item_type"] == "single_choice"));
    let sites = rows_of(&rows, "kiosk-sites");
    let school = sites.iter().find(|r| r["key"] == "school").unwrap();
    assert_eq!((school["method"].as_str(), school["winner"].as_str()), ("instant_runoff", "true"));
    assert_eq!(sites.iter().find(|r| r["key"] == "market").unwrap()["winner"], "false");
    let satisfaction = rows_of(&rows, "satisfaction");
    assert_eq!(satisfaction.len(), 5);
    assert!(satisfaction.iter().all(|r| r["mean"] == "2" && r["median"] == "2"));
    let ideas = rows_of(&rows, "ideas");
    assert_eq!(ideas.len(), 1);
    assert_eq!((ideas[0]["key"].as_str(), ideas[0]["ballots"].as_str(), ideas[0]["count"].as_str()), ("", "1", ""));
}

#[apply(databases)]
#[tokio::test]
async fn the_json_export_validates_against_its_published_schema(#[case] database: Database) {
    let server = TestServer::start(database).await;
    cast_water(&server).await;
    server.sync(PARTICIPANT, &[feedback(&new_id(), ROAD, "stages", true)]).await;

    let schema_answer = server.get("/api/v1/schema/export.json").await;
    assert_eq!(schema_answer.status, StatusCode::OK);
    assert_eq!(schema_answer.headers[header::CONTENT_TYPE], "application/schema+json");
    let schema: Value = schema_answer.json();
    let validator = jsonschema::draft202012::options().should_validate_formats(true).build(&schema).unwrap();

    for consultation in [WATER, ROAD] {
        let answer = download(&server, consultation, "export.json").await;
        assert_eq!(answer.headers[header::CONTENT_TYPE], "application/json");
        let export = answer.json();
        let errors: Vec<String> =
            validator.iter_errors(&export).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{consultation}: {errors:#?}");
        assert_eq!(export["format"], "baraza-export/1");
        assert_eq!(export["consultation"]["id"], consultation);
        assert_eq!(export["results"], server.results(consultation).await);
    }
    let export = download(&server, WATER, "export.json").await.json();
    assert_eq!(export["ballots"].as_array().unwrap().len(), 6);
    let idea = export["ballots"].as_array().unwrap().iter().find(|b| b["item"] == "ideas").unwrap();
    assert_eq!(idea["ballot"], json!({ "text": TRICKY }), "JSON keeps the text as it was cast");

    // The schema is not a formality: a broken export fails it.
    let mut broken = export.clone();
    broken["ballots"][0]["ballot"] = json!({"choice": "blocks", "extra": 1});
    assert!(!validator.is_valid(&broken));
    broken = export;
    broken["results"]["participants"] = json!(-1);
    assert!(!validator.is_valid(&broken));
}

#[apply(databases)]
#[tokio::test]
async fn exports_of_an_unknown_consultation_are_a_404(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let analyst = server.token(Role::Analyst).await;
    for file in ["export.csv", "tallies.csv", "export.json"] {
        let answer =
            server.send_as("GET", &format!("/api/v1/admin/consultations/nope/{file}"), Some(&analyst), None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        assert_eq!(answer.error_code(), "consultation_not_found");
    }
}

#[apply(databases)]
#[tokio::test]
async fn a_compressed_export_streams_to_its_end(#[case] database: Database) {
    let server = TestServer::start(database).await;
    for participant in [PARTICIPANT, OTHER_PARTICIPANT] {
        server.sync(participant, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}))]).await;
    }
    let analyst = server.token(Role::Analyst).await;
    for file in ["export.csv", "export.json"] {
        let request = axum::http::Request::get(format!("/api/v1/admin/consultations/{WATER}/{file}"))
            .header(header::AUTHORIZATION, format!("Bearer {analyst}"))
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(axum::body::Body::empty())
            .unwrap();
        let answer = server.send(request).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.headers[header::CONTENT_ENCODING], "gzip");
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&answer.body[..]), &mut text).unwrap();
        assert!(text.contains("flat"), "{file}: {text}");
    }
}

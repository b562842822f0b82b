//! `POST /api/v1/admin/consultations/{id}/archive` with `{"anonymise": true}`:
//! the consultation's results, exports, comments and receipt checks stay
//! byte for byte what they were once archived, and the identifiers of the
//! devices and codes that sent its input are gone from the database.

use std::collections::HashSet;

use axum::http::StatusCode;
use baraza_core::staff::Role;
use rstest::rstest;
use rstest_reuse::apply;
use serde_json::{json, Value};

use crate::common::*;
use crate::common::{databases, Database};

/// Every participant value stored for consultation `id`: under its actions,
/// its comments and the reactions to them.
async fn stored_participants(server: &TestServer, id: &str) -> HashSet<Vec<u8>> {
    let n = format!("(SELECT n FROM consultations WHERE id = '{id}')");
    let mut participants = HashSet::new();
    for sql in [
        format!("SELECT participant FROM actions WHERE consultation = {n}"),
        format!("SELECT participant FROM comments WHERE consultation = {n}"),
        format!("SELECT r.participant FROM reactions r JOIN comments c ON c.id = r.comment WHERE c.consultation = {n}"),
    ] {
        participants.extend(server.column::<Vec<u8>>(&sql).await);
    }
    participants
}

/// A device's id as stored: its 16 bytes.
fn device_bytes(participant: &str) -> Vec<u8> {
    uuid::Uuid::parse_str(participant).unwrap().as_bytes().to_vec()
}

async fn archive(server: &TestServer, id: &str, body: Option<Value>) -> Value {
    let publisher = server.token(Role::Publisher).await;
    let path = format!("/api/v1/admin/consultations/{id}/archive");
    let answer = server.send_as("POST", &path, Some(&publisher), body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    answer.json()
}

async fn change_log(server: &TestServer, id: &str) -> Vec<String> {
    let analyst = server.token(Role::Publisher).await;
    let answer =
        server.send_as("GET", &format!("/api/v1/admin/consultations/{id}/changes"), Some(&analyst), None).await;
    assert_eq!(answer.status, StatusCode::OK);
    answer.json()["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| change["action"].as_str().unwrap().to_owned())
        .collect()
}

fn receipts_of(results: &[Value]) -> Vec<String> {
    results
        .iter()
        .map(|result| {
            assert_eq!(result["status"], "accepted", "{result}");
            result["receipt"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[apply(databases)]
#[tokio::test]
async fn anonymising_a_consultation_keeps_what_it_says_and_drops_who_said_it(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let comment_id = new_id();
    let mut receipts = receipts_of(
        &server
            .sync(
                PARTICIPANT,
                &[
                    ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"})),
                    ballot(&new_id(), WATER, "kiosk-sites", json!({"ranking": ["school", "market"]})),
                    ballot(&new_id(), WATER, "ideas", json!({"text": "Open kiosks at dawn."})),
                    comment(&comment_id, WATER, "Fix the leaks on the market road first."),
                ],
            )
            .await,
    );
    receipts.extend(receipts_of(
        &server
            .sync(
                OTHER_PARTICIPANT,
                &[
                    ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"})),
                    ballot(&new_id(), WATER, "priorities", json!({"choices": ["leaks", "hours"]})),
                    reaction(&new_id(), WATER, &comment_id, "agree"),
                ],
            )
            .await,
    ));
    // A ballot replaced by a newer one: both stay, one standing.
    receipts.extend(receipts_of(
        &server.sync(OTHER_PARTICIPANT, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"}))]).await,
    ));
    receipts.extend(receipts_of(
        &server.sync(THIRD_PARTICIPANT, &[ballot(&new_id(), WATER, "satisfaction", json!({"value": 4}))]).await,
    ));
    // Another consultation's input, which anonymising this one leaves alone.
    server.sync(THIRD_PARTICIPANT, &[ballot(&new_id(), VILLAGE, "market-day", json!({"answer": "yes"}))]).await;

    let archived = archive(&server, WATER, None).await;
    assert_eq!((archived["archived"].clone(), archived.get("anonymised_at")), (json!(true), None));
    let before = everything_readable(&server, WATER, &receipts).await;
    assert!(
        before.iter().all(|(path, _)| path.ends_with(" 200 OK")),
        "{:?}",
        before.iter().map(|r| &r.0).collect::<Vec<_>>()
    );
    let identifiers_before = stored_participants(&server, WATER).await;
    for participant in [PARTICIPANT, OTHER_PARTICIPANT, THIRD_PARTICIPANT] {
        assert!(identifiers_before.contains(&device_bytes(participant)), "{participant} is stored until anonymised");
    }
    let village_before = stored_participants(&server, VILLAGE).await;

    let anonymised = archive(&server, WATER, Some(json!({"anonymise": true}))).await;
    assert!(anonymised["anonymised_at"].is_string(), "{anonymised}");

    let after = everything_readable(&server, WATER, &receipts).await;
    for ((path, was), (_, is)) in before.iter().zip(&after) {
        assert!(was == is, "{path}:\n{}\n{}", String::from_utf8_lossy(was), String::from_utf8_lossy(is));
    }
    let identifiers_after = stored_participants(&server, WATER).await;
    let kept: Vec<_> = identifiers_before.intersection(&identifiers_after).collect();
    assert!(kept.is_empty(), "identifiers left: {kept:?}");
    assert_eq!(stored_participants(&server, VILLAGE).await, village_before, "other consultations keep theirs");
    assert_eq!(change_log(&server, WATER).await[..2], ["anonymised", "archived"]);

    // Once and for good: asking again changes and records nothing.
    archive(&server, WATER, Some(json!({"anonymise": true}))).await;
    assert_eq!(stored_participants(&server, WATER).await, identifiers_after);
    assert_eq!(change_log(&server, WATER).await.iter().filter(|action| *action == "anonymised").count(), 1);
    // Restarted, the server reads the same from it.
    let server = server.restart().await;
    assert!(everything_readable(&server, WATER, &receipts).await == after);
}

#[apply(databases)]
#[tokio::test]
async fn anonymising_a_consultation_with_codes_drops_its_codes_and_keeps_its_results(#[case] database: Database) {
    let (server, codes) = village_with_codes(database, 3).await;
    let mut receipts = Vec::new();
    for (participant, code, answer) in
        [(PARTICIPANT, &codes[0], "yes"), (OTHER_PARTICIPANT, &codes[1], "no"), (PARTICIPANT, &codes[0], "abstain")]
    {
        let actions = [
            ballot(&new_id(), VILLAGE, "market-day", json!({ "answer": answer })),
            ballot(&new_id(), VILLAGE, "projects", json!({ "projects": ["well", "solar"] })),
        ];
        receipts.extend(receipts_of(&server.sync_with_code(participant, Some(code), &actions).await));
    }
    archive(&server, VILLAGE, None).await;
    let before = everything_readable(&server, VILLAGE, &receipts).await;
    let identifiers_before = stored_participants(&server, VILLAGE).await;
    let codes_before: i64 = server.scalar("SELECT COUNT(*) FROM participation_codes").await;
    assert_eq!(codes_before, 3);

    archive(&server, VILLAGE, Some(json!({"anonymise": true}))).await;

    let after = everything_readable(&server, VILLAGE, &receipts).await;
    for ((path, was), (_, is)) in before.iter().zip(&after) {
        assert!(was == is, "{path}:\n{}\n{}", String::from_utf8_lossy(was), String::from_utf8_lossy(is));
    }
    let identifiers_after = stored_participants(&server, VILLAGE).await;
    assert!(identifiers_before.is_disjoint(&identifiers_after));
    let codes_after: i64 = server.scalar("SELECT COUNT(*) FROM participation_codes").await;
    assert_eq!(codes_after, 0, "no code, nor the phone it was bound to, is kept");
}

#[apply(databases)]
#[tokio::test]
async fn archiving_alone_keeps_the_identifiers(#[case] database: Database) {
    let server = TestServer::start(database).await;
    server.sync(PARTICIPANT, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}))]).await;
    archive(&server, WATER, Some(json!({"anonymise": false}))).await;
    assert!(stored_participants(&server, WATER).await.contains(&device_bytes(PARTICIPANT)));
    assert_eq!(change_log(&server, WATER).await[0], "archived");
}

#[apply(databases)]
#[tokio::test]
async fn an_archive_body_that_is_not_a_choice_is_refused(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let publisher = server.token(Role::Publisher).await;
    let path = format!("/api/v1/admin/consultations/{WATER}/archive");
    let answer = server.send_as("POST", &path, Some(&publisher), Some(json!({"anonymize": true}))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    // A choice sent without saying it is JSON is refused, not ignored.
    let request = axum::http::Request::post(&path)
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {publisher}"))
        .body(axum::body::Body::from(r#"{"anonymise": true}"#))
        .unwrap();
    let answer = server.send(request).await;
    assert_eq!(
        (answer.status, answer.error_code()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type".to_owned())
    );
    let archived: i64 = server.scalar("SELECT COUNT(*) FROM changes WHERE action = 'archived'").await;
    assert_eq!(archived, 0, "nothing archived");
}

#[apply(databases)]
#[tokio::test]
async fn the_archive_command_anonymises_when_asked(#[case] database: Database) {
    let cli = crate::cli::Cli::new(database).await;
    let water = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/consultations/consult-water-services.json");
    assert_eq!(cli.run(&["publish", water]).0, 0);
    assert_eq!(cli.run(&["archive", WATER]), (0, format!("archived {WATER}\n"), String::new()));
    let (code, out, err) = cli.run(&["archive", WATER, "--anonymise"]);
    assert_eq!((code, out), (0, format!("archived and anonymised {WATER}\n")), "{err}");
    let (code, _, err) = cli.run(&["archive", "no-such-consultation", "--anonymise"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-consultation"), "{err}");
    let crate::cli::Cli { database, dir } = cli;
    let server = TestServer::on(database, dir).await;
    assert_eq!(change_log(&server, WATER).await[..2], ["anonymised", "archived"]);
}

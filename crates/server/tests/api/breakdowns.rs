//! Breakdowns by "about you" groups: profile answers sent with citizens'
//! actions move them, small groups and their complements are hidden in the
//! JSON and the CSV alike, and only analysts read them.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::{json, Value};

/// `definition` with an age question (in its default language) and the
/// census shares it expects.
fn with_age_question(mut definition: Value) -> Value {
    let language = definition["default_language"].as_str().unwrap().to_owned();
    let text = |words: &str| json!({ language.as_str(): words });
    definition["profile"] = json!([{ "id": "age", "title": text("Your age"), "options": [
        { "id": "young", "label": text("Under 30"), "expected_share": 0.4 },
        { "id": "middle", "label": text("30 to 59"), "expected_share": 0.4 },
        { "id": "old", "label": text("60 and over"), "expected_share": 0.2 }
    ] }]);
    definition
}

fn profile(consultation: &str, answers: Value) -> Value {
    json!({ "id": new_id(), "consultation": consultation, "kind": "profile", "answers": answers })
}

/// `count` new participants, each answering `age` (none: no answers sent)
/// and choosing `choice` on the tariff; their ids.
async fn take_part(server: &TestServer, count: usize, age: Option<&str>, choice: &str) -> Vec<String> {
    let mut participants = Vec::new();
    for _ in 0..count {
        let participant = new_id();
        let mut actions = vec![ballot(&new_id(), WATER, "tariff", json!({ "choice": choice }))];
        actions.extend(age.map(|age| profile(WATER, json!({ "age": age }))));
        let results = server.sync(&participant, &actions).await;
        assert!(results.iter().all(|result| result["status"] == "accepted"), "{results:?}");
        participants.push(participant);
    }
    participants
}

async fn breakdowns(server: &TestServer) -> Value {
    let analyst = server.token(Role::Analyst).await;
    let path = format!("/api/v1/admin/consultations/{WATER}/breakdowns");
    let answer = server.send_as("GET", &path, Some(&analyst), None).await;
    assert_eq!(answer.status, StatusCode::OK);
    answer.json()
}

/// The age groups' participants as shown: a number, or `null` when hidden.
fn age_groups(breakdowns: &Value) -> Vec<(String, Value)> {
    let groups = breakdowns["questions"][0]["groups"].as_array().unwrap();
    groups.iter().map(|group| (group["group"].as_str().unwrap().to_owned(), group["participants"].clone())).collect()
}

const HIDDEN: fn() -> Value = || json!({ "fewer_than": 10 });

#[apply(databases)]
#[tokio::test]
async fn profile_answers_move_the_breakdown_and_small_groups_stay_hidden(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    server.publish(with_age_question(definition(WATER))).await;
    take_part(&server, 12, Some("young"), "flat").await;
    take_part(&server, 15, Some("middle"), "blocks").await;
    let old = take_part(&server, 3, Some("old"), "flat").await;
    take_part(&server, 11, Some("prefer-not-to-say"), "blocks").await;
    let unanswered = take_part(&server, 20, None, "per-litre").await;

    let first = breakdowns(&server).await;
    assert_eq!(first["participants"], 61);
    assert_eq!(
        age_groups(&first),
        [
            ("young".to_owned(), HIDDEN()),
            ("middle".to_owned(), json!(15)),
            ("old".to_owned(), HIDDEN()),
            ("prefer-not-to-say".to_owned(), json!(11)),
            ("no-answer".to_owned(), json!(20)),
        ],
        "the old group's 3 is hidden, and the smallest other option group with it (the shares tell their sum)"
    );
    // The subtraction a reader would try: the total less every shown group
    // leaves two groups together, never the old group alone.
    let shown: u64 = age_groups(&first).iter().filter_map(|(_, count)| count.as_u64()).sum();
    assert_eq!(first["participants"].as_u64().unwrap() - shown, 15);
    let tariff = &first["questions"][0]["items"][0];
    assert_eq!(tariff["item"], "tariff");
    assert_eq!(tariff["groups"][2]["ballots"], HIDDEN());
    assert_eq!(tariff["groups"][2]["counts"]["flat"], HIDDEN());
    let flat_shown: u64 =
        tariff["groups"].as_array().unwrap().iter().filter_map(|g| g["counts"]["flat"].as_u64()).sum();
    assert_ne!(tariff["counts"]["flat"].as_u64().unwrap() - flat_shown, 3, "the flat column gives nothing away");

    let analyst = server.token(Role::Analyst).await;
    let csv_path = format!("/api/v1/admin/consultations/{WATER}/breakdowns.csv");
    let csv = server.send_as("GET", &csv_path, Some(&analyst), None).await;
    assert_eq!(csv.status, StatusCode::OK);
    let csv = String::from_utf8(csv.body).unwrap();
    assert!(csv.contains("\r\nwater-services-2027,age,old,,participants,fewer than 10\r\n"), "{csv}");
    assert!(csv.contains("\r\nwater-services-2027,age,middle,,participants,15\r\n"), "{csv}");
    assert!(!csv.lines().any(|line| line.starts_with("water-services-2027,age,old,") && line.ends_with(",3")), "{csv}");

    // Ten who had not answered say they are old: the group is shown now.
    for participant in &unanswered[..10] {
        let results = server.sync(participant, &[profile(WATER, json!({ "age": "old" }))]).await;
        assert_eq!(results[0]["status"], "accepted", "{results:?}");
    }
    let second = breakdowns(&server).await;
    assert_eq!(age_groups(&second)[2], ("old".to_owned(), json!(13)));
    assert_eq!(age_groups(&second)[4], ("no-answer".to_owned(), json!(10)));
    assert_eq!(second["questions"][0]["groups"][2]["expected_share"], 0.2);

    // One changes their answer, one erases theirs: the newest answers stand.
    server.sync(&old[0], &[profile(WATER, json!({ "age": "middle" }))]).await;
    server.sync(&old[1], &[profile(WATER, json!({}))]).await;
    let third = breakdowns(&server).await;
    assert_eq!(age_groups(&third)[1], ("middle".to_owned(), json!(16)));
    assert_eq!(age_groups(&third)[2], ("old".to_owned(), json!(11)));
    assert_eq!(age_groups(&third)[4], ("no-answer".to_owned(), json!(11)));
    let standing: i64 = server.scalar("SELECT COUNT(*) FROM actions WHERE kind = 4 AND standing").await;
    assert_eq!(standing, 51, "one set of answers stands per participant who sent any");
}

#[apply(databases)]
#[tokio::test]
async fn a_bad_answer_is_refused_and_the_rest_of_the_batch_counted(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    server.publish(with_age_question(definition(WATER))).await;
    let results = server
        .sync(
            PARTICIPANT,
            &[
                profile(WATER, json!({ "age": "ancient" })),
                profile(WATER, json!({ "shoe-size": "large" })),
                ballot(&new_id(), WATER, "tariff", json!({ "choice": "flat" })),
            ],
        )
        .await;
    assert_eq!(results[0]["error"]["code"], "unknown_profile_answer", "{results:?}");
    assert_eq!(results[1]["error"]["code"], "unknown_profile_question", "{results:?}");
    assert_eq!(results[2]["status"], "accepted", "{results:?}");
    assert_eq!(server.results(WATER).await["participants"], 1);
}

#[apply(databases)]
#[tokio::test]
async fn answers_with_a_code_are_kept_with_the_ballots_under_the_code_not_the_device(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let mut village = with_age_question(definition(VILLAGE));
    village["results"] = json!("live");
    server.publish(village).await;
    let publisher = server.token(Role::Publisher).await;
    let path = format!("/api/v1/admin/consultations/{VILLAGE}/codes");
    let codes = server.send_as("POST", &path, Some(&publisher), Some(json!({ "count": 1 }))).await;
    let code = String::from_utf8(codes.body).unwrap().lines().nth(1).unwrap().trim().to_owned();

    let without_code = server.sync(PARTICIPANT, &[profile(VILLAGE, json!({ "age": "old" }))]).await;
    assert_eq!(without_code[0]["error"]["code"], "code_required", "{without_code:?}");
    let projects = ballot(&new_id(), VILLAGE, "projects", json!({ "projects": ["well"] }));
    let results =
        server.sync_with_code(PARTICIPANT, Some(&code), &[profile(VILLAGE, json!({ "age": "old" })), projects]).await;
    assert!(results.iter().all(|result| result["status"] == "accepted"), "{results:?}");
    // The only consultation here: the ballot stands under the code's voter
    // (see sync_codes), and the answers beside it.
    let owners: i64 = server.scalar("SELECT COUNT(DISTINCT participant) FROM actions WHERE kind IN (0, 4)").await;
    assert_eq!(owners, 1, "the answers stand with the ballot, under the code's voter");
    let answers: i64 = server.scalar("SELECT COUNT(*) FROM actions WHERE kind = 4").await;
    assert_eq!(answers, 1);
}

#[apply(databases)]
#[tokio::test]
async fn only_analysts_read_breakdowns(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    server.publish(with_age_question(definition(WATER))).await;
    for path in [
        format!("/api/v1/admin/consultations/{WATER}/breakdowns"),
        format!("/api/v1/admin/consultations/{WATER}/breakdowns.csv"),
    ] {
        let citizen = server.get(&path).await;
        assert_eq!(citizen.status, StatusCode::UNAUTHORIZED, "{path}");
        let clerk = server.token(Role::Clerk).await;
        let answer = server.send_as("GET", &path, Some(&clerk), None).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(answer.error_code(), "forbidden", "{path}");
    }
}

//! Ballots of a `codes` consultation: each issued code is one voter, bound
//! to the first device that votes with it.

use rstest::rstest;
use rstest_reuse::apply;
use serde_json::{json, Value};

use crate::common::*;

pub(crate) async fn vote(server: &TestServer, participant: &str, code: Option<&str>, answer: &str) -> Value {
    let action = ballot(&new_id(), VILLAGE, "market-day", json!({ "answer": answer }));
    server.sync_with_code(participant, code, &[action]).await.remove(0)
}

#[apply(databases)]
#[tokio::test]
async fn an_issued_code_counts_however_it_is_typed(#[case] database: Database) {
    let (server, codes) = village_with_codes(database, 2).await;
    let first = vote(&server, PARTICIPANT, Some(&codes[0]), "yes").await;
    assert_eq!(first["status"], "accepted", "{first}");
    let typed = codes[1].to_lowercase().replace('-', " ");
    let second = vote(&server, OTHER_PARTICIPANT, Some(&typed), "no").await;
    assert_eq!(second["status"], "accepted", "{second}");
    assert_eq!(server.counts(VILLAGE, "market-day").await, json!({ "yes": 1, "no": 1, "abstain": 0 }));
}

#[apply(databases)]
#[tokio::test]
async fn a_missing_or_unknown_code_is_refused(#[case] database: Database) {
    let (server, _) = village_with_codes(database, 1).await;
    let missing = vote(&server, PARTICIPANT, None, "yes").await;
    assert_eq!(missing["error"]["code"], "code_required");
    let unknown = vote(&server, PARTICIPANT, Some("2345-6789-ABCD"), "yes").await;
    assert_eq!(unknown["error"]["code"], "invalid_code");
    let garbled = vote(&server, PARTICIPANT, Some("0000"), "yes").await;
    assert_eq!(garbled["error"]["code"], "invalid_code");
}

#[apply(databases)]
#[tokio::test]
async fn a_used_code_belongs_to_its_first_device(#[case] database: Database) {
    let (server, codes) = village_with_codes(database, 1).await;
    assert_eq!(vote(&server, PARTICIPANT, Some(&codes[0]), "yes").await["status"], "accepted");
    let stolen = vote(&server, OTHER_PARTICIPANT, Some(&codes[0]), "no").await;
    assert_eq!(stolen["status"], "rejected");
    assert_eq!(stolen["error"]["code"], "code_used");
    // Its owner may still change their mind: the newer ballot replaces the older.
    assert_eq!(vote(&server, PARTICIPANT, Some(&codes[0]), "no").await["status"], "accepted");
    assert_eq!(server.counts(VILLAGE, "market-day").await, json!({ "yes": 0, "no": 1, "abstain": 0 }));
}

#[apply(databases)]
#[tokio::test]
async fn two_people_sharing_a_phone_vote_with_their_own_codes(#[case] database: Database) {
    let (server, codes) = village_with_codes(database, 2).await;
    assert_eq!(vote(&server, THIRD_PARTICIPANT, Some(&codes[0]), "yes").await["status"], "accepted");
    assert_eq!(vote(&server, THIRD_PARTICIPANT, Some(&codes[1]), "yes").await["status"], "accepted");
    assert_eq!(server.counts(VILLAGE, "market-day").await, json!({ "yes": 2, "no": 0, "abstain": 0 }));
}

#[apply(databases)]
#[tokio::test]
async fn nothing_stored_with_a_code_ballot_leads_to_the_code_or_its_device(#[case] database: Database) {
    let (server, codes) = village_with_codes(database, 1).await;
    let at_vote = time::OffsetDateTime::now_utc();
    let counted = vote(&server, PARTICIPANT, Some(&codes[0]), "yes").await;
    assert_eq!(counted["status"], "accepted", "{counted}");
    let hash: String = server.scalar("SELECT code_hash FROM participation_codes").await;
    let device: Vec<u8> = server.scalar("SELECT participant FROM participation_codes").await;
    let used_at: String = server.scalar("SELECT used_at FROM participation_codes").await;
    assert_eq!(device, uuid::Uuid::parse_str(PARTICIPANT).unwrap().as_bytes(), "the code is bound to its device");
    assert_eq!(used_at, at_vote.date().to_string(), "only the day of first use is kept");

    let voters: Vec<Vec<u8>> = server.column("SELECT participant FROM actions").await;
    assert_eq!(voters.len(), 1);
    let voter = &voters[0];
    assert_eq!(voter.len(), 8, "stored under a voter made from the code, not under the device");
    let voter_hex: String = voter.iter().map(|b| format!("{b:02x}")).collect();
    assert!(!hash.contains(&voter_hex) && !voter_hex.contains(&hash), "the voter is not the code's hash");
    // Ballots and the code's row share no value at all.
    let shared: i64 = server
        .scalar("SELECT COUNT(*) FROM actions a, participation_codes c WHERE a.participant = c.participant")
        .await;
    assert_eq!(shared, 0);
}

#[apply(databases)]
#[tokio::test]
async fn a_ballot_stored_under_the_code_hash_before_is_replaced_not_counted_twice(#[case] database: Database) {
    let (server, codes) = village_with_codes(database, 1).await;
    assert_eq!(vote(&server, PARTICIPANT, Some(&codes[0]), "yes").await["status"], "accepted");
    // As earlier versions stored it: under `code:` and the code's hash, the
    // code marked by migration 0006 as used before.
    let as_bytes = match database {
        Database::Sqlite => "CAST('code:' || c.code_hash AS BLOB)",
        Database::Postgres => "convert_to('code:' || c.code_hash, 'UTF8')",
    };
    server
        .execute(&format!(
            "UPDATE actions SET participant =
               (SELECT {as_bytes} FROM participation_codes c WHERE c.consultation = actions.consultation);
             UPDATE participation_codes SET ballots_under_hash = TRUE;"
        ))
        .await;
    assert_eq!(vote(&server, PARTICIPANT, Some(&codes[0]), "no").await["status"], "accepted");
    assert_eq!(server.counts(VILLAGE, "market-day").await, json!({ "yes": 0, "no": 1, "abstain": 0 }));
    let standing: i64 = server.scalar("SELECT COUNT(*) FROM actions WHERE standing").await;
    assert_eq!(standing, 1);
    let still_marked: bool = server.scalar("SELECT ballots_under_hash FROM participation_codes").await;
    assert!(!still_marked, "the ballots move once");
}

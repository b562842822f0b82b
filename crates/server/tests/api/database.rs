//! The database `--database` names: created, migrated once, set up so that
//! an acknowledged ballot survives a crash; and databases made by earlier
//! versions brought up to date with nothing lost.

use axum::http::StatusCode;
use baraza_server::storage::{Conn, Store};
use rstest::rstest;
use rstest_reuse::apply;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;

use crate::common::*;
use crate::common::{databases, Database};

#[tokio::test]
async fn a_sqlite_database_is_created_durable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let store = Store::open(path.to_str().unwrap()).await.unwrap();
    assert!(path.exists());
    let Conn::Sqlite(mut db) = store.read().await.unwrap() else { panic!("a file path opens SQLite") };
    let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut *db).await.unwrap();
    assert_eq!(journal_mode, "wal");
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&mut *db).await.unwrap();
    assert_eq!(synchronous, 2, "FULL");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&mut *db).await.unwrap();
    assert_eq!(foreign_keys, 1);
}

#[apply(databases)]
#[tokio::test]
async fn each_migration_runs_once_and_the_data_stays(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let migrations = match database {
        Database::Sqlite => sqlx::migrate!("./migrations/sqlite").iter().count(),
        Database::Postgres => sqlx::migrate!("./migrations/postgres").iter().count(),
    };
    let server = server.restart().await;
    let applied: i64 = server.scalar("SELECT COUNT(*) FROM _sqlx_migrations").await;
    assert_eq!(applied as usize, migrations);
    assert_eq!(server.scalar::<i64>("SELECT COUNT(*) FROM consultations").await, 3);
}

/// A SQLite database with the migrations before `version` applied, and
/// `rows` written as the server of that time wrote them.
async fn sqlite_before(version: i64, rows: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let old = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", path.display())).await.unwrap();
    let mut before = sqlx::migrate!("./migrations/sqlite");
    before.migrations = before.migrations.iter().filter(|m| m.version < version).cloned().collect::<Vec<_>>().into();
    before.run(&old).await.unwrap();
    sqlx::raw_sql(rows).execute(&old).await.unwrap();
    old.close().await;
    let path = path.to_str().unwrap().to_owned();
    (dir, path)
}

const P1: &str = "00000000-0000-4000-8000-000000000001";
const P2: &str = "00000000-0000-4000-8000-000000000002";
const P3: &str = "00000000-0000-4000-8000-000000000003";

#[tokio::test]
async fn the_results_counters_are_filled_in_for_ballots_stored_before_them() {
    // A database as it was before migration 4, holding ballots.
    let (_dir, path) = sqlite_before(
        4,
        &format!(
            "INSERT INTO consultations VALUES ('c', 'consult', '{{}}', '2026-11-01T00:00:00.000000Z', '2026-11-01T00:00:00.000000Z');
             INSERT INTO actions VALUES
               ('a1', 'c', '{P1}', 'ballot', '{{\"item\":\"q\"}}', '0000000000000001', '2026-11-20T09:00:00.000000Z'),
               ('a2', 'c', '{P1}', 'ballot', '{{\"item\":\"q\"}}', '0000000000000002', '2026-11-21T09:00:00.000000Z'),
               ('a3', 'c', '{P2}', 'feedback', '{{\"item\":\"i\"}}', '0000000000000003', '2026-11-21T10:00:00.000000Z'),
               ('a4', 'c', '{P3}', 'comment', '{{}}', '0000000000000004', '2026-11-22T10:00:00.000000Z');
             INSERT INTO ballots VALUES
               ('c', 'q', '{P1}', 'a2', '{{\"choice\":\"x\"}}', '[\"x\"]', '2026-11-21T09:00:00.000000Z', '2026-11-21T09:00:00.000000Z'),
               ('c', 'i', '{P2}', 'a3', '{{\"useful\":true}}', '[\"yes\"]', '2026-11-21T10:00:00.000000Z', '2026-11-21T10:00:00.000000Z');"
        ),
    )
    .await;
    let store = Store::open(&path).await.unwrap();
    let mut db = store.read().await.unwrap();
    let items: Vec<(String, i64)> = baraza_server::on!(&mut db, |c| sqlx::query_as(
        "SELECT i.id, s.ballots FROM item_stats s JOIN items i ON i.n = s.item ORDER BY i.id"
    )
    .fetch_all(c)
    .await)
    .unwrap();
    assert_eq!(items, [("i".to_owned(), 1), ("q".to_owned(), 1)]);
    let participants: i64 =
        baraza_server::on!(&mut db, |c| sqlx::query_scalar("SELECT participants FROM consultation_stats")
            .fetch_one(c)
            .await)
        .unwrap();
    assert_eq!(participants, 2);
    // P1 first took part on the 20th (the ballot later replaced), P2 on the
    // 21st; the commenter P3 has no ballot and is not a participant.
    let days: Vec<(String, i64, i64)> = baraza_server::on!(&mut db, |c| sqlx::query_as(
        "SELECT day, participants, actions FROM daily_stats ORDER BY day"
    )
    .fetch_all(c)
    .await)
    .unwrap();
    assert_eq!(
        days,
        [("2026-11-20".to_owned(), 1, 1), ("2026-11-21".to_owned(), 1, 2), ("2026-11-22".to_owned(), 0, 1)]
    );
}

#[tokio::test]
async fn codes_used_before_voters_were_kept_apart_are_marked_and_keep_only_their_day() {
    // A database as it was before migration 6: one code used, one not.
    let (_dir, path) = sqlite_before(
        6,
        &format!(
            "INSERT INTO consultations VALUES ('c', 'decide', '{{}}', '2026-11-01T00:00:00.000000Z', '2026-11-01T00:00:00.000000Z');
             INSERT INTO participation_codes VALUES
               ('c', 'used', '2026-11-01T00:00:00.000000Z', '{P1}', '2026-11-20T09:41:07.123456Z'),
               ('c', 'unused', '2026-11-01T00:00:00.000000Z', NULL, NULL);"
        ),
    )
    .await;
    let store = Store::open(&path).await.unwrap();
    let mut db = store.read().await.unwrap();
    let codes: Vec<(String, Option<String>, bool)> = baraza_server::on!(&mut db, |c| sqlx::query_as(
        "SELECT code_hash, used_at, ballots_under_hash FROM participation_codes ORDER BY code_hash DESC",
    )
    .fetch_all(c)
    .await)
    .unwrap();
    assert_eq!(codes, [("used".to_owned(), Some("2026-11-20".to_owned()), true), ("unused".to_owned(), None, false)]);
}

/// Times as the server answers them, to the millisecond: they were stored to
/// the microsecond before rows were lean.
fn to_the_millisecond(value: &mut Value) {
    match value {
        Value::String(text) => {
            if let Ok(at) = time::OffsetDateTime::parse(text, &Rfc3339) {
                let at = at.replace_nanosecond(at.nanosecond() / 1_000_000 * 1_000_000).unwrap();
                *text = at.format(&Rfc3339).unwrap();
            }
        }
        Value::Array(values) => values.iter_mut().for_each(to_the_millisecond),
        Value::Object(fields) => fields.values_mut().for_each(to_the_millisecond),
        _ => {}
    }
}

/// The fixture of `fixtures/before-lean-rows/`: a database written by the
/// server of the commit before rows were lean (5176735), through its own
/// command line and API: three consultations published, staff tokens (one
/// revoked), participation codes, ballots (replaced ones, one older ballot
/// arriving late with a cast time in another offset), useful-marks, comments
/// with a reply, reactions changed, code ballots (two people on one phone),
/// a comment hidden, an outcome, an archive. `answers.json` holds what that
/// server answered then to staff: results, comments, change logs, exports
/// and every receipt's check, with the tokens, codes and participants used.
#[tokio::test]
async fn a_database_written_before_lean_rows_keeps_every_ballot_receipt_comment_code_and_change() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/fixtures/before-lean-rows");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("before.db");
    // The dump lists tables by name, children before parents.
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path).create_if_missing(true).foreign_keys(false);
    let old = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let dump = std::fs::read_to_string(format!("{fixture}/database.sql")).unwrap();
    sqlx::raw_sql(&dump).execute(&old).await.unwrap();
    old.close().await;
    let answers: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{fixture}/answers.json")).unwrap()).unwrap();

    let server = TestServer::on(TestDatabase::sqlite_file(&path), dir).await;
    let analyst = answers["tokens"]["analyst"].as_str().unwrap();
    let publisher = answers["tokens"]["publisher"].as_str().unwrap();
    for (route, before) in answers["routes"].as_object().unwrap() {
        let answer = server.send_as("GET", route, Some(analyst), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{route}");
        let text = String::from_utf8(answer.body).unwrap();
        let mut now: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
        let mut before = before.clone();
        for answer in [&mut now, &mut before] {
            to_the_millisecond(answer);
            if let Some(fields) = answer.as_object_mut() {
                fields.remove("exported_at");
            }
        }
        assert_eq!(now, before, "{route}");
    }
    let receipts = answers["routes"].as_object().unwrap().keys().filter(|route| route.contains("/receipts/")).count();
    assert_eq!(receipts, 24, "every action's receipt was checked");

    // The migrated database goes on: a duplicate is found, a newer ballot
    // replaces the one that stood, codes stay bound to their devices, and
    // the tokens still work.
    let participants: Vec<&str> =
        answers["participants"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    let codes: Vec<&str> = answers["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    let again = ballot("00000000-0000-4000-9000-000000000009", WATER, "tariff", json!({"choice": "flat"}));
    let duplicate = server.sync(participants[1], &[again]).await;
    assert_eq!(duplicate[0]["status"], "duplicate");
    let receipt = duplicate[0]["receipt"].as_str().unwrap();
    assert_eq!(
        answers["routes"][format!("/api/v1/admin/receipts/{receipt}")]["action_id"],
        "00000000-0000-4000-9000-000000000009"
    );
    let newer = ballot_cast_at(&new_id(), WATER, "tariff", json!({"choice": "blocks"}), "2026-11-20T13:00:00Z");
    assert_eq!(server.sync(participants[0], &[newer]).await[0]["status"], "accepted");
    assert_eq!(server.counts(WATER, "tariff").await, json!({"flat": 1, "per-litre": 0, "blocks": 1}));
    let mut vote = ballot(&new_id(), VILLAGE, "market-day", json!({"answer": "abstain"}));
    vote["cast_at"] = json!("2026-11-21T11:00:00Z");
    assert_eq!(server.sync_with_code(participants[3], Some(codes[0]), &[vote.clone()]).await[0]["status"], "accepted");
    vote["id"] = json!(new_id());
    let stolen = server.sync_with_code(participants[6], Some(codes[0]), &[vote]).await;
    assert_eq!(stolen[0]["error"]["code"], "code_used");
    let village =
        server.send_as("GET", &format!("/api/v1/admin/consultations/{VILLAGE}/results"), Some(analyst), None).await;
    let market_day =
        village.json()["items"].as_array().unwrap().iter().find(|i| i["id"] == "market-day").unwrap().clone();
    assert_eq!(market_day["counts"], json!({"yes": 1, "no": 0, "abstain": 2}));
    assert_eq!(market_day["ballots"], 3, "three codes, three voters");
    assert_eq!(server.send_as("GET", "/api/v1/admin/me", Some(publisher), None).await.status, StatusCode::OK);
}

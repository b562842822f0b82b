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
    sqlite_written_before(version, rows, version).await
}

/// A SQLite database with `rows` written as the server before migration
/// `written_before` wrote them, then brought to the schema before `version`
/// by the migrations of the servers in between.
async fn sqlite_written_before(written_before: i64, rows: &str, version: i64) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let old = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", path.display())).await.unwrap();
    let up_to = |version: i64| {
        let mut migrator = sqlx::migrate!("./migrations/sqlite");
        migrator.migrations =
            migrator.migrations.iter().filter(|m| m.version < version).cloned().collect::<Vec<_>>().into();
        migrator
    };
    up_to(written_before).run(&old).await.unwrap();
    sqlx::raw_sql(rows).execute(&old).await.unwrap();
    up_to(version).run(&old).await.unwrap();
    old.close().await;
    let path = path.to_str().unwrap().to_owned();
    (dir, path)
}

const P1: &str = "00000000-0000-4000-8000-000000000001";
const P2: &str = "00000000-0000-4000-8000-000000000002";
const P3: &str = "00000000-0000-4000-8000-000000000003";

/// Ballots, a useful-mark and a comment as the first servers stored them
/// (the tables of migration 1), from schema 1 (before migration 2) to
/// schema 4 (written before migration 4, which counted them, then served
/// by a server of schema 4): each database is brought up to date with its
/// counters right.
#[rstest]
#[case::schema_1(2, 2)]
#[case::schema_2(3, 3)]
#[case::schema_3(4, 4)]
#[case::schema_4(4, 5)]
#[tokio::test]
async fn the_results_counters_are_filled_in_for_ballots_stored_before_them(
    #[case] written_before: i64,
    #[case] version: i64,
) {
    let (_dir, path) = sqlite_written_before(
        written_before,
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
        version,
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

/// `now` without the fields `before` lacks, at any depth: answers may gain
/// fields (such as a ballot's channel), and every field they had must keep
/// its value.
fn only_fields_of(now: &mut Value, before: &Value) {
    match (now, before) {
        (Value::Object(now), Value::Object(before)) => {
            now.retain(|name, _| before.contains_key(name));
            for (name, value) in now.iter_mut() {
                only_fields_of(value, &before[name]);
            }
        }
        (Value::Array(now), Value::Array(before)) => {
            now.iter_mut().zip(before).for_each(|(now, before)| only_fields_of(now, before));
        }
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
        only_fields_of(&mut now, &before);
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

/// The migrations of `database`'s kind this server has.
fn migrations(database: Database) -> sqlx::migrate::Migrator {
    match database {
        Database::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Database::Postgres => sqlx::migrate!("./migrations/postgres"),
    }
}

/// The versions since rows were lean (SQLite's migration 7, PostgreSQL's
/// first) before the last: each schema a server of its time wrote today's
/// rows in, less the tables and columns that came later. (Older SQLite
/// schemas have tests of their own above, from rows of their own shape.)
fn lean_versions_before_the_last(database: Database) -> Vec<i64> {
    let first = match database {
        Database::Sqlite => 7,
        Database::Postgres => 1,
    };
    let versions: Vec<i64> = migrations(database).iter().map(|m| m.version).filter(|&v| v >= first).collect();
    versions[..versions.len() - 1].to_vec()
}

/// A new database with the migrations up to `version` applied, holding
/// what `from`'s database holds in every table and column that schema has.
async fn copied_at_schema(from: &TestServer, database: Database, version: i64) -> (TestDatabase, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let old = TestDatabase::new(database, dir.path()).await;
    let mut migrator = migrations(database);
    migrator.migrations =
        migrator.migrations.iter().filter(|m| m.version <= version).cloned().collect::<Vec<_>>().into();
    match database {
        Database::Sqlite => {
            use sqlx::Connection;
            let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&old.url).create_if_missing(true);
            let mut db = sqlx::SqliteConnection::connect_with(&options).await.unwrap();
            migrator.run(&mut db).await.unwrap();
            sqlx::query("PRAGMA foreign_keys = OFF").execute(&mut db).await.unwrap();
            sqlx::query("ATTACH DATABASE $1 AS current").bind(&from.database.url).execute(&mut db).await.unwrap();
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'
                 AND name NOT LIKE 'sqlite%'",
            )
            .fetch_all(&mut db)
            .await
            .unwrap();
            for table in tables {
                let columns: Vec<String> = sqlx::query_scalar(
                    "SELECT old.name FROM pragma_table_info($1, 'main') old
                     JOIN pragma_table_info($1, 'current') now ON now.name = old.name ORDER BY old.cid",
                )
                .bind(&table)
                .fetch_all(&mut db)
                .await
                .unwrap();
                let columns = columns.join(", ");
                sqlx::raw_sql(&format!(
                    "DELETE FROM main.{table}; INSERT INTO main.{table} ({columns}) SELECT {columns} FROM current.{table}"
                ))
                .execute(&mut db)
                .await
                .unwrap();
            }
            db.close().await.unwrap();
        }
        Database::Postgres => {
            use futures_util::TryStreamExt;
            use sqlx::Connection;
            let mut db = sqlx::PgConnection::connect(&old.url).await.unwrap();
            migrator.run(&mut db).await.unwrap();
            let mut now = sqlx::PgConnection::connect(&from.database.url).await.unwrap();
            // Rows go in as they are, whatever order the foreign keys between them ask for.
            sqlx::query("SET session_replication_role = replica").execute(&mut db).await.unwrap();
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables
                 WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
            )
            .fetch_all(&mut db)
            .await
            .unwrap();
            let columns_sql = "SELECT column_name::text FROM information_schema.columns
                               WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position";
            for table in tables {
                let old_columns: Vec<String> =
                    sqlx::query_scalar(columns_sql).bind(&table).fetch_all(&mut db).await.unwrap();
                let now_columns: Vec<String> =
                    sqlx::query_scalar(columns_sql).bind(&table).fetch_all(&mut now).await.unwrap();
                let columns =
                    old_columns.into_iter().filter(|c| now_columns.contains(c)).collect::<Vec<_>>().join(", ");
                let rows: Vec<u8> = now
                    .copy_out_raw(&format!("COPY (SELECT {columns} FROM {table}) TO STDOUT"))
                    .await
                    .unwrap()
                    .try_fold(Vec::new(), |mut rows, chunk| async move {
                        rows.extend_from_slice(&chunk);
                        Ok(rows)
                    })
                    .await
                    .unwrap();
                sqlx::query(&format!("DELETE FROM {table}")).execute(&mut db).await.unwrap();
                let mut copy = db.copy_in_raw(&format!("COPY {table} ({columns}) FROM STDIN")).await.unwrap();
                copy.send(rows).await.unwrap();
                copy.finish().await.unwrap();
            }
            // Identities go on from the rows copied.
            let identities: Vec<(String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE table_schema = 'public' AND is_identity = 'YES'",
            )
            .fetch_all(&mut db)
            .await
            .unwrap();
            for (table, column) in identities {
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), COALESCE(MAX({column}), 0) + 1, false)
                     FROM {table}"
                ))
                .execute(&mut db)
                .await
                .unwrap();
            }
            now.close().await.unwrap();
            db.close().await.unwrap();
        }
    }
    (old, dir)
}

#[apply(databases)]
#[tokio::test]
async fn a_database_at_each_earlier_schema_is_brought_up_to_date_with_nothing_lost(#[case] database: Database) {
    // Input of every kind, written by today's server: replaced ballots,
    // rankings (whose profiles came with a migration), comments, reactions,
    // a hidden comment, code voters, an outcome, an archive.
    let (server, codes) = village_with_codes(database, 3).await;
    server.publish(definition(WATER)).await;
    server.publish(definition(ROAD)).await;
    let publisher = server.token(baraza_core::staff::Role::Publisher).await;
    let comment_id = new_id();
    let mut sent = vec![
        (PARTICIPANT, None, ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}))),
        (PARTICIPANT, None, ballot(&new_id(), WATER, "kiosk-sites", json!({"ranking": ["school", "market"]}))),
        (PARTICIPANT, None, comment(&comment_id, WATER, "Kiosks at the clinic, please.")),
        (OTHER_PARTICIPANT, None, ballot(&new_id(), WATER, "kiosk-sites", json!({"ranking": ["market"]}))),
        (OTHER_PARTICIPANT, None, reaction(&new_id(), WATER, &comment_id, "agree")),
        (OTHER_PARTICIPANT, None, comment(&new_id(), WATER, "Spam spam spam.")),
        (PARTICIPANT, None, ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"}))),
        (OTHER_PARTICIPANT, None, feedback(&new_id(), ROAD, "cost", true)),
        (PARTICIPANT, Some(&codes[0]), ballot(&new_id(), VILLAGE, "market-day", json!({"answer": "yes"}))),
        (OTHER_PARTICIPANT, Some(&codes[1]), ballot(&new_id(), VILLAGE, "projects", json!({"projects": ["well"]}))),
    ];
    let mut receipts = Vec::new();
    for (participant, code, action) in sent.drain(..) {
        let result = server.sync_with_code(participant, code.map(String::as_str), &[action]).await.remove(0);
        assert_eq!(result["status"], "accepted", "{result}");
        receipts.push(result["receipt"].as_str().unwrap().to_owned());
    }
    let hidden = server.column::<Vec<u8>>("SELECT id FROM comments WHERE body LIKE 'Spam%'").await.remove(0);
    let hidden = uuid::Uuid::from_slice(&hidden).unwrap();
    let hide = format!("/api/v1/admin/comments/{hidden}/hide");
    let analyst = server.token(baraza_core::staff::Role::Analyst).await;
    assert_eq!(server.send_as("POST", &hide, Some(&analyst), Some(json!({"reason": "spam"}))).await.status, 200);
    let archive = format!("/api/v1/admin/consultations/{ROAD}/archive");
    assert_eq!(server.send_as("POST", &archive, Some(&publisher), None).await.status, StatusCode::OK);
    let mut readable = Vec::new();
    for id in [WATER, ROAD, VILLAGE] {
        readable.push(everything_readable(&server, id, if id == WATER { &receipts } else { &[] }).await);
    }

    for version in lean_versions_before_the_last(database) {
        let (old, dir) = copied_at_schema(&server, database, version).await;
        let migrated = TestServer::on(old, dir).await;
        for (id, before) in [WATER, ROAD, VILLAGE].into_iter().zip(&readable) {
            let after = everything_readable(&migrated, id, if id == WATER { &receipts } else { &[] }).await;
            for ((path, was), (_, is)) in before.iter().zip(&after) {
                assert!(
                    was == is,
                    "from version {version}, {path}:\n{}\n{}",
                    String::from_utf8_lossy(was),
                    String::from_utf8_lossy(is)
                );
            }
        }
        // Codes stay bound to the phones that used them.
        let vote = ballot(&new_id(), VILLAGE, "market-day", json!({"answer": "no"}));
        let stolen = migrated.sync_with_code(THIRD_PARTICIPANT, Some(&codes[0]), &[vote.clone()]).await.remove(0);
        assert_eq!(stolen["error"]["code"], "code_used", "from version {version}");
        let again = migrated.sync_with_code(PARTICIPANT, Some(&codes[0]), &[vote]).await.remove(0);
        assert_eq!(again["status"], "accepted", "from version {version}");
        assert_eq!(migrated.get("/readyz").await.status, StatusCode::OK);
    }
}

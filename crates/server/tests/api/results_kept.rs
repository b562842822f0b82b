//! Rankings and budgets counted from the profiles sync keeps (each distinct
//! ballot with its voters): after any sequence of ballots, replacements and
//! late older ballots, on one server or several, the results are the count
//! of every ballot that stands.

use std::collections::HashMap;

use baraza_core::count::{equal_shares, instant_runoff, Candidate};
use baraza_core::staff::Role;
use rstest::rstest;
use rstest_reuse::apply;
use serde_json::{json, Value};

use crate::common::*;
use crate::common::{databases, Database};

/// A small deterministic generator, so that a failure can be replayed.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn item<'a>(results: &'a Value, id: &str) -> &'a Value {
    results["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap()
}

/// Every ballot standing on `item`, from the analyst's export.
async fn standing(server: &TestServer, consultation: &str, item: &str, field: &str) -> Vec<Vec<String>> {
    let analyst = server.token(Role::Analyst).await;
    let export = server
        .send_as("GET", &format!("/api/v1/admin/consultations/{consultation}/export.json"), Some(&analyst), None)
        .await;
    let text = String::from_utf8(export.body).unwrap();
    let export: Value = serde_json::from_str(&text).unwrap();
    export["ballots"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|ballot| ballot["item"] == item)
        .map(|ballot| {
            ballot["ballot"][field].as_array().unwrap().iter().map(|id| id.as_str().unwrap().to_owned()).collect()
        })
        .collect()
}

#[apply(databases)]
#[tokio::test]
async fn kept_rankings_and_budgets_count_as_every_standing_ballot(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let other = server.another().await;
    let mut village = definition(VILLAGE);
    village["eligibility"] = json!("open");
    village["results"] = json!("live");
    server.publish(village.clone()).await;
    let sites = ["market", "school", "clinic", "bus"];
    let projects: Vec<String> = village["items"][0]["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    let costs: HashMap<String, u64> = village["items"][0]["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap().to_owned(), p["cost"].as_u64().unwrap()))
        .collect();
    let total = village["items"][0]["total"].as_u64().unwrap();
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    for round in 0..6 {
        // Thirty ballots a round from twelve people, through either server,
        // cast at times that make some replace and some arrive late.
        for n in 0..30 {
            let person = format!("00000000-0000-4000-8000-{:012}", random.below(12));
            let server = if random.below(2) == 0 { &server } else { &other };
            let hour = random.below(24);
            let mut ranking: Vec<&str> = sites.to_vec();
            for i in 0..ranking.len() {
                let j = i + random.below(ranking.len() - i);
                ranking.swap(i, j);
            }
            ranking.truncate(1 + random.below(sites.len()));
            // Projects taken at random while they fit in the budget.
            let mut chosen: Vec<&String> = Vec::new();
            let mut cost = 0;
            for project in &projects {
                if random.below(3) == 0 && cost + costs[project] <= total {
                    cost += costs[project];
                    chosen.push(project);
                }
            }
            let cast_at = format!("2026-11-{:02}T{hour:02}:00:00Z", 10 + round);
            let results = server
                .sync(
                    &person,
                    &[
                        ballot_cast_at(&new_id(), WATER, "kiosk-sites", json!({ "ranking": ranking }), &cast_at),
                        ballot_cast_at(&new_id(), VILLAGE, "projects", json!({ "projects": chosen }), &cast_at),
                    ],
                )
                .await;
            assert!(results.iter().all(|r| r["status"] == "accepted"), "{n}: {results:?}");
        }
        // Each server reads after the other wrote: both follow every ballot.
        for reader in [&server, &other] {
            let water = reader.results(WATER).await;
            let rankings = standing(reader, WATER, "kiosk-sites", "ranking").await;
            let candidates: Vec<String> = ["market", "school", "clinic", "bus"].map(String::from).to_vec();
            let counted = instant_runoff(&candidates, &rankings);
            let kept = item(&water, "kiosk-sites");
            assert_eq!(kept["ballots"], rankings.len());
            assert_eq!(kept["rounds"], serde_json::to_value(&counted.rounds).unwrap(), "round {round}");
            assert_eq!(kept["winner"], json!(counted.winner));

            let budget = reader.results(VILLAGE).await;
            let ballots = standing(reader, VILLAGE, "projects", "projects").await;
            let candidates: Vec<Candidate> =
                projects.iter().map(|id| Candidate { id: id.clone(), cost: costs[id] }).collect();
            let counted = equal_shares(&candidates, total, &ballots);
            let kept = item(&budget, "projects");
            assert_eq!(kept["ballots"], ballots.len());
            assert_eq!(kept["selected"], json!(counted.selected), "round {round}");
            assert_eq!(kept["spent"], counted.spent);
            for project in &counted.projects {
                assert_eq!(kept["counts"][&project.id], project.approvals);
            }
        }
    }
}

#[apply(databases)]
#[tokio::test]
async fn profiles_are_filled_in_for_ballots_stored_before_them(#[case] database: Database) {
    let dir = tempfile::tempdir().unwrap();
    let test_database = TestDatabase::new(database, dir.path()).await;
    // The schema before profiles, holding ballots.
    let before = match database {
        Database::Sqlite => {
            let mut migrations = sqlx::migrate!("./migrations/sqlite");
            migrations.migrations =
                migrations.migrations.iter().filter(|m| m.version < 8).cloned().collect::<Vec<_>>().into();
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", test_database.url)).await.unwrap();
            migrations.run(&pool).await.unwrap();
            pool.close().await;
            "X'01'"
        }
        Database::Postgres => {
            let mut migrations = sqlx::migrate!("./migrations/postgres");
            migrations.migrations =
                migrations.migrations.iter().filter(|m| m.version < 2).cloned().collect::<Vec<_>>().into();
            let pool = sqlx::PgPool::connect(&test_database.url).await.unwrap();
            migrations.run(&pool).await.unwrap();
            pool.close().await;
            "'\\x01'::bytea"
        }
    };
    let rows = [
        // (participant, kind, item, standing, content)
        ("01", 0, 1, true, r#"{"ranking":["b","a"]}"#),
        ("02", 0, 1, true, r#"{"ranking":["b","a"]}"#),
        ("03", 0, 1, false, r#"{"ranking":["a"]}"#),
        ("03", 0, 1, true, r#"{"ranking":["c","b","a"]}"#),
        ("01", 0, 2, true, r#"{"projects":["c","a"]}"#),
        ("02", 0, 2, true, r#"{"projects":["a","c"]}"#),
        ("03", 0, 2, true, r#"{"projects":[]}"#),
        ("04", 0, 3, true, r#"{"choice":"x"}"#),
        ("04", 1, 4, true, "true"),
    ];
    let mut sql = String::from(
        "INSERT INTO consultations (id, level, definition, revision, published_at, updated_at) VALUES ('c', 'consult', '{}', 1, 0, 0);
         INSERT INTO items (consultation, id) VALUES (1, 'rank'), (1, 'budget'), (1, 'choice'), (1, 'info');
         INSERT INTO item_stats (item, ballots, version) VALUES (1, 3, 7), (2, 3, 5);",
    );
    for (n, (participant, kind, item, standing, content)) in rows.iter().enumerate() {
        let participant = match database {
            Database::Sqlite => format!("X'{participant}'"),
            Database::Postgres => format!("'\\x{participant}'::bytea"),
        };
        let id = match database {
            Database::Sqlite => format!("X'{n:02}'"),
            Database::Postgres => format!("'\\x{n:02}'::bytea"),
        };
        sql += &format!(
            "INSERT INTO actions (consultation, participant, id, kind, item, standing, content, received_at, receipt)
             VALUES (1, {participant}, {id}, {kind}, {item}, {standing}, '{content}', 0, {before});"
        );
    }
    match database {
        Database::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&test_database.url).await.unwrap();
            sqlx::raw_sql(&sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
        Database::Postgres => {
            let pool = sqlx::PgPool::connect(&test_database.url).await.unwrap();
            sqlx::raw_sql(&sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
    let server = TestServer::on(test_database, dir).await;
    let mut db = server.store.read().await.unwrap();
    let profiles: Vec<(i64, String, i64, i64)> = baraza_server::on!(&mut db, |c| sqlx::query_as(
        "SELECT item, ballot, voters, version FROM profiles ORDER BY item, ballot"
    )
    .fetch_all(c)
    .await)
    .unwrap();
    assert_eq!(
        profiles,
        [
            (1, r#"["b","a"]"#.to_owned(), 2, 7),
            (1, r#"["c","b","a"]"#.to_owned(), 1, 7),
            (2, r#"["a","c"]"#.to_owned(), 2, 5),
            (2, "[]".to_owned(), 1, 5),
        ]
    );
}

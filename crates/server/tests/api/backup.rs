//! `baraza backup FILE` (`storage::backup`): a copy of a SQLite database
//! made while phones keep syncing, from which a server starts and finds
//! every action acknowledged before the backup began, every receipt
//! checking and every participation code still bound to its phone.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::http::StatusCode;
use baraza_core::staff::Role;
use baraza_server::storage::backup::{backup, BackupError};
use baraza_server::storage::Store;
use rstest::rstest;
use rstest_reuse::apply;
use serde_json::{json, Value};

use crate::cli::Cli;
use crate::common::*;
use crate::common::{databases, Database};

/// Phones syncing at once, and the codes the village budget's voters use.
const PHONES: usize = 4;
const CODES: usize = 24;

/// What a phone was told: when the answer came, and its results.
struct Acknowledged {
    at: Instant,
    participant: String,
    code: Option<String>,
    results: Vec<Value>,
}

/// The water consultation (open) and the village budget (codes, results
/// shown live), with the codes issued for it.
async fn served_with_codes() -> (Arc<TestServer>, Vec<String>) {
    let (server, codes) = village_with_codes(Database::Sqlite, CODES as u32).await;
    server.publish(definition(WATER)).await;
    (Arc::new(server), codes)
}

/// A phone that syncs until told to stop: fresh participants voting on the
/// water consultation, and, while codes last, on the village budget with
/// a code of their own.
async fn phone(
    server: Arc<TestServer>,
    n: usize,
    codes: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    told: Arc<Mutex<Vec<Acknowledged>>>,
) {
    let mut request = 0;
    while !stop.load(Ordering::Relaxed) {
        request += 1;
        let participant = format!("00000000-0000-4000-{n:04}-{request:012}");
        let code = codes.lock().unwrap().pop();
        let actions = match &code {
            Some(_) => vec![ballot(&new_id(), VILLAGE, "market-day", json!({"answer": "yes"}))],
            None => vec![
                ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"})),
                comment(&new_id(), WATER, "Kiosks should open before work."),
            ],
        };
        let results = server.sync_with_code(&participant, code.as_deref(), &actions).await;
        told.lock().unwrap().push(Acknowledged { at: Instant::now(), participant, code, results });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_during_a_burst_holds_every_action_acknowledged_before_it_began() {
    let (server, codes) = served_with_codes().await;
    let analyst = server.token(Role::Analyst).await;
    let (stop, told) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(Vec::new())));
    let unused = Arc::new(Mutex::new(codes));
    let phones: Vec<_> = (0..PHONES)
        .map(|n| tokio::spawn(phone(server.clone(), n, unused.clone(), stop.clone(), told.clone())))
        .collect();
    while told.lock().unwrap().len() < CODES {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }

    let copy = server.dir.path().join("backup.db");
    let began = Instant::now();
    let made = backup(&server.database.url, &copy).await.unwrap();
    let finished = Instant::now();
    // The phones went on while it was made, and after.
    while told.lock().unwrap().iter().filter(|told| told.at > finished).count() < PHONES {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for phone in phones {
        phone.await.unwrap();
    }
    let told = std::mem::take(&mut *told.lock().unwrap());
    let before: Vec<&Acknowledged> = told.iter().filter(|told| told.at < began).collect();
    let during = told.iter().filter(|told| told.at > began && told.at < finished).count();
    assert!(before.iter().filter(|told| told.code.is_some()).count() > 0, "codes were used before the backup");
    assert!(made.actions >= before.iter().map(|told| told.results.len() as i64).sum::<i64>());
    assert!(made.bytes > 0);

    let dir = tempfile::tempdir().unwrap();
    let restored = TestServer::on(TestDatabase::sqlite_file(&copy), dir).await;
    assert_eq!(restored.get("/readyz").await.status, StatusCode::OK);
    for told in &before {
        for result in &told.results {
            assert_eq!(result["status"], "accepted", "{result}");
            let receipt = result["receipt"].as_str().unwrap();
            let answer =
                restored.send_as("GET", &format!("/api/v1/admin/receipts/{receipt}"), Some(&analyst), None).await;
            assert_eq!(answer.status, StatusCode::OK, "receipt {receipt} of an action acknowledged before the backup");
            let check = answer.json();
            assert_eq!((check["action_id"].clone(), check["authentic"].clone()), (result["id"].clone(), json!(true)));
        }
        let Some(code) = &told.code else { continue };
        // Bound to its phone: another phone is refused it, its own phone
        // votes again with it.
        let again = |participant: &str| {
            let vote = ballot(&new_id(), VILLAGE, "market-day", json!({"answer": "no"}));
            let (restored, participant, code) = (&restored, participant.to_owned(), code.clone());
            async move { restored.sync_with_code(&participant, Some(&code), &[vote]).await.remove(0) }
        };
        assert_eq!(again(OTHER_PARTICIPANT).await["error"]["code"], "code_used", "{code} stayed bound");
        assert_eq!(again(&told.participant).await["status"], "accepted");
    }
    eprintln!("{} requests acknowledged before the backup began, {during} while it was made", before.len());
}

#[tokio::test]
async fn a_backup_never_overwrites_a_file() {
    let server = TestServer::start(Database::Sqlite).await;
    let copy = server.dir.path().join("backup.db");
    std::fs::write(&copy, b"an older backup").unwrap();
    let refused = backup(&server.database.url, &copy).await.unwrap_err();
    assert!(matches!(refused, BackupError::Exists(_)), "{refused}");
    assert_eq!(std::fs::read(&copy).unwrap(), b"an older backup");
}

#[apply(databases)]
#[tokio::test]
async fn the_backup_command_copies_sqlite_and_sends_postgresql_to_its_own_tools(#[case] database: Database) {
    let cli = Cli::new(database).await;
    let village = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/consultations/decide-village-budget.json");
    assert_eq!(cli.run(&["publish", village]).0, 0);
    let (code, out, err) = cli.run(&["backup", "copy.db"]);
    match database {
        Database::Sqlite => {
            assert_eq!(code, 0, "{err}");
            assert!(out.starts_with("backed up 1 consultations and 0 actions into copy.db ("), "{out}");
            let copy = TestDatabase::sqlite_file(&cli.dir.path().join("copy.db"));
            let store = Store::open(&copy.url).await.unwrap();
            assert_eq!(store.all().await.unwrap().len(), 1);
            let (code, _, err) = cli.run(&["backup", "copy.db"]);
            assert_eq!(code, 2);
            assert!(err.contains("copy.db already exists"), "{err}");
        }
        Database::Postgres => {
            assert_eq!(code, 2);
            assert!(err.contains("back it up with PostgreSQL's own tools (pg_dump"), "{err}");
            assert!(!cli.dir.path().join("copy.db").exists());
        }
    }
}

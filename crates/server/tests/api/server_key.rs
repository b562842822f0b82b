//! The server's key kept apart from the database: given at start from a
//! file (`--key-file`, `BARAZA_KEY_FILE`), moved out of a database that
//! holds it (`baraza key export`), and refused when it is not the
//! database's own or others than its owner may read it.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use baraza_core::staff::Role;
use baraza_server::key_file;
use baraza_server::receipts::ReceiptKey;
use baraza_server::storage::key::KeyError;
use baraza_server::storage::{OpenError, Store};
use rstest::rstest;
use rstest_reuse::apply;
use serde_json::json;

use crate::common::*;
use crate::sync_codes::vote;

const BARAZA: &str = env!("CARGO_BIN_EXE_baraza");

/// `baraza` on the database at `url`, run in `dir`, given no key file but
/// the one its arguments name.
fn baraza(url: &str, dir: &Path) -> Command {
    let mut command = Command::new(BARAZA);
    command.current_dir(dir).env("BARAZA_DATABASE", url).env_remove("BARAZA_KEY_FILE");
    command
}

/// What `baraza serve` says on stderr as it refuses to start; fails the test
/// if it serves instead.
fn refused_serve(url: &str, dir: &Path, args: &[&str]) -> String {
    let mut server = baraza(url, dir)
        .args(["serve", "--addr", "127.0.0.1:0", "--dist", "no-app-here"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while server.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            server.kill().unwrap();
            panic!("baraza serve {args:?} started instead of refusing");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = server.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    String::from_utf8(output.stderr).unwrap()
}

/// Whether `receipt` is one this server made, as staff check it.
async fn authentic(server: &TestServer, receipt: &str) -> bool {
    let analyst = server.token(Role::Analyst).await;
    let answer = server.send_as("GET", &format!("/api/v1/admin/receipts/{receipt}"), Some(&analyst), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    answer.json()["authentic"] == true
}

async fn stored_keys(server: &TestServer) -> i64 {
    server.scalar("SELECT COUNT(*) FROM settings WHERE key = 'receipt_key'").await
}

fn open_refusal(opened: Result<Store, OpenError>) -> OpenError {
    match opened {
        Ok(_) => panic!("the database opened"),
        Err(error) => error,
    }
}

#[apply(databases)]
#[tokio::test]
async fn a_server_given_a_key_file_makes_receipts_that_check_and_the_database_never_holds_it(
    #[case] database: Database,
) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("baraza.key");
    key_file::create(&path, &ReceiptKey::fresh()).unwrap();
    let database = TestDatabase::new(database, dir.path()).await;
    let server = TestServer::on_with_key(database, dir, Some(key_file::read(&path).unwrap())).await;
    server.publish(definition(WATER)).await;
    let results = server.sync(PARTICIPANT, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}))]).await;
    let receipt = results[0]["receipt"].as_str().unwrap().to_owned();
    assert!(authentic(&server, &receipt).await);
    assert_eq!(stored_keys(&server).await, 0);

    let server = server.restart_with_key(Some(key_file::read(&path).unwrap())).await;
    assert!(authentic(&server, &receipt).await);

    // A server not given the key cannot start, nor make a key of its own.
    let refusal = open_refusal(Store::open(&server.database.url).await);
    assert!(matches!(refusal, OpenError::Key(KeyError::NotGiven)));
    assert!(refusal.to_string().contains("--key-file"), "{refusal}");
    let other = open_refusal(Store::open_with_key(&server.database.url, Some(ReceiptKey::fresh())).await);
    assert!(matches!(other, OpenError::Key(KeyError::Wrong)));
    assert_eq!(stored_keys(&server).await, 0);
}

#[apply(databases)]
#[tokio::test]
async fn export_moves_the_key_into_a_file_that_checks_earlier_receipts_and_keeps_code_bindings(
    #[case] database: Database,
) {
    let (server, codes) = village_with_codes(database, 1).await;
    let first = vote(&server, PARTICIPANT, Some(&codes[0]), "yes").await;
    assert_eq!(first["status"], "accepted", "{first}");
    let receipt = first["receipt"].as_str().unwrap().to_owned();
    let url = server.database.url.clone();
    let dir = server.dir.path();

    // An existing file is never overwritten, and the key then stays.
    let taken = dir.join("taken");
    std::fs::write(&taken, "not a key").unwrap();
    let output = baraza(&url, dir).args(["key", "export", "--to", "taken"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("already exists"), "{output:?}");
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "not a key");
    assert_eq!(stored_keys(&server).await, 1);

    let output = baraza(&url, dir).args(["key", "export", "--to", "baraza.key"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let path = dir.join("baraza.key").canonicalize().unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("moved the key out of the database into {}\n", path.display())
    );
    let advice = String::from_utf8(output.stderr).unwrap();
    assert!(advice.contains(&format!("baraza serve --key-file {}", path.display())), "{advice}");
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(stored_keys(&server).await, 0);

    // Once moved out, there is nothing left to export.
    let again =
        baraza(&url, dir).args(["--key-file", "baraza.key", "key", "export", "--to", "copy.key"]).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("no longer holds its key"), "{again:?}");
    assert!(!dir.join("copy.key").exists());

    // A server given the file checks the earlier receipt, and the code is
    // still bound to the phone that first voted with it.
    let server = server.restart_with_key(Some(key_file::read(&path).unwrap())).await;
    assert!(authentic(&server, &receipt).await);
    let changed = vote(&server, PARTICIPANT, Some(&codes[0]), "no").await;
    assert_eq!(changed["status"], "accepted", "{changed}");
    let stolen = vote(&server, OTHER_PARTICIPANT, Some(&codes[0]), "yes").await;
    assert_eq!(stolen["error"]["code"], "code_used", "{stolen}");
    assert_eq!(server.counts(VILLAGE, "market-day").await, json!({ "yes": 0, "no": 1, "abstain": 0 }));
}

#[apply(databases)]
#[tokio::test]
async fn serve_refuses_a_key_file_that_is_missing_malformed_wrong_or_readable_by_others(#[case] database: Database) {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path();
    let test_database = TestDatabase::new(database, dir).await;
    let url = &test_database.url;
    // A database holding its key.
    assert!(baraza(url, dir).args(["token", "list"]).output().unwrap().status.success());

    let missing = refused_serve(url, dir, &["--key-file", "missing.key"]);
    assert!(missing.contains("cannot read the key file missing.key"), "{missing}");

    std::fs::write(dir.join("short.key"), "0123abcd\n").unwrap();
    std::fs::set_permissions(dir.join("short.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let malformed = refused_serve(url, dir, &["--key-file", "short.key"]);
    assert!(malformed.contains("short.key does not hold a Baraza key"), "{malformed}");

    key_file::create(&dir.join("other.key"), &ReceiptKey::fresh()).unwrap();
    let wrong = refused_serve(url, dir, &["--key-file", "other.key"]);
    assert!(wrong.contains("not this database's key"), "{wrong}");

    let output = baraza(url, dir).args(["key", "export", "--to", "baraza.key"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let forgotten = refused_serve(url, dir, &[]);
    assert!(forgotten.contains("--key-file"), "{forgotten}");
    let wrong = refused_serve(url, dir, &["--key-file", "other.key"]);
    assert!(wrong.contains("not this database's key"), "{wrong}");

    std::fs::set_permissions(dir.join("baraza.key"), std::fs::Permissions::from_mode(0o640)).unwrap();
    let exposed = refused_serve(url, dir, &["--key-file", "baraza.key"]);
    assert!(exposed.contains("(mode 0640)") && exposed.contains("chmod 600 baraza.key"), "{exposed}");

    // The right file, readable by its owner only, named by the variable.
    std::fs::set_permissions(dir.join("baraza.key"), std::fs::Permissions::from_mode(0o400)).unwrap();
    let output = baraza(url, dir).args(["token", "list"]).env("BARAZA_KEY_FILE", "baraza.key").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[test]
fn key_new_makes_a_key_file_only_its_owner_reads_and_never_overwrites_one() {
    let dir = tempfile::tempdir().unwrap();
    let made = baraza("unused.db", dir.path()).args(["key", "new", "--to", "new.key"]).output().unwrap();
    assert_eq!(made.status.code(), Some(0), "{made:?}");
    let path = dir.path().join("new.key");
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    let key = key_file::read(&path).unwrap();
    assert!(!dir.path().join("unused.db").exists(), "making a key touches no database");

    let again = baraza("unused.db", dir.path()).args(["key", "new", "--to", "new.key"]).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"), "{again:?}");
    assert_eq!(key_file::read(&path).unwrap().text(), key.text());
}

//! The `baraza` command line, run as the real binary.

use std::process::Command;

const BARAZA: &str = env!("CARGO_BIN_EXE_baraza");
const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/consultations/consult-water-services.json");

fn run(args: &[&str], database: &std::path::Path) -> (i32, String) {
    let output = Command::new(BARAZA).args(args).env("BARAZA_DATABASE", database).output().unwrap();
    (output.status.code().unwrap(), String::from_utf8(output.stdout).unwrap())
}

fn broken_copy(dir: &std::path::Path) -> std::path::PathBuf {
    let mut definition: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(EXAMPLE).unwrap()).unwrap();
    definition["items"][0]["options"].as_array_mut().unwrap().truncate(1);
    definition["summary"].as_object_mut().unwrap().remove("en");
    let path = dir.join("broken.json");
    std::fs::write(&path, definition.to_string()).unwrap();
    path
}

#[test]
fn validate_prints_every_problem_with_its_path_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("baraza.db");
    assert_eq!(run(&["validate", EXAMPLE], &database), (0, String::new()));

    let broken = broken_copy(dir.path());
    let (code, out) = run(&["validate", EXAMPLE, broken.to_str().unwrap()], &database);
    assert_eq!(code, 1);
    let lines: Vec<_> = out.lines().collect();
    let file = broken.display().to_string();
    assert_eq!(lines, [
        format!("{file}: summary: the text in the default language \"en\" is missing"),
        format!("{file}: items[0].options: a single choice needs at least 2 options"),
    ]);

    let (code, out) = run(&["validate", "/no/such/file.json"], &database);
    assert_eq!(code, 1);
    assert!(out.starts_with("/no/such/file.json: cannot read the file"), "{out}");
}

#[test]
fn publish_publishes_nothing_when_any_file_is_broken() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("baraza.db");
    let broken = broken_copy(dir.path());
    let (code, _) = run(&["publish", EXAMPLE, broken.to_str().unwrap()], &database);
    assert_eq!(code, 1);
    assert!(!database.exists(), "no database is even created");

    let (code, out) = run(&["publish", EXAMPLE], &database);
    assert_eq!((code, out.as_str()), (0, "published water-services-2027\n"));
}

#[test]
fn a_postgres_url_is_refused_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BARAZA)
        .args(["publish", EXAMPLE, "--database", "postgres://localhost/baraza"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("PostgreSQL is not supported yet"));
}

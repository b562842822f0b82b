//! The `baraza` command line, run as the real binary, on each database.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use baraza_server::storage::Store;
use rstest::rstest;
use rstest_reuse::apply;
use tempfile::TempDir;

use crate::common::{databases, Database, TestDatabase};

const BARAZA: &str = env!("CARGO_BIN_EXE_baraza");
const WATER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/consultations/consult-water-services.json");
const ROAD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/consultations/inform-coastal-road.json");
const VILLAGE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/consultations/decide-village-budget.json");

/// Runs `baraza` in `dir` with `BARAZA_DATABASE` unset: (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    answer(Command::new(BARAZA).args(args).current_dir(dir).env_remove("BARAZA_DATABASE"))
}

fn answer(command: &mut Command) -> (i32, String, String) {
    let output = command.output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// A folder to run `baraza` in, on a new database: with SQLite, the default
/// file `baraza.db` in the folder; with PostgreSQL, a database of its own,
/// named by `BARAZA_DATABASE`.
pub struct Cli {
    pub database: TestDatabase,
    pub dir: TempDir,
}

impl Cli {
    pub async fn new(database: Database) -> Cli {
        let dir = tempfile::tempdir().unwrap();
        Cli { database: TestDatabase::new(database, dir.path()).await, dir }
    }

    pub fn command(&self) -> Command {
        let mut command = Command::new(BARAZA);
        command.current_dir(self.dir.path()).env_remove("BARAZA_DATABASE");
        if self.database.url.starts_with("postgres") {
            command.env("BARAZA_DATABASE", &self.database.url);
        }
        command
    }

    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        answer(self.command().args(args))
    }

    pub async fn store(&self) -> Store {
        Store::open(&self.database.url).await.unwrap()
    }

    async fn published_ids(&self) -> Vec<String> {
        self.store().await.all().await.unwrap().into_iter().map(|consultation| consultation.id).collect()
    }

    /// `baraza serve` on a free port, with no built app, once it says where
    /// it serves: the process and that address.
    pub fn serve(&self, extra_args: &[&str]) -> (Child, String) {
        let mut server = self
            .command()
            .args(["serve", "--addr", "127.0.0.1:0", "--dist", "no-app-here"])
            .args(extra_args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(server.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr =
            line.trim().strip_prefix("Baraza is serving on http://").unwrap_or_else(|| panic!("{line}")).to_owned();
        (server, addr)
    }
}

fn write_json(dir: &Path, name: &str, definition: &serde_json::Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, definition.to_string()).unwrap();
    path
}

fn water() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(WATER).unwrap()).unwrap()
}

fn broken_copy(dir: &Path) -> PathBuf {
    let mut definition = water();
    definition["items"][0]["options"].as_array_mut().unwrap().truncate(1);
    definition["summary"].as_object_mut().unwrap().remove("en");
    write_json(dir, "broken.json", &definition)
}

#[test]
fn validate_exits_0_for_valid_files_and_prints_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(dir.path(), &["validate", WATER, ROAD]), (0, String::new(), String::new()));
    assert!(!dir.path().join("baraza.db").exists(), "validating touches no database");
}

#[test]
fn validate_prints_every_problem_with_its_path_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let broken = broken_copy(dir.path());
    let (code, out, _) = run(dir.path(), &["validate", WATER, broken.to_str().unwrap()]);
    assert_eq!(code, 1);
    let file = broken.display().to_string();
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            format!("{file}: summary: the text in the default language \"en\" is missing"),
            format!("{file}: items[0].options: a single choice needs at least 2 options"),
        ]
    );
}

#[test]
fn validate_prints_warnings_and_still_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut open_decide = water();
    open_decide["level"] = "decide".into();
    let file = write_json(dir.path(), "open-decide.json", &open_decide);
    let (code, out, _) = run(dir.path(), &["validate", file.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.starts_with(&format!("{}: eligibility: warning: ", file.display())), "{out}");
    assert_eq!(out.lines().count(), 1);
}

#[test]
fn two_files_with_one_id_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let copy = write_json(dir.path(), "copy.json", &water());
    let (code, out, _) = run(dir.path(), &["validate", WATER, ROAD, copy.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(out, format!("{}: id: \"water-services-2027\" is also the id of {WATER}\n", copy.display()));
}

#[test]
fn unreadable_files_and_bad_json_are_reported_not_panicked_on() {
    let dir = tempfile::tempdir().unwrap();
    let not_json = dir.path().join("not-json.json");
    std::fs::write(&not_json, "{ \"id\": ").unwrap();
    let (code, out, err) = run(dir.path(), &["validate", "/no/such/file.json", not_json.to_str().unwrap(), WATER]);
    assert_eq!(code, 1);
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("/no/such/file.json: cannot read the file"), "{out}");
    assert!(lines[1].starts_with(&format!("{}: ", not_json.display())) && lines[1].contains("EOF"), "{out}");
    assert!(!err.contains("panicked"), "{err}");
}

#[apply(databases)]
#[tokio::test]
async fn publish_publishes_every_file_into_the_database(#[case] database: Database) {
    let cli = Cli::new(database).await;
    let (code, out, _) = cli.run(&["publish", WATER, ROAD]);
    assert_eq!((code, out.as_str()), (0, "published water-services-2027\npublished coastal-road-plan\n"));
    assert_eq!(cli.published_ids().await, ["coastal-road-plan", "water-services-2027"]);

    // Publishing again replaces the stored definition.
    let mut revised = water();
    revised["title"]["en"] = "Water services, revised".into();
    let revised = write_json(cli.dir.path(), "revised.json", &revised);
    let (code, out, _) = cli.run(&["publish", revised.to_str().unwrap(), ROAD]);
    assert_eq!((code, out.as_str()), (0, "updated water-services-2027\nunchanged coastal-road-plan\n"));
    let stored = cli.store().await.find("water-services-2027").await.unwrap();
    assert_eq!(stored.title.0["en"], "Water services, revised");
}

#[apply(databases)]
#[tokio::test]
async fn publish_publishes_nothing_when_any_file_is_broken(#[case] database: Database) {
    let cli = Cli::new(database).await;
    let chosen = match database {
        Database::Sqlite => cli.dir.path().join("chosen.db").to_str().unwrap().to_owned(),
        Database::Postgres => cli.database.url.clone(),
    };
    // A database that already holds one consultation keeps just that one.
    let (code, _, err) = answer(Command::new(BARAZA).args(["publish", ROAD, "--database", &chosen]));
    assert_eq!(code, 0, "{err}");

    let broken = broken_copy(cli.dir.path());
    let (code, out, err) = run(cli.dir.path(), &["--database", &chosen, "publish", WATER, broken.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("items[0].options: a single choice needs at least 2 options"), "{out}");
    assert!(!out.contains("published"), "{out}");
    assert!(err.contains("nothing was published"), "{err}");
    let stored = Store::open(&chosen).await.unwrap().all().await.unwrap();
    assert_eq!(stored.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["coastal-road-plan"]);
    assert!(!cli.dir.path().join("baraza.db").exists(), "--database was used, not the default");
}

#[test]
fn a_database_that_cannot_be_reached_is_said_plainly_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 1.
    let (code, out, err) = answer(
        Command::new(BARAZA)
            .args(["publish", WATER])
            .env("BARAZA_DATABASE", "postgres://127.0.0.1:1/baraza")
            .current_dir(dir.path()),
    );
    assert_eq!(code, 2);
    assert!(err.contains("cannot open the database postgres://127.0.0.1:1/baraza"), "{err}");
    assert!(out.is_empty());
}

/// A raw HTTP/1.1 GET, so the test needs no HTTP client.
fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[apply(databases)]
#[tokio::test]
async fn serve_prints_its_address_serves_and_stops_on_sigterm(#[case] database: Database) {
    let cli = Cli::new(database).await;
    assert_eq!(cli.run(&["publish", WATER]).0, 0);
    let (mut server, addr) = cli.serve(&[]);

    let list = http_get(&addr, "/api/v1/consultations");
    assert!(list.starts_with("HTTP/1.1 200"), "{list}");
    assert!(list.contains("water-services-2027"), "{list}");
    assert!(http_get(&addr, "/").starts_with("HTTP/1.1 503"), "no built app in --dist");

    let terminated = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(terminated.success());
    let status = server.wait().unwrap();
    assert_eq!(status.code(), Some(0), "a graceful stop");
}

#[apply(databases)]
#[tokio::test]
async fn serve_limits_writes_by_the_connection_address(#[case] database: Database) {
    let cli = Cli::new(database).await;
    let (mut server, addr) = cli.serve(&["--writes-per-minute", "1"]);
    let sync = |addr: &str| {
        let body = r#"{"participant":"5f0c6a2e-8d0b-4c43-9d7e-2b1f4b0a9e11","actions":[]}"#;
        let mut stream = TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "POST /api/v1/sync HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    };

    let first = sync(&addr);
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    let second = sync(&addr);
    assert!(second.starts_with("HTTP/1.1 429"), "{second}");
    assert!(second.to_lowercase().contains("retry-after: "), "{second}");
    assert!(second.contains("too_many_requests"), "{second}");
    assert!(http_get(&addr, "/api/v1/consultations").starts_with("HTTP/1.1 200"), "reads are never limited");

    server.kill().unwrap();
    server.wait().unwrap();
}

#[apply(databases)]
#[tokio::test]
async fn token_create_prints_it_once_list_hides_it_and_revoke_ends_it(#[case] database: Database) {
    let cli = Cli::new(database).await;
    let (code, token, stderr) = cli.run(&["token", "create", "--role", "analyst", "--name", "Amina Diallo"]);
    assert_eq!(code, 0, "{stderr}");
    let token = token.trim();
    assert!(token.starts_with("baraza_") && token.len() > 60, "{token}");
    assert!(stderr.contains("shown only now"));

    let (code, list, _) = cli.run(&["token", "list"]);
    assert_eq!(code, 0);
    let row = list.lines().find(|line| line.contains("Amina Diallo")).expect("the token is listed");
    let id = row.split('\t').next().unwrap();
    assert!(token.contains(id) && row.contains("\tanalyst\t") && row.ends_with("\t-"));
    assert!(!list.contains(token), "list shows only ids");

    assert_eq!(cli.run(&["token", "revoke", id]).0, 0);
    let (_, list, _) = cli.run(&["token", "list"]);
    assert!(!list.lines().find(|line| line.contains("Amina Diallo")).unwrap().ends_with("\t-"));
    let (code, _, stderr) = cli.run(&["token", "revoke", id]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no valid token"), "{stderr}");
}

#[test]
fn token_create_refuses_an_unknown_role_or_a_blank_name() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(dir.path(), &["token", "create", "--role", "admin", "--name", "X"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("publisher, analyst or clerk"), "{stderr}");
    let (code, _, stderr) = run(dir.path(), &["token", "create", "--role", "publisher", "--name", " "]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--name"), "{stderr}");
}

#[apply(databases)]
#[tokio::test]
async fn publish_refuses_to_change_the_items_of_an_open_consultation(#[case] database: Database) {
    let cli = Cli::new(database).await;
    let mut open = water();
    open["opens_at"] = "2020-01-01T00:00:00Z".into();
    let open_file = write_json(cli.dir.path(), "open.json", &open);
    assert_eq!(cli.run(&["publish", open_file.to_str().unwrap()]).0, 0);

    open["items"].as_array_mut().unwrap().pop();
    open["title"]["en"] = "Retitled".into();
    let changed = write_json(cli.dir.path(), "changed.json", &open);
    let (code, out, err) = cli.run(&["publish", changed.to_str().unwrap(), ROAD]);
    assert_eq!(code, 1);
    assert!(out.starts_with("water-services-2027: items: this cannot change"), "{out}");
    assert!(err.contains("nothing was published"), "{err}");
    assert_eq!(cli.published_ids().await, ["water-services-2027"], "the road was not published either");
    let stored = cli.store().await.find("water-services-2027").await.unwrap();
    assert_ne!(stored.title.0["en"], "Retitled");
}

#[apply(databases)]
#[tokio::test]
async fn codes_issue_prints_new_codes_as_csv_once(#[case] database: Database) {
    let cli = Cli::new(database).await;
    assert_eq!(cli.run(&["publish", VILLAGE, WATER]).0, 0);
    let (code, out, err) = cli.run(&["codes", "issue", "kijiji-budget-2027", "--count", "3"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0], "code");
    assert!(lines[1..].iter().all(|code| baraza_core::codes::normalize(code).as_deref() == Some(*code)), "{out}");
    assert!(err.contains("shown only now"), "{err}");

    let (code, _, err) = cli.run(&["codes", "issue", "water-services-2027", "--count", "3"]);
    assert_eq!(code, 2);
    assert!(err.contains("does not use participation codes"), "{err}");
    let (code, _, err) = cli.run(&["codes", "issue", "nope", "--count", "3"]);
    assert_eq!(code, 2);
    assert!(err.contains("no consultation \"nope\""), "{err}");
    let (code, _, err) = cli.run(&["codes", "issue", "kijiji-budget-2027", "--count", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("--count must be from 1 to 10000"), "{err}");
}

//! `baraza serve --log-format json`: one JSON object a line, each request's
//! lines carrying the id sent back as `X-Request-Id`, and never a
//! participant id, participation code, receipt, token or client address,
//! however verbose the log is asked to be.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use rstest::rstest;
use rstest_reuse::apply;
use serde_json::{json, Value};

use crate::cli::Cli;
use crate::common::{ballot, databases, new_id, Database, PARTICIPANT, VILLAGE};

const VILLAGE_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/consultations/decide-village-budget.json");

/// A raw HTTP/1.1 request from a client behind a proxy that names its
/// address, and that sends a request id of its own: the answer's head and
/// body.
fn request(addr: &str, method: &str, path: &str, token: Option<&str>, body: &str) -> (String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let authorization = token.map(|token| format!("Authorization: Bearer {token}\r\n")).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nX-Forwarded-For: 203.0.113.7\r\nX-Request-Id: chosen-by-the-client\r\n\
         {authorization}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    (head.to_owned(), body.to_owned())
}

/// The value of a header in an answer's head.
fn header<'a>(head: &'a str, name: &str) -> &'a str {
    head.lines()
        .find_map(|line| line.split_once(": ").filter(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, v)| v))
        .unwrap_or_else(|| panic!("no {name} in {head}"))
}

#[apply(databases)]
#[tokio::test]
async fn json_logs_carry_request_ids_and_no_identifier_of_anyone(#[case] database: Database) {
    let cli = Cli::new(database).await;
    assert_eq!(cli.run(&["publish", VILLAGE_FILE]).0, 0);
    let (_, codes, _) = cli.run(&["codes", "issue", VILLAGE, "--count", "1"]);
    let code = codes.lines().nth(1).unwrap().to_owned();
    let (_, token, _) = cli.run(&["token", "create", "--role", "analyst", "--name", "Amina Diallo"]);
    let token = token.trim().to_owned();

    let mut server = cli
        .command()
        .args(["--log-format", "json", "serve", "--addr", "127.0.0.1:0", "--dist", "no-app-here"])
        .env("RUST_LOG", "baraza_server=debug,tower_http=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = server.stdout.take().unwrap();
    let mut line = Vec::new();
    let mut byte = [0];
    while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    let line = String::from_utf8(line).unwrap();
    let addr = line.strip_prefix("Baraza is serving on http://").unwrap_or_else(|| panic!("{line}")).to_owned();

    let sync = json!({
        "participant": PARTICIPANT,
        "code": code,
        "actions": [ballot(&new_id(), VILLAGE, "market-day", json!({"answer": "yes"}))],
    });
    let (head, body) = request(&addr, "POST", "/api/v1/sync", None, &sync.to_string());
    assert!(head.starts_with("HTTP/1.1 200"), "{head}{body}");
    let sync_id = header(&head, "x-request-id").to_owned();
    assert_ne!(sync_id, "chosen-by-the-client", "a client's request id is not taken");
    let receipt = serde_json::from_str::<Value>(&body).unwrap()["results"][0]["receipt"].as_str().unwrap().to_owned();
    let (head, _) = request(&addr, "GET", &format!("/api/v1/admin/receipts/{receipt}"), Some(&token), "");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let (head, _) = request(&addr, "GET", &format!("/api/v1/consultations/{PARTICIPANT}"), None, "");
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");

    assert!(Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap().success());
    let mut log = String::new();
    server.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    assert_eq!(server.wait().unwrap().code(), Some(0));

    let lines: Vec<Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not a JSON line: {line}")))
        .collect();
    let of_the_sync: Vec<&Value> = lines.iter().filter(|line| line["span"]["id"] == sync_id.as_str()).collect();
    assert!(of_the_sync.len() >= 2, "its start and its answer:\n{log}");
    for line in of_the_sync {
        assert_eq!(
            (line["span"]["method"].as_str(), line["span"]["route"].as_str()),
            (Some("POST"), Some("/api/v1/sync"))
        );
    }
    let routes: Vec<&str> = lines.iter().filter_map(|line| line["span"]["route"].as_str()).collect();
    assert!(routes.contains(&"/api/v1/admin/receipts/{receipt}"), "route templates, not paths: {routes:?}");
    assert!(routes.contains(&"/api/v1/consultations/{id}"), "{routes:?}");
    for secret in
        [PARTICIPANT, &code, &code.replace('-', ""), &receipt, &token, "203.0.113.7", "127.0.0.1", "chosen-by"]
    {
        assert!(!log.contains(secret), "{secret} is in the log:\n{log}");
    }
}

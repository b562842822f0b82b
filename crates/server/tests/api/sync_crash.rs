//! A server killed (`kill -9`) in the middle of a burst of phones: every
//! action it acknowledged is stored, and none is counted twice when the
//! phones send again what they did not hear back about.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rstest::rstest;
use rstest_reuse::apply;
use serde_json::{json, Value};

use crate::cli::Cli;
use crate::common::{ballot, databases, definition, new_id, Database, WATER};

/// POSTs `body` to `addr` over its own connection: the status and the
/// body, or `None` if the server went away first.
fn post(addr: &str, path: &str, body: &str) -> Option<(u16, Value)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let status = answer.split(' ').nth(1)?.parse().ok()?;
    let (_, body) = answer.split_once("\r\n\r\n")?;
    Some((status, serde_json::from_str(body).ok()?))
}

/// A request a phone sent, and its results if the server answered before
/// it died.
type Sent = (String, Option<Value>);

/// A phone's request: a fresh participant voting on two questions.
fn request(phone: usize, n: usize) -> String {
    let participant = format!("00000000-0000-4000-{phone:04}-{n:012}");
    json!({
        "participant": participant,
        "actions": [
            ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"})),
            ballot(&new_id(), WATER, "satisfaction", json!({"value": 4})),
        ],
    })
    .to_string()
}

#[apply(databases)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_no_acknowledged_action_and_counts_none_twice(#[case] database: Database) {
    const PHONES: usize = 8;
    const ANSWERED_BEFORE_THE_KILL: usize = 200;
    let cli = Cli::new(database).await;
    let water = cli.dir.path().join("water.json");
    std::fs::write(&water, definition(WATER).to_string()).unwrap();
    assert_eq!(cli.run(&["publish", water.to_str().unwrap()]).0, 0);
    let (mut server, addr) = cli.serve(&["--writes-per-minute", "0"]);

    let sent: Arc<Mutex<Vec<Sent>>> = Arc::default();
    let answered = Arc::new(AtomicUsize::new(0));
    let dead = Arc::new(AtomicBool::new(false));
    let phones: Vec<_> = (0..PHONES)
        .map(|phone| {
            let (addr, sent, answered, dead) = (addr.clone(), sent.clone(), answered.clone(), dead.clone());
            std::thread::spawn(move || {
                for n in 0.. {
                    if dead.load(Ordering::SeqCst) {
                        return;
                    }
                    let body = request(phone, n);
                    let answer = post(&addr, "/api/v1/sync", &body);
                    let acknowledged = match &answer {
                        Some((200, results)) => Some(results["results"].clone()),
                        _ => None,
                    };
                    if acknowledged.is_some() {
                        answered.fetch_add(1, Ordering::SeqCst);
                    }
                    sent.lock().unwrap().push((body, acknowledged));
                    if answer.is_none() {
                        return;
                    }
                }
            })
        })
        .collect();
    while answered.load(Ordering::SeqCst) < ANSWERED_BEFORE_THE_KILL {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().unwrap(); // SIGKILL: no graceful stop
    server.wait().unwrap();
    dead.store(true, Ordering::SeqCst);
    for phone in phones {
        phone.join().unwrap();
    }

    // Back up, every phone sends again what it sent.
    let (mut server, addr) = cli.serve(&["--writes-per-minute", "0"]);
    let sent = sent.lock().unwrap().clone();
    for (body, acknowledged) in &sent {
        let (status, again) = post(&addr, "/api/v1/sync", body).unwrap();
        assert_eq!(status, 200, "{again}");
        let again = again["results"].as_array().unwrap();
        if let Some(acknowledged) = acknowledged {
            for (before, now) in acknowledged.as_array().unwrap().iter().zip(again) {
                assert_eq!(before["status"], "accepted");
                assert_eq!(now["status"], "duplicate", "an acknowledged action was lost: {before}");
                assert_eq!(now["receipt"], before["receipt"]);
            }
        } else {
            assert!(again.iter().all(|result| result["status"] != "rejected"), "{again:?}");
        }
    }
    let store = cli.store().await;
    let definition = store.definition(WATER).await.unwrap();
    let counted = baraza_server::storage::results::tally(&store, &definition).await.unwrap();
    let tariff = counted.items.iter().find(|item| item.id == "tariff").unwrap();
    assert_eq!(counted.participants as usize, sent.len(), "each phone's participant counted once");
    assert_eq!(tariff.ballots, Some(sent.len() as u64));
    assert_eq!(tariff.counts.as_ref().unwrap()["blocks"], sent.len() as u64);
    server.kill().unwrap();
    server.wait().unwrap();
}

//! The server's connections, over real TCP: a client that does not send its
//! headers within the header timeout, however slowly it trickles them, sees
//! its connection closed; past the cap on connections, a new one waits
//! until another ends.

use std::time::{Duration, Instant};

use baraza_server::http::transport::{self, Transport};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::*;
use crate::common::{databases, Database};

const REQUEST: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: baraza\r\n\r\n";

/// Serves `server` over TCP on a loopback port; answers its address.
async fn listen(server: &TestServer, transport: Transport) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(transport::serve(listener, server.router(), transport, std::future::pending()));
    address
}

/// Reads one answer's first bytes, or `None` when the connection closed.
async fn answer(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = [0u8; 1024];
    match stream.read(&mut buffer).await {
        Ok(0) | Err(_) => None,
        Ok(read) => Some(String::from_utf8_lossy(&buffer[..read]).into_owned()),
    }
}

#[apply(databases)]
#[tokio::test]
async fn a_client_trickling_its_headers_is_cut_off_at_the_header_timeout(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let timeout = Duration::from_millis(500);
    let address = listen(&server, Transport { header_timeout: timeout, max_connections: 8 }).await;

    let mut slow = TcpStream::connect(address).await.unwrap();
    let started = Instant::now();
    // One byte every 50 ms: each arrives well within any idle timeout.
    let trickle = async {
        for byte in b"GET /healthz HTTP/1.1\r\nHost: baraza\r\nX-Slow: ".iter().cycle() {
            if slow.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), trickle).await.expect("the server closed the connection");
    let closed_after = started.elapsed();
    assert!(closed_after >= timeout, "closed after {closed_after:?}");
    assert!(closed_after < timeout * 4, "closed after {closed_after:?}");

    // A client that sends its request at once is answered.
    let mut prompt = TcpStream::connect(address).await.unwrap();
    prompt.write_all(REQUEST).await.unwrap();
    assert!(answer(&mut prompt).await.unwrap().starts_with("HTTP/1.1 200"));
}

#[apply(databases)]
#[tokio::test]
async fn past_the_cap_a_connection_waits_for_another_to_end(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let address = listen(&server, Transport { header_timeout: Duration::from_secs(30), max_connections: 1 }).await;

    let mut first = TcpStream::connect(address).await.unwrap();
    first.write_all(REQUEST).await.unwrap();
    assert!(answer(&mut first).await.unwrap().starts_with("HTTP/1.1 200"));
    // The first connection stays open (keep-alive): the second waits.
    let mut second = TcpStream::connect(address).await.unwrap();
    second.write_all(REQUEST).await.unwrap();
    let waited = tokio::time::timeout(Duration::from_millis(500), answer(&mut second)).await;
    assert!(waited.is_err(), "answered past the cap: {waited:?}");

    drop(first);
    let answered = tokio::time::timeout(Duration::from_secs(5), answer(&mut second)).await.unwrap();
    assert!(answered.unwrap().starts_with("HTTP/1.1 200"));
}

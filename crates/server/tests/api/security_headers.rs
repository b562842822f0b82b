//! The headers every answer carries: a strict Content-Security-Policy (the
//! app runs only its own scripts, its inline ones by the hashes the build
//! wrote; API answers run nothing; no page may be framed), nosniff, no
//! referrer, a Permissions-Policy, and HSTS when asked for.

use axum::http::{header, StatusCode};
use rstest::rstest;
use rstest_reuse::apply;

use crate::common::*;
use crate::common::{databases, Database};

const HASH: &str = "'sha256-VP8BKHRuLMCTaF27M4eF89WfuJ+nZoggS4o3avkHHdM='";
const CONSULTATION_HASH: &str = "'sha256-0Xq4c0Yx1dbJ6m4o1mKk3B5GQ4sXn3n0fIh3D4mS4aA='";
const STAFF_HASH: &str = "'sha256-WYB8OvyCEH22qA7r+YDef3/DubTecucNxbDmtQM7qpE='";

fn header<'a>(answer: &'a Answer, name: &str) -> &'a str {
    answer.headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_else(|| panic!("no {name} header"))
}

/// The sources of one directive of a policy.
fn directive<'a>(policy: &'a str, name: &str) -> Vec<&'a str> {
    let found = policy.split(';').map(str::trim).find(|part| part.split(' ').next() == Some(name));
    found.unwrap_or_else(|| panic!("no {name} in {policy}")).split(' ').skip(1).collect()
}

fn assert_common(answer: &Answer) {
    assert_eq!(header(answer, "x-content-type-options"), "nosniff");
    assert_eq!(header(answer, "referrer-policy"), "no-referrer");
    assert!(header(answer, "permissions-policy").contains("camera=()"));
    assert!(header(answer, "permissions-policy").contains("geolocation=()"));
    let policy = header(answer, "content-security-policy");
    assert_eq!(directive(policy, "frame-ancestors"), ["'none'"], "{policy}");
    assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"), "{policy}");
    assert!(answer.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
}

#[apply(databases)]
#[tokio::test]
async fn pages_files_and_api_answers_carry_the_security_headers(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let dist = server.dir.path().join("dist");
    std::fs::write(dist.join("index.html.script-hashes"), format!("{HASH}\n")).unwrap();
    std::fs::write(dist.join("consultation/index.html.script-hashes"), format!("{CONSULTATION_HASH}\n")).unwrap();
    std::fs::write(dist.join("staff/index.html.script-hashes"), format!("{STAFF_HASH}\n")).unwrap();

    for path in ["/", "/c/water-services-2027", "/staff/", "/baraza-app-0123456789abcdef_bg.wasm"] {
        let answer = server.get(path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_common(&answer);
        let policy = header(&answer, "content-security-policy");
        // The app's own scripts, its inline loaders by hash, its wasm.
        let scripts = directive(policy, "script-src");
        for source in ["'self'", "'wasm-unsafe-eval'", HASH, CONSULTATION_HASH, STAFF_HASH] {
            assert!(scripts.contains(&source), "{path}: {source} not in {policy}");
        }
        assert_eq!(directive(policy, "connect-src"), ["'self'"], "{path}");
        assert_eq!(directive(policy, "object-src"), ["'none'"], "{path}");
    }

    let api = server.get("/api/v1/consultations").await;
    assert_eq!(api.status, StatusCode::OK);
    let not_found = server.get("/api/v1/nothing").await;
    assert_eq!(not_found.status, StatusCode::NOT_FOUND);
    for answer in [&api, &not_found] {
        assert_common(answer);
        assert_eq!(directive(header(answer, "content-security-policy"), "default-src"), ["'none'"]);
    }
}

#[apply(databases)]
#[tokio::test]
async fn hsts_is_sent_when_asked_for(#[case] database: Database) {
    let server = TestServer::start(database).await.with_hsts();
    for path in ["/", "/api/v1/consultations"] {
        let answer = server.get(path).await;
        assert!(header(&answer, "strict-transport-security").starts_with("max-age="), "{path}");
    }
}

//! Serving the built app beside the API.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use axum::http::{header, StatusCode};

#[apply(databases)]
#[tokio::test]
async fn client_routes_get_index_html_uncached(#[case] database: Database) {
    let server = TestServer::start(database).await;
    for path in ["/", "/c/water-services-2027", "/index.html", "/levels/decide/"] {
        let answer = server.get(path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(String::from_utf8_lossy(&answer.body), INDEX_HTML, "{path}");
        assert!(answer.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"), "{path}");
        assert_eq!(answer.headers[header::CACHE_CONTROL], "no-cache", "{path}");
    }
}

#[apply(databases)]
#[tokio::test]
async fn staff_routes_get_the_staff_page_and_its_own_files(#[case] database: Database) {
    let server = TestServer::start(database).await;
    for path in ["/staff", "/staff/", "/staff/c/water-services-2027"] {
        let answer = server.get(path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(String::from_utf8_lossy(&answer.body), STAFF_HTML, "{path}");
        assert_eq!(answer.headers[header::CACHE_CONTROL], "no-cache", "{path}");
    }
    assert_eq!(String::from_utf8_lossy(&server.get("/staffroom").await.body), INDEX_HTML);
    let wasm = server.get("/staff/baraza-staff-0123456789abcdef_bg.wasm").await;
    assert_eq!(wasm.status, StatusCode::OK);
    assert_eq!(wasm.headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
}

#[apply(databases)]
#[tokio::test]
async fn unknown_api_paths_and_methods_are_json_errors(#[case] database: Database) {
    let server = TestServer::start(database).await;
    for path in ["/api", "/api/", "/api/nope", "/api/v1/nope", "/api/v1/consultations/water-services-2027/nope"] {
        let answer = server.get(path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(answer.error_code(), "not_found", "{path}");
    }
    let wrong_method = server.post("/api/v1/consultations", "application/json", "{}").await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.error_code(), "method_not_allowed");
}

#[apply(databases)]
#[tokio::test]
async fn fingerprinted_assets_are_cached_for_good_and_other_files_revalidated(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let wasm = server.get("/baraza-app-0123456789abcdef_bg.wasm").await;
    assert_eq!(wasm.status, StatusCode::OK);
    assert_eq!(wasm.headers[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(wasm.headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");

    let manifest = server.get("/manifest.webmanifest").await;
    assert_eq!(manifest.status, StatusCode::OK);
    assert_eq!(manifest.body, b"{}");
    assert_eq!(manifest.headers[header::CACHE_CONTROL], "no-cache");
}

#[apply(databases)]
#[tokio::test]
async fn answers_are_compressed_as_the_phone_accepts(#[case] database: Database) {
    let server = TestServer::start(database).await;
    for encoding in ["gzip", "br"] {
        for path in ["/", "/api/v1/consultations"] {
            let answer = server.get_with(path, (header::ACCEPT_ENCODING, encoding)).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}");
            assert_eq!(answer.headers[header::CONTENT_ENCODING], encoding, "{path}");
        }
    }
    let plain = server.get("/api/v1/consultations").await;
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    assert!(plain.json()["consultations"].is_array());
}

#[apply(databases)]
#[tokio::test]
async fn an_unbuilt_app_is_said_plainly_while_the_api_works(#[case] database: Database) {
    let server = TestServer::start(database).await;
    std::fs::remove_file(server.dir.path().join("dist/index.html")).unwrap();
    let answer = server.get("/").await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(String::from_utf8_lossy(&answer.body).contains("The app is not built"));
    assert_eq!(server.get("/api/v1/consultations").await.status, StatusCode::OK);
}

#[apply(databases)]
#[tokio::test]
async fn the_service_worker_and_manifest_are_revalidated_on_every_visit(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let worker = "const VERSION = \"0123456789abcdef\";\n";
    std::fs::write(server.dir.path().join("dist/sw.js"), worker).unwrap();
    let answer = server.get("/sw.js").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(String::from_utf8_lossy(&answer.body), worker);
    assert!(answer.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));
    assert_eq!(answer.headers[header::CACHE_CONTROL], "no-cache");

    let manifest = server.get("/manifest.webmanifest").await;
    assert_eq!(manifest.headers[header::CONTENT_TYPE], "application/manifest+json");
    assert_eq!(manifest.headers[header::CACHE_CONTROL], "no-cache");
}

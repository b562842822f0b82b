//! Serving the built app beside the API.

mod common;

use axum::http::{header, StatusCode};
use common::*;

#[tokio::test]
async fn client_routes_get_index_html_and_unknown_api_paths_a_json_404() {
    let server = TestServer::start().await;
    for path in ["/", "/c/water-services-2027", "/index.html"] {
        let answer = server.get(path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert!(String::from_utf8_lossy(&answer.body).contains("<title>Baraza</title>"), "{path}");
        assert_eq!(answer.headers[header::CACHE_CONTROL], "no-cache", "{path}");
    }
    for path in ["/api/v1/nope", "/api/nope"] {
        let answer = server.get(path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(answer.error_code(), "not_found");
    }
    let wrong_method = server.post("/api/v1/consultations", "application/json", "{}").await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.error_code(), "method_not_allowed");
}

#[tokio::test]
async fn fingerprinted_assets_are_cached_for_good() {
    let server = TestServer::start().await;
    let answer = server.get("/baraza-app-0123456789abcdef_bg.wasm").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(answer.headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
}

#[tokio::test]
async fn an_unbuilt_app_is_said_plainly_while_the_api_works() {
    let server = TestServer::start().await;
    std::fs::remove_file(server.dir.path().join("dist/index.html")).unwrap();
    let answer = server.get("/").await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(String::from_utf8_lossy(&answer.body).contains("The app is not built"));
    assert_eq!(server.get("/api/v1/consultations").await.status, StatusCode::OK);
}

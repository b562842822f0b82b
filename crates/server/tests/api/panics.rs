//! A handler that panics — a fault of the server's code — is answered 500
//! in the API's error shape, through the same layers every route of the
//! server passes through, never with a closed connection.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use baraza_server::http;
use http_body_util::BodyExt;
use tower::ServiceExt;

#[tokio::test]
async fn a_panicking_handler_is_answered_500_internal_in_json() {
    // Indexing past the end, as a handler that trusted its input would.
    let routes = Router::new().route("/fails", get(|| async { Vec::<String>::new()[0].clone() }));
    let response =
        http::guarded(routes, false).oneshot(Request::get("/fails").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["error"]["code"], "internal");
    // The cause is logged, never shown to the client.
    assert!(!error["error"]["message"].as_str().unwrap().contains("index out of bounds"), "{error}");
}

//! What the server records of each request, for its operator:
//!
//! - a request id, a new UUID each time, sent back as `X-Request-Id`: one
//!   sent by the client is dropped rather than trusted (a phone could put
//!   anything in it, and it would reach the log). A proxy that logs the
//!   answer's `X-Request-Id` can match its lines with the server's;
//! - a span around the request's log lines, with that id, the method and
//!   the route template (`/api/v1/consultations/{id}`), never the path
//!   asked, whose ids could lead to a person (see [`crate::logging`]);
//!   with `RUST_LOG=baraza_server=debug,tower_http=debug`, a line as each
//!   answer goes, with its status and time;
//! - Prometheus counts of requests by method, route and status, and a
//!   histogram of the time to answer (until the answer's head is ready;
//!   exports stream their body after) by method and route.
//!
//! Labels take few values: the route templates, `(app)` for the built
//! app's files, `(none)` for paths under `/api` no route has, the usual
//! methods or `OTHER`, and statuses.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, Method};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use super::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The bounds, in seconds, of the histogram of times to answer.
const ANSWER_BOUNDS: [f64; 12] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

/// The counts of requests since the server started.
pub struct RequestMetrics {
    requests: Family<RequestLabels, Counter>,
    seconds: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl Default for RequestMetrics {
    fn default() -> Self {
        RequestMetrics {
            requests: Family::default(),
            seconds: Family::new_with_constructor(|| Histogram::new(ANSWER_BOUNDS)),
        }
    }
}

impl RequestMetrics {
    /// Adds these metrics to `registry`, named `baraza_http_…`.
    pub fn register(&self, registry: &mut Registry) {
        let http = registry.sub_registry_with_prefix("baraza_http");
        http.register("requests", "Requests answered, by method, route and status", self.requests.clone());
        http.register_with_unit(
            "answer",
            "Time to answer a request (its head), by method and route",
            Unit::Seconds,
            self.seconds.clone(),
        );
    }
}

/// `router` with every request given an id, a span and its counts.
pub fn observed(router: Router, state: &AppState) -> Router {
    router
        // Every layer of a router runs once the route is matched, so the
        // route a request took is known; this one runs outside the panic
        // guard ([`super::guarded`]), so a panic counts as the 500 answered.
        .layer(middleware::from_fn_with_state(state.clone(), count))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let id = request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok());
            tracing::info_span!(
                "request",
                id = id.unwrap_or_default(),
                method = method(request.method()),
                route = route(request),
            )
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(middleware::map_request(|mut request: Request| async move {
            request.headers_mut().remove(REQUEST_ID);
            request
        }))
}

async fn count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (method, route) = (method(request.method()), route(&request));
    let started = Instant::now();
    let response = next.run(request).await;
    let metrics = &state.requests;
    metrics
        .seconds
        .get_or_create(&RouteLabels { method, route: route.clone() })
        .observe(started.elapsed().as_secs_f64());
    metrics.requests.get_or_create(&RequestLabels { method, route, status: response.status().as_u16() }).inc();
    response
}

/// The method as labels and logs name it: one of the standard ones, else `OTHER`.
fn method(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        _ => "OTHER",
    }
}

/// The route template a request took; `(app)` for the built app's files,
/// `(none)` for a path under `/api` that no route has.
fn route(request: &Request) -> String {
    match request.extensions().get::<MatchedPath>() {
        Some(path) if !path.as_str().contains("__private__") => path.as_str().to_owned(),
        _ if request.uri().path().starts_with("/api/") => "(none)".to_owned(),
        _ => "(app)".to_owned(),
    }
}

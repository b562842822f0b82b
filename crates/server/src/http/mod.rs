//! The HTTP side: the JSON API under `/api` and the built app everywhere else.
//!
//! Routes (all JSON, errors as in [`error::Error`]):
//!
//! | method | path | answer |
//! | --- | --- | --- |
//! | GET | `/api/v1/consultations` | `api::ConsultationList` (`ETag`, `Cache-Control: no-cache`) |
//! | GET | `/api/v1/consultations/{id}` | the definition as core serializes it (`ETag`) |
//! | GET | `/api/v1/consultations/{id}/results` | `api::ResultsResponse`, where the definition allows |
//! | GET | `/api/v1/consultations/{id}/comments?before=&limit=` | `api::CommentsPage`, newest first |
//! | GET | `/api/v1/consultations/{id}/tallies.csv`, `tallies.json` | open data, where the results are public ([`open_data`]) |
//! | GET | `/api/v1/catalogue` | every public dataset, DCAT in JSON-LD ([`open_data`]) |
//! | POST | `/api/v1/sync` | `sync::SyncResponse`, one result per action |
//! | GET | `/api/v1/schema/consultation.json` | the JSON Schema of definition files |
//! | GET | `/api/v1/schema/export.json` | the JSON Schema of the JSON export |
//! | GET | `/api/v1/openapi.json` | this API as an OpenAPI 3.1 document ([`openapi`]) |
//!
//! `POST /api/v1/sync` answers 503 `busy` with `Retry-After` when the sync
//! writer's queue is full (see [`crate::storage::writer`]).
//!
//! Staff routes under `/api/v1/admin/` take `Authorization: Bearer <token>`
//! (see [`auth`]); each names the role it needs in its handler's arguments.
//!
//! | method | path | role | answer |
//! | --- | --- | --- | --- |
//! | GET | `/api/v1/admin/me` | any | `staff::StaffMember` |
//! | GET | `/api/v1/admin/consultations` | any | `admin::AdminConsultationList`, archived ones too |
//! | POST | `/api/v1/admin/consultations` | publisher | the definition file's text → 201/200 `admin::Published`; 422 `invalid_definition`, 409 `definition_locked` |
//! | POST | `/api/v1/admin/consultations/{id}/close` | publisher | `admin::AdminConsultation`, closed now |
//! | POST | `/api/v1/admin/consultations/{id}/archive` | publisher | `admin::AdminConsultation` |
//! | PUT | `/api/v1/admin/consultations/{id}/outcome` | publisher | `admin::OutcomeRequest` → `admin::AdminConsultation` |
//! | GET | `/api/v1/admin/consultations/{id}/changes` | any | `admin::ChangeLog`, newest first |
//! | GET | `/api/v1/admin/drafts` | publisher | `drafts::DraftList`: the editor's drafts, never public |
//! | POST | `/api/v1/admin/drafts` | publisher | `drafts::DraftRequest` → 201 `drafts::Draft` |
//! | GET, PUT, DELETE | `/api/v1/admin/drafts/{draft}` | publisher | `drafts::Draft`; PUT takes `drafts::DraftEdit` (409 `draft_changed`); DELETE answers 204 |
//! | POST | `/api/v1/admin/drafts/{draft}/publish` | publisher | as publishing a definition file: 201/200 `admin::Published`, 422 `invalid_definition`, 409 `definition_locked` |
//! | GET | `/api/v1/admin/drafts/{draft}/changes` | publisher | `drafts::DraftChangeLog`, newest first |
//! | GET | `/api/v1/admin/receipts/{receipt}` | any | `admin::ReceiptCheck`: the action a citizen's receipt stands for |
//! | POST | `/api/v1/admin/consultations/{id}/codes` | publisher | `admin::CodesRequest` → CSV with a `code` column |
//! | POST | `/api/v1/admin/paper-ballots` | clerk | `paper::PaperBatch` → `paper::PaperBatchResponse`, one result per paper ballot ([`paper`]) |
//! | GET | `/api/v1/admin/consultations/{id}/results` | analyst | `analysis::AdminResults`, whatever `results` says |
//! | GET | `/api/v1/admin/consultations/{id}/comments` | analyst | every comment, hidden ones too ([`analysis`]) |
//! | POST | `/api/v1/admin/comments/{id}/hide`, `/restore` | analyst | the moderated comment |
//! | GET | `/api/v1/admin/consultations/{id}/export.csv`, `tallies.csv`, `export.json` | analyst | open-data downloads ([`export`]) |
//!
//! `GET /healthz` answers while the process runs, `GET /readyz` while it
//! can reach its database ([`health`]). `GET /c/{id}/poster` is the printable
//! poster of a consultation, as HTML, with its stylesheet `/poster.css`
//! ([`poster`]). Any other path is a file of the built app, or its
//! `index.html`.

mod admin;
mod analysis;
mod app;
pub mod auth;
mod consultations;
mod drafts;
pub mod error;
mod export;
pub mod extract;
mod health;
pub mod limits;
mod links;
pub mod metrics;
mod observe;
mod open_data;
mod openapi;
mod paper;
mod poster;
mod publishing;
mod receipts;
mod security;
mod sync;
pub mod transport;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{middleware, Router};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;

use crate::receipts::hex;
use crate::storage::writer::{Writer, DEFAULT_QUEUE_ACTIONS};
use crate::storage::Store;
use error::{Error, InternalError};
use limits::WriteLimit;

#[derive(Clone)]
pub struct AppState {
    store: Store,
    /// Records sync requests, many in one transaction.
    writer: Writer,
    /// The built app (trunk's `dist/`).
    dist: Arc<PathBuf>,
    /// How often one client address may write ([`limits`]); `None`: no limit.
    write_limit: Option<WriteLimit>,
    /// What the last readiness probe found ([`health`]).
    readiness: Arc<health::Readiness>,
    /// Counts of requests for the metrics ([`observe`]).
    requests: Arc<observe::RequestMetrics>,
    /// How long a request's body may take to arrive in full ([`extract`]).
    body_timeout: Duration,
    /// Whether answers tell browsers to use HTTPS only ([`security`]).
    hsts: bool,
    /// The address citizens reach this server at, for links that leave the
    /// browser ([`links`]); `None`: the request's `Host`.
    public_url: Option<Arc<str>>,
}

impl AppState {
    /// Starts the sync writer of `store` with a queue of the default size.
    pub fn new(store: Store, dist: PathBuf) -> Self {
        let write_limit = WriteLimit::new(limits::DEFAULT_WRITES_PER_MINUTE, None);
        let writer = Writer::start(store.clone(), DEFAULT_QUEUE_ACTIONS);
        AppState {
            store,
            writer,
            dist: Arc::new(dist),
            write_limit,
            readiness: Arc::default(),
            requests: Arc::default(),
            body_timeout: extract::DEFAULT_BODY_TIMEOUT,
            hsts: false,
            public_url: None,
        }
    }

    /// Replaces the sync writer by one whose queue holds `actions` actions.
    pub fn with_write_queue(self, actions: usize) -> Self {
        AppState { writer: Writer::start(self.store.clone(), actions), ..self }
    }

    pub fn writer(&self) -> &Writer {
        &self.writer
    }

    /// Makes links that leave the browser from `public_url` (such as
    /// `https://baraza.example.org`) rather than the request's `Host`.
    pub fn with_public_url(self, public_url: Option<String>) -> Self {
        AppState { public_url: public_url.map(Arc::from), ..self }
    }

    /// Replaces the default write limit ([`limits`]).
    pub fn with_write_limit(self, write_limit: Option<WriteLimit>) -> Self {
        AppState { write_limit, ..self }
    }

    /// Replaces the default body timeout ([`extract`]).
    pub fn with_body_timeout(self, body_timeout: Duration) -> Self {
        AppState { body_timeout, ..self }
    }

    /// Sends `Strict-Transport-Security` with every answer ([`security`]):
    /// for a server reached over HTTPS only.
    pub fn with_hsts(self, hsts: bool) -> Self {
        AppState { hsts, ..self }
    }
}

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(consultations::router())
        .merge(admin::router())
        .merge(publishing::router())
        .merge(drafts::router())
        .merge(openapi::router())
        .merge(receipts::router())
        .merge(paper::router())
        .merge(analysis::router())
        .merge(export::router())
        .merge(open_data::router())
        .merge(sync::router())
        .fallback(|| async { Error::NotFound })
        .method_not_allowed_fallback(|| async { Error::MethodNotAllowed })
        .layer(middleware::from_fn_with_state(state.clone(), limits::limit_writes))
        // The API's JSON is compressed per answer (gzip or brotli, as the
        // phone accepts); the app's files are compressed once by the build.
        .layer(CompressionLayer::new());
    let hsts = state.hsts;
    let observing = state.clone();
    let routes = Router::new()
        .nest("/api", api)
        .merge(health::router())
        .merge(poster::router())
        .fallback(app::serve)
        .with_state(state);
    // Request ids, log spans and request counts, around every answer.
    observe::observed(guarded(routes, hsts), &observing)
}

/// `routes` behind the layers every answer of the server passes through:
/// a handler that panics is answered 500 `internal` in the API's error
/// shape (and the panic logged), never a closed connection; every answer
/// carries the security headers ([`security`]), `Strict-Transport-Security`
/// too with `hsts`.
pub fn guarded(routes: Router, hsts: bool) -> Router {
    routes
        .layer(CatchPanicLayer::custom(|panic: Box<dyn std::any::Any + Send>| {
            Error::Internal(InternalError::Panic(crate::panic_message(panic.as_ref()))).into_response()
        }))
        .layer(middleware::from_fn_with_state(hsts, security::headers))
}

/// A JSON answer with a strong `ETag`, so a phone that already has this exact
/// body gets a bodiless 304 instead of downloading it again.
fn json_with_etag(request_headers: &HeaderMap, body: &impl Serialize) -> Response {
    let bytes = serde_json::to_vec(body).expect("API bodies always serialize");
    let digest = Sha256::digest(&bytes);
    let etag = format!("\"{}\"", hex(&digest[..16]));
    let etag_value = HeaderValue::from_str(&etag).expect("hex is a valid header value");
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if none_match(request_headers, &etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value), cache]).into_response();
    }
    ([(header::ETAG, etag_value), cache, (header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], bytes)
        .into_response()
}

/// Whether `If-None-Match` names `etag`. The comparison is weak (RFC 9110
/// §13.1.2): a `W/` tag matches too, as a proxy that recompressed the body
/// may have weakened it.
fn none_match(request_headers: &HeaderMap, etag: &str) -> bool {
    request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|tags| tags.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

//! `GET /healthz` and `GET /readyz` for load balancers and orchestrators.
//! Both are cheap, answer plain text, and live outside `/api`, so no write
//! limit ever applies to them.
//!
//! - `/healthz`: 200 `ok` while the process answers.
//! - `/readyz`: 200 `ready` while the server can take phones' requests: its
//!   database answers within [`READY_WITHIN`] (a SQLite file still where it
//!   was opened), its schema is the one this server knows, and the sync
//!   writer's queue has room. Otherwise 503 with what is wrong, one line
//!   each, and a proxy sends phones to the other servers. The cause is
//!   logged when readiness changes, not at every probe.

use std::sync::Mutex;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

use super::AppState;
use crate::storage::schema::NotReady;

/// How long the database may take to answer a readiness probe: load
/// balancers give a probe a few seconds.
pub const READY_WITHIN: Duration = Duration::from_secs(2);

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(|| async { "ok" })).route("/readyz", get(ready))
}

/// What the last probe found, so that only changes are logged.
#[derive(Default)]
pub struct Readiness {
    /// The causes found at the last probe; empty when it was ready.
    last: Mutex<Vec<String>>,
}

impl Readiness {
    fn found(&self, causes: Vec<String>) {
        let mut last = self.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if *last == causes {
            return;
        }
        if causes.is_empty() {
            tracing::info!("ready again");
        } else {
            tracing::warn!(causes = causes.join("; "), "not ready");
        }
        *last = causes;
    }
}

async fn ready(State(state): State<AppState>) -> (StatusCode, String) {
    // Each line says what is wrong without the details (paths, hosts,
    // database errors), which go to the log.
    let mut lines = Vec::new();
    let mut causes = Vec::new();
    match tokio::time::timeout(READY_WITHIN, state.store.ready()).await {
        Ok(Ok(())) => {}
        Ok(Err(not_ready)) => {
            lines.push(match not_ready {
                NotReady::NoAnswer(_) => "the database does not answer",
                NotReady::FileGone(_) => "the database file is gone",
                NotReady::Schema { .. } => "the database's schema is not this server's",
            });
            causes.push(not_ready.to_string());
        }
        Err(_) => {
            lines.push("the database does not answer");
            causes.push(format!("the database did not answer within {} s", READY_WITHIN.as_secs()));
        }
    }
    if state.writer().is_full() {
        lines.push("the write queue is full");
        causes.push("the sync writer's queue is full".to_owned());
    }
    state.readiness.found(causes);
    if lines.is_empty() {
        (StatusCode::OK, "ready".to_owned())
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, lines.join("\n"))
    }
}

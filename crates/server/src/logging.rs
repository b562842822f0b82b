//! The server's log: to standard error, so that standard output carries
//! only what a command prints for people and scripts (`published …`, the
//! address served on); filtered by `RUST_LOG` (by default
//! `baraza_server=info`); as text or, for log collectors, one JSON object a
//! line (`--log-format json`).
//!
//! What may appear in it: consultation, item and comment ids, route
//! templates (`/api/v1/consultations/{id}`, never the path asked), the
//! request id each request is given ([`crate::http::observe`]), statuses and
//! times, and the causes of faults. Never a participant or device id, a
//! participation code, a token, a request's body or headers, or a client's
//! address.

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| "baraza_server=info".into());
    let log = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => log.init(),
        // The request's span (its id, method and route) with every line
        // logged while it is answered.
        LogFormat::Json => log.json().with_current_span(true).with_span_list(false).init(),
    }
}

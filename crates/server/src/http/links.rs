//! Absolute links to this server, for what leaves the browser: the QR code
//! of a poster, the files of the open-data catalogue.
//!
//! `baraza serve --public-url https://…` names the address citizens reach
//! the server at; without it, links are made from the request's `Host` on
//! plain `http`, which is right only when nothing in between terminates TLS.

use axum::http::uri::Authority;
use axum::http::{header, HeaderMap};

use super::error::Error;
use super::AppState;

/// The server's address without a trailing slash: `https://baraza.example.org`.
pub(super) fn origin(state: &AppState, headers: &HeaderMap) -> Result<String, Error> {
    if let Some(public_url) = &state.public_url {
        return Ok(public_url.trim_end_matches('/').to_owned());
    }
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .and_then(|host| host.parse::<Authority>().ok())
        .ok_or_else(|| Error::MalformedRequest("the request has no valid Host header".to_owned()))?;
    Ok(format!("http://{host}"))
}

/// The address of consultation `id` in the app.
pub(super) fn consultation_page(origin: &str, id: &str) -> String {
    format!("{origin}/c/{id}")
}

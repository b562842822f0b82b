//! The headers every answer carries, so that a browser holds the app to
//! what it is meant to do even if a page were made to show someone else's
//! text:
//!
//! - `Content-Security-Policy`: the app's pages and files run only the
//!   app's own scripts — its files, and the inline scripts the build hashed
//!   ([`SCRIPT_HASHES`]); no `unsafe-inline`, no `unsafe-eval`, only
//!   `wasm-unsafe-eval` to start the wasm — and reach only this server. API
//!   answers run and load nothing. No page may be framed
//!   (`frame-ancestors 'none'`), so no other site can overlay the staff
//!   pages, which hold a staff token.
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` (a
//!   consultation's address is nobody else's business), a
//!   `Permissions-Policy` turning off the device features the app never
//!   uses, `Cross-Origin-Opener-Policy: same-origin`, and `X-Frame-Options`
//!   for browsers older than `frame-ancestors`.
//! - `Strict-Transport-Security` with `baraza serve --hsts`, behind TLS.

use std::path::Path;

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use baraza_core::pages::Page;

/// The file beside each built page's `index.html` that lists its inline
/// scripts' hashes as CSP sources (`'sha256-…'`), one a line: written by
/// the build (`scripts/csp.mjs`).
pub const SCRIPT_HASHES: &str = "index.html.script-hashes";

/// The policy of every answer but the app's: nothing in it runs or loads.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), \
gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()";

/// What `--hsts` sends: use HTTPS for a year, subdomains too.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The policy of the app's pages and files, allowing the inline scripts
/// the build hashed in every page's folder of `dist` (the service worker
/// and the pages it keeps carry it too).
pub async fn app_policy(dist: &Path) -> HeaderValue {
    let mut hashes = String::new();
    for page in Page::ALL {
        let Ok(listed) = tokio::fs::read_to_string(dist.join(page.folder()).join(SCRIPT_HASHES)).await else {
            continue;
        };
        for hash in listed.split_whitespace().filter(|source| is_hash_source(source)) {
            hashes.push(' ');
            hashes.push_str(hash);
        }
    }
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    // Only checked hash sources were added: the policy is a header value.
    HeaderValue::from_str(&policy).unwrap_or(HeaderValue::from_static(API_POLICY))
}

/// `'sha256-…'`, `'sha384-…'` or `'sha512-…'` with a base64 digest.
fn is_hash_source(source: &str) -> bool {
    let Some(inner) = source.strip_prefix('\'').and_then(|rest| rest.strip_suffix('\'')) else { return false };
    let Some((algorithm, digest)) = inner.split_once('-') else { return false };
    matches!(algorithm, "sha256" | "sha384" | "sha512")
        && !digest.is_empty()
        && digest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// Adds the headers to every answer; the app's answers set their own
/// policy ([`app_policy`]), every other answer gets [`API_POLICY`].
pub async fn headers(State(hsts): State<bool>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(API_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(HeaderName::from_static("permissions-policy"), HeaderValue::from_static(PERMISSIONS_POLICY));
    headers.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::is_hash_source;

    #[test]
    fn only_hash_sources_are_taken() {
        assert!(is_hash_source("'sha256-VP8BKHRuLMCTaF27M4eF89WfuJ+nZoggS4o3avkHHdM='"));
        assert!(!is_hash_source("'unsafe-inline'"));
        assert!(!is_hash_source("'sha256-abc'; script-src *"));
        assert!(!is_hash_source("sha256-abc"));
        assert!(!is_hash_source("'sha1-abc'"));
        assert!(!is_hash_source("'sha256-'"));
    }
}

//! Serving the built app: files from `dist/`, and for any other path the
//! `index.html` of the page that serves it (core's `pages::page_of`), so the
//! app's own routes (`/c/water-services-2027`) load directly: the citizen
//! page at the top, the citizen's later screens (`/mine`, `/device`,
//! `/c/{id}/results`) from `dist/later/`, and everything under `/staff` from
//! `dist/staff/` — bundles of their own, so a citizen's first load carries
//! neither.
//!
//! The build writes a brotli (`.br`) and a gzip (`.gz`) copy beside every
//! file that compresses, at the tightest settings; each answer is the copy
//! the client accepts (brotli first), or the file itself for a client that
//! accepts neither, with the file's own `Content-Type`. Nothing here is
//! compressed per request: that would cost CPU on every visit and give
//! larger files.
//!
//! Files whose name carries a content hash are cached for good; everything
//! else — every page, the service worker `sw.js` above all, the manifests,
//! the language files — is revalidated on every visit (`Last-Modified`,
//! answered `304` when unchanged), so that phones learn of a new version of
//! the app as soon as it is deployed.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use baraza_core::pages::page_of;
use tower::ServiceExt;
use tower_http::services::fs::ServeFileSystemResponseBody;
use tower_http::services::{ServeDir, ServeFile};

use super::error::Error;
use super::security;
use super::AppState;

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Baraza</title>\
<p>The app is not built. Run <code>scripts/run</code>, or <code>trunk build --release</code> and pass its \
<code>dist/</code> to <code>baraza serve --dist</code>. The API is served under <code>/api/v1</code>.</p></html>";

const CACHED_FOR_GOOD: &str = "public, max-age=31536000, immutable";
const REVALIDATED: &str = "no-cache";

/// Marks the page answered for one of the app's own routes: a page is never
/// cached for good, however much its path looks like a hashed file name.
#[derive(Clone, Copy)]
struct AppPage;

pub async fn serve(State(state): State<AppState>, request: Request) -> Response {
    // The API router answers its own unknown paths, except `/api/` itself,
    // which axum's nesting does not route there. A client of the API must
    // never get the app's HTML for a JSON 404.
    if request.uri().path().starts_with("/api/") {
        return Error::NotFound.into_response();
    }
    let path = request.uri().path().to_owned();
    let policy = (header::CONTENT_SECURITY_POLICY, security::app_policy(&state.dist).await);
    let index = state.dist.join(page_of(&path).folder()).join("index.html");
    if !tokio::fs::metadata(&index).await.is_ok_and(|meta| meta.is_file()) {
        return (StatusCode::SERVICE_UNAVAILABLE, [policy], Html(NOT_BUILT)).into_response();
    }
    let page = ServiceExt::<Request>::map_response(
        ServeFile::new(index).precompressed_br().precompressed_gzip(),
        |mut response: Response<ServeFileSystemResponseBody>| {
            response.extensions_mut().insert(AppPage);
            response
        },
    );
    // Folders are not files to serve: `/staff` is the staff page, not a
    // redirect to `/staff/`.
    let files = ServeDir::new(state.dist.as_path())
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(page);
    let mut response = match files.oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    // A 304 carries the caching of the answer it stands for.
    let answered = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let is_page = response.extensions().get::<AppPage>().is_some() || path.ends_with(".html");
    let cache = if answered && !is_page && is_fingerprinted(&path) { CACHED_FOR_GOOD } else { REVALIDATED };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(policy.0, policy.1);
    // Caches between the server and the phone must keep each encoding apart.
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// Whether a file name carries a content hash, as trunk's outputs do
/// (`baraza-app-3f2a…c9_bg.wasm`): such a file never changes, so phones may
/// keep it for good.
///
/// Trunk writes its 64-bit hash as `{:x}`, without leading zeros, so the hash
/// has up to 16 lowercase hex digits; fewer than 12 is too unlikely (1 in
/// 65536) to be worth telling apart from words such as `icon-192`.
fn is_fingerprinted(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default().trim_end_matches("_bg");
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::is_fingerprinted;

    #[test]
    fn trunk_outputs_are_fingerprinted_and_the_rest_not() {
        assert!(is_fingerprinted("/baraza-app-5e3b1c0d9a8f7e6d_bg.wasm"));
        assert!(is_fingerprinted("/baraza-app-5e3b1c0d9a8f7e6d.js"));
        assert!(is_fingerprinted("/style-0123456789abcdef.css"));
        // A hash with a leading zero digit is written one digit shorter.
        assert!(is_fingerprinted("/main-8e10977a232c12f.css"));
        assert!(!is_fingerprinted("/index.html"));
        assert!(!is_fingerprinted("/manifest.webmanifest"));
        assert!(!is_fingerprinted("/icon-192.png"));
        assert!(!is_fingerprinted("/icon-192x192.png"));
        assert!(!is_fingerprinted("/baraza-app-0123456789abcdef0.js"));
    }
}

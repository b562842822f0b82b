//! Serving the built app beside the API: each file as the build compressed
//! it, chosen by `Accept-Encoding`; cached for good when its name carries a
//! content hash, revalidated on every visit otherwise.

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::*;
use crate::common::{databases, Database};
use axum::body::Body;
use axum::http::{header, HeaderName, Method, Request, StatusCode};

/// What Chromium sends.
const BROWSER: &str = "gzip, deflate, br, zstd";
const CACHED_FOR_GOOD: &str = "public, max-age=31536000, immutable";

const WASM: &str = "baraza-app-0123456789abcdef_bg.wasm";
const JS: &str = "baraza-app-0123456789abcdef.js";
const CSS: &str = "main-0123456789abcdef.css";
const STAFF_WASM: &str = "staff/baraza-staff-0123456789abcdef_bg.wasm";
const LATER_WASM: &str = "later/baraza-later-0123456789abcdef_bg.wasm";
/// The page of the citizen's later screens.
const LATER_HTML: &str = "<!doctype html><html lang=\"en\"><title>Baraza</title><body></body></html>";
/// The page of the staff's later screens.
const STAFF_LATER_HTML: &str = "<!doctype html><html lang=\"en\"><title>Baraza staff</title><body></body></html>";
/// The page of the publishers' editor.
const EDITOR_HTML: &str =
    "<!doctype html><html lang=\"en\"><title>Baraza staff</title><body><main></main></body></html>";

/// The files of the built app that compress, each with the start of the
/// `Content-Type` it is sent with.
const COMPRESSED: [(&str, &str); 16] = [
    ("index.html", "text/html"),
    (WASM, "application/wasm"),
    (JS, "text/javascript"),
    (CSS, "text/css"),
    ("sw.js", "text/javascript"),
    ("manifest.webmanifest", "application/manifest+json"),
    ("manifest.fr.webmanifest", "application/manifest+json"),
    ("texts/fr.json", "application/json"),
    ("staff/index.html", "text/html"),
    (STAFF_WASM, "application/wasm"),
    ("staff/texts/fr.json", "application/json"),
    ("later/index.html", "text/html"),
    (LATER_WASM, "application/wasm"),
    ("consultation/index.html", "text/html"),
    ("staff/later/index.html", "text/html"),
    ("staff/editor/index.html", "text/html"),
];

/// An image: compressed already, so the build writes no copies of it.
const ICON: &str = "icons/icon-192.png";

/// The bytes of a built file: the two pages as the server's tests know them,
/// and something long enough to compress for the others.
fn contents(path: &str) -> Vec<u8> {
    match path {
        "index.html" => INDEX_HTML.into(),
        "staff/index.html" => STAFF_HTML.into(),
        "later/index.html" => LATER_HTML.into(),
        "consultation/index.html" => CONSULTATION_HTML.into(),
        "staff/later/index.html" => STAFF_LATER_HTML.into(),
        "staff/editor/index.html" => EDITOR_HTML.into(),
        _ if path.ends_with(".wasm") => [&b"\0asm\x01\0\0\0"[..], &path.repeat(40).into_bytes()].concat(),
        _ => format!("/* {path} */ {}", "{\"texte\": \"Participez à la consultation\"}".repeat(40)).into_bytes(),
    }
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut compressed = Vec::new();
    let params = brotli::enc::BrotliEncoderParams::default();
    brotli::BrotliCompress(&mut &bytes[..], &mut compressed, &params).unwrap();
    compressed
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Writes `bytes` as `path` in `dist`, with its `.br` and `.gz` copies.
fn write_with_copies(dist: &Path, path: &str, bytes: &[u8]) {
    let file = dist.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, bytes).unwrap();
    std::fs::write(dist.join(format!("{path}.br")), brotli(bytes)).unwrap();
    std::fs::write(dist.join(format!("{path}.gz")), gzip(bytes)).unwrap();
}

/// A server whose `dist/` holds a built app as the build writes it.
async fn server_with_built_app(database: Database) -> TestServer {
    let server = TestServer::start(database).await;
    let dist = server.dir.path().join("dist");
    for (path, _) in COMPRESSED {
        write_with_copies(&dist, path, &contents(path));
    }
    std::fs::create_dir_all(dist.join("icons")).unwrap();
    std::fs::write(dist.join(ICON), b"\x89PNG\r\n\x1a\n").unwrap();
    server
}

async fn fetch(server: &TestServer, method: Method, path: &str, headers: &[(HeaderName, &str)]) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    server.send(request.body(Body::empty()).unwrap()).await
}

async fn get_accepting(server: &TestServer, path: &str, accept_encoding: Option<&str>) -> Answer {
    let headers: Vec<_> = accept_encoding.map(|accepted| (header::ACCEPT_ENCODING, accepted)).into_iter().collect();
    fetch(server, Method::GET, path, &headers).await
}

fn header(answer: &Answer, name: HeaderName) -> Option<&str> {
    answer.headers.get(name).map(|value| value.to_str().unwrap())
}

/// The body as the client reads it, decoded as its `Content-Encoding` says.
fn decoded(answer: &Answer) -> Vec<u8> {
    let mut bytes = Vec::new();
    match header(answer, header::CONTENT_ENCODING) {
        None => bytes.clone_from(&answer.body),
        Some("br") => {
            brotli::Decompressor::new(&answer.body[..], 4096).read_to_end(&mut bytes).unwrap();
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(&answer.body[..]).read_to_end(&mut bytes).unwrap();
        }
        Some(other) => panic!("unexpected Content-Encoding {other}"),
    }
    bytes
}

fn varies_by_encoding(answer: &Answer) -> bool {
    answer
        .headers
        .get_all(header::VARY)
        .iter()
        .any(|value| value.to_str().unwrap().eq_ignore_ascii_case("accept-encoding"))
}

#[apply(databases)]
#[tokio::test]
async fn each_file_is_sent_as_the_copy_the_client_accepts_with_its_own_type(#[case] database: Database) {
    let server = server_with_built_app(database).await;
    let dist = server.dir.path().join("dist");
    let choices = [
        (Some(BROWSER), Some("br")),
        (Some("gzip, deflate"), Some("gzip")),
        (Some("br;q=0, gzip"), Some("gzip")),
        (Some("deflate"), None),
        (Some("identity"), None),
        (None, None),
    ];
    for (path, content_type) in COMPRESSED {
        for (accepted, encoding) in choices {
            let answer = get_accepting(&server, &format!("/{path}"), accepted).await;
            let case = format!("{path} accepting {accepted:?}");
            assert_eq!(answer.status, StatusCode::OK, "{case}");
            assert_eq!(header(&answer, header::CONTENT_ENCODING), encoding, "{case}");
            let sent = match encoding {
                Some("br") => format!("{path}.br"),
                Some(_) => format!("{path}.gz"),
                None => path.to_owned(),
            };
            assert_eq!(answer.body, std::fs::read(dist.join(&sent)).unwrap(), "{case}: not {sent}");
            assert_eq!(header(&answer, header::CONTENT_LENGTH), Some(answer.body.len().to_string().as_str()), "{case}");
            assert!(header(&answer, header::CONTENT_TYPE).unwrap().starts_with(content_type), "{case}");
            assert!(varies_by_encoding(&answer), "{case}");
            assert_eq!(decoded(&answer), contents(path), "{case}");
        }
    }
}

#[apply(databases)]
#[tokio::test]
async fn files_the_build_did_not_compress_are_sent_as_they_are(#[case] database: Database) {
    let server = server_with_built_app(database).await;
    let text = "User-agent: *\n".repeat(50);
    std::fs::write(server.dir.path().join("dist/robots.txt"), &text).unwrap();
    for path in ["/robots.txt", &format!("/{ICON}")] {
        let answer = get_accepting(&server, path, Some(BROWSER)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(header(&answer, header::CONTENT_ENCODING), None, "{path}");
        assert!(varies_by_encoding(&answer), "{path}");
    }
    assert_eq!(get_accepting(&server, "/robots.txt", Some(BROWSER)).await.body, text.as_bytes());
}

#[apply(databases)]
#[tokio::test]
async fn app_routes_get_the_page_compressed_and_revalidated(#[case] database: Database) {
    let server = server_with_built_app(database).await;
    // The last looks like a hashed file name but names no file: it is a page.
    let pages = [
        ("/", INDEX_HTML),
        ("/levels/decide/", INDEX_HTML),
        ("/c/water-services-2027", CONSULTATION_HTML),
        ("/c/budget-0123456789abcdef", CONSULTATION_HTML),
    ];
    for (path, page) in pages {
        for (accepted, encoding) in [(Some(BROWSER), Some("br")), (Some("gzip"), Some("gzip")), (None, None)] {
            let answer = get_accepting(&server, path, accepted).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}");
            assert_eq!(header(&answer, header::CONTENT_ENCODING), encoding, "{path} accepting {accepted:?}");
            assert_eq!(decoded(&answer), page.as_bytes(), "{path}");
            assert!(header(&answer, header::CONTENT_TYPE).unwrap().starts_with("text/html"), "{path}");
            assert_eq!(header(&answer, header::CACHE_CONTROL), Some("no-cache"), "{path}");
            assert!(varies_by_encoding(&answer), "{path}");
        }
    }
}

#[apply(databases)]
#[tokio::test]
async fn the_citizens_later_screens_get_their_own_page_and_files(#[case] database: Database) {
    let server = server_with_built_app(database).await;
    for path in ["/mine", "/device?erased", "/c/water-services-2027/results"] {
        let answer = get_accepting(&server, path, Some(BROWSER)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(decoded(&answer), LATER_HTML.as_bytes(), "{path}");
        assert_eq!(header(&answer, header::CACHE_CONTROL), Some("no-cache"), "{path}");
    }
    assert_eq!(
        decoded(&get_accepting(&server, "/c/water-services-2027", Some(BROWSER)).await),
        CONSULTATION_HTML.as_bytes()
    );
    let wasm = get_accepting(&server, &format!("/{LATER_WASM}"), Some(BROWSER)).await;
    assert_eq!(decoded(&wasm), contents(LATER_WASM));
    assert_eq!(header(&wasm, header::CACHE_CONTROL), Some(CACHED_FOR_GOOD));
}

#[apply(databases)]
#[tokio::test]
async fn staff_routes_get_the_staff_page_and_its_own_files(#[case] database: Database) {
    let server = server_with_built_app(database).await;
    let pages = [
        ("/staff", STAFF_HTML),
        ("/staff/", STAFF_HTML),
        ("/staff/c/water-services-2027", STAFF_LATER_HTML),
        ("/staff/c/water-services-2027/results", STAFF_LATER_HTML),
        ("/staff/editor", EDITOR_HTML),
        ("/staff/editor/0b7c3e55-1f2a-4d6b-9c8e-3a4f5b6c7d80", EDITOR_HTML),
    ];
    for (path, page) in pages {
        let answer = get_accepting(&server, path, Some(BROWSER)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(header(&answer, header::CONTENT_ENCODING), Some("br"), "{path}");
        assert_eq!(decoded(&answer), page.as_bytes(), "{path}");
        assert_eq!(header(&answer, header::CACHE_CONTROL), Some("no-cache"), "{path}");
    }
    assert_eq!(decoded(&get_accepting(&server, "/staffroom", Some(BROWSER)).await), INDEX_HTML.as_bytes());
    let wasm = get_accepting(&server, &format!("/{STAFF_WASM}"), Some(BROWSER)).await;
    assert_eq!(wasm.status, StatusCode::OK);
    assert_eq!(decoded(&wasm), contents(STAFF_WASM));
    assert_eq!(header(&wasm, header::CACHE_CONTROL), Some(CACHED_FOR_GOOD));
}

#[apply(databases)]
#[tokio::test]
async fn hashed_files_are_cached_for_good_and_every_other_file_revalidated(#[case] database: Database) {
    let server = server_with_built_app(database).await;
    for path in [WASM, JS, CSS, STAFF_WASM] {
        let answer = get_accepting(&server, &format!("/{path}"), Some(BROWSER)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(header(&answer, header::CACHE_CONTROL), Some(CACHED_FOR_GOOD), "{path}");
    }
    let revalidated = [
        "index.html",
        "sw.js",
        "manifest.webmanifest",
        "manifest.fr.webmanifest",
        "texts/fr.json",
        "staff/index.html",
        "staff/texts/fr.json",
        ICON,
    ];
    for path in revalidated {
        let answer = get_accepting(&server, &format!("/{path}"), Some(BROWSER)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(header(&answer, header::CACHE_CONTROL), Some("no-cache"), "{path}");
    }
}

#[apply(databases)]
#[tokio::test]
async fn an_unchanged_file_is_answered_304_and_a_changed_one_sent_again(#[case] database: Database) {
    let server = server_with_built_app(database).await;
    let paths = [
        "/",
        "/c/water-services-2027",
        "/staff/c/water-services-2027",
        "/sw.js",
        "/texts/fr.json",
        &format!("/{WASM}"),
    ];
    for path in paths {
        for accepted in [Some(BROWSER), None] {
            let first = get_accepting(&server, path, accepted).await;
            let last_modified = header(&first, header::LAST_MODIFIED).expect("a Last-Modified date");
            let mut headers = vec![(header::IF_MODIFIED_SINCE, last_modified)];
            headers.extend(accepted.map(|accepted| (header::ACCEPT_ENCODING, accepted)));
            let again = fetch(&server, Method::GET, path, &headers).await;
            let case = format!("{path} accepting {accepted:?}");
            assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{case}");
            assert!(again.body.is_empty(), "{case}");
            assert_eq!(header(&again, header::CACHE_CONTROL), header(&first, header::CACHE_CONTROL), "{case}");
            assert!(varies_by_encoding(&again), "{case}");
        }
    }

    // A new build of the page, written a minute later.
    let first = get_accepting(&server, "/levels", Some(BROWSER)).await;
    let last_modified = header(&first, header::LAST_MODIFIED).unwrap().to_owned();
    let dist = server.dir.path().join("dist");
    let page = format!("{INDEX_HTML}<!-- next build -->");
    write_with_copies(&dist, "index.html", page.as_bytes());
    for copy in ["index.html", "index.html.br", "index.html.gz"] {
        let file = std::fs::File::options().write(true).open(dist.join(copy)).unwrap();
        file.set_modified(SystemTime::now() + Duration::from_secs(60)).unwrap();
    }
    let headers = [(header::IF_MODIFIED_SINCE, last_modified.as_str()), (header::ACCEPT_ENCODING, BROWSER)];
    let again = fetch(&server, Method::GET, "/levels", &headers).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(decoded(&again), page.as_bytes());
}

#[apply(databases)]
#[tokio::test]
async fn head_answers_what_get_would_without_the_body(#[case] database: Database) {
    let server = server_with_built_app(database).await;
    let dist = server.dir.path().join("dist");
    for (path, sent, content_type) in [
        (format!("/{WASM}"), format!("{WASM}.br"), "application/wasm"),
        ("/c/road".into(), "consultation/index.html.br".into(), "text/html"),
    ] {
        let answer = fetch(&server, Method::HEAD, &path, &[(header::ACCEPT_ENCODING, BROWSER)]).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert!(answer.body.is_empty(), "{path}");
        assert_eq!(header(&answer, header::CONTENT_ENCODING), Some("br"), "{path}");
        let length = std::fs::metadata(dist.join(&sent)).unwrap().len().to_string();
        assert_eq!(header(&answer, header::CONTENT_LENGTH), Some(length.as_str()), "{path}");
        assert!(header(&answer, header::CONTENT_TYPE).unwrap().starts_with(content_type), "{path}");
        assert!(varies_by_encoding(&answer), "{path}");
    }
}

#[apply(databases)]
#[tokio::test]
async fn api_answers_are_compressed_as_the_phone_accepts(#[case] database: Database) {
    let server = server_with_built_app(database).await;
    for encoding in ["gzip", "br"] {
        let answer = get_accepting(&server, "/api/v1/consultations", Some(encoding)).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(header(&answer, header::CONTENT_ENCODING), Some(encoding));
        let json: serde_json::Value = serde_json::from_slice(&decoded(&answer)).unwrap();
        assert!(json["consultations"].is_array());
    }
    let plain = server.get("/api/v1/consultations").await;
    assert_eq!(header(&plain, header::CONTENT_ENCODING), None);
    assert!(plain.json()["consultations"].is_array());
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
async fn an_unbuilt_app_is_said_plainly_while_the_api_works(#[case] database: Database) {
    let server = TestServer::start(database).await;
    std::fs::remove_file(server.dir.path().join("dist/index.html")).unwrap();
    let answer = server.get("/").await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(String::from_utf8_lossy(&answer.body).contains("The app is not built"));
    assert_eq!(server.get("/api/v1/consultations").await.status, StatusCode::OK);
}

//! `GET /c/{id}/poster`: a consultation's printable poster, with a QR code
//! of its link drawn by the server, and its stylesheet.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::http::{header, StatusCode};
use serde_json::json;

use crate::common::*;

const HOST: &str = "baraza.example.org";

async fn poster(server: &TestServer, query: &str) -> Answer {
    server.get_with(&format!("/c/{WATER}/poster{query}"), (header::HOST, HOST)).await
}

async fn poster_page(server: &TestServer, id: &str, query: &str) -> String {
    let answer = server.get_with(&format!("/c/{id}/poster{query}"), (header::HOST, HOST)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    let policy = answer.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(policy.starts_with("default-src 'none'; style-src 'self';") && !policy.contains("script"), "{policy}");
    String::from_utf8(answer.body).unwrap()
}

/// The inline SVG of the page, drawn into a bitmap of `PIXELS` pixels per
/// module and read by a QR decoder, as a phone's camera reads the print.
fn decode_qr(page: &str) -> String {
    const PIXELS: usize = 4;
    let svg = &page[page.find("<svg").expect("an inline SVG")..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    let attribute = |name: &str| {
        let start = svg.find(&format!(" {name}=\"")).unwrap_or_else(|| panic!("no {name}")) + name.len() + 3;
        &svg[start..start + svg[start..].find('"').unwrap()]
    };
    let modules: usize = attribute("width").parse().unwrap();
    let mut dark = vec![false; modules * modules];
    // Dark modules are runs of one path: `M{left} {top}h{width}v{height}H{left}V{top}`.
    for run in attribute("d").split('M').filter(|run| !run.is_empty()) {
        let numbers: Vec<usize> = run.split(['h', 'v', 'H', 'V', ' ']).map(|n| n.parse().unwrap()).collect();
        let [left, top, width, height, ..] = numbers[..] else { panic!("unexpected path run {run}") };
        for y in top..top + height {
            for x in left..left + width {
                dark[y * modules + x] = true;
            }
        }
    }
    let side = modules * PIXELS;
    let mut image =
        rqrr::PreparedImage::prepare_from_bitmap(side, side, |x, y| dark[(y / PIXELS) * modules + x / PIXELS]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("the QR code decodes").1
}

/// The texts a language lacks show as their keys (`poster.scan`): the keys
/// found in the page's texts and attributes.
fn missing_texts(page: &str) -> Vec<&str> {
    page.match_indices("poster.")
        .filter(|(at, _)| matches!(&page[at - 1..*at], ">" | "\"") && !page[*at..].starts_with("poster.css"))
        .map(|(at, _)| &page[at..at + page[at..].find(['<', '"']).unwrap()])
        .collect()
}

#[apply(databases)]
#[tokio::test]
async fn the_qr_code_reads_as_the_consultation_s_link(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let page = poster_page(&server, WATER, "").await;
    assert_eq!(decode_qr(&page), format!("http://{HOST}/c/{WATER}"));
    assert!(page.contains(&format!("{HOST}/c/{WATER}</p>")), "the short link in type");

    let served = server.with_public_url("https://consult.example.go.tz/");
    let page = poster_page(&served, WATER, "").await;
    assert_eq!(decode_qr(&page), format!("https://consult.example.go.tz/c/{WATER}"));
}

#[apply(databases)]
#[tokio::test]
async fn the_poster_is_one_page_without_script_styled_by_a_served_stylesheet(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let page = poster_page(&server, WATER, "").await;
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(!page.contains("<script") && !page.contains("style=") && !page.contains("<style"), "{page}");
    assert!(page.contains(r#"<link rel="stylesheet" href="/poster.css">"#), "{page}");
    assert!(page.contains("<h1 class=\"title\">Water services: what should change in 2027?</h1>"), "{page}");
    assert!(page.contains("How to take part") && page.contains("Scan the code or open the link"), "{page}");
    assert!(page.contains("Organised by Municipal Water Board"), "{page}");
    let stylesheet = server.get("/poster.css").await;
    assert_eq!(stylesheet.status, StatusCode::OK);
    assert_eq!(stylesheet.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    let css = String::from_utf8(stylesheet.body).unwrap();
    assert!(css.contains("size: A4") && css.contains("size: A3"), "{css}");
    assert!(!css.contains("-left") && !css.contains("-right"), "logical properties only");
    let a3 = poster_page(&server, WATER, "?paper=a3").await;
    assert!(a3.contains(r#"class="a3""#), "{a3}");
}

#[apply(databases)]
#[tokio::test]
async fn each_language_has_its_block_and_arabic_reads_right_to_left(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let page = poster_page(&server, WATER, "?languages=ar,fr,en").await;
    assert!(page.contains(r#"<html lang="ar" dir="rtl""#), "{page}");
    let arabic = page.find(r#"<section class="language" lang="ar" dir="rtl">"#).expect("an Arabic block");
    let french = page.find(r#"<section class="language" lang="fr" dir="ltr">"#).expect("a French block");
    let english = page.find(r#"<section class="language" lang="en" dir="ltr">"#).expect("an English block");
    assert!(arabic < french && french < english, "in the order asked");
    assert!(page.contains("كيف تشارك") && page.contains("Comment participer") && page.contains("How to take part"));
    // The closing date, as each language writes it, keeps its order inside
    // the Arabic sentence.
    assert!(page.contains("يمكنك المشاركة حتى \u{2068}1 يناير 2099 في 12:00 ص\u{2069}."), "{page}");
    assert!(page.contains("Vous pouvez participer jusqu’au \u{2068}1 janvier 2099 à 00:00\u{2069}."), "{page}");
    assert!(page.contains("You can take part until \u{2068}1 January 2099 at 00:00\u{2069}."), "{page}");
    assert_eq!(missing_texts(&page), Vec::<&str>::new());
}

#[apply(databases)]
#[tokio::test]
async fn a_codes_consultation_says_where_to_get_a_code(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let page = poster_page(&server, VILLAGE, "?languages=sw,en").await;
    assert!(page.contains("Mahali pa kupata msimbo wako: Ofisi ya Kijiji"), "{page}");
    assert!(page.contains("Where to get your code: the village office"), "{page}");
    let mut without_place = definition(VILLAGE);
    without_place.as_object_mut().unwrap().remove("codes_from");
    server.publish(without_place).await;
    let page = poster_page(&server, VILLAGE, "").await;
    assert!(page.contains("Waombe waandaaji msimbo wako."), "{page}");
    let open = poster_page(&server, WATER, "").await;
    assert!(!open.contains("participation code"), "an open consultation needs no code");
}

#[apply(databases)]
#[tokio::test]
async fn every_interface_language_has_every_poster_text(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let mut every_language = definition(VILLAGE);
    for field in ["title", "summary", "codes_from"] {
        let text = every_language[field]["en"].clone();
        for language in ["ar", "zh-Hans", "fr", "ru", "es"] {
            every_language[field][language] = text.clone();
        }
    }
    every_language["contact"] = json!("+255 700 000 000");
    server.publish(every_language).await;
    for languages in ["ar,zh-Hans,en", "fr,ru,es", "sw"] {
        let page = poster_page(&server, VILLAGE, &format!("?languages={languages}")).await;
        assert_eq!(missing_texts(&page), Vec::<&str>::new(), "{languages}");
    }
}

#[apply(databases)]
#[tokio::test]
async fn more_than_three_languages_or_one_not_written_is_a_precise_400(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let mut four = definition(WATER);
    for field in ["title", "summary", "body"] {
        four[field]["sw"] = four[field]["en"].clone();
    }
    server.publish(four).await;
    let too_many = poster(&server, "?languages=en,fr,ar,sw").await;
    assert_eq!(too_many.status, StatusCode::BAD_REQUEST);
    assert_eq!(too_many.error_code(), "invalid_languages");
    assert!(too_many.json()["error"]["message"].as_str().unwrap().contains("at most 3 languages"));

    let unknown = poster(&server, "?languages=en,ru").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.error_code(), "invalid_languages");
    let message = unknown.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("\"ru\"") && message.contains("en, ar, fr, sw"), "{message}");

    let paper = poster(&server, "?paper=letter").await;
    assert_eq!(paper.status, StatusCode::BAD_REQUEST);
    assert_eq!(paper.error_code(), "invalid_parameter");
}

#[apply(databases)]
#[tokio::test]
async fn the_poster_of_an_unknown_consultation_is_a_json_404(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let missing = server.get_with("/c/no-such-thing/poster", (header::HOST, HOST)).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(missing.error_code(), "consultation_not_found");
}

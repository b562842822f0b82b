//! The printable poster of a consultation, made by the server so that
//! citizens and staff download no QR encoder: `GET /c/{id}/poster`, a
//! self-contained HTML page without script, styled by `GET /poster.css`
//! (no inline style either), under a policy that lets it load that
//! stylesheet and nothing else ([`super::security`]).
//!
//! - `?languages=en,fr,sw`: up to [`MAX_LANGUAGES`] of the languages the
//!   consultation is written in, one block each, in that order (default: its
//!   default language). Each block has the title, the summary and how to
//!   take part, with the poster's fixed texts in that language where it is
//!   an interface language ([`crate::texts`]), and `dir="rtl"` where the
//!   language is written right to left.
//! - `?paper=a4` (default) or `a3`: the sheet it prints on.
//!
//! Below the blocks: a QR code of the consultation's link, drawn as inline
//! SVG, and the link in large type. For a `codes` consultation, each block
//! says where to get a code: the definition's `codes_from`, or else to ask
//! the organisers.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use baraza_core::definition::{Consultation, Eligibility, Level};
use baraza_core::localized::{is_right_to_left, Localized};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use serde::Deserialize;

use super::error::Error;
use super::extract::{Path, Query};
use super::links::{consultation_page, origin};
use super::security::POSTER_POLICY;
use super::AppState;
use crate::texts::{date_time, interface_language, text};

/// The most languages one poster shows: more no longer fit a sheet legibly.
pub const MAX_LANGUAGES: usize = 3;

const STYLESHEET: &str = include_str!("poster.css");

pub fn router() -> Router<AppState> {
    Router::new().route("/c/{id}/poster", get(poster)).route("/poster.css", get(stylesheet))
}

async fn stylesheet() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLESHEET)
}

#[derive(Deserialize)]
struct PosterQuery {
    languages: Option<String>,
    paper: Option<String>,
}

/// The sheet a poster prints on.
#[derive(Clone, Copy)]
enum Paper {
    A4,
    A3,
}

async fn poster(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(query): Query<PosterQuery>,
) -> Result<Response, Error> {
    let paper = match query.paper.as_deref() {
        None | Some("a4") => Paper::A4,
        Some("a3") => Paper::A3,
        Some(_) => return Err(Error::InvalidParameter("paper must be a4 or a3".to_owned())),
    };
    let consultation = state.store.find(&id).await?;
    let languages = chosen_languages(&consultation, query.languages.as_deref())?;
    let link = consultation_page(&origin(&state, &headers)?, &consultation.id);
    let qr = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M)
        .map_err(|_| Error::MalformedRequest("the consultation's link is too long for a QR code".to_owned()))?;
    let page = render(&consultation, &languages, paper, &link, &qr);
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-cache"),
        (header::CONTENT_SECURITY_POLICY, POSTER_POLICY),
    ];
    Ok((headers, page.into_string()).into_response())
}

/// The languages `?languages=` names, each one the consultation is written
/// in, at most [`MAX_LANGUAGES`]; its default language when none is named.
fn chosen_languages(consultation: &Consultation, asked: Option<&str>) -> Result<Vec<String>, Error> {
    let written = consultation.languages();
    let Some(asked) = asked else {
        return Ok(vec![consultation.default_language.clone()]);
    };
    let mut chosen: Vec<String> = Vec::new();
    for language in asked.split(',').map(str::trim) {
        if !written.contains(&language) {
            return Err(Error::InvalidLanguages(format!(
                "this consultation is not written in \"{language}\": choose from {}",
                written.join(", ")
            )));
        }
        if !chosen.iter().any(|seen| seen == language) {
            chosen.push(language.to_owned());
        }
    }
    if chosen.len() > MAX_LANGUAGES {
        return Err(Error::InvalidLanguages(format!(
            "a poster shows at most {MAX_LANGUAGES} languages; {} were asked for",
            chosen.len()
        )));
    }
    Ok(chosen)
}

fn render(consultation: &Consultation, languages: &[String], paper: Paper, link: &str, qr: &QrCode) -> Markup {
    let first = interface_language(&languages[0]);
    let short_link = link.split_once("://").map_or(link, |(_, rest)| rest);
    let qr_svg = qr.render::<svg::Color>().quiet_zone(true).module_dimensions(1, 1).build();
    // The renderer writes a whole SVG file: inline, the XML declaration goes.
    let qr_svg = qr_svg.find("<svg").map_or(qr_svg.as_str(), |start| &qr_svg[start..]);
    let paper_class = match paper {
        Paper::A4 => "a4",
        Paper::A3 => "a3",
    };
    html! {
        (DOCTYPE)
        html lang=(languages[0]) dir=(direction(&languages[0])) class=(paper_class) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (consultation.text(&consultation.title, &languages[0])) }
                link rel="stylesheet" href="/poster.css";
            }
            body {
                main.several[languages.len() > 1] {
                    @for (index, language) in languages.iter().enumerate() {
                        (language_block(consultation, language, index == 0))
                    }
                    div.link {
                        div.qr role="img" aria-label=(text(first, "poster.qr_label", &[("link", link)])) {
                            (PreEscaped(qr_svg))
                        }
                        p.short-link dir="ltr" { (short_link) }
                    }
                }
            }
        }
    }
}

/// `value` kept in its own direction inside a sentence (a first-strong
/// isolate), so that in Arabic a date or a phone number still reads in its
/// order: `2027-01-31 23:59`, not `23:59 31-01-2027`.
fn isolated(value: &str) -> String {
    format!("\u{2068}{value}\u{2069}")
}

fn direction(language: &str) -> &'static str {
    if is_right_to_left(language) {
        "rtl"
    } else {
        "ltr"
    }
}

/// One language's block. The first block's title is the page's heading;
/// the others' are one level below.
fn language_block(consultation: &Consultation, language: &str, first: bool) -> Markup {
    let ui = interface_language(language);
    let default = &consultation.default_language;
    // A text missing in `language` shows in the default one, marked as such.
    let shown = |text: &Localized| {
        let shown_in = text.language_shown(language, default);
        (text.get(language, default).to_owned(), (shown_in != language).then(|| shown_in.to_owned()))
    };
    let (title, title_language) = shown(&consultation.title);
    let (summary, summary_language) = shown(&consultation.summary);
    let take_part = match consultation.level {
        Level::Inform => text(ui, "poster.take_part_inform", &[]),
        Level::Consult => text(ui, "poster.take_part_consult", &[]),
        Level::Decide => text(ui, "poster.take_part_decide", &[]),
    };
    let closes = date_time(ui, consultation.closes_at);
    html! {
        section.language lang=(language) dir=(direction(language)) {
            @if first {
                h1.title lang=[title_language] { (title) }
            } @else {
                h2.title lang=[title_language] { (title) }
            }
            @if let Some(organization) = &consultation.organization {
                p { (text(ui, "poster.organised_by", &[("organization", consultation.text(organization, language))])) }
            }
            p.summary lang=[summary_language] { (summary) }
            @if first {
                h2.how { (text(ui, "poster.how_to_take_part", &[])) }
            } @else {
                h3.how { (text(ui, "poster.how_to_take_part", &[])) }
            }
            p { (take_part) }
            p { (text(ui, "poster.scan", &[])) }
            @if consultation.eligibility == Eligibility::Codes {
                p.code { (text(ui, "poster.code_needed", &[])) }
                @match &consultation.codes_from {
                    Some(place) => p.code { (text(ui, "poster.code_from", &[("place", consultation.text(place, language))])) },
                    None => p.code { (text(ui, "poster.code_ask", &[])) },
                }
            }
            p { (text(ui, "poster.closes", &[("date", &isolated(&closes))])) }
            @if let Some(contact) = &consultation.contact {
                p { (text(ui, "poster.contact", &[("contact", &isolated(contact))])) }
            }
        }
    }
}

//! Open data for everyone, without a token, where a consultation's `results`
//! rule makes its tallies public (`live`, or `after_close` once closed):
//!
//! - `tallies.csv`: the staff tallies CSV, byte for byte ([`super::export`]);
//! - `tallies.json`: core's `open_data::PublicTallies`, the same results
//!   with the title and licence;
//! - `/api/v1/catalogue`: every consultation whose tallies are public, with
//!   its files, formats, licence and the day its data last changed, as a
//!   DCAT catalogue in JSON-LD (core's `open_data::Catalogue`).
//!
//! Both tallies routes pass the gate of the results route
//! ([`super::consultations::public_results`]): a `staff_only` consultation
//! answers 403 `results_staff_only`, an open `after_close` one 403
//! `results_not_public`. Ballot-level files stay staff-only.
//!
//! Every site may read them from a browser (`Access-Control-Allow-Origin:
//! *`): they need no token and hold nothing a reader could not download,
//! and data portals and dashboards fetch them from their own pages.

use axum::extract::State;
use axum::http::{header, HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use baraza_core::definition::Consultation;
use baraza_core::open_data::{
    catalogue_context, Catalogue, Dataset, Distribution, LicenceNode, PublicTallies, Reference, Typed, TALLIES_FORMAT,
};
use time::{Date, OffsetDateTime};
use tower_http::cors::{Any, CorsLayer};

use super::consultations::public_results;
use super::error::Error;
use super::export::tallies_csv_download;
use super::extract::Path;
use super::links::{consultation_page, origin};
use super::AppState;
use crate::storage::open_data::changed_on;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/consultations/{id}/tallies.csv", get(tallies_csv))
        .route("/v1/consultations/{id}/tallies.json", get(tallies_json))
        .route("/v1/catalogue", get(catalogue))
        .layer(CorsLayer::new().allow_origin(Any).allow_methods([Method::GET, Method::HEAD]))
}

async fn tallies_csv(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, Error> {
    let (_, results) = public_results(&state, &id).await?;
    Ok(tallies_csv_download(&results))
}

async fn tallies_json(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<PublicTallies>, Error> {
    let (definition, results) = public_results(&state, &id).await?;
    let consultation = &definition.consultation;
    Ok(Json(PublicTallies {
        format: TALLIES_FORMAT.to_owned(),
        title: consultation.title.clone(),
        licence: consultation.licence.clone(),
        licence_url: consultation.licence.url(),
        results,
    }))
}

async fn catalogue(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Error> {
    let origin = origin(&state, &headers)?;
    let now = OffsetDateTime::now_utc();
    let changed = changed_on(&state.store).await?;
    let datasets = state
        .store
        .all()
        .await?
        .iter()
        .filter(|consultation| consultation.results_are_public(now))
        .map(|consultation| {
            let modified = changed.get(&consultation.id).copied().unwrap_or(now.date());
            dataset(&origin, consultation, modified)
        })
        .collect();
    let catalogue = Catalogue {
        context: catalogue_context(),
        id: format!("{origin}/api/v1/catalogue"),
        node_type: "dcat:Catalog".to_owned(),
        title: "Baraza open data: the tallies of public consultations".to_owned(),
        datasets,
    };
    Ok(([(header::CONTENT_TYPE, "application/ld+json")], Json(catalogue)).into_response())
}

fn dataset(origin: &str, consultation: &Consultation, modified: Date) -> Dataset {
    let id = &consultation.id;
    let licence = &consultation.licence;
    let file = |extension: &str| format!("{origin}/api/v1/consultations/{id}/tallies.{extension}");
    Dataset {
        id: format!("{origin}/api/v1/catalogue#{id}"),
        node_type: "dcat:Dataset".to_owned(),
        identifier: id.clone(),
        title: consultation.title.clone(),
        description: consultation.summary.clone(),
        keywords: consultation.topics.clone(),
        landing_page: Reference { id: consultation_page(origin, id) },
        license: LicenceNode::of(licence),
        modified: Typed { value: modified.to_string(), datatype: "xsd:date".to_owned() },
        distributions: vec![
            Distribution::new(file("csv"), "text/csv", "CSV", licence),
            Distribution::new(file("json"), "application/json", "JSON", licence),
        ],
    }
}

//! Staff routes that publish and run consultations: the
//! list, publishing a definition, closing early, archiving, the outcome,
//! the change log and participation codes; and the schema of definitions.
//! A change reads the consultation inside its write transaction, so two
//! staff acting at once never overwrite each other with a stale copy.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use baraza_core::admin::{
    AdminConsultation, AdminConsultationList, ArchiveRequest, ChangeLog, CodesRequest, OutcomeRequest, Published,
};
use baraza_core::validate::parse_definition;
use time::OffsetDateTime;

use super::auth::{Publisher, Staff};
use super::error::Error;
use super::export::{csv_line, download, BOM};
use super::extract::{limited, JsonBody, Path, TextBody, DEFINITION_BODY_LIMIT, STAFF_BODY_LIMIT};
use super::AppState;
use crate::storage::changes::{self, Author};
use crate::storage::codes;
use crate::storage::consultations::{self, Publication};

pub fn router() -> Router<AppState> {
    let definitions = Router::new().route("/v1/admin/consultations", get(list).post(publish));
    let requests = Router::new()
        // PUT as the app sends it; POST as the API contract lists it.
        .route("/v1/admin/consultations/{id}/outcome", put(outcome).post(outcome))
        .route("/v1/admin/consultations/{id}/codes", post(issue_codes))
        .route("/v1/admin/consultations/{id}/archive", post(archive));
    Router::new()
        .merge(limited(definitions, DEFINITION_BODY_LIMIT))
        .merge(limited(requests, STAFF_BODY_LIMIT))
        .route("/v1/admin/consultations/{id}/close", post(close))
        .route("/v1/admin/consultations/{id}/changes", get(change_log))
        .route("/v1/schema/consultation.json", get(schema))
}

/// The JSON Schema of definition files: public, so that publishers' editors
/// can fetch it.
async fn schema() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/schema+json")], Json(baraza_core::schema::consultation_schema()))
}

async fn list(State(state): State<AppState>, _: Staff) -> Result<Json<AdminConsultationList>, Error> {
    let consultations = consultations::admin_list(&state.store, OffsetDateTime::now_utc()).await?;
    Ok(Json(AdminConsultationList { consultations }))
}

/// The body is the definition file's text as the publisher wrote it, read
/// by core so that every problem comes back with its JSON path. 201 for a
/// new consultation, 200 for an update.
async fn publish(
    State(state): State<AppState>,
    Publisher(member): Publisher,
    TextBody(body): TextBody,
) -> Result<(StatusCode, Json<Published>), Error> {
    let checked = parse_definition(&body).map_err(Error::InvalidDefinition)?;
    let definitions = std::slice::from_ref(&checked.consultation);
    let publications =
        consultations::publish(&state.store, definitions, &Author::Staff(member), OffsetDateTime::now_utc()).await?;
    let created = publications == [Publication::Created];
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    let published = Published { id: checked.consultation.id, created, warnings: checked.warnings };
    Ok((status, Json(published)))
}

async fn close(
    State(state): State<AppState>,
    Publisher(member): Publisher,
    Path(id): Path<String>,
) -> Result<Json<AdminConsultation>, Error> {
    let closed = consultations::close(&state.store, &id, &Author::Staff(member), OffsetDateTime::now_utc()).await?;
    Ok(Json(closed))
}

/// The body may be left out: archiving alone.
async fn archive(
    State(state): State<AppState>,
    Publisher(member): Publisher,
    Path(id): Path<String>,
    request: Option<JsonBody<ArchiveRequest>>,
) -> Result<Json<AdminConsultation>, Error> {
    let ArchiveRequest { anonymise } = request.map(|JsonBody(request)| request).unwrap_or_default();
    let by = Author::Staff(member);
    Ok(Json(consultations::archive(&state.store, &id, anonymise, &by, OffsetDateTime::now_utc()).await?))
}

async fn outcome(
    State(state): State<AppState>,
    Publisher(member): Publisher,
    Path(id): Path<String>,
    JsonBody(OutcomeRequest { outcome }): JsonBody<OutcomeRequest>,
) -> Result<Json<AdminConsultation>, Error> {
    let now = OffsetDateTime::now_utc();
    Ok(Json(consultations::set_outcome(&state.store, &id, outcome, &Author::Staff(member), now).await?))
}

async fn change_log(State(state): State<AppState>, _: Staff, Path(id): Path<String>) -> Result<Json<ChangeLog>, Error> {
    state.store.find(&id).await?;
    Ok(Json(ChangeLog { changes: changes::list(&state.store, &id).await? }))
}

/// Answers the new codes as a CSV file with one `code` column, to print or
/// merge into letters and text messages. The codes are never shown again.
async fn issue_codes(
    State(state): State<AppState>,
    Publisher(member): Publisher,
    Path(id): Path<String>,
    JsonBody(CodesRequest { count }): JsonBody<CodesRequest>,
) -> Result<Response, Error> {
    let by = Author::Staff(member);
    let issued = codes::issue(&state.store, &id, count, &by, OffsetDateTime::now_utc()).await?;
    let mut csv = String::from(BOM);
    csv_line(&mut csv, ["code"].into_iter());
    for code in &issued {
        csv_line(&mut csv, [code.as_str()].into_iter());
    }
    Ok(download("text/csv; charset=utf-8", format!("{id}-codes.csv"), Body::from(csv)))
}

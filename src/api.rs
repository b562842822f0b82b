//! The server's HTTP API: one function per endpoint, each
//! answering core's types or an [`AppError`] the interface translates.
//! No view code here.

use baraza_core::admin::{
    AdminConsultation, AdminConsultationList, ArchiveRequest, ChangeLog, CodesRequest, OutcomeRequest, Published,
    ReceiptCheck,
};
use baraza_core::analysis::{AdminResults, CommentOrder, HideRequest, ModeratedComment, ModerationPage};
use baraza_core::api::{ApiError, CommentsPage, ResultsResponse};
use baraza_core::drafts::{Draft, DraftEdit, DraftList, DraftRequest};
use baraza_core::paper::{PaperBatch, PaperBatchResponse};
use baraza_core::staff::StaffMember;
use baraza_core::sync::SyncResponse;
use baraza_core::validate::Problem;
use baraza_core::Localized;
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::json;

const BASE: &str = "/api/v1";

/// Everything that can go wrong talking to the server, as the citizen is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppError {
    /// No answer: offline, or the server is unreachable.
    Network,
    /// 404: no such consultation.
    NotFound,
    /// 403 `results_not_public`: the definition keeps the tallies back for now.
    ResultsNotPublic,
    /// 401: the staff token is missing, wrong or revoked.
    Unauthorized,
    /// 403 `forbidden`: the staff token's role may not do this.
    Forbidden,
    /// 429 `too_many_requests`: this address sent more changes than the
    /// server takes in a minute; it may try again after `wait_seconds`
    /// (its `Retry-After`).
    TooManyRequests { wait_seconds: u64 },
    /// Any other failure: a 4xx/5xx status or an answer the app cannot read.
    Server,
}

impl AppError {
    /// The error for a failed HTTP answer, from its status, the `code` of
    /// its JSON error body, if it had one, and the seconds of its
    /// `Retry-After` (a 429 without them is told to wait a second).
    pub fn from_status(status: u16, code: Option<&str>, retry_after_seconds: Option<u64>) -> Self {
        match (status, code) {
            (429, _) => AppError::TooManyRequests { wait_seconds: retry_after_seconds.unwrap_or(1) },
            (404, _) => AppError::NotFound,
            (403, Some("results_not_public")) => AppError::ResultsNotPublic,
            (401, _) => AppError::Unauthorized,
            (403, Some("forbidden")) => AppError::Forbidden,
            _ => AppError::Server,
        }
    }
}

/// A JSON answer as the server sent it, or that the copy the app already
/// has is still the server's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    Fresh {
        body: String,
        etag: Option<String>,
    },
    /// `304 Not Modified`: the `ETag` sent matches.
    NotModified,
}

/// `GET /api/v1/consultations`: a [`baraza_core::api::ConsultationList`] as the JSON text the
/// server sent, which the app keeps on the phone as it came (see [`crate::kept`]),
/// unless the copy with `etag` is still the server's.
pub async fn consultations_since(etag: Option<String>) -> Result<Fetched, AppError> {
    get_since(&format!("{BASE}/consultations"), etag).await
}

/// `GET /api/v1/consultations/{id}`, as [`consultations_since`].
pub async fn consultation_since(id: &str, etag: Option<String>) -> Result<Fetched, AppError> {
    get_since(&format!("{BASE}/consultations/{}", encode(id)), etag).await
}

/// `GET /api/v1/consultations/{id}`: a [`baraza_core::Consultation`] as the JSON text the
/// server sent, kept on the phone as [`consultations_body`].
pub async fn consultation_body(id: &str) -> Result<String, AppError> {
    get_body(&format!("{BASE}/consultations/{}", encode(id))).await
}

/// `GET /api/v1/consultations/{id}/results`
pub async fn results(id: &str) -> Result<ResultsResponse, AppError> {
    get(&format!("{BASE}/consultations/{}/results", encode(id))).await
}

/// `GET /api/v1/consultations/{id}/comments` in `order`: the comments that
/// answer none, or with `reply_to` the replies to that comment; `before` is
/// the `next` cursor of the previous page.
pub async fn comments(
    id: &str,
    reply_to: Option<Uuid>,
    order: CommentOrder,
    before: Option<&str>,
) -> Result<CommentsPage, AppError> {
    let mut url = format!("{BASE}/consultations/{}/comments?order={}", encode(id), order.as_str());
    if let Some(comment) = reply_to {
        url.push_str(&format!("&reply_to={comment}"));
    }
    if let Some(before) = before {
        url.push_str("&before=");
        url.push_str(&encode(before));
    }
    get(&url).await
}

/// How long a sync may take before it is given up and tried again later: a
/// server that never answers must not hold the outbox. A full batch on a
/// 2G connection takes a few seconds.
const SYNC_TIMEOUT_MS: i32 = 10_000;

/// Why a sync batch went unanswered.
#[derive(Debug, Clone, Copy)]
pub struct SyncFailure {
    pub error: AppError,
    /// How long the server asked to wait first (`Retry-After` of a 429), in
    /// milliseconds.
    pub retry_after_ms: Option<u64>,
}

impl From<AppError> for SyncFailure {
    fn from(error: AppError) -> Self {
        SyncFailure { error, retry_after_ms: None }
    }
}

/// `POST /api/v1/sync` with a [`baraza_core::sync::SyncRequest`] as JSON
/// text, made by the outbox from the actions it keeps as text. Without an
/// answer within [`SYNC_TIMEOUT_MS`] it fails as [`AppError::Network`].
pub async fn sync(body: String) -> Result<SyncResponse, SyncFailure> {
    let controller = web_sys::AbortController::new().map_err(|_| AppError::Server)?;
    let abort = controller.clone();
    let timer = leptos::prelude::set_timeout_with_handle(
        move || abort.abort(),
        std::time::Duration::from_millis(SYNC_TIMEOUT_MS as u64),
    );
    let request = Request::post(&format!("{BASE}/sync"))
        .header("Content-Type", "application/json")
        .abort_signal(Some(&controller.signal()))
        .body(body)
        .map_err(|_| AppError::Server)?;
    let answer = match request.send().await {
        Ok(response) => {
            let retry_after_ms = retry_after_seconds(&response).map(|seconds| seconds.saturating_mul(1_000));
            read(response).await.map_err(|error| SyncFailure { error, retry_after_ms })
        }
        Err(_) => Err(AppError::Network.into()),
    };
    if let Ok(timer) = timer {
        timer.clear();
    }
    answer
}

/// `GET /api/v1/admin/me`: whose `token` this is.
pub async fn staff_member(token: &str) -> Result<StaffMember, AppError> {
    get_as(&format!("{BASE}/admin/me"), token).await
}

/// `GET /api/v1/admin/consultations`: every consultation, archived too.
pub async fn admin_consultations(token: &str) -> Result<AdminConsultationList, AppError> {
    get_as(&format!("{BASE}/admin/consultations"), token).await
}

/// Why a definition was not published.
#[derive(Debug, Clone, PartialEq)]
pub enum PublishError {
    /// 422 `invalid_definition` or 409 `definition_locked`: every problem, at its path.
    Refused {
        locked: bool,
        message: String,
        problems: Vec<Problem>,
    },
    Failed(AppError),
}

/// `POST /api/v1/admin/consultations` with a definition file's text as it is:
/// the server's core validation reports every problem.
pub async fn publish(token: &str, definition: String) -> Result<Published, PublishError> {
    let request = Request::post(&format!("{BASE}/admin/consultations"))
        .header("Authorization", &bearer(token))
        .header("Content-Type", "application/json")
        .body(definition)
        .map_err(|_| PublishError::Failed(AppError::Server))?;
    published(request).await
}

/// `POST /api/v1/admin/drafts/{draft}/publish`: the draft as the server
/// keeps it, through the same rules as a definition file.
pub async fn publish_draft(token: &str, draft: &str) -> Result<Published, PublishError> {
    let url = format!("{BASE}/admin/drafts/{}/publish", encode(draft));
    published(request_as("POST", &url, token, None).map_err(PublishError::Failed)?).await
}

/// What publishing `request` came to: the consultation stored, or every
/// problem that kept it from being stored.
async fn published(request: Request) -> Result<Published, PublishError> {
    let response = request.send().await.map_err(|_| PublishError::Failed(AppError::Network))?;
    if response.ok() {
        return json_of(&response).await.map_err(PublishError::Failed);
    }
    let status = response.status();
    let body = json_of::<ApiError>(&response).await.ok().map(|body| body.error);
    match body {
        Some(error) if matches!(error.code.as_str(), "invalid_definition" | "definition_locked") => {
            Err(PublishError::Refused {
                locked: error.code == "definition_locked",
                message: error.message,
                problems: error.problems,
            })
        }
        other => Err(PublishError::Failed(AppError::from_status(
            status,
            other.map(|e| e.code).as_deref(),
            retry_after_seconds(&response),
        ))),
    }
}

/// `GET /api/v1/admin/drafts`: the drafts, the most recently edited first.
pub async fn drafts(token: &str) -> Result<DraftList, AppError> {
    get_as(&format!("{BASE}/admin/drafts"), token).await
}

/// `GET /api/v1/admin/drafts/{draft}`.
pub async fn draft(token: &str, draft: &str) -> Result<Draft, AppError> {
    get_as(&format!("{BASE}/admin/drafts/{}", encode(draft)), token).await
}

/// `POST /api/v1/admin/drafts`: keeps a new draft on the server.
pub async fn create_draft(token: &str, request: &DraftRequest) -> Result<Draft, AppError> {
    send_as("POST", &format!("{BASE}/admin/drafts"), token, Some(json::write(request))).await
}

/// Why a draft was not saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveError {
    /// 409 `draft_changed`: another publisher saved it since `edit.revision`.
    Changed,
    Failed(AppError),
}

/// `PUT /api/v1/admin/drafts/{draft}`.
pub async fn save_draft(token: &str, draft: &str, edit: &DraftEdit) -> Result<Draft, SaveError> {
    let url = format!("{BASE}/admin/drafts/{}", encode(draft));
    let request = request_as("PUT", &url, token, Some(json::write(edit))).map_err(SaveError::Failed)?;
    let response = request.send().await.map_err(|_| SaveError::Failed(AppError::Network))?;
    // The only conflict a draft's edit meets is its revision.
    if response.status() == 409 {
        return Err(SaveError::Changed);
    }
    read(response).await.map_err(SaveError::Failed)
}

/// `DELETE /api/v1/admin/drafts/{draft}`.
pub async fn delete_draft(token: &str, draft: &str) -> Result<(), AppError> {
    let response = request_as("DELETE", &format!("{BASE}/admin/drafts/{}", encode(draft)), token, None)?
        .send()
        .await
        .map_err(|_| AppError::Network)?;
    if response.ok() {
        Ok(())
    } else {
        Err(failure(response).await)
    }
}

/// `POST /api/v1/admin/consultations/{id}/close`: closes it now.
pub async fn close(token: &str, id: &str) -> Result<AdminConsultation, AppError> {
    send_as("POST", &format!("{BASE}/admin/consultations/{}/close", encode(id)), token, None).await
}

/// `POST /api/v1/admin/consultations/{id}/archive`; with `anonymise`, also
/// drops what links its input to phones and codes, for good.
pub async fn archive(token: &str, id: &str, anonymise: bool) -> Result<AdminConsultation, AppError> {
    let body = serde_json::to_string(&ArchiveRequest { anonymise }).map_err(|_| AppError::Server)?;
    send_as("POST", &format!("{BASE}/admin/consultations/{}/archive", encode(id)), token, Some(body)).await
}

/// `PUT /api/v1/admin/consultations/{id}/outcome`.
pub async fn set_outcome(token: &str, id: &str, outcome: Localized) -> Result<AdminConsultation, AppError> {
    let body = json::write(&OutcomeRequest { outcome });
    send_as("PUT", &format!("{BASE}/admin/consultations/{}/outcome", encode(id)), token, Some(body)).await
}

/// `GET /api/v1/admin/consultations/{id}/changes`, newest first.
pub async fn changes(token: &str, id: &str) -> Result<ChangeLog, AppError> {
    get_as(&format!("{BASE}/admin/consultations/{}/changes", encode(id)), token).await
}

/// `GET /api/v1/admin/receipts/{receipt}`: the action a citizen's receipt
/// stands for.
pub async fn check_receipt(token: &str, receipt: &str) -> Result<ReceiptCheck, AppError> {
    get_as(&format!("{BASE}/admin/receipts/{}", encode(receipt)), token).await
}

/// `POST /api/v1/admin/paper-ballots`: paper ballots a clerk entered, each
/// answered with its results and, once counted, its receipt.
pub async fn enter_paper_ballots(token: &str, batch: &PaperBatch) -> Result<PaperBatchResponse, AppError> {
    send_as("POST", &format!("{BASE}/admin/paper-ballots"), token, Some(json::write(batch))).await
}

/// `POST /api/v1/admin/consultations/{id}/codes`: `count` new participation
/// codes, as the CSV text to save.
pub async fn issue_codes(token: &str, id: &str, count: u32) -> Result<String, AppError> {
    let body = json::write(&CodesRequest { count });
    let response = request_as("POST", &format!("{BASE}/admin/consultations/{}/codes", encode(id)), token, Some(body))?
        .send()
        .await
        .map_err(|_| AppError::Network)?;
    if response.ok() {
        response.text().await.map_err(|_| AppError::Server)
    } else {
        Err(failure(response).await)
    }
}

/// `GET /api/v1/admin/consultations/{id}/results`: every result whatever
/// the consultation's `results` rule, with participation per day.
pub async fn admin_results(token: &str, id: &str) -> Result<AdminResults, AppError> {
    get_as(&format!("{BASE}/admin/consultations/{}/results", encode(id)), token).await
}

/// Which comments a moderator lists; `None` filters list every one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommentQuery {
    pub order: CommentOrder,
    pub item: Option<String>,
    pub language: Option<String>,
}

/// `GET /api/v1/admin/consultations/{id}/comments`: hidden ones too; `before`
/// is the `next` cursor of the previous page in the same order.
pub async fn moderated_comments(
    token: &str,
    id: &str,
    query: &CommentQuery,
    before: Option<&str>,
) -> Result<ModerationPage, AppError> {
    let order = query.order.as_str();
    let mut url = format!("{BASE}/admin/consultations/{}/comments?order={order}", encode(id));
    for (name, value) in [("item", query.item.as_deref()), ("language", query.language.as_deref()), ("before", before)]
    {
        if let Some(value) = value {
            url.push_str(&format!("&{name}={}", encode(value)));
        }
    }
    get_as(&url, token).await
}

/// `POST /api/v1/admin/comments/{id}/hide` with the moderator's reason.
pub async fn hide_comment(token: &str, comment: &str, reason: &str) -> Result<ModeratedComment, AppError> {
    let body = json::write(&HideRequest { reason: reason.to_owned() });
    send_as("POST", &format!("{BASE}/admin/comments/{}/hide", encode(comment)), token, Some(body)).await
}

/// `POST /api/v1/admin/comments/{id}/restore`.
pub async fn restore_comment(token: &str, comment: &str) -> Result<ModeratedComment, AppError> {
    send_as("POST", &format!("{BASE}/admin/comments/{}/restore", encode(comment)), token, None).await
}

/// The open-data downloads of a consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// Every standing ballot, one row each.
    BallotsCsv,
    /// The results, one row per counted key.
    TalliesCsv,
    /// The definition, the results and every ballot.
    Json,
}

impl Export {
    pub const ALL: [Export; 3] = [Export::BallotsCsv, Export::TalliesCsv, Export::Json];

    /// The last segment of its address under the consultation.
    pub fn path(self) -> &'static str {
        match self {
            Export::BallotsCsv => "export.csv",
            Export::TalliesCsv => "tallies.csv",
            Export::Json => "export.json",
        }
    }

    /// The name it is saved under: the one the server gives it.
    pub fn file_name(self, id: &str) -> String {
        match self {
            Export::BallotsCsv => format!("{id}-ballots.csv"),
            Export::TalliesCsv => format!("{id}-tallies.csv"),
            Export::Json => format!("{id}-export.json"),
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Export::BallotsCsv | Export::TalliesCsv => "text/csv;charset=utf-8",
            Export::Json => "application/json",
        }
    }
}

/// `GET /api/v1/admin/consultations/{id}/{export}`: the file's bytes as
/// sent, so that the CSV's byte-order mark (which spreadsheets need to read
/// UTF-8) is kept.
pub async fn export(token: &str, id: &str, export: Export) -> Result<Vec<u8>, AppError> {
    let url = format!("{BASE}/admin/consultations/{}/{}", encode(id), export.path());
    let response = request_as("GET", &url, token, None)?.send().await.map_err(|_| AppError::Network)?;
    if response.ok() {
        response.binary().await.map_err(|_| AppError::Server)
    } else {
        Err(failure(response).await)
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn request_as(method: &str, url: &str, token: &str, body: Option<String>) -> Result<Request, AppError> {
    let builder = match method {
        "POST" => Request::post(url),
        "PUT" => Request::put(url),
        "DELETE" => Request::delete(url),
        _ => Request::get(url),
    }
    .header("Authorization", &bearer(token));
    match body {
        Some(body) => builder.header("Content-Type", "application/json").body(body).map_err(|_| AppError::Server),
        None => builder.build().map_err(|_| AppError::Server),
    }
}

async fn send_as<T: DeserializeOwned>(
    method: &str,
    url: &str,
    token: &str,
    body: Option<String>,
) -> Result<T, AppError> {
    read(request_as(method, url, token, body)?.send().await.map_err(|_| AppError::Network)?).await
}

/// A staff `GET`, with the token as `Authorization: Bearer`.
async fn get_as<T: DeserializeOwned>(url: &str, token: &str) -> Result<T, AppError> {
    send_as("GET", url, token, None).await
}

async fn get<T: DeserializeOwned>(url: &str) -> Result<T, AppError> {
    read(Request::get(url).send().await.map_err(|_| AppError::Network)?).await
}

/// A `GET` with `If-None-Match: etag` when the app has a copy.
async fn get_since(url: &str, etag: Option<String>) -> Result<Fetched, AppError> {
    let mut request = Request::get(url);
    if let Some(etag) = &etag {
        request = request.header("If-None-Match", etag);
    }
    let response = request.send().await.map_err(|_| AppError::Network)?;
    if response.status() == 304 {
        return Ok(Fetched::NotModified);
    }
    if !response.ok() {
        return Err(failure(response).await);
    }
    let etag = response.headers().get("ETag");
    let body = response.text().await.map_err(|_| AppError::Network)?;
    Ok(Fetched::Fresh { body, etag })
}

async fn get_body(url: &str) -> Result<String, AppError> {
    let response = Request::get(url).send().await.map_err(|_| AppError::Network)?;
    if response.ok() {
        response.text().await.map_err(|_| AppError::Network)
    } else {
        Err(failure(response).await)
    }
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, AppError> {
    if response.ok() {
        json_of(&response).await
    } else {
        Err(failure(response).await)
    }
}

/// The body of `response` read as JSON.
async fn json_of<T: DeserializeOwned>(response: &Response) -> Result<T, AppError> {
    let body = response.text().await.map_err(|_| AppError::Network)?;
    json::parse(&body).ok_or(AppError::Server)
}

async fn failure(response: Response) -> AppError {
    let code = json_of::<ErrorCode>(&response).await.ok().map(|body| body.error.code);
    AppError::from_status(response.status(), code.as_deref(), retry_after_seconds(&response))
}

/// The seconds of an answer's `Retry-After`, when it gives them as a number.
fn retry_after_seconds(response: &Response) -> Option<u64> {
    response.headers().get("Retry-After").and_then(|seconds| seconds.trim().parse::<u64>().ok())
}

/// The part of an API error that [`failure`] reads. Reading the whole
/// [`ApiError`] would put the reading of definition problems, which only
/// [`publish`] shows, into the citizens' download too.
#[derive(serde::Deserialize)]
struct ErrorCode {
    error: Code,
}

#[derive(serde::Deserialize)]
struct Code {
    code: String,
}

fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_what_the_citizen_is_told() {
        assert_eq!(AppError::from_status(404, Some("not_found"), None), AppError::NotFound);
        assert_eq!(AppError::from_status(404, None, None), AppError::NotFound);
        assert_eq!(AppError::from_status(403, Some("results_not_public"), None), AppError::ResultsNotPublic);
        assert_eq!(AppError::from_status(403, Some("forbidden"), None), AppError::Forbidden);
        assert_eq!(AppError::from_status(401, Some("unauthorized"), None), AppError::Unauthorized);
        assert_eq!(AppError::from_status(500, None, None), AppError::Server);
        assert_eq!(
            AppError::from_status(429, Some("too_many_requests"), Some(42)),
            AppError::TooManyRequests { wait_seconds: 42 }
        );
        assert_eq!(AppError::from_status(429, None, None), AppError::TooManyRequests { wait_seconds: 1 });
        assert_eq!(AppError::from_status(503, Some("busy"), Some(5)), AppError::Server);
    }

    #[test]
    fn exports_are_saved_under_the_servers_names() {
        let named: Vec<(&str, String)> = Export::ALL.iter().map(|e| (e.path(), e.file_name("water"))).collect();
        assert_eq!(
            named,
            vec![
                ("export.csv", "water-ballots.csv".to_owned()),
                ("tallies.csv", "water-tallies.csv".to_owned()),
                ("export.json", "water-export.json".to_owned()),
            ]
        );
    }
}

//! The server's HTTP API (DESIGN §5, §9): one function per endpoint, each
//! answering core's types or an [`AppError`] the interface translates.
//! No view code here.

use baraza_core::api::{ApiError, CommentsPage, ConsultationList, ResultsResponse};
use baraza_core::sync::{SyncRequest, SyncResponse};
use baraza_core::Consultation;
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;

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
    /// Any other failure: a 4xx/5xx status or an answer the app cannot read.
    Server,
}

impl AppError {
    /// The error for a failed HTTP answer, from its status and the `code` of
    /// its JSON error body, if it had one.
    pub fn from_status(status: u16, code: Option<&str>) -> Self {
        match (status, code) {
            (404, _) => AppError::NotFound,
            (403, Some("results_not_public")) => AppError::ResultsNotPublic,
            _ => AppError::Server,
        }
    }
}

/// `GET /api/v1/consultations`
pub async fn consultations() -> Result<ConsultationList, AppError> {
    get(&format!("{BASE}/consultations")).await
}

/// `GET /api/v1/consultations/{id}`
pub async fn consultation(id: &str) -> Result<Consultation, AppError> {
    get(&format!("{BASE}/consultations/{}", encode(id))).await
}

/// `GET /api/v1/consultations/{id}/results`
pub async fn results(id: &str) -> Result<ResultsResponse, AppError> {
    get(&format!("{BASE}/consultations/{}/results", encode(id))).await
}

/// `GET /api/v1/consultations/{id}/comments`, newest first; `before` is the
/// `next` cursor of the previous page.
pub async fn comments(id: &str, before: Option<&str>) -> Result<CommentsPage, AppError> {
    let mut url = format!("{BASE}/consultations/{}/comments", encode(id));
    if let Some(before) = before {
        url.push_str("?before=");
        url.push_str(&encode(before));
    }
    get(&url).await
}

/// `POST /api/v1/sync`. Only the outbox calls this.
pub async fn sync(request: &SyncRequest) -> Result<SyncResponse, AppError> {
    let request = Request::post(&format!("{BASE}/sync")).json(request).map_err(|_| AppError::Server)?;
    read(request.send().await.map_err(|_| AppError::Network)?).await
}

async fn get<T: DeserializeOwned>(url: &str) -> Result<T, AppError> {
    read(Request::get(url).send().await.map_err(|_| AppError::Network)?).await
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, AppError> {
    if response.ok() {
        response.json().await.map_err(|_| AppError::Server)
    } else {
        let code = response.json::<ApiError>().await.ok().map(|body| body.error.code);
        Err(AppError::from_status(response.status(), code.as_deref()))
    }
}

fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_what_the_citizen_is_told() {
        assert_eq!(AppError::from_status(404, Some("not_found")), AppError::NotFound);
        assert_eq!(AppError::from_status(404, None), AppError::NotFound);
        assert_eq!(AppError::from_status(403, Some("results_not_public")), AppError::ResultsNotPublic);
        assert_eq!(AppError::from_status(403, Some("forbidden")), AppError::Server);
        assert_eq!(AppError::from_status(500, None), AppError::Server);
        assert_eq!(AppError::from_status(429, Some("too_many_requests")), AppError::Server);
    }
}

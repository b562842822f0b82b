//! The one error type of the HTTP API.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use baraza_core::api::{ApiError, ErrorBody};

/// Every error of the API answers `{"error": {"code": "…", "message": "…"}}`
/// (core's `api::ApiError`) with this status:
///
/// | code | status | when |
/// | --- | --- | --- |
/// | `malformed_request` | 400 | the body is not JSON or not the expected shape; the message says what is wrong |
/// | `invalid_parameter` | 400 | a query parameter (`limit`, `before`) is out of range or unreadable |
/// | `results_not_public` | 403 | the definition's `results` rule hides tallies now; the message says when they appear |
/// | `consultation_not_found` | 404 | no consultation has that id |
/// | `not_found` | 404 | no such API route |
/// | `method_not_allowed` | 405 | the route exists, the method does not |
/// | `payload_too_large` | 413 | the body is over 1 MiB |
/// | `too_many_actions` | 413 | a sync batch has more than core's `MAX_ACTIONS_PER_BATCH` actions |
/// | `unsupported_media_type` | 415 | the body is not sent as `application/json` |
/// | `internal` | 500 | a fault of the server; the cause is logged, not shown |
///
/// The rejection of one action of a sync batch is not an error of the
/// request: it comes back inside the 200 answer, with one of core's
/// `sync::RejectCode`s (`invalid_action`, `unknown_consultation`,
/// `unknown_item`, `unknown_comment`, `consultation_not_open`,
/// `consultation_closed`, `code_required`, `invalid_code`, `invalid_ballot`,
/// `unknown_option`, `comments_disabled`, `invalid_comment`).
///
/// Outside `/api`, a server whose `--dist` holds no built app answers 503
/// with a short HTML page.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    MalformedRequest(String),
    #[error("{0}")]
    InvalidParameter(String),
    #[error("{0}")]
    ResultsNotPublic(String),
    #[error("there is no consultation \"{0}\"")]
    ConsultationNotFound(String),
    #[error("there is no API route at this path")]
    NotFound,
    #[error("this route does not take this method")]
    MethodNotAllowed,
    #[error("the request body is larger than 1 MiB")]
    PayloadTooLarge,
    #[error("a sync batch holds at most {0} actions")]
    TooManyActions(usize),
    #[error("send the body as application/json")]
    UnsupportedMediaType,
    #[error("the server failed; try again later")]
    Internal(#[from] InternalError),
}

/// A fault of the server itself, logged with its cause.
#[derive(Debug, thiserror::Error)]
pub enum InternalError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        Error::Internal(InternalError::Database(error))
    }
}

impl Error {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Error::MalformedRequest(_) => (StatusCode::BAD_REQUEST, "malformed_request"),
            Error::InvalidParameter(_) => (StatusCode::BAD_REQUEST, "invalid_parameter"),
            Error::ResultsNotPublic(_) => (StatusCode::FORBIDDEN, "results_not_public"),
            Error::ConsultationNotFound(_) => (StatusCode::NOT_FOUND, "consultation_not_found"),
            Error::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            Error::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Error::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Error::TooManyActions(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_many_actions"),
            Error::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let (status, code) = self.status_and_code();
        let body = ApiError { error: ErrorBody { code: code.to_owned(), message: self.to_string() } };
        (status, Json(body)).into_response()
    }
}

impl From<JsonRejection> for Error {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => Error::UnsupportedMediaType,
            JsonRejection::BytesRejection(_) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Error::PayloadTooLarge
            }
            JsonRejection::JsonDataError(error) => Error::MalformedRequest(error.body_text()),
            JsonRejection::JsonSyntaxError(error) => Error::MalformedRequest(error.body_text()),
            other => Error::MalformedRequest(other.body_text()),
        }
    }
}

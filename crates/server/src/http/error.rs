//! The one error type of the HTTP API.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use baraza_core::admin::MAX_CODES_PER_REQUEST;
use baraza_core::analysis::ReasonError;
use baraza_core::api::{ApiError, ErrorBody};
use baraza_core::staff::Role;
use baraza_core::validate::Problem;

use crate::storage::StoreError;

/// Every error of the API answers `{"error": {"code": "…", "message": "…"}}`
/// (core's `api::ApiError`) with this status:
///
/// | code | status | when |
/// | --- | --- | --- |
/// | `malformed_request` | 400 | the body is not JSON or not the expected shape; the message says what is wrong |
/// | `invalid_parameter` | 400 | a query parameter (`limit`, `before`, `order`) or a part of the path is out of range or unreadable |
/// | `request_timeout` | 408 | the body did not arrive in full within `baraza serve --body-timeout` |
/// | `unauthorized` | 401 | an admin route was called without a staff token, or with a wrong or revoked one |
/// | `forbidden` | 403 | the staff token's role may not do this; the message names the role needed |
/// | `invalid_languages` | 400 | a poster's `languages` names a language the consultation is not written in, or more than three |
/// | `results_staff_only` | 403 | the definition's `results` rule is `staff_only`: its tallies are never public |
/// | `results_not_public` | 403 | the definition's `results` rule is `after_close` and the consultation is still open; the message says when the tallies appear |
/// | `consultation_not_found` | 404 | no consultation has that id |
/// | `comment_not_found` | 404 | no comment has that id |
/// | `receipt_not_found` | 404 | no action has that receipt |
/// | `draft_not_found` | 404 | no draft has that id |
/// | `not_found` | 404 | no such API route |
/// | `method_not_allowed` | 405 | the route exists, the method does not |
/// | `payload_too_large` | 413 | the body is larger than its route takes (see [`super::extract`]); the message says how large it may be |
/// | `too_many_actions` | 413 | a sync batch, or one paper ballot, has more than core's `MAX_ACTIONS_PER_BATCH` actions |
/// | `too_many_paper_ballots` | 413 | a batch of paper ballots has more than core's `paper::MAX_PAPER_BALLOTS_PER_BATCH` |
/// | `unsupported_media_type` | 415 | the body is not sent as `application/json` |
/// | `busy` | 503 | the server has as many sync actions waiting to be written as it takes; `Retry-After` says in how many seconds to send them again |
/// | `too_many_requests` | 429 | this client address sent more writes (POST, PUT) than `baraza serve --writes-per-minute` allows; `Retry-After` says in how many seconds to try again |
/// | `definition_locked` | 409 | the update changes what may not change once a consultation has opened; `problems` lists each change at its path (code `changed_after_opening`) |
/// | `consultation_not_open` | 409 | closing a consultation that has not opened yet or is already closed |
/// | `draft_changed` | 409 | a draft's edit was made from a `revision` another publisher has since saved over; the message names the draft's revision now |
/// | `codes_not_used` | 409 | codes were asked for a consultation whose eligibility is not `codes` |
/// | `invalid_definition` | 422 | the definition (a draft being published, or an outcome) breaks core's rules; `problems` lists every error and warning with its JSON path |
/// | `invalid_count` | 422 | the number of participation codes asked for is not from 1 to core's `admin::MAX_CODES_PER_REQUEST` |
/// | `reason_required` | 422 | a comment is hidden without a reason (missing or blank) |
/// | `reason_too_long` | 422 | the reason for hiding a comment is over core's `analysis::HIDE_REASON_MAX_CHARS` |
/// | `internal` | 500 | a fault of the server; the cause is logged, not shown |
///
/// Each of `problems` is core's `validate::Problem`: besides `severity`,
/// `path` and the English `message`, the `code` of the rule broken (one of
/// core's `validate::Rule`s, such as `min_over_max`, or `format` for a file
/// that does not follow the definition format) and the `values` its message
/// names (`{"min": "3", "max": "2"}`), from which the staff screens say it
/// in the staff member's language.
///
/// The rejection of one action of a sync batch is not an error of the
/// request: it comes back inside the 200 answer, with one of core's
/// `sync::RejectCode`s (`invalid_action`, `unknown_consultation`,
/// `unknown_item`, `unknown_comment`, `consultation_not_open`,
/// `consultation_closed`, `code_required`, `invalid_code`, `code_used`, `invalid_ballot`,
/// `unknown_option`, `comments_disabled`, `invalid_comment`, `action_id_taken`,
/// `unknown_profile_question`, `unknown_profile_answer`).
///
/// Outside `/api`, a server whose `--dist` holds no built app answers 503
/// with a short HTML page.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    MalformedRequest(String),
    #[error("{0}")]
    InvalidParameter(String),
    #[error("this needs a valid staff token: send it as Authorization: Bearer <token>")]
    Unauthorized,
    #[error("this needs a {0} token")]
    Forbidden(Role),
    #[error("{0}")]
    InvalidLanguages(String),
    #[error("the results of this consultation are for staff only")]
    ResultsStaffOnly,
    #[error("the results are published when the consultation closes, at {0}")]
    ResultsNotPublic(String),
    #[error("there is no consultation \"{0}\"")]
    ConsultationNotFound(String),
    #[error("there is no comment \"{0}\"")]
    CommentNotFound(String),
    #[error("no action has this receipt")]
    ReceiptNotFound,
    #[error("there is no draft \"{0}\"")]
    DraftNotFound(String),
    #[error("another publisher saved this draft since your edit began (it is at revision {0} now); nothing was saved")]
    DraftChanged(u32),
    #[error("{0}")]
    InvalidReason(ReasonError),
    #[error("the definition has {} error(s); nothing was saved", .0.iter().filter(|p| p.is_error()).count())]
    InvalidDefinition(Vec<Problem>),
    #[error("this consultation has opened, so only its texts and closing date may change; nothing was saved")]
    DefinitionLocked(Vec<Problem>),
    #[error("{0}")]
    ConsultationNotOpen(&'static str),
    #[error("this consultation does not use participation codes (its eligibility is not \"codes\")")]
    CodesNotUsed,
    #[error("ask for 1 to {0} codes at a time")]
    InvalidCount(u32),
    #[error("there is no API route at this path")]
    NotFound,
    #[error("this route does not take this method")]
    MethodNotAllowed,
    #[error("the request body is larger than {}, the most this route takes", super::extract::in_units(*.0))]
    PayloadTooLarge(usize),
    #[error("the request body did not arrive within {0} s")]
    RequestTimeout(u64),
    #[error("a sync batch (or a paper ballot) holds at most {0} actions")]
    TooManyActions(usize),
    #[error("a batch holds at most {0} paper ballots")]
    TooManyPaperBallots(usize),
    #[error("send the body as application/json")]
    UnsupportedMediaType,
    #[error("too many requests from this address; try again in {0} s")]
    TooManyRequests(u64),
    #[error("the server is busy; send again in {0} s")]
    Busy(u64),
    #[error("the server failed; try again later")]
    Internal(#[from] InternalError),
}

/// A fault of the server itself, logged with its cause.
#[derive(Debug, thiserror::Error)]
pub enum InternalError {
    #[error("{0}")]
    Storage(StoreError),
    /// A handler panicked: caught, so that the client gets this answer
    /// rather than a closed connection.
    #[error("a handler panicked: {0}")]
    Panic(String),
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::ConsultationNotFound(id) => Error::ConsultationNotFound(id),
            StoreError::CommentNotFound(id) => Error::CommentNotFound(id),
            StoreError::ReceiptNotFound => Error::ReceiptNotFound,
            StoreError::DefinitionLocked(locked) => {
                Error::DefinitionLocked(locked.into_iter().flat_map(|(_, problems)| problems).collect())
            }
            StoreError::InvalidOutcome(problems) | StoreError::InvalidDefinition(problems) => {
                Error::InvalidDefinition(problems)
            }
            StoreError::DraftNotFound(id) => Error::DraftNotFound(id.to_string()),
            StoreError::DraftChanged(revision) => Error::DraftChanged(revision),
            StoreError::NotOpenYet => Error::ConsultationNotOpen(
                "this consultation has not opened yet: change its dates or archive it instead",
            ),
            StoreError::AlreadyClosed => Error::ConsultationNotOpen("this consultation is already closed"),
            StoreError::CodesNotUsed => Error::CodesNotUsed,
            StoreError::InvalidCodeCount => Error::InvalidCount(MAX_CODES_PER_REQUEST),
            StoreError::Busy(seconds) => Error::Busy(seconds),
            fault @ (StoreError::Database(_)
            | StoreError::Unreadable(_)
            | StoreError::CountFailed(..)
            | StoreError::WriterStopped
            | StoreError::Panicked(_)) => Error::Internal(InternalError::Storage(fault)),
        }
    }
}

impl Error {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Error::MalformedRequest(_) => (StatusCode::BAD_REQUEST, "malformed_request"),
            Error::InvalidParameter(_) => (StatusCode::BAD_REQUEST, "invalid_parameter"),
            Error::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Error::InvalidLanguages(_) => (StatusCode::BAD_REQUEST, "invalid_languages"),
            Error::ResultsStaffOnly => (StatusCode::FORBIDDEN, "results_staff_only"),
            Error::ResultsNotPublic(_) => (StatusCode::FORBIDDEN, "results_not_public"),
            Error::ConsultationNotFound(_) => (StatusCode::NOT_FOUND, "consultation_not_found"),
            Error::CommentNotFound(_) => (StatusCode::NOT_FOUND, "comment_not_found"),
            Error::ReceiptNotFound => (StatusCode::NOT_FOUND, "receipt_not_found"),
            Error::DraftNotFound(_) => (StatusCode::NOT_FOUND, "draft_not_found"),
            Error::DraftChanged(_) => (StatusCode::CONFLICT, "draft_changed"),
            Error::InvalidReason(ReasonError::Missing) => (StatusCode::UNPROCESSABLE_ENTITY, "reason_required"),
            Error::InvalidReason(ReasonError::TooLong) => (StatusCode::UNPROCESSABLE_ENTITY, "reason_too_long"),
            Error::InvalidDefinition(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_definition"),
            Error::DefinitionLocked(_) => (StatusCode::CONFLICT, "definition_locked"),
            Error::ConsultationNotOpen(_) => (StatusCode::CONFLICT, "consultation_not_open"),
            Error::CodesNotUsed => (StatusCode::CONFLICT, "codes_not_used"),
            Error::InvalidCount(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_count"),
            Error::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            Error::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Error::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Error::RequestTimeout(_) => (StatusCode::REQUEST_TIMEOUT, "request_timeout"),
            Error::TooManyActions(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_many_actions"),
            Error::TooManyPaperBallots(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_many_paper_ballots"),
            Error::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            Error::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            Error::Busy(_) => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
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
        let message = self.to_string();
        let retry_after = match self {
            Error::TooManyRequests(seconds) | Error::Busy(seconds) => Some(seconds),
            _ => None,
        };
        let problems = match self {
            Error::InvalidDefinition(problems) | Error::DefinitionLocked(problems) => problems,
            _ => Vec::new(),
        };
        let body = ApiError { error: ErrorBody { code: code.to_owned(), message, problems } };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            // RFC 6750 §3: tell the client which scheme to use.
            response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

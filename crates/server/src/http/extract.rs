//! What handlers read from a request — its JSON or text body, path and
//! query — each refused in the API's JSON error shape ([`Error`]) with a
//! precise code, never with axum's plain-text rejections.
//!
//! Bodies are limited per route family, and each family's limit is the one
//! its 413 names:
//!
//! | routes | body limit |
//! | --- | --- |
//! | `POST /api/v1/sync` | [`SYNC_BODY_LIMIT`] (and core's `MAX_ACTIONS_PER_BATCH` actions) |
//! | `POST /api/v1/admin/consultations` (a definition file), `POST`/`PUT /api/v1/admin/drafts…` (a draft) | [`DEFINITION_BODY_LIMIT`] |
//! | every other staff route that reads a body (outcome, codes, archiving, hiding a comment, paper ballots) | [`STAFF_BODY_LIMIT`] |
//!
//! Every other route reads no body. A body must also arrive in full within
//! the server's body timeout (`baraza serve --body-timeout`), or the
//! request is answered 408 `request_timeout`: a client that sends a byte
//! now and then cannot hold a connection for long.

use std::future::Future;
use std::time::Duration;

use axum::extract::rejection::{JsonRejection, StringRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::{Extension, Router};
use serde::de::DeserializeOwned;

use super::error::Error;
use super::AppState;

/// The body of a sync request: a batch of up to 500 actions needs far less.
pub const SYNC_BODY_LIMIT: usize = 1024 * 1024;
/// A consultation's definition file, which may hold long texts in many
/// languages.
pub const DEFINITION_BODY_LIMIT: usize = 4 * 1024 * 1024;
/// Other staff requests: an outcome in every language of a consultation,
/// a count of codes, a reason for hiding a comment.
pub const STAFF_BODY_LIMIT: usize = 1024 * 1024;

/// How long a body may take to arrive in full by default: a sync batch of
/// a few kilobytes crosses the slowest 2G link in seconds, a megabyte in
/// well under a minute.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(60);

/// The body limit of the route family a request was routed to, as
/// [`limited`] put it in its extensions.
#[derive(Debug, Clone, Copy)]
struct BodyLimit(usize);

/// `routes` with bodies of at most `bytes`.
pub fn limited(routes: Router<AppState>, bytes: usize) -> Router<AppState> {
    routes.layer(DefaultBodyLimit::max(bytes)).layer(Extension(BodyLimit(bytes)))
}

/// `bytes` as people read a limit: in MiB or KiB when it is a whole number of them.
pub fn in_units(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads the body with `read`, within the server's body timeout.
async fn within_timeout<T, R>(
    state: &AppState,
    read: impl Future<Output = Result<T, R>>,
    refused: impl FnOnce(R) -> Error,
) -> Result<T, Error> {
    match tokio::time::timeout(state.body_timeout, read).await {
        Ok(read) => read.map_err(refused),
        Err(_) => Err(Error::RequestTimeout(state.body_timeout.as_secs())),
    }
}

/// A body that did not arrive: too large for its route, or broken off.
fn unreadable_body(status: StatusCode, text: String, limit: Option<BodyLimit>) -> Error {
    match limit {
        Some(BodyLimit(bytes)) if status == StatusCode::PAYLOAD_TOO_LARGE => Error::PayloadTooLarge(bytes),
        _ => Error::MalformedRequest(text),
    }
}

/// A JSON body (`application/json`, or any `application/*+json`) read as `T`.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Error> {
        let limit = request.extensions().get::<BodyLimit>().copied();
        let read = axum::Json::<T>::from_request(request, state);
        let axum::Json(value) = within_timeout(state, read, |rejection| match rejection {
            JsonRejection::MissingJsonContentType(_) => Error::UnsupportedMediaType,
            JsonRejection::BytesRejection(error) => unreadable_body(error.status(), error.body_text(), limit),
            other => Error::MalformedRequest(other.body_text()),
        })
        .await?;
        Ok(JsonBody(value))
    }
}

/// A JSON body that may be left out (`Option<JsonBody<T>>`): `None` for a
/// request with no body at all. A body sent without a JSON content type is
/// refused, as [`JsonBody`] refuses it, rather than ignored.
impl<T: DeserializeOwned> axum::extract::OptionalFromRequest<AppState> for JsonBody<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &AppState) -> Result<Option<Self>, Error> {
        if request.headers().contains_key(header::CONTENT_TYPE) {
            return <JsonBody<T> as FromRequest<AppState>>::from_request(request, state).await.map(Some);
        }
        let TextBody(body) = TextBody::from_request(request, state).await?;
        if body.is_empty() {
            Ok(None)
        } else {
            Err(Error::UnsupportedMediaType)
        }
    }
}

/// A body read as UTF-8 text, whatever its content type: a definition file
/// as the publisher wrote it, which core reads so that every problem comes
/// back with its JSON path.
pub struct TextBody(pub String);

impl FromRequest<AppState> for TextBody {
    type Rejection = Error;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Error> {
        let limit = request.extensions().get::<BodyLimit>().copied();
        let read = String::from_request(request, state);
        let text = within_timeout(state, read, |rejection| match rejection {
            StringRejection::FailedToBufferBody(error) => unreadable_body(error.status(), error.body_text(), limit),
            other => Error::MalformedRequest(other.body_text()),
        })
        .await?;
        Ok(TextBody(text))
    }
}

/// The parameters of the request's path, read as `T`.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => Err(Error::InvalidParameter(rejection.body_text())),
        }
    }
}

/// The request's query string, read as `T`.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => Err(Error::InvalidParameter(rejection.body_text())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::in_units;

    #[test]
    fn limits_read_in_the_largest_whole_unit() {
        assert_eq!(in_units(1024 * 1024), "1 MiB");
        assert_eq!(in_units(4 * 1024 * 1024), "4 MiB");
        assert_eq!(in_units(64 * 1024), "64 KiB");
        assert_eq!(in_units(1500), "1500 bytes");
    }
}

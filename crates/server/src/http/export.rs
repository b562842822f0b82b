//! Open-data exports for analysts, and the JSON Schema of the JSON export.
//!
//! - `export.csv`: every standing ballot, one row per ballot, with the
//!   columns of core's `analysis::BALLOT_CSV_COLUMNS` (documented there).
//! - `tallies.csv`: the results, with the columns of core's
//!   `analysis::TALLY_CSV_COLUMNS`.
//! - `breakdowns.csv`: the breakdowns by profile group, with the columns of
//!   core's `breakdown::BREAKDOWN_CSV_COLUMNS`, small groups in words.
//! - `export.json`: `{"format": "baraza-export/1", "exported_at", "consultation"
//!   (the definition), "results" (as the results route), "ballots" (core's
//!   `analysis::ExportedBallot`)}`, described by `/api/v1/schema/export.json`.
//!
//! The CSV files are UTF-8 with a byte-order mark (so spreadsheets read them
//! as UTF-8), quoted as RFC 4180 says (fields holding a comma, quote or line
//! break are quoted, quotes doubled, lines end with CRLF). A field that a
//! spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab
//! or carriage return, and not a plain number such as `-2`) is written with a
//! leading `'`, so a citizen's text answer can never run in a staff member's
//! spreadsheet.
//!
//! Which ballots are listed, in which order and with what, is in
//! [`crate::storage::exports`].
//!
//! Ballot exports stream: a million ballots are never held in memory. The
//! results and the ballots come from one read transaction, so they agree.

use std::borrow::Cow;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use baraza_core::analysis::{tally_csv_rows, BALLOT_CSV_COLUMNS, EXPORT_SCHEMA, TALLY_CSV_COLUMNS};
use baraza_core::api::ResultsResponse;
use baraza_core::breakdown::{breakdown_csv_rows, BREAKDOWN_CSV_COLUMNS};
use futures_util::{FutureExt, StreamExt};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::sync::mpsc;

use super::auth::Analyst;
use super::error::Error;
use super::extract::Path;
use super::AppState;
use crate::storage::consultations::Definition;
use crate::storage::exports::Snapshot;
use crate::storage::{breakdowns, results, StoreError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/admin/consultations/{id}/export.csv", get(ballots_csv))
        .route("/v1/admin/consultations/{id}/tallies.csv", get(tallies_csv))
        .route("/v1/admin/consultations/{id}/breakdowns.csv", get(breakdowns_csv))
        .route("/v1/admin/consultations/{id}/export.json", get(export_json))
        .route("/v1/schema/export.json", get(schema))
}

async fn schema() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/schema+json")], EXPORT_SCHEMA)
}

pub(super) const BOM: &str = "\u{feff}";

/// A download: stored by the browser as `filename`, and never by a cache
/// between (staff exports hold what only staff may read; public tallies
/// change with every ballot while a `live` consultation is open).
pub(super) fn download(content_type: &'static str, filename: String, body: Body) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .expect("consultation ids are slugs, valid in a header");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

async fn tallies_csv(_: Analyst, State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, Error> {
    let definition = state.store.definition(&id).await?;
    let results = results::tally(&state.store, &definition).await?;
    Ok(tallies_csv_download(&results))
}

/// The tallies CSV of `results`, as staff and (where the results are
/// public) anyone download it.
pub(super) fn tallies_csv_download(results: &ResultsResponse) -> Response {
    let mut csv = String::from(BOM);
    csv_line(&mut csv, TALLY_CSV_COLUMNS.iter().copied());
    for row in tally_csv_rows(results) {
        csv_line(&mut csv, row.iter().map(String::as_str));
    }
    download("text/csv; charset=utf-8", format!("{}-tallies.csv", results.consultation), Body::from(csv))
}

/// The breakdowns by profile group, as the breakdowns route shows them.
async fn breakdowns_csv(_: Analyst, State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, Error> {
    let definition = state.store.definition(&id).await?;
    let breakdowns = breakdowns::read(&state.store, &definition).await?;
    let mut csv = String::from(BOM);
    csv_line(&mut csv, BREAKDOWN_CSV_COLUMNS.iter().copied());
    for row in breakdown_csv_rows(&breakdowns) {
        csv_line(&mut csv, row.iter().map(String::as_str));
    }
    Ok(download("text/csv; charset=utf-8", format!("{id}-breakdowns.csv"), Body::from(csv)))
}

async fn ballots_csv(_: Analyst, State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, Error> {
    let definition = state.store.definition(&id).await?;
    let body = stream_ballots(state, definition, Format::Csv);
    Ok(download("text/csv; charset=utf-8", format!("{id}-ballots.csv"), body))
}

async fn export_json(_: Analyst, State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, Error> {
    let definition = state.store.definition(&id).await?;
    let body = stream_ballots(state, definition, Format::Json);
    Ok(download("application/json", format!("{id}-export.json"), body))
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Json,
}

/// Chunks of about this many bytes are sent as they fill.
const CHUNK_BYTES: usize = 64 * 1024;

/// The body of a ballot export, written by a task as it reads the ballots.
/// Should reading fail midway, the body ends with an error, so the client
/// sees a broken download rather than a file that looks complete.
fn stream_ballots(state: AppState, definition: Arc<Definition>, format: Format) -> Body {
    let (sender, receiver) = mpsc::channel::<Result<String, std::io::Error>>(4);
    tokio::spawn(async move {
        let mut out = Chunks { sender: &sender, buffer: String::with_capacity(CHUNK_BYTES) };
        let written = AssertUnwindSafe(write_ballots(&state, &definition, format, &mut out)).catch_unwind().await;
        let cause = match written {
            Ok(Ok(())) => return,
            Ok(Err(cause)) => cause.to_string(),
            Err(panic) => format!("it panicked: {}", crate::panic_message(panic.as_ref())),
        };
        tracing::error!(%cause, consultation = %definition.consultation.id, "export failed");
        let _ = sender.send(Err(std::io::Error::other("the export failed"))).await;
    });
    // `poll_fn` over the receiver keeps answering `None` once the export
    // ended, however often the compression layer polls after the end.
    let mut receiver = receiver;
    Body::from_stream(futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx)))
}

struct Chunks<'a> {
    sender: &'a mpsc::Sender<Result<String, std::io::Error>>,
    buffer: String,
}

#[derive(Debug, thiserror::Error)]
enum ExportError {
    #[error("{0}")]
    Storage(#[from] StoreError),
    #[error("the client went away")]
    Gone,
}

impl Chunks<'_> {
    async fn flush_if_full(&mut self) -> Result<(), ExportError> {
        if self.buffer.len() >= CHUNK_BYTES {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), ExportError> {
        let chunk = std::mem::replace(&mut self.buffer, String::with_capacity(CHUNK_BYTES));
        self.sender.send(Ok(chunk)).await.map_err(|_| ExportError::Gone)
    }
}

async fn write_ballots(
    state: &AppState,
    definition: &Definition,
    format: Format,
    out: &mut Chunks<'_>,
) -> Result<(), ExportError> {
    let consultation = &definition.consultation;
    let mut snapshot = Snapshot::begin(&state.store).await?;
    match format {
        Format::Csv => {
            out.buffer.push_str(BOM);
            csv_line(&mut out.buffer, BALLOT_CSV_COLUMNS.iter().copied());
        }
        Format::Json => {
            let results = snapshot.results(definition).await?;
            let paper = snapshot.paper(definition).await?;
            let exported_at = OffsetDateTime::now_utc().format(&Rfc3339).expect("now formats as RFC 3339");
            out.buffer.push_str(&format!(
                "{{\"format\":\"baraza-export/1\",\"exported_at\":\"{exported_at}\",\"consultation\":{},\"results\":{},\"paper\":{},\"ballots\":[",
                serde_json::to_string(consultation).expect("a definition always serializes"),
                serde_json::to_string(&results).expect("results always serialize"),
                serde_json::to_string(&paper).expect("a paper share always serializes"),
            ));
        }
    }
    let mut first = true;
    for item in &consultation.items {
        let mut ballots = snapshot.ballots(definition, item);
        while let Some(exported) = ballots.next().await {
            let exported = exported?;
            match format {
                Format::Csv => {
                    let fields = exported.csv_fields(&consultation.id);
                    csv_line(&mut out.buffer, fields.iter().map(String::as_str));
                }
                Format::Json => {
                    if !first {
                        out.buffer.push(',');
                    }
                    out.buffer.push_str(&serde_json::to_string(&exported).expect("a ballot always serializes"));
                }
            }
            first = false;
            out.flush_if_full().await?;
        }
    }
    if let Format::Json = format {
        out.buffer.push_str("]}");
    }
    drop(snapshot);
    out.flush().await
}

/// Appends one CSV record (RFC 4180, CRLF-terminated).
pub(super) fn csv_line<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, field);
    }
    out.push_str("\r\n");
}

fn csv_field(out: &mut String, field: &str) {
    let formula = field.starts_with(['=', '+', '-', '@', '\t', '\r']) && field.parse::<f64>().is_err();
    let field: Cow<str> = if formula { format!("'{field}").into() } else { field.into() };
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(fields: &[&str]) -> String {
        let mut out = String::new();
        csv_line(&mut out, fields.iter().copied());
        out
    }

    #[test]
    fn fields_are_quoted_as_rfc_4180_says() {
        assert_eq!(line(&["a", "b c", ""]), "a,b c,\r\n");
        assert_eq!(line(&["x,y", "say \"hi\"", "two\nlines"]), "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
    }

    #[test]
    fn formulas_are_defused_and_numbers_kept() {
        assert_eq!(
            line(&["=SUM(A1:A9)", "+1+1", "@cmd", "-2", "-1.5", "-x"]),
            "'=SUM(A1:A9),'+1+1,'@cmd,-2,-1.5,'-x\r\n"
        );
        assert_eq!(line(&["\tx", "=HYPERLINK(\"a\",\"b\")"]), "'\tx,\"'=HYPERLINK(\"\"a\"\",\"\"b\"\")\"\r\n");
    }
}

//! Copies of what the server sent, kept on the phone so that the citizen can
//! read them with no connection: the record written, and what a
//! page does once the server has answered, or could not.
//!
//! A record is the server's JSON answer as it came, after a first line with
//! the time it came and its `ETag`: nothing is encoded again. The copy's
//! `ETag` goes with the next request (`If-None-Match`), so an unchanged
//! answer is not downloaded again (`304 Not Modified`); a fresh answer equal
//! to the copy is still told apart by comparing texts.

use crate::api::{AppError, Fetched};

/// A kept copy read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kept<'a> {
    /// When the server sent it: milliseconds since 1970, by the device's clock.
    pub saved_at_ms: u64,
    /// The server's `ETag` for it, if it sent one.
    pub etag: Option<&'a str>,
    /// The server's answer, JSON.
    pub body: &'a str,
}

/// The record to keep for `body`, an answer of the server received at
/// `saved_at_ms` with this `etag`.
pub fn record(saved_at_ms: u64, etag: Option<&str>, body: &str) -> String {
    match etag {
        Some(etag) => format!("{saved_at_ms} {etag}\n{body}"),
        None => format!("{saved_at_ms}\n{body}"),
    }
}

/// A record read back; `None` if it is not one. Records kept before ETags
/// were kept have none.
pub fn read(record: &str) -> Option<Kept<'_>> {
    let (first_line, body) = record.split_once('\n')?;
    let (saved_at, etag) = match first_line.split_once(' ') {
        Some((saved_at, etag)) => (saved_at, Some(etag)),
        None => (first_line, None),
    };
    Some(Kept { saved_at_ms: saved_at.parse().ok()?, etag, body })
}

/// What a page does once the server has answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Show this answer, and keep it with its `ETag`.
    Fresh { body: String, etag: Option<String> },
    /// The answer is the kept copy already shown: only keep its new date.
    Unchanged { body: String, etag: Option<String> },
    /// Keep showing the kept copy, with its date: the server could not answer.
    KeepShowing,
    /// Show the error: there is no copy, or the server no longer has it.
    Fail(AppError),
}

/// What to do with the server's `answer`, given the copy on the phone (the
/// one shown while the server was asked, whose `ETag` went with the request).
pub fn after_answer(kept: Option<Kept<'_>>, answer: Result<Fetched, AppError>) -> Next {
    match (answer, kept) {
        (Ok(Fetched::NotModified), Some(kept)) => {
            Next::Unchanged { body: kept.body.to_owned(), etag: kept.etag.map(str::to_owned) }
        }
        // Only asked with a copy's ETag: without a copy there is nothing to show.
        (Ok(Fetched::NotModified), None) => Next::Fail(AppError::Server),
        (Ok(Fetched::Fresh { body, etag }), Some(kept)) if body == kept.body => Next::Unchanged { body, etag },
        (Ok(Fetched::Fresh { body, etag }), _) => Next::Fresh { body, etag },
        // A consultation the server no longer has is gone, even if a copy remains.
        (Err(AppError::NotFound), _) => Next::Fail(AppError::NotFound),
        (Err(_), Some(_)) => Next::KeepShowing,
        (Err(error), None) => Next::Fail(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "{\"consultations\":[]}";
    const TAG: &str = "\"0a1b2c\"";

    fn kept(body: &str) -> Option<Kept<'_>> {
        Some(Kept { saved_at_ms: 1, etag: Some(TAG), body })
    }

    fn fresh(body: &str) -> Result<Fetched, AppError> {
        Ok(Fetched::Fresh { body: body.into(), etag: Some("\"new\"".into()) })
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let written = record(1_795_442_706_789, Some(TAG), LIST);
        assert_eq!(read(&written), Some(Kept { saved_at_ms: 1_795_442_706_789, etag: Some(TAG), body: LIST }));
        let multiline = "{\n  \"consultations\": []\n}";
        assert_eq!(read(&record(5, None, multiline)), Some(Kept { saved_at_ms: 5, etag: None, body: multiline }));
    }

    #[test]
    fn a_record_kept_before_etags_reads_without_one() {
        assert_eq!(read("5\n{}"), Some(Kept { saved_at_ms: 5, etag: None, body: "{}" }));
    }

    #[test]
    fn a_record_of_another_shape_is_not_read() {
        assert_eq!(read(LIST), None);
        assert_eq!(read("yesterday\n{}"), None);
    }

    #[test]
    fn a_new_answer_is_shown_and_kept_with_its_etag() {
        let shown = Next::Fresh { body: "new".into(), etag: Some("\"new\"".into()) };
        assert_eq!(after_answer(kept("old"), fresh("new")), shown);
        assert_eq!(after_answer(None, fresh("new")), shown);
    }

    #[test]
    fn the_same_answer_only_renews_the_copy() {
        let same = Next::Unchanged { body: "same".into(), etag: Some("\"new\"".into()) };
        assert_eq!(after_answer(kept("same"), fresh("same")), same);
    }

    #[test]
    fn not_modified_keeps_the_copy_and_its_etag() {
        let unchanged = Next::Unchanged { body: "old".into(), etag: Some(TAG.into()) };
        assert_eq!(after_answer(kept("old"), Ok(Fetched::NotModified)), unchanged);
        assert_eq!(after_answer(None, Ok(Fetched::NotModified)), Next::Fail(AppError::Server));
    }

    #[test]
    fn without_an_answer_the_kept_copy_stays() {
        for error in [AppError::Network, AppError::Server] {
            assert_eq!(after_answer(kept("old"), Err(error)), Next::KeepShowing);
            assert_eq!(after_answer(None, Err(error)), Next::Fail(error));
        }
    }

    #[test]
    fn a_consultation_the_server_no_longer_has_is_not_shown_from_the_copy() {
        assert_eq!(after_answer(kept("old"), Err(AppError::NotFound)), Next::Fail(AppError::NotFound));
    }
}

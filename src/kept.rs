//! Copies of what the server sent, kept on the phone so that the citizen can
//! read them with no connection (DESIGN §6): the record written, and what a
//! page does once the server has answered, or could not.
//!
//! A record is the server's JSON answer as it came, after a first line with
//! the time it came: nothing is encoded again, and a fresh answer equal to
//! the copy is told apart by comparing texts.

use crate::api::AppError;

/// A kept copy read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kept<'a> {
    /// When the server sent it: milliseconds since 1970, by the device's clock.
    pub saved_at_ms: u64,
    /// The server's answer, JSON.
    pub body: &'a str,
}

/// The record to keep for `body`, an answer of the server received at
/// `saved_at_ms`.
pub fn record(saved_at_ms: u64, body: &str) -> String {
    format!("{saved_at_ms}\n{body}")
}

/// A record read back; `None` if it is not one.
pub fn read(record: &str) -> Option<Kept<'_>> {
    let (saved_at, body) = record.split_once('\n')?;
    Some(Kept { saved_at_ms: saved_at.parse().ok()?, body })
}

/// What a page does once the server has answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Show this answer, and keep it.
    Fresh(String),
    /// The answer is the kept copy already shown: only keep its new date.
    Unchanged(String),
    /// Keep showing the kept copy, with its date: the server could not answer.
    KeepShowing,
    /// Show the error: there is no copy, or the server no longer has it.
    Fail(AppError),
}

/// What to do with the server's `answer`, given the copy on the phone (the
/// one shown while the server was asked).
pub fn after_answer(kept: Option<&str>, answer: Result<String, AppError>) -> Next {
    match (answer, kept) {
        (Ok(body), Some(kept)) if body == kept => Next::Unchanged(body),
        (Ok(body), _) => Next::Fresh(body),
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

    #[test]
    fn a_record_reads_back_as_written() {
        let written = record(1_795_442_706_789, LIST);
        assert_eq!(read(&written), Some(Kept { saved_at_ms: 1_795_442_706_789, body: LIST }));
        let multiline = "{\n  \"consultations\": []\n}";
        assert_eq!(read(&record(5, multiline)).map(|kept| kept.body), Some(multiline));
    }

    #[test]
    fn a_record_of_another_shape_is_not_read() {
        assert_eq!(read(LIST), None);
        assert_eq!(read("yesterday\n{}"), None);
    }

    #[test]
    fn a_new_answer_is_shown_and_kept() {
        assert_eq!(after_answer(Some("old"), Ok("new".into())), Next::Fresh("new".into()));
        assert_eq!(after_answer(None, Ok("new".into())), Next::Fresh("new".into()));
    }

    #[test]
    fn the_same_answer_only_renews_the_copy() {
        assert_eq!(after_answer(Some("same"), Ok("same".into())), Next::Unchanged("same".into()));
    }

    #[test]
    fn without_an_answer_the_kept_copy_stays() {
        for error in [AppError::Network, AppError::Server] {
            assert_eq!(after_answer(Some("old"), Err(error)), Next::KeepShowing);
            assert_eq!(after_answer(None, Err(error)), Next::Fail(error));
        }
    }

    #[test]
    fn a_consultation_the_server_no_longer_has_is_not_shown_from_the_copy() {
        assert_eq!(after_answer(Some("old"), Err(AppError::NotFound)), Next::Fail(AppError::NotFound));
    }
}

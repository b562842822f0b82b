//! Copies of what the server sent, kept on the phone so that the citizen can
//! read them with no connection (DESIGN §6): the record written, and what a
//! page shows once the server has answered, or could not.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::api::AppError;

/// A kept copy: the server's answer as it came, and when it came.
#[derive(Debug, Deserialize)]
pub struct Kept<T> {
    /// Milliseconds since 1970, by the device's clock.
    saved_at: i64,
    value: T,
}

impl<T> Kept<T> {
    pub fn value(&self) -> &T {
        &self.value
    }

    pub fn saved_at(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.saved_at) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

/// The record to keep for `body`, a JSON answer of the server received at
/// `saved_at`. The answer is kept as it came: nothing is encoded again.
pub fn record(saved_at: OffsetDateTime, body: &str) -> String {
    let millis = saved_at.unix_timestamp_nanos() / 1_000_000;
    format!("{{\"saved_at\":{millis},\"value\":{body}}}")
}

/// A kept record read back; `None` if it is not one (an older app's format).
pub fn read<T: DeserializeOwned>(record: &str) -> Option<Kept<T>> {
    serde_json::from_str(record).ok()
}

/// What a page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown<T> {
    pub value: T,
    /// When the copy shown was received, if it is the copy kept on the phone
    /// rather than the server's answer of this visit.
    pub kept_since: Option<OffsetDateTime>,
}

impl<T> Shown<T> {
    pub fn kept(kept: Kept<T>) -> Self {
        Shown { kept_since: Some(kept.saved_at()), value: kept.value }
    }
}

/// What to show once the server has answered (`answer`), given the copy on
/// the phone: the answer when there is one; else the kept copy, whatever
/// kept the server from answering; but a consultation the server no longer
/// has is gone, even if a copy remains.
pub fn after_answer<T>(kept: Option<Kept<T>>, answer: Result<T, AppError>) -> Result<Shown<T>, AppError> {
    match (answer, kept) {
        (Ok(value), _) => Ok(Shown { value, kept_since: None }),
        (Err(AppError::NotFound), _) => Err(AppError::NotFound),
        (Err(_), Some(kept)) => Ok(Shown::kept(kept)),
        (Err(error), None) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baraza_core::api::ConsultationList;
    use time::macros::datetime;

    const LIST: &str = r#"{"consultations":[]}"#;

    #[test]
    fn a_record_reads_back_with_its_time_to_the_millisecond() {
        let at = datetime!(2026-11-23 14:05:06.789 UTC);
        let kept: Kept<ConsultationList> = read(&record(at, LIST)).expect("a kept record");
        assert_eq!(kept.saved_at(), at);
        assert!(kept.value.consultations.is_empty());
    }

    #[test]
    fn a_record_of_another_shape_is_not_read() {
        assert!(read::<ConsultationList>(LIST).is_none());
        assert!(read::<ConsultationList>("not json").is_none());
    }

    fn kept(value: u32) -> Option<Kept<u32>> {
        Some(Kept { saved_at: 1_000, value })
    }

    #[test]
    fn the_answer_wins_over_the_kept_copy() {
        assert_eq!(after_answer(kept(1), Ok(2)), Ok(Shown { value: 2, kept_since: None }));
        assert_eq!(after_answer(None, Ok(2)), Ok(Shown { value: 2, kept_since: None }));
    }

    #[test]
    fn without_an_answer_the_kept_copy_is_shown_with_its_date() {
        let since = Some(datetime!(1970-01-01 0:00:01 UTC));
        for error in [AppError::Network, AppError::Server] {
            assert_eq!(after_answer(kept(1), Err(error)), Ok(Shown { value: 1, kept_since: since }));
            assert_eq!(after_answer::<u32>(None, Err(error)), Err(error));
        }
    }

    #[test]
    fn a_consultation_the_server_no_longer_has_is_not_shown_from_the_copy() {
        assert_eq!(after_answer(kept(1), Err(AppError::NotFound)), Err(AppError::NotFound));
    }
}

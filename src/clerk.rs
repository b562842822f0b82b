//! The paper ballots a clerk entered on this device, kept in `localStorage`
//! until the server has counted or refused each one, so that a reload, a
//! closed tab or a lost connection loses nothing. Each entry waits until the
//! clerk sends the waiting ones (the last can be undone until then), as a
//! citizen's actions wait in the outbox; the server's answer then gives it
//! its receipt, or why it was refused.
//!
//! Plain functions over [`Entries`], tested natively; the screen is
//! `pages/paper_ballots.rs`.

use baraza_core::paper::{PaperBallot, PaperResult};
use baraza_core::sync::RejectCode;
use serde::{Deserialize, Serialize};

/// Where the entries are kept on the device.
pub const ENTRIES_KEY: &str = "baraza.clerk.entries";

/// One paper ballot as entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Its number on this device for its consultation, from 1 in the order
    /// entered: the clerk finds the paper by it.
    pub number: u32,
    pub consultation: String,
    pub ballot: PaperBallot,
    pub state: EntryState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum EntryState {
    /// On this device, not yet counted: it may still be undone.
    Waiting,
    /// Counted: the receipt to write on the paper.
    Counted { receipt: String },
    /// Refused, for the reason given (such as a code already used).
    Refused { code: RejectCode },
}

/// Every entry on this device, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Entries(pub Vec<Entry>);

/// How the entries of one consultation stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub entered: u64,
    pub waiting: u64,
    pub counted: u64,
    pub refused: u64,
}

impl Entries {
    /// Adds a paper ballot of `consultation`, waiting; answers its number.
    pub fn add(&mut self, consultation: &str, ballot: PaperBallot) -> u32 {
        let number = self.of(consultation).map(|entry| entry.number).max().unwrap_or(0) + 1;
        self.0.push(Entry { number, consultation: consultation.to_owned(), ballot, state: EntryState::Waiting });
        number
    }

    /// The entries of `consultation`, oldest first.
    pub fn of<'a>(&'a self, consultation: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.0.iter().filter(move |entry| entry.consultation == consultation)
    }

    /// Takes back the last entry of `consultation` if it still waits;
    /// answers its number. An entry the server has answered stays.
    pub fn undo_last(&mut self, consultation: &str) -> Option<u32> {
        let index = self.0.iter().rposition(|entry| entry.consultation == consultation)?;
        if self.0[index].state != EntryState::Waiting {
            return None;
        }
        Some(self.0.remove(index).number)
    }

    /// The paper ballots still waiting, in the order entered.
    pub fn waiting(&self) -> Vec<PaperBallot> {
        self.0.iter().filter(|entry| entry.state == EntryState::Waiting).map(|entry| entry.ballot.clone()).collect()
    }

    /// Takes in the server's answer for sent paper ballots: each counted
    /// gets its receipt, each refused its reason. A paper ballot with
    /// neither (an answer the app cannot read) stays waiting, to be sent
    /// again: the server counts a paper ballot sent twice once.
    pub fn answered(&mut self, results: &[PaperResult]) {
        for result in results {
            let Some(entry) = self.0.iter_mut().find(|entry| entry.ballot.participant == result.participant) else {
                continue;
            };
            entry.state = match (&result.receipt, result.refusal()) {
                (Some(receipt), _) => EntryState::Counted { receipt: receipt.clone() },
                (None, Some(code)) => EntryState::Refused { code },
                (None, None) => continue,
            };
        }
    }

    pub fn tally(&self, consultation: &str) -> Tally {
        let mut tally = Tally::default();
        for entry in self.of(consultation) {
            tally.entered += 1;
            match entry.state {
                EntryState::Waiting => tally.waiting += 1,
                EntryState::Counted { .. } => tally.counted += 1,
                EntryState::Refused { .. } => tally.refused += 1,
            }
        }
        tally
    }
}

#[cfg(test)]
mod tests {
    use baraza_core::sync::{ActionResult, ActionStatus, Rejection};
    use uuid::Uuid;

    use super::*;

    fn paper(n: u8) -> PaperBallot {
        PaperBallot { participant: Uuid::from_bytes([n; 16]), code: None, actions: Vec::new() }
    }

    #[test]
    fn entries_are_numbered_per_consultation_and_only_a_waiting_one_is_undone() {
        let mut entries = Entries::default();
        assert_eq!(entries.add("water", paper(1)), 1);
        assert_eq!(entries.add("road", paper(2)), 1);
        assert_eq!(entries.add("water", paper(3)), 2);
        assert_eq!(entries.undo_last("water"), Some(2));
        assert_eq!(entries.add("water", paper(4)), 2);
        assert_eq!(entries.waiting().len(), 3);

        let counted = ActionResult::counted(Uuid::nil(), ActionStatus::Accepted, "0123456789abcdef".into());
        let refused =
            ActionResult::rejected(Uuid::nil().to_string(), Rejection::new(RejectCode::CodeUsed, "used before"));
        entries.answered(&[
            PaperResult::new(paper(1).participant, vec![counted]),
            PaperResult::new(paper(4).participant, vec![refused]),
        ]);
        assert_eq!(entries.undo_last("water"), None, "an answered entry stays");
        assert_eq!(entries.tally("water"), Tally { entered: 2, waiting: 0, counted: 1, refused: 1 });
        assert_eq!(entries.0[0].state, EntryState::Counted { receipt: "0123456789abcdef".into() });
        assert_eq!(entries.0[2].state, EntryState::Refused { code: RejectCode::CodeUsed });
        assert_eq!(entries.waiting(), vec![paper(2)]);
    }

    #[test]
    fn entries_read_back_what_they_write() {
        let mut entries = Entries::default();
        entries.add("water", paper(1));
        entries.0[0].state = EntryState::Refused { code: RejectCode::CodeUsed };
        let text = serde_json::to_string(&entries).unwrap();
        assert_eq!(serde_json::from_str::<Entries>(&text).unwrap(), entries);
    }
}

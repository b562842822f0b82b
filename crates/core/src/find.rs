//! Finding a consultation among many: the home screen's search and filters,
//! applied on the phone to the list it holds (so they work offline too).
//!
//! The search looks for every word typed, in any order, in a consultation's
//! title and summary as the citizen reads them: in their reading language,
//! or the text the app shows in its place ([`Localized::get`]). A word
//! matches any part of a word ("wat" finds "Water"), so that scripts written
//! without spaces between words (Chinese) are found as well, and letters
//! match whatever their case.
//!
//! Case is folded by a function given to [`Find::matches`]: [`lower_case`]
//! (Rust's Unicode lower case) natively, and in the app the browser's
//! `toLowerCase`, the same Unicode mapping, so that phones download no case
//! tables of their own (14 KB of the home screen's wasm, measured).

use crate::api::{ConsultationList, ConsultationSummary};
use crate::definition::Status;

/// How text is put in one case before it is compared.
pub type Fold = fn(&str) -> String;

/// Every letter of `text` in lower case, by Unicode's mapping.
pub fn lower_case(text: &str) -> String {
    text.to_lowercase()
}

/// What the citizen looks for: words, and at most one status, topic and
/// region. The default finds every consultation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Find {
    /// The search as typed; split into words when matched.
    pub words: String,
    pub status: Option<Status>,
    pub topic: Option<String>,
    pub region: Option<String>,
}

impl Find {
    /// Whether nothing is asked: neither a word nor a filter.
    pub fn is_everything(&self) -> bool {
        self.words.trim().is_empty() && self.status.is_none() && self.topic.is_none() && self.region.is_none()
    }

    /// Whether `summary` is found, for a citizen reading in `reading`, with
    /// case folded by `fold`.
    pub fn matches(&self, summary: &ConsultationSummary, reading: &str, fold: Fold) -> bool {
        if self.status.is_some_and(|status| status != summary.status)
            || self.topic.as_ref().is_some_and(|topic| !summary.topics.contains(topic))
            || self.region.as_ref().is_some_and(|region| summary.region.as_ref() != Some(region))
        {
            return false;
        }
        let words = fold(&self.words);
        let language = &summary.default_language;
        // A line between them, so that no word is found across the two.
        let searched = fold(&[summary.title.get(reading, language), summary.summary.get(reading, language)].join("\n"));
        words.split_whitespace().all(|word| searched.contains(word))
    }
}

impl ConsultationList {
    /// The statuses the list's consultations have, open first, then
    /// upcoming, closed and archived: the choices of the status filter.
    pub fn statuses(&self) -> Vec<Status> {
        [Status::Open, Status::Upcoming, Status::Closed, Status::Archived]
            .into_iter()
            .filter(|status| self.consultations.iter().any(|c| c.status == *status))
            .collect()
    }

    /// Every topic of the list's consultations, once each, in alphabetical
    /// order: the choices of the topic filter.
    pub fn topics(&self) -> Vec<&str> {
        sorted_once(self.consultations.iter().flat_map(|c| c.topics.iter().map(String::as_str)))
    }

    /// Every region of the list's consultations, once each, in alphabetical
    /// order: the choices of the region filter.
    pub fn regions(&self) -> Vec<&str> {
        sorted_once(self.consultations.iter().filter_map(|c| c.region.as_deref()))
    }
}

/// `values` in order, once each. Inserted in place rather than sorted
/// afterwards: a list holds a few dozen, and no sort is downloaded for them.
fn sorted_once<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut sorted: Vec<&str> = Vec::new();
    for value in values {
        if let Err(at) = sorted.binary_search(&value) {
            sorted.insert(at, value);
        }
    }
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::Level;
    use crate::localized::Localized;
    use time::macros::datetime;

    fn localized(texts: &[(&str, &str)]) -> Localized {
        Localized(texts.iter().map(|(language, text)| ((*language).to_owned(), (*text).to_owned())).collect())
    }

    fn summary(id: &str, status: Status, topics: &[&str], region: Option<&str>) -> ConsultationSummary {
        ConsultationSummary {
            id: id.to_owned(),
            level: Level::Consult,
            status,
            default_language: "en".to_owned(),
            title: localized(&[("en", "Water services in 2027"), ("fr", "Services de l'eau en 2027")]),
            summary: localized(&[
                ("en", "Tell the board how tariffs should work."),
                ("zh-Hans", "告诉委员会水费应如何收取。"),
            ]),
            organization: None,
            topics: topics.iter().map(|topic| (*topic).to_owned()).collect(),
            region: region.map(str::to_owned),
            opens_at: datetime!(2027-01-01 0:00 UTC),
            closes_at: datetime!(2027-02-01 0:00 UTC),
        }
    }

    fn water() -> ConsultationSummary {
        summary("water", Status::Open, &["water", "services"], Some("Coast"))
    }

    fn words(words: &str) -> Find {
        Find { words: words.to_owned(), ..Find::default() }
    }

    #[test]
    fn nothing_asked_finds_everything() {
        assert!(Find::default().is_everything());
        assert!(words("  ").is_everything());
        assert!(Find::default().matches(&water(), "en", lower_case));
        assert!(words(" \t ").matches(&water(), "en", lower_case));
        assert!(!words("water").is_everything());
        assert!(!Find { region: Some("Coast".into()), ..Find::default() }.is_everything());
    }

    #[test]
    fn every_word_is_found_in_the_title_or_the_summary_in_any_order_and_case() {
        assert!(words("WATER").matches(&water(), "en", lower_case));
        assert!(words("tariffs water").matches(&water(), "en", lower_case));
        assert!(words("  board   2027 ").matches(&water(), "en", lower_case));
        assert!(!words("water roads").matches(&water(), "en", lower_case), "every word must be found");
    }

    #[test]
    fn a_word_matches_any_part_of_a_word() {
        assert!(words("wat").matches(&water(), "en", lower_case));
        assert!(words("ariff").matches(&water(), "en", lower_case));
    }

    #[test]
    fn no_word_is_found_across_title_and_summary() {
        // The title ends in "2027", the summary starts with "Tell".
        assert!(!words("2027tell").matches(&water(), "en", lower_case));
    }

    #[test]
    fn the_search_reads_the_texts_in_the_language_shown() {
        // In French the title is French; the summary, not written in French,
        // shows in English, the default language.
        assert!(words("l'eau tariffs").matches(&water(), "fr", lower_case));
        assert!(
            !words("water").matches(&water(), "fr", lower_case),
            "the English title is not what a French reader sees"
        );
        assert!(words("water").matches(&water(), "sw", lower_case), "a language it lacks reads the default");
        // Chinese is written without spaces: a part of the text is found.
        assert!(words("水费").matches(&water(), "zh-Hans", lower_case));
        assert!(!words("水费").matches(&water(), "en", lower_case));
    }

    #[test]
    fn letters_of_other_scripts_match_whatever_their_case() {
        let mut road = water();
        road.title = localized(&[("en", "x"), ("ru", "Прибрежная дорога")]);
        assert!(words("ДОРОГА").matches(&road, "ru", lower_case));
        assert!(words("прибрежная").matches(&road, "ru", lower_case));
    }

    #[test]
    fn filters_keep_only_the_status_topic_and_region_asked() {
        let find = |status, topic: Option<&str>, region: Option<&str>| Find {
            words: String::new(),
            status,
            topic: topic.map(str::to_owned),
            region: region.map(str::to_owned),
        };
        assert!(find(Some(Status::Open), None, None).matches(&water(), "en", lower_case));
        assert!(!find(Some(Status::Closed), None, None).matches(&water(), "en", lower_case));
        assert!(find(None, Some("services"), None).matches(&water(), "en", lower_case));
        assert!(!find(None, Some("serv"), None).matches(&water(), "en", lower_case), "a topic is chosen whole");
        assert!(find(None, None, Some("Coast")).matches(&water(), "en", lower_case));
        assert!(!find(None, None, Some("Kijiji")).matches(&water(), "en", lower_case));
        let nowhere = summary("nowhere", Status::Open, &[], None);
        assert!(!find(None, None, Some("Coast")).matches(&nowhere, "en", lower_case));
        assert!(!find(None, Some("water"), None).matches(&nowhere, "en", lower_case));
        // Together: every filter and every word.
        let all = Find { words: "tariffs".into(), ..find(Some(Status::Open), Some("water"), Some("Coast")) };
        assert!(all.matches(&water(), "en", lower_case));
        assert!(!Find { words: "roads".into(), ..all }.matches(&water(), "en", lower_case));
    }

    #[test]
    fn the_choices_of_the_filters_come_from_the_list() {
        let list = ConsultationList {
            consultations: vec![
                summary("a", Status::Closed, &["water", "services"], Some("Coast")),
                summary("b", Status::Open, &["budget"], None),
                summary("c", Status::Upcoming, &["services"], Some("Capital District")),
                summary("d", Status::Open, &[], Some("Coast")),
            ],
        };
        assert_eq!(list.statuses(), vec![Status::Open, Status::Upcoming, Status::Closed]);
        assert_eq!(list.topics(), vec!["budget", "services", "water"]);
        assert_eq!(list.regions(), vec!["Capital District", "Coast"]);
        let empty = ConsultationList { consultations: Vec::new() };
        assert!(empty.statuses().is_empty() && empty.topics().is_empty() && empty.regions().is_empty());
    }
}

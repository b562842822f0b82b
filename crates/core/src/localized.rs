//! Text in several languages, keyed by BCP 47 language code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A text in several languages: `{"en": "…", "ar": "…"}`.
///
/// Every localized text in a definition must have the definition's
/// `default_language`; [`Localized::get`] falls back to it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Localized(pub BTreeMap<String, String>);

impl Localized {
    /// The text in `language`, else in `default_language`, else in any language
    /// (a definition that passed validation always has the default).
    pub fn get<'a>(&'a self, language: &str, default_language: &str) -> &'a str {
        self.0
            .get(language)
            .or_else(|| primary_subtag(language).and_then(|primary| self.0.get(primary)))
            .or_else(|| self.0.get(default_language))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The language [`Localized::get`] would show, for the `lang` attribute of
    /// the element holding it (a screen reader needs it to pronounce the text).
    pub fn language_shown<'a>(&'a self, language: &'a str, default_language: &'a str) -> &'a str {
        if self.0.contains_key(language) {
            language
        } else if let Some(primary) = primary_subtag(language).filter(|p| self.0.contains_key(*p)) {
            primary
        } else if self.0.contains_key(default_language) {
            default_language
        } else {
            self.0.keys().next().map(String::as_str).unwrap_or(default_language)
        }
    }

    /// Whether the text is written in `language`: present, and not blank
    /// ([`crate::bounds::is_blank`]).
    pub fn has(&self, language: &str) -> bool {
        self.0.get(language).is_some_and(|text| !crate::bounds::is_blank(text))
    }

    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// The languages written right to left, by primary subtag, of those CLDR
/// knows (the app's build reads the same list for its interface languages).
const RIGHT_TO_LEFT: [&str; 10] = ["ar", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"];

/// Whether text in `language` (a BCP 47 tag such as `ar` or `ar-EG`) is
/// written right to left.
pub fn is_right_to_left(language: &str) -> bool {
    RIGHT_TO_LEFT.contains(&primary_subtag(language).unwrap_or(language))
}

/// `fr` for `fr-CA`; `None` when the tag has no region or script part.
fn primary_subtag(language: &str) -> Option<&str> {
    language.split_once('-').map(|(primary, _)| primary)
}

#[cfg(test)]
mod tests {
    #[test]
    fn arabic_and_its_regions_are_written_right_to_left() {
        assert!(super::is_right_to_left("ar") && super::is_right_to_left("ar-EG") && super::is_right_to_left("fa"));
        assert!(
            !super::is_right_to_left("en") && !super::is_right_to_left("sw-KE") && !super::is_right_to_left("zh-Hans")
        );
    }

    use super::*;

    fn text() -> Localized {
        Localized(BTreeMap::from([("en".to_owned(), "Water".to_owned()), ("fr".to_owned(), "Eau".to_owned())]))
    }

    #[test]
    fn picks_the_asked_language() {
        assert_eq!(text().get("fr", "en"), "Eau");
        assert_eq!(text().language_shown("fr", "en"), "fr");
    }

    #[test]
    fn falls_back_to_the_primary_subtag_then_the_default_language() {
        assert_eq!(text().get("fr-CA", "en"), "Eau");
        assert_eq!(text().get("ar", "en"), "Water");
        assert_eq!(text().language_shown("ar", "en"), "en");
    }

    #[test]
    fn blank_text_does_not_count_as_present() {
        let blank = Localized(BTreeMap::from([("en".to_owned(), "  ".to_owned())]));
        assert!(!blank.has("en"));
        let invisible = Localized(BTreeMap::from([("en".to_owned(), "\u{200B}\u{200E}".to_owned())]));
        assert!(!invisible.has("en"));
    }
}

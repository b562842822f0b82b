//! The interface language: which one the app starts in, the citizen's
//! choice (kept on the device), and the signal every text follows.

use leptos::prelude::*;

use crate::i18n::{td_string, Locale};

/// Where the citizen's choice is kept between visits.
pub const STORAGE_KEY: &str = "baraza.language";

/// The language to start in: the citizen's earlier choice, else the first of
/// the browser's preferred languages the app speaks (`fr-CA` counts as `fr`),
/// else English.
pub fn initial_locale(stored: Option<&str>, preferred: &[String]) -> Locale {
    stored
        .and_then(|stored| stored.parse().ok())
        .or_else(|| preferred.iter().find_map(|tag| tag.split(['-', '_']).next()?.to_ascii_lowercase().parse().ok()))
        .unwrap_or_default()
}

/// The locale dates and numbers are written in: the browser's own regional
/// variant of the interface language when it has one (`en-KE` writes
/// "31 January 2027", `en-US` "January 31, 2027"), else the language itself.
pub fn formatting_locale<'a>(ui: &'a str, preferred: &'a [String]) -> &'a str {
    preferred
        .iter()
        .find(|tag| tag.split(['-', '_']).next().is_some_and(|primary| primary.eq_ignore_ascii_case(ui)))
        .map_or(ui, String::as_str)
}

/// The language as its own speakers write its name, for the language switch
/// (`language_name` in each locale file).
pub fn native_name(locale: Locale) -> &'static str {
    td_string!(locale, language_name)
}

/// The interface language, shared by the whole app. The app uses
/// leptos_i18n for its texts but not its context: that would keep the choice
/// in a cookie rather than localStorage, and its ICU locale matching made
/// 17 KB of the compressed download.
#[derive(Clone, Copy)]
pub struct Language(RwSignal<Locale>);

impl Language {
    /// The current language (reactive).
    pub fn get(self) -> Locale {
        self.0.get()
    }

    pub fn get_untracked(self) -> Locale {
        self.0.get_untracked()
    }

    pub fn set(self, locale: Locale) {
        self.0.set(locale);
    }
}

pub fn provide_language(initial: Locale) -> Language {
    let language = Language(RwSignal::new(initial));
    provide_context(language);
    language
}

pub fn use_language() -> Language {
    expect_context()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn languages(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|tag| tag.to_string()).collect()
    }

    #[test]
    fn the_stored_choice_wins() {
        assert_eq!(initial_locale(Some("ar"), &languages(&["fr-FR"])), Locale::ar);
    }

    #[test]
    fn an_unknown_stored_value_is_ignored() {
        assert_eq!(initial_locale(Some("klingon"), &languages(&["fr"])), Locale::fr);
    }

    #[test]
    fn the_first_browser_language_the_app_speaks_is_used() {
        assert_eq!(initial_locale(None, &languages(&["de-DE", "ar-EG", "fr"])), Locale::ar);
        assert_eq!(initial_locale(None, &languages(&["fr-CA", "en"])), Locale::fr);
        assert_eq!(initial_locale(None, &languages(&["FR"])), Locale::fr);
    }

    #[test]
    fn english_when_nothing_matches() {
        assert_eq!(initial_locale(None, &languages(&["sw", "de"])), Locale::en);
        assert_eq!(initial_locale(None, &[]), Locale::en);
    }

    #[test]
    fn dates_follow_the_browsers_region_for_the_same_language() {
        let preferred = languages(&["sw-KE", "en-KE", "fr-FR"]);
        assert_eq!(formatting_locale("en", &preferred), "en-KE");
        assert_eq!(formatting_locale("fr", &preferred), "fr-FR");
        assert_eq!(formatting_locale("ar", &preferred), "ar");
    }

    #[test]
    fn every_language_names_itself() {
        assert_eq!(native_name(Locale::en), "English");
        assert_eq!(native_name(Locale::ar), "العربية");
        assert_eq!(native_name(Locale::fr), "Français");
    }
}

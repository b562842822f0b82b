//! The interface language: the one the page's loader picked, the citizen's
//! choice (kept on the device), and the signal every text follows.
//!
//! The loader (`public/texts.js`) picks the language before the app starts —
//! the citizen's earlier choice, else the first of the browser's languages
//! the app speaks, else English — and fetches its texts while the wasm
//! downloads. Changing language loads the new language's texts first (from
//! the phone when it was used before), then switches.

use leptos::prelude::*;

use crate::browser;
use crate::text::{self, Locale};

/// Where the citizen's choice is kept between visits (the loader reads it too).
pub const STORAGE_KEY: &str = "baraza.language";

/// Where the citizen's choice of language for consultations' own texts is kept.
pub const READING_STORAGE_KEY: &str = "baraza.reading-language";

/// The language the app starts in, with its texts loaded: the loader's
/// choice, else English when that language's texts cannot be had.
pub async fn start() -> Locale {
    let chosen = browser::loader_language().and_then(|tag| Locale::from_tag(&tag)).unwrap_or_default();
    for locale in [chosen, Locale::default()] {
        if load(locale).await {
            return locale;
        }
    }
    // Without any texts the page still works; each text shows its key.
    chosen
}

/// Loads the texts of `locale` unless they are loaded; whether they are.
async fn load(locale: Locale) -> bool {
    if text::is_loaded(locale) {
        return true;
    }
    match browser::loader_texts(locale.as_str()).await {
        Some(file) => text::install(locale, &file),
        None => false,
    }
}

/// The locale dates and numbers are written in: the browser's own regional
/// variant of the interface language when it has one (`en-KE` writes
/// "31 January 2027", `en-US` "January 31, 2027"), else the language itself.
pub fn formatting_locale<'a>(ui: &'a str, preferred: &'a [String]) -> &'a str {
    let primary = |tag: &str| tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    // A script (`zh-Hans`) comes right after the language, so a regional
    // variant of it starts with it; a prefix test, as a text search was 1.5 KB
    // of wasm.
    let same_script =
        |tag: &str| !ui.contains('-') || tag.get(..ui.len()).is_some_and(|start| start.eq_ignore_ascii_case(ui));
    preferred
        .iter()
        .find(|tag| primary(tag) == primary(ui) && (same_script(tag) || !tag.contains('-')))
        .map_or(ui, String::as_str)
}

/// The interface language, shared by the whole app.
#[derive(Clone, Copy)]
pub struct Language {
    current: RwSignal<Locale>,
    /// A language the citizen chose whose texts could not be loaded (no
    /// connection, and never used on this phone).
    unavailable: RwSignal<Option<Locale>>,
}

impl Language {
    /// The current language (reactive).
    pub fn get(self) -> Locale {
        self.current.get()
    }

    pub fn get_untracked(self) -> Locale {
        self.current.get_untracked()
    }

    /// A language chosen but not loaded, to say why (reactive).
    pub fn unavailable(self) -> Option<Locale> {
        self.unavailable.get()
    }

    /// Switches to `locale` once its texts are loaded, and remembers the
    /// choice on this device; if they cannot be loaded, the language stays
    /// and [`Language::unavailable`] says which could not be had.
    pub fn choose(self, locale: Locale) {
        leptos::task::spawn_local(async move {
            if load(locale).await {
                self.unavailable.set(None);
                self.current.set(locale);
                browser::store(STORAGE_KEY, locale.as_str());
            } else {
                self.unavailable.set(Some(locale));
            }
        });
    }
}

/// Provides the interface language, and the reading language that holds it:
/// one context for both, as each type of context read is code of its own.
pub fn provide_language(initial: Locale) -> Language {
    let language = Language { current: RwSignal::new(initial), unavailable: RwSignal::new(None) };
    provide_context(Reading { chosen: RwSignal::new(browser::stored(READING_STORAGE_KEY)), ui: language });
    language
}

pub fn use_language() -> Language {
    use_reading().ui
}

/// The language the citizen reads consultations' own texts in, which may be
/// one the interface does not speak (a consultation written in Kiswahili and
/// English, read in Kiswahili with the interface in English). Until the
/// citizen chooses, it is the interface language.
#[derive(Clone, Copy)]
pub struct Reading {
    chosen: RwSignal<Option<String>>,
    ui: Language,
}

impl Reading {
    /// The language to show texts in (reactive): the one chosen, else the
    /// interface's.
    pub fn language(self) -> String {
        self.chosen.get().unwrap_or_else(|| self.ui.get().as_str().to_owned())
    }

    /// Reads texts in `language` from now on, on every consultation that has
    /// it, and remembers the choice on this device.
    pub fn choose(self, language: &str) {
        browser::store(READING_STORAGE_KEY, language);
        self.chosen.set(Some(language.to_owned()));
    }
}

/// Shows what is drawn below in `language` (reactive; `None`: the
/// interface's) wherever a consultation has it, as a citizen who chose it
/// reads it, without remembering the choice: the editor's preview.
pub fn provide_reading_in(language: RwSignal<Option<String>>) {
    provide_context(Reading { chosen: language, ui: use_language() });
}

pub fn use_reading() -> Reading {
    expect_context()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn languages(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|tag| tag.to_string()).collect()
    }

    #[test]
    fn dates_follow_the_browsers_region_for_the_same_language() {
        let preferred = languages(&["sw-KE", "en-KE", "fr-FR", "zh-CN"]);
        assert_eq!(formatting_locale("en", &preferred), "en-KE");
        assert_eq!(formatting_locale("fr", &preferred), "fr-FR");
        assert_eq!(formatting_locale("sw", &preferred), "sw-KE");
        assert_eq!(formatting_locale("ar", &preferred), "ar");
        // A region of another script is not taken for Simplified Chinese.
        assert_eq!(formatting_locale("zh-Hans", &languages(&["zh-TW"])), "zh-Hans");
        assert_eq!(formatting_locale("zh-Hans", &languages(&["zh-Hans-SG"])), "zh-Hans-SG");
    }
}

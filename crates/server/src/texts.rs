//! The texts the server shows itself, on the printed poster of a
//! consultation, in every interface language. They live beside the app's in
//! `locales/<lang>.json` (the `poster` group), so they are translated,
//! reviewed and checked as the app's are (`tests/browser/locales.test.mjs`:
//! every language has every text, with the same `{values}`); the build
//! scripts keep them out of what phones download (`scripts/texts.mjs`).

use std::sync::LazyLock;

use serde_json::Value;

/// Every interface language's file, built in. A language added to
/// `locales/` is added here too: a test fails until it is.
const FILES: [(&str, &str); 7] = [
    ("ar", include_str!("../../../locales/ar.json")),
    ("en", include_str!("../../../locales/en.json")),
    ("es", include_str!("../../../locales/es.json")),
    ("fr", include_str!("../../../locales/fr.json")),
    ("ru", include_str!("../../../locales/ru.json")),
    ("sw", include_str!("../../../locales/sw.json")),
    ("zh-Hans", include_str!("../../../locales/zh-Hans.json")),
];

/// The language the texts are written in first, shown for a language that
/// is not an interface language.
pub const ENGLISH: &str = "en";

static TEXTS: LazyLock<Vec<(&'static str, Value)>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(tag, file)| (*tag, serde_json::from_str(file).expect("the built-in locale files are JSON")))
        .collect()
});

/// The interface language for texts in `language` (a BCP 47 tag): itself,
/// or one of the same primary language (`fr` for `fr-CA`, `zh-Hans` for
/// `zh`), or else English.
pub fn interface_language(language: &str) -> &'static str {
    let primary = |tag: &str| tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
    FILES
        .iter()
        .find(|(tag, _)| tag.eq_ignore_ascii_case(language))
        .or_else(|| FILES.iter().find(|(tag, _)| primary(tag) == primary(language)))
        .map_or(ENGLISH, |(tag, _)| tag)
}

/// The text `key` (`"poster.closes"`) in the interface language `language`,
/// with each `{name}` of `values` filled in. A text the language lacks
/// shows as its key, as in the app, so that the tests see it.
pub fn text(language: &str, key: &str, values: &[(&str, &str)]) -> String {
    let file = TEXTS.iter().find(|(tag, _)| *tag == language).map(|(_, texts)| texts);
    let found =
        file.and_then(|texts| key.split('.').try_fold(texts, |value, part| value.get(part))).and_then(Value::as_str);
    let mut text = found.unwrap_or(key).to_owned();
    for (name, value) in values {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_locale_file_is_built_in() {
        let locales = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales");
        let mut on_disk: Vec<String> = std::fs::read_dir(locales)
            .unwrap()
            .filter_map(|entry| entry.unwrap().file_name().to_str()?.strip_suffix(".json").map(str::to_owned))
            .collect();
        on_disk.sort();
        let built_in: Vec<&str> = FILES.iter().map(|(tag, _)| *tag).collect();
        assert_eq!(on_disk, built_in);
    }

    #[test]
    fn every_language_has_every_poster_text_of_english() {
        let english = TEXTS.iter().find(|(tag, _)| *tag == ENGLISH).unwrap();
        let keys: Vec<&String> = english.1["poster"].as_object().expect("a poster group").keys().collect();
        assert!(keys.len() >= 10, "{keys:?}");
        for (tag, _) in FILES {
            for key in &keys {
                let text = text(tag, &format!("poster.{key}"), &[]);
                assert!(!text.starts_with("poster.") && !text.trim().is_empty(), "{tag} lacks poster.{key}");
            }
        }
    }

    #[test]
    fn languages_fall_back_to_their_primary_language_then_english() {
        assert_eq!(interface_language("fr"), "fr");
        assert_eq!(interface_language("fr-CA"), "fr");
        assert_eq!(interface_language("zh"), "zh-Hans");
        assert_eq!(interface_language("ar-EG"), "ar");
        assert_eq!(interface_language("pt-BR"), "en");
        assert_eq!(text("sw", "poster.closes", &[("date", "2027-01-31")]), "Unaweza kushiriki hadi 2027-01-31.");
        let missing = "poster.no_such_text";
        assert_eq!(text("sw", missing, &[]), missing);
    }
}

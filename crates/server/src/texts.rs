//! The texts the server shows itself, on the printed poster of a
//! consultation, in every interface language. They live beside the app's in
//! `locales/<lang>.json` (the `poster` group), so they are translated,
//! reviewed and checked as the app's are (`tests/browser/locales.test.mjs`:
//! every language has every text, with the same `{values}`); the build
//! scripts keep them out of what phones download (`scripts/texts.mjs`).

use std::sync::LazyLock;

use icu_calendar::Gregorian;
use icu_datetime::fieldsets::YMDT;
use icu_datetime::input::{Date, DateTime, Time};
use icu_datetime::options::TimePrecision;
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_locale_core::Locale;
use serde_json::Value;
use time::macros::format_description;
use time::OffsetDateTime;

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

/// `at` as the interface language `language` writes a moment in a
/// sentence, the way CLDR says each language writes it ("31 January 2027
/// at 23:59", "31 janvier 2027 à 23:59", "2027年1月31日 23:59"), in the
/// Gregorian calendar and on the clock of `at`'s own offset (the
/// definition's). Formatted by ICU4X from CLDR's data, as browsers format
/// the app's dates; English as in Britain and East Africa (day, month,
/// year, a 24-hour clock). Should no formatter be made for it, the moment
/// shows as `2027-01-31 23:59`.
pub fn date_time(language: &str, at: OffsetDateTime) -> String {
    let locale = match language {
        ENGLISH => "en-GB",
        other => other,
    };
    let formatted = (|| {
        let locale: Locale = locale.parse().ok()?;
        let formatter = FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(
            locale.into(),
            YMDT::long().with_time_precision(TimePrecision::Minute),
        )
        .ok()?;
        let date = Date::try_new_gregorian(at.year(), u8::from(at.month()), at.day()).ok()?;
        let time = Time::try_new(at.hour(), at.minute(), 0, 0).ok()?;
        Some(formatter.format(&DateTime { date, time }).to_string())
    })();
    formatted.unwrap_or_else(|| {
        at.format(format_description!("[year]-[month]-[day] [hour]:[minute]")).unwrap_or_else(|_| at.date().to_string())
    })
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

    #[test]
    fn a_moment_reads_as_each_language_writes_dates() {
        let at = time::macros::datetime!(2027-01-31 23:59 +03:00);
        for (language, written) in [
            ("en", "31 January 2027 at 23:59"),
            ("fr", "31 janvier 2027 à 23:59"),
            ("es", "31 de enero de 2027 a las 23:59"),
            ("ru", "31 января 2027\u{202f}г. в 23:59"),
            ("sw", "31 Januari 2027, 23:59"),
            ("zh-Hans", "2027年1月31日 23:59"),
            ("ar", "31 يناير 2027 في 11:59 م"),
        ] {
            assert_eq!(date_time(language, at), written, "{language}");
        }
        assert_eq!(date_time("not a language", at), "2027-01-31 23:59", "no locale: the moment as written");
    }
}

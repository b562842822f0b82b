//! Interface texts in the current language.
//!
//! Every text comes from the locale files through leptos_i18n's `td_string!`,
//! so a key missing from a file or from the code fails the build. The views
//! show them through the one closure type below rather than through `t!`:
//! `t!` makes a new piece of rendering code for every place a text appears,
//! and for every language of every text with values (`{{ name }}`); in this
//! app that was about 35 KB of the compressed download. Values are written
//! `{name}` in the locale files and filled in here at run time; the unit tests
//! below check that every language has every key with the same values.
//!
//! ```text
//! view! { <h1>{tr!(home.title)}</h1> }
//! view! { <p>{tr_with!(when.closes, move |locale| vec![("date", format_date(at, locale))])}</p> }
//! ```

use std::sync::Arc;

use leptos::prelude::*;

use crate::i18n::Locale;
use crate::language::use_language;

/// A text of the interface, as a view that follows the language.
macro_rules! tr {
    ($($key:ident).+) => {
        $crate::text::tr(|locale| $crate::i18n::td_string!(locale, $($key).+))
    };
}

/// A text of the interface with `{name}` values, as a view that follows the
/// language. The closure gives the values for a language.
macro_rules! tr_with {
    ($($key:ident).+, $values:expr) => {
        $crate::text::tr_with(|locale| $crate::i18n::td_string!(locale, $($key).+), $values)
    };
}

pub type Text = fn(Locale) -> &'static str;

pub fn tr(text: Text) -> impl IntoView + Clone + Sync + 'static {
    let ui = use_language();
    move || text(ui.get())
}

type Values = Arc<dyn Fn(Locale) -> Vec<(&'static str, String)> + Send + Sync>;

pub fn tr_with(
    text: Text,
    values: impl Fn(Locale) -> Vec<(&'static str, String)> + Send + Sync + 'static,
) -> impl IntoView + Clone + Sync + 'static {
    tr_values(text, Arc::new(values))
}

/// The view of [`tr_with`], apart so that its rendering code is made once
/// for every text rather than once per place a text is used.
fn tr_values(text: Text, values: Values) -> impl IntoView + Clone + Sync + 'static {
    let ui = use_language();
    move || {
        let locale = ui.get();
        fill(text(locale), &values(locale))
    }
}

/// `template` with each `{name}` replaced by its value; unknown names stay.
pub fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], &after[close + 1..])) {
            Some((name, tail)) => {
                match values.iter().find(|(key, _)| *key == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = tail;
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn values_are_filled_in_by_name() {
        let values = [("date", "31 January 2027".to_owned()), ("n", "3".to_owned())];
        assert_eq!(fill("Closes {date}", &values), "Closes 31 January 2027");
        assert_eq!(fill("{n} of {n}", &values), "3 of 3");
        assert_eq!(fill("no values", &values), "no values");
        assert_eq!(fill("{unknown} stays", &values), "{unknown} stays");
        assert_eq!(fill("broken {date", &values), "broken {date");
        assert_eq!(fill("تُغلق في {date}", &values), "تُغلق في 31 January 2027");
    }

    const LOCALES: [(&str, &str); 3] = [
        ("en", include_str!("../locales/en.json")),
        ("ar", include_str!("../locales/ar.json")),
        ("fr", include_str!("../locales/fr.json")),
    ];

    /// Every text of a locale file, by dotted key.
    fn texts(json: &str) -> Vec<(String, String)> {
        fn walk(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (key, value) in map {
                        let key = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                        walk(&key, value, out);
                    }
                }
                serde_json::Value::String(text) => out.push((prefix.to_owned(), text.clone())),
                other => panic!("{prefix}: expected text, found {other}"),
            }
        }
        let mut out = Vec::new();
        walk("", &serde_json::from_str(json).expect("locale files are JSON"), &mut out);
        out
    }

    fn names(text: &str) -> BTreeSet<String> {
        text.split('{').skip(1).filter_map(|part| part.split_once('}')).map(|(name, _)| name.to_owned()).collect()
    }

    #[test]
    fn every_language_has_every_text_with_the_same_values() {
        let english = texts(LOCALES[0].1);
        for (language, json) in &LOCALES[1..] {
            let other = texts(json);
            let keys = |texts: &[(String, String)]| texts.iter().map(|(k, _)| k.clone()).collect::<BTreeSet<_>>();
            assert_eq!(keys(&english), keys(&other), "{language} has other keys than en");
            for (key, text) in &english {
                let translated = &other.iter().find(|(k, _)| k == key).unwrap().1;
                assert_eq!(names(text), names(translated), "{language}: {key} has other values than en");
                assert!(!translated.trim().is_empty(), "{language}: {key} is empty");
            }
        }
    }

    #[test]
    fn no_text_uses_leptos_i18n_interpolation() {
        for (language, json) in LOCALES {
            for (key, text) in texts(json) {
                assert!(!text.contains("{{"), "{language}: {key} uses {{{{ }}}}: write {{name}} instead");
            }
        }
    }
}

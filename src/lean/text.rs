//! Interface texts, one language at a time, loaded at run time.
//!
//! `build.rs` makes a constant for every text of `locales/en.json`
//! (`keys::home::title`) and the list of languages ([`Locale`]); a key the
//! code uses and English lacks fails the build. The texts themselves are not
//! in the app's download: the page's loader (`public/texts.js`, inlined into
//! each page) picks the language and starts fetching its file
//! (`texts/<lang>.json`, written by the build) while the wasm downloads, and
//! [`install`] keeps it once it arrives. Plural forms follow the browser's
//! `Intl.PluralRules`; numbers and dates are the browser's `Intl` too
//! (`browser.rs`), so no language data is compiled in.
//!
//! Why not leptos_i18n, which the app used before: it compiles every
//! language's texts into the wasm (seven languages would add about 25 KB
//! brotli to every citizen's first load), and its `dynamic_load` fetches a
//! language only once the wasm runs, a full round trip after the download;
//! its plurals bring ICU data. What stays here is a table lookup.
//!
//! ```text
//! view! { <h1>{tr!(home.title)}</h1> }
//! view! { <p>{tr_with!(when.closes, move |locale| vec![("date", format_date(at, locale))])}</p> }
//! view! { <p>{tr_count!(results.participants, count, move |locale| vec![("count", format_number(count, locale))])}</p> }
//! let text: &str = text!(locale, device.title);
//! ```

use std::cell::RefCell;
use std::sync::Arc;

use leptos::prelude::*;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::language::use_language;

include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// A plain text of the interface: a constant of [`keys`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(u16);

/// A text of the interface written once per plural category: a constant of
/// [`keys`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PluralKey(u16);

/// The key of a text, as a value: `key!(level.inform)`.
macro_rules! key {
    ($($name:ident).+) => {
        $crate::text::keys::$($name)::+
    };
}

/// A text of the interface, as a view that follows the language.
macro_rules! tr {
    ($($name:ident).+) => {
        $crate::text::tr($crate::text::keys::$($name)::+)
    };
}

/// A text of the interface with `{name}` values, as a view that follows the
/// language. The closure gives the values for a language.
macro_rules! tr_with {
    ($($name:ident).+, $values:expr) => {
        $crate::text::tr_with($crate::text::keys::$($name)::+, $values)
    };
}

/// A text written per plural category, chosen by `count` (the number the
/// text counts), with `{name}` values as [`tr_with!`].
macro_rules! tr_count {
    ($($name:ident).+, $count:expr, $values:expr) => {
        $crate::text::tr_count($crate::text::keys::$($name)::+, $count, $values)
    };
}

/// A text of the interface in `locale`, as `&'static str`.
macro_rules! text {
    ($locale:expr, $($name:ident).+) => {
        $crate::text::get($locale, $crate::text::keys::$($name)::+)
    };
}

/// A text written per plural category in `locale`, chosen by `count`.
macro_rules! text_count {
    ($locale:expr, $($name:ident).+, $count:expr) => {
        $crate::text::get_count($locale, $crate::text::keys::$($name)::+, $count)
    };
}

/// One text of a language's file.
#[derive(Debug)]
enum Entry {
    Plain(&'static str),
    /// By plural category (`one`, `few`, `other`, …).
    Plural(Vec<(&'static str, &'static str)>),
}

/// A language's texts, by key number.
type Table = Vec<Option<Entry>>;

thread_local! {
    /// The names of the texts only this bundle shows besides those of
    /// [`KEY_NAMES`] ([`add_texts`]), numbered after them.
    static MORE_NAMES: std::cell::Cell<&'static [&'static str]> = const { std::cell::Cell::new(&[]) };
    /// The languages loaded so far. Each is loaded once and kept for the
    /// page's life: a few kilobytes, and switching back costs nothing.
    static LOADED: RefCell<Vec<(Locale, &'static Table)>> = const { RefCell::new(Vec::new()) };
}

fn table(locale: Locale) -> Option<&'static Table> {
    LOADED.with(|loaded| loaded.borrow().iter().find(|(l, _)| *l == locale).map(|(_, table)| *table))
}

/// Whether `locale`'s texts are loaded.
pub fn is_loaded(locale: Locale) -> bool {
    table(locale).is_some()
}

/// Keeps the texts of `locale` from its file (`texts/<lang>.json`: every key,
/// dotted, to its text or to its texts by plural category). Keys the app
/// does not know are skipped, so a file of another version of the app still
/// loads; a key the file lacks shows as its name. `false` if the file is not
/// such a map.
pub fn install(locale: Locale, file: &str) -> bool {
    let Some(parsed) = crate::json::parse_map(file, TableVisitor) else { return false };
    let table: &'static Table = Box::leak(Box::new(parsed));
    LOADED.with(|loaded| loaded.borrow_mut().push((locale, table)));
    true
}

fn entry(locale: Locale, number: u16) -> Option<&'static Entry> {
    table(locale)?.get(usize::from(number))?.as_ref()
}

fn name(number: u16) -> &'static str {
    let number = usize::from(number);
    KEY_NAMES
        .get(number)
        .or_else(|| MORE_NAMES.with(|more| more.get().get(number - KEY_NAMES.len())))
        .copied()
        .unwrap_or_default()
}

/// Reads the texts named `names` (sorted) from the language files too: the
/// editor's ([`EDITOR_KEY_NAMES`]), which only its bundle names, so that the
/// other bundles do not carry the names of texts they never show. Called
/// before any language is loaded.
pub fn add_texts(names: &'static [&'static str]) {
    MORE_NAMES.with(|more| more.set(names));
}

/// The text of `key` in `locale`.
pub fn get(locale: Locale, key: Key) -> &'static str {
    match entry(locale, key.0) {
        Some(Entry::Plain(text)) => text,
        _ => name(key.0),
    }
}

/// The text of `key` in `locale` for `count`, by the language's plural rules.
pub fn get_count(locale: Locale, key: PluralKey, count: u64) -> &'static str {
    let Some(Entry::Plural(forms)) = entry(locale, key.0) else { return name(key.0) };
    let category = crate::browser::plural_category(locale.as_str(), count);
    let form = |wanted: &str| forms.iter().find(|(category, _)| *category == wanted).map(|(_, text)| *text);
    form(&category).or_else(|| form("other")).unwrap_or_else(|| name(key.0))
}

/// The view of a text, following the language.
pub fn tr(key: Key) -> impl IntoView + Clone + Sync + 'static {
    let ui = use_language();
    move || get(ui.get(), key)
}

type Values = Arc<dyn Fn(Locale) -> Vec<(&'static str, String)> + Send + Sync>;

pub fn tr_with(
    key: Key,
    values: impl Fn(Locale) -> Vec<(&'static str, String)> + Send + Sync + 'static,
) -> impl IntoView + Clone + Sync + 'static {
    filled(Arc::new(move |locale| get(locale, key)), Arc::new(values))
}

pub fn tr_count(
    key: PluralKey,
    count: u64,
    values: impl Fn(Locale) -> Vec<(&'static str, String)> + Send + Sync + 'static,
) -> impl IntoView + Clone + Sync + 'static {
    filled(Arc::new(move |locale| get_count(locale, key, count)), Arc::new(values))
}

/// The view of a template with values, apart so that its rendering code is
/// made once for every text rather than once per place a text is used.
fn filled(
    template: Arc<dyn Fn(Locale) -> &'static str + Send + Sync>,
    values: Values,
) -> impl IntoView + Clone + Sync + 'static {
    let ui = use_language();
    move || {
        let locale = ui.get();
        fill(template(locale), &values(locale))
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

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// Reads a language's file into a [`Table`] in one pass.
struct TableVisitor;

impl<'de> Visitor<'de> for TableVisitor {
    type Value = Table;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a map of texts by key")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Table, A::Error> {
        let more = MORE_NAMES.with(std::cell::Cell::get);
        let mut table: Table = KEY_NAMES.iter().chain(more).map(|_| None).collect();
        while let Some(name) = map.next_key::<String>()? {
            let number = KEY_NAMES
                .binary_search(&name.as_str())
                .ok()
                .or_else(|| more.binary_search(&name.as_str()).ok().map(|number| KEY_NAMES.len() + number));
            match number {
                Some(number) => table[number] = Some(map.next_value_seed(EntrySeed)?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(table)
    }
}

/// One text: a string, or a map from plural category to string.
struct EntrySeed;

impl<'de> de::DeserializeSeed<'de> for EntrySeed {
    type Value = Entry;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Entry, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntrySeed {
    type Value = Entry;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a text, or texts by plural category")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Entry, E> {
        Ok(Entry::Plain(leak(text.to_owned())))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry, A::Error> {
        let mut forms = Vec::new();
        while let Some((category, text)) = map.next_entry::<String, String>()? {
            forms.push((leak(category), leak(text)));
        }
        Ok(Entry::Plural(forms))
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// Loads every language from `locales/` as the build would serve it, for
    /// tests that read texts.
    pub fn load_every_language() {
        for locale in Locale::ALL {
            if !is_loaded(locale) {
                let path = format!("{}/locales/{}.json", env!("CARGO_MANIFEST_DIR"), locale.as_str());
                let nested: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
                assert!(install(locale, &flat(&nested).to_string()), "{}", locale.as_str());
            }
        }
    }

    /// A locale file as the build serves it: one level of dotted keys.
    fn flat(nested: &serde_json::Value) -> serde_json::Value {
        fn walk(prefix: &str, value: &serde_json::Value, out: &mut serde_json::Map<String, serde_json::Value>) {
            match value {
                serde_json::Value::Object(map) if !map.contains_key("other") => {
                    for (key, value) in map {
                        let key = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                        walk(&key, value, out);
                    }
                }
                other => {
                    out.insert(prefix.to_owned(), other.clone());
                }
            }
        }
        let mut out = serde_json::Map::new();
        walk("", nested, &mut out);
        serde_json::Value::Object(out)
    }

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

    #[test]
    fn texts_are_read_by_key_in_each_language() {
        load_every_language();
        assert_eq!(text!(Locale::en, home.title), "Consultations");
        assert_eq!(text!(Locale::fr, app.language), "Langue");
        assert_ne!(text!(Locale::sw, home.title), text!(Locale::en, home.title));
    }

    #[test]
    fn a_file_of_another_version_still_loads() {
        // Keys this app does not know are skipped; those the file lacks show
        // their names. `ar` is used here only as a spare slot.
        let file = r#"{"home.title": "Mashauriano", "gone.key": "x", "results.participants": {"one": "{count}", "other": "{count}"}}"#;
        let parsed = crate::json::parse_map(file, TableVisitor).unwrap();
        let number = KEY_NAMES.binary_search(&"home.title").unwrap();
        assert!(matches!(parsed[number], Some(Entry::Plain("Mashauriano"))));
        assert_eq!(parsed.iter().filter(|entry| entry.is_some()).count(), 2);
        assert_eq!(name(key!(home.intro).0), "home.intro");
    }

    #[test]
    fn the_editors_texts_are_read_once_its_bundle_names_them() {
        let file = r#"{"home.title": "Mashauriano", "editor.save": "Hifadhi rasimu"}"#;
        let without = crate::json::parse_map(file, TableVisitor).unwrap();
        assert_eq!(without.len(), KEY_NAMES.len());
        add_texts(&EDITOR_KEY_NAMES);
        let with = crate::json::parse_map(file, TableVisitor).unwrap();
        assert!(matches!(with[usize::from(key!(editor.save).0)], Some(Entry::Plain("Hifadhi rasimu"))));
        assert_eq!(name(key!(editor.save).0), "editor.save");
        add_texts(&[]);
    }

    #[test]
    fn every_language_names_itself_and_knows_its_direction() {
        assert_eq!(Locale::en.native_name(), "English");
        assert_eq!(Locale::ar.native_name(), "العربية");
        assert!(Locale::ar.is_right_to_left());
        assert!(!Locale::zh_Hans.is_right_to_left());
        assert_eq!(Locale::from_tag("zh-Hans"), Some(Locale::zh_Hans));
        assert_eq!(Locale::from_tag("klingon"), None);
    }
}

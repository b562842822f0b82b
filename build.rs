//! Generates the app's text keys and its list of interface languages from
//! `locales/`, so that a key the code uses and English lacks fails the build.
//!
//! `locales/en.json` is the reference: every text in it becomes a constant
//! under `text::keys` (`keys::home::title` for `"home": {"title": …}`), a
//! [`Key`] for a plain text or a `PluralKey` for one written per plural
//! category (`{"one": …, "other": …}`). Every file in `locales/` is an
//! interface language of the generated `Locale`, named in itself by its
//! `language_name`. The texts themselves are not compiled in: the app loads
//! one language's file at run time (`text.rs`).
//!
//! Every bundle carries the name of each key it may read, to find it in the
//! file it loads. The texts only the editor shows (the `editor` group) are
//! numbered after all others and named apart, in `EDITOR_KEY_NAMES`, which
//! only the editor's bundle hands to `text::add_texts`: the other bundles
//! never carry their names.
//!
//! It also links each bundle in [`SPLIT_BUNDLES`] with its relocations kept,
//! which `wasm-split-cli` needs to cut the bundle's split functions into
//! files of their own (`scripts/split.mjs`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

/// The plural categories of CLDR, as `Intl.PluralRules` names them.
const PLURAL_CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// Languages written right to left, of those CLDR knows (the manifests read
/// the same from `Intl.Locale`'s `textInfo`).
const RIGHT_TO_LEFT: [&str; 10] = ["ar", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"];

/// The bundles whose split functions (`#[wasm_split]`) are downloaded when first called
/// rather than with the page. Only the wasm build links them for splitting:
/// the relocations triple a wasm's size until the split removes them.
const SPLIT_BUNDLES: [&str; 1] = ["baraza-consultation"];

fn main() {
    if std::env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|family| family == "wasm") {
        for bundle in SPLIT_BUNDLES {
            println!("cargo::rustc-link-arg-bin={bundle}=--emit-relocs");
        }
    }
    println!("cargo::rerun-if-changed=locales");
    let locales = Path::new("locales");
    let mut languages: Vec<(String, String)> = std::fs::read_dir(locales)
        .expect("locales/ is readable")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            println!("cargo::rerun-if-changed={}", path.display());
            let tag = path.file_name()?.to_str()?.strip_suffix(".json")?.to_owned();
            let texts: Value = serde_json::from_str(&std::fs::read_to_string(&path).ok()?)
                .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
            let name = texts["language_name"].as_str().unwrap_or_else(|| panic!("{tag}: no language_name")).to_owned();
            Some((tag, name))
        })
        .collect();
    languages.sort();

    let english: Value =
        serde_json::from_str(&std::fs::read_to_string(locales.join("en.json")).expect("locales/en.json"))
            .expect("locales/en.json is JSON");
    let mut keys = BTreeMap::new();
    flatten("", &english, &mut keys);

    let mut out = String::new();
    write_locales(&mut out, &languages);
    write_keys(&mut out, &keys);
    let path = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("texts.rs");
    std::fs::write(path, out).expect("OUT_DIR is writable");
}

/// Every text of a locale file by dotted key, `true` for a text written per
/// plural category.
fn flatten(prefix: &str, value: &Value, keys: &mut BTreeMap<String, bool>) {
    match value {
        Value::String(_) => {
            keys.insert(prefix.to_owned(), false);
        }
        Value::Object(map) if is_plural(map) => {
            keys.insert(prefix.to_owned(), true);
        }
        Value::Object(map) => {
            for (name, value) in map {
                assert!(
                    name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                    "locales/en.json: `{prefix}.{name}`: keys are lower-case words joined by _"
                );
                let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
                flatten(&key, value, keys);
            }
        }
        other => panic!("locales/en.json: `{prefix}` is {other}, not a text"),
    }
}

fn is_plural(map: &serde_json::Map<String, Value>) -> bool {
    map.contains_key("other") && map.keys().all(|name| PLURAL_CATEGORIES.contains(&name.as_str()))
}

fn variant(tag: &str) -> String {
    tag.replace('-', "_")
}

fn write_locales(out: &mut String, languages: &[(String, String)]) {
    let variants = languages.iter().map(|(tag, _)| variant(tag)).collect::<Vec<_>>().join(", ");
    let all = languages.iter().map(|(tag, _)| format!("Locale::{}", variant(tag))).collect::<Vec<_>>().join(", ");
    let arms = |value: &dyn Fn(&str, &str) -> String| {
        languages
            .iter()
            .map(|(tag, name)| format!("Locale::{} => {},", variant(tag), value(tag, name)))
            .collect::<String>()
    };
    let _ = write!(
        out,
        "/// An interface language: one file in `locales/`.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n\
         #[allow(non_camel_case_types)]\n\
         pub enum Locale {{ {variants} }}\n\
         /// English, the language every text is written in first.\n\
         impl Default for Locale {{ fn default() -> Self {{ Locale::en }} }}\n"
    );
    let _ = write!(
        out,
        "impl Locale {{\n\
         /// Every interface language, ordered by tag.\n\
         pub const ALL: [Locale; {count}] = [{all}];\n\
         /// The language's BCP 47 tag, as its file is named.\n\
         pub const fn as_str(self) -> &'static str {{ match self {{ {tags} }} }}\n\
         /// The language as its own readers write its name.\n\
         pub const fn native_name(self) -> &'static str {{ match self {{ {names} }} }}\n\
         /// Whether the language is written right to left.\n\
         pub const fn is_right_to_left(self) -> bool {{ match self {{ {rtl} }} }}\n\
         /// The language of a tag exactly as [`Locale::as_str`] writes it.\n\
         pub fn from_tag(tag: &str) -> Option<Locale> {{ Locale::ALL.into_iter().find(|locale| locale.as_str() == tag) }}\n\
         }}\n",
        count = languages.len(),
        tags = arms(&|tag, _| format!("{tag:?}")),
        names = arms(&|_, name| format!("{name:?}")),
        rtl = arms(&|tag, _| RIGHT_TO_LEFT.contains(&tag.split('-').next().unwrap_or(tag)).to_string()),
    );
}

/// The top-level group of texts only the editor shows.
const EDITOR_GROUP: &str = "editor.";

fn write_keys(out: &mut String, all: &BTreeMap<String, bool>) {
    // The editor's keys after every other, so each group is sorted by name.
    let (editor, common): (Vec<_>, Vec<_>) = all.iter().partition(|(name, _)| name.starts_with(EDITOR_GROUP));
    let keys: Vec<(&String, &bool)> = common.into_iter().chain(editor.iter().copied()).collect();
    let count = keys.len() - editor.len();
    let names = keys[..count].iter().map(|(name, _)| format!("{name:?}")).collect::<Vec<_>>().join(", ");
    let editor_names = editor.iter().map(|(name, _)| format!("{name:?}")).collect::<Vec<_>>().join(", ");
    let _ = writeln!(
        out,
        "/// The keys of the texts only the editor shows, dotted and sorted: their numbers follow [`KEY_NAMES`].\n\
         pub static EDITOR_KEY_NAMES: [&str; {}] = [{editor_names}];",
        editor.len()
    );
    let _ = writeln!(
        out,
        "/// Every key of `locales/en.json` but the editor's, dotted and sorted: a key's number is its place here.\n\
         pub const KEY_NAMES: [&str; {count}] = [{names}];"
    );
    // Nested modules, one per level of the file: `keys::home::title`.
    let mut tree: BTreeMap<Vec<&str>, Vec<(usize, &str, bool)>> = BTreeMap::new();
    for (number, (name, plural)) in keys.into_iter().enumerate() {
        let mut path: Vec<&str> = name.split('.').collect();
        let last = path.pop().expect("a key has a name");
        tree.entry(path).or_default().push((number, last, *plural));
    }
    out.push_str("/// The text keys, one constant per text of `locales/en.json`.\n#[allow(non_upper_case_globals)]\npub mod keys {\n");
    write_module(out, &[], &tree, 1);
    out.push_str("}\n");
}

fn write_module(out: &mut String, path: &[&str], tree: &BTreeMap<Vec<&str>, Vec<(usize, &str, bool)>>, depth: usize) {
    let up = "super::".repeat(depth);
    for (number, name, plural) in tree.get(path).map(Vec::as_slice).unwrap_or_default() {
        let kind = if *plural { "PluralKey" } else { "Key" };
        let _ = writeln!(out, "pub const {name}: {up}{kind} = {up}{kind}({number});");
    }
    let children: Vec<&str> = tree
        .keys()
        .filter(|child| child.len() == path.len() + 1 && child.starts_with(path))
        .map(|child| child[path.len()])
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for child in children {
        let _ = writeln!(out, "#[allow(non_upper_case_globals)]\npub mod {child} {{");
        let mut deeper = path.to_vec();
        deeper.push(child);
        write_module(out, &deeper, tree, depth + 1);
        out.push_str("}\n");
    }
}

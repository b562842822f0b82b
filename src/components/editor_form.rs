//! The editor's form: every field of a definition, each bound to its place
//! in the definition's JSON by the path core's problems name it by
//! (`items[2].options[0].label.fr`), so each problem core's validation finds
//! is shown at its field, and the definition stays exactly the file
//! `baraza validate` reads, whatever state it is in.

use baraza_core::lifecycle::editable_after_opening;
use baraza_core::validate::{Problem, Severity};
use leptos::prelude::*;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use crate::browser;
use crate::components::problems::problem_text;
use crate::language::use_language;
use crate::text::{tr, Key, Locale};

/// The definition being written and what core's validation says of it.
#[derive(Clone, Copy)]
pub struct Editor {
    /// The definition, a JSON object.
    pub doc: RwSignal<Value>,
    /// Every problem core's validation finds in it, errors first.
    pub problems: Memo<Vec<Problem>>,
    /// The languages its texts are written in, the default one first.
    pub languages: RwSignal<Vec<String>>,
    /// When its consultation opened, if it has: the fields the lifecycle
    /// rule locks are read-only then.
    pub opened_at: RwSignal<Option<OffsetDateTime>>,
    /// Whether it changed since it was last saved.
    pub unsaved: RwSignal<bool>,
}

/// The id of the reason locked fields are read-only, which each describes
/// itself by.
pub const LOCKED_REASON: &str = "locked-reason";

impl Editor {
    pub fn new(definition: Value) -> Self {
        let languages = RwSignal::new(languages_of(&definition));
        let doc = RwSignal::new(definition);
        let problems =
            Memo::new(move |_| doc.with(|doc| doc.as_object().map(baraza_core::drafts::problems).unwrap_or_default()));
        Editor { doc, problems, languages, opened_at: RwSignal::new(None), unsaved: RwSignal::new(false) }
    }

    /// Puts a whole definition in place of the one being written.
    pub fn replace(&self, definition: Value) {
        self.languages.set(languages_of(&definition));
        self.doc.set(definition);
        self.unsaved.set(true);
    }

    /// Whether there is an error left: publishing waits until there is none.
    pub fn has_errors(&self) -> bool {
        self.problems.with(|problems| problems.iter().any(Problem::is_error))
    }

    fn read(&self, path: &str) -> Option<Value> {
        self.doc.with(|doc| value_at(doc, path).cloned())
    }

    fn text(&self, path: &str) -> String {
        self.doc.with(|doc| match value_at(doc, path) {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Number(number)) => number.to_string(),
            _ => String::new(),
        })
    }

    fn write(&self, path: &str, value: Option<Value>) {
        self.doc.update(|doc| put(doc, path, value));
        self.unsaved.set(true);
    }

    /// Whether the field at `path` is read-only: the consultation has
    /// opened and core's lifecycle rule locks it.
    pub fn is_locked(&self, path: &str) -> bool {
        self.opened_at.get().is_some() && !editable_after_opening(path)
    }

    /// The number of entries of the list at `path`.
    fn count(self, path: String) -> Memo<usize> {
        Memo::new(move |_| self.doc.with(|doc| value_at(doc, &path).and_then(Value::as_array).map_or(0, Vec::len)))
    }
}

/// The languages of a definition: its default one, then every other its
/// texts are written in, in the order its fields are read (by name).
pub fn languages_of(definition: &Value) -> Vec<String> {
    let mut found: Vec<String> = definition["default_language"].as_str().map(str::to_owned).into_iter().collect();
    collect_languages(definition, &mut found);
    found
}

fn collect_languages(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(fields) if is_localized(fields) => {
            for language in fields.keys() {
                if !found.contains(language) {
                    found.push(language.clone());
                }
            }
        }
        Value::Object(fields) => fields.values().for_each(|value| collect_languages(value, found)),
        Value::Array(values) => values.iter().for_each(|value| collect_languages(value, found)),
        _ => {}
    }
}

/// Whether an object of a definition is a text in several languages: every
/// value a string under a key that reads as a language tag.
fn is_localized(fields: &Map<String, Value>) -> bool {
    !fields.is_empty()
        && fields.iter().all(|(key, value)| value.is_string() && baraza_core::validate::is_language_tag(key))
}

/// Drops the texts in `language` from every text of the definition.
pub fn drop_language(definition: &mut Value, language: &str) {
    match definition {
        Value::Object(fields) if is_localized(fields) => {
            fields.remove(language);
        }
        Value::Object(fields) => fields.values_mut().for_each(|value| drop_language(value, language)),
        Value::Array(values) => values.iter_mut().for_each(|value| drop_language(value, language)),
        _ => {}
    }
}

/// One step of a path: a field's name or a list's index.
#[derive(Debug, PartialEq)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn steps(path: &str) -> Vec<Step<'_>> {
    let mut found = Vec::new();
    for part in path.split('.').filter(|part| !part.is_empty()) {
        let (name, indices) = part.split_once('[').map_or((part, ""), |(name, rest)| (name, rest));
        if !name.is_empty() {
            found.push(Step::Key(name));
        }
        for index in indices.split('[').filter_map(|index| index.trim_end_matches(']').parse().ok()) {
            found.push(Step::Index(index));
        }
    }
    found
}

/// The value at `path` in `doc`, if there is one.
pub fn value_at<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    steps(path).into_iter().try_fold(doc, |value, step| match step {
        Step::Key(name) => value.get(name),
        Step::Index(index) => value.get(index),
    })
}

/// Writes `value` at `path` in `doc`, making the objects on the way; `None`
/// removes what is there. A path through a list entry that is not there
/// changes nothing.
pub fn put(doc: &mut Value, path: &str, value: Option<Value>) {
    let steps = steps(path);
    let Some((last, on_the_way)) = steps.split_last() else { return };
    let mut at = doc;
    for step in on_the_way {
        at = match step {
            Step::Key(name) => {
                if !at.is_object() {
                    *at = Value::Object(Map::new());
                }
                at.as_object_mut().expect("made an object above").entry(*name).or_insert(Value::Null)
            }
            Step::Index(index) => match at.get_mut(*index) {
                Some(entry) => entry,
                None => return,
            },
        };
    }
    match (last, value) {
        (Step::Key(name), Some(value)) => {
            if !at.is_object() {
                *at = Value::Object(Map::new());
            }
            at.as_object_mut().expect("made an object above").insert((*name).to_owned(), value);
        }
        (Step::Key(name), None) => {
            if let Some(fields) = at.as_object_mut() {
                fields.remove(*name);
            }
        }
        (Step::Index(index), Some(value)) => {
            if let Some(entry) = at.get_mut(*index) {
                *entry = value;
            }
        }
        (Step::Index(index), None) => {
            if let Some(entries) = at.as_array_mut().filter(|entries| *index < entries.len()) {
                entries.remove(*index);
            }
        }
    }
}

/// The element id of the field at `path`, which the summary links to.
pub fn field_id(path: &str) -> String {
    let mut id = String::from("field-");
    for character in path.chars() {
        id.push(if character.is_ascii_alphanumeric() { character } else { '-' });
    }
    id
}

/// A problem in the staff member's language, else in core's English.
fn problem_line(locale: Locale, problem: &Problem) -> String {
    problem_text(locale, problem).unwrap_or_else(|| problem.message.clone())
}

/// The problems core found exactly at `path`, shown under its field.
fn problems_at(editor: Editor, path: String) -> impl IntoView {
    let ui = use_language();
    let id = format!("{}-problems", field_id(&path));
    move || {
        let here: Vec<Problem> =
            editor.problems.with(|all| all.iter().filter(|problem| problem.path == path).cloned().collect());
        (!here.is_empty()).then(|| {
            let lines = here
                .into_iter()
                .map(|problem| {
                    let class = match problem.severity {
                        Severity::Error => "problem problem-error",
                        Severity::Warning => "problem problem-warning",
                    };
                    let code = problem.code.clone();
                    view! { <li class=class data-problem-code=code>{move || problem_line(ui.get(), &problem)}</li> }
                })
                .collect_view();
            view! { <ul class="field-problems" id=id.clone()>{lines}</ul> }
        })
    }
}

/// What describes the field at `path`: its problems, and why it is
/// read-only when it is.
fn described_by(editor: Editor, path: &str) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    let path = path.to_owned();
    move || {
        let mut ids = Vec::new();
        if editor.problems.with(|all| all.iter().any(|problem| problem.path == path)) {
            ids.push(format!("{}-problems", field_id(&path)));
        }
        if editor.is_locked(&path) {
            ids.push(LOCKED_REASON.to_owned());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

fn has_error_at(editor: Editor, path: &str) -> impl Fn() -> Option<&'static str> + Send + Sync + 'static {
    let path = path.to_owned();
    move || {
        editor
            .problems
            .with(|all| all.iter().any(|problem| problem.path == path && problem.is_error()))
            .then_some("true")
    }
}

/// A one-line text; with `optional`, emptied means left out.
pub fn text_field(editor: Editor, path: &str, label: Key, optional: bool) -> impl IntoView {
    let read = move |typed: String| (!(optional && typed.is_empty())).then(|| Value::String(typed));
    input_field(editor, path, label, "text", read)
}

/// A whole number; emptied means left out.
pub fn number_field(editor: Editor, path: &str, label: Key) -> impl IntoView {
    input_field(editor, path, label, "number", |typed: String| typed.trim().parse::<i64>().ok().map(Value::from))
}

/// An `<input>` of `kind` for the value at `path`, which `read` makes of
/// what is typed (`None`: left out).
fn input_field(
    editor: Editor,
    path: &str,
    label: Key,
    kind: &'static str,
    read: impl Fn(String) -> Option<Value> + 'static,
) -> impl IntoView {
    let id = field_id(path);
    let (shown, write, locked) = (path.to_owned(), path.to_owned(), path.to_owned());
    view! {
        <div class="field">
            <label for=id.clone()>{tr(label)}</label>
            <input
                id=id
                type=kind
                inputmode=(kind == "number").then_some("numeric")
                prop:value=move || editor.text(&shown)
                readonly=move || editor.is_locked(&locked)
                aria-invalid=has_error_at(editor, path)
                aria-describedby=described_by(editor, path)
                on:input=move |ev| editor.write(&write, read(event_target_value(&ev)))
            />
            {problems_at(editor, path.to_owned())}
        </div>
    }
}

/// One of `choices` (value, text); with `optional`, a first choice of none.
pub fn choice_field(
    editor: Editor,
    path: &str,
    label: Key,
    choices: Vec<(&'static str, Key)>,
    optional: bool,
) -> impl IntoView {
    let id = field_id(path);
    let read = path.to_owned();
    let write = path.to_owned();
    let locked = path.to_owned();
    let none = optional.then(|| {
        let read = read.clone();
        view! { <option value="" selected=move || editor.text(&read).is_empty()>{tr!(editor.none)}</option> }
    });
    let options = choices
        .into_iter()
        .map(|(value, text)| {
            let read = read.clone();
            view! { <option value=value selected=move || editor.text(&read) == value>{tr(text)}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=id.clone()>{tr(label)}</label>
            <select
                id=id
                disabled=move || editor.is_locked(&locked)
                aria-invalid=has_error_at(editor, path)
                aria-describedby=described_by(editor, path)
                on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    editor.write(&write, (!chosen.is_empty()).then(|| Value::String(chosen)));
                }
            >
                {none}
                {options}
            </select>
            {problems_at(editor, path.to_owned())}
        </div>
    }
}

/// A yes-or-no field, as a checkbox.
pub fn check_field(editor: Editor, path: &str, label: Key) -> impl IntoView {
    let id = field_id(path);
    let (read, write, locked) = (path.to_owned(), path.to_owned(), path.to_owned());
    view! {
        <div class="field field-check">
            <input
                id=id.clone()
                type="checkbox"
                prop:checked=move || editor.read(&read) == Some(Value::Bool(true))
                disabled=move || editor.is_locked(&locked)
                aria-describedby=described_by(editor, path)
                on:change=move |ev| editor.write(&write, Some(Value::Bool(event_target_checked(&ev))))
            />
            <label for=id>{tr(label)}</label>
            {problems_at(editor, path.to_owned())}
        </div>
    }
}

/// A date and time, typed in the browser's time zone, which it names;
/// written as RFC 3339 in UTC.
pub fn date_field(editor: Editor, path: &str, label: Key) -> impl IntoView {
    let id = field_id(path);
    let (read, write, locked) = (path.to_owned(), path.to_owned(), path.to_owned());
    view! {
        <div class="field">
            <label for=id.clone()>{tr(label)}</label>
            <input
                id=id
                type="datetime-local"
                step="1"
                prop:value=move || browser::local_date_time(&editor.text(&read))
                readonly=move || editor.is_locked(&locked)
                aria-invalid=has_error_at(editor, path)
                aria-describedby=described_by(editor, path)
                on:change=move |ev| {
                    if let Some(at) = browser::utc_from_local(&event_target_value(&ev)) {
                        editor.write(&write, Some(Value::String(at)));
                    }
                }
            />
            {problems_at(editor, path.to_owned())}
        </div>
    }
}

/// A list of short texts (topics), written one after another with commas.
pub fn list_field(editor: Editor, path: &str, label: Key, hint: Key) -> impl IntoView {
    let id = field_id(path);
    let hint_id = format!("{id}-hint");
    let (read, write, locked) = (path.to_owned(), path.to_owned(), path.to_owned());
    let described = described_by(editor, path);
    let hinted = hint_id.clone();
    view! {
        <div class="field">
            <label for=id.clone()>{tr(label)}</label>
            <p class="hint" id=hint_id>{tr(hint)}</p>
            <input
                id=id
                type="text"
                prop:value=move || {
                    editor.read(&read).and_then(|list| list.as_array().cloned()).unwrap_or_default()
                        .iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")
                }
                readonly=move || editor.is_locked(&locked)
                aria-invalid=has_error_at(editor, path)
                aria-describedby=move || Some(described().map_or(hinted.clone(), |ids| format!("{hinted} {ids}")))
                on:change=move |ev| {
                    let entries: Vec<Value> = event_target_value(&ev)
                        .split(',')
                        .map(str::trim)
                        .filter(|entry| !entry.is_empty())
                        .map(|entry| Value::String(entry.to_owned()))
                        .collect();
                    editor.write(&write, Some(Value::Array(entries)));
                }
            />
            {problems_at(editor, path.to_owned())}
        </div>
    }
}

/// A text in each of the definition's languages, side by side, a missing
/// translation marked; with `long`, each a text area. Emptied, a language's
/// text is left out; with `optional`, a text left out in every language is
/// left out altogether.
pub fn localized_field(editor: Editor, path: &str, label: Key, long: bool, optional: bool) -> impl IntoView {
    let ui = use_language();
    let id = field_id(path);
    let group = path.to_owned();
    let translations = move || {
        let group = group.clone();
        editor
            .languages
            .get()
            .into_iter()
            .map(|language| {
                let at = format!("{group}.{language}");
                let input_id = field_id(&at);
                let missing_id = format!("{input_id}-missing");
                let (read, write, locked, shown) = (at.clone(), at.clone(), at.clone(), at.clone());
                let group = group.clone();
                let name = {
                    let language = language.clone();
                    move || browser::language_name(&language, ui.get().as_str())
                };
                let missing = move || editor.read(&shown).is_none();
                let marked = missing.clone();
                let described = described_by(editor, &at);
                let missing_for = missing_id.clone();
                let describe = move || {
                    let mut ids: Vec<String> = described().into_iter().collect();
                    if missing() {
                        ids.push(missing_for.clone());
                    }
                    (!ids.is_empty()).then(|| ids.join(" "))
                };
                let on_input = move |ev: leptos::ev::Event| {
                    let typed = event_target_value(&ev);
                    editor.write(&write, (!typed.is_empty()).then(|| Value::String(typed)));
                    let emptied = editor.read(&group).is_none_or(|text| text.as_object().is_some_and(Map::is_empty));
                    if emptied {
                        editor.write(&group, (!optional).then(|| json!({})));
                    }
                };
                let input = if long {
                    view! {
                        <textarea
                            id=input_id.clone()
                            lang=language.clone()
                            dir="auto"
                            rows="4"
                            prop:value=move || editor.text(&read)
                            readonly=move || editor.is_locked(&locked)
                            aria-invalid=has_error_at(editor, &at)
                            aria-describedby=describe
                            on:input=on_input
                        ></textarea>
                    }
                    .into_any()
                } else {
                    view! {
                        <input
                            id=input_id.clone()
                            type="text"
                            lang=language.clone()
                            dir="auto"
                            prop:value=move || editor.text(&read)
                            readonly=move || editor.is_locked(&locked)
                            aria-invalid=has_error_at(editor, &at)
                            aria-describedby=describe
                            on:input=on_input
                        />
                    }
                    .into_any()
                };
                view! {
                    <div class="translation" data-language=language.clone()>
                        <label for=input_id>{name}</label>
                        {input}
                        <Show when=marked>
                            <p class="missing" id=missing_id.clone()>{tr!(editor.translation_missing)}</p>
                        </Show>
                        {problems_at(editor, at.clone())}
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="field localized" id=id tabindex="-1">
            <legend>{tr(label)}</legend>
            <div class="translations">{translations}</div>
            {problems_at(editor, path.to_owned())}
        </fieldset>
    }
}

/// The buttons that move the entry `index` of the list at `list` up or
/// down, or remove it; `name` says which entry for screen readers.
pub fn entry_buttons(editor: Editor, list: String, index: usize, count: Memo<usize>, name: Key) -> impl IntoView {
    let number = index + 1;
    let label = move |text: Key| {
        let ui = use_language();
        move || {
            crate::text::fill(
                crate::text::get(ui.get(), text),
                &[("what", crate::text::get(ui.get(), name).to_owned()), ("number", number.to_string())],
            )
        }
    };
    let locked = {
        let list = list.clone();
        Memo::new(move |_| editor.is_locked(&list))
    };
    let remove = {
        let list = list.clone();
        move |_| editor.write(&format!("{list}[{index}]"), None)
    };
    let swap = move |with: usize| {
        let list = list.clone();
        move |_| {
            editor.doc.update(|doc| {
                if let Some(entries) = value_at_mut(doc, &list).and_then(Value::as_array_mut) {
                    if with < entries.len() {
                        entries.swap(index, with);
                    }
                }
            });
            editor.unsaved.set(true);
        }
    };
    view! {
        <div class="entry-buttons">
            <button
                type="button"
                class="secondary"
                aria-label=label(key!(editor.move_up))
                disabled=move || locked.get() || index == 0
                on:click=swap(index.wrapping_sub(1))
            >
                "↑"
            </button>
            <button
                type="button"
                class="secondary"
                aria-label=label(key!(editor.move_down))
                disabled=move || { locked.get() || index + 1 >= count.get() }
                on:click=swap(index + 1)
            >
                "↓"
            </button>
            <button type="button" class="secondary" disabled=move || locked.get() on:click=remove>
                {label(key!(editor.remove))}
            </button>
        </div>
    }
}

fn value_at_mut<'a>(doc: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    steps(path).into_iter().try_fold(doc, |value, step| match step {
        Step::Key(name) => value.get_mut(name),
        Step::Index(index) => value.get_mut(index),
    })
}

/// Adds `entry` at the end of the list at `list` (made if missing).
pub fn append(editor: Editor, list: &str, entry: Value) {
    editor.doc.update(|doc| {
        if value_at(doc, list).and_then(Value::as_array).is_none() {
            put(doc, list, Some(Value::Array(Vec::new())));
        }
        if let Some(entries) = value_at_mut(doc, list).and_then(Value::as_array_mut) {
            entries.push(entry);
        }
    });
    editor.unsaved.set(true);
}

/// The fields of the list at `list`, one entry each drawn by `entry`, with
/// a button that adds a new entry made by `new_entry`.
pub fn list_editor(
    editor: Editor,
    list: String,
    heading: Key,
    add: Key,
    entry: impl Fn(usize, Memo<usize>) -> AnyView + Send + Sync + 'static,
    new_entry: impl Fn() -> Value + Send + Sync + 'static,
) -> impl IntoView {
    let count = editor.count(list.clone());
    let id = field_id(&list);
    let locked = list.clone();
    let adding = list.clone();
    view! {
        <fieldset class="field list" id=id tabindex="-1">
            <legend>{tr(heading)}</legend>
            {problems_at(editor, list.clone())}
            <ol class="entries">{move || (0..count.get()).map(|index| entry(index, count)).collect_view()}</ol>
            <button
                type="button"
                class="secondary"
                data-add=list.clone()
                disabled=move || editor.is_locked(&locked)
                on:click=move |_| append(editor, &adding, new_entry())
            >
                {tr(add)}
            </button>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_reach_into_objects_and_lists() {
        let mut doc = json!({"items": [{"id": "a", "options": [{"label": {"en": "One"}}]}]});
        assert_eq!(value_at(&doc, "items[0].options[0].label.en"), Some(&json!("One")));
        assert_eq!(value_at(&doc, "items[1].id"), None);
        put(&mut doc, "items[0].options[0].label.fr", Some(json!("Un")));
        put(&mut doc, "items[0].title.en", Some(json!("A")));
        assert_eq!(doc["items"][0]["options"][0]["label"], json!({"en": "One", "fr": "Un"}));
        assert_eq!(doc["items"][0]["title"], json!({"en": "A"}));
        put(&mut doc, "items[3].id", Some(json!("nowhere")));
        assert_eq!(doc["items"].as_array().unwrap().len(), 1);
        put(&mut doc, "items[0].options[0]", None);
        assert_eq!(doc["items"][0]["options"], json!([]));
        put(&mut doc, "items[0].title", None);
        assert!(doc["items"][0].get("title").is_none());
    }

    #[test]
    fn a_definitions_languages_come_from_its_texts() {
        let mut doc = json!({
            "default_language": "fr",
            "title": {"en": "Water", "fr": "Eau"},
            "items": [{"id": "a", "options": [{"id": "x", "label": {"sw": "Maji"}}]}],
            "topics": ["water"],
        });
        assert_eq!(languages_of(&doc), ["fr", "sw", "en"], "the default first, then as its fields are read");
        drop_language(&mut doc, "en");
        assert_eq!(doc["title"], json!({"fr": "Eau"}));
        assert_eq!(doc["items"][0]["options"][0]["id"], "x", "an option is no text");
    }

    #[test]
    fn field_ids_are_made_of_safe_characters() {
        assert_eq!(field_id("items[2].options[0].label.zh-Hans"), "field-items-2--options-0--label-zh-Hans");
    }
}

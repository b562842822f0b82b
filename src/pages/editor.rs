//! The publishers' editor (`/staff/editor`, a bundle of its own): drafts
//! kept on the server, started from scratch, from a level's example or from
//! a copy of a consultation, written in forms (every field of the
//! definition, texts in each language side by side) with core's problems at
//! each field as they type, previewed as a citizen sees it on a phone, and
//! published through the same rules as a definition file. The definition
//! file stays at hand: it downloads as JSON and a JSON file loads into the
//! editor.

use baraza_core::admin::Published;
use baraza_core::drafts::{blank_definition, Draft, DraftEdit, DraftRequest};
use baraza_core::staff::Role;
use baraza_core::validate::Problem;
use baraza_core::{Consultation, Level, Status};
use leptos::prelude::*;
use serde_json::{json, Map, Value};
use wasm_bindgen::JsCast;

use super::page_title;
use crate::api::{self, AppError, PublishError, SaveError};
use crate::browser;
use crate::components::editor_form::{
    check_field, choice_field, date_field, drop_language, entry_buttons, field_id, list_editor, list_field,
    localized_field, number_field, text_field, Editor, LOCKED_REASON,
};
use crate::components::problems::{problem_text, refusal};
use crate::components::staff_gate::{admin_consultations, staff_gate};
use crate::components::{date_view, error_notice, error_text, level_texts, loading, Content};
use crate::language::use_language;
use crate::load::Load;
use crate::staff_session::SignedIn;
use crate::text::{tr, Key, Locale};

/// The examples of each level a consultation may start from: the demo
/// consultations.
fn example_of(level: Level) -> &'static str {
    match level {
        Level::Inform => include_str!("../../demo/consultations/inform-coastal-road.json"),
        Level::Consult => include_str!("../../demo/consultations/consult-water-services.json"),
        Level::Decide => include_str!("../../demo/consultations/decide-village-budget.json"),
    }
}

/// The editor's screens are for publishers; others are told so.
fn for_publishers(page: impl Fn(SignedIn) -> AnyView + Send + Sync + 'static) -> impl IntoView {
    staff_gate(move |signed_in| {
        if signed_in.member.role == Role::Publisher {
            page(signed_in)
        } else {
            view! { <p class="notice" role="status">{tr!(editor.publishers_only)}</p> }.into_any()
        }
    })
}

/// `/staff/editor`: the drafts, and starting a new one.
pub fn drafts_page() -> impl IntoView {
    let ui = use_language();
    page_title(move || text!(ui.get(), editor.title).to_owned());
    for_publishers(|signed_in| drafts_home(signed_in).into_any())
}

fn drafts_home(signed_in: SignedIn) -> impl IntoView {
    let token = signed_in.token.clone();
    let drafts = {
        let token = token.clone();
        Load::new(move || {
            let token = token.clone();
            async move { api::drafts(&token).await }
        })
    };
    let list = move || match drafts.get() {
        None => loading(tr!(editor.loading)).into_any(),
        Some(Err(error)) => error_notice(error, move || drafts.reload()).into_any(),
        Some(Ok(list)) if list.drafts.is_empty() => view! { <p>{tr!(editor.no_drafts)}</p> }.into_any(),
        Some(Ok(list)) => {
            let rows = list
                .drafts
                .into_iter()
                .map(|draft| {
                    let errors = draft.errors;
                    let title = draft.title.as_ref().map(|title| {
                        let default = title.0.keys().next().cloned().unwrap_or_default();
                        Content::new(title, &default)
                    });
                    let name = match title {
                        Some(title) => {
                            view! { <span lang=title.lang() dir=title.dir()>{title.text()}</span> }.into_any()
                        }
                        None => tr!(editor.untitled).into_any(),
                    };
                    let state = if errors == 0 {
                        tr!(editor.ready).into_any()
                    } else {
                        tr_count!(editor.errors_left, u64::from(errors), move |locale| vec![(
                            "count",
                            browser::format_number(u64::from(errors), locale.as_str())
                        )])
                        .into_any()
                    };
                    view! {
                        <li class="card" data-draft=draft.id.to_string()>
                            <h3><a href=format!("/staff/editor/{}", draft.id)>{name}</a></h3>
                            <p class="meta">
                                <code>{draft.consultation.clone().unwrap_or_default()}</code>
                                " · "
                                {state}
                            </p>
                            <p class="meta">{draft.updated_by.clone()} " · " {date_view(draft.updated_at)}</p>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="cards">{rows}</ul> }.into_any()
        }
    };
    view! {
        <h1>{tr!(editor.title)}</h1>
        <p><a href="/staff">{tr!(editor.back_to_staff)}</a></p>
        {start_section(signed_in)}
        <section aria-labelledby="drafts-title">
            <h2 id="drafts-title">{tr!(editor.drafts)}</h2>
            {list}
        </section>
    }
}

/// Starting a draft: from scratch, from a level's example, or from a copy
/// of a consultation. The draft is kept on the server at once, and opened.
fn start_section(signed_in: SignedIn) -> impl IntoView {
    let ui = use_language();
    let failed = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let token = signed_in.token.clone();
    let start = move |definition: Map<String, Value>| {
        let token = token.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::create_draft(&token, &DraftRequest { definition }).await {
                Ok(draft) => browser::load_page(&format!("/staff/editor/{}", draft.id)),
                Err(error) => {
                    failed.set(Some(error));
                    busy.set(false);
                }
            }
        });
    };
    let level = RwSignal::new(Level::Consult);
    let consultations = admin_consultations(&signed_in);
    let copied = RwSignal::new(String::new());
    let from_scratch = {
        let start = start.clone();
        move |_| start(blank_definition(ui.get_untracked().as_str(), browser::now()))
    };
    let from_example = {
        let start = start.clone();
        move |_| {
            if let Ok(Value::Object(example)) = serde_json::from_str(example_of(level.get_untracked())) {
                start(example);
            }
        }
    };
    let from_copy = move |_| {
        let id = copied.get_untracked();
        if id.is_empty() {
            return;
        }
        let start = start.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::consultation_body(&id).await.map(|body| serde_json::from_str::<Value>(&body)) {
                Ok(Ok(Value::Object(mut copy))) => {
                    // A copy is a consultation of its own: it must not
                    // publish over the one it came from.
                    copy.insert("id".to_owned(), Value::String(format!("{id}-copy")));
                    copy.remove("outcome");
                    copy.remove("archived");
                    start(copy);
                }
                Ok(_) => {
                    failed.set(Some(AppError::Server));
                    busy.set(false);
                }
                Err(error) => {
                    failed.set(Some(error));
                    busy.set(false);
                }
            }
        });
    };
    let levels = Level::ALL
        .into_iter()
        .map(|choice| {
            view! {
                <option value=choice.as_str() selected=move || level.get() == choice>
                    {tr(level_texts(choice).0)}
                </option>
            }
        })
        .collect_view();
    let copies = move || {
        consultations.get().and_then(Result::ok).map(|list| {
            list.consultations
                .into_iter()
                .map(|consultation| {
                    let id = consultation.summary.id.clone();
                    view! { <option value=id.clone()>{id.clone()}</option> }
                })
                .collect_view()
        })
    };
    view! {
        <section aria-labelledby="start-title" class="editor-start">
            <h2 id="start-title">{tr!(editor.start_title)}</h2>
            <p>{tr!(editor.start_intro)}</p>
            <div class="start-choices">
                <button type="button" id="start-scratch" disabled=move || busy.get() on:click=from_scratch>
                    {tr!(editor.start_scratch)}
                </button>
                <div class="field">
                    <label for="start-level">{tr!(editor.start_level)}</label>
                    <select
                        id="start-level"
                        on:change=move |ev| {
                            let chosen = event_target_value(&ev);
                            if let Some(chosen) = Level::ALL.into_iter().find(|l| l.as_str() == chosen) {
                                level.set(chosen);
                            }
                        }
                    >
                        {levels}
                    </select>
                    <button type="button" id="start-example" disabled=move || busy.get() on:click=from_example>
                        {tr!(editor.start_example)}
                    </button>
                </div>
                <div class="field">
                    <label for="start-copy">{tr!(editor.start_copy_label)}</label>
                    <select id="start-copy" on:change=move |ev| copied.set(event_target_value(&ev))>
                        <option value="">{tr!(editor.none)}</option>
                        {copies}
                    </select>
                    <button type="button" id="start-copy-button" disabled=move || busy.get() on:click=from_copy>
                        {tr!(editor.start_copy)}
                    </button>
                </div>
            </div>
            <div aria-live="polite">
                {move || failed.get().map(|error| view! { <p class="notice notice-error" role="alert">{error_text(error)}</p> })}
            </div>
        </section>
    }
}

/// `/staff/editor/{draft}`: one draft being written.
pub fn draft_page(id: String) -> impl IntoView {
    let ui = use_language();
    page_title(move || text!(ui.get(), editor.title).to_owned());
    for_publishers(move |signed_in| {
        let id = id.clone();
        let token = signed_in.token.clone();
        let draft = Load::new(move || {
            let (token, id) = (token.clone(), id.clone());
            async move { api::draft(&token, &id).await }
        });
        let signed_in = signed_in.clone();
        (move || match draft.get() {
            None => loading(tr!(editor.loading)).into_any(),
            Some(Err(AppError::NotFound)) => {
                view! { <p class="notice notice-error" role="alert">{tr!(editor.draft_not_found)}</p> }.into_any()
            }
            Some(Err(error)) => error_notice(error, move || draft.reload()).into_any(),
            Some(Ok(draft)) => draft_editor(signed_in.clone(), draft).into_any(),
        })
        .into_any()
    })
}

/// What the last save or publishing came to.
#[derive(Clone, PartialEq)]
enum Outcome {
    Saved,
    Published(Published),
    Refused {
        locked: bool,
        problems: Vec<Problem>,
    },
    NotJson,
    /// Another publisher saved the draft since it was read.
    Changed,
    Failed(AppError),
}

impl From<SaveError> for Outcome {
    fn from(error: SaveError) -> Self {
        match error {
            SaveError::Changed => Outcome::Changed,
            SaveError::Failed(error) => Outcome::Failed(error),
        }
    }
}

fn draft_editor(signed_in: SignedIn, draft: Draft) -> impl IntoView {
    let editor = Editor::new(Value::Object(draft.definition));
    let draft_id = draft.id.to_string();
    let revision = RwSignal::new(draft.revision);
    let outcome = RwSignal::new(None::<Outcome>);
    let busy = RwSignal::new(false);
    if let Some(published) = draft.published_as.clone() {
        // What the lifecycle lets change depends on whether the consultation
        // it was published as has opened.
        leptos::task::spawn_local(async move {
            if let Ok(body) = api::consultation_body(&published).await {
                if let Ok(consultation) = serde_json::from_str::<Consultation>(&body) {
                    if consultation.status_at(browser::now()) != Status::Upcoming {
                        editor.opened_at.set(Some(consultation.opens_at));
                    }
                }
            }
        });
    }
    let token = signed_in.token.clone();
    // Saves the definition as it is now; answers whether it was saved.
    let save = {
        let (token, draft_id) = (token.clone(), draft_id.clone());
        move || {
            let (token, draft_id) = (token.clone(), draft_id.clone());
            async move {
                let definition = editor.doc.with_untracked(|doc| doc.as_object().cloned().unwrap_or_default());
                let edit = DraftEdit { definition, revision: Some(revision.get_untracked()) };
                match api::save_draft(&token, &draft_id, &edit).await {
                    Ok(saved) => {
                        revision.set(saved.revision);
                        editor.unsaved.set(false);
                        Ok(())
                    }
                    Err(error) => Err(error),
                }
            }
        }
    };
    let on_save = {
        let save = save.clone();
        move |_| {
            let save = save.clone();
            busy.set(true);
            leptos::task::spawn_local(async move {
                outcome.set(Some(match save().await {
                    Ok(()) => Outcome::Saved,
                    Err(error) => error.into(),
                }));
                busy.set(false);
            });
        }
    };
    let on_publish = {
        let (token, draft_id) = (token.clone(), draft_id.clone());
        move |_| {
            if editor.has_errors() {
                return;
            }
            let (save, token, draft_id) = (save.clone(), token.clone(), draft_id.clone());
            busy.set(true);
            leptos::task::spawn_local(async move {
                let result = match save().await {
                    Err(error) => error.into(),
                    Ok(()) => match api::publish_draft(&token, &draft_id).await {
                        Ok(published) => Outcome::Published(published),
                        Err(PublishError::Refused { locked, problems, .. }) => Outcome::Refused { locked, problems },
                        Err(PublishError::Failed(error)) => Outcome::Failed(error),
                    },
                };
                outcome.set(Some(result));
                busy.set(false);
            });
        }
    };
    let download = move |_| {
        let (name, text) = editor.doc.with_untracked(|doc| {
            let id = doc["id"].as_str().filter(|id| !id.is_empty()).unwrap_or("consultation").to_owned();
            (format!("{id}.json"), serde_json::to_string_pretty(doc).unwrap_or_default())
        });
        let _ = browser::save_file(&name, "application/json", &text);
    };
    let file = NodeRef::<leptos::html::Input>::new();
    let load_file = move |_| {
        let Some(input) = file.get_untracked() else { return };
        let input: web_sys::HtmlInputElement = input.unchecked_into();
        leptos::task::spawn_local(async move {
            let text = browser::chosen_file_text(&input).await.unwrap_or_default();
            match serde_json::from_str::<Value>(&text) {
                Ok(definition @ Value::Object(_)) => {
                    editor.replace(definition);
                    outcome.set(None);
                }
                _ => outcome.set(Some(Outcome::NotJson)),
            }
        });
    };
    let publish_blocked = move || busy.get() || editor.has_errors();
    view! {
        <h1>{tr!(editor.title)}</h1>
        <p><a href="/staff/editor">{tr!(editor.back_to_drafts)}</a></p>
        {lock_notice(editor)}
        {problem_summary(editor)}
        <div class="editor-actions">
            <button type="button" id="editor-save" disabled=move || busy.get() on:click=on_save>
                {tr!(editor.save)}
            </button>
            <button
                type="button"
                id="editor-publish"
                aria-describedby="publish-blocked"
                disabled=publish_blocked
                on:click=on_publish
            >
                {tr!(editor.publish)}
            </button>
            <button type="button" class="secondary" id="editor-download" on:click=download>
                {tr!(editor.download)}
            </button>
            <div class="field">
                <label for="editor-file">{tr!(editor.load_file)}</label>
                <input id="editor-file" type="file" accept=".json,application/json" node_ref=file on:change=load_file />
            </div>
        </div>
        <p id="publish-blocked" class="hint">
            {move || if editor.has_errors() { tr!(editor.publish_blocked).into_any() } else { tr!(editor.publish_ready).into_any() }}
        </p>
        <p class="hint" aria-live="polite">
            {move || editor.unsaved.get().then(|| tr!(editor.unsaved))}
        </p>
        <div class="editor-outcome" aria-live="polite">{move || outcome.get().map(outcome_view)}</div>
        <div class="editor-columns">
            <form class="editor-form" on:submit=|ev| ev.prevent_default()>
                {about_section(editor)}
                {texts_section(editor)}
                {schedule_section(editor)}
                {taking_part_section(editor)}
                {items_section(editor)}
            </form>
            {preview(editor)}
        </div>
    }
}

fn outcome_view(outcome: Outcome) -> AnyView {
    match outcome {
        Outcome::Saved => view! { <p class="notice" role="status" data-saved="">{tr!(editor.saved)}</p> }.into_any(),
        Outcome::Published(published) => {
            let id = published.id.clone();
            view! {
                <p class="notice" role="status" data-published=published.id.clone()>
                    {tr_with!(editor.published, move |_| vec![("id", id.clone())])}
                    " "
                    <a href=format!("/staff/c/{}", published.id)>{tr!(editor.open_consultation)}</a>
                </p>
            }
            .into_any()
        }
        Outcome::Refused { locked, problems } => refusal(locked, problems),
        Outcome::NotJson => view! { <p class="notice notice-error" role="alert">{tr!(editor.not_json)}</p> }.into_any(),
        Outcome::Changed => {
            view! { <p class="notice notice-error" role="alert">{tr!(editor.draft_changed)}</p> }.into_any()
        }
        Outcome::Failed(error) => {
            view! { <p class="notice notice-error" role="alert">{error_text(error)}</p> }.into_any()
        }
    }
}

/// Why some fields are read-only, once the consultation has opened.
fn lock_notice(editor: Editor) -> impl IntoView {
    move || {
        editor.opened_at.get().map(|opened| {
            view! {
                <p class="notice" id=LOCKED_REASON>
                    {tr_with!(editor.locked_reason, move |locale| vec![(
                        "date",
                        browser::format_date(opened, locale.as_str())
                    )])}
                </p>
            }
        })
    }
}

/// Every problem left, each linking to its field, in the staff member's language.
fn problem_summary(editor: Editor) -> impl IntoView {
    let ui = use_language();
    move || {
        let problems = editor.problems.get();
        if problems.is_empty() {
            return view! { <p class="notice" role="status" id="problem-summary">{tr!(editor.no_problems)}</p> }
                .into_any();
        }
        let errors = problems.iter().filter(|problem| problem.is_error()).count() as u64;
        let lines = problems
            .into_iter()
            .map(|problem| {
                let target = format!("#{}", field_id(&problem.path));
                let path = problem.path.clone();
                let problem_path = path.clone();
                let code = problem.code.clone();
                let text = move || problem_text(ui.get(), &problem).unwrap_or_else(|| problem.message.clone());
                view! {
                    <li data-problem-path=problem_path data-problem-code=code>
                        <a href=target><code dir="ltr">{path}</code> ": " {text}</a>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="problem-summary" id="problem-summary" aria-labelledby="problem-summary-title">
                <h2 id="problem-summary-title">
                    {tr_count!(editor.problems_title, errors, move |locale| vec![(
                        "count",
                        browser::format_number(errors, locale.as_str())
                    )])}
                </h2>
                <ul class="problems">{lines}</ul>
            </section>
        }
        .into_any()
    }
}

fn section(id: &'static str, heading: Key, fields: impl IntoView) -> impl IntoView {
    view! {
        <section class="editor-section" aria-labelledby=id>
            <h2 id=id>{tr(heading)}</h2>
            {fields}
        </section>
    }
}

/// The consultation's id, level and languages.
fn about_section(editor: Editor) -> impl IntoView {
    let levels = Level::ALL.into_iter().map(|level| (level.as_str(), level_texts(level).0)).collect();
    section(
        "editor-about",
        key!(editor.about),
        view! {
            {text_field(editor, "id", key!(editor.id), false)}
            <p class="hint">{tr!(editor.id_hint)}</p>
            {choice_field(editor, "level", key!(editor.level), levels, false)}
            {languages_field(editor)}
        },
    )
}

/// The languages the texts are written in, the default one first.
fn languages_field(editor: Editor) -> impl IntoView {
    let ui = use_language();
    let adding = RwSignal::new(String::new());
    let chosen = move || {
        editor
            .languages
            .get()
            .into_iter()
            .enumerate()
            .map(|(position, language)| {
                let name = {
                    let language = language.clone();
                    move || browser::language_name(&language, ui.get().as_str())
                };
                let make_default = {
                    let language = language.clone();
                    move |_| {
                        editor.doc.update(|doc| doc["default_language"] = Value::String(language.clone()));
                        editor.languages.update(|languages| {
                            languages.retain(|other| *other != language);
                            languages.insert(0, language.clone());
                        });
                        editor.unsaved.set(true);
                    }
                };
                let remove = {
                    let language = language.clone();
                    move |_| {
                        editor.doc.update(|doc| drop_language(doc, &language));
                        editor.languages.update(|languages| languages.retain(|other| *other != language));
                        editor.unsaved.set(true);
                    }
                };
                let is_default = position == 0;
                let controls = (!is_default).then(|| {
                    let label = {
                        let name = name.clone();
                        move |text: Key| {
                            let name = name.clone();
                            move || crate::text::fill(crate::text::get(ui.get(), text), &[("language", name())])
                        }
                    };
                    view! {
                        <button type="button" class="secondary" disabled=move || editor.is_locked("default_language") on:click=make_default>
                            {label(key!(editor.make_default))}
                        </button>
                        <button type="button" class="secondary" on:click=remove>
                            {label(key!(editor.remove_language))}
                        </button>
                    }
                });
                let marker = is_default.then(|| view! { " · " {tr!(editor.default_language)} });
                view! { <li data-language=language.clone()>{name} {marker} {controls}</li> }
            })
            .collect_view()
    };
    let choices = move || {
        let chosen = editor.languages.get();
        Locale::ALL
            .into_iter()
            .map(Locale::as_str)
            .filter(|tag| !chosen.iter().any(|language| language == tag))
            .map(|tag| view! { <option value=tag>{move || browser::language_name(tag, ui.get().as_str())}</option> })
            .collect_view()
    };
    let add = move |_| {
        let language = adding.get_untracked();
        if language.is_empty() || editor.languages.with_untracked(|languages| languages.contains(&language)) {
            return;
        }
        editor.languages.update(|languages| languages.push(language));
        adding.set(String::new());
    };
    view! {
        <fieldset class="field" id=field_id("default_language") tabindex="-1">
            <legend>{tr!(editor.languages)}</legend>
            <ul class="languages">{chosen}</ul>
            <label for="add-language">{tr!(editor.add_language_label)}</label>
            <select id="add-language" prop:value=move || adding.get() on:change=move |ev| adding.set(event_target_value(&ev))>
                <option value="">{tr!(editor.none)}</option>
                {choices}
            </select>
            <button type="button" class="secondary" id="add-language-button" on:click=add>
                {tr!(editor.add_language)}
            </button>
        </fieldset>
    }
}

/// The texts citizens read first, and where the consultation belongs.
fn texts_section(editor: Editor) -> impl IntoView {
    section(
        "editor-texts",
        key!(editor.texts),
        view! {
            {localized_field(editor, "title", key!(editor.title_field), false, false)}
            {localized_field(editor, "summary", key!(editor.summary), false, false)}
            {localized_field(editor, "body", key!(editor.body), true, false)}
            {localized_field(editor, "organization", key!(editor.organization), false, true)}
            {list_field(editor, "topics", key!(editor.topics), key!(editor.topics_hint))}
            {text_field(editor, "region", key!(editor.region), true)}
            {text_field(editor, "contact", key!(editor.contact), true)}
        },
    )
}

fn schedule_section(editor: Editor) -> impl IntoView {
    let zone = browser::time_zone();
    section(
        "editor-schedule",
        key!(editor.schedule),
        view! {
            <p class="hint" id="time-zone">{tr_with!(editor.time_zone, move |_| vec![("zone", zone.clone())])}</p>
            {date_field(editor, "opens_at", key!(editor.opens_at))}
            {date_field(editor, "closes_at", key!(editor.closes_at))}
            {number_field(editor, "offline_grace_hours", key!(editor.offline_grace_hours))}
            <p class="hint">{tr!(editor.offline_grace_hint)}</p>
        },
    )
}

fn taking_part_section(editor: Editor) -> impl IntoView {
    let eligibility = vec![("open", key!(editor.eligibility_open)), ("codes", key!(editor.eligibility_codes))];
    let results = vec![
        ("live", key!(editor.results_live)),
        ("after_close", key!(editor.results_after_close)),
        ("staff_only", key!(editor.results_staff_only)),
    ];
    section(
        "editor-taking-part",
        key!(editor.taking_part),
        view! {
            {choice_field(editor, "eligibility", key!(editor.eligibility), eligibility, false)}
            {localized_field(editor, "codes_from", key!(editor.codes_from), false, true)}
            {choice_field(editor, "results", key!(editor.results), results, false)}
            {check_field(editor, "comments", key!(editor.comments))}
            {text_field(editor, "licence", key!(editor.licence), true)}
        },
    )
}

/// The item types, as definitions name them, with their names for staff.
const ITEM_TYPES: [(&str, Key); 8] = [
    ("info", key!(editor.type_info)),
    ("single_choice", key!(editor.type_single_choice)),
    ("multiple_choice", key!(editor.type_multiple_choice)),
    ("yes_no", key!(editor.type_yes_no)),
    ("scale", key!(editor.type_scale)),
    ("ranking", key!(editor.type_ranking)),
    ("budget", key!(editor.type_budget)),
    ("text", key!(editor.type_text)),
];

/// A new item of `kind`, keeping the `id` and `title` it had.
fn new_item(kind: &str, id: Value, title: Value) -> Value {
    let mut item = match kind {
        "info" => json!({ "body": {} }),
        "single_choice" | "multiple_choice" => json!({ "options": [] }),
        "scale" => json!({ "min": 1, "max": 5 }),
        "ranking" => json!({ "method": "instant_runoff", "options": [] }),
        "budget" => json!({ "method": "greedy", "total": 0, "currency": "", "projects": [] }),
        _ => json!({}),
    };
    item["id"] = id;
    item["type"] = Value::String(kind.to_owned());
    item["title"] = title;
    item
}

fn items_section(editor: Editor) -> impl IntoView {
    let kind = RwSignal::new("single_choice".to_owned());
    let types = ITEM_TYPES
        .into_iter()
        .map(|(value, name)| view! { <option value=value selected=move || kind.get() == value>{tr(name)}</option> })
        .collect_view();
    view! {
        <section class="editor-section" aria-labelledby="editor-items">
            <h2 id="editor-items">{tr!(editor.items)}</h2>
            <div class="field">
                <label for="new-item-type">{tr!(editor.new_item_type)}</label>
                <select id="new-item-type" on:change=move |ev| kind.set(event_target_value(&ev))>{types}</select>
            </div>
            {list_editor(
                editor,
                "items".to_owned(),
                key!(editor.items_list),
                key!(editor.add_item),
                move |index, count| item_editor(editor, index, count).into_any(),
                move || new_item(&kind.get_untracked(), json!(""), json!({})),
            )}
        </section>
    }
}

fn item_editor(editor: Editor, index: usize, count: Memo<usize>) -> impl IntoView {
    let path = format!("items[{index}]");
    let kind =
        Memo::new(move |_| editor.doc.with(|doc| doc["items"][index]["type"].as_str().unwrap_or_default().to_owned()));
    let type_path = format!("{path}.type");
    let change_type = {
        let path = path.clone();
        move |ev: leptos::ev::Event| {
            let chosen = event_target_value(&ev);
            editor.doc.update(|doc| {
                let item = &doc["items"][index];
                let replaced = new_item(&chosen, item["id"].clone(), item["title"].clone());
                crate::components::editor_form::put(doc, &path, Some(replaced));
            });
            editor.unsaved.set(true);
        }
    };
    let types = ITEM_TYPES
        .into_iter()
        .map(|(value, name)| view! { <option value=value selected=move || kind.get() == value>{tr(name)}</option> })
        .collect_view();
    let type_id = field_id(&type_path);
    let locked_type = type_path.clone();
    let fields = {
        let path = path.clone();
        move || item_fields(editor, &path, &kind.get())
    };
    view! {
        <li class="entry item-entry" id=field_id(&path) tabindex="-1" data-item-index=index>
            <h3>{move || crate::text::fill(crate::text::get(use_language().get(), key!(editor.item_number)), &[("number", (index + 1).to_string())])}</h3>
            <div class="field">
                <label for=type_id.clone()>{tr!(editor.item_type)}</label>
                <select id=type_id disabled=move || editor.is_locked(&locked_type) on:change=change_type>{types}</select>
            </div>
            {text_field(editor, &format!("{path}.id"), key!(editor.item_id), false)}
            {localized_field(editor, &format!("{path}.title"), key!(editor.item_title), false, false)}
            {fields}
            {entry_buttons(editor, "items".to_owned(), index, count, key!(editor.item))}
        </li>
    }
}

/// The fields of an item of `kind` at `path`.
fn item_fields(editor: Editor, path: &str, kind: &str) -> AnyView {
    let at = |field: &str| format!("{path}.{field}");
    match kind {
        "info" => localized_field(editor, &at("body"), key!(editor.body), true, false).into_any(),
        "single_choice" => options_editor(editor, at("options")).into_any(),
        "multiple_choice" => view! {
            {number_field(editor, &at("min"), key!(editor.min_choices))}
            {number_field(editor, &at("max"), key!(editor.max_choices))}
            {options_editor(editor, at("options"))}
        }
        .into_any(),
        "scale" => view! {
            {number_field(editor, &at("min"), key!(editor.scale_min))}
            {number_field(editor, &at("max"), key!(editor.scale_max))}
            {localized_field(editor, &at("min_label"), key!(editor.scale_min_label), false, true)}
            {localized_field(editor, &at("max_label"), key!(editor.scale_max_label), false, true)}
        }
        .into_any(),
        "ranking" => {
            let methods =
                vec![("instant_runoff", key!(editor.method_instant_runoff)), ("borda", key!(editor.method_borda))];
            view! {
                {choice_field(editor, &at("method"), key!(editor.method), methods, false)}
                {options_editor(editor, at("options"))}
            }
            .into_any()
        }
        "budget" => {
            let methods =
                vec![("greedy", key!(editor.method_greedy)), ("equal_shares", key!(editor.method_equal_shares))];
            let steps = vec![
                ("share_percent", key!(editor.completion_share_percent)),
                ("currency_unit", key!(editor.completion_currency_unit)),
            ];
            view! {
                {choice_field(editor, &at("method"), key!(editor.method), methods, false)}
                {choice_field(editor, &at("completion_step"), key!(editor.completion_step), steps, true)}
                {number_field(editor, &at("total"), key!(editor.budget_total))}
                {text_field(editor, &at("currency"), key!(editor.currency), false)}
                {projects_editor(editor, at("projects"))}
            }
            .into_any()
        }
        "text" => number_field(editor, &at("max_length"), key!(editor.max_length)).into_any(),
        _ => ().into_any(),
    }
}

fn options_editor(editor: Editor, list: String) -> impl IntoView {
    let entries = list.clone();
    list_editor(
        editor,
        list,
        key!(editor.options),
        key!(editor.add_option),
        move |index, count| {
            let path = format!("{entries}[{index}]");
            view! {
                <li class="entry">
                    {text_field(editor, &format!("{path}.id"), key!(editor.option_id), false)}
                    {localized_field(editor, &format!("{path}.label"), key!(editor.option_label), false, false)}
                    {entry_buttons(editor, entries.clone(), index, count, key!(editor.option))}
                </li>
            }
            .into_any()
        },
        || json!({ "id": "", "label": {} }),
    )
}

fn projects_editor(editor: Editor, list: String) -> impl IntoView {
    let entries = list.clone();
    list_editor(
        editor,
        list,
        key!(editor.projects),
        key!(editor.add_project),
        move |index, count| {
            let path = format!("{entries}[{index}]");
            view! {
                <li class="entry">
                    {text_field(editor, &format!("{path}.id"), key!(editor.project_id), false)}
                    {number_field(editor, &format!("{path}.cost"), key!(editor.project_cost))}
                    {localized_field(editor, &format!("{path}.label"), key!(editor.project_label), false, false)}
                    {localized_field(editor, &format!("{path}.description"), key!(editor.project_description), true, true)}
                    {entry_buttons(editor, entries.clone(), index, count, key!(editor.project))}
                </li>
            }
            .into_any()
        },
        || json!({ "id": "", "cost": 0, "label": {} }),
    )
}

/// The consultation as a citizen sees it on a phone, in the language
/// chosen, drawn by the citizen's own components.
fn preview(editor: Editor) -> impl IntoView {
    let ui = use_language();
    let language = RwSignal::new(None::<String>);
    let consultation =
        Memo::new(move |_| editor.doc.with(|doc| serde_json::from_value::<Consultation>(doc.clone()).ok()));
    let languages = move || {
        editor
            .languages
            .get()
            .into_iter()
            .map(|tag| {
                let name = browser::language_name(&tag, &tag);
                view! { <option value=tag.clone() lang=tag>{name}</option> }
            })
            .collect_view()
    };
    view! {
        <section class="preview" aria-labelledby="preview-title">
            <h2 id="preview-title">{tr!(editor.preview)}</h2>
            <p class="hint">{tr!(editor.preview_intro)}</p>
            <div class="field">
                <label for="preview-language">{tr!(editor.preview_language)}</label>
                <select
                    id="preview-language"
                    on:change=move |ev| {
                        let chosen = event_target_value(&ev);
                        language.set((!chosen.is_empty()).then_some(chosen));
                    }
                >
                    <option value="">{move || text!(ui.get(), editor.preview_interface_language)}</option>
                    {languages}
                </select>
            </div>
            <div class="phone" data-preview="">
                {move || {
                    crate::language::provide_reading_in(language);
                    match consultation.get() {
                        Some(consultation) => preview_of(consultation).into_any(),
                        None => view! { <p class="notice">{tr!(editor.preview_unreadable)}</p> }.into_any(),
                    }
                }}
            </div>
        </section>
    }
}

fn preview_of(consultation: Consultation) -> impl IntoView {
    use crate::components::items::{item_view, Ballots};
    use crate::components::paragraphs;
    use crate::components::status::status_line;
    use crate::present::date_line;

    let language = consultation.default_language.clone();
    let title = Content::new(&consultation.title, &language);
    let summary = Content::new(&consultation.summary, &language);
    let status = consultation.status_at(browser::now());
    let organization = consultation.organization.as_ref().map(|organization| {
        let organization = Content::new(organization, &language);
        view! { <p class="organization" lang=organization.lang() dir=organization.dir()>{organization.text()}</p> }
    });
    // Nothing is sent from a preview: its questions take no answers.
    let ballots = Ballots {
        consultation: consultation.id.as_str().into(),
        default_language: language.as_str().into(),
        open: false,
        code: None,
    };
    let items = consultation.items.iter().map(|item| item_view(item.clone(), ballots.clone())).collect_view();
    view! {
        <article class="consultation">
            <header class="consultation-header">
                <h3 class="preview-title" lang=title.lang() dir=title.dir()>{title.text()}</h3>
                {organization}
                {status_line(status, date_line(status, consultation.opens_at, consultation.closes_at))}
            </header>
            <p class="lead" lang=summary.lang() dir=summary.dir()>{summary.text()}</p>
            {paragraphs(&consultation.body, &language, "body")}
            <div class="items">{items}</div>
        </article>
    }
}

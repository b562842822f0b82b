//! `/`: the published consultations, grouped under the three levels, with a
//! search and filters to find one among many. They apply on the phone to
//! the list it holds (`baraza_core::find`), so they work offline over the
//! copy kept there.

use baraza_core::api::{ConsultationList, ConsultationSummary};
use std::sync::Arc;

use baraza_core::find::Find;
use baraza_core::{Level, Status};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::page_title;
use crate::api;
use crate::browser::lower_case;
use crate::chart::escape;
use crate::components::install::install_offer;
use crate::components::offline::{keep_control, kept_consultations, kept_notice};
use crate::components::status::{status_label, status_line};
use crate::components::{error_notice, level_texts, loading, markup_view, Content};
use crate::language::{use_language, use_reading};
use crate::load::Load;
use crate::present::DateLine;
use crate::storage::{Shelf, LIST_KEY};

/// The ids of the search field, which clearing the search gives the focus,
/// and of the filters.
const WORDS_FIELD: &str = "find-words";
const STATUS_FIELD: &str = "find-status";
const TOPIC_FIELD: &str = "find-topic";
const REGION_FIELD: &str = "find-region";

pub fn home() -> impl IntoView {
    let ui = use_language();
    page_title(move || text!(ui.get(), home.title).to_owned());
    let list = Load::<ConsultationList>::kept_on_phone(Shelf::Lists, LIST_KEY.into(), api::consultations_since);
    let kept = kept_consultations();
    let find = RwSignal::new(Find::default());
    let clear = move || {
        find.set(Find::default());
        for field in [WORDS_FIELD, STATUS_FIELD, TOPIC_FIELD, REGION_FIELD] {
            crate::browser::set_value(field, "");
        }
        crate::browser::focus(WORDS_FIELD);
    };
    let sections = move || match list.get() {
        None => loading(tr!(home.loading)).into_any(),
        Some(Err(error)) => error_notice(error, move || list.reload()).into_any(),
        Some(Ok(list)) if list.consultations.is_empty() => view! { <p>{tr!(home.empty)}</p> }.into_any(),
        Some(Ok(list)) => found_view(Arc::new(list), find, clear, kept).into_any(),
    };
    let finder = move || {
        list.get().and_then(Result::ok).filter(|list| !list.consultations.is_empty()).map(|list| finder(&list, find))
    };
    view! {
        <h1>{tr!(home.title)}</h1>
        <p class="lead">{tr!(home.intro)}</p>
        {install_offer()}
        {kept_notice(move || list.kept_since())}
        {finder}
        {sections}
    }
}

/// The search field and the three filters, each labelled, drawn with what
/// `find` holds (again in the language chosen); their
/// choices are those of the list. Written as markup, one handler for every
/// field: far less to download than view code per field and option.
fn finder(list: &ConsultationList, find: RwSignal<Find>) -> impl IntoView {
    let ui = use_language();
    let statuses = list.statuses();
    let topics: Vec<String> = list.topics().into_iter().map(str::to_owned).collect();
    let regions: Vec<String> = list.regions().into_iter().map(str::to_owned).collect();
    let fields = move || {
        let locale = ui.get();
        let now = find.get_untracked();
        let label = |key| escape(crate::text::get(locale, key));
        let status_choices =
            statuses.iter().map(|status| (status.as_str(), crate::text::get(locale, status_label(*status))));
        format!(
            "<div class=\"field\"><label for=\"{WORDS_FIELD}\">{}</label>\
             <input type=\"search\" id=\"{WORDS_FIELD}\" autocomplete=\"off\" value=\"{}\"></div>\
             <div class=\"filters\">{}{}{}</div>",
            label(key!(find.words)),
            escape(&now.words),
            select(
                STATUS_FIELD,
                &label(key!(find.status)),
                &label(key!(find.any_status)),
                status_choices,
                now.status.map(Status::as_str)
            ),
            select(
                TOPIC_FIELD,
                &label(key!(find.topic)),
                &label(key!(find.any_topic)),
                topics.iter().map(|t| (t.as_str(), t.as_str())),
                now.topic.as_deref()
            ),
            select(
                REGION_FIELD,
                &label(key!(find.region)),
                &label(key!(find.any_region)),
                regions.iter().map(|r| (r.as_str(), r.as_str())),
                now.region.as_deref()
            ),
        )
    };
    let changed = move |ev: leptos::ev::Event| {
        let Some(field) = ev.target().and_then(|target| target.dyn_into::<web_sys::Element>().ok()) else { return };
        let value = event_target_value(&ev);
        let chosen = (!value.is_empty()).then(|| value.clone());
        find.update(|find| match field.id().as_str() {
            WORDS_FIELD => find.words = value,
            STATUS_FIELD => {
                find.status = Status::ALL.into_iter().find(|status| chosen.as_deref() == Some(status.as_str()))
            }
            TOPIC_FIELD => find.topic = chosen,
            REGION_FIELD => find.region = chosen,
            _ => {}
        });
    };
    view! {
        <form
            class="finder"
            role="search"
            aria-label=move || text!(ui.get(), find.title)
            inner_html=fields
            on:input=changed
            on:submit=|ev| ev.prevent_default()
        ></form>
    }
}

/// A labelled `<select>` of `choices` (value, text), after a first "any"
/// (`""`), with `now` selected; `label` and `any` are already escaped.
fn select<'a>(
    id: &str,
    label: &str,
    any: &str,
    choices: impl Iterator<Item = (&'a str, &'a str)>,
    now: Option<&str>,
) -> String {
    let options: String = choices
        .map(|(value, text)| {
            let selected = if now == Some(value) { " selected" } else { "" };
            format!("<option value=\"{}\"{selected}>{}</option>", escape(value), escape(text))
        })
        .collect();
    format!(
        "<div class=\"field\"><label for=\"{id}\">{label}</label><select id=\"{id}\">\
         <option value=\"\">{any}</option>{options}</select></div>"
    )
}

/// The consultations `find` finds in `list`, under their levels; while a
/// search or a filter is on, how many were found (announced), only the
/// levels with some, and when none is found, a way back to every one.
fn found_view(
    list: Arc<ConsultationList>,
    find: RwSignal<Find>,
    clear: impl Fn() + Copy + Send + Sync + 'static,
    kept: RwSignal<Vec<String>>,
) -> impl IntoView {
    let (ui, reading) = (use_language(), use_reading());
    let counted = list.clone();
    let summary = move || {
        let locale = ui.get();
        let find = find.get();
        if find.is_everything() {
            return String::new();
        }
        let reading = reading.language();
        let count = counted.consultations.iter().filter(|c| find.matches(c, &reading, lower_case)).count() as u64;
        if count == 0 {
            format!(
                "<p>{}</p><button type=\"button\" class=\"secondary\">{}</button>",
                escape(text!(locale, find.none_found)),
                escape(text!(locale, find.clear))
            )
        } else {
            let found = text_count!(locale, find.found, count);
            let number = crate::browser::format_number(count, locale.as_str());
            format!("<p>{}</p>", escape(&crate::text::fill(found, &[("count", number)])))
        }
    };
    let levels = move || {
        let find = find.get();
        let reading = reading.language();
        let everything = find.is_everything();
        Level::ALL
            .into_iter()
            .filter_map(|level| {
                let found: Vec<&ConsultationSummary> =
                    list.of_level(level).into_iter().filter(|c| find.matches(c, &reading, lower_case)).collect();
                (everything || !found.is_empty()).then(|| level_section(level, found, kept).into_any())
            })
            .collect_view()
    };
    view! {
        <div class="found" role="status">{markup_view(Box::new(summary), Box::new(move |_| clear()))}</div>
        {levels}
    }
}

fn level_section(level: Level, consultations: Vec<&ConsultationSummary>, kept: RwSignal<Vec<String>>) -> impl IntoView {
    let (name, about) = level_texts(level);
    let heading = format!("level-{}", level.as_str());
    let labelled_by = heading.clone();
    let cards = if consultations.is_empty() {
        view! { <p class="empty">{tr!(home.none_in_level)}</p> }.into_any()
    } else {
        let cards = consultations.into_iter().map(|summary| card(summary, kept)).collect_view();
        view! { <ul class="cards">{cards}</ul> }.into_any()
    };
    view! {
        <section class="level" data-level=level.as_str() aria-labelledby=labelled_by>
            <h2 id=heading>{crate::text::tr(name)}</h2>
            <p class="level-about">{crate::text::tr(about)}</p>
            {cards}
        </section>
    }
}

fn card(summary: &ConsultationSummary, kept: RwSignal<Vec<String>>) -> impl IntoView {
    let language = &summary.default_language;
    let title = Content::new(&summary.title, language);
    let text = Content::new(&summary.summary, language);
    let organization = summary.organization.as_ref().map(|organization| {
        let organization = Content::new(organization, language);
        view! { <p class="organization" lang=organization.lang() dir=organization.dir()>{organization.text()}</p> }
    });
    let title_id = format!("title-{}", summary.id);
    view! {
        <li class="card" data-consultation=summary.id.clone()>
            <h3 id=title_id.clone() lang=title.lang() dir=title.dir()>
                <a href=format!("/c/{}", summary.id)>{title.text()}</a>
            </h3>
            {organization}
            <p lang=text.lang() dir=text.dir()>{text.text()}</p>
            {status_line(summary.status, DateLine::of(summary))}
            {where_and_what(summary)}
            {keep_control(summary.id.clone(), title_id, kept)}
        </li>
    }
}

/// A card's region and topics, labelled, as the definition writes them.
fn where_and_what(summary: &ConsultationSummary) -> Option<impl IntoView> {
    if summary.region.is_none() && summary.topics.is_empty() {
        return None;
    }
    let ui = use_language();
    let region = summary.region.as_deref().map(escape);
    let topics: String =
        summary.topics.iter().map(|topic| format!("<li dir=\"auto\">{}</li>", escape(topic))).collect();
    let terms = move || {
        let locale = ui.get();
        let region = region.as_ref().map_or(String::new(), |region| {
            format!("<dt>{}</dt><dd class=\"region\" dir=\"auto\">{region}</dd>", escape(text!(locale, find.region)))
        });
        let topics = if topics.is_empty() {
            String::new()
        } else {
            format!("<dt>{}</dt><dd><ul class=\"topics\">{topics}</ul></dd>", escape(text!(locale, find.topics)))
        };
        region + &topics
    };
    Some(view! { <dl class="card-tags" inner_html=terms></dl> })
}

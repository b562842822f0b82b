//! `/c/{id}`: one consultation — its text, its questions, its results and
//! its comments.

use std::sync::Arc;

use baraza_core::definition::Eligibility;
use baraza_core::{Consultation, Item, Status};
use leptos::prelude::*;

use super::not_found::not_found;
use super::page_title;
use crate::api::{self, AppError};
use crate::browser;
use crate::components::comments::comments;
use crate::components::deadline::deadline_warning;
use crate::components::items::{item_view, Ballots};
use crate::components::later_part::{later_part, use_later_parts};
use crate::components::offline::kept_notice;
use crate::components::reading_language::reading_language;
use crate::components::results::results_link;
use crate::components::status::status_line;
use crate::components::{drawn_once, error_notice, loading, paragraphs, Content};
use crate::load::Load;
use crate::present::date_line;
use crate::storage::Shelf;

pub fn consultation_page(id: String) -> impl IntoView {
    let key = id.clone();
    let consultation = Load::<Consultation>::kept_on_phone(Shelf::Consultations, key, move |etag| {
        let id = id.clone();
        async move { api::consultation_since(&id, etag).await }
    });
    let page = move || match consultation.get() {
        None => loading(tr!(consultation.loading)).into_any(),
        Some(Err(AppError::NotFound)) => not_found().into_any(),
        Some(Err(error)) => error_notice(error, move || consultation.reload()).into_any(),
        Some(Ok(consultation)) => drawn_once(consultation_view(consultation)).into_any(),
    };
    view! {
        {kept_notice(move || consultation.kept_since())}
        {page}
    }
}

fn consultation_view(consultation: Consultation) -> impl IntoView {
    let c = Arc::new(consultation);
    let language = c.default_language.as_str();
    let status = c.status_at(browser::now());
    let open = status == Status::Open;

    let title = Content::new(&c.title, language);
    page_title(title.text());
    let summary = Content::new(&c.summary, language);
    let organization = c.organization.as_ref().map(|organization| {
        let organization = Content::new(organization, language);
        view! { <p class="organization" lang=organization.lang() dir=organization.dir()>{organization.text()}</p> }
    });

    let has_questions = c.items.iter().any(|item| !matches!(item, Item::Info { .. }));
    let not_open = (has_questions && !open).then(|| view! { <p class="notice">{tr!(consultation.not_open)}</p> });
    let deadline = has_questions.then(|| deadline_warning(&c)).flatten();
    let code = (has_questions && open && c.eligibility == Eligibility::Codes).then(|| RwSignal::new(String::new()));
    let code_field = code.map(|code| {
        view! {
            <div class="field code-field">
                <label for="participation-code">{tr!(consultation.code_label)}</label>
                <p class="hint" id="participation-code-hint">{tr!(consultation.code_hint)}</p>
                <input
                    id="participation-code"
                    name="code"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby="participation-code-hint"
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev))
                />
            </div>
        }
    });

    let ballots = Ballots { consultation: c.id.as_str().into(), default_language: language.into(), open, code };
    let items = c.items.iter().map(|item| item_view(item.clone(), ballots.clone())).collect_view();

    let outcome = c.outcome.as_ref().map(|outcome| {
        view! {
            <section class="outcome" aria-labelledby="outcome-title">
                <h2 id="outcome-title">{tr!(consultation.outcome)}</h2>
                {paragraphs(outcome, language, "body")}
            </section>
        }
    });
    let comments = c.comments.then(|| comments(c.id.as_str().into(), open));
    let share = use_later_parts().map(|parts| {
        let (id, title) = (c.id.clone(), untrack(&title.text()));
        later_part(move || (parts.share)(id.clone(), title.clone()))
    });

    view! {
        <article class="consultation">
            <header class="consultation-header">
                <h1 lang=title.lang() dir=title.dir()>{title.text()}</h1>
                {reading_language(c.clone())}
                {organization}
                {status_line(status, date_line(status, c.opens_at, c.closes_at))}
            </header>
            <p class="lead" lang=summary.lang() dir=summary.dir()>{summary.text()}</p>
            {paragraphs(&c.body, language, "body")}
            {outcome}
            {not_open}
            {deadline}
            {code_field}
            <div class="items">{items}</div>
            {results_link(&c)}
            {share}
            {comments}
        </article>
    }
}

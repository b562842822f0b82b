//! `/`: the published consultations, grouped under the three levels.

use baraza_core::api::{ConsultationList, ConsultationSummary};
use baraza_core::Level;
use leptos::prelude::*;

use super::page_title;
use crate::api;
use crate::components::offline::{keep_control, kept_consultations, kept_notice};
use crate::components::status::status_line;
use crate::components::{error_notice, level_texts, loading, Content};
use crate::language::use_language;
use crate::load::Load;
use crate::present::DateLine;
use crate::storage::{Shelf, LIST_KEY};

pub fn home() -> impl IntoView {
    let ui = use_language();
    page_title(move || text!(ui.get(), home.title).to_owned());
    let list = Load::<ConsultationList>::kept_on_phone(Shelf::Lists, LIST_KEY.into(), api::consultations_since);
    let kept = kept_consultations();
    let sections = move || match list.get() {
        None => loading(tr!(home.loading)).into_any(),
        Some(Err(error)) => error_notice(error, move || list.reload()).into_any(),
        Some(Ok(list)) if list.consultations.is_empty() => view! { <p>{tr!(home.empty)}</p> }.into_any(),
        Some(Ok(list)) => {
            Level::ALL.into_iter().map(|level| level_section(&list, level, kept)).collect_view().into_any()
        }
    };
    view! {
        <h1>{tr!(home.title)}</h1>
        <p class="lead">{tr!(home.intro)}</p>
        {kept_notice(move || list.kept_since())}
        {sections}
    }
}

fn level_section(list: &ConsultationList, level: Level, kept: RwSignal<Vec<String>>) -> impl IntoView {
    let (name, about) = level_texts(level);
    let heading = format!("level-{}", level.as_str());
    let labelled_by = heading.clone();
    let consultations = list.of_level(level);
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
            {keep_control(summary.id.clone(), title_id, kept)}
        </li>
    }
}

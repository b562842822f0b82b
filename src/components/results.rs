//! A consultation's results, where its definition makes them public: per
//! question, a chart with its sentence and data table (`charts`). Reloaded
//! whenever one of this device's ballots is counted.

use std::sync::Arc;

use baraza_core::api::{ItemResult, ResultsResponse};
use baraza_core::definition::ResultsVisibility;
use baraza_core::{Consultation, Item, Status};
use leptos::prelude::*;

use super::charts::item_chart;
use super::{error_notice, loading, Content};
use crate::api::{self, AppError};
use crate::browser;
use crate::chart;
use crate::load::Load;
use crate::outbox::{use_outbox, Counted};

/// The results section of the results screen (`/c/{id}/results`).
pub fn results(consultation: Arc<Consultation>) -> impl IntoView {
    let body = if consultation.results_are_public(browser::now()) {
        results_list(consultation).into_any()
    } else {
        not_public(&consultation).into_any()
    };
    section(body)
}

/// The results section of a consultation's page: a link to the results
/// screen, a later download, while the page itself stays light.
pub fn results_link(consultation: &Consultation) -> impl IntoView {
    let body = if consultation.results_are_public(browser::now()) {
        let href = format!("/c/{}/results", consultation.id);
        // The tallies as open data, for anyone to reuse under the licence.
        let data = format!("/api/v1/consultations/{}/tallies", consultation.id);
        let licence = consultation.licence.as_str().to_owned();
        view! {
            <p><a href=href>{tr!(consultation.results_see)}</a></p>
            <p class="open-data">
                {tr!(consultation.open_data)} " "
                <a href=format!("{data}.csv") download="">"CSV"</a> " · "
                <a href=format!("{data}.json")>"JSON"</a> " · "
                {tr_with!(consultation.licence, move |_| vec![("licence", licence.clone())])}
            </p>
        }
        .into_any()
    } else {
        not_public(consultation).into_any()
    };
    section(body)
}

fn section(body: AnyView) -> impl IntoView {
    view! {
        <section class="results" aria-labelledby="results-title">
            <h2 id="results-title">{tr!(consultation.results_title)}</h2>
            {body}
        </section>
    }
}

/// When the results will be public, if ever.
fn not_public(consultation: &Consultation) -> impl IntoView {
    let message = match consultation.results {
        ResultsVisibility::AfterClose => tr!(consultation.results_after_close),
        _ => tr!(consultation.results_staff_only),
    };
    view! { <p class="notice">{message}</p> }
}

fn results_list(consultation: Arc<Consultation>) -> impl IntoView {
    let outbox = use_outbox();
    let id = consultation.id.clone();
    let results = Load::new(move || {
        outbox.counted(Counted::Ballot);
        let id = id.clone();
        async move { api::results(&id).await }
    });
    move || match results.get() {
        None => loading(tr!(results.loading)).into_any(),
        Some(Err(AppError::ResultsNotPublic)) => {
            view! { <p class="notice">{tr!(consultation.results_after_close)}</p> }.into_any()
        }
        Some(Err(error)) => error_notice(error, move || results.reload()).into_any(),
        Some(Ok(response)) => results_view(&consultation, response).into_any(),
    }
}

fn results_view(consultation: &Consultation, response: ResultsResponse) -> impl IntoView {
    let participants = response.participants;
    let decided = matches!(consultation.status_at(browser::now()), Status::Closed | Status::Archived);
    let items = consultation
        .items
        .iter()
        .filter_map(|item| {
            let result = response.items.iter().find(|result| result.id == item.id())?;
            item_results(&consultation.default_language, item, result, decided)
        })
        .collect_view();
    view! {
        <p>{tr_with!(results.participants, move |locale| vec![("count", browser::format_number(participants, locale.as_str()))])}</p>
        {items}
    }
}

/// One item's results: its title, chart, sentence and table; `None` when
/// the results do not fit the item. Shared with the staff results screen.
/// `decided`: the consultation has closed.
pub fn item_results(default_language: &str, item: &Item, result: &ItemResult, decided: bool) -> Option<impl IntoView> {
    let chart = chart::item_chart(item, result)?;
    let title = Content::new(item.title(), default_language);
    let ballots = result.ballots.map(|ballots| {
        view! { <p class="meta">{tr_with!(results.ballots, move |locale| vec![("count", browser::format_number(ballots, locale.as_str()))])}</p> }
    });
    Some(view! {
        <div class="item-results" data-results-item=item.id().to_owned()>
            <h3 lang=title.lang() dir=title.dir()>{title.text()}</h3>
            {ballots}
            {item_chart(chart, default_language, decided)}
        </div>
    })
}

//! A consultation's results, where its definition makes them public:
//! per question, each option's count as text, its percentage and a bar.
//! Reloaded whenever one of this device's ballots is counted.

use std::sync::Arc;

use baraza_core::api::{ItemResult, ResultsResponse};
use baraza_core::definition::ResultsVisibility;
use baraza_core::{Consultation, Item};
use leptos::prelude::*;
use leptos_i18n::Locale as _;

use super::items::answer_text;
use super::{error_notice, loading, Content};
use crate::api::{self, AppError};
use crate::browser;
use crate::load::Load;
use crate::outbox::{use_outbox, Counted};
use crate::present::{self, ResultRow, RowLabel};

pub fn results(consultation: Arc<Consultation>) -> impl IntoView {
    let body = if consultation.results_are_public(browser::now()) {
        results_list(consultation).into_any()
    } else {
        let message = match consultation.results {
            ResultsVisibility::AfterClose => tr!(results.after_close),
            _ => tr!(results.staff_only),
        };
        view! { <p class="notice">{message}</p> }.into_any()
    };
    view! {
        <section class="results" aria-labelledby="results-title">
            <h2 id="results-title">{tr!(results.title)}</h2>
            {body}
        </section>
    }
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
        Some(Err(AppError::ResultsNotPublic)) => view! { <p class="notice">{tr!(results.after_close)}</p> }.into_any(),
        Some(Err(error)) => error_notice(error, move || results.reload()).into_any(),
        Some(Ok(response)) => results_view(&consultation, response).into_any(),
    }
}

fn results_view(consultation: &Consultation, response: ResultsResponse) -> impl IntoView {
    let participants = response.participants;
    let items = consultation
        .items
        .iter()
        .filter_map(|item| {
            let result = response.items.iter().find(|result| result.id == item.id())?;
            item_results(consultation, item, result)
        })
        .collect_view();
    view! {
        <p>{tr_with!(results.participants, move |_| vec![("count", participants.to_string())])}</p>
        {items}
    }
}

fn item_results(consultation: &Consultation, item: &Item, result: &ItemResult) -> Option<impl IntoView> {
    if matches!(item, Item::Info { .. }) {
        return None;
    }
    let title = Content::new(item.title(), &consultation.default_language);
    let rows = present::result_rows(item, result);
    let ballots = result.ballots.unwrap_or(0);
    let note = match item {
        Item::Ranking { .. } => Some(tr!(results.first_choices)),
        Item::MultipleChoice { .. } | Item::Budget { .. } => Some(tr!(results.approvals)),
        Item::Text { .. } => Some(tr!(results.text_only)),
        _ => None,
    }
    .map(|note| view! { <p class="hint">{note}</p> });
    let mean = result.mean.map(|mean| {
        view! { <p>{tr_with!(results.mean, move |locale| vec![("value", browser::format_decimal(mean, locale.as_str()))])}</p> }
    });
    let rows = (!rows.is_empty()).then(|| {
        let rows = rows.into_iter().map(|row| result_row(&consultation.default_language, row)).collect_view();
        view! { <ul class="bars">{rows}</ul> }
    });
    Some(view! {
        <div class="item-results" data-results-item=item.id().to_owned()>
            <h3 lang=title.lang() dir=title.dir()>{title.text()}</h3>
            <p>{tr_with!(results.ballots, move |_| vec![("count", ballots.to_string())])}</p>
            {note}
            {rows}
            {mean}
        </div>
    })
}

fn result_row(default_language: &str, row: ResultRow) -> impl IntoView {
    let ResultRow { key, label, count, percent } = row;
    let label = match label {
        RowLabel::Text(text) => Content::new(&text, default_language).view("").into_any(),
        RowLabel::Answer(answer) => crate::text::tr(answer_text(answer)).into_any(),
        RowLabel::Value(value, end) => {
            let end = end.map(|end| view! { " (" {Content::new(&end, default_language).view("")} ")" });
            view! { <span>{value} {end}</span> }.into_any()
        }
    };
    view! {
        <li data-option=key>
            <span class="bar-label">{label}</span>
            <span class="bar-figures">
                <span data-count="">{count}</span>
                " · "
                <span>{tr_with!(results.percent, move |_| vec![("value", percent.to_string())])}</span>
            </span>
            <span class="bar" aria-hidden="true">
                <span class="bar-fill" style=format!("inline-size: {percent}%")></span>
            </span>
        </li>
    }
}

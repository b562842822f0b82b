//! `/c/{id}/results`: a consultation's results, question by question, with
//! their charts: one of the citizen's later screens (a download of its own).

use std::sync::Arc;

use baraza_core::Consultation;
use leptos::prelude::*;

use super::not_found::not_found;
use super::page_title;
use crate::api::{self, AppError};
use crate::components::offline::kept_notice;
use crate::components::results::results;
use crate::components::{error_notice, loading, Content};
use crate::load::Load;
use crate::storage::Shelf;

pub fn results_page(id: String) -> impl IntoView {
    let key = id.clone();
    let consultation = Load::<Consultation>::kept_on_phone(Shelf::Consultations, key, move |etag| {
        let id = id.clone();
        async move { api::consultation_since(&id, etag).await }
    });
    // Until the consultation is read, the screen is headed by what it is for.
    let untitled = |body: AnyView| view! { <h1>{tr!(consultation.results_title)}</h1> {body} }.into_any();
    let page = move || match consultation.get() {
        None => untitled(loading(tr!(consultation.loading)).into_any()),
        Some(Err(AppError::NotFound)) => not_found().into_any(),
        Some(Err(error)) => untitled(error_notice(error, move || consultation.reload()).into_any()),
        Some(Ok(consultation)) => results_view(Arc::new(consultation)).into_any(),
    };
    view! {
        {kept_notice(move || consultation.kept_since())}
        {page}
    }
}

fn results_view(consultation: Arc<Consultation>) -> impl IntoView {
    let title = Content::new(&consultation.title, &consultation.default_language);
    page_title(title.text());
    let back = format!("/c/{}", consultation.id);
    view! {
        <article class="consultation">
            <h1 lang=title.lang() dir=title.dir()>{title.text()}</h1>
            <p><a href=back>{tr!(results.back)}</a></p>
            {results(consultation)}
        </article>
    }
}

//! For unknown addresses and unknown consultations.

use leptos::prelude::*;

use super::page_title;
use crate::language::use_language;

pub fn not_found() -> impl IntoView {
    let ui = use_language();
    page_title(move || text!(ui.get(), not_found.title).to_owned());
    view! {
        <h1>{tr!(not_found.title)}</h1>
        <p>{tr!(not_found.body)}</p>
        <p>
            <a href="/">{tr!(not_found.home)}</a>
        </p>
    }
}

//! The choice of language to read a consultation in, near its title: any
//! language its definition is written in, whether or not the interface
//! speaks it, remembered on the phone for every consultation after. Where
//! some of its texts lack the language chosen, a note says they are shown in
//! the default language.

use std::sync::Arc;

use baraza_core::Consultation;
use leptos::prelude::*;

use crate::browser;
use crate::language::{use_language, use_reading};

/// The choice, or nothing for a consultation written in one language.
pub fn reading_language(consultation: Arc<Consultation>) -> Option<impl IntoView> {
    let languages: Vec<String> = consultation.languages().into_iter().map(str::to_owned).collect();
    if languages.len() < 2 {
        return None;
    }
    let (ui, reading) = (use_language(), use_reading());
    // The language the consultation is shown in now: the one chosen where
    // the consultation has it, else its default.
    let shown = {
        let consultation = consultation.clone();
        move || consultation.title.language_shown(&reading.language(), &consultation.default_language).to_owned()
    };
    let options = languages
        .into_iter()
        .map(|tag| {
            let name = browser::language_name(&tag, &tag);
            let shown = shown.clone();
            let selected = tag.clone();
            view! {
                <option value=tag.clone() lang=tag prop:selected=move || shown() == selected>
                    {name}
                </option>
            }
        })
        .collect_view();
    let note = move || {
        let language = shown();
        consultation.partly_in(&language).then(|| {
            let locale = ui.get();
            let names = [
                ("language", browser::language_name(&language, locale.as_str())),
                ("default", browser::language_name(&consultation.default_language, locale.as_str())),
            ];
            view! { <p class="hint" data-partly-in=language>{crate::text::fill(text!(locale, consultation.partly_in), &names)}</p> }
        })
    };
    Some(view! {
        <div class="field reading-language">
            <label for="reading-language">{tr!(consultation.read_in)}</label>
            <select id="reading-language" name="reading-language" on:change=move |ev| reading.choose(&event_target_value(&ev))>
                {options}
            </select>
            {note}
        </div>
    })
}

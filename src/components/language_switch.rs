//! The language switch in the header.

use leptos::prelude::*;

use crate::language::use_language;
use crate::text::{self, Locale};

/// A labelled `<select name="language">`, each language named in itself.
/// The choice applies once the language's texts are on the phone, and is
/// remembered on this device; a language never used on this phone needs a
/// connection once, and the switch says so.
pub fn language_switch() -> impl IntoView {
    let ui = use_language();
    let choose = move |ev: leptos::ev::Event| {
        if let Some(locale) = Locale::from_tag(&event_target_value(&ev)) {
            ui.choose(locale);
        }
    };
    let options = Locale::ALL
        .iter()
        .map(|&locale| {
            view! {
                // A language that could not be loaded leaves the current one chosen.
                <option value=locale.as_str() lang=locale.as_str() prop:selected=move || {
                    ui.unavailable();
                    ui.get() == locale
                }>
                    {locale.native_name()}
                </option>
            }
        })
        .collect_view();
    let unavailable = move || {
        ui.unavailable().map(|wanted| {
            let said = move || {
                text::fill(text!(ui.get(), app.language_unavailable), &[("language", wanted.native_name().to_owned())])
            };
            view! { <p class="notice notice-error language-unavailable" role="alert">{said}</p> }
        })
    };
    view! {
        <div class="language-switch">
            <label for="language">{tr!(app.language)}</label>
            <select id="language" name="language" on:change=choose>
                {options}
            </select>
            {unavailable}
        </div>
    }
}

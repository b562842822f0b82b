//! The language switch in the header.

use leptos::prelude::*;
use leptos_i18n::Locale as _;

use crate::i18n::*;
use crate::language::use_language;
use crate::{browser, language};

/// A labelled `<select name="language">`, each language named in itself.
/// The choice applies at once and is remembered on this device.
pub fn language_switch() -> impl IntoView {
    let ui = use_language();
    let choose = move |ev: leptos::ev::Event| {
        if let Ok(locale) = event_target_value(&ev).parse::<Locale>() {
            ui.set(locale);
            browser::store(language::STORAGE_KEY, locale.as_str());
        }
    };
    let options = Locale::get_all()
        .iter()
        .map(|&locale| {
            view! {
                <option value=locale.as_str() lang=locale.as_str() prop:selected=move || ui.get() == locale>
                    {language::native_name(locale)}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="language-switch">
            <label for="language">{tr!(app.language)}</label>
            <select id="language" name="language" on:change=choose>
                {options}
            </select>
        </div>
    }
}

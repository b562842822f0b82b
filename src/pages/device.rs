//! `/device`: what Baraza keeps on this phone, said plainly, and a way to
//! erase it. Actions not counted yet would be lost: the citizen is told how
//! many and asked to confirm first. Drawn as markup ([`markup_view`]).

use leptos::prelude::*;

use super::page_title;
use crate::browser;
use crate::chart::escape;
use crate::components::markup_view;
use crate::components::offline::kept_consultations;
use crate::language::{self, use_language};
use crate::outbox::{use_outbox, PARTICIPANT_KEY};
use crate::storage::{self, Shelf};
use crate::text::fill;
use crate::text::Locale;

/// The address the page reloads to once everything is erased.
const ERASED: &str = "/device?erased";

pub fn device_page() -> impl IntoView {
    let ui = use_language();
    let outbox = use_outbox();
    page_title(move || text!(ui.get(), device.title).to_owned());
    let kept = kept_consultations();
    let confirming = RwSignal::new(false);
    let erased = browser::path() == ERASED;
    let page = move || {
        let locale = ui.get();
        let waiting = outbox.waiting_count();
        let (kept, answers) = (kept.with(Vec::len), outbox.answers().len());
        let count = |template: &str, count: usize| fill(template, &[("count", count.to_string())]);
        let language = match browser::stored(language::STORAGE_KEY).and_then(|l| Locale::from_tag(&l)) {
            Some(chosen) => fill(text!(locale, device.language), &[("language", chosen.native_name().into())]),
            None => text!(locale, device.language_none).to_owned(),
        };
        // The id follows its label as code in its own left-to-right box: in
        // Arabic text, a long id broken across lines would read out of order.
        let participant = match browser::stored(PARTICIPANT_KEY) {
            Some(id) => format!(
                "{} <code class=\"participant-id\" dir=\"ltr\">{}</code>",
                escape(text!(locale, device.participant)),
                escape(&id)
            ),
            None => escape(text!(locale, device.participant_none)),
        };
        let mut out = format!("<h1>{}</h1>", text!(locale, device.title));
        if erased {
            out.push_str(&format!(
                "<p class=\"notice\" role=\"status\" data-erased>{}</p>",
                text!(locale, device.erased)
            ));
        }
        out.push_str(&format!(
            "<p class=\"lead\">{}</p><ul class=\"device-data\" data-counts=\"{} {waiting} {}\">",
            text!(locale, device.intro),
            kept,
            answers
        ));
        for line in [
            count(text!(locale, device.kept), kept),
            count(text!(locale, device.waiting), waiting),
            count(text!(locale, device.answers), answers),
            language,
        ] {
            out.push_str(&format!("<li>{}</li>", escape(&line)));
        }
        out.push_str(&format!("<li>{participant}</li>"));
        out.push_str("</ul>");
        if confirming.get() {
            out.push_str(&format!(
                "<div class=\"notice notice-error\" role=\"alert\" data-confirm-erase><p>{}</p>\
                 <button type=\"button\" id=\"erase-confirm\" data-erase>{}</button> \
                 <button type=\"button\" class=\"secondary\" data-keep>{}</button></div>",
                count(text_count!(locale, device.confirm_lost, waiting as u64), waiting),
                text!(locale, device.confirm),
                text!(locale, device.cancel)
            ));
        } else {
            out.push_str(&format!(
                "<button type=\"button\" id=\"erase\" data-ask>{}</button>",
                text!(locale, device.erase)
            ));
        }
        out
    };
    let on_click = move |button: web_sys::Element| {
        if button.has_attribute("data-erase") || (button.has_attribute("data-ask") && outbox.waiting_count() == 0) {
            erase();
        } else if button.has_attribute("data-ask") {
            // Focus follows the buttons drawn anew.
            confirming.set(true);
            request_animation_frame(|| browser::focus("erase-confirm"));
        } else if button.has_attribute("data-keep") {
            confirming.set(false);
            request_animation_frame(|| browser::focus("erase"));
        }
    };
    markup_view(Box::new(page), Box::new(on_click))
}

/// Erases everything the app keeps on the phone, then opens this page anew:
/// nothing of the erased data stays in memory either.
fn erase() {
    leptos::task::spawn_local(async move {
        for shelf in Shelf::ALL {
            storage::clear(shelf).await;
        }
        browser::forget(language::STORAGE_KEY);
        browser::forget(PARTICIPANT_KEY);
        browser::load_page(ERASED);
    });
}

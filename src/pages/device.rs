//! `/device`: what Baraza keeps on this phone, said plainly, and a way to
//! erase it. Actions not counted yet would be lost: the citizen is told how
//! many and asked to confirm first.

use leptos::prelude::*;

use super::page_title;
use crate::browser;
use crate::chart::escape;
use crate::i18n::*;
use crate::language::{self, use_language};
use crate::outbox::{use_outbox, PARTICIPANT_KEY};
use crate::storage::{self, Shelf};
use crate::text::fill;

/// The address the page reloads to once everything is erased.
const ERASED: &str = "/device?erased";

pub fn device_page() -> impl IntoView {
    let ui = use_language();
    let outbox = use_outbox();
    page_title(move || td_string!(ui.get(), device.title).to_owned());
    let counts = RwSignal::new((0, 0));
    leptos::task::spawn_local(async move {
        let kept = storage::keys(Shelf::Consultations).await.len();
        let answers = storage::keys(Shelf::Answers).await.len();
        counts.try_set((kept, answers));
    });
    // Said as markup made in one routine: less code to download than a view per line.
    let lines = move || {
        let locale = ui.get();
        let (kept, answers) = counts.get();
        let count = |template: &str, count: usize| fill(template, &[("count", count.to_string())]);
        let language = match browser::stored(language::STORAGE_KEY).and_then(|l| l.parse::<Locale>().ok()) {
            Some(chosen) => {
                fill(td_string!(locale, device.language), &[("language", language::native_name(chosen).into())])
            }
            None => td_string!(locale, device.language_none).to_owned(),
        };
        let participant = match browser::stored(PARTICIPANT_KEY) {
            Some(id) => fill(td_string!(locale, device.participant), &[("id", id)]),
            None => td_string!(locale, device.participant_none).to_owned(),
        };
        [
            ("kept", count(td_string!(locale, device.kept), kept)),
            ("waiting", count(td_string!(locale, device.waiting), outbox.waiting_count())),
            ("answers", count(td_string!(locale, device.answers), answers)),
            ("language", language),
            ("participant", participant),
        ]
        .iter()
        .map(|(name, line)| format!("<li data-line=\"{name}\">{}</li>", escape(line)))
        .collect::<String>()
    };
    let confirming = RwSignal::new(false);
    let erase = move || {
        leptos::task::spawn_local(async move {
            for shelf in Shelf::ALL {
                storage::clear(shelf).await;
            }
            browser::forget(language::STORAGE_KEY);
            browser::forget(PARTICIPANT_KEY);
            browser::load_page(ERASED);
        });
    };
    let ask = move |_| {
        if outbox.waiting_count() > 0 {
            confirming.set(true);
        } else {
            erase();
        }
    };
    let confirm = move || {
        confirming.get().then(|| {
            let lost = move || {
                fill(td_string!(ui.get(), device.confirm_lost), &[("count", outbox.waiting_count().to_string())])
            };
            view! {
                <div class="notice notice-error" role="alert" data-confirm-erase="">
                    <p>{lost}</p>
                    <button type="button" on:click=move |_| erase()>
                        {tr!(device.confirm)}
                    </button>
                    " "
                    <button type="button" class="secondary" on:click=move |_| confirming.set(false)>
                        {tr!(device.cancel)}
                    </button>
                </div>
            }
        })
    };
    let erased = browser::path() == ERASED;
    view! {
        <h1>{tr!(device.title)}</h1>
        {erased.then(|| view! { <p class="notice" role="status" data-erased="">{tr!(device.erased)}</p> })}
        <p class="lead">{tr!(device.intro)}</p>
        <ul
            class="device-data"
            data-counts=move || format!("{} {} {}", counts.get().0, outbox.waiting_count(), counts.get().1)
            inner_html=lines
        ></ul>
        <button type="button" on:click=ask hidden=move || confirming.get()>
            {tr!(device.erase)}
        </button>
        {confirm}
    }
}

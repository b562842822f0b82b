//! `/device`: what Baraza keeps on this phone, said plainly, and a way to
//! erase it. Actions not counted yet would be lost: the citizen is told how
//! many and asked to confirm first.

use leptos::prelude::*;

use super::page_title;
use crate::i18n::*;
use crate::language::{self, use_language};
use crate::outbox::{use_outbox, PARTICIPANT_KEY};
use crate::storage::{self, Shelf};
use crate::{browser, text};

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
    let line = move |template: fn(Locale) -> &'static str, value: String| {
        move || {
            text::fill(
                template(ui.get()),
                &[("count", value.clone()), ("language", value.clone()), ("id", value.clone())],
            )
        }
    };
    let language_line = move || match browser::stored(language::STORAGE_KEY).and_then(|l| l.parse::<Locale>().ok()) {
        Some(locale) => line(|l| td_string!(l, device.language), language::native_name(locale).to_owned())(),
        None => td_string!(ui.get(), device.language_none).to_owned(),
    };
    let participant_line = move || match browser::stored(PARTICIPANT_KEY) {
        Some(id) => line(|l| td_string!(l, device.participant), id)(),
        None => td_string!(ui.get(), device.participant_none).to_owned(),
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
            let lost = line(|l| td_string!(l, device.confirm_lost), outbox.waiting_count().to_string());
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
        <ul class="device-data">
            <li data-kept-count=move || counts.get().0>
                {move || line(|l| td_string!(l, device.kept), counts.get().0.to_string())()}
            </li>
            <li data-waiting-count=move || outbox.waiting_count()>
                {move || line(|l| td_string!(l, device.waiting), outbox.waiting_count().to_string())()}
            </li>
            <li data-answers-count=move || counts.get().1>
                {move || line(|l| td_string!(l, device.answers), counts.get().1.to_string())()}
            </li>
            <li>{language_line}</li>
            <li class="participant">{participant_line}</li>
        </ul>
        <button type="button" on:click=ask hidden=move || confirming.get()>
            {tr!(device.erase)}
        </button>
        {confirm}
    }
}

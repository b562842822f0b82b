//! What the citizen sees of the app working offline: the date of a copy kept
//! on the phone, the "keep for offline" action, and the news of a new version.

use leptos::prelude::*;

use crate::service_worker::use_update;
use crate::storage::{self, Shelf};
use crate::{api, browser, kept};

/// "Saved on this phone. Last updated …" while a page shows its kept copy.
pub fn kept_notice(kept_since: impl Fn() -> Option<u64> + Send + Sync + 'static) -> impl IntoView {
    move || {
        kept_since().map(|at| {
            let text = tr_with!(offline.last_updated, move |locale| vec![(
                "date",
                browser::format_date_time(at, locale.as_str())
            )]);
            view! { <p class="notice kept-notice" data-kept-since=at>{text}</p> }
        })
    }
}

/// The ids of the consultations kept on the phone, read once (reactive).
pub fn kept_consultations() -> RwSignal<Vec<String>> {
    let ids = RwSignal::new(Vec::new());
    leptos::task::spawn_local(async move {
        ids.try_set(storage::keys(Shelf::Consultations).await);
    });
    ids
}

/// "Keep for offline" on a consultation's card, or that it is kept.
/// `described_by` is the id of the card's title, so that the button says
/// which consultation it keeps.
pub fn keep_control(id: String, described_by: String, kept: RwSignal<Vec<String>>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let is_kept = {
        let id = id.clone();
        move || kept.with(|ids| ids.contains(&id))
    };
    let is_kept_too = is_kept.clone();
    let keep = move |_| {
        busy.set(true);
        failed.set(false);
        let id = id.clone();
        leptos::task::spawn_local(async move {
            let written = match api::consultation_since(&id, None).await {
                Ok(api::Fetched::Fresh { body, etag }) => {
                    let record = kept::record(browser::now_ms(), etag.as_deref(), &body);
                    storage::write(Shelf::Consultations, &id, &record).await
                }
                _ => false,
            };
            busy.try_set(false);
            if written {
                kept.try_update(|ids| ids.push(id));
            } else {
                failed.try_set(true);
            }
        });
    };
    // Both states are in the page and one is hidden: one shape of view is
    // less code to download than two.
    view! {
        <div class="keep" aria-live="polite">
            <p class="kept" data-kept="" hidden=move || !is_kept_too()>
                {tr!(offline.kept)}
            </p>
            <button
                type="button"
                class="secondary keep-button"
                aria-describedby=described_by
                hidden=is_kept
                disabled=move || busy.get()
                on:click=keep
            >
                {tr!(offline.keep)}
            </button>
            <p class="problem" hidden=move || !failed.get()>
                {tr!(offline.keep_failed)}
            </p>
        </div>
    }
}

/// "A new version is ready", with the button that reloads into it.
pub fn update_notice() -> impl IntoView {
    let update = use_update();
    let notice = move || {
        update.ready().then(|| {
            view! {
                <p>{tr!(update.ready)}</p>
                <button type="button" on:click=move |_| update.apply()>
                    {tr!(update.reload)}
                </button>
            }
        })
    };
    view! { <div class="update-notice" role="status" data-update-ready=move || update.ready().to_string()>{notice}</div> }
}

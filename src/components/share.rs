//! Sharing a consultation: the phone's own share sheet where it has one,
//! else the link copied with a visible confirmation (or shown, to copy by
//! hand); and the consultation's poster, to print for a meeting.

use leptos::prelude::*;

use crate::browser;

/// What became of the last "share".
#[derive(Clone, Copy, PartialEq)]
enum Shared {
    Copied,
    /// No share sheet and no clipboard: the link is shown to copy by hand.
    ToCopy,
}

/// The share button and the poster's link of the consultation `id`, whose
/// title (as shown) goes with the link.
pub fn share_section(id: String, title: String) -> impl IntoView {
    let shared = RwSignal::new(None::<Shared>);
    let share = move |_| {
        let title = title.clone();
        shared.set(None);
        leptos::task::spawn_local(async move {
            let url = browser::page_url();
            if browser::share(&title, &url).await.is_none() {
                shared.set(Some(if browser::copy_text(&url).await { Shared::Copied } else { Shared::ToCopy }));
            }
        });
    };
    let status = move || match shared.get() {
        Some(Shared::Copied) => Some(crate::text::tr(key!(share.copied)).into_any()),
        Some(Shared::ToCopy) => Some(
            view! {
                <label for="share-link">{tr!(share.copy_yourself)}</label>
                <input id="share-link" type="text" readonly prop:value=browser::page_url() />
            }
            .into_any(),
        ),
        None => None,
    };
    let poster = format!("/c/{id}/poster");
    view! {
        <section class="share" aria-labelledby="share-title">
            <h2 id="share-title">{tr!(share.title)}</h2>
            <button type="button" class="secondary" on:click=share>
                {tr!(share.button)}
            </button>
            <div class="share-status" role="status">{status}</div>
            <p>
                <a href=poster>{tr!(share.poster)}</a>
            </p>
        </section>
    }
}

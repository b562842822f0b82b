//! Parts of a page that are downloaded when the page first shows them rather
//! than with the page. A bundle's `main.rs` marks each such function
//! `#[wasm_split(…, fallible)]`, which the build cuts into a wasm file of its
//! own (`scripts/split.mjs`), and hands the functions to the page as
//! [`LaterParts`]. They live in the bundle's own file because a split
//! function is exported from the wasm: written in the library, it would be
//! kept in every bundle.
//!
//! The service worker keeps those files with the rest of the app, so they
//! come from the phone after the first visit; before that, a failed
//! download (the network gone mid-visit) says so and offers to try again
//! instead of stopping the app.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use super::error_notice;
use crate::api::AppError;

/// A part's view, once its file has arrived.
pub type Downloading = Pin<Box<dyn Future<Output = Result<AnyView, SplitLoaderError>>>>;

/// The parts a page downloads later, each from its split function.
#[derive(Clone, Copy)]
pub struct LaterParts {
    /// A consultation's comments, given its id and whether it takes
    /// comments and reactions now.
    pub comment_list: fn(String, bool) -> Downloading,
    /// Sharing a consultation, given its id and its title as shown.
    pub share: fn(String, String) -> Downloading,
    /// "Was this useful?" under an information section, given the
    /// consultation's id and the section's.
    pub useful_mark: fn(String, String) -> Downloading,
}

/// Gives the page's parts to the components that show them.
pub fn provide_later_parts(parts: LaterParts) {
    provide_context(parts);
}

/// The page's later parts; `None` where the bundle has none (a preview of a
/// consultation on the staff side shows no comments).
pub fn use_later_parts() -> Option<LaterParts> {
    use_context::<LaterParts>()
}

/// The view `download` gives, shown once its file has arrived; while it
/// comes, nothing: the page around it is already usable.
pub fn later_part(download: impl Fn() -> Downloading + Send + Sync + 'static) -> impl IntoView {
    let attempt = RwSignal::new(0u32);
    move || {
        attempt.track();
        // The split function's future is not `Send`; the app has one thread.
        let part = send_wrapper::SendWrapper::new(download());
        Suspend::new(async move {
            match part.await {
                Ok(part) => part,
                Err(_) => error_notice(AppError::Network, move || attempt.update(|n| *n += 1)).into_any(),
            }
        })
    }
}

//! Starts a consultation's page (`consultation.html`: `/c/{id}`) in the
//! browser, once its texts are loaded, and names the parts of it that are
//! downloaded after it (components/later_part.rs says why here).

use baraza_app::components::comments::comment_list;
use baraza_app::components::items::useful_mark;
use baraza_app::components::later_part::LaterParts;
use baraza_app::components::share::share_section;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};

fn main() {
    // As on the citizen page: no panic hook, the browser still reports one.
    // Leptos starts its own task executor when it mounts; this first task
    // runs before that, on the browser's.
    wasm_bindgen_futures::spawn_local(async {
        let locale = baraza_app::language::start().await;
        let later = LaterParts {
            comment_list: |id, open| Box::pin(comments(id, open)),
            share: |id, title| Box::pin(share(id, title)),
            useful_mark: |id, item| Box::pin(useful(id, item)),
        };
        leptos::mount::mount_to_body(move || baraza_app::consultation_app(locale, later));
    });
}

/// Reading others' comments is not needed to vote or to comment: the list
/// comes in a file of its own.
#[wasm_split(comments, wasm_split_path = ::leptos::wasm_split, fallible)]
fn comments(consultation: String, open: bool) -> Result<AnyView, SplitLoaderError> {
    Ok(comment_list(consultation.into(), open).into_any())
}

/// Sharing is for after reading.
#[wasm_split(extras, wasm_split_path = ::leptos::wasm_split, fallible)]
fn share(consultation: String, title: String) -> Result<AnyView, SplitLoaderError> {
    Ok(share_section(consultation, title).into_any())
}

/// A mark on what was read, in the same piece as sharing.
#[wasm_split(extras, wasm_split_path = ::leptos::wasm_split, fallible)]
fn useful(consultation: String, item: String) -> Result<AnyView, SplitLoaderError> {
    Ok(useful_mark(consultation.into(), item).into_any())
}

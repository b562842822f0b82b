//! One module per screen.

pub mod consultation;
pub mod device;
pub mod editor;
pub mod home;
pub mod mine;
pub mod not_found;
pub mod paper_ballots;
pub mod receipt_check;
pub mod results;
pub mod staff;
pub mod staff_consultation;
pub mod staff_results;

use leptos::prelude::*;

use crate::browser;
use crate::language::use_language;

/// Keeps the document title "<page> — Baraza" in the interface language.
pub fn page_title(title: impl Fn() -> String + 'static) {
    let ui = use_language();
    Effect::new(move || {
        let app = text!(ui.get(), app.name);
        browser::set_title(&format!("{} — {app}", title()));
    });
}

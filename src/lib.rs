//! Baraza's app: Leptos client-side rendering, built by trunk.
//!
//! [`app`] (the citizen side) and [`staff_app`] (the staff side, a bundle of
//! its own; [`clerk_app`] the clerks' paper ballots) set the interface language and route to the pages. Talking to
//! the server is in [`api`], every citizen action goes through [`outbox`],
//! interface texts through [`text`]; what is kept on the phone for offline
//! use is in [`storage`] and [`kept`], and the service worker that keeps the
//! app itself in [`service_worker`]. What the app does with a few lines of
//! its own in place of a crate, to keep the download small, is in [`lean`],
//! each with the measured reason. The logic that needs no browser lives in
//! plain functions ([`present`], [`language`], [`kept`]) tested natively.

#[macro_use]
pub mod lean;

pub mod api;
pub mod chart;
pub mod clerk;
pub mod components;
pub mod input;
pub mod kept;
pub mod language;
pub mod outbox;
pub mod pages;
pub mod present;
pub mod service_worker;
pub mod staff_session;
pub mod sync;

pub use lean::{browser, json, load, route, storage, text};

use leptos::prelude::*;
use text::Locale;

/// The allocator of the wasm: talc, made for single-threaded WebAssembly and
/// smaller than Rust's default (dlmalloc).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use baraza_core::pages::Page;
use components::connection::connection_status;
use components::language_switch::language_switch;
use components::later_part::{provide_later_parts, LaterParts};
use components::offline::update_notice;
use pages::consultation::consultation_page;
use pages::device::device_page;
use pages::home::home;
use pages::mine::mine_page;
use pages::not_found::not_found;
use pages::paper_ballots::paper_ballots_page;
use pages::receipt_check::receipt_check_page;
use pages::results::results_page;
use pages::staff::staff_page;
use pages::staff_consultation::staff_consultation_page;
use pages::staff_results::staff_results_page;
use route::{ClerkRoute, ConsultationRoute, EditorRoute, LaterRoute, Route, StaffLaterRoute, StaffRoute};

/// The citizen app's first load at `/`: the consultations, in `locale`
/// (whose texts are loaded: [`language::start`]).
pub fn app(locale: Locale) -> impl IntoView {
    start_citizen_side(locale);
    let route = route::current(Page::Citizen, Route::parse);
    let page = move || match route.get() {
        Route::Home => home().into_any(),
        Route::NotFound => not_found().into_any(),
    };
    layout(page, connection_status(), update_notice())
}

/// The citizen app's first load at `/c/{id}` (`consultation.html`): one
/// consultation, read, voted on and commented on. A bundle of its own, so
/// that neither first load carries the other's code; the service worker
/// keeps both after either. `later` are the parts of the page downloaded
/// after it.
pub fn consultation_app(locale: Locale, later: LaterParts) -> impl IntoView {
    start_citizen_side(locale);
    provide_later_parts(later);
    let route = route::current(Page::Consultation, ConsultationRoute::parse);
    let page = move || match route.get() {
        ConsultationRoute::Consultation(id) => consultation_page(id).into_any(),
        ConsultationRoute::NotFound => not_found().into_any(),
    };
    layout(page, connection_status(), update_notice())
}

/// The citizen's later screens (`later.html`): a bundle of their own, which
/// the service worker fetches after the first load.
pub fn later_app(locale: Locale) -> impl IntoView {
    start_citizen_side(locale);
    let route = route::current(Page::Later, LaterRoute::parse);
    let page = move || match route.get() {
        LaterRoute::Mine => mine_page().into_any(),
        LaterRoute::Device => device_page().into_any(),
        LaterRoute::Results(id) => results_page(id).into_any(),
        LaterRoute::NotFound => not_found().into_any(),
    };
    layout(page, connection_status(), update_notice())
}

/// What every citizen page starts: the language, the outbox (which sends
/// whatever waits on the phone) and the service worker.
fn start_citizen_side(locale: Locale) {
    start_language(locale);
    outbox::provide_outbox();
    service_worker::provide_update();
}

/// The staff side: its own bundle (`staff.html`), so that no citizen
/// downloads it, with the same header, languages and look. Its first load is
/// the list of consultations and publishing.
pub fn staff_app(locale: Locale) -> impl IntoView {
    start_staff_side(locale);
    let route = route::current(Page::Staff, StaffRoute::parse);
    let page = move || match route.get() {
        StaffRoute::Consultations => staff_page().into_any(),
        StaffRoute::NotFound => not_found().into_any(),
    };
    layout(page, (), ())
}

/// The staff's later screens (`staff-later.html`): a consultation's detail
/// and its results with their charts, and the receipt check, a bundle of
/// their own that the browser fetches once the staff page has loaded.
pub fn staff_later_app(locale: Locale) -> impl IntoView {
    start_staff_side(locale);
    let route = route::current(Page::StaffLater, StaffLaterRoute::parse);
    let page = move || match route.get() {
        StaffLaterRoute::Consultation(id) => staff_consultation_page(id).into_any(),
        StaffLaterRoute::Results(id) => staff_results_page(id).into_any(),
        StaffLaterRoute::Receipts => receipt_check_page().into_any(),
        StaffLaterRoute::NotFound => not_found().into_any(),
    };
    layout(page, (), ())
}

/// The publishers' editor (`staff-editor.html`): drafts written in forms
/// with a phone preview, a bundle of its own that loads only when a
/// publisher opens it. Its preview draws the citizen's question forms,
/// which read an outbox: one that holds and sends nothing.
pub fn editor_app(locale: Locale) -> impl IntoView {
    start_staff_side(locale);
    outbox::provide_preview_outbox();
    let route = route::current(Page::Editor, EditorRoute::parse);
    let page = move || match route.get() {
        EditorRoute::Drafts => pages::editor::drafts_page().into_any(),
        EditorRoute::Draft(id) => pages::editor::draft_page(id).into_any(),
        EditorRoute::NotFound => not_found().into_any(),
    };
    layout(page, (), ())
}

/// The clerk's screen (`clerk.html`): paper ballots entered one after
/// another, a bundle of its own that only clerks load.
pub fn clerk_app(locale: Locale) -> impl IntoView {
    start_staff_side(locale);
    let route = route::current(Page::Clerk, ClerkRoute::parse);
    let page = move || match route.get() {
        ClerkRoute::PaperBallots => paper_ballots_page().into_any(),
        ClerkRoute::NotFound => not_found().into_any(),
    };
    layout(page, (), ())
}

/// What every staff page starts: the language and the signed-in session
/// (kept in the tab, so it follows the staff member from page to page).
fn start_staff_side(locale: Locale) {
    start_language(locale);
    staff_session::provide_staff_session();
}

/// The interface language, kept on `<html lang dir>`.
fn start_language(initial: Locale) {
    let ui = language::provide_language(initial);
    Effect::new(move || {
        let locale = ui.get();
        browser::set_document_language(locale.as_str(), if locale.is_right_to_left() { "rtl" } else { "ltr" });
    });
}

/// The skip link, the header with a side's own status, the side's own
/// notices, and `<main>` with the current page.
fn layout(
    page: impl Fn() -> AnyView + Send + Sync + 'static,
    status: impl IntoView,
    notices: impl IntoView,
) -> impl IntoView {
    let skip = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        browser::focus("main");
    };
    view! {
        <a class="skip-link" href="#main" on:click=skip>
            {tr!(app.skip_to_content)}
        </a>
        <header class="app-header">
            <a class="brand" href="/">{tr!(app.name)}</a>
            {status}
            {language_switch()}
        </header>
        {notices}
        <main id="main" tabindex="-1">
            {page}
        </main>
    }
}

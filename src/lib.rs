//! Baraza's app: Leptos client-side rendering, built by trunk.
//!
//! [`app`] (the citizen side) and [`staff_app`] (the staff side, a bundle of
//! its own) set the interface language and route to the pages. Talking to
//! the server is in [`api`], every citizen action goes through [`outbox`],
//! interface texts through [`text`]; what is kept on the phone for offline
//! use is in [`storage`] and [`kept`], and the service worker that keeps the
//! app itself in [`service_worker`]. The logic that needs no browser lives in
//! plain functions ([`present`], [`language`], [`kept`]) tested natively.

#[macro_use]
pub mod text;

pub mod api;
pub mod browser;
pub mod chart;
pub mod components;
pub mod input;
pub mod json;
pub mod kept;
pub mod language;
pub mod load;
pub mod outbox;
pub mod pages;
pub mod present;
pub mod route;
pub mod service_worker;
pub mod staff_session;
pub mod storage;
pub mod sync;

use leptos::prelude::*;
use text::Locale;

/// The allocator of the wasm: talc, made for single-threaded WebAssembly and
/// smaller than Rust's default (dlmalloc).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use components::connection::connection_status;
use components::language_switch::language_switch;
use components::offline::update_notice;
use pages::consultation::consultation_page;
use pages::device::device_page;
use pages::home::home;
use pages::mine::mine_page;
use pages::not_found::not_found;
use pages::results::results_page;
use pages::staff::staff_page;
use pages::staff_consultation::staff_consultation_page;
use pages::staff_results::staff_results_page;
use baraza_core::pages::Page;
use route::{LaterRoute, Route, StaffRoute};

/// The citizen app's first load: reading, voting and commenting, in
/// `locale` (whose texts are loaded: [`language::start`]).
pub fn app(locale: Locale) -> impl IntoView {
    start_citizen_side(locale);
    let route = route::current(Page::Citizen, Route::parse);
    let page = move || match route.get() {
        Route::Home => home().into_any(),
        Route::Consultation(id) => consultation_page(id).into_any(),
        Route::NotFound => not_found().into_any(),
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
/// downloads it, with the same header, languages and look.
pub fn staff_app(locale: Locale) -> impl IntoView {
    start_language(locale);
    staff_session::provide_staff_session();
    let route = route::current(Page::Staff, StaffRoute::parse);
    let page = move || match route.get() {
        StaffRoute::Consultations => staff_page().into_any(),
        StaffRoute::Consultation(id) => staff_consultation_page(id).into_any(),
        StaffRoute::Results(id) => staff_results_page(id).into_any(),
        StaffRoute::NotFound => not_found().into_any(),
    };
    layout(page, (), ())
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

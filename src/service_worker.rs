//! The service worker (`public/sw.js`) that keeps the citizen app on the
//! phone, and the news that a new version of the app is ready.
//!
//! A new version installs in the background and then waits: a page must
//! never run half on one build and half on another. The citizen is told, and
//! on their click the waiting worker takes over and the page reloads once.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

const SCRIPT: &str = "/sw.js";
/// The message `sw.js` answers with `skipWaiting()`.
const SKIP_WAITING: &str = "skip-waiting";

/// Whether a new version waits; provided once on the citizen side.
#[derive(Clone, Copy)]
pub struct Update {
    ready: RwSignal<bool>,
}

impl Update {
    /// A new version is installed and waits for the citizen (reactive).
    pub fn ready(self) -> bool {
        self.ready.get()
    }

    /// Lets the waiting version take over, then reloads the page into it.
    pub fn apply(self) {
        let Some(container) = container() else { return };
        let reload = Closure::<dyn Fn()>::new(|| {
            let _ = window().location().reload();
        });
        container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
        reload.forget();
        leptos::task::spawn_local(async move {
            let waiting = registration(&container).await.and_then(|registration| registration.waiting());
            match waiting.map(|worker| worker.post_message(&JsValue::from_str(SKIP_WAITING))) {
                Some(Ok(())) => {}
                // Already taken over elsewhere (another tab): the page only needs reloading.
                _ => {
                    let _ = window().location().reload();
                }
            }
        });
    }
}

/// The browser's service workers; `None` where there are none (old
/// browsers, pages not served over HTTPS).
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = window().navigator();
    js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker"))
        .unwrap_or(false)
        .then(|| navigator.service_worker())
}

async fn registration(container: &ServiceWorkerContainer) -> Option<ServiceWorkerRegistration> {
    let found = JsFuture::from(container.get_registration()).await.ok()?;
    (!found.is_undefined()).then(|| found.unchecked_into())
}

/// Registers the worker and follows its updates.
pub fn provide_update() {
    let update = Update { ready: RwSignal::new(false) };
    provide_context(update);
    let Some(container) = container() else { return };
    leptos::task::spawn_local(async move {
        let Ok(registered) = JsFuture::from(container.register(SCRIPT)).await else { return };
        let registration: ServiceWorkerRegistration = registered.unchecked_into();
        // The browser looks for a new version on every visit, maybe before
        // this page listens: one may already wait, or be installing.
        if registration.waiting().is_some() {
            update.note_installed(&container);
        }
        if let Some(installing) = registration.installing() {
            update.follow(installing, container.clone());
        }
        let watched = registration.clone();
        let on_update_found = Closure::<dyn Fn()>::new(move || {
            if let Some(installing) = watched.installing() {
                update.follow(installing, container.clone());
            }
        });
        registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
        on_update_found.forget();
    });
}

impl Update {
    fn follow(self, installing: ServiceWorker, container: ServiceWorkerContainer) {
        let worker = installing.clone();
        let on_state_change = Closure::<dyn Fn()>::new(move || {
            if worker.state() == ServiceWorkerState::Installed {
                self.note_installed(&container);
            }
        });
        installing.set_onstatechange(Some(on_state_change.as_ref().unchecked_ref()));
        on_state_change.forget();
    }

    /// A version finished installing. While another controls the page, it
    /// waits; without one (the first visit) it simply starts, nothing waits.
    fn note_installed(self, container: &ServiceWorkerContainer) {
        if container.controller().is_some() {
            self.ready.set(true);
        }
    }
}

pub fn use_update() -> Update {
    expect_context()
}

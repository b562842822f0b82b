//! Starts a consultation's page (`consultation.html`: `/c/{id}`) in the
//! browser, once its texts are loaded.

fn main() {
    // As on the citizen page: no panic hook, the browser still reports one.
    // Leptos starts its own task executor when it mounts; this first task
    // runs before that, on the browser's.
    wasm_bindgen_futures::spawn_local(async {
        let locale = baraza_app::language::start().await;
        leptos::mount::mount_to_body(move || baraza_app::consultation_app(locale));
    });
}

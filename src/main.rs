//! Starts the citizen app in the browser, once its texts are loaded.

fn main() {
    // No panic hook here, unlike the staff side: its kilobyte is paid by every
    // citizen, and the browser still reports a panic as an error.
    // Leptos starts its own task executor when it mounts; this first task
    // runs before that, on the browser's.
    wasm_bindgen_futures::spawn_local(async {
        let locale = baraza_app::language::start().await;
        leptos::mount::mount_to_body(move || baraza_app::app(locale));
    });
}

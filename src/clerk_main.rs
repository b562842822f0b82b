//! Starts the clerk's screen (`clerk.html`: `/staff/clerk`, entering paper
//! ballots) in the browser, once its texts are loaded.

fn main() {
    console_error_panic_hook::set_once();
    // Leptos starts its own task executor when it mounts; this first task
    // runs before that, on the browser's.
    wasm_bindgen_futures::spawn_local(async {
        let locale = baraza_app::language::start().await;
        leptos::mount::mount_to_body(move || baraza_app::clerk_app(locale));
    });
}

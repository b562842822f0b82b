//! Starts the staff's later screens (`staff-later.html`: `/staff/c/{id}` and
//! `/staff/c/{id}/results`) in the browser, once their texts are loaded.

fn main() {
    console_error_panic_hook::set_once();
    // Leptos starts its own task executor when it mounts; this first task
    // runs before that, on the browser's.
    wasm_bindgen_futures::spawn_local(async {
        let locale = baraza_app::language::start().await;
        leptos::mount::mount_to_body(move || baraza_app::staff_later_app(locale));
    });
}

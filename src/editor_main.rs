//! Starts the publishers' editor (`staff-editor.html`: `/staff/editor` and
//! `/staff/editor/{draft}`) in the browser, once its texts are loaded.

fn main() {
    console_error_panic_hook::set_once();
    // Leptos starts its own task executor when it mounts; this first task
    // runs before that, on the browser's.
    // The editor's own texts are read from the language files too.
    baraza_app::text::add_texts(&baraza_app::text::EDITOR_KEY_NAMES);
    wasm_bindgen_futures::spawn_local(async {
        let locale = baraza_app::language::start().await;
        leptos::mount::mount_to_body(move || baraza_app::editor_app(locale));
    });
}

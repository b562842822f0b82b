//! Starts the citizen app in the browser.

fn main() {
    // No panic hook here, unlike the staff side: its kilobyte is paid by every
    // citizen, and the browser still reports a panic as an error.
    leptos::mount::mount_to_body(baraza_app::app);
}

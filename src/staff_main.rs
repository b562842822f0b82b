//! Starts the staff side in the browser (`staff.html`, served under `/staff`).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(baraza_app::staff_app);
}

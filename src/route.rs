//! The app's addresses — `/`, `/c/{id}`, `/mine` and `/device` for citizens, `/staff`,
//! `/staff/c/{id}` and `/staff/c/{id}/results` for staff — and moving between
//! them without reloading the page.
//!
//! A handful of routes do not need a router library: these few lines replace
//! `leptos_router`, which made 40 KB of the compressed download (a sixth).

use leptos::prelude::*;

use baraza_core::staff::is_staff_path;

use crate::browser;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    Consultation(String),
    /// What the citizen sent from this phone.
    Mine,
    /// What the app keeps on this phone.
    Device,
    NotFound,
}

impl Route {
    /// The route of a path such as `/c/water-services-2027?x#y`.
    pub fn parse(path: &str) -> Route {
        match segments(path).as_slice() {
            [] => Route::Home,
            ["c", id] => Route::Consultation((*id).to_owned()),
            ["mine"] => Route::Mine,
            ["device"] => Route::Device,
            _ => Route::NotFound,
        }
    }
}

/// The staff side's routes, all under `/staff`, served by its own bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffRoute {
    Consultations,
    Consultation(String),
    /// The results screen of a consultation, for analysts.
    Results(String),
    NotFound,
}

impl StaffRoute {
    pub fn parse(path: &str) -> StaffRoute {
        match segments(path).as_slice() {
            ["staff"] => StaffRoute::Consultations,
            ["staff", "c", id] => StaffRoute::Consultation((*id).to_owned()),
            ["staff", "c", id, "results"] => StaffRoute::Results((*id).to_owned()),
            _ => StaffRoute::NotFound,
        }
    }
}

fn segments(path: &str) -> Vec<&str> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.split('/').filter(|segment| !segment.is_empty()).collect()
}

/// The current citizen route, following link clicks inside the citizen side
/// and the browser's back and forward buttons.
pub fn current_route() -> Memo<Route> {
    let path = followed_path(false);
    Memo::new(move |_| Route::parse(&path.get()))
}

/// The current staff route, as [`current_route`] for the staff side.
pub fn current_staff_route() -> Memo<StaffRoute> {
    let path = followed_path(true);
    Memo::new(move |_| StaffRoute::parse(&path.get()))
}

fn followed_path(staff: bool) -> RwSignal<String> {
    let path = RwSignal::new(browser::path());
    let _ = window_event_listener(leptos::ev::popstate, move |_| path.set(browser::path()));
    let _ = window_event_listener(leptos::ev::click, move |ev| {
        if let Some(to) = browser::link_inside_app(&ev).filter(|to| is_staff_path(to) == staff) {
            ev.prevent_default();
            browser::push_history(&to);
            path.set(to);
            browser::after_navigation();
        }
    });
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_routes() {
        assert_eq!(Route::parse("/"), Route::Home);
        assert_eq!(Route::parse(""), Route::Home);
        assert_eq!(Route::parse("/?lang=ar"), Route::Home);
        assert_eq!(Route::parse("/c/water-services-2027"), Route::Consultation("water-services-2027".into()));
        assert_eq!(Route::parse("/c/water-services-2027/#results"), Route::Consultation("water-services-2027".into()));
        assert_eq!(Route::parse("/mine"), Route::Mine);
        assert_eq!(Route::parse("/device?erased"), Route::Device);
        assert_eq!(Route::parse("/c/"), Route::NotFound);
        assert_eq!(Route::parse("/c/a/b"), Route::NotFound);
        assert_eq!(Route::parse("/nowhere"), Route::NotFound);
    }

    #[test]
    fn staff_paths_map_to_staff_routes() {
        assert_eq!(StaffRoute::parse("/staff"), StaffRoute::Consultations);
        assert_eq!(StaffRoute::parse("/staff/?x"), StaffRoute::Consultations);
        assert_eq!(StaffRoute::parse("/staff/c/road"), StaffRoute::Consultation("road".into()));
        assert_eq!(StaffRoute::parse("/staff/c/road/results"), StaffRoute::Results("road".into()));
        assert_eq!(
            StaffRoute::parse("/staff/c/road/results/?order=agreed#comments"),
            StaffRoute::Results("road".into())
        );
        assert_eq!(StaffRoute::parse("/staff/c/road/other"), StaffRoute::NotFound);
        assert_eq!(StaffRoute::parse("/staff/c"), StaffRoute::NotFound);
        assert_eq!(StaffRoute::parse("/"), StaffRoute::NotFound);
    }
}

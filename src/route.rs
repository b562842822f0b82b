//! Each page's addresses — `/` and `/c/{id}` on the citizen page; `/mine`,
//! `/device` and `/c/{id}/results` on the citizen's later screens; `/staff`,
//! `/staff/c/{id}` and `/staff/c/{id}/results` for staff — and moving between
//! addresses of one page without reloading it. Links to another page (core's
//! `pages::page_of`) load it like any link.
//!
//! A handful of routes do not need a router library: these few lines replace
//! `leptos_router`, which made 40 KB of the compressed download (a sixth).

use leptos::prelude::*;

use baraza_core::pages::{page_of, Page};

use crate::browser;

/// The citizen page's routes: what the first load shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    Consultation(String),
    NotFound,
}

impl Route {
    /// The route of a path such as `/c/water-services-2027?x#y`.
    pub fn parse(path: &str) -> Route {
        match segments(path).as_slice() {
            [] => Route::Home,
            ["c", id] => Route::Consultation((*id).to_owned()),
            _ => Route::NotFound,
        }
    }
}

/// The citizen's later screens, loaded after the first load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LaterRoute {
    /// What the citizen sent from this phone.
    Mine,
    /// What the app keeps on this phone.
    Device,
    /// A consultation's results, with their charts.
    Results(String),
    NotFound,
}

impl LaterRoute {
    pub fn parse(path: &str) -> LaterRoute {
        match segments(path).as_slice() {
            ["mine"] => LaterRoute::Mine,
            ["device"] => LaterRoute::Device,
            ["c", id, "results"] => LaterRoute::Results((*id).to_owned()),
            _ => LaterRoute::NotFound,
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

/// The current route of `page`, read by `parse`, following link clicks to
/// addresses of the same page and the browser's back and forward buttons.
pub fn current<R: PartialEq + Send + Sync + 'static>(page: Page, parse: fn(&str) -> R) -> Memo<R> {
    let path = RwSignal::new(browser::path());
    let _ = window_event_listener(leptos::ev::popstate, move |_| path.set(browser::path()));
    let _ = window_event_listener(leptos::ev::click, move |ev| {
        if let Some(to) = browser::link_inside_app(&ev).filter(|to| page_of(to) == page) {
            ev.prevent_default();
            browser::push_history(&to);
            path.set(to);
            browser::after_navigation();
        }
    });
    Memo::new(move |_| parse(&path.get()))
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
        assert_eq!(Route::parse("/c/"), Route::NotFound);
        assert_eq!(Route::parse("/c/a/b"), Route::NotFound);
        assert_eq!(Route::parse("/nowhere"), Route::NotFound);
    }

    #[test]
    fn later_paths_map_to_later_routes() {
        assert_eq!(LaterRoute::parse("/mine"), LaterRoute::Mine);
        assert_eq!(LaterRoute::parse("/device?erased"), LaterRoute::Device);
        assert_eq!(LaterRoute::parse("/c/road/results"), LaterRoute::Results("road".into()));
        assert_eq!(LaterRoute::parse("/c/road"), LaterRoute::NotFound);
    }

    #[test]
    fn every_route_belongs_to_its_page() {
        for path in ["/", "/c/road"] {
            assert_eq!(page_of(path), Page::Citizen, "{path}");
            assert_ne!(Route::parse(path), Route::NotFound, "{path}");
        }
        for path in ["/mine", "/device", "/c/road/results"] {
            assert_eq!(page_of(path), Page::Later, "{path}");
            assert_ne!(LaterRoute::parse(path), LaterRoute::NotFound, "{path}");
        }
        for path in ["/staff", "/staff/c/road", "/staff/c/road/results"] {
            assert_eq!(page_of(path), Page::Staff, "{path}");
            assert_ne!(StaffRoute::parse(path), StaffRoute::NotFound, "{path}");
        }
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

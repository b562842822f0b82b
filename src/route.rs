//! The app's addresses — `/` and `/c/{id}` — and moving between them
//! without reloading the page.
//!
//! Two routes do not need a router library: these few lines replace
//! `leptos_router`, which made 40 KB of the compressed download (a sixth).

use leptos::prelude::*;

use crate::browser;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    Consultation(String),
    NotFound,
}

impl Route {
    /// The route of a path such as `/c/water-services-2027?x#y`.
    pub fn parse(path: &str) -> Route {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').filter(|segment| !segment.is_empty()).collect();
        match segments.as_slice() {
            [] => Route::Home,
            ["c", id] => Route::Consultation((*id).to_owned()),
            _ => Route::NotFound,
        }
    }
}

/// The current route, following link clicks inside the app and the
/// browser's back and forward buttons.
pub fn current_route() -> Memo<Route> {
    let path = RwSignal::new(browser::path());
    let _ = window_event_listener(leptos::ev::popstate, move |_| path.set(browser::path()));
    let _ = window_event_listener(leptos::ev::click, move |ev| {
        if let Some(to) = browser::link_inside_app(&ev) {
            ev.prevent_default();
            browser::push_history(&to);
            path.set(to);
            browser::after_navigation();
        }
    });
    Memo::new(move |_| Route::parse(&path.get()))
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
}

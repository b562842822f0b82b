//! Each page's addresses — `/` on the citizen page; `/c/{id}` on the
//! consultation page; `/mine`,
//! `/device` and `/c/{id}/results` on the citizen's later screens; `/staff`
//! on the staff page; `/staff/c/{id}`, `/staff/c/{id}/results` and
//! `/staff/receipts` on the staff's later screens; `/staff/editor` and
//! `/staff/editor/{draft}` in the editor; `/staff/clerk` on the clerk
//! page — and moving between
//! addresses of one page without reloading it. Links to another page (core's
//! `pages::page_of`) load it like any link.
//!
//! A handful of routes do not need a router library: these few lines replace
//! `leptos_router`, which made 40 KB of the compressed download (a sixth).

use leptos::prelude::*;

use baraza_core::pages::{page_of, Page};

use crate::browser;

/// The citizen page's routes: the consultations, and any address the app
/// does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    NotFound,
}

impl Route {
    /// The route of a path such as `/?x#y`.
    pub fn parse(path: &str) -> Route {
        match segments(path).as_slice() {
            [] => Route::Home,
            _ => Route::NotFound,
        }
    }
}

/// The consultation page's route: one consultation, read, voted on and
/// commented on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsultationRoute {
    Consultation(String),
    NotFound,
}

impl ConsultationRoute {
    /// The route of a path such as `/c/water-services-2027?x#y`.
    pub fn parse(path: &str) -> ConsultationRoute {
        match segments(path).as_slice() {
            ["c", id] => ConsultationRoute::Consultation((*id).to_owned()),
            _ => ConsultationRoute::NotFound,
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

/// The staff page's routes, under `/staff`, served by its own bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffRoute {
    Consultations,
    NotFound,
}

impl StaffRoute {
    pub fn parse(path: &str) -> StaffRoute {
        match segments(path).as_slice() {
            ["staff"] => StaffRoute::Consultations,
            _ => StaffRoute::NotFound,
        }
    }
}

/// The staff's later screens, under `/staff/c/` and `/staff/receipts`, a
/// bundle of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffLaterRoute {
    Consultation(String),
    /// The results screen of a consultation, for analysts.
    Results(String),
    /// Checking a receipt a citizen shows.
    Receipts,
    NotFound,
}

impl StaffLaterRoute {
    pub fn parse(path: &str) -> StaffLaterRoute {
        match segments(path).as_slice() {
            ["staff", "c", id] => StaffLaterRoute::Consultation((*id).to_owned()),
            ["staff", "c", id, "results"] => StaffLaterRoute::Results((*id).to_owned()),
            ["staff", "receipts"] => StaffLaterRoute::Receipts,
            _ => StaffLaterRoute::NotFound,
        }
    }
}

/// The editor's screens: the drafts, and one draft being written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorRoute {
    Drafts,
    Draft(String),
    NotFound,
}

impl EditorRoute {
    pub fn parse(path: &str) -> EditorRoute {
        match segments(path).as_slice() {
            ["staff", "editor"] => EditorRoute::Drafts,
            ["staff", "editor", draft] => EditorRoute::Draft((*draft).to_owned()),
            _ => EditorRoute::NotFound,
        }
    }
}

/// The clerk page's route: entering paper ballots, a bundle of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClerkRoute {
    PaperBallots,
    NotFound,
}

impl ClerkRoute {
    pub fn parse(path: &str) -> ClerkRoute {
        match segments(path).as_slice() {
            ["staff", "clerk"] => ClerkRoute::PaperBallots,
            _ => ClerkRoute::NotFound,
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
        assert_eq!(Route::parse("/c/"), Route::NotFound);
        assert_eq!(Route::parse("/c/a/b"), Route::NotFound);
        assert_eq!(Route::parse("/nowhere"), Route::NotFound);
        let water = ConsultationRoute::Consultation("water-services-2027".into());
        assert_eq!(ConsultationRoute::parse("/c/water-services-2027"), water);
        assert_eq!(ConsultationRoute::parse("/c/water-services-2027/#results"), water);
        assert_eq!(ConsultationRoute::parse("/"), ConsultationRoute::NotFound);
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
        assert_eq!(page_of("/"), Page::Citizen);
        assert_ne!(Route::parse("/"), Route::NotFound);
        assert_eq!(page_of("/c/road"), Page::Consultation);
        assert_ne!(ConsultationRoute::parse("/c/road"), ConsultationRoute::NotFound);
        for path in ["/mine", "/device", "/c/road/results"] {
            assert_eq!(page_of(path), Page::Later, "{path}");
            assert_ne!(LaterRoute::parse(path), LaterRoute::NotFound, "{path}");
        }
        assert_eq!(page_of("/staff"), Page::Staff);
        assert_ne!(StaffRoute::parse("/staff"), StaffRoute::NotFound);
        for path in ["/staff/c/road", "/staff/c/road/results", "/staff/receipts"] {
            assert_eq!(page_of(path), Page::StaffLater, "{path}");
            assert_ne!(StaffLaterRoute::parse(path), StaffLaterRoute::NotFound, "{path}");
        }
    }

    #[test]
    fn staff_paths_map_to_staff_routes() {
        assert_eq!(StaffRoute::parse("/staff"), StaffRoute::Consultations);
        assert_eq!(StaffRoute::parse("/staff/?x"), StaffRoute::Consultations);
        assert_eq!(StaffRoute::parse("/staff/c"), StaffRoute::NotFound);
        assert_eq!(StaffRoute::parse("/"), StaffRoute::NotFound);
        assert_eq!(StaffLaterRoute::parse("/staff/c/road"), StaffLaterRoute::Consultation("road".into()));
        assert_eq!(StaffLaterRoute::parse("/staff/c/road/results"), StaffLaterRoute::Results("road".into()));
        assert_eq!(
            StaffLaterRoute::parse("/staff/c/road/results/?order=agreed#comments"),
            StaffLaterRoute::Results("road".into())
        );
        assert_eq!(StaffLaterRoute::parse("/staff/c/road/other"), StaffLaterRoute::NotFound);
        assert_eq!(StaffLaterRoute::parse("/staff"), StaffLaterRoute::NotFound);
        assert_eq!(StaffLaterRoute::parse("/staff/receipts?r=1"), StaffLaterRoute::Receipts);
        assert_eq!(page_of("/staff/clerk"), Page::Clerk);
        assert_eq!(ClerkRoute::parse("/staff/clerk/"), ClerkRoute::PaperBallots);
        assert_eq!(ClerkRoute::parse("/staff"), ClerkRoute::NotFound);
    }
}

//! The app's addresses and the page that serves each.
//!
//! The app is built as six pages, each with its own bundle, so that no one
//! downloads code for screens they do not use: the **citizen** page (`/`:
//! the consultations, and any unknown address) and the **consultation**
//! page (`/c/{id}`: read, vote, comment), each a first load whose service
//! worker then keeps the other, the citizen's **later**
//! screens (`/mine`, `/device`, `/c/{id}/results`: fetched by the service
//! worker after the first load, so they open offline too), the **staff**
//! page (`/staff`, the list of consultations and publishing) and the staff's
//! later screens (**staff later**: a consultation's detail and its results
//! with their charts, under `/staff/c/`, and the receipt check at
//! `/staff/receipts`, fetched by the browser once the staff page has
//! loaded), the publishers' **editor** (`/staff/editor`: drafts written in
//! forms, with a phone preview; loaded only when a publisher opens it) and
//! the **clerk** page (`/staff/clerk`: entering paper ballots, loaded only
//! by clerks). The server answers each address with its
//! page, and the app moves between addresses of one page without reloading
//! and leaves the others to a full load. The service worker (`public/sw.js`)
//! keeps a copy of the table, tested against the same examples
//! (`tests/pages.json`).

/// One of the app's pages, as built into its own folder of `dist/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Citizen,
    Consultation,
    Later,
    Staff,
    StaffLater,
    Editor,
    Clerk,
}

impl Page {
    /// Every page, each built into its own folder.
    pub const ALL: [Page; 7] =
        [Page::Citizen, Page::Consultation, Page::Later, Page::Staff, Page::StaffLater, Page::Editor, Page::Clerk];

    /// The page's folder in the built app (`dist/`), where its
    /// `index.html` is; empty for the citizen page at the top.
    pub fn folder(self) -> &'static str {
        match self {
            Page::Citizen => "",
            Page::Consultation => "consultation",
            Page::Later => "later",
            Page::Staff => "staff",
            Page::StaffLater => "staff/later",
            Page::Editor => "staff/editor",
            Page::Clerk => "staff/clerk",
        }
    }
}

/// The page that serves `path` (its query and fragment are ignored).
pub fn page_of(path: &str) -> Page {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|segment| !segment.is_empty()).collect();
    match segments.as_slice() {
        ["staff", "c", _] | ["staff", "c", _, "results"] | ["staff", "receipts"] => Page::StaffLater,
        ["staff", "editor"] | ["staff", "editor", _] => Page::Editor,
        ["staff", "clerk"] => Page::Clerk,
        ["staff", ..] => Page::Staff,
        ["mine"] | ["device"] | ["c", _, "results"] => Page::Later,
        ["c", _] => Page::Consultation,
        _ => Page::Citizen,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The examples the service worker's copy of the table is tested
    /// against too (tests/browser/service-worker.test.mjs).
    const EXAMPLES: &str = include_str!("../../../tests/pages.json");

    #[test]
    fn each_address_has_its_page() {
        let examples: std::collections::BTreeMap<String, String> = serde_json::from_str(EXAMPLES).unwrap();
        for (path, page) in examples {
            let expected = match page.as_str() {
                "citizen" => Page::Citizen,
                "consultation" => Page::Consultation,
                "later" => Page::Later,
                "staff" => Page::Staff,
                "staff-later" => Page::StaffLater,
                "staff-editor" => Page::Editor,
                "clerk" => Page::Clerk,
                other => panic!("tests/pages.json: unknown page {other}"),
            };
            assert_eq!(page_of(&path), expected, "{path}");
        }
    }

    #[test]
    fn the_query_and_fragment_do_not_count() {
        assert_eq!(page_of("/staff?x"), Page::Staff);
        assert_eq!(page_of("/staff/c/road/results?order=agreed"), Page::StaffLater);
        assert_eq!(page_of("/device?erased"), Page::Later);
        assert_eq!(page_of("/c/road/results/#x"), Page::Later);
        assert_eq!(page_of("/c/road#results"), Page::Consultation);
    }
}

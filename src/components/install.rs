//! Installing the app on the phone's home screen: a button where the
//! browser offers to install it (`beforeinstallprompt`, which
//! `public/install.js` keeps for the app when it comes before the app has
//! started), and on an iPhone or iPad, whose Safari offers no such thing,
//! how to add it from the Share menu.

use leptos::prelude::*;

use super::markup_view;
use crate::chart::escape;
use crate::language::use_language;
use crate::{browser, present};

pub fn install_offer() -> impl IntoView {
    let ui = use_language();
    let offered = RwSignal::new(browser::install_offered());
    let _ = window_event_listener_untyped("baraza-installable", move |_| offered.set(browser::install_offered()));
    let (user_agent, touch_points, standalone) = browser::device_for_install();
    let explain = present::needs_install_help(&user_agent, touch_points, standalone);
    // Markup, drawn by the rendering code other screens share: 1.1 KB of
    // the home screen's download, against 1.9 KB as view code (measured).
    let offer = move || {
        let locale = ui.get();
        if offered.get() {
            format!(
                "<div class=\"install\"><button type=\"button\" class=\"secondary\">{}</button></div>",
                escape(text!(locale, install.button))
            )
        } else if explain {
            format!("<p class=\"install install-help\">{}</p>", escape(text!(locale, install.ios_help)))
        } else {
            String::new()
        }
    };
    let install = move |_| {
        browser::install();
        offered.set(false);
    };
    markup_view(Box::new(offer), Box::new(install))
}

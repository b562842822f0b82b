//! The header's line on how the app stands with the server — online,
//! offline or sending — with how many actions wait on the phone, and the
//! link to the citizen's "your input" screen.

use leptos::prelude::*;

use super::markup_view;
use crate::chart::escape;
use crate::language::use_language;
use crate::outbox::{use_outbox, Connection};

pub fn connection_status() -> impl IntoView {
    let ui = use_language();
    let outbox = use_outbox();
    let line = move || {
        let locale = ui.get();
        let connection = outbox.connection();
        let state = match connection {
            Connection::Offline => text!(locale, connection.offline),
            Connection::Syncing => text!(locale, connection.syncing),
            Connection::Online => text!(locale, connection.online),
        };
        let count = outbox.waiting_count();
        let waiting = if count > 0 {
            crate::text::fill(text_count!(locale, connection.waiting, count as u64), &[("count", count.to_string())])
        } else {
            String::new()
        };
        format!(
            "<p class=\"connection\" data-connection=\"{}\" data-waiting=\"{count}\"><span class=\"connection-state\">{}</span>\
             <span class=\"connection-waiting\">{}</span><a href=\"/mine\">{}</a></p>",
            connection.name(),
            escape(state),
            escape(&waiting),
            escape(text!(locale, connection.mine_link))
        )
    };
    markup_view(Box::new(line), Box::new(|_| {}))
}

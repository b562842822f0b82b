//! The header's line on how the app stands with the server — online,
//! offline or sending — with how many actions wait on the phone, and the
//! link to the citizen's "your input" screen.

use leptos::prelude::*;

use super::markup_view;
use crate::chart::escape;
use crate::i18n::*;
use crate::language::use_language;
use crate::outbox::{use_outbox, Connection};

pub fn connection_status() -> impl IntoView {
    let ui = use_language();
    let outbox = use_outbox();
    let line = move || {
        let locale = ui.get();
        let connection = outbox.connection();
        let state = match connection {
            Connection::Offline => td_string!(locale, connection.offline),
            Connection::Syncing => td_string!(locale, connection.syncing),
            Connection::Online => td_string!(locale, connection.online),
        };
        let count = outbox.waiting_count();
        let waiting = if count > 0 {
            crate::text::fill(td_string!(locale, connection.waiting), &[("count", count.to_string())])
        } else {
            String::new()
        };
        format!(
            "<p class=\"connection\" data-connection=\"{}\" data-waiting=\"{count}\"><span class=\"connection-state\">{}</span>\
             <span class=\"connection-waiting\">{}</span><a href=\"/mine\">{}</a></p>",
            connection.name(),
            escape(state),
            escape(&waiting),
            escape(td_string!(locale, connection.mine_link))
        )
    };
    markup_view(Box::new(line), Box::new(|_| {}))
}

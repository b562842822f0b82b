//! The header's line on how the app stands with the server — online,
//! offline or sending — with how many actions wait on the phone, and the
//! link to the citizen's "your input" screen.

use leptos::prelude::*;

use crate::i18n::*;
use crate::language::use_language;
use crate::outbox::{use_outbox, Connection};

pub fn connection_status() -> impl IntoView {
    let ui = use_language();
    let outbox = use_outbox();
    let state = move || match outbox.connection() {
        Connection::Offline => td_string!(ui.get(), connection.offline),
        Connection::Syncing => td_string!(ui.get(), connection.syncing),
        Connection::Online => td_string!(ui.get(), connection.online),
    };
    let waiting = move || {
        let count = outbox.waiting_count();
        (count > 0)
            .then(|| crate::text::fill(td_string!(ui.get(), connection.waiting), &[("count", count.to_string())]))
    };
    view! {
        <p
            class="connection"
            data-connection=move || outbox.connection().name()
            data-waiting=move || outbox.waiting_count()
        >
            <span class="connection-state">{state}</span>
            <span class="connection-waiting">{waiting}</span>
            <a href="/mine">{tr!(connection.mine_link)}</a>
        </p>
    }
}

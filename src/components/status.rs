//! A consultation's status and the date that goes with it.

use baraza_core::Status;
use leptos::prelude::*;
use leptos_i18n::Locale as _;

use crate::browser;
use crate::present::DateLine;
use crate::text::{tr, Text};

/// The status as a badge, and its date: "Open · Closes 31 January 2027".
pub fn status_line(status: Status, line: DateLine) -> impl IntoView {
    let (class, label): (&str, Text) = match status {
        Status::Upcoming => ("status status-upcoming", |l| crate::i18n::td_string!(l, status.upcoming)),
        Status::Open => ("status status-open", |l| crate::i18n::td_string!(l, status.open)),
        Status::Closed => ("status status-closed", |l| crate::i18n::td_string!(l, status.closed)),
        Status::Archived => ("status status-archived", |l| crate::i18n::td_string!(l, status.archived)),
    };
    let (text, at): (Text, _) = match line {
        DateLine::Opens(at) => (|l| crate::i18n::td_string!(l, when.opens), at),
        DateLine::Closes(at) => (|l| crate::i18n::td_string!(l, when.closes), at),
        DateLine::Closed(at) => (|l| crate::i18n::td_string!(l, when.closed), at),
    };
    let date = crate::text::tr_with(text, move |locale| vec![("date", browser::format_date(at, locale.as_str()))]);
    view! {
        <p class="status-line">
            <span class=class>{tr(label)}</span>
            " "
            <span class="date">{date}</span>
        </p>
    }
}

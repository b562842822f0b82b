//! A consultation's status and the date that goes with it.

use baraza_core::Status;
use leptos::prelude::*;

use crate::browser;
use crate::present::DateLine;
use crate::text::{tr, Key};

/// The status as a badge, and its date: "Open · Closes 31 January 2027".
pub fn status_line(status: Status, line: DateLine) -> impl IntoView {
    let class = match status {
        Status::Upcoming => "status status-upcoming",
        Status::Open => "status status-open",
        Status::Closed => "status status-closed",
        Status::Archived => "status status-archived",
    };
    let (text, at): (Key, _) = match line {
        DateLine::Opens(at) => (key!(when.opens), at),
        DateLine::Closes(at) => (key!(when.closes), at),
        DateLine::Closed(at) => (key!(when.closed), at),
    };
    let date = crate::text::tr_with(text, move |locale| vec![("date", browser::format_date(at, locale.as_str()))]);
    view! {
        <p class="status-line">
            <span class=class>{tr(status_label(status))}</span>
            " "
            <span class="date">{date}</span>
        </p>
    }
}

/// A status's name: "Open".
pub fn status_label(status: Status) -> Key {
    match status {
        Status::Upcoming => key!(status.upcoming),
        Status::Open => key!(status.open),
        Status::Closed => key!(status.closed),
        Status::Archived => key!(status.archived),
    }
}

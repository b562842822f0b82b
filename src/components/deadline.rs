//! The deadline rule, said before a citizen votes near the close: an answer
//! saved on the phone may only reach the server later, and core's
//! `sync::deadline_notice` says until when it still counts.

use baraza_core::sync::deadline_notice;
use baraza_core::Consultation;
use leptos::prelude::*;

use crate::browser;

pub fn deadline_warning(consultation: &Consultation) -> Option<impl IntoView> {
    let notice = deadline_notice(consultation, browser::now())?;
    let text = tr_with!(consultation.deadline_near, move |locale| {
        let ui = locale.as_str();
        let closes = browser::format_moment(notice.closes_at, ui);
        let rule = if notice.grace_hours == 0 {
            text!(locale, consultation.deadline_no_grace).to_owned()
        } else {
            let deliver_by = browser::format_moment(notice.deliver_by, ui);
            crate::text::fill(text!(locale, consultation.deadline_grace), &[("deliver_by", deliver_by)])
        };
        vec![("closes", closes), ("rule", rule)]
    });
    Some(view! { <p class="notice deadline" role="note" data-deadline="">{text}</p> })
}

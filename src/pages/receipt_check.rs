//! `/staff/receipts`: a citizen shows staff the receipt their phone gave
//! them; staff paste or type it and read what it stands for — which action,
//! on which consultation and item, when it arrived — whether the receipt is
//! the server's own signature of that action as stored, and whether a
//! ballot still stands or was replaced by a newer one.

use baraza_core::admin::{typed_receipt, ReceiptCheck};
use leptos::prelude::*;

use super::page_title;
use crate::api::{self, AppError};
use crate::browser;
use crate::components::error_text;
use crate::components::staff_gate::staff_gate;
use crate::language::use_language;
use crate::staff_session::{use_staff_session, SignedIn};
use crate::text::{tr, Key};

pub fn receipt_check_page() -> impl IntoView {
    let ui = use_language();
    page_title(move || text!(ui.get(), staff_tools.receipt_title).to_owned());
    staff_gate(|signed_in| receipt_check(signed_in).into_any())
}

/// What the last check came to.
#[derive(Clone, PartialEq)]
enum Checked {
    Found(ReceiptCheck),
    /// Not 16 hexadecimal digits: not sent.
    NotAReceipt,
    /// The server knows no action with this receipt.
    Unknown,
    Failed(AppError),
}

fn receipt_check(signed_in: SignedIn) -> impl IntoView {
    let session = use_staff_session();
    let typed = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let checked = RwSignal::new(None::<Checked>);
    let token = StoredValue::new(signed_in.token);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(receipt) = typed_receipt(&typed.get_untracked()) else {
            checked.set(Some(Checked::NotAReceipt));
            return;
        };
        busy.set(true);
        checked.set(None);
        leptos::task::spawn_local(async move {
            let answer = api::check_receipt(&token.get_value(), &receipt).await;
            session.end_if_refused(&answer);
            checked.set(Some(match answer {
                Ok(found) => Checked::Found(found),
                Err(AppError::NotFound) => Checked::Unknown,
                Err(error) => Checked::Failed(error),
            }));
            busy.set(false);
        });
    };
    view! {
        <p><a href="/staff">{tr!(staff.back)}</a></p>
        <h1>{tr!(staff_tools.receipt_title)}</h1>
        <p id="receipt-intro">{tr!(staff_tools.receipt_intro)}</p>
        <form class="receipt-form" on:submit=submit>
            <div class="field">
                <label for="receipt-input">{tr!(staff_tools.receipt_label)}</label>
                <input
                    id="receipt-input"
                    name="receipt"
                    type="text"
                    autocomplete="off"
                    autocapitalize="none"
                    spellcheck="false"
                    dir="ltr"
                    required
                    aria-describedby="receipt-intro"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
            </div>
            <button type="submit" disabled=move || busy.get()>{tr!(staff_tools.receipt_check)}</button>
        </form>
        <div aria-live="polite">{move || checked.get().map(checked_view)}</div>
    }
}

fn checked_view(checked: Checked) -> AnyView {
    let problem = |text: Key| view! { <p class="notice notice-error" role="alert">{tr(text)}</p> }.into_any();
    match checked {
        Checked::Found(found) => found_view(found),
        Checked::NotAReceipt => problem(key!(staff_tools.receipt_not_a_receipt)),
        Checked::Unknown => problem(key!(staff_tools.receipt_unknown)),
        Checked::Failed(error) => {
            view! { <p class="notice notice-error" role="alert">{error_text(error)}</p> }.into_any()
        }
    }
}

/// The action a receipt stands for, as a list of terms.
fn found_view(found: ReceiptCheck) -> AnyView {
    let ui = use_language();
    let kind: Key = match found.kind.as_str() {
        "ballot" => key!(staff_tools.receipt_kind_ballot),
        "feedback" => key!(staff_tools.receipt_kind_feedback),
        "comment" => key!(staff_tools.receipt_kind_comment),
        _ => key!(staff_tools.receipt_kind_reaction),
    };
    let authentic: Key =
        if found.authentic { key!(staff_tools.receipt_authentic_yes) } else { key!(staff_tools.receipt_authentic_no) };
    let standing = found.standing.map(|standing| {
        let text: Key =
            if standing { key!(staff_tools.receipt_standing_yes) } else { key!(staff_tools.receipt_standing_no) };
        view! {
            <dt>{tr!(staff_tools.receipt_standing)}</dt>
            <dd data-standing=standing.to_string()>{tr(text)}</dd>
        }
    });
    let item = found.item.map(|item| {
        view! {
            <dt>{tr!(staff_tools.receipt_item)}</dt>
            <dd><code>{item}</code></dd>
        }
    });
    let received = found.received_at;
    let consultation = found.consultation;
    view! {
        <dl class="receipt-check" data-receipt=found.receipt.clone() data-kind=found.kind.clone()>
            <dt>{tr!(staff_tools.receipt_what)}</dt>
            <dd>{tr(kind)}</dd>
            <dt>{tr!(staff_tools.receipt_consultation)}</dt>
            <dd><a href=format!("/staff/c/{consultation}")><code>{consultation.clone()}</code></a></dd>
            {item}
            <dt>{tr!(staff_tools.receipt_received)}</dt>
            <dd>{move || browser::format_moment(received, ui.get().as_str())}</dd>
            <dt>{tr!(staff_tools.receipt_authentic)}</dt>
            <dd data-authentic=found.authentic.to_string()>{tr(authentic)}</dd>
            {standing}
            <dt>{tr!(staff_tools.receipt_action)}</dt>
            <dd><code>{found.action_id}</code></dd>
        </dl>
    }
    .into_any()
}

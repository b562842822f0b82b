//! `/mine`, "your input": everything the citizen sent from this phone — what
//! waits on the phone, what was counted with its receipt (to copy), and what
//! was refused, with the server's reason and what they can do about it.

use baraza_core::sync::RejectCode;
use leptos::prelude::*;
use leptos_i18n::Locale as _;

use super::page_title;
use crate::components::{loading, reject_text};
use crate::i18n::*;
use crate::language::use_language;
use crate::outbox::{kept_answers, use_outbox, ActionRecord, Delivery};
use crate::{browser, text};

pub fn mine_page() -> impl IntoView {
    let ui = use_language();
    let outbox = use_outbox();
    page_title(move || td_string!(ui.get(), mine.title).to_owned());
    let answers = RwSignal::new(None::<Vec<ActionRecord>>);
    Effect::new(move || {
        // Read again whenever the server answers another action.
        outbox.answers_kept();
        leptos::task::spawn_local(async move {
            let mut kept = kept_answers().await;
            kept.reverse();
            answers.try_set(Some(kept));
        });
    });
    let waiting = move || {
        let waiting = outbox.waiting();
        if waiting.is_empty() {
            return view! { <p>{tr!(mine.waiting_none)}</p> }.into_any();
        }
        view! {
            <p>{tr!(mine.waiting_hint)}</p>
            <ul class="input-list">{waiting.iter().map(|record| entry(record, ().into_any())).collect_view()}</ul>
            <button type="button" class="secondary" on:click=move |_| outbox.retry()>
                {tr!(mine.send_now)}
            </button>
        }
        .into_any()
    };
    let answered = move |refused: bool| {
        let Some(kept) = answers.get() else { return loading(tr!(mine.loading)).into_any() };
        let shown: Vec<(ActionRecord, Delivery)> = kept
            .into_iter()
            .filter_map(|record| record.answer().map(|answer| (record, answer)))
            .filter(|(_, answer)| matches!(answer, Delivery::Rejected(_)) == refused)
            .collect();
        if shown.is_empty() {
            return (!refused).then(|| view! { <p>{tr!(mine.counted_none)}</p> }).into_any();
        }
        let entries = shown
            .into_iter()
            .map(|(record, answer)| match answer {
                Delivery::Counted { receipt } => entry(&record, receipt_view(record.key(), receipt).into_any()),
                Delivery::Rejected(code) => {
                    // Shown here, the refusal is seen: it leaves the outbox.
                    if let Some(id) = record.action_id() {
                        outbox.seen(id);
                    }
                    entry(&record, refusal_view(code).into_any())
                }
                Delivery::Sending | Delivery::Saved(_) => ().into_any(),
            })
            .collect_view();
        view! { <ul class="input-list">{entries}</ul> }.into_any()
    };
    view! {
        <h1>{tr!(mine.title)}</h1>
        <p class="lead">{tr!(mine.intro)}</p>
        <section data-input="waiting">
            <h2>{tr!(mine.waiting_title)}</h2>
            {waiting}
        </section>
        <section data-input="counted">
            <h2>{tr!(mine.counted_title)}</h2>
            {move || answered(false)}
        </section>
        <section data-input="refused">
            <h2>{tr!(mine.refused_title)}</h2>
            {move || answered(true)}
        </section>
        <p>
            <a href="/device">{tr!(mine.device_link)}</a>
        </p>
    }
}

/// One action: what it was, where, when, and `answer`.
fn entry(record: &ActionRecord, answer: AnyView) -> AnyView {
    let ui = use_language();
    let what = {
        let (item, comment, consultation) = (record.ballot_item.clone(), record.comment, record.consultation.clone());
        move || {
            let locale = ui.get();
            let (template, item) = match (&item, comment) {
                (Some(item), _) => (td_string!(locale, mine.ballot), item.clone()),
                (None, true) => (td_string!(locale, mine.comment), String::new()),
                (None, false) => (td_string!(locale, mine.other), String::new()),
            };
            text::fill(template, &[("item", item), ("consultation", consultation.clone())])
        }
    };
    let made_at = record.made_at;
    let made = move || {
        let locale = ui.get();
        text::fill(td_string!(locale, mine.made), &[("date", browser::format_date_time(made_at, locale.as_str()))])
    };
    view! {
        <li data-action=record.id_text()>
            <p>
                <a href=format!("/c/{}", record.consultation)>{what}</a>
                <br />
                <span class="date">{made}</span>
            </p>
            {answer}
        </li>
    }
    .into_any()
}

/// The receipt as selectable text, and a button that copies it.
fn receipt_view(key: String, receipt: String) -> impl IntoView {
    let field = format!("receipt-{key}");
    let copied = RwSignal::new(None::<bool>);
    let copy = {
        let (field, receipt) = (field.clone(), receipt.clone());
        move |_| {
            let (field, receipt) = (field.clone(), receipt.clone());
            leptos::task::spawn_local(async move {
                let done = browser::copy_text(&receipt).await;
                if !done {
                    browser::select_text(&field);
                }
                copied.try_set(Some(done));
            });
        }
    };
    let said = move || {
        copied.get().map(|done| if done { tr!(mine.copied).into_any() } else { tr!(mine.copy_failed).into_any() })
    };
    view! {
        <div class="receipt">
            <label for=field.clone()>{tr!(mine.receipt)}</label>
            <input id=field type="text" readonly value=receipt data-receipt="" />
            <button type="button" class="secondary" on:click=copy>
                {tr!(mine.copy)}
            </button>
            <p class="copied" aria-live="polite">{said}</p>
        </div>
    }
}

/// Why the server refused, and what the citizen can do.
fn refusal_view(code: RejectCode) -> impl IntoView {
    let ui = use_language();
    let advice = move || {
        let locale = ui.get();
        match code {
            RejectCode::ConsultationClosed | RejectCode::UnknownConsultation | RejectCode::CommentsDisabled => {
                td_string!(locale, mine.advice_closed)
            }
            RejectCode::CodeRequired | RejectCode::InvalidCode | RejectCode::CodeUsed => {
                td_string!(locale, mine.advice_code)
            }
            _ => td_string!(locale, mine.advice_again),
        }
    };
    view! {
        <p class="problem" data-refused=code.as_str()>{move || reject_text(ui.get(), code)}</p>
        <p>{advice}</p>
    }
}

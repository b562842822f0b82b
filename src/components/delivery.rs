//! What happened to what the citizen sent: the outbox state of an action, or
//! why the app did not send it, in a polite live region.

use std::sync::Arc;

use baraza_core::sync::RejectCode;
use leptos::prelude::*;
use uuid::Uuid;

use super::{reject_advice, reject_text};
use crate::language::use_language;
use crate::outbox::{use_outbox, Delivery, Failure};

/// Why the app itself did not send an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Nothing was chosen.
    NothingChosen,
    /// Core's rules refuse it, for this reason.
    Rule(RejectCode),
}

/// Which action a form shows (reactive): the one sent from it, or one this
/// phone saved earlier.
pub type Shown = Arc<dyn Fn() -> Option<Uuid> + Send + Sync>;

/// The state of a form's last action: `shown` gives its id, `problem` what
/// stopped the app sending it. A refusal shown here is the citizen's to have
/// seen. `shown` is boxed so that this view is made once for every form (a
/// copy per form type cost 2.4 KB of wasm each).
pub fn delivery_status(shown: Shown, problem: RwSignal<Option<Problem>>) -> impl IntoView {
    let ui = use_language();
    let outbox = use_outbox();
    let shown_now = shown.clone();
    Effect::new(move || {
        if let Some(id) = shown_now() {
            // Tracked: runs again when the server's answer comes.
            outbox.delivery(id);
            outbox.seen(id);
        }
    });
    let problem_view = move || {
        problem.get().map(|problem| {
            let text = move || match problem {
                Problem::NothingChosen => text!(ui.get(), ballot.choose_first),
                Problem::Rule(code) => reject_text(ui.get(), code),
            };
            view! { <p class="problem">{text}</p> }
        })
    };
    let delivery_view = move || {
        let id = shown()?;
        let delivery = outbox.delivery(id)?;
        let name = delivery.name();
        let text = match delivery.clone() {
            Delivery::Sending => tr!(delivery.sending).into_any(),
            Delivery::Counted { receipt } => {
                tr_with!(delivery.counted, move |_| vec![("receipt", receipt.clone())]).into_any()
            }
            Delivery::Rejected(code) => {
                tr_with!(delivery.rejected, move |locale| vec![("reason", reject_text(locale, code).to_owned())])
                    .into_any()
            }
            Delivery::Saved(Failure::Network) => tr!(delivery.saved).into_any(),
            Delivery::Saved(Failure::Server) => tr!(delivery.saved_server).into_any(),
        };
        // A refusal says what the citizen can still do.
        let advice = match delivery {
            Delivery::Rejected(code) => Some(view! { <p>{move || reject_advice(ui.get(), code)}</p> }),
            _ => None,
        };
        let retry = matches!(delivery, Delivery::Saved(_)).then(|| {
            view! {
                <button type="button" class="secondary" on:click=move |_| outbox.retry()>
                    {tr!(delivery.retry)}
                </button>
            }
        });
        Some(view! {
            <div class=format!("delivery delivery-{name}") data-delivery=name>
                <p>{text}</p>
                {advice}
                {retry}
            </div>
        })
    };
    view! {
        <div class="delivery-region" aria-live="polite">
            {problem_view}
            {delivery_view}
        </div>
    }
}

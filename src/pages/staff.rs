//! `/staff`: every consultation with its status and participation, and (for
//! publishers) publishing a definition file with every problem shown at its
//! path, in the staff member's language, before anything is saved.

use baraza_core::admin::{AdminConsultation, Published};
use baraza_core::staff::Role;
use baraza_core::validate::Problem;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::page_title;
use crate::api::{self, AppError, PublishError};
use crate::browser;
use crate::components::problems::{problem_list, refusal};
use crate::components::staff_gate::{admin_consultations, staff_gate};
use crate::components::status::status_line;
use crate::components::{error_notice, error_text, level_texts, loading, Content};
use crate::language::use_language;
use crate::load::Load;
use crate::present::DateLine;
use crate::staff_session::{use_staff_session, SignedIn};

pub fn staff_page() -> impl IntoView {
    let ui = use_language();
    page_title(move || text!(ui.get(), staff.title).to_owned());
    staff_gate(|signed_in| staff_home(signed_in).into_any())
}

fn staff_home(signed_in: SignedIn) -> impl IntoView {
    let list = admin_consultations(&signed_in);
    // Clerks go on to their own screen, a bundle only they load.
    let clerk = (signed_in.member.role == Role::Clerk)
        .then(|| view! { <p><a href="/staff/clerk">{tr!(staff.clerk_link)}</a></p> });
    let publish = (signed_in.member.role == Role::Publisher).then(|| publish_form(signed_in.token.clone(), list));
    let consultations = move || match list.get() {
        None => loading(tr!(staff.loading)).into_any(),
        Some(Err(error)) => error_notice(error, move || list.reload()).into_any(),
        Some(Ok(list)) if list.consultations.is_empty() => view! { <p>{tr!(staff.empty)}</p> }.into_any(),
        Some(Ok(list)) => {
            let cards = list.consultations.iter().map(card).collect_view();
            view! { <ul class="cards staff-list">{cards}</ul> }.into_any()
        }
    };
    // The editor is a bundle of its own: only a link to it here, written as
    // the header's link home is, which costs the staff first load the
    // fewest bytes (the same view code serves both).
    // The editor is a bundle of its own: only a link to it here, written
    // exactly as the header's link home is, so that both share their view
    // code and the staff first load grows the least.
    let editor = (signed_in.member.role == Role::Publisher)
        .then(|| view! { <a class="editor-link" href="/staff/editor">{tr!(staff.open_editor)}</a> });
    view! {
        <h1>{tr!(staff.title)}</h1>
        {editor}
        {clerk}
        <p><a href="/staff/receipts">{tr!(staff.check_receipt)}</a></p>
        {publish}
        <section aria-labelledby="staff-consultations">
            <h2 id="staff-consultations">{tr!(staff.consultations)}</h2>
            {consultations}
        </section>
    }
}

fn card(consultation: &AdminConsultation) -> impl IntoView {
    let summary = &consultation.summary;
    let title = Content::new(&summary.title, &summary.default_language);
    let participants = consultation.participants;
    let count = tr_count!(staff.participants, participants, move |locale| vec![(
        "count",
        browser::format_number(participants, locale.as_str())
    )]);
    let archived =
        consultation.archived.then(|| view! { <span class="status status-archived">{tr!(staff.archived)}</span> });
    view! {
        <li class="card" data-consultation=summary.id.clone()>
            <h3 lang=title.lang() dir=title.dir()>
                <a href=format!("/staff/c/{}", summary.id)>{title.text()}</a>
            </h3>
            <p class="meta"><code>{summary.id.clone()}</code> " · " {crate::text::tr(level_texts(summary.level).0)}</p>
            {status_line(summary.status, DateLine::of(summary))}
            {archived}
            <p class="participants" data-participants=participants>{count}</p>
        </li>
    }
}

/// What the last publishing attempt came to.
#[derive(Clone, PartialEq)]
enum Outcome {
    Done(Published),
    Refused { locked: bool, problems: Vec<Problem> },
    NoFile,
    Unreadable,
    Failed(AppError),
}

fn publish_form(token: String, list: Load<baraza_core::admin::AdminConsultationList>) -> impl IntoView {
    let session = use_staff_session();
    let file = NodeRef::<leptos::html::Input>::new();
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(input) = file.get_untracked() else { return };
        let input: web_sys::HtmlInputElement = input.unchecked_into();
        let token = token.clone();
        busy.set(true);
        outcome.set(None);
        leptos::task::spawn_local(async move {
            let result = if input.files().and_then(|files| files.get(0)).is_none() {
                Outcome::NoFile
            } else {
                match browser::chosen_file_text(&input).await {
                    None => Outcome::Unreadable,
                    Some(text) => match api::publish(&token, text).await {
                        Ok(published) => {
                            list.reload();
                            Outcome::Done(published)
                        }
                        Err(PublishError::Refused { locked, problems, .. }) => Outcome::Refused { locked, problems },
                        Err(PublishError::Failed(AppError::Unauthorized)) => {
                            session.sign_out();
                            Outcome::Failed(AppError::Unauthorized)
                        }
                        Err(PublishError::Failed(error)) => Outcome::Failed(error),
                    },
                }
            };
            outcome.set(Some(result));
            busy.set(false);
        });
    };
    view! {
        <section class="publish" aria-labelledby="publish-title">
            <h2 id="publish-title">{tr!(staff.publish_title)}</h2>
            <p id="publish-intro">{tr!(staff.publish_intro)}</p>
            <form class="publish-form" on:submit=submit>
                <div class="field">
                    <label for="definition-file">{tr!(staff.file_label)}</label>
                    <input
                        id="definition-file"
                        name="definition"
                        type="file"
                        accept=".json,application/json"
                        aria-describedby="publish-intro"
                        node_ref=file
                    />
                </div>
                <button type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { tr!(staff.publishing).into_any() } else { tr!(staff.publish).into_any() }}
                </button>
            </form>
            <div class="publish-outcome" aria-live="polite">{move || outcome.get().map(outcome_view)}</div>
        </section>
    }
}

fn outcome_view(outcome: Outcome) -> AnyView {
    match outcome {
        Outcome::Done(published) => {
            let id = published.id.clone();
            let done = if published.created {
                tr_with!(staff.published, move |_| vec![("id", id.clone())]).into_any()
            } else {
                tr_with!(staff.updated, move |_| vec![("id", id.clone())]).into_any()
            };
            let warnings = (!published.warnings.is_empty()).then(|| {
                view! {
                    <p>{tr!(staff.warnings)}</p>
                    {problem_list(published.warnings)}
                }
            });
            view! {
                <div class="notice" role="status" data-published=published.id.clone()>
                    <p>{done}</p>
                    {warnings}
                </div>
            }
            .into_any()
        }
        Outcome::Refused { locked, problems } => refusal(locked, problems),
        Outcome::NoFile => view! { <p class="notice notice-error" role="alert">{tr!(staff.no_file)}</p> }.into_any(),
        Outcome::Unreadable => {
            view! { <p class="notice notice-error" role="alert">{tr!(staff.unreadable_file)}</p> }.into_any()
        }
        Outcome::Failed(error) => {
            view! { <p class="notice notice-error" role="alert">{error_text(error)}</p> }.into_any()
        }
    }
}

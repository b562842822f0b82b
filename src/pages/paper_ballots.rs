//! `/staff/clerk`: a clerk enters paper ballots of one consultation, one
//! after another, from the keyboard: the participation code printed on the
//! paper (for `codes` consultations), then each question as the citizen's
//! form draws it (`components::items`), then Enter. Each entry waits on
//! this device ([`crate::clerk`]) with a running count, the last one can be
//! undone until the waiting ones are sent, and each paper ballot the server
//! counts gets the receipt number the clerk writes on it; a refused one
//! says why (a code already used). What is being typed is kept too, so a
//! reload loses nothing.

use std::collections::BTreeMap;
use std::sync::Arc;

use baraza_core::admin::AdminConsultationList;
use baraza_core::ballot::check_ballot;
use baraza_core::codes;
use baraza_core::definition::Eligibility;
use baraza_core::paper::{PaperBallot, PaperBatch, MAX_PAPER_BALLOTS_PER_BATCH};
use baraza_core::staff::Role;
use baraza_core::sync::{Action, ActionKind, RejectCode};
use baraza_core::{Consultation, Item, Status};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::page_title;
use crate::api::{self, AppError};
use crate::clerk::{Entries, Entry, EntryState, ENTRIES_KEY};
use crate::components::items::{ballot_of, first_selection, question_view, Selection};
use crate::components::staff_gate::{admin_consultations, staff_gate};
use crate::components::{error_notice, error_text, loading, reject_text, Content};
use crate::language::use_language;
use crate::load::Load;
use crate::outbox::new_uuid;
use crate::staff_session::{use_staff_session, SignedIn};
use crate::text::fill;
use crate::{browser, json};

/// The consultation chosen, kept for the next visit.
const CHOSEN_KEY: &str = "baraza.clerk.consultation";
/// The paper ballot being typed, kept as it is typed.
const DRAFT_KEY: &str = "baraza.clerk.draft";

/// A paper ballot being typed: the code and what is marked per question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Draft {
    consultation: String,
    code: String,
    chosen: BTreeMap<String, Vec<String>>,
}

pub fn paper_ballots_page() -> impl IntoView {
    let ui = use_language();
    page_title(move || text!(ui.get(), clerk.title).to_owned());
    staff_gate(|signed_in| {
        if signed_in.member.role == Role::Clerk {
            clerk_screen(signed_in).into_any()
        } else {
            view! { <p class="notice notice-error" role="alert">{tr!(clerk.clerks_only)}</p> }.into_any()
        }
    })
}

fn clerk_screen(signed_in: SignedIn) -> impl IntoView {
    let list = admin_consultations(&signed_in);
    let chosen = RwSignal::new(browser::stored(CHOSEN_KEY).unwrap_or_default());
    let entries = RwSignal::new(browser::stored(ENTRIES_KEY).and_then(|text| json::parse(&text)).unwrap_or_default());
    Effect::new(move || entries.with(|entries: &Entries| browser::store(ENTRIES_KEY, &json::write(entries))));
    Effect::new(move || browser::store(CHOSEN_KEY, &chosen.get()));
    let token = signed_in.token;
    let chooser = move || match list.get() {
        None => loading(tr!(staff.loading)).into_any(),
        Some(Err(error)) => error_notice(error, move || list.reload()).into_any(),
        Some(Ok(list)) => chooser(list, chosen).into_any(),
    };
    let form = move || {
        let id = chosen.get();
        (!id.is_empty()).then(|| entry_screen(id, token.clone(), entries))
    };
    view! {
        <h1>{tr!(clerk.title)}</h1>
        <p>{tr!(clerk.intro)}</p>
        {chooser}
        {form}
    }
}

/// The open consultations to choose from.
fn chooser(list: AdminConsultationList, chosen: RwSignal<String>) -> impl IntoView {
    let open: Vec<_> =
        list.consultations.into_iter().filter(|c| c.summary.status == Status::Open && !c.archived).collect();
    if open.is_empty() {
        return view! { <p>{tr!(clerk.none_open)}</p> }.into_any();
    }
    let options = open
        .iter()
        .map(|consultation| {
            let summary = &consultation.summary;
            let title = Content::new(&summary.title, &summary.default_language);
            let id = summary.id.clone();
            let selected = chosen.get_untracked() == id;
            view! { <option value=id selected=selected>{title.text()}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for="clerk-consultation">{tr!(clerk.consultation_label)}</label>
            <select id="clerk-consultation" name="consultation" on:change=move |ev| chosen.set(event_target_value(&ev))>
                <option value="">{tr!(clerk.choose)}</option>
                {options}
            </select>
        </div>
    }
    .into_any()
}

/// The form and the entries of the consultation `id`, once its definition
/// has loaded.
fn entry_screen(id: String, token: String, entries: RwSignal<Entries>) -> impl IntoView {
    let definition = {
        let id = id.clone();
        Load::new(move || {
            let id = id.clone();
            async move {
                let body = api::consultation_body(&id).await?;
                json::parse::<Consultation>(&body).ok_or(AppError::Server)
            }
        })
    };
    move || match definition.get() {
        None => loading(tr!(staff.loading)).into_any(),
        Some(Err(error)) => error_notice(error, move || definition.reload()).into_any(),
        Some(Ok(consultation)) => view! {
            {paper_form(Arc::new(consultation), entries)}
            {entries_view(id.clone(), token.clone(), entries)}
        }
        .into_any(),
    }
}

/// What stopped a paper ballot being added.
#[derive(Clone, PartialEq)]
enum Problem {
    NothingMarked,
    Code(RejectCode),
    /// Core's rules refuse the answer to this question.
    Answer {
        title: String,
        code: RejectCode,
    },
}

fn paper_form(consultation: Arc<Consultation>, entries: RwSignal<Entries>) -> impl IntoView {
    let ui = use_language();
    let id = consultation.id.clone();
    let language = consultation.default_language.clone();
    let codes_needed = consultation.eligibility == Eligibility::Codes;
    // What was being typed for this consultation before a reload.
    let draft = browser::stored(DRAFT_KEY)
        .and_then(|text| json::parse::<Draft>(&text))
        .filter(|draft| draft.consultation == id)
        .unwrap_or_else(|| Draft { consultation: id.clone(), ..Draft::default() });
    let typed_code = RwSignal::new(draft.code.clone());
    let questions: Vec<(Arc<Item>, Selection)> = consultation
        .items
        .iter()
        .filter(|item| !matches!(item, Item::Info { .. }))
        .map(|item| {
            let kept = draft.chosen.get(item.id()).cloned();
            (Arc::new(item.clone()), RwSignal::new(kept.unwrap_or_else(|| first_selection(item))))
        })
        .collect();
    let questions = Arc::new(questions);
    {
        let (questions, id) = (questions.clone(), id.clone());
        Effect::new(move || {
            let chosen = questions.iter().map(|(item, selection)| (item.id().to_owned(), selection.get())).collect();
            let draft = Draft { consultation: id.clone(), code: typed_code.get(), chosen };
            browser::store(DRAFT_KEY, &json::write(&draft));
        });
    }
    let problem = RwSignal::new(None::<Problem>);
    let added = RwSignal::new(None::<u32>);
    let first_field = if codes_needed { "paper-code" } else { "paper-first" };
    let submit = {
        let (questions, id, language) = (questions.clone(), id.clone(), language.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            added.set(None);
            let code = if codes_needed {
                let typed = typed_code.get_untracked();
                if typed.trim().is_empty() {
                    problem.set(Some(Problem::Code(RejectCode::CodeRequired)));
                    return;
                }
                match codes::normalize(&typed) {
                    Some(code) => Some(code),
                    None => {
                        problem.set(Some(Problem::Code(RejectCode::InvalidCode)));
                        return;
                    }
                }
            } else {
                None
            };
            let cast_at = Some(browser::now());
            let mut actions = Vec::new();
            for (item, selection) in questions.iter() {
                let chosen = selection.get_untracked();
                // A ranking shows its options in order before anyone moves them.
                if chosen == first_selection(item) && matches!(**item, Item::Ranking { .. }) {
                    continue;
                }
                let Some(ballot) = ballot_of(item, chosen) else { continue };
                if let Err(rejection) = check_ballot(item, &ballot) {
                    let locale = ui.get_untracked();
                    let title = crate::present::shown(item.title(), locale.as_str(), locale.as_str(), &language).0;
                    problem.set(Some(Problem::Answer { title: title.to_owned(), code: rejection.code }));
                    return;
                }
                let kind = ActionKind::Ballot { item: item.id().to_owned(), ballot, cast_at };
                let action = Action { id: new_uuid(), consultation: id.clone(), kind };
                actions.push(serde_json::to_value(&action).expect("an action always serializes"));
            }
            if actions.is_empty() {
                problem.set(Some(Problem::NothingMarked));
                return;
            }
            problem.set(None);
            let ballot = PaperBallot { participant: new_uuid(), code, actions };
            let mut number = 0;
            entries.update(|entries| number = entries.add(&id, ballot));
            added.set(Some(number));
            // Ready for the next paper.
            typed_code.set(String::new());
            for (item, selection) in questions.iter() {
                selection.set(first_selection(item));
            }
            browser::focus(first_field);
        }
    };
    let code_field = codes_needed.then(|| {
        view! {
            <div class="field">
                <label for="paper-code">{tr!(clerk.code_label)}</label>
                <input
                    id="paper-code"
                    name="code"
                    type="text"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    dir="ltr"
                    prop:value=move || typed_code.get()
                    on:input=move |ev| typed_code.set(event_target_value(&ev))
                />
            </div>
        }
    });
    let fields = questions
        .iter()
        .enumerate()
        .map(|(index, (item, selection))| {
            // The first question can be focused by id when there is no code.
            let anchor = (index == 0 && !codes_needed).then_some("paper-first");
            view! { <div class="paper-question" id=anchor tabindex=anchor.map(|_| "-1")>{question_view(item, &language, *selection, true)}</div> }
        })
        .collect_view();
    let problem_text = move || {
        let locale = ui.get();
        problem.get().map(|problem| match problem {
            Problem::NothingMarked => text!(locale, clerk.nothing_marked).to_owned(),
            Problem::Code(code) => reject_text(locale, code).to_owned(),
            Problem::Answer { title, code } => fill(
                text!(locale, clerk.answer_problem),
                &[("title", title), ("problem", reject_text(locale, code).to_owned())],
            ),
        })
    };
    view! {
        <form class="paper-form" data-consultation=id.clone() on:submit=submit>
            {code_field}
            {fields}
            <button type="submit" id="paper-add">{tr!(clerk.add)}</button>
        </form>
        <div aria-live="polite">
            <p class="notice notice-error" role="alert" hidden=move || problem.get().is_none()>{problem_text}</p>
            {move || added.get().map(|number| view! {
                <p class="notice" role="status">{tr_with!(clerk.added, move |_| vec![("number", number.to_string())])}</p>
            })}
        </div>
    }
}

/// The running count, undo, sending, and every entry of the consultation
/// with its receipt or why it was refused, newest first.
fn entries_view(id: String, token: String, entries: RwSignal<Entries>) -> impl IntoView {
    let ui = use_language();
    let session = use_staff_session();
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    let undone = RwSignal::new(None::<u32>);
    let token = StoredValue::new(token);
    let count = {
        let id = id.clone();
        move || {
            let locale = ui.get();
            let tally = entries.with(|entries| entries.tally(&id));
            let number = |n: u64| browser::format_number(n, locale.as_str());
            fill(
                text!(locale, clerk.count),
                &[
                    ("entered", number(tally.entered)),
                    ("waiting", number(tally.waiting)),
                    ("counted", number(tally.counted)),
                    ("refused", number(tally.refused)),
                ],
            )
        }
    };
    let undo = {
        let id = id.clone();
        move |_| {
            let mut number = None;
            entries.update(|entries| number = entries.undo_last(&id));
            undone.set(number);
        }
    };
    let send = move |_| {
        let waiting = entries.with_untracked(Entries::waiting);
        if waiting.is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        failure.set(None);
        undone.set(None);
        leptos::task::spawn_local(async move {
            for batch in waiting.chunks(MAX_PAPER_BALLOTS_PER_BATCH) {
                let answer =
                    api::enter_paper_ballots(&token.get_value(), &PaperBatch { ballots: batch.to_vec() }).await;
                session.end_if_refused(&answer);
                match answer {
                    Ok(answer) => entries.update(|entries| entries.answered(&answer.ballots)),
                    Err(error) => {
                        failure.set(Some(error));
                        break;
                    }
                }
            }
            busy.set(false);
        });
    };
    let has_waiting = {
        let id = id.clone();
        move || entries.with(|entries| entries.tally(&id).waiting > 0)
    };
    let list = move || {
        let shown: Vec<Entry> = entries.with(|entries| entries.of(&id).cloned().collect());
        shown.into_iter().rev().map(entry_line).collect_view()
    };
    view! {
        <section class="paper-entries" aria-labelledby="entries-title">
            <h2 id="entries-title">{tr!(clerk.entries_title)}</h2>
            <p class="paper-count" role="status">{count}</p>
            <div class="button-row">
                <button type="button" id="paper-send" disabled=move || busy.get() || !has_waiting() on:click=send>
                    {move || if busy.get() { tr!(clerk.sending).into_any() } else { tr!(clerk.send).into_any() }}
                </button>
                <button type="button" id="paper-undo" class="secondary" disabled=move || busy.get() on:click=undo>
                    {tr!(clerk.undo)}
                </button>
            </div>
            <div aria-live="polite">
                {move || failure.get().map(|error| view! { <p class="notice notice-error" role="alert">{error_text(error)}</p> })}
                {move || undone.get().map(|number| view! {
                    <p class="notice" role="status">{tr_with!(clerk.undone, move |_| vec![("number", number.to_string())])}</p>
                })}
            </div>
            <ol class="paper-list" reversed>{list}</ol>
        </section>
    }
}

fn entry_line(entry: Entry) -> impl IntoView {
    let ui = use_language();
    let number = entry.number.to_string();
    let (state, receipt) = match &entry.state {
        EntryState::Waiting => ("waiting", None),
        EntryState::Counted { receipt } => ("counted", Some(receipt.clone())),
        EntryState::Refused { .. } => ("refused", None),
    };
    let text = move || {
        let locale = ui.get();
        let number = ("number", number.clone());
        match &entry.state {
            EntryState::Waiting => fill(text!(locale, clerk.entry_waiting), &[number]),
            EntryState::Counted { receipt } => {
                fill(text!(locale, clerk.entry_counted), &[number, ("receipt", receipt.clone())])
            }
            EntryState::Refused { code } => {
                fill(text!(locale, clerk.entry_refused), &[number, ("reason", reject_text(locale, *code).to_owned())])
            }
        }
    };
    view! { <li data-entry=entry.number data-state=state data-receipt=receipt>{text}</li> }
}

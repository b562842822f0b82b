//! `/staff/c/{id}`: running one consultation — close it early, archive it,
//! write its outcome in each language, issue participation codes — and its
//! change log. Analysts see the log and the way to the results.

use std::collections::BTreeMap;

use baraza_core::admin::{AdminConsultation, Change, ChangeAction, ChangeLog, ModerationDetail, MAX_CODES_PER_REQUEST};
use baraza_core::definition::Eligibility;
use baraza_core::staff::Role;
use baraza_core::{Localized, Status};
use leptos::prelude::*;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::not_found::not_found;
use super::page_title;
use crate::api::{self, AppError};
use crate::browser;
use crate::components::staff_gate::{admin_consultations, staff_gate};
use crate::components::status::status_line;
use crate::components::{done_or_error, error_notice, error_text, loading, Content};
use crate::language::use_language;
use crate::load::Load;
use crate::present::DateLine;
use crate::staff_session::{use_staff_session, SignedIn};
use crate::text::Locale;
use crate::text::{fill, tr, Key};

pub fn staff_consultation_page(id: String) -> impl IntoView {
    let ui = use_language();
    page_title(move || text!(ui.get(), staff.title).to_owned());
    staff_gate(move |signed_in| managed(id.clone(), signed_in).into_any())
}

fn managed(id: String, signed_in: SignedIn) -> impl IntoView {
    let list = admin_consultations(&signed_in);
    move || match list.get() {
        None => loading(tr!(staff.loading)).into_any(),
        Some(Err(error)) => error_notice(error, move || list.reload()).into_any(),
        Some(Ok(all)) => match all.consultations.into_iter().find(|c| c.summary.id == id) {
            None => not_found().into_any(),
            Some(consultation) => consultation_view(consultation, signed_in.clone(), move || list.reload()).into_any(),
        },
    }
}

fn consultation_view(
    consultation: AdminConsultation,
    signed_in: SignedIn,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let summary = &consultation.summary;
    let id = summary.id.clone();
    let title = Content::new(&summary.title, &summary.default_language);
    let publisher = signed_in.member.role == Role::Publisher;
    // Only analysts read full results (the server refuses publishers).
    let results_link = (signed_in.member.role == Role::Analyst)
        .then(|| view! { <p><a href=format!("/staff/c/{id}/results")>{tr!(staff.results)}</a></p> });
    let token = signed_in.token.clone();
    let log = change_log_load(token.clone(), id.clone());
    let actions = publisher.then(|| {
        let close =
            (summary.status == Status::Open).then(|| final_step(Step::Close, token.clone(), id.clone(), reload));
        let archive = (!consultation.archived).then(|| final_step(Step::Archive, token.clone(), id.clone(), reload));
        let anonymise = consultation
            .anonymised_at
            .is_none()
            .then(|| final_step(Step::Anonymise, token.clone(), id.clone(), reload));
        let codes = (consultation.eligibility == Eligibility::Codes && summary.status != Status::Closed)
            .then(|| codes_section(token.clone(), id.clone(), log));
        view! {
            {close}
            {archive}
            {anonymise}
            {outcome_section(token.clone(), &consultation, reload)}
            {codes}
        }
    });
    view! {
        <p><a href="/staff">{tr!(staff.back)}</a></p>
        <h1 lang=title.lang() dir=title.dir()>{title.text()}</h1>
        <p class="meta"><code>{id.clone()}</code></p>
        {status_line(summary.status, DateLine::of(summary))}
        {results_link}
        {actions}
        {change_log(log)}
    }
}

/// A step that cannot be undone: the button asks once more before it acts.
#[derive(Clone, Copy)]
enum Step {
    Close,
    Archive,
    /// Archive (if it is not yet) and anonymise.
    Anonymise,
}

fn final_step(
    step: Step,
    token: String,
    id: String,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (name, title, intro, label, confirm, done): (&str, Key, Key, Key, Key, Key) = match step {
        Step::Close => (
            "close",
            key!(staff.close_title),
            key!(staff.close_intro),
            key!(staff.close),
            key!(staff.close_confirm),
            key!(staff.closed_done),
        ),
        Step::Archive => (
            "archive",
            key!(staff.archive_title),
            key!(staff.archive_intro),
            key!(staff.archive),
            key!(staff.archive_confirm),
            key!(staff.archived_done),
        ),
        Step::Anonymise => (
            "anonymise",
            key!(staff.anonymise_title),
            key!(staff.anonymise_intro),
            key!(staff.anonymise),
            key!(staff.anonymise_confirm),
            key!(staff.anonymised_done),
        ),
    };
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<Result<(), AppError>>);
    let target = StoredValue::new((token, id));
    let session = use_staff_session();
    let run = move |_| {
        busy.set(true);
        let (token, id) = target.get_value();
        leptos::task::spawn_local(async move {
            let done = match step {
                Step::Close => api::close(&token, &id).await,
                Step::Archive => api::archive(&token, &id, false).await,
                Step::Anonymise => api::archive(&token, &id, true).await,
            };
            session.end_if_refused(&done);
            if done.is_ok() {
                reload();
            }
            result.set(Some(done.map(|_| ())));
            busy.set(false);
            asking.set(false);
        });
    };
    let heading = format!("{name}-title");
    let labelled_by = heading.clone();
    view! {
        <section class="staff-action" data-action=name aria-labelledby=labelled_by>
            <h2 id=heading>{tr(title)}</h2>
            <p>{tr(intro)}</p>
            <Show
                when=move || asking.get()
                fallback=move || view! {
                    <button type="button" class="secondary" on:click=move |_| asking.set(true)>{tr(label)}</button>
                }
            >
                <button type="button" disabled=move || busy.get() on:click=run>{tr(confirm)}</button>
                " "
                <button type="button" class="secondary" on:click=move |_| asking.set(false)>{tr!(staff.cancel)}</button>
            </Show>
            <div aria-live="polite">
                {move || result.get().map(|result| done_or_error(result, done))}
            </div>
        </section>
    }
}

/// The outcome, one text box per language of the consultation, the
/// default language first and required.
fn outcome_section(
    token: String,
    consultation: &AdminConsultation,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let default_language = consultation.summary.default_language.clone();
    let mut languages: Vec<String> = vec![default_language.clone()];
    languages.extend(consultation.summary.title.languages().filter(|l| *l != default_language).map(str::to_owned));
    let existing = consultation.outcome.clone().unwrap_or_default();
    let texts: Vec<(String, RwSignal<String>)> = languages
        .iter()
        .map(|language| (language.clone(), RwSignal::new(existing.0.get(language).cloned().unwrap_or_default())))
        .collect();
    let fields = texts
        .iter()
        .map(|(language, text)| {
            let text = *text;
            let field_id = format!("outcome-{language}");
            let name = language.clone();
            let label = tr_with!(staff.outcome_label, move |_| vec![("language", name.clone())]);
            view! {
                <div class="field">
                    <label for=field_id.clone()>{label}</label>
                    <textarea
                        id=field_id
                        name=format!("outcome-{language}")
                        lang=language.clone()
                        dir="auto"
                        rows="5"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                    ></textarea>
                </div>
            }
        })
        .collect_view();
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<Result<(), AppError>>);
    let missing_default = RwSignal::new(false);
    let texts = StoredValue::new(texts);
    let token = StoredValue::new(token);
    let id = StoredValue::new(consultation.summary.id.clone());
    let default_for_check = default_language.clone();
    let session = use_staff_session();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let outcome: BTreeMap<String, String> = texts
            .get_value()
            .iter()
            .map(|(language, text)| (language.clone(), text.get_untracked().trim().to_owned()))
            .filter(|(_, text)| !text.is_empty())
            .collect();
        let outcome = Localized(outcome);
        missing_default.set(!outcome.has(&default_for_check));
        if missing_default.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let saved = api::set_outcome(&token.get_value(), &id.get_value(), outcome).await.map(|_| ());
            session.end_if_refused(&saved);
            if saved.is_ok() {
                reload();
            }
            result.set(Some(saved));
            busy.set(false);
        });
    };
    let default_name = default_language.clone();
    view! {
        <section class="staff-action" aria-labelledby="outcome-edit-title">
            <h2 id="outcome-edit-title">{tr!(staff.outcome_title)}</h2>
            <p>{tr_with!(staff.outcome_intro, move |_| vec![("language", default_language.clone())])}</p>
            <form class="outcome-form" on:submit=submit>
                {fields}
                <button type="submit" disabled=move || busy.get()>{tr!(staff.save_outcome)}</button>
            </form>
            <div aria-live="polite">
                {move || missing_default.get().then(|| {
                    let name = default_name.clone();
                    view! { <p class="notice notice-error" role="alert">{tr_with!(staff.outcome_missing_default, move |_| vec![("language", name.clone())])}</p> }
                })}
                {move || result.get().map(|result| done_or_error(result, key!(staff.outcome_saved)))}
            </div>
        </section>
    }
}

/// Issuing codes changes nothing staff see but the change log, which is
/// reloaded alone so the confirmation stays on screen.
fn codes_section(token: String, id: String, log: Load<ChangeLog>) -> impl IntoView {
    let count = RwSignal::new(String::from("100"));
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<Result<u32, CodesProblem>>);
    let target = StoredValue::new((token, id));
    let session = use_staff_session();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = match count.get_untracked().trim().parse::<u32>() {
            Ok(n) if (1..=MAX_CODES_PER_REQUEST).contains(&n) => n,
            _ => {
                result.set(Some(Err(CodesProblem::Count)));
                return;
            }
        };
        busy.set(true);
        let (token, id) = target.get_value();
        leptos::task::spawn_local(async move {
            let issued = api::issue_codes(&token, &id, wanted).await;
            session.end_if_refused(&issued);
            let issued = match issued {
                Ok(csv) => browser::save_file(&format!("{id}-codes.csv"), "text/csv;charset=utf-8", &csv)
                    .inspect(|()| log.reload())
                    .map(|()| wanted)
                    .map_err(|_| CodesProblem::Failed(AppError::Server)),
                Err(error) => Err(CodesProblem::Failed(error)),
            };
            result.set(Some(issued));
            busy.set(false);
        });
    };
    view! {
        <section class="staff-action" aria-labelledby="codes-title">
            <h2 id="codes-title">{tr!(staff.codes_title)}</h2>
            <p id="codes-intro">{tr!(staff.codes_intro)}</p>
            <form class="codes-form" on:submit=submit>
                <div class="field">
                    <label for="codes-count">{tr!(staff.codes_count)}</label>
                    <input
                        id="codes-count"
                        name="count"
                        type="number"
                        inputmode="numeric"
                        min="1"
                        max=MAX_CODES_PER_REQUEST
                        aria-describedby="codes-intro"
                        prop:value=move || count.get()
                        on:input=move |ev| count.set(event_target_value(&ev))
                    />
                </div>
                <button type="submit" disabled=move || busy.get()>{tr!(staff.codes_issue)}</button>
            </form>
            <div aria-live="polite">
                {move || result.get().map(|result| match result {
                    Ok(issued) => view! {
                        <p class="notice" role="status">
                            {tr_count!(staff.codes_done, issued.into(), move |locale| vec![("count", browser::format_number(issued.into(), locale.as_str()))])}
                        </p>
                    }.into_any(),
                    Err(CodesProblem::Count) => view! { <p class="notice notice-error" role="alert">{tr!(staff.codes_invalid_count)}</p> }.into_any(),
                    Err(CodesProblem::Failed(error)) => view! { <p class="notice notice-error" role="alert">{error_text(error)}</p> }.into_any(),
                })}
            </div>
        </section>
    }
}

/// A change log entry's action in words, with its detail filled in (a former
/// closing date is shown as a date in the staff member's language).
fn change_text(change: &Change, locale: Locale) -> String {
    let template = match change.action {
        ChangeAction::Published => text!(locale, staff.change_published),
        ChangeAction::Updated => text!(locale, staff.change_updated),
        ChangeAction::Closed => text!(locale, staff.change_closed),
        ChangeAction::Archived => text!(locale, staff.change_archived),
        ChangeAction::Outcome => text!(locale, staff.change_outcome),
        ChangeAction::CodesIssued => text!(locale, staff.change_codes_issued),
        ChangeAction::PaperBallots => text!(locale, staff_tools.change_paper_ballots),
        ChangeAction::Anonymised => text!(locale, staff.change_anonymised),
        ChangeAction::CommentHidden | ChangeAction::CommentRestored => {
            let ModerationDetail { comment, reason } = ModerationDetail::read(&change.detail);
            let template = match reason {
                Some(_) => text!(locale, staff_tools.change_comment_hidden),
                None => text!(locale, staff_tools.change_comment_restored),
            };
            return fill(
                template,
                &[("comment", comment.to_owned()), ("reason", reason.unwrap_or_default().to_owned())],
            );
        }
    };
    let detail = match change.action {
        ChangeAction::Closed => OffsetDateTime::parse(&change.detail, &Rfc3339)
            .map(|at| browser::format_date(at, locale.as_str()))
            .unwrap_or_else(|_| change.detail.clone()),
        _ => change.detail.clone(),
    };
    fill(template, &[("detail", detail)])
}

#[derive(Clone, Copy, PartialEq)]
enum CodesProblem {
    Count,
    Failed(AppError),
}

fn change_log_load(token: String, id: String) -> Load<ChangeLog> {
    let session = use_staff_session();
    Load::new(move || {
        let (token, id) = (token.clone(), id.clone());
        async move {
            let changes = api::changes(&token, &id).await;
            session.end_if_refused(&changes);
            changes
        }
    })
}

fn change_log(log: Load<ChangeLog>) -> impl IntoView {
    let entries = move || match log.get() {
        None => loading(tr!(staff.loading)).into_any(),
        Some(Err(error)) => error_notice(error, move || log.reload()).into_any(),
        Some(Ok(ChangeLog { changes })) if changes.is_empty() => view! { <p>{tr!(staff.changes_empty)}</p> }.into_any(),
        Some(Ok(ChangeLog { changes })) => {
            let items = changes
                .into_iter()
                .map(|change| {
                    let action = change.action.as_str();
                    let line = tr_with!(staff.change_line, move |locale| vec![
                        ("at", browser::format_date(change.at, locale.as_str())),
                        ("by", change.by.clone()),
                        ("what", change_text(&change, locale)),
                    ]);
                    view! { <li data-change=action>{line}</li> }
                })
                .collect_view();
            view! { <ol class="change-log">{items}</ol> }.into_any()
        }
    };
    view! {
        <section aria-labelledby="changes-title">
            <h2 id="changes-title">{tr!(staff.changes_title)}</h2>
            {entries}
        </section>
    }
}

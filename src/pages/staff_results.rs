//! `/staff/c/{id}/results`: everything analysts read about a consultation —
//! each question's chart and table whatever the public may see, the open-data
//! downloads, participation per day, and the comments with their moderation.

use std::collections::BTreeSet;
use std::sync::Arc;

use baraza_core::analysis::HIDE_REASON_MAX_CHARS;
use baraza_core::analysis::{AdminResults, CommentOrder, HideRequest, ModeratedComment, ReasonError};
use baraza_core::{Consultation, Item, Status};
use leptos::prelude::*;

use super::not_found::not_found;
use super::page_title;
use crate::api::{self, AppError, CommentQuery, Export};
use crate::browser;
use crate::components::charts::participation;
use crate::components::results::item_results;
use crate::components::staff_gate::staff_gate;
use crate::components::{error_message, error_notice, error_text, loading, more_pages, Content};
use crate::json;
use crate::language::use_language;
use crate::load::{Load, Pages};
use crate::present;
use crate::staff_session::{use_staff_session, SignedIn};
use crate::text::Locale;
use crate::text::{fill, tr, Key};

pub fn staff_results_page(id: String) -> impl IntoView {
    let ui = use_language();
    page_title(move || text!(ui.get(), consultation.results_title).to_owned());
    staff_gate(move |signed_in| results_screen(id.clone(), signed_in).into_any())
}

fn results_screen(id: String, signed_in: SignedIn) -> impl IntoView {
    let session = use_staff_session();
    let token = signed_in.token;
    // The definition names what the results count; both load together.
    let loaded = {
        let token = token.clone();
        Load::new(move || {
            let (id, token) = (id.clone(), token.clone());
            async move {
                let body = api::consultation_body(&id).await?;
                let definition = json::parse::<Consultation>(&body).ok_or(AppError::Server)?;
                Ok((definition, api::admin_results(&token, &id).await?))
            }
        })
    };
    // A token revoked meanwhile signs the person out.
    Effect::new(move || {
        if let Some(Err(AppError::Unauthorized)) = loaded.get() {
            session.sign_out();
        }
    });
    move || match loaded.get() {
        None => loading(tr!(staff.loading)).into_any(),
        Some(Err(AppError::NotFound)) => not_found().into_any(),
        Some(Err(error)) => error_notice(error, move || loaded.reload()).into_any(),
        Some(Ok((consultation, results))) => {
            screen(Arc::new(consultation), results, token.clone(), move || loaded.reload()).into_any()
        }
    }
}

fn screen(
    consultation: Arc<Consultation>,
    results: AdminResults,
    token: String,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = consultation.id.clone();
    let language = consultation.default_language.clone();
    let title = Content::new(&consultation.title, &language);
    let decided = matches!(consultation.status_at(browser::now()), Status::Closed | Status::Archived);
    let participants = results.results.participants;
    let items = consultation
        .items
        .iter()
        .filter_map(|item| {
            let result = results.results.items.iter().find(|result| result.id == item.id())?;
            item_results(&language, item, result, decided)
        })
        .collect_view();
    view! {
        <p><a href=format!("/staff/c/{id}")>{tr!(staff.back_to_consultation)}</a></p>
        <h1 lang=title.lang() dir=title.dir()>{title.text()}</h1>
        <p class="meta">{tr!(staff.results_intro)}</p>
        <p>
            {tr_with!(results.participants, move |locale| vec![("count", browser::format_number(participants, locale.as_str()))])}
            " "
            <button type="button" class="secondary" on:click=move |_| reload()>{tr!(staff.refresh)}</button>
        </p>
        {paper_share(&consultation, &results)}
        {downloads(token.clone(), id.clone())}
        <section class="results" aria-labelledby="results-title">
            <h2 id="results-title">{tr!(consultation.results_title)}</h2>
            {items}
        </section>
        <section class="results" aria-labelledby="participation-title">
            <h2 id="participation-title">{tr!(staff.participation_title)}</h2>
            {participation(results.participation, participants)}
        </section>
        {moderation(token, consultation, results.comments.total, results.comments.hidden)}
    }
}

/// How many took part on paper (entered by clerks) and online, overall and
/// per question, when any did on paper: counted alike, shown apart.
fn paper_share(consultation: &Consultation, results: &AdminResults) -> Option<impl IntoView> {
    let paper = &results.paper;
    if paper.participants == 0 {
        return None;
    }
    let ui = use_language();
    let language = consultation.default_language.clone();
    let (on_paper, participants) = (paper.participants, results.results.participants);
    let rows = consultation
        .items
        .iter()
        .filter_map(|item| {
            let ballots = results.results.items.iter().find(|result| result.id == item.id())?.ballots?;
            let on_paper = paper.items.get(item.id()).copied().unwrap_or(0);
            let title = Content::new(item.title(), &language);
            let number = move |n: u64| move || browser::format_number(n, ui.get().as_str());
            Some(view! {
                <tr data-paper-item=item.id().to_owned()>
                    <th scope="row" lang=title.lang() dir=title.dir()>{title.text()}</th>
                    <td data-count=ballots>{number(ballots)}</td>
                    <td data-paper=on_paper>{number(on_paper)}</td>
                    <td data-online=ballots.saturating_sub(on_paper)>{number(ballots.saturating_sub(on_paper))}</td>
                </tr>
            })
        })
        .collect_view();
    Some(view! {
        <section class="results paper-share" aria-labelledby="paper-title">
            <h2 id="paper-title">{tr!(staff_tools.paper_title)}</h2>
            <p data-paper-participants=on_paper>
                {tr_with!(staff_tools.paper_intro, move |locale| vec![
                    ("paper", browser::format_number(on_paper, locale.as_str())),
                    ("participants", browser::format_number(participants, locale.as_str())),
                ])}
            </p>
            <div class="table-scroll" tabindex="0">
                <table class="data-table">
                    <caption>{tr!(staff_tools.paper_caption)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{tr!(staff_tools.paper_col_item)}</th>
                            <th scope="col">{tr!(staff_tools.paper_col_ballots)}</th>
                            <th scope="col">{tr!(staff_tools.paper_col_paper)}</th>
                            <th scope="col">{tr!(staff_tools.paper_col_online)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    })
}

/// The three open-data files, fetched with the token and saved.
fn downloads(token: String, id: String) -> impl IntoView {
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<String, AppError>>);
    let target = StoredValue::new((token, id));
    let buttons = Export::ALL
        .into_iter()
        .map(|export| {
            let label: Key = match export {
                Export::BallotsCsv => key!(staff.download_ballots),
                Export::TalliesCsv => key!(staff.download_tallies),
                Export::Json => key!(staff.download_json),
            };
            let fetch = move |_| {
                busy.set(true);
                outcome.set(None);
                let (token, id) = target.get_value();
                leptos::task::spawn_local(async move {
                    let name = export.file_name(&id);
                    let saved = match api::export(&token, &id, export).await {
                        Ok(bytes) => browser::save_bytes(&name, export.mime(), &bytes)
                            .map(|()| name)
                            .map_err(|_| AppError::Server),
                        Err(error) => Err(error),
                    };
                    outcome.set(Some(saved));
                    busy.set(false);
                });
            };
            view! {
                <button type="button" class="secondary" data-export=export.path() disabled=move || busy.get() on:click=fetch>
                    {tr(label)}
                </button>
            }
        })
        .collect_view();
    view! {
        <section class="downloads" aria-labelledby="downloads-title">
            <h2 id="downloads-title">{tr!(staff.downloads_title)}</h2>
            <p>{tr!(staff.downloads_intro)}</p>
            <div class="button-row">{buttons}</div>
            <div aria-live="polite">
                {move || outcome.get().map(|outcome| match outcome {
                    Ok(name) => view! {
                        <p class="notice" role="status">{tr_with!(staff.downloaded, move |_| vec![("file", name.clone())])}</p>
                    }.into_any(),
                    Err(error) => view! { <p class="notice notice-error" role="alert">{error_text(error)}</p> }.into_any(),
                })}
            </div>
        </section>
    }
}

/// The comments, hidden ones too, in either order and filtered by question
/// and language, a page at a time, each with hide (for a reason) or restore.
fn moderation(token: String, consultation: Arc<Consultation>, total: u64, hidden: u64) -> impl IntoView {
    let ui = use_language();
    let query = RwSignal::new(CommentQuery::default());
    // Kept up to date by each hide and restore, without reloading the results.
    let hidden = RwSignal::new(hidden);
    // A filter left on "all" is sent as none.
    let given = |value: String| (!value.is_empty()).then_some(value);
    let target = StoredValue::new((token, consultation.id.clone()));
    let (pages, load_more) = Pages::new(
        move || {
            let query = query.get();
            let (token, id) = target.get_value();
            async move { api::moderated_comments(&token, &id, &query, None).await }
        },
        move |cursor| {
            let (token, id) = target.get_value();
            let query = query.get_untracked();
            async move { api::moderated_comments(&token, &id, &query, Some(&cursor)).await }
        },
    );
    let first = pages.first;

    let items = Arc::new(consultation.items.clone());
    let default_language: Arc<str> = consultation.default_language.as_str().into();
    let item_options = {
        let (items, default_language) = (items.clone(), default_language.clone());
        move || {
            let locale = ui.get();
            items
                .iter()
                .map(|item| {
                    let title =
                        present::shown(item.title(), locale.as_str(), locale.as_str(), &default_language).0.to_owned();
                    view! { <option value=item.id().to_owned()>{title}</option> }
                })
                .collect_view()
        }
    };
    let mut languages: BTreeSet<String> = Locale::ALL.iter().map(|l| l.as_str().to_owned()).collect();
    languages.extend(consultation.title.languages().map(str::to_owned));
    let language_options = languages
        .into_iter()
        .map(|code| {
            let name = Locale::from_tag(&code).map(Locale::native_name);
            let shown = code.clone();
            view! { <option value=code.clone()>{name.map_or(shown, str::to_owned)}</option> }
        })
        .collect_view();

    let list = move || match first.get() {
        None => loading(tr!(staff.loading)).into_any(),
        Some(Err(error)) => error_notice(error, move || first.reload()).into_any(),
        Some(Ok(page)) => {
            let mut comments = page.comments;
            pages.with_more(|more| comments.extend(more.iter().flat_map(|page| page.comments.iter().cloned())));
            if comments.is_empty() {
                view! { <p>{tr!(staff.moderation_empty)}</p> }.into_any()
            } else {
                let target = target.get_value();
                let listed = comments
                    .into_iter()
                    .map(|comment| {
                        moderated_comment(comment, target.0.clone(), items.clone(), default_language.clone(), hidden)
                    })
                    .collect_view();
                view! { <ol class="comment-list moderation-list">{listed}</ol> }.into_any()
            }
        }
    };
    let more = more_pages(pages, load_more, key!(staff.more_comments));
    let totals = tr_with!(staff.comment_totals, move |locale| vec![
        ("total", browser::format_number(total, locale.as_str())),
        ("hidden", browser::format_number(hidden.get(), locale.as_str())),
    ]);
    view! {
        <section class="moderation" aria-labelledby="moderation-title">
            <h2 id="moderation-title">{tr!(staff.moderation_title)}</h2>
            <p>{totals}</p>
            <div class="filters">
                <div class="field">
                    <label for="comment-order">{tr!(staff.order_label)}</label>
                    <select
                        id="comment-order"
                        name="comment-order"
                        on:change=move |ev| {
                            let order = if event_target_value(&ev) == "agreed" { CommentOrder::Agreed } else { CommentOrder::Newest };
                            query.update(|query| query.order = order);
                        }
                    >
                        <option value="newest">{tr!(staff.order_newest)}</option>
                        <option value="agreed">{tr!(staff.order_agreed)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="comment-item">{tr!(staff.item_filter)}</label>
                    <select id="comment-item" name="comment-item" on:change=move |ev| query.update(|query| query.item = given(event_target_value(&ev)))>
                        <option value="">{tr!(staff.all_items)}</option>
                        {item_options}
                    </select>
                </div>
                <div class="field">
                    <label for="comment-language">{tr!(staff.language_filter)}</label>
                    <select id="comment-language" name="comment-language" on:change=move |ev| query.update(|query| query.language = given(event_target_value(&ev)))>
                        <option value="">{tr!(staff.all_languages)}</option>
                        {language_options}
                    </select>
                </div>
            </div>
            {list}
            {more}
        </section>
    }
}

/// What stopped a hide or restore.
#[derive(Clone, Copy, PartialEq)]
enum ModerationProblem {
    Reason(ReasonError),
    Failed(AppError),
}

/// One comment with its moderation: "Hide…" opens the reason form, a hidden
/// comment says why and can be shown again. One structure whose parts are
/// shown or not, rather than a view per state: smaller to download.
fn moderated_comment(
    comment: ModeratedComment,
    token: String,
    items: Arc<Vec<Item>>,
    default_language: Arc<str>,
    hidden_count: RwSignal<u64>,
) -> impl IntoView {
    let ui = use_language();
    let id = comment.comment.id.to_string();
    let snapshot = comment.comment.clone();
    let state = RwSignal::new(comment);
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<ModerationProblem>);
    let target = StoredValue::new((token, id.clone()));
    // Keyboard and screen reader focus follows the step: into the reason
    // field when the form opens, back to the button when it closes.
    let action = NodeRef::<leptos::html::Button>::new();
    let field = NodeRef::<leptos::html::Textarea>::new();
    let focus_after_render = move |to_field: bool| {
        request_animation_frame(move || {
            let _ = if to_field {
                field.get_untracked().map(|field| field.focus())
            } else {
                action.get_untracked().map(|button| button.focus())
            };
        })
    };

    let finish = move |answer: Result<ModeratedComment, AppError>| {
        match answer {
            Ok(comment) => {
                focus_after_render(false);
                if comment.hidden != state.get_untracked().hidden {
                    hidden_count
                        .update(|count| *count = if comment.hidden { *count + 1 } else { count.saturating_sub(1) });
                }
                state.set(comment);
                asking.set(false);
                reason.set(String::new());
                problem.set(None);
            }
            Err(error) => problem.set(Some(ModerationProblem::Failed(error))),
        }
        busy.set(false);
    };
    let hide = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = HideRequest { reason: reason.get_untracked() };
        let reason = match request.checked_reason() {
            Ok(reason) => reason.to_owned(),
            Err(error) => {
                problem.set(Some(ModerationProblem::Reason(error)));
                return;
            }
        };
        busy.set(true);
        let (token, id) = target.get_value();
        leptos::task::spawn_local(async move { finish(api::hide_comment(&token, &id, &reason).await) });
    };
    // The one button: "Hide…" opens the form; on a hidden comment it restores.
    let act = move |_| {
        if !state.get_untracked().hidden {
            problem.set(None);
            asking.set(true);
            focus_after_render(true);
            return;
        }
        busy.set(true);
        let (token, id) = target.get_value();
        leptos::task::spawn_local(async move { finish(api::restore_comment(&token, &id).await) });
    };

    let on_item = snapshot.item.as_deref().and_then(|key| items.iter().find(|item| item.id() == key)).cloned();
    let meta = move || {
        let locale = ui.get();
        let mut meta = format!(
            "{} · {} · {}",
            browser::format_date(snapshot.created_at, locale.as_str()),
            fill(text!(locale, comments.agree), &[("count", snapshot.agree.to_string())]),
            fill(text!(locale, comments.disagree), &[("count", snapshot.disagree.to_string())]),
        );
        if let Some(item) = &on_item {
            let title = present::shown(item.title(), locale.as_str(), locale.as_str(), &default_language).0;
            meta.push_str(" · ");
            meta.push_str(&fill(text!(locale, staff.comment_on), &[("title", title.to_owned())]));
        }
        meta
    };
    let note = move || {
        let locale = ui.get();
        state.with(|current| {
            let at = current.hidden_at.map(|at| browser::format_date(at, locale.as_str())).unwrap_or_default();
            fill(
                text!(locale, staff.hidden_note),
                &[
                    ("by", current.hidden_by.clone().unwrap_or_default()),
                    ("date", at),
                    ("reason", current.hidden_reason.clone().unwrap_or_default()),
                ],
            )
        })
    };
    let problem_text = move || {
        let locale = ui.get();
        problem.get().map(|problem| match problem {
            ModerationProblem::Reason(ReasonError::Missing) => text!(locale, staff.reason_missing).to_owned(),
            ModerationProblem::Reason(ReasonError::TooLong) => {
                fill(text!(locale, staff.reason_too_long), &[("max", HIDE_REASON_MAX_CHARS.to_string())])
            }
            ModerationProblem::Failed(error) => error_message(locale, error),
        })
    };
    let hidden = move || state.with(|current| current.hidden);
    let reason_id = format!("hide-reason-{id}");
    let hint_id = format!("hide-hint-{id}");
    view! {
        <li class="comment" data-comment=id data-hidden=move || hidden().to_string()>
            <p class="lines" lang=snapshot.language.clone() dir="auto">{snapshot.body.clone()}</p>
            <p class="meta">{meta}</p>
            <p class="hidden-note" data-hidden-note="" hidden=move || !hidden()>
                <span class="status status-hidden">{tr!(staff.hidden_badge)}</span>
                " "
                {note}
            </p>
            <form class="hide-form" hidden=move || !asking.get() on:submit=hide>
                <div class="field">
                    <label for=reason_id.clone()>{tr!(staff.hide_reason)}</label>
                    <p class="hint" id=hint_id.clone()>
                        {tr_with!(staff.hide_reason_hint, |_| vec![("max", HIDE_REASON_MAX_CHARS.to_string())])}
                    </p>
                    <textarea
                        node_ref=field
                        id=reason_id
                        name="reason"
                        rows="2"
                        required
                        maxlength=HIDE_REASON_MAX_CHARS
                        aria-describedby=hint_id
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    ></textarea>
                </div>
                <button type="submit" disabled=move || busy.get()>{tr!(staff.hide_confirm)}</button>
                " "
                <button type="button" class="secondary" on:click=move |_| {
                    asking.set(false);
                    focus_after_render(false);
                }>{tr!(staff.cancel)}</button>
            </form>
            <button type="button" class="secondary" node_ref=action hidden=move || asking.get() disabled=move || busy.get() on:click=act>
                {move || if hidden() { tr!(staff.restore).into_any() } else { tr!(staff.hide).into_any() }}
            </button>
            <p class="notice notice-error" role="alert" hidden=move || problem.get().is_none()>{problem_text}</p>
        </li>
    }
}

//! Public comments on a consultation: a form that posts through the outbox
//! (checked first with core's `check_comment`), and the list, newest first,
//! a page at a time. The list is downloaded after the page: reading others'
//! comments is not needed to vote or to comment.

use std::sync::Arc;

use baraza_core::api::Comment;
use baraza_core::sync::{check_comment, ActionKind, COMMENT_MAX_CHARS};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use uuid::Uuid;

use super::delivery::{delivery_status, Problem, Shown};
use super::later_part::{later_part, use_later_parts};
use super::{date_view, error_notice, loading, more_pages};
use crate::api;
use crate::language::use_language;
use crate::load::Pages;
use crate::outbox::{use_outbox, Counted, Delivery};

pub fn comments(consultation: Arc<str>, open: bool) -> impl IntoView {
    let list = use_later_parts().map(|parts| {
        let consultation = consultation.clone();
        later_part(move || (parts.comment_list)(consultation.to_string()))
    });
    view! {
        <section class="comments" aria-labelledby="comments-title">
            <h2 id="comments-title">{tr!(comments.title)}</h2>
            {comment_form(consultation.clone(), open)}
            {list}
        </section>
    }
}

fn comment_form(consultation: Arc<str>, open: bool) -> impl IntoView {
    let ui = use_language();
    let outbox = use_outbox();
    let body = RwSignal::new(String::new());
    let sent = RwSignal::new(None::<Uuid>);
    let problem = RwSignal::new(None::<Problem>);

    // Once the comment is counted the field is emptied for the next one; a
    // comment not sent stays in the outbox and in the field.
    Effect::new(move || {
        if let Some(Delivery::Counted { .. }) = sent.get().and_then(|id| outbox.delivery(id)) {
            body.set(String::new());
        }
    });

    // The comment sent from this form, else one this phone saved earlier.
    let shown: Shown = {
        let consultation = consultation.clone();
        Arc::new(move || sent.get().or_else(|| outbox.newest_comment(&consultation)))
    };
    let sending = {
        let shown = shown.clone();
        move || matches!(shown().and_then(|id| outbox.delivery(id)), Some(Delivery::Sending))
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        let text = body.get_untracked();
        // The comment is in the language the citizen is using the app in.
        let language = ui.get_untracked().as_str().to_owned();
        if let Err(rejection) = check_comment(&text, &language) {
            problem.set(Some(Problem::Rule(rejection.code)));
            return;
        }
        let kind = ActionKind::Comment { item: None, reply_to: None, body: text, language };
        sent.set(Some(outbox.submit(&consultation, kind, None)));
    };
    view! {
        <form class="comment-form" on:submit=on_submit>
            <label for="comment-body">{tr!(comments.label)}</label>
            <p class="hint" id="comment-hint">
                {tr_with!(comments.hint, |_| vec![("max", COMMENT_MAX_CHARS.to_string())])}
            </p>
            <textarea
                id="comment-body"
                name="comment"
                rows="4"
                aria-describedby="comment-hint"
                disabled=!open
                prop:value=move || body.get()
                on:input=move |ev| body.set(event_target_value(&ev))
            ></textarea>
            <button type="submit" disabled=move || !open || sending()>
                {tr!(comments.post)}
            </button>
            {delivery_status(shown, problem)}
        </form>
    }
}

/// The comments, newest first, a page at a time.
pub fn comment_list(consultation: Arc<str>) -> impl IntoView {
    let outbox = use_outbox();
    let (pages, load_more) = {
        let first = consultation.clone();
        Pages::new(
            move || {
                outbox.counted(Counted::Comment);
                let consultation = first.clone();
                async move { api::comments(&consultation, None).await }
            },
            move |cursor| {
                let consultation = consultation.clone();
                async move { api::comments(&consultation, Some(&cursor)).await }
            },
        )
    };
    let first = pages.first;

    let list = move || match first.get() {
        None => loading(tr!(comments.loading)).into_any(),
        Some(Err(error)) => error_notice(error, move || first.reload()).into_any(),
        Some(Ok(page)) => {
            let mut comments = page.comments;
            pages.with_more(|more| comments.extend(more.iter().flat_map(|page| page.comments.iter().cloned())));
            if comments.is_empty() {
                view! { <p>{tr!(comments.empty)}</p> }.into_any()
            } else {
                let items = comments.into_iter().map(comment_view).collect_view();
                view! { <ol class="comment-list">{items}</ol> }.into_any()
            }
        }
    };
    let more = more_pages(pages, load_more, key!(comments.more));
    view! {
        {list}
        {more}
    }
}

fn comment_view(comment: Comment) -> impl IntoView {
    let ui = use_language();
    let created = comment.created_at;
    // Each comment says the language it is written in, named in the reader's.
    let written_in = comment.language.clone();
    let language = move || crate::browser::language_name(&written_in, ui.get().as_str());
    let datetime = created.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let (agree, disagree) = (comment.agree, comment.disagree);
    view! {
        <li class="comment">
            <p class="lines" lang=comment.language dir="auto">{comment.body}</p>
            <p class="meta">
                <time datetime=datetime>{date_view(created)}</time>
                " · "
                <span class="comment-language">{language}</span>
                " · "
                {tr_with!(comments.agree, move |_| vec![("count", agree.to_string())])}
                " · "
                {tr_with!(comments.disagree, move |_| vec![("count", disagree.to_string())])}
            </p>
        </li>
    }
}

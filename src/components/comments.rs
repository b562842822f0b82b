//! Public comments on a consultation: a form that posts through the outbox
//! (checked first with core's `check_comment`), and the list a page at a
//! time, newest or most agreed first, each comment with the citizen's own
//! agree / disagree / pass and its replies (one level) under it. The list is
//! downloaded after the page (`LaterParts`): reading others' comments is not
//! needed to vote or to comment.

use std::sync::Arc;

use baraza_core::analysis::CommentOrder;
use baraza_core::api::Comment;
use baraza_core::sync::{check_comment, ActionKind, ReactionValue, COMMENT_MAX_CHARS};
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
use crate::text::Key;

pub fn comments(consultation: Arc<str>, open: bool) -> impl IntoView {
    let list = use_later_parts().map(|parts| {
        let consultation = consultation.clone();
        later_part(move || (parts.comment_list)(consultation.to_string(), open))
    });
    let form = if open {
        comment_form(consultation, None).into_any()
    } else {
        view! { <p class="notice">{tr!(comments.closed)}</p> }.into_any()
    };
    view! {
        <section class="comments" aria-labelledby="comments-title">
            <h2 id="comments-title">{tr!(comments.title)}</h2>
            {form}
            {list}
        </section>
    }
}

/// The form for a new comment, or with `reply_to` for a reply to that one.
pub fn comment_form(consultation: Arc<str>, reply_to: Option<Uuid>) -> impl IntoView {
    let ui = use_language();
    let outbox = use_outbox();
    let body = RwSignal::new(String::new());
    let sent = RwSignal::new(None::<Uuid>);
    let problem = RwSignal::new(None::<Problem>);
    // Each form of the page names its own field.
    let field = reply_to.map_or_else(|| "comment-body".to_owned(), |to| format!("reply-{to}"));
    let (hint, length) = (format!("{field}-hint"), format!("{field}-length"));

    // Once the comment is counted the field is emptied for the next one; a
    // comment not sent stays in the outbox and in the field.
    Effect::new(move || {
        if let Some(Delivery::Counted { .. }) = sent.get().and_then(|id| outbox.delivery(id)) {
            body.set(String::new());
        }
    });

    // The comment sent from this form, else (for the main form) one this
    // phone saved earlier.
    let shown: Shown = {
        let consultation = consultation.clone();
        Arc::new(move || {
            sent.get().or_else(|| reply_to.is_none().then(|| outbox.newest_comment(&consultation)).flatten())
        })
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
        let kind = ActionKind::Comment { item: None, reply_to, body: text, language };
        sent.set(Some(outbox.submit(&consultation, kind, None)));
    };
    let (label, post) = match reply_to {
        None => (key!(comments.label), key!(comments.post)),
        Some(_) => (key!(comments.reply_label), key!(comments.reply_post)),
    };
    // Counted as core counts a comment's length: in characters.
    let typed = move || body.with(|body| body.chars().count()).to_string();
    view! {
        <form class="comment-form" on:submit=on_submit>
            <label for=field.clone()>{crate::text::tr(label)}</label>
            <p class="hint" id=hint.clone()>
                {tr_with!(comments.hint, |_| vec![("max", COMMENT_MAX_CHARS.to_string())])}
            </p>
            <textarea
                id=field
                name="comment"
                rows=if reply_to.is_some() { "2" } else { "4" }
                aria-describedby=format!("{hint} {length}")
                prop:value=move || body.get()
                on:input=move |ev| body.set(event_target_value(&ev))
            ></textarea>
            <p class="hint comment-length" id=length>
                {tr_with!(comments.length, move |_| vec![("count", typed()), ("max", COMMENT_MAX_CHARS.to_string())])}
            </p>
            <button type="submit" disabled=sending>
                {crate::text::tr(post)}
            </button>
            {delivery_status(shown, problem)}
        </form>
    }
}

/// The comments that answer none, a page at a time, in the order the
/// citizen picks; `open` while the consultation takes comments.
pub fn comment_list(consultation: Arc<str>, open: bool) -> impl IntoView {
    let order = RwSignal::new(CommentOrder::Newest);
    let pages = thread_pages(consultation.clone(), None, move || order.get());
    let on_order = move |ev: leptos::ev::Event| {
        order.set(if event_target_value(&ev) == "agreed" { CommentOrder::Agreed } else { CommentOrder::Newest });
    };
    view! {
        <div class="field comment-order">
            <label for="comment-order">{tr!(comments.order_label)}</label>
            <select id="comment-order" on:change=on_order>
                <option value="newest">{tr!(comments.order_newest)}</option>
                <option value="agreed">{tr!(comments.order_agreed)}</option>
            </select>
        </div>
        {thread_view(consultation, pages, open, true, key!(comments.empty), key!(comments.more))}
    }
}

/// The pages of one list: the comments that answer none (`reply_to` none)
/// or the replies to a comment, in `order`; reloaded whenever a comment of
/// this phone is counted.
fn thread_pages(
    consultation: Arc<str>,
    reply_to: Option<Uuid>,
    order: impl Fn() -> CommentOrder + Clone + 'static,
) -> (Pages<baraza_core::api::CommentsPage>, impl Fn() + Clone + 'static) {
    let outbox = use_outbox();
    let first = consultation.clone();
    let first_order = order.clone();
    Pages::new(
        move || {
            outbox.counted(Counted::Comment);
            let (consultation, order) = (first.clone(), first_order());
            async move { api::comments(&consultation, reply_to, order, None).await }
        },
        move |cursor| {
            let consultation = consultation.clone();
            let order = untrack(|| order());
            async move { api::comments(&consultation, reply_to, order, Some(&cursor)).await }
        },
    )
}

/// A list of comments (`top_level`) or of replies, with its "more" button.
fn thread_view(
    consultation: Arc<str>,
    (pages, load_more): (Pages<baraza_core::api::CommentsPage>, impl Fn() + Clone + Send + Sync + 'static),
    open: bool,
    top_level: bool,
    empty: Key,
    more: Key,
) -> impl IntoView {
    let first = pages.first;
    let list = move || match first.get() {
        None => loading(tr!(comments.loading)).into_any(),
        Some(Err(error)) => error_notice(error, move || first.reload()).into_any(),
        Some(Ok(page)) => {
            let mut comments = page.comments;
            pages.with_more(|more| comments.extend(more.iter().flat_map(|page| page.comments.iter().cloned())));
            if comments.is_empty() {
                view! { <p>{crate::text::tr(empty)}</p> }.into_any()
            } else {
                let consultation = consultation.clone();
                let items = comments
                    .into_iter()
                    .map(|comment| comment_view(consultation.clone(), comment, open, top_level))
                    .collect_view();
                let class = if top_level { "comment-list" } else { "comment-list replies" };
                view! { <ol class=class>{items}</ol> }.into_any()
            }
        }
    };
    view! {
        {list}
        {more_pages(pages, load_more, more)}
    }
}

fn comment_view(consultation: Arc<str>, comment: Comment, open: bool, top_level: bool) -> AnyView {
    let ui = use_language();
    let created = comment.created_at;
    // Each comment says the language it is written in, named in the reader's.
    let written_in = comment.language.clone();
    let language = move || crate::browser::language_name(&written_in, ui.get().as_str());
    let datetime = created.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let reactions = reactions(consultation.clone(), &comment, open);
    let thread = top_level.then(|| replies(consultation, comment.id, comment.replies, open));
    view! {
        <li class="comment">
            <p class="lines" lang=comment.language dir="auto">{comment.body}</p>
            <p class="meta">
                <time datetime=datetime>{date_view(created)}</time>
                " · "
                <span class="comment-language">{language}</span>
            </p>
            {reactions}
            {thread}
        </li>
    }
    .into_any()
}

/// Agree, disagree and pass, with the counts and the citizen's own choice
/// pressed; a new choice replaces the earlier one.
fn reactions(consultation: Arc<str>, comment: &Comment, open: bool) -> impl IntoView {
    let outbox = use_outbox();
    let id = comment.id;
    let button = move |value: ReactionValue, label: AnyView| {
        let consultation = consultation.clone();
        let react = move |_| {
            outbox.submit(&consultation, ActionKind::Reaction { comment: id, value }, None);
        };
        view! {
            <button
                type="button"
                class="reaction"
                aria-pressed=move || if outbox.reaction_to(id) == Some(value) { "true" } else { "false" }
                disabled=!open
                on:click=react
            >
                {label}
            </button>
        }
    };
    let (agree, disagree) = (comment.agree, comment.disagree);
    let ui = use_language();
    view! {
        <div class="reactions" role="group" aria-label=move || text!(ui.get(), comments.reactions_label)>
            {button(ReactionValue::Agree, tr_with!(comments.agree, move |_| vec![("count", agree.to_string())]).into_any())}
            {button(ReactionValue::Disagree, tr_with!(comments.disagree, move |_| vec![("count", disagree.to_string())]).into_any())}
            {button(ReactionValue::Pass, tr!(comments.pass).into_any())}
        </div>
    }
}

/// Under a comment: "reply" (while comments are open) and its replies,
/// shown on request, oldest first.
fn replies(consultation: Arc<str>, comment: Uuid, count: u64, open: bool) -> impl IntoView {
    let replying = RwSignal::new(false);
    let shown = RwSignal::new(false);
    let reply_form = {
        let consultation = consultation.clone();
        move || replying.get().then(|| comment_form(consultation.clone(), Some(comment)))
    };
    let list = move || {
        shown.get().then(|| {
            let pages = thread_pages(consultation.clone(), Some(comment), || CommentOrder::Oldest);
            thread_view(
                consultation.clone(),
                pages,
                open,
                false,
                key!(comments.replies_none),
                key!(comments.replies_more),
            )
        })
    };
    let toggle_list = move || {
        let label = move || {
            if shown.get() {
                tr!(comments.replies_hide).into_any()
            } else {
                tr_count!(comments.replies_show, count, move |_| vec![("count", count.to_string())]).into_any()
            }
        };
        view! {
            <button
                type="button"
                class="secondary"
                aria-expanded=move || shown.get().to_string()
                on:click=move |_| shown.update(|shown| *shown = !*shown)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="thread">
            {(count > 0).then(toggle_list)}
            {open.then(|| view! {
                <button type="button" class="secondary" aria-expanded=move || replying.get().to_string() on:click=move |_| replying.update(|on| *on = !*on)>
                    {tr!(comments.reply)}
                </button>
            })}
            {reply_form}
            {list}
        </div>
    }
}

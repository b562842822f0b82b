//! Pieces the pages are made of.

pub mod charts;
pub mod comments;
pub mod connection;
pub mod deadline;
pub mod delivery;
pub mod editor_form;
pub mod install;
pub mod items;
pub mod language_switch;
pub mod later_part;
pub mod offline;
pub mod problems;
pub mod reading_language;
pub mod results;
pub mod share;
pub mod staff_gate;
pub mod status;

use std::sync::Arc;

use baraza_core::sync::RejectCode;
use baraza_core::{Level, Localized};
use leptos::prelude::*;

use crate::api::AppError;
use crate::language::{use_language, use_reading};
use crate::load::{Page, Pages};
use crate::present;
use crate::text::Key;
use crate::text::Locale;

/// A text shown in the page: from the definition, in the language the
/// citizen reads consultations in (`language::Reading`: the interface
/// language unless they chose another), else in its default language; or
/// from the interface. Text not in the interface language carries its
/// `lang`, and `dir="auto"` so an English title lays out left to right in an
/// Arabic page.
///
/// ```text
/// let title = Content::new(&c.title, &c.default_language);
/// view! { <h1 lang=title.lang() dir=title.dir()>{title.text()}</h1> }
/// ```
#[derive(Clone)]
pub struct Content {
    text: Arc<dyn Fn() -> String + Send + Sync>,
    lang: Arc<dyn Fn() -> Option<String> + Send + Sync>,
}

impl Content {
    pub fn new(text: &Localized, default_language: &str) -> Self {
        let (ui, reading) = (use_language(), use_reading());
        let shared = Arc::new((text.clone(), default_language.to_owned()));
        let shown = Arc::new(move || {
            let reading = reading.language();
            let (text, lang) = present::shown(&shared.0, &reading, ui.get().as_str(), &shared.1);
            (text.to_owned(), lang.map(str::to_owned))
        });
        let for_lang = shown.clone();
        Content { text: Arc::new(move || shown().0), lang: Arc::new(move || for_lang().1) }
    }

    /// A text of the interface.
    pub fn interface(text: Key) -> Self {
        Content::reactive(move |locale| crate::text::get(locale, text).to_owned())
    }

    /// A text made for the interface language, such as a formatted number.
    pub fn reactive(text: impl Fn(Locale) -> String + Send + Sync + 'static) -> Self {
        let ui = use_language();
        Content { text: Arc::new(move || text(ui.get())), lang: Arc::new(|| None) }
    }

    /// A text that is the same in every language, such as a number.
    pub fn fixed(text: String) -> Self {
        Content { text: Arc::new(move || text.clone()), lang: Arc::new(|| None) }
    }

    pub fn text(&self) -> impl Fn() -> String + Send + Sync + 'static {
        let text = self.text.clone();
        move || text()
    }

    pub fn lang(&self) -> impl Fn() -> Option<String> + Send + Sync + 'static {
        let lang = self.lang.clone();
        move || lang()
    }

    pub fn dir(&self) -> impl Fn() -> Option<&'static str> + Send + Sync + 'static {
        let lang = self.lang.clone();
        move || lang().map(|_| "auto")
    }

    /// The text in a `<span>`.
    pub fn view(&self, class: &'static str) -> impl IntoView {
        view! { <span class=class lang=self.lang() dir=self.dir()>{self.text()}</span> }
    }
}

/// A definition's long text, a paragraph per blank line.
pub fn paragraphs(text: &Localized, default_language: &str, class: &'static str) -> impl IntoView {
    let body = Content::new(text, default_language);
    let text = body.text();
    view! {
        <div class=class lang=body.lang() dir=body.dir()>
            {move || {
                present::paragraphs(&text())
                    .into_iter()
                    .map(|paragraph| view! { <p class="lines">{paragraph}</p> })
                    .collect_view()
            }}
        </div>
    }
}

/// Why the server refused an action, in the interface language.
pub fn reject_text(locale: Locale, code: RejectCode) -> &'static str {
    match code {
        RejectCode::InvalidAction => text!(locale, reject.invalid_action),
        RejectCode::UnknownConsultation => text!(locale, reject.unknown_consultation),
        RejectCode::UnknownItem => text!(locale, reject.unknown_item),
        RejectCode::UnknownComment => text!(locale, reject.unknown_comment),
        RejectCode::ConsultationNotOpen => text!(locale, reject.consultation_not_open),
        RejectCode::ConsultationClosed => text!(locale, reject.consultation_closed),
        RejectCode::CodeRequired => text!(locale, reject.code_required),
        RejectCode::InvalidCode => text!(locale, reject.invalid_code),
        RejectCode::CodeUsed => text!(locale, reject.code_used),
        RejectCode::InvalidBallot => text!(locale, reject.invalid_ballot),
        RejectCode::UnknownOption => text!(locale, reject.unknown_option),
        RejectCode::CommentsDisabled => text!(locale, reject.comments_disabled),
        RejectCode::InvalidComment => text!(locale, reject.invalid_comment),
        RejectCode::ActionIdTaken => text!(locale, reject.action_id_taken),
        RejectCode::UnknownProfileQuestion => text!(locale, reject.unknown_profile_question),
        RejectCode::UnknownProfileAnswer => text!(locale, reject.unknown_profile_answer),
    }
}

/// What the citizen can do about a refusal, in the interface language.
pub fn reject_advice(locale: Locale, code: RejectCode) -> &'static str {
    match code {
        RejectCode::ConsultationClosed | RejectCode::UnknownConsultation | RejectCode::CommentsDisabled => {
            text!(locale, reject.advice_closed)
        }
        RejectCode::CodeRequired | RejectCode::InvalidCode | RejectCode::CodeUsed => {
            text!(locale, reject.advice_code)
        }
        _ => text!(locale, reject.advice_again),
    }
}

/// A level's name and what it means for the person taking part.
pub fn level_texts(level: Level) -> (Key, Key) {
    match level {
        Level::Inform => (key!(level.inform), key!(level.inform_about)),
        Level::Consult => (key!(level.consult), key!(level.consult_about)),
        Level::Decide => (key!(level.decide), key!(level.decide_about)),
    }
}

/// The answer to a staff action: `done` when it worked, else what went wrong.
pub fn done_or_error(result: Result<(), AppError>, done: Key) -> AnyView {
    match result {
        Ok(()) => view! { <p class="notice" role="status">{crate::text::tr(done)}</p> }.into_any(),
        Err(error) => view! { <p class="notice notice-error" role="alert">{error_text(error)}</p> }.into_any(),
    }
}

/// What went wrong, in the interface language.
pub fn error_text(error: AppError) -> impl IntoView {
    let ui = use_language();
    move || error_message(ui.get(), error)
}

/// What went wrong, as a text in `locale`.
pub fn error_message(locale: Locale, error: AppError) -> String {
    let text = match error {
        AppError::Network => text!(locale, error.network),
        AppError::Unauthorized => text!(locale, error.unauthorized),
        AppError::Forbidden => text!(locale, error.forbidden),
        // Only staff changes meet the write limit: a citizen's actions wait
        // in the outbox, which tries again by itself (sync.rs).
        AppError::TooManyRequests { wait_seconds } => {
            let seconds = crate::browser::format_number(wait_seconds, locale.as_str());
            let template = text_count!(locale, staff.too_many_requests, wait_seconds);
            return crate::text::fill(template, &[("seconds", seconds)]);
        }
        _ => text!(locale, error.server),
    };
    text.to_owned()
}

/// What went wrong loading something, with a button to try again.
pub fn error_notice(error: AppError, retry: impl Fn() + 'static) -> impl IntoView {
    retry_notice(error, Box::new(retry))
}

/// The view of [`error_notice`], apart so that its rendering code is made
/// once rather than once per place it is used.
fn retry_notice(error: AppError, retry: Box<dyn Fn()>) -> impl IntoView {
    view! {
        <div class="notice notice-error" role="alert">
            <p>{error_text(error)}</p>
            <button type="button" on:click=move |_| retry()>
                {tr!(error.retry)}
            </button>
        </div>
    }
}

/// A date in the interface language: "31 January 2027".
pub fn date_view(at: time::OffsetDateTime) -> impl IntoView {
    let ui = use_language();
    move || crate::browser::format_date(at, ui.get().as_str())
}

/// Markup made by `make` as text, kept up to date; `on_click` gets the
/// button clicked in it, told apart by its `data-` attributes. Screens made
/// this way share this one piece of rendering code: far less to download
/// than view code per element.
pub fn markup_view(
    make: Box<dyn Fn() -> String + Send + Sync>,
    on_click: Box<dyn Fn(web_sys::Element) + Send + Sync>,
) -> impl IntoView {
    use wasm_bindgen::JsCast;
    let click = move |ev: leptos::ev::MouseEvent| {
        let button = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("button").ok().flatten());
        if let Some(button) = button {
            on_click(button);
        }
    };
    view! { <div class="markup" inner_html=make on:click=click></div> }
}

/// What follows a list read a page at a time: why the last "more" failed,
/// with a retry, and the button (labelled `label`) that loads the next page
/// while there is one.
pub fn more_pages<P: Page + Clone + Send + Sync + 'static>(
    pages: Pages<P>,
    load_more: impl Fn() + Clone + Send + Sync + 'static,
    label: Key,
) -> impl IntoView {
    let retry_more = load_more.clone();
    let more_failed = move || {
        let retry_more = retry_more.clone();
        pages.more_error.get().map(|error| error_notice(error, retry_more))
    };
    let more_button = move || {
        let load_more = load_more.clone();
        pages.next_cursor().is_some().then(|| {
            view! {
                <button type="button" class="secondary" disabled=pages.loading_more on:click=move |_| load_more()>
                    {crate::text::tr(label)}
                </button>
            }
        })
    };
    view! {
        {more_failed}
        {more_button}
    }
}

/// `view` drawn by a closure that reads no signal, so drawn once. Erasing
/// its type (`into_any`) then copies one closure into its owned form rather
/// than every part of the view: for a consultation's page 3.5 KB less wasm.
/// Only for very large views: for smaller ones the closure's own code costs
/// more than the copy it saves (measured on the home page, comments and
/// ballot forms: 13 KB more).
pub fn drawn_once<V: IntoView + 'static>(view: V) -> impl IntoView {
    let mut view = Some(view);
    move || view.take()
}

/// A loading message, announced politely.
pub fn loading(text: impl IntoView) -> impl IntoView {
    view! { <p class="loading" role="status">{text}</p> }
}

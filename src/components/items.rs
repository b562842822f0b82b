//! The items of a consultation: information sections, and a form per
//! question. Every ballot is checked with core's `check_ballot` before it goes
//! to the outbox.
//!
//! Every question keeps what the citizen chose as a list of strings (option
//! ids, a scale point, the text) and every option row is drawn by the same
//! function: one shape of code for all question types keeps the download
//! small. [`ballot_of`] turns the list into the ballot.

use std::sync::Arc;

use baraza_core::ballot::{check_ballot, Answer, Ballot, DEFAULT_TEXT_MAX_CHARS};
use baraza_core::codes;
use baraza_core::sync::{ActionKind, RejectCode};
use baraza_core::{Item, Localized};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use uuid::Uuid;

use super::delivery::{delivery_status, Problem, Shown};
use super::later_part::{later_part, use_later_parts};
use super::{paragraphs, Content};
use crate::language::use_language;
use crate::outbox::{use_outbox, Delivery};
use crate::text::Locale;
use crate::text::{fill, Key};
use crate::{browser, present};

/// What every item of one consultation shares.
#[derive(Clone)]
pub struct Ballots {
    pub consultation: Arc<str>,
    pub default_language: Arc<str>,
    /// Answers are taken only while the consultation is open.
    pub open: bool,
    /// The participation code field, for `codes` eligibility.
    pub code: Option<RwSignal<String>>,
}

/// What the citizen chose in a question, in order.
pub type Selection = RwSignal<Vec<String>>;

/// The ballot for what was chosen; `None` when nothing was chosen yet.
pub fn ballot_of(item: &Item, chosen: Vec<String>) -> Option<Ballot> {
    let first = chosen.first().cloned();
    let any = !chosen.is_empty();
    match item {
        Item::SingleChoice { .. } => first.map(|choice| Ballot::Choice { choice }),
        Item::MultipleChoice { .. } => any.then_some(Ballot::Choices { choices: chosen }),
        Item::YesNo { .. } => [Answer::Yes, Answer::No, Answer::Abstain]
            .into_iter()
            .find(|answer| first.as_deref() == Some(answer.as_str()))
            .map(|answer| Ballot::Answer { answer }),
        Item::Scale { .. } => first.and_then(|value| value.parse().ok()).map(|value| Ballot::Value { value }),
        Item::Ranking { .. } => any.then_some(Ballot::Ranking { ranking: chosen }),
        Item::Budget { .. } => any.then_some(Ballot::Projects { projects: chosen }),
        Item::Text { .. } => first.filter(|text| !text.trim().is_empty()).map(|text| Ballot::Text { text }),
        Item::Info { .. } => None,
    }
}

/// "Yes", "No" or "Abstain" in the interface language.
pub fn answer_text(answer: Answer) -> Key {
    match answer {
        Answer::Yes => key!(answer.yes),
        Answer::No => key!(answer.no),
        Answer::Abstain => key!(answer.abstain),
    }
}

/// An item: an information section, or a question's form.
pub fn item_view(item: Item, ballots: Ballots) -> AnyView {
    let item = Arc::new(item);
    let language = ballots.default_language.clone();
    if let Item::Info { title, body, .. } = &*item {
        let title = Content::new(title, &language);
        let useful = ballots.open.then(use_later_parts).flatten().map(|parts| {
            let (consultation, item) = (ballots.consultation.to_string(), item.id().to_owned());
            later_part(move || (parts.useful_mark)(consultation.clone(), item.clone()))
        });
        return view! {
            <section class="item item-info">
                <h2 lang=title.lang() dir=title.dir()>{title.text()}</h2>
                {paragraphs(body, &language, "body")}
                {useful}
            </section>
        }
        .into_any();
    }
    let selection: Selection = RwSignal::new(first_selection(&item));
    let body = question_view(&item, &language, selection, ballots.open);
    ballot_form(ballots, item, selection, body)
}

/// What a question shows chosen before anyone chooses: a ranking's options
/// in their listed order, nothing for the others.
pub fn first_selection(item: &Item) -> Vec<String> {
    match item {
        Item::Ranking { options, .. } => options.iter().map(|o| o.id.clone()).collect(),
        _ => Vec::new(),
    }
}

/// A question's inputs under its title, what is chosen kept in `selection`
/// ([`ballot_of`] makes it a ballot): a citizen's form holds one
/// ([`item_view`]), a clerk's paper ballot every question of the
/// consultation. Nothing for an information section.
pub fn question_view(item: &Arc<Item>, language: &str, selection: Selection, open: bool) -> AnyView {
    let name = item.id().to_owned();
    let row = |multiple: bool, value: String, label: Content, details: Vec<Content>| {
        choice_row(multiple, &name, value, selection, open, label, details)
    };
    let inputs = match &**item {
        Item::Info { .. } => return ().into_any(),
        Item::SingleChoice { options, .. } => options
            .iter()
            .map(|o| row(false, o.id.clone(), Content::new(&o.label, &language), Vec::new()))
            .collect_view()
            .into_any(),
        Item::MultipleChoice { options, .. } => {
            let (min, max) = item.selection_bounds().unwrap_or_default();
            let hint =
                tr_with!(ballot.choose_between, move |_| vec![("min", min.to_string()), ("max", max.to_string())]);
            let rows = options
                .iter()
                .map(|o| row(true, o.id.clone(), Content::new(&o.label, &language), Vec::new()))
                .collect_view();
            view! { <p class="hint">{hint}</p> {rows} }.into_any()
        }
        Item::YesNo { .. } => [Answer::Yes, Answer::No, Answer::Abstain]
            .into_iter()
            .map(|answer| row(false, answer.as_str().to_owned(), Content::interface(answer_text(answer)), Vec::new()))
            .collect_view()
            .into_any(),
        Item::Scale { min, max, min_label, max_label, .. } => {
            let points = (*min..=*max)
                .map(|point| {
                    let end = match (point == *min, point == *max) {
                        (true, _) => min_label.as_ref(),
                        (_, true) => max_label.as_ref(),
                        _ => None,
                    };
                    let details = end.map(|end| Content::new(end, &language)).into_iter().collect();
                    row(false, point.to_string(), Content::fixed(point.to_string()), details)
                })
                .collect_view();
            view! { <div class="scale">{points}</div> }.into_any()
        }
        Item::Budget { total, currency, projects, .. } => {
            let money = {
                let currency = currency.clone();
                move |amount: u64, locale: Locale| {
                    format!("{} {currency}", browser::format_number(amount, locale.as_str()))
                }
            };
            let rows = projects
                .iter()
                .map(|project| {
                    let cost = project.cost;
                    let money = money.clone();
                    let mut details = vec![Content::reactive(move |locale| money(cost, locale))];
                    details.extend(project.description.as_ref().map(|d| Content::new(d, &language)));
                    row(true, project.id.clone(), Content::new(&project.label, &language), details)
                })
                .collect_view();
            let total = *total;
            let total_text = {
                let money = money.clone();
                tr_with!(ballot.budget_total, move |locale| vec![("total", money(total, locale))])
            };
            let spent = {
                let projects = projects.clone();
                move || present::budget_spent(&projects, &selection.get())
            };
            let chosen_text = tr_with!(ballot.budget_chosen, move |locale| vec![("chosen", money(spent(), locale))]);
            let over = {
                let item = item.clone();
                move || {
                    let projects = selection.get();
                    !projects.is_empty() && check_ballot(&item, &Ballot::Projects { projects }).is_err()
                }
            };
            let over_class = over.clone();
            view! {
                <p class="hint">{total_text}</p>
                {rows}
                <p class="budget-chosen" class:over=over_class aria-live="polite">
                    {chosen_text}
                    {move || over().then(|| view! { <span class="over-note">" " {tr!(ballot.over_budget)}</span> })}
                </p>
            }
            .into_any()
        }
        Item::Ranking { options, .. } => ranking(
            &name,
            selection,
            open,
            options.iter().map(|o| (o.id.clone(), o.label.clone())).collect(),
            &language,
        )
        .into_any(),
        Item::Text { max_length, .. } => {
            let max = max_length.unwrap_or(DEFAULT_TEXT_MAX_CHARS);
            return text_answer(&name, item.title(), language, max, selection, open);
        }
    };
    question(item.title(), language, inputs)
}

/// The form around a question: sends the ballot for `selection` through the
/// outbox, after core's rules accept it.
fn ballot_form(ballots: Ballots, item: Arc<Item>, selection: Selection, body: AnyView) -> AnyView {
    let outbox = use_outbox();
    let sent = RwSignal::new(None::<Uuid>);
    let problem = RwSignal::new(None::<Problem>);
    let open = ballots.open;
    let item_id = item.id().to_owned();
    // The answer sent from this form, else one this phone saved earlier.
    let shown: Shown = {
        let (consultation, item_id) = (ballots.consultation.clone(), item_id.clone());
        Arc::new(move || sent.get().or_else(|| outbox.newest_ballot(&consultation, &item_id)))
    };
    let sending = {
        let shown = shown.clone();
        move || matches!(shown().and_then(|id| outbox.delivery(id)), Some(Delivery::Sending))
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        let Some(ballot) = ballot_of(&item, selection.get_untracked()) else {
            problem.set(Some(Problem::NothingChosen));
            return;
        };
        if let Err(rejection) = check_ballot(&item, &ballot) {
            problem.set(Some(Problem::Rule(rejection.code)));
            return;
        }
        // The same code rules as the server's, so a mistyped code is caught
        // here and never waits in the outbox only to be refused.
        let code = match ballots.code.map(|code| code.get_untracked()) {
            None => None,
            Some(typed) if typed.trim().is_empty() => {
                problem.set(Some(Problem::Rule(RejectCode::CodeRequired)));
                return;
            }
            Some(typed) => match codes::normalize(&typed) {
                Some(code) => Some(code),
                None => {
                    problem.set(Some(Problem::Rule(RejectCode::InvalidCode)));
                    return;
                }
            },
        };
        let kind = ActionKind::Ballot { item: item.id().to_owned(), ballot, cast_at: Some(browser::now()) };
        sent.set(Some(outbox.submit(&ballots.consultation, kind, code)));
    };
    view! {
        <form class="item" data-item=item_id on:submit=on_submit>
            {body}
            <button type="submit" disabled=move || !open || sending()>
                {tr!(ballot.send)}
            </button>
            {delivery_status(shown, problem)}
        </form>
    }
    .into_any()
}

/// A `<fieldset>` whose legend is the item's title, as a heading.
fn question(title: &Localized, language: &str, inputs: AnyView) -> AnyView {
    let title = Content::new(title, language);
    view! {
        <fieldset>
            <legend>
                <h2 lang=title.lang() dir=title.dir()>{title.text()}</h2>
            </legend>
            {inputs}
        </fieldset>
    }
    .into_any()
}

/// The id of an input: item and option ids are slugs, so this is unique on the page.
fn input_id(item: &str, option: &str) -> String {
    format!("q-{item}-{option}")
}

/// One radio button (or checkbox, when `multiple`) and its label.
fn choice_row(
    multiple: bool,
    name: &str,
    value: String,
    selection: Selection,
    open: bool,
    label: Content,
    details: Vec<Content>,
) -> AnyView {
    let id = input_id(name, &value);
    let checked = {
        let value = value.clone();
        move || selection.with(|chosen| chosen.contains(&value))
    };
    let toggle = {
        let value = value.clone();
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            selection.update(|chosen| {
                if !multiple {
                    chosen.clear();
                }
                chosen.retain(|c| c != &value);
                if on {
                    chosen.push(value.clone());
                }
            });
        }
    };
    let details = details.iter().map(|detail| detail.view("detail")).collect_view();
    view! {
        <div class="choice">
            <input
                type=if multiple { "checkbox" } else { "radio" }
                id=id.clone()
                name=name.to_owned()
                value=value
                disabled=!open
                prop:checked=checked
                on:change=toggle
            />
            <label for=id>
                {label.view("label")}
                {details}
            </label>
        </div>
    }
    .into_any()
}

/// A ranking: the options in the citizen's order, each with buttons to move
/// it up or down; the new place is announced to screen readers.
fn ranking(name: &str, order: Selection, open: bool, options: Vec<(String, Localized)>, language: &str) -> AnyView {
    let ui = use_language();
    let announcement = RwSignal::new(String::new());
    let labels: Arc<Vec<(String, Content, Localized)>> =
        Arc::new(options.into_iter().map(|(id, label)| (id, Content::new(&label, language), label)).collect());
    let language = language.to_owned();
    let name = name.to_owned();

    let move_option = {
        let labels = labels.clone();
        let name = name.clone();
        move |option: String, up: bool| {
            let mut position = 0;
            let mut count = 0;
            order.update(|order| {
                count = order.len();
                if let Some(index) = order.iter().position(|o| *o == option) {
                    position = present::move_entry(order, index, up);
                }
            });
            let locale = ui.get_untracked();
            let label =
                labels.iter().find(|(id, ..)| *id == option).map_or("", |(.., l)| l.get(locale.as_str(), &language));
            let message = text!(locale, ballot.moved);
            announcement.set(fill(message, &[("label", label.to_owned()), ("position", (position + 1).to_string())]));
            // Keep the focus on the button pressed, or on the other one at an end.
            let button = if (up && position > 0) || (!up && position + 1 == count) { "up" } else { "down" };
            let id = format!("{}-{button}", input_id(&name, &option));
            request_animation_frame(move || browser::focus(&id));
        }
    };

    let list = move || {
        let current = order.get();
        let count = current.len();
        current
            .into_iter()
            .enumerate()
            .map(|(position, option)| {
                let label = labels.iter().find(|(id, ..)| *id == option).map(|(_, part, _)| part.clone());
                let id = input_id(&name, &option);
                let (move_up, move_down) = (move_option.clone(), move_option.clone());
                let (up_option, down_option) = (option.clone(), option);
                // Named "Move up" + the option's label, for screen readers.
                let label_id = format!("{id}-label");
                view! {
                    <li class="rank">
                        <span class="rank-label" id=label_id.clone()>{label.map(|label| label.view("label"))}</span>
                        <span class="rank-buttons">
                            <button
                                type="button"
                                id=format!("{id}-up")
                                class="secondary"
                                aria-labelledby=format!("{id}-up-text {label_id}")
                                disabled=!open || position == 0
                                on:click=move |_| move_up(up_option.clone(), true)
                            >
                                <span aria-hidden="true">"↑"</span>
                                <span class="visually-hidden" id=format!("{id}-up-text")>{tr!(ballot.move_up)}</span>
                            </button>
                            <button
                                type="button"
                                id=format!("{id}-down")
                                class="secondary"
                                aria-labelledby=format!("{id}-down-text {label_id}")
                                disabled=!open || position + 1 == count
                                on:click=move |_| move_down(down_option.clone(), false)
                            >
                                <span aria-hidden="true">"↓"</span>
                                <span class="visually-hidden" id=format!("{id}-down-text")>{tr!(ballot.move_down)}</span>
                            </button>
                        </span>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <p class="hint">{tr!(ballot.rank_hint)}</p>
        <ol class="ranking">{list}</ol>
        <p class="visually-hidden" aria-live="polite">{move || announcement.get()}</p>
    }
    .into_any()
}

/// An open answer: the item's title labels a text area.
fn text_answer(name: &str, title: &Localized, language: &str, max: u32, answer: Selection, open: bool) -> AnyView {
    let id = input_id(name, "answer");
    let hint_id = format!("{id}-hint");
    let title = Content::new(title, language);
    view! {
        <h2 class="field-title">
            <label for=id.clone() lang=title.lang() dir=title.dir()>{title.text()}</label>
        </h2>
        <p class="hint" id=hint_id.clone()>{tr_with!(ballot.text_hint, move |_| vec![("max", max.to_string())])}</p>
        <textarea
            id=id
            name=name.to_owned()
            rows="5"
            aria-describedby=hint_id
            disabled=!open
            prop:value=move || answer.with(|answer| answer.first().cloned().unwrap_or_default())
            on:input=move |ev| answer.set(vec![event_target_value(&ev)])
        ></textarea>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title() -> Localized {
        Localized(std::iter::once(("en".to_owned(), "Q".to_owned())).collect())
    }

    fn chosen(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn nothing_chosen_makes_no_ballot() {
        let single = Item::SingleChoice { id: "q".into(), title: title(), options: Vec::new() };
        assert_eq!(ballot_of(&single, Vec::new()), None);
        let text = Item::Text { id: "q".into(), title: title(), max_length: None };
        assert_eq!(ballot_of(&text, chosen(&["  "])), None);
    }

    #[test]
    fn each_item_type_gets_its_ballot_shape() {
        let single = Item::SingleChoice { id: "q".into(), title: title(), options: Vec::new() };
        assert_eq!(ballot_of(&single, chosen(&["blocks"])), Some(Ballot::Choice { choice: "blocks".into() }));
        let yes_no = Item::YesNo { id: "q".into(), title: title() };
        assert_eq!(ballot_of(&yes_no, chosen(&["abstain"])), Some(Ballot::Answer { answer: Answer::Abstain }));
        assert_eq!(ballot_of(&yes_no, chosen(&["maybe"])), None);
        let scale = Item::Scale { id: "q".into(), title: title(), min: -2, max: 2, min_label: None, max_label: None };
        assert_eq!(ballot_of(&scale, chosen(&["-1"])), Some(Ballot::Value { value: -1 }));
        let text = Item::Text { id: "q".into(), title: title(), max_length: None };
        assert_eq!(
            ballot_of(&text, chosen(&["Kiosks close early"])),
            Some(Ballot::Text { text: "Kiosks close early".into() })
        );
        let multiple =
            Item::MultipleChoice { id: "q".into(), title: title(), min: None, max: None, options: Vec::new() };
        assert_eq!(ballot_of(&multiple, chosen(&["a", "b"])), Some(Ballot::Choices { choices: chosen(&["a", "b"]) }));
    }
}

/// "Was this useful? yes / no" under an information section, the citizen's
/// own mark pressed; a new mark replaces the earlier one.
pub fn useful_mark(consultation: Arc<str>, item: String) -> impl IntoView {
    let outbox = use_outbox();
    let (label, labelled_by) = (format!("useful-{item}"), format!("useful-{item}"));
    let button = move |useful: bool| {
        let (consultation, item) = (consultation.clone(), item.clone());
        let pressed = {
            let (consultation, item) = (consultation.clone(), item.clone());
            move || if outbox.useful_mark(&consultation, &item) == Some(useful) { "true" } else { "false" }
        };
        let mark = move |_| {
            outbox.submit(&consultation, ActionKind::Feedback { item: item.clone(), useful }, None);
        };
        let text = if useful { key!(answer.yes) } else { key!(answer.no) };
        view! {
            <button type="button" class="reaction" aria-pressed=pressed on:click=mark>
                {crate::text::tr(text)}
            </button>
        }
    };
    view! {
        <div class="reactions useful" role="group" aria-labelledby=labelled_by>
            <span id=label>{tr!(ballot.useful)}</span>
            {button(true)}
            {button(false)}
        </div>
    }
}

//! `/mine`, "your input": everything the citizen sent from this phone — what
//! waits on the phone, what was counted with its receipt (to copy), and what
//! was refused, with the server's reason and what they can do about it.
//! The lists are markup from [`crate::input`]; one click handler serves
//! their buttons. Actions are named by the titles of their consultation and
//! question, in the citizen's language, from the consultations kept on the
//! phone (every consultation a citizen acts on was opened, so kept).

use baraza_core::definition::Consultation;
use leptos::prelude::*;
use uuid::Uuid;

use super::page_title;
use crate::components::{markup_view, reject_advice, reject_text};
use crate::input::{self, Labels, Line, State};
use crate::language::use_language;
use crate::outbox::{use_outbox, ActionRecord, Delivery};
use crate::storage::{self, Shelf};
use crate::text::Locale;
use crate::{browser, json, kept, present, text};

/// The id of the live region that says a receipt was copied.
const COPIED: &str = "copied";

/// Which of the screen's lists.
#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    Waiting,
    Counted,
    Refused,
}

impl List {
    fn name(self) -> &'static str {
        match self {
            List::Waiting => "waiting",
            List::Counted => "counted",
            List::Refused => "refused",
        }
    }
}

pub fn mine_page() -> impl IntoView {
    let ui = use_language();
    let outbox = use_outbox();
    page_title(move || text!(ui.get(), mine.title).to_owned());
    // The phone keeps a few consultations: a list is enough.
    let consultations = RwSignal::new(Vec::<Consultation>::new());
    leptos::task::spawn_local(async move {
        let records = storage::read_all(Shelf::Consultations).await;
        let kept = records.iter().filter_map(|record| json::parse(kept::read(record)?.body));
        consultations.try_set(kept.collect());
    });
    let on_click = move |button: web_sys::Element| {
        if button.has_attribute("data-send") {
            outbox.retry();
        }
        if let (Some(receipt), Some(field)) = (button.get_attribute("data-copy"), button.get_attribute("data-field")) {
            leptos::task::spawn_local(async move {
                let done = browser::copy_text(&receipt).await;
                if !done {
                    browser::select_text(&field);
                }
                let locale = ui.get_untracked();
                let said = if done { text!(locale, mine.copied) } else { text!(locale, mine.copy_failed) };
                browser::set_text(COPIED, said);
            });
        }
    };
    let page = move || {
        let locale = ui.get();
        let waiting = outbox.waiting();
        let mut answers = outbox.answers();
        answers.reverse();
        let mut out =
            format!("<h1>{}</h1><p class=\"lead\">{}</p>", text!(locale, mine.title), text!(locale, mine.intro));
        for (list, title) in [
            (List::Waiting, text!(locale, mine.waiting_title)),
            (List::Counted, text!(locale, mine.counted_title)),
            (List::Refused, text!(locale, mine.refused_title)),
        ] {
            let records = if list == List::Waiting { &waiting } else { &answers };
            out.push_str(&format!("<section data-input=\"{}\"><h2>{title}</h2>", list.name()));
            let named = |record: &ActionRecord| {
                consultations.with(|known| naming(locale, record, known.iter().find(|c| c.id == record.consultation)))
            };
            out.push_str(&section(locale, list, records, named, |id| outbox.seen(id)));
            out.push_str("</section>");
        }
        out.push_str(&format!("<p><a href=\"/device\">{}</a></p>", text!(locale, mine.device_link)));
        out
    };
    // Apart from the markup, which is drawn anew on changes: a live region
    // must stay in the page to be heard.
    view! {
        {markup_view(Box::new(page), Box::new(on_click))}
        <p class="copied" id=COPIED aria-live="polite"></p>
    }
}

/// What an action is about, in `locale`: the titles of its question and its
/// consultation when the consultation is kept, else their ids.
fn naming(locale: Locale, record: &ActionRecord, consultation: Option<&Consultation>) -> Naming {
    let ui = locale.as_str();
    let title = |text| consultation.map(|c| present::shown(text, ui, ui, &c.default_language).0.to_owned());
    let item = record.ballot_item.as_deref().map(|id| {
        let found = consultation.and_then(|c| c.items.iter().find(|item| item.id() == id));
        found.and_then(|item| title(item.title())).unwrap_or_else(|| id.to_owned())
    });
    Naming {
        consultation: consultation.and_then(|c| title(&c.title)).unwrap_or_else(|| record.consultation.clone()),
        item,
    }
}

/// The names an action is listed under.
struct Naming {
    consultation: String,
    /// The question a ballot answers.
    item: Option<String>,
}

/// The markup of one list: its actions, or that there are none.
fn section(
    locale: Locale,
    list: List,
    records: &[ActionRecord],
    named: impl Fn(&ActionRecord) -> Naming,
    seen: impl Fn(Uuid),
) -> String {
    let answered: Vec<(&ActionRecord, Option<Delivery>)> =
        records.iter().map(|record| (record, record.answer())).collect();
    let lines: Vec<Line<'_>> = answered
        .iter()
        .filter_map(|(record, answer)| {
            let state = match (list, answer) {
                (List::Waiting, _) => State::Waiting,
                (List::Counted, Some(Delivery::Counted { receipt })) => State::Counted { receipt },
                (List::Refused, Some(Delivery::Rejected(code))) => {
                    // Shown here, the refusal is seen: it leaves the outbox.
                    if let Some(id) = record.action_id() {
                        seen(id);
                    }
                    State::Refused {
                        code: code.as_str(),
                        reason: reject_text(locale, *code),
                        advice: reject_advice(locale, *code),
                    }
                }
                _ => return None,
            };
            Some(line(locale, record, named(record), state))
        })
        .collect();
    if lines.is_empty() {
        return match list {
            List::Waiting => format!("<p>{}</p>", text!(locale, mine.waiting_none)),
            List::Counted => format!("<p>{}</p>", text!(locale, mine.counted_none)),
            List::Refused => format!("<p>{}</p>", text!(locale, mine.refused_none)),
        };
    }
    let markup = input::list(&lines, labels(locale));
    if list == List::Waiting {
        format!(
            "<p>{}</p>{markup}<button type=\"button\" class=\"secondary\" data-send>{}</button>",
            text!(locale, mine.waiting_hint),
            text!(locale, mine.send_now)
        )
    } else {
        markup
    }
}

fn labels(locale: Locale) -> Labels<'static> {
    Labels { receipt: text!(locale, mine.receipt), copy: text!(locale, mine.copy) }
}

/// One action as listed, in `locale`.
fn line<'a>(locale: Locale, record: &'a ActionRecord, naming: Naming, state: State<'a>) -> Line<'a> {
    let (template, item) = match (naming.item, record.comment) {
        (Some(item), _) => (text!(locale, mine.ballot), item),
        (None, true) => (text!(locale, mine.comment), String::new()),
        (None, false) => (text!(locale, mine.other), String::new()),
    };
    let date = browser::format_date_time(record.made_at, locale.as_str());
    Line {
        id: record.id(),
        consultation: &record.consultation,
        what: text::fill(template, &[("item", item), ("consultation", naming.consultation)]),
        made: text::fill(text!(locale, mine.made), &[("date", date)]),
        state,
    }
}

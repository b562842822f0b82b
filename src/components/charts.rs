//! Results charts, shared by the citizens' results and the staff results
//! screen: each drawn as hand-written inline SVG (no chart library: every
//! byte reaches a phone on 2G), with one plain-language sentence and a data
//! table that says the same to screen readers and to anyone who prefers
//! numbers. The SVG is hidden from assistive technology for that reason.
//!
//! What is drawn where is decided in `chart` (tested natively); here it is
//! put in the interface language, mirrored in right-to-left ones. Tables are
//! all drawn by one function from plain rows, which keeps the download small.

use std::sync::Arc;

use baraza_core::analysis::DayParticipation;
use baraza_core::definition::BudgetMethod;
use leptos::prelude::*;

use super::items::answer_text;
use crate::browser;
use crate::chart::{self, bars_svg, busiest_day, columns_svg, participation_bars, Bar, DrawnBar, ItemChart, Sentence};
use crate::language::use_language;
use crate::present::{self, RowLabel};
use crate::text::Locale;
use crate::text::{fill, tr, Key};

/// An item's chart, its sentence and its table. `decided`: the consultation
/// is closed, so a leading option has won.
pub fn item_chart(chart: ItemChart, default_language: &str, decided: bool) -> impl IntoView {
    let language: Arc<str> = default_language.into();
    let sentence = sentence_view(chart.sentence(), language.clone(), decided);
    let option_row = |bar: &Bar, cells: Vec<Cell>| Row {
        option: Some(bar.key.clone()),
        funded: None,
        header: Cell::Label(bar.label.clone()),
        cells,
    };
    let share_cells = |bar: &Bar| vec![Cell::Count(bar.value), Cell::Percent(bar.percent)];
    let (hint, figures, table): (Option<Key>, AnyView, Option<Table>) = match chart {
        ItemChart::Counts { bars, approvals, .. } => {
            let useful = matches!(bars.first().map(|b| &b.label), Some(RowLabel::Useful(_)));
            let table = Table {
                caption: if useful { key!(results.caption_useful) } else { key!(results.caption_counts) },
                headers: if useful {
                    vec![key!(results.col_mark), key!(results.col_readers), key!(results.col_share)]
                } else {
                    vec![key!(results.col_option), key!(results.col_answers), key!(results.col_share)]
                },
                rows: bars.iter().map(|bar| option_row(bar, share_cells(bar))).collect(),
            };
            let hint: Option<Key> = approvals.then_some(key!(results.approvals));
            (hint, bars_chart(bars, language.clone(), share_figure, None).into_any(), Some(table))
        }
        ItemChart::Histogram { bars, .. } => {
            let table = Table {
                caption: key!(results.caption_scale),
                headers: vec![key!(results.col_value), key!(results.col_answers), key!(results.col_share)],
                rows: bars.iter().map(|bar| option_row(bar, share_cells(bar))).collect(),
            };
            (None, histogram(&bars).into_any(), Some(table))
        }
        ItemChart::Runoff { rounds, .. } => {
            let mut headers: Vec<Key> = vec![key!(results.col_option)];
            // One row per candidate of the first round (every candidate), one column per round.
            let candidates: Vec<Bar> = rounds.first().map(|round| round.bars.clone()).unwrap_or_default();
            let mut rows: Vec<Row> = candidates
                .iter()
                .map(|candidate| {
                    let cells = rounds
                        .iter()
                        .enumerate()
                        .map(|(index, round)| match round.bars.iter().find(|bar| bar.key == candidate.key) {
                            // Round one counts first preferences, the count other tables carry too.
                            Some(bar) if index == 0 => Cell::Count(bar.value).eliminated(bar.muted),
                            Some(bar) => Cell::Number(bar.value).eliminated(bar.muted),
                            None => Cell::Missing,
                        })
                        .collect();
                    option_row(candidate, cells)
                })
                .collect();
            rows.push(Row {
                option: None,
                funded: None,
                header: Cell::Text(key!(results.row_exhausted)),
                cells: rounds.iter().map(|round| Cell::Number(round.exhausted)).collect(),
            });
            headers.extend(rounds.iter().map(|_| -> Key { key!(results.round_title) }));
            let table = Table { caption: key!(results.caption_runoff), headers, rows };
            let figures = view! {
                {runoff(rounds, language.clone())}
                <p class="hint">{tr(key!(results.ties_runoff))}</p>
            };
            (Some(key!(results.first_choices)), figures.into_any(), Some(table))
        }
        ItemChart::Borda { bars, first_choices, .. } => {
            let table = Table {
                caption: key!(results.caption_borda),
                headers: vec![key!(results.col_option), key!(results.col_points), key!(results.col_first_choices)],
                rows: bars
                    .iter()
                    .zip(&first_choices)
                    .map(|(bar, firsts)| option_row(bar, vec![Cell::Number(bar.value), Cell::Count(*firsts)]))
                    .collect(),
            };
            let hint: Key = key!(results.borda_note);
            (Some(hint), bars_chart(bars, language.clone(), points_figure, None).into_any(), Some(table))
        }
        ItemChart::Budget { projects, method, share_per_voter, currency, .. } => {
            let funded = projects.iter().filter(|p| p.funded).count();
            let divider = (funded > 0 && funded < projects.len()).then_some(funded);
            let rows = projects
                .iter()
                .map(|project| Row {
                    funded: Some(project.funded),
                    cells: vec![
                        Cell::Money(project.cost as f64, currency.clone()),
                        Cell::Share(project.bar.value, project.bar.percent),
                        Cell::Text(if project.funded { key!(results.funded_yes) } else { key!(results.funded_no) }),
                    ],
                    ..option_row(&project.bar, Vec::new())
                })
                .collect();
            let table = Table {
                caption: key!(results.caption_budget),
                headers: vec![
                    key!(results.col_project),
                    key!(results.col_cost),
                    key!(results.col_approvals),
                    key!(results.col_funded),
                ],
                rows,
            };
            let share = share_per_voter.map(|share| {
                let text =
                    tr_with!(results.share_per_voter, move |locale| vec![("share", money(share, &currency, locale))]);
                view! { <p>{text}</p> }
            });
            let rule: Key = match method {
                BudgetMethod::EqualShares => key!(results.ties_equal_shares),
                BudgetMethod::Greedy => key!(results.ties_greedy),
            };
            let bars: Vec<Bar> = projects.into_iter().map(|p| p.bar).collect();
            let figures = view! {
                {bars_chart(bars, language.clone(), share_figure, divider)}
                {share}
                <p class="hint">{tr(rule)}</p>
            };
            (Some(key!(results.approvals)), figures.into_any(), Some(table))
        }
        ItemChart::Written { .. } => (Some(key!(results.text_only)), ().into_any(), None),
    };
    view! {
        {sentence}
        {hint.map(|hint| view! { <p class="hint">{tr(hint)}</p> })}
        {figures}
        {table.map(|table| data_table(table, language))}
    }
}

fn is_rtl(locale: Locale) -> bool {
    locale.is_right_to_left()
}

/// A label in the interface language `locale`, and the language it is
/// really in when the definition lacks that one.
fn label_text(label: &RowLabel, locale: Locale, default_language: &str) -> (String, Option<String>) {
    let shown = |text| {
        let (text, lang) = present::shown(text, locale.as_str(), locale.as_str(), default_language);
        (text.to_owned(), lang.map(str::to_owned))
    };
    match label {
        RowLabel::Text(text) => shown(text),
        RowLabel::Answer(answer) => (crate::text::get(locale, answer_text(*answer)).to_owned(), None),
        RowLabel::Value(value, None) => (value.to_string(), None),
        RowLabel::Value(value, Some(end)) => {
            let (end, lang) = shown(end);
            (format!("{value} ({end})"), lang)
        }
        RowLabel::Useful(true) => (text!(locale, results.useful_yes).to_owned(), None),
        RowLabel::Useful(false) => (text!(locale, results.useful_no).to_owned(), None),
    }
}

fn number(value: u64, locale: Locale) -> String {
    browser::format_number(value, locale.as_str())
}

fn percent_text(value: u32, locale: Locale) -> String {
    fill(text!(locale, results.percent), &[("value", number(value.into(), locale))])
}

fn money(amount: f64, currency: &str, locale: Locale) -> String {
    format!("{} {currency}", browser::format_decimal(amount.round(), locale.as_str()))
}

/// The figures beside a bar: its count and share.
fn share_figure(bar: &Bar, locale: Locale) -> String {
    format!("{} · {}", number(bar.value, locale), percent_text(bar.percent, locale))
}

fn points_figure(bar: &Bar, locale: Locale) -> String {
    fill(text!(locale, results.points), &[("value", number(bar.value, locale))])
}

fn sentence_view(sentence: Sentence, default_language: Arc<str>, decided: bool) -> impl IntoView {
    let label = move |label: &RowLabel, locale| label_text(label, locale, &default_language).0;
    let text: Key = match &sentence {
        Sentence::NoAnswers => key!(results.sentence_none),
        Sentence::NoMarks => key!(results.sentence_no_marks),
        Sentence::Leads { .. } if decided => key!(results.sentence_won),
        Sentence::Leads { .. } => key!(results.sentence_leads),
        Sentence::Tied { .. } => key!(results.sentence_tied),
        Sentence::MostChosen { .. } => key!(results.sentence_most_chosen),
        Sentence::Average { .. } => key!(results.sentence_average),
        Sentence::RunoffWinner { .. } => key!(results.sentence_runoff),
        Sentence::BordaWinner { .. } => key!(results.sentence_borda),
        Sentence::Funded { .. } => key!(results.sentence_funded),
        Sentence::Useful { .. } => key!(results.sentence_useful),
        Sentence::Written { .. } => key!(results.sentence_written),
    };
    let values = move |locale: Locale| -> Vec<(&'static str, String)> {
        let n = |value: u64| number(value, locale);
        let decimal = |value: f64| browser::format_decimal(value, locale.as_str());
        match &sentence {
            Sentence::NoAnswers | Sentence::NoMarks => vec![],
            Sentence::Leads { label: l, percent, ballots } | Sentence::MostChosen { label: l, percent, ballots } => {
                vec![("label", label(l, locale)), ("percent", n((*percent).into())), ("ballots", n(*ballots))]
            }
            Sentence::Tied { labels, percent, ballots } => {
                let separator = text!(locale, results.list_separator);
                let labels: Vec<String> = labels.iter().map(|l| label(l, locale)).collect();
                vec![("labels", labels.join(separator)), ("percent", n((*percent).into())), ("ballots", n(*ballots))]
            }
            Sentence::Average { mean, median, ballots } => {
                vec![("mean", decimal(*mean)), ("median", decimal(*median)), ("ballots", n(*ballots))]
            }
            Sentence::RunoffWinner { label: l, rounds, percent, counted } => vec![
                ("label", label(l, locale)),
                ("rounds", n(*rounds as u64)),
                ("percent", n((*percent).into())),
                ("counted", n(*counted)),
            ],
            Sentence::BordaWinner { label: l, points, ballots } => {
                vec![("label", label(l, locale)), ("points", n(*points)), ("ballots", n(*ballots))]
            }
            Sentence::Funded { projects, spent, total, currency } => vec![
                ("projects", n(*projects as u64)),
                ("spent", money(*spent as f64, currency, locale)),
                ("total", money(*total as f64, currency, locale)),
            ],
            Sentence::Useful { percent, marks } => vec![("percent", n((*percent).into())), ("marks", n(*marks))],
            Sentence::Written { ballots } => vec![("ballots", n(*ballots))],
        }
    };
    view! { <p class="chart-sentence">{crate::text::tr_with(text, values)}</p> }
}

/// An SVG chart drawn as markup for the interface language.
fn svg(markup: impl Fn(Locale) -> String + Send + Sync + 'static) -> impl IntoView {
    let ui = use_language();
    view! { <div class="chart-box" inner_html=move || markup(ui.get())></div> }
}

/// A horizontal bar chart, with the budget line before row `divider_before`.
fn bars_chart(
    bars: Vec<Bar>,
    default_language: Arc<str>,
    figure: fn(&Bar, Locale) -> String,
    divider_before: Option<usize>,
) -> impl IntoView {
    svg(move |locale| {
        let drawn: Vec<DrawnBar> = bars
            .iter()
            .map(|bar| {
                let (label, lang) = label_text(&bar.label, locale, &default_language);
                DrawnBar { label, lang, figure: figure(bar, locale), length: bar.length, muted: bar.muted }
            })
            .collect();
        let divider = divider_before.map(|before| (before, text!(locale, results.budget_line)));
        bars_svg(&drawn, divider, is_rtl(locale))
    })
}

/// A scale's histogram: one column per value, values under them.
fn histogram(bars: &[Bar]) -> impl IntoView {
    let lengths: Vec<f64> = bars.iter().map(|bar| bar.length).collect();
    let values: Vec<f64> = bars
        .iter()
        .map(|bar| match bar.label {
            RowLabel::Value(value, _) => value as f64,
            _ => 0.0,
        })
        .collect();
    svg(move |locale| {
        let under: Vec<String> = values.iter().map(|value| browser::format_decimal(*value, locale.as_str())).collect();
        columns_svg(&lengths, lengths.len(), &under, is_rtl(locale))
    })
}

/// Instant-runoff: each round's bars, who left the count and the exhausted
/// ballots.
fn runoff(rounds: Vec<chart::RunoffRound>, default_language: Arc<str>) -> impl IntoView {
    rounds
        .into_iter()
        .enumerate()
        .map(|(index, round)| {
            let number_of = index as u64 + 1;
            let title = tr_with!(results.round_title, move |locale| vec![("number", number(number_of, locale))]);
            let eliminated = (!round.eliminated.is_empty()).then(|| {
                let (names, language) = (round.eliminated, default_language.clone());
                let text = tr_with!(results.round_eliminated, move |locale| {
                    let separator = text!(locale, results.list_separator);
                    let names: Vec<String> = names.iter().map(|l| label_text(l, locale, &language).0).collect();
                    vec![("labels", names.join(separator))]
                });
                view! { <p>{text}</p> }
            });
            let exhausted = round.exhausted;
            let exhausted = tr_with!(results.round_exhausted, move |locale| vec![("count", number(exhausted, locale))]);
            view! {
                <div class="runoff-round" data-round=number_of>
                    <p class="round-title">{title}</p>
                    {bars_chart(round.bars, default_language.clone(), share_figure, None)}
                    {eliminated}
                    <p>{exhausted}</p>
                </div>
            }
        })
        .collect_view()
}

/// A data table: a caption, column headers, and rows each headed by its
/// label. Column headers are texts of the interface; a header may carry
/// `{number}`, filled with its column's number (the rounds of a count).
struct Table {
    caption: Key,
    headers: Vec<Key>,
    rows: Vec<Row>,
}

struct Row {
    /// The option (or project, answer, value) of the row, as `data-option`.
    option: Option<String>,
    /// Budgets: whether the project is funded, as `data-funded`.
    funded: Option<bool>,
    header: Cell,
    cells: Vec<Cell>,
}

enum Cell {
    Label(RowLabel),
    Text(Key),
    /// The row's count: carries `data-count` for whoever reads the page.
    Count(u64),
    Number(u64),
    /// A count with "eliminated" after it (instant-runoff rounds).
    Eliminated(Box<Cell>),
    Percent(u32),
    /// A count and its share, "2 (50%)", where a table has no room for both
    /// columns; carries `data-count`.
    Share(u64, u32),
    Money(f64, String),
    Day(String),
    Missing,
}

impl Cell {
    fn eliminated(self, eliminated: bool) -> Cell {
        if eliminated {
            Cell::Eliminated(Box::new(self))
        } else {
            self
        }
    }

    /// The cell's text, its language when not the page's, whether it is a
    /// number, and its `data-count`.
    fn shown(&self, locale: Locale, default_language: &str) -> (String, Option<String>, bool, Option<u64>) {
        match self {
            Cell::Label(label) => {
                let (text, lang) = label_text(label, locale, default_language);
                (text, lang, false, None)
            }
            Cell::Text(text) => (crate::text::get(locale, *text).to_owned(), None, false, None),
            Cell::Count(value) => (number(*value, locale), None, true, Some(*value)),
            Cell::Number(value) => (number(*value, locale), None, true, None),
            Cell::Eliminated(cell) => {
                let (text, lang, numeric, count) = cell.shown(locale, default_language);
                (format!("{text} ({})", text!(locale, results.eliminated_mark)), lang, numeric, count)
            }
            Cell::Percent(value) => (percent_text(*value, locale), None, true, None),
            Cell::Share(value, percent) => {
                (format!("{} ({})", number(*value, locale), percent_text(*percent, locale)), None, true, Some(*value))
            }
            Cell::Money(amount, currency) => (money(*amount, currency, locale), None, true, None),
            Cell::Day(day) => match chart::day_at_noon(day) {
                Some(at) => (browser::format_date(at, locale.as_str()), None, false, None),
                None => (day.clone(), None, false, None),
            },
            Cell::Missing => ("–".to_owned(), None, true, None),
        }
    }
}

fn data_table(table: Table, default_language: Arc<str>) -> impl IntoView {
    let ui = use_language();
    let Table { caption, headers, rows } = table;
    let body = move || {
        let locale = ui.get();
        let headers = headers
            .iter()
            .enumerate()
            .map(|(index, header)| {
                let text = fill(crate::text::get(locale, *header), &[("number", number(index as u64, locale))]);
                view! { <th scope="col">{text}</th> }
            })
            .collect_view();
        let rows = rows
            .iter()
            .map(|row| {
                let (text, lang, _, _) = row.header.shown(locale, &default_language);
                let dir = lang.as_ref().map(|_| "auto");
                let cells = row
                    .cells
                    .iter()
                    .map(|cell| {
                        let (text, lang, numeric, count) = cell.shown(locale, &default_language);
                        let dir = lang.as_ref().map(|_| "auto");
                        view! { <td class=numeric.then_some("number") data-count=count lang=lang dir=dir>{text}</td> }
                    })
                    .collect_view();
                view! {
                    <tr data-option=row.option.clone() data-funded=row.funded.map(|f| f.to_string())>
                        <th scope="row" lang=lang dir=dir>{text}</th>
                        {cells}
                    </tr>
                }
            })
            .collect_view();
        view! {
            <thead><tr>{headers}</tr></thead>
            <tbody>{rows}</tbody>
        }
    };
    // Scrolls sideways when its columns are wider than the screen; focusable
    // so that a keyboard can scroll it too.
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="data-table">
                <caption>{tr(caption)}</caption>
                {body}
            </table>
        </div>
    }
}

/// Days the participation chart has room for before its columns narrow: a
/// first week's columns keep a readable width.
const PARTICIPATION_SLOTS: usize = 14;

/// Participation per day (staff): a small column chart, its sentence and table.
pub fn participation(days: Vec<DayParticipation>, participants: u64) -> impl IntoView {
    if days.is_empty() {
        return view! { <p class="chart-sentence">{tr!(results.participation_none)}</p> }.into_any();
    }
    let day_text = |day: &str, locale: Locale| match chart::day_at_noon(day) {
        Some(at) => browser::format_date(at, locale.as_str()),
        None => day.to_owned(),
    };
    let busiest = busiest_day(&days).cloned();
    let day_count = days.len() as u64;
    let text: Key =
        if days.len() == 1 { key!(results.participation_one_day) } else { key!(results.participation_sentence) };
    let sentence = crate::text::tr_with(text, move |locale| {
        let (date, count) =
            busiest.as_ref().map(|day| (day_text(&day.date, locale), day.participants)).unwrap_or_default();
        vec![
            ("participants", number(participants, locale)),
            ("days", number(day_count, locale)),
            ("date", date),
            ("count", number(count, locale)),
        ]
    });
    let lengths = participation_bars(&days);
    // Under the columns: every date when there are one or two, else the first and last.
    let mut ends: Vec<String> = days.iter().map(|day| day.date.clone()).collect();
    if ends.len() > 2 {
        ends.drain(1..ends.len() - 1);
    }
    // One or two days, each dated under its column, take the whole width:
    // in a fourteenth of a phone's width a centred date would stick out of
    // the screen.
    let slots = if ends.len() == days.len() { days.len() } else { PARTICIPATION_SLOTS };
    let chart = svg(move |locale| {
        let under: Vec<String> = ends.iter().map(|day| day_text(day, locale)).collect();
        columns_svg(&lengths, slots, &under, is_rtl(locale))
    });
    let table = Table {
        caption: key!(results.caption_participation),
        headers: vec![key!(results.col_day), key!(results.col_new_participants), key!(results.col_actions)],
        rows: days
            .into_iter()
            .map(|day| Row {
                option: None,
                funded: None,
                cells: vec![Cell::Count(day.participants), Cell::Number(day.actions)],
                header: Cell::Day(day.date),
            })
            .collect(),
    };
    view! {
        <p class="chart-sentence">{sentence}</p>
        {chart}
        {data_table(table, "".into())}
    }
    .into_any()
}

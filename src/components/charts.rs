//! Results charts, shared by the citizens' results and the staff results
//! screen: each drawn as hand-written inline SVG (no chart library: every
//! byte reaches a phone on 2G), with one plain-language sentence and a data
//! table that says the same to screen readers and to anyone who prefers
//! numbers. The SVG is hidden from assistive technology for that reason.
//!
//! The bars and labels are placed by `chart` (tested natively); here they
//! become elements in the interface language, mirrored in right-to-left ones.

use std::sync::Arc;

use baraza_core::analysis::DayParticipation;
use leptos::prelude::*;
use leptos_i18n::{Direction, Locale as _};

use super::items::answer_text;
use crate::browser;
use crate::chart::{
    self, busiest_day, column, participation_bars, span, stack_rows, wrap, Bar, BudgetBar, ItemChart, RunoffRound,
    Sentence, BAR, LABEL_CHARS, TRACK,
};
use crate::i18n::*;
use crate::language::use_language;
use crate::present::{self, RowLabel};
use crate::text::{fill, tr, Text};

/// An item's chart, its sentence and its table. `decided`: the consultation
/// is closed, so a leading option has won.
pub fn item_chart(chart: ItemChart, default_language: &str, decided: bool) -> impl IntoView {
    let language: Arc<str> = default_language.into();
    let sentence = sentence_view(chart.sentence(), language.clone(), decided);
    let body = match chart {
        ItemChart::Counts { bars, approvals, .. } => {
            let note = approvals.then(|| view! { <p class="hint">{tr!(results.approvals)}</p> });
            let caption: Text = if matches!(bars.first().map(|b| &b.label), Some(RowLabel::Useful(_))) {
                |l| td_string!(l, results.caption_useful)
            } else {
                |l| td_string!(l, results.caption_counts)
            };
            view! {
                {note}
                {bars_figure(bars.clone(), language.clone(), share_figure, None)}
                {counts_table(caption, |l| td_string!(l, results.col_option), bars, language)}
            }
            .into_any()
        }
        ItemChart::Histogram { bars, .. } => view! {
            {histogram(&bars)}
            {counts_table(|l| td_string!(l, results.caption_scale), |l| td_string!(l, results.col_value), bars, language)}
        }
        .into_any(),
        ItemChart::Runoff { rounds, .. } => runoff(rounds, language).into_any(),
        ItemChart::Borda { bars, first_choices, .. } => view! {
            <p class="hint">{tr!(results.borda_note)}</p>
            {bars_figure(bars.clone(), language.clone(), points_figure, None)}
            {borda_table(bars, first_choices, language)}
        }
        .into_any(),
        ItemChart::Budget { projects, share_per_voter, currency, .. } => {
            let share = share_per_voter.map(|share| {
                let currency = currency.clone();
                let text = tr_with!(results.share_per_voter, move |locale| vec![(
                    "share",
                    money(share, &currency, locale)
                )]);
                view! { <p>{text}</p> }
            });
            let funded = projects.iter().filter(|p| p.funded).count();
            let divider = (funded > 0 && funded < projects.len()).then_some(funded);
            let bars: Vec<Bar> = projects.iter().map(|p| p.bar.clone()).collect();
            view! {
                <p class="hint">{tr!(results.approvals)}</p>
                {bars_figure(bars, language.clone(), share_figure, divider)}
                {share}
                {budget_table(projects, currency, language)}
            }
            .into_any()
        }
        ItemChart::Written { .. } => ().into_any(),
    };
    view! {
        {sentence}
        {body}
    }
}

fn is_rtl(locale: Locale) -> bool {
    locale.direction() == Direction::RightToLeft
}

/// A label in the interface language `locale`, and the language it is
/// really in when the definition lacks that one.
fn label_text(label: &RowLabel, locale: Locale, default_language: &str) -> (String, Option<String>) {
    let shown = |text| {
        let (text, lang) = present::shown(text, locale.as_str(), default_language);
        (text.to_owned(), lang.map(str::to_owned))
    };
    match label {
        RowLabel::Text(text) => shown(text),
        RowLabel::Answer(answer) => (answer_text(*answer)(locale).to_owned(), None),
        RowLabel::Value(value, None) => (value.to_string(), None),
        RowLabel::Value(value, Some(end)) => {
            let (end, lang) = shown(end);
            (format!("{value} ({end})"), lang)
        }
        RowLabel::Useful(true) => (td_string!(locale, results.useful_yes).to_owned(), None),
        RowLabel::Useful(false) => (td_string!(locale, results.useful_no).to_owned(), None),
    }
}

fn label_view(label: RowLabel, default_language: Arc<str>) -> impl IntoView {
    let ui = use_language();
    let text = Memo::new(move |_| label_text(&label, ui.get(), &default_language));
    view! {
        <span lang=move || text.get().1 dir=move || text.get().1.map(|_| "auto")>
            {move || text.get().0}
        </span>
    }
}

fn number(value: u64, locale: Locale) -> String {
    browser::format_number(value, locale.as_str())
}

fn percent_text(value: u32, locale: Locale) -> String {
    fill(td_string!(locale, results.percent), &[("value", number(value.into(), locale))])
}

fn money(amount: f64, currency: &str, locale: Locale) -> String {
    format!("{} {currency}", browser::format_decimal(amount.round(), locale.as_str()))
}

/// The figures beside a bar: its count and share.
fn share_figure(bar: &Bar, locale: Locale) -> String {
    format!("{} · {}", number(bar.value, locale), percent_text(bar.percent, locale))
}

fn points_figure(bar: &Bar, locale: Locale) -> String {
    fill(td_string!(locale, results.points), &[("value", number(bar.value, locale))])
}

fn sentence_view(sentence: Sentence, default_language: Arc<str>, decided: bool) -> impl IntoView {
    let label = move |label: &RowLabel, locale| label_text(label, locale, &default_language).0;
    let text: Text = match &sentence {
        Sentence::NoAnswers => |l| td_string!(l, results.sentence_none),
        Sentence::Leads { .. } if decided => |l| td_string!(l, results.sentence_won),
        Sentence::Leads { .. } => |l| td_string!(l, results.sentence_leads),
        Sentence::Tied { .. } => |l| td_string!(l, results.sentence_tied),
        Sentence::MostChosen { .. } => |l| td_string!(l, results.sentence_most_chosen),
        Sentence::Average { .. } => |l| td_string!(l, results.sentence_average),
        Sentence::RunoffWinner { .. } => |l| td_string!(l, results.sentence_runoff),
        Sentence::BordaWinner { .. } => |l| td_string!(l, results.sentence_borda),
        Sentence::Funded { .. } => |l| td_string!(l, results.sentence_funded),
        Sentence::Useful { .. } => |l| td_string!(l, results.sentence_useful),
        Sentence::Written { .. } => |l| td_string!(l, results.sentence_written),
    };
    let values = move |locale: Locale| -> Vec<(&'static str, String)> {
        let n = |value: u64| number(value, locale);
        let decimal = |value: f64| browser::format_decimal(value, locale.as_str());
        match &sentence {
            Sentence::NoAnswers => vec![],
            Sentence::Leads { label: l, percent, ballots } | Sentence::MostChosen { label: l, percent, ballots } => {
                vec![("label", label(l, locale)), ("percent", n((*percent).into())), ("ballots", n(*ballots))]
            }
            Sentence::Tied { labels, percent, ballots } => {
                let separator = td_string!(locale, results.list_separator);
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

/// A horizontal bar chart: each label above its bar, the figures after it,
/// and a dashed budget line before row `divider_before`.
fn bars_figure(
    bars: Vec<Bar>,
    default_language: Arc<str>,
    figure: fn(&Bar, Locale) -> String,
    divider_before: Option<usize>,
) -> impl IntoView {
    let ui = use_language();
    move || {
        let locale = ui.get();
        let rtl = is_rtl(locale);
        let labels: Vec<(Vec<String>, Option<String>)> = bars
            .iter()
            .map(|bar| {
                let (text, lang) = label_text(&bar.label, locale, &default_language);
                (wrap(&text, LABEL_CHARS), lang)
            })
            .collect();
        let line_counts: Vec<usize> = labels.iter().map(|(lines, _)| lines.len()).collect();
        let (rows, height, divider) = stack_rows(&line_counts, divider_before);
        // Text starts at the reading start and figures end at the reading end:
        // with `direction` set, `text-anchor` follows the page's direction.
        let (start_x, end_x) = if rtl { ("100%", "0") } else { ("0", "100%") };
        let drawn = bars
            .iter()
            .zip(labels)
            .zip(rows)
            .map(|((bar, (lines, lang)), row)| {
                let track = span(0.0, TRACK, rtl);
                let fill = span(0.0, bar.length * TRACK, rtl);
                let lines = lines
                    .into_iter()
                    .zip(&row.baselines)
                    .map(|(line, y)| view! { <text x=start_x y=*y class="chart-label">{line}</text> })
                    .collect_view();
                let class = if bar.muted { "chart-bar muted" } else { "chart-bar" };
                view! {
                    <g lang=lang>
                        {lines}
                        <rect class="chart-track" x=pct(track.x) y=row.bar_top width=pct(track.width) height=BAR rx="3"></rect>
                        <rect class=class x=pct(fill.x) y=row.bar_top width=pct(fill.width) height=BAR rx="3"></rect>
                        <text x=end_x y=row.figure_baseline text-anchor="end" class="chart-figure">{figure(bar, locale)}</text>
                    </g>
                }
            })
            .collect_view();
        let divider = divider.map(|y| {
            view! {
                <line class="chart-divider" x1="0" x2="100%" y1=y y2=y></line>
                <text x=end_x y=y - 4.0 text-anchor="end" class="chart-figure">{td_string!(locale, results.budget_line)}</text>
            }
        });
        view! {
            <svg class="chart" width="100%" height=height direction=if rtl { "rtl" } else { "ltr" } aria-hidden="true" focusable="false">
                {drawn}
                {divider}
            </svg>
        }
    }
}

fn pct(value: f64) -> String {
    format!("{value:.2}%")
}

/// Height of the columns' area of a column chart.
const COLUMNS: f64 = 96.0;

/// A column chart: the lengths in reading order, and the text under them.
fn columns_svg(lengths: Vec<f64>, under: Vec<String>, rtl: bool) -> impl IntoView {
    let count = lengths.len();
    let every_column = under.len() == count;
    let columns = lengths
        .into_iter()
        .enumerate()
        .map(|(index, length)| {
            let box_ = column(index, count, rtl);
            let height = length * COLUMNS;
            view! { <rect class="chart-bar" x=pct(box_.x) y=COLUMNS - height width=pct(box_.width) height=height></rect> }
        })
        .collect_view();
    let labels = if every_column {
        under
            .into_iter()
            .enumerate()
            .map(|(index, text)| {
                let box_ = column(index, count, rtl);
                view! { <text x=pct(box_.x + box_.width / 2.0) y=COLUMNS + 16.0 text-anchor="middle" class="chart-figure">{text}</text> }
                    .into_any()
            })
            .collect_view()
    } else {
        // First and last only: under the first and last columns' outer edges.
        let (start_x, end_x) = if rtl { ("100%", "0") } else { ("0", "100%") };
        let mut under = under.into_iter();
        let first =
            under.next().map(|text| view! { <text x=start_x y=COLUMNS + 16.0 class="chart-figure">{text}</text> });
        let last = under
            .next()
            .map(|text| view! { <text x=end_x y=COLUMNS + 16.0 text-anchor="end" class="chart-figure">{text}</text> });
        vec![view! { {first} {last} }.into_any()].collect_view()
    };
    view! {
        <svg class="chart" width="100%" height=COLUMNS + 22.0 direction=if rtl { "rtl" } else { "ltr" } aria-hidden="true" focusable="false">
            <line class="chart-axis" x1="0" x2="100%" y1=COLUMNS y2=COLUMNS></line>
            {columns}
            {labels}
        </svg>
    }
}

/// A scale's histogram: one column per value, values under them.
fn histogram(bars: &[Bar]) -> impl IntoView {
    let ui = use_language();
    let lengths: Vec<f64> = bars.iter().map(|bar| bar.length).collect();
    let values: Vec<i64> = bars
        .iter()
        .map(|bar| match bar.label {
            RowLabel::Value(value, _) => value,
            _ => 0,
        })
        .collect();
    move || {
        let locale = ui.get();
        let under = values.iter().map(|value| browser::format_decimal(*value as f64, locale.as_str())).collect();
        columns_svg(lengths.clone(), under, is_rtl(locale))
    }
}

fn header(text: Text) -> impl IntoView {
    view! { <th scope="col">{tr(text)}</th> }
}

fn number_cell(value: u64) -> impl IntoView {
    let ui = use_language();
    view! { <td class="number" data-count=value>{move || number(value, ui.get())}</td> }
}

fn percent_cell(value: u32) -> impl IntoView {
    let ui = use_language();
    view! { <td class="number">{move || percent_text(value, ui.get())}</td> }
}

/// The table of a bar chart or histogram: label, count, share.
fn counts_table(caption: Text, first_column: Text, bars: Vec<Bar>, default_language: Arc<str>) -> impl IntoView {
    let rows = bars
        .into_iter()
        .map(|bar| {
            view! {
                <tr data-option=bar.key.clone()>
                    <th scope="row">{label_view(bar.label, default_language.clone())}</th>
                    {number_cell(bar.value)}
                    {percent_cell(bar.percent)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data-table">
            <caption>{tr(caption)}</caption>
            <thead>
                <tr>
                    {header(first_column)}
                    {header(|l| td_string!(l, results.col_answers))}
                    {header(|l| td_string!(l, results.col_share))}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn borda_table(bars: Vec<Bar>, first_choices: Vec<u64>, default_language: Arc<str>) -> impl IntoView {
    let rows = bars
        .into_iter()
        .zip(first_choices)
        .map(|(bar, firsts)| {
            view! {
                <tr data-option=bar.key.clone()>
                    <th scope="row">{label_view(bar.label, default_language.clone())}</th>
                    {number_cell(bar.value)}
                    {number_cell(firsts)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data-table">
            <caption>{tr!(results.caption_borda)}</caption>
            <thead>
                <tr>
                    {header(|l| td_string!(l, results.col_option))}
                    {header(|l| td_string!(l, results.col_points))}
                    {header(|l| td_string!(l, results.col_first_choices))}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn budget_table(projects: Vec<BudgetBar>, currency: String, default_language: Arc<str>) -> impl IntoView {
    let ui = use_language();
    let rows = projects
        .into_iter()
        .map(|project| {
            let currency = currency.clone();
            let cost = project.cost;
            let funded: Text = if project.funded {
                |l| td_string!(l, results.funded_yes)
            } else {
                |l| td_string!(l, results.funded_no)
            };
            view! {
                <tr data-option=project.bar.key.clone() data-funded=project.funded.to_string()>
                    <th scope="row">{label_view(project.bar.label, default_language.clone())}</th>
                    <td class="number">{move || money(cost as f64, &currency, ui.get())}</td>
                    {number_cell(project.bar.value)}
                    {percent_cell(project.bar.percent)}
                    <td>{tr(funded)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data-table">
            <caption>{tr!(results.caption_budget)}</caption>
            <thead>
                <tr>
                    {header(|l| td_string!(l, results.col_project))}
                    {header(|l| td_string!(l, results.col_cost))}
                    {header(|l| td_string!(l, results.col_approvals))}
                    {header(|l| td_string!(l, results.col_share))}
                    {header(|l| td_string!(l, results.col_funded))}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// Instant-runoff: each round's bars with who left the count and the
/// exhausted ballots, then one table of every round.
fn runoff(rounds: Vec<RunoffRound>, default_language: Arc<str>) -> impl IntoView {
    let ui = use_language();
    let round_views = rounds
        .iter()
        .enumerate()
        .map(|(index, round)| {
            let number_in = move |locale| number(index as u64 + 1, locale);
            let title = tr_with!(results.round_title, move |locale| vec![("number", number_in(locale))]);
            let eliminated = (!round.eliminated.is_empty()).then(|| {
                let names = round.eliminated.clone();
                let language = default_language.clone();
                let text = tr_with!(results.round_eliminated, move |locale| {
                    let separator = td_string!(locale, results.list_separator);
                    let names: Vec<String> = names.iter().map(|l| label_text(l, locale, &language).0).collect();
                    vec![("labels", names.join(separator))]
                });
                view! { <p>{text}</p> }
            });
            let exhausted = round.exhausted;
            view! {
                <div class="runoff-round" data-round=index + 1>
                    <p class="round-title">{title}</p>
                    {bars_figure(round.bars.clone(), default_language.clone(), share_figure, None)}
                    {eliminated}
                    <p>{tr_with!(results.round_exhausted, move |locale| vec![("count", number(exhausted, locale))])}</p>
                </div>
            }
        })
        .collect_view();
    // One row per candidate of the first round (every candidate), one column per round.
    let candidates: Vec<Bar> = rounds.first().map(|round| round.bars.clone()).unwrap_or_default();
    let round_headers = (1..=rounds.len())
        .map(|number_| {
            view! {
                <th scope="col">
                    {tr_with!(results.round_title, move |locale| vec![("number", number(number_ as u64, locale))])}
                </th>
            }
        })
        .collect_view();
    let rows = candidates
        .into_iter()
        .map(|candidate| {
            let cells = rounds
                .iter()
                .enumerate()
                .map(|(index, round)| match round.bars.iter().find(|bar| bar.key == candidate.key) {
                    Some(bar) => {
                        let (value, eliminated) = (bar.value, bar.muted);
                        let mark =
                            eliminated.then(|| view! { " " <span class="mark">{tr!(results.eliminated_mark)}</span> });
                        // Round one counts first preferences: the count the
                        // other charts' tables carry too.
                        let count = (index == 0).then_some(value);
                        view! { <td class="number" data-count=count>{move || number(value, ui.get())}{mark}</td> }
                            .into_any()
                    }
                    None => view! { <td class="number">"–"</td> }.into_any(),
                })
                .collect_view();
            view! {
                <tr data-option=candidate.key.clone()>
                    <th scope="row">{label_view(candidate.label, default_language.clone())}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let exhausted_cells = rounds.iter().map(|round| number_cell(round.exhausted)).collect_view();
    view! {
        {round_views}
        <table class="data-table">
            <caption>{tr!(results.caption_runoff)}</caption>
            <thead>
                <tr>
                    {header(|l| td_string!(l, results.col_option))}
                    {round_headers}
                </tr>
            </thead>
            <tbody>
                {rows}
                <tr data-exhausted="">
                    <th scope="row">{tr!(results.row_exhausted)}</th>
                    {exhausted_cells}
                </tr>
            </tbody>
        </table>
    }
}

/// Participation per day (staff): a small column chart, its sentence and table.
pub fn participation(days: Vec<DayParticipation>, participants: u64) -> impl IntoView {
    let ui = use_language();
    if days.is_empty() {
        return view! { <p class="chart-sentence">{tr!(results.participation_none)}</p> }.into_any();
    }
    let day_text = |day: &str, locale: Locale| match chart::day_at_noon(day) {
        Some(at) => browser::format_date(at, locale.as_str()),
        None => day.to_owned(),
    };
    let busiest = busiest_day(&days).cloned();
    let day_count = days.len() as u64;
    let sentence = tr_with!(results.participation_sentence, move |locale| {
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
    let chart = move || {
        let locale = ui.get();
        let under = ends.iter().map(|day| day_text(day, locale)).collect();
        columns_svg(lengths.clone(), under, is_rtl(locale))
    };
    let rows = days
        .into_iter()
        .map(|day| {
            let date = day.date.clone();
            view! {
                <tr data-day=day.date.clone()>
                    <th scope="row"><time datetime=day.date.clone()>{move || day_text(&date, ui.get())}</time></th>
                    {number_cell(day.participants)}
                    {number_cell(day.actions)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="chart-sentence">{sentence}</p>
        {chart}
        <table class="data-table">
            <caption>{tr!(results.caption_participation)}</caption>
            <thead>
                <tr>
                    {header(|l| td_string!(l, results.col_day))}
                    {header(|l| td_string!(l, results.col_new_participants))}
                    {header(|l| td_string!(l, results.col_actions))}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

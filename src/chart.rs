//! The results charts as plain data: which bars an item's results make, how
//! long each is, where it stands in a left-to-right or right-to-left page,
//! and what the one-sentence summary says. Free of views and of the
//! browser, so it is tested natively; `components::charts` draws it as SVG
//! with its data table.

use baraza_core::analysis::DayParticipation;
use baraza_core::api::ItemResult;
use baraza_core::definition::BudgetMethod;
use baraza_core::Item;

use crate::present::{self, percent, RowLabel};

/// One bar: an option, answer, scale value, project or useful-mark.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The key the results use: option id, answer, scale value, `yes`/`no`.
    pub key: String,
    pub label: RowLabel,
    /// The count (or Borda points) the bar stands for.
    pub value: u64,
    /// Its share of the answers, in whole percent.
    pub percent: u32,
    /// Its length, from 0 (nothing) to 1 (the whole track).
    pub length: f64,
    /// Drawn apart: an eliminated candidate, or a project left unfunded.
    pub muted: bool,
}

/// One round of an instant-runoff count.
#[derive(Debug, Clone, PartialEq)]
pub struct RunoffRound {
    /// The candidates still in the count, in the definition's order, each
    /// with its share of the ballots not exhausted.
    pub bars: Vec<Bar>,
    pub eliminated: Vec<RowLabel>,
    pub exhausted: u64,
}

/// A project of a participatory budget's results.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetBar {
    pub bar: Bar,
    pub cost: u64,
    pub funded: bool,
}

/// What an item's results are drawn as.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemChart {
    /// Counts per option, answer or useful-mark. With `approvals`, each
    /// answer could choose several options, so the shares add up to more
    /// than 100%.
    Counts {
        bars: Vec<Bar>,
        ballots: u64,
        approvals: bool,
    },
    /// A scale: one column per value, the tallest the most chosen.
    Histogram {
        bars: Vec<Bar>,
        ballots: u64,
        mean: Option<f64>,
        median: Option<f64>,
    },
    Runoff {
        rounds: Vec<RunoffRound>,
        winner: Option<RowLabel>,
    },
    /// Borda: each bar's value is its points; `first_choices` in the same order.
    Borda {
        bars: Vec<Bar>,
        first_choices: Vec<u64>,
        winner: Option<RowLabel>,
        ballots: u64,
    },
    /// Funded projects first, in the order they were funded, then the others.
    Budget {
        projects: Vec<BudgetBar>,
        /// Which rule funded them, so that the explanation states it.
        method: BudgetMethod,
        ballots: u64,
        total: u64,
        spent: u64,
        currency: String,
        share_per_voter: Option<f64>,
    },
    /// Written answers: read in the export.
    Written {
        ballots: u64,
    },
}

/// The one plain-language sentence that says what a chart shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Sentence {
    NoAnswers,
    /// An information section nobody has marked useful or not yet.
    NoMarks,
    /// One option has the most answers.
    Leads {
        label: RowLabel,
        percent: u32,
        ballots: u64,
    },
    /// Several options share the most answers.
    Tied {
        labels: Vec<RowLabel>,
        percent: u32,
        ballots: u64,
    },
    /// Of options that could be chosen together, this was chosen most.
    MostChosen {
        label: RowLabel,
        percent: u32,
        ballots: u64,
    },
    Average {
        mean: f64,
        median: f64,
        ballots: u64,
    },
    /// The winner's share of the ballots still counted in the last round.
    RunoffWinner {
        label: RowLabel,
        rounds: usize,
        percent: u32,
        counted: u64,
    },
    BordaWinner {
        label: RowLabel,
        points: u64,
        ballots: u64,
    },
    Funded {
        projects: usize,
        spent: u64,
        total: u64,
        currency: String,
    },
    Useful {
        percent: u32,
        marks: u64,
    },
    Written {
        ballots: u64,
    },
}

/// How an item's results are drawn; `None` when the results do not fit the
/// item (an item added to the definition after the results were read).
pub fn item_chart(item: &Item, result: &ItemResult) -> Option<ItemChart> {
    let ballots = result.ballots.unwrap_or(0);
    let chart = match item {
        Item::Info { .. } => {
            let useful = result.useful?;
            let marks = useful.yes + useful.no;
            let bar = |yes: bool, value: u64| Bar {
                key: if yes { "yes" } else { "no" }.to_owned(),
                label: RowLabel::Useful(yes),
                value,
                percent: percent(value, marks),
                length: fraction(value, marks),
                muted: false,
            };
            ItemChart::Counts {
                bars: vec![bar(true, useful.yes), bar(false, useful.no)],
                ballots: marks,
                approvals: false,
            }
        }
        Item::SingleChoice { .. } | Item::YesNo { .. } | Item::MultipleChoice { .. } => ItemChart::Counts {
            bars: share_bars(item, result, ballots),
            ballots,
            approvals: matches!(item, Item::MultipleChoice { .. }),
        },
        Item::Scale { .. } => {
            let mut bars = share_bars(item, result, ballots);
            let most = bars.iter().map(|bar| bar.value).max().unwrap_or(0);
            for bar in &mut bars {
                bar.length = fraction(bar.value, most);
            }
            ItemChart::Histogram { bars, ballots, mean: result.mean, median: result.median }
        }
        Item::Ranking { options, .. } => {
            let label_of = |key: &str| options.iter().find(|o| o.id == key).map(|o| RowLabel::Text(o.label.clone()));
            let winner = result.winner.as_deref().and_then(label_of);
            match (&result.rounds, &result.scores) {
                (Some(rounds), _) if !rounds.is_empty() => {
                    let rounds = rounds
                        .iter()
                        .map(|round| {
                            let counted: u64 = round.counts.values().sum();
                            let bars = options
                                .iter()
                                .filter_map(|option| {
                                    let value = *round.counts.get(&option.id)?;
                                    Some(Bar {
                                        key: option.id.clone(),
                                        label: RowLabel::Text(option.label.clone()),
                                        value,
                                        percent: percent(value, counted),
                                        length: fraction(value, counted),
                                        muted: round.eliminated.contains(&option.id),
                                    })
                                })
                                .collect();
                            let eliminated = round.eliminated.iter().filter_map(|key| label_of(key)).collect();
                            RunoffRound { bars, eliminated, exhausted: round.exhausted }
                        })
                        .collect();
                    ItemChart::Runoff { rounds, winner }
                }
                (_, Some(scores)) => {
                    let most = scores.values().copied().max().unwrap_or(0);
                    let total: u64 = scores.values().sum();
                    let firsts = share_bars(item, result, ballots);
                    let bars = options
                        .iter()
                        .map(|option| {
                            let value = scores.get(&option.id).copied().unwrap_or(0);
                            Bar {
                                key: option.id.clone(),
                                label: RowLabel::Text(option.label.clone()),
                                value,
                                percent: percent(value, total),
                                length: fraction(value, most),
                                muted: false,
                            }
                        })
                        .collect();
                    ItemChart::Borda {
                        bars,
                        first_choices: firsts.iter().map(|bar| bar.value).collect(),
                        winner,
                        ballots,
                    }
                }
                // No round to show (no ballots yet): first choices.
                _ => ItemChart::Counts { bars: share_bars(item, result, ballots), ballots, approvals: false },
            }
        }
        Item::Budget { projects, method, total, currency, .. } => {
            let selected = result.selected.clone().unwrap_or_default();
            let bars = share_bars(item, result, ballots);
            let mut budget: Vec<BudgetBar> = projects
                .iter()
                .zip(bars)
                .map(|(project, mut bar)| {
                    let funded = selected.contains(&project.id);
                    bar.muted = !funded;
                    BudgetBar { bar, cost: project.cost, funded }
                })
                .collect();
            // Funded in funding order, then the rest as defined (the sort is stable).
            budget.sort_by_key(|p| selected.iter().position(|id| *id == p.bar.key).unwrap_or(usize::MAX));
            ItemChart::Budget {
                projects: budget,
                method: *method,
                ballots,
                total: *total,
                spent: result.spent.unwrap_or(0),
                currency: currency.clone(),
                share_per_voter: result.share_per_voter,
            }
        }
        Item::Text { .. } => ItemChart::Written { ballots },
    };
    Some(chart)
}

/// Bars whose length is their share of `ballots`.
fn share_bars(item: &Item, result: &ItemResult, ballots: u64) -> Vec<Bar> {
    present::result_rows(item, result)
        .into_iter()
        .map(|row| Bar {
            length: fraction(row.count, ballots),
            key: row.key,
            label: row.label,
            value: row.count,
            percent: row.percent,
            muted: false,
        })
        .collect()
}

/// `part` of `whole` from 0 to 1; 0 of nothing is 0.
fn fraction(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part.min(whole) as f64) / (whole as f64)
    }
}

impl ItemChart {
    pub fn sentence(&self) -> Sentence {
        match self {
            ItemChart::Counts { bars, ballots, .. }
                if bars.iter().any(|bar| matches!(bar.label, RowLabel::Useful(_))) =>
            {
                match bars.iter().find(|bar| bar.label == RowLabel::Useful(true)) {
                    Some(yes) if *ballots > 0 => Sentence::Useful { percent: yes.percent, marks: *ballots },
                    _ => Sentence::NoMarks,
                }
            }
            ItemChart::Counts { bars, ballots, .. } if bars.iter().all(|bar| bar.value == 0) || *ballots == 0 => {
                Sentence::NoAnswers
            }
            ItemChart::Counts { bars, ballots, approvals } => {
                let most = bars.iter().map(|bar| bar.value).max().unwrap_or(0);
                let mut leaders = bars.iter().filter(|bar| bar.value == most);
                let first = leaders.next().expect("a bar has the largest count");
                let others: Vec<&Bar> = leaders.collect();
                if *approvals && others.is_empty() {
                    Sentence::MostChosen { label: first.label.clone(), percent: first.percent, ballots: *ballots }
                } else if others.is_empty() {
                    Sentence::Leads { label: first.label.clone(), percent: first.percent, ballots: *ballots }
                } else {
                    let labels = std::iter::once(first).chain(others).map(|bar| bar.label.clone()).collect();
                    Sentence::Tied { labels, percent: first.percent, ballots: *ballots }
                }
            }
            ItemChart::Histogram { ballots, mean, median, .. } => match (mean, median) {
                (Some(mean), Some(median)) if *ballots > 0 => {
                    Sentence::Average { mean: *mean, median: *median, ballots: *ballots }
                }
                _ => Sentence::NoAnswers,
            },
            ItemChart::Runoff { rounds, winner } => match (winner, rounds.last()) {
                (Some(winner), Some(last)) => {
                    let bar = last.bars.iter().find(|bar| bar.label == *winner);
                    Sentence::RunoffWinner {
                        label: winner.clone(),
                        rounds: rounds.len(),
                        percent: bar.map_or(0, |bar| bar.percent),
                        counted: last.bars.iter().map(|bar| bar.value).sum(),
                    }
                }
                _ => Sentence::NoAnswers,
            },
            ItemChart::Borda { bars, winner, ballots, .. } => match winner {
                Some(winner) if *ballots > 0 => Sentence::BordaWinner {
                    label: winner.clone(),
                    points: bars.iter().find(|bar| bar.label == *winner).map_or(0, |bar| bar.value),
                    ballots: *ballots,
                },
                _ => Sentence::NoAnswers,
            },
            ItemChart::Budget { ballots: 0, .. } => Sentence::NoAnswers,
            ItemChart::Budget { projects, spent, total, currency, .. } => Sentence::Funded {
                projects: projects.iter().filter(|p| p.funded).count(),
                spent: *spent,
                total: *total,
                currency: currency.clone(),
            },
            ItemChart::Written { ballots } => Sentence::Written { ballots: *ballots },
        }
    }
}

// Geometry. Charts are drawn in CSS pixels from the top and in percent of
// the width across, so they fill any screen without scaling their text.

/// Height of one line of a label.
const LINE: f64 = 20.0;
/// Thickness of a bar.
const BAR: f64 = 14.0;
/// Space below each row.
const ROW_GAP: f64 = 12.0;
/// Space for the budget line between funded and unfunded projects.
const DIVIDER: f64 = 28.0;
/// The share of the width the bars may take; the figures sit after them.
const TRACK: f64 = 68.0;
/// Characters per label line: what fits a 320 px phone at the chart's size.
const LABEL_CHARS: usize = 34;

/// The words of `text` in lines of at most `width` characters; a word
/// longer than a line is cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.drain(..width).collect());
        }
        let word: String = word.into_iter().collect();
        if word.is_empty() {
            continue;
        }
        let fits = line.is_empty() || line.chars().count() + 1 + word.chars().count() <= width;
        if !fits {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Where one row of a horizontal bar chart stands, from the chart's top.
#[derive(Debug, Clone, PartialEq)]
struct RowBox {
    /// The baseline of each label line.
    pub baselines: Vec<f64>,
    pub bar_top: f64,
    /// The baseline of the figures beside the bar.
    pub figure_baseline: f64,
}

/// The rows of a bar chart, given how many lines each label takes, with a
/// divider (the budget line) before row `divider_before`; and the chart's
/// height, and the divider's middle when there is one.
fn stack_rows(label_lines: &[usize], divider_before: Option<usize>) -> (Vec<RowBox>, f64, Option<f64>) {
    let mut top = 0.0;
    let mut divider = None;
    let mut rows = Vec::with_capacity(label_lines.len());
    for (index, lines) in label_lines.iter().enumerate() {
        if divider_before == Some(index) {
            divider = Some(top + DIVIDER / 2.0 - ROW_GAP / 2.0);
            top += DIVIDER;
        }
        let lines = (*lines).max(1);
        let baselines = (0..lines).map(|line| top + 15.0 + line as f64 * LINE).collect();
        let bar_top = top + lines as f64 * LINE + 2.0;
        rows.push(RowBox { baselines, bar_top, figure_baseline: bar_top + BAR - 2.0 });
        top = bar_top + BAR + ROW_GAP;
    }
    (rows, top, divider)
}

/// A horizontal span in percent of the width: its left edge and width.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    pub x: f64,
    pub width: f64,
}

/// The span that starts `from` percent after the reading start of the line
/// and is `width` percent wide: measured from the left in left-to-right
/// pages, from the right in right-to-left ones.
fn span(from: f64, width: f64, rtl: bool) -> Span {
    Span { x: if rtl { 100.0 - from - width } else { from }, width }
}

/// The `index`th of `count` equal columns, with a gap on both sides, in
/// reading order.
fn column(index: usize, count: usize, rtl: bool) -> Span {
    let slot = 100.0 / count.max(1) as f64;
    let gap = (slot * 0.12).min(1.5);
    span(index as f64 * slot + gap, slot - 2.0 * gap, rtl)
}

/// One bar as drawn: its label (and the language it is in, when not the
/// page's), the figures beside it, and its length from 0 to 1.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnBar {
    pub label: String,
    pub lang: Option<String>,
    pub figure: String,
    pub length: f64,
    pub muted: bool,
}

/// A horizontal bar chart as SVG markup: each label above its bar, the
/// figures after it, and a dashed line labelled `divider.1` before row
/// `divider.0` (the budget line). Text starts at the reading start and
/// figures end at the reading end: with `direction` set on the SVG,
/// `text-anchor` follows the page's direction.
///
/// Markup rather than view code: drawn once per language, it costs the
/// download a few string formats instead of a rendering routine per element.
pub fn bars_svg(bars: &[DrawnBar], divider: Option<(usize, &str)>, rtl: bool) -> String {
    let lines: Vec<Vec<String>> = bars.iter().map(|bar| wrap(&bar.label, LABEL_CHARS)).collect();
    let (rows, height, divider_y) =
        stack_rows(&lines.iter().map(Vec::len).collect::<Vec<_>>(), divider.map(|(before, _)| before));
    let (start_x, end_x) = edges(rtl);
    let mut svg = open_svg(height, rtl);
    for ((bar, lines), row) in bars.iter().zip(lines).zip(rows) {
        match &bar.lang {
            Some(lang) => svg.push_str(&format!(r#"<g lang="{}">"#, escape(lang))),
            None => svg.push_str("<g>"),
        }
        for (line, y) in lines.iter().zip(&row.baselines) {
            svg.push_str(&format!(
                r#"<text class="chart-label" x="{start_x}" y="{}">{}</text>"#,
                coordinate(*y),
                escape(line)
            ));
        }
        let track = span(0.0, TRACK, rtl);
        let fill = span(0.0, bar.length * TRACK, rtl);
        let class = if bar.muted { "chart-bar muted" } else { "chart-bar" };
        svg.push_str(&format!(
            r#"<rect class="chart-track" x="{}%" y="{top}" width="{}%" height="{height}" rx="3"/><rect class="{class}" x="{}%" y="{top}" width="{}%" height="{height}" rx="3"/><text class="chart-figure" x="{end_x}" y="{}" text-anchor="end">{}</text></g>"#,
            coordinate(track.x),
            coordinate(track.width),
            coordinate(fill.x),
            coordinate(fill.width),
            coordinate(row.figure_baseline),
            escape(&bar.figure),
            top = coordinate(row.bar_top),
            height = coordinate(BAR),
        ));
    }
    if let (Some(y), Some((_, label))) = (divider_y, divider) {
        svg.push_str(&format!(
            r#"<line class="chart-divider" x1="0" x2="100%" y1="{y}" y2="{y}"/><text class="chart-figure" x="{end_x}" y="{}" text-anchor="end">{}</text>"#,
            coordinate(y - 4.0),
            escape(label),
            y = coordinate(y),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Height of the columns' area of a column chart.
const COLUMNS: f64 = 96.0;

/// A column chart as SVG markup: `lengths` from 0 to 1 in reading order,
/// each in one of `slots` equal parts of the width (at least one per
/// column), from the reading start. `under` has a text for every column, or
/// else the first and last only, set under the first and last columns' outer
/// edges.
pub fn columns_svg(lengths: &[f64], slots: usize, under: &[String], rtl: bool) -> String {
    let count = lengths.len();
    let slots = slots.max(count);
    let baseline = coordinate(COLUMNS + 16.0);
    let mut svg = open_svg(COLUMNS + 22.0, rtl);
    let axis = coordinate(COLUMNS);
    svg.push_str(&format!(r#"<line class="chart-axis" x1="0" x2="100%" y1="{axis}" y2="{axis}"/>"#));
    for (index, length) in lengths.iter().enumerate() {
        let slot = column(index, slots, rtl);
        let height = length * COLUMNS;
        svg.push_str(&format!(
            r#"<rect class="chart-bar" x="{}%" y="{}" width="{}%" height="{}"/>"#,
            coordinate(slot.x),
            coordinate(COLUMNS - height),
            coordinate(slot.width),
            coordinate(height),
        ));
    }
    let mut label = |x: f64, anchor: &str, text: &str| {
        svg.push_str(&format!(
            r#"<text class="chart-figure" x="{}%" y="{baseline}" text-anchor="{anchor}">{}</text>"#,
            coordinate(x),
            escape(text)
        ))
    };
    if under.len() == count {
        for (index, text) in under.iter().enumerate() {
            let slot = column(index, slots, rtl);
            label(slot.x + slot.width / 2.0, "middle", text);
        }
    } else if let ([first, last], Some(end)) = (under, count.checked_sub(1)) {
        // `start` and `end` anchors follow the SVG's direction.
        let (first_slot, last_slot) = (column(0, slots, rtl), column(end, slots, rtl));
        let (start_x, end_x) = if rtl {
            (first_slot.x + first_slot.width, last_slot.x)
        } else {
            (first_slot.x, last_slot.x + last_slot.width)
        };
        label(start_x, "start", first);
        label(end_x, "end", last);
    }
    svg.push_str("</svg>");
    svg
}

/// Where text starting at the reading start, and text ending at the
/// reading end, are anchored.
fn edges(rtl: bool) -> (&'static str, &'static str) {
    if rtl {
        ("100%", "0")
    } else {
        ("0", "100%")
    }
}

/// The opening tag of a chart: full width, hidden from assistive technology
/// (the table beside it says the same).
fn open_svg(height: f64, rtl: bool) -> String {
    let direction = if rtl { "rtl" } else { "ltr" };
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100%" height="{}" direction="{direction}" aria-hidden="true" focusable="false">"#,
        coordinate(height)
    )
}

/// A coordinate as SVG reads it, to the hundredth: "34", "13.6", "66.67".
/// Written with integers: Rust's float formatting would add kilobytes to the
/// download.
fn coordinate(value: f64) -> String {
    let hundredths = (value * 100.0).round() as i64;
    let sign = if hundredths < 0 { "-" } else { "" };
    let (whole, fraction) = (hundredths.abs() / 100, hundredths.abs() % 100);
    match fraction {
        0 => format!("{sign}{whole}"),
        tenths if tenths % 10 == 0 => format!("{sign}{whole}.{}", tenths / 10),
        fraction => format!("{sign}{whole}.{fraction:02}"),
    }
}

/// Text as it may stand in markup.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Participation per day as columns, the busiest day the tallest.
pub fn participation_bars(days: &[DayParticipation]) -> Vec<f64> {
    let most = days.iter().map(|day| day.participants).max().unwrap_or(0);
    days.iter().map(|day| fraction(day.participants, most)).collect()
}

/// The busiest day, the first of equals: where the participation sentence points.
pub fn busiest_day(days: &[DayParticipation]) -> Option<&DayParticipation> {
    days.iter().rev().max_by_key(|day| day.participants)
}

/// The UTC day `YYYY-MM-DD` at noon, so that it shows as the same date in
/// every time zone within twelve hours of UTC.
pub fn day_at_noon(day: &str) -> Option<time::OffsetDateTime> {
    // Read by hand: time's format-description parser would add kilobytes to the download.
    let mut parts = day.splitn(3, '-');
    let mut part = || parts.next().filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let (year, month, date) = (part()?.parse().ok()?, part()?.parse::<u8>().ok()?, part()?.parse().ok()?);
    let date = time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, date).ok()?;
    Some(date.with_time(time::Time::from_hms(12, 0, 0).ok()?).assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use baraza_core::api::Useful;
    use baraza_core::ballot::Answer;
    use baraza_core::count::Round;
    use baraza_core::definition::{Choice, Project, RankingMethod};
    use baraza_core::Localized;
    use std::collections::BTreeMap;

    fn text(value: &str) -> Localized {
        Localized([("en".to_owned(), value.to_owned())].into_iter().collect())
    }

    fn choices(ids: &[&str]) -> Vec<Choice> {
        ids.iter().map(|id| Choice { id: (*id).into(), label: text(id) }).collect()
    }

    fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    fn result(ballots: u64, pairs: &[(&str, u64)]) -> ItemResult {
        ItemResult { id: "q".into(), ballots: Some(ballots), counts: Some(counts(pairs)), ..ItemResult::default() }
    }

    fn label(id: &str) -> RowLabel {
        RowLabel::Text(text(id))
    }

    #[test]
    fn a_single_choice_leads_with_its_share_of_the_ballots() {
        let item =
            Item::SingleChoice { id: "q".into(), title: text("Q"), options: choices(&["flat", "per-litre", "blocks"]) };
        let chart = item_chart(&item, &result(1200, &[("flat", 300), ("per-litre", 400), ("blocks", 500)])).unwrap();
        let ItemChart::Counts { bars, .. } = &chart else { panic!("{chart:?}") };
        assert_eq!(bars.iter().map(|b| b.length).collect::<Vec<_>>(), vec![0.25, 400.0 / 1200.0, 500.0 / 1200.0]);
        assert_eq!(chart.sentence(), Sentence::Leads { label: label("blocks"), percent: 42, ballots: 1200 });
    }

    #[test]
    fn ties_name_every_leader_and_no_answers_says_so() {
        let item = Item::YesNo { id: "q".into(), title: text("Q") };
        let tied = item_chart(&item, &result(4, &[("yes", 2), ("no", 2)])).unwrap();
        assert_eq!(
            tied.sentence(),
            Sentence::Tied {
                labels: vec![RowLabel::Answer(Answer::Yes), RowLabel::Answer(Answer::No)],
                percent: 50,
                ballots: 4
            }
        );
        assert_eq!(item_chart(&item, &result(0, &[])).unwrap().sentence(), Sentence::NoAnswers);
    }

    #[test]
    fn approvals_say_chosen_most() {
        let item = Item::MultipleChoice {
            id: "q".into(),
            title: text("Q"),
            options: choices(&["leaks", "kiosks"]),
            min: None,
            max: None,
        };
        let chart = item_chart(&item, &result(10, &[("leaks", 8), ("kiosks", 6)])).unwrap();
        assert_eq!(chart.sentence(), Sentence::MostChosen { label: label("leaks"), percent: 80, ballots: 10 });
    }

    #[test]
    fn useful_marks_are_shares_of_the_marks() {
        let item = Item::Info { id: "q".into(), title: text("Q"), body: text("B") };
        let marks = ItemResult { useful: Some(Useful { yes: 3, no: 1 }), ..ItemResult::default() };
        let chart = item_chart(&item, &marks).unwrap();
        assert_eq!(chart.sentence(), Sentence::Useful { percent: 75, marks: 4 });
        let unmarked = ItemResult { useful: Some(Useful { yes: 0, no: 0 }), ..ItemResult::default() };
        assert_eq!(item_chart(&item, &unmarked).unwrap().sentence(), Sentence::NoMarks);
        assert!(item_chart(&item, &ItemResult::default()).is_none(), "results without marks do not fit");
    }

    #[test]
    fn a_histogram_scales_to_its_tallest_column_and_states_mean_and_median() {
        let item = Item::Scale { id: "q".into(), title: text("Q"), min: 1, max: 3, min_label: None, max_label: None };
        let mut answers = result(4, &[("1", 1), ("2", 2), ("3", 1)]);
        answers.mean = Some(2.0);
        answers.median = Some(2.0);
        let chart = item_chart(&item, &answers).unwrap();
        let ItemChart::Histogram { bars, .. } = &chart else { panic!("{chart:?}") };
        assert_eq!(bars.iter().map(|b| b.length).collect::<Vec<_>>(), vec![0.5, 1.0, 0.5]);
        assert_eq!(bars[1].percent, 50);
        assert_eq!(chart.sentence(), Sentence::Average { mean: 2.0, median: 2.0, ballots: 4 });
    }

    #[test]
    fn runoff_rounds_keep_every_count_the_eliminated_and_the_exhausted() {
        let item = Item::Ranking {
            id: "q".into(),
            title: text("Q"),
            options: choices(&["market", "school", "bus"]),
            method: RankingMethod::InstantRunoff,
        };
        let mut ranked = result(5, &[("market", 2), ("school", 2), ("bus", 1)]);
        ranked.rounds = Some(vec![
            Round {
                counts: counts(&[("market", 2), ("school", 2), ("bus", 1)]),
                eliminated: vec!["bus".into()],
                exhausted: 0,
            },
            Round { counts: counts(&[("market", 3), ("school", 1)]), eliminated: vec![], exhausted: 1 },
        ]);
        ranked.winner = Some("market".into());
        let chart = item_chart(&item, &ranked).unwrap();
        let ItemChart::Runoff { rounds, .. } = &chart else { panic!("{chart:?}") };
        assert_eq!(
            rounds[0].bars.iter().map(|b| (b.key.as_str(), b.muted)).collect::<Vec<_>>(),
            vec![("market", false), ("school", false), ("bus", true)]
        );
        assert_eq!(rounds[0].eliminated, vec![label("bus")]);
        assert_eq!(rounds[1].bars.len(), 2, "the eliminated leave the count");
        assert_eq!((rounds[1].bars[0].percent, rounds[1].exhausted), (75, 1));
        assert_eq!(
            chart.sentence(),
            Sentence::RunoffWinner { label: label("market"), rounds: 2, percent: 75, counted: 4 }
        );
    }

    #[test]
    fn a_runoff_without_ballots_shows_first_choices() {
        let item = Item::Ranking {
            id: "q".into(),
            title: text("Q"),
            options: choices(&["market", "school"]),
            method: RankingMethod::InstantRunoff,
        };
        let mut empty = result(0, &[("market", 0), ("school", 0)]);
        empty.rounds = Some(vec![]);
        let chart = item_chart(&item, &empty).unwrap();
        assert!(matches!(&chart, ItemChart::Counts { bars, .. } if bars.len() == 2), "{chart:?}");
        assert_eq!(chart.sentence(), Sentence::NoAnswers);
    }

    #[test]
    fn borda_bars_are_points_with_first_choices_beside() {
        let item = Item::Ranking {
            id: "q".into(),
            title: text("Q"),
            options: choices(&["a", "b"]),
            method: RankingMethod::Borda,
        };
        let mut ranked = result(3, &[("a", 1), ("b", 2)]);
        ranked.scores = Some(counts(&[("a", 1), ("b", 2)]));
        ranked.winner = Some("b".into());
        let chart = item_chart(&item, &ranked).unwrap();
        let ItemChart::Borda { bars, first_choices, .. } = &chart else { panic!("{chart:?}") };
        assert_eq!(bars.iter().map(|b| b.length).collect::<Vec<_>>(), vec![0.5, 1.0]);
        assert_eq!(first_choices, &vec![1, 2]);
        assert_eq!(chart.sentence(), Sentence::BordaWinner { label: label("b"), points: 2, ballots: 3 });
    }

    #[test]
    fn budgets_list_the_funded_first_in_funding_order() {
        let project = |id: &str, cost| Project { id: id.into(), cost, label: text(id), description: None };
        let item = Item::Budget {
            id: "q".into(),
            title: text("Q"),
            method: BudgetMethod::EqualShares,
            completion_step: None,
            total: 5,
            currency: "TZS".into(),
            projects: vec![project("well", 2), project("classroom", 3), project("solar", 1)],
        };
        let mut counted = result(4, &[("well", 3), ("classroom", 1), ("solar", 4)]);
        counted.selected = Some(vec!["solar".into(), "well".into()]);
        counted.spent = Some(3);
        counted.share_per_voter = Some(1.25);
        let chart = item_chart(&item, &counted).unwrap();
        let ItemChart::Budget { projects, method, share_per_voter, .. } = &chart else { panic!("{chart:?}") };
        assert_eq!(
            projects.iter().map(|p| (p.bar.key.as_str(), p.funded, p.bar.muted)).collect::<Vec<_>>(),
            vec![("solar", true, false), ("well", true, false), ("classroom", false, true)]
        );
        assert_eq!(*share_per_voter, Some(1.25));
        // The explanation states the rule of the method that counted.
        assert_eq!(*method, BudgetMethod::EqualShares);
        assert_eq!(chart.sentence(), Sentence::Funded { projects: 2, spent: 3, total: 5, currency: "TZS".into() });
    }

    #[test]
    fn labels_wrap_at_words_and_cut_what_cannot_fit() {
        assert_eq!(
            wrap("First 50 litres a day free, then per litre", 20),
            vec!["First 50 litres a", "day free, then per", "litre"]
        );
        assert_eq!(wrap("abcdefgh xy", 3), vec!["abc", "def", "gh", "xy"]);
        assert_eq!(wrap("", 10), vec![""]);
        assert_eq!(wrap("أول 50 لترًا يوميًا", 10), vec!["أول 50", "لترًا", "يوميًا"]);
    }

    #[test]
    fn rows_stack_with_room_for_the_budget_line() {
        let (rows, height, divider) = stack_rows(&[1, 2], None);
        assert_eq!(rows[0].baselines, vec![15.0]);
        assert_eq!(rows[0].bar_top, 22.0);
        // The second row starts below the first bar and its gap: 22 + 14 + 12.
        assert_eq!(rows[1].baselines, vec![63.0, 83.0]);
        assert_eq!(height, 48.0 + 2.0 * LINE + 2.0 + BAR + ROW_GAP);
        assert!(divider.is_none());
        let (rows, _, divider) = stack_rows(&[1, 1], Some(1));
        assert_eq!(rows[1].baselines[0], 48.0 + DIVIDER + 15.0);
        assert_eq!(divider, Some(48.0 + DIVIDER / 2.0 - ROW_GAP / 2.0));
    }

    #[test]
    fn spans_mirror_in_right_to_left_pages() {
        assert_eq!(span(0.0, 30.0, false), Span { x: 0.0, width: 30.0 });
        assert_eq!(span(0.0, 30.0, true), Span { x: 70.0, width: 30.0 });
        assert_eq!(column(0, 4, false).x, 1.5);
        assert_eq!(column(0, 4, true).x + column(0, 4, true).width, 98.5);
        assert_eq!(column(3, 4, true).x, 1.5);
    }

    #[test]
    fn bar_charts_are_markup_with_their_text_escaped_and_mirrored() {
        let bar = |label: &str, length| DrawnBar {
            label: label.into(),
            lang: None,
            figure: "3 · 60%".into(),
            length,
            muted: false,
        };
        let ltr = bars_svg(&[bar("Tom & <Jerry>", 0.5)], None, false);
        assert!(ltr.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100%" height="48""#));
        assert!(ltr.contains(r#"direction="ltr""#));
        assert!(ltr.contains(r#"<text class="chart-label" x="0" y="15">Tom &amp; &lt;Jerry&gt;</text>"#));
        assert!(ltr.contains(r#"<rect class="chart-bar" x="0%" y="22" width="34%""#));
        assert!(ltr.contains(r#"x="100%" y="34" text-anchor="end">3 · 60%</text>"#));
        assert!(ltr.ends_with("</g></svg>"));

        let rtl = bars_svg(&[bar("ماء", 0.5), bar("x", 0.0)], Some((1, "Budget line")), true);
        assert!(rtl.contains(r#"<text class="chart-label" x="100%" y="15">ماء</text>"#));
        assert!(rtl.contains(r#"<rect class="chart-bar" x="66%" y="22" width="34%""#));
        assert!(rtl.contains(r#"<rect class="chart-track" x="32%""#));
        assert!(rtl.contains(r#"<line class="chart-divider" x1="0" x2="100%" y1="56" y2="56"/>"#));
        assert!(rtl.contains(r#"x="0" y="52" text-anchor="end">Budget line</text>"#));
    }

    #[test]
    fn column_charts_label_every_column_or_the_two_ends() {
        let every = columns_svg(&[1.0, 0.5], 2, &["1".into(), "2".into()], false);
        assert!(every.contains(r#"<rect class="chart-bar" x="1.5%" y="0" width="47%" height="96"/>"#));
        assert!(every.contains(r#"<rect class="chart-bar" x="51.5%" y="48" width="47%" height="48"/>"#));
        assert!(every.contains(r#"x="25%" y="112" text-anchor="middle">1</text>"#));
        let ends = columns_svg(&[1.0, 0.5, 0.2], 3, &["1 Nov".into(), "3 Nov".into()], true);
        assert!(ends.contains(r#"x="98.5%" y="112" text-anchor="start">1 Nov</text>"#));
        assert!(ends.contains(r#"x="1.5%" y="112" text-anchor="end">3 Nov</text>"#));
        // Fewer columns than slots: they keep their width from the reading start.
        let few = columns_svg(&[1.0], 4, &["1 Nov".into()], false);
        assert!(few.contains(r#"<rect class="chart-bar" x="1.5%" y="0" width="22%" height="96"/>"#));
        assert!(few.contains(r#"x="12.5%" y="112" text-anchor="middle">1 Nov</text>"#));
        assert_eq!(escape(r#"a"b'c"#), "a&quot;b&#39;c");
        assert_eq!(
            [0.0, 34.0, 13.6, 200.0 / 3.0, -4.005, 0.004].map(coordinate),
            ["0", "34", "13.6", "66.67", "-4.01", "0"]
        );
    }

    #[test]
    fn participation_columns_scale_to_the_busiest_day() {
        let day =
            |date: &str, participants| DayParticipation { date: date.into(), participants, actions: participants };
        let days = [day("2026-11-01", 2), day("2026-11-02", 4), day("2026-11-03", 4)];
        assert_eq!(participation_bars(&days), vec![0.5, 1.0, 1.0]);
        assert_eq!(busiest_day(&days).unwrap().date, "2026-11-02");
        assert!(busiest_day(&[]).is_none());
        assert_eq!(day_at_noon("2026-11-02").unwrap().to_string(), "2026-11-02 12:00:00.0 +00:00:00");
        assert!(day_at_noon("yesterday").is_none());
        assert!(day_at_noon("2026-13-01").is_none());
        assert!(day_at_noon("2026-11-+1").is_none());
    }
}

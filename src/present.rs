//! How domain data is presented: plain functions, free of views and of the
//! browser, so they are tested natively. The rules themselves stay in core.

use baraza_core::api::{ConsultationSummary, ItemResult};
use baraza_core::ballot::Answer;
use baraza_core::definition::Project;
use baraza_core::{Item, Localized, Status};
use time::OffsetDateTime;

/// A definition's text as shown to a citizen reading in `reading` (falling
/// back to the definition's default language), and the language it is
/// really in when that differs from the page's language `page`, for the
/// element's `lang` attribute.
pub fn shown<'a>(
    text: &'a Localized,
    reading: &'a str,
    page: &str,
    default_language: &'a str,
) -> (&'a str, Option<&'a str>) {
    let language = text.language_shown(reading, default_language);
    (text.get(reading, default_language), (language != page).then_some(language))
}

/// The paragraphs of a text: separated by blank lines, each line trimmed.
/// Single line breaks stay inside a paragraph (the style shows them).
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim).chain([""]) {
        if !line.is_empty() {
            lines.push(line);
        } else if !lines.is_empty() {
            paragraphs.push(lines.join("\n"));
            lines.clear();
        }
    }
    paragraphs
}

/// The whole percentage `count` is of `total`, rounded half up; 0 of nothing is 0.
pub fn percent(count: u64, total: u64) -> u32 {
    if total == 0 {
        0
    } else {
        ((count.min(total) as u128 * 200 + total as u128) / (total as u128 * 2)) as u32
    }
}

/// The date a consultation card mentions, by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateLine {
    Opens(OffsetDateTime),
    Closes(OffsetDateTime),
    Closed(OffsetDateTime),
}

pub fn date_line(status: Status, opens_at: OffsetDateTime, closes_at: OffsetDateTime) -> DateLine {
    match status {
        Status::Upcoming => DateLine::Opens(opens_at),
        Status::Open => DateLine::Closes(closes_at),
        Status::Closed | Status::Archived => DateLine::Closed(closes_at),
    }
}

impl DateLine {
    pub fn of(summary: &ConsultationSummary) -> Self {
        date_line(summary.status, summary.opens_at, summary.closes_at)
    }
}

/// What a results row is about.
#[derive(Debug, Clone, PartialEq)]
pub enum RowLabel {
    /// An option or project, labelled by the definition.
    Text(Localized),
    /// Yes, no or abstain, labelled by the interface.
    Answer(Answer),
    /// A point of a scale, with the scale's end label if it is an end.
    Value(i64, Option<Localized>),
    /// An information section marked useful (`true`) or not.
    Useful(bool),
}

/// One bar of an item's results.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub key: String,
    pub label: RowLabel,
    pub count: u64,
    pub percent: u32,
}

/// The rows of an item's results, in the definition's order, with a
/// percentage of the item's ballots (for approvals the percentages add up to
/// more than 100: each is the share of ballots that chose that option).
/// Information and text items have no rows.
pub fn result_rows(item: &Item, result: &ItemResult) -> Vec<ResultRow> {
    let Some(counts) = &result.counts else { return Vec::new() };
    let count = |key: &str| counts.get(key).copied().unwrap_or(0);
    let keyed: Vec<(String, RowLabel)> = match item {
        Item::SingleChoice { options, .. } | Item::MultipleChoice { options, .. } | Item::Ranking { options, .. } => {
            options.iter().map(|o| (o.id.clone(), RowLabel::Text(o.label.clone()))).collect()
        }
        Item::Budget { projects, .. } => {
            projects.iter().map(|p| (p.id.clone(), RowLabel::Text(p.label.clone()))).collect()
        }
        Item::YesNo { .. } => [Answer::Yes, Answer::No, Answer::Abstain]
            .into_iter()
            .map(|answer| (answer.as_str().to_owned(), RowLabel::Answer(answer)))
            .collect(),
        Item::Scale { min, max, min_label, max_label, .. } => (*min..=*max)
            .map(|value| {
                let end = if value == *min {
                    min_label.clone()
                } else if value == *max {
                    max_label.clone()
                } else {
                    None
                };
                (value.to_string(), RowLabel::Value(i64::from(value), end))
            })
            .collect(),
        Item::Info { .. } | Item::Text { .. } => Vec::new(),
    };
    let total = result.ballots.unwrap_or_else(|| counts.values().sum());
    keyed
        .into_iter()
        .map(|(key, label)| {
            let count = count(&key);
            ResultRow { percent: percent(count, total), key, label, count }
        })
        .collect()
}

/// The total cost of the chosen projects, for the running total of a budget.
pub fn budget_spent(projects: &[Project], chosen: &[String]) -> u64 {
    projects.iter().filter(|p| chosen.contains(&p.id)).map(|p| p.cost).sum()
}

/// Moves the entry at `index` one place towards the top (`up`) or the
/// bottom; answers its new index (unchanged at either end).
pub fn move_entry<T>(list: &mut [T], index: usize, up: bool) -> usize {
    if up && index > 0 && index < list.len() {
        list.swap(index, index - 1);
        index - 1
    } else if !up && index + 1 < list.len() {
        list.swap(index, index + 1);
        index + 1
    } else {
        index
    }
}

/// Whether to tell how to add the app to the home screen by hand: on an
/// iPhone or iPad (whose browsers never offer to install it), unless it
/// already runs from there. iPads since iPadOS 13 call themselves a Mac,
/// one with a touch screen.
pub fn needs_install_help(user_agent: &str, touch_points: i32, standalone: bool) -> bool {
    let apple_mobile = ["iPhone", "iPad", "iPod"].iter().any(|device| user_agent.contains(device));
    let ipad_as_mac = user_agent.contains("Macintosh") && touch_points > 1;
    !standalone && (apple_mobile || ipad_as_mac)
}

#[cfg(test)]
mod tests {
    use super::*;
    use baraza_core::definition::Choice;
    use std::collections::BTreeMap;
    use time::macros::datetime;

    fn text(pairs: &[(&str, &str)]) -> Localized {
        Localized(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn shown_text_names_its_language_only_when_it_is_not_the_interface_one() {
        let title = text(&[("en", "Water"), ("fr", "Eau")]);
        assert_eq!(shown(&title, "fr", "fr", "en"), ("Eau", None));
        assert_eq!(shown(&title, "ar", "ar", "en"), ("Water", Some("en")));
        let swahili = text(&[("sw", "Maji")]);
        assert_eq!(shown(&swahili, "en", "en", "sw"), ("Maji", Some("sw")));
    }

    #[test]
    fn a_text_read_in_another_language_than_the_page_names_it() {
        let title = text(&[("en", "Coastal road"), ("sw", "Barabara ya pwani")]);
        assert_eq!(shown(&title, "sw", "en", "en"), ("Barabara ya pwani", Some("sw")));
        // Not written in the language chosen: the default, named when the page is in another.
        assert_eq!(shown(&title, "fr", "fr", "en"), ("Coastal road", Some("en")));
        assert_eq!(shown(&title, "fr", "en", "en"), ("Coastal road", None));
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        assert_eq!(paragraphs("One.\n\nTwo\nstill two.\n \n\n Three. "), ["One.", "Two\nstill two.", "Three."]);
        assert_eq!(paragraphs("Only one"), ["Only one"]);
        assert_eq!(paragraphs("Trailing.\r\n\r\n"), ["Trailing."]);
        assert!(paragraphs("\n\n").is_empty());
        assert!(paragraphs("").is_empty());
    }

    #[test]
    fn percentages_round_half_up_and_never_divide_by_zero() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 8), 13);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(5, 5), 100);
        assert_eq!(percent(7, 5), 100);
    }

    #[test]
    fn the_card_date_follows_the_status() {
        let opens = datetime!(2026-11-01 0:00 UTC);
        let closes = datetime!(2027-01-31 23:59:59 UTC);
        assert_eq!(date_line(Status::Upcoming, opens, closes), DateLine::Opens(opens));
        assert_eq!(date_line(Status::Open, opens, closes), DateLine::Closes(closes));
        assert_eq!(date_line(Status::Closed, opens, closes), DateLine::Closed(closes));
        assert_eq!(date_line(Status::Archived, opens, closes), DateLine::Closed(closes));
    }

    fn result(ballots: Option<u64>, counts: &[(&str, u64)]) -> ItemResult {
        ItemResult {
            id: "q".into(),
            item_type: "single_choice".into(),
            ballots,
            counts: Some(counts.iter().map(|(k, v)| (k.to_string(), *v)).collect::<BTreeMap<_, _>>()),
            ..ItemResult::default()
        }
    }

    #[test]
    fn choice_rows_follow_the_definition_order_with_missing_counts_as_zero() {
        let option = |id: &str| Choice { id: id.into(), label: text(&[("en", id)]) };
        let item = Item::SingleChoice {
            id: "q".into(),
            title: text(&[("en", "Q")]),
            options: vec![option("flat"), option("blocks"), option("per-litre")],
        };
        let rows = result_rows(&item, &result(Some(4), &[("blocks", 3), ("flat", 1)]));
        let summary: Vec<_> = rows.iter().map(|r| (r.key.as_str(), r.count, r.percent)).collect();
        assert_eq!(summary, vec![("flat", 1, 25), ("blocks", 3, 75), ("per-litre", 0, 0)]);
    }

    #[test]
    fn yes_no_and_scale_rows() {
        let yes_no = Item::YesNo { id: "q".into(), title: text(&[("en", "Q")]) };
        let rows = result_rows(&yes_no, &result(None, &[("yes", 1), ("no", 1)]));
        assert_eq!(
            rows.iter().map(|r| r.label.clone()).collect::<Vec<_>>(),
            vec![RowLabel::Answer(Answer::Yes), RowLabel::Answer(Answer::No), RowLabel::Answer(Answer::Abstain)]
        );
        assert_eq!(rows[0].percent, 50);

        let low = text(&[("en", "Low")]);
        let scale = Item::Scale {
            id: "q".into(),
            title: text(&[("en", "Q")]),
            min: 1,
            max: 3,
            min_label: Some(low.clone()),
            max_label: None,
        };
        let rows = result_rows(&scale, &result(Some(2), &[("2", 2)]));
        assert_eq!(rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), vec!["1", "2", "3"]);
        assert_eq!(rows[0].label, RowLabel::Value(1, Some(low)));
        assert_eq!(rows[1].percent, 100);
    }

    #[test]
    fn text_items_have_no_rows() {
        let item = Item::Text { id: "q".into(), title: text(&[("en", "Q")]), max_length: None };
        let mut answers = result(Some(5), &[]);
        answers.counts = None;
        assert!(result_rows(&item, &answers).is_empty());
    }

    #[test]
    fn the_budget_total_adds_the_chosen_projects() {
        let project = |id: &str, cost| Project { id: id.into(), cost, label: text(&[("en", id)]), description: None };
        let projects = [project("well", 2_000_000), project("solar", 1_500_000), project("road", 2_500_000)];
        assert_eq!(budget_spent(&projects, &["well".into(), "road".into()]), 4_500_000);
        assert_eq!(budget_spent(&projects, &[]), 0);
    }

    #[test]
    fn entries_move_one_place_and_stop_at_the_ends() {
        let mut list = vec!["a", "b", "c"];
        assert_eq!(move_entry(&mut list, 2, true), 1);
        assert_eq!(list, vec!["a", "c", "b"]);
        assert_eq!(move_entry(&mut list, 0, true), 0);
        assert_eq!(move_entry(&mut list, 2, false), 2);
        assert_eq!(move_entry(&mut list, 0, false), 1);
        assert_eq!(list, vec!["c", "a", "b"]);
    }

    #[test]
    fn install_help_is_for_iphones_and_ipads_not_yet_on_the_home_screen() {
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
        let ipad = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
        assert!(needs_install_help(iphone, 5, false));
        assert!(!needs_install_help(iphone, 5, true), "already on the home screen");
        assert!(needs_install_help(ipad, 5, false), "an iPad says it is a Mac with a touch screen");
        assert!(!needs_install_help(ipad, 0, false), "a Mac has no touch screen");
        assert!(!needs_install_help(android, 5, false), "its browser offers to install");
    }
}

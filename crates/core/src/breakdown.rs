//! Who took part, by the groups of each "about you" question, and each
//! question's results by those groups, without ever exposing a small group.
//!
//! Every count below the definition's `small_group_threshold` is shown as
//! "fewer than" the threshold, never as a number. That alone is not enough:
//! a reader who sees a total and every group but one subtracts and learns
//! the hidden one. So every set of counts whose sum a reader knows (a
//! column, whose total the results publish, or a group's row, whose total
//! is that group's ballots, or a question's option groups, whose sum a
//! shown share tells) hides none of its counts, or at least two that
//! together reach the threshold: while one is hidden alone, or the hidden
//! ones add up to less, the smallest shown one is hidden too
//! (complementary suppression). A group whose
//! participants are hidden is hidden in every item's breakdown too, since
//! its row there would add up to it.
//!
//! The staff route and the exports both read [`breakdowns`], so they show
//! exactly the same numbers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ballot::{tally_keys, Ballot};
use crate::definition::{Consultation, Item, ProfileQuestion, NO_ANSWER, PREFER_NOT_TO_SAY};

/// A count as a breakdown shows it: the number, or only that it is below
/// the threshold.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Shown {
    Count(u64),
    /// Hidden: fewer than this many, or hidden so that another hidden count
    /// cannot be worked out.
    FewerThan {
        fewer_than: u32,
    },
}

impl Shown {
    pub fn count(self) -> Option<u64> {
        match self {
            Shown::Count(count) => Some(count),
            Shown::FewerThan { .. } => None,
        }
    }
}

/// What one participant told: their profile answers (question id to
/// option id or [`PREFER_NOT_TO_SAY`]; an unanswered question is absent)
/// and their standing ballots by item id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Participant {
    pub profile: BTreeMap<String, String>,
    pub ballots: BTreeMap<String, Ballot>,
}

/// `GET /api/v1/admin/consultations/{id}/breakdowns`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breakdowns {
    pub consultation: String,
    /// Counts below this are shown as `{"fewer_than": threshold}`.
    pub small_group_threshold: u32,
    /// Every participant, as the results count them.
    pub participants: u64,
    /// One per profile question, in the definition's order.
    pub questions: Vec<QuestionBreakdown>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionBreakdown {
    pub question: String,
    /// Participation by group: the question's options in order, then
    /// `prefer-not-to-say`, then `no-answer` (participants who never
    /// answered it). The groups add up to `participants`.
    pub groups: Vec<GroupParticipation>,
    /// Each item with ballots, broken down by the same groups.
    pub items: Vec<ItemBreakdown>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupParticipation {
    pub group: String,
    pub participants: Shown,
    /// The share of the population the definition expects in this group;
    /// only for the question's options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_share: Option<f64>,
    /// The group's share of the participants who answered with one of the
    /// options, to three decimals; absent when the group is hidden, and
    /// for `prefer-not-to-say` and `no-answer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemBreakdown {
    pub item: String,
    #[serde(rename = "type")]
    pub item_type: String,
    /// The item's ballots in all, as the results count them.
    pub ballots: u64,
    /// The item's counts in all (per option, answer or value; none for a
    /// text item), as the results count them.
    pub counts: BTreeMap<String, u64>,
    /// In the order of the question's groups.
    pub groups: Vec<GroupResult>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupResult {
    pub group: String,
    pub ballots: Shown,
    pub counts: BTreeMap<String, Shown>,
}

/// The columns of the breakdowns CSV, one row per group and count:
/// `consultation`, the profile `question`, the `group`, the `item` (empty
/// on a participation row), the `key` counted (an option, answer or value;
/// `participants` or `ballots` for a group's whole), and the `count`: a
/// number, or "fewer than N" where the breakdown hides it.
pub const BREAKDOWN_CSV_COLUMNS: [&str; 6] = ["consultation", "question", "group", "item", "key", "count"];

/// The rows of the breakdowns CSV, in [`BREAKDOWN_CSV_COLUMNS`] order:
/// exactly the counts the JSON shows, hidden ones in words.
pub fn breakdown_csv_rows(breakdowns: &Breakdowns) -> Vec<[String; 6]> {
    let written = |shown: Shown| match shown {
        Shown::Count(count) => count.to_string(),
        Shown::FewerThan { fewer_than } => format!("fewer than {fewer_than}"),
    };
    let mut rows = Vec::new();
    for question in &breakdowns.questions {
        let row = |group: &str, item: &str, key: &str, shown: Shown| {
            [&breakdowns.consultation, &question.question, group, item, key, &written(shown)]
                .map(|field| field.to_owned())
        };
        for group in &question.groups {
            rows.push(row(&group.group, "", "participants", group.participants));
        }
        for item in &question.items {
            for group in &item.groups {
                rows.push(row(&group.group, &item.item, "ballots", group.ballots));
                for (key, shown) in &group.counts {
                    rows.push(row(&group.group, &item.item, key, *shown));
                }
            }
        }
    }
    rows
}

/// Every breakdown of `consultation` from what its participants told.
pub fn breakdowns(consultation: &Consultation, participants: &[Participant]) -> Breakdowns {
    let threshold = consultation.small_group_threshold;
    let questions = consultation
        .profile
        .iter()
        .map(|question| question_breakdown(consultation, question, participants, threshold))
        .collect();
    Breakdowns {
        consultation: consultation.id.clone(),
        small_group_threshold: threshold,
        participants: participants.len() as u64,
        questions,
    }
}

/// A question's groups: its options, then those who preferred not to say,
/// then those who never answered.
fn groups_of(question: &ProfileQuestion) -> Vec<&str> {
    question.options.iter().map(|option| option.id.as_str()).chain([PREFER_NOT_TO_SAY, NO_ANSWER]).collect()
}

/// The counters of an item a ballot may move, in the results' order.
fn keys_of(item: &Item) -> Vec<String> {
    match item {
        Item::SingleChoice { options, .. } | Item::MultipleChoice { options, .. } | Item::Ranking { options, .. } => {
            options.iter().map(|option| option.id.clone()).collect()
        }
        Item::Budget { projects, .. } => projects.iter().map(|project| project.id.clone()).collect(),
        Item::YesNo { .. } => ["yes", "no", "abstain"].map(str::to_owned).to_vec(),
        Item::Scale { min, max, .. } => (*min..=*max).map(|value| value.to_string()).collect(),
        Item::Info { .. } | Item::Text { .. } => Vec::new(),
    }
}

fn question_breakdown(
    consultation: &Consultation,
    question: &ProfileQuestion,
    participants: &[Participant],
    threshold: u32,
) -> QuestionBreakdown {
    let groups = groups_of(question);
    let group_of = |participant: &Participant| -> usize {
        let answer = participant.profile.get(&question.id).map_or(NO_ANSWER, String::as_str);
        // An answer the question no longer takes is read as none.
        groups.iter().position(|group| *group == answer).unwrap_or(groups.len() - 1)
    };
    let membership: Vec<usize> = participants.iter().map(group_of).collect();

    let mut sizes = vec![0_u64; groups.len()];
    membership.iter().for_each(|group| sizes[*group] += 1);
    let mut participation = Grid::new(sizes.iter().map(|size| vec![*size]).collect(), threshold);
    // A shown share tells the number of participants who answered with an
    // option, so the options' groups are counts of a known sum too.
    let options: Vec<(usize, usize)> = (0..question.options.len()).map(|row| (row, 0)).collect();
    participation.protect(false, &[options]);
    let hidden_groups: Vec<bool> = (0..groups.len()).map(|group| participation.hidden[group][0]).collect();

    let answered_with_option: u64 = sizes[..question.options.len()].iter().sum();
    let group_participation = groups
        .iter()
        .enumerate()
        .map(|(index, group)| {
            let option = question.options.get(index);
            let shown = participation.shown(index, 0);
            let share = match (option, shown.count()) {
                (Some(_), Some(count)) if answered_with_option > 0 => {
                    Some((count as f64 / answered_with_option as f64 * 1000.0).round() / 1000.0)
                }
                _ => None,
            };
            GroupParticipation {
                group: (*group).to_owned(),
                participants: shown,
                expected_share: option.map(|option| option.expected_share),
                share,
            }
        })
        .collect();

    let items = consultation
        .items
        .iter()
        .filter(|item| !matches!(item, Item::Info { .. }))
        .map(|item| item_breakdown(item, &groups, &membership, participants, &hidden_groups, threshold))
        .collect();
    QuestionBreakdown { question: question.id.clone(), groups: group_participation, items }
}

fn item_breakdown(
    item: &Item,
    groups: &[&str],
    membership: &[usize],
    participants: &[Participant],
    hidden_groups: &[bool],
    threshold: u32,
) -> ItemBreakdown {
    let keys = keys_of(item);
    // Column 0 is the group's ballots, then one column per key.
    let mut cells = vec![vec![0_u64; keys.len() + 1]; groups.len()];
    for (participant, group) in participants.iter().zip(membership) {
        let Some(ballot) = participant.ballots.get(item.id()) else { continue };
        cells[*group][0] += 1;
        for key in tally_keys(ballot) {
            if let Some(column) = keys.iter().position(|known| *known == key) {
                cells[*group][column + 1] += 1;
            }
        }
    }
    let ballots = cells.iter().map(|row| row[0]).sum();
    let counts = keys
        .iter()
        .enumerate()
        .map(|(column, key)| (key.clone(), cells.iter().map(|row| row[column + 1]).sum()))
        .collect();

    let mut grid = Grid::new(cells, threshold);
    for (row, hidden) in hidden_groups.iter().enumerate() {
        if *hidden {
            grid.hide_row(row);
        }
    }
    grid.protect(true, &[]);
    let groups = groups
        .iter()
        .enumerate()
        .map(|(row, group)| GroupResult {
            group: (*group).to_owned(),
            ballots: grid.shown(row, 0),
            counts: keys.iter().enumerate().map(|(column, key)| (key.clone(), grid.shown(row, column + 1))).collect(),
        })
        .collect();
    ItemBreakdown { item: item.id().to_owned(), item_type: item.type_name().to_owned(), ballots, counts, groups }
}

/// A table of counts, one row per group, with which of them are hidden.
/// Each column's total is known to the reader; when `rows_add_up`, so is
/// each row's first cell, the total of the others.
struct Grid {
    cells: Vec<Vec<u64>>,
    hidden: Vec<Vec<bool>>,
    threshold: u32,
}

impl Grid {
    /// The grid with every count below `threshold` hidden.
    fn new(cells: Vec<Vec<u64>>, threshold: u32) -> Grid {
        let hidden = cells.iter().map(|row| row.iter().map(|count| *count < u64::from(threshold)).collect()).collect();
        Grid { cells, hidden, threshold }
    }

    fn hide_row(&mut self, row: usize) {
        self.hidden[row].iter_mut().for_each(|hidden| *hidden = true);
    }

    fn shown(&self, row: usize, column: usize) -> Shown {
        if self.hidden[row][column] {
            Shown::FewerThan { fewer_than: self.threshold }
        } else {
            Shown::Count(self.cells[row][column])
        }
    }

    /// Hides more counts until no set of counts a reader knows the sum of
    /// (each column, each row when `rows_add_up`, and every one of `known`)
    /// hides one alone or hidden ones adding up to less than the
    /// threshold, and no row whose total is hidden shows the counts that
    /// add up to it. Each pass only hides, so it ends.
    fn protect(&mut self, rows_add_up: bool, known: &[Vec<(usize, usize)>]) {
        let columns = self.cells.first().map_or(0, Vec::len);
        loop {
            let mut changed = false;
            for line in known {
                changed |= self.hide_complement(line, None);
            }
            for column in 0..columns {
                let line: Vec<(usize, usize)> = (0..self.cells.len()).map(|row| (row, column)).collect();
                changed |= self.hide_complement(&line, None);
            }
            if rows_add_up {
                for row in 0..self.cells.len() {
                    if self.hidden[row][0] {
                        if self.hidden[row].iter().any(|hidden| !hidden) {
                            self.hide_row(row);
                            changed = true;
                        }
                    } else {
                        let line: Vec<(usize, usize)> = (0..columns).map(|column| (row, column)).collect();
                        // Hiding the row's total would hide the whole row.
                        changed |= self.hide_complement(&line, Some((row, 0)));
                    }
                }
            }
            if !changed {
                return;
            }
        }
    }

    /// When `line` (counts whose sum a reader knows) hides exactly one
    /// count, or hidden counts that add up to less than the threshold (so
    /// that together they would be a small group given away), hides the
    /// smallest shown one too, `last_resort` only if no other is shown;
    /// whether it did.
    fn hide_complement(&mut self, line: &[(usize, usize)], last_resort: Option<(usize, usize)>) -> bool {
        let hidden: Vec<u64> = line
            .iter()
            .filter(|(row, column)| self.hidden[*row][*column])
            .map(|(row, column)| self.cells[*row][*column])
            .collect();
        let exposed = hidden.len() == 1 || hidden.iter().sum::<u64>() < u64::from(self.threshold);
        if hidden.is_empty() || !exposed {
            return false;
        }
        let smallest = line
            .iter()
            .filter(|(row, column)| !self.hidden[*row][*column])
            .min_by_key(|cell| (Some(**cell) == last_resort, self.cells[cell.0][cell.1]));
        match smallest {
            Some((row, column)) => {
                self.hidden[*row][*column] = true;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::parse_definition;
    use proptest::prelude::*;

    fn consultation(threshold: u32) -> Consultation {
        let json = serde_json::json!({
            "id": "water", "level": "consult", "default_language": "en",
            "title": {"en": "Water"}, "summary": {"en": "s"}, "body": {"en": "b"},
            "opens_at": "2026-11-01T00:00:00Z", "closes_at": "2026-12-01T00:00:00Z",
            "eligibility": "open", "results": "live",
            "small_group_threshold": threshold,
            "items": [
                {"id": "tariff", "type": "single_choice", "title": {"en": "Tariff"}, "options": [
                    {"id": "flat", "label": {"en": "Flat"}}, {"id": "blocks", "label": {"en": "Blocks"}}]},
                {"id": "stages", "type": "info", "title": {"en": "Stages"}, "body": {"en": "b"}}
            ],
            "profile": [{"id": "age", "title": {"en": "Age"}, "options": [
                {"id": "young", "label": {"en": "Young"}, "expected_share": 0.4},
                {"id": "middle", "label": {"en": "Middle"}, "expected_share": 0.4},
                {"id": "old", "label": {"en": "Old"}, "expected_share": 0.2}]}]
        });
        parse_definition(&json.to_string()).unwrap().consultation
    }

    /// `count` participants of age group `age` (none for unanswered) who
    /// chose `choice` on the tariff (none for no ballot).
    fn people(count: usize, age: Option<&str>, choice: Option<&str>) -> Vec<Participant> {
        let participant = Participant {
            profile: age.map(|age| ("age".to_owned(), age.to_owned())).into_iter().collect(),
            ballots: choice
                .map(|choice| ("tariff".to_owned(), Ballot::Choice { choice: choice.to_owned() }))
                .into_iter()
                .collect(),
        };
        vec![participant; count]
    }

    /// 148 participants, of whom only 3 are old.
    fn three_old_among_many() -> Vec<Participant> {
        [
            people(40, Some("young"), Some("flat")),
            people(25, Some("middle"), Some("flat")),
            people(3, Some("old"), Some("flat")),
            people(30, Some(PREFER_NOT_TO_SAY), Some("blocks")),
            people(50, None, Some("blocks")),
        ]
        .concat()
    }

    fn hidden() -> Shown {
        Shown::FewerThan { fewer_than: 10 }
    }

    #[test]
    fn groups_are_counted_against_their_expected_shares() {
        let participants = [
            people(30, Some("young"), Some("flat")),
            people(20, Some("middle"), Some("blocks")),
            people(50, Some("old"), Some("flat")),
            people(12, Some(PREFER_NOT_TO_SAY), None),
            people(15, None, Some("blocks")),
        ]
        .concat();
        let result = breakdowns(&consultation(10), &participants);
        assert_eq!(result.participants, 127);
        let age = &result.questions[0];
        let shown: Vec<(&str, Shown, Option<f64>, Option<f64>)> = age
            .groups
            .iter()
            .map(|group| (group.group.as_str(), group.participants, group.expected_share, group.share))
            .collect();
        assert_eq!(
            shown,
            [
                ("young", Shown::Count(30), Some(0.4), Some(0.3)),
                ("middle", Shown::Count(20), Some(0.4), Some(0.2)),
                ("old", Shown::Count(50), Some(0.2), Some(0.5)),
                (PREFER_NOT_TO_SAY, Shown::Count(12), None, None),
                (NO_ANSWER, Shown::Count(15), None, None),
            ]
        );
        assert_eq!(age.items.len(), 1, "info items have no ballots to break down");
        let tariff = &age.items[0];
        assert_eq!((tariff.ballots, tariff.counts["flat"], tariff.counts["blocks"]), (115, 80, 35));
        let young = &tariff.groups[0];
        assert_eq!(young.ballots, Shown::Count(30));
        // Nobody young chose blocks: a count of zero is below the threshold
        // too, and so is its complement, young people's 30 for flat.
        assert_eq!((young.counts["flat"], young.counts["blocks"]), (hidden(), hidden()));
    }

    #[test]
    fn a_small_group_and_the_next_smallest_are_hidden() {
        let participants = three_old_among_many();
        let age = &breakdowns(&consultation(10), &participants).questions[0];
        let counts: Vec<Shown> = age.groups.iter().map(|group| group.participants).collect();
        assert_eq!(counts, [Shown::Count(40), hidden(), hidden(), Shown::Count(30), Shown::Count(50)]);
        assert_eq!(age.groups[1].share, None, "a share would give the hidden count away");
        let tariff_rows: Vec<Shown> = age.items[0].groups.iter().map(|group| group.ballots).collect();
        assert_eq!(tariff_rows, [Shown::Count(40), hidden(), hidden(), Shown::Count(30), Shown::Count(50)]);
    }

    /// With the shares shown, a reader also knows how many answered with an
    /// option: hiding the old group with those who preferred not to say (the
    /// next smallest of all groups) would leave it alone among the options,
    /// so the next smallest option group is hidden with it instead.
    #[test]
    fn the_shares_do_not_give_a_hidden_option_group_away() {
        let participants = [
            people(40, Some("young"), Some("flat")),
            people(30, Some("middle"), Some("flat")),
            people(3, Some("old"), Some("flat")),
            people(12, Some(PREFER_NOT_TO_SAY), Some("blocks")),
            people(50, None, Some("blocks")),
        ]
        .concat();
        let age = &breakdowns(&consultation(10), &participants).questions[0];
        let hidden_groups: Vec<&str> =
            age.groups.iter().filter(|group| group.participants.count().is_none()).map(|g| g.group.as_str()).collect();
        assert_eq!(hidden_groups, ["middle", "old"]);
        let answered_with_option = 40.0 / age.groups[0].share.unwrap();
        let options_left = answered_with_option.round() as u64 - 40;
        assert_eq!(options_left, 33, "the middle and old groups together, not the old alone");
    }

    /// The attack: take the shown total and subtract every shown group.
    /// What is left is the sum of at least two hidden groups, never one.
    #[test]
    fn subtracting_the_shown_groups_from_the_total_does_not_reveal_a_small_group() {
        let participants = three_old_among_many();
        let result = breakdowns(&consultation(10), &participants);
        let age = &result.questions[0];
        let shown_sum: u64 = age.groups.iter().filter_map(|group| group.participants.count()).sum();
        let left = result.participants - shown_sum;
        let unknown: Vec<&str> =
            age.groups.iter().filter(|group| group.participants.count().is_none()).map(|g| g.group.as_str()).collect();
        assert_eq!(unknown, ["middle", "old"]);
        assert_eq!(left, 28, "what is left is two groups together");
        assert_ne!(left, 3, "the old group's size is not learnt");

        let tariff = &age.items[0];
        let flat_shown: u64 = tariff.groups.iter().filter_map(|group| group.counts["flat"].count()).sum();
        let flat_unknown = tariff.groups.iter().filter(|group| group.counts["flat"].count().is_none()).count();
        assert!(flat_unknown >= 2, "the flat column hides {flat_unknown}");
        assert_ne!(tariff.counts["flat"] - flat_shown, 3);
    }

    #[test]
    fn every_count_below_the_threshold_is_hidden() {
        let participants = [
            people(19, Some("young"), Some("flat")),
            people(25, Some("middle"), Some("blocks")),
            people(30, Some("old"), Some("blocks")),
        ]
        .concat();
        let age = &breakdowns(&consultation(20), &participants).questions[0];
        assert_eq!(age.groups[0].participants, Shown::FewerThan { fewer_than: 20 });
        // The empty groups hidden with the young would add up to 19, itself
        // a small group: the middle group is hidden with them.
        assert_eq!(age.groups[1].participants, Shown::FewerThan { fewer_than: 20 });
        assert_eq!(age.groups[2].participants, Shown::Count(30));
        let json = serde_json::to_value(&age.groups[0]).unwrap();
        assert_eq!(json["participants"], serde_json::json!({ "fewer_than": 20 }));
    }

    /// Whether `line` of `grid` hides nothing, or everything, or at least
    /// two counts that add up to the threshold or more: what subtracting
    /// its shown counts from its known sum leaves is never one count nor a
    /// small group.
    fn line_safe(grid: &Grid, line: &[(usize, usize)]) -> bool {
        let hidden: Vec<u64> =
            line.iter().filter(|(r, c)| grid.hidden[*r][*c]).map(|(r, c)| grid.cells[*r][*c]).collect();
        hidden.is_empty()
            || hidden.len() == line.len()
            || (hidden.len() >= 2 && hidden.iter().sum::<u64>() >= u64::from(grid.threshold))
    }

    /// Whether every count below the threshold is hidden, every line (each
    /// column, and each row when rows add up) is safe, and rows with a
    /// hidden total hide everything.
    fn protected(grid: &Grid, rows_add_up: bool) -> bool {
        let columns = grid.cells[0].len();
        let small_hidden = grid
            .cells
            .iter()
            .flatten()
            .zip(grid.hidden.iter().flatten())
            .all(|(count, hidden)| *count >= u64::from(grid.threshold) || *hidden);
        let columns_safe = (0..columns).all(|column| {
            let line: Vec<(usize, usize)> = (0..grid.cells.len()).map(|row| (row, column)).collect();
            line_safe(grid, &line)
        });
        let rows_safe = !rows_add_up
            || (0..grid.cells.len()).all(|row| {
                if grid.hidden[row][0] {
                    grid.hidden[row].iter().all(|hidden| *hidden)
                } else {
                    let line: Vec<(usize, usize)> = (0..columns).map(|column| (row, column)).collect();
                    line_safe(grid, &line)
                }
            });
        small_hidden && columns_safe && rows_safe
    }

    #[test]
    fn the_csv_shows_the_same_counts_with_hidden_ones_in_words() {
        let participants = [
            people(40, Some("young"), Some("flat")),
            people(25, Some("middle"), Some("flat")),
            people(3, Some("old"), Some("blocks")),
        ]
        .concat();
        let rows = breakdown_csv_rows(&breakdowns(&consultation(10), &participants));
        let find = |group: &str, item: &str, key: &str| {
            rows.iter().find(|row| row[2] == group && row[3] == item && row[4] == key).map(|row| row[5].as_str())
        };
        assert_eq!(find("young", "", "participants"), Some("40"));
        assert_eq!(find("old", "", "participants"), Some("fewer than 10"));
        assert_eq!(find("old", "tariff", "blocks"), Some("fewer than 10"));
        assert!(rows.iter().all(|row| row[5] != "3"), "the old group's 3 is written nowhere");
    }

    proptest! {
        #[test]
        fn any_table_is_left_with_no_line_hiding_just_one_count(
            rows in prop::collection::vec(prop::collection::vec(0_u64..40, 4), 2..7),
            threshold in 5_u32..15,
        ) {
            // Rows that add up: the first cell is the total of the others.
            let cells: Vec<Vec<u64>> =
                rows.iter().map(|row| std::iter::once(row.iter().sum()).chain(row.iter().copied()).collect()).collect();
            let mut grid = Grid::new(cells, threshold);
            grid.protect(true, &[]);
            prop_assert!(protected(&grid, true));

            let mut column = Grid::new(rows.iter().map(|row| vec![row[0]]).collect(), threshold);
            let known: Vec<(usize, usize)> = (0..rows.len() / 2).map(|row| (row, 0)).collect();
            column.protect(false, std::slice::from_ref(&known));
            prop_assert!(protected(&column, false));
            prop_assert!(line_safe(&column, &known));
        }
    }
}

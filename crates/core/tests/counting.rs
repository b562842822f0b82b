//! Counting methods: examples worked by hand and properties over random ballots.

use baraza_core::api::ItemResult;
use baraza_core::ballot::Ballot;
use baraza_core::count::{
    alike, borda, counted_as, equal_shares, equal_shares_run, equal_shares_with, greedy, instant_runoff, Candidate,
    CompletionStep,
};
use baraza_core::definition::Item;
use proptest::prelude::*;
use serde_json::json;

fn names(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

/// `count` copies of one ballot.
fn many(count: usize, ballot: &[&str]) -> Vec<Vec<String>> {
    vec![names(ballot); count]
}

/// The textbook Tennessee capital election: 42 Memphis, 26 Nashville,
/// 15 Chattanooga, 17 Knoxville, each voting for the nearest city first.
fn tennessee() -> (Vec<String>, Vec<Vec<String>>) {
    let candidates = names(&["memphis", "nashville", "chattanooga", "knoxville"]);
    let mut ballots = many(42, &["memphis", "nashville", "chattanooga", "knoxville"]);
    ballots.extend(many(26, &["nashville", "chattanooga", "knoxville", "memphis"]));
    ballots.extend(many(15, &["chattanooga", "knoxville", "nashville", "memphis"]));
    ballots.extend(many(17, &["knoxville", "chattanooga", "nashville", "memphis"]));
    (candidates, ballots)
}

#[test]
fn instant_runoff_elects_knoxville_in_tennessee() {
    let (candidates, ballots) = tennessee();
    let result = instant_runoff(&candidates, &ballots);
    assert_eq!(result.winner.as_deref(), Some("knoxville"));
    let eliminated: Vec<_> = result.rounds.iter().flat_map(|r| r.eliminated.clone()).collect();
    assert_eq!(eliminated, ["chattanooga", "nashville"]);
    assert_eq!(result.rounds[1].counts["knoxville"], 32);
    assert_eq!(result.rounds[2].counts["knoxville"], 58);
    assert_eq!(result.rounds.len(), 3);
}

#[test]
fn borda_elects_nashville_in_tennessee() {
    let (candidates, ballots) = tennessee();
    let result = borda(&candidates, &ballots);
    assert_eq!(result.winner.as_deref(), Some("nashville"));
    assert_eq!(result.scores["memphis"], 126);
    assert_eq!(result.scores["nashville"], 194);
    assert_eq!(result.scores["chattanooga"], 173);
    assert_eq!(result.scores["knoxville"], 107);
}

#[test]
fn instant_runoff_counts_exhausted_ballots_and_breaks_ties_backwards() {
    let candidates = names(&["a", "b", "c"]);
    // Round 1: a 2, b 2, c 1 → c out. Its ballot ranks nothing else: exhausted.
    // Round 2: a 2, b 2 of 4 active, no majority; tied in round 1 too → b, listed last, out.
    let mut ballots = many(2, &["a"]);
    ballots.extend(many(2, &["b"]));
    ballots.extend(many(1, &["c"]));
    let result = instant_runoff(&candidates, &ballots);
    assert_eq!(result.rounds[1].exhausted, 1);
    assert_eq!(result.rounds[1].eliminated, ["b"]);
    assert_eq!(result.winner.as_deref(), Some("a"));
}

#[test]
fn equal_shares_funds_the_minority_that_greedy_leaves_out() {
    // 10 voters, 100 to spend: 6 want x1 and x2, 4 want y; each costs 50.
    let projects = vec![
        Candidate { id: "x1".into(), cost: 50 },
        Candidate { id: "x2".into(), cost: 50 },
        Candidate { id: "y".into(), cost: 50 },
    ];
    let mut ballots = many(6, &["x1", "x2"]);
    ballots.extend(many(4, &["y"]));
    assert_eq!(greedy(&projects, 100, &ballots).selected, ["x1", "x2"]);

    // Alone, equal shares funds x1 only: y's 4 supporters have 10 each, not 50.
    let run = equal_shares_run(&projects, &ballots, 100);
    assert_eq!(run.selected, [0]);
    // Completion raises each share to 12.5, where y's supporters can pay.
    let outcome = equal_shares(&projects, 100, &ballots);
    assert_eq!(outcome.selected, ["x1", "y"]);
    assert_eq!(outcome.spent, 100);
    assert_eq!(outcome.share_per_voter, Some(12.5));
    assert_eq!(outcome.projects[2].approvals, 4);
    assert!(outcome.projects[2].selected && !outcome.projects[1].selected);
}

fn projects(costs: &[(&str, u64)]) -> Vec<Candidate> {
    costs.iter().map(|&(id, cost)| Candidate { id: id.into(), cost }).collect()
}

#[test]
fn completion_stops_at_the_first_exhaustive_outcome_instead_of_trading_a_project_for_a_dearer_one() {
    // 4 voters, 11 to spend: each share is 2.75. Nobody wants "p2".
    let projects = projects(&[("p0", 8), ("p1", 3), ("p2", 10), ("p3", 2)]);
    let ballots = vec![names(&["p0", "p3"]), names(&["p0", "p1"]), names(&["p3"]), names(&["p0", "p3"])];
    // At 2.75 the three supporters of p3 pay 2/3 each; p0's supporters then
    // hold 2.08 + 2.75 + 2.08 < 8, and p1's lone supporter 2.75 < 3.
    assert_eq!(equal_shares_run(&projects, &ballots, 11).selected, [3]);
    // From a share of 3 on, p1's supporter pays for it alone: {p3, p1} costs
    // 5, and the 6 left cannot pay for p0 (8). That outcome is exhaustive, so
    // completion stops there (at 3.025, the first 1% step past 3). Raising on,
    // from 3.2 p0 would come before p1 and {p3, p0} would still fit.
    let outcome = equal_shares(&projects, 11, &ballots);
    assert_eq!(outcome.selected, ["p3", "p1"]);
    assert_eq!(outcome.spent, 5);
    assert_eq!(outcome.share_per_voter, Some(3.025));
}

#[test]
fn completion_stops_at_once_when_the_share_alone_gives_an_exhaustive_outcome() {
    // 5 voters, 55 to spend: each share is 11. Nobody wants "p2".
    let projects = projects(&[("p0", 27), ("p1", 28), ("p2", 37), ("p3", 6)]);
    let ballots =
        vec![names(&["p1", "p0"]), names(&["p1"]), names(&["p0", "p3"]), names(&["p1", "p0"]), names(&["p0", "p1"])];
    // p3's supporter pays 6; then p1 costs its 4 supporters 7 each, while p0
    // would cost 7.33 (p3's supporter has only 5 left). {p3, p1} costs 34 and
    // the 21 left cannot pay for p0: exhaustive with the real share. With
    // shares over 12, p0 would come first and leave p1 unpaid: {p3, p0}
    // costs 33, less of the budget.
    let outcome = equal_shares(&projects, 55, &ballots);
    assert_eq!(outcome.selected, ["p3", "p1"]);
    assert_eq!(outcome.spent, 34);
    assert_eq!(outcome.share_per_voter, Some(11.0));
}

#[test]
fn the_completion_step_can_change_the_outcome() {
    // 4 voters, 11 to spend: each share is 2.75. p1 needs its lone supporter
    // to hold 4; p0 needs its two to hold 4.5 each.
    let projects = projects(&[("p0", 9), ("p1", 4)]);
    let ballots = vec![names(&["p1"]), names(&["p0"]), names(&[]), names(&["p0"])];
    // By 1% of the share, 4.015 is reached first: p1 alone, and then p0 no
    // longer fits. Exhaustive.
    let by_percent = equal_shares_with(&projects, 11, &ballots, CompletionStep::SharePercent);
    assert_eq!((by_percent.selected, by_percent.share_per_voter), (names(&["p1"]), Some(4.015)));
    // By one unit, 3.75 funds nothing and 4.75 both (13, over 11): the empty
    // outcome of 3.75 is kept, and the greedy fill-up takes the most approved.
    let by_unit = equal_shares_with(&projects, 11, &ballots, CompletionStep::CurrencyUnit);
    assert_eq!((by_unit.selected, by_unit.share_per_voter), (names(&["p0"]), Some(3.75)));
    assert_eq!(
        equal_shares(&projects, 11, &ballots),
        equal_shares_with(&projects, 11, &ballots, CompletionStep::default())
    );
}

#[test]
fn completion_gives_up_raising_after_its_safeguard() {
    // One voter of 200 wants the one project, which costs the whole budget:
    // equal shares would fund it only at 200 times the share (19,900 raises).
    let projects = projects(&[("dear", 100)]);
    let mut ballots = many(1, &["dear"]);
    ballots.extend(many(199, &[]));
    let outcome = equal_shares(&projects, 100, &ballots);
    // Stopped at 101 times the share of 0.5; the greedy fill-up funds it.
    assert_eq!(outcome.share_per_voter, Some(50.5));
    assert_eq!(outcome.selected, ["dear"]);
}

#[test]
fn a_budget_item_is_counted_with_the_completion_step_it_declares() {
    // The election of the_completion_step_can_change_the_outcome, as a definition's item.
    let item = |step: Option<&str>| -> Item {
        let mut item = json!({
            "type": "budget", "id": "q", "title": {"en": "Q"}, "method": "equal_shares", "total": 11,
            "currency": "KES",
            "projects": [{"id": "p0", "cost": 9, "label": {"en": "p0"}}, {"id": "p1", "cost": 4, "label": {"en": "p1"}}]
        });
        if let Some(step) = step {
            item["completion_step"] = json!(step);
        }
        serde_json::from_value(item).unwrap()
    };
    let ballots: Vec<Ballot> = [&["p1"][..], &["p0"], &[], &["p0"]]
        .iter()
        .map(|projects| Ballot::Projects { projects: names(projects) })
        .collect();
    let profile = alike(&ballots.iter().filter_map(counted_as).collect::<Vec<_>>());
    let counted = |item: Item| {
        let mut result = ItemResult::default();
        result.count_profile(&item, &profile);
        (result.selected.unwrap(), result.share_per_voter.unwrap())
    };
    assert_eq!(counted(item(Some("currency_unit"))), (names(&["p0"]), 3.75));
    assert_eq!(counted(item(Some("share_percent"))), (names(&["p1"]), 4.015));
    assert_eq!(counted(item(None)), (names(&["p1"]), 4.015));
}

#[test]
fn equal_shares_breaks_ties_by_approvals_then_by_definition_order() {
    // 7 voters, 70 to spend: each share is 10, and every project costs its
    // supporters exactly 10 each.
    let projects = projects(&[("a", 20), ("b", 30), ("c", 20)]);
    let mut ballots = many(2, &["a"]);
    ballots.extend(many(3, &["b"]));
    ballots.extend(many(2, &["c"]));
    // b has the most supporters; a and c tie in everything, a is listed first.
    assert_eq!(equal_shares_run(&projects, &ballots, 70).selected, [1, 0, 2]);
}

#[test]
fn greedy_skips_what_no_longer_fits_and_what_nobody_wants() {
    let projects = vec![
        Candidate { id: "big".into(), cost: 80 },
        Candidate { id: "mid".into(), cost: 50 },
        Candidate { id: "small".into(), cost: 20 },
        Candidate { id: "unloved".into(), cost: 1 },
    ];
    let mut ballots = many(3, &["big", "mid"]);
    ballots.extend(many(1, &["big"]));
    ballots.extend(many(2, &["small"]));
    let outcome = greedy(&projects, 100, &ballots);
    assert_eq!(outcome.selected, ["big", "small"]);
    assert_eq!(outcome.spent, 100);
    assert!(!outcome.projects[3].selected);
}

fn candidates_and_ballots() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
    (1usize..6).prop_flat_map(|n| {
        let candidates: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
        let ballot = Just(candidates.clone())
            .prop_shuffle()
            .prop_flat_map(move |order| (1..=order.len()).prop_map(move |keep| order[..keep].to_vec()));
        (Just(candidates), prop::collection::vec(ballot, 0..40))
    })
}

fn projects_and_ballots() -> impl Strategy<Value = (Vec<Candidate>, u64, Vec<Vec<String>>)> {
    (prop::collection::vec(1u64..60, 1..7), 1u64..150).prop_flat_map(|(costs, total)| {
        let projects: Vec<Candidate> =
            costs.iter().enumerate().map(|(i, &cost)| Candidate { id: format!("p{i}"), cost }).collect();
        let ids: Vec<String> = projects.iter().map(|p| p.id.clone()).collect();
        let ballot = prop::sample::subsequence(ids.clone(), 0..=ids.len());
        (Just(projects), Just(total), prop::collection::vec(ballot, 0..30))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn rankings_do_not_depend_on_ballot_order((candidates, ballots) in candidates_and_ballots(), seed in any::<u64>()) {
        let mut shuffled = ballots.clone();
        let len = shuffled.len().max(1) as u64;
        shuffled.rotate_left((seed % len) as usize);
        shuffled.reverse();
        prop_assert_eq!(instant_runoff(&candidates, &ballots), instant_runoff(&candidates, &shuffled));
        prop_assert_eq!(borda(&candidates, &ballots), borda(&candidates, &shuffled));
    }

    #[test]
    fn instant_runoff_stops_with_one_candidate_left((candidates, ballots) in candidates_and_ballots()) {
        let result = instant_runoff(&candidates, &ballots);
        if let Some(last) = result.rounds.last() {
            prop_assert!(last.eliminated.is_empty());
            prop_assert!(result.winner.is_some());
            prop_assert!(result.rounds.len() <= candidates.len());
        }
        if candidates.len() == 1 && !ballots.is_empty() {
            prop_assert_eq!(result.rounds.len(), 1);
            prop_assert_eq!(result.winner, Some(candidates[0].clone()));
        }
    }

    #[test]
    fn a_majority_of_first_preferences_wins_at_once((candidates, ballots) in candidates_and_ballots()) {
        for candidate in &candidates {
            let firsts = ballots.iter().filter(|b| b.first() == Some(candidate)).count();
            if firsts * 2 > ballots.len() {
                let result = instant_runoff(&candidates, &ballots);
                prop_assert_eq!(result.rounds.len(), 1);
                prop_assert_eq!(result.winner.as_ref(), Some(candidate));
            }
        }
    }

    #[test]
    fn budgets_never_overspend_nor_depend_on_ballot_order((projects, total, ballots) in projects_and_ballots()) {
        let mut reversed = ballots.clone();
        reversed.reverse();
        for method in [greedy, equal_shares] {
            let outcome = method(&projects, total, &ballots);
            prop_assert!(outcome.spent <= total);
            let cost: u64 = outcome.projects.iter().filter(|p| p.selected).map(|p| p.cost).sum();
            prop_assert_eq!(cost, outcome.spent);
            prop_assert_eq!(&outcome, &method(&projects, total, &reversed));
        }
    }

    #[test]
    fn equal_shares_is_paid_by_supporters_within_their_share((projects, total, ballots) in projects_and_ballots()) {
        let voters = ballots.len() as u128;
        let run = equal_shares_run(&projects, &ballots, u128::from(total));
        for (k, &i) in run.selected.iter().enumerate() {
            let paid: u128 = run.payments.iter().map(|p| p[k]).sum();
            let cost = u128::from(projects[i].cost) * voters;
            let supporters = ballots.iter().filter(|b| b.contains(&projects[i].id)).count() as u128;
            prop_assert!(paid >= cost && paid < cost + supporters, "paid {} for a cost of {}", paid, cost);
            for (voter, payments) in run.payments.iter().enumerate() {
                if payments[k] > 0 {
                    prop_assert!(ballots[voter].contains(&projects[i].id), "only supporters pay");
                }
            }
        }
        for payments in &run.payments {
            prop_assert!(payments.iter().sum::<u128>() <= run.budget_per_voter, "no one pays over their share");
        }
    }
}

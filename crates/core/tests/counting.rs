//! Counting methods: examples worked by hand and properties over random ballots.

use baraza_core::count::{borda, equal_shares, equal_shares_run, greedy, instant_runoff, Candidate};
use proptest::prelude::*;

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

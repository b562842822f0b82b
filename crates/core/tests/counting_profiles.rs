//! The counting methods as they count kept profiles (each distinct ballot
//! once, with how many voters cast it) against a count from every ballot,
//! voter by voter, on random elections: the rules are the same, only how
//! they are computed differs. `reference` is that count from every ballot,
//! as the methods were computed before profiles were kept.

use std::collections::HashMap;

use baraza_core::count::{alike, borda_of, equal_shares_of, greedy_of, instant_runoff_of, Candidate, CompletionStep};
use proptest::prelude::*;

/// Counting from every ballot, voter by voter. Each function follows the
/// rule documented in `count.rs` with one entry per voter.
mod reference {
    use std::collections::{BTreeMap, HashMap, HashSet};

    use baraza_core::count::{
        Borda, BudgetOutcome, Candidate, CompletionStep, InstantRunoff, ProjectOutcome, Round, MAX_COMPLETION_RAISES,
    };

    const COMPLETION_PARTS: u128 = 100;

    pub struct EqualSharesRun {
        pub selected: Vec<usize>,
        pub budget_per_voter: u128,
    }

    pub fn instant_runoff(candidates: &[String], ballots: &[Vec<String>]) -> InstantRunoff {
        let mut continuing: Vec<&String> = candidates.iter().collect();
        let mut rounds: Vec<Round> = Vec::new();
        if candidates.is_empty() || ballots.is_empty() {
            return InstantRunoff { rounds, winner: None };
        }
        loop {
            let mut counts: BTreeMap<String, u64> = continuing.iter().map(|c| ((*c).clone(), 0)).collect();
            let mut exhausted = 0;
            for ballot in ballots {
                match ballot.iter().find(|choice| counts.contains_key(*choice)) {
                    Some(choice) => *counts.get_mut(choice).expect("a continuing candidate") += 1,
                    None => exhausted += 1,
                }
            }
            let active = ballots.len() as u64 - exhausted;
            let leader = continuing.iter().max_by_key(|c| counts[**c]).map(|c| (*c).clone());
            let has_majority = leader.as_ref().is_some_and(|l| counts[l] * 2 > active);
            if continuing.len() == 1 || has_majority {
                rounds.push(Round { counts, eliminated: Vec::new(), exhausted });
                return InstantRunoff { rounds, winner: leader };
            }
            let fewest = continuing.iter().map(|c| counts[*c]).min().expect("candidates remain");
            let mut tied: Vec<&String> = continuing.iter().copied().filter(|c| counts[*c] == fewest).collect();
            for earlier in rounds.iter().rev() {
                if tied.len() == 1 {
                    break;
                }
                let least = tied.iter().map(|c| earlier.counts[*c]).min().expect("tied is not empty");
                tied.retain(|c| earlier.counts[*c] == least);
            }
            let loser = (*tied.last().expect("tied is not empty")).clone();
            continuing.retain(|c| **c != loser);
            rounds.push(Round { counts, eliminated: vec![loser], exhausted });
        }
    }

    pub fn borda(candidates: &[String], ballots: &[Vec<String>]) -> Borda {
        let n = candidates.len() as u64;
        let mut scores: BTreeMap<String, u64> = candidates.iter().map(|c| (c.clone(), 0)).collect();
        let mut firsts: BTreeMap<&str, u64> = BTreeMap::new();
        for ballot in ballots {
            for (rank, choice) in ballot.iter().enumerate() {
                if let Some(score) = scores.get_mut(choice) {
                    *score += n.saturating_sub(1 + rank as u64);
                }
            }
            if let Some(first) = ballot.first() {
                *firsts.entry(first.as_str()).or_default() += 1;
            }
        }
        let winner = if ballots.is_empty() {
            None
        } else {
            // max_by_key keeps the last maximum: iterate in reverse so the first listed wins ties.
            candidates.iter().rev().max_by_key(|c| (scores[*c], firsts.get(c.as_str()).copied().unwrap_or(0))).cloned()
        };
        Borda { scores, winner }
    }

    fn supporters(projects: &[Candidate], ballots: &[Vec<String>]) -> Vec<Vec<usize>> {
        let index: HashMap<&str, usize> = projects.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
        let mut supporters = vec![Vec::new(); projects.len()];
        for (voter, ballot) in ballots.iter().enumerate() {
            for id in ballot {
                if let Some(&i) = index.get(id.as_str()) {
                    if supporters[i].last() != Some(&voter) {
                        supporters[i].push(voter);
                    }
                }
            }
        }
        supporters
    }

    fn approvals(supporters: &[Vec<usize>]) -> Vec<u64> {
        supporters.iter().map(|s| s.len() as u64).collect()
    }

    fn greedy_order(projects: &[Candidate], approvals: &[u64]) -> Vec<usize> {
        let mut order: Vec<usize> = (0..projects.len()).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(approvals[i]), projects[i].cost, i));
        order
    }

    pub fn greedy(projects: &[Candidate], total: u64, ballots: &[Vec<String>]) -> BudgetOutcome {
        let approvals = approvals(&supporters(projects, ballots));
        let selected = greedy_fill(projects, &approvals, total, Vec::new());
        outcome(projects, &approvals, selected, None)
    }

    fn greedy_fill(projects: &[Candidate], approvals: &[u64], total: u64, mut selected: Vec<usize>) -> Vec<usize> {
        let mut spent: u64 = selected.iter().map(|&i| projects[i].cost).sum();
        for i in greedy_order(projects, approvals) {
            if approvals[i] > 0 && !selected.contains(&i) && spent + projects[i].cost <= total {
                spent += projects[i].cost;
                selected.push(i);
            }
        }
        selected
    }

    fn outcome(projects: &[Candidate], approvals: &[u64], selected: Vec<usize>, share: Option<f64>) -> BudgetOutcome {
        let chosen: HashSet<usize> = selected.iter().copied().collect();
        BudgetOutcome {
            projects: projects
                .iter()
                .enumerate()
                .map(|(i, p)| ProjectOutcome {
                    id: p.id.clone(),
                    cost: p.cost,
                    approvals: approvals[i],
                    selected: chosen.contains(&i),
                })
                .collect(),
            spent: selected.iter().map(|&i| projects[i].cost).sum(),
            selected: selected.iter().map(|&i| projects[i].id.clone()).collect(),
            share_per_voter: share,
        }
    }

    fn run_equal_shares(
        projects: &[Candidate],
        supporters: &[Vec<usize>],
        voter_count: usize,
        budget_per_voter: u128,
        parts: u128,
    ) -> EqualSharesRun {
        let unit_cost = voter_count as u128 * parts;
        let mut left = vec![budget_per_voter; voter_count];
        let mut selected = Vec::new();
        loop {
            let mut best: Option<(u128, usize)> = None;
            for (i, project) in projects.iter().enumerate() {
                if selected.contains(&i) || supporters[i].is_empty() {
                    continue;
                }
                let cost = u128::from(project.cost) * unit_cost;
                let Some(rho) = smallest_share(&supporters[i], &left, cost) else {
                    continue;
                };
                let better = match best {
                    None => true,
                    Some((best_rho, j)) => {
                        (rho, std::cmp::Reverse(supporters[i].len()), project.cost, i)
                            < (best_rho, std::cmp::Reverse(supporters[j].len()), projects[j].cost, j)
                    }
                };
                if better {
                    best = Some((rho, i));
                }
            }
            let Some((rho, i)) = best else { break };
            // Everyone pays the same ρ (or all they have left). ρ is rounded up to
            // a whole unit, so a project may be overpaid by under one unit per
            // supporter; capping the last payers instead would make the outcome
            // depend on the order of the ballots.
            for &v in &supporters[i] {
                let pay = rho.min(left[v]);
                left[v] -= pay;
            }
            selected.push(i);
        }
        EqualSharesRun { selected, budget_per_voter }
    }

    fn smallest_share(supporters: &[usize], left: &[u128], cost: u128) -> Option<u128> {
        let mut budgets: Vec<u128> = supporters.iter().map(|&v| left[v]).collect();
        if budgets.iter().sum::<u128>() < cost {
            return None;
        }
        budgets.sort_unstable();
        let mut paid_in_full = 0u128;
        for (k, &budget) in budgets.iter().enumerate() {
            let payers = (budgets.len() - k) as u128;
            let rho = (cost - paid_in_full).div_ceil(payers);
            if rho <= budget {
                return Some(rho);
            }
            paid_in_full += budget;
        }
        None
    }

    pub fn equal_shares_with(
        projects: &[Candidate],
        total: u64,
        ballots: &[Vec<String>],
        step: CompletionStep,
    ) -> BudgetOutcome {
        let supporters = supporters(projects, ballots);
        let approvals = approvals(&supporters);
        if ballots.is_empty() {
            return outcome(projects, &approvals, Vec::new(), None);
        }
        let voters = ballots.len() as u128;
        // In units of 1/(voters × COMPLETION_PARTS) of the currency, each voter's
        // share is `total × COMPLETION_PARTS` and 1% of it is `total`.
        let share = u128::from(total) * COMPLETION_PARTS;
        let raise = match step {
            CompletionStep::SharePercent => u128::from(total),
            CompletionStep::CurrencyUnit => voters * COMPLETION_PARTS,
        };
        let run = |budget_per_voter| {
            run_equal_shares(projects, &supporters, ballots.len(), budget_per_voter, COMPLETION_PARTS)
        };
        let cost_of = |selected: &[usize]| selected.iter().map(|&i| projects[i].cost).sum::<u64>();
        let exhaustive = |selected: &[usize]| {
            let left = total - cost_of(selected);
            (0..projects.len()).all(|i| approvals[i] == 0 || selected.contains(&i) || projects[i].cost > left)
        };
        let mut kept = run(share);
        for _ in 0..MAX_COMPLETION_RAISES {
            if exhaustive(&kept.selected) {
                break;
            }
            let raised = run(kept.budget_per_voter + raise);
            if cost_of(&raised.selected) > total {
                break;
            }
            kept = raised;
        }
        let share_per_voter = kept.budget_per_voter as f64 / (voters * COMPLETION_PARTS) as f64;
        let selected = greedy_fill(projects, &approvals, total, kept.selected);
        outcome(projects, &approvals, selected, Some(share_per_voter))
    }
}

/// One voter's ballot: the ids it names, in order.
type Ballot = Vec<String>;

/// Each distinct ballot with its voters.
type Profile = Vec<(Ballot, u64)>;

/// A voter (by position, modulo the voters) whose ballot becomes another
/// (by position among the first ballots, modulo their number).
type Change = (usize, usize);

/// A pool of distinct ballots, and ballots drawn from it, so that many
/// voters cast the same one; `ids` are what the ballots name.
fn drawn(ids: Vec<String>, ordered: bool) -> impl Strategy<Value = Vec<Vec<String>>> {
    let one = if ordered {
        Just(ids.clone())
            .prop_shuffle()
            .prop_flat_map(|order| (0..=order.len()).prop_map(move |keep| order[..keep].to_vec()))
            .boxed()
    } else {
        prop::sample::subsequence(ids.clone(), 0..=ids.len()).prop_shuffle().boxed()
    };
    prop::collection::vec(one, 1..8).prop_flat_map(|pool| {
        let picks = prop::collection::vec(0..pool.len(), 0..60);
        picks.prop_map(move |picks| picks.into_iter().map(|i| pool[i].clone()).collect())
    })
}

/// A profile kept the way the server keeps it: each voter's first ballot
/// added, then `changes` of voters' ballots, each taking one voter from the
/// ballot they had and adding them to the new one; entries that fall to no
/// voter stay, with none. Answers the profile and every ballot as it stands.
fn kept(ballots: &[Ballot], changes: &[Change]) -> (Profile, Vec<Ballot>) {
    let mut standing = ballots.to_vec();
    let mut profile: HashMap<Vec<String>, u64> = HashMap::new();
    for ballot in ballots {
        *profile.entry(ballot.clone()).or_default() += 1;
    }
    for &(voter, new) in changes {
        if standing.is_empty() {
            break;
        }
        let voter = voter % standing.len();
        let new = ballots[new % ballots.len()].clone();
        *profile.get_mut(&standing[voter]).expect("kept when added") -= 1;
        *profile.entry(new.clone()).or_default() += 1;
        standing[voter] = new;
    }
    (profile.into_iter().collect(), standing)
}

fn rankings() -> impl Strategy<Value = (Vec<String>, Vec<Ballot>, Vec<Change>)> {
    (1usize..7).prop_flat_map(|n| {
        let candidates: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
        (Just(candidates.clone()), drawn(candidates, true), prop::collection::vec((0usize..100, 0usize..100), 0..20))
    })
}

fn budgets() -> impl Strategy<Value = (Vec<Candidate>, u64, Vec<Ballot>, Vec<Change>)> {
    (prop::collection::vec(1u64..60, 1..8), 1u64..150).prop_flat_map(|(costs, total)| {
        let projects: Vec<Candidate> =
            costs.iter().enumerate().map(|(i, &cost)| Candidate { id: format!("p{i}"), cost }).collect();
        let ids: Vec<String> = projects.iter().map(|p| p.id.clone()).collect();
        (Just(projects), Just(total), drawn(ids, false), prop::collection::vec((0usize..100, 0usize..100), 0..20))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn kept_rankings_count_as_every_ballot((candidates, ballots, changes) in rankings()) {
        let (profile, standing) = kept(&ballots, &changes);
        prop_assert_eq!(instant_runoff_of(&candidates, &profile), reference::instant_runoff(&candidates, &standing));
        prop_assert_eq!(borda_of(&candidates, &profile), reference::borda(&candidates, &standing));
        prop_assert_eq!(instant_runoff_of(&candidates, &alike(&standing)), reference::instant_runoff(&candidates, &standing));
    }

    #[test]
    fn kept_classes_count_as_every_ballot((projects, total, ballots, changes) in budgets()) {
        let (profile, standing) = kept(&ballots, &changes);
        for step in [CompletionStep::SharePercent, CompletionStep::CurrencyUnit] {
            prop_assert_eq!(
                equal_shares_of(&projects, total, &profile, step),
                reference::equal_shares_with(&projects, total, &standing, step)
            );
        }
        prop_assert_eq!(greedy_of(&projects, total, &profile), reference::greedy(&projects, total, &standing));
    }
}

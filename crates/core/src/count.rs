//! Counting methods for rankings and participatory budgets. Each is a pure
//! function of the ballots, deterministic, and states its tie-break, so staff
//! can explain every result and anyone can recount it from the open data.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

/// One round of an instant-runoff count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    /// Votes of every candidate still in the count, each ballot counting for
    /// its highest-ranked such candidate.
    pub counts: BTreeMap<String, u64>,
    /// Who left the count at the end of this round (empty in the last round).
    pub eliminated: Vec<String>,
    /// Ballots that rank no candidate still in the count.
    pub exhausted: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstantRunoff {
    pub rounds: Vec<Round>,
    /// `None` only when there are no ballots or no candidates.
    pub winner: Option<String>,
}

/// Instant-runoff voting.
///
/// Rule: each round, every ballot counts for its highest-ranked candidate still
/// in the count (partial rankings are allowed; a ballot with none left is
/// exhausted). A candidate with more than half of the ballots that are not
/// exhausted wins, as does the last candidate left. Otherwise the candidate
/// with the fewest votes is eliminated and a new round begins.
///
/// Tie-break for elimination: among the candidates tied for fewest votes, the
/// one with fewer votes in the round before is eliminated, going back round by
/// round; if they were tied in every round, the one listed last in the
/// definition is eliminated.
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Borda {
    pub scores: BTreeMap<String, u64>,
    pub winner: Option<String>,
}

/// The Borda count.
///
/// Rule: with `n` candidates, a ballot gives `n - 1` points to its first
/// choice, `n - 2` to its second, and so on; candidates a partial ranking
/// leaves out get nothing from it. The highest score wins.
///
/// Tie-break: more first preferences, then the candidate listed first in the
/// definition.
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

/// A project of a participatory budget, as counting sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub cost: u64,
}

/// The outcome for one project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectOutcome {
    pub id: String,
    pub cost: u64,
    pub approvals: u64,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetOutcome {
    /// Every project, in definition order.
    pub projects: Vec<ProjectOutcome>,
    /// The selected projects in the order they were funded.
    pub selected: Vec<String>,
    pub spent: u64,
    /// Equal shares only: the budget per voter the kept run used (the real
    /// share, or more when completion raised it), before greedy fill-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_per_voter: Option<f64>,
}

/// Each project's supporters, as ascending voter indexes, read in one pass
/// over the ballots. A ballot naming a project twice supports it once; ids
/// that name no project are ignored.
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

/// Funding order for greedy choices: most approvals first; ties go to the
/// cheaper project, then to the one listed first in the definition.
fn greedy_order(projects: &[Candidate], approvals: &[u64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..projects.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(approvals[i]), projects[i].cost, i));
    order
}

/// Greedy approval budgeting.
///
/// Rule: projects are taken by most approvals first (ties: the cheaper, then
/// the one listed first); each is funded if it still fits in what is left of
/// the budget, otherwise skipped. Projects nobody approved are never funded.
pub fn greedy(projects: &[Candidate], total: u64, ballots: &[Vec<String>]) -> BudgetOutcome {
    let approvals = approvals(&supporters(projects, ballots));
    let selected = greedy_fill(projects, &approvals, total, Vec::new());
    outcome(projects, &approvals, selected, None)
}

/// Adds projects to `selected` greedily while money is left.
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

/// What the Method of Equal Shares decided for one budget per voter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EqualSharesRun {
    /// Funded projects, by index, in funding order.
    pub selected: Vec<usize>,
    /// `payments[voter][k]`: what the voter paid for `selected[k]`, in
    /// units of 1/`ballots.len()` of the currency (so shares stay whole).
    /// A project is paid at least its cost, and less than one unit more per
    /// supporter.
    pub payments: Vec<Vec<u128>>,
    /// Each voter's budget in the same units.
    pub budget_per_voter: u128,
}

/// The Method of Equal Shares with a given budget per voter, without
/// completion. Amounts are kept in units of 1/`voters` of the currency so
/// that every voter's share is a whole number.
///
/// Rule: every voter starts with an equal share of the budget. Repeatedly, for
/// each unfunded project, find the smallest amount ρ such that its supporters,
/// each paying ρ or all they have left if less, cover its cost; fund the
/// project with the smallest ρ (ties: more approvals, then cheaper, then
/// listed first) and charge its supporters. Stop when no project can be paid
/// for by its own supporters.
pub fn equal_shares_run(projects: &[Candidate], ballots: &[Vec<String>], budget_per_voter: u128) -> EqualSharesRun {
    run_equal_shares(projects, &supporters(projects, ballots), ballots.len(), budget_per_voter)
}

/// [`equal_shares_run`] on supporters already read from `voters` ballots, so
/// that completion's many runs read the ballots only once.
fn run_equal_shares(
    projects: &[Candidate],
    supporters: &[Vec<usize>],
    voter_count: usize,
    budget_per_voter: u128,
) -> EqualSharesRun {
    let voters = voter_count as u128;
    let mut left = vec![budget_per_voter; voter_count];
    let mut selected = Vec::new();
    let mut payments: Vec<Vec<u128>> = vec![Vec::new(); voter_count];
    loop {
        let mut best: Option<(u128, usize)> = None;
        for (i, project) in projects.iter().enumerate() {
            if selected.contains(&i) || supporters[i].is_empty() {
                continue;
            }
            let cost = u128::from(project.cost) * voters;
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
        for payment in payments.iter_mut() {
            payment.push(0);
        }
        // Everyone pays the same ρ (or all they have left). ρ is rounded up to
        // a whole unit, so a project may be overpaid by under one unit per
        // supporter; capping the last payers instead would make the outcome
        // depend on the order of the ballots.
        for &v in &supporters[i] {
            let pay = rho.min(left[v]);
            left[v] -= pay;
            *payments[v].last_mut().expect("pushed above") = pay;
        }
        selected.push(i);
    }
    EqualSharesRun { selected, payments, budget_per_voter }
}

/// The smallest whole ρ with Σ min(ρ, left[v]) ≥ cost over the supporters, or
/// `None` if all they have left is not enough.
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

/// Steps by which completion raises the budget per voter, as a fraction of the
/// real share: 1% at a time, up to doubling it.
const COMPLETION_STEPS: u32 = 100;

/// The Method of Equal Shares for approval ballots, with completion.
///
/// Equal shares alone may leave money unspent. Completion, as commonly done:
/// the budget per voter is raised in steps of 1% of the real share (up to
/// double it) and the method run again; the last outcome whose total cost
/// still fits in the real budget is kept, with the smallest budget per voter
/// that gave it. Money still left is then spent
/// greedily (see [`greedy`]) on the remaining projects.
pub fn equal_shares(projects: &[Candidate], total: u64, ballots: &[Vec<String>]) -> BudgetOutcome {
    let supporters = supporters(projects, ballots);
    let approvals = approvals(&supporters);
    if ballots.is_empty() {
        return outcome(projects, &approvals, Vec::new(), None);
    }
    let voters = ballots.len() as u128;
    // In units of 1/voters of the currency, each voter's share is `total`.
    let share = u128::from(total);
    let cost_of = |run: &EqualSharesRun| run.selected.iter().map(|&i| projects[i].cost).sum::<u64>();
    let run = |budget_per_voter| run_equal_shares(projects, &supporters, ballots.len(), budget_per_voter);
    let mut kept = run(share);
    for step in 1..=COMPLETION_STEPS {
        if kept.selected.len() == projects.len() {
            break;
        }
        let raised = run(share + share * u128::from(step) / 100);
        if cost_of(&raised) > total {
            break;
        }
        if raised.selected != kept.selected {
            kept = raised;
        }
    }
    let share_per_voter = kept.budget_per_voter as f64 / voters as f64;
    let selected = greedy_fill(projects, &approvals, total, kept.selected);
    outcome(projects, &approvals, selected, Some(share_per_voter))
}

//! Counting methods for rankings and participatory budgets. Each is a pure
//! function of the ballots, deterministic, and states its tie-break, so staff
//! can explain every result and anyone can recount it from the open data.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

pub use crate::definition::CompletionStep;

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
/// definition is eliminated. (pyrankvote, which the tests compare with,
/// breaks such ties by later preferences instead, and declares a winner at
/// exactly half of the ballots still counted; where no tie needs breaking,
/// both elect the same candidate.)
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
///
/// This is the method with approval utilities: a funded project is worth
/// the same to each of its supporters, whatever it costs.
pub fn equal_shares_run(projects: &[Candidate], ballots: &[Vec<String>], budget_per_voter: u128) -> EqualSharesRun {
    run_equal_shares(projects, &supporters(projects, ballots), ballots.len(), budget_per_voter, 1)
}

/// [`equal_shares_run`] on supporters already read from `voter_count`
/// ballots, so that completion's many runs read the ballots only once, with
/// amounts in units of 1/(`voter_count` × `parts`) of the currency.
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
    let mut payments: Vec<Vec<u128>> = vec![Vec::new(); voter_count];
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

/// Completion keeps amounts in hundredths of the units of
/// [`equal_shares_run`], so that 1% of a voter's share is a whole amount.
const COMPLETION_PARTS: u128 = 100;

/// A safeguard, not part of the method: completion raises budgets at most
/// this many times, then keeps the last outcome that fits as if the next one
/// overspent. By the default step that is a budget per voter of 101 times
/// the share, far past what real elections need; without it, one lone voter
/// approving a dear project among thousands of ballots could keep a count
/// busy for hours.
pub const MAX_COMPLETION_RAISES: u32 = 10_000;

/// The Method of Equal Shares for approval ballots, with completion, raising
/// budgets by the default step ([`CompletionStep::SharePercent`]). See
/// [`equal_shares_with`].
pub fn equal_shares(projects: &[Candidate], total: u64, ballots: &[Vec<String>]) -> BudgetOutcome {
    equal_shares_with(projects, total, ballots, CompletionStep::default())
}

/// The Method of Equal Shares for approval ballots, with completion.
///
/// Equal shares alone ([`equal_shares_run`] with each voter's real share)
/// often leaves money unspent. Completion is the variant its authors
/// recommend, "Add1" (equalshares.net, *Completion*, "Recommended completion
/// method"; in pabutools, `method_of_equal_shares` with a
/// `voter_budget_increment`): starting from the real share, the method is
/// run again with every voter's budget raised by one `step` at a time. It
/// stops at the first outcome that is exhaustive — no approved project left
/// out fits in what the outcome leaves of the real budget — or, when the
/// next raise would give an outcome that costs more than the real budget,
/// keeps the last outcome that fits. This ends at the latest once each
/// voter's budget covers all approved projects together, when every one of
/// them is funded (or after [`MAX_COMPLETION_RAISES`]). Money still left is
/// then spent greedily (see [`greedy`]) on the remaining projects, as in
/// "Add1u" (pabutools: `completion_by_rule_combination` with
/// `greedy_utilitarian_welfare`); projects nobody approved are never funded.
///
/// The step matters: a finer one can stop at an exhaustive outcome that a
/// coarser one jumps over, so each gives other outcomes in some elections.
/// The reference's step is one unit of the budget's currency per voter
/// ([`CompletionStep::CurrencyUnit`]). Baraza's default is 1% of the share
/// ([`CompletionStep::SharePercent`]): it means the same in every currency,
/// and the work grows with how far the share is raised, not with the
/// currency's size (by one shilling, a share of 20,000 shillings takes 20,000
/// runs to double). Like pabutools, the count starts from the exact share;
/// the equalshares.net tool rounds it down to whole units first.
///
/// Ties: equal ρ goes to more approvals, then the cheaper project, then the
/// one listed first (pabutools, by default, to the first name in alphabetical
/// order); the greedy fill-up takes the most approved first, then the
/// cheaper, then the one listed first.
///
/// Amounts are whole hundredths of the units of [`equal_shares_run`], with ρ
/// rounded up, where pabutools counts in exact fractions; on random elections
/// (`tests/counting/differential.py`) the two have not differed.
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
    let run =
        |budget_per_voter| run_equal_shares(projects, &supporters, ballots.len(), budget_per_voter, COMPLETION_PARTS);
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

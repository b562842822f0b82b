//! Counting methods for rankings and participatory budgets. Each is a pure
//! function of the ballots, deterministic, and states its tie-break, so staff
//! can explain every result and anyone can recount it from the open data.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::ballot::Ballot;
pub use crate::definition::CompletionStep;

/// One round of an instant-runoff count.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    instant_runoff_of(candidates, &alike(ballots))
}

/// [`instant_runoff`] of the distinct rankings of a profile, each counted
/// for the voters who cast it: the same rule, in time that grows with the
/// distinct rankings rather than with the ballots.
pub fn instant_runoff_of(candidates: &[String], profile: &[(Vec<String>, u64)]) -> InstantRunoff {
    let index: HashMap<&str, usize> = candidates.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    // Each ranking as candidate numbers, ids that name no candidate left out.
    let orders: Vec<(Vec<usize>, u64)> = profile
        .iter()
        .filter(|(_, voters)| *voters > 0)
        .map(|(ranking, voters)| (ranking.iter().filter_map(|id| index.get(id.as_str()).copied()).collect(), *voters))
        .collect();
    let ballots: u64 = orders.iter().map(|(_, voters)| voters).sum();
    let mut rounds: Vec<Round> = Vec::new();
    if candidates.is_empty() || ballots == 0 {
        return InstantRunoff { rounds, winner: None };
    }
    let mut continuing = vec![true; candidates.len()];
    // Each round's votes by candidate number, for the tie-break.
    let mut earlier: Vec<Vec<u64>> = Vec::new();
    loop {
        let mut votes = vec![0u64; candidates.len()];
        let mut exhausted = 0;
        for (order, voters) in &orders {
            match order.iter().find(|&&c| continuing[c]) {
                Some(&c) => votes[c] += voters,
                None => exhausted += voters,
            }
        }
        let left: Vec<usize> = (0..candidates.len()).filter(|&c| continuing[c]).collect();
        let counts: BTreeMap<String, u64> = left.iter().map(|&c| (candidates[c].clone(), votes[c])).collect();
        let active = ballots - exhausted;
        // The last of the candidates with most votes, in definition order.
        let leader = left.iter().copied().max_by_key(|&c| votes[c]).expect("candidates remain");
        if left.len() == 1 || votes[leader] * 2 > active {
            rounds.push(Round { counts, eliminated: Vec::new(), exhausted });
            return InstantRunoff { rounds, winner: Some(candidates[leader].clone()) };
        }
        let fewest = left.iter().map(|&c| votes[c]).min().expect("candidates remain");
        let mut tied: Vec<usize> = left.iter().copied().filter(|&c| votes[c] == fewest).collect();
        for before in earlier.iter().rev() {
            if tied.len() == 1 {
                break;
            }
            let least = tied.iter().map(|&c| before[c]).min().expect("tied is not empty");
            tied.retain(|&c| before[c] == least);
        }
        let loser = *tied.last().expect("tied is not empty");
        continuing[loser] = false;
        rounds.push(Round { counts, eliminated: vec![candidates[loser].clone()], exhausted });
        earlier.push(votes);
    }
}

/// The distinct ballots of `ballots`, each with how many voters cast it, in
/// the order each first appears.
pub fn alike(ballots: &[Vec<String>]) -> Vec<(Vec<String>, u64)> {
    let mut position: HashMap<&[String], usize> = HashMap::new();
    let mut profile: Vec<(Vec<String>, u64)> = Vec::new();
    for ballot in ballots {
        match position.get(ballot.as_slice()) {
            Some(&i) => profile[i].1 += 1,
            None => {
                position.insert(ballot, profile.len());
                profile.push((ballot.clone(), 1));
            }
        }
    }
    profile
}

/// What a ranking or budget ballot is counted as, so that ballots counted
/// alike are kept together: a ranking's order as cast, or the set of a
/// budget ballot's projects (sorted, each once). `None` for ballots the
/// counting methods do not read.
pub fn counted_as(ballot: &Ballot) -> Option<Vec<String>> {
    match ballot {
        Ballot::Ranking { ranking } => Some(ranking.clone()),
        Ballot::Projects { projects } => {
            let mut set = projects.clone();
            set.sort_unstable();
            set.dedup();
            Some(set)
        }
        _ => None,
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
    borda_of(candidates, &alike(ballots))
}

/// [`borda`] of the distinct rankings of a profile, each counted for the
/// voters who cast it.
pub fn borda_of(candidates: &[String], profile: &[(Vec<String>, u64)]) -> Borda {
    let n = candidates.len() as u64;
    let mut scores: BTreeMap<String, u64> = candidates.iter().map(|c| (c.clone(), 0)).collect();
    let mut firsts: BTreeMap<&str, u64> = BTreeMap::new();
    for (ballot, voters) in profile {
        for (rank, choice) in ballot.iter().enumerate() {
            if let Some(score) = scores.get_mut(choice) {
                *score += voters * n.saturating_sub(1 + rank as u64);
            }
        }
        if let Some(first) = ballot.first() {
            *firsts.entry(first.as_str()).or_default() += voters;
        }
    }
    let winner = if profile.iter().all(|(_, voters)| *voters == 0) {
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

/// Voters that stand alike: those who approve the same projects, whose
/// shares the Method of Equal Shares always spends alike. Read in one pass
/// over a profile; a ballot naming a project twice supports it once, ids
/// that name no project are ignored.
struct Classes {
    /// How many voters each class has.
    voters: Vec<u64>,
    /// Each project's supporting classes, ascending.
    supporters: Vec<Vec<usize>>,
    /// The class of each entry of the profile read.
    of_entry: Vec<usize>,
}

impl Classes {
    fn of(projects: &[Candidate], profile: &[(Vec<String>, u64)]) -> Classes {
        let index: HashMap<&str, usize> = projects.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
        let mut class_of_set: HashMap<Vec<usize>, usize> = HashMap::new();
        let mut classes =
            Classes { voters: Vec::new(), supporters: vec![Vec::new(); projects.len()], of_entry: Vec::new() };
        for (ballot, voters) in profile {
            let mut set: Vec<usize> = ballot.iter().filter_map(|id| index.get(id.as_str()).copied()).collect();
            set.sort_unstable();
            set.dedup();
            let next = classes.voters.len();
            let class = *class_of_set.entry(set.clone()).or_insert(next);
            if class == next {
                classes.voters.push(0);
                for &i in &set {
                    classes.supporters[i].push(class);
                }
            }
            classes.voters[class] += voters;
            classes.of_entry.push(class);
        }
        classes
    }

    /// How many voters there are in all.
    fn total(&self) -> u64 {
        self.voters.iter().sum()
    }

    /// How many voters approve each project.
    fn approvals(&self) -> Vec<u64> {
        self.supporters.iter().map(|classes| classes.iter().map(|&c| self.voters[c]).sum()).collect()
    }
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
    greedy_of(projects, total, &alike(ballots))
}

/// [`greedy`] of a profile: each distinct ballot with the voters who cast it.
pub fn greedy_of(projects: &[Candidate], total: u64, profile: &[(Vec<String>, u64)]) -> BudgetOutcome {
    let approvals = Classes::of(projects, profile).approvals();
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
    // Every ballot its own entry, so that payments come back voter by voter.
    let profile: Vec<(Vec<String>, u64)> = ballots.iter().map(|ballot| (ballot.clone(), 1)).collect();
    let classes = Classes::of(projects, &profile);
    let run = run_equal_shares(projects, &classes, budget_per_voter, 1);
    let mut of_class: Vec<Vec<u128>> = vec![vec![0; run.selected.len()]; classes.voters.len()];
    for (k, paid) in run.paid.iter().enumerate() {
        for &(class, pay) in paid {
            of_class[class][k] = pay;
        }
    }
    let payments = classes.of_entry.iter().map(|&class| of_class[class].clone()).collect();
    EqualSharesRun { selected: run.selected, payments, budget_per_voter }
}

/// What one run of the method decided, for classes of voters.
struct ClassRun {
    selected: Vec<usize>,
    /// For each of `selected`, what each paying class's voters paid each.
    paid: Vec<Vec<(usize, u128)>>,
    budget_per_voter: u128,
}

/// [`equal_shares_run`] on classes of voters that stand alike, so that
/// completion's many runs read the ballots only once and each run's work
/// grows with the classes rather than the voters, with amounts in units of
/// 1/(voters × `parts`) of the currency. The voters of a class start alike
/// and pay alike, so the rule needs only each class's remaining budget and
/// its number of voters.
///
/// Classes that have paid alike have the same budget left, and there are
/// few such budgets: each class is kept at one of a short list of budget
/// values, so that finding a project's ρ adds its supporters up by budget
/// rather than sorting them.
fn run_equal_shares(projects: &[Candidate], classes: &Classes, budget_per_voter: u128, parts: u128) -> ClassRun {
    let unit_cost = u128::from(classes.total()) * parts;
    let approvals = classes.approvals();
    let mut budgets = Budgets { values: vec![budget_per_voter], of_class: vec![0; classes.voters.len()] };
    let mut weights: Vec<u128> = Vec::new();
    let mut selected = Vec::new();
    let mut paid = Vec::new();
    loop {
        let ascending = budgets.ascending();
        weights.clear();
        weights.resize(budgets.values.len(), 0);
        let mut best: Option<(u128, usize)> = None;
        for (i, project) in projects.iter().enumerate() {
            if selected.contains(&i) || approvals[i] == 0 {
                continue;
            }
            for &class in &classes.supporters[i] {
                weights[budgets.of_class[class]] += u128::from(classes.voters[class]);
            }
            let cost = u128::from(project.cost) * unit_cost;
            let Some(rho) = smallest_share(&ascending, &budgets.values, &mut weights, cost) else {
                continue;
            };
            let better = match best {
                None => true,
                Some((best_rho, j)) => {
                    (rho, std::cmp::Reverse(approvals[i]), project.cost, i)
                        < (best_rho, std::cmp::Reverse(approvals[j]), projects[j].cost, j)
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
        paid.push(budgets.pay(&classes.supporters[i], rho));
        selected.push(i);
    }
    ClassRun { selected, paid, budget_per_voter }
}

/// Each class's budget left, as one of a few values.
struct Budgets {
    values: Vec<u128>,
    /// The index in `values` of each class's budget.
    of_class: Vec<usize>,
}

impl Budgets {
    /// The indexes of `values`, by ascending value.
    fn ascending(&self) -> Vec<usize> {
        let mut ascending: Vec<usize> = (0..self.values.len()).collect();
        ascending.sort_unstable_by_key(|&at| self.values[at]);
        ascending
    }

    /// Each of `classes` pays ρ per voter, or all it has left if less:
    /// answers what each paid. Classes at one budget all go to the same new
    /// one.
    fn pay(&mut self, classes: &[usize], rho: u128) -> Vec<(usize, u128)> {
        let mut moved: HashMap<usize, usize> = HashMap::new();
        let mut paid = Vec::with_capacity(classes.len());
        for &class in classes {
            let before = self.of_class[class];
            let pay = rho.min(self.values[before]);
            let after = *moved.entry(before).or_insert_with(|| {
                self.values.push(self.values[before] - pay);
                self.values.len() - 1
            });
            self.of_class[class] = after;
            paid.push((class, pay));
        }
        paid
    }
}

/// The smallest whole ρ with Σ min(ρ, budget) ≥ cost over the supporters,
/// whose voters are added up in `weights` by their budget (an index of
/// `values`, visited in `ascending` order), or `None` if all they have left
/// is not enough. Leaves `weights` at naught. Voters with one budget are
/// alike: where one of them cannot pay ρ in full, none of them can.
fn smallest_share(ascending: &[usize], values: &[u128], weights: &mut [u128], cost: u128) -> Option<u128> {
    let mut payers: u128 = 0;
    let mut all_they_have: u128 = 0;
    for &at in ascending {
        payers += weights[at];
        all_they_have += weights[at] * values[at];
    }
    let mut share = None;
    if all_they_have >= cost {
        let mut paid_in_full = 0u128;
        for &at in ascending {
            if weights[at] == 0 {
                continue;
            }
            let rho = (cost - paid_in_full).div_ceil(payers);
            if rho <= values[at] {
                share = Some(rho);
                break;
            }
            paid_in_full += values[at] * weights[at];
            payers -= weights[at];
        }
    }
    weights.iter_mut().for_each(|weight| *weight = 0);
    share
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
    equal_shares_of(projects, total, &alike(ballots), step)
}

/// [`equal_shares_with`] of a profile: each distinct ballot with the voters
/// who cast it. The method runs on classes of voters that stand alike, so
/// its work grows with the distinct sets of approved projects.
pub fn equal_shares_of(
    projects: &[Candidate],
    total: u64,
    profile: &[(Vec<String>, u64)],
    step: CompletionStep,
) -> BudgetOutcome {
    let classes = Classes::of(projects, profile);
    let approvals = classes.approvals();
    let voters = u128::from(classes.total());
    if voters == 0 {
        return outcome(projects, &approvals, Vec::new(), None);
    }
    // In units of 1/(voters × COMPLETION_PARTS) of the currency, each voter's
    // share is `total × COMPLETION_PARTS` and 1% of it is `total`.
    let share = u128::from(total) * COMPLETION_PARTS;
    let raise = match step {
        CompletionStep::SharePercent => u128::from(total),
        CompletionStep::CurrencyUnit => voters * COMPLETION_PARTS,
    };
    let run = |budget_per_voter| run_equal_shares(projects, &classes, budget_per_voter, COMPLETION_PARTS);
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

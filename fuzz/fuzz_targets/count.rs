//! Every counting method on elections made from the input: a few
//! candidates or projects, and ballots that may leave some out, repeat them
//! or name unknown ones. Counting never panics, and each outcome keeps its
//! method's promises: a winner is a candidate, and only when there are
//! ballots; a budget never spends more than its total, funds each project
//! once and only projects someone approved.

#![no_main]

use std::collections::HashSet;

use baraza_core::bounds;
use baraza_core::count::{borda, equal_shares_with, greedy, instant_runoff, BudgetOutcome, Candidate, CompletionStep};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input = Unstructured::new(data);
    let _ = rankings(&mut input);
    let _ = budgets(&mut input);
});

/// Ballots naming ids among `known`, plus one no candidate has.
fn ballots(input: &mut Unstructured, known: &[String], most: usize) -> Result<Vec<Vec<String>>> {
    let mut names = known.to_vec();
    names.push("unknown".to_owned());
    let count = input.int_in_range(0..=most)?;
    (0..count)
        .map(|_| {
            let length = input.int_in_range(0..=names.len() + 1)?;
            (0..length).map(|_| input.choose(&names).cloned()).collect()
        })
        .collect()
}

fn rankings(input: &mut Unstructured) -> Result<()> {
    let candidates: Vec<String> = (0..input.int_in_range(0..=8)?).map(|n| format!("c{n}")).collect();
    let ballots = ballots(input, &candidates, 60)?;
    let counted = instant_runoff(&candidates, &ballots);
    assert_eq!(counted.winner.is_some(), !candidates.is_empty() && !ballots.is_empty());
    assert!(counted.winner.iter().all(|winner| candidates.contains(winner)));
    assert!(counted.rounds.len() <= candidates.len());
    let scored = borda(&candidates, &ballots);
    assert_eq!(scored.winner.is_some(), !candidates.is_empty() && !ballots.is_empty());
    assert!(scored.winner.iter().all(|winner| candidates.contains(winner)));
    Ok(())
}

fn budgets(input: &mut Unstructured) -> Result<()> {
    // What validation lets through: a total from 1 to the bound, and costs
    // from 1 to the total.
    let total = match input.int_in_range(0..=2)? {
        0 => input.int_in_range(1..=1_000)?,
        1 => bounds::MAX_BUDGET_TOTAL,
        _ => input.int_in_range(1..=bounds::MAX_BUDGET_TOTAL)?,
    };
    let projects: Vec<Candidate> = (0..input.int_in_range(1..=6)?)
        .map(|n| Ok(Candidate { id: format!("p{n}"), cost: input.int_in_range(1..=total)? }))
        .collect::<Result<_>>()?;
    let ids: Vec<String> = projects.iter().map(|p| p.id.clone()).collect();
    let ballots = ballots(input, &ids, 20)?;
    let approved: HashSet<&String> = ballots.iter().flatten().collect();
    let kept = |outcome: BudgetOutcome| {
        let selected: HashSet<&String> = outcome.selected.iter().collect();
        assert_eq!(selected.len(), outcome.selected.len(), "a project funded twice: {outcome:?}");
        assert!(selected.iter().all(|id| approved.contains(id)), "{outcome:?}");
        let spent: u64 = outcome.selected.iter().map(|id| projects.iter().find(|p| &p.id == id).unwrap().cost).sum();
        assert_eq!(spent, outcome.spent);
        assert!(outcome.spent <= total, "{outcome:?}");
    };
    kept(greedy(&projects, total, &ballots));
    kept(equal_shares_with(&projects, total, &ballots, CompletionStep::SharePercent));
    kept(equal_shares_with(&projects, total, &ballots, CompletionStep::CurrencyUnit));
    Ok(())
}

//! Counts elections read from standard input with Baraza's own counting
//! methods, for comparison with other implementations
//! (`tests/counting/differential.py`). One election per line, as JSON:
//!
//! ```json
//! {"budget": {"projects": [{"id": "a", "cost": 40}], "total": 100, "step": "share_percent"}, "ballots": [["a"]]}
//! {"ranking": {"candidates": ["a", "b"]}, "ballots": [["b", "a"]]}
//! ```
//!
//! Each answer is one line, in the same order: the budget outcome of the
//! Method of Equal Shares, or the instant-runoff count.

use std::io::{self, BufRead, Write};

use baraza_core::count::{equal_shares_with, instant_runoff, Candidate, CompletionStep};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Election {
    #[serde(default)]
    budget: Option<Budget>,
    #[serde(default)]
    ranking: Option<Ranking>,
    ballots: Vec<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Budget {
    projects: Vec<Project>,
    total: u64,
    step: CompletionStep,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Project {
    id: String,
    cost: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Ranking {
    candidates: Vec<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for (number, line) in io::stdin().lock().lines().enumerate() {
        let election: Election =
            serde_json::from_str(&line?).map_err(|error| format!("election on line {}: {error}", number + 1))?;
        let answer = match (election.budget, election.ranking) {
            (Some(budget), None) => {
                let projects: Vec<Candidate> =
                    budget.projects.into_iter().map(|p| Candidate { id: p.id, cost: p.cost }).collect();
                serde_json::to_value(equal_shares_with(&projects, budget.total, &election.ballots, budget.step))?
            }
            (None, Some(ranking)) => serde_json::to_value(instant_runoff(&ranking.candidates, &election.ballots))?,
            _ => return Err(format!("election on line {}: give either a budget or a ranking", number + 1).into()),
        };
        serde_json::to_writer(&mut out, &answer)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

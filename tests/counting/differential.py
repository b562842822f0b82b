"""Baraza's counting compared with independent implementations, election by
election, on random elections:

- the Method of Equal Shares with completion, against pabutools' iterated
  Method of Equal Shares (approval utilities, the same step) followed by its
  greedy utilitarian completion, once for each completion step;
- instant-runoff voting, against pyrankvote.

Baraza's side is the real `baraza_core::count` code, run through the
`count_elections` example (one election per line in, one answer per line
out). Every disagreement is printed with its election, ready to become a unit
test; the exit status is 1 if there is any.

    python tests/counting/differential.py [--elections N] [--seed S] [--baraza CMD]
"""

import argparse
import json
import random
import shlex
import subprocess
import sys
import time
from pathlib import Path

from pabutools.election import ApprovalBallot, ApprovalProfile, Cardinality_Sat, Cost_Sat, Instance, Project
from pabutools.fractions import frac
from pabutools.rules import completion_by_rule_combination, greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule
import pyrankvote

ROOT = Path(__file__).resolve().parents[2]
BARAZA = f"cargo run --quiet --manifest-path {ROOT / 'Cargo.toml'} -p baraza-core --example count_elections"
STEPS = ("share_percent", "currency_unit")


def random_budget_election(rng, step):
    """A few projects, each within the budget, and ballots that fit the
    budget, as the app and the server let citizens vote."""
    total = rng.randint(10, 150)
    projects = [{"id": f"p{i}", "cost": rng.randint(1, min(60, total))} for i in range(rng.randint(1, 6))]
    ballots = []
    for _ in range(rng.randint(1, 30)):
        ballot, spent = [], 0
        for project in rng.sample(projects, len(projects)):
            if rng.random() < 0.5 and spent + project["cost"] <= total:
                ballot.append(project["id"])
                spent += project["cost"]
        ballots.append(ballot)
    return {"budget": {"projects": projects, "total": total, "step": step}, "ballots": ballots}


def random_ranking_election(rng):
    candidates = [f"c{i}" for i in range(rng.randint(2, 5))]
    ballots = []
    for _ in range(rng.randint(1, 40)):
        order = rng.sample(candidates, len(candidates))
        ballots.append(order[: rng.randint(1, len(order))])
    return {"ranking": {"candidates": candidates}, "ballots": ballots}


def count_with_baraza(command, elections):
    lines = "".join(json.dumps(election) + "\n" for election in elections)
    done = subprocess.run(shlex.split(command), input=lines, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"{command} failed:\n{done.stderr}")
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(elections), "one answer per election"
    return answers


def equal_shares_by_pabutools(election):
    """The projects pabutools funds, in funding order.

    Only approved projects enter the instance: Baraza never funds a project
    nobody approved, and neither does equal shares; pabutools' greedy
    completion would. Ties are broken as Baraza states its rule: more
    approvals, then the cheaper project, then the one listed first."""
    budget = election["budget"]
    approved = {project_id for ballot in election["ballots"] for project_id in ballot}
    position = {project["id"]: index for index, project in enumerate(budget["projects"])}
    projects = {p["id"]: Project(p["id"], p["cost"]) for p in budget["projects"] if p["id"] in approved}
    instance = Instance(projects.values(), budget_limit=budget["total"])
    profile = ApprovalProfile([ApprovalBallot({projects[i] for i in ballot}) for ballot in election["ballots"]])
    approvals = {project: profile.approval_score(project) for project in projects.values()}
    baraza_ties = TieBreakingRule(lambda _inst, _prof, p: (-approvals[p], p.cost, position[p.name]))
    voters = len(election["ballots"])
    increment = frac(budget["total"], 100 * voters) if budget["step"] == "share_percent" else 1
    outcome = completion_by_rule_combination(
        instance,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [
            {"sat_class": Cardinality_Sat, "voter_budget_increment": increment, "tie_breaking": baraza_ties},
            {"sat_class": Cost_Sat, "tie_breaking": baraza_ties},
        ],
    )
    return [project.name for project in outcome]


def runoff_by_pyrankvote(election):
    candidates = {name: pyrankvote.Candidate(name) for name in election["ranking"]["candidates"]}
    ballots = [pyrankvote.Ballot([candidates[name] for name in ballot]) for ballot in election["ballots"]]
    result = pyrankvote.instant_runoff_voting(list(candidates.values()), ballots)
    first_round = {r.candidate.name: int(r.number_of_votes) for r in result.rounds[0].candidate_results}
    return result.get_winners()[0].name, first_round


def has_tie(count):
    """Whether the count had to break a tie for fewest votes. Pyrankvote
    breaks those by later preferences, Baraza by earlier rounds (its rule
    in count.rs), so such elections are not compared."""
    for round_ in count["rounds"]:
        if round_["eliminated"]:
            fewest = min(round_["counts"].values())
            if sum(1 for votes in round_["counts"].values() if votes == fewest) > 1:
                return True
    return False


def disagreement(kind, election, baraza, reference):
    print(f"DISAGREEMENT ({kind})", json.dumps({"election": election, "baraza": baraza, "reference": reference}))


def compare_equal_shares(command, rng, count, step):
    elections = [random_budget_election(rng, step) for _ in range(count)]
    failures = 0
    for election, answer in zip(elections, count_with_baraza(command, elections)):
        reference = equal_shares_by_pabutools(election)
        if answer["selected"] != reference:
            failures += 1
            disagreement(f"equal shares, {step}", election, answer["selected"], reference)
    return failures


def compare_instant_runoff(command, rng, count):
    compared = skipped = failures = 0
    while compared < count:
        elections = [random_ranking_election(rng) for _ in range(count - compared)]
        for election, answer in zip(elections, count_with_baraza(command, elections)):
            if has_tie(answer):
                skipped += 1
                continue
            compared += 1
            winner, first_round = runoff_by_pyrankvote(election)
            if (answer["winner"], answer["rounds"][0]["counts"]) != (winner, first_round):
                failures += 1
                mine = {"winner": answer["winner"], "first_round": answer["rounds"][0]["counts"]}
                disagreement("instant runoff", election, mine, {"winner": winner, "first_round": first_round})
    return failures, skipped


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--elections", type=int, default=1000, help="random elections per comparison")
    parser.add_argument("--seed", type=int, default=2027, help="seed of the random elections")
    parser.add_argument("--baraza", default=BARAZA, help="command that counts elections with Baraza")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    passed = failed = 0
    for step in STEPS:
        started = time.monotonic()
        failures = compare_equal_shares(args.baraza, rng, args.elections, step)
        print(f"equal shares ({step}): {args.elections - failures} of {args.elections} elections agree with pabutools"
              f" ({time.monotonic() - started:.1f} s)")
        passed, failed = passed + args.elections - failures, failed + failures
    started = time.monotonic()
    failures, skipped = compare_instant_runoff(args.baraza, rng, args.elections)
    print(f"instant runoff: {args.elections - failures} of {args.elections} tie-free elections agree with pyrankvote"
          f" ({skipped} with a tie left out, {time.monotonic() - started:.1f} s)")
    passed, failed = passed + args.elections - failures, failed + failures
    print(f"seed {args.seed}")
    print(f"counting: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

//! Ballots of every shape against items of every type: an item of the
//! reference definitions or one made from the input (kept only when
//! validation passes it), and a ballot made from the input, mostly from the
//! item's own option ids. Checking never panics, and a ballot it admits
//! moves only counters the item has and keeps a budget within its total.

#![no_main]

use baraza_core::ballot::{check_ballot, tally_keys, Answer, Ballot};
use baraza_core::bounds;
use baraza_core::definition::{BudgetMethod, Choice, CompletionStep, Item, Project, RankingMethod};
use baraza_core::validate::check;
use baraza_core::Localized;
use baraza_fuzz::examples;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input = Unstructured::new(data);
    let Ok(item) = item(&mut input) else { return };
    let mut consultation = examples()[1].clone();
    consultation.items = vec![item];
    if check(&consultation).iter().any(|problem| problem.is_error()) {
        return;
    }
    let item = &consultation.items[0];
    while let Ok(ballot) = ballot(&mut input, item) {
        if check_ballot(item, &ballot).is_ok() {
            admitted(item, &ballot);
        }
    }
});

/// What an admitted ballot may move: counters of the item's own options,
/// answers or values, and never more than a budget holds.
fn admitted(item: &Item, ballot: &Ballot) {
    let keys = tally_keys(ballot);
    match item {
        Item::SingleChoice { .. } | Item::MultipleChoice { .. } | Item::Ranking { .. } => {
            assert!(keys.iter().all(|key| item.options().iter().any(|o| &o.id == key)), "{keys:?}")
        }
        Item::Scale { min, max, .. } => {
            let value: i64 = keys[0].parse().expect("a scale counts its value");
            assert!((i64::from(*min)..=i64::from(*max)).contains(&value));
        }
        Item::Budget { projects, total, .. } => {
            let cost: u64 =
                keys.iter().map(|key| projects.iter().find(|p| &p.id == key).expect("a project").cost).sum();
            assert!(cost <= *total);
        }
        Item::YesNo { .. } => assert_eq!(keys.len(), 1),
        Item::Text { .. } => assert!(keys.is_empty()),
        Item::Info { .. } => panic!("an information section takes no ballot"),
    }
}

fn text(words: &str) -> Localized {
    Localized([("en".to_owned(), words.to_owned())].into())
}

/// An item of the reference definitions, or of any type with its numbers,
/// options and projects from the input.
fn item(input: &mut Unstructured) -> Result<Item> {
    if input.arbitrary()? {
        let items: Vec<&Item> = examples().iter().flat_map(|c| &c.items).collect();
        return Ok((*input.choose(&items)?).clone());
    }
    let id = "q".to_owned();
    let title = text("Question");
    let count = input.int_in_range(0..=12)?;
    let options = (0..count).map(|n| Choice { id: format!("o{n}"), label: text("Option") }).collect();
    Ok(match input.int_in_range(0..=7)? {
        0 => Item::Info { id, title, body: text("Body") },
        1 => Item::SingleChoice { id, title, options },
        2 => Item::MultipleChoice { id, title, min: input.arbitrary()?, max: input.arbitrary()?, options },
        3 => Item::YesNo { id, title },
        4 => Item::Scale {
            id,
            title,
            min: input.arbitrary()?,
            max: input.arbitrary()?,
            min_label: None,
            max_label: None,
        },
        5 => Item::Ranking {
            id,
            title,
            method: *input.choose(&[RankingMethod::InstantRunoff, RankingMethod::Borda])?,
            options,
        },
        6 => {
            let total = amount(input)?;
            let projects = (0..count)
                .map(|n| {
                    Ok(Project { id: format!("p{n}"), cost: amount(input)?, label: text("Project"), description: None })
                })
                .collect::<Result<_>>()?;
            Item::Budget {
                id,
                title,
                method: *input.choose(&[BudgetMethod::Greedy, BudgetMethod::EqualShares])?,
                completion_step: *input.choose(&[
                    None,
                    Some(CompletionStep::SharePercent),
                    Some(CompletionStep::CurrencyUnit),
                ])?,
                total,
                currency: "TZS".to_owned(),
                projects,
            }
        }
        _ => Item::Text { id, title, max_length: input.arbitrary()? },
    })
}

/// An amount of money: small ones, ones near the bound, and any at all.
fn amount(input: &mut Unstructured) -> Result<u64> {
    Ok(match input.int_in_range(0..=2)? {
        0 => input.int_in_range(0..=100)?,
        1 => bounds::MAX_BUDGET_TOTAL - input.int_in_range(0..=100)?,
        _ => input.arbitrary()?,
    })
}

/// An option id of the item most of the time, else any text.
fn option_id(input: &mut Unstructured, item: &Item) -> Result<String> {
    let ids: Vec<&str> = match item {
        Item::Budget { projects, .. } => projects.iter().map(|p| p.id.as_str()).collect(),
        _ => item.options().iter().map(|o| o.id.as_str()).collect(),
    };
    if !ids.is_empty() && input.ratio(7, 8)? {
        Ok(input.choose(&ids)?.to_string())
    } else {
        input.arbitrary()
    }
}

fn ids(input: &mut Unstructured, item: &Item) -> Result<Vec<String>> {
    let count = input.int_in_range(0..=14)?;
    (0..count).map(|_| option_id(input, item)).collect()
}

fn ballot(input: &mut Unstructured, item: &Item) -> Result<Ballot> {
    if input.is_empty() {
        return Err(libfuzzer_sys::arbitrary::Error::NotEnoughData);
    }
    Ok(match input.int_in_range(0..=6)? {
        0 => Ballot::Choice { choice: option_id(input, item)? },
        1 => Ballot::Choices { choices: ids(input, item)? },
        2 => Ballot::Answer { answer: *input.choose(&[Answer::Yes, Answer::No, Answer::Abstain])? },
        3 => Ballot::Value { value: input.arbitrary()? },
        4 => Ballot::Ranking { ranking: ids(input, item)? },
        5 => Ballot::Projects { projects: ids(input, item)? },
        _ => Ballot::Text { text: input.arbitrary()? },
    })
}

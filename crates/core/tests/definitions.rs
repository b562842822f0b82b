//! The reference definitions read, and broken ones are reported precisely.

use std::collections::{BTreeMap, BTreeSet};

use baraza_core::definition::{Item, Level, Status};
use baraza_core::lifecycle::check_update;
use baraza_core::validate::{parse_definition, Problem, Rule, Severity};
use serde_json::{json, Value};
use time::macros::datetime;

const EXAMPLES: [&str; 3] = [
    include_str!("../../../demo/consultations/inform-coastal-road.json"),
    include_str!("../../../demo/consultations/consult-water-services.json"),
    include_str!("../../../demo/consultations/decide-village-budget.json"),
];

fn consult_example() -> Value {
    serde_json::from_str(EXAMPLES[1]).unwrap()
}

/// `definition` with two "about you" questions whose census shares add up
/// to 1 (the district's to 0.999, as rounded census tables do).
fn with_profile(mut definition: Value) -> Value {
    definition["profile"] = json!([
        { "id": "age", "title": { "en": "Your age" }, "options": [
            { "id": "under-30", "label": { "en": "Under 30" }, "expected_share": 0.5 },
            { "id": "30-to-59", "label": { "en": "30 to 59" }, "expected_share": 0.35 },
            { "id": "60-and-over", "label": { "en": "60 and over" }, "expected_share": 0.15 }
        ] },
        { "id": "district", "title": { "en": "Your district" }, "options": [
            { "id": "north", "label": { "en": "North" }, "expected_share": 0.333 },
            { "id": "centre", "label": { "en": "Centre" }, "expected_share": 0.333 },
            { "id": "south", "label": { "en": "South" }, "expected_share": 0.333 }
        ] }
    ]);
    definition
}

fn errors_of(definition: Value) -> Vec<Problem> {
    parse_definition(&definition.to_string()).expect_err("the definition should be refused")
}

fn has(problems: &[Problem], path: &str, message: &str) -> bool {
    problems.iter().any(|p| p.severity == Severity::Error && p.path == path && p.message == message)
}

#[test]
fn every_example_reads_with_every_item_type_in_it() {
    let mut types = Vec::new();
    for example in EXAMPLES {
        let checked = parse_definition(example).unwrap_or_else(|problems| panic!("{problems:?}"));
        assert!(checked.warnings.is_empty(), "{:?}", checked.warnings);
        types.extend(checked.consultation.items.iter().map(Item::type_name));
    }
    types.sort();
    types.dedup();
    assert_eq!(types, ["budget", "info", "multiple_choice", "ranking", "scale", "single_choice", "text", "yes_no"]);
}

#[test]
fn examples_keep_their_meaning() {
    let decide = parse_definition(EXAMPLES[2]).unwrap().consultation;
    assert_eq!(decide.level, Level::Decide);
    assert_eq!(decide.default_language, "sw");
    assert_eq!(decide.offline_grace_hours, Some(48));
    // No Arabic text: the default language is shown instead.
    assert_eq!(decide.text(&decide.title, "ar"), "Bajeti shirikishi ya kijiji 2027");
    assert_eq!(decide.text(&decide.title, "en"), "Village participatory budget 2027");
    assert_eq!(decide.status_at(datetime!(2026-11-01 0:00 UTC)), Status::Upcoming);
    assert_eq!(decide.status_at(datetime!(2026-12-01 0:00 UTC)), Status::Open);
    assert_eq!(decide.status_at(datetime!(2026-12-15 18:00 UTC)), Status::Closed);
}

#[test]
fn a_missing_default_language_text_is_reported_at_its_path() {
    let mut definition = consult_example();
    definition["summary"].as_object_mut().unwrap().remove("en");
    definition["items"][1]["options"][2]["label"].as_object_mut().unwrap().remove("en");
    let problems = errors_of(definition);
    let message = "the text in the default language \"en\" is missing";
    assert!(has(&problems, "summary", message), "{problems:?}");
    assert!(has(&problems, "items[1].options[2].label", message), "{problems:?}");
}

#[test]
fn duplicate_item_ids_are_reported() {
    let mut definition = consult_example();
    definition["items"][3]["id"] = json!("tariff");
    let problems = errors_of(definition);
    assert!(has(&problems, "items[3].id", "another item already has the id \"tariff\""), "{problems:?}");
}

#[test]
fn a_choice_with_fewer_than_two_options_is_reported() {
    let mut definition = consult_example();
    definition["items"][0]["options"].as_array_mut().unwrap().truncate(1);
    definition["items"][3]["options"] = json!([]);
    let problems = errors_of(definition);
    assert!(has(&problems, "items[0].options", "a single choice needs at least 2 options"), "{problems:?}");
    assert!(has(&problems, "items[3].options", "a ranking needs at least 2 options"), "{problems:?}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut definition = consult_example();
    definition["id"] = json!("Water Services");
    definition["closes_at"] = json!("2026-01-01T00:00:00Z");
    definition["items"][1]["min"] = json!(3);
    definition["items"][2]["max"] = json!(1);
    let problems = errors_of(definition);
    assert!(problems.iter().any(|p| p.path == "id"), "{problems:?}");
    assert!(has(&problems, "closes_at", "must be later than opens_at"), "{problems:?}");
    assert!(has(&problems, "items[1].min", "min (3) must not be more than max (2)"), "{problems:?}");
    assert!(has(&problems, "items[2].max", "max (1) must be more than min (1)"), "{problems:?}");
}

#[test]
fn an_unknown_field_is_an_error_with_its_path() {
    let mut definition = consult_example();
    definition["items"][0]["optoins"] = json!([]);
    let problems = errors_of(definition.clone());
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "items[0].optoins");
    assert!(problems[0].message.contains("unknown field `optoins`"), "{problems:?}");

    definition = consult_example();
    definition["titel"] = json!({"en": "typo"});
    let problems = errors_of(definition);
    assert_eq!(problems[0].path, "titel");
}

#[test]
fn the_licence_is_an_spdx_id_at_its_path_and_cc_by_unless_said() {
    let consultation = parse_definition(EXAMPLES[1]).unwrap().consultation;
    assert_eq!(consultation.licence.as_str(), "CC-BY-4.0");
    let mut definition = consult_example();
    definition["licence"] = json!("ODbL-1.0");
    let read = parse_definition(&definition.to_string()).unwrap().consultation;
    assert_eq!(read.licence.as_str(), "ODbL-1.0");
    assert_eq!(serde_json::to_value(&read).unwrap()["licence"], "ODbL-1.0");
    definition["licence"] = json!("Creative Commons BY");
    let problems = errors_of(definition);
    assert_eq!((problems[0].path.as_str(), problems[0].code.as_str()), ("licence", "format"), "{problems:?}");
    assert!(problems[0].message.contains("SPDX licence id"), "{problems:?}");
}

#[test]
fn where_to_get_a_code_is_a_text_checked_as_every_other() {
    let decide = parse_definition(EXAMPLES[2]).unwrap().consultation;
    let codes_from = decide.codes_from.as_ref().expect("the example says where to get a code");
    assert!(codes_from.has("sw") && codes_from.has("en"));
    let mut definition: Value = serde_json::from_str(EXAMPLES[2]).unwrap();
    definition["codes_from"] = json!({"en": "the village office", "sw": " "});
    let problems = errors_of(definition);
    assert!(problems.iter().any(|p| p.path == "codes_from" && p.code == "default_text_missing"), "{problems:?}");
}

#[test]
fn a_wrong_type_names_the_value_at_fault() {
    let mut definition = consult_example();
    definition["opens_at"] = json!("next tuesday");
    let problems = errors_of(definition);
    assert_eq!(problems[0].path, "opens_at");
}

#[test]
fn a_decide_consultation_open_to_anyone_is_a_warning_not_an_error() {
    let mut definition: Value = serde_json::from_str(EXAMPLES[2]).unwrap();
    definition["eligibility"] = json!("open");
    let checked = parse_definition(&definition.to_string()).expect("only a warning");
    assert_eq!(checked.warnings.len(), 1);
    assert_eq!(checked.warnings[0].severity, Severity::Warning);
    assert_eq!(checked.warnings[0].path, "eligibility");
    assert!(checked.warnings[0].to_string().starts_with("eligibility: warning: "));
}

#[test]
fn budget_rules_are_checked() {
    let mut definition: Value = serde_json::from_str(EXAMPLES[2]).unwrap();
    definition["items"][0]["projects"][1]["cost"] = json!(0);
    definition["items"][0]["projects"][2]["cost"] = json!(6_000_000);
    let problems = errors_of(definition);
    assert!(has(&problems, "items[0].projects[1].cost", "a project's cost must be more than 0"), "{problems:?}");
    assert!(
        has(&problems, "items[0].projects[2].cost", "the cost (6000000) is more than the whole budget (5000000)"),
        "{problems:?}"
    );
}

/// What one rule reports: where, which rule with which values, and what a
/// clerk reads.
struct Expected {
    path: &'static str,
    code: &'static str,
    values: &'static [(&'static str, &'static str)],
    message: &'static str,
}

const fn expect(
    path: &'static str,
    code: &'static str,
    values: &'static [(&'static str, &'static str)],
    message: &'static str,
) -> Expected {
    Expected { path, code, values, message }
}

impl Expected {
    fn found_in(&self, problems: &[Problem]) -> bool {
        let values: BTreeMap<String, String> =
            self.values.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
        problems
            .iter()
            .any(|p| p.path == self.path && p.code == self.code && p.values == values && p.message == self.message)
    }
}

/// One broken field at a time: each rule of `validate::check` reports its
/// own path, its code and values, and the message a clerk reads; and every
/// rule core knows is among them.
#[test]
fn every_rule_reports_its_path_code_values_and_message() {
    type Breakage = fn(&mut Value);
    let consult: [(Breakage, Expected); 35] = [
        (|d| d["id"] = json!("Water_2027"), expect("id", "slug", &[], SLUG)),
        (
            |d| d["default_language"] = json!("english!"),
            expect(
                "default_language",
                "default_language_tag",
                &[],
                "must be a language code such as \"en\" or \"pt-BR\"",
            ),
        ),
        (|d| d["topics"] = json!(["water", " "]), expect("topics[1]", "topic_blank", &[], "a topic cannot be blank")),
        (
            |d| d["title"]["not a tag"] = json!("x"),
            expect(
                "title.not a tag",
                "language_tag",
                &[("language", "not a tag")],
                "is not a language code such as \"en\" or \"pt-BR\"",
            ),
        ),
        (
            |d| d["summary"].as_object_mut().unwrap().clear(),
            expect(
                "summary",
                "default_text_missing",
                &[("language", "en")],
                "the text in the default language \"en\" is missing",
            ),
        ),
        (
            |d| d["closes_at"] = d["opens_at"].clone(),
            expect("closes_at", "closes_not_after_opens", &[], "must be later than opens_at"),
        ),
        (|d| d["items"][2]["id"] = json!("-satisfaction"), expect("items[2].id", "slug", &[], SLUG)),
        (
            |d| d["items"][3]["id"] = json!("tariff"),
            expect(
                "items[3].id",
                "duplicate_item_id",
                &[("id", "tariff")],
                "another item already has the id \"tariff\"",
            ),
        ),
        (
            |d| d["items"][0]["options"][1]["id"] = json!("Per Litre"),
            expect("items[0].options[1].id", "slug", &[], SLUG),
        ),
        (
            |d| d["items"][0]["options"][1]["id"] = d["items"][0]["options"][0]["id"].clone(),
            expect(
                "items[0].options[1].id",
                "duplicate_option_id",
                &[("id", "flat")],
                "another option of this item already has the id \"flat\"",
            ),
        ),
        (
            |d| d["items"][0]["options"].as_array_mut().unwrap().truncate(1),
            expect(
                "items[0].options",
                "too_few_options",
                &[("type", "single_choice")],
                "a single choice needs at least 2 options",
            ),
        ),
        (
            |d| d["items"][1]["options"].as_array_mut().unwrap().truncate(1),
            expect(
                "items[1].options",
                "too_few_options",
                &[("type", "multiple_choice")],
                "a multiple choice needs at least 2 options",
            ),
        ),
        (
            |d| d["items"][3]["options"] = json!([]),
            expect("items[3].options", "too_few_options", &[("type", "ranking")], "a ranking needs at least 2 options"),
        ),
        (
            |d| d["items"][1]["min"] = json!(3),
            expect(
                "items[1].min",
                "min_over_max",
                &[("min", "3"), ("max", "2")],
                "min (3) must not be more than max (2)",
            ),
        ),
        (
            |d| d["items"][1]["min"] = json!(5),
            expect(
                "items[1].min",
                "min_over_options",
                &[("min", "5"), ("options", "4")],
                "min (5) is more than the 4 options",
            ),
        ),
        (|d| d["items"][1]["max"] = json!(0), expect("items[1].max", "max_zero", &[], "max must be at least 1")),
        (
            |d| d["items"][1]["max"] = json!(9),
            expect(
                "items[1].max",
                "max_over_options",
                &[("max", "9"), ("options", "4")],
                "max (9) is more than the 4 options",
            ),
        ),
        (
            |d| d["items"][2]["max"] = json!(1),
            expect(
                "items[2].max",
                "scale_max_not_over_min",
                &[("min", "1"), ("max", "1")],
                "max (1) must be more than min (1)",
            ),
        ),
        (
            |d| d["items"][2]["max"] = json!(200),
            expect(
                "items[2].max",
                "scale_too_many_points",
                &[("points", "101")],
                "a scale can have at most 101 points",
            ),
        ),
        (
            |d| {
                d["items"][2]["min"] = json!(i32::MIN);
                d["items"][2]["max"] = json!(i32::MAX);
            },
            expect(
                "items[2].max",
                "scale_too_many_points",
                &[("points", "101")],
                "a scale can have at most 101 points",
            ),
        ),
        (
            |d| d["items"][2]["min_label"] = json!({ "fr": "Pas du tout" }),
            expect(
                "items[2].min_label",
                "default_text_missing",
                &[("language", "en")],
                "the text in the default language \"en\" is missing",
            ),
        ),
        (
            |d| d["items"][4]["max_length"] = json!(0),
            expect("items[4].max_length", "max_length_zero", &[], "max_length must be at least 1"),
        ),
        (
            |d| d["items"][4]["max_length"] = json!(10_001),
            expect("items[4].max_length", "too_large", &[("max", "10000")], "must be at most 10000"),
        ),
        (
            |d| d["offline_grace_hours"] = json!(721),
            expect("offline_grace_hours", "too_large", &[("max", "720")], "must be at most 720"),
        ),
        (|d| d["opens_at"] = json!("1969-12-31T00:00:00Z"), expect("opens_at", "time_out_of_range", CALENDAR, OUTSIDE)),
        (
            // Its UTC time is in the year 10000, past what the calendar holds.
            |d| d["closes_at"] = json!("9999-12-31T23:00:00-05:00"),
            expect("closes_at", "time_out_of_range", CALENDAR, OUTSIDE),
        ),
        (
            |d| d["topics"] = json!((0..21).map(|n| format!("topic {n}")).collect::<Vec<_>>()),
            expect("topics", "too_many", &[("max", "20")], "there can be at most 20 here"),
        ),
        (
            |d| {
                let item = d["items"][4].clone();
                let items = d["items"].as_array_mut().unwrap();
                items.extend((0..100).map(|n| {
                    let mut copy = item.clone();
                    copy["id"] = json!(format!("copy-{n}"));
                    copy
                }));
            },
            expect("items", "too_many", &[("max", "100")], "there can be at most 100 here"),
        ),
        (
            |d| {
                let options = (0..201).map(|n| json!({"id": format!("o{n}"), "label": {"en": "O"}})).collect();
                d["items"][0]["options"] = Value::Array(options);
            },
            expect("items[0].options", "too_many", &[("max", "200")], "there can be at most 200 here"),
        ),
        (
            |d| d["title"]["en"] = json!("x".repeat(301)),
            expect("title.en", "text_too_long", &[("max", "300")], "is longer than 300 characters"),
        ),
        (
            |d| d["summary"]["en"] = json!("x".repeat(1001)),
            expect("summary.en", "text_too_long", &[("max", "1000")], "is longer than 1000 characters"),
        ),
        (
            |d| d["title"]["sw"] = json!("\u{200B}\u{200E}"),
            expect("title.sw", "text_blank", &[], "shows nothing: write the text or leave it out"),
        ),
        (
            |d| d["region"] = json!(" "),
            expect("region", "text_blank", &[], "shows nothing: write the text or leave it out"),
        ),
        (
            |d| d["body"]["en"] = json!("Water\u{0}"),
            expect(
                "body.en",
                "control_character",
                &[],
                "holds a control character; only line breaks and tabs may be used",
            ),
        ),
        (
            |d| d["title"]["en-abcdefgh-abcdefgh-abcdefgh-abcdefgh"] = json!("x"),
            expect(
                "title.en-abcdefgh-abcdefgh-abcdefgh-abcdefgh",
                "language_tag",
                &[("language", "en-abcdefgh-abcdefgh-abcdefgh-abcdefgh")],
                "is not a language code such as \"en\" or \"pt-BR\"",
            ),
        ),
    ];
    let mut codes = BTreeSet::new();
    for (break_it, expected) in consult {
        let mut definition = consult_example();
        break_it(&mut definition);
        let problems = errors_of(definition);
        assert!(expected.found_in(&problems), "expected {}: {}, got {problems:?}", expected.code, expected.message);
        codes.insert(expected.code);
    }

    // A file the reader cannot take as a definition: its explanation, with
    // where in the text it stopped, is the message and the one value.
    let unreadable: [(Breakage, &str, &str); 3] = [
        (|d| d["items"][0]["optoins"] = json!([]), "items[0].optoins", "unknown field `optoins`, expected one of `id`"),
        (|d| d["comments"] = json!("yes"), "comments", "invalid type: string \"yes\", expected a boolean"),
        (
            |d| {
                d.as_object_mut().unwrap().remove("title");
            },
            "",
            "missing field `title`",
        ),
    ];
    for (break_it, path, detail) in unreadable {
        let mut definition = consult_example();
        break_it(&mut definition);
        let problems = errors_of(definition);
        let [problem] = problems.as_slice() else { panic!("expected one problem, got {problems:?}") };
        assert_eq!((problem.path.as_str(), problem.code.as_str()), (path, "format"), "{problem:?}");
        assert!(problem.message.starts_with(detail), "{problem:?}");
        assert_eq!(problem.values, [("detail".to_owned(), problem.message.clone())].into());
    }
    codes.insert("format");

    let budget: [(Breakage, Expected); 10] = [
        (
            |d| d["items"][0]["total"] = json!(0),
            expect("items[0].total", "budget_total_zero", &[], "the budget total must be more than 0"),
        ),
        (
            |d| d["items"][0]["currency"] = json!(" "),
            expect("items[0].currency", "currency_missing", &[], "a currency code such as \"TZS\" is required"),
        ),
        (
            |d| d["items"][0]["projects"] = json!([]),
            expect("items[0].projects", "budget_without_projects", &[], "a budget needs at least 1 project"),
        ),
        (
            |d| d["items"][0]["projects"][1]["id"] = d["items"][0]["projects"][0]["id"].clone(),
            expect(
                "items[0].projects[1].id",
                "duplicate_option_id",
                &[("id", "well")],
                "another option of this item already has the id \"well\"",
            ),
        ),
        (
            |d| {
                d["items"][0]["method"] = json!("greedy");
                d["items"][0]["completion_step"] = json!("currency_unit");
            },
            expect(
                "items[0].completion_step",
                "completion_step_without_equal_shares",
                &[],
                "completion_step applies only to the equal_shares method",
            ),
        ),
        (
            |d| d["items"][0]["projects"][1]["cost"] = json!(0),
            expect("items[0].projects[1].cost", "project_cost_zero", &[], "a project's cost must be more than 0"),
        ),
        (
            |d| d["items"][0]["total"] = json!(1_000_000_000_000_001_u64),
            expect("items[0].total", "too_large", &[("max", "1000000000000000")], "must be at most 1000000000000000"),
        ),
        (
            |d| d["items"][0]["projects"][1]["cost"] = json!(u64::MAX),
            expect(
                "items[0].projects[1].cost",
                "too_large",
                &[("max", "1000000000000000")],
                "must be at most 1000000000000000",
            ),
        ),
        (
            |d| d["items"][0]["currency"] = json!("Tanzanian shillings"),
            expect("items[0].currency", "text_too_long", &[("max", "16")], "is longer than 16 characters"),
        ),
        (
            |d| d["items"][0]["projects"][2]["cost"] = json!(6_000_000),
            expect(
                "items[0].projects[2].cost",
                "project_cost_over_total",
                &[("cost", "6000000"), ("total", "5000000")],
                "the cost (6000000) is more than the whole budget (5000000)",
            ),
        ),
    ];
    for (break_it, expected) in budget {
        let mut definition: Value = serde_json::from_str(EXAMPLES[2]).unwrap();
        break_it(&mut definition);
        let problems = errors_of(definition);
        assert!(expected.found_in(&problems), "expected {}: {}, got {problems:?}", expected.code, expected.message);
        codes.insert(expected.code);
    }

    let profile: [(Breakage, Expected); 7] = [
        (
            |d| d["profile"][1]["id"] = json!("age"),
            expect(
                "profile[1].id",
                "duplicate_profile_question_id",
                &[("id", "age")],
                "another profile question already has the id \"age\"",
            ),
        ),
        (
            |d| d["profile"][0]["options"][2]["id"] = json!("prefer-not-to-say"),
            expect(
                "profile[0].options[2].id",
                "reserved_profile_option_id",
                &[("id", "prefer-not-to-say")],
                "the id \"prefer-not-to-say\" is kept for the answer every profile question offers itself",
            ),
        ),
        (
            |d| d["profile"][1]["options"][0]["id"] = json!("no-answer"),
            expect(
                "profile[1].options[0].id",
                "reserved_profile_option_id",
                &[("id", "no-answer")],
                "the id \"no-answer\" is kept for the answer every profile question offers itself",
            ),
        ),
        (
            |d| d["profile"][0]["options"][0]["expected_share"] = json!(1.5),
            expect(
                "profile[0].options[0].expected_share",
                "share_out_of_range",
                &[],
                "must be a fraction from 0 to 1, such as 0.25",
            ),
        ),
        (
            |d| d["profile"][0]["options"][0]["expected_share"] = json!(0.2),
            expect(
                "profile[0].options",
                "shares_not_one",
                &[("sum", "0.7")],
                "the expected shares of the options add up to 0.7; they must add up to 1",
            ),
        ),
        (
            |d| d["small_group_threshold"] = json!(2),
            expect(
                "small_group_threshold",
                "small_group_threshold_out_of_range",
                &[("min", "5"), ("max", "1000")],
                "must be from 5 to 1000",
            ),
        ),
        (
            |d| d["profile"][1]["options"].as_array_mut().unwrap().truncate(1),
            expect(
                "profile[1].options",
                "too_few_options",
                &[("type", "profile")],
                "a profile question needs at least 2 options",
            ),
        ),
    ];
    for (break_it, expected) in profile {
        let mut definition = with_profile(consult_example());
        break_it(&mut definition);
        let problems = errors_of(definition);
        assert!(expected.found_in(&problems), "expected {}: {}, got {problems:?}", expected.code, expected.message);
        codes.insert(expected.code);
    }

    let mut open_decision: Value = serde_json::from_str(EXAMPLES[2]).unwrap();
    open_decision["eligibility"] = json!("open");
    let warnings = parse_definition(&open_decision.to_string()).expect("only a warning").warnings;
    let warning = expect(
        "eligibility",
        "decide_without_codes",
        &[],
        "a decide consultation with open eligibility cannot enforce one person, one ballot; use \"codes\"",
    );
    assert!(warning.found_in(&warnings), "{warnings:?}");
    codes.insert(warning.code);

    let current = parse_definition(EXAMPLES[1]).unwrap().consultation;
    let mut proposed = current.clone();
    proposed.comments = !current.comments;
    let locked = check_update(&current, &proposed, datetime!(2026-11-02 0:00 UTC));
    let changed = expect(
        "comments",
        "changed_after_opening",
        &[("opened_on", "2026-11-01")],
        "this cannot change: the consultation opened on 2026-11-01 and ballots already refer to it; \
         only texts and the closing date may still change",
    );
    assert!(changed.found_in(&locked), "{locked:?}");
    codes.insert(changed.code);

    let every_code: BTreeSet<String> =
        Rule::one_of_each().into_iter().map(|rule| Problem::new(Severity::Error, "", rule).code).collect();
    assert_eq!(codes.into_iter().map(str::to_owned).collect::<BTreeSet<_>>(), every_code);
}

const CALENDAR: &[(&str, &str)] = &[("earliest", "1970-01-01"), ("latest", "3000-01-01")];
const OUTSIDE: &str = "must be from 1970-01-01 to before 3000-01-01 (UTC)";

const SLUG: &str = "must be 1 to 64 lowercase letters, digits and single hyphens, such as \"water-2027\"";

/// Every text of a definition, as `localized_texts` lists them, is every
/// text validation requires in the default language: the two cannot drift.
#[test]
fn the_texts_listed_are_the_texts_validation_reads() {
    for example in EXAMPLES {
        let consultation = parse_definition(example).unwrap().consultation;
        let listed: BTreeSet<String> = consultation.localized_texts().into_iter().map(|(path, _)| path).collect();
        // With another default language, every text lacks it.
        let mut definition: Value = serde_json::from_str(example).unwrap();
        definition["default_language"] = json!("xx");
        let missing: BTreeSet<String> = errors_of(definition)
            .into_iter()
            .filter(|problem| problem.code == "default_text_missing")
            .map(|problem| problem.path)
            .collect();
        assert_eq!(listed, missing, "{}", consultation.id);
    }
}

#[test]
fn a_consultation_says_which_languages_it_is_written_in() {
    let road = parse_definition(EXAMPLES[0]).unwrap().consultation;
    assert_eq!(road.languages(), ["en", "fr", "sw"]);
    assert!(!road.partly_in("en"));
    let budget = parse_definition(EXAMPLES[2]).unwrap().consultation;
    assert_eq!(budget.languages(), ["sw", "en"], "the default language first");
}

#[test]
fn profile_questions_read_with_their_threshold_and_offer_prefer_not_to_say() {
    let consultation = parse_definition(&with_profile(consult_example()).to_string()).unwrap().consultation;
    assert_eq!(consultation.small_group_threshold, 10, "the default threshold");
    let age = consultation.profile_question("age").unwrap();
    assert!(age.takes("under-30") && age.takes("prefer-not-to-say"));
    assert!(!age.takes("north") && !age.takes("no-answer"));
    let paths: Vec<String> = consultation.localized_texts().into_iter().map(|(path, _)| path).collect();
    assert!(paths.contains(&"profile[1].options[2].label".to_owned()), "{paths:?}");

    let mut stricter = with_profile(consult_example());
    stricter["small_group_threshold"] = json!(20);
    assert_eq!(parse_definition(&stricter.to_string()).unwrap().consultation.small_group_threshold, 20);
    let without = parse_definition(EXAMPLES[1]).unwrap().consultation;
    let written = serde_json::to_value(&without).unwrap();
    assert!(written.get("profile").is_none() && written.get("small_group_threshold").is_none(), "{written}");
}

#[test]
fn profile_questions_are_fixed_once_the_consultation_opens() {
    let current = parse_definition(&with_profile(consult_example()).to_string()).unwrap().consultation;
    let mut proposed = current.clone();
    proposed.profile[0].options[0].expected_share = 0.4;
    proposed.profile[0].options[1].expected_share = 0.45;
    proposed.small_group_threshold = 5;
    proposed.profile[1].title = baraza_core::Localized::default();
    proposed.profile[1].options[0].label = proposed.profile[1].options[1].label.clone();
    let before_opening = datetime!(2026-10-01 0:00 UTC);
    assert!(check_update(&current, &proposed, before_opening).is_empty());
    let paths: Vec<String> =
        check_update(&current, &proposed, datetime!(2026-11-02 0:00 UTC)).into_iter().map(|p| p.path).collect();
    assert_eq!(
        paths,
        ["profile[0].options[0].expected_share", "profile[0].options[1].expected_share", "small_group_threshold"]
    );
}

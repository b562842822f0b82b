//! The rules that admit or reject a citizen's action.

use baraza_core::ballot::{check_ballot, tally_keys, Ballot};
use baraza_core::definition::Consultation;
use baraza_core::sync::{admit, Action, ActionKind, RejectCode};
use baraza_core::validate::parse_definition;
use serde_json::json;
use time::macros::datetime;
use time::OffsetDateTime;
use uuid::Uuid;

fn water() -> Consultation {
    parse_definition(include_str!("../../../demo/consultations/consult-water-services.json")).unwrap().consultation
}

fn village() -> Consultation {
    parse_definition(include_str!("../../../demo/consultations/decide-village-budget.json")).unwrap().consultation
}

const DURING: OffsetDateTime = datetime!(2026-12-01 12:00 UTC);

fn ballot(consultation: &str, item: &str, ballot: serde_json::Value, cast_at: Option<OffsetDateTime>) -> Action {
    Action {
        id: Uuid::nil(),
        consultation: consultation.into(),
        kind: ActionKind::Ballot { item: item.into(), ballot: serde_json::from_value(ballot).unwrap(), cast_at },
    }
}

fn code_of(result: Result<(), baraza_core::sync::Rejection>) -> Option<RejectCode> {
    result.err().map(|rejection| rejection.code)
}

#[test]
fn ballots_are_read_by_their_shape() {
    let choice: Ballot = serde_json::from_value(json!({"choice": "flat"})).unwrap();
    assert_eq!(choice, Ballot::Choice { choice: "flat".into() });
    let value: Ballot = serde_json::from_value(json!({"value": 4})).unwrap();
    assert_eq!(tally_keys(&value), ["4"]);
    let ranking: Ballot = serde_json::from_value(json!({"ranking": ["school", "market"]})).unwrap();
    assert_eq!(tally_keys(&ranking), ["school"]);
    assert!(serde_json::from_value::<Ballot>(json!({"choice": "flat", "extra": 1})).is_err());
}

#[test]
fn a_single_choice_must_name_an_existing_option() {
    let water = water();
    let tariff = water.item("tariff").unwrap();
    assert!(check_ballot(tariff, &Ballot::Choice { choice: "blocks".into() }).is_ok());
    let rejection = check_ballot(tariff, &Ballot::Choice { choice: "free".into() }).unwrap_err();
    assert_eq!(rejection.code, RejectCode::UnknownOption);
    assert_eq!(rejection.message, "\"free\" is not an option of this item");
    let wrong_shape = check_ballot(tariff, &Ballot::Value { value: 1 }).unwrap_err();
    assert_eq!(wrong_shape.code, RejectCode::InvalidBallot);
}

#[test]
fn other_item_types_check_their_ballots() {
    let water = water();
    let priorities = water.item("priorities").unwrap();
    let choices = |ids: &[&str]| Ballot::Choices { choices: ids.iter().map(|s| s.to_string()).collect() };
    assert!(check_ballot(priorities, &choices(&["leaks", "kiosks"])).is_ok());
    assert!(check_ballot(priorities, &choices(&["leaks", "kiosks", "hours"])).is_err());
    assert!(check_ballot(priorities, &choices(&["leaks", "leaks"])).is_err());
    assert!(check_ballot(priorities, &choices(&[])).is_err());
    let satisfaction = water.item("satisfaction").unwrap();
    assert!(check_ballot(satisfaction, &Ballot::Value { value: 5 }).is_ok());
    assert!(check_ballot(satisfaction, &Ballot::Value { value: 6 }).is_err());
    let ideas = water.item("ideas").unwrap();
    assert!(check_ballot(ideas, &Ballot::Text { text: "  ".into() }).is_err());
    assert!(check_ballot(ideas, &Ballot::Text { text: "\u{200B}\u{FEFF}".into() }).is_err());
    assert!(check_ballot(ideas, &Ballot::Text { text: "fix\u{7}".into() }).is_err());
    assert!(check_ballot(ideas, &Ballot::Text { text: "x".repeat(2001) }).is_err());

    let village = village();
    let projects = village.item("projects").unwrap();
    let chosen = |ids: &[&str]| Ballot::Projects { projects: ids.iter().map(|s| s.to_string()).collect() };
    assert!(check_ballot(projects, &chosen(&["well", "classroom"])).is_ok());
    let over = check_ballot(projects, &chosen(&["well", "classroom", "solar"])).unwrap_err();
    assert_eq!(over.message, "the chosen projects cost 6500000, more than the budget of 5000000");
    let too_many = check_ballot(projects, &chosen(&["well"; 6])).unwrap_err();
    assert_eq!(too_many.message, "6 options are chosen, but this item has only 5");
}

/// Costs a definition checked today cannot carry, as stored earlier: the
/// sum of the chosen projects' costs must never wrap around to fit.
#[test]
fn costs_that_overflow_when_summed_are_over_the_budget() {
    let mut village = village();
    let Some(baraza_core::Item::Budget { projects, total, .. }) =
        village.items.iter_mut().find(|item| item.id() == "projects")
    else {
        panic!("the village budget has its projects item");
    };
    *total = u64::MAX;
    projects[0].cost = u64::MAX;
    projects[1].cost = 2;
    let projects_item = village.item("projects").unwrap();
    let chosen = Ballot::Projects { projects: vec!["well".into(), "classroom".into()] };
    assert_eq!(check_ballot(projects_item, &chosen).unwrap_err().code, RejectCode::InvalidBallot);
}

#[test]
fn actions_count_only_while_open() {
    let water = water();
    let vote = ballot("water-services-2027", "tariff", json!({"choice": "flat"}), None);
    assert_eq!(code_of(admit(&water, &vote, false, DURING)), None);
    assert_eq!(
        code_of(admit(&water, &vote, false, datetime!(2026-10-01 0:00 UTC))),
        Some(RejectCode::ConsultationNotOpen)
    );
    assert_eq!(
        code_of(admit(&water, &vote, false, datetime!(2027-02-01 0:00 UTC))),
        Some(RejectCode::ConsultationClosed)
    );
}

#[test]
fn the_grace_window_admits_ballots_cast_before_the_close() {
    let village = village();
    let cast_before = Some(datetime!(2026-12-15 17:00 UTC));
    let cast_after = Some(datetime!(2026-12-15 19:00 UTC));
    let vote = |cast_at| ballot("kijiji-budget-2027", "market-day", json!({"answer": "yes"}), cast_at);
    let within_grace = datetime!(2026-12-17 12:00 UTC);
    let after_grace = datetime!(2026-12-17 18:00 UTC);
    assert_eq!(code_of(admit(&village, &vote(cast_before), true, within_grace)), None);
    assert_eq!(code_of(admit(&village, &vote(cast_before), true, after_grace)), Some(RejectCode::ConsultationClosed));
    assert_eq!(code_of(admit(&village, &vote(cast_after), true, within_grace)), Some(RejectCode::ConsultationClosed));
    assert_eq!(code_of(admit(&village, &vote(None), true, within_grace)), Some(RejectCode::ConsultationClosed));
}

#[test]
fn a_codes_consultation_needs_a_code_for_ballots() {
    let village = village();
    let vote = ballot("kijiji-budget-2027", "market-day", json!({"answer": "no"}), None);
    assert_eq!(code_of(admit(&village, &vote, false, DURING)), Some(RejectCode::CodeRequired));
    assert_eq!(code_of(admit(&village, &vote, true, DURING)), None);
}

#[test]
fn comments_follow_the_definition() {
    let comment = |consultation: &str, body: &str| Action {
        id: Uuid::nil(),
        consultation: consultation.into(),
        kind: ActionKind::Comment { item: None, reply_to: None, body: body.into(), language: "en".into() },
    };
    assert_eq!(code_of(admit(&water(), &comment("water-services-2027", "Kiosks close early."), false, DURING)), None);
    for unseen in [" \n", "\u{200B}\u{200B}", "\u{200E}\u{3164}", "\u{0}", "Hello\u{0}"] {
        assert_eq!(
            code_of(admit(&water(), &comment("water-services-2027", unseen), false, DURING)),
            Some(RejectCode::InvalidComment),
            "{unseen:?}"
        );
    }
    assert_eq!(
        code_of(admit(&village(), &comment("kijiji-budget-2027", "Hello"), false, DURING)),
        Some(RejectCode::CommentsDisabled)
    );
}

#[test]
fn an_action_is_read_from_the_wire_format_of_the_design() {
    let wire = json!({ "id": "5f0c6a2e-8d0b-4c43-9d7e-2b1f4b0a9e11", "consultation": "water-services-2027",
        "kind": "ballot", "item": "tariff", "ballot": { "choice": "blocks" }, "cast_at": "2026-11-20T10:00:00Z" });
    let action = Action::parse(&wire, DURING).unwrap();
    assert_eq!(serde_json::to_value(&action).unwrap(), wire);

    let broken = json!({ "id": "abc", "kind": "vote" });
    let (id, rejection) = Action::parse(&broken, DURING).unwrap_err();
    assert_eq!(id, "abc");
    assert_eq!(rejection.code, RejectCode::InvalidAction);
}

fn cast_at_read(cast_at: &str, received_at: OffsetDateTime) -> Result<OffsetDateTime, RejectCode> {
    let wire = json!({ "id": "5f0c6a2e-8d0b-4c43-9d7e-2b1f4b0a9e11", "consultation": "water-services-2027",
        "kind": "ballot", "item": "tariff", "ballot": { "choice": "blocks" }, "cast_at": cast_at });
    match Action::parse(&wire, received_at) {
        Ok(Action { kind: ActionKind::Ballot { cast_at: Some(cast_at), .. }, .. }) => Ok(cast_at),
        Ok(other) => panic!("read as {other:?}"),
        Err((_, rejection)) => Err(rejection.code),
    }
}

#[test]
fn a_clock_running_ahead_is_read_as_the_arrival_and_kept_in_utc() {
    assert_eq!(cast_at_read("2026-12-01T15:00:00+03:00", DURING), Ok(datetime!(2026-12-01 12:00 UTC)));
    assert_eq!(cast_at_read("2026-12-01T11:00:00+03:00", DURING), Ok(datetime!(2026-12-01 8:00 UTC)));
    assert_eq!(cast_at_read("2026-12-01T11:00:00+03:00", DURING).unwrap().offset(), time::UtcOffset::UTC);
    assert_eq!(cast_at_read("2999-12-31T23:59:59Z", DURING), Ok(DURING), "never refused for running ahead");
}

#[test]
fn a_cast_at_outside_the_calendar_is_refused() {
    // The UTC time of the first is in the year 10000.
    for outside in ["9999-12-31T23:00:00-05:00", "3000-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "1969-12-31T23:59:59Z"]
    {
        assert_eq!(cast_at_read(outside, DURING), Err(RejectCode::InvalidAction), "{outside}");
    }
    assert!(cast_at_read("1970-01-01T00:00:00Z", DURING).is_ok(), "a phone whose clock lost its time");
}

#[test]
fn a_grace_longer_than_the_calendar_never_overflows() {
    // Stored before the grace was bounded: validation refuses it now.
    let mut village = village();
    village.offline_grace_hours = Some(u32::MAX);
    let cast = Some(village.closes_at - time::Duration::hours(1));
    let vote = ballot("kijiji-budget-2027", "market-day", json!({"answer": "yes"}), cast);
    let much_later = village.closes_at + time::Duration::days(365 * 100);
    assert_eq!(code_of(admit(&village, &vote, true, much_later)), None);
    let notice = baraza_core::sync::deadline_notice(&village, village.closes_at - time::Duration::hours(1));
    assert!(notice.is_some_and(|notice| notice.deliver_by > much_later));
}

#[test]
fn the_deadline_notice_states_the_rule_that_will_apply() {
    use baraza_core::sync::{deadline_notice, within_deadline, DEADLINE_NOTICE_HOURS};
    let village = village();
    let close = village.closes_at;
    let hours = |h: i64| time::Duration::hours(h);
    assert_eq!(deadline_notice(&village, close - hours(DEADLINE_NOTICE_HOURS) - hours(1)), None, "too early to warn");
    let notice = deadline_notice(&village, close - hours(3)).expect("a notice near the close");
    assert_eq!(notice.closes_at, close);
    assert_eq!(notice.grace_hours, 48);
    assert_eq!(notice.deliver_by, close + hours(48));
    assert_eq!(deadline_notice(&village, close), None, "closed: nothing to cast");

    // What the notice says is what the server does with a ballot cast now.
    let cast = close - hours(3);
    let vote = ballot(&village.id, "market-day", json!({"answer": "yes"}), Some(cast));
    assert_eq!(within_deadline(&village, &vote.kind, notice.deliver_by - hours(1)), Ok(()));
    assert!(within_deadline(&village, &vote.kind, notice.deliver_by).is_err());

    let mut no_grace = water();
    no_grace.offline_grace_hours = None;
    let notice = deadline_notice(&no_grace, no_grace.closes_at - hours(1)).unwrap();
    assert_eq!((notice.grace_hours, notice.deliver_by), (0, no_grace.closes_at));
}

#[test]
fn profile_answers_name_a_known_question_and_one_of_its_answers() {
    use baraza_core::sync::{check_profile_answers, ProfileAnswers};
    let mut definition: serde_json::Value =
        serde_json::from_str(include_str!("../../../demo/consultations/consult-water-services.json")).unwrap();
    definition["profile"] = json!([{ "id": "age", "title": { "en": "Your age" }, "options": [
        { "id": "under-30", "label": { "en": "Under 30" }, "expected_share": 0.6 },
        { "id": "30-and-over", "label": { "en": "30 and over" }, "expected_share": 0.4 }
    ] }]);
    let consultation = parse_definition(&definition.to_string()).unwrap().consultation;
    let answers = |pairs: &[(&str, &str)]| -> ProfileAnswers {
        pairs.iter().map(|(question, answer)| (question.to_string(), answer.to_string())).collect()
    };
    assert_eq!(code_of(check_profile_answers(&consultation, &answers(&[("age", "under-30")]))), None);
    assert_eq!(code_of(check_profile_answers(&consultation, &answers(&[("age", "prefer-not-to-say")]))), None);
    assert_eq!(code_of(check_profile_answers(&consultation, &answers(&[]))), None, "erasing is allowed");
    let refused = check_profile_answers(&consultation, &answers(&[("age", "no-answer")])).unwrap_err();
    assert_eq!(refused.code, RejectCode::UnknownProfileAnswer);
    assert_eq!(
        refused.message,
        "\"no-answer\" is not an answer to the profile question \"age\": one of its options or \"prefer-not-to-say\""
    );
    assert_eq!(
        code_of(check_profile_answers(&consultation, &answers(&[("district", "north")]))),
        Some(RejectCode::UnknownProfileQuestion)
    );
    assert_eq!(
        code_of(check_profile_answers(&water(), &answers(&[("age", "under-30")]))),
        Some(RejectCode::UnknownProfileQuestion),
        "a consultation without profile questions keeps no answers"
    );
}

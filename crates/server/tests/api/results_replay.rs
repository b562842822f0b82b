//! Known sets of ballots replayed through `POST /api/v1/sync` — replacements,
//! late older ballots and duplicates included — and the public and admin
//! results compared with numbers worked out by hand.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::{json, Value};

/// A participant's id by number, so replays read as tables.
fn person(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// Casts `ballot` on `item` as `person(n)` at `hour` o'clock on a fixed day;
/// answers the action's id and its status.
async fn cast(
    server: &TestServer,
    consultation: &str,
    n: u32,
    item: &str,
    ballot: Value,
    hour: u32,
) -> (Value, String) {
    let action = ballot_cast_at(&new_id(), consultation, item, ballot, &format!("2026-11-20T{hour:02}:00:00Z"));
    let status = server.sync(&person(n), std::slice::from_ref(&action)).await[0]["status"].as_str().unwrap().to_owned();
    (action, status)
}

/// The public and admin results, after checking that admin shows exactly
/// what the public sees, plus participation and comments.
async fn both(server: &TestServer, consultation: &str) -> (Value, Value) {
    let analyst = server.token(Role::Analyst).await;
    let public = server.results(consultation).await;
    let answer = server
        .send_as("GET", &format!("/api/v1/admin/consultations/{consultation}/results"), Some(&analyst), None)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    let admin = answer.json();
    for field in ["consultation", "participants", "items"] {
        assert_eq!(admin[field], public[field], "admin {field} differs from public");
    }
    (public, admin)
}

fn item<'a>(results: &'a Value, id: &str) -> &'a Value {
    results["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap()
}

/// Sums of the participation days: (participants, actions).
fn participation(admin: &Value) -> (u64, u64) {
    let days = admin["participation"].as_array().unwrap();
    for day in days {
        let date = day["date"].as_str().unwrap();
        assert!(time::Date::parse(date, time::macros::format_description!("[year]-[month]-[day]")).is_ok(), "{date}");
    }
    days.iter().fold((0, 0), |(p, a), d| (p + d["participants"].as_u64().unwrap(), a + d["actions"].as_u64().unwrap()))
}

/// The village budget, open to everyone and live, so ballots can be cast without codes.
async fn open_village(server: &TestServer) -> Value {
    let mut village = definition(VILLAGE);
    village["eligibility"] = json!("open");
    village["results"] = json!("live");
    server.publish(village.clone()).await;
    village
}

#[apply(databases)]
#[tokio::test]
async fn single_choice_counts_standing_ballots_once(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let (first, status) = cast(&server, WATER, 1, "tariff", json!({"choice": "flat"}), 9).await;
    assert_eq!(status, "accepted");
    cast(&server, WATER, 2, "tariff", json!({"choice": "blocks"}), 9).await;
    cast(&server, WATER, 3, "tariff", json!({"choice": "blocks"}), 9).await;
    cast(&server, WATER, 4, "tariff", json!({"choice": "per-litre"}), 9).await;
    // A newer ballot replaces person 4's.
    cast(&server, WATER, 4, "tariff", json!({"choice": "blocks"}), 10).await;
    cast(&server, WATER, 5, "tariff", json!({"choice": "flat"}), 12).await;
    // An older ballot of person 5 arriving late is kept as an action, not counted.
    assert_eq!(cast(&server, WATER, 5, "tariff", json!({"choice": "per-litre"}), 8).await.1, "accepted");
    // Person 1's batch sent again counts once.
    assert_eq!(server.sync(&person(1), &[first]).await[0]["status"], "duplicate");

    let (public, admin) = both(&server, WATER).await;
    assert_eq!(public["participants"], 5);
    assert_eq!(
        *item(&public, "tariff"),
        json!({"id": "tariff", "type": "single_choice", "ballots": 5,
               "counts": {"flat": 2, "per-litre": 0, "blocks": 3}})
    );
    // 7 accepted actions (the duplicate is not one), from 5 participants.
    assert_eq!(participation(&admin), (5, 7));
    assert_eq!(admin["comments"], json!({"total": 0, "hidden": 0}));
}

#[apply(databases)]
#[tokio::test]
async fn multiple_choice_counts_approvals(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let (first, _) = cast(&server, WATER, 1, "priorities", json!({"choices": ["leaks", "kiosks"]}), 9).await;
    cast(&server, WATER, 2, "priorities", json!({"choices": ["leaks"]}), 9).await;
    cast(&server, WATER, 3, "priorities", json!({"choices": ["quality", "hours"]}), 9).await;
    cast(&server, WATER, 3, "priorities", json!({"choices": ["leaks", "hours"]}), 11).await;
    // Over the item's maximum of two: rejected, nothing moves.
    let (_, status) = cast(&server, WATER, 4, "priorities", json!({"choices": ["leaks", "kiosks", "hours"]}), 9).await;
    assert_eq!(status, "rejected");
    server.sync(&person(1), &[first]).await;

    let (public, admin) = both(&server, WATER).await;
    assert_eq!(
        *item(&public, "priorities"),
        json!({"id": "priorities", "type": "multiple_choice", "ballots": 3,
               "counts": {"leaks": 3, "kiosks": 1, "quality": 0, "hours": 1}})
    );
    assert_eq!(participation(&admin), (3, 4));
}

#[apply(databases)]
#[tokio::test]
async fn yes_no_counts_each_answer(#[case] database: Database) {
    let server = TestServer::start(database).await;
    open_village(&server).await;
    cast(&server, VILLAGE, 1, "market-day", json!({"answer": "yes"}), 9).await;
    cast(&server, VILLAGE, 2, "market-day", json!({"answer": "no"}), 9).await;
    let (third, _) = cast(&server, VILLAGE, 3, "market-day", json!({"answer": "abstain"}), 9).await;
    cast(&server, VILLAGE, 4, "market-day", json!({"answer": "yes"}), 9).await;
    cast(&server, VILLAGE, 4, "market-day", json!({"answer": "no"}), 10).await;
    server.sync(&person(3), &[third]).await;

    let (public, _) = both(&server, VILLAGE).await;
    assert_eq!(public["participants"], 4);
    assert_eq!(
        *item(&public, "market-day"),
        json!({"id": "market-day", "type": "yes_no", "ballots": 4, "counts": {"yes": 1, "no": 2, "abstain": 1}})
    );
}

#[apply(databases)]
#[tokio::test]
async fn scale_reports_distribution_mean_and_median(#[case] database: Database) {
    let server = TestServer::start(database).await;
    for (n, value) in [(1, 1), (2, 2), (3, 4), (4, 5), (5, 5)] {
        cast(&server, WATER, n, "satisfaction", json!({ "value": value }), 9).await;
    }
    cast(&server, WATER, 3, "satisfaction", json!({"value": 3}), 10).await;
    // Outside the scale of 1 to 5.
    assert_eq!(cast(&server, WATER, 6, "satisfaction", json!({"value": 6}), 9).await.1, "rejected");

    // Standing: 1, 2, 3, 5, 5 — mean 16 / 5 = 3.2, median the middle value 3.
    let (public, _) = both(&server, WATER).await;
    assert_eq!(
        *item(&public, "satisfaction"),
        json!({"id": "satisfaction", "type": "scale", "ballots": 5,
               "counts": {"1": 1, "2": 1, "3": 1, "4": 0, "5": 2}, "mean": 3.2, "median": 3.0})
    );
    // A sixth answer, 4: mean 20 / 6 = 3.33, median between 3 and 4.
    cast(&server, WATER, 6, "satisfaction", json!({"value": 4}), 9).await;
    let (public, _) = both(&server, WATER).await;
    assert_eq!(item(&public, "satisfaction")["mean"], 3.33);
    assert_eq!(item(&public, "satisfaction")["median"], 3.5);
}

/// 4 × market > school, 3 × school > clinic, 2 × clinic > school,
/// 1 × bus > clinic. Person 9 first ranked bus alone, then changed; an older
/// ballot of person 1 arrives late and is not counted.
async fn cast_kiosk_rankings(server: &TestServer) {
    cast(server, WATER, 9, "kiosk-sites", json!({"ranking": ["bus"]}), 8).await;
    let mut n = 0;
    let rankings: [(u32, &[&str]); 4] =
        [(4, &["market", "school"]), (3, &["school", "clinic"]), (2, &["clinic", "school"]), (1, &["bus", "clinic"])];
    for (count, ranking) in rankings {
        for _ in 0..count {
            n += 1;
            cast(server, WATER, n, "kiosk-sites", json!({ "ranking": ranking }), 10).await;
        }
    }
    let (earlier, status) = cast(server, WATER, 1, "kiosk-sites", json!({"ranking": ["bus"]}), 9).await;
    assert_eq!(status, "accepted", "kept as an action, older than the standing ballot");
    server.sync(&person(1), &[earlier]).await;
    // Repeats an option: rejected.
    let (_, status) = cast(server, WATER, 11, "kiosk-sites", json!({"ranking": ["bus", "bus"]}), 9).await;
    assert_eq!(status, "rejected");
}

#[apply(databases)]
#[tokio::test]
async fn ranking_by_instant_runoff_reports_every_round(#[case] database: Database) {
    let server = TestServer::start(database).await;
    cast_kiosk_rankings(&server).await;
    let (public, _) = both(&server, WATER).await;
    // Round 1: bus has fewest (1) and goes. Round 2: bus's ballot moves to
    // clinic; clinic and school tie on 3, clinic had fewer in round 1 and
    // goes. Round 3: clinic's two ballots go to school, bus > clinic is
    // exhausted; school has 5 of the 9 ballots left.
    assert_eq!(
        *item(&public, "kiosk-sites"),
        json!({"id": "kiosk-sites", "type": "ranking", "ballots": 10, "method": "instant_runoff",
               "counts": {"market": 4, "school": 3, "clinic": 2, "bus": 1},
               "rounds": [
                   {"counts": {"bus": 1, "clinic": 2, "market": 4, "school": 3}, "eliminated": ["bus"], "exhausted": 0},
                   {"counts": {"clinic": 3, "market": 4, "school": 3}, "eliminated": ["clinic"], "exhausted": 0},
                   {"counts": {"market": 4, "school": 5}, "eliminated": [], "exhausted": 1}
               ],
               "winner": "school"})
    );
}

#[apply(databases)]
#[tokio::test]
async fn ranking_by_borda_reports_scores(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let mut water = definition(WATER);
    water["items"][3]["method"] = json!("borda");
    server.publish(water).await;
    cast_kiosk_rankings(&server).await;
    let (public, _) = both(&server, WATER).await;
    // 4 options: 3, 2, 1, 0 points by rank. market 4 × 3 = 12; school
    // 4 × 2 + 3 × 3 + 2 × 2 = 21; clinic 3 × 2 + 2 × 3 + 1 × 2 = 14; bus 1 × 3 = 3.
    assert_eq!(
        *item(&public, "kiosk-sites"),
        json!({"id": "kiosk-sites", "type": "ranking", "ballots": 10, "method": "borda",
               "counts": {"market": 4, "school": 3, "clinic": 2, "bus": 1},
               "scores": {"market": 12, "school": 21, "clinic": 14, "bus": 3},
               "winner": "school"})
    );
}

/// 6 × well + classroom, 4 × road + clinic-beds (one of them first chose
/// solar alone, then changed).
async fn cast_village_budgets(server: &TestServer) {
    for n in 1..=10 {
        let projects = if n <= 6 { json!(["well", "classroom"]) } else { json!(["road", "clinic-beds"]) };
        if n == 10 {
            cast(server, VILLAGE, n, "projects", json!({"projects": ["solar"]}), 9).await;
        }
        let (action, status) = cast(server, VILLAGE, n, "projects", json!({ "projects": projects }), 10).await;
        assert_eq!(status, "accepted");
        if n == 1 {
            server.sync(&person(n), &[action]).await;
        }
    }
    // Over the budget of 5,000,000: rejected.
    let (_, status) =
        cast(server, VILLAGE, 11, "projects", json!({"projects": ["well", "classroom", "road"]}), 9).await;
    assert_eq!(status, "rejected");
}

#[apply(databases)]
#[tokio::test]
async fn budget_by_equal_shares_funds_the_minority_too(#[case] database: Database) {
    let server = TestServer::start(database).await;
    open_village(&server).await;
    cast_village_budgets(&server).await;
    let (public, admin) = both(&server, VILLAGE).await;
    // Each voter controls 500,000. clinic-beds (800,000) costs its 4
    // supporters 200,000 each, well (2,000,000) its 6 supporters 333,334:
    // funded in that order. Neither group can pay for its other project, and
    // raising the shares funds the classroom too, over the budget; the
    // 2,200,000 left fits no approved project.
    assert_eq!(
        *item(&public, "projects"),
        json!({"id": "projects", "type": "budget", "ballots": 10, "method": "equal_shares",
               "counts": {"well": 6, "classroom": 6, "solar": 0, "road": 4, "clinic-beds": 4},
               "selected": ["clinic-beds", "well"], "spent": 2_800_000, "share_per_voter": 500_000.0})
    );
    // 10 ballots, and person 10's first choice of solar alone.
    assert_eq!(participation(&admin), (10, 11));
}

#[apply(databases)]
#[tokio::test]
async fn budget_by_greedy_funds_the_most_approved_that_fit(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let mut village = open_village(&server).await;
    village["items"][0]["method"] = json!("greedy");
    server.publish(village).await;
    cast_village_budgets(&server).await;
    let (public, _) = both(&server, VILLAGE).await;
    // well and classroom (6 approvals each; well is cheaper, so first) spend
    // the whole 5,000,000; road and clinic-beds no longer fit.
    assert_eq!(
        *item(&public, "projects"),
        json!({"id": "projects", "type": "budget", "ballots": 10, "method": "greedy",
               "counts": {"well": 6, "classroom": 6, "solar": 0, "road": 4, "clinic-beds": 4},
               "selected": ["well", "classroom"], "spent": 5_000_000})
    );
}

#[apply(databases)]
#[tokio::test]
async fn a_ranking_count_follows_the_next_ballot_and_a_changed_method(#[case] database: Database) {
    let server = TestServer::start(database).await;
    cast_kiosk_rankings(&server).await;
    assert_eq!(item(&server.results(WATER).await, "kiosk-sites")["winner"], "school");
    // Two more market voters: market now has 6 of 12 first preferences, no
    // majority; after bus and clinic go, market 6, school 5 (one exhausted).
    cast(&server, WATER, 20, "kiosk-sites", json!({"ranking": ["market"]}), 10).await;
    cast(&server, WATER, 21, "kiosk-sites", json!({"ranking": ["market"]}), 10).await;
    let results = server.results(WATER).await;
    assert_eq!(item(&results, "kiosk-sites")["ballots"], 12);
    assert_eq!(item(&results, "kiosk-sites")["winner"], "market");
    // The same ballots, counted by a newly declared method.
    let mut water = definition(WATER);
    water["items"][3]["method"] = json!("borda");
    server.publish(water).await;
    let results = server.results(WATER).await;
    assert_eq!(item(&results, "kiosk-sites")["method"], "borda");
    assert_eq!(item(&results, "kiosk-sites")["scores"]["market"], 18);
}

#[apply(databases)]
#[tokio::test]
async fn info_sections_count_useful_marks(#[case] database: Database) {
    let server = TestServer::start(database).await;
    for (n, useful) in [(1, true), (2, true), (3, false), (4, false)] {
        server.sync(&person(n), &[feedback(&new_id(), ROAD, "stages", useful)]).await;
    }
    // Person 4 changes their mind; person 1's mark is sent twice.
    server.sync(&person(4), &[feedback(&new_id(), ROAD, "stages", true)]).await;
    let mark = feedback(&new_id(), ROAD, "cost", false);
    server.sync(&person(1), std::slice::from_ref(&mark)).await;
    assert_eq!(server.sync(&person(1), &[mark]).await[0]["status"], "duplicate");

    let (public, admin) = both(&server, ROAD).await;
    assert_eq!(public["participants"], 4);
    assert_eq!(*item(&public, "stages"), json!({"id": "stages", "type": "info", "useful": {"yes": 3, "no": 1}}));
    assert_eq!(*item(&public, "cost"), json!({"id": "cost", "type": "info", "useful": {"yes": 0, "no": 1}}));
    assert_eq!(participation(&admin), (4, 6));
}

#[apply(databases)]
#[tokio::test]
async fn text_answers_are_counted_not_shown(#[case] database: Database) {
    let server = TestServer::start(database).await;
    cast(&server, WATER, 1, "ideas", json!({"text": "Open kiosks at dawn."}), 9).await;
    cast(&server, WATER, 2, "ideas", json!({"text": "Fix the pipes on Mango Street."}), 9).await;
    cast(&server, WATER, 1, "ideas", json!({"text": "Open kiosks at dawn, and on Sundays."}), 10).await;
    assert_eq!(cast(&server, WATER, 3, "ideas", json!({"text": "   "}), 9).await.1, "rejected");
    let (public, _) = both(&server, WATER).await;
    assert_eq!(*item(&public, "ideas"), json!({"id": "ideas", "type": "text", "ballots": 2}));
}

#[apply(databases)]
#[tokio::test]
async fn visibility_rules_bind_the_public_and_never_staff(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let analyst = server.token(Role::Analyst).await;
    let cases = [
        ("live", "2099-01-01T00:00:00Z", None),
        ("live", "2021-01-01T00:00:00Z", None),
        ("after_close", "2099-01-01T00:00:00Z", Some("results_not_public")),
        ("after_close", "2021-01-01T00:00:00Z", None),
        ("staff_only", "2099-01-01T00:00:00Z", Some("results_staff_only")),
        ("staff_only", "2021-01-01T00:00:00Z", Some("results_staff_only")),
    ];
    for (rule, closes_at, refusal) in cases {
        let mut water = definition(WATER);
        water["results"] = json!(rule);
        water["closes_at"] = json!(closes_at);
        server.publish(water).await;
        let answer = server.get("/api/v1/consultations/water-services-2027/results").await;
        match refusal {
            None => assert_eq!(answer.status, StatusCode::OK, "{rule} closing {closes_at}"),
            Some(code) => {
                assert_eq!(answer.status, StatusCode::FORBIDDEN, "{rule} closing {closes_at}");
                assert_eq!(answer.error_code(), code, "{rule} closing {closes_at}");
            }
        }
        let admin = server
            .send_as("GET", "/api/v1/admin/consultations/water-services-2027/results", Some(&analyst), None)
            .await;
        assert_eq!(admin.status, StatusCode::OK, "staff always see {rule} results");
        assert_eq!(admin.json()["consultation"], WATER);
    }
}

#[apply(databases)]
#[tokio::test]
async fn admin_results_of_an_unknown_consultation_are_a_404(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let analyst = server.token(Role::Analyst).await;
    let answer = server.send_as("GET", "/api/v1/admin/consultations/nope/results", Some(&analyst), None).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.error_code(), "consultation_not_found");
}

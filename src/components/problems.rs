//! The problems the server found in a definition file, said in the
//! interface language: core names each rule broken by a code with its
//! values, and [`problem_text_of`] is the one place that turns a code into a
//! text of the locale files.

use baraza_core::validate::{Problem, Severity};
use leptos::prelude::*;

use crate::language::use_language;
use crate::text::Locale;
use crate::text::{fill, Key};

/// The text for a problem's `code`, with `{name}` where each of its values
/// goes; `None` for a code this app does not know (from a newer server).
pub fn problem_text_of(code: &str) -> Option<Key> {
    let text: Key = match code {
        "format" => key!(problem.format),
        "slug" => key!(problem.slug),
        "default_language_tag" => key!(problem.default_language_tag),
        "language_tag" => key!(problem.language_tag),
        "default_text_missing" => key!(problem.default_text_missing),
        "topic_blank" => key!(problem.topic_blank),
        "closes_not_after_opens" => key!(problem.closes_not_after_opens),
        "decide_without_codes" => key!(problem.decide_without_codes),
        "duplicate_item_id" => key!(problem.duplicate_item_id),
        "duplicate_option_id" => key!(problem.duplicate_option_id),
        "too_few_options" => key!(problem.too_few_options),
        "min_over_max" => key!(problem.min_over_max),
        "min_over_options" => key!(problem.min_over_options),
        "max_zero" => key!(problem.max_zero),
        "max_over_options" => key!(problem.max_over_options),
        "scale_max_not_over_min" => key!(problem.scale_max_not_over_min),
        "scale_too_many_points" => key!(problem.scale_too_many_points),
        "budget_total_zero" => key!(problem.budget_total_zero),
        "currency_missing" => key!(problem.currency_missing),
        "budget_without_projects" => key!(problem.budget_without_projects),
        "completion_step_without_equal_shares" => key!(problem.completion_step_without_equal_shares),
        "project_cost_zero" => key!(problem.project_cost_zero),
        "project_cost_over_total" => key!(problem.project_cost_over_total),
        "max_length_zero" => key!(problem.max_length_zero),
        "time_out_of_range" => key!(problem.time_out_of_range),
        "too_large" => key!(problem.too_large),
        "too_many" => key!(problem.too_many),
        "text_too_long" => key!(problem.text_too_long),
        "text_blank" => key!(problem.text_blank),
        "control_character" => key!(problem.control_character),
        "changed_after_opening" => key!(problem.changed_after_opening),
        "duplicate_profile_question_id" => key!(problem.duplicate_profile_question_id),
        "reserved_profile_option_id" => key!(problem.reserved_profile_option_id),
        "share_out_of_range" => key!(problem.share_out_of_range),
        "shares_not_one" => key!(problem.shares_not_one),
        "small_group_threshold_out_of_range" => key!(problem.small_group_threshold_out_of_range),
        _ => return None,
    };
    Some(text)
}

/// `problem` in the language of `locale`, its values filled in; `None` when
/// its code is unknown, and only its English message can be shown.
pub fn problem_text(locale: Locale, problem: &Problem) -> Option<String> {
    let text = problem_text_of(&problem.code)?;
    Some(fill(crate::text::get(locale, text), &isolated_values(problem)))
}

/// Each value between Unicode's first-strong isolate and its closing mark,
/// so that an id or the reader's English explanation keeps its own
/// direction and does not reorder the Arabic sentence around it.
fn isolated_values(problem: &Problem) -> Vec<(&str, String)> {
    problem.values.iter().map(|(name, value)| (name.as_str(), format!("\u{2068}{value}\u{2069}"))).collect()
}

/// Every problem with its JSON path, in the interface language.
pub fn problem_list(problems: Vec<Problem>) -> impl IntoView {
    let ui = use_language();
    let items = problems
        .into_iter()
        .map(|problem| {
            let class = match problem.severity {
                Severity::Error => "problem problem-error",
                Severity::Warning => "problem problem-warning",
            };
            let path = if problem.path.is_empty() {
                tr!(staff.whole_document).into_any()
            } else {
                view! { <code dir="ltr">{problem.path.clone()}</code> }.into_any()
            };
            let code = problem.code.clone();
            let path_attribute = problem.path.clone();
            let text = if problem_text_of(&problem.code).is_some() {
                let text = move || problem_text(ui.get(), &problem);
                view! { <span>{text}</span> }.into_any()
            } else {
                view! { <span lang="en" dir="ltr">{problem.message}</span> }.into_any()
            };
            view! {
                <li class=class data-problem-path=path_attribute data-problem-code=code>
                    {path}
                    ": "
                    {text}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="problems">{items}</ul> }
}

/// Why a definition was not published: every problem that kept it from
/// being stored, under what kind of refusal it was (`locked`: it changes
/// what may not change once the consultation has opened).
pub fn refusal(locked: bool, problems: Vec<Problem>) -> AnyView {
    let heading = if locked { tr!(staff.locked).into_any() } else { tr!(staff.not_published).into_any() };
    view! {
        <div class="notice notice-error" role="alert" data-refused="">
            <p>{heading}</p>
            {problem_list(problems)}
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use baraza_core::validate::Rule;

    fn problem(rule: Rule) -> Problem {
        Problem::new(Severity::Error, "items[1].min", rule)
    }

    #[test]
    fn every_rule_of_core_has_a_text_in_every_language_with_its_values_filled_in() {
        crate::text::tests::load_every_language();
        for rule in Rule::one_of_each() {
            let problem = problem(rule);
            assert!(problem_text_of(&problem.code).is_some(), "no text for the code {}", problem.code);
            for locale in Locale::ALL {
                let text = problem_text(locale, &problem).unwrap();
                assert!(!text.contains(['{', '}']), "{locale:?} {}: a value is not filled in: {text}", problem.code);
                for value in problem.values.values() {
                    assert!(
                        text.contains(&format!("\u{2068}{value}\u{2069}")),
                        "{locale:?} {}: {value} is not shown in {text}",
                        problem.code
                    );
                }
            }
        }
    }

    #[test]
    fn a_problem_is_said_in_the_chosen_language() {
        crate::text::tests::load_every_language();
        let problem = problem(Rule::MinOverMax { min: 3, max: 2 });
        let isolated = |value: &str| format!("\u{2068}{value}\u{2069}");
        let (three, two) = (isolated("3"), isolated("2"));
        assert_eq!(
            problem_text(Locale::fr, &problem).unwrap(),
            format!("min ({three}) ne doit pas dépasser max ({two})")
        );
        assert_eq!(problem_text(Locale::ar, &problem).unwrap(), format!("يجب ألا يزيد min ({three}) على max ({two})"));
    }

    #[test]
    fn an_unknown_code_has_no_text_so_its_english_message_is_shown() {
        let mut unknown = problem(Rule::MaxZero);
        unknown.code = "rule_of_a_newer_server".to_owned();
        assert!(problem_text_of(&unknown.code).is_none());
        assert_eq!(problem_text(Locale::ar, &unknown), None);
        // What an older server sends: no code at all.
        let old: Problem =
            serde_json::from_str(r#"{"severity": "error", "path": "id", "message": "must be a slug"}"#).unwrap();
        assert_eq!((old.code.as_str(), old.values.len()), ("", 0));
        assert_eq!(problem_text(Locale::fr, &old), None);
    }
}

//! Any text as a definition file: reading and checking it never panics,
//! and a definition that passes is one every reader can use — it reads back
//! as it was written, its status, results rule, deadline notice, texts and
//! results shape are defined at every moment that matters, and it may
//! always replace itself.

#![no_main]

use std::collections::BTreeMap;

use baraza_core::api::ItemResult;
use baraza_core::lifecycle::check_update;
use baraza_core::sync::deadline_notice;
use baraza_core::validate::parse_definition;
use baraza_core::Consultation;
use baraza_fuzz::moments;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_definition(text) {
        Ok(checked) => use_everywhere(&checked.consultation),
        Err(problems) => {
            assert!(problems.iter().any(|problem| problem.is_error()), "refused without an error: {problems:?}");
            for problem in problems {
                assert!(!problem.code.is_empty(), "{problem:?}");
                let _ = problem.to_string();
            }
        }
    }
});

fn use_everywhere(consultation: &Consultation) {
    let written = serde_json::to_string(consultation).expect("a definition always serializes");
    let again = parse_definition(&written).unwrap_or_else(|problems| panic!("{written}\nreads back with {problems:?}"));
    assert_eq!(&again.consultation, consultation);

    for language in consultation.languages() {
        let _ = consultation.partly_in(language);
        for (_, text) in consultation.localized_texts() {
            let _ = consultation.text(text, language);
        }
    }
    for at in moments(consultation) {
        let _ = consultation.status_at(at);
        let _ = consultation.results_are_public(at);
        if let Some(notice) = deadline_notice(consultation, at) {
            assert!(notice.deliver_by >= notice.closes_at);
        }
        assert_eq!(check_update(consultation, consultation, at), vec![]);
    }
    for item in &consultation.items {
        let result = ItemResult::from_counters(item, 0, &BTreeMap::new());
        assert_eq!(result.id, item.id());
    }
}

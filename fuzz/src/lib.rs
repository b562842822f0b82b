//! What the fuzz targets share: the demo consultations as seeds, and the
//! moments a server may receive an action at.

use std::sync::LazyLock;

use baraza_core::bounds;
use baraza_core::validate::parse_definition;
use baraza_core::Consultation;
use time::{Duration, OffsetDateTime};

/// The reference definitions, one per level, as the tests read them.
pub const EXAMPLES: [&str; 3] = [
    include_str!("../../demo/consultations/inform-coastal-road.json"),
    include_str!("../../demo/consultations/consult-water-services.json"),
    include_str!("../../demo/consultations/decide-village-budget.json"),
];

/// The reference definitions, read and checked once per run of a target.
pub fn examples() -> &'static [Consultation] {
    static READ: LazyLock<Vec<Consultation>> = LazyLock::new(|| {
        EXAMPLES
            .iter()
            .map(|json| parse_definition(json).expect("the demo definitions are valid").consultation)
            .collect()
    });
    &READ
}

/// The moments that matter to a consultation's rules: the edges of the
/// calendar window, its opening and closing, inside and just past the
/// offline grace.
pub fn moments(consultation: &Consultation) -> Vec<OffsetDateTime> {
    let grace = Duration::hours(i64::from(consultation.offline_grace_hours.unwrap_or(0)));
    let second = Duration::seconds(1);
    vec![
        bounds::EARLIEST,
        bounds::LATEST - second,
        consultation.opens_at - second,
        consultation.opens_at,
        consultation.closes_at - second,
        consultation.closes_at,
        consultation.closes_at.saturating_add(grace) - second,
        consultation.closes_at.saturating_add(grace),
    ]
}

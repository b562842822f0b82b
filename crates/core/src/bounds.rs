//! The bounds every value that enters Baraza is held to, in one place: the
//! calendar times must fall in, the largest numbers a definition may carry,
//! the longest texts, and what makes a text look blank. Definitions
//! ([`crate::validate`]) and citizens' actions ([`crate::sync`]) are checked
//! against them where they are read, so that no count, sum, deadline or
//! stored time downstream can overflow or leave the calendar.

use icu_properties::props::DefaultIgnorableCodePoint;
use icu_properties::CodePointSetData;
use time::macros::datetime;
use time::OffsetDateTime;

/// The earliest time Baraza takes: the Unix epoch, where a phone whose
/// clock has lost its time starts counting again.
pub const EARLIEST: OffsetDateTime = datetime!(1970-01-01 0:00 UTC);

/// The first time Baraza no longer takes. Far past any real consultation,
/// and far enough inside the calendar that dates are kept in (up to the year
/// 9999, in UTC) that a time in any time zone, plus the longest offline
/// grace, never leaves it.
pub const LATEST: OffsetDateTime = datetime!(3000-01-01 0:00 UTC);

/// Whether `at` is inside the calendar window ([`EARLIEST`] to [`LATEST`]).
pub fn in_calendar(at: OffsetDateTime) -> bool {
    // Comparing never converts `at` to UTC, which would fail past the year 9999.
    EARLIEST <= at && at < LATEST
}

/// The longest offline grace a definition may grant: 30 days.
pub const MAX_OFFLINE_GRACE_HOURS: u32 = 30 * 24;

/// The most items one consultation may have.
pub const MAX_ITEMS: usize = 100;
/// The most options of a choice or ranking item, and the most projects of a
/// budget.
pub const MAX_OPTIONS: usize = 200;
/// The largest budget total (and so project cost): a thousand million
/// million units of any currency. Every amount stays exact as a JavaScript
/// number (below 2^53), and the costs of all [`MAX_OPTIONS`] projects
/// together still fit a signed 64-bit integer, as databases keep them.
pub const MAX_BUDGET_TOTAL: u64 = 1_000_000_000_000_000;
const _: () = assert!(MAX_BUDGET_TOTAL < 1 << 53, "exact as a JavaScript number");
const _: () = assert!(MAX_BUDGET_TOTAL as u128 * MAX_OPTIONS as u128 <= i64::MAX as u128, "summable in an i64");
/// The largest `max_length` a text item may set, in characters.
pub const MAX_TEXT_ANSWER_CHARS: u32 = 10_000;
/// The most "about you" questions of one consultation.
pub const MAX_PROFILE_QUESTIONS: usize = 20;
/// The smallest and largest small-group threshold a definition may set: a
/// group of fewer than 5 is never shown, whatever the definition says.
pub const MIN_SMALL_GROUP_THRESHOLD: u32 = 5;
pub const MAX_SMALL_GROUP_THRESHOLD: u32 = 1_000;
/// The most topics of one consultation.
pub const MAX_TOPICS: usize = 20;

/// The longest title, label, organization or topic, in characters.
pub const LABEL_MAX_CHARS: usize = 300;
/// The longest summary, in characters: it is shown in lists.
pub const SUMMARY_MAX_CHARS: usize = 1_000;
/// The longest body, description or outcome, in characters.
pub const BODY_MAX_CHARS: usize = 50_000;
/// The longest currency name of a budget, such as "TZS", in characters.
pub const CURRENCY_MAX_CHARS: usize = 16;

/// What is wrong with a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFault {
    /// Longer than its bound, in characters.
    TooLong { max: usize },
    /// A control character other than a line break or a tab.
    ControlCharacter,
    /// Nothing a reader would see: empty, or only spaces and invisible
    /// characters ([`is_blank`]).
    Blank,
}

/// Checks a text someone wrote against its bound (in characters), its
/// characters and its being seen at all.
pub fn check_text(text: &str, max_chars: usize) -> Result<(), TextFault> {
    if text.chars().count() > max_chars {
        Err(TextFault::TooLong { max: max_chars })
    } else if text.chars().any(is_forbidden_control) {
        Err(TextFault::ControlCharacter)
    } else if is_blank(text) {
        Err(TextFault::Blank)
    } else {
        Ok(())
    }
}

/// Control characters no text may hold: all but line breaks and tabs. They
/// show as nothing or as garbage, and some (NUL) cannot be stored.
fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// Whether a text shows nothing: every character is white space, a control
/// character, or invisible: one of Unicode's default-ignorable code points
/// (zero-width spaces and joiners, direction marks, variation selectors,
/// the Hangul fillers, tags…), or U+2800, the blank Braille pattern, which
/// is a symbol yet draws nothing.
pub fn is_blank(text: &str) -> bool {
    let invisible = CodePointSetData::new::<DefaultIgnorableCodePoint>();
    text.chars().all(|c| c.is_whitespace() || c.is_control() || c == '\u{2800}' || invisible.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_outside_the_window_are_refused_in_any_time_zone() {
        let read = |text: &str| OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap();
        assert!(in_calendar(read("2026-11-20T10:00:00+03:00")));
        assert!(in_calendar(read("1970-01-01T00:00:00Z")));
        assert!(!in_calendar(read("1969-12-31T23:59:59Z")));
        assert!(!in_calendar(read("1970-01-01T00:00:00+01:00")), "23:00 UTC the day before");
        assert!(!in_calendar(read("3000-01-01T00:00:00Z")));
        // Its UTC time is in the year 10000, which the calendar cannot hold.
        assert!(!in_calendar(read("9999-12-31T23:00:00-05:00")));
        assert!(!in_calendar(read("0000-01-01T00:00:00+05:00")));
        assert!(LATEST + time::Duration::hours(i64::from(MAX_OFFLINE_GRACE_HOURS)) < datetime!(9999-01-01 0:00 UTC));
    }

    #[test]
    fn invisible_and_control_only_texts_are_blank() {
        for blank in ["", " \n\t", "\u{200B}\u{200B}", "\u{200E}\u{FEFF}", "\u{3164}", "\u{2800}", "\u{E0041}", "\u{1}"]
        {
            assert!(is_blank(blank), "{blank:?}");
        }
        for seen in ["a", " x ", "\u{200B}.", "مرحبا\u{200F}", "水", "👍"] {
            assert!(!is_blank(seen), "{seen:?}");
        }
    }

    #[test]
    fn a_text_is_checked_for_length_controls_and_blankness() {
        assert_eq!(check_text("Kiosks close early.\nPlease fix.", 100), Ok(()));
        assert_eq!(check_text("abc", 2), Err(TextFault::TooLong { max: 2 }));
        assert_eq!(check_text("éé", 2), Ok(()), "characters, not bytes");
        assert_eq!(check_text("a\u{0}b", 10), Err(TextFault::ControlCharacter));
        assert_eq!(check_text("a\u{1B}[31m", 10), Err(TextFault::ControlCharacter));
        assert_eq!(check_text("\u{200B} \u{200D}", 10), Err(TextFault::Blank));
    }
}

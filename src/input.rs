//! The lists of the "your input" screen (`/mine`) as markup, built as text
//! the way charts are: one plain routine, tested natively, is far less code
//! to download than view code for every part of every entry.

use crate::chart::escape;

/// Where one of the citizen's actions stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State<'a> {
    /// Saved on the phone, not counted yet.
    Waiting,
    /// Counted, with the server's receipt.
    Counted { receipt: &'a str },
    /// Refused: the code, the reason and what the citizen can do, in their language.
    Refused { code: &'a str, reason: &'a str, advice: &'a str },
}

/// One action as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    /// The action's id.
    pub id: &'a str,
    pub consultation: &'a str,
    /// What it was: "Answer to “tariff” in water-services-2027".
    pub what: String,
    /// When it was made, formatted.
    pub made: String,
    pub state: State<'a>,
}

/// The interface texts of a list, in the citizen's language.
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    pub receipt: &'a str,
    pub copy: &'a str,
}

/// The id of the field that holds the receipt of action `id`.
pub fn receipt_field(id: &str) -> String {
    format!("receipt-{id}")
}

/// A `<ul>` of the actions. A counted one has its receipt in a read-only
/// field (selectable by hand) and a button that copies it (`data-copy`).
pub fn list(lines: &[Line<'_>], labels: Labels<'_>) -> String {
    let mut out = String::from("<ul class=\"input-list\">");
    for line in lines {
        let id = escape(line.id);
        out.push_str(&format!(
            "<li data-action=\"{id}\"><p><a href=\"/c/{}\">{}</a><br><span class=\"date\">{}</span></p>",
            escape(line.consultation),
            escape(&line.what),
            escape(&line.made)
        ));
        match line.state {
            State::Waiting => {}
            State::Counted { receipt } => {
                let (field, receipt) = (escape(&receipt_field(line.id)), escape(receipt));
                out.push_str(&format!(
                    "<div class=\"receipt\"><label for=\"{field}\">{}</label>\
                     <input id=\"{field}\" type=\"text\" readonly value=\"{receipt}\" data-receipt>\
                     <button type=\"button\" class=\"secondary\" data-copy=\"{receipt}\" data-field=\"{field}\">{}</button></div>",
                    escape(labels.receipt),
                    escape(labels.copy)
                ));
            }
            State::Refused { code, reason, advice } => out.push_str(&format!(
                "<p class=\"problem\" data-refused=\"{}\">{}</p><p>{}</p>",
                escape(code),
                escape(reason),
                escape(advice)
            )),
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LABELS: Labels<'static> = Labels { receipt: "Receipt", copy: "Copy the receipt" };

    fn line(state: State<'static>) -> Line<'static> {
        Line {
            id: "0c6a",
            consultation: "water",
            what: "Answer to “tariff” in water".into(),
            made: "23 November 2026, 14:05".into(),
            state,
        }
    }

    #[test]
    fn a_waiting_action_says_what_and_when() {
        assert_eq!(
            list(&[line(State::Waiting)], LABELS),
            "<ul class=\"input-list\"><li data-action=\"0c6a\"><p><a href=\"/c/water\">Answer to “tariff” in water</a>\
             <br><span class=\"date\">23 November 2026, 14:05</span></p></li></ul>"
        );
    }

    #[test]
    fn a_counted_action_has_its_receipt_to_select_and_to_copy() {
        let markup = list(&[line(State::Counted { receipt: "9f2c01ab77d3e410" })], LABELS);
        assert!(markup.contains(
            "<label for=\"receipt-0c6a\">Receipt</label><input id=\"receipt-0c6a\" type=\"text\" readonly \
             value=\"9f2c01ab77d3e410\" data-receipt>"
        ));
        assert!(markup.contains("data-copy=\"9f2c01ab77d3e410\" data-field=\"receipt-0c6a\">Copy the receipt</button>"));
    }

    #[test]
    fn a_refused_action_says_why_and_what_to_do() {
        let refused = State::Refused { code: "consultation_closed", reason: "It is closed.", advice: "Nothing to do." };
        assert!(list(&[line(refused)], LABELS).contains(
            "<p class=\"problem\" data-refused=\"consultation_closed\">It is closed.</p><p>Nothing to do.</p>"
        ));
    }

    #[test]
    fn texts_from_elsewhere_cannot_make_markup() {
        let mut hostile = line(State::Waiting);
        hostile.what = "<img src=x onerror=alert(1)>".into();
        hostile.consultation = "a\"b";
        let markup = list(&[hostile], LABELS);
        assert!(markup.contains("&lt;img src=x onerror=alert(1)&gt;") && markup.contains("/c/a&quot;b"));
    }
}

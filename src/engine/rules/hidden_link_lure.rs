//! `hidden-link-lure`: a hidden destination (a link shortener or a QR code)
//! together with a lure story.
//!
//! ## What it flags
//! A link on a link shortener (not the organisation's own), or a request to
//! scan a QR code, in a message that also claims to be IT, HR, payroll,
//! security, a bank or an identity provider, puts lock-out, pay or schedule
//! pressure on the reader, tells a consumer scam story or asks for a
//! sign-in. → `suspicious`. A shortener alone stays `info`
//! (`hidden-destination`).
//!
//! ## Why it matters
//! The destination cannot be judged without opening it, and the story is
//! the lure: together they are the shape of most smishing.
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use super::{Finding, MessageRule, MessageSubject, Severity};
use crate::engine::explain::Evidence;
use crate::lure::{Claim, Pressure, Request, word};
use crate::policy::Policy;

/// The registry entry.
pub const RULE: MessageRule = MessageRule {
    id: "hidden-link-lure",
    detects: "a link shortener or a QR code to scan, together with a lure story",
    severity: "suspicious",
    examples: EXAMPLES,
    check,
};

/// What it flags and what it must not, each with the policy it is judged
/// under: run by the registry test in `rules/mod.rs`, printed in the rule table.
const EXAMPLES: super::Examples = {
    use super::Example as E;
    use super::Severity::Suspicious;
    super::Examples {
        flagged: &[
            E::twilio("Twilio HR: your benefits enrolment closes today, review it at https://bit.ly/3Hrx9").at(Suspicious),
            E::twilio("Your mailbox password expires today. Scan the attached QR code to keep access.").at(Suspicious),
            E::builtin("Facilities: new parking permits! Scan the QR on the flyer at the garage entrance and sign in with your network ID to keep your spot.").at(Suspicious), // a sign-in behind a QR code
            E::twilio("Uw salarisstrook staat klaar. Log vandaag nog in via https://bit.ly/3Hrx9 om uw account te bevestigen.").at(Suspicious),
        ],
        not_flagged: &[
            E::twilio("Slides from today: https://bit.ly/3Hrx9"),
            E::twilio("Scan the QR code at the door to check in for the workshop."),
        ],
    }
};

fn check(m: &MessageSubject<'_>, _policy: &Policy) -> Vec<Finding> {
    let f = m.facts;
    let qr = f.requests.contains(&Request::Qr);
    if m.shortener.is_none() && !qr {
        return Vec::new();
    }
    let lure = f.claims.iter().any(|c| *c != Claim::Delivery)
        || f.pressure.iter().any(|p| *p != Pressure::Deadline)
        || !f.stories.is_empty()
        || f.policy_word.is_some()
        || f.requests.iter().any(|r| {
            matches!(
                r,
                Request::Credentials | Request::Code | Request::Push | Request::Install
            )
        });
    if !lure {
        return Vec::new();
    }
    let key = if m.shortener.is_some() {
        "hidden_link"
    } else {
        "hidden_qr"
    };
    vec![Finding {
        rule: RULE.id,
        severity: Severity::Suspicious,
        brand: None,
        evidence: Evidence::Said(word(f.lang, key)),
    }]
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{run_message, twilio};
    use expect_test::expect;

    fn run(text: &str) -> String {
        run_message("hidden-link-lure", &twilio(), text)
    }

    #[test]
    fn hidden_with_a_story() {
        expect!["suspicious The link is on a link shortener, so where it leads is hidden, and the message tells a lure story."]
            .assert_eq(&run("Twilio HR: your benefits enrolment closes today, review it at https://bit.ly/3Hrx9"));
        expect!["suspicious The message asks you to scan a QR code, which hides where it leads, and tells a lure story."]
            .assert_eq(&run("Your mailbox password expires today. Scan the attached QR code to keep access."));
        expect!["suspicious De link staat op een linkverkorter, dus waar hij heen gaat is verborgen, en het bericht vertelt een lokverhaal."]
            .assert_eq(&run("Uw salarisstrook staat klaar. Log vandaag nog in via https://bit.ly/3Hrx9 om uw account te bevestigen."));
    }
}

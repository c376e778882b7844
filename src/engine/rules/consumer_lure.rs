//! `consumer-lure`: the scam stories that reach work phones too.
//!
//! ## What it flags
//! A parcel that could not be delivered or owes a fee, an unpaid toll or
//! fine, a blocked card or bank account, a prize, refund or gift card,
//! "reply YES", in any of the vocabulary languages, together with something
//! to act on (a link that is not the organisation's own, a number, a
//! request to reply, call or sign in). → `suspicious` with a short reason;
//! the story alone → `info`.
//!
//! ## Why it matters
//! These are the most reported texts of all (FTC, 2023–2025) and they end
//! on the same fake payment or sign-in pages.
//!
//! ## Example (flagged)
//! "USPS: your package could not be delivered. Update your address at
//! usps-redelivery.info"
//!
//! ## Not flagged
//! "Your UPS package was delivered today at 2:14 PM", "I won the pub quiz!".

use super::{Finding, MessageRule, MessageSubject, Severity};
use crate::engine::explain::Evidence;
use crate::lure::{Request, Story, join_and, word};
use crate::policy::Policy;

/// The registry entry.
pub const RULE: MessageRule = MessageRule {
    id: "consumer-lure",
    detects: "a parcel, toll, blocked-card, prize or \"reply YES\" scam story",
    severity: "suspicious with something to act on (a link, a number, a reply), else info",
    check,
};

fn check(m: &MessageSubject<'_>, _policy: &Policy) -> Vec<Finding> {
    let f = m.facts;
    // The opening of a chat-move scam is `callback-lure`'s.
    let stories: Vec<&str> = f
        .stories
        .iter()
        .filter(|s| **s != Story::Contact)
        .map(|s| word(f.lang, s.wording_key()))
        .collect();
    if stories.is_empty() || f.otp_notice {
        return Vec::new();
    }
    // Something to act on: a link that is not the organisation's own, a
    // number, or a request other than a call with no number ("call the
    // number on the back of your card" is what banks rightly say).
    let actionable =
        m.risky_link || !f.phones.is_empty() || f.requests.iter().any(|r| *r != Request::Call);
    vec![Finding {
        rule: RULE.id,
        severity: if actionable {
            Severity::Suspicious
        } else {
            Severity::Info
        },
        brand: None,
        evidence: Evidence::Written(
            word(f.lang, "consumer").replace("{story}", &join_and(f.lang, &stories)),
        ),
    }]
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{builtin, run_message};
    use expect_test::expect;

    fn run(text: &str) -> String {
        run_message("consumer-lure", &builtin(), text)
    }

    #[test]
    fn stories() {
        expect!["suspicious The message tells a common scam story: a parcel that could not be delivered."]
            .assert_eq(&run("USPS: your package could not be delivered due to an incomplete address. Update it at usps-redelivery.info"));
        expect!["suspicious The message tells a common scam story: a blocked card or account."]
            .assert_eq(&run(
                "Your debit card has been blocked. Reply YES to unlock it.",
            ));
        expect!["suspicious The message tells a common scam story: a prize, refund or gift you did not ask for."]
            .assert_eq(&run("You have won a £500 gift card! Call 09061743389 to claim"));
        expect!["suspicious Il messaggio racconta una truffa comune: un pedaggio o una multa non pagati."]
            .assert_eq(&run("Autostrade: risulta un pedaggio non pagato. Regolarizza entro oggi su pedaggi-autostrade.info"));
        expect![
            "info The message tells a common scam story: a parcel that could not be delivered."
        ]
        .assert_eq(&run("We tried to deliver your parcel today."));
    }

    #[test]
    fn not_flagged() {
        for text in [
            "Your UPS package was delivered today at 2:14 PM, left at front door.",
            "I won the pub quiz!",
            "Your order has shipped and will arrive Thursday.",
        ] {
            assert_eq!(run(text), "", "{text}");
        }
    }
}

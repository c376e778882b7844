//! `consumer-lure`: the scam stories that reach work phones too.
//!
//! ## What it flags
//! A parcel that could not be delivered or owes a fee, an unpaid toll or
//! fine, a blocked card or bank account, a prize, refund or gift card,
//! "reply YES", in any of the vocabulary languages, or a small fee ("$2.95",
//! "1,99 zł", "19 kr": an amount found by its shape and a word of paying, in
//! any language) with a link the organisation does not own and none of its
//! own, together with something
//! to act on (a link that is not the organisation's own, a number, a
//! request to reply, call or sign in). → `suspicious` with a short reason;
//! the story alone → `info`.
//!
//! ## Why it matters
//! These are the most reported texts of all (FTC, 2023–2025) and they end
//! on the same fake payment or sign-in pages.
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use super::{Finding, MessageRule, MessageSubject, Severity};
use crate::engine::explain::Evidence;
use crate::lure::{Claim, Pressure, Request, Story};
use crate::policy::Policy;

/// The registry entry.
pub const RULE: MessageRule = MessageRule {
    id: "consumer-lure",
    detects: "a parcel, toll, blocked-card, prize or \"reply YES\" scam story, or a small fee to pay through a link",
    severity: "suspicious with something to act on (a link, a number, a reply), else info",
    examples: EXAMPLES,
    check,
};

/// What it flags and what it must not, each with the policy it is judged
/// under: run by the registry test in `rules/mod.rs`, printed in the rule table.
const EXAMPLES: super::Examples = {
    use super::Example as E;
    use super::Severity::{Info, Suspicious};
    super::Examples {
        flagged: &[
            E::builtin("USPS: your package could not be delivered due to an incomplete address. Update it at usps-redelivery.info").at(Suspicious),
            E::builtin("Your debit card has been blocked. Reply YES to unlock it.").at(Suspicious),
            E::builtin("You have won a £500 gift card! Call 09061743389 to claim").at(Suspicious),
            E::builtin("Autostrade: risulta un pedaggio non pagato. Regolarizza entro oggi su pedaggi-autostrade.info").at(Suspicious),
            E::builtin("Are you free? I need you to buy 4 Google Play cards for a client and send me photos of the codes.").at(Suspicious), // the gift-card fraud
            E::builtin("InPost: Twoja paczka czeka na dopłatę 1,99 zł. Opłać teraz: inpost-doplata.pl-paczki.com").at(Suspicious), // a small fee and a link, in any language
            E::builtin("FAN Courier: coletul dvs. este reținut. Plătiți taxa de 2,50 lei: fancourier-livrare.ro-colet.com").at(Suspicious),
            E::builtin("We tried to deliver your parcel today.").at(Info), // nothing to act on
            E::builtin("Can you buy a gift card for grandma's birthday on your way home? I'll pay you back.").at(Info), // no boss, hurry, secret or codes
            E::builtin("ING: a card payment was declined. If you have questions, call the number on the back of your card.").at(Info), // what real banks say
        ],
        not_flagged: &[
            E::builtin("Your UPS package was delivered today at 2:14 PM, left at front door."),
            E::builtin("I won the pub quiz!"),
            E::builtin("Your order has shipped and will arrive Thursday."),
            E::twilio("Your Twilio invoice of $12.50 is ready: twilio.com/console/billing"), // the organisation's own link
            E::builtin("Lunch was €12.40 each, I paid. Send it back whenever."), // an amount, no link
            E::builtin("Your parcel could not be delivered and is held at our depot. Pickup code 7731."), // a carrier hands out the pickup code
        ],
    }
};

fn check(m: &MessageSubject<'_>, policy: &Policy) -> Vec<Finding> {
    let f = m.facts;
    // The opening of a chat-move scam is `callback-lure`'s.
    // A real carrier's notice hands out the pickup code ("Codice di
    // ritiro 7731"); a lure asks for a fee instead.
    let pickup = f.gives_code && !f.pressure.contains(&Pressure::Pay);
    // Buying gift cards is the fraud when a boss, a hurry, a secret or a
    // request for the codes comes with it ("can you buy a gift card for
    // grandma?" is not).
    let fraud = f.claims.contains(&Claim::Executive)
        || f.pressure.contains(&Pressure::Deadline)
        || f.stories.contains(&Story::Contact)
        || f.requests
            .iter()
            .any(|r| matches!(r, Request::Chat | Request::Code));
    let stories: Vec<Story> = f
        .stories
        .iter()
        .filter(|s| match s {
            Story::Contact => false,
            Story::Parcel => !pickup,
            Story::GiftCard => fraud,
            // A small amount is a fee lure with a link to pay on a site
            // the organisation does not own, and none of its own.
            Story::Fee => m.risky_link && !m.own_link,
            _ => true,
        })
        .copied()
        .collect();
    if stories.is_empty() || f.otp_notice {
        return Vec::new();
    }
    // Something to act on: a link that is not the organisation's own, a
    // number other than its published one ("if this wasn't you, call the
    // help desk on" the number in the policy), or a request other than a call with no number ("call the
    // number on the back of your card" is what banks rightly say) or a
    // link with none in the message; buying gift cards is the act itself.
    let actionable = m.risky_link
        || super::callback_lure::unpublished_number(&f.phones, policy)
        || stories.contains(&Story::GiftCard)
        || f.requests.iter().any(|r| match r {
            Request::Call | Request::Link => false,
            // "Reset at https://<its own sign-in> only": done on its own site.
            Request::Credentials => !m.own_link || m.risky_link,
            _ => true,
        });
    vec![Finding {
        rule: RULE.id,
        severity: if actionable {
            Severity::Suspicious
        } else {
            Severity::Info
        },
        brand: None,
        evidence: Evidence::ScamStory {
            lang: f.lang,
            stories,
        },
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
        expect!["suspicious The message tells a common scam story: a request to buy gift cards and send their codes."]
            .assert_eq(&run("Are you free? I need you to buy 4 Google Play cards for a client and send me photos of the codes."));
        expect!["suspicious Meddelandet berättar en vanlig bedrägerihistoria: ett paket som inte kunde levereras och en liten avgift att betala på en sida du inte känner (ett paket, en vägavgift eller tull)."]
            .assert_eq(&run("PostNord: Ditt paket väntar. Betala tullavgift 19 kr för att få det levererat: postnord-se.info"));
        expect![
            "info The message tells a common scam story: a parcel that could not be delivered."
        ]
        .assert_eq(&run("We tried to deliver your parcel today."));
    }

    #[test]
    fn the_organisation_s_own_number_is_nothing_to_act_on() {
        let p = crate::Policy::from_toml(
            "[organization]\nname = \"Acme\"\nhelp_phone = \"+44 20 7946 0311\"\n",
            "test",
        )
        .unwrap();
        let notice = "Acme IT: Microsoft Authenticator was registered to your account at 09:14. If this wasn't you, call";
        expect!["info The message tells a common scam story: a blocked card or account."]
            .assert_eq(&run_message(
                "consumer-lure",
                &p,
                &format!("{notice} +44 20 7946 0311."),
            ));
        expect!["suspicious The message tells a common scam story: a blocked card or account."]
            .assert_eq(&run_message(
                "consumer-lure",
                &p,
                &format!("{notice} +44 20 7946 0999."),
            ));
    }
}

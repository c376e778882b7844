//! `callback-lure`: a number to call (or another chat to move to) with an
//! IT, payroll, bank or security story.
//!
//! ## What it flags
//! A phone number and a request to call it (or to continue on WhatsApp,
//! Telegram or a "new number"), together with a claim to be IT, the help
//! desk, security, HR, payroll, an executive, a bank, a carrier or an
//! identity provider, or with lock-out, pay or deadline pressure; with or
//! without a link. A chat link (`t.me/…`, `wa.me/…`, `signal.me/…`) in a
//! message from "support", an `@handle` beside a chat app's name, or a new
//! group joined by scanning a QR code move the chat by themselves. → `suspicious`; `dangerous` when the story claims to come
//! from inside the organisation and the policy's `never_ask` promises it
//! never asks people to call (quoted). The explanation gives the help
//! desk's published number (`organization.help_phone`, else `help_contact`).
//!
//! ## Why it matters
//! Help-desk vishing: "call the service desk at +1 …" puts the victim on the
//! phone with the attacker, who then asks for the code or the push (FBI PSA
//! I-051424, CISA AA23-320A). No link means no link rule can see it.
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use super::{Finding, MessageRule, MessageSubject, promised_finding};
use crate::engine::explain::Evidence;
use crate::lure::{Claim, Pressure, Request, promise_covering};
use crate::policy::Policy;

/// The registry entry.
pub const RULE: MessageRule = MessageRule {
    id: "callback-lure",
    detects: "a phone number to call (or another chat) with an IT, payroll, bank or security story",
    severity: "suspicious; dangerous when the story is internal and never_ask covers calls",
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
            E::twilio("Your payroll account is locked. Call the payroll team at +1 (415) 555-0132 today.").at(Suspicious),
            E::twilio("Your payroll account is locked. Call the payroll team at +1 (415) 555-0132 today to keep your direct deposit.").at(Suspicious),
            E::builtin("Votre carte bancaire a été bloquée. Appelez immédiatement le 01 23 45 67 89.").at(Suspicious),
            E::builtin("Information Security: a login from overseas on your account. Please call us back at (872) 305-6641 to verify your identity.").at(Suspicious), // the story is the identity check
            E::builtin("This is your CEO. I'm in a meeting, text me on WhatsApp right away, I need a quick favour.").at(Suspicious), // another chat
            E::builtin("Coinbase Support: your case #88213 has been escalated. Continue on Telegram with your agent: t.me/cb_support_desk").at(Suspicious), // a chat link from "support"
            E::builtin("Hello, we have a flexible online job for you. Add my WhatsApp to learn more: wa.me/15550100000").at(Suspicious), // a chat link on WhatsApp's own domain: whoever registered it is at the other end
            E::builtin("Acme HR: due to email issues we're handling tax forms via Telegram today. Message @acme_hr_support to finish yours.").at(Suspicious), // a chat handle
            E::builtin("星野商事の佐藤です。今後の業務連絡は新しいLINEグループで行います。こちらのQRコードから参加してください。").at(Suspicious), // a new group joined by QR
            E::builtin("Telekom: Ihr Anschluss wird heute gesperrt. Klären Sie dies telefonisch unter 0800 555 1234.").at(Suspicious), // a carrier with a line to lose
            E::builtin("【台灣大哥大】您的門號因欠費即將停話，請立即致電 02-1234-5678 處理。").at(Suspicious),
        ],
        not_flagged: &[
            E::twilio("Can you call me back at 555 0199 8877? It's about the slides."),
            E::twilio("Call me when you get home"),
            E::builtin("Join our running club chat: t.me/sunday_runners"), // a chat link, no support story
            E::builtin("Reminder: parent-teacher conference Thu 4:10pm, room 12. If you need to reschedule please call the front office 555-013-4400."),
            E::builtin("Promemoria: visita presso ASL Roma 1 il 12/03 ore 9:00. Per disdire chiamare 06 5550 1234."),
            E::twilio("Your code is 381920. Do not share it. If you did not ask for it, call us on 0800 123 4567."), // a real code notice
            E::twilio("Dentist reminder: your appointment is on Tuesday. To reschedule call 020 7946 0018."),
            E::builtin("Telekom: Ihre Rechnung für November ist online. Fragen? Telefonisch unter 0800 330 1000."), // a carrier's number with no pressure
        ],
    }
};

fn check(m: &MessageSubject<'_>, policy: &Policy) -> Vec<Finding> {
    let f = m.facts;
    let unknown_number = unpublished_number(&f.phones, policy);
    let calls = f.requests.contains(&Request::Call) && unknown_number;
    let chat = f.requests.contains(&Request::Chat) || m.chat_link;
    if !(calls || chat) || f.otp_notice {
        return Vec::new();
    }
    // A chat link ("t.me/…", "wa.me/…") from "support", or a new group to
    // join by scanning a QR code, moves the conversation by itself.
    let moved =
        chat && ((m.chat_link && names_support(m.text)) || f.requests.contains(&Request::Qr));
    let story = f.claims.iter().find(|c| **c != Claim::Delivery).copied();
    // A bank, a carrier or an office with a number to call is what real
    // notices say too ("Questions? Call 0800 …"): it is a lure with a
    // story of pressure or an account to fix, or from inside.
    // An authority (the police, the tax office, a ministry) that asks to
    // be called back on a number in a text is the story by itself.
    let internal_story = f
        .claims
        .iter()
        .any(|c| c.is_internal() || *c == Claim::Government);
    let pressure = f
        .pressure
        .iter()
        .any(|p| matches!(p, Pressure::Lockout | Pressure::Pay | Pressure::Deadline));
    // A scam story (a card payment you do not recognise, a prize) is
    // the pressure too.
    let contact = !f.stories.is_empty();
    // "Call us back to verify your identity" is the story too.
    let account = f.requests.contains(&Request::Credentials);
    if !internal_story && !pressure && !contact && !account && !moved && f.policy_word.is_none() {
        return Vec::new();
    }
    let help = policy
        .organization
        .help_phone
        .as_deref()
        .or(policy.organization.help_contact.as_deref())
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    let evidence = Evidence::Callback {
        lang: f.lang,
        about: story,
        calls,
        chat,
        help,
    };
    let internal = story.is_some_and(Claim::is_internal);
    let promise = promise_covering(policy, "call").filter(|_| internal);
    vec![promised_finding(RULE.id, f.lang, promise, evidence, policy)]
}

/// Link hosts that open a chat with whoever registered the name.
pub const CHAT_HOSTS: &[&str] = &[
    "t.me",
    "telegram.me",
    "telegram.dog",
    "wa.me",
    "chat.whatsapp.com",
    "api.whatsapp.com",
    "signal.me",
    "signal.group",
    "line.me",
    "lin.ee",
    "m.me",
    "invite.viber.com",
];

/// `host` is a chat link host (or under one).
pub fn is_chat_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    CHAT_HOSTS
        .iter()
        .any(|c| host == *c || host.strip_suffix(c).is_some_and(|h| h.ends_with('.')))
}

/// The message says it comes from "support" or an agent (words that are
/// much the same in many languages).
fn names_support(text: &str) -> bool {
    let t = text.to_lowercase();
    [
        "support",
        "agent",
        "soporte",
        "suporte",
        "assistenza",
        "kundenservice",
        "kundendienst",
        "service client",
        "klantenservice",
        "helpdesk",
        "help desk",
        "サポート",
        "担当",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// One of `phones` is not the organisation's own published number (the
/// policy's help phone or contact): that one is not a lure.
pub(crate) fn unpublished_number(phones: &[String], policy: &Policy) -> bool {
    let published: Vec<String> = [
        policy.organization.help_phone.as_deref(),
        policy.organization.help_contact.as_deref(),
    ]
    .into_iter()
    .flatten()
    .flat_map(|c| crate::phone::find(c, 5))
    .map(|p| digits(&p))
    .collect();
    phones
        .iter()
        .any(|p| !published.iter().any(|q| same_number(q, &digits(p))))
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The same number, with or without its country code or trunk zero
/// ("+49 711 4093 2200" and "0711 4093 2200").
fn same_number(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let short = short.trim_start_matches('0');
    short.len() >= 7 && long.ends_with(short)
}

#[cfg(test)]
mod tests {
    use crate::Policy;
    use crate::rules::testing::{builtin, run_message, twilio};
    use expect_test::expect;

    #[test]
    fn callbacks() {
        expect![[r#"suspicious The message asks you to call a number about your pay. Real IT will not ask you to call a number from a text. Call the help desk on the number your organisation published (on the intranet or your badge), not the one in the message."#]]
            .assert_eq(&run_message("callback-lure", &twilio(), "Your payroll account is locked. Call the payroll team at +1 (415) 555-0132 today to keep your direct deposit."));
        let p = Policy::from_toml(
            r#"
[organization]
name = "Acme"
never_ask = ["Acme IT will never ask you to call a number sent by text."]
help_phone = "+1 555 0100 (ext. 4444)"
"#,
            "test",
        )
        .unwrap();
        expect![[r#"dangerous The message asks you to call a number about an IT or help-desk problem. Real IT will not ask you to call a number from a text. Call the help desk on the number your organisation published: +1 555 0100 (ext. 4444). Acme has promised: “Acme IT will never ask you to call a number sent by text.”"#]]
            .assert_eq(&run_message("callback-lure", &p, "IT Service Desk: your VPN access expires tonight. Call us on 0800 123 4567 to keep it."));
        expect!["suspicious Le message vous demande d'appeler un numéro au sujet de votre compte bancaire ou de votre carte. N'appelez pas le numéro du message : en cas de doute, appelez l'entreprise au numéro de son site, de votre carte ou de votre facture."]
            .assert_eq(&run_message("callback-lure", &builtin(), "Votre carte bancaire a été bloquée. Appelez immédiatement le 01 23 45 67 89."));
        expect!["suspicious Die Nachricht fordert Sie auf, wegen Ihres Mobilfunkanschlusses eine Nummer anzurufen. Rufen Sie nicht die Nummer aus der Nachricht an: Wenn Sie unsicher sind, rufen Sie das Unternehmen unter der Nummer von seiner Website, Ihrer Karte oder Ihrer Rechnung an."]
            .assert_eq(&run_message("callback-lure", &builtin(), "Telekom: Ihr Anschluss wird heute gesperrt. Klären Sie dies telefonisch unter 0800 555 1234."));
        expect![""].assert_eq(&run_message("callback-lure", &builtin(), "Telekom: Ihre Rechnung für November ist online. Fragen? Telefonisch unter 0800 330 1000."));
        expect![[r#"suspicious The message asks you to move the conversation to another app or number, away from the channels your organisation uses."#]]
            .assert_eq(&run_message("callback-lure", &builtin(), "This is your CEO. I'm in a meeting, text me on WhatsApp right away, I need a quick favour."));
    }
}

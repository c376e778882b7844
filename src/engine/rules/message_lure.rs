//! `message-lure`: the story around a sign-in lure.
//!
//! ## What it flags
//! Cues from the 0ktapus texts, the CISA Scattered Spider advisory and the
//! smishing literature, in any of the vocabulary languages
//! ([`crate::lure`]): a locked or expiring account or password, a request to
//! sign in or confirm an account, a schedule, pay or HR change, a claim to
//! be IT, the help desk or security, a request to install a remote-access
//! tool, words the policy flags (`[detection] lure_words`), urgency.
//! - A request to install a remote-access tool, or a link to an app file
//!   (`.apk`, `.ipa`, `.exe`, `.msi`) → `suspicious`, with or without a link.
//! - A request to send personal or bank details (a date of birth, routing
//!   and account numbers) from someone claiming to be a company, or under
//!   lock-out or pay pressure → `suspicious`; `dangerous` when the story is
//!   internal and the policy's `never_ask` covers such details (quoted).
//! - Any other cue together with a link that is not the organisation's own →
//!   `suspicious`; on its own → `info`. Urgency only counts beside another cue.
//!
//! Requests for a code, a push approval or a call have their own rules
//! (`code-request`, `push-approval`, `callback-lure`), as do consumer stories
//! (`consumer-lure`) and hidden links (`hidden-link-lure`).
//!
//! ## Why it matters
//! The link is only half the attack; the story is what makes people act.
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use super::{Finding, MessageRule, MessageSubject, Severity, promised_finding};
use crate::engine::explain::{Evidence, LureCue};
use crate::lure::{Claim, Pressure, Request, promise_covering};
use crate::policy::Policy;

/// The registry entry.
pub const RULE: MessageRule = MessageRule {
    id: "message-lure",
    detects: "a message that tells a sign-in lure story (account locked or expiring, schedule/HR/pay change, IT helpdesk, remote-access tool or app link, personal or bank details to send, urgency)",
    severity: "suspicious for a remote-access tool or a lure with a link, else info",
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
            E::builtin("HSBC: Your account has been suspended. Please reply with your full name and date of birth to reactivate.").at(Suspicious), // personal details, no link
            E::builtin("Acme Payroll: we need to re-verify your bank info for the new payroll system. Reply with your routing & account number to avoid a missed paycheck.").at(Suspicious),
            E::twilio("IT Department: your password has expired. Log in at twilio-sso.com to keep access.").at(Suspicious),
            E::builtin("Acme Freight: all drivers must install the new DispatchPro app before Monday: acme-dispatchpro.com/app.apk").at(Suspicious), // an app from a link, not the store
            E::builtin("Microsoft Support: your PC has been infected with spyware. Call 1-555-017-3300 and a technician will connect remotely to remove it.").at(Suspicious), // remote access by phone
            E::twilio("IT here: your password expired, log in at twilio-sso.com").at(Suspicious),
            E::twilio("Your schedule has changed, please check today at twilio-okta.com").at(Suspicious),
            E::twilio("Service informatique : votre mot de passe a expiré. Connectez-vous sur twilio-sso.com.").at(Suspicious),
            E::twilio("Helpdesk here: please install AnyDesk so we can fix your laptop.").at(Suspicious), // a remote-access tool, no link
            E::twilio("A contract was shared with you. Sign in with your Microsoft account to view it: https://shared-files-view.com/d/1").at(Suspicious), // a shared document behind a sign-in
            E::twilio("Your shift schedule changed for next week").at(Info), // a lure without a link
        ],
        not_flagged: &[
            E::builtin("Can you send me your full name and date of birth for the flight booking?"), // a colleague booking travel: no company, no pressure
            E::twilio("See you at 6, bring the cake"),
            E::twilio("Call me today"),
            E::twilio("I forgot my password again lol, going to reset it later"),
        ],
    }
};

fn check(m: &MessageSubject<'_>, policy: &Policy) -> Vec<Finding> {
    let f = m.facts;
    // "Reply with your full name and date of birth", "your routing and
    // account number": personal or bank details asked for by someone
    // claiming to be a company, or under pressure.
    let data = f.requests.contains(&Request::Data)
        && (f.claims.iter().any(|c| *c != Claim::Delivery)
            || f.pressure
                .iter()
                .any(|p| matches!(p, Pressure::Lockout | Pressure::Pay)));
    // An app to install from a link rather than the store (".apk") is the
    // remote-access story by itself.
    let install = m.app_link
        || f.requests.contains(&Request::Install)
            && (f.claims.iter().any(|c| *c != Claim::Delivery)
                || f.pressure.contains(&Pressure::Lockout)
                || remote_tool(m.text));
    let account = f.pressure.contains(&Pressure::Lockout);
    // "View it with your Microsoft account", "sign in to listen to your
    // voicemail": a sign-in asked for without an account in trouble.
    let sign_in = !account && f.requests.contains(&Request::Credentials);
    let schedule = f.pressure.contains(&Pressure::Schedule)
        || f.claims
            .iter()
            .any(|c| matches!(c, Claim::Hr | Claim::Payroll));
    let it = f
        .claims
        .iter()
        .any(|c| matches!(c, Claim::It | Claim::Helpdesk | Claim::Security));
    let mut cues: Vec<LureCue> = Vec::new();
    if data {
        cues.push(LureCue::Data);
    }
    if install {
        cues.push(LureCue::Install);
    }
    if account {
        cues.push(LureCue::Lockout);
    }
    if sign_in {
        cues.push(LureCue::SignIn);
    }
    if schedule {
        cues.push(LureCue::Schedule);
    }
    if it {
        cues.push(LureCue::ClaimsIt);
    }
    if let Some(w) = &f.policy_word {
        cues.push(LureCue::PolicyWord(w.clone()));
    }
    if cues.is_empty() {
        return Vec::new();
    }
    if f.pressure.contains(&Pressure::Deadline) {
        cues.push(LureCue::Deadline);
    }
    let severity = if install || data || m.risky_link {
        Severity::Suspicious
    } else {
        Severity::Info
    };
    let evidence = Evidence::LureStory {
        lang: f.lang,
        cues,
        warned: severity == Severity::Suspicious,
    };
    // The organisation's promise never to ask for such details, for a
    // message claiming to come from inside it.
    if data {
        let internal = f.claims.iter().any(|c| c.is_internal());
        let promise = promise_covering(policy, "data").filter(|_| internal);
        return vec![promised_finding(RULE.id, f.lang, promise, evidence, policy)];
    }
    vec![Finding {
        rule: RULE.id,
        severity,
        brand: None,
        evidence,
    }]
}

/// A remote-access tool named in the words (not in a link).
fn remote_tool(text: &str) -> bool {
    let t = text.to_lowercase();
    [
        "anydesk",
        "teamviewer",
        "screenconnect",
        "connectwise",
        "splashtop",
        "rustdesk",
        "quick assist",
        "quickassist",
        "logmein",
        "supremo",
    ]
    .iter()
    .any(|w| t.contains(w))
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{run_message, twilio};
    use expect_test::expect;

    fn run(text: &str) -> String {
        run_message("message-lure", &twilio(), text)
    }

    #[test]
    fn incident_texts() {
        expect!["suspicious The message says your password or account needs attention and claims to come from IT, the helpdesk or the security team. Attackers use exactly these stories to rush people into typing a password or code on a fake page."]
            .assert_eq(&run("IT Department: your password has expired. Log in at twilio-sso.com to keep access."));
        expect!["suspicious The message says your schedule, pay or HR details changed and pushes you to act right away. Attackers use exactly these stories to rush people into typing a password or code on a fake page."]
            .assert_eq(&run("Your schedule has changed, please check today at twilio-okta.com"));
        expect!["suspicious Le message dit que votre mot de passe ou votre compte demande une action et prétend venir du service informatique, du support ou de l'équipe sécurité. Les attaquants utilisent exactement ces histoires pour pousser à saisir un mot de passe ou un code sur une fausse page."]
            .assert_eq(&run("Service informatique : votre mot de passe a expiré. Connectez-vous sur twilio-sso.com."));
        // A sign-in asked for with no account in trouble says so.
        expect!["suspicious The message asks you to sign in or confirm your account. Attackers use exactly these stories to rush people into typing a password or code on a fake page."]
            .assert_eq(&run("A contract was shared with you. Sign in with your Microsoft account to view it: https://shared-files-view.com/d/1"));
    }

    #[test]
    fn personal_data_requests() {
        expect!["suspicious The message asks you to send personal or bank details (your name, date of birth or account numbers) and says your password or account needs attention. Attackers use exactly these stories to rush people into typing a password or code on a fake page."]
            .assert_eq(&run_message("message-lure", &crate::rules::testing::builtin(), "HSBC: Your account has been suspended. Please reply with your full name and date of birth to reactivate."));
        let p = crate::Policy::from_toml(
            r#"
[organization]
name = "Payfield"
never_ask = ["Payfield will never ask you by text to send your bank details."]
"#,
            "test",
        )
        .unwrap();
        expect!["dangerous The message asks you to send personal or bank details (your name, date of birth or account numbers), asks you to sign in or confirm your account and says your schedule, pay or HR details changed. Attackers use exactly these stories to rush people into typing a password or code on a fake page. Payfield has promised: “Payfield will never ask you by text to send your bank details.”"]
            .assert_eq(&run_message("message-lure", &p, "Payroll: we need to re-verify your bank info for the new payroll system. Reply with your routing & account number to avoid a missed paycheck."));
    }

    #[test]
    fn remote_tools_count_without_a_link() {
        expect!["suspicious The message asks you to install a remote-access tool and claims to come from IT, the helpdesk or the security team. Attackers use exactly these stories to rush people into typing a password or code on a fake page."]
            .assert_eq(&run("Helpdesk here: please install AnyDesk so we can fix your laptop."));
    }

    #[test]
    fn lure_without_link_is_info() {
        expect!["info The message says your schedule, pay or HR details changed."]
            .assert_eq(&run("Your shift schedule changed for next week"));
    }
}

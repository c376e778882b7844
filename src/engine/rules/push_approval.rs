//! `push-approval`: the message asks you to approve a sign-in prompt.
//!
//! ## What it flags
//! "I'm sending a push, please hit Approve", "tap Yes on the notification",
//! "type the number 42 in your authenticator" (number matching), in any of
//! the vocabulary languages, not negated. → `suspicious`; `dangerous` when
//! the policy's `never_ask` promise covers MFA or push approvals (quoted).
//!
//! ## Why it matters
//! MFA fatigue: the attacker already has the password and needs one tap
//! (Uber 2022, Cisco 2022; CISA AA23-320A).
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use super::{Finding, MessageRule, MessageSubject, promised_finding};
use crate::engine::explain::Evidence;
use crate::lure::{Request, promise_covering, word};
use crate::policy::Policy;

/// The registry entry.
pub const RULE: MessageRule = MessageRule {
    id: "push-approval",
    detects: "a message that asks you to approve a sign-in prompt (push, number matching)",
    severity: "suspicious; dangerous when the policy's never_ask covers MFA prompts",
    examples: EXAMPLES,
    check,
};

/// What it flags and what it must not, each with the policy it is judged
/// under: run by the registry test in `rules/mod.rs`, printed in the rule table.
const EXAMPLES: super::Examples = {
    use super::Example as E;
    use super::Severity::{Dangerous, Suspicious};
    super::Examples {
        flagged: &[
            E::twilio("IT here, I'm sending a push to your phone now, please hit Approve.").at(Dangerous),
            E::builtin("Please approve the Duo push we sent").at(Suspicious),
            E::builtin("IT support: your authenticator needs re-registering. When the app asks, type 62 and confirm.").at(Suspicious), // number matching: the sender gives the number
            E::builtin("Hallo, hier ist die IT-Abteilung. Bitte bestätigen Sie gleich die Push-Benachrichtigung auf Ihrem Handy.").at(Suspicious),
            E::twilio("Twilio IT: a prompt will pop up on your phone in a minute, just accept it.").at(Dangerous), // "it" is the prompt, in a sign-in story
            E::builtin("Swedbank säkerhetsavdelning: öppna BankID-appen och godkänn nu för att stoppa överföringen.").at(Suspicious),
            E::twilio("IT desk: I'm sending you a push now. It is a sign-in you started, so just approve it.").at(Dangerous), // the sender sends the prompt: no guard
            E::builtin("Seguridad TI: detectamos un acceso nuevo. Abre la app y marca el número 52 para confirmar que eres tú.").at(Suspicious), // a dial verb and the number
        ],
        not_flagged: &[
            E::twilio("Your Duo push was approved at 09:12."),
            E::twilio("Did you try to sign in? If not, deny the request and tell IT."),
            E::twilio("Never approve a push you did not start."),
            E::builtin("IT: from Monday, type the number shown on the sign-in screen into Okta Verify. Only do this for sign-ins you started."), // a notice about number matching
            E::twilio("Can you approve my expense report when you get a chance?"),
            E::builtin("The offer letter is attached, please accept it by Friday."), // "it" is no prompt
            E::twilio("IT: number matching starts Monday. When you sign in, type the number on your screen into Okta Verify."), // your own sign-in
            E::twilio("Peux-tu approuver ma demande de congé pour vendredi ?"), // a leave request, no sign-in story
            E::builtin("Kapsalon Anouk: uw afspraak is morgen om 10.00 uur. Antwoord JA om te bevestigen."), // reply YES to an appointment
        ],
    }
};

fn check(m: &MessageSubject<'_>, policy: &Policy) -> Vec<Finding> {
    let f = m.facts;
    // "Only approve sign-ins you started" warns about prompts: a notice.
    if !f.requests.contains(&Request::Push) || f.push_guard {
        return Vec::new();
    }
    vec![promised_finding(
        RULE.id,
        f.lang,
        promise_covering(policy, "push"),
        Evidence::Said(word(f.lang, "push_approval")),
        policy,
    )]
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{builtin, run_message, twilio};
    use expect_test::expect;

    #[test]
    fn push_requests() {
        expect![[r#"dangerous The message asks you to approve a sign-in prompt (a push, or a number to type in your authenticator). Approving a prompt you did not start lets the sender into your account. Twilio has promised: “Twilio will never ask for your password or 2FA code anywhere other than the twilio.com portal.”"#]]
            .assert_eq(&run_message("push-approval", &twilio(), "IT here, I'm sending a push to your phone now, please hit Approve."));
        expect![[r#"suspicious The message asks you to approve a sign-in prompt (a push, or a number to type in your authenticator). Approving a prompt you did not start lets the sender into your account."#]]
            .assert_eq(&run_message("push-approval", &builtin(), "Please approve the Duo push we sent"));
        expect![[r#"suspicious Die Nachricht fordert Sie auf, eine Anmeldeanfrage zu bestätigen (eine Push-Nachricht oder eine Zahl in Ihrer Authenticator-App). Wer eine Anfrage bestätigt, die er nicht selbst ausgelöst hat, lässt den Absender in sein Konto."#]]
            .assert_eq(&run_message("push-approval", &builtin(), "Hallo, hier ist die IT-Abteilung. Bitte bestätigen Sie gleich die Push-Benachrichtigung auf Ihrem Handy."));
    }

    #[test]
    fn the_sender_gives_the_prompt_or_the_number() {
        expect!["dangerous The message asks you to approve a sign-in prompt (a push, or a number to type in your authenticator). Approving a prompt you did not start lets the sender into your account. Twilio has promised: “Twilio will never ask for your password or 2FA code anywhere other than the twilio.com portal.”"]
            .assert_eq(&run_message("push-approval", &twilio(), "IT desk: I'm sending you a push now. It is a sign-in you started, so just approve it."));
        expect!["suspicious El mensaje le pide que apruebe una solicitud de inicio de sesión (una notificación o un número que escribir en su autenticador). Aprobar una solicitud que usted no inició deja entrar al remitente en su cuenta."]
            .assert_eq(&run_message("push-approval", &builtin(), "Seguridad TI: detectamos un acceso nuevo. Abre la app y marca el número 52 para confirmar que eres tú."));
        expect![""].assert_eq(&run_message(
            "push-approval",
            &twilio(),
            "Peux-tu approuver ma demande de congé pour vendredi ?",
        ));
    }

    #[test]
    fn the_prompt_named_before_a_pronoun() {
        expect![[r#"dangerous The message asks you to approve a sign-in prompt (a push, or a number to type in your authenticator). Approving a prompt you did not start lets the sender into your account. Twilio has promised: “Twilio will never ask for your password or 2FA code anywhere other than the twilio.com portal.”"#]]
            .assert_eq(&run_message("push-approval", &twilio(), "Twilio IT: a prompt will pop up on your phone in a minute, just accept it."));
        expect![[r#"suspicious 这条消息要求您批准一个登录请求（推送通知，或在身份验证器中输入的数字）。批准不是您自己发起的请求，就等于让发送者进入您的账户。"#]]
            .assert_eq(&run_message("push-approval", &builtin(), "信息中心通知：系统升级中，稍后您会收到一个推送，请点击批准完成验证。"));
        expect![""].assert_eq(&run_message(
            "push-approval",
            &builtin(),
            "The offer letter is attached, please accept it by Friday.",
        ));
    }
}

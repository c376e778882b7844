//! `code-request`: the message asks for a one-time code or a password.
//!
//! ## What it flags
//! "Read me the code you just got", "reply with the 6-digit code", "send us
//! your password": a verb of giving (send, reply, read out, forward, tell)
//! with a code or password as its object, in any of the vocabulary
//! languages ([`crate::lure`]), and not turned around by a negation in the
//! same clause. → `suspicious`; `dangerous` when the policy's `never_ask`
//! promises that the organisation never asks for codes or passwords (the
//! explanation quotes the promise).
//!
//! ## Why it matters
//! Since 2022 the same crews ask for the code itself: whoever has the code
//! signs in as you (CISA AA23-320A; the 0ktapus texts).
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
    id: "code-request",
    detects: "a message that asks you to send, read out or forward a one-time code or password",
    severity: "suspicious; dangerous when the policy's never_ask promises the organisation never asks for codes",
    examples: EXAMPLES,
    check,
};

/// What it flags and what it must not, each with the policy it is judged
/// under: run by the registry test in `rules/mod.rs`, printed in the rule table.
const EXAMPLES: super::Examples = {
    use super::Example as E;
    use super::Severity::Dangerous;
    super::Examples {
        flagged: &[
            E::twilio("Hi, this is the service desk. Read me the 6-digit code you just got so I can verify your account.").at(Dangerous),
            E::twilio("This is the helpdesk. Please reply with the code we just sent you.").at(Dangerous),
            E::twilio("Hola, soy de soporte técnico. Por favor, envíame el código que te acaba de llegar por SMS.").at(Dangerous),
            E::builtin("Sorry, I typed your number instead of mine and the code went to you. Can you send it back to me?").at(Dangerous), // the code is "it"
            E::builtin("Ciao, ti arriva un SMS con un codice a 6 cifre, dimmelo qui così finisco").at(Dangerous),
            E::twilio("Twilio IT: you'll get a 6-digit code in a minute, reply with it so we can finish the move.").at(Dangerous), // "it" is the code named before
            E::twilio("IT service desk: paste the passcode you receive in this chat.").at(Dangerous), // a verb of typing, and whom it goes to
            E::builtin("Cześć, wysłałem ci kod przez pomyłkę, możesz mi go przesłać?").at(Dangerous),
            E::builtin("你好，我刚才不小心把验证码发到你手机上了，麻烦把验证码发给我。").at(Dangerous),
            E::builtin("Soy del soporte técnico, te llegó un código por SMS, mándamelo por aquí para cerrar la incidencia.").at(Dangerous), // a clitic glued to the verb
            E::builtin("BT destek: telefonunuza gelen doğrulama kodunu bize iletir misiniz?").at(Dangerous), // the polite form
        ],
        not_flagged: &[
            E::twilio("Your code is 123456. Do not share it."), // a real code notice warns against sharing
            E::twilio("Your verification code is 123456. Do not share it with anyone."),
            E::twilio("Your Okta Verify code is 482913. Do not share this code."),
            E::twilio("Use promo code SPRING20 for 20% off"),
            E::twilio("What's the door code for the office again?"),
            E::twilio("Never share your code. Twilio staff will never ask you to send it."),
            E::twilio("Tu código de verificación es 739201. No lo compartas con nadie."),
            E::builtin("Your package arrives today. Share the one-time password 482911 with the driver at the door."), // it hands out the code
            E::twilio("55018342 is your one-time passcode. Twilio will never call, text or email asking for it."), // a real notice
            E::twilio("You'll receive a code by text: enter it on the sign-in page."), // typing it, but to no one
            E::twilio("Did you get the meeting code for the Zoom? Send it to me when you can."), // not a sign-in code
            E::builtin("Doğrulama kodunuz 482913. Bu kodu kimseyle paylaşmayın."),
            E::twilio("Can you text the wifi password to the new intern? It's on the fridge."), // a wifi password is no sign-in code
            E::twilio("Outlook keeps asking for my password again. Can you forward me the Q3 memo?"), // "me" is followed by an object of its own
        ],
    }
};

fn check(m: &MessageSubject<'_>, policy: &Policy) -> Vec<Finding> {
    let f = m.facts;
    if !f.requests.contains(&Request::Code) {
        return Vec::new();
    }
    vec![promised_finding(
        RULE.id,
        f.lang,
        promise_covering(policy, "code"),
        Evidence::Said(word(f.lang, "code_request")),
        policy,
    )]
}

#[cfg(test)]
mod tests {
    use crate::Policy;
    use crate::rules::testing::{run_message, twilio};
    use expect_test::expect;

    fn run(text: &str) -> String {
        run_message("code-request", &twilio(), text)
    }

    #[test]
    fn code_requests() {
        expect![[r#"dangerous The message asks you to send, read out or forward a one-time code or password. A real sign-in never needs someone else to have your code: whoever gets it can sign in as you. Twilio has promised: “Twilio will never ask for your password or 2FA code anywhere other than the twilio.com portal.”"#]]
            .assert_eq(&run("Hi, this is the service desk. Read me the 6-digit code you just got so I can verify your account."));
        expect![[r#"suspicious The message asks you to send, read out or forward a one-time code or password. A real sign-in never needs someone else to have your code: whoever gets it can sign in as you."#]]
            .assert_eq(&run_message("code-request", &Policy::from_toml("", "empty").unwrap(), "Please reply with the code we just sent you."));
        expect![[r#"dangerous El mensaje le pide que envíe, lea en voz alta o reenvíe un código de un solo uso o una contraseña. Quien tenga el código puede iniciar sesión en su nombre. Twilio ha prometido: “Twilio will never ask for your password or 2FA code anywhere other than the twilio.com portal.”"#]]
            .assert_eq(&run("Hola, soy de soporte técnico. Por favor, envíame el código que te acaba de llegar por SMS."));
    }

    #[test]
    fn glued_clitics_and_polite_forms() {
        expect!["dangerous El mensaje le pide que envíe, lea en voz alta o reenvíe un código de un solo uso o una contraseña. Quien tenga el código puede iniciar sesión en su nombre. Recuerde: “Real companies and IT teams never ask for your password or a one-time code by text message, and never need you to sign in through a link sent by text.”"]
            .assert_eq(&run_message("code-request", &crate::rules::testing::builtin(), "Soy del soporte técnico, te llegó un código por SMS, mándamelo por aquí para cerrar la incidencia."));
        expect!["dangerous Mesaj, tek kullanımlık bir kodu veya şifreyi göndermenizi, okumanızı ya da iletmenizi istiyor. Gerçek bir giriş, kodunuzun başkasında olmasını asla gerektirmez: kodu alan kişi sizin yerinize giriş yapabilir. Unutmayın: “Real companies and IT teams never ask for your password or a one-time code by text message, and never need you to sign in through a link sent by text.”"]
            .assert_eq(&run_message("code-request", &crate::rules::testing::builtin(), "BT destek: telefonunuza gelen doğrulama kodunu bize iletir misiniz?"));
        expect![""].assert_eq(&run(
            "Outlook keeps asking for my password again. Can you forward me the Q3 memo?",
        ));
    }

    #[test]
    fn the_code_named_before_a_pronoun_or_an_addressee() {
        expect![[r#"dangerous The message asks you to send, read out or forward a one-time code or password. A real sign-in never needs someone else to have your code: whoever gets it can sign in as you. Twilio has promised: “Twilio will never ask for your password or 2FA code anywhere other than the twilio.com portal.”"#]]
            .assert_eq(&run("Twilio IT: you'll get a 6-digit code in a minute, reply with it so we can finish the move."));
        expect![[r#"suspicious Wiadomość prosi o wysłanie, odczytanie lub przekazanie kodu jednorazowego albo hasła. Prawdziwe logowanie nigdy nie wymaga, by ktoś inny znał twój kod: kto go dostanie, może zalogować się jako ty."#]]
            .assert_eq(&run_message("code-request", &Policy::from_toml("", "empty").unwrap(), "Cześć, wysłałem ci kod przez pomyłkę, możesz mi go przesłać?"));
        expect![[r#"suspicious 이 메시지는 일회용 인증번호나 비밀번호를 보내거나, 불러주거나, 전달하라고 요구합니다. 진짜 로그인에는 다른 사람이 내 인증번호를 알아야 할 일이 없습니다. 번호를 받은 사람은 내 계정으로 로그인할 수 있습니다."#]]
            .assert_eq(&run_message("code-request", &Policy::from_toml("", "empty").unwrap(), "전산팀입니다. 방금 받은 인증번호를 이 채팅창에 입력해 주세요."));
        expect![""].assert_eq(&run(
            "You'll receive a code by text: enter it on the sign-in page.",
        ));
    }
}

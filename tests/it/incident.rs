//! The 2022 Twilio incident, end to end through `analyze`.

use expect_test::expect;
use secondlook::{Verdict, analyze};

use crate::twilio;

/// Realistic texts in the style the attackers sent (password expiry,
/// schedule change, IT helpdesk), one per incident domain.
const INCIDENT: &[(&str, &str, &str)] = &[
    (
        "Twilio IT: your password has expired. Log in at twilio-sso.com to restore access.",
        "twilio-sso.com",
        "Twilio",
    ),
    (
        "Your schedule has changed. Please review it today: https://twilio.net/schedule",
        "twilio.net",
        "Twilio",
    ),
    (
        "Helpdesk notice: sign in at twilio.org/login within 24 hours or your account will be locked.",
        "twilio.org",
        "Twilio",
    ),
    (
        "SendGrid IT: action required, verify your account at sendgrid-okta.org",
        "sendgrid-okta.org",
        "SendGrid",
    ),
    (
        "Your password expires today. Reset it now: http://twilio-okta.net/reset",
        "twilio-okta.net",
        "Twilio",
    ),
    (
        "Twilio HR: your shift schedule was updated, log in at twilio-okta.com to see it",
        "twilio-okta.com",
        "Twilio",
    ),
];

#[test]
fn all_six_incident_domains_are_dangerous_and_name_the_brand() {
    let p = twilio();
    for (sms, domain, brand) in INCIDENT {
        let a = analyze(sms, &p);
        assert_eq!(a.verdict, Verdict::Dangerous, "{sms}");
        let link = a
            .links
            .iter()
            .find(|l| l.link.host.as_ref().is_some_and(|h| h.ascii == *domain))
            .unwrap_or_else(|| panic!("{domain} not found in {sms}"));
        assert_eq!(link.verdict, Verdict::Dangerous, "{domain}");
        let named = link.brand.as_ref().map(|b| b.name());
        assert_eq!(named, Some(*brand), "{domain}");
        assert!(
            a.explanation().contains("Twilio will never ask"),
            "{domain}: never_ask shown"
        );
    }
}

#[test]
fn own_domains_and_the_portal_are_safe() {
    let p = twilio();
    for text in [
        "twilio.com",
        "https://www.twilio.com/login",
        "https://twilio.okta.com",
        "sendgrid.com",
    ] {
        let a = analyze(text, &p);
        assert_eq!(a.verdict, Verdict::Safe, "{text}");
    }
}

#[test]
fn unknown_is_not_safe() {
    let a = analyze("see https://example.org/page", &twilio());
    assert_eq!(a.verdict, Verdict::Unknown);
    expect![[r#"
        Unknown: no warning signs, but Second Look cannot vouch for this link. Unknown is not safe: open it only if you expected it."#]]
    .assert_eq(&a.explanation());
}

#[test]
fn incident_message_explanation_word_for_word() {
    let a = analyze(
        "Twilio IT Department: your password has expired. Log in at twilio-okta.net to keep access.",
        &twilio(),
    );
    expect![[r#"
        Dangerous: do not open the link, reply or enter anything.
        Link twilio-okta.net (imitates Twilio): twilio-okta.net is not Twilio's: it adds “-okta” to Twilio's name and ends in .net. Twilio signs in only at https://twilio.okta.com. Did you mean twilio.com?
        The message says your password or account needs attention and claims to come from IT, the helpdesk or the security team. Attackers use exactly these stories to rush people into typing a password or code on a fake page.
        Twilio will never ask for your password or 2FA code anywhere other than the twilio.com portal."#]]
    .assert_eq(&a.explanation());
}

#[test]
fn a_code_request_without_a_link_is_flagged() {
    // Twilio's promise covers codes: asking for one is dangerous, and the
    // advice fits a message without a link.
    let a = analyze(
        "This is the Twilio helpdesk. Please reply with the 6-digit code we just sent you.",
        &twilio(),
    );
    assert_eq!(a.verdict, Verdict::Dangerous);
    assert!(a.links.is_empty());
    expect![[r#"
        Dangerous: do not reply.
        The message asks you to send, read out or forward a one-time code or password. A real sign-in never needs someone else to have your code: whoever gets it can sign in as you. Twilio has promised: “Twilio will never ask for your password or 2FA code anywhere other than the twilio.com portal.”
        The message claims to come from IT, the helpdesk or the security team."#]]
    .assert_eq(&a.explanation());
}

#[test]
fn a_callback_without_a_link_is_flagged_and_says_whom_to_call() {
    let a = analyze(
        "Twilio IT: suspicious sign-in on your account. Call the service desk now on +1 (628) 555-0199 and approve the push we send.",
        &twilio(),
    );
    assert_eq!(a.verdict, Verdict::Dangerous);
    expect![[r#"
        Dangerous: do not reply, do not call the number, do not approve.
        The message asks you to approve a sign-in prompt (a push, or a number to type in your authenticator). Approving a prompt you did not start lets the sender into your account. Twilio has promised: “Twilio will never ask for your password or 2FA code anywhere other than the twilio.com portal.”
        The message asks you to call a number about an IT or help-desk problem. Real IT will not ask you to call a number from a text. Call the help desk on the number your organisation published (on the intranet or your badge), not the one in the message.
        The message says your password or account needs attention and claims to come from IT, the helpdesk or the security team."#]]
    .assert_eq(&a.explanation());
}

#[test]
fn webotp_for_an_owned_domain_is_not_a_lure() {
    let a = analyze(
        "Your Twilio verification code is 493021. Do not share it.\n\n@twilio.com #493021",
        &twilio(),
    );
    assert!(
        a.verdict <= Verdict::Unknown || a.verdict == Verdict::Safe,
        "{}",
        a.verdict
    );
    assert!(
        a.message_findings
            .iter()
            .all(|f| f.severity < secondlook::rules::Severity::Suspicious)
    );
}

#[test]
fn real_one_time_code_messages_are_not_flagged() {
    let a = analyze(
        "Your Twilio verification code is 493021. Do not share it with anyone.",
        &twilio(),
    );
    assert_eq!(a.verdict, Verdict::Unknown);
    assert!(a.message_findings.is_empty());
}

#[test]
fn default_policy_protects_without_a_company_policy() {
    let p = secondlook::Policy::builtin().unwrap();
    for (text, brand) in [
        (
            "Your Microsoft 365 password expires today: microsoft-sso-login.com",
            "Microsoft",
        ),
        ("Okta: verify your device at okta-verify-login.net", "Okta"),
        (
            "USPS: your parcel is held, pay the fee at usps-tracking-fee.com",
            "USPS",
        ),
        (
            "PayPal: your account is locked, go to https://paypal.com.account-verify.info",
            "PayPal",
        ),
        ("Apple ID suspended, restore at appleid-verify.com", "Apple"),
    ] {
        let a = analyze(text, &p);
        assert_eq!(a.verdict, Verdict::Dangerous, "{text}");
        let named = a.links[0].brand.as_ref().map(|b| b.name());
        assert_eq!(named, Some(brand), "{text}");
    }
    assert_eq!(
        analyze("https://login.microsoftonline.com", &p).verdict,
        Verdict::Safe
    );
    assert_eq!(
        analyze("https://accounts.google.com", &p).verdict,
        Verdict::Safe
    );
    // A customer's tenant on a shared platform is not the platform's own page.
    assert_eq!(
        analyze("https://evil-corp.okta.com", &p).verdict,
        Verdict::Unknown
    );
    assert_eq!(
        analyze("https://docs.google.com/forms/d/x", &p).verdict,
        Verdict::Unknown
    );
}

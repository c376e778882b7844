//! Every form of link the issue lists, found with its exact byte span.

use secondlook::{Verdict, analyze};

use crate::twilio;

/// (message, expected link texts as written, expected hosts as ASCII)
fn found(text: &str) -> Vec<(String, String)> {
    let a = analyze(text, &twilio());
    // Links as read (not the readings found inside them: tested apart).
    a.links
        .iter()
        .filter(|l| l.link.via.is_none())
        .map(|l| {
            assert_eq!(&text[l.link.span.clone()], l.link.text, "span matches text");
            (
                l.link.text.clone(),
                l.link
                    .host
                    .as_ref()
                    .map(|h| h.ascii.clone())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn schemes_and_scheme_less() {
    assert_eq!(
        found(
            "Go to https://a.example.com/x?y=1, http://b.example.org. Or twilio-okta.com/reset, www.example.com and login.example.co.uk!"
        ),
        pairs(&[
            ("https://a.example.com/x?y=1", "a.example.com"),
            ("http://b.example.org", "b.example.org"),
            ("twilio-okta.com/reset", "twilio-okta.com"),
            ("www.example.com", "www.example.com"),
            ("login.example.co.uk", "login.example.co.uk"),
        ])
    );
}

#[test]
fn punctuation_quotes_brackets_and_emoji_are_not_part_of_links() {
    assert_eq!(
        found(
            "(see twilio-sso.com) \"twilio.net\" [https://twilio.org/a]. 👉twilio-okta.com👈 <https://x.example.com/p>"
        ),
        pairs(&[
            ("twilio-sso.com", "twilio-sso.com"),
            ("twilio.net", "twilio.net"),
            ("https://twilio.org/a", "twilio.org"),
            ("twilio-okta.com", "twilio-okta.com"),
            ("https://x.example.com/p", "x.example.com"),
        ])
    );
}

#[test]
fn defanged_forms_are_refanged_and_said_so() {
    let text =
        "IOCs: hxxps[:]//twilio-okta[.]net/a, hxxp://sendgrid-okta(.)org, twilio-sso[dot]com";
    assert_eq!(
        found(text),
        pairs(&[
            ("hxxps[:]//twilio-okta[.]net/a", "twilio-okta.net"),
            ("hxxp://sendgrid-okta(.)org", "sendgrid-okta.org"),
            ("twilio-sso[dot]com", "twilio-sso.com"),
        ])
    );
    let a = analyze(text, &twilio());
    assert!(a.links.iter().all(|l| l.link.refanged()));
    assert!(a.links[0].explanation().starts_with("It is written so that it does not look like a link (“hxxps[:]//twilio-okta[.]net/a”); read normally, it is https://twilio-okta.net/a."));
}

#[test]
fn unicode_punycode_fullwidth_and_invisible() {
    let text =
        "tẁilio.com or https://xn--tilio-1v1b.com or twilio\u{FF0E}net or tw\u{200B}ilio-sso.com";
    let f = found(text);
    assert_eq!(f[0].1, "xn--tilio-1v1b.com");
    assert_eq!(f[1].1, "xn--tilio-1v1b.com");
    assert_eq!(
        f[2],
        ("twilio\u{FF0E}net".to_string(), "twilio.net".to_string())
    );
    assert_eq!(
        f[3],
        (
            "tw\u{200B}ilio-sso.com".to_string(),
            "twilio-sso.com".to_string()
        )
    );
    let a = analyze(text, &twilio());
    assert!(a.links.iter().all(|l| l.verdict == Verdict::Dangerous));
    let rules = |i: usize| {
        a.links[i]
            .findings
            .iter()
            .map(|f| f.rule)
            .collect::<Vec<_>>()
    };
    assert!(
        rules(2).contains(&"deceptive-url"),
        "look-alike dot is a finding"
    );
    assert!(
        rules(3).contains(&"deceptive-url"),
        "zero-width space is a finding"
    );
    assert!(
        a.links[1].explanation().contains(
            "written in punycode (xn--tilio-1v1b.com); a browser may show it as tẁilio.com"
        )
    );
}

#[test]
fn userinfo_ip_literals_and_ports() {
    let text = "https://twilio.com@evil.example/ http://0x7f.1/ http://3232235777/ http://[::1]:8443/x https://example.com:8080/";
    assert_eq!(
        found(text),
        pairs(&[
            ("https://twilio.com@evil.example/", "evil.example"),
            ("http://0x7f.1/", "127.0.0.1"),
            ("http://3232235777/", "192.168.1.1"),
            ("http://[::1]:8443/x", "::1"),
            ("https://example.com:8080/", "example.com"),
        ])
    );
    let a = analyze(text, &twilio());
    assert_eq!(a.links[0].verdict, Verdict::Dangerous);
    assert_eq!(a.links[1].verdict, Verdict::Suspicious);
}

#[test]
fn email_addresses_are_assessed_by_domain() {
    let a = analyze(
        "Questions? Write to it-support@twilio-help.com today",
        &twilio(),
    );
    assert_eq!(a.links.len(), 1);
    assert_eq!(a.links[0].link.text, "it-support@twilio-help.com");
    assert_eq!(a.links[0].verdict, Verdict::Dangerous);
}

#[test]
fn spans_are_on_char_boundaries_in_messy_text() {
    let text = "📦 Ihr Paket: dhl-zustellung\u{200D}.de/x ✅ — 「twilio。com」 (ok)";
    for l in analyze(text, &twilio()).links {
        assert!(text.is_char_boundary(l.link.span.start) && text.is_char_boundary(l.link.span.end));
        assert_eq!(&text[l.link.span.clone()], l.link.text);
    }
}

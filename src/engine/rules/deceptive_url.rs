//! `deceptive-url`: tricks in how a link is written that hide where it goes.
//!
//! ## What it flags
//! - Text before an `@` in the address (`https://twilio.com@evil.example/`):
//!   browsers ignore it and go to `evil.example` → `dangerous` when the text
//!   looks like a domain, else `suspicious`.
//! - A bare IP address as host, in any notation (`http://0x7f.1/`,
//!   `http://3232235777/`) → `suspicious`.
//! - Characters that reverse text direction inside the link → `dangerous`;
//!   invisible characters or dots from another writing system → `suspicious`.
//! - An owned domain or an `@host` only in the path
//!   (`evil.example/twilio.com/login`) → `suspicious`.
//!
//! ## Why it matters
//! The text a person reads is not where the browser goes (URL-parsing
//! confusion; Claroty/Snyk 2022).
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use super::{Finding, LinkRule, Severity, Subject};
use crate::engine::explain::{Evidence, HiddenTrick};
use crate::extract::Kind;
use crate::host::HostKind;
use crate::policy::Policy;
use crate::text::EditKind;

/// The registry entry.
pub const RULE: LinkRule = LinkRule {
    id: "deceptive-url",
    detects: "a link written to hide where it goes: text before @, bare IP addresses, invisible or direction-changing characters, a domain only in the path",
    severity: "dangerous for @-tricks with a domain and direction changes, else suspicious",
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
            E::twilio("https://twilio.com@evil.example/").at(Dangerous),
            E::twilio("https://twilio.com%2F@evil.example/").at(Dangerous),
            E::twilio("http://0x7f.1/").at(Suspicious),
            E::twilio("http://3232235777/").at(Suspicious),
            E::twilio("http://10.0.0.1:8080/login").at(Suspicious),
            E::twilio("https://twilio\u{202E}moc.evil.example/").at(Dangerous),
            E::twilio("https://exam\u{200B}ple.com/").at(Suspicious),
            E::twilio("https://example\u{3002}com/").at(Suspicious),
            E::twilio("12\u{3002}com").at(Suspicious),
            E::twilio("https://evil.example/twilio.com/login").at(Suspicious),
            E::twilio("https://example.com/@evil.net").at(Suspicious),
        ],
        not_flagged: &[
            E::twilio("https://twilio.com/login"),
            E::twilio("https://example.com/@user"), // a profile path without a domain
            E::twilio("https://example.com:8443/x"), // ports
            // A CJK sentence's full stop before the name: a phone that links
            // the whole run opens a sub-name of the domain the reader sees.
            E::twilio("お荷物は本日18-20時にお届け予定です\u{3002}sagawa-exp.co.jp"),
            E::twilio("고객님의 상품이 오늘 배송됩니다\u{3002}cjlogistics.com"),
            // A tracking number ends the sentence.
            E::twilio("お問い合わせ番号 4821-0193-3371\u{3002}kuronekoyamato.co.jp"),
        ],
    }
};

/// The host part after the link's last look-alike dot, when every
/// look-alike dot in it ends a sentence written in CJK or Hangul before the
/// name (`お届け予定です。sagawa-exp.co.jp`): such a dot follows a CJK or
/// Hangul character, precedes an ASCII letter or digit, and lies left of the
/// registrable domain, so a phone that links the whole run opens a sub-name
/// of the very domain the reader sees and the dot hides nothing. `None`
/// when any look-alike dot follows a Latin letter (`twilio。com`) or sits
/// inside the registrable domain (`ツイリオ。com`).
pub(crate) fn sentence_end_dots(link: &crate::extract::Link) -> Option<&str> {
    let registrable = link.host.as_ref()?.registrable.as_deref()?;
    let text = link.text.as_str();
    let mut after_last = None;
    let mut prev = None;
    for (i, c) in text.char_indices() {
        if crate::text::is_lookalike_dot(c) {
            let end = i + c.len_utf8();
            let next = text.get(end..)?.chars().next();
            // A number before it ends the sentence as well ("お問い合わせ番号
            // 4821-0193-3371。kuronekoyamato.co.jp"): the label before
            // the dot is digits and hyphens only.
            let number = text
                .get(..i)?
                .rsplit(['.', '/', ' '])
                .next()
                .is_some_and(|w| {
                    w.bytes().any(|b| b.is_ascii_digit())
                        && w.bytes().all(|b| b.is_ascii_digit() || b == b'-')
                });
            if !(prev.is_some_and(writes_sentences_without_dots) || number)
                || !next.is_some_and(|n| n.is_ascii_alphanumeric())
            {
                return None;
            }
            after_last = Some(end);
        }
        prev = Some(c);
    }
    let tail = text.get(after_last?..)?;
    let host = tail.split(['/', '?', '#', ':']).next()?;
    crate::host::is_at_or_under(&host.to_ascii_lowercase(), registrable).then_some(host)
}

/// Kana, ideographs, Hangul and CJK punctuation: scripts whose sentences
/// end in `。` with no space after it.
fn writes_sentences_without_dots(c: char) -> bool {
    crate::engine::fold::is_cjk(c)
        || matches!(c as u32,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF // Hangul
            | 0x3000..=0x3001 | 0x3003..=0x303F // CJK symbols and punctuation
            | 0xFF01..=0xFF0D | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF60) // full-width punctuation
}

fn finding(severity: Severity, evidence: Evidence) -> Finding {
    Finding {
        rule: RULE.id,
        severity,
        brand: None,
        evidence,
    }
}

fn check(subject: &Subject<'_>, policy: &Policy, out: &mut Vec<Finding>) {
    let link = subject.link;
    let host = link.host.as_ref();
    let shown = host.map_or("an unreadable address", |h| h.display());
    if let Some(u) = &link.parsed {
        let user = crate::extract::percent_decode_lossy(u.username());
        if !user.is_empty() || u.password().is_some() {
            let looks_like_domain = user.contains('.');
            out.push(finding(
                if looks_like_domain {
                    Severity::Dangerous
                } else {
                    Severity::Suspicious
                },
                Evidence::UserInfo {
                    shown: shown.to_owned(),
                    user: user.to_string(),
                },
            ));
        }
        if let Some(h) = host
            && let HostKind::Ip(ip) = &h.kind
        {
            let written = link.written_host.trim_matches(['[', ']']);
            let disguised = (!written.eq_ignore_ascii_case(&ip.to_string()))
                .then(|| link.written_host.to_string());
            out.push(finding(
                Severity::Suspicious,
                Evidence::BareIp {
                    ip: ip.to_string(),
                    disguised,
                },
            ));
        }
        // The page address: path and query (`/?twilio.com`).
        let path = match (u.path().len() > 1, u.query()) {
            (true, Some(q)) => {
                crate::extract::percent_decode_lossy(&format!("{}?{q}", u.path())).to_lowercase()
            }
            (true, None) => crate::extract::percent_decode_lossy(u.path()).to_lowercase(),
            (false, Some(q)) => {
                crate::extract::percent_decode_lossy(&format!("/?{q}")).to_lowercase()
            }
            (false, None) => String::new(),
        };
        let bytes = path.as_bytes();
        let in_path = policy
            .brands
            .iter()
            .flat_map(|b| b.domains.iter())
            // A bare host has no page address to search (a feed's lines).
            .filter(|_| !path.is_empty())
            .find(|d| {
                path.match_indices(d.as_str()).any(|(i, _)| {
                    i > 0 && matches!(bytes.get(i - 1), Some(b'/' | b'@' | b'?' | b'='))
                })
            });
        if let (Some(d), Some(h)) = (in_path, host) {
            if subject.owner.is_none() {
                out.push(finding(
                    Severity::Suspicious,
                    Evidence::DomainInPath {
                        domain: d.to_string(),
                        site: h.display_registrable().to_owned(),
                    },
                ));
            }
        } else if let Some(at) = path.find('@') {
            let after = path.get(at + 1..).unwrap_or("");
            let word = after.split('/').next().unwrap_or("");
            if word.contains('.')
                && word
                    .rsplit('.')
                    .next()
                    .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()))
            {
                out.push(finding(
                    Severity::Suspicious,
                    Evidence::AtInPath {
                        word: word.to_owned(),
                        shown: shown.to_owned(),
                    },
                ));
            }
        }
    }
    let mut bidi = false;
    let mut invisible = false;
    let mut dots = false;
    let mut glued_symbol = false;
    for k in &link.hidden {
        match k {
            EditKind::Bidi(_) => bidi = true,
            EditKind::Invisible(_) => invisible = true,
            EditKind::LookalikeDot => dots = true,
            EditKind::Symbol => glued_symbol = true,
            EditKind::Refanged | EditKind::SoftBreak | EditKind::Entity | EditKind::LineBreak => {}
        }
    }
    let email = link.kind == Kind::Email;
    if bidi {
        out.push(finding(
            Severity::Dangerous,
            Evidence::HiddenCharacters {
                email,
                trick: HiddenTrick::Bidi,
            },
        ));
    }
    if invisible {
        out.push(finding(
            Severity::Suspicious,
            Evidence::HiddenCharacters {
                email,
                trick: HiddenTrick::Invisible,
            },
        ));
    }
    if glued_symbol {
        out.push(finding(
            Severity::Suspicious,
            Evidence::GluedSymbol {
                email,
                text: link.text.clone(),
            },
        ));
    }
    if dots && sentence_end_dots(link).is_none() {
        out.push(finding(
            Severity::Suspicious,
            Evidence::HiddenCharacters {
                email,
                trick: HiddenTrick::LookalikeDots,
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{run, twilio};
    use expect_test::expect;

    /// A CJK sentence's full stop in front of a name hides nothing; the
    /// same dot after a Latin letter, inside the registrable domain, or in
    /// front of a lookalike is still judged.
    #[test]
    fn a_cjk_sentence_end_before_the_name_is_no_lookalike_dot() {
        let p = twilio();
        let verdict = |t: &str| crate::analyze(t, &p).verdict;
        assert_eq!(
            verdict("お届け予定です。sagawa-exp.co.jp"),
            crate::Verdict::Unknown
        );
        assert_eq!(
            verdict("배송됩니다．cjlogistics.com/track"),
            crate::Verdict::Unknown
        );
        assert_eq!(
            verdict("請於7日內攜帶證件領取。post.gov.tw"),
            crate::Verdict::Unknown
        );
        for attack in [
            "https://example\u{3002}com/", // between Latin labels
            "ツイリオ。com",               // inside the registrable domain
            "ログイン。example。com",      // one dot ends a sentence, one does not
        ] {
            let a = crate::analyze(attack, &p);
            assert!(
                a.links
                    .iter()
                    .any(|l| l.findings.iter().any(|f| f.rule == RULE.id)),
                "{attack}: {a:?}"
            );
        }
        assert_eq!(
            verdict("アカウント確認。twilio-okta.com"),
            crate::Verdict::Dangerous
        );
        assert_eq!(
            verdict("请登录。twilio.com.evil-site.net"),
            crate::Verdict::Dangerous
        );
    }

    #[test]
    fn userinfo() {
        let p = twilio();
        expect!["dangerous -: This link really goes to evil.example. The “twilio.com” before the “@” is only decoration that browsers ignore."]
            .assert_eq(&run(&RULE, &p, "https://twilio.com@evil.example/"));
        expect!["dangerous -: This link really goes to evil.example. The “twilio.com/” before the “@” is only decoration that browsers ignore."]
            .assert_eq(&run(&RULE, &p, "https://twilio.com%2F@evil.example/"));
    }

    #[test]
    fn ip_literals_in_any_notation() {
        let p = twilio();
        expect!["suspicious -: This link goes to a bare internet address (127.0.0.1) instead of a named website, so there is no telling who runs it. The address is written in a disguised form (“0x7f.1”)."]
            .assert_eq(&run(&RULE, &p, "http://0x7f.1/"));
        expect!["suspicious -: This link goes to a bare internet address (192.168.1.1) instead of a named website, so there is no telling who runs it. The address is written in a disguised form (“3232235777”)."]
            .assert_eq(&run(&RULE, &p, "http://3232235777/"));
        expect!["suspicious -: This link goes to a bare internet address (10.0.0.1) instead of a named website, so there is no telling who runs it."]
            .assert_eq(&run(&RULE, &p, "http://10.0.0.1:8080/login"));
    }

    #[test]
    fn hidden_characters_and_paths() {
        let p = twilio();
        expect!["dangerous -: The link contains hidden characters that reverse the direction of text, a trick to make it read as something else."]
            .assert_eq(&run(&RULE, &p, "https://twilio\u{202E}moc.evil.example/"));
        expect![
            "suspicious -: The link contains invisible characters that can hide its real spelling."
        ]
        .assert_eq(&run(&RULE, &p, "https://exam\u{200B}ple.com/"));
        expect![
            "suspicious -: The link uses dots from another writing system instead of normal dots."
        ]
        .assert_eq(&run(&RULE, &p, "https://example\u{3002}com/"));
        expect!["suspicious -: “twilio.com” appears only in the page name; the site itself is evil.example."]
            .assert_eq(&run(&RULE, &p, "https://evil.example/twilio.com/login"));
        expect!["suspicious -: The “@evil.net” in this link looks like a web address but is only a page name on example.com."]
            .assert_eq(&run(&RULE, &p, "https://example.com/@evil.net"));
    }
}

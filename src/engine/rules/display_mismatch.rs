//! `display-mismatch`: text that shows one address while its link goes to
//! another — Markdown `[twilio.com](https://evil.example/)` and HTML
//! `<a href="https://evil.example/">twilio.com</a>`.
//!
//! ## What it flags
//! A shown address whose site differs from the link's target: both the
//! shown address and the target get the finding. `dangerous` when the shown
//! address is the organisation's own or a brand's (a visible company domain
//! over a foreign target), else `suspicious`.
//!
//! ## Why it matters
//! People read the visible text; the click goes to the target.
//!
//! ## Examples
//! What it flags and what it must not, each with the policy it is judged
//! under, are data: [`RULE`]'s `examples`, which the registry test runs and
//! the rule table (`cargo run -q --example rules_table`) prints.

use std::sync::LazyLock;

use regex::Regex;

use super::{Finding, RelationFindings, RelationLink, RelationRule, Severity};
use crate::engine::explain::Evidence;
use crate::policy::Policy;

/// The registry entry.
pub const RULE: RelationRule = RelationRule {
    id: "display-mismatch",
    detects: "text that shows one address while its link goes to another (Markdown, HTML)",
    severity: "dangerous when the shown address is a brand's, else suspicious",
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
            E::twilio("[twilio.com](https://evil.example/login)").at(Dangerous),
            E::twilio(r#"<a href="https://twilio-sso.com/login">https://twilio.com</a>"#)
                .at(Dangerous),
            E::twilio("<a class=x href=twilio-okta.net>www.twilio.com</a>").at(Dangerous),
            E::twilio("<https://twilio-okta.net/login|twilio.com>").at(Dangerous), // Slack
            E::twilio("[twilio.com](https://evil.example/login \"Twilio\")").at(Dangerous),
            E::twilio("<a href=\"https://evil.example/\"><b>twilio.com</b></a>").at(Dangerous),
            E::twilio("[https://twilio.okta.com](https://twilio-okta.net/login)").at(Dangerous),
            E::twilio("twilio.okta.com <https://evil.example/login>").at(Dangerous),
            E::twilio("[twilio.okta.com]: https://evil.example/").at(Dangerous), // a Markdown reference
            E::twilio("<a href=\"javascript:steal()\">twilio.com</a>").at(Dangerous),
            E::twilio("<a href=\"jav&#x09;ascript:alert(1)\">twilio.com</a>").at(Dangerous),
            E::twilio("[example.org](https://example.net/)").at(Suspicious), // the shown address is no brand's
        ],
        not_flagged: &[
            E::twilio("[twilio.com](https://www.twilio.com/)"), // same site
            E::twilio("[Reset your password](https://example.org/)"), // no address shown
        ],
    }
};

/// Markdown links: `[shown](target)`.
static MARKDOWN: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"\[([^\[\]\n]+)\]\(\s*([^()\s]+)(?:\s+"[^"]*")?\s*\)"#).ok());

/// Slack and Teams mrkdwn: `<https://target|shown>`.
static SLACK: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"<([a-zA-Z][a-zA-Z0-9+.\-]*:[^|<>\s]+)\|([^<>\n]+)>").ok());

/// Plain-text renderings of a mail link: `shown <https://target>`, and
/// Markdown reference definitions `[shown]: https://target`.
static TEXT_THEN_TARGET: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:^|\s)\[?([^\s<>\[\]]+?)\]?(?::)?[ \t]+<?((?:https?|ftp)://[^\s<>]+)>?").ok()
});

/// HTML anchors: `<a … href="target" …>shown</a>`.
static ANCHOR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?is)<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>'"]+))[^>]*>(.+?)</a\s*>"#)
        .ok()
});

fn check(text: &str, links: &[RelationLink<'_>], policy: &Policy) -> RelationFindings {
    let mut pairs: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> = Vec::new();
    // Each pattern needs a character most lines of a feed lack (`[`; a
    // space or tab): without it, the regex is not run.
    if let Some(re) = MARKDOWN.as_ref()
        && text.contains('[')
    {
        for c in re.captures_iter(text) {
            if let (Some(shown), Some(target)) = (c.get(1), c.get(2)) {
                pairs.push((shown.range(), target.range()));
            }
        }
    }
    if let Some(re) = ANCHOR.as_ref()
        && text.contains('<')
    {
        for c in re.captures_iter(text) {
            let target = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3));
            if let (Some(target), Some(shown)) = (target, c.get(4)) {
                pairs.push((shown.range(), target.range()));
            }
        }
    }
    if let Some(re) = SLACK.as_ref()
        && text.contains('|')
    {
        for c in re.captures_iter(text) {
            if let (Some(target), Some(shown)) = (c.get(1), c.get(2)) {
                pairs.push((shown.range(), target.range()));
            }
        }
    }
    if let Some(re) = TEXT_THEN_TARGET.as_ref()
        && text.contains([' ', '\t'])
    {
        for c in re.captures_iter(text) {
            let (Some(whole), Some(shown), Some(target)) = (c.get(0), c.get(1), c.get(2)) else {
                continue;
            };
            let w = whole.as_str();
            // Only the two explicit forms: `shown <url>` and `[shown]: url`.
            let angle = w.contains('<') && w.trim_end().ends_with('>');
            let reference = w.trim_start().starts_with('[') && w.contains("]:");
            if angle || reference {
                pairs.push((shown.range(), target.range()));
            }
        }
    }
    // The links written in the text (not read out of another's address),
    // by where they start: the links within a range are found by a binary
    // search, not by a scan of every link for every pair (1 MiB of
    // Markdown holds tens of thousands of pairs).
    let mut starts: Vec<(usize, usize)> = links
        .iter()
        .enumerate()
        .filter(|(_, l)| l.link.via.is_none())
        .map(|(i, l)| (l.link.normalized_span.start, i))
        .collect();
    starts.sort_unstable();
    // The indices of the links within `r`, in the order of `links`.
    let within = |r: &std::ops::Range<usize>| -> Vec<usize> {
        let from = starts.partition_point(|(s, _)| *s < r.start);
        let mut found: Vec<usize> = starts
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|(s, _)| *s <= r.end)
            .map(|(_, i)| *i)
            .filter(|i| {
                links
                    .get(*i)
                    .is_some_and(|l| l.link.normalized_span.end <= r.end)
            })
            .collect();
        found.sort_unstable();
        found
    };
    let site = |l: &RelationLink<'_>| {
        l.link
            .host
            .as_ref()
            .map(|h| h.registrable.clone().unwrap_or_else(|| h.ascii.clone()))
    };
    let mut out = Vec::new();
    for (shown_range, target_range) in pairs {
        // Both kinds of finding are for links within the shown text.
        let shown_links = within(&shown_range);
        if shown_links.is_empty() {
            continue;
        }
        // A script or data address behind a shown link runs code instead.
        // Browsers drop tabs and line breaks, also written as references.
        let target_text: String = text
            .get(target_range.clone())
            .unwrap_or("")
            .replace("&#x09;", "")
            .replace("&#9;", "")
            .replace("&#x0a;", "")
            .replace("&#10;", "")
            .replace("&#x0d;", "")
            .replace("&#13;", "")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let scheme = target_text
            .split_once(':')
            .map(|(s, _)| s.to_ascii_lowercase())
            .unwrap_or_default();
        if matches!(scheme.as_str(), "javascript" | "data" | "vbscript" | "file") {
            for &si in &shown_links {
                let Some(shown) = links.get(si) else { continue };
                if let Some(sh) = &shown.link.host {
                    out.push((
                        si,
                        Finding {
                            rule: RULE.id,
                            severity: Severity::Dangerous,
                            brand: shown.brand.cloned(),
                            evidence: Evidence::RunsScript {
                                shown: sh.display().to_owned(),
                                scheme: scheme.clone(),
                            },
                        },
                    ));
                }
            }
            continue;
        }
        let Some((ti, target)) = within(&target_range)
            .first()
            .and_then(|&ti| Some((ti, links.get(ti)?)))
        else {
            continue;
        };
        let Some(target_site) = site(target) else {
            continue;
        };
        for &si in &shown_links {
            let Some(shown) = links.get(si) else { continue };
            let Some(shown_site) = site(shown) else {
                continue;
            };
            if shown_site == target_site {
                continue;
            }
            let branded = shown.severity == Severity::Safe || shown.brand.is_some();
            let severity = if branded {
                Severity::Dangerous
            } else {
                Severity::Suspicious
            };
            let (Some(sh), Some(th)) = (&shown.link.host, &target.link.host) else {
                continue;
            };
            let brand = shown.brand.or(target.brand);
            let _ = policy;
            out.push((
                si,
                Finding {
                    rule: RULE.id,
                    severity,
                    brand: brand.cloned(),
                    evidence: Evidence::ShownElsewhere {
                        shown: sh.display().to_owned(),
                        goes: th.display().to_owned(),
                        of_shown: true,
                    },
                },
            ));
            out.push((
                ti,
                Finding {
                    rule: RULE.id,
                    severity,
                    brand: brand.cloned(),
                    evidence: Evidence::ShownElsewhere {
                        shown: sh.display().to_owned(),
                        goes: th.display().to_owned(),
                        of_shown: false,
                    },
                },
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::analysis::analyze;
    use crate::rules::testing::twilio;
    use expect_test::expect;

    fn render(text: &str) -> String {
        let a = analyze(text, &twilio());
        let mut s = format!("{}\n", a.verdict);
        for l in &a.links {
            s.push_str(&format!(
                "{} {}: {}\n",
                l.link.text,
                l.verdict,
                l.explanation()
            ));
        }
        s
    }

    #[test]
    fn markdown_with_a_company_domain_over_a_foreign_target() {
        expect![[r#"
            dangerous
            twilio.com dangerous: The link shows twilio.com but goes to evil.example. Twilio signs in only at https://twilio.okta.com.
            https://evil.example/login dangerous: This link is shown as twilio.com but goes to evil.example. Twilio signs in only at https://twilio.okta.com. Did you mean twilio.com?
        "#]]
        .assert_eq(&render("[twilio.com](https://evil.example/login)"));
    }

    #[test]
    fn html_anchor() {
        let r = render(r#"<a href="https://twilio-sso.com/login">https://twilio.com</a>"#);
        assert!(r.starts_with("dangerous\n"), "{r}");
        assert!(
            r.contains("The link shows twilio.com but goes to twilio-sso.com."),
            "{r}"
        );
        let r = render("<a class=x href=twilio-okta.net>www.twilio.com</a>");
        assert!(
            r.contains("The link shows www.twilio.com but goes to twilio-okta.net."),
            "{r}"
        );
    }

    #[test]
    fn other_forms() {
        // Every address-over-a-link form among the examples is explained
        // as such (the registry test checks that each is flagged).
        for e in super::RULE.examples.flagged {
            if !e.text.contains("script") {
                assert!(render(e.text).contains("but goes to"), "{}", e.text);
            }
        }
        expect![[r#"
            dangerous
            twilio.com dangerous: The link shows twilio.com but runs a “javascript:” address instead of opening a site. Twilio signs in only at https://twilio.okta.com.
        "#]]
        .assert_eq(&render("<a href=\"javascript:steal()\">twilio.com</a>"));
    }

    #[test]
    fn a_foreign_shown_address_is_suspicious() {
        let r = render("[example.org](https://example.net/)");
        assert!(r.starts_with("suspicious\n"), "{r}");
    }

    #[test]
    fn patterns_compile() {
        assert!(
            super::MARKDOWN.is_some()
                && super::ANCHOR.is_some()
                && super::SLACK.is_some()
                && super::TEXT_THEN_TARGET.is_some()
        );
    }

    #[test]
    fn not_flagged() {
        assert!(render("[twilio.com](https://www.twilio.com/)").starts_with("safe\n"));
        assert!(!render("[Reset your password](https://example.org/)").contains("shows"));
    }
}

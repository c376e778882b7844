//! Detection rules. Each rule is one file with a stable id, a doc comment
//! (what it flags, why it matters, an example flagged and one not flagged),
//! its default severity, the plain-language explanation it writes, and its
//! own tests with real examples.
//!
//! Link rules see one [`Link`] at a time; message rules see the whole text.
//! The registry ([`LINK_RULES`], [`MESSAGE_RULES`]) is the single list that
//! `--help`, the docs and the analysis all read.

use crate::engine::explain::Evidence;
use crate::extract::Link;
use crate::policy::Policy;
use crate::refs::BrandRef;

pub mod blocked_indicator;
pub mod brand_combo;
pub mod brand_in_subdomain;
pub mod brand_other_suffix;
pub mod callback_lure;
pub mod code_request;
pub mod consumer_lure;
pub mod deceptive_url;
pub mod display_mismatch;
pub mod hidden_destination;
pub mod hidden_link_lure;
pub mod homoglyph;
pub mod idn_spoof;
pub mod message_lure;
pub mod named_sender;
pub mod names;
pub mod nested_destination;
pub mod overlong_host;
pub mod own_domain;
pub mod push_approval;
pub mod typosquat;
pub mod whole_script;
pub use crate::engine::words;

// Leaves the policy imports too (kept at their old paths).
pub use crate::engine::hosting;
pub use crate::engine::severity::Severity;

/// One thing a rule found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's stable id.
    pub rule: &'static str,
    /// How much it weighs.
    pub severity: Severity,
    /// The brand imitated (or owning).
    pub brand: Option<BrandRef>,
    /// What it found, as the explanation names it ([`Finding::explanation`]).
    pub evidence: Evidence,
}

impl Finding {
    /// One or two plain-language sentences, written now from the evidence.
    pub fn explanation(&self) -> String {
        self.evidence.render()
    }
}

/// The policy an [`Example`] is judged under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Under {
    /// The Twilio-like test policy (`tests/data/twilio.toml`).
    Twilio,
    /// The Twilio test policy with these TOML lines appended
    /// (`[indicators] blocked = …`).
    TwilioWith(&'static str),
    /// The built-in default policy (`assets/default-policy.toml`).
    Builtin,
}

impl Under {
    /// How the rule table names it.
    pub fn describe(self) -> String {
        match self {
            Under::Twilio => "Twilio test policy".into(),
            Under::TwilioWith(extra) => {
                format!("Twilio test policy + {}", extra.replace('\n', " "))
            }
            Under::Builtin => "built-in policy".into(),
        }
    }
}

/// A message (or a link alone) a rule is judged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// The text as pasted.
    pub text: &'static str,
    /// The policy it is judged under.
    pub under: Under,
    /// For a flagged example: the severity of the rule's worst finding on it.
    pub severity: Option<Severity>,
}

impl Example {
    /// `text` under the Twilio test policy.
    pub const fn twilio(text: &'static str) -> Example {
        Example {
            text,
            under: Under::Twilio,
            severity: None,
        }
    }

    /// `text` under the built-in policy.
    pub const fn builtin(text: &'static str) -> Example {
        Example {
            text,
            under: Under::Builtin,
            severity: None,
        }
    }

    /// `text` under the Twilio test policy plus the TOML lines `extra`.
    pub const fn twilio_with(extra: &'static str, text: &'static str) -> Example {
        Example {
            text,
            under: Under::TwilioWith(extra),
            severity: None,
        }
    }

    /// The same example, flagged at `severity`.
    pub const fn at(self, severity: Severity) -> Example {
        Example {
            severity: Some(severity),
            ..self
        }
    }
}

/// A rule's true positives and false-positive traps, as data: one
/// registry test runs every one through [`crate::analyze`], and the rule
/// table prints them. At least two of each.
#[derive(Debug, Clone, Copy)]
pub struct Examples {
    /// The rule fires on each (at its stated severity).
    pub flagged: &'static [Example],
    /// The rule does not fire on any (whatever other rules say).
    pub not_flagged: &'static [Example],
}

/// One link with the policy facts every rule asks about, computed once.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The link.
    pub link: &'a Link,
    /// Who owns the host ([`Policy::owner_of`]): the host is safe.
    pub owner: Option<crate::policy::Owner>,
    /// The blocked indicator the host is at or under.
    pub blocked: Option<&'a str>,
    /// The host is at or under a listed domain ([`Policy::listed`]).
    pub listed: bool,
    /// The shortener, hosting or dynamic-DNS list the host is on.
    pub hosting: Option<(hosting::HostingKind, &'static str)>,
}

impl<'a> Subject<'a> {
    /// Compute the facts for `link` under `policy`.
    pub fn new(link: &'a Link, policy: &'a Policy) -> Subject<'a> {
        let host = link.host.as_ref();
        Subject {
            link,
            owner: host.and_then(|h| policy.owner_of(h)),
            blocked: host.and_then(|h| policy.blocked_by(h)),
            listed: host.is_some_and(|h| policy.listed(h)),
            hosting: host.and_then(|h| hosting::classify(&h.ascii)),
        }
    }
}

/// A rule that looks at one link.
pub struct LinkRule {
    /// Stable id (kebab-case); scripts and severity overrides use it.
    pub id: &'static str,
    /// One line: what it detects.
    pub detects: &'static str,
    /// Severity of its findings (some rules choose per case; see the rule).
    pub severity: &'static str,
    /// What it flags and what it must not.
    pub examples: Examples,
    /// Append findings for the subject's link under `policy`.
    pub check: fn(&Subject<'_>, &Policy, &mut Vec<Finding>),
}

/// The whole message with what every message rule asks about, computed once.
#[derive(Debug, Clone, Copy)]
pub struct MessageSubject<'a> {
    /// The normalised text with its links blanked out (rules read the
    /// words, not the links: "teamviewer.com" is not a request to install).
    pub text: &'a str,
    /// Who it claims to be, what it asks, the pressure ([`crate::lure`]).
    pub facts: &'a crate::lure::Facts,
    /// How many links it has.
    pub links: usize,
    /// Some link is not the organisation's own.
    pub risky_link: bool,
    /// Some link is the organisation's own (or a trusted host).
    pub own_link: bool,
    /// Some link opens a chat: `t.me/…`, `wa.me/…`, `signal.me/…`
    /// ([`callback_lure::CHAT_HOSTS`]), on the chat app's own domain too
    /// (whoever registered the handle is at the other end); not a host the
    /// organisation trusts (`[detection] trusted_hosts`).
    pub chat_link: bool,
    /// Some link (not the organisation's own) downloads an app to install
    /// by hand: its path ends in `.apk`, `.xapk`, `.ipa`, `.exe` or `.msi`.
    pub app_link: bool,
    /// The link shortener a link (not the organisation's own) is on.
    pub shortener: Option<&'static str>,
}

/// A rule that looks at the whole message.
pub struct MessageRule {
    /// Stable id (kebab-case).
    pub id: &'static str,
    /// One line: what it detects.
    pub detects: &'static str,
    /// Severity of its findings.
    pub severity: &'static str,
    /// What it flags and what it must not.
    pub examples: Examples,
    /// Findings for the message under `policy`.
    pub check: fn(&MessageSubject<'_>, &Policy) -> Vec<Finding>,
}

/// One link as relation rules see it: the link and what the link rules
/// concluded (the worst severity, `Info` when nothing was found, and the
/// brand concerned).
#[derive(Debug, Clone, Copy)]
pub struct RelationLink<'a> {
    /// The link.
    pub link: &'a Link,
    /// The most severe finding of the link rules (`Info` for none).
    pub severity: Severity,
    /// The brand imitated or owning.
    pub brand: Option<&'a BrandRef>,
}

/// Findings of a relation rule, each with the index of the link it is for.
pub type RelationFindings = Vec<(usize, Finding)>;

/// A rule that looks at how links relate to each other and to the text
/// around them: a link inside another's address, an address shown over a
/// link that goes elsewhere. Runs after the link rules; its findings are
/// added to the links they name (by index).
pub struct RelationRule {
    /// Stable id (kebab-case).
    pub id: &'static str,
    /// One line: what it detects.
    pub detects: &'static str,
    /// Severity of its findings.
    pub severity: &'static str,
    /// What it flags and what it must not.
    pub examples: Examples,
    /// Findings, each for the link at its index, given the normalised text
    /// and every link in order.
    pub check: fn(&str, &[RelationLink<'_>], &Policy) -> RelationFindings,
}

/// Every relation rule.
pub const RELATION_RULES: &[RelationRule] = &[
    nested_destination::RULE,
    display_mismatch::RULE,
    named_sender::RULE,
];

/// Every link rule, in the order they run. `blocked-indicator` runs first
/// (the security team's word beats everything), then `own-domain`: a link
/// it calls safe is not examined further.
pub const LINK_RULES: &[LinkRule] = &[
    blocked_indicator::RULE,
    own_domain::RULE,
    brand_combo::RULE,
    brand_other_suffix::RULE,
    typosquat::RULE,
    homoglyph::RULE,
    whole_script::RULE,
    idn_spoof::RULE,
    brand_in_subdomain::RULE,
    deceptive_url::RULE,
    hidden_destination::RULE,
    overlong_host::RULE,
];

/// Every message rule.
pub const MESSAGE_RULES: &[MessageRule] = &[
    code_request::RULE,
    push_approval::RULE,
    callback_lure::RULE,
    consumer_lure::RULE,
    hidden_link_lure::RULE,
    message_lure::RULE,
];

/// The finding of a message rule whose request a `never_ask` promise may
/// cover: `dangerous`, quoting the promise, when it does; else `suspicious`.
pub(crate) fn promised_finding(
    rule: &'static str,
    lang: usize,
    promise: Option<&str>,
    said: Evidence,
    policy: &Policy,
) -> Finding {
    match promise {
        Some(p) => Finding {
            rule,
            severity: Severity::Dangerous,
            brand: None,
            evidence: Evidence::Promised {
                said: Box::new(said),
                lang,
                promise: p.to_owned(),
                organization: policy.organization.name.clone(),
            },
        },
        None => Finding {
            rule,
            severity: Severity::Suspicious,
            brand: None,
            evidence: said,
        },
    }
}

/// "Twilio's", "Barclays'".
pub(crate) fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// A table of every rule for `--help` and the docs.
pub fn rules_table() -> String {
    let mut out = String::new();
    for r in LINK_RULES {
        out.push_str(&format!("  {:<20} {} [{}]\n", r.id, r.detects, r.severity));
    }
    for r in RELATION_RULES {
        out.push_str(&format!("  {:<20} {} [{}]\n", r.id, r.detects, r.severity));
    }
    for r in MESSAGE_RULES {
        out.push_str(&format!("  {:<20} {} [{}]\n", r.id, r.detects, r.severity));
    }
    out
}

/// Every rule's examples as a Markdown table (for the README: `cargo run
/// -q --example rules_table`): one row a rule, flagged with the severity,
/// each under the Twilio test policy unless it says otherwise.
pub fn examples_table() -> String {
    fn cell(examples: &[Example]) -> String {
        examples
            .iter()
            .map(|e| {
                // Invisible and direction-changing characters as escapes,
                // so the table reads as the test data is written.
                let text: String = e
                    .text
                    .chars()
                    .map(|c| match c {
                        '\u{200B}'..='\u{200F}'
                        | '\u{202A}'..='\u{202E}'
                        | '\u{2066}'..='\u{2069}'
                        | '\u{FEFF}' => {
                            format!("\\u{{{:04X}}}", c as u32)
                        }
                        '|' => "\\|".to_owned(),
                        c => c.to_string(),
                    })
                    .collect();
                let mut s = format!("`{text}`");
                if let Some(sev) = e.severity {
                    s.push_str(&format!(" {sev}"));
                }
                if e.under != Under::Twilio {
                    s.push_str(&format!(" ({})", e.under.describe().replace('|', "\\|")));
                }
                s
            })
            .collect::<Vec<_>>()
            .join("<br>")
    }
    let rows = LINK_RULES
        .iter()
        .map(|r| (r.id, r.examples))
        .chain(RELATION_RULES.iter().map(|r| (r.id, r.examples)))
        .chain(MESSAGE_RULES.iter().map(|r| (r.id, r.examples)));
    let mut out = String::from("| rule | flagged | not flagged |\n|---|---|---|\n");
    for (id, examples) in rows {
        out.push_str(&format!(
            "| `{id}` | {} | {} |\n",
            cell(examples.flagged),
            cell(examples.not_flagged)
        ));
    }
    out
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers shared by the rules' own tests.
    use super::*;
    use crate::text::normalize;

    pub const TWILIO_POLICY: &str = include_str!("../../../tests/data/twilio.toml");

    pub fn twilio() -> Policy {
        Policy::from_toml(TWILIO_POLICY, "twilio test policy").unwrap()
    }

    pub fn builtin() -> Policy {
        Policy::builtin().unwrap()
    }

    /// The policy an [`Example`] is judged under.
    pub fn under(under: Under) -> Policy {
        match under {
            Under::Twilio => twilio(),
            Under::Builtin => builtin(),
            Under::TwilioWith(extra) => {
                Policy::from_toml(&format!("{TWILIO_POLICY}\n{extra}\n"), "twilio test policy")
                    .unwrap()
            }
        }
    }

    /// Run one rule on the first link in `text` and render its findings as
    /// `severity brand: explanation` lines (for snapshot tests).
    pub fn run(rule: &LinkRule, policy: &Policy, text: &str) -> String {
        let n = normalize(text);
        let (links, _) = crate::extract::find_links(text, &n, 10);
        let Some(link) = links.first() else {
            return "no link".into();
        };
        let mut out = Vec::new();
        (rule.check)(&Subject::new(link, policy), policy, &mut out);
        out.iter()
            .map(|f| {
                let brand = f.brand.as_ref().map_or("-", BrandRef::name);
                format!("{} {}: {}", f.severity, brand, f.explanation())
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Analyse `text` and render the findings of message rule `id` as
    /// `severity explanation` lines (for snapshot tests).
    pub fn run_message(id: &str, policy: &Policy, text: &str) -> String {
        crate::analyze(text, policy)
            .message_findings
            .iter()
            .filter(|f| f.rule == id)
            .map(|f| format!("{} {}", f.severity, f.explanation()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize;

    /// The findings of rule `id` anywhere in the analysis of `text`.
    fn findings_of(id: &str, text: &str, policy: &Policy) -> Vec<Finding> {
        let a = crate::analyze(text, policy);
        a.links
            .iter()
            .flat_map(|l| l.findings.iter())
            .chain(&a.message_findings)
            .filter(|f| f.rule == id)
            .cloned()
            .collect()
    }

    /// What link rule `rule` finds run on its own on every link in `text`
    /// (the analysis skips a link once it is known to be safe).
    fn link_rule_alone(rule: &LinkRule, text: &str, policy: &Policy) -> Vec<Finding> {
        let n = normalize(text);
        let (links, _) = crate::extract::find_links(text, &n, 10);
        let mut out = Vec::new();
        for link in &links {
            (rule.check)(&Subject::new(link, policy), policy, &mut out);
        }
        out
    }

    /// The registry test: every rule fires, at its stated severity, on each
    /// of its flagged examples and on none of its not-flagged ones (in the
    /// whole analysis, and for link rules also run alone), and every rule
    /// has at least two of each.
    #[test]
    fn every_rule_is_judged_right_on_its_own_examples() {
        let rules = LINK_RULES
            .iter()
            .map(|r| (r.id, r.examples, Some(r)))
            .chain(RELATION_RULES.iter().map(|r| (r.id, r.examples, None)))
            .chain(MESSAGE_RULES.iter().map(|r| (r.id, r.examples, None)));
        let mut problems = Vec::new();
        let (mut flagged, mut not_flagged) = (0, 0);
        for (id, examples, link_rule) in rules {
            if examples.flagged.len() < 2 || examples.not_flagged.len() < 2 {
                problems.push(format!(
                    "{id}: has {} flagged and {} not-flagged examples; at least two of each",
                    examples.flagged.len(),
                    examples.not_flagged.len()
                ));
            }
            for e in examples.flagged {
                flagged += 1;
                let p = testing::under(e.under);
                let worst = findings_of(id, e.text, &p).iter().map(|f| f.severity).max();
                match (worst, e.severity) {
                    (None, _) => problems.push(format!(
                        "{id} does not fire on {:?} under {}",
                        e.text,
                        e.under.describe()
                    )),
                    (Some(got), Some(want)) if got != want => problems.push(format!(
                        "{id} fires {got}, not {want}, on {:?} under {}",
                        e.text,
                        e.under.describe()
                    )),
                    _ => {}
                }
            }
            for e in examples.not_flagged {
                not_flagged += 1;
                if e.severity.is_some() {
                    problems.push(format!("{id}: not-flagged {:?} states a severity", e.text));
                }
                let p = testing::under(e.under);
                let mut found = findings_of(id, e.text, &p);
                if let Some(rule) = link_rule {
                    found.extend(link_rule_alone(rule, e.text, &p));
                }
                if let Some(f) = found.first() {
                    problems.push(format!(
                        "{id} fires on {:?} under {}: {} {}",
                        e.text,
                        e.under.describe(),
                        f.severity,
                        f.explanation()
                    ));
                }
            }
        }
        assert!(
            problems.is_empty(),
            "{} of {flagged} flagged and {not_flagged} not-flagged examples are judged wrong:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut ids: Vec<&str> = LINK_RULES.iter().map(|r| r.id).collect();
        ids.extend(MESSAGE_RULES.iter().map(|r| r.id));
        ids.extend(RELATION_RULES.iter().map(|r| r.id));
        for id in &ids {
            assert!(
                id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{id}"
            );
        }
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule id");
        for r in LINK_RULES {
            assert!(!r.detects.is_empty() && !r.severity.is_empty(), "{}", r.id);
        }
    }
}

//! The analysis façade: text in, verdicts and explanations out.
//!
//! [`analyze`] does no I/O, never panics on any input and runs in time linear
//! in the size of the text it looks at. It caps what it analyses
//! ([`MAX_TEXT_BYTES`], [`MAX_LINKS`]) and says so in [`Analysis::notes`].

use std::fmt;

use crate::extract::{Kind, Link, find_links};
use crate::lure::{Facts, Request, word};
use crate::policy::Policy;
use crate::refs::{BrandRef, OrgRef};
use crate::rules::hosting::{self, HostingKind};
use crate::rules::{
    Finding, LINK_RULES, MESSAGE_RULES, MessageSubject, RELATION_RULES, RelationLink, Severity,
    Subject, possessive,
};
use crate::text::{EditKind, normalize};

/// At most this many bytes of a message are analysed (1 MiB).
pub const MAX_TEXT_BYTES: usize = 1 << 20;
/// At most this many links of a message are analysed.
pub const MAX_LINKS: usize = 1000;
/// At most this many risky links are described in the message explanation.
const MAX_EXPLAINED_LINKS: usize = 5;

/// How risky a link or a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Every link goes to the organisation's own domains (the only safe).
    Safe,
    /// No evidence either way. Never presented as safe.
    Unknown,
    /// Likely an attack.
    Suspicious,
    /// An attack.
    Dangerous,
}

impl Analysis {
    /// The message links to one of the organisation's phishing simulations.
    pub fn is_training(&self) -> bool {
        self.links.iter().any(|l| l.training)
    }
}

impl Verdict {
    /// The lower-case word used in JSON and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Safe => "safe",
            Verdict::Unknown => "unknown",
            Verdict::Suspicious => "suspicious",
            Verdict::Dangerous => "dangerous",
        }
    }

    fn from_severity(s: Severity) -> Verdict {
        match s {
            Severity::Safe => Verdict::Safe,
            Severity::Info => Verdict::Unknown,
            Severity::Suspicious => Verdict::Suspicious,
            Severity::Dangerous => Verdict::Dangerous,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One link and what the rules found about it.
#[derive(Debug, Clone)]
pub struct LinkAnalysis {
    /// The link as found.
    pub link: Link,
    /// Its verdict.
    pub verdict: Verdict,
    /// The brand imitated, or the owner when safe.
    pub brand: Option<BrandRef>,
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
    /// Plain-language explanation of this link.
    pub explanation: String,
    /// The real domain of the brand imitated, for "Did you mean …?".
    pub did_you_mean: Option<String>,
    /// The link goes to one of the organisation's phishing-simulation
    /// domains (`[indicators] training`): a report is answered with thanks
    /// for spotting the exercise.
    pub training: bool,
}

/// The result of analysing one message.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The message verdict: the worst of its links and message findings.
    pub verdict: Verdict,
    /// Every link found, in order of appearance.
    pub links: Vec<LinkAnalysis>,
    /// Findings about the text as a whole.
    pub message_findings: Vec<Finding>,
    /// Plain-language explanation of the message.
    pub explanation: String,
    /// What was left out or repaired (caps, invalid text).
    pub notes: Vec<String>,
    /// The organisation's promises, shown when the message asks for
    /// credentials or is dangerous.
    pub never_ask: Vec<String>,
    /// The organisation and the policy (its source) it was analysed under.
    pub organization: OrgRef,
}

/// Analyse one message under `policy`.
pub fn analyze(text: &str, policy: &Policy) -> Analysis {
    let mut notes = Vec::new();
    let text = if text.len() > MAX_TEXT_BYTES {
        let cut = floor_char_boundary(text, MAX_TEXT_BYTES);
        notes.push(format!(
            "Only the first {} of {} bytes were checked; links after that were not looked at.",
            cut,
            text.len()
        ));
        text.get(..cut).unwrap_or("")
    } else {
        text
    };
    let norm = normalize(text);
    let (links, more) = find_links(text, &norm, MAX_LINKS);
    if more {
        notes.push(format!(
            "Only the first {MAX_LINKS} links were checked; the message has more."
        ));
    }
    let mut links: Vec<LinkAnalysis> = links.into_iter().map(|l| analyze_link(l, policy)).collect();
    apply_relation_rules(&norm.text, &mut links, policy);
    let risky_link = links.iter().any(|l| l.verdict != Verdict::Safe);
    // Message rules read the words, not the links ("teamviewer.com" is a
    // link, not a request to install TeamViewer).
    let mut words = norm.text.clone().into_bytes();
    for l in &links {
        if let Some(bytes) = words.get_mut(l.link.normalized_span.clone()) {
            bytes.fill(b' ');
        }
    }
    let words = String::from_utf8_lossy(&words);
    let facts = crate::lure::facts(&words, policy);
    let shortener = links
        .iter()
        .filter(|l| l.verdict != Verdict::Safe)
        .filter_map(|l| l.link.host.as_ref())
        .filter_map(|h| hosting::classify(&h.ascii))
        .find(|(kind, _)| *kind == HostingKind::Shortener)
        .map(|(_, service)| service);
    let subject = MessageSubject {
        text: &words,
        facts: &facts,
        links: links.len(),
        risky_link,
        shortener,
    };
    let mut message_findings: Vec<Finding> = MESSAGE_RULES
        .iter()
        .filter(|r| !policy.disabled.contains_key(r.id))
        .flat_map(|r| (r.check)(&subject, policy))
        .collect();
    apply_severity_overrides(&mut message_findings, policy);
    message_findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let verdict = links
        .iter()
        .map(|l| l.verdict)
        .chain(
            message_findings
                .iter()
                .map(|f| Verdict::from_severity(f.severity)),
        )
        .max()
        .unwrap_or(Verdict::Unknown);
    let asks = verdict == Verdict::Dangerous
        || message_findings
            .iter()
            .any(|f| f.severity >= Severity::Suspicious);
    let never_ask = if asks {
        policy.organization.never_ask.clone()
    } else {
        Vec::new()
    };
    let explanation = explain_message(
        verdict,
        &links,
        &message_findings,
        &never_ask,
        &notes,
        &facts,
    );
    Analysis {
        verdict,
        links,
        message_findings,
        explanation,
        notes,
        never_ask,
        organization: policy.org_ref(),
    }
}

/// `[detection] severity`: the organisation's weight for a rule's findings
/// (never for `own-domain`, which alone decides what is safe).
fn apply_severity_overrides(findings: &mut [Finding], policy: &Policy) {
    for f in findings.iter_mut() {
        if f.severity == Severity::Safe {
            continue;
        }
        if let Some(s) = policy.severity.get(f.rule) {
            f.severity = *s;
        }
    }
}

/// The largest character boundary in `s` at or before `max`.
pub(crate) fn floor_char_boundary(s: &str, max: usize) -> usize {
    let mut i = max.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Run the relation rules over every link and add their findings to the
/// links they name; those links' verdicts and explanations are made anew.
fn apply_relation_rules(text: &str, links: &mut [LinkAnalysis], policy: &Policy) {
    if links.is_empty() {
        return;
    }
    let mut added: Vec<(usize, Finding)> = Vec::new();
    {
        let view: Vec<RelationLink<'_>> = links
            .iter()
            .map(|l| RelationLink {
                link: &l.link,
                severity: l.findings.first().map_or(Severity::Info, |f| f.severity),
                brand: l.brand.as_ref(),
            })
            .collect();
        for rule in RELATION_RULES {
            if policy.disabled.contains_key(rule.id) {
                continue;
            }
            added.extend((rule.check)(text, &view, policy));
        }
    }
    if added.is_empty() {
        return;
    }
    added.sort_by_key(|(i, _)| *i);
    for (i, f) in added {
        if let Some(l) = links.get_mut(i) {
            let mut findings = std::mem::take(&mut l.findings);
            findings.push(f);
            let placeholder = l.link.clone();
            let link = std::mem::replace(&mut l.link, placeholder);
            *l = finish_link(link, findings, policy);
        }
    }
}

/// Run every link rule on one link and combine the findings.
pub fn analyze_link(link: Link, policy: &Policy) -> LinkAnalysis {
    let mut findings = Vec::new();
    let subject = Subject::new(&link, policy);
    for rule in LINK_RULES {
        if policy.disabled.contains_key(rule.id) {
            continue;
        }
        (rule.check)(&subject, policy, &mut findings);
        if findings.iter().any(|f| f.severity == Severity::Safe) {
            break;
        }
    }
    finish_link(link, findings, policy)
}

/// Weigh, sort and explain a link's findings.
fn finish_link(link: Link, mut findings: Vec<Finding>, policy: &Policy) -> LinkAnalysis {
    apply_severity_overrides(&mut findings, policy);
    // Most severe first; rules keep registry order among equals (stable sort).
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let verdict = findings
        .first()
        .map_or(Verdict::Unknown, |f| Verdict::from_severity(f.severity));
    let brand = findings.iter().find_map(|f| f.brand.clone());
    let imitated = brand.as_ref().filter(|_| verdict >= Verdict::Suspicious);
    let did_you_mean = imitated
        .and_then(|b| b.main_domain())
        .filter(|d| {
            link.host
                .as_ref()
                .is_none_or(|h| h.registrable.as_deref() != Some(*d))
        })
        .map(str::to_owned);
    let explanation = explain_link(
        &link,
        verdict,
        &findings,
        imitated,
        did_you_mean.as_deref(),
        policy,
    );
    let training = link.host.as_ref().is_some_and(|h| policy.is_training(h));
    LinkAnalysis {
        link,
        verdict,
        brand,
        findings,
        explanation,
        did_you_mean,
        training,
    }
}

fn explain_link(
    link: &Link,
    verdict: Verdict,
    findings: &[Finding],
    imitated: Option<&BrandRef>,
    did_you_mean: Option<&str>,
    policy: &Policy,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(symbols) = &link.glued_symbols {
        parts.push(format!(
            "Some phones open the “{symbols}” in front of the name as part of it, so this link leads to {}.",
            link.host.as_ref().map_or(link.url.as_str(), |h| h.ascii.as_str())
        ));
    } else if link.via.is_some() {
        parts.push(format!(
            "This is where the link above really leads: {} is written inside its address.",
            link.url
        ));
    } else if link.refanged() {
        parts.push(format!(
            "It was written in a disarmed form (“{}”) and read as {}.",
            link.text, link.url
        ));
    } else if let Some(scheme) = &link.repaired_scheme {
        let shown = if scheme.is_empty() {
            "//".to_owned()
        } else {
            format!("{scheme}//")
        };
        parts.push(format!(
            "The start of the address is damaged or unusual (“{shown}”), but phones still open it, as {}.",
            link.url
        ));
    } else if link.hidden.contains(&EditKind::Entity) {
        parts.push(format!(
            "It was written with HTML character codes (“{}”) and reads as {}.",
            link.text, link.url
        ));
    } else if link.hidden.contains(&EditKind::LineBreak) {
        parts.push(format!(
            "It is split across two lines; joined, it reads {}.",
            link.url
        ));
    }
    if let Some(h) = &link.host
        && link.text.to_ascii_lowercase().contains("xn--")
        && h.unicode != h.ascii
    {
        parts.push(format!(
            "The link is written in punycode ({}); a browser may show it as {}.",
            h.ascii, h.unicode
        ));
    }
    let shown: Vec<&Finding> = findings
        .iter()
        .filter(|f| verdict == Verdict::Safe || f.severity != Severity::Safe)
        .collect();
    if shown.is_empty() {
        let what = match (&link.host, link.kind) {
            (Some(h), _) => h.display_registrable().to_owned(),
            (None, _) => link.text.clone(),
        };
        let err = link
            .parse_error
            .as_deref()
            .map(|e| format!(" It could not be read as a web address ({e})."))
            .unwrap_or_default();
        let whose = if policy.organization.name.trim().is_empty() {
            "on Second Look's list of known sites".to_owned()
        } else {
            format!(
                "one of the sites {} lists as its own",
                policy.organization_name()
            )
        };
        parts.push(format!(
            "{what} is not {whose}, and nothing else is known about it.{err}"
        ));
    }
    parts.extend(shown.iter().map(|f| f.explanation.clone()));
    if let Some(brand) = imitated {
        if let Some((last, rest)) = brand.sign_in().split_last() {
            parts.push(if rest.is_empty() {
                format!("{} real sign-in page is {last}.", possessive(brand.name()))
            } else {
                format!(
                    "{} real sign-in pages are {} and {last}.",
                    possessive(brand.name()),
                    rest.join(", ")
                )
            });
        } else if !policy.organization.sign_in.is_empty() {
            parts.push(format!(
                "{} signs in only at {}.",
                policy.organization_name(),
                policy.organization.sign_in.join(" or ")
            ));
        }
    }
    if let Some(d) = did_you_mean {
        parts.push(format!("Did you mean {d}?"));
    }
    parts.join(" ")
}

/// "Dangerous: do not reply, do not call the number, do not approve." — what
/// not to do, fitted to what the message asks (no "do not open the link"
/// when there is none), in the message's language. A message with links
/// that asks for none of the things below keeps the classic sentence.
fn headline(verdict: Verdict, links: &[LinkAnalysis], facts: &Facts) -> String {
    let lang = facts.lang;
    let has = |r: Request| facts.requests.contains(&r);
    let calls = has(Request::Call) && !facts.phones.is_empty();
    let specific = has(Request::Code)
        || has(Request::Push)
        || calls
        || has(Request::Qr)
        || has(Request::Install);
    let label = word(
        lang,
        if verdict == Verdict::Dangerous {
            "dangerous"
        } else {
            "suspicious"
        },
    );
    let risky_links = links.iter().any(|l| l.verdict >= Verdict::Suspicious);
    if !links.is_empty() && !specific {
        return if lang == 0 {
            if verdict == Verdict::Dangerous {
                "Dangerous: do not open the link, reply or enter anything.".to_owned()
            } else {
                "Suspicious: do not open the link or reply until you have checked with your security team.".to_owned()
            }
        } else {
            let mut s = format!(
                "{label}: {}, {}",
                word(lang, "do_not_open"),
                word(lang, "do_not_reply")
            );
            if verdict == Verdict::Suspicious {
                s = format!("{s} {}", word(lang, "check_first"));
            }
            format!("{s}.")
        };
    }
    let mut items: Vec<&str> = Vec::new();
    if risky_links || (!links.is_empty() && !has(Request::Qr)) {
        items.push(word(lang, "do_not_open"));
    }
    items.push(word(lang, "do_not_reply"));
    if calls || !facts.phones.is_empty() && has(Request::Chat) {
        items.push(word(lang, "do_not_call"));
    }
    if has(Request::Push) {
        items.push(word(lang, "do_not_approve"));
    }
    if has(Request::Qr) {
        items.push(word(lang, "do_not_scan"));
    }
    if has(Request::Install) {
        items.push(word(lang, "do_not_install"));
    }
    let mut s = format!("{label}: {}", items.join(", "));
    if verdict == Verdict::Suspicious {
        s = format!("{s} {}", word(lang, "check_first"));
    }
    format!("{s}.")
}

fn explain_message(
    verdict: Verdict,
    links: &[LinkAnalysis],
    message_findings: &[Finding],
    never_ask: &[String],
    notes: &[String],
    facts: &Facts,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    let n_links = links.len();
    parts.push(match verdict {
        Verdict::Dangerous | Verdict::Suspicious => headline(verdict, links, facts),
        Verdict::Safe => {
            let mut owners: Vec<&str> = links
                .iter()
                .filter_map(|l| l.brand.as_ref())
                .map(BrandRef::name)
                .collect();
            owners.dedup();
            format!(
                "Safe: {} to a domain the policy lists as owned ({}).",
                if n_links == 1 { "the link goes" } else { "every link goes" },
                owners.join(", ")
            )
        }
        Verdict::Unknown if n_links == 0 => {
            "No links and no warning signs found.".to_owned()
        }
        Verdict::Unknown => format!(
            "Unknown: no warning signs, but Second Look cannot vouch for {}. Unknown is not safe: open it only if you expected it.",
            if n_links == 1 { "this link" } else { "these links" }
        ),
    });
    let risky: Vec<&LinkAnalysis> = links
        .iter()
        .filter(|l| l.verdict >= Verdict::Suspicious)
        .collect();
    for l in risky.iter().take(MAX_EXPLAINED_LINKS) {
        let brand = l
            .brand
            .as_ref()
            .map(|b| format!(" (imitates {})", b.name()))
            .unwrap_or_default();
        let what = if l.link.kind == Kind::Email {
            "Address"
        } else {
            "Link"
        };
        parts.push(format!("{what} {}{brand}: {}", l.link.text, l.explanation));
    }
    if risky.len() > MAX_EXPLAINED_LINKS {
        parts.push(format!(
            "…and {} more risky links.",
            risky.len() - MAX_EXPLAINED_LINKS
        ));
    }
    if verdict >= Verdict::Suspicious {
        parts.extend(message_findings.iter().map(|f| f.explanation.clone()));
    }
    // A promise a finding already quotes is not repeated.
    parts.extend(
        never_ask
            .iter()
            .filter(|p| {
                !message_findings
                    .iter()
                    .any(|f| f.explanation.contains(p.as_str()))
            })
            .cloned(),
    );
    parts.extend(notes.iter().cloned());
    parts.join("\n")
}

/// The first [`MAX_TEXT_BYTES`] of `bytes`, without splitting a character
/// at the cut.
fn capped_bytes(bytes: &[u8]) -> &[u8] {
    let capped = bytes.get(..MAX_TEXT_BYTES).unwrap_or(bytes);
    match std::str::from_utf8(capped) {
        Err(e) if e.error_len().is_none() => capped.get(..e.valid_up_to()).unwrap_or(capped),
        _ => capped,
    }
}

/// The text [`analyze_bytes`] analyses for `bytes` (capped, invalid UTF-8
/// replaced): what a report of the same bytes must carry.
pub fn message_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(capped_bytes(bytes))
}

/// Analyse raw bytes as one message: invalid UTF-8 is repaired (and said so),
/// and `total_len` (the size of the whole input, of which `bytes` may be only
/// the start) is reported when more was given than is analysed.
pub fn analyze_bytes(bytes: &[u8], total_len: usize, policy: &Policy) -> Analysis {
    let mut extra = Vec::new();
    let capped = capped_bytes(bytes);
    let text = String::from_utf8_lossy(capped);
    if matches!(text, std::borrow::Cow::Owned(_)) {
        extra.push(
            "The text contained bytes that are not valid text (binary data?); they were replaced with “\u{FFFD}”."
                .to_owned(),
        );
    }
    let total = total_len.max(bytes.len());
    if total > capped.len() {
        extra.push(format!(
            "Only the first {} of {} bytes were checked; links after that were not looked at.",
            capped.len(),
            total
        ));
    }
    let mut analysis = analyze(&text, policy);
    if !extra.is_empty() {
        for n in &extra {
            analysis.explanation.push('\n');
            analysis.explanation.push_str(n);
        }
        extra.append(&mut analysis.notes);
        analysis.notes = extra;
    }
    analysis
}

//! The analysis façade: text in, verdicts and explanations out.
//!
//! [`analyze`] does no I/O, never panics on any input and runs in time linear
//! in the size of the text it looks at. It caps what it analyses
//! ([`MAX_TEXT_BYTES`], [`MAX_LINKS`]) and says so in [`Analysis::notes`].

use std::fmt;

use crate::engine::explain::Asks;
use crate::extract::{Link, find_links};
use crate::policy::Policy;
use crate::refs::{BrandRef, OrgRef};
use crate::rules::hosting::{self, HostingKind};
use crate::rules::{
    Finding, LINK_RULES, MESSAGE_RULES, MessageSubject, RELATION_RULES, RelationLink, Severity,
    Subject,
};
use crate::text::normalize;

/// At most this many bytes of a message are analysed (1 MiB).
pub const MAX_TEXT_BYTES: usize = 1 << 20;
/// At most this many links of a message are analysed.
pub const MAX_LINKS: usize = 1000;

/// The words of a message (its text without its links) are read for lures
/// up to this many bytes; the links of the whole text are still checked.
pub const MAX_WORDS_BYTES: usize = 128 << 10;
/// At most this many risky links are described in the message explanation.
pub(crate) const MAX_EXPLAINED_LINKS: usize = 5;

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
    /// The organisation it was judged for (its explanation names it).
    pub organization: OrgRef,
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
    /// What was left out or repaired (caps, invalid text).
    pub notes: Vec<String>,
    /// The organisation's promises, shown when the message asks for
    /// credentials or is dangerous.
    pub never_ask: Vec<String>,
    /// The organisation and the policy (its source) it was analysed under.
    pub organization: OrgRef,
    /// What the message asks, for the headline of its explanation.
    pub(crate) asks: Asks,
    /// How many of the first `notes` are about the bytes given
    /// ([`analyze_bytes`]): the explanation says them last.
    pub(crate) byte_notes: usize,
}

impl Analysis {
    /// Plain-language explanation of the message, written now: the
    /// headline, each risky link, what the message asks, the promises and
    /// the notes, one per line.
    pub fn explanation(&self) -> String {
        crate::engine::explain::message(self)
    }

    /// The same analysis worded in English where its sentences are in the
    /// message's language (the headline and the message rules' sentences
    /// built from vocabulary): for a window that has no font for the
    /// message's script, where the translated words would show as boxes.
    /// Sentences a vocabulary file words itself stay as they are.
    pub fn in_english(&self) -> Analysis {
        let mut a = self.clone();
        a.asks.lang = 0;
        for f in &mut a.message_findings {
            f.evidence.set_language(0);
        }
        a
    }

    /// The message's language is another than English: the headline and
    /// message sentences are worded in it.
    pub fn worded_in_another_language(&self) -> bool {
        self.asks.lang != 0
    }

    /// [`Analysis::explanation`], with the links' explanations already
    /// written (`links[i]` for `self.links[i]`): the same text, each link's
    /// sentences written once (the JSON writes them for the link too).
    pub(crate) fn explanation_with_links(&self, links: &[&str]) -> String {
        crate::engine::explain::message_with(self, links)
    }
}

impl LinkAnalysis {
    /// Plain-language explanation of this link, written now.
    pub fn explanation(&self) -> String {
        crate::engine::explain::link(self)
    }

    /// The host is `brand`'s own (the `own-domain` rule found it), even
    /// where another finding made the link risky: a page of the brand's
    /// site that carries a link elsewhere. Such a link goes *through* the
    /// brand's site; it does not imitate it.
    pub fn on_brand_site(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.rule == crate::rules::own_domain::RULE.id && f.brand.is_some())
    }
}

/// Analyse one message under `policy`.
pub fn analyze(text: &str, policy: &Policy) -> Analysis {
    analyze_with(text, policy, true)
}

/// [`analyze`] without the bulk fast path (`engine::bare`): every text
/// normalised and scanned. For the tests that prove the fast path gives
/// the same analysis; not for use.
#[doc(hidden)]
pub fn analyze_full_path(text: &str, policy: &Policy) -> Analysis {
    analyze_with(text, policy, false)
}

/// [`analyze`] takes the bulk fast path for `text`: it is plainly one bare
/// host or web address whose host is read. For tests and benchmarks.
#[doc(hidden)]
pub fn takes_fast_path(text: &str) -> bool {
    text.len() <= MAX_TEXT_BYTES && crate::engine::bare::links(text, MAX_LINKS).is_some()
}

fn analyze_with(text: &str, policy: &Policy, fast: bool) -> Analysis {
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
    // A bare host or plain web address (the lines of a feed) needs no
    // normalising and no scans: its one candidate is the whole text.
    let bare = if fast {
        crate::engine::bare::links(text, MAX_LINKS)
    } else {
        None
    };
    let norm;
    let (norm_text, links) = match bare {
        Some(links) => (text, links),
        None => {
            norm = normalize(text);
            let (links, more) = find_links(text, &norm, MAX_LINKS);
            if more {
                notes.push(format!(
                    "Only the first {MAX_LINKS} links were checked; the message has more."
                ));
            }
            (norm.text.as_str(), links)
        }
    };
    let mut links: Vec<LinkAnalysis> = links.into_iter().map(|l| analyze_link(l, policy)).collect();
    apply_relation_rules(norm_text, &mut links, policy);
    let risky_link = links.iter().any(|l| l.verdict != Verdict::Safe);
    let own_link = links.iter().any(|l| l.verdict == Verdict::Safe);
    // A chat link opens a chat with whoever registered the handle, even on
    // the chat app's own domain (`wa.me` is WhatsApp's): only a host the
    // organisation trusts itself is no move to another chat.
    let chat_link = links
        .iter()
        .filter_map(|l| l.link.host.as_ref())
        .filter(|h| !matches!(policy.owner_of(h), Some(crate::policy::Owner::Trusted)))
        .any(|h| crate::rules::callback_lure::is_chat_host(&h.ascii));
    let app_link = links
        .iter()
        .filter(|l| l.verdict != Verdict::Safe)
        .filter_map(|l| l.link.parsed.as_ref())
        .any(|u| {
            let path = u.path().to_ascii_lowercase();
            [".apk", ".xapk", ".ipa", ".exe", ".msi"]
                .iter()
                .any(|e| path.ends_with(e))
        });
    // Message rules read the words, not the links ("teamviewer.com" is a
    // link, not a request to install TeamViewer).
    let mut words = norm_text.as_bytes().to_vec();
    for l in &links {
        if let Some(bytes) = words.get_mut(l.link.normalized_span.clone()) {
            bytes.fill(b' ');
        }
    }
    // The words of a message are read for lures up to MAX_WORDS_BYTES (a
    // long e-mail is a few tens of KiB); beyond, only links are read, and
    // the note says so (issue #17 §2: a 1 MiB text of words took 300 ms).
    if words.len() > MAX_WORDS_BYTES {
        // A character boundary of the text is one of the words too: they
        // differ only where links were blanked, byte for byte.
        let cut = floor_char_boundary(norm_text, MAX_WORDS_BYTES);
        if words
            .get(cut..)
            .is_some_and(|rest| rest.iter().any(|b| !b.is_ascii_whitespace()))
        {
            notes.push(format!(
                "Only the first {} KiB of the words were read for what the message asks; its links were checked as usual.",
                MAX_WORDS_BYTES >> 10
            ));
        }
        words.truncate(cut);
    }
    let words = String::from_utf8_lossy(&words);
    // Nothing but links (a bare host, a feed's line): no words, the facts
    // of an empty text (a test below holds them equal), without folding
    // and scanning the blanks.
    let read;
    let facts: &crate::lure::Facts = if words.bytes().all(|b| b == b' ')
        && let Some(empty) = empty_facts(policy)
    {
        empty
    } else {
        read = crate::lure::facts(&words, policy);
        &read
    };
    let shortener = links
        .iter()
        .filter(|l| l.verdict != Verdict::Safe)
        .filter_map(|l| l.link.host.as_ref())
        .filter_map(|h| hosting::classify(&h.ascii))
        .find(|(kind, _)| *kind == HostingKind::Shortener)
        .map(|(_, service)| service);
    let subject = MessageSubject {
        text: &words,
        facts,
        links: links.len(),
        risky_link,
        own_link,
        chat_link,
        app_link,
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
    Analysis {
        verdict,
        links,
        message_findings,
        notes,
        never_ask,
        organization: policy.org_ref(),
        asks: Asks {
            lang: facts.lang,
            requests: facts.requests.clone(),
            phones: !facts.phones.is_empty(),
        },
        byte_notes: 0,
    }
}

/// The lure facts of an empty text under `policy`
/// ([`crate::lure::facts`] of `""`), computed once per policy and kept in
/// it: every line of a feed that is only a link has them.
fn empty_facts(policy: &Policy) -> Option<&crate::lure::Facts> {
    policy
        .analysis_cache(|| std::sync::Arc::new(crate::lure::facts("", policy)))
        .downcast_ref()
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
    let training = link.host.as_ref().is_some_and(|h| policy.is_training(h));
    LinkAnalysis {
        link,
        verdict,
        brand,
        findings,
        organization: policy.org_ref(),
        did_you_mean,
        training,
    }
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
        analysis.byte_notes = extra.len();
        extra.append(&mut analysis.notes);
        analysis.notes = extra;
    }
    analysis
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use super::*;

    /// The shortcut for a text that is all links: blanks have the facts of
    /// an empty text.
    #[test]
    fn blank_text_has_the_facts_of_an_empty_one() {
        let twilio = Policy::from_toml(include_str!("../../tests/data/twilio.toml"), "t")
            .expect("valid policy");
        let builtin = Policy::builtin().expect("valid built-in policy");
        for policy in [&twilio, &builtin] {
            let empty = format!("{:?}", crate::lure::facts("", policy));
            // The kept value is that of an empty text, before and after
            // a first use.
            let kept = || format!("{:?}", empty_facts(policy).expect("kept"));
            assert_eq!(kept(), empty);
            assert_eq!(kept(), empty);
            for n in [1, 2, 15, 80, 300] {
                let blank = " ".repeat(n);
                assert_eq!(format!("{:?}", crate::lure::facts(&blank, policy)), empty);
            }
        }
    }
}

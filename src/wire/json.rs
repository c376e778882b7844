//! The JSON shape of an analysis (`secondlook check --json`).
//!
//! A separate, serialisable view of [`Analysis`] so the engine's types can
//! change without breaking scripts. Field names are a contract: `verdict`,
//! `links[].{url, host, registrable_domain, verdict, brand, findings[].{rule,
//! severity, explanation}}`, `message_findings`, `explanation`. New fields
//! may be added (`links[].owned_host`, only when true); none are renamed.

use serde::Serialize;

use crate::analysis::{Analysis, LinkAnalysis};
use crate::extract::Kind;
use crate::refs::BrandRef;
use crate::rules::Finding;

/// One message's analysis.
#[derive(Debug, Serialize)]
pub struct AnalysisJson<'a> {
    /// `safe`, `unknown`, `suspicious` or `dangerous`.
    pub verdict: &'static str,
    /// Every link found, in order.
    pub links: Vec<LinkJson<'a>>,
    /// Findings about the whole text.
    pub message_findings: Vec<FindingJson<'a>>,
    /// Plain-language explanation of the message.
    pub explanation: String,
    /// The organisation's promises, when relevant.
    pub never_ask: &'a [String],
    /// What was capped or repaired.
    pub notes: &'a [String],
    /// Where the policy came from.
    pub policy: &'a str,
    /// A link goes to one of the organisation's phishing simulations.
    pub training: bool,
}

/// One link.
#[derive(Debug, Serialize)]
pub struct LinkJson<'a> {
    /// The link after refanging (never opened).
    pub url: &'a str,
    /// Exactly as written in the message.
    pub text: &'a str,
    /// `[start, end)` byte offsets in the message.
    pub span: [usize; 2],
    /// `web` or `email`.
    pub kind: &'static str,
    /// Host as a person reads it (Unicode), or null.
    pub host: Option<&'a str>,
    /// Host in ASCII (punycode), or null.
    pub host_ascii: Option<&'a str>,
    /// Registrable domain (Public Suffix List), or null.
    pub registrable_domain: Option<&'a str>,
    /// The link's verdict.
    pub verdict: &'static str,
    /// Brand imitated (or owning, when safe), or null.
    pub brand: Option<&'a str>,
    /// The brand's real domain when imitated.
    pub did_you_mean: Option<&'a str>,
    /// The link was written in a defanged form.
    pub refanged: bool,
    /// The link was found inside another link's address (a redirect): the
    /// index of that link in `links`, or null.
    pub via: Option<usize>,
    /// The scheme as written when it was damaged, foreign or missing
    /// (`ttps:`, `https`, `intent:`, empty for `//host`); the link was judged
    /// as `https://`. Null otherwise.
    pub repaired_scheme: Option<&'a str>,
    /// Findings, most severe first.
    pub findings: Vec<FindingJson<'a>>,
    /// Plain-language explanation of the link.
    pub explanation: String,
    /// The link goes to one of the organisation's phishing simulations.
    pub training: bool,
    /// Present (and `true`) only when the host is `brand`'s own and the
    /// link is judged for where it leads (a page that forwards elsewhere):
    /// block the URL, never `registrable_domain`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub owned_host: bool,
}

/// One finding.
#[derive(Debug, Serialize)]
pub struct FindingJson<'a> {
    /// Rule id.
    pub rule: &'static str,
    /// `safe`, `info`, `suspicious` or `dangerous`.
    pub severity: &'static str,
    /// Brand concerned, or null.
    pub brand: Option<&'a str>,
    /// Plain-language explanation.
    pub explanation: String,
}

fn finding(f: &Finding) -> FindingJson<'_> {
    FindingJson {
        rule: f.rule,
        severity: f.severity.as_str(),
        brand: f.brand.as_ref().map(BrandRef::name),
        explanation: f.explanation(),
    }
}

fn link(l: &LinkAnalysis) -> LinkJson<'_> {
    let host = l.link.host.as_ref();
    LinkJson {
        url: &l.link.url,
        text: &l.link.text,
        span: [l.link.span.start, l.link.span.end],
        kind: match l.link.kind {
            Kind::Web => "web",
            Kind::Email => "email",
        },
        host: host.map(|h| h.unicode.as_str()),
        host_ascii: host.map(|h| h.ascii.as_str()),
        registrable_domain: host.and_then(|h| h.registrable_unicode.as_deref()),
        verdict: l.verdict.as_str(),
        brand: l.brand.as_ref().map(BrandRef::name),
        did_you_mean: l.did_you_mean.as_deref(),
        refanged: l.link.refanged(),
        via: l.link.via,
        repaired_scheme: l.link.repaired_scheme.as_deref(),
        findings: l.findings.iter().map(finding).collect(),
        explanation: l.explanation(),
        training: l.training,
        owned_host: l.verdict > crate::Verdict::Safe && l.on_brand_site(),
    }
}

impl<'a> AnalysisJson<'a> {
    /// The JSON view of `analysis`.
    pub fn new(analysis: &'a Analysis) -> AnalysisJson<'a> {
        let links: Vec<LinkJson<'a>> = analysis.links.iter().map(link).collect();
        // Each risky link's explanation is part of the message's too:
        // written once, for both.
        let explanation = if analysis
            .links
            .iter()
            .any(|l| l.verdict >= crate::analysis::Verdict::Suspicious)
        {
            let written: Vec<&str> = links.iter().map(|l| l.explanation.as_str()).collect();
            analysis.explanation_with_links(&written)
        } else {
            analysis.explanation()
        };
        AnalysisJson {
            verdict: analysis.verdict.as_str(),
            links,
            message_findings: analysis.message_findings.iter().map(finding).collect(),
            explanation,
            never_ask: &analysis.never_ask,
            notes: &analysis.notes,
            policy: analysis.organization.source(),
            training: analysis.is_training(),
        }
    }
}

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
#[derive(Debug, Clone, Serialize)]
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

/// The JSON line as bytes, written by hand: the bulk path's writer
/// (`check --json`, `--lines --json`). Byte for byte what
/// `serde_json::to_writer` writes for the same view (compact, fields in
/// declaration order, `owned_host` only when true, strings escaped as
/// serde_json escapes them): the tests below compare both on the dev
/// corpus, the adversarial corpus and generated strings. Runs of bytes
/// that need no escape are copied whole.
impl AnalysisJson<'_> {
    /// Append this analysis as one compact JSON object to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"verdict\":");
        write_str(out, self.verdict);
        out.extend_from_slice(b",\"links\":[");
        for (i, l) in self.links.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            l.write_to(out);
        }
        out.extend_from_slice(b"],\"message_findings\":");
        write_findings(out, &self.message_findings);
        out.extend_from_slice(b",\"explanation\":");
        write_str(out, &self.explanation);
        out.extend_from_slice(b",\"never_ask\":");
        write_strs(out, self.never_ask);
        out.extend_from_slice(b",\"notes\":");
        write_strs(out, self.notes);
        out.extend_from_slice(b",\"policy\":");
        write_str(out, self.policy);
        out.extend_from_slice(b",\"training\":");
        write_bool(out, self.training);
        out.push(b'}');
    }
}

impl LinkJson<'_> {
    fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"url\":");
        write_str(out, self.url);
        out.extend_from_slice(b",\"text\":");
        write_str(out, self.text);
        out.extend_from_slice(b",\"span\":[");
        write_usize(out, self.span[0]);
        out.push(b',');
        write_usize(out, self.span[1]);
        out.extend_from_slice(b"],\"kind\":");
        write_str(out, self.kind);
        out.extend_from_slice(b",\"host\":");
        write_opt_str(out, self.host);
        out.extend_from_slice(b",\"host_ascii\":");
        write_opt_str(out, self.host_ascii);
        out.extend_from_slice(b",\"registrable_domain\":");
        write_opt_str(out, self.registrable_domain);
        out.extend_from_slice(b",\"verdict\":");
        write_str(out, self.verdict);
        out.extend_from_slice(b",\"brand\":");
        write_opt_str(out, self.brand);
        out.extend_from_slice(b",\"did_you_mean\":");
        write_opt_str(out, self.did_you_mean);
        out.extend_from_slice(b",\"refanged\":");
        write_bool(out, self.refanged);
        out.extend_from_slice(b",\"via\":");
        match self.via {
            Some(v) => write_usize(out, v),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"repaired_scheme\":");
        write_opt_str(out, self.repaired_scheme);
        out.extend_from_slice(b",\"findings\":");
        write_findings(out, &self.findings);
        out.extend_from_slice(b",\"explanation\":");
        write_str(out, &self.explanation);
        out.extend_from_slice(b",\"training\":");
        write_bool(out, self.training);
        if self.owned_host {
            out.extend_from_slice(b",\"owned_host\":true");
        }
        out.push(b'}');
    }
}

fn write_findings(out: &mut Vec<u8>, findings: &[FindingJson<'_>]) {
    out.push(b'[');
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"rule\":");
        write_str(out, f.rule);
        out.extend_from_slice(b",\"severity\":");
        write_str(out, f.severity);
        out.extend_from_slice(b",\"brand\":");
        write_opt_str(out, f.brand);
        out.extend_from_slice(b",\"explanation\":");
        write_str(out, &f.explanation);
        out.push(b'}');
    }
    out.push(b']');
}

fn write_strs(out: &mut Vec<u8>, strs: &[String]) {
    out.push(b'[');
    for (i, s) in strs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, s);
    }
    out.push(b']');
}

fn write_bool(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

fn write_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => write_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn write_usize(out: &mut Vec<u8>, mut n: usize) {
    // At most 20 decimal digits.
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(i..).unwrap_or_default());
}

/// A JSON string as serde_json writes it: `"` and `\` escaped with a
/// backslash; the control characters U+0000–U+001F as `\b`, `\t`, `\n`,
/// `\f`, `\r` or `\u00xx` (lower-case hex); everything else (DEL, U+2028,
/// U+2029, every non-ASCII character) as its UTF-8 bytes.
fn write_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time while none needs an escape.
        if let Some(chunk) = bytes.get(i..i + 8)
            && let Ok(word) = <[u8; 8]>::try_from(chunk)
            && !needs_escape(u64::from_le_bytes(word))
        {
            i += 8;
            continue;
        }
        let end = (i + 8).min(bytes.len());
        while i < end {
            let b = bytes.get(i).copied().unwrap_or(b' ');
            i += 1;
            let short = match b {
                b'"' => b'"',
                b'\\' => b'\\',
                0x08 => b'b',
                0x09 => b't',
                0x0A => b'n',
                0x0C => b'f',
                0x0D => b'r',
                0x00..=0x1F => b'u',
                _ => continue,
            };
            out.extend_from_slice(bytes.get(start..i - 1).unwrap_or_default());
            out.push(b'\\');
            out.push(short);
            if short == b'u' {
                out.extend_from_slice(b"00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xF)]);
            }
            start = i;
        }
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
    out.push(b'"');
}

/// Some byte of the eight in `word` is a control character (below 0x20),
/// `"` or `\`. Exact in what it says of the eight together: the
/// classic "has a byte below n" and "has a zero byte" tests, which never
/// miss one (a false alarm would only send the eight through the
/// byte-by-byte loop).
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    let control = below(word, 0x20);
    let quote = below(word ^ (ONES * u64::from(b'"')), 1);
    let backslash = below(word ^ (ONES * u64::from(b'\\')), 1);
    control | quote | backslash != 0
}

//! The analysis as a report carries it (`secondlook.report/1`, field
//! `analysis`): the same fields and values as `secondlook check --json`
//! ([`AnalysisJson`]), owned so a report can be read back from the outbox.
//!
//! The wire format is a contract. Fields are declared in alphabetical order
//! because the first release wrote this object through a `serde_json::Value`
//! (keys sorted): an outbox file written then is written back byte for byte
//! the same (`tests/data/outbox-entry-v1.json`). Every field has a default,
//! so a file that lacks one still loads.

use serde::{Deserialize, Deserializer, Serialize};

use crate::json::{AnalysisJson, FindingJson, LinkJson};

/// One message's analysis, as the report carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalysisRecord {
    /// Plain-language explanation of the message.
    pub explanation: String,
    /// Every link found, in order.
    pub links: Vec<LinkRecord>,
    /// Findings about the whole text.
    pub message_findings: Vec<FindingRecord>,
    /// The organisation's promises, when relevant.
    pub never_ask: Vec<String>,
    /// What was capped or repaired.
    pub notes: Vec<String>,
    /// Where the policy came from.
    pub policy: String,
    /// A link goes to one of the organisation's phishing simulations.
    pub training: bool,
    /// `safe`, `unknown`, `suspicious` or `dangerous`.
    pub verdict: String,
}

/// One link (see [`LinkJson`] for what each field means).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkRecord {
    /// Brand imitated (or owning, when safe), or null.
    pub brand: Option<String>,
    /// The brand's real domain when imitated.
    pub did_you_mean: Option<String>,
    /// Plain-language explanation of the link.
    pub explanation: String,
    /// Findings, most severe first.
    pub findings: Vec<FindingRecord>,
    /// Host as a person reads it (Unicode), or null.
    pub host: Option<String>,
    /// Host in ASCII (punycode), or null.
    pub host_ascii: Option<String>,
    /// `web` or `email`.
    pub kind: String,
    /// The host is `brand`'s own and the link is judged for where it leads
    /// (written only when true, as `check --json` does).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub owned_host: bool,
    /// The link was written in a defanged form.
    pub refanged: bool,
    /// Registrable domain (Public Suffix List), or null.
    pub registrable_domain: Option<String>,
    /// The scheme as written when it was damaged, foreign or missing.
    pub repaired_scheme: Option<String>,
    /// `[start, end)` byte offsets in the message.
    pub span: [usize; 2],
    /// Exactly as written in the message.
    pub text: String,
    /// The link goes to one of the organisation's phishing simulations.
    pub training: bool,
    /// The link after refanging (never opened).
    pub url: String,
    /// The link's verdict.
    pub verdict: String,
    /// The index in `links` of the link this one was found inside, or null.
    pub via: Option<usize>,
}

impl LinkRecord {
    /// Dangerous or suspicious.
    pub fn flagged(&self) -> bool {
        matches!(self.verdict.as_str(), "dangerous" | "suspicious")
    }
}

/// One finding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FindingRecord {
    /// Brand concerned, or null.
    pub brand: Option<String>,
    /// Plain-language explanation.
    pub explanation: String,
    /// Rule id.
    pub rule: String,
    /// `safe`, `info`, `suspicious` or `dangerous`.
    pub severity: String,
}

impl From<&AnalysisJson<'_>> for AnalysisRecord {
    fn from(a: &AnalysisJson<'_>) -> AnalysisRecord {
        AnalysisRecord {
            explanation: a.explanation.clone(),
            links: a.links.iter().map(LinkRecord::from).collect(),
            message_findings: a.message_findings.iter().map(FindingRecord::from).collect(),
            never_ask: a.never_ask.to_vec(),
            notes: a.notes.to_vec(),
            policy: a.policy.to_owned(),
            training: a.training,
            verdict: a.verdict.to_owned(),
        }
    }
}

impl From<&LinkJson<'_>> for LinkRecord {
    fn from(l: &LinkJson<'_>) -> LinkRecord {
        LinkRecord {
            brand: l.brand.map(str::to_owned),
            did_you_mean: l.did_you_mean.map(str::to_owned),
            explanation: l.explanation.clone(),
            findings: l.findings.iter().map(FindingRecord::from).collect(),
            host: l.host.map(str::to_owned),
            host_ascii: l.host_ascii.map(str::to_owned),
            kind: l.kind.to_owned(),
            owned_host: l.owned_host,
            refanged: l.refanged,
            registrable_domain: l.registrable_domain.map(str::to_owned),
            repaired_scheme: l.repaired_scheme.map(str::to_owned),
            span: l.span,
            text: l.text.to_owned(),
            training: l.training,
            url: l.url.to_owned(),
            verdict: l.verdict.to_owned(),
            via: l.via,
        }
    }
}

impl From<&FindingJson<'_>> for FindingRecord {
    fn from(f: &FindingJson<'_>) -> FindingRecord {
        FindingRecord {
            brand: f.brand.map(str::to_owned),
            explanation: f.explanation.clone(),
            rule: f.rule.to_owned(),
            severity: f.severity.to_owned(),
        }
    }
}

/// `null` (what the first release wrote if the analysis could not be
/// written) reads as the empty analysis rather than making the whole
/// outbox file unreadable.
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_has_the_fields_of_check_json_with_the_same_values() {
        let p = crate::Policy::from_toml(
            include_str!("../../tests/data/twilio.toml"),
            "twilio test policy",
        )
        .unwrap();
        let a = crate::analyze(
            "IT: sign in at https://twilio-okta.net/login or call +1 555 0100, see bit.ly/x and [twilio.com](https://evil.example/) or https://www.twilio.com/login?next=https://twilio-okta.com/",
            &p,
        );
        let json = AnalysisJson::new(&a);
        assert!(
            json.links.iter().any(|l| l.owned_host),
            "the owned page that forwards"
        );
        let record = AnalysisRecord::from(&json);
        assert_eq!(
            serde_json::to_value(&record).unwrap(),
            serde_json::to_value(&json).unwrap()
        );
        let back: AnalysisRecord =
            serde_json::from_str(&serde_json::to_string(&json).unwrap()).unwrap();
        assert_eq!(back, record);
    }

    #[test]
    fn missing_fields_and_a_null_analysis_still_load() {
        let r: LinkRecord =
            serde_json::from_str(r#"{"url": "https://a.example/", "verdict": "unknown"}"#).unwrap();
        assert_eq!(r.url, "https://a.example/");
        assert_eq!(r.via, None);
        #[derive(Deserialize)]
        struct Holder {
            #[serde(deserialize_with = "null_as_default")]
            analysis: AnalysisRecord,
        }
        let h: Holder = serde_json::from_str(r#"{"analysis": null}"#).unwrap();
        assert_eq!(h.analysis, AnalysisRecord::default());
    }
}

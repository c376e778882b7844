//! Reporting a message to the security team.
//!
//! A [`Report`] holds exactly what the user saw in the preview: the message
//! as pasted or copied, the optional note, the full analysis, the app and
//! policy versions, the time and a stable id. Nothing else from the machine.
//! [`outbox`] writes it durably before any delivery is tried; [`deliver`]
//! sends it to each configured channel (SMTP, webhooks) until each accepts
//! it, never twice to a channel that acknowledged it.

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::json::AnalysisJson;
use crate::policy::Policy;

pub mod deliver;
pub mod outbox;

/// The report format's name and version, in every report.
pub const SCHEMA: &str = "secondlook.report/1";

/// What the user says the message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An attempt to steal sign-ins or money (subject `Phishing:`).
    Phishing,
    /// Just spam (subject `Junk:`).
    Junk,
}

/// What the reporter says they already did with the message (the "I already
/// opened it / typed my password or code" path). Any entry makes the report urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entered {
    /// Opened the link.
    OpenedLink,
    /// Typed a password.
    Password,
    /// Typed or read out a one-time code.
    Code,
    /// Approved a sign-in push.
    ApprovedPush,
    /// Called the number in the message.
    CalledNumber,
    /// Installed an app or remote-access tool.
    InstalledApp,
}

/// The policy a report was made under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRef {
    /// Where it came from (layers or file).
    pub source: String,
    /// The organisation's name.
    pub organization: String,
}

/// One report: the wire and outbox format (`secondlook.report/1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Stable id: the idempotency key for every channel.
    pub id: String,
    /// When the report was made, RFC 3339 UTC.
    pub created: String,
    /// Phishing or junk.
    pub kind: Kind,
    /// The message exactly as the user pasted or copied it.
    pub text: String,
    /// The user's note ("came from +1 555…, claimed to be IT").
    pub note: Option<String>,
    /// `secondlook` version and build commit.
    pub app_version: String,
    /// The policy in force.
    pub policy: PolicyRef,
    /// The message verdict.
    pub verdict: String,
    /// The full analysis, as `secondlook check --json` prints it.
    pub analysis: serde_json::Value,
    /// A link goes to one of the organisation's phishing simulations.
    pub training: bool,
    /// The reporter already acted on the message: handle this report first.
    #[serde(default)]
    pub urgent: bool,
    /// What the reporter says they did (empty for ordinary reports).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entered: Vec<Entered>,
}

impl Report {
    /// Build a report of `text` (already analysed as `analysis` under `policy`).
    pub fn new(
        text: &str,
        note: Option<&str>,
        kind: Kind,
        analysis: &Analysis,
        policy: &Policy,
    ) -> Report {
        let analysis_json = serde_json::to_value(AnalysisJson::new(analysis, policy))
            .unwrap_or(serde_json::Value::Null);
        Report {
            schema: SCHEMA.to_owned(),
            id: uuid::Uuid::new_v4().to_string(),
            created: rfc3339(std::time::SystemTime::now()),
            kind,
            text: text.to_owned(),
            note: note
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
            app_version: crate::VERSION.to_owned(),
            policy: PolicyRef {
                source: policy.source.clone(),
                organization: policy.organization.name.clone(),
            },
            verdict: analysis.verdict.as_str().to_owned(),
            analysis: analysis_json,
            training: analysis.is_training(),
            urgent: false,
            entered: Vec::new(),
        }
    }

    /// Mark the report urgent: the reporter already did `entered` with the message.
    pub fn mark_urgent(mut self, entered: Vec<Entered>) -> Report {
        self.urgent = true;
        self.entered = entered;
        self
    }

    /// The mail subject: `Phishing: …` or `Junk: …`, the prefix security
    /// mailboxes (Microsoft Defender's user-reported flow) classify by.
    pub fn subject(&self) -> String {
        let prefix = match self.kind {
            Kind::Phishing => "Phishing",
            Kind::Junk => "Junk",
        };
        let host = self.first_host().unwrap_or("no link");
        format!("{prefix}: Second Look report – {host}")
    }

    /// The most telling host: the first risky link's, else the first link's.
    pub fn first_host(&self) -> Option<&str> {
        let links = self.analysis.get("links")?.as_array()?;
        fn host(l: &serde_json::Value) -> Option<&str> {
            l.get("host").and_then(|h| h.as_str())
        }
        links
            .iter()
            .find(|l| {
                matches!(
                    l.get("verdict").and_then(|v| v.as_str()),
                    Some("dangerous" | "suspicious")
                )
            })
            .and_then(host)
            .or_else(|| links.first().and_then(host))
    }

    /// The readable text of the report: the mail body and the preview.
    pub fn readable(&self) -> String {
        let mut s = format!(
            "Second Look report {}\nReported: {}\nVerdict: {}\n",
            self.id,
            self.created,
            self.verdict.to_uppercase()
        );
        if let Some(n) = &self.note {
            s.push_str(&format!("Note from the reporter: {n}\n"));
        }
        s.push_str("\nThe message as reported:\n----\n");
        s.push_str(&self.text);
        s.push_str("\n----\n");
        if let Some(links) = self.analysis.get("links").and_then(|l| l.as_array()) {
            if !links.is_empty() {
                s.push_str("\nLinks:\n");
            }
            for l in links {
                let get = |k: &str| l.get(k).and_then(|v| v.as_str()).unwrap_or("");
                s.push_str(&format!(
                    "- {} ({}): {}\n",
                    get("text"),
                    get("verdict"),
                    get("explanation")
                ));
            }
        }
        if let Some(e) = self.analysis.get("explanation").and_then(|v| v.as_str()) {
            s.push_str(&format!("\nSecond Look said:\n{e}\n"));
        }
        s.push_str(&format!(
            "\nApp: secondlook {}; policy: {}\nThe full report is attached as report.json and the message as message.txt.\n",
            self.app_version, self.policy.source
        ));
        s
    }

    /// What the user is told after the report is delivered.
    pub fn thank_you(&self, policy: &Policy) -> String {
        if self.training {
            return format!(
                "Well spotted: this was a phishing simulation run by {}. Thank you for reporting it; nothing else to do.",
                policy.organization_name()
            );
        }
        let mut s = "Thank you. Your security team has the report and will look at the links; if the site is an attack they can have it taken down for everyone. Delete the message and do not open its links.".to_owned();
        if let Some(c) = &policy.organization.help_contact {
            s.push_str(&format!(" Questions: {c}."));
        }
        s
    }
}

/// `2026-11-26T12:44:02Z` for a time after the Unix epoch.
pub fn rfc3339(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::twilio;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_795_696_442)),
            "2026-11-26T12:34:02Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
    }

    #[test]
    fn a_report_holds_the_text_note_analysis_and_versions_only() {
        let p = twilio();
        let text = "Twilio IT: password expired, log in at twilio-okta.net";
        let a = crate::analyze(text, &p);
        let r = Report::new(text, Some("  from +1 555 0100  "), Kind::Phishing, &a, &p);
        assert_eq!(r.schema, SCHEMA);
        assert_eq!(r.text, text);
        assert_eq!(r.note.as_deref(), Some("from +1 555 0100"));
        assert_eq!(r.verdict, "dangerous");
        assert_eq!(
            r.subject(),
            "Phishing: Second Look report – twilio-okta.net"
        );
        assert_eq!(r.analysis["links"][0]["brand"], "Twilio");
        let keys: Vec<String> = serde_json::to_value(&r)
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(
            keys,
            [
                "analysis",
                "app_version",
                "created",
                "id",
                "kind",
                "note",
                "policy",
                "schema",
                "text",
                "training",
                "urgent",
                "verdict"
            ]
        );
        let again: Report = serde_json::from_value(serde_json::to_value(&r).unwrap()).unwrap();
        assert_eq!(again, r);
    }
}

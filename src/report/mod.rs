//! Reporting a message to the security team.
//!
//! A [`Report`] holds exactly what the user saw in the preview: the message
//! as pasted or copied, the optional note, the full analysis with its links
//! as structured indicators, who reported it (unless the policy leaves the
//! identity out), the app and policy versions, the time and a stable id.
//! [`outbox`] writes it durably before any delivery is tried; [`deliver`]
//! sends it to each configured channel (SMTP, webhooks) until each accepts
//! it, never twice to a channel that acknowledged it.

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::json::AnalysisJson;
use crate::policy::Policy;

pub mod deliver;
pub mod outbox;
pub mod record;

pub use record::{AnalysisRecord, FindingRecord, LinkRecord};

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

/// The policy a report was made under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRef {
    /// Where it came from (layers or file).
    pub source: String,
    /// The organisation's name.
    pub organization: String,
    /// `sha256:` and 16 hex digits over the policy's content: which
    /// version of the policy was in force, whatever file it came from.
    #[serde(default)]
    pub fingerprint: String,
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

impl Entered {
    /// What the reporter did, in words for the security team.
    pub fn describe(self) -> &'static str {
        match self {
            Entered::OpenedLink => "opened the link",
            Entered::Password => "typed a password",
            Entered::Code => "typed or read out a one-time code",
            Entered::ApprovedPush => "approved a sign-in push",
            Entered::CalledNumber => "called the number in the message",
            Entered::InstalledApp => "installed an app or remote-access tool",
        }
    }
}

/// Who reported the message, so the security team can ask "did you enter
/// your password?". Left out when the policy's `report.include_identity`
/// is false (works councils).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reporter {
    /// The operating system's user name.
    pub user: String,
    /// The user's full name, when the system knows it.
    pub name: Option<String>,
    /// The reporter's e-mail address: the one they confirmed, else the
    /// policy's `report.reporter_email` pattern; the mail's `Reply-To`.
    pub email: Option<String>,
    /// The computer's name.
    pub machine: String,
}

/// The file in the data directory holding the e-mail address the user
/// confirmed (`secondlook report --reporter-email`, the window's Settings).
pub const REPORTER_EMAIL_FILE: &str = "reporter-email";

/// Why an address the user typed was not kept.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReporterEmailError {
    /// Not an address a mail can be replied to.
    #[error("{0:?} is not an e-mail address like ada@example.com; check it and try again")]
    Invalid(String),
    /// It could not be written.
    #[error(
        "the address could not be remembered in {dir}: {message}. Check that the folder is writable."
    )]
    Write {
        /// The data directory.
        dir: std::path::PathBuf,
        /// What the system said.
        message: String,
    },
}

/// `address` (trimmed) is one a reply can go to: one `@`, something
/// before it, a dotted domain after it, no spaces, and a mail address
/// the mail builder accepts ([`deliver::mail_address_ok`]: it becomes the
/// report mail's `Reply-To`).
pub fn valid_email(address: &str) -> bool {
    let a = address.trim();
    a.rsplit_once('@').is_some_and(|(l, d)| {
        !l.is_empty()
            && d.contains('.')
            && !d.starts_with('.')
            && !d.ends_with('.')
            && !a.contains(char::is_whitespace)
    }) && deliver::mail_address_ok(a)
}

impl Reporter {
    /// The reporter on this machine under `policy`, or `None` when the
    /// policy leaves the identity out.
    pub fn detect(policy: &Policy) -> Option<Reporter> {
        if policy.report.include_identity == Some(false) {
            return None;
        }
        let user = ["USER", "LOGNAME", "USERNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()))
            .map(|u| {
                // DOMAIN\user on Windows: the user part.
                u.rsplit('\\').next().unwrap_or(&u).trim().to_owned()
            })
            .or_else(login_name)
            .unwrap_or_else(|| "unknown".to_owned());
        let confirmed = crate::policy::layers::Locations::from_environment()
            .data_dir
            .and_then(|d| Reporter::confirmed_email(&d));
        let email = confirmed.or_else(|| Reporter::pattern_email(policy, &user));
        Some(Reporter {
            name: full_name(&user),
            email,
            machine: hostname::get()
                .map(|h| h.to_string_lossy().into_owned())
                .unwrap_or_else(|_| "unknown".to_owned()),
            user,
        })
    }

    /// The address the user confirmed once, kept in `data_dir`.
    pub fn confirmed_email(data_dir: &std::path::Path) -> Option<String> {
        std::fs::read_to_string(data_dir.join(REPORTER_EMAIL_FILE))
            .ok()
            .map(|s| s.trim().to_owned())
            .filter(|s| valid_email(s))
    }

    /// The policy's `report.reporter_email` pattern for `user`.
    pub fn pattern_email(policy: &Policy, user: &str) -> Option<String> {
        policy
            .report
            .reporter_email
            .as_deref()
            .map(|p| p.replace("{user}", &user.to_lowercase()))
    }

    /// Remember `address` as the one the user confirmed, in `data_dir`
    /// (written whole, then renamed); it goes in every later report and
    /// is the mail's `Reply-To`. Returns the address as kept.
    pub fn confirm_email(
        data_dir: &std::path::Path,
        address: &str,
    ) -> Result<String, ReporterEmailError> {
        let address = address.trim();
        if !valid_email(address) {
            return Err(ReporterEmailError::Invalid(address.to_owned()));
        }
        let err = |e: std::io::Error| ReporterEmailError::Write {
            dir: data_dir.to_owned(),
            message: e.to_string(),
        };
        std::fs::create_dir_all(data_dir).map_err(err)?;
        let tmp = data_dir.join(format!(".{REPORTER_EMAIL_FILE}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, format!("{address}\n")).map_err(err)?;
        std::fs::rename(&tmp, data_dir.join(REPORTER_EMAIL_FILE)).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            err(e)
        })?;
        Ok(address.to_owned())
    }

    /// "Ada Lovelace (ada) <ada@example.com> on LAPTOP-7".
    pub fn describe(&self) -> String {
        let mut s = match &self.name {
            Some(n) => format!("{n} ({})", self.user),
            None => self.user.clone(),
        };
        if let Some(e) = &self.email {
            s.push_str(&format!(" <{e}>"));
        }
        s.push_str(&format!(" on {}", self.machine));
        s
    }
}

/// The full name in the user database (the GECOS field's first part),
/// when it has one other than the user name itself ("root (root)" says
/// nothing).
#[cfg(all(unix, not(target_os = "macos")))]
fn full_name(user: &str) -> Option<String> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&user))
        .and_then(|f| {
            f.get(4)
                .map(|g| g.split(',').next().unwrap_or("").trim().to_owned())
        })
        .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(user))
}

/// The user database's name for this process's user, when no environment
/// variable names it (a service, `env -i`).
#[cfg(unix)]
fn login_name() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid().to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.get(2) == Some(&uid.as_str()))
        .and_then(|f| f.first().map(|n| (*n).to_owned()))
}

/// Only the environment names the user on this platform.
#[cfg(not(unix))]
fn login_name() -> Option<String> {
    None
}

/// The account's display name (`GetUserNameExW(NameDisplay)`: the full
/// name Active Directory or the local account holds), when it has one
/// other than the user name itself.
#[cfg(windows)]
fn full_name(user: &str) -> Option<String> {
    whoami::realname()
        .ok()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(user))
}

/// The full name Directory Services holds for `user` (System Settings →
/// Users & Groups; the `RealName` of a local, mobile or network account:
/// `/etc/passwd` has only system accounts on macOS), as `id -F` prints it.
/// Bounded: a directory server that does not answer within
/// [`FULL_NAME_WAIT`] leaves the name out, the report is made without it.
#[cfg(target_os = "macos")]
fn full_name(user: &str) -> Option<String> {
    use std::process::{Command, Stdio};
    let mut child = Command::new("/usr/bin/id")
        .args(["-F", user])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let deadline = std::time::Instant::now() + FULL_NAME_WAIT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Ok(Some(_)) | Err(_) => return None,
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut child.stdout.take()?, &mut out).ok()?;
    display_name(&out, user)
}

/// How long the macOS full-name lookup may take.
#[cfg(target_os = "macos")]
const FULL_NAME_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// `id -F`'s output as a full name: one line, not empty, not just the
/// user name again.
#[cfg(any(target_os = "macos", test))]
fn display_name(output: &[u8], user: &str) -> Option<String> {
    let text = String::from_utf8_lossy(output);
    let name = text.lines().next().unwrap_or("").trim();
    (!name.is_empty() && !name.eq_ignore_ascii_case(user)).then(|| name.to_owned())
}

/// The full name is not looked up on this platform.
#[cfg(not(any(unix, windows)))]
fn full_name(_user: &str) -> Option<String> {
    None
}

/// One link of the report as fields, so a SOC can block a domain without
/// parsing prose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    /// The link as Second Look judged it (refanged, parsed).
    pub url: String,
    /// The host it goes to (Unicode form).
    pub host: Option<String>,
    /// The registrable domain (`twilio-okta.net`): what to block.
    pub registrable_domain: Option<String>,
    /// `dangerous`, `suspicious`, `unknown` or `safe`.
    pub verdict: String,
    /// The brand it imitates or belongs to.
    pub brand: Option<String>,
    /// The host is the brand's own (`brand` owns it): the link is flagged
    /// for where it leads (a page that forwards to another site), so the
    /// URL is an indicator but the domain must not be blocked. Left out of
    /// the JSON when false, so reports of the first format read and write
    /// back unchanged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub owned_host: bool,
}

impl Indicator {
    /// Dangerous or suspicious: worth blocking.
    pub fn flagged(&self) -> bool {
        matches!(self.verdict.as_str(), "dangerous" | "suspicious")
    }

    /// The registrable domain to block: a flagged link's, unless the host
    /// is the brand's own (never ask a SOC to block the company's domain).
    pub fn blockable_domain(&self) -> Option<&str> {
        self.registrable_domain
            .as_deref()
            .filter(|_| self.flagged() && !self.owned_host)
    }

    /// What the brand column says: the brand imitated, or "through X's
    /// site" for a page of the brand's own site.
    pub fn brand_note(&self) -> String {
        match (&self.brand, self.owned_host) {
            (Some(b), true) => format!("through {} site", crate::rules::possessive(b)),
            (Some(b), false) => b.clone(),
            (None, _) => "-".to_owned(),
        }
    }
}

/// `sha256:` and 16 hex digits over what the policy says (organisation,
/// brands, detection, indicators, report destinations), independent of the
/// file's layout and of the order sets are kept in.
pub fn policy_fingerprint(policy: &Policy) -> String {
    use sha2::Digest;
    fn sorted(s: &std::collections::HashSet<String>) -> Vec<&String> {
        let mut v: Vec<&String> = s.iter().collect();
        v.sort();
        v
    }
    let mut severity: Vec<(String, String)> = policy
        .severity
        .iter()
        .map(|(k, v)| (k.clone(), format!("{v:?}")))
        .collect();
    severity.sort();
    let brands: Vec<_> = policy
        .brands
        .iter()
        .map(|b| (&b.name, &b.domains, format!("{:?}", b.keywords), &b.sign_in))
        .collect();
    let o = &policy.organization;
    let canonical = serde_json::json!({
        "organization": [&o.name, &o.never_ask, &o.sign_in, &o.help_contact],
        "brands": brands,
        "combo_keywords": &policy.combo_keywords,
        "severity": severity,
        "disabled": &policy.disabled,
        "blocked": sorted(&policy.blocked),
        "training": sorted(&policy.training),
        "trusted_hosts": &policy.trusted_hosts,
        "report": &policy.report,
    });
    let digest = sha2::Sha256::digest(canonical.to_string().as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
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
    #[serde(default, deserialize_with = "record::null_as_default")]
    pub analysis: AnalysisRecord,
    /// A link goes to one of the organisation's phishing simulations.
    pub training: bool,
    /// The reporter already did something with the message (see
    /// [`Report::entered`]): the security team should act now.
    #[serde(default)]
    pub urgent: bool,
    /// What the reporter says they already did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entered: Vec<Entered>,
    /// Who reported it; absent when the policy's `report.include_identity`
    /// is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter: Option<Reporter>,
    /// Every link with its verdict, brand and registrable domain.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
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
        let analysis_json = AnalysisRecord::from(&AnalysisJson::new(analysis));
        let indicators = analysis
            .links
            .iter()
            .map(|l| Indicator {
                url: l
                    .link
                    .parsed
                    .as_ref()
                    .map_or_else(|| l.link.url.clone(), |u| u.to_string()),
                host: l.link.host.as_ref().map(|h| h.unicode.clone()),
                registrable_domain: l.link.host.as_ref().and_then(|h| h.registrable.clone()),
                verdict: l.verdict.as_str().to_owned(),
                brand: l.brand.as_ref().map(|b| b.name().to_owned()),
                owned_host: l.verdict > crate::Verdict::Safe && l.on_brand_site(),
            })
            .collect();
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
                fingerprint: policy_fingerprint(policy),
            },
            verdict: analysis.verdict.as_str().to_owned(),
            analysis: analysis_json,
            training: analysis.is_training(),
            urgent: false,
            entered: Vec::new(),
            reporter: Reporter::detect(policy),
            indicators,
        }
    }

    /// The reporter already entered something: the report is urgent, says
    /// what they did, and jumps the outbox queue.
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
        let urgent = if self.urgent { "URGENT " } else { "" };
        format!("{urgent}{prefix}: Second Look report – {host}")
    }

    /// The most telling host: the first risky link's, else the first link's.
    pub fn first_host(&self) -> Option<&str> {
        fn host(l: &LinkRecord) -> Option<&str> {
            l.host.as_deref()
        }
        let links = &self.analysis.links;
        links
            .iter()
            .find(|l| l.flagged())
            .and_then(host)
            .or_else(|| links.first().and_then(host))
    }

    /// The readable text of the report: the mail body and the preview.
    pub fn readable(&self) -> String {
        let mut s = String::new();
        if self.urgent {
            let did: Vec<&str> = self.entered.iter().map(|e| e.describe()).collect();
            let did = if did.is_empty() {
                "acted on the message".to_owned()
            } else {
                did.join(", ")
            };
            s.push_str(&format!(
                "URGENT: the reporter says they already {did}. Contact them now.\n\n"
            ));
        }
        s.push_str(&format!(
            "Second Look report {}\nReported: {}\nVerdict: {}\n",
            self.id,
            crate::local_time::local_with_offset(&self.created),
            self.verdict.to_uppercase()
        ));
        match &self.reporter {
            Some(r) => s.push_str(&format!("Reported by: {}\n", r.describe())),
            None => s.push_str("Reported by: (left out by your organisation's policy)\n"),
        }
        if let Some(n) = &self.note {
            s.push_str(&format!("Note from the reporter: {n}\n"));
        }
        s.push_str("\nThe message as reported:\n----\n");
        s.push_str(&self.text);
        s.push_str("\n----\n");
        let links = &self.analysis.links;
        if !links.is_empty() {
            s.push_str("\nLinks:\n");
        }
        for l in links {
            s.push_str(&format!(
                "- {} ({}): {}\n",
                l.text, l.verdict, l.explanation
            ));
        }
        let flagged: Vec<&Indicator> = self.indicators.iter().filter(|i| i.flagged()).collect();
        if !flagged.is_empty() {
            s.push_str("\nIndicators (also in report.json and indicators.stix.json):\n");
            for i in flagged {
                s.push_str(&format!(
                    "- {} | domain {}{} | {} | brand {}\n",
                    i.url,
                    i.registrable_domain.as_deref().unwrap_or("-"),
                    if i.owned_host {
                        " (the brand's own: block the URL, not the domain)"
                    } else {
                        ""
                    },
                    i.verdict,
                    i.brand_note()
                ));
            }
        }
        s.push_str(&format!(
            "\nSecond Look said:\n{}\n",
            without_verdict_word(&self.analysis.explanation, &self.verdict)
        ));
        s.push_str(&format!(
            "\nApp: secondlook {}; policy: {} ({})\nThe full report is attached as report.json and the message as message.txt.\n",
            self.app_version, self.policy.source, self.policy.fingerprint
        ));
        s
    }

    /// A STIX 2.1 bundle with one `indicator` per flagged URL and per
    /// flagged registrable domain, the format threat-intelligence platforms
    /// (MISP, OpenCTI) import; `None` when no link is flagged. Ids are
    /// derived from the report id, so every retry carries the same bundle.
    pub fn stix_bundle(&self) -> Option<serde_json::Value> {
        let flagged: Vec<&Indicator> = self.indicators.iter().filter(|i| i.flagged()).collect();
        if flagged.is_empty() {
            return None;
        }
        let quote = |v: &str| v.replace('\\', "\\\\").replace('\'', "\\'");
        let mut seen = std::collections::BTreeSet::new();
        let mut objects = Vec::new();
        let brand_of = |i: &Indicator| match (&i.brand, i.owned_host) {
            (Some(b), true) => format!(" through {} site", crate::rules::possessive(b)),
            (Some(b), false) => format!(" imitating {b}"),
            (None, _) => String::new(),
        };
        for i in &flagged {
            let mut patterns = Vec::new();
            if i.url.contains("://") {
                patterns.push((
                    "url",
                    i.url.clone(),
                    format!("[url:value = '{}']", quote(&i.url)),
                ));
            }
            if let Some(d) = i.blockable_domain() {
                patterns.push((
                    "domain",
                    d.to_owned(),
                    format!("[domain-name:value = '{}']", quote(d)),
                ));
            }
            for (what, value, pattern) in patterns {
                if !seen.insert(pattern.clone()) {
                    continue;
                }
                objects.push(serde_json::json!({
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": format!("indicator--{}", stix_uuid(&self.id, &pattern)),
                    "created": self.created,
                    "modified": self.created,
                    "name": format!("{} {what} {value}", i.verdict),
                    "description": format!(
                        "Reported by an employee with Second Look (report {}): {} link{}.",
                        self.id, i.verdict, brand_of(i)
                    ),
                    "indicator_types": [if i.verdict == "dangerous" { "malicious-activity" } else { "anomalous-activity" }],
                    "pattern": pattern,
                    "pattern_type": "stix",
                    "valid_from": self.created,
                    "labels": [i.verdict.clone()],
                }));
            }
        }
        Some(serde_json::json!({
            "type": "bundle",
            "id": format!("bundle--{}", stix_uuid(&self.id, "bundle")),
            "objects": objects,
        }))
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

/// `explanation` without its leading "Dangerous: " when that repeats the
/// `Verdict:` line above it ("Dangerous: do not open…" → "Do not open…").
fn without_verdict_word(explanation: &str, verdict: &str) -> String {
    let rest = explanation
        .get(..verdict.len())
        .filter(|p| p.eq_ignore_ascii_case(verdict))
        .and_then(|_| explanation.get(verdict.len()..))
        .and_then(|r| r.strip_prefix(": "));
    match rest {
        Some(r) if !r.is_empty() => {
            let mut c = r.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
        _ => explanation.to_owned(),
    }
}

/// A UUID (version 4 layout) derived from the report id and `what`, so the
/// same report always gives the same STIX ids.
fn stix_uuid(report_id: &str, what: &str) -> uuid::Uuid {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{report_id}\n{what}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
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
    fn the_macos_full_name_is_the_first_line_of_id_f_unless_it_is_the_user_name() {
        assert_eq!(
            display_name(b"Ada Lovelace\n", "ada").as_deref(),
            Some("Ada Lovelace")
        );
        assert_eq!(
            display_name("Zoë Ångström\n".as_bytes(), "zoe").as_deref(),
            Some("Zoë Ångström")
        );
        // An account without a full name prints its short name, or nothing.
        assert_eq!(display_name(b"ada\n", "ada"), None);
        assert_eq!(display_name(b"ADA\n", "ada"), None);
        assert_eq!(display_name(b"  \n", "ada"), None);
        assert_eq!(display_name(b"", "ada"), None);
    }

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
        assert_eq!(r.analysis.links[0].brand.as_deref(), Some("Twilio"));
        // A person reads the text: the time is local, with its offset, not
        // the stored RFC 3339 UTC form.
        let body = r.readable();
        assert!(!body.contains(&r.created), "{body}");
        // The verdict's word once, not "DANGEROUS" and then "Dangerous:".
        assert!(body.contains("Verdict: DANGEROUS\n"), "{body}");
        assert!(
            body.contains("Second Look said:\nDo not open the link"),
            "{body}"
        );
        assert!(!body.contains("Dangerous:"), "{body}");
        let reported = body.lines().find(|l| l.starts_with("Reported: ")).unwrap();
        assert!(
            reported.ends_with(')') && reported.contains("(UTC"),
            "{reported}"
        );
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
                "indicators",
                "kind",
                "note",
                "policy",
                "reporter",
                "schema",
                "text",
                "training",
                "urgent",
                "verdict"
            ]
        );
        let again: Report = serde_json::from_value(serde_json::to_value(&r).unwrap()).unwrap();
        assert_eq!(again, r);
        assert_eq!(
            serde_json::to_value(&r.indicators).unwrap(),
            serde_json::json!([{
                "url": "http://twilio-okta.net/",
                "host": "twilio-okta.net",
                "registrable_domain": "twilio-okta.net",
                "verdict": "dangerous",
                "brand": "Twilio"
            }])
        );
        assert!(r.policy.fingerprint.starts_with("sha256:") && r.policy.fingerprint.len() == 23);
    }

    #[test]
    fn an_older_report_without_the_new_fields_still_reads() {
        let p = twilio();
        let a = crate::analyze("twilio-okta.net", &p);
        let mut v =
            serde_json::to_value(Report::new("twilio-okta.net", None, Kind::Phishing, &a, &p))
                .unwrap();
        let o = v.as_object_mut().unwrap();
        for k in ["urgent", "reporter", "indicators"] {
            o.remove(k);
        }
        o["policy"].as_object_mut().unwrap().remove("fingerprint");
        let r: Report = serde_json::from_value(v).unwrap();
        assert!(!r.urgent && r.reporter.is_none() && r.indicators.is_empty());
    }

    #[test]
    fn urgent_reports_say_so_in_the_subject_and_say_what_was_entered() {
        let p = twilio();
        let text = "Twilio IT: log in at twilio-okta.net";
        let a = crate::analyze(text, &p);
        let r = Report::new(text, None, Kind::Phishing, &a, &p)
            .mark_urgent(vec![Entered::Password, Entered::Code]);
        assert!(r.urgent);
        assert_eq!(
            r.subject(),
            "URGENT Phishing: Second Look report – twilio-okta.net"
        );
        let body = r.readable();
        assert!(
            body.starts_with("URGENT: the reporter says they already typed a password, typed or read out a one-time code. Contact them now.\n"),
            "{body}"
        );
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["urgent"], true);
        assert_eq!(v["entered"], serde_json::json!(["password", "code"]));
        // Not urgent: no `entered` key at all.
        let plain = serde_json::to_value(Report::new(text, None, Kind::Phishing, &a, &p)).unwrap();
        assert_eq!(plain["urgent"], false);
        assert!(plain.get("entered").is_none());
    }

    /// The STIX patterns of a bundle's indicators, in order.
    fn stix_patterns(bundle: &serde_json::Value) -> Vec<&str> {
        bundle["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["pattern"].as_str().unwrap())
            .collect()
    }

    /// A page of the company's own site that forwards to a lookalike is
    /// flagged for where it leads: its URL is an indicator, its domain is
    /// never one (a SOC that blocks it would block the company), and the
    /// text says "through Twilio's site", not "imitating Twilio".
    #[test]
    fn an_owned_page_that_leads_elsewhere_never_makes_the_owned_domain_an_indicator() {
        let p = twilio();
        let text = "https://www.twilio.com/login?next=https://twilio-okta.com/";
        let a = crate::analyze(text, &p);
        let r = Report::new(text, None, Kind::Phishing, &a, &p);
        let outer = &r.indicators[0];
        assert!(outer.flagged() && outer.owned_host, "{outer:?}");
        assert_eq!(outer.registrable_domain.as_deref(), Some("twilio.com"));
        assert_eq!(outer.blockable_domain(), None);
        assert_eq!(outer.brand_note(), "through Twilio's site");
        let inner = &r.indicators[1];
        assert!(!inner.owned_host);
        assert_eq!(inner.blockable_domain(), Some("twilio-okta.com"));
        let b = r.stix_bundle().unwrap();
        let patterns = stix_patterns(&b);
        assert!(
            !patterns
                .iter()
                .any(|p| p.contains("domain-name:value = 'twilio.com'")),
            "{patterns:?}"
        );
        assert!(patterns.contains(&"[domain-name:value = 'twilio-okta.com']"));
        assert!(
            b["objects"][0]["description"]
                .as_str()
                .unwrap()
                .ends_with("link through Twilio's site.")
        );
        let mail = r.readable();
        assert!(
            mail.contains("| domain twilio.com (the brand's own: block the URL, not the domain) |"),
            "{mail}"
        );
        assert!(
            !mail.contains("brand Twilio\n- https://www.twilio.com"),
            "{mail}"
        );
        // The field is left out when false: old reports stay byte for byte.
        let json = serde_json::to_value(&r.indicators).unwrap();
        assert_eq!(json[0]["owned_host"], true);
        assert!(json[1].get("owned_host").is_none());
    }

    #[test]
    fn the_stix_bundle_has_one_indicator_per_flagged_url_and_domain() {
        let p = twilio();
        let text =
            "log in at twilio-okta.net or https://login.twilio-okta.net/x and see twilio.com";
        let a = crate::analyze(text, &p);
        let mut r = Report::new(text, None, Kind::Phishing, &a, &p);
        // A quote in a path (the extractor ends links at quotes; a webhook
        // report could still carry one) is escaped in the pattern.
        if let Some(i) = r.indicators.get_mut(1) {
            i.url.push_str("'y");
        }
        let b = r.stix_bundle().unwrap();
        assert_eq!(b["type"], "bundle");
        assert!(b["id"].as_str().unwrap().starts_with("bundle--"));
        let patterns = stix_patterns(&b);
        assert_eq!(
            patterns,
            [
                "[url:value = 'http://twilio-okta.net/']",
                "[domain-name:value = 'twilio-okta.net']",
                "[url:value = 'https://login.twilio-okta.net/x\\'y']",
            ],
            "the owned twilio.com is no indicator; the domain is listed once; quotes are escaped"
        );
        let o = &b["objects"][0];
        assert_eq!(o["type"], "indicator");
        assert_eq!(o["spec_version"], "2.1");
        assert_eq!(o["pattern_type"], "stix");
        assert_eq!(o["indicator_types"][0], "malicious-activity");
        assert_eq!(o["valid_from"], r.created.as_str());
        let id = o["id"].as_str().unwrap();
        assert!(id.starts_with("indicator--") && uuid::Uuid::parse_str(&id[11..]).is_ok());
        assert_eq!(r.stix_bundle(), Some(b.clone()), "the same on every retry");
        let safe = crate::analyze("see twilio.com", &p);
        assert_eq!(
            Report::new("see twilio.com", None, Kind::Phishing, &safe, &p).stix_bundle(),
            None
        );
    }

    #[test]
    fn the_identity_can_be_left_out() {
        let text = format!(
            "{}\n[report]\ninclude_identity = false\nreporter_email = \"{{user}}@twilio.com\"\n",
            crate::rules::testing::TWILIO_POLICY
        );
        let p = Policy::from_toml(&text, "test.toml").unwrap();
        let a = crate::analyze("twilio-okta.net", &p);
        let r = Report::new("twilio-okta.net", None, Kind::Phishing, &a, &p);
        assert_eq!(r.reporter, None);
        assert!(serde_json::to_value(&r).unwrap().get("reporter").is_none());
        assert!(
            r.readable()
                .contains("Reported by: (left out by your organisation's policy)")
        );
    }

    #[test]
    fn a_confirmed_address_is_validated_kept_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("data");
        assert_eq!(Reporter::confirmed_email(&d), None);
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada lovelace@example.com",
            "ada@example.com.",
        ] {
            assert_eq!(
                Reporter::confirm_email(&d, bad),
                Err(ReporterEmailError::Invalid(bad.trim().to_owned())),
                "{bad:?}"
            );
        }
        assert!(!d.join(REPORTER_EMAIL_FILE).exists(), "nothing kept");
        assert_eq!(
            Reporter::confirm_email(&d, "  ada@example.com "),
            Ok("ada@example.com".to_owned())
        );
        assert_eq!(
            Reporter::confirmed_email(&d).as_deref(),
            Some("ada@example.com")
        );
        // A file edited by hand into something else is not used.
        std::fs::write(d.join(REPORTER_EMAIL_FILE), "not an address\n").unwrap();
        assert_eq!(Reporter::confirmed_email(&d), None);
        // The folder cannot be made: said, not a panic.
        std::fs::write(dir.path().join("file"), "").unwrap();
        assert!(matches!(
            Reporter::confirm_email(&dir.path().join("file/data"), "ada@example.com"),
            Err(ReporterEmailError::Write { .. })
        ));
    }

    #[test]
    fn the_reporter_address_comes_from_the_pattern() {
        let text = format!(
            "{}\n[report]\nreporter_email = \"{{user}}@twilio.com\"\n",
            crate::rules::testing::TWILIO_POLICY
        );
        let p = Policy::from_toml(&text, "test.toml").unwrap();
        let r = Reporter::detect(&p).unwrap();
        assert!(!r.user.is_empty() && !r.machine.is_empty());
        if std::env::var_os("SECONDLOOK_DATA_DIR").is_none() {
            assert_eq!(
                r.email,
                Some(format!("{}@twilio.com", r.user.to_lowercase()))
            );
        }
    }
}

//! Events for the security team (SOC), written to the system log where
//! their collection already looks: journald with fields on Linux (syslog
//! when there is no journal), the Windows Event Log (source
//! "Second Look", registered by the MSI), the unified log on macOS.
//!
//! One event per suspicious or dangerous verdict (the clipboard watch, a QR
//! code, the window), per report and urgent report the user confirmed, and
//! per policy problem. An event says the verdict, the brands imitated, the
//! registrable domains, the rule ids and the policy fingerprint: **never
//! the message text, a full URL, the user's note**. A domain is what the
//! security team blocks; the path and query of a link (tokens, e-mail
//! addresses) stay on the laptop. `events.system_log = false` in the
//! policy switches events off.
//!
//! Writing an event never blocks or fails the caller: the socket is
//! non-blocking, a missing log is skipped, the same verdict twice in a row
//! (a paste box being edited) is written once.

use std::collections::BTreeSet;
use std::sync::Mutex;

use crate::analysis::Analysis;
use crate::policy::Policy;
use crate::rules::Severity;

/// The identifier events are logged under (journald `SYSLOG_IDENTIFIER`,
/// syslog tag, Event Log source "Second Look", unified log subsystem).
pub const IDENTIFIER: &str = "secondlook";

/// The Windows Event Log source the MSI registers.
pub const EVENT_SOURCE: &str = "Second Look";

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A suspicious or dangerous verdict.
    Verdict,
    /// A report the user confirmed.
    Report,
    /// An urgent report ("I already opened it / typed my password").
    UrgentReport,
    /// A policy layer is broken, unreadable or partly ignored.
    PolicyProblem,
}

impl Kind {
    /// The event's name in `SECONDLOOK_EVENT` / `event=`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Verdict => "verdict",
            Kind::Report => "report",
            Kind::UrgentReport => "urgent_report",
            Kind::PolicyProblem => "policy_problem",
        }
    }
}

/// One event, as fields. Built only from what may leave the laptop in a
/// log: no text, no URL, no note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// What happened.
    pub kind: Kind,
    /// `dangerous`, `suspicious` (verdicts and reports).
    pub verdict: Option<&'static str>,
    /// Where the verdict came from: `clipboard`, `qr-code`, `window`, `cli`.
    pub origin: &'static str,
    /// The brands imitated.
    pub brands: Vec<String>,
    /// The registrable domains of the flagged links.
    pub domains: Vec<String>,
    /// The rule ids that fired.
    pub rules: Vec<String>,
    /// The policy fingerprint (`sha256:…`).
    pub policy: String,
    /// The report's id (reports only).
    pub report_id: Option<String>,
    /// The problem (policy problems only): its first line, which names the
    /// layer and what is wrong.
    pub problem: Option<String>,
}

impl Event {
    /// The event for a verdict, or `None` when it is neither suspicious
    /// nor dangerous.
    pub fn verdict(analysis: &Analysis, policy: &Policy, origin: &'static str) -> Option<Event> {
        if analysis.verdict < crate::Verdict::Suspicious {
            return None;
        }
        let mut brands = BTreeSet::new();
        let mut domains = BTreeSet::new();
        let mut rules = BTreeSet::new();
        for l in &analysis.links {
            if l.verdict < crate::Verdict::Suspicious {
                continue;
            }
            if let Some(d) = l
                .link
                .host
                .as_ref()
                .and_then(|h| h.registrable.clone().or_else(|| Some(h.ascii.clone())))
            {
                domains.insert(d);
            }
            for f in &l.findings {
                if f.severity >= Severity::Suspicious {
                    rules.insert(f.rule.to_owned());
                    if let Some(b) = &f.brand {
                        brands.insert(b.name().to_owned());
                    }
                }
            }
            if let Some(b) = &l.brand {
                brands.insert(b.name().to_owned());
            }
        }
        for f in &analysis.message_findings {
            if f.severity >= Severity::Suspicious {
                rules.insert(f.rule.to_owned());
            }
        }
        Some(Event {
            kind: Kind::Verdict,
            verdict: Some(analysis.verdict.as_str()),
            origin,
            brands: brands.into_iter().collect(),
            domains: domains.into_iter().collect(),
            rules: rules.into_iter().collect(),
            policy: crate::report::policy_fingerprint(policy),
            report_id: None,
            problem: None,
        })
    }

    /// The event for a report that was saved to the outbox.
    pub fn report(report: &crate::report::Report, origin: &'static str) -> Event {
        let flagged: Vec<&crate::report::Indicator> =
            report.indicators.iter().filter(|i| i.flagged()).collect();
        let set = |f: &dyn Fn(&crate::report::Indicator) -> Option<String>| -> Vec<String> {
            flagged
                .iter()
                .filter_map(|i| f(i))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        };
        let rules = report
            .analysis
            .links
            .iter()
            .flat_map(|l| &l.findings)
            .chain(&report.analysis.message_findings)
            .filter(|f| matches!(f.severity.as_str(), "suspicious" | "dangerous"))
            .map(|f| f.rule.clone())
            .collect::<BTreeSet<_>>();
        Event {
            kind: if report.urgent {
                Kind::UrgentReport
            } else {
                Kind::Report
            },
            verdict: match report.verdict.as_str() {
                "dangerous" => Some("dangerous"),
                "suspicious" => Some("suspicious"),
                "unknown" => Some("unknown"),
                "safe" => Some("safe"),
                _ => None,
            },
            origin,
            brands: set(&|i| i.brand.clone()),
            domains: set(&|i| i.registrable_domain.clone()),
            rules: rules.into_iter().collect(),
            policy: report.policy.fingerprint.clone(),
            report_id: Some(report.id.clone()),
            problem: None,
        }
    }

    /// One event per problem of the layers that made `policy`.
    pub fn policy_problems(policy: &Policy, problems: &[String]) -> Vec<Event> {
        let fingerprint = crate::report::policy_fingerprint(policy);
        problems
            .iter()
            .map(|p| Event {
                kind: Kind::PolicyProblem,
                verdict: None,
                origin: "policy",
                brands: Vec::new(),
                domains: Vec::new(),
                rules: Vec::new(),
                policy: fingerprint.clone(),
                report_id: None,
                problem: Some(p.lines().next().unwrap_or("").chars().take(400).collect()),
            })
            .collect()
    }

    /// syslog severity: 3 error (urgent report), 4 warning (dangerous,
    /// policy problem), 5 notice (suspicious, report).
    pub fn priority(&self) -> u8 {
        match (self.kind, self.verdict) {
            (Kind::UrgentReport, _) => 3,
            (Kind::PolicyProblem, _) | (Kind::Verdict, Some("dangerous")) => 4,
            _ => 5,
        }
    }

    /// One line for people (journald `MESSAGE`, the Event Log text).
    pub fn summary(&self) -> String {
        let mut s = match self.kind {
            Kind::Verdict => format!(
                "Second Look: {} link ({})",
                self.verdict.unwrap_or("flagged"),
                self.origin
            ),
            Kind::Report => "Second Look: report sent by a user".to_owned(),
            Kind::UrgentReport => {
                "Second Look: URGENT report: the user already opened it or typed a password or code"
                    .to_owned()
            }
            Kind::PolicyProblem => "Second Look: policy problem".to_owned(),
        };
        if !self.domains.is_empty() {
            s.push_str(&format!(": {}", self.domains.join(", ")));
        }
        if !self.brands.is_empty() {
            s.push_str(&format!(" imitating {}", self.brands.join(", ")));
        }
        if let Some(p) = &self.problem {
            s.push_str(&format!(": {p}"));
        }
        s
    }

    /// The fields, in a fixed order (journald names; `key=value` in
    /// syslog and the Event Log).
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut f = vec![
            ("SECONDLOOK_EVENT", self.kind.as_str().to_owned()),
            ("SECONDLOOK_ORIGIN", self.origin.to_owned()),
        ];
        if let Some(v) = self.verdict {
            f.push(("SECONDLOOK_VERDICT", v.to_owned()));
        }
        if !self.brands.is_empty() {
            f.push(("SECONDLOOK_BRAND", self.brands.join(",")));
        }
        if !self.domains.is_empty() {
            f.push(("SECONDLOOK_DOMAIN", self.domains.join(",")));
        }
        if !self.rules.is_empty() {
            f.push(("SECONDLOOK_RULES", self.rules.join(",")));
        }
        f.push(("SECONDLOOK_POLICY_FINGERPRINT", self.policy.clone()));
        if let Some(id) = &self.report_id {
            f.push(("SECONDLOOK_REPORT_ID", id.clone()));
        }
        if let Some(p) = &self.problem {
            f.push(("SECONDLOOK_PROBLEM", p.clone()));
        }
        f.push(("SECONDLOOK_VERSION", crate::VERSION.to_owned()));
        f
    }

    /// The fields as `key=value` pairs (lower case, without the prefix;
    /// values with spaces quoted): what syslog, the Event Log and the
    /// unified log get, and what Splunk's and Elastic's key-value
    /// extraction reads.
    pub fn key_values(&self) -> String {
        self.fields()
            .iter()
            .map(|(k, v)| {
                let k = k.trim_start_matches("SECONDLOOK_").to_lowercase();
                if v.contains([' ', '"', '=']) || v.is_empty() {
                    format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
                } else {
                    format!("{k}={v}")
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The journald native protocol datagram: `KEY=value` lines; a value
    /// with a line break in the length-prefixed form.
    pub fn journal_datagram(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut field = |k: &str, v: &str| {
            if v.contains('\n') {
                out.extend_from_slice(k.as_bytes());
                out.push(b'\n');
                out.extend_from_slice(&(v.len() as u64).to_le_bytes());
                out.extend_from_slice(v.as_bytes());
                out.push(b'\n');
            } else {
                out.extend_from_slice(format!("{k}={v}\n").as_bytes());
            }
        };
        field("MESSAGE", &self.summary());
        field("PRIORITY", &self.priority().to_string());
        field("SYSLOG_IDENTIFIER", IDENTIFIER);
        for (k, v) in self.fields() {
            field(k, &v);
        }
        out
    }

    /// An RFC 3164 line for `/dev/log` (facility user).
    pub fn syslog_line(&self) -> String {
        format!(
            "<{}>{IDENTIFIER}[{}]: {} {}",
            8 + u32::from(self.priority()),
            std::process::id(),
            self.summary(),
            self.key_values()
        )
    }
}

/// Where events go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    /// The system log of this OS.
    System,
    /// A journald-protocol socket at this path (tests).
    Journal(std::path::PathBuf),
    /// A syslog socket at this path (tests).
    Syslog(std::path::PathBuf),
    /// Nowhere.
    Off,
}

/// The journal's socket on Linux.
pub const JOURNAL_SOCKET: &str = "/run/systemd/journal/socket";
/// The syslog socket on Linux and BSD.
pub const SYSLOG_SOCKET: &str = "/dev/log";

impl Sink {
    /// Write one event; errors are returned for tests and otherwise ignored
    /// (a missing log must never stop a warning or a report).
    pub fn write(&self, event: &Event) -> std::io::Result<()> {
        match self {
            Sink::Off => Ok(()),
            Sink::Journal(p) => send_datagram(p, &event.journal_datagram()),
            Sink::Syslog(p) => send_datagram(p, event.syslog_line().as_bytes()),
            Sink::System => system_write(event),
        }
    }
}

#[cfg(unix)]
fn send_datagram(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let socket = std::os::unix::net::UnixDatagram::unbound()?;
    socket.set_nonblocking(true)?;
    socket.send_to(bytes, path).map(|_| ())
}

#[cfg(not(unix))]
fn send_datagram(_path: &std::path::Path, _bytes: &[u8]) -> std::io::Result<()> {
    Err(std::io::Error::other("no Unix sockets on this system"))
}

#[cfg(all(unix, not(target_os = "macos")))]
fn system_write(event: &Event) -> std::io::Result<()> {
    send_datagram(
        std::path::Path::new(JOURNAL_SOCKET),
        &event.journal_datagram(),
    )
    .or_else(|_| {
        send_datagram(
            std::path::Path::new(SYSLOG_SOCKET),
            event.syslog_line().as_bytes(),
        )
    })
}

/// The unified log, through `logger` (syslog(3) goes to the unified log
/// since macOS 10.12): subsystem-less, tag `secondlook`.
#[cfg(target_os = "macos")]
fn system_write(event: &Event) -> std::io::Result<()> {
    let level = match event.priority() {
        3 => "user.err",
        4 => "user.warning",
        _ => "user.notice",
    };
    let line = format!("{} {}", event.summary(), event.key_values());
    std::process::Command::new("/usr/bin/logger")
        .args(["-t", IDENTIFIER, "-p", level, "--", &line])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}

/// The Windows Event Log, Application log, source "Second Look"
/// (registered by the MSI, with secondlook.exe as its message file).
#[cfg(windows)]
fn system_write(event: &Event) -> std::io::Result<()> {
    use log::Log as _;
    let level = match event.priority() {
        3 => log::Level::Error,
        4 => log::Level::Warn,
        _ => log::Level::Info,
    };
    let log = eventlog::EventLog::new(EVENT_SOURCE, log::Level::Info)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let text = format!("{}\r\n{}", event.summary(), event.key_values());
    log.log(
        &log::Record::builder()
            .level(level)
            .target(IDENTIFIER)
            .args(format_args!("{text}"))
            .build(),
    );
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn system_write(_event: &Event) -> std::io::Result<()> {
    Ok(())
}

/// The last event written, to write a repeated verdict once.
#[cfg(not(test))]
static LAST: Mutex<Option<Event>> = Mutex::new(None);

/// Per-thread state for tests. Clippy for Windows (the toolchain of
/// scripts/check-windows) calls these `const` initialisers not `const`.
#[allow(clippy::missing_const_for_thread_local)]
mod test_state {
    #[cfg(test)]
    use super::{Event, Mutex, Sink};

    #[cfg(test)]
    thread_local! {
        /// Tests write to a socket of their own (or nowhere), never to the
        /// developer's journal.
        pub(super) static TEST_SINK: std::cell::RefCell<Sink> = const { std::cell::RefCell::new(Sink::Off) };
    }

    #[cfg(test)]
    thread_local! {
        pub(super) static LAST: Mutex<Option<Event>> = const { Mutex::new(None) };
    }
}
#[cfg(test)]
use test_state::{LAST, TEST_SINK};

/// Whether `event` is the same verdict as the last one written (and
/// remember it).
fn repeated(event: &Event) -> bool {
    let check = |last: &Mutex<Option<Event>>| match last.lock() {
        Ok(mut last) => {
            let same = last.as_ref() == Some(event) && event.kind == Kind::Verdict;
            *last = Some(event.clone());
            same
        }
        Err(_) => false,
    };
    #[cfg(test)]
    return LAST.with(check);
    #[cfg(not(test))]
    return check(&LAST);
}

#[cfg(test)]
fn sink() -> Sink {
    TEST_SINK.with(|s| s.borrow().clone())
}

#[cfg(not(test))]
fn sink() -> Sink {
    Sink::System
}

/// Send test events from this thread to `sink` (the tests that do are
/// Unix-only).
#[cfg(test)]
#[cfg_attr(not(unix), allow(dead_code))]
pub(crate) fn set_test_sink(s: Sink) {
    TEST_SINK.with(|t| *t.borrow_mut() = s);
}

/// Write `event` to the system log when the policy allows it
/// (`events.system_log`, default true); the same event twice in a row is
/// written once.
pub fn emit(policy: &Policy, event: Event) {
    if !policy.events.system_log() {
        return;
    }
    if repeated(&event) {
        return;
    }
    let _ = sink().write(&event);
}

/// A suspicious or dangerous verdict (nothing for others).
pub fn verdict(analysis: &Analysis, policy: &Policy, origin: &'static str) {
    if let Some(e) = Event::verdict(analysis, policy, origin) {
        emit(policy, e);
    }
}

/// A report the user confirmed, saved to the outbox.
pub fn report(report: &crate::report::Report, policy: &Policy, origin: &'static str) {
    emit(policy, Event::report(report, origin));
}

/// Every problem of a newly loaded policy (`problems`: its layers').
pub fn policy_problems(policy: &Policy, problems: &[String]) {
    for e in Event::policy_problems(policy, problems) {
        emit(policy, e);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::net::UnixDatagram;

    const SMS: &str = "Twilio IT: ticket 48151623 expired. Log in at https://twilio-okta.net/reset?user=alice.smith&t=SECRET9 or call.";

    fn policy() -> Policy {
        Policy::from_toml(
            &format!(
                "{}\n[indicators]\nblocked = [\"sendgrid-okta.org\"]\n",
                include_str!("../packaging/policies/twilio-like.toml")
            ),
            "test",
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn listener(name: &str) -> (tempfile::TempDir, std::path::PathBuf, UnixDatagram) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join(name);
        let sock = UnixDatagram::bind(&path).unwrap_or_else(|e| panic!("{e}"));
        sock.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap_or_else(|e| panic!("{e}"));
        (dir, path, sock)
    }

    fn receive(sock: &UnixDatagram) -> String {
        let mut buf = vec![0u8; 65536];
        let n = sock.recv(&mut buf).unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8(buf[..n].to_vec()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn assert_no_text(got: &str) {
        for secret in [
            "48151623", "alice", "SECRET9", "/reset", "https://", "ticket", "expired",
        ] {
            assert!(!got.contains(secret), "the event carries {secret:?}: {got}");
        }
    }

    /// A dangerous verdict reaches a journald listener with its fields,
    /// and never the message text or the URL.
    #[test]
    fn a_verdict_reaches_the_journal_with_fields_and_without_the_text() {
        let (_d, path, sock) = listener("journal.sock");
        let p = policy();
        let a = crate::analysis::analyze(SMS, &p);
        set_test_sink(Sink::Journal(path));
        verdict(&a, &p, "clipboard");
        let got = receive(&sock);
        let fields: std::collections::HashMap<&str, &str> =
            got.lines().filter_map(|l| l.split_once('=')).collect();
        assert_eq!(fields["SYSLOG_IDENTIFIER"], "secondlook");
        assert_eq!(fields["PRIORITY"], "4");
        assert_eq!(fields["SECONDLOOK_EVENT"], "verdict");
        assert_eq!(fields["SECONDLOOK_VERDICT"], "dangerous");
        assert_eq!(fields["SECONDLOOK_ORIGIN"], "clipboard");
        assert_eq!(fields["SECONDLOOK_BRAND"], "Twilio");
        assert_eq!(fields["SECONDLOOK_DOMAIN"], "twilio-okta.net");
        assert!(fields["SECONDLOOK_RULES"].split(',').count() >= 1, "{got}");
        assert_eq!(
            fields["SECONDLOOK_POLICY_FINGERPRINT"],
            crate::report::policy_fingerprint(&p)
        );
        assert!(
            fields["MESSAGE"]
                .contains("dangerous link (clipboard): twilio-okta.net imitating Twilio"),
            "{got}"
        );
        assert_no_text(&got);
        // The same verdict again (the paste box re-checked): written once.
        verdict(&a, &p, "clipboard");
        sock.set_nonblocking(true).unwrap();
        assert!(
            sock.recv(&mut [0u8; 16]).is_err(),
            "a repeated verdict was written twice"
        );
        // A safe message: nothing.
        verdict(
            &crate::analysis::analyze("see https://www.twilio.com/docs", &p),
            &p,
            "window",
        );
        assert!(
            sock.recv(&mut [0u8; 16]).is_err(),
            "a safe verdict was written"
        );
        set_test_sink(Sink::Off);
    }

    /// The syslog form (no journal): one RFC 3164 line with key=value pairs.
    #[test]
    fn a_report_reaches_syslog_without_the_text_or_note() {
        let (_d, path, sock) = listener("log");
        let p = policy();
        let a = crate::analysis::analyze(SMS, &p);
        let r = crate::report::Report::new(
            SMS,
            Some("sent by +1 555 0199, Alice's phone"),
            crate::report::Kind::Phishing,
            &a,
            &p,
        )
        .mark_urgent(vec![crate::report::Entered::Password]);
        set_test_sink(Sink::Syslog(path));
        report(&r, &p, "window");
        let got = receive(&sock);
        assert!(got.starts_with("<11>secondlook["), "{got}");
        for want in [
            "event=urgent_report",
            "verdict=dangerous",
            "brand=Twilio",
            "domain=twilio-okta.net",
            &format!("report_id={}", r.id),
            &format!("policy_fingerprint={}", r.policy.fingerprint),
        ] {
            assert!(got.contains(want), "missing {want}: {got}");
        }
        assert!(got.contains("rules="), "{got}");
        assert_no_text(&got);
        assert!(!got.contains("555 0199"), "{got}");
        set_test_sink(Sink::Off);
    }

    #[test]
    fn switched_off_by_policy_nothing_is_written() {
        let (_d, path, sock) = listener("journal.sock");
        let p = Policy::from_toml(
            &format!(
                "{}\n[events]\nsystem_log = false\n",
                include_str!("../packaging/policies/twilio-like.toml")
            ),
            "test",
        )
        .unwrap();
        set_test_sink(Sink::Journal(path));
        verdict(
            &crate::analysis::analyze("log in at twilio-okta.net", &p),
            &p,
            "window",
        );
        sock.set_nonblocking(true).unwrap();
        assert!(
            sock.recv(&mut [0u8; 16]).is_err(),
            "written although events.system_log = false"
        );
        set_test_sink(Sink::Off);
    }

    #[test]
    fn a_policy_problem_is_an_event_and_no_log_is_no_error_for_the_caller() {
        let (_d, path, sock) = listener("journal.sock");
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("policy.toml");
        std::fs::write(&bad, "[organisation]\nname = 1\n").unwrap();
        let e = crate::policy::layers::load(&crate::policy::layers::Locations {
            managed: vec![bad],
            user: vec![],
            data_dir: None,
        });
        set_test_sink(Sink::Journal(path));
        policy_problems(&e.policy, &e.problems);
        let got = receive(&sock);
        assert!(got.contains("SECONDLOOK_EVENT=policy_problem\n"), "{got}");
        assert!(got.contains("PRIORITY=4\n"), "{got}");
        assert!(
            got.contains("SECONDLOOK_PROBLEM=Your organisation's policy"),
            "{got}"
        );
        // Nobody listening: the caller is not told, nothing blocks.
        set_test_sink(Sink::Journal(dir.path().join("nobody.sock")));
        policy_problems(&e.policy, &e.problems);
        assert!(
            Sink::Journal(dir.path().join("nobody.sock"))
                .write(&Event::policy_problems(&e.policy, &e.problems)[0])
                .is_err()
        );
        set_test_sink(Sink::Off);
    }
}

//! Sending queued reports: SMTP (lettre) and webhooks (ureq), plus the
//! `mailto:` fallback. Each channel gets the report's id as idempotency key
//! (`Idempotency-Key` header; mail `Message-ID`), so a retry after a crash
//! mid-send is recognisable as the same report by the receiver. A channel
//! that acknowledged a report is never sent it again.

use std::time::Duration;

use super::Report;
use super::outbox::{Channel, Entry, Outbox, OutboxError, State, Target, backoff, now};
use crate::policy::{SmtpSection, WebhookSection};

/// The system's CA store (honouring `SSL_CERT_FILE`), as SMTP uses it: a
/// company's internal CA works for its webhooks too. Mozilla's roots when the
/// store is empty.
static ROOTS: std::sync::LazyLock<ureq::tls::RootCerts> = std::sync::LazyLock::new(|| {
    let found = rustls_native_certs::load_native_certs();
    let certs: Vec<ureq::tls::Certificate<'static>> = found
        .certs
        .iter()
        .map(|c| ureq::tls::Certificate::from_der(c.as_ref()).to_owned())
        .collect();
    if certs.is_empty() {
        ureq::tls::RootCerts::WebPki
    } else {
        ureq::tls::RootCerts::new_with_certs(&certs)
    }
});

/// How long one delivery attempt may take.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// What happened to one channel in one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The report.
    pub id: String,
    /// The channel, described.
    pub channel: String,
    /// `Ok` when accepted; otherwise what went wrong, in words for the user.
    pub result: Result<(), String>,
}

/// The outcome of one pass over the outbox.
#[derive(Debug, Default)]
pub struct Pass {
    /// Every channel tried.
    pub attempts: Vec<Attempt>,
    /// Files that could not be read or written.
    pub errors: Vec<OutboxError>,
    /// Another process was sending; nothing was tried.
    pub busy: bool,
}

/// How long a forced send waits for another sender's pass to finish.
const LOCK_WAIT: Duration = Duration::from_secs(30);

fn lock(outbox: &Outbox, wait: bool) -> Result<Option<super::outbox::SendLock>, OutboxError> {
    let deadline = std::time::Instant::now() + if wait { LOCK_WAIT } else { Duration::ZERO };
    loop {
        match outbox.try_lock()? {
            Some(l) => return Ok(Some(l)),
            None if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50));
            }
            None => return Ok(None),
        }
    }
}

/// Try every pending channel of every report whose retry time has come
/// (`force`: now, whatever the backoff, waiting for another sender's pass
/// to finish). State is saved after each channel. Only one process sends
/// at a time.
pub fn send_due(outbox: &Outbox, force: bool) -> Pass {
    let _lock = match lock(outbox, force) {
        Ok(Some(l)) => l,
        Ok(None) => {
            return Pass {
                busy: true,
                ..Pass::default()
            };
        }
        Err(e) => {
            return Pass {
                errors: vec![e],
                ..Pass::default()
            };
        }
    };
    let (entries, mut errors) = outbox.list();
    let mut attempts = Vec::new();
    for mut entry in entries {
        match send_entry(outbox, &mut entry, force) {
            Ok(mut a) => attempts.append(&mut a),
            Err(e) => errors.push(e),
        }
    }
    outbox.prune(now());
    Pass {
        attempts,
        errors,
        busy: false,
    }
}

/// Keep sending until every report is delivered, waiting out the backoff
/// between passes; stop after `limit`, or when the outbox directory is
/// removed. What `report --yes` leaves running in the background when a
/// channel is down, and what the app does in-process.
pub fn send_until_delivered(outbox: &Outbox, limit: Duration) {
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        let pass = send_due(outbox, false);
        let Some(next) = outbox.next_due() else {
            return;
        };
        let wait = if pass.busy {
            5
        } else {
            next.saturating_sub(now()).clamp(1, 60)
        };
        for _ in 0..wait {
            if !outbox.dir().exists() {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    }
}

/// Try the pending channels of one report.
pub fn send_entry(
    outbox: &Outbox,
    entry: &mut Entry,
    force: bool,
) -> Result<Vec<Attempt>, OutboxError> {
    let mut attempts = Vec::new();
    for i in 0..entry.channels.len() {
        let Some(ch) = entry.channels.get(i) else {
            continue;
        };
        if ch.state == State::Delivered || (!force && ch.next_attempt > now()) {
            continue;
        }
        let result = send(&entry.report, &ch.target);
        if let Some(ch) = entry.channels.get_mut(i) {
            record(ch, &result);
            attempts.push(Attempt {
                id: entry.report.id.clone(),
                channel: ch.target.describe(),
                result,
            });
        }
        outbox.save(entry)?;
    }
    Ok(attempts)
}

fn record(ch: &mut Channel, result: &Result<(), String>) {
    ch.attempts = ch.attempts.saturating_add(1);
    match result {
        Ok(()) => {
            ch.state = State::Delivered;
            ch.last_error = None;
            ch.delivered_at = Some(super::rfc3339(std::time::SystemTime::now()));
        }
        Err(e) => {
            ch.last_error = Some(e.clone());
            ch.next_attempt = now().saturating_add(backoff(ch.attempts));
        }
    }
}

/// Send one report to one target.
pub fn send(report: &Report, target: &Target) -> Result<(), String> {
    match target {
        Target::Smtp { to, server } => send_smtp(report, to, server),
        Target::Webhook(w) => send_webhook(report, w),
    }
}

fn secret(var: Option<&str>) -> Result<Option<String>, String> {
    match var {
        None => Ok(None),
        Some(v) => std::env::var(v).map(Some).map_err(|_| {
            format!(
                "the environment variable {v} (named in the policy) is not set; ask IT to set it"
            )
        }),
    }
}

/// The OS credential store's service name for the SMTP password.
pub const KEYRING_SERVICE: &str = "Second Look SMTP";

/// The credential store account for `username` on `server`.
pub fn keyring_account(server: &SmtpSection, username: &str) -> String {
    format!("{username}@{}", server.host)
}

/// The SMTP password: the environment variable the policy names, when set;
/// otherwise the OS credential store (`secondlook outbox password` puts it
/// there). The error says which of the two to set.
pub fn smtp_password(server: &SmtpSection, username: &str) -> Result<String, String> {
    if let Some(var) = &server.password_env
        && let Ok(p) = std::env::var(var)
    {
        return Ok(p);
    }
    let account = keyring_account(server, username);
    let hint = match &server.password_env {
        Some(var) => format!(
            "set the environment variable {var} (named in the policy) or store the password with `secondlook outbox password`"
        ),
        None => "store the password with `secondlook outbox password`".to_owned(),
    };
    match keyring::Entry::new(KEYRING_SERVICE, &account).and_then(|e| e.get_password()) {
        Ok(p) => Ok(p),
        Err(keyring::Error::NoEntry) => Err(format!(
            "no SMTP password for {account}: {hint}; the report is kept"
        )),
        Err(e) => Err(format!(
            "the SMTP password for {account} could not be read from the system keyring ({e}): {hint}; the report is kept"
        )),
    }
}

/// Store the SMTP password in the OS credential store.
pub fn store_smtp_password(
    server: &SmtpSection,
    username: &str,
    password: &str,
) -> Result<String, String> {
    let account = keyring_account(server, username);
    keyring::Entry::new(KEYRING_SERVICE, &account)
        .and_then(|e| e.set_password(password))
        .map(|()| account.clone())
        .map_err(|e| format!("the system keyring did not take the password for {account} ({e})"))
}

/// The webhook body for the configured format.
pub fn webhook_body(report: &Report, format: Option<&str>) -> serde_json::Value {
    let summary = format!(
        "{} reported by an employee: {}",
        report.subject(),
        report.verdict.to_uppercase()
    );
    match format.unwrap_or("json") {
        "slack" => serde_json::json!({ "text": format!("{summary}\n```{}```", report.readable()) }),
        "teams" => serde_json::json!({
            "type": "message",
            "attachments": [{
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": {
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        { "type": "TextBlock", "text": summary, "weight": "Bolder", "wrap": true },
                        { "type": "TextBlock", "text": report.readable(), "wrap": true, "fontType": "Monospace" }
                    ]
                }
            }]
        }),
        "splunk" => serde_json::json!({
            "source": "secondlook",
            "sourcetype": "secondlook:report",
            "event": report,
        }),
        _ => serde_json::to_value(report).unwrap_or(serde_json::Value::Null),
    }
}

fn send_webhook(report: &Report, w: &WebhookSection) -> Result<(), String> {
    let token = secret(w.token_env.as_deref())?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ROOTS.clone())
                .build(),
        )
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .build()
        .into();
    let body = webhook_body(report, w.format.as_deref()).to_string();
    let mut req = agent
        .post(&w.url)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", &report.id)
        .header(
            "User-Agent",
            concat!("secondlook/", env!("CARGO_PKG_VERSION")),
        );
    if let Some(t) = token {
        let scheme = if w.format.as_deref() == Some("splunk") {
            "Splunk"
        } else {
            "Bearer"
        };
        req = req.header("Authorization", &format!("{scheme} {t}"));
    }
    match req.send(body) {
        Ok(resp) if resp.status().is_success() => Ok(()),
        Ok(resp) => Err(format!(
            "the webhook answered {} {}; the report is kept and will be retried",
            resp.status().as_u16(),
            resp.status().canonical_reason().unwrap_or("")
        )),
        Err(e) => Err(format!(
            "the webhook could not be reached ({e}); the report is kept and will be retried"
        )),
    }
}

fn send_smtp(report: &Report, to: &str, server: &SmtpSection) -> Result<(), String> {
    use lettre::message::header::ContentType;
    use lettre::message::{Attachment, MultiPart, SinglePart};
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::{Message, SmtpTransport, Transport};

    let mailbox: lettre::message::Mailbox = to
        .parse()
        .map_err(|e| format!("the reporting address {to} is not valid ({e})"))?;
    let from = lettre::message::Mailbox::new(Some("Second Look".to_owned()), mailbox.email.clone());
    let json = serde_json::to_string_pretty(report).map_err(|e| e.to_string())?;
    let json_type = ContentType::parse("application/json").map_err(|e| e.to_string())?;
    let message = Message::builder()
        .from(from)
        .to(mailbox)
        .subject(report.subject())
        .message_id(Some(format!("<{}@secondlook.invalid>", report.id)))
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(report.readable()))
                .singlepart(Attachment::new("report.json".to_owned()).body(json, json_type))
                .singlepart(
                    Attachment::new("message.txt".to_owned())
                        .body(report.text.clone(), ContentType::TEXT_PLAIN),
                ),
        )
        .map_err(|e| format!("the report could not be written as mail ({e})"))?;
    let tls = server.tls.as_deref().unwrap_or("starttls");
    let builder = match tls {
        "tls" => SmtpTransport::relay(&server.host),
        "none" => Ok(SmtpTransport::builder_dangerous(&server.host)),
        _ => SmtpTransport::starttls_relay(&server.host),
    }
    .map_err(|e| format!("cannot set up TLS to {} ({e})", server.host))?;
    let port = server.port.unwrap_or(match tls {
        "tls" => 465,
        "none" => 25,
        _ => 587,
    });
    let mut builder = builder.port(port).timeout(Some(TIMEOUT));
    if let Some(user) = &server.username {
        let password = smtp_password(server, user)?;
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    builder
        .build()
        .send(&message)
        .map(|_| ())
        .map_err(|e| format!("the mail server {}:{port} did not take the report ({e}); the report is kept and will be retried", server.host))
}

/// A `mailto:` link with the subject and the readable report filled in:
/// the fallback when no channel is configured, or when the user prefers
/// their own mail program. Nothing is sent by Second Look.
pub fn mailto(report: &Report, to: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "mailto:{}?subject={}&body={}",
        enc(to).replace("%40", "@"),
        enc(&report.subject()),
        enc(&report.readable())
    )
}

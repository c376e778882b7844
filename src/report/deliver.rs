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
/// company's internal CA works for its webhooks (and the indicator feed,
/// `feed::fetch`) too. Mozilla's roots when the store is empty. Loaded once
/// per process.
pub(crate) static ROOTS: std::sync::LazyLock<ureq::tls::RootCerts> =
    std::sync::LazyLock::new(|| {
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
    /// Sending stopped because a report's state could not be written
    /// (full disk, read-only folder): nothing more is sent until it can be,
    /// so no channel gets a report twice. The reason is in `errors`.
    pub stopped: bool,
}

impl Pass {
    /// Why sending stopped, in words for the user, if it did.
    pub fn stopped_reason(&self) -> Option<String> {
        self.stopped.then(|| {
            let why = self
                .errors
                .last()
                .map(ToString::to_string)
                .unwrap_or_default();
            format!("Sending is paused: the outbox cannot be written ({why}). Nothing more is sent until it can be, so no report goes out twice; free some disk space and it continues.")
        })
    }
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

/// Why this process's last pass stopped sending, until a pass goes through.
static PAUSED: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Why sending is paused in this process (the outbox could not be written
/// in the last pass), for the window to say so; `None` when it is not.
pub fn paused() -> Option<String> {
    PAUSED.lock().ok().and_then(|g| g.clone())
}

fn note(pass: Pass) -> Pass {
    if let Ok(mut g) = PAUSED.lock() {
        if pass.stopped {
            *g = pass.stopped_reason();
        } else if !pass.busy {
            *g = None;
        }
    }
    pass
}

/// Run `f` under the send lock (after recovering what killed writers left),
/// or say the outbox is busy.
fn locked(outbox: &Outbox, wait: bool, f: impl FnOnce(&mut Pass)) -> Pass {
    note(locked_pass(outbox, wait, f))
}

fn locked_pass(outbox: &Outbox, wait: bool, f: impl FnOnce(&mut Pass)) -> Pass {
    let mut pass = Pass::default();
    let _lock = match lock(outbox, wait) {
        Ok(Some(l)) => {
            outbox.recover(&l);
            l
        }
        Ok(None) => {
            pass.busy = true;
            return pass;
        }
        Err(e) => {
            pass.errors.push(e);
            pass.stopped = true;
            return pass;
        }
    };
    f(&mut pass);
    pass
}

/// Try every pending channel of every report whose retry time has come,
/// urgent reports first (`force`: now, whatever the backoff, waiting for
/// another sender's pass to finish). State is written before each channel
/// is tried; when it cannot be, the pass stops. Only one process sends at
/// a time.
pub fn send_due(outbox: &Outbox, force: bool) -> Pass {
    locked(outbox, force, |pass| {
        let (entries, errors) = outbox.list();
        pass.errors.extend(errors);
        // A channel that failed once in this pass is not tried again for
        // the other reports: one attempt per down server per pass.
        let mut down = Vec::new();
        for mut entry in entries {
            if let Err(e) =
                send_entry_locked(outbox, &mut entry, force, &mut pass.attempts, &mut down)
            {
                pass.errors.push(e);
                pass.stopped = true;
                break;
            }
        }
        if !pass.stopped {
            outbox.prune(now());
        }
    })
}

/// Send report `id` now (every pending channel, whatever the backoff),
/// under the send lock, from its current state on disk: what `report
/// --yes` and the window's "Send report" do right after saving it. Waits
/// for another sender's pass to finish; `busy` when it does not in time
/// (that sender delivers it).
pub fn send_now(outbox: &Outbox, id: &str) -> Pass {
    locked(outbox, true, |pass| match outbox.load(id) {
        Ok(mut entry) => {
            if let Err(e) = send_entry_locked(
                outbox,
                &mut entry,
                true,
                &mut pass.attempts,
                &mut Vec::new(),
            ) {
                pass.errors.push(e);
                pass.stopped = true;
            }
        }
        Err(e) => pass.errors.push(e),
    })
}

/// Recover or remove what killed writers left in the outbox, when no other
/// process is sending (it does the same); returns how many reports were
/// recovered. What the app does at start.
pub fn recover(outbox: &Outbox) -> usize {
    if !outbox.dir().exists() {
        return 0;
    }
    match outbox.try_lock() {
        Ok(Some(lock)) => outbox.recover(&lock).0,
        _ => 0,
    }
}

/// Keep sending until every report is delivered, waiting out the backoff
/// between passes; stop after `limit`, or when the outbox directory is
/// removed. What `report --yes` leaves running in the background when a
/// channel is down, and what the app does in-process. Only one runs per
/// user: when another process or thread already does this, returns at once.
pub fn send_until_delivered(outbox: &Outbox, limit: Duration) {
    let deadline = std::time::Instant::now() + limit;
    'waiter: loop {
        let Ok(Some(waiter)) = outbox.try_lock_waiter() else {
            return; // another background sender has it
        };
        while std::time::Instant::now() < deadline {
            let pass = send_due(outbox, false);
            let Some(next) = outbox.next_due() else {
                drop(waiter);
                // A report queued while this sender was finishing found the
                // waiter lock taken and relies on it: look once more.
                if outbox.next_due().is_some() {
                    continue 'waiter;
                }
                return;
            };
            let wait = if pass.busy {
                5
            } else if pass.stopped {
                // The outbox cannot be written: try again soon, send nothing meanwhile.
                10
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
        return;
    }
}

/// Try the pending channels of one report; hold the send lock. Before each
/// channel, the state it will have once delivered is written (prepared),
/// then the report's file is put in [`State::Sending`] (synced); after the
/// channel accepted, the prepared state is only renamed into place. A
/// channel found in `sending` was being tried by a sender that was killed:
/// it is tried again at once, under the same id, and counted as
/// interrupted. An error means the state could not be written: stop
/// sending (nothing was sent for that attempt).
fn send_entry_locked(
    outbox: &Outbox,
    entry: &mut Entry,
    force: bool,
    attempts: &mut Vec<Attempt>,
    down: &mut Vec<Target>,
) -> Result<(), OutboxError> {
    for i in 0..entry.channels.len() {
        let Some(ch) = entry.channels.get(i) else {
            continue;
        };
        let interrupted = ch.state == State::Sending;
        if ch.state == State::Delivered
            || (!force && !interrupted && ch.next_attempt > now())
            || down.contains(&ch.target)
        {
            continue;
        }
        let target = ch.target.clone();
        let mut sending = entry.clone();
        if let Some(c) = sending.channels.get_mut(i) {
            c.state = State::Sending;
            if interrupted {
                c.interrupted = c.interrupted.saturating_add(1);
            }
        }
        let mut done = sending.clone();
        if let Some(c) = done.channels.get_mut(i) {
            record(c, &Ok(()));
        }
        let prepared = outbox.prepare(&done)?;
        if let Err(e) = outbox.save(&sending) {
            prepared.abandon();
            return Err(e);
        }
        *entry = sending;
        // The prepared state goes in place the moment the channel has the
        // report (the SMTP 250 after the data, the webhook's status line),
        // before the connection is closed: a sender killed from then on
        // leaves it delivered, not `sending` (a resend).
        let mut prepared = Some(prepared);
        let mut committed = None;
        let result = send_then(&entry.report, &target, &mut || {
            if let Some(p) = prepared.take() {
                committed = Some(p.commit());
            }
        });
        match &result {
            Ok(()) => {
                match (committed, prepared.take()) {
                    (Some(r), _) => r?,
                    (None, Some(p)) => p.commit()?,
                    (None, None) => {}
                }
                // For power loss: the rename is on disk (a kill cannot undo it).
                outbox.sync_dir();
                *entry = done;
            }
            Err(_) => {
                if let Some(p) = prepared.take() {
                    p.abandon();
                }
                if let Some(c) = entry.channels.get_mut(i) {
                    record(c, &result);
                }
            }
        }
        attempts.push(Attempt {
            id: entry.report.id.clone(),
            channel: target.describe(),
            result: result.clone(),
        });
        if result.is_err() {
            down.push(target);
            outbox.save(entry)?;
        }
    }
    Ok(())
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
            ch.state = State::Pending;
            ch.last_error = Some(e.clone());
            ch.next_attempt = now().saturating_add(backoff(ch.attempts));
        }
    }
}

/// `address` is one the mail builder takes as a mailbox (`Reply-To`,
/// `From`, `To`).
pub fn mail_address_ok(address: &str) -> bool {
    address.parse::<lettre::Address>().is_ok()
}

/// Send one report to one target.
pub fn send(report: &Report, target: &Target) -> Result<(), String> {
    send_then(report, target, &mut || {})
}

/// Send one report to one target, calling `accepted` the moment the
/// channel has taken it — the SMTP server's `250` after the data, the
/// webhook's 2xx status line and headers — before the connection is
/// closed (`QUIT`, the response body): the caller records the delivery
/// there, so the time in which a killed sender leaves an accepted report
/// unrecorded is as short as it can be. `Ok` exactly when `accepted` was
/// called; what fails after it (the `QUIT`) does not matter.
pub fn send_then(
    report: &Report,
    target: &Target,
    accepted: &mut dyn FnMut(),
) -> Result<(), String> {
    match target {
        Target::Smtp { to, server, from } => {
            send_smtp(report, to, server, from.as_deref(), accepted)
        }
        Target::Webhook(w) => send_webhook(report, w, accepted),
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

/// The links as Slack attachment fields / Teams facts: URL, verdict,
/// brand and registrable domain.
fn link_facts(report: &Report) -> Vec<(String, String)> {
    report
        .indicators
        .iter()
        .map(|i| {
            (
                i.url.clone(),
                format!(
                    "{} | domain {} | brand {}",
                    i.verdict,
                    i.registrable_domain.as_deref().unwrap_or("-"),
                    i.brand_note()
                ),
            )
        })
        .collect()
}

/// The webhook body for the configured format. Every format carries the
/// report id, `urgent` (what a SOC rule pages on) and the links with their
/// verdicts, brands and registrable domains as fields.
pub fn webhook_body(report: &Report, format: Option<&str>) -> serde_json::Value {
    let summary = format!(
        "{} reported by an employee: {}",
        report.subject(),
        report.verdict.to_uppercase()
    );
    let facts = link_facts(report);
    match format.unwrap_or("json") {
        "slack" => serde_json::json!({
            "text": format!("{summary}\n```{}```", report.readable()),
            "attachments": [{
                "color": if report.urgent || report.verdict == "dangerous" { "danger" } else { "warning" },
                "fields": facts.iter().map(|(url, v)| serde_json::json!({ "title": url, "value": v, "short": false })).collect::<Vec<_>>(),
                "footer": format!("report {}", report.id),
            }],
            "report_id": report.id,
            "urgent": report.urgent,
            "indicators": report.indicators,
        }),
        "teams" => serde_json::json!({
            "type": "message",
            "report_id": report.id,
            "urgent": report.urgent,
            "indicators": report.indicators,
            "attachments": [{
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": {
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        { "type": "TextBlock", "text": summary, "weight": "Bolder", "wrap": true,
                          "color": if report.urgent { "Attention" } else { "Default" } },
                        { "type": "FactSet", "facts": facts.iter().map(|(url, v)| serde_json::json!({ "title": url, "value": v })).collect::<Vec<_>>() },
                        { "type": "TextBlock", "text": report.readable(), "wrap": true, "fontType": "Monospace" }
                    ]
                }
            }]
        }),
        "splunk" => serde_json::json!({
            "source": "secondlook",
            "sourcetype": "secondlook:report",
            "fields": {
                "report_id": report.id,
                "urgent": report.urgent,
                "verdict": report.verdict,
                "registrable_domain": report.indicators.iter().filter_map(|i| i.blockable_domain().map(str::to_owned)).collect::<Vec<_>>(),
            },
            "event": report,
        }),
        _ => serde_json::to_value(report).unwrap_or(serde_json::Value::Null),
    }
}

/// The `From` of report mails: `report.from` (the address IT lets the
/// relay send as, for SPF/DMARC); else the SMTP login when it is an
/// address; else `secondlook@` the reporting mailbox's domain. Never the
/// security mailbox itself.
pub fn mail_from(report_to: &str, policy_from: Option<&str>, username: Option<&str>) -> String {
    if let Some(f) = policy_from {
        return f.to_owned();
    }
    if let Some(u) = username.filter(|u| u.contains('@')) {
        return u.to_owned();
    }
    let domain = report_to.rsplit_once('@').map_or("localhost", |(_, d)| d);
    format!("secondlook@{domain}")
}

fn send_webhook(
    report: &Report,
    w: &WebhookSection,
    accepted: &mut dyn FnMut(),
) -> Result<(), String> {
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
    let body = webhook_body(report, w.format.map(crate::policy::WebhookFormat::as_str)).to_string();
    let mut req = agent
        .post(&w.url)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", &report.id)
        .header(
            "User-Agent",
            concat!("secondlook/", env!("CARGO_PKG_VERSION")),
        );
    if let Some(t) = token {
        let scheme = if w.format == Some(crate::policy::WebhookFormat::Splunk) {
            "Splunk"
        } else {
            "Bearer"
        };
        req = req.header("Authorization", &format!("{scheme} {t}"));
    }
    match req.send(body) {
        Ok(resp) if resp.status().is_success() => {
            // The status line and headers are in; the body is never read.
            accepted();
            drop(resp);
            Ok(())
        }
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

/// The report as a mail: From the relay's address, Reply-To the reporter,
/// Message-ID the report id (the same on every retry), the readable text,
/// `report.json`, `message.txt` and, when a link is flagged,
/// `indicators.stix.json`. Urgent reports are marked high priority.
pub fn mail(
    report: &Report,
    to: &str,
    server: &SmtpSection,
    policy_from: Option<&str>,
) -> Result<lettre::Message, String> {
    use lettre::message::header::{ContentType, HeaderName, HeaderValue};
    use lettre::message::{Attachment, MultiPart, SinglePart};

    let mailbox: lettre::message::Mailbox = to
        .parse()
        .map_err(|e| format!("the reporting address {to} is not valid ({e})"))?;
    let from_addr = mail_from(to, policy_from, server.username.as_deref());
    let from: lettre::message::Mailbox = match from_addr.parse::<lettre::message::Mailbox>() {
        Ok(m) if m.name.is_some() => m,
        Ok(m) => lettre::message::Mailbox::new(Some("Second Look".to_owned()), m.email),
        Err(e) => {
            return Err(format!(
                "the report.from address {from_addr} is not valid ({e})"
            ));
        }
    };
    let json = serde_json::to_string_pretty(report).map_err(|e| e.to_string())?;
    let json_type = ContentType::parse("application/json").map_err(|e| e.to_string())?;
    let mut builder = lettre::Message::builder()
        .from(from)
        .to(mailbox)
        .subject(report.subject())
        .message_id(Some(format!("<{}@secondlook.invalid>", report.id)));
    if let Some(reply) = report
        .reporter
        .as_ref()
        .and_then(|r| r.email.as_deref())
        .and_then(|e| e.parse::<lettre::message::Mailbox>().ok())
    {
        builder = builder.reply_to(reply);
    }
    let raw = |name: &'static str, value: String| {
        HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
    };
    builder = builder.raw_header(raw("X-Secondlook-Report-Id", report.id.clone()));
    if report.urgent {
        builder = builder
            .raw_header(raw("X-Secondlook-Urgent", "yes".to_owned()))
            .raw_header(raw("X-Priority", "1 (Highest)".to_owned()))
            .raw_header(raw("Importance", "high".to_owned()));
    }
    let mut parts = MultiPart::mixed()
        .singlepart(SinglePart::plain(report.readable()))
        .singlepart(Attachment::new("report.json".to_owned()).body(json, json_type.clone()))
        .singlepart(
            Attachment::new("message.txt".to_owned())
                .body(report.text.clone(), ContentType::TEXT_PLAIN),
        );
    if let Some(stix) = report.stix_bundle() {
        let stix_type =
            ContentType::parse("application/stix+json;version=2.1").map_err(|e| e.to_string())?;
        parts = parts.singlepart(Attachment::new("indicators.stix.json".to_owned()).body(
            serde_json::to_string_pretty(&stix).map_err(|e| e.to_string())?,
            stix_type,
        ));
    }
    builder
        .multipart(parts)
        .map_err(|e| format!("the report could not be written as mail ({e})"))
}

/// Mail the report with lettre's connection API rather than
/// `SmtpTransport::send`, which only returns after the `QUIT` round trip
/// and the connection's teardown: here `accepted` runs right after the
/// `250` that follows the data, and `QUIT` comes after it. The same
/// connection as `SmtpTransport` would make: `tls` (implicit TLS),
/// `starttls` (required, the default) or `none`; the system's roots;
/// `PLAIN` or `LOGIN`; this machine's name in `EHLO`.
fn send_smtp(
    report: &Report,
    to: &str,
    server: &SmtpSection,
    policy_from: Option<&str>,
    accepted: &mut dyn FnMut(),
) -> Result<(), String> {
    use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
    use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
    use lettre::transport::smtp::extension::ClientId;

    let message = mail(report, to, server, policy_from)?;
    let tls = server.tls.map_or("starttls", crate::policy::Tls::as_str);
    let port = server.port.unwrap_or(match tls {
        "tls" => 465,
        "none" => 25,
        _ => 587,
    });
    // The password first: without one, nothing is sent (and no connection made).
    let credentials = match &server.username {
        Some(user) => Some(Credentials::new(user.clone(), smtp_password(server, user)?)),
        None => None,
    };
    let parameters = match tls {
        "none" => None,
        _ => Some(
            TlsParameters::new(server.host.clone())
                .map_err(|e| format!("cannot set up TLS to {} ({e})", server.host))?,
        ),
    };
    let refused = |e: lettre::transport::smtp::Error| {
        format!(
            "the mail server {}:{port} did not take the report ({e}); the report is kept and will be retried",
            server.host
        )
    };
    let hello = ClientId::default();
    let mut conn = SmtpConnection::connect(
        (server.host.as_str(), port),
        Some(TIMEOUT),
        &hello,
        parameters.as_ref().filter(|_| tls == "tls"),
        None,
    )
    .map_err(refused)?;
    // Every failing command below closes the connection itself.
    if let Some(p) = parameters.as_ref().filter(|_| tls == "starttls") {
        conn.starttls(p, &hello).map_err(refused)?;
    }
    if let Some(c) = &credentials {
        conn.auth(DEFAULT_MECHANISMS, c).map_err(refused)?;
    }
    conn.send(message.envelope(), &message.formatted())
        .map_err(refused)?;
    accepted();
    // QUIT and close; the report is delivered whatever happens now.
    conn.abort();
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Entered, Kind};

    fn urgent() -> Report {
        let p = crate::rules::testing::twilio();
        let text = "Twilio IT: log in at twilio-okta.net";
        let a = crate::analyze(text, &p);
        Report::new(text, None, Kind::Phishing, &a, &p).mark_urgent(vec![Entered::Password])
    }

    #[test]
    fn every_webhook_format_marks_urgent_and_carries_the_indicators() {
        let r = urgent();
        let json = webhook_body(&r, None);
        assert_eq!(json["urgent"], true);
        assert_eq!(
            json["indicators"][0]["registrable_domain"],
            "twilio-okta.net"
        );
        let slack = webhook_body(&r, Some("slack"));
        assert!(slack["text"].as_str().unwrap().starts_with("URGENT Phishing: Second Look report – twilio-okta.net reported by an employee: DANGEROUS"));
        assert_eq!(slack["urgent"], true);
        assert_eq!(slack["report_id"], r.id.as_str());
        assert_eq!(
            slack["attachments"][0]["fields"][0]["title"],
            "http://twilio-okta.net/"
        );
        assert_eq!(
            slack["attachments"][0]["fields"][0]["value"],
            "dangerous | domain twilio-okta.net | brand Twilio"
        );
        let teams = webhook_body(&r, Some("teams"));
        assert_eq!(teams["urgent"], true);
        let body = &teams["attachments"][0]["content"]["body"];
        assert_eq!(body[0]["color"], "Attention");
        assert_eq!(body[1]["type"], "FactSet");
        assert_eq!(
            body[1]["facts"][0]["value"],
            "dangerous | domain twilio-okta.net | brand Twilio"
        );
        let splunk = webhook_body(&r, Some("splunk"));
        assert_eq!(splunk["fields"]["urgent"], true);
        assert_eq!(splunk["fields"]["registrable_domain"][0], "twilio-okta.net");
        assert_eq!(splunk["event"]["urgent"], true);
        assert_eq!(splunk["event"]["entered"][0], "password");
    }

    #[test]
    fn the_mail_is_from_the_relay_address_and_replies_go_to_the_reporter() {
        let mut r = urgent();
        r.reporter = Some(crate::report::Reporter {
            user: "ada".into(),
            name: Some("Ada Lovelace".into()),
            email: Some("ada@twilio.com".into()),
            machine: "LAPTOP-7".into(),
        });
        let server = SmtpSection {
            host: "smtp.twilio.com".into(),
            port: None,
            tls: None,
            username: None,
            password_env: None,
        };
        let m = mail(
            &r,
            "phishing@twilio.com",
            &server,
            Some("secondlook@twilio.com"),
        )
        .unwrap();
        let text = String::from_utf8_lossy(&m.formatted()).into_owned();
        for h in [
            "From: \"Second Look\" <secondlook@twilio.com>",
            "Reply-To: ada@twilio.com",
            "To: phishing@twilio.com",
            &format!("Message-ID: <{}@secondlook.invalid>", r.id),
            &format!("X-Secondlook-Report-Id: {}", r.id),
            "X-Secondlook-Urgent: yes",
            "X-Priority: 1 (Highest)",
            "Importance: high",
            "filename=\"indicators.stix.json\"",
            "Content-Type: application/stix+json;version=2.1",
        ] {
            assert!(text.contains(h), "{h} missing in:\n{text}");
        }
        assert!(
            text.contains("Reported by: Ada Lovelace (ada) <ada@twilio.com> on LAPTOP-7"),
            "{text}"
        );
        // Without report.from: never the security mailbox itself.
        assert_eq!(
            mail_from("phishing@twilio.com", None, None),
            "secondlook@twilio.com"
        );
        assert_eq!(
            mail_from("phishing@twilio.com", None, Some("relay@twilio.com")),
            "relay@twilio.com"
        );
        r.reporter = None;
        let m = mail(&r, "phishing@twilio.com", &server, None).unwrap();
        let text = String::from_utf8_lossy(&m.formatted()).into_owned();
        assert!(!text.contains("Reply-To"), "{text}");
    }
}

//! Reporting, end to end: real servers on loopback (an HTTP receiver and an
//! SMTP receiver, both speaking their protocol over TCP), the durable
//! outbox, retries, and a crash test that kills the sender mid-send.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use secondlook::report::outbox::{Outbox, State, Target};

use crate::support::{Bin, HttpReceiver, SmtpReceiver, free_port, stdout};

fn policy(dir: &Path, report: &str) -> PathBuf {
    let base = std::fs::read_to_string(crate::data("twilio.toml")).unwrap();
    let p = dir.join("policy.toml");
    std::fs::write(
        &p,
        format!("{base}\n[indicators]\ntraining = [\"twi1io-training.com\"]\n\n{report}"),
    )
    .unwrap();
    p
}

fn run(data: &Path, args: &[&str]) -> Output {
    Bin::new()
        .args(args)
        .env("SECONDLOOK_DATA_DIR", data)
        .env("SECONDLOOK_WEBHOOK_TOKEN", "s3cret")
        .output()
}

/// `secondlook report --policy P --yes SMS`: confirmed, so saved and sent.
fn send(data: &Path, p: &Path) -> Output {
    run(
        data,
        &["report", "--policy", p.to_str().unwrap(), "--yes", SMS],
    )
}

/// A `[report]` section with one webhook on loopback.
fn webhook(port: u16) -> String {
    format!("[report]\n[[report.webhook]]\nurl = \"http://127.0.0.1:{port}/hook\"\n")
}

const SMS: &str = "Twilio IT: your password expired, log in at twilio-okta.net";

#[test]
fn the_preview_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sink = HttpReceiver::start();
    let p = policy(
        dir.path(),
        &format!(
            "[report]\nemail = \"phishing@twilio.com\"\n[[report.webhook]]\nurl = \"http://127.0.0.1:{}/hook\"\n",
            sink.port
        ),
    );
    let out = run(
        dir.path(),
        &[
            "report",
            "--policy",
            p.to_str().unwrap(),
            "--note",
            "from +1 555 0100",
            SMS,
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("This is exactly what will be sent (subject: Phishing: Second Look report – twilio-okta.net)"), "{text}");
    assert!(text.contains("Note from the reporter: from +1 555 0100"));
    assert!(text.contains(SMS));
    assert!(text.contains("Nothing was sent."));
    assert!(sink.received().is_empty());
    assert!(Outbox::new(dir.path()).list().0.is_empty());
}

#[test]
fn webhook_delivery_with_idempotency_key_token_and_thanks() {
    let dir = tempfile::tempdir().unwrap();
    let sink = HttpReceiver::start();
    let p = policy(
        dir.path(),
        &format!(
            "[report]\n[[report.webhook]]\nurl = \"http://127.0.0.1:{}/hook\"\ntoken_env = \"SECONDLOOK_WEBHOOK_TOKEN\"\n",
            sink.port
        ),
    );
    let out = send(dir.path(), &p);
    let text = stdout(&out);
    assert!(
        text.contains("Delivered: webhook http://127.0.0.1:"),
        "{text}"
    );
    assert!(
        text.contains("Thank you. Your security team has the report"),
        "{text}"
    );
    let got = sink.received();
    assert_eq!(got.len(), 1);
    let body: serde_json::Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["schema"], "secondlook.report/1");
    assert_eq!(body["text"], SMS);
    assert_eq!(body["analysis"]["links"][0]["brand"], "Twilio");
    assert_eq!(
        got[0].headers["idempotency-key"],
        body["id"].as_str().unwrap()
    );
    assert_eq!(got[0].headers["authorization"], "Bearer s3cret");
    let (entries, errors) = Outbox::new(dir.path()).list();
    assert!(errors.is_empty());
    assert!(
        entries[0].delivered(),
        "kept, marked delivered, for the history"
    );
    // Delivered channels are never sent again.
    let out = run(dir.path(), &["outbox", "send"]);
    assert!(stdout(&out).contains("Nothing to send."));
    assert_eq!(sink.received().len(), 1);
}

#[test]
fn smtp_delivery_follows_the_mailbox_convention() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpReceiver::start();
    let port = smtp.port;
    let p = policy(
        dir.path(),
        &format!(
            "[report]\nemail = \"phishing@twilio.com\"\n[report.smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n"
        ),
    );
    let out = send(dir.path(), &p);
    assert!(
        stdout(&out).contains("Delivered: e-mail to phishing@twilio.com via 127.0.0.1"),
        "{}",
        stdout(&out)
    );
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    let id = Outbox::new(dir.path()).list().0[0].report.id.clone();
    assert!(
        m.contains("Subject: Phishing: Second Look report =?utf-8?")
            || m.contains("Subject: Phishing: Second Look report"),
        "{m}"
    );
    assert!(
        m.contains(&format!("Message-ID: <{id}@secondlook.invalid>")),
        "{m}"
    );
    assert!(m.contains("To: phishing@twilio.com"));
    assert!(m.contains("Content-Type: multipart/mixed"));
    assert!(
        m.contains("filename=\"report.json\"") && m.contains("filename=\"message.txt\""),
        "{m}"
    );
}

#[test]
fn junk_reports_say_junk() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpReceiver::start();
    let port = smtp.port;
    let p = policy(
        dir.path(),
        &format!(
            "[report]\nemail = \"phishing@twilio.com\"\n[report.smtp]\nhost = \"localhost\"\nport = {port}\ntls = \"none\"\n"
        ),
    );
    run(
        dir.path(),
        &[
            "report",
            "--policy",
            p.to_str().unwrap(),
            "--junk",
            "--yes",
            "Win a prize at prize-now.example.com",
        ],
    );
    assert!(smtp.mails()[0].contains("Subject: Junk: Second Look report"));
}

#[test]
fn offline_reports_wait_and_are_delivered_when_the_channel_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let p = policy(dir.path(), &webhook(port));
    for i in 0..3 {
        let out = run(
            dir.path(),
            &[
                "report",
                "--policy",
                p.to_str().unwrap(),
                "--yes",
                &format!("{SMS} #{i}"),
            ],
        );
        assert!(
            stdout(&out).contains("Not yet delivered"),
            "{}",
            stdout(&out)
        );
        assert!(stdout(&out).contains("could not be reached"));
    }
    let listed = stdout(&run(dir.path(), &["outbox", "list"]));
    assert_eq!(
        listed.matches("pending after 1 attempt(s)").count(),
        3,
        "{listed}"
    );
    let sink = HttpReceiver::on_port(port);
    let out = run(dir.path(), &["outbox", "send"]);
    assert_eq!(
        stdout(&out).matches("delivered to webhook").count(),
        3,
        "{}",
        stdout(&out)
    );
    assert_eq!(sink.received().len(), 3);
    assert!(
        Outbox::new(dir.path())
            .list()
            .0
            .iter()
            .all(|e| e.delivered())
    );
}

#[test]
fn server_errors_keep_the_report_with_a_clear_status() {
    let dir = tempfile::tempdir().unwrap();
    let sink = HttpReceiver::start();
    sink.answer(503);
    let p = policy(dir.path(), &webhook(sink.port));
    let out = send(dir.path(), &p);
    assert!(
        stdout(&out).contains(
            "the webhook answered 503 Service Unavailable; the report is kept and will be retried"
        ),
        "{}",
        stdout(&out)
    );
    let e = &Outbox::new(dir.path()).list().0[0];
    assert_eq!(e.channels[0].state, State::Pending);
    assert!(e.channels[0].next_attempt > 0, "backoff set");
    sink.answer(200);
    run(dir.path(), &["outbox", "send"]);
    assert!(Outbox::new(dir.path()).list().0[0].delivered());
}

#[test]
fn without_a_channel_the_mail_program_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let p = policy(dir.path(), "[report]\nemail = \"phishing@twilio.com\"\n");
    let out = send(dir.path(), &p);
    let text = stdout(&out);
    assert!(text.contains("mailto:phishing@twilio.com?subject=Phishing%3A%20Second%20Look%20report%20%E2%80%93%20twilio-okta.net&body="), "{text}");
    assert_eq!(
        Outbox::new(dir.path()).list().0.len(),
        1,
        "kept in the history"
    );
}

#[test]
fn a_reported_simulation_is_answered_with_thanks() {
    let dir = tempfile::tempdir().unwrap();
    let sink = HttpReceiver::start();
    let p = policy(dir.path(), &webhook(sink.port));
    let out = run(
        dir.path(),
        &[
            "report",
            "--policy",
            p.to_str().unwrap(),
            "--yes",
            "Verify your account at twi1io-training.com",
        ],
    );
    assert!(
        stdout(&out).contains("Well spotted: this was a phishing simulation run by Twilio."),
        "{}",
        stdout(&out)
    );
}

#[test]
fn killed_mid_send_many_times_every_report_arrives_exactly_once_per_key() {
    let dir = tempfile::tempdir().unwrap();
    let sink = HttpReceiver::start();
    sink.delay(Duration::from_millis(40));
    let outbox = Outbox::new(dir.path());
    let p = secondlook::Policy::from_path(&crate::data("twilio.toml")).unwrap();
    let target = Target::Webhook(secondlook::policy::WebhookSection {
        url: format!("http://127.0.0.1:{}/hook", sink.port),
        token_env: None,
        format: None,
    });
    let mut ids = Vec::new();
    for i in 0..12 {
        let text = format!("{SMS} #{i}");
        let a = secondlook::analyze(&text, &p);
        let r = secondlook::report::Report::new(
            &text,
            None,
            secondlook::report::Kind::Phishing,
            &a,
            &p,
        );
        ids.push(r.id.clone());
        outbox.enqueue(r, vec![target.clone()]).unwrap();
    }
    // Kill the sender at pseudo-random points (deterministic sequence).
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..30 {
        let mut child = Bin::new()
            .args(["outbox", "send"])
            .env("SECONDLOOK_DATA_DIR", dir.path())
            .spawn();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(seed % 90));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    // Then let it finish.
    for _ in 0..3 {
        let out = run(dir.path(), &["outbox", "send"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (entries, errors) = outbox.list();
    assert!(errors.is_empty(), "no half-written outbox file: {errors:?}");
    assert_eq!(entries.len(), 12);
    assert!(entries.iter().all(|e| e.delivered()));
    let got = sink.received();
    let mut keys: Vec<String> = got
        .iter()
        .map(|r| r.headers["idempotency-key"].clone())
        .collect();
    keys.sort();
    keys.dedup();
    ids.sort();
    assert_eq!(
        keys, ids,
        "every report reached the receiver, under its own key"
    );
    // Retries after a kill carry the same key and the same body.
    for id in &ids {
        let bodies: Vec<&String> = got
            .iter()
            .filter(|r| &r.headers["idempotency-key"] == id)
            .map(|r| &r.body)
            .collect();
        assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    }
    let before = got.len();
    run(dir.path(), &["outbox", "send"]);
    assert_eq!(
        sink.received().len(),
        before,
        "delivered reports are not sent again"
    );
}

#[test]
fn an_attempt_cut_short_by_kill_9_is_left_sending_and_resent_under_the_same_keys() {
    let dir = tempfile::tempdir().unwrap();
    let smtp_sink = SmtpReceiver::start();
    let smtp_port = smtp_sink.port;
    let sink = HttpReceiver::start();
    // The webhook holds the request long enough to kill the sender after
    // the report arrived but before the answer did.
    sink.delay(Duration::from_millis(1500));
    let outbox = Outbox::new(dir.path());
    let smtp = Target::Smtp {
        to: "phishing@twilio.com".into(),
        server: secondlook::policy::SmtpSection {
            host: "127.0.0.1".into(),
            port: Some(smtp_port),
            tls: Some(secondlook::policy::Tls::Plain),
            username: None,
            password_env: None,
        },
        from: None,
    };
    let id = queue(&outbox, SMS, vec![smtp, hook_target(sink.port)], false);
    let mut child = Bin::new()
        .args(["outbox", "send"])
        .env("SECONDLOOK_DATA_DIR", dir.path())
        .spawn();
    // Written (and synced) before the webhook is tried: the mail is
    // delivered, the webhook in "sending".
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let e = outbox.load(&id).unwrap();
        if e.channels[1].state == State::Sending {
            assert_eq!(e.channels[0].state, State::Delivered);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never sending: {e:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500)); // the request is at the server
    child.kill().unwrap(); // SIGKILL, before the answer
    child.wait().unwrap();
    let left = outbox.load(&id).unwrap();
    assert_eq!(left.channels[1].state, State::Sending, "{left:?}");
    assert_eq!(
        outbox.next_due(),
        Some(0),
        "an interrupted attempt is due now"
    );
    let listed = stdout(&run(dir.path(), &["outbox", "list"]));
    assert!(listed.contains("being sent"), "{listed}");
    std::thread::sleep(Duration::from_millis(1200)); // the receiver took it
    sink.delay(Duration::ZERO);
    // The next sender resends at once (whatever the backoff), under the same key.
    let out = run(dir.path(), &["outbox", "send"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done = outbox.load(&id).unwrap();
    assert!(done.delivered(), "{done:?}");
    assert_eq!(done.channels[1].interrupted, 1);
    assert_eq!(done.channels[0].interrupted, 0);
    let got = sink.received();
    assert_eq!(
        got.len(),
        2,
        "the receiver got the cut-short attempt and the resend"
    );
    assert!(got.iter().all(|r| r.headers["idempotency-key"] == id));
    assert_eq!(got[0].body, got[1].body, "the same report both times");
    assert_eq!(
        smtp_sink.mails().len(),
        1,
        "the delivered mail is not sent again"
    );
    // The mail's Message-ID is the report id, the same on every retry (the
    // report as read back from the outbox).
    let server = secondlook::policy::SmtpSection {
        host: "127.0.0.1".into(),
        port: None,
        tls: None,
        username: None,
        password_env: None,
    };
    let message_id = |r: &secondlook::report::Report| {
        let m = secondlook::report::deliver::mail(r, "phishing@twilio.com", &server, None).unwrap();
        let text = String::from_utf8_lossy(&m.formatted()).into_owned();
        text.lines()
            .find(|l| l.starts_with("Message-ID:"))
            .map(str::to_owned)
    };
    let first = message_id(&done.report);
    assert_eq!(
        first,
        Some(format!("Message-ID: <{id}@secondlook.invalid>"))
    );
    assert_eq!(message_id(&outbox.load(&id).unwrap().report), first);
    let sent = &smtp_sink.mails()[0];
    assert!(
        sent.contains(&format!("Message-ID: <{id}@secondlook.invalid>")),
        "{sent}"
    );
}

#[test]
fn unreachable_smtp_and_tls_failures_keep_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let closed = free_port();
    // An https webhook pointed at a plain-HTTP server: the TLS handshake fails.
    let plain = HttpReceiver::start();
    let p = policy(
        dir.path(),
        &format!(
            "[report]\nemail = \"phishing@twilio.com\"\n[report.smtp]\nhost = \"127.0.0.1\"\nport = {closed}\ntls = \"none\"\n[[report.webhook]]\nurl = \"https://127.0.0.1:{}/hook\"\n",
            plain.port
        ),
    );
    let out = send(dir.path(), &p);
    let text = stdout(&out);
    assert!(text.contains(&format!("Not yet delivered: e-mail to phishing@twilio.com via 127.0.0.1: the mail server 127.0.0.1:{closed} did not take the report")), "{text}");
    assert!(
        text.contains("Not yet delivered: webhook https://127.0.0.1:")
            && text.contains("could not be reached"),
        "{text}"
    );
    let e = &Outbox::new(dir.path()).list().0[0];
    assert!(
        e.channels
            .iter()
            .all(|c| c.state == State::Pending && c.last_error.is_some())
    );
}

#[test]
fn the_json_preview_is_the_exact_report() {
    let dir = tempfile::tempdir().unwrap();
    let p = policy(dir.path(), "[report]\nemail = \"phishing@twilio.com\"\n");
    let out = run(
        dir.path(),
        &[
            "report",
            "--policy",
            p.to_str().unwrap(),
            "--json",
            "--note",
            "claimed to be IT",
            SMS,
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "secondlook.report/1");
    assert_eq!(v["note"], "claimed to be IT");
    assert_eq!(v["text"], SMS);
    assert!(
        Outbox::new(dir.path()).list().0.is_empty(),
        "a preview saves nothing"
    );
}

#[test]
fn tls_to_a_server_without_tls_fails_cleanly_and_keeps_the_report() {
    for tls in ["starttls", "tls"] {
        let dir = tempfile::tempdir().unwrap();
        let smtp = SmtpReceiver::start();
        let port = smtp.port;
        let p = policy(
            dir.path(),
            &format!(
                "[report]\nemail = \"phishing@twilio.com\"\n[report.smtp]\nhost = \"localhost\"\nport = {port}\ntls = \"{tls}\"\n"
            ),
        );
        let out = send(dir.path(), &p);
        let text = stdout(&out);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{tls}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("Not yet delivered: e-mail to phishing@twilio.com via localhost"),
            "{tls}: {text}"
        );
        assert!(smtp.mails().is_empty(), "{tls}: nothing sent in the clear");
        assert_eq!(
            Outbox::new(dir.path()).list().0[0].channels[0].state,
            State::Pending
        );
    }
}

#[test]
fn a_background_sender_delivers_once_the_channel_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let p = policy(dir.path(), &webhook(port));
    let out = Bin::new()
        .arg("report")
        .policy(&p)
        .args(["--yes", SMS])
        .env("SECONDLOOK_DATA_DIR", dir.path())
        .env("SECONDLOOK_RETRY_SECONDS", "1")
        .output();
    assert!(
        stdout(&out).contains("keeps trying in the background"),
        "{}",
        stdout(&out)
    );
    let sink = HttpReceiver::on_port(port);
    let outbox = Outbox::new(dir.path());
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !outbox.list().0.iter().all(|e| e.delivered()) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        outbox.list().0[0].delivered(),
        "delivered without anyone running a command"
    );
    assert_eq!(sink.received().len(), 1);
}

/// After a restart (or a reboot), the app that starts at login delivers the
/// reports an earlier process left pending: nothing else runs here that
/// could send it.
#[cfg(all(feature = "gui", target_os = "linux"))]
#[test]
fn the_app_delivers_reports_left_pending_by_an_earlier_run() {
    let Some(x) = crate::session::xvfb() else {
        crate::skip("needs Xvfb (.ci/run installs it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let p = policy(dir.path(), &webhook(port));
    let policy = secondlook::Policy::from_path(&p).unwrap();
    let analysis = secondlook::analyze(SMS, &policy);
    let report = secondlook::report::Report::new(
        SMS,
        None,
        secondlook::report::Kind::Phishing,
        &analysis,
        &policy,
    );
    let outbox = Outbox::new(&dir.path().join("data"));
    let id = outbox
        .enqueue(report, secondlook::report::outbox::targets(&policy))
        .unwrap()
        .report
        .id;
    let sink = HttpReceiver::on_port(port);

    // No session bus: no tray, no notifications; delivery must not need them.
    let mut app = Bin::desktop(&x.display, "unix:path=/nonexistent", &p, dir.path())
        .arg("--background")
        .spawn();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let delivered = || outbox.list().0.iter().all(|e| e.delivered());
    while (!delivered() || sink.received().is_empty()) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = app.kill();
    let _ = app.wait();
    let got = sink.received();
    assert_eq!(got.len(), 1, "the app did not deliver the pending report");
    assert_eq!(got[0].headers.get("idempotency-key"), Some(&id));
    let entries = outbox.list().0;
    assert!(entries.iter().all(|e| e.delivered()), "{entries:?}");
}

/// Enqueue a report of `text` for `targets` directly (as the app does).
fn queue(outbox: &Outbox, text: &str, targets: Vec<Target>, urgent: bool) -> String {
    let p = secondlook::Policy::from_path(&crate::data("twilio.toml")).unwrap();
    let a = secondlook::analyze(text, &p);
    let mut r =
        secondlook::report::Report::new(text, None, secondlook::report::Kind::Phishing, &a, &p);
    if urgent {
        r = r.mark_urgent(vec![secondlook::report::Entered::Password]);
    }
    outbox.enqueue(r, targets).unwrap().report.id
}

fn hook_target(port: u16) -> Target {
    Target::Webhook(secondlook::policy::WebhookSection {
        url: format!("http://127.0.0.1:{port}/hook"),
        token_env: None,
        format: None,
    })
}

#[test]
fn the_reporter_and_the_urgent_kind_reach_the_mailbox() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpReceiver::start();
    let port = smtp.port;
    let p = policy(
        dir.path(),
        &format!(
            "[report]\nemail = \"phishing@twilio.com\"\nfrom = \"secondlook@twilio.com\"\nreporter_email = \"{{user}}@twilio.com\"\n[report.smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n"
        ),
    );
    let out = Bin::new()
        .arg("report")
        .policy(&p)
        .args(["--yes", "--entered", "password,code", SMS])
        .env("SECONDLOOK_DATA_DIR", dir.path())
        .env("USER", "Ada")
        .output();
    let text = stdout(&out);
    assert!(
        text.contains("(subject: URGENT Phishing: Second Look report – twilio-okta.net)"),
        "{text}"
    );
    assert!(
        text.contains("URGENT: the reporter says they already typed a password, typed or read out a one-time code."),
        "the preview shows it: {text}"
    );
    assert!(text.contains("Reported by: "), "{text}");
    assert!(
        text.contains("(Ada) <ada@twilio.com> on ") || text.contains("Ada <ada@twilio.com> on "),
        "{text}"
    );
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1, "{text}");
    let m = &mails[0];
    assert!(
        m.contains("From: \"Second Look\" <secondlook@twilio.com>"),
        "{m}"
    );
    assert!(m.contains("Reply-To: ada@twilio.com"), "{m}");
    assert!(m.contains("X-Secondlook-Urgent: yes"), "{m}");
    assert!(m.contains("filename=\"indicators.stix.json\""), "{m}");
    let e = &Outbox::new(dir.path()).list().0[0];
    assert!(e.report.urgent);
    let r = e.report.reporter.as_ref().unwrap();
    assert_eq!(r.user, "Ada");
    assert_eq!(r.email.as_deref(), Some("ada@twilio.com"));
    // --reporter-email is remembered and wins over the pattern.
    let out = Bin::new()
        .arg("report")
        .policy(&p)
        .args(["--reporter-email", "a.lovelace@twilio.com", "--json", SMS])
        .env("SECONDLOOK_DATA_DIR", dir.path())
        .env("USER", "Ada")
        .output();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["reporter"]["email"], "a.lovelace@twilio.com");
    let out = run(
        dir.path(),
        &["report", "--policy", p.to_str().unwrap(), "--json", SMS],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["reporter"]["email"], "a.lovelace@twilio.com",
        "remembered"
    );
    let out = run(
        dir.path(),
        &[
            "report",
            "--policy",
            p.to_str().unwrap(),
            "--entered",
            "sang",
            SMS,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--entered sang: say what you already did with one of opened_link")
    );
}

#[test]
fn urgent_reports_jump_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::new(dir.path());
    let port = free_port();
    let first = queue(
        &outbox,
        &format!("{SMS} #old"),
        vec![hook_target(port)],
        false,
    );
    std::thread::sleep(Duration::from_millis(1100)); // a later `created`
    let urgent = queue(
        &outbox,
        &format!("{SMS} #urgent"),
        vec![hook_target(port)],
        true,
    );
    let sink = HttpReceiver::on_port(port);
    let out = run(dir.path(), &["outbox", "send"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let keys: Vec<String> = sink
        .received()
        .iter()
        .map(|r| r.headers["idempotency-key"].clone())
        .collect();
    assert_eq!(keys, [urgent.clone(), first], "the urgent one first");
    let listed = stdout(&run(dir.path(), &["outbox", "list"]));
    assert!(
        listed
            .lines()
            .next()
            .unwrap()
            .contains(&format!("{urgent}  URGENT delivered")),
        "{listed}"
    );
}

#[test]
fn report_yes_racing_outbox_send_delivers_each_report_once() {
    let dir = tempfile::tempdir().unwrap();
    let sink = HttpReceiver::start();
    sink.delay(Duration::from_millis(15));
    let p = policy(dir.path(), &webhook(sink.port));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let looping = {
        let (stop, data) = (stop.clone(), dir.path().to_owned());
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                run(&data, &["outbox", "send"]);
            }
        })
    };
    let reporters: Vec<_> = (0..10)
        .map(|i| {
            let (data, p) = (dir.path().to_owned(), p.clone());
            std::thread::spawn(move || {
                run(
                    &data,
                    &[
                        "report",
                        "--policy",
                        p.to_str().unwrap(),
                        "--yes",
                        &format!("{SMS} #{i}"),
                    ],
                )
            })
        })
        .collect();
    for r in reporters {
        let out = r.join().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !stdout(&out).contains("could not be updated"),
            "{}",
            stdout(&out)
        );
    }
    stop.store(true, Ordering::SeqCst);
    looping.join().unwrap();
    // A report --yes that found the lock taken for 30 s (a loaded machine)
    // left its report to the other senders: one more pass.
    run(dir.path(), &["outbox", "send"]);
    let (entries, errors) = Outbox::new(dir.path()).list();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(entries.len(), 10);
    assert!(entries.iter().all(|e| e.delivered()));
    let mut keys: Vec<String> = sink
        .received()
        .iter()
        .map(|r| r.headers["idempotency-key"].clone())
        .collect();
    keys.sort();
    let n = keys.len();
    keys.dedup();
    assert_eq!((n, keys.len()), (10, 10), "each report exactly once");
}

#[test]
fn one_background_sender_per_user() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::new(dir.path());
    queue(&outbox, SMS, vec![hook_target(free_port())], false);
    let mut waiters: Vec<_> = (0..5)
        .map(|_| {
            Bin::new()
                .args(["outbox", "send", "--wait"])
                .env("SECONDLOOK_DATA_DIR", dir.path())
                .spawn()
        })
        .collect();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let running = |w: &mut Vec<crate::support::Running>| {
        w.iter_mut()
            .map(|c| c.try_wait().unwrap().is_none())
            .filter(|alive| *alive)
            .count()
    };
    while running(&mut waiters) > 1 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        running(&mut waiters),
        1,
        "one waits, the others leave at once"
    );
    for mut w in waiters {
        let _ = w.kill();
        let _ = w.wait();
    }
}

#[test]
fn orphaned_temporary_files_are_recovered_or_removed() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::new(dir.path());
    let sink = HttpReceiver::start();
    let kept = queue(&outbox, SMS, vec![hook_target(sink.port)], false);
    // A state update a killed sender left beside its report: removed.
    let stale = outbox.dir().join(format!(".{kept}.999-0.tmp"));
    std::fs::write(&stale, b"{ half a fi").unwrap();
    // A new report written but never renamed (killed in between), over a
    // minute ago: recovered, and sent.
    let other = tempfile::tempdir().unwrap();
    let lost = queue(
        &Outbox::new(other.path()),
        &format!("{SMS} #2"),
        vec![hook_target(sink.port)],
        false,
    );
    let orphan = outbox.dir().join(format!(".{lost}.999-1.tmp"));
    std::fs::rename(Outbox::new(other.path()).path(&lost), &orphan).unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(120);
    std::fs::File::options()
        .write(true)
        .open(&orphan)
        .unwrap()
        .set_modified(old)
        .unwrap();
    // A fresh one may still be being written: left alone.
    let fresh = outbox.dir().join(".0000-fresh.999-2.tmp");
    std::fs::write(&fresh, b"{").unwrap();
    let out = run(dir.path(), &["outbox", "send"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stale.exists() && !orphan.exists() && fresh.exists());
    let (entries, errors) = outbox.list();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e.delivered()));
    let mut keys: Vec<String> = sink
        .received()
        .iter()
        .map(|r| r.headers["idempotency-key"].clone())
        .collect();
    keys.sort();
    let mut want = vec![kept, lost];
    want.sort();
    assert_eq!(keys, want);
}

#[test]
fn nowhere_to_send_is_saved_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let p = policy(dir.path(), "");
    let out = run(
        dir.path(),
        &["report", "--policy", p.to_str().unwrap(), SMS],
    );
    assert!(
        stdout(&out).contains("it will be saved on this computer, not sent"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("To save it, run the same command with --yes."),
        "{}",
        stdout(&out)
    );
    let out = send(dir.path(), &p);
    assert!(
        stdout(&out).contains("Saved on this computer — not sent."),
        "{}",
        stdout(&out)
    );
    let listed = stdout(&run(dir.path(), &["outbox", "list"]));
    assert!(
        listed.contains("saved on this computer, not sent"),
        "{listed}"
    );
    assert!(!listed.contains("delivered"), "{listed}");
}

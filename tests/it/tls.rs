//! Reports over TLS: STARTTLS and implicit-TLS SMTP and an HTTPS webhook,
//! against servers holding a certificate from a CA made by the test. The
//! sender trusts it through `SSL_CERT_FILE`, as it would a company's internal CA.

use std::path::Path;
use std::process::Output;

use crate::support::{Bin, HttpReceiver, SmtpReceiver, TestCa};

fn report(dir: &Path, ca: &TestCa, report_section: &str) -> Output {
    let base = std::fs::read_to_string(crate::data("twilio.toml")).unwrap();
    let p = dir.join("policy.toml");
    std::fs::write(&p, format!("{base}\n{report_section}")).unwrap();
    Bin::new()
        .arg("report")
        .policy(&p)
        .args(["--yes", "Log in at twilio-okta.net"])
        .env("SECONDLOOK_DATA_DIR", dir.join("data"))
        .env("SSL_CERT_FILE", &ca.ca_file)
        .output()
}

#[test]
fn smtp_with_starttls_and_with_implicit_tls() {
    for (tls, implicit) in [("starttls", false), ("tls", true)] {
        let dir = tempfile::tempdir().unwrap();
        let ca = TestCa::new(dir.path());
        let smtp = if implicit {
            SmtpReceiver::implicit_tls(&ca)
        } else {
            SmtpReceiver::starttls(&ca)
        };
        let port = smtp.port;
        let out = report(
            dir.path(),
            &ca,
            &format!(
                "[report]\nemail = \"phishing@twilio.com\"\n[report.smtp]\nhost = \"localhost\"\nport = {port}\ntls = \"{tls}\"\n"
            ),
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Delivered: e-mail to phishing@twilio.com via localhost"),
            "{tls}: {text}"
        );
        let mails = smtp.mails();
        assert_eq!(mails.len(), 1, "{tls}");
        assert!(
            mails[0].contains("Subject: Phishing: Second Look report"),
            "{tls}"
        );
    }
}

#[test]
fn https_webhook_trusting_the_company_ca() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new(dir.path());
    let sink = HttpReceiver::start_tls(&ca);
    let port = sink.port;
    let out = report(
        dir.path(),
        &ca,
        &format!(
            "[report]\n[[report.webhook]]\nurl = \"https://localhost:{port}/hook\"\nformat = \"splunk\"\n"
        ),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Delivered: webhook https://localhost:"),
        "{text}"
    );
    let body: serde_json::Value = serde_json::from_str(&sink.received()[0].body).unwrap();
    assert_eq!(body["sourcetype"], "secondlook:report");
    assert_eq!(body["event"]["schema"], "secondlook.report/1");
}

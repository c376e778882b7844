//! Reports over TLS: STARTTLS and implicit-TLS SMTP and an HTTPS webhook,
//! against servers holding a certificate from a CA made by the test. The
//! sender trusts it through `SSL_CERT_FILE`, as it would a company's internal CA.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

struct TestCa {
    ca_file: PathBuf,
    server: Arc<rustls::ServerConfig>,
}

fn test_ca(dir: &Path) -> TestCa {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, &ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    let ca_file = dir.join("test-ca.pem");
    std::fs::write(&ca_file, ca_cert.pem()).unwrap();
    let server = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(cert.der().to_vec())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
    .unwrap();
    TestCa {
        ca_file,
        server: Arc::new(server),
    }
}

fn read_line(s: &mut impl Read) -> std::io::Result<String> {
    let mut out = Vec::new();
    let mut b = [0u8; 1];
    loop {
        if s.read(&mut b)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        out.push(b[0]);
        if out.ends_with(b"\r\n") {
            return Ok(String::from_utf8_lossy(&out).into_owned());
        }
    }
}

/// SMTP over any stream, until QUIT; returns true when STARTTLS was asked.
fn smtp_session(
    s: &mut (impl Read + Write),
    offer_starttls: bool,
    mails: &Mutex<Vec<String>>,
) -> std::io::Result<bool> {
    loop {
        let line = read_line(s)?;
        let cmd = line.trim_end().to_ascii_uppercase();
        if cmd.starts_with("EHLO") {
            if offer_starttls {
                s.write_all(b"250-sink.test\r\n250 STARTTLS\r\n")?;
            } else {
                s.write_all(b"250-sink.test\r\n250 8BITMIME\r\n")?;
            }
        } else if cmd.starts_with("STARTTLS") {
            s.write_all(b"220 go ahead\r\n")?;
            return Ok(true);
        } else if cmd.starts_with("DATA") {
            s.write_all(b"354 go ahead\r\n")?;
            let mut data = String::new();
            loop {
                let l = read_line(s)?;
                if l == ".\r\n" {
                    break;
                }
                data.push_str(&l);
            }
            mails.lock().unwrap().push(data);
            s.write_all(b"250 queued\r\n")?;
        } else if cmd.starts_with("QUIT") {
            s.write_all(b"221 bye\r\n")?;
            return Ok(false);
        } else {
            s.write_all(b"250 OK\r\n")?;
        }
    }
}

fn tls_smtp_sink(ca: &TestCa, implicit: bool) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let (m, config) = (mails.clone(), ca.server.clone());
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let (m, config) = (m.clone(), config.clone());
            std::thread::spawn(move || -> std::io::Result<()> {
                let wrap = |tcp: TcpStream| {
                    let c = rustls::ServerConnection::new(config.clone())
                        .map_err(std::io::Error::other)?;
                    Ok::<_, std::io::Error>(rustls::StreamOwned::new(c, tcp))
                };
                if implicit {
                    let mut tls = wrap(conn)?;
                    tls.write_all(b"220 sink.test ESMTP\r\n")?;
                    smtp_session(&mut tls, false, &m)?;
                } else {
                    let mut plain = conn;
                    plain.write_all(b"220 sink.test ESMTP\r\n")?;
                    if smtp_session(&mut plain, true, &m)? {
                        let mut tls = wrap(plain)?;
                        smtp_session(&mut tls, false, &m)?;
                    }
                }
                Ok(())
            });
        }
    });
    (port, mails)
}

fn https_sink(ca: &TestCa) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let (b, config) = (bodies.clone(), ca.server.clone());
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let (b, config) = (b.clone(), config.clone());
            std::thread::spawn(move || -> std::io::Result<()> {
                let c = rustls::ServerConnection::new(config).map_err(std::io::Error::other)?;
                let mut r = BufReader::new(rustls::StreamOwned::new(c, conn));
                let mut len = 0usize;
                let mut line = String::new();
                r.read_line(&mut line)?;
                loop {
                    line.clear();
                    if r.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    let l = line.trim_end().to_ascii_lowercase();
                    if l.is_empty() {
                        break;
                    }
                    if let Some(v) = l.strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; len];
                r.read_exact(&mut body)?;
                b.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&body).into_owned());
                let w = r.get_mut();
                w.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                )?;
                w.flush()
            });
        }
    });
    (port, bodies)
}

fn report(dir: &Path, ca: &TestCa, report_section: &str) -> Output {
    let base = std::fs::read_to_string(crate::data("twilio.toml")).unwrap();
    let p = dir.join("policy.toml");
    std::fs::write(&p, format!("{base}\n{report_section}")).unwrap();
    Command::new(env!("CARGO_BIN_EXE_secondlook"))
        .args([
            "report",
            "--policy",
            p.to_str().unwrap(),
            "--yes",
            "Log in at twilio-okta.net",
        ])
        .env("SECONDLOOK_DATA_DIR", dir.join("data"))
        .env("SSL_CERT_FILE", &ca.ca_file)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn smtp_with_starttls_and_with_implicit_tls() {
    for (tls, implicit) in [("starttls", false), ("tls", true)] {
        let dir = tempfile::tempdir().unwrap();
        let ca = test_ca(dir.path());
        let (port, mails) = tls_smtp_sink(&ca, implicit);
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
        let mails = mails.lock().unwrap();
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
    let ca = test_ca(dir.path());
    let (port, bodies) = https_sink(&ca);
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
    let body: serde_json::Value = serde_json::from_str(&bodies.lock().unwrap()[0]).unwrap();
    assert_eq!(body["sourcetype"], "secondlook:report");
    assert_eq!(body["event"]["schema"], "secondlook.report/1");
}

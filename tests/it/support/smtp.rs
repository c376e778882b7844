//! The one SMTP receiver: a mail server on loopback that keeps what it is given.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use super::TestCa;

/// A minimal SMTP server on 127.0.0.1 (EHLO/HELO, MAIL, RCPT, DATA, RSET,
/// NOOP, QUIT; STARTTLS in that mode) that records each message's DATA.
/// Plain, with STARTTLS, or with implicit TLS (`ca`'s `localhost`
/// certificate). Runs until the test process ends.
pub struct SmtpReceiver {
    /// The port it listens on.
    pub port: u16,
    mails: Arc<Mutex<Vec<String>>>,
}

#[derive(Clone)]
enum Mode {
    Plain,
    StartTls(Arc<rustls::ServerConfig>),
    Implicit(Arc<rustls::ServerConfig>),
}

impl SmtpReceiver {
    /// No TLS at all (a sender asked for TLS must refuse to send here).
    pub fn start() -> SmtpReceiver {
        Self::serve(Mode::Plain)
    }

    /// Offers STARTTLS and upgrades when asked.
    pub fn starttls(ca: &TestCa) -> SmtpReceiver {
        Self::serve(Mode::StartTls(ca.server.clone()))
    }

    /// TLS from the first byte (port-465 style).
    pub fn implicit_tls(ca: &TestCa) -> SmtpReceiver {
        Self::serve(Mode::Implicit(ca.server.clone()))
    }

    fn serve(mode: Mode) -> SmtpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let m = mails.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (m, mode) = (m.clone(), mode.clone());
                std::thread::spawn(move || {
                    let _ = connection(conn, &mode, &m);
                });
            }
        });
        SmtpReceiver { port, mails }
    }

    /// The messages received so far (headers and body, as sent in DATA).
    pub fn mails(&self) -> Vec<String> {
        self.mails.lock().unwrap().clone()
    }
}

fn connection(conn: TcpStream, mode: &Mode, mails: &Mutex<Vec<String>>) -> std::io::Result<()> {
    match mode {
        Mode::Plain => {
            let mut plain = conn;
            plain.write_all(b"220 sink.test ESMTP\r\n")?;
            session(&mut plain, false, mails)?;
        }
        Mode::Implicit(config) => {
            let mut tls = super::tls::accept(config, conn)?;
            tls.write_all(b"220 sink.test ESMTP\r\n")?;
            session(&mut tls, false, mails)?;
        }
        Mode::StartTls(config) => {
            let mut plain = conn;
            plain.write_all(b"220 sink.test ESMTP\r\n")?;
            if session(&mut plain, true, mails)? {
                let mut tls = super::tls::accept(config, plain)?;
                session(&mut tls, false, mails)?;
            }
        }
    }
    Ok(())
}

/// One CRLF-ended line, read a byte at a time (nothing read past it: after
/// STARTTLS the next bytes are the TLS handshake).
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

/// SMTP over any stream until QUIT; returns true when STARTTLS was offered
/// and asked for.
fn session(
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
        } else if offer_starttls && cmd.starts_with("STARTTLS") {
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

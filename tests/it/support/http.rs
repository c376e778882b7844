//! The one HTTP receiver: a webhook endpoint on loopback.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::TestCa;

/// One HTTP request as received.
#[derive(Debug, Clone)]
pub struct Request {
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
    /// The body, as text.
    pub body: String,
}

#[derive(Default)]
struct State {
    got: Mutex<Vec<Request>>,
    status: AtomicU16,
    delay_ms: AtomicU64,
}

/// An HTTP/1.1 server on 127.0.0.1 that answers every request `200 OK`
/// (or the status set with [`HttpReceiver::answer`]) and records the
/// requests it accepted (status below 300), as a real receiver would. A
/// request cut off before its end (a sender killed mid-send) is dropped.
/// Runs until the test process ends.
pub struct HttpReceiver {
    /// The port it listens on.
    pub port: u16,
    state: Arc<State>,
}

/// A port on loopback where nothing listens (yet).
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

impl HttpReceiver {
    /// Plain HTTP on a free port.
    pub fn start() -> HttpReceiver {
        Self::serve(TcpListener::bind("127.0.0.1:0").unwrap(), None)
    }

    /// Plain HTTP on `port` (a channel that "comes back" where a sender
    /// was already pointed: see [`free_port`]).
    pub fn on_port(port: u16) -> HttpReceiver {
        Self::serve(TcpListener::bind(("127.0.0.1", port)).unwrap(), None)
    }

    /// HTTPS on a free port, with `ca`'s `localhost` certificate.
    pub fn start_tls(ca: &TestCa) -> HttpReceiver {
        Self::serve(
            TcpListener::bind("127.0.0.1:0").unwrap(),
            Some(ca.server.clone()),
        )
    }

    fn serve(listener: TcpListener, tls: Option<Arc<rustls::ServerConfig>>) -> HttpReceiver {
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State::default());
        state.status.store(200, Ordering::SeqCst);
        let s = state.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (s, tls) = (s.clone(), tls.clone());
                std::thread::spawn(move || {
                    let _ = match tls {
                        Some(config) => {
                            super::tls::accept(&config, conn).and_then(|stream| handle(stream, &s))
                        }
                        None => handle(conn, &s),
                    };
                });
            }
        });
        HttpReceiver { port, state }
    }

    /// `http://127.0.0.1:PORT/hook`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    /// The requests accepted so far, in order.
    pub fn received(&self) -> Vec<Request> {
        self.state.got.lock().unwrap().clone()
    }

    /// Answer later requests with `status` (`503`: `Service Unavailable`,
    /// not recorded).
    pub fn answer(&self, status: u16) {
        self.state.status.store(status, Ordering::SeqCst);
    }

    /// Wait this long before answering each later request.
    pub fn delay(&self, delay: Duration) {
        self.state
            .delay_ms
            .store(delay.as_millis() as u64, Ordering::SeqCst);
    }
}

fn handle(conn: impl Read + Write, state: &State) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn);
    let mut headers = BTreeMap::new();
    let mut line = String::new();
    let eof = || std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
    if reader.read_line(&mut line)? == 0 {
        return Err(eof()); // request line
    }
    loop {
        line.clear();
        // A sender killed mid-request leaves an incomplete request: drop it.
        if reader.read_line(&mut line)? == 0 {
            return Err(eof());
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    std::thread::sleep(Duration::from_millis(state.delay_ms.load(Ordering::SeqCst)));
    let code = state.status.load(Ordering::SeqCst);
    if code < 300 {
        state.got.lock().unwrap().push(Request {
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        });
    }
    let reason = if code < 300 {
        "OK"
    } else {
        "Service Unavailable"
    };
    let w = reader.get_mut();
    write!(
        w,
        "HTTP/1.1 {code} {reason}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
    )?;
    w.flush()
}

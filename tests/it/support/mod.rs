//! What the integration tests share: one way to start the binary ([`Bin`]),
//! one HTTP receiver ([`HttpReceiver`]), one SMTP receiver
//! ([`SmtpReceiver`]), a test CA for their TLS modes ([`TestCa`]), and the
//! small helpers every test file uses ([`skip`], [`twilio`], [`data`],
//! [`wait_for`]).
//!
//! Keep it small: a test that needs something new adds a builder method or
//! a receiver option here rather than its own server or `Command`.

// Some helpers serve only the tests a feature or platform turns on (the
// desktop ones need `gui` on Linux); they are support all the same.
#![allow(dead_code)]

mod bin;
mod http;
mod smtp;
mod tls;

use std::time::{Duration, Instant};

pub use bin::{Bin, Running, stderr, stdout};
pub use http::{HttpReceiver, Request, free_port};
pub use smtp::SmtpReceiver;
pub use tls::TestCa;

use secondlook::Policy;

/// A test that cannot run on this machine: says so where a person running
/// `cargo test` sees it (libtest hides what passing tests print with
/// `eprintln!`, so this writes to the real stderr), and fails under
/// `CI=true`, where everything must run.
pub fn skip(why: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("this test must run in CI (CI=true) but cannot: {why}");
    }
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED: {why}");
}

/// The Twilio-like test policy.
pub fn twilio() -> Policy {
    Policy::from_path(&data("twilio.toml")).expect("tests/data/twilio.toml is valid")
}

/// A file under tests/data.
pub fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Poll `f` every 50 ms until it gives a value; fails the test with
/// "timed out waiting for {what}" after `timeout`.
pub fn wait_for<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

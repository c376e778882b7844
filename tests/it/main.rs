//! The one integration-test binary (see ARCHITECTURE.md, "Testing").

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod adversarial;
#[cfg(feature = "gui")]
mod app;
mod bad_input;
mod cli;
#[cfg(all(feature = "gui", target_os = "linux"))]
mod desktop;
mod docs;
mod extraction;
mod feed;
mod incident;
mod policy_layers;
mod properties;
mod report;
#[cfg(all(feature = "gui", target_os = "linux"))]
mod session;
mod tidy;
mod tls;
#[cfg(all(feature = "gui", target_os = "linux"))]
mod tray;
#[cfg(all(feature = "gui", target_os = "linux"))]
mod wayland_clipboard;
#[cfg(all(feature = "gui", target_os = "linux"))]
mod x11_clipboard;

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

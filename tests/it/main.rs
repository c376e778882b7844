//! The one integration-test binary (see ARCHITECTURE.md, "Testing").

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod adversarial;
#[cfg(feature = "gui")]
mod app;
mod bad_input;
mod bulk;
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

pub mod support;

/// Reachable as `crate::skip` etc. from every test file.
pub use support::{data, skip, twilio};

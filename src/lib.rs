//! Second Look: finds every link in a message and explains, offline and in
//! plain language, whether it imitates the organisation or a well-known brand.
//!
//! The library is GUI-free: the command line, the tests and the benchmarks
//! all call [`analyze`] with a [`Policy`]. It never opens, fetches or
//! resolves a link; the only network code sends a report the user confirmed
//! ([`report::deliver`]). See `ARCHITECTURE.md` for the map.

#![deny(missing_docs)]

#[cfg(feature = "gui")]
pub mod app;
pub mod cli;
pub mod config;
pub mod desktop;
pub mod engine;
pub mod events;
pub mod feed;
pub mod invariants;
pub mod local_time;
pub mod report;
pub mod status;
pub mod wire;

// The engine's modules at the crate root, where the rest of the code (and
// the tests, benchmarks and fuzz targets) name them.
pub use engine::{analysis, explain, extract, host, lure, phone, refs, rules, text};

/// The company policy: the engine's part (schema, parsing from text,
/// validation, the compiled [`Policy`]) and the shell's (reading files,
/// the layers), under one name.
pub mod policy {
    pub use crate::config::{MAX_POLICY_BYTES, layers, logo_bytes, read_policy_text};
    pub use crate::engine::policy::*;
}
pub use wire::json;

pub use analysis::{
    Analysis, LinkAnalysis, MAX_LINKS, MAX_TEXT_BYTES, MAX_WORDS_BYTES, Verdict, analyze,
};
pub use policy::{Policy, PolicyError};

/// The version, with the build commit when known (`secondlook --version`).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("SECONDLOOK_COMMIT"),
    ")"
);

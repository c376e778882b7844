//! How much a finding weighs: a leaf that the rules, the analysis and the
//! policy (`[detection] severity`) all use.

use std::fmt;

/// How much a finding weighs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The link is the organisation's own or a trusted host.
    Safe,
    /// Worth knowing; on its own it does not make a link risky.
    Info,
    /// Likely an attack; check before acting.
    Suspicious,
    /// An attack: do not open, do not reply.
    Dangerous,
}

impl Severity {
    /// The lower-case word used in JSON and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Safe => "safe",
            Severity::Info => "info",
            Severity::Suspicious => "suspicious",
            Severity::Dangerous => "dangerous",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

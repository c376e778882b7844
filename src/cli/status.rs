//! `secondlook status`: for compliance scripts (is the app running, the
//! policy's fingerprint and sources, the feed's last update, the outbox
//! backlog). The work is in [`crate::status`].

use std::process::ExitCode;

use clap::Args;

use super::Run;

/// `secondlook status`
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// One JSON object (fields: docs/deploying.md, "Fleet checks").
    #[arg(long)]
    pub json: bool,
}

impl Run for StatusArgs {
    fn run(self) -> ExitCode {
        crate::status::run(self.json)
    }
}

//! `secondlook feed`: the signed indicator feed for IT (make a key, sign,
//! verify, fetch now). The work is in [`crate::feed::command`].

use std::process::ExitCode;

use super::Run;
pub use crate::feed::command::FeedCommand;

impl Run for FeedCommand {
    fn run(self) -> ExitCode {
        crate::feed::command::run(&self)
    }
}

//! The command line: `secondlook check [--policy FILE] [--json] [--lines] [TEXT…]`,
//! `policy`, `report`, `outbox`; no command opens the window.
//!
//! A contract for scripts and IT: exit status 0 when the analysis ran
//! (whatever the verdict), 2 on usage or policy errors, with a message that
//! says what to fix.
//!
//! One file per command (its clap arguments and what it does); this file
//! holds the command list, the parsing and what commands share (loading
//! the policy, reading the message, the outbox, failing with exit 2). A
//! new command is a new file with an arguments type that implements
//! [`Run`], its `mod` line and one line in [`commands!`].

use std::io::{self, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::analysis::MAX_TEXT_BYTES;
use crate::policy::{Policy, layers};
use crate::report::outbox::Outbox;
use crate::rules::rules_table;

mod check;
mod feed;
mod outbox;
mod policy;
mod report;
mod status;

pub use check::CheckArgs;
pub use feed::FeedCommand;
pub use outbox::OutboxCommand;
pub use policy::PolicyCommand;
pub use report::ReportArgs;
pub use status::StatusArgs;

/// Second Look: explains, offline, whether the links in a message imitate
/// your company or a well-known brand. It never opens, fetches or resolves
/// the links it checks.
#[derive(Debug, Parser)]
#[command(name = "secondlook", version = crate::VERSION)]
pub struct Cli {
    /// With no command: start in the tray without showing the window (what
    /// start-at-login runs).
    #[arg(long)]
    pub background: bool,
    /// What to do; none opens the Second Look window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// A command's arguments, parsed: run it and give the exit status.
pub trait Run {
    /// Do the command.
    fn run(self) -> ExitCode;
}

/// The subcommands, in the order `--help` lists them: each is a variant
/// (its doc comment is its help line) holding the command's arguments,
/// and runs through their [`Run`].
macro_rules! commands {
    ($( $(#[$meta:meta])* $name:ident($args:ty), )*) => {
        /// Subcommands.
        #[derive(Debug, Subcommand)]
        pub enum Command {
            $( $(#[$meta])* $name($args), )*
        }

        impl Run for Command {
            fn run(self) -> ExitCode {
                match self {
                    $( Command::$name(args) => args.run(), )*
                }
            }
        }
    };
}

commands! {
    /// Check a message (TEXT, or standard input) and explain every link.
    Check(CheckArgs),
    /// Validate policy files, or show the effective policy and where each value comes from.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Report a message to the security team: shows exactly what will be
    /// sent; with --yes, saves it in the outbox and sends it.
    Report(ReportArgs),
    /// Show or send the reports waiting in the outbox.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// The signed indicator feed: make a key, sign, verify, fetch now.
    #[command(subcommand)]
    Feed(FeedCommand),
    /// For compliance scripts: is the app running, the policy's fingerprint
    /// and sources, the feed's last update, the outbox backlog.
    Status(StatusArgs),
}

fn command() -> clap::Command {
    Cli::command().after_help(format!(
        "Rules (id, what it detects, severity):\n{}\nExit status: 0 when the analysis ran, whatever the verdict; 2 on usage or policy errors.",
        rules_table()
    ))
}

/// Parse the process arguments and run; returns the exit status.
pub fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Some(command) => command.run(),
        None => open_app(cli.background),
    }
}

/// No command: the desktop app (feature `gui`).
#[cfg(feature = "gui")]
fn open_app(background: bool) -> ExitCode {
    match crate::app::run(crate::app::Options { background }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// No command and no desktop app in this build: help.
#[cfg(not(feature = "gui"))]
fn open_app(_background: bool) -> ExitCode {
    let _ = command().print_help();
    eprintln!(
        "\nsecondlook: this build has no window (built without the `gui` feature); name a command, e.g. `secondlook check \"text of the message\"`."
    );
    ExitCode::from(2)
}

/// Say what went wrong on standard error; exit status 2.
fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("secondlook: {message}");
    ExitCode::from(2)
}

/// The policy file given (`--policy`), or the effective policy (its
/// problems printed as warnings).
fn load_policy(path: Option<&PathBuf>) -> Result<Policy, crate::PolicyError> {
    match path {
        Some(p) => Policy::from_path(p),
        None => {
            let effective = layers::load(&layers::Locations::from_environment());
            for p in &effective.problems {
                eprintln!("secondlook: warning: {p}");
            }
            Ok(effective.policy)
        }
    }
}

/// The message: the words given, joined with spaces, or standard input
/// (capped): `(bytes, total length)`.
fn read_message(text: &[String]) -> io::Result<(Vec<u8>, usize)> {
    if text.is_empty() {
        read_capped(&mut io::stdin().lock())
    } else {
        let joined = text.join(" ");
        let total = joined.len();
        Ok((joined.into_bytes(), total))
    }
}

/// The outbox in the data directory, or the exit status saying there is none.
fn outbox() -> Result<Outbox, ExitCode> {
    Outbox::from_environment().ok_or_else(|| {
        fail("no data directory is known for the report outbox; set SECONDLOOK_DATA_DIR")
    })
}

/// Read at most [`MAX_TEXT_BYTES`] (plus a few bytes to finish a character)
/// and count the rest without keeping it.
fn read_capped(r: &mut impl Read) -> io::Result<(Vec<u8>, usize)> {
    let mut buf = Vec::new();
    r.by_ref()
        .take(MAX_TEXT_BYTES as u64)
        .read_to_end(&mut buf)?;
    let rest = io::copy(r, &mut io::sink())?;
    let total = buf
        .len()
        .saturating_add(usize::try_from(rest).unwrap_or(usize::MAX));
    Ok((buf, total))
}

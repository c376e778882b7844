//! `secondlook outbox list|send|password`.

use std::io::{self, BufRead};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::{Run, fail, load_policy, outbox};
use crate::report::deliver;
use crate::report::outbox::State;

/// `secondlook outbox …`
#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// List pending and delivered reports, per channel.
    List {
        /// One JSON object per report.
        #[arg(long)]
        json: bool,
    },
    /// Try every pending report now.
    Send {
        /// Keep trying, with backoff, until every report is delivered (at most a day).
        #[arg(long)]
        wait: bool,
    },
    /// Store the SMTP password for the policy's `[report.smtp] username` in
    /// the system keyring (read from standard input, first line), for
    /// machines where the policy's `password_env` variable is not set.
    Password {
        /// Use only this policy file; default: the effective policy.
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
    },
}

impl Run for OutboxCommand {
    fn run(self) -> ExitCode {
        match self {
            OutboxCommand::List { json } => outbox_list(json),
            OutboxCommand::Send { wait } => outbox_send(wait),
            OutboxCommand::Password { policy } => outbox_password(policy.as_ref()),
        }
    }
}

fn outbox_list(json: bool) -> ExitCode {
    let outbox = match outbox() {
        Ok(o) => o,
        Err(code) => return code,
    };
    let (entries, errors) = outbox.list();
    for e in &errors {
        eprintln!("secondlook: {e}");
    }
    for e in &entries {
        if json {
            match serde_json::to_string(e) {
                Ok(s) => println!("{s}"),
                Err(err) => eprintln!("secondlook: {err}"),
            }
            continue;
        }
        let state = if e.saved_only() {
            "saved on this computer, not sent"
        } else if e.delivered() {
            "delivered"
        } else {
            "pending"
        };
        let state = if e.report.urgent {
            format!("URGENT {state}")
        } else {
            state.to_owned()
        };
        println!(
            "{}  {}  {state}  {}",
            crate::local_time::local(&e.report.created),
            e.report.id,
            e.report.subject()
        );
        for c in &e.channels {
            let detail = match (&c.state, &c.last_error) {
                (State::Delivered, _) => {
                    format!(
                        "delivered {}",
                        c.delivered_at
                            .as_deref()
                            .map(crate::local_time::local)
                            .unwrap_or_default()
                    )
                }
                (State::Pending, Some(err)) => {
                    format!("pending after {} attempt(s): {err}", c.attempts)
                }
                (State::Pending, None) => "pending".to_owned(),
                (State::Sending, _) => "being sent (if that sender was stopped, the next one sends it again under the same id)".to_owned(),
            };
            println!("    {}: {detail}", c.target.describe());
        }
    }
    if entries.is_empty() && errors.is_empty() && !json {
        println!("The outbox is empty.");
    }
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

fn outbox_password(policy: Option<&PathBuf>) -> ExitCode {
    let policy = match load_policy(policy) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let Some(server) = &policy.report.smtp else {
        return fail("the policy has no [report.smtp] section: there is no SMTP password to store");
    };
    let Some(user) = &server.username else {
        return fail("[report.smtp] has no username: the server is used without a password");
    };
    let mut line = String::new();
    if let Err(e) = io::stdin().lock().read_line(&mut line) {
        return fail(format!("cannot read the password from standard input: {e}"));
    }
    let password = line.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        return fail("no password on standard input; nothing was stored");
    }
    match deliver::store_smtp_password(server, user, password) {
        Ok(account) => {
            println!("stored the SMTP password for {account} in the system keyring");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn outbox_send(wait: bool) -> ExitCode {
    let outbox = match outbox() {
        Ok(o) => o,
        Err(code) => return code,
    };
    if wait {
        deliver::send_until_delivered(&outbox, std::time::Duration::from_secs(24 * 3600));
        return ExitCode::SUCCESS;
    }
    let pass = deliver::send_due(&outbox, true);
    let stopped = pass.stopped_reason();
    let deliver::Pass {
        attempts,
        errors,
        busy,
        ..
    } = pass;
    if busy {
        println!("Another Second Look process is sending the outbox right now.");
        return ExitCode::SUCCESS;
    }
    for a in &attempts {
        match &a.result {
            Ok(()) => println!("{}: delivered to {}", a.id, a.channel),
            Err(e) => println!("{}: not yet delivered to {}: {e}", a.id, a.channel),
        }
    }
    if attempts.is_empty() {
        println!("Nothing to send.");
    }
    for e in &errors {
        eprintln!("secondlook: {e}");
    }
    if let Some(why) = stopped {
        eprintln!("secondlook: {why}");
    }
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

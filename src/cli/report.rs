//! `secondlook report`: the preview of exactly what is sent; with `--yes`
//! saved in the outbox first, then sent.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{Run, fail, load_policy, outbox, read_message};
use crate::analysis::{analyze_bytes, message_text};
use crate::policy::layers;
use crate::report::outbox as outbox_file;
use crate::report::{Entered, Kind, Report, deliver};

/// `secondlook report`
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Use only this policy file; default: the effective policy.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// A note for the security team ("came from +1 555…, claimed to be IT").
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Report it as just spam (subject `Junk:`) rather than phishing.
    #[arg(long)]
    pub junk: bool,
    /// Send it. Without --yes only the preview is shown and nothing is sent.
    #[arg(long)]
    pub yes: bool,
    /// Prepare it for your own mail program (a mailto: link) instead of sending it.
    #[arg(long)]
    pub mail_client: bool,
    /// Preview: print the exact report (the JSON every channel receives) and send nothing.
    #[arg(long, conflicts_with = "yes")]
    pub json: bool,
    /// What you already did with the message: the report becomes URGENT
    /// (repeat or separate with commas: opened_link, password, code,
    /// approved_push, called_number, installed_app).
    #[arg(long, value_name = "WHAT", value_delimiter = ',')]
    pub entered: Vec<String>,
    /// Your e-mail address, for the security team's questions (Reply-To);
    /// remembered for later reports. Default: the policy's
    /// `report.reporter_email` pattern.
    #[arg(long, value_name = "ADDRESS")]
    pub reporter_email: Option<String>,
    /// The message; default: standard input.
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,
}

impl Run for ReportArgs {
    fn run(self) -> ExitCode {
        report(&self)
    }
}

/// `--entered` words as [`Entered`] values.
fn parse_entered(words: &[String]) -> Result<Vec<Entered>, String> {
    let mut out = Vec::new();
    for w in words {
        let e: Entered = serde_json::from_value(serde_json::Value::String(w.trim().to_owned()))
            .map_err(|_| format!("--entered {w}: say what you already did with one of opened_link, password, code, approved_push, called_number, installed_app"))?;
        if !out.contains(&e) {
            out.push(e);
        }
    }
    Ok(out)
}

/// Remember the address the user confirmed (`--reporter-email`).
fn remember_reporter_email(address: &str) -> Result<(), String> {
    let address = address.trim();
    let valid = address.rsplit_once('@').is_some_and(|(l, d)| {
        !l.is_empty() && d.contains('.') && !address.contains(char::is_whitespace)
    });
    if !valid {
        return Err(format!(
            "--reporter-email {address} is not an e-mail address like ada@example.com"
        ));
    }
    let Some(dir) = layers::Locations::from_environment().data_dir else {
        return Err(
            "no data directory is known to remember the address; set SECONDLOOK_DATA_DIR".into(),
        );
    };
    std::fs::create_dir_all(&dir)
        .and_then(|()| {
            std::fs::write(
                dir.join(crate::report::REPORTER_EMAIL_FILE),
                format!("{address}\n"),
            )
        })
        .map_err(|e| {
            format!(
                "the address could not be remembered in {}: {e}",
                dir.display()
            )
        })
}

fn report(args: &ReportArgs) -> ExitCode {
    let policy = match load_policy(args.policy.as_ref()) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let entered = match parse_entered(&args.entered) {
        Ok(e) => e,
        Err(e) => return fail(e),
    };
    if let Some(address) = &args.reporter_email
        && let Err(e) = remember_reporter_email(address)
    {
        return fail(e);
    }
    let (bytes, total) = match read_message(&args.text) {
        Ok(r) => r,
        Err(e) => return fail(format!("cannot read standard input: {e}")),
    };
    let analysis = analyze_bytes(&bytes, total, &policy);
    let text = message_text(&bytes);
    let kind = if args.junk {
        Kind::Junk
    } else {
        Kind::Phishing
    };
    let mut report = Report::new(&text, args.note.as_deref(), kind, &analysis, &policy);
    if !entered.is_empty() {
        report = report.mark_urgent(entered);
    }
    if args.json {
        return match serde_json::to_string_pretty(&report) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        };
    }
    let targets = if args.mail_client {
        Vec::new()
    } else {
        outbox_file::targets(&policy)
    };
    println!(
        "This is exactly what will be sent (subject: {}):\n",
        report.subject()
    );
    println!("{}", report.readable());
    match (&targets[..], &policy.report.email) {
        ([], Some(to)) => println!("It will be prepared for your mail program, addressed to {to}."),
        ([], None) => println!(
            "Your organisation has not said where reports go: it will be saved on this computer, not sent, for you to forward."
        ),
        (t, _) => {
            let names: Vec<String> = t.iter().map(|t| t.describe()).collect();
            println!("It will go to: {}.", names.join("; "));
        }
    }
    if !args.yes {
        let verb = if targets.is_empty() && policy.report.email.is_none() {
            "save"
        } else {
            "send"
        };
        println!("\nNothing was sent. To {verb} it, run the same command with --yes.");
        return ExitCode::SUCCESS;
    }
    let outbox = match outbox() {
        Ok(o) => o,
        Err(code) => return code,
    };
    let no_channel = targets.is_empty();
    let entry = match outbox.enqueue(report, targets) {
        Ok(e) => e,
        Err(e) => return fail(format!("the report was NOT saved: {e}")),
    };
    crate::events::report(&entry.report, &policy, "cli");
    let id = entry.report.id.clone();
    println!("\nSaved as report {id} in {}.", outbox.dir().display());
    if no_channel {
        match &policy.report.email {
            Some(to) => println!(
                "Open this link to send it from your mail program:\n{}",
                deliver::mailto(&entry.report, to)
            ),
            None => {
                println!(
                    "Saved on this computer — not sent. Forward the file above to your security team."
                );
                if let Some(c) = &policy.organization.help_contact {
                    println!("Your security team: {c}.");
                }
            }
        }
        return ExitCode::SUCCESS;
    }
    // Sent under the same lock as every other sender, from its state on disk.
    let pass = deliver::send_now(&outbox, &id);
    for a in &pass.attempts {
        match &a.result {
            Ok(()) => println!("Delivered: {}.", a.channel),
            Err(e) => println!("Not yet delivered: {}: {e}", a.channel),
        }
    }
    for e in &pass.errors {
        eprintln!("secondlook: {e}");
    }
    if let Some(why) = pass.stopped_reason() {
        println!("\nThe report is saved. {why}");
    }
    let delivered = outbox.load(&id).is_ok_and(|e| e.delivered());
    if delivered {
        println!("\n{}", entry.report.thank_you(&policy));
        return ExitCode::SUCCESS;
    }
    if pass.busy {
        println!(
            "\nThe report is saved; another Second Look process is sending the outbox and delivers it."
        );
    }
    // One background sender per user: this one exits at once if another runs.
    let background = std::env::current_exe().and_then(|exe| {
        std::process::Command::new(exe)
            .args(["outbox", "send", "--wait"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
    });
    match background {
        Ok(_) => println!(
            "\nThe report is kept. Second Look keeps trying in the background until it is delivered; `secondlook outbox list` shows where it stands."
        ),
        Err(_) => println!("\nThe report is kept: `secondlook outbox send` tries again."),
    }
    ExitCode::SUCCESS
}

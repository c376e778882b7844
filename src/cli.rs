//! The command line: `secondlook check [--policy FILE] [--json] [--lines] [TEXT…]`.
//!
//! A contract for scripts and IT: exit status 0 when the analysis ran
//! (whatever the verdict), 2 on usage or policy errors, with a message that
//! says what to fix.

use std::io::{self, BufRead, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::analysis::{Analysis, MAX_TEXT_BYTES, Verdict, analyze_bytes, message_text};
use crate::json::AnalysisJson;
use crate::policy::{Policy, layers};
use crate::report::outbox::{self, Outbox, State};
use crate::report::{Entered, Kind, Report, deliver};
use crate::rules::rules_table;

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

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
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
    Feed(crate::feed::command::FeedCommand),
    /// For compliance scripts: is the app running, the policy's fingerprint
    /// and sources, the feed's last update, the outbox backlog.
    Status {
        /// One JSON object (fields: docs/deploying.md, "Fleet checks").
        #[arg(long)]
        json: bool,
    },
}

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

/// `secondlook policy …`
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Validate policy files as IT would before deploying them: every
    /// problem with file, line and column. Exit 0 when all are valid, 2 otherwise.
    Check {
        /// The files.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Check FILE and install it as this computer's managed policy
    /// (/etc/secondlook/policy.toml, %ProgramData%\SecondLook\policy.toml,
    /// /Library/Application Support/SecondLook/policy.toml), replacing it
    /// atomically. Nothing is written when FILE has a problem. Needs
    /// administrator rights; what the Windows installer's POLICYFILE= runs.
    Install {
        /// The policy file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Print the effective policy (built-in < user < managed) with each value's source.
    Show {
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// `secondlook check`
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Use only this policy file (for trials); default: the effective policy
    /// (built-in < user < managed, see `secondlook policy show`).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Print one JSON object (with --lines: one per line, JSON Lines).
    #[arg(long)]
    pub json: bool,
    /// Read standard input and treat each line as a separate message.
    #[arg(long, conflicts_with = "text")]
    pub lines: bool,
    /// The message; several words are joined with spaces. Default: standard input.
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,
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
        Some(Command::Check(args)) => check(&args),
        Some(Command::Policy(PolicyCommand::Check { files })) => policy_check(&files),
        Some(Command::Policy(PolicyCommand::Show { json })) => policy_show(json),
        Some(Command::Policy(PolicyCommand::Install { file })) => policy_install(&file),
        Some(Command::Report(args)) => report(&args),
        Some(Command::Outbox(OutboxCommand::List { json })) => outbox_list(json),
        Some(Command::Outbox(OutboxCommand::Send { wait })) => outbox_send(wait),
        Some(Command::Outbox(OutboxCommand::Password { policy })) => {
            outbox_password(policy.as_ref())
        }
        Some(Command::Feed(c)) => crate::feed::command::run(&c),
        Some(Command::Status { json }) => crate::status::run(json),
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

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("secondlook: {message}");
    ExitCode::from(2)
}

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

fn read_message(text: &[String]) -> io::Result<(Vec<u8>, usize)> {
    if text.is_empty() {
        read_capped(&mut io::stdin().lock())
    } else {
        let joined = text.join(" ");
        let total = joined.len();
        Ok((joined.into_bytes(), total))
    }
}

fn outbox() -> Result<Outbox, ExitCode> {
    Outbox::from_environment().ok_or_else(|| {
        fail("no data directory is known for the report outbox; set SECONDLOOK_DATA_DIR")
    })
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
        outbox::targets(&policy)
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

fn policy_check(files: &[PathBuf]) -> ExitCode {
    let problems = layers::check_files(files);
    if problems.is_empty() {
        for f in files {
            // Accepted but limited (an owned domain that is a public suffix).
            if let Ok(text) = std::fs::read_to_string(f) {
                let (_, warnings) =
                    crate::policy::validate::check_with_warnings(&text, &f.display().to_string());
                for w in &warnings {
                    println!("{w}");
                }
            }
            println!("{}: valid", f.display());
        }
        return ExitCode::SUCCESS;
    }
    for p in &problems {
        eprintln!("{p}");
    }
    eprintln!(
        "secondlook: {} problem{} found; nothing was deployed",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    ExitCode::from(2)
}

fn policy_install(file: &std::path::Path) -> ExitCode {
    let problems = layers::check_files(&[file.to_owned()]);
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        return fail("the policy was NOT installed: fix the problems above and run this again");
    }
    let target = layers::managed_policy_file();
    match layers::install_managed(file, &target) {
        Ok(()) => {
            println!("installed {} as {}", file.display(), target.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!(
            "the policy was NOT installed in {}: {e} (administrator rights are needed)",
            target.display()
        )),
    }
}

fn policy_show(json: bool) -> ExitCode {
    let effective = layers::load(&layers::Locations::from_environment());
    for p in &effective.problems {
        eprintln!("secondlook: warning: {p}");
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = if json {
        let settings: Vec<serde_json::Value> = effective
            .settings
            .iter()
            .map(|s| {
                serde_json::json!({
                    "key": s.key,
                    "value": s.value,
                    "source": s.source.to_string(),
                    "locked": s.locked(),
                })
            })
            .collect();
        let layers: Vec<String> = effective.layers.iter().map(ToString::to_string).collect();
        let v = serde_json::json!({
            "layers": layers,
            "settings": settings,
            "problems": effective.problems,
        });
        writeln!(out, "{v}")
    } else {
        let layers: Vec<String> = effective.layers.iter().map(ToString::to_string).collect();
        let mut r = writeln!(out, "Effective policy: {}", layers.join(" < "));
        for p in &effective.problems {
            if r.is_err() {
                break;
            }
            r = writeln!(out, "PROBLEM: {}", p.replace('\n', "\n    "));
        }
        for s in &effective.settings {
            if r.is_err() {
                break;
            }
            let lock = if s.locked() {
                ", set by your organisation"
            } else {
                ""
            };
            r = writeln!(out, "{} = {}    # {}{lock}", s.key, s.value, s.source);
        }
        r
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(format!("cannot write output: {e}")),
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let policy = match load_policy(args.policy.as_ref()) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = if args.lines {
        check_lines(&policy, args.json, &mut out)
    } else {
        let (bytes, total) = match read_message(&args.text) {
            Ok(r) => r,
            Err(e) => return fail(format!("cannot read standard input: {e}")),
        };
        let analysis = analyze_bytes(&bytes, total, &policy);
        if args.json {
            write_json(&mut out, &analysis)
        } else {
            write_text(&mut out, &analysis)
        }
    };
    match result.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(format!("cannot write output: {e}")),
    }
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

fn check_lines(policy: &Policy, json: bool, out: &mut impl Write) -> io::Result<()> {
    let stdin = io::stdin();
    let mut reader = stdin.lock();
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        let limit = MAX_TEXT_BYTES as u64 + 1;
        let n = (&mut reader).take(limit).read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        number += 1;
        let mut total = line.len();
        if !line.ends_with(b"\n") && n as u64 == limit {
            // An over-long line: skip the rest of it, counting.
            loop {
                let buf = reader.fill_buf()?;
                if buf.is_empty() {
                    break;
                }
                match buf.iter().position(|b| *b == b'\n') {
                    Some(i) => {
                        total += i + 1;
                        reader.consume(i + 1);
                        break;
                    }
                    None => {
                        let len = buf.len();
                        total += len;
                        reader.consume(len);
                    }
                }
            }
        }
        while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            line.pop();
        }
        let analysis = analyze_bytes(&line, total.saturating_sub(1).max(line.len()), policy);
        if json {
            write_json(out, &analysis)?;
        } else {
            let hosts: Vec<&str> = analysis
                .links
                .iter()
                .filter_map(|l| l.link.host.as_ref().map(|h| h.display()))
                .collect();
            writeln!(out, "{number}\t{}\t{}", analysis.verdict, hosts.join(" "))?;
        }
    }
    Ok(())
}

fn write_json(out: &mut impl Write, analysis: &Analysis) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &AnalysisJson::new(analysis))?;
    writeln!(out)
}

fn write_text(out: &mut impl Write, analysis: &Analysis) -> io::Result<()> {
    writeln!(out, "{}", analysis.verdict.as_str().to_uppercase())?;
    let explanation = analysis.explanation();
    let mut parts = explanation.lines();
    if let Some(headline) = parts.next() {
        writeln!(out, "{headline}")?;
    }
    for (i, l) in analysis.links.iter().enumerate() {
        writeln!(out)?;
        writeln!(out, "{}. {}", i + 1, l.link.text)?;
        let brand = l
            .brand
            .as_ref()
            .map(|b| {
                if l.verdict == Verdict::Safe {
                    format!(" · owned by {b}")
                } else {
                    format!(" · imitates {b}")
                }
            })
            .unwrap_or_default();
        let host = l
            .link
            .host
            .as_ref()
            .map(|h| format!(" · {}", h.display()))
            .unwrap_or_default();
        writeln!(out, "   {}{host}{brand}", l.verdict)?;
        writeln!(out, "   {}", l.explanation())?;
        let rules: Vec<&str> = l.findings.iter().map(|f| f.rule).collect();
        if !rules.is_empty() {
            writeln!(out, "   rules: {}", rules.join(", "))?;
        }
    }
    if !analysis.message_findings.is_empty() {
        writeln!(out)?;
        for f in &analysis.message_findings {
            writeln!(out, "{} ({}): {}", f.rule, f.severity, f.explanation())?;
        }
    }
    if !analysis.never_ask.is_empty() {
        writeln!(out)?;
        for s in &analysis.never_ask {
            writeln!(out, "{s}")?;
        }
        if let Some(help) = analysis.organization.help_contact() {
            writeln!(out, "Questions or want to report it? {help}")?;
        }
    }
    for n in &analysis.notes {
        writeln!(out, "Note: {n}")?;
    }
    writeln!(out, "(policy: {})", analysis.organization.source())?;
    Ok(())
}

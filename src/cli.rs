//! The command line: `secondlook check [--policy FILE] [--json] [--lines] [TEXT…]`.
//!
//! A contract for scripts and IT: exit status 0 when the analysis ran
//! (whatever the verdict), 2 on usage or policy errors, with a message that
//! says what to fix.

use std::io::{self, BufRead, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::analysis::{Analysis, MAX_TEXT_BYTES, Verdict, analyze_bytes};
use crate::json::AnalysisJson;
use crate::policy::{Policy, layers};
use crate::rules::rules_table;

/// Second Look: explains, offline, whether the links in a message imitate
/// your company or a well-known brand. It never opens, fetches or resolves
/// the links it checks.
#[derive(Debug, Parser)]
#[command(name = "secondlook", version = crate::VERSION)]
pub struct Cli {
    /// What to do.
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
        None => {
            let _ = command().print_help();
            eprintln!(
                "\nsecondlook: name a command, e.g. `secondlook check \"text of the message\"`."
            );
            ExitCode::from(2)
        }
    }
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

fn policy_check(files: &[PathBuf]) -> ExitCode {
    let problems = layers::check_files(files);
    if problems.is_empty() {
        for f in files {
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
        let (bytes, total) = if args.text.is_empty() {
            match read_capped(&mut io::stdin().lock()) {
                Ok(r) => r,
                Err(e) => return fail(format!("cannot read standard input: {e}")),
            }
        } else {
            let joined = args.text.join(" ");
            let total = joined.len();
            (joined.into_bytes(), total)
        };
        let analysis = analyze_bytes(&bytes, total, &policy);
        if args.json {
            write_json(&mut out, &analysis, &policy)
        } else {
            write_text(&mut out, &analysis, &policy)
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
            write_json(out, &analysis, policy)?;
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

fn write_json(out: &mut impl Write, analysis: &Analysis, policy: &Policy) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &AnalysisJson::new(analysis, policy))?;
    writeln!(out)
}

fn write_text(out: &mut impl Write, analysis: &Analysis, policy: &Policy) -> io::Result<()> {
    writeln!(out, "{}", analysis.verdict.as_str().to_uppercase())?;
    let mut parts = analysis.explanation.lines();
    if let Some(headline) = parts.next() {
        writeln!(out, "{headline}")?;
    }
    for (i, l) in analysis.links.iter().enumerate() {
        writeln!(out)?;
        writeln!(out, "{}. {}", i + 1, l.link.text)?;
        let brand = l
            .brand
            .and_then(|b| policy.brands.get(b))
            .map(|b| {
                if l.verdict == Verdict::Safe {
                    format!(" · owned by {}", b.name)
                } else {
                    format!(" · imitates {}", b.name)
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
        writeln!(out, "   {}", l.explanation)?;
        let rules: Vec<&str> = l.findings.iter().map(|f| f.rule).collect();
        if !rules.is_empty() {
            writeln!(out, "   rules: {}", rules.join(", "))?;
        }
    }
    if !analysis.message_findings.is_empty() {
        writeln!(out)?;
        for f in &analysis.message_findings {
            writeln!(out, "{} ({}): {}", f.rule, f.severity, f.explanation)?;
        }
    }
    if !analysis.never_ask.is_empty() {
        writeln!(out)?;
        for s in &analysis.never_ask {
            writeln!(out, "{s}")?;
        }
        if let Some(help) = &policy.organization.help_contact {
            writeln!(out, "Questions or want to report it? {help}")?;
        }
    }
    for n in &analysis.notes {
        writeln!(out, "Note: {n}")?;
    }
    writeln!(out, "(policy: {})", policy.source)?;
    Ok(())
}

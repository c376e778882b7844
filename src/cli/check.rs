//! `secondlook check`: one message (text, JSON) or one per line (`--lines`).

use std::io::{self, BufRead, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use super::{Run, fail, load_policy, read_message};
use crate::analysis::{Analysis, MAX_TEXT_BYTES, Verdict, analyze_bytes};
use crate::json::AnalysisJson;
use crate::policy::Policy;

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

impl Run for CheckArgs {
    fn run(self) -> ExitCode {
        check(&self)
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

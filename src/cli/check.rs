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
    /// With --lines: analyse on N threads (default: one per core); the
    /// output is in input order whatever N.
    #[arg(long, value_name = "N", requires = "lines", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub jobs: Option<u16>,
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
        let jobs = args.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            usize::from,
        );
        if jobs <= 1 {
            check_lines(&policy, args.json, &mut out)
        } else {
            check_lines_parallel(policy, args.json, jobs, &mut out)
        }
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

/// `--lines` on this thread: read a line, analyse it, write its result.
fn check_lines(policy: &Policy, json: bool, out: &mut impl Write) -> io::Result<()> {
    let stdin = io::stdin();
    let mut reader = stdin.lock();
    let mut line = Vec::new();
    let mut number = 0usize;
    while let Some(total) = read_line(&mut reader, &mut line)? {
        number += 1;
        write_line(policy, json, number, &line, total, out)?;
    }
    Ok(())
}

/// Read the next line of `reader` into `line` (without its line break;
/// at most [`MAX_TEXT_BYTES`] kept, the rest of an over-long line skipped):
/// its whole length, or `None` at the end of the input.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<Option<usize>> {
    line.clear();
    let limit = MAX_TEXT_BYTES as u64 + 1;
    let n = (&mut *reader).take(limit).read_until(b'\n', line)?;
    if n == 0 {
        return Ok(None);
    }
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
    Ok(Some(total.saturating_sub(1).max(line.len())))
}

/// Analyse line `number` and write its result: a JSON object, or the
/// number, the verdict and the hosts.
fn write_line(
    policy: &Policy,
    json: bool,
    number: usize,
    line: &[u8],
    total: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    let analysis = analyze_bytes(line, total, policy);
    if json {
        write_json(out, &analysis)
    } else {
        write!(out, "{number}\t{}\t", analysis.verdict)?;
        let hosts = analysis
            .links
            .iter()
            .filter_map(|l| l.link.host.as_ref().map(|h| h.display()));
        for (i, h) in hosts.enumerate() {
            if i > 0 {
                out.write_all(b" ")?;
            }
            out.write_all(h.as_bytes())?;
        }
        out.write_all(b"\n")
    }
}

/// Lines read ahead and handed to one job at a time.
struct Chunk {
    /// Its place in the input (0, 1, 2…): results are written in this order.
    seq: usize,
    /// The number of its first line.
    first: usize,
    /// The lines' bytes, one after another.
    bytes: Vec<u8>,
    /// Each line's end in `bytes` and its whole length.
    lines: Vec<(usize, usize)>,
    /// Reading stopped after these lines with this error.
    error: Option<io::Error>,
}

/// A chunk closes at this many lines or bytes (or when the input has no
/// more bytes ready, so a slow feed is answered line by line).
const CHUNK_LINES: usize = 1024;
const CHUNK_BYTES: usize = 256 << 10;

/// `--lines --jobs N`: one thread reads standard input into chunks, `jobs`
/// threads analyse them, this thread writes each chunk's results in input
/// order. At most `2 × jobs + 2` chunks are read ahead and not yet written
/// (each at most [`CHUNK_BYTES`] plus one line of [`MAX_TEXT_BYTES`]), so
/// memory stays bounded however large the input. A read error is reported
/// after the lines before it are written, as with one job; a write error
/// (a closed pipe) ends the command at once, without waiting for input.
fn check_lines_parallel(
    policy: Policy,
    json: bool,
    jobs: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex, mpsc};

    let policy = Arc::new(policy);
    let in_flight = 2 * jobs + 2;
    // Tokens: the reader takes one per chunk, the writer gives it back once
    // the chunk is written.
    let (token_tx, token_rx) = mpsc::sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = token_tx.send(());
    }
    let (work_tx, work_rx) = mpsc::sync_channel::<Chunk>(in_flight);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::channel::<(usize, Vec<u8>, Option<io::Error>)>();

    // Threads are not joined: when the output closes, the command ends
    // even while the reader waits for input that may never come.
    std::thread::spawn(move || {
        let mut reader = io::BufReader::with_capacity(1 << 16, io::stdin());
        let mut line = Vec::new();
        let mut number = 0usize;
        for seq in 0.. {
            if token_rx.recv().is_err() {
                return;
            }
            let mut chunk = Chunk {
                seq,
                first: number + 1,
                bytes: Vec::new(),
                lines: Vec::new(),
                error: None,
            };
            let mut end = false;
            loop {
                match read_line(&mut reader, &mut line) {
                    Ok(Some(total)) => {
                        number += 1;
                        chunk.bytes.extend_from_slice(&line);
                        chunk.lines.push((chunk.bytes.len(), total));
                    }
                    Ok(None) => end = true,
                    Err(e) => {
                        chunk.error = Some(e);
                        end = true;
                    }
                }
                if end
                    || chunk.lines.len() >= CHUNK_LINES
                    || chunk.bytes.len() >= CHUNK_BYTES
                    || reader.buffer().is_empty()
                {
                    break;
                }
            }
            let empty = chunk.lines.is_empty() && chunk.error.is_none();
            if !empty && work_tx.send(chunk).is_err() {
                return;
            }
            if end {
                return;
            }
        }
    });

    for _ in 0..jobs {
        let work_rx = Arc::clone(&work_rx);
        let done_tx = done_tx.clone();
        let policy = Arc::clone(&policy);
        std::thread::spawn(move || {
            loop {
                let next = match work_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok(chunk) = next else { return };
                let mut buf = Vec::with_capacity(chunk.lines.len() * 400);
                // A panic in the analysis (a bug: it is fuzzed never to) must
                // not leave the writer waiting for this chunk forever: it
                // ends the command with an error at this chunk, as one job
                // would stop there.
                let worked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let mut start = 0;
                    for (i, (end, total)) in chunk.lines.iter().enumerate() {
                        let line = chunk.bytes.get(start..*end).unwrap_or_default();
                        start = *end;
                        write_line(&policy, json, chunk.first + i, line, *total, &mut buf)?;
                    }
                    Ok(())
                }));
                let failed = match worked {
                    Ok(Ok(())) => None,
                    Ok(Err(e)) => Some(e),
                    Err(_) => Some(io::Error::other(format!(
                        "the analysis failed unexpectedly in lines {}-{} (a bug: please report it); nothing from there on was checked",
                        chunk.first,
                        chunk.first + chunk.lines.len().saturating_sub(1)
                    ))),
                };
                let error = failed.or(chunk.error);
                if done_tx.send((chunk.seq, buf, error)).is_err() {
                    return;
                }
            }
        });
    }
    drop(done_tx);

    let mut waiting: BTreeMap<usize, (Vec<u8>, Option<io::Error>)> = BTreeMap::new();
    let mut next = 0usize;
    for (seq, buf, error) in done_rx {
        waiting.insert(seq, (buf, error));
        while let Some((buf, error)) = waiting.remove(&next) {
            out.write_all(&buf)?;
            if let Some(e) = error {
                return Err(e);
            }
            next += 1;
            let _ = token_tx.send(());
        }
    }
    Ok(())
}

/// The analysis as one JSON line (the hand-written writer: the same bytes
/// as serde_json's, `tests/it/bulk.rs`), written with one call.
fn write_json(out: &mut impl Write, analysis: &Analysis) -> io::Result<()> {
    let mut line = Vec::with_capacity(1024);
    AnalysisJson::new(analysis).write_to(&mut line);
    line.push(b'\n');
    out.write_all(&line)
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
                } else if l.on_brand_site() {
                    format!(" · through {} site", crate::rules::possessive(b.name()))
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

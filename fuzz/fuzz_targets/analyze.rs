//! Whole-message analysis under a company policy: spans, safe only when
//! owned, owned hosts always safe, deterministic (secondlook::invariants);
//! and an owned domain planted in the fuzzed text is safe.
//!
//! Long inputs from short ones (issue #17 §2): a unit that starts with the
//! byte 0x01 is a program, `0x01, n, prefix (n bytes), unit`, for the text
//! `prefix` + `unit` repeated up to 1 MiB (the analysis cap): one host of
//! many labels, a name glued to itself, invisible characters and symbols
//! mixed into labels. libFuzzer mutates the few bytes of the program, so
//! it explores the shapes of 1 MiB inputs that growing one byte at a time
//! would never reach. Expand one by hand with
//! `python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); n=d[1]; u=d[2+n:]; sys.stdout.buffer.write(d[2:2+n]+u*((1048576-n)//max(len(u),1)))' UNIT`.
//!
//! Each unit's analysis time (CPU time of this thread, all checks
//! included) is tracked: a new slowest unit per byte is printed with its
//! size, so a run's log names the worst case it found.
#![no_main]

use std::borrow::Cow;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use libfuzzer_sys::fuzz_target;
use secondlook::{Policy, Verdict, invariants};

const POLICY: &str = include_str!("../../tests/data/twilio.toml");

/// The size a program's text is grown to: the analysis cap.
const LONG: usize = 1 << 20;

fn policy() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| Policy::from_toml(POLICY, "twilio.toml").expect("the test policy is valid"))
}

/// The text a unit stands for: itself, or a program's long text.
fn expand(data: &[u8]) -> Cow<'_, [u8]> {
    let [1, n, rest @ ..] = data else {
        return Cow::Borrowed(data);
    };
    let n = usize::from(*n).min(rest.len());
    let (prefix, unit) = rest.split_at(n);
    if unit.is_empty() {
        return Cow::Borrowed(data);
    }
    let mut out = Vec::with_capacity(LONG);
    out.extend_from_slice(prefix);
    while out.len() + unit.len() <= LONG {
        out.extend_from_slice(unit);
    }
    Cow::Owned(out)
}

/// Nanoseconds this thread has run on a CPU (Linux).
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// The slowest unit so far, in picoseconds per byte.
static WORST: AtomicU64 = AtomicU64::new(0);

fuzz_target!(|data: &[u8]| {
    let expanded = expand(data);
    let data: &[u8] = &expanded;
    let text = String::from_utf8_lossy(data);
    let start = cpu_ns();
    if let Err(e) = invariants::all(&text, policy()) {
        panic!("{e}\ninput: {text:?}");
    }
    if let (Some(a), Some(b)) = (start, cpu_ns()) {
        let ns = b.saturating_sub(a);
        let per_byte = ns.saturating_mul(1000) / (text.len().max(1) as u64);
        // Only inputs long enough for the figure to mean something.
        if text.len() >= 4096 && per_byte > WORST.fetch_max(per_byte, Ordering::Relaxed) {
            eprintln!(
                "slowest so far: {:.1} ms CPU for {} bytes ({:.1} ns/byte; invariants::all, three analyses)",
                ns as f64 / 1e6,
                text.len(),
                per_byte as f64 / 1000.0
            );
        }
    }
    // An owned domain on its own line, whatever surrounds it, is safe;
    // except inside an HTML anchor the text opens and leaves open
    // (`<a href="https://evil…"` … `</a>`, found by this target): there the
    // line is the anchor's text and a click goes to its `href`, so it is
    // judged as that (`display-mismatch`).
    if text.to_ascii_lowercase().contains("<a") {
        return;
    }
    let owned =
        ["twilio.com", "sendgrid.com", "authy.com"][data.first().map_or(0, |b| *b as usize % 3)];
    let path: String = data
        .iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .take(16)
        .map(|b| *b as char)
        .collect();
    let planted = format!("{text}\nhttps://{owned}/{path}\n{text}");
    let a = secondlook::analyze(&planted, policy());
    let found = a
        .links
        .iter()
        .find(|l| l.link.text == format!("https://{owned}/{path}"));
    if let Some(l) = found {
        assert_eq!(
            l.verdict,
            Verdict::Safe,
            "https://{owned}/{path} in {planted:?}"
        );
    }
});

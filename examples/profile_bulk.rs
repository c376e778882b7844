//! Profiling driver for the bulk path (see docs/benchmarks.md).
//!
//! ```sh
//! profile_bulk 150000                 # analysis only, synthetic domains
//! profile_bulk /tmp/alexa.txt [POLICY] # analysis and the JSON line, one per line of the file
//! ```
//!
//! The second form is what `check --lines --json` does per line, without
//! the process's reading and writing; under `valgrind --tool=callgrind` its
//! instruction count is a repeatable figure on a loaded machine.
#[path = "../benches/inputs.rs"]
#[allow(dead_code)]
mod inputs;
/// The same allocator as the shipped binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_else(|| "20000".into());
    if let Ok(n) = arg.parse::<usize>() {
        let p = secondlook::Policy::from_toml(include_str!("../tests/data/twilio.toml"), "t")
            .unwrap_or_else(|e| panic!("{e}"));
        let mut flagged = 0;
        for d in inputs::domains(n) {
            if secondlook::analyze(&d, &p).verdict >= secondlook::Verdict::Suspicious {
                flagged += 1;
            }
        }
        println!("{flagged}");
        return;
    }
    let policy_text = match std::env::args().nth(2) {
        Some(path) => std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}")),
        None => include_str!("../packaging/policies/twilio-like.toml").to_owned(),
    };
    let p = secondlook::Policy::from_toml(&policy_text, "p").unwrap_or_else(|e| panic!("{e}"));
    let lines = std::fs::read_to_string(&arg).unwrap_or_else(|e| panic!("{arg}: {e}"));
    let mut out = Vec::with_capacity(64 << 20);
    let mut n = 0usize;
    for line in lines.lines() {
        let a = secondlook::analyze(line, &p);
        secondlook::json::AnalysisJson::new(&a).write_to(&mut out);
        out.push(b'\n');
        n += 1;
    }
    println!("{n} lines, {} bytes of JSON", out.len());
}

//! Profiling driver: the bulk path over synthetic domains (see docs/benchmarks.md).
#[path = "../benches/inputs.rs"]
#[allow(dead_code)]
mod inputs;
/// The same allocator as the shipped binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let p = secondlook::Policy::from_toml(include_str!("../tests/data/twilio.toml"), "t")
        .unwrap_or_else(|e| panic!("{e}"));
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let mut flagged = 0;
    for d in inputs::domains(n) {
        if secondlook::analyze(&d, &p).verdict >= secondlook::Verdict::Suspicious {
            flagged += 1;
        }
    }
    println!("{flagged}");
}

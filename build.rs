//! Records the build commit for `secondlook --version`.
use std::process::Command;

fn main() {
    let commit = std::env::var("SECONDLOOK_COMMIT").ok().or_else(|| {
        Command::new("git")
            .args(["rev-parse", "--short=12", "HEAD"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_owned())
    });
    println!(
        "cargo:rustc-env=SECONDLOOK_COMMIT={}",
        commit.unwrap_or_else(|| "unknown commit".to_owned())
    );
    println!("cargo:rerun-if-env-changed=SECONDLOOK_COMMIT");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
}

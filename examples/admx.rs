//! Writes the Group Policy templates from the policy schema
//! (`KEYS` in src/engine/policy/schema.rs):
//! `packaging/windows/SecondLook.admx` and
//! `packaging/windows/en-US/SecondLook.adml`. Run after adding a policy
//! key: `cargo run -q --example admx` (a test fails until the files match).

fn main() -> std::io::Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/windows");
    std::fs::create_dir_all(dir.join("en-US"))?;
    std::fs::write(
        dir.join("SecondLook.admx"),
        secondlook::config::admx::admx(),
    )?;
    std::fs::write(
        dir.join("en-US/SecondLook.adml"),
        secondlook::config::admx::adml(),
    )?;
    println!(
        "wrote {} policies to packaging/windows/SecondLook.admx and en-US/SecondLook.adml",
        secondlook::config::admx::entries().len()
    );
    Ok(())
}

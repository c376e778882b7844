//! `secondlook policy check|install|show`.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::{Run, fail};
use crate::policy::layers;

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

impl Run for PolicyCommand {
    fn run(self) -> ExitCode {
        match self {
            PolicyCommand::Check { files } => policy_check(&files),
            PolicyCommand::Show { json } => policy_show(json),
            PolicyCommand::Install { file } => policy_install(&file),
        }
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
            let lock = s
                .source
                .locked_label()
                .map(|l| format!(", {}", l.replacen("Set", "set", 1)))
                .unwrap_or_default();
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

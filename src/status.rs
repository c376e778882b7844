//! `secondlook status [--json]`: what an MDM compliance script checks on a
//! laptop. Opens nothing on the network and changes nothing. The JSON
//! fields are a contract (docs/deploying.md, "Fleet checks"):
//!
//! ```json
//! {"schema": "secondlook.status/1", "version": "0.1.0",
//!  "watcher": {"running": true, "instance_dir": "/run/user/1000/secondlook"},
//!  "policy": {"fingerprint": "sha256:…", "sources": ["built-in default", "managed: /etc/secondlook/policy.toml", "feed: https://…"], "problems": []},
//!  "feed": {"url": "https://…", "interval_minutes": 15, "sequence": 1764640000, "received": "…", "last_attempt": "…", "last_success": "…", "last_error": null, "last_error_at": null},
//!  "outbox": {"pending": 0, "oldest_pending": null, "unreadable": 0}}
//! ```

use std::process::ExitCode;

use serde_json::{Value, json};

use crate::feed::{Store, unix_time};
use crate::policy::layers::{self, Locations};

/// Whether the app (the clipboard watcher) runs for this user: the
/// single-instance lock is held. Taking it for a moment to look is a
/// shared lock, released at once.
pub fn watcher_running(dir: &std::path::Path) -> bool {
    let Ok(file) = std::fs::OpenOptions::new()
        .read(true)
        .open(dir.join(crate::desktop::instance::LOCK))
    else {
        return false;
    };
    matches!(
        file.try_lock_shared(),
        Err(std::fs::TryLockError::WouldBlock)
    )
}

fn time(secs: Option<u64>) -> Value {
    secs.map_or(Value::Null, |s| {
        Value::String(crate::report::rfc3339(unix_time(s)))
    })
}

/// The status as JSON (the contract above).
pub fn status() -> Value {
    let locations = Locations::from_environment();
    let eff = layers::load(&locations);
    let instance_dir = crate::desktop::instance::dir();
    let running = instance_dir.as_deref().is_some_and(watcher_running);
    let feed = eff.feed.as_ref().map(|config| {
        let (state, in_force) = match &locations.data_dir {
            Some(d) => {
                let store = Store::new(d);
                (
                    store.state(),
                    store.in_force(&config.public_key).ok().flatten(),
                )
            }
            None => (crate::feed::State::default(), None),
        };
        json!({
            "url": config.url,
            "interval_minutes": config.interval_minutes,
            "sequence": in_force.as_ref().map(|f| f.verified.sequence),
            "received": time(in_force.as_ref().map(|f| f.accepted)),
            "last_attempt": time(state.last_attempt),
            "last_success": time(state.last_success),
            "last_error": state.last_error,
            "last_error_at": time(state.last_error_at),
        })
    });
    let (pending, oldest, unreadable) = match crate::report::outbox::Outbox::from_environment() {
        Some(outbox) => {
            let (entries, errors) = outbox.list();
            let waiting: Vec<&str> = entries
                .iter()
                .filter(|e| !e.delivered())
                .map(|e| e.report.created.as_str())
                .collect();
            let oldest = waiting.iter().min().map(|s| (*s).to_owned());
            (waiting.len(), oldest, errors.len())
        }
        None => (0, None, 0),
    };
    json!({
        "schema": "secondlook.status/1",
        "version": crate::VERSION,
        "watcher": {
            "running": running,
            "instance_dir": instance_dir.map(|d| d.display().to_string()),
        },
        "policy": {
            "fingerprint": crate::report::policy_fingerprint(&eff.policy),
            "sources": eff.layers.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "problems": eff.problems,
        },
        "feed": feed,
        "outbox": {
            "pending": pending,
            "oldest_pending": oldest,
            "unreadable": unreadable,
        },
    })
}

/// `secondlook status`: always exit 0 (it reports; the script decides).
pub fn run(json_out: bool) -> ExitCode {
    let s = status();
    if json_out {
        println!("{s}");
        return ExitCode::SUCCESS;
    }
    let yes = |v: &Value| {
        if v.as_bool() == Some(true) {
            "yes"
        } else {
            "no"
        }
    };
    println!(
        "Watching the clipboard (app running): {}",
        yes(&s["watcher"]["running"])
    );
    println!(
        "Policy fingerprint: {}",
        s["policy"]["fingerprint"].as_str().unwrap_or("")
    );
    for src in s["policy"]["sources"].as_array().into_iter().flatten() {
        println!("  layer: {}", src.as_str().unwrap_or(""));
    }
    for p in s["policy"]["problems"].as_array().into_iter().flatten() {
        println!("PROBLEM: {}", p.as_str().unwrap_or(""));
    }
    match s["feed"].as_object() {
        None => println!("Indicator feed: none configured"),
        Some(f) => {
            let get = |k: &str| {
                f.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or("never")
                    .to_owned()
            };
            println!("Indicator feed: {}", get("url"));
            println!(
                "  in force: sequence {} received {}",
                f.get("sequence").map_or("-".into(), ToString::to_string),
                get("received")
            );
            println!("  last success: {}", get("last_success"));
            if let Some(e) = f.get("last_error").and_then(Value::as_str) {
                println!("  last error ({}): {e}", get("last_error_at"));
            }
        }
    }
    println!("Reports waiting in the outbox: {}", s["outbox"]["pending"]);
    ExitCode::SUCCESS
}

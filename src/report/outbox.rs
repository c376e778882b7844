//! The outbox: every report is written durably before any delivery is
//! tried, and its per-channel state is updated the same way, so a report is
//! never lost (offline, crash, restart) and never sent twice to a channel
//! that acknowledged it.
//!
//! One file per report, `<data dir>/outbox/<id>.json`. Every write goes to a
//! temporary file in the same directory, is synced, renamed over the old
//! file, and the directory is synced: after a crash the file is either the
//! old or the new version, never half of one.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::Report;
use crate::policy::{Policy, SmtpSection, WebhookSection};

/// Delivered reports are kept this long for the user's history, then removed.
pub const KEEP_DELIVERED: Duration = Duration::from_secs(90 * 24 * 3600);

/// Where one report goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Target {
    /// Mail through the organisation's SMTP server.
    Smtp {
        /// The reporting mailbox.
        to: String,
        /// The server settings (no secrets: the password stays in the environment).
        server: SmtpSection,
    },
    /// A JSON POST.
    Webhook(WebhookSection),
}

impl Target {
    /// A short, stable name for messages ("email to phishing@… via smtp.…").
    pub fn describe(&self) -> String {
        match self {
            Target::Smtp { to, server } => format!("e-mail to {to} via {}", server.host),
            Target::Webhook(w) => format!("webhook {}", w.url),
        }
    }
}

/// Where a report stands with one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Not yet accepted; will be retried.
    Pending,
    /// The channel accepted it; never sent there again.
    Delivered,
}

/// One channel of one report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    /// Where it goes.
    pub target: Target,
    /// Pending or delivered.
    pub state: State,
    /// Attempts so far.
    pub attempts: u32,
    /// Unix seconds before which no retry is made (backoff).
    pub next_attempt: u64,
    /// Why the last attempt failed, in words for the user.
    pub last_error: Option<String>,
    /// When it was delivered (RFC 3339).
    pub delivered_at: Option<String>,
}

/// One report and its delivery state: the outbox file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The report, exactly as previewed.
    pub report: Report,
    /// One per configured channel.
    pub channels: Vec<Channel>,
}

impl Entry {
    /// Every channel accepted the report (or there is none to try).
    pub fn delivered(&self) -> bool {
        self.channels.iter().all(|c| c.state == State::Delivered)
    }
}

/// Why the outbox could not do something.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutboxError {
    /// A file could not be written or read.
    #[error(
        "the report outbox at {path} cannot be used: {source}. Check that the directory exists and is writable (SECONDLOOK_DATA_DIR sets another place)."
    )]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file in the outbox is not a report.
    #[error("{path} is not a Second Look report ({message}); move it out of the outbox")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        message: String,
    },
}

/// The channels `policy` configures for reports.
pub fn targets(policy: &Policy) -> Vec<Target> {
    let mut out = Vec::new();
    if let (Some(to), Some(server)) = (&policy.report.email, &policy.report.smtp) {
        out.push(Target::Smtp {
            to: to.clone(),
            server: server.clone(),
        });
    }
    for w in policy.report.webhook.iter().flatten() {
        out.push(Target::Webhook(w.clone()));
    }
    out
}

/// The outbox directory.
#[derive(Debug, Clone)]
pub struct Outbox {
    dir: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutboxError + '_ {
    move |source| OutboxError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Unix seconds now.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Outbox {
    /// The outbox in `data_dir` (created on first write).
    pub fn new(data_dir: &Path) -> Outbox {
        Outbox {
            dir: data_dir.join("outbox"),
        }
    }

    /// The outbox in the data directory (`SECONDLOOK_DATA_DIR`, or the
    /// user's data directory).
    pub fn from_environment() -> Option<Outbox> {
        crate::policy::layers::Locations::from_environment()
            .data_dir
            .map(|d| Outbox::new(&d))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Queue a report for `targets`: written durably before anything is sent.
    pub fn enqueue(&self, report: Report, targets: Vec<Target>) -> Result<Entry, OutboxError> {
        let entry = Entry {
            report,
            channels: targets
                .into_iter()
                .map(|target| Channel {
                    target,
                    state: State::Pending,
                    attempts: 0,
                    next_attempt: 0,
                    last_error: None,
                    delivered_at: None,
                })
                .collect(),
        };
        self.save(&entry)?;
        Ok(entry)
    }

    /// Write an entry atomically and durably.
    pub fn save(&self, entry: &Entry) -> Result<(), OutboxError> {
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let path = self.path(&entry.report.id);
        let tmp = self.dir.join(format!(".{}.tmp", entry.report.id));
        let bytes = serde_json::to_vec_pretty(entry).map_err(|e| OutboxError::Io {
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
            f.write_all(&bytes).map_err(io(&tmp))?;
            f.sync_all().map_err(io(&tmp))?;
        }
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        // Make the rename itself durable.
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Every report in the outbox, oldest first. Unreadable files are
    /// returned as errors beside the good entries, never dropped silently.
    pub fn list(&self) -> (Vec<Entry>, Vec<OutboxError>) {
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return (entries, errors);
        };
        let mut paths: Vec<PathBuf> = dir
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "json")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        paths.sort();
        for p in paths {
            match std::fs::read(&p) {
                Ok(bytes) => match serde_json::from_slice::<Entry>(&bytes) {
                    Ok(e) => entries.push(e),
                    Err(e) => errors.push(OutboxError::Corrupt {
                        path: p,
                        message: e.to_string(),
                    }),
                },
                Err(source) => errors.push(OutboxError::Io { path: p, source }),
            }
        }
        entries.sort_by(|a, b| a.report.created.cmp(&b.report.created));
        (entries, errors)
    }

    /// Take the send lock, or `None` when another process is sending now.
    pub fn try_lock(&self) -> Result<Option<SendLock>, OutboxError> {
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let path = self.dir.join(".send.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(SendLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(OutboxError::Io { path, source: e }),
        }
    }

    /// The earliest time (Unix seconds) a pending channel may be retried,
    /// or `None` when nothing is pending.
    pub fn next_due(&self) -> Option<u64> {
        self.list()
            .0
            .iter()
            .flat_map(|e| e.channels.iter())
            .filter(|c| c.state == State::Pending)
            .map(|c| c.next_attempt)
            .min()
    }

    /// Remove delivered reports older than [`KEEP_DELIVERED`].
    pub fn prune(&self, now_unix: u64) {
        let (entries, _) = self.list();
        for e in entries.iter().filter(|e| e.delivered()) {
            let newest = e
                .channels
                .iter()
                .filter_map(|c| c.delivered_at.as_deref())
                .max()
                .unwrap_or(e.report.created.as_str());
            let cutoff = super::rfc3339(
                (UNIX_EPOCH + Duration::from_secs(now_unix))
                    .checked_sub(KEEP_DELIVERED)
                    .unwrap_or(UNIX_EPOCH),
            );
            if newest < cutoff.as_str() {
                let _ = std::fs::remove_file(self.path(&e.report.id));
            }
        }
    }
}

/// Environment variable setting the first retry delay in seconds (default
/// 30), for IT trials and tests.
pub const RETRY_ENV: &str = "SECONDLOOK_RETRY_SECONDS";

/// Seconds to wait after `attempts` failed attempts: 30 s doubling, at most 6 h.
pub fn backoff(attempts: u32) -> u64 {
    let base = std::env::var(RETRY_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|b| *b > 0)
        .unwrap_or(30);
    base.saturating_mul(1u64 << attempts.saturating_sub(1).min(20))
        .min(6 * 3600)
}

/// Held while a process sends the outbox. The operating system releases it
/// when the process ends, however it ends, so a crash leaves no stale lock.
#[derive(Debug)]
pub struct SendLock {
    _file: std::fs::File,
}

//! The outbox: every report is written durably before any delivery is
//! tried, and its per-channel state is updated the same way, so a report is
//! never lost (offline, crash, restart) and never sent twice to a channel
//! that acknowledged it.
//!
//! One file per report, `<data dir>/outbox/<id>.json`. Every write goes to a
//! temporary file in the same directory (a name unique to the writer:
//! `.<id>.<pid>-<n>.tmp`), is synced, renamed over the old file, and the
//! directory is synced: after a crash the file is either the old or the new
//! version, never half of one.
//!
//! Delivery state is written *before* a channel is tried: the sender
//! prepares the "delivered" version of the file ([`Outbox::prepare`]) and,
//! once the channel accepted, only renames it into place
//! ([`Prepared::commit`]), which needs no free space. A full disk therefore
//! stops sending before anything goes out, never after a channel accepted.
//! Orphaned temporary files (a killed writer) are recovered or removed by
//! the next sender ([`Outbox::recover`]).

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
        /// `report.from`: the address the relay sends as.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
    },
    /// A JSON POST.
    Webhook(WebhookSection),
}

impl Target {
    /// A short, stable name for messages ("email to phishing@… via smtp.…").
    pub fn describe(&self) -> String {
        match self {
            Target::Smtp { to, server, .. } => format!("e-mail to {to} via {}", server.host),
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
    /// An attempt is under way: written (synced) before the channel is
    /// tried, by the sender holding the send lock. Found by the next
    /// holder, it means that sender was killed mid-attempt: whether the
    /// channel got the report is unknown, so it is sent again at once under
    /// the same id (Message-ID, Idempotency-Key) for the receiver to
    /// recognise, and counted in [`Channel::interrupted`].
    Sending,
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
    /// Attempts a killed sender left in [`State::Sending`]: each may have
    /// reached the channel, so the report may have arrived there that many
    /// times more under the same id.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub interrupted: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
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

    /// No channel was configured: the report is only saved on this
    /// computer (not sent), whatever [`Entry::delivered`] says.
    pub fn saved_only(&self) -> bool {
        self.channels.is_empty()
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
            from: policy.report.from.clone(),
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

    /// The file of report `id`.
    pub fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// A temporary name no other writer (process or thread) uses.
    fn temp_path(&self, id: &str) -> PathBuf {
        static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.dir
            .join(format!(".{id}.{}-{n}.tmp", std::process::id()))
    }

    /// Write `entry` to a synced temporary file, not yet in place.
    fn write_temp(&self, entry: &Entry) -> Result<PathBuf, OutboxError> {
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let path = self.path(&entry.report.id);
        let tmp = self.temp_path(&entry.report.id);
        let bytes = serde_json::to_vec_pretty(entry).map_err(|e| OutboxError::Io {
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
        let written = (|| {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(OutboxError::Io {
                path: tmp,
                source: e,
            });
        }
        Ok(tmp)
    }

    /// Put a temporary file in place, durably.
    fn install(&self, tmp: &Path, id: &str) -> Result<(), OutboxError> {
        self.rename(tmp, id)?;
        self.sync_dir();
        Ok(())
    }

    /// Put a temporary file in place: from now on a killed process leaves
    /// the new version; [`Outbox::sync_dir`] makes it survive a power cut.
    fn rename(&self, tmp: &Path, id: &str) -> Result<(), OutboxError> {
        let path = self.path(id);
        std::fs::rename(tmp, &path).map_err(io(&path))
    }

    /// Make the renames in the outbox durable (a power cut keeps them).
    pub fn sync_dir(&self) {
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
    }

    /// Write the state `entry` will have once the channel being tried
    /// accepts it, without putting it in place: if this fails (full disk),
    /// nothing must be sent. Hold the [`SendLock`].
    pub fn prepare(&self, entry: &Entry) -> Result<Prepared, OutboxError> {
        let tmp = self.write_temp(entry)?;
        Ok(Prepared {
            tmp,
            id: entry.report.id.clone(),
            dir: self.clone(),
        })
    }

    /// Recover what killed writers left: a complete temporary file of a
    /// report that has no file yet (killed between writing and renaming
    /// a new report) is put in place; every other temporary file (a state
    /// update or a prepared delivery whose outcome is unknown) is removed,
    /// so the channel is tried again under the same idempotency key.
    /// Returns how many were recovered and removed. Needs the send lock
    /// (state writers hold it); new reports younger than a minute may still
    /// be being written and are left alone.
    pub fn recover(&self, _lock: &SendLock) -> (usize, usize) {
        let (mut recovered, mut removed) = (0, 0);
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return (0, 0);
        };
        for e in dir.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(id) = name
                .strip_prefix('.')
                .and_then(|n| n.strip_suffix(".tmp"))
                .and_then(|n| n.split('.').next())
            else {
                continue;
            };
            let tmp = e.path();
            if self.path(id).exists() {
                if std::fs::remove_file(&tmp).is_ok() {
                    removed += 1;
                }
                continue;
            }
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age > Duration::from_secs(60));
            if !old {
                continue;
            }
            let complete = std::fs::read(&tmp)
                .ok()
                .and_then(|b| serde_json::from_slice::<Entry>(&b).ok())
                .is_some_and(|en| en.report.id == id);
            if complete && self.install(&tmp, id).is_ok() {
                recovered += 1;
            } else if std::fs::remove_file(&tmp).is_ok() {
                removed += 1;
            }
        }
        (recovered, removed)
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
                    interrupted: 0,
                })
                .collect(),
        };
        self.save(&entry)?;
        Ok(entry)
    }

    /// Write an entry atomically and durably. A new report may be saved by
    /// anyone; the state of a queued one only under the [`SendLock`].
    pub fn save(&self, entry: &Entry) -> Result<(), OutboxError> {
        let tmp = self.write_temp(entry)?;
        let installed = self.install(&tmp, &entry.report.id);
        if installed.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        installed
    }

    /// Read one report's current state from its file.
    pub fn load(&self, id: &str) -> Result<Entry, OutboxError> {
        let path = self.path(id);
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        serde_json::from_slice(&bytes).map_err(|e| OutboxError::Corrupt {
            path,
            message: e.to_string(),
        })
    }

    /// Every report in the outbox, urgent ones first, then oldest first (the
    /// order they are sent in). Unreadable files are
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
        entries.sort_by(|a, b| {
            (!a.report.urgent, &a.report.created).cmp(&(!b.report.urgent, &b.report.created))
        });
        (entries, errors)
    }

    /// Take the send lock, or `None` when another process (or thread) is
    /// sending now. Every path that sends or updates a queued report's
    /// state holds it.
    pub fn try_lock(&self) -> Result<Option<SendLock>, OutboxError> {
        self.lock_file(".send.lock")
    }

    /// Take the background-sender lock, or `None` when another process or
    /// thread of this user already waits to retry the outbox: one
    /// background sender per user, however many reports are queued.
    pub fn try_lock_waiter(&self) -> Result<Option<SendLock>, OutboxError> {
        self.lock_file(".waiter.lock")
    }

    fn lock_file(&self, name: &str) -> Result<Option<SendLock>, OutboxError> {
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let path = self.dir.join(name);
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
    /// or `None` when nothing is pending. An attempt a killed sender left
    /// in [`State::Sending`] is due now.
    pub fn next_due(&self) -> Option<u64> {
        self.list()
            .0
            .iter()
            .flat_map(|e| e.channels.iter())
            .filter_map(|c| match c.state {
                State::Pending => Some(c.next_attempt),
                State::Sending => Some(0),
                State::Delivered => None,
            })
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

/// A delivered state written but not yet in place (see [`Outbox::prepare`]).
#[derive(Debug)]
#[must_use = "commit the prepared state once the channel accepted, or abandon it"]
pub struct Prepared {
    tmp: PathBuf,
    id: String,
    dir: Outbox,
}

impl Prepared {
    /// The channel accepted: put the prepared state in place (a rename: no
    /// free space needed). Only the rename, the one step a killed sender
    /// must have made: call [`Outbox::sync_dir`] after it (after the
    /// connection is closed) for power loss.
    pub fn commit(self) -> Result<(), OutboxError> {
        let r = self.dir.rename(&self.tmp, &self.id);
        if r.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        r
    }

    /// The channel did not accept: throw the prepared state away.
    pub fn abandon(self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Held while a process sends the outbox. The operating system releases it
/// when the process ends, however it ends, so a crash leaves no stale lock.
#[derive(Debug)]
pub struct SendLock {
    _file: std::fs::File,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An outbox file as the first release wrote it (`secondlook report
    /// --yes` with a webhook that was down): it loads, and is written back
    /// byte for byte the same, so no report waiting on disk is lost or
    /// changed by an update.
    const FIRST_FORMAT: &str = include_str!("../../tests/data/outbox-entry-v1.json");

    #[test]
    fn an_outbox_file_of_the_first_format_loads_and_is_written_back_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(dir.path());
        let id = "ddc08a5d-b00e-410f-bd41-67b0c0710969";
        std::fs::create_dir_all(outbox.dir()).unwrap();
        std::fs::write(outbox.path(id), FIRST_FORMAT).unwrap();
        let entry = outbox.load(id).unwrap();
        assert_eq!(entry.report.id, id);
        assert!(entry.report.urgent);
        assert_eq!(entry.report.first_host(), Some("twilio-okta.net"));
        assert_eq!(entry.channels.len(), 1);
        assert_eq!(entry.channels[0].state, State::Pending);
        let readable = entry.report.readable();
        assert!(
            readable.contains("- bit.ly/3xYz (unknown): bit.ly is a link shortener"),
            "{readable}"
        );
        assert!(
            readable.contains("Second Look said:\nDo not open the link"),
            "{readable}"
        );
        let (listed, problems) = outbox.list();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(listed, vec![entry.clone()]);
        outbox.save(&entry).unwrap();
        assert_eq!(
            std::fs::read_to_string(outbox.path(id)).unwrap(),
            FIRST_FORMAT
        );
    }
}

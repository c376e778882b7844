//! The signed indicator feed: a policy layer IT publishes at an https URL
//! and every laptop fetches on start and every `feed.interval_minutes`.
//!
//! - **What a feed is**: a policy file (the schema and checks of a
//!   `policy.d` file) that only adds: `[indicators] blocked` and
//!   `training`, `[[brand]]` entries (new brands, or aliases for a brand
//!   already protected), `[detection] trusted_hosts`, `combo_keywords` and
//!   `lure_words`. Anything else in it is a problem and the feed is refused.
//! - **Signed**: a minisign (Ed25519) signature at `<url>.minisig` (or
//!   `feed.signature_url`), checked against `feed.public_key` **before the
//!   feed is parsed** ([`verify`]). The signature's trusted comment (signed
//!   with it) carries the feed's sequence: `sequence:N`, else minisign's
//!   own `timestamp:N`. A feed whose sequence is not above the one in force
//!   is refused (a replayed, older copy), unless it is the same feed.
//! - **Never less protection**: the last accepted feed (text and
//!   signature) is kept in `<data dir>/feed/` and verified again every time
//!   it is loaded ([`layer`]); a failed fetch, a bad signature or a broken
//!   feed leaves it in force and is recorded ([`State`]) for
//!   `secondlook policy show` and `secondlook status`.
//! - **Network**: only [`fetch`] opens connections, and only to the URLs
//!   the managed policy names.

pub mod command;
pub mod fetch;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::policy::{Policy, PolicyFile};

/// The largest feed accepted (the policy file limit, 1 MiB).
pub const MAX_FEED_BYTES: u64 = crate::policy::MAX_POLICY_BYTES;
/// The largest signature file accepted (a minisign signature is ~300 bytes).
pub const MAX_SIGNATURE_BYTES: u64 = 4096;
/// `feed.interval_minutes` when the policy does not set it.
pub const DEFAULT_INTERVAL_MINUTES: u32 = 15;
/// The longest interval a policy may set (one day).
pub const MAX_INTERVAL_MINUTES: u32 = 1440;
/// For tests and trials: the interval in seconds, replacing `feed.interval_minutes`.
pub const INTERVAL_ENV: &str = "SECONDLOOK_FEED_INTERVAL_SECONDS";

/// The feed settings of the effective policy (from the managed layers only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedConfig {
    /// `feed.url`: https.
    pub url: String,
    /// `feed.signature_url`, default `<url>.minisig`.
    pub signature_url: String,
    /// `feed.public_key`: the minisign public key (the `RW…` line).
    pub public_key: String,
    /// `feed.interval_minutes`.
    pub interval_minutes: u32,
}

impl FeedConfig {
    /// The time between two fetches, before jitter.
    pub fn interval(&self) -> Duration {
        if let Some(s) = std::env::var(INTERVAL_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|s| *s > 0)
        {
            return Duration::from_secs(s);
        }
        Duration::from_secs(u64::from(self.interval_minutes.clamp(1, MAX_INTERVAL_MINUTES)) * 60)
    }

    /// The longest jitter added to a wait: a fifth of the interval, so a
    /// fleet started at the same moment spreads its fetches.
    pub fn max_jitter(&self) -> Duration {
        self.interval() / 5
    }

    /// How long to wait before the next fetch: the interval plus a random
    /// jitter of up to a fifth of it; after `failures` failed fetches in a
    /// row, sooner (one minute, doubling, never more than the interval).
    pub fn next_wait(&self, failures: u32) -> Duration {
        let interval = self.interval();
        let base = if failures == 0 {
            interval
        } else {
            let backoff = Duration::from_secs(60u64.saturating_mul(1 << failures.min(10)) / 2);
            backoff.min(interval)
        };
        base + jitter(self.max_jitter().min(base / 5 + Duration::from_secs(1)))
    }
}

/// A random duration in `0..=max` (not cryptographic: it only spreads load).
fn jitter(max: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(now());
    let r = h.finish();
    let ms = max.as_millis() as u64;
    if ms == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(r % (ms + 1))
}

/// Unix seconds now.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Why a feed was refused. Each says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FeedError {
    /// `feed.public_key` cannot be used.
    #[error(
        "feed.public_key is not a minisign public key ({0}): give the second line of the .pub file `secondlook feed keygen` or `minisign -G` wrote (it starts with RW)"
    )]
    PublicKey(String),
    /// The signature file is not a minisign signature.
    #[error(
        "the signature file is not a minisign signature ({0}); publish the .minisig file `secondlook feed sign` wrote next to the feed"
    )]
    Signature(String),
    /// The signature does not verify.
    #[error(
        "the signature does not match: the feed was changed after it was signed, or signed with another key than feed.public_key ({0})"
    )]
    BadSignature(String),
    /// No sequence in the signed trusted comment.
    #[error(
        "the signature's trusted comment ({0:?}) carries no sequence: sign with `secondlook feed sign`, or with minisign, whose default trusted comment carries the time"
    )]
    NoSequence(String),
    /// Older than, or as old as, the feed in force.
    #[error(
        "it is older than the feed in force (sequence {got}, the feed in force has {current}): a replayed copy, or signed without a higher sequence; sign each new version with `secondlook feed sign`"
    )]
    Replayed {
        /// The refused feed's sequence.
        got: u64,
        /// The sequence in force.
        current: u64,
    },
    /// The feed is not a valid policy layer.
    #[error("the feed has problems:\n{0}")]
    Invalid(String),
    /// Too large.
    #[error("it is larger than {limit} bytes, the limit for a feed")]
    TooLarge {
        /// The limit.
        limit: u64,
    },
}

/// A feed whose signature verified and whose content is a valid layer.
#[derive(Debug, Clone)]
pub struct Verified {
    /// From the signed trusted comment.
    pub sequence: u64,
    /// The signed trusted comment.
    pub trusted_comment: String,
    /// The feed as published.
    pub text: String,
    /// The feed as a policy layer.
    pub file: PolicyFile,
}

/// Read a minisign public key: the base64 line (`RW…`), or the whole
/// `.pub` file (comment line, key line).
pub fn public_key(text: &str) -> Result<minisign_verify::PublicKey, FeedError> {
    let t = text.trim();
    let decoded = if t.contains('\n') {
        minisign_verify::PublicKey::decode(t)
    } else {
        minisign_verify::PublicKey::from_base64(t)
    };
    decoded.map_err(|e| FeedError::PublicKey(e.to_string()))
}

/// The sequence a signed trusted comment carries: `sequence:N`, else
/// `timestamp:N` (minisign's default). Fields are separated by tabs or spaces.
pub fn sequence_of(trusted_comment: &str) -> Option<u64> {
    let field = |name: &str| {
        trusted_comment
            .split(['\t', ' '])
            .find_map(|f| f.strip_prefix(name))
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    field("sequence:").or_else(|| field("timestamp:"))
}

/// Check the signature of `feed` first; only then read it: UTF-8, a policy
/// layer that only adds (see the module docs), compiled alone.
pub fn verify(public_key_text: &str, feed: &[u8], signature: &str) -> Result<Verified, FeedError> {
    if feed.len() as u64 > MAX_FEED_BYTES {
        return Err(FeedError::TooLarge {
            limit: MAX_FEED_BYTES,
        });
    }
    if signature.len() as u64 > MAX_SIGNATURE_BYTES {
        return Err(FeedError::TooLarge {
            limit: MAX_SIGNATURE_BYTES,
        });
    }
    let pk = public_key(public_key_text)?;
    let sig = minisign_verify::Signature::decode(signature)
        .map_err(|e| FeedError::Signature(e.to_string()))?;
    pk.verify(feed, &sig, false)
        .map_err(|e| FeedError::BadSignature(e.to_string()))?;
    // Verified: from here on the bytes are the organisation's.
    let trusted_comment = sig.trusted_comment().to_owned();
    let sequence =
        sequence_of(&trusted_comment).ok_or(FeedError::NoSequence(trusted_comment.clone()))?;
    let text = String::from_utf8(feed.to_vec())
        .map_err(|_| FeedError::Invalid("it is not UTF-8 text".into()))?;
    let file = check_feed_text(&text, "indicator feed").map_err(FeedError::Invalid)?;
    Ok(Verified {
        sequence,
        trusted_comment,
        text,
        file,
    })
}

/// What a feed may set: everything else is the managed policy's.
const FEED_KEYS: &[(&str, Option<&[&str]>)] = &[
    ("indicators", None),
    ("brand", None),
    (
        "detection",
        Some(&["trusted_hosts", "combo_keywords", "lure_words"]),
    ),
];

/// A feed's text as a layer: the checks of a policy file
/// ([`crate::policy::validate::check`]), only keys that add protection
/// ([`FEED_KEYS`]), and compiled on its own. `Err`: every problem, one a line.
pub fn check_feed_text(text: &str, name: &str) -> Result<PolicyFile, String> {
    let mut problems: Vec<String> = crate::policy::validate::check(text, name)
        .iter()
        .map(ToString::to_string)
        .collect();
    if problems.is_empty() {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        for (key, value) in &table {
            match FEED_KEYS.iter().find(|(k, _)| k == key) {
                None => problems.push(format!("{name}: `{key}` cannot be set by a feed: a feed only adds indicators, brands, trusted hosts, combo keywords and lure words; set `{key}` in the managed policy")),
                Some((_, Some(allowed))) => {
                    for sub in value.as_table().map(|t| t.keys()).into_iter().flatten() {
                        if !allowed.contains(&sub.as_str()) {
                            problems.push(format!("{name}: `{key}.{sub}` cannot be set by a feed (it could weaken protection or it is the managed policy's); a feed may set {key}.{}", allowed.join(", ")));
                        }
                    }
                }
                Some((_, None)) => {}
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    let file = crate::policy::parse_file(text, name).map_err(|e| e.to_string())?;
    Policy::compile(file.clone(), name).map_err(|e| e.to_string())?;
    Ok(file)
}

/// What the last fetches did, kept in `<data dir>/feed/state.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The URL these fields are about.
    pub url: Option<String>,
    /// The feed's `ETag`, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// Unix seconds of the last fetch attempt.
    pub last_attempt: Option<u64>,
    /// Unix seconds of the last fetch that ended with the newest feed in
    /// force (a new one accepted, or the server said it is unchanged).
    pub last_success: Option<u64>,
    /// Why the last attempt failed (`None` when it succeeded).
    pub last_error: Option<String>,
    /// Unix seconds of that failure.
    pub last_error_at: Option<u64>,
    /// Failed attempts in a row (retries come sooner, then back off).
    pub failures: u32,
}

/// The last accepted feed, as kept on disk (text and signature together,
/// so one rename replaces both).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    url: String,
    signature: String,
    feed: String,
    /// Unix seconds when it was accepted.
    accepted: u64,
}

/// The feed's files in the data directory.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

/// A stored feed that verified again.
#[derive(Debug, Clone)]
pub struct InForce {
    /// The feed.
    pub verified: Verified,
    /// The URL it came from.
    pub url: String,
    /// Unix seconds when it was accepted.
    pub accepted: u64,
}

impl Store {
    /// `<data_dir>/feed`.
    pub fn new(data_dir: &Path) -> Store {
        Store {
            dir: data_dir.join("feed"),
        }
    }

    /// The files whose change means the policy must be re-read.
    pub fn files(&self) -> [PathBuf; 2] {
        [self.valid_path(), self.state_path()]
    }

    fn valid_path(&self) -> PathBuf {
        self.dir.join("last-valid-feed.json")
    }

    fn state_path(&self) -> PathBuf {
        self.dir.join("state.json")
    }

    /// The fetch state (default when missing or unreadable).
    pub fn state(&self) -> State {
        read_capped(&self.state_path(), 64 * 1024)
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// Write the fetch state.
    pub fn save_state(&self, state: &State) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(state).map_err(std::io::Error::other)?;
        write_atomic(&self.state_path(), text.as_bytes())
    }

    /// The last accepted feed, verified again with `public_key`. `Ok(None)`:
    /// none kept. `Err`: one is kept but it does not verify (changed on
    /// disk, or the key was changed), with why.
    pub fn in_force(&self, public_key: &str) -> Result<Option<InForce>, String> {
        let path = self.valid_path();
        if !path.exists() {
            return Ok(None);
        }
        let text = read_capped(&path, 4 * MAX_FEED_BYTES + MAX_SIGNATURE_BYTES)
            .ok_or_else(|| format!("{} cannot be read", path.display()))?;
        let stored: Stored = serde_json::from_str(&text)
            .map_err(|e| format!("{} is damaged ({e})", path.display()))?;
        let verified = verify(public_key, stored.feed.as_bytes(), &stored.signature)
            .map_err(|e| e.to_string())?;
        Ok(Some(InForce {
            verified,
            url: stored.url,
            accepted: stored.accepted,
        }))
    }

    /// Keep `feed` (already verified) as the last accepted one.
    pub fn accept(&self, url: &str, feed: &str, signature: &str) -> std::io::Result<()> {
        let stored = Stored {
            url: url.to_owned(),
            signature: signature.to_owned(),
            feed: feed.to_owned(),
            accepted: now(),
        };
        let text = serde_json::to_string(&stored).map_err(std::io::Error::other)?;
        write_atomic(&self.valid_path(), text.as_bytes())
    }
}

fn read_capped(path: &Path, limit: u64) -> Option<String> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > limit {
        return None;
    }
    let mut s = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(limit)
        .read_to_string(&mut s)
        .ok()?;
    Some(s)
}

/// Temporary file in the same directory, fsync, rename.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// The feed layer for the effective policy: the stored feed verified again
/// with the configured key, and what to report about it (a stored feed
/// that no longer verifies, the last fetch's failure). Never fails.
pub fn layer(data_dir: Option<&Path>, config: &FeedConfig) -> (Option<PolicyFile>, Vec<String>) {
    let mut problems = Vec::new();
    let Some(data_dir) = data_dir else {
        problems.push(format!(
            "the indicator feed {} cannot be kept: no data directory is known (set SECONDLOOK_DATA_DIR)",
            config.url
        ));
        return (None, problems);
    };
    let store = Store::new(data_dir);
    let state = store.state();
    let in_force = match store.in_force(&config.public_key) {
        Ok(f) => f,
        Err(why) => {
            problems.push(format!(
                "The stored indicator feed is left out: {why}. It is replaced at the next successful update from {}.",
                config.url
            ));
            None
        }
    };
    if let (Some(error), Some(at)) = (&state.last_error, state.last_error_at) {
        let kept = match &in_force {
            Some(f) => format!(
                "The feed received {} (sequence {}) stays in force.",
                crate::report::rfc3339(unix_time(f.accepted)),
                f.verified.sequence
            ),
            None => "No feed has been received yet; the rest of the policy is in force.".into(),
        };
        problems.push(format!(
            "The indicator feed {} could not be updated ({}): {error}\n{kept}",
            config.url,
            crate::report::rfc3339(unix_time(at))
        ));
    }
    (in_force.map(|f| f.verified.file), problems)
}

/// Unix seconds as a time.
pub fn unix_time(secs: u64) -> std::time::SystemTime {
    std::time::UNIX_EPOCH + Duration::from_secs(secs)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    pub(crate) fn keypair() -> (String, minisign::SecretKey) {
        let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        (kp.pk.to_base64(), kp.sk)
    }

    pub(crate) fn sign(sk: &minisign::SecretKey, text: &str, comment: &str) -> String {
        minisign::sign(None, sk, text.as_bytes(), Some(comment), None)
            .unwrap()
            .into_string()
    }

    const FEED: &str = "[indicators]\nblocked = [\"acme-payroll.help\"]\n";

    #[test]
    fn a_signed_feed_verifies_and_gives_its_sequence() {
        let (pk, sk) = keypair();
        let sig = sign(&sk, FEED, "sequence:7\tfile:feed.toml");
        let v = verify(&pk, FEED.as_bytes(), &sig).unwrap();
        assert_eq!(v.sequence, 7);
        assert_eq!(
            v.file.indicators.blocked.as_deref(),
            Some(&["acme-payroll.help".to_owned()][..])
        );
        // minisign's own default trusted comment: the time.
        let sig = minisign::sign(None, &sk, FEED.as_bytes(), None, None)
            .unwrap()
            .into_string();
        assert!(verify(&pk, FEED.as_bytes(), &sig).unwrap().sequence > 1_700_000_000);
    }

    #[test]
    fn a_changed_feed_a_changed_comment_or_another_key_is_refused_before_parsing() {
        let (pk, sk) = keypair();
        let sig = sign(&sk, FEED, "sequence:7");
        let tampered = FEED.replace("acme", "acne");
        assert!(matches!(
            verify(&pk, tampered.as_bytes(), &sig),
            Err(FeedError::BadSignature(_))
        ));
        // Not TOML at all, but the signature is checked first.
        assert!(matches!(
            verify(&pk, b"\xff not toml [[[", &sig),
            Err(FeedError::BadSignature(_))
        ));
        let replay = sig.replace("sequence:7", "sequence:9");
        assert!(verify(&pk, FEED.as_bytes(), &replay).is_err());
        let (other, _) = keypair();
        assert!(verify(&other, FEED.as_bytes(), &sig).is_err());
        assert!(matches!(
            verify(&pk, FEED.as_bytes(), "not a signature"),
            Err(FeedError::Signature(_))
        ));
        assert!(matches!(
            verify("RWnot-a-key", FEED.as_bytes(), &sig),
            Err(FeedError::PublicKey(_))
        ));
        let unsequenced = sign(&sk, FEED, "file:feed.toml");
        assert!(matches!(
            verify(&pk, FEED.as_bytes(), &unsequenced),
            Err(FeedError::NoSequence(_))
        ));
    }

    #[test]
    fn a_feed_only_adds() {
        for bad in [
            "[report]\nemail = \"x@evil.example\"\n",
            "[detection]\ndisabled = { typosquat = \"noisy\" }\n",
            "[detection]\nuser_additions = true\n",
            "[organization]\nname = \"Evil\"\n",
            "[desktop]\nwatch_clipboard = false\n",
        ] {
            let e = check_feed_text(bad, "feed").unwrap_err();
            assert!(e.contains("cannot be set by a feed"), "{bad}: {e}");
        }
        // The checks of any policy file.
        let e = check_feed_text("[indicators]\nblocked = [\"com\"]\n", "feed").unwrap_err();
        assert!(e.contains("feed:2:"), "{e}");
        check_feed_text(
            "[[brand]]\nname = \"Acme\"\ndomains = [\"acme.example\"]\naliases = [\"ACM\"]\n[detection]\ntrusted_hosts = [\"acme.zoom.us\"]\n",
            "feed",
        )
        .unwrap();
    }

    #[test]
    fn the_stored_feed_is_verified_again_when_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let (pk, sk) = keypair();
        let store = Store::new(dir.path());
        assert!(store.in_force(&pk).unwrap().is_none());
        let sig = sign(&sk, FEED, "sequence:3");
        store
            .accept("https://it.example/feed.toml", FEED, &sig)
            .unwrap();
        assert_eq!(store.in_force(&pk).unwrap().unwrap().verified.sequence, 3);
        // Changed on disk: refused.
        let path = dir.path().join("feed/last-valid-feed.json");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("acme-payroll", "acme-pay")).unwrap();
        assert!(store.in_force(&pk).unwrap_err().contains("does not match"));
        // Another key: refused.
        store
            .accept("https://it.example/feed.toml", FEED, &sig)
            .unwrap();
        let (other, _) = keypair();
        assert!(store.in_force(&other).is_err());
    }

    #[test]
    fn waits_are_one_interval_plus_at_most_a_fifth_and_sooner_after_failures() {
        let c = FeedConfig {
            url: "https://it.example/feed.toml".into(),
            signature_url: "https://it.example/feed.toml.minisig".into(),
            public_key: String::new(),
            interval_minutes: 10,
        };
        if std::env::var_os(INTERVAL_ENV).is_some() {
            return;
        }
        for _ in 0..50 {
            let w = c.next_wait(0);
            assert!(
                w >= Duration::from_secs(600) && w <= Duration::from_secs(720),
                "{w:?}"
            );
            let w = c.next_wait(1);
            assert!(
                w >= Duration::from_secs(60) && w <= Duration::from_secs(73),
                "{w:?}"
            );
        }
        assert!(c.next_wait(20) <= Duration::from_secs(720));
        assert_eq!(
            sequence_of("timestamp:1700000000\tfile:f"),
            Some(1_700_000_000)
        );
        assert_eq!(sequence_of("timestamp:1 sequence:5"), Some(5));
        assert_eq!(sequence_of("hello"), None);
    }
}

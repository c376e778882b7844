//! `secondlook feed …`: IT's commands for the signed indicator feed (make
//! a key, sign, verify) and a one-shot fetch. The formats are minisign's,
//! so the `minisign` tool can make keys and sign too
//! (`minisign -G`, `minisign -S -m feed.toml`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::fetch::{self, Outcome};

/// `secondlook feed …`
#[derive(Debug, clap::Subcommand)]
pub enum FeedCommand {
    /// Make a signing key pair: PREFIX.key (secret: keep it where feeds are
    /// signed, never on laptops) and PREFIX.pub (its second line is the
    /// policy's feed.public_key).
    Keygen {
        /// Where to write the two files (PREFIX.key, PREFIX.pub).
        #[arg(long, value_name = "PREFIX", default_value = "secondlook-feed")]
        out: PathBuf,
        /// Protect the secret key with the password in this environment
        /// variable (minisign's scrypt encryption); without it the key is
        /// not encrypted (file mode 0600).
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
    },
    /// Check FEED as a feed (a policy file that only adds) and sign it:
    /// writes FEED.minisig, with the sequence in the signed trusted comment.
    Sign {
        /// The secret key (from `feed keygen` or `minisign -G`).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The environment variable holding the key's password, if it has one.
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
        /// The feed's sequence; default: the time now in Unix seconds (each
        /// new version must be signed with a higher one).
        #[arg(long, value_name = "N")]
        sequence: Option<u64>,
        /// The feed file.
        #[arg(value_name = "FEED")]
        feed: PathBuf,
    },
    /// Verify FEED against its signature (FEED.minisig, or --signature) and
    /// check it as a feed, as every laptop does before using it. Exit 0
    /// when it would be accepted.
    Verify {
        /// The public key: the RW… line, or the .pub file; default: the
        /// managed policy's feed.public_key.
        #[arg(long, value_name = "KEY|FILE")]
        public_key: Option<String>,
        /// The signature file; default FEED.minisig.
        #[arg(long, value_name = "FILE")]
        signature: Option<PathBuf>,
        /// The feed file.
        #[arg(value_name = "FEED")]
        feed: PathBuf,
    },
    /// Fetch the feed the managed policy names now, once (what the app does
    /// on start and every feed.interval_minutes). Exit 0 when the newest
    /// feed is in force, 1 when the fetch failed or the feed was refused
    /// (the feed in force stays), 2 when no feed is configured.
    Fetch,
}

/// Run a `secondlook feed` command.
pub fn run(command: &FeedCommand) -> ExitCode {
    let result = match command {
        FeedCommand::Keygen { out, password_env } => keygen(out, password_env.as_deref()),
        FeedCommand::Sign {
            key,
            password_env,
            sequence,
            feed,
        } => sign(key, password_env.as_deref(), *sequence, feed),
        FeedCommand::Verify {
            public_key,
            signature,
            feed,
        } => verify(public_key.as_deref(), signature.as_deref(), feed),
        FeedCommand::Fetch => return fetch_now(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("secondlook: {e}");
            ExitCode::from(2)
        }
    }
}

fn password(var: Option<&str>) -> Result<Option<String>, String> {
    match var {
        None => Ok(None),
        Some(v) => std::env::var(v)
            .map(Some)
            .map_err(|_| format!("the environment variable {v} (--password-env) is not set")),
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn write_new(path: &Path, text: &str, secret: bool) -> Result<(), String> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut f = options.open(path).map_err(|e| {
        format!(
            "{} cannot be written ({e}); an existing key is never overwritten",
            path.display()
        )
    })?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("{} cannot be written: {e}", path.display()))
}

fn keygen(out: &Path, password_env: Option<&str>) -> Result<(), String> {
    let pw = password(password_env)?;
    let kp = match pw {
        Some(p) => minisign::KeyPair::generate_encrypted_keypair(Some(p)),
        None => minisign::KeyPair::generate_unencrypted_keypair(),
    }
    .map_err(|e| format!("no key could be made: {e}"))?;
    let sk_box = kp
        .sk
        .to_box(Some("Second Look feed secret key"))
        .map_err(|e| e.to_string())?;
    let pk_box = kp.pk.to_box().map_err(|e| e.to_string())?;
    let (sk_path, pk_path) = (with_suffix(out, ".key"), with_suffix(out, ".pub"));
    if pk_path.exists() {
        return Err(format!(
            "{} exists; an existing key is never overwritten",
            pk_path.display()
        ));
    }
    write_new(&sk_path, &sk_box.into_string(), true)?;
    write_new(&pk_path, &pk_box.into_string(), false)?;
    println!(
        "Secret key: {} (keep it where feeds are signed, never on laptops)",
        sk_path.display()
    );
    println!("Public key: {}\n", pk_path.display());
    println!(
        "In the managed policy:\n\n[feed]\nurl = \"https://…/feed.toml\"\npublic_key = \"{}\"",
        kp.pk.to_base64()
    );
    Ok(())
}

fn sign(
    key: &Path,
    password_env: Option<&str>,
    sequence: Option<u64>,
    feed: &Path,
) -> Result<(), String> {
    let text = crate::policy::read_policy_text(feed)
        .map_err(|e| format!("{} cannot be read: {e}", feed.display()))?;
    super::check_feed_text(&text, &feed.display().to_string())
        .map_err(|e| format!("{} is not signed: it has problems:\n{e}", feed.display()))?;
    let key_text = std::fs::read_to_string(key)
        .map_err(|e| format!("the key {} cannot be read: {e}", key.display()))?;
    let sk_box = minisign::SecretKeyBox::from_string(&key_text)
        .map_err(|e| format!("{} is not a minisign secret key: {e}", key.display()))?;
    let sk = match password(password_env)? {
        Some(p) => sk_box.into_secret_key(Some(p)),
        None => sk_box.into_unencrypted_secret_key(),
    }
    .map_err(|e| {
        format!(
            "the key {} cannot be used ({e}); a password-protected key needs --password-env VAR",
            key.display()
        )
    })?;
    let now = super::now();
    let sequence = sequence.unwrap_or(now);
    let name = feed
        .file_name()
        .map(|n| n.to_string_lossy().replace(['\t', '\n', '\r'], " "))
        .unwrap_or_default();
    let comment = format!("timestamp:{now}\tsequence:{sequence}\tfile:{name}");
    let pk = minisign::PublicKey::from_secret_key(&sk).map_err(|e| e.to_string())?;
    let sig = minisign::sign(
        Some(&pk),
        &sk,
        text.as_bytes(),
        Some(&comment),
        Some("signature from secondlook feed sign"),
    )
    .map_err(|e| format!("the feed could not be signed: {e}"))?;
    let sig_path = with_suffix(feed, ".minisig");
    super::write_atomic(&sig_path, sig.into_string().as_bytes())
        .map_err(|e| format!("{} cannot be written: {e}", sig_path.display()))?;
    println!(
        "Signed {} (sequence {sequence}): {}\nPublish both files; the signature's URL is the feed's with .minisig added.",
        feed.display(),
        sig_path.display()
    );
    Ok(())
}

fn verify(public_key: Option<&str>, signature: Option<&Path>, feed: &Path) -> Result<(), String> {
    let key = match public_key {
        Some(k) if Path::new(k).is_file() => std::fs::read_to_string(k)
            .map_err(|e| format!("the public key file {k} cannot be read: {e}"))?,
        Some(k) => k.to_owned(),
        None => {
            let eff =
                crate::policy::layers::load(&crate::policy::layers::Locations::from_environment());
            eff.feed.map(|f| f.public_key).ok_or(
                "no public key: give --public-key, or set feed.url and feed.public_key in the managed policy",
            )?
        }
    };
    let bytes =
        std::fs::read(feed).map_err(|e| format!("{} cannot be read: {e}", feed.display()))?;
    let sig_path = signature.map_or_else(|| with_suffix(feed, ".minisig"), Path::to_path_buf);
    let sig = std::fs::read_to_string(&sig_path)
        .map_err(|e| format!("the signature {} cannot be read: {e}", sig_path.display()))?;
    let v = super::verify(&key, &bytes, &sig)
        .map_err(|e| format!("{} would be refused: {e}", feed.display()))?;
    println!(
        "{}: good signature, a valid feed (sequence {}; trusted comment: {})",
        feed.display(),
        v.sequence,
        v.trusted_comment
    );
    Ok(())
}

fn fetch_now() -> ExitCode {
    let locations = crate::policy::layers::Locations::from_environment();
    let eff = crate::policy::layers::load(&locations);
    let Some(config) = eff.feed else {
        eprintln!(
            "secondlook: no indicator feed is configured (feed.url and feed.public_key in the managed policy)"
        );
        return ExitCode::from(2);
    };
    let Some(data_dir) = locations.data_dir else {
        eprintln!(
            "secondlook: no data directory is known to keep the feed; set SECONDLOOK_DATA_DIR"
        );
        return ExitCode::from(2);
    };
    match fetch::fetch_once(&config, &data_dir) {
        Outcome::Updated { sequence } => {
            println!("Feed updated from {} (sequence {sequence}).", config.url);
            ExitCode::SUCCESS
        }
        Outcome::Unchanged => {
            println!(
                "Feed unchanged: the newest feed from {} is in force.",
                config.url
            );
            ExitCode::SUCCESS
        }
        Outcome::Failed(why) => {
            eprintln!("secondlook: {why}\nThe feed in force stays.");
            ExitCode::from(1)
        }
    }
}

/// The feed's background thread in the app: fetch on start, then every
/// interval (plus jitter; sooner after a failure). `updated` runs after a
/// new feed was accepted (the app reloads its policy). The configuration
/// is read again before every fetch, so a policy change applies.
pub fn run_in_background(updated: impl Fn() + Send + 'static) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("feed-fetch".into())
        .spawn(move || {
            loop {
                let locations = crate::policy::layers::Locations::from_environment();
                let config = crate::policy::layers::load(&locations).feed;
                let (Some(config), Some(data_dir)) = (config, locations.data_dir) else {
                    // No feed configured: look again in a minute.
                    std::thread::sleep(std::time::Duration::from_secs(60));
                    continue;
                };
                match fetch::fetch_once(&config, &data_dir) {
                    Outcome::Updated { .. } => updated(),
                    Outcome::Unchanged => {}
                    // Logged without any message text (there is none here).
                    Outcome::Failed(why) => eprintln!("secondlook: indicator feed: {why}"),
                }
                let failures = super::Store::new(&data_dir).state().failures;
                std::thread::sleep(config.next_wait(failures));
            }
        })
        .map(|_| ())
}

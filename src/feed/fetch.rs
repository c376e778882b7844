//! Fetching the indicator feed: the only network use besides sending
//! reports. It connects to the feed's and the signature's URLs from the
//! managed policy and nothing else: https only, no redirects followed, never
//! a link from analysed text. Proxies: `HTTPS_PROXY` / `ALL_PROXY` (and
//! `NO_PROXY`) from the environment, and on Windows the proxy set in
//! Internet Options (ureq's `win-system-proxy`).
//!
//! One fetch ([`fetch_once`]): `GET feed.url` with `If-None-Match` (the
//! last `ETag`); `304` → unchanged. Otherwise `GET` the signature, verify
//! it ([`super::verify`], before anything is parsed), refuse a sequence not
//! above the one in force, then keep the feed ([`super::Store::accept`]).
//! Every outcome is recorded in [`super::State`]; a failure never removes
//! the feed in force.

use std::path::Path;
use std::time::Duration;

use super::{FeedConfig, FeedError, MAX_FEED_BYTES, MAX_SIGNATURE_BYTES, Store, now};

/// How long one request may take, connection and TLS included.
const TIMEOUT: Duration = Duration::from_secs(30);

/// What one fetch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new feed was accepted and is in force.
    Updated {
        /// Its sequence.
        sequence: u64,
    },
    /// The server's feed is the one in force.
    Unchanged,
    /// Nothing changed in force; why the fetch failed or the feed was refused.
    Failed(String),
}

/// Fetch the feed once, verify it and keep it if it is newer; record the
/// outcome in the state file. Never removes the feed in force.
pub fn fetch_once(config: &FeedConfig, data_dir: &Path) -> Outcome {
    let store = Store::new(data_dir);
    let mut state = store.state();
    if state.url.as_deref() != Some(config.url.as_str()) {
        state = super::State {
            url: Some(config.url.clone()),
            ..super::State::default()
        };
    }
    state.last_attempt = Some(now());
    let outcome = match try_fetch(config, &store, &mut state) {
        Ok(o) => o,
        Err(why) => Outcome::Failed(why),
    };
    match &outcome {
        Outcome::Failed(why) => {
            state.last_error = Some(why.clone());
            state.last_error_at = state.last_attempt;
            state.failures = state.failures.saturating_add(1);
        }
        _ => {
            state.last_error = None;
            state.last_error_at = None;
            state.failures = 0;
            state.last_success = state.last_attempt;
        }
    }
    if let Err(e) = store.save_state(&state) {
        // The outcome stands; only its record is missing.
        eprintln!(
            "secondlook: the indicator feed's state could not be written in {}: {e}",
            data_dir.display()
        );
    }
    outcome
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(crate::report::deliver::ROOTS.clone())
                .build(),
        )
        .https_only(true)
        .max_redirects(0)
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("secondlook/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

fn try_fetch(
    config: &FeedConfig,
    store: &Store,
    state: &mut super::State,
) -> Result<Outcome, String> {
    for url in [&config.url, &config.signature_url] {
        if !url.starts_with("https://") {
            return Err(format!("{url} is not an https:// address"));
        }
    }
    let in_force = store.in_force(&config.public_key).ok().flatten();
    let agent = agent();
    let mut request = agent.get(&config.url);
    if let (Some(etag), Some(_)) = (&state.etag, &in_force) {
        request = request.header("If-None-Match", etag);
    }
    let mut response = request
        .call()
        .map_err(|e| format!("the feed could not be fetched from {}: {e}", config.url))?;
    let status = response.status().as_u16();
    if status == 304 {
        return Ok(Outcome::Unchanged);
    }
    if status != 200 {
        let reason = response.status().canonical_reason().unwrap_or("");
        return Err(format!(
            "{} answered {status} {reason} (redirects are not followed: give the final address as feed.url)",
            config.url
        ));
    }
    let etag = response
        .headers()
        .get("ETag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let feed = response
        .body_mut()
        .with_config()
        .limit(MAX_FEED_BYTES)
        .read_to_vec()
        .map_err(|e| format!("the feed from {} could not be read: {e}", config.url))?;
    let mut sig_response = agent.get(&config.signature_url).call().map_err(|e| {
        format!(
            "the signature could not be fetched from {}: {e}",
            config.signature_url
        )
    })?;
    if sig_response.status().as_u16() != 200 {
        return Err(format!(
            "{} answered {} (the feed's signature must be published there)",
            config.signature_url,
            sig_response.status().as_u16()
        ));
    }
    let signature = sig_response
        .body_mut()
        .with_config()
        .limit(MAX_SIGNATURE_BYTES)
        .read_to_string()
        .map_err(|e| {
            format!(
                "the signature from {} could not be read: {e}",
                config.signature_url
            )
        })?;
    let verified = super::verify(&config.public_key, &feed, &signature)
        .map_err(|e| format!("the feed from {} is refused: {e}", config.url))?;
    if let Some(current) = &in_force {
        let (got, now_in_force) = (verified.sequence, current.verified.sequence);
        if got == now_in_force && verified.text == current.verified.text {
            state.etag = etag;
            return Ok(Outcome::Unchanged);
        }
        if got <= now_in_force {
            return Err(format!(
                "the feed from {} is refused: {}",
                config.url,
                FeedError::Replayed {
                    got,
                    current: now_in_force
                }
            ));
        }
    }
    store
        .accept(&config.url, &verified.text, &signature)
        .map_err(|e| {
            format!("the new feed is valid but could not be kept ({e}); the feed in force stays")
        })?;
    state.etag = etag;
    Ok(Outcome::Updated {
        sequence: verified.sequence,
    })
}

//! Whole-message analysis under a company policy: spans, safe only when
//! owned, owned hosts always safe, deterministic (secondlook::invariants);
//! and an owned domain planted in the fuzzed text is safe.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use secondlook::{Policy, Verdict, invariants};

const POLICY: &str = include_str!("../../tests/data/twilio.toml");

fn policy() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| Policy::from_toml(POLICY, "twilio.toml").expect("the test policy is valid"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = invariants::all(&text, policy()) {
        panic!("{e}\ninput: {text:?}");
    }
    // An owned domain on its own line, whatever surrounds it, is safe.
    let owned =
        ["twilio.com", "sendgrid.com", "authy.com"][data.first().map_or(0, |b| *b as usize % 3)];
    let path: String = data
        .iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .take(16)
        .map(|b| *b as char)
        .collect();
    let planted = format!("{text}\nhttps://{owned}/{path}\n{text}");
    let a = secondlook::analyze(&planted, policy());
    let found = a
        .links
        .iter()
        .find(|l| l.link.text == format!("https://{owned}/{path}"));
    if let Some(l) = found {
        assert_eq!(
            l.verdict,
            Verdict::Safe,
            "https://{owned}/{path} in {planted:?}"
        );
    }
});

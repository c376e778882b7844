//! Hostile and broken input: never a panic, always an answer, caps said out loud.

use secondlook::analysis::analyze_bytes;
use secondlook::{MAX_LINKS, MAX_TEXT_BYTES, MAX_WORDS_BYTES, Verdict, analyze};

use crate::twilio;

#[test]
fn empty_and_whitespace() {
    let p = twilio();
    for t in ["", " ", "\n\n\t"] {
        let a = analyze(t, &p);
        assert_eq!(a.verdict, Verdict::Unknown);
        assert!(a.links.is_empty());
    }
}

#[test]
fn binary_and_invalid_utf8_are_repaired_and_said_so() {
    let mut bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    bytes.extend_from_slice(b" log in at twilio-sso.com ");
    bytes.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    let a = analyze_bytes(&bytes, bytes.len(), &twilio());
    assert_eq!(a.verdict, Verdict::Dangerous);
    assert!(a.notes.iter().any(|n| n.contains("not valid text")));
}

#[test]
fn ten_megabytes_are_capped_and_the_cap_is_said() {
    let big = "a".repeat(10 * 1024 * 1024) + " twilio-sso.com";
    let a = analyze(&big, &twilio());
    assert!(a.links.is_empty(), "the link after the cap is not seen");
    assert!(a.notes[0].starts_with(&format!("Only the first {MAX_TEXT_BYTES} of")));
    assert!(a.explanation().contains("Only the first"));
}

/// The words are read for lures up to MAX_WORDS_BYTES (bounded time on a
/// megabyte of words, issue #17 §2); beyond, links are still checked, and
/// the cap is said. Below it, nothing changes.
#[test]
fn words_beyond_the_lure_cap_are_not_read_and_the_cap_is_said() {
    let p = twilio();
    let lure = "IT here: read me the 6-digit code you just got, or your account is locked.";
    let filler = "the meeting notes follow ".repeat(MAX_WORDS_BYTES / 25 + 10);
    let cap = format!("Only the first {} KiB of the words", MAX_WORDS_BYTES >> 10);
    let early = analyze(&format!("{lure} {filler}"), &p);
    assert!(early.verdict >= Verdict::Suspicious, "{:?}", early.verdict);
    assert!(early.notes.iter().any(|n| n.contains(&cap)));
    let late = analyze(&format!("{filler} {lure} see twilio-sso.com"), &p);
    assert!(late.notes.iter().any(|n| n.contains(&cap)));
    assert!(
        late.message_findings.is_empty(),
        "words after the cap were read"
    );
    assert_eq!(
        late.verdict,
        Verdict::Dangerous,
        "the link after the cap is checked"
    );
    let short = analyze(lure, &p);
    assert!(short.verdict >= Verdict::Suspicious);
    assert!(short.notes.iter().all(|n| !n.contains(&cap)));
    // Blanks after the cap (links only) are no words left unread.
    let long_link = format!(" https://twilio-sso.com/{}", "a".repeat(230));
    let links = format!("{lure}{}", long_link.repeat(MAX_WORDS_BYTES / 230 + 10));
    let a = analyze(&links, &p);
    assert!(a.notes.iter().all(|n| !n.contains(&cap)), "{:?}", a.notes);
}

#[test]
fn a_million_dots_and_deep_brackets() {
    let p = twilio();
    let dots = ".".repeat(1_000_000);
    assert_eq!(analyze(&dots, &p).verdict, Verdict::Unknown);
    let nested = "(".repeat(100_000) + "twilio-sso.com" + &")".repeat(100_000);
    let a = analyze(&nested, &p);
    assert_eq!(a.verdict, Verdict::Dangerous);
    assert_eq!(a.links[0].link.text, "twilio-sso.com");
    let brackets = "[".repeat(200_000) + "hxxps[:]//evil[.]com" + &"]".repeat(200_000);
    let _ = analyze(&brackets, &p);
}

#[test]
fn too_many_links_are_capped() {
    let many = "twilio-sso.com ".repeat(MAX_LINKS + 50);
    let a = analyze(&many, &twilio());
    assert_eq!(a.links.len(), MAX_LINKS);
    assert!(
        a.notes
            .iter()
            .any(|n| n.contains(&format!("Only the first {MAX_LINKS} links")))
    );
}

#[test]
fn long_labels_and_hosts() {
    let p = twilio();
    let label = "a".repeat(300);
    for text in [
        format!("https://{label}.com/"),
        format!("https://{}twilio.com/", "x.".repeat(200)),
        format!("{label}-twilio-sso.com"),
        format!("https://{}", "xn--".repeat(1000)),
    ] {
        let _ = analyze(&text, &p);
    }
}

#[test]
fn a_character_across_the_cap_is_left_out_not_garbled() {
    let mut bytes = "a".repeat(MAX_TEXT_BYTES - 1).into_bytes();
    bytes.extend_from_slice("é twilio-sso.com".as_bytes());
    let text = secondlook::analysis::message_text(&bytes);
    assert_eq!(text.len(), MAX_TEXT_BYTES - 1);
    assert!(
        !text.ends_with('\u{FFFD}'),
        "the report carries what was analysed, cut cleanly"
    );
    let a = analyze_bytes(&bytes, bytes.len(), &twilio());
    assert!(
        !a.notes.iter().any(|n| n.contains("not valid text")),
        "a clean cut is not invalid text"
    );
}

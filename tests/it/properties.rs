//! Properties that must hold for every input, checked on generated inputs
//! (proptest): spans, determinism, what is safe, refanging, Unicode versus
//! punycode, and surrounding punctuation.

use proptest::prelude::*;
use secondlook::{Verdict, analyze};

use crate::twilio;

/// Text that stresses the extractor: prose, link fragments, defanging,
/// look-alike dots, invisible and direction characters, emoji, brackets.
fn messy_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        " ",
        "\n",
        ".",
        ",",
        "(",
        ")",
        "[",
        "]",
        "[.]",
        "(.)",
        "hxxps[:]//",
        "https://",
        "http://",
        "@",
        "/",
        "\\",
        ":",
        "%2F",
        "%40",
        "xn--",
        "twilio",
        "-okta",
        "sso",
        ".com",
        ".net",
        "。",
        "．",
        "\u{200B}",
        "\u{202E}",
        "\u{FEFF}",
        "👉",
        "™",
        "é",
        "а",
        "0x7f",
        "3232235777",
        "www.",
        "login",
        "example",
        "co.uk",
        "?q=1",
        "#x",
        "\"",
        "'",
        "<",
        ">",
        "«",
        "»",
        "€",
        // punctuation glued in front of names, dead hosts with names inside
        "¡",
        "¿",
        "•",
        "—",
        "“",
        "（",
        "）",
        "！",
        "・",
        "https://x?q=",
        "https://x/",
        "ѕепԁԍгіԁ",
        "τωιιο",
        "ɡ",
        "\u{2800}",
        // characters IDNA maps to ones that end a host (`：` → `:`)
        "：",
        "／",
        "＠",
        "﹕",
        "℅",
        "\u{3000}",
        "¢",
        "©",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(str::to_owned), "\\PC{0,6}"],
        0..40,
    )
    .prop_map(|v| v.concat())
}

fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,8}(-[a-z0-9]{1,6})?"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn spans_lie_inside_the_input_on_char_boundaries(text in messy_text()) {
        let a = analyze(&text, &twilio());
        prop_assert_eq!(secondlook::invariants::spans(&text, &a), Ok(()));
    }

    #[test]
    fn analysis_is_deterministic(text in messy_text()) {
        prop_assert_eq!(secondlook::invariants::deterministic(&text, &twilio()), Ok(()));
    }

    #[test]
    fn safe_only_when_owned_and_owned_domains_always_safe(text in messy_text()) {
        let p = twilio();
        let a = analyze(&text, &p);
        prop_assert_eq!(secondlook::invariants::safety(&p, &a), Ok(()));
    }

    #[test]
    fn a_host_under_an_owned_domain_is_always_safe(sub in label(), path in "[a-z0-9/]{0,10}") {
        let text = format!("https://{sub}.twilio.com/{path}");
        let a = analyze(&text, &twilio());
        prop_assert_eq!(a.links.len(), 1);
        prop_assert_eq!(a.links[0].verdict, Verdict::Safe);
    }

    #[test]
    fn a_host_not_owned_is_never_safe(name in label(), suffix in prop::sample::select(vec!["com", "net", "org", "io", "co.uk", "okta.com", "github.io"])) {
        let host = format!("{name}.{suffix}");
        prop_assume!(!["twilio.com", "sendgrid.com", "authy.com"].contains(&host.as_str()));
        let a = analyze(&format!("see https://{host}/x"), &twilio());
        for l in &a.links {
            prop_assert_ne!(l.verdict, Verdict::Safe, "{}", host);
        }
    }

    #[test]
    fn refanging_is_idempotent(text in messy_text()) {
        let once = secondlook::text::normalize(&text).text;
        prop_assert_eq!(secondlook::text::normalize(&once).text, once.clone());
    }

    #[test]
    fn unicode_and_punycode_forms_get_the_same_verdict(
        subs in prop::collection::vec((0usize..6, prop::sample::select(vec!['ẁ', 'ı', 'ḷ', 'ó', 'і', 'ο', 'ť', 'ŵ'])), 1..3)
    ) {
        let mut chars: Vec<char> = "twilio".chars().collect();
        for (i, c) in subs {
            chars[i] = c;
        }
        let unicode: String = chars.into_iter().collect();
        let Ok(ascii) = idna::domain_to_ascii(&format!("{unicode}.com")) else { return Ok(()) };
        let p = twilio();
        let a = analyze(&format!("https://{unicode}.com/login"), &p);
        let b = analyze(&format!("https://{ascii}/login"), &p);
        prop_assert_eq!(a.links[0].verdict, b.links[0].verdict, "{} vs {}", unicode, ascii);
        prop_assert_eq!(&a.links[0].brand, &b.links[0].brand);
    }

    #[test]
    fn whitespace_and_punctuation_around_a_link_do_not_change_its_verdict(
        host in prop::sample::select(vec!["twilio-okta.net", "twilio.com", "example.org", "tw1lio.com", "sendgrid-sso.com", "twilio.com.evil.info"]),
        before in prop::sample::select(vec!["", " ", "\n", "(", "\"", "«", "see: ", "👉"]),
        after in prop::sample::select(vec!["", " ", ".", ",", ")", "!", "?", "\"", "»", "…", "👈", ";"]),
    ) {
        let p = twilio();
        let plain = analyze(host, &p);
        let wrapped = analyze(&format!("{before}{host}{after}"), &p);
        let read: Vec<_> = wrapped.links.iter().filter(|l| l.link.via.is_none()).collect();
        prop_assert_eq!(read.len(), 1);
        prop_assert_eq!(read[0].link.text.as_str(), host);
        if before == "👉" {
            // Some phones open an emoji in front of a name as part of it
            // (another site): that reading is judged too and can only add.
            prop_assert!(read[0].verdict >= plain.links[0].verdict);
            prop_assert!(read[0].verdict != Verdict::Safe);
        } else {
            prop_assert_eq!(wrapped.links.len(), 1);
            prop_assert_eq!(read[0].verdict, plain.links[0].verdict);
        }
    }
}

/// Links as attackers write them to make the judged host differ from the
/// opened one: damaged schemes, symbols IDNA maps into letters, redirects,
/// markup, entities, line breaks, tenants.
fn hostile_link() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec![
        "https://",
        "http://",
        "ttps://",
        "https//",
        "https;//",
        "http:/",
        "https:",
        "//",
        "intent://",
        "hxxps[:]//",
        "HTTPS://",
        "",
    ]);
    let name = prop::sample::select(vec![
        "twilio",
        "twilio-okta",
        "twilio-sso",
        "sendgrid",
        "evil",
        "tw1lio",
        "okta-twilio",
        "www.twilio",
        "login.twilio",
        "twilio-sso.okta",
        "twilio.onelogin",
        "example",
    ]);
    let glue = prop::sample::select(vec![
        "", "™", "℠", "Ⓜ", "©", "😀", "\u{200B}", "&#46;", "-\n", "\u{00AD}", "ß", "\u{0307}",
    ]);
    let tld = prop::sample::select(vec![
        ".com",
        ".net",
        ".org",
        ".ws",
        ".co.uk",
        ".онлайн",
        ".com.evil.example",
        "&#46;com",
    ]);
    let tail = prop::sample::select(vec![
        "",
        "/login",
        "/?next=https://twilio-okta.com/",
        "?url=https%3A%2F%2Ftwilio-sso.com%2F",
        "/v3/__https://twilio-okta.net/__;!!x",
        "#next=//evil.example/",
        "@evil.example/",
        ".",
    ]);
    let wrap = prop::sample::select(vec!["plain", "markdown", "html", "quote"]);
    (scheme, name, glue, tld, tail, wrap).prop_map(|(s, n, g, t, tail, w)| {
        let link = format!("{s}{n}{g}{t}{tail}");
        match w {
            "markdown" => format!("[twilio.com]({link})"),
            "html" => format!("<a href=\"{link}\">www.twilio.com</a>"),
            "quote" => format!("Log in at «{link}» now"),
            _ => format!("Your password expired, log in at {link}"),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// The host judged is the host the WHATWG parser opens, and every link
    /// a phone would open is judged (secondlook::invariants::destinations);
    /// nothing unowned is safe.
    #[test]
    fn what_is_judged_is_what_would_be_opened(text in hostile_link()) {
        let p = twilio();
        let r = secondlook::invariants::all(&text, &p);
        prop_assert!(r.is_ok(), "{:?}: {:?}", text, r.err());
        let a = analyze(&text, &p);
        prop_assert_eq!(secondlook::invariants::destinations(&text, &a), Ok(()), "{:?}", text);
    }

    /// On fully random text too, both halves hold: punctuation and symbols
    /// glued in front of a name, and names behind a host that leads nowhere
    /// (`https://x?q=evil.com`), are judged as a phone would open them.
    #[test]
    fn messy_text_is_judged_as_it_would_be_opened(text in messy_text()) {
        let a = analyze(&text, &twilio());
        prop_assert_eq!(secondlook::invariants::destinations(&text, &a), Ok(()), "{:?}", text);
    }
}

/// Policy-like text: real keys and sections mixed with garbage.
fn policy_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "[organization]\n",
        "[[brand]]\n",
        "[detection]\n",
        "[indicators]\n",
        "[report]\n",
        "[report.smtp]\n",
        "[[report.webhook]]\n",
        "name = \"X\"\n",
        "domains = [\"x.com\"]\n",
        "domains = [\"co.uk\", \"\"]\n",
        "sign_in = [\"https://x.com\"]\n",
        "tls = \"none\"\n",
        "port = 99999999999999999999\n",
        "severity = { typosquat = \"info\" }\n",
        "blocked = [\"x.com\"]\n",
        "url = \"http://[::1\"\n",
        "= \n",
        "\"\n",
        "[[\n",
        "]]\n",
        "#\n",
        "\u{0}",
        "\u{FEFF}",
        "é",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(str::to_owned), "\\PC{0,8}"],
        0..30,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn policy_checking_never_panics_and_points_inside_the_file(text in policy_text()) {
        let problems = secondlook::policy::validate::check(&text, "p.toml");
        let lines = text.split('\n').count();
        for p in &problems {
            prop_assert!(p.line >= 1 && p.line <= lines, "{p}");
            prop_assert!(p.column >= 1);
        }
        let _ = secondlook::Policy::from_toml(&text, "p.toml");
    }

    #[test]
    fn the_outbox_reads_back_any_file_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().unwrap();
        let outbox = secondlook::report::outbox::Outbox::new(dir.path());
        std::fs::create_dir_all(outbox.dir()).unwrap();
        std::fs::write(outbox.dir().join("x.json"), &bytes).unwrap();
        let (entries, errors) = outbox.list();
        prop_assert_eq!(entries.len() + errors.len(), 1, "read as a report or reported as corrupt, never dropped");
    }
}

/// Every kind of character glued to a name, in each of the places of
/// `invariants::glue_texts`: the first and last character of each general
/// category in each block of 256 code points up to U+2FFFF (the whole
/// range is `examples/glue_search.rs`, docs/security.md). Deterministic:
/// CI checks each class of character, not a random few.
#[test]
fn every_kind_of_character_glued_to_a_name() {
    let categories = [
        "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe",
        "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Cf",
    ];
    let classes: Vec<regex::Regex> = categories
        .iter()
        .filter_map(|c| regex::Regex::new(&format!(r"^\p{{{c}}}$")).ok())
        .collect();
    assert_eq!(classes.len(), categories.len());
    let p = twilio();
    let mut failures = Vec::new();
    let mut checked = 0;
    for block in (0x80u32..0x30000).step_by(256) {
        let chars: Vec<char> = (block..block + 256).filter_map(char::from_u32).collect();
        for class in &classes {
            let mut of_class = chars.iter().filter(|c| class.is_match(&c.to_string()));
            let first = of_class.next();
            let last = of_class.next_back();
            for c in first.into_iter().chain(last) {
                checked += 1;
                for text in &secondlook::invariants::glue_texts(*c) {
                    let a = analyze(text, &p);
                    if let Err(e) = secondlook::invariants::destinations(text, &a) {
                        failures.push(format!("U+{:04X} {text:?}: {e}", *c as u32));
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} characters sampled");
    assert!(
        failures.is_empty(),
        "{} failures, first: {:#?}",
        failures.len(),
        failures.iter().take(10).collect::<Vec<_>>()
    );
}

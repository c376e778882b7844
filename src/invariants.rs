//! The properties every analysis must have, as checks that return what
//! broke. The fuzz targets (`fuzz/`) and the property tests
//! (`tests/it/properties.rs`) both call these, so the invariants are written
//! once.

use crate::analysis::{Analysis, Verdict, analyze};
use crate::extract::Kind;
use crate::json::AnalysisJson;
use crate::policy::{Owner, Policy};

/// Every link's span lies inside `text`, on character boundaries, and
/// holds exactly the link's text.
pub fn spans(text: &str, analysis: &Analysis) -> Result<(), String> {
    for l in &analysis.links {
        let s = &l.link.span;
        if s.start > s.end || s.end > text.len() {
            return Err(format!("span {s:?} outside a text of {} bytes", text.len()));
        }
        if !text.is_char_boundary(s.start) || !text.is_char_boundary(s.end) {
            return Err(format!("span {s:?} not on character boundaries"));
        }
        if text.get(s.clone()) != Some(l.link.text.as_str()) {
            return Err(format!("span {s:?} does not hold {:?}", l.link.text));
        }
    }
    Ok(())
}

/// Safe only when owned: a link is `safe` only if its host is equal to or
/// under a domain the policy lists (never a blocked one), and a host equal
/// to a listed domain (not blocked) is always `safe`.
pub fn safety(policy: &Policy, analysis: &Analysis) -> Result<(), String> {
    for l in &analysis.links {
        let Some(host) = &l.link.host else {
            if l.verdict == Verdict::Safe {
                return Err(format!("{:?} has no host but is safe", l.link.text));
            }
            continue;
        };
        let owned = policy.owner_of(host).is_some();
        let blocked = policy.blocked_by(host).is_some();
        if l.verdict == Verdict::Safe && (!owned || blocked) {
            return Err(format!("{} is safe but not owned", host.ascii));
        }
        let exactly_listed = matches!(
            policy.owner_of(host),
            Some(Owner::Brand(_) | Owner::Trusted)
        ) && policy
            .brands
            .iter()
            .any(|b| b.domains.contains(&host.ascii));
        let hidden_tricks = !l.link.hidden.is_empty()
            || l.link
                .parsed
                .as_ref()
                .is_some_and(|u| !u.username().is_empty() || u.password().is_some());
        // A link inside the address, or a shown address that differs from
        // the target, can make an owned link unsafe (relation rules).
        let related = l
            .findings
            .iter()
            .any(|f| crate::rules::RELATION_RULES.iter().any(|r| r.id == f.rule));
        if exactly_listed && !blocked && !hidden_tricks && !related && l.verdict != Verdict::Safe {
            return Err(format!("{} is owned but {}", host.ascii, l.verdict));
        }
    }
    Ok(())
}

/// Analysing the same text twice gives the same result, byte for byte.
pub fn deterministic(text: &str, policy: &Policy) -> Result<(), String> {
    let one = serde_json::to_string(&AnalysisJson::new(&analyze(text, policy)));
    let two = serde_json::to_string(&AnalysisJson::new(&analyze(text, policy)));
    match (one, two) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        (Ok(_), Ok(_)) => Err("two analyses of the same text differ".into()),
        (Err(e), _) | (_, Err(e)) => Err(format!("the analysis does not serialise: {e}")),
    }
}

/// What is judged is what would be opened.
///
/// 1. Every web link's judged host is the host the WHATWG parser (the `url`
///    crate, as browsers) gives for the link's URL (with `http://` in front
///    when it has no scheme).
/// 2. Every link a phone would make of the raw text (`linkify` on the text
///    as written, no normalising) that opens a real name (`http`/`https`,
///    a host under a known public suffix) is judged: the analysis holds a
///    link to that very host, or a link overlapping it that is flagged
///    (`suspicious` or worse: the text hides something, and it is said).
pub fn destinations(text: &str, analysis: &Analysis) -> Result<(), String> {
    judged_is_opened(analysis)?;
    nothing_dropped(text, analysis)
}

/// Part 1 of [`destinations`] alone: every judged host is the host the
/// WHATWG parser gives for the link's URL.
pub fn judged_is_opened(analysis: &Analysis) -> Result<(), String> {
    for l in &analysis.links {
        let (Some(judged), Kind::Web) = (&l.link.host, l.link.kind) else {
            continue;
        };
        if l.link.parsed.is_none() {
            continue;
        }
        let web = |u: &url::Url| matches!(u.scheme(), "http" | "https" | "ftp" | "ws" | "wss");
        let opened = url::Url::parse(&l.link.url)
            .ok()
            .filter(web)
            .or_else(|| url::Url::parse(&format!("http://{}", l.link.url)).ok())
            .and_then(|u| {
                u.host()
                    .map(|h| crate::host::HostFacts::from_url_host(&h).ascii)
            });
        if opened.as_deref() != Some(judged.ascii.as_str()) {
            return Err(format!(
                "{:?} is judged as {} but opens {opened:?}",
                l.link.url, judged.ascii
            ));
        }
    }
    Ok(())
}

/// Part 2 of [`destinations`] alone: every link a phone would make of the
/// raw text is judged.
pub fn nothing_dropped(text: &str, analysis: &Analysis) -> Result<(), String> {
    if analysis.links.len() >= crate::MAX_LINKS || text.len() > crate::MAX_TEXT_BYTES {
        return Ok(());
    }
    let mut finder = linkify::LinkFinder::new();
    finder
        .url_must_have_scheme(false)
        .kinds(&[linkify::LinkKind::Url]);
    for raw in finder.links(text) {
        // Quotation marks and symbols at the edges of a link separate it
        // from the words around it, for a reader and for this check.
        let edge = |c: char| !c.is_ascii() && crate::text::is_symbol_char(c);
        let s = raw.as_str().trim_matches(edge);
        if s.is_empty() {
            continue;
        }
        // Punctuation glued in front of a name (`¡twilio.com`, `¡👉co.uk`)
        // is the phone's reading, and judged as such; quotation marks and
        // brackets at the edges end a link (trimmed above, or mapped to
        // ASCII punctuation no registry gives out: `（` → `(`).
        check_phone_reading(text, raw.start(), raw.end(), s, analysis)?;
        check_latin_names_in_unspaced_text(text, raw.start(), raw.end(), s, analysis)?;
    }
    Ok(())
}

/// Where the host of a link `s` lies as written: after `//` if it has one,
/// up to the first `/`, `?`, `#` or `\` (start, end in bytes).
fn host_as_written(s: &str) -> (usize, usize) {
    let rest_at = s.find("//").map_or(0, |i| i + 2);
    let host_end = s
        .get(rest_at..)
        .and_then(|r| r.find(['/', '?', '#', '\\']))
        .map_or(s.len(), |i| rest_at + i);
    (rest_at, host_end)
}

/// A link a phone makes of text written without spaces (Chinese, Japanese,
/// Korean particles, Thai: `ログインはtwilio-okta.comから`) runs into the
/// words around the name; a reader sees the Latin name itself, and copies
/// or types that. Each run of ASCII name characters in the host that
/// touches a letter of such a script is checked as a reading of its own.
fn check_latin_names_in_unspaced_text(
    text: &str,
    start: usize,
    end: usize,
    s: &str,
    analysis: &Analysis,
) -> Result<(), String> {
    static UNSPACED: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]",
        )
        .ok()
    });
    let Some(unspaced) = UNSPACED.as_ref() else {
        return Ok(());
    };
    if s.is_ascii() || !unspaced.is_match(s) {
        return Ok(());
    }
    let (rest_at, host_end) = host_as_written(s);
    let host = s.get(rest_at..host_end).unwrap_or("");
    // Cut at each run of such letters glued to the rest (not joined to it
    // by a dot or a hyphen: `日本語.jp` is a name as written).
    let is_unspaced = |c: char| unspaced.is_match(c.encode_utf8(&mut [0u8; 4]));
    let chars: Vec<(usize, char)> = host.char_indices().collect();
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    let mut cut = false;
    let mut k = 0;
    while let Some(&(i, c)) = chars.get(k) {
        if !is_unspaced(c) {
            k += 1;
            continue;
        }
        let mut j = k;
        while chars.get(j).is_some_and(|&(_, c)| is_unspaced(c)) {
            j += 1;
        }
        let end = chars.get(j).map_or(host.len(), |&(e, _)| e);
        let joined = |c: Option<&(usize, char)>| c.is_none_or(|&(_, c)| c == '.' || c == '-');
        let glued = !joined(k.checked_sub(1).and_then(|p| chars.get(p))) || !joined(chars.get(j));
        // A word, not a mark alone (U+17B4, which IDNA removes).
        let word = host
            .get(i..end)
            .is_some_and(|w| w.chars().any(char::is_alphabetic));
        if glued && word {
            cut = true;
            pieces.push((from, i));
            from = end;
        }
        k = j;
    }
    if !cut {
        return Ok(());
    }
    pieces.push((from, host.len()));
    let mark = |c: char| !c.is_ascii() && !c.is_alphanumeric();
    for (a, b) in pieces.into_iter().take(64) {
        let piece = host
            .get(a..b)
            .unwrap_or("")
            .trim_matches(mark)
            .trim_start_matches(['.', '-'])
            .trim_end_matches(mark);
        if piece.contains('.') && piece.bytes().any(|b| b.is_ascii_alphabetic()) {
            // The rest of the address stays with the last piece.
            let rest = if b == host.len() {
                s.get(host_end..).unwrap_or("")
            } else {
                ""
            };
            check_phone_reading(text, start, end, &format!("{piece}{rest}"), analysis)?;
        }
    }
    Ok(())
}

/// One link `s` a phone would make at `start..end` of the raw text: its
/// host is judged, or a flagged link overlaps it. Behind a host that leads
/// nowhere (`https://x?q=evil.com`), the names inside are what a phone
/// opens instead, and are checked too.
fn check_phone_reading(
    text: &str,
    start: usize,
    end: usize,
    s: &str,
    analysis: &Analysis,
) -> Result<(), String> {
    {
        // Quotation marks and brackets end a link: what is glued in front
        // of one (`€«co.uk`) is not part of the name the text shows.
        let lead = s
            .char_indices()
            .take_while(|(_, c)| !c.is_ascii() && !c.is_alphanumeric())
            .filter(|(_, c)| crate::text::is_quote_or_bracket(*c))
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        let s = s.get(lead..).unwrap_or(s);
        let lower = s.to_ascii_lowercase();
        let to_parse = if lower.starts_with("http://") || lower.starts_with("https://") {
            s.to_owned()
        } else if s.contains("://") {
            return Ok(());
        } else {
            format!("http://{s}")
        };
        let Ok(u) = url::Url::parse(&to_parse) else {
            return check_pieces_a_reader_sees(text, start, end, s, analysis);
        };
        let Some(h) = u.host() else {
            return check_pieces_a_reader_sees(text, start, end, s, analysis);
        };
        let facts = crate::host::HostFacts::from_url_host(&h);
        if crate::extract::leads_nowhere(&facts) {
            // A host that leads nowhere: the phone links a name inside.
            // What follows the host as written (not as the parser
            // re-encodes it).
            let after = s.get(host_as_written(s).1..).unwrap_or("");
            let mut finder = linkify::LinkFinder::new();
            finder
                .url_must_have_scheme(false)
                .kinds(&[linkify::LinkKind::Url]);
            let inner: Vec<(usize, String)> = finder
                .links(after)
                .take(3)
                .map(|l| (l.start(), l.as_str().to_owned()))
                .collect();
            for (at, inner) in inner {
                let edge = |c: char| !c.is_ascii() && crate::text::is_symbol_char(c);
                let inner = inner.trim_end_matches('\\').trim_matches(edge);
                let in_escape = at >= 1 && after.as_bytes().get(at - 1) == Some(&b'%');
                if !inner.contains("://") && !in_escape {
                    check_phone_reading(text, start, end, inner, analysis)?;
                }
            }
            return Ok(());
        }
        // Names DNS cannot resolve (an empty label: `a..com`) open nothing.
        // Registries refuse a name that starts or ends with a hyphen, or
        // has other characters than letters, digits and hyphens (`(x.com`),
        // or punctuation or non-emoji symbols (`€`, `¡`, `«`): IDNA 2008,
        // which registries follow, disallows them. Second Look still judges
        // such a reading where it finds one (`¡twilio.com`, flagged by
        // `idn-spoof`), but a phone opening it reaches nobody's site.
        let unregistrable = facts.ascii.contains("..")
            || facts
                .label
                .chars()
                .any(|c| !c.is_ascii() && crate::text::is_unregistrable_char(c))
            || facts.ascii.starts_with('.')
            || facts.label.starts_with('-')
            || facts.label.ends_with('-')
            || facts
                .ascii
                .bytes()
                .any(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'.'));
        if !facts.suffix_known || facts.registrable.is_none() || unregistrable {
            return Ok(());
        }
        // `linkify` also starts links inside a percent escape (`%2Ftwilio…`
        // → `2Ftwilio…`); such a piece is part of a longer address.
        let bytes = text.as_bytes();
        if start >= 1 && bytes.get(start - 1) == Some(&b'%') {
            return Ok(());
        }
        // The same host, or (where refanging glued a word in front: `%2F[.]x.uk`)
        // another host of the same registrable name, which one owner runs
        // (not on a shared platform, where each name is someone else's).
        let same = analysis.links.iter().any(|l| {
            l.link.host.as_ref().is_some_and(|j| {
                j.ascii == facts.ascii
                    || (!facts.suffix_private
                        && j.registrable.is_some()
                        && j.registrable == facts.registrable
                        && j.is_at_or_under(&facts.ascii))
            })
        });
        let flagged_over_it = analysis.links.iter().any(|l| {
            l.link.span.start < end && start < l.link.span.end && l.verdict >= Verdict::Suspicious
        });
        if !same && !flagged_over_it {
            return Err(format!(
                "a phone would open {} ({s:?}) but it was not judged",
                facts.ascii
            ));
        }
    }
    Ok(())
}

/// A reading no browser can open as written because its host holds a
/// character the parser refuses in a host (`Update：twilio-okta.com`: IDNA
/// maps `：` to `:`). The text still shows the names around that
/// character, and a reader copies or types those: each piece of the host
/// between such characters that has a dot is checked as a reading of its
/// own. Which characters those are is asked of the parser itself, one
/// character at a time (`http://x` + c + `y.com/`), not of the extractor's
/// own list.
fn check_pieces_a_reader_sees(
    text: &str,
    start: usize,
    end: usize,
    s: &str,
    analysis: &Analysis,
) -> Result<(), String> {
    let (rest_at, host_end) = host_as_written(s);
    // Invisible characters (format characters: ZWNJ, direction marks) end
    // nothing a reader sees: the name runs on past them.
    static FORMAT: std::sync::LazyLock<Option<regex::Regex>> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"^\p{Cf}$").ok());
    let invisible = |c: char| {
        FORMAT
            .as_ref()
            .is_some_and(|re| re.is_match(c.encode_utf8(&mut [0u8; 4])))
    };
    let refused = |c: char| {
        !c.is_ascii() && !invisible(c) && url::Url::parse(&format!("http://x{c}y.com/")).is_err()
    };
    let mut from = 0;
    let mut cut = false;
    let host = s.get(rest_at..host_end).unwrap_or("");
    for (i, c) in host.char_indices().filter(|(_, c)| refused(*c)).take(64) {
        let at = rest_at + i;
        cut = true;
        if let Some(piece) = s.get(from..at).filter(|p| p.contains('.')) {
            check_phone_reading(text, start, end, piece, analysis)?;
        }
        from = at + c.len_utf8();
    }
    match s.get(from..) {
        Some(piece) if cut && piece.contains('.') => {
            check_phone_reading(text, start, end, piece, analysis)
        }
        _ => Ok(()),
    }
}

/// All of the above for one text.
pub fn all(text: &str, policy: &Policy) -> Result<Analysis, String> {
    let a = analyze(text, policy);
    spans(text, &a)?;
    safety(policy, &a)?;
    // Both halves: the judged host is the parser's, and no link a phone
    // would open is dropped (also on random text since the issue #17 gaps
    // were closed: glued punctuation, names behind a dead host).
    destinations(text, &a)?;
    deterministic(text, policy)?;
    Ok(a)
}

/// Texts that glue the character `c` to a name in each place a phone's
/// link finder or IDNA treats specially: in front of a name, inside a
/// label, between labels, after a dot, behind a host that leads nowhere,
/// after a refanged name, and twice (a label of its own). The systematic
/// search over Unicode (`examples/glue_search.rs`, and a sample of every
/// general category in `tests/it/properties.rs`) runs [`destinations`] on
/// each, so a whole class of characters is checked, not only the ones the
/// random property test happens to draw.
pub fn glue_texts(c: char) -> Vec<String> {
    [
        "{c}twilio-okta.com ",
        "x{c}twilio-okta.com ",
        "twilio{c}-okta.com ",
        "twilio{c}.com ",
        "a{c}.twilio-okta.com ",
        "{c}.twilio-okta.com ",
        "a{c}.{c}.com ",
        "¢{c}A.0co.uk ",
        "{c}a.0co.uk ",
        "x{c}a.0co.uk ",
        "a{c}.0co.uk ",
        "{c}¢a.0co.uk ",
        "a.{c}.{c}.0co.uk ",
        "{c}{c}a.co.uk ",
        "twilio-okta.com{c} ",
        "twilio-okta.com{c}.ws ",
        "https://twilio.com{c}.ws/login",
        "https://{c}twilio-okta.com/",
        "https://x?q={c}twilio-okta.com ",
        "https://x?q=,{c}.com{c} ",
        "www.{c}twilio.com ",
        "hxxps[:]//twilio-okta[.]com{c} ",
        "login.twilio-okta{c}com ",
        "(twilio{c}okta.com) ",
        "\u{2014}{c}twilio-okta.com ",
        "Update{c}twilio-okta.com ",
        "こちら{c}twilio-okta.com/login ",
        "twilio-okta.com{c}x ",
        "https://twilio.com{c}twilio-okta.com/ ",
    ]
    .iter()
    .map(|t| t.replace("{c}", c.encode_utf8(&mut [0u8; 4])))
    .collect()
}

//! Finding every link and e-mail address a person could act on in free text.
//!
//! Pipeline: [`crate::text::normalize`] (refang, look-alike dots, invisible
//! characters) → `linkify` with scheme-less links enabled → WHATWG parsing
//! with `url` → [`HostFacts`]. Scheme-less candidates are kept only when their
//! suffix is in the Public Suffix List, so `node.js` or `file.txt` are not links.

use std::ops::Range;
use std::sync::LazyLock;

use linkify::{LinkFinder, LinkKind};
use regex::Regex;

use crate::host::{HostFacts, MAX_HOST_LEN};
use crate::text::{EditKind, Normalized};

/// What kind of thing was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A web link (with or without `https://`).
    Web,
    /// An e-mail address; its domain is assessed.
    Email,
}

/// One link found in a message, with everything the rules need.
#[derive(Debug, Clone)]
pub struct Link {
    /// Byte span in the original text (on character boundaries).
    pub span: Range<usize>,
    /// Byte span in the normalised text.
    pub normalized_span: Range<usize>,
    /// Exactly the text the person saw.
    pub text: String,
    /// The link after refanging, as it would be opened (never opened here).
    pub url: String,
    /// Web link or e-mail address.
    pub kind: Kind,
    /// The WHATWG parse, for web links that parse.
    pub parsed: Option<url::Url>,
    /// Facts about the host, when there is one.
    pub host: Option<HostFacts>,
    /// The host exactly as written in the (refanged) link.
    pub written_host: String,
    /// What the normalising pass undid inside this link.
    pub hidden: Vec<EditKind>,
    /// Why the link could not be parsed, if it could not.
    pub parse_error: Option<String>,
}

impl Link {
    /// The link was written in a defanged form and read back.
    pub fn refanged(&self) -> bool {
        self.hidden.contains(&EditKind::Refanged)
    }
}

/// Links written with a scheme. `linkify` misses several forms that matter
/// here (numeric and hex IP hosts, percent-encoded user names, non-Latin
/// top-level domains, backslashes), so they are found by this scan first.
static SCHEME_URL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?i)(?:https?|ftp|wss?)://[^\s<>"'`\p{So}\p{Cc}]+"#).ok());

/// Drop trailing punctuation that belongs to the sentence, and closing
/// brackets that were opened outside the link. Linear: brackets are counted
/// once, then adjusted as characters are dropped.
fn trim_trailing(link: &str) -> &str {
    let count = |c: char| link.bytes().filter(|b| *b == c as u8).count();
    let mut balance = [
        ('(', ')', count('('), count(')')),
        ('[', ']', count('['), count(']')),
        ('{', '}', count('{'), count('}')),
    ];
    let mut s = link;
    while let Some(last) = s.chars().last() {
        let drop = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '*' | '_' | '~' | '\u{2019}' | '\u{201D}' => true,
            _ => match balance.iter_mut().find(|(_, close, _, _)| *close == last) {
                Some((_, _, opens, closes)) if *opens < *closes => {
                    *closes -= 1;
                    true
                }
                _ => false,
            },
        };
        if !drop {
            break;
        }
        s = &s[..s.len() - last.len_utf8()];
    }
    s
}

/// Find links in `norm` (the normalised form of `input`), at most `max` of
/// them; the second value says whether more were present.
pub fn find_links(input: &str, norm: &Normalized, max: usize) -> (Vec<Link>, bool) {
    let text = norm.text.as_str();
    let mut found: Vec<(Range<usize>, Kind)> = Vec::new();
    if let Some(re) = SCHEME_URL.as_ref() {
        for m in re.find_iter(text) {
            let trimmed = trim_trailing(m.as_str());
            if trimmed.len() > "https://".len() - 1 {
                found.push((m.start()..m.start() + trimmed.len(), Kind::Web));
            }
        }
    }
    // Scheme spans come sorted and disjoint: a binary search finds the only
    // one that can overlap a range (linear overall, whatever the input).
    let scheme_spans: Vec<Range<usize>> = found.iter().map(|(r, _)| r.clone()).collect();
    let overlaps = |r: &Range<usize>| {
        let i = scheme_spans.partition_point(|s| s.end <= r.start);
        scheme_spans.get(i).is_some_and(|s| s.start < r.end)
    };
    let mut finder = LinkFinder::new();
    finder
        .url_must_have_scheme(false)
        .kinds(&[LinkKind::Url, LinkKind::Email]);
    for l in finder.links(text) {
        let r = l.start()..l.end();
        if overlaps(&r) {
            continue;
        }
        let kind = match l.kind() {
            LinkKind::Email => Kind::Email,
            _ => Kind::Web,
        };
        found.push((r, kind));
    }
    found.sort_by_key(|(r, _)| r.start);
    let mut links = Vec::new();
    let mut more = false;
    for (r, kind) in found {
        let Some(candidate) = text.get(r.clone()) else {
            continue;
        };
        let Some(link) = build(input, norm, r, candidate, kind) else {
            continue;
        };
        if links.len() == max {
            more = true;
            break;
        }
        links.push(link);
    }
    (links, more)
}

/// A cheap first test for a scheme-less candidate: does its host end in a
/// known public suffix? Text full of dotted words that are not domains
/// ("file.txt", "ta.rihk") is then rejected before any parsing (a 1 MB text
/// of such words, found by the fuzzer's corpus, took 168 ms; see
/// docs/benchmarks.md). Hosts the URL parser would rewrite (non-ASCII,
/// percent-encoded, IPv6) take the full path.
fn may_be_scheme_less_link(candidate: &str) -> bool {
    let host = candidate.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    if !host.is_ascii() || host.contains(['%', '[', '\\']) {
        return true;
    }
    let host = host
        .split(':')
        .next()
        .unwrap_or_default()
        .trim_end_matches('.');
    // Over-long names are kept whatever their suffix (a lure in itself).
    host.len() > MAX_HOST_LEN
        || psl::suffix(host.to_ascii_lowercase().as_bytes()).is_some_and(|s| s.is_known())
}

fn build(
    input: &str,
    norm: &Normalized,
    span: Range<usize>,
    candidate: &str,
    kind: Kind,
) -> Option<Link> {
    if kind == Kind::Web && !has_scheme(candidate) && !may_be_scheme_less_link(candidate) {
        return None;
    }
    let hidden: Vec<EditKind> = {
        let mut v: Vec<EditKind> = norm.edits_within(span.clone()).map(|e| e.kind).collect();
        v.sort();
        v.dedup();
        v
    };
    let original = norm.original_span(span.clone());
    // The span is on char boundaries by construction; stay total anyway.
    let text = input.get(original.clone()).unwrap_or_default().to_owned();
    let mut link = Link {
        span: original,
        normalized_span: span,
        text,
        url: candidate.to_owned(),
        kind,
        parsed: None,
        host: None,
        written_host: String::new(),
        hidden,
        parse_error: None,
    };
    match kind {
        Kind::Email => {
            let domain = candidate.rsplit('@').next().unwrap_or_default();
            link.written_host = domain.to_owned();
            match url::Host::parse(domain) {
                Ok(h) => {
                    let facts = HostFacts::from_url_host(&h);
                    if !facts.suffix_known {
                        return None;
                    }
                    link.host = Some(facts);
                }
                Err(e) => link.parse_error = Some(e.to_string()),
            }
        }
        Kind::Web => {
            let has_scheme = has_scheme(candidate);
            let to_parse = if has_scheme {
                candidate.to_owned()
            } else {
                format!("http://{candidate}")
            };
            link.written_host = written_host(&to_parse).to_owned();
            match url::Url::parse(&to_parse) {
                Ok(u) => {
                    if !matches!(u.scheme(), "http" | "https" | "ftp" | "ws" | "wss") {
                        if u.scheme() == "mailto" {
                            let addr = u.path().to_owned();
                            let domain = addr.rsplit('@').next().unwrap_or_default().to_owned();
                            let h = url::Host::parse(&domain).ok()?;
                            link.kind = Kind::Email;
                            link.written_host = domain;
                            link.host = Some(HostFacts::from_url_host(&h));
                            return Some(link);
                        }
                        return None;
                    }
                    let facts = u.host().map(|h| HostFacts::from_url_host(&h));
                    if let Some(f) = &facts {
                        // Without a scheme, only names under a real public
                        // suffix are links ("node.js" is not).
                        if !has_scheme
                            && (f.registrable.is_none() || !f.suffix_known)
                            && f.ascii.len() <= MAX_HOST_LEN
                        {
                            return None;
                        }
                    }
                    link.host = facts;
                    link.parsed = Some(u);
                }
                Err(e) => {
                    if !has_scheme {
                        return None;
                    }
                    link.parse_error = Some(e.to_string());
                }
            }
        }
    }
    Some(link)
}

fn has_scheme(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else {
        return false;
    };
    !scheme.is_empty()
        && scheme.len() <= 10
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.')
        && scheme
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic())
        && (s.len() > scheme.len() + 1)
        && !scheme.contains('.')
}

/// The host part of a URL as written: after `//` and any userinfo, before
/// the port or path. Used to show how an IP address was disguised.
fn written_host(url: &str) -> &str {
    let rest = url.split_once("//").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or(rest);
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    if host_port.starts_with('[') {
        return host_port;
    }
    host_port.split(':').next().unwrap_or(host_port)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize;

    fn hosts(s: &str) -> Vec<String> {
        let n = normalize(s);
        find_links(s, &n, 100)
            .0
            .into_iter()
            .map(|l| l.host.map(|h| h.unicode).unwrap_or_default())
            .collect()
    }

    #[test]
    fn scheme_less_and_with_scheme() {
        assert_eq!(
            hosts("log in at twilio-okta.com/reset, or https://twilio.com. Also www.example.com!"),
            vec!["twilio-okta.com", "twilio.com", "www.example.com"]
        );
    }

    #[test]
    fn file_names_are_not_links() {
        assert!(hosts("see notes.txt and app.js or v1.2.3").is_empty());
    }

    #[test]
    fn email_domains() {
        assert_eq!(
            hosts("write to it-support@twilio-help.com now"),
            vec!["twilio-help.com"]
        );
    }
}

//! The bulk fast path: a message that is plainly one bare host
//! (`twilio-okta.com`) or one plain web address (`https://x.example/a?b=c`)
//! and nothing else, as the lines of a feed of new domains are.
//!
//! For such a text the normalising pass ([`crate::text::normalize`]) has
//! nothing to undo and the four candidate scans of
//! [`crate::extract::find_links`] all agree on one candidate: the whole
//! text. [`links`] recognises these texts with one linear byte check and
//! builds that candidate's link with the same code the full path uses
//! (`extract::whole_text_link`), so the verdicts and the JSON are the same
//! byte for byte; `tests/it/bulk.rs` proves it against the full path over
//! the dev corpus and a property test. Anything that is not plainly such a
//! text (non-ASCII, white space, brackets, HTML character references,
//! defanged or nested schemes, trailing punctuation, a port, a name
//! under no known suffix...) returns `None` and takes the full path.

use crate::extract::{Link, whole_text_link};
use crate::host::MAX_HOST_LEN;

/// What the whole text looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A host name alone, no scheme (`login.twilio-okta.com`).
    Host,
    /// `http://` or `https://`, a host name and maybe a path, query or fragment.
    Url,
}

/// The text's shape when it is plainly a bare host or a plain web address.
pub(crate) fn shape(text: &str) -> Option<Shape> {
    let (rest, shape) = if let Some(r) = text.strip_prefix("https://") {
        (r, Shape::Url)
    } else if let Some(r) = text.strip_prefix("http://") {
        (r, Shape::Url)
    } else {
        (text, Shape::Host)
    };
    let host_end = match shape {
        Shape::Host => rest.len(),
        Shape::Url => rest.find(['/', '?', '#']).unwrap_or(rest.len()),
    };
    let (host, tail) = rest.split_at(host_end);
    if !plain_host(host) {
        return None;
    }
    if shape == Shape::Url && !plain_tail(tail) {
        return None;
    }
    Some(shape)
}

/// A dotted name of ASCII letters, digits and inner hyphens, under an
/// alphabetic top-level label, short enough for DNS.
fn plain_host(host: &str) -> bool {
    if host.is_empty() || host.len() > MAX_HOST_LEN {
        return false;
    }
    let mut labels = 0;
    let mut last = "";
    for label in host.split('.') {
        let bytes = label.as_bytes();
        let (Some(first), Some(end)) = (bytes.first(), bytes.last()) else {
            return false;
        };
        if !first.is_ascii_alphanumeric()
            || !end.is_ascii_alphanumeric()
            || !bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && last.bytes().all(|b| b.is_ascii_alphabetic())
}

/// A path, query and fragment the normalising pass leaves alone and the
/// link's end is not trimmed from: printable ASCII without white space,
/// quotes, brackets, `<>|\`, `;` (HTML references end in one) or `&#`, no
/// second scheme inside (`?u=http://`, `hxxp`: the full path reads those),
/// and not ending in sentence punctuation.
fn plain_tail(tail: &str) -> bool {
    let bytes = tail.as_bytes();
    let allowed = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'?'
                    | b'#'
                    | b'='
                    | b'+'
                    | b'&'
                    | b'%'
                    | b'!'
                    | b'$'
                    | b'*'
                    | b','
                    | b':'
                    | b'@'
            )
    };
    if !bytes.iter().all(|b| allowed(*b)) {
        return false;
    }
    if tail.contains("&#") || tail.contains("//") {
        return false;
    }
    // A scheme, defanged or not, anywhere after the host: `h` + `tt`,
    // `xx`, `**` or `__` + `p` (any case).
    let lower = tail.to_ascii_lowercase();
    if ["htt", "hxx", "h**", "h__"]
        .iter()
        .any(|s| lower.contains(s))
    {
        return false;
    }
    !bytes
        .last()
        .is_some_and(|b| matches!(b, b'.' | b',' | b':' | b'!' | b'?' | b'*' | b'_' | b'~'))
}

/// The links of `text` when it is plainly one bare host or web address
/// whose host is read (a known suffix for a bare name): what
/// [`crate::extract::find_links`] would find, without normalising or
/// scanning. `None`: take the full path.
pub(crate) fn links(text: &str, max: usize) -> Option<Vec<Link>> {
    shape(text)?;
    whole_text_link(text, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(shape("twilio-okta.com"), Some(Shape::Host));
        assert_eq!(shape("Login.Twilio.CO.uk"), Some(Shape::Host));
        assert_eq!(shape("https://x.example/a?b=c&d=e#f"), Some(Shape::Url));
        assert_eq!(shape("http://x.example"), Some(Shape::Url));
        for not in [
            "",
            "twilio",
            "twilio.com.",
            ".twilio.com",
            "-a.com",
            "a-.com",
            "a..com",
            "1.2.3.4",
            "a.xn--p1ai",
            "twilio.com/path",
            "twilio.com:443",
            "https://x.example:8443/",
            "https://x.example/a.",
            "https://x.example/?u=https://evil.example",
            "https://x.example/?u=hxxps%3A",
            "https://x.example/a&#46;b",
            "https://x.example/a;b",
            "https://x.example/(a)",
            "https://user@x.example/",
            "HTTPS://x.example/",
            "ftp://x.example/",
            "twilio.com evil.com",
            "tw\u{0131}lio.com",
        ] {
            assert_eq!(shape(not), None, "{not}");
        }
    }

    #[test]
    fn long_hosts_take_the_full_path() {
        let long = format!("{}.com", "a".repeat(MAX_HOST_LEN));
        assert_eq!(shape(&long), None);
    }
}

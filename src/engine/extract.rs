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
    /// The link was written inside another link's address (`?url=https://…`):
    /// the index of that link in the message's list. Its span and text are
    /// the outer link's (what the person saw); `url` is where it leads.
    pub via: Option<usize>,
    /// Symbols (emoji) written right in front of the name, which some phones
    /// open as part of it (`👉twilio.com` → `xn--twilio-…com`): this link is
    /// that reading of the link named by [`Link::via`].
    pub glued_symbols: Option<String>,
    /// The scheme was damaged, foreign or missing (`ttps://`, `https//`,
    /// `intent://`, `//host`): what was written before the host. The link is
    /// judged as `https://` (phones open these).
    pub repaired_scheme: Option<String>,
    /// Its address carries links still deeper than are read out of it
    /// (`?next=` inside `?next=` inside `?next=`…, past
    /// `MAX_NESTING_DEPTH`): where it ends is hidden, so it is never `safe`
    /// (`nested-destination`).
    pub nested_beyond: bool,
    /// With [`Link::glued_symbols`]: this reading leaves the symbols in
    /// front of the name out (phones that end a link at them), where the
    /// outer link took them in.
    pub symbols_dropped: bool,
    /// With [`Link::via`]: the character inside the outer link's address at
    /// which a phone's link finder ends it, so that the phone opens this
    /// name (`,` in `https://twiloi,okta.net`, `\` in
    /// `https://evil.example\x\twilio.co.com/`); a browser opens the outer
    /// link's host. `None` when the outer host leads nowhere at all.
    pub phone_ends_at: Option<char>,
}

impl Link {
    /// The link was written in a defanged form and read back.
    pub fn refanged(&self) -> bool {
        self.hidden.contains(&EditKind::Refanged)
    }
}

/// Links written with a web scheme. For these schemes the WHATWG parser
/// skips any number of slashes or backslashes after the colon, even none
/// (`http:/x.com`, `https:x.com@evil.example` both open a site), so the scan
/// takes everything up to white space after `scheme:`. `linkify` misses
/// several forms that matter here (numeric and hex IP hosts,
/// percent-encoded user names, non-Latin top-level domains, backslashes).
static SCHEME_URL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?i)(?:https?|ftp|wss?):[^\s<>"'`|\p{Cc}]+"#).ok());

/// `//host` with a damaged, missing or foreign scheme in front: `ttps://`,
/// `https//`, `https;//`, `//host/path`, `intent://host/#Intent;…`. Phones
/// still open these (a damaged scheme is a filter-evasion trick), so the
/// host is judged as if the link began with `https://`. Group 1 is the
/// scheme as written, group 2 the rest.
static OTHER_SCHEME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?i)([a-z][a-z0-9+\-]{0,24}[:;]?)?//([^\s<>"'`\p{Cc}/\\][^\s<>"'`\p{Cc}]*)"#).ok()
});

/// Scheme-less dotted names that `linkify` passes over: under a non-Latin
/// top-level domain (`twilio-okta.онлайн`, `пример.рф`), or right after a
/// dot or hyphen (`.twilio-okta.com`, `-twilio-okta.com`), which a reader
/// and a phone still see as the name, or behind a symbol or punctuation a
/// phone takes into it (`€.com[.]-x`, where refanging glued on more).
/// Kept only under a known suffix.
static DOTTED_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"[\p{L}\p{N}[\p{S}\p{Po}\p{Pd}\p{Pc}--\p{ASCII}]][\p{L}\p{N}\p{M}\p{So}\p{Pi}\p{Pf}\-]*(?:\.[\p{L}\p{N}\p{So}][\p{L}\p{N}\p{M}\p{So}\p{Pi}\p{Pf}\-]*)+(?:[/?#][^\s<>"'`\p{Cc}]*)?"#).ok()
});

/// Drop trailing punctuation that belongs to the sentence, and closing
/// brackets that were opened outside the link. Linear: brackets are counted
/// once, then adjusted as characters are dropped.
fn trim_trailing(link: &str) -> &str {
    // Brackets are counted only when a closing one ends the link (one pass
    // for all three kinds), not for every candidate.
    let mut balance: Option<[(char, char, usize, usize); 3]> = None;
    let counts = || {
        let mut b = [('(', ')', 0, 0), ('[', ']', 0, 0), ('{', '}', 0, 0)];
        for byte in link.bytes() {
            for (open, close, opens, closes) in b.iter_mut() {
                if byte == *open as u8 {
                    *opens += 1;
                } else if byte == *close as u8 {
                    *closes += 1;
                }
            }
        }
        b
    };
    // A hyphen ends a sentence's dash, not a name (`http://example.com-`:
    // no top-level domain ends with one, and phones open `example.com`);
    // in a path it is kept (once computed: the trimmed characters never
    // add a path).
    let mut in_path: Option<bool> = None;
    let has_path = || {
        let rest = link
            .find("//")
            .map_or(link, |i| link.get(i + 2..).unwrap_or(""));
        rest.contains(['/', '?', '#', '\\'])
    };
    let mut s = link;
    while let Some(last) = s.chars().next_back() {
        let drop = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '*' | '_' | '~' | '\u{2019}' | '\u{201D}' => true,
            '-' => !*in_path.get_or_insert_with(has_path),
            ')' | ']' | '}' => match balance
                .get_or_insert_with(counts)
                .iter_mut()
                .find(|(_, close, _, _)| *close == last)
            {
                Some((_, _, opens, closes)) if *opens < *closes => {
                    *closes -= 1;
                    true
                }
                _ => false,
            },
            _ => false,
        };
        if !drop {
            break;
        }
        s = &s[..s.len() - last.len_utf8()];
    }
    s
}

/// Where a candidate came from, in order of trust when two overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    /// `https:` and the other web schemes.
    Scheme,
    /// `//host` behind a damaged or foreign scheme.
    OtherScheme,
    /// `linkify`: scheme-less links and e-mail addresses.
    Linkify,
    /// Scheme-less dotted names `linkify` passes over.
    DottedName,
}

struct Candidate {
    span: Range<usize>,
    kind: Kind,
    source: Source,
    /// For [`Source::OtherScheme`]: the scheme as written and where the
    /// text after `//` starts.
    after_slashes: usize,
}

/// At most this many links are read out of one link's address
/// (`?next=https://…`), and only this deep.
const MAX_NESTED: usize = 3;
const MAX_NESTING_DEPTH: usize = 2;

/// Find links in `norm` (the normalised form of `input`), at most `max` of
/// them; the second value says whether more were present.
///
/// Candidates come from four scans (web schemes, damaged schemes, `linkify`,
/// dotted names it passes over); where candidates overlap, the most trusted one that
/// really is a link wins. Each scan yields disjoint candidates, so any byte
/// is covered by at most four: linear overall. Every web link is followed by
/// the links written inside its address (`?url=https://…`, redirectors),
/// each with [`Link::via`] naming it.
pub fn find_links(input: &str, norm: &Normalized, max: usize) -> (Vec<Link>, bool) {
    let text = norm.text.as_str();
    let mut candidates: Vec<Candidate> = Vec::new();
    if let Some(re) = SCHEME_URL.as_ref() {
        for m in re.find_iter(text) {
            // Markdown's `[https://a](https://b)`: two links, not one.
            let whole = m.as_str();
            let whole = whole.find("](").map_or(whole, |i| &whole[..i]);
            let trimmed = trim_trailing(whole);
            if trimmed.len() > "https:".len() {
                candidates.push(Candidate {
                    span: m.start()..m.start() + trimmed.len(),
                    kind: Kind::Web,
                    source: Source::Scheme,
                    after_slashes: 0,
                });
            }
        }
    }
    if let Some(re) = OTHER_SCHEME.as_ref() {
        for c in re.captures_iter(text) {
            let (Some(whole), Some(rest)) = (c.get(0), c.get(2)) else {
                continue;
            };
            // The scheme must start a word: `example.com//x` is a path.
            let before = text
                .get(..whole.start())
                .and_then(|t| t.chars().next_back());
            if before.is_some_and(|b| b.is_alphanumeric() || "./@:-_%".contains(b)) {
                continue;
            }
            let trimmed = trim_trailing(whole.as_str());
            if trimmed.len() <= rest.start() - whole.start() {
                continue;
            }
            candidates.push(Candidate {
                span: whole.start()..whole.start() + trimmed.len(),
                kind: Kind::Web,
                source: Source::OtherScheme,
                after_slashes: rest.start(),
            });
        }
    }
    let mut finder = LinkFinder::new();
    finder
        .url_must_have_scheme(false)
        .kinds(&[LinkKind::Url, LinkKind::Email]);
    for l in finder.links(text) {
        let kind = match l.kind() {
            LinkKind::Email => Kind::Email,
            _ => Kind::Web,
        };
        candidates.push(Candidate {
            span: l.start()..l.end(),
            kind,
            source: Source::Linkify,
            after_slashes: 0,
        });
    }
    if let Some(re) = DOTTED_NAME.as_ref() {
        for m in re.find_iter(text) {
            let trimmed = trim_trailing(m.as_str());
            candidates.push(Candidate {
                span: m.start()..m.start() + trimmed.len(),
                kind: Kind::Web,
                source: Source::DottedName,
                after_slashes: 0,
            });
        }
    }
    candidates.sort_by_key(|c| (c.span.start, c.source));
    let mut links: Vec<Link> = Vec::new();
    let mut more = false;
    let mut i = 0;
    'clusters: while i < candidates.len() {
        // A cluster: candidates that overlap one another, directly or in a chain.
        let mut j = i + 1;
        let mut end = candidates.get(i).map_or(0, |c| c.span.end);
        while let Some(c) = candidates.get(j) {
            if c.span.start >= end {
                break;
            }
            end = end.max(c.span.end);
            j += 1;
        }
        let mut cluster: Vec<&Candidate> =
            candidates.get(i..j).unwrap_or_default().iter().collect();
        cluster.sort_by_key(|c| (c.source, c.span.start));
        let mut taken = Taken::default();
        let mut built: Vec<Link> = Vec::new();
        // A link that could not be read (`https://?q=x.com`) gives way to an
        // overlapping one that has a host: that is what would be opened.
        let mut unreadable: Vec<Link> = Vec::new();
        for c in cluster {
            // No more than `max` links are kept in all: a cluster of many
            // thousand overlapping candidates (`https://` + `twilio.com@`×N,
            // every `com@twilio.com` an e-mail address) stops being built
            // there, and the cap is said.
            if built.len() >= max {
                more = true;
                break;
            }
            if taken.overlaps(&c.span) {
                // The piece of it in front of a defanging is a phone's
                // reading of its own (`twilio-okta.com[.]https://x`: the
                // link `https://x` holds the rest).
                // The host of a scheme-less name whose address runs into
                // a link taken (`.twilio-okta.com#xhttps://x`, refanged: the
                // phone reads `twilio-okta.com` in front of it) is read on
                // its own too.
                if c.kind == Kind::Web {
                    let before = name_before_a_refang(input, norm, c.span.clone(), None)
                        .or_else(|| host_of_an_overlapped_name(input, norm, c, &taken))
                        .or_else(|| {
                            // Glued to words of a script written without
                            // spaces in front of the link taken
                            // (`a.comကhttps://x`).
                            let start = taken.first_start_in(&c.span)?;
                            names_in_unspaced_text(input, norm, c.span.start..start)
                                .into_iter()
                                .next()
                        });
                    taken.keep(&mut built, before);
                }
                continue;
            }
            if let Some(link) = build_candidate(input, norm, c) {
                if link.host.is_none() {
                    unreadable.push(link);
                    continue;
                }
                taken.insert(&c.span);
                built.push(link);
            } else if let Some(link) = glued_to_a_suffix(input, norm, c.span.clone(), c.kind) {
                taken.insert(&c.span);
                built.push(link);
            } else if let Some(link) = name_after_a_refang(input, norm, c.span.clone(), c.kind) {
                let before = name_before_a_refang(input, norm, c.span.clone(), None);
                taken.insert(&link.normalized_span);
                built.push(link);
                taken.keep(&mut built, before);
            } else if c.kind == Kind::Web {
                let mut pieces = names_around_disguised_delimiters(input, norm, c.span.clone())
                    .unwrap_or_default();
                if pieces.is_empty() {
                    pieces = names_in_unspaced_text(input, norm, c.span.clone());
                }
                if !pieces.is_empty() {
                    for link in pieces {
                        taken.keep(&mut built, Some(link));
                    }
                } else if c.source == Source::Linkify {
                    let behind = names_behind_an_unread_host(input, norm, c);
                    for link in behind
                        .into_iter()
                        .chain(name_after_brackets(input, norm, c))
                    {
                        taken.keep(&mut built, Some(link));
                    }
                }
            }
        }
        for link in unreadable {
            taken.keep(&mut built, Some(link));
        }
        built.sort_by_key(|l| l.normalized_span.start);
        for link in built {
            if links.len() >= max {
                more = true;
                break 'clusters;
            }
            let outer = links.len();
            let mut inner: Vec<Link> = glued_prefix_link(input, &link, outer).into_iter().collect();
            inner.extend(dropped_prefix_link(&link, outer));
            inner.extend(refanged_name_inside(input, norm, &link, outer));
            if link.kind == Kind::Web && link.refanged() {
                let span = link.normalized_span.clone();
                let host = link.host.as_ref().map(|h| h.ascii.as_str());
                // A link of its own, not one the outer link leads to.
                inner.extend(name_before_a_refang(input, norm, span.clone(), host));
                if link.via.is_none()
                    && link.host.as_ref().is_some_and(leads_nowhere)
                    && let Some(mut after) = name_after_a_refang(input, norm, span, link.kind)
                {
                    after.via = Some(outer);
                    inner.push(after);
                }
            }
            if let Some(after) = name_after_a_bracket_inside(input, norm, &link, outer) {
                push_new_host(&mut inner, after);
            }
            for read in name_in_unspaced_text_inside(input, norm, &link, outer) {
                // The name the reader sees may start with symbols a phone
                // ends the link at (`ລ😀0.com`: `😀0.com`, and `0.com`).
                let dropped = dropped_prefix_link(&read, outer);
                push_new_host(&mut inner, read);
                if let Some(d) = dropped {
                    push_new_host(&mut inner, d);
                }
            }
            inner.extend(joined_break_link(input, &link, outer));
            inner.extend(nested_links(&link, outer, 1));
            for behind in names_behind_a_dead_host(&link, outer) {
                push_new_host(&mut inner, behind);
            }
            links.push(link);
            for n in inner {
                if links.len() >= max {
                    more = true;
                    break 'clusters;
                }
                links.push(n);
            }
        }
        i = j;
    }
    (links, more)
}

/// `link` joins the links read inside one unless one of them already has
/// its host.
fn push_new_host(inner: &mut Vec<Link>, link: Link) {
    let host = link.host.as_ref().map(|h| h.ascii.as_str());
    if !inner
        .iter()
        .any(|l| l.host.as_ref().map(|h| h.ascii.as_str()) == host)
    {
        inner.push(link);
    }
}

/// The spans a cluster's links already hold: disjoint, by start, so a
/// span's overlap is one look-up (the one that starts last before its
/// end), not a scan of every span taken. One cluster can hold ~95,000
/// candidates (`https://` + `twilio.com@`×N, 1 MiB: every `com@twilio.com`
/// an e-mail address): the scan was quadratic, 2.9 s.
#[derive(Default)]
struct Taken(std::collections::BTreeMap<usize, usize>);

impl Taken {
    fn overlaps(&self, r: &Range<usize>) -> bool {
        self.0
            .range(..r.end)
            .next_back()
            .is_some_and(|(_, end)| *end > r.start)
    }

    /// Where the first span taken that starts inside `r` starts.
    fn first_start_in(&self, r: &Range<usize>) -> Option<usize> {
        self.0.range(r.start..r.end).next().map(|(start, _)| *start)
    }

    /// `link`, if it overlaps nothing taken, is taken and kept in `built`.
    fn keep(&mut self, built: &mut Vec<Link>, link: Option<Link>) {
        if let Some(link) = link.filter(|l| !self.overlaps(&l.normalized_span)) {
            self.insert(&link.normalized_span);
            built.push(link);
        }
    }

    /// Only spans that overlap nothing taken are inserted; an empty span
    /// overlaps nothing, so it is not kept.
    fn insert(&mut self, r: &Range<usize>) {
        if r.start < r.end {
            self.0.insert(r.start, r.end);
        }
    }
}

fn build_candidate(input: &str, norm: &Normalized, c: &Candidate) -> Option<Link> {
    let text = norm.text.get(c.span.clone())?;
    if c.source == Source::OtherScheme {
        let written = norm.text.get(c.span.start..c.after_slashes)?;
        let rest = norm.text.get(c.after_slashes..c.span.end)?;
        let to_parse = format!("https://{rest}");
        let mut link = build(input, norm, c.span.clone(), &to_parse, Kind::Web)?;
        // Only a real name under a known suffix: `//` in prose is not a link.
        if !link
            .host
            .as_ref()
            .is_some_and(|h| h.suffix_known && h.registrable.is_some())
        {
            return None;
        }
        link.repaired_scheme = Some(written.to_owned());
        return Some(link);
    }
    if let Some(link) = build_read(input, norm, c.span.clone(), text, c.kind) {
        return Some(link);
    }
    if !matches!(c.source, Source::DottedName | Source::Linkify) || c.kind != Kind::Web {
        return None;
    }
    // A character a browser refuses in the host (`a.com.com：`): the names
    // a reader sees around it are read instead where there are any
    // ([`names_around_disguised_delimiters`]), never the name cut short
    // (`twilio.com.evil.com：` is not `twilio.com`); where none reads
    // (`𐳺.com[.]xn--`: a right-to-left letter starts the name), the cut.
    if !refused_piece_ranges(text).is_empty()
        && names_around_disguised_delimiters(input, norm, c.span.clone())
            .is_some_and(|pieces| !pieces.is_empty())
    {
        return None;
    }
    // Refanging can glue a word to a name (`x.co.uk[.]é`, `€.com[.]hxxps`):
    // try the name without its last one or two parts (bounded: linear
    // overall). Only then: a name as written is never cut short to a name
    // in front (`twilio.com.evil.xn--ל` is not `twilio.com`).
    if !refanged_within(norm, &c.span) {
        return None;
    }
    let host_end = text.find(['/', '?', '#']).unwrap_or(text.len());
    without_last_parts(input, norm, c.span.start, text, 0..host_end, c.kind, |_| {
        true
    })
}

/// A defanging was undone inside `span` of the normalised text. Only the
/// edits inside `span` are looked at ([`Normalized::edits_within`], a
/// binary search), so asking this of many disjoint pieces costs the edits
/// once (a megabyte of replacement characters, each an edit, was
/// quadratic: found by the fuzzer). A refanging always writes something,
/// so it is never one of the empty edits `edits_within` leaves out.
fn refanged_within(norm: &Normalized, span: &Range<usize>) -> bool {
    norm.edits_within(span.clone())
        .any(|e| e.kind == EditKind::Refanged && e.normalized.end <= span.end)
}

/// The first reading of `text` (at `start` in the normalised text) with the
/// name in `host` cut before its last dot, then before the one before it,
/// that builds and that `accept` takes: what is left when refanging glued a
/// word or two onto a name. At most two builds.
fn without_last_parts(
    input: &str,
    norm: &Normalized,
    start: usize,
    text: &str,
    host: Range<usize>,
    kind: Kind,
    accept: impl Fn(&Link) -> bool,
) -> Option<Link> {
    let mut end = host.end;
    for _ in 0..2 {
        end = host.start + text.get(host.start..end)?.rfind('.')?;
        let span = start..start + end;
        if let Some(l) = norm
            .text
            .get(span.clone())
            .and_then(|t| build_read(input, norm, span, t, kind))
            .filter(&accept)
        {
            return Some(l);
        }
    }
    None
}

/// [`build`], and for a name with a symbol in it the reading a person and a
/// browser share: the whole name when it is a real one, else the name
/// before the symbol (`twilio-okta.com👉login` opens nothing as written).
fn build_read(
    input: &str,
    norm: &Normalized,
    span: Range<usize>,
    text: &str,
    kind: Kind,
) -> Option<Link> {
    // Found once: the scan reads the whole host (1 MiB of it at most).
    // A symbol a browser refuses in a host with Latin letters around it
    // (a right-to-left one: `twilio.com۾twilio-okta.com`) is not where a
    // phone ends the name: no one opens it, and the names around it are
    // what a reader sees ([`names_around_disguised_delimiters`]).
    // (Only before more name: `twilio.com۽.ws` is a name with a symbol
    // inside, `deceptive-url`.)
    let Some(cut) = symbol_cut(text).filter(|&cut| {
        let mut after = text.get(cut..).unwrap_or("").chars();
        let refused = after.next().is_some_and(crate::text::ends_a_latin_name);
        let name_follows = after
            .find(|c| !non_ascii_symbol(*c))
            .is_some_and(|c| c.is_alphanumeric());
        !(refused && name_follows)
    }) else {
        return build(input, norm, span, text, kind);
    };
    let whole = build(input, norm, span.clone(), text, kind);
    if whole
        .as_ref()
        .is_some_and(|l| l.host.as_ref().is_some_and(|h| h.suffix_known))
    {
        return whole;
    }
    let short_span = span.start..span.start + cut;
    let shorter = norm.text.get(short_span.clone())?;
    // The symbol sat inside the name (a dot and more name follow): the
    // shorter reading is what a person reads, but not the address written.
    let inside = text.get(cut..).and_then(|t| t.find('.')).is_some_and(|d| {
        text.get(cut..cut + d)
            .is_some_and(|run| run.chars().all(|c| !c.is_ascii_alphanumeric()))
    });
    match build(input, norm, short_span, shorter, kind) {
        Some(mut l)
            if l.host
                .as_ref()
                .is_some_and(|h| h.suffix_known && h.registrable.is_some()) =>
        {
            if inside {
                l.hidden.push(EditKind::Symbol);
            }
            Some(l)
        }
        // The first symbol sits inside a name a phone keeps whole
        // (`a👉co.uk™`): the symbols at its end are where it ends.
        _ => {
            let end = text.trim_end_matches(non_ascii_symbol).len();
            if end <= cut || end == text.len() {
                return whole;
            }
            let end_span = span.start..span.start + end;
            build(
                input,
                norm,
                end_span.clone(),
                norm.text.get(end_span)?,
                kind,
            )
            .filter(|l| l.host.as_ref().is_some_and(|h| h.suffix_known))
            .or(whole)
        }
    }
}

/// Where the first symbol (emoji, ™) after the start of the name in the
/// host part of a candidate starts, if it holds one.
fn symbol_cut(candidate: &str) -> Option<usize> {
    let run = host_run(candidate);
    let rest_at = run.start;
    let host = candidate.get(run)?;
    if host.is_ascii() {
        return None;
    }
    // Symbols in front of the name (`™twilio.com™`) are not where it ends:
    // the first symbol after a letter is.
    let lead = host.char_indices().find(|(_, c)| !non_ascii_symbol(*c))?.0;
    host.get(lead..)?
        .char_indices()
        .find(|(_, c)| non_ascii_symbol(*c))
        .map(|(i, _)| rest_at + lead + i)
}

/// Where the host of a run of link text lies: after `//` if it has one, up
/// to the first `/`, `?`, `#` or `\` (userinfo and port included).
fn host_run(s: &str) -> Range<usize> {
    let start = s.find("//").map_or(0, |i| i + 2);
    let end = s
        .get(start..)
        .and_then(|r| r.find(['/', '?', '#', '\\']))
        .map_or(s.len(), |i| start + i);
    start..end
}

/// A symbol or emoji outside ASCII (`™`, `👉`): where a phone ends a name.
fn non_ascii_symbol(c: char) -> bool {
    !c.is_ascii() && crate::text::is_symbol_char(c)
}

/// Emoji or symbols right in front of a scheme-less name (`🟠twilio.com`):
/// Android's link finder takes them into the name, and IDNA keeps them, so
/// the phone opens another, registrable site (`xn--twilio-…com`). That
/// reading is judged too, as a link inside this one ([`Link::via`]).
/// Punctuation glued in front with them (`¡👉twilio.com`:
/// [`crate::text::is_glued_punctuation`]) is taken in the same way;
/// quotation marks and brackets are not (they end a link).
fn glued_prefix_link(input: &str, link: &Link, index: usize) -> Option<Link> {
    if link.kind != Kind::Web || crate::text::has(&link.url, "//") {
        return None;
    }
    let before = input.get(..link.span.start)?;
    let mut start = link.span.start;
    let mut symbols = String::new();
    for c in before.chars().rev() {
        // A character a browser refuses in a host (`：`) ends what is
        // glued in front (`：©twilio.com` opens `©twilio.com` for a reader).
        if crate::text::ends_a_latin_name(c) {
            break;
        }
        if !c.is_ascii()
            && (crate::text::is_other_symbol(c)
                || crate::text::is_glued_punctuation(c)
                || crate::text::is_glued_symbol(c))
        {
            start -= c.len_utf8();
            symbols.insert(0, c);
        } else if matches!(c, '\u{FE0F}' | '\u{FE0E}' | '\u{200D}') {
            start -= c.len_utf8();
        } else {
            break;
        }
        if symbols.chars().count() > 8 {
            return None;
        }
    }
    if symbols.is_empty() {
        return None;
    }
    let url = format!("{symbols}{}", link.url);
    let mut alt = symbol_reading(link, url, index, symbols)?;
    alt.span = start..link.span.end;
    alt.text = input.get(alt.span.clone())?.to_owned();
    Some(alt)
}

/// `link` read as `url` (the name with the symbols in front of it taken in
/// or left out), as a link inside it, when that names another real site.
fn symbol_reading(link: &Link, url: String, index: usize, symbols: String) -> Option<Link> {
    let parsed = url::Url::parse(&format!("http://{url}")).ok()?;
    let facts = HostFacts::from_url_host(&parsed.host()?);
    if !facts.suffix_known
        || facts.registrable.is_none()
        || link.host.as_ref().is_some_and(|h| h.ascii == facts.ascii)
    {
        return None;
    }
    let mut alt = link.clone();
    alt.written_host = written_host(&url).to_owned();
    alt.host = Some(facts);
    alt.parsed = Some(parsed);
    alt.url = url;
    alt.via = Some(index);
    alt.glued_symbols = Some(symbols);
    Some(alt)
}

/// A web link whose name starts with symbols or punctuation taken into it
/// (`™evil.example`, judged as a browser maps it: `tmevil.example`): a
/// phone that ends a link at the symbol opens the name after it. That
/// reading is judged too, as a link inside this one ([`Link::via`]).
fn dropped_prefix_link(link: &Link, index: usize) -> Option<Link> {
    if link.kind != Kind::Web || crate::text::has(&link.url, "//") {
        return None;
    }
    // Quotation marks and brackets of other scripts in front (`（twilio.com`,
    // `«👉.com`) end a link for a reader and for phones that stop there;
    // IDNA maps `（` to `(`, which no registry gives out: the name after
    // them is what those phones open, glued symbols and all.
    let brackets: String = link
        .url
        .chars()
        .take_while(|c| !c.is_ascii() && crate::text::is_quote_or_bracket(*c))
        .take(9)
        .collect();
    if !brackets.is_empty() {
        let rest = link.url.get(brackets.len()..)?;
        if rest.is_empty() || brackets.chars().count() > 8 {
            return None;
        }
        let mut alt = symbol_reading(link, rest.to_owned(), index, brackets)?;
        alt.symbols_dropped = true;
        return Some(alt);
    }
    let mut symbols = String::new();
    let mut rest = link.url.as_str();
    while let Some(c) = rest.chars().next() {
        // Symbols only: punctuation glued in front (`¡twilio.com`) is taken
        // into the name by phones (docs/security.md, per character).
        let glued = !c.is_ascii() && crate::text::is_other_symbol(c);
        if !glued && !matches!(c, '\u{FE0F}' | '\u{FE0E}' | '\u{200D}') {
            break;
        }
        if glued {
            symbols.push(c);
        }
        rest = rest.get(c.len_utf8()..)?;
        if symbols.chars().count() > 8 {
            return None;
        }
    }
    if symbols.is_empty() || rest.is_empty() {
        return None;
    }
    let mut alt = symbol_reading(link, rest.to_owned(), index, symbols)?;
    alt.symbols_dropped = true;
    Some(alt)
}

/// A web link whose name goes on after a tab or line break
/// (`https://twilio.com⇥.evil.ws/`): a phone ends the link there, but a
/// browser given the whole address drops the break (WHATWG) and opens
/// `twilio.com.evil.ws`. That reading is judged too, as a link inside this
/// one ([`Link::via`]), when it names another real site.
fn joined_break_link(input: &str, link: &Link, index: usize) -> Option<Link> {
    if link.kind != Kind::Web || !crate::text::has(&link.url, "//") {
        return None;
    }
    let after_scheme = link.url.split_once("//").map_or("", |(_, r)| r);
    if after_scheme.contains(['/', '?', '#']) {
        return None;
    }
    let rest = input.get(link.span.end..)?;
    // A dot or hyphen the link's end trimmed off may come before the break.
    let lead = rest
        .get(..1)
        .filter(|c| *c == "." || *c == "-")
        .unwrap_or("");
    let rest = rest.get(lead.len()..)?;
    let gap = rest.len() - rest.trim_start_matches(['\t', '\r', '\n']).len();
    if gap == 0 || gap > 4 {
        return None;
    }
    let more = rest.get(gap..)?;
    if !more.starts_with(|c: char| c.is_alphanumeric() || c == '.' || c == '-') {
        return None;
    }
    let end = more.find(char::is_whitespace).unwrap_or(more.len());
    let continuation = trim_trailing(more.get(..end)?);
    let url = format!("{}{lead}{continuation}", link.url);
    let parsed = url::Url::parse(&url).ok()?;
    let facts = HostFacts::from_url_host(&parsed.host()?);
    if !facts.suffix_known
        || facts.registrable.is_none()
        || link.host.as_ref().is_some_and(|h| h.ascii == facts.ascii)
    {
        return None;
    }
    let mut alt = link.clone();
    alt.written_host = written_host(&url).to_owned();
    alt.host = Some(facts);
    alt.parsed = Some(parsed);
    alt.url = url;
    alt.via = Some(index);
    alt.hidden.push(EditKind::LineBreak);
    Some(alt)
}

/// A defanged link whose refanging glued a word onto the name, so that the
/// name as read ends in no known suffix (`https://evil.com[.]hxxps[:]//`
/// reads as `evil.com.https`): the name without its last one or two parts
/// is what a phone that ends the link there opens, judged as a link inside
/// this one.
fn refanged_name_inside(input: &str, norm: &Normalized, link: &Link, index: usize) -> Option<Link> {
    let unknown_suffix = |h: &HostFacts| h.kind == crate::host::HostKind::Domain && !h.suffix_known;
    if link.kind != Kind::Web || !link.refanged() || !link.host.as_ref().is_some_and(unknown_suffix)
    {
        return None;
    }
    let span = link.normalized_span.clone();
    let text = norm.text.get(span.clone())?;
    let host_start = text.find("//").map_or(0, |i| i + 2);
    let host_end = text
        .get(host_start..)?
        .find([':', '/', '?', '#'])
        .map_or(text.len(), |j| host_start + j);
    let mut read = without_last_parts(
        input,
        norm,
        span.start,
        text,
        host_start..host_end,
        Kind::Web,
        |l| {
            l.host
                .as_ref()
                .is_some_and(|h| h.suffix_known && h.registrable.is_some())
        },
    )?;
    read.via = Some(index);
    Some(read)
}

/// The name in front of a link's first defanging, written as a name of its
/// own (`twilio-okta.com[.]https://x`): a phone reading the text as written
/// ends that link at the `[`, and opens the name; refanged, the name glues
/// onto what follows (`twilio-okta.com.https://x`, a link whose scheme is
/// `twilio-okta.com.https`), so it is judged too, as a link inside this one
/// (found by the random-text property test, `éco.uk[.]https://x?q=`). Only
/// a piece with no defanging in it is what a phone reads.
fn name_before_a_refang(
    input: &str,
    norm: &Normalized,
    span: Range<usize>,
    other_than: Option<&str>,
) -> Option<Link> {
    let first = norm.edits_within(span.clone()).next()?;
    if first.kind != EditKind::Refanged || first.normalized.start <= span.start {
        return None;
    }
    let piece = span.start..first.normalized.start;
    build_read(input, norm, piece.clone(), norm.text.get(piece)?, Kind::Web).filter(|l| {
        l.host
            .as_ref()
            .is_some_and(|h| h.suffix_known && Some(h.ascii.as_str()) != other_than)
    })
}

/// The host alone of a scheme-less name (no `://` in it) whose address
/// overlaps a link already taken, if the host itself does not.
fn host_of_an_overlapped_name(
    input: &str,
    norm: &Normalized,
    c: &Candidate,
    taken: &Taken,
) -> Option<Link> {
    let text = norm.text.get(c.span.clone())?;
    let end = text.find(['/', '?', '#', '\\'])?;
    if text.get(..end)?.contains(':') || end == 0 {
        return None;
    }
    let span = c.span.start..c.span.start + end;
    if taken.overlaps(&span) {
        return None;
    }
    build_read(input, norm, span.clone(), norm.text.get(span)?, Kind::Web)
        .filter(|l| l.host.as_ref().is_some_and(|h| h.suffix_known))
}

/// A quotation mark or bracket of another script inside a host that is
/// read with it (`0x7f[.]（👉.comco.uk`, refanged: IDNA maps `（` to `(`,
/// which the WHATWG parser keeps in a host): a phone reading the text as
/// written ends the link at the bracket and opens the name after it
/// (`👉.comco.uk`), so that name is judged too, as a link inside this one
/// (found by the random-text property test).
fn name_after_a_bracket_inside(
    input: &str,
    norm: &Normalized,
    link: &Link,
    index: usize,
) -> Option<Link> {
    if link.kind != Kind::Web {
        return None;
    }
    let span = link.normalized_span.clone();
    let text = norm.text.get(span.clone())?;
    let host_start = text
        .find("://")
        .map_or(if text.starts_with("//") { 2 } else { 0 }, |i| i + 3);
    let host_end = text
        .get(host_start..)?
        .find([':', '/', '?', '#', '@'])
        .map_or(text.len(), |j| host_start + j);
    let host = text.get(host_start..host_end)?;
    // ASCII punctuation a name never starts with (`https://,twilio-okta.com`,
    // kept in the host by the WHATWG parser) ends the link there too.
    let lead = host
        .bytes()
        .take_while(|b| b",;()!'*+=$&".contains(b))
        .count();
    let (at, mark) = match host
        .char_indices()
        .rfind(|(_, c)| !c.is_ascii() && crate::text::is_quote_or_bracket(*c))
    {
        Some((i, c)) if i + c.len_utf8() > lead => (i + c.len_utf8(), c.to_string()),
        _ => (lead, host.get(..lead)?.to_owned()),
    };
    let cut = host_start + at;
    if at == 0 || cut >= host_end {
        return None;
    }
    let piece = span.start + cut..span.end;
    let mut read = build_read(input, norm, piece.clone(), norm.text.get(piece)?, Kind::Web)
        .filter(|l| {
            l.host.as_ref().map(|h| &h.ascii) != link.host.as_ref().map(|h| &h.ascii)
                && l.host.is_some()
        })?;
    read.via = Some(index);
    read.glued_symbols = Some(mark);
    read.symbols_dropped = true;
    Some(read)
}

/// The names after the host of a scheme-less run a phone links but that is
/// no link of ours, because its host leads nowhere (`co.uk0/[ab.com`: no
/// such top-level domain): as behind a dead host, the phone opens a name
/// inside it (`ab.com`), so that name is judged as a link of its own.
fn names_behind_an_unread_host(input: &str, norm: &Normalized, c: &Candidate) -> Vec<Link> {
    let Some(text) = norm.text.get(c.span.clone()) else {
        return Vec::new();
    };
    let Some(host_end) = text.find(['/', '?', '#', '\\']) else {
        return Vec::new();
    };
    if text.contains("://") {
        return Vec::new();
    }
    let dead = url::Url::parse(&format!("http://{text}"))
        .ok()
        .and_then(|u| u.host().map(|h| HostFacts::from_url_host(&h)))
        .is_some_and(|h| leads_nowhere(&h));
    let Some(after) = text.get(host_end..).filter(|_| dead) else {
        return Vec::new();
    };
    let mut finder = LinkFinder::new();
    finder.url_must_have_scheme(false).kinds(&[LinkKind::Url]);
    finder
        .links(after)
        .take(MAX_BEHIND_DEAD_HOST)
        .filter_map(|l| {
            // No `://` in `text`, so none in what is found in it.
            let (cut, found) = name_piece(after, l.start(), l.as_str())?;
            let start = c.span.start + host_end + l.start() + cut;
            let span = start..start + found.len();
            let t = norm.text.get(span.clone())?;
            match build_read(input, norm, span.clone(), t, Kind::Web) {
                Some(l) if l.host.is_some() => Some(vec![l]),
                // A right-to-left letter or a disguised delimiter glued
                // to the name (`?q=לtwilio-okta.com`): the pieces.
                _ => names_around_disguised_delimiters(input, norm, span),
            }
        })
        .flatten()
        .collect()
}

/// A run a phone links that starts with quotation marks or brackets of
/// other scripts and cannot be read with them (`（𐦀.com`: `(` before a
/// right-to-left letter breaks IDNA's Bidi rule): the name after them is
/// what phones that end a link there open (found by the random-text
/// property test, `👉。𑋰?（𐦀.com`).
fn name_after_brackets(input: &str, norm: &Normalized, c: &Candidate) -> Option<Link> {
    let text = norm.text.get(c.span.clone())?;
    let cut = bracket_lead(text);
    if cut == 0 || cut >= text.len() {
        return None;
    }
    let span = c.span.start + cut..c.span.end;
    build_read(input, norm, span.clone(), norm.text.get(span)?, Kind::Web)
}

/// A run whose host holds a character a browser refuses there with Latin
/// letters around it ([`crate::text::ends_a_latin_name`]: `：` → `:`,
/// `／` → `/`, `＠` → `@`, `﹕`, a right-to-left letter): no browser can
/// open the run as written (`Update：twilio-okta.com` is no address), but
/// the text shows the names around that character, and a reader copies or
/// types those (`twilio-okta.com`). Each piece of the host
/// between such characters that reads as a name is judged; the last keeps
/// the rest of the address. `None` when the host holds no such character.
fn names_around_disguised_delimiters(
    input: &str,
    norm: &Normalized,
    span: Range<usize>,
) -> Option<Vec<Link>> {
    let text = norm.text.get(span.clone())?;
    let pieces = refused_piece_ranges(text);
    if pieces.is_empty() {
        return None;
    }
    Some(
        pieces
            .into_iter()
            .flat_map(|p| {
                let span = span.start + p.start..span.start + p.end;
                let Some(piece) = norm.text.get(span.clone()).map(trim_trailing) else {
                    return Vec::new();
                };
                if !piece.contains('.') {
                    return Vec::new();
                }
                let span = span.start..span.start + piece.len();
                let read = piece_link(input, norm, span.clone(), piece);
                match read {
                    Some(l) => vec![l],
                    // Glued to words of a script written without spaces
                    // too (`𐳀𐌭.com𱍐`).
                    None => names_in_unspaced_text(input, norm, span),
                }
            })
            .collect(),
    )
}

/// One piece of a run around characters a browser refuses, read as a name.
fn piece_link(input: &str, norm: &Normalized, span: Range<usize>, piece: &str) -> Option<Link> {
    build_read(input, norm, span.clone(), piece, Kind::Web)
        .filter(|l| l.host.is_some())
        // A name glued to a public suffix (`©co.uk`).
        .or_else(|| glued_to_a_suffix(input, norm, span.clone(), Kind::Web))
        // Refanging glued a word onto the piece (`לa.com[.]xn--`).
        .or_else(|| {
            let refanged = refanged_within(norm, &span);
            let host_end = piece.find(['/', '?', '#']).unwrap_or(piece.len());
            refanged
                .then(|| {
                    without_last_parts(
                        input,
                        norm,
                        span.start,
                        piece,
                        0..host_end,
                        Kind::Web,
                        |l| l.host.is_some(),
                    )
                })
                .flatten()
        })
}

/// At most this many runs of such characters are cut at in one run of
/// text: thousands (`a：`×N) are one long piece of text, not thousands of
/// names.
const MAX_DISGUISED_PIECES: usize = 16;

/// How many bytes of quotation marks and brackets of other scripts (and
/// symbols among them) lead `s`: up to the last such mark before the first
/// letter, digit or ASCII character.
fn bracket_lead(s: &str) -> usize {
    s.char_indices()
        .take_while(|(_, c)| !c.is_ascii() && !c.is_alphanumeric())
        .filter(|(_, c)| crate::text::is_quote_or_bracket(*c))
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// A name found at `at` in `after` (the address behind a host), trimmed as
/// a link's end is; `None` for a piece of a percent escape (`%2Ftwilio.com`
/// → `2Ftwilio.com`), which is part of something else. Symbols at its end
/// (`twilio.com™ `, emoji) end it as they end any link a phone makes: with
/// them IDNA would map the last label into another one (`comtm`) and the
/// name under a known suffix would not be read at all. Quotation marks and
/// brackets of other scripts in front (`?（twilio.com`) end a link too: the
/// name is what follows them (with them, IDNA maps `（` to `(`, a name no
/// registry gives out, or refuses the name: `(` before a right-to-left
/// letter breaks the Bidi rule). Also gives how many bytes were cut in front.
fn name_piece<'a>(after: &str, at: usize, found: &'a str) -> Option<(usize, &'a str)> {
    if at >= 1 && after.as_bytes().get(at - 1) == Some(&b'%') {
        return None;
    }
    let cut = bracket_lead(found);
    let found = found.get(cut..)?;
    let symbol =
        |c: char| !c.is_ascii() && (crate::text::is_symbol_char(c) || crate::text::is_invisible(c));
    let mut s = trim_trailing(found.trim_end_matches('\\'));
    while let Some(t) = s.strip_suffix(symbol) {
        s = trim_trailing(t);
    }
    Some((cut, s))
}

/// At most this many names are read out of the address of a link whose
/// host leads nowhere.
const MAX_BEHIND_DEAD_HOST: usize = 3;

/// A web link whose host leads nowhere (`https://x?q=evil.com`, no public
/// suffix): a phone that does not take it as a link (Android needs a real
/// name after `https://`) makes a link of the name inside it instead, and
/// opens that. Those names are judged too, as links inside this one
/// ([`Link::via`]).
///
/// A phone also ends a link at a backslash in its path, which browsers read
/// as `/` (`https://evil.example\x\twilio.co.com/login`): it links the
/// name after it too, and those are judged the same way.
///
/// And a host that holds ASCII punctuation other than `.` and `-`
/// (`https://twiloi,okta.net`, `login_twilio-okta.com`, `a;b.com`): WHATWG
/// keeps it in the host, no registry sells such a name, and a phone's link
/// finder ends the name at it and links the name after it (`okta.net`),
/// so the names inside the host are judged as well.
fn names_behind_a_dead_host(outer: &Link, index: usize) -> Vec<Link> {
    if outer.kind != Kind::Web || outer.via.is_some() {
        return Vec::new();
    }
    let dead = outer.host.as_ref().is_some_and(leads_nowhere);
    let punctuated = outer.host.as_ref().is_some_and(|h| {
        h.kind == crate::host::HostKind::Domain && holds_name_ending_punctuation(&h.ascii)
    });
    // The host starts after the scheme and any slashes or backslashes
    // (`https:host\\…` has none, and WHATWG reads it the same); a link
    // written without a scheme starts with its host (`a(twilio-okta.com`).
    let rest = if has_scheme(&outer.url) {
        match outer.url.find(':').and_then(|i| outer.url.get(i + 1..)) {
            Some(r) => r.trim_start_matches(['/', '\\']),
            None => return Vec::new(),
        }
    } else {
        outer.url.as_str()
    };
    let after = if punctuated {
        // The whole address after the scheme: the names start in the host.
        Some(rest)
    } else if dead {
        rest.find(['/', '?', '#', '\\']).and_then(|j| rest.get(j..))
    } else {
        // The path, query or fragment from its first backslash.
        let host_end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
        rest.get(host_end..)
            .and_then(|tail| tail.find('\\').and_then(|j| tail.get(j..)))
    };
    let Some(after) = after else {
        return Vec::new();
    };
    let host_len = after.find(['/', '?', '#', '\\']).unwrap_or(after.len());
    let mut finder = LinkFinder::new();
    finder.url_must_have_scheme(false).kinds(&[LinkKind::Url]);
    let dotted = DOTTED_NAME
        .as_ref()
        .into_iter()
        .flat_map(|re| re.find_iter(after));
    let mut out: Vec<Link> = Vec::new();
    let found = finder.links(after).map(|l| (l.start(), l.as_str()));
    let dotted = dotted.map(|m| (m.start(), m.as_str()));
    // In a punctuated host, the names a phone's stricter link finder makes
    // between such characters (`twiloi,okta.net`: `okta.net`); the last one
    // keeps the rest of the address. The link finders above take some of
    // the characters into a name (`d(ra.com`: `(` may open a bracket).
    // Each candidate is parsed: the first few and the last are read, so a
    // 1 MiB host of 100,000 commas costs a few short parses, not 100,000
    // of the whole rest (issue #17 §2).
    let mut after_punctuation: Vec<(usize, &str)> = Vec::new();
    if punctuated && let Some(host_part) = after.get(..host_len) {
        let name_ending = |c: char| c.is_ascii_punctuation() && c != '.' && c != '-';
        let mut marks = host_part.match_indices(name_ending).map(|(i, _)| i);
        let first: Vec<usize> = marks.by_ref().take(MAX_BEHIND_DEAD_HOST + 1).collect();
        for w in first.windows(2) {
            if let (Some(&a), Some(&b)) = (w.first(), w.get(1))
                && let Some(piece) = after.get(a + 1..b)
            {
                after_punctuation.push((a + 1, piece));
            }
        }
        if let Some(last) = marks.next_back().or(first.last().copied())
            && let Some(piece) = after.get(last + 1..)
        {
            after_punctuation.push((last + 1, piece));
        }
    }
    let found = found
        .take(MAX_BEHIND_DEAD_HOST)
        .chain(dotted.take(4 * MAX_BEHIND_DEAD_HOST))
        .chain(after_punctuation);
    for (at, found) in found {
        if out.len() >= MAX_BEHIND_DEAD_HOST {
            break;
        }
        let Some((_, text)) = name_piece(after, at, found) else {
            continue;
        };
        // A link of another scheme (`ftp://x`) is not a web name; a name
        // whose path holds `://` (`twilio.co.com/xhttps://y`) is one.
        if has_scheme(text)
            && text.contains("://")
            && !text.to_ascii_lowercase().starts_with("http")
        {
            continue;
        }
        // The character a phone ends the outer link at, right before it:
        // a backslash, or punctuation inside the host.
        let ends_at = match after.get(..at).and_then(|s| s.chars().last()) {
            _ if dead => None,
            Some('\\') => Some('\\'),
            Some(c) if punctuated && at <= host_len && c.is_ascii_punctuation() => Some(c),
            _ => None,
        };
        // A right-to-left letter or a disguised delimiter glued to the
        // name (`?q=לtwilio-okta.com`): the pieces around it.
        let names: Vec<_> = match name_under_known_suffix(text) {
            Some(name) => vec![name],
            // (Only a name without a scheme is cut, as before the pieces
            // were shared with the run's own reading.)
            None if text.contains("//") => Vec::new(),
            None => refused_piece_ranges(text)
                .into_iter()
                .filter_map(|r| text.get(r))
                .filter_map(name_under_known_suffix)
                .collect(),
        };
        for (url, parsed, facts) in names {
            let judged = |h: &HostFacts| h.ascii == facts.ascii;
            if outer.host.as_ref().is_some_and(judged)
                || out.iter().any(|l| l.host.as_ref().is_some_and(judged))
            {
                continue;
            }
            out.push(behind_link(outer, index, url, parsed, facts, ends_at));
        }
    }
    out
}

/// A link inside `outer` (its `index`) to the name `url` found behind its
/// dead host.
fn behind_link(
    outer: &Link,
    index: usize,
    url: String,
    parsed: url::Url,
    facts: HostFacts,
    phone_ends_at: Option<char>,
) -> Link {
    {
        let mut link = outer.clone();
        link.phone_ends_at = phone_ends_at;
        link.host = Some(facts);
        link.written_host = written_host(&url).to_owned();
        link.parsed = Some(parsed);
        link.url = url;
        link.parse_error = None;
        link.via = Some(index);
        link.glued_symbols = None;
        link.repaired_scheme = None;
        link
    }
}

/// Where the pieces of `text`'s host lie between runs of characters a
/// browser refuses there with Latin letters around them
/// ([`crate::text::ends_a_latin_name`]), the last with the rest of the
/// address; at most [`MAX_DISGUISED_PIECES`] runs are cut at. Empty when
/// the host holds no such character.
fn refused_piece_ranges(text: &str) -> Vec<Range<usize>> {
    // Runs of such characters (a Hebrew word in front).
    let cuts = char_runs(text, host_run(text), crate::text::ends_a_latin_name);
    pieces_between(text, &cuts)
}

/// The runs of characters `matches` takes in `run` of `text` (byte ranges
/// in `text`), the first [`MAX_DISGUISED_PIECES`] of them.
fn char_runs(text: &str, run: Range<usize>, matches: impl Fn(char) -> bool) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, ch) in text.get(run.clone()).unwrap_or("").char_indices() {
        if !matches(ch) {
            continue;
        }
        let (at, after) = (run.start + i, run.start + i + ch.len_utf8());
        let full = runs.len() >= MAX_DISGUISED_PIECES;
        match runs.last_mut() {
            Some(last) if last.1 == at => last.1 = after,
            _ if full => break,
            _ => runs.push((at, after)),
        }
    }
    runs
}

/// The pieces of `text` between the `cuts` (in order), the last running to
/// the end of `text`; empty when there is no cut.
fn pieces_between(text: &str, cuts: &[(usize, usize)]) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let mut from = 0;
    for &(at, after) in cuts {
        if at > from {
            pieces.push(from..at);
        }
        from = after;
    }
    if !cuts.is_empty() && from < text.len() {
        pieces.push(from..text.len());
    }
    pieces
}

/// Where the Latin names lie in the host of `text` that is glued to words
/// of a script written without spaces ([`crate::text::is_unspaced_script`]:
/// `ログインはtwilio-okta.comから`, `지금twilio.com`): the host is cut at
/// each run of such letters glued to the rest (not joined by a dot or a
/// hyphen), and the
/// pieces between them (the last with the rest of the address) that hold a
/// dot and an ASCII letter are returned. Empty when the host has no such
/// run (`日本語.jp`, `株式会社-twilio.com` are names as written). At most
/// [`MAX_DISGUISED_PIECES`] runs are cut at.
///
/// `sentence_end(i)`: the `.` at byte `i` of `text` was a CJK full stop
/// (`。`); such a dot after the words ends their sentence
/// (`…7日です。tsukikage.okta.com`), so it cuts as well.
fn unspaced_piece_ranges(text: &str, sentence_end: impl Fn(usize) -> bool) -> Vec<Range<usize>> {
    let run = host_run(text);
    if text.get(run.clone()).is_none_or(str::is_ascii) {
        return Vec::new();
    }
    let runs = char_runs(text, run.clone(), crate::text::is_unspaced_script);
    let touches = |&(at, after): &(usize, usize)| {
        // Within the host: its start and end join nothing.
        let before = text.get(run.start..at).and_then(|t| t.chars().next_back());
        let next = text.get(after..run.end).and_then(|t| t.chars().next());
        // Glued to the name, or to quotation marks around it; not joined
        // to it by a dot or hyphen (a name as written).
        let glued = |c: char| c != '.' && c != '-' && !c.is_whitespace();
        before.is_some_and(glued)
            || next.is_some_and(glued)
            || next == Some('.') && sentence_end(after)
    };
    // A run of marks alone (U+17B4, which IDNA removes) is no word.
    let has_letter = |&(at, after): &(usize, usize)| {
        text.get(at..after)
            .is_some_and(|r| r.chars().any(char::is_alphabetic))
    };
    let cuts: Vec<(usize, usize)> = runs
        .into_iter()
        .filter(|r| touches(r) && has_letter(r))
        .collect();
    let mut pieces = pieces_between(text, &cuts);
    pieces.retain(|r| {
        text.get(r.clone())
            .is_some_and(|p| p.contains('.') && p.bytes().any(|b| b.is_ascii_alphabetic()))
    });
    pieces
}

/// The `.` at byte `at` of the normalised text was a CJK full stop (`。`,
/// `．`, `｡`).
fn sentence_end_at(norm: &Normalized, at: usize) -> bool {
    lookalike_dot_at(norm, at).is_some()
}

/// The look-alike dot edit that put the `.` at byte `at` of the normalised
/// text (edits are in order: a binary search).
fn lookalike_dot_at(norm: &Normalized, at: usize) -> Option<&crate::text::Edit> {
    let i = norm.edits.partition_point(|e| e.normalized.start < at);
    norm.edits
        .get(i)
        .filter(|e| e.normalized.start == at && e.kind == EditKind::LookalikeDot)
}

/// The Latin names a reader sees in a run glued to words of a script
/// written without spaces ([`unspaced_piece_ranges`]), each judged as a
/// link of its own when it reads as a name under a known suffix.
fn names_in_unspaced_text(input: &str, norm: &Normalized, span: Range<usize>) -> Vec<Link> {
    let Some(text) = norm.text.get(span.clone()) else {
        return Vec::new();
    };
    unspaced_piece_ranges(text, |i| sentence_end_at(norm, span.start + i))
        .into_iter()
        .filter_map(|p| {
            let span = span.start + p.start..span.start + p.end;
            // Quotation marks around the name (`は«twilio-okta.com»を`) end
            // it, as they end any link.
            // A dot or hyphen in front (`です。sagawa-exp.co.jp`, a sentence
            // ended by a full stop) is not part of the name either.
            let piece = norm.text.get(span.clone())?;
            let lead = bracket_lead(piece);
            let lead = lead + piece.get(lead..)?.len()
                - piece.get(lead..)?.trim_start_matches(['.', '-']).len();
            let piece = piece.get(lead..)?;
            let mut piece = trim_trailing(piece);
            let mark = |c: char| {
                non_ascii_symbol(c) || (!c.is_ascii() && crate::text::is_quote_or_bracket(c))
            };
            while let Some(t) = piece.strip_suffix(mark) {
                piece = trim_trailing(t);
            }
            let span = span.start + lead..span.start + lead + piece.len();
            build_read(input, norm, span.clone(), piece, Kind::Web)
                .filter(|l| l.host.as_ref().is_some_and(|h| h.suffix_known))
                .or_else(|| glued_to_a_suffix(input, norm, span, Kind::Web))
        })
        .collect()
}

/// The Latin name in a link that a phone can open whole but whose host is
/// glued to words of a script written without spaces (`지금twilio.com`: a
/// reader sees `twilio.com`, a phone may open `xn--twilio-…com`): judged
/// too, as a link inside this one, explained as the phone's other reading
/// (the link ends where those words do).
fn name_in_unspaced_text_inside(
    input: &str,
    norm: &Normalized,
    link: &Link,
    index: usize,
) -> Vec<Link> {
    // (The text, not the host: IDNA removes a Hangul filler, `xㅤa.0co.uk`
    // opens `xa.0co.uk`, and a reader sees a blank before `a.0co.uk`.)
    if link.kind != Kind::Web || link.host.is_none() {
        return Vec::new();
    }
    let span = link.normalized_span.clone();
    let Some(text) = norm.text.get(span.clone()).filter(|t| !t.is_ascii()) else {
        return Vec::new();
    };
    let mut out: Vec<Link> = Vec::new();
    for mut read in names_in_unspaced_text(input, norm, span.clone()) {
        let same =
            |l: &Link| l.host.as_ref().map(|h| &h.ascii) == read.host.as_ref().map(|h| &h.ascii);
        let at = read.normalized_span.start.saturating_sub(span.start);
        // After a sentence ended by a CJK full stop (`…7日です。
        // tsukikage.okta.com`), the name the reader sees is the one after
        // it, even where the whole is under it: that is the address the
        // text gives (an owned one makes the message the company's own).
        let full_stop = at >= 1 && sentence_end_at(norm, read.normalized_span.start - 1);
        // Otherwise a name the whole is at or under is judged with it.
        let under = link
            .host
            .as_ref()
            .zip(read.host.as_ref())
            .is_some_and(|(outer, inner)| outer.is_at_or_under(&inner.ascii));
        if same(link) || under && !full_stop || out.iter().any(same) {
            continue;
        }
        let before = text.get(..at).unwrap_or("");
        let before = if full_stop {
            before.strip_suffix('.').unwrap_or(before)
        } else {
            before
        };
        let words_at = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| crate::text::is_unspaced_script(*c))
            .last()
            .map_or(before.len(), |(i, _)| i);
        let mut glued = before.get(words_at..).unwrap_or("").to_owned();
        if full_stop && !glued.is_empty() {
            // As written: the full stop itself.
            let stop = lookalike_dot_at(norm, read.normalized_span.start - 1)
                .and_then(|e| input.get(e.original.clone()))
                .unwrap_or("。");
            glued.push_str(stop);
        }
        // Only a name with such words glued in front: a phone that ends
        // the link there opens it (the name before them starts the whole).
        if glued.is_empty() {
            continue;
        }
        read.via = Some(index);
        read.glued_symbols = Some(glued);
        read.symbols_dropped = true;
        out.push(read);
    }
    out
}

/// `host` (ASCII, as the parser gives it) holds a character other than a
/// letter, digit, `.` or `-` that the parser keeps in a name (`,` `;` `_`
/// `!` `'` `(` `*` `+` `=` `~` …): a phone's link finder ends a name there.
fn holds_name_ending_punctuation(host: &str) -> bool {
    host.bytes()
        .any(|b| b.is_ascii_punctuation() && b != b'.' && b != b'-')
}

/// A host name no phone takes for a link's (Android's link finder wants a
/// dotted name with a top-level domain of two or more letters): one label
/// (`https://x`), or a last label of digits or other characters, and no
/// known public suffix. `evil.example` is not one: a phone opens it. One
/// label is never a link's host on a phone, even a top-level domain's
/// (`https://tw\u{0456}lio.com/`: the host is `tw`, Taiwan's; ICANN
/// allows no name without a dot), so the name behind it is read.
pub fn leads_nowhere(h: &HostFacts) -> bool {
    if h.kind != crate::host::HostKind::Domain || h.ascii.len() > MAX_HOST_LEN {
        return false;
    }
    if !h.ascii.trim_end_matches('.').contains('.') {
        return true;
    }
    if h.suffix_known {
        return false;
    }
    match h.ascii.rsplit_once('.') {
        None => true,
        Some((_, tld)) => {
            !(tld.starts_with("xn--")
                || tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
        }
    }
}

/// `text` as a web address whose host is a registrable name under a known
/// suffix, or else the same without the host's last one or two parts
/// (refanging can glue a word on: `x.com[.]hxxps`).
fn name_under_known_suffix(text: &str) -> Option<(String, url::Url, HostFacts)> {
    let lower = text.to_ascii_lowercase();
    let url = if lower.starts_with("http://") || lower.starts_with("https://") {
        text.to_owned()
    } else {
        format!("http://{text}")
    };
    let host_at = url.find("//").map_or(0, |i| i + 2);
    let host_end = url
        .get(host_at..)
        .and_then(|r| r.find(['/', '?', '#']))
        .map_or(url.len(), |i| host_at + i);
    let mut end = url.len();
    for attempt in 0..3 {
        if attempt > 0 {
            end = url
                .get(host_at..end.min(host_end))?
                .rfind('.')
                .map(|i| host_at + i)?;
        }
        let candidate = url.get(..end)?;
        if let Ok(parsed) = url::Url::parse(candidate)
            && let Some(h) = parsed.host()
        {
            let facts = HostFacts::from_url_host(&h);
            if facts.suffix_known && facts.registrable.is_some() {
                return Some((candidate.to_owned(), parsed, facts));
            }
        }
    }
    None
}

/// The links written inside a web link's address: query and fragment
/// values that are URLs (`?next=https://…`, `?url=`, `?q=`, `?u=`), also
/// percent-encoded again; a URL inside the path (`/v3/__https://…__`,
/// `/https://…`); Proofpoint's `v2/url?u=https-3A__…` encoding.
fn nested_links(outer: &Link, index: usize, depth: usize) -> Vec<Link> {
    let Some(u) = &outer.parsed else {
        return Vec::new();
    };
    let urls = inner_urls(u);
    let mut out = Vec::new();
    for inner in urls.into_iter().take(MAX_NESTED) {
        let inner = trim_trailing(inner.trim()).to_owned();
        let Ok(parsed) = url::Url::parse(&inner) else {
            continue;
        };
        if !matches!(parsed.scheme(), "http" | "https") {
            continue;
        }
        let Some(h) = parsed.host() else { continue };
        let mut link = outer.clone();
        link.host = Some(HostFacts::from_url_host(&h));
        link.written_host = written_host(&inner).to_owned();
        link.parsed = Some(parsed);
        link.url = inner;
        link.parse_error = None;
        link.via = Some(index);
        link.glued_symbols = None;
        link.repaired_scheme = None;
        link.nested_beyond = false;
        link.symbols_dropped = false;
        let deeper = if depth < MAX_NESTING_DEPTH {
            nested_links(&link, index, depth + 1)
        } else {
            // Not followed further (each level re-reads nearly the whole
            // address: unbounded depth would be quadratic), but not hidden
            // either: a link that still carries one is flagged.
            link.nested_beyond = link
                .parsed
                .as_ref()
                .is_some_and(|p| !inner_urls(p).is_empty());
            Vec::new()
        };
        out.push(link);
        out.extend(deeper);
    }
    out
}

/// The addresses carried in `u`'s query, fragment or path (redirectors,
/// mail-security rewriters), unparsed, deduplicated.
fn inner_urls(u: &url::Url) -> Vec<String> {
    let mut urls: Vec<String> = Vec::new();
    // A bare host (`https://x.example/`, every line of a feed of domains)
    // carries no address: nothing below can match an empty path, query
    // and fragment.
    if u.path() == "/" && u.query().is_none() && u.fragment().is_none() {
        return urls;
    }
    let consider = |value: &str, urls: &mut Vec<String>| {
        let mut v = value.trim().to_owned();
        for _ in 0..3 {
            let lower = v.to_ascii_lowercase();
            if lower.starts_with("http://") || lower.starts_with("https://") {
                urls.push(v);
                return;
            }
            if let Some(rest) = v.strip_prefix("//").filter(|r| !r.starts_with('/')) {
                urls.push(format!("https://{rest}"));
                return;
            }
            if let Some(i) = lower.find("https://").or_else(|| lower.find("http://"))
                && let Some(inner) = v.get(i..)
            {
                urls.push(inner.to_owned());
                return;
            }
            if !lower.contains('%') {
                return;
            }
            v = percent_decode_lossy(&v);
        }
    };
    if let Some(q) = u.query() {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            // `href.li/?https://…`: the whole query is the address.
            let value = if v.is_empty() { k.clone() } else { v.clone() };
            let before = urls.len();
            consider(&value.replace('\\', "/"), &mut urls);
            // A bare name in a redirect parameter (`?next=evil.example`).
            if urls.len() == before
                && REDIRECT_PARAMS.contains(&k.to_ascii_lowercase().as_str())
                && bare_domain(&value)
            {
                urls.push(format!("https://{value}"));
            }
        }
    }
    if let Some(f) = u.fragment() {
        if f.contains('=') {
            for (_, v) in url::form_urlencoded::parse(f.as_bytes()) {
                consider(&v, &mut urls);
            }
        } else {
            consider(f, &mut urls);
        }
    }
    // Google AMP: `google.com/amp/s/evil.example/…` (s: https).
    if let Some(h) = u.host_str()
        && (h.starts_with("google.") || h.contains(".google.") || h.ends_with(".ampproject.org"))
    {
        let p = u.path();
        if let Some(rest) = p
            .strip_prefix("/amp/s/")
            .or_else(|| p.strip_prefix("/c/s/"))
        {
            urls.push(format!("https://{rest}"));
        } else if let Some(rest) = p.strip_prefix("/amp/").or_else(|| p.strip_prefix("/c/")) {
            urls.push(format!("http://{rest}"));
        }
    }
    // `https://https://evil.example`: the parser takes "https" for the
    // host; the address people see follows the second `//`.
    if let Some(rest) = u.path().strip_prefix("//")
        && u.host_str().is_some_and(|h| matches!(h, "https" | "http"))
    {
        urls.push(format!("https://{rest}"));
    }
    // Bing's click tracking: `u=a1` + base64url of the address.
    if u.host_str().is_some_and(|h| h.ends_with("bing.com")) && u.path().starts_with("/ck/") {
        use base64::Engine as _;
        for (k, v) in u.query_pairs() {
            if k == "u"
                && let Some(b64) = v.strip_prefix("a1")
                && let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(b64.trim_end_matches('='))
            {
                urls.push(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    let path = percent_decode_lossy(u.path());
    let lower_path = path.to_ascii_lowercase();
    if let Some(i) = lower_path
        .find("https://")
        .or_else(|| lower_path.find("http://"))
        && let Some(inner) = path.get(i..)
    {
        urls.push(inner.split("__").next().unwrap_or(inner).to_owned());
    }
    if u.host_str() == Some("urldefense.proofpoint.com") && u.path().starts_with("/v2/") {
        for (k, v) in u.query_pairs() {
            if k == "u" {
                urls.push(proofpoint_v2_decode(&v));
            }
        }
    }
    urls.dedup();
    urls
}

/// Query parameters that redirectors and sign-in pages use for the next
/// address; a bare name there (`?next=evil.example`) is a destination.
const REDIRECT_PARAMS: &[&str] = &[
    "url",
    "u",
    "q",
    "next",
    "redirect",
    "redirect_uri",
    "redirect_url",
    "redirecturl",
    "return",
    "returnto",
    "return_to",
    "returnurl",
    "target",
    "dest",
    "destination",
    "goto",
    "continue",
    "to",
    "link",
    "out",
    "r",
];

/// `value` is a bare host name under a known suffix, maybe with a path.
fn bare_domain(value: &str) -> bool {
    let host = value.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty()
        && host.contains('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && psl::domain(host.to_ascii_lowercase().as_bytes()).is_some_and(|d| d.suffix().is_known())
}

/// Percent-decode, keeping invalid UTF-8 as replacement characters.
pub(crate) fn percent_decode_lossy(s: &str) -> String {
    decode_escapes(s, b'%', false)
}

/// Proofpoint URL Defense v2: `-XX` is a hex byte, `_` a slash.
fn proofpoint_v2_decode(s: &str) -> String {
    decode_escapes(s, b'-', true)
}

/// `escape` + two hex digits is that byte; with `underscore_slash`, `_` is
/// `/`. Invalid UTF-8 comes out as replacement characters.
fn decode_escapes(s: &str, escape: u8, underscore_slash: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == escape
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(if underscore_slash && b == b'_' {
            b'/'
        } else {
            b
        });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A cheap first test for a scheme-less candidate: does its host end in a
/// known public suffix? Text full of dotted words that are not domains
/// ("file.txt", "ta.rihk") is then rejected before any parsing (a 1 MB text
/// of such words, found by the fuzzer's corpus, took 168 ms; see
/// docs/benchmarks.md). Hosts the URL parser would rewrite (non-ASCII,
/// percent-encoded, IPv6) take the full path.
fn may_be_scheme_less_link(candidate: &str) -> bool {
    // Byte loops (every separator is ASCII): issue #16.
    let end = candidate
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(candidate.len());
    let host = candidate.get(..end).unwrap_or_default();
    let host = match host.bytes().rposition(|b| b == b'@') {
        Some(at) => host.get(at + 1..).unwrap_or_default(),
        None => host,
    };
    if !host.is_ascii() || host.bytes().any(|b| matches!(b, b'%' | b'[' | b'\\')) {
        return true;
    }
    let host = match host.bytes().position(|b| b == b':') {
        Some(colon) => host.get(..colon).unwrap_or_default(),
        None => host,
    }
    .trim_end_matches('.');
    // Over-long names are kept whatever their suffix (a lure in itself).
    host.len() > MAX_HOST_LEN || {
        let lower: std::borrow::Cow<'_, str> = if host.bytes().any(|b| b.is_ascii_uppercase()) {
            host.to_ascii_lowercase().into()
        } else {
            host.into()
        };
        psl::suffix(lower.as_bytes()).is_some_and(|s| s.is_known())
    }
}

/// The link `candidate` at `span` would be, before its URL is read.
fn bare_link(
    input: &str,
    norm: &Normalized,
    span: Range<usize>,
    candidate: &str,
    kind: Kind,
) -> Link {
    let hidden: Vec<EditKind> = {
        let mut v: Vec<EditKind> = norm.edits_within(span.clone()).map(|e| e.kind).collect();
        v.sort();
        v.dedup();
        v
    };
    let original = norm.original_span(span.clone());
    // The span is on char boundaries by construction; stay total anyway.
    let text = input.get(original.clone()).unwrap_or_default().to_owned();
    Link {
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
        via: None,
        glued_symbols: None,
        repaired_scheme: None,
        nested_beyond: false,
        symbols_dropped: false,
        phone_ends_at: None,
    }
}

/// A defanged name that cannot be read once refanged (`𐿠A[.]twilio.com`:
/// a right-to-left letter and a Latin one in one part break IDNA's Bidi
/// rule): a phone reading the text as written ends the link at the
/// defanging, so the name after a `[.]` is what it opens (found by the
/// random-text property test). Tried after each of the first few
/// refangings, the longest name first.
fn name_after_a_refang(
    input: &str,
    norm: &Normalized,
    span: Range<usize>,
    kind: Kind,
) -> Option<Link> {
    if kind != Kind::Web {
        return None;
    }
    let end_of_span = span.end;
    norm.edits_within(span)
        .filter(|e| e.kind == EditKind::Refanged && e.normalized.end < end_of_span)
        .take(4)
        .find_map(|e| {
            let whole = norm.text.get(e.normalized.end..end_of_span)?;
            // Written without a scheme, the name ends where a name cannot
            // go on (`é.com;𐝀`: a phone's link is `é.com`).
            let host_end = whole.find(['/', '?', '#', '\\']).unwrap_or(whole.len());
            let end = whole
                .get(..host_end)?
                .find([';', ','])
                .unwrap_or(whole.len());
            let span = e.normalized.end..e.normalized.end + end;
            let text = norm.text.get(span.clone())?;
            build_read(input, norm, span, text, Kind::Web).filter(|l| l.host.is_some())
        })
}

/// Symbols or emoji right in front of a name that is no link alone
/// (`👉co.uk`, `⠀co.uk`: the name left is a public suffix): Android takes
/// them into it, and IDNA keeps them, so the phone opens a registrable
/// site (`xn--co-…uk`). That reading is the link (found by the random-text
/// property test, ZWSP + U+2800 + `co.uk`).
fn glued_to_a_suffix(
    input: &str,
    norm: &Normalized,
    span: Range<usize>,
    kind: Kind,
) -> Option<Link> {
    let name = norm.text.get(span.clone())?;
    if kind != Kind::Web || has_scheme(name) || name.contains("//") {
        return None;
    }
    let link = bare_link(input, norm, span, name, Kind::Web);
    let mut alt = glued_prefix_link(input, &link, 0)?;
    alt.via = None;
    Some(alt)
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
    let mut link = bare_link(input, norm, span, candidate, kind);
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
                let mut s = String::with_capacity(candidate.len() + 7);
                s.push_str("http://");
                s.push_str(candidate);
                s
            };
            link.written_host = written_host(&to_parse).to_owned();
            let parsed = match refused_as_ipv4(&to_parse) {
                Some(e) => Err(e),
                None => url::Url::parse(&to_parse),
            };
            match parsed {
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
                    let facts = u
                        .host()
                        .map(|h| HostFacts::from_url_host(&h))
                        .filter(|f| !f.ascii.is_empty());
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

/// The error the URL parser is certain to give for `to_parse`, known
/// without parsing: `http://` or `https://`, then a host longer than DNS
/// allows, of ASCII letters, digits, hyphens and dots only (no `xn--`
/// label, so IDNA only lower-cases it), with more than four labels and a
/// last one of digits. WHATWG reads such a host as an IPv4 address, and one
/// of more than four parts is refused. The same 1 MiB host (`1.`×N) is
/// otherwise parsed for every candidate that holds it (with and without
/// the scheme, shortened by a label or two), a full IDNA pass each time.
/// `None` means: parse it.
fn refused_as_ipv4(to_parse: &str) -> Option<url::ParseError> {
    let rest = to_parse
        .strip_prefix("https://")
        .or_else(|| to_parse.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.len() <= MAX_HOST_LEN
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return None;
    }
    // WHATWG drops one empty last label before reading the number.
    let host = host.strip_suffix('.').unwrap_or(host);
    let mut labels = 0usize;
    let mut last = "";
    for label in host.split('.') {
        if label
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
        {
            return None;
        }
        labels += 1;
        last = label;
    }
    (labels > 4 && !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        .then_some(url::ParseError::InvalidIpv4Address)
}

/// The links of a text that is one whole candidate, a bare host or a plain
/// web address, as [`find_links`] finds them: the candidate built by the
/// same `build`, then the readings inside it. Only for the bulk fast path
/// (`crate::engine::bare`), which has checked that the normalising pass
/// changes nothing in the text and that every scan's candidate is the
/// whole text. `None` when it does not read as a link with a host (the
/// full path then decides), or would pass `max` links.
pub(crate) fn whole_text_link(input: &str, max: usize) -> Option<Vec<Link>> {
    let norm = Normalized {
        text: input.to_owned(),
        edits: Vec::new(),
    };
    let link = build(input, &norm, 0..input.len(), input, Kind::Web)?;
    link.host.as_ref()?;
    let mut inner: Vec<Link> = glued_prefix_link(input, &link, 0).into_iter().collect();
    inner.extend(dropped_prefix_link(&link, 0));
    inner.extend(joined_break_link(input, &link, 0));
    inner.extend(nested_links(&link, 0, 1));
    if inner.len() >= max {
        return None;
    }
    let mut links = Vec::with_capacity(1 + inner.len());
    links.push(link);
    links.extend(inner);
    Some(links)
}

fn has_scheme(s: &str) -> bool {
    // A scheme is at most ten bytes: only the first eleven can hold its
    // colon (issue #16: a byte loop, not the `char` searcher's set-up).
    let Some(colon) = s.bytes().take(11).position(|b| b == b':') else {
        return false;
    };
    let Some(scheme) = s.as_bytes().get(..colon) else {
        return false;
    };
    !scheme.is_empty()
        && scheme
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'-')
        && scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && s.len() > colon + 1
}

/// The host part of a URL as written: after `//` and any userinfo, before
/// the port or path. Used to show how an IP address was disguised.
/// Every separator is ASCII, so byte positions are character boundaries.
fn written_host(url: &str) -> &str {
    let rest = if has_scheme(url) {
        let colon = url.bytes().position(|b| b == b':').unwrap_or(0);
        let r = url.get(colon + 1..).unwrap_or("");
        let slashes = r.bytes().take_while(|b| matches!(b, b'/' | b'\\')).count();
        r.get(slashes..).unwrap_or(r)
    } else {
        url.split_once("//").map_or(url, |(_, r)| r)
    };
    let end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#' | b'\\'))
        .unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or(rest);
    let host_port = match authority.bytes().rposition(|b| b == b'@') {
        Some(at) => authority.get(at + 1..).unwrap_or(authority),
        None => authority,
    };
    if host_port.starts_with('[') {
        return host_port;
    }
    match host_port.bytes().position(|b| b == b':') {
        Some(colon) => host_port.get(..colon).unwrap_or(host_port),
        None => host_port,
    }
}

/// The scheme test and the written host as they were before issue #16's
/// byte loops: the oracle of the tests that hold the two equal.
#[cfg(test)]
fn has_scheme_std(s: &str) -> bool {
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

#[cfg(test)]
fn written_host_std(url: &str) -> &str {
    let rest = match url.split_once(':') {
        Some((scheme, r)) if has_scheme_std(url) && !scheme.is_empty() => {
            r.trim_start_matches(['/', '\\'])
        }
        _ => url.split_once("//").map_or(url, |(_, r)| r),
    };
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
    fn names_after_a_backslash_in_the_path_are_judged() {
        // Found by the fuzzer: a phone ends the link at the backslash.
        let h = hosts("https://evil.example\\twiliexample\\twilio.co.com/login");
        assert!(h.contains(&"twilio.co.com".to_owned()), "{h:?}");
        assert!(h.contains(&"evil.example".to_owned()), "{h:?}");
        // A host of one label, even a top-level domain's, leads nowhere.
        let h = hosts("https://tw\\u{0456}lio.com/");
        assert!(h.contains(&"lio.com".to_owned()), "{h:?}");
        // Also with no slashes after the scheme.
        let h = hosts("https:liexample\\twilio.co.com/login");
        assert!(h.contains(&"twilio.co.com".to_owned()), "{h:?}");
    }

    #[test]
    fn scheme_less_and_with_scheme() {
        assert_eq!(
            hosts("log in at twilio-okta.com/reset, or https://twilio.com. Also www.example.com!"),
            vec!["twilio-okta.com", "twilio.com", "www.example.com"]
        );
    }

    #[test]
    fn byte_loops_equal_the_std_searchers() {
        let parts = [
            "",
            ":",
            "//",
            "/",
            "\\",
            "@",
            "?",
            "#",
            "[",
            "]",
            ":8080",
            "a",
            "https",
            "http:",
            "https://",
            "hxxp",
            "x.y",
            "tw1lio.com",
            "user@",
            "é",
            "a.b:c",
            "[::1]",
            "+-.",
            "1a",
            "abcdefghij:",
            "abcdefghijk:",
            "%41",
            "mailto:",
        ];
        let mut n = 0;
        for a in parts {
            for b in parts {
                for c in parts {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(has_scheme(&s), has_scheme_std(&s), "{s:?}");
                    assert_eq!(written_host(&s), written_host_std(&s), "{s:?}");
                    n += 1;
                }
            }
        }
        assert!(n > 20_000);
    }

    #[test]
    fn patterns_compile() {
        assert!(SCHEME_URL.is_some() && OTHER_SCHEME.is_some() && DOTTED_NAME.is_some());
    }

    #[test]
    fn file_names_are_not_links() {
        assert!(hosts("see notes.txt and app.js or v1.2.3").is_empty());
    }

    /// The short cut for long numeric hosts gives exactly the parser's
    /// answer: every host it refuses, `url` refuses with the same error.
    #[test]
    fn long_numeric_hosts_are_refused_as_the_parser_refuses_them() {
        let refused = |s: &str| {
            let ours = refused_as_ipv4(s);
            if let Some(e) = ours {
                assert_eq!(url::Url::parse(s).err(), Some(e), "{s}");
            }
            ours.is_some()
        };
        let long = "1.".repeat(200);
        assert!(refused(&format!("https://{long}1")));
        assert!(refused(&format!("http://{long}1./path?q=a.b")));
        assert!(refused(&format!("https://A-b.{long}007#x")));
        // Short hosts, and hosts the parser might read otherwise, are parsed.
        assert!(!refused("https://1.2.3.4.5"));
        assert!(!refused(&format!("https://{long}1..")));
        assert!(!refused(&format!("https://{long}0x1")));
        assert!(!refused(&format!("https://xn--a.{long}1")));
        assert!(!refused(&format!("https://u@{long}1")));
        assert!(!refused(&format!("https://{long}1:80")));
        assert!(!refused(&format!("https://{long}%31")));
        assert!(!refused(&format!("https://{long}a")));
        // Generated hosts: whatever it says, the parser agrees.
        let pieces = [
            "1", "a", "-", ".", "xn--", "XN--", "0x1", "A", "/", "?x", "#", "@", ":80", "%2e",
            "\t", "\\", "1e", "09", "é", " ", "[", "_",
        ];
        let mut state = 11u32;
        for _ in 0..3000 {
            let mut tail = String::new();
            for _ in 0..6 {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                tail.push_str(pieces[(state >> 16) as usize % pieces.len()]);
            }
            for scheme in ["https://", "http://", "HTTP://"] {
                refused(&format!("{scheme}{long}{tail}"));
                refused(&format!("{scheme}{tail}{long}1"));
            }
        }
    }

    #[test]
    fn email_domains() {
        assert_eq!(
            hosts("write to it-support@twilio-help.com now"),
            vec!["twilio-help.com"]
        );
    }
}

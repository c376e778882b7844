//! How companies are really named: the names a brand is known by and the
//! matching steps that find them in a domain name. Used by `brand-combo`,
//! `typosquat` and `brand-other-suffix`.
//!
//! ## The names of a brand ([`brand_keywords`])
//! - **Name**: `keywords`, or the label of the main domain (`twilio`).
//! - **Domain**: the label of every other owned domain (a corporate domain
//!   that differs from the public one: `northwindhaulage.com` beside
//!   `nwhaul.com`). Nothing is derived when the brand lists `keywords`: IT
//!   has chosen its names then.
//! - **Alias**: `aliases` (`NWH`, `M&S`, `HP Enterprise`), written as a
//!   domain would spell them (`nwh`; `ms` and `mands`; `hpenterprise` and
//!   `hp-enterprise`). Treated like the name.
//! - Derived, and matched **only beside a lure word**: the initials of a
//!   multi-word name (`Northwind Haulage` → `nh`), its distinctive
//!   first word (`northwind`, when it is not an everyday word) and the name
//!   written whole; number words as digits (`capital1`) and a two-word
//!   name's first syllable with its last word (`capone`). Accents are
//!   dropped, as an ASCII domain spells a name (`Itaú` → `itau`).
//!
//! ## Which part of a name is distinctive ([`classify`])
//! A name that is one everyday word (`orange`, `office`, `live`, `signal`)
//! counts in combinations only with lure words, like a `widely_used` brand.
//! A name made of one or two characters and an everyday word (`i`+`cloud`,
//! `t-`+`mobile`, `mz`+`static`) must start (or end) a word of the label
//! on the short side: `myicloud-login`, not `magicloud`; `t-mobile-pay`,
//! not `smart-mobile`.
//!
//! ## Matching steps (each tested below with what it flags and what not)
//! 1. [`short_name`]: a name of one or two characters (`hp`, `x`, `3m`)
//!    matches only as a whole hyphen-separated word (`bt-okta`), or glued to a
//!    lure word that makes up the rest of that word (`hpsso`), never
//!    inside another word (`chpx`, `boxer`).
//! 2. [`misspelt_combination`]: lure words are peeled off the ends of the
//!    label, and what is left is one typing mistake from a name, or the name
//!    split by a hyphen (`nortwhind-sso`, `north-wind-okta`).
//!
//! Every step is linear in the label's length: lure words are peeled at
//! most [`MAX_PEEL`] times, each a comparison of the label's ends against a
//! fixed vocabulary, and labels longer than [`MAX_LABEL`] are not segmented
//! (DNS allows 63 characters per label).

use crate::engine::explain::{LureKind, Misspelling, NameKind};
use crate::engine::words::{domain_words, is_filler, is_lure_word};
use crate::host::comparison_form;
use crate::policy::names::vocabulary;
pub use crate::policy::names::{EVERYDAY, brand_keywords, classify, is_everyday};
use crate::policy::{Brand, Keyword, Origin, Policy};

/// Labels longer than this are not segmented (DNS allows 63 per label).
pub const MAX_LABEL: usize = 63;
/// Lure words peeled off the ends of a label at most.
pub const MAX_PEEL: usize = 4;
/// A misspelt name beside filler words only (`my`, `online`) counts from
/// this many characters.
pub const MIN_FILLER_CORE: usize = 6;

/// The vocabulary as listed and in comparison form, computed once.
static VOCABULARY: std::sync::LazyLock<Vec<(&'static str, String)>> =
    std::sync::LazyLock::new(|| vocabulary().map(|w| (w, comparison_form(w))).collect());

/// The word as written (`folded` false) or in comparison form.
fn form<'a>(entry: &'a (&'static str, String), folded: bool) -> &'a str {
    if folded { entry.1.as_str() } else { entry.0 }
}

/// The lure word (as listed) that makes up the whole of `piece` (as
/// written), if any.
fn lure_word(piece: &str) -> Option<&'static str> {
    VOCABULARY
        .iter()
        .find(|e| e.0.len() == piece.len() && e.0 == piece)
        .map(|e| e.0)
}

/// `piece` is made only of vocabulary words and digits (`ssologin`,
/// `2fa`, `my-account24`); `folded`: `piece` is in comparison form.
///
/// Linear in the length: one pass over the positions, and at each position
/// a comparison with every vocabulary word (a fixed list); pieces longer
/// than [`MAX_LABEL`] are refused without being looked at.
pub fn made_of_words(piece: &str, folded: bool) -> bool {
    let bytes = piece.as_bytes();
    let n = bytes.len();
    if n == 0 || n > MAX_LABEL {
        return false;
    }
    // reachable[i]: piece[..i] is made of words; fixed size, no allocation.
    let mut reachable = [false; MAX_LABEL + 1];
    reachable[0] = true;
    for i in 0..n {
        if !reachable[i] {
            continue;
        }
        let rest = &bytes[i..];
        if matches!(rest.first(), Some(b'-' | b'0'..=b'9')) {
            reachable[i + 1] = true;
        }
        // A country code as a whole part (`customs-nl`).
        let part_start = i > 0 && bytes.get(i - 1) == Some(&b'-');
        if part_start
            && matches!(rest.get(2), None | Some(b'-'))
            && rest.get(..2).is_some_and(|c| {
                crate::engine::words::COUNTRY
                    .iter()
                    .any(|w| w.as_bytes() == c)
            })
        {
            reachable[i + 2] = true;
        }
        for e in VOCABULARY.iter() {
            let w = form(e, folded).as_bytes();
            // The first byte before the whole word: most words differ there.
            if w.first() == rest.first() && rest.starts_with(w) {
                reachable[i + w.len()] = true;
            }
        }
    }
    reachable[n]
}

/// The vocabulary words of two bytes or more (as listed), by their first
/// byte and by their last: for each byte, the indices into [`VOCABULARY`]
/// of the words that start (end) with it, in list order.
struct Ends {
    first: Vec<Vec<u16>>,
    last: Vec<Vec<u16>>,
}

static ENDS: std::sync::LazyLock<Ends> = std::sync::LazyLock::new(|| {
    let mut ends = Ends {
        first: vec![Vec::new(); 256],
        last: vec![Vec::new(); 256],
    };
    for (i, e) in VOCABULARY.iter().enumerate() {
        let w = e.0.as_bytes();
        let Ok(i) = u16::try_from(i) else { break };
        if w.len() < 2 {
            continue;
        }
        if let Some(list) = w.first().and_then(|b| ends.first.get_mut(usize::from(*b))) {
            list.push(i);
        }
        if let Some(list) = w.last().and_then(|b| ends.last.get_mut(usize::from(*b))) {
            list.push(i);
        }
    }
    ends
});

/// A lure word at the very start or end of `piece` (longest first, the
/// first listed among equals), with the rest of the piece and whether it
/// was at the start. Only the words that end with the piece's last byte
/// or start with its first are compared ([`ENDS`]), in list order: the
/// same answer as comparing every word, a few comparisons instead of the
/// whole vocabulary for each peel.
fn lure_at_end(piece: &str) -> Option<(&'static str, &str, bool)> {
    let pb = piece.as_bytes();
    let (Some(first), Some(last)) = (pb.first(), pb.last()) else {
        return None;
    };
    let empty: &[u16] = &[];
    let by_last = ENDS
        .last
        .get(usize::from(*last))
        .map_or(empty, Vec::as_slice);
    let by_first = ENDS
        .first
        .get(usize::from(*first))
        .map_or(empty, Vec::as_slice);
    // Both lists are in list order: walk them together, each word once.
    let (mut i, mut j) = (0, 0);
    let mut best: Option<(&'static str, &str, bool)> = None;
    loop {
        let (a, b) = (by_last.get(i).copied(), by_first.get(j).copied());
        let next = match (a, b) {
            (None, None) => break,
            (Some(x), Some(y)) if x == y => {
                i += 1;
                j += 1;
                x
            }
            (Some(x), Some(y)) if x < y => {
                i += 1;
                x
            }
            (Some(x), None) => {
                i += 1;
                x
            }
            (_, Some(y)) => {
                j += 1;
                y
            }
        };
        let Some(e) = VOCABULARY.get(usize::from(next)) else {
            continue;
        };
        let w = e.0;
        if piece.len() <= w.len() {
            continue;
        }
        let found = if piece.as_bytes().last() == w.as_bytes().last()
            && let Some(rest) = piece.strip_suffix(w)
        {
            Some((w, rest, false))
        } else if piece.as_bytes().first() == w.as_bytes().first() {
            piece.strip_prefix(w).map(|rest| (w, rest, true))
        } else {
            None
        };
        if let Some(hit) = found
            && best.is_none_or(|b| w.len() > b.0.len())
        {
            best = Some(hit);
        }
    }
    best
}

/// A short name found in a label: the keyword, the lure word beside it (if
/// any) and whether the rest of the label is made of known words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortHit {
    /// Index into [`Policy::brands`].
    pub brand: usize,
    /// Index into that brand's keywords.
    pub keyword: usize,
    /// The sign-in, IT or lure word beside it.
    pub lure: Option<&'static str>,
    /// The rest of the label is made of known words (`hp-online`, `myhp`).
    pub words: bool,
}

impl ShortHit {
    fn rank(&self) -> u8 {
        u8::from(self.lure.is_some()) * 2 + u8::from(self.words)
    }
}

/// Step 1: a one- or two-character name as a whole hyphen-separated word of
/// the label (as written, never after folding: `cc` is not `ee`), or glued
/// to known words that make up the rest of that word (`hpssologin`,
/// `oktassobt`, `myhp`).
pub fn short_name(policy: &Policy, label: &str) -> Option<ShortHit> {
    if label.len() > MAX_LABEL
        || !label.is_ascii()
        || !policy.brands.iter().any(|b| {
            b.keywords
                .iter()
                .any(|k| k.is_short() && crate::text::has(label, &k.text))
        })
    {
        return None;
    }
    let tokens: Vec<&str> = label.split('-').filter(|t| !t.is_empty()).collect();
    let others_are_words = |skip: usize| {
        tokens
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .all(|(_, t)| made_of_words(t, false))
    };
    let lure_in = |t: &str| super::words::identity_word_in(&comparison_form(t));
    let lure_elsewhere = |skip: usize| {
        tokens
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .find_map(|(_, t)| lure_in(t))
    };
    let mut best: Option<ShortHit> = None;
    for (bi, brand) in policy.brands.iter().enumerate() {
        for (ki, kw) in brand.keywords.iter().enumerate() {
            if !kw.is_short() {
                continue;
            }
            let k = kw.text.as_str();
            for (ti, t) in tokens.iter().enumerate() {
                let glued = if *t == k {
                    None
                } else if let Some(rest) = t.strip_prefix(k).filter(|r| made_of_words(r, false)) {
                    Some(rest)
                } else {
                    t.strip_suffix(k).filter(|r| made_of_words(r, false))
                };
                let hit = if *t == k && tokens.len() >= 2 {
                    Some(ShortHit {
                        brand: bi,
                        keyword: ki,
                        lure: lure_elsewhere(ti),
                        words: others_are_words(ti),
                    })
                } else if let Some(rest) = glued
                    && let Some(w) = lure_in(rest).filter(|w| w.len() >= 3 && is_sign_in_or_it(w))
                {
                    // Glued, the rest must hold a sign-in or IT word of three
                    // letters or more (`hpsso`; not `theme`, `mehrnews`, `payeer`).
                    Some(ShortHit {
                        brand: bi,
                        keyword: ki,
                        lure: Some(w),
                        words: others_are_words(ti),
                    })
                } else if let Some(rest) = glued
                    && let Some(w) = lure_word(rest)
                {
                    // ... or be exactly one known word (`hphr`, `myhp`, `hpcom`).
                    // Its lure word may stand in another part (`flyba-login`).
                    Some(ShortHit {
                        brand: bi,
                        keyword: ki,
                        lure: super::words::identity_word_in(&comparison_form(w))
                            .filter(|l| is_sign_in_or_it(l))
                            .or_else(|| lure_elsewhere(ti)),
                        words: others_are_words(ti),
                    })
                } else {
                    None
                };
                // Derived short names (initials) need the lure word.
                if let Some(h) = hit.filter(|h| h.lure.is_some() || !kw.needs_lure())
                    && best.is_none_or(|b| h.rank() > b.rank())
                {
                    best = Some(h);
                }
            }
        }
    }
    best
}

/// A misspelt name inside a combination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misspelt {
    /// Index into [`Policy::brands`].
    pub brand: usize,
    /// Index into that brand's keywords.
    pub keyword: usize,
    /// The lure words peeled off, in label order.
    pub lures: Vec<&'static str>,
    /// What is left: the misspelt name as written.
    pub core: String,
    /// How: one letter ("“tw” swapped"), split by a hyphen, look-alike
    /// characters.
    pub edit: Misspelling,
}

/// Step 2: peel lure words off the ends of the label (hyphenated or glued,
/// at most [`MAX_PEEL`]); what is left is one typing mistake from a brand's
/// name, or the name split by hyphens.
pub fn misspelt_combination(policy: &Policy, label: &str) -> Option<Misspelt> {
    if label.len() > MAX_LABEL || !label.is_ascii() || !half_of_a_name(policy, label) {
        return None;
    }
    let mut core = label;
    let mut lures: Vec<(&'static str, bool, bool)> = Vec::new();
    for _ in 0..MAX_PEEL {
        let trimmed = core.trim_matches('-');
        // A known word is whole: `banking` is not `bank` + `ing`.
        if made_of_words(trimmed, false) {
            break;
        }
        // A whole hyphen-separated lure word at either end, else one glued
        // to an end; the rest is compared after every peel (`northwnid-okta`
        // matches before `id` could be peeled).
        let (first, last) = (
            trimmed.split('-').next().unwrap_or(""),
            trimmed.rsplit('-').next().unwrap_or(""),
        );
        // A lure word is peeled before a filler word, which may be part of
        // the name (`home-depotmitarbeiter`: `home` is Home Depot's).
        let hyphen = trimmed.contains('-');
        let candidates = [
            hyphen.then(|| lure_word(last)).flatten().map(|w| {
                (
                    w,
                    trimmed.get(..trimmed.len() - last.len()).unwrap_or(""),
                    false,
                    true,
                )
            }),
            hyphen
                .then(|| lure_word(first))
                .flatten()
                .map(|w| (w, trimmed.get(first.len()..).unwrap_or(""), true, true)),
            lure_at_end(trimmed).map(|(w, r, f)| (w, r, f, false)),
        ];
        let step = candidates
            .iter()
            .flatten()
            .find(|c| is_lure_word(c.0))
            .or_else(|| candidates.iter().flatten().next())
            .copied();
        let Some((w, rest, front, hyphen)) = step else {
            break;
        };
        if rest.trim_matches('-').len() < 2 {
            break;
        }
        lures.push((w, front, hyphen));
        core = rest;
        // A sign-in or lure word, or beside a long name a filler word
        // (`my-cmoudflare`, `boolingmy`): a name of six letters or more one
        // edit away is rarely another word.
        let lured = lures.iter().any(|(w, _, _)| is_lure_word(w));
        let long_core = core.trim_matches('-').chars().count() >= MIN_FILLER_CORE;
        if (lured || long_core)
            && let Some(found) = misspelt_core(policy, core.trim_matches('-'), &lures, !lured)
        {
            return Some(found);
        }
    }
    None
}

/// One edit leaves one half of a name intact: a label that contains
/// neither half of any name (as written, or folded) cannot hold a misspelt
/// one. A cheap test before the peeling.
fn half_of_a_name(policy: &Policy, label: &str) -> bool {
    let folded = comparison_form(label);
    policy
        .holds_half_of_a_name(label, &folded)
        .unwrap_or_else(|| half_of_a_name_by_scan(policy, label, &folded))
}

/// [`half_of_a_name`] one keyword at a time: without the policy's
/// automata, and the oracle of the test that holds the two equal.
fn half_of_a_name_by_scan(policy: &Policy, label: &str, folded: &str) -> bool {
    policy.brands.iter().flat_map(|b| &b.keywords).any(|k| {
        let halves = |s: &str, hay: &str| {
            let n = s.len();
            n >= 2
                && s.is_char_boundary(n / 2)
                && (crate::text::has(hay, s.get(..n / 2).unwrap_or(s))
                    || crate::text::has(hay, s.get(n / 2..).unwrap_or(s)))
        };
        halves(&k.text, label) || halves(&k.folded, folded)
    })
}

/// For two-letter names, a misspelling counts only with a hyphen-separated
/// sign-in or IT word and the same length (`3k-okta`; not `duote`, `wepay`).
fn label_has_hyphen_lure(lures: &[(&'static str, bool, bool)], _core: &str) -> bool {
    lures
        .iter()
        .any(|(w, _, hyphen)| *hyphen && is_sign_in_or_it(w) && w.len() >= 3)
}

/// A lure word of two letters glued to a misspelt name counts only beside a
/// long name (`doit`, `hrapply` are words, not `duo` and `apple` misspelt).
fn lures_fit(lures: &[(&'static str, bool, bool)], core: &str) -> bool {
    core.chars().count() >= 6
        || lures
            .iter()
            .any(|(w, _, hyphen)| *hyphen || w.len() >= 3 && is_lure_word(w))
}

/// The brand name `core` misspells (one edit, look-alike characters with
/// one edit and the first letter kept, or split by hyphens). Beside filler
/// words only (`filler_only`), the name must be a long one
/// ([`MIN_FILLER_CORE`]) and keep its first letter (`lookingtoday` is not
/// `booking`). Neither initials nor an owned domain's everyday label
/// (`live`, `windows`) count misspelt: one edit from them is another word
/// (`rlive`, `bg`); nor a derived word or alias of three letters (`mgm`).
fn misspelt_core(
    policy: &Policy,
    core: &str,
    lures: &[(&'static str, bool, bool)],
    filler_only: bool,
) -> Option<Misspelt> {
    let folded = comparison_form(core);
    let plain = core.replace('-', "");
    // One edit changes the length by one character at most: a core whose
    // length (as written or folded) is not within one of any name's, and
    // that is no name split by hyphens, misspells none of them, and the
    // word lists below need not be read (issue #16: every label of a feed
    // comes here).
    let within_one = |a: &str, b: &str| a.chars().count().abs_diff(b.chars().count()) <= 1;
    if !policy
        .brands
        .iter()
        .filter(|b| !b.widely_used)
        .flat_map(|b| &b.keywords)
        .any(|kw| within_one(core, &kw.text) || within_one(&folded, &kw.folded) || plain == kw.text)
    {
        return None;
    }
    // An everyday word beside a lure word is not a misspelt name (`cloud-login`).
    if is_everyday(core) || made_of_words(core, false) {
        return None;
    }
    // Household names are misspelt in too many real names (`barclaycard`).
    for (bi, brand) in policy
        .brands
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.widely_used)
    {
        for (ki, kw) in brand.keywords.iter().enumerate() {
            if core == kw.text || folded == kw.folded {
                // The name itself (another step's) or look-alike characters.
                continue;
            }
            if matches!(
                kw.origin,
                Origin::Initials | Origin::Shortened | Origin::Organization
            ) || (kw.generic && kw.origin != Origin::Name)
                // Nor a derived word or alias of three letters: one edit
                // from one is another abbreviation (`dns`, `gm`, `mlm`).
                || (matches!(kw.origin, Origin::NameWord | Origin::Alias)
                    && kw.text.chars().count() <= 3)
                || (filler_only
                    && (kw.text.chars().count() < MIN_FILLER_CORE
                        || core.chars().next() != kw.text.chars().next()))
            {
                continue;
            }
            let edit = if core.contains('-') && plain == kw.text {
                Some(Misspelling::Hyphen)
            } else if super::typosquat::near(core, &kw.text)
                && (kw.text.chars().count() >= 3 || label_has_hyphen_lure(lures, core))
                && lures_fit(lures, core)
            {
                Some(Misspelling::OneLetter(super::typosquat::describe_edit(
                    core, &kw.text,
                )))
            } else if kw.folded.chars().count() >= 4
                && super::typosquat::near(&folded, &kw.folded)
                && core.chars().next() == kw.text.chars().next()
            {
                Some(Misspelling::LookAlike)
            } else {
                None
            };
            if let Some(edit) = edit {
                let mut words: Vec<&'static str> = lures
                    .iter()
                    .filter(|(_, f, _)| *f)
                    .map(|(w, _, _)| *w)
                    .collect();
                words.extend(
                    lures
                        .iter()
                        .rev()
                        .filter(|(_, f, _)| !*f)
                        .map(|(w, _, _)| *w),
                );
                return Some(Misspelt {
                    brand: bi,
                    keyword: ki,
                    lures: words,
                    core: core.to_owned(),
                    edit,
                });
            }
        }
    }
    None
}

/// The host's suffix is one the brand owns this name under (`ibn.com` for
/// a brand that owns `ibm.com`): short names are compared there only.
pub fn under_own_suffix(host: &crate::host::HostFacts, brand: &Brand, kw: &Keyword) -> bool {
    let Some(suffix) = host.suffix.as_deref() else {
        return false;
    };
    brand.domains.iter().any(|d| {
        d.strip_suffix(suffix)
            .and_then(|l| l.strip_suffix('.'))
            .is_some_and(|l| l == kw.text)
    })
}

/// What a name found in a label is to its brand, as an explanation
/// introduces it ("“nwh” is what Northwind Haulage staff call the company").
pub fn name_kind(brand: &Brand, kw: &Keyword) -> NameKind {
    match kw.origin {
        Origin::Alias => NameKind::Alias,
        Origin::Initials => NameKind::Initials,
        Origin::NameWord if kw.text.chars().count() < brand.name.chars().count() => {
            NameKind::PartOfName
        }
        Origin::NameWord => NameKind::Name,
        Origin::Domain => NameKind::OwnDomain,
        Origin::Shortened => NameKind::Shortened,
        Origin::Organization => NameKind::Organization,
        Origin::Name if kw.generic => NameKind::EverydayName,
        Origin::Name => NameKind::Name,
    }
}

/// A sign-in, identity-provider or IT word (not a consumer lure such as `pay`).
pub fn is_sign_in_or_it(word: &str) -> bool {
    matches!(
        lure_kind(word),
        LureKind::SignInService | LureKind::SignIn | LureKind::It
    )
}

/// What a word beside a name is: a sign-in service's name, a sign-in word,
/// an IT word or another lure word.
pub fn lure_kind(word: &str) -> LureKind {
    const IDP: &[&str] = &[
        "okta",
        "oktalogin",
        "onelogin",
        "duo",
        "adfs",
        "citrix",
        "workday",
        "outlook",
        "office",
        "teams",
        "entra",
        "azure",
        "o365",
        "office365",
        "m365",
    ];
    const SIGN_IN: &[&str] = &[
        "sso",
        "login",
        "logon",
        "signin",
        "signon",
        "auth",
        "mfa",
        "2fa",
        "otp",
        "password",
        "passwd",
        "id",
        "uid",
        "identity",
        "access",
        "session",
        "sessions",
        "token",
        "verify",
        "verification",
        "account",
        "accounts",
        "secure",
        "security",
        "unlock",
        "reset",
        "recovery",
        "recover",
        "confirm",
        "activate",
        "idp",
        "roguin",
        "kaiin",
    ];
    const IT: &[&str] = &[
        "vpn",
        "helpdesk",
        "servicedesk",
        "help",
        "desk",
        "support",
        "it",
        "hr",
        "cms",
        "portal",
        "admin",
        "remote",
        "employee",
        "staff",
        "payroll",
        "benefits",
        "corp",
        "internal",
        "intranet",
        "device",
        "update",
        "webmail",
        "mail",
        "schedule",
        "ticket",
        "tickets",
        "timesheet",
        "timesheets",
        "sahayata",
    ];
    // Other languages' words, from their vocabulary files (`cuenta`, `hilfe`).
    let d = domain_words();
    let listed = |l: &[String]| l.iter().any(|w| w == word);
    if IDP.contains(&word) {
        LureKind::SignInService
    } else if SIGN_IN.contains(&word) || listed(&d.sign_in) {
        LureKind::SignIn
    } else if IT.contains(&word) || listed(&d.it) {
        LureKind::It
    } else if is_filler(word) {
        LureKind::Filler
    } else {
        LureKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`lure_at_end`] as it was, every word of the vocabulary compared:
    /// the oracle of the indexed one.
    fn lure_at_end_by_scan(piece: &str) -> Option<(&'static str, &str, bool)> {
        let mut best: Option<(&'static str, &str, bool)> = None;
        for e in VOCABULARY.iter().filter(|e| e.0.len() >= 2) {
            let w = e.0;
            if piece.len() <= w.len() {
                continue;
            }
            let found = if let Some(rest) = piece.strip_suffix(w) {
                Some((w, rest, false))
            } else {
                piece.strip_prefix(w).map(|rest| (w, rest, true))
            };
            if let Some(hit) = found
                && best.is_none_or(|b| w.len() > b.0.len())
            {
                best = Some(hit);
            }
        }
        best
    }

    #[test]
    fn indexed_lure_at_end_is_the_scan() {
        let words: Vec<&str> = VOCABULARY.iter().map(|e| e.0).collect();
        let mut pieces: Vec<String> = vec![String::new(), "a".into(), "-".into()];
        for (i, w) in words.iter().enumerate() {
            let other = words.get((i * 7 + 3) % words.len()).copied().unwrap_or("x");
            for p in [
                format!("{w}twilio"),
                format!("twilio{w}"),
                format!("{w}{other}"),
                format!("{other}-{w}"),
                (*w).to_owned(),
                format!("x{w}"),
                format!("{w}x"),
                format!("{w}{w}"),
                format!("{}{}", w.get(..w.len() / 2).unwrap_or(w), other),
            ] {
                pieces.push(p);
            }
        }
        for p in &pieces {
            assert_eq!(lure_at_end(p), lure_at_end_by_scan(p), "{p:?}");
        }
    }

    fn policy(toml: &str) -> Policy {
        Policy::from_toml(toml, "test").unwrap()
    }

    /// The policy's automata answer as the scan of every keyword's halves,
    /// over the brand set's lookalikes and hard benign names (each whole,
    /// each label, each hyphen-separated piece, with a letter dropped)
    /// under the built-in, Twilio and brand-set policies with short,
    /// multi-word and everyday names: the prefilter never drops a label the
    /// scan keeps, nor keeps one it drops.
    #[test]
    fn name_halves_automata_are_the_scan() {
        let policies = [
            Policy::builtin().unwrap(),
            policy(crate::rules::testing::TWILIO_POLICY),
            policy(include_str!("../../../tests/data/brands/companies/3m.toml")),
            policy(include_str!("../../../tests/data/brands/companies/hp.toml")),
            policy(include_str!(
                "../../../tests/data/brands/companies/orange.toml"
            )),
            policy(include_str!(
                "../../../tests/data/brands/companies/bank-of-america.toml"
            )),
            policy(include_str!(
                "../../../tests/data/brands/companies/marks-and-spencer.toml"
            )),
            policy(include_str!(
                "../../../tests/data/brands/companies/t-mobile.toml"
            )),
            policy(NORTHWIND),
            policy(SHORT),
        ];
        let corpus = [
            include_str!("../../../tests/data/brands/lookalikes.tsv"),
            include_str!("../../../tests/data/brands/benign_hard.tsv"),
            include_str!("../../../tests/data/brands/benign_cross.tsv"),
        ];
        let mut labels: Vec<String> = vec![String::new(), "a".into(), "é".into(), "tẁilio".into()];
        for line in corpus.iter().flat_map(|c| c.lines().skip(1)) {
            let domain = line.split('\t').next().unwrap_or("");
            labels.push(domain.to_owned());
            for label in domain.split('.') {
                labels.push(label.to_owned());
                labels.extend(label.split('-').map(str::to_owned));
                labels.push(label.chars().skip(1).collect());
            }
        }
        let mut kept = 0;
        for p in &policies {
            assert!(
                p.holds_half_of_a_name("", "").is_some(),
                "the automata are built"
            );
            for l in &labels {
                let folded = comparison_form(l);
                let scan = half_of_a_name_by_scan(p, l, &folded);
                assert_eq!(half_of_a_name(p, l), scan, "{l:?}");
                kept += usize::from(scan);
            }
        }
        assert!(kept > 1000 && kept < labels.len() * policies.len());
    }

    const NORTHWIND: &str = "[organization]\nname = \"Northwind Haulage\"\nsign_in = [\"https://northwind.okta.com\"]\n\n[[brand]]\nname = \"Northwind Haulage\"\ndomains = [\"northwindhaulage.com\", \"northwind.okta.com\"]\naliases = [\"NWH\", \"nwhaul\"]\n";
    const SHORT: &str = "[[brand]]\nname = \"HP\"\ndomains = [\"hp.com\"]\n\n[[brand]]\nname = \"X\"\ndomains = [\"x.com\"]\n\n[[brand]]\nname = \"3M\"\ndomains = [\"3m.com\"]\n";

    fn names(p: &Policy) -> Vec<String> {
        p.brands[0]
            .keywords
            .iter()
            .map(|k| format!("{}:{:?}", k.text, k.origin))
            .collect()
    }

    #[test]
    fn names_of_a_brand() {
        let p = policy(NORTHWIND);
        expect_test::expect![[r#"
            [
                "northwindhaulage:Name",
                "nwh:Alias",
                "nwhaul:Alias",
                "northwind:Domain",
                "nh:Initials",
                "northwindhau:Shortened",
                "northwindhaul:Shortened",
                "northwindhaula:Shortened",
                "northwindhaulag:Shortened",
                "nhaulage:Shortened",
                "norhaulage:Shortened",
            ]
        "#]]
        .assert_debug_eq(&names(&p));
        let p = policy(
            "[[brand]]\nname = \"Marks & Spencer\"\ndomains = [\"marksandspencer.com\"]\naliases = [\"M&S\", \"HP Enterprise\"]\n",
        );
        expect_test::expect![[r#"
            [
                "marksandspencer:Name",
                "ms:Alias",
                "mands:Alias",
                "hpenterprise:Alias",
                "hp-enterprise:Alias",
                "marksspencer:Name",
                "marksspe:Shortened",
                "marksspen:Shortened",
                "marksspenc:Shortened",
                "marksspence:Shortened",
                "mspencer:Shortened",
                "marspencer:Shortened",
            ]
        "#]]
        .assert_debug_eq(&names(&p));
    }

    #[test]
    fn names_a_multi_word_name_goes_by() {
        let p = policy(
            "[[brand]]\nname = \"Delta Air Lines\"\ndomains = [\"delta.com\"]\n\n[[brand]]\nname = \"Bank of America\"\ndomains = [\"bankofamerica.com\"]\n",
        );
        let all = |i: usize| -> Vec<String> {
            p.brands[i]
                .keywords
                .iter()
                .map(|k| format!("{}:{:?}", k.text, k.origin))
                .collect()
        };
        // The main domain is a word of the name: the company goes by it.
        expect_test::expect![[r#"
            [
                "delta:Name",
                "deltaairlines:Name",
                "dal:Initials",
                "deltaair:NameWord",
                "deltaairlin:Shortened",
                "deltaairline:Shortened",
                "dalines:Shortened",
            ]
        "#]]
        .assert_debug_eq(&all(0));
        // The small words written out (`bofa`).
        expect_test::expect![[r#"
            [
                "bankofamerica:Name",
                "ba:Initials",
                "boa:Initials",
                "bofa:Initials",
                "bankamerica:NameWord",
                "bofamerica:Shortened",
                "bankame:Shortened",
                "bankamer:Shortened",
                "bankameri:Shortened",
                "bankameric:Shortened",
                "bamerica:Shortened",
            ]
        "#]]
        .assert_debug_eq(&all(1));
    }

    #[test]
    fn distinctive_part() {
        assert_eq!(classify("orange"), (true, (false, false)));
        assert_eq!(classify("icloud"), (false, (true, false)));
        assert_eq!(classify("t-mobile"), (false, (true, false)));
        assert_eq!(classify("mzstatic"), (false, (true, false)));
        assert_eq!(classify("twilio"), (false, (false, false)));
        assert_eq!(classify("hotmail"), (false, (false, false)));
    }

    #[test]
    fn short_names_match_only_as_words() {
        let p = policy(SHORT);
        let hit = |l: &str| {
            short_name(&p, l)
                .map(|h| format!("{} {:?} {}", p.brands[h.brand].name, h.lure, h.words))
        };
        assert_eq!(hit("bt-okta"), None);
        assert_eq!(hit("hp-okta").as_deref(), Some("HP Some(\"okta\") true"));
        assert_eq!(
            hit("x-helpdesk").as_deref(),
            Some("X Some(\"helpdesk\") true")
        );
        assert_eq!(hit("hpsso").as_deref(), Some("HP Some(\"sso\") true"));
        assert_eq!(hit("3m-login").as_deref(), Some("3M Some(\"login\") true"));
        assert_eq!(hit("hpssologin").as_deref(), Some("HP Some(\"sso\") true"));
        assert_eq!(hit("oktassobt"), None, "not a brand here");
        assert_eq!(hit("oktassohp").as_deref(), Some("HP Some(\"sso\") true"));
        assert_eq!(hit("x-ray").as_deref(), Some("X None false"));
        assert_eq!(hit("myhp").as_deref(), Some("HP None true"));
        assert_eq!(hit("hphr").as_deref(), Some("HP Some(\"hr\") true"));
        for not in [
            "boxer",
            "chpx",
            "hpx",
            "xray",
            "x",
            "hp",
            "php-login",
            "xhp",
            "ccbill",
            "theme",
            "100hp",
        ] {
            assert_eq!(hit(not), None, "{not}");
        }
    }

    #[test]
    fn misspelt_names_inside_combinations() {
        let p = policy(NORTHWIND);
        let hit = |l: &str| {
            misspelt_combination(&p, l).map(|m| {
                let edit = match m.edit {
                    Misspelling::OneLetter(e) => e,
                    Misspelling::Hyphen => "split by a hyphen".to_owned(),
                    Misspelling::LookAlike => "with look-alike characters".to_owned(),
                };
                format!("{} {:?} {edit}", m.core, m.lures)
            })
        };
        expect_test::expect![[r#"Some("nortwhind [\"sso\"] “hw” swapped")"#]]
            .assert_eq(&format!("{:?}", hit("nortwhind-sso")));
        expect_test::expect![[r#"Some("northwnid [\"okta\"] “in” swapped")"#]]
            .assert_eq(&format!("{:?}", hit("northwnid-okta")));
        expect_test::expect![[r#"Some("north-wind [\"okta\", \"login\"] split by a hyphen")"#]]
            .assert_eq(&format!("{:?}", hit("okta-north-wind-login")));
        expect_test::expect![[r#"Some("nortwind [\"sso\"] a missing “h”")"#]]
            .assert_eq(&format!("{:?}", hit("nortwindsso")));
        let ring = policy("[[brand]]\nname = \"Ring\"\ndomains = [\"ring.com\"]\n");
        assert_eq!(
            misspelt_combination(&ring, "secure-banking"),
            None,
            "a known word is not split into a word and a misspelt name"
        );
        for not in [
            "northwind-sso",
            "nortwhind",
            "southwind-sso",
            "northwind",
            "sso-login",
        ] {
            assert_eq!(hit(not), None, "{not}");
        }
    }

    #[test]
    fn peeling_is_bounded() {
        let p = policy(NORTHWIND);
        let long = "sso-".repeat(60) + "nortwhind";
        assert_eq!(misspelt_combination(&p, &long), None, "over MAX_LABEL");
        let glued = "sso".repeat(20) + "nortwhind";
        assert_eq!(
            misspelt_combination(&p, &glued),
            None,
            "more than MAX_PEEL lure words"
        );
    }
}

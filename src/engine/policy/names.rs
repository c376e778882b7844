//! A brand's names, as compiling a policy derives them: the brand's own
//! name and its spellings, the labels of its domains, `keywords` and
//! `aliases`, initials and name words (only beside lure words), each with
//! where it comes from. The rules (`rules::names`) match labels against
//! them; this part is the policy's, so the policy does not import the rules.

use crate::engine::words::{LURE_WORDS, filler_words, is_filler};
use crate::host::comparison_form;

use super::{Keyword, Origin};

/// Everyday English words that brands are named after or that appear in
/// their domains (`cloud`, `mobile`, `live`, `site`, `assets`, `orange`):
/// a name that is one of them is not distinctive on its own. Common nouns,
/// adjectives and verbs of domain names, curated by hand.
#[rustfmt::skip]
pub const EVERYDAY: &[&str] = &[
    "able", "access", "act", "action", "active", "age", "air", "all", "alpha", "amber", "angel",
    "apple", "arch", "area", "arena", "arrow", "art", "assets", "atlas", "auto", "baby", "back",
    "band", "bank", "bar", "base", "bay", "beach", "bear", "beauty", "bed", "bee", "bell", "best",
    "big", "bike", "bird", "black", "blade", "blog", "bloom", "blue", "board", "boat", "body",
    "bold", "bolt", "bond", "book", "booking", "books", "boost", "box", "brain", "brand", "brave",
    "bridge", "bright", "broad", "brown", "buy", "cake", "call", "camp", "capital", "car", "card",
    "care", "cart", "case", "cash", "cast", "castle", "cat", "central", "chain", "chance",
    "channel", "chase", "chat", "check", "chef", "chip", "circle", "city", "class", "clean",
    "clear", "click", "clock", "cloud", "club", "coast", "code", "coin", "cold", "color", "comfort",
    "common", "connect", "content", "cook", "cool", "copper", "core", "corner", "country", "craft",
    "crown", "cube", "cup", "cure", "daily", "dash", "data", "dawn", "day", "deal", "deals",
    "deep", "delta", "design", "diamond", "digital", "direct", "dog", "door", "dot", "dream",
    "drive", "drop", "eagle", "earth", "east", "easy", "echo", "edge", "electric", "element",
    "elite", "energy", "engine", "epic", "event", "express", "eye", "face", "fact", "fair",
    "faith", "falcon", "family", "fan", "farm", "fast", "field", "file", "film", "find", "fire",
    "first", "fish", "fit", "fix", "flash", "fleet", "flex", "flow", "flower", "fly", "focus",
    "food", "force", "forest", "form", "fortune", "forum", "fox", "frame", "free", "fresh",
    "friend", "front", "fuel", "fun", "fund", "future", "game", "games", "garden", "gate",
    "gear", "gem", "general", "giant", "glass", "global", "glory", "go", "gold", "golden", "good",
    "grand", "graph", "green", "grid", "ground", "group", "grow", "guard", "guide", "hand",
    "happy", "harbor", "hawk", "head", "health", "heart", "hero", "high", "hill", "home",
    "honey", "hope", "horizon", "host", "hot", "house", "hub", "ice", "idea", "image", "impact",
    "indeed", "info", "ink", "insight", "iron", "island", "jet", "job", "jobs", "joy", "key",
    "kid", "kids", "king", "kit", "lab", "labs", "lake", "land", "laser", "leaf", "league",
    "legend", "level", "life", "light", "line", "link", "lion", "list", "little", "live", "local",
    "lock", "logic", "long", "loop", "love", "lucky", "magic", "mail", "main", "maker", "map",
    "mark", "market", "marks", "master", "match", "media", "metro", "mind", "mint", "mobile",
    "mode", "money", "moon", "motion", "motor", "mountain", "move", "movie", "music", "nation",
    "native", "nature", "net", "network", "networks", "new", "news", "next", "night", "noble",
    "north", "note", "nova", "oak", "ocean", "office", "one", "online", "open", "optimum",
    "orange", "orbit", "origin", "outlook", "page", "palm", "panda", "paper", "park", "part",
    "party", "pass", "path", "peak", "pearl", "people", "pet", "phone", "photo", "pilot", "pine",
    "pink", "pixel", "pizza", "place", "plan", "planet", "plant", "play", "plaza", "plus",
    "pocket", "point", "polar", "pop", "port", "post", "power", "press", "pride", "prime",
    "print", "pro", "pulse", "pure", "quest", "quick", "rain", "rapid", "ray", "ready", "real",
    "red", "resorts", "rest", "rich", "ride", "ring", "riot", "rise", "river", "road", "rock",
    "rocket", "room", "root", "rose", "royal", "run", "safe", "sage", "sail", "sales", "salt",
    "sand", "save", "scale", "school", "science", "score", "screen", "sea", "search", "seed",
    "sense", "shape", "share", "shell", "shield", "ship", "shop", "show", "sign", "signal",
    "silver", "simple", "site", "sites", "sky", "slack", "smart", "snap", "snow", "social", "soft",
    "solar", "solid", "sound", "source", "south", "space", "spark", "speed", "sphere", "spirit",
    "sport", "sports", "spot", "spring", "square", "stack", "star", "start", "state", "static",
    "station", "steel", "step", "stone", "store", "storm", "story", "stream", "street", "strong",
    "studio", "style", "summit", "sun", "super", "sure", "swift", "system", "systems", "table",
    "talk", "target", "task", "taste", "team", "tech", "ten", "test", "text", "thing", "think",
    "tide", "tiger", "time", "today", "tool", "tools", "top", "total", "touch", "tour", "tower",
    "town", "track", "trade", "trail", "train", "travel", "tree", "trend", "tribe", "trip",
    "true", "trust", "tube", "turbo", "union", "unit", "united", "unity", "up", "urban", "value",
    "vault", "venture", "view", "villa", "vision", "vista", "voice", "wall", "watch", "water",
    "wave", "way", "wealth", "web", "west", "white", "wide", "wild", "win", "wind", "window",
    "windows", "wing", "wire", "wise", "wolf", "wood", "word", "work", "works", "world", "yard",
    "yellow", "young", "zen", "zero", "zone", "aerospace", "internet", "enterprise", "holdings",
    "international", "group", "bank", "banking", "technologies", "solutions", "services",
];

/// Lure words that make a derived or short name a sign-in lure: the
/// sign-in, IT and identity-provider words of [`LURE_WORDS`] (with every
/// language's domain lure words) plus the generic filler words (`my`,
/// `online`).
pub(crate) fn vocabulary() -> impl Iterator<Item = &'static str> {
    LURE_WORDS.iter().copied().chain(filler_words())
}

/// The brand's names, each with where it comes from. `keywords` and
/// `aliases` as the policy wrote them.
pub fn brand_keywords(
    name: &str,
    domains: &[String],
    keywords: Option<&[String]>,
    aliases: &[String],
) -> Vec<Keyword> {
    let mut out: Vec<Keyword> = Vec::new();
    let mut push = |text: String, shown: &str, origin: Origin| {
        let text = text.trim().to_lowercase();
        if text.is_empty()
            || !text.chars().any(|c| c.is_alphanumeric())
            || out.iter().any(|k| k.text == text)
        {
            return;
        }
        let folded = comparison_form(&text);
        let (generic, bounded) = classify(&text);
        let letters = [
            crate::host::letter_units(&text, true),
            crate::host::letter_units(&text, false),
        ];
        out.push(Keyword {
            letters,
            text,
            folded,
            origin,
            shown: shown.trim().to_owned(),
            generic,
            bounded,
        });
    };
    let labels = crate::policy::default_keywords(domains);
    let words = name_words(name);
    match keywords {
        Some(list) => {
            for k in list {
                push(k.clone(), k, Origin::Name);
            }
        }
        None => {
            // The main domain's label is the brand's name when it spells the
            // name (`twilio`, `bankofamerica`); otherwise it is an owned
            // domain's label like the others (`live` for Outlook).
            if let Some(first) = labels.first() {
                let plain: String = first.chars().filter(|c| *c != '-').collect();
                let with_and = name_words(&name.replace('&', " and ")).concat();
                // A multi-word name whose main domain is one of its words
                // (`delta.com` for Delta Air Lines): the company goes by
                // that word, so it is the name, everyday word or not.
                let goes_by = words.len() >= 2 && words.contains(&plain);
                let origin = if plain == words.concat()
                    || plain == with_and
                    || goes_by
                    || words.len() <= 1 && !is_everyday(first)
                {
                    Origin::Name
                } else {
                    Origin::Domain
                };
                push(first.clone(), first, origin);
            }
        }
    }
    for a in aliases {
        for form in spellings(a) {
            push(form, a, Origin::Alias);
        }
    }
    // With `keywords` written out, IT has chosen the names: nothing more is
    // derived.
    if keywords.is_some() {
        return out;
    }
    for l in &labels {
        push(l.clone(), l, Origin::Domain);
    }
    // Derived from a multi-word name. The whole name run together
    // (`deltaairlines` for Delta Air Lines at delta.com) is as distinctive
    // as the name itself; the rest only beside a lure word.
    if words.len() >= 2 {
        push(words.concat(), name, Origin::Name);
        if name.contains('&') {
            push(
                name_words(&name.replace('&', " and ")).concat(),
                name,
                Origin::NameWord,
            );
        }
        // With and without the small words (`ba` and `boa` for Bank of America).
        let initials: String = words
            .iter()
            .filter(|w| !is_small_word(w))
            .filter_map(|w| w.chars().next())
            .collect();
        let all_initials: String = words.iter().filter_map(|w| w.chars().next()).collect();
        // The small words written out (`bofa` for Bank of America, `pandg`
        // for Procter & Gamble), as people shorten such names.
        let spelt_small: String = name_words(&name.replace('&', " and "))
            .iter()
            .map(|w| {
                if is_small_word(w) {
                    w.clone()
                } else {
                    w.chars().next().map(String::from).unwrap_or_default()
                }
            })
            .collect();
        for i in [initials, all_initials, spelt_small.clone()] {
            if i.chars().count() >= 2 {
                push(i, name, Origin::Initials);
            }
        }
        // A name with small words (`Banco do Brasil`): run together without
        // them (`bancobrasil`), and its initials with the small words
        // written out before the last word (`bdobrasil`), only beside a
        // lure word.
        let big_words: Vec<&String> = words.iter().filter(|w| !is_small_word(w)).collect();
        if big_words.len() >= 2 && big_words.len() < words.len() {
            let run: String = big_words.iter().map(|w| w.as_str()).collect();
            if run.chars().count() >= MIN_NAME_PREFIX {
                push(run, name, Origin::NameWord);
            }
            if let Some(last) = big_words.last()
                && words.last() == Some(*last)
                && let Some(lead) = spelt_small.get(..spelt_small.len().saturating_sub(1))
            {
                push(format!("{lead}{last}"), name, Origin::Shortened);
            }
        }
        // The first words run together, when they are distinctive
        // (`deltaair` for Delta Air Lines, `hewlettpackard`): only beside a
        // lure word, like the first word.
        for k in 2..words.len() {
            let prefix = words.get(..k).unwrap_or_default();
            if prefix.last().is_some_and(|w| !is_small_word(w)) {
                let run = prefix.concat();
                if run.chars().count() >= MIN_NAME_PREFIX && !is_everyday(&run) {
                    push(run, name, Origin::NameWord);
                }
            }
        }
        // Shortened as people write such names, only beside a lure word:
        // the first words and the start of the last (`americanexp`,
        // `morganstan`, `britishair`), and the first words' initials with
        // the last word (`hdepot`, `mstanley`) when that word is no
        // everyday or filler word (`lgroup` is not Lloyds Banking Group).
        let big: Vec<&String> = words.iter().filter(|w| !is_small_word(w)).collect();
        if let Some((last, first)) = big.split_last()
            && !first.is_empty()
        {
            let head: String = first.iter().map(|w| w.as_str()).collect();
            let n = last.chars().count();
            for k in MIN_LAST_PART..n {
                let part: String = last.chars().take(k).collect();
                let short = format!("{head}{part}");
                if short.chars().count() >= MIN_NAME_PREFIX && !is_everyday(&short) {
                    push(short, name, Origin::Shortened);
                }
            }
            let initials: String = first.iter().filter_map(|w| w.chars().next()).collect();
            // A short last word counts when the whole is long enough
            // (`afklm` for Air France-KLM; not `cone` for Capital One).
            if n >= MIN_LAST_PART
                && initials.chars().count() + n >= MIN_LAST_WORD
                && !is_everyday(last)
                && !is_filler(last)
            {
                push(format!("{initials}{last}"), name, Origin::Shortened);
            }
            // A first word of three or four letters, an abbreviation, with
            // the initials of the other words (`bnpp` for BNP Paribas).
            if let Some(lead) = first.first()
                && (3..=4).contains(&lead.chars().count())
                && !is_everyday(lead)
            {
                let rest: String = big
                    .iter()
                    .skip(1)
                    .filter_map(|w| w.chars().next())
                    .collect();
                push(format!("{lead}{rest}"), name, Origin::Shortened);
            }
        }
        // A number word written as a digit (`capital1` for Capital One),
        // and a two-word name shortened to its first syllable and its
        // last word (`capone`), as staff and attackers write them: only
        // beside a lure word.
        let digits: Vec<&str> = words.iter().map(|w| number_digit(w).unwrap_or(w)).collect();
        let with_digits = digits.concat();
        if with_digits != words.concat() && with_digits.chars().count() >= MIN_NAME_PREFIX {
            push(with_digits, name, Origin::Shortened);
        }
        if let [first, last] = big.as_slice()
            && first.chars().count() >= 5
            && last.chars().count() >= 3
        {
            let syllable: String = first.chars().take(3).collect();
            let short = format!("{syllable}{last}");
            if short.chars().count() >= MIN_NAME_PREFIX && !is_everyday(&short) {
                push(short, name, Origin::Shortened);
            }
        }
        // The first word, when it is distinctive (`northwind`, `goldman`;
        // not `bank` of Bank of America).
        if let Some(w) = words.first()
            && w.chars().count() >= 3
            && !is_everyday(w)
            && !is_small_word(w)
            && !is_filler(w)
        {
            push(w.clone(), name, Origin::NameWord);
        }
    } else if let Some(w) = words.first() {
        // A one-word name that differs from the domain (`Openreach`).
        push(w.clone(), name, Origin::NameWord);
    }
    out
}

/// The first words of a multi-word name run together count from this
/// many characters (`deltaair`; not `aira`).
const MIN_NAME_PREFIX: usize = 6;
/// A shortened name keeps at least this many letters of its last word
/// (`americanexp`).
const MIN_LAST_PART: usize = 3;
/// The initials and the last word written whole count from this many
/// letters in all (`hdepot`, `mstanley`, `afklm`).
const MIN_LAST_WORD: usize = 5;

/// The organisation's name run together when it is a brand's name with
/// words added (`lgelectronics`: the organisation LG Electronics, the
/// brand LG at lg.com): a name of that brand, counted only beside a lure
/// word. `None` when the organisation is named like the brand.
pub fn organization_keyword(organization: &str, keywords: &[Keyword]) -> Option<Keyword> {
    let words = name_words(organization);
    let first = words.first()?;
    let run = words.concat();
    if words.len() < 2
        || run.chars().count() < MIN_NAME_PREFIX
        || keywords.iter().any(|k| k.text == run)
        || !keywords
            .iter()
            .any(|k| k.origin == Origin::Name && k.text == *first)
    {
        return None;
    }
    let folded = comparison_form(&run);
    let (generic, bounded) = classify(&run);
    let letters = [
        crate::host::letter_units(&run, true),
        crate::host::letter_units(&run, false),
    ];
    Some(Keyword {
        letters,
        text: run,
        folded,
        origin: Origin::Organization,
        shown: organization.trim().to_owned(),
        generic,
        bounded,
    })
}

/// The small words of a name (`of`, `and`; `do`, `du`, `von` in other
/// languages): left out of initials.
fn is_small_word(w: &str) -> bool {
    matches!(
        w,
        "of" | "and"
            | "the"
            | "by"
            | "de"
            | "do"
            | "da"
            | "dos"
            | "das"
            | "du"
            | "des"
            | "del"
            | "di"
            | "la"
            | "le"
            | "van"
            | "von"
            | "der"
    )
}

/// How a name is written in a domain: `M&S` → `ms`, `mands`; `HP
/// Enterprise` → `hpenterprise`, `hp-enterprise`.
fn spellings(alias: &str) -> Vec<String> {
    let lower = without_accents(&alias.trim().to_lowercase());
    let mut out = Vec::new();
    let keep = |s: &str, sep: &str| -> String {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(sep)
    };
    out.push(keep(&lower, ""));
    if lower.contains('&') {
        out.push(keep(&lower.replace('&', " and "), ""));
    }
    let hyphened = keep(&lower, "-");
    if hyphened.contains('-') && lower.contains(' ') {
        out.push(hyphened);
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The digit a number word of a name is written as (`one` → `1`).
fn number_digit(word: &str) -> Option<&'static str> {
    Some(match word {
        "one" => "1",
        "two" => "2",
        "three" => "3",
        "four" => "4",
        "five" => "5",
        "six" => "6",
        "seven" => "7",
        "eight" => "8",
        "nine" => "9",
        "ten" => "10",
        _ => return None,
    })
}

/// A name as an ASCII domain spells it: accents and other marks dropped
/// (`Itaú` → `itau`, `Nestlé` → `nestle`, `Société Générale` →
/// `societe generale`); letters without a decomposition (`ø`, `ß`) stay.
fn without_accents(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .nfc()
        .collect()
}

/// The words of a brand's name, lower case (`Marks & Spencer` → `marks`,
/// `spencer`); a trailing `.com` of a name like `Booking.com` is dropped.
fn name_words(name: &str) -> Vec<String> {
    let lower = without_accents(&name.to_lowercase());
    let lower = lower
        .strip_suffix(".com")
        .or_else(|| lower.strip_suffix(".net"))
        .unwrap_or(&lower);
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `word` is an everyday word (see [`EVERYDAY`]).
pub fn is_everyday(word: &str) -> bool {
    EVERYDAY.contains(&word)
}

/// Whether a name is generic (one everyday word) and which of its sides
/// must start or end a word in the label (a distinctive part of one or two
/// characters next to an everyday word: `icloud`, `t-mobile`).
pub fn classify(text: &str) -> (bool, (bool, bool)) {
    if is_everyday(text) {
        return (true, (false, false));
    }
    let plain: String = text.chars().filter(|c| *c != '-').collect();
    let n = plain.len();
    if !plain.is_ascii() || n < 3 {
        return (false, (false, false));
    }
    let short_then_word = (1..=2).any(|k| plain.get(k..).is_some_and(is_everyday));
    let word_then_short = (1..=2).any(|k| n > k && plain.get(..n - k).is_some_and(is_everyday));
    (false, (short_then_word, word_then_short))
}

//! What a message asks for: the lure analysis the message rules read.
//!
//! A text is folded once (lower case, accents removed, digit runs read as
//! `0`, punctuation as spaces, clause breaks kept) and one Aho-Corasick pass
//! over the vocabulary of every language finds:
//!
//! - who it **claims** to be ([`Claim`]: IT, the help desk, security, HR,
//!   payroll, an executive, a bank, a carrier, an identity provider, a
//!   courier, a government office);
//! - what it **asks** ([`Request`]: a code, a push approval, a call, a link,
//!   a QR scan, an install, another chat, a sign-in, a "reply YES"), each a
//!   phrase or a verb with its object in the same clause, and not turned
//!   around by a negation in that clause ("do **not** share this code");
//! - the **pressure** ([`Pressure`]: a deadline, a lock-out, pay, a
//!   schedule or HR change) and the consumer **stories** ([`Story`]);
//! - whether it is a genuine one-time-code notice (a code, and a warning
//!   not to share it) and the phone numbers in it ([`crate::phone`]).
//!
//! The vocabulary is data, one file per language (`assets/lures/*.toml`,
//! compiled in), each with the explanation wording in that language and
//! reviewed examples that the tests run. The policy adds words per
//! language (`[detection] lure_words`). Everything here is linear in the
//! text and does no I/O.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

pub use crate::engine::fold::{FILES, Folded, fold, fold_pattern, is_whole_word, language_codes};
use crate::engine::fold::{bounded_at, is_cjk};
use crate::policy::Policy;

/// Who a message claims to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Claim {
    /// IT, the system administrator, tech support.
    It,
    /// The help desk or service desk.
    Helpdesk,
    /// The security or fraud team.
    Security,
    /// Human resources.
    Hr,
    /// Payroll, salary, benefits.
    Payroll,
    /// The CEO, a manager.
    Executive,
    /// A bank or payment service.
    Bank,
    /// A mobile carrier.
    Carrier,
    /// An identity provider or MFA app (Okta, Duo, Microsoft).
    Idp,
    /// A courier or postal service.
    Delivery,
    /// A tax office, toll operator or other authority.
    Government,
}

impl Claim {
    const ALL: &[(&str, Claim)] = &[
        ("it", Claim::It),
        ("helpdesk", Claim::Helpdesk),
        ("security", Claim::Security),
        ("hr", Claim::Hr),
        ("payroll", Claim::Payroll),
        ("executive", Claim::Executive),
        ("bank", Claim::Bank),
        ("carrier", Claim::Carrier),
        ("idp", Claim::Idp),
        ("delivery", Claim::Delivery),
        ("government", Claim::Government),
    ];

    /// Someone inside the organisation or its sign-in (whose requests a
    /// `never_ask` promise is about).
    pub fn is_internal(self) -> bool {
        matches!(
            self,
            Claim::It
                | Claim::Helpdesk
                | Claim::Security
                | Claim::Hr
                | Claim::Payroll
                | Claim::Executive
                | Claim::Idp
        )
    }

    /// The wording key naming what the story is about.
    pub fn wording_key(self) -> &'static str {
        match self {
            Claim::It | Claim::Helpdesk => "claim_it",
            Claim::Security => "claim_security",
            Claim::Hr | Claim::Executive => "claim_hr",
            Claim::Payroll => "claim_payroll",
            Claim::Bank => "claim_bank",
            Claim::Carrier => "claim_carrier",
            Claim::Idp => "claim_idp",
            Claim::Delivery | Claim::Government => "claim_other",
        }
    }
}

/// What a message asks the reader to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Request {
    /// Send, read out or forward a one-time code or password.
    Code,
    /// Approve a push or a number-matching prompt.
    Push,
    /// Call a number.
    Call,
    /// Open a link, sign in somewhere.
    Link,
    /// Scan a QR code.
    Qr,
    /// Install an app or a remote-access tool.
    Install,
    /// Move to another chat app or number.
    Chat,
    /// Verify, update or unlock an account.
    Credentials,
    /// Reply YES, Y, 1.
    Reply,
    /// Send personal or bank details (a date of birth, an account number).
    Data,
}

impl Request {
    const ALL: &[(&str, Request)] = &[
        ("code", Request::Code),
        ("push", Request::Push),
        ("call", Request::Call),
        ("link", Request::Link),
        ("qr", Request::Qr),
        ("install", Request::Install),
        ("chat", Request::Chat),
        ("credentials", Request::Credentials),
        ("reply", Request::Reply),
        ("data", Request::Data),
    ];
}

/// The pressure a message puts on the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pressure {
    /// Today, within 24 hours, final notice.
    Deadline,
    /// Locked, suspended, expired.
    Lockout,
    /// Salary, a refund, an unpaid bill.
    Pay,
    /// A schedule, shift or HR change.
    Schedule,
}

impl Pressure {
    const ALL: &[(&str, Pressure)] = &[
        ("deadline", Pressure::Deadline),
        ("lockout", Pressure::Lockout),
        ("pay", Pressure::Pay),
        ("schedule", Pressure::Schedule),
    ];
}

/// A consumer scam story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Story {
    /// A parcel that could not be delivered, a customs fee.
    Parcel,
    /// An unpaid toll or fine.
    Toll,
    /// A blocked card or bank account.
    Card,
    /// A prize, refund, gift card or loan.
    Prize,
    /// "Reply YES".
    Reply,
    /// "Buy gift cards and send me the codes": the executive gift-card
    /// fraud.
    GiftCard,
    /// A new or personal number, a job offer, a secret favour: the opening
    /// of "Hi Mum", CEO and job scams that move to another chat.
    Contact,
    /// A small amount of money to pay ("$2.95", "1,99 zł", "19 kr"): found
    /// by its shape, in any language ([`small_amount`]), not from words.
    Fee,
}

impl Story {
    const ALL: &[(&str, Story)] = &[
        ("parcel", Story::Parcel),
        ("toll", Story::Toll),
        ("card", Story::Card),
        ("prize", Story::Prize),
        ("reply", Story::Reply),
        ("giftcard", Story::GiftCard),
        ("contact", Story::Contact),
        ("fee", Story::Fee),
    ];

    /// The wording key describing the story.
    pub fn wording_key(self) -> &'static str {
        match self {
            Story::Parcel => "story_parcel",
            Story::Toll => "story_toll",
            Story::Card => "story_card",
            Story::Prize => "story_prize",
            Story::Reply => "story_reply",
            Story::GiftCard => "story_giftcard",
            Story::Contact => "story_contact",
            Story::Fee => "story_fee",
        }
    }
}

/// One cue as written in a vocabulary file: a list of phrases, or a table
/// with `phrases` and/or `words` that count only `near` one another (in the
/// same clause, within a few words, either order).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
// Read once from the compiled-in files into a static: a spec's size does
// not matter, and a boxed table would only make the data harder to read.
#[allow(clippy::large_enum_variant)]
pub enum CueSpec {
    /// Phrases only.
    List(Vec<String>),
    /// Phrases and word pairs.
    Table {
        /// Phrases that count on their own.
        #[serde(default)]
        phrases: Vec<String>,
        /// Words that count near one of `near`.
        #[serde(default, alias = "verbs")]
        words: Vec<String>,
        /// The other half of the pair.
        #[serde(default, alias = "objects")]
        near: Vec<String>,
        /// Verbs whose object is a pronoun ("send it back", "dímelo", "me
        /// lo rimandi"): they count with one of `near` anywhere in the few
        /// sentences before them, or just after them.
        #[serde(default)]
        back: Vec<String>,
        /// Word endings glued to a verb that stand for "it to me" (Spanish
        /// "mándamelo", "díctamelo", Italian "mandacelo"): counted as
        /// `back` when they end a longer word.
        #[serde(default)]
        endings: Vec<String>,
        /// Verbs that only ask for the object when it goes to someone
        /// (`to`): "type it in this chat", "paste the code here", but not
        /// "enter the code on the sign-in page".
        #[serde(default)]
        weak: Vec<String>,
        /// Who the object goes to, in the sentence of the verb: "me",
        /// "us", "here", "in this chat", "this number", "the agent".
        #[serde(default)]
        to: Vec<String>,
        /// Words standing for the object just after a verb ("reply with
        /// **it**", "send **them** here"): they count with the object
        /// named in the few sentences before.
        #[serde(default)]
        pronouns: Vec<String>,
        /// Words for the reader right after a verb ("I'll send **you**
        /// the code"): the sender gives, it does not ask.
        #[serde(default)]
        reader: Vec<String>,
        /// Words for the reader just before the verb, where the language
        /// puts its pronoun there ("**te** mandé el código", "**ti** mando
        /// un codice"): the sender gives, as with `reader`; "me lo pasas"
        /// (the sender before the verb) still asks.
        #[serde(default)]
        reader_before: Vec<String>,
        /// Words that announce the object is about to reach the reader
        /// ("you'll get", "will pop up", "te va a llegar", "ti arriva"):
        /// beside one of `near` in a sentence, the sender announces a
        /// sign-in prompt, which makes the message a story about signing
        /// in, whoever it claims to be.
        #[serde(default)]
        announce: Vec<String>,
    },
}

/// A reviewed example: the rule that must flag it, or "" for none.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The message.
    pub text: String,
    /// The rule id that must find it suspicious or dangerous; "" when the
    /// message must not be flagged at all.
    pub rule: String,
}

/// The one-time-code notice vocabulary.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtpWords {
    /// "your code is", "is your verification code".
    #[serde(default)]
    pub notice: Vec<String>,
    /// "do not share", "we will never ask".
    #[serde(default)]
    pub warning: Vec<String>,
    /// "only for sign-ins you started", "never enter a number someone
    /// sends you": the message warns about sign-in prompts rather than
    /// asking to approve one.
    #[serde(default)]
    pub guard: Vec<String>,
    /// The sender sending the prompt itself ("I'm sending you a push",
    /// "je vous envoie une demande"): with these, or with a number the
    /// sender gives to type, a guard phrase does not make the message a
    /// notice.
    #[serde(default)]
    pub sender: Vec<String>,
    /// Words right after a short number that make it a count, not a
    /// number to type ("you'll type the 2 digits from the screen", "die
    /// 2 Ziffern"): a number-matching notice, not a number given.
    #[serde(default)]
    pub count: Vec<String>,
}

/// One vocabulary file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// ISO 639-1 code (`en`).
    pub language: String,
    /// The language's name in English.
    pub name: String,
    /// Function words for recognising the language.
    #[serde(default)]
    pub common: Vec<String>,
    /// Words that turn a request in the same clause around.
    #[serde(default)]
    pub negation: Vec<String>,
    /// The language puts its negation after the verb ("geben Sie den Code
    /// nicht weiter", "dela inte koden"): a negation later in the clause
    /// turns the verb around too.
    #[serde(default)]
    pub negation_after: bool,
    /// Verbs of asking that, just after a negation, make the sentence a
    /// promise ("we will never **ask** you to share a code or approve a
    /// push"): every request in the rest of that sentence is turned around.
    #[serde(default)]
    pub ask: Vec<String>,
    /// Words that open a condition ("**if** you did not request this,
    /// call us"): a negation just after one states a case, not a promise,
    /// so the requests after it are not turned around.
    #[serde(default)]
    pub conditional: Vec<String>,
    /// Words that report what someone else asked of the sender ("a
    /// caller **asked me to** read out a code", "um SMS **pedindo pra**
    /// aprovar"): like a negation just before a verb, they turn the request
    /// around in their clause; it was not made of the reader.
    #[serde(default)]
    pub reported: Vec<String>,
    /// Innocent phrases blanked before matching ("promo code").
    #[serde(default)]
    pub innocent: Vec<String>,
    /// Words that start an object of its own after an addressee ("forward
    /// me **the** memo", "schick mir **den** Plan"): articles and
    /// possessives. After one, the addressee does not stand for a code
    /// named before.
    #[serde(default)]
    pub determiners: Vec<String>,
    /// Claim name → cue.
    #[serde(default)]
    pub claims: BTreeMap<String, CueSpec>,
    /// Claim name → words that make the claim only in the sender's label
    /// at the start of the message, before its first colon ("Nilgiri
    /// **Security**: …", "**Segurança** Coopserra: …"): alone, "security"
    /// is everyday ("for your security").
    #[serde(default)]
    pub sender: BTreeMap<String, Vec<String>>,
    /// Request name → cue.
    #[serde(default)]
    pub requests: BTreeMap<String, CueSpec>,
    /// Pressure name → cue.
    #[serde(default)]
    pub pressure: BTreeMap<String, CueSpec>,
    /// Story name → cue.
    #[serde(default)]
    pub stories: BTreeMap<String, CueSpec>,
    /// Request name (`code`, `push`, `call`, `data`) → words that, in a `never_ask`
    /// promise, say the promise covers that request.
    #[serde(default)]
    pub promise: BTreeMap<String, Vec<String>>,
    /// One-time-code notices.
    #[serde(default)]
    pub otp: OtpWords,
    /// Words attackers put in domain names beside a brand, read by the
    /// brand rules (`crate::engine::words::domain_words`), not here.
    #[serde(default)]
    pub domain: crate::engine::words::DomainWords,
    /// Explanation wording, key → text.
    #[serde(default)]
    pub wording: BTreeMap<String, String>,
    /// Reviewed examples.
    #[serde(default)]
    pub example: Vec<Example>,
}

/// Every vocabulary that parsed (a broken file is reported by the tests;
/// at run time it is left out rather than stopping the analysis).
pub static VOCABULARIES: LazyLock<Vec<Vocabulary>> = LazyLock::new(|| {
    FILES
        .iter()
        .filter_map(|(_, text)| toml::from_str::<Vocabulary>(text).ok())
        .collect()
});

/// What a pattern in the automaton stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Common,
    Negation,
    Ask,
    Conditional,
    Announce(Request),
    Claim(Claim),
    Phrase(Request),
    Verb(Request),
    Back(Request),
    Weak(Request),
    To(Request),
    Pronoun(Request),
    Reader(Request),
    ReaderBefore(Request),
    Object(Request),
    Pressure(Pressure),
    PressureWord(Pressure),
    PressureNear(Pressure),
    Story(Story),
    StoryWord(Story),
    StoryNear(Story),
    OtpNotice,
    OtpWarning,
    PushGuard,
    PushSender,
    NumberCount,
}

struct Pattern {
    role: Role,
    lang: usize,
    /// Its vote for its language: 1 / the number of languages listing it.
    weight: f32,
    /// Latin-script patterns match whole words only.
    bounded: bool,
    /// A word ending: it matches only at the end of a longer word.
    ending: bool,
}

struct Compiled {
    /// Requests with objects in some vocabulary; the others' verbs count alone.
    paired: Vec<Request>,
    /// Every language's `determiners`, folded.
    determiners: std::collections::BTreeSet<String>,
    innocent: Option<AhoCorasick>,
    innocent_bounded: Vec<bool>,
    matcher: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
}

/// Marks a word ending among the patterns being compiled.
const ENDING_MARK: char = '~';

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let mut innocent = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut patterns: Vec<Pattern> = Vec::new();
    // A pattern written `~ending` is a word ending (see `endings`).
    let mut add = |texts: &mut Vec<String>, p: &str, role: Role, lang: usize| {
        let (p, ending) = match p.strip_prefix(ENDING_MARK) {
            Some(rest) => (rest, true),
            None => (p, false),
        };
        let f = fold_pattern(p);
        if f.is_empty() {
            return;
        }
        patterns.push(Pattern {
            role,
            lang,
            weight: 1.0,
            bounded: !f.chars().any(unspaced),
            ending,
        });
        texts.push(f);
    };
    for (li, v) in VOCABULARIES.iter().enumerate() {
        innocent.extend(v.innocent.iter().map(|p| fold_pattern(p)));
        for w in &v.common {
            add(&mut texts, w, Role::Common, li);
        }
        for w in &v.negation {
            add(&mut texts, w, Role::Negation, li);
        }
        for w in &v.ask {
            add(&mut texts, w, Role::Ask, li);
        }
        for w in &v.conditional {
            add(&mut texts, w, Role::Conditional, li);
        }
        for w in &v.reported {
            add(&mut texts, w, Role::Negation, li);
        }
        for w in &v.otp.notice {
            add(&mut texts, w, Role::OtpNotice, li);
        }
        for w in &v.otp.warning {
            add(&mut texts, w, Role::OtpWarning, li);
        }
        for w in &v.otp.guard {
            add(&mut texts, w, Role::PushGuard, li);
        }
        for w in &v.otp.sender {
            add(&mut texts, w, Role::PushSender, li);
        }
        for w in &v.otp.count {
            add(&mut texts, w, Role::NumberCount, li);
        }
        for (name, spec) in &v.claims {
            let Some(c) = lookup(Claim::ALL, name) else {
                continue;
            };
            for p in spec_all(spec) {
                add(&mut texts, p, Role::Claim(c), li);
            }
        }
        for (name, spec) in &v.requests {
            let Some(r) = lookup(Request::ALL, name) else {
                continue;
            };
            let (phrases, words, near) = spec_parts(spec);
            for p in phrases {
                add(&mut texts, p, Role::Phrase(r), li);
            }
            for p in words {
                add(&mut texts, p, Role::Verb(r), li);
            }
            if let CueSpec::Table {
                back,
                endings,
                weak,
                to,
                pronouns,
                reader,
                reader_before,
                announce,
                ..
            } = spec
            {
                for p in announce {
                    add(&mut texts, p, Role::Announce(r), li);
                }
                for p in reader_before {
                    add(&mut texts, p, Role::ReaderBefore(r), li);
                }
                for p in endings {
                    let p = format!("{ENDING_MARK}{p}");
                    add(&mut texts, &p, Role::Back(r), li);
                }

                for p in reader {
                    add(&mut texts, p, Role::Reader(r), li);
                }
                for p in back {
                    add(&mut texts, p, Role::Back(r), li);
                }
                for p in weak {
                    add(&mut texts, p, Role::Weak(r), li);
                }
                for p in to {
                    add(&mut texts, p, Role::To(r), li);
                }
                for p in pronouns {
                    add(&mut texts, p, Role::Pronoun(r), li);
                }
            }
            for p in near {
                add(&mut texts, p, Role::Object(r), li);
            }
        }
        for (name, spec) in &v.pressure {
            let Some(r) = lookup(Pressure::ALL, name) else {
                continue;
            };
            let (phrases, words, near) = spec_parts(spec);
            for p in phrases {
                add(&mut texts, p, Role::Pressure(r), li);
            }
            for p in words {
                add(&mut texts, p, Role::PressureWord(r), li);
            }
            for p in near {
                add(&mut texts, p, Role::PressureNear(r), li);
            }
        }
        for (name, spec) in &v.stories {
            let Some(r) = lookup(Story::ALL, name) else {
                continue;
            };
            let (phrases, words, near) = spec_parts(spec);
            for p in phrases {
                add(&mut texts, p, Role::Story(r), li);
            }
            for p in words {
                add(&mut texts, p, Role::StoryWord(r), li);
            }
            for p in near {
                add(&mut texts, p, Role::StoryNear(r), li);
            }
        }
    }
    innocent.retain(|p| !p.is_empty());
    // A common word several languages share says less about each.
    // Every match is a vote for its language: 1 shared among the
    // languages that list the same words.
    let mut shared: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (p, t) in patterns.iter().zip(&texts) {
        let langs = shared.entry(t.as_str()).or_default();
        if !langs.contains(&p.lang) {
            langs.push(p.lang);
        }
    }
    let weights: Vec<f32> = texts
        .iter()
        .map(|t| 1.0 / shared.get(t.as_str()).map_or(1, Vec::len).max(1) as f32)
        .collect();
    for (p, w) in patterns.iter_mut().zip(weights) {
        p.weight = w;
    }
    let mut paired = Vec::new();
    for p in &patterns {
        if let Role::Object(r) = p.role {
            push_unique(&mut paired, r);
        }
    }
    let innocent_bounded = innocent.iter().map(|p| !p.chars().any(unspaced)).collect();
    let determiners = VOCABULARIES
        .iter()
        .flat_map(|v| &v.determiners)
        .map(|w| fold_pattern(w))
        .filter(|w| !w.is_empty())
        .collect();
    Compiled {
        paired,
        determiners,
        innocent: AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&innocent)
            .ok(),
        innocent_bounded,
        matcher: AhoCorasick::new(&texts).ok(),
        patterns,
    }
});

fn lookup<T: Copy>(table: &[(&str, T)], name: &str) -> Option<T> {
    table.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

fn spec_parts(spec: &CueSpec) -> (&[String], &[String], &[String]) {
    match spec {
        CueSpec::List(l) => (l, &[], &[]),
        CueSpec::Table {
            phrases,
            words,
            near,
            ..
        } => (phrases, words, near),
    }
}

fn spec_all(spec: &CueSpec) -> impl Iterator<Item = &String> {
    let (a, b, c) = spec_parts(spec);
    let d: &[String] = match spec {
        CueSpec::Table { back, .. } => back,
        CueSpec::List(_) => &[],
    };
    a.iter().chain(b).chain(c).chain(d)
}

/// What the message says, in the terms the message rules use.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Index into [`VOCABULARIES`] of the message's language (English when unsure).
    pub lang: usize,
    /// Who it claims to be.
    pub claims: Vec<Claim>,
    /// What it asks (not negated).
    pub requests: Vec<Request>,
    /// The pressure it puts on the reader.
    pub pressure: Vec<Pressure>,
    /// Consumer scam stories.
    pub stories: Vec<Story>,
    /// Phone numbers, as written.
    pub phones: Vec<String>,
    /// It reads like a real one-time-code notice: a code and a warning not
    /// to share it.
    pub otp_notice: bool,
    /// A word from the policy's `[detection] lure_words`.
    pub policy_word: Option<String>,
    /// It hands out a code ("pickup code 7731", "share the password
    /// 482911 with the driver"): a notice, not a request for one.
    pub gives_code: bool,
    /// It warns about sign-in prompts ("only for sign-ins you started").
    pub push_guard: bool,
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, t: T) {
    if !v.contains(&t) {
        v.push(t);
    }
}

/// Matches of one kind, sorted by start.
#[derive(Default)]
struct Spans(Vec<Range<usize>>);

impl Spans {
    /// A span of `self` in the same clause as `r`, after it within
    /// `after` bytes or before it within `before` bytes.
    fn near(&self, f: &Folded, r: &Range<usize>, after: usize, before: usize) -> bool {
        let clause = f.sentence(r.start);
        let i = self.0.partition_point(|s| s.start < r.end);
        if let Some(s) = self.0.get(i)
            && within(&f.text, r.end, s.start, after)
            && f.sentence(s.start) == clause
        {
            return true;
        }
        // The closest span ending at or before r.start.
        let j = self.0.partition_point(|s| s.start < r.start);
        self.0.get(..j).is_some_and(|prefix| {
            prefix.iter().rev().take(4).any(|s| {
                s.end <= r.start
                    && within(&f.text, s.end, r.start, before)
                    && f.sentence(s.start) == clause
            })
        })
    }
}

/// From byte `a` to byte `b` of `text` are at most `limit` characters:
/// a window holds as many Hangul letters or kana as Latin ones (a folded
/// Hangul syllable is two or three letters of three bytes each). Linear in
/// the window only.
fn within(text: &str, a: usize, b: usize, limit: usize) -> bool {
    if b < a {
        return false;
    }
    let bytes = b - a;
    bytes <= limit
        || (bytes <= 4 * limit && text.get(a..b).is_some_and(|s| s.chars().count() <= limit))
}

/// Read `text` (the message with its links blanked) under `policy`.
pub fn facts(text: &str, policy: &Policy) -> Facts {
    let mut f = fold(text);
    let compiled = &*COMPILED;
    // Blank innocent phrases ("promo code") so they match nothing.
    if let Some(ac) = &compiled.innocent {
        let hits: Vec<Range<usize>> = ac
            .find_iter(&f.text)
            .filter(|m| {
                !compiled
                    .innocent_bounded
                    .get(m.pattern().as_usize())
                    .copied()
                    .unwrap_or(true)
                    || bounded_at(&f.text, &m.range())
            })
            .map(|m| m.range())
            .collect();
        if !hits.is_empty() {
            let mut bytes = std::mem::take(&mut f.text).into_bytes();
            for r in hits {
                if let Some(b) = bytes.get_mut(r) {
                    b.fill(b' ');
                }
            }
            f.text = String::from_utf8_lossy(&bytes).into_owned();
        }
    }
    let n_langs = VOCABULARIES.len();
    let mut common = vec![0f32; n_langs];
    let mut negations: Vec<(Range<usize>, usize)> = Vec::new();
    let mut asks: Vec<Range<usize>> = Vec::new();
    let mut conditionals: Vec<Range<usize>> = Vec::new();
    let mut announces: BTreeMap<Request, Spans> = BTreeMap::new();
    let mut phrases: Vec<(Request, Range<usize>)> = Vec::new();
    let mut verbs: Vec<(Request, Range<usize>)> = Vec::new();
    let mut backs: Vec<(Request, Range<usize>)> = Vec::new();
    let mut weaks: Vec<(Request, Range<usize>)> = Vec::new();
    let mut pronouns: Vec<(Request, Range<usize>)> = Vec::new();
    let mut tos: BTreeMap<Request, Spans> = BTreeMap::new();
    let mut readers: BTreeMap<Request, Spans> = BTreeMap::new();
    let mut readers_before: BTreeMap<Request, Spans> = BTreeMap::new();
    let mut push_guard = false;
    let mut push_sender = false;
    let mut counts: Vec<usize> = Vec::new();
    // Pressure and story phrases read as a whole ("accesso non
    // autorizzato", "if you did not make this"): a negation inside one
    // turns no verb around.
    let mut wholes: Vec<Range<usize>> = Vec::new();
    let mut objects: BTreeMap<Request, Spans> = BTreeMap::new();
    let mut pw: Vec<(Pressure, Range<usize>)> = Vec::new();
    let mut pn: BTreeMap<Pressure, Spans> = BTreeMap::new();
    let mut sw: Vec<(Story, Range<usize>)> = Vec::new();
    let mut sn: BTreeMap<Story, Spans> = BTreeMap::new();
    let mut out = Facts::default();
    let mut otp_notice = false;
    let mut otp_warning = false;
    if let Some(ac) = &compiled.matcher {
        for m in ac.find_overlapping_iter(&f.text) {
            let Some(p) = compiled.patterns.get(m.pattern().as_usize()) else {
                continue;
            };
            let r = m.range();
            if p.ending {
                if !ends_a_longer_word(&f.text, &r) {
                    continue;
                }
            } else if p.bounded && !bounded_at(&f.text, &r) {
                continue;
            }
            if let Some(c) = common.get_mut(p.lang) {
                *c += p.weight;
            }
            match p.role {
                Role::Common => {}
                Role::Negation => negations.push((r, p.lang)),
                Role::Ask => asks.push(r),
                Role::Conditional => conditionals.push(r),
                Role::Announce(q) => announces.entry(q).or_default().0.push(r),
                Role::Claim(c) => push_unique(&mut out.claims, c),
                Role::Phrase(q) => phrases.push((q, r)),
                Role::Verb(q) => verbs.push((q, r)),
                Role::Back(q) => backs.push((q, r)),
                Role::Weak(q) => weaks.push((q, r)),
                Role::Pronoun(q) => pronouns.push((q, r)),
                Role::To(q) => tos.entry(q).or_default().0.push(r),
                Role::Reader(q) => readers.entry(q).or_default().0.push(r),
                Role::ReaderBefore(q) => readers_before.entry(q).or_default().0.push(r),
                Role::Object(q) => objects.entry(q).or_default().0.push(r),
                Role::Pressure(q) => {
                    if !clock_time(&f.text, &r) {
                        push_unique(&mut out.pressure, q);
                    }
                    wholes.push(r);
                }
                Role::PressureWord(q) => pw.push((q, r)),
                Role::PressureNear(q) => pn.entry(q).or_default().0.push(r),
                Role::Story(s) => {
                    wholes.push(r);
                    push_unique(&mut out.stories, s);
                }
                Role::StoryWord(s) => sw.push((s, r)),
                Role::StoryNear(s) => sn.entry(s).or_default().0.push(r),
                Role::OtpNotice => otp_notice = true,
                Role::OtpWarning => otp_warning = true,
                Role::PushGuard => push_guard = true,
                Role::PushSender => push_sender = true,
                Role::NumberCount => counts.push(r.start),
            }
        }
    }
    pronouns.sort_by_key(|(_, r)| r.start);
    for spans in objects
        .values_mut()
        .chain(tos.values_mut())
        .chain(readers.values_mut())
        .chain(readers_before.values_mut())
        .chain(announces.values_mut())
        .chain(pn.values_mut())
        .chain(sn.values_mut())
    {
        spans.0.sort_by_key(|r| r.start);
    }
    out.lang = language(text, &common);
    // A negation counts in the message's language (or English, which
    // other languages borrow): Portuguese "no" means "in the".
    let lang = out.lang;
    // A negation turns a request around when it comes just before the verb
    // ("do not share", "no lo compartas") or, in the languages that put it
    // after the verb ("geben Sie den Code nicht weiter", "deel hem niet",
    // "ne le communiquez pas"), later in the same clause; not "if you did
    // not ask for this, call us" (another clause).
    let after_verb: Vec<usize> = VOCABULARIES
        .iter()
        .enumerate()
        .filter(|(_, v)| v.negation_after)
        .map(|(i, _)| i)
        .collect();
    // Negations that count, sorted by start; for each clause, where its last
    // after-verb negation starts. Each test is then a binary search, so a
    // text of a million "not send code" stays linear-ish.
    // Whether a negation lies inside a whole phrase: sorted by start, with
    // the furthest end so far, one binary search each.
    wholes.sort_by_key(|w| w.start);
    let reach: Vec<usize> = wholes
        .iter()
        .scan(0, |end, w| {
            *end = (*end).max(w.end);
            Some(*end)
        })
        .collect();
    let inside = |n: &Range<usize>| {
        let i = wholes.partition_point(|w| w.start <= n.start);
        i > 0 && reach.get(i - 1).is_some_and(|e| *e >= n.end)
    };
    let mut counted: Vec<(Range<usize>, usize)> = negations
        .into_iter()
        .filter(|(n, l)| (*l == lang || *l == 0) && !inside(n))
        .collect();
    counted.sort_by_key(|(n, _)| n.start);
    let mut last_after: BTreeMap<usize, usize> = BTreeMap::new();
    for (n, l) in &counted {
        if after_verb.contains(l) {
            let e = last_after.entry(f.clause(n.start)).or_insert(n.start);
            *e = (*e).max(n.start);
        }
    }
    // "We will never ask you to …": a negation just before a verb of
    // asking turns around every request after it in the sentence, up to a
    // "but" ("we never ask for codes, but please send yours now" asks).
    asks.sort_by_key(|a| a.start);
    // The verb may also come just before the negation ("wir fragen Sie
    // niemals", "we vragen nooit").
    // "If you did not request it, call us": a negation just after a word
    // of condition, in its clause, states a case.
    conditionals.sort_by_key(|c| c.start);
    let conditional = |n: &Range<usize>| {
        let i = conditionals.partition_point(|c| c.start < n.start);
        conditionals.get(..i).is_some_and(|before| {
            before.iter().rev().take(2).any(|c| {
                c.end <= n.start && n.start - c.end <= 24 && f.clause(c.start) == f.clause(n.start)
            })
        })
    };
    let mut promises: Vec<usize> = counted
        .iter()
        .filter(|(n, _)| !conditional(n))
        .filter_map(|(n, _)| {
            let i = asks.partition_point(|a| a.start < n.end);
            let after = asks.get(i).filter(|a| {
                a.start - n.end <= 12 && !f.text.get(n.end..a.start).is_some_and(joins)
            });
            let before = i.checked_sub(1).and_then(|j| asks.get(j)).filter(|a| {
                a.end <= n.start
                    && n.start - a.end <= 12
                    && !f.text.get(a.end..n.start).is_some_and(joins)
            });
            after
                .or(before)
                .filter(|a| f.clause(a.start) == f.clause(n.start))
                .map(|a| a.end.max(n.end))
        })
        .collect();
    promises.sort_unstable();
    let negated = |v: &Range<usize>| {
        let clause = f.clause(v.start);
        let i = promises.partition_point(|e| *e <= v.start);
        if i > 0
            && promises.get(i - 1).is_some_and(|e| {
                f.sentence(*e) == f.sentence(v.start)
                    && !f.text.get(*e..v.start).is_some_and(contrasts)
            })
        {
            return true;
        }
        if last_after.get(&clause).is_some_and(|s| *s >= v.end) {
            return true;
        }
        let from = counted.partition_point(|(n, _)| n.start + 80 < v.start);
        let to = counted.partition_point(|(n, _)| n.start < v.start);
        counted.get(from..to).is_some_and(|near| {
            near.iter().rev().take(16).any(|(n, _)| {
                n.end <= v.start
                    && v.start - n.end <= 20
                    && f.clause(n.start) == clause
                    && !f.text.get(n.end..v.start).is_some_and(joins)
            })
        })
    };
    // The sender's label: "Nilgiri Security: …".
    if let Some(label) = sender_label(text) {
        let label = fold(label).text;
        for (c, w) in SENDER_WORDS.iter() {
            if contains_bounded(&label, w) {
                push_unique(&mut out.claims, *c);
            }
        }
    }
    // "IT" written in capitals is the IT department, unless the whole
    // text shouts.
    if !out.claims.contains(&Claim::It) && says_it_in_capitals(text) {
        out.claims.push(Claim::It);
    }
    // A story about signing in: IT, the help desk, security, an identity
    // provider.
    let sign_in_story = out.claims.iter().any(|c| {
        matches!(
            c,
            Claim::It | Claim::Helpdesk | Claim::Security | Claim::Idp
        )
    });
    // "Te va a llegar una notificación", "tra poco le arriva una
    // notifica": a prompt the sender announces is a story about signing
    // in (for the push it asks to approve), whoever the sender says it is.
    let announced = announces.get(&Request::Push).is_some_and(|a| {
        objects
            .get(&Request::Push)
            .is_some_and(|o| a.0.iter().any(|r| !negated(r) && o.near(&f, r, 60, 40)))
    });
    let sign_in_story = sign_in_story || announced;
    for (q, r) in &phrases {
        if !negated(r) {
            push_unique(&mut out.requests, *q);
        }
    }
    let push_by_phrase = out.requests.contains(&Request::Push);
    // "I'll send you the code": the reader right after the verb is who
    // gets it, so the sender gives rather than asks.
    // "Te mandé el código": the reader just before the verb, where the
    // language puts its pronoun there, is who gets it too.
    let gives = |q: &Request, r: &Range<usize>| {
        readers.get(q).is_some_and(|t| t.near(&f, r, 2, 0))
            || readers_before.get(q).is_some_and(|t| t.near(&f, r, 0, 1))
    };
    for (q, r) in &verbs {
        if out.requests.contains(q) || negated(r) || gives(q, r) {
            continue;
        }
        // "123456 is your code to confirm the change": a code just before
        // "to" and a verb is what the code is for, not what to send.
        let purpose = |o: &Spans| {
            !o.near(&f, r, 40, 0)
                && o.0
                    .iter()
                    .any(|s| s.end <= r.start && f.text.get(s.end..r.start) == Some(" to "))
        };
        if !compiled.paired.contains(q)
            || objects
                .get(q)
                .is_some_and(|o| o.near(&f, r, 40, 30) && !purpose(o))
        {
            push_unique(&mut out.requests, *q);
        }
    }
    // A verb whose object is a pronoun: the object somewhere in the few
    // sentences before ("I sent you a code by mistake. Can you send it
    // back?"), or just after.
    for (q, r) in &backs {
        if out.requests.contains(q) || negated(r) {
            continue;
        }
        let Some(o) = objects.get(q) else {
            continue;
        };
        let before = o.0.partition_point(|s| s.start < r.start);
        let earlier = o.0.get(..before).is_some_and(|p| {
            p.iter()
                .rev()
                .take(4)
                .any(|s| s.end <= r.start && r.start - s.end <= 200)
        });
        if earlier || o.near(&f, r, 40, 0) {
            push_unique(&mut out.requests, *q);
        }
    }
    // The request as a verb, its object and whom it goes to. A verb of
    // typing or pasting asks for the object only when it goes to someone
    // ("paste the code in this chat", "type it here"), not "enter the code
    // on the sign-in page". A pronoun just after a verb ("reply with it",
    // "send them here") stands for the object named in the few sentences
    // before ("You'll get a code in a minute, reply with it").
    let addressed =
        |q: &Request, r: &Range<usize>| tos.get(q).is_some_and(|t| t.near(&f, r, 60, 40));
    let named_before = |q: &Request, r: &Range<usize>| {
        objects.get(q).is_some_and(|o| {
            let before = o.0.partition_point(|s| s.start < r.start);
            o.0.get(..before).is_some_and(|p| {
                p.iter()
                    .rev()
                    .take(4)
                    .any(|s| s.end <= r.start && r.start - s.end <= 240)
            })
        })
    };
    // The pronoun just after the verb, or just before it where the verb
    // comes last ("kannst du ihn mir weiterleiten", "kun je hem sturen").
    let pronoun_after = |q: &Request, r: &Range<usize>| {
        let i = pronouns.partition_point(|(_, s)| s.start < r.end);
        let after = pronouns.get(i..).is_some_and(|rest| {
            rest.iter().take(3).any(|(p, s)| {
                p == q && s.start - r.end <= 12 && f.clause(s.start) == f.clause(r.start)
            })
        });
        let j = pronouns.partition_point(|(_, s)| s.start < r.start);
        let before = pronouns.get(..j).is_some_and(|prefix| {
            prefix.iter().rev().take(3).any(|(p, s)| {
                p == q
                    && s.end <= r.start
                    && r.start - s.end <= 12
                    && f.clause(s.start) == f.clause(r.start)
            })
        });
        after || before
    };
    for (q, r, weak) in verbs
        .iter()
        .map(|(q, r)| (q, r, false))
        .chain(weaks.iter().map(|(q, r)| (q, r, true)))
    {
        if out.requests.contains(q) || negated(r) || gives(q, r) {
            continue;
        }
        let object = objects.get(q).is_some_and(|o| o.near(&f, r, 40, 30));
        // "comunica all'operatore che ti chiamerà il codice": with whom it
        // goes to between them, the object may come further on.
        let far = objects.get(q).is_some_and(|o| o.near(&f, r, 90, 0));
        // "kirim ke saya", "send to me": the addressee right after the verb
        // leaves the object out, as a pronoun does.
        // Not when an object of its own follows the addressee ("can you
        // forward me the crew memo").
        let dropped = tos.get(q).is_some_and(|t| {
            t.0.iter().any(|s| {
                s.start >= r.end
                    && s.start - r.end <= 4
                    && f.clause(s.start) == f.clause(r.start)
                    && !f
                        .text
                        .get(s.end..)
                        .and_then(|rest| rest.split(' ').find(|w| !w.is_empty()))
                        .is_some_and(|w| compiled.determiners.contains(w))
            })
        });
        // "Accept it" stands for a prompt only in a story about signing in.
        let story = *q != Request::Push || sign_in_story;
        let pronoun = (pronoun_after(q, r) || dropped) && named_before(q, r) && story;
        let asks = if weak {
            (object || pronoun) && addressed(q, r)
        } else {
            pronoun || (far && addressed(q, r))
        };
        if asks {
            push_unique(&mut out.requests, *q);
        }
    }
    // A verb of typing or choosing next to a number of one to three digits,
    // in a message about sign-ins: number matching ("type 19 and confirm",
    // "het getal 71 kiezen").
    let typed = sign_in_story
        && verbs.iter().any(|(q, r)| {
            *q == Request::Push
                && !negated(r)
                && f.short_numbers.iter().any(|n| {
                    // "the 2 digits": a count, not the number to type.
                    if counts.iter().any(|c| *c > *n && *c <= n + 2) {
                        return false;
                    }
                    let close = (*n >= r.end && n - r.end <= 12)
                        || (*n < r.start && r.start - (n + 1) <= 12);
                    close && f.clause(*n) == f.clause(r.start)
                })
        });
    if typed {
        push_unique(&mut out.requests, Request::Push);
    }
    // A code word followed by the code itself hands one out.
    let gives_code = objects.get(&Request::Code).is_some_and(|o| {
        o.0.iter().any(|s| {
            f.text.get(s.end..).is_some_and(|rest| {
                let mut at = s.end;
                for w in rest.split(' ').take(7) {
                    if w == "0" && !f.short_numbers.contains(&at) {
                        return true;
                    }
                    // A code written in groups ("Ophaalcode: 41 72 05",
                    // "code 123 456"): two short numbers side by side.
                    if w == "0"
                        && f.text.get(at + 1..at + 3) == Some(" 0")
                        && f.short_numbers.contains(&(at + 2))
                    {
                        return true;
                    }
                    // "send the code to 0612 …" names where to send it.
                    if matches!(
                        w,
                        "to" | "at"
                            | "on"
                            | "via"
                            | "naar"
                            | "op"
                            | "al"
                            | "au"
                            | "an"
                            | "para"
                            | "per"
                            | "por"
                            | "unter"
                            | "sur"
                            | "ao"
                            | "a"
                            | "no"
                            | "sul"
                    ) {
                        return false;
                    }
                    at += w.len() + 1;
                }
                false
            })
        })
    });
    // A real one-time-code notice (the code, and a warning not to share
    // it) asks for nothing either: "55018342 is your one-time passcode.
    // Citi will never call, text or email asking for it."
    let notice = otp_notice && otp_warning && has_code(text);
    if (gives_code || notice)
        && !phrases
            .iter()
            .any(|(q, r)| *q == Request::Code && !negated(r))
    {
        out.requests.retain(|r| *r != Request::Code);
    }
    out.gives_code = gives_code;
    // A guard phrase makes a notice only when the sender neither gives a
    // number to type nor sends the prompt itself ("I'm sending you a push
    // now, approve it, it is a sign-in you started").
    out.push_guard = push_guard && !typed && !push_sender;
    for (q, r) in &pw {
        if !out.pressure.contains(q) && pn.get(q).is_some_and(|o| o.near(&f, r, 60, 60)) {
            push_unique(&mut out.pressure, *q);
        }
    }
    for (s, r) in &sw {
        if !out.stories.contains(s) && sn.get(s).is_some_and(|o| o.near(&f, r, 60, 60)) {
            push_unique(&mut out.stories, *s);
        }
    }
    // "Approve my leave request", "Antwoord JA om te bevestigen": a verb
    // of approving with an object is a sign-in prompt only in a story
    // about signing in, a bank's app or an account to keep.
    if !push_by_phrase
        && !sign_in_story
        && !out.claims.contains(&Claim::Bank)
        && !out.pressure.contains(&Pressure::Lockout)
        && !out.requests.contains(&Request::Credentials)
    {
        out.requests.retain(|r| *r != Request::Push);
    }
    // A locked account or card at a bank is the blocked-card story.
    if out.pressure.contains(&Pressure::Lockout)
        && out.claims.contains(&Claim::Bank)
        && !out.stories.contains(&Story::Card)
    {
        out.stories.push(Story::Card);
    }
    out.claims.sort();
    out.requests.sort();
    out.pressure.sort();
    out.stories.sort();
    // "Message @northwind_hr_support on Telegram": a chat handle, in a
    // message that names a chat app, asks to move the chat (any language).
    if !out.requests.contains(&Request::Chat) && chat_handle(text) && names_chat_app(&f.text) {
        out.requests.push(Request::Chat);
    }
    if small_amount(text) && asks_to_pay(text) {
        push_unique(&mut out.stories, Story::Fee);
    }
    out.phones = crate::phone::find(text, 20);
    out.otp_notice = notice;
    out.policy_word = policy.lure_word_in(&f.text).map(str::to_owned);
    out
}

/// Words between a negation and a verb that start another verb phrase
/// ("do not switch it off and call …", "ne l'éteignez pas et appelez …").
fn joins(between: &str) -> bool {
    between.split(' ').any(|w| {
        matches!(
            w,
            "and"
                | "but"
                | "then"
                | "et"
                | "mais"
                | "und"
                | "aber"
                | "y"
                | "pero"
                | "e"
                | "ma"
                | "en"
                | "maar"
                | "mas"
        )
    })
}

/// A word that starts a contrasting clause ("but", "aber", "mais").
fn contrasts(between: &str) -> bool {
    between.split(' ').any(|w| {
        matches!(
            w,
            "but" | "however" | "mais" | "aber" | "pero" | "ma" | "maar" | "mas"
        )
    })
}

/// The match `r` ends a word that starts before it: a clitic glued to a
/// verb ("mándamelo" ends in "melo"), not the word on its own.
fn ends_a_longer_word(text: &str, r: &Range<usize>) -> bool {
    let before = text.get(..r.start).and_then(|s| s.chars().next_back());
    let after = text.get(r.end..).and_then(|s| s.chars().next());
    before.is_some_and(char::is_alphabetic) && after.is_none_or(|c| c == ' ')
}

/// A character of a script whose words are matched anywhere, not as whole
/// words: CJK (no spaces at all) and Hangul (particles glued to the word:
/// "인증번호를", "코드는").
fn unspaced(c: char) -> bool {
    is_cjk(c) || is_hangul(c)
}

/// A letter of the Arabic script (the basic block and its supplements).
fn is_arabic(c: char) -> bool {
    matches!(c as u32, 0x0620..=0x064A | 0x066E..=0x06D3 | 0x0750..=0x077F | 0x08A0..=0x08FF)
}

/// A Hangul syllable or letter.
fn is_hangul(c: char) -> bool {
    matches!(c as u32, 0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F)
}

fn contains_bounded(hay: &str, needle: &str) -> bool {
    let cjk = needle.chars().any(unspaced);
    hay.match_indices(needle)
        .any(|(i, m)| cjk || bounded_at(hay, &(i..i + m.len())))
}

/// Words before an hour that make it a time of day ("à 18h", "às 14h",
/// "um 9h", "de 14h a 16h"), not a deadline ("within 24h").
const CLOCK_WORDS: &[&str] = &[
    "a", "as", "at", "um", "ab", "bis", "alle", "om", "las", "los", "de", "des", "vers", "entre",
    "y", "e", "et", "und", "en", "and", "from", "to", "till", "until", "hasta", "ate", "fino",
];

/// `r` (in the folded text) is an hour written `0h` after a word of time of
/// day ([`CLOCK_WORDS`]).
fn clock_time(text: &str, r: &Range<usize>) -> bool {
    text.get(r.clone()) == Some("0h")
        && text
            .get(..r.start)
            .and_then(|before| before.split_whitespace().next_back())
            .is_some_and(|w| CLOCK_WORDS.contains(&w))
}

/// Every language's `sender` words, folded once, with the claim each makes.
static SENDER_WORDS: LazyLock<Vec<(Claim, String)>> = LazyLock::new(|| {
    VOCABULARIES
        .iter()
        .flat_map(|v| &v.sender)
        .filter_map(|(name, words)| lookup(Claim::ALL, name).map(|c| (c, words)))
        .flat_map(|(c, words)| words.iter().map(move |w| (c, fold_pattern(w))))
        .filter(|(_, w)| !w.is_empty())
        .collect()
});

/// The sender's label a message starts with: at most four words before a
/// colon within its first 48 bytes ("Nilgiri Security: …", "【品質保証部】"
/// is read by the claims themselves).
fn sender_label(text: &str) -> Option<&str> {
    let within = text
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .take_while(|e| *e <= 48)
        .last()?;
    let head = text.get(..within)?;
    let end = head.find([':', '：'])?;
    let label = text.get(..end)?;
    (label.split_whitespace().count() <= 4 && !label.contains("://")).then_some(label)
}

/// "IT" (or TI, ICT, EDV, DSI) in capitals, in a text that is mostly not
/// capitals.
fn says_it_in_capitals(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let upper = text.chars().filter(|c| c.is_uppercase()).count();
    if letters == 0 || upper * 2 > letters {
        return false;
    }
    let b = text.as_bytes();
    ["IT", "TI", "ICT", "EDV", "DSI"].iter().any(|w| {
        text.match_indices(w).any(|(i, _)| {
            let before = i == 0 || b.get(i - 1).is_none_or(|c| !c.is_ascii_alphanumeric());
            let after = b.get(i + w.len()).is_none_or(|c| !c.is_ascii_alphabetic());
            before && after
        })
    })
}

/// Chat apps, by their names (the same in every language, and as Korean,
/// Japanese, Arabic and Chinese write them).
const CHAT_APPS: &[&str] = &[
    "telegram",
    "whatsapp",
    "signal",
    "line",
    "wechat",
    "viber",
    "kakaotalk",
    "kakao",
    "threema",
    "텔레그램",
    "카카오톡",
    "카톡",
    "왓츠앱",
    "テレグラム",
    "ワッツアップ",
    "واتساب",
    "تيليجرام",
    "تلغرام",
    "微信",
];

fn names_chat_app(folded: &str) -> bool {
    // Folded as the text is (Hangul and kana decompose).
    CHAT_APPS
        .iter()
        .any(|a| contains_bounded(folded, &fold_pattern(a)))
}

/// A chat handle: `@name` at the start of a word (not an e-mail address),
/// three or more letters, digits or `_`.
fn chat_handle(text: &str) -> bool {
    let b = text.as_bytes();
    text.match_indices('@').any(|(i, _)| {
        let start = i == 0
            || b.get(i - 1)
                .is_some_and(|c| !c.is_ascii_alphanumeric() && *c != b'.');
        let name = b
            .get(i + 1..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        start && name >= 3
    })
}

/// Stems of "pay", "fee", "charge", "customs" in many languages, the
/// vocabulary files' and others' (a price in an advert has none of them:
/// "any large pizza $7.99", "£12.40 to spend"). Latin ones match at the
/// start of a word.
const PAY_WORDS: &[&str] = &[
    "pay",
    "fee",
    "charge",
    "due",
    "customs",
    "duty",
    "settle",
    "zahl",
    "bezahl",
    "gebühr",
    "zoll",
    "paiem",
    "frais",
    "douane",
    "régl",
    "pagar",
    "pague",
    "pagu",
    "pagamento",
    "paga",
    "tasa",
    "tarifa",
    "aduana",
    "tass",
    "dogan",
    "betal",
    "kosten",
    "douane",
    "toeslag",
    "taxa",
    "portagem",
    "alfândeg",
    "avgift",
    "tull",
    "opłat",
    "opłać",
    "dopłat",
    "cło",
    "plăt",
    "taxă",
    "vamă",
    "öde",
    "ücret",
    "gümrük",
    "bayar",
    "biaya",
    "bea cukai",
    "poplat",
    "díj",
    "fizet",
    "vám",
    "支払",
    "払",
    "手数料",
    "関税",
    "料金",
    "支付",
    "付款",
    "缴",
    "关税",
    "费",
    "결제",
    "납부",
    "수수료",
    "관세",
    "요금",
];

/// The text asks for money: a word of [`PAY_WORDS`].
fn asks_to_pay(text: &str) -> bool {
    let t = text.to_lowercase();
    PAY_WORDS.iter().any(|w| {
        let latin = w
            .chars()
            .all(|c| c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c));
        if !latin {
            return t.contains(w);
        }
        t.match_indices(w).any(|(i, _)| {
            !t[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        })
    })
}

/// Currency signs and codes, and whether one unit is worth little (so that
/// "¥300" or "₩3,000" is still a small fee).
const CURRENCIES: &[(&str, bool)] = &[
    ("$", false),
    ("€", false),
    ("£", false),
    ("¥", true),
    ("₩", true),
    ("₹", true),
    ("₺", false),
    ("₽", true),
    ("円", true),
    ("元", false),
    ("원", true),
    ("zł", false),
    ("zl", false),
    ("kr", false),
    ("kn", false),
    ("lei", false),
    ("ron", false),
    ("eur", false),
    ("usd", false),
    ("gbp", false),
    ("pln", false),
    ("sek", false),
    ("nok", false),
    ("dkk", false),
    ("chf", false),
    ("jpy", true),
    ("cny", false),
    ("rmb", false),
    ("krw", true),
    ("tl", false),
    ("rp", true),
    ("idr", true),
    ("czk", true),
    ("kč", true),
    ("huf", true),
    ("aud", false),
    ("cad", false),
    ("inr", true),
    ("brl", false),
    ("r$", false),
    ("mxn", false),
    ("zar", false),
    ("nzd", false),
];

/// The bytes a currency of [`CURRENCIES`] ends with, and starts with.
static CURRENCY_EDGES: LazyLock<([bool; 256], [bool; 256])> = LazyLock::new(|| {
    let (mut ends, mut starts) = ([false; 256], [false; 256]);
    for (c, _) in CURRENCIES {
        if let (Some(first), Some(last)) = (c.bytes().next(), c.bytes().next_back()) {
            starts[usize::from(first)] = true;
            ends[usize::from(last)] = true;
        }
    }
    (ends, starts)
});

/// A small amount of money, by its shape in any language: a number (with
/// `.` or `,` for thousands or decimals) right next to a currency sign or
/// code, either order, one space allowed ("$2.95", "1,99 zł", "19 kr",
/// "€ 1.99", "¥300"). Small: under 100 units, or under 10 000 of a
/// currency whose unit is worth little (yen, won, forint). Linear.
pub fn small_amount(text: &str) -> bool {
    let t = text.to_lowercase();
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b.get(i).is_some_and(u8::is_ascii_digit)
            || (i > 0 && b.get(i - 1).is_some_and(|c| c.is_ascii_alphanumeric()))
        {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        while b.get(end).is_some_and(|c| c.is_ascii_digit())
            || (matches!(b.get(end), Some(b'.' | b','))
                && b.get(end + 1).is_some_and(u8::is_ascii_digit))
        {
            end += 1;
        }
        i = end.max(start + 1);
        if b.get(end).is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        let (Some(before), Some(after)) = (t.get(..start), t.get(end..)) else {
            continue;
        };
        let before = before.strip_suffix(' ').unwrap_or(before);
        let after = after.strip_prefix(' ').unwrap_or(after);
        // Most numbers touch no currency at all (`a.1.a.1.…`, dates,
        // codes): a byte no currency ends or starts with rules them out
        // before the list is compared (issue #17 §2).
        let (ends, starts) = &*CURRENCY_EDGES;
        let may_end = before
            .bytes()
            .next_back()
            .is_some_and(|b| ends[usize::from(b)]);
        let may_start = after.bytes().next().is_some_and(|b| starts[usize::from(b)]);
        if !(may_end || may_start) {
            continue;
        }
        let unit = CURRENCIES.iter().find(|(c, _)| {
            let letters = c.chars().all(|ch| ch.is_ascii_alphabetic());
            let pre = before.ends_with(c)
                && (!letters
                    || !before[..before.len() - c.len()]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric));
            let post = after.starts_with(c)
                && (!letters
                    || !after[c.len()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric));
            pre || post
        });
        let Some((_, cheap)) = unit else {
            continue;
        };
        let Some(number) = t.get(start..end) else {
            continue;
        };
        // The whole units: digits before a decimal part of one or two
        // digits ("1,99", "2.95"); "3,000" and "1.249" are thousands.
        let whole = match number.rfind(['.', ',']) {
            Some(k) if number.len() - k <= 3 => &number[..k],
            _ => number,
        };
        let units: String = whole.chars().filter(char::is_ascii_digit).collect();
        let limit = if *cheap { 10_000 } else { 100 };
        if units.len() <= 6 && units.parse::<u32>().is_ok_and(|n| n < limit) {
            return true;
        }
    }
    false
}

/// A one-time code: a run of 4 to 8 digits (optionally after `G-`).
fn has_code(text: &str) -> bool {
    let mut run = 0;
    let mut found = false;
    let mut prev_ok = true;
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            run += 1;
        } else {
            if prev_ok && (4..=8).contains(&run) && !c.is_ascii_alphanumeric() {
                found = true;
            }
            prev_ok = !c.is_ascii_alphanumeric();
            run = 0;
        }
    }
    found
}

fn language(text: &str, common: &[f32]) -> usize {
    let kana = text
        .chars()
        .filter(|c| matches!(*c as u32, 0x3040..=0x30FF))
        .count();
    if kana >= 2
        && let Some(i) = VOCABULARIES.iter().position(|v| v.language == "ja")
    {
        return i;
    }
    // Hangul is Korean; Han characters without kana are Chinese (when
    // they are a good part of the text, not a name in an English one).
    let latin = text.chars().filter(char::is_ascii_alphabetic).count();
    let by_script = |code: &str, n: usize| {
        (n >= 2 && n * 3 >= latin)
            .then(|| VOCABULARIES.iter().position(|v| v.language == code))
            .flatten()
    };
    if let Some(i) = by_script("ko", text.chars().filter(|c| is_hangul(*c)).count()) {
        return i;
    }
    if let Some(i) = by_script("zh", text.chars().filter(|c| is_cjk(*c)).count()) {
        return i;
    }
    // Arabic letters are Arabic (the only vocabulary in that script).
    if let Some(i) = by_script("ar", text.chars().filter(|c| is_arabic(*c)).count()) {
        return i;
    }
    let mut best = 0;
    let mut best_n = 0.0;
    for (i, n) in common.iter().enumerate() {
        if *n > best_n {
            best = i;
            best_n = *n;
        }
    }
    best
}

/// The explanation text `key` in language `lang`, English when that
/// language has none.
pub fn word(lang: usize, key: &str) -> &'static str {
    VOCABULARIES
        .get(lang)
        .and_then(|v| v.wording.get(key))
        .or_else(|| VOCABULARIES.first().and_then(|v| v.wording.get(key)))
        .map_or("", String::as_str)
}

/// The policy promise (`never_ask`) that covers `request`, if any: the
/// first promise naming a word of that kind in any language's `promise`
/// list (`code`, `push`, `call`, `data`).
pub fn promise_covering<'p>(policy: &'p Policy, request: &str) -> Option<&'p str> {
    policy
        .organization
        .never_ask
        .iter()
        .find(|promise| {
            let folded = fold(promise).text;
            VOCABULARIES
                .iter()
                .filter_map(|v| v.promise.get(request))
                .flatten()
                .any(|w| {
                    let w = fold_pattern(w);
                    !w.is_empty() && contains_bounded(&folded, &w)
                })
        })
        .map(String::as_str)
}

/// "a, b and c" in language `lang`.
pub fn join_and(lang: usize, items: &[&str]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} {} {last}", rest.join(", "), word(lang, "and")),
    }
}

/// The sentence quoting the organisation's promise.
pub fn promise_sentence(lang: usize, policy: &Policy, promise: &str) -> String {
    crate::engine::explain::promise_sentence(lang, &policy.organization.name, promise)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::twilio;

    #[test]
    fn every_file_parses_has_every_wording_key_and_known_names() {
        let mut errors = Vec::new();
        let mut english: Option<Vocabulary> = None;
        for (code, text) in FILES {
            let v: Vocabulary = match toml::from_str(text) {
                Ok(v) => v,
                Err(e) => {
                    errors.push(format!("{code}: {e}"));
                    continue;
                }
            };
            assert_eq!(&v.language, code);
            for name in v.claims.keys() {
                assert!(lookup(Claim::ALL, name).is_some(), "{code}: claim {name}");
            }
            for name in v.requests.keys() {
                assert!(
                    lookup(Request::ALL, name).is_some(),
                    "{code}: request {name}"
                );
            }
            for name in v.pressure.keys() {
                assert!(
                    lookup(Pressure::ALL, name).is_some(),
                    "{code}: pressure {name}"
                );
            }
            for name in v.stories.keys() {
                assert!(lookup(Story::ALL, name).is_some(), "{code}: story {name}");
            }
            for name in v.promise.keys() {
                assert!(
                    ["code", "push", "call", "data"].contains(&name.as_str()),
                    "{code}: promise {name}"
                );
            }
            assert!(
                v.example.len() >= 6,
                "{code}: at least six reviewed examples"
            );
            if let Some(en) = &english {
                for key in en.wording.keys() {
                    assert!(
                        v.wording.contains_key(key),
                        "{code}: wording `{key}` missing"
                    );
                }
                for key in v.wording.keys() {
                    assert!(
                        en.wording.contains_key(key),
                        "{code}: unknown wording `{key}`"
                    );
                }
            } else {
                english = Some(v);
            }
        }
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(VOCABULARIES.len(), FILES.len());
    }

    #[test]
    fn reviewed_examples_of_every_language() {
        let p = twilio();
        let mut wrong = Vec::new();
        for v in VOCABULARIES.iter() {
            for ex in &v.example {
                let a = crate::analyze(&ex.text, &p);
                let flagged = a.verdict >= crate::Verdict::Suspicious;
                let ok = if ex.rule.is_empty() {
                    !flagged
                } else {
                    a.message_findings.iter().any(|f| {
                        f.rule == ex.rule && f.severity >= crate::rules::Severity::Suspicious
                    })
                };
                if !ok {
                    let rules: Vec<String> = a
                        .message_findings
                        .iter()
                        .map(|f| format!("{} {}", f.rule, f.severity))
                        .collect();
                    wrong.push(format!(
                        "[{}] {:?}: want {:?}, got {} {:?}",
                        v.language, ex.text, ex.rule, a.verdict, rules
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn examples_are_read_in_their_own_language() {
        for (i, v) in VOCABULARIES.iter().enumerate() {
            for ex in v.example.iter().filter(|e| !e.rule.is_empty()) {
                assert_eq!(
                    facts(&ex.text, &twilio()).lang,
                    i,
                    "{}: {:?}",
                    v.language,
                    ex.text
                );
            }
        }
    }

    #[test]
    fn many_requests_and_negations_stay_fast() {
        // Quadratic pairing would take minutes here; the binary searches
        // take well under a second.
        let text = "do not send me the code, never approve the push ".repeat(20_000);
        let start = std::time::Instant::now();
        let f = facts(&text, &twilio());
        assert!(f.requests.is_empty(), "{:?}", f.requests);
        assert!(start.elapsed() < std::time::Duration::from_secs(30));
    }

    #[test]
    fn folding() {
        assert_eq!(
            fold("Réinitialisez VOTRE mot-de-passe: 24h!").text,
            "reinitialisez votre mot de passe | 0h | "
        );
        assert_eq!(fold("Don’t share 123-456").text, "don t share 0 0");
    }

    #[test]
    fn negation_turns_a_request_around_in_its_clause_only() {
        let p = twilio();
        assert!(
            facts("Do not share this code with anyone.", &p)
                .requests
                .is_empty()
        );
        let f = facts("Do not worry. Just send me the code you received.", &p);
        assert_eq!(f.requests, vec![Request::Code]);
    }

    #[test]
    fn small_amounts_by_their_shape() {
        for t in [
            "Pay $2.95 now",
            "dopłatę 1,99 zł",
            "Betala 19 kr",
            "taxa de 2,50 lei",
            "only €1.99",
            "手数料¥300をお支払い",
            "1,99 EUR",
            "₩3,000",
        ] {
            assert!(small_amount(t), "{t}");
        }
        for t in [
            "Pay $250.00 now",
            "£450.00 is on hold",
            "room 12 at 4:10",
            "code 482913",
            "try 3 times",
            "1.249,00 EUR",
            "¥30000",
        ] {
            assert!(!small_amount(t), "{t}");
        }
    }

    #[test]
    fn a_fee_is_an_amount_and_a_word_of_paying() {
        let p = crate::rules::testing::builtin();
        for t in [
            "FedEx: your shipment is pending customs clearance. Pay $2.95 now",
            "InPost: Twoja paczka czeka na dopłatę 1,99 zł.",
            "PostNord: Betala tullavgift 19 kr",
            "FAN Courier: Plătiți taxa de 2,50 lei",
            "お荷物の関税¥300をお支払いください",
        ] {
            assert!(facts(t, &p).stories.contains(&Story::Fee), "{t}");
        }
        for t in [
            "Domino's: Get any large pizza for $7.99 carryout today.",
            "Your card has 1,240 points (£12.40) to spend in store.",
            "Lidl: aceite de oliva virgen extra a 5,99€ con Lidl Plus.",
            "Pay me back the lunch when you can",
        ] {
            assert!(!facts(t, &p).stories.contains(&Story::Fee), "{t}");
        }
    }

    #[test]
    fn a_promise_never_to_ask_turns_the_whole_sentence_around() {
        let p = twilio();
        for t in [
            "We will NEVER ask you to share your code or send money to yourself.",
            "IT will never ask for your password, a code or to approve a push.",
            "We'll never ask you to move money or share a code.",
            "Wir fragen Sie niemals nach Ihrem Code, schicken Sie ihn niemandem.",
            "Nunca le pediremos que nos envíe el código por SMS.",
        ] {
            assert!(facts(t, &p).requests.is_empty(), "{t}");
        }
        // A "but" ends the promise.
        let f = facts(
            "We never ask for codes, but this time please send me the code you got.",
            &p,
        );
        assert_eq!(f.requests, vec![Request::Code]);
    }

    #[test]
    fn real_code_notice() {
        let p = twilio();
        assert!(facts("Your code is 123456. Do not share it.", &p).otp_notice);
        assert!(!facts("Send me the code. Do not share it.", &p).otp_notice);
    }

    #[test]
    fn promises_cover_by_their_words() {
        let p = twilio();
        assert!(promise_covering(&p, "code").is_some());
        assert!(promise_covering(&p, "push").is_some(), "2FA");
        assert!(promise_covering(&p, "call").is_none());
    }
}

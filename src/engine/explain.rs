//! Every sentence Second Look writes about a link or a message, in one
//! place. Rules say what they found as [`Evidence`] (typed: the host parts,
//! the brand, the trick, the promise quoted); the analysis keeps that and
//! the facts a link's and a message's explanation need; the text is
//! written only when someone asks for it ([`crate::rules::Finding::explanation`],
//! [`LinkAnalysis::explanation`], [`Analysis::explanation`]), so a link
//! whose explanation is never shown or written costs no sentence.
//!
//! The wording is pinned word for word by the `expect!` snapshots beside
//! each rule and in `tests/it/incident.rs`.

use crate::analysis::{Analysis, LinkAnalysis, MAX_EXPLAINED_LINKS, Verdict};
use crate::extract::Kind;
use crate::lure::{Claim, Request, Story, join_and, word};
use crate::refs::BrandRef;
use crate::rules::hosting::HostingKind;
use crate::rules::{Finding, Severity, possessive};
use crate::text::EditKind;

/// What a rule found, with what its sentence names. `site` is the host's
/// registrable domain as a person reads it, `host` the whole host so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// `blocked-indicator`: the security team marked `domain` as an attack.
    Blocked {
        /// The blocked indicator the host is at or under.
        domain: String,
    },
    /// `own-domain`: a trusted host.
    Trusted {
        /// An e-mail address rather than a web link.
        email: bool,
        /// The host.
        host: String,
        /// The user added it in their own policy.
        by_user: bool,
        /// The organisation's name as sentences say it.
        organization: String,
    },
    /// `own-domain`: one of a brand's own domains.
    Owned {
        /// An e-mail address rather than a web link.
        email: bool,
        /// The host.
        host: String,
        /// The owner.
        brand: BrandRef,
        /// The user added the brand in their own policy.
        added_by_user: bool,
    },
    /// `brand-other-suffix`: the brand's exact name on a service where
    /// anyone publishes under any name (a private suffix).
    OpenPlatform {
        /// The registrable domain.
        site: String,
        /// The brand named.
        brand: BrandRef,
        /// The service's suffix.
        suffix: String,
    },
    /// `brand-other-suffix`: the brand's exact name under a suffix it does
    /// not own.
    OtherSuffix {
        /// The registrable domain.
        site: String,
        /// The brand named.
        brand: BrandRef,
        /// The suffix used.
        suffix: String,
        /// The brand's own suffix, when it differs.
        main_suffix: Option<String>,
    },
    /// `typosquat`: a misspelling of the brand's name.
    Misspelt {
        /// The registrable domain.
        site: String,
        /// The brand misspelt.
        brand: BrandRef,
        /// How.
        how: Misspelling,
    },
    /// `homoglyph`: the brand's name in look-alike characters.
    LookAlike {
        /// The registrable domain.
        site: String,
        /// The brand imitated.
        brand: BrandRef,
        /// The domain imitated.
        target: String,
        /// Up to three characters written instead of the name's own
        /// (written, the name's), when the names have the same length.
        differences: Vec<(char, char)>,
        /// "Latin and Cyrillic", when the name mixes scripts.
        mixed: Option<String>,
    },
    /// `homoglyph`: the brand's name with letters written as groups that
    /// read as one letter side by side (`maerslc` for `maersk`).
    LetterGroups {
        /// The registrable domain.
        site: String,
        /// The brand imitated.
        brand: BrandRef,
        /// The domain imitated.
        target: String,
        /// Up to three places where the writing differs (written, the
        /// name's), at least one of them a group (`lc`, `k`).
        groups: Vec<(String, String)>,
    },
    /// `homoglyph`: scripts mixed in one name, no brand imitated.
    MixedScripts {
        /// The registrable domain.
        site: String,
        /// "Latin and Cyrillic".
        mix: String,
    },
    /// `whole-script`: a name, or a part of it, wholly in letters of
    /// another script that look like Latin ones.
    WholeScript {
        /// The registrable domain, or the whole host when `part` is a sub-name.
        site: String,
        /// The sub-name so written, when it is not the registrable name.
        part: Option<String>,
        /// The script's name.
        script: &'static str,
        /// What it reads as in Latin letters.
        reads_as: String,
        /// The host in ASCII (the coded form browsers show).
        ascii: String,
        /// The brand whose name it reads as, and its main domain.
        imitates: Option<(BrandRef, String)>,
    },
    /// `idn-spoof`: an international name browsers refuse to show.
    IdnSpoof {
        /// The host as a person reads it.
        host: String,
        /// The host in ASCII (the coded form browsers show).
        ascii: String,
        /// What is wrong with it.
        trick: IdnTrick,
    },
    /// `brand-in-subdomain`: an owned domain or the brand's name written in
    /// front of someone else's domain.
    InFront {
        /// The host.
        host: String,
        /// The brand.
        brand: BrandRef,
        /// The real site (registrable domain).
        site: String,
        /// What is written in front.
        shown: String,
    },
    /// `named-sender`: the message names its sender and the link is that
    /// name with words added, on a site the sender does not own.
    NamedSender {
        /// The name as the message writes it ("Rabobank", "Deutsche Bank").
        name: String,
        /// The link's registrable domain.
        site: String,
    },
    /// `brand-in-subdomain`: a tenant named like the brand on a platform
    /// anyone can open an account on.
    Tenant {
        /// The host.
        host: String,
        /// The brand.
        brand: BrandRef,
        /// The tenant's name.
        tenant: String,
        /// The platform.
        platform: String,
        /// The brand's own tenants the policy lists there.
        listed: Vec<String>,
    },
    /// `brand-in-subdomain`: the brand's name split by a dot.
    SplitByDot {
        /// The host.
        host: String,
        /// The brand.
        brand: BrandRef,
        /// The real site.
        site: String,
    },
    /// `deceptive-url`: text before `@` that browsers ignore.
    UserInfo {
        /// Where the link goes.
        shown: String,
        /// The decoration.
        user: String,
    },
    /// `deceptive-url`: a bare internet address.
    BareIp {
        /// The address.
        ip: String,
        /// How it was written, when disguised.
        disguised: Option<String>,
    },
    /// `deceptive-url`: an owned domain only in the page name.
    DomainInPath {
        /// The owned domain.
        domain: String,
        /// The real site.
        site: String,
    },
    /// `deceptive-url`: `@name.tld` in the page name.
    AtInPath {
        /// What follows the `@`.
        word: String,
        /// Where the link goes.
        shown: String,
    },
    /// `deceptive-url`: characters that hide the spelling.
    HiddenCharacters {
        /// An e-mail address rather than a web link.
        email: bool,
        /// Which.
        trick: HiddenTrick,
    },
    /// `deceptive-url`: a symbol glued inside the name as written.
    GluedSymbol {
        /// An e-mail address rather than a web link.
        email: bool,
        /// The link as written.
        text: String,
    },
    /// `hidden-destination`: a brand's name in a page address on a service
    /// anyone publishes under.
    NameOnOpenHosting {
        /// The service.
        service: &'static str,
        /// The name in the page address.
        name: String,
    },
    /// `hidden-destination`: a shortener, free hosting or dynamic DNS.
    Hosting {
        /// Which kind.
        kind: HostingKind,
        /// The service.
        service: &'static str,
    },
    /// `overlong-host`: longer than DNS allows.
    TooLong {
        /// The length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// `overlong-host`: a label longer than DNS allows.
    LabelTooLong {
        /// The limit.
        max: usize,
    },
    /// `nested-destination`: the outer link ends where the inner one goes.
    Nested {
        /// How the inner link is read.
        through: NestedThrough,
        /// What is known about the inner link.
        inner: NestedInner,
    },
    /// `nested-destination`: the link carries links inside links deeper
    /// than are read, so where it ends is hidden.
    NestedBeyond {
        /// The registrable name it goes through first.
        through: String,
    },
    /// `display-mismatch`: a shown address over a script or data address.
    RunsScript {
        /// The host shown.
        shown: String,
        /// The scheme it runs.
        scheme: String,
    },
    /// `display-mismatch`: a shown address over a link elsewhere.
    ShownElsewhere {
        /// The host shown.
        shown: String,
        /// The host it goes to.
        goes: String,
        /// Said of the link that is shown (`false`: of the target).
        of_shown: bool,
    },
    /// `brand-combo`: the brand's own name with other words added
    /// (`twilio-sso.com`).
    NameCombined {
        /// The registrable domain.
        site: String,
        /// The brand named.
        brand: BrandRef,
        /// The label as written.
        label: String,
        /// The name as the policy spells it; when the label does not
        /// contain it as written, it is there in look-alike characters.
        name: String,
        /// The suffix, when it is not the brand's main one.
        other_suffix: Option<String>,
    },
    /// `brand-combo`: another of the brand's names (an alias, its initials,
    /// an owned domain's label, a short name) in a combination
    /// (`nwh-sso.com`).
    OtherNameCombined {
        /// The registrable domain.
        site: String,
        /// The brand named.
        brand: BrandRef,
        /// The label as written.
        label: String,
        /// The name as written in the label.
        written: String,
        /// What the name is to the brand.
        kind: NameKind,
        /// The sign-in, IT or lure word beside it, and what it is.
        lure: Option<(String, LureKind)>,
        /// The suffix, when it is not the brand's main one.
        other_suffix: Option<String>,
    },
    /// `brand-combo`: a misspelt or hyphen-split name beside lure words
    /// (`nortwhind-sso.com`).
    MisspeltCombined {
        /// The registrable domain.
        site: String,
        /// The brand named.
        brand: BrandRef,
        /// What is left of the label without the lure words.
        core: String,
        /// How it misspells the name.
        how: Misspelling,
        /// The lure words peeled off, in label order, and what each is.
        lures: Vec<(&'static str, LureKind)>,
        /// The suffix, when it is not the brand's main one.
        other_suffix: Option<String>,
    },
    /// A message rule's sentence in the message's language, as worded in
    /// its vocabulary file.
    Said(&'static str),
    /// `callback-lure`: a number to call about a story, or another chat to
    /// move to, in the message's language.
    Callback {
        /// The message's language.
        lang: usize,
        /// Who the story claims to be (`None`: "an urgent problem").
        about: Option<Claim>,
        /// It asks to call a number that is not the organisation's own.
        calls: bool,
        /// It asks to move to another chat app or number.
        chat: bool,
        /// The help desk's published number or contact, trimmed.
        help: Option<String>,
    },
    /// `consumer-lure`: the consumer scam stories the message tells.
    ScamStory {
        /// The message's language.
        lang: usize,
        /// The stories, in order.
        stories: Vec<Story>,
    },
    /// `message-lure`: the cues of a sign-in lure story.
    LureStory {
        /// The message's language.
        lang: usize,
        /// What the message says or asks, in order.
        cues: Vec<LureCue>,
        /// The finding is suspicious: the sentence about what attackers do
        /// with these stories follows.
        warned: bool,
    },
    /// A message rule's finding that an organisation's `never_ask` promise
    /// covers: the finding's sentence, then the promise quoted.
    Promised {
        /// What the rule found.
        said: Box<Evidence>,
        /// The message's language.
        lang: usize,
        /// The promise, as the policy words it.
        promise: String,
        /// The organisation's name as written (may be empty).
        organization: String,
    },
}

/// One cue of a sign-in lure story (`message-lure`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LureCue {
    /// It asks to send personal or bank details.
    Data,
    /// It asks to install a remote-access tool.
    Install,
    /// Its password or account needs attention (locked, expiring, "verify").
    Lockout,
    /// It asks to sign in or confirm an account, with no account in
    /// trouble ("view the document with your Microsoft account").
    SignIn,
    /// A schedule, pay or HR change.
    Schedule,
    /// It claims to come from IT, the help desk or security.
    ClaimsIt,
    /// A word the policy flags (`[detection] lure_words`), as written there.
    PolicyWord(String),
    /// It pushes to act right away.
    Deadline,
}

impl LureCue {
    /// The cue's phrase in language `lang`.
    fn render(&self, lang: usize) -> String {
        match self {
            LureCue::Data => word(lang, "cue_data").to_owned(),
            LureCue::Install => word(lang, "cue_install").to_owned(),
            LureCue::Lockout => word(lang, "cue_lockout").to_owned(),
            LureCue::SignIn => word(lang, "cue_credentials").to_owned(),
            LureCue::Schedule => word(lang, "cue_schedule").to_owned(),
            LureCue::ClaimsIt => word(lang, "cue_it").to_owned(),
            LureCue::PolicyWord(w) => word(lang, "cue_policy").replace("{word}", w),
            LureCue::Deadline => word(lang, "cue_deadline").to_owned(),
        }
    }
}

/// How a name is misspelt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misspelling {
    /// One letter off: the edit described ("“i” doubled").
    OneLetter(String),
    /// Split with a hyphen.
    Hyphen,
    /// Look-alike characters after folding.
    LookAlike,
}

/// What a name found in a label is to its brand (`brand-combo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// The brand's name.
    Name,
    /// The brand's name, which is also an everyday word (`orange`).
    EverydayName,
    /// What staff call the company (`aliases`).
    Alias,
    /// The initials of its name.
    Initials,
    /// A word of its name (`northwind` of Northwind Haulage).
    PartOfName,
    /// The label of one of its other owned domains.
    OwnDomain,
    /// Its name shortened (`americanexp`, `hdepot`).
    Shortened,
    /// The full name of the organisation behind it (`lgelectronics`).
    Organization,
}

/// What a word beside a brand's name is (`brand-combo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LureKind {
    /// An identity provider's name (`okta`, `duo`).
    SignInService,
    /// A sign-in word (`sso`, `login`).
    SignIn,
    /// An IT word (`helpdesk`, `vpn`).
    It,
    /// Any other lure word (`tracking`, `pay`).
    Other,
    /// A filler word lookalike names add (`my`, `online`).
    Filler,
}

impl LureKind {
    /// "a sign-in word", "the name of a sign-in service", "an IT word".
    pub fn phrase(self) -> &'static str {
        match self {
            LureKind::SignInService => "the name of a sign-in service",
            LureKind::SignIn => "a sign-in word",
            LureKind::It => "an IT word",
            LureKind::Other => "a lure word",
            LureKind::Filler => "a word lookalike names add",
        }
    }
}

/// What makes an international name one browsers refuse to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdnTrick {
    /// A deviation character and how some systems read it.
    Deviation(char, &'static str),
    /// A combining mark stacked on a letter.
    StackedMark(char, char),
    /// The same combining mark twice on one letter.
    DoubledMark(char, char),
    /// A character that shows as blank space.
    Invisible(char),
    /// A character browsers do not allow in a name they show.
    Disallowed(char),
    /// A Chinese or Japanese character beside Latin letters that looks
    /// like the punctuation or letter given.
    CjkLookalike(char, &'static str),
    /// Scripts mixed in one sub-name.
    MixedSubName {
        /// "Latin and Cyrillic".
        mix: String,
        /// The sub-name.
        label: String,
    },
}

/// Characters that hide a link's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HiddenTrick {
    /// Direction-changing characters.
    Bidi,
    /// Invisible characters.
    Invisible,
    /// Dots from another writing system.
    LookalikeDots,
}

/// How a link inside another link is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NestedThrough {
    /// Through the outer link's site to the inner host.
    Redirect {
        /// The outer link's registrable domain.
        through: String,
        /// The inner host.
        ends: String,
    },
    /// Symbols in front of the name that some phones end the link at.
    DroppedSymbols {
        /// The symbols.
        symbols: String,
        /// The inner host as read.
        host: String,
    },
    /// Symbols glued in front of the name that phones read as part of it.
    GluedSymbols {
        /// The symbols.
        symbols: String,
        /// The inner host as read.
        host: String,
        /// The inner host in ASCII.
        ascii: String,
    },
}

/// What the link rules concluded about an inner link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NestedInner {
    /// It imitates this brand.
    Imitates(BrandRef),
    /// It shows warning signs of its own.
    WarningSigns,
    /// Nothing is known about it.
    Unknown,
}

impl Evidence {
    /// Word the sentence in language `to` (an index of the vocabulary)
    /// where it is built from vocabulary; a rule's own sentence ([`Evidence::Said`])
    /// stays as worded.
    pub(crate) fn set_language(&mut self, to: usize) {
        match self {
            Evidence::Callback { lang, .. }
            | Evidence::ScamStory { lang, .. }
            | Evidence::LureStory { lang, .. } => *lang = to,
            Evidence::Promised { said, lang, .. } => {
                *lang = to;
                said.set_language(to);
            }
            _ => {}
        }
    }

    /// The finding's sentences.
    pub fn render(&self) -> String {
        let what = |email: bool| if email { "address" } else { "link" };
        match self {
            Evidence::Blocked { domain } => {
                format!("Your security team has marked {domain} as an attack.")
            }
            Evidence::Trusted {
                email,
                host,
                by_user,
                organization,
            } => {
                let what = goes(*email);
                if *by_user {
                    format!("{what} {host}, a site you added as trusted.")
                } else {
                    format!("{what} {host}, a service {organization} lists as trusted.")
                }
            }
            Evidence::Owned {
                email,
                host,
                brand,
                added_by_user,
            } => {
                let what = goes(*email);
                let name = possessive(brand.name());
                if *added_by_user {
                    format!("{what} {host}, one of {name} own domains (a brand you added).")
                } else {
                    format!("{what} {host}, one of {name} own domains.")
                }
            }
            Evidence::OpenPlatform {
                site,
                brand,
                suffix,
            } => format!(
                "{site} is not {}: it is a site on {suffix}, a service where anyone can publish under any name.",
                possessive(brand.name())
            ),
            Evidence::OtherSuffix {
                site,
                brand,
                suffix,
                main_suffix,
            } => {
                let name = possessive(brand.name());
                let instead = main_suffix
                    .as_deref()
                    .map(|m| format!(" instead of .{m}"))
                    .unwrap_or_default();
                format!("{site} is not {name}: it uses {name} name but ends in .{suffix}{instead}.")
            }
            Evidence::Misspelt { site, brand, how } => {
                let name = possessive(brand.name());
                let how = match how {
                    Misspelling::OneLetter(edit) => {
                        format!("misspells {name} name by one letter ({edit})")
                    }
                    Misspelling::Hyphen => format!("splits {name} name with a hyphen"),
                    Misspelling::LookAlike => {
                        format!("misspells {name} name with look-alike characters")
                    }
                };
                format!("{site} is not {name}: it {how}.")
            }
            Evidence::LookAlike {
                site,
                brand,
                target,
                differences,
                mixed,
            } => {
                let diffs = if differences.is_empty() {
                    String::new()
                } else {
                    let pairs: Vec<String> = differences
                        .iter()
                        .map(|(a, b)| format!("“{a}” instead of “{b}”"))
                        .collect();
                    format!(" ({})", pairs.join(", "))
                };
                let mut s = format!(
                    "{site} is not {}: it imitates {target} with look-alike characters{diffs}.",
                    possessive(brand.name())
                );
                if let Some(mix) = mixed {
                    s.push_str(&format!(" It mixes {mix} letters."));
                }
                s
            }
            Evidence::LetterGroups {
                site,
                brand,
                target,
                groups,
            } => {
                let pairs: Vec<String> = groups
                    .iter()
                    .map(|(a, b)| format!("“{a}” instead of “{b}”"))
                    .collect();
                format!(
                    "{site} is not {}: it imitates {target} with letters that read as others when side by side ({}).",
                    possessive(brand.name()),
                    pairs.join(", ")
                )
            }
            Evidence::MixedScripts { site, mix } => format!(
                "{site} mixes {mix} letters in one name, a trick used to imitate familiar names."
            ),
            Evidence::WholeScript {
                site,
                part,
                script,
                reads_as,
                ascii,
                imitates,
            } => {
                let coded = format!("Browsers show such an address in its coded form ({ascii}).");
                match (imitates, part) {
                    (Some((brand, target)), _) => format!(
                        "{site} is not {}: it is written in {script} letters chosen to look like Latin ones, so that it reads as “{reads_as}”, like {target}. {coded}",
                        possessive(brand.name())
                    ),
                    (None, Some(part)) => format!(
                        "{site} is written in {script} letters chosen to look like Latin ones: “{part}” reads as “{reads_as}”. {coded}"
                    ),
                    (None, None) => format!(
                        "{site} is written in {script} letters chosen to look like Latin ones: it reads as “{reads_as}”. {coded}"
                    ),
                }
            }
            Evidence::IdnSpoof { host, ascii, trick } => {
                let what = match trick {
                    IdnTrick::Deviation(c, other) => format!(
                        "contains “{c}”, which some systems read as “{other}”: the same address can lead to two different sites."
                    ),
                    IdnTrick::StackedMark(base, c) => format!(
                        "stacks a mark on the letter “{base}” (“{base}{c}”), so it can look like another name."
                    ),
                    IdnTrick::DoubledMark(base, c) => format!(
                        "puts the same mark twice on the letter “{base}” (“{base}{c}{c}”), which shows as once, so it can look like another name."
                    ),
                    IdnTrick::Invisible(c) => format!(
                        "contains a character that shows as blank space (U+{:04X}), so it can look like another name.",
                        *c as u32
                    ),
                    IdnTrick::Disallowed(c) => format!(
                        "contains “{c}” (U+{:04X}), a character browsers do not allow in an address they show, because it can pass for another one.",
                        *c as u32
                    ),
                    IdnTrick::CjkLookalike(c, reads_as) => format!(
                        "puts “{c}”, a Chinese or Japanese character that looks like “{reads_as}”, beside Latin letters, so it can look like another name."
                    ),
                    IdnTrick::MixedSubName { mix, label } => format!(
                        "mixes {mix} letters in one part of its name (“{label}”), a trick to look like another name."
                    ),
                };
                format!("{host} {what} Browsers show such an address in its coded form ({ascii}).")
            }
            Evidence::InFront {
                host,
                brand,
                site,
                shown,
            } => format!(
                "{host} is not {}: the real site is {site}; “{shown}” in front of it is only a disguise.",
                possessive(brand.name())
            ),
            Evidence::NamedSender { name, site } => format!(
                "The message says it is from {name}, but the link goes to {site}, which is not {} address.",
                possessive(name)
            ),
            Evidence::Tenant {
                host,
                brand,
                tenant,
                platform,
                listed,
            } => {
                let real = if listed.is_empty() {
                    format!(
                        "{} has not listed an account there as its own.",
                        brand.name()
                    )
                } else {
                    format!("{} uses only {}.", brand.name(), listed.join(" and "))
                };
                format!(
                    "{host} is not {}: anyone can open an account named “{tenant}” on {platform}. {real}",
                    possessive(brand.name()),
                )
            }
            Evidence::SplitByDot { host, brand, site } => {
                let name = possessive(brand.name());
                format!(
                    "{host} is not {name}: it splits {name} name with a dot, and the real site is {site}."
                )
            }
            Evidence::UserInfo { shown, user } => format!(
                "This link really goes to {shown}. The “{user}” before the “@” is only decoration that browsers ignore."
            ),
            Evidence::BareIp { ip, disguised } => {
                let mut s = format!(
                    "This link goes to a bare internet address ({ip}) instead of a named website, so there is no telling who runs it."
                );
                if let Some(written) = disguised {
                    s.push_str(&format!(
                        " The address is written in a disguised form (“{written}”)."
                    ));
                }
                s
            }
            Evidence::DomainInPath { domain, site } => {
                format!("“{domain}” appears only in the page name; the site itself is {site}.")
            }
            Evidence::AtInPath { word, shown } => format!(
                "The “@{word}” in this link looks like a web address but is only a page name on {shown}."
            ),
            Evidence::HiddenCharacters { email, trick } => {
                let what = what(*email);
                match trick {
                    HiddenTrick::Bidi => format!(
                        "The {what} contains hidden characters that reverse the direction of text, a trick to make it read as something else."
                    ),
                    HiddenTrick::Invisible => format!(
                        "The {what} contains invisible characters that can hide its real spelling."
                    ),
                    HiddenTrick::LookalikeDots => format!(
                        "The {what} uses dots from another writing system instead of normal dots."
                    ),
                }
            }
            Evidence::GluedSymbol { email, text } => format!(
                "A symbol is glued inside this {} as written (“{text}”): a browser may open another site than the one it seems to name.",
                what(*email)
            ),
            Evidence::NameOnOpenHosting { service, name } => format!(
                "Anyone can publish pages under {service}, so “{name}” in the page address proves nothing about who made it."
            ),
            Evidence::Hosting { kind, service } => match kind {
                HostingKind::Shortener => format!(
                    "{service} is a link shortener: where the link really leads is hidden until it is opened."
                ),
                HostingKind::FreeHosting => format!(
                    "{service} is a free hosting service where anyone can publish a site, so the name says nothing about who runs it."
                ),
                HostingKind::DynamicDns => format!(
                    "{service} is a free dynamic-DNS service, often used for short-lived attack sites."
                ),
            },
            Evidence::TooLong { len, max } => format!(
                "This address is {len} characters long; no real website name can be longer than {max}, so it is built to hide where it goes."
            ),
            Evidence::LabelTooLong { max } => format!(
                "A part of this address is longer than the {max} characters a real website name allows, so it is built to hide where it goes."
            ),
            Evidence::Nested { through, inner } => {
                let tail = match inner {
                    NestedInner::Imitates(b) => {
                        format!(", which is not {} but imitates it", possessive(b.name()))
                    }
                    NestedInner::WarningSigns => {
                        ", which shows warning signs of its own".to_owned()
                    }
                    NestedInner::Unknown => ", which Second Look cannot vouch for".to_owned(),
                };
                match through {
                    NestedThrough::DroppedSymbols { symbols, host } => format!(
                        "Some phones end the link at the “{symbols}” in front of it and open {host}, a different site{tail}."
                    ),
                    NestedThrough::GluedSymbols {
                        symbols,
                        host,
                        ascii,
                    } => format!(
                        "Some phones open the “{symbols}” in front of it as part of the name: {host} ({ascii}), a different site{tail}."
                    ),
                    NestedThrough::Redirect { through, ends } => format!(
                        "This link goes through {through} but ends at {ends}{tail} (see the link inside it)."
                    ),
                }
            }
            Evidence::NestedBeyond { through } => format!(
                "This link goes through {through} and then through address after address hidden inside each other, deeper than anyone checks: where it ends is hidden. Do not open it."
            ),
            Evidence::RunsScript { shown, scheme } => format!(
                "The link shows {shown} but runs a “{scheme}:” address instead of opening a site."
            ),
            Evidence::ShownElsewhere {
                shown,
                goes,
                of_shown,
            } => {
                if *of_shown {
                    format!("The link shows {shown} but goes to {goes}.")
                } else {
                    format!("This link is shown as {shown} but goes to {goes}.")
                }
            }
            Evidence::NameCombined {
                site,
                brand,
                label,
                name,
                other_suffix,
            } => {
                let name_s = possessive(brand.name());
                let what = match label.find(name.as_str()) {
                    Some(pos) => {
                        let before = label.get(..pos).unwrap_or("");
                        let after = label.get(pos + name.len()..).unwrap_or("");
                        let added = match (before.is_empty(), after.is_empty()) {
                            (false, false) => format!("“{before}” and “{after}”"),
                            (false, true) => format!("“{before}”"),
                            _ => format!("“{after}”"),
                        };
                        format!("it adds {added} to {name_s} name")
                    }
                    None => format!(
                        "it hides {name_s} name, spelled with look-alike characters, inside a longer name"
                    ),
                };
                format!("{site} is not {name_s}: {what}{}.", ends_in(other_suffix))
            }
            Evidence::OtherNameCombined {
                site,
                brand,
                label,
                written,
                kind,
                lure,
                other_suffix,
            } => {
                let mut s = format!(
                    "{site} is not {}: {}",
                    possessive(brand.name()),
                    introduce(brand.name(), *kind, written)
                );
                let rest = label.replacen(written.as_str(), "\u{0}", 1);
                let (before, after) = rest.split_once('\u{0}').unwrap_or(("", ""));
                match lure {
                    Some((w, kind)) => {
                        let shown = if after.starts_with(&format!("-{w}")) {
                            format!("-{w}")
                        } else if before.ends_with(&format!("{w}-")) {
                            format!("{w}-")
                        } else {
                            w.clone()
                        };
                        s.push_str(&format!(", and “{shown}” is {}", kind.phrase()));
                    }
                    None => {
                        let added = match (before.is_empty(), after.is_empty()) {
                            (false, false) => format!("“{before}” and “{after}”"),
                            (false, true) => format!("“{before}”"),
                            (true, false) => format!("“{after}”"),
                            (true, true) => String::new(),
                        };
                        if !added.is_empty() {
                            s.push_str(&format!("; the name adds {added} to it"));
                        }
                    }
                }
                s.push_str(&ends_in(other_suffix));
                s.push('.');
                s
            }
            Evidence::MisspeltCombined {
                site,
                brand,
                core,
                how,
                lures,
                other_suffix,
            } => {
                let name = possessive(brand.name());
                let quoted = lures
                    .iter()
                    .map(|(w, _)| format!("“{w}”"))
                    .collect::<Vec<_>>()
                    .join(" and ");
                let (is, what) = match lures.as_slice() {
                    [] => ("is", LureKind::Other.phrase()),
                    [(_, kind)] => ("is", kind.phrase()),
                    _ => ("are", "sign-in or lure words"),
                };
                let edit = match how {
                    Misspelling::Hyphen => format!("splits {name} name with a hyphen"),
                    Misspelling::LookAlike => {
                        format!("misspells {name} name with look-alike characters")
                    }
                    Misspelling::OneLetter(edit) => format!("misspells {name} name ({edit})"),
                };
                format!(
                    "{site} is not {name}: “{core}” {edit}, and {quoted} {is} {what}{}.",
                    ends_in(other_suffix)
                )
            }
            Evidence::Said(s) => (*s).to_owned(),
            Evidence::Callback {
                lang,
                about,
                calls,
                chat,
                help,
            } => {
                let lang = *lang;
                let chat = chat.then(|| word(lang, "chat"));
                if !calls {
                    return chat.unwrap_or_default().to_owned();
                }
                // A bank, a carrier or an office: the number to trust is
                // the company's own, not the help desk's.
                let outside = about.is_some_and(|c| !c.is_internal());
                let about = word(lang, about.map_or("claim_other", Claim::wording_key));
                let mut s = if outside {
                    word(lang, "callback_outside").replace("{claim}", about)
                } else {
                    let help = match help {
                        Some(c) => word(lang, "callback_help").replace("{contact}", c),
                        None => word(lang, "callback_no_help").to_owned(),
                    };
                    format!(
                        "{} {help}",
                        word(lang, "callback").replace("{claim}", about)
                    )
                };
                if let Some(chat) = chat {
                    s.push(' ');
                    s.push_str(chat);
                }
                s
            }
            Evidence::ScamStory { lang, stories } => {
                let stories: Vec<&str> = stories
                    .iter()
                    .map(|s| word(*lang, s.wording_key()))
                    .collect();
                word(*lang, "consumer").replace("{story}", &join_and(*lang, &stories))
            }
            Evidence::LureStory { lang, cues, warned } => {
                let cues: Vec<String> = cues.iter().map(|c| c.render(*lang)).collect();
                let refs: Vec<&str> = cues.iter().map(String::as_str).collect();
                let mut s = word(*lang, "lure_intro").replace("{cues}", &join_and(*lang, &refs));
                if *warned {
                    s.push(' ');
                    s.push_str(word(*lang, "lure_tail"));
                }
                s
            }
            Evidence::Promised {
                said,
                lang,
                promise,
                organization,
            } => format!(
                "{} {}",
                said.render(),
                promise_sentence(*lang, organization, promise)
            ),
        }
    }
}

/// " and ends in .net" when the suffix is not the brand's main one.
fn ends_in(other_suffix: &Option<String>) -> String {
    other_suffix
        .as_deref()
        .map(|s| format!(" and ends in .{s}"))
        .unwrap_or_default()
}

/// How a name found in a label is introduced: "“nwh” is what Northwind
/// Haulage staff call the company".
fn introduce(name: &str, kind: NameKind, written: &str) -> String {
    let possessive = possessive(name);
    match kind {
        NameKind::Alias => format!("“{written}” is what {name} staff call the company"),
        NameKind::Initials => format!("“{written}” is {possessive} initials"),
        NameKind::PartOfName => format!("“{written}” is part of {possessive} name"),
        NameKind::OwnDomain => format!("“{written}” is {possessive} own domain name"),
        NameKind::Shortened => format!("“{written}” shortens {possessive} name"),
        NameKind::Organization => {
            format!("“{written}” is the full name of the company behind {name}")
        }
        NameKind::EverydayName => {
            format!("“{written}” is {possessive} name (and an everyday word)")
        }
        NameKind::Name => format!("“{written}” is {possessive} name"),
    }
}

/// "This link goes to" / "This address is at".
fn goes(email: bool) -> &'static str {
    if email {
        "This address is at"
    } else {
        "This link goes to"
    }
}

/// The sentence quoting the organisation's promise, in the message's
/// language (`organization` as written in the policy; empty for none).
pub fn promise_sentence(lang: usize, organization: &str, promise: &str) -> String {
    if organization.is_empty() {
        return word(lang, "promise_generic").replace("{promise}", promise);
    }
    word(lang, "promise")
        .replace("{org}", organization)
        .replace("{promise}", promise)
}

/// The explanation of one link: how it was written, its findings, the
/// brand's real sign-in page and "Did you mean …?".
pub(crate) fn link(l: &LinkAnalysis) -> String {
    let link = &l.link;
    let verdict = l.verdict;
    let org = &l.organization;
    let imitated = l.brand.as_ref().filter(|_| verdict >= Verdict::Suspicious);
    let mut parts: Vec<String> = Vec::new();
    if let Some(symbols) = link.glued_symbols.as_ref().filter(|_| link.symbols_dropped) {
        parts.push(format!(
            "Some phones end the link at the “{symbols}” in front of the name, so this link leads to {}.",
            link.host.as_ref().map_or(link.url.as_str(), |h| h.ascii.as_str())
        ));
    } else if let Some(symbols) = &link.glued_symbols {
        parts.push(format!(
            "Some phones open the “{symbols}” in front of the name as part of it, so this link leads to {}.",
            link.host.as_ref().map_or(link.url.as_str(), |h| h.ascii.as_str())
        ));
    } else if let (Some(c), Some(_)) = (link.phone_ends_at, link.via) {
        parts.push(format!(
            "Phones end the link above at the “{c}” inside it and open {} instead (a browser opens the whole address).",
            link.url
        ));
    } else if link.via.is_some() {
        parts.push(format!(
            "This is where the link above really leads: {} is written inside its address.",
            link.url
        ));
    } else if link.refanged() {
        parts.push(format!(
            "It is written so that it does not look like a link (“{}”); read normally, it is {}.",
            link.text, link.url
        ));
    } else if let Some(scheme) = &link.repaired_scheme {
        let shown = if scheme.is_empty() {
            "//".to_owned()
        } else {
            format!("{scheme}//")
        };
        parts.push(format!(
            "The start of the address is damaged or unusual (“{shown}”), but phones still open it, as {}.",
            link.url
        ));
    } else if link.hidden.contains(&EditKind::Entity) {
        parts.push(format!(
            "It was written with HTML character codes (“{}”) and reads as {}.",
            link.text, link.url
        ));
    } else if link.hidden.contains(&EditKind::LineBreak) {
        parts.push(format!(
            "It is split across two lines; joined, it reads {}.",
            link.url
        ));
    }
    if let Some(h) = &link.host
        && crate::host::has_ace_prefix(&link.text, true)
        && h.unicode != h.ascii
    {
        parts.push(format!(
            "The link is written in punycode ({}); a browser may show it as {}.",
            h.ascii, h.unicode
        ));
    }
    let shown: Vec<&Finding> = l
        .findings
        .iter()
        .filter(|f| verdict == Verdict::Safe || f.severity != Severity::Safe)
        .collect();
    if shown.is_empty() {
        // "{what} is not {whose}, and nothing else is known about it.{err}",
        // written piece by piece into one string (issue #16: most lines of
        // a feed get this sentence).
        let what = match &link.host {
            Some(h) => h.display_registrable(),
            None => link.text.as_str(),
        };
        let mut sentence = String::with_capacity(what.len() + 96);
        sentence.push_str(what);
        if org.is_named() {
            sentence.push_str(" is not one of the sites ");
            sentence.push_str(org.display_name());
            sentence.push_str(" lists as its own");
        } else {
            sentence.push_str(" is not on Second Look's list of known sites");
        }
        sentence.push_str(", and nothing else is known about it.");
        if let Some(e) = link.parse_error.as_deref() {
            sentence.push_str(" It could not be read as a web address (");
            sentence.push_str(e);
            sentence.push_str(").");
        }
        parts.push(sentence);
    }
    parts.extend(shown.iter().map(|f| f.explanation()));
    if let Some(brand) = imitated {
        if let Some((last, rest)) = brand.sign_in().split_last() {
            parts.push(if rest.is_empty() {
                format!("{} real sign-in page is {last}.", possessive(brand.name()))
            } else {
                format!(
                    "{} real sign-in pages are {} and {last}.",
                    possessive(brand.name()),
                    rest.join(", ")
                )
            });
        } else if !org.sign_in().is_empty() {
            parts.push(format!(
                "{} signs in only at {}.",
                org.display_name(),
                org.sign_in().join(" or ")
            ));
        }
    }
    if let Some(d) = &l.did_you_mean {
        parts.push(format!("Did you mean {d}?"));
    }
    // One sentence is its own join.
    if parts.len() == 1
        && let Some(one) = parts.pop()
    {
        return one;
    }
    parts.join(" ")
}

/// What a message asks, as the headline needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Asks {
    /// The message's language.
    pub lang: usize,
    /// What it asks (not negated).
    pub requests: Vec<Request>,
    /// It has phone numbers.
    pub phones: bool,
}

/// "Dangerous: do not reply, do not call the number, do not approve." — what
/// not to do, fitted to what the message asks (no "do not open the link"
/// when there is none), in the message's language. A message with links
/// that asks for none of the things below keeps the classic sentence.
fn headline(verdict: Verdict, links: &[LinkAnalysis], asks: &Asks) -> String {
    let lang = asks.lang;
    let has = |r: Request| asks.requests.contains(&r);
    let calls = has(Request::Call) && asks.phones;
    let specific = has(Request::Code)
        || has(Request::Push)
        || calls
        || has(Request::Qr)
        || has(Request::Install);
    let label = word(
        lang,
        if verdict == Verdict::Dangerous {
            "dangerous"
        } else {
            "suspicious"
        },
    );
    let risky_links = links.iter().any(|l| l.verdict >= Verdict::Suspicious);
    if !links.is_empty() && !specific {
        return if lang == 0 {
            if verdict == Verdict::Dangerous {
                "Dangerous: do not open the link, reply or enter anything.".to_owned()
            } else {
                "Suspicious: do not open the link or reply until you have checked with your security team.".to_owned()
            }
        } else {
            let mut s = format!(
                "{label}: {}, {}",
                word(lang, "do_not_open"),
                word(lang, "do_not_reply")
            );
            if verdict == Verdict::Suspicious {
                s = format!("{s} {}", word(lang, "check_first"));
            }
            format!("{s}.")
        };
    }
    let mut items: Vec<&str> = Vec::new();
    if risky_links || (!links.is_empty() && !has(Request::Qr)) {
        items.push(word(lang, "do_not_open"));
    }
    items.push(word(lang, "do_not_reply"));
    if calls || asks.phones && has(Request::Chat) {
        items.push(word(lang, "do_not_call"));
    }
    if has(Request::Push) {
        items.push(word(lang, "do_not_approve"));
    }
    if has(Request::Qr) {
        items.push(word(lang, "do_not_scan"));
    }
    if has(Request::Install) {
        items.push(word(lang, "do_not_install"));
    }
    let mut s = format!("{label}: {}", items.join(", "));
    if verdict == Verdict::Suspicious {
        s = format!("{s} {}", word(lang, "check_first"));
    }
    format!("{s}.")
}

/// The explanation of a whole message: the headline, each risky link, the
/// message findings, the promises and what was capped or repaired.
pub(crate) fn message(a: &Analysis) -> String {
    message_with(a, &[])
}

/// [`message`], taking each link's explanation from `explained` (by index
/// in `a.links`, already written for the JSON) instead of writing it again.
pub(crate) fn message_with(a: &Analysis, explained: &[&str]) -> String {
    let verdict = a.verdict;
    let links = &a.links;
    let mut parts: Vec<String> = Vec::new();
    let n_links = links.len();
    parts.push(match verdict {
        Verdict::Dangerous | Verdict::Suspicious => headline(verdict, links, &a.asks),
        Verdict::Safe => {
            let mut owners: Vec<&str> = links
                .iter()
                .filter_map(|l| l.brand.as_ref())
                .map(BrandRef::name)
                .collect();
            owners.dedup();
            format!(
                "Safe: {} to a domain the policy lists as owned ({}).",
                if n_links == 1 { "the link goes" } else { "every link goes" },
                owners.join(", ")
            )
        }
        Verdict::Unknown if n_links == 0 => {
            "No links and no warning signs found.".to_owned()
        }
        Verdict::Unknown if n_links == 1 => {
            "Unknown: no warning signs, but Second Look cannot vouch for this link. Unknown is not safe: open it only if you expected it.".to_owned()
        }
        Verdict::Unknown => {
            "Unknown: no warning signs, but Second Look cannot vouch for these links. Unknown is not safe: open it only if you expected it.".to_owned()
        }
    });
    let risky: Vec<(usize, &LinkAnalysis)> = links
        .iter()
        .enumerate()
        .filter(|(_, l)| l.verdict >= Verdict::Suspicious)
        .collect();
    for (i, l) in risky.iter().take(MAX_EXPLAINED_LINKS) {
        let brand = l
            .brand
            .as_ref()
            .map(|b| {
                if l.on_brand_site() {
                    format!(" (through {} site)", possessive(b.name()))
                } else {
                    format!(" (imitates {})", b.name())
                }
            })
            .unwrap_or_default();
        let what = if l.link.kind == Kind::Email {
            "Address"
        } else {
            "Link"
        };
        let explanation = match explained.get(*i) {
            Some(e) => std::borrow::Cow::Borrowed(*e),
            None => std::borrow::Cow::Owned(l.explanation()),
        };
        parts.push(format!("{what} {}{brand}: {explanation}", l.link.text));
    }
    if risky.len() > MAX_EXPLAINED_LINKS {
        parts.push(format!(
            "…and {} more risky links.",
            risky.len() - MAX_EXPLAINED_LINKS
        ));
    }
    let findings: Vec<String> = a
        .message_findings
        .iter()
        .map(Finding::explanation)
        .collect();
    if verdict >= Verdict::Suspicious {
        parts.extend(findings.iter().cloned());
    }
    // A promise a finding already quotes is not repeated.
    parts.extend(
        a.never_ask
            .iter()
            .filter(|p| !findings.iter().any(|f| f.contains(p.as_str())))
            .cloned(),
    );
    // The notes of the analysis, then those about the bytes it was given
    // (kept first in `notes`).
    let (about_bytes, about_text) = a.notes.split_at(a.byte_notes.min(a.notes.len()));
    parts.extend(about_text.iter().cloned());
    parts.extend(about_bytes.iter().cloned());
    if parts.len() == 1
        && let Some(one) = parts.pop()
    {
        return one;
    }
    parts.join("\n")
}

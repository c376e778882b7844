//! The company policy the analysis runs against.
//!
//! A policy is TOML. These keys are a contract that IT scripts rely on and
//! must keep working:
//!
//! ```toml
//! [organization]
//! name = "Twilio"
//! never_ask = ["Twilio will never ask for your password or 2FA code anywhere other than the twilio.com portal."]
//! sign_in = ["https://twilio.okta.com"]
//!
//! [[brand]]
//! name = "Twilio"
//! domains = ["twilio.com", "twilio.okta.com"]
//! keywords = ["twilio"]   # optional
//! ```
//!
//! Extensions (optional): `[[brand]] aliases`, `sign_in`, `widely_used`, `country_sites`.
//! [`PolicyFile`] is the file as written; [`Policy`] is the checked, compiled
//! form every rule reads. With no file, [`Policy::builtin`] protects widely
//! impersonated brands (`assets/default-policy.toml`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;
use serde::{Deserialize, Serialize};

use crate::host::comparison_form;
use crate::refs::{BrandRef, OrgRef};

pub mod names;
pub mod schema;
pub mod validate;
use crate::engine::hosting::{self, LookupHasher};
use crate::engine::severity::Severity;
pub use validate::Problem;
use validate::line_column;

/// The built-in default policy, compiled into the binary.
pub const BUILTIN_POLICY: &str = include_str!("../../../assets/default-policy.toml");

/// Where the built-in policy says it comes from in messages.
pub const BUILTIN_SOURCE: &str = "built-in default policy";

/// The name two brands are the same brand by: spaces collapsed and trimmed,
/// lower case, in comparison form (`"Twilio "`, `"twilio"` and `"TWILIO"` are
/// one brand).
pub fn brand_key(name: &str) -> String {
    let collapsed = name.split_whitespace().collect::<Vec<_>>().join(" ");
    comparison_form(&collapsed.to_lowercase())
}

/// A policy file as written. Every key is optional so that layers
/// (built-in < user < managed) can be merged key by key and each value's
/// source recorded.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// Who the organisation is and what it promises.
    #[serde(default)]
    pub organization: OrganizationSection,
    /// Brands to protect: the organisation's own and any it cares about.
    #[serde(default)]
    pub brand: Vec<BrandSection>,
    /// Tuning of the detection.
    #[serde(default)]
    pub detection: DetectionSection,
    /// Domains the security team already knows about.
    #[serde(default)]
    pub indicators: IndicatorsSection,
    /// Where reports go.
    #[serde(default)]
    pub report: ReportSection,
    /// Desktop app settings; a value set by the managed policy is locked.
    #[serde(default)]
    pub desktop: DesktopSection,
    /// Events for the security team's log collection.
    #[serde(default, skip_serializing_if = "EventsSection::is_empty")]
    pub events: EventsSection,
    /// The signed indicator feed (managed policy only).
    #[serde(default, skip_serializing_if = "FeedSection::is_empty")]
    pub feed: FeedSection,
}

/// `[events]`: what Second Look writes to the system log for the security
/// team (verdicts, reports, policy problems; never the text).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventsSection {
    /// Write events to the system log (journald or syslog, the Windows
    /// Event Log, the unified log); default true.
    pub system_log: Option<bool>,
}

impl EventsSection {
    fn is_empty(&self) -> bool {
        self.system_log.is_none()
    }

    /// Whether events go to the system log (default true).
    pub fn system_log(&self) -> bool {
        self.system_log.unwrap_or(true)
    }
}

/// `[organization]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OrganizationSection {
    /// The organisation's name, shown on the policy card.
    pub name: Option<String>,
    /// Promises such as "we will never ask for your password by text".
    pub never_ask: Option<Vec<String>>,
    /// The only places employees sign in (https URLs).
    pub sign_in: Option<Vec<String>>,
    /// How to reach the security team ("Slack #security, ext. 4444").
    pub help_contact: Option<String>,
    /// The help desk's published phone number, given in the callback
    /// explanation ("+1 555 0100").
    pub help_phone: Option<String>,
    /// The security team's page (https).
    pub help_url: Option<String>,
    /// When the help desk answers ("Mon–Fri 8:00–18:00; 24/7 for incidents").
    pub help_hours: Option<String>,
    /// Logo for the policy card (a path or https URL).
    pub logo: Option<String>,
    /// Accent colour for the policy card, `#rrggbb`.
    pub color: Option<String>,
}

/// `[[brand]]`
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BrandSection {
    /// The brand's name as people know it.
    pub name: String,
    /// Domains the brand owns; a host equal to or under one is the brand's own.
    pub domains: Vec<String>,
    /// Names attackers borrow; default: derived from `domains`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keywords: Option<Vec<String>>,
    /// The brand's other names: abbreviations staff use, the ticker, former
    /// and product names (`["NWH", "Northwind"]`). Treated like the name in
    /// combinations (`nwh-sso.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
    /// Extension: the brand's real sign-in pages, named in explanations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sign_in: Vec<String>,
    /// Extension: the name is common in unrelated, legitimate domains: an
    /// everyday word (Apple, Chase) or a household name that third-party
    /// sites build on (google-analytics.com, paypal-community.com). Then a
    /// combination counts only with known lure words (`apple-id-verify`),
    /// misspellings only one edit away with Chromium's false-positive
    /// filters, and the bare name under another suffix is `info`. Leave it
    /// off for an organisation's own, distinctive names: there any
    /// combination is a warning.
    #[serde(default, skip_serializing_if = "is_false")]
    pub widely_used: bool,
    /// Extension: the brand runs sites under many country suffixes
    /// (google.de, amazon.fr); its name under an unlisted country suffix is
    /// `info` rather than a warning.
    #[serde(default, skip_serializing_if = "is_false")]
    pub country_sites: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `[detection]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DetectionSection {
    /// Extra words that make a brand combination dangerous ("payroll-portal").
    pub combo_keywords: Option<Vec<String>>,
    /// Hosts the organisation trusts besides its own domains (SaaS tenants
    /// such as `company.service-now.com`): links to them are safe.
    pub trusted_hosts: Option<Vec<String>>,
    /// Severity per rule id (`info`, `suspicious`, `dangerous`).
    pub severity: Option<BTreeMap<String, Severity>>,
    /// Rules switched off, each with the reason.
    pub disabled: Option<BTreeMap<String, String>>,
    /// Whether the user's own policy may add brands, trusted hosts and
    /// training domains (default true). Set to false in the managed policy,
    /// the user's additions are ignored.
    pub user_additions: Option<bool>,
    /// Extra lure words per language (`{ es = ["portal de nómina"] }`):
    /// they count as a lure story in the message rules.
    pub lure_words: Option<BTreeMap<String, Vec<String>>>,
}

/// `[indicators]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IndicatorsSection {
    /// Known attack infrastructure: always dangerous.
    pub blocked: Option<Vec<String>>,
    /// The organisation's own phishing-simulation domains.
    pub training: Option<Vec<String>>,
}

/// `[report]` (validated here; delivered by the reporting module).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReportSection {
    /// Where mail reports go; also the `mailto:` fallback.
    pub email: Option<String>,
    /// `[report.smtp]`
    pub smtp: Option<SmtpSection>,
    /// `[[report.webhook]]`
    pub webhook: Option<Vec<WebhookSection>>,
    /// The `From` address of report mails: the one IT configured the relay
    /// (SPF/DMARC) to send as; never the security mailbox itself.
    pub from: Option<String>,
    /// The reporter's address as a pattern, `{user}@example.com`
    /// (`{user}`: the OS user name, lower case).
    pub reporter_email: Option<String>,
    /// Put who reported it (user, full name, e-mail, machine) in the report
    /// (default true; false where works councils require it).
    pub include_identity: Option<bool>,
}

/// `[desktop]`: the app's settings as the organisation wants them. Set in
/// the managed policy they are shown but cannot be changed; set in a user
/// policy they are the user's defaults.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DesktopSection {
    /// Watch the clipboard for links (default true).
    pub watch_clipboard: Option<bool>,
    /// Start Second Look when the user logs in (default true).
    pub start_at_login: Option<bool>,
    /// Which verdicts raise a desktop notification: `"dangerous"`,
    /// `"suspicious"` (default: suspicious and dangerous) or `"off"`.
    pub notify: Option<Notify>,
}

/// `[feed]`: the signed indicator feed (see `crate::feed`). Only the
/// managed policy may set these; in a user policy they are ignored.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeedSection {
    /// The feed's https URL (a policy file that only adds).
    pub url: Option<String>,
    /// Where its minisign signature is; default `<url>.minisig`.
    pub signature_url: Option<String>,
    /// The minisign public key the feed is signed with (`RW…`).
    pub public_key: Option<String>,
    /// Minutes between two fetches (1–1440, default 15), plus up to a fifth as jitter.
    pub interval_minutes: Option<u32>,
}

impl FeedSection {
    /// Nothing set.
    pub fn is_empty(&self) -> bool {
        *self == FeedSection::default()
    }
}

/// `[report.smtp]`
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SmtpSection {
    /// Server host name.
    pub host: String,
    /// Port (587 STARTTLS, 465 TLS).
    pub port: Option<u16>,
    /// `starttls`, `tls`, or `none` (loopback only).
    pub tls: Option<Tls>,
    /// Login name, if the server needs one.
    pub username: Option<String>,
    /// Environment variable holding the password.
    pub password_env: Option<String>,
}

/// `[[report.webhook]]`
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WebhookSection {
    /// https URL (http only to a loopback address).
    pub url: String,
    /// Environment variable holding a bearer token (Splunk: the HEC token).
    pub token_env: Option<String>,
    /// Payload shape: `json` (default: the report itself), `slack`, `teams`
    /// (Workflows adaptive card) or `splunk` (HTTP Event Collector).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<WebhookFormat>,
}

/// Declares a policy enum: its variants with the spellings files use (serde
/// reads and writes the same), `as_str` and `parse`.
macro_rules! spelled_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $spelling:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $spelling)] $variant),+
        }

        impl $name {
            /// Every value, in the order the docs list them.
            pub const ALL: &[$name] = &[$($name::$variant),+];

            /// The spelling in a policy file.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $spelling),+
                }
            }

            /// The value a policy file spells `s`, if any.
            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

spelled_enum! {
    /// `[report.smtp] tls`: how the connection to the server is encrypted.
    Tls {
        /// STARTTLS on a plain connection (port 587; the default).
        Starttls = "starttls",
        /// TLS from the start (port 465).
        Tls = "tls",
        /// No encryption: allowed only to a loopback address.
        Plain = "none",
    }
}

spelled_enum! {
    /// `[[report.webhook]] format`: the payload's shape.
    WebhookFormat {
        /// The report itself (the default).
        Json = "json",
        /// A Slack message.
        Slack = "slack",
        /// A Teams Workflows adaptive card.
        Teams = "teams",
        /// A Splunk HTTP Event Collector event.
        Splunk = "splunk",
    }
}

spelled_enum! {
    /// `[desktop] notify`: which copied links raise a notification.
    Notify {
        /// Suspicious and dangerous links (the default).
        Suspicious = "suspicious",
        /// Dangerous links only.
        Dangerous = "dangerous",
        /// None.
        Off = "off",
    }
}

/// The organisation as every part of the product reads it (defaults filled in).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Organization {
    /// Name; empty when no policy names one.
    pub name: String,
    /// Promises shown beside warnings.
    pub never_ask: Vec<String>,
    /// The only sign-in pages.
    pub sign_in: Vec<String>,
    /// How to reach the security team.
    pub help_contact: Option<String>,
    /// The help desk's published phone number.
    pub help_phone: Option<String>,
    /// The security team's page.
    pub help_url: Option<String>,
    /// When the help desk answers.
    pub help_hours: Option<String>,
    /// Logo for the policy card.
    pub logo: Option<String>,
    /// Accent colour for the policy card.
    pub color: Option<String>,
}

/// Who owns a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// One of the brands (index into [`Policy::brands`]).
    Brand(usize),
    /// A trusted host from `[detection] trusted_hosts`.
    Trusted,
}

impl Owner {
    /// The brand, when it is one.
    pub fn brand(self) -> Option<usize> {
        match self {
            Owner::Brand(b) => Some(b),
            Owner::Trusted => None,
        }
    }
}

/// Why a policy cannot be used. Each message says what to change.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file could not be read.
    #[error("cannot read policy file {path}: {source}. Check that the path is right and readable.")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file has problems; each names its line and column.
    #[error("{}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Problems {
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// The file parses but a value cannot be used.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong and how to fix it.
        message: String,
    },
}

/// A keyword attackers borrow, in the form it is compared in.
#[derive(Debug, Clone)]
pub struct Keyword {
    /// As written in the policy, lower case.
    pub text: String,
    /// [`comparison_form`] of `text`.
    pub folded: String,
    /// Where the name comes from; decides how freely it matches.
    pub origin: Origin,
    /// The name as the policy wrote it, for explanations (`NWH`, `M&S`).
    pub shown: String,
    /// The name is an everyday word or made only of them (`orange`,
    /// `office`, `live`): combinations count only with lure words, as for
    /// `widely_used` brands.
    pub generic: bool,
    /// The distinctive part of the name is one or two characters at its
    /// start or end, next to an everyday word (`i`+`cloud`, `t-`+`mobile`):
    /// that side must start or end a word in the label (`myicloud`, not
    /// `magicloud`). `(start, end)` flags.
    pub bounded: (bool, bool),
    /// [`crate::host::letter_units`] of `text`, side by side (`[0]`) and
    /// one by one (`[1]`): computed once here, not for every link
    /// `homoglyph` compares with the name.
    pub letters: [Vec<crate::host::LetterUnit>; 2],
}

/// Where a brand keyword comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `keywords`, or the label of the main domain by default.
    Name,
    /// The label of another owned domain (a corporate domain).
    Domain,
    /// `aliases`: what staff call the company.
    Alias,
    /// Derived: the initials of a multi-word name (only beside a lure word).
    Initials,
    /// Derived: a distinctive word of a multi-word name, or the name
    /// written whole (only beside a lure word).
    NameWord,
    /// Derived: a multi-word name shortened as people write it
    /// (`americanexp`, `hdepot`; only beside a lure word).
    Shortened,
    /// Derived: the organisation's name, when it is the brand's name with
    /// words added (`lgelectronics` for LG; only beside a lure word).
    Organization,
}

impl Keyword {
    /// One or two characters (`hp`, `x`, `3m`): matches only as a whole
    /// word or beside a lure word, never inside another word.
    pub fn is_short(&self) -> bool {
        self.text.chars().count() <= 2
    }

    /// Derived names count only beside a lure word.
    pub fn needs_lure(&self) -> bool {
        matches!(
            self.origin,
            Origin::Initials | Origin::NameWord | Origin::Shortened | Origin::Organization
        )
    }
}

/// A brand, checked and ready for the rules.
#[derive(Debug, Clone)]
pub struct Brand {
    /// The brand's name.
    pub name: String,
    /// Owned domains, ASCII lower case; the first is the main one.
    pub domains: Vec<String>,
    /// `domains` with dots written as hyphens (`twilio-com`), for spotting
    /// an owned domain written into someone else's host.
    pub domains_hyphenated: Vec<String>,
    /// Keywords, in comparison form too.
    pub keywords: Vec<Keyword>,
    /// The brand's own sign-in pages.
    pub sign_in: Vec<String>,
    /// See [`BrandSection::widely_used`].
    pub widely_used: bool,
    /// See [`BrandSection::country_sites`].
    pub country_sites: bool,
    /// The brand comes from the user's own policy, not the organisation's.
    pub added_by_user: bool,
}

impl Brand {
    /// The domain to suggest in "Did you mean …?".
    pub fn main_domain(&self) -> Option<&str> {
        self.domains.first().map(String::as_str)
    }

    /// The public suffix of the main domain (`com`), for "ends in .net instead of .com".
    pub fn main_suffix(&self) -> Option<&str> {
        self.main_domain()
            .and_then(|d| psl::suffix(d.as_bytes()))
            .and_then(|s| std::str::from_utf8(s.as_bytes()).ok())
    }
}

/// A value the analysis keeps in a policy ([`Policy::analysis_cache`]).
pub(crate) type AnalysisCache = std::sync::Arc<dyn std::any::Any + Send + Sync>;

/// A checked policy: what every rule reads.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `[organization]`, defaults filled in.
    pub organization: Organization,
    /// Brands, in the order of the file.
    pub brands: Vec<Brand>,
    /// Where the policy came from (a path, or [`BUILTIN_SOURCE`]).
    pub source: String,
    /// `[detection] combo_keywords`, in comparison form.
    pub combo_keywords: Vec<String>,
    /// `[detection] severity`, by rule id.
    pub severity: HashMap<String, Severity>,
    /// `[detection] disabled`: rule id → reason.
    pub disabled: BTreeMap<String, String>,
    /// `[indicators] blocked`, ASCII.
    pub blocked: HashSet<String>,
    /// `[indicators] training`, ASCII.
    pub training: HashSet<String>,
    /// `[report]`, checked.
    pub report: ReportSection,
    /// `[desktop]`, checked.
    pub desktop: DesktopSection,
    /// `[events]`.
    pub events: EventsSection,
    /// `[detection] trusted_hosts`, ASCII.
    pub trusted_hosts: Vec<String>,
    /// The trusted hosts the user added in their own policy (ASCII): shown
    /// as the user's, never as the organisation's.
    pub user_trusted: HashSet<String>,
    /// `[detection] lure_words`: language → words, trimmed.
    pub lure_words: BTreeMap<String, Vec<String>>,
    /// One automaton over every lure word's folded form
    /// ([`crate::engine::fold::fold`]), and the word each pattern stands for.
    lure_matcher: Option<(AhoCorasick, Vec<String>)>,
    /// One automaton over every brand keyword's comparison form.
    keyword_matcher: Option<AhoCorasick>,
    /// For each automaton pattern: (brand index, keyword index).
    keyword_owner: Vec<(usize, usize)>,
    /// The halves of every brand keyword, as written and in comparison
    /// form: two automata ([`Policy::holds_half_of_a_name`]).
    name_halves: Option<(AhoCorasick, AhoCorasick)>,
    /// Every listed domain and trusted host → its owner.
    domain_owner: HashMap<String, Owner, LookupHasher>,
    /// Owned domains that are themselves public suffixes (the PSL lists them
    /// because customers get sub-names): only the exact domain is owned.
    exact_only: HashSet<String, LookupHasher>,
    /// One shared reference per brand (same order as `brands`), what
    /// findings carry.
    brand_refs: Vec<BrandRef>,
    /// The organisation as results name it.
    org_ref: OrgRef,
    /// What the analysis keeps for this policy once computed (the lure
    /// facts of an empty text, which every text made only of links, a
    /// feed's line, has): opaque here, so the policy names nothing of the
    /// lure analysis (`analysis::empty_facts` reads it).
    analysis_cache: std::sync::OnceLock<AnalysisCache>,
}

/// A keyword found inside a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeywordHit {
    /// Index into [`Policy::brands`].
    pub brand: usize,
    /// Index into that brand's keywords.
    pub keyword: usize,
    /// Byte range in the folded label.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
}

impl Policy {
    /// The built-in default policy.
    pub fn builtin() -> Result<Policy, PolicyError> {
        Policy::from_toml(BUILTIN_POLICY, BUILTIN_SOURCE)
    }

    /// Parse and check policy text; `source` names it in error messages.
    pub fn from_toml(text: &str, source: &str) -> Result<Policy, PolicyError> {
        Policy::compile(parse_file(text, source)?, source)
    }

    /// Check a parsed file and build the matchers.
    pub fn compile(file: PolicyFile, source: &str) -> Result<Policy, PolicyError> {
        let invalid = |message: String| PolicyError::Invalid {
            path: source.to_owned(),
            message,
        };
        let org = file.organization;
        let organization = Organization {
            name: org.name.unwrap_or_default().trim().to_owned(),
            never_ask: org.never_ask.unwrap_or_default(),
            sign_in: org.sign_in.unwrap_or_default(),
            help_contact: org.help_contact,
            help_phone: org.help_phone,
            help_url: org.help_url,
            help_hours: org.help_hours,
            logo: org.logo,
            color: org.color,
        };
        for url in &organization.sign_in {
            check_sign_in(url).map_err(|m| invalid(format!("[organization] sign_in: {m}")))?;
        }
        let mut brands: Vec<Brand> = Vec::with_capacity(file.brand.len());
        let mut exact_only = HashSet::default();
        // Per brand: its names are derived (no `keywords` listed).
        let mut derived: Vec<bool> = Vec::with_capacity(file.brand.len());
        for section in file.brand {
            let name = section
                .name
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if name.is_empty() {
                return Err(invalid(
                    "a [[brand]] has an empty name: give every brand the name people know it by"
                        .into(),
                ));
            }
            if section.domains.is_empty() {
                return Err(invalid(format!(
                    "brand \"{name}\" has no domains: list at least one domain it owns, e.g. domains = [\"example.com\"]"
                )));
            }
            let mut domains = Vec::with_capacity(section.domains.len());
            for d in &section.domains {
                let (ascii, exact) = normalize_owned_domain(d)
                    .map_err(|m| invalid(format!("brand \"{name}\" domains: {m}")))?;
                let keywords = section.keywords.as_deref().unwrap_or_default();
                if let Some(m) = open_host_problem(&ascii, Some((&name, keywords))) {
                    return Err(invalid(format!("brand \"{name}\" domains: {m}")));
                }
                if exact {
                    exact_only.insert(ascii.clone());
                }
                domains.push(ascii);
            }
            for url in &section.sign_in {
                check_sign_in(url)
                    .map_err(|m| invalid(format!("brand \"{name}\" sign_in: {m}")))?;
            }
            let keywords = names::brand_keywords(
                &name,
                &domains,
                section.keywords.as_deref(),
                section.aliases.as_deref().unwrap_or_default(),
            );
            // One brand per name: a second entry spelled with other spaces
            // or case adds to the first, never becomes a second brand.
            if let Some(same) = brands
                .iter_mut()
                .find(|b| brand_key(&b.name) == brand_key(&name))
            {
                for d in domains {
                    if !same.domains.contains(&d) {
                        same.domains_hyphenated.push(d.replace('.', "-"));
                        same.domains.push(d);
                    }
                }
                for k in keywords {
                    if same.keywords.iter().all(|x| x.text != k.text) {
                        same.keywords.push(k);
                    }
                }
                same.sign_in.extend(section.sign_in);
                continue;
            }
            derived.push(section.keywords.is_none());
            brands.push(Brand {
                name,
                domains_hyphenated: domains.iter().map(|d| d.replace('.', "-")).collect(),
                domains,
                keywords,
                sign_in: section.sign_in,
                widely_used: section.widely_used,
                country_sites: section.country_sites,
                added_by_user: false,
            });
        }
        // The organisation's name run together, when it is one brand's name
        // with words added (`lgelectronics`: LG Electronics for LG), unless
        // IT listed that brand's `keywords`.
        for (b, derive) in brands.iter_mut().zip(&derived) {
            if *derive && let Some(k) = names::organization_keyword(&organization.name, &b.keywords)
            {
                b.keywords.push(k);
                break;
            }
        }
        let mut patterns = Vec::new();
        let mut keyword_owner = Vec::new();
        for (bi, brand) in brands.iter().enumerate() {
            for (ki, kw) in brand.keywords.iter().enumerate() {
                // Short names are matched by whole words (rules::names), never
                // as substrings.
                if kw.is_short() {
                    continue;
                }
                patterns.push(kw.folded.clone());
                keyword_owner.push((bi, ki));
            }
        }
        let keyword_matcher = if patterns.is_empty() {
            None
        } else {
            Some(AhoCorasick::new(&patterns).map_err(|e| {
                invalid(format!(
                    "the brand keywords cannot be compiled ({e}); shorten or remove unusual keywords"
                ))
            })?)
        };
        let mut domain_owner = HashMap::default();
        for (bi, brand) in brands.iter().enumerate() {
            for d in &brand.domains {
                domain_owner.entry(d.clone()).or_insert(Owner::Brand(bi));
            }
        }
        let det = file.detection;
        let mut trusted_hosts = Vec::new();
        for h in det.trusted_hosts.unwrap_or_default() {
            let d = normalize_domain(&h).map_err(|m| invalid(format!("trusted_hosts: {m}")))?;
            if let Some(m) = open_host_problem(&d, None) {
                return Err(invalid(format!("trusted_hosts: {m}")));
            }
            domain_owner.entry(d.clone()).or_insert(Owner::Trusted);
            trusted_hosts.push(d);
        }
        let mut severity = HashMap::new();
        for (rule, level) in det.severity.unwrap_or_default() {
            if level == Severity::Safe {
                return Err(invalid(format!(
                    "severity \"{level}\" for {rule} must be info, suspicious or dangerous"
                )));
            }
            severity.insert(rule, level);
        }
        let mut lure_words = BTreeMap::new();
        for (lang, words) in det.lure_words.unwrap_or_default() {
            if !crate::engine::fold::FILES
                .iter()
                .any(|(code, _)| *code == lang)
            {
                return Err(invalid(format!(
                    "lure_words: unknown language \"{lang}\"; use one of {}",
                    crate::engine::fold::language_codes()
                )));
            }
            let words: Vec<String> = words
                .iter()
                .map(|w| w.trim().to_owned())
                .filter(|w| !w.is_empty())
                .collect();
            lure_words.insert(lang, words);
        }
        let lure_matcher = {
            let mut folded = Vec::new();
            let mut words = Vec::new();
            for w in lure_words.values().flatten() {
                let f = crate::engine::fold::fold_pattern(w);
                if !f.is_empty() {
                    folded.push(f);
                    words.push(w.clone());
                }
            }
            if folded.is_empty() {
                None
            } else {
                let ac = AhoCorasick::new(&folded).map_err(|e| {
                    invalid(format!(
                        "the lure words cannot be compiled ({e}); shorten or remove unusual words"
                    ))
                })?;
                Some((ac, words))
            }
        };
        let domains =
            |list: Option<Vec<String>>, what: &str| -> Result<HashSet<String>, PolicyError> {
                list.unwrap_or_default()
                    .iter()
                    .map(|d| normalize_domain(d).map_err(|m| invalid(format!("{what}: {m}"))))
                    .collect()
            };
        let brand_refs = brand_refs(&brands);
        let org_ref = org_ref(&organization, source);
        let name_halves = name_halves(&brands);
        Ok(Policy {
            organization,
            brands,
            source: source.to_owned(),
            combo_keywords: det
                .combo_keywords
                .unwrap_or_default()
                .iter()
                .map(|w| comparison_form(&w.trim().to_lowercase()))
                .filter(|w| !w.is_empty())
                .collect(),
            severity,
            disabled: det.disabled.unwrap_or_default(),
            blocked: domains(file.indicators.blocked, "blocked")?,
            training: domains(file.indicators.training, "training")?,
            report: file.report,
            desktop: file.desktop,
            events: file.events,
            trusted_hosts,
            user_trusted: HashSet::new(),
            lure_words,
            lure_matcher,
            keyword_matcher,
            keyword_owner,
            name_halves,
            domain_owner,
            exact_only,
            brand_refs,
            org_ref,
            analysis_cache: std::sync::OnceLock::new(),
        })
    }

    /// A policy with nothing in it (protects nothing; never safe).
    pub fn empty(source: &str) -> Policy {
        Policy {
            organization: Organization::default(),
            brands: Vec::new(),
            source: source.to_owned(),
            combo_keywords: Vec::new(),
            severity: HashMap::new(),
            disabled: BTreeMap::new(),
            blocked: HashSet::new(),
            training: HashSet::new(),
            report: ReportSection::default(),
            desktop: DesktopSection::default(),
            events: EventsSection::default(),
            trusted_hosts: Vec::new(),
            user_trusted: HashSet::new(),
            lure_words: BTreeMap::new(),
            lure_matcher: None,
            keyword_matcher: None,
            keyword_owner: Vec::new(),
            name_halves: name_halves(&[]),
            domain_owner: HashMap::default(),
            exact_only: HashSet::default(),
            brand_refs: Vec::new(),
            org_ref: org_ref(&Organization::default(), source),
            analysis_cache: std::sync::OnceLock::new(),
        }
    }

    /// The shared reference to brand `index` of [`Policy::brands`], what
    /// findings and results carry (cheap to clone).
    pub fn brand_ref(&self, index: usize) -> Option<BrandRef> {
        self.brand_refs.get(index).cloned()
    }

    /// The organisation as results name it (cheap to clone).
    pub fn org_ref(&self) -> OrgRef {
        self.org_ref.clone()
    }

    /// The analysis's value kept for this policy, made by `make` on first
    /// use (see `analysis_cache`).
    pub(crate) fn analysis_cache(
        &self,
        make: impl FnOnce() -> AnalysisCache,
    ) -> &(dyn std::any::Any + Send + Sync) {
        self.analysis_cache.get_or_init(make).as_ref()
    }

    /// The first `[detection] lure_words` entry (as written) that occurs as
    /// whole words in `folded` (text folded by [`crate::engine::fold::fold`]).
    /// Linear in the text, however many words the policy lists.
    pub fn lure_word_in(&self, folded: &str) -> Option<&str> {
        let (ac, words) = self.lure_matcher.as_ref()?;
        ac.find_overlapping_iter(folded)
            .find(|m| {
                let w = words.get(m.pattern().as_usize()).map_or("", String::as_str);
                crate::engine::fold::is_whole_word(folded, m.range(), w)
            })
            .and_then(|m| words.get(m.pattern().as_usize()))
            .map(String::as_str)
    }

    /// Every occurrence of every brand keyword in a folded label (overlapping).
    pub fn keyword_hits(&self, folded_label: &str) -> Vec<KeywordHit> {
        let Some(m) = &self.keyword_matcher else {
            return Vec::new();
        };
        m.find_overlapping_iter(folded_label)
            .filter_map(|hit| {
                let (brand, keyword) = *self.keyword_owner.get(hit.pattern().as_usize())?;
                Some(KeywordHit {
                    brand,
                    keyword,
                    start: hit.start(),
                    end: hit.end(),
                })
            })
            .collect()
    }

    /// Some brand keyword has one of its halves in `label` as written, or
    /// in `folded` (`label`'s comparison form) in comparison form: the
    /// halves are split at the middle byte of a name of two bytes or more,
    /// when that is a character boundary. One automaton pass over each
    /// instead of a substring test per half (issue #16: every label of a
    /// feed is tested). `None`: the automata could not be built.
    pub fn holds_half_of_a_name(&self, label: &str, folded: &str) -> Option<bool> {
        let (text, comparison) = self.name_halves.as_ref()?;
        Some(text.is_match(label) || comparison.is_match(folded))
    }

    /// The brand that owns this host, if any.
    ///
    /// A host equal to a listed domain is owned. A host *under* a listed
    /// domain is owned too, except where the listed domain is a shared
    /// platform whose sub-names belong to its customers (`evil.okta.com` is
    /// not Okta's own page) or the host is on a user-content or shortener
    /// list (`sites.google.com`): there only an exact listing counts.
    pub fn owner_of(&self, host: &crate::host::HostFacts) -> Option<Owner> {
        // The most specific listed domain decides (`twilio.okta.com` before `okta.com`).
        let (listed, brand) = crate::host::suffixes(&host.ascii)
            .filter(|s| *s == host.ascii || !self.exact_only.contains(*s))
            .find_map(|s| self.domain_owner.get(s).map(|b| (s, *b)))?;
        if listed == host.ascii {
            return Some(brand);
        }
        let user_content = hosting::classify(&host.ascii).is_some();
        (!user_content && !hosting::is_shared_platform(listed)).then_some(brand)
    }

    /// The trusted host that makes `host` trusted was added by the user in
    /// their own policy (the explanation then says so).
    pub fn trusted_by_user(&self, host: &crate::host::HostFacts) -> bool {
        crate::host::suffixes(&host.ascii)
            .find(|s| self.domain_owner.contains_key(*s))
            .is_some_and(|s| self.user_trusted.contains(s))
    }

    /// Record what the user's own policy added: these trusted hosts and the
    /// brands with these [`brand_key`]s are shown as the user's.
    pub fn mark_user_additions(&mut self, hosts: &[String], brand_keys: &[String]) {
        for h in hosts {
            if let Ok(d) = normalize_domain(h) {
                self.user_trusted.insert(d);
            }
        }
        for b in &mut self.brands {
            b.added_by_user = brand_keys.contains(&brand_key(&b.name));
        }
    }

    /// The host is at or under a domain some brand lists, even where that
    /// does not make it safe (a customer's tenant on `okta.com`, user content
    /// on `googleusercontent.com`). Brand-imitation rules leave such hosts alone:
    /// they are the brand's own infrastructure, not a lookalike of it.
    pub fn listed(&self, host: &crate::host::HostFacts) -> bool {
        crate::host::suffixes(&host.ascii).any(|s| {
            self.domain_owner.contains_key(s) && (s == host.ascii || !self.exact_only.contains(s))
        })
    }

    /// The owned domains that are public suffixes: only they themselves are
    /// owned, not the names under them (those are customers').
    pub fn exact_only_domains(&self) -> impl Iterator<Item = &str> {
        self.exact_only.iter().map(String::as_str)
    }

    /// The blocked indicator `host` is equal to or under, if any.
    pub fn blocked_by(&self, host: &crate::host::HostFacts) -> Option<&str> {
        crate::host::suffixes(&host.ascii).find_map(|s| self.blocked.get(s).map(String::as_str))
    }

    /// `host` is one of the organisation's phishing-simulation domains.
    pub fn is_training(&self, host: &crate::host::HostFacts) -> bool {
        crate::host::suffixes(&host.ascii).any(|s| self.training.contains(s))
    }

    /// The organisation's name, or a neutral phrase when the policy has none.
    pub fn organization_name(&self) -> &str {
        let n = self.organization.name.trim();
        if n.is_empty() { "your organisation" } else { n }
    }
}

/// The automata of [`Policy::holds_half_of_a_name`]: every keyword's two
/// halves as written, and as compared.
fn name_halves(brands: &[Brand]) -> Option<(AhoCorasick, AhoCorasick)> {
    fn halves<'a>(s: &'a str, out: &mut Vec<&'a str>) {
        let n = s.len();
        if n >= 2 && s.is_char_boundary(n / 2) {
            out.extend(s.get(..n / 2));
            out.extend(s.get(n / 2..));
        }
    }
    let (mut text, mut folded) = (Vec::new(), Vec::new());
    for k in brands.iter().flat_map(|b| &b.keywords) {
        halves(&k.text, &mut text);
        halves(&k.folded, &mut folded);
    }
    Some((
        AhoCorasick::new(&text).ok()?,
        AhoCorasick::new(&folded).ok()?,
    ))
}

fn brand_refs(brands: &[Brand]) -> Vec<BrandRef> {
    brands
        .iter()
        .map(|b| BrandRef::new(&b.name, b.main_domain(), &b.sign_in))
        .collect()
}

fn org_ref(o: &Organization, source: &str) -> OrgRef {
    let trimmed = o.name.trim();
    let display = if trimmed.is_empty() {
        "your organisation"
    } else {
        trimmed
    };
    OrgRef::new(
        &o.name,
        display,
        &o.sign_in,
        o.help_contact.as_deref(),
        source,
    )
}

/// Check `text` with [`validate::check`] (every problem, with positions),
/// then deserialise it.
pub fn parse_file(text: &str, source: &str) -> Result<PolicyFile, PolicyError> {
    let problems = validate::check(text, source);
    if !problems.is_empty() {
        return Err(PolicyError::Problems { problems });
    }
    toml::from_str(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|s| line_column(text, s.start))
            .unwrap_or((1, 1));
        PolicyError::Problems {
            problems: vec![Problem {
                file: source.to_owned(),
                line,
                column,
                message: e.message().trim().to_owned(),
            }],
        }
    })
}

/// Check and normalise a `domains` entry to ASCII lower case.
pub(crate) fn normalize_domain(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_end_matches('.');
    if trimmed.contains("://") || trimmed.contains('/') {
        return Err(format!(
            "\"{raw}\" is a URL, not a domain: write only the host name, e.g. \"example.com\""
        ));
    }
    let ascii = idna::domain_to_ascii(trimmed)
        .map_err(|_| format!("\"{raw}\" is not a valid domain name"))?;
    let ldh = ascii.len() <= crate::host::MAX_HOST_LEN
        && ascii.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !ldh {
        return Err(format!(
            "\"{raw}\" is not a valid domain name: use letters, digits, hyphens and dots, e.g. \"example.com\""
        ));
    }
    if !ascii.contains('.') {
        return Err(format!(
            "\"{raw}\" is not a domain: write a full name such as \"example.com\""
        ));
    }
    let suffix =
        psl::suffix(ascii.as_bytes()).filter(|s| s.is_known() && s.as_bytes() == ascii.as_bytes());
    if suffix.is_some_and(|s| s.typ() == Some(psl::Type::Private)) {
        return Err(format!(
            "anyone can publish under {ascii}; list the exact link or leave it out (an exact site such as \"example.{ascii}\" is fine)"
        ));
    }
    if suffix.is_some() {
        return Err(format!(
            "\"{raw}\" is a public suffix that anyone can register names under: list a domain you own, e.g. \"example.{ascii}\""
        ));
    }
    Ok(ascii)
}

/// The largest logo (`organization.logo`) read, file or data URI.
pub const MAX_LOGO_BYTES: usize = 256 << 10;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const LOGO_DATA_URI: &str = "data:image/png;base64,";

/// Is `logo` written as the policy allows: an absolute path to a `.png`
/// file, or a `data:image/png;base64,` URI of a PNG of at most
/// [`MAX_LOGO_BYTES`]? (Never a web address: Second Look does not go
/// online for a logo.) The file itself is read only by the shell
/// (`policy::logo_bytes`): it may not be installed yet where the policy is
/// checked.
pub fn check_logo(logo: &str) -> Result<(), String> {
    if logo.starts_with("data:") {
        logo_data(logo).map(|_| ())
    } else if logo.contains("://") {
        Err("must be a file path or a data:image/png;base64, URI: Second Look does not download logos".into())
    } else if !(logo.starts_with('/') || Path::new(logo).is_absolute())
        || !logo.to_ascii_lowercase().ends_with(".png")
    {
        Err("must be the absolute path of a PNG file, e.g. \"/etc/secondlook/logo.png\"".into())
    } else {
        Ok(())
    }
}

/// The PNG bytes of a logo written as a data URI (see [`check_logo`]);
/// `Ok(None)` when the logo is a file path, which the shell reads
/// (`policy::logo_bytes`); the reason otherwise.
pub fn logo_data(logo: &str) -> Result<Option<Vec<u8>>, String> {
    if let Some(b64) = logo.strip_prefix(LOGO_DATA_URI) {
        if b64.len() > MAX_LOGO_BYTES / 3 * 4 + 4 {
            return Err(format!("is larger than {} KiB", MAX_LOGO_BYTES >> 10));
        }
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|e| format!("is not valid base64 ({e})"))?;
        check_png(bytes).map(Some)
    } else if logo.starts_with("data:") {
        Err("must be a PNG: start the data URI with data:image/png;base64,".into())
    } else {
        Ok(None)
    }
}

/// `bytes` as a logo: at most [`MAX_LOGO_BYTES`], with the PNG signature;
/// the reason otherwise.
pub fn check_png(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(format!("is larger than {} KiB", MAX_LOGO_BYTES >> 10));
    }
    if !bytes.starts_with(PNG_SIGNATURE) {
        return Err("is not a PNG image".into());
    }
    Ok(bytes)
}

/// Why `ascii` (a normalised domain) cannot be listed as owned or trusted:
/// anyone can get content under it. Link shorteners and everything under
/// them; the root of a free-hosting or user-content service
/// (`docs.google.com`, `github.io`, any private-section public suffix); the
/// root of an identity or IT platform (`okta.com`) — except, for a brand's
/// domains, the platform's own brand (`brand` is its name and keywords:
/// Okta lists `okta.com`). Exact tenants (`acme.okta.com`,
/// `acme.github.io`) are allowed.
pub fn open_host_problem(ascii: &str, brand: Option<(&str, &[String])>) -> Option<String> {
    let refuse = |root: &str| {
        format!("anyone can publish under {root}; list the exact link or leave it out")
    };
    if let Some((hosting::HostingKind::Shortener, root)) = hosting::classify(ascii) {
        return Some(format!(
            "anyone can publish under {root}; list the exact link or leave it out (a link shortener hides where its links go)"
        ));
    }
    // The platform's own brand may list its root (Okta lists `okta.com`,
    // Duo lists `duosecurity.com`: the name starts the platform's label;
    // Salesforce lists `force.com`: the label ends the name,
    // a company whose customers get sub-names lists its private suffix,
    // owned exactly: issue #13); nobody else may.
    let platform_name: String = ascii
        .split('.')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| *c != '-')
        .collect();
    let own_brand = brand.is_some_and(|(name, keywords)| {
        let plain: String = name
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        std::iter::once(plain)
            .chain(keywords.iter().map(|k| k.trim().to_lowercase()))
            .any(|k| {
                k == platform_name
                    || (k.len() >= 3 && platform_name.starts_with(k.as_str()))
                    || (platform_name.len() >= 5 && k.ends_with(platform_name.as_str()))
            })
    });
    let private_suffix = psl::suffix(ascii.as_bytes())
        .is_some_and(|s| s.typ() == Some(psl::Type::Private) && s.as_bytes() == ascii.as_bytes());
    if private_suffix && !own_brand {
        return Some(format!(
            "{} (an exact site such as \"example.{ascii}\" is fine)",
            refuse(ascii)
        ));
    }
    if let Some((_, root)) = hosting::classify(ascii)
        && root == ascii
    {
        return Some(refuse(root));
    }
    if hosting::identity_platform(ascii) == Some(ascii) && !own_brand {
        return Some(format!(
            "anyone can get a sign-in page under {ascii} (each customer gets a name such as \"example.{ascii}\"); list your exact tenant or leave it out"
        ));
    }
    None
}

/// Check and normalise a brand's `domains` entry. A domain the Public
/// Suffix List's private section lists (the company gives its customers
/// sub-names under it) is accepted: the second value is then `true`, only
/// the exact domain is owned and `policy check` warns. A suffix anyone can
/// register under (`com`, `co.uk`) is refused.
pub(crate) fn normalize_owned_domain(raw: &str) -> Result<(String, bool), String> {
    match normalize_domain(raw) {
        Ok(d) => Ok((d, false)),
        Err(e) => {
            let trimmed = raw.trim().trim_end_matches('.');
            let Ok(ascii) = idna::domain_to_ascii(trimmed) else {
                return Err(e);
            };
            let private = ascii.contains('.')
                && psl::suffix(ascii.as_bytes()).is_some_and(|s| {
                    s.is_known()
                        && s.typ() == Some(psl::Type::Private)
                        && s.as_bytes() == ascii.as_bytes()
                });
            if private { Ok((ascii, true)) } else { Err(e) }
        }
    }
}

fn check_sign_in(url: &str) -> Result<(), String> {
    match url::Url::parse(url) {
        Ok(u) if u.scheme() == "https" && u.host_str().is_some() => Ok(()),
        Ok(_) => Err(format!(
            "\"{url}\" must be an https:// address, e.g. \"https://example.okta.com\""
        )),
        Err(e) => Err(format!(
            "\"{url}\" is not a valid address ({e}); write it like \"https://example.okta.com\""
        )),
    }
}

/// Keywords when a brand lists none: for each domain, the name left of its
/// public suffix; for a tenant on a shared platform (`twilio.okta.com`), the
/// tenant name rather than the platform's.
pub(crate) fn default_keywords(domains: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for d in domains {
        let Some(reg) =
            psl::domain(d.as_bytes()).and_then(|r| std::str::from_utf8(r.as_bytes()).ok())
        else {
            continue;
        };
        let word = if hosting::is_shared_platform(reg) && d.len() > reg.len() {
            d.get(..d.len() - reg.len() - 1)
                .and_then(|sub| sub.rsplit('.').next())
        } else {
            reg.split('.').next()
        };
        if let Some(w) = word {
            let w = crate::host::to_unicode(w);
            if !w.is_empty() && !out.contains(&w) {
                out.push(w);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWILIO: &str = crate::rules::testing::TWILIO_POLICY;

    #[test]
    fn contract_keys_parse_and_keywords_default_from_domains() {
        let p = Policy::from_toml(TWILIO, "t.toml").unwrap();
        assert_eq!(p.organization.name, "Twilio");
        let kw: Vec<_> = p.brands[0]
            .keywords
            .iter()
            .map(|k| k.text.as_str())
            .collect();
        assert_eq!(kw, vec!["twilio"], "okta is the platform, not the brand");
        assert_eq!(p.brands[1].keywords[0].text, "sendgrid");
    }

    #[test]
    fn builtin_policy_is_valid_and_large_enough() {
        let p = Policy::builtin().unwrap();
        assert!(p.brands.len() >= 50, "only {} brands", p.brands.len());
    }

    #[test]
    fn problems_name_line_and_column() {
        let err = Policy::from_toml("[organization]\nname = \"x\"\nnevr_ask = []\n", "p.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "p.toml:3:1: unknown key `nevr_ask` in [organization]; did you mean `never_ask`?"
        );
        let err = Policy::from_toml("[[brand]]\nname = \"X\"\ndomains = [\"co.uk\"]\n", "p.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "p.toml:3:12: \"co.uk\" is a public suffix that anyone can register names under: list a domain you own, e.g. \"example.co.uk\""
        );
    }

    #[test]
    fn sign_in_must_be_https() {
        let err = Policy::from_toml("[organization]\nsign_in = [\"http://x.okta.com\"]\n", "p")
            .unwrap_err()
            .to_string();
        assert!(err.contains("must be an https:// address"), "{err}");
    }

    #[test]
    fn an_owned_public_suffix_is_owned_exactly_with_a_warning() {
        let text = "[[brand]]\nname = \"Cloudflare\"\ndomains = [\"cloudflare.com\", \"cloudflare.net\"]\n";
        let p = Policy::from_toml(text, "p.toml").unwrap();
        let owner = |h: &str| p.owner_of(&crate::host::HostFacts::domain(h));
        assert_eq!(owner("cloudflare.net"), Some(Owner::Brand(0)));
        assert_eq!(owner("customer.cloudflare.net"), None, "a customer's name");
        assert!(!p.listed(&crate::host::HostFacts::domain("customer.cloudflare.net")));
        assert_eq!(owner("www.cloudflare.com"), Some(Owner::Brand(0)));
        let (problems, warnings) = validate::check_with_warnings(text, "p.toml");
        assert!(problems.is_empty(), "{problems:?}");
        expect_test::expect![[r#"
            [
                "p.toml:3:30: warning: \"cloudflare.net\" is on the Public Suffix List (its sub-names belong to your customers): only cloudflare.net itself is owned and safe, not the names under it",
            ]
        "#]]
        .assert_debug_eq(&warnings.iter().map(ToString::to_string).collect::<Vec<_>>());
        // A suffix anyone can register under is still refused.
        assert!(
            Policy::from_toml("[[brand]]\nname = \"X\"\ndomains = [\"co.uk\"]\n", "p").is_err()
        );
    }

    #[test]
    fn short_names_load_in_check_and_compile_alike() {
        for name in ["hp", "bt", "ge", "3m", "ea", "x"] {
            let text = format!("[[brand]]\nname = \"{name}\"\ndomains = [\"{name}.com\"]\n");
            assert!(validate::check(&text, "p").is_empty(), "{name}");
            let p = Policy::from_toml(&text, "p").unwrap();
            assert!(p.brands[0].keywords[0].is_short(), "{name}");
            let text = format!(
                "[[brand]]\nname = \"A\"\ndomains = [\"a.com\"]\nkeywords = [\"{name}\"]\naliases = [\"{name}\"]\n"
            );
            assert!(validate::check(&text, "p").is_empty(), "{name}");
            assert!(Policy::from_toml(&text, "p").is_ok(), "{name}");
        }
        let text = "[[brand]]\nname = \"A\"\ndomains = [\"a.com\"]\naliases = [\"&\"]\n";
        assert_eq!(validate::check(text, "p").len(), 1);
    }

    #[test]
    fn keyword_hits_are_found_on_folded_labels() {
        let p = Policy::from_toml(TWILIO, "t").unwrap();
        let hits = p.keyword_hits(&comparison_form("oktalogin-tw1lio"));
        assert_eq!(hits.len(), 1);
        assert_eq!(p.brands[hits[0].brand].name, "Twilio");
    }

    #[test]
    fn a_platform_s_own_brand_may_own_its_root_nobody_else() {
        let none: &[String] = &[];
        assert_eq!(open_host_problem("okta.com", Some(("Okta", none))), None);
        assert_eq!(
            open_host_problem("duosecurity.com", Some(("Duo", none))),
            None,
            "Duo's name starts the platform's label"
        );
        assert_eq!(
            open_host_problem("force.com", Some(("Salesforce", none))),
            None,
            "the platform's label ends Salesforce's name"
        );
        for (name, host) in [
            ("Acme", "duosecurity.com"),
            ("Du", "duosecurity.com"),
            ("Acmeforce", "salesforce.com"),
            ("Twilio", "okta.com"),
        ] {
            let p = open_host_problem(host, Some((name, none)));
            assert!(
                p.as_deref()
                    .is_some_and(|p| p.contains("list your exact tenant")),
                "{name} owning {host}: {p:?}"
            );
        }
    }
}

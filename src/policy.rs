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
//! Extensions (optional): `[[brand]] sign_in`, `widely_used`, `country_sites`.
//! [`PolicyFile`] is the file as written; [`Policy`] is the checked, compiled
//! form every rule reads. With no file, [`Policy::builtin`] protects widely
//! impersonated brands (`assets/default-policy.toml`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;
use serde::Deserialize;

use crate::host::comparison_form;
use crate::rules::hosting;

/// The built-in default policy, compiled into the binary.
pub const BUILTIN_POLICY: &str = include_str!("../assets/default-policy.toml");

/// Where the built-in policy says it comes from in messages.
pub const BUILTIN_SOURCE: &str = "built-in default policy";

/// A policy file as written (the contract keys plus optional extensions).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// Who the organisation is and what it promises.
    #[serde(default)]
    pub organization: OrganizationSection,
    /// Brands to protect: the organisation's own and any it cares about.
    #[serde(default)]
    pub brand: Vec<BrandSection>,
}

/// `[organization]`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationSection {
    /// The organisation's name, shown on the policy card.
    #[serde(default)]
    pub name: String,
    /// Promises such as "we will never ask for your password by text".
    #[serde(default)]
    pub never_ask: Vec<String>,
    /// The only places employees sign in (https URLs).
    #[serde(default)]
    pub sign_in: Vec<String>,
}

/// `[[brand]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrandSection {
    /// The brand's name as people know it.
    pub name: String,
    /// Domains the brand owns; a host equal to or under one is the brand's own.
    pub domains: Vec<String>,
    /// Names attackers borrow; default: derived from `domains`.
    #[serde(default)]
    pub keywords: Option<Vec<String>>,
    /// Extension: the brand's real sign-in pages, named in explanations.
    #[serde(default)]
    pub sign_in: Vec<String>,
    /// Extension: the name is common in unrelated, legitimate domains: an
    /// everyday word (Apple, Chase) or a household name that third-party
    /// sites build on (google-analytics.com, paypal-community.com). Then a
    /// combination counts only with known lure words (`apple-id-verify`),
    /// misspellings only one edit away with Chromium's false-positive
    /// filters, and the bare name under another suffix is `suspicious`
    /// rather than `dangerous`. Leave it off for an organisation's own,
    /// distinctive names: there any combination is a warning.
    #[serde(default)]
    pub widely_used: bool,
    /// Extension: the brand runs sites under many country suffixes
    /// (google.de, amazon.fr); its name under an unlisted country suffix is
    /// suspicious rather than dangerous.
    #[serde(default)]
    pub country_sites: bool,
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
    /// The file is not valid TOML or has a key or value of the wrong shape.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong and how to fix it.
        message: String,
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

/// A checked policy: what every rule reads.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `[organization]`
    pub organization: OrganizationSection,
    /// Brands, in the order of the file.
    pub brands: Vec<Brand>,
    /// Where the policy came from (a path, or [`BUILTIN_SOURCE`]).
    pub source: String,
    /// One automaton over every brand keyword's comparison form.
    keyword_matcher: Option<AhoCorasick>,
    /// For each automaton pattern: (brand index, keyword index).
    keyword_owner: Vec<(usize, usize)>,
    /// Every listed domain → the first brand listing it.
    domain_owner: HashMap<String, usize>,
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

    /// Read and check a policy file.
    pub fn from_path(path: &Path) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.to_owned(),
            source,
        })?;
        Policy::from_toml(&text, &path.display().to_string())
    }

    /// Parse and check policy text; `source` names it in error messages.
    pub fn from_toml(text: &str, source: &str) -> Result<Policy, PolicyError> {
        let file: PolicyFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| line_column(text, s.start))
                .unwrap_or((1, 1));
            PolicyError::Syntax {
                path: source.to_owned(),
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })?;
        Policy::compile(file, source)
    }

    /// Check a parsed file and build the matchers.
    pub fn compile(file: PolicyFile, source: &str) -> Result<Policy, PolicyError> {
        let invalid = |message: String| PolicyError::Invalid {
            path: source.to_owned(),
            message,
        };
        for url in &file.organization.sign_in {
            check_sign_in(url).map_err(|m| invalid(format!("[organization] sign_in: {m}")))?;
        }
        let mut brands = Vec::with_capacity(file.brand.len());
        for section in file.brand {
            let name = section.name.trim().to_owned();
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
                domains.push(
                    normalize_domain(d)
                        .map_err(|m| invalid(format!("brand \"{name}\" domains: {m}")))?,
                );
            }
            for url in &section.sign_in {
                check_sign_in(url)
                    .map_err(|m| invalid(format!("brand \"{name}\" sign_in: {m}")))?;
            }
            let keyword_texts = match section.keywords {
                Some(k) => k
                    .iter()
                    .map(|k| k.trim().to_lowercase())
                    .filter(|k| !k.is_empty())
                    .collect(),
                None => default_keywords(&domains),
            };
            let mut keywords: Vec<Keyword> = Vec::new();
            for text in keyword_texts {
                if text.chars().count() < 3 {
                    return Err(invalid(format!(
                        "brand \"{name}\" keyword \"{text}\" is shorter than 3 letters and would match almost anything: use a longer name"
                    )));
                }
                if keywords.iter().all(|k| k.text != text) {
                    keywords.push(Keyword {
                        folded: comparison_form(&text),
                        text,
                    });
                }
            }
            brands.push(Brand {
                name,
                domains_hyphenated: domains.iter().map(|d| d.replace('.', "-")).collect(),
                domains,
                keywords,
                sign_in: section.sign_in,
                widely_used: section.widely_used,
                country_sites: section.country_sites,
            });
        }
        let mut patterns = Vec::new();
        let mut keyword_owner = Vec::new();
        for (bi, brand) in brands.iter().enumerate() {
            for (ki, kw) in brand.keywords.iter().enumerate() {
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
        let mut domain_owner = HashMap::new();
        for (bi, brand) in brands.iter().enumerate() {
            for d in &brand.domains {
                domain_owner.entry(d.clone()).or_insert(bi);
            }
        }
        Ok(Policy {
            organization: file.organization,
            brands,
            source: source.to_owned(),
            keyword_matcher,
            keyword_owner,
            domain_owner,
        })
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

    /// The brand that owns this host, if any.
    ///
    /// A host equal to a listed domain is owned. A host *under* a listed
    /// domain is owned too, except where the listed domain is a shared
    /// platform whose sub-names belong to its customers (`evil.okta.com` is
    /// not Okta's own page) or the host is on a user-content or shortener
    /// list (`sites.google.com`): there only an exact listing counts.
    pub fn owner_of(&self, host: &crate::host::HostFacts) -> Option<usize> {
        // The most specific listed domain decides (`twilio.okta.com` before `okta.com`).
        let (listed, brand) = crate::host::suffixes(&host.ascii)
            .find_map(|s| self.domain_owner.get(s).map(|b| (s, *b)))?;
        if listed == host.ascii {
            return Some(brand);
        }
        let user_content = hosting::classify(&host.ascii).is_some();
        (!user_content && !hosting::is_shared_platform(listed)).then_some(brand)
    }

    /// The host is at or under a domain some brand lists, even where that
    /// does not make it safe (a customer's tenant on `okta.com`, user content
    /// on `googleusercontent.com`). Brand-imitation rules leave such hosts alone:
    /// they are the brand's own infrastructure, not a lookalike of it.
    pub fn listed(&self, host: &crate::host::HostFacts) -> bool {
        crate::host::suffixes(&host.ascii).any(|s| self.domain_owner.contains_key(s))
    }

    /// The organisation's name, or a neutral phrase when the policy has none.
    pub fn organization_name(&self) -> &str {
        let n = self.organization.name.trim();
        if n.is_empty() { "your organisation" } else { n }
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Check and normalise a `domains` entry to ASCII lower case.
fn normalize_domain(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_end_matches('.');
    if trimmed.contains("://") || trimmed.contains('/') {
        return Err(format!(
            "\"{raw}\" is a URL, not a domain: write only the host name, e.g. \"example.com\""
        ));
    }
    let ascii = idna::domain_to_ascii(trimmed)
        .map_err(|_| format!("\"{raw}\" is not a valid domain name"))?;
    if !ascii.contains('.') {
        return Err(format!(
            "\"{raw}\" is not a domain: write a full name such as \"example.com\""
        ));
    }
    let is_suffix = psl::suffix(ascii.as_bytes())
        .is_some_and(|s| s.is_known() && s.as_bytes() == ascii.as_bytes());
    if is_suffix {
        return Err(format!(
            "\"{raw}\" is a public suffix that anyone can register names under: list a domain you own, e.g. \"example.{ascii}\""
        ));
    }
    Ok(ascii)
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
fn default_keywords(domains: &[String]) -> Vec<String> {
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

    const TWILIO: &str = r#"
[organization]
name = "Twilio"
never_ask = ["Twilio will never ask for your password or 2FA code anywhere other than the twilio.com portal."]
sign_in = ["https://twilio.okta.com"]

[[brand]]
name = "Twilio"
domains = ["twilio.com", "twilio.okta.com"]

[[brand]]
name = "SendGrid"
domains = ["sendgrid.com"]
"#;

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
    fn syntax_errors_name_line_and_column() {
        let err = Policy::from_toml("[organization]\nname = \"x\"\nnevr_ask = []\n", "p.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("p.toml:3:1: unknown field `nevr_ask`"),
            "{err}"
        );
    }

    #[test]
    fn public_suffix_as_domain_is_refused() {
        let err = Policy::from_toml("[[brand]]\nname = \"X\"\ndomains = [\"co.uk\"]\n", "p.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "p.toml: brand \"X\" domains: \"co.uk\" is a public suffix that anyone can register names under: list a domain you own, e.g. \"example.co.uk\""
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
    fn keyword_hits_are_found_on_folded_labels() {
        let p = Policy::from_toml(TWILIO, "t").unwrap();
        let hits = p.keyword_hits(&comparison_form("oktalogin-tw1lio"));
        assert_eq!(hits.len(), 1);
        assert_eq!(p.brands[hits[0].brand].name, "Twilio");
    }
}

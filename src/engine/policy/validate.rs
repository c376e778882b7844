//! Checking a policy file as IT would before deploying it: every problem,
//! each with file, line, column, what is wrong and how to fix it.
//!
//! The file is parsed into toml's spanned tree (which survives syntax errors)
//! and walked against the schema ([`super::schema::KEYS`]), so one run reports all unknown keys
//! (with a "did you mean"), wrong types, bad domains, public suffixes,
//! sign-in pages off the trusted hosts, duplicates and conflicts.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Tls;
use super::schema::{self, Type};
use crate::engine::rule_ids::POLICY_RULE_IDS;

/// One problem in a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (or a name for text that has none).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

fn describe(kind: Type) -> &'static str {
    match kind {
        Type::Str => "a string, e.g. \"text\"",
        Type::Bool => "true or false",
        Type::Int { .. } => "a whole number",
        Type::StrList => "a list of strings, e.g. [\"a\", \"b\"]",
        Type::Table => "a table (a [section])",
        Type::TableList => "a list of tables ([[section]] entries)",
        Type::StrMap => "a table of strings, e.g. { rule-id = \"text\" }",
        Type::StrListMap => "a table of string lists, e.g. { es = [\"nómina\"] }",
    }
}

/// A string value with where it was written.
#[derive(Debug, Clone)]
struct At {
    text: String,
    span: Range<usize>,
}

struct Checker<'t> {
    text: &'t str,
    file: String,
    problems: Vec<Problem>,
    /// Accepted, but worth saying (`policy check` prints them).
    warnings: Vec<Problem>,
    /// Strings by dotted path (`brand.domains`, `organization.sign_in`),
    /// for the checks that need the whole file.
    strings: HashMap<&'static str, Vec<At>>,
    maps: HashMap<&'static str, Vec<(At, At)>>,
    brand_names: Vec<At>,
    /// Each brand's `keywords`, by brand index.
    brand_keywords: Vec<Vec<String>>,
    brand_domains: Vec<(usize, At)>,
    smtp: Option<(Option<At>, Option<At>, Range<usize>)>,
}

impl Checker<'_> {
    fn warn(&mut self, span: Range<usize>, message: String) {
        let (line, column) = line_column(self.text, span.start);
        self.warnings.push(Problem {
            file: self.file.clone(),
            line,
            column,
            message: format!("warning: {message}"),
        });
    }

    fn problem(&mut self, span: Range<usize>, message: String) {
        let (line, column) = line_column(self.text, span.start);
        self.problems.push(Problem {
            file: self.file.clone(),
            line,
            column,
            message,
        });
    }

    /// Check the keys of the table at `path` (`""`: the top level) against
    /// the schema's rows inside it.
    fn walk_table(&mut self, table: &DeTable<'_>, path: &str) {
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            let Some(row) = schema::children(path).find(|k| schema::name(k.path) == name) else {
                let known: Vec<&str> = schema::children(path)
                    .map(|k| schema::name(k.path))
                    .collect();
                let hint = did_you_mean(name, &known)
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("known keys: {}.", known.join(", ")));
                let place = if path.is_empty() {
                    "at the top level".to_owned()
                } else {
                    format!("in [{path}]")
                };
                self.problem(key.span(), format!("unknown key `{name}` {place}; {hint}"));
                continue;
            };
            self.walk_value(value, row.ty, schema::name(row.path), row.path);
        }
    }

    fn walk_value(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        kind: Type,
        key: &str,
        path: &'static str,
    ) {
        let span = value.span();
        let wrong = |c: &mut Self| {
            c.problem(span.clone(), format!("`{key}` must be {}", describe(kind)));
        };
        match (kind, value.get_ref()) {
            (Type::Str, DeValue::String(s)) => {
                self.strings.entry(path).or_default().push(At {
                    text: s.to_string(),
                    span: span.clone(),
                });
            }
            (Type::Bool, DeValue::Boolean(_)) => {}
            (Type::Int { min, max }, DeValue::Integer(i)) => {
                let ok = i
                    .as_str()
                    .parse::<u32>()
                    .is_ok_and(|n| (min..=max).contains(&n));
                if !ok {
                    let hint = match path {
                        "feed.interval_minutes" => " (a day), e.g. 15",
                        "report.smtp.port" => " (587 for STARTTLS, 465 for TLS)",
                        _ => "",
                    };
                    self.problem(
                        span.clone(),
                        format!("`{key}` must be between {min} and {max}{hint}"),
                    );
                }
            }
            (Type::StrList, DeValue::Array(items)) => {
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(s) => {
                            self.strings.entry(path).or_default().push(At {
                                text: s.to_string(),
                                span: item.span(),
                            });
                        }
                        _ => {
                            self.problem(item.span(), format!("`{key}` must be {}", describe(kind)))
                        }
                    }
                }
            }
            (Type::StrMap, DeValue::Table(t)) => {
                for (k, v) in t.iter() {
                    let key_at = At {
                        text: k.get_ref().to_string(),
                        span: k.span(),
                    };
                    match v.get_ref() {
                        DeValue::String(s) => {
                            let v_at = At {
                                text: s.to_string(),
                                span: v.span(),
                            };
                            self.maps.entry(path).or_default().push((key_at, v_at));
                        }
                        _ => self.problem(v.span(), format!("values of `{key}` must be strings")),
                    }
                }
            }
            (Type::StrListMap, DeValue::Table(t)) => {
                for (k, v) in t.iter() {
                    let key_at = At {
                        text: k.get_ref().to_string(),
                        span: k.span(),
                    };
                    match v.get_ref() {
                        DeValue::Array(items) => {
                            for item in items.iter() {
                                match item.get_ref() {
                                    DeValue::String(s) => {
                                        let v_at = At {
                                            text: s.to_string(),
                                            span: item.span(),
                                        };
                                        self.maps
                                            .entry(path)
                                            .or_default()
                                            .push((key_at.clone(), v_at));
                                    }
                                    _ => self.problem(
                                        item.span(),
                                        format!("`{key}` must be {}", describe(kind)),
                                    ),
                                }
                            }
                        }
                        _ => self.problem(v.span(), format!("`{key}` must be {}", describe(kind))),
                    }
                }
            }
            (Type::Table, DeValue::Table(t)) => {
                if path == "report.smtp" {
                    let get = |name: &str| {
                        t.get(name).and_then(|v| match v.get_ref() {
                            DeValue::String(s) => Some(At {
                                text: s.to_string(),
                                span: v.span(),
                            }),
                            _ => None,
                        })
                    };
                    self.smtp = Some((get("host"), get("tls"), span.clone()));
                }
                self.walk_table(t, path);
            }
            (Type::TableList, DeValue::Array(items)) => {
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::Table(t) => {
                            if path == "brand" {
                                self.brand(t, item.span());
                            }
                            self.walk_table(t, path);
                        }
                        _ => {
                            self.problem(item.span(), format!("`{key}` must be {}", describe(kind)))
                        }
                    }
                }
            }
            _ => wrong(self),
        }
    }

    /// Per-brand checks that need the brand's own fields together.
    fn brand(&mut self, t: &DeTable<'_>, span: Range<usize>) {
        let index = self.brand_names.len();
        let keywords = match t.get("keywords").map(|v| v.get_ref()) {
            Some(DeValue::Array(items)) => items
                .iter()
                .filter_map(|i| match i.get_ref() {
                    DeValue::String(s) => Some(s.to_string()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        self.brand_keywords.push(keywords);
        match t.get("name").map(|v| (v.get_ref(), v.span())) {
            Some((DeValue::String(s), at)) if !s.trim().is_empty() => {
                self.brand_names.push(At {
                    text: s.trim().to_owned(),
                    span: at,
                });
            }
            Some((_, at)) => {
                self.brand_names.push(At {
                    text: String::new(),
                    span: at.clone(),
                });
                self.problem(
                    at,
                    "a brand's `name` must be the name people know it by, e.g. name = \"Example\""
                        .into(),
                );
            }
            None => {
                self.brand_names.push(At {
                    text: String::new(),
                    span: span.clone(),
                });
                self.problem(
                    span.clone(),
                    "this [[brand]] has no `name`: add name = \"…\"".into(),
                );
            }
        }
        match t.get("domains").map(|v| (v.get_ref(), v.span())) {
            Some((DeValue::Array(items), at)) => {
                if items.is_empty() {
                    self.problem(
                        at,
                        "`domains` is empty: list at least one domain the brand owns".into(),
                    );
                }
                for item in items.iter() {
                    if let DeValue::String(s) = item.get_ref() {
                        self.brand_domains.push((
                            index,
                            At {
                                text: s.to_string(),
                                span: item.span(),
                            },
                        ));
                    }
                }
            }
            Some(_) => {}
            None => self.problem(
                span,
                "this [[brand]] has no `domains`: add domains = [\"example.com\"]".into(),
            ),
        }
    }

    fn finish(mut self) -> (Vec<Problem>, Vec<Problem>) {
        let take = |c: &mut Self, p: &str| {
            debug_assert!(schema::find(p).is_some(), "`{p}` is not a policy key");
            c.strings.get(p).cloned().unwrap_or_default()
        };
        // Brand names: no duplicates.
        let names = self.brand_names.clone();
        for (i, n) in names.iter().enumerate() {
            if n.text.is_empty() {
                continue;
            }
            if let Some(first) = names
                .iter()
                .take(i)
                .find(|m| super::brand_key(&m.text) == super::brand_key(&n.text))
            {
                let (line, _) = line_column(self.text, first.span.start);
                self.problem(n.span.clone(), format!("brand \"{}\" is listed twice (first on line {line}): merge the two entries", n.text));
            }
        }
        // Domains: valid, not a public suffix, owned by one brand only.
        let mut owned: Vec<(String, usize, At)> = Vec::new();
        for (brand, at) in self.brand_domains.clone() {
            match super::normalize_owned_domain(&at.text) {
                Ok((d, exact)) => {
                    let name = self
                        .brand_names
                        .get(brand)
                        .map(|n| n.text.clone())
                        .unwrap_or_default();
                    let keywords = self.brand_keywords.get(brand).cloned().unwrap_or_default();
                    if let Some(m) = super::open_host_problem(&d, Some((&name, &keywords))) {
                        self.problem(at.span.clone(), m);
                    } else if exact {
                        self.warn(at.span.clone(), format!("\"{}\" is on the Public Suffix List (its sub-names belong to your customers): only {d} itself is owned and safe, not the names under it", at.text));
                    }
                    if let Some((_, other, first)) = owned.iter().find(|(o, _, _)| *o == d)
                        && *other != brand
                    {
                        let (line, _) = line_column(self.text, first.span.start);
                        self.problem(at.span.clone(), format!("\"{}\" is already listed by another brand (line {line}): a domain belongs to one brand", at.text));
                    }
                    owned.push((d, brand, at));
                }
                Err(m) => self.problem(at.span.clone(), m),
            }
        }
        let mut trusted: Vec<String> = Vec::new();
        for at in take(&mut self, "detection.trusted_hosts") {
            match super::normalize_domain(&at.text) {
                Ok(d) => {
                    if let Some(m) = super::open_host_problem(&d, None) {
                        self.problem(at.span.clone(), format!("trusted_hosts: {m}"));
                    }
                    trusted.push(d)
                }
                Err(m) => self.problem(at.span, format!("trusted_hosts: {m}")),
            }
        }
        let is_ours = |host: &str| {
            owned
                .iter()
                .map(|(d, _, _)| d)
                .chain(trusted.iter())
                .any(|d| crate::host::is_at_or_under(host, d))
        };
        // Sign-in pages: https, on an owned domain or trusted host.
        for path in ["organization.sign_in", "brand.sign_in"] {
            for at in take(&mut self, path) {
                match url::Url::parse(&at.text) {
                    Ok(u) if u.scheme() == "https" => {
                        let host = u.host_str().unwrap_or("").trim_end_matches('.');
                        if !is_ours(host) {
                            self.problem(at.span, format!("sign-in page \"{}\" is not on a domain this policy owns or trusts: add \"{host}\" to a brand's `domains` or to [detection] trusted_hosts", at.text));
                        }
                    }
                    Ok(_) => self.problem(at.span, format!("sign-in page \"{}\" must be an https:// address, e.g. \"https://example.okta.com\"", at.text)),
                    Err(e) => self.problem(at.span, format!("\"{}\" is not a valid address ({e}); write it like \"https://example.okta.com\"", at.text)),
                }
            }
        }
        for path in ["brand.keywords", "brand.aliases"] {
            for at in take(&mut self, path) {
                if !at.text.chars().any(char::is_alphanumeric) {
                    let what = path.trim_start_matches("brand.");
                    self.problem(at.span, format!("{what} entry \"{}\" has no letters or digits: write the name as people write it, e.g. \"NWH\"", at.text));
                }
            }
        }
        for at in take(&mut self, "detection.combo_keywords") {
            if at.text.trim().chars().count() < 2 || at.text.contains('.') {
                self.problem(at.span, format!("combo keyword \"{}\" must be a word of two letters or more, without dots (e.g. \"payroll\")", at.text));
            }
        }
        // Indicators: valid domains that are not ours.
        for (path, what) in [
            ("indicators.blocked", "blocked"),
            ("indicators.training", "training"),
        ] {
            for at in take(&mut self, path) {
                match super::normalize_domain(&at.text) {
                    Ok(d) if is_ours(&d) => self.problem(at.span, format!("{what} domain \"{}\" is also listed as owned or trusted: remove it from one of the two", at.text)),
                    Ok(_) => {}
                    Err(m) => self.problem(at.span, format!("{what}: {m}")),
                }
            }
        }
        // Rules named in [detection].
        let ids = POLICY_RULE_IDS;
        for (path, what) in [
            ("detection.severity", "severity"),
            ("detection.disabled", "disabled"),
        ] {
            for (rule, value) in self.maps.get(path).cloned().unwrap_or_default() {
                if !ids.contains(&rule.text.as_str()) {
                    let hint = did_you_mean(&rule.text, ids)
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| "see `secondlook --help` for the rule ids.".to_owned());
                    self.problem(
                        rule.span,
                        format!("[detection] {what}: unknown rule `{}`; {hint}", rule.text),
                    );
                } else if rule.text == "own-domain" {
                    self.problem(rule.span, format!("[detection] {what}: `own-domain` decides what is safe and cannot be changed"));
                } else if what == "severity"
                    && !matches!(value.text.as_str(), "info" | "suspicious" | "dangerous")
                {
                    self.problem(
                        value.span,
                        format!(
                            "severity \"{}\" must be \"info\", \"suspicious\" or \"dangerous\"",
                            value.text
                        ),
                    );
                } else if what == "disabled" && value.text.trim().is_empty() {
                    self.problem(
                        value.span,
                        "give the reason a rule is switched off, e.g. \"noisy for our help desk\""
                            .into(),
                    );
                }
            }
        }
        // Lure words: a known language, a word of three letters or more.
        for (lang, value) in self
            .maps
            .get("detection.lure_words")
            .cloned()
            .unwrap_or_default()
        {
            if !crate::engine::fold::FILES
                .iter()
                .any(|(code, _)| *code == lang.text)
            {
                self.problem(
                    lang.span,
                    format!(
                        "[detection] lure_words: unknown language `{}`; use one of {}",
                        lang.text,
                        crate::engine::fold::language_codes()
                    ),
                );
            } else if value.text.trim().chars().count() < 3 {
                self.problem(value.span, format!("lure word \"{}\" is shorter than 3 letters and would match almost anything: use a longer word or phrase", value.text));
            }
        }
        // Organisation extras.
        for at in take(&mut self, "organization.help_phone") {
            let digits = at.text.chars().filter(char::is_ascii_digit).count();
            let ok = (3..=20).contains(&digits)
                && at.text.chars().count() <= 60
                && at.text.chars().all(|c| !c.is_control());
            if !ok {
                self.problem(
                    at.span,
                    format!("help_phone \"{}\" must be a phone number people can dial, e.g. \"+1 555 0100\" (3 to 20 digits, at most 60 characters)", at.text),
                );
            }
        }
        for at in take(&mut self, "organization.color") {
            let ok = at.text.len() == 7
                && at.text.starts_with('#')
                && at.text[1..].bytes().all(|b| b.is_ascii_hexdigit());
            if !ok {
                self.problem(
                    at.span,
                    format!("color \"{}\" must be written like \"#1f6feb\"", at.text),
                );
            }
        }
        for at in take(&mut self, "organization.help_url") {
            if !url::Url::parse(&at.text).is_ok_and(|u| u.scheme() == "https") {
                self.problem(
                    at.span,
                    format!("help_url \"{}\" must be an https:// address", at.text),
                );
            }
        }
        for at in take(&mut self, "organization.logo") {
            if let Err(m) = super::check_logo(&at.text) {
                self.problem(at.span, format!("logo {m}"));
            }
        }
        for at in take(&mut self, "organization.help_hours") {
            if at.text.trim().is_empty() || at.text.chars().count() > 120 {
                self.problem(
                    at.span,
                    "help_hours must say in a few words when the help desk answers, e.g. \"Mon–Fri 8:00–18:00, 24/7 for incidents\" (at most 120 characters)".into(),
                );
            }
        }
        // Report destinations (the contract shared with the reporting work).
        for at in take(&mut self, "report.email") {
            let domain_ok = at
                .text
                .rsplit_once('@')
                .is_some_and(|(local, d)| !local.is_empty() && super::normalize_domain(d).is_ok());
            if !domain_ok {
                self.problem(
                    at.span,
                    format!(
                        "email \"{}\" is not an e-mail address like \"phishing@example.com\"",
                        at.text
                    ),
                );
            }
        }
        for at in take(&mut self, "report.from") {
            let ok = at.text.rsplit_once('@').is_some_and(|(local, d)| {
                !local.trim().is_empty() && super::normalize_domain(d.trim_end_matches('>')).is_ok()
            });
            if !ok {
                self.problem(
                    at.span,
                    format!(
                        "from \"{}\" is not an e-mail address like \"secondlook@example.com\" (the address your mail relay may send as)",
                        at.text
                    ),
                );
            }
        }
        for at in take(&mut self, "report.reporter_email") {
            let ok = at.text.contains("{user}")
                && at.text.rsplit_once('@').is_some_and(|(local, d)| {
                    !local.is_empty() && super::normalize_domain(d).is_ok()
                });
            if !ok {
                self.problem(
                    at.span,
                    format!(
                        "reporter_email \"{}\" must be an address pattern with {{user}}, like \"{{user}}@example.com\"",
                        at.text
                    ),
                );
            }
        }
        if let Some((host, tls, span)) = self.smtp.clone() {
            match &host {
                None => self.problem(
                    span.clone(),
                    "[report.smtp] needs `host`, e.g. host = \"smtp.example.com\"".into(),
                ),
                Some(h) if h.text.trim().is_empty() => {
                    self.problem(h.span.clone(), "[report.smtp] host is empty".into())
                }
                _ => {}
            }
            match &tls {
                Some(t)
                    if Tls::parse(&t.text) == Some(Tls::Plain)
                        && !host.as_ref().is_some_and(|h| is_loopback(&h.text)) =>
                {
                    self.problem(t.span.clone(), "tls = \"none\" sends reports unencrypted and is allowed only to a loopback address (localhost, 127.0.0.1, ::1): use \"starttls\" or \"tls\"".into());
                }
                Some(t) if Tls::parse(&t.text).is_none() => {
                    self.problem(
                        t.span.clone(),
                        format!(
                            "tls \"{}\" must be \"starttls\", \"tls\" or \"none\"",
                            t.text
                        ),
                    );
                }
                _ => {}
            }
        }
        for at in take(&mut self, "report.webhook.url") {
            match url::Url::parse(&at.text) {
                Ok(u) if u.scheme() == "https" => {}
                Ok(u) if u.scheme() == "http" && u.host_str().is_some_and(is_loopback) => {}
                Ok(_) => self.problem(
                    at.span,
                    format!(
                        "webhook url \"{}\" must be https:// (http:// only to a loopback address)",
                        at.text
                    ),
                ),
                Err(e) => self.problem(
                    at.span,
                    format!("webhook url \"{}\" is not a valid address ({e})", at.text),
                ),
            }
        }
        for at in take(&mut self, "report.webhook.format") {
            if super::WebhookFormat::parse(&at.text).is_none() {
                self.problem(at.span, format!("webhook format \"{}\" must be \"json\", \"slack\", \"teams\" or \"splunk\"", at.text));
            }
        }
        for at in take(&mut self, "desktop.notify") {
            if super::Notify::parse(&at.text).is_none() {
                self.problem(
                    at.span,
                    format!(
                        "notify \"{}\" must be \"suspicious\" (suspicious and dangerous links), \"dangerous\" or \"off\"",
                        at.text
                    ),
                );
            }
        }
        for path in ["feed.url", "feed.signature_url"] {
            for at in take(&mut self, path) {
                let key = path.trim_start_matches("feed.");
                if !url::Url::parse(&at.text)
                    .is_ok_and(|u| u.scheme() == "https" && u.host_str().is_some())
                {
                    self.problem(at.span, format!("[feed] {key} \"{}\" must be an https:// address, e.g. \"https://it.example.com/secondlook/feed.toml\"", at.text));
                }
            }
        }
        for at in take(&mut self, "feed.public_key") {
            if let Err(e) = minisign_verify::PublicKey::from_base64(at.text.trim()) {
                self.problem(at.span, format!("feed.public_key is not a minisign public key ({e}): give the second line of the .pub file `secondlook feed keygen` or `minisign -G` wrote (it starts with RW)"));
            }
        }
        for path in ["report.smtp.password_env", "report.webhook.token_env"] {
            for at in take(&mut self, path) {
                let ok = !at.text.is_empty()
                    && at
                        .text
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
                    && !at.text.as_bytes()[0].is_ascii_digit();
                if !ok {
                    self.problem(at.span, format!("\"{}\" must name an environment variable, like \"SECONDLOOK_SMTP_PASSWORD\" (capital letters, digits, _)", at.text));
                }
            }
        }
        self.problems.sort_by_key(|p| (p.line, p.column));
        (self.problems, self.warnings)
    }
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_matches(['[', ']']);
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The closest known name, if it is close enough to be a typo.
fn did_you_mean<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Every problem in `text` (a policy file named `file`); empty when it is valid.
pub fn check(text: &str, file: &str) -> Vec<Problem> {
    check_with_warnings(text, file).0
}

/// Every problem, and the warnings about what is accepted but limited (an
/// owned domain on the Public Suffix List: only it, not its sub-names, is
/// owned). Warnings start with "warning: ".
pub fn check_with_warnings(text: &str, file: &str) -> (Vec<Problem>, Vec<Problem>) {
    let (root, errors) = DeTable::parse_recoverable(text);
    let mut c = Checker {
        text,
        file: file.to_owned(),
        problems: Vec::new(),
        warnings: Vec::new(),
        strings: HashMap::new(),
        maps: HashMap::new(),
        brand_names: Vec::new(),
        brand_keywords: Vec::new(),
        brand_domains: Vec::new(),
        smtp: None,
    };
    for e in &errors {
        let at = e.span().unwrap_or(0..0);
        c.problem(
            at,
            format!("{} (this is not valid TOML)", e.message().trim()),
        );
    }
    c.walk_table(root.get_ref(), "");
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn run(text: &str) -> String {
        check(text, "p.toml")
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_shipped_policies_have_no_problems() {
        for text in [
            include_str!("../../../packaging/policies/complete.toml"),
            include_str!("../../../packaging/policies/minimal.toml"),
            include_str!("../../../packaging/policies/twilio-like.toml"),
            include_str!("../../../assets/default-policy.toml"),
        ] {
            assert_eq!(run(text), "");
        }
    }

    const BAD: &str = r#"[organization]
nme = "Acme"
sign_in = ["http://acme.okta.com", "https://login.evil.example"]
color = "red"

[[brand]]
name = "Acme"
domains = ["acme.com", "com", "https://acme.org", "acme.okta.com"]
keywords = ["ac"]

[[brand]]
name = "acme"
domains = ["acme.com"]

[detection]
severity = { typosquatt = "dangerous", homoglyph = "severe", own-domain = "info" }
disabled = { message-lure = "" }
trusted_hosts = ["co.uk"]

[indicators]
blocked = ["acme.com", "evil[.]com"]

[report]
email = "security"
[report.smtp]
host = "smtp.acme.com"
port = 70000
tls = "none"
password_env = "smtp password"
[[report.webhook]]
url = "http://hooks.acme.com/x"

[extra]
"#;

    #[test]
    fn lure_words_and_help_phone_are_checked() {
        expect![[r#"
            p.toml:2:14: help_phone "call the desk" must be a phone number people can dial, e.g. "+1 555 0100" (3 to 20 digits, at most 60 characters)
            p.toml:4:16: [detection] lure_words: unknown language `xx`; use one of en, es, de, fr, pt, it, nl, ja, sv, pl, tr, zh, ko, id, ro, ar
            p.toml:4:39: lure word "no" is shorter than 3 letters and would match almost anything: use a longer word or phrase
            p.toml:4:51: `lure_words` must be a table of string lists, e.g. { es = ["nómina"] }"#]].assert_eq(&run(
            "[organization]\nhelp_phone = \"call the desk\"\n[detection]\nlure_words = { xx = [\"nómina\"], es = [\"no\"], en = \"PeopleHub\" }\n",
        ));
        assert_eq!(
            run(
                "[organization]\nhelp_phone = \"+1 555 0100\"\n[detection]\nlure_words = { es = [\"portal del empleado\"], ja = [\"給与ポータル\"] }\n"
            ),
            ""
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_position() {
        expect![[r##"
            p.toml:2:1: unknown key `nme` in [organization]; did you mean `name`?
            p.toml:3:12: sign-in page "http://acme.okta.com" must be an https:// address, e.g. "https://example.okta.com"
            p.toml:3:36: sign-in page "https://login.evil.example" is not on a domain this policy owns or trusts: add "login.evil.example" to a brand's `domains` or to [detection] trusted_hosts
            p.toml:4:9: color "red" must be written like "#1f6feb"
            p.toml:8:24: "com" is not a domain: write a full name such as "example.com"
            p.toml:8:31: "https://acme.org" is a URL, not a domain: write only the host name, e.g. "example.com"
            p.toml:12:8: brand "acme" is listed twice (first on line 7): merge the two entries
            p.toml:13:12: "acme.com" is already listed by another brand (line 8): a domain belongs to one brand
            p.toml:16:14: [detection] severity: unknown rule `typosquatt`; did you mean `typosquat`?
            p.toml:16:52: severity "severe" must be "info", "suspicious" or "dangerous"
            p.toml:16:62: [detection] severity: `own-domain` decides what is safe and cannot be changed
            p.toml:17:29: give the reason a rule is switched off, e.g. "noisy for our help desk"
            p.toml:18:18: trusted_hosts: "co.uk" is a public suffix that anyone can register names under: list a domain you own, e.g. "example.co.uk"
            p.toml:21:12: blocked domain "acme.com" is also listed as owned or trusted: remove it from one of the two
            p.toml:21:24: blocked: "evil[.]com" is not a valid domain name: use letters, digits, hyphens and dots, e.g. "example.com"
            p.toml:24:9: email "security" is not an e-mail address like "phishing@example.com"
            p.toml:27:8: `port` must be between 1 and 65535 (587 for STARTTLS, 465 for TLS)
            p.toml:28:7: tls = "none" sends reports unencrypted and is allowed only to a loopback address (localhost, 127.0.0.1, ::1): use "starttls" or "tls"
            p.toml:29:16: "smtp password" must name an environment variable, like "SECONDLOOK_SMTP_PASSWORD" (capital letters, digits, _)
            p.toml:31:7: webhook url "http://hooks.acme.com/x" must be https:// (http:// only to a loopback address)
            p.toml:33:2: unknown key `extra` at the top level; known keys: organization, brand, detection, indicators, report, desktop, events, feed."##]].assert_eq(&run(BAD));
    }

    #[test]
    fn reporter_identity_keys_are_checked() {
        expect![[r#"
            p.toml:2:8: from "security team" is not an e-mail address like "secondlook@example.com" (the address your mail relay may send as)
            p.toml:3:18: reporter_email "ada@example.com" must be an address pattern with {user}, like "{user}@example.com"
            p.toml:4:20: `include_identity` must be true or false"#]]
        .assert_eq(&run(
            "[report]\nfrom = \"security team\"\nreporter_email = \"ada@example.com\"\ninclude_identity = \"no\"\n",
        ));
        assert_eq!(
            run(
                "[report]\nfrom = \"secondlook@example.com\"\nreporter_email = \"{user}@example.com\"\ninclude_identity = false\n"
            ),
            ""
        );
    }

    #[test]
    fn syntax_errors_are_reported_and_the_rest_still_checked() {
        let text = "[organization]\nname = \"Acme\nnever_ask = [\"x\"]\n\n[[brand]]\nname = \"Acme\"\ndomain = [\"acme.com\"]\n";
        let out = run(text);
        assert!(out.contains("p.toml:2:"), "{out}");
        assert!(
            out.contains("unknown key `domain` in [brand]; did you mean `domains`?"),
            "{out}"
        );
    }

    #[test]
    fn wrong_types_say_what_is_expected() {
        expect![[r#"
            p.toml:3:11: `domains` must be a list of strings, e.g. ["a", "b"]
            p.toml:4:15: `widely_used` must be true or false"#]]
        .assert_eq(&run(
            "[[brand]]\nname = \"A\"\ndomains = \"a.com\"\nwidely_used = \"yes\"\n",
        ));
    }

    #[test]
    fn hosts_anyone_can_publish_under_are_refused_as_owned_or_trusted() {
        let text = r#"[[brand]]
name = "Acme"
domains = ["acme.com", "bit.ly", "docs.google.com", "github.io", "okta.com", "acme.okta.com", "acme.github.io"]

[[brand]]
name = "Slack"
domains = ["slack.com"]

[detection]
trusted_hosts = ["slack.com", "acme.slack.com", "x.tinyurl.com"]
user_additions = false
"#;
        expect![[r#"
            p.toml:3:24: anyone can publish under bit.ly; list the exact link or leave it out (a link shortener hides where its links go)
            p.toml:3:34: anyone can publish under docs.google.com; list the exact link or leave it out
            p.toml:3:53: anyone can publish under github.io; list the exact link or leave it out (an exact site such as "example.github.io" is fine)
            p.toml:3:66: anyone can get a sign-in page under okta.com (each customer gets a name such as "example.okta.com"); list your exact tenant or leave it out
            p.toml:10:18: trusted_hosts: anyone can get a sign-in page under slack.com (each customer gets a name such as "example.slack.com"); list your exact tenant or leave it out
            p.toml:10:49: trusted_hosts: anyone can publish under tinyurl.com; list the exact link or leave it out (a link shortener hides where its links go)"#]].assert_eq(&run(text));
    }

    #[test]
    fn feed_keys_are_checked() {
        expect![[r#"
            p.toml:2:7: [feed] url "http://it.example.com/feed.toml" must be an https:// address, e.g. "https://it.example.com/secondlook/feed.toml"
            p.toml:3:17: [feed] signature_url "feed.minisig" must be an https:// address, e.g. "https://it.example.com/secondlook/feed.toml"
            p.toml:4:14: feed.public_key is not a minisign public key (Invalid encoding in minisign data): give the second line of the .pub file `secondlook feed keygen` or `minisign -G` wrote (it starts with RW)
            p.toml:5:20: `interval_minutes` must be between 1 and 1440 (a day), e.g. 15
            p.toml:6:1: unknown key `sequence` in [feed]; known keys: url, signature_url, public_key, interval_minutes."#]].assert_eq(&run(
            "[feed]\nurl = \"http://it.example.com/feed.toml\"\nsignature_url = \"feed.minisig\"\npublic_key = \"RWnope\"\ninterval_minutes = 0\nsequence = 3\n",
        ));
        expect![[""]].assert_eq(&run(
            "[feed]\nurl = \"https://it.example.com/feed.toml\"\npublic_key = \"RWQjI9sDblRmkYeYIuzu0b16K3PC3QOalQeZWuk8WExPI38PsIY+rCFV\"\ninterval_minutes = 15\n",
        ));
    }

    #[test]
    fn brand_names_differing_in_spaces_or_case_are_one_brand() {
        expect![[r#"p.toml:5:8: brand "twilio" is listed twice (first on line 2): merge the two entries"#]].assert_eq(&run(
            "[[brand]]\nname = \"Twilio\"\ndomains = [\"twilio.com\"]\n[[brand]]\nname = \" twilio  \"\ndomains = [\"twilio-okta.com\"]\n",
        ));
    }

    #[test]
    fn the_rule_ids_a_policy_may_name_are_the_registry_s() {
        let registry: Vec<&str> = crate::rules::LINK_RULES
            .iter()
            .map(|r| r.id)
            .chain(crate::rules::MESSAGE_RULES.iter().map(|r| r.id))
            .collect();
        assert_eq!(
            POLICY_RULE_IDS,
            registry.as_slice(),
            "src/engine/rule_ids.rs lists the link and message rules of the registry, in order"
        );
    }

    #[test]
    fn loopback_smtp_without_tls_and_http_webhook_are_allowed() {
        let text = "[report]\nemail = \"sec@example.com\"\n[report.smtp]\nhost = \"127.0.0.1\"\nport = 2525\ntls = \"none\"\n[[report.webhook]]\nurl = \"http://localhost:8080/hook\"\ntoken_env = \"HOOK_TOKEN\"\n";
        assert_eq!(run(text), "");
    }
}

#[cfg(test)]
mod desktop_tests {
    use super::check;

    #[test]
    fn desktop_settings_are_checked() {
        let problems = check(
            "[desktop]\nwatch_clipboard = \"yes\"\nnotify = \"loud\"\nstart_at_login = false\n",
            "p.toml",
        );
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        expect_test::expect![[r#"
            [
                "p.toml:2:19: `watch_clipboard` must be true or false",
                "p.toml:3:10: notify \"loud\" must be \"suspicious\" (suspicious and dangerous links), \"dangerous\" or \"off\"",
            ]
        "#]]
        .assert_debug_eq(&text);
    }
}

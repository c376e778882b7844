//! Every policy key, declared once.
//!
//! [`KEYS`] is the one list of the keys a policy file may set: where each
//! sits, what type it is, how the layers (built-in < user < managed)
//! combine it, whether a managed value locks it, and what it means. It
//! drives the checking of files ([`super::validate`]), the merging of layers
//! ([`crate::config::merge`]), the lock keys ([`lockable`]) and the key table in
//! `docs/policy.md` ([`markdown_table`]). Tests tie it to the serde structs
//! in [`super`], to the docs and to `packaging/policies/complete.toml`.
//!
//! A new key is one field in its section struct and one row here. A key
//! that needs more than its type checked gets its check in
//! `validate::Checker::finish`, by its path.

/// What a value is, as the checker reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// A string (enum-like strings too: their spellings are checked by path).
    Str,
    /// `true` or `false`.
    Bool,
    /// A whole number between `min` and `max` (both allowed): the checker
    /// refuses others and the Group Policy template's number box has the
    /// same bounds.
    Int {
        /// The smallest value allowed.
        min: u32,
        /// The largest value allowed.
        max: u32,
    },
    /// A list of strings.
    StrList,
    /// A table (`[section]`); its keys are rows of their own.
    Table,
    /// A list of tables (`[[section]]`); their keys are rows of their own.
    TableList,
    /// A table of strings (`{ rule-id = "text" }`).
    StrMap,
    /// A table of string lists (`{ es = ["nómina"] }`).
    StrListMap,
}

/// How the layers (lowest first: built-in, user, managed) combine a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// A section: each of its keys is combined as its own row says.
    Section,
    /// The highest layer that sets it wins; a table or list of tables is
    /// taken whole.
    Replace,
    /// A list added up across layers: a user can add, never remove. The
    /// same value in a higher layer counts as that layer's.
    AddUp,
    /// A table of lists, added up entry by entry (`lure_words`).
    AddUpEach,
    /// A table merged entry by entry, the higher layer's entry winning;
    /// ignored in the user's layer when a managed layer is present (it
    /// could only weaken protection), and that is reported.
    EachUnlessManaged,
    /// `[[brand]]`: one brand per name (spaces and case aside); a higher
    /// layer's brand replaces a lower one's of the same name.
    ByName,
    /// A key inside a table or list of tables that is combined whole.
    Part,
}

/// One policy key.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// Dotted path (`organization.name`, `report.smtp.port`); the keys of a
    /// list of tables follow its path (`brand.domains`).
    pub path: &'static str,
    /// What the value is.
    pub ty: Type,
    /// How the layers combine it.
    pub merge: Merge,
    /// Set by a managed file, the user cannot change it and the window shows
    /// it as "Set by your organisation" (`Effective::is_locked`).
    pub lockable: bool,
    /// The type as the docs show it.
    pub shown: &'static str,
    /// What it means, one line (Markdown).
    pub doc: &'static str,
}

const fn key(
    path: &'static str,
    ty: Type,
    merge: Merge,
    lockable: bool,
    shown: &'static str,
    doc: &'static str,
) -> Key {
    Key {
        path,
        ty,
        merge,
        lockable,
        shown,
        doc,
    }
}

use Merge::*;
use Type::*;

/// Every key, in the order of the section structs (the order "known keys"
/// lists them in). One row a line: path, type, merge, lockable, type shown,
/// meaning.
#[rustfmt::skip]
pub const KEYS: &[Key] = &[
    key("organization", Table, Section, false, "table", "who the organisation is and what it promises"),
    key("organization.name", Str, Replace, true, "string", "the organisation's name"),
    key("organization.never_ask", StrList, Replace, true, "list of strings", "promises shown beside warnings"),
    key("organization.sign_in", StrList, Replace, true, "list of https URLs", "the only sign-in pages (on owned domains or trusted hosts)"),
    key("organization.help_contact", Str, Replace, true, "string", "how to reach the security team"),
    key("organization.help_phone", Str, Replace, true, "phone number (3–20 digits)", "the help desk's published phone number: named when a text asks to call a number (\"Call the help desk on the number your organisation published: …\"; `help_contact` is used when it is not set) and shown at once by \"I already opened it / typed my password or code\" (works offline)"),
    key("organization.help_url", Str, Replace, true, "https URL", "the security team's page"),
    key("organization.help_hours", Str, Replace, true, "string (≤ 120 characters)", "when that number answers, shown beside it"),
    key("organization.logo", Str, Replace, true, "PNG path or data URI", "logo on the policy card: the absolute path of a PNG file, or `data:image/png;base64,…`; at most 256 KiB and 1024×1024 pixels; never a web address (Second Look does not download it). A file that is missing or not a PNG shows no logo."),
    key("organization.color", Str, Replace, true, "`#rrggbb`", "accent colour: a bar beside the organisation's name on the policy card (decoration only: text colours stay the tested, readable ones)"),
    key("brand", TableList, ByName, false, "list of tables", "brands to protect: the organisation's own and any it cares about"),
    key("brand.name", Str, Part, false, "string, required", "the brand's name as people know it"),
    key("brand.domains", StrList, Part, false, "list, required", "owned domains: a host equal to or under one is safe (for a tenant on a shared platform such as `x.okta.com`, list it exactly)"),
    key("brand.keywords", StrList, Part, false, "list", "names attackers borrow; default: the name left of each domain's public suffix, the tenant name for shared platforms. Names of one or two characters (`hp`, `x`, `3m`) match only as a whole word or beside a lure word"),
    key("brand.aliases", StrList, Part, false, "list", "the brand's other names: what staff and attackers call it (abbreviations, the ticker, former and product names: `[\"NWH\", \"BofA\", \"M&S\"]`); treated like the name in combinations (`nwh-sso.com`)"),
    key("brand.sign_in", StrList, Part, false, "list of https URLs", "the brand's own sign-in pages, named in explanations"),
    key("brand.widely_used", Bool, Part, false, "bool", "the name is common in unrelated legitimate domains (Apple, Google): combinations count only with lure words, near-misses and other suffixes are `info`. Leave off for an organisation's own names."),
    key("brand.country_sites", Bool, Part, false, "bool", "the brand runs sites under many country suffixes: its name under an unlisted one is `info`"),
    key("detection", Table, Section, false, "table", "tuning of the detection"),
    key("detection.combo_keywords", StrList, AddUp, false, "list", "extra words that make \"brand + word\" dangerous"),
    key("detection.trusted_hosts", StrList, AddUp, false, "list", "hosts trusted besides owned domains (SaaS tenants): safe; never a shortener, a user-content root or a platform's root (list the exact tenant)"),
    key("detection.severity", StrMap, EachUnlessManaged, false, "table rule → `info`/`suspicious`/`dangerous`", "the organisation's weight for a rule"),
    key("detection.disabled", StrMap, EachUnlessManaged, false, "table rule → reason", "rules switched off, with the reason"),
    key("detection.user_additions", Bool, Replace, true, "bool", "whether the user's own policy may add brands, trusted hosts and training domains (default true); `false` in the managed policy ignores them (locked)"),
    key("detection.lure_words", StrListMap, AddUpEach, false, "table language → list", "extra lure words or phrases (3+ letters) per language (`en`, `es`, `de`, `fr`, `pt`, `it`, `nl`, `ja`, `sv`, `pl`, `tr`, `zh`, `ko`, `id`, `ro`), added to the built-in vocabulary (`assets/lures/*.toml`); they count in a message of any language"),
    key("indicators", Table, Section, false, "table", "domains the security team already knows about"),
    key("indicators.blocked", StrList, AddUp, false, "list", "known attack domains: always dangerous, \"Your security team has marked … as an attack.\""),
    key("indicators.training", StrList, AddUp, false, "list", "the organisation's phishing-simulation domains: a report is answered with thanks"),
    key("report", Table, Section, false, "table", "where reports go"),
    key("report.email", Str, Replace, true, "e-mail", "where mail reports go; also the `mailto:` fallback"),
    key("report.smtp", Table, Replace, true, "table", "SMTP delivery; the password comes from the variable `password_env` names or, when unset, the OS keyring (`secondlook outbox password`)"),
    key("report.smtp.host", Str, Part, false, "string, required", "the SMTP server's host name"),
    key("report.smtp.port", Int { min: 1, max: 65535 }, Part, false, "1–65535", "its port (587 STARTTLS, 465 TLS)"),
    key("report.smtp.tls", Str, Part, false, "`starttls`/`tls`/`none`", "how the connection is encrypted (default `starttls`; `none` only to loopback)"),
    key("report.smtp.username", Str, Part, false, "string", "the login name, if the server needs one"),
    key("report.smtp.password_env", Str, Part, false, "environment variable name", "the variable holding the password"),
    key("report.webhook", TableList, Replace, true, "list of tables", "webhook delivery, see `docs/reporting.md`"),
    key("report.webhook.url", Str, Part, false, "https URL, required", "where the report is posted (http only to loopback)"),
    key("report.webhook.token_env", Str, Part, false, "environment variable name", "the variable holding a bearer token (Splunk: the HEC token)"),
    key("report.webhook.format", Str, Part, false, "`json`/`slack`/`teams`/`splunk`", "the payload's shape (default `json`: the report itself)"),
    key("report.from", Str, Replace, true, "e-mail", "the `From` of report mails: the address IT lets the relay send as (SPF/DMARC); default: the SMTP `username` when it is an address, else `secondlook@` the domain of `report.email`; never the security mailbox itself"),
    key("report.reporter_email", Str, Replace, true, "pattern", "the reporter's address (`Reply-To` of the mail, `reporter.email` in the report), `{user}` is the OS user name in lower case, e.g. `{user}@example.com`; an address the user confirms (`secondlook report --reporter-email`) wins"),
    key("report.include_identity", Bool, Replace, true, "bool", "put who reported it (user name, full name, e-mail, machine) in the report (default true; false where a works council requires it)"),
    key("desktop", Table, Section, false, "table", "the desktop app's settings; set in the managed policy they are locked"),
    key("desktop.watch_clipboard", Bool, Replace, true, "bool", "watch copied links (default true)"),
    key("desktop.start_at_login", Bool, Replace, true, "bool", "start at login (default true)"),
    key("desktop.notify", Str, Replace, true, "`suspicious`/`dangerous`/`off`", "which copied links raise a notification (default `suspicious`: suspicious and dangerous)"),
    key("events", Table, Section, false, "table", "events for the security team's log collection"),
    key("events.system_log", Bool, Replace, true, "bool", "write an event for each suspicious or dangerous verdict, report, urgent report and policy problem to the system log (journald or syslog, the Windows Event Log, the macOS unified log) for the security team's collection: verdict, brand, registrable domain, rule ids, policy fingerprint, never the text or a full URL (default true; see `docs/deploying.md`)"),
    key("feed", Table, Section, false, "table", "the signed indicator feed; only the managed policy may set it (in a user policy it is ignored), see \"The signed indicator feed\""),
    key("feed.url", Str, Replace, true, "https URL", "the signed indicator feed: a policy file that only adds (indicators, brands and aliases, trusted hosts, combo keywords, lure words), fetched on start and every `interval_minutes`"),
    key("feed.signature_url", Str, Replace, true, "https URL", "where the feed's minisign signature is (default: `feed.url` with `.minisig` added)"),
    key("feed.public_key", Str, Replace, true, "minisign public key", "the `RW…` line of the feed key's `.pub` file; a feed whose signature does not verify with it is refused"),
    key("feed.interval_minutes", Int { min: 1, max: 1440 }, Replace, true, "1–1440", "minutes between fetches (default 15), plus up to a fifth as jitter"),
];

/// The row for `path`, if it is a key.
pub fn find(path: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.path == path)
}

/// The path of the table a key sits in (`""` for the top level).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('.').map_or("", |(p, _)| p)
}

/// The key's own name, the last part of its path.
pub fn name(path: &str) -> &str {
    path.rsplit_once('.').map_or(path, |(_, n)| n)
}

/// The keys directly inside the table at `path` (`""`: the top level), in
/// order.
pub fn children(path: &str) -> impl Iterator<Item = &'static Key> + '_ {
    KEYS.iter().filter(move |k| parent(k.path) == path)
}

/// `path` is a key whose managed value the user cannot change.
pub fn lockable(path: &str) -> bool {
    find(path).is_some_and(|k| k.lockable)
}

/// How the docs describe the way layers combine a key.
fn layers_doc(k: &Key) -> &'static str {
    match (k.merge, k.lockable) {
        (Replace, true) => "highest layer; locked when managed",
        (Replace, false) => "highest layer",
        (AddUp, _) => "added up",
        (AddUpEach, _) => "added up per entry",
        (EachUnlessManaged, _) => "per entry; the user's ignored under a managed policy",
        (ByName, _) => "added up by name; a higher layer's brand replaces one of the same name",
        (Part, _) => "with its table",
        (Section, _) => "key by key",
    }
}

/// The key table of `docs/policy.md` (between its `keys` markers): one row
/// per key, sections left out.
pub fn markdown_table() -> String {
    let mut out = String::from("| key | type | layers | meaning |\n|---|---|---|---|\n");
    for k in KEYS.iter().filter(|k| k.merge != Section) {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            k.path,
            k.shown,
            layers_doc(k),
            k.doc
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields serde knows in the table at `path`, in declaration order:
    /// read from the error an unknown field gives (`deny_unknown_fields`).
    fn serde_fields(path: &str) -> Vec<String> {
        let probe = "0zz_not_a_key = 1\n";
        let text = match find(path).map(|k| k.ty) {
            None => probe.to_owned(),
            Some(Type::TableList) => format!("[[{path}]]\n{probe}"),
            Some(_) => format!("[{path}]\n{probe}"),
        };
        let err = toml::from_str::<super::super::PolicyFile>(&text)
            .err()
            .unwrap_or_else(|| panic!("{path}: an unknown field was accepted"))
            .message()
            .to_owned();
        let expected = err
            .split_once("expected ")
            .map(|(_, e)| e)
            .unwrap_or_else(|| panic!("{path}: {err}"));
        expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn every_serde_field_has_a_row_and_every_row_a_field() {
        let tables = std::iter::once("").chain(
            KEYS.iter()
                .filter(|k| matches!(k.ty, Type::Table | Type::TableList))
                .map(|k| k.path),
        );
        for table in tables {
            let rows: Vec<&str> = children(table).map(|k| name(k.path)).collect();
            assert_eq!(
                serde_fields(table),
                rows,
                "the keys of [{table}]: the serde struct's fields and the schema's rows (KEYS in src/engine/policy/schema.rs) must be the same, in the same order"
            );
        }
    }

    #[test]
    fn rows_are_well_formed() {
        for (i, k) in KEYS.iter().enumerate() {
            assert!(
                KEYS[..i].iter().all(|o| o.path != k.path),
                "{} is declared twice",
                k.path
            );
            let parent_row = find(parent(k.path));
            match parent_row {
                None => assert!(
                    !parent(k.path).is_empty()
                        || k.merge == Merge::Section
                        || k.merge == Merge::ByName,
                    "{}",
                    k.path
                ),
                Some(p) => assert!(matches!(p.ty, Type::Table | Type::TableList), "{}", k.path),
            }
            if !parent(k.path).is_empty() {
                assert!(parent_row.is_some(), "{}: its table has no row", k.path);
            }
            // A key inside something combined whole is part of it; a key in
            // a section is combined on its own.
            let whole = parent_row.is_some_and(|p| p.merge != Merge::Section);
            assert_eq!(k.merge == Merge::Part, whole, "{}: merge", k.path);
            assert_eq!(
                k.merge == Merge::Section,
                k.ty == Type::Table && parent_row.is_none(),
                "{}: only top-level tables are sections",
                k.path
            );
            if k.lockable {
                assert_eq!(
                    k.merge,
                    Merge::Replace,
                    "{}: only a single value locks",
                    k.path
                );
            }
            let list_merge = matches!(
                k.merge,
                Merge::AddUp | Merge::AddUpEach | Merge::EachUnlessManaged
            );
            if list_merge {
                assert!(
                    matches!(k.ty, Type::StrList | Type::StrMap | Type::StrListMap),
                    "{}: only lists and tables add up",
                    k.path
                );
            }
            assert!(
                !k.doc.is_empty() && !k.doc.contains('\n') && !k.doc.contains('|'),
                "{}: doc",
                k.path
            );
            assert!(
                !k.shown.is_empty() && !k.shown.contains('|'),
                "{}: shown",
                k.path
            );
        }
    }

    /// Every dotted key path written in `text` (a policy file), lists of
    /// tables under their own path.
    fn paths_in(table: &toml::Table, prefix: &str, out: &mut Vec<String>) {
        for (k, v) in table {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            let is_map =
                find(&path).is_some_and(|r| matches!(r.ty, Type::StrMap | Type::StrListMap));
            match v {
                toml::Value::Table(t) if !is_map => paths_in(t, &path, out),
                toml::Value::Array(a) if a.iter().all(toml::Value::is_table) && !a.is_empty() => {
                    for t in a.iter().filter_map(toml::Value::as_table) {
                        paths_in(t, &path, out);
                    }
                }
                _ => {}
            }
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }

    #[test]
    fn the_complete_example_sets_every_key() {
        let text = include_str!("../../../packaging/policies/complete.toml");
        let table: toml::Table = toml::from_str(text).unwrap();
        let mut set = Vec::new();
        paths_in(&table, "", &mut set);
        for k in KEYS {
            assert!(
                set.iter().any(|p| p == k.path),
                "packaging/policies/complete.toml (and its copy in docs/policy.md) lacks `{}`",
                k.path
            );
        }
        for p in &set {
            assert!(
                find(p).is_some(),
                "complete.toml sets `{p}`, which is not a key"
            );
        }
    }

    /// docs/policy.md shows the complete example as it is.
    #[test]
    fn the_docs_show_the_complete_example_as_it_is() {
        let docs = std::fs::read_to_string(DOCS).unwrap();
        let text = include_str!("../../../packaging/policies/complete.toml");
        assert!(
            docs.contains(&format!("```toml\n{text}```")),
            "docs/policy.md's \"Complete annotated example\" differs from packaging/policies/complete.toml"
        );
    }

    const DOCS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/policy.md");
    const START: &str = "<!-- keys:start -->\n";
    const END: &str = "<!-- keys:end -->";

    /// `docs/policy.md`'s key table is [`markdown_table`]; run
    /// `UPDATE_EXPECT=1 cargo test --lib policy::schema` to regenerate it.
    #[test]
    fn the_docs_key_table_is_generated_from_the_schema() {
        let docs = std::fs::read_to_string(DOCS).unwrap();
        let (Some(a), Some(b)) = (docs.find(START), docs.find(END)) else {
            panic!("docs/policy.md lacks the {START:?} … {END:?} markers");
        };
        let now = &docs[a + START.len()..b];
        let want = markdown_table();
        if now != want {
            if std::env::var_os("UPDATE_EXPECT").is_some() {
                let new = format!("{}{want}{}", &docs[..a + START.len()], &docs[b..]);
                std::fs::write(DOCS, new).unwrap();
                return;
            }
            panic!(
                "docs/policy.md's key table differs from the schema; regenerate it: UPDATE_EXPECT=1 cargo test --lib policy::schema\n--- docs\n{now}--- schema\n{want}"
            );
        }
        // Every key is named in the docs, in backticks.
        for k in KEYS.iter().filter(|k| k.merge != Merge::Section) {
            assert!(docs.contains(&format!("`{}`", k.path)), "{}", k.path);
        }
    }

    /// The lock keys the shell asks about (`is_locked("…")`) are lockable keys.
    #[test]
    fn every_lock_key_asked_about_is_lockable() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![root];
        let mut asked = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                if p.extension().is_none_or(|e| e != "rs") || p.ends_with("policy/schema.rs") {
                    continue;
                }
                let src = std::fs::read_to_string(&p).unwrap();
                // The product's code, not its tests (which ask about
                // unlockable keys on purpose).
                let code = src.split("#[cfg(test)]").next().unwrap_or_default();
                for part in code.split("locked(\"").skip(1) {
                    let key = part.split('"').next().unwrap_or_default();
                    assert!(
                        lockable(key),
                        "{}: `{key}` is not a lockable key",
                        p.display()
                    );
                    asked += 1;
                }
            }
        }
        assert!(asked >= 4, "the settings ask about the [desktop] locks");
    }
}

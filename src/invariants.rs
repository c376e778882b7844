//! The properties every analysis must have, as checks that return what
//! broke. The fuzz targets (`fuzz/`) and the property tests
//! (`tests/it/properties.rs`) both call these, so the invariants are written
//! once.

use crate::analysis::{Analysis, Verdict, analyze};
use crate::json::AnalysisJson;
use crate::policy::{Owner, Policy};

/// Every link's span lies inside `text`, on character boundaries, and
/// holds exactly the link's text.
pub fn spans(text: &str, analysis: &Analysis) -> Result<(), String> {
    for l in &analysis.links {
        let s = &l.link.span;
        if s.start > s.end || s.end > text.len() {
            return Err(format!("span {s:?} outside a text of {} bytes", text.len()));
        }
        if !text.is_char_boundary(s.start) || !text.is_char_boundary(s.end) {
            return Err(format!("span {s:?} not on character boundaries"));
        }
        if text.get(s.clone()) != Some(l.link.text.as_str()) {
            return Err(format!("span {s:?} does not hold {:?}", l.link.text));
        }
    }
    Ok(())
}

/// Safe only when owned: a link is `safe` only if its host is equal to or
/// under a domain the policy lists (never a blocked one), and a host equal
/// to a listed domain (not blocked) is always `safe`.
pub fn safety(policy: &Policy, analysis: &Analysis) -> Result<(), String> {
    for l in &analysis.links {
        let Some(host) = &l.link.host else {
            if l.verdict == Verdict::Safe {
                return Err(format!("{:?} has no host but is safe", l.link.text));
            }
            continue;
        };
        let owned = policy.owner_of(host).is_some();
        let blocked = policy.blocked_by(host).is_some();
        if l.verdict == Verdict::Safe && (!owned || blocked) {
            return Err(format!("{} is safe but not owned", host.ascii));
        }
        let exactly_listed = matches!(
            policy.owner_of(host),
            Some(Owner::Brand(_) | Owner::Trusted)
        ) && policy
            .brands
            .iter()
            .any(|b| b.domains.contains(&host.ascii));
        let hidden_tricks = !l.link.hidden.is_empty()
            || l.link
                .parsed
                .as_ref()
                .is_some_and(|u| !u.username().is_empty() || u.password().is_some());
        // A link inside the address, or a shown address that differs from
        // the target, can make an owned link unsafe (relation rules).
        let related = l
            .findings
            .iter()
            .any(|f| crate::rules::RELATION_RULES.iter().any(|r| r.id == f.rule));
        if exactly_listed && !blocked && !hidden_tricks && !related && l.verdict != Verdict::Safe {
            return Err(format!("{} is owned but {}", host.ascii, l.verdict));
        }
    }
    Ok(())
}

/// Analysing the same text twice gives the same result, byte for byte.
pub fn deterministic(text: &str, policy: &Policy) -> Result<(), String> {
    let one = serde_json::to_string(&AnalysisJson::new(&analyze(text, policy), policy));
    let two = serde_json::to_string(&AnalysisJson::new(&analyze(text, policy), policy));
    match (one, two) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        (Ok(_), Ok(_)) => Err("two analyses of the same text differ".into()),
        (Err(e), _) | (_, Err(e)) => Err(format!("the analysis does not serialise: {e}")),
    }
}

/// All of the above for one text.
pub fn all(text: &str, policy: &Policy) -> Result<Analysis, String> {
    let a = analyze(text, policy);
    spans(text, &a)?;
    safety(policy, &a)?;
    deterministic(text, policy)?;
    Ok(a)
}

//! `message-lure`: what the message says, not just where its links go.
//!
//! ## What it flags
//! Cues from the 0ktapus texts, the CISA Scattered Spider advisory and the
//! smishing literature: asking for a password or one-time code, asking to
//! approve a sign-in prompt, password expiry or a locked account, a schedule,
//! pay or HR change, pretending to be IT, the helpdesk or security, asking to
//! install a remote-access tool, common consumer scam stories, urgency.
//! - A request for a secret, an MFA approval or a remote-access tool →
//!   `suspicious`, with or without a link.
//! - Any other cue together with a link that is not the organisation's own →
//!   `suspicious`; on its own → `info`. Urgency only counts beside another cue.
//!
//! ## Why it matters
//! The link is only half the attack; the story is what makes people act.
//!
//! ## Example (flagged)
//! "IT here: your password expired, log in at twilio-sso.com" → suspicious.
//!
//! ## Not flagged
//! "Your verification code is 123456. Do not share it with anyone." (a real
//! one-time-code message warns *against* sharing), "See you at 6".

use std::sync::LazyLock;

use regex::Regex;

use super::{Finding, MessageRule, Severity};
use crate::policy::Policy;

/// The registry entry.
pub const RULE: MessageRule = MessageRule {
    id: "message-lure",
    detects: "a message that asks for a password, code or MFA approval, or tells a lure story (password expiry, schedule/HR change, IT helpdesk, urgency)",
    severity: "suspicious for secret requests or a lure with a link, else info",
    check,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    Secret,
    Mfa,
    RemoteTool,
    Expiry,
    Schedule,
    PosesAsIt,
    Consumer,
    Urgency,
}

impl Cue {
    fn phrase(self) -> &'static str {
        match self {
            Cue::Secret => "asks for a password or one-time code",
            Cue::Mfa => "asks you to approve a sign-in request",
            Cue::RemoteTool => "asks you to install a remote-access tool",
            Cue::Expiry => "says your password or account needs attention",
            Cue::Schedule => "says your schedule, pay or HR details changed",
            Cue::PosesAsIt => "claims to come from IT, the helpdesk or the security team",
            Cue::Consumer => {
                "tells a common scam story (a parcel, a bill, a prize or a blocked card)"
            }
            Cue::Urgency => "pushes you to act right away",
        }
    }

    fn asks_for_secret(self) -> bool {
        matches!(self, Cue::Secret | Cue::Mfa | Cue::RemoteTool)
    }
}

const SPAN: &str = r"[^.!?\n]{0,40}";

static PATTERNS: LazyLock<Vec<(Cue, Regex)>> = LazyLock::new(|| {
    let raw: &[(Cue, String)] = &[
        (Cue::Secret, format!(r"(?i)(?-u:\b)(?:reply|respond|text|send|share|provide|give|tell|confirm|enter|verify|type|read|forward|submit)(?-u:\b){SPAN}(?-u:\b)(?:code|passcode|password|pin|otp|one[- ]time|2fa|mfa|credentials|login details)(?-u:\b)")),
        (Cue::Mfa, format!(r"(?i)(?-u:\b)(?:approve|accept|allow|confirm)(?-u:\b){SPAN}(?-u:\b)(?:prompt|push|sign[- ]?in request|login request|notification|mfa|duo)(?-u:\b)")),
        (Cue::RemoteTool, r"(?i)(?-u:\b)(?:anydesk|teamviewer|screenconnect|connectwise|splashtop|rustdesk|quick ?assist|logmein|supremo)(?-u:\b)".to_owned()),
        (Cue::Expiry, format!(r"(?i)(?-u:\b)password(?-u:\b){SPAN}(?-u:\b)(?:expired|expires|expiring|expire|reset)(?-u:\b)|(?-u:\b)(?:expired|expiring)(?-u:\b){SPAN}(?-u:\b)password(?-u:\b)|(?-u:\b)account(?-u:\b){SPAN}(?-u:\b)(?:locked|suspended|disabled|deactivated|on hold|restricted|compromised|blocked)(?-u:\b)|(?-u:\b)(?:verify|confirm|update|validate|re-?activate)(?-u:\b) (?:your )?(?:account|identity|credentials|login|details)(?-u:\b)")),
        (Cue::Schedule, format!(r"(?i)(?-u:\b)(?:schedule|shift|rota|roster)(?-u:\b){SPAN}(?-u:\b)(?:changed|change|updated|update|modified)(?-u:\b)|(?-u:\b)meeting with hr(?-u:\b)|(?-u:\b)hr (?:meeting|department|team|update|notice)(?-u:\b)|(?-u:\b)(?:payroll|paycheck|direct deposit|benefits enrol+ment|timesheet)(?-u:\b)")),
        (Cue::PosesAsIt, r"(?i)(?-u:\b)(?:it (?:department|dept|team|support|desk|admin|services|helpdesk)|help ?desk|service ?desk|tech(?:nical)? support|security team|system administrator|sysadmin)(?-u:\b)".to_owned()),
        (Cue::Consumer, format!(r"(?i)(?-u:\b)(?:package|parcel|shipment|delivery)(?-u:\b){SPAN}(?-u:\b)(?:failed|held|pending|unable|attempt|redeliver|reschedule|customs|fee)(?-u:\b)|(?-u:\b)(?:unpaid|outstanding)(?-u:\b){SPAN}(?-u:\b)(?:toll|invoice|bill|balance|fee)(?-u:\b)|(?-u:\b)tax (?:refund|rebate)(?-u:\b)|(?-u:\b)you(?:'ve| have)? won(?-u:\b)|(?-u:\b)claim your (?:prize|reward|gift|refund)(?-u:\b)|(?-u:\b)(?:card|account) (?:has been |was |is )?(?:blocked|frozen|suspended|locked)(?-u:\b)")),
        (Cue::Urgency, r"(?i)(?-u:\b)(?:urgent|urgently|immediately|asap|right away|within (?:\d+|one|two) (?:hours?|hrs?|minutes?|mins?)|today|tonight|final (?:notice|warning|reminder)|last (?:chance|warning)|expires? (?:today|soon|tonight))(?-u:\b)".to_owned()),
    ];
    raw.iter()
        .filter_map(|(cue, p)| Regex::new(p).ok().map(|r| (*cue, r)))
        .collect()
});

/// "do not share", "never give": a real code message warns against sharing.
static NEGATED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:not|never|don'?t|won'?t|nobody|no one)(?-u:\b)[^.!?\n]{0,12}$").ok()
});

/// All cue patterns at once: most texts match none, and one pass says so.
static ANY: LazyLock<Option<regex::RegexSet>> =
    LazyLock::new(|| regex::RegexSet::new(PATTERNS.iter().map(|(_, r)| r.as_str())).ok());

fn cues(text: &str) -> Vec<Cue> {
    let mut found = Vec::new();
    let candidates = match ANY.as_ref() {
        Some(set) => set.matches(text),
        None => return found,
    };
    for (i, (cue, re)) in PATTERNS.iter().enumerate() {
        if !candidates.matched(i) {
            continue;
        }
        let hit = re.find_iter(text).any(|m| {
            if *cue != Cue::Secret && *cue != Cue::Mfa {
                return true;
            }
            let before = text
                .get(m.start().saturating_sub(24)..m.start())
                .unwrap_or("");
            let before = before
                .get(before.len().saturating_sub(24)..)
                .unwrap_or(before);
            !NEGATED.as_ref().is_some_and(|n| n.is_match(before))
        });
        if hit {
            found.push(*cue);
        }
    }
    found
}

fn check(text: &str, risky_link: bool, _policy: &Policy) -> Vec<Finding> {
    let found = cues(text);
    let strong: Vec<Cue> = found
        .iter()
        .copied()
        .filter(|c| *c != Cue::Urgency)
        .collect();
    if strong.is_empty() {
        return Vec::new();
    }
    let severity = if strong.iter().any(|c| c.asks_for_secret()) || risky_link {
        Severity::Suspicious
    } else {
        Severity::Info
    };
    let phrases: Vec<&str> = found.iter().map(|c| c.phrase()).collect();
    let mut explanation = format!("The message {}.", join_and(&phrases));
    if severity == Severity::Suspicious {
        explanation.push_str(
            " Attackers use exactly these stories to rush people into typing a password or code on a fake page.",
        );
    }
    vec![Finding {
        rule: RULE.id,
        severity,
        brand: None,
        explanation,
    }]
}

fn join_and(items: &[&str]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::twilio;
    use expect_test::expect;

    fn run(text: &str, risky_link: bool) -> String {
        check(text, risky_link, &twilio())
            .iter()
            .map(|f| format!("{} {}", f.severity, f.explanation))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn incident_texts() {
        expect!["suspicious The message says your password or account needs attention and claims to come from IT, the helpdesk or the security team. Attackers use exactly these stories to rush people into typing a password or code on a fake page."]
            .assert_eq(&run("IT Department: your password has expired. Log in at twilio-sso.com to keep access.", true));
        expect!["suspicious The message says your schedule, pay or HR details changed and pushes you to act right away. Attackers use exactly these stories to rush people into typing a password or code on a fake page."]
            .assert_eq(&run("Your schedule has changed, please check today at twilio-okta.com", true));
    }

    #[test]
    fn code_requests_count_without_a_link() {
        expect!["suspicious The message asks for a password or one-time code and claims to come from IT, the helpdesk or the security team. Attackers use exactly these stories to rush people into typing a password or code on a fake page."]
            .assert_eq(&run("This is the helpdesk. Please reply with the code we just sent you.", false));
        expect!["suspicious The message asks you to approve a sign-in request. Attackers use exactly these stories to rush people into typing a password or code on a fake page."]
            .assert_eq(&run("Please approve the Duo push we sent", false));
    }

    #[test]
    fn lure_without_link_is_info() {
        expect!["info The message says your schedule, pay or HR details changed."]
            .assert_eq(&run("Your shift schedule changed for next week", false));
    }

    #[test]
    fn not_flagged() {
        for text in [
            "Your verification code is 123456. Do not share it with anyone.",
            "Your Twilio code is 829113. Never share this code.",
            "See you at 6, bring the cake",
            "Call me today",
        ] {
            assert_eq!(run(text, true), "", "{text}");
        }
    }
}

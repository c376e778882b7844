//! The ids of the rules a policy may name in `[detection] severity` and
//! `disabled` (the link and message rules, in registry order): a leaf, so
//! that checking a policy does not import the rules that read it. A test
//! (`policy::validate`) keeps it equal to the registry.

/// Every link rule's id, then every message rule's, as in
/// `rules::LINK_RULES` and `rules::MESSAGE_RULES`.
pub const POLICY_RULE_IDS: &[&str] = &[
    "blocked-indicator",
    "own-domain",
    "brand-combo",
    "brand-other-suffix",
    "typosquat",
    "homoglyph",
    "whole-script",
    "idn-spoof",
    "brand-in-subdomain",
    "deceptive-url",
    "hidden-destination",
    "overlong-host",
    "code-request",
    "push-approval",
    "callback-lure",
    "consumer-lure",
    "hidden-link-lure",
    "message-lure",
];

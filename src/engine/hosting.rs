//! Curated lists of services where the name in a link says nothing about who
//! runs the site. Sources: the private section of the Public Suffix List
//! (hosting platforms), the link-shortener and dynamic-DNS providers most
//! seen in phishing feeds (APWG and OpenPhish reports), and the identity
//! platforms companies rent sign-in pages on (Okta, Microsoft Entra, Duo…).
//! Matching is on the registrable domain, so `x.bit.ly` counts as `bit.ly`.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::host::suffixes;

const SHORT: usize = 0;
const DYNDNS: usize = 1;
const HOSTING: usize = 2;
const PLATFORMS: usize = 3;
const CDN: usize = 4;

/// URL shorteners: the real destination is hidden until the link is opened.
#[rustfmt::skip]
pub const SHORTENERS: &[&str] = &[
    "bit.ly", "bitly.com", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly",
    "rebrand.ly", "cutt.ly", "shorturl.at", "rb.gy", "t.ly", "tiny.cc", "s.id", "v.gd",
    "bl.ink", "short.io", "lnkd.in", "qrco.de", "urlz.fr", "shorte.st", "adf.ly", "bit.do",
    "soo.gd", "clck.ru", "u.to", "x.gd", "tinu.be", "l.ead.me", "2u.pw", "linktr.ee", "t.me",
    // Korean shorteners (Naver's naver.me and me2.do; han.gl, url.kr, vo.la).
    "han.gl", "naver.me", "me2.do", "url.kr", "vo.la",
];

/// Free hosting, site builders, cloud storage and form services where anyone
/// can publish under any name (user content, even on a big brand's domain).
#[rustfmt::skip]
pub const FREE_HOSTING: &[&str] = &[
    "weebly.com", "wixsite.com", "wix.com", "webflow.io", "squarespace.com", "godaddysites.com",
    "blogspot.com", "wordpress.com", "000webhostapp.com", "glitch.me", "replit.app", "repl.co",
    "netlify.app", "vercel.app", "pages.dev", "workers.dev", "web.app", "firebaseapp.com",
    "github.io", "gitlab.io", "herokuapp.com", "azurewebsites.net", "appspot.com",
    "googleusercontent.com", "sites.google.com", "docs.google.com", "drive.google.com",
    "storage.googleapis.com", "ngrok.io", "ngrok-free.app", "ngrok.app", "trycloudflare.com",
    "r2.dev", "surge.sh", "onrender.com", "fly.dev", "myshopify.com", "jimdosite.com",
    "yolasite.com", "strikingly.com", "mystrikingly.com", "carrd.co", "framer.app",
    "framer.website", "notion.site", "typedream.app", "codepen.io", "blob.core.windows.net",
    "amazonaws.com", "cloudfront.net", "azureedge.net", "ipfs.io", "dweb.link", "translate.goog",
    "forms.gle", "formstack.com", "jotform.com", "forms.office.com", "forms.microsoft.com",
    "onedrive.live.com", "1drv.ms", "dropboxusercontent.com", "raw.githubusercontent.com",
    "gist.github.com",
];

/// Dynamic-DNS providers: free, instant names popular for short-lived attack sites.
#[rustfmt::skip]
pub const DYNAMIC_DNS: &[&str] = &[
    "duckdns.org", "no-ip.com", "no-ip.org", "noip.com", "ddns.net", "hopto.org", "zapto.org",
    "sytes.net", "serveo.net", "dynu.net", "dynu.com", "freedns.afraid.org", "mooo.com",
    "dyndns.org", "dynalias.com", "servehttp.com", "myftp.biz", "myvnc.com", "3utilities.com",
    "bounceme.net", "redirectme.net", "servebeer.com", "webhop.me", "publicvm.com", "ooguy.com",
    "crabdance.com", "strangled.net", "chickenkiller.com", "twilightparadox.com",
    // Wildcard DNS: any address as a name (10.0.0.1.nip.io).
    "nip.io", "sslip.io", "xip.io", "traefik.me", "localtest.me",
];

/// Identity and IT platforms whose customers get a sub-name each
/// (`company.okta.com`): the sub-name is the customer's, not the platform's.
#[rustfmt::skip]
pub const IDENTITY_PLATFORMS: &[&str] = &[
    "okta.com", "oktapreview.com", "okta-emea.com", "okta-gov.com", "onelogin.com",
    "auth0.com", "pingone.com", "pingidentity.com", "duosecurity.com", "service-now.com",
    "servicenow.com", "zendesk.com", "freshdesk.com", "atlassian.net", "salesforce.com",
    "force.com", "my.salesforce.com", "sharepoint.com", "onmicrosoft.com", "workday.com",
    "myworkday.com", "bamboohr.com", "slack.com", "zoom.us", "webex.com", "box.com",
    "jamfcloud.com", "kandji.io", "cloudflareaccess.com", "awsapps.com", "jumpcloud.com",
];

/// CDN and DNS infrastructure whose host names embed their customers'
/// domains by convention (`www.apple.com.edgekey.net`). Only the CDN creates
/// such names, for the customer; they are not lookalikes.
#[rustfmt::skip]
pub const CDN_INFRASTRUCTURE: &[&str] = &[
    "akadns.net", "akamaiedge.net", "edgekey.net", "edgesuite.net", "akamaized.net",
    "akamaihd.net", "msedge.net", "nsatc.net", "apple-dns.net", "aaplimg.com", "trafficmanager.net",
    "worldfcdn.com", "fastly.net", "map.fastly.net", "cdn.cloudflare.net", "azurefd.net",
    "llnwd.net", "edgecastcdn.net", "a-msedge.net", "b-msedge.net", "e-msedge.net", "k-msedge.net",
    "l-msedge.net", "s-msedge.net", "t-msedge.net", "spo-msedge.net", "wsdvs.com", "bytetcdn.com",
    "kunlunsl.com", "baishan-cloud.net", "indiafcdn.com", "myqcloud.com", "cdngslb.com",
    "chinacache.net", "cdn20.com", "footprint.net",
];

/// A registrable domain of CDN infrastructure.
pub fn is_cdn_infrastructure(registrable: &str) -> bool {
    on_list(CDN, registrable).is_some()
}

/// Which list a registrable domain (or host) is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostingKind {
    /// [`SHORTENERS`]
    Shortener,
    /// [`FREE_HOSTING`]
    FreeHosting,
    /// [`DYNAMIC_DNS`]
    DynamicDns,
}

/// The hash of the analysis's look-up tables that are probed with hosts
/// from the text, once per parent domain of every link (these lists, the
/// policy's owned and trusted domains): foldhash with a
/// fixed seed, several times faster than the standard library's SipHash
/// on short names. The keys are curated or the policy's own, never chosen
/// by whoever wrote the text, and a probe's cost is bounded by the table
/// built from them, so the keyed (random per process) SipHash that guards
/// tables whose keys come from input is not needed here. Tables keyed by
/// input (none on the per-link path) keep the standard library's hash.
pub type LookupHasher = foldhash::fast::FixedState;

fn set(list: &'static [&'static str]) -> HashSet<&'static str, LookupHasher> {
    list.iter().copied().collect()
}

static SETS: LazyLock<[HashSet<&'static str, LookupHasher>; 5]> = LazyLock::new(|| {
    [
        set(SHORTENERS),
        set(DYNAMIC_DNS),
        set(FREE_HOSTING),
        set(IDENTITY_PLATFORMS),
        set(CDN_INFRASTRUCTURE),
    ]
});

/// The entry of `list` that `host` is equal to or under (a walk over the
/// host's parent domains: a few hash look-ups, whatever the list's size).
fn on_list(list: usize, host: &str) -> Option<&'static str> {
    let set = SETS.get(list)?;
    suffixes(host).find_map(|s| set.get(s).copied())
}

/// The list `host` (ASCII) is on and the entry that matched.
pub fn classify(host: &str) -> Option<(HostingKind, &'static str)> {
    if let Some(d) = on_list(SHORT, host) {
        return Some((HostingKind::Shortener, d));
    }
    if let Some(d) = on_list(DYNDNS, host) {
        return Some((HostingKind::DynamicDns, d));
    }
    on_list(HOSTING, host).map(|d| (HostingKind::FreeHosting, d))
}

/// A shared platform: its sub-names belong to its customers.
pub fn is_shared_platform(registrable: &str) -> bool {
    on_list(PLATFORMS, registrable).is_some() || on_list(HOSTING, registrable).is_some()
}

/// An identity or IT platform with per-customer names (`okta.com`).
pub fn identity_platform(host: &str) -> Option<&'static str> {
    on_list(PLATFORMS, host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(classify("bit.ly"), Some((HostingKind::Shortener, "bit.ly")));
        assert_eq!(
            classify("x.duckdns.org").map(|c| c.0),
            Some(HostingKind::DynamicDns)
        );
        assert_eq!(
            classify("twilio.github.io").map(|c| c.0),
            Some(HostingKind::FreeHosting)
        );
        assert_eq!(classify("notbit.ly"), None);
        assert!(is_shared_platform("okta.com"));
        assert!(!is_shared_platform("twilio.com"));
    }
}

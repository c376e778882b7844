//! The brand and the organisation as a result names them: built once per
//! policy ([`crate::Policy::brand_ref`], [`crate::Policy::org_ref`]), cheap
//! to clone (one reference count), and enough to write every sentence and
//! field about them without the policy. A leaf: it uses nothing else.

use std::fmt;
use std::sync::Arc;

/// A brand a finding is about: its name, main domain and sign-in pages.
#[derive(Clone, PartialEq, Eq)]
pub struct BrandRef(Arc<BrandInfo>);

/// What a [`BrandRef`] says about its brand.
#[derive(Debug, PartialEq, Eq)]
struct BrandInfo {
    name: String,
    main_domain: Option<String>,
    sign_in: Vec<String>,
}

impl BrandRef {
    /// A brand named `name`, whose main domain (the first listed) is
    /// `main_domain` and whose own sign-in pages are `sign_in`.
    pub fn new(name: &str, main_domain: Option<&str>, sign_in: &[String]) -> BrandRef {
        BrandRef(Arc::new(BrandInfo {
            name: name.to_owned(),
            main_domain: main_domain.map(str::to_owned),
            sign_in: sign_in.to_vec(),
        }))
    }

    /// The brand's name ("Twilio").
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The domain to suggest in "Did you mean …?".
    pub fn main_domain(&self) -> Option<&str> {
        self.0.main_domain.as_deref()
    }

    /// The brand's own sign-in pages.
    pub fn sign_in(&self) -> &[String] {
        &self.0.sign_in
    }
}

impl fmt::Debug for BrandRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BrandRef({:?})", self.0.name)
    }
}

impl fmt::Display for BrandRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.name)
    }
}

/// The organisation as explanations name it, and the policy's source.
#[derive(Clone, PartialEq, Eq)]
pub struct OrgRef(Arc<OrgInfo>);

#[derive(Debug, PartialEq, Eq)]
struct OrgInfo {
    name: String,
    display_name: String,
    sign_in: Vec<String>,
    help_contact: Option<String>,
    source: String,
}

impl OrgRef {
    /// The organisation named `name` as written (may be empty),
    /// `display_name` as sentences say it ([`crate::Policy::organization_name`]),
    /// signing in only at `sign_in`, reached at `help_contact`, under the
    /// policy read from `source`.
    pub fn new(
        name: &str,
        display_name: &str,
        sign_in: &[String],
        help_contact: Option<&str>,
        source: &str,
    ) -> OrgRef {
        OrgRef(Arc::new(OrgInfo {
            name: name.to_owned(),
            display_name: display_name.to_owned(),
            sign_in: sign_in.to_vec(),
            help_contact: help_contact.map(str::to_owned),
            source: source.to_owned(),
        }))
    }

    /// How to reach the security team, if the policy says.
    pub fn help_contact(&self) -> Option<&str> {
        self.0.help_contact.as_deref()
    }

    /// The policy names the organisation (`[organization] name` is not blank).
    pub fn is_named(&self) -> bool {
        !self.0.name.trim().is_empty()
    }

    /// The name as written in the policy (may be empty).
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The name as sentences say it.
    pub fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// The organisation's sign-in pages.
    pub fn sign_in(&self) -> &[String] {
        &self.0.sign_in
    }

    /// Where the policy came from (a path, or the built-in policy's name).
    pub fn source(&self) -> &str {
        &self.0.source
    }
}

impl Default for OrgRef {
    fn default() -> OrgRef {
        OrgRef::new("", "", &[], None, "")
    }
}

impl fmt::Debug for OrgRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrgRef({:?}, {:?})", self.0.name, self.0.source)
    }
}

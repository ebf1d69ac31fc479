//! Site-wide settings from the server's configuration, provided to pages as context.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Who runs this installation (shown in the Impressum), from configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Operator {
    pub name: Option<String>,
    pub address: Option<String>,
    pub representative: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl Operator {
    /// Whether the legally required minimum (name, address, e-mail) is configured.
    pub fn is_complete(&self) -> bool {
        self.name.is_some() && self.address.is_some() && self.email.is_some()
    }
}

/// Site-wide settings that pages read from context.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteConfig {
    /// Public base URL without trailing slash, for canonical links (e.g. https://allmende.example.de).
    pub public_url: String,
    pub operator: Operator,
    /// Whether the demo catalogue was loaded (shows a notice).
    pub demo: bool,
}

/// The site configuration of this request (defaults when none was provided).
pub fn use_site_config() -> SiteConfig {
    use_context::<SiteConfig>().unwrap_or_default()
}
